package raft

import (
	"errors"
	"testing"
)

// Raft dissertation §3.10, leadership transfer: "1. The prior leader stops
// accepting new client requests. 2. The prior leader fully updates the
// target server's log to match its own ... 3. The prior leader sends a
// TimeoutNow request to the target server. This request has the same
// effect as the target server's election timer firing". Seed §5.6: "if a
// leadership transfer waits for this peer (0 < timeoutNowIndex <
// nextIndex), send it TimeoutNow so it starts an election at once."
func TestTransferLeadership(t *testing.T) {
	tests := []struct {
		name string
		// lag: node 3 misses the last two entries before the transfer.
		lag    bool
		target NodeID
		// wantAtOnce: TimeoutNow leaves with the call.
		wantAtOnce bool
		want       NodeID
	}{
		{"to a caught-up peer", false, 2, true, 2},
		{"to a lagging peer, after it catches up", true, 3, false, 3},
		{"to the most up-to-date peer", true, None, true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := replicating(t, 3, nil)
			if tt.lag {
				c.hold(msgFilter{to: 3})
			}
			c.mustPropose(1, "a")
			c.mustPropose(1, "b")
			c.deliverAll()
			if err := c.do(1, func(n *Node) error { return n.TransferLeadership(c.now, tt.target) }); err != nil {
				t.Fatal(err)
			}
			s := c.status(1)
			if s.Transferee != tt.want || s.TransferDue != c.now+c.node(1).cfg.ElectionTimeout {
				t.Fatalf("transferee %d due %v, want %d due in an election timeout", s.Transferee, s.TransferDue, tt.want)
			}
			if got := c.count(msgFilter{from: 1, typ: MsgTimeoutNow}) == 1; got != tt.wantAtOnce {
				t.Fatalf("TimeoutNow sent at once: %v, want %v", got, tt.wantAtOnce)
			}
			if !tt.wantAtOnce {
				if r := c.replicator(1, tt.want); r.TimeoutNowIndex != s.LastIndex {
					t.Fatalf("timeoutNowIndex %d, want %d", r.TimeoutNowIndex, s.LastIndex)
				}
			}
			// 1. No proposals, reads or changes meanwhile.
			if _, _, err := c.propose(1, "c"); !errors.Is(err, ErrTransferring) {
				t.Fatalf("Propose during a transfer = %v, want ErrTransferring", err)
			}
			if err := c.do(1, func(n *Node) error { return n.ReadIndex(c.now, 1) }); !errors.Is(err, ErrTransferring) {
				t.Fatalf("ReadIndex during a transfer = %v, want ErrTransferring", err)
			}
			if err := c.do(1, func(n *Node) error { return n.TransferLeadership(c.now, 2) }); !errors.Is(err, ErrTransferring) {
				t.Fatalf("a second transfer = %v, want ErrTransferring", err)
			}
			c.release(msgFilter{})
			c.deliverAll()
			if c.leader() != tt.want || c.node(tt.want).Term() != 2 || c.node(1).Role() != Follower {
				t.Fatalf("leader %d in term %d, want %d in term 2", c.leader(), c.node(c.leader()).Term(), tt.want)
			}
			// The new leader has everything the old one had.
			if c.node(tt.want).LastIndex() != s.LastIndex+1 {
				t.Fatalf("new leader's log ends at %d, want %d plus its config entry", c.node(tt.want).LastIndex(), s.LastIndex)
			}
		})
	}
}

// Raft dissertation §3.10: "If the transfer does not complete within
// about an election timeout, the prior leader aborts the transfer and
// resumes accepting client requests."
func TestTransferGivesUp(t *testing.T) {
	c := replicating(t, 3, nil)
	c.isolate(3)
	c.mustPropose(1, "a")
	c.deliverAll()
	if err := c.do(1, func(n *Node) error { return n.TransferLeadership(c.now, 3) }); err != nil {
		t.Fatal(err)
	}
	due := c.status(1).TransferDue
	hb := c.node(1).cfg.HeartbeatInterval
	for c.now+hb < due {
		c.advance(hb)
		c.tick(1)
		c.deliverAll()
		if c.status(1).Transferee != 3 {
			t.Fatalf("transfer given up at %v, before %v", c.now, due)
		}
	}
	c.advance(due - c.now)
	c.tick(1)
	s := c.status(1)
	if s.Role != Leader || s.Transferee != None || c.replicator(1, 3).TimeoutNowIndex != 0 {
		t.Fatalf("after the transfer timed out: %s, transferee %d", s.Role, s.Transferee)
	}
	if _, _, err := c.propose(1, "b"); err != nil {
		t.Fatalf("Propose after the transfer gave up = %v", err)
	}
	if c.count(msgFilter{typ: MsgTimeoutNow}) != 0 {
		t.Fatal("TimeoutNow sent after the transfer gave up")
	}
}

// TransferLeadership refuses what it cannot do.
func TestTransferRefused(t *testing.T) {
	c := replicating(t, 3, nil)
	c.addNode(4, nil)
	c.do(1, func(n *Node) error { return n.AddLearner(c.now, 4) })
	c.deliverAll()
	for _, tt := range []struct {
		on, to NodeID
		want   error
	}{
		{2, 3, ErrNotLeader},
		{1, 1, nil}, // an error, not a sentinel
		{1, 4, nil}, // a learner
		{1, 9, nil}, // not in the configuration
	} {
		err := c.do(tt.on, func(n *Node) error { return n.TransferLeadership(c.now, tt.to) })
		if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
			t.Errorf("TransferLeadership(%d) on %d = %v, want an error (%v)", tt.to, tt.on, err, tt.want)
		}
	}
	if c.status(1).Transferee != None {
		t.Fatal("a refused transfer left a transferee")
	}
}
