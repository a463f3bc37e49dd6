package scene

import (
	"math"
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// Backdrop is a Canvas with a second surface off screen that keeps what is
// drawn on it from frame to frame. The space-time diagram draws each
// message's arrow there once, when its life ends, and copies the surface to
// the canvas at every frame, scrolled: redrawing every arrow of a busy
// cluster at every frame was the costliest part of the page's frame (the
// browser rasterises each line again).
type Backdrop interface {
	Canvas
	// Backdrop returns the off-screen surface, sized w by h CSS pixels; a
	// new size clears it.
	Backdrop(w, h float64) Canvas
	// Blit copies the backdrop's rectangle at (sx, 0), w by h, to (dx, 0)
	// of the canvas.
	Blit(sx, w, h, dx float64)
	// ShiftBackdrop moves the backdrop's content dx CSS pixels (a whole
	// number of device pixels) to the left and clears what it uncovers.
	ShiftBackdrop(dx float64)
	// Ratio is the number of device pixels per CSS pixel.
	Ratio() float64
}

// SpaceTimeScroller is what a scrolled space-time diagram keeps between
// frames: the backdrop's origin and how far it is drawn.
//
// Invariants, while valid: the backdrop's x (in CSS pixels) of time t is
// (t-t0)/res; it holds the lane lines and role spans before cut, and the
// arrows of every message whose life ended before cut (and after the
// diagram's From when it was drawn), each drawn once; x(cut) is a whole
// number of device pixels, so strips drawn one after another meet without
// a seam.
type SpaceTimeScroller struct {
	valid bool
	// width, window, ratio and nodes are what the backdrop was drawn for:
	// a change of any redraws it.
	width  float64
	window time.Duration
	ratio  float64
	nodes  int
	// t0 and cut are times in nanoseconds (fractional: they fall on
	// device pixels); res is nanoseconds per CSS pixel.
	t0, cut, res float64
	// back is the backdrop's width in CSS pixels.
	back float64
	// view is the diagram as the frame shows it (From snapped to a device
	// pixel of the backdrop), reused.
	view SpaceTime
}

// Reset makes the next frame redraw the backdrop from the diagram (after a
// seek, a resize or anything else that is not time moving on).
func (s *SpaceTimeScroller) Reset() { s.valid = false }

// PaintScrolled draws st on c as PaintSpaceTime does, but draws each ended
// message's arrow only once, on c's backdrop, and scrolls it. window is
// the diagram's span of time; while st spans less (the run is younger than
// the window) its scale changes at every frame and it is painted whole.
//
// What it draws differs from PaintSpaceTime's picture by less than a
// device pixel (the diagram's left edge falls on one of the backdrop's
// pixels), and in one way: an arrow stays drawn until it scrolls out of
// the diagram, also when the world's record of messages (its last 1024)
// has dropped it, which PaintSpaceTime would not draw any more.
func (p *Painter) PaintScrolled(c Backdrop, s *SpaceTimeScroller, st *SpaceTime, window time.Duration, lay SpaceTimeLayout, selected sim.MsgID) {
	plot := lay.Width - lay.Left - lay.Right
	if st.To-st.From < window || window <= 0 || plot < 1 {
		s.valid = false
		p.PaintSpaceTime(c, st, lay, selected)
		return
	}
	r := c.Ratio()
	height := lay.Top + float64(st.Nodes)*lay.LaneHeight
	from, now := float64(st.From), float64(st.To)
	if !s.valid || s.width != lay.Width || s.window != window || s.ratio != r || s.nodes != st.Nodes ||
		now < s.cut || from > s.cut {
		s.valid, s.width, s.window, s.ratio, s.nodes = true, lay.Width, window, r, st.Nodes
		s.res = float64(window) / plot
		s.back = math.Ceil(plot*1.5*r) / r
		s.t0, s.cut = from, from
		c.Backdrop(s.back, height).Clear()
	}
	bd := c.Backdrop(s.back, height)
	if (now-s.t0)/s.res > s.back {
		// Out of room on the right: move the content left by whole
		// device pixels, up to the diagram's left edge.
		k := math.Floor((from-s.t0)/s.res*r) / r
		c.ShiftBackdrop(k)
		s.t0 += k * s.res
	}
	cut := s.t0 + math.Floor((now-s.t0)/s.res*r)/r*s.res
	if cut > s.cut {
		p.paintStrip(bd, s, st, lay, s.cut, cut)
		s.cut = cut
	}

	// The frame's diagram starts on a device pixel of the backdrop.
	off := math.Round((from-s.t0)/s.res*r) / r
	v := &s.view
	v.From = time.Duration(s.t0 + off*s.res)
	v.To, v.Nodes, v.Spans, v.Arrows = v.From+window, st.Nodes, st.Spans, st.Arrows

	c.Clear()
	c.Blit(off, plot, height, lay.Left)
	p.paintOverlay(c, s, v, st, lay, selected)
}

// paintStrip draws on the backdrop what lies between times a and b: the
// lane lines and role spans, and the arrows of the messages whose life
// ended then (drawn over what is already there to their left).
func (p *Painter) paintStrip(bd Canvas, s *SpaceTimeScroller, st *SpaceTime, lay SpaceTimeLayout, a, b float64) {
	x := func(t float64) float64 { return (t - s.t0) / s.res }
	for id := 1; id <= st.Nodes; id++ {
		y := lay.LaneY(raft.NodeID(id))
		bd.Line(x(a), y, x(b), y, 1, colorLink, 0)
	}
	for i := range st.Spans {
		sp := &st.Spans[i]
		lo, hi := max(a, float64(sp.From)), min(b, float64(sp.To))
		if hi > lo {
			shadeSpan(bd, lay, sp, x(lo), x(hi))
		}
	}
	// The backdrop's own diagram: its x is (t-t0)/res, and an arrow that
	// left before t0 is cut at its left edge.
	bst := SpaceTime{From: time.Duration(s.t0), To: time.Duration(s.t0 + s.back*s.res), Nodes: st.Nodes}
	blay := lay
	blay.Width, blay.Left, blay.Right = s.back, 0, 0
	for i := range st.Arrows {
		if ar := &st.Arrows[i]; ar.Ended && float64(ar.End) >= a && float64(ar.End) < b {
			p.paintArrow(bd, &bst, blay, ar, 0)
		}
	}
}

// paintOverlay draws over the blitted backdrop what changes from frame to
// frame, in PaintSpaceTime's order: the lanes and spans since the
// backdrop's cut, the arrows it does not hold (messages on the wire, and
// those ended since the cut; the selected one again, thick), the marks of
// down spans, the lane labels and the axis.
func (p *Painter) paintOverlay(c Canvas, s *SpaceTimeScroller, v, st *SpaceTime, lay SpaceTimeLayout, selected sim.MsgID) {
	cut := time.Duration(s.cut)
	xa, xb := lay.X(v.From, v.To, max(cut, v.From)), lay.X(v.From, v.To, st.To)
	for id := 1; id <= st.Nodes; id++ {
		y := lay.LaneY(raft.NodeID(id))
		c.Line(xa, y, xb, y, 1, colorLink, 0)
	}
	for i := range st.Spans {
		sp := &st.Spans[i]
		lo, hi := max(cut, sp.From, v.From), sp.To
		if hi > lo {
			shadeSpan(c, lay, sp, lay.X(v.From, v.To, lo), lay.X(v.From, v.To, hi))
		}
		if !sp.Up {
			crossSpan(c, lay, sp, lay.X(v.From, v.To, max(sp.From, v.From)), lay.X(v.From, v.To, sp.To))
		}
	}
	for _, flying := range [2]bool{false, true} {
		for i := range st.Arrows {
			a := &st.Arrows[i]
			inBackdrop := a.Ended && float64(a.End) < s.cut
			if a.Ended == flying || inBackdrop && (a.ID == 0 || a.ID != selected) {
				continue
			}
			p.paintArrow(c, v, lay, a, selected)
		}
	}
	p.paintLaneLabels(c, st, lay)
	p.paintAxis(c, v, lay)
}
