//go:build browser

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// This file tests the event feed, the keyboard and the help in Chromium
// (issue 8, items 7 and 8), and that Send command is a put the key-value
// store applies. Run after ./build.sh:
//
//	go test -tags browser -count=1 -run 'Feed|Keyboard|SendCommand' ./cmd/serve/

// press sends keys to the page as typed on the keyboard.
func (p *page) press(keys string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.KeyEvent(keys)); err != nil {
		p.fatal("pressing %q: %v", keys, err)
	}
}

// nodeRole is JavaScript giving the data-role of node id's card.
func nodeRole(id int) string {
	return fmt.Sprintf(`(document.querySelector('[data-node-id="%d"]') || {dataset: {}}).dataset.role || ""`, id)
}

// TestPageKeyboard: 1 crashes n1 and 1 again restarts it; a key typed in
// an input is no shortcut; . handles the next event and pauses; ? opens
// the help dialog with the focus in it, Escape closes it and gives the
// focus back.
func TestPageKeyboard(t *testing.T) {
	p := openPage(t)
	p.run("focusing the page", `document.activeElement && document.activeElement.blur()`)
	p.press("1")
	p.waitString("n1 down", `(`+nodeRole(1)+`) === "down" ? "down" : ""`)
	p.press("1")
	p.waitString("n1 up again", `(() => { const r = `+nodeRole(1)+`; return r !== "down" && r !== "" ? r : ""; })()`)

	// Typed into an input, the key is the input's.
	p.run("focusing the scrubber", `document.querySelector("#scrub").focus()`)
	p.press("2")
	p.run("leaving the scrubber", `document.activeElement.blur()`)
	if role, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](nodeRole(2))); role == "down" {
		p.fatal("2 typed on the scrubber crashed n2")
	}

	// "." steps: the clock pauses and the run moves by events, not time.
	before := p.waitString("the event count", `(document.querySelector(".feed-status") || {}).textContent || ""`)
	p.press(".")
	p.waitString("paused", `document.querySelector("#pause").getAttribute("aria-pressed") === "true" ? "yes" : ""`)
	p.waitString("the event count to move", fmt.Sprintf(`(() => { const s = document.querySelector(".feed-status").textContent; return s !== %q ? s : ""; })()`, before))
	time1 := p.waitString("the time", `document.querySelector("#virtual-time").textContent`)
	p.press(".")
	p.waitString("another event", fmt.Sprintf(`(() => { const s = document.querySelector(".feed-status").textContent; return s !== %q ? s : ""; })()`, before))
	t.Logf("stepped at %s", time1)

	// The help: a modal dialog that takes and gives back the focus.
	p.run("focusing the help button", `document.querySelector("#help-open").focus()`)
	p.press("?")
	p.waitString("the help open with the focus in it", `document.querySelector("#help").open && document.querySelector("#help").contains(document.activeElement) ? "open" : ""`)
	p.press("1") // no shortcut while the help is open
	p.press(kb.Escape)
	p.waitString("the help closed, focus back on its button", `!document.querySelector("#help").open && document.activeElement && document.activeElement.id === "help-open" ? "closed" : ""`)
	if role, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](nodeRole(1))); role == "down" {
		p.fatal("1 pressed in the help crashed n1")
	}
	p.noErrors()
}

