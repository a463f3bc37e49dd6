package main

// The JavaScript API, without JavaScript: a registry of simulated clusters
// whose methods take the arguments as plain Go values (decoded from
// JavaScript by api.go) and answer with a JSON string. Everything here builds
// and is tested natively; api.go only converts values and registers
// functions.

import (
	"encoding/json"
	"fmt"
	"math"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// APIVersion is the version of the JavaScript API. The version property that
// JavaScript sees adds the commit the WebAssembly was built from, when known.
const APIVersion = "0.1.0"

// Limits of the API.
const (
	// MaxRunMillis bounds the virtual time one run call may advance, so that
	// a single call cannot freeze the page for long.
	MaxRunMillis = 10 * 60 * 1000
	// MaxClusters bounds the number of clusters alive at once.
	MaxClusters = 100
	// MaxCommandBytes bounds the size of a proposed command.
	MaxCommandBytes = 64 << 10
	// maxSafeInteger is the largest integer a JavaScript number holds
	// exactly (Number.MAX_SAFE_INTEGER).
	maxSafeInteger = 1<<53 - 1
)

// Undefined stands for JavaScript's undefined, which is also what a missing
// argument reads as. JavaScript's null is Go's nil.
type Undefined struct{}

// Opaque stands for a JavaScript value the API never accepts (a function, a
// symbol, a nested object); it holds how to describe the value in an error
// message, e.g. "a function".
type Opaque string

// Method is one method of the API.
type Method struct {
	Name string
	// Params name the method's parameters, for messages about arity.
	Params []string
}

// Methods lists the API's methods, in the order they are documented.
var Methods = []Method{
	{"createCluster", []string{"opts"}},
	{"destroyCluster", []string{"id"}},
	{"run", []string{"id", "ms"}},
	{"crash", []string{"id", "node"}},
	{"restart", []string{"id", "node"}},
	{"cut", []string{"id", "from", "to"}},
	{"heal", []string{"id", "from", "to"}},
	{"propose", []string{"id", "command"}},
	{"status", []string{"id"}},
}

// lookup finds a method by name.
func lookup(name string) (Method, bool) {
	i := slices.IndexFunc(Methods, func(m Method) bool { return m.Name == name })
	if i < 0 {
		return Method{}, false
	}
	return Methods[i], true
}

// Version is the string the API reports as its version: APIVersion plus, when
// the build recorded it, the commit (and "-dirty" for uncommitted changes).
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return APIVersion
	}
	var rev string
	var dirty bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return APIVersion
	}
	v := APIVersion + "+" + rev[:min(len(rev), 12)]
	if dirty {
		v += "-dirty"
	}
	return v
}

// Registry holds the clusters created through the API, by id. It is safe
// for concurrent use.
type Registry struct {
	mu       sync.Mutex
	clusters map[int]*sim.World
	// lastID is the id given to the latest cluster; ids are never reused,
	// so a stale id cannot reach a newer cluster.
	lastID int
	// testHook, when set, runs inside every guarded call with the method's
	// name; tests use it to check that a panic is contained.
	testHook func(method string)
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{clusters: map[int]*sim.World{}}
}

// Call runs one API method with arguments decoded from JavaScript and returns
// its answer as JSON: {"result": value} or {"error": "message"}. It never
// panics: a panic inside the simulator becomes an error, and the cluster it
// happened in is destroyed, since its state can no longer be trusted.
func (r *Registry) Call(method string, args []any) (answer string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	defer func() {
		if p := recover(); p != nil {
			msg := fmt.Sprintf("%s: internal error: %v", method, p)
			if id, ok := clusterArg(args); ok && r.clusters[id] != nil {
				delete(r.clusters, id)
				msg += fmt.Sprintf(" (cluster %d was destroyed)", id)
			}
			answer = errorJSON(msg)
		}
	}()
	if r.testHook != nil {
		r.testHook(method)
	}
	result, err := r.call(method, args)
	if err != nil {
		return errorJSON(method + ": " + strings.TrimPrefix(err.Error(), "sim: "))
	}
	return resultJSON(result)
}

