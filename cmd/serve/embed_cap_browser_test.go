//go:build browser

// The cap on animating embeds (issue 9, item 7; DESIGN.md): at most 16
// <raft-playground> elements of a page animate at once, the others wait
// with a note saying why and a button that plays them instead.
//
//	./build.sh && go test -tags browser -count=1 -run TestEmbedCap ./cmd/serve/
package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// capState is what the test reads of one of the 18 embeds.
type capState struct {
	ID      string  `json:"id"`
	TimeMs  float64 `json:"time_ms"`
	Playing bool    `json:"playing"`
	Waiting bool    `json:"waiting"`
	// Note is the waiting note's text when it shows, "" when hidden.
	Note   string `json:"note"`
	Status string `json:"status"`
}

// capStatesJS reads every embed's capState.
const capStatesJS = `JSON.stringify([...document.querySelectorAll("raft-playground")].map((e) => {
	const note = e.shadowRoot.querySelector(".waiting");
	return {
		id: e.id, time_ms: e.time, playing: e.playing, waiting: e.waiting,
		note: note.hidden || note.offsetHeight === 0 ? "" : note.textContent,
		status: e.shadowRoot.querySelector(".status").textContent,
	};
}))`

// capStates reads the embeds, lets 30 animation frames pass, reads them
// again and returns the second reading with the ids whose virtual time
// moved in between.
func (p *page) capStates() ([]capState, []string) {
	p.t.Helper()
	var before, after []capState
	p.eval("reading the embeds", capStatesJS, &before)
	start := p.waitString("frames", framesJS)
	p.waitString("30 frames", `window.__frames >= `+start+` + 30 ? "ok" : ""`)
	p.eval("reading the embeds again", capStatesJS, &after)
	var moved []string
	for i, s := range after {
		if i < len(before) && before[i].ID == s.ID && s.TimeMs > before[i].TimeMs {
			moved = append(moved, s.ID)
		}
	}
	return after, moved
}

// checkCap fails unless exactly want embeds moved, every one that moved is
// neither waiting nor showing the note, and every waiting one did not move
// and shows the note and says so in its status; it returns the waiting ids.
func (p *page) checkCap(when string, states []capState, moved []string, want int) []string {
	p.t.Helper()
	if len(moved) != want {
		p.fatal("%s: %d embeds advanced in 30 frames, want %d: %v", when, len(moved), want, moved)
	}
	var waiting []string
	for _, s := range states {
		switch {
		case s.Waiting && slices.Contains(moved, s.ID):
			p.fatal("%s: %s advanced while waiting", when, s.ID)
		case s.Waiting && (!strings.Contains(s.Note, "16 other embeds on this page are animating") || !strings.Contains(s.Note, "Play this one instead")):
			p.fatal("%s: %s waits with the note %q", when, s.ID, s.Note)
		case s.Waiting && !strings.Contains(s.Status, "waiting"):
			p.fatal("%s: %s waits, its status says %q", when, s.ID, s.Status)
		case !s.Waiting && s.Note != "":
			p.fatal("%s: %s does not wait but shows %q", when, s.ID, s.Note)
		}
		if s.Waiting {
			waiting = append(waiting, s.ID)
		}
	}
	return waiting
}

