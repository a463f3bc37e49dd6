package raft

import (
	"slices"
	"time"
)

// ReplicatorState is the replication mode of one follower, as in SOFAJRaft.
type ReplicatorState uint8

const (
	// StateProbe: one empty AppendEntries at a time, to find where the
	// follower's log matches.
	StateProbe ReplicatorState = iota
	// StateReplicate: the match is known; appends are pipelined.
	StateReplicate
	// Snapshot: the follower needs entries this leader has compacted.
	StateSnapshot
)

// String returns the state's name as SOFAJRaft spells it.
func (s ReplicatorState) String() string {
	switch s {
	case StateProbe:
		return "Probe"
	case StateReplicate:
		return "Replicate"
	case StateSnapshot:
		return "Snapshot"
	}
	return "?"
}

// MarshalText makes replicator states readable in JSON.
func (s ReplicatorState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// RequestType is the type of an in-flight request.
type RequestType uint8

const (
	// RequestAppend is an AppendEntries (a probe when Count is 0).
	RequestAppend RequestType = iota
	// RequestSnapshot is an InstallSnapshot.
	RequestSnapshot
)

// MarshalText makes request types readable in JSON.
func (t RequestType) MarshalText() ([]byte, error) {
	if t == RequestSnapshot {
		return []byte("snapshot"), nil
	}
	return []byte("append"), nil
}

// Inflight records one request sent and not yet answered.
type Inflight struct {
	// Type is an append (a probe when Count is 0) or a snapshot.
	Type RequestType `json:"type"`
	// StartIndex is the first entry's index (prevLogIndex+1).
	StartIndex uint64 `json:"start_index"`
	// Count is the number of entries (0 for a probe or a snapshot).
	Count int `json:"count"`
	// Bytes is the entries' weight (Entry.Size), or the snapshot's size.
	Bytes int `json:"bytes"`
	// Seq of the request.
	Seq uint64 `json:"seq"`
	// Sent is when the request left.
	Sent time.Duration `json:"sent_ns"`
}

// pendingResponse is a response (or an RPC failure) waiting for its turn.
type pendingResponse struct {
	seq uint64
	msg Message
	// failed marks an RPC error: the request never got an answer.
	failed bool
}

// replicator drives log replication to one peer.
type replicator struct {
	// peer is the follower (or learner) this replicator sends to.
	peer NodeID
	// state is Probe (one probe at a time), Replicate (pipelined appends)
	// or Snapshot (an InstallSnapshot in flight).
	state ReplicatorState
	// nextIndex is the next entry the follower is known to need once every
	// in-flight request succeeds from it. Invariant: matchIndex < nextIndex.
	nextIndex uint64
	// matchIndex is the highest index known to be on the follower.
	matchIndex uint64
	// inflights is the FIFO of requests sent and unanswered, oldest first;
	// its last element is SOFAJRaft's rpcInFly. Length <= MaxInflight.
	inflights []Inflight
	// seq is the sequence number the next request gets.
	seq uint64
	// requiredNextSeq is the seq of the only response that may be handled
	// next. Invariant: requiredNextSeq <= seq.
	requiredNextSeq uint64
	// version is bumped on every reset; responses of older versions are
	// stale. It starts above the versions of every replicator the node
	// had before (Node.replicatorVersion), so that versions never repeat
	// for a peer while the node lives.
	version uint64
	// pending holds responses that arrived before their turn, by seq.
	pending []pendingResponse
	// hasSucceeded: the peer has accepted a request of this replicator.
	// Until then it cannot count as caught up (SOFAJRaft's hasSucceeded).
	hasSucceeded bool
	// consecutiveErrors counts RPC failures since the last success.
	consecutiveErrors int
	// blockedUntil: after an RPC error nothing but heartbeats is sent before
	// this time. Zero when not blocked.
	blockedUntil time.Duration
	// heartbeatDue is when the heartbeat timer next fires.
	heartbeatDue time.Duration
	// lastRPCSend is the send time of the newest request the peer answered
	// in this term, accepted or rejected, in its turn or stale (see
	// heardFrom): SOFAJRaft's lastRpcSendTimestamp. Check-quorum and the
	// lease count the peer as heard since then (lease.go). It is never
	// until the peer answers: unlike SOFAJRaft, which stamps a new
	// replicator with the current time, a peer that answered nothing has
	// promised nothing.
	lastRPCSend time.Duration
	// readAck is the newest heartbeat read round this peer answered.
	readAck uint64
	// timeoutNowIndex: when non-zero, a leadership transfer waits for this
	// peer to reach it, then sends TimeoutNow.
	timeoutNowIndex uint64
	// repairs counts the times a rejection moved nextIndex back, and
	// lastRepair is the latest (for views and traces).
	repairs    uint64
	lastRepair Repair
	// changes counts the writes of what Node.ReplicatorStates shows of
	// this replicator (state, blocking, version, repairs), whether or not
	// they changed it: state and blockedUntil are written only through
	// setState and block, and version and repairs bump it where they grow
	// (see Node.ReplicatorChanges).
	changes uint64
}

// setState moves the replicator to state s.
func (r *replicator) setState(s ReplicatorState) {
	r.state = s
	r.changes++
}

// block sets blockedUntil (0: unblocked).
func (r *replicator) block(until time.Duration) {
	r.blockedUntil = until
	r.changes++
}

// Repair is one move of a replicator's nextIndex back after its follower
// rejected an append (seed §5, nextIndex repair).
type Repair struct {
	// At is when the rejection was handled.
	At time.Duration `json:"at_ns"`
	// From and To are nextIndex before and after.
	From uint64 `json:"from"`
	To   uint64 `json:"to"`
	// Reason says how To was chosen.
	Reason RepairReason `json:"reason"`
	// FollowerLast is the follower's last index, as it answered.
	FollowerLast uint64 `json:"follower_last"`
	// ConflictTerm is, for RepairConflictTerm, the follower's term at the
	// rejected index.
	ConflictTerm uint64 `json:"conflict_term,omitempty"`
	// PrevIndex and PrevTerm are the entry the rejected request asked the
	// follower to hold (its prevLogIndex, and the leader's term there; 0
	// when the leader's log no longer has it). FollowerTerm is the
	// follower's term at PrevIndex, 0 when its log ends before it.
	PrevIndex    uint64 `json:"prev_index"`
	PrevTerm     uint64 `json:"prev_term"`
	FollowerTerm uint64 `json:"follower_term"`
}

// RepairReason says how a repair chose the new nextIndex.
type RepairReason uint8

// The reasons.
const (
	// RepairFollowerBehind: the follower's log ends before nextIndex; the
	// next probe starts after its last entry.
	RepairFollowerBehind RepairReason = iota + 1
	// RepairConflictTerm: the follower named its conflicting term; the
	// probe skips that whole term (Config.BacktrackByTerm).
	RepairConflictTerm
	// RepairStepBack: the follower holds a different entry at the previous
	// index; the probe steps back one entry.
	RepairStepBack
)

func (r RepairReason) String() string {
	switch r {
	case RepairFollowerBehind:
		return "follower behind"
	case RepairConflictTerm:
		return "conflicting term"
	case RepairStepBack:
		return "step back"
	}
	return "none"
}

// MarshalText makes reasons readable in JSON.
func (r RepairReason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

func newReplicator(peer NodeID, nextIndex, version uint64) *replicator {
	return &replicator{peer: peer, state: StateProbe, nextIndex: nextIndex, seq: 1, requiredNextSeq: 1, version: version, lastRPCSend: never}
}

// resetInflights forgets every request in flight and every early response
// (SOFAJRaft's resetInflights): responses still on the wire become stale.
func (r *replicator) resetInflights() {
	r.version++
	r.changes++
	r.inflights = r.inflights[:0]
	r.pending = r.pending[:0]
	r.seq = max(r.seq, r.requiredNextSeq)
	r.requiredNextSeq = r.seq
}

// nextSendIndex is where the next append starts, or 0 when nothing may be
// sent now (SOFAJRaft's getNextSendIndex).
func (r *replicator) nextSendIndex(maxInflight int) uint64 {
	if len(r.inflights) == 0 {
		return r.nextIndex
	}
	if len(r.inflights) >= maxInflight {
		return 0
	}
	last := r.inflights[len(r.inflights)-1]
	if last.Type == RequestAppend && last.Count > 0 {
		return last.StartIndex + uint64(last.Count)
	}
	return 0
}

// expiry is when the oldest request in flight times out, or 0 when
// nothing is in flight. Requests leave in order, so the oldest expires
// first.
func (r *replicator) expiry(timeout time.Duration) time.Duration {
	if len(r.inflights) == 0 {
		return 0
	}
	return r.inflights[0].Sent + timeout
}

// popInflight removes and returns the oldest request in flight. The FIFO
// shifts down rather than re-slicing, so it keeps its capacity; by a
// loop, as it holds a few requests at most (MaxInflight), for which a
// memmove's call cost more than the moves.
func (r *replicator) popInflight() Inflight {
	in := r.inflights[0]
	rest := len(r.inflights) - 1
	for i := range rest {
		r.inflights[i] = r.inflights[i+1]
	}
	r.inflights = r.inflights[:rest]
	return in
}

// popPending removes and returns the first response waiting, keeping the
// queue's capacity; the slot it frees holds no message.
func (r *replicator) popPending() pendingResponse {
	p := r.pending[0]
	k := copy(r.pending, r.pending[1:])
	r.pending[k] = pendingResponse{}
	r.pending = r.pending[:k]
	return p
}

func (r *replicator) addInflight(in Inflight) {
	r.inflights = append(r.inflights, in)
}

// queueResponse inserts a response in seq order.
func (r *replicator) queueResponse(p pendingResponse) {
	i, _ := slices.BinarySearchFunc(r.pending, p.seq, func(q pendingResponse, seq uint64) int {
		switch {
		case q.seq < seq:
			return -1
		case q.seq > seq:
			return 1
		}
		return 0
	})
	r.pending = slices.Insert(r.pending, i, p)
}

// statusInto fills s, reusing its Inflights and PendingResponses arrays.
func (r *replicator) statusInto(s *ReplicatorStatus) {
	*s = ReplicatorStatus{
		Peer:              r.peer,
		State:             r.state,
		NextIndex:         r.nextIndex,
		MatchIndex:        r.matchIndex,
		Inflights:         append(s.Inflights[:0], r.inflights...),
		Seq:               r.seq,
		RequiredNextSeq:   r.requiredNextSeq,
		Version:           r.version,
		ConsecutiveErrors: r.consecutiveErrors,
		BlockedUntil:      r.blockedUntil,
		HeartbeatDue:      r.heartbeatDue,
		LastContactSent:   max(r.lastRPCSend, 0), // 0 until the peer answers
		TimeoutNowIndex:   r.timeoutNowIndex,
		HasSucceeded:      r.hasSucceeded,
		Repairs:           r.repairs,
		LastRepair:        r.lastRepair,
		PendingResponses:  s.PendingResponses[:0],
	}
	if s.Inflights == nil {
		s.Inflights = []Inflight{}
	}
	for _, p := range r.pending {
		s.PendingResponses = append(s.PendingResponses, p.seq)
	}
	if s.PendingResponses == nil {
		s.PendingResponses = []uint64{}
	}
}
