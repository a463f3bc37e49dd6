package sim

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

func newWorld(t *testing.T, nodes int, seed uint64) *World {
	t.Helper()
	o := DefaultOptions()
	o.Nodes, o.Seed = nodes, seed
	w, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// waitLeader runs the world until a leader exists, for at most limit.
func waitLeader(t *testing.T, w *World, limit time.Duration) raft.NodeID {
	t.Helper()
	for end := w.Now() + limit; w.Now() < end; w.RunFor(10 * time.Millisecond) {
		if id := w.Leader(); id != raft.None {
			return id
		}
	}
	t.Fatalf("no leader after %v", limit)
	return raft.None
}

func TestElectCommitCrash(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			w := newWorld(t, 5, seed)
			lead := waitLeader(t, w, 2*time.Second)
			p, err := w.Propose([]byte("x=1"))
			if err != nil {
				t.Fatal(err)
			}
			w.RunFor(200 * time.Millisecond)
			n := 0
			for _, ns := range w.Status().Nodes {
				if ns.CommitIndex >= p.Index {
					n++
				}
			}
			if n < 3 {
				t.Fatalf("index %d committed on %d nodes, want a majority\n%+v", p.Index, n, w.Status())
			}
			if err := w.Crash(lead); err != nil {
				t.Fatal(err)
			}
			next := waitLeader(t, w, 3*time.Second)
			if next == lead {
				t.Fatalf("crashed node %d still leads", lead)
			}
			if err := w.Restart(lead); err != nil {
				t.Fatal(err)
			}
			w.RunFor(time.Second)
			for _, ns := range w.Status().Nodes {
				if ns.CommitIndex < p.Index || ns.AppliedIndex < p.Index {
					t.Fatalf("node %d commit=%d applied=%d, want >= %d", ns.ID, ns.CommitIndex, ns.AppliedIndex, p.Index)
				}
			}
		})
	}
}

// TestStatusIntoAllocatesNothing: the page fills one kept Status at every
// frame (issue 10: a cheaper status for the frame loop). Once it has seen
// the world's state, filling it again allocates nothing, and it says the
// same as Status but for the messages' summaries.
func TestStatusIntoAllocatesNothing(t *testing.T) {
	o := DefaultOptions()
	o.Clients, o.ClientRate = 4, 100
	w, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	w.RunFor(2 * time.Second)
	var s Status
	w.StatusInto(&s)
	want := w.Status()
	for i := range want.Wire {
		if want.Wire[i].Summary == "" {
			t.Fatalf("Status left message #%d without a summary", want.Wire[i].ID)
		}
		want.Wire[i].Summary = ""
	}
	if !reflect.DeepEqual(s, want) {
		t.Fatalf("StatusInto and Status differ:\n%+v\n%+v", s, want)
	}
	if want.Leader == raft.None || len(want.Wire) == 0 {
		t.Fatalf("the world should have a leader and messages in flight: %+v", want)
	}
	if allocs := testing.AllocsPerRun(100, func() { w.StatusInto(&s) }); allocs != 0 {
		t.Fatalf("StatusInto allocates %v times per call once warm", allocs)
	}
}
