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
	"github.com/vugu/vugu/domrender"

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
	doc, mounted, err := mountPoint()
	switch {
	case err != nil:
		fmt.Fprintln(os.Stderr, "raft playground:", err)
	case mounted:
		if err := runUI(); err != nil {
			fmt.Fprintln(os.Stderr, "raft playground: UI stopped:", err)
			showBootError(doc, "The playground stopped: "+err.Error())
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
// nor a DOM event changes the playground halfway through one
// (Render takes the read lock again for itself).
func runUI() error {
	pg, err := playgroundFromURL()
	if err != nil {
		return err
	}
	renderer, err := domrender.New("#" + mountID)
	if err != nil {
		return err
	}
	defer renderer.Release()
	env := renderer.EventEnv()
	buildEnv, err := vugu.NewBuildEnv(env)
	if err != nil {
		return err
	}

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	framesDriveClock := false
	var experiments *web.Experiments
	if doc, err := safejs.Global().Get("document"); err == nil {
		views, err := startViews(doc, pg, env)
		if err != nil {
			return err
		}
		if framesDriveClock, err = startClusterView(doc, pg, env, views); err != nil {
			return err
		}
		if experiments, err = newExperiments(doc, env); err != nil {
			return err
		}
		if err := startHelp(doc, pg, env); err != nil {
			return err
		}
	}
	if !framesDriveClock {
		go pg.Run(ctx, env) // a page without the cluster view: a ticker drives it
	}

	root := &web.Root{Playground: pg, Experiments: experiments}
	shared := pg.RunVersion() // a run opened from a link is in the address already
	tourLink := pg.TourLink() // and so is a tour's step
	for ok := true; ok; ok = renderer.EventWait() {
		env.RLock()
		results := buildEnv.RunBuild(root)
		var text string
		var textErr error
		link := pg.TourLink()
		if v := pg.RunVersion(); link == "" && (v != shared || tourLink != "") {
			// Outside a tour the address holds the run (also once a tour
			// was left, even where the run did not change).
			shared = v
			text, textErr = pg.RunText()
		}
		env.RUnlock()
		if err := renderer.Render(results); err != nil {
			return err
		}
		// A page whose address cannot change still works.
		switch {
		case link != "" && link != tourLink:
			_ = writeFragment(link) // the address follows the tour's step
		case text != "" && textErr == nil:
			_ = writeRunToURL(text)
		}
		tourLink = link
	}
	return nil // the page went away
}

// showBootError puts msg into the page's #boot-error element, if any.
func showBootError(doc safejs.Value, msg string) {
	el, err := doc.Call("getElementById", bootErrorID)
	if err != nil || el.IsNull() || el.IsUndefined() {
		return
	}
	_ = el.Set("textContent", msg)
}
