package experiment

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/kv"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// The election experiment is the Raft paper's Figure 16 (§9.3 of the
// extended paper): "We repeatedly crashed the leader of a cluster of five
// servers and timed how long it took to detect the crash and elect a new
// leader". The setup, as the paper gives it and as this file makes it:
//
//   - five servers;
//   - a broadcast time of about 15 ms: every link's one-way latency is
//     drawn uniformly from [electionLatencyMin, electionLatencyMax] =
//     [6 ms, 9 ms] per message, so a request and its response take 12 to
//     18 ms, 15 ms on average (the simulator has no processing time, and
//     disks sync at once);
//   - a heartbeat interval of half the minimum election timeout;
//   - election timeouts drawn from [min, max) (Config.ElectionTimeoutMax),
//     for each of the paper's ranges;
//   - the leader crashed at a uniformly random moment of its heartbeat
//     interval, once it is stable: elected, its first entry committed on
//     every server, and a heartbeat sent since;
//   - the time measured runs from the crash to the first moment a server
//     becomes leader in a term higher than the crashed leader's. That is
//     the paper's "elect a new leader"; the new leader's first commit
//     comes a round trip later and is not counted.
//
// No client load, no checkpoints. The safety checkers stay on (a trial
// with a violation is an error): a typical trial costs the same without
// them (about 0.5 ms natively), a trial that splits votes to its 10 s cap
// about a fifth less (BenchmarkElectionTrial).

// The one-way link latency of the election experiment by default (see
// above; Options.LatencyMin and LatencyMax change it).
const (
	electionLatencyMin = 6 * time.Millisecond
	electionLatencyMax = 9 * time.Millisecond
)

// defaultCap is how long an election trial waits for a new leader.
const defaultCap = 10 * time.Second

// setupLimit bounds the first election and the wait for stability.
const setupLimit = 60 * time.Second

// timeoutRange is an election timeout range of the experiment, in ms.
type timeoutRange struct{ min, max int }

// The paper's ranges: the top plot varies the randomness from none
// (150-150 ms) to 150 ms; the bottom one scales the whole range down.
var (
	topRanges    = []timeoutRange{{150, 150}, {150, 151}, {150, 155}, {150, 175}, {150, 200}, {150, 300}}
	bottomRanges = []timeoutRange{{12, 24}, {25, 50}, {50, 100}, {100, 200}, {150, 300}}
)

// election is the election experiment.
type election struct {
	// preVote runs the nodes with pre-vote.
	preVote bool
	// cap bounds each trial after the crash.
	cap time.Duration
	// latencyMin and latencyMax bound every link's one-way latency.
	latencyMin, latencyMax time.Duration
	// unevenLogs: two followers miss the leader's last entry at the crash.
	unevenLogs bool
	// ranges are the distinct ranges of both plots, in ms.
	ranges []timeoutRange
}

func newElection(o Options) (experiment, error) {
	e := &election{preVote: o.PreVote, cap: o.Cap, latencyMin: o.LatencyMin, latencyMax: o.LatencyMax, unevenLogs: o.UnevenLogs}
	if e.cap == 0 {
		e.cap = defaultCap
	}
	if e.latencyMax == 0 {
		e.latencyMin, e.latencyMax = electionLatencyMin, electionLatencyMax
	}
	for _, r := range slices.Concat(topRanges, bottomRanges) {
		if !slices.Contains(e.ranges, r) {
			e.ranges = append(e.ranges, r)
		}
	}
	return e, nil
}

func (e *election) title() string {
	return "Time to elect a new leader after the leader crashes (Raft paper, Figure 16)"
}

func (e *election) defaultTrials() int { return 1000 }

func (e *election) configs() []config {
	var cs []config
	for _, r := range e.ranges {
		cs = append(cs, config{label: r.label(), key: uint64(r.min)<<32 | uint64(r.max), params: []float64{float64(r.min), float64(r.max)}})
	}
	return cs
}

func (r timeoutRange) label() string { return fmt.Sprintf("%d-%dms", r.min, r.max) }

// The values of an election trial.
const (
	colCrashOffset = iota // ms from the leader's last heartbeat to its crash
	colElected            // 1 if a new leader was elected within the cap
	colElectionMs         // ms from the crash to the new leader (the cap if none)
	colTerms              // terms the election took: new term - old term (0 if none)
	colHeartbeat          // the heartbeat interval in ms
	colCrashAt            // ms from time zero to the crash
)

func (e *election) columns() []string {
	return []string{"crash_offset_ms", "elected", "election_ms", "terms", "heartbeat_ms", "crash_at_ms"}
}

