package sim

import (
	"errors"
	"fmt"
	"slices"

	"github.com/raftplayground/raftplayground/raft"
)

// This file is what an operator does to the cluster through its leader:
// leadership transfer and membership changes.

// errNoLeader refuses an operation that needs a leader.
var errNoLeader = errors.New("sim: no leader")

// TransferLeadership asks the leader to hand leadership to node to (None:
// the most up-to-date voter).
func (w *World) TransferLeadership(to raft.NodeID) error {
	lead := w.Leader()
	if lead == raft.None {
		return errNoLeader
	}
	if to != raft.None {
		if _, err := w.node(to); err != nil {
			return err
		}
	}
	sn := w.nodes[lead-1]
	if err := w.stepNode(sn, func(n *raft.Node) error { return n.TransferLeadership(w.now, to) }); err != nil {
		return err
	}
	w.intervene(Intervention{Kind: "transfer", Node: to})
	w.record(EvFault, lead, FormatTransfer, num(lead), num(to))
	return nil
}

// ChangePeers asks the leader to move to the given voters and learners.
func (w *World) ChangePeers(voters, learners []raft.NodeID) error {
	lead := w.Leader()
	if lead == raft.None {
		return errNoLeader
	}
	for _, id := range slices.Concat(voters, learners) {
		if _, err := w.node(id); err != nil {
			return err
		}
	}
	sn := w.nodes[lead-1]
	if err := w.stepNode(sn, func(n *raft.Node) error { return n.ChangePeers(w.now, voters, learners) }); err != nil {
		return err
	}
	w.intervene(Intervention{Kind: "change-peers", Voters: slices.Clone(voters), Learners: slices.Clone(learners)})
	w.recordf(EvFault, lead, FormatChangePeers, fmt.Sprint(voters), fmt.Sprint(learners))
	return nil
}
