package web

import (
	"slices"
	"sort"
	"testing"
)

// Keys sort as a person reads them, and keys with the same number apart
// from leading zeros in a fixed order.
func TestSortKeys(t *testing.T) {
	want := []string{"a", "k", "k1", "k02", "k2", "k10", "x", "x9"}
	for r := range len(want) {
		keys := append(slices.Clone(want[r:]), want[:r]...) // every rotation
		slices.Reverse(keys)
		sort.Sort(byKey(keys))
		if !slices.Equal(keys, want) {
			t.Fatalf("sorted %v, want %v", keys, want)
		}
	}
}
