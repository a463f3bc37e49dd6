//go:build browser

// The embeds in headless Chromium: static/docs-example.html (four
// <raft-playground> elements: three scenarios and a tour at a step) and
// static/embed.html (the iframe page).
//
//	./build.sh && go test -tags browser -count=1 -run Embed ./cmd/serve/
package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// embedIDs are the four embeds of docs-example.html, top to bottom: three
// scenarios, then the tour (tourEmbed) at its step (tourEmbedStep).
var embedIDs = []string{"out-of-order", "leader-crash", "figure-8", tourEmbed}

// The docs page's tour embed: the election tour at step 6.
const (
	tourEmbed      = "tour-split-vote"
	tourEmbedStep  = 6
	tourEmbedTitle = "Step 6 of 14: The vote splits"
)

// scenariosEnded is JavaScript giving "ok" once every scenario embed (all
// but the tour, which has no end) has run to its end.
const scenariosEnded = `[...document.querySelectorAll("raft-playground:not([tour])")].every((e) => e.ended) ? "ok" : ""`

// openDocsExample opens the sample documentation page.
func openDocsExample(t *testing.T, width, height int64) *page {
	t.Helper()
	url := startServer(t)
	console := &consoleLog{}
	p := &page{t: t, ctx: newBrowser(t, console), console: console}
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatalf("setting the viewport: %v", err)
	}
	if err := chromedp.Do(p.ctx, chromedp.Navigate(url+"docs-example.html")); err != nil {
		t.Fatalf("opening docs-example.html: %v", err)
	}
	p.waitString("four embeds with clusters", `(() => {
		const els = [...document.querySelectorAll("raft-playground")];
		return els.length === 4 && els.every((e) => e.cluster) ? "ok" : "";
	})()`)
	return p
}

// eval runs JavaScript in the page and decodes its JSON answer into out.
func (p *page) eval(what, expr string, out any) {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		p.fatal("%s: %v", what, err)
	}
	if err := json.Unmarshal([]byte(s), out); err != nil {
		p.fatal("%s: %v in %q", what, err, s)
	}
}

// embedState is what the test reads of one embed.
type embedState struct {
	ID        string  `json:"id"`
	Cluster   int     `json:"cluster"`
	Ended     bool    `json:"ended"`
	TimeMs    float64 `json:"time_ms"`
	Events    int     `json:"events"`
	Down      []int   `json:"down"`
	Outcomes  int     `json:"outcomes"`
	Failed    int     `json:"failed"`
	PassMarks int     `json:"pass_marks"`
	FailMarks int     `json:"fail_marks"`
	Narration int     `json:"narration"`
	Label     string  `json:"label"`
	// TourStep is the tour's step shown (0 for a scenario), Told the
	// narration's text.
	TourStep int    `json:"tour_step"`
	Told     string `json:"told"`
}

// statesJS reads every embed's embedState as JSON.
const statesJS = `JSON.stringify([...document.querySelectorAll("raft-playground")].map((e) => {
	const s = e.cluster.status(), o = e.outcomes(), r = e.shadowRoot;
	return {
		id: e.id, cluster: e.cluster.id, ended: e.ended, time_ms: e.time, events: s.events,
		down: s.nodes.filter((n) => !n.up).map((n) => n.id),
		outcomes: o.length, failed: o.filter((x) => !x.pass).length,
		pass_marks: r.querySelectorAll(".outcomes li.pass").length,
		fail_marks: r.querySelectorAll(".outcomes li.fail").length,
		narration: r.querySelectorAll(".narration li").length,
		label: r.querySelector("canvas").getAttribute("aria-label"),
		tour_step: e.tourStep, told: r.querySelector(".narration").textContent,
	};
}))`

