package domsync

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/vugu/vugu"
)

// comp is a component whose output is fixed by the test.
type comp struct {
	// out is the node it outputs.
	out *vugu.VGNode
	// kids are the components out refers to.
	kids []vugu.Builder
}

func (c *comp) Build(*vugu.BuildIn) *vugu.BuildOut {
	return &vugu.BuildOut{Out: []*vugu.VGNode{c.out}, Components: c.kids}
}

// el is an element with attributes (key, value pairs) and children.
func el(tag string, attrs []string, kids ...*vugu.VGNode) *vugu.VGNode {
	n := &vugu.VGNode{Type: vugu.ElementNode, Data: tag}
	for i := 0; i+1 < len(attrs); i += 2 {
		n.Attr = append(n.Attr, vugu.VGAttribute{Key: attrs[i], Val: attrs[i+1]})
	}
	for _, k := range kids {
		n.AppendChild(k)
	}
	return n
}

// attrs is el's attribute list, for short.
func attrs(kv ...string) []string { return kv }

func text(s string) *vugu.VGNode { return &vugu.VGNode{Type: vugu.TextNode, Data: s} }

// template is a <vg-template>: its children go in its place.
func template(kids ...*vugu.VGNode) *vugu.VGNode { return el("", nil, kids...) }

// on gives n a handler for event typ that records its name in calls.
func on(n *vugu.VGNode, typ string, capture bool, name string, calls *[]string) *vugu.VGNode {
	n.DOMEventHandlerSpecList = append(n.DOMEventHandlerSpecList, vugu.DOMEventHandlerSpec{
		EventType: typ, Capture: capture,
		Func: func(vugu.DOMEvent) { *calls = append(*calls, name) },
	})
	return n
}

// passes runs build passes through one Differ.
type passes struct {
	t    *testing.T
	env  *vugu.BuildEnv
	diff Differ
}

func newPasses(t *testing.T) *passes {
	env, err := vugu.NewBuildEnv(vugu.NewEventEnvImpl(&sync.RWMutex{}, nil))
	if err != nil {
		t.Fatal(err)
	}
	return &passes{t: t, env: env}
}

// pass renders root and returns its ops, one line each.
func (p *passes) pass(root vugu.Builder) []string {
	p.t.Helper()
	ops, err := p.diff.Diff(p.env.RunBuild(root))
	if err != nil {
		p.t.Fatal(err)
	}
	lines, err := describe(ops)
	if err != nil {
		p.t.Fatal(err)
	}
	return lines
}

// expect compares a pass's ops with want, given one per line.
func expect(t *testing.T, what string, got []string, want string) {
	t.Helper()
	w := strings.Split(strings.TrimSpace(want), "\n")
	for i := range w {
		w[i] = strings.TrimSpace(w[i])
	}
	if strings.TrimSpace(want) == "" {
		w = nil
	}
	if !slices.Equal(got, w) {
		t.Errorf("%s: ops\n\t%s\nwant\n\t%s", what, strings.Join(got, "\n\t"), strings.Join(w, "\n\t"))
	}
}

// The first pass builds the whole tree detached, children before they go
// into their parent, components and templates replaced by their output,
// and mounts it; the same tree again sends nothing.
func TestFirstPassBuildsAndMounts(t *testing.T) {
	var calls []string
	tree := func() *comp {
		label := &comp{out: text("hello")}
		html := "<b>static</b>"
		root := el("div", attrs("class", "page"),
			on(el("button", attrs("id", "go", "type", "button"), &vugu.VGNode{Component: label}), "click", false, "go", &calls),
			template(el("p", nil, text("a")), &vugu.VGNode{Type: vugu.CommentNode, Data: "note"}),
			&vugu.VGNode{Type: vugu.ElementNode, Data: "h2", InnerHTML: &html},
		)
		return &comp{out: root, kids: []vugu.Builder{label}}
	}
	p := newPasses(t)
	expect(t, "first pass", p.pass(tree()), `
		element 1 "div"
		set-attr 1 "class" "page"
		element 2 "button"
		set-attr 2 "id" "go"
		set-attr 2 "type" "button"
		listen 2 flags=0 "click"
		text 3 "hello"
		append 2 3
		append 1 2
		element 4 "p"
		text 5 "a"
		append 4 5
		append 1 4
		comment 6 "note"
		append 1 6
		element 7 "h2"
		set-html 7 "<b>static</b>"
		append 1 7
		mount 1`)
	expect(t, "the same tree again", p.pass(tree()), "")
	if f := p.diff.Handler(2, "click", false); f == nil {
		t.Fatal("no handler for the button's click")
	} else {
		f(nil)
	}
	if !slices.Equal(calls, []string{"go"}) {
		t.Errorf("calls %v, want [go]", calls)
	}
}

// A pass sends only what changed: an attribute's new value, one removed,
// one added, a text's new data; the page's own attributes are not named.
func TestChangedAttributesAndText(t *testing.T) {
	p := newPasses(t)
	p.pass(&comp{out: el("div", attrs("class", "a", "title", "t"), text("x"), el("span", attrs("data-n", "1")))})
	expect(t, "second pass", p.pass(&comp{out: el("div", attrs("class", "b", "aria-busy", "true"), text("y"), el("span", attrs("data-n", "1")))}), `
		set-attr 1 "class" "b"
		set-attr 1 "aria-busy" "true"
		remove-attr 1 "title"
		set-data 2 "y"`)
}

// Of two attributes with one key the later is the one set, as
// setAttribute leaves it; a change to the earlier one alone sends nothing.
func TestRepeatedAttributeKey(t *testing.T) {
	p := newPasses(t)
	expect(t, "first pass", p.pass(&comp{out: el("div", attrs("class", "a", "class", "b"))}), `
		element 1 "div"
		set-attr 1 "class" "b"
		mount 1`)
	expect(t, "earlier one changed", p.pass(&comp{out: el("div", attrs("class", "c", "class", "b"))}), "")
	expect(t, "one left", p.pass(&comp{out: el("div", attrs("class", "c"))}), `set-attr 1 "class" "c"`)
}

