package raft

// ReplicatorStates appends, for a leader, each replicator's peer and state
// to buf, in peer order; it is a cheap way to notice state changes without
// building a whole Status.
func (n *Node) ReplicatorStates(buf []PeerState) []PeerState {
	for _, r := range n.replicators {
		buf = append(buf, PeerState{Peer: r.peer, State: r.state, Blocked: r.blockedUntil != 0,
			Version: r.version, Repairs: r.repairs, LastRepair: r.lastRepair})
	}
	return buf
}

// ReplicatorChanges is a count that grows whenever what ReplicatorStates
// returns may have changed (and at times when it did not): a caller that
// keeps ReplicatorStates' answer need ask again only once this count has
// moved. It costs a few additions, where ReplicatorStates copies every
// replicator's state.
func (n *Node) ReplicatorChanges() uint64 {
	c := n.replicatorsChanged
	for _, r := range n.replicators {
		c += r.changes
	}
	return c
}

// ElectedBy returns, for a leader, the voters whose votes made it leader
// of its term, by id; nil for any other role. The caller must not change
// the slice.
func (n *Node) ElectedBy() []NodeID {
	if n.role != Leader {
		return nil
	}
	return n.electedBy
}

// PeerState is a replicator's peer, state and whether it is blocked.
type PeerState struct {
	// Peer is the replicator's follower.
	Peer NodeID
	// State is the replicator's state.
	State ReplicatorState
	// Blocked: the replicator waits after an RPC error.
	Blocked bool
	// Version is bumped by every reset of the pipeline.
	Version uint64
	// Repairs counts nextIndex repairs; LastRepair is the latest.
	Repairs    uint64
	LastRepair Repair
}
