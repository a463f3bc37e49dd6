package sim

import (
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// Status is a plain snapshot of the whole world, JSON-tagged.
type Status struct {
	Now    time.Duration `json:"now_ns"`
	Seed   uint64        `json:"seed"`
	Leader raft.NodeID   `json:"leader"`
	Nodes  []NodeStatus  `json:"nodes"`
	// Cut lists the links that are down.
	Cut []Link `json:"cut"`
	// Wire lists the messages in flight, oldest first.
	Wire []WireStatus `json:"wire"`
	// Events is the number of trace events so far.
	Events uint64 `json:"events"`
	// Violation explains the safety violation that stopped the run, if any.
	Violation string `json:"violation,omitempty"`
}

// NodeStatus is one node: its core status when up, its disk when down.
type NodeStatus struct {
	raft.Status
	Up bool `json:"up"`
	// AppliedCount is how many entries this incarnation applied.
	AppliedCount int `json:"applied_count"`
}

// Link is a directed link.
type Link struct {
	From raft.NodeID `json:"from"`
	To   raft.NodeID `json:"to"`
}

// WireStatus is one message in flight.
type WireStatus struct {
	ID      MsgID         `json:"id"`
	Held    bool          `json:"held,omitempty"`
	Type    raft.MsgType  `json:"type"`
	From    raft.NodeID   `json:"from"`
	To      raft.NodeID   `json:"to"`
	Sent    time.Duration `json:"sent_ns"`
	Arrive  time.Duration `json:"arrive_ns"`
	Entries int           `json:"entries"`
	Summary string        `json:"summary"`
}

// Status returns a snapshot of the world.
func (w *World) Status() Status {
	s := Status{Now: w.now, Seed: w.opts.Seed, Leader: w.Leader(), Events: w.trace.Len(),
		Cut: []Link{}, Wire: make([]WireStatus, 0, w.wire.len())}
	if w.violation != nil {
		s.Violation = w.violation.Error()
	}
	for _, sn := range w.nodes {
		s.Nodes = append(s.Nodes, sn.status())
	}
	for i, row := range w.links {
		for j, l := range row {
			if i != j && !l.up {
				s.Cut = append(s.Cut, Link{From: raft.NodeID(i + 1), To: raft.NodeID(j + 1)})
			}
		}
	}
	for wm := range w.wire.all() {
		s.Wire = append(s.Wire, WireStatus{ID: wm.id, Held: wm.held, Type: wm.msg.Type, From: wm.msg.From, To: wm.msg.To,
			Sent: wm.sent, Arrive: wm.arrive, Entries: len(wm.msg.Entries), Summary: wm.msg.String()})
	}
	return s
}

func (sn *simNode) status() NodeStatus {
	if sn.node != nil {
		return NodeStatus{Status: sn.node.Status(), Up: true, AppliedCount: sn.appliedCount}
	}
	// Down: only the disk is observable.
	d := &sn.disk
	st := raft.Status{ID: sn.id, Term: d.state.Term, Vote: d.state.Vote, FirstIndex: d.firstIndex(), LastIndex: d.lastIndex()}
	st.StableIndex = st.LastIndex
	if s := d.state.Snapshot; s != nil {
		st.SnapshotIndex, st.SnapshotTerm = s.Index, s.Term
	}
	return NodeStatus{Status: st}
}
