package scene

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

// plotCanvas is a Canvas that keeps the lines and texts drawn, with their
// coordinates, for the plot tests.
type plotCanvas struct {
	lines   []plotLine
	texts   []plotText
	circles int
	clears  int
}

type plotLine struct {
	x1, y1, x2, y2 float64
	color          string
	dash           float64
}

type plotText struct {
	x, y float64
	text string
}

func (c *plotCanvas) Clear() { c.clears++ }
func (c *plotCanvas) Line(x1, y1, x2, y2, _ float64, color string, dash float64) {
	c.lines = append(c.lines, plotLine{x1, y1, x2, y2, color, dash})
}
func (c *plotCanvas) Circle(_, _, _ float64, _, _ string, _ float64)  { c.circles++ }
func (c *plotCanvas) Arc(_, _, _, _, _, _ float64, _ string)          {}
func (c *plotCanvas) Rect(_, _, _, _ float64, _, _ string, _ float64) {}
func (c *plotCanvas) Text(x, y float64, text string, _ float64, _ string, _ bool) {
	c.texts = append(c.texts, plotText{x, y, text})
}

// linesIn returns the lines drawn in color.
func (c *plotCanvas) linesIn(color string) []plotLine {
	var out []plotLine
	for _, l := range c.lines {
		if l.color == color {
			out = append(out, l)
		}
	}
	return out
}

func (c *plotCanvas) hasText(s string) bool {
	for _, t := range c.texts {
		if t.text == s {
			return true
		}
	}
	return false
}

// sameLabels compares labels, an empty list equal to none.
func sameLabels(a, b []string) bool { return len(a) == 0 && len(b) == 0 || reflect.DeepEqual(a, b) }

func labels(ticks []Tick) []string {
	out := make([]string, len(ticks))
	for i, t := range ticks {
		out[i] = t.Label
	}
	return out
}

// TestLinearTicks: ticks are multiples of 1, 2 or 5 times a power of ten
// covering the range, labelled with the decimals the step needs.
func TestLinearTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		n      int
		want   []string
	}{
		{0, 1, 5, []string{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}},
		{0, 2500, 6, []string{"0", "500", "1000", "1500", "2000", "2500"}},
		{0, 7, 6, []string{"0", "2", "4", "6"}},
		{-3, 3, 6, []string{"-3", "-2", "-1", "0", "1", "2", "3"}},
		{0, 40000, 4, []string{"0", "10k", "20k", "30k", "40k"}},
		{1, 1, 5, nil},
	} {
		if got := labels(LinearTicks(tc.lo, tc.hi, tc.n)); !sameLabels(got, tc.want) {
			t.Errorf("LinearTicks(%v, %v, %d) = %q, want %q", tc.lo, tc.hi, tc.n, got, tc.want)
		}
	}
}

// TestLogTicks: powers of ten, and their 2 and 5 multiples when the range
// spans less than two decades.
func TestLogTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		want   []string
	}{
		{100, 100000, []string{"100", "1000", "10k", "100k"}},
		{10, 200, []string{"10", "20", "50", "100", "200"}},
		{0.5, 2, []string{"0.5", "1", "2"}},
		{0, 10, nil},
	} {
		if got := labels(LogTicks(tc.lo, tc.hi)); !sameLabels(got, tc.want) {
			t.Errorf("LogTicks(%v, %v) = %q, want %q", tc.lo, tc.hi, got, tc.want)
		}
	}
}

// cdf is a cumulative distribution of n samples spread from lo to hi, as
// the election experiment's plots have.
func cdf(label string, lo, hi float64, n int) PlotSeries {
	s := PlotSeries{Label: label}
	for i := 1; i <= n; i++ {
		s.X = append(s.X, lo*math.Pow(hi/lo, float64(i)/float64(n)))
		s.Y = append(s.Y, float64(i)/float64(n))
	}
	return s
}

// figure16 is a pair of plots shaped like the Raft paper's Figure 16 (six
// and five timeout ranges, log x).
func figure16() []Plot {
	top := Plot{Title: "Randomness", XLabel: "time without leader (ms)", YLabel: "cumulative fraction", LogX: true, YMin: 0, YMax: 1}
	for _, r := range []string{"150–150 ms", "150–151 ms", "150–155 ms", "150–175 ms", "150–200 ms", "150–300 ms"} {
		top.Series = append(top.Series, cdf(r, 160, 20000, 1000))
	}
	bottom := Plot{Title: "Minimum timeout", XLabel: "time without leader (ms)", YLabel: "cumulative fraction", LogX: true, YMin: 0, YMax: 1}
	for _, r := range []string{"12–24 ms", "25–50 ms", "50–100 ms", "100–200 ms", "150–300 ms"} {
		bottom.Series = append(bottom.Series, cdf(r, 20, 600, 1000))
	}
	return []Plot{top, bottom}
}

