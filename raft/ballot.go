package raft

import (
	"math/bits"
	"slices"
)

// MaxVoters bounds the voters of a configuration: a ballot keeps one bit
// per voter.
const MaxVoters = 64

// Ballot is a ballot as Status shows it: who acknowledged one log index,
// out of which voters.
type Ballot struct {
	// Index is the log index this ballot decides.
	Index uint64 `json:"index"`
	// Voters is the configuration whose quorum is needed.
	Voters []NodeID `json:"voters"`
	// OldVoters is, during a joint change only, the previous configuration,
	// whose quorum is needed as well; empty otherwise.
	OldVoters []NodeID `json:"old_voters,omitempty"`
	// Granted lists who acknowledged, sorted, no duplicates.
	Granted []NodeID `json:"granted"`
}

// ballot collects acknowledgements for one log index (or one election) from
// the voters of a configuration and, during a joint change, of the old one.
// A voter's acknowledgement is a bit at its position in the sorted voter
// list, so counting allocates nothing.
type ballot struct {
	// index is the log index this ballot decides (0 for an election).
	index uint64
	// voters and oldVoters are the configuration's (shared with it: a
	// configuration is never changed in place). At most MaxVoters each.
	voters, oldVoters []NodeID
	// granted has bit i set when voters[i] acknowledged; grantedOld the
	// same for oldVoters.
	granted, grantedOld uint64
}

func newBallot(index uint64, conf *ConfigState) ballot {
	return ballot{index: index, voters: conf.Voters, oldVoters: conf.OldVoters}
}

// grant records peer's acknowledgement; non-voters are ignored.
func (b *ballot) grant(peer NodeID) {
	if i := slices.Index(b.voters, peer); i >= 0 {
		b.granted |= 1 << i
	}
	if i := slices.Index(b.oldVoters, peer); i >= 0 {
		b.grantedOld |= 1 << i
	}
}

// isGranted reports whether a quorum of voters (and of oldVoters, if any)
// has acknowledged.
func (b *ballot) isGranted() bool {
	return hasQuorum(len(b.voters), b.granted) && (len(b.oldVoters) == 0 || hasQuorum(len(b.oldVoters), b.grantedOld))
}

// hasQuorum reports whether more than half of n voters have their bit set
// in granted. An empty voter set has no quorum.
func hasQuorum(n int, granted uint64) bool {
	return n > 0 && bits.OnesCount64(granted) > n/2
}

// status returns the ballot as Status shows it.
func (b *ballot) status() Ballot {
	var s Ballot
	b.statusInto(&s)
	return s
}

// statusInto fills s, reusing its Granted array.
func (b *ballot) statusInto(s *Ballot) {
	granted := s.Granted[:0]
	for i, v := range b.voters {
		if b.granted&(1<<i) != 0 {
			granted = append(granted, v)
		}
	}
	for i, v := range b.oldVoters {
		if b.grantedOld&(1<<i) != 0 {
			granted = append(granted, v)
		}
	}
	// Sorted, each once (a peer in both configurations acked both), in
	// place: what sortedSet makes, without a new array.
	slices.Sort(granted)
	if len(granted) == 0 {
		granted = nil // as Status always said
	}
	*s = Ballot{Index: b.index, Voters: b.voters, OldVoters: b.oldVoters, Granted: slices.Compact(granted)}
}

// ballotBox decides when log entries of the leader's term are committed.
// Only entries from pendingIndex on get ballots (SOFAJRaft's
// resetPendingIndex): older entries commit with them.
//
// Invariant: pending[i].Index == pendingIndex+i; lastCommittedIndex < pendingIndex
// whenever pendingIndex != 0.
type ballotBox struct {
	// pendingIndex is the first index with a ballot; 0 when not leading.
	// A new leader sets it to its lastLogIndex+1 (resetPendingIndex), so
	// entries of earlier terms never get ballots of their own.
	pendingIndex uint64
	// pending holds one ballot per index from pendingIndex on, each under
	// the configuration in force when its entry was appended (joint ones
	// need both quorums). Committed ballots are dropped from the front.
	pending []ballot
	// lastCommittedIndex is the highest index known committed: the last
	// ballot a quorum granted, or the commit index the leader started with.
	// It only grows.
	lastCommittedIndex uint64
}

// resetPendingIndex starts a term as leader: ballots begin at index.
func (bb *ballotBox) resetPendingIndex(index, committed uint64) {
	bb.pendingIndex = index
	bb.pending = bb.pending[:0]
	bb.lastCommittedIndex = committed
}

// clear forgets all ballots (the node is no longer leader).
func (bb *ballotBox) clear() {
	bb.pendingIndex = 0
	bb.pending = nil
}

// appendPending opens a ballot for the next index under conf.
func (bb *ballotBox) appendPending(conf *ConfigState) {
	idx := bb.pendingIndex + uint64(len(bb.pending))
	bb.pending = append(bb.pending, newBallot(idx, conf))
}

// commitAt records that peer holds entries [first, last]. It returns true
// when lastCommittedIndex moved.
func (bb *ballotBox) commitAt(first, last uint64, peer NodeID) bool {
	if bb.pendingIndex == 0 || last < bb.pendingIndex {
		return false
	}
	last = min(last, bb.pendingIndex+uint64(len(bb.pending))-1)
	var committed uint64
	for i := max(first, bb.pendingIndex); i <= last; i++ {
		b := &bb.pending[i-bb.pendingIndex]
		b.grant(peer)
		if b.isGranted() {
			committed = i
		}
	}
	if committed == 0 {
		return false
	}
	// A quorum holding index i holds everything before it (log matching).
	// Shift down rather than re-slice, so the array keeps its capacity.
	bb.pending = bb.pending[:copy(bb.pending, bb.pending[committed-bb.pendingIndex+1:])]
	bb.pendingIndex = committed + 1
	bb.lastCommittedIndex = committed
	return true
}

// statusInto fills s, reusing its Ballots (and their Granted arrays).
func (bb *ballotBox) statusInto(s *BallotBoxStatus) {
	ballots := s.Ballots[:0]
	for i := range bb.pending[:min(len(bb.pending), MaxStatusBallots)] {
		if len(ballots) < cap(ballots) {
			ballots = ballots[:len(ballots)+1]
		} else {
			ballots = append(ballots, Ballot{})
		}
		bb.pending[i].statusInto(&ballots[len(ballots)-1])
	}
	if len(ballots) == 0 {
		ballots = nil
	}
	*s = BallotBoxStatus{PendingIndex: bb.pendingIndex, LastCommittedIndex: bb.lastCommittedIndex, Pending: len(bb.pending), Ballots: ballots}
}
