package web

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/raftplayground/raftplayground/raft/sim/experiment"
	"github.com/raftplayground/raftplayground/web/scene"
)

// The experiments panel runs raft/sim/experiment's experiments in the
// background: in a worker of their own where the page has one
// ([ExperimentWorker], experiments_worker.go), else on the page, where its
// animation frames each give them a slice of time ([Experiments.Work]), so
// the cluster keeps animating. An
// experiment's worlds are its own: nothing here touches the playground's
// world or its recorded run. The numbers are the package's, so a seed
// gives on the page what it gives `go run ./cmd/experiment` and the
// JavaScript API.

const (
	// ExperimentRefresh is the least wall-clock time between two
	// refreshes of the result while trials run: the plots and tables are
	// rebuilt from every trial so far, which costs more as trials add up.
	ExperimentRefresh = 500 * time.Millisecond
	// experimentRender is the least wall-clock time between two renders
	// the running trials ask for (the progress bar moves at 4 Hz).
	experimentRender = 250 * time.Millisecond
)

// MaxExperimentSeed is the largest seed the panel takes: the JavaScript
// API's (a JavaScript number holds whole numbers exactly up to 2^53-1),
// since the worker runs the trials through it.
const MaxExperimentSeed = 1<<53 - 1

// ExperimentTitles name the experiments on the panel's buttons; an
// experiment without one shows its name.
var ExperimentTitles = map[string]string{
	"election":   "Election time (paper's Figure 16)",
	"pipelining": "Pipelining",
}

// ExperimentNotes say what a person should know before running an
// experiment on the page.
var ExperimentNotes = map[string]string{
	"election":   "The paper's setup: five servers, about 15 ms broadcast time, the leader crashed at a random moment of its heartbeat interval; 1000 trials per range take a few minutes here.",
	"pipelining": "A pipelining trial simulates 2.5 s of a loaded cluster and takes a few hundred milliseconds in a browser.",
}

// Experiments is the page's experiments panel's state: whether it is
// open, and the run under way or last made, with its result as of the
// last refresh. Like a Playground it is not safe for concurrent use: on
// the page every call holds the Vugu event environment's lock.
type Experiments struct {
	// open is whether the panel shows more than its heading.
	open bool
	// run is the run under way or last made on the page (nil before the
	// first, and for a run in the worker); running is set while a run has
	// trials left and was not stopped. hasRun: there was a run.
	run             *experiment.Run
	running, hasRun bool
	// worker runs the trials off the page's thread (nil: they run on
	// it); remote is the run id of the run under way or last made there (0
	// for a run on the page); inPage says why they run on the page, if the
	// worker failed (see experiments_worker.go).
	worker ExperimentWorker
	remote int
	inPage string
	// lastRemote is the last run id given to the worker.
	lastRemote int
	// done of total trials are made; failed: a trial failed. For a run on
	// the page they follow run; for one in the worker, its reports.
	done, total int
	failed      bool
	// files are the downloads of a run in the worker, "csv" and "json"
	// (the package's bytes, as the worker's last report made them; nil
	// before it).
	files map[string][]byte
	// opts and name are run's; ownTrials is set when its trials per
	// configuration are not the experiment's default (the files' names
	// then say how many).
	opts      experiment.Options
	name      string
	ownTrials bool
	// result is run's result as of the last refresh; plots are its
	// plots as the page draws them. version counts refreshes, so the
	// canvas knows when to repaint.
	result  *experiment.Result
	plots   []scene.Plot
	version int
	// wall is the wall-clock time the run has worked; lastRefresh and
	// lastRender are when it last refreshed the result and last asked for
	// a render (zero before its first slice).
	wall                    time.Duration
	lastRefresh, lastRender time.Time
	// perTrial estimates a trial's wall-clock time (a moving average), so
	// that a slice does not start a trial it has no time left for.
	perTrial time.Duration
	// err is the last error: a form that does not parse, a failed trial,
	// a download that could not be made.
	err string
	// save hands a file to the person (the page makes a download of it);
	// nil where there is none (tests set their own).
	save func(name, mime string, data []byte) error
}

