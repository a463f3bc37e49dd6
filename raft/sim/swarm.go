package sim

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/kv"
)

// Swarm is one seeded world with its options and fault schedule drawn from
// the seed, so thousands of seeds explore thousands of different worlds.
type Swarm struct {
	Options Options `json:"options"`
	// SafetyPhase is how long faults are injected.
	SafetyPhase time.Duration `json:"safety_phase_ns"`
	// LivenessPhase is how long the healed cluster gets to converge.
	LivenessPhase time.Duration `json:"liveness_phase_ns"`
	// FaultEvery is the mean time between faults.
	FaultEvery time.Duration `json:"fault_every_ns"`
	// Fault weights: how often each kind of fault is drawn.
	CrashWeight, BounceWeight, IsolateLeaderWeight, PartitionWeight, OneWayWeight, DelayWeight, HealWeight int
	// TransferWeight and ReconfigureWeight draw operator actions: a
	// leadership transfer, or a membership change (remove a voter, add a
	// node back as voter or learner, promote a learner).
	TransferWeight, ReconfigureWeight int
	// Figure8Weight draws the directed fault of the paper's Figure 8 (see
	// figure8): entries of an old term committed by counting replicas are
	// then overwritten.
	Figure8Weight int
	// BounceFollowerWeight draws issue 7 (b)'s directed fault: in a quiet
	// spell, followers the leader still reaches restart while it is
	// isolated and nodes cut off from it campaign (see bounceFollowers).
	BounceFollowerWeight int
}

// SwarmFor draws a swarm configuration from seed.
func SwarmFor(seed uint64) Swarm {
	r := rand.New(rand.NewPCG(seed, 0x6f7074696f6e73)) // "options"
	o := DefaultOptions()
	o.Seed = seed
	o.Nodes = 3 + r.IntN(5) // 3..7
	o.ElectionTimeout = time.Duration(150+r.IntN(350)) * time.Millisecond
	o.HeartbeatInterval = o.ElectionTimeout / time.Duration(3+r.IntN(5))
	o.LatencyMin = time.Duration(r.IntN(20)) * time.Millisecond
	o.LatencyMax = o.LatencyMin + time.Duration(r.IntN(30))*time.Millisecond
	o.RPCTimeout = max(o.ElectionTimeout/2, 4*o.LatencyMax)
	if r.IntN(2) == 0 {
		o.Loss = float64(r.IntN(10)) / 100
	}
	if r.IntN(3) == 0 {
		o.Duplicate = float64(r.IntN(5)) / 100
	}
	if r.IntN(3) == 0 {
		o.Reorder = float64(r.IntN(20)) / 100
	}
	if r.IntN(2) == 0 {
		o.DiskLatency = time.Duration(1+r.IntN(10)) * time.Millisecond
	}
	if r.IntN(2) == 0 {
		o.SnapshotEvery = 20 + r.IntN(100)
	}
	o.MaxInflight = 1 + r.IntN(8)
	o.MaxEntries = []int{1, 1, 2, 4, 16}[r.IntN(5)]
	// A pipeline narrower than 4 entries per round trip cannot keep up with
	// the clients, and a lagging follower would never catch up.
	o.MaxInflight = max(o.MaxInflight, (4+o.MaxEntries-1)/o.MaxEntries)
	o.DisablePreVote = r.IntN(4) == 0
	o.BacktrackByTerm = r.IntN(2) == 0
	o.ReadIndexReads = r.IntN(2) == 0
	o.Clients = 1 + r.IntN(8)
	o.ClientRate = float64(20 + r.IntN(200))
	o.Keys = 1 + r.IntN(5)
	o.ClientTimeout = 2 * o.ElectionTimeout
	s := Swarm{
		Options:             o,
		SafetyPhase:         10 * time.Second,
		LivenessPhase:       40 * o.ElectionTimeout,
		FaultEvery:          time.Duration(50+r.IntN(500)) * time.Millisecond,
		CrashWeight:         r.IntN(4),
		BounceWeight:        r.IntN(4),
		IsolateLeaderWeight: r.IntN(4),
		TransferWeight:      r.IntN(3),
		ReconfigureWeight:   r.IntN(3),
		PartitionWeight:     r.IntN(4),
		OneWayWeight:        r.IntN(4),
		DelayWeight:         r.IntN(4),
		HealWeight:          1 + r.IntN(4),
		Figure8Weight:       r.IntN(3),
	}
	s.Options.drawTransport(r)
	s.BounceFollowerWeight = r.IntN(4)
	if r.IntN(3) == 0 {
		// Lease reads, which only ReadIndex calls make, and which need
		// pre-vote (raft.Config.validate).
		s.Options.ReadOnly, s.Options.ReadIndexReads = raft.ReadLeaseBased, true
		s.Options.DisablePreVote = false
	}
	if r.IntN(2) == 0 {
		// Quiet spells, long enough for bounceFollowers to play out in.
		s.Options.ReadOnlySpells = o.ElectionTimeout * time.Duration(5+r.IntN(16))
	}
	// Time for clients that back off to four timeouts to be answered.
	s.LivenessPhase = max(s.LivenessPhase, 20*s.Options.ClientTimeout)
	return s
}

