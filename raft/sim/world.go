// Package sim is a deterministic world for Raft nodes: a virtual clock, an
// event queue, one simulated channel per directed link, a disk per node,
// crash and restart, KV clients, safety checkers on every event, a trace,
// and time travel. One seed makes the whole run.
package sim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/kv"
)

// MaxNodes bounds the cluster size.
const MaxNodes = 9

// Options describe a world. The zero value of every optional field means
// "off" or "the default".
type Options struct {
	// Nodes is the cluster size, 1..MaxNodes.
	Nodes int `json:"nodes"`
	// Seed makes the run; the same seed and interventions give the same run.
	Seed uint64 `json:"seed"`

	// LatencyMin and LatencyMax bound every link's one-way latency, drawn
	// uniformly per message; a link still delivers in order unless it
	// reorders (Reorder) or delays responses.
	LatencyMin time.Duration `json:"latency_min_ns"`
	LatencyMax time.Duration `json:"latency_max_ns"`
	// Loss and Duplicate are every link's loss and duplication probabilities.
	Loss      float64 `json:"loss"`
	Duplicate float64 `json:"duplicate"`
	// Reorder is every link's probability of holding a message back so
	// that later ones overtake it.
	Reorder float64 `json:"reorder"`
	// DiskLatency is how long a write takes to sync; zero syncs at once.
	DiskLatency time.Duration `json:"disk_latency_ns"`

	// ElectionTimeout and HeartbeatInterval are given to every node.
	ElectionTimeout   time.Duration `json:"election_timeout_ns"`
	HeartbeatInterval time.Duration `json:"heartbeat_interval_ns"`
	// RPCTimeout: a request without a response by then fails at its sender
	// (the transport's timeout; a reply that comes later is dropped).
	RPCTimeout time.Duration `json:"rpc_timeout_ns"`
	// DownFailMax: a call to a peer that is down (crashed, or the link
	// cut) when it is made fails after a delay drawn uniformly from
	// [0, DownFailMax] instead of at RPCTimeout, as a real RPC layer's
	// connection attempts do (0 to 7 s were seen). 0: at RPCTimeout.
	DownFailMax time.Duration `json:"down_fail_max_ns"`
	// LateReplies is every link's probability that a reply (never a
	// request) gets an extra delay drawn uniformly from [LateReplyMin,
	// LateReplyMax]: a transport whose replies come back far later than its
	// requests go out (60% of replies 0.2 to 2.2 s late were seen). A link
	// can set its own (LinkConfig.LateReplies).
	LateReplies  float64       `json:"late_replies"`
	LateReplyMin time.Duration `json:"late_reply_min_ns"`
	LateReplyMax time.Duration `json:"late_reply_max_ns"`
	// NodeRPCTimeout and CheckQuorumWindow are given to every node as
	// Config.RPCTimeout and Config.CheckQuorumWindow (0: the core's
	// defaults).
	NodeRPCTimeout    time.Duration `json:"node_rpc_timeout_ns"`
	CheckQuorumWindow time.Duration `json:"check_quorum_window_ns"`
	// MaxInflight bounds each replicator's pipeline and MaxEntries each
	// request (0: the core defaults).
	MaxInflight int `json:"max_inflight"`
	MaxEntries  int `json:"max_entries"`
	// DisablePreVote, BacktrackByTerm and ReadOnly are passed to every node.
	DisablePreVote  bool                `json:"disable_pre_vote"`
	BacktrackByTerm bool                `json:"backtrack_by_term"`
	ReadOnly        raft.ReadOnlyOption `json:"read_only"`
	// SnapshotEvery: a node compacts its log once it applied this many
	// entries past its last snapshot; 0 never compacts.
	SnapshotEvery int `json:"snapshot_every"`

	// Clients is the number of KV clients; 0 runs no workload.
	Clients int `json:"clients"`
	// ClientRate is the total rate of client operations per second.
	ClientRate float64 `json:"client_rate"`
	// Keys is the number of distinct keys clients use.
	Keys int `json:"keys"`
	// ReadIndexReads sends gets through ReadIndex instead of the log.
	ReadIndexReads bool `json:"read_index_reads"`
	// ClientTimeout: a client retries (same sequence number) after this.
	ClientTimeout time.Duration `json:"client_timeout_ns"`

	// DisableCheckers turns the safety checkers off (for benchmarks).
	DisableCheckers bool `json:"disable_checkers"`
}