// options are the world options of a trial of range r.
func (e *election) options(r timeoutRange, seed uint64) sim.Options {
	o := sim.DefaultOptions()
	o.Nodes, o.Seed = 5, seed
	o.LatencyMin, o.LatencyMax = e.latencyMin, e.latencyMax
	o.ElectionTimeout, o.ElectionTimeoutMax = time.Duration(r.min)*time.Millisecond, time.Duration(r.max)*time.Millisecond
	o.HeartbeatInterval = o.ElectionTimeout / 2
	o.DisablePreVote = !e.preVote
	o.NoCheckpoints = true
	return o
}

func (e *election) trial(c *config, seed uint64) (Trial, error) {
	r := timeoutRange{int(c.params[0]), int(c.params[1])}
	w, err := sim.New(e.options(r, seed))
	if err != nil {
		return Trial{}, err
	}
	crashAt, term, err := crashStableLeader(w, rand.New(rand.NewPCG(seed, 0x6372617368)), e.unevenLogs) // "crash"
	if err != nil {
		return Trial{}, err
	}
	hb := w.Options().HeartbeatInterval
	v := make([]float64, 6)
	v[colCrashOffset], v[colHeartbeat], v[colCrashAt] = ms(crashAt.offset), ms(hb), ms(crashAt.at)
	v[colElectionMs] = ms(e.cap)
	// The crashed leader is down: any leader now is a new one.
	if w.RunUntilCond(func() bool { return w.Leader() != raft.None }, crashAt.at+e.cap) {
		rc := lastLeaderChange(w)
		if rc.Term <= term {
			return Trial{}, fmt.Errorf("node %d leads in term %d, not after the crashed leader's %d", rc.Node, rc.Term, term)
		}
		v[colElected], v[colElectionMs], v[colTerms] = 1, ms(rc.At-crashAt.at), float64(rc.Term-term)
	}
	if err := w.Violation(); err != nil {
		return Trial{}, err
	}
	return Trial{Seed: seed, Values: v}, nil
}

// crashPoint is when a trial crashed its leader.
type crashPoint struct {
	// at is the crash's virtual time; offset how long after the leader's
	// last heartbeat it came, in [0, HeartbeatInterval).
	at, offset time.Duration
}

// crashStableLeader runs w until it has a stable leader (elected, its
// first entry committed on every server), then to the leader's next
// heartbeat, then for a uniformly drawn part of a heartbeat interval, and
// crashes the leader there. A leader deposed before that point (timeouts
// shorter than the broadcast time allow it, 12-24 ms) is not stable: the
// setup waits for the next one and draws again. With uneven, the leader
// appends one more entry right after the heartbeats, which only two of
// its followers (drawn from r) receive (unevenLogs). It returns the crash
// and the crashed leader's term.
func crashStableLeader(w *sim.World, r *rand.Rand, uneven bool) (crashPoint, uint64, error) {
	if err := firstLeader(w); err != nil {
		return crashPoint{}, 0, err
	}
	deadline := w.Now() + setupLimit
	hb := w.Options().HeartbeatInterval
	for {
		leader, ok := stableLeader(w, deadline)
		if !ok {
			return crashPoint{}, 0, noLeader(w.Options())
		}
		st := w.Status().Nodes[leader-1]
		// Every replicator keeps the heartbeat schedule the leader started
		// them on (raft/leader.go), so the first due is the next heartbeat.
		next := st.Replicators[0].HeartbeatDue
		for _, rs := range st.Replicators {
			next = min(next, rs.HeartbeatDue)
		}
		offset := time.Duration(r.Int64N(int64(hb)))
		w.RunUntil(next) // the heartbeats leave at next
		if uneven {
			if err := unevenLogs(w, leader, r); err != nil {
				return crashPoint{}, 0, err
			}
		}
		w.RunUntil(next + offset)
		if w.Leader() != leader {
			continue
		}
		term := w.Status().Nodes[leader-1].Term
		if err := w.Crash(leader); err != nil {
			return crashPoint{}, 0, err
		}
		if uneven {
			// The crashed leader sends nothing more: its links are
			// healed for tidiness only.
			for _, id := range sim.NodeIDs(w) {
				if id != leader {
					_ = w.SetLink(leader, id, true)
				}
			}
		}
		return crashPoint{at: w.Now(), offset: offset}, term, nil
	}
}

// unevenLogs cuts the links from leader to two followers drawn from r and
// has leader append an entry: its AppendEntries reach only the other two
// (messages already on the wire, the heartbeats, still arrive). The two
// cut off keep a shorter log, so neither can win the next election: its
// own vote and the other's make two of the four live servers, and the
// others refuse a candidate whose log is behind theirs (§5.4.1).
func unevenLogs(w *sim.World, leader raft.NodeID, r *rand.Rand) error {
	var followers []raft.NodeID
	for _, id := range sim.NodeIDs(w) {
		if id != leader {
			followers = append(followers, id)
		}
	}
	r.Shuffle(len(followers), func(i, j int) { followers[i], followers[j] = followers[j], followers[i] })
	for _, id := range followers[:2] {
		if err := w.SetLink(leader, id, false); err != nil {
			return err
		}
	}
	_, err := w.ProposeTo(leader, kv.Command{Op: kv.OpPut, Key: "k", Value: "v"}.Encode())
	return err
}

