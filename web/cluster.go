package web

import (
	"fmt"
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
	"github.com/raftplayground/raftplayground/web/scene"
)

// This file is the cluster view's side of the playground: painting the
// moving scene (messages, timers) on a canvas at every animation frame,
// and what a click on it does. The canvas is not a Vugu element; the
// panel that shows the selected message is.

// fadeWall is how long, in wall-clock time, a message stays drawn after
// its life ended (lost, dropped, or just delivered).
const fadeWall = 400 * time.Millisecond

// clusterView holds the cluster view's state between frames.
type clusterView struct {
	builder scene.Builder
	painter scene.Painter
	// selected is the message whose fields the page shows, 0 for none.
	selected sim.MsgID
	// painted is the time of the last scene painted, and paintedSel its
	// selection; a frame that would paint the same is skipped.
	painted    time.Duration
	paintedSel sim.MsgID
	paintedAny bool
	// dirty forces the next frame to paint (after an action).
	dirty bool
}

// PaintCluster paints the cluster as it is now on c, a square of side
// size pixels, unless nothing changed since the last frame; it reports
// whether it painted. The caller holds the lock as for every other method.
func (p *Playground) PaintCluster(c scene.Canvas, size float64) bool {
	cv := &p.cluster
	now := p.world.Now()
	if cv.paintedAny && !cv.dirty && now == cv.painted && cv.selected == cv.paintedSel {
		return false
	}
	cv.builder.Fade = time.Duration(float64(fadeWall) * p.speed)
	if cv.builder.Jump {
		cv.builder.Fade = 0 // reduced motion: no fading either
	}
	s := cv.builder.Build(p.world)
	cv.painter.Paint(c, s, size, cv.selected)
	cv.painted, cv.paintedSel, cv.paintedAny, cv.dirty = now, cv.selected, true, false
	return true
}

// ResizeCluster makes the next frame paint even if nothing moved (the
// canvas was cleared by a resize).
func (p *Playground) ResizeCluster() { p.cluster.dirty = true }

// ClickCluster acts on a click at (x, y), in the unit square of the
// cluster view: a message on the wire is selected (its fields show below
// the view); a link's half near its sender cuts or heals that direction;
// anywhere else clears the selection. tolerance is how far from a thing
// a click still counts, in the same units.
func (p *Playground) ClickCluster(x, y, tolerance float64) {
	cv := &p.cluster
	cv.dirty = true
	s := cv.builder.Build(p.world)
	at := scene.Point{X: x, Y: y}
	if id, ok := s.MessageAt(at, tolerance); ok {
		cv.selected = id
		return
	}
	if from, to, ok := s.LinkAt(at, tolerance); ok {
		cut := false
		for _, l := range s.Links {
			if l.From == from && l.To == to {
				cut = l.Cut
			}
		}
		p.SetLink(int(from), int(to), cut)
		return
	}
	cv.selected = 0
}

// SelectMessage selects message id (0 clears the selection).
func (p *Playground) SelectMessage(id sim.MsgID) {
	p.cluster.selected = id
	p.cluster.dirty = true
}

// HoldMessage keeps the selected message on the wire until released.
func (p *Playground) HoldMessage() { p.messageAction(p.world.Hold) }

// ReleaseMessage lets the selected held message go on.
func (p *Playground) ReleaseMessage() { p.messageAction(p.world.Release) }

// DropMessage removes the selected message from the wire.
func (p *Playground) DropMessage() { p.messageAction(p.world.Drop) }

// DuplicateMessage puts a copy of the selected message on the wire.
func (p *Playground) DuplicateMessage() {
	p.messageAction(func(id sim.MsgID) error {
		_, err := p.world.Duplicate(id)
		return err
	})
}

func (p *Playground) messageAction(act func(sim.MsgID) error) {
	p.act()
	p.cluster.dirty = true
	id := p.cluster.selected
	if id == 0 {
		p.fault(fmt.Errorf("no message is selected: click one in the cluster view"))
		return
	}
	p.fault(act(id))
}

