package main

import (
	"go/format"
	"testing"
)

// TestCompact rewrites one of each construct as vugugen v0.4.0 writes it
// (after gofmt) and keeps what it does not know.
func TestCompact(t *testing.T) {
	in := `package web

import "fmt"
import "log"

func (c *C) Build(vgin *vugu.BuildIn) (vgout *vugu.BuildOut) {
	{
		vgparent := vgn
		_ = vgparent
		vgn = &vugu.VGNode{Type: vugu.VGNodeType(1), Data: "\n\t\"x\""}
		vgparent.AppendChild(vgn)
		vgn = &vugu.VGNode{Type: vugu.VGNodeType(3), Namespace: "", Data: "dd", Attr: []vugu.VGAttribute(nil)}
		vgparent.AppendChild(vgn)
		vgn = &vugu.VGNode{Type: vugu.VGNodeType(3), Namespace: "", Data: "button", Attr: []vugu.VGAttribute{{Namespace: "", Key: "id", Val: "a, b"}, vugu.VGAttribute{Namespace: "", Key: "title", Val: "say \"hi\""}}}
		vgparent.AppendChild(vgn)
		vgn.DOMEventHandlerSpecList = append(vgn.DOMEventHandlerSpecList, vugu.DOMEventHandlerSpec{
			EventType: "click",
			Func:      func(event vugu.DOMEvent) { c.Actions.Step() },
			// TODO: implement capture, etc. mostly need to decide syntax
		})
		{
			vgcompKey := vugu.MakeCompKey(0x6CD129AD2F2D17C5^vgin.CurrentPositionHash(), vgiterkey)
			// ask BuildEnv for prior instance of this specific component
			vgcomp, _ := vgin.BuildEnv.CachedComponent(vgcompKey).(*Text)
			if vgcomp == nil {
				// create new one if needed
				vgcomp = new(Text)
				vgin.BuildEnv.WireComponent(vgcomp)
			}
			vgin.BuildEnv.UseComponent(vgcompKey, vgcomp) // ensure we can use this in the cache next time around
			vgcomp.S = pauseText(c.Paused)
			vgout.Components = append(vgout.Components, vgcomp)
			vgn = &vugu.VGNode{Component: vgcomp}
			vgparent.AppendChild(vgn)
		}
		vgn = &vugu.VGNode{Type: vugu.VGNodeType(3), Namespace: "", Data: "p", Attr: []vugu.VGAttribute{{Namespace: "x", Key: "id", Val: "a"}}}
		vgparent.AppendChild(vgn)
	}
	return vgout
}

var _ fmt.Stringer
var _ log.Logger
`
	want := `package web

import "fmt"

func (c *C) Build(vgin *vugu.BuildIn) (vgout *vugu.BuildOut) {
	{
		vgparent := vgn
		_ = vgparent
		vgText(vgparent, "\n\t\"x\"")
		vgElem(vgparent, "dd")
		vgn = vgElem(vgparent, "button", "id", "a, b", "title", "say \"hi\"")
		vgOn(vgn, "click", func(event vugu.DOMEvent) { c.Actions.Step() })
		vgTextComp(vgin, vgout, vgparent, 0x6CD129AD2F2D17C5, vgiterkey, pauseText(c.Paused))
		vgn = &vugu.VGNode{Type: vugu.VGNodeType(3), Namespace: "", Data: "p", Attr: []vugu.VGAttribute{{Namespace: "x", Key: "id", Val: "a"}}}
		vgparent.AppendChild(vgn)
	}
	return vgout
}

var _ fmt.Stringer
`
	got, err := format.Source([]byte(compact(in)))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("compact:\n%s\nwant:\n%s", got, want)
	}
}
