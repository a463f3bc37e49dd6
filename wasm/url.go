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

	"github.com/hack-pad/safejs"

	"github.com/raftplayground/raftplayground/raft/sim"
	"github.com/raftplayground/raftplayground/web"
)

// runPrefix starts a fragment that holds a run.
const runPrefix = "#run="

// maxRunFragment bounds the fragment read: MaxRunText bytes, encoded.
var maxRunFragment = len(runPrefix) + base64.RawURLEncoding.EncodedLen(web.MaxRunText)

// playgroundFromURL makes the page's playground: the run in the address's
// fragment when there is one, else a new default cluster. A fragment that
// cannot be read or run gives the default cluster and a notice saying why.
func playgroundFromURL() (*web.Playground, error) {
	text, present, err := runFromURL()
	if present && err == nil {
		var pg *web.Playground
		if pg, err = web.NewFromRun(text); err == nil {
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
	return string(b), true, nil
}

// writeRunToURL puts the run in the address's fragment without adding to
// the history (the back button leaves the page, as before).
func writeRunToURL(text string) error {
	history, err := safejs.Global().Get("history")
	if err != nil {
		return err
	}
	_, err = history.Call("replaceState", nil, "", runPrefix+base64.RawURLEncoding.EncodeToString([]byte(text)))
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
