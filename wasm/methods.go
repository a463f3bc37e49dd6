package main

// The API's methods. Each checks its arguments and answers with a value that
// encodes as JSON; the Registry (registry.go) runs them one at a time.

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// handler is a method of one cluster; args are the arguments after the id.
type handler func(r *Registry, c *cluster, args []any) (any, error)

// Methods lists the API's methods, in the order they are documented.
var Methods = []Method{
	{"createCluster", []string{"opts"}, func(r *Registry, a []any) (any, error) { return r.createCluster(a[0]) }},
	{"destroyCluster", []string{"id"}, destroyCluster},
	{"seek", []string{"id", "ms"}, seek},
	{"run", []string{"id", "ms"}, reads(run)},
	{"status", []string{"id"}, reads(func(_ *Registry, c *cluster, _ []any) (any, error) { return c.w.Status(), nil })},
	{"messages", []string{"id"}, reads(func(_ *Registry, c *cluster, _ []any) (any, error) { return c.w.Status().Wire, nil })},
	{"trace", []string{"id"}, reads(trace)},
	{"history", []string{"id"}, reads(func(_ *Registry, c *cluster, _ []any) (any, error) { return nonNil(c.w.History()), nil })},
	{"interventions", []string{"id"}, reads(func(_ *Registry, c *cluster, _ []any) (any, error) { return nonNil(c.w.Interventions()), nil })},
	{"violation", []string{"id"}, reads(violation)},
	{"watch", []string{"id", "on"}, reads(watch)},
	{"events", []string{"id"}, reads(events)},
	{"propose", []string{"id", "command"}, changes(propose)},
	{"proposeTo", []string{"id", "node", "command"}, changes(proposeTo)},
	{"crash", []string{"id", "node"}, changes(onNode((*sim.World).Crash))},
	{"restart", []string{"id", "node"}, changes(onNode((*sim.World).Restart))},
	{"isolate", []string{"id", "node"}, changes(onNode((*sim.World).Isolate))},
	{"cut", []string{"id", "from", "to"}, changes(cutOrHeal(false))},
	{"heal", []string{"id", "from", "to"}, changes(cutOrHeal(true))},
	{"setLink", []string{"id", "from", "to", "config"}, changes(setLink)},
	{"partition", []string{"id", "groups"}, changes(partition)},
	{"healAll", []string{"id"}, changes(func(_ *Registry, c *cluster, _ []any) (any, error) { c.w.HealAll(); return nil, nil })},
	{"setResponseDelay", []string{"id", "node", "ms"}, changes(setResponseDelay)},
	{"hold", []string{"id", "msg"}, changes(onMessage((*sim.World).Hold))},
	{"release", []string{"id", "msg"}, changes(onMessage((*sim.World).Release))},
	{"drop", []string{"id", "msg"}, changes(onMessage((*sim.World).Drop))},
	{"duplicate", []string{"id", "msg"}, changes(duplicate)},
	{"transferLeadership", []string{"id", "to"}, changes(transferLeadership)},
	{"changePeers", []string{"id", "voters", "learners"}, changes(changePeers)},
	{"step", []string{"id"}, reads(step)},
	{"put", []string{"id", "key", "value", "opts"}, changes(clientCall("put"))},
	{"append", []string{"id", "key", "value", "opts"}, changes(clientCall("append"))},
	{"get", []string{"id", "key", "opts"}, changes(clientCall("get"))},
	{"call", []string{"id", "call"}, reads(call)},
	{"snapshot", []string{"id", "node"}, changes(onNode((*sim.World).Snapshot))},
	{"note", []string{"id", "node", "text"}, changes(note)},
	{"log", []string{"id", "node", "last"}, reads(nodeLog)},
	{"kv", []string{"id", "node"}, reads(nodeKV)},
	{"scenario", []string{"id"}, reads(exportScenario)},
	{"scene", []string{"id", "fadeMs"}, reads(sceneOf)},
	{"spaceTime", []string{"id", "windowMs"}, reads(spaceTime)},
	{"loadScenario", []string{"text"}, func(r *Registry, a []any) (any, error) { return r.loadScenario(a[0]) }},
	{"scenarioStep", []string{"id"}, reads(scenarioStep)},
	{"scenarioRun", []string{"id"}, reads(scenarioRunAll)},
	{"scenarioOutcomes", []string{"id"}, reads(scenarioOutcomes)},
	{"scenarioNarration", []string{"id"}, reads(scenarioNarration)},
	{"scenarioDigest", []string{"id"}, reads(scenarioDigest)},
	{"loadTour", []string{"text"}, func(r *Registry, a []any) (any, error) { return r.loadTour(a[0]) }},
	{"experimentNames", nil, experimentNames},
	{"createExperiment", []string{"name", "opts"}, createExperiment},
	{"experimentStep", []string{"id", "maxTrials"}, experimentStep},
	{"experimentProgress", []string{"id"}, experimentProgress},
	{"experimentResult", []string{"id", "trials"}, experimentResult},
	{"experimentCSV", []string{"id"}, experimentCSV},
	{"destroyExperiment", []string{"id"}, destroyExperiment},
}

