package main

// The JavaScript API, without JavaScript: a registry of simulated clusters
// whose methods take the arguments as plain Go values (decoded from
// JavaScript by api.go) and answer with a JSON string. Everything here builds
// and is tested natively; api.go only converts values and registers
// functions. The methods themselves are in methods.go.

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/raftplayground/raftplayground/raft/sim"
	"github.com/raftplayground/raftplayground/web/scene"
)

// APIVersion is the version of the JavaScript API. The version property that
// JavaScript sees adds the commit the WebAssembly was built from, when known.
const APIVersion = "0.2.0"

// Limits of the API. Together they bound the memory the API can be made to
// hold: a world keeps every intervention (so that seek can replay it) and
// up to 64 checkpoints, so what bounds a cluster is what it is given.
const (
	// MaxRunMillis bounds the virtual time one run call may advance, so that
	// a single call cannot freeze the page for long.
	MaxRunMillis = 10 * 60 * 1000
	// MaxClusters bounds the number of clusters alive at once. Without
	// commands a cluster holds at most about 25 MiB (9 nodes and lossy
	// links after 4 hours of virtual time: 17 MiB after 1 hour, 24 after
	// 4, as its 64 checkpoints thin out), so all of them stay under 1 GiB.
	MaxClusters = 32
	// MaxCommandBytes bounds the size of a proposed command.
	MaxCommandBytes = 64 << 10
	// MaxClusterBytes bounds the command bytes proposed to one cluster over
	// its life (a fork starts with what its origin had used). A world holds
	// about twice that: the recorded interventions and the logs.
	MaxClusterBytes = 8 << 20
	// MaxTotalBytes bounds the command bytes held by all live clusters.
	MaxTotalBytes = 64 << 20
	// MaxInterventions bounds the calls that change a cluster (each is
	// recorded for seek), over its life.
	MaxInterventions = 50_000
	// DefaultSnapshotEvery is how many applied entries a node of an API
	// cluster keeps before it compacts its log, unless snapshotEvery says
	// otherwise; it keeps logs from growing with time.
	DefaultSnapshotEvery = 1000
	// maxSafeInteger is the largest integer a JavaScript number holds
	// exactly (Number.MAX_SAFE_INTEGER).
	maxSafeInteger = 1<<53 - 1
)

// Method is one method of the API.
type Method struct {
	// Name is the name JavaScript calls it by.
	Name string
	// Params name the method's parameters, for messages about arity.
	Params []string
	// run carries out the method; args has exactly len(Params) values,
	// missing ones being Undefined.
	run func(r *Registry, args []any) (any, error)
}

// lookup finds a method by name.
func lookup(name string) (Method, bool) {
	i := slices.IndexFunc(Methods, func(m Method) bool { return m.Name == name })
	if i < 0 {
		return Method{}, false
	}
	return Methods[i], true
}

// methodNames lists the names of the API's methods.
func methodNames() []string {
	names := make([]string, len(Methods))
	for i, m := range Methods {
		names[i] = m.Name
	}
	return names
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
	clusters map[int]*cluster
	// experiments are the experiments made through the API, by id.
	experiments map[int]*experimentRun
	// lastID is the id given to the latest cluster or experiment; ids are
	// never reused, so a stale id cannot reach a newer cluster, and no
	// cluster and experiment share one.
	lastID int
	// totalBytes is the sum of the live clusters' bytes.
	totalBytes int
	// testHook, when set, runs inside every guarded call with the method's
	// name; tests use it to check that a panic is contained.
	testHook func(method string)
}

