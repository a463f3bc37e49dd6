package raft

import (
	"errors"
	"testing"
)

func (c *cluster) readIndex(id NodeID, read uint64) error {
	c.t.Helper()
	return c.do(id, func(n *Node) error { return n.ReadIndex(c.now, read) })
}

// lastRead returns the last read state node id handed out, if any.
func (c *cluster) lastRead(id NodeID) (ReadState, bool) {
	reads := c.tn(id).reads
	if len(reads) == 0 {
		return ReadState{}, false
	}
	return reads[len(reads)-1], true
}

// Raft dissertation §6.4: "The leader records its current commit index in
// a local variable readIndex. ... The leader needs to make sure it hasn't
// been superseded by a newer leader of which it is unaware. It issues a new
// round of heartbeats and waits for their acknowledgments from a majority
// of the cluster."
func TestReadIndexSafe(t *testing.T) {
	tests := []struct {
		size    int
		answers []NodeID // followers whose heartbeat responses arrive
		want    bool
	}{
		{3, nil, false},
		{3, []NodeID{3}, true},
		{5, []NodeID{2}, false},
		{5, []NodeID{2, 5}, true},
	}
	for _, tt := range tests {
		c := replicating(t, tt.size, nil)
		c.mustPropose(1, "x")
		c.deliverAll()
		commit := c.status(1).CommitIndex
		if err := c.readIndex(1, 7); err != nil {
			t.Fatal(err)
		}
		if _, ok := c.lastRead(1); ok || c.status(1).PendingReads != 1 {
			t.Fatalf("read answered before any heartbeat round")
		}
		if n := c.count(msgFilter{from: 1, typ: MsgApp, heartbeat: 1}); n != tt.size-1 {
			t.Fatalf("%d heartbeats for the read, want %d", n, tt.size-1)
		}
		// A write after the read does not change its index.
		c.mustPropose(1, "y")
		c.hold(msgFilter{typ: MsgAppResp, heartbeat: -1})
		for _, id := range tt.answers {
			c.deliver(msgFilter{to: id, heartbeat: 1})
			c.deliver(msgFilter{from: id, heartbeat: 1})
		}
		rs, ok := c.lastRead(1)
		if ok != tt.want || (ok && (rs != ReadState{ID: 7, Index: commit})) {
			t.Fatalf("%d nodes, answers from %v: read %+v (answered %v), want answered %v at %d", tt.size, tt.answers, rs, ok, tt.want, commit)
		}
	}
}

// Raft dissertation §6.4.1: "the leader would use the normal heartbeat
// mechanism to maintain a lease ... it would then respond to read-only
// queries for the duration of the lease without communicating with any
// other servers." Once the lease has run out without a quorum answering,
// a lease read is refused.
func TestReadIndexLease(t *testing.T) {
	c := replicating(t, 3, func(cfg *Config) { cfg.ReadOnly = ReadLeaseBased })
	commit := c.status(1).CommitIndex
	if err := c.readIndex(1, 7); err != nil {
		t.Fatal(err)
	}
	if rs, ok := c.lastRead(1); !ok || rs != (ReadState{ID: 7, Index: commit}) || len(c.queue) != 0 {
		t.Fatalf("lease read: %+v (answered %v) with %d messages sent, want answered at once at %d", rs, ok, len(c.queue), commit)
	}
	c.isolate(1)
	lease := c.node(1).cfg.ElectionTimeout * 9 / 10
	c.advance(lease - 1)
	if err := c.readIndex(1, 8); err != nil {
		t.Fatalf("read just inside the lease: %v", err)
	}
	c.advance(1)
	if err := c.readIndex(1, 9); !errors.Is(err, ErrLeaseExpired) {
		t.Fatalf("read after the lease = %v, want ErrLeaseExpired", err)
	}
	if rs, _ := c.lastRead(1); rs.ID != 8 {
		t.Fatalf("last read state %+v, want read 8", rs)
	}
	// Heartbeats answered again renew it.
	c.heal()
	c.tick(1)
	c.deliverAll()
	if err := c.readIndex(1, 10); err != nil {
		t.Fatalf("read after the lease was renewed: %v", err)
	}
}

