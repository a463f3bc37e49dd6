// Adversarial calls of the JavaScript API (issue 9, item 5: "the instance
// must not die of any call"). Each hostile argument must be answered by an
// Error that names the method and the argument, and a normal call must work
// after it. Build first (./build.sh), then: node --test wasm/jstest/

import { test } from "node:test";
import assert from "node:assert/strict";

import { load } from "../../static/raft-playground.js";

const WASM = new URL("../../static/raft-playground.wasm", import.meta.url);
const pg = await load({ wasm: WASM });
/** The raw API the Go program registered, which a page could also call. */
const raw = globalThis.__raftPlaygroundAPI;

/** Runs a cluster until it has a leader (at most 5 s of virtual time). */
function waitLeader(c) {
  for (let i = 0; i < 100; i++) {
    const { leader } = c.status();
    if (leader !== 0) {
      return leader;
    }
    c.run(50);
  }
  assert.fail("no leader after 5 s of virtual time");
}

/** A normal call must still work: make a cluster, elect, commit, destroy. */
function stillWorks() {
  const c = pg.createCluster({ nodes: 3, seed: 9 });
  waitLeader(c);
  const p = c.propose("still alive");
  c.run(200);
  assert.ok(c.status().nodes.filter((n) => n.commit_index >= p.index).length >= 2);
  c.destroy();
}

/** Asserts that fn throws an Error (not a raw value) whose message matches. */
function throwsError(fn, message) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof Error, `threw ${typeof err} ${String(err)}, not an Error`);
    assert.match(err.message, message);
    return true;
  });
}

/** Decodes a raw API answer that must be an error. */
function rawError(answer) {
  assert.equal(typeof answer, "string");
  const a = JSON.parse(answer);
  assert.ok("error" in a, `want an error, got ${answer}`);
  return a.error;
}

test("a throwing getter is refused, never called, and leaks nothing however often", () => {
  let called = 0;
  const opts = {
    get nodes() {
      called++;
      throw new Error("getter boom");
    },
  };
  // Before the fix the thrown value escaped through the Go stack: the call
  // threw "getter boom" itself, and a few thousand calls killed the runtime.
  for (let i = 0; i < 5000; i++) {
    throwsError(() => pg.createCluster(opts), /^createCluster: cannot read opts: property "nodes": it is a getter; only plain data properties are accepted$/);
  }
  assert.equal(called, 0);
  stillWorks();
});

test("Proxy traps that throw become Errors naming the method and argument", () => {
  const boom = () => {
    throw new Error("trap boom");
  };
  const traps = [
    [{ ownKeys: boom }, /^createCluster: cannot read opts: listing its keys \(Object\.keys\) threw an Error: trap boom$/],
    [{ getOwnPropertyDescriptor: boom }, /^createCluster: cannot read opts: listing its keys \(Object\.keys\) threw an Error: trap boom$/],
    [{ get: boom, has: boom }, /^createCluster: nodes must be an integer between 1 and 9, got "x"$/],
    [{ getPrototypeOf: boom }, /^createCluster: cannot read opts: reading its prototype \(Reflect\.getPrototypeOf\) threw an Error: trap boom$/],
  ];
  for (let i = 0; i < 1000; i++) {
    for (const [handler, message] of traps) {
      throwsError(() => pg.createCluster(new Proxy({ nodes: "x" }, handler)), message);
    }
  }
  // A trap that throws something that is not an Error, or a hostile Error.
  const hostile = new Error("x");
  Object.defineProperty(hostile, "message", {
    get() {
      throw new Error("message getter");
    },
  });
  for (const thrown of [42, "a string", null, undefined, Symbol("s"), 7n, hostile, new Proxy({}, { getPrototypeOf: boom })]) {
    const p = new Proxy({}, { ownKeys: () => { throw thrown; } });
    throwsError(() => pg.createCluster(p), /^createCluster: cannot read opts: listing its keys \(Object\.keys\) threw /);
  }
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  throwsError(() => pg.createCluster(proxy), /^createCluster: cannot read opts: checking for an array \(Array\.isArray\) threw an Error: /);
  stillWorks();
});

test("a Proxy trap that calls the API again does no harm", () => {
  const made = [];
  const p = new Proxy(
    { nodes: 3 },
    {
      ownKeys(target) {
        made.push(pg.createCluster({ nodes: 1 }));
        return Reflect.ownKeys(target);
      },
    },
  );
  const c = pg.createCluster(p);
  assert.equal(c.status().nodes.length, 3);
  assert.equal(made.length, 1);
  made[0].destroy();
  c.destroy();
  stillWorks();
});

