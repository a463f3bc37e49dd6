//go:build browser

package main

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/raftplayground/raftplayground/raft/sim/experiment"
)

// This file tests the experiments panel in Chromium: a small election
// experiment runs to its end in the background while the cluster goes on,
// its plots are drawn, and its CSV download is byte for byte what the
// package (and so `go run ./cmd/experiment`) writes for the same seed and
// trials (issue 11: the same seed gives the same numbers everywhere). Run
// after ./build.sh:
//
//	go test -tags browser -count=1 -run Experiment ./cmd/serve/

// catchDownloads makes the page keep every download it starts (the Blob
// and the file's name) instead of saving it.
func (p *page) catchDownloads() {
	p.run("catching downloads", `window.__blobs = new Map(); window.__downloads = [];
		const make = URL.createObjectURL.bind(URL);
		URL.createObjectURL = (b) => { const u = make(b); window.__blobs.set(u, b); return u; };
		HTMLAnchorElement.prototype.click = function () { window.__downloads.push({ name: this.download, href: this.href }); }`)
}

// download clicks sel and returns the name and text of the file it
// offers.
func (p *page) download(sel string) (name, text string) {
	p.t.Helper()
	before, _ := chromedp.Run(p.ctx, chromedp.Evaluate[int](`window.__downloads.length`))
	p.click(sel)
	name = p.waitString("the download of "+sel, fmt.Sprintf(`window.__downloads.length > %d ? window.__downloads[%d].name : ""`, before, before))
	text, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](fmt.Sprintf(`window.__blobs.get(window.__downloads[%d].href).text()`, before), chromedp.EvalAwaitPromise))
	if err != nil {
		p.fatal("reading the download of %s: %v", sel, err)
	}
	return name, text
}

// experimentLimit bounds the wait for a small experiment's end (within
// newBrowser's two minutes for the whole test): its
// trials share the page's frames with the cluster, and the machine with
// other work.
const experimentLimit = 90 * time.Second

// waitRunEnd waits until the experiment's progress bar is full and
// returns its status.
func (p *page) waitRunEnd(trials int) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Poll[string](fmt.Sprintf(`(() => {
		const s = document.querySelector("#experiment-status"), b = document.querySelector("#experiment-progress");
		return s && s.dataset.percent === "100" && b.value === b.max && b.max === %d ? s.textContent : "";
	})()`, trials),
		chromedp.WithPollingInterval(100*time.Millisecond),
		chromedp.WithPollingTimeout(experimentLimit)))
	if err != nil {
		p.fatal("waiting for the experiment's end: %v", err)
	}
	return v
}

// virtualTime is JavaScript giving the cluster's virtual time in seconds.
const virtualTime = `parseFloat(document.querySelector("#virtual-time")?.textContent ?? "0")`

