package web

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft/sim/experiment"
)

// fakeWorker records what the panel asks of its worker; err, when set,
// makes Start fail.
type fakeWorker struct {
	// started are the ids, names and options of the runs started;
	// stopped the ids of the runs stopped.
	started []int
	names   []string
	opts    []experiment.Options
	stopped []int
	err     error
}

func (w *fakeWorker) Start(id int, name string, o experiment.Options) error {
	if w.err != nil {
		return w.err
	}
	w.started, w.names, w.opts = append(w.started, id), append(w.names, name), append(w.opts, o)
	return nil
}

func (w *fakeWorker) Stop(id int) { w.stopped = append(w.stopped, id) }

// packageRun runs experiment name with o natively through n trials (all
// with n < 0) and returns the run: what the worker, running the same
// package through the JavaScript API, reports.
func packageRun(t *testing.T, name string, o experiment.Options, n int) *experiment.Run {
	t.Helper()
	r, err := experiment.New(name, o)
	if err != nil {
		t.Fatal(err)
	}
	if n < 0 {
		for !r.Step(100) {
		}
	} else {
		r.Step(n)
	}
	return r
}

// report is the worker's report of run id as r stands, with its result
// (no trials, as the worker posts it), and its files when end.
func report(t *testing.T, id int, r *experiment.Run, end bool) ExperimentReport {
	t.Helper()
	res := r.Result()
	full, err := res.JSON()
	if err != nil {
		t.Fatal(err)
	}
	for i := range res.Configs {
		res.Configs[i].Trials = []experiment.Trial{}
	}
	summary, err := res.JSON()
	if err != nil {
		t.Fatal(err)
	}
	done, total := r.Progress()
	rep := ExperimentReport{Run: id, Done: done, Total: total, Wall: time.Second, Result: summary, End: end}
	if end {
		rep.CSV, rep.JSON = r.Result().CSV(), full
	}
	return rep
}

// TestExperimentInWorker: with a worker, a run's trials run there, not in
// the page's frames (Work makes none); the panel shows the worker's
// reports (progress, table, plots), drops a report on another run, and
// downloads the files the worker made, which are the package's bytes
// (issue 11: the same seed gives the same numbers everywhere).
func TestExperimentInWorker(t *testing.T) {
	var saved []savedFile
	e := newTestExperiments(&saved)
	w := &fakeWorker{}
	e.SetWorker(w)
	if v := e.View(); !v.InWorker || !strings.Contains(v.Where, "background worker") {
		t.Errorf("before a run: in worker %v, %q", v.InWorker, v.Where)
	}
	e.StartExperiment(ExperimentForm{Name: "election", Seed: "5", Trials: "3", PreVote: true})
	o := experiment.Options{Seed: 5, Trials: 3, PreVote: true}
	if !slices.Equal(w.started, []int{1}) || w.names[0] != "election" || w.opts[0] != o {
		t.Fatalf("started %v %v %+v, want run 1 of election with %+v", w.started, w.names, w.opts, o)
	}
	if e.Work(time.Second, (&stepClock{step: time.Millisecond}).now) || e.run != nil {
		t.Error("a run in the worker makes trials on the page")
	}
	if v := e.View(); !v.Running || v.Done != 0 || v.Total != 30 || v.CanDownload {
		t.Errorf("at the start: %+v", v)
	}

	r := packageRun(t, "election", o, 10)
	e.Report(report(t, 1, r, false))
	v := e.View()
	if v.Done != 10 || v.Percent != 33 || !strings.HasPrefix(v.Status, "Running: 10 of 30 trials (33%), 1s so far") || v.CanDownload {
		t.Errorf("after a report of 10 trials: %+v", v)
	}
	if tbl := e.Table(); tbl == nil || len(tbl.Rows) != 10 || tbl.Rows[0][1] != "1" {
		t.Errorf("the table after 10 trials: %+v", tbl)
	}
	if e.Report(report(t, 7, packageRun(t, "election", o, 20), false)); e.View().Done != 10 {
		t.Error("a report on another run was taken")
	}

	r.Step(100)
	if !e.Report(report(t, 1, r, true)) {
		t.Error("the run's end asks for no render")
	}
	v = e.View()
	if v.Running || v.Done != 30 || !v.CanDownload || !strings.HasPrefix(v.Status, "Done: 30 trials") {
		t.Fatalf("at the end: %+v", v)
	}
	e.DownloadExperiment("csv")
	e.DownloadExperiment("json")
	want := packageRun(t, "election", o, -1).Result()
	wantJSON, _ := want.JSON()
	if len(saved) != 2 || saved[0].name != "election-prevote-seed5-3trials.csv" || string(saved[0].data) != string(want.CSV()) ||
		saved[1].name != "election-prevote-seed5-3trials.json" || string(saved[1].data) != string(wantJSON) {
		t.Errorf("downloads %q, want the package's CSV and JSON", saved)
	}
}

