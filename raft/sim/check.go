package sim

import (
	"bytes"
	"fmt"
	"math/bits"
	"slices"
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/internal/chunk"
)

// Violation is a broken safety property. It stops the run.
type Violation struct {
	Seed  uint64
	Event uint64 // trace event number at which it was found
	At    time.Duration
	// Property is the name of the broken property, e.g. "election safety".
	Property string
	// Check names the checker that found it, one of the Check* constants
	// (several checkers may guard one property).
	Check string
	// Detail explains what was seen.
	Detail string
}

func (v *Violation) Error() string {
	return fmt.Sprintf("safety violation: %s at %v (seed %d, event %d): %s", v.Property, v.At, v.Seed, v.Event, v.Detail)
}

// The checkers, as Violation.Check names them. The first five are the
// properties of the Raft paper's Figure 3.
const (
	// CheckElectionSafety: at most one leader per term (§5.2).
	CheckElectionSafety = "election-safety"
	// CheckLeaderAppendOnly: a leader never overwrites or deletes entries
	// of its own log (§5.3).
	CheckLeaderAppendOnly = "leader-append-only"
	// CheckLogMatching: two log entries with the same index and term hold
	// the same command and follow identical prefixes (§5.3).
	CheckLogMatching = "log-matching"
	// CheckLeaderCompleteness: a leader holds every committed entry (§5.4).
	CheckLeaderCompleteness = "leader-completeness"
	// CheckStateMachineSafety: no two nodes commit or apply different
	// entries at one index (§5.4.3).
	CheckStateMachineSafety = "state-machine-safety"
	// CheckCommitMonotonic: a node's commit index never moves back while
	// it runs.
	CheckCommitMonotonic = "commit-monotonic"
	// CheckAppliedMonotonic: a node applies index after index, never one
	// twice or out of order (a snapshot restore may jump).
	CheckAppliedMonotonic = "applied-monotonic"
	// CheckSnapshotDigest: every state machine image at one index is the
	// same, whichever node made or installed it.
	CheckSnapshotDigest = "snapshot-digest"
	// CheckNoPanic: the core never panics.
	CheckNoPanic = "no-panic"
	// CheckSnapshotRestore: every snapshot a node is handed restores.
	CheckSnapshotRestore = "snapshot-restore"
	// CheckReadIndex: a client read answered with read index I was issued
	// when no node knew an index past I committed (§6.4; see readIndex).
	CheckReadIndex = "read-index"
)

// checker watches the nodes from outside, through their public API, and
// compares them with one canonical history of committed entries and one
// canonical record of every uncommitted entry any log has held.
type checker struct {
	// leaders maps each term to the node that led in it (election safety).
	leaders map[uint64]raft.NodeID
	// committed is the canonical committed log: element i-1 has index i
	// (see committedAt). In chunks, so that checkpoints share it.
	committed chunk.Seq[raft.Entry]
	// entries records the first copy seen of each (index, term) that is
	// not in committed, with the term before it (log matching). An entry
	// leaves it when it joins committed, which then speaks for it.
	entries seenEntries
	// perNode holds what each node's incarnation showed last.
	perNode []nodeWatch
	// digests holds the state machine digest seen at snapshot indexes.
	digests map[uint64]digestAt
	// commitKnown is the highest commit index any node has reported, in
	// any incarnation: it only grows.
	commitKnown uint64
	// reads are the client reads answered since the last check, checked
	// and then dropped by the next one (read-index).
	reads []answeredRead
}

// answeredRead is a client read a node answered with a read index.
type answeredRead struct {
	// client and readID name the read; node answered it.
	client, readID uint64
	node           raft.NodeID
	// index is the read index the answer carried.
	index uint64
	// floor is commitKnown when the client issued the read (its ReadIndex
	// call).
	floor uint64
}

// entryID names a log entry the way the Log Matching Property does.
type entryID struct{ index, term uint64 }

