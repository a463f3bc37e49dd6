package web

import (
	"strconv"
	"time"
)

// NodeCard shows one node: its role, hard state and log indexes, buttons
// that set how much extra latency its responses get, and a button that
// crashes it (while up) or restarts it (while down).
//
// The card carries data-node-id and data-role ("down" while crashed), and
// its buttons data-action ("crash", "restart" or "delay", with data-ms and
// aria-pressed) and data-node, for tests and scripts that drive the page.
type NodeCard struct {
	// Node is the node to show.
	Node NodeView
	// Actions receives the crash, restart and delay clicks.
	Actions NodeActions
}

// NodeActions is what a node card asks of the playground.
type NodeActions interface {
	// Crash stops node id, keeping only its disk; Restart starts it again.
	Crash(id int)
	Restart(id int)
	// SetResponseDelay gives node id's responses up to d of extra latency.
	SetResponseDelay(id int, d time.Duration)
}

// headingID is the id of the card's heading, which labels the card.
func (c *NodeCard) headingID() string { return "node-" + strconv.Itoa(c.Node.ID) + "-title" }

// The crash button: one button that crashes the node while it is up and
// restarts it while it is down. One element, not two swapped by vg-if,
// so the keyboard's focus stays on it when it turns into its opposite.

// upAction is the button's data-action: "crash" or "restart".
func (c *NodeCard) upAction() string {
	if c.Node.Up {
		return "crash"
	}
	return "restart"
}

// upText labels the button.
func (c *NodeCard) upText() string {
	if c.Node.Up {
		return "Crash"
	}
	return "Restart"
}

// upClass marks crashing as the dangerous action.
func (c *NodeCard) upClass() string {
	if c.Node.Up {
		return "danger"
	}
	return ""
}

// toggleUp crashes the node or restarts it.
func (c *NodeCard) toggleUp() {
	if c.Node.Up {
		c.Actions.Crash(c.Node.ID)
	} else {
		c.Actions.Restart(c.Node.ID)
	}
}