// drawTransport draws the slow-transport behaviours and the core settings
// made for them (issue 7). They come after every other draw, so the worlds
// drawn before they existed keep their options and weights.
func (o *Options) drawTransport(r *rand.Rand) {
	if r.IntN(3) == 0 {
		o.DownFailMax = time.Duration(r.IntN(7001)) * time.Millisecond
	}
	// The longest a request may wait for an answer that comes.
	slowest := 2 * o.LatencyMax
	if r.IntN(3) == 0 {
		o.LateReplies = float64(1+r.IntN(60)) / 100
		o.LateReplyMin = time.Duration(r.IntN(300)) * time.Millisecond
		o.LateReplyMax = o.LateReplyMin + time.Duration(r.IntN(2001))*time.Millisecond
		if o.DisablePreVote {
			// Without pre-vote every node that times out raises the term
			// and ends the election under way, so an election completes
			// only if votes come back within an election timeout (the
			// paper's timing requirement, §5.6: broadcast time well below
			// the election timeout). Pre-vote lifts it: a leader, once
			// elected, is not disturbed (TestSlowTransportCommitsSteadily).
			o.LateReplyMin = min(o.LateReplyMin, o.ElectionTimeout/4)
			o.LateReplyMax = min(o.LateReplyMax, o.ElectionTimeout/2)
		}
		// The transport waits for its late replies (one that gave up on
		// them would turn up to 60% of calls into failures: a network too
		// lossy for any pipeline).
		slowest += o.LateReplyMax
		// Replies are handled in seq order, so one late reply holds the
		// whole pipeline until it comes: the pipeline must hold what the
		// clients write meanwhile, or a lagging follower never catches up.
		if need := int(o.ClientRate * o.LateReplyMax.Seconds()); o.MaxInflight*o.MaxEntries < need {
			o.MaxEntries = min(16, (need+o.MaxInflight-1)/o.MaxInflight)
			o.MaxInflight = max(o.MaxInflight, (need+o.MaxEntries-1)/o.MaxEntries)
		}
		o.RPCTimeout = max(o.RPCTimeout, slowest+o.HeartbeatInterval)
		// So do clients: one that gives up before an answer can come
		// retries, adding an entry each time, faster than they commit.
		o.ClientTimeout = max(o.ClientTimeout, 2*slowest)
	}
	if r.IntN(4) == 0 {
		// A timeout of the core's own, longer than any answer that comes
		// takes, so it fails only requests whose answers are lost.
		o.NodeRPCTimeout = slowest + o.ElectionTimeout*time.Duration(1+r.IntN(10))
	}
	if r.IntN(4) == 0 {
		// No shorter than the slowest answer plus a heartbeat: a leader
		// cannot hear a quorum in less.
		o.CheckQuorumWindow = max(o.ElectionTimeout*time.Duration(1+r.IntN(3)), slowest+o.HeartbeatInterval)
	}
}