// TestPageExperiment: the panel is closed at first; opened, an election
// experiment of 3 trials per range with pre-vote and seed 5 runs to 100%
// while the cluster's clock goes on; the plots' canvas shows the series'
// colours, the table a row per range, and the CSV download equals the
// package's CSV for the same options.
func TestPageExperiment(t *testing.T) {
	p := openPage(t)
	p.catchDownloads()
	if got := p.waitString("the closed panel", `document.querySelector("#experiments-toggle")?.getAttribute("aria-expanded") ?? ""`); got != "false" {
		p.fatal("the panel is open at first (aria-expanded %q)", got)
	}
	p.click("#experiments-toggle")
	p.waitString("the form", `document.querySelector("#experiment-trials") ? "yes" : ""`)
	p.typeInto("#experiment-seed", "5")
	p.typeInto("#experiment-trials", "3")
	p.click("#experiment-prevote")
	p.waitString("pre-vote on", `document.querySelector("#experiment-prevote").getAttribute("aria-pressed") === "true" ? "yes" : ""`)

	before, _ := chromedp.Run(p.ctx, chromedp.Evaluate[float64](virtualTime))
	runBefore, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`location.hash`))
	p.click("#experiment-start")
	status := p.waitRunEnd(30)
	t.Logf("status: %s", status)
	after, _ := chromedp.Run(p.ctx, chromedp.Evaluate[float64](virtualTime))
	if after <= before {
		p.fatal("the cluster's clock stood still during the experiment: %v s before, %v s after", before, after)
	}
	// The experiment's worlds are its own: the cluster's recorded run (in
	// the address) has no more interventions than before.
	if runAfter, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`location.hash`)); runAfter != runBefore {
		p.fatal("the experiment changed the cluster's recorded run: %q, was %q", runAfter, runBefore)
	}
	t.Logf("the cluster's clock went on from %.3f s to %.3f s during the run", before, after)

	// The plots: each range's colour (web/scene.SeriesStyle) on the canvas.
	colours := p.waitString("the plots' colours", `(() => {
		const c = document.querySelector("#experiment-plots canvas");
		if (!c || c.width === 0 || c.height === 0) return "";
		const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
		const want = { blue: [0, 114, 178], vermillion: [213, 94, 0], green: [0, 158, 115], purple: [204, 121, 167] };
		const seen = {};
		for (let i = 0; i < d.length; i += 4) {
			for (const [k, [r, g, b]] of Object.entries(want)) {
				if (Math.abs(d[i] - r) < 10 && Math.abs(d[i+1] - g) < 10 && Math.abs(d[i+2] - b) < 10 && d[i+3] > 200) seen[k] = (seen[k] || 0) + 1;
			}
		}
		return Object.keys(seen).length === 4 && Object.values(seen).every((n) => n > 30) ? JSON.stringify(seen) : "";
	})()`)
	t.Logf("pixels per series colour: %s", colours)
	if label := p.waitString("the canvas's label", `document.querySelector("#experiment-plots canvas").getAttribute("aria-label") ?? ""`); len(label) < 50 {
		p.fatal("the plots' canvas is labelled %q", label)
	}
	rows := p.waitString("the table", `String(document.querySelectorAll("#experiment-table tbody tr").length)`)
	if rows != "10" {
		p.fatal("%s rows in the table, want one per distinct range (10)", rows)
	}

	r, err := experiment.New("election", experiment.Options{Seed: 5, Trials: 3, PreVote: true})
	if err != nil {
		t.Fatal(err)
	}
	for !r.Step(100) {
	}
	want := string(r.Result().CSV())
	name, got := p.download("#experiment-csv")
	if name != "election-prevote-seed5-3trials.csv" {
		p.fatal("the CSV is named %q", name)
	}
	if got != want {
		p.fatal("the page's CSV differs from the package's for seed 5, 3 trials, pre-vote:\n%s\nwant:\n%s", got, want)
	}
	jsonName, jsonText := p.download("#experiment-json")
	wantJSON, _ := r.Result().JSON()
	if jsonName != "election-prevote-seed5-3trials.json" || jsonText != string(wantJSON) {
		p.fatal("the JSON download %q differs from the package's result", jsonName)
	}
	p.noErrors()
}

// TestPageExperimentScreenshots saves the page with a finished small
// election experiment at 1440 and 375 px wide (a phone), to
// /tmp/experiment-<width>.png, and checks the panel's tap targets on the
// phone.
func TestPageExperimentScreenshots(t *testing.T) {
	p := openPage(t)
	p.click("#experiments-toggle")
	p.waitString("the form", `document.querySelector("#experiment-trials") ? "yes" : ""`)
	p.typeInto("#experiment-trials", "20")
	p.click("#experiment-start")
	p.waitRunEnd(200)
	for _, w := range []int64{1440, 375} {
		emulate := chromedp.EmulateViewport(w, 900)
		if w < 500 {
			emulate = chromedp.EmulateViewport(w, 812, chromedp.EmulateMobile)
		}
		if err := chromedp.Do(p.ctx, emulate); err != nil {
			p.fatal("viewport %d: %v", w, err)
		}
		small := p.waitString("the tap targets' sizes", `(() => {
			const out = [];
			for (const e of document.querySelectorAll(".experiment-panel button, .experiment-panel input")) {
				const r = e.getBoundingClientRect();
				if (r.height < 44) out.push((e.id || e.textContent.trim()) + " " + Math.round(r.height) + "px");
			}
			return out.join(", ") || "none";
		})()`)
		if small != "none" {
			p.fatal("at %d px, tap targets under 44 px: %s", w, small)
		}
		wide := p.waitString("the canvas's width", `(() => {
			const c = document.querySelector("#experiment-plots canvas");
			return c && c.clientWidth > 0 ? String(c.getBoundingClientRect().right <= innerWidth + 1) : "";
		})()`)
		if wide != "true" {
			p.fatal("at %d px the plots run past the window", w)
		}
		png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			p.fatal("screenshot: %v", err)
		}
		name := "/tmp/experiment-" + strconv.FormatInt(w, 10) + ".png"
		if err := os.WriteFile(name, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", name)
	}
	p.noErrors()
}
