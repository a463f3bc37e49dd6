package sim

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// TestInterventionEqualIsDeepEqual holds Intervention.equal, which
// World.Follow uses to check that a sought world's last intervention is
// its source's, to reflect.DeepEqual, the comparison it replaced: every
// pair drawn from a fully set intervention and its mutations (each field,
// and each field of its LinkConfig, zeroed, changed, copied through a new
// pointer or slice, nil against empty) must compare the same way under
// both. The mutations are made by reflection, so a field added to
// Intervention or LinkConfig is mutated too and fails here until equal
// compares it.
func TestInterventionEqualIsDeepEqual(t *testing.T) {
	up, lat, loss := true, 10*time.Millisecond, 0.25
	nan := math.NaN()
	step := uint64(7)
	base := Intervention{
		At: time.Second, Kind: "link", Node: 1, From: 2, To: 3,
		Link: &LinkConfig{Up: &up, LatencyMin: &lat, LatencyMax: &lat, Loss: &loss,
			Duplicate: &loss, Reorder: &nan, ResponseDelay: &lat, LateReplies: &loss},
		Groups: [][]raft.NodeID{{1, 2}, {3}}, Delay: time.Millisecond, Msg: 9,
		Data: "v", Key: "k", Voters: []raft.NodeID{1, 2, 3}, Learners: []raft.NodeID{4},
		Step: &step,
	}
	// Every field is set, so that zeroing it is a change.
	for _, v := range []reflect.Value{reflect.ValueOf(base), reflect.ValueOf(*base.Link)} {
		for i := range v.NumField() {
			if v.Field(i).IsZero() {
				t.Fatalf("set %s.%s in the base intervention", v.Type().Name(), v.Type().Field(i).Name)
			}
		}
	}
	all := []Intervention{base}
	bv := reflect.ValueOf(base)
	for i := range bv.NumField() {
		for _, m := range mutations(bv.Field(i)) {
			iv := base
			reflect.ValueOf(&iv).Elem().Field(i).Set(m)
			all = append(all, iv)
		}
	}
	differ := 0
	for _, a := range all {
		for _, b := range all {
			want := reflect.DeepEqual(a, b)
			if got := a.equal(b); got != want {
				t.Errorf("equal = %v, DeepEqual = %v for\n%+v\n%+v", got, want, a, b)
			}
			if !want {
				differ++
			}
		}
	}
	if differ == 0 {
		t.Fatal("no pair differs: the mutations test nothing")
	}
}

// mutations returns values of v's type near v: zero, changed, and (for
// pointers and slices) equal copies at another address, recursively.
func mutations(v reflect.Value) []reflect.Value {
	out := []reflect.Value{reflect.Zero(v.Type())}
	switch v.Kind() {
	case reflect.Int64, reflect.Int, reflect.Int32:
		out = append(out, reflect.ValueOf(v.Int()+1).Convert(v.Type()))
	case reflect.Uint64, reflect.Uint, reflect.Uint32:
		out = append(out, reflect.ValueOf(v.Uint()+1).Convert(v.Type()))
	case reflect.String:
		out = append(out, reflect.ValueOf(v.String()+"x").Convert(v.Type()))
	case reflect.Bool:
		out = append(out, reflect.ValueOf(!v.Bool()).Convert(v.Type()))
	case reflect.Float64:
		out = append(out, reflect.ValueOf(v.Float()+1).Convert(v.Type()), reflect.ValueOf(math.NaN()).Convert(v.Type()))
	case reflect.Pointer:
		if v.IsNil() {
			break
		}
		cp := reflect.New(v.Type().Elem())
		cp.Elem().Set(v.Elem())
		out = append(out, cp) // equal unless the pointee is NaN
		if v.Elem().Kind() == reflect.Struct {
			for i := range v.Elem().NumField() {
				for _, m := range mutations(v.Elem().Field(i)) {
					p := reflect.New(v.Type().Elem())
					p.Elem().Set(v.Elem())
					p.Elem().Field(i).Set(m)
					out = append(out, p)
				}
			}
			break
		}
		for _, m := range mutations(v.Elem()) {
			p := reflect.New(v.Type().Elem())
			p.Elem().Set(m)
			out = append(out, p)
		}
	case reflect.Slice:
		out = append(out, reflect.MakeSlice(v.Type(), 0, 0)) // empty, not nil
		if v.Len() == 0 {
			break
		}
		cp := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(cp, v)
		out = append(out, cp, reflect.Append(cp, v.Index(0)), cp.Slice(0, v.Len()-1))
		for _, m := range mutations(v.Index(0)) {
			c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
			reflect.Copy(c, v)
			c.Index(0).Set(m)
			out = append(out, c)
		}
	default:
		panic("mutations: add a case for " + v.Kind().String())
	}
	return out
}
