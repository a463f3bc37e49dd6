package raft

import (
	"errors"
	"strings"
	"testing"
	"time"
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

// Raft dissertation §6.4.1: the lease rests on followers that "would not
// grant votes" for an election timeout after they heard the leader. A
// follower's promise covers every way a vote could reach it: a pre-vote, a
// higher-term vote with pre-vote off (issue 7 a: etcd's check-quorum
// ignores it likewise), and the restart that wiped the promise from memory
// (issue 7 b). The transfer's vote (dissertation §3.10) is the exception,
// until the follower handled a request the leader sent after TimeoutNow
// (issue 7 c).
func TestFollowerPromise(t *testing.T) {
	tests := []struct {
		name    string
		prevote bool
		m       Message // from node 3 to node 2, a follower of node 1 in term 1
		later   bool    // node 2 handled a request node 1 sent after m.SentAt
		restart bool    // node 2 restarted just now
		wait    bool    // an election timeout has passed since
		want    bool    // granted
	}{
		{name: "pre-vote", prevote: true, m: Message{Type: MsgPreVote}},
		{name: "pre-vote later", prevote: true, m: Message{Type: MsgPreVote}, wait: true, want: true},
		// With pre-vote off a node keeps no promise against a vote
		// request (Step): classic Raft, and no lease reads (validate).
		{name: "vote, pre-vote off", m: Message{Type: MsgVote}, want: true},
		{name: "vote", prevote: true, m: Message{Type: MsgVote}},
		{name: "vote later", prevote: true, m: Message{Type: MsgVote}, wait: true, want: true},
		{name: "vote after restart", prevote: true, m: Message{Type: MsgVote}, restart: true},
		{name: "vote after restart, later", prevote: true, m: Message{Type: MsgVote}, restart: true, wait: true, want: true},
		{name: "pre-vote after restart", prevote: true, m: Message{Type: MsgPreVote}, restart: true},
		{name: "transfer", prevote: true, m: Message{Type: MsgVote, TransferFrom: 1}, want: true},
		{name: "transfer, later request seen", prevote: true, m: Message{Type: MsgVote, TransferFrom: 1}, later: true},
		{name: "transfer of another leader", prevote: true, m: Message{Type: MsgVote, TransferFrom: 3}},
		{name: "transfer after restart", prevote: true, m: Message{Type: MsgVote, TransferFrom: 1}, restart: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCluster(t, 3, func(cfg *Config) { cfg.DisablePreVote = !tt.prevote })
			c.elect(1)
			c.deliverAll()
			if tt.restart {
				c.restart(2)
			}
			c.drop(msgFilter{})
			// Node 1 sends TimeoutNow at c.now; node 2 handles a heartbeat
			// sent then, or just after.
			sent := c.now
			if tt.later {
				sent++
			}
			c.do(2, func(n *Node) error {
				return n.Step(c.now, Message{Type: MsgApp, From: 1, To: 2, Term: 1, Heartbeat: true, SentAt: sent})
			})
			c.drop(msgFilter{})
			if tt.wait {
				c.advance(c.node(2).cfg.ElectionTimeout)
			}
			m := tt.m
			m.From, m.To, m.Term = 3, 2, 2
			if m.TransferFrom != None {
				m.SentAt = c.now
			}
			m.Index, m.LogTerm = c.node(2).LastIndex(), 1
			c.do(2, func(n *Node) error { return n.Step(c.now, m) })
			resp := c.take(msgFilter{from: 2, typ: m.Type.Response()})
			if len(resp) != 1 || resp[0].Success != tt.want {
				t.Fatalf("%s: answered %v, want granted=%v", m, resp, tt.want)
			}
			if st := c.status(2); !tt.want && m.Type == MsgVote && st.Term != 1 {
				t.Fatalf("refused vote moved node 2 to term %d, want 1", st.Term)
			}
		})
	}
}

// The lease counts a peer only for answers to requests sent after t
// (lease.go). A new leader has heard nothing yet: SOFAJRaft stamps a new
// replicator with the current time, which would count every peer at once.
// And after TimeoutNow only answers to later requests count (issue 7 c).
func TestLeaseCountsAnswersOnly(t *testing.T) {
	c := newCluster(t, 3, func(cfg *Config) { cfg.ReadOnly = ReadLeaseBased })
	c.campaign(1)
	c.deliver(msgFilter{typ: MsgPreVote})
	c.deliver(msgFilter{typ: MsgPreVoteResp})
	c.deliver(msgFilter{typ: MsgVote})
	c.deliver(msgFilter{typ: MsgVoteResp})
	n := c.node(1)
	if n.Role() != Leader || n.leaseValid(c.now) {
		t.Fatalf("%s with lease %v before any peer answered, want a leader without one", n.Role(), n.leaseValid(c.now))
	}
	c.advance(time.Millisecond)
	c.tick(1)
	c.deliverAll()
	if !n.leaseValid(c.now) {
		t.Fatalf("no lease after every peer answered")
	}
	c.hold(msgFilter{typ: MsgTimeoutNow})
	if err := c.do(1, func(n *Node) error { return n.TransferLeadership(c.now, 2) }); err != nil {
		t.Fatal(err)
	}
	if c.count(msgFilter{typ: MsgTimeoutNow}) != 1 || n.leaseValid(c.now) {
		t.Fatalf("lease %v with TimeoutNow just sent, want none", n.leaseValid(c.now))
	}
	// The transfer gives up with its TimeoutNow still on the wire; the
	// heartbeats answered since were sent after it, so the lease is back
	// (lease-transfer.txt shows a read refused in between).
	for n.transferee != None {
		c.advance(n.cfg.HeartbeatInterval)
		c.tick(1)
		c.deliverAll()
	}
	if n.Role() != Leader || !n.leaseValid(c.now) {
		t.Fatalf("%s with lease %v after the transfer gave up, want a leader with one", n.Role(), n.leaseValid(c.now))
	}
}

// Issue 7 (a): without pre-vote a vote request of a higher term deposes a
// leader whatever its lease (classic Raft, §5.1, which Step keeps with
// pre-vote off), so a lease read could return stale data: the config is
// refused, naming both settings.
func TestLeaseReadsNeedPreVote(t *testing.T) {
	cfg := DefaultConfig(1, []NodeID{1, 2, 3})
	cfg.ReadOnly, cfg.DisablePreVote = ReadLeaseBased, true
	_, err := NewNode(0, cfg, DurableState{})
	if err == nil || !strings.Contains(err.Error(), "ReadLeaseBased") || !strings.Contains(err.Error(), "DisablePreVote") {
		t.Fatalf("NewNode with lease reads and pre-vote off: %v, want an error naming ReadLeaseBased and DisablePreVote", err)
	}
	cfg.DisablePreVote = false
	if _, err := NewNode(0, cfg, DurableState{}); err != nil {
		t.Fatalf("NewNode with lease reads and pre-vote on: %v", err)
	}
}
