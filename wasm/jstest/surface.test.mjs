// The API's reach into the world (issue 9, item 4): faults, messages in
// flight, transfers, membership, seek, trace, history, interventions,
// violations and events, each through the loader on the built wasm.

import { test } from "node:test";
import assert from "node:assert/strict";

import { load, Cluster } from "../../static/raft-playground.js";

const pg = await load({ wasm: new URL("../../static/raft-playground.wasm", import.meta.url) });

/** Runs until there is a leader other than not; returns it. */
function waitLeader(c, not = 0) {
  assert.ok(c.runUntil((s) => s.leader !== 0 && s.leader !== not, { maxMs: 5000, stepMs: 50 }), "no leader within 5 s");
  return c.status().leader;
}

test("partition: the minority side cannot commit; healAll lets it catch up", () => {
  const c = pg.createCluster({ nodes: 5, seed: 4 });
  const lead = waitLeader(c);
  const others = [1, 2, 3, 4, 5].filter((n) => n !== lead);
  // The old leader with one follower is a minority (§5.2, §5.4).
  c.partition([[lead, others[0]], others.slice(1)]);
  const p = c.proposeTo(lead, "stale");
  c.run(2000);
  const st = c.status();
  assert.ok(st.nodes.every((n) => n.commit_index < p.index), "a minority leader committed");
  assert.ok(st.cut.length > 0);
  const next = waitLeader(c, lead);
  assert.ok(others.slice(1).includes(next));
  c.healAll();
  assert.deepEqual(c.status().cut, []);
  const q = c.propose("after heal");
  c.run(1000);
  assert.ok(c.status().nodes.every((n) => n.commit_index >= q.index));
  // The stale entry at p.index was overwritten by the new leader's log.
  c.destroy();
});

test("isolate and setLink: an isolated node hears nothing, a lossy link still delivers some", () => {
  const c = pg.createCluster({ nodes: 3, seed: 5 });
  const lead = waitLeader(c);
  const f = [1, 2, 3].find((n) => n !== lead);
  c.isolate(f);
  const p = c.propose("x");
  c.run(500);
  assert.ok(c.status().nodes.find((n) => n.id === f).commit_index < p.index);
  c.healAll();
  c.setLink(lead, f, { loss: 0.5, latencyMin: 1, latencyMax: 2 });
  c.run(2000);
  assert.ok(c.status().nodes.find((n) => n.id === f).commit_index >= p.index);
  assert.ok(c.interventions().some((iv) => iv.kind === "link" && iv.from === lead && iv.to === f));
  c.destroy();
});

test("messages in flight can be held, released, dropped and duplicated", () => {
  const c = pg.createCluster({ nodes: 3, seed: 6 });
  waitLeader(c);
  c.propose("m");
  const wire = c.messages();
  assert.ok(wire.length > 0);
  const [a, b] = wire;
  c.hold(a.id);
  assert.equal(c.messages().find((m) => m.id === a.id).held, true);
  c.run(100); // a held message does not arrive
  assert.ok(c.messages().some((m) => m.id === a.id));
  c.release(a.id);
  c.run(100);
  assert.ok(!c.messages().some((m) => m.id === a.id));
  if (b && c.messages().some((m) => m.id === b.id)) {
    c.drop(b.id);
    assert.ok(!c.messages().some((m) => m.id === b.id));
  }
  const d = c.messages()[0] ?? (c.propose("n"), c.messages()[0]);
  const copy = c.duplicate(d.id);
  assert.notEqual(copy, d.id);
  assert.ok(c.messages().some((m) => m.id === copy));
  assert.throws(() => c.release(d.id), { message: `release: no held message #${d.id}` });
  c.destroy();
});

