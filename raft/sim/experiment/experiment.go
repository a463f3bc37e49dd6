// Package experiment runs many seeded trials of the simulator and sums them
// up: the Raft paper's election-time measurement (Figure 16, §9.3 of the
// extended paper) and a pipelining measurement of SOFAJRaft's replicator.
// See docs/experiments.md for what each does and what it shows.
//
// A Run is incremental: Step runs a few more trials, Progress and Result
// may be read between steps. Every trial is seeded from the run's seed,
// its configuration and its index alone, so the numbers do not depend on
// how a run is cut into steps, nor on which platform runs it.
package experiment

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// MaxTrials bounds Options.Trials: a run keeps every trial's row.
const MaxTrials = 100000

// Options choose a run. The zero value of every field but Seed means the
// experiment's default.
type Options struct {
	// Seed makes the run: the same seed gives the same numbers.
	Seed uint64 `json:"seed"`
	// Trials per configuration (0: the experiment's default, 1000 for
	// "election"), at most MaxTrials.
	Trials int `json:"trials"`
	// PreVote runs the nodes with pre-vote (§9.6 of the Raft thesis). The
	// paper's Figure 16 had none.
	PreVote bool `json:"pre_vote"`
	// Cap bounds each election trial: a trial without a new leader this
	// long after the crash counts as never elected (0: 10 s, at most 10 min).
	Cap time.Duration `json:"cap_ns,omitempty"`
	// Measure is how long a pipelining trial counts commits once its load
	// is steady (0: 2 s, at most 1 min).
	Measure time.Duration `json:"measure_ns,omitempty"`
	// LatencyMin and LatencyMax bound the election experiment's one-way
	// link latency, drawn per message (both 0: 6 to 9 ms, a 15 ms
	// broadcast time as in the paper; at most 1 s).
	LatencyMin time.Duration `json:"latency_min_ns,omitempty"`
	LatencyMax time.Duration `json:"latency_max_ns,omitempty"`
	// UnevenLogs gives the election's servers different log lengths at
	// the crash, as the paper did "to generate a worst-case scenario": in
	// the heartbeat round before the crash the leader appends one more
	// entry, which reaches only two of its four followers (drawn per
	// trial), so the other two cannot win the election.
	UnevenLogs bool `json:"uneven_logs,omitempty"`
}

// experiment is what each experiment provides to a Run.
type experiment interface {
	// title names the experiment for people.
	title() string
	// defaultTrials is the number of trials per configuration of Trials 0.
	defaultTrials() int
	// configs lists the configurations, in the order trials run them.
	configs() []config
	// columns names the values of a trial row.
	columns() []string
	// trial runs one trial of configuration c, seeded by seed alone.
	trial(c *config, seed uint64) (Trial, error)
	// plots draws the result from the trials done so far.
	plots(r *Result) []Plot
	// summarize sums up one configuration's trials.
	summarize(c *ConfigResult) Summary
}

// config is one configuration an experiment measures.
type config struct {
	// label names it in plots, tables and CSV, e.g. "150-300ms".
	label string
	// key seeds its trials: a configuration measures the same whatever
	// else runs with it.
	key uint64
	// params are the configuration's own numbers (say, min and max).
	params []float64
}

// registry lists the experiments by name.
var registry = map[string]func(o Options) (experiment, error){
	"election":   newElection,
	"pipelining": newPipelining,
}

// Names lists the experiments, sorted.
func Names() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Run is an experiment under way. It is not safe for concurrent use.
type Run struct {
	name string
	opts Options
	exp  experiment
	// cfgs are the experiment's configurations; results[i] holds the
	// trials of cfgs[i] done so far, in trial order.
	cfgs    []config
	results []ConfigResult
	// trials is the number of trials per configuration.
	trials int
	// next is the number of trials done: trials run round-robin over the
	// configurations (trial k is trial k/len(cfgs) of configuration
	// k%len(cfgs)), so a partial result shows every configuration.
	next int
	// err is the first error a trial returned; the run stops there.
	err error
}