// seenEntry is the canonical copy of an uncommitted entry.
type seenEntry struct {
	// entry is the first copy seen; a later copy must hold the same command.
	entry raft.Entry
	// prevTerm is the term of the entry before it in the log that held it.
	prevTerm uint64
	// node is the node whose log held it first.
	node raft.NodeID
}

// digestAt is a state machine digest and the node it came from.
type digestAt struct {
	node   raft.NodeID
	digest uint64
}

// nodeWatch is what the checker remembers about one node. Each check keeps
// its own fields, so that a forged record trips that check alone.
type nodeWatch struct {
	// incarnation is the node's incarnation the fields describe; a restart
	// clears them.
	incarnation uint64
	// commit is the node's commit index when last checked.
	commit uint64
	// applied is the last index this incarnation applied (0: none yet).
	applied uint64
	// completeTerm is the term in which this node, leading, was last found
	// to hold every committed entry (0: not leading).
	completeTerm uint64
	// leaderTerm, leaderLast and leaderLastTerm describe the node while it
	// leads: its term, and the last entry of its log when last checked
	// (leader append-only).
	leaderTerm     uint64
	leaderLast     uint64
	leaderLastTerm uint64
	// logChecked is how far this incarnation's log has been checked for log
	// matching, and logCheckedTerm the term it had there. Invariant: every
	// entry up to logChecked was checked, and no Ready handed out since has
	// rewritten it. A change no Ready has reported yet (the last write is
	// still syncing) shows as another term at logChecked, or is checked
	// when its Ready comes.
	logChecked     uint64
	logCheckedTerm uint64
}

func newChecker(nodes int) *checker {
	return &checker{
		leaders: map[uint64]raft.NodeID{},
		perNode: make([]nodeWatch, nodes),
		digests: map[uint64]digestAt{},
	}
}

// check runs every safety checker over the world. It returns the first
// violation found.
func (c *checker) check(w *World) *Violation {
	var first *Violation
	c.each(w, true, func(v *Violation) bool { first = v; return false })
	return first
}

// each runs every check on every running node after every event, and
// hands each violation to found, stopping when found returns false. The
// checks run in this order, called directly: this runs after every event.
//
// With changedOnly, it checks only the nodes changed since the last check
// (simNode.changed), which is what every check after an event needs: each
// per-node check compares the node's own state with what it was or with
// records every node adds to, so a node that did not change cannot break
// one, and whichever node makes a conflicting record is the one checked.
func (c *checker) each(w *World, changedOnly bool, found func(*Violation) bool) {
	// report hands a violation to found; it is called only for one, so
	// that a check that finds nothing costs a nil test, not a call.
	report := func(v *Violation) bool {
		v.Seed, v.Event, v.At = w.opts.Seed, w.trace.Len(), w.now
		return found(v)
	}
	reads := c.reads
	c.reads = c.reads[:0]
	for _, r := range reads {
		if v := c.readIndex(r); v != nil && !report(v) {
			return
		}
	}
	// The nodes to check, in order: those changed (simNode.changed, whose
	// bits World.changed keeps, so that the loop skips the others without
	// looking at them), or all of them.
	todo := w.changed
	if !changedOnly {
		todo = 1<<len(w.nodes) - 1
	}
	for ; todo != 0; todo &= todo - 1 {
		i := bits.TrailingZeros16(todo)
		sn, nw := w.nodes[i], &c.perNode[i]
		if sn.node == nil || (changedOnly && !sn.changed) {
			continue
		}
		sn.changed = false
		w.changed &^= 1 << i
		if nw.incarnation != sn.incarnation {
			*nw = nodeWatch{incarnation: sn.incarnation}
		}
		// The three leader checks have nothing to do for a node that does
		// not lead and whose fields they keep are clear: skip the calls,
		// as most checks are of followers.
		if sn.node.Role() == raft.Leader || nw.completeTerm != 0 || nw.leaderTerm != 0 {
			if v := c.electionSafety(sn); v != nil && !report(v) {
				return
			}
			if v := c.leaderCompleteness(sn, nw); v != nil && !report(v) {
				return
			}
			if v := c.leaderAppendOnly(sn, nw); v != nil && !report(v) {
				return
			}
		}
		if v := c.appliedEntries(w, sn, nw); v != nil && !report(v) {
			return
		}
		if v := c.commitMonotonic(sn, nw); v != nil && !report(v) {
			return
		}
		if v := c.committedEntries(sn, nw); v != nil && !report(v) {
			return
		}
		if v := c.logMatching(sn, nw); v != nil && !report(v) {
			return
		}
	}
}

