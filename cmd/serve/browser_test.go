//go:build browser

// The browser test: the real page, served by this server, in Debian's
// headless Chromium. It needs the built site (./build.sh) and
// /usr/bin/chromium, so it only builds with the tag:
//
//	go test -tags browser -count=1 ./cmd/serve/
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/raftplayground/raftplayground/internal/headless"
)

const (
	siteDir      = "../../static"
	artifactsDir = "../../artifacts"
	// waitLimit bounds each wait for the page to reach a state.
	waitLimit = 10 * time.Second
)

// consoleLog keeps the errors a page reports: console.error calls, uncaught
// exceptions and error entries of the browser log.
type consoleLog struct {
	mu     sync.Mutex
	errors []string
}

// listen records one event; it runs in the tab's read loop, so it only
// formats and appends.
func (c *consoleLog) listen(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		var parts []string
		for _, a := range ev.Args {
			if a.Description != "" {
				parts = append(parts, a.Description)
			} else {
				parts = append(parts, string(a.Value))
			}
		}
		msg = "console." + string(ev.Type) + ": " + strings.Join(parts, " ")
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg = "uncaught exception: " + d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
	case *log.EventEntryAdded:
		if ev.Entry.Level != log.EntryLevelError {
			return
		}
		msg = fmt.Sprintf("browser log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
	default:
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errors = append(c.errors, msg)
}

func (c *consoleLog) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.errors, "\n")
}

// startServer serves the built site on a free port and returns its URL.
func startServer(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(siteDir, "raft-playground.wasm")); err != nil {
		t.Fatalf("the site is not built (%v); run ./build.sh first", err)
	}
	h, err := NewHandler(siteDir)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("server: %v", err)
		}
	}()
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/"
}

// newBrowser starts a fresh headless Chromium and returns a tab context that
// reports the page's errors to console.
func newBrowser(t *testing.T, console *consoleLog) context.Context {
	t.Helper()
	if err := headless.Check(); err != nil {
		t.Fatal(err)
	}
	opts := headless.Options(t.TempDir(), 1280, 900)
	// One limit for the whole test, so that nothing hangs forever.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(alloc, chromedp.WithListener(console.listen))
	t.Cleanup(cancelTab)
	return tab
}

// page drives the tab, and on failure saves a screenshot and shows what the
// page said.
type page struct {
	t       *testing.T
	ctx     context.Context
	console *consoleLog
}