// reads makes a method of the cluster args[0] names that leaves its
// interventions alone.
//
// Not inlined (nor are the other makers of methods in this file and
// clientCall): inlined into the method table's initializer, each use
// would compile a copy of the closure, 21 of this one (README, "Size").
//
//go:noinline
func reads(fn handler) func(*Registry, []any) (any, error) {
	return func(r *Registry, args []any) (any, error) {
		_, c, err := r.cluster(args[0])
		if err != nil {
			return nil, err
		}
		return fn(r, c, args[1:])
	}
}

// changes makes a method that changes the cluster args[0] names, which the
// world records for seek: it is refused once the cluster has used its
// budget, and counted when it succeeds.
//
//go:noinline
func changes(fn handler) func(*Registry, []any) (any, error) {
	return func(r *Registry, args []any) (any, error) {
		_, c, err := r.cluster(args[0])
		if err != nil {
			return nil, err
		}
		if err := r.allow(c, 0); err != nil {
			return nil, err
		}
		result, err := fn(r, c, args[1:])
		if err != nil {
			return nil, err
		}
		c.interventions++
		return result, nil
	}
}

// nonNil makes a nil slice empty, so that it encodes as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// clusterOptions are the keys createCluster's opts may have.
var clusterOptions = []string{"nodes", "seed", "preVote", "snapshotEvery", "electionTimeout", "electionTimeoutMax", "heartbeatInterval",
	"latencyMin", "latencyMax", "loss", "duplicate", "reorder", "diskLatency"}

// createCluster makes a cluster from opts (see clusterOptions; undefined or
// null for the defaults) and returns its id.
func (r *Registry) createCluster(arg any) (int, error) {
	opts, err := optionsArg("opts", arg, clusterOptions, "{nodes: 5, seed: 1}")
	if err != nil {
		return 0, err
	}
	o := sim.DefaultOptions()
	o.SnapshotEvery = DefaultSnapshotEvery
	for _, k := range slices.Sorted(maps.Keys(opts)) {
		if err := setOption(&o, k, opts[k]); err != nil {
			return 0, err
		}
	}
	// Pairs are checked here, where the message can name the keys.
	if o.LatencyMin > o.LatencyMax {
		return 0, fmt.Errorf("latencyMin must be at most latencyMax, got %v and %v ms", millis(o.LatencyMin), millis(o.LatencyMax))
	}
	if o.ElectionTimeoutMax != 0 && o.ElectionTimeoutMax < o.ElectionTimeout {
		return 0, fmt.Errorf("electionTimeoutMax must be at least electionTimeout, got %v and %v ms",
			millis(o.ElectionTimeoutMax), millis(o.ElectionTimeout))
	}
	if o.HeartbeatInterval >= o.ElectionTimeout {
		return 0, fmt.Errorf("heartbeatInterval must be less than electionTimeout, got %v and %v ms",
			millis(o.HeartbeatInterval), millis(o.ElectionTimeout))
	}
	w, err := sim.New(o)
	if err != nil {
		return 0, err
	}
	return r.add(&cluster{w: w})
}

