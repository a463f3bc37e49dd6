package sim

import (
	"bytes"
	"fmt"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// Violation is a broken safety property. It stops the run.
type Violation struct {
	Seed  uint64
	Event uint64 // trace event number at which it was found
	At    time.Duration
	// Property is the name of the broken property, e.g. "election safety".
	Property string
	// Detail explains what was seen.
	Detail string
}

func (v *Violation) Error() string {
	return fmt.Sprintf("safety violation: %s at %v (seed %d, event %d): %s", v.Property, v.At, v.Seed, v.Event, v.Detail)
}

// checker watches the nodes from outside, through their public API, and
// compares them with one canonical history of committed entries.
type checker struct {
	// leaders maps each term to the node that led in it (election safety).
	leaders map[uint64]raft.NodeID
	// committed is the canonical committed log: committed[i-1] has index i.
	committed []raft.Entry
	// perNode holds what each node's incarnation showed last.
	perNode []nodeWatch
	// digests holds the state machine digest seen at snapshot indexes.
	digests map[uint64]digestAt
}

// digestAt is a state machine digest and the node it came from.
type digestAt struct {
	node   raft.NodeID
	digest uint64
}

// nodeWatch is what the checker remembers about one node.
type nodeWatch struct {
	incarnation uint64
	commit      uint64
	// applied is the last index this incarnation applied (0: none yet).
	applied uint64
	// leaderTerm, leaderLast and leaderLastTerm describe the node while it
	// leads: its term, and the last entry of its log when last checked
	// (leader append-only).
	leaderTerm     uint64
	leaderLast     uint64
	leaderLastTerm uint64
}

func newChecker(nodes int) *checker {
	return &checker{leaders: map[uint64]raft.NodeID{}, perNode: make([]nodeWatch, nodes), digests: map[uint64]digestAt{}}
}

// check runs every safety checker over the world. It returns the first
// violation found.
func (c *checker) check(w *World) *Violation {
	for i, sn := range w.nodes {
		nw := &c.perNode[i]
		if sn.node == nil {
			continue
		}
		if nw.incarnation != sn.incarnation {
			*nw = nodeWatch{incarnation: sn.incarnation}
		}
		if v := c.checkNode(w, sn, nw); v != nil {
			v.Seed, v.Event, v.At = w.opts.Seed, w.trace.Len(), w.now
			return v
		}
	}
	return nil
}

func (c *checker) checkNode(w *World, sn *simNode, nw *nodeWatch) *Violation {
	n := sn.node
	// Election safety: at most one leader per term, across all time.
	if n.Role() == raft.Leader {
		if prev, ok := c.leaders[n.Term()]; ok && prev != sn.id {
			return &Violation{Property: "election safety", Detail: fmt.Sprintf("nodes %d and %d both led in term %d", prev, sn.id, n.Term())}
		}
		c.leaders[n.Term()] = sn.id
		// Leader completeness: a leader holds every committed entry.
		if nw.leaderTerm != n.Term() {
			compacted := n.Status().FirstIndex - 1 // entries up to here are in its snapshot
			for _, e := range c.committed[min(compacted, uint64(len(c.committed))):] {
				if t := n.LogTerm(e.Index); t != e.Term {
					return &Violation{Property: "leader completeness", Detail: fmt.Sprintf("node %d leads term %d but has term %d at committed index %d (committed term %d)", sn.id, n.Term(), t, e.Index, e.Term)}
				}
			}
			nw.leaderTerm, nw.leaderLast, nw.leaderLastTerm = n.Term(), 0, 0
		}
		// Leader append-only: a leader never overwrites or deletes entries.
		// Checking the tail it had last time suffices: any change to an
		// earlier entry needs a truncation through it.
		if nw.leaderLast > 0 && n.LogTerm(nw.leaderLast) != nw.leaderLastTerm {
			return &Violation{Property: "leader append-only", Detail: fmt.Sprintf("leader %d changed index %d from term %d to %d", sn.id, nw.leaderLast, nw.leaderLastTerm, n.LogTerm(nw.leaderLast))}
		}
		nw.leaderLast, nw.leaderLastTerm = n.LastIndex(), n.LogTerm(n.LastIndex())
	} else {
		nw.leaderTerm, nw.leaderLast, nw.leaderLastTerm = 0, 0, 0
	}

	// State machine safety: every node applies the canonical sequence,
	// one index after another (a restore jumps to a snapshot's index).
	for _, a := range sn.unchecked {
		e := a.entry
		if !a.restored && e.Index == uint64(len(c.committed))+1 {
			// Applying means the node saw it committed; the entry may be
			// compacted away already, so it joins the history from here.
			c.committed = append(c.committed, e)
		}
		if e.Index > uint64(len(c.committed)) {
			return &Violation{Property: "state machine safety", Detail: fmt.Sprintf("node %d applied index %d, which no node has committed (committed: %d)", sn.id, e.Index, len(c.committed))}
		}
		want := c.committed[e.Index-1]
		if want.Term != e.Term || (!a.restored && !bytes.Equal(want.Data, e.Data)) {
			return &Violation{Property: "state machine safety", Detail: fmt.Sprintf("node %d applied %d/%d %q, canonical is %d/%d %q", sn.id, e.Index, e.Term, e.Data, want.Index, want.Term, want.Data)}
		}
		if !a.restored && nw.applied != 0 && e.Index != nw.applied+1 {
			return &Violation{Property: "state machine safety", Detail: fmt.Sprintf("node %d applied index %d right after %d", sn.id, e.Index, nw.applied)}
		}
		if a.restored {
			if v := c.snapshotTaken(w, sn.id, e.Index, a.digest); v != nil {
				return v
			}
		}
		nw.applied = e.Index
	}
	sn.unchecked = sn.unchecked[:0]
	// Commit never moves back within an incarnation.
	commit := n.CommitIndex()
	if commit < nw.commit {
		return &Violation{Property: "commit monotonic", Detail: fmt.Sprintf("node %d commit index went from %d to %d", sn.id, nw.commit, commit)}
	}
	// Log matching on committed entries: every node's committed prefix is
	// the canonical one.
	for i := nw.commit + 1; i <= commit; i++ {
		e, ok := n.Entry(i)
		if !ok {
			continue // compacted: checked when it was committed
		}
		if v := c.commitEntry(sn.id, e); v != nil {
			return v
		}
	}
	nw.commit = commit
	return nil
}

// snapshotTaken checks that every state machine image at one index is the
// same, whichever node made or installed it.
func (c *checker) snapshotTaken(w *World, id raft.NodeID, index, digest uint64) *Violation {
	if want, ok := c.digests[index]; ok && want.digest != digest {
		v := &Violation{Property: "state machine safety", Detail: fmt.Sprintf("node %d has state %016x at index %d, node %d had %016x", id, digest, index, want.node, want.digest)}
		w.fail(v)
		return v
	}
	c.digests[index] = digestAt{node: id, digest: digest}
	return nil
}

// commitEntry adds e to the canonical history or checks it against it.
func (c *checker) commitEntry(id raft.NodeID, e raft.Entry) *Violation {
	if e.Index <= uint64(len(c.committed)) {
		if want := c.committed[e.Index-1]; want.Term != e.Term || !bytes.Equal(want.Data, e.Data) {
			return &Violation{Property: "log matching", Detail: fmt.Sprintf("node %d committed %d/%d %q, canonical is %d/%d %q", id, e.Index, e.Term, e.Data, want.Index, want.Term, want.Data)}
		}
		return nil
	}
	if e.Index != uint64(len(c.committed))+1 {
		// A node committed past the canonical end: its earlier entries are
		// checked as it reports them (commit moves one index at a time here).
		return &Violation{Property: "log matching", Detail: fmt.Sprintf("node %d committed index %d before anyone committed %d", id, e.Index, len(c.committed)+1)}
	}
	c.committed = append(c.committed, e)
	return nil
}
