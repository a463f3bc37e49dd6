//go:build js && wasm

package main

// Links followed on an open page: editing the address's fragment to
// "#tour=NAME&step=K" or to "#run=..." (or following such a link within
// the page) fires hashchange, and the page shows that tour's step or that
// run, as it would on a new page. A malformed link leaves the page as it
// was, with a notice.

import (
	"fmt"

	"github.com/hack-pad/safejs"
	"github.com/vugu/vugu"

	"github.com/raftplayground/raftplayground/web"
)

// followLinks listens to the address's fragment for pg (under env's
// lock, with a render after). Fragments that are neither tour nor run
// links are left alone; the run the page writes itself (replaceState)
// fires no hashchange.
func followLinks(pg *web.Playground, env vugu.EventEnv) error {
	changed, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		if name, step, isTour, err := tourFromURL(); isTour {
			env.Lock()
			pg.FollowTourLink(name, step, err)
			env.UnlockRender()
			return nil
		}
		if text, isRun, err := runFromURL(); isRun {
			env.Lock()
			pg.FollowRunLink(text, err)
			env.UnlockRender()
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("links: %w", err)
	}
	if _, err := safejs.Global().Call("addEventListener", "hashchange", changed.Value()); err != nil {
		return fmt.Errorf("links: %w", err)
	}
	return nil
}
