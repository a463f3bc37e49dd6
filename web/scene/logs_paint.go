package scene

import (
	"github.com/raftplayground/raftplayground/raft"
)

// LogsLayout places a logs view in pixels: a column of node labels, then
// one column per index of the window, one row per node under a header of
// index numbers, and a column for the count of entries past the window.
type LogsLayout struct {
	// Width is the view's width; Left the label column's; Right the
	// column after the cells.
	Width, Left, Right float64
	// Top is the header's height; RowHeight each row's.
	Top, RowHeight float64
	// Cell is one index's width.
	Cell float64
}

// MaxLogCell is the widest a cell is drawn, in pixels: a short log's few
// cells are sized to read well, not stretched across the view.
const MaxLogCell = 36

// LogsLayoutFor lays out a view width pixels wide showing cells indexes:
// they share the width, each at most MaxLogCell wide.
func LogsLayoutFor(width float64, cells int) LogsLayout {
	lay := LogsLayout{Width: width, Left: 40, Right: 30, Top: 20, RowHeight: 26}
	lay.Cell = max(1, min(MaxLogCell, (width-lay.Left-lay.Right)/float64(max(1, cells))))
	return lay
}

// Shown is how many indexes l's window holds (0 when no node has any
// entry).
func (l *Logs) Shown() int {
	if l.Lo > l.Hi {
		return 0
	}
	return int(l.Hi - l.Lo + 1)
}

// LogsHeight is the height of a view of n rows.
func (lay LogsLayout) LogsHeight(n int) float64 { return lay.Top + float64(n)*lay.RowHeight + 4 }

// x returns where the cell of index i starts in a window starting at lo.
func (lay LogsLayout) x(lo, i uint64) float64 {
	return lay.Left + float64(int64(i)-int64(lo))*lay.Cell
}

// Colours of the logs view.
const (
	colorSnapshot = "#e3e6ea"
	colorCommit   = "#1b7f3b"
	colorApplied  = "#1f5fbf"
	colorStable   = "#56606c"
	colorConflict = "#c62828"
	colorConfig   = "#1d232b"
	colorRowDown  = "#f8eeee"
)

// termColors are the cells' colours, one per term modulo their number:
// light enough for the dark term number on them, apart enough to tell
// neighbouring terms apart.
var termColors = [...]string{"#cfe3f7", "#fde2b8", "#d4edd0", "#ecd5f2", "#fbd3d3", "#d2efee", "#efe8c2", "#dcdcf5"}

// TermColor is the colour of a cell of term t.
func TermColor(t uint64) string { return termColors[t%uint64(len(termColors))] }

// PaintLogs draws l on c as laid out by lay, each node's row labelled by
// name, with the leader's in bold.
func (p *Painter) PaintLogs(c Canvas, l *Logs, lay LogsLayout) {
	c.Clear()
	if l.Lo > l.Hi {
		c.Text(lay.Width/2, lay.Top+lay.RowHeight/2, "no entries yet", 12, colorMuted, false)
	}
	p.paintIndexes(c, l, lay)
	for i := range l.Rows {
		p.paintRow(c, l, &l.Rows[i], lay, lay.Top+float64(i)*lay.RowHeight)
	}
}

// paintIndexes writes index numbers over the cells: every one when they
// fit, else every fifth.
func (p *Painter) paintIndexes(c Canvas, l *Logs, lay LogsLayout) {
	every := uint64(1)
	if lay.Cell < 22 {
		every = 5
	}
	for i := l.Lo; i <= l.Hi; i++ {
		if i%every == 0 || i == l.Lo {
			c.Text(lay.x(l.Lo, i)+lay.Cell/2, lay.Top/2, p.label(0, i), 10, colorMuted, false)
		}
	}
}

// paintRow draws one node's row with its top at y.
func (p *Painter) paintRow(c Canvas, l *Logs, r *LogRow, lay LogsLayout, y float64) {
	h := lay.RowHeight
	if !r.Up {
		c.Rect(0, y, lay.Width, h, colorRowDown, "", 0)
	}
	color := RoleColor(r.Up, r.Role)
	c.Text(lay.Left/2, y+h/2, p.label('n', uint64(r.Node)), 12, color, r.Up && r.Role == raft.Leader)
	top, ch := y+3, h-6

	// The snapshot: one grey band over the indexes folded into it.
	if r.Snapshot >= l.Lo && l.Lo <= l.Hi {
		end := min(r.Snapshot, l.Hi)
		x := lay.x(l.Lo, l.Lo)
		c.Rect(x, top, lay.x(l.Lo, end+1)-x, ch, colorSnapshot, colorStable, 1)
	}

	for _, cell := range r.Cells {
		x := lay.x(l.Lo, cell.Index)
		stroke, width := "#ffffff", 1.0
		if cell.Config {
			stroke, width = colorConfig, 2
		}
		c.Rect(x+0.5, top, lay.Cell-1, ch, TermColor(cell.Term), stroke, width)
		if lay.Cell >= 12 {
			c.Text(x+lay.Cell/2, top+ch/2, p.label(0, cell.Term), 10, colorText, cell.Config)
		}
		if cell.Config {
			// A dark corner marks a configuration entry.
			c.Rect(x+0.5, top, min(6, lay.Cell/3), min(6, ch/3), colorConfig, "", 0)
		}
		if cell.Conflict {
			c.Line(x+2, top+2, x+lay.Cell-2, top+ch-2, 2, colorConflict, 0)
			c.Line(x+2, top+ch-2, x+lay.Cell-2, top+2, 2, colorConflict, 0)
		}
	}

	// Boundaries, each a line after its last index: applied over the
	// row's top half and stable (dashed) over its bottom half, each with
	// a cap, then commit across the row: where all three coincide the
	// caps still show.
	p.boundary(c, l, lay, r.Applied, y+1, y+h/2, y+1, 2, colorApplied, 0)
	p.boundary(c, l, lay, r.Stable, y+h/2, y+h-1, y+h-1, 2, colorStable, 2)
	p.boundary(c, l, lay, r.Commit, y+1, y+h-1, 0, 3, colorCommit, 0)

	if r.Last > l.Hi && l.Lo <= l.Hi {
		// Entries past the window: "+k".
		c.Text(lay.Width-lay.Right/2, y+h/2, p.label('+', r.Last-l.Hi), 10, colorMuted, false)
	}
}

// boundary draws the line after index i from y1 to y2, with a short
// horizontal cap at cap (0 for none), when it falls in the window.
func (p *Painter) boundary(c Canvas, l *Logs, lay LogsLayout, i uint64, y1, y2, cap, width float64, color string, dash float64) {
	if i == 0 || i+1 < l.Lo || i > l.Hi {
		return
	}
	x := lay.x(l.Lo, i+1)
	c.Line(x, y1, x, y2, width, color, dash)
	if cap != 0 {
		c.Line(x-4, cap, x+4, cap, 2, color, 0)
	}
}
