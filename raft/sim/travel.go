package sim

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// Intervention is one thing done to a world from outside. A world records
// them so that it can be rebuilt at any past moment.
type Intervention struct {
	At   time.Duration `json:"at_ns"`
	Kind string        `json:"kind"`
	Node raft.NodeID   `json:"node,omitempty"`
	From raft.NodeID   `json:"from,omitempty"`
	To   raft.NodeID   `json:"to,omitempty"`
	Link *LinkConfig   `json:"link,omitempty"`
	// Groups of a partition.
	Groups [][]raft.NodeID `json:"groups,omitempty"`
	Delay  time.Duration   `json:"delay_ns,omitempty"`
	Msg    MsgID           `json:"msg,omitempty"`
	Data   string          `json:"data,omitempty"`
	// Key of a client call made by hand (put, append, get; Data is the value).
	Key string `json:"key,omitempty"`
	// Voters and Learners of a membership change.
	Voters   []raft.NodeID `json:"voters,omitempty"`
	Learners []raft.NodeID `json:"learners,omitempty"`
	// Step is set on an intervention made between two events of one
	// instant (after World.Step): how many events the world had handled
	// then. A replay stops after exactly that many instead of at the end
	// of the instant.
	Step *uint64 `json:"step,omitempty"`
}

// intervene records an intervention (unless it is being replayed).
func (w *World) intervene(iv Intervention) {
	if w.replaying {
		return
	}
	iv.At = w.now
	if next, ok := w.nextAt(); ok && next <= w.now {
		// Made between two events of one instant: a replay must stop
		// after the same number of events.
		n := w.handled
		iv.Step = &n
	}
	w.interventions = append(w.interventions, iv)
}

// Interventions returns what was done to the world, in order.
func (w *World) Interventions() []Intervention {
	return append([]Intervention(nil), w.interventions...)
}

// InterventionCount is len(w.Interventions()) without the copy.
func (w *World) InterventionCount() int { return len(w.interventions) }

// apply carries out a recorded intervention.
func (iv *Intervention) apply(w *World) error {
	switch iv.Kind {
	case "crash":
		return w.Crash(iv.Node)
	case "restart":
		return w.Restart(iv.Node)
	case "link":
		return w.SetLinkConfig(iv.From, iv.To, *iv.Link)
	case "partition":
		return w.Partition(iv.Groups...)
	case "isolate":
		return w.Isolate(iv.Node)
	case "heal-all":
		w.HealAll()
		return nil
	case "response-delay":
		return w.SetResponseDelay(iv.Node, iv.Delay)
	case "hold":
		return w.Hold(iv.Msg)
	case "release":
		return w.Release(iv.Msg)
	case "drop":
		return w.Drop(iv.Msg)
	case "duplicate":
		_, err := w.Duplicate(iv.Msg)
		return err
	case "propose":
		_, err := w.ProposeTo(iv.Node, []byte(iv.Data))
		return err
	case "transfer":
		return w.TransferLeadership(iv.Node)
	case "change-peers":
		return w.ChangePeers(iv.Voters, iv.Learners)
	case "note":
		w.Note(iv.Node, iv.Data)
		return nil
	case "put":
		_, err := w.Put(iv.Node, iv.Key, iv.Data)
		return err
	case "append":
		_, err := w.Append(iv.Node, iv.Key, iv.Data)
		return err
	case "get":
		_, err := w.Get(iv.Node, iv.Key)
		return err
	case "snapshot":
		return w.Snapshot(iv.Node)
	}
	return fmt.Errorf("sim: unknown intervention %q", iv.Kind)
}

// Replay builds a new world from opts and replays interventions up to and
// including time until, then runs to until.
func Replay(opts Options, interventions []Intervention, until time.Duration) (*World, error) {
	w, err := New(opts)
	if err != nil {
		return nil, err
	}
	if err := w.replay(interventions, until); err != nil {
		return nil, err
	}
	w.RunUntil(until)
	return w, nil
}