func (s Swarm) String() string {
	o := s.Options
	return fmt.Sprintf("seed=%d nodes=%d election=%v heartbeat=%v latency=%v..%v loss=%v dup=%v reorder=%v disk=%v snapshot-every=%d inflight=%d max-entries=%d prevote=%v backtrack-by-term=%v read-index=%v lease=%v clients=%d rate=%v keys=%d read-only-spells=%v rpc-timeout=%v down-fail-max=%v late-replies=%v(%v..%v) node-rpc-timeout=%v check-quorum-window=%v faults-every=%v weights(crash=%d bounce=%d isolate-leader=%d partition=%d one-way=%d delay=%d heal=%d transfer=%d reconfigure=%d figure8=%d bounce-follower=%d)",
		o.Seed, o.Nodes, o.ElectionTimeout, o.HeartbeatInterval, o.LatencyMin, o.LatencyMax, o.Loss, o.Duplicate, o.Reorder, o.DiskLatency,
		o.SnapshotEvery, o.MaxInflight, o.MaxEntries, !o.DisablePreVote, o.BacktrackByTerm, o.ReadIndexReads, o.ReadOnly == raft.ReadLeaseBased, o.Clients, o.ClientRate, o.Keys, o.ReadOnlySpells,
		o.RPCTimeout, o.DownFailMax, o.LateReplies, o.LateReplyMin, o.LateReplyMax, o.NodeRPCTimeout, o.CheckQuorumWindow,
		s.FaultEvery, s.CrashWeight, s.BounceWeight, s.IsolateLeaderWeight, s.PartitionWeight, s.OneWayWeight, s.DelayWeight, s.HealWeight, s.TransferWeight, s.ReconfigureWeight,
		s.Figure8Weight, s.BounceFollowerWeight)
}

// Run runs the swarm: a safety phase with faults, then a liveness phase in
// which the healed cluster must converge, then the linearizability check.
// It returns the world and the first failure.
func (s Swarm) Run() (*World, error) {
	w, err := New(s.Options)
	if err != nil {
		return nil, err
	}
	return w, s.RunOn(w)
}

// RunOn runs the schedule on a world made from s.Options.
func (s Swarm) RunOn(w *World) error {
	faults := rand.New(rand.NewPCG(w.opts.Seed, 0x6661756c7473)) // "faults"
	end := w.now + s.SafetyPhase
	// bounced nodes come back at their time (a crashed process restarted
	// by its supervisor).
	var bounced []bounce
	for w.now < end && w.violation == nil {
		next := min(end, w.now+exp(faults, s.FaultEvery))
		if len(bounced) > 0 && bounced[0].at < next {
			w.RunUntil(bounced[0].at)
			if w.nodes[bounced[0].node-1].node == nil {
				_ = w.Restart(bounced[0].node)
			}
			bounced = bounced[1:]
			continue
		}
		w.RunUntil(next)
		if w.now < end {
			if b, ok := s.fault(w, faults); ok {
				i, _ := slices.BinarySearchFunc(bounced, b.at, func(x bounce, at time.Duration) int { return cmp.Compare(x.at, at) })
				bounced = slices.Insert(bounced, i, b)
			}
		}
	}
	return s.healAndCheck(w)
}

// healAndCheck ends a run after its safety phase: unless a safety checker
// fired, it heals every fault, gives the cluster the liveness phase to
// converge, checks that it did, and checks that the clients' history is
// linearizable. A regression world, which replays a recorded safety phase
// instead of drawing one, ends the same way.
func (s Swarm) healAndCheck(w *World) error {
	if err := w.Violation(); err != nil {
		return err
	}
	// Liveness: heal everything.
	for _, sn := range w.nodes {
		if sn.node == nil {
			_ = w.Restart(sn.id)
		}
		if sn.respDelay != 0 {
			_ = w.SetResponseDelay(sn.id, 0)
		}
	}
	w.HealAll()
	zero, dz := 0.0, time.Duration(0)
	for i := range w.links {
		for j := range w.links[i] {
			if l := w.links[i][j]; i != j && (l.loss != 0 || l.dup != 0 || l.reorder != 0 || l.respDelay != 0) {
				_ = w.SetLinkConfig(raft.NodeID(i+1), raft.NodeID(j+1), LinkConfig{Loss: &zero, Duplicate: &zero, Reorder: &zero, ResponseDelay: &dz})
			}
		}
	}
	w.restoreMembership(60)
	healed := w.now
	acked := w.ackedIndex()
	// Liveness is "eventually": the cluster must reach a moment with a
	// leader, everything acknowledged applied everywhere and a call
	// answered. It is looked for every election timeout; the phase runs to
	// its end either way, under the safety checkers. (A look only at the
	// end would fail a cluster that converged long before and whose
	// leader, over a transport this slow, steps down just then.)
	end := w.now + s.LivenessPhase
	var live error
	for converged := false; w.now < end; {
		w.RunFor(min(s.Options.ElectionTimeout, end-w.now))
		if err := w.Violation(); err != nil {
			return err
		}
		if !converged {
			live = w.checkLiveness(acked, healed)
			converged = live == nil
		}
	}
	if live != nil {
		return live
	}
	// Porcupine's search grows with how much calls overlap: eight clients on
	// one key over a transport with replies 0.8 s late (seed 1270) took it a
	// minute on a loaded machine before KVModel had a Hash (now about a
	// second, the run included). A time-out is reported as a failure, so it
	// is generous.
	return w.CheckLinearizability(3 * time.Minute)
}

