package raft

import (
	"cmp"
	"slices"
	"time"
)

// This file is what a node does as it becomes and stays leader: the
// becomeLeader sequence (seed §1), its replicators, and appending its own
// entries. The step-down timer's quorum check is the lease's (lease.go).

// becomeLeader follows SOFAJRaft's NodeImpl.becomeLeader (seed §1).
func (n *Node) becomeLeader(now time.Duration) {
	n.role = Leader
	n.leader = n.id
	n.electedAt, n.timeoutNowSent = now, never
	n.electedBy = n.electedBy[:0:0]
	for id, granted := range n.votes {
		if granted {
			n.electedBy = append(n.electedBy, id)
		}
	}
	slices.Sort(n.electedBy)
	n.votes = nil
	n.dropReplicators()
	for _, p := range n.conf.Peers() {
		if p != n.id {
			n.addReplicator(now, p)
		}
	}
	// Only entries of this term get ballots; older ones commit with them.
	n.ballots.resetPendingIndex(n.log.lastIndex()+1, n.commitIndex)
	if canary(CanaryCommitOldTerm) {
		// Planted bug: ballots for the older entries too, counted like
		// any other (the paper's Figure 8).
		n.ballots.resetPendingIndex(n.commitIndex+1, n.commitIndex)
		for range n.log.lastIndex() - n.commitIndex {
			n.ballots.appendPending(&n.conf)
		}
		n.ballots.commitAt(n.commitIndex+1, n.log.stable, n.id)
	}
	// The configuration entry opens the term (jraft's confCtx.flush).
	conf := n.conf.Clone()
	if canary(CanaryCommitOldTerm) {
		// Planted bug, continued: no entry of its own opens the term.
		n.termStart = n.log.lastIndex() + 1
	} else {
		n.termStart = n.appendEntry(Entry{Type: EntryConfig, Conf: &conf})
	}
	if conf.Joint() {
		// A change was cut short by the old leader: finish it.
		stable := ConfigState{Voters: conf.Voters, Learners: conf.Learners}
		n.confCtx = confCtx{stage: ConfJoint, target: stable, index: n.termStart}
	}
	n.stepDownDue = now + n.cfg.ElectionTimeout/2
	for _, r := range n.replicators {
		n.sendEntries(now, r)
	}
}

// addReplicator starts a replicator: heartbeat timer, then a probe (seed §2).
func (n *Node) addReplicator(now time.Duration, peer NodeID) {
	r := newReplicator(peer, n.log.lastIndex()+1, n.replicatorVersion+1)
	r.heartbeatDue = now + n.cfg.HeartbeatInterval
	n.replicators = append(n.replicators, r)
	n.replicatorsChanged++
	slices.SortFunc(n.replicators, func(a, b *replicator) int { return cmp.Compare(a.peer, b.peer) })
	n.sendProbe(now, r)
}

func (n *Node) replicator(peer NodeID) *replicator {
	for _, r := range n.replicators {
		if r.peer == peer {
			return r
		}
	}
	return nil
}

func (n *Node) removeReplicator(peer NodeID) {
	n.replicators = slices.DeleteFunc(n.replicators, func(r *replicator) bool {
		if r.peer != peer {
			return false
		}
		n.retire(r)
		return true
	})
}

// dropReplicators removes every replicator, as a leader that steps down
// does.
func (n *Node) dropReplicators() {
	for _, r := range n.replicators {
		n.retire(r)
	}
	n.replicators = nil
}

// retire records that r is gone: its versions are never used again
// (Node.replicatorVersion).
func (n *Node) retire(r *replicator) {
	n.replicatorVersion = max(n.replicatorVersion, r.version)
	n.replicatorsChanged += r.changes + 1
}

// appendEntry appends one entry of the leader's term and opens its ballot.
func (n *Node) appendEntry(e Entry) uint64 {
	e.Index, e.Term = n.log.lastIndex()+1, n.term
	n.log.append(e)
	if e.Type == EntryConfig {
		// A configuration is used as soon as it is in the log, also to
		// decide its own entry: a joint entry needs both quorums.
		n.refreshConf()
	}
	n.ballots.appendPending(&n.conf)
	return e.Index
}

// Propose appends a command to the leader's log. It answers at once with the
// entry's index and term, or a *NotLeaderError.
func (n *Node) Propose(now time.Duration, data []byte) (index, term uint64, err error) {
	if n.role != Leader {
		return 0, 0, &NotLeaderError{Leader: n.leader}
	}
	if n.transferee != None {
		return 0, 0, ErrTransferring
	}
	// The log keeps its own copy: the caller may reuse data.
	index = n.appendEntry(Entry{Type: EntryNormal, Data: n.keep(data)})
	for _, r := range n.replicators {
		n.sendEntries(now, r)
	}
	return index, n.term, nil
}

// arenaChunk is the size of the chunks proposal data is copied into.
const arenaChunk = 64 << 10

// keep returns a copy of a proposal's data for the log. Small ones are
// copied into a shared chunk, so a proposal costs no allocation of its own;
// a chunk lives while any entry in it does. Each copy's capacity ends
// where it does, so no append can reach its neighbour.
func (n *Node) keep(data []byte) []byte {
	if len(data) == 0 || len(data) > arenaChunk/8 {
		return slices.Clone(data)
	}
	if cap(n.arena)-len(n.arena) < len(data) {
		n.arena = make([]byte, 0, arenaChunk)
	}
	start := len(n.arena)
	n.arena = append(n.arena, data...)
	return n.arena[start:len(n.arena):len(n.arena)]
}