test("transferLeadership hands over (TimeoutNow, §3.10 of the dissertation); changePeers removes a voter", () => {
  const c = pg.createCluster({ nodes: 5, seed: 7 });
  const lead = waitLeader(c);
  c.run(200); // a leader transfers only once it committed an entry of its term
  const to = lead === 5 ? 4 : 5;
  c.transferLeadership(to);
  assert.ok(c.runUntil((s) => s.leader === to, { maxMs: 3000 }), "transfer did not complete");
  c.run(200); // the new leader, too, must commit an entry of its term first
  c.changePeers([1, 2, 3, 4, 5].filter((n) => n !== lead));
  assert.ok(
    c.runUntil((s) => s.nodes.find((n) => n.id === to).conf.voters?.length === 4, { maxMs: 3000 }),
    "the leader did not move to four voters",
  );
  c.destroy();
});

test("setResponseDelay is recorded and shows in the interventions", () => {
  const c = pg.createCluster({ nodes: 3 });
  c.setResponseDelay(2, 40);
  const iv = c.interventions();
  assert.deepEqual(iv.map((x) => [x.kind, x.node, x.delay_ns]), [["response-delay", 2, 40_000_000]]);
  c.destroy();
});

test("seek forks: the fork is the past, and acting on it leaves the original alone", () => {
  const c = pg.createCluster({ nodes: 3, seed: 8 });
  waitLeader(c);
  c.run(1000);
  const at = c.status();
  // Seek replays the interventions made up to and including its time, so
  // the one that must not show in the fork comes later.
  c.run(10);
  c.propose("later");
  c.run(1000);
  const fork = c.seek(at.now_ns / 1e6);
  assert.ok(fork instanceof Cluster && fork.id !== c.id);
  const f = fork.status();
  assert.equal(f.now_ns, at.now_ns);
  assert.deepEqual(f.nodes.map((n) => n.last_index), at.nodes.map((n) => n.last_index));
  fork.crash(1);
  assert.equal(c.status().nodes[0].up, true);
  assert.throws(() => c.seek(1e9), /^Error: seek: ms must be a number of milliseconds between 0 and/);
  fork.destroy();
  c.destroy();
});

test("trace, history and violation answer JSON", () => {
  const c = pg.createCluster({ nodes: 3 });
  c.run(500);
  const tr = c.trace();
  assert.ok(tr.length > 0 && tr.length <= 256);
  assert.ok(tr.every((e, i) => i === 0 || e.n === tr[i - 1].n + 1));
  assert.equal(tr.at(-1).n, c.status().events);
  assert.deepEqual(c.history(), []); // no client calls made: put/append/get add them (world.test.mjs)
  assert.equal(c.violation(), null);
  c.destroy();
});

test("events: role changes, commits and faults reach listeners until they unsubscribe", () => {
  const c = pg.createCluster({ nodes: 3, seed: 2 });
  const roles = [];
  const commits = [];
  const faults = [];
  const all = [];
  const offRole = c.on("role", (e) => roles.push(e));
  c.on("commit", (e) => commits.push(e));
  c.on("fault", (e) => faults.push(e));
  const offAll = c.on("*", (e) => all.push(e.kind));
  const lead = waitLeader(c);
  assert.ok(roles.some((e) => e.node === lead && /-> leader/.test(e.text)), JSON.stringify(roles));
  const p = c.propose("e");
  c.run(200);
  assert.ok(commits.some((e) => e.index >= p.index && e.node === lead));
  c.crash(lead);
  assert.equal(faults.at(-1).node, lead);
  assert.match(faults.at(-1).text, /^crash/);
  offRole();
  offRole(); // a second call does nothing
  const seen = roles.length;
  waitLeader(c, lead);
  assert.equal(roles.length, seen, "an unsubscribed listener was called");
  assert.ok(all.includes("role") && all.includes("commit") && all.includes("fault"));
  // A listener that throws does not break the call that caused the event.
  const errors = [];
  const report = globalThis.reportError;
  globalThis.reportError = (err) => errors.push(err);
  try {
    c.on("fault", () => {
      throw new Error("listener boom");
    });
    c.restart(lead);
  } finally {
    globalThis.reportError = report;
  }
  assert.equal(errors[0]?.message, "listener boom");
  offAll();
  c.destroy();
});
