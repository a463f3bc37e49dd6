package raft

import (
	"fmt"
	"time"
)

// This file is leadership transfer: the leader stops taking proposals, lets
// the target catch up, then sends it TimeoutNow so it starts an election at
// once; it gives up after an election timeout.

// TransferLeadership hands leadership to peer, or to the most up-to-date
// voter when peer is None.
func (n *Node) TransferLeadership(now time.Duration, peer NodeID) error {
	// As in SOFAJRaft, the configuration context is busy until the term's
	// first entry commits, so a transfer waits for that too.
	if err := n.checkLeaderCanChange(); err != nil {
		return err
	}
	if peer == None {
		peer = n.mostUpToDate()
		if peer == None {
			return fmt.Errorf("raft: no other voter to transfer leadership to")
		}
	}
	if peer == n.id {
		return fmt.Errorf("raft: node %d already leads", peer)
	}
	r := n.replicator(peer)
	if r == nil || !n.conf.IsVoter(peer) {
		return fmt.Errorf("raft: node %d is not a voter", peer)
	}
	n.transferee = peer
	n.transferDue = now + n.cfg.ElectionTimeout
	if r.matchIndex >= n.log.lastIndex() {
		n.sendTimeoutNow(r)
		return nil
	}
	// Wait until the target has everything (seed §5.6).
	r.timeoutNowIndex = n.log.lastIndex()
	n.sendEntries(now, r)
	return nil
}

func (n *Node) sendTimeoutNow(r *replicator) {
	r.timeoutNowIndex = 0
	n.send(Message{Type: MsgTimeoutNow, To: r.peer})
}

// stopTransfer gives up a transfer that did not finish in time.
func (n *Node) stopTransfer() {
	if r := n.replicator(n.transferee); r != nil {
		r.timeoutNowIndex = 0
	}
	n.transferee, n.transferDue = None, 0
}

// handleTimeoutNow: the leader asks this node to start an election now,
// skipping pre-vote.
func (n *Node) handleTimeoutNow(now time.Duration, m Message) {
	n.send(Message{Type: MsgTimeoutNowResp, To: m.From, Success: n.conf.IsVoter(n.id), Call: m.Call})
	if n.conf.IsVoter(n.id) {
		n.electSelf(now)
	}
}
