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
		n.sendTimeoutNow(now, r)
		return nil
	}
	// Wait until the target has everything (seed §5.6).
	r.timeoutNowIndex = n.log.lastIndex()
	n.sendEntries(now, r)
	return nil
}

// sendTimeoutNow tells r's peer to start an election now. From here on the
// lease counts only answers to requests sent later (lease.go), and that
// holds after the transfer gives up too: the TimeoutNow may arrive at any
// time, and its target may still win with it until the target, or every
// follower of some quorum, has handled a later request of this leader.
// No time bound (such as sent + ElectionTimeout) would do without a bound
// on message delay, which the lease otherwise does not need.
func (n *Node) sendTimeoutNow(now time.Duration, r *replicator) {
	r.timeoutNowIndex = 0
	n.timeoutNowSent = now
	n.send(&Message{Type: MsgTimeoutNow, To: r.peer, SentAt: now})
}

// timeoutNowOut reports whether this transfer's TimeoutNow has gone out.
// Until the transfer ends the leader then sends no heartbeat and no probe:
// a follower that handled one would refuse the target's vote, to keep its
// promise to this leader (lease.go, transferAllowed), and one heartbeat
// overtaking the vote request would sink the transfer. The leader takes no
// proposals meanwhile, so nothing waits for those messages; if the target
// never wins, the transfer gives up at transferDue and heartbeats resume
// (or check-quorum, counting only answers to requests sent after the
// TimeoutNow, steps this leader down first and an election follows).
func (n *Node) timeoutNowOut() bool {
	return n.transferee != None && n.timeoutNowSent > 0 &&
		n.timeoutNowSent >= n.transferDue-n.cfg.ElectionTimeout
}

// stopTransfer gives up a transfer that did not finish in time.
func (n *Node) stopTransfer() {
	if r := n.replicator(n.transferee); r != nil {
		r.timeoutNowIndex = 0
	}
	n.transferee, n.transferDue = None, 0
}

// handleTimeoutNow: the leader asks this node to start an election now,
// skipping pre-vote. Refused by a node that restarted within the election
// timeout or has handled a later request of that leader (lease.go): the
// transfer it belonged to may have given up and the leader's lease resumed.
func (n *Node) handleTimeoutNow(now time.Duration, m Message) {
	ok := n.conf.IsVoter(n.id) && n.transferAllowed(now, m.From, m.SentAt)
	n.send(&Message{Type: MsgTimeoutNowResp, To: m.From, Success: ok, Call: m.Call})
	if ok {
		n.electSelf(now, &m)
	}
}