// TestEmbedDocsExample: the sample page's first three embeds each run
// their library scenario to its end with every expectation met (the same
// files cmd/scenario checks), and the fourth shows the election tour at
// its step with the step's narration; each has its own cluster of one
// shared instance, and a node crashed through one element's API is down
// in that cluster only: the tour's cluster, like the others, stays as it
// was.
func TestEmbedDocsExample(t *testing.T) {
	// Tall enough that all four are on screen, so all play.
	p := openDocsExample(t, 1280, 4000)
	p.eval("speeding up", `JSON.stringify([...document.querySelectorAll("raft-playground")].map((e) => e.setAttribute("speed", "40")))`, new([]any))
	p.waitString("the scenarios at their end", scenariosEnded)
	p.waitString("the tour at its step", `document.querySelector("#`+tourEmbed+`").tourStep === `+strconv.Itoa(tourEmbedStep)+` ? "ok" : ""`)

	var states []embedState
	p.eval("reading the embeds", statesJS, &states)
	clusters := map[int]bool{}
	for i, s := range states {
		if s.ID != embedIDs[i] {
			p.fatal("embed %d is %q, want %q", i, s.ID, embedIDs[i])
		}
		clusters[s.Cluster] = true
		if s.ID == tourEmbed {
			if s.TourStep != tourEmbedStep || !strings.Contains(s.Told, tourEmbedTitle) || len(s.Down) != 0 {
				p.fatal("%s: step %d, nodes %v down, narration %.200q; want step %d saying %q", s.ID, s.TourStep, s.Down, s.Told, tourEmbedStep, tourEmbedTitle)
			}
			continue
		}
		if s.Outcomes == 0 || s.Failed != 0 {
			p.fatal("%s: %d expectations, %d failed", s.ID, s.Outcomes, s.Failed)
		}
		if s.PassMarks != s.Outcomes || s.FailMarks != 0 {
			p.fatal("%s: %d pass marks and %d fail marks shown for %d expectations met", s.ID, s.PassMarks, s.FailMarks, s.Outcomes)
		}
		if s.Narration == 0 {
			p.fatal("%s: no narration shown", s.ID)
		}
		if len(s.Down) != 0 {
			p.fatal("%s ended with nodes %v down", s.ID, s.Down)
		}
	}
	if len(states) != len(embedIDs) || len(clusters) != len(embedIDs) {
		p.fatal("%d embeds on %d clusters, want %d on their own: %+v", len(states), len(clusters), len(embedIDs), states)
	}

	// Crash n2 of the middle one through its API.
	p.eval("crashing", `JSON.stringify(document.querySelector("#leader-crash").crash(2) ?? null)`, new(any))
	p.waitString("n2 down in the label", `document.querySelector("#leader-crash").shadowRoot.querySelector("canvas").getAttribute("aria-label").includes("n2 down") ? "ok" : ""`)
	// The element's methods name themselves in errors, and take no extra
	// argument: restartNode runs the cluster's restart.
	var refusals []string
	p.eval("wrong calls", `(() => {
		const el = document.querySelector("#leader-crash");
		return JSON.stringify([() => el.restartNode(99), () => el.crash(2, 3)].map((f) => { try { f(); return "no error"; } catch (e) { return e.message; } }));
	})()`, &refusals)
	if want := []string{"restartNode: node must be an integer between 1 and 3, got 99", "crash: takes 1 argument(s) (node), got 2"}; !slices.Equal(refusals, want) {
		p.fatal("wrong calls of the element: %q, want %q", refusals, want)
	}
	var after []embedState
	p.eval("reading the embeds again", statesJS, &after)
	if len(after[1].Down) != 1 || after[1].Down[0] != 2 {
		p.fatal("leader-crash: down %v after crash(2), want [2]", after[1].Down)
	}
	for _, i := range []int{0, 2, 3} {
		if len(after[i].Down) != 0 || after[i].Events != states[i].Events || after[i].TimeMs != states[i].TimeMs || after[i].TourStep != states[i].TourStep {
			p.fatal("%s changed when another embed's node crashed: before %+v, after %+v", after[i].ID, states[i], after[i])
		}
		if strings.Contains(after[i].Label, "down") {
			p.fatal("%s's label shows a node down: %q", after[i].ID, after[i].Label)
		}
	}
	if errs := p.console.String(); errs != "" {
		t.Fatalf("the page reported errors:\n%s", errs)
	}
}

// framesJS counts animation frames in window.__frames from the first call.
const framesJS = `(() => {
	if (window.__frames === undefined) {
		window.__frames = 0;
		const tick = () => { window.__frames++; requestAnimationFrame(tick); };
		requestAnimationFrame(tick);
	}
	return String(window.__frames);
})()`

