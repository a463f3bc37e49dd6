package raft

import "slices"

// Ballot collects acknowledgements for one log index (or one election) from
// the voters of a configuration and, during a joint change, of the old one.
type Ballot struct {
	// Index is the log index this ballot decides (0 for an election).
	Index uint64 `json:"index"`
	// Voters is the configuration whose quorum is needed.
	Voters []NodeID `json:"voters"`
	// OldVoters is, during a joint change only, the previous configuration,
	// whose quorum is needed as well; empty otherwise.
	OldVoters []NodeID `json:"old_voters,omitempty"`
	// Granted lists who acknowledged, sorted, no duplicates.
	Granted []NodeID `json:"granted"`
}

func newBallot(index uint64, conf *ConfigState) Ballot {
	return Ballot{Index: index, Voters: conf.Voters, OldVoters: conf.OldVoters}
}

// grant records peer's acknowledgement; non-voters are ignored.
func (b *Ballot) grant(peer NodeID) {
	if !slices.Contains(b.Voters, peer) && !slices.Contains(b.OldVoters, peer) {
		return
	}
	if i, found := slices.BinarySearch(b.Granted, peer); !found {
		b.Granted = slices.Insert(b.Granted, i, peer)
	}
}

// isGranted reports whether a quorum of Voters (and of OldVoters, if any)
// has acknowledged.
func (b *Ballot) isGranted() bool {
	return hasQuorum(b.Voters, b.Granted) && (len(b.OldVoters) == 0 || hasQuorum(b.OldVoters, b.Granted))
}

// hasQuorum reports whether more than half of voters are in granted. An
// empty voter set has no quorum.
func hasQuorum(voters, granted []NodeID) bool {
	n := 0
	for _, v := range voters {
		if _, ok := slices.BinarySearch(granted, v); ok {
			n++
		}
	}
	return len(voters) > 0 && n > len(voters)/2
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
	pending []Ballot
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
	bb.pending = bb.pending[committed-bb.pendingIndex+1:]
	bb.pendingIndex = committed + 1
	bb.lastCommittedIndex = committed
	return true
}

func (bb *ballotBox) status() *BallotBoxStatus {
	s := &BallotBoxStatus{PendingIndex: bb.pendingIndex, LastCommittedIndex: bb.lastCommittedIndex, Pending: len(bb.pending)}
	for _, b := range bb.pending[:min(len(bb.pending), MaxStatusBallots)] {
		b.Granted = slices.Clone(b.Granted)
		s.Ballots = append(s.Ballots, b)
	}
	return s
}