// TestLayoutPlots: on a wide view the two plots sit side by side, on a
// phone one above the other; either way everything is inside the view,
// the legend keys fit their plot's width, and the x ticks' labels do not
// run into each other.
func TestLayoutPlots(t *testing.T) {
	plots := figure16()
	for _, tc := range []struct {
		width float64
		cols  int
	}{{1180, 2}, {343, 1}} {
		lay := LayoutPlots(plots, tc.width)
		if len(lay.Frames) != 2 {
			t.Fatalf("width %v: %d frames", tc.width, len(lay.Frames))
		}
		a, b := lay.Frames[0], lay.Frames[1]
		if side := b.Top == a.Top; side != (tc.cols == 2) {
			t.Errorf("width %v: side by side = %v, want %d columns (frames %+v, %+v)", tc.width, side, tc.cols, a, b)
		}
		if tc.cols == 1 && b.Top < a.Top+a.Height {
			t.Errorf("width %v: second plot (top %v) overlaps the first (bottom %v)", tc.width, b.Top, a.Top+a.Height)
		}
		if tc.cols == 2 && b.Left < a.Left+a.Width {
			t.Errorf("width %v: second plot (left %v) overlaps the first (right %v)", tc.width, b.Left, a.Left+a.Width)
		}
		for i, f := range lay.Frames {
			if f.Left < 0 || f.Left+f.Width > tc.width+1e-9 || f.Top+f.Height > lay.Height+1e-9 {
				t.Errorf("width %v: frame %d %+v outside the view %vx%v", tc.width, i, f, tc.width, lay.Height)
			}
			if f.AreaLeft < f.Left || f.AreaRight > f.Left+f.Width || f.AreaTop < f.Top || f.AreaBottom > f.Top+f.Height {
				t.Errorf("width %v: frame %d: area outside its box: %+v", tc.width, i, f)
			}
			if f.AreaBottom-f.AreaTop < plotMinArea {
				t.Errorf("width %v: frame %d: area only %v high", tc.width, i, f.AreaBottom-f.AreaTop)
			}
			if len(f.Legend) != len(plots[i].Series) {
				t.Errorf("width %v: frame %d: %d legend keys for %d series", tc.width, i, len(f.Legend), len(plots[i].Series))
			}
			for _, it := range f.Legend {
				if right := it.X + plotLegendLine + 6 + textWidth(it.Label, plotFont); it.X < f.Left || right > f.Left+f.Width || it.Y > f.Top+f.Height {
					t.Errorf("width %v: frame %d: legend key %q (x %v..%v, y %v) outside its plot %+v", tc.width, i, it.Label, it.X, right, it.Y, f)
				}
			}
			prevRight := math.Inf(-1)
			for _, tk := range f.XTicks {
				half := textWidth(tk.Label, plotFont) / 2
				if tk.Pos-half < prevRight {
					t.Errorf("width %v: frame %d: x tick %q at %v runs into the one before", tc.width, i, tk.Label, tk.Pos)
				}
				if tk.Pos < f.AreaLeft-1e-9 || tk.Pos > f.AreaRight+1e-9 {
					t.Errorf("width %v: frame %d: x tick %q at %v outside the area", tc.width, i, tk.Label, tk.Pos)
				}
				prevRight = tk.Pos + half
			}
			if len(f.XTicks) < 2 || len(f.YTicks) < 2 {
				t.Errorf("width %v: frame %d: ticks %q / %q", tc.width, i, labels(f.XTicks), labels(f.YTicks))
			}
		}
	}
}

// TestPlotRanges: a log axis runs from a 1-2-5 value at or below the
// least x to one at or above the greatest; a linear one from a multiple
// of its step at or below the least x; a fixed y range is kept; a free
// one starts at 0 and ends on a nice value above the data.
func TestPlotRanges(t *testing.T) {
	p := Plot{LogX: true, YMin: 0, YMax: 1, Series: []PlotSeries{{X: []float64{0, 160, 17000}, Y: []float64{0, 0.5, 1}}}}
	if xlo, xhi, ylo, yhi := p.ranges(); xlo != 100 || xhi != 20000 || ylo != 0 || yhi != 1 {
		t.Errorf("log ranges = x %v..%v y %v..%v, want x 100..20000 (x=0 left out), y 0..1", xlo, xhi, ylo, yhi)
	}
	p = Plot{LogX: true, LogY: true, Series: []PlotSeries{{X: []float64{1, 2, 32}, Y: []float64{10, 0, 7886}}}}
	if xlo, xhi, ylo, yhi := p.ranges(); xlo != 1 || xhi != 50 || ylo != 10 || yhi != 10000 {
		t.Errorf("log-log ranges = x %v..%v y %v..%v, want x 1..50, y 10..10000 (y=0 left out)", xlo, xhi, ylo, yhi)
	}
	p = Plot{Series: []PlotSeries{{X: []float64{1, 2, 4, 8}, Y: []float64{130, 260, 480, 730}}}}
	if xlo, xhi, ylo, yhi := p.ranges(); xlo != 0 || xhi != 8 || ylo != 0 || yhi != 800 {
		t.Errorf("linear ranges = x %v..%v y %v..%v, want x 0..8, y 0..800", xlo, xhi, ylo, yhi)
	}
}

