package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
	"github.com/raftplayground/raftplayground/web/scene"
)

// This file is the playground's side of the two views drawn under the
// cluster view, on canvases outside Vugu's tree: every node's log as cells
// and the space-time diagram of recent messages. The render loop in package
// wasm paints them at every animation frame; each repaints only when what
// it shows changed.

// LogsRepaint is the least wall-clock time between two paints of the logs
// view while the playground plays (10 Hz: under a steady client load the
// logs change at every frame, and their cells' text is the costliest part
// of a frame to draw). Paused, a change is painted at once.
const LogsRepaint = 100 * time.Millisecond

// Space-time window: SpaceTimeWall of wall-clock time at the page's speed,
// kept between SpaceTimeMin and SpaceTimeMax of virtual time (the world
// keeps about a second of a busy cluster's messages).
const (
	SpaceTimeWall = 4 * time.Second
	SpaceTimeMin  = 40 * time.Millisecond
	SpaceTimeMax  = 2 * time.Second
)

// logsView holds the logs view's state between frames.
type logsView struct {
	builder scene.LogsBuilder
	painter scene.Painter
	// shown is the last logs painted, and width the width they were
	// painted at; paintedAny is false until the first paint.
	shown      scene.Logs
	width      float64
	paintedAny bool
	// lay is the layout of the last paint, for clicks.
	lay scene.LogsLayout
	// wallAtPaint is the playground's wall clock (Playground.wall) at the
	// last paint.
	wallAtPaint time.Duration
	// kvNode is the node whose key-value store the page lists, 0 for none.
	kvNode raft.NodeID
}

// spaceTimeView holds the space-time diagram's state between frames.
type spaceTimeView struct {
	builder scene.SpaceTimeBuilder
	painter scene.Painter
	// painted stamps the last diagram painted; a frame with the same
	// stamp would paint the same and is skipped. paintedAny is false
	// until the first paint.
	painted    paintStamp
	paintedAny bool
	// lay is the layout of the last paint, for clicks.
	lay scene.SpaceTimeLayout
	// scroll keeps the diagram's backdrop on a canvas that has one.
	scroll scene.SpaceTimeScroller
}

// paintStamp is what a space-time diagram depends on: the world shown
// (another one after a seek), its time, its interventions and events (an
// action while paused changes them, not the time), the selection and
// the width.
type paintStamp struct {
	world         *sim.World
	now           time.Duration
	interventions int
	events        uint64
	selected      sim.MsgID
	width         float64
}

// logCells is how many indexes the logs view shows at width pixels: each
// at least 16 pixels wide, between 12 and DefaultLogCells.
func logCells(width float64) int {
	return max(12, min(scene.DefaultLogCells, int((width-70)/16)))
}

// LogsHeight is the height, in pixels, of the logs view width pixels wide.
func (p *Playground) LogsHeight(width float64) float64 {
	return scene.LogsLayoutFor(width, logCells(width)).LogsHeight(p.world.Options().Nodes)
}

// PaintLogs paints every node's log on c, width pixels wide (and
// LogsHeight high), unless it shows the same as the last paint at that
// width; it reports whether it painted. The caller holds the lock as for
// every other method.
func (p *Playground) PaintLogs(c scene.Canvas, width float64) bool {
	v := &p.logs
	v.builder.Cells = logCells(width)
	l := v.builder.Build(p.world)
	if v.paintedAny && width == v.width && l.Equal(&v.shown) {
		return false
	}
	if v.paintedAny && width == v.width && !p.paused && p.wall-v.wallAtPaint < LogsRepaint {
		return false // playing: the cells change at human speed, not every frame
	}
	// Cells are sized by the window shown: a short log's are wide.
	v.lay = scene.LogsLayoutFor(width, max(1, l.Shown()))
	v.painter.PaintLogs(c, l, v.lay)
	v.shown.CopyFrom(l)
	v.width, v.paintedAny, v.wallAtPaint = width, true, p.wall
	return true
}

// RepaintViews makes the next frame paint the logs and the space-time
// diagram even if nothing changed (their canvases were cleared by a
// resize).
func (p *Playground) RepaintViews() {
	p.logs.paintedAny = false
	p.spaceTime.paintedAny = false
	p.spaceTime.scroll.Reset()
}

