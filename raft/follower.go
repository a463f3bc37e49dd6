package raft

import (
	"fmt"
	"time"
)

// This file is the follower side of AppendEntries (seed §6): accepting a
// leader, matching prevLogIndex/prevLogTerm, truncating a conflicting
// suffix and following the leader's commit index.

// acceptLeader is the common part of AppendEntries and InstallSnapshot in
// the current term: it records from as leader and refreshes the leader
// timestamp, renewing this node's promise to it (lease.go); sentAt is when
// the leader sent the request, by its clock. It returns false when another
// node already leads this term.
func (n *Node) acceptLeader(now time.Duration, from NodeID, sentAt time.Duration) bool {
	if n.leader != None && n.leader != from {
		// Two leaders in one term: as SOFAJRaft does, move to the next term
		// so that both step down and a fresh election settles it.
		n.becomeFollower(now, n.term+1, None)
		return false
	}
	if n.role != Follower || n.leader != from {
		n.becomeFollower(now, n.term, from)
	}
	n.promiseLeader(now, sentAt)
	n.resetElectionTimer(now)
	return true
}

// handleAppendEntries is the follower side of AppendEntries (seed §6).
//
// Its response is made in the outbox (reply) where it is sent, not before:
// accepting the leader may send other messages first.
func (n *Node) handleAppendEntries(now time.Duration, m *Message) error {
	if !n.acceptLeader(now, m.From, m.SentAt) {
		n.reply(m).LastLogIndex = n.log.lastIndex()
		return nil
	}
	prev, ents := m.Index, m.Entries
	if prev < n.log.snapIndex {
		// Entries up to the snapshot are committed here already.
		skip := min(uint64(len(ents)), n.log.snapIndex-prev)
		prev, ents = n.log.snapIndex, ents[skip:]
		if len(ents) > 0 {
			prev = ents[0].Index - 1
		}
	} else if prev > n.log.lastIndex() || n.log.term(prev) != m.LogTerm {
		resp := n.reply(m)
		resp.LastLogIndex = n.log.lastIndex()
		if prev <= n.log.lastIndex() {
			resp.LogTerm = n.log.term(prev)
			resp.RejectHint = prev
			for resp.RejectHint > n.log.firstIndex() && n.log.term(resp.RejectHint-1) == resp.LogTerm {
				resp.RejectHint--
			}
		}
		return nil
	}
	for i, e := range ents {
		if e.Index <= n.log.lastIndex() {
			if n.log.term(e.Index) == e.Term || canary(CanaryNoTruncate) {
				continue // already have it (or, planted bug: keep ours)
			}
			if e.Index <= n.commitIndex {
				// Only a leader that lost a committed entry can ask this;
				// refuse rather than lose it.
				n.reply(m).LastLogIndex = n.log.lastIndex()
				return fmt.Errorf("raft: node %d refused leader %d's entry %d/%d: it would overwrite committed entry %d/%d",
					n.id, m.From, e.Index, e.Term, e.Index, n.log.term(e.Index))
			}
			n.log.truncateSuffix(e.Index)
			if n.confIndex >= e.Index {
				n.refreshConf() // the configuration in force was cut off
			}
		}
		n.log.append(ents[i:]...)
		n.confFromEntries(ents[i:])
		break
	}
	lastNew := prev + uint64(len(ents))
	if c := min(m.Commit, lastNew); c > n.commitIndex {
		n.commitIndex = c
	}
	resp := n.reply(m)
	resp.Success = true
	resp.LastLogIndex = n.log.lastIndex()
	return nil
}
