//go:build js && wasm

package main

// The experiments' Web Worker, as the page's side sees it: it starts
// static/experiment-worker.js (a module worker that loads this same
// WebAssembly through the JavaScript API) at the first run, posts it the
// runs to make and hands its reports to web.Experiments under the page's
// lock. When the worker cannot start (no Worker, a Content-Security-Policy
// without worker-src for it, a failed load), the panel falls back to
// running trials on the page and says why (web/experiments_worker.go).

import (
	"errors"
	"fmt"
	"time"

	"github.com/hack-pad/safejs"
	"github.com/vugu/vugu"

	"github.com/raftplayground/raftplayground/raft/sim/experiment"
	"github.com/raftplayground/raftplayground/web"
)

// workerScript is the worker's module, beside the page.
const workerScript = "./experiment-worker.js"

// experimentWorker is the page's handle on the worker; it implements
// web.ExperimentWorker.
type experimentWorker struct {
	// ctor is the Worker constructor; worker the worker, undefined until
	// the first Start.
	ctor, worker safejs.Value
	// ex and env are the panel's state and the page's event environment,
	// whose lock every report takes; kick asks the plots for a frame (to
	// repaint, or to run trials on the page after a fallback).
	ex   *web.Experiments
	env  vugu.EventEnv
	kick func()
	// onMessage and onError are the worker's listeners (released never:
	// the worker lives as long as the page).
	onMessage, onError safejs.Func
}

var _ web.ExperimentWorker = (*experimentWorker)(nil)

// useWorker gives ex a worker where the page has a Worker constructor;
// without one the panel says its trials run on the page.
func useWorker(ex *web.Experiments, env vugu.EventEnv, kick func()) {
	ctor, err := safejs.Global().Get("Worker")
	if err != nil || ctor.IsUndefined() || ctor.IsNull() {
		ex.WorkerFailed("this browser has no Web Worker")
		return
	}
	ex.SetWorker(&experimentWorker{ctor: ctor, worker: safejs.Undefined(), ex: ex, env: env, kick: kick})
}

// Start posts run id to the worker, starting the worker at the first.
func (w *experimentWorker) Start(id int, name string, o experiment.Options) error {
	if w.worker.IsUndefined() {
		if err := w.open(); err != nil {
			return err
		}
	}
	opts, err := workerOptions(o)
	if err != nil {
		return err
	}
	_, err = w.worker.Call("postMessage", map[string]any{"type": "start", "run": id, "name": name, "opts": opts})
	return err
}

// Stop posts the stop of run id.
func (w *experimentWorker) Stop(id int) {
	if !w.worker.IsUndefined() {
		_, _ = w.worker.Call("postMessage", map[string]any{"type": "stop", "run": id})
	}
}

// workerOptions are o as createExperiment's opts.
func workerOptions(o experiment.Options) (map[string]any, error) {
	if o.Seed > maxSafeInteger {
		return nil, fmt.Errorf("seed %d is above the JavaScript API's %d", o.Seed, uint64(maxSafeInteger))
	}
	opts := map[string]any{"seed": float64(o.Seed), "preVote": o.PreVote}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	if o.Trials != 0 {
		opts["trials"] = o.Trials
	}
	if o.Cap != 0 {
		opts["capMs"] = ms(o.Cap)
	}
	if o.Measure != 0 {
		opts["measureMs"] = ms(o.Measure)
	}
	if o.LatencyMin != 0 || o.LatencyMax != 0 {
		opts["latencyMinMs"], opts["latencyMaxMs"] = ms(o.LatencyMin), ms(o.LatencyMax)
	}
	if o.UnevenLogs {
		opts["unevenLogs"] = true
	}
	return opts, nil
}

// open starts the worker and listens to it.
func (w *experimentWorker) open() (err error) {
	w.onMessage, err = safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		if len(args) > 0 {
			w.message(args[0])
		}
		return nil
	})
	if err != nil {
		return err
	}
	w.onError, err = safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		// An error event says little: a policy that forbids workers and a
		// script that did not load both come as one without a message.
		why := "it could not start; the site's Content-Security-Policy may forbid workers"
		if len(args) > 0 {
			if m, err := args[0].Get("message"); err == nil && m.Type() == safejs.TypeString {
				if s, _ := m.String(); s != "" {
					why = s
				}
			}
		}
		w.fail(why)
		return nil
	})
	if err != nil {
		return err
	}
	worker, err := w.ctor.New(workerScript, map[string]any{"type": "module"})
	if err != nil {
		return fmt.Errorf("it could not start: %w", err)
	}
	if _, err := worker.Call("addEventListener", "message", w.onMessage.Value()); err != nil {
		return err
	}
	if _, err := worker.Call("addEventListener", "error", w.onError.Value()); err != nil {
		return err
	}
	w.worker = worker
	return nil
}

// fail drops the worker: the panel runs trials on the page from now on.
func (w *experimentWorker) fail(why string) {
	if !w.worker.IsUndefined() {
		_, _ = w.worker.Call("terminate")
		w.worker = safejs.Undefined()
	}
	w.env.Lock()
	w.ex.WorkerFailed(why)
	w.env.UnlockRender()
	w.kick()
}

// message takes a message of the worker's.
func (w *experimentWorker) message(ev safejs.Value) {
	data, err := ev.Get("data")
	if err != nil {
		return
	}
	kind := reportString(data, "type")
	if kind == "failed" {
		w.fail("its WebAssembly did not load: " + reportString(data, "error"))
		return
	}
	if kind != "report" {
		return
	}
	r, err := readReport(data)
	if err != nil {
		w.fail(err.Error())
		return
	}
	w.env.Lock()
	render := w.ex.Report(r)
	if render {
		w.env.UnlockRender()
	} else {
		w.env.UnlockOnly()
	}
	w.kick()
}

// readReport reads a report message.
func readReport(data safejs.Value) (web.ExperimentReport, error) {
	r := web.ExperimentReport{
		Run: reportInt(data, "run"), Done: reportInt(data, "done"), Total: reportInt(data, "total"),
		Error: reportString(data, "error"), End: reportBool(data, "end"),
		Result: []byte(reportString(data, "result")), CSV: []byte(reportString(data, "csv")), JSON: []byte(reportString(data, "json")),
	}
	if wall, err := data.Get("wallMs"); err == nil && wall.Type() == safejs.TypeNumber {
		f, _ := wall.Float()
		r.Wall = time.Duration(f * float64(time.Millisecond))
	}
	if r.Run == 0 {
		return r, errors.New("it sent a report without a run")
	}
	return r, nil
}

// reportString is v[key] if it is a string, else "".
func reportString(v safejs.Value, key string) string {
	f, err := v.Get(key)
	if err != nil || f.Type() != safejs.TypeString {
		return ""
	}
	s, _ := f.String()
	return s
}

// reportInt is v[key] if it is a number, else 0.
func reportInt(v safejs.Value, key string) int {
	f, err := v.Get(key)
	if err != nil || f.Type() != safejs.TypeNumber {
		return 0
	}
	n, _ := f.Int()
	return n
}

// reportBool is whether v[key] is true.
func reportBool(v safejs.Value, key string) bool {
	f, err := v.Get(key)
	if err != nil || f.Type() != safejs.TypeBoolean {
		return false
	}
	b, _ := f.Bool()
	return b
}
