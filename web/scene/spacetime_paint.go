package scene

import (
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// SpaceTimeLayout places a space-time diagram in pixels: a column of node
// labels, then time running left (From) to right (To, now), one lane per
// node, and a row for the time axis underneath.
type SpaceTimeLayout struct {
	// Width is the diagram's width; Left the label column's; Right the
	// margin after now.
	Width, Left, Right float64
	// Top is the margin above the first lane; LaneHeight each lane's.
	Top, LaneHeight float64
}

// SpaceTimeLayoutFor lays out a diagram width pixels wide.
func SpaceTimeLayoutFor(width float64) SpaceTimeLayout {
	return SpaceTimeLayout{Width: width, Left: 40, Right: 10, Top: 6, LaneHeight: 34}
}

// SpaceTimeHeight is the height of a diagram of n lanes, its axis included.
func (lay SpaceTimeLayout) SpaceTimeHeight(n int) float64 {
	return lay.Top + float64(n)*lay.LaneHeight + 20
}

// LaneY is the centre line of node id's lane.
func (lay SpaceTimeLayout) LaneY(id raft.NodeID) float64 {
	return lay.Top + (float64(id)-0.5)*lay.LaneHeight
}

// X is where time t falls in a diagram over [from, to].
func (lay SpaceTimeLayout) X(from, to, t time.Duration) float64 {
	w := lay.Width - lay.Left - lay.Right
	if to <= from {
		return lay.Left + w
	}
	return lay.Left + w*float64(t-from)/float64(to-from)
}

// Ends returns where arrow a is drawn: from (sent, sender's lane) towards
// (arrival, receiver's lane), stopped at End (its end of life, or now for
// one still on the wire: part of the way down). Before From the line is
// clipped at the diagram's left edge.
func (lay SpaceTimeLayout) Ends(st *SpaceTime, a *Arrow) (x1, y1, x2, y2 float64) {
	ya, yb := lay.LaneY(a.From), lay.LaneY(a.To)
	at := func(t time.Duration) (float64, float64) {
		return lay.X(st.From, st.To, t), ya + (yb-ya)*progress(a.Sent, a.Arrive, t)
	}
	x1, y1 = at(max(a.Sent, st.From))
	x2, y2 = at(max(a.End, st.From))
	return x1, y1, x2, y2
}

// ArrowAt returns the message on the wire whose arrow passes within r
// pixels of (x, y), the nearest if several; arrows of ended messages, and
// of messages that never got on the wire, are not picked.
func (st *SpaceTime) ArrowAt(lay SpaceTimeLayout, x, y, r float64) (sim.MsgID, bool) {
	best, found := r*r, sim.MsgID(0)
	for i := range st.Arrows {
		a := &st.Arrows[i]
		if a.Ended || a.ID == 0 {
			continue
		}
		x1, y1, x2, y2 := lay.Ends(st, a)
		if d := segDist2(x, y, x1, y1, x2, y2); d <= best {
			best, found = d, a.ID
		}
	}
	return found, found != 0
}

// segDist2 is the squared distance from (x, y) to the segment.
func segDist2(x, y, x1, y1, x2, y2 float64) float64 {
	dx, dy := x2-x1, y2-y1
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = clamp01(((x-x1)*dx + (y-y1)*dy) / l)
	}
	px, py := x1+t*dx-x, y1+t*dy-y
	return px*px + py*py
}

// Shades of the role spans.
const (
	shadeLeader    = "#dcefe1"
	shadeCandidate = "#fbecc8"
	shadeDown      = "#f1d9d9"
)

// PaintSpaceTime draws st on c as laid out by lay; the selected message
// (0 for none) is drawn thicker.
func (p *Painter) PaintSpaceTime(c Canvas, st *SpaceTime, lay SpaceTimeLayout, selected sim.MsgID) {
	c.Clear()
	x0, x1 := lay.Left, lay.X(st.From, st.To, st.To)
	for id := 1; id <= st.Nodes; id++ {
		y := lay.LaneY(raft.NodeID(id))
		c.Line(x0, y, x1, y, 1, colorLink, 0)
	}
	for i := range st.Spans {
		p.paintSpan(c, st, lay, &st.Spans[i])
	}
	// Ended arrows first, then those on the wire (dashed) over them:
	// runs of one style make fewer strokes on the page's canvas.
	for _, flying := range [2]bool{false, true} {
		for i := range st.Arrows {
			if a := &st.Arrows[i]; a.Ended != flying {
				p.paintArrow(c, st, lay, a, selected)
			}
		}
	}
	p.paintLaneLabels(c, st, lay)
	p.paintAxis(c, st, lay)
}

