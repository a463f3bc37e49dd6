package sim

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// Each safety checker is shown to fire: a world runs to a steady state with
// clients and snapshots, a forgery puts it in a state that breaks one
// property (by tampering with the checker's record of what the nodes did,
// or with what a node reports it applied), and then every check runs on
// every node and exactly one violation, of that checker, must come out.

// steadyWorld runs 5 nodes with clients and compaction until the leader has
// served for a while, with no violation.
func steadyWorld(t *testing.T) (*World, raft.NodeID) {
	t.Helper()
	o := DefaultOptions()
	o.Seed, o.Clients, o.ClientRate, o.Keys, o.SnapshotEvery = 7, 4, 100, 3, 60
	w, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	w.RunFor(3 * time.Second)
	if err := w.Violation(); err != nil {
		t.Fatal(err)
	}
	lead := w.Leader()
	if lead == raft.None {
		t.Fatal("no leader after 3s")
	}
	if len(w.checker.digests) == 0 || w.checker.committedLen() < 100 {
		t.Fatalf("too little happened: %d entries committed, %d snapshots", w.checker.committedLen(), len(w.checker.digests))
	}
	return w, lead
}

// allViolations runs every check on every node without stopping at the
// first violation.
func allViolations(w *World) []*Violation {
	var vs []*Violation
	w.checker.each(w, false, func(v *Violation) bool { vs = append(vs, v); return true })
	return vs
}

// follower returns a running node other than lead.
func follower(w *World, lead raft.NodeID) *simNode {
	return w.nodes[lead%raft.NodeID(len(w.nodes))]
}

// committedCommand finds a follower whose log still holds a committed
// command (compaction may have folded its recent ones into a snapshot), and
// that command's index.
// forgeCommitted changes the command of the canonical committed entry at
// index k.
func forgeCommitted(w *World, k uint64) {
	e := w.checker.committedAt(k)
	e.Data = []byte("forged")
	w.checker.committed.Set(int(k-1), e)
}

func committedCommand(t *testing.T, w *World, lead raft.NodeID) (*simNode, uint64) {
	t.Helper()
	for _, sn := range w.nodes {
		if sn.id == lead {
			continue
		}
		for k := sn.node.CommitIndex(); k > 0; k-- {
			e, ok := sn.node.Entry(k)
			if !ok {
				break
			}
			if e.Type == raft.EntryNormal {
				return sn, k
			}
		}
	}
	t.Fatal("no follower holds a committed command in its log")
	return nil, 0
}

// lastApplied is the last entry sn applied.
func lastApplied(t *testing.T, sn *simNode) raft.Entry {
	t.Helper()
	if sn.recent.len() == 0 {
		t.Fatalf("node %d applied nothing", sn.id)
	}
	return *sn.recent.at(sn.recent.len() - 1)
}

