package domsync

import (
	"errors"
	"fmt"
	"slices"

	"github.com/vugu/vugu"
)

// Differ keeps the mirror of what the previous passes rendered and turns
// each new pass's build results into the ops that bring the page up to
// date with it. It is not safe for concurrent use.
type Differ struct {
	// root is the mirror of the rendered tree; nil before the first pass.
	root *node
	// nodes finds a mirror node by id; nodes[0] and freed ids are nil.
	// Invariant: nodes[id].id == id for every node in the tree.
	nodes []*node
	// free are ids of nodes that left the tree, for reuse. The applier
	// forgets a node when its id is given to another.
	free []uint32
	// enc collects the current pass's ops.
	enc encoder
	// results are the build results the current pass reads components'
	// output from; nil between passes.
	results *vugu.BuildResults
	// flat is scratch space: the children of the elements being synced,
	// components resolved and templates flattened, innermost last.
	flat []*vugu.VGNode
	// want is scratch space: the listeners an element's handlers need.
	want []listener
	// err is the first error; the mirror is not trustworthy after one,
	// so every later pass fails with it.
	err error
}

// Diff returns the ops that turn the page as the previous pass left it
// into the page of results, and updates the mirror to match. The first
// pass builds the whole tree and mounts it. The returned bytes are valid
// until the next call; none means nothing changed.
func (d *Differ) Diff(results *vugu.BuildResults) ([]byte, error) {
	if d.err != nil {
		return nil, d.err
	}
	d.enc.reset()
	d.results = results
	defer func() { d.results = nil }()
	if err := d.pass(); err != nil {
		d.err = err
		return nil, err
	}
	return d.enc.buf, nil
}

func (d *Differ) pass() error {
	if d.results == nil || d.results.Out == nil {
		return errors.New("domsync: no build output")
	}
	out := d.results.Out
	if len(out.Out) != 1 {
		return fmt.Errorf("domsync: the root component has %d output nodes, not one", len(out.Out))
	}
	if err := checkOut(out); err != nil {
		return err
	}
	n, err := d.resolve(out.Out[0])
	if err != nil {
		return err
	}
	if n.Type != vugu.ElementNode || n.IsTemplate() {
		return errors.New("domsync: the root component's output is not an element")
	}
	if d.root == nil {
		if d.root, err = d.create(n); err != nil {
			return err
		}
		d.enc.op(opMount, d.root.id)
		return nil
	}
	d.root, err = d.sync(d.root, n)
	return err
}

// Handler gives the handler the last pass set for events of type typ
// (capture or not) on the node id, or nil when it has none (the node
// left the page, or no longer listens).
func (d *Differ) Handler(id uint32, typ string, capture bool) func(vugu.DOMEvent) {
	if int(id) >= len(d.nodes) || d.nodes[id] == nil {
		return nil
	}
	for _, h := range d.nodes[id].handlers {
		if h.EventType == typ && h.Capture == capture {
			return h.Func
		}
	}
	return nil
}

// sync brings the mirror node m, and the page, up to n. It returns the
// node now in m's place: m itself, or a new one when n is another kind of
// node or element.
func (d *Differ) sync(m *node, n *vugu.VGNode) (*node, error) {
	if m.typ != n.Type || (n.Type == vugu.ElementNode && m.tag != n.Data) {
		c, err := d.create(n)
		if err != nil {
			return m, err
		}
		d.enc.op(opReplace, m.id, c.id)
		d.release(m)
		return c, nil
	}
	if n.Type != vugu.ElementNode {
		if m.data != n.Data {
			d.enc.op(opSetData, m.id)
			d.enc.str(n.Data)
			m.data = n.Data
		}
		return m, nil
	}
	if err := checkElement(n); err != nil {
		return m, err
	}
	d.syncAttrs(m, n.Attr)
	d.syncListeners(m, n.DOMEventHandlerSpecList)
	m.handlers = n.DOMEventHandlerSpecList
	if n.InnerHTML != nil {
		d.syncHTML(m, *n.InnerHTML)
		return m, nil
	}
	if m.hasHTML {
		d.enc.op(opSetInnerHTML, m.id)
		d.enc.str("")
		m.hasHTML, m.html = false, ""
	}
	return m, d.syncKids(m, n)
}

