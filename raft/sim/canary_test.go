//go:build canary

package sim

import (
	"testing"

	"github.com/raftplayground/raftplayground/raft"
)

// TestFigure8FaultCatchesCommitOldTerm plays the Figure-8 fault with the
// commit-old-term canary on: the leader of (c) commits x, an entry of an
// older term, by counting replicas, so L2 wins in (d) without it, and
// leader completeness fires (§5.4.2, Figure 8 (d)).
func TestFigure8FaultCatchesCommitOldTerm(t *testing.T) {
	if err := raft.SetCanary(raft.CanaryCommitOldTerm); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = raft.SetCanary("") })
	for seed := uint64(1); seed <= 8; seed++ {
		w, steps := playFigure8(t, seed)
		v := w.violation
		if v == nil || v.Check != CheckLeaderCompleteness {
			t.Fatalf("seed %d: got %v after %d steps, want a leader completeness violation", seed, v, len(steps))
		}
		if len(steps) != 4 {
			t.Fatalf("seed %d: caught after %d steps, want 4", seed, len(steps))
		}
	}
}
