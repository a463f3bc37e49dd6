// Package web holds the Vugu components of the Raft playground page and the
// view-model they show.
//
// A [Playground] owns a simulated world and everything the page keeps about
// it (speed, pause, the commands it proposed). Its [Playground.View] is a
// plain snapshot that the components only format. Everything here builds and
// tests natively; only the render loop in package wasm touches JavaScript.
//
// Locking: a Playground is not safe for concurrent use. On the page, every
// call happens with the Vugu event environment's lock held: DOM event
// handlers run under it, [Playground.Run] takes it on every tick, and the
// render loop builds under its read lock.
package web

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vugu/vugu"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
)

const (
	// TickInterval is how often [Playground.Run] advances the world: about
	// once per animation frame, so virtual time follows wall-clock time
	// closely.
	TickInterval = 16 * time.Millisecond
	// RenderInterval is the least wall-clock time between two re-renders
	// that the clock asks for (12.5 Hz). Vugu re-syncs every element on
	// every render, so the page is not re-rendered on every tick; user
	// actions still re-render at once.
	RenderInterval = 80 * time.Millisecond
	// MaxTickWall bounds the wall-clock time one tick accounts for, so a
	// page coming back from a background tab (where timers are throttled)
	// does not jump seconds ahead in one step.
	MaxTickWall = 250 * time.Millisecond

	// keepProposals is how many proposed commands the page follows.
	keepProposals = 5
	// keepEvents is how many recent events the page lists.
	keepEvents = 12
)

// Speeds are the rates of virtual to wall-clock time the page offers.
var Speeds = []float64{0.1, 0.25, 1}

// Delays are the response delays a node card offers: the most extra
// latency each response the node sends gets.
var Delays = []time.Duration{0, 50 * time.Millisecond, 200 * time.Millisecond}

// Playground is a simulated cluster as the page shows it.
type Playground struct {
	world *sim.World
	// speed is virtual seconds per wall-clock second.
	speed  float64
	paused bool
	// sinceRender is the wall-clock time advanced since the clock last
	// asked for a render.
	sinceRender time.Duration

	// commands counts the commands proposed so far; it numbers them.
	commands int
	// result describes the answer to the last proposal.
	result       string
	resultFailed bool
	// notice is the last error of a crash, restart or other fault, shown
	// until the next action.
	notice string
	// proposals are the last keepProposals accepted proposals, oldest
	// first.
	proposals []proposal
	// delays are the response delays set through the page, by node; the
	// world's status does not report them.
	delays map[raft.NodeID]time.Duration

	// allEvents shows every trace event, not only the notable ones.
	allEvents bool
	// notable are the latest notable trace events, oldest first, and seen
	// is the trace length up to which they were collected.
	notable []sim.TraceEvent
	seen    uint64

	// status is the world's status as of the last View, kept so that the
	// next one reuses its slices.
	status sim.Status
	// cluster is the cluster view's state between frames.
	cluster clusterView
}

// proposal is a command the page handed to the cluster.
type proposal struct {
	command string
	sim.Proposal
}

// New makes a playground around a new world with opts, running at 1x.
func New(opts sim.Options) (*Playground, error) {
	w, err := sim.New(opts)
	if err != nil {
		return nil, err
	}
	p := &Playground{world: w, speed: 1}
	p.collect()
	return p, nil
}

// World returns the simulated world. Callers must hold the same lock as
// for every other method.
func (p *Playground) World() *sim.World { return p.world }

// Advance moves virtual time on by wall (at most [MaxTickWall] of it)
// times the speed, unless paused. It reports whether the page should be
// re-rendered: at most once per [RenderInterval].
func (p *Playground) Advance(wall time.Duration) (render bool) {
	if p.paused || wall <= 0 {
		return false
	}
	wall = min(wall, MaxTickWall)
	p.world.RunFor(time.Duration(float64(wall) * p.speed))
	p.collect()
	p.sinceRender += wall
	if p.sinceRender < RenderInterval {
		return false
	}
	p.sinceRender = 0
	return true
}

// Run advances the playground in wall-clock time every [TickInterval]
// until ctx is done: [Playground.Follow] on a real ticker.
func (p *Playground) Run(ctx context.Context, env vugu.EventEnv) {
	ticker := time.NewTicker(TickInterval)
	defer ticker.Stop()
	p.Follow(ctx, env, time.Now(), ticker.C)
}