// paintSpan shades a role span in its lane; a down span is shaded red
// and crossed, with a bar where the node went down.
func (p *Painter) paintSpan(c Canvas, st *SpaceTime, lay SpaceTimeLayout, s *Span) {
	xa, xb := lay.X(st.From, st.To, s.From), lay.X(st.From, st.To, s.To)
	shadeSpan(c, lay, s, xa, xb)
	if !s.Up {
		crossSpan(c, lay, s, xa, xb)
	}
}

// shadeSpan shades span s's lane from xa to xb in the colour of its role
// (a follower's is not shaded).
func shadeSpan(c Canvas, lay SpaceTimeLayout, s *Span, xa, xb float64) {
	y := lay.LaneY(s.Node)
	h := lay.LaneHeight * 0.7
	shade := ""
	switch {
	case !s.Up:
		shade = shadeDown
	case s.Role == raft.Leader:
		shade = shadeLeader
	case s.Role == raft.Candidate || s.Role == raft.PreCandidate:
		shade = shadeCandidate
	}
	if shade != "" && xb > xa {
		c.Rect(xa, y-h/2, xb-xa, h, shade, "", 0)
	}
}

// crossSpan crosses out a down span, xa to xb, with a bar where the node
// went down.
func crossSpan(c Canvas, lay SpaceTimeLayout, s *Span, xa, xb float64) {
	y := lay.LaneY(s.Node)
	h := lay.LaneHeight * 0.7
	if xb > xa {
		c.Line(xa, y-h/2, xb, y+h/2, 1, colorDown, 0)
		c.Line(xa, y+h/2, xb, y-h/2, 1, colorDown, 0)
		c.Line(xa, y-h/2, xa, y+h/2, 3, colorDown, 0)
	}
}

// paintLaneLabels names each lane, in the colour of the node's role now.
func (p *Painter) paintLaneLabels(c Canvas, st *SpaceTime, lay SpaceTimeLayout) {
	for id := 1; id <= st.Nodes; id++ {
		color, bold := colorMuted, false
		for i := range st.Spans {
			if s := &st.Spans[i]; int(s.Node) == id && s.To == st.To {
				color, bold = RoleColor(s.Up, s.Role), s.Up && s.Role == raft.Leader
			}
		}
		c.Text(lay.Left/2, lay.LaneY(raft.NodeID(id)), p.label('n', uint64(id)), 12, color, bold)
	}
}

// paintArrow draws one message: a line in its kind's colour, dashed while
// on the wire, ending in a red cross where it was lost; a refusing
// response is thinner. It needs no head: time runs to the right, so the
// sender is always at its left end.
func (p *Painter) paintArrow(c Canvas, st *SpaceTime, lay SpaceTimeLayout, a *Arrow, selected sim.MsgID) {
	x1, y1, x2, y2 := lay.Ends(st, a)
	color := KindColor(a.Kind)
	width := 1.5
	if a.Response && !a.Success {
		width = 1
	}
	if a.ID != 0 && a.ID == selected {
		width = 4
		color = colorSelected
	}
	dash := 0.0
	if !a.Ended {
		dash = 3
	}
	c.Line(x1, y1, x2, y2, width, color, dash)
	switch {
	case a.Ended && a.Outcome != sim.Delivered:
		d := 4.0
		c.Line(x2-d, y2-d, x2+d, y2+d, 2, colorCut, 0)
		c.Line(x2-d, y2+d, x2+d, y2-d, 2, colorCut, 0)
	case a.Held:
		c.Circle(x2, y2, 4, "", colorHeld, 2)
	}
}

// paintAxis draws the time axis: a tick at now and at round steps back
// from it, labelled in milliseconds before now.
func (p *Painter) paintAxis(c Canvas, st *SpaceTime, lay SpaceTimeLayout) {
	y := lay.Top + float64(st.Nodes)*lay.LaneHeight + 4
	span := st.To - st.From
	if span <= 0 {
		return
	}
	step := tickStep(span)
	for back := time.Duration(0); back <= span; back += step {
		x := lay.X(st.From, st.To, st.To-back)
		c.Line(x, y, x, y+4, 1, colorMuted, 0)
		switch {
		case back == 0:
			c.Text(x-10, y+11, "now", 10, colorMuted, false)
		case x-lay.Left < 16:
			// Too near the "ms" under the labels: unlabelled.
		default:
			c.Text(x, y+11, p.label('-', uint64(back/time.Millisecond)), 10, colorMuted, false)
		}
	}
	c.Text(lay.Left/2, y+11, "ms", 10, colorMuted, false)
}

// tickStep is a round step giving four or five ticks over span.
func tickStep(span time.Duration) time.Duration {
	step := time.Millisecond
	for step*5 < span {
		switch {
		case step*2*5 >= span:
			return step * 2
		case step*5*5 >= span:
			return step * 5
		}
		step *= 10
	}
	return step
}
