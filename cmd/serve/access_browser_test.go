//go:build browser

package main

// This file tests the page's accessibility, boot and phone layout in
// Chromium (issue 8 items 9 and 10): axe-core finds no serious or critical
// violation; the page boots under its Content-Security-Policy with no
// violation; the download's progress bar counts up to the wasm's size; a
// failure at start or a panic in the UI is shown in #boot-error while the
// JavaScript API keeps answering; focus stays on a button that is
// replaced; the frame loop stops while paused or hidden; at 375 px the
// cluster view comes first, a sticky bar holds the main actions and every
// tap target is at least 44 px; screenshots at 1440 and 375 px go to
// artifacts/. Run after ./build.sh and npm ci:
//
//	go test -tags browser -count=1 -run 'Access|Boot' ./cmd/serve/

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// axeScript is axe-core, installed by npm ci from package-lock.json.
const axeScript = "../../node_modules/axe-core/axe.min.js"

// axeViolation is one rule axe-core found broken, with where.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// runAxe runs axe-core on the page as it is and returns its serious and
// critical violations.
func (p *page) runAxe() []axeViolation {
	p.t.Helper()
	src, err := os.ReadFile(axeScript)
	if err != nil {
		p.t.Fatalf("axe-core is not installed (%v); run npm ci", err)
	}
	if _, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](string(src)+"\n;true")); err != nil {
		p.fatal("injecting axe-core: %v", err)
	}
	out, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`axe.run(document, { resultTypes: ["violations"] }).then((r) =>
		JSON.stringify(r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => ({
			id: v.id, impact: v.impact, help: v.help,
			targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + ": " + (n.failureSummary || "").replace(/\s+/g, " ").slice(0, 160)),
		}))))`, chromedp.EvalAwaitPromise))
	if err != nil {
		p.fatal("running axe-core: %v", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		p.fatal("axe-core's answer: %v", err)
	}
	return vs
}

// failOnAxe fails the test listing every violation.
func failOnAxe(t *testing.T, where string, vs []axeViolation) {
	t.Helper()
	for _, v := range vs {
		t.Errorf("%s: axe-core %s violation %s (%s):\n  %s", where, v.Impact, v.ID, v.Help, strings.Join(v.Targets, "\n  "))
	}
}

// TestAccessAxe runs axe-core (WCAG 2 A and AA rules among others) on the
// page with a leader, a pressed 50 ms response delay and a selected
// controls section, at 1280 and at 375 px: no serious or critical
// violation.
func TestAccessAxe(t *testing.T) {
	p := openPage(t)
	p.run("pressing a 50 ms delay", `document.querySelector('button[data-action="delay"][data-ms="50"]').click()`)
	p.click(`button[data-tab="client"]`)
	p.waitString("the delay pressed", `document.querySelector('button[data-action="delay"][data-ms="50"][aria-pressed="true"]') ? "yes" : ""`)
	failOnAxe(t, "1280 px", p.runAxe())
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile)); err != nil {
		p.fatal("phone viewport: %v", err)
	}
	p.waitString("the action bar shown", `getComputedStyle(document.querySelector(".action-bar")).display !== "none" ? "yes" : ""`)
	failOnAxe(t, "375 px", p.runAxe())
	p.noErrors()
}

// cspWatch records every Content-Security-Policy violation of the
// document in window.__cspViolations, from before any script of the page.
const cspWatch = `window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
	window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});`

// openWatched opens the page with script injected before the page's own
// (a CDP script on new document).
func openWatched(t *testing.T, script string) *page {
	t.Helper()
	p, _ := openWatchedAt(t, script, "")
	return p
}

// openWatchedAt is openWatched at the address with fragment frag (such as
// a run link); it also returns the page's address without it.
func openWatchedAt(t *testing.T, script, frag string) (*page, string) {
	t.Helper()
	url := startServer(t)
	console := &consoleLog{}
	p := &page{t: t, ctx: newBrowser(t, console), console: console}
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("setting the viewport: %v", err)
	}
	if _, err := chromedp.Call(p.ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: script}); err != nil {
		t.Fatalf("adding the script: %v", err)
	}
	if err := chromedp.Do(p.ctx, chromedp.Navigate(url+frag)); err != nil {
		t.Fatalf("opening %s: %v", url+frag, err)
	}
	return p, url
}

