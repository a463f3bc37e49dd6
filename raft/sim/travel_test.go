package sim

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// statusJSON is everything observable about a world, for comparisons.
func statusJSON(t *testing.T, w *World) string {
	t.Helper()
	b, err := json.Marshal(struct {
		Status  Status
		History []HistoryOp
		Recent  []TraceEvent
	}{w.Status(), w.History(), w.Trace().Recent(50)})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// interveningRun makes a world with clients and runs it 40 virtual seconds
// with a crash, a partition and a held message along the way.
func interveningRun(t *testing.T, until time.Duration) *World {
	t.Helper()
	o := DefaultOptions()
	o.Seed, o.Clients, o.ClientRate, o.SnapshotEvery = 7, 4, 100, 50
	w, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		at time.Duration
		do func() error
	}{
		{3 * time.Second, func() error { return w.Crash(w.Leader()) }},
		{9 * time.Second, func() error { return w.Partition([]raft.NodeID{1, 2}, []raft.NodeID{3, 4, 5}) }},
		{14 * time.Second, func() error { w.HealAll(); return nil }},
		{14 * time.Second, func() error { return w.Restart(firstDown(w)) }},
		{21 * time.Second, func() error { return w.Hold(w.Status().Wire[0].ID) }},
		{29 * time.Second, func() error { return w.SetResponseDelay(2, 80*time.Millisecond) }},
	}
	for _, s := range steps {
		if s.at > until {
			break
		}
		w.RunUntil(s.at)
		if err := s.do(); err != nil {
			t.Fatalf("at %v: %v", s.at, err)
		}
	}
	w.RunUntil(until)
	if err := w.Violation(); err != nil {
		t.Fatal(err)
	}
	return w
}

func firstDown(w *World) raft.NodeID {
	for _, n := range w.Status().Nodes {
		if !n.Up {
			return n.ID
		}
	}
	return raft.None
}

// TestSeekMatchesARunStoppedThere: seeking back to t gives exactly the world
// a run stopped at t had.
func TestSeekMatchesARunStoppedThere(t *testing.T) {
	end := interveningRun(t, 40*time.Second)
	for _, at := range []time.Duration{0, 2 * time.Second, 14 * time.Second, 17300 * time.Millisecond, 33 * time.Second, 40 * time.Second} {
		got, err := end.Seek(at)
		if err != nil {
			t.Fatal(err)
		}
		want := interveningRun(t, at)
		if g, w := statusJSON(t, got), statusJSON(t, want); g != w {
			t.Fatalf("seek to %v differs from a run stopped there:\nseek: %.600s\nrun:  %.600s", at, g, w)
		}
	}
}