// ClickLogs acts on a click at y pixels from the top of the logs view: a
// node's row lists that node's key-value store.
func (p *Playground) ClickLogs(y float64) {
	if id, ok := p.logs.shown.RowAt(p.logs.lay, y); ok {
		p.ShowKV(int(id))
	}
}

// LogsSummary describes the logs last painted in words, for the canvas's
// accessible name, e.g. "n1 (leader): log 1–42, committed 40, applied 40".
func (p *Playground) LogsSummary() string {
	l := &p.logs.shown
	var b strings.Builder
	b.WriteString("Every node's log, one row per node, one cell per entry coloured by term. ")
	for i := range l.Rows {
		r := &l.Rows[i]
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "n%d (%s): ", r.Node, roleName(r.Up, r.Role))
		if r.First > r.Last {
			b.WriteString("empty log")
		} else {
			fmt.Fprintf(&b, "log %d–%d", r.First, r.Last)
		}
		if r.Snapshot > 0 {
			fmt.Fprintf(&b, ", snapshot to %d", r.Snapshot)
		}
		if r.Up {
			fmt.Fprintf(&b, ", stable %d, committed %d, applied %d", r.Stable, r.Commit, r.Applied)
		} else {
			fmt.Fprintf(&b, ", on disk to %d", r.Stable)
		}
		if r.Conflicts > 0 {
			fmt.Fprintf(&b, ", %d entries conflict with the leader's", r.Conflicts)
		}
	}
	b.WriteString(". Click a row to list that node's key-value store.")
	return b.String()
}

// roleName is a node's role in words, or "down".
func roleName(up bool, r raft.Role) string {
	switch {
	case !up:
		return "down"
	case r == raft.Leader:
		return "leader"
	case r == raft.Candidate:
		return "candidate"
	case r == raft.PreCandidate:
		return "pre-candidate"
	}
	return "follower"
}

// SpaceTimeWindow is how much virtual time the space-time diagram spans
// at the page's speed.
func (p *Playground) SpaceTimeWindow() time.Duration {
	w := time.Duration(float64(SpaceTimeWall) * p.speed)
	return max(SpaceTimeMin, min(SpaceTimeMax, w))
}

// SpaceTimeHeight is the height, in pixels, of the space-time diagram
// width pixels wide.
func (p *Playground) SpaceTimeHeight(width float64) float64 {
	return scene.SpaceTimeLayoutFor(width).SpaceTimeHeight(p.world.Options().Nodes)
}

// PaintSpaceTime paints the space-time diagram of the recent past on c,
// width pixels wide (and SpaceTimeHeight high), at the virtual time the
// cluster view shows, unless nothing changed since the last paint; it
// reports whether it painted. On a canvas with a backdrop (the page's),
// each ended message is drawn once and scrolled (scene.PaintScrolled);
// another world (a seek) redraws it whole.
func (p *Playground) PaintSpaceTime(c scene.Canvas, width float64) bool {
	v := &p.spaceTime
	stamp := paintStamp{world: p.world, now: p.world.Now(), interventions: p.world.InterventionCount(),
		events: p.world.Trace().Len(), selected: p.cluster.selected, width: width}
	if v.paintedAny && stamp == v.painted {
		return false
	}
	if stamp.world != v.painted.world {
		v.scroll.Reset()
	}
	window := p.SpaceTimeWindow()
	st := v.builder.Build(p.world, window)
	v.lay = scene.SpaceTimeLayoutFor(width)
	if b, ok := c.(scene.Backdrop); ok {
		v.painter.PaintScrolled(b, &v.scroll, st, window, v.lay, p.cluster.selected)
	} else {
		v.painter.PaintSpaceTime(c, st, v.lay, p.cluster.selected)
	}
	v.painted, v.paintedAny = stamp, true
	return true
}

// spaceTimeTolerance is how far from an arrow, in pixels, a click still
// picks it.
const spaceTimeTolerance = 6

// ClickSpaceTime acts on a click at (x, y) pixels in the space-time
// diagram: an arrow of a message still on the wire selects that message,
// as a click on it in the cluster view does.
func (p *Playground) ClickSpaceTime(x, y float64) {
	st := p.spaceTime.builder.Build(p.world, p.SpaceTimeWindow())
	if id, ok := st.ArrowAt(p.spaceTime.lay, x, y, spaceTimeTolerance); ok {
		p.SelectMessage(id)
	}
}