// cluster is one world made through the API, with what it has used of its
// budget.
type cluster struct {
	w *sim.World
	// bytes is the command bytes proposed to w or, for a fork, to the
	// world it was forked from before the fork.
	bytes int
	// interventions counts the calls that changed w (or its origin).
	interventions int
	// events collects what subscribers are told; nil while nobody
	// watches.
	events *eventLog
	// scenario is the scenario the cluster runs, when loadScenario made
	// it; nil otherwise (a fork runs none).
	scenario *scenarioRun
	// scene and spaceTime build the scene methods' answers, keeping
	// their buffers from one call to the next; nil until first used.
	scene     *scene.Builder
	spaceTime *scene.SpaceTimeBuilder
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{clusters: map[int]*cluster{}, experiments: map[int]*experimentRun{}}
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
				r.remove(id)
				msg += fmt.Sprintf(" (cluster %d was destroyed)", id)
			} else if ok && r.experiments[id] != nil {
				delete(r.experiments, id)
				msg += fmt.Sprintf(" (experiment %d was destroyed)", id)
			}
			answer = errorJSON(msg)
		}
	}()
	if r.testHook != nil {
		r.testHook(method)
	}
	result, err := r.call(method, args)
	if id, ok := clusterArg(args); ok {
		if c := r.clusters[id]; c != nil && c.events != nil {
			c.events.noteCommits(c.w)
		}
	}
	if err != nil {
		// The package prefixes say nothing to a JavaScript programmer.
		msg := strings.TrimPrefix(strings.TrimPrefix(err.Error(), "sim: "), "raft: ")
		var pe *sim.ParseError
		if errors.As(err, &pe) {
			return parseErrorJSON(method+": "+msg, pe)
		}
		return errorJSON(method + ": " + msg)
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

// parseErrorJSON is the answer of a scenario that does not read: the
// message, and the line and column it names, which the loader sets on the
// Error it throws.
func parseErrorJSON(msg string, pe *sim.ParseError) string {
	b, err := json.Marshal(struct {
		Error  string `json:"error"`
		Line   int    `json:"line"`
		Column int    `json:"column"`
	}{msg, pe.Line, pe.Col})
	if err != nil {
		return errorJSON(msg)
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

// ArityError is the error for a call with more arguments than the method
// takes; api.go gives it before it converts any argument.
func ArityError(m Method, got int) error {
	return fmt.Errorf("takes %d argument(s) (%s), got %d", len(m.Params), strings.Join(m.Params, ", "), got)
}

// NoMethodError is the error for a name that is not a method.
func NoMethodError() error {
	return fmt.Errorf("no such method (methods are %s)", strings.Join(methodNames(), ", "))
}

// call checks the arguments of a method and runs it.
func (r *Registry) call(method string, args []any) (any, error) {
	m, ok := lookup(method)
	if !ok {
		return nil, NoMethodError()
	}
	if len(args) > len(m.Params) {
		return nil, ArityError(m, len(args))
	}
	// Missing arguments read as undefined, as in JavaScript.
	padded := make([]any, len(m.Params))
	for i := range padded {
		padded[i] = Undefined{}
	}
	copy(padded, args)
	return m.run(r, padded)
}

// add registers a cluster and returns its id; it checks the limits first.
func (r *Registry) add(c *cluster) (int, error) {
	if len(r.clusters) >= MaxClusters {
		return 0, fmt.Errorf("too many clusters (%d); destroy one first", len(r.clusters))
	}
	if r.totalBytes+c.bytes > MaxTotalBytes {
		return 0, fmt.Errorf("the live clusters hold %d bytes of commands and this one %d, more than the %d all may hold; destroy one first",
			r.totalBytes, c.bytes, MaxTotalBytes)
	}
	r.lastID++
	r.clusters[r.lastID] = c
	r.totalBytes += c.bytes
	return r.lastID, nil
}

// remove forgets a cluster.
func (r *Registry) remove(id int) {
	if c := r.clusters[id]; c != nil {
		r.totalBytes -= c.bytes
		delete(r.clusters, id)
	}
}

// cluster looks up the cluster an id argument names.
func (r *Registry) cluster(arg any) (int, *cluster, error) {
	id, err := intArg("id", arg, 1, maxSafeInteger)
	if err != nil {
		return 0, nil, err
	}
	c := r.clusters[id]
	if c == nil {
		return 0, nil, r.missing("cluster", id)
	}
	return id, c, nil
}

// missing is the error for an id that names no live cluster (what is
// "cluster") or no live experiment: ids are never reused, so one that was
// given out names something destroyed, or the other kind of handle.
func (r *Registry) missing(what string, id int) error {
	switch {
	case what == "cluster" && r.experiments[id] != nil:
		return fmt.Errorf("%d is an experiment's id, not a cluster's", id)
	case what == "experiment" && r.clusters[id] != nil:
		return fmt.Errorf("%d is a cluster's id, not an experiment's", id)
	case id <= r.lastID:
		return fmt.Errorf("%s %d was destroyed", what, id)
	}
	return fmt.Errorf("no %s %d", what, id)
}

// allow reports whether cluster c may be changed once more, given bytes
// of command; it refuses what would pass the cluster's or the registry's
// budget.
func (r *Registry) allow(c *cluster, bytes int) error {
	switch {
	case c.interventions >= MaxInterventions:
		return fmt.Errorf("this cluster was changed %d times, the most one cluster may be (every change is kept for seek); make a new cluster",
			c.interventions)
	case c.bytes+bytes > MaxClusterBytes:
		return fmt.Errorf("this cluster was given %d bytes of commands and this call has %d, more than the %d one cluster may hold (they are kept for seek); make a new cluster",
			c.bytes, bytes, MaxClusterBytes)
	case r.totalBytes+bytes > MaxTotalBytes:
		return fmt.Errorf("the live clusters hold %d bytes of commands and this call has %d, more than the %d all may hold; destroy a cluster first",
			r.totalBytes, bytes, MaxTotalBytes)
	}
	return nil
}

// spend counts bytes of command given to cluster c.
func (r *Registry) spend(c *cluster, bytes int) {
	c.bytes += bytes
	r.totalBytes += bytes
}
