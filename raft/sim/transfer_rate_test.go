package sim

import (
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// TestTransferSucceedsUnderHeartbeats: a leadership transfer to a caught-up
// follower of a healthy cluster makes it leader in one round (Raft
// dissertation §3.10), whatever the heartbeats in flight: the leader sends
// none after TimeoutNow, since a follower that handled one would refuse the
// target's vote to keep its promise to the leader (lease.go).
func TestTransferSucceedsUnderHeartbeats(t *testing.T) {
	failed := 0
	const seeds = 40
	for seed := uint64(1); seed <= seeds; seed++ {
		o := DefaultOptions()
		o.Seed, o.Clients, o.ClientRate = seed, 3, 30
		w, err := New(o)
		if err != nil {
			t.Fatal(err)
		}
		w.RunFor(2 * time.Second)
		lead := w.Leader()
		if lead == raft.None {
			t.Fatalf("seed %d: no leader", seed)
		}
		to := lead%raft.NodeID(o.Nodes) + 1
		if err := w.TransferLeadership(to); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		w.RunFor(o.ElectionTimeout / 2)
		if w.Leader() != to {
			failed++
			t.Logf("seed %d: transfer %d -> %d: leader %d", seed, lead, to, w.Leader())
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d transfers did not make the target leader within half an election timeout", failed, seeds)
	}
}
