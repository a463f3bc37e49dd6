//go:build browser

package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// This file tests guided tours in Chromium: a link opens a tour at a step,
// Next and Back seek the run so that Back shows exactly what the page
// showed at that step before, Take over forks the run and hands the
// controls back, and a bad link says why. Run after ./build.sh:
//
//	go test -tags browser -count=1 -run Tour ./cmd/serve/

// tourState is JavaScript giving what the page shows of the world: the
// step line, the clock, every node card's text and the leader table.
const tourState = `(() => {
	const step = document.querySelector("#tour-step");
	if (!step) return "";
	const cards = [...document.querySelectorAll("[data-node-id]")].map((e) => e.dataset.role + ":" + e.querySelector(".node-stats").innerText).join("|");
	const table = document.querySelector(".replicators")?.innerText ?? "no leader";
	return step.textContent + "|" + document.querySelector("#virtual-time").textContent + "|" + cards + "|" + table;
})()`

// openTour opens the page at a fragment without waiting for a leader.
func openTour(t *testing.T, fragment string) *page {
	t.Helper()
	url := startServer(t)
	console := &consoleLog{}
	p := &page{t: t, ctx: newBrowser(t, console), console: console}
	if err := chromedp.Do(p.ctx, chromedp.Navigate(url+fragment)); err != nil {
		t.Fatalf("opening %s: %v", fragment, err)
	}
	return p
}

// waitStep waits until the tour panel shows step k and returns the state.
func (p *page) waitStep(k int) string {
	p.t.Helper()
	return p.waitString(fmt.Sprintf("step %d", k), fmt.Sprintf(`(() => {
		const s = %s;
		return s.startsWith("Step %d of") ? s : "";
	})()`, tourState, k))
}

// TestTourNextBackTakeOver: #tour=replication&step=1 opens the seed's
// walk-through; Next, Next, Back shows step 2 exactly as it was (the node
// cards, the leader table and the clock are those of the seek to the
// step's moment, sim.TestTours checks the world is); the address follows
// the step; Take over leaves the tour and the controls act on the forked
// run.
func TestTourNextBackTakeOver(t *testing.T) {
	p := openTour(t, "#tour=replication&step=1")
	first := p.waitStep(1)
	p.click("#tour-next")
	second := p.waitStep(2)
	if second == first {
		p.fatal("step 2 shows what step 1 showed")
	}
	p.click("#tour-next")
	p.waitStep(3)
	p.waitString("the address at step 3", `location.hash === "#tour=replication&step=3" ? "ok" : ""`)
	p.click("#tour-back")
	if again := p.waitStep(2); again != second {
		p.fatal("back at step 2 the page shows\n%s\nnot what it showed there before:\n%s", again, second)
	}
	p.waitString("the address at step 2", `location.hash === "#tour=replication&step=2" ? "ok" : ""`)
	p.click("#tour-back")
	if again := p.waitStep(1); again != first {
		p.fatal("back at step 1 the page shows\n%s\nnot\n%s", again, first)
	}

	// Step 3 outlines n1's replicator for n2: nextIndex and matchIndex.
	// Each click waits for its step, as a reader does.
	p.click("#tour-next")
	p.waitStep(2)
	p.click("#tour-next")
	p.waitStep(3)
	hl := p.waitString("the highlighted cells", `[...document.querySelectorAll('.replicators tr[data-hl~="next-index"] td.next-index')].map((e) => getComputedStyle(e).outlineStyle).join(",")`)
	if hl != "solid" {
		p.fatal("highlighted nextIndex cells: %q, want one outlined", hl)
	}

	p.click("#tour-take-over")
	p.waitString("the tour left", `!document.querySelector("#tour-step") && location.hash.startsWith("#run=") ? "ok" : ""`)
	p.click("#pause") // resume: the forked run plays on from step 3
	p.waitString("a later time", `parseFloat(document.querySelector("#virtual-time").textContent) > 0.6 ? "ok" : ""`)
	p.click(`button[data-action="crash"][data-node="2"]`)
	p.waitString("n2 down in the forked run", `document.querySelector('[data-node-id="2"]').dataset.role === "down" ? "ok" : ""`)
	p.noErrors()
}

