// The handles (Cluster, ScenarioRun, Experiment) under adversarial callers:
// errors name the method the caller called, ids cannot be overwritten,
// listeners that call back into the cluster see the events in order and
// cannot keep a call from returning, runUntil's bounds, and objects that
// are not plain (a Date, a Map, a class's instance) are refused rather than
// read as {} (issue 9, item 5 and its tests: every call answered by an
// Error with a useful message, the instance alive after it). Build first
// (./build.sh), then: node --test wasm/jstest/

import { test } from "node:test";
import assert from "node:assert/strict";
import { runInNewContext } from "node:vm";

import { load } from "../../static/raft-playground.js";

const pg = await load({ wasm: new URL("../../static/raft-playground.wasm", import.meta.url) });

/** Asserts that fn throws an Error (not a raw value) whose message matches. */
function throwsError(fn, message) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof Error, `threw ${typeof err} ${String(err)}, not an Error`);
    assert.match(err.message, message);
    return true;
  });
}

/** Collects what reportError is handed while fn runs. */
function reported(fn) {
  const errors = [];
  const saved = globalThis.reportError;
  globalThis.reportError = (err) => errors.push(err);
  try {
    fn();
  } finally {
    globalThis.reportError = saved;
  }
  return errors;
}

const SCENARIO = "nodes 3\nwhen leader elected\nsay elected\nexpect leader is not none\n";

test("every handle method's errors name the method the caller called", () => {
  // Before, a handle's method named the Go API's method it runs:
  // run.traceDigest(1) said "scenarioDigest: takes 0 argument(s), got 1".
  const run = pg.loadScenario(SCENARIO);
  for (const method of ["step", "runToEnd", "outcomes", "narration", "traceDigest"]) {
    throwsError(() => run[method](1), new RegExp(`^${method}: takes 0 argument\\(s\\), got 1$`));
  }
  run.cluster.destroy();
  for (const method of ["step", "runToEnd", "outcomes", "narration", "traceDigest"]) {
    throwsError(() => run[method](), new RegExp(`^${method}: cluster ${run.cluster.id} was destroyed$`));
  }
  const e = pg.createExperiment("election", { trials: 1 });
  throwsError(() => e.step(0), /^step: maxTrials \(for election\) must be an integer between 1 and 20, got 0$/);
  throwsError(() => e.result(1), /^result: trials must be true or false, got 1$/);
  for (const method of ["progress", "csv", "destroy"]) {
    throwsError(() => e[method](1), new RegExp(`^${method}: takes 0 argument\\(s\\), got 1$`));
  }
  e.destroy();
  for (const [method, args] of [["step", [1]], ["progress", []], ["result", []], ["csv", []], ["destroy", []]]) {
    throwsError(() => e[method](...args), new RegExp(`^${method}: experiment ${e.id} was destroyed$`));
  }
  const c = pg.createCluster({ nodes: 3 });
  c.destroy();
  throwsError(() => c.destroy(), new RegExp(`^destroy: cluster ${c.id} was destroyed$`));
  throwsError(() => c.on("*", () => {}), new RegExp(`^on: cluster ${c.id} was destroyed$`));
  throwsError(() => c.runUntil(() => false), new RegExp(`^runUntil: cluster ${c.id} was destroyed$`));
  // The raw API names its own methods, and an id of the other kind of handle.
  const raw = globalThis.__raftPlaygroundAPI;
  const f = pg.createExperiment("election");
  const d = pg.createCluster();
  assert.equal(JSON.parse(raw.status(f.id)).error, `status: ${f.id} is an experiment's id, not a cluster's`);
  assert.equal(JSON.parse(raw.experimentProgress(d.id)).error, `experimentProgress: ${d.id} is a cluster's id, not an experiment's`);
  f.destroy();
  d.destroy();
});

test("a handle's id and the other declared-readonly properties cannot be overwritten", () => {
  // Before, c.id = other.id made c act on the other cluster.
  const c = pg.createCluster({ nodes: 3 });
  const other = pg.createCluster({ nodes: 5 });
  assert.throws(() => {
    c.id = other.id;
  }, TypeError);
  assert.equal(c.status().nodes.length, 3);
  const run = pg.loadScenario(SCENARIO);
  const e = pg.createExperiment("election");
  for (const [obj, key] of [[run, "cluster"], [run, "steps"], [e, "id"], [e, "name"], [pg, "version"]]) {
    const before = obj[key];
    assert.throws(() => {
      obj[key] = 1;
    }, TypeError);
    assert.throws(() => delete obj[key], TypeError);
    assert.equal(obj[key], before);
  }
  for (const x of [c, other, run.cluster, e]) {
    x.destroy();
  }
});

