package raft

import (
	"slices"
	"time"
)

// Status is a plain snapshot of everything observable about a node. It
// shares nothing with the node, so callers may keep it.
type Status struct {
	// ID is the node's id.
	ID NodeID `json:"id"`
	// Role is the node's role.
	Role Role `json:"role"`
	// Term is the current term.
	Term uint64 `json:"term"`
	// Vote is the candidate voted for in Term, or None.
	Vote NodeID `json:"vote"`
	// Leader is the leader this node knows of, or None.
	Leader NodeID `json:"leader"`

	// FirstIndex is the first index in the log (after the snapshot).
	FirstIndex uint64 `json:"first_index"`
	// LastIndex is the index of the last entry.
	LastIndex uint64 `json:"last_index"`
	// LastLogTerm is the term of the last entry.
	LastLogTerm uint64 `json:"last_log_term"`
	// StableIndex is the last index known durable (acknowledged by Advance).
	StableIndex uint64 `json:"stable_index"`
	// CommitIndex is the highest index known committed.
	CommitIndex uint64 `json:"commit_index"`
	// AppliedIndex is the last index handed out for application.
	AppliedIndex uint64 `json:"applied_index"`

	// ElectionDue is when this node starts an election (or pre-vote) if it
	// hears from no leader; zero on a leader.
	ElectionDue time.Duration `json:"election_due_ns"`
	// ElectionArmed is when the election timer was last reset: it runs
	// from ElectionArmed to ElectionDue. Zero on a leader.
	ElectionArmed time.Duration `json:"election_armed_ns"`
	// StepDownDue is when a leader next checks that it still hears a quorum.
	StepDownDue time.Duration `json:"step_down_due_ns,omitempty"`

	// Conf is the configuration in force (the latest in the log).
	Conf ConfigState `json:"conf"`
	// Votes granted to this node in its current (pre-)election.
	Votes []NodeID `json:"votes,omitempty"`

	// Replicators, one per peer, only on a leader; sorted by peer.
	Replicators []ReplicatorStatus `json:"replicators,omitempty"`
	// BallotBox, only on a leader.
	BallotBox *BallotBoxStatus `json:"ballot_box,omitempty"`
	// TermStart is the index of the leader's first entry of its term.
	TermStart uint64 `json:"term_start,omitempty"`
	// ConfChange is the membership change in progress, only on a leader.
	ConfChange *ConfChangeStatus `json:"conf_change,omitempty"`
	// Transferee is the target of a leadership transfer in progress.
	Transferee NodeID `json:"transferee,omitempty"`
	// TransferDue is when the transfer is given up.
	TransferDue time.Duration `json:"transfer_due_ns,omitempty"`
	// PendingReads counts reads waiting for their heartbeat round.
	PendingReads int `json:"pending_reads,omitempty"`
	// SnapshotIndex is the last index of the latest snapshot (0 if none).
	SnapshotIndex uint64 `json:"snapshot_index"`
	// SnapshotTerm is the term of that index.
	SnapshotTerm uint64 `json:"snapshot_term"`
}

// ReplicatorStatus is the observable state of one replicator.
type ReplicatorStatus struct {
	// Peer is the follower this replicator sends to.
	Peer NodeID `json:"peer"`
	// State is Probe, Replicate or Snapshot.
	State ReplicatorState `json:"state"`
	// NextIndex is the next entry to send once everything in flight has
	// succeeded. MatchIndex < NextIndex <= the leader's last index + 1.
	NextIndex uint64 `json:"next_index"`
	// MatchIndex is the highest index known to be on the follower.
	MatchIndex uint64 `json:"match_index"`
	// Inflights are the requests sent and not answered, oldest first; the
	// last one is SOFAJRaft's rpcInFly.
	Inflights []Inflight `json:"inflights"`
	// Seq is the sequence number the next request gets.
	Seq uint64 `json:"seq"`
	// RequiredNextSeq is the seq of the only response that may be
	// handled next.
	RequiredNextSeq uint64 `json:"required_next_seq"`
	// Version is bumped by every reset; older responses are stale.
	Version uint64 `json:"version"`
	// PendingResponses are the seqs of responses that arrived before
	// their turn, in seq order.
	PendingResponses []uint64 `json:"pending_responses"`
	// ConsecutiveErrors counts RPC failures since the last success.
	ConsecutiveErrors int `json:"consecutive_errors"`
	// BlockedUntil is when a replicator blocked after an RPC error probes
	// again; zero when not blocked.
	BlockedUntil time.Duration `json:"blocked_until_ns"`
	// HeartbeatDue is when the next heartbeat goes out.
	HeartbeatDue time.Duration `json:"heartbeat_due_ns"`
	// LastContactSent is the send time of the newest request the peer
	// answered (SOFAJRaft's lastRpcSendTimestamp): the peer was in contact
	// at or after it. It is a send time, not the time the answer came; 0
	// until the peer answers anything.
	LastContactSent time.Duration `json:"last_contact_sent_ns"`
	// TimeoutNowIndex, when non-zero, is the index a leadership transfer
	// waits for this peer to reach before it sends TimeoutNow.
	TimeoutNowIndex uint64 `json:"timeout_now_index"`
	// HasSucceeded: the peer has accepted a request of this replicator
	// (SOFAJRaft's hasSucceeded); until then it is not caught up.
	HasSucceeded bool `json:"has_succeeded"`
	// Repairs counts the times a rejection moved NextIndex back, and
	// LastRepair is the latest (zero before any).
	Repairs    uint64 `json:"repairs"`
	LastRepair Repair `json:"last_repair"`
}

