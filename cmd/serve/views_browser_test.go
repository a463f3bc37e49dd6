//go:build browser

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// whole is the rectangle of a whole canvas c, for countColour.
const whole = "0, 0, c.clientWidth, c.clientHeight"

// countColour is JavaScript counting the pixels of canvas sel whose colour
// is within 10 of rgb, within the rectangle rect: JavaScript giving x0,
// y0, x1, y1 in CSS pixels, where c is the canvas.
func countColour(sel string, rgb [3]int, rect string) string {
	return fmt.Sprintf(`(() => {
		const c = document.querySelector(%q);
		const k = c.width / c.clientWidth;
		const [x0, y0, x1, y1] = [%s];
		const w = Math.max(1, Math.round((x1 - x0) * k)), h = Math.max(1, Math.round((y1 - y0) * k));
		const d = c.getContext("2d").getImageData(Math.round(x0 * k), Math.round(y0 * k), w, h).data;
		let n = 0;
		for (let i = 0; i < d.length; i += 4) {
			if (Math.abs(d[i] - %d) <= 10 && Math.abs(d[i+1] - %d) <= 10 && Math.abs(d[i+2] - %d) <= 10 && d[i+3] > 200) n++;
		}
		return n;
	})()`, sel, rect, rgb[0], rgb[1], rgb[2])
}

// TestPageViews: the logs view paints every node's entries (cells in the
// first term colours, commit boundaries in green) and the space-time
// diagram the leader's span; a crashed node's lane turns to the down
// shade up to now; clicking a row of the logs lists that node's store.
// Screenshots at 1440 and 400 px wide go to artifacts/.
func TestPageViews(t *testing.T) {
	url := startServer(t)
	console := &consoleLog{}
	p := &page{t: t, ctx: newBrowser(t, console), console: console}
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(1440, 900)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(p.ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("opening %s: %v", url, err)
	}
	lead := p.waitString("a leader", leaderExcept(""))

	atLeast := func(what, expr string, n int) {
		t.Helper()
		p.waitString(what, fmt.Sprintf(`(() => { const n = %s; return n >= %d ? String(n) : ""; })()`, expr, n))
	}
	// Logs: cells of terms 1 to 3 (web/scene.TermColor; the first leader's
	// term is one of them) and the green commit lines (#1b7f3b).
	cellColours := fmt.Sprintf("(%s + %s + %s)",
		countColour("#logs-canvas", [3]int{0xfd, 0xe2, 0xb8}, whole),
		countColour("#logs-canvas", [3]int{0xd4, 0xed, 0xd0}, whole),
		countColour("#logs-canvas", [3]int{0xec, 0xd5, 0xf2}, whole))
	atLeast("log cells of terms 1-3 on the logs canvas", cellColours, 200)
	atLeast("commit boundaries on the logs canvas", countColour("#logs-canvas", [3]int{0x1b, 0x7f, 0x3b}, whole), 50)
	// Space-time: the leader's span, #dcefe1.
	atLeast("the leader's span on the space-time canvas", countColour("#spacetime-canvas", [3]int{0xdc, 0xef, 0xe1}, whole), 200)
	label, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.querySelector("#logs-canvas").getAttribute("aria-label")`))
	if want := "n" + lead + " (leader): log 1–"; !strings.Contains(label, want) {
		t.Errorf("the logs canvas's label %q lacks %q", label, want)
	}

	// Crash the leader: its lane (web/scene.SpaceTimeLayoutFor: lanes 34
	// px high from y=6, the plot ending 10 px from the right) is shaded
	// #f1d9d9 at its right end.
	p.click(fmt.Sprintf(`button[data-action="crash"][data-node=%q]`, lead))
	var id int
	fmt.Sscan(lead, &id)
	laneTop := 6 + float64(id-1)*34 + 34*0.15
	lane := fmt.Sprintf("c.clientWidth - 40, %g, c.clientWidth - 10, %g", laneTop, laneTop+34*0.7)
	atLeast("n"+lead+"'s lane shaded down", countColour("#spacetime-canvas", [3]int{0xf1, 0xd9, 0xd9}, lane), 100)

	// A click on n2's row of the logs lists n2's store.
	clickAt := func(sel string, x, y float64) {
		t.Helper()
		// In view first: clicking a button may have scrolled the page.
		xy := p.waitString("the point", fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.scrollIntoView({ block: "center" }); const r = e.getBoundingClientRect(); return (r.left + %g) + "," + (r.top + %g); })()`, sel, x, y))
		var cx, cy float64
		if _, err := fmt.Sscanf(xy, "%g,%g", &cx, &cy); err != nil {
			p.fatal("point %q: %v", xy, err)
		}
		if err := chromedp.Do(p.ctx, chromedp.MouseClickXY(cx, cy)); err != nil {
			p.fatal("clicking %s: %v", sel, err)
		}
	}
	clickAt("#logs-canvas", 100, 20+26*1.5)
	p.waitString("n2's store listed", `(() => { const h = document.querySelector("#kv-title"); return h && h.textContent.includes("of n2") ? h.textContent : ""; })()`)

	shot := func(width int64, name string) {
		t.Helper()
		if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(width, 900)); err != nil {
			t.Fatal(err)
		}
		p.waitString("the views repainted at the new width", fmt.Sprintf(`(() => { const c = document.querySelector("#spacetime-canvas"); return Math.abs(c.width / devicePixelRatio - c.clientWidth) < 1 && %s > 50 ? "ok" : ""; })()`,
			countColour("#spacetime-canvas", [3]int{0xf1, 0xd9, 0xd9}, whole)))
		png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(artifactsDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(artifactsDir, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	shot(1440, "views-1440.png")
	shot(400, "views-400.png")
	if errs := console.String(); errs != "" {
		t.Fatalf("the page reported errors:\n%s", errs)
	}
}
