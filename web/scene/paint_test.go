package scene

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// recorder is a Canvas that writes each call as a line.
type recorder struct{ calls []string }

func (r *recorder) Clear() { r.calls = append(r.calls, "clear") }
func (r *recorder) Line(x1, y1, x2, y2, w float64, color string, dash float64) {
	r.calls = append(r.calls, fmt.Sprintf("line %.0f,%.0f %.0f,%.0f %s dash=%.0f", x1, y1, x2, y2, color, dash))
}
func (r *recorder) Circle(x, y, rad float64, fill, stroke string, w float64) {
	r.calls = append(r.calls, fmt.Sprintf("circle %.0f,%.0f r=%.0f fill=%s stroke=%s", x, y, rad, fill, stroke))
}
func (r *recorder) Arc(x, y, rad, a1, a2, w float64, color string) {
	r.calls = append(r.calls, fmt.Sprintf("arc %.0f,%.0f r=%.0f %.2f..%.2f %s", x, y, rad, a1, a2, color))
}
func (r *recorder) Rect(x, y, w, h float64, fill, stroke string, width float64) {
	r.calls = append(r.calls, fmt.Sprintf("rect %.0f,%.0f %.0fx%.0f fill=%s stroke=%s", x, y, w, h, fill, stroke))
}
func (r *recorder) Text(x, y float64, text string, size float64, color string, bold bool) {
	r.calls = append(r.calls, fmt.Sprintf("text %.0f,%.0f %q %s", x, y, text, color))
}

func (r *recorder) count(substr string) int {
	n := 0
	for _, c := range r.calls {
		if strings.Contains(c, substr) {
			n++
		}
	}
	return n
}

// TestPaint: what a person sees is drawn: each node's name, role and
// term, its timer, a crashed node marked down, a cut direction marked on
// the sender's side, a held message ringed in orange, the selected one ringed
// in blue, a refusing response hollow.
func TestPaint(t *testing.T) {
	w := settled(t)
	lead := w.Leader()
	down := lead%5 + 1
	cutTo := down%5 + 1
	if cutTo == lead {
		cutTo = cutTo%5 + 1
	}
	if err := w.Crash(down); err != nil {
		t.Fatal(err)
	}
	if err := w.SetLink(lead, cutTo, false); err != nil {
		t.Fatal(err)
	}
	w.RunFor(20 * time.Millisecond)
	wire := w.Status().Wire
	if len(wire) == 0 {
		t.Fatal("nothing on the wire")
	}
	held := wire[0].ID
	if err := w.Hold(held); err != nil {
		t.Fatal(err)
	}
	var b Builder
	s := b.Build(w)
	var p Painter
	rec := &recorder{}
	p.Paint(rec, s, 500, held)
	if rec.calls[0] != "clear" {
		t.Errorf("first call %q, want clear", rec.calls[0])
	}
	for _, n := range s.Nodes {
		if rec.count(fmt.Sprintf("%q", fmt.Sprintf("n%d", n.ID))) != 1 {
			t.Errorf("node %d's name drawn %d times", n.ID, rec.count(fmt.Sprintf("\"n%d\"", n.ID)))
		}
	}
	if rec.count(`"leader"`) != 1 || rec.count(`"down"`) != 1 {
		t.Errorf("roles: %d leaders, %d down drawn", rec.count(`"leader"`), rec.count(`"down"`))
	}
	if rec.count("arc ") != 4 {
		t.Errorf("%d timers drawn, want 4 (every node up)", rec.count("arc "))
	}
	if got := rec.count("stroke=" + colorHeld); got != 1 {
		t.Errorf("%d held rings drawn, want 1", got)
	}
	if got := rec.count("stroke=" + colorSelected); got != 1 {
		t.Errorf("%d selection rings drawn, want 1", got)
	}
	// One cut direction: one bar, no dashed line (the other way is up).
	if rec.count("dash=6") != 0 || rec.count(colorCut+" dash=0") < 1 {
		t.Errorf("cut link drawing:\n%s", strings.Join(rec.calls, "\n"))
	}
	// A refusing response is hollow: drawn with a white fill.
	s.Messages = append(s.Messages, Message{MsgRecord: sim.MsgRecord{Kind: sim.KindVote, Response: true, From: 1, To: 2}, Fade: 1})
	rec = &recorder{}
	p.Paint(rec, s, 500, 0)
	if rec.count("fill="+colorNodeBg+" stroke="+KindColor(sim.KindVote)) != 1 {
		t.Error("a refused vote is not drawn hollow")
	}
}

// TestLinkAt: a click on a link's half near node A picks A → B.
func TestLinkAt(t *testing.T) {
	var b Builder
	b.layout = Layout(3, nil)
	s := &Scene{}
	for i, at := range b.layout {
		s.Nodes = append(s.Nodes, Node{ID: raft.NodeID(i + 1), At: at})
	}
	for _, f := range []raft.NodeID{1, 2, 3} {
		for _, to := range []raft.NodeID{1, 2, 3} {
			if f != to {
				s.Links = append(s.Links, Link{From: f, To: to})
			}
		}
	}
	a, c := b.layout[0], b.layout[1]
	near1 := Point{a.X + (c.X-a.X)*0.3, a.Y + (c.Y-a.Y)*0.3}
	near2 := Point{a.X + (c.X-a.X)*0.7, a.Y + (c.Y-a.Y)*0.7}
	if f, to, ok := s.LinkAt(near1, 0.02); !ok || f != 1 || to != 2 {
		t.Errorf("near node 1: %d→%d %v", f, to, ok)
	}
	if f, to, ok := s.LinkAt(near2, 0.02); !ok || f != 2 || to != 1 {
		t.Errorf("near node 2: %d→%d %v", f, to, ok)
	}
	if _, _, ok := s.LinkAt(Point{0.5, 0.5}, 0.02); ok {
		t.Error("the centre of the ring picks a link")
	}
	if _, _, ok := s.LinkAt(a, 0.02); ok {
		t.Error("a node picks a link")
	}
}
