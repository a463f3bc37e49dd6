//go:build js && wasm

package main

// Failures of the UI. A Go panic that reaches JavaScript ends the whole
// program, and with it the JavaScript API, so every way into the UI's code
// (the render loop, each DOM event handler, each animation frame, each
// click on a canvas) recovers: the page's #boot-error says what failed,
// the UI stops drawing, and the API goes on answering.

import (
	"fmt"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/hack-pad/safejs"
	"github.com/vugu/vugu"
)

// uiFailure is the first failure of the page's UI.
type uiFailure struct {
	// failed is set by the first failure; the animation frames stop then.
	failed atomic.Bool
	// once shows only the first failure: later ones follow from it.
	once sync.Once
}

// ui is the page's UI failure; there is one UI per program.
var ui uiFailure

// fail records a failure in where (what the UI was doing) and shows it.
func (f *uiFailure) fail(where string, cause any) {
	f.failed.Store(true)
	f.once.Do(func() {
		fmt.Fprintf(os.Stderr, "raft playground: the UI failed in %s: %v\n%s", where, cause, debug.Stack())
		if doc, err := safejs.Global().Get("document"); err == nil {
			showBootError(doc, fmt.Sprintf("The playground stopped (%s): %v. The JavaScript API still works; reload the page to start again.", where, cause))
		}
	})
}

// guardHandlers wraps every DOM event handler of a build's output so that
// a panic in one is reported instead of ending the program. Vugu calls a
// handler with its event lock held and unlocks after it returns, so a
// handler that recovers leaves the lock as it should be.
func guardHandlers(results *vugu.BuildResults) {
	if results == nil || results.Out == nil {
		return
	}
	seen := map[*vugu.BuildOut]bool{}
	var walkOut func(out *vugu.BuildOut)
	var walk func(n *vugu.VGNode)
	walk = func(n *vugu.VGNode) {
		for i := range n.DOMEventHandlerSpecList {
			h := &n.DOMEventHandlerSpecList[i]
			if h.Func != nil {
				h.Func = guarded(h.EventType, h.Func)
			}
		}
		if n.Component != nil {
			walkOut(results.ResultFor(n.Component))
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walkOut = func(out *vugu.BuildOut) {
		if out == nil || seen[out] {
			return
		}
		seen[out] = true
		for _, n := range out.Out {
			walk(n)
		}
	}
	walkOut(results.Out)
}

// guarded is handler, recovering from a panic in it.
func guarded(event string, handler func(vugu.DOMEvent)) func(vugu.DOMEvent) {
	return func(e vugu.DOMEvent) {
		defer func() {
			if r := recover(); r != nil {
				ui.fail("a "+event+" handler", r)
			}
		}()
		handler(e)
	}
}

// locked runs f with env's lock held and then releases it, asking for a
// render when f says so. A panic in f releases the lock and is reported;
// ok is false then.
func locked(env vugu.EventEnv, where string, f func() (render bool)) (ok bool) {
	env.Lock()
	render := false
	defer func() {
		if r := recover(); r != nil {
			env.UnlockOnly()
			ui.fail(where, r)
			ok = false
			return
		}
		if render {
			env.UnlockRender()
		} else {
			env.UnlockOnly()
		}
	}()
	render = f()
	return true
}