// TestEmbedCap: a page with 18 playing embeds, all on screen, animates 16;
// the other two wait with a note. Removing one that animates starts the
// first that waits; one that leaves the screen starts the other; coming
// back it waits, and its "Play this one instead" starts it and pauses the
// embed that has animated longest.
func TestEmbedCap(t *testing.T) {
	p := openDocsExample(t, 1280, 4000)
	// 18 small plain clusters, each about 160 px tall with its bar: all
	// on screen at once.
	p.eval("making 18 embeds", `JSON.stringify((() => {
		const main = document.querySelector("main");
		main.replaceChildren();
		for (let i = 1; i <= 18; i++) {
			const e = document.createElement("raft-playground");
			e.id = "e" + i;
			e.setAttribute("nodes", "3");
			e.setAttribute("seed", String(i));
			e.setAttribute("autoplay", "");
			e.setAttribute("height", "120");
			e.setAttribute("controls", "play");
			e.setAttribute("panels", "status");
			e.style.margin = "4px 0";
			main.append(e);
		}
		return null;
	})())`, new(any))
	p.waitString("18 embeds loaded, 16 started and 2 waiting", `(() => {
		const els = [...document.querySelectorAll("raft-playground")];
		const bottom = Math.max(...els.map((e) => e.getBoundingClientRect().bottom));
		if (els.length !== 18 || !els.every((e) => e.cluster) || bottom > innerHeight) return "";
		return els.filter((e) => e.time > 0).length === 16 && els.filter((e) => e.waiting).length === 2 ? "ok" : "";
	})()`)
	states, moved := p.capStates()
	waiting := p.checkCap("18 embeds", states, moved, 16)
	if len(waiting) != 2 {
		p.fatal("18 embeds: waiting %v, want two", waiting)
	}
	for _, s := range states {
		if slices.Contains(waiting, s.ID) && (s.TimeMs != 0 || !s.Playing) {
			p.fatal("%s waits at %v ms, playing %v: it should be playing and never have started", s.ID, s.TimeMs, s.Playing)
		}
	}

	// Removing one that animates hands its slot to the one that asked
	// first of the two that wait (which of them asked first is the
	// IntersectionObservers' order; AnimationSlots' Node.js test checks
	// the queue's order).
	gone := moved[0]
	p.eval("removing one", fmt.Sprintf(`JSON.stringify(document.getElementById(%q).remove() ?? null)`, gone), new(any))
	started := p.waitString("a waiting one started", fmt.Sprintf(`[%q, %q].find((id) => document.getElementById(id).time > 0) ?? ""`, waiting[0], waiting[1]))
	other := waiting[0]
	if other == started {
		other = waiting[1]
	}
	states, moved = p.capStates()
	if left := p.checkCap("one removed", states, moved, 16); !slices.Equal(left, []string{other}) || !slices.Contains(moved, started) {
		p.fatal("one removed: advanced %v, waiting %v; want %s advancing and [%s] waiting", moved, left, started, other)
	}

	// One that leaves the screen (hidden: the IntersectionObserver says it
	// is not visible) hands its slot to the other.
	away := moved[0]
	p.eval("hiding one", fmt.Sprintf(`JSON.stringify((document.getElementById(%q).hidden = true) && null)`, away), new(any))
	p.waitString("the other waiting one started", fmt.Sprintf(`document.getElementById(%q).time > 0 ? "ok" : ""`, other))
	states, moved = p.capStates()
	if left := p.checkCap("one off screen", states, moved, 16); len(left) != 0 || slices.Contains(moved, away) {
		p.fatal("one off screen: %s advanced %v, waiting %v; want 16 advancing without it, none waiting", away, moved, left)
	}

	// Back on screen it waits: 16 animate already.
	p.eval("showing it again", fmt.Sprintf(`JSON.stringify((document.getElementById(%q).hidden = false) || null)`, away), new(any))
	p.waitString("it waits", fmt.Sprintf(`document.getElementById(%q).waiting ? "ok" : ""`, away))
	states, moved = p.capStates()
	if left := p.checkCap("back on screen", states, moved, 16); !slices.Equal(left, []string{away}) {
		p.fatal("back on screen: waiting %v, want [%s]", left, away)
	}

	// Its button plays it at once and pauses the one that has animated
	// longest (the first of the 16 still there: e.g. not the removed one).
	var awayTime float64
	p.eval("its time", fmt.Sprintf(`JSON.stringify(document.getElementById(%q).time)`, away), &awayTime)
	p.eval("pressing Play this one instead", fmt.Sprintf(`JSON.stringify(document.getElementById(%q).shadowRoot.querySelector(".waiting button").click() ?? null)`, away), new(any))
	p.waitString("it goes on", fmt.Sprintf(`document.getElementById(%q).time > %s ? "ok" : ""`, away, jsonNumber(awayTime)))
	states, moved = p.capStates()
	if left := p.checkCap("played instead", states, moved, 16); len(left) != 0 || !slices.Contains(moved, away) {
		p.fatal("played instead: advanced %v, waiting %v; want %s among 16 advancing, none waiting", moved, left, away)
	}
	var paused []string
	for _, s := range states {
		if !s.Playing {
			paused = append(paused, s.ID)
		}
	}
	if len(paused) != 1 || slices.Contains(moved, paused[0]) || !strings.Contains(statusOf(states, paused[0]), "paused") {
		p.fatal("played instead: paused %v, want exactly one, not advancing, saying so", paused)
	}
	if errs := p.console.String(); errs != "" {
		t.Fatalf("the page reported errors:\n%s", errs)
	}
}

// statusOf is the status line of the embed id.
func statusOf(states []capState, id string) string {
	for _, s := range states {
		if s.ID == id {
			return s.Status
		}
	}
	return ""
}