// DefaultOptions returns a 5-node world with 10–15 ms links and no workload.
func DefaultOptions() Options {
	return Options{
		Nodes:             5,
		Seed:              1,
		LatencyMin:        10 * time.Millisecond,
		LatencyMax:        15 * time.Millisecond,
		ElectionTimeout:   300 * time.Millisecond,
		HeartbeatInterval: 60 * time.Millisecond,
		RPCTimeout:        150 * time.Millisecond,
		Keys:              5,
		ClientTimeout:     time.Second,
	}
}

func (o *Options) validate() error {
	prob := func(p float64) bool { return p >= 0 && p <= 1 }
	switch {
	case o.Nodes < 1 || o.Nodes > MaxNodes:
		return fmt.Errorf("sim: nodes must be between 1 and %d, got %d", MaxNodes, o.Nodes)
	case o.LatencyMin < 0 || o.LatencyMax < o.LatencyMin || o.LatencyMax > time.Minute:
		return fmt.Errorf("sim: latency range [%v, %v] is invalid", o.LatencyMin, o.LatencyMax)
	case !prob(o.Loss) || !prob(o.Duplicate) || !prob(o.Reorder):
		return fmt.Errorf("sim: loss, duplicate and reorder must be probabilities in [0, 1], got %v, %v and %v", o.Loss, o.Duplicate, o.Reorder)
	case o.DiskLatency < 0 || o.DiskLatency > time.Minute:
		return fmt.Errorf("sim: disk latency must be between 0 and 1m, got %v", o.DiskLatency)
	case o.RPCTimeout <= 0:
		return fmt.Errorf("sim: RPC timeout must be positive, got %v", o.RPCTimeout)
	case o.DownFailMax < 0 || o.DownFailMax > time.Minute:
		return fmt.Errorf("sim: down-fail max must be between 0 and 1m, got %v", o.DownFailMax)
	case !prob(o.LateReplies):
		return fmt.Errorf("sim: late replies must be a probability in [0, 1], got %v", o.LateReplies)
	case o.LateReplyMin < 0 || o.LateReplyMax < o.LateReplyMin || o.LateReplyMax > time.Minute:
		return fmt.Errorf("sim: late reply range [%v, %v] is invalid", o.LateReplyMin, o.LateReplyMax)
	case o.SnapshotEvery < 0:
		return fmt.Errorf("sim: snapshot every must not be negative, got %d", o.SnapshotEvery)
	case o.Clients < 0 || o.Clients > 1000:
		return fmt.Errorf("sim: clients must be between 0 and 1000, got %d", o.Clients)
	case o.Clients > 0 && !(o.ClientRate > 0 && o.ClientRate <= 1e5):
		return fmt.Errorf("sim: client rate must be in (0, 100000] ops/s, got %v", o.ClientRate)
	case o.Clients > 0 && (o.Keys < 1 || o.Keys > 1e6):
		return fmt.Errorf("sim: keys must be between 1 and 1000000, got %d", o.Keys)
	case o.Clients > 0 && o.ClientTimeout <= 0:
		return fmt.Errorf("sim: client timeout must be positive, got %v", o.ClientTimeout)
	}
	if _, err := raft.NewNode(0, o.nodeConfig(1, 1), raft.DurableState{}); err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	return nil
}

// nodeConfig is the core config of node id.
func (o *Options) nodeConfig(id raft.NodeID, seed uint64) raft.Config {
	peers := make([]raft.NodeID, o.Nodes)
	for i := range peers {
		peers[i] = raft.NodeID(i + 1)
	}
	cfg := raft.DefaultConfig(id, peers)
	cfg.Seed = seed
	cfg.ElectionTimeout, cfg.HeartbeatInterval = o.ElectionTimeout, o.HeartbeatInterval
	cfg.DisablePreVote, cfg.BacktrackByTerm, cfg.ReadOnly = o.DisablePreVote, o.BacktrackByTerm, o.ReadOnly
	cfg.RPCTimeout, cfg.CheckQuorumWindow = o.NodeRPCTimeout, o.CheckQuorumWindow
	if o.MaxInflight > 0 {
		cfg.MaxInflight = o.MaxInflight
	}
	if o.MaxEntries > 0 {
		cfg.MaxEntriesPerRequest = o.MaxEntries
	}
	return cfg
}

