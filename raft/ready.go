package raft

import "time"

// Ready is what a node asks its caller to do, in this order:
//  1. persist HardState (if non-nil) and the log change (drop durable
//     entries from LogFrom on, then write Entries);
//  2. only then send Messages;
//  3. apply Committed to the state machine, in order;
//  4. call Advance.
type Ready struct {
	// HardState is the term and vote to persist, or nil if unchanged.
	HardState *HardState
	// Snapshot, when non-nil, becomes the durable snapshot: durable entries
	// it covers are dropped (all of them unless the entry at its index has
	// its term). Written before the log change below.
	Snapshot *Snapshot
	// LogFrom, when non-zero, is the first log index that changed: the
	// durable log keeps only entries below it, then Entries follow.
	LogFrom uint64
	// Entries to write at LogFrom (may be empty when the log only shrank).
	Entries []Entry
	// Messages to send once the above is durable. The slice is the node's
	// own buffer, reused by the next call to Ready: send (or copy) its
	// messages before then.
	Messages []Message
	// RestoreSnapshot, when non-nil, replaces the state machine's state
	// before Committed is applied.
	RestoreSnapshot *Snapshot
	// Committed entries to apply, in index order. Only durable entries are
	// handed out.
	Committed []Entry
	// ReadStates answer ReadIndex calls.
	ReadStates []ReadState
	// Deadline is when Tick is next due, as of this Ready. Advance can
	// move it (a leader's own acknowledgement there can commit entries, a
	// configuration change among them): a loop that has called Advance asks
	// n.Deadline(), as doc.go's loop does.
	Deadline time.Duration
}

// MustSync reports whether the Ready has anything to persist.
func (rd *Ready) MustSync() bool { return rd.HardState != nil || rd.Snapshot != nil || rd.LogFrom != 0 }

// HasReady reports whether Ready would return anything to do.
func (n *Node) HasReady() bool {
	return len(n.msgs) > 0 || len(n.readStates) > 0 || n.log.unstableFrom != 0 || n.snapshotToPersist != nil || n.pendingRestore != nil ||
		(HardState{n.term, n.vote}) != n.hardStateSent ||
		n.applied < n.applyTo()
}

// applyTo is how far entries may be handed out for application: committed
// and durable.
func (n *Node) applyTo() uint64 {
	if canary(CanaryApplyBeforeCommit) {
		return n.log.stable // planted bug: apply whatever is durable
	}
	return min(n.commitIndex, n.log.stable)
}

// Ready takes the node's pending effects. The caller must carry them out in
// the order Ready's documentation gives, then call Advance.
func (n *Node) Ready() Ready {
	rd := Ready{Messages: n.msgs, ReadStates: n.readStates, Deadline: n.Deadline()}
	// The two message buffers take turns: the one handed out now is
	// refilled after the next Ready, so steady traffic allocates nothing.
	// The spare buffer's old messages must not keep their entries and
	// snapshots alive; the rest of each is overwritten when reused, and
	// clearing whole messages (while the collector marks, every word
	// through the write barrier) cost more than two pointers each.
	for i := range n.msgsSpare {
		n.msgsSpare[i].dropRefs()
	}
	n.msgs, n.msgsSpare, n.readStates = n.msgsSpare[:0], n.msgs, nil
	if (HardState{n.term, n.vote}) != n.hardStateSent {
		// Only a changed HardState is moved to the heap.
		hs := HardState{n.term, n.vote}
		n.hardStateSent = hs
		if canary(CanaryNotDurable) {
			hs.Vote = None // planted bug: the vote never reaches the disk
		}
		rd.HardState = &hs
	}
	rd.Snapshot, n.snapshotToPersist = n.snapshotToPersist, nil
	rd.RestoreSnapshot, n.pendingRestore = n.pendingRestore, nil
	if n.log.unstableFrom != 0 {
		rd.LogFrom = n.log.unstableFrom
		rd.Entries = n.log.unstable()
		n.log.unstableFrom = 0
		n.readyLast, n.readyLastTerm = n.log.lastIndex(), n.log.lastTerm()
		if canary(CanaryNotDurable) {
			rd.LogFrom, rd.Entries = 0, nil // planted bug: nor do the entries
		}
	}
	if to := n.applyTo(); n.applied < to {
		rd.Committed = n.log.slice(n.applied+1, to)
		n.applied = to
	}
	return rd
}

// Advance tells the node that the last Ready was carried out: its entries
// are durable. A leader's own acknowledgement counts only from here.
func (n *Node) Advance(now time.Duration) {
	last := n.readyLast
	if last == 0 || last <= n.log.stable || n.log.term(last) != n.readyLastTerm {
		return
	}
	from := n.log.stable + 1
	n.log.stable = last
	if n.role == Leader {
		n.commitAt(now, from, last, n.id)
	}
}
