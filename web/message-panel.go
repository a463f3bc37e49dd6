package web

// MessagePanel shows the message selected in the cluster view, every
// field of it, with the actions the world offers on a message in flight.
type MessagePanel struct {
	// Message is the selected message, nil for none.
	Message *MessageView
	// Playground carries out the actions.
	Playground *Playground
}