// TestBootUnderCSP: the server sends the page's policy, and the page boots
// under it, renders, and handles clicks (Vugu re-renders) without one
// violation or console error: no inline script, no style attribute.
func TestBootUnderCSP(t *testing.T) {
	p := openWatched(t, cspWatch)
	p.waitString("a leader", leaderExcept(""))
	policy, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`fetch(location.href).then((r) => r.headers.get("Content-Security-Policy") ?? "")`, chromedp.EvalAwaitPromise))
	if err != nil || policy != ContentSecurityPolicy {
		p.fatal("the page's Content-Security-Policy: %q (%v), want %q", policy, err, ContentSecurityPolicy)
	}
	for _, sel := range []string{`button[data-tab="network"]`, `button.link[data-from="1"][data-to="2"]`, "#pause", "#step"} {
		p.click(sel)
	}
	p.waitString("link 1→2 cut", `document.querySelector('button.link[data-from="1"][data-to="2"]').getAttribute("aria-pressed") === "true" ? "yes" : ""`)
	if n, _ := chromedp.Run(p.ctx, chromedp.Evaluate[int](`document.querySelectorAll("[style]").length`)); n != 0 {
		p.fatal("%d elements have a style attribute", n)
	}
	violations, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`window.__cspViolations.join("\n")`))
	if violations != "" {
		p.fatal("Content-Security-Policy violations:\n%s", violations)
	}
	p.noErrors()
}

// progressWatch records every value the boot progress bar is given.
const progressWatch = `window.__progress = [];
new MutationObserver(() => {
	const bar = document.getElementById("boot-progress");
	if (bar && !bar.__watched) {
		bar.__watched = true;
		new MutationObserver(() => window.__progress.push([bar.value, bar.max])).observe(bar, { attributes: true });
	}
}).observe(document, { childList: true, subtree: true });`

// TestBootProgress: the progress bar counts the wasm's bytes as they
// arrive, up to its full size (the decoded size the server announces, not
// the brotli file's Content-Length).
func TestBootProgress(t *testing.T) {
	info, err := os.Stat(filepath.Join(siteDir, "raft-playground.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	p := openWatched(t, progressWatch)
	p.waitString("a leader", leaderExcept(""))
	var steps [][2]float64
	p.eval("the progress recorded", `JSON.stringify(window.__progress)`, &steps)
	if len(steps) < 2 {
		p.fatal("the progress bar moved %d times, want several: %v", len(steps), steps)
	}
	last := steps[len(steps)-1]
	if last[0] != float64(info.Size()) || last[1] != float64(info.Size()) {
		p.fatal("the progress bar ended at %v of %v, want %d of %d", last[0], last[1], info.Size(), info.Size())
	}
	for i := 1; i < len(steps); i++ {
		if steps[i][0] < steps[i-1][0] {
			p.fatal("the progress bar went back: %v", steps)
		}
	}
	t.Logf("progress: %d updates up to %d bytes", len(steps), info.Size())
	if n, _ := chromedp.Run(p.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#boot-progress, #boot-status").length`)); n != 0 {
		p.fatal("the progress bar is still there after the page started")
	}
	p.noErrors()
}

// apiAlive is JavaScript that uses the JavaScript API of the page's
// instance and gives the leader of a fresh 3-node cluster after 2 s.
const apiAlive = `import("./raft-playground.js").then((m) => m.load()).then((pg) => {
	const c = pg.createCluster({ nodes: 3, seed: 7 });
	c.run(2000);
	const leader = c.status().leader;
	c.destroy();
	return String(leader);
})`

// TestBootFailure: a failure of the UI (here the renderer's JavaScript
// throwing, static/domsync.js) is shown in #boot-error and the JavaScript
// API still answers; and a WebAssembly that cannot be compiled says so in
// #boot-error.
func TestBootFailure(t *testing.T) {
	p := openPage(t)
	p.run("breaking the renderer", `window.domsync.apply = () => { throw new Error("injected renderer failure"); }`)
	p.click("#pause")
	msg := p.waitString("#boot-error", `document.getElementById("boot-error").textContent`)
	if !strings.Contains(msg, "injected renderer failure") || !strings.Contains(msg, "JavaScript API still works") {
		p.fatal("#boot-error says %q", msg)
	}
	leader, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](apiAlive, chromedp.EvalAwaitPromise))
	if err != nil || leader == "0" {
		p.fatal("the JavaScript API after the panic: leader %q, %v", leader, err)
	}
	t.Logf("after the panic: %q; the API elected n%s", msg, leader)

	q := openWatched(t, `WebAssembly.instantiateStreaming = () => Promise.reject(new Error("injected compile failure"));`)
	msg = q.waitString("#boot-error at start", `document.getElementById("boot-error").textContent`)
	if !strings.Contains(msg, "could not start") || !strings.Contains(msg, "injected compile failure") {
		q.fatal("#boot-error says %q", msg)
	}
}

