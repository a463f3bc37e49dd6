package scene

import (
	"math"
	"strings"
)

// Colours of the plots.
const (
	colorGrid = "#e3e7ec"
	colorAxis = "#56606c"
)

// PaintPlots draws plots on c as lay places them (lay from LayoutPlots of
// the same plots); a plot without points says so.
func PaintPlots(c Canvas, plots []Plot, lay PlotLayout) {
	c.Clear()
	for i := range lay.Frames {
		if i < len(plots) {
			paintPlot(c, &plots[i], &lay.Frames[i])
		}
	}
}

func paintPlot(c Canvas, p *Plot, f *PlotFrame) {
	for i, line := range f.Title {
		c.Text(f.Left+f.Width/2, f.Top+plotPad+(float64(i)+0.5)*plotTitleLine, line, plotTitleFont, colorText, true)
	}
	c.Text(f.Left+4+textWidth(p.YLabel, plotFont)/2, f.yLabelTop()+plotFont/2, p.YLabel, plotFont, colorMuted, false)
	for _, t := range f.YTicks {
		c.Line(f.AreaLeft, t.Pos, f.AreaRight, t.Pos, 1, colorGrid, 0)
		c.Text(f.AreaLeft-6-textWidth(t.Label, plotFont)/2, t.Pos, t.Label, plotFont, colorMuted, false)
	}
	for _, t := range f.XTicks {
		c.Line(t.Pos, f.AreaTop, t.Pos, f.AreaBottom, 1, colorGrid, 0)
		c.Text(t.Pos, f.AreaBottom+plotTickH/2+2, t.Label, plotFont, colorMuted, false)
	}
	c.Line(f.AreaLeft, f.AreaBottom, f.AreaRight, f.AreaBottom, 1, colorAxis, 0)
	c.Line(f.AreaLeft, f.AreaTop, f.AreaLeft, f.AreaBottom, 1, colorAxis, 0)
	c.Text((f.AreaLeft+f.AreaRight)/2, f.AreaBottom+plotTickH+plotXLabelH/2, p.XLabel, plotFont, colorMuted, false)

	points := 0
	for i, s := range p.Series {
		color, dash := SeriesStyle(i)
		points += paintSeries(c, p, &s, f, color, dash)
	}
	if points == 0 {
		c.Text((f.AreaLeft+f.AreaRight)/2, (f.AreaTop+f.AreaBottom)/2, "no trials yet", plotFont, colorMuted, false)
	}
	for _, it := range f.Legend {
		c.Line(it.X, it.Y, it.X+plotLegendLine, it.Y, 3, it.Color, it.Dash)
		c.Text(it.X+plotLegendLine+6+textWidth(it.Label, plotFont)/2, it.Y, it.Label, plotFont, colorText, false)
	}
}

// paintSeries joins s's points inside f's ranges and returns how many it
// drew. A segment leaving the area is cut at its edge. Points closer than
// plotStep pixels to the last one drawn are passed over (the line goes
// straight to the next one further away), so a thousand-point curve costs
// a few hundred canvas calls, not thousands, and looks the same.
func paintSeries(c Canvas, p *Plot, s *PlotSeries, f *PlotFrame, color string, dash float64) int {
	drawn := 0
	havePrev := false
	var px, py float64
	last := len(s.X) - 1
	for i, x := range s.X {
		if i >= len(s.Y) || !p.usable(x, s.Y[i]) {
			havePrev = false
			continue
		}
		cx, cy := f.X(x), f.Y(s.Y[i])
		drawn++
		switch {
		case !havePrev:
			if len(s.X) == 1 && f.inside(cx, cy) {
				c.Circle(cx, cy, 3, color, "", 0)
			}
		case i < last && math.Abs(cx-px) < plotStep && math.Abs(cy-py) < plotStep:
			continue // too close to show: keep (px, py)
		default:
			if x1, y1, x2, y2, ok := f.clip(px, py, cx, cy); ok {
				c.Line(x1, y1, x2, y2, 2, color, dash)
			}
		}
		px, py, havePrev = cx, cy, true
	}
	return drawn
}

// inside reports whether (x, y) is in the area.
func (f *PlotFrame) inside(x, y float64) bool {
	return x >= f.AreaLeft && x <= f.AreaRight && y >= f.AreaTop && y <= f.AreaBottom
}

// clip cuts the segment (x1, y1)–(x2, y2) to the area (Liang–Barsky); ok
// is false when nothing of it is inside.
func (f *PlotFrame) clip(x1, y1, x2, y2 float64) (float64, float64, float64, float64, bool) {
	t0, t1 := 0.0, 1.0
	dx, dy := x2-x1, y2-y1
	edges := [4][2]float64{
		{-dx, x1 - f.AreaLeft}, {dx, f.AreaRight - x1},
		{-dy, y1 - f.AreaTop}, {dy, f.AreaBottom - y1},
	}
	for _, e := range edges {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return 0, 0, 0, 0, false
			}
			continue
		}
		r := q / p
		if p < 0 {
			t0 = max(t0, r)
		} else {
			t1 = min(t1, r)
		}
	}
	if t0 > t1 {
		return 0, 0, 0, 0, false
	}
	return x1 + t0*dx, y1 + t0*dy, x1 + t1*dx, y1 + t1*dy, true
}

// PlotsSummary describes plots in a sentence per plot, for the canvas's
// accessible name (the page's tables give the numbers).
func PlotsSummary(plots []Plot) string {
	var b strings.Builder
	for i, p := range plots {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(p.Title)
		b.WriteString(": ")
		b.WriteString(p.YLabel)
		b.WriteString(" against ")
		b.WriteString(p.XLabel)
		switch {
		case p.LogX && p.LogY:
			b.WriteString(" (both on log scales)")
		case p.LogX:
			b.WriteString(" (log scale)")
		case p.LogY:
			b.WriteString(" (" + p.YLabel + " on a log scale)")
		}
		b.WriteString(", one line per ")
		labels := make([]string, len(p.Series))
		for j, s := range p.Series {
			labels[j] = s.Label
		}
		b.WriteString("series: " + strings.Join(labels, ", ") + ".")
	}
	return b.String()
}
