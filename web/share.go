package web

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
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

// RunFragment is the address fragment of a run link: "#run=" and the
// scenario text, base64url-encoded without padding.
func RunFragment(text string) string {
	return "#run=" + base64.RawURLEncoding.EncodeToString([]byte(text))
}

// LinkCopier copies the page's address with the fragment frag to the
// clipboard and puts frag in the address bar. It may answer later (the
// clipboard's promise): done is then called, under the page's lock, with
// nil or why the copy failed. The page sets one (wasm); without one the
// Copy link button says to copy the address by hand.
type LinkCopier func(frag string, done func(error)) error

// SetLinkCopier gives the playground the page's clipboard.
func (p *Playground) SetLinkCopier(c LinkCopier) { p.copier = c }

// CopyLink copies a link to what the page shows: the tour's step in a
// tour, else the run to its end (RunText). What happened is shown beside
// the button until the next action (View.CopyStatus).
func (p *Playground) CopyLink() {
	frag := p.TourLink()
	what := "this tour step"
	if frag == "" {
		text, err := p.RunText()
		if err != nil {
			p.copied = "The run cannot be written as a link: " + plainError(err)
			return
		}
		frag, what = RunFragment(text), "this run, to "+formatSeconds(p.head.Now())+" s"
	}
	if p.copier == nil {
		p.copied = "This page cannot copy: copy the address from the address bar."
		return
	}
	p.copied = "Copying…"
	done := func(err error) {
		if err != nil {
			p.copied = "Not copied (" + strings.TrimSuffix(plainError(err), ".") + "). The address bar holds the link: copy it from there."
			return
		}
		p.copied = "Link copied: it opens " + what + "."
	}
	if err := p.copier(frag, done); err != nil {
		done(err)
	}
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
	r, err := runnerOf(text)
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
		return nil, runError(err)
	}
	return r.World(), nil
}

// runnerOf parses a run link's scenario text into a runner at time zero.
func runnerOf(text string) (*sim.Runner, error) {
	if len(text) > MaxRunText {
		return nil, fmt.Errorf("the run is %d bytes long; at most %d are read", len(text), MaxRunText)
	}
	sc, err := sim.Parse(text)
	if err != nil {
		return nil, err
	}
	return sim.NewRunner(sc)
}

// runError is the error of a run link's run that failed: a step's error
// says its line; anything else (a safety violation) stopped the run.
func runError(err error) error {
	var se *sim.StepError
	if errors.As(err, &se) {
		return err
	}
	return fmt.Errorf("the run stopped: %w", err)
}

// linkLoad is a run link followed within the open page, replayed a slice
// at a time (Playground.Advance, at every frame) while the page goes on
// showing the run it had, with a notice saying how far the replay has
// come.
type linkLoad struct {
	r   *sim.Runner
	end time.Duration
}

// linkSlice is how many events of a followed link's run the page replays
// at a frame: about 10 ms in WebAssembly, so the page stays responsive
// and its notice moves while a long run loads.
const linkSlice = 4000

// FollowRunLink shows the run of a link followed within the open page (its
// address edited to another run): as NewFromRun would, paused at the run's
// end, leaving any tour. A run of more than linkSlice events replays over
// the next frames (Loading) while the page shows the run it had; an action
// on that run meanwhile stops the load. The run the page shows already is
// left as it is (the page writes its own run into the address). A link
// that cannot be read (linkErr) or run leaves the page as it was, with a
// notice.
func (p *Playground) FollowRunLink(text string, linkErr error) {
	p.load = nil
	err := linkErr
	if err == nil {
		if cur, cerr := p.RunText(); cerr == nil && cur == text {
			return
		}
		var r *sim.Runner
		if r, err = runnerOf(text); err == nil {
			p.load = &linkLoad{r: r, end: r.Ends()}
			p.loadStep()
			return
		}
	}
	p.linkFailed(err)
}

// linkFailed says why a followed link's run could not be shown.
func (p *Playground) linkFailed(err error) {
	p.notice = "The run in this link could not be loaded, so the page shows the run it had: " + err.Error()
}

// Loading reports whether a followed run link is still being replayed:
// the page's frames go on while it is, even paused.
func (p *Playground) Loading() bool { return p.load != nil }

// loadStep replays the next slice of a followed link's run. At the run's
// end the page shows it, paused at its end, or says why it failed.
func (p *Playground) loadStep() {
	l := p.load
	err := l.r.Advance(linkSlice)
	if err == nil && !l.r.Done() {
		p.notice = fmt.Sprintf("Loading the run in the link: %s s of %s s of virtual time…",
			formatSeconds(l.r.World().Now()), formatSeconds(l.end))
		return
	}
	p.load = nil
	if err != nil {
		p.linkFailed(runError(err))
		return
	}
	p.failed, p.notice = "", ""
	p.tour = nil
	p.paused = true
	p.replaceWorld(l.r.World())
}

// SetNotice shows msg until the next action (for what the page itself has
// to say, such as why a link's run could not be loaded).
func (p *Playground) SetNotice(msg string) { p.notice = msg }
