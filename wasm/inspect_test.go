package main

import (
	"strings"
	"testing"
)

// TestStepHandlesOneEvent: step handles exactly one event and moves time
// to it.
func TestStepHandlesOneEvent(t *testing.T) {
	r := NewRegistry()
	var id float64
	ok(t, r, &id, "createCluster", map[string]any{"nodes": 3.0})
	var a, b stepAnswer
	ok(t, r, &a, "step", id)
	ok(t, r, &b, "step", id)
	if !a.Stepped || !b.Stepped || b.Handled != a.Handled+1 || b.Now < a.Now {
		t.Fatalf("two steps: %+v then %+v", a, b)
	}
}

// TestHandCallsLogAndKV: a put through the leader commits; its call shows
// done; every node's KV holds it and its log ends with the entry; log
// answers at most last entries.
func TestHandCallsLogAndKV(t *testing.T) {
	r := NewRegistry()
	var id float64
	ok(t, r, &id, "createCluster", map[string]any{"nodes": 3.0, "seed": 2.0})
	waitLeader(t, r, id)
	var put, get float64
	ok(t, r, &put, "put", id, "k", "v1", map[string]any{"via": 2.0})
	ok(t, r, nil, "run", id, 500.0)
	ok(t, r, &get, "get", id, "k", Undefined{})
	ok(t, r, nil, "run", id, 500.0)
	var op struct {
		Op    string
		Value string
		Done  bool
		Index uint64
	}
	ok(t, r, &op, "call", id, put)
	if !op.Done || op.Op != "put" || op.Index == 0 {
		t.Fatalf("put: %+v", op)
	}
	ok(t, r, &op, "call", id, get)
	if !op.Done || op.Value != "v1" {
		t.Fatalf("get: %+v", op)
	}
	for node := 1.0; node <= 3; node++ {
		var kv kvAnswer
		ok(t, r, &kv, "kv", id, node)
		if kv.Total != 1 || kv.Data["k"] != "v1" {
			t.Fatalf("node %v kv %+v", node, kv)
		}
	}
	var lg struct {
		Total   int
		Entries []struct {
			Index, Term uint64
			Type        string
		}
	}
	ok(t, r, &lg, "log", id, 1.0, 1.0)
	if len(lg.Entries) != 1 || lg.Total < 2 || lg.Entries[0].Index != uint64(lg.Total) {
		t.Fatalf("log: %+v", lg)
	}
	ok(t, r, &lg, "log", id, 1.0, Undefined{})
	if len(lg.Entries) != lg.Total || lg.Entries[0].Type != "config" {
		t.Fatalf("log: %+v (a leader's first entry is its configuration entry)", lg)
	}
	if got := fails(t, r, "call", id, 99.0); got != "call: no client call 99" {
		t.Fatal(got)
	}
	if got := fails(t, r, "log", id, 1.0, 1001.0); got != "log: last must be an integer between 0 and 1000, got 1001" {
		t.Fatal(got)
	}
	if got := fails(t, r, "put", id, "", "v", Undefined{}); got != "put: key must not be empty" {
		t.Fatal(got)
	}
	if got := fails(t, r, "put", id, "k", strings.Repeat("v", 1025), Undefined{}); got != "put: value must be a string of at most 1024 bytes, got 1025 bytes" {
		t.Fatal(got)
	}
	if got := fails(t, r, "get", id, "k", map[string]any{"via": 4.0}); got != "get: opts.via must be an integer between 1 and 3, got 4" {
		t.Fatal(got)
	}
	if got := fails(t, r, "append", id, "k", "v", map[string]any{"to": 1.0}); got != "append: opts has an unknown key \"to\" (keys are via)" {
		t.Fatal(got)
	}
}

