package sim

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Regression worlds are worlds in which the swarm once found a bug. Each is
// kept as testdata/regressions/<name>.json: the bug, the swarm
// configuration, and the fault schedule the swarm drew in its safety phase
// as the world recorded it (World.Interventions: crashes, restarts,
// partitions, link changes, transfers, membership changes, whatever kinds
// there are). TestSwarmRegressions replays that schedule instead of drawing
// faults again, so a change in how the swarm draws them (a new kind of
// fault, other weights, another order of draws) cannot silently turn a
// regression world into a different one. The run then ends as every swarm
// run does (Swarm.healAndCheck): heal, liveness phase, linearizability.
//
// To keep a failing swarm seed N as a regression world, write
// testdata/regressions/NAME.json holding {"bug": "what went wrong", "seed": N}
// and record it:
//
//	go test ./raft/sim/ -run 'TestSwarmRegressions/NAME$' -rewrite
//
// For a world without a schedule, -rewrite draws the faults from its swarm
// configuration (from SwarmFor(seed) when it has none), runs them, checks
// that replaying what the world recorded gives the same run event for
// event, and writes the configuration and the schedule. For a world with a
// schedule it keeps the schedule and only writes down how the run goes now
// (after a change to the core). To draw an old world's faults again, which
// may make it another world, delete its "schedule" first and read the diff.
var rewriteRegressions = flag.Bool("rewrite", false, "record testdata/regressions/*.json: draw the schedules of new worlds, and the summaries of all")

// regressionWorld is one file of testdata/regressions.
type regressionWorld struct {
	// Bug says what went wrong in this world once.
	Bug string `json:"bug"`
	// Seed, in a file not recorded yet, is the swarm seed whose world
	// -rewrite records.
	Seed uint64 `json:"seed,omitempty"`
	// Swarm is the configuration: the options and phases a replay uses,
	// and the fault weights -rewrite draws from.
	Swarm *Swarm `json:"swarm,omitempty"`
	// Schedule is what the swarm did to the world in its safety phase, in
	// order, each intervention at its time; nil until it is drawn.
	Schedule []Intervention `json:"schedule"`
	// Recorded is how the run went when it was last recorded. A replay
	// must pass whatever it says; it tells whether the core still makes
	// the same world.
	Recorded runSummary `json:"recorded"`
}

// runSummary sums up a run.
type runSummary struct {
	// Events counts the trace events after the world was made.
	Events uint64 `json:"events"`
	// TraceSHA256 is the hash of those events as JSON lines.
	TraceSHA256 string `json:"trace_sha256"`
	// Result is "pass" or the run's first failure.
	Result string `json:"result"`
}

func TestSwarmRegressions(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "regressions", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no regression worlds in testdata/regressions (%v)", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			if !*rewriteRegressions {
				t.Parallel()
			}
			rw := readRegression(t, file)
			drawn := *rewriteRegressions && rw.Schedule == nil
			if drawn {
				rw.draw(t)
			}
			got, err := rw.replay(t)
			if drawn && got != rw.Recorded {
				t.Fatalf("replaying the recorded schedule gave %+v, the drawn run %+v: something changed the world without recording an intervention", got, rw.Recorded)
			}
			if *rewriteRegressions {
				rw.Recorded = got
				writeRegression(t, file, rw)
			}
			if err != nil {
				t.Fatalf("%v\nonce: %s\n%s\nthe core %s", err, rw.Bug, rw.Swarm, rw.sameWorld(got))
			}
			t.Logf("passes; the core %s", rw.sameWorld(got))
		})
	}
}

// sameWorld says whether the core still makes the world that was recorded.
func (rw *regressionWorld) sameWorld(got runSummary) string {
	if got.TraceSHA256 == rw.Recorded.TraceSHA256 {
		return "makes the recorded world event for event"
	}
	return fmt.Sprintf("behaves differently in this world since it was recorded (%d events, recorded %d: %s; -rewrite records how it goes now and keeps the schedule)",
		got.Events, rw.Recorded.Events, rw.Recorded.Result)
}

// draw draws the faults from the swarm configuration, runs them, and keeps
// what the safety phase did to the world and how the run went.
func (rw *regressionWorld) draw(t *testing.T) {
	if rw.Swarm == nil {
		s := SwarmFor(rw.Seed)
		rw.Swarm = &s
	}
	rw.Seed = 0 // the swarm configuration now says it all
	s := *rw.Swarm
	w, err := New(s.Options)
	if err != nil {
		t.Fatal(err)
	}
	rw.Recorded = summarize(w, func() error { return s.RunOn(w) })
	rw.Schedule = []Intervention{}
	for _, iv := range w.Interventions() {
		if iv.At < s.SafetyPhase {
			rw.Schedule = append(rw.Schedule, iv)
		}
	}
}

// replay runs the recorded schedule on a new world, then ends the run as
// the swarm does. An intervention the world refuses (the core now behaves
// differently, so no node leads where one led before) is logged and
// skipped: the schedule stays what it was.
func (rw *regressionWorld) replay(t *testing.T) (runSummary, error) {
	s := *rw.Swarm
	w, err := New(s.Options)
	if err != nil {
		t.Fatal(err)
	}
	var runErr error
	sum := summarize(w, func() error {
		for _, iv := range rw.Schedule {
			w.RunUntil(iv.At)
			if w.Violation() != nil {
				break
			}
			if err := iv.apply(w); err != nil {
				t.Logf("at %v the world refused %s: %v", iv.At, iv.Kind, err)
			}
		}
		w.RunUntil(s.SafetyPhase)
		runErr = s.healAndCheck(w)
		return runErr
	})
	return sum, runErr
}

// summarize runs f on w and sums up what it did.
func summarize(w *World, f func() error) runSummary {
	h := sha256.New()
	w.Trace().SetSink(h)
	before := w.Trace().Len()
	result := "pass"
	if err := f(); err != nil {
		result = err.Error()
	}
	w.Trace().SetSink(nil)
	return runSummary{Events: w.Trace().Len() - before, TraceSHA256: fmt.Sprintf("%x", h.Sum(nil)), Result: result}
}

func readRegression(t *testing.T, file string) *regressionWorld {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var rw regressionWorld
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rw); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if rw.Bug == "" {
		t.Fatalf("%s: say what the bug was", file)
	}
	if rw.Swarm == nil && rw.Seed == 0 {
		t.Fatalf("%s: give the seed of the world to record", file)
	}
	if rw.Schedule == nil && !*rewriteRegressions {
		t.Fatalf("%s: no schedule recorded yet: run with -rewrite", file)
	}
	return &rw
}

// writeRegression writes rw indented, but one intervention a line, so that
// a schedule reads (and diffs) as a list.
func writeRegression(t *testing.T, file string, rw *regressionWorld) {
	t.Helper()
	head := *rw
	head.Schedule = nil
	b, err := json.MarshalIndent(head, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, iv := range rw.Schedule {
		l, err := json.Marshal(iv)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, "\t\t"+string(l))
	}
	schedule := "[\n" + strings.Join(lines, ",\n") + "\n\t]"
	if len(lines) == 0 {
		schedule = "[]"
	}
	out := strings.Replace(string(b), `"schedule": null`, `"schedule": `+schedule, 1)
	if err := os.WriteFile(file, []byte(out+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
