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
	"strconv"
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
	// that the clock asks for (5 Hz: the panels' numbers at the speed a
	// person reads them; what moves is drawn on canvas at every frame).
	// Vugu re-syncs every element on every render (about 20 ms of the
	// browser's main thread under cmd/pagebench's load), so the page is
	// not re-rendered on every tick; user actions still re-render at once.
	RenderInterval = 200 * time.Millisecond
	// MaxTickWall bounds the wall-clock time one tick accounts for, so a
	// page coming back from a background tab (where timers are throttled)
	// does not jump seconds ahead in one step.
	MaxTickWall = 250 * time.Millisecond

	// keepProposals is how many proposed commands the page follows.
	keepProposals = 5
)

// Speeds are the rates of virtual to wall-clock time the page offers, on a
// log scale: at 1× a command commits faster than the eye follows; at
// 0.001× one millisecond of the cluster takes a second.
var Speeds = []float64{1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001}

// Delays are the response delays a node card offers: the most extra
// latency each response the node sends gets. With the default 150 ms RPC
// timeout, 20 and 50 ms reorder responses (they wait for their seq) and
// 200 ms makes some requests time out (see DelayOption.Title).
var Delays = []time.Duration{0, 20 * time.Millisecond, 50 * time.Millisecond, 200 * time.Millisecond}

// Playground is a simulated cluster as the page shows it.
//
// Everything the page shows of the run is derived from the world: the
// proposals, the response delays and the events are the world's, so after
// a seek the page shows exactly what the simulator had then. Only the
// speed, the pause, the last failure and what is selected are the page's.
type Playground struct {
	// world is the world shown. head is the furthest the run has gone:
	// the same world, or (after a seek back) the one world was sought
	// from, whose run world follows while it plays until someone acts on
	// it, which forks the run there and drops head's future.
	world, head *sim.World
	// speed is virtual seconds per wall-clock second.
	speed  float64
	paused bool
	// sinceRender is the wall-clock time advanced since the clock last
	// asked for a render; wall is all the wall-clock time advanced.
	sinceRender time.Duration
	wall        time.Duration

	// failed describes the last proposal when the cluster refused it,
	// until the next action (an accepted one is the world's to show).
	failed string
	// notice is the last error of a crash, restart or other fault, shown
	// until the next action.
	notice string
	// load is a followed run link still replaying (FollowRunLink), nil
	// for none.
	load *linkLoad
	// copier copies links to the clipboard (SetLinkCopier); copied says
	// what the last Copy link did, until the next action.
	copier LinkCopier
	copied string

	// feed is how the reader looks at the event feed (feed.go).
	feed feedState
	// controlsTab is the open section of the controls panel ("" for
	// none; see ControlTabs).
	controlsTab string
	// shown are the parts of panels shown on a phone, by id (see
	// Disclosure); every other part starts hidden there.
	shown map[string]bool

	// tour is the guided tour the page follows, nil for none (tour.go).
	tour *tourState

	// status is the world's status as of the last View, kept so that the
	// next one reuses its slices.
	status sim.Status
	// cluster is the cluster view's state between frames.
	cluster clusterView
	// logs and spaceTime are the logs view's and the space-time
	// diagram's (views.go).
	logs      logsView
	spaceTime spaceTimeView
}

// New makes a playground around a new world with opts, running at 1x.
func New(opts sim.Options) (*Playground, error) {
	w, err := sim.New(opts)
	if err != nil {
		return nil, err
	}
	p := &Playground{world: w, head: w, speed: 1}
	return p, nil
}

// World returns the simulated world. Callers must hold the same lock as
// for every other method.
func (p *Playground) World() *sim.World { return p.world }

