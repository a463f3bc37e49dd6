//go:build js && wasm

package main

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/hack-pad/safejs"
)

// setHash gives the global object a location whose fragment is hash.
func setHash(t *testing.T, hash string) {
	t.Helper()
	obj, err := safejs.Global().Get("Object")
	if err != nil {
		t.Fatal(err)
	}
	loc, err := obj.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := loc.Set("hash", hash); err != nil {
		t.Fatal(err)
	}
	if err := safejs.Global().Set("location", loc); err != nil {
		t.Fatal(err)
	}
}

// TestRunFromURL: the run in the fragment is read back; a fragment without
// one is no run; a malformed or oversized one says why.
func TestRunFromURL(t *testing.T) {
	text := "at 520ms crash n3\n"
	setHash(t, runPrefix+base64.RawURLEncoding.EncodeToString([]byte(text)))
	got, present, err := runFromURL()
	if err != nil || !present || got != text {
		t.Fatalf("runFromURL() = %q, %v, %v", got, present, err)
	}
	setHash(t, "#section-2")
	if _, present, err := runFromURL(); present || err != nil {
		t.Errorf("an ordinary fragment: present %v, %v", present, err)
	}
	setHash(t, "#run=%%%")
	if _, present, err := runFromURL(); !present || err == nil || !strings.Contains(err.Error(), "base64url") {
		t.Errorf("a malformed run: present %v, %v", present, err)
	}
	setHash(t, "#run="+strings.Repeat("A", maxRunFragment))
	if _, present, err := runFromURL(); !present || err == nil || !strings.Contains(err.Error(), "characters read") {
		t.Errorf("an oversized run: present %v, %v", present, err)
	}
	// A run that would take hours to replay is refused before it runs.
	setHash(t, runPrefix+base64.RawURLEncoding.EncodeToString([]byte("at 1000h\n")))
	if _, present, err := runFromURL(); !present || err == nil || !strings.Contains(err.Error(), "the run is too long to replay: line 1, column 1: the scenario may run 1000h0m0s of virtual time") {
		t.Errorf("a run of 1000 h: present %v, %v", present, err)
	}
	pg, err := playgroundFromURL()
	if err != nil || pg.View().Notice == "" {
		t.Errorf("the default cluster after a bad link: %v, notice %q", err, pg.View().Notice)
	}
}
