//go:build browser

package main

// Browser tests of the page's renderer, internal/domsync: a pass changes
// only what its build changed, and what the user is doing in a field, a
// select or with the focus survives the passes made meanwhile. Run after
// ./build.sh:
//
//	go test -tags browser -count=1 -run Render ./cmd/serve/

import (
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
)

// mutationWatch records, as "type target attribute" lines, every change
// made under the page's root from now on.
const mutationWatch = `(() => {
	window.__mutations = [];
	const name = (n) => n.nodeType === 1 ? n.tagName.toLowerCase() + (n.id ? "#" + n.id : "") : n.parentNode?.tagName?.toLowerCase() + ">text";
	const record = (records) => {
		for (const r of records) {
			window.__mutations.push([r.type, name(r.target), r.attributeName || ""].join(" "));
		}
	};
	const observer = new MutationObserver(record);
	window.__mutationsSoFar = () => (record(observer.takeRecords()), JSON.stringify(window.__mutations));
	observer.observe(document.querySelector(".playground"), { subtree: true, childList: true, attributes: true, characterData: true });
})()`

// TestRenderSendsOnlyChanges: while paused, choosing another speed
// changes only the two speed buttons' aria-pressed. The whole page is
// built again for it, but the renderer sends only those two attributes
// (Vugu's own renderer set every attribute of every element again).
func TestRenderSendsOnlyChanges(t *testing.T) {
	p := openPage(t)
	p.click("#pause")
	p.waitString("paused", `document.querySelector("#pause").getAttribute("aria-pressed") === "true" ? "yes" : ""`)
	p.run("watching the page", mutationWatch)
	p.run("choosing 0.1×", `[...document.querySelectorAll(".speed button")].find((b) => b.textContent === "0.1×").click()`)
	p.waitString("0.1× pressed", `[...document.querySelectorAll(".speed button")].find((b) => b.textContent === "0.1×").getAttribute("aria-pressed") === "true" ? "yes" : ""`)
	var got []string
	p.eval("the changes", `window.__mutationsSoFar()`, &got)
	want := []string{"attributes button aria-pressed", "attributes button aria-pressed"}
	if !slices.Equal(got, want) {
		p.fatal("choosing a speed while paused changed %q, want only the two speed buttons' aria-pressed %q", got, want)
	}
	p.noErrors()
}

// TestRenderKeepsLiveState: while the page plays (a pass five times a
// second), a text box being typed into keeps the focus, its text and its
// caret, so the next key goes where the caret was; and a select keeps the
// option chosen.
func TestRenderKeepsLiveState(t *testing.T) {
	p := openPage(t)
	p.click(`button[data-tab="client"]`)
	p.typeInto("#call-key", "") // it holds "x" at first
	if err := chromedp.Do(p.ctx, chromedp.SendKeys(chromedp.CSS("#call-key"), "k1")); err != nil {
		p.fatal("typing into the key box: %v", err)
	}
	p.run("putting the caret after the k", `document.querySelector("#call-key").setSelectionRange(1, 1)`)
	p.run("choosing n2 in the feed's node filter", `const s = document.querySelector("#feed-node");
		s.value = "2"; s.dispatchEvent(new Event("change", { bubbles: true }))`)
	p.waitForPasses()
	var got struct {
		Focus, Value, Node string
		Start, End         int
	}
	p.eval("the key box and the select", `(() => {
		const e = document.querySelector("#call-key");
		return JSON.stringify({ Focus: document.activeElement.id, Value: e.value, Start: e.selectionStart, End: e.selectionEnd,
			Node: document.querySelector("#feed-node").value });
	})()`, &got)
	if got.Focus != "call-key" || got.Value != "k1" || got.Start != 1 || got.End != 1 || got.Node != "2" {
		p.fatal("after a second of passes: focus on %q, key box %q with the caret at %d–%d, feed node %q; want call-key, \"k1\" at 1–1, \"2\"",
			got.Focus, got.Value, got.Start, got.End, got.Node)
	}
	if err := chromedp.Do(p.ctx, chromedp.KeyEvent("x")); err != nil {
		p.fatal("typing on: %v", err)
	}
	p.waitString(`"kx1" in the key box`, `document.querySelector("#call-key").value === "kx1" ? "yes" : ""`)
	p.noErrors()
}

// waitForPasses waits until a second of virtual time has passed at 1×:
// five render passes at least.
func (p *page) waitForPasses() {
	p.t.Helper()
	p.run("noting the time", `window.__passesFrom = parseFloat(document.querySelector("#virtual-time").textContent)`)
	p.waitString("a second more", `parseFloat(document.querySelector("#virtual-time").textContent) >= window.__passesFrom + 1 ? "yes" : ""`)
}

// TestRenderScrubberFollowsAfterDrag: once dragged, the scrubber's thumb
// still follows the time shown (a value attribute alone no longer moves a
// slider the user has moved).
func TestRenderScrubberFollowsAfterDrag(t *testing.T) {
	p := openPage(t)
	p.waitForPasses()
	p.run("dragging the scrubber to half way", `const s = document.querySelector("#scrub");
		s.value = String(Math.floor(Number(s.max) / 2)); s.dispatchEvent(new Event("input", { bubbles: true }))`)
	p.click("#to-end")
	p.run("playing", `const b = document.querySelector("#pause"); if (b.getAttribute("aria-pressed") === "true") b.click()`)
	p.waitForPasses()
	var got struct{ Value, Attr, Max string }
	p.eval("the scrubber", `(() => {
		const s = document.querySelector("#scrub");
		return JSON.stringify({ Value: s.value, Attr: s.getAttribute("value"), Max: s.max });
	})()`, &got)
	if got.Value != got.Attr || got.Value != got.Max {
		p.fatal("at the end of the run, playing: the scrubber's thumb at %s, its value attribute %s, its max %s; want all three equal", got.Value, got.Attr, got.Max)
	}
	p.noErrors()
}