// setOption sets one of createCluster's options.
func setOption(o *sim.Options, key string, v any) error {
	var err error
	switch key {
	case "nodes":
		o.Nodes, err = intArg(key, v, 1, sim.MaxNodes)
	case "seed":
		var s int
		s, err = intArg(key, v, 0, maxSafeInteger)
		o.Seed = uint64(s)
	case "preVote":
		var on bool
		on, err = boolArg(key, v)
		o.DisablePreVote = !on
	case "snapshotEvery":
		o.SnapshotEvery, err = intArg(key, v, 1, 1_000_000)
	case "electionTimeout":
		o.ElectionTimeout, err = msRangeArg(key, v, 10*time.Millisecond, time.Minute)
	case "electionTimeoutMax":
		o.ElectionTimeoutMax, err = msRangeArg(key, v, 10*time.Millisecond, time.Minute)
	case "heartbeatInterval":
		o.HeartbeatInterval, err = msRangeArg(key, v, time.Millisecond, time.Minute)
	case "latencyMin":
		o.LatencyMin, err = msArg(key, v, time.Minute)
	case "latencyMax":
		o.LatencyMax, err = msArg(key, v, time.Minute)
	case "loss":
		o.Loss, err = probArg(key, v)
	case "duplicate":
		o.Duplicate, err = probArg(key, v)
	case "reorder":
		o.Reorder, err = probArg(key, v)
	case "diskLatency":
		o.DiskLatency, err = msArg(key, v, time.Minute)
	default:
		panic("createCluster: option without a case: " + key)
	}
	return err
}

// destroyCluster forgets a cluster.
func destroyCluster(r *Registry, args []any) (any, error) {
	id, _, err := r.cluster(args[0])
	if err != nil {
		return nil, err
	}
	r.remove(id)
	return nil, nil
}

// seek makes a new cluster: the cluster args[0] names as it was at virtual
// time args[1] (ms). Acting on it forks the run; the original is left
// alone. It answers with the new cluster's id.
func seek(r *Registry, args []any) (any, error) {
	_, c, err := r.cluster(args[0])
	if err != nil {
		return nil, err
	}
	t, err := msArg("ms", args[1], c.w.Now())
	if err != nil {
		return nil, err
	}
	if len(r.clusters) >= MaxClusters {
		return nil, fmt.Errorf("too many clusters (%d); destroy one first", len(r.clusters))
	}
	w, err := c.w.Seek(t)
	if err != nil {
		return nil, err
	}
	// A copy keeps the trace's sink of the world it was copied from; the
	// fork has no subscribers yet.
	w.Trace().SetSink(nil)
	return r.add(&cluster{w: w, bytes: c.bytes, interventions: c.interventions})
}

// run advances a cluster's virtual time by ms milliseconds and returns the
// new virtual time in milliseconds.
func run(_ *Registry, c *cluster, args []any) (any, error) {
	d, err := msArg("ms", args[0], MaxRunMillis*time.Millisecond)
	if err != nil {
		return nil, err
	}
	c.w.RunFor(d)
	return millis(c.w.Now()), nil
}

// MaxTraceText bounds the text of one trace event the API returns (a
// proposal's event quotes its command).
const MaxTraceText = 1024

// trace returns the world's most recent trace events (the world keeps 256),
// oldest first, each text cut to MaxTraceText bytes.
func trace(_ *Registry, c *cluster, _ []any) (any, error) {
	evs := c.w.Trace().Recent(math.MaxInt)
	for i := range evs {
		evs[i].Text = truncate(evs[i].Text, MaxTraceText)
	}
	return evs, nil
}

// truncate cuts s to at most max bytes, on a rune boundary, marking the cut
// with "…".
func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max - len("…")
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// isRuneStart reports whether b starts a UTF-8 sequence.
func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// violationJSON is a safety violation as the API answers it.
type violationJSON struct {
	// Seed is the world's seed.
	Seed uint64 `json:"seed"`
	// Event is the trace event number at which it was found.
	Event uint64 `json:"event"`
	// At is the virtual time it was found.
	At int64 `json:"at_ns"`
	// Property is the broken property, e.g. "election safety".
	Property string `json:"property"`
	// Check names the checker that found it (sim.Check*).
	Check string `json:"check"`
	// Detail explains what was seen.
	Detail string `json:"detail"`
}

// violation answers the safety violation that stopped the run, or null.
func violation(_ *Registry, c *cluster, _ []any) (any, error) {
	err := c.w.Violation()
	if err == nil {
		return nil, nil
	}
	var v *sim.Violation
	if !errors.As(err, &v) {
		return violationJSON{Detail: err.Error()}, nil
	}
	return violationJSON{v.Seed, v.Event, int64(v.At), v.Property, v.Check, v.Detail}, nil
}

