// The rest of the API's reach into the world (issue 9, item 4): one event
// at a time, client calls by hand and their outcomes, snapshot, note, a
// node's log and KV store, the scene model, and scenarios (load, step, run,
// outcomes, narration, and a run written as a scenario), each through the
// loader on the built wasm, with the adversarial calls of each method.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";

import { load, Cluster, ScenarioRun } from "../../static/raft-playground.js";

const pg = await load({ wasm: new URL("../../static/raft-playground.wasm", import.meta.url) });

/** Runs until there is a leader; returns it. */
function waitLeader(c) {
  assert.ok(c.runUntil((s) => s.leader !== 0, { maxMs: 5000, stepMs: 50 }), "no leader within 5 s");
  return c.status().leader;
}

/** Asserts that fn throws an Error (not a raw value) whose message matches. */
function throwsError(fn, message) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof Error, `threw ${typeof err} ${String(err)}, not an Error`);
    assert.match(err.message, message);
    return true;
  });
}

test("step handles one event at a time", () => {
  const c = pg.createCluster({ nodes: 3, seed: 1 });
  const a = c.step();
  const b = c.step();
  assert.equal(a.stepped, true);
  assert.equal(b.handled, a.handled + 1);
  assert.ok(b.now_ns >= a.now_ns && b.now_ns === c.status().now_ns);
  assert.ok(a.next_ns === b.now_ns, "the next event a step announced is the one the next step handled");
  throwsError(() => c.step(1), /^step: takes 0 argument\(s\), got 1$/);
  c.destroy();
});

test("put, append and get by hand: outcomes, KV stores and logs agree (linearizable history)", () => {
  const c = pg.createCluster({ nodes: 3, seed: 2 });
  const lead = waitLeader(c);
  const follower = [1, 2, 3].find((n) => n !== lead);
  // Sent to a follower, the call is redirected to the leader (§8: clients
  // find the leader) and applied once.
  const w = c.put("k", "a", { via: follower });
  assert.equal(c.call(w).done, false, "answered before any time passed");
  c.run(1000);
  const x = c.append("k", "b");
  c.run(1000);
  const r = c.get("k");
  c.run(1000);
  assert.deepEqual([c.call(w).done, c.call(x).done], [true, true]);
  const read = c.call(r);
  assert.deepEqual([read.op, read.key, read.value, read.done], ["get", "k", "ab", true]);
  for (const n of [1, 2, 3]) {
    assert.deepEqual(c.kv(n), { total: 1, data: { k: "ab" } }, `node ${n}`);
  }
  const log = c.log(lead);
  assert.equal(log.entries.length, log.total);
  assert.equal(log.entries[0].type, "config"); // a new leader's first entry
  assert.ok(log.entries.filter((e) => e.type === "normal").length >= 3, JSON.stringify(log));
  assert.ok(log.entries.every((e, i) => i === 0 || e.index === log.entries[i - 1].index + 1));
  assert.deepEqual(c.log(lead, 1).entries, log.entries.slice(-1));
  assert.deepEqual(c.log(lead, 0).entries, []);
  assert.deepEqual(c.history().map((h) => h.op).sort(), ["append", "get", "put"]);
  assert.equal(c.violation(), null);

  throwsError(() => c.put("k"), /^put: value must be a string, got undefined$/);
  throwsError(() => c.put("", "v"), /^put: key must not be empty$/);
  throwsError(() => c.put("k", "v", { via: 9 }), /^put: opts\.via must be an integer between 1 and 3, got 9$/);
  throwsError(() => c.get("k", { via: 1, to: 2 }), /^get: opts has an unknown key "to" \(keys are via\)$/);
  throwsError(() => c.get("k", "v"), /^get: opts must be an object like \{via: 2\}, got "v"$/);
  throwsError(() => c.append("k", "v", {}, 1), /^append: takes 3 argument\(s\) \(key, value, opts\), got 4$/);
  throwsError(() => c.put("k".repeat(1025), "v"), /^put: key must be a string of at most 1024 bytes, got 1025 bytes$/);
  throwsError(() => c.put("k", "x".repeat(10_000_000)), /^put: value must be a string of at most 1024 bytes, got a string of 10000000 characters$/);
  throwsError(() => c.call(0), /^call: call must be an integer between 1 and 9007199254740991, got 0$/);
  throwsError(() => c.call(99), /^call: no client call 99$/);
  throwsError(() => c.call(1n), /got a bigint \(1n\)/);
  throwsError(() => c.log(4), /^log: node must be an integer between 1 and 3, got 4$/);
  throwsError(() => c.log(1, 1001), /^log: last must be an integer between 0 and 1000, got 1001$/);
  throwsError(() => c.log(1, 1.5), /^log: last must be an integer between 0 and 1000, got 1\.5$/);
  throwsError(() => c.kv(0), /^kv: node must be an integer between 1 and 3, got 0$/);
  throwsError(() => c.kv({ get node() { throw new Error("boom"); } }), /^kv: cannot read node: property "node": it is a getter; only plain data properties are accepted$/);
  // The cluster still works.
  const y = c.put("z", "1");
  c.run(500);
  assert.equal(c.call(y).done, true);
  c.destroy();
});

