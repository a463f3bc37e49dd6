package main

// The experiment methods: an experiment (raft/sim/experiment) runs as an
// incremental handle, a few trials per call, so that no call runs long
// and a page can show progress between calls.

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/raftplayground/raftplayground/raft/sim/experiment"
)

// Limits of the experiment methods.
const (
	// MaxExperiments bounds the experiments alive at once.
	MaxExperiments = 4
	// MaxExperimentTrials bounds trials per configuration: every trial's
	// row is kept (about 100 bytes), and the election experiment has 10
	// configurations, so an experiment holds at most about 10 MB.
	MaxExperimentTrials = 10_000
	// MaxExperimentCap bounds an election trial's cap (the paper's 10 s):
	// a trial that splits votes to it costs about 3 ms natively and 30 ms
	// in WebAssembly under Node.js (BenchmarkElectionTrial, a loaded
	// machine), a typical trial a tenth of that.
	MaxExperimentCap = 10 * time.Second
	// MaxExperimentMeasure bounds a pipelining trial's measurement (its
	// default): at its dearest (window 32, 1 ms links) a trial costs about
	// 0.25 s natively (BenchmarkPipeliningTrial), a few times that in
	// WebAssembly.
	MaxExperimentMeasure = 2 * time.Second
)

// maxStepTrials bounds the trials one experimentStep runs, per experiment,
// so that a call stays well under a second in WebAssembly even when every
// trial is the dearest (20 election trials split to the cap: about 0.6 s),
// and a page can step between frames.
var maxStepTrials = map[string]int{"election": 20, "pipelining": 1}

// experimentRun is an experiment made through the API.
type experimentRun struct {
	// name is the experiment's name, which sets its step bound.
	name string
	// run is the experiment under way.
	run *experiment.Run
}

// experimentOptions are the keys createExperiment's opts may have.
var experimentOptions = []string{"seed", "trials", "preVote", "capMs", "measureMs", "latencyMinMs", "latencyMaxMs", "unevenLogs"}

// experimentOnly names the one experiment each option that is not common
// to both applies to: the other would ignore it.
var experimentOnly = map[string]string{
	"capMs": "election", "latencyMinMs": "election", "latencyMaxMs": "election", "unevenLogs": "election",
	"measureMs": "pipelining",
}

// experimentNames lists the experiments createExperiment knows.
func experimentNames(_ *Registry, _ []any) (any, error) { return experiment.Names(), nil }

