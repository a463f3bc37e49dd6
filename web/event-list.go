package web

import "fmt"

// EventList shows the latest trace events, newest first: by default the
// notable ones (role changes, faults, client calls, errors), or every
// event including the messages sent and delivered.
type EventList struct {
	// Events to list, newest first.
	Events []EventView
	// All is set when Events includes every kind of event.
	All bool
	// Total counts the events of the run so far.
	Total uint64
	// Playground receives the toggle between notable and all events.
	Playground *Playground
}

// totalText says how many events the run had.
func (c *EventList) totalText() string { return fmt.Sprintf("%d events so far", c.Total) }