// replay carries out the recorded interventions made up to time until, each
// at its time, and records them as its own.
func (w *World) replay(interventions []Intervention, until time.Duration) error {
	for _, iv := range interventions {
		if iv.At > until {
			break
		}
		if iv.Step != nil {
			if err := w.runToStep(*iv.Step, iv.At); err != nil {
				return err
			}
		} else {
			w.RunUntil(iv.At)
		}
		w.interventions = append(w.interventions, iv)
		w.replaying = true
		err := iv.apply(w)
		w.replaying = false
		if err != nil {
			return fmt.Errorf("sim: replaying %s at %v: %w", iv.Kind, iv.At, err)
		}
	}
	return nil
}

// Follow runs w on to time until doing what src did after w's last
// intervention: w must be a world sought from src (Seek), so that its
// interventions are the first of src's. Running a sought world forward
// with Follow rebuilds src's run exactly, until someone acts on w (which
// forks it from src). until may be past src's time: w then runs on alone.
func (w *World) Follow(src *World, until time.Duration) error {
	n := len(w.interventions)
	if n > len(src.interventions) || (n > 0 && !w.interventions[n-1].equal(src.interventions[n-1])) {
		return errors.New("sim: Follow: the world did not come from the one it follows")
	}
	if err := w.replay(src.interventions[n:], until); err != nil {
		return err
	}
	w.RunUntil(until)
	return nil
}

// Seek returns the world as it was at time t (t <= Now): a copy of a
// checkpoint before t, with the interventions made since replayed.
// Acting on the returned world forks the run: its future is whatever
// happens next, and w is left as it was.
func (w *World) Seek(t time.Duration) (*World, error) {
	if t < 0 || t > w.now {
		return nil, fmt.Errorf("sim: cannot seek to %v: the run spans 0..%v", t, w.now)
	}
	i := len(w.checkpoints) - 1
	for i >= 0 && w.checkpoints[i].at > t {
		i--
	}
	if i < 0 {
		return Replay(w.opts, w.interventions, t)
	}
	// A checkpoint keeps none of the trace's recent events, only some of
	// the message records and not always the notable events, so the
	// replay must start early enough to fill those rings (complete). The
	// start is chosen from an estimate, so that a seek seldom replays
	// twice; when the estimate fell short, the failed replay tells the
	// exact counts and the second start suffices.
	want := w.countsAt(i, t)
	for {
		for i >= 0 && !w.fills(i, want) {
			i--
		}
		if i < 0 {
			return Replay(w.opts, w.interventions, t)
		}
		s, err := w.seekFrom(i, t)
		if err != nil || (s.trace.complete() && s.hist.complete()) {
			return s, err
		}
		want = countsOf(s)
		i--
	}
}

// counts are how many messages, trace events and notable events a run
// made by some time.
type counts struct{ msgs, events, notable uint64 }

func countsOf(w *World) counts { return counts{w.hist.nmsgs, w.trace.n, w.trace.nnotable} }

// countsAt estimates the counts at time t, which lies between checkpoint i
// and the next one (or now), as if the run made each at a steady rate in
// between.
func (w *World) countsAt(i int, t time.Duration) counts {
	a, b := w.checkpoints[i].w, w
	if i+1 < len(w.checkpoints) {
		b = w.checkpoints[i+1].w
	}
	ca, cb := countsOf(a), countsOf(b)
	if b.now <= a.now {
		return ca
	}
	f := float64(t-a.now) / float64(b.now-a.now)
	at := func(x, y uint64) uint64 { return x + uint64(f*float64(y-x)) }
	return counts{at(ca.msgs, cb.msgs), at(ca.events, cb.events), at(ca.notable, cb.notable)}
}

