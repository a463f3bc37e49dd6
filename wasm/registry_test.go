package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// answer is a decoded API answer.
type answer struct {
	Result json.RawMessage `json:"result"`
	Error  *string         `json:"error"`
}

// decode parses an answer and checks it holds exactly one of result and
// error.
func decode(t *testing.T, s string) answer {
	t.Helper()
	var a answer
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		t.Fatalf("answer %s is not JSON: %v", s, err)
	}
	if (a.Result == nil) == (a.Error == nil) {
		t.Fatalf("answer %s must hold exactly one of result and error", s)
	}
	return a
}

// ok calls a method that must succeed and decodes its result into out
// (unless out is nil).
func ok(t *testing.T, r *Registry, out any, method string, args ...any) {
	t.Helper()
	a := decode(t, r.Call(method, args))
	if a.Error != nil {
		t.Fatalf("%s%v: %s", method, args, *a.Error)
	}
	if out != nil {
		if err := json.Unmarshal(a.Result, out); err != nil {
			t.Fatalf("%s%v: result %s: %v", method, args, a.Result, err)
		}
	}
}

// fails calls a method that must fail and returns its error message.
func fails(t *testing.T, r *Registry, method string, args ...any) string {
	t.Helper()
	a := decode(t, r.Call(method, args))
	if a.Error == nil {
		t.Fatalf("%s%v = %s, want an error", method, args, a.Result)
	}
	return *a.Error
}

// status is the part of sim.Status the tests read.
type status struct {
	Now    int64 `json:"now_ns"`
	Seed   uint64
	Leader int
	Nodes  []struct {
		ID          int    `json:"id"`
		Role        string `json:"role"`
		Up          bool   `json:"up"`
		CommitIndex uint64 `json:"commit_index"`
		LastIndex   uint64 `json:"last_index"`
	}
}

func getStatus(t *testing.T, r *Registry, id float64) status {
	t.Helper()
	var s status
	ok(t, r, &s, "status", id)
	return s
}

// waitLeader runs a cluster in 50 ms steps until it has a leader, for at
// most 5 s of virtual time.
func waitLeader(t *testing.T, r *Registry, id float64) int {
	t.Helper()
	for range 100 {
		if s := getStatus(t, r, id); s.Leader != 0 {
			return s.Leader
		}
		ok(t, r, nil, "run", id, 50.0)
	}
	t.Fatalf("cluster %v: no leader after 5 s of virtual time", id)
	return 0
}

// committedOn counts the nodes whose commit index reached index.
func committedOn(s status, index uint64) int {
	n := 0
	for _, ns := range s.Nodes {
		if ns.CommitIndex >= index {
			n++
		}
	}
	return n
}

func TestCreateClusterOptions(t *testing.T) {
	r := NewRegistry()
	var id float64
	ok(t, r, &id, "createCluster")
	if id != 1 {
		t.Fatalf("first cluster id = %v, want 1", id)
	}
	if s := getStatus(t, r, id); len(s.Nodes) != 5 || s.Seed != 1 {
		t.Fatalf("default cluster has %d nodes and seed %d, want 5 and 1", len(s.Nodes), s.Seed)
	}
	ok(t, r, &id, "createCluster", map[string]any{"nodes": 3.0, "seed": 7.0})
	if s := getStatus(t, r, id); len(s.Nodes) != 3 || s.Seed != 7 {
		t.Fatalf("cluster {nodes: 3, seed: 7} has %d nodes and seed %d", len(s.Nodes), s.Seed)
	}
	// null and undefined members mean the defaults, as in JavaScript.
	ok(t, r, &id, "createCluster", nil)
	ok(t, r, &id, "createCluster", map[string]any{"nodes": Undefined{}})
	if s := getStatus(t, r, id); len(s.Nodes) != 5 {
		t.Fatalf("cluster {nodes: undefined} has %d nodes, want 5", len(s.Nodes))
	}
}

