//go:build browser

// The phone page's disclosures: what starts hidden on a narrow screen.
//
//	./build.sh && go test -tags browser -count=1 -run TestAccessPhoneDisclosures ./cmd/serve/
package main

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// disclosedParts are the parts of panels hidden at first on a phone.
var disclosedParts = []string{"replicators", "links-body", "controls-body", "feed-body"}

// TestAccessPhoneDisclosures: at 375 px the replicator table, the link
// matrix, the more controls and the event list start hidden, each behind a
// button of at least 44 px that shows it (the event list is tapped open
// here); at 1280 px every part shows and no such button does.
func TestAccessPhoneDisclosures(t *testing.T) {
	p := openPage(t)
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile)); err != nil {
		p.fatal("phone viewport: %v", err)
	}
	p.waitString("the phone layout", `innerWidth === 375 ? "yes" : ""`)
	shown := func(sel string) bool {
		p.t.Helper()
		w, err := chromedp.Run(p.ctx, chromedp.Evaluate[float64](`document.querySelector("`+sel+`").getBoundingClientRect().width`))
		if err != nil {
			p.fatal("measuring %s: %v", sel, err)
		}
		return w > 0
	}
	for _, id := range disclosedParts {
		if shown("#" + id) {
			p.fatal("on a phone #%s shows before its button is tapped", id)
		}
		small, _ := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`(() => { const r = document.querySelector("#`+id+`-toggle").getBoundingClientRect(); return r.width < 44 || r.height < 44; })()`))
		if small || !shown("#"+id+"-toggle") {
			p.fatal("on a phone #%s-toggle is hidden or under 44 px", id)
		}
	}
	height, _ := chromedp.Run(p.ctx, chromedp.Evaluate[int](`document.documentElement.scrollHeight`))
	t.Logf("the page at 375 px: %d px tall", height)
	p.click("#feed-body-toggle")
	p.waitString("the event list shown", `document.querySelector("#feed-list").getBoundingClientRect().width > 0 && document.querySelector("#feed-body-toggle").getAttribute("aria-expanded") === "true" ? "yes" : ""`)

	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		p.fatal("wide viewport: %v", err)
	}
	p.waitString("the wide layout", `innerWidth === 1280 ? "yes" : ""`)
	for _, id := range disclosedParts {
		if !shown("#"+id) || shown("#"+id+"-toggle") {
			p.fatal("at 1280 px #%s is hidden or its button shows", id)
		}
	}
	p.noErrors()
}
