package web

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft/kv"
	"github.com/raftplayground/raftplayground/raft/sim"
	"github.com/raftplayground/raftplayground/web/scene"
)

// calls is a scene.Canvas that records what was drawn, one word per call.
type calls struct{ ops []string }

func (c *calls) Clear() { c.ops = append(c.ops, "clear") }
func (c *calls) Line(_, _, _, _, _ float64, color string, _ float64) {
	c.ops = append(c.ops, "line "+color)
}
func (c *calls) Circle(_, _, _ float64, fill, stroke string, _ float64) {
	c.ops = append(c.ops, "circle")
}
func (c *calls) Arc(_, _, _, _, _, _ float64, _ string) { c.ops = append(c.ops, "arc") }
func (c *calls) Rect(_, _, _, _ float64, fill, _ string, _ float64) {
	c.ops = append(c.ops, "rect "+fill)
}
func (c *calls) Text(_, _ float64, text string, _ float64, _ string, _ bool) {
	c.ops = append(c.ops, "text "+text)
}

// TestLogsViewRepaintRate: while the playground plays, a change to the
// logs is painted at most once per LogsRepaint of wall-clock time (the
// cells change at human speed; drawing them is a frame's costliest part);
// paused, a change (a step) is painted at once.
func TestLogsViewRepaintRate(t *testing.T) {
	p := newPlayground(t)
	run(p, 2*time.Second)
	var c calls
	if !p.PaintLogs(&c, 600) {
		t.Fatal("the first frame did not paint")
	}
	p.Propose()
	for p.Advance(10 * time.Millisecond); p.logs.builder.Build(p.world).Equal(&p.logs.shown); {
		p.Advance(10 * time.Millisecond)
		if p.wall-p.logs.wallAtPaint >= LogsRepaint {
			t.Fatal("the logs did not change within LogsRepaint of a proposal")
		}
	}
	if p.PaintLogs(&c, 600) {
		t.Errorf("painted again %v after the last paint, under LogsRepaint", p.wall-p.logs.wallAtPaint)
	}
	for p.wall-p.logs.wallAtPaint < LogsRepaint {
		p.Advance(10 * time.Millisecond)
	}
	if !p.PaintLogs(&c, 600) {
		t.Error("a changed log was not painted LogsRepaint after the last paint")
	}
	p.TogglePause()
	p.Propose()
	p.Step()
	for p.logs.builder.Build(p.world).Equal(&p.logs.shown) {
		p.Step()
	}
	if !p.PaintLogs(&c, 600) {
		t.Error("paused, a step that changed a log was not painted at once")
	}
}