// electionSafety: at most one leader per term, across all time.
func (c *checker) electionSafety(sn *simNode) *Violation {
	n := sn.node
	if n.Role() != raft.Leader {
		return nil
	}
	prev, ok := c.leaders[n.Term()]
	if !ok {
		c.leaders[n.Term()] = sn.id
	} else if prev != sn.id {
		return &Violation{Property: "election safety", Check: CheckElectionSafety, Detail: fmt.Sprintf("nodes %d and %d both led in term %d", prev, sn.id, n.Term())}
	}
	return nil
}

// leaderCompleteness: a leader holds every committed entry its snapshot
// does not cover. Checked once per term it leads: afterwards leader
// append-only keeps it true.
func (c *checker) leaderCompleteness(sn *simNode, nw *nodeWatch) *Violation {
	n := sn.node
	if n.Role() != raft.Leader {
		nw.completeTerm = 0
		return nil
	}
	if nw.completeTerm == n.Term() {
		return nil
	}
	nw.completeTerm = n.Term()
	compacted := n.Status().FirstIndex - 1 // entries up to here are in its snapshot
	for i := min(compacted, c.committedLen()) + 1; i <= c.committedLen(); i++ {
		e := c.committedAt(i)
		if t := n.LogTerm(e.Index); t != e.Term {
			return &Violation{Property: "leader completeness", Check: CheckLeaderCompleteness, Detail: fmt.Sprintf("node %d leads term %d but has term %d at committed index %d (committed term %d)", sn.id, n.Term(), t, e.Index, e.Term)}
		}
	}
	return nil
}

// leaderAppendOnly: a leader never overwrites or deletes entries. Checking
// the tail it had last time suffices: any change to an earlier entry needs
// a truncation through it.
func (c *checker) leaderAppendOnly(sn *simNode, nw *nodeWatch) *Violation {
	n := sn.node
	if n.Role() != raft.Leader {
		nw.leaderTerm, nw.leaderLast, nw.leaderLastTerm = 0, 0, 0
		return nil
	}
	if nw.leaderTerm != n.Term() {
		nw.leaderTerm, nw.leaderLast, nw.leaderLastTerm = n.Term(), 0, 0
	}
	last, lastTerm := nw.leaderLast, nw.leaderLastTerm
	now := n.LastIndex()
	nowTerm := n.LogTerm(now)
	nw.leaderLast, nw.leaderLastTerm = now, nowTerm
	if last == 0 {
		return nil
	}
	term := nowTerm // mostly nothing was appended since: one lookup
	if last != now {
		term = n.LogTerm(last)
	}
	if term != lastTerm {
		return &Violation{Property: "leader append-only", Check: CheckLeaderAppendOnly, Detail: fmt.Sprintf("leader %d changed index %d from term %d to %d", sn.id, last, lastTerm, term)}
	}
	return nil
}

// appliedEntries: every node applies the canonical sequence, one index
// after another (a restore jumps to a snapshot's index, whose state must be
// the one every node had there).
func (c *checker) appliedEntries(w *World, sn *simNode, nw *nodeWatch) *Violation {
	v := c.checkApplied(w, sn, nw)
	sn.unchecked = sn.unchecked[:0]
	return v
}