func TestCheckersFire(t *testing.T) {
	tests := []struct {
		name  string
		check string
		// forge breaks one property of the steady world w led by lead.
		forge func(t *testing.T, w *World, lead raft.NodeID)
	}{{
		// §5.2: "at most one leader can be elected in a given term".
		name:  "a second leader in the term",
		check: CheckElectionSafety,
		forge: func(t *testing.T, w *World, lead raft.NodeID) {
			w.checker.leaders[w.nodes[lead-1].node.Term()] = follower(w, lead).id
		},
	}, {
		// Figure 3: "a leader never overwrites or deletes entries in its log".
		name:  "the leader's last entry changed term",
		check: CheckLeaderAppendOnly,
		forge: func(t *testing.T, w *World, lead raft.NodeID) {
			w.checker.perNode[lead-1].leaderLastTerm++
		},
	}, {
		// §5.3: "if two entries in different logs have the same index and
		// term, then they store the same command".
		name:  "the same index and term with another command",
		check: CheckLogMatching,
		forge: func(t *testing.T, w *World, lead raft.NodeID) {
			// A command committed elsewhere differs from a follower's
			// copy; the checker reads that follower's log again from it.
			f, k := committedCommand(t, w, lead)
			forgeCommitted(w, k)
			nw := &w.checker.perNode[f.id-1]
			nw.logChecked, nw.logCheckedTerm = k-1, f.node.LogTerm(k-1)
		},
	}, {
		// §5.3: "if two entries in different logs have the same index and
		// term, then the logs are identical in all preceding entries" —
		// here for an entry no one has committed.
		name:  "the same index and term after another prefix",
		check: CheckLogMatching,
		forge: func(t *testing.T, w *World, lead raft.NodeID) {
			p, err := w.ProposeTo(lead, []byte("p"))
			if err != nil {
				t.Fatal(err)
			}
			id := entryID{p.Index, p.Term}
			seen, ok := w.checker.entries.get(id)
			if !ok {
				t.Fatalf("the checker did not record the leader's new entry %d/%d", p.Index, p.Term)
			}
			seen.prevTerm++ // another log held it after an entry of a later term
			w.checker.entries.set(id, seen, w.checker.committedLen())
			nw := &w.checker.perNode[lead-1]
			nw.logChecked, nw.logCheckedTerm = p.Index-1, w.nodes[lead-1].node.LogTerm(p.Index-1)
		},
	}, {
		// §5.4.1: a leader's log holds every committed entry.
		name:  "a committed entry the leader lacks",
		check: CheckLeaderCompleteness,
		forge: func(t *testing.T, w *World, lead raft.NodeID) {
			c := w.checker
			term := w.nodes[lead-1].node.Term()
			c.committed.Append(raft.Entry{Index: c.committedLen() + 1, Term: term + 1})
			w.checker.perNode[lead-1].completeTerm = 0 // as if it had just been elected
		},
	}, {
		// §5.4.3: no server applies a different entry at an index another
		// server applied.
		name:  "a follower applies another command",
		check: CheckStateMachineSafety,
		forge: func(t *testing.T, w *World, lead raft.NodeID) {
			f := follower(w, lead)
			e := lastApplied(t, f)
			e.Data = []byte("forged")
			w.checker.perNode[f.id-1].applied = e.Index - 1
			f.unchecked = append(f.unchecked, applyRecord{entry: e})
		},
	}, {
		// §5.4.3, seen at commit rather than apply.
		name:  "a follower commits another command",
		check: CheckStateMachineSafety,
		forge: func(t *testing.T, w *World, lead raft.NodeID) {
			f, k := committedCommand(t, w, lead)
			forgeCommitted(w, k)
			w.checker.perNode[f.id-1].commit = k - 1
		},
	}, {
		name:  "a follower's commit index moves back",
		check: CheckCommitMonotonic,
		forge: func(t *testing.T, w *World, lead raft.NodeID) {
			f := follower(w, lead)
			w.checker.perNode[f.id-1].commit = f.node.CommitIndex() + 1
		},
	}, {
		name:  "a follower applies an index twice",
		check: CheckAppliedMonotonic,
		forge: func(t *testing.T, w *World, lead raft.NodeID) {
			f := follower(w, lead)
			f.unchecked = append(f.unchecked, applyRecord{entry: lastApplied(t, f)})
		},
	}, {
		// A snapshot is the state machine at its index (§7), so every
		// node's image there is the same.
		name:  "a follower restores another state",
		check: CheckSnapshotDigest,
		forge: func(t *testing.T, w *World, lead raft.NodeID) {
			f := follower(w, lead)
			k := slices.Max(slices.Collect(maps.Keys(w.checker.digests)))
			term := w.checker.committedAt(k).Term
			f.unchecked = append(f.unchecked, applyRecord{entry: raft.Entry{Index: k, Term: term}, restored: true, digest: w.checker.digests[k].digest ^ 1})
		},
	}, {
		// §6.4: a read index is at least the commit index of every node
		// when the read was issued, or the read misses a write that
		// finished before it began. Two answered reads: one at exactly
		// that index (allowed), one below it.
		name:  "a read answered below an index committed when it was issued",
		check: CheckReadIndex,
		forge: func(t *testing.T, w *World, lead raft.NodeID) {
			c := w.checker
			known := c.commitKnown
			if known == 0 || known < w.nodes[lead-1].node.CommitIndex() {
				t.Fatalf("the checker knows commit index %d, the leader has %d", known, w.nodes[lead-1].node.CommitIndex())
			}
			c.reads = append(c.reads,
				answeredRead{client: 1, readID: 1, node: lead, index: known, floor: known},
				answeredRead{client: 2, readID: 2, node: lead, index: known - 1, floor: known})
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, lead := steadyWorld(t)
			if vs := allViolations(w); len(vs) != 0 {
				t.Fatalf("before the forgery: %v", vs[0])
			}
			tt.forge(t, w, lead)
			vs := allViolations(w)
			if len(vs) != 1 {
				t.Fatalf("got %d violations, want one of %s: %v", len(vs), tt.check, vs)
			}
			if vs[0].Check != tt.check {
				t.Fatalf("got %s (%v), want %s", vs[0].Check, vs[0], tt.check)
			}
			t.Log(vs[0])
		})
	}
}
