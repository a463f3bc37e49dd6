package web

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// This file is the page's controls beyond crash, restart and the link
// matrix: a burst of commands, isolating and splitting the cluster, a link's
// latency and loss, client calls by hand, leadership transfer, membership
// changes, snapshots, and a reset with new options. Each acts through the
// world, which records it as an intervention, so the scrubber and a shared
// link replay it; a reset makes a new world whose options the shared link
// writes as settings. Inputs come as the text of the page's inputs and are
// checked here: a bad one leaves a notice, never a panic.

// BurstSize is how many commands [Playground.Burst] proposes at once.
const BurstSize = 10

// keepCalls is how many client calls by hand the page lists.
const keepCalls = 3

// Steady client load that [Playground.SetLoad] turns on: a few clients at
// a rate a person can follow at slow speeds.
const (
	loadClients = 3
	loadRate    = 20 // operations per second, all clients together
)

// Controls are the actions the controls panel sends up. [Playground]
// implements them; the panel sees nothing else of it.
type Controls interface {
	OpenControls(tab string)
	Burst()
	HealAll()
	Split()
	SetLinkProps(from, to, latencyMs, lossPct string)
	Call(op, via, key, value string)
	SetLoad(on bool)
	NodeAction(action, node string)
	Reset(f ResetForm)
}

// ControlTabs are the controls panel's sections, by data-tab; only the
// open one is rendered, which keeps the page small (see TestElementCount).
var ControlTabs = []struct{ ID, Label string }{
	{"network", "Network"},
	{"client", "Client calls"},
	{"cluster", "Leader & members"},
	{"reset", "Reset & options"},
}

// OpenControls shows the controls section tab, or closes it when it is
// open already (or tab is unknown).
func (p *Playground) OpenControls(tab string) {
	if p.controlsTab == tab {
		p.controlsTab = ""
		return
	}
	p.controlsTab = ""
	for _, t := range ControlTabs {
		if t.ID == tab {
			p.controlsTab = tab
		}
	}
}

// Burst sends [BurstSize] puts at once (see Propose), each from a client
// of its own, so the leader's replicators pipeline them: several requests
// in flight per follower, and their responses handled in seq order.
func (p *Playground) Burst() {
	p.act()
	for range BurstSize {
		if err := p.putNext(); err != nil {
			p.failed = "burst stopped: " + err.Error()
			return
		}
	}
}

// Split partitions the cluster into a minority that holds the leader (or,
// without one, the lowest ids) and a majority that can elect a new one.
func (p *Playground) Split() {
	p.act()
	n := p.world.Options().Nodes
	m := (n - 1) / 2
	if m == 0 {
		p.notice = fmt.Sprintf("a cluster of %d nodes has no minority to split off", n)
		return
	}
	var minority, majority []raft.NodeID
	if lead := p.world.Leader(); lead != raft.None {
		minority = append(minority, lead)
	}
	for id := raft.NodeID(1); int(id) <= n; id++ {
		if len(minority) < m && !slices.Contains(minority, id) {
			minority = append(minority, id)
		} else if !slices.Contains(minority, id) {
			majority = append(majority, id)
		}
	}
	p.fault(p.world.Partition(minority, majority))
}

// SetLinkProps gives the directed link from → to a fixed one-way latency
// (milliseconds) and a loss (percent); an empty value leaves that property
// as it is.
func (p *Playground) SetLinkProps(from, to, latencyMs, lossPct string) {
	p.act()
	n := p.world.Options().Nodes
	f, err := nodeInput("from", from, n)
	if err == nil {
		var t raft.NodeID
		t, err = nodeInput("to", to, n)
		if err == nil && f == t {
			err = fmt.Errorf("from and to are both n%d: a link joins two nodes", f)
		}
		if err == nil {
			err = p.setLink(f, t, latencyMs, lossPct)
		}
	}
	p.fault(err)
}

