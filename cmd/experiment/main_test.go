package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft/sim/experiment"
)

// The command prints a line per configuration and writes the package's
// own result as JSON and CSV.
func TestElectionTable(t *testing.T) {
	dir := t.TempDir()
	jsonPath, csvPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.csv")
	var out, progress bytes.Buffer
	err := run([]string{"election", "-seed", "3", "-trials", "4", "-prevote", "-cap", "1s", "-json", jsonPath, "-csv", csvPath}, &out, &progress)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(progress.String(), "40/40 trials in ") {
		t.Fatalf("progress: %q", progress.String())
	}
	for _, want := range []string{"seed 3, pre-vote true, 4 trials per configuration", "capped  median", "150-300ms       4", "100-200ms"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("the table lacks %q:\n%s", want, out.String())
		}
	}
	r, err := experiment.New("election", experiment.Options{Seed: 3, Trials: 4, PreVote: true, Cap: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	r.Step(1000)
	want := r.Result()
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var got experiment.Result
	if err := json.Unmarshal(b, &got); err != nil || !reflect.DeepEqual(&got, want) {
		t.Fatalf("the JSON file is not the package's result: %v", err)
	}
	c, err := os.ReadFile(csvPath)
	if err != nil || !bytes.Equal(c, want.CSV()) {
		t.Fatalf("the CSV file is not the package's CSV: %v", err)
	}
}

// Pipelining prints its throughput instead of capped trials.
func TestPipeliningTable(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"pipelining", "-trials", "1", "-measure", "100ms", "-q"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "commits/s") || !strings.Contains(out.String(), "latency 50ms window 32") || strings.Contains(out.String(), "trials in") {
		t.Fatalf("table:\n%s", out.String())
	}
}

// Bad command lines are refused with the reason.
func TestBadArguments(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "name an experiment first"},
		{[]string{"-seed", "1"}, "name an experiment first"},
		{[]string{"nope"}, `unknown experiment "nope"`},
		{[]string{"election", "extra"}, `unexpected arguments ["extra"]`},
		{[]string{"election", "-trials", "-3"}, "trials must be between"},
		{[]string{"election", "-bogus"}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		if err := run(tt.args, &out, &out); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%q) = %v, want an error with %q", tt.args, err, tt.want)
		}
	}
}
