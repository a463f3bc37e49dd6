package web

import "strconv"

// ExperimentPanel is the experiments panel: a heading that opens and
// closes it (closed at first, so it takes no room from the cluster), then
// the experiment to run, its seed, trials and pre-vote switch, start and
// stop, CSV and JSON downloads, a progress bar, and #experiment-plots: an
// element with no children of its own, which Vugu therefore leaves alone,
// where the page puts the plots' canvas and the table of their numbers
// (built when the result changes, not at every render: the table alone
// has about a hundred elements). What
// the inputs hold is the panel's own state; every action goes up through
// Actions.
type ExperimentPanel struct {
	// View is what the panel shows.
	View *ExperimentsView
	// Actions receives the actions.
	Actions ExperimentActions

	// form is what the inputs hold; filled once it holds the defaults.
	form   ExperimentForm
	filled bool
}

// ExperimentActions are what the experiments panel asks of the page
// (Experiments does them).
type ExperimentActions interface {
	// ToggleExperiments opens or closes the panel.
	ToggleExperiments()
	// StartExperiment starts a new run of the form's experiment.
	StartExperiment(f ExperimentForm)
	// StopExperiment stops the run, keeping what it made.
	StopExperiment()
	// DownloadExperiment saves the result as "csv" or "json".
	DownloadExperiment(format string)
}

var _ ExperimentActions = (*Experiments)(nil)

// Compute fills the form with the defaults on the first build.
func (c *ExperimentPanel) Compute() {
	if !c.filled {
		c.form, c.filled = DefaultExperimentForm(), true
	}
}

// choose picks experiment name; a trials box still holding the last
// experiment's default gets the new one's.
func (c *ExperimentPanel) choose(name string) {
	if c.form.Trials == strconv.Itoa(defaultTrials(c.form.Name)) {
		c.form.Trials = strconv.Itoa(defaultTrials(name))
	}
	c.form.Name = name
}

// toggleText labels the heading's button (its aria-expanded says whether
// it is open; the stylesheet draws the caret): closed, it tells how far a
// run is.
func (c *ExperimentPanel) toggleText() string {
	if !c.View.Open && c.View.Running {
		return "Experiments (running: " + strconv.Itoa(c.View.Percent) + "%)"
	}
	return "Experiments"
}

// startText labels the start button.
func (c *ExperimentPanel) startText() string {
	if c.View.HasRun {
		return "Start again"
	}
	return "Start"
}

// progressMax is the progress bar's max: the run's trials (1 before a
// run: a progress element's max must be positive).
func (c *ExperimentPanel) progressMax() int { return max(c.View.Total, 1) }

// announce is what a screen reader is told: that the run goes on or
// ended, not every step of it.
func (c *ExperimentPanel) announce() string {
	switch {
	case c.View.Running:
		return "The experiment is running."
	case c.View.HasRun:
		return c.View.Status
	}
	return ""
}

// maxTrials is the trials input's upper bound.
func maxTrials() int { return MaxPanelTrials }