// New starts experiment name with options o; no trial runs until Step.
func New(name string, o Options) (*Run, error) {
	mk, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("experiment: unknown experiment %q (known: %v)", name, Names())
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	exp, err := mk(o)
	if err != nil {
		return nil, err
	}
	r := &Run{name: name, opts: o, exp: exp, cfgs: exp.configs(), trials: o.Trials}
	if r.trials == 0 {
		r.trials = exp.defaultTrials()
	}
	for _, c := range r.cfgs {
		r.results = append(r.results, ConfigResult{Label: c.label, Params: c.params})
	}
	return r, nil
}

func (o *Options) validate() error {
	switch {
	case o.Trials < 0 || o.Trials > MaxTrials:
		return fmt.Errorf("experiment: trials must be between 0 (the default) and %d, got %d", MaxTrials, o.Trials)
	case o.Cap < 0 || (o.Cap > 0 && o.Cap < 100*time.Millisecond) || o.Cap > 10*time.Minute:
		return fmt.Errorf("experiment: cap must be 0 (the default) or between 100ms and 10m, got %v", o.Cap)
	case o.LatencyMin < 0 || o.LatencyMax < o.LatencyMin || o.LatencyMax > time.Second:
		return fmt.Errorf("experiment: latency range [%v, %v] is invalid: want 0 <= min <= max <= 1s", o.LatencyMin, o.LatencyMax)
	case o.Measure < 0 || (o.Measure > 0 && o.Measure < 100*time.Millisecond) || o.Measure > time.Minute:
		return fmt.Errorf("experiment: measure must be 0 (the default) or between 100ms and 1m, got %v", o.Measure)
	}
	return nil
}

// Step runs up to maxTrials more trials (at least one when any is left)
// and reports whether the run is done. After a trial fails (Err), it runs
// no more.
func (r *Run) Step(maxTrials int) (done bool) {
	total := r.trials * len(r.cfgs)
	for range max(maxTrials, 1) {
		if r.next >= total || r.err != nil {
			break
		}
		ci, i := r.next%len(r.cfgs), r.next/len(r.cfgs)
		c := &r.cfgs[ci]
		t, err := r.exp.trial(c, trialSeed(r.opts.Seed, c.key, uint64(i)))
		if err != nil {
			r.err = fmt.Errorf("experiment %s: %s trial %d: %w", r.name, c.label, i, err)
			break
		}
		t.Index = i
		r.results[ci].Trials = append(r.results[ci].Trials, t)
		r.next++
	}
	return r.next >= total || r.err != nil
}

// Progress reports how many trials are done of how many in all.
func (r *Run) Progress() (done, total int) { return r.next, r.trials * len(r.cfgs) }

// Err returns the error that stopped the run, or nil. Trials do not fail
// in a sound world: an error is a safety violation or a broken setup.
func (r *Run) Err() error { return r.err }

// Result sums up the trials done so far; it is valid at any point of the
// run and complete once Step reported done. The result shares nothing
// with the run.
func (r *Run) Result() *Result {
	done, total := r.Progress()
	res := &Result{
		Name: r.name, Title: r.exp.title(), Seed: r.opts.Seed, PreVote: r.opts.PreVote, Options: r.opts,
		Trials: r.trials, Done: done, Total: total, Columns: r.exp.columns(),
	}
	for i := range r.results {
		c := r.results[i]
		c.Trials = slices.Clone(c.Trials)
		c.Summary = r.exp.summarize(&c)
		res.Configs = append(res.Configs, c)
	}
	res.Plots = r.exp.plots(res)
	return res
}

// trialSeed mixes the run's seed, a configuration's key and a trial's
// index into the trial's seed (SplitMix64's finalizer on each step), so
// that nearby seeds, keys and indexes give unrelated trials.
func trialSeed(seed, key, trial uint64) uint64 {
	mix := func(x uint64) uint64 {
		x += 0x9e3779b97f4a7c15
		x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
		x = (x ^ x>>27) * 0x94d049bb133111eb
		return x ^ x>>31
	}
	return mix(mix(mix(seed)^key) ^ trial)
}

// errNoLeader is a trial's setup that found no leader in time.
var errNoLeader = errors.New("no stable leader to crash")
