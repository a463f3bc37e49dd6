package web

// Disclosure is the button that shows or hides part of a panel on a
// phone, where the page would otherwise be several screens long: the
// replicator table, the link matrix, the more controls and the event
// list start hidden there. The stylesheet shows the button, and hides a
// part whose data-shown is "false", only on a narrow screen; on a wider
// one every part shows and the button does not.
type Disclosure struct {
	// ID is the id of the element it shows or hides.
	ID string
	// What names that element in the button's label ("the replicators").
	What string
	// Shown tells whether the element is shown on a phone.
	Shown bool
	// Actions receives the clicks.
	Actions Disclosures
}

// Disclosures are what a Disclosure asks of the playground.
type Disclosures interface {
	// TogglePart shows or hides, on a phone, the part with that id.
	TogglePart(id string)
}

var _ Disclosures = (*Playground)(nil)

// label is the button's text: what a click will do.
func (c *Disclosure) label() string {
	if c.Shown {
		return "Hide " + c.What
	}
	return "Show " + c.What
}

// TogglePart shows or hides, on a phone, the part of a panel with that id
// (the page's own state, like the open section of the controls: not the
// run's).
func (p *Playground) TogglePart(id string) {
	if p.shown == nil {
		p.shown = map[string]bool{}
	}
	p.shown[id] = !p.shown[id]
}

// PartShown tells whether the part of a panel with that id is shown on a
// phone (at first, none is).
func (p *Playground) PartShown(id string) bool { return p.shown[id] }
