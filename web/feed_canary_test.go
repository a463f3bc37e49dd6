//go:build canary

package web

import (
	"os"
	"strings"
	"testing"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// TestSafetyStatusShowsViolation: with a planted bug (a voter that votes
// twice in one term) the split-vote scenario elects two leaders in term 1
// (Raft §5.2, election safety). The safety status names the violation with
// its seed, the feed lists it, and the button's seek shows its moment.
//
//	go test -tags canary ./web/ -run Safety
func TestSafetyStatusShowsViolation(t *testing.T) {
	if err := raft.SetCanary(raft.CanaryVoteTwice); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = raft.SetCanary("") })
	text, err := os.ReadFile("../static/scenarios/split-vote.txt")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := sim.Parse(string(text))
	if err != nil {
		t.Fatal(err)
	}
	r, err := sim.NewRunner(sc)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Run(); err == nil {
		t.Fatal("the scenario passed with a voter voting twice")
	}
	w := r.World()
	var v *sim.Violation
	if v, _ = w.Violation().(*sim.Violation); v == nil || v.Check != sim.CheckElectionSafety {
		t.Fatalf("violation %v, want election safety", w.Violation())
	}
	p := &Playground{world: w, head: w, speed: 1, paused: true}

	s := p.View().Feed.Safety
	if s.OK || s.Seed != 7 || s.AtMs != v.At.Milliseconds() || !s.Here ||
		!strings.HasPrefix(s.Text, "Safety violated: election safety at ") || !strings.Contains(s.Text, "(seed 7, ") {
		t.Errorf("safety status %+v for %v", s, v)
	}
	if items := p.View().Feed.Items; len(items) == 0 || items[0].Kind != FeedProblems || !strings.Contains(items[0].Text, "election safety") {
		t.Errorf("the feed does not start with the violation: %+v", items)
	}

	// Scrubbed back, the status still tells the run's violation, and the
	// button goes to it.
	p.Seek(v.At / 2)
	if s := p.View().Feed.Safety; s.OK || s.Here {
		t.Errorf("before the violation: %+v, want it told, not here", s)
	}
	if pg := render(t, p); len(pg.byAttr("id", "seek-violation")) != 1 {
		t.Error("no button to the violation")
	}
	p.SeekViolation()
	if s := p.View().Feed.Safety; !s.Here || p.World().Now() != v.At {
		t.Errorf("after the button: at %v, here %v; the violation is at %v", p.World().Now(), s.Here, v.At)
	}
}