// ErrorJSON is the answer of a method that failed before the registry saw
// its arguments, e.g. when they could not be read from JavaScript.
func ErrorJSON(method string, err error) string {
	return errorJSON(method + ": " + err.Error())
}

func errorJSON(msg string) string {
	b, err := json.Marshal(struct {
		Error string `json:"error"`
	}{msg})
	if err != nil { // a string always marshals; keep the promise anyway
		return `{"error":"cannot encode error message"}`
	}
	return string(b)
}

func resultJSON(v any) string {
	b, err := json.Marshal(struct {
		Result any `json:"result"`
	}{v})
	if err != nil {
		return errorJSON("cannot encode result: " + err.Error())
	}
	return string(b)
}

// clusterArg reads args[0] as a cluster id, if it is one.
func clusterArg(args []any) (int, bool) {
	if len(args) == 0 {
		return 0, false
	}
	f, ok := args[0].(float64)
	if !ok || f != math.Trunc(f) || f < 1 || f > maxSafeInteger {
		return 0, false
	}
	return int(f), true
}

// call checks the arguments of a method and runs it.
func (r *Registry) call(method string, args []any) (any, error) {
	m, ok := lookup(method)
	if !ok {
		names := make([]string, len(Methods))
		for i, m := range Methods {
			names[i] = m.Name
		}
		return nil, fmt.Errorf("no such method (methods are %s)", strings.Join(names, ", "))
	}
	if len(args) > len(m.Params) {
		return nil, fmt.Errorf("takes %d argument(s) (%s), got %d",
			len(m.Params), strings.Join(m.Params, ", "), len(args))
	}
	// Missing arguments read as undefined, as in JavaScript.
	padded := make([]any, len(m.Params))
	for i := range padded {
		padded[i] = Undefined{}
	}
	copy(padded, args)
	args = padded
	if method == "createCluster" {
		return r.createCluster(args[0])
	}
	id, w, err := r.cluster(args[0])
	if err != nil {
		return nil, err
	}
	switch method {
	case "destroyCluster":
		delete(r.clusters, id)
		return nil, nil
	case "run":
		return run(w, args[1])
	case "crash", "restart":
		node, err := nodeArg(w, "node", args[1])
		if err != nil {
			return nil, err
		}
		if method == "crash" {
			return nil, w.Crash(node)
		}
		return nil, w.Restart(node)
	case "cut", "heal":
		return nil, setLink(w, args[1], args[2], method == "heal")
	case "propose":
		return propose(w, args[1])
	case "status":
		return w.Status(), nil
	}
	panic("method without a case: " + method)
}

// createCluster makes a cluster from opts ({nodes, seed}, both optional; or
// undefined or null for the defaults) and returns its id.
func (r *Registry) createCluster(opts any) (int, error) {
	o := sim.DefaultOptions()
	switch opts := opts.(type) {
	case Undefined, nil:
	case map[string]any:
		keys := make([]string, 0, len(opts))
		for k := range opts {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			v := opts[k]
			if _, ok := v.(Undefined); ok {
				continue // {nodes: undefined} means the default, as in JavaScript
			}
			switch k {
			case "nodes":
				n, err := intArg("nodes", v, 1, sim.MaxNodes)
				if err != nil {
					return 0, err
				}
				o.Nodes = n
			case "seed":
				s, err := intArg("seed", v, 0, maxSafeInteger)
				if err != nil {
					return 0, err
				}
				o.Seed = uint64(s)
			default:
				return 0, fmt.Errorf("unknown option %q (options are nodes and seed)", k)
			}
		}
	default:
		return 0, fmt.Errorf("opts must be an object like {nodes: 5, seed: 1}, got %s", describe(opts))
	}
	if len(r.clusters) >= MaxClusters {
		return 0, fmt.Errorf("too many clusters (%d); destroy one first", len(r.clusters))
	}
	w, err := sim.New(o)
	if err != nil {
		return 0, err
	}
	r.lastID++
	r.clusters[r.lastID] = w
	return r.lastID, nil
}