// NewExperiments returns a closed panel with no run; save makes a file's
// download on the page.
func NewExperiments(save func(name, mime string, data []byte) error) *Experiments {
	return &Experiments{save: save}
}

// ExperimentForm is what a person typed into the panel's form.
type ExperimentForm struct {
	// Name is the experiment (experiment.Names).
	Name string
	// Seed and Trials are the inputs' texts: a whole number, and trials
	// per configuration (empty: the experiment's default).
	Seed, Trials string
	// PreVote runs the nodes with pre-vote.
	PreVote bool
	// The election experiment's options, as typed (empty: the default):
	// CapMs bounds a trial's wait for a new leader; LatencyMinMs and
	// LatencyMaxMs bound the one-way link latency; UnevenLogs gives the
	// servers different log lengths at the crash, as the paper did.
	CapMs, LatencyMinMs, LatencyMaxMs string
	UnevenLogs                        bool
	// MeasureMs is how long a pipelining trial counts commits, as typed
	// (empty: the default). The pipelining experiment's windows and
	// latencies are its own (1 to 32, 1 to 50 ms): it measures every pair.
	MeasureMs string
}

// The bounds of the panel's options: the JavaScript API's
// (wasm/experiment.go), since the worker runs trials through it, and the
// experiments' defaults, which an empty field keeps.
const (
	// MaxPanelTrials bounds trials per configuration (every trial's row is
	// kept: 10 election configurations of 10000 trials are about 10 MB).
	MaxPanelTrials = 10_000
	// minCap, maxCap and defaultCap bound an election trial's wait.
	minCapMs, maxCapMs, defaultCapMs = 100, 10_000, 10_000
	// maxLatencyMs bounds the election's link latency; the defaults give
	// the paper's 15 ms broadcast time.
	maxLatencyMs, defaultLatencyMinMs, defaultLatencyMaxMs = 1000, 6, 9
	// minMeasure, maxMeasure and defaultMeasure bound a pipelining
	// trial's measurement.
	minMeasureMs, maxMeasureMs, defaultMeasureMs = 100, 2000, 2000
)

// DefaultExperimentForm is the form as the panel first shows it: the
// election experiment (or the first there is) with seed 1 and its default
// number of trials, in the paper's setup (no pre-vote).
func DefaultExperimentForm() ExperimentForm {
	f := ExperimentForm{Seed: "1"}
	names := experiment.Names()
	switch {
	case slices.Contains(names, "election"):
		f.Name = "election"
	case len(names) > 0:
		f.Name = names[0]
	}
	if n := defaultTrials(f.Name); n > 0 {
		f.Trials = strconv.Itoa(n)
	}
	return f
}

// defaultTrials is experiment name's default number of trials per
// configuration (0 for an unknown one).
func defaultTrials(name string) int {
	r, err := experiment.New(name, experiment.Options{})
	if err != nil {
		return 0
	}
	return r.Result().Trials
}

// options parses f into a run's options.
func (f ExperimentForm) options() (experiment.Options, error) {
	var o experiment.Options
	seed, err := strconv.ParseUint(strings.TrimSpace(f.Seed), 10, 64)
	if err != nil || seed > MaxExperimentSeed {
		return o, fmt.Errorf("the seed must be a whole number from 0 to %d", uint64(MaxExperimentSeed))
	}
	o.Seed, o.PreVote = seed, f.PreVote
	if t := strings.TrimSpace(f.Trials); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 1 || n > MaxPanelTrials {
			return o, fmt.Errorf("trials must be a whole number from 1 to %d", MaxPanelTrials)
		}
		o.Trials = n
	}
	switch f.Name {
	case "election":
		return o, f.electionOptions(&o)
	case "pipelining":
		var err error
		o.Measure, _, err = msField("the measurement", f.MeasureMs, minMeasureMs, maxMeasureMs)
		return o, err
	}
	return o, nil
}