// fatal stops the test with the page's text and errors.
func (p *page) fatal(format string, args ...any) {
	p.t.Helper()
	p.screenshot()
	text, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 2000) : ""`))
	p.t.Fatalf("%s\npage text:\n%s\npage errors:\n%s", fmt.Sprintf(format, args...), text, p.console)
}

// waitString polls a JavaScript expression until it gives a non-empty string.
func (p *page) waitString(what, expr string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Poll[string](expr,
		chromedp.WithPollingInterval(50*time.Millisecond),
		chromedp.WithPollingTimeout(waitLimit)))
	if err != nil {
		p.fatal("waiting for %s: %v", what, err)
	}
	return v
}

// click clicks the first element a CSS selector finds.
func (p *page) click(sel string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		p.fatal("clicking %s: %v", sel, err)
	}
}

// screenshot writes the whole page to artifacts/browser.png.
func (p *page) screenshot() {
	p.t.Helper()
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Errorf("screenshot: %v", err)
		return
	}
	if err := os.MkdirAll(artifactsDir, 0o755); err != nil {
		p.t.Errorf("screenshot: %v", err)
		return
	}
	name := filepath.Join(artifactsDir, "browser.png")
	if err := os.WriteFile(name, png, 0o644); err != nil {
		p.t.Errorf("screenshot: %v", err)
		return
	}
	p.t.Logf("screenshot: %s", name)
}

// openPage opens the page in a fresh browser and waits for a leader.
func openPage(t *testing.T) *page {
	t.Helper()
	url := startServer(t)
	console := &consoleLog{}
	p := &page{t: t, ctx: newBrowser(t, console), console: console}
	if err := chromedp.Do(p.ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("opening %s: %v", url, err)
	}
	p.waitString("a leader", leaderExcept(""))
	return p
}

// noErrors stops the test if the page reported any error.
func (p *page) noErrors() {
	p.t.Helper()
	if errs := p.console.String(); errs != "" {
		p.t.Fatalf("the page reported errors:\n%s", errs)
	}
}

// leaderExcept is JavaScript giving the node id of a card shown as leader
// whose id is not except, or "".
func leaderExcept(except string) string {
	return fmt.Sprintf(`(() => {
		const card = [...document.querySelectorAll('[data-role="leader"][data-node-id]')]
			.find((e) => e.dataset.nodeId !== %q);
		return card ? card.dataset.nodeId : "";
	})()`, except)
}

// TestPageCrashLeaderAndPropose opens the page, crashes the leader it shows,
// waits for another leader and proposes a command.
func TestPageCrashLeaderAndPropose(t *testing.T) {
	url := startServer(t)
	console := &consoleLog{}
	p := &page{t: t, ctx: newBrowser(t, console), console: console}
	if err := chromedp.Do(p.ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("opening %s: %v", url, err)
	}

	lead := p.waitString("a leader", leaderExcept(""))
	t.Logf("leader: node %s", lead)

	p.click(fmt.Sprintf(`button[data-action="crash"][data-node=%q]`, lead))
	p.waitString("node "+lead+" to be shown down",
		fmt.Sprintf(`document.querySelector('[data-role="down"][data-node-id=%q]') ? "down" : ""`, lead))
	next := p.waitString("a leader other than node "+lead, leaderExcept(lead))
	t.Logf("after crashing node %s, leader: node %s", lead, next)

	p.click("#propose")
	result := p.waitString("#propose-result to show an index", `(() => {
		const e = document.querySelector("#propose-result");
		return e && /index\D{0,3}\d+/i.test(e.textContent) ? e.textContent.trim() : "";
	})()`)
	t.Logf("propose: %s", result)

	p.screenshot()
	if errs := console.String(); errs != "" {
		t.Fatalf("the page reported errors:\n%s", errs)
	}
}

// TestPageClusterView: the cluster view is painted (the leader's green ring
// is on the canvas), and a click on a link near its sender cuts that
// direction and a second click heals it, as the link buttons show.
func TestPageClusterView(t *testing.T) {
	p := openPage(t)
	// The leader is drawn in its colour, #1b7f3b.
	p.waitString("the leader's colour on the canvas", `(() => {
		const c = document.querySelector("#cluster-canvas");
		const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
		let green = 0;
		for (let i = 0; i < d.length; i += 4) {
			if (Math.abs(d[i] - 27) < 12 && Math.abs(d[i+1] - 127) < 12 && Math.abs(d[i+2] - 59) < 12 && d[i+3] > 200) green++;
		}
		return green > 50 ? String(green) : "";
	})()`)
	p.click("#pause")

	// Nodes sit on a ring of radius 0.36 around the centre, n1 at the top,
	// clockwise (web/scene.Layout); a quarter of the way from n1 to n2 is
	// on n1's half of the link, so it cuts 1→2.
	clickLink := func() {
		t.Helper()
		xy := p.waitString("the point on the link 1→2", `(() => {
			const c = document.querySelector("#cluster-canvas");
			const r = c.getBoundingClientRect();
			const at = (i) => { const a = 2 * Math.PI * i / 5 - Math.PI / 2; return [0.5 + 0.36 * Math.cos(a), 0.5 + 0.36 * Math.sin(a)]; };
			const [x1, y1] = at(0), [x2, y2] = at(1);
			const x = x1 + (x2 - x1) * 0.25, y = y1 + (y2 - y1) * 0.25;
			return (r.left + x * r.width) + "," + (r.top + y * r.height);
		})()`)
		var x, y float64
		if _, err := fmt.Sscanf(xy, "%g,%g", &x, &y); err != nil {
			p.fatal("point %q: %v", xy, err)
		}
		if err := chromedp.Do(p.ctx, chromedp.MouseClickXY(x, y)); err != nil {
			p.fatal("clicking the link: %v", err)
		}
	}
	pressed := `document.querySelector('button.link[data-from="1"][data-to="2"]').getAttribute("aria-pressed")`
	clickLink()
	p.waitString("link 1→2 shown cut", `(`+pressed+` === "true") ? "cut" : ""`)
	if other, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.querySelector('button.link[data-from="2"][data-to="1"]').getAttribute("aria-pressed")`)); other != "false" {
		p.fatal("clicking n1's half of the link cut 2→1 too (aria-pressed %q)", other)
	}
	clickLink()
	p.waitString("link 1→2 healed", `(`+pressed+` === "false") ? "healed" : ""`)
	p.noErrors()
}

