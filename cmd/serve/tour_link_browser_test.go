//go:build browser

package main

import (
	"strconv"
	"strings"
	"testing"
)

// TestTourLinkEdited: editing the address of an open page (hashchange, as
// a person typing #tour=NAME&step=K does) shows that step: of the tour
// shown, exactly what a new page opened at the link shows; of another
// tour, its step. A malformed link, an unknown tour and a step out of
// range each leave the page at its step with a notice that says why, and
// the page goes on (Next still works). Issue 11: tours are linkable at a
// given step.
func TestTourLinkEdited(t *testing.T) {
	fresh := openTour(t, "#tour=election&step=5")
	want := fresh.waitStep(5)

	p := openTour(t, "#tour=election&step=2")
	p.waitStep(2)
	p.run("editing the address", `location.hash = "#tour=election&step=5"`)
	if got := p.waitStep(5); got != want {
		p.fatal("after editing the address to step 5 the page shows\n%s\nnot what a page opened there shows:\n%s", got, want)
	}
	p.run("editing the address", `location.hash = "#tour=safety&step=3"`)
	p.waitStep(3)
	p.waitString("the safety tour", `document.querySelector(".tour-name")?.textContent.includes("Figure 8") ? "yes" : ""`)
	at3 := p.waitStep(3)

	for _, tc := range []struct{ fragment, want string }{
		{"#tour=safety&step=x", `the step in the link, "x", is not a number`},
		{"#tour=nope&step=1", `there is no tour called "nope"`},
		{"#tour=safety&step=99", "the tour safety has steps 1 to"},
	} {
		p.run("editing the address", `location.hash = "`+tc.fragment+`"`)
		notice := p.waitString("the notice", `document.querySelector("#notice")?.textContent ?? ""`)
		if !strings.Contains(notice, "could not be followed") || !strings.Contains(notice, tc.want) {
			p.fatal("%s: notice %q, want it to say %q", tc.fragment, notice, tc.want)
		}
		if got := p.waitStep(3); got != at3 {
			p.fatal("%s: the page moved from safety's step 3 to\n%s", tc.fragment, got)
		}
		p.run("clearing the notice", `location.hash = "#tour=safety&step=3"`)
		p.waitString("no notice", `document.querySelector("#notice") ? "" : "gone"`)
	}
	p.click("#tour-next")
	p.waitStep(4)
	p.waitString("the address at step 4", `location.hash === "#tour=safety&step=4" ? "ok" : ""`)
	p.noErrors()
}

// TestRunLinkEdited: the address of a paused page opens on exactly what
// that page shows; pasted into another open page (hashchange) it shows
// that run, paused at its end, exactly as a new page opened at it does; a broken run link leaves the page as it
// was, with a notice. Issue 9: a shared URL reproduces the run it was made
// from.
func TestRunLinkEdited(t *testing.T) {
	src := openPage(t)
	lead := src.waitString("a leader", leaderExcept(""))
	src.click(`button[data-action="crash"][data-node="` + lead + `"]`)
	src.waitString("the crash in the address", `location.hash.startsWith("#run=") && atob(location.hash.slice(5).replace(/-/g, "+").replace(/_/g, "/")).includes("crash n`+lead+`") ? location.hash : ""`)
	// Paused, the address holds the run up to where the page stands.
	src.click("#pause")
	src.waitString("paused", `document.querySelector("#pause").getAttribute("aria-pressed") === "true" ? "yes" : ""`)
	const shown = `document.querySelector("#virtual-time").textContent + " | " + document.querySelector(".nodes").innerText`
	srcShown := src.waitString("the page", shown)
	link := src.waitString("the address", `location.hash`)

	fresh := openTour(t, link)
	fresh.waitString("the run opened", `document.querySelector("#pause")?.getAttribute("aria-pressed") === "true" ? "yes" : ""`)
	want := fresh.waitString("the page", shown)
	if want != srcShown {
		fresh.fatal("the link copied from a paused page opens on\n%s\nnot on what that page shows:\n%s", want, srcShown)
	}

	p := openPage(t)
	p.run("editing the address", `location.hash = "`+link+`"`)
	p.waitString("the run followed", `document.querySelector("#virtual-time").textContent === `+strconv.Quote(strings.SplitN(want, " | ", 2)[0])+` ? "yes" : ""`)
	if got := p.waitString("the page", shown); got != want {
		p.fatal("after pasting the link the page shows\n%s\nnot what a page opened at it shows:\n%s", got, want)
	}
	p.run("a broken link", `location.hash = "#run=%%%"`)
	notice := p.waitString("the notice", `document.querySelector("#notice")?.textContent ?? ""`)
	if !strings.Contains(notice, "could not be loaded") || !strings.Contains(notice, "base64url") {
		p.fatal("a broken run link: notice %q", notice)
	}
	if got := p.waitString("the page", shown); got != want {
		p.fatal("after a broken link the page shows\n%s\nnot the run it had:\n%s", got, want)
	}
	p.noErrors()
}
