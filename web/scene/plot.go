package scene

import (
	"math"
	"strings"
)

// Plot is one chart of the experiments panel: lines of (x, y) points
// against a horizontal and a vertical axis, one colour per series, with a
// legend under the axes.
type Plot struct {
	// Title is written above the axes; XLabel under them; YLabel above
	// the vertical axis (a canvas writes no rotated text here).
	Title, XLabel, YLabel string
	// Series are the lines, drawn in order.
	Series []PlotSeries
	// LogX and LogY draw x and y on a log scale; points with a value
	// <= 0 on a log axis are left out.
	LogX, LogY bool
	// YMin and YMax fix the vertical axis when YMax > YMin (a cumulative
	// distribution runs from 0 to 1); otherwise it runs from 0 (or the
	// lowest y, if negative) to a nice value above the highest y.
	YMin, YMax float64
}

// PlotSeries is one line of a plot: the points (X[i], Y[i]), joined in
// order. Invariant: len(X) == len(Y).
type PlotSeries struct {
	// Label names it in the legend.
	Label string
	X, Y  []float64
}

// Tick is a labelled mark on an axis.
type Tick struct {
	// Value is where it is in data units; Pos in pixels.
	Value, Pos float64
	// Label is its text.
	Label string
}

// LegendItem places one series' key: a line sample at (X, Y) then its
// label.
type LegendItem struct {
	X, Y  float64
	Label string
	Color string
	Dash  float64
}

// PlotFrame places one plot in pixels.
type PlotFrame struct {
	// Left, Top, Width, Height bound the whole plot.
	Left, Top, Width, Height float64
	// AreaLeft, AreaTop, AreaRight, AreaBottom bound the axes' area,
	// where the lines are drawn. Invariant: AreaLeft < AreaRight,
	// AreaTop < AreaBottom.
	AreaLeft, AreaTop, AreaRight, AreaBottom float64
	// XLo, XHi, YLo, YHi are the data ranges the area shows.
	XLo, XHi, YLo, YHi float64
	// LogX, LogY: x, y is on a log scale (XLo > 0, YLo > 0).
	LogX, LogY bool
	// Title is the plot's title in lines that fit its width.
	Title []string
	// XTicks and YTicks are the axes' marks, inside the ranges.
	XTicks, YTicks []Tick
	// Legend keys every series, in rows under the x axis's label.
	Legend []LegendItem
}

// PlotLayout places a column (or, on a wide view, rows of two) of plots.
type PlotLayout struct {
	// Width and Height are the whole view's size.
	Width, Height float64
	// Frames are the plots', in order.
	Frames []PlotFrame
}

// Sizes of a plot view, in CSS pixels. The text is as large as the page's
// small print, so it reads on a phone.
const (
	plotFont       = 12.0
	plotTitleFont  = 13.0
	plotGap        = 20.0 // between plots side by side or stacked
	plotTwoColumns = 720.0
	plotLeft       = 48.0 // room for the y ticks' labels
	plotRight      = 14.0
	plotPad        = 8.0  // above the title and under the legend
	plotTitleLine  = 17.0 // a line of a title; a title wraps to fit
	plotTitleH     = 5.0  // under the title's lines
	plotYLabelH    = 26.0 // the y label, clear of the top tick's label
	plotTickH      = 18.0
	plotXLabelH    = 20.0
	plotLegendRow  = 20.0
	plotLegendLine = 18.0 // a legend key's line sample
	plotMinArea    = 150.0
	plotMaxArea    = 300.0
	plotStep       = 1.5 // the least length of a drawn segment, in pixels
)

// plotColors are the series' colours: the Okabe–Ito palette without its
// yellow (too faint on white), apart for colour-blind readers too. Past
// them the colours repeat dashed.
var plotColors = [...]string{"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"}

// SeriesStyle is the colour and dash (0: solid) of series i.
func SeriesStyle(i int) (color string, dash float64) {
	n := len(plotColors)
	return plotColors[i%n], float64(i/n%2) * 5
}

// textWidth estimates how wide text is at size px: the canvas interface
// does not measure text, and text is drawn centred, so a label meant to
// start at x is centred at x plus half this. 0.56 em a character is a
// little more than system-ui's average, so a label may start a little
// right of where it should but does not run into what is left of it.
func textWidth(text string, size float64) float64 {
	return 0.56 * size * float64(len([]rune(text)))
}

// boldWidth estimates how wide bold text is: a little wider than regular.
func boldWidth(text string, size float64) float64 { return 1.1 * textWidth(text, size) }

// LayoutPlots places plots in a view width pixels wide: two side by side
// when the view is wide enough, else one under the other.
func LayoutPlots(plots []Plot, width float64) PlotLayout {
	lay := PlotLayout{Width: width}
	cols := 1
	if width >= plotTwoColumns && len(plots) > 1 {
		cols = 2
	}
	w := (width - plotGap*float64(cols-1)) / float64(cols)
	top := 0.0
	for i := 0; i < len(plots); i += cols {
		rowH := 0.0
		for j := 0; j < cols && i+j < len(plots); j++ {
			f := layoutPlot(&plots[i+j], float64(j)*(w+plotGap), top, w)
			rowH = max(rowH, f.Height)
			lay.Frames = append(lay.Frames, f)
		}
		top += rowH + plotGap
	}
	lay.Height = max(top-plotGap, 0)
	return lay
}

