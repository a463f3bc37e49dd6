package scene

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// TestLayout: n nodes sit on one ring, evenly, the first at the top.
func TestLayout(t *testing.T) {
	for n := 1; n <= sim.MaxNodes; n++ {
		pts := Layout(n, nil)
		if len(pts) != n {
			t.Fatalf("%d nodes: %d points", n, len(pts))
		}
		if !near(pts[0].X, 0.5) || !near(pts[0].Y, 0.5-ringRadius) {
			t.Errorf("%d nodes: the first is at %+v, not the top", n, pts[0])
		}
		for i, p := range pts {
			if !near(math.Hypot(p.X-0.5, p.Y-0.5), ringRadius) {
				t.Errorf("%d nodes: node %d at %+v is off the ring", n, i+1, p)
			}
			if n > 1 {
				q := pts[(i+1)%n]
				if want := 2 * ringRadius * math.Sin(math.Pi/float64(n)); !near(math.Hypot(p.X-q.X, p.Y-q.Y), want) {
					t.Errorf("%d nodes: nodes %d and %d are not evenly spaced", n, i+1, (i+1)%n+1)
				}
			}
		}
		if n >= 3 && pts[1].X <= 0.5 {
			t.Errorf("%d nodes: the second is at %+v, not clockwise from the top", n, pts[1])
		}
	}
}

// TestMessagePosition: a message leaves its sender's rim at its send time,
// is half way at the middle of its flight, reaches the receiver's rim when
// it arrives, and travels beside the line, on its sender's left, so the
// two directions of a link are apart.
func TestMessagePosition(t *testing.T) {
	b := &Builder{layout: Layout(3, nil)}
	from, to := b.layout[0], b.layout[1]
	start, mid, end := b.along(1, 2, 0), b.along(1, 2, 0.5), b.along(1, 2, 1)
	back := b.along(2, 1, 0.5)
	if got := math.Hypot(start.X-from.X, start.Y-from.Y); !near(got, math.Hypot(NodeRadius, laneOffset)) {
		t.Errorf("start %.4f from the sender's centre, want its rim", got)
	}
	if got := math.Hypot(end.X-to.X, end.Y-to.Y); !near(got, math.Hypot(NodeRadius, laneOffset)) {
		t.Errorf("end %.4f from the receiver's centre, want its rim", got)
	}
	centre := Point{(from.X + to.X) / 2, (from.Y + to.Y) / 2}
	if !near(math.Hypot(mid.X-centre.X, mid.Y-centre.Y), laneOffset) || !near(math.Hypot(back.X-centre.X, back.Y-centre.Y), laneOffset) {
		t.Errorf("mid-flight %+v and %+v, want %v beside the centre %+v", mid, back, laneOffset, centre)
	}
	if near(mid.X, back.X) && near(mid.Y, back.Y) {
		t.Error("the two directions of a link overlap")
	}
	for _, c := range []struct {
		sent, arrive, at time.Duration
		want             float64
	}{
		{10, 20, 10, 0}, {10, 20, 15, 0.5}, {10, 20, 20, 1}, {10, 20, 25, 1}, {10, 10, 10, 1},
	} {
		if got := progress(c.sent, c.arrive, c.at); !near(got, c.want) {
			t.Errorf("progress(sent %d, arrive %d, at %d) = %v, want %v", c.sent, c.arrive, c.at, got, c.want)
		}
	}
}

// TestTimers: an election timer's ring is full when reset and empty when
// due; a leader's is the fraction of the heartbeat interval left.
func TestTimers(t *testing.T) {
	if got := left(100, 400, 100); got != 1 {
		t.Errorf("just reset: %v", got)
	}
	if got := left(100, 400, 250); !near(got, 0.5) {
		t.Errorf("half way: %v", got)
	}
	if got := left(100, 400, 500); got != 0 {
		t.Errorf("past due: %v", got)
	}
	if got := heartbeatLeft(130, 100, 100); !near(got, 0.3) {
		t.Errorf("heartbeat due in 30 of 100: %v", got)
	}
}

