package raft

import (
	"math/bits"
	oldrand "math/rand"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/quick"
)

// Seed §5.6: "ballotBox.commitAt(nextIndex, nextIndex+n-1, peer); an index
// commits once a quorum (of both configurations during a joint change) has
// it". Raft paper §6: "Agreement (for elections and entry commitment)
// requires separate majorities from both the old and new configurations."
func TestBallotBoxCommitAt(t *testing.T) {
	type ack struct {
		first, last uint64
		peer        NodeID
		want        uint64 // lastCommittedIndex afterwards
	}
	tests := []struct {
		name           string
		voters, old    []NodeID
		pending        uint64 // pendingIndex; ballots for 5 indexes from it
		committedStart uint64
		acks           []ack
	}{
		{"simple majority", []NodeID{1, 2, 3}, nil, 5, 4, []ack{
			{5, 9, 1, 4},
			{5, 6, 2, 6},
			{7, 7, 3, 7},
			{8, 9, 2, 9},
		}},
		{"acks below the pending index are ignored", []NodeID{1, 2, 3}, nil, 5, 4, []ack{
			{1, 4, 1, 4},
			{1, 4, 2, 4},
			{1, 5, 2, 4},
			{3, 5, 1, 5},
		}},
		{"non-voters do not count", []NodeID{1, 2, 3}, nil, 5, 4, []ack{
			{5, 9, 1, 4},
			{5, 9, 4, 4},
			{5, 9, 9, 4},
			{5, 9, 3, 9},
		}},
		{"joint: adding a voter needs 3 of 4 and 2 of 3", []NodeID{1, 2, 3, 4}, []NodeID{1, 2, 3}, 5, 4, []ack{
			{5, 9, 1, 4},
			{5, 9, 2, 4}, // old quorum only
			{5, 9, 4, 9},
		}},
		{"joint: the new half alone is not enough", []NodeID{1, 2, 3, 4}, []NodeID{1, 2, 3}, 5, 4, []ack{
			{5, 9, 4, 4},
			{5, 9, 1, 4},
			{5, 9, 5, 4},
			{5, 7, 3, 7},
		}},
		{"joint: disjoint halves", []NodeID{4, 5, 6}, []NodeID{1, 2, 3}, 5, 4, []ack{
			{5, 9, 1, 4},
			{5, 9, 2, 4},
			{5, 9, 3, 4},
			{5, 9, 4, 4},
			{5, 8, 6, 8},
		}},
		{"an even configuration needs more than half", []NodeID{1, 2, 3, 4}, nil, 5, 4, []ack{
			{5, 9, 1, 4},
			{5, 9, 2, 4},
			{5, 9, 3, 9},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conf := ConfigState{Voters: tt.voters, OldVoters: tt.old}
			var bb ballotBox
			bb.resetPendingIndex(tt.pending, tt.committedStart)
			for range 5 {
				bb.appendPending(&conf)
			}
			for i, a := range tt.acks {
				moved := bb.commitAt(a.first, a.last, a.peer)
				if bb.lastCommittedIndex != a.want || moved != (i > 0 && a.want != tt.acks[i-1].want || i == 0 && a.want != tt.committedStart) {
					t.Fatalf("ack %d (%d..%d from %d): committed %d (moved %v), want %d", i, a.first, a.last, a.peer, bb.lastCommittedIndex, moved, a.want)
				}
				if bb.pendingIndex != bb.lastCommittedIndex+1 {
					t.Fatalf("pending index %d after committing %d", bb.pendingIndex, bb.lastCommittedIndex)
				}
			}
		})
	}
}

// set returns the node ids 1..9 whose bits are set in mask.
func set(mask uint16) []NodeID {
	var ids []NodeID
	for i := range 9 {
		if mask&(1<<i) != 0 {
			ids = append(ids, NodeID(i+1))
		}
	}
	return ids
}

// granted reports whether the acknowledgements in mask make a quorum of
// conf, through a Ballot.
func granted(conf ConfigState, mask uint16) bool {
	b := newBallot(0, &conf)
	for _, id := range set(mask) {
		b.grant(id)
	}
	return b.isGranted()
}