// cluster looks up the cluster an id argument names.
func (r *Registry) cluster(arg any) (int, *sim.World, error) {
	id, err := intArg("id", arg, 1, maxSafeInteger)
	if err != nil {
		return 0, nil, err
	}
	w := r.clusters[id]
	if w == nil {
		return 0, nil, fmt.Errorf("no cluster %d", id)
	}
	return id, w, nil
}

// run advances a cluster's virtual time by ms milliseconds and returns the
// new virtual time in milliseconds.
func run(w *sim.World, arg any) (float64, error) {
	ms, ok := arg.(float64)
	if !ok || math.IsNaN(ms) || math.IsInf(ms, 0) || ms < 0 {
		return 0, fmt.Errorf("ms must be a non-negative finite number, got %s", describe(arg))
	}
	if ms > MaxRunMillis {
		return 0, fmt.Errorf("ms must be at most %d (10 minutes of virtual time) per call, got %s",
			MaxRunMillis, describe(arg))
	}
	w.RunFor(time.Duration(math.Round(ms * float64(time.Millisecond))))
	return millis(w.Now()), nil
}

// millis converts a duration to (fractional) milliseconds.
func millis(d time.Duration) float64 {
	return float64(d) / float64(time.Millisecond)
}

// setLink cuts or heals the directed link from → to.
func setLink(w *sim.World, fromArg, toArg any, up bool) error {
	from, err := nodeArg(w, "from", fromArg)
	if err != nil {
		return err
	}
	to, err := nodeArg(w, "to", toArg)
	if err != nil {
		return err
	}
	if from == to {
		return fmt.Errorf("from and to must be different nodes, got %d and %d", from, to)
	}
	return w.SetLink(from, to, up)
}

// propose hands a command (a string) to the current leader.
func propose(w *sim.World, arg any) (sim.Proposal, error) {
	cmd, ok := arg.(string)
	if !ok {
		return sim.Proposal{}, fmt.Errorf("command must be a string, got %s", describe(arg))
	}
	if len(cmd) > MaxCommandBytes {
		return sim.Proposal{}, fmt.Errorf("command must be at most %d bytes, got %d", MaxCommandBytes, len(cmd))
	}
	return w.Propose([]byte(cmd))
}

// nodeArg reads a node id of w.
func nodeArg(w *sim.World, name string, arg any) (raft.NodeID, error) {
	n, err := intArg(name, arg, 1, w.Options().Nodes)
	return raft.NodeID(n), err
}

// intArg reads an integer in [lo, hi].
func intArg(name string, arg any, lo, hi int) (int, error) {
	f, ok := arg.(float64)
	if !ok || f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		return 0, fmt.Errorf("%s must be an integer between %d and %d, got %s", name, lo, hi, describe(arg))
	}
	return int(f), nil
}

// describe writes a decoded JavaScript value the way a JavaScript programmer
// would recognise it in an error message.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case Undefined:
		return "undefined"
	case bool:
		return strconv.FormatBool(v)
	case float64:
		switch {
		case math.IsNaN(v):
			return "NaN"
		case math.IsInf(v, 1):
			return "Infinity"
		case math.IsInf(v, -1):
			return "-Infinity"
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	case string:
		const max = 40 // runes shown of a long string
		if utf8.RuneCountInString(v) > max {
			return strconv.Quote(string([]rune(v)[:max])) + "…"
		}
		return strconv.Quote(v)
	case map[string]any:
		return "an object"
	case Opaque:
		return string(v)
	}
	return fmt.Sprintf("a %T", v)
}
