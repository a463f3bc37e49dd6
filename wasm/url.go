//go:build js && wasm

package main

// Shared runs: the page keeps its run in the address bar's fragment
// (#run= and the run as a scenario, base64url-encoded), so the address is
// always a link that replays it; a page opened at such an address rebuilds
// the run. What comes from the address only ever goes through the
// scenario parser: it never reaches innerHTML or eval.

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/hack-pad/safejs"

	"github.com/raftplayground/raftplayground/raft/sim"
	"github.com/raftplayground/raftplayground/web"
)

// replayShown is how often, in wall-clock time, the boot screen shows how
// far a run link's replay has come. A page's run replays at a few hundred
// times real time in WebAssembly, so a link to a run of an hour takes some
// seconds: without this the page sat at "Starting the cluster…" meanwhile.
const replayShown = 100 * time.Millisecond

// bootProgress is web.ReplayRun's progress for the boot screen: every
// replayShown it writes the virtual time replayed into #boot-status and
// #boot-progress, then yields to the browser so that it draws them (the
// replay runs on the page's only thread). A page without them replays
// without showing anything.
func bootProgress() func(now, end time.Duration) {
	var status, bar safejs.Value
	if doc, err := safejs.Global().Get("document"); err == nil {
		status, _ = doc.Call("getElementById", "boot-status")
		bar, _ = doc.Call("getElementById", "boot-progress")
	}
	if status.IsUndefined() || status.IsNull() || bar.IsUndefined() || bar.IsNull() {
		return nil
	}
	last := time.Now()
	return func(now, end time.Duration) {
		if time.Since(last) < replayShown || end <= 0 {
			return
		}
		_ = status.Set("textContent", fmt.Sprintf("Replaying the run in the link: %.1f s of %.1f s of virtual time…", now.Seconds(), end.Seconds()))
		_ = bar.Set("max", end.Seconds())
		_ = bar.Set("value", min(now, end).Seconds())
		// A sleep hands the thread back to the browser, which draws the
		// text and the bar, then runs the replay on.
		time.Sleep(time.Millisecond)
		last = time.Now()
	}
}

// runPrefix starts a fragment that holds a run.
const runPrefix = "#run="

// maxRunFragment bounds the fragment read: MaxRunText bytes, encoded.
var maxRunFragment = len(runPrefix) + base64.RawURLEncoding.EncodedLen(web.MaxRunText)

// playgroundFromURL makes the page's playground: the run in the address's
// fragment when there is one, else a new default cluster. A fragment that
// cannot be read or run gives the default cluster and a notice saying why.
func playgroundFromURL() (*web.Playground, error) {
	if name, step, isTour, err := tourFromURL(); isTour {
		if err == nil {
			var pg *web.Playground
			if pg, err = web.NewFromTour(name, step); err == nil {
				return pg, nil
			}
		}
		pg, perr := web.New(sim.DefaultOptions())
		if perr != nil {
			return nil, perr
		}
		pg.SetNotice("The tour in this link could not be opened, so this is a new cluster: " + err.Error())
		return pg, nil
	}
	text, present, err := runFromURL()
	if present && err == nil {
		var pg *web.Playground
		if pg, err = web.ReplayRun(text, bootProgress()); err == nil {
			return pg, nil
		}
	}
	pg, perr := web.New(sim.DefaultOptions())
	if perr != nil {
		return nil, perr
	}
	if present {
		pg.SetNotice("The run in this link could not be loaded, so this is a new cluster: " + err.Error())
	}
	return pg, nil
}

// maxTourFragment bounds the fragment read for a tour link: a name and a
// step are short.
const maxTourFragment = 200

// tourFromURL reads a "#tour=NAME&step=K" fragment: isTour is false for
// any other fragment, err says what is wrong with a tour link.
func tourFromURL() (name string, step int, isTour bool, err error) {
	loc, err := safejs.Global().Get("location")
	if err != nil {
		return "", 0, false, err
	}
	hash, err := loc.Get("hash")
	if err != nil || hash.Type() != safejs.TypeString {
		return "", 0, false, err
	}
	head, err := stringSlice(hash, maxTourFragment+1)
	if err != nil {
		return "", 0, false, err
	}
	s, err := head.String()
	if err != nil {
		return "", 0, false, err
	}
	name, step, isTour, err = web.ParseTourFragment(s)
	if isTour && err == nil && len(s) > maxTourFragment {
		err = fmt.Errorf("the link's tour is longer than the %d characters read", maxTourFragment)
	}
	return name, step, isTour, err
}

// writeFragment puts frag (such as a tour link) in the address without
// adding to the history.
func writeFragment(frag string) error {
	history, err := safejs.Global().Get("history")
	if err != nil {
		return err
	}
	_, err = history.Call("replaceState", nil, "", frag)
	return err
}

// runFromURL returns the scenario text in the address's fragment; present
// is false when the fragment holds no run.
func runFromURL() (text string, present bool, err error) {
	loc, err := safejs.Global().Get("location")
	if err != nil {
		return "", false, err
	}
	hash, err := loc.Get("hash")
	if err != nil || hash.Type() != safejs.TypeString {
		return "", false, err
	}
	// At most one character more than is read: a longer fragment is not
	// copied into Go whole.
	head, err := stringSlice(hash, maxRunFragment+1)
	if err != nil {
		return "", false, err
	}
	s, err := head.String()
	if err != nil || !strings.HasPrefix(s, runPrefix) {
		return "", false, err
	}
	if len(s) > maxRunFragment {
		return "", true, fmt.Errorf("the link's run is longer than the %d characters read", maxRunFragment)
	}
	b, err := base64.RawURLEncoding.DecodeString(s[len(runPrefix):])
	if err != nil {
		return "", true, fmt.Errorf("the link's run is not base64url text: %v", err)
	}
	if err := checkRunCost(string(b)); err != nil {
		return "", true, err
	}
	return string(b), true, nil
}

// writeRunToURL puts the run in the address's fragment without adding to
// the history (the back button leaves the page, as before).
func writeRunToURL(text string) error {
	history, err := safejs.Global().Get("history")
	if err != nil {
		return err
	}
	_, err = history.Call("replaceState", nil, "", web.RunFragment(text))
	return err
}

// stringSlice returns the first n characters of the JavaScript string v,
// through String.prototype.slice (syscall/js calls no method on a
// primitive).
func stringSlice(v safejs.Value, n int) (safejs.Value, error) {
	str, err := safejs.Global().Get("String")
	if err != nil {
		return safejs.Undefined(), err
	}
	proto, err := str.Get("prototype")
	if err != nil {
		return safejs.Undefined(), err
	}
	slice, err := proto.Get("slice")
	if err != nil {
		return safejs.Undefined(), err
	}
	return slice.Call("call", v, 0, n)
}
