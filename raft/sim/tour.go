package sim

import (
	"fmt"
	"time"
)

// This file is guided tours. A tour is a scenario cut into steps by its
// "step TITLE" lines: each step waits and acts (its timings and world
// actions come first), then says what happened (say, note), points at the
// fields that changed (highlight) and checks them (expect). A step's
// moment is where its block ends; the page shows the tour by seeking the
// one run to those moments, so Back shows exactly what Next showed, and
// taking over forks the run there.

// Tour is a tour run to its end.
type Tour struct {
	// Steps are the tour's steps, in order; their moments increase.
	Steps []TourStep
	// World is the whole run, at the last step's moment: every step's
	// moment is World.Seek(step.At).
	World *World

	// runner ran the tour (tests evaluate its expectations again, on a
	// world sought to a step's moment).
	runner *Runner
}

// TourStep is one step of a tour: a narration and the world's state at
// one moment.
type TourStep struct {
	// Line is the step line's; Title its text.
	Line  int
	Title string
	// Narration holds the step's say lines, and its note lines as
	// "n2: text".
	Narration []string
	// Highlights are the fields the step points at.
	Highlights []Highlight
	// At is the step's moment: the virtual time when its last line ran.
	// Nothing happens at that time after it (the next step's first
	// action comes later), so seeking to At shows exactly this state.
	At time.Duration
	// Outcomes are the step's expectations, checked at that moment.
	Outcomes []Outcome

	// status is the world's status at the moment, as the run reached it
	// (tests compare it with a seek's); expects are the step's
	// expectations.
	status  Status
	expects []*Predicate
	// interventions counts the run's interventions at the step's moment.
	interventions int
}

// RunTour parses a tour and runs it to its end. It fails on a text that
// is not a tour (checkTour), on a step that cannot run, and on an
// expectation that does not hold; the error names the step.
func RunTour(text string) (*Tour, error) {
	sc, err := Parse(text)
	if err != nil {
		return nil, err
	}
	if err := checkTour(sc); err != nil {
		return nil, err
	}
	r, err := NewRunner(sc)
	if err != nil {
		return nil, err
	}
	t := &Tour{World: r.World(), runner: r}
	for !r.Done() {
		s := sc.Steps[r.next]
		a := s.Action
		if a == nil {
			a = &Action{} // a step that only waits
		}
		if a.Verb == "step" {
			if err := t.close(r); err != nil {
				return nil, err
			}
			t.Steps = append(t.Steps, TourStep{Line: s.Line, Title: a.Text})
		}
		outcomes := len(r.outcomes)
		if err := r.Step(); err != nil {
			return nil, fmt.Errorf("step %d (%s): %w", len(t.Steps), t.Steps[len(t.Steps)-1].Title, err)
		}
		cur := &t.Steps[len(t.Steps)-1]
		cur.Outcomes = append(cur.Outcomes, r.outcomes[outcomes:]...)
		switch a.Verb {
		case "say":
			cur.Narration = append(cur.Narration, a.Text)
		case "note":
			cur.Narration = append(cur.Narration, fmtNode(a.Nodes[0])+": "+a.Text)
		case "highlight":
			cur.Highlights = append(cur.Highlights, *a.Highlight)
		case "expect":
			cur.expects = append(cur.expects, a.Expect)
		}
	}
	return t, t.close(r)
}

// close ends the current step (if any) at the world's moment now.
func (t *Tour) close(r *Runner) error {
	n := len(t.Steps)
	if n == 0 {
		return nil
	}
	cur := &t.Steps[n-1]
	cur.At = r.w.Now()
	cur.status = r.w.Status()
	if next, ok := r.w.nextAt(); ok && next <= cur.At {
		// Only "at … step N" stops inside an instant; a seek to a time
		// shows the end of its instant.
		return fmt.Errorf("step %d (%s) ends between two events of the instant %v: a tour's step must end at the end of an instant (no \"at … step\")", n, cur.Title, cur.At)
	}
	for _, o := range cur.Outcomes {
		if !o.Pass {
			return fmt.Errorf("step %d (%s): %s", n, cur.Title, o)
		}
	}
	if n > 1 {
		prev := t.Steps[n-2]
		if cur.At <= prev.At {
			return fmt.Errorf("step %d (%s) ends at %v, no later than step %d: a step must wait for something, or seeking to it would show the next step's actions too", n, cur.Title, cur.At, n-1)
		}
		// Seeking to prev.At replays every intervention made at that time,
		// so this step may act only once time has moved on.
		for _, iv := range r.w.interventions[prev.interventions:] {
			if iv.At <= prev.At {
				return fmt.Errorf("step %d (%s) acts (%s) at %v, the moment step %d ends: begin it with a wait (after 100ms, when …), or going back to step %d would show this step's action too", n, cur.Title, iv.Kind, iv.At, n-1, n-1)
			}
		}
	}
	cur.interventions = len(r.w.interventions)
	return nil
}

// checkTour checks a tour's shape: it starts with a step line; in each
// step the waits and actions come before what it says and checks (the page
// shows the narration with the state at the step's end, so nothing may
// change after it); and each step says something and expects something.
func checkTour(sc *Scenario) error {
	if len(sc.Steps) == 0 || sc.Steps[0].Action == nil || sc.Steps[0].Action.Verb != "step" {
		line := 1
		if len(sc.Steps) > 0 {
			line = sc.Steps[0].Line
		}
		return &ParseError{Line: line, Col: 1, Msg: "a tour starts with a step line (step TITLE) after its settings"}
	}
	var start Step
	said, expected, telling := false, false, false
	end := func() error {
		switch {
		case !said:
			return &ParseError{Line: start.Line, Col: 1, Msg: fmt.Sprintf("step %q says nothing: give it a say line", start.Action.Text)}
		case !expected:
			return &ParseError{Line: start.Line, Col: 1, Msg: fmt.Sprintf("step %q expects nothing: give it an expect line that holds at its end", start.Action.Text)}
		}
		return nil
	}
	for _, s := range sc.Steps {
		verb := ""
		if s.Action != nil {
			verb = s.Action.Verb
		}
		switch {
		case verb == "step":
			if start.Action != nil {
				if err := end(); err != nil {
					return err
				}
			}
			start, said, expected, telling = s, false, false, false
		case s.Timing.Kind == Now && (verb == "say" || verb == "note" || verb == "highlight" || verb == "expect"):
			telling = true
			said = said || verb == "say" || verb == "note"
			expected = expected || verb == "expect"
		case telling:
			return &ParseError{Line: s.Line, Col: 1, Msg: fmt.Sprintf("in a tour, a step waits and acts before it says and expects (the page shows its narration with the state at its end): start a new step before this line (step %q says and expects above)", start.Action.Text)}
		}
	}
	return end()
}
