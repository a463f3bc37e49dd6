package scene

import (
	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// Logs is every node's log as cells, over one window of indexes shared by
// all rows so that equal indexes line up: by default the last Cells
// indexes up to the highest last index of any node, moved back when the
// leader's commit boundary would fall before it (then the tail past Hi is
// counted, not drawn).
type Logs struct {
	// Lo and Hi bound the window of indexes drawn; Lo > Hi when no node
	// has any entry yet.
	Lo, Hi uint64
	// Leader is the node whose log the others are compared with (None:
	// nothing is marked conflicting).
	Leader raft.NodeID
	// Rows has one row per node, by id.
	Rows []LogRow
}

// LogRow is one node's log.
type LogRow struct {
	Node raft.NodeID
	Up   bool
	Role raft.Role
	// First and Last bound the entries the node holds (First > Last for
	// none); entries before First are in its snapshot, which ends at
	// Snapshot (0 for none).
	First, Last uint64
	Snapshot    uint64
	// Stable, Commit and Applied are the node's boundaries: the last
	// index durable, known committed and applied. A down node knows only
	// its disk: Stable is its last index, Commit and Applied are 0.
	Stable, Commit, Applied uint64
	// Cells are the entries the node holds inside the window, in index
	// order (Cells[i].Index == max(Lo, First) + i).
	Cells []LogCell
	// Conflicts counts the node's entries, in the window, that conflict
	// with the leader's.
	Conflicts int
}

// LogCell is one entry.
type LogCell struct {
	Index, Term uint64
	// Config: a configuration entry.
	Config bool
	// Conflict: the leader holds this index with another term, so the
	// entry will be overwritten (Raft §5.3).
	Conflict bool
}

// DefaultLogCells is how many indexes a log window shows unless the
// builder is told otherwise.
const DefaultLogCells = 30

// LogsBuilder builds Logs, keeping its buffers. Build reuses the Logs it
// returned before, so a caller that keeps one must Clone it.
type LogsBuilder struct {
	// Cells is how many indexes the window shows (DefaultLogCells when 0).
	Cells int

	frame  sim.Frame
	leader []sim.LogEntry
	buf    []sim.LogEntry
	cells  []LogCell
	logs   Logs
}

// Build returns the logs of w now, valid until the next Build.
func (b *LogsBuilder) Build(w *sim.World) *Logs {
	w.FrameInto(&b.frame)
	st := &b.frame
	l := &b.logs
	l.Leader = st.Leader
	l.Lo, l.Hi = b.window(st)

	b.leader = b.leader[:0]
	if l.Leader != raft.None {
		b.leader, _ = w.LogRange(l.Leader, l.Lo, l.Hi, b.leader)
	}
	b.cells = b.cells[:0]
	l.Rows = l.Rows[:0]
	for i := range st.Nodes {
		ns := &st.Nodes[i]
		row := LogRow{Node: ns.ID, Up: ns.Up, Role: ns.Role, First: ns.FirstIndex, Last: ns.LastIndex,
			Snapshot: ns.SnapshotIndex, Stable: ns.StableIndex, Commit: ns.CommitIndex, Applied: ns.AppliedIndex}
		start := len(b.cells)
		b.buf, _ = w.LogRange(ns.ID, l.Lo, l.Hi, b.buf[:0])
		for _, e := range b.buf {
			c := LogCell{Index: e.Index, Term: e.Term, Config: e.Type == raft.EntryConfig}
			if ns.ID != l.Leader {
				if t, ok := b.leaderTerm(e.Index); ok && t != e.Term {
					c.Conflict = true
					row.Conflicts++
				}
			}
			b.cells = append(b.cells, c)
		}
		row.Cells = b.cells[start:]
		l.Rows = append(l.Rows, row)
	}
	// Point every row at the final array (a growing b.cells left the
	// earlier rows on an old one) and cap it, so no row runs into the next.
	start := 0
	for i := range l.Rows {
		n := len(l.Rows[i].Cells)
		l.Rows[i].Cells = b.cells[start : start+n : start+n]
		start += n
	}
	return l
}

// window picks the indexes shown: see Logs.
func (b *LogsBuilder) window(st *sim.Frame) (lo, hi uint64) {
	cells := uint64(b.Cells)
	if cells == 0 {
		cells = DefaultLogCells
	}
	for i := range st.Nodes {
		hi = max(hi, st.Nodes[i].LastIndex)
	}
	if hi == 0 {
		return 1, 0
	}
	lo = 1
	if hi > cells {
		lo = hi - cells + 1
	}
	if st.Leader != raft.None {
		// The boundary after index c is drawn when c+1 >= lo; keep one
		// committed entry in sight before it.
		if c := st.Nodes[st.Leader-1].CommitIndex; c+1 < lo {
			lo = max(1, c)
			hi = lo + cells - 1
		}
	}
	return lo, hi
}

// leaderTerm is the term of the leader's entry at index, if it holds it.
func (b *LogsBuilder) leaderTerm(index uint64) (uint64, bool) {
	if len(b.leader) == 0 {
		return 0, false
	}
	first := b.leader[0].Index
	if index < first || index-first >= uint64(len(b.leader)) {
		return 0, false
	}
	return b.leader[index-first].Term, true
}

// Equal reports whether l and o draw the same.
func (l *Logs) Equal(o *Logs) bool {
	if l.Lo != o.Lo || l.Hi != o.Hi || l.Leader != o.Leader || len(l.Rows) != len(o.Rows) {
		return false
	}
	for i := range l.Rows {
		a, b := &l.Rows[i], &o.Rows[i]
		if a.Node != b.Node || a.Up != b.Up || a.Role != b.Role || a.First != b.First || a.Last != b.Last ||
			a.Snapshot != b.Snapshot || a.Stable != b.Stable || a.Commit != b.Commit || a.Applied != b.Applied ||
			a.Conflicts != b.Conflicts || len(a.Cells) != len(b.Cells) {
			return false
		}
		for j := range a.Cells {
			if a.Cells[j] != b.Cells[j] {
				return false
			}
		}
	}
	return true
}

// CopyFrom makes l a copy of o, reusing l's buffers.
func (l *Logs) CopyFrom(o *Logs) {
	l.Lo, l.Hi, l.Leader = o.Lo, o.Hi, o.Leader
	n := 0
	for i := range o.Rows {
		n += len(o.Rows[i].Cells)
	}
	var cells []LogCell
	if len(l.Rows) > 0 && cap(l.Rows[0].Cells) >= n {
		cells = l.Rows[0].Cells[:0:cap(l.Rows[0].Cells)]
	} else {
		cells = make([]LogCell, 0, n)
	}
	l.Rows = l.Rows[:0]
	for _, r := range o.Rows {
		start := len(cells)
		cells = append(cells, r.Cells...)
		r.Cells = cells[start:len(cells):len(cells)]
		l.Rows = append(l.Rows, r)
	}
	if len(l.Rows) > 0 {
		// The first row's slice keeps the whole buffer's capacity for the
		// next copy.
		l.Rows[0].Cells = cells[:len(l.Rows[0].Cells)]
	}
}

// RowAt returns the node whose row is drawn at y, in a logs view painted
// with LogsLayout lay, if any.
func (l *Logs) RowAt(lay LogsLayout, y float64) (raft.NodeID, bool) {
	if y < lay.Top {
		return raft.None, false
	}
	i := int((y - lay.Top) / lay.RowHeight)
	if i < 0 || i >= len(l.Rows) {
		return raft.None, false
	}
	return l.Rows[i].Node, true
}
