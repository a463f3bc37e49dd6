//go:build browser

package main

import (
	"strings"
	"testing"
)

// TestPageWireListHoldRelease: paused, the message panel lists the
// messages on the wire; one picked from the list shows its fields, held it
// stays on the wire while the run plays on, and released it arrives: the
// panel then says it has left the wire.
func TestPageWireListHoldRelease(t *testing.T) {
	p := openPage(t)
	p.waitString("a leader", leaderExcept(""))
	p.click("#pause")
	p.waitString("the hint while playing gone", `document.querySelector(".wire-title") ? "ok" : ""`)
	p.click("#burst") // the leader's appends go on the wire at once
	id := p.waitString("a message in the list", `document.querySelector(".wire-list button")?.dataset.msg ?? ""`)
	sel := `.wire-list button[data-msg="` + id + `"]`
	p.click(sel)
	title := p.waitString("the picked message's fields", `(() => {
		const t = document.querySelector(".message-title")?.textContent ?? "";
		return t.startsWith("#`+id+` ") && document.querySelector(".message-fields") ? t : "";
	})()`)
	p.click("#msg-hold")
	p.waitString("the release button", `document.querySelector("#msg-release") ? "ok" : ""`)

	// Play on: every other message of the burst arrives; the held one stays.
	p.click("#pause")
	p.waitString("time passing", `parseFloat(document.querySelector("#virtual-time").textContent) > 0 ? "ok" : ""`)
	start := p.waitString("the clock", `document.querySelector("#virtual-time").textContent`)
	p.waitString("100 ms more", `parseFloat(document.querySelector("#virtual-time").textContent) > `+strings.Fields(start)[0]+` + 0.1 ? "ok" : ""`)
	p.click("#pause")
	held := p.waitString("the held message listed", `document.querySelector('`+sel+`')?.textContent ?? ""`)
	if !strings.HasSuffix(held, ", held") || !strings.Contains(title, "→") {
		p.fatal("the held message is listed as %q (picked as %q)", held, title)
	}
	if got := p.waitString("the panel", `document.querySelector(".message-title")?.textContent ?? ""`); got != title {
		p.fatal("the panel shows %q, not the held message %q", got, title)
	}

	p.click("#msg-release")
	p.click("#pause")
	p.waitString("the message arrived", `(document.querySelector(".message-title")?.textContent ?? "").includes("has left the wire") ? "ok" : ""`)
	p.noErrors()
}
