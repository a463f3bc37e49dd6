package web

import "fmt"

// EventList is the event feed: the run's events in plain language, newest
// first, filtered by node and kind, with reading paused while the reader
// has scrolled away from the newest (#feed-new then counts the newer
// ones), and the run's safety status above it.
type EventList struct {
	// Feed is what the feed shows.
	Feed *FeedView
	// Total counts the events of the run so far.
	Total uint64
	// Actions receives the reader's choices.
	Actions FeedActions
	// Shown tells whether the list (with its filters) shows on a phone; Disclose receives the
	// click that shows or hides it.
	Shown    bool
	Disclose Disclosures
}

// FeedActions are what the feed asks of the playground.
type FeedActions interface {
	ToggleFeedKind(kind string)
	SetFeedNode(id string)
	FeedScrolled(top float64)
	FeedLive()
	SeekViolation()
}

var _ FeedActions = (*Playground)(nil)

// statusText says how many events the run had and whether reading is
// paused.
func (c *EventList) statusText() string {
	s := fmt.Sprintf("%d events so far", c.Total)
	if c.Feed.Paused {
		s += " · reading paused (scroll to the top to follow)"
	}
	return s
}

// newText labels the button that jumps back to the newest events.
func (c *EventList) newText() string {
	if c.Feed.New == 1 {
		return "1 new event ↑"
	}
	return fmt.Sprintf("%d new events ↑", c.Feed.New)
}
