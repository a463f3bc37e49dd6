// A call made with the JavaScript stack nearly full (deep recursion, or a
// listener that calls the cluster which calls the listener ...) must not
// kill the WebAssembly instance (issue 9, item 5: "the instance must not
// die of any call"). Before the loader checked for room, the
// stack overflowed inside one of wasm_exec.js's functions the Go program
// calls; the RangeError unwound through the Go program, the registry's lock
// stayed held and the next call ended the program ("all goroutines are
// asleep - deadlock!"). In a file of its own: before the fix it killed the
// instance. Build first (./build.sh), then: node --test wasm/jstest/

import { test } from "node:test";
import assert from "node:assert/strict";

import { load } from "../../static/raft-playground.js";

const pg = await load({ wasm: new URL("../../static/raft-playground.wasm", import.meta.url) });

/**
 * Recurses until the stack overflows, calling call at every depth; answers
 * how many calls succeeded and the messages of those refused.
 */
function atEveryDepth(call) {
  let ok = 0;
  const refused = new Set();
  const down = () => {
    try {
      call();
      ok++;
    } catch (err) {
      refused.add(err.message);
    }
    down();
  };
  assert.throws(down, RangeError);
  return { ok, refused };
}

test("calls from ever deeper recursion are refused near the stack's end, and the instance lives on", () => {
  const c = pg.createCluster({ nodes: 3, seed: 4 });
  c.on("*", () => {}); // every call also drains the cluster's events
  const proxied = () => new Proxy({ nodes: 3 }, { ownKeys: (t) => Reflect.ownKeys(t) });
  const calls = {
    status: () => c.status(),
    run: () => c.run(1),
    createCluster: () => pg.createCluster(proxied()).destroy(),
    setLink: () => c.setLink(1, 2, { loss: 0.1 }),
  };
  for (const [name, call] of Object.entries(calls)) {
    const { ok, refused } = atEveryDepth(call);
    assert.ok(ok > 100, `${name}: only ${ok} calls succeeded`);
    assert.ok(
      refused.has(`${name}: too little of the JavaScript stack is left to call the WebAssembly instance safely (called from deep recursion?); the call was not made`),
      `${name}: refused with ${[...refused].join(" | ")}`,
    );
    assert.equal(pg.exited, false, `${name} killed the instance`);
  }
  const d = pg.createCluster({ nodes: 3, seed: 4 });
  assert.equal(d.run(2000), 2000);
  assert.equal(d.status().leader !== 0, true);
  c.destroy();
  d.destroy();
});

test("a listener that calls the cluster which calls it again, without end, does not kill the instance", () => {
  // Each crash is a fault whose listener restarts the node at once, and so
  // on: before, each call dispatched inside the last, the recursion
  // overflowed the stack inside the Go program and ended it.
  const c = pg.createCluster({ nodes: 3 });
  c.on("fault", (ev) => (ev.text.startsWith("crash") ? c.restart(ev.node) : c.crash(ev.node)));
  const errors = [];
  const saved = globalThis.reportError;
  globalThis.reportError = (err) => errors.push(err);
  try {
    c.crash(1);
  } finally {
    globalThis.reportError = saved;
  }
  assert.equal(pg.exited, false);
  assert.match(errors.at(-1)?.message ?? "", /^on: the listeners' own calls caused events 1000 times in a row/);
  c.destroy();
  assert.equal(pg.createCluster().run(10), 10);
});