// TestExperimentWorkerStop: a stop goes to the worker; the run shows
// stopped at once, ignores the reports of trials under way, and offers
// its files once the worker's last report brings them.
func TestExperimentWorkerStop(t *testing.T) {
	var saved []savedFile
	e := newTestExperiments(&saved)
	w := &fakeWorker{}
	e.SetWorker(w)
	e.StartExperiment(ExperimentForm{Name: "pipelining", Seed: "1", Trials: "3"})
	o := experiment.Options{Seed: 1}
	e.StopExperiment()
	if !slices.Equal(w.stopped, []int{1}) || e.Running() || e.View().CanDownload {
		t.Fatalf("after stop: stopped %v, running %v, can download %v", w.stopped, e.Running(), e.View().CanDownload)
	}
	r := packageRun(t, "pipelining", o, 2)
	e.Report(report(t, 1, packageRun(t, "pipelining", o, 1), false))
	if e.View().Done != 0 {
		t.Error("a progress report after the stop was taken")
	}
	e.Report(report(t, 1, r, true))
	v := e.View()
	if v.Done != 2 || !strings.HasPrefix(v.Status, "Stopped at 2 of 72") || !v.CanDownload {
		t.Fatalf("after the last report: %+v", v)
	}
	e.DownloadExperiment("csv")
	if len(saved) != 1 || saved[0].name != "pipelining-seed1-partial.csv" || string(saved[0].data) != string(r.Result().CSV()) {
		t.Errorf("download %q", saved)
	}
}

// TestExperimentWorkerFallback: a worker that fails (or cannot take a
// run) is dropped: the run under way starts again on the page, where its
// frames make the package's numbers, the panel says why, and a late report
// of the worker's is ignored.
func TestExperimentWorkerFallback(t *testing.T) {
	var saved []savedFile
	e := newTestExperiments(&saved)
	e.SetWorker(&fakeWorker{})
	e.StartExperiment(ExperimentForm{Name: "election", Seed: "2", Trials: "2"})
	e.WorkerFailed("its WebAssembly did not load")
	v := e.View()
	if !v.Running || v.InWorker || e.run == nil || !strings.Contains(v.Where, "page's own thread") || !strings.Contains(v.Where, "its WebAssembly did not load") {
		t.Fatalf("after the failure: %+v", v)
	}
	e.Report(report(t, 1, packageRun(t, "election", experiment.Options{Seed: 2, Trials: 2}, 5), false))
	if e.View().Done != 0 {
		t.Error("a report of the failed worker's was taken")
	}
	runToEnd(t, e, 10*time.Millisecond, &stepClock{step: time.Millisecond})
	e.DownloadExperiment("csv")
	want := packageRun(t, "election", experiment.Options{Seed: 2, Trials: 2}, -1).Result().CSV()
	if len(saved) != 1 || string(saved[0].data) != string(want) {
		t.Errorf("the run on the page after the fallback: %q", saved)
	}

	e = newTestExperiments(new([]savedFile))
	e.SetWorker(&fakeWorker{err: errors.New("it could not start")})
	e.StartExperiment(ExperimentForm{Name: "election", Seed: "2", Trials: "2"})
	if v := e.View(); !v.Running || e.run == nil || !strings.Contains(v.Where, "it could not start") {
		t.Errorf("a worker that cannot start: %+v", v)
	}
}

// TestExperimentWorkerReportsAFailedTrial: a report's error stops the run
// as failed and shows the error.
func TestExperimentWorkerReportsAFailedTrial(t *testing.T) {
	e := newTestExperiments(new([]savedFile))
	e.SetWorker(&fakeWorker{})
	e.StartExperiment(ExperimentForm{Name: "election", Seed: "1", Trials: "2"})
	rep := report(t, 1, packageRun(t, "election", experiment.Options{Seed: 1, Trials: 2}, 3), true)
	rep.Error = "experiment election: 150-150ms trial 1: a broken world"
	e.Report(rep)
	if v := e.View(); v.Running || v.Error != rep.Error || !strings.HasPrefix(v.Status, "Stopped by an error after 3 of 20") {
		t.Errorf("after a failed trial: %+v", v)
	}
}