// propose hands a command (a string) to the current leader.
func propose(r *Registry, c *cluster, args []any) (any, error) {
	cmd, err := stringArg("command", args[0], MaxCommandBytes)
	if err != nil {
		return nil, err
	}
	return proposeWith(r, c, cmd, c.w.Propose)
}

// proposeTo hands a command to one node, leader or not.
func proposeTo(r *Registry, c *cluster, args []any) (any, error) {
	node, err := nodeArg("node", args[0], c.w.Options().Nodes)
	if err != nil {
		return nil, err
	}
	cmd, err := stringArg("command", args[1], MaxCommandBytes)
	if err != nil {
		return nil, err
	}
	return proposeWith(r, c, cmd, func(data []byte) (sim.Proposal, error) { return c.w.ProposeTo(node, data) })
}

// proposeWith proposes cmd through fn within the byte budget.
func proposeWith(r *Registry, c *cluster, cmd string, fn func([]byte) (sim.Proposal, error)) (any, error) {
	if err := r.allow(c, len(cmd)); err != nil {
		return nil, err
	}
	p, err := fn([]byte(cmd))
	if err != nil {
		return nil, err
	}
	r.spend(c, len(cmd))
	return p, nil
}

// onNode makes a method that does fn to one node.
//
//go:noinline
func onNode(fn func(w *sim.World, id raft.NodeID) error) handler {
	return func(_ *Registry, c *cluster, args []any) (any, error) {
		node, err := nodeArg("node", args[0], c.w.Options().Nodes)
		if err != nil {
			return nil, err
		}
		return nil, fn(c.w, node)
	}
}

// linkArgs reads the two ends of a directed link.
func linkArgs(c *cluster, fromArg, toArg any) (from, to raft.NodeID, err error) {
	n := c.w.Options().Nodes
	if from, err = nodeArg("from", fromArg, n); err != nil {
		return 0, 0, err
	}
	if to, err = nodeArg("to", toArg, n); err != nil {
		return 0, 0, err
	}
	if from == to {
		return 0, 0, fmt.Errorf("from and to must be different nodes, got %d and %d", from, to)
	}
	return from, to, nil
}

// cutOrHeal makes the method that cuts (up=false) or heals a directed link.
//
//go:noinline
func cutOrHeal(up bool) handler {
	return func(_ *Registry, c *cluster, args []any) (any, error) {
		from, to, err := linkArgs(c, args[0], args[1])
		if err != nil {
			return nil, err
		}
		return nil, c.w.SetLink(from, to, up)
	}
}

// linkKeys are the keys setLink's config may have.
var linkKeys = []string{"up", "latencyMin", "latencyMax", "loss", "duplicate", "reorder", "responseDelay", "lateReplies"}

// setLink changes a directed link: what config sets, the rest stays.
func setLink(_ *Registry, c *cluster, args []any) (any, error) {
	from, to, err := linkArgs(c, args[0], args[1])
	if err != nil {
		return nil, err
	}
	const example = "{latencyMin: 5, latencyMax: 20, loss: 0.1}"
	if _, isObject := args[2].(map[string]any); !isObject {
		return nil, fmt.Errorf("config must be an object like %s, got %s", example, describe(args[2]))
	}
	opts, err := optionsArg("config", args[2], linkKeys, example)
	if err != nil {
		return nil, err
	}
	if len(opts) == 0 {
		return nil, fmt.Errorf("config must set at least one of %s", strings.Join(linkKeys, ", "))
	}
	var lc sim.LinkConfig
	for _, k := range slices.Sorted(maps.Keys(opts)) {
		v := opts[k]
		var d time.Duration
		var p float64
		var b bool
		switch k {
		case "up":
			b, err = boolArg("config.up", v)
			lc.Up = &b
		case "latencyMin", "latencyMax", "responseDelay":
			d, err = msArg("config."+k, v, time.Minute)
			switch k {
			case "latencyMin":
				lc.LatencyMin = &d
			case "latencyMax":
				lc.LatencyMax = &d
			default:
				lc.ResponseDelay = &d
			}
		default: // loss, duplicate, reorder, lateReplies
			p, err = probArg("config."+k, v)
			switch k {
			case "loss":
				lc.Loss = &p
			case "duplicate":
				lc.Duplicate = &p
			case "reorder":
				lc.Reorder = &p
			default:
				lc.LateReplies = &p
			}
		}
		if err != nil {
			return nil, err
		}
	}
	// The world would raise latencyMax to latencyMin; given together, a
	// larger minimum is a mistake, refused as createCluster refuses it.
	if lc.LatencyMin != nil && lc.LatencyMax != nil && *lc.LatencyMin > *lc.LatencyMax {
		return nil, fmt.Errorf("config.latencyMin must be at most config.latencyMax, got %v and %v ms", millis(*lc.LatencyMin), millis(*lc.LatencyMax))
	}
	return nil, c.w.SetLinkConfig(from, to, lc)
}

