package main

import (
	"fmt"
	"strings"
	"testing"
)

// TestClusterBudget: a cluster takes commands up to MaxClusterBytes and is
// then refused, with a message saying why; a fork starts from its origin's
// use; the failed call changes nothing.
func TestClusterBudget(t *testing.T) {
	r := NewRegistry()
	var id float64
	ok(t, r, &id, "createCluster", map[string]any{"nodes": 3.0})
	waitLeader(t, r, id)
	cmd := strings.Repeat("b", MaxCommandBytes)
	for i := range MaxClusterBytes / MaxCommandBytes {
		if a := decode(t, r.Call("propose", []any{id, cmd})); a.Error != nil {
			t.Fatalf("proposal %d of %d bytes refused: %s", i+1, MaxCommandBytes, *a.Error)
		}
	}
	want := fmt.Sprintf("propose: this cluster was given %d bytes of commands and this call has 1, more than the %d one cluster may hold (they are kept for seek); make a new cluster",
		MaxClusterBytes, MaxClusterBytes)
	if got := fails(t, r, "propose", id, "x"); got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	ok(t, r, nil, "run", id, 10.0)
	var fork float64
	ok(t, r, &fork, "seek", id, 5.0)
	if got := fails(t, r, "propose", fork, "x"); !strings.HasPrefix(got, "propose: this cluster was given") {
		t.Fatalf("a fork of a full cluster took a command: %q", got)
	}
	if r.totalBytes != 2*MaxClusterBytes {
		t.Fatalf("total bytes %d, want %d (the cluster and its fork)", r.totalBytes, 2*MaxClusterBytes)
	}
	ok(t, r, nil, "destroyCluster", fork)
	ok(t, r, nil, "destroyCluster", id)
	if r.totalBytes != 0 {
		t.Fatalf("total bytes %d after destroying every cluster, want 0", r.totalBytes)
	}
}