// electionOptions parses the election experiment's fields into o.
func (f ExperimentForm) electionOptions(o *experiment.Options) error {
	limit, _, err := msField("the cap", f.CapMs, minCapMs, maxCapMs)
	if err != nil {
		return err
	}
	lo, loSet, err := msField("the minimum link latency", f.LatencyMinMs, 0, maxLatencyMs)
	if err != nil {
		return err
	}
	hi, hiSet, err := msField("the maximum link latency", f.LatencyMaxMs, 1, maxLatencyMs)
	if err != nil {
		return err
	}
	if loSet || hiSet {
		if !loSet {
			lo = defaultLatencyMinMs * time.Millisecond
		}
		if !hiSet {
			hi = defaultLatencyMaxMs * time.Millisecond
		}
		if lo > hi {
			return fmt.Errorf("the minimum link latency (%d ms) must be at most the maximum (%d ms)", lo.Milliseconds(), hi.Milliseconds())
		}
		o.LatencyMin, o.LatencyMax = lo, hi
	}
	o.Cap, o.UnevenLogs = limit, f.UnevenLogs
	return nil
}

// msField parses a field of whole milliseconds from lo to hi, named what
// in its error; set is false for an empty field (0: the default).
func msField(what, text string, lo, hi int) (d time.Duration, set bool, err error) {
	t := strings.TrimSpace(text)
	if t == "" {
		return 0, false, nil
	}
	n, err := strconv.Atoi(t)
	if err != nil || n < lo || n > hi {
		return 0, false, fmt.Errorf("%s must be a whole number of milliseconds from %d to %d", what, lo, hi)
	}
	return time.Duration(n) * time.Millisecond, true, nil
}

// ToggleExperiments opens or closes the panel. A run goes on while it is
// closed.
func (e *Experiments) ToggleExperiments() { e.open = !e.open }

// StartExperiment starts a new run with f, dropping the last one.
func (e *Experiments) StartExperiment(f ExperimentForm) {
	e.err = ""
	o, err := f.options()
	if err != nil {
		e.err = err.Error()
		return
	}
	r, err := experiment.New(f.Name, o)
	if err != nil {
		e.err = strings.TrimPrefix(err.Error(), "experiment: ")
		return
	}
	e.opts, e.name = o, f.Name
	e.ownTrials = o.Trials != 0 && o.Trials != defaultTrials(f.Name)
	e.hasRun, e.running, e.failed, e.files = true, true, false, nil
	e.wall, e.perTrial = 0, 0
	e.lastRefresh, e.lastRender = time.Time{}, time.Time{}
	if e.worker != nil {
		e.startRemote(r)
		return
	}
	e.startHere(r)
}

// startHere makes r the run, on the page.
func (e *Experiments) startHere(r *experiment.Run) {
	e.run, e.remote = r, 0
	e.refresh()
}

// StopExperiment stops the run; what it did so far stays shown.
func (e *Experiments) StopExperiment() {
	if !e.running {
		return
	}
	e.running = false
	if e.run == nil {
		e.worker.Stop(e.remote) // its last report brings the downloads
		return
	}
	e.refresh()
}

// Running reports whether a run has trials left to make.
func (e *Experiments) Running() bool { return e.running }

// Open reports whether the panel is open.
func (e *Experiments) Open() bool { return e.open }

// Work runs trials for about budget of wall-clock time, as now tells it:
// at least one trial, and no new one that the estimate of a trial's time
// says would overrun. Every [ExperimentRefresh] a slice refreshes the
// result instead (that costs more as trials add up, so it takes a slice
// of its own); the run's end refreshes it too. Work reports whether the
// page should be re-rendered: at most every [experimentRender], and when
// the run ends. How the trials are cut into slices does not change the
// numbers: every trial is seeded on its own.
func (e *Experiments) Work(budget time.Duration, now func() time.Time) (render bool) {
	if !e.running || e.run == nil {
		return false
	}
	start := now()
	if e.lastRefresh.IsZero() {
		e.lastRefresh, e.lastRender = start, start
	}
	if start.Sub(e.lastRefresh) >= ExperimentRefresh {
		e.refresh()
		e.lastRefresh = start
		return false
	}
	t, done := start, false
	for trials := 0; !done && (trials == 0 || t.Sub(start)+e.perTrial <= budget); trials++ {
		done = e.run.Step(1)
		prev := t
		t = now()
		if d := t.Sub(prev); e.perTrial == 0 {
			e.perTrial = d
		} else {
			e.perTrial = (7*e.perTrial + d) / 8
		}
	}
	e.wall += t.Sub(start)
	e.done, e.total = e.run.Progress()
	if done {
		e.running = false
		e.refresh()
		return true
	}
	if t.Sub(e.lastRender) >= experimentRender {
		e.lastRender = t
		return true
	}
	return false
}