// TestPaintPlots: every series is drawn in its own colour, inside the
// axes' area, with a legend key in the same colour; a thousand-point
// curve takes a few hundred segments; a plot without points says so.
func TestPaintPlots(t *testing.T) {
	plots := figure16()
	plots[0].Series[5] = cdf("150–300 ms", 50, 90000, 1000) // runs past both ends of the axis
	lay := LayoutPlots(plots, 343)
	var c plotCanvas
	PaintPlots(&c, plots, lay)
	if c.clears != 1 {
		t.Errorf("%d clears, want 1", c.clears)
	}
	for i, f := range lay.Frames {
		for j := range plots[i].Series {
			color, _ := SeriesStyle(j)
			var inArea int
			for _, l := range c.linesIn(color) {
				if l.y1 == l.y2 && math.Abs(l.x2-l.x1-plotLegendLine) < 1e-6 && l.y1 > f.AreaBottom {
					continue // the legend key
				}
				if l.y1 < f.Top || l.y1 > f.Top+f.Height {
					continue // the other plot
				}
				inArea++
				for _, p := range [][2]float64{{l.x1, l.y1}, {l.x2, l.y2}} {
					if !f.inside(p[0]-1e-9, p[1]) && !f.inside(p[0]+1e-9, p[1]) {
						t.Errorf("plot %d series %d: segment %+v leaves the area %+v", i, j, l, f)
					}
				}
			}
			if inArea < 20 || inArea > 500 {
				t.Errorf("plot %d series %d (%s): %d segments, want between 20 and 500 for 1000 points", i, j, color, inArea)
			}
		}
		for _, it := range f.Legend {
			if !c.hasText(it.Label) {
				t.Errorf("plot %d: legend label %q not written", i, it.Label)
			}
		}
	}
	for _, s := range []string{"Randomness", "Minimum timeout", "time without leader (ms)", "cumulative fraction", "100", "1000", "10k"} {
		if !c.hasText(s) {
			t.Errorf("text %q not written; texts: %+v", s, c.texts)
		}
	}
	if c.hasText("no trials yet") {
		t.Error(`"no trials yet" written on plots with points`)
	}

	empty := []Plot{{Title: "Waiting", XLabel: "x", YLabel: "y", Series: []PlotSeries{{Label: "a"}}}}
	c = plotCanvas{}
	PaintPlots(&c, empty, LayoutPlots(empty, 343))
	if !c.hasText("no trials yet") {
		t.Errorf("an empty plot does not say so: %+v", c.texts)
	}
}

// TestPlotTitleWraps: a title too long for a phone's plot is broken into
// lines that fit, and the axes move down to make room.
func TestPlotTitleWraps(t *testing.T) {
	long := "Randomness of the election timeout (150 ms minimum)"
	plots := []Plot{{Title: long, XLabel: "x", YLabel: "y"}, {Title: "Short", XLabel: "x", YLabel: "y"}}
	lay := LayoutPlots(plots, 343)
	a, b := lay.Frames[0], lay.Frames[1]
	if len(a.Title) < 2 || strings.Join(a.Title, " ") != long {
		t.Errorf("title lines %q, want %q in two or more lines", a.Title, long)
	}
	for _, line := range a.Title {
		if boldWidth(line, plotTitleFont) > a.Width-2*plotPad {
			t.Errorf("title line %q is wider than the plot (%v)", line, a.Width)
		}
	}
	if len(b.Title) != 1 || a.AreaTop-a.Top <= b.AreaTop-b.Top {
		t.Errorf("a two-line title's axes start %v below the plot's top, a one-line title's %v", a.AreaTop-a.Top, b.AreaTop-b.Top)
	}
	var c plotCanvas
	PaintPlots(&c, plots, lay)
	for _, line := range a.Title {
		if !c.hasText(line) {
			t.Errorf("title line %q not written; texts %+v", line, c.texts)
		}
	}
}

// TestSeriesStyle: the first seven series have distinct solid colours;
// the next seven repeat them dashed.
func TestSeriesStyle(t *testing.T) {
	seen := map[string]bool{}
	for i := range 7 {
		color, dash := SeriesStyle(i)
		if seen[color] || dash != 0 {
			t.Errorf("series %d: %s dash %v (seen: %v)", i, color, dash, seen[color])
		}
		seen[color] = true
		if c2, d2 := SeriesStyle(i + 7); c2 != color || d2 == 0 {
			t.Errorf("series %d: %s dash %v, want %s dashed", i+7, c2, d2, color)
		}
	}
}

// TestClip: a segment crossing the area's edge is cut there; one wholly
// outside is not drawn.
func TestClip(t *testing.T) {
	f := PlotFrame{AreaLeft: 0, AreaTop: 0, AreaRight: 100, AreaBottom: 100}
	if x1, y1, x2, y2, ok := f.clip(-50, 50, 50, 50); !ok || x1 != 0 || y1 != 50 || x2 != 50 || y2 != 50 {
		t.Errorf("clip(-50,50 → 50,50) = %v,%v %v,%v %v; want 0,50 50,50", x1, y1, x2, y2, ok)
	}
	if _, _, _, _, ok := f.clip(-50, -10, 150, -10); ok {
		t.Error("a segment above the area was kept")
	}
}
