//go:build js && wasm

package main

import (
	"errors"
	"fmt"

	"github.com/hack-pad/safejs"
	"github.com/vugu/vugu"

	"github.com/raftplayground/raftplayground/web"
)

// copyLink is the page's web.LinkCopier: it puts frag in the address bar
// and the whole address on the clipboard. navigator.clipboard.writeText
// answers with a promise, so done runs later, under env's lock, with a
// render after. A page served over plain http from another host than
// localhost has no navigator.clipboard: the link is then only in the
// address bar, and the error says why.
func copyLink(env vugu.EventEnv) web.LinkCopier {
	return func(frag string, done func(error)) error {
		if err := writeFragment(frag); err != nil {
			return fmt.Errorf("cannot write the address: %w", err)
		}
		g := safejs.Global()
		loc, err := g.Get("location")
		if err != nil {
			return err
		}
		href, err := loc.Get("href")
		if err != nil {
			return err
		}
		nav, err := g.Get("navigator")
		if err != nil {
			return err
		}
		clip, err := nav.Get("clipboard")
		if err != nil || clip.IsUndefined() || clip.IsNull() {
			return errors.New("this browser offers no clipboard to this page; it needs https or localhost")
		}
		promise, err := clip.Call("writeText", href)
		if err != nil {
			return err
		}
		var ok, fail safejs.Func
		settle := func(err error) {
			env.Lock()
			done(err)
			env.UnlockRender()
			ok.Release()
			fail.Release()
		}
		if ok, err = safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
			settle(nil)
			return nil
		}); err != nil {
			return err
		}
		if fail, err = safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
			settle(errors.New(rejection(args)))
			return nil
		}); err != nil {
			ok.Release()
			return err
		}
		if _, err := promise.Call("then", ok.Value(), fail.Value()); err != nil {
			ok.Release()
			fail.Release()
			return err
		}
		return nil
	}
}

// rejection says why a promise was rejected: its reason's message, or a
// plain word when the reason has none.
func rejection(args []safejs.Value) string {
	if len(args) > 0 && (args[0].Type() == safejs.TypeObject) {
		if m, err := args[0].Get("message"); err == nil && m.Type() == safejs.TypeString {
			if s, err := m.String(); err == nil && s != "" {
				return s
			}
		}
	}
	return "the browser refused"
}