// settled runs a default world until it has a leader and messages on the
// wire.
func settled(t *testing.T) *sim.World {
	t.Helper()
	o := sim.DefaultOptions()
	o.Clients, o.ClientRate = 4, 100
	w, err := sim.New(o)
	if err != nil {
		t.Fatal(err)
	}
	w.RunFor(2 * time.Second)
	if w.Leader() == raft.None {
		t.Fatal("no leader after 2 s")
	}
	return w
}

// TestBuild: the scene shows every node with the right timer, every
// directed link, and each message on the wire where its times put it.
func TestBuild(t *testing.T) {
	w := settled(t)
	lead := w.Leader()
	follower := lead%5 + 1
	if err := w.SetLink(lead, follower, false); err != nil {
		t.Fatal(err)
	}
	w.RunFor(7 * time.Millisecond)
	b := &Builder{Fade: 20 * time.Millisecond}
	s := b.Build(w)
	if s.Now != w.Now() || s.Leader != lead || len(s.Nodes) != 5 || len(s.Links) != 20 {
		t.Fatalf("scene: now %v leader %d, %d nodes, %d links", s.Now, s.Leader, len(s.Nodes), len(s.Links))
	}
	for _, n := range s.Nodes {
		want := TimerElection
		if n.ID == lead {
			want = TimerHeartbeat
		}
		if n.Timer != want || n.TimerLeft <= 0 || n.TimerLeft > 1 {
			t.Errorf("node %d: timer %v left %v", n.ID, n.Timer, n.TimerLeft)
		}
	}
	for _, l := range s.Links {
		if l.Cut != (l.From == lead && l.To == follower) {
			t.Errorf("link %d→%d cut=%v", l.From, l.To, l.Cut)
		}
	}
	onWire := 0
	for _, m := range s.Messages {
		if m.Outcome != sim.InFlight {
			if m.Fade <= 0 || m.Fade > 1 || m.End < s.Now-b.Fade {
				t.Errorf("ended message drawn: %+v", m)
			}
			continue
		}
		onWire++
		if want := b.along(m.From, m.To, progress(m.Sent, m.Arrive, s.Now)); m.At != want || m.Fade != 1 {
			t.Errorf("message #%d at %+v, want %+v", m.ID, m.At, want)
		}
		if m.From == lead && m.To == follower {
			t.Errorf("message #%d crosses the cut link", m.ID)
		}
	}
	if onWire != len(w.Status().Wire) {
		t.Errorf("%d messages drawn on the wire, %d on it", onWire, len(w.Status().Wire))
	}
	// Picking: the message drawn at a point, and the node.
	if len(s.Messages) > 0 {
		m := s.Messages[len(s.Messages)-1]
		if m.Outcome == sim.InFlight {
			if id, ok := s.MessageAt(m.At, 0.01); !ok || id != m.ID {
				t.Errorf("MessageAt(%+v) = %d %v, want %d", m.At, id, ok, m.ID)
			}
		}
	}
	if id, ok := s.NodeAt(s.Nodes[2].At); !ok || id != s.Nodes[2].ID {
		t.Errorf("NodeAt(node 3's centre) = %d %v", id, ok)
	}
	if _, ok := s.NodeAt(Point{0.5, 0.5}); ok {
		t.Error("a node at the ring's centre")
	}
}

// TestBuildJump: with reduced motion (Builder.Jump) each message on the wire
// is drawn a quarter of the way along its link in the first half of its
// flight and three quarters in the second (it jumps once and still shows
// its direction), and an ended one is not drawn (the page sets no fade).
func TestBuildJump(t *testing.T) {
	w := settled(t)
	if _, err := w.Propose([]byte("x")); err != nil {
		t.Fatal(err)
	}
	w.RunFor(time.Millisecond)
	b := &Builder{Jump: true}
	s := b.Build(w)
	if len(s.Messages) == 0 {
		t.Fatal("no message on the wire after a proposal")
	}
	for _, m := range s.Messages {
		if m.Outcome != sim.InFlight {
			t.Errorf("ended message #%d drawn without a fade time", m.ID)
			continue
		}
		want := 0.25
		if progress(m.Sent, m.Arrive, s.Now) >= 0.5 {
			want = 0.75
		}
		if m.Held {
			want = min(want, heldAt)
		}
		if m.Progress != want || m.At != b.along(m.From, m.To, want) {
			t.Errorf("message #%d (sent %v, due %v, now %v) drawn at %v, want %v", m.ID, m.Sent, m.Arrive, s.Now, m.Progress, want)
		}
	}
}

