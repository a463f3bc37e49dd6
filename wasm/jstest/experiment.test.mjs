// The experiments through the JavaScript API in Node.js (issue 11, item
// 3): the same seed gives the same numbers as natively. The native numbers
// are raft/sim/experiment/testdata/NAME.golden.json, which the Go test
// TestGolden writes and checks (also under GOOS=js); here the built wasm,
// through the loader, must give them to the last digit, however the run is
// cut into steps. Then the handle's adversarial calls.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

import { load, Experiment } from "../../static/raft-playground.js";

const pg = await load({ wasm: new URL("../../static/raft-playground.wasm", import.meta.url) });

/** The options of each golden file, as TestGolden's goldenOptions. */
const GOLDEN = {
  election: { seed: 7, trials: 8, preVote: true, capMs: 2000 },
  pipelining: { seed: 7, trials: 1, measureMs: 100 },
};

/** Reads the native result of name. */
async function golden(name) {
  const url = new URL(`../../raft/sim/experiment/testdata/${name}.golden.json`, import.meta.url);
  return JSON.parse(await readFile(url, "utf8"));
}

/** Asserts that fn throws an Error whose message matches. */
function throwsError(fn, message) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof Error, `threw ${typeof err} ${String(err)}, not an Error`);
    assert.match(err.message, message);
    return true;
  });
}

test("experimentNames lists both experiments", () => {
  assert.deepEqual(pg.experimentNames(), ["election", "pipelining"]);
});

for (const [name, opts] of Object.entries(GOLDEN)) {
  test(`${name}: the wasm's numbers are the native ones`, async () => {
    const want = await golden(name);
    const e = pg.createExperiment(name, opts);
    assert.ok(e instanceof Experiment);
    assert.equal(e.name, name);
    // Uneven steps: 1, 2, 3, 1, ... trials (pipelining takes 1 at most).
    const most = name === "election" ? 3 : 1;
    let p = e.progress();
    assert.deepEqual(p, { done: 0, total: want.total, finished: false });
    for (let size = 1; !p.finished; size = (size % most) + 1) {
      const before = p.done;
      p = e.step(size);
      assert.equal(p.done, Math.min(before + size, p.total), "a step ran another number of trials");
      const part = e.result();
      assert.equal(part.done, p.done);
    }
    assert.equal(p.error, undefined);
    assert.deepEqual(e.result(true), want);
    // The CSV has a row per trial, its values the JSON's.
    const rows = e.csv().trim().split("\n");
    assert.equal(rows.length, 1 + want.total);
    const header = rows[0].split(",");
    const first = rows[1].split(",");
    const values = first.slice(header.length - want.columns.length).map(Number);
    assert.deepEqual(values, want.configs[0].trials[0].values);
    e.destroy();
    throwsError(() => e.progress(), new RegExp(`^progress: experiment ${e.id} was destroyed$`));
  });
}

test("the election result has the paper's two plots of CDFs", () => {
  const e = pg.createExperiment("election", { trials: 5, capMs: 1000 });
  while (!e.step(20).finished) {}
  const r = e.result();
  assert.deepEqual(r.plots.map((p) => p.series.length), [6, 5]);
  for (const s of r.plots.flatMap((p) => p.series)) {
    assert.equal(s.x.length, s.y.length);
    assert.ok(s.y.every((y, i) => y > 0 && y <= 1 && (i === 0 || y > s.y[i - 1])), `${s.label}: not a CDF`);
  }
  assert.ok(r.configs.every((c) => c.trials.length === 0), "result() without trials keeps none");
  e.destroy();
});

test("bad calls throw Errors naming the method and the argument; the instance lives on", () => {
  throwsError(() => pg.createExperiment("nope"), /^createExperiment: name must be one of election, pipelining, got "nope"$/);
  throwsError(() => pg.createExperiment("election", { trials: 1e9 }), /^createExperiment: opts\.trials must be an integer between 1 and 10000, got 1e\+09$/);
  throwsError(() => pg.createExperiment("election", { capMs: -1 }), /^createExperiment: opts\.capMs must be a number of milliseconds between 0 and 10000, got -1$/);
  throwsError(() => pg.createExperiment("election", { seed: 1n }), /^createExperiment: opts\.seed must be an integer/);
  throwsError(() => pg.createExperiment("election", { rounds: 2 }), /^createExperiment: opts has an unknown key "rounds"/);
  throwsError(() => pg.createExperiment("election", {}, 3), /^createExperiment: takes 2 argument\(s\) \(name, opts\), got 3$/);
  throwsError(() => pg.experimentNames(1), /^experimentNames: takes 0 argument\(s\), got 1$/);
  const hostile = new Proxy({}, { ownKeys() { throw new Error("boom"); } });
  assert.throws(() => pg.createExperiment("election", hostile), Error);
  const e = pg.createExperiment("pipelining", { measureMs: 100 });
  // Errors name the handle's method the caller called (step), not the Go API's (experimentStep).
  throwsError(() => e.step(2), /^step: maxTrials \(for pipelining\) must be an integer between 1 and 1, got 2$/);
  throwsError(() => e.step(), /^step: maxTrials \(for pipelining\) must be an integer between 1 and 1, got undefined$/);
  throwsError(() => e.step(1, 2), /^step: takes 1 argument\(s\) \(maxTrials\), got 2$/);
  throwsError(() => e.result("all"), /^result: trials must be true or false, got "all"$/);
  throwsError(() => e.result(true, 1), /^result: takes 1 argument\(s\) \(trials\), got 2$/);
  throwsError(() => e.progress(1), /^progress: takes 0 argument\(s\), got 1$/);
  throwsError(() => e.csv(1), /^csv: takes 0 argument\(s\), got 1$/);
  throwsError(() => e.destroy(1), /^destroy: takes 0 argument\(s\), got 1$/);
  assert.equal(e.step(1).done, 1);
  const more = [1, 2, 3].map(() => pg.createExperiment("election"));
  throwsError(() => pg.createExperiment("election"), /^createExperiment: too many experiments \(4\); destroy one first$/);
  for (const x of [e, ...more]) {
    x.destroy();
  }
  assert.equal(pg.createCluster().run(10), 10, "the instance still works");
});
