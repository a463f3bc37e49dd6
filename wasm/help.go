//go:build js && wasm

package main

// On-page help and the keyboard: the first-visit hint (dismissed once,
// remembered in localStorage), the keyboard help dialog (#help, opened by
// "?" or #help-open), the shortcuts themselves (web.Playground.Key), and
// the event feed's jump back to its newest events. The hint and the dialog
// are static markup in index.html, outside Vugu's tree, so a render never
// touches them.

import (
	"fmt"

	"github.com/hack-pad/safejs"
	"github.com/vugu/vugu"

	"github.com/raftplayground/raftplayground/web"
)

// hintSeenKey is the localStorage key that remembers the hint was
// dismissed.
const hintSeenKey = "raft-playground.hint-dismissed"

// startHelp wires the hint, the help dialog and the keyboard on doc. Its
// functions live as long as the page, so they are never released.
func startHelp(doc safejs.Value, pg *web.Playground, env vugu.EventEnv) error {
	byID := func(id string) safejs.Value {
		el, err := doc.Call("getElementById", id)
		if err != nil || el.IsNull() || el.IsUndefined() {
			return safejs.Null()
		}
		return el
	}
	if err := startHint(byID("first-hint"), byID("hint-close")); err != nil {
		return err
	}
	dialog := byID("help")
	if dialog.IsNull() {
		return nil // a page without the help: no shortcuts either
	}
	h := &helpDialog{doc: doc, dialog: dialog}
	if err := h.wire(byID("help-open")); err != nil {
		return err
	}
	keydown, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		if len(args) == 1 {
			onKey(args[0], h, pg, env)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := doc.Call("addEventListener", "keydown", keydown.Value()); err != nil {
		return fmt.Errorf("keyboard: %w", err)
	}
	// The feed's "k new events" button: Vugu's handler resumes reading;
	// this scrolls the list back to its newest event.
	click, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		if len(args) != 1 {
			return nil
		}
		if target, err := args[0].Get("target"); err == nil && closest(target, "#feed-new") {
			if list := byID("feed-list"); !list.IsNull() {
				_ = list.Set("scrollTop", 0)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	_, err = doc.Call("addEventListener", "click", click.Value())
	return err
}

// startHint shows the first-visit hint unless it was dismissed before,
// and remembers a dismissal. Without localStorage (private modes may
// refuse it) the hint shows on every visit.
func startHint(hint, button safejs.Value) error {
	if hint.IsNull() || button.IsNull() {
		return nil
	}
	storage, err := safejs.Global().Get("localStorage")
	seen := false
	if err == nil && !storage.IsNull() && !storage.IsUndefined() {
		if v, err := storage.Call("getItem", hintSeenKey); err == nil && v.Type() == safejs.TypeString {
			seen = true
		}
	}
	if seen {
		return nil
	}
	_ = hint.Set("hidden", false)
	dismiss, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		_ = hint.Set("hidden", true)
		if storage, err := safejs.Global().Get("localStorage"); err == nil && !storage.IsNull() && !storage.IsUndefined() {
			_, _ = storage.Call("setItem", hintSeenKey, "1")
		}
		return nil
	})
	if err != nil {
		return err
	}
	_, err = button.Call("addEventListener", "click", dismiss.Value())
	return err
}

// helpDialog is the keyboard help: a modal <dialog>, so the browser moves
// focus into it, keeps it there and closes it on Escape; closing puts the
// focus back where it was.
type helpDialog struct {
	doc, dialog safejs.Value
	// opener is the element that had the focus when the dialog opened.
	opener safejs.Value
}

func (h *helpDialog) wire(button safejs.Value) error {
	open, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any { h.open(); return nil })
	if err != nil {
		return err
	}
	if !button.IsNull() {
		if _, err := button.Call("addEventListener", "click", open.Value()); err != nil {
			return err
		}
	}
	closed, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		if !h.opener.IsUndefined() && !h.opener.IsNull() {
			_, _ = h.opener.Call("focus")
		}
		return nil
	})
	if err != nil {
		return err
	}
	_, err = h.dialog.Call("addEventListener", "close", closed.Value())
	return err
}

// isOpen reports whether the dialog shows.
func (h *helpDialog) isOpen() bool {
	open, err := h.dialog.Get("open")
	if err != nil {
		return false
	}
	b, err := open.Bool()
	return err == nil && b
}

func (h *helpDialog) open() {
	if h.isOpen() {
		return
	}
	h.opener, _ = h.doc.Get("activeElement")
	_, _ = h.dialog.Call("showModal")
	if b, err := h.doc.Call("getElementById", "help-close"); err == nil && !b.IsNull() {
		_, _ = b.Call("focus")
	}
}

// onKey handles a keydown: "?" opens the help; the other shortcuts go to
// the playground, unless a modifier is held, the help is open, or the
// focus is in a text field (or, for Space and the arrows, on a control
// that uses them itself).
func onKey(ev safejs.Value, h *helpDialog, pg *web.Playground, env vugu.EventEnv) {
	key := stringProp(ev, "key")
	for _, mod := range []string{"ctrlKey", "metaKey", "altKey"} {
		if boolProp(ev, mod) {
			return
		}
	}
	target, _ := ev.Get("target")
	if h.isOpen() || closest(target, "input, textarea, select, [contenteditable=''], [contenteditable='true']") {
		return
	}
	if key == "?" {
		_, _ = ev.Call("preventDefault")
		h.open()
		return
	}
	switch key {
	case " ":
		if closest(target, "button, a, summary, [role='button']") {
			return // the focused control's own key
		}
	case "ArrowLeft", "ArrowRight":
		if closest(target, "#feed-list, [role='region']") {
			return // scrolling a list or table
		}
	}
	env.Lock()
	handled := pg.Key(key)
	if handled {
		env.UnlockRender()
		_, _ = ev.Call("preventDefault")
	} else {
		env.UnlockOnly()
	}
}

// closest reports whether el is an element that matches selector or is
// inside one.
func closest(el safejs.Value, selector string) bool {
	if el.IsUndefined() || el.IsNull() {
		return false
	}
	if fn, err := el.Get("closest"); err != nil || fn.Type() != safejs.TypeFunction {
		return false
	}
	found, err := el.Call("closest", selector)
	return err == nil && !found.IsNull() && !found.IsUndefined()
}

func stringProp(v safejs.Value, name string) string {
	p, err := v.Get(name)
	if err != nil || p.Type() != safejs.TypeString {
		return ""
	}
	s, _ := p.String()
	return s
}

func boolProp(v safejs.Value, name string) bool {
	p, err := v.Get(name)
	if err != nil || p.Type() != safejs.TypeBoolean {
		return false
	}
	b, _ := p.Bool()
	return b
}