test("a listener that subscribes itself again does not run forever", () => {
  // Before, the Set being iterated visited each new subscription at once,
  // so this listener ran for the same event without end.
  const c = pg.createCluster({ nodes: 3, seed: 2 });
  let calls = 0;
  const again = () => {
    calls++;
    assert.ok(calls < 1e6, "the listener runs without end");
    c.on("fault", again);
  };
  c.on("fault", again);
  c.crash(1);
  assert.equal(calls, 1, "called once for the one event");
  c.restart(1);
  assert.equal(calls, 3, "the next event reaches both subscriptions");
  c.destroy();
});

test("a listener unsubscribed by another during an event is not called for it (as EventTarget)", () => {
  const c = pg.createCluster({ nodes: 3 });
  const calls = [];
  let offSecond;
  c.on("fault", () => {
    calls.push("first");
    offSecond();
  });
  offSecond = c.on("fault", () => calls.push("second"));
  c.crash(2);
  assert.deepEqual(calls, ["first"]);
  c.destroy();
});

test("events caused by a listener's own calls come after the rest, in order", () => {
  // Before, a listener's call handed its events on at once, before the
  // remaining events of the call that was being handed on: listeners saw
  // time go backwards.
  const c = pg.createCluster({ nodes: 5, seed: 2 });
  const seen = [];
  let nested = false;
  c.on("*", (ev) => {
    seen.push(ev.at_ns);
    if (!nested) {
      // By now the whole run(3000) has happened: the leader's crash and
      // the election that follows come after every event of it.
      nested = true;
      c.crash(c.status().leader);
      c.run(2000);
    }
  });
  c.run(3000);
  assert.ok(seen.filter((t) => t > 3000e6).length > 2, `only ${seen.length} events, too few after 3000 ms`);
  for (let i = 1; i < seen.length; i++) {
    assert.ok(seen[i] >= seen[i - 1], `event ${i} at ${seen[i]} ns came after one at ${seen[i - 1]} ns`);
  }
  c.destroy();
});

test("listeners that keep causing events let the call return, and lose none", () => {
  // Each crash is a fault whose listener restarts the node, whose restart
  // is a fault whose listener crashes it again: the loop stops after
  // 1000 rounds with a reported error; the next call hands on the rest.
  const c = pg.createCluster({ nodes: 3 });
  let faults = 0;
  let flip = true;
  c.on("fault", (ev) => {
    faults++;
    if (flip) {
      ev.text.startsWith("crash") ? c.restart(ev.node) : c.crash(ev.node);
    }
  });
  const errors = reported(() => c.crash(1));
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /^on: the listeners' own calls caused events 1000 times in a row; the rest are handed on after the next call$/);
  assert.equal(faults, 1000);
  flip = false;
  assert.deepEqual(reported(() => c.status()), []);
  assert.equal(faults, 1001, "the event left over is handed on by the next call");
  assert.equal(c.interventions().length, 1001);
  c.destroy();
});

test("runUntil: steps too fine, too coarse or too many are refused; maxMs is run exactly", () => {
  const c = pg.createCluster({ nodes: 3 });
  // Before, a step under a nanosecond never moved time: the call spun for
  // maxMs / stepMs rounds (1e8 here).
  throwsError(() => c.runUntil(() => false, { maxMs: 10, stepMs: 1e-7 }), /^runUntil: opts\.stepMs must be a number of milliseconds between 0\.000001 and 600000, got 1e-7$/);
  throwsError(() => c.runUntil(() => false, { maxMs: 1e9, stepMs: 1 }), /^runUntil: opts\.maxMs \/ opts\.stepMs is 1000000000 steps, more than the 1000000 one call may take; take longer steps$/);
  // Before, a step over a run's 600000 ms ran 600000 ms but counted the
  // whole step: maxMs 1e6 returned after 600000 ms.
  throwsError(() => c.runUntil(() => false, { maxMs: 1e6, stepMs: 1e6 }), /^runUntil: opts\.stepMs must be a number of milliseconds between 0\.000001 and 600000, got 1000000$/);
  assert.equal(c.runUntil(() => false, { maxMs: 1e6, stepMs: 600_000 }), false);
  assert.equal(c.status().now_ns, 1e6 * 1e6);
  // Fractions that do not add up in floating point still end at maxMs.
  assert.equal(c.runUntil(() => false, { maxMs: 1, stepMs: 0.1 }), false);
  assert.equal(c.status().now_ns, 1e6 * 1e6 + 1e6);
  throwsError(() => c.runUntil(() => false, { maxMs: NaN }), /^runUntil: opts\.maxMs must be a number of milliseconds between 0 and 1e9, got NaN$/);
  c.destroy();
});