test("snapshot compacts a node's log; note is traced and recorded", () => {
  const c = pg.createCluster({ nodes: 3, seed: 3 });
  const lead = waitLeader(c);
  c.propose("x");
  c.run(300);
  const before = c.status().nodes.find((n) => n.id === lead);
  c.snapshot(lead);
  const after = c.status().nodes.find((n) => n.id === lead);
  assert.equal(after.snapshot_index, before.applied_index);
  assert.equal(c.log(lead).total, after.last_index - after.snapshot_index);
  throwsError(() => c.snapshot(lead), new RegExp(`^snapshot: node ${lead} applied nothing since its snapshot at index ${after.snapshot_index}$`));
  c.note(2, "look here");
  assert.ok(c.trace().some((e) => e.node === 2 && e.text === "look here"));
  assert.deepEqual(c.interventions().map((iv) => iv.kind).slice(-2), ["snapshot", "note"]);
  throwsError(() => c.note(2, "n".repeat(1025)), /^note: text must be a string of at most 1024 bytes, got 1025 bytes$/);
  throwsError(() => c.note(2), /^note: text must be a string, got undefined$/);
  throwsError(() => c.snapshot(), /^snapshot: node must be an integer between 1 and 3, got undefined$/);
  c.crash(1);
  throwsError(() => c.snapshot(1), /^snapshot: node 1 is down$/);
  c.destroy();
});

test("scene and spaceTime: the model a page draws, in the unit square", () => {
  const c = pg.createCluster({ nodes: 5, seed: 4 });
  const lead = waitLeader(c);
  c.run(200); // a candidate that lost steps down when the leader's first append reaches it (§5.2)
  c.cut(lead, lead === 1 ? 2 : 1);
  c.propose("x");
  c.run(5);
  const held = c.messages()[0];
  c.hold(held.id);
  const s = c.scene(300);
  assert.equal(s.leader, lead);
  assert.equal(s.nodes.length, 5);
  assert.equal(s.links.length, 20);
  assert.deepEqual(s.links.filter((l) => l.cut), [{ from: lead, to: lead === 1 ? 2 : 1, cut: true }]);
  const leader = s.nodes.find((n) => n.id === lead);
  assert.deepEqual([leader.role, leader.timer], ["leader", "heartbeat"]);
  assert.ok(s.nodes.filter((n) => n.id !== lead).every((n) => n.role === "follower" && n.timer === "election"));
  for (const n of s.nodes) {
    assert.ok(n.x > 0 && n.x < 1 && n.y > 0 && n.y < 1 && n.timer_left >= 0 && n.timer_left <= 1, JSON.stringify(n));
  }
  const m = s.messages.find((x) => x.id === held.id);
  assert.deepEqual([m.held, m.outcome, m.from, m.to], [true, "in-flight", held.from, held.to]);
  for (const x of s.messages) {
    assert.ok(x.progress >= 0 && x.progress <= 1 && x.fade > 0 && x.fade <= 1, JSON.stringify(x));
    assert.equal(typeof x.response, "boolean");
    assert.equal(typeof x.success, "boolean");
  }
  // Without a fade, ended messages are left out.
  assert.ok(c.scene().messages.every((x) => x.outcome === "in-flight"));
  const st = c.spaceTime(1000);
  assert.equal(st.to_ns - st.from_ns, 1e9 > st.to_ns ? st.to_ns : 1e9);
  assert.ok(st.spans.some((sp) => sp.node === lead && sp.role === "leader"));
  assert.ok(st.arrows.some((a) => a.id === held.id && !a.ended));
  throwsError(() => c.scene(-1), /^scene: fadeMs must be a number of milliseconds between 0 and 60000, got -1$/);
  throwsError(() => c.scene(1, 2), /^scene: takes 1 argument\(s\) \(fadeMs\), got 2$/);
  throwsError(() => c.spaceTime(), /^spaceTime: windowMs must be a number of milliseconds between 0 and 600000, got undefined$/);
  throwsError(() => c.spaceTime(1e12), /^spaceTime: windowMs must be a number/);
  c.destroy();
});

