package domsync

import (
	"slices"

	"github.com/vugu/vugu"
)

// node is the mirror of one DOM node as the previous pass left it: what
// the page shows, so the next pass can send only what differs.
type node struct {
	// id names the node to the applier; ids of nodes still in the tree
	// are unique.
	id uint32
	// typ is vugu.ElementNode, vugu.TextNode or vugu.CommentNode.
	typ vugu.VGNodeType
	// tag is an element's tag name; empty for text and comments.
	tag string
	// data is a text node's or a comment's content.
	data string
	// attrs are the element's attributes as set, in the build's order.
	attrs []vugu.VGAttribute
	// html is the element's inner markup, when hasHTML.
	html string
	// hasHTML says the element's children are html, not kids.
	// Invariant: hasHTML implies kids is empty.
	hasHTML bool
	// listeners are the event listeners the applier holds on the element.
	listeners []listener
	// handlers are the last pass's handlers: what an event on the
	// element calls. Each listener has one (same type and capture).
	handlers []vugu.DOMEventHandlerSpec
	// kids are the element's children, in order, as rendered.
	kids []*node
}

// listener is what the applier needs to add or remove an event listener.
type listener struct {
	// typ is the event type ("click").
	typ string
	// capture and passive are addEventListener's options.
	capture, passive bool
}

// listenersOf gives the listeners that specs need, appended to dst.
func listenersOf(dst []listener, specs []vugu.DOMEventHandlerSpec) []listener {
	for _, h := range specs {
		l := listener{typ: h.EventType, capture: h.Capture, passive: h.Passive}
		if !slices.Contains(dst, l) {
			dst = append(dst, l)
		}
	}
	return dst
}

// sameAttrs says whether a and b set the same attributes to the same
// values in the same order.
func sameAttrs(a, b []vugu.VGAttribute) bool {
	return slices.Equal(a, b)
}

// attrValue gives the value of key in attrs and whether it is there. Of
// two attributes with one key the later wins, as setAttribute does.
func attrValue(attrs []vugu.VGAttribute, key string) (string, bool) {
	for i := len(attrs) - 1; i >= 0; i-- {
		if attrs[i].Key == key {
			return attrs[i].Val, true
		}
	}
	return "", false
}

// setLater says whether attrs[i]'s key is set again after it.
func setLater(attrs []vugu.VGAttribute, i int) bool {
	for _, a := range attrs[i+1:] {
		if a.Key == attrs[i].Key {
			return true
		}
	}
	return false
}