test("runUntil reads its opts as the other methods do: no getter is called", () => {
  const c = pg.createCluster({ nodes: 3 });
  let called = 0;
  const opts = {
    get maxMs() {
      called++;
      return 5;
    },
  };
  throwsError(() => c.runUntil(() => false, opts), /^runUntil: cannot read opts: property "maxMs": it is a getter; only plain data properties are accepted$/);
  assert.equal(called, 0);
  throwsError(() => c.runUntil(() => false, new Proxy({}, { ownKeys() { throw new Error("trap"); } })), /^runUntil: cannot read opts: it threw an Error: trap$/);
  throwsError(() => c.runUntil(() => false, { maxMs: 5, steps: 1 }), /^runUntil: opts has an unknown key "steps" \(keys are maxMs, stepMs\)$/);
  throwsError(() => c.runUntil(() => false, new Date(0)), /^runUntil: opts must be a plain object like \{maxMs: 10000, stepMs: 10\}, got an object$/);
  // null and undefined members mean the defaults, as for every other options object.
  assert.equal(c.runUntil(() => true, null), true);
  assert.equal(c.runUntil(() => true, { maxMs: undefined }), true);
  c.destroy();
});

test("objects that are not plain are refused, not read as {}", () => {
  // Before, each of these read as an object without keys: the call went
  // ahead with the defaults (a Map's entries, an inherited nodes: 3 and a
  // class's getter were never seen).
  class Options {
    get nodes() {
      return 3;
    }
  }
  const notPlain = [
    [new Date(0), "an instance of Date"],
    [new Map([["nodes", 3]]), "an instance of Map"],
    [new Number(3), "an instance of Number"],
    [new Options(), "an instance of Options"],
    [Object.create({ nodes: 3 }), "an object that inherits from another"],
  ];
  const c = pg.createCluster({ nodes: 3 });
  for (const [value, described] of notPlain) {
    const plainOnly = `${described} \\(only plain objects are accepted\\)`;
    throwsError(() => pg.createCluster(value), new RegExp(`^createCluster: opts must be an object like \\{nodes: 5, seed: 1\\}, got ${plainOnly}$`));
    throwsError(() => pg.createExperiment("election", value), new RegExp(`^createExperiment: opts must be an object like .*, got ${plainOnly}$`));
    throwsError(() => c.setLink(1, 2, value), new RegExp(`^setLink: config must be an object like .*, got ${plainOnly}$`));
    throwsError(() => c.put("k", "v", value), new RegExp(`^put: opts must be an object like .*, got ${plainOnly}$`));
    throwsError(() => c.crash(value), new RegExp(`^crash: node must be an integer between 1 and 3, got ${plainOnly}$`));
  }
  // Plain objects of any kind are read: null prototype, another realm's.
  const bare = Object.assign(Object.create(null), { nodes: 2 });
  const d = pg.createCluster(bare);
  assert.equal(d.status().nodes.length, 2);
  const e = pg.createCluster(runInNewContext("({ nodes: 4 })"));
  assert.equal(e.status().nodes.length, 4);
  assert.deepEqual(c.interventions(), [], "a refused call changed nothing");
  for (const x of [c, d, e]) {
    x.destroy();
  }
});

test("a method taken off its handle throws a TypeError naming it", () => {
  // Before: "Cannot read properties of undefined (reading 'Cluster')",
  // which names neither the method nor what was wrong.
  const c = pg.createCluster({ nodes: 3 });
  const { run } = c;
  const wrong = [
    [() => run(5), /^run: called on undefined, not on a Cluster; call it as cluster\.run\(\.\.\.\) or bind it$/],
    [() => c.status.call({}), /^status: called on an object, not on a Cluster; /],
    [() => new Proxy(c, {}).crash(1), /^crash: called on an object, not on a Cluster; /],
    [() => pg.createCluster.call(null), /^createCluster: called on null, not on a Playground; call it as pg\.createCluster/],
  ];
  const run2 = pg.loadScenario(SCENARIO);
  const e = pg.createExperiment("election");
  wrong.push([() => run2.step.call(c), /^step: called on an object, not on a ScenarioRun; call it as run\.step/]);
  wrong.push([() => e.csv.call(run2), /^csv: called on an object, not on an Experiment; call it as experiment\.csv/]);
  for (const [fn, message] of wrong) {
    assert.throws(fn, (err) => err instanceof TypeError && message.test(err.message));
  }
  assert.equal(run.call(c, 5), 5, "bound to its cluster it works");
  assert.deepEqual(c.interventions(), []);
  for (const x of [c, run2.cluster, e]) {
    x.destroy();
  }
});