// TestPageScrubber: dragging the time scrubber back shows the cluster at
// that moment (the page's clock says so) with a way back to the end, and
// going back to the end shows the run's end again.
func TestPageScrubber(t *testing.T) {
	p := openPage(t)
	p.waitString("a second of virtual time", `(() => {
		const e = document.querySelector("#virtual-time");
		return e && parseFloat(e.textContent) >= 1 ? e.textContent : "";
	})()`)
	p.click("#pause")
	if _, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`(() => {
		const s = document.querySelector("#scrub");
		s.value = "500";
		s.dispatchEvent(new Event("input", { bubbles: true }));
		return true;
	})()`)); err != nil {
		p.fatal("moving the scrubber: %v", err)
	}
	p.waitString("the clock at 0.500 s", `(() => {
		const e = document.querySelector("#virtual-time");
		return e && e.textContent.startsWith("0.500") && document.querySelector("#to-end") ? e.textContent : "";
	})()`)
	p.click("#to-end")
	p.waitString("the clock back at the end", `(() => {
		const e = document.querySelector("#virtual-time");
		return e && parseFloat(e.textContent) >= 1 && !document.querySelector("#to-end") ? e.textContent : "";
	})()`)
	p.noErrors()
}

// TestPageSharedRun: the address bar holds the run; opening that address
// in a fresh tab replays the same run (the same node crashed, the same
// virtual time and event count); a hostile address gives a default
// cluster and says why, with nothing from it in the page's markup.
func TestPageSharedRun(t *testing.T) {
	url := startServer(t)
	console := &consoleLog{}
	p := &page{t: t, ctx: newBrowser(t, console), console: console}
	if err := chromedp.Do(p.ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("opening %s: %v", url, err)
	}
	lead := p.waitString("a leader", leaderExcept(""))
	p.click(fmt.Sprintf(`button[data-action="crash"][data-node=%q]`, lead))
	p.click("#pause")
	// An action while paused ends the run written in the address exactly
	// at the moment shown.
	p.click("#heal-all")
	shared := p.waitString("the run in the address", `location.hash.startsWith("#run=") && atob(location.hash.slice(5).replace(/-/g, "+").replace(/_/g, "/")).includes("heal") ? location.href : ""`)
	state := `(() => {
		if (!document.querySelector("#virtual-time")) return "";
		const down = [...document.querySelectorAll('[data-role="down"][data-node-id]')].map((e) => e.dataset.nodeId).join(",");
		const events = document.querySelector(".event-list")?.textContent.match(/(\d+) events so far/)?.[1] ?? "";
		return down + "|" + document.querySelector("#virtual-time").textContent + "|" + events;
	})()`
	want := p.waitString("the state", state)

	q := &page{t: t, ctx: newBrowser(t, console), console: console}
	if err := chromedp.Do(q.ctx, chromedp.Navigate(shared)); err != nil {
		t.Fatalf("opening the shared run: %v", err)
	}
	got := q.waitString("the shared run", `(() => { const s = `+state+`; return s.startsWith("`+lead+`|") ? s : ""; })()`)
	if got != want {
		t.Fatalf("the shared run shows %q (crashed|time|events), the original %q", got, want)
	}

	r := &page{t: t, ctx: newBrowser(t, console), console: console}
	hostile := url + "#run=" + "PGltZyBzcmM9eCBvbmVycm9yPWFsZXJ0KDEpPg" // "<img src=x onerror=alert(1)>"
	if err := chromedp.Do(r.ctx, chromedp.Navigate(hostile)); err != nil {
		t.Fatalf("opening a hostile link: %v", err)
	}
	notice := r.waitString("the notice", `document.querySelector("#notice")?.textContent ?? ""`)
	if !strings.Contains(notice, "could not be loaded") || !strings.Contains(notice, "line 1") {
		t.Errorf("notice for a hostile link: %q", notice)
	}
	if n, _ := chromedp.Run(r.ctx, chromedp.Evaluate[int](`document.querySelectorAll("img").length`)); n != 0 {
		t.Errorf("the hostile link put %d img elements in the page", n)
	}
	r.waitString("a leader in the default cluster", leaderExcept(""))
}

// TestPageClockFollowsFrames: the clock is driven by animation frames: it
// runs while the page shows, and paused it stays put.
func TestPageClockFollowsFrames(t *testing.T) {
	p := openPage(t)
	clock := `parseFloat(document.querySelector("#virtual-time")?.textContent ?? "0")`
	p.waitString("the clock past 0.5 s", `(`+clock+` > 0.5) ? "yes" : ""`)
	p.click("#pause")
	time.Sleep(200 * time.Millisecond) // the pause renders
	before, _ := chromedp.Run(p.ctx, chromedp.Evaluate[float64](clock))
	time.Sleep(700 * time.Millisecond)
	after, _ := chromedp.Run(p.ctx, chromedp.Evaluate[float64](clock))
	if after != before {
		t.Errorf("paused, the clock moved from %v to %v", before, after)
	}
	p.click("#pause")
	p.waitString("the clock running again", fmt.Sprintf(`(%s > %v) ? "yes" : ""`, clock, after))
	p.noErrors()
}
