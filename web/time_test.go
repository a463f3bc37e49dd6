package web

import (
	"reflect"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft/sim"
)

// run advances p by d of virtual time at 1×, in ticks.
func run(p *Playground, d time.Duration) {
	for end := p.world.Now() + d; p.world.Now() < end; {
		p.Advance(min(MaxTickWall, end-p.world.Now()))
	}
}

// sameView compares what the page shows of two playgrounds, apart from
// the clock controls and the scrubber.
func sameView(t *testing.T, what string, got, want View) {
	t.Helper()
	for _, v := range []*View{&got, &want} {
		v.Speed, v.Paused, v.NowMs, v.EndMs, v.End, v.Behind = 0, false, 0, 0, "", false
		v.Wire = nil // listed only while paused, which this leaves out
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// TestSeekShowsThePast: after a seek the page shows exactly what a run
// stopped at that moment shows: nodes, proposals, response delays,
// events, the leader's replicators (issue 8: page state is derived from
// the world, never kept beside it).
func TestSeekShowsThePast(t *testing.T) {
	p := newPlayground(t)
	run(p, 2*time.Second)
	p.Propose()
	p.SetResponseDelay(2, 50*time.Millisecond)
	run(p, time.Second)
	at := p.world.Now()
	run(p, 100*time.Millisecond)
	p.Propose()
	p.Crash(int(p.world.Leader()))
	p.SetResponseDelay(3, 200*time.Millisecond)
	run(p, 3*time.Second)

	// The same actions, stopped at `at`.
	q := newPlayground(t)
	run(q, 2*time.Second)
	q.Propose()
	q.SetResponseDelay(2, 50*time.Millisecond)
	run(q, time.Second)
	if q.world.Now() != at {
		t.Fatalf("the second run is at %v, the first was at %v", q.world.Now(), at)
	}

	p.Seek(at)
	if !p.Behind() || !p.paused {
		t.Fatalf("after a seek back: behind %v paused %v", p.Behind(), p.paused)
	}
	sameView(t, "after a seek", p.View(), q.View())
	if v := p.View(); len(v.Proposals) != 1 || v.Nodes[1].Delay != 50*time.Millisecond || v.Nodes[2].Delay != 0 {
		t.Errorf("after the seek: %d proposals, delays %v %v", len(v.Proposals), v.Nodes[1].Delay, v.Nodes[2].Delay)
	}
}

// TestPlayingFromThePastReplaysTheRun: resuming after a seek back goes
// through the run's own interventions, and the page is at the run's end
// again when it catches up.
func TestPlayingFromThePastReplaysTheRun(t *testing.T) {
	p := newPlayground(t)
	run(p, 2*time.Second)
	lead := int(p.world.Leader())
	p.Crash(lead)
	run(p, 2*time.Second)
	end := p.world.Now()
	want := p.View()

	p.Seek(time.Second)
	p.TogglePause()
	run(p, end-time.Second)
	if p.Behind() || p.world.Now() != end {
		t.Fatalf("after playing to the end: behind %v at %v (end %v)", p.Behind(), p.world.Now(), end)
	}
	sameView(t, "after replaying to the end", p.View(), want)
	if p.View().Nodes[lead-1].Up {
		t.Error("the replay did not crash the leader")
	}
}

// TestActingInThePastForks: an action after a seek back makes the run
// continue from there; the old future is gone.
func TestActingInThePastForks(t *testing.T) {
	p := newPlayground(t)
	run(p, 3*time.Second)
	p.Seek(time.Second)
	p.HealAll()
	if p.Behind() || p.head.Now() != time.Second || p.View().EndMs != 1000 {
		t.Fatalf("after acting at 1 s: behind %v, run ends at %v", p.Behind(), p.head.Now())
	}
	last := p.world.Interventions()
	if len(last) == 0 || last[len(last)-1].Kind != "heal-all" || last[len(last)-1].At != time.Second {
		t.Errorf("the fork's record: %+v", last)
	}
}

// TestStepHandlesOneEvent: Step handles exactly one event and pauses;
// behind the end it takes the run's next event, without forking.
func TestStepHandlesOneEvent(t *testing.T) {
	p := newPlayground(t)
	run(p, time.Second)
	before := p.world.Handled()
	p.Step()
	if got := p.world.Handled(); got != before+1 || !p.paused {
		t.Fatalf("Step: handled %d → %d, paused %v", before, got, p.paused)
	}

	run2 := newPlayground(t)
	run(run2, 2*time.Second)
	run2.Seek(time.Second)
	h := run2.world.Handled()
	run2.Step()
	if run2.world.Handled() != h+1 || !run2.Behind() {
		t.Fatalf("Step behind the end: handled %d → %d, behind %v", h, run2.world.Handled(), run2.Behind())
	}
}

// TestSeekMillisIgnoresJunk: the scrubber's value is parsed; junk does
// nothing, the last step is the end itself.
func TestSeekMillisIgnoresJunk(t *testing.T) {
	p := newPlayground(t)
	run(p, 1500*time.Millisecond)
	for _, junk := range []string{"", "abc", "-5", "1e3", "9999999999999999999999"} {
		p.SeekMillis(junk)
		if p.Behind() {
			t.Fatalf("SeekMillis(%q) moved the page", junk)
		}
	}
	p.SeekMillis("700")
	if p.world.Now() != 700*time.Millisecond {
		t.Errorf("SeekMillis(700): at %v", p.world.Now())
	}
	p.SeekMillis("1500")
	if p.Behind() {
		t.Error("the scrubber's end is not the run's end")
	}
	_ = sim.MsgID(0)
}