// TestEmbedOffscreen: an embed scrolled out of view does not advance while
// one on screen does, and it goes on when scrolled back; none advances
// while the tab is hidden.
func TestEmbedOffscreen(t *testing.T) {
	p := openDocsExample(t, 1280, 900)
	// Slow, so that figure 8 does not end while the test watches, and
	// without pauses for reading, so that it would advance at every frame.
	// A plain cluster at the top of the page is the witness that frames
	// pass and an embed on screen advances.
	p.eval("slowing", `JSON.stringify([...document.querySelectorAll("raft-playground")].map((e) => {
		e.setAttribute("speed", "0.3");
		e.setAttribute("narration-pause", "off");
	}))`, new([]any))
	p.eval("adding a plain cluster", `JSON.stringify((() => {
		const e = document.createElement("raft-playground");
		e.id = "witness";
		e.setAttribute("nodes", "3");
		e.setAttribute("autoplay", "");
		e.setAttribute("height", "150");
		document.querySelector("main").prepend(e);
		return null;
	})())`, new(any))
	p.eval("scrolling to figure 8", `JSON.stringify(document.querySelector("#figure-8").scrollIntoView({ block: "center" }) ?? null)`, new(any))
	p.waitString("figure 8 advancing", `document.querySelector("#figure-8").time > 50 ? "ok" : ""`)

	p.eval("scrolling to the top", `JSON.stringify(window.scrollTo(0, 0) ?? null)`, new(any))
	p.waitString("figure 8 off screen", `document.querySelector("#figure-8").getBoundingClientRect().top > innerHeight ? "ok" : ""`)
	// Two frames for the IntersectionObserver to report it.
	start := p.waitString("frames", framesJS)
	p.waitString("two frames", `window.__frames >= `+start+` + 2 ? "ok" : ""`)
	var before struct{ Fig, Top float64 }
	p.eval("times", `JSON.stringify({ Fig: document.querySelector("#figure-8").time, Top: document.querySelector("#witness").time })`, &before)
	p.waitString("60 frames", `window.__frames >= `+start+` + 62 ? "ok" : ""`)
	var after struct{ Fig, Top float64 }
	p.eval("times again", `JSON.stringify({ Fig: document.querySelector("#figure-8").time, Top: document.querySelector("#witness").time })`, &after)
	if after.Fig != before.Fig {
		p.fatal("figure 8 advanced off screen from %v ms to %v ms", before.Fig, after.Fig)
	}
	if after.Top <= before.Top {
		p.fatal("the embed on screen did not advance in 60 frames (%v ms)", after.Top)
	}

	p.eval("scrolling back", `JSON.stringify(document.querySelector("#figure-8").scrollIntoView({ block: "center" }) ?? null)`, new(any))
	p.waitString("figure 8 going on", `document.querySelector("#figure-8").time > `+jsonNumber(after.Fig)+` ? "ok" : ""`)

	// A hidden tab: document.hidden says so (headless Chromium's tab is
	// never hidden, so the test overrides it) and the witness, on screen,
	// stops; shown again, it goes on.
	p.eval("scrolling to the top", `JSON.stringify(window.scrollTo(0, 0) ?? null)`, new(any))
	p.eval("hiding the tab", `JSON.stringify((() => {
		Object.defineProperty(document, "hidden", { get: () => true, configurable: true });
		document.dispatchEvent(new Event("visibilitychange"));
		return null;
	})())`, new(any))
	start = p.waitString("frames", `String(window.__frames)`)
	p.waitString("two frames", `window.__frames >= `+start+` + 2 ? "ok" : ""`)
	var hidden float64
	p.eval("the witness's time", `JSON.stringify(document.querySelector("#witness").time)`, &hidden)
	p.waitString("60 frames", `window.__frames >= `+start+` + 62 ? "ok" : ""`)
	var still float64
	p.eval("the witness's time again", `JSON.stringify(document.querySelector("#witness").time)`, &still)
	if still != hidden {
		p.fatal("the witness advanced in a hidden tab from %v ms to %v ms", hidden, still)
	}
	p.eval("showing the tab", `JSON.stringify((() => {
		delete document.hidden;
		document.dispatchEvent(new Event("visibilitychange"));
		return null;
	})())`, new(any))
	p.waitString("the witness going on", `document.querySelector("#witness").time > `+jsonNumber(still)+` ? "ok" : ""`)
	if errs := p.console.String(); errs != "" {
		t.Fatalf("the page reported errors:\n%s", errs)
	}
}

func jsonNumber(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}

