package web

// MessagePanel shows the message selected in the cluster view, every
// field of it, with the actions the world offers on a message in flight.
type MessagePanel struct {
	// Message is the selected message, nil for none.
	Message *MessageView
	// Playground carries out the actions.
	Playground *Playground
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
		c.Playground.ReleaseMessage()
	} else {
		c.Playground.HoldMessage()
	}
}
