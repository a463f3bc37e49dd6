package web

import (
	"testing"
	"time"
)

// TestKeys: each keyboard shortcut of the help overlay does what its
// button does (issue 8, item 8).
func TestKeys(t *testing.T) {
	p := newPlayground(t)
	leader := leaderAfter(t, p, 2*time.Second)

	// 1–9: crash node n, and restart it when down.
	if !p.Key("1") || p.View().Nodes[0].Up {
		t.Fatal("1 did not crash n1")
	}
	if !p.Key("1") || !p.View().Nodes[0].Up {
		t.Fatal("1 did not restart n1")
	}
	if p.Key("6") || p.Key("0") {
		t.Error("a key for a node the cluster does not have is handled")
	}

	// Space pauses and plays; "." handles exactly one event and pauses.
	p.Key(" ")
	if !p.View().Paused {
		t.Fatal("space did not pause")
	}
	p.Key(" ")
	if p.View().Paused {
		t.Fatal("space did not play")
	}
	before := p.world.Handled()
	p.Key(".")
	if got := p.world.Handled(); got != before+1 || !p.View().Paused {
		t.Fatalf(". handled %d events and paused %v, want 1 and paused", got-before, p.View().Paused)
	}

	// s and b send puts, h heals.
	p.Key("s")
	p.Key("b")
	if n := len(p.world.Proposals(-1)); n != 1+BurstSize {
		t.Errorf("s and b proposed %d commands, want %d", n, 1+BurstSize)
	}
	p.SetLink(leader, leader%5+1, false)
	p.Key("h")
	if v := p.View(); v.Cut != 0 {
		t.Errorf("h left %d links cut", v.Cut)
	}

	// Arrows scrub by ScrubStep, and not past the run's end.
	p.TogglePause()
	advance(p, 200*time.Millisecond)
	end := p.world.Now()
	p.Key("ArrowLeft")
	p.Key("ArrowLeft")
	if got := p.world.Now(); got != end-2*ScrubStep || !p.Behind() {
		t.Errorf("two ← show %v (behind %v), want %v", got, p.Behind(), end-2*ScrubStep)
	}
	p.Key("ArrowRight")
	p.Key("ArrowRight")
	p.Key("ArrowRight")
	if got := p.world.Now(); got != end || p.Behind() {
		t.Errorf("three → show %v (behind %v), want the end %v", got, p.Behind(), end)
	}

	for _, k := range []string{"x", "S", "Enter", "?", "Escape", "11"} {
		if p.Key(k) {
			t.Errorf("%q is handled", k)
		}
	}
}
