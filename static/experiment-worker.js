// Raft Playground: runs the page's experiments in a Web Worker, so that no
// trial blocks the page (a pipelining trial takes a few hundred
// milliseconds, and cannot be split). It loads the same WebAssembly through
// the same loader as the JavaScript API and drives createExperiment, so the
// numbers are the API's, which are the package's (docs/experiments.md).
//
// The page (wasm/experiment_worker.go) sends
//
//   {type: "start", run, name, opts}   start run `run`, dropping any other
//   {type: "stop", run}                stop it after the trials under way
//
// and gets back
//
//   {type: "failed", error}            the WebAssembly could not load
//   {type: "report", run, done, total, wallMs, stepMs, error, result, end, csv, json}
//
// stepMs is the longest step's time so far: what a page running the trials
// on its own thread would have been held still for, at the least.
//
// A report comes at most every reportMs while trials run. Its result (the
// summaries and plots, no trials, as JSON text) comes at most every
// resultMs(done), and with the last report, whose end is true and which carries
// the downloads: csv (experiment.csv()) and json (the result with every
// trial, as JSON text).

import { load } from "./raft-playground.js";

/**
 * The least time between two reports, and between two results. A result
 * grows with the trials (a point per trial in the election's curves), and
 * the page decodes it on its main thread, so results come further apart
 * as trials add up: every 0.5 s at first, every 1.5 s at 10000 trials.
 */
const reportMs = 100;
const resultMs = (done) => 500 + done / 10;

/** Trials per step: a step is one call, between which a stop is heard. */
const stepTrials = { election: 10, pipelining: 1 };

/** The run under way: its id and whether it was asked to stop. */
let current = null;

const playground = load();
playground.catch((err) => postMessage({ type: "failed", error: String(err?.message ?? err) }));

self.onmessage = (ev) => {
  const m = ev.data;
  if (m?.type === "start") {
    current = { run: m.run, stop: false };
    run(current, m.name, m.opts).catch((err) => report(current, { end: true, error: String(err?.message ?? err) }));
  } else if (m?.type === "stop" && current?.run === m.run) {
    current.stop = true;
  }
};

/** Gives the worker's event loop a turn (a stop message may be waiting). */
const channel = new MessageChannel();
function turn() {
  return new Promise((resolve) => {
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

/** Posts a report on run r. */
function report(r, fields) {
  if (r) {
    postMessage({ type: "report", run: r.run, ...fields });
  }
}

/** Runs experiment name with opts as run r until it ends, is stopped or is replaced. */
async function run(r, name, opts) {
  const pg = await playground;
  const exp = pg.createExperiment(name, opts);
  const began = performance.now();
  let lastReport = -Infinity;
  let lastResult = began;
  let stepMs = 0;
  try {
    for (;;) {
      await turn();
      if (current !== r) {
        return; // replaced by a newer run, which reports for itself
      }
      const before = performance.now();
      const p = r.stop ? exp.progress() : exp.step(stepTrials[name] ?? 1);
      const now = performance.now();
      stepMs = Math.max(stepMs, now - before);
      const fields = { done: p.done, total: p.total, wallMs: now - began, stepMs, error: p.error ?? "" };
      if (p.finished || r.stop) {
        const full = exp.result(true);
        const result = exp.result(false);
        report(r, { ...fields, end: true, result: JSON.stringify(result), csv: exp.csv(), json: JSON.stringify(full) });
        return;
      }
      if (now - lastReport >= reportMs) {
        lastReport = now;
        if (now - lastResult >= resultMs(p.done)) {
          lastResult = now;
          fields.result = JSON.stringify(exp.result(false));
        }
        report(r, fields);
      }
    }
  } finally {
    exp.destroy();
  }
}
