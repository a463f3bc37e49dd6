//go:build js && wasm

package main

// Fuzzing the JavaScript boundary itself (issue 9, item 5): hostile
// JavaScript values, made by JavaScript, handed to the registered API
// functions the way a page calls them. Run with:
//
//	GOOS=js GOARCH=wasm go test -exec "$(go env GOROOT)/lib/wasm/go_js_wasm_exec" ./wasm/
//
// Go's fuzzing engine does not run on js/wasm ("-fuzz flag is not supported
// on js/wasm"), so FuzzAPIBoundary runs its seeds, and
// TestAPIBoundaryRandom feeds the same body inputs drawn from a fixed seed.

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hack-pad/safejs"
)

// hostileJS makes the hostile values; each is a function of the API object
// (so that a trap can call the API again) returning a fresh value.
const hostileJS = `
const boom = () => { throw new Error("boom"); };
const hostileError = new Error("x");
Object.defineProperty(hostileError, "message", { get: boom });
const revoked = Proxy.revocable({}, {});
revoked.revoke();
return [
  () => ({ get nodes() { throw new Error("getter"); } }),
  () => new Proxy({ nodes: 3 }, { ownKeys: boom }),
  () => new Proxy({ nodes: 3 }, { getOwnPropertyDescriptor: boom }),
  () => new Proxy({ nodes: 3 }, { ownKeys() { throw hostileError; } }),
  () => new Proxy({ nodes: 3 }, { ownKeys() { throw new Proxy({}, { getPrototypeOf: boom }); } }),
  () => new Proxy([1, 2], { getOwnPropertyDescriptor: boom }),
  () => revoked.proxy,
  () => 123456789012345678901234567890n,
  () => 3n,
  () => Symbol("s"),
  () => "x".repeat(5_000_000),
  () => ({ ["k".repeat(5_000_000)]: 1 }),
  () => Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => ["k" + i, i])),
  () => { const o = {}; o.nodes = o; o.self = o; return o; },
  () => { let a = [1]; for (let i = 0; i < 10_000; i++) a = [a]; return a; },
  () => new Array(10_000_000),
  () => [[1, 2], [3n], [Symbol()]],
  () => () => 1,
  () => Object.create({ nodes: 3 }),
  () => Object.defineProperty({}, "nodes", { get: boom, enumerable: true }),
  (api) => new Proxy({ nodes: 3 }, { ownKeys(t) { api.createCluster({ nodes: 1 }); return Reflect.ownKeys(t); } }),
  (api) => new Proxy({ nodes: 3 }, { ownKeys(t) { api.run(1, 10); return Reflect.ownKeys(t); } }),
  () => new Proxy([[1], [2, 3]], {}),
  () => Object.assign(Object.create(null), { nodes: 3, seed: 2 }),
  () => new Date(0),
  () => new Map([["nodes", 3]]),
  () => ({ nodes: NaN, seed: -0 }),
  () => ({ latencyMin: 5, latencyMax: 20, loss: 0.5, up: false, responseDelay: 1e9 }),
  () => globalThis,
  (api) => { const p = new Proxy({ nodes: 3 }, { ownKeys(t) { api.createCluster(p); return Reflect.ownKeys(t); } }); return p; },
  () => { const o = { nodes: 3 }; Object.defineProperty(o, "seed", { value: 1, enumerable: false }); return o; },
  () => new Uint8Array(50_000_000),
  () => new String("x".repeat(1_000_000)),
];
`

var (
	boundaryOnce    sync.Once
	boundaryAPI     safejs.Value
	boundaryHostile []safejs.Value
	boundaryErr     error
)

// boundary registers the API (once) and makes the hostile value factories.
func boundary(t testing.TB) (api safejs.Value, hostile []safejs.Value) {
	boundaryOnce.Do(func() {
		// A test may have left its (released) ready function behind.
		if boundaryErr = safejs.Global().Delete("__raftPlaygroundReady"); boundaryErr != nil {
			return
		}
		if boundaryErr = registerAPI(); boundaryErr != nil {
			return
		}
		global := safejs.Global()
		if boundaryAPI, boundaryErr = global.Get("__raftPlaygroundAPI"); boundaryErr != nil {
			return
		}
		fn, err := safejs.Global().Get("Function")
		if err != nil {
			boundaryErr = err
			return
		}
		maker, err := fn.New(hostileJS)
		if err != nil {
			boundaryErr = err
			return
		}
		list, err := maker.Invoke()
		if err != nil {
			boundaryErr = err
			return
		}
		n, err := list.Length()
		if err != nil {
			boundaryErr = err
			return
		}
		for i := range n {
			f, err := list.Index(i)
			if err != nil {
				boundaryErr = err
				return
			}
			boundaryHostile = append(boundaryHostile, f)
		}
	})
	if boundaryErr != nil {
		t.Fatal(boundaryErr)
	}
	return boundaryAPI, boundaryHostile
}