// ackedIndex is the highest log index that answered a client.
func (w *World) ackedIndex() uint64 {
	if w.workload == nil {
		return 0
	}
	return w.workload.acked
}

// checkLiveness requires a leader, every acknowledged command applied on
// every node, and, with clients, calls answered since the heal.
func (w *World) checkLiveness(acked uint64, healed time.Duration) error {
	var roles []string
	for _, sn := range w.nodes {
		st := sn.node.Status()
		roles = append(roles, fmt.Sprintf("n%d:%s/t%d/commit%d/applied%d", sn.id, st.Role, st.Term, st.CommitIndex, st.AppliedIndex))
	}
	why := strings.Join(roles, " ")
	lead := w.Leader()
	if lead == raft.None {
		return fmt.Errorf("liveness: no leader %v after the faults healed (seed %d): %s", w.now-healed, w.opts.Seed, why)
	}
	for _, sn := range w.nodes {
		if applied := sn.node.Status().AppliedIndex; applied < acked {
			return fmt.Errorf("liveness: node %d applied %d but index %d was acknowledged, %v after healing (seed %d): %s",
				sn.id, applied, acked, w.now-healed, w.opts.Seed, why)
		}
	}
	if w.workload != nil {
		answered := 0
		for i := range w.workload.history.Len() {
			if w.workload.history.At(i).Return > healed {
				answered++
			}
		}
		if answered == 0 {
			return fmt.Errorf("liveness: no client call was answered in the %v after healing (seed %d): %s", w.now-healed, w.opts.Seed, why)
		}
	}
	return nil
}

// bounce is a crashed node's restart time.
type bounce struct {
	at   time.Duration
	node raft.NodeID
}

// fault injects one fault drawn from the weights. A bounce (crash, then a
// restart soon after) returns its restart.
func (s Swarm) fault(w *World, r *rand.Rand) (bounce, bool) {
	n := len(w.nodes)
	// The kinds of fault, in the order their weights are laid end to end.
	const (
		crash = iota
		bounceLeader
		isolateLeader
		partition
		oneWay
		delay
		heal
		transfer
		reconfigure
		figure8
		bounceFollower
	)
	weights := []int{s.CrashWeight, s.BounceWeight, s.IsolateLeaderWeight, s.PartitionWeight, s.OneWayWeight,
		s.DelayWeight, s.HealWeight, s.TransferWeight, s.ReconfigureWeight, s.Figure8Weight, s.BounceFollowerWeight}
	total := 0
	for _, wt := range weights {
		total += wt
	}
	if total == 0 {
		return bounce{}, false
	}
	id := raft.NodeID(r.IntN(n) + 1)
	kind, k := 0, r.IntN(total)
	for k >= weights[kind] {
		k -= weights[kind]
		kind++
	}
	switch kind {
	case crash:
		if w.nodes[id-1].node != nil {
			_ = w.Crash(id)
		} else {
			_ = w.Restart(id)
		}
	case bounceLeader:
		// Prefer the leader: bouncing it is what tests durability most.
		if l := w.Leader(); l != raft.None && r.IntN(2) == 0 {
			id = l
		}
		if w.nodes[id-1].node != nil {
			_ = w.Crash(id)
			return bounce{at: w.now + time.Duration(r.Int64N(int64(2*w.opts.ElectionTimeout))), node: id}, true
		}
		_ = w.Restart(id) // already down: bring it back
	case isolateLeader:
		if l := w.Leader(); l != raft.None {
			_ = w.Isolate(l)
		}
	case partition:
		// Split into two random groups.
		var a, b []raft.NodeID
		for _, sn := range w.nodes {
			if r.IntN(2) == 0 {
				a = append(a, sn.id)
			} else {
				b = append(b, sn.id)
			}
		}
		_ = w.Partition(a, b)
	case oneWay:
		if n < 2 {
			break // a single node has no links
		}
		to := raft.NodeID(r.IntN(n-1) + 1)
		if to >= id {
			to++
		}
		_ = w.SetLink(id, to, !w.links[id-1][to-1].up)
	case delay:
		_ = w.SetResponseDelay(id, time.Duration(r.IntN(int(4*w.opts.ElectionTimeout/time.Millisecond)))*time.Millisecond)
	case heal:
		w.HealAll()
		for _, sn := range w.nodes {
			if sn.node == nil {
				_ = w.Restart(sn.id)
			}
		}
	case transfer:
		if r.IntN(2) == 0 {
			id = raft.None // the most up-to-date voter
		}
		_ = w.TransferLeadership(id)
	case reconfigure:
		s.reconfigure(w, r)
	case figure8:
		s.figure8(w, r)
	case bounceFollower:
		s.bounceFollowers(w, r)
	}
	return bounce{}, false
}

