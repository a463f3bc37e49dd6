package experiment

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json")

// Every trial is seeded from (seed, configuration, index) alone: a run
// made one trial per Step gives the same result as one made in a single
// Step, and as one cut into uneven steps.
func TestStepSlicingDoesNotChangeNumbers(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			o := Options{Seed: 5, Trials: 1, Measure: 100 * time.Millisecond}
			whole, err := New(name, o)
			if err != nil {
				t.Fatal(err)
			}
			if !whole.Step(MaxTrials) {
				t.Fatal("one large step did not finish the run")
			}
			sliced, _ := New(name, o)
			steps := 0
			for size := 1; !sliced.Step(size); size = size%3 + 1 {
				steps++
			}
			if done, total := sliced.Progress(); done != total || steps < 4 {
				t.Fatalf("progress %d/%d after %d steps", done, total, steps)
			}
			a, _ := whole.Result().JSON()
			b, _ := sliced.Result().JSON()
			if !bytes.Equal(a, b) {
				t.Fatal("the result depends on how the run was cut into steps")
			}
		})
	}
}

// A partial result holds exactly the trials done, round-robin over the
// configurations, and they are the first trials of the whole run.
func TestPartialResult(t *testing.T) {
	r, err := New("election", Options{Seed: 2, Trials: 4})
	if err != nil {
		t.Fatal(err)
	}
	r.Step(13) // 10 configurations: 2 trials of the first 3, 1 of the rest
	part := r.Result()
	if part.Done != 13 || part.Total != 40 {
		t.Fatalf("progress %d/%d, want 13/40", part.Done, part.Total)
	}
	for i, c := range part.Configs {
		want := 1
		if i < 3 {
			want = 2
		}
		if len(c.Trials) != want || c.Summary.Count != want {
			t.Fatalf("%s: %d trials, summary of %d, want %d", c.Label, len(c.Trials), c.Summary.Count, want)
		}
	}
	for !r.Step(100) {
	}
	whole := r.Result()
	for i, c := range part.Configs {
		if !reflect.DeepEqual(c.Trials, whole.Configs[i].Trials[:len(c.Trials)]) {
			t.Fatalf("%s: the partial trials differ from the whole run's first ones", c.Label)
		}
	}
}

// The election result has the paper's two plots (Figure 16: six ranges
// on top, five below), each curve an empirical CDF of the elected trials
// over all trials; CSV and JSON carry every trial.
func TestElectionResultShape(t *testing.T) {
	res := runAll(t, "election", Options{Seed: 9, Trials: 5, Cap: time.Second})
	if len(res.Configs) != 10 || len(res.Plots) != 2 || len(res.Plots[0].Series) != 6 || len(res.Plots[1].Series) != 5 {
		t.Fatalf("%d configurations, %d plots: want 10 and 2 (6 and 5 curves)", len(res.Configs), len(res.Plots))
	}
	if got := res.Plots[1].Series[4].Label; got != "150-300ms" {
		t.Fatalf("the bottom plot's last curve is %q, want 150-300ms", got)
	}
	for _, p := range res.Plots {
		for _, s := range p.Series {
			c := res.config(t, s.Label)
			elected := c.Summary.Count - c.Summary.Capped
			if len(s.X) != elected || len(s.Y) != elected || !slices.IsSorted(s.X) {
				t.Fatalf("%s: %d x, %d y (sorted: %v), want %d sorted", s.Label, len(s.X), len(s.Y), slices.IsSorted(s.X), elected)
			}
			for i, y := range s.Y {
				if want := float64(i+1) / 5; y != want {
					t.Fatalf("%s: point %d at %v, want %v", s.Label, i, y, want)
				}
			}
		}
	}
	lines := strings.Split(strings.TrimSpace(string(res.CSV())), "\n")
	header := strings.Split(lines[0], ",")
	if len(lines) != 1+50 || header[0] != "experiment" || header[len(header)-len(res.Columns)] != "crash_offset_ms" {
		t.Fatalf("CSV: %d lines, header %q", len(lines), lines[0])
	}
	for _, l := range lines[1:] {
		if n := len(strings.Split(l, ",")); n != len(header) {
			t.Fatalf("CSV row %q has %d fields, the header %d", l, n, len(header))
		}
	}
	b, err := res.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Result
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(&back, res) {
		t.Fatalf("the JSON does not read back as the result: %v", err)
	}
}

// New refuses what it cannot run, naming what is wrong.
func TestNewRejects(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"nope", Options{}, `unknown experiment "nope"`},
		{"election", Options{Trials: -1}, "trials must be"},
		{"election", Options{Trials: MaxTrials + 1}, "trials must be"},
		{"election", Options{Cap: time.Millisecond}, "cap must be"},
		{"election", Options{Cap: time.Hour}, "cap must be"},
		{"pipelining", Options{Measure: time.Millisecond}, "measure must be"},
		{"election", Options{LatencyMin: 2 * time.Millisecond, LatencyMax: time.Millisecond}, "latency range"},
		{"election", Options{LatencyMax: 2 * time.Second}, "latency range"},
		{"pipelining", Options{Measure: -time.Second}, "measure must be"},
	}
	for _, tt := range tests {
		if _, err := New(tt.name, tt.o); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%q, %+v) = %v, want an error with %q", tt.name, tt.o, err, tt.want)
		}
	}
}

// goldenOptions are the options of testdata/NAME.golden.json, which the
// Node.js test (wasm/jstest/experiment.test.mjs) also runs through the
// WebAssembly build and compares number for number.
var goldenOptions = map[string]Options{
	"election":   {Seed: 7, Trials: 8, PreVote: true, Cap: 2 * time.Second},
	"pipelining": {Seed: 7, Trials: 1, Measure: 100 * time.Millisecond},
}

// The result of a fixed seed does not change unnoticed: the summaries and
// every trial of testdata/NAME.golden.json (regenerate with -update and
// read the diff: a change must be explained by a change to the core or the
// simulator). Under GOOS=js (make test-wasm) this is also the check that
// WebAssembly computes the same numbers.
func TestGolden(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			res := runAll(t, name, goldenOptions[name])
			got, err := json.MarshalIndent(res, "", " ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := "testdata/" + name + ".golden.json"
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("the result of %+v differs from %s (rerun with -update and read the diff)", goldenOptions[name], path)
			}
		})
	}
}
