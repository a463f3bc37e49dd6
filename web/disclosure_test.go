package web

import (
	"testing"
	"time"
)

// TestDisclosures: on a phone the replicator table, the link matrix, the
// more controls and the event list start hidden (data-shown="false", which
// the stylesheet hides on a narrow screen only), each behind a button that
// says what it shows, points at it (aria-controls) and says whether it is
// expanded; a click shows that part alone, a second hides it again.
func TestDisclosures(t *testing.T) {
	p := newPlayground(t)
	leaderAfter(t, p, 2*time.Second)
	parts := map[string]string{
		"replicators":   "Show the replicators",
		"links-body":    "Show every link",
		"controls-body": "Show more controls",
		"feed-body":     "Show the events",
	}
	check := func(id string, shown bool) {
		t.Helper()
		pg := render(t, p)
		part, button := pg.byID(id), pg.byID(id+"-toggle")
		if part == nil || button == nil {
			t.Fatalf("%s or its button is missing", id)
		}
		want := map[bool]string{false: "false", true: "true"}[shown]
		if got, _ := attr(part, "data-shown"); got != want {
			t.Errorf("%s: data-shown %q, want %q", id, got, want)
		}
		if got, _ := attr(button, "aria-expanded"); got != want {
			t.Errorf("%s's button: aria-expanded %q, want %q", id, got, want)
		}
		if got, _ := attr(button, "aria-controls"); got != id {
			t.Errorf("%s's button controls %q", id, got)
		}
		label := parts[id]
		if shown {
			label = "Hide" + label[len("Show"):]
		}
		if got := text(button); got != label {
			t.Errorf("%s's button says %q, want %q", id, got, label)
		}
	}
	for id := range parts {
		check(id, false)
	}
	p.TogglePart("feed-body")
	check("feed-body", true)
	check("replicators", false)
	p.TogglePart("feed-body")
	check("feed-body", false)
}