// refresh takes the page's run's result as it stands.
func (e *Experiments) refresh() {
	e.done, e.total = e.run.Progress()
	e.show(e.run.Result())
	if err := e.run.Err(); err != nil {
		e.failed, e.err = true, err.Error()
	}
}

// show makes r the result the panel shows.
func (e *Experiments) show(r *experiment.Result) {
	e.result = r
	e.plots = pagePlots(r)
	e.version++
}

// Version changes whenever the plots do.
func (e *Experiments) Version() int { return e.version }

// file is the run's download in format ("csv" or "json"): the package's
// bytes, made here for a run on the page, by the worker for one there.
func (e *Experiments) file(format string) ([]byte, error) {
	if e.run == nil {
		if data := e.files[format]; data != nil {
			return data, nil
		}
		return nil, fmt.Errorf("the %s file is not here yet", format)
	}
	if format == "csv" {
		return e.run.Result().CSV(), nil
	}
	data, err := e.run.Result().JSON()
	if err != nil {
		return nil, fmt.Errorf("cannot encode the result: %w", err)
	}
	return data, nil
}

// DownloadExperiment hands the result to the person as a file: format is
// "csv" (a row per trial) or "json" (everything).
func (e *Experiments) DownloadExperiment(format string) {
	e.err = ""
	if e.result == nil || e.result.Done == 0 {
		e.err = "no trials to download yet"
		return
	}
	mime := map[string]string{"csv": "text/csv", "json": "application/json"}[format]
	if mime == "" {
		e.err = "unknown format " + strconv.Quote(format)
		return
	}
	data, err := e.file(format)
	if err != nil {
		e.err = err.Error()
		return
	}
	if e.save == nil {
		e.err = "downloads are not available here"
		return
	}
	if err := e.save(e.FileName(format), mime, data); err != nil {
		e.err = "the download failed: " + err.Error()
	}
}

// FileName names the run's download in format, e.g. election-seed1.csv:
// the experiment, "prevote" with pre-vote, the options not at their
// defaults (uneven logs, cap, link latency, measurement), the seed, the trials per
// configuration when not the experiment's default, and "partial" for a run stopped
// before its end.
func (e *Experiments) FileName(format string) string {
	if e.result == nil {
		return ""
	}
	parts := []string{e.name}
	if e.opts.PreVote {
		parts = append(parts, "prevote")
	}
	if e.opts.UnevenLogs {
		parts = append(parts, "uneven")
	}
	ms := func(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }
	if e.opts.Cap != 0 {
		parts = append(parts, "cap"+ms(e.opts.Cap)+"ms")
	}
	if e.opts.LatencyMax != 0 {
		parts = append(parts, "latency"+ms(e.opts.LatencyMin)+"-"+ms(e.opts.LatencyMax)+"ms")
	}
	if e.opts.Measure != 0 {
		parts = append(parts, "measure"+ms(e.opts.Measure)+"ms")
	}
	parts = append(parts, "seed"+strconv.FormatUint(e.opts.Seed, 10))
	if e.ownTrials {
		parts = append(parts, strconv.Itoa(e.opts.Trials)+"trials")
	}
	if e.done < e.total {
		parts = append(parts, "partial")
	}
	return strings.Join(parts, "-") + "." + format
}