test("every library scenario runs to its end through the API with every expectation met", async () => {
  const dir = new URL("../../static/scenarios/", import.meta.url);
  const files = (await readdir(dir)).filter((f) => f.endsWith(".txt"));
  assert.ok(files.length >= 19, `only ${files.length} library scenarios`);
  for (const f of files) {
    const run = pg.loadScenario(await readFile(new URL(f, dir), "utf8"));
    assert.ok(run instanceof ScenarioRun && run.cluster instanceof Cluster);
    const p = run.runToEnd();
    assert.deepEqual([p.done, p.error, p.failed, p.next], [true, null, 0, run.steps], `${f}: ${JSON.stringify(p)}`);
    const outs = run.outcomes();
    assert.ok(outs.length > 0 && outs.every((o) => o.pass), `${f}: ${JSON.stringify(outs.filter((o) => !o.pass))}`);
    assert.ok(run.narration().length > 0, `${f} says nothing`);
    run.cluster.destroy();
  }
});

test("a scenario step by step: narration as it is reached, outcomes, a failed step ends the run", () => {
  const run = pg.loadScenario(`# a test scenario
nodes 3
seed 3
when leader elected
say A leader was elected.
expect leader is none
put a 1 as w
when w returned
expect n1 kv a is 1
crash n1
crash n1
say never reached
`);
  assert.equal(run.steps, 9);
  let p = run.step();
  assert.deepEqual([p.done, p.next, p.line, p.error], [false, 1, 4, null]);
  assert.deepEqual(run.narration(), []);
  p = run.step();
  assert.deepEqual(run.narration().map((n) => [n.line, n.text]), [[5, "A leader was elected."]]);
  assert.equal(run.narration()[0].at_ns, p.now_ns);
  p = run.runToEnd();
  assert.deepEqual([p.done, p.failed, p.error], [true, 1, { line: 11, message: "node 1 is already down" }]);
  const outs = run.outcomes();
  assert.deepEqual(outs.map((o) => [o.line, o.pass]), [[6, false], [9, true]]);
  assert.match(outs[0].observed, /leader is n\d/);
  assert.equal(run.narration().length, 1);
  // Done: more steps change nothing.
  assert.deepEqual(run.step(), p);
  // The cluster works between and after steps.
  assert.equal(run.cluster.status().nodes[0].up, false);
  // Errors name the method the caller called, not the Go API's (scenarioStep).
  throwsError(() => run.step(1), /^step: takes 0 argument\(s\), got 1$/);
  run.cluster.destroy();
  throwsError(() => run.step(), new RegExp(`^step: cluster ${run.cluster.id} was destroyed$`));
  throwsError(() => run.outcomes(), /^outcomes: cluster \d+ was destroyed$/);
});

test("a scenario that does not read throws an Error naming line and column", () => {
  const cases = [
    ["nodes 3\n\ncrash n7\n", 3, 7],
    ["nodes 3\nseed -1\n", 2, 6],
    ["crash n1\nfrobnicate\n", 2, 1],
  ];
  for (const [text, line, column] of cases) {
    assert.throws(() => pg.loadScenario(text), (err) => {
      assert.ok(err instanceof Error);
      assert.match(err.message, new RegExp(`^loadScenario: line ${line}, column ${column}: `));
      assert.deepEqual([err.line, err.column], [line, column], err.message);
      return true;
    });
  }
  throwsError(() => pg.loadScenario("at 2h\n"), /^loadScenario: line 1, column 1: the scenario may run 2h0m0s of virtual time by this step, more than the 1h0m0s/);
  throwsError(() => pg.loadScenario("#".repeat(70_000)), /^loadScenario: text must be a string of at most 65536 bytes, got a string of 70000 characters$/);
  throwsError(() => pg.loadScenario("x".repeat(50_000_000)), /^loadScenario: text must be a string of at most 65536 bytes, got a string of 50000000 characters$/);
  throwsError(() => pg.loadScenario(), /^loadScenario: text must be a string, got undefined$/);
  throwsError(() => pg.loadScenario(1n), /^loadScenario: text must be a string, got a bigint \(1n\)/);
  throwsError(() => pg.loadScenario(new Proxy({}, { ownKeys() { throw new Error("trap"); } })), /^loadScenario: cannot read text: listing its keys/);
  throwsError(() => pg.loadScenario("nodes 3", 1), /^loadScenario: takes 1 argument\(s\) \(text\), got 2$/);
  const c = pg.createCluster();
  assert.equal(JSON.parse(globalThis.__raftPlaygroundAPI.scenarioRun(c.id)).error, "scenarioRun: cluster was not made by loadScenario");
  c.destroy();
});