// Advance moves virtual time on by wall (at most [MaxTickWall] of it)
// times the speed, unless paused. It reports whether the page should be
// re-rendered: at most once per [RenderInterval]. While a followed run
// link loads (Loading), it replays the next slice of that run instead,
// paused or not, and asks for a render each time.
func (p *Playground) Advance(wall time.Duration) (render bool) {
	if p.load != nil {
		// A followed link's run loads; the run shown stands still.
		p.loadStep()
		return true
	}
	if p.paused || wall <= 0 {
		return false
	}
	wall = min(wall, MaxTickWall)
	p.runTo(p.world.Now() + time.Duration(float64(wall)*p.speed))
	p.sinceRender += wall
	p.wall += wall
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

// runTo moves the shown world on to time t: behind head it follows head's
// run (interventions included) and becomes head again once it catches up.
func (p *Playground) runTo(t time.Duration) {
	if p.world != p.head {
		end := p.head.Now()
		if err := p.world.Follow(p.head, min(t, end)); err != nil {
			p.fork() // cannot happen while world came from head; stay safe
		} else if p.world.Now() >= end {
			// Caught up: the run is head's again, whose state this is.
			p.world = p.head
			p.resync()
		}
	}
	p.world.RunUntil(t)
}

// act is called before anything changes the shown world: behind head,
// that forks the run here and head's future is dropped.
func (p *Playground) act() {
	p.failed, p.notice, p.copied = "", "", ""
	if p.load != nil {
		p.load = nil
		p.notice = "The run in the link was not loaded: you acted on the run shown."
	}
	p.fork()
}

func (p *Playground) fork() {
	if p.world != p.head {
		p.head = p.world
	}
	p.tour = nil // acting leaves a tour: the run is no longer the tour's
}

// Propose sends the next command, a put of key k<n> to value <n>, as a
// client call by hand: the client goes to the leader (or node 1 without
// one) and follows redirects and retries until a leader commits and
// applies it. The world keeps the call and each proposal of it; a
// refusal is shown until the next action.
func (p *Playground) Propose() {
	p.act()
	if err := p.putNext(); err != nil {
		p.failed = err.Error()
	}
}

// putNext makes the next numbered put by hand: k<n>=<n>, where n counts
// the puts of the run.
func (p *Playground) putNext() error {
	n := 1
	for _, iv := range p.world.Interventions() {
		if iv.Kind == "put" {
			n++
		}
	}
	key, value := "k"+strconv.Itoa(n), strconv.Itoa(n)
	if _, err := p.world.Put(raft.None, key, value); err != nil {
		return fmt.Errorf("put %s=%q not sent: %s", key, value, plainError(err))
	}
	return nil
}

// SeekMillis is Seek for the scrubber: ms is a whole number of virtual
// milliseconds, as text (an input's value); anything else is ignored.
func (p *Playground) SeekMillis(ms string) {
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil || n < 0 {
		return
	}
	if n >= p.head.Now().Milliseconds() {
		p.SeekEnd() // the scrubber's last step is the end itself
		return
	}
	p.Seek(time.Duration(n) * time.Millisecond)
}

// SeekEnd shows the run's end again.
func (p *Playground) SeekEnd() { p.Seek(p.head.Now()) }

// Behind reports whether the page shows a moment before the run's end.
func (p *Playground) Behind() bool { return p.world != p.head }

// Seek shows the run as it was at time t (clamped to the run), and
// pauses: the scrubber. Playing from there replays the run; acting forks
// it.
func (p *Playground) Seek(t time.Duration) {
	end := p.head.Now()
	t = max(0, min(t, end))
	p.paused = true
	p.failed, p.notice = "", ""
	if t == end {
		p.world = p.head
	} else {
		w, err := p.head.Seek(t)
		if err != nil {
			p.notice = plainError(err)
			return
		}
		p.world = w
	}
	p.resync()
}

// Step handles the next event of the shown world and pauses. Behind the
// run's end it takes the run's next event, unless an intervention of the
// run comes first: then it acts, which forks the run.
func (p *Playground) Step() {
	p.paused = true
	p.failed, p.notice = "", ""
	if p.world != p.head && p.interventionDue() {
		p.fork()
	}
	if !p.world.Step() {
		p.notice = "nothing left to happen"
	}
	if p.world != p.head && p.world.Now() > p.head.Now() {
		p.fork()
	}
	p.cluster.dirty = true
}

// interventionDue reports whether head's run has an intervention the shown
// world has not made yet, due before or with its next event.
func (p *Playground) interventionDue() bool {
	mine, theirs := p.world.Interventions(), p.head.Interventions()
	if len(theirs) <= len(mine) {
		return false
	}
	next, ok := p.world.NextEventAt()
	return !ok || theirs[len(mine)].At <= next
}

// resync marks the cluster view for repainting after the shown world
// changed to another one (everything else the page shows is read from the
// world at each view).
func (p *Playground) resync() { p.cluster.dirty = true }

// Crash crashes node id; it keeps only its disk.
func (p *Playground) Crash(id int) {
	p.act()
	p.fault(p.world.Crash(raft.NodeID(id)))
}

// Restart brings node id back from its disk.
func (p *Playground) Restart(id int) {
	p.act()
	p.fault(p.world.Restart(raft.NodeID(id)))
}

// SetLink cuts (up=false) or heals (up=true) the directed link from → to.
func (p *Playground) SetLink(from, to int, up bool) {
	p.act()
	p.fault(p.world.SetLink(raft.NodeID(from), raft.NodeID(to), up))
}

// HealAll brings every link up; response delays stay.
func (p *Playground) HealAll() {
	p.act()
	p.world.HealAll()
	p.fault(nil)
}

// SetResponseDelay gives every response node id sends up to d extra
// latency (0 for none).
func (p *Playground) SetResponseDelay(id int, d time.Duration) {
	p.act()
	p.fault(p.world.SetResponseDelay(raft.NodeID(id), d))
}

// fault shows an action's error. Every action began with act, which
// cleared the notice (or left one saying a link's load stopped).
func (p *Playground) fault(err error) {
	if err != nil {
		p.notice = plainError(err)
	}
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

// Paused reports whether virtual time stands still (nothing moves until
// someone acts).
func (p *Playground) Paused() bool { return p.paused }

// SetReducedMotion follows the user's wish for less motion: messages jump
// from their sender's half of the link to their receiver's instead of
// gliding, and vanish when they end instead of fading.
func (p *Playground) SetReducedMotion(on bool) {
	p.cluster.builder.Jump = on
	p.cluster.dirty = true
}

// plainError is err's message without the package prefix.
func plainError(err error) string {
	msg := err.Error()
	for _, prefix := range []string{"sim: ", "raft: "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	return msg
}
