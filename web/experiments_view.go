package web

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/raftplayground/raftplayground/raft/sim/experiment"
	"github.com/raftplayground/raftplayground/web/scene"
)

// What the experiments panel shows: the form's choices, the run's
// progress and status, the plots (drawn on the page's canvas) and the
// table of each configuration's numbers.

// ExperimentsView is what the experiments panel shows.
type ExperimentsView struct {
	// Open: the panel shows its form, progress, plots and table.
	Open bool
	// Choices are the experiments to pick from.
	Choices []ExperimentChoice
	// Running: a run has trials left. HasRun: there was a run.
	Running, HasRun bool
	// Done of Total trials are made; Percent is Done/Total in whole per
	// cent, rounded down (100 only once every trial is made).
	Done, Total, Percent int
	// Status says where the run is, in a sentence.
	Status string
	// Error is the last error, or "".
	Error string
	// Where says where the trials run: in a worker, or on the page and
	// why; InWorker: the next run's trials run in the worker.
	Where    string
	InWorker bool
	// Version changes whenever the plots and the table do.
	Version int
	// CanDownload: there are trials to download; CSVName and JSONName
	// are the files' names.
	CanDownload       bool
	CSVName, JSONName string
}

// ExperimentChoice is an experiment the panel offers.
type ExperimentChoice struct {
	// Name is the experiment's (experiment.Names); Title names it for
	// people.
	Name, Title string
}

// ExperimentTable is the numbers behind the plots: a row per
// configuration, the screen reader's way to the result and the reader's
// way to compare it with the paper.
type ExperimentTable struct {
	// Caption says what the quantiles measure.
	Caption string
	// Head names the columns; each row has as many cells.
	Head []string
	Rows [][]string
}

// View is the panel's state for one build.
func (e *Experiments) View() ExperimentsView {
	v := ExperimentsView{Open: e.open, Running: e.running, HasRun: e.hasRun, Error: e.err, Where: e.where(), InWorker: e.worker != nil}
	for _, n := range experiment.Names() {
		title := ExperimentTitles[n]
		if title == "" {
			title = n
		}
		v.Choices = append(v.Choices, ExperimentChoice{Name: n, Title: title})
	}
	if !e.hasRun {
		v.Status = "Pick an experiment and press Start: its trials run in the background while the cluster goes on."
		return v
	}
	v.Done, v.Total = e.done, e.total
	if v.Total > 0 {
		v.Percent = v.Done * 100 / v.Total
	}
	v.Status = e.status(v.Done, v.Total, v.Percent)
	v.Version = e.version
	v.CanDownload = e.result != nil && e.result.Done > 0 && !e.running && (e.run != nil || e.files != nil)
	v.CSVName, v.JSONName = e.FileName("csv"), e.FileName("json")
	return v
}

// Table sums up each configuration's trials as of the last refresh (nil
// before a run).
func (e *Experiments) Table() *ExperimentTable { return experimentTable(e.result) }

// status says where the run is.
func (e *Experiments) status(done, total, percent int) string {
	what := fmt.Sprintf("%d of %d trials (%d%%)", done, total, percent)
	took := e.wall.Round(100 * time.Millisecond).String()
	switch {
	case e.running:
		return "Running: " + what + ", " + took + " so far."
	case e.failed:
		return "Stopped by an error after " + what + "."
	case done < total:
		return "Stopped at " + what + "."
	}
	return fmt.Sprintf("Done: %d trials in %s of background time.", total, took)
}