// TestLogsViewPaintsOnChange: the logs view paints on the first frame, not
// again while nothing in any log changed (a paused page), again after a
// command commits, and again after a resize; its summary says each node's
// log and boundaries in words.
func TestLogsViewPaintsOnChange(t *testing.T) {
	p := newPlayground(t)
	run(p, 2*time.Second)
	var c calls
	if !p.PaintLogs(&c, 600) {
		t.Fatal("the first frame did not paint")
	}
	if p.PaintLogs(&c, 600) {
		t.Error("a frame with nothing changed painted again")
	}
	p.Propose()
	run(p, 200*time.Millisecond)
	if !p.PaintLogs(&c, 600) {
		t.Error("a frame after a commit did not paint")
	}
	if !p.PaintLogs(&c, 400) {
		t.Error("a frame at another width did not paint")
	}
	p.RepaintViews()
	if !p.PaintLogs(&c, 400) {
		t.Error("a frame after RepaintViews did not paint")
	}
	st := p.world.Status()
	lead := st.Nodes[st.Leader-1]
	sum := p.LogsSummary()
	want := "n" + itoa(int(st.Leader)) + " (leader): log 1–" + itoa(int(lead.LastIndex)) + ", stable " + itoa(int(lead.StableIndex)) +
		", committed " + itoa(int(lead.CommitIndex)) + ", applied " + itoa(int(lead.AppliedIndex))
	if !strings.Contains(sum, want) || strings.Count(sum, "(follower)") != 4 {
		t.Errorf("summary %q lacks %q or four followers", sum, want)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestSpaceTimeClickSelects: a click on the arrow of a message on the wire
// in the space-time diagram selects it, so the message panel shows it;
// the diagram then draws it in the selection's colour.
func TestSpaceTimeClickSelects(t *testing.T) {
	p := newPlayground(t)
	run(p, 2*time.Second)
	p.TogglePause()
	p.SetSpeed(0.1) // a 400 ms window: arrows long enough to click
	var c calls
	if !p.PaintSpaceTime(&c, 800) {
		t.Fatal("the first frame did not paint")
	}
	if p.PaintSpaceTime(&c, 800) {
		t.Error("a paused frame painted again")
	}
	st := p.spaceTime.builder.Build(p.world, p.SpaceTimeWindow())
	lay := scene.SpaceTimeLayoutFor(800)
	var target sim.MsgID
	for i := range st.Arrows {
		if a := &st.Arrows[i]; !a.Ended && a.ID != 0 {
			x1, y1, x2, y2 := lay.Ends(st, a)
			if x2-x1 < 4 {
				continue // too short to click between others
			}
			p.ClickSpaceTime((x1+x2)/2, (y1+y2)/2)
			target = p.cluster.selected
			if m, _, ok := p.world.InFlight(target); !ok || m.From != a.From && m.To != a.To {
				t.Fatalf("clicked arrow %d, selected %d", a.ID, target)
			}
			break
		}
	}
	if target == 0 {
		t.Fatal("no arrow of a message on the wire to click")
	}
	if v := p.View(); v.Message == nil || v.Message.ID != target {
		t.Fatalf("the message panel shows %+v, want #%d", v.Message, target)
	}
	c.ops = nil
	if !p.PaintSpaceTime(&c, 800) || !contains(c.ops, "line #1f5fbf") {
		t.Error("the selection did not repaint the diagram with the selected arrow")
	}
	// A crash while paused changes no time but the diagram must show it.
	p.Crash(int(p.world.Leader()))
	if !p.PaintSpaceTime(&c, 800) {
		t.Error("a crash while paused did not repaint the diagram")
	}
}

func contains(ops []string, op string) bool {
	for _, o := range ops {
		if o == op {
			return true
		}
	}
	return false
}

// TestSpaceTimeWindowFollowsSpeed: the diagram spans four wall-clock
// seconds at the page's speed, within its bounds.
func TestSpaceTimeWindowFollowsSpeed(t *testing.T) {
	p := newPlayground(t)
	for _, c := range []struct {
		speed float64
		want  time.Duration
	}{{1, 2 * time.Second}, {0.3, 1200 * time.Millisecond}, {0.1, 400 * time.Millisecond}, {0.001, SpaceTimeMin}} {
		p.SetSpeed(c.speed)
		if got := p.SpaceTimeWindow(); got != c.want {
			t.Errorf("speed %v: window %v, want %v", c.speed, got, c.want)
		}
	}
}

// TestViewsAfterSeek: after a seek, the logs and the space-time diagram
// are those of a fresh run to that moment (issue 8: derived from the
// world only).
func TestViewsAfterSeek(t *testing.T) {
	p := newPlayground(t)
	run(p, 2*time.Second)
	p.Propose()
	run(p, time.Second)
	at := p.world.Now()
	run(p, 100*time.Millisecond)
	p.Crash(int(p.world.Leader()))
	p.Propose()
	run(p, 2*time.Second)

	q := newPlayground(t)
	run(q, 2*time.Second)
	q.Propose()
	run(q, time.Second)

	p.Seek(at)
	var a, b calls
	p.PaintLogs(&a, 600)
	q.PaintLogs(&b, 600)
	if !p.logs.shown.Equal(&q.logs.shown) || !reflect.DeepEqual(a.ops, b.ops) || p.LogsSummary() != q.LogsSummary() {
		t.Errorf("logs after a seek differ from a fresh run:\n%s\n%s", p.LogsSummary(), q.LogsSummary())
	}
	a.ops, b.ops = nil, nil
	p.PaintSpaceTime(&a, 800)
	q.PaintSpaceTime(&b, 800)
	if !reflect.DeepEqual(a.ops, b.ops) || len(a.ops) < 20 {
		t.Errorf("space-time after a seek differs from a fresh run (%d and %d calls)", len(a.ops), len(b.ops))
	}
}

// TestStorePanel: clicking a node's row in the logs view lists its store
// in the panel, keys in a person's order; a down node says why it lists
// nothing; Hide clears it.
func TestStorePanel(t *testing.T) {
	p := newPlayground(t)
	run(p, 2*time.Second)
	for i := 1; i <= 11; i++ {
		c := kv.Command{Op: kv.OpPut, Key: "k" + itoa(i), Value: itoa(i)}
		if _, err := p.world.Propose(c.Encode()); err != nil {
			t.Fatal(err)
		}
	}
	run(p, 300*time.Millisecond)
	var c calls
	p.PaintLogs(&c, 600)
	lay := p.logs.lay
	p.ClickLogs(lay.Top + 2.5*lay.RowHeight) // n3's row
	v := p.KVView()
	if v.Node != 3 || !v.Up || len(v.Pairs) != 11 || v.Pairs[1].Name != "k2" || v.Pairs[10].Name != "k11" || v.Pairs[10].Value != "11" {
		t.Fatalf("after clicking n3's row: %+v", v)
	}
	pg := render(t, p)
	if b := pg.byAttr("data-kv-node", "3"); len(b) != 1 {
		t.Error("no button for n3")
	} else if pressed, _ := attr(b[0], "aria-pressed"); pressed != "true" {
		t.Errorf("n3's button has aria-pressed %q", pressed)
	}
	if !strings.Contains(text(pg.byID("kv-pairs")), "k11") {
		t.Error("the panel does not list k11")
	}
	p.Crash(3)
	if v := p.KVView(); v.Up || len(v.Pairs) != 0 || !strings.Contains(v.EmptyText(), "down") {
		t.Errorf("a down node's store: %+v", v)
	}
	// A reset to fewer nodes than the one listed lists none: n3 is gone.
	f := FormOf(p.world.Options())
	f.Nodes = "1"
	p.Reset(f)
	if v := p.KVView(); v.Node != 0 || v.Title() != "Key-value store" || len(v.NodeButtons()) != 1 {
		t.Errorf("after a reset to 1 node: %+v, titled %q", v, v.Title())
	}
	if b := render(t, p).byAttr("data-kv-node", "3"); len(b) != 0 {
		t.Error("after a reset to 1 node the panel still offers n3")
	}
	p.ShowKV(0)
	if v := p.KVView(); v.Node != 0 {
		t.Errorf("after Hide: %+v", v)
	}
	p.ShowKV(99)
	if v := p.KVView(); v.Node != 0 {
		t.Errorf("node 99: %+v", v)
	}
}

// TestLogCellsFollowTheLog: while the logs are short the view draws wide
// cells; as they grow past the view's width the cells narrow to fit the
// window shown.
func TestLogCellsFollowTheLog(t *testing.T) {
	p := newPlayground(t)
	leaderAfter(t, p, 2*time.Second)
	var c calls
	p.PaintLogs(&c, 600)
	if got := p.logs.lay.Cell; got != scene.MaxLogCell {
		t.Errorf("one entry: cells %v px wide, want %v", got, scene.MaxLogCell)
	}
	for range 4 {
		p.Burst()
		run(p, 100*time.Millisecond)
	}
	p.PaintLogs(&c, 600)
	shown := p.logs.shown.Shown()
	if got, want := p.logs.lay.Cell, (600.0-70)/float64(shown); shown < 30 || got != want {
		t.Errorf("%d indexes shown in cells of %v px, want %v", shown, got, want)
	}
}