func (p *Playground) setLink(from, to raft.NodeID, latencyMs, lossPct string) error {
	var c sim.LinkConfig
	if s := strings.TrimSpace(latencyMs); s != "" {
		ms, err := strconv.ParseFloat(s, 64)
		if err != nil || !(ms >= 0 && ms <= 10000) {
			return fmt.Errorf("latency must be a number of milliseconds from 0 to 10000, got %q", latencyMs)
		}
		d := time.Duration(ms * float64(time.Millisecond))
		c.LatencyMin, c.LatencyMax = &d, &d
	}
	if s := strings.TrimSpace(lossPct); s != "" {
		pct, err := strconv.ParseFloat(s, 64)
		if err != nil || !(pct >= 0 && pct <= 100) {
			return fmt.Errorf("loss must be a percentage from 0 to 100, got %q", lossPct)
		}
		loss := pct / 100
		c.Loss = &loss
	}
	if c.LatencyMin == nil && c.Loss == nil {
		return fmt.Errorf("give a latency, a loss or both")
	}
	return p.world.SetLinkConfig(from, to, c)
}

// Call makes a client call by hand: op is "put", "append" or "get"; via
// is the node it goes to ("" for the leader). The world records it; its
// answer shows in the client list once it comes.
func (p *Playground) Call(op, via, key, value string) {
	p.act()
	var node raft.NodeID
	if strings.TrimSpace(via) != "" {
		id, err := nodeInput("via", via, p.world.Options().Nodes)
		if err != nil {
			p.fault(err)
			return
		}
		node = id
	}
	key = strings.TrimSpace(key)
	if key == "" {
		p.notice = "a client call needs a key"
		return
	}
	var err error
	switch op {
	case "put":
		_, err = p.world.Put(node, key, value)
	case "append":
		_, err = p.world.Append(node, key, value)
	case "get":
		_, err = p.world.Get(node, key)
	default:
		err = fmt.Errorf("unknown client operation %q", op)
	}
	p.fault(err)
}

// NodeAction acts on one node, given as the text of the node input:
// "isolate", "snapshot", "transfer" (leadership to it; "" for the best
// voter), "remove" (from the configuration), "add" (as a voter), "learner"
// (add as a learner) or "promote" (a learner to a voter).
func (p *Playground) NodeAction(action, node string) {
	p.act()
	if action == "transfer" && strings.TrimSpace(node) == "" {
		p.fault(p.world.TransferLeadership(raft.None))
		return
	}
	id, err := nodeInput("node", node, p.world.Options().Nodes)
	if err != nil {
		p.fault(err)
		return
	}
	switch action {
	case "isolate":
		err = p.world.Isolate(id)
	case "snapshot":
		err = p.world.Snapshot(id)
	case "transfer":
		err = p.world.TransferLeadership(id)
	case "remove", "add", "learner", "promote":
		err = p.changePeers(action, id)
	default:
		err = fmt.Errorf("unknown action %q", action)
	}
	p.fault(err)
}

// changePeers asks the leader for the configuration that action makes of
// its own with node id.
func (p *Playground) changePeers(action string, id raft.NodeID) error {
	conf, ok := p.leaderConf()
	if !ok {
		return fmt.Errorf("membership changes go through the leader, and there is none")
	}
	if conf.Joint() {
		return fmt.Errorf("a joint configuration change is under way; wait for it to finish")
	}
	voter, learner := slices.Contains(conf.Voters, id), slices.Contains(conf.Learners, id)
	voters := slices.DeleteFunc(slices.Clone(conf.Voters), func(v raft.NodeID) bool { return v == id })
	learners := slices.DeleteFunc(slices.Clone(conf.Learners), func(v raft.NodeID) bool { return v == id })
	switch {
	case action == "remove" && !voter && !learner:
		return fmt.Errorf("n%d is not in the configuration", id)
	case action == "add" && (voter || learner):
		return fmt.Errorf("n%d is already a %s (promote a learner)", id, map[bool]string{true: "voter", false: "learner"}[voter])
	case action == "learner" && (voter || learner):
		return fmt.Errorf("n%d is already in the configuration", id)
	case action == "promote" && !learner:
		return fmt.Errorf("n%d is not a learner", id)
	case action == "add" || action == "promote":
		voters = append(voters, id)
	case action == "learner":
		learners = append(learners, id)
	}
	slices.Sort(voters)
	slices.Sort(learners)
	return p.world.ChangePeers(voters, learners)
}