// TestAccessFocusKept: a button replaced by its opposite keeps the
// keyboard's focus: Crash becomes Restart and back, and focus stays on it.
func TestAccessFocusKept(t *testing.T) {
	p := openPage(t)
	lead, _ := strconv.Atoi(p.waitString("a leader", leaderExcept("")))
	follower := lead%5 + 1
	p.run("crashing a follower with the keyboard's focus on its button", fmt.Sprintf(
		`const b = document.querySelector('button[data-action="crash"][data-node="%d"]'); b.focus(); b.click()`, follower))
	focused := fmt.Sprintf(`(() => { const a = document.activeElement; return a && a.dataset.action === %%q && a.dataset.node === "%d" ? "yes" : ""; })()`, follower)
	p.waitString("focus on Restart", fmt.Sprintf(focused, "restart"))
	p.run("restarting it", `document.activeElement.click()`)
	p.waitString("focus on Crash again", fmt.Sprintf(focused, "crash"))
	p.noErrors()
}

// frameCount counts the animation frames the page asks for.
const frameCount = `window.__frames = 0;
const raf = window.requestAnimationFrame.bind(window);
window.requestAnimationFrame = (f) => { window.__frames++; return raf(f); };`

// TestAccessFramesStop: paused, and in a hidden tab, the page asks for no
// animation frames (its clock and its cost stop); an action while paused
// paints once; showing the tab again starts the frames again.
func TestAccessFramesStop(t *testing.T) {
	p := openWatched(t, frameCount)
	p.waitString("a leader", leaderExcept(""))
	frames := func() int {
		n, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`window.__frames`))
		if err != nil {
			p.fatal("reading the frame count: %v", err)
		}
		return n
	}
	still := func(what string) {
		t.Helper()
		time.Sleep(300 * time.Millisecond) // the last frames asked for run
		before := frames()
		time.Sleep(500 * time.Millisecond)
		if after := frames(); after != before {
			p.fatal("%s: %d animation frames asked for in half a second, want none", what, after-before)
		}
	}
	p.click("#pause")
	still("paused")
	before := frames()
	p.click("#step")
	p.waitString("a frame for the step", fmt.Sprintf(`window.__frames > %d ? "yes" : ""`, before))
	still("paused after a step")
	p.click("#pause") // resume
	p.waitString("frames again", fmt.Sprintf(`window.__frames > %d + 10 ? "yes" : ""`, frames()))
	clock := `document.querySelector("#virtual-time").textContent`
	p.run("hiding the tab", `Object.defineProperty(document, "hidden", { get: () => true, configurable: true });
		document.dispatchEvent(new Event("visibilitychange"))`)
	still("hidden")
	t0, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](clock))
	time.Sleep(300 * time.Millisecond)
	if t1, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](clock)); t1 != t0 {
		p.fatal("hidden, the clock moved from %s to %s", t0, t1)
	}
	p.run("showing the tab", `delete document.hidden; document.dispatchEvent(new Event("visibilitychange"))`)
	p.waitString("frames after showing", fmt.Sprintf(`window.__frames > %d + 10 ? "yes" : ""`, frames()))
	p.noErrors()
}

// layoutProblems is JavaScript listing what is wrong with the layout at
// the current width: the page wider than the screen, and on narrow
// screens buttons smaller than 44 px, the cluster view not above the
// clock controls, the action bar not at the bottom of the screen, a tab
// order that goes back up the page.
const layoutProblems = `(() => {
	const out = [];
	const root = document.documentElement;
	if (root.scrollWidth > innerWidth + 1) out.push("the page is " + root.scrollWidth + " px wide on a " + innerWidth + " px screen");
	if (innerWidth <= 860) {
		for (const b of document.querySelectorAll("button")) {
			const r = b.getBoundingClientRect();
			if (r.width > 0 && (r.width < 44 || r.height < 44)) out.push("button " + (b.id || b.textContent.trim()) + " " + Math.round(r.width) + "×" + Math.round(r.height));
		}
		const view = document.querySelector("#cluster-view").getBoundingClientRect();
		const controls = document.querySelector(".controls").getBoundingClientRect();
		if (view.top > controls.top) out.push("the cluster view is below the clock controls");
		scrollTo(0, root.scrollHeight / 2);
		const bar = document.querySelector(".action-bar").getBoundingClientRect();
		if (bar.height === 0 || Math.abs(bar.bottom - innerHeight) > 1) out.push("the action bar is not at the bottom of the screen mid-page (" + bar.top + "–" + bar.bottom + " of " + innerHeight + ")");
		scrollTo(0, 0);
		// One column: the tab order (the document's) runs down the page.
		const focusable = [...document.querySelectorAll("button, input, [tabindex]")]
			.filter((e) => e.tabIndex >= 0 && !e.closest(".action-bar") && e.getBoundingClientRect().width > 0);
		for (let i = 1; i < focusable.length; i++) {
			const a = focusable[i - 1].getBoundingClientRect(), b = focusable[i].getBoundingClientRect();
			if (b.top < a.top - 2) out.push("tab order goes up from " + (focusable[i - 1].id || focusable[i - 1].textContent.trim().slice(0, 20)) + " to " + (focusable[i].id || focusable[i].textContent.trim().slice(0, 20)));
		}
		const hint = document.querySelector(".scroll-hint");
		if (hint && hint.getBoundingClientRect().width === 0) out.push("the replicator table does not say it scrolls");
	} else if (getComputedStyle(document.querySelector(".action-bar")).display !== "none") {
		out.push("the action bar shows on a wide screen");
	}
	return out.join("; ");
})()`

