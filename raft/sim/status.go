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
	// ResponseDelay is the most extra latency the node's responses get
	// (SetResponseDelay), up or down.
	ResponseDelay time.Duration `json:"response_delay_ns"`
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
	var s Status
	w.StatusInto(&s)
	for i := range s.Wire {
		s.Wire[i].Summary = w.wire.find(s.Wire[i].ID).msg.String()
	}
	return s
}

// StatusInto fills s with a snapshot of the world like Status, except that
// it leaves each message's Summary empty (formatting every message in
// flight is the dearest part), and it reuses the slices s already holds:
// the page calls it at every frame with one Status it keeps, and then
// allocates nothing once it has seen the world's largest state.
func (w *World) StatusInto(s *Status) {
	*s = Status{Now: w.now, Seed: w.opts.Seed, Leader: w.Leader(), Events: w.trace.Len(),
		Nodes: s.Nodes[:0], Cut: s.Cut[:0], Wire: s.Wire[:0]}
	if w.violation != nil {
		s.Violation = w.violation.Error()
	}
	if s.Cut == nil {
		s.Cut = []Link{}
	}
	if s.Wire == nil {
		s.Wire = make([]WireStatus, 0, w.wire.len())
	}
	for _, sn := range w.nodes {
		if len(s.Nodes) < cap(s.Nodes) {
			s.Nodes = s.Nodes[:len(s.Nodes)+1]
		} else {
			s.Nodes = append(s.Nodes, NodeStatus{})
		}
		sn.statusInto(&s.Nodes[len(s.Nodes)-1])
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
			Sent: wm.sent, Arrive: wm.arrive, Entries: len(wm.msg.Entries)})
	}
}

// statusInto fills ns, reusing the slices it holds.
func (sn *simNode) statusInto(ns *NodeStatus) {
	if sn.node != nil {
		sn.node.StatusInto(&ns.Status)
		ns.Up, ns.AppliedCount, ns.ResponseDelay = true, sn.appliedCount, sn.respDelay
		return
	}
	// Down: only the disk is observable.
	d := &sn.disk
	st := raft.Status{ID: sn.id, Term: d.state.Term, Vote: d.state.Vote, FirstIndex: d.firstIndex(), LastIndex: d.lastIndex()}
	st.StableIndex = st.LastIndex
	if s := d.state.Snapshot; s != nil {
		st.SnapshotIndex, st.SnapshotTerm = s.Index, s.Term
	}
	*ns = NodeStatus{Status: st, ResponseDelay: sn.respDelay}
}

// status returns the node's status in a new NodeStatus.
func (sn *simNode) status() NodeStatus {
	var ns NodeStatus
	sn.statusInto(&ns)
	return ns
}