// syncAttrs sets the attributes that are new or changed and removes the
// ones no longer built. Attributes the page set on its own stay.
func (d *Differ) syncAttrs(m *node, attrs []vugu.VGAttribute) {
	if sameAttrs(m.attrs, attrs) {
		return
	}
	for i, a := range attrs {
		if setLater(attrs, i) {
			continue
		}
		if v, ok := attrValue(m.attrs, a.Key); !ok || v != a.Val {
			d.setAttr(m.id, a)
		}
	}
	for i, a := range m.attrs {
		if _, ok := attrValue(attrs, a.Key); !ok && !setLater(m.attrs, i) {
			d.enc.op(opRemoveAttr, m.id)
			d.enc.str(a.Key)
		}
	}
	m.attrs = slices.Clone(attrs)
}

func (d *Differ) setAttr(id uint32, a vugu.VGAttribute) {
	d.enc.op(opSetAttr, id)
	d.enc.str(a.Key)
	d.enc.str(a.Val)
}

// syncListeners adds and removes the applier's listeners so the element
// has exactly those its handlers need.
func (d *Differ) syncListeners(m *node, specs []vugu.DOMEventHandlerSpec) {
	d.want = listenersOf(d.want[:0], specs)
	if slices.Equal(d.want, m.listeners) {
		return
	}
	for _, l := range m.listeners {
		if !slices.Contains(d.want, l) {
			d.listen(opUnlisten, m.id, l)
		}
	}
	for _, l := range d.want {
		if !slices.Contains(m.listeners, l) {
			d.listen(opListen, m.id, l)
		}
	}
	m.listeners = slices.Clone(d.want)
}

func (d *Differ) listen(o op, id uint32, l listener) {
	d.enc.op(o, id)
	d.enc.flags(l.capture, l.passive)
	d.enc.str(l.typ)
}

// syncHTML gives m the inner markup html; its children, if it had any,
// go with the old markup.
func (d *Differ) syncHTML(m *node, html string) {
	if m.hasHTML && m.html == html {
		return
	}
	for _, k := range m.kids {
		d.release(k)
	}
	m.kids = nil
	d.enc.op(opSetInnerHTML, m.id)
	d.enc.str(html)
	m.hasHTML, m.html = true, html
}

// syncKids syncs m's children with n's, position by position: the first
// ones both have are synced in place, new ones appended, extra ones
// removed. Children the page added on its own (to an element built
// without any) are not touched.
func (d *Differ) syncKids(m *node, n *vugu.VGNode) error {
	start := len(d.flat)
	defer func() { d.flat = d.flat[:start] }()
	var err error
	if d.flat, err = d.flatten(d.flat, n.FirstChild); err != nil {
		return err
	}
	// The nested syncs below append beyond this slice and truncate back,
	// so its elements stay as they are.
	kids := d.flat[start:]
	both := min(len(m.kids), len(kids))
	for i, k := range kids[:both] {
		if m.kids[i], err = d.sync(m.kids[i], k); err != nil {
			return err
		}
	}
	for _, k := range kids[both:] {
		c, err := d.create(k)
		if err != nil {
			return err
		}
		d.enc.op(opAppend, m.id, c.id)
		m.kids = append(m.kids, c)
	}
	for _, old := range m.kids[len(kids):] {
		d.enc.op(opRemove, old.id)
		d.release(old)
	}
	clear(m.kids[len(kids):])
	m.kids = m.kids[:len(kids)]
	return nil
}

