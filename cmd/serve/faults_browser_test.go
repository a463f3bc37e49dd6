//go:build browser

package main

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// TestPageCutLinkNothingCrosses: with the link from the leader to one
// follower cut in the link matrix, a burst of commands reaches every other
// follower and not that one, whose log stays as it was; healed, the
// follower catches up.
func TestPageCutLinkNothingCrosses(t *testing.T) {
	p := openPage(t)
	lead := p.waitString("a leader", leaderExcept(""))
	// Past the election and the first heartbeats: every log holds the
	// leader's first entry.
	p.waitString("1 s of virtual time", `parseFloat(document.querySelector("#virtual-time").textContent) >= 1 ? "ok" : ""`)
	l, _ := strconv.Atoi(lead)
	f := l%5 + 1
	lastIndex := func(id int) string {
		return fmt.Sprintf(`document.querySelector('[data-node-id="%d"] .last-index dd').textContent`, id)
	}
	p.click(`button[data-tab="network"]`)
	p.click(fmt.Sprintf(`button.link[data-from="%d"][data-to="%d"]`, l, f))
	p.waitString("the link shown cut", fmt.Sprintf(`document.querySelector('button.link[data-from="%d"][data-to="%d"]').getAttribute("aria-pressed") === "true" ? "ok" : ""`, l, f))
	before := p.waitString("the follower's last index", lastIndex(f))
	p.click("#burst")
	// The others get the ten entries.
	others := []string{}
	for id := 1; id <= 5; id++ {
		if id != f {
			others = append(others, fmt.Sprintf("Number(%s) >= %s + 10", lastIndex(id), before))
		}
	}
	p.waitString("the burst on every other node", `(`+strings.Join(others, " && ")+`) ? "ok" : ""`)
	// A few heartbeat intervals later the cut follower still has none.
	then := p.waitString("the clock", `document.querySelector("#virtual-time").textContent`)
	p.waitString("300 ms more", `parseFloat(document.querySelector("#virtual-time").textContent) >= `+strings.Fields(then)[0]+` + 0.3 ? "ok" : ""`)
	if got := p.waitString("the follower's last index", lastIndex(f)); got != before {
		p.fatal("n%d's last index went from %s to %s across the cut link from n%d", f, before, got, l)
	}
	p.click("#heal-all")
	p.waitString("the follower caught up", fmt.Sprintf(`Number(%s) >= %s + 10 ? "ok" : ""`, lastIndex(f), before))
	p.noErrors()
}

// TestPageStepOneEvent: paused, each click of Step handles exactly one
// event: the event count the clock shows goes up by one, the clock never
// goes back, whatever the feed lists new happened at the time shown, and
// the page stays paused.
func TestPageStepOneEvent(t *testing.T) {
	p := openPage(t)
	p.waitString("a leader", leaderExcept(""))
	p.click("#pause")
	// Every kind of event in the feed, so that each step's shows.
	p.run("showing every kind", `for (const b of document.querySelectorAll('button.feed-kind[aria-pressed="false"]')) b.click()`)
	p.waitString("every kind shown", `document.querySelectorAll('button.feed-kind[aria-pressed="false"]').length === 0 ? "ok" : ""`)
	// "0.533 s · event 812|120": the clock, the event count and the
	// newest feed entry.
	state := `(() => {
		const n = Math.max(...[...document.querySelectorAll("#feed-list li[data-n]")].map((li) => Number(li.dataset.n)));
		return document.querySelector("#scrub-text").textContent + "|" + n;
	})()`
	parse := func(s string) (at float64, event, newest int) {
		if _, err := fmt.Sscanf(s, "%g s · event %d|%d", &at, &event, &newest); err != nil {
			p.fatal("the clock and feed read %q: %v", s, err)
		}
		return
	}
	prev := p.waitString("the state", `(() => { const s = `+state+`; return s.includes(" · event ") ? s : ""; })()`)
	for i := 0; i < 8; i++ {
		t0, e0, n0 := parse(prev)
		p.click("#step")
		cur := p.waitString("the step shown", fmt.Sprintf(`(() => { const s = `+state+`; return s.includes(" · event %d|") ? s : ""; })()`, e0+1))
		t1, _, n1 := parse(cur)
		if t1 < t0 {
			p.fatal("step %d: the clock went back from %q to %q", i+1, prev, cur)
		}
		if n1 > n0 {
			at := p.waitString("the new entries' times", fmt.Sprintf(`[...new Set([...document.querySelectorAll("#feed-list li[data-n]")].filter((li) => Number(li.dataset.n) > %d).map((li) => li.dataset.at))].join(",")`, n0))
			if want := strconv.FormatFloat(t1, 'f', 3, 64); at != want {
				p.fatal("step %d: the new entries happened at %q, want all at %s (one event)", i+1, at, want)
			}
		}
		if paused := p.waitString("paused", `document.querySelector("#pause").getAttribute("aria-pressed")`); paused != "true" {
			p.fatal("step %d left the page playing", i+1)
		}
		prev = cur
	}
	p.noErrors()
}
