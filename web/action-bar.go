package web

// ActionBar holds the page's main actions (pause or resume, step, send a
// command, a burst) in a bar that the stylesheet shows, stuck to the
// bottom of the screen, only on narrow screens, where the controls they
// repeat scroll out of reach.
type ActionBar struct {
	// Paused labels the pause button.
	Paused bool
	// Actions carries out the clicks.
	Actions BarActions
}

// BarActions is what the action bar asks of the playground.
type BarActions interface {
	TogglePause()
	Step()
	Propose()
	Burst()
}