// leaderConf is the leader's configuration.
func (p *Playground) leaderConf() (raft.ConfigState, bool) {
	lead := p.world.Leader()
	if lead == raft.None {
		return raft.ConfigState{}, false
	}
	for _, ns := range p.world.Status().Nodes {
		if ns.ID == lead {
			return ns.Conf, true
		}
	}
	return raft.ConfigState{}, false
}

// nodeInput reads a node id typed into the input called name.
func nodeInput(name, s string, n int) (raft.NodeID, error) {
	id, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(s), "n"))
	if err != nil || id < 1 || id > n {
		return 0, fmt.Errorf("%s: give a node from 1 to %d, got %q", name, n, s)
	}
	return raft.NodeID(id), nil
}

// ResetForm is the reset form's inputs, as typed.
type ResetForm struct {
	// Nodes, Seed, ElectionMs and HeartbeatMs are the texts of their
	// inputs.
	Nodes, Seed, ElectionMs, HeartbeatMs string
	// PreVote and LeaseReads are the switches.
	PreVote, LeaseReads bool
}

// FormOf is the reset form showing opts.
func FormOf(opts sim.Options) ResetForm {
	return ResetForm{
		Nodes: strconv.Itoa(opts.Nodes), Seed: strconv.FormatUint(opts.Seed, 10),
		ElectionMs:  strconv.FormatInt(opts.ElectionTimeout.Milliseconds(), 10),
		HeartbeatMs: strconv.FormatInt(opts.HeartbeatInterval.Milliseconds(), 10),
		PreVote:     !opts.DisablePreVote, LeaseReads: opts.ReadOnly == raft.ReadLeaseBased,
	}
}

// options are the current options changed as f says.
func (f ResetForm) options(cur sim.Options) (sim.Options, error) {
	o := cur
	n, err := strconv.Atoi(strings.TrimSpace(f.Nodes))
	if err != nil || n < 1 || n > sim.MaxNodes {
		return o, fmt.Errorf("nodes: give a number from 1 to %d, got %q", sim.MaxNodes, f.Nodes)
	}
	seed, err := strconv.ParseUint(strings.TrimSpace(f.Seed), 10, 64)
	if err != nil {
		return o, fmt.Errorf("seed: give a whole number from 0 up, got %q", f.Seed)
	}
	election, err := strconv.Atoi(strings.TrimSpace(f.ElectionMs))
	if err != nil || election < 10 || election > 10000 {
		return o, fmt.Errorf("election timeout: give milliseconds from 10 to 10000, got %q", f.ElectionMs)
	}
	heartbeat, err := strconv.Atoi(strings.TrimSpace(f.HeartbeatMs))
	if err != nil || heartbeat < 1 || heartbeat >= election {
		return o, fmt.Errorf("heartbeat interval: give milliseconds from 1 to below the election timeout (%d), got %q", election, f.HeartbeatMs)
	}
	if f.LeaseReads && !f.PreVote {
		return o, fmt.Errorf("lease reads need pre-vote: without it a vote request of a higher term deposes a leader during its lease")
	}
	o.Nodes, o.Seed = n, seed
	o.ElectionTimeout, o.HeartbeatInterval = time.Duration(election)*time.Millisecond, time.Duration(heartbeat)*time.Millisecond
	o.DisablePreVote = !f.PreVote
	o.ReadOnly = raft.ReadSafe
	if f.LeaseReads {
		o.ReadOnly = raft.ReadLeaseBased
	}
	return o, nil
}

// Reset rebuilds the world with the options the form gives (the client
// load and everything the form does not show stay): the run starts again
// at time zero and the old one is gone, also from the scrubber.
func (p *Playground) Reset(f ResetForm) {
	p.act()
	opts, err := f.options(p.world.Options())
	if err != nil {
		p.fault(err)
		return
	}
	p.reset(opts)
}