// create makes a new subtree for n, detached, and returns its mirror.
func (d *Differ) create(n *vugu.VGNode) (*node, error) {
	m := &node{id: d.alloc(), typ: n.Type}
	d.nodes[m.id] = m
	switch n.Type {
	case vugu.TextNode, vugu.CommentNode:
		o := opText
		if n.Type == vugu.CommentNode {
			o = opComment
		}
		d.enc.op(o, m.id)
		d.enc.str(n.Data)
		m.data = n.Data
		return m, nil
	}
	if err := checkElement(n); err != nil {
		return m, err
	}
	m.tag = n.Data
	d.enc.op(opElement, m.id)
	d.enc.str(n.Data)
	for i, a := range n.Attr {
		if !setLater(n.Attr, i) {
			d.setAttr(m.id, a)
		}
	}
	m.attrs = slices.Clone(n.Attr)
	m.listeners = listenersOf(nil, n.DOMEventHandlerSpecList)
	for _, l := range m.listeners {
		d.listen(opListen, m.id, l)
	}
	m.handlers = n.DOMEventHandlerSpecList
	if n.InnerHTML != nil {
		if *n.InnerHTML != "" {
			d.enc.op(opSetInnerHTML, m.id)
			d.enc.str(*n.InnerHTML)
		}
		m.hasHTML, m.html = true, *n.InnerHTML
		return m, nil
	}
	return m, d.syncKids(m, n)
}

// alloc gives an id no node in the tree has.
func (d *Differ) alloc() uint32 {
	if k := len(d.free); k > 0 {
		id := d.free[k-1]
		d.free = d.free[:k-1]
		return id
	}
	if len(d.nodes) == 0 {
		d.nodes = append(d.nodes, nil) // id 0 names no node
	}
	d.nodes = append(d.nodes, nil)
	return uint32(len(d.nodes) - 1)
}

// release frees the ids of m's subtree, which left the page.
func (d *Differ) release(m *node) {
	d.nodes[m.id] = nil
	d.free = append(d.free, m.id)
	for _, k := range m.kids {
		d.release(k)
	}
}

// resolve follows component nodes to the node their output puts there.
func (d *Differ) resolve(n *vugu.VGNode) (*vugu.VGNode, error) {
	for n.Component != nil {
		out := d.results.ResultFor(n.Component)
		if out == nil {
			return nil, fmt.Errorf("domsync: no build output for component %T", n.Component)
		}
		if len(out.Out) != 1 {
			return nil, fmt.Errorf("domsync: component %T has %d output nodes, not one", n.Component, len(out.Out))
		}
		if err := checkOut(out); err != nil {
			return nil, err
		}
		n = out.Out[0]
	}
	return n, nil
}

// flatten appends to dst the nodes that the siblings from first on put
// in the page: components resolved, templates replaced by their children.
func (d *Differ) flatten(dst []*vugu.VGNode, first *vugu.VGNode) ([]*vugu.VGNode, error) {
	for c := first; c != nil; c = c.NextSibling {
		n, err := d.resolve(c)
		if err != nil {
			return dst, err
		}
		switch {
		case n.IsTemplate():
			if dst, err = d.flatten(dst, n.FirstChild); err != nil {
				return dst, err
			}
		case n.Type == vugu.ElementNode || n.Type == vugu.TextNode || n.Type == vugu.CommentNode:
			dst = append(dst, n)
		default:
			return dst, fmt.Errorf("domsync: cannot render a node of type %d", n.Type)
		}
	}
	return dst, nil
}

// checkOut refuses build output this renderer does not support.
func checkOut(out *vugu.BuildOut) error {
	if len(out.CSS) > 0 || len(out.JS) > 0 {
		return errors.New("domsync: components' <style> and <script> tags are not supported; put the CSS in static/style.css")
	}
	return nil
}

// checkElement refuses elements this renderer does not support.
func checkElement(n *vugu.VGNode) error {
	switch {
	case n.Namespace != "":
		return fmt.Errorf("domsync: <%s> has namespace %q; namespaced elements (SVG) are not supported", n.Data, n.Namespace)
	case len(n.Prop) > 0:
		return fmt.Errorf("domsync: <%s> sets JavaScript properties; .prop bindings are not supported", n.Data)
	case n.JSCreateHandler != nil || n.JSPopulateHandler != nil:
		return fmt.Errorf("domsync: <%s> has vg-js-create or vg-js-populate, which are not supported", n.Data)
	}
	return nil
}
