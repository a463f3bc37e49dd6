//go:build browser

// The embeds under the page's Content-Security-Policy: embed.html and
// docs-example.html keep their scripts and styles in files, so they run
// under the policy cmd/serve sends them.
//
//	./build.sh && go test -tags browser -count=1 -run TestAccessEmbedsUnderCSP ./cmd/serve/
package main

import (
	"testing"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestAccessEmbedsUnderCSP: each embed page comes with the page's policy,
// runs its <raft-playground> elements under it (each has its cluster and
// draws), has its own stylesheet applied (proof the file loaded), and
// reports not one securitypolicyviolation event nor console error.
func TestAccessEmbedsUnderCSP(t *testing.T) {
	for _, tc := range []struct {
		path string
		// styled is JavaScript that gives "yes" once the page's own
		// stylesheet applies.
		styled string
	}{
		{"docs-example.html", `getComputedStyle(document.body).backgroundColor === "rgb(251, 251, 252)" ? "yes" : ""`},
		{"embed.html?src=scenarios/leader-crash.txt&autoplay&controls=play+restart", `getComputedStyle(document.body).marginTop === "0px" ? "yes" : ""`},
	} {
		t.Run(tc.path, func(t *testing.T) {
			url := startServer(t)
			console := &consoleLog{}
			p := &page{t: t, ctx: newBrowser(t, console), console: console}
			if _, err := chromedp.Call(p.ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: cspWatch}); err != nil {
				t.Fatalf("adding the script: %v", err)
			}
			if err := chromedp.Do(p.ctx, chromedp.Navigate(url+tc.path)); err != nil {
				t.Fatalf("opening %s: %v", tc.path, err)
			}
			p.waitString("its embeds running", `(() => {
				const els = [...document.querySelectorAll("raft-playground")];
				return els.length > 0 && els.every((e) => e.cluster && e.cluster.status().events > 0) ? "yes" : "";
			})()`)
			p.waitString("its stylesheet applied", tc.styled)
			policy, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`fetch(location.href).then((r) => r.headers.get("Content-Security-Policy") ?? "")`, chromedp.EvalAwaitPromise))
			if err != nil || policy != ContentSecurityPolicy {
				p.fatal("%s: Content-Security-Policy %q (%v), want %q", tc.path, policy, err, ContentSecurityPolicy)
			}
			if n, _ := chromedp.Run(p.ctx, chromedp.Evaluate[int](`document.querySelectorAll("script:not([src]), style").length`)); n != 0 {
				p.fatal("%s: %d inline scripts or style elements", tc.path, n)
			}
			violations, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`window.__cspViolations.join("\n")`))
			if violations != "" {
				p.fatal("%s: Content-Security-Policy violations:\n%s", tc.path, violations)
			}
			p.noErrors()
		})
	}
}