// createExperiment starts an experiment (no trial runs yet) and returns
// its id, which no cluster shares.
func createExperiment(r *Registry, args []any) (any, error) {
	names := experiment.Names()
	name, err := stringArg("name", args[0], 64)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(names, name) {
		return nil, fmt.Errorf("name must be one of %s, got %s", strings.Join(names, ", "), describe(name))
	}
	opts, err := optionsArg("opts", args[1], experimentOptions, "{seed: 1, trials: 100, preVote: false}")
	if err != nil {
		return nil, err
	}
	var o experiment.Options
	o.Seed = 1
	for _, k := range slices.Sorted(maps.Keys(opts)) {
		v := opts[k]
		if only, ok := experimentOnly[k]; ok && only != name {
			return nil, fmt.Errorf("opts.%s applies to the %s experiment only, not to %s", k, only, name)
		}
		switch k {
		case "seed":
			var s int
			s, err = intArg("opts.seed", v, 0, maxSafeInteger)
			o.Seed = uint64(s)
		case "trials":
			o.Trials, err = intArg("opts.trials", v, 1, MaxExperimentTrials)
		case "preVote":
			o.PreVote, err = boolArg("opts.preVote", v)
		case "unevenLogs":
			o.UnevenLogs, err = boolArg("opts.unevenLogs", v)
		case "capMs":
			o.Cap, err = msArg("opts.capMs", v, MaxExperimentCap)
			if err == nil && o.Cap < 100*time.Millisecond {
				err = fmt.Errorf("opts.capMs must be at least 100, got %s", describe(v))
			}
		case "latencyMinMs":
			o.LatencyMin, err = msArg("opts.latencyMinMs", v, time.Second)
		case "latencyMaxMs":
			o.LatencyMax, err = msArg("opts.latencyMaxMs", v, time.Second)
		case "measureMs":
			o.Measure, err = msArg("opts.measureMs", v, MaxExperimentMeasure)
			if err == nil && o.Measure < 100*time.Millisecond {
				err = fmt.Errorf("opts.measureMs must be at least 100, got %s", describe(v))
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if len(r.experiments) >= MaxExperiments {
		return nil, fmt.Errorf("too many experiments (%d); destroy one first", len(r.experiments))
	}
	if o.LatencyMin > o.LatencyMax {
		return nil, fmt.Errorf("opts.latencyMinMs must be at most opts.latencyMaxMs, got %v and %v", millis(o.LatencyMin), millis(o.LatencyMax))
	}
	run, err := experiment.New(name, o)
	if err != nil {
		return nil, err
	}
	r.lastID++
	r.experiments[r.lastID] = &experimentRun{name: name, run: run}
	return r.lastID, nil
}

// experimentArg looks up the experiment an id argument names.
func (r *Registry) experimentArg(arg any) (int, *experimentRun, error) {
	id, err := intArg("id", arg, 1, maxSafeInteger)
	if err != nil {
		return 0, nil, err
	}
	e := r.experiments[id]
	if e == nil {
		return 0, nil, r.missing("experiment", id)
	}
	return id, e, nil
}

// progressJSON is an experiment's progress as the API answers it.
type progressJSON struct {
	// Done counts the trials made, of Total.
	Done  int `json:"done"`
	Total int `json:"total"`
	// Finished: every trial is made (or one failed: error says why).
	Finished bool   `json:"finished"`
	Error    string `json:"error,omitempty"`
}

// progressOf is e's progress; a failed trial finishes the run.
func progressOf(e *experimentRun) progressJSON {
	p := progressJSON{}
	p.Done, p.Total = e.run.Progress()
	p.Finished = p.Done == p.Total
	if err := e.run.Err(); err != nil {
		p.Finished, p.Error = true, err.Error()
	}
	return p
}

// experimentStep runs up to maxTrials more trials (at most maxStepTrials
// of the experiment) and answers the progress.
func experimentStep(r *Registry, args []any) (any, error) {
	_, e, err := r.experimentArg(args[0])
	if err != nil {
		return nil, err
	}
	limit := maxStepTrials[e.name]
	n, err := intArg(fmt.Sprintf("maxTrials (for %s)", e.name), args[1], 1, limit)
	if err != nil {
		return nil, err
	}
	e.run.Step(n)
	return progressOf(e), nil
}

// experimentProgress answers an experiment's progress.
func experimentProgress(r *Registry, args []any) (any, error) {
	_, e, err := r.experimentArg(args[0])
	if err != nil {
		return nil, err
	}
	return progressOf(e), nil
}

// experimentResult answers the result so far: summaries and plots, and
// every trial's row when trials is true.
func experimentResult(r *Registry, args []any) (any, error) {
	_, e, err := r.experimentArg(args[0])
	if err != nil {
		return nil, err
	}
	withTrials := false
	if _, undef := args[1].(Undefined); !undef {
		if withTrials, err = boolArg("trials", args[1]); err != nil {
			return nil, err
		}
	}
	res := e.run.Result()
	for i := range res.Configs {
		if !withTrials {
			res.Configs[i].Trials = []experiment.Trial{}
		}
	}
	return res, nil
}

// experimentCSV answers the trials so far as CSV text.
func experimentCSV(r *Registry, args []any) (any, error) {
	_, e, err := r.experimentArg(args[0])
	if err != nil {
		return nil, err
	}
	return string(e.run.Result().CSV()), nil
}

// destroyExperiment forgets an experiment.
func destroyExperiment(r *Registry, args []any) (any, error) {
	id, _, err := r.experimentArg(args[0])
	if err != nil {
		return nil, err
	}
	delete(r.experiments, id)
	return nil, nil
}
