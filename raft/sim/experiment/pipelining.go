package experiment

import (
	"fmt"
	"slices"
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/kv"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// The pipelining experiment measures what SOFAJRaft's pipelined
// replicator buys: commit throughput and latency as the in-flight window
// (Config.MaxInflight: how many AppendEntries a replicator keeps
// unanswered) and the link latency vary. Window 1 is one request at a
// time, as a replicator without a pipeline works.
//
// Setup: three servers; every link's one-way latency is drawn per
// message from [0.8L, 1.2L] (a link delivers in order), so a round trip
// takes about 2L; disks sync at once and the simulator has no
// processing time, so the network and the window are the only limits.
// One entry per request (MaxEntriesPerRequest 1), so a window of W is W
// entries in flight. A closed-loop load proposes at the leader whenever
// fewer than pipeOutstanding of its entries wait for commit, like that
// many clients each waiting for its answer. Once the leader is stable
// and the load steady (drivePipe), commits are counted for
// Options.Measure (2 s by default):
//
//   - throughput: entries committed at the leader per second;
//   - commit latency: from the proposal at the leader to its commit there.
//
// What to expect: throughput = min(W, pipeOutstanding) / RTT, and latency
// = pipeOutstanding / throughput (Little's law), that is RTT times
// pipeOutstanding/W while the window is the bottleneck, one round trip
// once it is not. RTT is a little over 2L: a link delivers in order, so a
// message drawn faster than the one before it waits for it.

// The windows and one-way latencies measured.
var (
	pipeWindows   = []int{1, 2, 4, 8, 16, 32}
	pipeLatencies = []time.Duration{1 * time.Millisecond, 5 * time.Millisecond, 15 * time.Millisecond, 50 * time.Millisecond}
)

// The load and the measurement's timing.
const (
	pipeOutstanding = 16
	pipeWarmup      = 500 * time.Millisecond
	defaultMeasure  = 2 * time.Second
)

// pipelining is the pipelining experiment.
type pipelining struct {
	// measure is how long commits are counted.
	measure time.Duration
}

func newPipelining(o Options) (experiment, error) {
	p := pipelining{measure: o.Measure}
	if p.measure == 0 {
		p.measure = defaultMeasure
	}
	return p, nil
}

func (pipelining) title() string {
	return "Commit throughput and latency by in-flight window and link latency (pipelined replication)"
}

func (pipelining) defaultTrials() int { return 3 }

func (pipelining) configs() []config {
	var cs []config
	for _, l := range pipeLatencies {
		for _, win := range pipeWindows {
			cs = append(cs, config{
				label:  fmt.Sprintf("latency %v window %d", l, win),
				key:    uint64(win)<<32 | uint64(l/time.Microsecond),
				params: []float64{float64(win), ms(l)},
			})
		}
	}
	return cs
}

// The values of a pipelining trial.
const (
	colCommits = iota // entries committed during the measurement
	colThroughput
	colLatencyMedian
	colLatencyP90
	colLatencyP99
	colLatencyMax
	colLatencyMean
)

func (pipelining) columns() []string {
	return []string{"commits", "throughput_per_s", "latency_median_ms", "latency_p90_ms", "latency_p99_ms", "latency_max_ms", "latency_mean_ms"}
}

// options are the world options of a trial with window win and one-way
// latency l.
func (pipelining) options(win int, l time.Duration, seed uint64) sim.Options {
	o := sim.DefaultOptions()
	o.Nodes, o.Seed = 3, seed
	o.LatencyMin, o.LatencyMax = l*8/10, l*12/10
	o.MaxInflight, o.MaxEntries = win, 1
	// Timeouts far above the slowest round trip (about 120 ms), so that nothing
	// but the load happens.
	o.ElectionTimeout, o.HeartbeatInterval, o.RPCTimeout = time.Second, 100*time.Millisecond, 500*time.Millisecond
	o.NoCheckpoints = true
	return o
}

func (p pipelining) trial(c *config, seed uint64) (Trial, error) {
	win, l := int(c.params[0]), time.Duration(c.params[1]*float64(time.Millisecond))
	w, err := sim.New(p.options(win, l, seed))
	if err != nil {
		return Trial{}, err
	}
	if err := firstLeader(w); err != nil {
		return Trial{}, err
	}
	leader, ok := stableLeader(w, w.Now()+setupLimit)
	if !ok {
		return Trial{}, errNoLeader
	}
	lats, err := drivePipe(w, leader, p.measure)
	if err != nil {
		return Trial{}, err
	}
	if err := w.Violation(); err != nil {
		return Trial{}, err
	}
	var s Summary
	fillStats(&s, lats)
	v := []float64{float64(len(lats)), float64(len(lats)) / p.measure.Seconds(), s.Median, s.P90, s.P99, s.Max, s.Mean}
	return Trial{Seed: seed, Values: v}, nil
}

// drivePipe keeps pipeOutstanding proposals uncommitted at leader, one
// instant at a time, and returns the commit latency (ms) of every entry
// committed during the measurement. The measurement starts once the load
// is steady: after pipeWarmup, and after the first pipeOutstanding
// proposals, all made at once, have committed (from then on every
// proposal waiting was made when an earlier one committed); it lasts
// measure.
func drivePipe(w *sim.World, leader raft.NodeID, measure time.Duration) ([]float64, error) {
	warm, limit := w.Now()+pipeWarmup, w.Now()+setupLimit
	// One small put, the same each time: the state machine applies it
	// like any client's (a session-less command always applies).
	cmd := kv.Command{Op: kv.OpPut, Key: "k", Value: "v"}.Encode()
	var (
		proposed   []time.Duration // proposed[i]: when entry first+i was proposed
		first      uint64          // the index of the first proposal
		done       int             // proposals committed so far
		start, end time.Duration   // the measurement; zero until it starts
		lats       []float64
	)
	for (start == 0 && w.Now() < limit) || w.Now() < end {
		for len(proposed)-done < pipeOutstanding {
			pr, err := w.ProposeTo(leader, cmd)
			if err != nil {
				return nil, err
			}
			if first == 0 {
				first = pr.Index
			}
			if pr.Index != first+uint64(len(proposed)) {
				return nil, fmt.Errorf("proposal got index %d, want %d", pr.Index, first+uint64(len(proposed)))
			}
			proposed = append(proposed, w.Now())
		}
		next, ok := w.NextEventAt()
		if !ok {
			return nil, fmt.Errorf("the world stopped at %v", w.Now())
		}
		w.RunUntil(next)
		for done < len(proposed) {
			if _, _, ok, err := w.EntryAt(leader, first+uint64(done)); err != nil || !ok {
				break
			}
			if start != 0 && w.Now() < end {
				lats = append(lats, ms(w.Now()-proposed[done]))
			}
			done++
		}
		if w.Leader() != leader {
			return nil, fmt.Errorf("node %d lost its leadership at %v", leader, w.Now())
		}
		if start == 0 && done >= pipeOutstanding && w.Now() >= warm {
			start, end = w.Now(), w.Now()+measure
		}
	}
	if start == 0 {
		return nil, fmt.Errorf("the load did not settle within %v", setupLimit)
	}
	return lats, nil
}

// summarize takes, for each statistic, the median over the trials of
// each trial's value (and the largest of their maxima).
func (pipelining) summarize(c *ConfigResult) Summary {
	s := Summary{Metric: "commit latency (ms); each figure the median over trials of the trial's", Count: len(c.Trials)}
	if len(c.Trials) == 0 {
		return s
	}
	mid := func(col int) float64 {
		xs := make([]float64, len(c.Trials))
		for i, t := range c.Trials {
			xs[i] = t.Values[col]
		}
		slices.Sort(xs)
		return quantile(xs, 0.5)
	}
	s.Median, s.P90, s.P99, s.Mean, s.Rate = mid(colLatencyMedian), mid(colLatencyP90), mid(colLatencyP99), mid(colLatencyMean), mid(colThroughput)
	for _, t := range c.Trials {
		s.Max = max(s.Max, t.Values[colLatencyMax])
	}
	return s
}

// plots draws throughput and latency against the window, a curve per
// link latency: the median over trials at each window.
func (pipelining) plots(res *Result) []Plot {
	tp := Plot{Title: "Throughput by in-flight window", XLabel: "max in-flight requests per follower", YLabel: "commits per second"}
	lat := Plot{Title: "Commit latency by in-flight window", XLabel: "max in-flight requests per follower", YLabel: "median commit latency (ms)"}
	for _, l := range pipeLatencies {
		label := fmt.Sprintf("latency %v (round trip %v)", l, 2*l)
		a := Series{Label: label, X: []float64{}, Y: []float64{}}
		b := Series{Label: label, X: []float64{}, Y: []float64{}}
		for _, c := range res.Configs {
			if c.Params[1] != ms(l) || c.Summary.Count == 0 {
				continue
			}
			a.X, a.Y = append(a.X, c.Params[0]), append(a.Y, c.Summary.Rate)
			b.X, b.Y = append(b.X, c.Params[0]), append(b.Y, c.Summary.Median)
		}
		tp.Series, lat.Series = append(tp.Series, a), append(lat.Series, b)
	}
	return []Plot{tp, lat}
}