// TestBuildAllocatesNothing: a builder reused frame after frame allocates
// nothing once it has seen the world (issue 8: the frame loop).
func TestBuildAllocatesNothing(t *testing.T) {
	w := settled(t)
	b := &Builder{Fade: 50 * time.Millisecond}
	var st SpaceTimeBuilder
	for range 20 {
		w.RunFor(5 * time.Millisecond)
		b.Build(w)
		st.Build(w, time.Second)
	}
	if a := testing.AllocsPerRun(50, func() { b.Build(w); st.Build(w, time.Second) }); a != 0 {
		t.Errorf("Build allocates %v times per frame once warm", a)
	}
}

// TestSceneAfterSeek: the scene of a world rebuilt by Seek is the scene of
// a fresh run to that time (issue 8: what the page shows after a seek is
// derived from the world only).
func TestSceneAfterSeek(t *testing.T) {
	w := settled(t)
	if err := w.Crash(w.Leader()); err != nil {
		t.Fatal(err)
	}
	w.RunFor(8 * time.Second)
	at := 6*time.Second + 7*time.Millisecond
	s, err := w.Seek(at)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := sim.Replay(w.Options(), w.Interventions(), at)
	if err != nil {
		t.Fatal(err)
	}
	var b1, b2 Builder
	b1.Fade, b2.Fade = 30*time.Millisecond, 30*time.Millisecond
	if got, want := b1.Build(s), b2.Build(fresh); !reflect.DeepEqual(got, want) {
		t.Errorf("scene after seek differs from a fresh run:\n%+v\n%+v", got, want)
	}
	var st1, st2 SpaceTimeBuilder
	if got, want := st1.Build(s, time.Second), st2.Build(fresh, time.Second); !reflect.DeepEqual(got, want) || len(got.Arrows) == 0 {
		t.Errorf("space-time after seek differs from a fresh run (%d and %d arrows)", len(got.Arrows), len(want.Arrows))
	}
}

// TestSpaceTime: each node's lane is covered by its role spans, in order,
// without gaps, from its first known role to now; the crashed leader's
// lane ends in a down span; arrows start at their send times.
func TestSpaceTime(t *testing.T) {
	w := settled(t)
	lead := w.Leader()
	if err := w.Crash(lead); err != nil {
		t.Fatal(err)
	}
	w.RunFor(time.Second)
	var b SpaceTimeBuilder
	st := b.Build(w, 10*time.Second)
	if st.From != 0 || st.To != w.Now() || st.Nodes != 5 {
		t.Fatalf("window %v..%v, %d lanes", st.From, st.To, st.Nodes)
	}
	for id := raft.NodeID(1); id <= 5; id++ {
		var spans []Span
		for _, sp := range st.Spans {
			if sp.Node == id {
				spans = append(spans, sp)
			}
		}
		if len(spans) == 0 || spans[0].From != 0 || spans[len(spans)-1].To != st.To {
			t.Fatalf("node %d: spans %+v do not cover the window", id, spans)
		}
		for i := 1; i < len(spans); i++ {
			if spans[i].From != spans[i-1].To {
				t.Errorf("node %d: gap between %+v and %+v", id, spans[i-1], spans[i])
			}
		}
		last := spans[len(spans)-1]
		if id == lead && last.Up {
			t.Errorf("the crashed leader's lane ends in %+v", last)
		}
		if id != lead && !last.Up {
			t.Errorf("node %d's lane ends down", id)
		}
	}
	for _, a := range st.Arrows {
		if a.End < a.Sent || (a.Ended && a.End != a.MsgRecord.End) || (!a.Ended && a.End != st.To) {
			t.Errorf("arrow %+v", a)
		}
	}
}
