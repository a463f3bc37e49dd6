package scene

import (
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// SpaceTime is the recent past as a sequence diagram: one lane per node,
// time running from From to To, each node's roles as spans along its lane
// and each message as an arrow from its sender's lane at its send time to
// its receiver's lane at the time it arrived (or now, or when it was
// lost).
type SpaceTime struct {
	From, To time.Duration
	// Nodes is the number of lanes; lane i is node i+1.
	Nodes  int
	Spans  []Span
	Arrows []Arrow
}

// Span is a node in one role (or down) over [From, To).
type Span struct {
	Node     raft.NodeID
	Up       bool
	Role     raft.Role
	Term     uint64
	From, To time.Duration
}

// Arrow is a message drawn from (Sent, sender's lane) to (End, receiver's
// lane); Ended tells whether End is the end of its life or only now.
type Arrow struct {
	sim.MsgRecord
	// End is where the arrow stops in time.
	End time.Duration
	// Ended: the message's life is over (see Outcome); otherwise it is
	// still on the wire and the arrow stops at the diagram's To.
	Ended bool
}

// SpaceTimeBuilder builds diagrams, keeping its buffers.
type SpaceTimeBuilder struct {
	roles []sim.RoleChange
	st    SpaceTime
}

// Build returns the diagram of w over the window before now. It is valid
// until the next Build.
func (b *SpaceTimeBuilder) Build(w *sim.World, window time.Duration) *SpaceTime {
	now := w.Now()
	st := &b.st
	st.From, st.To, st.Nodes = max(0, now-window), now, w.Options().Nodes

	// Each node's spans: from each change to the node's next one (or now).
	b.roles = w.RoleLog(b.roles[:0])
	st.Spans = st.Spans[:0]
	for i, rc := range b.roles {
		end := now
		for _, next := range b.roles[i+1:] {
			if next.Node == rc.Node {
				end = next.At
				break
			}
		}
		if end < st.From || (end == rc.At && end != now) {
			continue // before the window, or replaced at once
		}
		st.Spans = append(st.Spans, Span{Node: rc.Node, Up: rc.Up, Role: rc.Role, Term: rc.Term,
			From: max(rc.At, st.From), To: end})
	}

	// The records are read in place (MessageRecord) and each one shown is
	// copied once, straight into its arrow: a busy cluster keeps a
	// thousand, and copying each three times was most of a frame.
	st.Arrows = st.Arrows[:0]
	for i := range w.MessageRecords() {
		r := w.MessageRecord(i)
		if r.Outcome != sim.InFlight && r.End < st.From {
			continue
		}
		st.Arrows = append(st.Arrows, Arrow{})
		a := &st.Arrows[len(st.Arrows)-1]
		a.MsgRecord, a.End = *r, now
		if r.Outcome != sim.InFlight {
			a.End, a.Ended = r.End, true
		}
	}
	return st
}
