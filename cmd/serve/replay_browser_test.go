//go:build browser

package main

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/raftplayground/raftplayground/web"
)

// replayWatch records every text the boot screen's status shows, with the
// progress bar's value and max, before the page's own scripts run.
const replayWatch = `window.__bootSeen = [];
new MutationObserver(() => {
	const s = document.getElementById("boot-status");
	const b = document.getElementById("boot-progress");
	if (s && b) window.__bootSeen.push(s.textContent + "|" + b.value + "|" + b.max);
}).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });`

// TestReplayShowsProgress: a link to a long run (a minute of a busy
// cluster) replays in slices: the boot screen says how far the replay has
// come, with the bar moving, instead of sitting at "Starting the cluster…"
// until the run is rebuilt; then the page shows the run's end.
func TestReplayShowsProgress(t *testing.T) {
	text := "nodes 5\nclients 8\nclient-rate 400\nseed 2\nat 1m\n"
	p, _ := openWatchedAt(t, replayWatch, web.RunFragment(text))
	p.waitString("the run's end", `document.querySelector("#virtual-time")?.textContent.startsWith("60.000") ? "ok" : ""`)
	seen, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](`window.__bootSeen`))
	if err != nil {
		p.fatal("reading what the boot screen showed: %v", err)
	}
	var replaying []string
	for _, s := range seen {
		if strings.HasPrefix(s, "Replaying the run in the link: ") {
			replaying = append(replaying, s)
		}
	}
	if len(replaying) < 2 {
		p.fatal("the boot screen showed %d replay reports, want the replay's progress as it goes:\n%s", len(replaying), strings.Join(seen, "\n"))
	}
	first, last := strings.Split(replaying[0], "|"), strings.Split(replaying[len(replaying)-1], "|")
	if first[2] != "60" || first[1] == last[1] || !strings.Contains(first[0], "of 60.0 s of virtual time") {
		p.fatal("replay reports from %q to %q: want the bar's max at the run's 60 s and its value moving", replaying[0], replaying[len(replaying)-1])
	}
	p.noErrors()
}

// TestFollowLongRunLinkInPage: a long run's link pasted into an open page
// loads over the next frames, with a notice saying how far it has come,
// while the page stays paused on the run it had; then it shows the link's
// run at its end. The page answers clicks meanwhile.
func TestFollowLongRunLinkInPage(t *testing.T) {
	p := openPage(t)
	p.waitString("a leader", leaderExcept(""))
	p.click("#pause")
	p.run("watching the notice", `window.__notices = [];
		new MutationObserver(() => {
			const n = document.querySelector("#notice")?.textContent ?? "";
			if (n && window.__notices[window.__notices.length - 1] !== n) window.__notices.push(n);
		}).observe(document.body, { subtree: true, childList: true, characterData: true })`)
	text := "nodes 5\nclients 8\nclient-rate 400\nseed 2\nat 1m\n"
	p.run("following a link", `location.hash = "`+web.RunFragment(text)+`"`)
	p.waitString("the link's run at its end", `document.querySelector("#virtual-time")?.textContent.startsWith("60.000") && !document.querySelector("#notice") ? "ok" : ""`)
	notices, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](`window.__notices`))
	if err != nil {
		p.fatal("reading the notices: %v", err)
	}
	var loading []string
	for _, n := range notices {
		if strings.HasPrefix(n, "Loading the run in the link: ") && strings.HasSuffix(n, " of 60.000 s of virtual time…") {
			loading = append(loading, n)
		}
	}
	if len(loading) < 2 {
		p.fatal("the page showed %d notices of the load's progress, want it moving:\n%s", len(loading), strings.Join(notices, "\n"))
	}
	p.noErrors()
}

// clipboardStub stands in for the browser's clipboard (headless Chromium
// refuses a page without focus): it keeps what was written.
const clipboardStub = `Object.defineProperty(navigator, "clipboard", { configurable: true, value: {
	writeText: (text) => { window.__copied = text; return Promise.resolve(); },
} });`

// TestPageCopyLink: Copy link puts the page's address, holding the run to
// where it stands, on the clipboard, and says so; the address bar holds
// the same link.
func TestPageCopyLink(t *testing.T) {
	p, url := openWatchedAt(t, clipboardStub, "")
	lead := p.waitString("a leader", leaderExcept(""))
	p.click(`button[data-action="crash"][data-node="` + lead + `"]`)
	p.click("#copy-link")
	status := p.waitString("the copy's status", `(document.querySelector("#copy-status")?.textContent ?? "").startsWith("Link copied") ? document.querySelector("#copy-status").textContent : ""`)
	copied, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`window.__copied ?? ""`))
	if err != nil {
		p.fatal("reading the clipboard: %v", err)
	}
	href, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`location.href`))
	if copied != href || !strings.HasPrefix(copied, url+"#run=") {
		p.fatal("copied %q; the address is %q; want the same run link", copied, href)
	}
	text, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(copied, url+"#run="))
	if err != nil || !strings.Contains(string(text), "crash n"+lead) {
		p.fatal("the copied link's run %q (%v) lacks the crash of n%s", text, err, lead)
	}
	t.Logf("%s", status)
	p.noErrors()
}
