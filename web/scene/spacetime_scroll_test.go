package scene

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// seg is a line or a filled rectangle as drawn, in the canvas's pixels.
type seg struct {
	rect           bool
	x1, y1, x2, y2 float64 // a rectangle's corners, a line's ends
	style          string
}

// layers is a Backdrop that keeps the geometry drawn on its canvas and on
// its backdrop, and blits and shifts it as the page's canvas does (a blit
// clips what it copies to its rectangle).
type layers struct {
	front, back []seg
	ratio       float64
	// blits and shifts count the calls.
	blits, shifts int
}

func (l *layers) Clear() { l.front = l.front[:0] }
func (l *layers) Line(x1, y1, x2, y2, w float64, color string, dash float64) {
	l.front = append(l.front, seg{false, x1, y1, x2, y2, fmt.Sprintf("%s/%g/%g", color, w, dash)})
}
func (l *layers) Circle(x, y, r float64, fill, stroke string, w float64) {}
func (l *layers) Arc(x, y, r, a1, a2, w float64, color string)           {}
func (l *layers) Rect(x, y, w, h float64, fill, stroke string, width float64) {
	l.front = append(l.front, seg{true, x, y, x + w, y + h, fill})
}
func (l *layers) Text(x, y float64, text string, size float64, color string, bold bool) {}
func (l *layers) Ratio() float64                                                        { return l.ratio }
func (l *layers) Backdrop(w, h float64) Canvas                                          { return (*backLayer)(l) }

func (l *layers) Blit(sx, w, h, dx float64) {
	l.blits++
	for _, s := range l.back {
		if c, ok := clipX(s, sx, sx+w); ok {
			c.x1 += dx - sx
			c.x2 += dx - sx
			l.front = append(l.front, c)
		}
	}
}

func (l *layers) ShiftBackdrop(dx float64) {
	l.shifts++
	kept := l.back[:0]
	for _, s := range l.back {
		s.x1 -= dx
		s.x2 -= dx
		if c, ok := clipX(s, 0, math.Inf(1)); ok {
			kept = append(kept, c)
		}
	}
	l.back = kept
}

// backLayer draws on a layers' backdrop.
type backLayer layers

func (b *backLayer) Clear() { b.back = b.back[:0] }
func (b *backLayer) Line(x1, y1, x2, y2, w float64, color string, dash float64) {
	b.back = append(b.back, seg{false, x1, y1, x2, y2, fmt.Sprintf("%s/%g/%g", color, w, dash)})
}
func (b *backLayer) Circle(x, y, r float64, fill, stroke string, w float64) {}
func (b *backLayer) Arc(x, y, r, a1, a2, w float64, color string)           {}
func (b *backLayer) Rect(x, y, w, h float64, fill, stroke string, width float64) {
	b.back = append(b.back, seg{true, x, y, x + w, y + h, fill})
}
func (b *backLayer) Text(x, y float64, text string, size float64, color string, bold bool) {}

// clipX clips s to lo <= x <= hi; a line keeps its slope.
func clipX(s seg, lo, hi float64) (seg, bool) {
	if s.x1 > s.x2 {
		s.x1, s.y1, s.x2, s.y2 = s.x2, s.y2, s.x1, s.y1
	}
	if s.x2 < lo || s.x1 > hi {
		return s, false
	}
	at := func(x float64) float64 {
		if s.rect || s.x2 == s.x1 {
			return 0
		}
		return s.y1 + (s.y2-s.y1)*(x-s.x1)/(s.x2-s.x1)
	}
	y1, y2 := s.y1, s.y2
	if !s.rect {
		if s.x1 < lo {
			y1 = at(lo)
		}
		if s.x2 > hi {
			y2 = at(hi)
		}
	}
	s.x1, s.x2, s.y1, s.y2 = max(s.x1, lo), min(s.x2, hi), y1, y2
	if s.rect {
		s.y1, s.y2 = min(y1, y2), max(y1, y2)
	}
	return s, true
}