// MessageView is the selected message, every field of it, as the page
// shows it.
type MessageView struct {
	ID    sim.MsgID
	Title string
	// Fields are name/value pairs, in the order shown.
	Fields []Field
	Held   bool
	// Gone: the message is not on the wire any more (Fields then say how
	// its life ended, when the history still has it).
	Gone bool
}

// wireShown is the most messages the message panel lists.
const wireShown = 12

// WireItem is a message on the wire as the message panel lists it while
// the page is paused: a button that selects it, so a message can be
// picked from the keyboard or by touch, not only by clicking its dot.
type WireItem struct {
	ID sim.MsgID
	// Text says which message it is and when it arrives: "#12 append
	// n1→n3, 1.234 s" ("…, held" for a held one).
	Text     string
	Selected bool
}

// WireList is the messages on the wire, soonest to arrive first (held ones
// last), at most wireShown of them; More counts the rest.
type WireList struct {
	Items []WireItem
	More  int
}

// wireList lists st's messages on the wire for the panel. It keeps the
// first wireShown in order as it goes (stable: equal ones in the wire's
// order), rather than sorting them all: a generic sort of WireStatus
// would add some kilobytes to the page for a list of twelve.
func (p *Playground) wireList(st *sim.Status) *WireList {
	after := func(a, b *sim.WireStatus) bool { // a is listed after b
		if a.Held != b.Held {
			return a.Held
		}
		return a.Arrive > b.Arrive
	}
	var top [wireShown + 1]*sim.WireStatus
	n := 0
	for i := range st.Wire {
		m := &st.Wire[i]
		j := n
		for j > 0 && after(top[j-1], m) {
			j--
		}
		if j == wireShown {
			continue
		}
		copy(top[j+1:n+1], top[j:n])
		top[j] = m
		n = min(n+1, wireShown)
	}
	l := &WireList{More: len(st.Wire) - n}
	for _, m := range top[:n] {
		_, rec, ok := p.world.InFlight(m.ID)
		if !ok {
			continue
		}
		when := formatSeconds(m.Arrive) + " s"
		if m.Held {
			when = "held"
		}
		l.Items = append(l.Items, WireItem{ID: m.ID, Selected: m.ID == p.cluster.selected,
			Text: fmt.Sprintf("#%d %s n%d→n%d, %s", m.ID, rec.Kind, m.From, m.To, when)})
	}
	return l
}

// Field is one labelled value.
type Field struct{ Name, Value string }

// messageView describes the selected message, or returns nil.
func (p *Playground) messageView() *MessageView {
	id := p.cluster.selected
	if id == 0 {
		return nil
	}
	m, rec, ok := p.world.InFlight(id)
	if !ok {
		return &MessageView{ID: id, Gone: true, Title: fmt.Sprintf("Message #%d has left the wire", id)}
	}
	v := &MessageView{ID: id, Held: rec.Held,
		Title: fmt.Sprintf("#%d %s n%d → n%d", id, m.Type, m.From, m.To)}
	add := func(name, format string, args ...any) {
		v.Fields = append(v.Fields, Field{name, fmt.Sprintf(format, args...)})
	}
	add("kind", "%s", rec.Kind)
	add("term", "%d", m.Term)
	add("sent", "%s s", formatSeconds(rec.Sent))
	if rec.Held {
		add("arrives", "held (due %s s)", formatSeconds(rec.Arrive))
	} else {
		add("arrives", "%s s", formatSeconds(rec.Arrive))
	}
	switch m.Type {
	case raft.MsgApp, raft.MsgSnap:
		add("seq", "%d", m.Seq)
		add("version", "%d", m.Version)
		add("prev index/term", "%d/%d", m.Index, m.LogTerm)
		add("entries", "%d", len(m.Entries))
		add("commit", "%d", m.Commit)
	case raft.MsgAppResp, raft.MsgSnapResp:
		add("seq", "%d", m.Seq)
		add("version", "%d", m.Version)
		add("success", "%v", m.Success)
		add("last index", "%d", m.LastLogIndex)
	case raft.MsgVote, raft.MsgPreVote:
		add("last index/term", "%d/%d", m.Index, m.LogTerm)
	case raft.MsgVoteResp, raft.MsgPreVoteResp:
		add("granted", "%v", m.Success)
	}
	return v
}