// checkApplied is appliedEntries for the records of sn.unchecked, which it
// leaves for appliedEntries to drop.
func (c *checker) checkApplied(w *World, sn *simNode, nw *nodeWatch) *Violation {
	for k := range sn.unchecked {
		a := &sn.unchecked[k]
		e := &a.entry
		if !a.restored && e.Index == c.committedLen()+1 {
			// Applying means the node saw it committed; the entry may be
			// compacted away already, so it joins the history from here.
			if v := c.commit(sn.id, e); v != nil {
				return v
			}
		}
		if e.Index > c.committedLen() {
			return &Violation{Property: "state machine safety", Check: CheckStateMachineSafety, Detail: fmt.Sprintf("node %d applied index %d, which no node has committed (committed: %d)", sn.id, e.Index, c.committedLen())}
		}
		want := c.committedRef(e.Index)
		if want.Term != e.Term || (!a.restored && !sameCommand(want, e)) {
			return &Violation{Property: "state machine safety", Check: CheckStateMachineSafety, Detail: fmt.Sprintf("node %d applied %d/%d %q, canonical is %d/%d %q", sn.id, e.Index, e.Term, e.Data, want.Index, want.Term, want.Data)}
		}
		if !a.restored && nw.applied != 0 && e.Index != nw.applied+1 {
			return &Violation{Property: "applied monotonic", Check: CheckAppliedMonotonic, Detail: fmt.Sprintf("node %d applied index %d right after %d", sn.id, e.Index, nw.applied)}
		}
		if a.restored {
			if v := c.snapshotTaken(w, sn.id, e.Index, a.digest); v != nil {
				return v
			}
		}
		nw.applied = e.Index
	}
	return nil
}

// commitMonotonic: commit never moves back within an incarnation.
func (c *checker) commitMonotonic(sn *simNode, nw *nodeWatch) *Violation {
	if commit := sn.node.CommitIndex(); commit < nw.commit {
		return &Violation{Property: "commit monotonic", Check: CheckCommitMonotonic, Detail: fmt.Sprintf("node %d commit index went from %d to %d", sn.id, nw.commit, commit)}
	}
	return nil
}

// committedEntries: every entry a node commits is the canonical one at its
// index, or extends the canonical history by one.
func (c *checker) committedEntries(sn *simNode, nw *nodeWatch) *Violation {
	n := sn.node
	commit := n.CommitIndex()
	for i := nw.commit + 1; i <= commit; i++ {
		e := n.EntryRef(i)
		if e == nil {
			continue // compacted: checked when it was committed
		}
		if v := c.commitEntry(sn.id, e); v != nil {
			return v
		}
	}
	nw.commit = max(nw.commit, commit)
	c.commitKnown = max(c.commitKnown, commit)
	return nil
}

// readIndex: a read is answered with a read index at least the highest
// index any node knew committed when the client issued it, so the read
// sees every write that finished before it began.
//
// Correct Raft always satisfies this (dissertation §6.4). The leader that
// fixes the read index received the read after the client issued it, and
// its commit index then covers every entry committed by that time:
//   - it has committed an entry of its own term first (step 1 of §6.4),
//     so its commit index covers every entry committed in earlier terms
//     (leader completeness puts them before that entry), and every entry
//     committed in its term was committed by it;
//   - no entry is committed in a later term before the read began. With
//     ReadIndex, the heartbeat round it sends after the read arrived is
//     answered in its term by a quorum (step 3), and any later-term leader
//     elected before the read began took votes from a quorum sharing a
//     node with that one, which would have answered with the higher term.
//     With a lease (§6.4.1), no node wins an election in a later term
//     while the lease holds (lease.go), and the simulator has one clock
//     for all nodes, so there is no drift for the margin to absorb.
//
// A node's commit index is only ever an index committed in that sense, so
// the highest any node reports (commitKnown) bounds the read index from
// below. A leader answering from a stale lease (issue 7 (b)) or without
// confirming it leads (canary read-unconfirmed) breaks it.
func (c *checker) readIndex(r answeredRead) *Violation {
	if r.index >= r.floor {
		return nil
	}
	return &Violation{Property: "linearizable reads", Check: CheckReadIndex, Detail: fmt.Sprintf(
		"node %d answered client %d's read %d with read index %d, but index %d was committed when the client issued it", r.node, r.client, r.readID, r.index, r.floor)}
}

