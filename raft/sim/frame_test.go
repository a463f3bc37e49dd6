package sim

import (
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// TestFrameIsStatus: FrameInto, what the page reads at every animation
// frame (issue 10 item 3: a cheaper status for the frame loop), says what
// Status says of each node, up or down, of the leader and of the cut
// links; it allocates nothing once its slices have grown; and the message
// records read in place are MessageLog's.
func TestFrameIsStatus(t *testing.T) {
	o := DefaultOptions()
	o.Nodes, o.Clients, o.ClientRate = 5, 4, 100
	w, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	w.RunFor(2 * time.Second)
	lead := w.Leader()
	if lead == raft.None {
		t.Fatal("no leader after 2 s")
	}
	down := lead%5 + 1
	if err := w.Crash(down); err != nil {
		t.Fatal(err)
	}
	cut := down%5 + 1
	up := false
	if err := w.SetLinkConfig(lead, cut, LinkConfig{Up: &up}); err != nil {
		t.Fatal(err)
	}
	w.RunFor(500 * time.Millisecond)

	var f Frame
	w.FrameInto(&f)
	st := w.Status()
	if f.Now != st.Now || f.Leader != st.Leader || len(f.Nodes) != len(st.Nodes) {
		t.Fatalf("frame now=%v leader=%d nodes=%d, status now=%v leader=%d nodes=%d", f.Now, f.Leader, len(f.Nodes), st.Now, st.Leader, len(st.Nodes))
	}
	if len(f.Cut) != 1 || f.Cut[0] != (Link{From: lead, To: cut}) || len(st.Cut) != 1 || st.Cut[0] != f.Cut[0] {
		t.Errorf("frame cut %v, status cut %v, want [%d→%d]", f.Cut, st.Cut, lead, cut)
	}
	for i, fn := range f.Nodes {
		s := &st.Nodes[i]
		want := raft.Brief{ID: s.ID, Role: s.Role, Term: s.Term, Vote: s.Vote, Leader: s.Leader,
			FirstIndex: s.FirstIndex, LastIndex: s.LastIndex, StableIndex: s.StableIndex, CommitIndex: s.CommitIndex,
			AppliedIndex: s.AppliedIndex, SnapshotIndex: s.SnapshotIndex, ElectionArmed: s.ElectionArmed, ElectionDue: s.ElectionDue}
		for j, r := range s.Replicators {
			if j == 0 || r.HeartbeatDue < want.HeartbeatDue {
				want.HeartbeatDue = r.HeartbeatDue
			}
		}
		if fn.Brief != want || fn.Up != s.Up {
			t.Errorf("node %d: frame %+v up=%v\nstatus says %+v up=%v", s.ID, fn.Brief, fn.Up, want, s.Up)
		}
	}
	if f.Nodes[down-1].Up || !f.Nodes[lead-1].Up || f.Nodes[lead-1].HeartbeatDue == 0 {
		t.Errorf("down node %d up=%v; leader %d up=%v heartbeat due %v", down, f.Nodes[down-1].Up, lead, f.Nodes[lead-1].Up, f.Nodes[lead-1].HeartbeatDue)
	}
	if a := testing.AllocsPerRun(100, func() { w.FrameInto(&f) }); a != 0 {
		t.Errorf("FrameInto allocates %v times per frame once warm", a)
	}

	log := w.MessageLog(-1, nil)
	if len(log) != w.MessageRecords() || len(log) != msgKeep {
		t.Fatalf("MessageLog has %d records, MessageRecords says %d (want %d kept)", len(log), w.MessageRecords(), msgKeep)
	}
	for i := range log {
		if *w.MessageRecord(i) != log[i] {
			t.Fatalf("record %d: %+v in place, %+v in MessageLog", i, *w.MessageRecord(i), log[i])
		}
	}
}
