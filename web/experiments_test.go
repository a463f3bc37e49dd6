package web

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/vugu/html"
	"github.com/vugu/vugu"
	"github.com/vugu/vugu/staticrender"

	"github.com/raftplayground/raftplayground/raft/sim/experiment"
)

// stepClock is a wall clock for Work that moves on by step at every
// reading, so a trial "takes" one step (Work reads the clock once per
// trial, and once before the first).
type stepClock struct {
	t    time.Time
	step time.Duration
}

func (c *stepClock) now() time.Time {
	c.t = c.t.Add(c.step)
	return c.t
}

// savedFile is what a download handed over.
type savedFile struct {
	name, mime string
	data       []byte
}

// newExperiments returns a panel whose downloads land in *saved.
func newTestExperiments(saved *[]savedFile) *Experiments {
	return NewExperiments(func(name, mime string, data []byte) error {
		*saved = append(*saved, savedFile{name, mime, data})
		return nil
	})
}

// runToEnd gives e slices of budget until its run ends, and returns how
// many it took.
func runToEnd(t *testing.T, e *Experiments, budget time.Duration, clock *stepClock) int {
	t.Helper()
	slices := 0
	for e.Running() {
		e.Work(budget, clock.now)
		if slices++; slices > 100000 {
			t.Fatal("the run does not end")
		}
	}
	return slices
}

// TestExperimentSlicesGiveTheSameNumbers: a run made a trial or two per
// animation frame writes the same CSV and JSON, byte for byte, as the
// package run in one go, which is what cmd/experiment and the JavaScript
// API do (issue 11: "the same seed gives the same numbers in all three").
func TestExperimentSlicesGiveTheSameNumbers(t *testing.T) {
	var saved []savedFile
	e := newTestExperiments(&saved)
	e.StartExperiment(ExperimentForm{Name: "election", Seed: "7", Trials: "3", PreVote: true})
	if e.err != "" || !e.Running() {
		t.Fatalf("not running: %q", e.err)
	}
	clock := &stepClock{step: 4 * time.Millisecond}
	most := 0
	for e.Running() {
		before, _ := e.run.Progress()
		e.Work(6*time.Millisecond, clock.now)
		after, _ := e.run.Progress()
		most = max(most, after-before)
	}
	r, err := experiment.New("election", experiment.Options{Seed: 7, Trials: 3, PreVote: true})
	if err != nil {
		t.Fatal(err)
	}
	for !r.Step(1000) {
	}
	want := r.Result()
	if most != 1 {
		t.Errorf("up to %d trials of 4 ms each in a slice of 6 ms, want one", most)
	}

	e.DownloadExperiment("csv")
	e.DownloadExperiment("json")
	if len(saved) != 2 || e.err != "" {
		t.Fatalf("downloads: %d files, error %q", len(saved), e.err)
	}
	if f := saved[0]; f.name != "election-prevote-seed7-3trials.csv" || f.mime != "text/csv" || !bytes.Equal(f.data, want.CSV()) {
		t.Errorf("CSV download %q (%s), %d bytes; want election-prevote-seed7-3trials.csv (text/csv) equal to the package's %d bytes:\n%s\nwant:\n%s",
			f.name, f.mime, len(f.data), len(want.CSV()), f.data, want.CSV())
	}
	wantJSON, _ := want.JSON()
	if f := saved[1]; f.name != "election-prevote-seed7-3trials.json" || f.mime != "application/json" || !bytes.Equal(f.data, wantJSON) {
		t.Errorf("JSON download %q (%s) differs from the package's result", f.name, f.mime)
	}
}

// TestExperimentWorkKeepsToItsBudget: a slice makes at least one trial,
// and no new one that the last trials' time says would overrun the
// budget, so the cluster's frames keep their time.
func TestExperimentWorkKeepsToItsBudget(t *testing.T) {
	e := newTestExperiments(new([]savedFile))
	e.StartExperiment(ExperimentForm{Name: "election", Seed: "1", Trials: "5"})
	for _, tc := range []struct {
		budget, trial time.Duration
		want          int
	}{
		{6 * time.Millisecond, 10 * time.Millisecond, 1}, // a trial longer than the budget: one
		{6 * time.Millisecond, 2 * time.Millisecond, 3},  // 2+2+2 = 6
		{6 * time.Millisecond, 4 * time.Millisecond, 1},  // 4+4 > 6
	} {
		e.perTrial = 0 // a new estimate for each case
		before, _ := e.run.Progress()
		e.Work(tc.budget, (&stepClock{step: tc.trial}).now)
		after, _ := e.run.Progress()
		if after-before != tc.want {
			t.Errorf("budget %v, trials of %v: %d trials in a slice, want %d", tc.budget, tc.trial, after-before, tc.want)
		}
	}
}

