//go:build browser

package main

// Review tests of the page's renderer, internal/domsync, which sends each
// pass's changes position by position: after a run of actions, the page
// drawn pass by pass must show what a page opened afresh at the same
// moment (the run link) shows; and a text box shows what the page holds
// for it. Run after ./build.sh:
//
//	go test -tags browser -count=1 -run Domsync ./cmd/serve/

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// shownState is JavaScript giving, as JSON, what the page shows: the
// visible text of the header, the time controls, the node cards, the tour
// panel and every panel; every input's and select's value (and value
// attribute, which is what the page holds for it); and which toggles are
// pressed, parts expanded and buttons disabled.
const shownState = `(() => {
	const out = {};
	const parts = [document.querySelector("header.topbar"), document.querySelector(".controls"), document.querySelector(".nodes"),
		document.querySelector("section[aria-labelledby=tour-title]"), ...document.querySelectorAll(".panels > *")];
	for (const e of parts) {
		out[e.className + " " + (e.getAttribute("aria-labelledby") ?? "")] = e.innerText;
	}
	out.fields = [...document.querySelectorAll(".playground input, .playground select")]
		.map((e) => e.id + "=" + e.value + " (attribute " + e.getAttribute("value") + ")").join(", ");
	out.pressed = [...document.querySelectorAll(".playground [aria-pressed=true], .playground [aria-expanded=true], .playground [disabled]")]
		.map((e) => (e.id || e.dataset.tab || e.dataset.kvNode || e.dataset.kind || e.dataset.ms || "") + ":" + e.textContent).join(", ");
	return JSON.stringify(out);
})()`

// settle waits a fifth of a second (a pass at least while paused), so the
// passes the last actions asked for have reached the page.
const settle = `new Promise((done) => setTimeout(() => done("yes"), 200))`

// freshCheck compares a page driven step by step with fresh pages opened
// at its address. The part of what the page shows that is no part of the
// run (panels shown on a phone, the controls' section, the node whose
// store is listed, the feed's filters) is made the same on the fresh page
// by replaying the clicks that set it.
type freshCheck struct {
	p *page
	// local are the clicks (CSS selectors) that set the page's own state,
	// in order; a selector the fresh page has not is skipped.
	local []string
}

// clickLocal clicks sel on the page and keeps it for the fresh pages.
func (c *freshCheck) clickLocal(sel string) {
	c.p.t.Helper()
	c.local = append(c.local, sel)
	c.p.waitString(sel, fmt.Sprintf(`document.querySelector(%q) ? "yes" : ""`, sel))
	c.p.run("clicking "+sel, fmt.Sprintf(`document.querySelector(%q).click()`, sel))
}

// pausedHere pauses the page and compares it with a fresh page opened at
// the run link, which holds the run up to the moment shown.
func (c *freshCheck) pausedHere(when string) {
	c.p.t.Helper()
	c.p.run("pausing", `const b = document.querySelector("#pause"); if (b.getAttribute("aria-pressed") !== "true") b.click()`)
	c.p.waitString("paused", `document.querySelector("#pause").getAttribute("aria-pressed") === "true" ? "yes" : ""`)
	c.p.waitString("a pass", settle)
	c.same(when, `document.querySelector("#pause")?.getAttribute("aria-pressed") === "true" ? "yes" : ""`)
	c.p.run("playing", `const b = document.querySelector("#pause"); if (b.getAttribute("aria-pressed") === "true") b.click()`)
}

// same compares the page with a fresh page opened at its address, once
// ready (JavaScript) gives a non-empty string there.
func (c *freshCheck) same(when, ready string) {
	c.p.t.Helper()
	link := c.p.waitString("the address", `location.hash`)
	var got map[string]string
	c.p.eval("what the page shows", shownState, &got)
	f := openTour(c.p.t, link)
	f.waitString("the link opened", ready)
	for _, sel := range c.local {
		f.run("clicking "+sel, fmt.Sprintf(`document.querySelector(%q)?.click()`, sel))
		f.waitString("a pass", settle)
	}
	f.waitString("a pass", settle)
	var want map[string]string
	f.eval("what the fresh page shows", shownState, &want)
	if len(got) != len(want) {
		c.p.fatal("%s: the page has parts %q, a fresh page at %s has %q", when, keysOf(got), link, keysOf(want))
	}
	for k, w := range want {
		if got[k] != w {
			c.p.t.Errorf("%s: the page drawn pass by pass shows in %q:\n%s\na fresh page at %s shows:\n%s", when, k, got[k], link, w)
		}
	}
	f.noErrors()
	c.p.noErrors()
	if c.p.t.Failed() {
		c.p.t.FailNow()
	}
}