// logMatching checks the entries of a node's log that are new or changed
// since last time against the canonical copies: by induction on the index,
// if every (index, term) in every log holds the same command after the
// same previous term, two logs that share an (index, term) are identical up
// to it (§5.3). Only the tail past logChecked is read, so each entry is
// checked about once per node, and an event that added nothing costs two
// calls.
func (c *checker) logMatching(sn *simNode, nw *nodeWatch) *Violation {
	n := sn.node
	last := n.LastIndex()
	var checkedTerm uint64 // the term at logChecked, once known
	if nw.logChecked <= last {
		checkedTerm = n.LogTerm(nw.logChecked)
	}
	if nw.logChecked > last || checkedTerm != nw.logCheckedTerm {
		// The log changed behind the watermark without a Ready saying so
		// yet (a write waits for the disk), or a snapshot passed it: check
		// all of it again.
		nw.logChecked, nw.logCheckedTerm = 0, 0
		checkedTerm = n.LogTerm(0)
	}
	if nw.logChecked >= last {
		return nil
	}
	from := nw.logChecked + 1
	prevTerm := checkedTerm // the term at from-1
	if from < n.FirstIndex() {
		from = n.Status().FirstIndex // compacted: start after the snapshot
		prevTerm = n.LogTerm(from - 1)
	}
	for i := from; i <= last; i++ {
		e := n.EntryRef(i)
		if v := c.matchEntry(sn.id, e, prevTerm); v != nil {
			return v
		}
		prevTerm = e.Term
	}
	nw.logChecked, nw.logCheckedTerm = last, prevTerm
	return nil
}

// logChanged is told of every Ready a node hands out: its log changed from
// LogFrom on (or after a snapshot), so logMatching reads it again there.
func (c *checker) logChanged(sn *simNode, rd *raft.Ready) {
	nw := &c.perNode[sn.id-1]
	if nw.incarnation != sn.incarnation || (rd.LogFrom == 0 && rd.Snapshot == nil) {
		return
	}
	from := rd.LogFrom
	if rd.Snapshot != nil && (from == 0 || rd.Snapshot.Index+1 < from) {
		from = rd.Snapshot.Index + 1
	}
	if from <= nw.logChecked {
		nw.logChecked, nw.logCheckedTerm = from-1, sn.node.LogTerm(from-1)
	}
}

// matchEntry checks one entry of a node's log, which follows an entry of
// prevTerm, against the canonical copy of its (index, term), and records
// it if it is the first copy seen.
func (c *checker) matchEntry(id raft.NodeID, e *raft.Entry, prevTerm uint64) *Violation {
	if e.Index <= c.committedLen() && c.committedRef(e.Index).Term == e.Term {
		want := c.committedRef(e.Index)
		if p := c.committedTerm(e.Index - 1); p != prevTerm || !sameCommand(want, e) {
			return logMismatch(id, *e, prevTerm, *want, p, "the committed history")
		}
		return nil
	}
	k := entryID{e.Index, e.Term}
	seen, ok := c.entries.get(k)
	if !ok {
		c.entries.set(k, seenEntry{entry: *e, prevTerm: prevTerm, node: id}, c.committedLen())
		return nil
	}
	if seen.prevTerm != prevTerm || !sameCommand(&seen.entry, e) {
		return logMismatch(id, *e, prevTerm, seen.entry, seen.prevTerm, fmt.Sprintf("node %d", seen.node))
	}
	return nil
}

// committedTerm is the term of committed index i (0 for index 0).
func (c *checker) committedTerm(i uint64) uint64 {
	if i == 0 {
		return 0
	}
	return c.committedRef(i).Term
}

