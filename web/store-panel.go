package web

import "strconv"

// StorePanel lists the key-value store of one node, chosen with its buttons
// or by clicking the node's row in the logs view.
type StorePanel struct {
	// KV is the store shown.
	KV KVView
	// Chooser changes the node listed.
	Chooser KVChooser
}

// pressed is aria-pressed for node id's button.
func (c *StorePanel) pressed(id int) string { return ariaBool(id == c.KV.Node) }

// buttonText is node id's button label.
func buttonText(id int) string { return "n" + strconv.Itoa(id) }