test("a trap that calls the API with itself ends in an Error, not a stack overflow", () => {
  let traps = 0;
  const p = new Proxy(
    { nodes: 3 },
    {
      ownKeys(target) {
        traps++;
        pg.createCluster(p);
        return Reflect.ownKeys(target);
      },
    },
  );
  throwsError(() => pg.createCluster(p), /^createCluster: cannot read opts: listing its keys \(Object\.keys\) threw an Error: createCluster: cannot read opts: /);
  assert.equal(traps, 8, "calls nest at most 8 deep");
  stillWorks();
});

test("built-ins replaced after load do not reach into the conversion", () => {
  const saved = { keys: Object.keys, call: Function.prototype.call, gopd: Reflect.getOwnPropertyDescriptor };
  const hostile = () => new Proxy([], { get() { throw new Error("replaced built-in"); } });
  Object.keys = hostile;
  Reflect.getOwnPropertyDescriptor = hostile;
  Function.prototype.call = hostile;
  try {
    const c = pg.createCluster({ nodes: 3, seed: 2 });
    assert.equal(c.run(10), 10);
    throwsError(() => c.crash(5n), /got a bigint \(5n\)/);
    c.destroy();
  } finally {
    Object.keys = saved.keys;
    Reflect.getOwnPropertyDescriptor = saved.gopd;
    Function.prototype.call = saved.call;
  }
  stillWorks();
});

test("bigints are named in the error", () => {
  const c = pg.createCluster({ nodes: 5 });
  throwsError(() => c.crash(1n), /^crash: node must be an integer between 1 and 5, got a bigint \(1n\); pass a number instead$/);
  throwsError(() => pg.createCluster({ nodes: 5n }), /^createCluster: nodes must be an integer between 1 and 9, got a bigint \(5n\)/);
  throwsError(() => c.run(10n ** 100n), /^run: ms must be a number of milliseconds between 0 and 600000, got a bigint; pass a number instead$/);
  throwsError(() => c.partition([[1n, 2], [3]]), /^partition: groups\[0\]\[0\] must be an integer between 1 and 5, got a bigint \(1n\)/);
  c.destroy();
  stillWorks();
});

test("symbols, functions, cyclic and deep objects are described, not followed", () => {
  const c = pg.createCluster({ nodes: 5 });
  throwsError(() => c.crash(Symbol("x")), /^crash: node must be an integer between 1 and 5, got a symbol$/);
  throwsError(() => c.crash(() => 1), /^crash: node must be an integer between 1 and 5, got a function$/);
  const cyclic = {};
  cyclic.nodes = cyclic;
  throwsError(() => pg.createCluster(cyclic), /^createCluster: nodes must be an integer between 1 and 9, got an object$/);
  let deep = [1];
  for (let i = 0; i < 100_000; i++) {
    deep = [deep];
  }
  throwsError(() => c.partition(deep), /^partition: groups\[0\]\[0\] must be an integer between 1 and 5, got an array$/);
  throwsError(() => c.partition([[[1]]]), /^partition: groups\[0\]\[0\] must be an integer between 1 and 5, got an array$/);
  // Symbol keys are not own enumerable string keys: ignored, as JSON.stringify does.
  const d = pg.createCluster({ nodes: 3, [Symbol("extra")]: 1 });
  assert.equal(d.status().nodes.length, 3);
  d.destroy();
  c.destroy();
  stillWorks();
});

test("huge strings are refused by their length, wherever they are", () => {
  const huge = "x".repeat(50_000_000);
  const c = pg.createCluster({ nodes: 3 });
  waitLeader(c);
  throwsError(() => c.propose(huge), /^propose: command must be a string of at most 65536 bytes, got a string of 50000000 characters$/);
  throwsError(() => c.proposeTo(1, huge), /^proposeTo: command must be a string of at most 65536 bytes, got a string of 50000000 characters$/);
  throwsError(() => c.crash(huge), /^crash: node must be an integer between 1 and 3, got a string of 50000000 characters$/);
  throwsError(() => pg.createCluster({ [huge]: 1 }), /^createCluster: cannot read opts: a key of 50000000 characters \(keys have at most 64\)$/);
  throwsError(() => pg.createCluster({ nodes: huge }), /^createCluster: nodes must be an integer between 1 and 9, got a string of 50000000 characters$/);
  throwsError(() => c.run(1, huge), /^run: takes 1 argument\(s\) \(ms\), got 2$/);
  // The raw API checks arity before it reads any argument.
  assert.equal(rawError(raw.run(c.id, 1, huge)), "run: takes 2 argument(s) (id, ms), got 3");
  assert.equal(rawError(raw.status(huge)), "status: id must be an integer between 1 and 9007199254740991, got a string of 50000000 characters");
  // A string just over the limit in UTF-16 units but a valid length.
  throwsError(() => c.propose("é".repeat(40_000)), /^propose: command must be a string of at most 65536 bytes, got 80000 bytes$/);
  c.destroy();
  stillWorks();
});

