package web

import (
	"fmt"
	"strconv"

	"github.com/raftplayground/raftplayground/raft/sim"
)

// ControlsPanel holds the controls beyond the node cards and the link
// matrix, in sections of which one opens at a time (#controls-title; tab
// buttons with data-tab): the network (split, a link's latency and loss),
// client calls by hand and the steady load, the leader and the members
// (transfer, isolate, snapshot, membership changes), and a reset with new
// options. What the inputs hold is the panel's own state (what a person is
// typing is no part of the run); every action goes up through Actions.
type ControlsPanel struct {
	// View is what the panel shows.
	View *ControlsView
	// Actions receives the actions.
	Actions Controls
	// Shown tells whether the panel's body shows on a phone; Disclose receives the
	// click that shows or hides it.
	Shown    bool
	Disclose Disclosures

	// The inputs' texts: the link editor, the client call and the node
	// the cluster section acts on.
	linkFrom, linkTo, latency, loss string
	key, value, via                 string
	node                            string
	// form is the reset form; formFor the options it was filled from,
	// so that it is filled again when the world's options change.
	form    ResetForm
	formFor sim.Options
	// filled says Compute has run: the form and the client call's boxes
	// hold what it put there or what the user typed since.
	filled bool
}

// Compute fills the reset form from the world's options when they are new,
// and the client call's boxes with an example call the first time. Only
// the first time: boxes the user empties stay empty. (Refilled as soon as
// both were empty, the box being emptied kept showing nothing while a
// call sent "1": the page does not write into the text field that has the
// focus, internal/domsync's doc.)
func (c *ControlsPanel) Compute() {
	if !c.filled {
		c.key, c.value = "x", "1"
	}
	if !c.filled || c.formFor != c.View.Options {
		c.form, c.formFor, c.filled = FormOf(c.View.Options), c.View.Options, true
	}
}

// resetNewSeed resets with the form's options and the next seed.
func (c *ControlsPanel) resetNewSeed() {
	f := c.form
	if seed, err := strconv.ParseUint(f.Seed, 10, 64); err == nil {
		f.Seed = strconv.FormatUint(seed+1, 10)
	}
	c.Actions.Reset(f)
}

// configText is the leader's configuration, or why there is none to show.
func (c *ControlsPanel) configText() string {
	if c.View.Config == "" {
		return "No leader: membership changes wait for one."
	}
	return "Leader's configuration: " + c.View.Config
}

// callClass is the class of a client call's line.
func callClass(done bool) string {
	if done {
		return "done"
	}
	return "pending"
}

// loadText says what the steady load switch does.
func loadText() string {
	return fmt.Sprintf("%d clients, %d operations/s in all. Switching it rebuilds the world: the run starts again (the workload is part of the world's options).", loadClients, loadRate)
}
