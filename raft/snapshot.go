package raft

import (
	"fmt"
	"time"
)

// This file is the snapshot executor: compaction driven by the application,
// InstallSnapshot on the leader's and the follower's side.

// Compact records that the application took a snapshot of its state at
// index (which it has applied) and drops the log up to it. The snapshot is
// persisted through the next Ready.
func (n *Node) Compact(now time.Duration, index uint64, data []byte) error {
	switch {
	case index > n.applied:
		return fmt.Errorf("raft: cannot compact at %d, only %d is applied", index, n.applied)
	case index <= n.log.snapIndex:
		return fmt.Errorf("raft: cannot compact at %d, the log is already compacted to %d", index, n.log.snapIndex)
	}
	conf, _ := n.confAt(index)
	snap := &Snapshot{Index: index, Term: n.log.term(index), Conf: conf, Data: data}
	n.log.compactPrefix(index, snap.Term)
	n.snapshot = snap
	n.snapshotToPersist = snap
	return nil
}

// sendSnapshot sends the latest snapshot to a follower that needs
// compacted entries.
func (n *Node) sendSnapshot(now time.Duration, r *replicator) {
	r.setState(StateSnapshot)
	if len(r.inflights) > 0 || r.blockedUntil != 0 || n.snapshot == nil {
		return
	}
	m := Message{Type: MsgSnap, To: r.peer, Index: n.snapshot.Index, LogTerm: n.snapshot.Term, Snapshot: n.snapshot, Commit: n.commitIndex}
	m.Seq, m.Version, m.SentAt = r.seq, r.version, now
	r.seq++
	r.addInflight(Inflight{Type: RequestSnapshot, StartIndex: n.snapshot.Index + 1, Bytes: len(n.snapshot.Data), Seq: m.Seq, Sent: now})
	n.send(&m)
}

// onInstallSnapshotReturned handles an InstallSnapshot response in its turn.
func (n *Node) onInstallSnapshotReturned(now time.Duration, r *replicator, in Inflight, m *Message, failed bool) bool {
	if failed {
		r.consecutiveErrors++
		r.resetInflights()
		r.block(now + n.cfg.HeartbeatInterval)
		return false
	}
	r.consecutiveErrors = 0
	if !m.Success && m.Term > n.term {
		n.staleLeader(now, r, m.Term)
		return false
	}
	// Installed, or refused as stale (the follower already has that
	// prefix committed): either way it holds everything up to the snapshot.
	r.resetInflights()
	r.nextIndex = in.StartIndex
	r.matchIndex = in.StartIndex - 1
	if m.Success {
		r.setState(StateReplicate)
		r.hasSucceeded = true
		return true
	}
	r.setState(StateProbe)
	n.sendProbe(now, r)
	return false
}

// handleInstallSnapshot is the follower's side of InstallSnapshot.
func (n *Node) handleInstallSnapshot(now time.Duration, m Message) {
	resp := replyTo(&m)
	if !n.acceptLeader(now, m.From, m.SentAt) {
		resp.LastLogIndex = n.log.lastIndex()
		n.send(&resp)
		return
	}
	s := m.Snapshot
	if s == nil || s.Index <= n.commitIndex {
		// Stale: this node has committed at least as much.
		resp.LastLogIndex = n.log.lastIndex()
		n.send(&resp)
		return
	}
	if n.log.term(s.Index) == s.Term {
		// The log already holds the snapshot's last entry: keep what follows.
		n.log.compactPrefix(s.Index, s.Term)
	} else {
		n.log.reset(s.Index, s.Term)
	}
	n.snapshot = s
	n.snapshotToPersist = s
	n.pendingRestore = s
	n.commitIndex = s.Index
	n.applied = s.Index
	n.refreshConf()
	resp.Success = true
	resp.LastLogIndex = n.log.lastIndex()
	n.send(&resp)
}

// compactPrefix drops entries up to index (whose term is term) into the
// snapshot boundary.
func (l *logManager) compactPrefix(index, term uint64) {
	if index <= l.snapIndex {
		return
	}
	if index > l.lastIndex() {
		l.reset(index, term)
		return
	}
	// Chunks wholly before index are let go; the rest, shared with
	// messages in flight and clones, are kept as they are.
	l.entries.DropFront(int(index - l.snapIndex))
	l.snapIndex, l.snapTerm = index, term
	l.setTail()
	l.stable = max(l.stable, index)
	if l.unstableFrom != 0 && l.unstableFrom <= index {
		l.unstableFrom = index + 1
	}
}

// reset empties the log; it now starts after (index, term).
func (l *logManager) reset(index, term uint64) {
	l.entries.Truncate(0)
	l.snapIndex, l.snapTerm = index, term
	l.setTail()
	l.stable = index
	// Whatever the disk holds after the snapshot must go.
	l.unstableFrom = index + 1
}
