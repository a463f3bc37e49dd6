package scene

import (
	"fmt"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft/sim"
)

// TestArrowEnds: an arrow starts on its sender's lane at its send time;
// a delivered one ends on its receiver's lane at its arrival; one still
// on the wire ends at now, as far down towards the receiver's lane as it
// has travelled (the cluster view's progress, so both views agree).
func TestArrowEnds(t *testing.T) {
	w := settled(t)
	var b SpaceTimeBuilder
	st := b.Build(w, 200*time.Millisecond)
	lay := SpaceTimeLayoutFor(800)
	var sawFlying, sawDelivered bool
	for i := range st.Arrows {
		a := &st.Arrows[i]
		if a.Sent < st.From {
			continue
		}
		x1, y1, x2, y2 := lay.Ends(st, a)
		if !near(x1, lay.X(st.From, st.To, a.Sent)) || !near(y1, lay.LaneY(a.From)) {
			t.Fatalf("arrow %+v starts at %v,%v", a, x1, y1)
		}
		switch {
		case !a.Ended:
			sawFlying = true
			p := progress(a.Sent, a.Arrive, st.To)
			want := lay.LaneY(a.From) + p*(lay.LaneY(a.To)-lay.LaneY(a.From))
			if !near(x2, lay.X(st.From, st.To, st.To)) || !near(y2, want) {
				t.Errorf("flying arrow %+v ends at %v,%v, want now and %v", a, x2, y2, want)
			}
		case a.Outcome == sim.Delivered:
			sawDelivered = true
			if !near(x2, lay.X(st.From, st.To, a.Arrive)) || !near(y2, lay.LaneY(a.To)) {
				t.Errorf("delivered arrow %+v ends at %v,%v", a, x2, y2)
			}
		}
	}
	if !sawFlying || !sawDelivered {
		t.Fatalf("the window has no arrow on the wire (%v) or delivered (%v)", sawFlying, sawDelivered)
	}
}

// TestArrowAt: a point on an arrow still on the wire picks its message;
// a point on a delivered arrow away from any other picks nothing of it.
func TestArrowAt(t *testing.T) {
	w := settled(t)
	var b SpaceTimeBuilder
	st := b.Build(w, 100*time.Millisecond)
	lay := SpaceTimeLayoutFor(800)
	picked := 0
	for i := range st.Arrows {
		a := &st.Arrows[i]
		x1, y1, x2, y2 := lay.Ends(st, a)
		mx, my := (x1+x2)/2, (y1+y2)/2
		id, ok := st.ArrowAt(lay, mx, my, 3)
		switch {
		case !a.Ended && a.ID != 0:
			if !ok {
				t.Errorf("the middle of flying arrow %d picks nothing", a.ID)
				continue
			}
			// Another arrow may cross there; the one picked must pass
			// as near.
			if id != a.ID {
				o := arrowByID(st, id)
				ox1, oy1, ox2, oy2 := lay.Ends(st, o)
				if segDist2(mx, my, ox1, oy1, ox2, oy2) > 1e-9 {
					t.Errorf("the middle of arrow %d picks %d, which does not pass there", a.ID, id)
				}
			}
			picked++
		case ok && id == a.ID:
			t.Errorf("ended arrow %d was picked", a.ID)
		}
	}
	if picked == 0 {
		t.Fatal("no arrow on the wire to pick")
	}
	if id, ok := st.ArrowAt(lay, lay.Left/2, lay.LaneY(1), 3); ok {
		t.Errorf("the label column picks %d", id)
	}
}

func arrowByID(st *SpaceTime, id sim.MsgID) *Arrow {
	for i := range st.Arrows {
		if st.Arrows[i].ID == id {
			return &st.Arrows[i]
		}
	}
	return nil
}

// TestPaintSpaceTime: a crashed node's lane is shaded as down and crossed
// from its crash to now; a lost message ends in a red cross; the leader's
// span is shaded in its colour.
func TestPaintSpaceTime(t *testing.T) {
	w := settled(t)
	lead := w.Leader()
	victim := lead%5 + 1
	if err := w.Crash(victim); err != nil {
		t.Fatal(err)
	}
	w.RunFor(100 * time.Millisecond) // messages to the victim are lost
	var b SpaceTimeBuilder
	st := b.Build(w, 300*time.Millisecond)
	lay := SpaceTimeLayoutFor(800)
	var rec recorder
	var p Painter
	p.PaintSpaceTime(&rec, st, lay, 0)

	crashAt := st.To - 100*time.Millisecond
	x := lay.X(st.From, st.To, crashAt)
	y := lay.LaneY(victim) - lay.LaneHeight*0.35
	if rec.count(fmt.Sprintf("rect %.0f,%.0f", x, y)+" ") == 0 || rec.count("fill="+shadeDown) != 1 {
		t.Errorf("no down span shaded from %.0f,%.0f:\n%v", x, y, rec.calls)
	}
	if rec.count(fmt.Sprintf("line %.0f,%.0f %.0f,%.0f %s", x, y, lay.X(st.From, st.To, st.To), y+lay.LaneHeight*0.7, colorDown)) != 1 {
		t.Error("the down span is not crossed")
	}
	if rec.count("fill="+shadeLeader) == 0 {
		t.Error("no leader span shaded")
	}
	lost := 0
	for _, a := range st.Arrows {
		if a.Ended && a.Outcome != sim.Delivered {
			lost++
		}
	}
	if lost == 0 {
		t.Fatal("no message lost to the crashed node")
	}
	if n := rec.count(colorCut + " dash=0"); n < 2*lost {
		t.Errorf("%d red lines for %d lost messages", n, lost)
	}
}

// TestTickStep: the axis has two to eleven ticks over any window.
func TestTickStep(t *testing.T) {
	for _, span := range []time.Duration{2 * time.Millisecond, 20 * time.Millisecond, 300 * time.Millisecond, 2 * time.Second, 7 * time.Second} {
		n := int(span/tickStep(span)) + 1
		if n < 2 || n > 11 {
			t.Errorf("%v: %d ticks of %v", span, n, tickStep(span))
		}
	}
}
