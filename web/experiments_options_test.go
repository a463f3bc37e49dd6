package web

import (
	"strings"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft/sim/experiment"
)

// TestExperimentFormOptions: the panel's options become the package's
// Options (raft/sim/experiment: Cap, LatencyMin/Max, UnevenLogs for the
// election; Measure for pipelining), an empty field keeping the default
// (the zero value), and a field of the other experiment being ignored.
func TestExperimentFormOptions(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		form ExperimentForm
		want experiment.Options
	}{
		{ExperimentForm{Name: "election", Seed: "3"}, experiment.Options{Seed: 3}},
		{ExperimentForm{Name: "election", Seed: "3", CapMs: "2500", UnevenLogs: true, MeasureMs: "500"},
			experiment.Options{Seed: 3, Cap: 2500 * ms, UnevenLogs: true}},
		{ExperimentForm{Name: "election", Seed: "3", LatencyMinMs: "1", LatencyMaxMs: "2"},
			experiment.Options{Seed: 3, LatencyMin: ms, LatencyMax: 2 * ms}},
		// One end typed: the other keeps its default (6 to 9 ms).
		{ExperimentForm{Name: "election", Seed: "3", LatencyMinMs: "0"}, experiment.Options{Seed: 3, LatencyMin: 0, LatencyMax: 9 * ms}},
		{ExperimentForm{Name: "election", Seed: "3", LatencyMaxMs: "40"}, experiment.Options{Seed: 3, LatencyMin: 6 * ms, LatencyMax: 40 * ms}},
		{ExperimentForm{Name: "pipelining", Seed: "3", MeasureMs: " 300 ", CapMs: "x", UnevenLogs: true},
			experiment.Options{Seed: 3, Measure: 300 * ms}},
	} {
		got, err := tc.form.options()
		if err != nil || got != tc.want {
			t.Errorf("%+v: %+v, %v; want %+v", tc.form, got, err, tc.want)
		}
	}
}

// TestExperimentFormOptionErrors: a bad value gets a message that names
// its field and the bounds (the JavaScript API's, which the worker runs
// trials through), and starts no run.
func TestExperimentFormOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		form ExperimentForm
		want string
	}{
		{ExperimentForm{Name: "election", Seed: "1", CapMs: "99"}, "the cap must be a whole number of milliseconds from 100 to 10000"},
		{ExperimentForm{Name: "election", Seed: "1", CapMs: "1e4"}, "the cap must be a whole number of milliseconds"},
		{ExperimentForm{Name: "election", Seed: "1", LatencyMinMs: "-1"}, "the minimum link latency must be a whole number of milliseconds from 0 to 1000"},
		{ExperimentForm{Name: "election", Seed: "1", LatencyMaxMs: "1001"}, "the maximum link latency must be a whole number of milliseconds from 1 to 1000"},
		{ExperimentForm{Name: "election", Seed: "1", LatencyMaxMs: "0"}, "the maximum link latency must be a whole number of milliseconds from 1 to 1000"},
		{ExperimentForm{Name: "election", Seed: "1", LatencyMinMs: "20", LatencyMaxMs: "10"}, "the minimum link latency (20 ms) must be at most the maximum (10 ms)"},
		{ExperimentForm{Name: "election", Seed: "1", LatencyMinMs: "20"}, "the minimum link latency (20 ms) must be at most the maximum (9 ms)"},
		{ExperimentForm{Name: "pipelining", Seed: "1", MeasureMs: "2001"}, "the measurement must be a whole number of milliseconds from 100 to 2000"},
		{ExperimentForm{Name: "pipelining", Seed: "1", MeasureMs: "1.5"}, "the measurement must be a whole number of milliseconds"},
		{ExperimentForm{Name: "election", Seed: "9007199254740992"}, "the seed must be a whole number from 0 to 9007199254740991"},
		{ExperimentForm{Name: "election", Seed: "1", Trials: "10001"}, "trials must be a whole number from 1 to 10000"},
	} {
		e := newTestExperiments(new([]savedFile))
		e.StartExperiment(tc.form)
		if !strings.Contains(e.View().Error, tc.want) || e.Running() || e.View().HasRun {
			t.Errorf("%+v: error %q, running %v; want an error saying %q and no run", tc.form, e.View().Error, e.Running(), tc.want)
		}
	}
}

// TestExperimentOptionsRunAsThePackage: a run with every election option
// set makes the package's numbers for those options (the same CSV), and
// its files' names say which options were set.
func TestExperimentOptionsRunAsThePackage(t *testing.T) {
	var saved []savedFile
	e := newTestExperiments(&saved)
	e.StartExperiment(ExperimentForm{Name: "election", Seed: "4", Trials: "2", CapMs: "3000", LatencyMinMs: "1", LatencyMaxMs: "2", UnevenLogs: true})
	runToEnd(t, e, 100*time.Millisecond, &stepClock{step: time.Millisecond})
	e.DownloadExperiment("csv")
	ms := time.Millisecond
	want := packageRun(t, "election", experiment.Options{Seed: 4, Trials: 2, Cap: 3000 * ms, LatencyMin: ms, LatencyMax: 2 * ms, UnevenLogs: true}, -1).Result().CSV()
	if len(saved) != 1 || string(saved[0].data) != string(want) {
		t.Fatalf("the CSV differs from the package's for the same options: %q", saved)
	}
	if got := saved[0].name; got != "election-uneven-cap3000ms-latency1-2ms-seed4-2trials.csv" {
		t.Errorf("the CSV is named %q", got)
	}

	e.StartExperiment(ExperimentForm{Name: "pipelining", Seed: "4", Trials: "3", MeasureMs: "200"})
	if got := e.FileName("json"); got != "pipelining-measure200ms-seed4-partial.json" {
		t.Errorf("the pipelining run's JSON is named %q", got)
	}
}

// TestExperimentPanelOptionInputs: the election's options show while it
// is chosen, each input bounded as the form checks it, with the default
// as its placeholder; the pipelining experiment's do not.
func TestExperimentPanelOptionInputs(t *testing.T) {
	e := newTestExperiments(new([]savedFile))
	e.ToggleExperiments()
	pg := renderExperiments(t, e)
	for _, in := range []struct{ id, min, max, placeholder string }{
		{"experiment-cap", "100", "10000", "10000"},
		{"experiment-latency-min", "0", "1000", "6"},
		{"experiment-latency-max", "1", "1000", "9"},
	} {
		n := pg.byID(in.id)
		if n == nil || attrOr(n, "min") != in.min || attrOr(n, "max") != in.max || attrOr(n, "placeholder") != in.placeholder {
			t.Errorf("#%s: min %q max %q placeholder %q; want %s %s %s", in.id, attrOr(n, "min"), attrOr(n, "max"), attrOr(n, "placeholder"), in.min, in.max, in.placeholder)
		}
	}
	if attrOr(pg.byID("experiment-uneven"), "aria-pressed") != "false" {
		t.Error("uneven logs is not an unpressed toggle at first")
	}
	if len(pg.byAttr("id", "experiment-measure")) != 0 {
		t.Error("the pipelining experiment's measurement shows while the election is chosen")
	}
}
