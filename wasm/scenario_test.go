package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/raftplayground/raftplayground/raft/sim"
)

// progressOf decodes a scenario's progress.
type progressOut struct {
	Done   bool `json:"done"`
	Next   int  `json:"next"`
	Steps  int  `json:"steps"`
	Line   int  `json:"line"`
	Failed int  `json:"failed"`
	Error  *struct {
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"error"`
}

// TestLibraryScenariosPass: every scenario of static/scenarios runs to its
// end through the API with every expectation met (issue 9: each library
// scenario is also a test, headless through the API).
func TestLibraryScenariosPass(t *testing.T) {
	files, err := filepath.Glob("../static/scenarios/*.txt")
	if err != nil || len(files) < 10 {
		t.Fatalf("found %d library scenarios (%v), want at least 10", len(files), err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			text, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			r := NewRegistry()
			var loaded struct{ ID, Steps int }
			ok(t, r, &loaded, "loadScenario", string(text))
			var p progressOut
			ok(t, r, &p, "scenarioRun", float64(loaded.ID))
			if !p.Done || p.Error != nil || p.Failed != 0 || p.Next != loaded.Steps {
				t.Fatalf("progress %+v, error %+v", p, p.Error)
			}
			var outs []struct{ Pass bool }
			ok(t, r, &outs, "scenarioOutcomes", float64(loaded.ID))
			if len(outs) == 0 {
				t.Fatal("no expectation checked")
			}
		})
	}
}

// TestScenarioParseErrorNamesLineAndColumn: a scenario that does not read
// is refused with sim's ParseError, whose line and column the answer
// carries beside the message.
func TestScenarioParseErrorNamesLineAndColumn(t *testing.T) {
	r := NewRegistry()
	raw := r.Call("loadScenario", []any{"nodes 3\n\ncrash n7\n"})
	var a struct {
		Error  string `json:"error"`
		Line   int    `json:"line"`
		Column int    `json:"column"`
	}
	if err := json.Unmarshal([]byte(raw), &a); err != nil {
		t.Fatal(err)
	}
	if a.Line != 3 || a.Column != 7 || !strings.HasPrefix(a.Error, "loadScenario: line 3, column 7: ") {
		t.Fatalf("got %s", raw)
	}
	if len(r.clusters) != 0 {
		t.Fatal("a scenario that does not read made a cluster")
	}
	// Too long in virtual time: the step that passes the hour is named.
	raw = r.Call("loadScenario", []any{"nodes 3\nat 30m\nafter 20m\nwhen leader elected within 20m\n"})
	if err := json.Unmarshal([]byte(raw), &a); err != nil {
		t.Fatal(err)
	}
	if a.Line != 4 || !strings.Contains(a.Error, "1h10m0s of virtual time") {
		t.Fatalf("got %s", raw)
	}
	// A workload offering too many operations: its rate's line is named.
	raw = r.Call("loadScenario", []any{"nodes 3\nclients 4\nclient-rate 100\nat 10m\n"})
	if err := json.Unmarshal([]byte(raw), &a); err != nil {
		t.Fatal(err)
	}
	if a.Line != 3 || !strings.Contains(a.Error, "may offer 60000 operations (client-rate 100/s for 10m0s)") {
		t.Fatalf("got %s", raw)
	}
	ok(t, r, nil, "loadScenario", "nodes 3\nclients 4\nclient-rate 80\nat 10m\n")
}

// TestScenarioStepByStep: step runs one instruction at a time, narration
// grows as say lines are reached, a failed expectation is an outcome, and
// a step that cannot be carried out stops the run with its line.
func TestScenarioStepByStep(t *testing.T) {
	r := NewRegistry()
	text := `nodes 3
seed 3
when leader elected
say elected
expect leader is none
crash n1
crash n1
say never reached
`
	var loaded struct{ ID, Steps int }
	ok(t, r, &loaded, "loadScenario", text)
	id := float64(loaded.ID)
	var p progressOut
	ok(t, r, &p, "scenarioStep", id)
	if p.Done || p.Next != 1 || p.Line != 3 {
		t.Fatalf("after one step: %+v", p)
	}
	var narr []struct {
		Line int
		Text string
	}
	ok(t, r, &narr, "scenarioNarration", id)
	if len(narr) != 0 {
		t.Fatalf("narration before the say line: %+v", narr)
	}
	ok(t, r, &p, "scenarioStep", id)
	ok(t, r, &narr, "scenarioNarration", id)
	if len(narr) != 1 || narr[0].Line != 4 || narr[0].Text != "elected" {
		t.Fatalf("narration %+v", narr)
	}
	ok(t, r, &p, "scenarioRun", id)
	if !p.Done || p.Failed != 1 || p.Error == nil || p.Error.Line != 7 || !strings.Contains(p.Error.Message, "node 1 is already down") {
		t.Fatalf("progress %+v, error %+v", p, p.Error)
	}
	var outs []struct {
		Line     int
		Pass     bool
		Observed string
	}
	ok(t, r, &outs, "scenarioOutcomes", id)
	if len(outs) != 1 || outs[0].Line != 5 || outs[0].Pass || outs[0].Observed == "" {
		t.Fatalf("outcomes %+v", outs)
	}
	ok(t, r, &narr, "scenarioNarration", id)
	if len(narr) != 1 {
		t.Fatalf("a say line after the failed step was reached: %+v", narr)
	}
	// The cluster is an ordinary one; one that loadScenario did not make
	// runs no scenario.
	ok(t, r, nil, "run", id, 10.0)
	var other float64
	ok(t, r, &other, "createCluster", nil)
	if got := fails(t, r, "scenarioStep", other); got != "scenarioStep: cluster was not made by loadScenario" {
		t.Fatal(got)
	}
}

// TestScenarioExportReplays: a cluster's run written as a scenario and
// loaded again gives the same world: the same status and the same number
// of trace events (the seed and the interventions make the run).
func TestScenarioExportReplays(t *testing.T) {
	r := NewRegistry()
	var id float64
	ok(t, r, &id, "createCluster", map[string]any{"nodes": 3.0, "seed": 11.0})
	waitLeader(t, r, id)
	var call float64
	ok(t, r, &call, "put", id, "k", "v", Undefined{})
	ok(t, r, nil, "run", id, 300.0)
	ok(t, r, nil, "note", id, 2.0, "a note")
	ok(t, r, nil, "crash", id, 2.0)
	for range 7 {
		ok(t, r, nil, "step", id)
	}
	ok(t, r, nil, "restart", id, 2.0)
	ok(t, r, nil, "run", id, 500.0)
	var text string
	ok(t, r, &text, "scenario", id)
	for _, want := range []string{"nodes 3", "seed 11", "put k v", "note n2 a note", "crash n2", "restart n2"} {
		if !strings.Contains(text, want) {
			t.Fatalf("scenario lacks %q:\n%s", want, text)
		}
	}
	var loaded struct{ ID int }
	ok(t, r, &loaded, "loadScenario", text)
	var p progressOut
	ok(t, r, &p, "scenarioRun", float64(loaded.ID))
	if p.Error != nil {
		t.Fatalf("replay failed: %+v\n%s", p.Error, text)
	}
	var a, b json.RawMessage
	ok(t, r, &a, "status", id)
	ok(t, r, &b, "status", float64(loaded.ID))
	if string(a) != string(b) {
		t.Fatalf("replay differs:\n%s\n%s\nscenario:\n%s", a, b, text)
	}
}

// TestScenarioTextLimit: a scenario over MaxScenarioBytes is refused by
// its size.
func TestScenarioTextLimit(t *testing.T) {
	r := NewRegistry()
	got := fails(t, r, "loadScenario", strings.Repeat("#", MaxScenarioBytes+1))
	want := fmt.Sprintf("loadScenario: text must be a string of at most %d bytes, got %d bytes", MaxScenarioBytes, MaxScenarioBytes+1)
	if got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

// TestScenarioExportRefusesWhatWouldNotLoad: a run whose scenario would
// not read back (a proposal longer than a scenario line may be) is
// refused when written, with the reason.
func TestScenarioExportRefusesWhatWouldNotLoad(t *testing.T) {
	r := NewRegistry()
	var id float64
	ok(t, r, &id, "createCluster", map[string]any{"nodes": 3.0})
	waitLeader(t, r, id)
	ok(t, r, nil, "propose", id, strings.Repeat("x", 5000))
	got := fails(t, r, "scenario", id)
	if !strings.HasPrefix(got, "scenario: the run cannot be written as a scenario that reads back: line 4, column 1: a line must be at most 4096 bytes") {
		t.Fatal(got)
	}
}

// nativeDigest runs a scenario as cmd/scenario -digest does and returns
// the digest it prints.
func nativeDigest(t *testing.T, text string) string {
	t.Helper()
	sc, err := sim.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	runner, err := sim.NewRunner(sc)
	if err != nil {
		t.Fatal(err)
	}
	h := sim.NewTraceDigest()
	if err := runner.World().Trace().StartSink(h); err != nil {
		t.Fatal(err)
	}
	if err := runner.Run(); err != nil {
		t.Fatal(err)
	}
	return sim.TraceDigest(h)
}

// TestScenarioDigest: a scenario's traceDigest is the digest of the
// trace cmd/scenario -trace writes for it, which cmd/scenario -digest
// prints (issue 9: the same scenario gives the
// same trace digest natively, in Node.js and in the page; under GOOS=js
// this compares the wasm build's run with the same code's), whether it
// is run step by step, as an embed runs it, or to its end; a call made on
// the cluster is traced, so it changes the digest.
func TestScenarioDigest(t *testing.T) {
	text, err := os.ReadFile("../static/scenarios/leader-crash.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := nativeDigest(t, string(text))
	r := NewRegistry()
	var whole, stepped struct{ ID int }
	ok(t, r, &whole, "loadScenario", string(text))
	ok(t, r, &stepped, "loadScenario", string(text))
	var start string
	ok(t, r, &start, "scenarioDigest", float64(whole.ID))
	var p progressOut
	ok(t, r, &p, "scenarioRun", float64(whole.ID))
	for p = (progressOut{}); !p.Done; {
		ok(t, r, &p, "scenarioStep", float64(stepped.ID))
	}
	var got, gotStepped string
	ok(t, r, &got, "scenarioDigest", float64(whole.ID))
	ok(t, r, &gotStepped, "scenarioDigest", float64(stepped.ID))
	if got != want || gotStepped != want {
		t.Fatalf("digests: run to its end %s, step by step %s, natively %s", got, gotStepped, want)
	}
	if start == want || len(want) != 32 {
		t.Fatalf("the digest before any step (%s) equals the one at the end (%s)", start, want)
	}
	ok(t, r, new(any), "crash", float64(whole.ID), float64(1))
	ok(t, r, &got, "scenarioDigest", float64(whole.ID))
	if got == want {
		t.Fatal("a crash on the cluster left its trace digest unchanged")
	}
	var plain int
	ok(t, r, &plain, "createCluster", nil)
	if msg := fails(t, r, "scenarioDigest", float64(plain)); !strings.Contains(msg, "not made by loadScenario") {
		t.Fatalf("scenarioDigest of a plain cluster: %q", msg)
	}
}

// TestCheckRunCost: a run link's scenario is refused when replaying it
// would cost more than a scenario through the API may (before, a link of
// "at 1000h" ran for hours before the page showed anything); one that
// does not parse is left to the page, which says where.
func TestCheckRunCost(t *testing.T) {
	for _, tc := range []struct {
		text string
		want string // "" for accepted
	}{
		{"nodes 3\nat 500ms crash n1\nat 59m\n", ""},
		{"at 1000h\n", "the run is too long to replay: line 1, column 1: the scenario may run 1000h0m0s of virtual time by this step"},
		{"nodes 3\nat 30m crash n1\nafter 31m restart n1\n", "the run is too long to replay: line 3, column 1: the scenario may run 1h1m0s"},
		{"nodes 9\nclients 8\nclient-rate 1000\nat 1h\n", "the run is too long to replay: line 3, column 1: the workload may offer 3600000 operations"},
		{"frobnicate\n", ""},
	} {
		err := checkRunCost(tc.text)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want)) {
			t.Errorf("checkRunCost(%q) = %v, want %q", tc.text, err, tc.want)
		}
	}
}

// TestScenarioSeedLimit: a scenario's seed is answered as a JavaScript
// number, so one above 2^53-1 is refused, as createCluster refuses it
// (before, status().seed read 18446744073709551615 as
// 18446744073709552000).
func TestScenarioSeedLimit(t *testing.T) {
	r := NewRegistry()
	want := "loadScenario: line 2, column 1: seed must be at most 9007199254740991 through the API, the largest integer a JavaScript number holds exactly, got 18446744073709551615"
	if msg := fails(t, r, "loadScenario", "nodes 3\nseed 18446744073709551615\nat 1s\n"); msg != want {
		t.Fatalf("got %q, want %q", msg, want)
	}
	if msg := fails(t, r, "loadTour", "nodes 3\nseed 9007199254740992\nstep one\nsay x\n"); !strings.Contains(msg, "seed must be at most 9007199254740991") {
		t.Fatalf("loadTour: %q", msg)
	}
	ok(t, r, nil, "loadScenario", "nodes 3\nseed 9007199254740991\nat 1s\n")
}
