package raft

import (
	"testing"
)

// briefOf is what Brief must say, read from the node's full Status.
func briefOf(s Status) Brief {
	b := Brief{ID: s.ID, Role: s.Role, Term: s.Term, Vote: s.Vote, Leader: s.Leader,
		FirstIndex: s.FirstIndex, LastIndex: s.LastIndex, StableIndex: s.StableIndex,
		CommitIndex: s.CommitIndex, AppliedIndex: s.AppliedIndex, SnapshotIndex: s.SnapshotIndex,
		ElectionArmed: s.ElectionArmed, ElectionDue: s.ElectionDue}
	for i, r := range s.Replicators {
		if i == 0 || r.HeartbeatDue < b.HeartbeatDue {
			b.HeartbeatDue = r.HeartbeatDue
		}
	}
	return b
}

// TestBriefIsStatus: Brief says what Status says of the fields a frame
// draws, on a leader whose followers' heartbeats fall due at different
// times and on its followers, and allocates nothing.
func TestBriefIsStatus(t *testing.T) {
	c := newCluster(t, 3, nil)
	c.elect(1)
	c.advance(c.node(1).cfg.HeartbeatInterval / 2)
	c.mustPropose(1, "x")
	c.rpcError(msgFilter{from: 1, to: 2}) // node 2's replicator waits: its heartbeat moves
	for _, id := range []NodeID{1, 2, 3} {
		if got, want := c.node(id).Brief(), briefOf(c.status(id)); got != want {
			t.Errorf("node %d: Brief() = %+v\nwant (from Status) %+v", id, got, want)
		}
	}
	if b := c.node(1).Brief(); b.Role != Leader || b.HeartbeatDue == 0 || b.ElectionDue != 0 {
		t.Errorf("leader's Brief %+v: want a heartbeat due and no election timer", b)
	}
	n := c.node(1)
	if a := testing.AllocsPerRun(100, func() { _ = n.Brief() }); a != 0 {
		t.Errorf("Brief allocates %v times", a)
	}
}
