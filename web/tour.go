package web

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/raftplayground/raftplayground/raft/sim"
	"github.com/raftplayground/raftplayground/static/tours"
)

// This file is guided tours on the page. A tour is run to its end once,
// when it opens (sim.RunTour); that run becomes the playground's head, and
// each step is a moment of it. Next and Back seek the shown world to a
// step's moment, so Back shows exactly what the page showed there before.
// Take over leaves the tour and forks the run at the step shown: what
// follows is the user's.

// tourState is the tour the page follows.
type tourState struct {
	// name is the tour's file name (tours.All); title what the picker
	// calls it.
	name, title string
	// tour is the tour run to its end; its World is the playground's head
	// while the tour lasts.
	tour *sim.Tour
	// step is the index of the step shown.
	step int
}

// TourView is the tour panel's state.
type TourView struct {
	// Name and Title of the tour.
	Name, Title string
	// Step counts from 1; Steps is how many there are.
	Step, Steps int
	// StepTitle and Narration are the step's.
	StepTitle string
	Narration []string
	// Highlights say, in words, which fields the step points at.
	Highlights []string
	// Moved is set when the world shown is no longer at the step's moment
	// (the run played on, or the scrubber moved).
	Moved bool
}

// StepText is "Step 3 of 12".
func (v *TourView) StepText() string { return fmt.Sprintf("Step %d of %d", v.Step, v.Steps) }

// TourChoice is one tour the picker offers.
type TourChoice struct {
	Name, Title string
}

// TourChoices lists the tours, in the order a learner takes them.
func TourChoices() []TourChoice {
	c := make([]TourChoice, len(tours.All))
	for i, t := range tours.All {
		c[i] = TourChoice{Name: t.Name, Title: t.Title}
	}
	return c
}

// NewFromTour opens the tour called name at step (counting from 1). An
// unknown tour or a step out of range gives an error that says which
// tours and steps there are.
func NewFromTour(name string, step int) (*Playground, error) {
	p := &Playground{speed: 1}
	if err := p.openTour(name, step); err != nil {
		return nil, err
	}
	return p, nil
}

// StartTour leaves whatever the page shows and opens a tour at its first
// step (the picker's action); a failure is shown as a notice.
func (p *Playground) StartTour(name string) {
	if err := p.openTour(name, 1); err != nil {
		p.notice = err.Error()
	}
}

func (p *Playground) openTour(name string, step int) error {
	p.load = nil // a tour opened while a run link loads replaces it
	text, ok := tours.Text(name)
	if !ok {
		names := make([]string, len(tours.All))
		for i, t := range tours.All {
			names[i] = t.Name
		}
		return fmt.Errorf("there is no tour called %q; the tours are %s", name, strings.Join(names, ", "))
	}
	t, err := sim.RunTour(text)
	if err != nil {
		return fmt.Errorf("the tour %s does not run: %w", name, err) // a test keeps this from happening
	}
	if step < 1 || step > len(t.Steps) {
		return fmt.Errorf("the tour %s has steps 1 to %d, not %d", name, len(t.Steps), step)
	}
	title := name
	for _, c := range tours.All {
		if c.Name == name {
			title = c.Title
		}
	}
	p.tour = &tourState{name: name, title: title, tour: t}
	p.world, p.head = t.World, t.World
	p.failed, p.notice = "", ""
	p.TourGo(step)
	return nil
}

// InTour reports whether the page follows a tour.
func (p *Playground) InTour() bool { return p.tour != nil }

// TourGo shows step k (counting from 1; clamped to the tour's steps):
// the run as it was at that step's moment, paused.
func (p *Playground) TourGo(k int) {
	if p.tour == nil {
		return
	}
	k = max(1, min(k, len(p.tour.tour.Steps)))
	p.tour.step = k - 1
	p.Seek(p.tour.tour.Steps[k-1].At)
}

// TourNext shows the next step; TourBack the one before.
func (p *Playground) TourNext() {
	if p.tour != nil {
		p.TourGo(p.tour.step + 2)
	}
}

// TourBack shows the step before the one shown.
func (p *Playground) TourBack() {
	if p.tour != nil {
		p.TourGo(p.tour.step)
	}
}

// TakeOver leaves the tour at the step shown: the run forks there, as
// acting in the past does, and goes on under the user's control.
func (p *Playground) TakeOver() {
	if p.tour == nil {
		return
	}
	p.tour = nil
	p.fork()
}