// Quorum arithmetic, checked on random configurations of nodes 1..9. Raft
// paper §5.4.3 rests on "each set of servers that forms a quorum
// intersects every other"; §6 extends it to joint configurations, where a
// quorum must be a majority of each half.
func TestQuorumProperties(t *testing.T) {
	cfg := &quick.Config{MaxCount: 5000, Rand: oldrand.New(oldrand.NewSource(1))}
	mask := uint16(1<<9 - 1)

	// A quorum of a simple configuration is more than half of it.
	simple := func(v, g uint16) bool {
		v, g = v&mask, g&mask
		want := v != 0 && 2*bits.OnesCount16(v&g) > bits.OnesCount16(v)
		return granted(ConfigState{Voters: set(v)}, g) == want
	}
	// Any two quorums of one configuration intersect inside it.
	intersect := func(v, a, b uint16) bool {
		v, a, b = v&mask, a&mask, b&mask
		c := ConfigState{Voters: set(v)}
		return !granted(c, a) || !granted(c, b) || a&b&v != 0
	}
	// Adding acknowledgements never loses a quorum.
	monotone := func(v, o, a, extra uint16) bool {
		c := ConfigState{Voters: set(v & mask), OldVoters: set(o & mask)}
		return !granted(c, a&mask) || granted(c, (a|extra)&mask)
	}
	// A joint quorum is a quorum of both halves, so it intersects every
	// quorum of the old configuration and every quorum of the new one.
	joint := func(v, o, a, b uint16) bool {
		v, o, a, b = v&mask, o&mask, a&mask, b&mask
		if o == 0 {
			return true
		}
		j := ConfigState{Voters: set(v), OldVoters: set(o)}
		both := granted(ConfigState{Voters: set(v)}, a) && granted(ConfigState{Voters: set(o)}, a)
		if granted(j, a) != both {
			return false
		}
		if !granted(j, a) {
			return true
		}
		return (!granted(ConfigState{Voters: set(o)}, b) || a&b&o != 0) &&
			(!granted(ConfigState{Voters: set(v)}, b) || a&b&v != 0)
	}
	// With an odd number of voters exactly one of a set and its complement
	// is a quorum; with an even number at most one.
	complement := func(v, a uint16) bool {
		v, a = v&mask, a&mask
		c := ConfigState{Voters: set(v)}
		x, y := granted(c, a&v), granted(c, ^a&v)
		if v == 0 {
			return !x && !y
		}
		if bits.OnesCount16(v)%2 == 1 {
			return x != y
		}
		return !(x && y)
	}
	for name, f := range map[string]any{"simple": simple, "intersect": intersect, "monotone": monotone, "joint": joint, "complement": complement} {
		if err := quick.Check(f, cfg); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// The ballot box against a model, on seeded random runs: with each peer's
// match index growing in random steps, the committed index is the highest
// index from pendingIndex on that a quorum (of both halves when joint)
// holds. Raft paper §5.3: "A log entry is committed once the leader that
// created the entry has replicated it on a majority of the servers".
func TestBallotBoxModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for run := range 500 {
		conf := ConfigState{Voters: set(uint16(rng.IntN(1<<9-1) + 1))}
		if rng.IntN(2) == 0 {
			conf.OldVoters = set(uint16(rng.IntN(1<<9-1) + 1))
		}
		pending := uint64(rng.IntN(5) + 1)
		const n = 20
		var bb ballotBox
		bb.resetPendingIndex(pending, pending-1)
		for range n {
			bb.appendPending(&conf)
		}
		match := map[NodeID]uint64{}
		for step := range 60 {
			peer := NodeID(rng.IntN(10) + 1)
			first := max(match[peer]+1, 1)
			last := first + uint64(rng.IntN(4))
			if last > pending+n-1 {
				continue
			}
			bb.commitAt(first, last, peer)
			match[peer] = last
			// The model: the highest index a quorum holds.
			want := pending - 1
			for i := pending; i < pending+n; i++ {
				var g uint16
				for p, m := range match {
					if m >= i && p <= 9 {
						g |= 1 << (p - 1)
					}
				}
				if granted(conf, g) {
					want = i
				}
			}
			if bb.lastCommittedIndex != want {
				t.Fatalf("run %d step %d (conf %+v, match %v): committed %d, want %d", run, step, conf, match, bb.lastCommittedIndex, want)
			}
		}
	}
}

// A ballot keeps one bit per voter, so a configuration has at most
// MaxVoters voters: the largest one still counts its quorum right, and a
// larger one is refused where configurations are made.
func TestMaxVoters(t *testing.T) {
	var conf ConfigState
	for i := range MaxVoters {
		conf.Voters = append(conf.Voters, NodeID(i+1))
	}
	b := newBallot(7, &conf)
	for _, id := range conf.Voters[:MaxVoters/2] {
		b.grant(id)
	}
	if b.isGranted() {
		t.Fatalf("%d of %d voters make a quorum", MaxVoters/2, MaxVoters)
	}
	b.grant(conf.Voters[MaxVoters-1]) // the highest bit
	if !b.isGranted() {
		t.Fatalf("%d of %d voters do not make a quorum", MaxVoters/2+1, MaxVoters)
	}
	if got := b.status().Granted; len(got) != MaxVoters/2+1 || got[len(got)-1] != NodeID(MaxVoters) {
		t.Fatalf("status shows granted %v", got)
	}

	peers := append(slices.Clone(conf.Voters), MaxVoters+1)
	if _, err := NewNode(0, DefaultConfig(1, peers), DurableState{}); err == nil || !strings.Contains(err.Error(), "at most 64") {
		t.Fatalf("NewNode with %d peers: %v, want an error saying at most 64", len(peers), err)
	}
	n, err := NewNode(0, DefaultConfig(1, []NodeID{1}), DurableState{})
	if err != nil {
		t.Fatal(err)
	}
	n.Tick(n.Deadline())
	for n.CommitIndex() == 0 { // the lone voter commits its term's first entry
		n.Ready()
		n.Advance(n.Deadline())
	}
	if err := n.ChangePeers(n.Deadline(), peers, nil); err == nil || !strings.Contains(err.Error(), "at most 64") {
		t.Fatalf("ChangePeers to %d voters: %v, want an error saying at most 64", len(peers), err)
	}
}