// committedLen is the last index of the canonical committed log.
func (c *checker) committedLen() uint64 { return uint64(c.committed.Len()) }

// committedAt is the canonical committed entry at index i (from 1).
func (c *checker) committedAt(i uint64) raft.Entry { return *c.committedRef(i) }

// committedRef is committedAt in place, for reading: the checks compare
// entries by pointer, as an entry is seven words to copy.
func (c *checker) committedRef(i uint64) *raft.Entry { return c.committed.At(int(i - 1)) }

func logMismatch(id raft.NodeID, e raft.Entry, prevTerm uint64, want raft.Entry, wantPrev uint64, where string) *Violation {
	return &Violation{Property: "log matching", Check: CheckLogMatching, Detail: fmt.Sprintf(
		"node %d has %d/%d %s %q after term %d, but %s has %d/%d %s %q after term %d",
		id, e.Index, e.Term, e.Type, e.Data, prevTerm, where, want.Index, want.Term, want.Type, want.Data, wantPrev)}
}

// sameCommand reports whether two entries carry the same command or
// configuration.
func sameCommand(a, b *raft.Entry) bool {
	if a.Type != b.Type || !bytes.Equal(a.Data, b.Data) {
		return false
	}
	if a.Conf == nil || b.Conf == nil {
		return a.Conf == b.Conf
	}
	return slices.Equal(a.Conf.Voters, b.Conf.Voters) && slices.Equal(a.Conf.Learners, b.Conf.Learners) && slices.Equal(a.Conf.OldVoters, b.Conf.OldVoters)
}

// snapshotTaken checks that every state machine image at one index is the
// same, whichever node made or installed it.
func (c *checker) snapshotTaken(w *World, id raft.NodeID, index, digest uint64) *Violation {
	if want, ok := c.digests[index]; ok && want.digest != digest {
		v := &Violation{Property: "state machine safety", Check: CheckSnapshotDigest, Detail: fmt.Sprintf("node %d has state %016x at index %d, node %d had %016x", id, digest, index, want.node, want.digest)}
		w.fail(v)
		return v
	}
	c.digests[index] = digestAt{node: id, digest: digest}
	return nil
}

// commitEntry checks e, committed by node id, against the canonical
// history, or adds it there.
func (c *checker) commitEntry(id raft.NodeID, e *raft.Entry) *Violation {
	if e.Index <= c.committedLen() {
		if want := c.committedRef(e.Index); want.Term != e.Term || !sameCommand(want, e) {
			return &Violation{Property: "state machine safety", Check: CheckStateMachineSafety, Detail: fmt.Sprintf("node %d committed %d/%d %q, canonical is %d/%d %q", id, e.Index, e.Term, e.Data, want.Index, want.Term, want.Data)}
		}
		return nil
	}
	if e.Index != c.committedLen()+1 {
		// A node committed past the canonical end: its earlier entries are
		// checked as it reports them (commit moves one index at a time here).
		return &Violation{Property: "state machine safety", Check: CheckStateMachineSafety, Detail: fmt.Sprintf("node %d committed index %d before anyone committed %d", id, e.Index, c.committedLen()+1)}
	}
	return c.commit(id, e)
}

// commit appends e to the canonical history. Its copy in entries, if any,
// must agree, and then leaves it: committed speaks for it from here.
func (c *checker) commit(id raft.NodeID, e *raft.Entry) *Violation {
	k := entryID{e.Index, e.Term}
	if seen, ok := c.entries.get(k); ok {
		c.entries.forget(k)
		if p := c.committedTerm(e.Index - 1); seen.prevTerm != p || !sameCommand(&seen.entry, e) {
			return logMismatch(seen.node, seen.entry, seen.prevTerm, *e, p, fmt.Sprintf("node %d commits", id))
		}
	}
	c.committed.Append(*e)
	c.entries.committed(c.committedLen())
	return nil
}
