// Tests of the JavaScript API in Node.js, through the same loader and the same
// WebAssembly the page uses. Build first (./build.sh), then:
//
//   node --test wasm/jstest/

import { test } from "node:test";
import assert from "node:assert/strict";

import { load, Playground, Cluster, ScenarioRun } from "../../static/raft-playground.js";

/** The built WebAssembly the page loads. */
const WASM = new URL("../../static/raft-playground.wasm", import.meta.url);

const pg = await load({ wasm: WASM });

/**
 * Runs a cluster in 50 ms steps until it has a leader, for at most 5 s of
 * virtual time, and returns the leader's id.
 *
 * @param {Cluster} c
 * @param {number} [not] a node that must not be the answer (a crashed leader)
 */
function waitLeader(c, not = 0) {
  for (let i = 0; i < 100; i++) {
    const { leader } = c.status();
    if (leader !== 0 && leader !== not) {
      return leader;
    }
    c.run(50);
  }
  assert.fail(`no leader (other than ${not}) after 5 s of virtual time: ${JSON.stringify(c.status().nodes)}`);
}

/** Counts the nodes whose commit index reached index. */
function committedOn(c, index) {
  return c.status().nodes.filter((n) => n.commit_index >= index).length;
}

test("load returns one Playground per realm", async () => {
  assert.ok(pg instanceof Playground);
  assert.equal(await load(), pg);
  assert.match(pg.version, /^\d+\.\d+\.\d+/);
});

test("elect, commit, crash the leader, elect another, restart and catch up", () => {
  const c = pg.createCluster({ nodes: 5, seed: 1 });
  assert.ok(c instanceof Cluster);
  const lead = waitLeader(c);

  const p = c.propose("x=1");
  assert.equal(p.leader, lead);
  assert.ok(p.index > 0 && p.term > 0, JSON.stringify(p));
  c.run(200);
  assert.ok(committedOn(c, p.index) >= 3, `index ${p.index} not committed on a majority`);

  c.crash(lead);
  c.run(50);
  const down = c.status().nodes.find((n) => n.id === lead);
  assert.equal(down.up, false);
  const next = waitLeader(c, lead);
  assert.notEqual(next, lead);

  c.restart(lead);
  const q = c.propose("x=2");
  assert.equal(q.leader, next);
  c.run(500);
  const back = c.status().nodes.find((n) => n.id === lead);
  assert.equal(back.up, true);
  assert.ok(back.commit_index >= q.index, `restarted node ${lead} at commit ${back.commit_index}, want >= ${q.index}`);
  c.destroy();
});

test("run returns the virtual time in ms", () => {
  const c = pg.createCluster();
  assert.equal(c.run(0), 0);
  assert.equal(c.run(12.5), 12.5);
  assert.equal(c.run(100), 112.5);
  assert.equal(c.status().now_ns, 112_500_000);
  c.destroy();
});

test("cut and heal show in status", () => {
  const c = pg.createCluster({ nodes: 3 });
  c.cut(1, 3);
  assert.deepEqual(c.status().cut, [{ from: 1, to: 3 }]);
  c.heal(1, 3);
  assert.deepEqual(c.status().cut, []);
  c.destroy();
});

test("bad input throws a clear Error and the instance survives", () => {
  const c = pg.createCluster({ nodes: 5, seed: 2 });
  assert.throws(() => pg.createCluster({ nodes: 12 }), {
    name: "Error",
    message: "createCluster: nodes must be an integer between 1 and 9, got 12",
  });
  assert.throws(() => pg.createCluster({ nodes: "five" }), /nodes/);
  assert.throws(() => c.run("abc"), {
    name: "Error",
    message: 'run: ms must be a number of milliseconds between 0 and 600000, got "abc"',
  });
  assert.throws(() => c.run(-5), /ms/);
  assert.throws(() => c.run(1e12), /between 0 and 600000, got 1e\+12/);
  assert.throws(() => c.crash(99), {
    name: "Error",
    message: "crash: node must be an integer between 1 and 5, got 99",
  });
  assert.throws(() => c.cut(1, 1), /from and to/);
  assert.throws(() => c.propose({ cmd: 1 }), /command must be a string/);
  assert.throws(() => c.propose("x"), /no leader/); // at time 0 nobody leads yet

  // The same cluster still works...
  const lead = waitLeader(c);
  const p = c.propose("after errors");
  c.run(200);
  assert.ok(committedOn(c, p.index) >= 3);
  assert.equal(c.status().leader, lead);
  // ...and so does a new one.
  const d = pg.createCluster({ nodes: 3 });
  waitLeader(d);
  c.destroy();
  d.destroy();
});

test("a destroyed cluster is gone", () => {
  const c = pg.createCluster();
  c.destroy();
  assert.throws(() => c.status(), { message: `status: cluster ${c.id} was destroyed` });
  // Named destroy, as the caller called it, not the Go API's destroyCluster.
  assert.throws(() => c.destroy(), { message: `destroy: cluster ${c.id} was destroyed` });
  assert.throws(() => c.destroy(1), { message: "destroy: takes 0 argument(s), got 1" });
});

test("the same seed and the same calls give the same run", () => {
  const drive = (seed) => {
    const c = pg.createCluster({ nodes: 5, seed });
    const lead = waitLeader(c);
    c.propose("a");
    c.run(100);
    c.crash(lead);
    c.cut(1, 2);
    c.run(700);
    const s = JSON.stringify(c.status());
    c.destroy();
    return s;
  };
  const a = drive(7);
  assert.equal(drive(7), a);
  assert.notEqual(drive(8), a, "seeds 7 and 8 gave the same run: the seed is not used");
});

test("the TypeScript declarations declare every method the loader has", async () => {
  const { readFile } = await import("node:fs/promises");
  const dts = await readFile(new URL("../../static/raft-playground.d.ts", import.meta.url), "utf8");
  const declared = (cls) => {
    const body = dts.slice(dts.indexOf(`export class ${cls} {`)).split("\n}\n")[0];
    return [...body.matchAll(/^  (?:readonly )?([a-zA-Z]+)[(:?]/gm)].map((m) => m[1]).filter((n) => n !== "constructor");
  };
  const methods = (proto) => Object.getOwnPropertyNames(proto).filter((n) => n !== "constructor");
  assert.deepEqual([...new Set(declared("Cluster"))].sort(), [...methods(Cluster.prototype), "id"].sort());
  assert.deepEqual([...new Set(declared("Playground"))].sort(), [...methods(Playground.prototype), "version"].sort());
  assert.deepEqual([...new Set(declared("ScenarioRun"))].sort(), [...methods(ScenarioRun.prototype), "cluster", "steps"].sort());
});
