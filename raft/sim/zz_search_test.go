package sim

import (
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

func TestZZSearchSplit(t *testing.T) {
	for seed := uint64(1); seed < 400; seed++ {
		o := DefaultOptions()
		o.Nodes, o.Seed = 5, seed
		o.LatencyMin, o.LatencyMax = 40*time.Millisecond, 60*time.Millisecond
		w, _ := New(o)
		// first election: a split vote in term 1?
		cands := map[uint64]map[raft.NodeID]bool{}
		for w.Now() < 3*time.Second && w.Step() {
			st := w.Status()
			for _, n := range st.Nodes {
				if n.Up && n.Role == raft.Candidate {
					if cands[n.Term] == nil {
						cands[n.Term] = map[raft.NodeID]bool{}
					}
					cands[n.Term][n.ID] = true
				}
			}
			if st.Leader != 0 {
				break
			}
		}
		lead := w.Leader()
		st := w.Status()
		term := uint64(0)
		for _, n := range st.Nodes { if n.ID == lead { term = n.Term } }
		if len(cands[1]) >= 2 && term >= 2 {
			t.Logf("seed %d: term1 candidates %v, leader n%d term %d at %v", seed, cands[1], lead, term, w.Now())
		}
	}
}
