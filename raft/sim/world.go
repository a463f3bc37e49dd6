// Package sim is a deterministic world for Raft nodes: a virtual clock, an
// event queue, one simulated channel per directed link, a disk per node, and
// crash and restart. One seed makes the whole run.
package sim

import (
	"container/heap"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// MaxNodes bounds the cluster size.
const MaxNodes = 9

// Options describe a world.
type Options struct {
	// Nodes is the cluster size, 1..MaxNodes.
	Nodes int
	// Seed makes the run; the same seed and interventions give the same run.
	Seed uint64
	// LatencyMin and LatencyMax bound the one-way latency of each message,
	// drawn uniformly per message (so messages on one link may reorder).
	LatencyMin, LatencyMax time.Duration
	// ElectionTimeout and HeartbeatInterval are given to every node.
	ElectionTimeout, HeartbeatInterval time.Duration
	// RPCTimeout: a request without a response by then fails at its sender.
	RPCTimeout time.Duration
	// DisableCheckers turns the safety checkers off (for benchmarks).
	DisableCheckers bool
}

// DefaultOptions returns a 5-node world with 10–15 ms links.
func DefaultOptions() Options {
	return Options{
		Nodes:             5,
		Seed:              1,
		LatencyMin:        10 * time.Millisecond,
		LatencyMax:        15 * time.Millisecond,
		ElectionTimeout:   300 * time.Millisecond,
		HeartbeatInterval: 60 * time.Millisecond,
		RPCTimeout:        150 * time.Millisecond,
	}
}

func (o *Options) validate() error {
	switch {
	case o.Nodes < 1 || o.Nodes > MaxNodes:
		return fmt.Errorf("sim: nodes must be between 1 and %d, got %d", MaxNodes, o.Nodes)
	case o.LatencyMin < 0 || o.LatencyMax < o.LatencyMin:
		return fmt.Errorf("sim: latency range [%v, %v] is invalid", o.LatencyMin, o.LatencyMax)
	case o.RPCTimeout <= 0:
		return fmt.Errorf("sim: RPC timeout must be positive, got %v", o.RPCTimeout)
	}
	cfg := raft.DefaultConfig(1, nil)
	cfg.ElectionTimeout, cfg.HeartbeatInterval = o.ElectionTimeout, o.HeartbeatInterval
	if _, err := raft.NewNode(0, cfg, raft.DurableState{}); err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	return nil
}

// World is one simulated cluster. It is not safe for concurrent use.
type World struct {
	opts  Options
	now   time.Duration
	net   *rand.Rand // network stream: latencies
	nodes []*simNode // nodes[i] has id i+1
	links [][]bool   // links[from-1][to-1]: up
	queue eventQueue
	seq   uint64 // tie-breaker: events at one time run in scheduling order

	nextCall uint64
	calls    map[uint64]*call
	wire     []*wireMsg // messages in flight, in send order

	trace *Trace

	checker   *checker   // nil when disabled
	violation *Violation // the first safety violation; the run stops there
}

// simNode is a node slot: the running node (nil while crashed) and its disk.
type simNode struct {
	id   raft.NodeID
	seed uint64
	node *raft.Node
	// incarnation is bumped on every crash; events of older incarnations
	// are ignored.
	incarnation uint64
	disk        disk
	// tickAt is the time of the tick event in the queue for this node.
	tickAt time.Duration
	// applied are the commands this incarnation applied, in order.
	applied []raft.Entry
}

// disk is a node's durable storage. Every write is synced at once.
type disk struct {
	state raft.DurableState
}

func (d *disk) write(rd *raft.Ready) {
	if rd.HardState != nil {
		d.state.HardState = *rd.HardState
	}
	if rd.LogFrom == 0 {
		return
	}
	first := uint64(1)
	if d.state.Snapshot != nil {
		first = d.state.Snapshot.Index + 1
	}
	keep := int(min(rd.LogFrom-first, uint64(len(d.state.Entries))))
	d.state.Entries = append(d.state.Entries[:keep:keep], rd.Entries...)
}

func (d *disk) durable() raft.DurableState {
	st := d.state
	st.Entries = slices.Clone(st.Entries)
	return st
}

// call is a request waiting for its response.
type call struct {
	req      raft.Message
	from     *simNode
	fromInc  uint64
	answered bool
}

// wireMsg is a message on its way.
type wireMsg struct {
	msg    raft.Message
	sent   time.Duration
	arrive time.Duration
}

// New makes a world and starts its nodes at time zero.
func New(opts Options) (*World, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	w := &World{
		opts:  opts,
		net:   rand.New(rand.NewPCG(opts.Seed, 0x6e6574)), // "net"
		calls: map[uint64]*call{},
		trace: newTrace(),
	}
	if !opts.DisableCheckers {
		w.checker = newChecker(opts.Nodes)
	}
	seeds := rand.New(rand.NewPCG(opts.Seed, 0x6e6f646573)) // "nodes"
	w.links = make([][]bool, opts.Nodes)
	for i := range opts.Nodes {
		w.nodes = append(w.nodes, &simNode{id: raft.NodeID(i + 1), seed: seeds.Uint64()})
		w.links[i] = make([]bool, opts.Nodes)
		for j := range w.links[i] {
			w.links[i][j] = true
		}
	}
	for _, sn := range w.nodes {
		if err := w.start(sn); err != nil {
			return nil, err
		}
	}
	return w, nil
}

func (w *World) peers() []raft.NodeID {
	ids := make([]raft.NodeID, len(w.nodes))
	for i, sn := range w.nodes {
		ids[i] = sn.id
	}
	return ids
}

func (w *World) start(sn *simNode) error {
	cfg := raft.DefaultConfig(sn.id, w.peers())
	cfg.Seed = sn.seed + sn.incarnation
	cfg.ElectionTimeout, cfg.HeartbeatInterval = w.opts.ElectionTimeout, w.opts.HeartbeatInterval
	n, err := raft.NewNode(w.now, cfg, sn.disk.durable())
	if err != nil {
		return err
	}
	sn.node = n
	sn.applied = nil
	w.process(sn)
	return nil
}

// Now is the virtual time.
func (w *World) Now() time.Duration { return w.now }

// Options returns the options the world was made with.
func (w *World) Options() Options { return w.opts }

func (w *World) node(id raft.NodeID) (*simNode, error) {
	if id < 1 || int(id) > len(w.nodes) {
		return nil, fmt.Errorf("sim: no node %d (nodes are 1..%d)", id, len(w.nodes))
	}
	return w.nodes[id-1], nil
}

// process carries out everything a node's Ready asks, then (re)schedules
// its tick.
func (w *World) process(sn *simNode) {
	n := sn.node
	for n.HasReady() {
		rd := n.Ready()
		sn.disk.write(&rd)
		if rd.HardState != nil {
			w.trace.add(w.now, EvPersist, sn.id, fmt.Sprintf("term=%d vote=%d", rd.HardState.Term, rd.HardState.Vote))
		}
		for _, m := range rd.Messages {
			w.send(sn, m)
		}
		for _, e := range rd.Committed {
			sn.applied = append(sn.applied, e)
		}
		n.Advance(w.now)
	}
	if d := n.Deadline(); d != sn.tickAt {
		sn.tickAt = d
		w.schedule(event{at: max(d, w.now), kind: evTick, node: sn, inc: sn.incarnation})
	}
}

func (w *World) latency() time.Duration {
	span := int64(w.opts.LatencyMax - w.opts.LatencyMin)
	if span == 0 {
		return w.opts.LatencyMin
	}
	return w.opts.LatencyMin + time.Duration(w.net.Int64N(span+1))
}

// send puts a message on the link from sn to m.To.
func (w *World) send(sn *simNode, m raft.Message) {
	to, err := w.node(m.To)
	if err != nil {
		return
	}
	if m.Type.IsRequest() {
		w.nextCall++
		m.Call = w.nextCall
		c := &call{req: m, from: sn, fromInc: sn.incarnation}
		w.calls[m.Call] = c
		w.schedule(event{at: w.now + w.opts.RPCTimeout, kind: evRPCTimeout, call: m.Call})
	}
	if !w.links[sn.id-1][to.id-1] {
		w.trace.add(w.now, EvDrop, sn.id, "link down: "+m.String())
		return
	}
	wm := &wireMsg{msg: m, sent: w.now, arrive: w.now + w.latency()}
	w.wire = append(w.wire, wm)
	w.trace.add(w.now, EvSend, sn.id, m.String())
	w.schedule(event{at: wm.arrive, kind: evDeliver, wire: wm})
}

// RunUntil handles every event due up to and including until, then sets
// the clock to until. After a safety violation it does nothing.
func (w *World) RunUntil(until time.Duration) {
	for w.violation == nil && len(w.queue) > 0 && w.queue[0].at <= until {
		w.step()
		w.runCheckers()
	}
	if w.violation == nil {
		w.now = max(w.now, until)
	}
}

// runCheckers checks every safety property and records the first violation.
func (w *World) runCheckers() {
	if w.checker == nil || w.violation != nil {
		return
	}
	if v := w.checker.check(w); v != nil {
		w.violation = v
		w.trace.add(w.now, EvError, raft.None, v.Error())
	}
}

// Violation returns the safety violation that stopped the run, or nil.
func (w *World) Violation() error {
	if w.violation == nil {
		return nil
	}
	return w.violation
}

// RunFor advances virtual time by d.
func (w *World) RunFor(d time.Duration) { w.RunUntil(w.now + d) }

// step handles the next event.
func (w *World) step() {
	ev := heap.Pop(&w.queue).(event)
	w.now = ev.at
	switch ev.kind {
	case evTick:
		sn := ev.node
		if sn.node == nil || ev.inc != sn.incarnation || ev.at != sn.tickAt {
			return
		}
		sn.tickAt = -1
		sn.node.Tick(w.now)
		w.process(sn)
	case evDeliver:
		w.deliver(ev.wire)
	case evRPCTimeout:
		c := w.calls[ev.call]
		if c == nil {
			return
		}
		delete(w.calls, ev.call)
		if c.answered || c.from.node == nil || c.from.incarnation != c.fromInc {
			return
		}
		w.trace.add(w.now, EvRPCError, c.from.id, "no response: "+c.req.String())
		c.from.node.ReportRPCError(w.now, c.req)
		w.process(c.from)
	}
}

func (w *World) deliver(wm *wireMsg) {
	if i := slices.Index(w.wire, wm); i >= 0 {
		w.wire = slices.Delete(w.wire, i, i+1)
	}
	m := wm.msg
	to := w.nodes[m.To-1]
	if to.node == nil {
		w.trace.add(w.now, EvDrop, m.To, "node down: "+m.String())
		return
	}
	if !m.Type.IsRequest() && m.Call != 0 {
		c := w.calls[m.Call]
		if c == nil || c.answered {
			return // answered already (or timed out): the RPC layer drops it
		}
		c.answered = true
	}
	w.trace.add(w.now, EvDeliver, m.To, m.String())
	before := to.node.Role()
	if err := to.node.Step(w.now, m); err != nil {
		w.trace.add(w.now, EvError, m.To, err.Error())
	}
	if after := to.node.Role(); after != before {
		w.trace.add(w.now, EvRole, m.To, fmt.Sprintf("%s -> %s term=%d", before, after, to.node.Term()))
	}
	w.process(to)
}

// Crash stops a node: it loses everything but its disk.
func (w *World) Crash(id raft.NodeID) error {
	sn, err := w.node(id)
	if err != nil {
		return err
	}
	if sn.node == nil {
		return fmt.Errorf("sim: node %d is already down", id)
	}
	sn.node = nil
	sn.incarnation++
	sn.tickAt = -1
	sn.applied = nil
	w.trace.add(w.now, EvFault, id, "crash")
	return nil
}

// Restart brings a crashed node back from its disk.
func (w *World) Restart(id raft.NodeID) error {
	sn, err := w.node(id)
	if err != nil {
		return err
	}
	if sn.node != nil {
		return fmt.Errorf("sim: node %d is already up", id)
	}
	w.trace.add(w.now, EvFault, id, "restart")
	return w.start(sn)
}

// SetLink sets the directed link from → to up or down.
func (w *World) SetLink(from, to raft.NodeID, up bool) error {
	if _, err := w.node(from); err != nil {
		return err
	}
	if _, err := w.node(to); err != nil {
		return err
	}
	if from == to {
		return errors.New("sim: a node has no link to itself")
	}
	w.links[from-1][to-1] = up
	state := "cut"
	if up {
		state = "heal"
	}
	w.trace.add(w.now, EvFault, from, fmt.Sprintf("%s link %d->%d", state, from, to))
	return nil
}

// Leader returns the running node that leads in the highest term, or None.
func (w *World) Leader() raft.NodeID {
	var best *raft.Node
	for _, sn := range w.nodes {
		if n := sn.node; n != nil && n.Role() == raft.Leader && (best == nil || n.Term() > best.Term()) {
			best = n
		}
	}
	if best == nil {
		return raft.None
	}
	return best.ID()
}

// Proposal is the answer to Propose.
type Proposal struct {
	Leader raft.NodeID `json:"leader"`
	Index  uint64      `json:"index"`
	Term   uint64      `json:"term"`
}

// Propose hands a command to the current leader.
func (w *World) Propose(data []byte) (Proposal, error) {
	id := w.Leader()
	if id == raft.None {
		return Proposal{}, errors.New("sim: no leader to propose to")
	}
	return w.ProposeTo(id, data)
}

// ProposeTo hands a command to node id, which must be up.
func (w *World) ProposeTo(id raft.NodeID, data []byte) (Proposal, error) {
	sn, err := w.node(id)
	if err != nil {
		return Proposal{}, err
	}
	if sn.node == nil {
		return Proposal{}, fmt.Errorf("sim: node %d is down", id)
	}
	idx, term, err := sn.node.Propose(w.now, data)
	if err != nil {
		return Proposal{}, err
	}
	w.trace.add(w.now, EvClient, id, fmt.Sprintf("propose %q -> index %d term %d", data, idx, term))
	w.process(sn)
	w.runCheckers()
	return Proposal{Leader: id, Index: idx, Term: term}, nil
}

// Applied returns the entries node id applied since it last started.
func (w *World) Applied(id raft.NodeID) ([]raft.Entry, error) {
	sn, err := w.node(id)
	if err != nil {
		return nil, err
	}
	return slices.Clone(sn.applied), nil
}

// Trace returns the world's trace.
func (w *World) Trace() *Trace { return w.trace }