// partition cuts the links between groups (an array of arrays of node ids);
// nodes in no group are isolated.
func partition(_ *Registry, c *cluster, args []any) (any, error) {
	list, ok := args[0].([]any)
	if !ok || len(list) == 0 {
		return nil, fmt.Errorf("groups must be a non-empty array of arrays of node ids, like [[1, 2], [3, 4, 5]], got %s", describe(args[0]))
	}
	groups := make([][]raft.NodeID, len(list))
	for i, g := range list {
		ids, err := nodesArg(fmt.Sprintf("groups[%d]", i), g, c.w.Options().Nodes)
		if err != nil {
			return nil, err
		}
		groups[i] = ids
	}
	return nil, c.w.Partition(groups...)
}

// setResponseDelay gives every response of a node up to ms extra latency.
func setResponseDelay(_ *Registry, c *cluster, args []any) (any, error) {
	node, err := nodeArg("node", args[0], c.w.Options().Nodes)
	if err != nil {
		return nil, err
	}
	d, err := msArg("ms", args[1], time.Minute)
	if err != nil {
		return nil, err
	}
	return nil, c.w.SetResponseDelay(node, d)
}

// msgArg reads the id of a message in flight.
func msgArg(arg any) (sim.MsgID, error) {
	id, err := intArg("msg", arg, 1, maxSafeInteger)
	return sim.MsgID(id), err
}

// onMessage makes a method that does fn to one message in flight.
//
//go:noinline
func onMessage(fn func(w *sim.World, id sim.MsgID) error) handler {
	return func(_ *Registry, c *cluster, args []any) (any, error) {
		id, err := msgArg(args[0])
		if err != nil {
			return nil, err
		}
		return nil, fn(c.w, id)
	}
}

// duplicate puts a copy of a message in flight on the wire and answers with
// the copy's id.
func duplicate(_ *Registry, c *cluster, args []any) (any, error) {
	id, err := msgArg(args[0])
	if err != nil {
		return nil, err
	}
	return c.w.Duplicate(id)
}

// transferLeadership asks the leader to hand over to a node; to undefined
// or 0 lets the leader pick the most up-to-date voter.
func transferLeadership(_ *Registry, c *cluster, args []any) (any, error) {
	to := raft.None
	if _, undef := args[0].(Undefined); !undef && args[0] != 0.0 {
		id, err := intArg("to", args[0], 0, c.w.Options().Nodes)
		if err != nil {
			return nil, err
		}
		to = raft.NodeID(id)
	}
	return nil, c.w.TransferLeadership(to)
}

// changePeers asks the leader to move to the given voters and learners
// (learners may be left out).
func changePeers(_ *Registry, c *cluster, args []any) (any, error) {
	n := c.w.Options().Nodes
	voters, err := nodesArg("voters", args[0], n)
	if err != nil {
		return nil, err
	}
	if len(voters) == 0 {
		return nil, errors.New("voters must name at least one node")
	}
	var learners []raft.NodeID
	if _, undef := args[1].(Undefined); !undef {
		if learners, err = nodesArg("learners", args[1], n); err != nil {
			return nil, err
		}
	}
	for _, l := range learners {
		if slices.Contains(voters, l) {
			return nil, fmt.Errorf("node %d cannot be both a voter and a learner", l)
		}
	}
	return nil, c.w.ChangePeers(voters, learners)
}
