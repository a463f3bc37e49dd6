// Package scene is what the page draws moving, computed from a world at one
// virtual time: the nodes on a ring with their timers, the links, the
// messages flying along them, and a space-time diagram of the recent past.
// It formats no text, and a Builder that is reused allocates nothing per
// frame once it has seen the world's largest state; the page paints a
// Scene on a canvas at every animation frame.
//
// Coordinates are in a unit square: (0,0) top left, (1,1) bottom right.
package scene

import (
	"math"
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// Point is a position in the unit square.
type Point struct{ X, Y float64 }

// Timer is the timer a node's ring shows.
type Timer uint8

// The timers.
const (
	TimerNone      Timer = iota // a crashed node
	TimerElection               // a follower's or candidate's election timer
	TimerHeartbeat              // a leader's next heartbeat
)

// Node is one node as drawn.
type Node struct {
	ID raft.NodeID
	// At is the node's centre.
	At   Point
	Up   bool
	Role raft.Role
	Term uint64
	Vote raft.NodeID
	// Timer is the timer its ring shows, and TimerLeft the fraction of
	// its period still to run (1 just reset, 0 due).
	Timer     Timer
	TimerLeft float64
}

// Link is a directed link as drawn.
type Link struct {
	From, To raft.NodeID
	Cut      bool
}

// Message is a message as drawn: on its way, or, for a short while after
// its life ended, where it ended.
type Message struct {
	sim.MsgRecord
	// At is where it is now.
	At Point
	// Progress is how far it has come: 0 at the sender, 1 at the
	// receiver.
	Progress float64
	// Fade is 1 while it is on the wire; after its life ended it falls to
	// 0 over the builder's Fade time.
	Fade float64
}

// Scene is everything that moves, at time Now.
type Scene struct {
	Now      time.Duration
	Leader   raft.NodeID
	Nodes    []Node
	Links    []Link
	Messages []Message
}

// Geometry of the ring, in the unit square.
const (
	// Radius of the ring the nodes sit on.
	ringRadius = 0.36
	// NodeRadius is the radius a node is drawn with.
	NodeRadius = 0.07
	// laneOffset is how far a message travels beside the line between
	// two nodes, so the two directions of a link do not overlap.
	laneOffset = 0.018
)

// Layout returns where n nodes sit: on a ring, the first at the top, then
// clockwise.
func Layout(n int, out []Point) []Point {
	out = out[:0]
	for i := range n {
		a := 2*math.Pi*float64(i)/float64(n) - math.Pi/2
		out = append(out, Point{X: 0.5 + ringRadius*math.Cos(a), Y: 0.5 + ringRadius*math.Sin(a)})
	}
	return out
}

// Builder builds scenes, keeping its buffers from one frame to the next.
// The Scene it returns is valid until its next Build.
type Builder struct {
	// Fade is how long, in virtual time, a message stays drawn after its
	// life ended. The page sets it from its speed, so that an ended
	// message shows for about the same wall-clock time at any speed.
	Fade time.Duration
	// Jump draws each message at one of two places instead of where it
	// is: a quarter of the way along its link until halfway, then three
	// quarters (for prefers-reduced-motion: it jumps once, and still
	// shows which way it goes).
	Jump bool

	frame  sim.Frame
	layout []Point
	scene  Scene
}

// Build returns the scene of w now.
func (b *Builder) Build(w *sim.World) *Scene {
	w.FrameInto(&b.frame)
	st := &b.frame
	opts := w.Options()
	s := &b.scene
	s.Now, s.Leader = st.Now, st.Leader
	b.layout = Layout(len(st.Nodes), b.layout)

	s.Nodes = s.Nodes[:0]
	for i := range st.Nodes {
		ns := &st.Nodes[i]
		n := Node{ID: ns.ID, At: b.layout[i], Up: ns.Up, Role: ns.Role, Term: ns.Term, Vote: ns.Vote}
		switch {
		case !ns.Up:
		case ns.Role == raft.Leader:
			n.Timer = TimerHeartbeat
			n.TimerLeft = heartbeatLeft(ns.HeartbeatDue, st.Now, opts.HeartbeatInterval)
		default:
			n.Timer = TimerElection
			n.TimerLeft = left(ns.ElectionArmed, ns.ElectionDue, st.Now)
		}
		s.Nodes = append(s.Nodes, n)
	}

	s.Links = s.Links[:0]
	for _, from := range st.Nodes {
		for _, to := range st.Nodes {
			if from.ID != to.ID {
				s.Links = append(s.Links, Link{From: from.ID, To: to.ID, Cut: isCut(st.Cut, from.ID, to.ID)})
			}
		}
	}

	// The records are read in place (MessageRecord), and each one drawn
	// is copied once, into its Message.
	s.Messages = s.Messages[:0]
	since := st.Now - b.Fade
	for i := range w.MessageRecords() {
		r := w.MessageRecord(i)
		if r.Sent > st.Now || (r.Outcome != sim.InFlight && r.End < since) {
			continue
		}
		m := Message{MsgRecord: *r, Fade: 1}
		end := st.Now
		if r.Outcome != sim.InFlight {
			end = r.End
			if b.Fade > 0 {
				m.Fade = 1 - float64(st.Now-r.End)/float64(b.Fade)
			}
			if m.Fade <= 0 {
				continue
			}
		}
		m.Progress = progress(r.Sent, r.Arrive, end)
		if b.Jump {
			m.Progress = jumpAt(m.Progress)
		}
		if r.Held {
			// Held at the receiver's door, however long it waits.
			m.Progress = min(m.Progress, heldAt)
		}
		m.At = b.along(r.From, r.To, m.Progress)
		s.Messages = append(s.Messages, m)
	}
	return s
}

// jumpAt is where a message a fraction p of the way is drawn when it
// jumps (Builder.Jump).
func jumpAt(p float64) float64 {
	if p < 0.5 {
		return 0.25
	}
	return 0.75
}

// heldAt is how far a held message is drawn along its link.
const heldAt = 0.85

// along returns the point a fraction p of the way from node from to node
// to, beside the line between them (on the sender's left).
func (b *Builder) along(from, to raft.NodeID, p float64) Point {
	a, c := b.layout[from-1], b.layout[to-1]
	dx, dy := c.X-a.X, c.Y-a.Y
	d := math.Hypot(dx, dy)
	if d == 0 {
		return a
	}
	// Start and end at the nodes' rims, not their centres.
	rim := NodeRadius / d
	p = rim + p*(1-2*rim)
	nx, ny := dy/d, -dx/d // the left-hand normal
	return Point{X: a.X + p*dx + laneOffset*nx, Y: a.Y + p*dy + laneOffset*ny}
}

// progress is how far along a message sent at sent and due at arrive is at
// time t, from 0 to 1.
func progress(sent, arrive, t time.Duration) float64 {
	if arrive <= sent {
		return 1
	}
	return clamp01(float64(t-sent) / float64(arrive-sent))
}

// left is the fraction of a timer running from armed to due still to run
// at now.
func left(armed, due, now time.Duration) float64 {
	if due <= armed {
		return 0
	}
	return clamp01(float64(due-now) / float64(due-armed))
}

// heartbeatLeft is the fraction of the heartbeat interval before the
// leader's next heartbeat (to any follower), due at next (0: it has no
// follower).
func heartbeatLeft(next, now, interval time.Duration) float64 {
	if next == 0 || interval <= 0 {
		return 0
	}
	return clamp01(float64(next-now) / float64(interval))
}

func clamp01(x float64) float64 { return max(0, min(1, x)) }

func isCut(cut []sim.Link, from, to raft.NodeID) bool {
	for _, l := range cut {
		if l.From == from && l.To == to {
			return true
		}
	}
	return false
}

// MessageAt returns the message drawn nearest to p within radius r, if
// any; the newest wins a tie.
func (s *Scene) MessageAt(p Point, r float64) (sim.MsgID, bool) {
	best, found := r*r, sim.MsgID(0)
	for i := range s.Messages {
		m := &s.Messages[i]
		if m.ID == 0 || m.Outcome != sim.InFlight {
			continue // only messages on the wire can be picked
		}
		if d := dist2(m.At, p); d <= best {
			best, found = d, m.ID
		}
	}
	return found, found != 0
}

// NodeAt returns the node drawn at p, if any.
func (s *Scene) NodeAt(p Point) (raft.NodeID, bool) {
	for _, n := range s.Nodes {
		if dist2(n.At, p) <= NodeRadius*NodeRadius {
			return n.ID, true
		}
	}
	return raft.None, false
}

// LinkAt returns the directed link whose line passes within r of p: a
// point in the half of the line nearer node A picks the direction A → B
// (the page draws a cut direction's mark on the sender's half). Points on
// the nodes themselves pick nothing.
func (s *Scene) LinkAt(p Point, r float64) (from, to raft.NodeID, ok bool) {
	if _, on := s.NodeAt(p); on {
		return raft.None, raft.None, false
	}
	best := r * r
	for _, l := range s.Links {
		a, b := s.Nodes[l.From-1].At, s.Nodes[l.To-1].At
		dx, dy := b.X-a.X, b.Y-a.Y
		t := ((p.X-a.X)*dx + (p.Y-a.Y)*dy) / (dx*dx + dy*dy)
		if t < 0 || t >= 0.5 {
			continue // the other direction's half, or beyond the sender
		}
		if d := dist2(p, Point{a.X + t*dx, a.Y + t*dy}); d <= best {
			best, from, to, ok = d, l.From, l.To, true
		}
	}
	return from, to, ok
}

func dist2(a, b Point) float64 { return (a.X-b.X)*(a.X-b.X) + (a.Y-b.Y)*(a.Y-b.Y) }