test("objects with many keys and arrays with many elements are refused by their size", () => {
  const many = {};
  for (let i = 0; i < 300_000; i++) {
    many[`k${i}`] = i;
  }
  throwsError(() => pg.createCluster(many), /^createCluster: opts must be an object like \{nodes: 5, seed: 1\}, got an object with 300000 keys \(at most 32 are accepted\)$/);
  const c = pg.createCluster({ nodes: 5 });
  throwsError(() => c.partition(new Array(1_000_000).fill([1])), /^partition: groups must be a non-empty array of arrays of node ids, like \[\[1, 2\], \[3, 4, 5\]\], got an array of 1000000 elements \(at most 64 are accepted\)$/);
  throwsError(() => c.changePeers([1, 2, 2]), /^changePeers: voters names node 2 twice$/);
  // Their index keys would be made one string each by Object.keys: a
  // 100-million-element buffer took over two minutes before it was refused.
  throwsError(() => pg.createCluster(new Uint8Array(100_000_000)), /^createCluster: opts must be an object like \{nodes: 5, seed: 1\}, got a typed array or DataView$/);
  throwsError(() => pg.createCluster(new String("x".repeat(50_000_000))), /^createCluster: opts must be an object like \{nodes: 5, seed: 1\}, got a String object$/);
  throwsError(() => c.propose(new String("x")), /^propose: command must be a string, got a String object$/);
  c.destroy();
  stillWorks();
});

test("wrong types, missing and extra arguments, unknown ids, after destroy", () => {
  const c = pg.createCluster({ nodes: 5, seed: 3 });
  throwsError(() => c.run(), /^run: ms must be a number of milliseconds between 0 and 600000, got undefined$/);
  throwsError(() => c.run(null), /got null$/);
  throwsError(() => c.run(NaN), /got NaN$/);
  throwsError(() => c.status(1), /^status: takes 0 argument\(s\), got 1$/);
  throwsError(() => pg.createCluster({}, {}), /^createCluster: takes 1 argument\(s\) \(opts\), got 2$/);
  throwsError(() => pg.createCluster({ node: 3 }), /^createCluster: opts has an unknown key "node" \(keys are nodes, seed, preVote, /);
  throwsError(() => pg.createCluster([]), /^createCluster: opts must be an object like \{nodes: 5, seed: 1\}, got an array$/);
  throwsError(() => c.setLink(1, 2, {}), /^setLink: config must set at least one of/);
  throwsError(() => c.setLink(1, 2, { loss: 2 }), /^setLink: config\.loss must be a probability between 0 and 1, got 2$/);
  throwsError(() => c.hold(12345), /^hold: no message #12345 in flight$/);
  throwsError(() => c.on("nope", () => {}), /^on: kind must be one of "role", "commit", "fault", "violation", "\*", got "nope"$/);
  throwsError(() => c.on("role", 1), /^on: listener must be a function, got 1$/);
  assert.equal(rawError(raw.status(424242)), "status: no cluster 424242");
  assert.equal(rawError(raw.status()), "status: id must be an integer between 1 and 9007199254740991, got undefined");
  c.destroy();
  throwsError(() => c.run(1), new RegExp(`^run: cluster ${c.id} was destroyed$`));
  throwsError(() => c.seek(0), new RegExp(`^seek: cluster ${c.id} was destroyed$`));
  // Named as the caller called them: on, not the Go API's watch; runUntil, not status.
  throwsError(() => c.on("role", () => {}), new RegExp(`^on: cluster ${c.id} was destroyed$`));
  throwsError(() => c.runUntil(() => true), new RegExp(`^runUntil: cluster ${c.id} was destroyed$`));
  stillWorks();
});

test("a cluster's memory is bounded: commands past its budget are refused", () => {
  const c = pg.createCluster({ nodes: 3 });
  waitLeader(c);
  const cmd = "c".repeat(64 << 10);
  let accepted = 0;
  let refusal;
  for (let i = 0; i < 1000 && !refusal; i++) {
    try {
      c.propose(cmd);
      accepted++;
      c.run(5);
    } catch (err) {
      refusal = err;
    }
  }
  // MaxClusterBytes is 8 MiB: 128 commands of 64 KiB.
  assert.equal(accepted, 128);
  assert.match(refusal.message, /^propose: this cluster was given 8388608 bytes of commands and this call has 65536, more than the 8388608 one cluster may hold \(they are kept for seek\); make a new cluster$/);
  // Small commands are refused too once the budget is spent, and the
  // cluster goes on running; other clusters are not affected.
  throwsError(() => c.propose("x"), /^propose: this cluster was given 8388608 bytes/);
  c.run(1000);
  assert.ok(c.status().nodes.every((n) => n.last_index >= 128));
  c.destroy();
  stillWorks();
});