test("a run written as a scenario replays it exactly (a shared run)", () => {
  const c = pg.createCluster({ nodes: 5, seed: 12, diskLatency: 2 });
  const lead = waitLeader(c);
  c.put("k", "v");
  c.run(300);
  c.partition([[lead, lead === 1 ? 2 : 1], [1, 2, 3, 4, 5].filter((n) => n !== lead && n !== (lead === 1 ? 2 : 1))]);
  c.run(1000);
  // Two held messages released after their time both arrive now: step
  // one, and act between the two. The scenario says after how many events
  // ("step N"), so the replay acts there too.
  assert.ok(c.runUntil((st) => st.wire.length >= 2, { maxMs: 1000, stepMs: 1 }));
  const [m1, m2] = c.messages();
  c.hold(m1.id);
  c.hold(m2.id);
  c.run(100);
  c.release(m1.id);
  c.release(m2.id);
  const s = c.step();
  assert.equal(s.next_ns, s.now_ns, "the second released message is not due at once");
  c.crash(lead);
  c.healAll();
  c.run(30);
  const held = c.messages()[0];
  c.hold(held.id);
  c.run(800);
  const text = c.scenario();
  assert.match(text, / step \d+ crash n\d\n/);
  assert.match(text, new RegExp(`hold msg ${held.id}\n`));
  assert.match(text, /^seed 12\ndisk-latency 2ms\n/); // nodes 5 is the default
  const run = pg.loadScenario(text);
  const p = run.runToEnd();
  assert.equal(p.error, null, text);
  assert.deepEqual(run.cluster.status(), c.status());
  assert.deepEqual(run.cluster.trace(), c.trace());
  assert.deepEqual(run.cluster.history(), c.history());
  // And the replay, written again, is the same scenario.
  assert.equal(run.cluster.scenario(), text);
  throwsError(() => c.scenario(1), /^scenario: takes 0 argument\(s\), got 1$/);
  run.cluster.destroy();
  c.destroy();
});

test("every new method answers hostile arguments with an Error naming it, and the cluster works after", () => {
  const c = pg.createCluster({ nodes: 3, seed: 5 });
  const lead = waitLeader(c);
  const getter = { get via() { throw new Error("getter boom"); } };
  const trap = new Proxy({}, { ownKeys() { throw new Error("trap boom"); } });
  const huge = "h".repeat(20_000_000);
  const calls = {
    step: [[1]],
    put: [[getter, "v"], ["k", trap], ["k", "v", getter], [huge, "v"], ["k", 1n], ["k", "v", {}, 4]],
    append: [[trap, "v"], ["k", huge], ["k", "v", trap], [Symbol("k"), "v"]],
    get: [[huge], ["k", getter], ["k", trap], [() => "k"], ["k", {}, 1]],
    call: [[trap], [huge], [2n ** 70n], [getter], [1, 2]],
    snapshot: [[trap], [huge], [0.5], [1, 2]],
    note: [[1, huge], [1, trap], [getter, "x"], [1, "x", 3]],
    log: [[1, trap], [huge], [1, 2n], [1, -1], [1, 2, 3]],
    kv: [[trap], [huge], [NaN], [1, 2]],
    scenario: [[trap]],
    scene: [[trap], [huge], [Infinity], [1, 2]],
    spaceTime: [[trap], [huge], [-1], [1, 2]],
  };
  for (const [method, argLists] of Object.entries(calls)) {
    for (const args of argLists) {
      throwsError(() => c[method](...args), new RegExp(`^${method}: `));
    }
  }
  const run = pg.loadScenario("nodes 3\nwhen leader elected\n");
  for (const method of ["step", "runToEnd", "outcomes", "narration", "traceDigest"]) {
    throwsError(() => run[method](trap), new RegExp(`^${method}: takes 0 argument\\(s\\), got 1$`));
  }
  assert.equal(run.runToEnd().error, null);
  run.cluster.destroy();
  // Nothing was recorded by the refused calls, and the cluster still works.
  assert.deepEqual(c.interventions(), []);
  const w = c.put("k", "v", { via: lead });
  c.run(500);
  assert.equal(c.call(w).done, true);
  c.destroy();
});
