package web

import "strconv"

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
	// Playground receives the crash, restart and delay clicks.
	Playground *Playground
}

// headingID is the id of the card's heading, which labels the card.
func (c *NodeCard) headingID() string { return "node-" + strconv.Itoa(c.Node.ID) + "-title" }
