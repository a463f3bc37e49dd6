package raft

import "time"

// This file is the leader's lease, the one rule that both the step-down
// timer (check-quorum) and lease-based reads rest on.
//
// A follower that answers a request of this leader reset its election
// timer when the request arrived, so it neither starts an election nor
// grants a vote for ElectionTimeout after that. The arrival is no earlier
// than the send time the leader recorded, so:
//
// Invariant: if a quorum of voters answered, in this term, requests this
// leader sent after t, then no other node can win an election before
// t + ElectionTimeout by a follower's clock.
//
// Clocks drift, so the leader trusts only a fraction of that (leaseFraction).

// leaseNum/leaseDen is the part of ElectionTimeout a leader trusts its lease
// for: the rest is the margin for clock drift between leader and followers.
const leaseNum, leaseDen = 9, 10

// quorumHeardSince reports whether a quorum of voters (this node included)
// answered requests sent after t.
func (n *Node) quorumHeardSince(t time.Duration) bool {
	b := newBallot(0, &n.conf)
	b.grant(n.id)
	for _, r := range n.replicators {
		if r.lastRPCSend > t {
			b.grant(r.peer)
		}
	}
	return b.isGranted()
}

// leaseValid reports whether the lease holds at now: a quorum answered
// requests sent within the last ElectionTimeout*9/10.
func (n *Node) leaseValid(now time.Duration) bool {
	return n.quorumHeardSince(now - n.cfg.ElectionTimeout*leaseNum/leaseDen)
}

// checkQuorum is the step-down timer's test: a quorum of voters answered
// requests sent within the last CheckQuorumWindow (by default two election
// timeouts). A leader that fails it steps down rather than lead a cluster
// that may have moved on.
func (n *Node) checkQuorum(now time.Duration) bool {
	return n.quorumHeardSince(now - n.cfg.checkQuorumWindow())
}