// TestSeekForks: acting on a world sought into the past leaves the
// original alone and discards the recorded future.
func TestSeekForks(t *testing.T) {
	end := interveningRun(t, 30*time.Second)
	before := statusJSON(t, end)
	past, err := end.Seek(10 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if err := past.Crash(2); err != nil {
		t.Fatal(err)
	}
	past.RunFor(5 * time.Second)
	if statusJSON(t, end) != before {
		t.Fatal("acting on the past world changed the original")
	}
	if n := len(past.Interventions()); n != 3 {
		t.Fatalf("the fork has %d interventions, want the 2 made before 10s plus its crash: %+v", n, past.Interventions())
	}
	if _, err := end.Seek(31 * time.Second); err == nil {
		t.Fatal("seeking past the end succeeded")
	}
}

// TestFollowRebuildsTheRun: a world sought into the past and run forward
// with Follow goes through exactly what the original did, interventions
// included (the page plays a rewound run this way); acting on it forks it,
// and Follow then refuses.
func TestFollowRebuildsTheRun(t *testing.T) {
	o := DefaultOptions()
	o.Clients, o.ClientRate = 3, 60
	w, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	w.RunFor(3 * time.Second)
	lead := w.Leader()
	if err := w.Crash(lead); err != nil {
		t.Fatal(err)
	}
	w.RunFor(2 * time.Second)
	if err := w.SetResponseDelay(lead%5+1, 40*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Propose([]byte("x")); err != nil {
		t.Fatal(err)
	}
	w.RunFor(3 * time.Second)

	s, err := w.Seek(2 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	for s.Now() < w.Now() {
		if err := s.Follow(w, min(w.Now(), s.Now()+137*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(s.Status(), w.Status()) || !reflect.DeepEqual(s.Interventions(), w.Interventions()) ||
		!reflect.DeepEqual(s.History(), w.History()) || !reflect.DeepEqual(s.Proposals(-1), w.Proposals(-1)) {
		t.Fatal("following the run from 2 s did not rebuild it")
	}
	if got := s.Status().Nodes[lead%5].ResponseDelay; got != 40*time.Millisecond {
		t.Errorf("the response delay after following: %v", got)
	}

	f, err := w.Seek(4 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Restart(lead); err != nil {
		t.Fatal(err)
	}
	if err := f.Follow(w, w.Now()); err == nil {
		t.Fatal("Follow followed a world that forked")
	}
}

// TestCheckpointsDenseNearTheEnd: a long run keeps at most maxCheckpoints,
// close together near its end and ever sparser back to its start, so a
// seek into the recent past replays little (issue 10: a seek into the last
// minute of a 10-minute run); a checkpoint keeps no checkpoints of its own
// (which would keep every thinned one alive).
func TestCheckpointsDenseNearTheEnd(t *testing.T) {
	o := DefaultOptions()
	o.DisableCheckers = true
	w, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	w.RunFor(10 * time.Minute)
	cps := w.checkpoints
	if len(cps) != maxCheckpoints {
		t.Fatalf("%d checkpoints, want %d", len(cps), maxCheckpoints)
	}
	for i, c := range cps {
		if c.w.checkpoints != nil {
			t.Fatalf("checkpoint %d keeps checkpoints of its own", i)
		}
		start := time.Duration(0)
		if i > 0 {
			start = cps[i-1].at
		}
		age := w.Now() - start
		if gap := c.at - start; gap > age/8+checkpointEvery {
			t.Errorf("checkpoint %d at %v: a gap of %v, %v before the end", i, c.at, gap, age)
		}
		if w.Now()-c.at <= time.Minute && i > 0 && c.at-cps[i-1].at > 8*time.Second {
			t.Errorf("in the last minute, checkpoints %v and %v are far apart", cps[i-1].at, c.at)
		}
	}
	if last := cps[len(cps)-1].at; w.Now()-last > checkpointEvery {
		t.Errorf("the newest checkpoint is at %v, the run at %v", last, w.Now())
	}
}

// TestInterventionBetweenEventsOfATimer: an action taken after Step while
// a node's tick or a client's timer (kept beside the heap) is due in the
// same instant records how many events had been handled, so a replay
// makes it at the same point and rebuilds the same world.
func TestInterventionBetweenEventsOfATimer(t *testing.T) {
	o := DefaultOptions()
	o.Clients, o.ClientRate = 4, 200
	w, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	w.RunFor(time.Second)
	found := false
	for range 200000 {
		if !w.Step() {
			break
		}
		if ev, from, _, ok := w.next(); ok && ev.at == w.now && from != fromHeap {
			found = true
			break
		}
	}
	if !found {
		t.Fatal("no instant with a timer due after another event")
	}
	if err := w.Crash(w.Leader()%5 + 1); err != nil {
		t.Fatal(err)
	}
	ivs := w.Interventions()
	if last := ivs[len(ivs)-1]; last.Step == nil || *last.Step != w.Handled() {
		t.Fatalf("the crash does not record the events handled before it: %+v", last)
	}
	w.RunFor(time.Second)
	r, err := Replay(o, ivs, w.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := statusJSON(t, r), statusJSON(t, w); got != want {
		t.Errorf("the replay differs:\n%s\n%s", got, want)
	}
}

// Options.NoCheckpoints: the world keeps no frozen copies, runs exactly as
// one that does (checkpoints only observe), and still seeks, by replaying
// from time zero.
func TestNoCheckpoints(t *testing.T) {
	o := DefaultOptions()
	o.Seed, o.Clients, o.ClientRate = 3, 2, 50
	with, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	o.NoCheckpoints = true
	without, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	with.RunFor(7 * time.Second)
	without.RunFor(7 * time.Second)
	if len(with.checkpoints) == 0 || len(without.checkpoints) != 0 {
		t.Fatalf("%d and %d checkpoints, want some and none", len(with.checkpoints), len(without.checkpoints))
	}
	if statusJSON(t, with) != statusJSON(t, without) {
		t.Fatal("a world without checkpoints ran differently")
	}
	s1, err := with.Seek(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := without.Seek(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if statusJSON(t, s1) != statusJSON(t, s2) {
		t.Fatal("seeking without checkpoints found another world")
	}
}

// TestSeekRefillsTheTrace: checkpoints keep no recent trace events and no
// message records, so a seek to just after one (where the events or
// messages since do not fill the rings) must replay from an earlier one:
// the sought world's whole recent trace, records and notable events
// included, and its message log are the ones a run stopped there had.
// The quiet world (no clients) makes few events per checkpoint interval.
func TestSeekRefillsTheTrace(t *testing.T) {
	quiet := func(until time.Duration) *World {
		w, err := New(DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		w.RunUntil(until)
		return w
	}
	busy := func(until time.Duration) *World { return interveningRun(t, until) }
	for name, run := range map[string]func(time.Duration) *World{"quiet": quiet, "busy": busy} {
		end := run(40 * time.Second)
		for _, at := range []time.Duration{2 * time.Second, 4*time.Second + time.Millisecond, 20*time.Second + 30*time.Millisecond, 33 * time.Second} {
			got, err := end.Seek(at)
			if err != nil {
				t.Fatal(err)
			}
			want := run(at)
			if !got.Trace().complete() || got.Trace().held() != want.Trace().held() {
				t.Fatalf("%s, seek to %v: the ring holds %d events (complete %v), a run stopped there %d",
					name, at, got.Trace().held(), got.Trace().complete(), want.Trace().held())
			}
			g, w := got.Trace(), want.Trace()
			if !reflect.DeepEqual(g.Recent(traceKeep), w.Recent(traceKeep)) ||
				!reflect.DeepEqual(g.RecentRecords(traceKeep), w.RecentRecords(traceKeep)) ||
				!reflect.DeepEqual(g.NotableRecords(notableKeep), w.NotableRecords(notableKeep)) {
				t.Fatalf("%s, seek to %v: the trace differs from a run stopped there", name, at)
			}
			if g, w := got.MessageLog(0, nil), want.MessageLog(0, nil); !reflect.DeepEqual(g, w) || len(g) == 0 {
				t.Fatalf("%s, seek to %v: the message log holds %d records, a run stopped there %d (equal: %v)",
					name, at, len(g), len(w), reflect.DeepEqual(g, w))
			}
		}
	}
}

// TestSeekRefillsNotableEvents: under client load a checkpoint keeps no
// notable events (the ring turns over between checkpoints), so a seek to
// just after one, where the notable events since do not fill the ring,
// must replay from the checkpoint before: the sought world's notable
// events are the ones a run stopped there had.
func TestSeekRefillsNotableEvents(t *testing.T) {
	run := func(until time.Duration) *World {
		w, err := New(benchOptions(true))
		if err != nil {
			t.Fatal(err)
		}
		w.RunUntil(until)
		return w
	}
	end := run(30 * time.Second)
	dropped := 0
	for _, cp := range end.checkpoints {
		if cp.w.trace.notable == nil {
			dropped++
		}
	}
	if dropped == 0 {
		t.Fatal("no checkpoint of a busy world dropped its notable events: the test tests nothing")
	}
	// About 0.45 s after a checkpoint this world has made enough messages
	// to fill the message ring but not yet enough notable events.
	for _, at := range []time.Duration{10*time.Second + time.Millisecond, 20*time.Second + 420*time.Millisecond,
		20*time.Second + 450*time.Millisecond, 24*time.Second + 440*time.Millisecond, 26*time.Second + 470*time.Millisecond} {
		got, err := end.Seek(at)
		if err != nil {
			t.Fatal(err)
		}
		want := run(at)
		if g, w := got.Trace().NotableRecords(notableKeep), want.Trace().NotableRecords(notableKeep); !reflect.DeepEqual(g, w) || len(g) != notableKeep {
			t.Fatalf("seek to %v: %d notable events, a run stopped there %d (equal: %v)", at, len(g), len(w), reflect.DeepEqual(g, w))
		}
	}
}
