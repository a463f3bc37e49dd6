package web

import (
	"fmt"

	"github.com/raftplayground/raftplayground/raft/sim"
)

// MessagePanel shows the message selected in the cluster view, every
// field of it, with the actions the world offers on a message in flight.
type MessagePanel struct {
	// Message is the selected message, nil for none.
	Message *MessageView
	// Wire lists the messages on the wire to pick one from, nil while the
	// page plays.
	Wire *WireList
	// Actions carries out the actions.
	Actions MessageActions
}

// MessageActions is what the message panel asks of the playground: each
// acts on the selected message.
type MessageActions interface {
	// SelectMessage selects the message with id, or none for 0.
	SelectMessage(id sim.MsgID)
	// HoldMessage keeps the selected message on the wire until released.
	HoldMessage()
	// ReleaseMessage lets a held message go on.
	ReleaseMessage()
	// DropMessage loses the selected message.
	DropMessage()
	// DuplicateMessage sends the selected message a second time.
	DuplicateMessage()
}

// The hold button holds a message on the wire and releases a held one:
// one element, so the keyboard's focus stays on it as it turns into its
// opposite.

// holdID is the button's id: msg-hold or msg-release.
func (c *MessagePanel) holdID() string {
	if c.Message.Held {
		return "msg-release"
	}
	return "msg-hold"
}

// holdText labels the hold button.
func (c *MessagePanel) holdText() string {
	if c.Message.Held {
		return "Release"
	}
	return "Hold"
}

// toggleHold holds or releases the selected message.
func (c *MessagePanel) toggleHold() {
	if c.Message.Held {
		c.Actions.ReleaseMessage()
	} else {
		c.Actions.HoldMessage()
	}
}

// moreText says how many messages on the wire the list leaves out.
func (l *WireList) moreText() string {
	return fmt.Sprintf("and %d more (the ones to arrive later)", l.More)
}

// hint says how to pick a message while none is selected.
func (c *MessagePanel) hint() string {
	if c.Wire == nil {
		return "Click a message in the cluster view to see its fields and to hold, release, drop or duplicate it; pause to list the messages on the wire here."
	}
	return "Pick a message below, or click one in the cluster view, to see its fields and to hold, release, drop or duplicate it."
}
