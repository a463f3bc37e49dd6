//go:build canary

package sim

import (
	"strings"
	"testing"

	"github.com/raftplayground/raftplayground/raft"
)

// TestFigure8FaultCatchesCanaries plays the swarm's Figure-8 fault with a
// planted bug on, and requires the checker the bug breaks to fire, in every
// one of a few worlds.
func TestFigure8FaultCatchesCanaries(t *testing.T) {
	tests := []struct {
		canary, check string
		// steps is how many of the fault's steps are played before the
		// checker fires.
		steps int
	}{
		// §5.4.2, Figure 8 (d): the leader of (c) committed x, an entry
		// of an older term, by counting replicas, so L2 wins without it.
		{raft.CanaryCommitOldTerm, CheckLeaderCompleteness, 4},
		// §5.3: a follower keeps an entry that conflicts with its new
		// leader's and appends the leader's next entry after it, so two
		// logs hold one (index, term) after different terms. That entry is
		// not committed yet: only the full Log Matching Property sees it.
		{raft.CanaryNoTruncate, CheckLogMatching, 4},
	}
	t.Cleanup(func() { _ = raft.SetCanary("") })
	for _, tt := range tests {
		t.Run(tt.canary, func(t *testing.T) {
			if err := raft.SetCanary(tt.canary); err != nil {
				t.Fatal(err)
			}
			for seed := uint64(1); seed <= 8; seed++ {
				w, steps := playFigure8(t, seed)
				v := w.violation
				if v == nil || v.Check != tt.check || len(steps) != tt.steps {
					t.Fatalf("seed %d: got %v after %d steps, want %s after %d", seed, v, len(steps), tt.check, tt.steps)
				}
				if seed == 1 {
					t.Logf("%v\n%s", v, strings.Join(steps, "\n"))
				}
			}
		})
	}
}
