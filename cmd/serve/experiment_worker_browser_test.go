//go:build browser

package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/raftplayground/raftplayground/raft/sim/experiment"
)

// This file tests where the experiments panel runs its trials (issue 11):
// in a Web Worker, so that a pipelining trial, a few hundred milliseconds
// that cannot be split, never blocks the page's main thread; and, where
// the page has no Worker, on the page as before, saying so. Either way the
// downloads are the package's bytes for the same seed. Run after
// ./build.sh:
//
//	go test -tags browser -count=1 -run ExperimentWorker ./cmd/serve/

// longTaskWatch records the longest task on the page's main thread
// (PerformanceObserver "longtask": every task over 50 ms) in
// window.__longestTask, in milliseconds, from before any script of the
// page; a test resets it to 0 where its measurement begins. It also keeps
// the longest step the experiments' worker reports (its stepMs) in
// window.__longestStep, listening to every Worker the page makes.
const longTaskWatch = `window.__longestTask = 0; window.__longestStep = 0;
new PerformanceObserver((list) => {
	for (const e of list.getEntries()) window.__longestTask = Math.max(window.__longestTask, e.duration);
}).observe({ type: "longtask" });
if (globalThis.Worker) {
	const PageWorker = globalThis.Worker;
	globalThis.Worker = class extends PageWorker {
		constructor(...args) {
			super(...args);
			this.addEventListener("message", (e) => { window.__longestStep = Math.max(window.__longestStep, e.data?.stepMs ?? 0); });
		}
	};
}`

// The bound on the main thread's tasks during a run in the worker is
// relative to the run's longest step there (one pipelining trial, which
// is what a run on the page blocks the page for, 300 to 600 ms on an idle
// machine): this test shares a machine whose load stretches every task,
// the page's own work (a render of the page at a report, the plots'
// repaint: tens of milliseconds when idle) as much as the trials. Under a
// load average of 6 to 8 on 2 cores, the longest main-thread task measured
// 180 to 400 ms, the longest step 1 to 2 s.
const maxTaskPerStep = 0.5

// runPipelining pauses the cluster (so that the main thread's tasks are
// the experiment's, not the cluster's frames), opens the panel, picks the
// pipelining experiment with one trial per configuration (24 trials),
// starts it, and returns the longest main-thread task from the start to
// its end and the longest step the worker reported (0 without one).
func (p *page) runPipelining() (task, step float64) {
	p.t.Helper()
	p.click("#pause")
	p.waitString("the pause", `document.querySelector("#pause").getAttribute("aria-pressed") === "true" ? "yes" : ""`)
	p.click("#experiments-toggle")
	p.waitString("the form", `document.querySelector("#experiment-trials") ? "yes" : ""`)
	p.click(`button[data-experiment="pipelining"]`)
	p.waitString("pipelining picked", `document.querySelector('button[data-experiment="pipelining"]').getAttribute("aria-pressed") === "true" ? "yes" : ""`)
	p.typeInto("#experiment-trials", "1")
	p.run("resetting the longest task", `window.__longestTask = 0`)
	p.click("#experiment-start")
	p.waitRunEnd(24)
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]float64](`[window.__longestTask, window.__longestStep]`))
	if err != nil || len(v) != 2 {
		p.fatal("reading the longest task: %v", err)
	}
	return v[0], v[1]
}

// checkPipeliningCSV checks that the page's CSV download is the package's
// for the pipelining experiment, seed 1, one trial per configuration.
func (p *page) checkPipeliningCSV() {
	p.t.Helper()
	r, err := experiment.New("pipelining", experiment.Options{Seed: 1, Trials: 1})
	if err != nil {
		p.t.Fatal(err)
	}
	for !r.Step(100) {
	}
	name, got := p.download("#experiment-csv")
	if want := string(r.Result().CSV()); got != want {
		p.fatal("the page's CSV %s differs from the package's for seed 1, 1 trial:\n%s\nwant:\n%s", name, got, want)
	}
}