// TestPageFeedFilter: the node filter lists only that node's events; a
// category toggled off leaves the list, and its events come back with it.
func TestPageFeedFilter(t *testing.T) {
	p := openPage(t)
	p.click(`button[data-action="crash"][data-node="2"]`)
	p.waitString("the crash in the feed", `[...document.querySelectorAll("#feed-list li")].some((li) => li.textContent.includes("n2 crashed")) ? "yes" : ""`)
	p.run("choosing n3", `const s = document.querySelector("#feed-node"); s.value = "3"; s.dispatchEvent(new Event("change", { bubbles: true }))`)
	p.waitString("only n3's events", `(() => {
		const items = [...document.querySelectorAll("#feed-list li[data-n]")];
		return items.length > 0 && items.every((li) => /\bn3\b/.test(li.textContent)) ? String(items.length) : "";
	})()`)
	p.run("choosing all", `const s = document.querySelector("#feed-node"); s.value = "0"; s.dispatchEvent(new Event("change", { bubbles: true }))`)
	p.click(`button.feed-kind[data-kind="faults"]`)
	p.waitString("no faults listed", `document.querySelector('button.feed-kind[data-kind="faults"]').getAttribute("aria-pressed") === "false" &&
		document.querySelectorAll('#feed-list li[data-kind="faults"]').length === 0 ? "none" : ""`)
	p.click(`button.feed-kind[data-kind="faults"]`)
	p.waitString("the crash listed again", `[...document.querySelectorAll('#feed-list li[data-kind="faults"]')].some((li) => li.textContent.includes("n2 crashed")) ? "yes" : ""`)

	// Reading paused: scrolled away from the top, new events are counted
	// and the list stays; the button brings the newest back.
	p.click(`button.feed-kind[data-kind="messages"]`)
	p.waitString("a long list", `document.querySelector("#feed-list").scrollHeight > document.querySelector("#feed-list").clientHeight + 50 ? "yes" : ""`)
	p.run("scrolling the feed", `const l = document.querySelector("#feed-list"); l.scrollTop = 60; l.dispatchEvent(new Event("scroll"))`)
	p.waitString("new events counted", `(() => { const b = document.querySelector("#feed-new"); return b ? b.textContent : ""; })()`)
	first := p.waitString("the first row", `document.querySelector("#feed-list li[data-n]").dataset.n`)
	p.waitString("the list unchanged while more events come", fmt.Sprintf(`(() => {
		const b = document.querySelector("#feed-new");
		return b && parseInt(b.textContent) > 20 && document.querySelector("#feed-list li[data-n]").dataset.n === %q ? "still" : "";
	})()`, first))
	p.click("#feed-new")
	p.waitString("back to the newest", fmt.Sprintf(`!document.querySelector("#feed-new") && document.querySelector("#feed-list").scrollTop === 0 &&
		parseInt(document.querySelector("#feed-list li[data-n]").dataset.n) > %s ? "yes" : ""`, first))
	p.noErrors()
}

// TestPageSendCommandApplied: Send command is a put the key-value store
// applies: n1's store lists k1 = 1.
func TestPageSendCommandApplied(t *testing.T) {
	p := openPage(t)
	p.click("#propose")
	p.click(`button[data-kv-node="1"]`)
	p.waitString("k1 = 1 in n1's store", `(() => {
		const pairs = document.querySelector("#kv-pairs");
		if (!pairs) return "";
		const dt = [...pairs.querySelectorAll("dt")].find((d) => d.textContent === "k1");
		return dt && dt.nextElementSibling.textContent.includes("1") ? "k1=" + dt.nextElementSibling.textContent : "";
	})()`)
	p.waitString("the proposal listed", `document.querySelector("#proposals li") ? "yes" : ""`)
	p.noErrors()
}

// TestPageFeedScreenshots saves the page with the feed and the help at
// 1440 and 375 px under artifacts/ (to look at, not compared).
func TestPageFeedScreenshots(t *testing.T) {
	p := openPage(t)
	p.click("#burst")
	shot := func(name string) {
		png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			p.fatal("screenshot: %v", err)
		}
		if err := os.MkdirAll(artifactsDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(artifactsDir, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: artifacts/%s", name)
	}
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(1440, 900)); err != nil {
		p.fatal("viewport: %v", err)
	}
	p.waitString("the replicator table fits", `(() => { const s = document.querySelector(".table-scroll"); return s && s.scrollWidth <= s.clientWidth ? "fits" : ""; })()`)
	shot("feed-1440.png")
	p.click("#help-open")
	p.waitString("the help", `document.querySelector("#help").open ? "open" : ""`)
	shot("help-1440.png")
	p.press(kb.Escape)
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile)); err != nil {
		p.fatal("viewport: %v", err)
	}
	p.waitString("the table says it scrolls", `(() => { const h = document.querySelector(".leader-panel .scroll-hint"); return h && getComputedStyle(h).display !== "none" && h.getBoundingClientRect().right <= innerWidth ? "yes" : ""; })()`)
	shot("feed-375.png")
	p.noErrors()
}