// Raft dissertation §6.4: "If the leader has not yet marked an entry from
// its current term committed, it waits until it has done so."
func TestReadIndexNotReady(t *testing.T) {
	for _, mode := range []ReadOnlyOption{ReadSafe, ReadLeaseBased} {
		c := newCluster(t, 3, func(cfg *Config) { cfg.ReadOnly = mode })
		c.hold(msgFilter{typ: MsgApp})
		c.elect(1)
		if err := c.readIndex(1, 1); !errors.Is(err, ErrNotReady) {
			t.Fatalf("mode %d: read before the term's entry commits = %v, want ErrNotReady", mode, err)
		}
		c.release(msgFilter{})
		c.deliverAll()
		if err := c.readIndex(1, 2); err != nil {
			t.Fatalf("mode %d: read after the commit = %v", mode, err)
		}
	}
}

// A follower forwards ReadIndex to the leader and hands the leader's
// answer to its application (dissertation §6.4: "followers ... could
// [serve reads] by asking the leader for the current readIndex").
func TestReadIndexForwarded(t *testing.T) {
	for _, mode := range []ReadOnlyOption{ReadSafe, ReadLeaseBased} {
		c := replicating(t, 3, func(cfg *Config) { cfg.ReadOnly = mode })
		commit := c.status(1).CommitIndex
		if err := c.readIndex(2, 5); err != nil {
			t.Fatal(err)
		}
		if n := c.count(msgFilter{from: 2, to: 1, typ: MsgReadIndex}); n != 1 {
			t.Fatalf("%d ReadIndex forwarded, want 1", n)
		}
		c.deliverAll()
		if rs, ok := c.lastRead(2); !ok || rs != (ReadState{ID: 5, Index: commit}) {
			t.Fatalf("mode %d: follower's read %+v (answered %v), want index %d", mode, rs, ok, commit)
		}
	}

	// With no leader known the call fails at once.
	c := newCluster(t, 3, nil)
	if err := c.readIndex(2, 5); !errors.Is(err, ErrNotLeader) {
		t.Fatalf("read with no leader = %v, want ErrNotLeader", err)
	}
}

// A leader that steps down refuses the reads it had not answered: it can
// no longer confirm them.
func TestReadIndexFailsOnStepDown(t *testing.T) {
	c := replicating(t, 3, nil)
	c.readIndex(1, 7)
	c.readIndex(2, 8)
	c.deliver(msgFilter{typ: MsgReadIndex})
	c.drop(msgFilter{})
	if c.status(1).PendingReads != 2 {
		t.Fatalf("%d reads pending, want 2", c.status(1).PendingReads)
	}
	// Node 3 moves to a later term and tells the leader.
	c.do(1, func(n *Node) error { return n.Step(c.now, Message{Type: MsgVoteResp, From: 3, To: 1, Term: 5}) })
	if rs, ok := c.lastRead(1); !ok || rs.ID != 7 || rs.Err == "" {
		t.Fatalf("leader's read %+v, want read 7 refused", rs)
	}
	c.deliverAll()
	if rs, ok := c.lastRead(2); !ok || rs.ID != 8 || rs.Err == "" {
		t.Fatalf("follower's read %+v, want read 8 refused", rs)
	}
}

// A leader that is a quorum by itself confirms its leadership without a
// heartbeat round; learners never count toward it (dissertation §4.2.1:
// non-voting members "are not considered for majorities"), so a down
// learner must not hold up reads.
func TestReadIndexSingleVoter(t *testing.T) {
	c := newCluster(t, 1, nil)
	c.elect(1)
	c.addNode(2, nil)
	if err := c.do(1, func(n *Node) error { return n.AddLearner(c.now, 2) }); err != nil {
		t.Fatal(err)
	}
	c.deliverAll()
	c.crash(2)
	if err := c.readIndex(1, 7); err != nil {
		t.Fatal(err)
	}
	rs, ok := c.lastRead(1)
	if want := (ReadState{ID: 7, Index: c.status(1).CommitIndex}); !ok || rs != want || c.status(1).PendingReads != 0 {
		t.Fatalf("read %+v (answered %v, %d pending), want %+v at once", rs, ok, c.status(1).PendingReads, want)
	}
}
