//go:build browser

package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

// This file tests the controls panel in Chromium: a burst at slow speed
// with response delays shows pipelining and seq order, and a reset with a
// seed and a node count rebuilds the cluster and replays its first
// election. Run after ./build.sh:
//
//	go test -tags browser -count=1 -run Controls ./cmd/serve/

// run runs JavaScript that returns nothing the test needs.
func (p *page) run(what, js string) {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool]("(() => {"+js+"; return true; })()")); err != nil {
		p.fatal("%s: %v", what, err)
	}
}

// typeInto sets an input's value as typing does (an input event), once
// the input is there (a click that shows it renders after it returns).
func (p *page) typeInto(sel, value string) {
	p.t.Helper()
	p.waitString(sel+" shown", fmt.Sprintf(`document.querySelector(%q) ? "yes" : ""`, sel))
	p.run("typing into "+sel, fmt.Sprintf(`const e = document.querySelector(%q);
		e.value = %q; e.dispatchEvent(new Event("input", { bubbles: true }))`, sel, value))
}

// TestPageControlsBurst: at 1/100 speed, with up to 50 ms of extra
// latency on every follower's responses, a burst puts several requests in
// flight per replicator and responses wait for their seq in the leader
// panel (the seed's pipelining and seq order, at human speed).
func TestPageControlsBurst(t *testing.T) {
	p := openPage(t)
	// Past the first heartbeats the replicators pipeline (Replicate).
	p.waitString("1.5 s of virtual time", `(() => {
		const e = document.querySelector("#virtual-time");
		return e && parseFloat(e.textContent) >= 1.5 ? e.textContent : "";
	})()`)
	p.run("slowing down", `[...document.querySelectorAll(".speed button")].find((b) => b.textContent === "0.01×").click()`)
	p.run("setting response delays", `for (const card of document.querySelectorAll('[data-node-id]')) {
		if (card.dataset.role !== "leader") card.querySelector('button[data-action="delay"][data-ms="50"]').click();
	}`)
	p.waitString("four delays pressed", `document.querySelectorAll('button[data-action="delay"][data-ms="50"][aria-pressed="true"]').length === 4 ? "yes" : ""`)
	p.click("#burst")
	p.waitString("a replicator with several appends in flight", `(() => {
		for (const row of document.querySelectorAll("tr[data-peer]")) {
			if (row.querySelectorAll('.chip[data-kind="append"]').length >= 2) return row.dataset.peer;
		}
		return "";
	})()`)
	waiting := p.waitString("a response waiting for its seq", `(() => {
		const cell = [...document.querySelectorAll("td.waiting")].find((td) => td.textContent.trim() !== "");
		return cell ? cell.textContent.trim() : "";
	})()`)
	t.Logf("responses waiting for their seq: %s", waiting)
	p.noErrors()
}

// TestPageControlsReset: the reset section rebuilds the world with 7 nodes
// and seed 42 (the run starts again), and resetting again with the same
// seed elects the same first leader in the same term.
func TestPageControlsReset(t *testing.T) {
	p := openPage(t)
	p.click(`button[data-tab="reset"]`)
	p.typeInto("#reset-nodes", "7")
	p.typeInto("#reset-seed", "42")
	p.click("#reset")
	p.waitString("seven node cards", `document.querySelectorAll("[data-node-id]").length === 7 ? "7" : ""`)
	first := func() string {
		return p.waitString("the first leader", `(() => {
			const card = document.querySelector('[data-role="leader"][data-node-id]');
			return card ? card.dataset.nodeId + " term " + document.querySelector("#cluster-term").textContent : "";
		})()`)
	}
	a := first()
	if seed, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.querySelector("#reset-seed").value`)); seed != "42" {
		p.fatal("the form shows seed %q after the reset", seed)
	}
	p.click("#reset")
	p.waitString("the run started again", `(() => {
		const e = document.querySelector("#virtual-time");
		return e && parseFloat(e.textContent) < 0.2 ? e.textContent : "";
	})()`)
	if b := first(); b != a {
		p.fatal("seed 42 elected n%s first, then n%s", a, b)
	}
	t.Logf("seed 42, 7 nodes: first leader n%s", a)
	p.noErrors()
}

// TestPageControlsScreenshots saves the page with the client section open
// at 1440 and 400 px wide, to /tmp/controls-<width>.png.
func TestPageControlsScreenshots(t *testing.T) {
	p := openPage(t)
	p.click(`button[data-tab="client"]`)
	p.click(`button[data-op="put"]`)
	p.waitString("the put answered", `(() => {
		const li = document.querySelector("#calls li.done");
		return li ? li.textContent : "";
	})()`)
	for _, w := range []int64{1440, 400} {
		if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(w, 900)); err != nil {
			p.fatal("viewport %d: %v", w, err)
		}
		if w <= 860 {
			// A narrow screen shows the panel's body behind its button.
			p.waitString("the narrow layout", fmt.Sprintf(`innerWidth === %d ? "yes" : ""`, w))
			p.click("#controls-body-toggle")
			p.waitString("the controls shown", `document.querySelector("#controls-body").getBoundingClientRect().height > 0 ? "yes" : ""`)
		}
		small, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`(() => {
			const out = [];
			for (const e of document.querySelectorAll(".controls-panel button, .controls-panel input, #burst")) {
				const r = e.getBoundingClientRect();
				if (r.height < 44 && innerWidth <= 860) out.push((e.id || e.textContent.trim()) + " " + Math.round(r.height) + "px");
			}
			return out.join(", ");
		})()`))
		if small != "" {
			p.fatal("at %d px, tap targets under 44 px: %s", w, small)
		}
		png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			p.fatal("screenshot: %v", err)
		}
		name := fmt.Sprintf("/tmp/controls-%d.png", w)
		if err := os.WriteFile(name, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", name)
	}
	// At 400 px, each section of the controls panel on its own.
	for _, tab := range []string{"network", "cluster", "reset"} {
		p.click(fmt.Sprintf(`button[data-tab=%q]`, tab))
		png, err := chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.CSS(".controls-panel")))
		if err != nil {
			p.fatal("screenshot of %s: %v", tab, err)
		}
		name := fmt.Sprintf("/tmp/controls-400-%s.png", tab)
		if err := os.WriteFile(name, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p.noErrors()
}