// Follow advances the playground on every tick by the wall-clock time
// since the previous one (the first counts from start), taking env's lock
// for each step and asking for a render when [Playground.Advance] says so.
// It returns when ctx is done or ticks is closed. The ticks are the only
// clock it reads, so a test drives it with the times it chooses.
func (p *Playground) Follow(ctx context.Context, env vugu.EventEnv, start time.Time, ticks <-chan time.Time) {
	last := start
	for {
		select {
		case <-ctx.Done():
			return
		case now, ok := <-ticks:
			if !ok {
				return
			}
			env.Lock()
			render := p.Advance(now.Sub(last))
			if render {
				env.UnlockRender()
			} else {
				env.UnlockOnly()
			}
			last = now
		}
	}
}

// Propose hands the next command ("set k<n>=<n>") to the current leader
// and records the answer.
func (p *Playground) Propose() {
	p.commands++
	cmd := fmt.Sprintf("set k%d=%d", p.commands, p.commands)
	p.notice = ""
	prop, err := p.world.Propose([]byte(cmd))
	p.collect()
	if err != nil {
		p.result = fmt.Sprintf("%q not accepted: %s", cmd, plainError(err))
		p.resultFailed = true
		return
	}
	p.result = fmt.Sprintf("%q accepted by n%d at index %d, term %d", cmd, prop.Leader, prop.Index, prop.Term)
	p.resultFailed = false
	p.proposals = append(p.proposals, proposal{command: cmd, Proposal: prop})
	if len(p.proposals) > keepProposals {
		p.proposals = slices.Delete(p.proposals, 0, len(p.proposals)-keepProposals)
	}
}

// Crash crashes node id; it keeps only its disk.
func (p *Playground) Crash(id int) { p.fault(p.world.Crash(raft.NodeID(id))) }

// Restart brings node id back from its disk.
func (p *Playground) Restart(id int) { p.fault(p.world.Restart(raft.NodeID(id))) }

// SetLink cuts (up=false) or heals (up=true) the directed link from → to.
func (p *Playground) SetLink(from, to int, up bool) {
	p.fault(p.world.SetLink(raft.NodeID(from), raft.NodeID(to), up))
}

// HealAll brings every link up; response delays stay.
func (p *Playground) HealAll() {
	p.world.HealAll()
	p.fault(nil)
}

// SetResponseDelay gives every response node id sends up to d extra
// latency (0 for none).
func (p *Playground) SetResponseDelay(id int, d time.Duration) {
	err := p.world.SetResponseDelay(raft.NodeID(id), d)
	if err == nil {
		if p.delays == nil {
			p.delays = map[raft.NodeID]time.Duration{}
		}
		p.delays[raft.NodeID(id)] = d
	}
	p.fault(err)
}

func (p *Playground) fault(err error) {
	p.notice = ""
	if err != nil {
		p.notice = plainError(err)
	}
	p.collect()
}

// SetSpeed sets the rate of virtual to wall-clock time; it must be
// positive.
func (p *Playground) SetSpeed(speed float64) {
	if speed > 0 {
		p.speed = speed
	}
}

// TogglePause stops or resumes virtual time.
func (p *Playground) TogglePause() { p.paused = !p.paused }

// ToggleAllEvents switches the event list between notable events and all
// events (including every message sent and delivered).
func (p *Playground) ToggleAllEvents() { p.allEvents = !p.allEvents }

// collect moves the notable trace events recorded since the last call into
// p.notable. Events older than the trace keeps are lost, which only happens
// if far more than a tick's worth of events pass between two calls.
func (p *Playground) collect() {
	tr := p.world.Trace()
	n := tr.Len()
	if n == p.seen {
		return
	}
	for _, ev := range tr.Recent(int(min(n-p.seen, 1<<16))) {
		if notable(ev.Kind) {
			p.notable = append(p.notable, ev)
		}
	}
	if len(p.notable) > keepEvents {
		p.notable = slices.Delete(p.notable, 0, len(p.notable)-keepEvents)
	}
	p.seen = n
}

// notable reports whether events of kind k are listed by default: the ones
// that change what the cluster is, not the steady heartbeat traffic.
func notable(k sim.EventKind) bool {
	switch k {
	case sim.EvRole, sim.EvFault, sim.EvClient, sim.EvError:
		return true
	}
	return false
}

// plainError is err's message without the package prefix.
func plainError(err error) string {
	msg := err.Error()
	for _, prefix := range []string{"sim: ", "raft: "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	return msg
}
