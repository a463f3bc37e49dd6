package raft

import "time"

// This file is the node's timers: Tick fires what is due, Deadline says
// when the next thing will be.

// Tick fires every timer that is due at now.
func (n *Node) Tick(now time.Duration) {
	if n.role != Leader {
		if now >= n.electionDue {
			if n.role == Candidate && !n.cfg.DisablePreVote {
				// The vote timer expired: step down and pre-vote again.
				n.role = Follower
			}
			n.campaign(now)
		}
		return
	}
	if now >= n.stepDownDue {
		if !n.checkQuorum(now) {
			n.becomeFollower(now, n.term, None)
			return
		}
		n.stepDownDue = now + n.cfg.ElectionTimeout/2
	}
	if n.transferee != None && now >= n.transferDue {
		n.stopTransfer()
	}
	if n.confCtx.stage == ConfCatchingUp {
		n.advanceConfChange(now)
	}
	n.expireRequests(now)
	hold := n.timeoutNowOut()
	for _, r := range n.replicators {
		if r.blockedUntil != 0 && now >= r.blockedUntil && !hold {
			r.block(0)
			n.sendProbe(now, r)
		}
		if now >= r.heartbeatDue {
			if !hold {
				n.sendHeartbeat(now, r)
			}
			r.heartbeatDue = now + n.cfg.HeartbeatInterval
		}
	}
}

// Deadline is the next time at which Tick has work to do.
func (n *Node) Deadline() time.Duration {
	if n.role != Leader {
		return n.electionDue
	}
	d := n.stepDownDue
	if n.transferee != None {
		d = min(d, n.transferDue)
	}
	if n.confCtx.stage == ConfCatchingUp {
		d = min(d, n.confCtx.deadline)
	}
	timeout := n.cfg.rpcTimeout()
	hold := n.timeoutNowOut() // a blocked replicator waits for the transfer's end (transferDue)
	for _, r := range n.replicators {
		d = min(d, r.heartbeatDue)
		if r.blockedUntil != 0 && !hold {
			d = min(d, r.blockedUntil)
		}
		if e := r.expiry(timeout); e != 0 {
			d = min(d, e)
		}
	}
	return d
}