// layoutPlot places p in the box of width w whose top left is (left, top).
func layoutPlot(p *Plot, left, top, w float64) PlotFrame {
	f := PlotFrame{Left: left, Top: top, Width: w, LogX: p.LogX, LogY: p.LogY}
	f.AreaLeft = left + plotLeft
	f.AreaRight = max(left+w-plotRight, f.AreaLeft+1)
	f.Title = wrapText(p.Title, plotTitleFont, w-2*plotPad)
	f.AreaTop = f.yLabelTop() + plotYLabelH
	f.AreaBottom = f.AreaTop + min(max((f.AreaRight-f.AreaLeft)*0.6, plotMinArea), plotMaxArea)
	f.XLo, f.XHi, f.YLo, f.YHi = p.ranges()
	f.XTicks = xTicks(f.XLo, f.XHi, p.LogX, f.AreaRight-f.AreaLeft)
	if p.LogY {
		f.YTicks = thin(LogTicks(f.YLo, f.YHi), 6)
	} else {
		f.YTicks = LinearTicks(f.YLo, f.YHi, 6)
	}
	for i := range f.XTicks {
		f.XTicks[i].Pos = f.X(f.XTicks[i].Value)
	}
	for i := range f.YTicks {
		f.YTicks[i].Pos = f.Y(f.YTicks[i].Value)
	}
	legendTop := f.AreaBottom + plotTickH + plotXLabelH
	f.Legend, f.Height = legend(p.Series, left, legendTop, w)
	f.Height += plotPad - top
	return f
}

// yLabelTop is where the y axis's label's line begins, under the title.
func (f *PlotFrame) yLabelTop() float64 {
	return f.Top + plotPad + float64(len(f.Title))*plotTitleLine + plotTitleH
}

// wrapText breaks bold text at spaces into lines that fit width at size
// px (a word longer than width gets a line of its own).
func wrapText(text string, size, width float64) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case boldWidth(line+" "+word, size) <= width:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// legend lays the series' keys out in rows from (left, top) within width
// w, and returns them with the bottom of the last row.
func legend(series []PlotSeries, left, top, w float64) ([]LegendItem, float64) {
	items := make([]LegendItem, 0, len(series))
	x, y := left+plotLeft/2, top+plotLegendRow/2
	for i, s := range series {
		color, dash := SeriesStyle(i)
		itemW := plotLegendLine + 6 + textWidth(s.Label, plotFont) + 16
		if x > left+plotLeft/2 && x+itemW > left+w {
			x, y = left+plotLeft/2, y+plotLegendRow
		}
		items = append(items, LegendItem{X: x, Y: y, Label: s.Label, Color: color, Dash: dash})
		x += itemW
	}
	if len(series) == 0 {
		return items, top
	}
	return items, y + plotLegendRow/2
}

// usable reports whether the point (x, y) can be drawn on p's axes: both
// finite, and positive on a log axis.
func (p *Plot) usable(x, y float64) bool {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	return finite(x) && finite(y) && (!p.LogX || x > 0) && (!p.LogY || y > 0)
}

// ranges returns the data ranges p's axes show: the points' extent
// rounded out to nice values (see Plot.YMin, Plot.LogX and Plot.LogY).
func (p *Plot) ranges() (xlo, xhi, ylo, yhi float64) {
	xlo, xhi, ylo, yhi = math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	if !p.LogY {
		ylo = 0 // a linear y axis starts at 0 (or below)
	}
	for _, s := range p.Series {
		for i, x := range s.X {
			if i < len(s.Y) && p.usable(x, s.Y[i]) {
				xlo, xhi = min(xlo, x), max(xhi, x)
				ylo, yhi = min(ylo, s.Y[i]), max(yhi, s.Y[i])
			}
		}
	}
	xlo, xhi = axisRange(xlo, xhi, p.LogX)
	if p.YMax > p.YMin {
		return xlo, xhi, p.YMin, p.YMax
	}
	ylo, yhi = axisRange(ylo, yhi, p.LogY)
	return xlo, xhi, ylo, yhi
}

// axisRange rounds the data range [lo, hi] out to nice values: 1, 2 or 5
// times powers of ten on a log axis, multiples of a nice step on a linear
// one. Without data it is 1..1000 (log) or 0..1.
func axisRange(lo, hi float64, log bool) (float64, float64) {
	switch {
	case math.IsInf(lo, 1) && log:
		return 1, 1000
	case math.IsInf(lo, 1) || math.IsInf(hi, -1):
		return 0, 1
	case log:
		lo, hi = logFloor(lo), logCeil(hi)
		if hi <= lo {
			hi = logCeil(lo * 1.5)
		}
		return lo, hi
	}
	if hi <= lo {
		lo, hi = lo-1, hi+1
	}
	return niceOut(lo, hi, 6)
}

// X is where data value x is drawn across the area.
func (f *PlotFrame) X(x float64) float64 {
	return f.AreaLeft + scaled(x, f.XLo, f.XHi, f.LogX)*(f.AreaRight-f.AreaLeft)
}

// Y is where data value y is drawn up the area.
func (f *PlotFrame) Y(y float64) float64 {
	return f.AreaBottom - scaled(y, f.YLo, f.YHi, f.LogY)*(f.AreaBottom-f.AreaTop)
}

// scaled is where v lies between lo (0) and hi (1), on a log scale or not.
func scaled(v, lo, hi float64, log bool) float64 {
	if log {
		return (math.Log10(v) - math.Log10(lo)) / (math.Log10(hi) - math.Log10(lo))
	}
	return (v - lo) / (hi - lo)
}
