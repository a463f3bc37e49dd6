package scene

import (
	"fmt"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// quiet returns a 5-node world without clients, with a leader and n
// commands committed.
func quiet(t *testing.T, n int) *sim.World {
	t.Helper()
	w, err := sim.New(sim.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	w.RunFor(2 * time.Second)
	if w.Leader() == raft.None {
		t.Fatal("no leader after 2 s")
	}
	propose(t, w, raft.None, n)
	w.RunFor(200 * time.Millisecond)
	return w
}

// propose proposes n commands to node to (None: the leader).
func propose(t *testing.T, w *sim.World, to raft.NodeID, n int) {
	t.Helper()
	for i := range n {
		var err error
		if to == raft.None {
			_, err = w.Propose(fmt.Appendf(nil, "set k=%d", i))
		} else {
			_, err = w.ProposeTo(to, fmt.Appendf(nil, "set k=%d", i))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// checkRows: every row's cells are the node's entries in the window, with
// their terms and types, and its boundaries are the node's status.
func checkRows(t *testing.T, w *sim.World, l *Logs) {
	t.Helper()
	st := w.Status()
	if len(l.Rows) != len(st.Nodes) {
		t.Fatalf("%d rows for %d nodes", len(l.Rows), len(st.Nodes))
	}
	for i, r := range l.Rows {
		ns := st.Nodes[i]
		if r.Node != ns.ID || r.Up != ns.Up || r.First != ns.FirstIndex || r.Last != ns.LastIndex ||
			r.Commit != ns.CommitIndex || r.Applied != ns.AppliedIndex || r.Stable != ns.StableIndex ||
			r.Snapshot != ns.SnapshotIndex {
			t.Errorf("row %+v for status %+v", r, ns.Status)
		}
		log, err := w.Log(r.Node)
		if err != nil {
			t.Fatal(err)
		}
		var want []LogCell
		for _, e := range log {
			if e.Index >= l.Lo && e.Index <= l.Hi {
				want = append(want, LogCell{Index: e.Index, Term: e.Term, Config: e.Type == raft.EntryConfig})
			}
		}
		if len(r.Cells) != len(want) {
			t.Fatalf("n%d: %d cells, want %d", r.Node, len(r.Cells), len(want))
		}
		for j := range want {
			got := r.Cells[j]
			got.Conflict = false
			if got != want[j] {
				t.Errorf("n%d: cell %+v, want %+v", r.Node, got, want[j])
			}
		}
	}
}

// TestLogsWindow: the window is the last DefaultLogCells indexes up to the
// highest last index; the leader's first entry of its term is a config
// entry here (it appends its configuration on election, as SOFAJRaft's
// leader does) and is marked; a quiet cluster has no conflicts.
func TestLogsWindow(t *testing.T) {
	w := quiet(t, 40)
	var b LogsBuilder
	l := b.Build(w)
	st := w.Status()
	hi := uint64(0)
	for _, n := range st.Nodes {
		hi = max(hi, n.LastIndex)
	}
	if l.Hi != hi || l.Lo != hi-DefaultLogCells+1 || l.Leader != w.Leader() {
		t.Fatalf("window %d..%d leader %d; want %d..%d leader %d", l.Lo, l.Hi, l.Leader, hi-DefaultLogCells+1, hi, w.Leader())
	}
	checkRows(t, w, l)
	for _, r := range l.Rows {
		if r.Conflicts != 0 {
			t.Errorf("n%d: %d conflicts in a healthy cluster", r.Node, r.Conflicts)
		}
	}

	// A short log is shown whole, from index 1, config entry included.
	w2 := quiet(t, 2)
	var b2 LogsBuilder
	l2 := b2.Build(w2)
	if l2.Lo != 1 || l2.Hi != w2.Status().Nodes[0].LastIndex {
		t.Fatalf("short log window %d..%d", l2.Lo, l2.Hi)
	}
	checkRows(t, w2, l2)
	configs := 0
	for _, c := range l2.Rows[w2.Leader()-1].Cells {
		if c.Config {
			configs++
		}
	}
	if configs == 0 {
		t.Errorf("no config entry marked in the leader's log %+v", l2.Rows[w2.Leader()-1].Cells)
	}
}

// TestLogsWindowKeepsCommit: when the leader's uncommitted tail is longer
// than the window (it lost its quorum and keeps accepting commands), the
// window moves back to keep its commit boundary in sight, and the rest is
// counted past the window.
func TestLogsWindowKeepsCommit(t *testing.T) {
	w := quiet(t, 3)
	lead := w.Leader()
	down := 0
	for id := raft.NodeID(1); id <= 5 && down < 3; id++ {
		if id != lead {
			if err := w.Crash(id); err != nil {
				t.Fatal(err)
			}
			down++
		}
	}
	propose(t, w, lead, 50)
	w.RunFor(5 * time.Millisecond)
	var b LogsBuilder
	l := b.Build(w)
	r := l.Rows[lead-1]
	if l.Leader != lead || r.Last-r.Commit < 50 {
		t.Fatalf("leader %d, commit %d, last %d: the setup did not leave a long uncommitted tail", l.Leader, r.Commit, r.Last)
	}
	if l.Lo != r.Commit || l.Hi != l.Lo+DefaultLogCells-1 {
		t.Errorf("window %d..%d, want %d..%d (the commit boundary in sight)", l.Lo, l.Hi, r.Commit, r.Commit+DefaultLogCells-1)
	}
	checkRows(t, w, l)
}

// TestLogsConflicts: an old leader cut off from the others appends entries
// its followers never get; the new majority's leader writes other entries
// at the same indexes. The old leader's entries there conflict with the
// new leader's (Raft §5.3: they will be overwritten), and nobody else's do.
func TestLogsConflicts(t *testing.T) {
	w := quiet(t, 3)
	old := w.Leader()
	for id := raft.NodeID(1); id <= 5; id++ {
		if id != old {
			_ = w.SetLink(old, id, false)
			_ = w.SetLink(id, old, false)
		}
	}
	propose(t, w, old, 3)
	w.RunFor(2 * time.Second)
	lead := w.Leader()
	if lead == old || lead == raft.None {
		t.Fatalf("no new leader (leader %d, old %d)", lead, old)
	}
	propose(t, w, lead, 4)
	w.RunFor(300 * time.Millisecond)

	var b LogsBuilder
	l := b.Build(w)
	checkRows(t, w, l)
	if l.Leader != lead {
		t.Fatalf("compared with n%d, want the new leader n%d", l.Leader, lead)
	}
	leaderTerm := map[uint64]uint64{}
	for _, c := range l.Rows[lead-1].Cells {
		leaderTerm[c.Index] = c.Term
	}
	for _, r := range l.Rows {
		n := 0
		for _, c := range r.Cells {
			want := false
			if lt, ok := leaderTerm[c.Index]; ok && lt != c.Term {
				want = true
			}
			if c.Conflict != want {
				t.Errorf("n%d index %d term %d: conflict %v, leader's term %d", r.Node, c.Index, c.Term, c.Conflict, leaderTerm[c.Index])
			}
			if c.Conflict {
				n++
			}
		}
		if r.Conflicts != n {
			t.Errorf("n%d: Conflicts %d, %d cells marked", r.Node, r.Conflicts, n)
		}
		if r.Node == old && n < 3 {
			t.Errorf("the old leader n%d has %d conflicting entries, want its 3 uncommitted ones at least", old, n)
		}
		if r.Node != old && n != 0 {
			t.Errorf("n%d, in the majority, has %d conflicts", r.Node, n)
		}
	}
}

// TestLogsSnapshotAndDown: after a snapshot the node's cells start after
// it and the row says where it ends; a crashed node's row is its disk.
func TestLogsSnapshotAndDown(t *testing.T) {
	w := quiet(t, 10)
	lead := w.Leader()
	if err := w.Snapshot(lead); err != nil {
		t.Fatal(err)
	}
	down := lead%5 + 1
	if err := w.Crash(down); err != nil {
		t.Fatal(err)
	}
	w.RunFor(10 * time.Millisecond)
	var b LogsBuilder
	l := b.Build(w)
	checkRows(t, w, l)
	r := l.Rows[lead-1]
	if r.Snapshot == 0 || r.First != r.Snapshot+1 || (len(r.Cells) > 0 && r.Cells[0].Index != r.First) {
		t.Errorf("leader's row after a snapshot: %+v", r)
	}
	if d := l.Rows[down-1]; d.Up || len(d.Cells) == 0 {
		t.Errorf("the crashed node's row: %+v", d)
	}
}

// TestLogsAfterSeek: the logs of a world rebuilt by Seek are those of a
// fresh replay to that time (issue 8).
func TestLogsAfterSeek(t *testing.T) {
	w := quiet(t, 5)
	if err := w.Crash(w.Leader()); err != nil {
		t.Fatal(err)
	}
	w.RunFor(2 * time.Second)
	propose(t, w, raft.None, 5)
	w.RunFor(time.Second)
	at := 3*time.Second + 3*time.Millisecond
	s, err := w.Seek(at)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := sim.Replay(w.Options(), w.Interventions(), at)
	if err != nil {
		t.Fatal(err)
	}
	var b1, b2 LogsBuilder
	if got, want := b1.Build(s), b2.Build(fresh); !got.Equal(want) || got.Hi == 0 {
		t.Errorf("logs after seek differ from a fresh run:\n%+v\n%+v", got, want)
	}
}

// TestLogsEqualAndCopy: Equal tells a changed commit apart; a copy is
// equal and does not change with the builder's next Build.
func TestLogsEqualAndCopy(t *testing.T) {
	w := quiet(t, 5)
	var b LogsBuilder
	var kept Logs
	kept.CopyFrom(b.Build(w))
	if !kept.Equal(b.Build(w)) {
		t.Fatal("a copy differs from a rebuild of the same world")
	}
	propose(t, w, raft.None, 1)
	w.RunFor(200 * time.Millisecond)
	if kept.Equal(b.Build(w)) {
		t.Fatal("logs after a new committed entry equal the old ones")
	}
	again := kept
	again.Rows = append([]LogRow(nil), kept.Rows...)
	kept.CopyFrom(b.Build(w))
	if kept.Equal(&again) || !kept.Equal(b.Build(w)) {
		t.Error("CopyFrom did not take the new logs")
	}
}

// TestLogsAllocatesNothing: once warm, building the logs at every frame
// allocates nothing.
func TestLogsAllocatesNothing(t *testing.T) {
	w := quiet(t, 40)
	var b LogsBuilder
	var kept Logs
	for range 3 {
		kept.CopyFrom(b.Build(w))
	}
	if a := testing.AllocsPerRun(50, func() { kept.Equal(b.Build(w)); kept.CopyFrom(b.Build(w)) }); a != 0 {
		t.Errorf("Build allocates %v times per frame once warm", a)
	}
}

// TestLogsRowAt: a point in a row picks that row's node; the header and
// below the last row pick nothing.
func TestLogsRowAt(t *testing.T) {
	w := quiet(t, 2)
	var b LogsBuilder
	l := b.Build(w)
	lay := LogsLayoutFor(600, DefaultLogCells)
	for i := range 5 {
		y := lay.Top + (float64(i)+0.5)*lay.RowHeight
		if id, ok := l.RowAt(lay, y); !ok || id != raft.NodeID(i+1) {
			t.Errorf("y=%v picks %d %v, want n%d", y, id, ok, i+1)
		}
	}
	for _, y := range []float64{lay.Top / 2, lay.Top + 5.5*lay.RowHeight} {
		if id, ok := l.RowAt(lay, y); ok {
			t.Errorf("y=%v picks n%d", y, id)
		}
	}
}

// TestPaintLogs: each cell is a rectangle in its term's colour, config
// entries outlined, conflicts crossed, and each row's commit boundary a
// green line after its commit index.
func TestPaintLogs(t *testing.T) {
	w := quiet(t, 3)
	var b LogsBuilder
	l := b.Build(w)
	lay := LogsLayoutFor(700, DefaultLogCells)
	var rec recorder
	var p Painter
	p.PaintLogs(&rec, l, lay)
	cells := 0
	for _, r := range l.Rows {
		cells += len(r.Cells)
	}
	if n := rec.count("rect"); n < cells {
		t.Errorf("%d rectangles for %d cells", n, cells)
	}
	if n := rec.count("stroke=" + colorConfig); n == 0 {
		t.Error("no config entry outlined")
	}
	if n := rec.count(" " + colorCommit + " dash"); n != len(l.Rows) {
		t.Errorf("%d commit boundaries for %d rows", n, len(l.Rows))
	}
	r := l.Rows[0]
	x := lay.x(l.Lo, r.Commit+1)
	if rec.count(fmt.Sprintf("line %.0f,", x)) == 0 {
		t.Errorf("no line at x=%.0f after n1's commit index %d", x, r.Commit)
	}
}

// TestLogCellsSizedByWindow: the cells share the view's width by the
// indexes actually shown, so a short log's cells are wide (at most
// MaxLogCell), and a full window's fit the view.
func TestLogCellsSizedByWindow(t *testing.T) {
	for _, tt := range []struct {
		width float64
		cells int
		want  float64
	}{
		{600, 1, MaxLogCell},
		{600, 10, MaxLogCell},
		{600, 20, 530.0 / 20},
		{600, DefaultLogCells, 530.0 / DefaultLogCells},
		{400, 21, 330.0 / 21},
	} {
		if got := LogsLayoutFor(tt.width, tt.cells).Cell; got != tt.want {
			t.Errorf("%v px, %d cells: cell %v px, want %v", tt.width, tt.cells, got, tt.want)
		}
	}
	if n := (&Logs{Lo: 1, Hi: 0}).Shown(); n != 0 {
		t.Errorf("an empty window shows %d", n)
	}
	if n := (&Logs{Lo: 4, Hi: 9}).Shown(); n != 6 {
		t.Errorf("window 4–9 shows %d", n)
	}
}
