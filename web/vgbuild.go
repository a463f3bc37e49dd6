package web

import "github.com/vugu/vugu"

// Helpers the generated Build methods call (0_components_gen.go): vugugen
// writes each of these constructs out at every use, and
// internal/vgcompact replaces them with these calls, which build the same
// nodes (README, "Size").

// vgText appends a text node to parent.
func vgText(parent *vugu.VGNode, s string) *vugu.VGNode {
	n := &vugu.VGNode{Type: vugu.TextNode, Data: s}
	parent.AppendChild(n)
	return n
}

// vgElem appends an element to parent: its tag, then its attributes as
// pairs of key and value.
func vgElem(parent *vugu.VGNode, tag string, kv ...string) *vugu.VGNode {
	n := &vugu.VGNode{Type: vugu.ElementNode, Data: tag}
	if len(kv) > 0 {
		n.Attr = make([]vugu.VGAttribute, len(kv)/2)
		for i := range n.Attr {
			n.Attr[i] = vugu.VGAttribute{Key: kv[2*i], Val: kv[2*i+1]}
		}
	}
	parent.AppendChild(n)
	return n
}

// vgTextComp appends a <web:Text :S="s"> to parent, reusing the Text
// that the same position (key, iterKey) had in the last build, as
// vugugen's code for a component does.
func vgTextComp(in *vugu.BuildIn, out *vugu.BuildOut, parent *vugu.VGNode, key uint64, iterKey any, s string) *vugu.VGNode {
	compKey := vugu.MakeCompKey(key^in.CurrentPositionHash(), iterKey)
	c, _ := in.BuildEnv.CachedComponent(compKey).(*Text)
	if c == nil {
		c = new(Text)
		in.BuildEnv.WireComponent(c)
	}
	in.BuildEnv.UseComponent(compKey, c)
	c.S = s
	out.Components = append(out.Components, c)
	n := &vugu.VGNode{Component: c}
	parent.AppendChild(n)
	return n
}

// vgOn adds a handler of events of type typ to n.
func vgOn(n *vugu.VGNode, typ string, f func(vugu.DOMEvent)) {
	n.DOMEventHandlerSpecList = append(n.DOMEventHandlerSpecList, vugu.DOMEventHandlerSpec{EventType: typ, Func: f})
}
