package web

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/vugu/html"
)

// This file tests how the page's clock moves the world: speed, pause, and
// the loop that follows the wall clock (driven here by chosen ticks).

func TestClock(t *testing.T) {
	p := newPlayground(t)
	if p.Advance(TickInterval) {
		t.Error("asked for a render after one tick")
	}
	renders := 0
	for range 100 {
		if p.Advance(TickInterval) {
			renders++
		}
	}
	// A render once RenderInterval has passed: every ticksPerRender ticks.
	ticksPerRender := int((RenderInterval + TickInterval - 1) / TickInterval)
	if want := 101 / ticksPerRender; renders != want {
		t.Errorf("%d renders in 101 ticks, want %d", renders, want)
	}
	if got, want := p.World().Now(), 101*TickInterval; got != want {
		t.Errorf("virtual time %v after 101 ticks at 1x, want %v", got, want)
	}

	p.TogglePause()
	before := p.World().Now()
	if p.Advance(time.Second) || p.World().Now() != before {
		t.Error("time moved while paused")
	}
	if !p.View().Paused || text(render(t, p).byID("pause")) != "Resume" {
		t.Error("pause not shown")
	}
	p.TogglePause()

	p.SetSpeed(0.25)
	p.Advance(100 * time.Millisecond)
	if got, want := p.World().Now()-before, 25*time.Millisecond; got != want {
		t.Errorf("0.25x for 100ms moved %v, want %v", got, want)
	}
	p.SetSpeed(1)
	before = p.World().Now()
	p.Advance(time.Hour)
	if got := p.World().Now() - before; got != MaxTickWall {
		t.Errorf("a long tick moved %v, want at most %v", got, MaxTickWall)
	}

	// Of the speed buttons (the ones without a data-action), only 1× is
	// pressed.
	var pressed []*html.Node
	for _, b := range render(t, p).byAttr("aria-pressed", "true") {
		if _, ok := attr(b, "data-action"); !ok {
			pressed = append(pressed, b)
		}
	}
	if len(pressed) != 1 || text(pressed[0]) != "1×" {
		t.Errorf("pressed buttons: %d", len(pressed))
	}
}

// fakeEnv is a vugu.EventEnv that counts render requests.
type fakeEnv struct {
	sync.RWMutex
	renders int
}

func (e *fakeEnv) UnlockOnly()   { e.Unlock() }
func (e *fakeEnv) UnlockRender() { e.renders++; e.Unlock() }

// Follow is Run's loop on a clock the test owns: virtual time follows the
// wall-clock time between ticks (at 1x, exactly), a render is asked for
// once per RenderInterval, a tick after a long pause (a background tab)
// counts MaxTickWall only, and a cancelled context stops it.
func TestFollow(t *testing.T) {
	p := newPlayground(t)
	env := &fakeEnv{}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const n = 26
	ticks := make(chan time.Time, n+1)
	for i := 1; i <= n; i++ {
		ticks <- start.Add(time.Duration(i) * TickInterval)
	}
	ticks <- start.Add(n*TickInterval + time.Minute)
	close(ticks)
	before := p.World().Now()
	p.Follow(context.Background(), env, start, ticks)
	// 16 ms ticks: a render on the 13th (208 ms) and the 26th; the long
	// pause renders at once.
	if got, want := p.World().Now()-before, n*TickInterval+MaxTickWall; got != want || env.renders != 3 {
		t.Errorf("after %d ticks and a pause: virtual time advanced %v with %d renders, want %v with 3", n, got, env.renders, want)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	idle := make(chan time.Time) // never ticks: only the context can stop Follow
	at := p.World().Now()
	p.Follow(ctx, env, start, idle)
	if p.World().Now() != at {
		t.Errorf("a cancelled Follow advanced the world from %v to %v", at, p.World().Now())
	}
}
