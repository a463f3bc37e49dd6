package web

import (
	"time"

	"github.com/raftplayground/raftplayground/raft/sim/experiment"
)

// A run in a worker. On the page a pipelining trial takes a few hundred
// milliseconds and cannot be split, so a run on the page's thread holds
// the page still that long, trial after trial. Where the page has a Web
// Worker (static/experiment-worker.js, driven by
// wasm/experiment_worker.go), the trials run there, through the
// JavaScript API's createExperiment, which runs the same package: the
// numbers, and the downloads' bytes, are the same. The worker reports
// back ([Experiments.Report]); where it cannot start or fails, the panel
// falls back to running trials on the page and says so
// ([Experiments.WorkerFailed]).

// ExperimentWorker runs a run's trials off the page's thread. Its reports
// come back through [Experiments.Report], under the page's lock like
// every other change.
type ExperimentWorker interface {
	// Start starts run id: experiment name with o, dropping any run
	// before it. An error says that the worker cannot run it.
	Start(id int, name string, o experiment.Options) error
	// Stop asks run id to stop after the trials under way; its last
	// report follows.
	Stop(id int)
}

// ExperimentReport is what the worker reports of a run.
type ExperimentReport struct {
	// Run is the run's id (Start's); a report on an older run is dropped.
	Run int
	// Done of Total trials are made, in Wall of the worker's time.
	Done, Total int
	Wall        time.Duration
	// Error says why a trial failed, or is "".
	Error string
	// Result is the result so far without its trials (experiment.Result
	// as JSON), or empty when unchanged since the last report.
	Result []byte
	// End: the run is over (done, failed or stopped); CSV and JSON are
	// its downloads.
	End       bool
	CSV, JSON []byte
}

// SetWorker makes w run the trials of the runs started from now on.
func (e *Experiments) SetWorker(w ExperimentWorker) { e.worker = w }

// InWorker reports whether the run under way or last made runs in the
// worker.
func (e *Experiments) InWorker() bool { return e.remote != 0 }

// startRemote starts run r (made to check the options, not to run) in the
// worker, or on the page if the worker cannot take it.
func (e *Experiments) startRemote(r *experiment.Run) {
	e.lastRemote++
	id := e.lastRemote
	if err := e.worker.Start(id, e.name, e.opts); err != nil {
		e.WorkerFailed(err.Error())
		e.startHere(r)
		return
	}
	e.run, e.remote = nil, id
	e.done, e.total = r.Progress()
	e.show(r.Result()) // no trials yet: the plots' frames and the table's rows
}

// Report takes a report of the worker's and reports whether the page
// should be re-rendered: at most every [experimentRender] while trials
// run, and at the run's end.
func (e *Experiments) Report(r ExperimentReport) (render bool) {
	if r.Run == 0 || r.Run != e.remote || e.files != nil {
		return false // an older run's, or after this one's end
	}
	if !e.running && !r.End {
		return false // stopped: only the last report counts
	}
	e.done, e.total, e.wall = r.Done, r.Total, r.Wall
	if r.Error != "" {
		e.failed, e.err = true, r.Error
	}
	if len(r.Result) > 0 {
		if res, err := decodeResult(r.Result); err != nil {
			e.err = "cannot read the worker's result: " + err.Error()
		} else {
			e.show(res)
		}
	}
	if r.End {
		e.running = false
		e.files = map[string][]byte{"csv": r.CSV, "json": r.JSON}
		return true
	}
	now := time.Now()
	if now.Sub(e.lastRender) >= experimentRender {
		e.lastRender = now
		return true
	}
	return false
}

// WorkerFailed drops the worker, which cannot run trials (why says why):
// from now on they run on the page, and a run under way in the worker
// starts again there (every trial is seeded on its own, so it makes the
// same numbers).
func (e *Experiments) WorkerFailed(why string) {
	e.worker = nil
	e.inPage = why
	if !e.running || e.remote == 0 {
		return
	}
	r, err := experiment.New(e.name, e.opts)
	if err != nil {
		e.running, e.err = false, err.Error()
		return
	}
	e.wall = 0
	e.startHere(r)
}

// where says where the trials run, for the panel.
func (e *Experiments) where() string {
	switch {
	case e.worker != nil:
		return "Trials run in a background worker, a thread of their own, so the page stays responsive."
	case e.inPage != "":
		return "Trials run on the page's own thread, a few per frame (the background worker failed: " + e.inPage + "); a pipelining trial holds the page still for a few hundred milliseconds."
	}
	return "Trials run on the page's own thread, a few per frame; a pipelining trial holds the page still for a few hundred milliseconds."
}
