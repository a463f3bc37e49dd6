package web

import (
	"strconv"
)

// Root is the page's root component: a header with the cluster summary,
// the clock controls, one card per node and the client, network fault,
// leader and event panels.
type Root struct {
	// Playground is the cluster the page shows; it must be set.
	Playground *Playground
	// Experiments is the experiments panel's state; nil for a page
	// without the panel.
	Experiments *Experiments

	// view is the playground's state for the current build; experiments
	// the experiments panel's.
	view        View
	experiments ExperimentsView
}

// Compute takes the views of the playground and the experiments that this
// build shows.
func (c *Root) Compute() {
	c.view = c.Playground.View()
	if c.Experiments != nil {
		c.experiments = c.Experiments.View()
	}
}

// ariaBool is the value of an ARIA state attribute such as aria-pressed.
func ariaBool(b bool) string { return strconv.FormatBool(b) }

// speedText labels a speed button, e.g. "0.25×".
func speedText(s float64) string { return strconv.FormatFloat(s, 'f', -1, 64) + "×" }

// scrubText says where the scrubber is.
func (c *Root) scrubText() string {
	s := c.view.Now
	if c.view.Behind {
		s += " of " + c.view.End
	}
	if c.view.Paused {
		// Paused, the moment is also an event count: Step adds one, and a
		// scenario's "at T step N" names a moment between two events so.
		s += " · event " + strconv.FormatUint(c.view.Handled, 10)
	}
	if c.view.Behind {
		s += " · playing replays the run, acting forks it here"
	}
	return s
}

// pauseText labels the pause button.
func pauseText(paused bool) string {
	if paused {
		return "Resume"
	}
	return "Pause"
}
