package sim

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// This file is the scenario's setup lines: one table entry per setting,
// which parses its value, writes it into Options, and reads it back for
// FromInterventions.

// setting describes one setup keyword.
type setting struct {
	name string
	// kind is how the value is written: "int", "duration", "range",
	// "probability", "rate" or "on/off".
	kind string
	// help says what the setting does, for docs and error messages.
	help string
	// set writes a parsed value into o.
	set func(o *Options, v settingValue)
	// get reads the value from o and whether it differs from the defaults.
	get func(o *Options) settingValue
}

// settingValue is a parsed value; kind says which fields hold it.
type settingValue struct {
	n      uint64
	f      float64
	d, max time.Duration
	on     bool
}

// settings lists every setup keyword, in the order Format prints them.
var settings = []setting{
	{"nodes", "int", "cluster size, 1..9 (default 5)",
		func(o *Options, v settingValue) { o.Nodes = int(v.n) }, func(o *Options) settingValue { return settingValue{n: uint64(o.Nodes)} }},
	{"seed", "int", "the seed that makes the run (default 1)",
		func(o *Options, v settingValue) { o.Seed = v.n }, func(o *Options) settingValue { return settingValue{n: o.Seed} }},
	{"election-timeout", "duration", "base election timeout (default 300ms)",
		func(o *Options, v settingValue) { o.ElectionTimeout = v.d }, func(o *Options) settingValue { return settingValue{d: o.ElectionTimeout} }},
	{"election-timeout-max", "duration", "top of the randomized election timeout range; equal to election-timeout fixes it (default 0: twice election-timeout)",
		func(o *Options, v settingValue) { o.ElectionTimeoutMax = v.d }, func(o *Options) settingValue { return settingValue{d: o.ElectionTimeoutMax} }},
	{"heartbeat-interval", "duration", "leader heartbeat interval (default 60ms)",
		func(o *Options, v settingValue) { o.HeartbeatInterval = v.d }, func(o *Options) settingValue { return settingValue{d: o.HeartbeatInterval} }},
	{"pre-vote", "on/off", "pre-vote before elections (default on)",
		func(o *Options, v settingValue) { o.DisablePreVote = !v.on }, func(o *Options) settingValue { return settingValue{on: !o.DisablePreVote} }},
	{"lease-reads", "on/off", "leaders answer reads from their lease (default off)",
		func(o *Options, v settingValue) {
			o.ReadOnly = map[bool]raft.ReadOnlyOption{true: raft.ReadLeaseBased}[v.on]
		},
		func(o *Options) settingValue { return settingValue{on: o.ReadOnly == raft.ReadLeaseBased} }},
	{"read-index", "on/off", "client gets go through ReadIndex instead of the log (default off)",
		func(o *Options, v settingValue) { o.ReadIndexReads = v.on }, func(o *Options) settingValue { return settingValue{on: o.ReadIndexReads} }},
	{"backtrack-by-term", "on/off", "a rejected append skips a whole term back (default off: one index)",
		func(o *Options, v settingValue) { o.BacktrackByTerm = v.on }, func(o *Options) settingValue { return settingValue{on: o.BacktrackByTerm} }},
	{"link-latency", "range", "every link's one-way latency, drawn per message (default 10ms..15ms)",
		func(o *Options, v settingValue) { o.LatencyMin, o.LatencyMax = v.d, v.max },
		func(o *Options) settingValue { return settingValue{d: o.LatencyMin, max: o.LatencyMax} }},
	{"link-loss", "probability", "every link's loss probability (default 0)",
		func(o *Options, v settingValue) { o.Loss = v.f }, func(o *Options) settingValue { return settingValue{f: o.Loss} }},
	{"link-duplicate", "probability", "every link's duplication probability (default 0)",
		func(o *Options, v settingValue) { o.Duplicate = v.f }, func(o *Options) settingValue { return settingValue{f: o.Duplicate} }},
	{"link-reorder", "probability", "every link's reordering probability (default 0)",
		func(o *Options, v settingValue) { o.Reorder = v.f }, func(o *Options) settingValue { return settingValue{f: o.Reorder} }},
	{"late-replies", "probability", "probability that a reply is late by late-reply-delay (default 0)",
		func(o *Options, v settingValue) { o.LateReplies = v.f }, func(o *Options) settingValue { return settingValue{f: o.LateReplies} }},
	{"late-reply-delay", "range", "how late a late reply is (default 0s..0s)",
		func(o *Options, v settingValue) { o.LateReplyMin, o.LateReplyMax = v.d, v.max },
		func(o *Options) settingValue { return settingValue{d: o.LateReplyMin, max: o.LateReplyMax} }},
	{"rpc-timeout", "duration", "the transport fails a request unanswered this long (default 150ms)",
		func(o *Options, v settingValue) { o.RPCTimeout = v.d }, func(o *Options) settingValue { return settingValue{d: o.RPCTimeout} }},
	{"down-fail-max", "duration", "a call to a down peer fails within this (default 0: at rpc-timeout)",
		func(o *Options, v settingValue) { o.DownFailMax = v.d }, func(o *Options) settingValue { return settingValue{d: o.DownFailMax} }},
	{"node-rpc-timeout", "duration", "the core's own request timeout (default 0: the core's)",
		func(o *Options, v settingValue) { o.NodeRPCTimeout = v.d }, func(o *Options) settingValue { return settingValue{d: o.NodeRPCTimeout} }},
	{"check-quorum-window", "duration", "how long a leader may go without hearing a quorum (default 0: the core's)",
		func(o *Options, v settingValue) { o.CheckQuorumWindow = v.d }, func(o *Options) settingValue { return settingValue{d: o.CheckQuorumWindow} }},
	{"disk-latency", "duration", "how long a write takes to sync (default 0: at once)",
		func(o *Options, v settingValue) { o.DiskLatency = v.d }, func(o *Options) settingValue { return settingValue{d: o.DiskLatency} }},
	{"max-inflight", "int", "each replicator's pipeline depth (default 0: the core's)",
		func(o *Options, v settingValue) { o.MaxInflight = int(v.n) }, func(o *Options) settingValue { return settingValue{n: uint64(o.MaxInflight)} }},
	{"max-entries", "int", "entries per AppendEntries (default 0: the core's)",
		func(o *Options, v settingValue) { o.MaxEntries = int(v.n) }, func(o *Options) settingValue { return settingValue{n: uint64(o.MaxEntries)} }},
	{"snapshot-every", "int", "a node compacts after applying this many entries (default 0: never)",
		func(o *Options, v settingValue) { o.SnapshotEvery = int(v.n) }, func(o *Options) settingValue { return settingValue{n: uint64(o.SnapshotEvery)} }},
	{"clients", "int", "KV clients of the random workload (default 0)",
		func(o *Options, v settingValue) { o.Clients = int(v.n) }, func(o *Options) settingValue { return settingValue{n: uint64(o.Clients)} }},
	{"client-rate", "rate", "the workload's operations per second, all clients together",
		func(o *Options, v settingValue) { o.ClientRate = v.f }, func(o *Options) settingValue { return settingValue{f: o.ClientRate} }},
	{"keys", "int", "distinct keys the workload uses (default 5)",
		func(o *Options, v settingValue) { o.Keys = int(v.n) }, func(o *Options) settingValue { return settingValue{n: uint64(o.Keys)} }},
	{"client-timeout", "duration", "a client retries after this (default 1s)",
		func(o *Options, v settingValue) { o.ClientTimeout = v.d }, func(o *Options) settingValue { return settingValue{d: o.ClientTimeout} }},
}