// SetLoad turns the steady client load on or off. The workload's clients
// are part of the world's options, so this rebuilds the world (the run
// starts again) with the same seed and options otherwise.
func (p *Playground) SetLoad(on bool) {
	p.act()
	opts := p.world.Options()
	opts.Clients, opts.ClientRate = 0, 0
	if on {
		opts.Clients, opts.ClientRate = loadClients, loadRate
	}
	p.reset(opts)
}

func (p *Playground) reset(opts sim.Options) {
	w, err := sim.New(opts)
	if err != nil {
		p.fault(err)
		return
	}
	p.replaceWorld(w)
}

// replaceWorld shows w, a new run, from its end: nothing of the old run
// (its scrubber, its selected message) carries over.
func (p *Playground) replaceWorld(w *sim.World) {
	p.world, p.head = w, w
	p.cluster.selected = 0
	p.resync()
}

// ControlsView is what the controls panel shows.
type ControlsView struct {
	// Tab is the open section ("" for none).
	Tab string
	// Options are the world's options, which the reset form starts from.
	Options sim.Options
	// Load is set while the world runs a steady client load.
	Load bool
	// Config is the leader's configuration in words, "" without a leader.
	Config string
	// Calls are the latest client calls made by hand, newest first.
	Calls []CallView
}

// CallView is one client call by hand and its answer.
type CallView struct {
	// Done is set once the call was answered.
	Done bool
	// Text describes the call and its answer.
	Text string
}

// controlsView derives the controls' state from the world.
func (p *Playground) controlsView() ControlsView {
	opts := p.world.Options()
	cv := ControlsView{Tab: p.controlsTab, Options: opts, Load: opts.Clients > 0}
	if p.controlsTab == "cluster" {
		if conf, ok := p.leaderConf(); ok {
			cv.Config = configText(conf)
		}
	}
	if p.controlsTab == "client" {
		cv.Calls = p.callViews(opts.Clients)
	}
	return cv
}

// callViews lists the latest calls by hand. The world numbers its
// clients: the workload's first, then one per call by hand, in the order
// of the put, append and get interventions.
func (p *Playground) callViews(workload int) []CallView {
	var out []CallView
	k := 0
	for _, iv := range p.world.Interventions() {
		if iv.Kind != "put" && iv.Kind != "append" && iv.Kind != "get" {
			continue
		}
		k++
		op, ok := p.world.Call(sim.ClientCall(workload + k))
		if !ok {
			continue
		}
		out = append(out, callView(iv, op))
	}
	slices.Reverse(out)
	return out[:min(len(out), keepCalls)]
}

func callView(iv sim.Intervention, op sim.HistoryOp) CallView {
	call := fmt.Sprintf("%s %s=%q", iv.Kind, iv.Key, iv.Data)
	if iv.Kind == "get" {
		call = "get " + iv.Key
	}
	if iv.Node != raft.None {
		call += " via n" + strconv.Itoa(int(iv.Node))
	}
	if !op.Done {
		return CallView{Text: call + " → waiting for an answer"}
	}
	answer := "ok"
	if iv.Kind == "get" {
		answer = strconv.Quote(op.Value)
	}
	where := "by ReadIndex"
	if op.Index != 0 {
		where = "at index " + strconv.FormatUint(op.Index, 10)
	}
	return CallView{Done: true, Text: fmt.Sprintf("%s → %s, %s, after %s", call, answer, where, formatMillis(op.Return-op.Call))}
}

// configText is a configuration in words, e.g. "voters n1 n2 n3 · learners n4".
func configText(c raft.ConfigState) string {
	names := func(ids []raft.NodeID) string {
		if len(ids) == 0 {
			return "none"
		}
		s := make([]string, len(ids))
		for i, id := range ids {
			s[i] = nodeName(int(id))
		}
		return strings.Join(s, " ")
	}
	t := "voters " + names(c.Voters) + " · learners " + names(c.Learners)
	if c.Joint() {
		t += " · joint with old voters " + names(c.OldVoters)
	}
	return t
}
