package scene

import (
	"math"
	"strconv"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// Canvas is the drawing surface a scene is painted on: the few operations
// of an HTML canvas's 2D context the painter uses, in pixels. The page
// implements it over the browser's canvas; tests record the calls.
type Canvas interface {
	// Clear empties the whole surface.
	Clear()
	// Line strokes a straight line; dash 0 is solid.
	Line(x1, y1, x2, y2, width float64, color string, dash float64)
	// Circle fills (fill != "") and strokes (stroke != "") a circle.
	Circle(x, y, r float64, fill, stroke string, width float64)
	// Arc strokes part of a circle, from angle a1 to a2 (radians,
	// clockwise from three o'clock).
	Arc(x, y, r, a1, a2, width float64, color string)
	// Rect fills (fill != "") and strokes (stroke != "") a rectangle
	// whose top left corner is (x, y).
	Rect(x, y, w, h float64, fill, stroke string, width float64)
	// Text writes text centred on (x, y).
	Text(x, y float64, text string, size float64, color string, bold bool)
}

// Colours. Each kind of message has its own, readable on the page's light
// background; responses that refuse are drawn hollow in the same colour.
const (
	colorLink     = "#c3cad4"
	colorCut      = "#a02c2c"
	colorText     = "#1d232b"
	colorMuted    = "#56606c"
	colorLeader   = "#1b7f3b"
	colorCand     = "#b07800"
	colorFollower = "#35506e"
	colorDown     = "#a02c2c"
	colorNodeBg   = "#ffffff"
	colorDownBg   = "#f3e6e6"
	colorSelected = "#1f5fbf"
	colorHeld     = "#d9480f"
)

// KindColor is the colour messages of kind k are drawn in.
func KindColor(k sim.MsgKind) string {
	switch k {
	case sim.KindPreVote:
		return "#b38f00"
	case sim.KindVote:
		return "#c05f00"
	case sim.KindAppend:
		return "#1f5fbf"
	case sim.KindHeartbeat:
		return "#7b8794"
	case sim.KindProbe:
		return "#7a3db8"
	case sim.KindSnapshot:
		return "#0f7f7f"
	case sim.KindTimeoutNow:
		return "#c2185b"
	}
	return "#2e7d32" // read
}

// RoleColor is the colour of a node's outline in role r (or down).
func RoleColor(up bool, r raft.Role) string {
	switch {
	case !up:
		return colorDown
	case r == raft.Leader:
		return colorLeader
	case r == raft.Candidate || r == raft.PreCandidate:
		return colorCand
	}
	return colorFollower
}

// Painter paints scenes. It keeps the labels it made, so painting a
// scene whose nodes did not change term makes no new strings.
type Painter struct {
	labels map[labelKey]string
	// freshest is, for each resting point of delivered messages, the
	// index of the one drawn there this frame (see paintMessages).
	freshest map[restKey]int
}

// restKey is where and how a delivered message rests while it fades: the
// pixel it is drawn at, its colour and whether it is hollow.
type restKey struct {
	x, y   int32
	color  string
	hollow bool
}

type labelKey struct {
	prefix byte
	n      uint64
}

// label returns prefix followed by n, e.g. "t3", made once; prefix 0
// gives the number alone.
func (p *Painter) label(prefix byte, n uint64) string {
	k := labelKey{prefix, n}
	if s, ok := p.labels[k]; ok {
		return s
	}
	if p.labels == nil || len(p.labels) > 4096 {
		p.labels = map[labelKey]string{}
	}
	s := strconv.FormatUint(n, 10)
	if prefix != 0 {
		s = string(prefix) + s
	}
	p.labels[k] = s
	return s
}

// Paint draws s on c, a square of side size pixels; the message selected
// (0 for none) is ringed.
func (p *Painter) Paint(c Canvas, s *Scene, size float64, selected sim.MsgID) {
	c.Clear()
	px := func(q Point) (float64, float64) { return q.X * size, q.Y * size }
	nodeAt := func(id raft.NodeID) Point { return s.Nodes[id-1].At }

	// Links: one line per pair, dashed red where a direction is cut (a
	// mark at the sender's end says which).
	for _, l := range s.Links {
		if l.From > l.To {
			continue
		}
		back := s.link(l.To, l.From)
		a, b := nodeAt(l.From), nodeAt(l.To)
		x1, y1 := px(a)
		x2, y2 := px(b)
		if l.Cut && back.Cut {
			c.Line(x1, y1, x2, y2, 2, colorCut, 6)
		} else {
			c.Line(x1, y1, x2, y2, 1.5, colorLink, 0)
		}
		for _, d := range [2]Link{l, back} {
			if d.Cut {
				// A short red bar across the link near the sender.
				from, to := nodeAt(d.From), nodeAt(d.To)
				q := Point{from.X + (to.X-from.X)*0.3, from.Y + (to.Y-from.Y)*0.3}
				dx, dy := to.X-from.X, to.Y-from.Y
				n := math.Hypot(dx, dy)
				ux, uy := -dy/n*0.025, dx/n*0.025
				qx1, qy1 := px(Point{q.X - ux, q.Y - uy})
				qx2, qy2 := px(Point{q.X + ux, q.Y + uy})
				c.Line(qx1, qy1, qx2, qy2, 3, colorCut, 0)
			}
		}
	}

	p.paintMessages(c, s, size, selected)
	p.paintNodes(c, s, size)
}

// paintMessages draws each message as a dot in its kind's colour; a
// refusing response hollow; a held one ringed; ended ones fade (drawn
// smaller). Delivered messages fading at the same pixel in the same style
// (a busy link's last few hundred milliseconds, all at the receiver) are
// drawn once, the freshest: it is the largest, and covers the others.
func (p *Painter) paintMessages(c Canvas, s *Scene, size float64, selected sim.MsgID) {
	resting := func(m *Message) (restKey, bool) {
		if m.Outcome != sim.Delivered || m.Fade >= 1 || (m.ID != 0 && m.ID == selected) {
			return restKey{}, false
		}
		return restKey{int32(math.Round(m.At.X * size)), int32(math.Round(m.At.Y * size)), KindColor(m.Kind), m.Response && !m.Success}, true
	}
	if p.freshest == nil {
		p.freshest = map[restKey]int{}
	}
	clear(p.freshest)
	for i := range s.Messages {
		if k, ok := resting(&s.Messages[i]); ok {
			if j, seen := p.freshest[k]; !seen || s.Messages[i].Fade >= s.Messages[j].Fade {
				p.freshest[k] = i
			}
		}
	}
	for i := range s.Messages {
		m := &s.Messages[i]
		if k, ok := resting(m); ok && p.freshest[k] != i {
			continue
		}
		x, y := m.At.X*size, m.At.Y*size
		r := size * 0.014 * (0.4 + 0.6*m.Fade)
		color := KindColor(m.Kind)
		switch {
		case m.Outcome != sim.InFlight && m.Outcome != sim.Delivered:
			// Lost on the way: a cross where it ended.
			d := r * 1.2
			c.Line(x-d, y-d, x+d, y+d, 2, colorCut, 0)
			c.Line(x-d, y+d, x+d, y-d, 2, colorCut, 0)
		case m.Response && !m.Success:
			c.Circle(x, y, r, colorNodeBg, color, 2)
		default:
			c.Circle(x, y, r, color, "", 0)
		}
		if m.Held {
			c.Circle(x, y, r+4, "", colorHeld, 2)
		}
		if m.ID != 0 && m.ID == selected {
			c.Circle(x, y, r+7, "", colorSelected, 2)
		}
	}

}

// paintNodes draws each node as a disc with the node's name, role and
// term; its timer as an arc that drains clockwise from the top.
func (p *Painter) paintNodes(c Canvas, s *Scene, size float64) {
	nr := NodeRadius * size
	for _, n := range s.Nodes {
		x, y := n.At.X*size, n.At.Y*size
		color := RoleColor(n.Up, n.Role)
		bg := colorNodeBg
		if !n.Up {
			bg = colorDownBg
		}
		width := 2.0
		if n.Up && n.Role == raft.Leader {
			width = 4
		}
		c.Circle(x, y, nr, bg, color, width)
		if n.Timer != TimerNone && n.TimerLeft > 0 {
			start := -math.Pi / 2
			c.Arc(x, y, nr+6, start, start+2*math.Pi*n.TimerLeft, 3, color)
		}
		c.Text(x, y-nr*0.28, p.label('n', uint64(n.ID)), nr*0.42, colorText, true)
		if n.Up {
			c.Text(x, y+nr*0.12, roleText(n.Role), nr*0.3, color, true)
			c.Text(x, y+nr*0.5, p.label('t', n.Term), nr*0.28, colorMuted, false)
		} else {
			c.Text(x, y+nr*0.2, "down", nr*0.32, colorDown, true)
			d := nr * 0.8
			c.Line(x-d, y-d, x+d, y+d, 2, colorDown, 0)
		}
	}
}

// link returns the directed link from → to.
func (s *Scene) link(from, to raft.NodeID) Link {
	for _, l := range s.Links {
		if l.From == from && l.To == to {
			return l
		}
	}
	return Link{From: from, To: to}
}

func roleText(r raft.Role) string {
	switch r {
	case raft.Leader:
		return "leader"
	case raft.Candidate:
		return "candidate"
	case raft.PreCandidate:
		return "pre-vote"
	}
	return "follower"
}