// fills reports whether a world rebuilt from checkpoint i that has made
// c in all holds its last msgKeep message records, traceKeep events and
// notableKeep notable events (complete).
func (w *World) fills(i int, c counts) bool {
	h, t := &w.checkpoints[i].w.hist, w.checkpoints[i].w.trace
	return holdsLast(c.msgs, h.from, msgKeep) && holdsLast(c.events, t.first, traceKeep) &&
		holdsLast(c.notable, t.notableFrom, notableKeep)
}

// seekFrom returns the world at time t rebuilt from checkpoint i.
func (w *World) seekFrom(i int, t time.Duration) (*World, error) {
	cp := w.checkpoints[i]
	s := cp.w.clone()
	s.checkpoints = slices.Clip(w.checkpoints[:i+1])
	if err := s.replay(w.interventions[cp.interventions:], t); err != nil {
		return nil, err
	}
	s.RunUntil(t)
	return s, nil
}

// checkpoint is a frozen copy of the world at a moment.
type checkpoint struct {
	at time.Duration
	// interventions made before the checkpoint was taken.
	interventions int
	w             *World
}

// maxCheckpoints bounds how many checkpoints a world keeps.
const maxCheckpoints = 64

// checkpointEvery is how often a world takes a checkpoint.
const checkpointEvery = 2 * time.Second

// nextCheckpoint is when the next checkpoint is due (never with
// Options.NoCheckpoints).
func (w *World) nextCheckpoint() time.Duration {
	if w.opts.NoCheckpoints {
		return math.MaxInt64
	}
	if n := len(w.checkpoints); n > 0 {
		return w.checkpoints[n-1].at + checkpointEvery
	}
	return checkpointEvery
}

// checkpoint freezes the world as it is now.
func (w *World) checkpoint() {
	if len(w.checkpoints) == maxCheckpoints {
		w.thinCheckpoints()
	}
	// A checkpoint keeps the trace's notable events only when fewer than
	// notableKeep were made since the previous one. Under client load
	// (hundreds a second) the ring turns over between checkpoints, and a
	// seek refills it from the events it replays: from the checkpoint
	// before, at worst, since that many were made after it. In a quiet
	// world the ring is kept, as refilling it could take the whole run.
	var prev uint64
	if n := len(w.checkpoints); n > 0 {
		prev = w.checkpoints[n-1].w.trace.nnotable
	}
	c := w.cloneWith(w.trace.nnotable-prev < notableKeep)
	// A frozen copy keeps no checkpoints of its own (Seek gives a world
	// made from it its own list): through them it would keep alive every
	// checkpoint thinned since.
	c.checkpoints = nil
	w.checkpoints = append(w.checkpoints, checkpoint{at: w.now, interventions: len(w.interventions), w: c})
}

// thinCheckpoints drops the checkpoint whose loss costs seeks least. A
// seek replays from the checkpoint before its target, so what a gap
// between two checkpoints costs is its length; and people seek near the
// end of a run far more than far back, so a gap is weighed against how
// long ago it starts. Dropping checkpoint i leaves the gap from i-1 to
// i+1: the one to drop makes the smallest such gap for its age. Kept this
// way, checkpoints lie densely near the end and ever more sparsely back to
// the start (about geometrically: a 10-minute run keeps them a few
// seconds apart over its last minute).
func (w *World) thinCheckpoints() {
	cps := w.checkpoints
	drop, least := -1, math.Inf(1)
	for i := range len(cps) - 1 { // never the newest
		start := time.Duration(0) // before the first, a seek replays from time zero
		if i > 0 {
			start = cps[i-1].at
		}
		if cost := float64(cps[i+1].at-start) / float64(w.now-start); cost < least {
			drop, least = i, cost
		}
	}
	// A new array: worlds made by Seek share a prefix of this one.
	kept := make([]checkpoint, 0, maxCheckpoints)
	kept = append(kept, cps[:drop]...)
	w.checkpoints = append(kept, cps[drop+1:]...)
}

