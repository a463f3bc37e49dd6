package raft

import (
	"slices"
	"time"
)

// Status is a plain snapshot of everything observable about a node. It
// shares nothing with the node, so callers may keep it.
type Status struct {
	ID     NodeID `json:"id"`
	Role   Role   `json:"role"`
	Term   uint64 `json:"term"`
	Vote   NodeID `json:"vote"`
	Leader NodeID `json:"leader"`

	FirstIndex   uint64 `json:"first_index"`
	LastIndex    uint64 `json:"last_index"`
	LastLogTerm  uint64 `json:"last_log_term"`
	StableIndex  uint64 `json:"stable_index"`
	CommitIndex  uint64 `json:"commit_index"`
	AppliedIndex uint64 `json:"applied_index"`

	// ElectionDue is when this node starts an election (or pre-vote) if it
	// hears from no leader; zero on a leader.
	ElectionDue time.Duration `json:"election_due_ns"`
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
	Transferee  NodeID        `json:"transferee,omitempty"`
	TransferDue time.Duration `json:"transfer_due_ns,omitempty"`
	// PendingReads counts reads waiting for their heartbeat round.
	PendingReads int `json:"pending_reads,omitempty"`
	// SnapshotIndex and SnapshotTerm of the latest snapshot (0 if none).
	SnapshotIndex uint64 `json:"snapshot_index"`
	SnapshotTerm  uint64 `json:"snapshot_term"`
}

// ReplicatorStatus is the observable state of one replicator.
type ReplicatorStatus struct {
	Peer              NodeID          `json:"peer"`
	State             ReplicatorState `json:"state"`
	NextIndex         uint64          `json:"next_index"`
	MatchIndex        uint64          `json:"match_index"`
	Inflights         []Inflight      `json:"inflights"`
	Seq               uint64          `json:"seq"`
	RequiredNextSeq   uint64          `json:"required_next_seq"`
	Version           uint64          `json:"version"`
	PendingResponses  []uint64        `json:"pending_responses"`
	ConsecutiveErrors int             `json:"consecutive_errors"`
	BlockedUntil      time.Duration   `json:"blocked_until_ns"`
	HeartbeatDue      time.Duration   `json:"heartbeat_due_ns"`
	LastResponse      time.Duration   `json:"last_response_ns"`
	TimeoutNowIndex   uint64          `json:"timeout_now_index"`
}

// BallotBoxStatus is the observable state of the ballot box.
type BallotBoxStatus struct {
	PendingIndex       uint64   `json:"pending_index"`
	LastCommittedIndex uint64   `json:"last_committed_index"`
	Ballots            []Ballot `json:"ballots"`
}

// Status returns a snapshot of the node.
func (n *Node) Status() Status {
	s := Status{
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
		Conf:          n.conf.Clone(),
		SnapshotIndex: n.log.snapIndex,
		SnapshotTerm:  n.log.snapTerm,
	}
	if n.role == Leader {
		s.ElectionDue = 0
		s.StepDownDue = n.stepDownDue
	}
	for id := range n.votes {
		s.Votes = append(s.Votes, id)
	}
	slices.Sort(s.Votes)
	if n.role != Leader {
		return s
	}
	for _, r := range n.replicators {
		s.Replicators = append(s.Replicators, r.status())
	}
	s.BallotBox = n.ballots.status()
	s.TermStart = n.termStart
	cc := n.confCtx.status()
	s.ConfChange = &cc
	s.Transferee, s.TransferDue = n.transferee, n.transferDue
	s.PendingReads = len(n.reads)
	return s
}
