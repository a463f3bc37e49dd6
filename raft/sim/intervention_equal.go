package sim

import (
	"slices"

	"github.com/raftplayground/raftplayground/raft"
)

// equal reports whether iv and o are the same intervention, as
// reflect.DeepEqual would: pointers by what they point to, slices element
// by element with nil and empty told apart. It is written out because
// reflect.DeepEqual costs the page's wasm about 2.7 KB brotli (README,
// "Size"); TestInterventionEqualIsDeepEqual holds it to DeepEqual field by
// field, so a new field must be added here.
func (iv Intervention) equal(o Intervention) bool {
	return iv.At == o.At && iv.Kind == o.Kind && iv.Node == o.Node &&
		iv.From == o.From && iv.To == o.To && iv.Link.equal(o.Link) &&
		sliceEqual(iv.Groups, o.Groups, idsEqual) && iv.Delay == o.Delay &&
		iv.Msg == o.Msg && iv.Data == o.Data && iv.Key == o.Key &&
		sliceEqual(iv.Voters, o.Voters, eq) && sliceEqual(iv.Learners, o.Learners, eq) &&
		ptrEqual(iv.Step, o.Step)
}

// equal reports whether two link settings are equal, as reflect.DeepEqual
// would; nil only equals nil.
func (c *LinkConfig) equal(o *LinkConfig) bool {
	if c == o {
		return true
	}
	if c == nil || o == nil {
		return false
	}
	return ptrEqual(c.Up, o.Up) && ptrEqual(c.LatencyMin, o.LatencyMin) &&
		ptrEqual(c.LatencyMax, o.LatencyMax) && ptrEqual(c.Loss, o.Loss) &&
		ptrEqual(c.Duplicate, o.Duplicate) && ptrEqual(c.Reorder, o.Reorder) &&
		ptrEqual(c.ResponseDelay, o.ResponseDelay) && ptrEqual(c.LateReplies, o.LateReplies)
}

// ptrEqual is reflect.DeepEqual on two pointers to comparable values: the
// same pointer, or both set and pointing to equal values (so a NaN equals
// itself only through the same pointer, as with DeepEqual).
func ptrEqual[T comparable](a, b *T) bool {
	return a == b || (a != nil && b != nil && *a == *b)
}

// sliceEqual is reflect.DeepEqual on two slices whose elements compare with
// elemEqual: both nil or both not, and equal element by element.
func sliceEqual[S ~[]E, E any](a, b S, elemEqual func(E, E) bool) bool {
	return (a == nil) == (b == nil) && slices.EqualFunc(a, b, elemEqual)
}

// idsEqual compares two node lists (a partition's groups), for sliceEqual.
func idsEqual(a, b []raft.NodeID) bool { return sliceEqual(a, b, eq) }

// eq is == as a function, for sliceEqual.
func eq[T comparable](a, b T) bool { return a == b }
