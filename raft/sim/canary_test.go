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

// TestBounceFollowersCatchesRestartVotes plays issue 7 (b) with canary
// restart-votes on: followers restarted right after they answered the
// leader grant a cut-off node their pre-votes and votes at once, it wins
// and commits while the isolated leader still holds its lease, and the
// leader answers a client's lease read at its old commit index, which the
// read-index check catches (dissertation §6.4.1). Where the cut-off nodes
// split their votes in the first election, the lease runs out before
// anyone wins, so the test asks for most of a few worlds, and for no other
// checker.
func TestBounceFollowersCatchesRestartVotes(t *testing.T) {
	t.Cleanup(func() { _ = raft.SetCanary("") })
	if err := raft.SetCanary(raft.CanaryRestartVotes); err != nil {
		t.Fatal(err)
	}
	const worlds, want = 16, 12
	caught := 0
	for seed := uint64(1); seed <= worlds; seed++ {
		w, steps := playBounceFollowers(t, seed)
		v := w.violation
		if v != nil && v.Check != CheckReadIndex {
			t.Fatalf("seed %d: got %v, want a %s violation or none; steps:\n%s", seed, v, CheckReadIndex, strings.Join(steps, "\n"))
		}
		if v != nil {
			caught++
		}
		if seed == 1 {
			t.Logf("%v\n%s", v, strings.Join(steps, "\n"))
		}
	}
	if caught < want {
		t.Fatalf("the read-index check caught the stale lease read in %d of %d worlds, want at least %d", caught, worlds, want)
	}
	t.Logf("caught in %d of %d worlds", caught, worlds)
}
