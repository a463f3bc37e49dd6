package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// figure8 plays the Raft paper's Figure 8 on the world, with partitions in
// place of crashes (§5.4.2: "a leader cannot determine commitment using log
// entries from older terms"):
//
//	(a) the leader L1, cut off with a minority A, appends an entry x that
//	    reaches A only;
//	(b) the rest, B, elect L2, which appends an entry of its own, of a
//	    later term than x, and is isolated at once, so the entry stays on
//	    L2 alone;
//	(c) A and B without L2 elect L3 from A (only A holds x); L3 replicates
//	    x to a majority, until its commit index reaches x;
//	(d) A is cut off again, and B with L2 may elect L2: its last term is
//	    later than x's.
//
// A correct leader commits x in (c) only through an entry of its own term,
// which then sits on a member of B and keeps L2 from winning in (d). A
// leader that commits x by counting replicas lets L2 win and overwrite a
// committed entry, which leader completeness reports. Each step waits at
// most a few election timeouts; the partition of the last step stays until
// a later fault heals it.
func (s Swarm) figure8(w *World, r *rand.Rand) {
	voters, ok := w.wholeCluster()
	if !ok {
		return
	}
	wait := 10 * w.opts.ElectionTimeout
	l1 := w.Leader()
	majority := len(voters)/2 + 1
	// (a) A is L1 and as many others as leaves B a bare majority.
	others := slices.DeleteFunc(slices.Clone(voters), func(id raft.NodeID) bool { return id == l1 })
	r.Shuffle(len(others), func(i, j int) { others[i], others[j] = others[j], others[i] })
	a := append([]raft.NodeID{l1}, others[:len(voters)-majority-1]...)
	b := others[len(voters)-majority-1:]
	w.Note(l1, fmt.Sprintf("figure 8 (a): leader %d and %v apart from %v", l1, a[1:], b))
	if w.Partition(a, b) != nil {
		return
	}
	x, err := w.ProposeTo(l1, []byte("figure 8: x"))
	if err != nil {
		return
	}
	// (b) L2 is B's first leader; its entry goes nowhere.
	var l2 raft.NodeID
	if !w.runUntilTrue(wait, func() bool { l2 = w.leaderAmong(b, x.Term); return l2 != raft.None }) {
		return
	}
	if _, err := w.ProposeTo(l2, []byte("figure 8: L2's entry")); err != nil {
		return
	}
	w.Note(l2, fmt.Sprintf("figure 8 (b): %d leads %v and is isolated at once", l2, b))
	rest := slices.DeleteFunc(slices.Clone(b), func(id raft.NodeID) bool { return id == l2 })
	l2Term := w.nodes[l2-1].node.Term()
	if w.Partition(append(slices.Clone(a), rest...), []raft.NodeID{l2}) != nil {
		return
	}
	// (c) L3 commits x.
	var l3 raft.NodeID
	if !w.runUntilTrue(wait, func() bool {
		l3 = w.leaderAmong(voters, l2Term)
		return l3 != raft.None && l3 != l2 && w.nodes[l3-1].node.CommitIndex() >= x.Index
	}) {
		return
	}
	w.Note(l3, fmt.Sprintf("figure 8 (c): %d leads and has committed index %d", l3, x.Index))
	// (d) L2 with B. Where L3 committed x correctly, L2 cannot win: give
	// it a few election timeouts.
	w.Note(l2, fmt.Sprintf("figure 8 (d): %d with %v again", l2, b))
	if w.Partition(a, b) != nil {
		return
	}
	w.runUntilTrue(4*w.opts.ElectionTimeout, func() bool { return w.leaderAmong(b, l2Term) == l2 })
}

// wholeCluster returns the voters when every node is up and a voter, and
// a leader exists.
func (w *World) wholeCluster() ([]raft.NodeID, bool) {
	lead := w.Leader()
	if lead == raft.None || len(w.nodes) < 3 {
		return nil, false
	}
	for _, sn := range w.nodes {
		if sn.node == nil {
			return nil, false
		}
	}
	conf := w.nodes[lead-1].node.Status().Conf
	if len(conf.Voters) != len(w.nodes) || len(conf.Learners) > 0 || conf.Joint() {
		return nil, false
	}
	return conf.Voters, true
}

// leaderAmong returns a running node of ids that leads in a term after
// term, or None.
func (w *World) leaderAmong(ids []raft.NodeID, term uint64) raft.NodeID {
	for _, id := range ids {
		if n := w.nodes[id-1].node; n != nil && n.Role() == raft.Leader && n.Term() > term {
			return id
		}
	}
	return raft.None
}

// runUntilTrue runs the world until cond holds, at most for limit; it
// reports whether cond came true (not after a violation). cond is looked
// at after every event and at least every condPoll of virtual time, so
// when it is noticed depends on the world's events only, not on how the
// world keeps them.
func (w *World) runUntilTrue(limit time.Duration, cond func() bool) bool {
	end := w.now + limit
	for w.violation == nil && w.now < end {
		at, ok := w.nextAt()
		if !ok {
			at = end
		}
		w.RunUntil(min(at, w.now+condPoll, end))
		if cond() {
			return w.violation == nil
		}
	}
	return false
}

// condPoll is the longest virtual time runUntilTrue lets pass without
// looking at its condition.
const condPoll = time.Millisecond