// TestAccessLayouts: at 375 (a phone), 1440 and 1920 px the page fits its
// width; on the phone the cluster view comes first, the main actions stay
// at the bottom of the screen, tap targets are 44 px, and the bar's
// buttons work. Screenshots of the page at 1440 and 375 px are written to
// artifacts/page-1440.png and artifacts/page-375.png.
func TestAccessLayouts(t *testing.T) {
	p := openPage(t)
	p.click("#propose")
	for _, w := range []int64{1920, 1440, 375} {
		var err error
		if w < 500 {
			err = chromedp.Do(p.ctx, chromedp.EmulateViewport(w, 812, chromedp.EmulateMobile))
		} else {
			err = chromedp.Do(p.ctx, chromedp.EmulateViewport(w, 1000))
		}
		if err != nil {
			p.fatal("viewport %d: %v", w, err)
		}
		p.waitString("the layout at "+strconv.FormatInt(w, 10)+" px", `innerWidth === `+strconv.FormatInt(w, 10)+` ? "yes" : ""`)
		time.Sleep(200 * time.Millisecond) // a frame resizes the canvases
		if problems, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](layoutProblems)); err != nil || problems != "" {
			p.fatal("at %d px: %s %v", w, problems, err)
		}
		if w == 1920 {
			continue
		}
		png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			p.fatal("screenshot at %d px: %v", w, err)
		}
		if err := os.MkdirAll(artifactsDir, 0o755); err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(artifactsDir, fmt.Sprintf("page-%d.png", w))
		if err := os.WriteFile(name, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", name)
		if w < 500 {
			// What a phone shows first: the screen, with the action bar.
			png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
			if err != nil {
				p.fatal("screenshot of the screen: %v", err)
			}
			name := filepath.Join(artifactsDir, fmt.Sprintf("page-%d-screen.png", w))
			if err := os.WriteFile(name, png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot: %s", name)
		}
	}
	// The bar's buttons act: pause, a burst of ten commands, resume.
	p.click("#bar-pause")
	p.waitString("paused from the bar", `document.querySelector("#bar-pause").getAttribute("aria-pressed") === "true" ? "yes" : ""`)
	p.click("#bar-burst")
	p.waitString("the burst asked", `/^put k\d+="\d+"/.test(document.querySelector("#announce-result").textContent) ? "yes" : ""`)
	p.click("#bar-pause") // resume: the clients' calls travel
	p.waitString("resumed from the bar", `document.querySelector("#bar-pause").getAttribute("aria-pressed") === "false" ? "yes" : ""`)
	p.waitString("the burst answered", `/→ ok, at index/.test(document.querySelector("#announce-result").textContent) ? "yes" : ""`)
	p.noErrors()
}

// TestAccessAnnounced: the live regions say who leads, that a crashed
// node is down, and what came of a command.
func TestAccessAnnounced(t *testing.T) {
	p := openPage(t)
	lead := p.waitString("a leader", leaderExcept(""))
	roles := p.waitString("the roles announced", `document.querySelector("#announce-roles").textContent`)
	if !strings.HasPrefix(roles, "n"+lead+" leads in term ") {
		p.fatal("roles announced as %q with n%s leading", roles, lead)
	}
	p.click(fmt.Sprintf(`button[data-action="crash"][data-node=%q]`, lead))
	p.waitString("the crash announced", fmt.Sprintf(`document.querySelector("#announce-roles").textContent.includes("n%s is down") ? "yes" : ""`, lead))
	p.waitString("a new leader", leaderExcept(lead))
	p.click("#propose")
	p.waitString("the command's answer announced", `/^put k1="1" → ok, at index \d+/.test(document.querySelector("#announce-result").textContent) ? "yes" : ""`)
	for _, id := range []string{"announce-roles", "announce-result"} {
		if live, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.getElementById("`+id+`").getAttribute("aria-live")`)); live != "polite" {
			p.fatal("#%s: aria-live %q", id, live)
		}
	}
	p.noErrors()
}