func TestErrorMessages(t *testing.T) {
	r := NewRegistry()
	ok(t, r, nil, "createCluster", map[string]any{"nodes": 5.0})
	for _, tc := range []struct {
		method string
		args   []any
		want   string
	}{
		{"createCluster", []any{map[string]any{"nodes": 12.0}},
			"createCluster: nodes must be an integer between 1 and 9, got 12"},
		{"createCluster", []any{map[string]any{"nodes": 2.5}},
			"createCluster: nodes must be an integer between 1 and 9, got 2.5"},
		{"createCluster", []any{map[string]any{"nodes": "3"}},
			`createCluster: nodes must be an integer between 1 and 9, got "3"`},
		{"createCluster", []any{map[string]any{"seed": -1.0}},
			"createCluster: seed must be an integer between 0 and 9007199254740991, got -1"},
		{"createCluster", []any{map[string]any{"node": 3.0}},
			`createCluster: opts has an unknown key "node" (keys are nodes, seed, preVote, snapshotEvery, electionTimeout, electionTimeoutMax, heartbeatInterval, latencyMin, latencyMax, loss, duplicate, reorder, diskLatency)`},
		{"createCluster", []any{5.0},
			"createCluster: opts must be an object like {nodes: 5, seed: 1}, got 5"},
		{"run", []any{1.0, "abc"}, `run: ms must be a number of milliseconds between 0 and 600000, got "abc"`},
		{"run", []any{1.0, -1.0}, "run: ms must be a number of milliseconds between 0 and 600000, got -1"},
		{"run", []any{1.0, math.NaN()}, "run: ms must be a number of milliseconds between 0 and 600000, got NaN"},
		{"run", []any{1.0, math.Inf(1)}, "run: ms must be a number of milliseconds between 0 and 600000, got Infinity"},
		{"run", []any{1.0}, "run: ms must be a number of milliseconds between 0 and 600000, got undefined"},
		{"run", []any{1.0, 600001.0},
			"run: ms must be a number of milliseconds between 0 and 600000, got 600001"},
		{"run", []any{1.0, 10.0, 3.0}, "run: takes 2 argument(s) (id, ms), got 3"},
		{"crash", []any{42.0, 1.0}, "crash: no cluster 42"},
		{"crash", []any{1.0, 0.0}, "crash: node must be an integer between 1 and 5, got 0"},
		{"crash", []any{1.0, 99.0}, "crash: node must be an integer between 1 and 5, got 99"},
		{"crash", []any{"1", 1.0}, `crash: id must be an integer between 1 and 9007199254740991, got "1"`},
		{"restart", []any{1.0, 2.0}, "restart: node 2 is already up"},
		{"cut", []any{1.0, 2.0, 2.0}, "cut: from and to must be different nodes, got 2 and 2"},
		{"heal", []any{1.0, 1.0, Opaque("a function")},
			"heal: to must be an integer between 1 and 5, got a function"},
		{"propose", []any{1.0, 5.0}, "propose: command must be a string, got 5"},
		{"propose", []any{1.0, "x"}, "propose: no leader to propose to"},
		{"propose", []any{1.0, strings.Repeat("x", MaxCommandBytes+1)},
			"propose: command must be a string of at most 65536 bytes, got 65537 bytes"},
		{"status", []any{nil}, "status: id must be an integer between 1 and 9007199254740991, got null"},
		{"destroyCluster", []any{true}, "destroyCluster: id must be an integer between 1 and 9007199254740991, got true"},
		{"explode", nil, "explode: no such method (methods are " + strings.Join(methodNames(), ", ") + ")"},
	} {
		if got := fails(t, r, tc.method, tc.args...); got != tc.want {
			t.Errorf("%s%v\n got error %q\nwant error %q", tc.method, tc.args, got, tc.want)
		}
	}
	// The failed calls changed nothing: the cluster is where it was.
	if s := getStatus(t, r, 1); s.Now != 0 || len(s.Nodes) != 5 {
		t.Fatalf("after failed calls: now %d ns, %d nodes; want 0 and 5", s.Now, len(s.Nodes))
	}
}

func TestLongStringIsShortenedInErrors(t *testing.T) {
	r := NewRegistry()
	ok(t, r, nil, "createCluster")
	msg := fails(t, r, "run", 1.0, strings.Repeat("é", 100))
	want := `run: ms must be a number of milliseconds between 0 and 600000, got "` + strings.Repeat("é", 40) + `"…`
	if msg != want {
		t.Fatalf("got %q, want %q", msg, want)
	}
}

// TestElectCommitCrashRestart drives a cluster through the API the way the
// page and the Node.js tests do.
func TestElectCommitCrashRestart(t *testing.T) {
	r := NewRegistry()
	var id float64
	ok(t, r, &id, "createCluster", map[string]any{"nodes": 5.0, "seed": 3.0})
	lead := waitLeader(t, r, id)

	var p struct{ Leader, Index, Term uint64 }
	ok(t, r, &p, "propose", id, "x=1")
	if p.Leader != uint64(lead) || p.Index == 0 || p.Term == 0 {
		t.Fatalf("propose answered %+v; leader is %d", p, lead)
	}
	var now float64
	ok(t, r, &now, "run", id, 200.0)
	if n := committedOn(getStatus(t, r, id), p.Index); n < 3 {
		t.Fatalf("index %d committed on %d of 5 nodes, want a majority", p.Index, n)
	}

	ok(t, r, nil, "crash", id, float64(lead))
	if msg := fails(t, r, "crash", id, float64(lead)); !strings.Contains(msg, "already down") {
		t.Fatalf("second crash: %q", msg)
	}
	ok(t, r, nil, "run", id, 50.0)
	if s := getStatus(t, r, id); s.Nodes[lead-1].Up || s.Nodes[lead-1].Role == "leader" {
		t.Fatalf("crashed node %d is %+v", lead, s.Nodes[lead-1])
	}
	next := waitLeader(t, r, id)
	if next == lead {
		t.Fatalf("crashed node %d still leads", lead)
	}

	ok(t, r, nil, "restart", id, float64(lead))
	ok(t, r, &p, "propose", id, "x=2")
	ok(t, r, nil, "run", id, 500.0)
	s := getStatus(t, r, id)
	if back := s.Nodes[lead-1]; !back.Up || back.CommitIndex < p.Index {
		t.Fatalf("restarted node %d did not catch up to index %d: %+v", lead, p.Index, back)
	}
}

