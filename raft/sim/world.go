// Package sim is a deterministic world for Raft nodes: a virtual clock, an
// event queue, one simulated channel per directed link, a disk per node,
// crash and restart, KV clients, safety checkers on every event, a trace,
// and time travel. One seed makes the whole run.
package sim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/kv"
)

// World is one simulated cluster. It is not safe for concurrent use.
type World struct {
	opts Options
	now  time.Duration
	// Independent random streams, so one knob does not reshuffle the rest.
	// net draws latencies, loss and duplication straight from its
	// stream's state (netRand), clients the workload.
	net     netRand
	clients *rand.Rand
	// netSrc and clientsSrc are the streams' states, kept for cloning.
	netSrc, clientsSrc *rand.PCG
	nodes              []*simNode // nodes[i] has id i+1
	links              [][]link   // links[from-1][to-1]
	queue              eventQueue
	queueHeap          bool        // queue is a heap, not sorted (eventQueue)
	queueBuf           []event     // the array the sorted queue is a window onto
	timeouts           fifo[event] // RPC timeouts due in FIFO order (scheduleTimeout)
	// timers are the nodes' ticks and the clients' timers, by number:
	// tickTimer and clientTimer.
	timers timers
	// timerEvent is where peek makes an event of a timer: scratch.
	timerEvent event
	seq        uint64 // tie-breaker: events at one time run in scheduling order
	// handled counts the events handled since time zero (an intervention
	// made between two events of one instant records it, travel.go).
	handled uint64

	nextCall uint64
	calls    callTable // requests waiting for their RPC timeout
	nextMsg  MsgID
	wire     wireTable // messages in flight, in send order

	workload *workload // nil without clients
	// memo lets the nodes' state machines apply each command once between
	// them (kv.Memo): the nodes' stores follow it until one applies
	// something else.
	memo *kv.Memo

	trace *Trace
	// hist is the recent message lives and role changes, for views.
	hist history
	// interventions made from outside, in order, for time travel.
	interventions []Intervention
	// proposals are those Propose and ProposeTo got accepted, in order.
	proposals []ProposalRecord
	replaying bool
	// checkpoints are frozen copies of the world, oldest first.
	checkpoints []checkpoint

	// peerStatesAfter is scratch space for noticing replicator changes:
	// the states after a step (simNode.peers has those before).
	peerStatesAfter []raft.PeerState
	// fullReplicatorDiff makes every step compare a leader's replicator
	// states whether or not its ReplicatorChanges count moved (tests).
	fullReplicatorDiff bool

	checker *checker // nil when disabled
	// stepped: a node was stepped (its simNode.changed set) since the
	// checkers last ran. An event that stepped none (a timeout of a call
	// already answered, a stale tick) and answered no read gives them
	// nothing to check.
	stepped bool
	// changed has bit i set when w.nodes[i].changed is (MaxNodes fit).
	changed   uint16
	violation *Violation // the first safety violation; the run stops there
}

// call is a request waiting for its response. callTable.add sets every
// field (its slot may hold an earlier call's): a new field must be set
// there.
type call struct {
	req     raft.Message
	from    raft.NodeID
	fromInc uint64
	// sent is when the request left.
	sent     time.Duration
	answered bool
	// done: the call left the table (callTable reclaims its slot).
	done bool
}

