//go:build canary

package sim

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/raftplayground/raftplayground/raft"
)

// TestScenarioLibraryCatchesCanaries: the library's expectations are real.
// With a planted bug on, the scenarios that show the behaviour it breaks
// must fail, by an expectation or a safety checker, at the line that shows
// it. Left out: CanaryCommitOldTerm (with it no cluster commits its
// first entry, so every scenario fails at its first commit, which proves
// nothing about Figure 8; TestFigure8FaultCatchesCanaries covers it), and
// CanaryVoteStaleLog and CanaryRestartVotes, which no library scenario
// happens to catch.
func TestScenarioLibraryCatchesCanaries(t *testing.T) {
	tests := []struct {
		canary string
		// fail maps a scenario to the line at which it must fail.
		fail map[string]int
	}{
		// §5.3: a follower keeps its stale tail and applies it.
		{raft.CanaryNoTruncate, map[string]int{"walkthrough-6-divergent-tail.txt": 29, "partitioned-stale-leader.txt": 30, "figure-8.txt": 37}},
		// §5.6: a node answers before its disk synced; a crash shows the
		// disk without the entries.
		{raft.CanaryNotDurable, map[string]int{"disk-loss.txt": 16, "walkthrough-5-follower-behind.txt": 16}},
		// §6.4: the cut-off leader answers the read from its stale state.
		{raft.CanaryReadUnconfirmed, map[string]int{"read-after-partition.txt": 16}},
		// §5.2: a voter votes twice in one term: two leaders in term 1.
		{raft.CanaryVoteTwice, map[string]int{"split-vote.txt": 18}},
		// §5.3: a write is answered before it commits.
		{raft.CanaryApplyBeforeCommit, map[string]int{"disk-loss.txt": 41, "figure-8.txt": 14}},
	}
	t.Cleanup(func() { _ = raft.SetCanary("") })
	for _, tt := range tests {
		t.Run(tt.canary, func(t *testing.T) {
			if err := raft.SetCanary(tt.canary); err != nil {
				t.Fatal(err)
			}
			for name, line := range tt.fail {
				if got, why := failingLine(t, name); got != line {
					t.Errorf("%s: with %s on it must fail at line %d, got line %d (%s)", name, tt.canary, line, got, why)
				}
			}
		})
	}
}

// failingLine runs one library scenario and returns the line of its first
// failure (0: it passed) and what failed there.
func failingLine(t *testing.T, name string) (int, string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(libraryDir, name))
	if err != nil {
		t.Fatal(err)
	}
	r, err := RunScenario(string(b))
	if r == nil {
		t.Fatal(err)
	}
	for _, o := range r.Outcomes() {
		if !o.Pass {
			return o.Line, o.String()
		}
	}
	var se *StepError
	if errors.As(err, &se) {
		return se.Line, se.Error()
	}
	return 0, "passed"
}