// TestExperimentRefreshAndRenderPace: while trials run the result is
// rebuilt at most every ExperimentRefresh and a render asked for at most
// every experimentRender, in wall-clock time; the run's end does both at
// once.
func TestExperimentRefreshAndRenderPace(t *testing.T) {
	e := newTestExperiments(new([]savedFile))
	e.StartExperiment(ExperimentForm{Name: "election", Seed: "1", Trials: "40"})
	clock := &stepClock{step: time.Millisecond}
	v0, renders := e.Version(), 0
	var last time.Time
	for e.Running() {
		if e.Work(time.Millisecond, clock.now) {
			if renders > 0 && e.Running() && clock.t.Sub(last) < experimentRender {
				t.Fatalf("renders %v apart, want at least %v", clock.t.Sub(last), experimentRender)
			}
			renders++
			last = clock.t
		}
	}
	done, total := e.run.Progress()
	refreshes := e.Version() - v0
	// 400 slices of one trial, each 2 ms by the clock (its first reading
	// and the trial's): 800 ms in all, so one refresh at 500 ms and the
	// end's; renders at 250, 500 and 750 ms and the end's.
	if refreshes != 2 || renders != 4 {
		t.Errorf("%d trials: %d refreshes and %d renders; want 2 and 4 at %v and %v", done, refreshes, renders, ExperimentRefresh, experimentRender)
	}
	if done != total || e.result.Done != total {
		t.Errorf("the end's refresh shows %d of %d trials", e.result.Done, total)
	}
}

// TestExperimentFormErrors: what does not parse is said, and starts
// nothing.
func TestExperimentFormErrors(t *testing.T) {
	for _, tc := range []struct {
		form ExperimentForm
		want string
	}{
		{ExperimentForm{Name: "election", Seed: "x", Trials: "5"}, "seed must be a whole number"},
		{ExperimentForm{Name: "election", Seed: "-1", Trials: "5"}, "seed must be a whole number"},
		{ExperimentForm{Name: "election", Seed: "1", Trials: "0"}, "trials must be a whole number from 1"},
		{ExperimentForm{Name: "election", Seed: "1", Trials: "100001"}, "trials must be a whole number from 1"},
		{ExperimentForm{Name: "nope", Seed: "1", Trials: "5"}, `unknown experiment "nope"`},
	} {
		e := newTestExperiments(new([]savedFile))
		e.StartExperiment(tc.form)
		if !strings.Contains(e.err, tc.want) || e.Running() || e.run != nil {
			t.Errorf("%+v: error %q, running %v; want an error saying %q and no run", tc.form, e.err, e.Running(), tc.want)
		}
	}
}

// TestExperimentStopKeepsWhatItMade: a stopped run shows and downloads
// the trials it made, named as partial.
func TestExperimentStopKeepsWhatItMade(t *testing.T) {
	var saved []savedFile
	e := newTestExperiments(&saved)
	e.DownloadExperiment("csv")
	if e.err == "" || len(saved) != 0 {
		t.Errorf("a download before any run: error %q, %d files", e.err, len(saved))
	}
	e.StartExperiment(ExperimentForm{Name: "election", Seed: "1", Trials: "1000"})
	clock := &stepClock{step: time.Millisecond}
	for range 25 {
		e.Work(time.Millisecond, clock.now)
	}
	e.StopExperiment()
	done, total := e.run.Progress()
	v := e.View()
	if e.Running() || done != 25 || v.Done != 25 || !strings.HasPrefix(v.Status, "Stopped at 25 of") || !v.CanDownload {
		t.Fatalf("after stop: running %v, %d of %d trials, view %+v", e.Running(), done, total, v)
	}
	if e.Work(time.Millisecond, clock.now) {
		t.Error("a stopped run still works")
	}
	e.DownloadExperiment("csv")
	if len(saved) != 1 || saved[0].name != "election-seed1-partial.csv" || bytes.Count(saved[0].data, []byte("\n")) != 26 {
		t.Errorf("partial download: %d files %q", len(saved), saved)
	}
}