// TourLink is the address fragment of the step shown, "#tour=NAME&step=K",
// or "" outside a tour.
func (p *Playground) TourLink() string {
	if p.tour == nil {
		return ""
	}
	return TourFragment(p.tour.name, p.tour.step+1)
}

// TourFragment is the address fragment that opens a tour at step k.
func TourFragment(name string, k int) string {
	return "#tour=" + name + "&step=" + strconv.Itoa(k)
}

// ParseTourFragment reads "#tour=NAME&step=K" (step optional: 1). ok is
// false when the fragment is not a tour link; err says what is wrong with
// one that is.
func ParseTourFragment(frag string) (name string, step int, ok bool, err error) {
	rest, found := strings.CutPrefix(frag, "#tour=")
	if !found {
		return "", 0, false, nil
	}
	name, stepText, hasStep := strings.Cut(rest, "&step=")
	step = 1
	if hasStep {
		n, serr := strconv.Atoi(stepText)
		if errors.Is(serr, strconv.ErrRange) {
			return name, 0, true, fmt.Errorf("the step in the link, %q, is out of range", stepText)
		}
		if serr != nil {
			return name, 0, true, fmt.Errorf("the step in the link, %q, is not a number", stepText)
		}
		step = n
	}
	return name, step, true, nil
}

// tourView is the panel's state and marks the fields the step highlights
// on the node cards and the leader's replicator rows.
func (p *Playground) tourView(v *View) {
	if p.tour == nil {
		return
	}
	st := p.tour.tour.Steps[p.tour.step]
	tv := &TourView{Name: p.tour.name, Title: p.tour.title, Step: p.tour.step + 1, Steps: len(p.tour.tour.Steps),
		StepTitle: st.Title, Narration: st.Narration, Moved: p.world.Now() != st.At}
	for _, h := range st.Highlights {
		tv.Highlights = append(tv.Highlights, h.String())
		if h.Peer == 0 {
			for i := range v.Nodes {
				if v.Nodes[i].ID == int(h.Node) {
					v.Nodes[i].Highlight = addWord(v.Nodes[i].Highlight, nodeCell(h.Field))
				}
			}
			continue
		}
		if l := v.LeaderPanel; l != nil && l.ID == int(h.Node) {
			for i := range l.Replicators {
				if l.Replicators[i].Peer == int(h.Peer) {
					l.Replicators[i].Highlight = addWord(l.Replicators[i].Highlight, replicatorCell(h.Field))
				}
			}
		}
	}
	v.Tour = tv
}

func addWord(list, w string) string {
	if list == "" {
		return w
	}
	return list + " " + w
}

// nodeCell names the node card's cell that shows a node field (the class
// of its element: node-card.vugu).
func nodeCell(field string) string {
	switch field {
	case "role", "state":
		return "role"
	case "commit-index":
		return "commit"
	case "applied-index":
		return "applied"
	case "last-log-term", "first-index", "snapshot-index":
		return "last-index"
	}
	return field // term, vote, leader, last-index
}

// replicatorCell names the leader table's cell that shows a replicator
// field (the class of its td: leader-panel.vugu).
func replicatorCell(field string) string {
	switch field {
	case "seq":
		return "inflights" // the chips show each request's seq
	case "pending-responses":
		return "waiting"
	case "timeout-now-index":
		return "state"
	}
	return field // state, next-index, match-index, inflights, required-next-seq, errors, blocked, version
}

// FollowTourLink shows the tour step a link names, as an address edited on
// an open page asks: a step of the tour shown is sought to, another tour
// opens at its step. linkErr is what reading the link found wrong; it, or
// a tour or step that does not exist, becomes a notice, and the page goes
// on as it was.
func (p *Playground) FollowTourLink(name string, step int, linkErr error) {
	p.load = nil
	err := linkErr
	switch {
	case err != nil:
	case p.tour != nil && p.tour.name == name:
		if n := len(p.tour.tour.Steps); step < 1 || step > n {
			err = fmt.Errorf("the tour %s has steps 1 to %d, not %d", name, n, step)
			break
		}
		p.TourGo(step)
		p.notice = ""
	default:
		err = p.openTour(name, step)
	}
	if err != nil {
		p.notice = "The tour link could not be followed: " + err.Error()
	}
}