// World is one simulated cluster. It is not safe for concurrent use.
type World struct {
	opts Options
	now  time.Duration
	// Independent random streams, so one knob does not reshuffle the rest.
	net     *rand.Rand // latencies, loss, duplication
	clients *rand.Rand // the workload
	// netSrc and clientsSrc are the streams' states, kept for cloning.
	netSrc, clientsSrc *rand.PCG
	nodes              []*simNode // nodes[i] has id i+1
	links              [][]link   // links[from-1][to-1]
	queue              eventQueue
	seq                uint64 // tie-breaker: events at one time run in scheduling order

	nextCall uint64
	calls    map[uint64]*call
	nextMsg  MsgID
	wire     []*wireMsg // messages in flight, in send order

	workload *workload // nil without clients

	trace *Trace
	// interventions made from outside, in order, for time travel.
	interventions []Intervention
	replaying     bool
	// checkpoints are frozen copies of the world, oldest first.
	checkpoints     []checkpoint
	checkpointEvery time.Duration

	// peerStates is scratch space for noticing replicator changes.
	peerStates []raft.PeerState

	checker   *checker   // nil when disabled
	violation *Violation // the first safety violation; the run stops there
}

// simNode is a node slot: the running node (nil while crashed), its state
// machine and its disk.
type simNode struct {
	id   raft.NodeID
	seed uint64
	node *raft.Node
	// incarnation is bumped on every crash; events of older incarnations
	// are ignored.
	incarnation uint64
	disk        disk
	// syncing is the Ready whose write has not synced yet; its messages
	// and applies wait for the sync. Lost on a crash.
	syncing *raft.Ready
	// tickAt is the time of the tick event in the queue for this node.
	tickAt time.Duration
	// store is the KV state machine of this incarnation.
	store *kv.Store
	// snapIndex is the index of the node's last snapshot.
	snapIndex uint64
	// recent are the last applied entries (for views), newest last.
	recent []raft.Entry
	// appliedCount counts entries this incarnation applied.
	appliedCount int
	// unchecked are applied entries (and restores) the checker has not
	// seen yet.
	unchecked []applyRecord
	// respDelay is the most extra latency on responses this node sends.
	respDelay time.Duration
}

// applyRecord is one application the checker must verify.
type applyRecord struct {
	entry raft.Entry
	// restored marks a snapshot restore at entry.Index with entry.Term.
	restored bool
	digest   uint64
}

// recentKeep bounds simNode.recent.
const recentKeep = 256

// call is a request waiting for its response.
type call struct {
	req     raft.Message
	from    raft.NodeID
	fromInc uint64
	// sent is when the request left.
	sent     time.Duration
	answered bool
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
		calls:      map[uint64]*call{},
		trace:      newTrace(),
	}
	w.net, w.clients = rand.New(w.netSrc), rand.New(w.clientsSrc)
	if !opts.DisableCheckers {
		w.checker = newChecker(opts.Nodes)
	}
	timers := rand.New(rand.NewPCG(opts.Seed, 0x74696d657273)) // "timers"
	w.links = make([][]link, opts.Nodes)
	for i := range opts.Nodes {
		w.nodes = append(w.nodes, &simNode{id: raft.NodeID(i + 1), seed: timers.Uint64()})
		w.links[i] = make([]link, opts.Nodes)
		for j := range w.links[i] {
			w.links[i][j] = link{up: true, latencyMin: opts.LatencyMin, latencyMax: opts.LatencyMax, loss: opts.Loss, dup: opts.Duplicate, reorder: opts.Reorder,
				lateReplies: opts.LateReplies}
		}
	}
	w.record(EvWorld, raft.None, "seed=%d nodes=%d", opts.Seed, opts.Nodes)
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

