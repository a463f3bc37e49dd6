package raft

import (
	"math"
	"time"
)

// This file is the leader's lease (Raft dissertation §6.4.1): the promise a
// follower makes when it hears a leader, and the rule by which the leader
// counts on it. Both the step-down timer (check-quorum) and lease-based
// reads rest on it, and nothing else decides who may vote when.
//
// The follower's promise. With pre-vote on, a node that handles a request
// of a leader at time c grants no vote and no pre-vote, in any term, before
// c + ElectionTimeout by its own clock (promiseUntil, refusesVote), and its
// election timer fires no earlier (resetElectionTimer). With pre-vote off a
// node keeps no promise against vote requests, as in the paper, and lease
// reads are refused (Config.validate). Two cases need more:
//
//   - Restart. The promise lives in memory, so a node restarted from a
//     durable state that has a term (it may have answered a leader) grants
//     nothing, not even to a transfer, for ElectionTimeout after NewNode:
//     that covers whatever it promised before it crashed (votesBarredUntil).
//   - Leadership transfer. The leader's TimeoutNow asks its target to start
//     an election at once, and the target's vote requests name it
//     (Message.TransferFrom) so that followers still hearing the leader grant
//     them. A TimeoutNow may arrive any time after it was sent, even after
//     the transfer gave up, and no bound on message delay is assumed; so a
//     follower lets a transfer break its promise only if it has handled no
//     request of that leader sent after the TimeoutNow (Node.leaderClock:
//     the leader's own clock, so no two clocks are compared). The target
//     applies the same test to the TimeoutNow itself (transferAllowed).
//
// The leader's side. A follower's arrival time c is no earlier than the
// send time the leader recorded, and a leader counts a peer only for
// answers to requests sent after its last TimeoutNow, so:
//
// Invariant: if a quorum of voters answered, in this term, requests this
// leader sent after t, and t is after the last TimeoutNow this leader sent,
// then no node wins an election in a higher term before t + ElectionTimeout
// by a follower's clock. (A winner needs votes from a quorum, which shares
// a voter with the answering quorum; that voter is bound by its promise
// until then, and the exceptions above do not apply to it: it has handled a
// request sent after any TimeoutNow, and if it restarted since, its restart
// barrier outlasts the promise.) An election in this same term is ruled
// out by election safety, so a read at the leader's commit index is
// linearizable until then.
//
// Clocks drift, so the leader trusts only a fraction of that (leaseNum/
// leaseDen): the rest is the margin for a follower's clock running fast.

// leaseNum/leaseDen is the part of ElectionTimeout a leader trusts its lease
// for: the rest is the margin for clock drift between leader and followers.
const leaseNum, leaseDen = 9, 10

// never is a time before any other: the send time of a replicator whose
// peer has answered nothing, and the leader clock of a follower that has
// handled no request of its leader yet.
const never = time.Duration(math.MinInt64)

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
// requests sent within the last ElectionTimeout*9/10 and after the last
// TimeoutNow this leader sent (see the invariant above).
func (n *Node) leaseValid(now time.Duration) bool {
	return n.quorumHeardSince(max(now-n.cfg.ElectionTimeout*leaseNum/leaseDen, n.timeoutNowSent))
}

// checkQuorum is the step-down timer's test: a quorum of voters answered
// requests sent within the last CheckQuorumWindow (by default two election
// timeouts). A leader that fails it steps down rather than lead a cluster
// that may have moved on. In its first window a leader has not had the
// whole window to hear a quorum and passes (its voters reset their
// election timers when they voted).
func (n *Node) checkQuorum(now time.Duration) bool {
	window := n.cfg.checkQuorumWindow()
	return now-n.electedAt < window || n.quorumHeardSince(now-window)
}

// promiseLeader records, on a follower, that it handles a request its
// leader sent at sentAt (by the leader's clock): the promise starts again.
func (n *Node) promiseLeader(now, sentAt time.Duration) {
	n.promiseUntil = now + n.cfg.ElectionTimeout
	n.leaderClock = max(n.leaderClock, sentAt)
}

// refusesVote reports whether this node's promises forbid it to grant m, a
// vote or pre-vote request. With pre-vote on this holds for a higher-term
// MsgVote too (as etcd does with check-quorum on): such a request neither
// makes the node grant nor step down (Step), since pre-vote alone does not
// stop a vote request delayed from an earlier pre-vote round, nor a
// transfer's. With pre-vote off a vote request is never refused here: a
// node whose term runs ahead (a removed server that never learned it and
// campaigns every timeout) could otherwise never be brought back, since
// nothing would raise the cluster's term to meet its own.
func (n *Node) refusesVote(now time.Duration, m Message) bool {
	switch {
	case m.Type == MsgVote && n.cfg.DisablePreVote:
		return false
	case m.Type == MsgVote && m.TransferFrom != None && n.transferAllowed(now, m.TransferFrom, m.SentAt):
		return false
	case now < n.votesBarredUntil:
		return true
	case n.role == Leader:
		return true
	}
	return now < n.promiseUntil
}

// transferAllowed reports whether a TimeoutNow that leader sent at sentAt
// may still start an election that breaks this node's promise to leader:
// this node has not restarted within the election timeout, and has handled
// no request of that leader sent after the TimeoutNow. A leader grants only
// its own transfer's votes.
func (n *Node) transferAllowed(now time.Duration, leader NodeID, sentAt time.Duration) bool {
	switch {
	case now < n.votesBarredUntil:
		return false
	case n.role == Leader:
		return leader == n.id
	}
	return leader == n.leader && sentAt >= n.leaderClock
}