// TestTourBadLink: a link to a tour that does not exist, or to a step it
// does not have, gives a new cluster and a notice that says why.
func TestTourBadLink(t *testing.T) {
	for _, tc := range []struct{ fragment, want string }{
		{"#tour=nope&step=1", `there is no tour called "nope"`},
		{"#tour=election&step=99", "the tour election has steps 1 to 14, not 99"},
	} {
		p := openTour(t, tc.fragment)
		notice := p.waitString("the notice", `document.querySelector("#notice")?.textContent ?? ""`)
		if !strings.Contains(notice, "could not be opened") || !strings.Contains(notice, tc.want) {
			t.Errorf("%s: notice %q", tc.fragment, notice)
		}
		p.waitString("a leader in the new cluster", leaderExcept(""))
		p.noErrors()
	}
}

// TestTourScreenshots: the panel at 1440 and 375 px, with its buttons at
// least 44 px tall, and no inline style attributes in it.
func TestTourScreenshots(t *testing.T) {
	p := openTour(t, "#tour=replication&step=8")
	p.waitStep(8)
	for _, w := range []int64{1440, 375} {
		if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(w, 900, chromedp.EmulateMobile)); err != nil {
			p.fatal("viewport %d: %v", w, err)
		}
		small, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`(() => {
			const out = [];
			for (const e of document.querySelectorAll(".tour-panel button")) {
				const r = e.getBoundingClientRect();
				if (r.height < 44) out.push(e.id + " " + Math.round(r.height) + "px");
			}
			if (document.querySelector(".tour-panel [style]")) out.push("an inline style");
			return out.join(", ");
		})()`))
		if small != "" {
			p.fatal("at %d px: %s", w, small)
		}
		// The whole page, and what a visitor sees first.
		for name, shot := range map[string]chromedp.Action[[]byte]{"": chromedp.FullScreenshot(100), "-top": chromedp.CaptureScreenshot()} {
			png, err := chromedp.Run(p.ctx, shot)
			if err != nil {
				p.fatal("screenshot: %v", err)
			}
			file := fmt.Sprintf("/tmp/tour-%d%s.png", w, name)
			if err := os.WriteFile(file, png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot: %s", file)
		}
	}
	p.noErrors()
}

// TestTourEmbed: embed.html?tour=election&step=3 shows step 3 in a
// <raft-playground> element; its Next and Back buttons step the tour, and
// Back shows exactly the cluster it showed before (its status, through
// the element's cluster); a bad tour name is shown as an error.
func TestTourEmbed(t *testing.T) {
	p := openTour(t, "embed.html?tour=election&step=3")
	const stateJS = `(() => {
		const e = document.querySelector("raft-playground");
		if (!e || !e.cluster || !e.tourStep) return "";
		const n = e.shadowRoot.querySelector(".narration");
		return e.tourStep + "|" + n.textContent + "|" + JSON.stringify(e.cluster.status());
	})()`
	wait := func(k int) string {
		return p.waitString(fmt.Sprintf("embed step %d", k), fmt.Sprintf(`(() => { const s = %s; return s.startsWith("%d|") ? s : ""; })()`, stateJS, k))
	}
	third := wait(3)
	if !strings.Contains(third, "Step 3 of 14: More timers run out") {
		p.fatal("step 3 narration: %.200s", third)
	}
	p.run("clicking Next", `document.querySelector("raft-playground").shadowRoot.querySelector("button.next").click()`)
	fourth := wait(4)
	if fourth == third {
		p.fatal("Next showed the same state")
	}
	p.run("clicking Back", `document.querySelector("raft-playground").shadowRoot.querySelector("button.back").click()`)
	if again := wait(3); again != third {
		p.fatal("Back shows\n%.300s\nnot\n%.300s", again, third)
	}
	p.noErrors()

	q := openTour(t, "embed.html?tour=nope")
	msg := q.waitString("the error", `document.querySelector("raft-playground")?.shadowRoot.querySelector(".error").textContent ?? ""`)
	if !strings.Contains(msg, "there is no tour called nope") {
		t.Errorf("bad tour: %q", msg)
	}
}
