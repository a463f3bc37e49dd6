package web

import "fmt"

// FaultPanel lets a person break the network: an n×n matrix of toggle
// buttons, one per directed link (data-action="link", data-from, data-to,
// aria-pressed while cut), and a "Heal all" button (#heal-all) that brings
// every link back up.
type FaultPanel struct {
	// Links are the n×(n-1) directed links, row by row; see [View.Links].
	Links []LinkView
	// Cut counts the links that are down.
	Cut int
	// Actions receives the clicks.
	Actions LinkActions
	// Shown tells whether the link matrix shows on a phone; Disclose
	// receives the click that shows or hides it.
	Shown    bool
	Disclose Disclosures
}

// LinkActions is what the fault panel asks of the playground.
type LinkActions interface {
	// SetLink brings the directed link from→to up or cuts it.
	SetLink(from, to int, up bool)
	// HealAll brings every link up.
	HealAll()
}

// cutText says how many links are down.
func (c *FaultPanel) cutText() string {
	switch c.Cut {
	case 0:
		return "all links up"
	case 1:
		return "1 link cut"
	}
	return fmt.Sprintf("%d links cut", c.Cut)
}
