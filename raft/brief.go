package raft

import "time"

// Brief is the part of a node's Status that a picture of the cluster
// redrawn at every animation frame shows: copied fields only, so that
// Brief allocates, sorts and formats nothing (Status fills lists of
// replicators, votes and ballots that a frame does not draw). Each field
// is Status's field of the same name, but HeartbeatDue.
type Brief struct {
	ID     NodeID
	Role   Role
	Term   uint64
	Vote   NodeID
	Leader NodeID

	FirstIndex    uint64
	LastIndex     uint64
	StableIndex   uint64
	CommitIndex   uint64
	AppliedIndex  uint64
	SnapshotIndex uint64

	// ElectionArmed and ElectionDue bound the election timer; zero on a
	// leader.
	ElectionArmed time.Duration
	ElectionDue   time.Duration
	// HeartbeatDue is when a leader next sends a heartbeat to any follower
	// (the earliest of its replicators' HeartbeatDue); zero when it has no
	// follower or does not lead.
	HeartbeatDue time.Duration
}

// Brief returns the node's Brief.
func (n *Node) Brief() Brief {
	b := Brief{
		ID: n.id, Role: n.role, Term: n.term, Vote: n.vote, Leader: n.leader,
		FirstIndex: n.log.firstIndex(), LastIndex: n.log.lastIndex(), StableIndex: n.log.stable,
		CommitIndex: n.commitIndex, AppliedIndex: n.applied, SnapshotIndex: n.log.snapIndex,
	}
	if n.role != Leader {
		b.ElectionArmed, b.ElectionDue = n.electionArmed, n.electionDue
		return b
	}
	for i, r := range n.replicators {
		if i == 0 || r.heartbeatDue < b.HeartbeatDue {
			b.HeartbeatDue = r.heartbeatDue
		}
	}
	return b
}