test("load refuses wrong options with an Error naming them, loaded or not", async () => {
  // Before: load(null) threw "Cannot read properties of null (reading
  // 'wasm')" on a first load, and every wrong call was ignored once loaded.
  const wrong = [
    [[null, 1], /^load: takes 1 argument\(s\) \(options\), got 2$/],
    [["static/raft-playground.wasm"], /^load: options must be a plain object like \{wasm: "raft-playground\.wasm"\}, got "static\/raft-playground\.wasm"$/],
    [[{ wasm: 5 }], /^load: options\.wasm must be a URL or a string \(a URL, or in Node\.js a file path\), got 5$/],
    [[{ onProgress: "yes" }], /^load: options\.onProgress must be a function, got "yes"$/],
    [[{ wasm: "x", onprogress: () => {} }], /^load: options has an unknown key "onprogress" \(keys are wasm, onProgress\)$/],
  ];
  for (const [args, message] of wrong) {
    await assert.rejects(load(...args), (err) => err instanceof Error && message.test(err.message));
  }
  assert.equal(await load(null), pg);
  assert.equal(await load({ wasm: new URL("file:///elsewhere.wasm") }), pg, "once loaded, the options are ignored");
});

test("a string with a lone surrogate is refused, not changed into U+FFFD", () => {
  // Before, put("k", "\uD800") stored "\uFFFD": the value read back was not
  // the value written, and nothing said so.
  const c = pg.createCluster({ nodes: 3 });
  c.runUntil((s) => s.leader !== 0);
  const lone = "a lone surrogate \\(not well-formed UTF-16, which UTF-8 cannot hold\\)";
  throwsError(() => c.propose("x\uD800"), new RegExp(`^propose: command must be a string, got a string with ${lone}$`));
  throwsError(() => c.put("k", "\uDC00"), new RegExp(`^put: value must be a string, got a string with ${lone}$`));
  throwsError(() => c.note(1, "\uD83D"), new RegExp(`^note: text must be a string, got a string with ${lone}$`));
  throwsError(() => pg.loadScenario("nodes 3\nat 1s say \uD800\n"), new RegExp(`^loadScenario: text must be a string, got a string with ${lone}$`));
  assert.deepEqual(c.interventions(), []);
  // A pair is a character like any other.
  const w = c.put("k", "😀");
  c.run(500);
  assert.equal(c.call(w).done, true);
  assert.equal(c.kv(1).data.k, "😀");
  c.destroy();
});

test("a handle made with new is refused at once", async () => {
  // Before, new Cluster() made a handle whose every method threw
  // "Cannot read properties of undefined (reading 'exited')".
  const { Cluster, Experiment, Playground, ScenarioRun } = await import("../../static/raft-playground.js");
  for (const [Class, maker] of [[Cluster, /pg\.createCluster\(\)/], [Experiment, /pg\.createExperiment\(\)/], [Playground, /load\(\)/], [ScenarioRun, /pg\.loadScenario\(\)/]]) {
    assert.throws(() => new Class(), (err) => err instanceof TypeError && new RegExp(`^${Class.name}: made by `).test(err.message) && maker.test(err.message));
  }
  assert.throws(() => new Cluster(Symbol("raft-playground internal"), {}, 1), TypeError);
});

test("a reportError that throws breaks neither the call nor the other listeners", () => {
  // Before, its exception escaped from the dispatch: c.crash(1) threw it,
  // and the events not yet handed on were lost.
  const c = pg.createCluster({ nodes: 3 });
  const heard = [];
  c.on("fault", () => {
    throw new Error("listener boom");
  });
  c.on("fault", (ev) => heard.push(ev.text));
  const saved = globalThis.reportError;
  globalThis.reportError = () => {
    throw new Error("reportError boom");
  };
  try {
    c.crash(1);
    c.restart(1);
  } finally {
    globalThis.reportError = saved;
  }
  assert.equal(heard.length, 2);
  assert.match(heard[0], /^crash/);
  c.destroy();
});