// bounceFollowers plays issue 7 (b) on the world (dissertation §6.4.1: a
// lease holds only while the servers that heard the leader grant no votes
// for an election timeout):
//
//  1. in a quiet moment (in a read-only spell when the workload has them),
//     once every node holds the leader L's log and no client write is
//     pending, L is cut off from the largest minority C, whose logs then
//     stay as long as the others' while no one writes;
//  2. once C's promises have run out (an election timeout later: C's
//     members now grant each other pre-votes, but the rest still hear L
//     and refuse), right before a member of C campaigns again, and right
//     after the followers F answered L, L is isolated and F restart: just
//     enough of them to make a majority with C. L still holds its lease;
//  3. the world runs for two election timeouts, undisturbed by other
//     faults, while clients read at L; the step records who leads then.
//
// A restarted node grants nothing for an election timeout (lease.go), so
// L's lease runs out before C and F can elect anyone. Were F to grant at
// once (canary restart-votes), a member of C would win and commit while L
// answers lease reads at its old commit index, which the read-index check
// (and, given a write in between, porcupine) catches. The isolation and
// the cut stay until a later fault heals them.
func (s Swarm) bounceFollowers(w *World, r *rand.Rand) {
	et := w.opts.ElectionTimeout
	if spell := w.opts.ReadOnlySpells; spell > 0 && !(w.opts.readOnlySpell(w.now) && spell-w.now%spell >= 5*et) {
		w.RunUntil(w.opts.nextReadOnlySpell(w.now))
	}
	if !w.runUntilTrue(2*et, w.quiet) {
		return
	}
	voters, ok := w.wholeCluster()
	if !ok {
		return
	}
	lead := w.Leader()
	others := slices.DeleteFunc(slices.Clone(voters), func(id raft.NodeID) bool { return id == lead })
	r.Shuffle(len(others), func(i, j int) { others[i], others[j] = others[j], others[i] })
	cut, reached := others[:(len(voters)-1)/2], others[(len(voters)-1)/2:]
	bounced := reached[:len(voters)/2+1-len(cut)]
	w.Note(lead, fmt.Sprintf("bounce followers (1): leader %d cut off from %v", lead, cut))
	for _, id := range cut {
		_ = w.SetLink(lead, id, false)
		_ = w.SetLink(id, lead, false)
	}
	promisesOut := w.now + et
	// ready: C's promises have run out, one of C campaigns within a tenth
	// of an election timeout, and F have just answered L (no request of L
	// to them is on its way, to renew their promises after they restart).
	ready := func() bool {
		if w.now < promisesOut || w.requestOnWire(lead, bounced) {
			return false
		}
		return slices.ContainsFunc(cut, func(id raft.NodeID) bool {
			due := w.nodes[id-1].node.Status().ElectionDue
			return due > w.now && due-w.now <= et/10
		})
	}
	if !w.runUntilTrue(4*et, ready) || w.Leader() != lead {
		return
	}
	w.Note(lead, fmt.Sprintf("bounce followers (2): leader %d isolated, %v restart", lead, bounced))
	term, restarted := w.nodes[lead-1].node.Term(), w.now
	_ = w.Isolate(lead)
	for _, id := range bounced {
		_ = w.Crash(id)
		_ = w.Restart(id)
	}
	var next raft.NodeID
	w.runUntilTrue(2*et, func() bool { next = w.leaderAmong(others, term); return next != raft.None })
	if next != raft.None {
		w.Note(next, fmt.Sprintf("bounce followers (3): %d leads term %d, %v after the restart", next, w.nodes[next-1].node.Term(), w.now-restarted))
	} else {
		w.Note(lead, fmt.Sprintf("bounce followers (3): no one else leads, %v after the restart", w.now-restarted))
	}
	w.RunUntil(restarted + 2*et)
}