// TestSnapshotAndNote: a snapshot compacts the node's log to what it
// applied (the log then starts after it); a note is recorded as an
// intervention.
func TestSnapshotAndNote(t *testing.T) {
	r := NewRegistry()
	var id float64
	ok(t, r, &id, "createCluster", map[string]any{"nodes": 3.0, "seed": 3.0})
	waitLeader(t, r, id)
	ok(t, r, nil, "propose", id, "x")
	ok(t, r, nil, "run", id, 300.0)
	ok(t, r, nil, "snapshot", id, 1.0)
	var lg logAnswer
	ok(t, r, &lg, "log", id, 1.0, Undefined{})
	if lg.Total != 0 {
		t.Fatalf("log after a snapshot of everything applied: %+v", lg)
	}
	if got := fails(t, r, "snapshot", id, 1.0); !strings.HasPrefix(got, "snapshot: node 1 applied nothing since its snapshot") {
		t.Fatal(got)
	}
	ok(t, r, nil, "note", id, 3.0, "hello")
	var ivs []struct {
		Kind string
		Node int
		Data string
	}
	ok(t, r, &ivs, "interventions", id)
	last := ivs[len(ivs)-1]
	if last.Kind != "note" || last.Node != 3 || last.Data != "hello" {
		t.Fatalf("last intervention %+v", last)
	}
	if got := fails(t, r, "note", id, 0.0, "x"); got != "note: node must be an integer between 1 and 3, got 0" {
		t.Fatal(got)
	}
}

// TestSceneJSON: the scene has every node on the ring, every directed
// link, and the messages in flight with positions in the unit square.
func TestSceneJSON(t *testing.T) {
	r := NewRegistry()
	var id float64
	ok(t, r, &id, "createCluster", map[string]any{"nodes": 3.0, "seed": 4.0})
	lead := waitLeader(t, r, id)
	ok(t, r, nil, "cut", id, 1.0, 2.0)
	ok(t, r, nil, "propose", id, "x")
	var s struct {
		Leader int
		Nodes  []struct {
			X, Y      float64
			Role      string
			Timer     string
			TimerLeft float64 `json:"timer_left"`
		}
		Links    []linkJSON
		Messages []struct {
			X, Y, Progress, Fade float64
			Outcome              string
		}
	}
	ok(t, r, &s, "scene", id, 100.0)
	if len(s.Nodes) != 3 || len(s.Links) != 6 || s.Leader != lead {
		t.Fatalf("scene %+v", s)
	}
	cut := 0
	for _, l := range s.Links {
		if l.Cut {
			cut++
			if l.From != 1 || l.To != 2 {
				t.Fatalf("link %+v cut", l)
			}
		}
	}
	if cut != 1 {
		t.Fatalf("%d links cut, want 1", cut)
	}
	for _, n := range s.Nodes {
		if n.X <= 0 || n.X >= 1 || n.Y <= 0 || n.Y >= 1 || n.Role == "" || n.Timer == "" || n.TimerLeft < 0 || n.TimerLeft > 1 {
			t.Fatalf("node %+v", n)
		}
	}
	if len(s.Messages) == 0 {
		t.Fatal("no message in the scene right after a proposal")
	}
	for _, m := range s.Messages {
		if m.Progress < 0 || m.Progress > 1 || m.Fade <= 0 || m.X <= 0 || m.X >= 1 {
			t.Fatalf("message %+v", m)
		}
	}
	var st struct {
		From   int64 `json:"from_ns"`
		To     int64 `json:"to_ns"`
		Nodes  int
		Spans  []struct{ Role string }
		Arrows []struct{ Ended bool }
	}
	ok(t, r, &st, "spaceTime", id, 1000.0)
	if st.Nodes != 3 || len(st.Spans) == 0 || st.Spans[0].Role == "" || len(st.Arrows) == 0 || st.From != max(0, st.To-1e9) {
		t.Fatalf("space-time %+v", st)
	}
	if got := fails(t, r, "scene", id, 60001.0); got != "scene: fadeMs must be a number of milliseconds between 0 and 60000, got 60001" {
		t.Fatal(got)
	}
	if got := fails(t, r, "spaceTime", id, Undefined{}); got != "spaceTime: windowMs must be a number of milliseconds between 0 and 600000, got undefined" {
		t.Fatal(got)
	}
}