// stableLeader runs w until a leader has committed its first entry on
// every node (so every node has heard it) and returns it; ok is false if
// none has by deadline.
func stableLeader(w *sim.World, deadline time.Duration) (leader raft.NodeID, ok bool) {
	for {
		if !w.RunUntilCond(func() bool { return w.Leader() != raft.None }, deadline) {
			return raft.None, false
		}
		leader = w.Leader()
		first := w.Status().Nodes[leader-1].LastIndex
		settled := func() bool { return w.Leader() != leader || committedEverywhere(w, first) }
		if !w.RunUntilCond(settled, deadline) {
			return raft.None, false
		}
		if w.Leader() == leader {
			return leader, true
		}
	}
}

// noLeader is the error of a trial's setup that found no stable leader
// in o's world. When a round trip over the slowest link takes as long as
// the shortest election timeout, a leader is deposed (or never elected)
// before it commits: the error then names the link latency as the cause.
func noLeader(o sim.Options) error {
	if 2*o.LatencyMax < o.ElectionTimeout {
		return errNoLeader
	}
	return fmt.Errorf("%w within %v: a round trip over links of %v-%v (the link latency option) can take as long as an election timeout of %v, so no leader holds; lower the link latency (the paper's broadcast time is 15 ms: %v-%v one way)",
		errNoLeader, setupLimit, o.LatencyMin, o.LatencyMax, o.ElectionTimeout, electionLatencyMin, electionLatencyMax)
}

// committedEverywhere reports whether every node has committed index.
func committedEverywhere(w *sim.World, index uint64) bool {
	for _, id := range sim.NodeIDs(w) {
		if _, _, ok, err := w.EntryAt(id, index); err != nil || !ok {
			return false
		}
	}
	return true
}

// firstLeader makes node 1 the first leader: the others are down until
// its election timer fires, then start and grant its (pre-)vote. Were all
// five to start together with a fixed timeout (150-150 ms), they would
// time out in lockstep and split the vote forever; and how the first
// leader comes does not matter to the measurement, which starts when the
// followers' timers run from that leader's heartbeats.
func firstLeader(w *sim.World) error {
	ids := sim.NodeIDs(w)
	for _, id := range ids[1:] {
		if err := w.Crash(id); err != nil {
			return err
		}
	}
	w.RunUntil(w.Status().Nodes[0].ElectionDue)
	for _, id := range ids[1:] {
		if err := w.Restart(id); err != nil {
			return err
		}
	}
	return nil
}

// lastLeaderChange is the newest role change to leader in w.
func lastLeaderChange(w *sim.World) sim.RoleChange {
	roles := w.RoleLog(nil)
	for i := len(roles) - 1; i >= 0; i-- {
		if roles[i].Up && roles[i].Role == raft.Leader {
			return roles[i]
		}
	}
	return sim.RoleChange{}
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func (e *election) summarize(c *ConfigResult) Summary {
	s := Summary{Metric: "election time (ms)", Count: len(c.Trials), Cap: ms(e.cap)}
	var xs []float64
	for _, t := range c.Trials {
		if t.Values[colElected] == 0 {
			s.Capped++
		}
		xs = append(xs, t.Values[colElectionMs]) // the cap when capped
	}
	fillStats(&s, xs)
	return s
}

// plots draws the paper's two plots: the distribution of election times,
// one curve per range.
func (e *election) plots(res *Result) []Plot {
	curve := func(r timeoutRange) Series {
		for _, c := range res.Configs {
			if c.Label != r.label() {
				continue
			}
			var xs []float64
			for _, t := range c.Trials {
				if t.Values[colElected] == 1 {
					xs = append(xs, t.Values[colElectionMs])
				}
			}
			slices.Sort(xs)
			return cdf(c.Label, xs, len(c.Trials))
		}
		return Series{Label: r.label(), X: []float64{}, Y: []float64{}}
	}
	plot := func(title string, ranges []timeoutRange) Plot {
		p := Plot{Title: title, XLabel: "time without leader (ms)", YLabel: "cumulative fraction of trials"}
		for _, r := range ranges {
			p.Series = append(p.Series, curve(r))
		}
		return p
	}
	return []Plot{
		plot("Randomness of the election timeout (150 ms minimum)", topRanges),
		plot("Scale of the election timeout", bottomRanges),
	}
}
