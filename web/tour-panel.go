package web

import "strings"

// TourPanel is the guided tours' panel: outside a tour, a list of the
// tours to take; inside one, the step shown (k of n, its title and
// narration, the fields it highlights on the page) with Back, Next and
// Take over. Every action goes up through Actions.
type TourPanel struct {
	// View is the step shown, nil outside a tour.
	View *TourView
	// Actions receives the actions.
	Actions TourActions
}

// TourActions are what the tour panel can ask of the playground.
type TourActions interface {
	// StartTour opens the tour called name at its first step.
	StartTour(name string)
	// TourNext and TourBack show the next and the previous step;
	// TourGo step k (from 1), which brings a moved world back to it.
	TourNext()
	TourBack()
	TourGo(k int)
	// TakeOver leaves the tour and forks the run at the step shown.
	TakeOver()
}

var _ TourActions = (*Playground)(nil)

// panelClass marks the panel active during a tour: it then moves up
// beside the time controls (style.css).
func (c *TourPanel) panelClass() string {
	if c.View != nil {
		return "panel tour-panel active"
	}
	return "panel tour-panel"
}

// first and last say whether Back and Next have nowhere to go.
func (c *TourPanel) first() bool { return c.View.Step <= 1 && !c.View.Moved }
func (c *TourPanel) last() bool  { return c.View.Step >= c.View.Steps && !c.View.Moved }

// joinComma lists words: "a, b, c".
func joinComma(words []string) string { return strings.Join(words, ", ") }
