package web

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft/sim/experiment"
)

// decodeResult reads what encoding/json's Unmarshal reads, for real runs
// of every experiment and for a Result with every field set, so that a
// field added to experiment.Result and not read here fails this test.
func TestDecodeResult(t *testing.T) {
	var results []*experiment.Result
	for _, name := range experiment.Names() {
		r, err := experiment.New(name, experiment.Options{Seed: 5, Trials: 2, Measure: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, r.Result()) // no trials yet
		r.Step(1)
		results = append(results, r.Result())
	}
	full := &experiment.Result{}
	fill(reflect.ValueOf(full).Elem(), new(int))
	results = append(results, full, &experiment.Result{Configs: []experiment.ConfigResult{}})
	for _, res := range results {
		b, err := res.JSON()
		if err != nil {
			t.Fatal(err)
		}
		var want experiment.Result
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		got, err := decodeResult(b)
		if err != nil {
			t.Fatalf("decodeResult(%s): %v", b, err)
		}
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("decodeResult(%s) = %+v, want %+v", b, *got, want)
		}
	}
	for _, bad := range []string{`[]`, `{"seed":-1}`, `{"configs":[{"trials":[{"seed":5}]}]}`, `{"plots":{}}`, `{"name":`} {
		if _, err := decodeResult([]byte(bad)); err == nil {
			t.Errorf("decodeResult(%s): no error", bad)
		}
	}
}

// fill sets every field of v, recursively, to a value of its own (slices
// get two elements), counting with n.
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i), n)
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(v.Index(i), n)
		}
	case reflect.String:
		v.SetString("s" + string(rune('a'+*n%26)) + "\"<\u2028")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*n) * 1_000_003)
	case reflect.Uint64:
		v.SetUint(1<<63 + uint64(*n))
	case reflect.Float64:
		v.SetFloat(float64(*n) + 0.25)
	default:
		panic("fill: a field of kind " + v.Kind().String())
	}
}
