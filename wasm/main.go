//go:build js && wasm

// Command wasm is the Raft playground compiled to WebAssembly. The same
// module serves two hosts:
//
//   - In a page with an element #vugu_mount_point (static/index.html) it
//     runs the Vugu UI of package web there, over a 5-node world whose
//     virtual time follows the wall clock.
//   - Anywhere else (an embed, or headless in Node.js) it only answers the
//     JavaScript API.
//
// Either way the JavaScript API is registered first, and the program never
// exits, so the API keeps answering.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/hack-pad/safejs"
	"github.com/vugu/vugu"

	"github.com/raftplayground/raftplayground/internal/domsync"
	"github.com/raftplayground/raftplayground/web"
)

const (
	// mountID is the id of the element the UI replaces.
	mountID = "vugu_mount_point"
	// bootErrorID is the id of the element that shows why the UI did not
	// start.
	bootErrorID = "boot-error"
)

func main() {
	if err := registerAPI(); err != nil {
		fmt.Fprintln(os.Stderr, "raft playground: cannot register the JavaScript API:", err)
	}
	_, mounted, err := mountPoint()
	switch {
	case err != nil:
		fmt.Fprintln(os.Stderr, "raft playground:", err)
	case mounted:
		if err := runUI(); err != nil {
			ui.fail("the page's start or render loop", err)
		}
	}
	select {} // keep answering the JavaScript API
}

// mountPoint returns the document and whether it has a mount point for the
// UI. Without a document (Node.js) there is none.
func mountPoint() (doc safejs.Value, found bool, err error) {
	doc, err = safejs.Global().Get("document")
	if err != nil {
		return doc, false, fmt.Errorf("cannot read document: %w", err)
	}
	if doc.IsUndefined() || doc.IsNull() {
		return doc, false, nil
	}
	el, err := doc.Call("getElementById", mountID)
	if err != nil {
		return doc, false, fmt.Errorf("cannot look up #%s: %w", mountID, err)
	}
	return doc, !el.IsNull() && !el.IsUndefined(), nil
}

// runUI renders the playground into the mount point until the page goes
// away (or rendering fails), while the cluster view's animation frames (or,
// without the view, a ticker goroutine) advance the world in wall-clock
// time.
//
// Builds run under the event environment's read lock, so neither the clock
// nor a DOM event changes the playground halfway through one (Render takes
// the lock again, for writing, while it compares the pass with the last).
// The renderer is internal/domsync: it sends the page only what changed.
func runUI() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	pg, err := playgroundFromURL()
	if err != nil {
		return err
	}
	renderer, err := domsync.New(mountID)
	if err != nil {
		return err
	}
	defer renderer.Release()
	env := renderer.EventEnv()
	pg.SetLinkCopier(copyLink(env))
	buildEnv, err := vugu.NewBuildEnv(env)
	if err != nil {
		return err
	}

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var kick func() // asks the cluster view for a frame; nil without it
	var experiments *web.Experiments
	var plotsKick func() // asks the experiments' plots for a frame; nil without them
	if doc, err := safejs.Global().Get("document"); err == nil {
		views, err := startViews(doc, pg, env)
		if err != nil {
			return err
		}
		if kick, err = startClusterView(doc, pg, env, views); err != nil {
			return err
		}
		if experiments, plotsKick, err = newExperiments(doc, env); err != nil {
			return err
		}
		if err := startHelp(doc, pg, env); err != nil {
			return err
		}
	}
	if kick == nil {
		go pg.Run(ctx, env) // a page without the cluster view: a ticker drives it
	}

	if err := followLinks(pg, env); err != nil {
		return err
	}
	root := &web.Root{Playground: pg, Experiments: experiments}
	// A run opened from a link is in the address already, and so is a tour's step.
	addr := address{run: pg.RunVersion(), tour: pg.TourLink()}
	for ok := true; ok; ok = renderer.EventWait() {
		if err := renderPass(renderer, buildEnv, env, root, &addr); err != nil {
			return err
		}
		if kick != nil {
			kick() // whatever was rendered may have changed what moves
		}
		if plotsKick != nil {
			plotsKick() // or the experiments' state (opened, started)
		}
	}
	return nil // the page went away
}

// address is what the page's address holds: the run's version last written
// and the tour's step, if a tour is open.
type address struct {
	run  web.RunVersion
	tour string
}

// renderPass builds and renders root once, then brings the page's address up
// to date: outside a tour it holds the run (also once a tour was left, even
// where the run did not change); in a tour it follows the step. A panic in a
// component's build becomes an error, so the caller can report it.
func renderPass(renderer *domsync.Renderer, buildEnv *vugu.BuildEnv, env vugu.EventEnv, root *web.Root, addr *address) (err error) {
	pg := root.Playground
	var text string
	var textErr error
	locked := true
	env.RLock()
	defer func() {
		if r := recover(); r != nil {
			if locked {
				env.RUnlock()
			}
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	results := buildEnv.RunBuild(root)
	guardHandlers(results)
	link := pg.TourLink()
	if v := pg.RunVersion(); link == "" && (v != addr.run || addr.tour != "") {
		addr.run = v
		text, textErr = pg.RunText()
	}
	locked = false
	env.RUnlock()
	if err := renderer.Render(results); err != nil {
		return err
	}
	// A page whose address cannot change still works.
	switch {
	case link != "" && link != addr.tour:
		_ = writeFragment(link)
	case text != "" && textErr == nil:
		_ = writeRunToURL(text)
	}
	addr.tour = link
	return nil
}

// showBootError puts msg into the page's #boot-error element, if any.
func showBootError(doc safejs.Value, msg string) {
	el, err := doc.Call("getElementById", bootErrorID)
	if err != nil || el.IsNull() || el.IsUndefined() {
		return
	}
	_ = el.Set("textContent", msg)
}