// TestPageExperimentWorkerKeepsThePageResponsive: under the page's
// Content-Security-Policy, the panel says its trials run in a worker, and
// while a pipelining run goes on there no task on the main thread lasts
// over maxTaskPerStep of the run's longest step in the worker (both
// measured in the browser: a PerformanceObserver, the worker's clock);
// the CSV is the package's; no CSP violation. (TestPageExperiment checks
// that the cluster's clock goes on during a run.)
func TestPageExperimentWorkerKeepsThePageResponsive(t *testing.T) {
	p := openWatched(t, cspWatch+longTaskWatch)
	p.waitString("a leader", leaderExcept(""))
	p.catchDownloads()
	longest, step := p.runPipelining()
	t.Logf("longest main-thread task during the pipelining run in the worker: %.0f ms; longest step in the worker: %.0f ms", longest, step)
	if where := p.waitString("where trials run", `document.querySelector("#experiment-where[data-worker=true]")?.textContent ?? ""`); where == "" {
		p.fatal("the panel does not say the trials run in a worker")
	}
	if step == 0 || longest > maxTaskPerStep*step {
		p.fatal("a main-thread task took %.0f ms during the run in the worker, whose longest step took %.0f ms (at most %.1f of it)", longest, step, maxTaskPerStep)
	}
	p.checkPipeliningCSV()
	if v := p.waitString("the CSP violations", `JSON.stringify(window.__cspViolations)`); v != "[]" {
		p.fatal("Content-Security-Policy violations: %s", v)
	}
	p.noErrors()
}

// TestPageExperimentWorkerFallback: in a page without Worker the panel
// says its trials run on the page's own thread and why, runs them there,
// and its CSV is the same package's bytes. The longest main-thread task it
// logs is what the worker takes away: a trial at a time, over 250 ms (a
// pipelining trial takes 300 to 600 ms on an idle machine).
func TestPageExperimentWorkerFallback(t *testing.T) {
	p := openWatched(t, longTaskWatch+`delete globalThis.Worker;`)
	p.waitString("a leader", leaderExcept(""))
	p.catchDownloads()
	longest, _ := p.runPipelining()
	t.Logf("longest main-thread task during the pipelining run on the page: %.0f ms", longest)
	if longest < 250 {
		p.fatal("the longest main-thread task with trials on the page was %.0f ms: a pipelining trial takes longer", longest)
	}
	where := p.waitString("where trials run", `document.querySelector("#experiment-where[data-worker=false]")?.textContent ?? ""`)
	if want := "no Web Worker"; !strings.Contains(where, want) {
		p.fatal("the panel says %q, want it to say why (%q)", where, want)
	}
	p.checkPipeliningCSV()
	p.noErrors()
}

// TestPageExperimentOptions: the election's options typed into the panel
// (cap, link latency, uneven logs), and then the pipelining experiment's
// measurement, reach the worker's runs, whose CSVs are the package's for
// the same options, named after them; a bad value shows an error naming
// its field and starts nothing.
func TestPageExperimentOptions(t *testing.T) {
	p := openPage(t)
	p.catchDownloads()
	p.click("#experiments-toggle")
	p.waitString("the form", `document.querySelector("#experiment-cap") ? "yes" : ""`)
	p.typeInto("#experiment-cap", "50")
	p.click("#experiment-start")
	if msg := p.waitString("the error", `document.querySelector("#experiment-error")?.textContent ?? ""`); !strings.Contains(msg, "the cap must be a whole number of milliseconds from 100 to 10000") {
		p.fatal("a cap of 50 ms: error %q", msg)
	}
	p.typeInto("#experiment-seed", "4")
	p.typeInto("#experiment-trials", "2")
	p.typeInto("#experiment-cap", "3000")
	p.typeInto("#experiment-latency-min", "1")
	p.typeInto("#experiment-latency-max", "2")
	p.click("#experiment-uneven")
	p.waitString("uneven logs on", `document.querySelector("#experiment-uneven").getAttribute("aria-pressed") === "true" ? "yes" : ""`)
	p.click("#experiment-start")
	p.waitRunEnd(20)
	if e := p.waitString("the error line", `"[" + (document.querySelector("#experiment-error")?.textContent ?? "") + "]"`); e != "[]" {
		p.fatal("an error after the run: %s", e)
	}
	ms := time.Millisecond
	r, err := experiment.New("election", experiment.Options{Seed: 4, Trials: 2, Cap: 3000 * ms, LatencyMin: ms, LatencyMax: 2 * ms, UnevenLogs: true})
	if err != nil {
		t.Fatal(err)
	}
	for !r.Step(100) {
	}
	name, got := p.download("#experiment-csv")
	if name != "election-uneven-cap3000ms-latency1-2ms-seed4-2trials.csv" || got != string(r.Result().CSV()) {
		p.fatal("the CSV %q differs from the package's for the same options:\n%s\nwant:\n%s", name, got, r.Result().CSV())
	}

	// The pipelining experiment's measurement, 100 ms a trial.
	p.click(`button[data-experiment="pipelining"]`)
	p.waitString("the measurement's input", `document.querySelector("#experiment-measure") ? "yes" : ""`)
	p.typeInto("#experiment-trials", "1")
	p.typeInto("#experiment-measure", "100")
	p.click("#experiment-start")
	p.waitRunEnd(24)
	if r, err = experiment.New("pipelining", experiment.Options{Seed: 4, Trials: 1, Measure: 100 * ms}); err != nil {
		t.Fatal(err)
	}
	for !r.Step(100) {
	}
	name, got = p.download("#experiment-csv")
	if name != "pipelining-measure100ms-seed4-1trials.csv" || got != string(r.Result().CSV()) {
		p.fatal("the CSV %q differs from the package's for a 100 ms measurement:\n%s\nwant:\n%s", name, got, r.Result().CSV())
	}
	p.noErrors()
}