// Children are synced by position: new ones are appended, extra ones
// removed, a node of another kind or tag replaced by a new subtree; the
// ids of nodes that left are given to the next new ones.
func TestChildrenByPosition(t *testing.T) {
	p := newPasses(t)
	p.pass(&comp{out: el("ul", nil, el("li", nil, text("1")), el("li", nil, text("2")))}) // ids 1-5
	expect(t, "two more", p.pass(&comp{out: el("ul", nil,
		el("li", nil, text("1")), el("li", nil, text("2")), el("li", nil, text("3")), text("end"))}), `
		element 6 "li"
		text 7 "3"
		append 6 7
		append 1 6
		text 8 "end"
		append 1 8`)
	expect(t, "second and last gone", p.pass(&comp{out: el("ul", nil, el("li", nil, text("1")), el("li", nil, text("3")))}), `
		set-data 5 "3"
		remove 6
		remove 8`)
	// Freed: 6, 7, 8 (reused last freed first).
	expect(t, "a text becomes an element, an element another", p.pass(&comp{out: el("ul", nil, el("li", nil, el("b", nil)), el("p", nil))}), `
		element 8 "b"
		replace 3 8
		element 3 "p"
		replace 4 3`)
	expect(t, "all gone", p.pass(&comp{out: el("ul", nil)}), `
		remove 2
		remove 3`)
}

// Listeners change only where the set of (type, capture, passive) does;
// a handler that is a new function each pass is looked up by id and sends
// nothing. A node that left has no handler.
func TestListeners(t *testing.T) {
	var calls []string
	p := newPasses(t)
	p.pass(&comp{out: el("div", nil, on(el("input", nil), "input", false, "first", &calls))})
	expect(t, "new function, same listener", p.pass(&comp{out: el("div", nil, on(el("input", nil), "input", false, "second", &calls))}), "")
	p.diff.Handler(2, "input", false)(nil)
	if p.diff.Handler(2, "input", true) != nil || p.diff.Handler(2, "click", false) != nil {
		t.Error("a handler for an event the input does not listen to")
	}
	expect(t, "input swapped for change, a capturing click added", p.pass(&comp{out: el("div", nil,
		on(on(el("input", nil), "change", false, "change", &calls), "click", true, "click", &calls))}), `
		unlisten 2 flags=0 "input"
		listen 2 flags=0 "change"
		listen 2 flags=1 "click"`)
	p.diff.Handler(2, "click", true)(nil)
	expect(t, "the input gone", p.pass(&comp{out: el("div", nil)}), "remove 2")
	if p.diff.Handler(2, "change", false) != nil {
		t.Error("a handler for a node that left the page")
	}
	if !slices.Equal(calls, []string{"second", "click"}) {
		t.Errorf("calls %v, want [second click]", calls)
	}
}

// Inner markup replaces the children, and children replace the markup.
// An element built without children leaves the page's own (a canvas
// that Go puts there) alone.
func TestInnerHTML(t *testing.T) {
	html := func(s string) *vugu.VGNode { return &vugu.VGNode{Type: vugu.ElementNode, Data: "p", InnerHTML: &s} }
	p := newPasses(t)
	p.pass(&comp{out: el("div", nil, el("p", nil, text("kid")))}) // ids 1-3
	expect(t, "markup for children", p.pass(&comp{out: el("div", nil, html("<i>x</i>"))}), `set-html 2 "<i>x</i>"`)
	expect(t, "same markup", p.pass(&comp{out: el("div", nil, html("<i>x</i>"))}), "")
	expect(t, "children for markup", p.pass(&comp{out: el("div", nil, el("p", nil, text("back")))}), `
		set-html 2 ""
		text 3 "back"
		append 2 3`)
	expect(t, "no children", p.pass(&comp{out: el("div", nil, el("p", nil))}), "remove 3")
	expect(t, "still none", p.pass(&comp{out: el("div", nil, el("p", nil))}), "")
}

// What the renderer does not support is an error, in that pass and every
// later one, not a page that silently differs from the build.
func TestUnsupported(t *testing.T) {
	for name, n := range map[string]*vugu.VGNode{
		"svg":  {Type: vugu.ElementNode, Data: "svg", Namespace: "svg"},
		"prop": {Type: vugu.ElementNode, Data: "input", Prop: []vugu.VGProperty{{Key: "value", JSONVal: []byte(`"x"`)}}},
	} {
		p := newPasses(t)
		p.pass(&comp{out: el("div", nil)})
		_, err := p.diff.Diff(p.env.RunBuild(&comp{out: el("div", nil, n)}))
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if _, again := p.diff.Diff(p.env.RunBuild(&comp{out: el("div", nil)})); again != err {
			t.Errorf("%s: the next pass gave %v, want the first error again", name, again)
		}
	}
	styled := &cssComp{comp: &comp{out: el("p", nil)}}
	p := newPasses(t)
	root := &comp{out: el("div", nil, &vugu.VGNode{Component: styled}), kids: []vugu.Builder{styled}}
	if _, err := p.diff.Diff(p.env.RunBuild(root)); err == nil {
		t.Error("a component's <style>: no error")
	}
}

// cssComp outputs comp's node with a <style> tag.
type cssComp struct{ comp *comp }

func (c *cssComp) Build(in *vugu.BuildIn) *vugu.BuildOut {
	out := c.comp.Build(in)
	out.CSS = []*vugu.VGNode{el("style", nil, text("p{}"))}
	return out
}