// quiet reports whether every node is up with the leader's log, all of it
// committed, and no client write is pending.
func (w *World) quiet() bool {
	lead := w.Leader()
	if lead == raft.None {
		return false
	}
	ln := w.nodes[lead-1].node
	last := ln.LastIndex()
	if ln.CommitIndex() != last {
		return false
	}
	for _, sn := range w.nodes {
		if sn.node == nil || sn.node.LastIndex() != last || sn.node.LogTerm(last) != ln.LogTerm(last) {
			return false
		}
	}
	if w.workload != nil {
		for _, c := range w.workload.clients {
			if c.op != nil && c.op.Op != kv.OpGet {
				return false
			}
		}
	}
	return true
}

// reconfigure makes one membership change: remove a voter while more than
// three are left, else add a missing node back (as a voter or a learner),
// or promote a learner.
func (s Swarm) reconfigure(w *World, r *rand.Rand) {
	lead := w.Leader()
	if lead == raft.None {
		return
	}
	conf := w.nodes[lead-1].node.Status().Conf
	voters, learners := conf.Voters, conf.Learners
	var missing []raft.NodeID
	for _, id := range NodeIDs(w) {
		if !slices.Contains(voters, id) && !slices.Contains(learners, id) {
			missing = append(missing, id)
		}
	}
	switch {
	case len(learners) > 0 && r.IntN(2) == 0:
		l := learners[r.IntN(len(learners))]
		_ = w.ChangePeers(append(slices.Clone(voters), l), slices.DeleteFunc(slices.Clone(learners), func(x raft.NodeID) bool { return x == l }))
	case len(missing) > 0 && (len(voters) <= 3 || r.IntN(2) == 0):
		m := missing[r.IntN(len(missing))]
		if r.IntN(2) == 0 {
			_ = w.ChangePeers(voters, append(slices.Clone(learners), m))
		} else {
			_ = w.ChangePeers(append(slices.Clone(voters), m), learners)
		}
	case len(voters) > 3:
		v := voters[r.IntN(len(voters))]
		_ = w.ChangePeers(slices.DeleteFunc(slices.Clone(voters), func(x raft.NodeID) bool { return x == v }), learners)
	}
}

// restoreMembership makes every node a voter again, retrying while a change
// is refused, for at most the given number of election timeouts.
//
// A node added back must catch up with the leader's log first, and under a
// load that fills every follower's pipeline (few entries per append, few in
// flight) it never gains on the log: its change fails (ErrCatchupFail) and
// so does every retry (seed 65804). So when the membership is still not
// restored after holdClientsAfter timeouts, the clients hold their new
// calls until it is, as an operator would pause the load for the change.
func (w *World) restoreMembership(timeouts int) {
	all := NodeIDs(w)
	if w.workload != nil {
		defer func() { w.workload.held = false }()
	}
	for i := range timeouts {
		if lead := w.Leader(); lead != raft.None {
			st := w.nodes[lead-1].node.Status()
			if slices.Equal(st.Conf.Voters, all) && len(st.Conf.Learners) == 0 && !st.Conf.Joint() {
				return
			}
			_ = w.ChangePeers(all, nil)
		}
		if i == holdClientsAfter && w.workload != nil {
			w.workload.held = true
		}
		w.RunFor(w.opts.ElectionTimeout)
	}
}

// holdClientsAfter is how many election timeouts restoreMembership tries
// with the clients' load on.
const holdClientsAfter = 8

// exp draws an exponentially distributed delay with the given mean.
func exp(r *rand.Rand, mean time.Duration) time.Duration {
	return time.Duration(r.ExpFloat64() * float64(mean))
}

// requestOnWire reports whether a request from node from to one of nodes
// to is in flight.
func (w *World) requestOnWire(from raft.NodeID, to []raft.NodeID) bool {
	for wm := range w.wire.all() {
		if wm.msg.From == from && wm.msg.Type.IsRequest() && slices.Contains(to, wm.msg.To) {
			return true
		}
	}
	return false
}