func findSetting(name string) *setting {
	for i := range settings {
		if settings[i].name == name {
			return &settings[i]
		}
	}
	return nil
}

// expects says what a setting's value looks like, for error messages.
func (s *setting) expects() string {
	switch s.kind {
	case "int":
		return "a whole number"
	case "duration":
		return "a duration like 300ms or 1.5s"
	case "range":
		return "a range of durations like 10ms..15ms"
	case "probability":
		return "a probability between 0 and 1"
	case "rate":
		return "a positive number"
	}
	return "on or off"
}

// parse reads a setting's value from its text; ok is false if it is not
// of the setting's kind.
func (s *setting) parse(text string) (settingValue, bool) {
	var v settingValue
	var err error
	switch s.kind {
	case "int":
		v.n, err = strconv.ParseUint(text, 10, 64)
	case "duration":
		v.d, err = parseDuration(text)
	case "range":
		v.d, v.max, err = parseRange(text)
	case "probability", "rate":
		v.f, err = strconv.ParseFloat(text, 64)
		if err == nil && (v.f < 0 || (s.kind == "probability" && v.f > 1) || v.f != v.f || v.f > 1e9) {
			err = fmt.Errorf("out of range")
		}
	default:
		switch text {
		case "on":
			v.on = true
		case "off":
		default:
			err = fmt.Errorf("not on/off")
		}
	}
	return v, err == nil
}

// format prints a value in canonical form.
func (s *setting) format(v settingValue) string {
	switch s.kind {
	case "int":
		return strconv.FormatUint(v.n, 10)
	case "duration":
		return fmtDur(v.d)
	case "range":
		return fmtDur(v.d) + ".." + fmtDur(v.max)
	case "probability", "rate":
		return fmtFloat(v.f)
	}
	return map[bool]string{true: "on", false: "off"}[v.on]
}

// maxScenarioTime bounds every duration of a scenario: far beyond any run
// a page or a test makes.
const maxScenarioTime = 1000 * time.Hour

// parseDuration reads a non-negative Go duration of at most maxScenarioTime.
func parseDuration(text string) (time.Duration, error) {
	d, err := time.ParseDuration(text)
	if err != nil || d < 0 || d > maxScenarioTime {
		return 0, fmt.Errorf("bad duration")
	}
	return d, nil
}

// parseRange reads "min..max".
func parseRange(text string) (lo, hi time.Duration, err error) {
	a, b, ok := strings.Cut(text, "..")
	if !ok {
		return 0, 0, fmt.Errorf("no range separator")
	}
	if lo, err = parseDuration(a); err != nil {
		return 0, 0, err
	}
	if hi, err = parseDuration(b); err != nil || hi < lo {
		return 0, 0, fmt.Errorf("bad range")
	}
	return lo, hi, nil
}

// Options returns the world options the scenario's settings describe,
// starting from DefaultOptions.
func (s *Scenario) Options() (Options, error) {
	o := DefaultOptions()
	for _, st := range s.Settings {
		def := findSetting(st.Name)
		if def == nil {
			return o, fmt.Errorf("sim: line %d: unknown setting %q", st.Line, st.Name)
		}
		v, ok := def.parse(st.Value)
		if !ok {
			return o, fmt.Errorf("sim: line %d: %s expects %s, got %q", st.Line, st.Name, def.expects(), st.Value)
		}
		def.set(&o, v)
	}
	if o.Clients > 0 && o.ClientRate == 0 {
		o.ClientRate = 10
	}
	return o, nil
}

// settingsFor lists the settings that make o out of DefaultOptions.
func settingsFor(o Options) []Setting {
	def := DefaultOptions()
	var out []Setting
	for i := range settings {
		s := &settings[i]
		if v := s.get(&o); v != s.get(&def) {
			out = append(out, Setting{Name: s.name, Value: s.format(v)})
		}
	}
	return out
}
