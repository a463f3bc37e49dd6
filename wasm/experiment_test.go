package main

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/raftplayground/raftplayground/raft/sim/experiment"
)

// An experiment through the API: made, stepped a bounded number of trials
// at a time, read as a result with or without trials and as CSV, and
// destroyed. Its numbers are the package's own for the same options:
// raft/sim/experiment/testdata/election.golden.json, which the Node.js test
// (wasm/jstest/experiment.test.mjs) also compares with the WebAssembly's.
func TestExperimentMethods(t *testing.T) {
	r := NewRegistry()
	var names []string
	ok(t, r, &names, "experimentNames")
	if !reflect.DeepEqual(names, []string{"election", "pipelining"}) {
		t.Fatalf("experimentNames = %v", names)
	}
	var cluster, id int
	ok(t, r, &cluster, "createCluster", nil)
	ok(t, r, &id, "createExperiment", "election", map[string]any{"seed": 7.0, "trials": 8.0, "preVote": true, "capMs": 2000.0})
	if id == cluster {
		t.Fatalf("experiment and cluster share id %d", id)
	}
	var p progressJSON
	for steps := 0; !p.Finished; steps++ {
		ok(t, r, &p, "experimentStep", float64(id), 20.0)
		if steps > 4 {
			t.Fatalf("80 trials took more than 4 steps of 20: %+v", p)
		}
	}
	if p.Done != 80 || p.Total != 80 || p.Error != "" {
		t.Fatalf("progress %+v, want 80/80", p)
	}
	var full, brief experiment.Result
	ok(t, r, &full, "experimentResult", float64(id), true)
	ok(t, r, &brief, "experimentResult", float64(id))
	golden, err := os.ReadFile("../raft/sim/experiment/testdata/election.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var want experiment.Result
	if err := json.Unmarshal(golden, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(full, want) {
		t.Fatal("the API's result differs from election.golden.json")
	}
	if len(brief.Configs) != 10 || len(brief.Configs[0].Trials) != 0 || brief.Configs[3].Summary != want.Configs[3].Summary {
		t.Fatal("the result without trials should keep the summaries and drop the trials")
	}
	var csv string
	ok(t, r, &csv, "experimentCSV", float64(id))
	if n := strings.Count(csv, "\n"); n != 81 {
		t.Fatalf("CSV has %d lines, want a header and 80 rows", n)
	}
	// An experiment's id is no cluster's; once destroyed, an id says so.
	if msg := fails(t, r, "status", float64(id)); msg != "status: 2 is an experiment's id, not a cluster's" {
		t.Fatalf("an experiment id as a cluster: %q", msg)
	}
	ok(t, r, nil, "destroyExperiment", float64(id))
	if msg := fails(t, r, "experimentProgress", float64(id)); msg != "experimentProgress: experiment 2 was destroyed" {
		t.Fatalf("after destroy: %q", msg)
	}
	// A cluster's id is no experiment's.
	if msg := fails(t, r, "experimentStep", float64(cluster), 1.0); msg != "experimentStep: 1 is a cluster's id, not an experiment's" {
		t.Fatalf("a cluster id as an experiment: %q", msg)
	}
}

// Every bad argument is refused with a message naming the method, the
// argument and what it takes; no call can run unbounded work.
func TestExperimentMethodsReject(t *testing.T) {
	r := NewRegistry()
	var id int
	ok(t, r, &id, "createExperiment", "pipelining", nil)
	tests := []struct {
		method string
		args   []any
		want   string
	}{
		{"createExperiment", []any{"nope"}, `createExperiment: name must be one of election, pipelining, got "nope"`},
		{"createExperiment", []any{7.0}, "createExperiment: name must be a string, got 7"},
		{"createExperiment", []any{"election", map[string]any{"trials": 0.0}}, "createExperiment: opts.trials must be an integer between 1 and 10000, got 0"},
		{"createExperiment", []any{"election", map[string]any{"trials": 1e9}}, "createExperiment: opts.trials must be an integer between 1 and 10000"},
		{"createExperiment", []any{"election", map[string]any{"capMs": 3_600_000.0}}, "createExperiment: opts.capMs must be a number of milliseconds between 0 and 10000"},
		{"createExperiment", []any{"election", map[string]any{"capMs": 5.0}}, "createExperiment: opts.capMs must be at least 100, got 5"},
		{"createExperiment", []any{"pipelining", map[string]any{"measureMs": 1e6}}, "createExperiment: opts.measureMs must be a number of milliseconds between 0 and 2000"},
		// An option of the other experiment was silently ignored.
		{"createExperiment", []any{"election", map[string]any{"measureMs": 1000.0}}, "createExperiment: opts.measureMs applies to the pipelining experiment only, not to election"},
		{"createExperiment", []any{"pipelining", map[string]any{"capMs": 1000.0}}, "createExperiment: opts.capMs applies to the election experiment only, not to pipelining"},
		{"createExperiment", []any{"pipelining", map[string]any{"unevenLogs": false}}, "createExperiment: opts.unevenLogs applies to the election experiment only, not to pipelining"},
		{"createExperiment", []any{"pipelining", map[string]any{"latencyMaxMs": 9.0}}, "createExperiment: opts.latencyMaxMs applies to the election experiment only, not to pipelining"},
		{"createExperiment", []any{"election", map[string]any{"latencyMinMs": 5.0, "latencyMaxMs": 1.0}}, "createExperiment: opts.latencyMinMs must be at most opts.latencyMaxMs, got 5 and 1"},
		{"createExperiment", []any{"election", map[string]any{"latencyMaxMs": 5000.0}}, "createExperiment: opts.latencyMaxMs must be a number of milliseconds between 0 and 1000, got 5000"},
		{"createExperiment", []any{"election", map[string]any{"unevenLogs": 1.0}}, "createExperiment: opts.unevenLogs must be true or false, got 1"},
		{"createExperiment", []any{"election", map[string]any{"preVote": "yes"}}, `createExperiment: opts.preVote must be true or false, got "yes"`},
		{"createExperiment", []any{"election", map[string]any{"speed": 1.0}}, `createExperiment: opts has an unknown key "speed"`},
		{"experimentStep", []any{float64(id), 2.0}, "experimentStep: maxTrials (for pipelining) must be an integer between 1 and 1, got 2"},
		{"experimentStep", []any{float64(id)}, "experimentStep: maxTrials (for pipelining) must be an integer between 1 and 1, got undefined"},
		{"experimentStep", []any{99.0, 1.0}, "experimentStep: no experiment 99"},
		{"experimentResult", []any{float64(id), "all"}, `experimentResult: trials must be true or false, got "all"`},
		{"experimentCSV", []any{"1"}, `experimentCSV: id must be an integer between 1 and 9007199254740991, got "1"`},
	}
	for _, tt := range tests {
		if msg := fails(t, r, tt.method, tt.args...); !strings.HasPrefix(msg, tt.want) {
			t.Errorf("%s%v: %q, want %q", tt.method, tt.args, msg, tt.want)
		}
	}
	for range MaxExperiments - 1 {
		ok(t, r, nil, "createExperiment", "election", nil)
	}
	if msg := fails(t, r, "createExperiment", "election", nil); msg != "createExperiment: too many experiments (4); destroy one first" {
		t.Fatalf("past the limit: %q", msg)
	}
}

// A step runs at most the trials it was given, and at most the
// experiment's bound (20 election trials).
func TestExperimentStepBounded(t *testing.T) {
	r := NewRegistry()
	var id int
	ok(t, r, &id, "createExperiment", "election", map[string]any{"trials": 1000.0})
	var p progressJSON
	ok(t, r, &p, "experimentStep", float64(id), 20.0)
	if p.Done != 20 || p.Finished {
		t.Fatalf("a step of 20 made %+v", p)
	}
	if msg := fails(t, r, "experimentStep", float64(id), 21.0); !strings.Contains(msg, "between 1 and 20") {
		t.Fatalf("a step of 21: %q", msg)
	}
}

// createCluster's electionTimeoutMax reaches every node: with it equal to
// electionTimeout every timer runs exactly that long (the paper's 150-150
// ms); by default timers spread over [electionTimeout, 2*electionTimeout).
func TestCreateClusterElectionTimeoutMax(t *testing.T) {
	r := NewRegistry()
	for _, tt := range []struct {
		opts     map[string]any
		min, max int64 // ms; max excluded unless equal to min
	}{
		{map[string]any{"electionTimeout": 150.0, "electionTimeoutMax": 150.0, "heartbeatInterval": 75.0}, 150, 150},
		{map[string]any{"electionTimeout": 150.0, "electionTimeoutMax": 155.0, "heartbeatInterval": 75.0}, 150, 155},
		{map[string]any{"electionTimeout": 150.0, "heartbeatInterval": 75.0}, 150, 300},
	} {
		var id int
		ok(t, r, &id, "createCluster", tt.opts)
		var st struct {
			Nodes []struct {
				Due   int64 `json:"election_due_ns"`
				Armed int64 `json:"election_armed_ns"`
			}
		}
		ok(t, r, &st, "status", float64(id))
		for i, n := range st.Nodes {
			d := n.Due - n.Armed
			lo, hi := tt.min*1e6, tt.max*1e6
			if d < lo || d > hi || (d == hi && lo != hi) {
				t.Fatalf("%v: node %d's timer runs %d ns, want in [%d, %d) ms", tt.opts, i+1, d, tt.min, tt.max)
			}
		}
	}
}