// TestEmbedFramePostMessage: embed.html answers postMessage from its
// parent's origin (state, crash) and ignores a message from another origin
// (a sandboxed frame, origin "null"): the crash it asks for does not
// happen and it gets no answer.
func TestEmbedFramePostMessage(t *testing.T) {
	p := openDocsExample(t, 1280, 900)
	p.eval("adding the frames", `JSON.stringify((() => {
		window.__got = [];
		window.addEventListener("message", (e) => window.__got.push({ origin: e.origin, data: e.data }));
		const f = document.createElement("iframe");
		f.src = "embed.html?src=scenarios/leader-crash.txt&controls=play+step&panels=status+narration&speed=10";
		document.querySelector("main").prepend(f);
		window.__ask = (id, method, args) => f.contentWindow.postMessage({ "raft-playground": 1, id, method, args }, location.origin);
		window.__answer = (id) => window.__got.find((m) => m.data && m.data["raft-playground"] === 1 && m.data.id === id);
		window.__next = 1;
		return null;
	})())`, new(any))

	// The frame's listener starts with its module: ask until it answers.
	p.waitString("the frame's first answer", `(() => {
		const a = window.__got.find((m) => m.data?.result?.status);
		if (a) return JSON.stringify(a);
		window.__ask(window.__next++, "state", []);
		return "";
	})()`)

	// Another origin asks it to crash n1: a sandboxed frame (origin
	// "null") served from another server (a srcdoc frame would inherit
	// this page's Content-Security-Policy, which allows no inline script).
	hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><script>
			window.addEventListener("message", (e) => parent.postMessage({ hostileGot: e.data }, "*"));
			parent.frames[0].postMessage({ "raft-playground": 1, id: 999, method: "crash", args: [1] }, "*");
			parent.postMessage({ hostileSent: true }, "*");
			</script>`)
	}))
	defer hostile.Close()
	p.eval("adding a hostile frame", `JSON.stringify((() => {
		const h = document.createElement("iframe");
		h.sandbox = "allow-scripts";
		h.src = "`+hostile.URL+`/";
		document.querySelector("main").append(h);
		return null;
	})())`, new(any))
	p.waitString("the hostile message sent", `window.__got.some((m) => m.data?.hostileSent) ? "ok" : ""`)
	p.eval("asking the state", `JSON.stringify(window.__ask(500, "state", []) ?? null)`, new(any))
	var state struct {
		Origin string
		Data   struct {
			Result struct {
				Status struct {
					Nodes []struct {
						ID int  `json:"id"`
						Up bool `json:"up"`
					} `json:"nodes"`
				} `json:"status"`
			} `json:"result"`
		}
	}
	p.eval("the state", p.waitString("the answer", `window.__answer(500) ? JSON.stringify(JSON.stringify(window.__answer(500))) : ""`), &state)
	if len(state.Data.Result.Status.Nodes) != 3 || !state.Data.Result.Status.Nodes[0].Up {
		p.fatal("after another origin's crash request the frame shows %+v; n1 must be up", state.Data.Result.Status.Nodes)
	}
	if !strings.HasPrefix(state.Origin, "http://127.0.0.1:") {
		p.fatal("the answer came from origin %q", state.Origin)
	}

	// The parent's own crash request is carried out and answered.
	p.eval("crashing n1", `JSON.stringify(window.__ask(501, "crash", [1]) ?? null)`, new(any))
	p.waitString("the crash answered", `window.__answer(501) && !("error" in window.__answer(501).data) ? "ok" : ""`)
	p.eval("asking again", `JSON.stringify(window.__ask(502, "state", []) ?? null)`, new(any))
	p.waitString("n1 down", `window.__answer(502)?.data.result.status.nodes[0].up === false ? "ok" : ""`)
	// An unknown method is answered with an error.
	p.eval("asking nonsense", `JSON.stringify(window.__ask(503, "eval", ["1"]) ?? null)`, new(any))
	p.waitString("the error", `window.__answer(503)?.data.error?.includes("unknown method") ? "ok" : ""`)
	// Played, it posts its element's events to its parent.
	p.eval("restarting and playing", `JSON.stringify((window.__ask(504, "restart", []), window.__ask(505, "play", [])) ?? null)`, new(any))
	p.waitString("a narration event from the frame", `(() => {
		const m = window.__got.find((m) => m.data?.["raft-playground"] === 1 && m.data.event === "narration");
		return m && m.origin === location.origin && m.data.detail.text.includes("n1 leads term 1") ? "ok" : "";
	})()`)

	if got := p.waitString("messages", `JSON.stringify(window.__got.filter((m) => m.data?.hostileGot || m.data?.id === 999))`); got != "[]" {
		p.fatal("the frame answered another origin: %s", got)
	}
	if errs := p.console.String(); errs != "" {
		t.Fatalf("the page reported errors:\n%s", errs)
	}
}

// TestEmbedScreenshots writes the sample page at 1280 and 400 pixels wide
// into artifacts/ for a person to look at; it fails only if the page fails.
func TestEmbedScreenshots(t *testing.T) {
	for _, width := range []int64{1280, 400} {
		// Tall, so that all four are on screen and the scenarios play to
		// their end.
		p := openDocsExample(t, width, 4000)
		p.eval("speeding up", `JSON.stringify([...document.querySelectorAll("raft-playground")].map((e) => e.setAttribute("speed", "40")))`, new([]any))
		p.waitString("the scenarios at their end", scenariosEnded)
		png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		if err := os.MkdirAll(artifactsDir, 0o755); err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(artifactsDir, "docs-example-"+map[int64]string{1280: "1280", 400: "400"}[width]+".png")
		if err := os.WriteFile(name, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", name)
		// And each embed alone, at the size it is shown.
		for _, id := range embedIDs {
			one, err := chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.CSS("#"+id)))
			if err != nil {
				t.Fatalf("screenshot of #%s: %v", id, err)
			}
			if err := os.WriteFile(strings.TrimSuffix(name, ".png")+"-"+id+".png", one, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if errs := p.console.String(); errs != "" {
			t.Fatalf("the page reported errors:\n%s", errs)
		}
	}
}

// TestEmbedReducedMotionInline: with prefers-reduced-motion an element
// shows the cluster at step boundaries only (every virtual time it shows
// is one at which a step acted), still runs an inline scenario to its end,
// and shows a narration line holding markup as text.
func TestEmbedReducedMotionInline(t *testing.T) {
	url := startServer(t)
	console := &consoleLog{}
	p := &page{t: t, ctx: newBrowser(t, console), console: console}
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("setting the viewport: %v", err)
	}
	if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
	}); err != nil {
		t.Fatalf("emulating reduced motion: %v", err)
	}
	if err := chromedp.Do(p.ctx, chromedp.Navigate(url+"docs-example.html")); err != nil {
		t.Fatalf("opening docs-example.html: %v", err)
	}
	p.eval("adding an inline scenario", `JSON.stringify((() => {
		window.__times = new Set();
		const e = document.createElement("raft-playground");
		e.id = "inline";
		e.setAttribute("speed", "1");
		e.setAttribute("narration-pause", "off");
		e.setAttribute("autoplay", "");
		const s = document.createElement("script");
		s.type = "text/plain";
		s.textContent = "nodes 3\nseed 1\nwhen leader elected\n" +
			"say <img src=x onerror=\"document.title='pwned'\"> a leader\nexpect no violation\n" +
			"when index 1 committed on all\nexpect no violation\n";
		e.append(s);
		document.querySelector("main").prepend(e);
		const sample = () => { window.__times.add(e.cluster ? e.time : 0); requestAnimationFrame(sample); };
		requestAnimationFrame(sample);
		return null;
	})())`, new(any))
	p.waitString("the end", `document.querySelector("#inline").ended ? "ok" : ""`)
	var got struct {
		Times     []float64
		Boundary  []float64
		Failed    int
		Narration string
		Images    int
		Title     string
	}
	p.eval("reading it", `JSON.stringify((() => {
		const e = document.querySelector("#inline"), o = e.outcomes();
		return {
			Times: [...window.__times], Boundary: [0, ...o.map((x) => x.at_ns / 1e6)],
			Failed: o.length === 2 ? o.filter((x) => !x.pass).length : -1,
			Narration: e.shadowRoot.querySelector(".narration").textContent,
			Images: e.shadowRoot.querySelectorAll("img").length + document.querySelectorAll("img").length,
			Title: document.title,
		};
	})())`, &got)
	if got.Failed != 0 {
		p.fatal("inline scenario: failed %d (-1: not two outcomes)", got.Failed)
	}
	boundary := map[float64]bool{}
	for _, b := range got.Boundary {
		boundary[b] = true
	}
	for _, tm := range got.Times {
		if !boundary[tm] {
			p.fatal("with reduced motion the element showed %v ms, between steps (steps at %v)", tm, got.Boundary)
		}
	}
	if !strings.Contains(got.Narration, "<img src=x") || got.Images != 0 || got.Title == "pwned" {
		p.fatal("the narration's markup was not shown as text: %q, %d img, title %q", got.Narration, got.Images, got.Title)
	}
	if errs := p.console.String(); errs != "" {
		t.Fatalf("the page reported errors:\n%s", errs)
	}
}