// BallotBoxStatus is the observable state of the ballot box.
type BallotBoxStatus struct {
	// PendingIndex is the first index with a ballot.
	PendingIndex uint64 `json:"pending_index"`
	// LastCommittedIndex is the highest index known committed.
	LastCommittedIndex uint64 `json:"last_committed_index"`
	// Pending is how many ballots are open (indexes PendingIndex and on).
	Pending int `json:"pending"`
	// Ballots are the first open ballots, one per index from PendingIndex,
	// at most MaxStatusBallots of them so Status stays cheap.
	Ballots []Ballot `json:"ballots"`
}

// MaxStatusBallots bounds BallotBoxStatus.Ballots.
const MaxStatusBallots = 32

// Status returns a snapshot of the node.
func (n *Node) Status() Status {
	var s Status
	n.StatusInto(&s)
	return s
}

// StatusInto fills s with a snapshot of the node, like Status, but reuses
// the slices s already holds (from an earlier call) instead of allocating
// new ones: a caller that shows a node at every frame keeps one Status and
// allocates nothing once it has seen the node's largest state. s shares
// nothing with the node; a slice taken from s before the call is
// overwritten by it.
func (n *Node) StatusInto(s *Status) {
	*s = Status{
		ID:            n.id,
		Role:          n.role,
		Term:          n.term,
		Vote:          n.vote,
		Leader:        n.leader,
		FirstIndex:    n.log.firstIndex(),
		LastIndex:     n.log.lastIndex(),
		LastLogTerm:   n.log.lastTerm(),
		StableIndex:   n.log.stable,
		CommitIndex:   n.commitIndex,
		AppliedIndex:  n.applied,
		ElectionDue:   n.electionDue,
		ElectionArmed: n.electionArmed,
		Conf:          n.conf.cloneInto(s.Conf),
		SnapshotIndex: n.log.snapIndex,
		SnapshotTerm:  n.log.snapTerm,
		// The buffers to reuse, emptied (nil until first needed).
		Votes:       s.Votes[:0],
		Replicators: s.Replicators[:0],
		BallotBox:   s.BallotBox,
		ConfChange:  s.ConfChange,
	}
	if n.role == Leader {
		s.ElectionDue, s.ElectionArmed = 0, 0
		s.StepDownDue = n.stepDownDue
	}
	for id := range n.votes {
		s.Votes = append(s.Votes, id)
	}
	slices.Sort(s.Votes)
	if len(s.Votes) == 0 {
		s.Votes = nil
	}
	if n.role != Leader {
		s.Replicators, s.BallotBox, s.ConfChange = nil, nil, nil
		return
	}
	for _, r := range n.replicators {
		var rs *ReplicatorStatus
		if len(s.Replicators) < cap(s.Replicators) {
			s.Replicators = s.Replicators[:len(s.Replicators)+1]
			rs = &s.Replicators[len(s.Replicators)-1]
		} else {
			s.Replicators = append(s.Replicators, ReplicatorStatus{})
			rs = &s.Replicators[len(s.Replicators)-1]
		}
		r.statusInto(rs)
	}
	if len(s.Replicators) == 0 {
		s.Replicators = nil
	}
	if s.BallotBox == nil {
		s.BallotBox = &BallotBoxStatus{}
	}
	n.ballots.statusInto(s.BallotBox)
	s.TermStart = n.termStart
	if s.ConfChange == nil {
		s.ConfChange = &ConfChangeStatus{}
	}
	n.confCtx.statusInto(s.ConfChange)
	s.Transferee, s.TransferDue = n.transferee, n.transferDue
	s.PendingReads = len(n.reads)
}
