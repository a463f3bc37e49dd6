package raft

import (
	"fmt"
	"testing"
)

// The steady state of replication allocates nothing: a proposal, its
// appends to the followers, their in-order responses, the ballots and the
// commit, and the Readys that carry them out. (Proposal data is copied
// into shared chunks, one allocation per 64 KiB of commands, which
// AllocsPerRun's average rounds away.) A change that adds an allocation on
// this path fails here, not only in a benchmark.
func TestSteadyStateAllocatesNothing(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage counters allocate")
	}
	for _, size := range []int{3, 5} {
		for _, batch := range []int{1, 16} {
			t.Run(fmt.Sprintf("nodes=%d/batch=%d", size, batch), func(t *testing.T) {
				bc := newBenchCluster(t, size)
				leader := bc.nodes[0]
				cmd := make([]byte, 128)
				round := func() {
					for range batch {
						if _, _, err := leader.Propose(bc.now, cmd); err != nil {
							t.Fatal(err)
						}
					}
					bc.process(0)
					bc.pump()
				}
				for range 200 { // buffers grow to their working size
					round()
				}
				before := leader.CommitIndex()
				if allocs := testing.AllocsPerRun(500, round); allocs != 0 {
					t.Errorf("%v allocations per round of %d proposals, want 0", allocs, batch)
				}
				if got, want := leader.CommitIndex(), before+uint64(501*batch); got != want {
					t.Fatalf("commit index %d after the measured rounds, want %d", got, want)
				}
			})
		}
	}
}