// clone returns an independent copy of the world but for its trace's
// recent events (Trace.recent) and its older message records (history).
// Logs, disks, the client history and the checker's committed entries
// share their chunks (package chunk): the copy costs a few tables, and
// each side copies at most a chunk of each when it next writes. Other
// append-only slices are shared with their capacity cut, so neither side
// writes into the other's.
func (w *World) clone() *World { return w.cloneWith(true) }

// cloneWith is clone, keeping the trace's notable events only when
// notable is set.
func (w *World) cloneWith(notable bool) *World {
	c := *w
	c.peerStatesAfter = nil // scratch: each side needs its own
	netSrc, clientsSrc := *w.netSrc, *w.clientsSrc
	c.netSrc, c.clientsSrc = &netSrc, &clientsSrc
	c.net, c.clients = netRand{c.netSrc}, rand.New(c.clientsSrc)
	c.memo = w.memo.Clone(w.memoNeeded())
	c.nodes = make([]*simNode, len(w.nodes))
	for i, sn := range w.nodes {
		cn := *sn
		if sn.node != nil {
			cn.node = sn.node.Clone()
			cn.store = sn.store.CloneFollowing(c.memo)
		}
		cn.disk = sn.disk.clone()
		if sn.syncing != nil {
			rd := *sn.syncing
			cn.syncing = &rd
		}
		cn.recent = sn.recent.clone()
		if sn.node != nil && sn.recent.len() > 0 {
			if _, held := sn.node.Entry(sn.recent.at(0).Index); !held {
				// The log was compacted past them: a clone would keep
				// chunks alive that the copy's log no longer holds.
				cn.recent = sn.recent.compacted()
			}
		}
		cn.unchecked = slices.Clip(sn.unchecked)
		cn.peers, cn.peersAt = nil, noPeers // a buffer each side rewrites
		c.nodes[i] = &cn
	}
	c.links = make([][]link, len(w.links))
	for i := range w.links {
		c.links[i] = slices.Clone(w.links[i])
	}
	c.queue = slices.Clone(w.queue)
	c.queueBuf = c.queue[:0] // not w's array
	c.timeouts = w.timeouts.clone()
	c.timers = w.timers.clone()
	c.hist = w.hist.clone()
	c.calls = w.calls.clone()
	c.wire = w.wire.clone()
	if w.workload != nil {
		wl := *w.workload
		wl.w = &c
		wl.history = w.workload.history.Clone()
		wl.keys = slices.Clip(w.workload.keys)
		wl.enc = nil
		wl.clients = make([]*client, len(w.workload.clients))
		for i, cl := range w.workload.clients {
			cc := *cl
			if cl.op != nil {
				cc.op = &cc.call
			}
			wl.clients[i] = &cc
		}
		c.workload = &wl
	}
	c.trace = w.trace.copyForCheckpoint(notable)
	c.interventions = slices.Clip(w.interventions)
	c.proposals = slices.Clip(w.proposals)
	c.checkpoints = slices.Clip(w.checkpoints)
	if w.checker != nil {
		ck := *w.checker
		ck.leaders = maps.Clone(w.checker.leaders)
		ck.committed = w.checker.committed.Clone()
		ck.entries = w.checker.entries.clone()
		ck.perNode = slices.Clone(w.checker.perNode)
		ck.digests = maps.Clone(w.checker.digests)
		ck.reads = slices.Clone(w.checker.reads)
		c.checker = &ck
	}
	if w.violation != nil {
		v := *w.violation
		c.violation = &v
	}
	return &c
}

// memoNeeded is the lowest index a store following the memo applies next
// (the index after the memo's last when none follows it): what a copy of
// the memo must hold from.
func (w *World) memoNeeded() uint64 {
	need := uint64(math.MaxUint64)
	for _, sn := range w.nodes {
		if sn.store != nil && sn.store.Follows(w.memo) {
			need = min(need, sn.store.AppliedIndex()+1)
		}
	}
	return need
}
