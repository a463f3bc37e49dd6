//go:build js && wasm

package main

// Run with: GOOS=js GOARCH=wasm go test -exec "$(go env GOROOT)/lib/wasm/go_js_wasm_exec" ./wasm/

import (
	"encoding/json"
	"testing"

	"github.com/hack-pad/safejs"
)

// registerForTest registers the API and returns the object handed to
// globalThis.__raftPlaygroundReady.
func registerForTest(t *testing.T) safejs.Value {
	t.Helper()
	global := safejs.Global()
	var got safejs.Value
	calls := 0
	ready, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		calls++
		got = args[0]
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer ready.Release()
	if err := global.Set("__raftPlaygroundReady", ready); err != nil {
		t.Fatal(err)
	}
	if err := registerAPI(); err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Fatalf("__raftPlaygroundReady called %d times, want once", calls)
	}
	published, err := global.Get("__raftPlaygroundAPI")
	if err != nil {
		t.Fatal(err)
	}
	if !published.Equal(got) {
		t.Fatal("globalThis.__raftPlaygroundAPI is not the object handed to __raftPlaygroundReady")
	}
	return got
}

// callJS calls api[method](args...) and decodes the JSON string it returns.
func callJS(t *testing.T, api safejs.Value, method string, args ...any) (result json.RawMessage, errMsg string) {
	t.Helper()
	v, err := api.Call(method, args...)
	if err != nil {
		t.Fatalf("%s threw: %v", method, err)
	}
	if v.Type() != safejs.TypeString {
		t.Fatalf("%s returned a %v, want a JSON string", method, v.Type())
	}
	s, err := v.String()
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Result json.RawMessage `json:"result"`
		Error  string          `json:"error"`
	}
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		t.Fatalf("%s returned %q: %v", method, s, err)
	}
	return a.Result, a.Error
}

func TestAPIFromJavaScript(t *testing.T) {
	api := registerForTest(t)
	version, err := api.Get("version")
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := version.String(); s != Version() {
		t.Fatalf("version = %q, want %q", s, Version())
	}

	global := safejs.Global()
	symbol, err := global.Get("Symbol")
	if err != nil {
		t.Fatal(err)
	}
	sym, err := symbol.Invoke("s")
	if err != nil {
		t.Fatal(err)
	}
	fn, err := global.Get("parseInt")
	if err != nil {
		t.Fatal(err)
	}
	// Objects that are not plain: read as their own enumerable keys they
	// were {}, and the call went ahead with the defaults.
	newOf := func(class string, args ...any) safejs.Value {
		ctor, err := global.Get(class)
		if err != nil {
			t.Fatal(err)
		}
		v, err := ctor.New(args...)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	date, emptyMap := newOf("Date", 0), newOf("Map")

	res, msg := callJS(t, api, "createCluster", map[string]any{"nodes": 3, "seed": 4})
	var id int
	if err := json.Unmarshal(res, &id); msg != "" || err != nil || id < 1 {
		t.Fatalf("createCluster({nodes: 3, seed: 4}) = %s, error %q", res, msg)
	}
	for _, tc := range []struct {
		method string
		args   []any
		want   string
	}{
		{"createCluster", []any{map[string]any{"nodes": 12}},
			"createCluster: nodes must be an integer between 1 and 9, got 12"},
		{"createCluster", []any{map[string]any{"nodes": map[string]any{"n": 1}}},
			"createCluster: nodes must be an integer between 1 and 9, got an object"},
		{"createCluster", []any{[]any{id}},
			"createCluster: opts must be an object like {nodes: 5, seed: 1}, got an array"},
		{"run", []any{id, "abc"}, `run: ms must be a number of milliseconds between 0 and 600000, got "abc"`},
		{"run", []any{id}, "run: ms must be a number of milliseconds between 0 and 600000, got undefined"},
		{"run", []any{id, nil}, "run: ms must be a number of milliseconds between 0 and 600000, got null"},
		{"crash", []any{id, true}, "crash: node must be an integer between 1 and 3, got true"},
		{"crash", []any{id, sym}, "crash: node must be an integer between 1 and 3, got a symbol"},
		{"crash", []any{id, fn}, "crash: node must be an integer between 1 and 3, got a function"},
		{"crash", []any{1 << 40, 1}, "crash: no cluster 1099511627776"},
		{"createCluster", []any{date},
			"createCluster: opts must be an object like {nodes: 5, seed: 1}, got an instance of Date (only plain objects are accepted)"},
		{"setLink", []any{id, 1, 2, emptyMap},
			"setLink: config must be an object like {latencyMin: 5, latencyMax: 20, loss: 0.1}, got an instance of Map (only plain objects are accepted)"},
	} {
		if _, got := callJS(t, api, tc.method, tc.args...); got != tc.want {
			t.Errorf("%s%v\n got error %q\nwant error %q", tc.method, tc.args, got, tc.want)
		}
	}

	res, msg = callJS(t, api, "run", id, 1000)
	if msg != "" || string(res) != "1000" {
		t.Fatalf("run(1, 1000) = %s, error %q", res, msg)
	}
	var st struct {
		Seed   int `json:"seed"`
		Leader int `json:"leader"`
	}
	res, msg = callJS(t, api, "status", id)
	if err := json.Unmarshal(res, &st); err != nil || msg != "" {
		t.Fatalf("status(1) = %s, error %q, %v", res, msg, err)
	}
	if st.Seed != 4 || st.Leader == 0 {
		t.Fatalf("status(1) after 1 s: seed %d, leader %d; want seed 4 and a leader", st.Seed, st.Leader)
	}
}