// New makes a world and starts its nodes at time zero.
func New(opts Options) (*World, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	w := &World{
		opts:       opts,
		netSrc:     rand.NewPCG(opts.Seed, 0x6e6574),       // "net"
		clientsSrc: rand.NewPCG(opts.Seed, 0x636c69656e74), // "client"
		trace:      newTrace(),
		memo:       kv.NewMemo(),
	}
	w.net, w.clients = netRand{w.netSrc}, rand.New(w.clientsSrc)
	if !opts.DisableCheckers {
		w.checker = newChecker(opts.Nodes)
	}
	timers := rand.New(rand.NewPCG(opts.Seed, 0x74696d657273)) // "timers"
	w.links = make([][]link, opts.Nodes)
	for i := range opts.Nodes {
		w.nodes = append(w.nodes, &simNode{id: raft.NodeID(i + 1), seed: timers.Uint64()})
		w.timers.add()
		w.links[i] = make([]link, opts.Nodes)
		for j := range w.links[i] {
			w.links[i][j] = link{up: true, latencyMin: opts.LatencyMin, latencyMax: opts.LatencyMax, loss: opts.Loss, dup: opts.Duplicate, reorder: opts.Reorder,
				lateReplies: opts.LateReplies}
		}
	}
	w.record(EvWorld, raft.None, FormatWorld, num(opts.Seed), num(opts.Nodes))
	for _, sn := range w.nodes {
		if err := w.start(sn); err != nil {
			return nil, err
		}
	}
	if opts.Clients > 0 {
		w.workload = newWorkload(w)
	}
	return w, nil
}

// Now is the virtual time.
func (w *World) Now() time.Duration { return w.now }

// Options returns the options the world was made with.
func (w *World) Options() Options { return w.opts }

// RunUntil handles every event due up to and including until, then sets
// the clock to until. After a safety violation it does nothing.
func (w *World) RunUntil(until time.Duration) {
	for w.violation == nil {
		p, from, i := w.peek()
		if p == nil || p.at > until {
			break
		}
		ev := *p // take may let the queue reuse its slot
		if due := w.nextCheckpoint(); due < ev.at {
			// Everything up to due has happened: freeze this moment.
			w.now = max(w.now, due)
			w.checkpoint()
		}
		w.take(from, i)
		w.step(ev)
		w.runCheckers()
		if runtime.GOARCH == "wasm" && w.handled%yieldEvery == 0 {
			runtime.Gosched()
		}
	}
	if w.violation == nil {
		w.now = max(w.now, until)
		if w.now >= w.nextCheckpoint() {
			w.checkpoint()
		}
	}
}

// yieldEvery is how many events RunUntil handles between two yields to the
// Go scheduler. In WebAssembly there is one thread and no preemption: a
// long run that never yields starves the collector's background marker, so
// each collection's mark phase lasts until allocations alone have paid for
// it, and all that time every pointer write goes through the write
// barrier: a fifth of a long run's time. Yielding now and then lets the
// marker finish (between a page's frames it runs anyway). Natively the
// marker has threads of its own, and the yields cost several per cent (the
// goroutine moves between threads), so only WebAssembly yields. A yield
// changes nothing in the world: nothing else may use it meanwhile (World
// is not safe for concurrent use).
const yieldEvery = 1024

// RunFor advances virtual time by d.
func (w *World) RunFor(d time.Duration) { w.RunUntil(w.now + d) }

// step handles event ev, taken from the queue.
func (w *World) step(ev event) {
	w.handled++
	w.now = ev.at
	switch ev.kind {
	case evTick:
		sn := w.nodes[ev.node-1]
		if sn.node == nil || ev.at != sn.tickAt {
			return
		}
		sn.tickAt = -1
		w.record(EvTimer, sn.id, "tick")
		w.stepNode(sn, func(n *raft.Node) error { n.Tick(w.now); return nil })
	case evSync:
		sn := w.nodes[ev.node-1]
		if sn.node == nil || ev.gen != sn.incarnation || sn.syncing == nil {
			return
		}
		rd := sn.syncing
		sn.syncing = nil
		w.complete(sn, rd)
		w.process(sn)
	case evDeliver:
		w.deliver(MsgID(ev.id))
	case evRPCTimeout:
		c := w.calls.get(ev.id)
		if c == nil {
			return
		}
		from := w.nodes[c.from-1]
		if c.answered || from.node == nil || from.incarnation != c.fromInc {
			// Answered (most calls), or its sender restarted since.
			w.calls.remove(c)
			return
		}
		req := c.req // remove drops the copy's entries
		w.calls.remove(c)
		w.recordMsg(EvRPCError, from.id, FormatNoResponse, &req)
		w.stepNode(from, func(n *raft.Node) error { n.ReportRPCError(w.now, req); return nil })
	case evClient:
		w.workload.timer(int(ev.id))
	}
}

