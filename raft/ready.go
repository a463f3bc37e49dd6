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
	// LogFrom, when non-zero, is the first log index that changed: the
	// durable log keeps only entries below it, then Entries follow.
	LogFrom uint64
	// Entries to write at LogFrom (may be empty when the log only shrank).
	Entries []Entry
	// Messages to send once the above is durable.
	Messages []Message
	// Committed entries to apply, in index order. Only durable entries are
	// handed out.
	Committed []Entry
	// Deadline is when Tick is next due.
	Deadline time.Duration
}

// MustSync reports whether the Ready has anything to persist.
func (rd *Ready) MustSync() bool { return rd.HardState != nil || rd.LogFrom != 0 }

// HasReady reports whether Ready would return anything to do.
func (n *Node) HasReady() bool {
	return len(n.msgs) > 0 || n.log.unstableFrom != 0 ||
		(HardState{n.term, n.vote}) != n.hardStateSent ||
		n.applied < min(n.commitIndex, n.log.stable)
}

// Ready takes the node's pending effects. The caller must carry them out in
// the order Ready's documentation gives, then call Advance.
func (n *Node) Ready() Ready {
	rd := Ready{Messages: n.msgs, Deadline: n.Deadline()}
	n.msgs = nil
	if hs := (HardState{n.term, n.vote}); hs != n.hardStateSent {
		rd.HardState = &hs
		n.hardStateSent = hs
	}
	if n.log.unstableFrom != 0 {
		rd.LogFrom = n.log.unstableFrom
		rd.Entries = n.log.unstable()
		n.log.unstableFrom = 0
		n.readyLast, n.readyLastTerm = n.log.lastIndex(), n.log.lastTerm()
	}
	if to := min(n.commitIndex, n.log.stable); n.applied < to {
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
	if n.role == Leader && n.ballots.commitAt(from, last, n.id) {
		n.commitIndex = n.ballots.lastCommittedIndex
		// Followers learn the new commit index with the next append or
		// heartbeat; send what is waiting now.
		for _, r := range n.replicators {
			n.sendEntries(now, r)
		}
	}
}
