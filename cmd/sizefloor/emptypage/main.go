//go:build js && wasm

// Command emptypage is the playground's page with nothing in it: the same
// renderer (internal/domsync), the same Vugu build loop and the same
// safejs bridge as wasm/main.go, drawing one element. cmd/sizefloor
// measures it as the share of the page's size that the page's framework
// costs before any of the playground's own code.
package main

import (
	"github.com/vugu/vugu"

	"github.com/raftplayground/raftplayground/internal/domsync"
)

// root is a component that builds one <p>.
type root struct{}

// Build implements vugu.Builder.
func (root) Build(*vugu.BuildIn) *vugu.BuildOut {
	p := &vugu.VGNode{Type: vugu.ElementNode, Data: "p"}
	p.AppendChild(&vugu.VGNode{Type: vugu.TextNode, Data: "empty"})
	return &vugu.BuildOut{Out: []*vugu.VGNode{p}}
}

func main() {
	r, err := domsync.New("app")
	if err != nil {
		panic(err)
	}
	env, err := vugu.NewBuildEnv(r.EventEnv())
	if err != nil {
		panic(err)
	}
	for ok := true; ok; ok = r.EventWait() {
		if err := r.Render(env.RunBuild(root{})); err != nil {
			panic(err)
		}
	}
}
