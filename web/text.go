package web

import "github.com/vugu/vugu"

// Text renders S as a plain text node. Use it, as <web:Text :S="...">, in
// place of vg-content for text that changes: vg-content sets innerHTML on
// every render, which makes the browser parse and lay out a new node each
// time, while Vugu updates a text node in place.
type Text struct {
	// S is the text.
	S string
}

// Build outputs the text node.
func (c *Text) Build(*vugu.BuildIn) *vugu.BuildOut {
	return &vugu.BuildOut{Out: []*vugu.VGNode{{Type: vugu.TextNode, Data: c.S}}}
}
