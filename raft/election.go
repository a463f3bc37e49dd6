package raft

import "time"

// This file is leader election (§5.2): the election timer, pre-vote (§9.6
// of the thesis), votes, and stepping down to follower.

// resetElectionTimer arms the election timer at a random time in
// [ElectionTimeout, ElectionTimeoutMax) from now, or exactly ElectionTimeout
// when the two are equal (no draw is made then: a fixed timeout has no
// randomness to spend).
func (n *Node) resetElectionTimer(now time.Duration) {
	lo, hi := n.cfg.ElectionTimeout, n.cfg.electionTimeoutMax()
	n.electionArmed = now
	n.electionDue = now + lo
	if hi > lo {
		n.electionDue += time.Duration(n.rng.Int64N(int64(hi - lo)))
	}
}

// becomeFollower moves to term as a follower of leader (None if unknown).
func (n *Node) becomeFollower(now time.Duration, term uint64, leader NodeID) {
	if term > n.term || leader != n.leader {
		// Another leader's clock: what the old one sent says nothing.
		n.leaderClock = never
	}
	if term > n.term {
		n.term, n.vote = term, None
	}
	if n.role == Leader {
		n.failReads()
		n.confCtx = confCtx{}
		n.transferee, n.transferDue = None, 0
	}
	n.role = Follower
	n.leader = leader
	n.votes = nil
	n.dropReplicators()
	n.ballots.clear()
	n.resetElectionTimer(now)
}

// campaign starts an election: a pre-vote round unless disabled.
func (n *Node) campaign(now time.Duration) {
	if !n.conf.IsVoter(n.id) {
		n.resetElectionTimer(now)
		return
	}
	if n.cfg.DisablePreVote {
		n.electSelf(now, nil)
		return
	}
	n.role = PreCandidate
	n.leader = None
	n.votes = map[NodeID]bool{n.id: true}
	n.resetElectionTimer(now)
	if n.electionWon() {
		n.electSelf(now, nil)
		return
	}
	n.requestVotes(Message{Type: MsgPreVote, Term: n.term + 1})
}

// electSelf increments the term, votes for itself and asks for votes. The
// new term and vote are in the next Ready and must be durable before the
// requests leave. timeoutNow is the leader's TimeoutNow that started this
// campaign, or nil: the vote requests then name that leader and the
// TimeoutNow's send time, so that its followers may grant them (lease.go).
func (n *Node) electSelf(now time.Duration, timeoutNow *Message) {
	n.role = Candidate
	n.term++
	n.vote = n.id
	n.leader = None
	n.votes = map[NodeID]bool{n.id: true}
	n.resetElectionTimer(now) // the vote timer
	if n.electionWon() {
		n.becomeLeader(now)
		return
	}
	req := Message{Type: MsgVote, Term: n.term}
	if timeoutNow != nil {
		req.TransferFrom, req.SentAt = timeoutNow.From, timeoutNow.SentAt
	}
	n.requestVotes(req)
}

// requestVotes sends req, a vote or pre-vote request, to every other voter
// with this node's last log index and term.
func (n *Node) requestVotes(req Message) {
	req.Index, req.LogTerm = n.log.lastIndex(), n.log.lastTerm()
	for _, p := range n.conf.Peers() {
		if p == n.id || !n.conf.IsVoter(p) {
			continue
		}
		req.To = p
		n.send(&req)
	}
}

// electionWon reports whether the granted votes form a quorum of the
// configuration (of both halves during a joint change).
func (n *Node) electionWon() bool {
	b := newBallot(0, &n.conf)
	for id, ok := range n.votes {
		if ok {
			b.grant(id)
		}
	}
	return b.isGranted()
}

// handlePreVote answers a pre-vote: granted when a real vote could be, and
// this node heard no leader within the election timeout (lease.go), so a
// pre-candidate cannot disturb a leader that still has a quorum.
func (n *Node) handlePreVote(now time.Duration, m Message) {
	grant := m.Term > n.term && !n.refusesVote(now, m) && n.log.isUpToDate(m.LogTerm, m.Index)
	resp := Message{Type: MsgPreVoteResp, To: m.From, Success: grant, Call: m.Call}
	if grant {
		resp.Term = m.Term
	}
	n.send(&resp)
}

// handleVote answers a vote request that refusesVote let through (Step).
func (n *Node) handleVote(now time.Duration, m Message) {
	// The term check already moved us to m.Term when it was higher.
	grant := (n.vote == None || n.vote == m.From || canary(CanaryVoteTwice)) &&
		(n.log.isUpToDate(m.LogTerm, m.Index) || canary(CanaryVoteStaleLog))
	if grant {
		n.vote = m.From
		n.resetElectionTimer(now)
	}
	n.send(&Message{Type: MsgVoteResp, To: m.From, Success: grant, Call: m.Call})
}

func (n *Node) handleVoteResp(now time.Duration, m Message) {
	switch {
	case m.Type == MsgPreVoteResp && n.role == PreCandidate && m.Term == n.term+1:
	case m.Type == MsgVoteResp && n.role == Candidate && m.Term == n.term:
	default:
		return
	}
	n.votes[m.From] = m.Success
	if !n.electionWon() {
		return
	}
	if n.role == PreCandidate {
		n.electSelf(now, nil)
	} else {
		n.becomeLeader(now)
	}
}