// noWorkersPolicy is the page's policy with workers forbidden, as a site
// might serve it.
const noWorkersPolicy = "script-src 'self' 'wasm-unsafe-eval'; worker-src 'none'; style-src 'self'"

// policySwap serves the site with the page's Content-Security-Policy
// replaced by policy.
type policySwap struct {
	site   http.Handler
	policy string
}

func (h policySwap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.site.ServeHTTP(swappedPolicy{w, h.policy}, r)
}

// swappedPolicy replaces the policy as the headers are written.
type swappedPolicy struct {
	http.ResponseWriter
	policy string
}

// swap replaces a policy the site set (later calls change nothing sent).
func (w swappedPolicy) swap() {
	if w.Header().Get("Content-Security-Policy") != "" {
		w.Header().Set("Content-Security-Policy", w.policy)
	}
}

func (w swappedPolicy) WriteHeader(code int) {
	w.swap()
	w.ResponseWriter.WriteHeader(code)
}

func (w swappedPolicy) Write(b []byte) (int, error) {
	w.swap()
	return w.ResponseWriter.Write(b)
}

// TestPageExperimentWorkerBlockedByCSP: served with a policy that forbids
// workers, the page falls back to trials on its own thread at the first
// run, says so on the panel, and the run ends with the package's CSV.
func TestPageExperimentWorkerBlockedByCSP(t *testing.T) {
	site, err := NewHandler(siteDir)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(policySwap{site, noWorkersPolicy})
	t.Cleanup(srv.Close)
	console := &consoleLog{}
	p := &page{t: t, ctx: newBrowser(t, console), console: console}
	if err := chromedp.Do(p.ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatalf("opening the page: %v", err)
	}
	p.waitString("a leader", leaderExcept(""))
	if policy, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`fetch(location.href).then((r) => r.headers.get("Content-Security-Policy") ?? "")`, chromedp.EvalAwaitPromise)); policy != noWorkersPolicy {
		p.fatal("the page's policy is %q, want %q", policy, noWorkersPolicy)
	}
	p.catchDownloads()
	p.click("#experiments-toggle")
	p.waitString("the form", `document.querySelector("#experiment-trials") ? "yes" : ""`)
	p.typeInto("#experiment-trials", "2")
	p.click("#experiment-start")
	p.waitRunEnd(20)
	where := p.waitString("where trials run", `document.querySelector("#experiment-where[data-worker=false]")?.textContent ?? ""`)
	if !strings.Contains(where, "page's own thread") || !strings.Contains(where, "background worker failed") {
		p.fatal("the panel says %q, want that trials run on the page because the worker failed", where)
	}
	r, err := experiment.New("election", experiment.Options{Seed: 1, Trials: 2})
	if err != nil {
		t.Fatal(err)
	}
	for !r.Step(100) {
	}
	if _, got := p.download("#experiment-csv"); got != string(r.Result().CSV()) {
		p.fatal("the CSV after the fallback differs from the package's:\n%s", got)
	}
	t.Logf("the panel says: %s", where)
}