func (w *World) start(sn *simNode) error {
	n, err := raft.NewNode(w.now, w.opts.nodeConfig(sn.id, sn.seed+sn.incarnation), sn.disk.durable())
	if err != nil {
		return err
	}
	sn.node = n
	sn.store = kv.New()
	sn.snapIndex = 0
	sn.recent = nil
	sn.appliedCount = 0
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

// stepNode runs one call into a node's core, records what changed, and
// carries out its effects. A panic in the core stops the run as a
// violation instead of killing the program.
func (w *World) stepNode(sn *simNode, f func(*raft.Node) error) (err error) {
	n := sn.node
	role, term := n.Role(), n.Term()
	w.peerStates = n.ReplicatorStates(w.peerStates[:0])
	func() {
		defer func() {
			if p := recover(); p != nil {
				w.fail(&Violation{Property: "no panic", Detail: fmt.Sprintf("node %d panicked: %v", sn.id, p)})
				err = fmt.Errorf("sim: node %d panicked: %v", sn.id, p)
			}
		}()
		err = f(n)
	}()
	if n.Role() != role || n.Term() != term {
		w.record(EvRole, sn.id, "%s term %d -> %s term %d", role, term, n.Role(), n.Term())
	}
	if n.Role() == raft.Leader || role == raft.Leader {
		w.recordReplicatorChanges(sn.id, n)
	}
	w.process(sn)
	return err
}

// recordReplicatorChanges traces every replicator whose state or blocking
// changed in the last step (w.peerStates holds the states before it).
func (w *World) recordReplicatorChanges(id raft.NodeID, n *raft.Node) {
	before := w.peerStates
	after := n.ReplicatorStates(w.peerStates[len(w.peerStates):])
	for _, a := range after {
		i := slices.IndexFunc(before, func(b raft.PeerState) bool { return b.Peer == a.Peer })
		switch {
		case i < 0:
			w.record(EvReplicator, id, "replicator %d->%d started in %s", id, a.Peer, a.State)
		case before[i].State != a.State:
			w.record(EvReplicator, id, "replicator %d->%d %s -> %s", id, a.Peer, before[i].State, a.State)
		case before[i].Blocked != a.Blocked && a.Blocked:
			w.record(EvReplicator, id, "replicator %d->%d blocked after an RPC error", id, a.Peer)
		}
	}
	for _, b := range before {
		if !slices.ContainsFunc(after, func(a raft.PeerState) bool { return a.Peer == b.Peer }) {
			w.record(EvReplicator, id, "replicator %d->%d destroyed", id, b.Peer)
		}
	}
	w.peerStates = after[:0]
}

// process carries out everything a node's Ready asks, then (re)schedules
// its tick.
func (w *World) process(sn *simNode) {
	n := sn.node
	for sn.syncing == nil && n.HasReady() {
		rd := n.Ready()
		if rd.MustSync() && w.opts.DiskLatency > 0 {
			sn.syncing = &rd
			w.schedule(event{at: w.now + w.opts.DiskLatency, kind: evSync, node: sn.id, inc: sn.incarnation})
			break
		}
		w.complete(sn, &rd)
	}
	if d := n.Deadline(); d != sn.tickAt {
		sn.tickAt = d
		w.schedule(event{at: max(d, w.now), kind: evTick, node: sn.id, inc: sn.incarnation})
	}
}

// complete carries out a Ready whose write is durable: persist, send,
// apply, advance.
func (w *World) complete(sn *simNode, rd *raft.Ready) {
	sn.disk.write(rd)
	if rd.HardState != nil {
		w.record(EvPersist, sn.id, "term=%d vote=%d", rd.HardState.Term, rd.HardState.Vote)
	}
	if rd.Snapshot != nil {
		w.record(EvPersist, sn.id, "snapshot index=%d term=%d", rd.Snapshot.Index, rd.Snapshot.Term)
	}
	for _, m := range rd.Messages {
		w.send(sn, m)
	}
	if s := rd.RestoreSnapshot; s != nil {
		if err := sn.store.Restore(s.Data); err != nil {
			w.fail(&Violation{Property: "snapshot restore", Detail: fmt.Sprintf("node %d cannot restore snapshot %d: %v", sn.id, s.Index, err)})
		}
		sn.snapIndex = s.Index
		w.record(EvApply, sn.id, "restore snapshot index=%d", s.Index)
		if w.checker != nil {
			sn.unchecked = append(sn.unchecked, applyRecord{entry: raft.Entry{Index: s.Index, Term: s.Term}, restored: true, digest: sn.store.Digest()})
		}
	}
	for _, e := range rd.Committed {
		w.apply(sn, e)
	}
	for _, rs := range rd.ReadStates {
		w.workload.readState(sn, rs)
	}
	sn.node.Advance(w.now)
	w.maybeCompact(sn)
}

// apply hands one committed entry to the node's state machine.
func (w *World) apply(sn *simNode, e raft.Entry) {
	var res kv.Result
	var err error
	if e.Type == raft.EntryNormal {
		res, err = sn.store.Apply(e.Index, e.Data)
	} else {
		sn.store.ApplyNoop(e.Index)
	}
	sn.appliedCount++
	if sn.recent = append(sn.recent, e); len(sn.recent) > 2*recentKeep {
		sn.recent = slices.Clone(sn.recent[len(sn.recent)-recentKeep:])
	}
	if w.checker != nil {
		sn.unchecked = append(sn.unchecked, applyRecord{entry: e})
	}
	w.workload.applied(sn, e, res, err)
}

// maybeCompact takes a snapshot when the node applied SnapshotEvery entries
// past its last one.
func (w *World) maybeCompact(sn *simNode) {
	every := uint64(w.opts.SnapshotEvery)
	applied := sn.store.AppliedIndex()
	if every == 0 || applied < sn.snapIndex+every {
		return
	}
	if err := sn.node.Compact(w.now, applied, sn.store.Snapshot()); err != nil {
		w.record(EvError, sn.id, "compact: %v", err)
		return
	}
	sn.snapIndex = applied
	w.record(EvPersist, sn.id, "compact log to index %d", applied)
	if w.checker != nil {
		w.checker.snapshotTaken(w, sn.id, applied, sn.store.Digest())
	}
	w.process(sn)
}

// RunUntil handles every event due up to and including until, then sets
// the clock to until. After a safety violation it does nothing.
func (w *World) RunUntil(until time.Duration) {
	for w.violation == nil && len(w.queue) > 0 && w.queue[0].at <= until {
		if due := w.nextCheckpoint(); due < w.queue[0].at {
			// Everything up to due has happened: freeze this moment.
			w.now = max(w.now, due)
			w.checkpoint()
		}
		w.step()
		w.runCheckers()
	}
	if w.violation == nil {
		w.now = max(w.now, until)
		if w.now >= w.nextCheckpoint() {
			w.checkpoint()
		}
	}
}

// RunFor advances virtual time by d.
func (w *World) RunFor(d time.Duration) { w.RunUntil(w.now + d) }

// step handles the next event.
func (w *World) step() {
	ev := w.queue.pop()
	w.now = ev.at
	switch ev.kind {
	case evTick:
		sn := w.nodes[ev.node-1]
		if sn.node == nil || ev.inc != sn.incarnation || ev.at != sn.tickAt {
			return
		}
		sn.tickAt = -1
		w.record(EvTimer, sn.id, "tick")
		w.stepNode(sn, func(n *raft.Node) error { n.Tick(w.now); return nil })
	case evSync:
		sn := w.nodes[ev.node-1]
		if sn.node == nil || ev.inc != sn.incarnation || sn.syncing == nil {
			return
		}
		rd := sn.syncing
		sn.syncing = nil
		w.complete(sn, rd)
		w.process(sn)
	case evDeliver:
		w.deliver(ev.msg)
	case evRPCTimeout:
		c := w.calls[ev.call]
		if c == nil {
			return
		}
		delete(w.calls, ev.call)
		from := w.nodes[c.from-1]
		if c.answered || from.node == nil || from.incarnation != c.fromInc {
			return
		}
		w.record(EvRPCError, from.id, "no response: %s", c.req)
		w.stepNode(from, func(n *raft.Node) error { n.ReportRPCError(w.now, c.req); return nil })
	case evClient:
		w.workload.timer(ev.client, ev.gen)
	}
}

// runCheckers checks every safety property and records the first violation.
func (w *World) runCheckers() {
	if w.checker == nil || w.violation != nil {
		return
	}
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
	w.record(EvViolation, raft.None, "%s", v.Error())
}

// Violation returns the safety violation that stopped the run, or nil.
func (w *World) Violation() error {
	if w.violation == nil {
		return nil
	}
	return w.violation
}

// Crash stops a node: it loses everything but what its disk synced.
func (w *World) Crash(id raft.NodeID) error {
	sn, err := w.node(id)
	if err != nil {
		return err
	}
	if sn.node == nil {
		return fmt.Errorf("sim: node %d is already down", id)
	}
	lost := sn.syncing != nil
	sn.node, sn.store, sn.syncing = nil, nil, nil
	sn.incarnation++
	sn.tickAt = -1
	sn.recent, sn.unchecked = nil, nil
	w.intervene(Intervention{Kind: "crash", Node: id})
	if lost {
		w.record(EvFault, id, "crash (an unsynced write is lost)")
	} else {
		w.record(EvFault, id, "crash")
	}
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
	w.intervene(Intervention{Kind: "restart", Node: id})
	w.record(EvFault, id, "restart")
	return w.start(sn)
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
	w.record(EvClient, id, "propose %q -> index %d term %d", data, p.Index, p.Term)
	w.runCheckers()
	return p, nil
}

// Applied returns the last entries node id applied (up to a few hundred).
func (w *World) Applied(id raft.NodeID) ([]raft.Entry, error) {
	sn, err := w.node(id)
	if err != nil {
		return nil, err
	}
	return slices.Clone(sn.recent), nil
}

// Trace returns the world's trace.
func (w *World) Trace() *Trace { return w.trace }

// record adds an event to the trace.
func (w *World) record(kind EventKind, node raft.NodeID, format string, args ...any) {
	w.trace.add(w.now, kind, node, format, args)
}

// NodeIDs lists the ids of w's nodes.
func NodeIDs(w *World) []raft.NodeID {
	ids := make([]raft.NodeID, len(w.nodes))
	for i, sn := range w.nodes {
		ids[i] = sn.id
	}
	return ids
}