// TestTotalBudget: the live clusters together hold at most MaxTotalBytes.
func TestTotalBudget(t *testing.T) {
	r := NewRegistry()
	r.totalBytes = MaxTotalBytes - 10 // as if other clusters held the rest
	var id float64
	ok(t, r, &id, "createCluster", map[string]any{"nodes": 1.0})
	waitLeader(t, r, id)
	ok(t, r, nil, "propose", id, "0123456789")
	want := fmt.Sprintf("propose: the live clusters hold %d bytes of commands and this call has 1, more than the %d all may hold; destroy a cluster first",
		MaxTotalBytes, MaxTotalBytes)
	if got := fails(t, r, "propose", id, "x"); got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

// TestInterventionBudget: a cluster can be changed MaxInterventions times;
// reads and runs are not counted.
func TestInterventionBudget(t *testing.T) {
	r := NewRegistry()
	var id float64
	ok(t, r, &id, "createCluster", map[string]any{"nodes": 2.0})
	for range MaxInterventions {
		if a := decode(t, r.Call("healAll", []any{id})); a.Error != nil {
			t.Fatal(*a.Error)
		}
	}
	ok(t, r, nil, "run", id, 1.0)
	ok(t, r, nil, "status", id)
	want := fmt.Sprintf("crash: this cluster was changed %d times, the most one cluster may be (every change is kept for seek); make a new cluster", MaxInterventions)
	if got := fails(t, r, "crash", id, 1.0); got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	// A failed change is not counted: a fresh cluster's failing calls
	// leave its budget whole.
	ok(t, r, &id, "createCluster", map[string]any{"nodes": 2.0})
	fails(t, r, "restart", id, 1.0) // node 1 is up
	if c := r.clusters[int(id)]; c.interventions != 0 {
		t.Fatalf("a failed restart was counted: %d", c.interventions)
	}
}

// TestMethodErrors: each method names its argument and what it accepts.
func TestMethodErrors(t *testing.T) {
	r := NewRegistry()
	ok(t, r, nil, "createCluster", map[string]any{"nodes": 5.0})
	for _, tc := range []struct {
		method string
		args   []any
		want   string
	}{
		{"createCluster", []any{map[string]any{"latencyMin": 20.0}},
			"createCluster: latencyMin must be at most latencyMax, got 20 and 15 ms"},
		{"createCluster", []any{map[string]any{"heartbeatInterval": 300.0}},
			"createCluster: heartbeatInterval must be less than electionTimeout, got 300 and 300 ms"},
		{"createCluster", []any{map[string]any{"electionTimeoutMax": 200.0}},
			"createCluster: electionTimeoutMax must be at least electionTimeout, got 200 and 300 ms"},
		// Options with a floor above 0 name their whole range, below it and above it.
		{"createCluster", []any{map[string]any{"electionTimeout": 9.5}},
			"createCluster: electionTimeout must be a number of milliseconds between 10 and 60000, got 9.5"},
		{"createCluster", []any{map[string]any{"electionTimeout": 1e9}},
			"createCluster: electionTimeout must be a number of milliseconds between 10 and 60000, got 1e+09"},
		{"createCluster", []any{map[string]any{"electionTimeoutMax": 0.0}},
			"createCluster: electionTimeoutMax must be a number of milliseconds between 10 and 60000, got 0"},
		{"createCluster", []any{map[string]any{"heartbeatInterval": 0.5}},
			"createCluster: heartbeatInterval must be a number of milliseconds between 1 and 60000, got 0.5"},
		{"createCluster", []any{map[string]any{"snapshotEvery": 0.0}},
			"createCluster: snapshotEvery must be an integer between 1 and 1000000, got 0"},
		{"createCluster", []any{map[string]any{"preVote": "yes"}}, `createCluster: preVote must be true or false, got "yes"`},
		{"createCluster", []any{map[string]any{"loss": 1.5}}, "createCluster: loss must be a probability between 0 and 1, got 1.5"},
		{"seek", []any{1.0, 1.0}, "seek: ms must be a number of milliseconds between 0 and 0, got 1"},
		{"partition", []any{1.0, []any{}}, "partition: groups must be a non-empty array of arrays of node ids, like [[1, 2], [3, 4, 5]], got an array"},
		{"partition", []any{1.0, []any{[]any{1.0}, []any{1.0}}}, "partition: node 1 is in two groups"},
		{"partition", []any{1.0, []any{[]any{6.0}}}, "partition: groups[0][0] must be an integer between 1 and 5, got 6"},
		{"setLink", []any{1.0, 1.0, 2.0, nil}, "setLink: config must be an object like {latencyMin: 5, latencyMax: 20, loss: 0.1}, got null"},
		{"setLink", []any{1.0, 1.0, 2.0, map[string]any{"lag": 1.0}},
			`setLink: config has an unknown key "lag" (keys are up, latencyMin, latencyMax, loss, duplicate, reorder, responseDelay, lateReplies)`},
		{"setLink", []any{1.0, 1.0, 2.0, map[string]any{"up": 1.0}}, "setLink: config.up must be true or false, got 1"},
		// The world raised latencyMax to latencyMin: 10 silently became 50.
		{"setLink", []any{1.0, 1.0, 2.0, map[string]any{"latencyMin": 50.0, "latencyMax": 10.0}},
			"setLink: config.latencyMin must be at most config.latencyMax, got 50 and 10 ms"},
		{"setResponseDelay", []any{1.0, 1.0, -1.0}, "setResponseDelay: ms must be a number of milliseconds between 0 and 60000, got -1"},
		{"hold", []any{1.0, 0.0}, "hold: msg must be an integer between 1 and 9007199254740991, got 0"},
		{"drop", []any{1.0, 7.0}, "drop: no message #7 in flight"},
		{"duplicate", []any{1.0, 7.0}, "duplicate: no message #7 in flight"},
		{"release", []any{1.0, 7.0}, "release: no held message #7"},
		{"transferLeadership", []any{1.0, 6.0}, "transferLeadership: to must be an integer between 0 and 5, got 6"},
		{"transferLeadership", []any{1.0}, "transferLeadership: no leader"},
		{"changePeers", []any{1.0, []any{}}, "changePeers: voters must name at least one node"},
		{"changePeers", []any{1.0, []any{1.0}, []any{1.0}}, "changePeers: node 1 cannot be both a voter and a learner"},
		{"changePeers", []any{1.0, "1,2"}, `changePeers: voters must be an array of node ids, got "1,2"`},
		{"proposeTo", []any{1.0, 1.0, "x"}, "proposeTo: not the leader, and no leader is known"},
		{"watch", []any{1.0, "on"}, `watch: on must be true or false, got "on"`},
		{"events", []any{1.0}, "events: cluster is not watched; call watch(id, true) first"},
	} {
		if got := fails(t, r, tc.method, tc.args...); got != tc.want {
			t.Errorf("%s%v\n got error %q\nwant error %q", tc.method, tc.args, got, tc.want)
		}
	}
}

// TestEventsWhileWatched: a watched cluster collects role changes, commits
// and faults; an unwatched one collects nothing and costs no sink.
func TestEventsWhileWatched(t *testing.T) {
	r := NewRegistry()
	var id float64
	ok(t, r, &id, "createCluster", map[string]any{"nodes": 3.0, "seed": 5.0})
	var was bool
	ok(t, r, &was, "watch", id, true)
	if was {
		t.Fatal("a new cluster was watched")
	}
	lead := waitLeader(t, r, id)
	var p struct{ Index uint64 }
	ok(t, r, &p, "propose", id, "e")
	ok(t, r, nil, "run", id, 200.0)
	ok(t, r, nil, "crash", id, float64(lead))
	var d Drained
	ok(t, r, &d, "events", id)
	var role, commit, fault bool
	for _, e := range d.Events {
		switch {
		case e.Kind == "role" && e.Node == uint64(lead) && strings.Contains(e.Text, "-> leader"):
			role = true
		case e.Kind == "commit" && e.Node == uint64(lead) && e.Index >= p.Index:
			commit = true
		case e.Kind == "fault" && e.Node == uint64(lead) && strings.HasPrefix(e.Text, "crash"):
			fault = true
		case e.Kind != "role" && e.Kind != "commit" && e.Kind != "fault":
			t.Errorf("event of kind %q: %+v", e.Kind, e)
		}
	}
	if !role || !commit || !fault || d.Missed != 0 {
		t.Fatalf("role %v, commit %v, fault %v, missed %d in %+v", role, commit, fault, d.Missed, d.Events)
	}
	ok(t, r, &d, "events", id)
	if len(d.Events) != 0 {
		t.Fatalf("a second drain gave %+v", d.Events)
	}
	ok(t, r, &was, "watch", id, false)
	ok(t, r, nil, "restart", id, float64(lead))
	ok(t, r, &was, "watch", id, true)
	ok(t, r, &d, "events", id)
	if len(d.Events) != 0 {
		t.Fatalf("events while unwatched were kept: %+v", d.Events)
	}
}

// TestTruncate cuts on rune boundaries.
func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"abc", 3, "abc"},
		{"abcdef", 4, "a…"},
		{"ééééé", 6, "é…"},
	} {
		if got := truncate(tc.in, tc.max); got != tc.want || len(got) > tc.max {
			t.Errorf("truncate(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

// TestSeekCountsAsACluster: a fork is a cluster like any other, so it is
// refused when MaxClusters are alive.
func TestSeekCountsAsACluster(t *testing.T) {
	r := NewRegistry()
	for range MaxClusters {
		ok(t, r, nil, "createCluster", map[string]any{"nodes": 1.0})
	}
	want := fmt.Sprintf("seek: too many clusters (%d); destroy one first", MaxClusters)
	if got := fails(t, r, "seek", 1.0, 0.0); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	ok(t, r, nil, "destroyCluster", 2.0)
	var fork float64
	ok(t, r, &fork, "seek", 1.0, 0.0)
	if fork != MaxClusters+1 {
		t.Fatalf("fork id %v, want %d (ids are never reused)", fork, MaxClusters+1)
	}
}