func TestRunReturnsVirtualTime(t *testing.T) {
	r := NewRegistry()
	ok(t, r, nil, "createCluster")
	var now float64
	for _, step := range []struct{ ms, want float64 }{{0, 0}, {12.5, 12.5}, {100, 112.5}, {600000, 600112.5}} {
		ok(t, r, &now, "run", 1.0, step.ms)
		if now != step.want {
			t.Fatalf("run(%v) = %v, want %v", step.ms, now, step.want)
		}
	}
	if s := getStatus(t, r, 1); s.Now != 600112_500_000 {
		t.Fatalf("status now = %d ns, want 600112500000", s.Now)
	}
}

func TestCutAndHealShowInStatus(t *testing.T) {
	r := NewRegistry()
	ok(t, r, nil, "createCluster", map[string]any{"nodes": 3.0})
	type cut struct{ From, To int }
	var s struct{ Cut []cut }
	ok(t, r, nil, "cut", 1.0, 1.0, 3.0)
	ok(t, r, &s, "status", 1.0)
	if len(s.Cut) != 1 || s.Cut[0] != (cut{1, 3}) {
		t.Fatalf("after cut(1, 3): cut links %v, want [{1 3}]", s.Cut)
	}
	ok(t, r, nil, "heal", 1.0, 1.0, 3.0)
	ok(t, r, &s, "status", 1.0)
	if len(s.Cut) != 0 {
		t.Fatalf("after heal(1, 3): cut links %v, want none", s.Cut)
	}
}

func TestSameSeedSameRun(t *testing.T) {
	r := NewRegistry()
	drive := func(seed float64) string {
		var id float64
		ok(t, r, &id, "createCluster", map[string]any{"seed": seed})
		lead := waitLeader(t, r, id)
		ok(t, r, nil, "propose", id, "a")
		ok(t, r, nil, "run", id, 100.0)
		ok(t, r, nil, "crash", id, float64(lead))
		ok(t, r, nil, "cut", id, 1.0, 2.0)
		ok(t, r, nil, "run", id, 700.0)
		a := decode(t, r.Call("status", []any{id}))
		return string(a.Result)
	}
	a, b := drive(9), drive(9)
	if a != b {
		t.Fatalf("two runs with seed 9 differ:\n%s\n%s", a, b)
	}
	if c := drive(10); c == a {
		t.Fatal("seeds 9 and 10 gave the same status; the seed is not used")
	}
}

func TestDestroyedIDsAreNotReused(t *testing.T) {
	r := NewRegistry()
	var id float64
	ok(t, r, &id, "createCluster")
	ok(t, r, nil, "destroyCluster", id)
	if msg := fails(t, r, "status", id); msg != "status: cluster 1 was destroyed" {
		t.Fatalf("status of a destroyed cluster: %q", msg)
	}
	ok(t, r, &id, "createCluster")
	if id != 2 {
		t.Fatalf("cluster made after destroying cluster 1 got id %v, want 2", id)
	}
}

func TestClusterLimit(t *testing.T) {
	r := NewRegistry()
	for range MaxClusters {
		ok(t, r, nil, "createCluster", map[string]any{"nodes": 1.0})
	}
	if msg := fails(t, r, "createCluster"); !strings.Contains(msg, "too many clusters") {
		t.Fatalf("cluster %d: %q", MaxClusters+1, msg)
	}
	ok(t, r, nil, "destroyCluster", 1.0)
	ok(t, r, nil, "createCluster")
}

// TestPanicIsContained checks that a panic becomes an error answer, that the
// cluster it happened in is dropped, and that the registry keeps working.
func TestPanicIsContained(t *testing.T) {
	r := NewRegistry()
	ok(t, r, nil, "createCluster")
	ok(t, r, nil, "createCluster")
	r.testHook = func(method string) {
		if method == "run" {
			panic("boom")
		}
	}
	want := "run: internal error: boom (cluster 1 was destroyed)"
	if msg := fails(t, r, "run", 1.0, 10.0); msg != want {
		t.Fatalf("got %q, want %q", msg, want)
	}
	if msg := fails(t, r, "status", 1.0); msg != "status: cluster 1 was destroyed" {
		t.Fatalf("status of the cluster that panicked: %q", msg)
	}
	r.testHook = nil
	var now float64
	ok(t, r, &now, "run", 2.0, 10.0)
	if now != 10 {
		t.Fatalf("run on the other cluster = %v, want 10", now)
	}
}

func TestVersion(t *testing.T) {
	if v := Version(); !strings.HasPrefix(v, APIVersion) {
		t.Fatalf("Version() = %q, want it to start with %q", v, APIVersion)
	}
}