// TestPagePlotsOfTheElectionExperiment: the election experiment's plots
// are drawn as the paper's Figure 16 is: x (time without a leader) on a
// log scale, y the cumulative fraction from 0 to 1, the first plot one
// curve per range of randomness, the second one per scale.
func TestPagePlotsOfTheElectionExperiment(t *testing.T) {
	e := newTestExperiments(new([]savedFile))
	e.StartExperiment(ExperimentForm{Name: "election", Seed: "1", Trials: "20"})
	runToEnd(t, e, 100*time.Millisecond, &stepClock{step: time.Millisecond})
	if len(e.plots) != 2 {
		t.Fatalf("%d plots, want 2", len(e.plots))
	}
	for i, want := range [][]string{
		{"150-150ms", "150-151ms", "150-155ms", "150-175ms", "150-200ms", "150-300ms"},
		{"12-24ms", "25-50ms", "50-100ms", "100-200ms", "150-300ms"},
	} {
		p := e.plots[i]
		var got []string
		for _, s := range p.Series {
			// A range whose every trial hit the cap has no curve, and
			// its legend says so.
			label, none := strings.CutSuffix(s.Label, " (none in time)")
			if none != (len(s.X) == 0) {
				t.Errorf("plot %d: series %q has %d points", i, s.Label, len(s.X))
			}
			got = append(got, label)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") || !p.LogX || p.YMin != 0 || p.YMax != 1 {
			t.Errorf("plot %d: series %q, log x %v, y %v..%v; want %q, log x, y 0..1", i, got, p.LogX, p.YMin, p.YMax, want)
		}
	}
	tab := e.Table()
	if tab == nil || len(tab.Rows) != 10 || len(tab.Head) != 7 {
		t.Fatalf("table %+v, want a row per distinct range (10) and 7 columns", tab)
	}
	for _, row := range tab.Rows {
		if len(row) != len(tab.Head) || row[1] != "20" {
			t.Errorf("row %q: want %d cells, 20 trials", row, len(tab.Head))
		}
	}
	// 150-150 ms never elects in this simulator (docs/experiments.md):
	// every trial is capped at 10 s, and its figures say "at least".
	if row := tab.Rows[0]; row[0] != "150-150ms" || row[2] != "20" || row[3] != "≥10000" {
		t.Errorf("150-150ms row %q, want 20 capped and a median of ≥10000", row)
	}
	if s := e.PlotsSummary(); !strings.Contains(s, "log scale") || !strings.Contains(s, "12-24ms") {
		t.Errorf("summary %q", s)
	}
}

// renderExperiments renders the page with an experiments panel.
func renderExperiments(t *testing.T, e *Experiments) *page {
	t.Helper()
	env, err := vugu.NewBuildEnv()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := staticrender.New(&buf).Render(env.RunBuild(&Root{Playground: newPlayground(t), Experiments: e})); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatal(err)
	}
	return &page{t: t, html: buf.String(), doc: doc}
}