// experimentTable sums up r's configurations: trials made, those capped
// (an election with no leader in time; the column only when there are
// any), the metric's quantiles over all trials (a capped one counts as
// the cap, as the package sums it up), and a rate where the experiment
// measures one.
func experimentTable(r *experiment.Result) *ExperimentTable {
	if r == nil || len(r.Configs) == 0 {
		return nil
	}
	rate, capped := false, false
	for _, c := range r.Configs {
		rate = rate || c.Summary.Rate != 0
		capped = capped || c.Summary.Capped != 0
	}
	t := &ExperimentTable{
		Caption: "Per configuration, " + r.Configs[0].Summary.Metric + ": median, 90th and 99th percentile (p90, p99) and maximum.",
		Head:    []string{"configuration", "trials"},
	}
	if capped {
		t.Caption += " Capped trials hit the trial's limit (no leader in time) and count as the limit: ≥ marks a figure at it."
		t.Head = append(t.Head, "capped")
	}
	t.Head = append(t.Head, "median", "p90", "p99", "max")
	if rate {
		t.Caption += " Rate: commits per second."
		t.Head = append(t.Head, "rate/s")
	}
	for _, c := range r.Configs {
		s := c.Summary
		row := []string{c.Label, strconv.Itoa(s.Count)}
		if capped {
			row = append(row, strconv.Itoa(s.Capped))
		}
		for _, q := range []float64{s.Median, s.P90, s.P99, s.Max} {
			row = append(row, tableNumber(q, s.Count > 0, s.Cap))
		}
		if rate {
			row = append(row, tableNumber(s.Rate, s.Count > 0, 0))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// tableNumber writes a figure with one decimal, "≥" before one at the
// trials' cap (0: none), or a dash without trials.
func tableNumber(v float64, ok bool, cap float64) string {
	switch {
	case !ok:
		return "–"
	case cap > 0 && v >= cap:
		return "≥" + strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// pagePlots turns an experiment's plots into the page's. An axis whose
// values are all positive and span a wide range is drawn on a log scale:
// x from a ratio of 10 (election times run from tens of milliseconds to
// seconds, as the paper draws them; windows from 1 to 32), y from 50
// (throughputs from 10 to 8000 commits per second). A cumulative
// distribution's y (non-decreasing, within 0..1) runs from 0 to 1. A
// configuration whose every trial hit its cap (no leader elected in time)
// has no curve; its legend says so.
func pagePlots(r *experiment.Result) []scene.Plot {
	capped := map[string]bool{}
	for _, c := range r.Configs {
		capped[c.Label] = c.Summary.Count > 0 && c.Summary.Capped == c.Summary.Count
	}
	out := make([]scene.Plot, len(r.Plots))
	for i, p := range r.Plots {
		sp := scene.Plot{Title: p.Title, XLabel: p.XLabel, YLabel: p.YLabel, Series: make([]scene.PlotSeries, len(p.Series))}
		xlo, xhi, ylo, yhi := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
		cumulative := true
		for j, s := range p.Series {
			sp.Series[j] = scene.PlotSeries{Label: s.Label, X: s.X, Y: s.Y}
			if len(s.X) == 0 && capped[s.Label] {
				sp.Series[j].Label += " (none in time)"
			}
			for k, x := range s.X {
				y := s.Y[k]
				xlo, xhi, ylo, yhi = min(xlo, x), max(xhi, x), min(ylo, y), max(yhi, y)
				if y < 0 || y > 1 || (k > 0 && y < s.Y[k-1]) {
					cumulative = false
				}
			}
		}
		sp.LogX = xlo > 0 && xhi >= 10*xlo
		if cumulative {
			sp.YMin, sp.YMax = 0, 1
		} else {
			sp.LogY = ylo > 0 && yhi >= 50*ylo
		}
		out[i] = sp
	}
	return out
}

// PlotsHeight is the height the plots need at width CSS pixels (0 with
// nothing to draw).
func (e *Experiments) PlotsHeight(width float64) float64 {
	if len(e.plots) == 0 {
		return 0
	}
	return scene.LayoutPlots(e.plots, width).Height
}

// PaintPlots draws the plots at width CSS pixels.
func (e *Experiments) PaintPlots(c scene.Canvas, width float64) {
	scene.PaintPlots(c, e.plots, scene.LayoutPlots(e.plots, width))
}

// PlotsSummary describes the plots for the canvas's accessible name.
func (e *Experiments) PlotsSummary() string {
	if len(e.plots) == 0 {
		return "No experiment run yet."
	}
	return scene.PlotsSummary(e.plots) + " The table after the plots gives each curve's numbers."
}