// arrowLines are the lines drawn in a message's colours (not the lanes'
// and down marks'), right of x0, in a canonical order.
func arrowLines(segs []seg, x0 float64) []seg {
	var out []seg
	for _, s := range segs {
		if s.rect || s.style[:len(colorLink)] == colorLink || s.style[:len(colorDown)] == colorDown || min(s.x1, s.x2) < x0 {
			continue
		}
		if s.x1 > s.x2 {
			s.x1, s.y1, s.x2, s.y2 = s.x2, s.y2, s.x1, s.y1
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b seg) int {
		for _, d := range [4]float64{a.x1 - b.x1, a.y1 - b.y1, a.x2 - b.x2, a.y2 - b.y2} {
			if math.Abs(d) > 1e-3 {
				return int(math.Copysign(1, d))
			}
		}
		return strings.Compare(a.style, b.style)
	})
	return out
}

// shaded is, per lane and shade, the union of the x ranges shaded, as
// sorted, merged intervals rounded to a hundredth of a pixel.
func shaded(segs []seg) map[string][][2]float64 {
	spans := map[string][][2]float64{}
	for _, s := range segs {
		if s.rect {
			k := fmt.Sprintf("%.1f %s", s.y1, s.style)
			spans[k] = append(spans[k], [2]float64{s.x1, s.x2})
		}
	}
	for k, iv := range spans {
		slices.SortFunc(iv, func(a, b [2]float64) int { return int(math.Copysign(1, a[0]-b[0])) })
		merged := [][2]float64{}
		for _, r := range iv {
			if n := len(merged); n > 0 && r[0] <= merged[n-1][1]+1e-4 {
				merged[n-1][1] = max(merged[n-1][1], r[1])
				continue
			}
			merged = append(merged, r)
		}
		for i := range merged {
			merged[i] = [2]float64{math.Round(merged[i][0]*100) / 100, math.Round(merged[i][1]*100) / 100}
		}
		spans[k] = merged
	}
	return spans
}

// TestPaintScrolledMatchesWhole: frame after frame of a playing cluster
// (a leader crashing on the way, so spans change), the scrolled diagram,
// backdrop blitted and overlay drawn, shows the same arrows and the same
// shaded spans as the whole diagram painted afresh for the frame's time
// window. The backdrop is shifted on the way, and a seek back redraws it.
func TestPaintScrolledMatchesWhole(t *testing.T) {
	w := settled(t)
	const window = 200 * time.Millisecond
	lay := SpaceTimeLayoutFor(800)
	var b SpaceTimeBuilder
	var p, whole Painter
	var s SpaceTimeScroller
	c := &layers{ratio: 2}
	frame := func(i int) {
		st := b.Build(w, window)
		p.PaintScrolled(c, &s, st, window, lay, 0)
		if !s.valid {
			t.Fatalf("frame %d: the scroller is not in use", i)
		}
		var full layers
		whole.PaintSpaceTime(&full, &s.view, lay, 0)
		got, want := arrowLines(c.front, lay.Left+5), arrowLines(full.front, lay.Left+5)
		if len(want) < 10 {
			t.Fatalf("frame %d: only %d arrows to compare", i, len(want))
		}
		if len(got) != len(want) {
			t.Fatalf("frame %d: %d arrow lines drawn, the whole diagram has %d", i, len(got), len(want))
		}
		for j := range got {
			g, h := got[j], want[j]
			if g.style != h.style || math.Abs(g.x1-h.x1) > 1e-3 || math.Abs(g.y1-h.y1) > 1e-3 || math.Abs(g.x2-h.x2) > 1e-3 || math.Abs(g.y2-h.y2) > 1e-3 {
				t.Fatalf("frame %d: arrow line %d is %+v, the whole diagram's %+v", i, j, g, h)
			}
		}
		if gs, ws := shaded(c.front), shaded(full.front); fmt.Sprint(gs) != fmt.Sprint(ws) {
			t.Fatalf("frame %d: spans shaded\n%v\nthe whole diagram's\n%v", i, gs, ws)
		}
	}
	for i := range 90 {
		w.RunFor(time.Second / 60 / 5) // 1/5 speed
		if i == 30 {
			if err := w.Crash(w.Leader()); err != nil {
				t.Fatal(err)
			}
		}
		frame(i)
	}
	if c.shifts == 0 {
		t.Error("the backdrop was never shifted")
	}
	// Back in time (a seek): the backdrop is redrawn.
	at := w.Now()
	w2 := settled(t)
	w2.RunUntil(at - 100*time.Millisecond)
	w = w2
	s.Reset()
	frame(90)
}