// TestExperimentPanelRendering: closed at first (a button that says so);
// open, the form holds the paper's setup (election, seed 1, 1000 trials,
// no pre-vote), Stop and the downloads are off, and the plots' element
// has no children of its own (the page's canvas goes there); after a run,
// the progress bar is full, the status says done, the downloads are on.
func TestExperimentPanelRendering(t *testing.T) {
	e := newTestExperiments(new([]savedFile))
	pg := renderExperiments(t, e)
	if b := pg.byID("experiments-toggle"); attrOr(b, "aria-expanded") != "false" || len(pg.byAttr("id", "experiments-body")) != 0 {
		t.Fatalf("the panel is not closed at first:\n%s", pg.html)
	}

	e.ToggleExperiments()
	pg = renderExperiments(t, e)
	if attrOr(pg.byID("experiments-toggle"), "aria-expanded") != "true" {
		t.Error("open, the toggle says it is not")
	}
	if v := attrOr(pg.byID("experiment-seed"), "value"); v != "1" {
		t.Errorf("seed %q, want 1", v)
	}
	if v := attrOr(pg.byID("experiment-trials"), "value"); v != "1000" {
		t.Errorf("trials %q, want 1000 (the paper's)", v)
	}
	if v := attrOr(pg.byID("experiment-prevote"), "aria-pressed"); v != "false" {
		t.Errorf("pre-vote pressed %q, want false (the paper had none)", v)
	}
	if b := pg.byAttr("data-experiment", "election"); len(b) != 1 || attrOr(b[0], "aria-pressed") != "true" {
		t.Error("the election experiment is not the one chosen")
	}
	for _, id := range []string{"experiment-stop", "experiment-csv", "experiment-json"} {
		if _, off := attr(pg.byID(id), "disabled"); !off {
			t.Errorf("#%s is on before any run", id)
		}
	}
	if plots := pg.byID("experiment-plots"); plots.FirstChild != nil {
		t.Errorf("#experiment-plots has children of its own; Vugu would remove the page's canvas")
	}
	var panel bytes.Buffer
	if err := html.Render(&panel, pg.byID("experiments-body")); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(panel.String(), "style=") {
		t.Errorf("the panel has an inline style attribute (the coming CSP forbids them):\n%s", panel.String())
	}

	e.StartExperiment(ExperimentForm{Name: "election", Seed: "1", Trials: "2"})
	pg = renderExperiments(t, e)
	if _, off := attr(pg.byID("experiment-stop"), "disabled"); off {
		t.Error("Stop is off while running")
	}
	if s := text(pg.byID("experiment-status")); !strings.HasPrefix(s, "Running: 0 of 20 trials (0%)") {
		t.Errorf("status %q", s)
	}
	runToEnd(t, e, 100*time.Millisecond, &stepClock{step: time.Millisecond})
	pg = renderExperiments(t, e)
	prog := pg.byID("experiment-progress")
	if attrOr(prog, "max") != "20" || attrOr(prog, "value") != "20" || attrOr(pg.byID("experiment-status"), "data-percent") != "100" {
		t.Errorf("progress %s/%s, %s%%; want 20/20, 100%%", attrOr(prog, "value"), attrOr(prog, "max"), attrOr(pg.byID("experiment-status"), "data-percent"))
	}
	if s := text(pg.byID("experiment-status")); !strings.HasPrefix(s, "Done: 20 trials") {
		t.Errorf("status %q", s)
	}
	for _, id := range []string{"experiment-csv", "experiment-json"} {
		if _, off := attr(pg.byID(id), "disabled"); off {
			t.Errorf("#%s is off after the run", id)
		}
	}
	if got := attrOr(pg.byID("experiment-csv"), "title"); got != "election-seed1-2trials.csv" {
		t.Errorf("the CSV's name %q", got)
	}
}

// TestElementCountWithExperimentsOpen: the open panel keeps the busiest
// page under maxElements (its table is built outside Vugu's tree).
func TestElementCountWithExperimentsOpen(t *testing.T) {
	e := newTestExperiments(new([]savedFile))
	e.ToggleExperiments()
	e.StartExperiment(ExperimentForm{Name: "election", Seed: "1", Trials: "1"})
	runToEnd(t, e, time.Second, &stepClock{step: time.Millisecond})
	n := len(renderExperiments(t, e).all(func(*html.Node) bool { return true }))
	closed := &Experiments{}
	m := len(renderExperiments(t, closed).all(func(*html.Node) bool { return true }))
	t.Logf("panel open: %d more elements than closed", n-m)
	// The busy page of TestElementCount has about 440; the open panel
	// must leave it under maxElements.
	if n-m > 40 {
		t.Errorf("the open panel adds %d elements, want at most 40", n-m)
	}
}

// TestPagePlotsOfThePipeliningExperiment: throughput and latency against
// the in-flight window, one curve per link latency, both axes on log
// scales (windows 1 to 32; throughputs from tens to thousands of commits
// per second), so every latency's curve shows.
func TestPagePlotsOfThePipeliningExperiment(t *testing.T) {
	e := newTestExperiments(new([]savedFile))
	e.StartExperiment(ExperimentForm{Name: "pipelining", Seed: "1", Trials: "1"})
	runToEnd(t, e, time.Second, &stepClock{step: time.Millisecond})
	if len(e.plots) != 2 {
		t.Fatalf("%d plots, want 2", len(e.plots))
	}
	for i, p := range e.plots {
		if len(p.Series) != 4 || !p.LogX || !p.LogY || p.YMax != 0 {
			t.Errorf("plot %d %q: %d series, log x %v, log y %v, fixed y %v..%v; want 4 series on log-log axes", i, p.Title, len(p.Series), p.LogX, p.LogY, p.YMin, p.YMax)
		}
	}
	if tab := e.Table(); tab == nil || tab.Head[len(tab.Head)-1] != "rate/s" || len(tab.Rows) != 24 {
		t.Errorf("table %+v, want 24 rows with a rate column", tab)
	}
}