// callBoundary calls api[method](args...) as JavaScript would and checks
// the answer: the call never throws, and answers JSON holding exactly a
// result or an error that names the method.
func callBoundary(t *testing.T, api safejs.Value, method string, args []any) (result json.RawMessage, errMsg string) {
	t.Helper()
	v, err := api.Call(method, args...)
	if err != nil {
		t.Fatalf("%s threw: %v", method, err)
	}
	if v.Type() != safejs.TypeString {
		t.Fatalf("%s answered a %v, want a JSON string", method, v.Type())
	}
	s, err := v.String()
	if err != nil {
		t.Fatal(err)
	}
	var answer map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &answer); err != nil {
		t.Fatalf("%s answered %.200q: %v", method, s, err)
	}
	res, hasResult := answer["result"]
	msg, hasError := answer["error"]
	if len(answer) != 1 || hasResult == hasError {
		t.Fatalf("%s answered %.200q: want exactly one of result and error", method, s)
	}
	if hasError {
		if err := json.Unmarshal(msg, &errMsg); err != nil || !strings.HasPrefix(errMsg, method+": ") {
			t.Fatalf("%s answered the error %s, which does not name the method", method, msg)
		}
		if strings.Contains(errMsg, "internal error") {
			t.Fatalf("%s: %s", method, errMsg)
		}
	}
	return res, errMsg
}

// destroyAll destroys every cluster of the API's registry.
func destroyAll() {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	for id := range registry.clusters {
		registry.remove(id)
	}
}

// FuzzAPIBoundary: whatever JavaScript values reach whichever API function,
// the call returns an answer (it never throws, never panics), and a normal
// call works after it.
func FuzzAPIBoundary(f *testing.F) {
	// Seeds give every hostile value to createCluster(opts),
	// propose(id, command), setLink(id, 1, 2, config), partition(id, groups)
	// and, as an extra argument, status(id, extra). The bytes: the method's
	// index in Methods, the argument count, then per argument a selector
	// (0 or 3: a hostile value, whose index follows; 1: a small integer,
	// which follows; 0 in the first place of a cluster method: the id).
	index := func(name string) byte {
		return byte(slices.IndexFunc(Methods, func(m Method) bool { return m.Name == name }))
	}
	_, hostile := boundary(f)
	for i := range byte(len(hostile)) {
		f.Add([]byte{index("createCluster"), 1, 0, i})
		f.Add([]byte{index("propose"), 2, 0, 3, i})
		f.Add([]byte{index("setLink"), 4, 0, 1, 1, 1, 2, 3, i})
		f.Add([]byte{index("partition"), 2, 0, 3, i})
		f.Add([]byte{index("status"), 2, 0, 3, i})
	}
	f.Fuzz(boundaryCase)
}

// TestAPIBoundaryRandom runs FuzzAPIBoundary's body on inputs drawn from a
// fixed seed.
func TestAPIBoundaryRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for range 300 {
		data := make([]byte, 4+rng.IntN(16))
		for i := range data {
			data[i] = byte(rng.UintN(256))
		}
		boundaryCase(t, data)
	}
}

// boundaryCase makes a cluster, calls up to four methods with arguments
// drawn from data, then checks that the cluster still runs.
func boundaryCase(t *testing.T, data []byte) {
	{
		api, hostile := boundary(t)
		res, msg := callBoundary(t, api, "createCluster", []any{map[string]any{"nodes": 3}})
		if msg != "" {
			t.Fatalf("createCluster: %s", msg)
		}
		var id int
		if err := json.Unmarshal(res, &id); err != nil {
			t.Fatal(err)
		}
		// Hostile arguments and re-entrant traps make clusters too; none
		// may outlive the case, or MaxClusters would refuse later cases.
		defer destroyAll()
		next := func() byte {
			if len(data) == 0 {
				return 0
			}
			b := data[0]
			data = data[1:]
			return b
		}
		for calls := 0; len(data) > 0 && calls < 4; calls++ {
			m := Methods[int(next())%len(Methods)]
			if m.Name == "destroyCluster" || m.Name == "run" {
				m = Methods[0] // keep the cluster, and keep runs short
			}
			nargs := int(next()) % (len(m.Params) + 2)
			args := make([]any, nargs)
			for i := range args {
				b := next()
				switch {
				case i == 0 && m.Name != "createCluster" && b%2 == 0:
					args[i] = id
				case b%4 == 1:
					args[i] = int(next()) % 12
				case b%4 == 2:
					args[i] = string(rune('a' + next()%26))
				default:
					v, err := hostile[int(next())%len(hostile)].Invoke(api)
					if err != nil {
						t.Fatal(err)
					}
					args[i] = v
				}
			}
			callBoundary(t, api, m.Name, args)
		}
		// The instance still answers, and the cluster still runs.
		if _, msg := callBoundary(t, api, "run", []any{id, 100}); msg != "" {
			t.Fatalf("run after hostile calls: %s", msg)
		}
	}
}