func keysOf(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// TestDomsyncFreshEqualsIncremental: lists that grow and shrink (the node
// cards, links, store buttons, feed and select options, from 5 nodes to 9,
// to 1 and to 9 again), parts shown and hidden, a store listed and hidden,
// a crash and bursts of commands, a tour's Next and Back clicked many times
// in one task and past its ends, Take over: after each, the page the
// renderer updated pass by pass shows what a page opened afresh at its
// address shows (README, "Shared runs": the link holds the run; the
// renderer's doc: it sends only what changed, position by position).
func TestDomsyncFreshEqualsIncremental(t *testing.T) {
	p := openPage(t)
	c := &freshCheck{p: p}
	for _, part := range []string{"#links-body-toggle", "#controls-body-toggle", "#replicators-toggle", "#feed-body-toggle"} {
		c.clickLocal(part)
	}
	lead := p.waitString("a leader", leaderExcept(""))
	p.click(`button[data-action="crash"][data-node="` + lead + `"]`)
	p.run("two bursts", `document.querySelector("#burst").click(); document.querySelector("#burst").click()`)
	p.waitForPasses()
	c.pausedHere("after a crash and two bursts")

	c.clickLocal(`button[data-tab="reset"]`)
	p.typeInto("#reset-nodes", "9")
	p.click("#reset")
	p.waitString("9 nodes", `document.querySelectorAll(".node-card").length === 9 ? "yes" : ""`)
	p.waitString("a leader", leaderExcept(""))
	c.clickLocal(`button[data-kv-node="3"]`)
	c.clickLocal(`button[data-kind="messages"]`)
	p.waitForPasses()
	c.pausedHere("reset to 9 nodes, n3's store listed")

	c.clickLocal("#kv-hide")
	c.clickLocal(`button[data-kind="messages"]`)
	p.typeInto("#reset-nodes", "1")
	p.click("#reset")
	p.waitString("1 node", `document.querySelectorAll(".node-card").length === 1 ? "yes" : ""`)
	p.waitForPasses()
	c.pausedHere("reset to 1 node")

	p.typeInto("#reset-nodes", "9")
	p.click("#reset-new-seed")
	p.waitString("9 nodes", `document.querySelectorAll(".node-card").length === 9 ? "yes" : ""`)
	p.waitForPasses()
	c.pausedHere("reset to 9 nodes with a new seed")

	p.click(`button[data-tour="election"]`)
	p.waitStep(1)
	p.run("Next five times in one task", `for (let i = 0; i < 5; i++) document.querySelector("#tour-next").click()`)
	p.waitString("a pass", settle)
	p.run("Next, then Back", `document.querySelector("#tour-next").click()`)
	p.waitString("a pass", settle)
	p.run("Back", `document.querySelector("#tour-back").click()`)
	step := p.waitStep(6)
	p.waitString("a pass", settle)
	c.same("a tour's step 6 after Next ×6 and Back", stepShown(step))

	p.run("Back past the first step", `for (let i = 0; i < 9; i++) document.querySelector("#tour-back").click()`)
	step = p.waitStep(1)
	p.waitString("a pass", settle)
	c.same("the tour's first step after Back ×9", stepShown(step))

	p.run("Next past the last step", `for (let i = 0; i < 40; i++) document.querySelector("#tour-next").click()`)
	p.waitString("the last step", `document.querySelector("#tour-next")?.disabled ? "yes" : ""`)
	p.waitString("a pass", settle)
	c.same("the tour's last step after Next ×40", stepShown(p.waitString("the step", tourState)))

	p.click("#tour-take-over")
	p.waitString("the tour left", `!document.querySelector("#tour-step") && location.hash.startsWith("#run=") ? "ok" : ""`)
	c.pausedHere("after Take over")
}

// stepShown is JavaScript that gives a non-empty string once the page
// shows the tour step that state (tourState) is at.
func stepShown(state string) string {
	line := strings.SplitN(state, "|", 2)[0]
	return fmt.Sprintf(`document.querySelector("#tour-step")?.textContent === %q ? "yes" : ""`, line)
}

// TestDomsyncEmptiedCallBoxes: a person empties the client call's Key box,
// then its Value box, by typing; the boxes show what a call sends. The
// panel used to put its example call back (x = 1) as soon as both were
// empty; the renderer leaves the focused box alone (internal/domsync's
// doc), so the Value box stayed empty while Put sent "1".
func TestDomsyncEmptiedCallBoxes(t *testing.T) {
	p := openPage(t)
	p.click(`button[data-tab="client"]`)
	for _, box := range []string{"#call-key", "#call-value"} {
		p.waitString(box, fmt.Sprintf(`document.querySelector(%q) ? "yes" : ""`, box))
		p.run("selecting "+box+"'s text", fmt.Sprintf(`const e = document.querySelector(%q); e.focus(); e.select()`, box))
		if err := chromedp.Do(p.ctx, chromedp.KeyEvent("\b")); err != nil {
			p.fatal("deleting %s's text: %v", box, err)
		}
	}
	p.waitForPasses()
	const boxes = `[...document.querySelectorAll("#call-key, #call-value")].map((e) => e.id + "=" + JSON.stringify(e.value) + " (holds " + JSON.stringify(e.getAttribute("value")) + ")").join(", ")`
	if got, want := p.waitString("the boxes", boxes), `call-key="" (holds ""), call-value="" (holds "")`; got != want {
		p.fatal("after emptying both boxes: %s, want %s", got, want)
	}
	p.run("focusing the key box", `document.querySelector("#call-key").focus()`)
	if err := chromedp.Do(p.ctx, chromedp.SendKeys(chromedp.CSS("#call-key"), "k")); err != nil {
		p.fatal("typing a key: %v", err)
	}
	p.click(`button[data-op="put"]`)
	call := p.waitString("the call", `document.querySelector("#calls li")?.textContent ?? ""`)
	if !strings.HasPrefix(call, `put k=""`) {
		p.fatal("with key k and an empty value box, Put sent %q; want put k=\"\"", call)
	}
	if got, want := p.waitString("the boxes", boxes), `call-key="k" (holds "k"), call-value="" (holds "")`; got != want {
		p.fatal("after the call: %s, want %s", got, want)
	}
	p.noErrors()
}
