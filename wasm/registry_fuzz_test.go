package main

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
)

// fuzzArg decodes one JavaScript-like value from b: null, a boolean, a
// number, a string or an object, as safejs would hand them over.
func fuzzArg(b []byte) (any, []byte) {
	if len(b) == 0 {
		return nil, b
	}
	kind, b := b[0]%7, b[1:]
	take := func(n int) []byte {
		n = min(n, len(b))
		v := b[:n]
		b = b[n:]
		return v
	}
	switch kind {
	case 0:
		return nil, b
	case 1:
		return len(take(1)) == 1, b
	case 2:
		v := take(1)
		if len(v) == 0 {
			return 0.0, b
		}
		return float64(int8(v[0])), b
	case 3:
		specials := []float64{math.NaN(), math.Inf(1), -1, 0.5, 1e300, 9007199254740993, 3, 600000, 600001}
		v := take(1)
		if len(v) == 0 {
			return specials[0], b
		}
		return specials[int(v[0])%len(specials)], b
	case 4:
		n := take(1)
		if len(n) == 0 {
			return "", b
		}
		return string(take(int(n[0] % 16))), b
	case 5:
		obj := map[string]any{}
		for _, k := range []string{"nodes", "seed", "extra"} {
			var v any
			v, b = fuzzArg(b)
			if v != nil {
				obj[k] = v
			}
		}
		return obj, b
	default:
		var list []any
		for n := 0; n < 3 && len(b) > 0 && b[0]%3 != 0; n++ {
			var v any
			v, b = fuzzArg(b[1:])
			list = append(list, v)
		}
		return list, b
	}
}

// checkAnswer checks one answer of the registry: JSON holding exactly a
// result or an error naming the method; an error may also hold the line
// and column of a scenario that does not read, which its message then
// names.
func checkAnswer(t *testing.T, method string, args []any, raw string) {
	t.Helper()
	var answer struct {
		Result *json.RawMessage `json:"result"`
		Error  *string          `json:"error"`
		Line   *int             `json:"line"`
		Column *int             `json:"column"`
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&answer); err != nil {
		t.Fatalf("%s%v: answer %s: %v", method, args, raw, err)
	}
	if (answer.Result == nil) == (answer.Error == nil) {
		t.Fatalf("%s%v: answer %s has not exactly one of result and error", method, args, raw)
	}
	if answer.Error != nil && !strings.HasPrefix(*answer.Error, method+": ") {
		t.Fatalf("%s%v: the error %q does not name the method", method, args, *answer.Error)
	}
	if (answer.Line == nil) != (answer.Column == nil) || answer.Line != nil && answer.Error == nil {
		t.Fatalf("%s%v: answer %s: a line without a column, or a place without an error", method, args, raw)
	}
	if answer.Line != nil && !strings.HasPrefix(*answer.Error, fmt.Sprintf("%s: line %d, column %d: ", method, *answer.Line, *answer.Column)) {
		t.Fatalf("%s%v: the error %q does not name its line %d and column %d", method, args, *answer.Error, *answer.Line, *answer.Column)
	}
}

// FuzzRegistryCall: whatever method name and arguments JavaScript passes,
// the registry answers with JSON holding exactly a result or an error, and
// keeps working.
func FuzzRegistryCall(f *testing.F) {
	f.Add([]byte{0, 5, 2, 5, 2, 1})
	f.Add([]byte{1, 2, 1, 3, 7})
	f.Add([]byte{8, 2, 1, 2, 3})
	f.Add([]byte{2, 2, 1, 4, 3, 'a', 'b', 'c'})
	// loadScenario("000"): an error with a line and a column, which the
	// checker took for a malformed answer.
	f.Add([]byte("b1C7000"))
	names := append(methodNames(), "nope", "")
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewRegistry()
		for len(data) > 0 {
			method := names[int(data[0])%len(names)]
			data = data[1:]
			var args []any
			for n := 0; n < 5 && len(data) > 0 && data[0]%4 != 0; n++ {
				var a any
				a, data = fuzzArg(data[1:])
				args = append(args, a)
			}
			checkAnswer(t, method, args, r.Call(method, args))
		}
		// The registry still works.
		var created struct{ Result int }
		if err := json.Unmarshal([]byte(r.Call("createCluster", []any{map[string]any{"nodes": 3.0}})), &created); err != nil || created.Result == 0 {
			t.Fatalf("createCluster after fuzzing: %v", err)
		}
		var ran map[string]any
		if err := json.Unmarshal([]byte(r.Call("run", []any{float64(created.Result), 100.0})), &ran); err != nil || ran["result"] == nil {
			t.Fatalf("run after fuzzing: %v %v", err, ran)
		}
	})
}
