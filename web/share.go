package web

import (
	"errors"
	"fmt"
	"time"

	"github.com/raftplayground/raftplayground/raft/sim"
)

// This file is shared runs: the page's run written as a scenario (its
// setup and every intervention at its virtual time, the one record the
// scrubber also replays), and a playground rebuilt from such a text, so a
// link made from it replays the same run exactly.

// MaxRunText bounds the scenario text a playground is rebuilt from (a
// link's, or an embed's).
const MaxRunText = 256 << 10

// RunText writes the whole run (to its furthest moment, even while the
// page shows an earlier one) as a scenario.
func (p *Playground) RunText() (string, error) {
	sc, err := sim.FromInterventions(p.head.Options(), p.head.Interventions(), p.head.Now())
	if err != nil {
		return "", err
	}
	return sim.Format(sc), nil
}

// RunVersion changes whenever the address should be written again with
// RunText: at every intervention, and while paused at every new end of the
// run (a step, or a pause after playing), so a link copied from a paused
// page ends where the page stands. While the run plays, its end time is left
// out, so the address is not rewritten at every frame.
type RunVersion struct {
	// Interventions counts the run's interventions.
	Interventions int
	// End is the run's furthest moment while paused, -1 while playing.
	End time.Duration
}

// RunVersion is the run's version now (see [RunVersion]).
func (p *Playground) RunVersion() RunVersion {
	v := RunVersion{Interventions: p.head.InterventionCount(), End: -1}
	if p.paused {
		v.End = p.head.Now()
	}
	return v
}

// NewFromRun rebuilds a playground from a scenario text: it runs the
// scenario to its end and shows that moment, paused, with the whole run
// behind it on the scrubber. A text that is too long, does not parse or
// cannot run gives an error that says where and why.
func NewFromRun(text string) (*Playground, error) { return ReplayRun(text, nil) }

// ReplayRun is NewFromRun telling progress how far the run has come,
// every replaySlice events and at the end: the virtual time reached and
// the latest the run can end at (sim.Runner.Ends). A page replaying a long
// run shows that, and yields to the browser in progress so that it can
// draw it.
func ReplayRun(text string, progress func(now, end time.Duration)) (*Playground, error) {
	w, err := runWorld(text, progress)
	if err != nil {
		return nil, err
	}
	return &Playground{world: w, head: w, speed: 1, paused: true}, nil
}

// replaySlice is how many events a run link's replay handles between two
// reports of its progress: a few milliseconds in WebAssembly, so a page
// that draws each report redraws often without spending much on it.
const replaySlice = 2000

// runWorld runs a scenario text to its end (see ReplayRun).
func runWorld(text string, progress func(now, end time.Duration)) (*sim.World, error) {
	if len(text) > MaxRunText {
		return nil, fmt.Errorf("the run is %d bytes long; at most %d are read", len(text), MaxRunText)
	}
	sc, err := sim.Parse(text)
	if err != nil {
		return nil, err
	}
	r, err := sim.NewRunner(sc)
	if err != nil {
		return nil, err
	}
	end := r.Ends()
	run := r.Run
	if progress != nil {
		run = func() error {
			for !r.Done() {
				if err := r.Advance(replaySlice); err != nil {
					return err
				}
				progress(r.World().Now(), end)
			}
			return nil
		}
	}
	if err := run(); err != nil {
		var se *sim.StepError
		if errors.As(err, &se) {
			return nil, err
		}
		return nil, fmt.Errorf("the run stopped: %w", err)
	}
	return r.World(), nil
}

// FollowRunLink shows the run of a link followed within the open page (its
// address edited to another run): as NewFromRun would, paused at the run's
// end, leaving any tour. The run the page shows already is left as it is
// (the page writes its own run into the address). A link that cannot be
// read (linkErr) or run leaves the page as it was, with a notice.
func (p *Playground) FollowRunLink(text string, linkErr error) {
	err := linkErr
	if err == nil {
		if cur, cerr := p.RunText(); cerr == nil && cur == text {
			return
		}
		var w *sim.World
		if w, err = runWorld(text, nil); err == nil {
			p.failed, p.notice = "", ""
			p.tour = nil
			p.paused = true
			p.replaceWorld(w)
			return
		}
	}
	p.notice = "The run in this link could not be loaded, so the page shows the run it had: " + err.Error()
}

// SetNotice shows msg until the next action (for what the page itself has
// to say, such as why a link's run could not be loaded).
func (p *Playground) SetNotice(msg string) { p.notice = msg }