// runCheckers checks every safety property and records the first violation.
func (w *World) runCheckers() {
	if w.checker == nil || w.violation != nil || (!w.stepped && len(w.checker.reads) == 0) {
		return
	}
	w.stepped = false
	if v := w.checker.check(w); v != nil {
		w.fail(v)
	}
}

func (w *World) fail(v *Violation) {
	if w.violation != nil {
		return
	}
	v.Seed, v.Event, v.At = w.opts.Seed, w.trace.Len(), w.now
	w.violation = v
	w.record(EvViolation, raft.None, "%s", str(v.Error()))
}

// Violation returns the safety violation that stopped the run, or nil.
func (w *World) Violation() error {
	if w.violation == nil {
		return nil
	}
	return w.violation
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

// ProposalRecord is a proposal a node accepted, as Proposals lists it.
type ProposalRecord struct {
	Proposal
	At time.Duration `json:"at_ns"`
	// Data is the proposed data or, for a client call by hand, the call
	// as text, e.g. put k1="1".
	Data string `json:"data"`
	// Call is the client call by hand that proposed it (each attempt of
	// the call that a leader accepts is a proposal), or 0 for Propose.
	Call ClientCall `json:"call,omitempty"`
}

// Proposals returns the last n proposals the world's nodes accepted from
// Propose and ProposeTo, and from client calls made by hand (Put, Append,
// and Get through the log), oldest first (all of them when n < 0). They
// are part of the world, so a world rebuilt by Seek has those made until
// then.
func (w *World) Proposals(n int) []ProposalRecord {
	if n < 0 || n > len(w.proposals) {
		n = len(w.proposals)
	}
	return slices.Clone(w.proposals[len(w.proposals)-n:])
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
	var p Proposal
	err = w.stepNode(sn, func(n *raft.Node) error {
		idx, term, err := n.Propose(w.now, data)
		p = Proposal{Leader: id, Index: idx, Term: term}
		return err
	})
	if err != nil {
		return Proposal{}, err
	}
	w.intervene(Intervention{Kind: "propose", Node: id, Data: string(data)})
	w.proposals = append(w.proposals, ProposalRecord{Proposal: p, At: w.now, Data: string(data)})
	w.recordf(EvClient, id, FormatPropose, data, p.Index, p.Term)
	w.runCheckers()
	return p, nil
}

// Applied returns the last entries node id applied (up to a few hundred).
func (w *World) Applied(id raft.NodeID) ([]raft.Entry, error) {
	sn, err := w.node(id)
	if err != nil {
		return nil, err
	}
	return sn.recent.appendTo(nil), nil
}

// Trace returns the world's trace.
func (w *World) Trace() *Trace { return w.trace }

// record adds an event to the trace; its text is format applied to args,
// made only when the event is read.
func (w *World) record(kind EventKind, node raft.NodeID, format string, args ...traceArg) {
	w.trace.add(w.now, kind, node, format, args)
}

// recordMsg adds an event about message m: its text is format applied to
// args and then m.
func (w *World) recordMsg(kind EventKind, node raft.NodeID, format string, m *raft.Message, args ...traceArg) {
	w.trace.addMsg(w.now, kind, node, format, m, args...)
}

// recordMsgID is recordMsg with the message's id as the only argument.
func (w *World) recordMsgID(kind EventKind, node raft.NodeID, format string, m *raft.Message, id MsgID) {
	w.trace.addMsgID(w.now, kind, node, format, m, id)
}

// recordf adds a rare event whose arguments are any values (each boxed,
// so not for events that happen at every step).
func (w *World) recordf(kind EventKind, node raft.NodeID, format string, args ...any) {
	w.trace.addBoxed(w.now, kind, node, format, args)
}

// NodeIDs lists the ids of w's nodes.
func NodeIDs(w *World) []raft.NodeID {
	ids := make([]raft.NodeID, len(w.nodes))
	for i, sn := range w.nodes {
		ids[i] = sn.id
	}
	return ids
}
