package main

import (
	"encoding/json"
	"math"
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

// FuzzRegistryCall: whatever method name and arguments JavaScript passes,
// the registry answers with JSON holding exactly a result or an error, and
// keeps working.
func FuzzRegistryCall(f *testing.F) {
	f.Add([]byte{0, 5, 2, 5, 2, 1})
	f.Add([]byte{1, 2, 1, 3, 7})
	f.Add([]byte{8, 2, 1, 2, 3})
	f.Add([]byte{2, 2, 1, 4, 3, 'a', 'b', 'c'})
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
			var answer map[string]json.RawMessage
			if err := json.Unmarshal([]byte(r.Call(method, args)), &answer); err != nil {
				t.Fatalf("%s%v: answer is not JSON: %v", method, args, err)
			}
			_, hasResult := answer["result"]
			_, hasError := answer["error"]
			if len(answer) != 1 || hasResult == hasError {
				t.Fatalf("%s%v: answer %v has not exactly one of result and error", method, args, answer)
			}
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
