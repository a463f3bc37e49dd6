// The WebAssembly instance under hostile calls (issue 9, item 5): its memory
// does not grow with them, and once the Go program has exited every call
// throws one clear Error. This file watches the instance's memory and, at
// its end, makes the program exit, so it runs in a process of its own (as
// node --test runs every file).

import { test } from "node:test";
import assert from "node:assert/strict";

// Keep the instance and the imports the loader instantiates it with.
let instance;
let imports;
const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async (bytes, importObject) => {
  const result = await instantiate(bytes, importObject);
  instance = result.instance;
  imports = importObject;
  return result;
};
const { load } = await import("../../static/raft-playground.js");
const pg = await load({ wasm: new URL("../../static/raft-playground.wasm", import.meta.url) });
WebAssembly.instantiate = instantiate;

/** The Go program's linear memory, in MiB; it never shrinks. */
const memoryMiB = () => instance.exports.mem.buffer.byteLength / (1 << 20);

test("hostile calls do not grow the instance's memory", () => {
  const c = pg.createCluster({ nodes: 3 });
  const getter = {
    get nodes() {
      throw new Error("boom");
    },
  };
  const huge = "x".repeat(50_000_000);
  const attempts = [
    () => pg.createCluster(getter),
    () => c.propose(huge),
    () => pg.createCluster({ [huge]: 1 }),
    () => c.crash(huge),
  ];
  for (const attempt of attempts) {
    assert.throws(attempt, Error); // warm up: the heap reaches its working size
  }
  const before = memoryMiB();
  // Before the fix each throwing getter left the Go stack it unwound
  // (about 3 KiB a call; the runtime died after some 360,000 calls), and each
  // huge string was copied into the Go heap (50 MiB a call).
  for (let i = 0; i < 20_000; i++) {
    assert.throws(attempts[0], /it is a getter/);
  }
  for (let i = 0; i < 10; i++) {
    for (const attempt of attempts.slice(1)) {
      assert.throws(attempt, /50000000 characters/);
    }
  }
  const grown = memoryMiB() - before;
  assert.ok(grown < 16, `the instance's memory grew by ${grown} MiB`);
  c.destroy();
});

test("once the Go program has exited, every call throws one clear Error", async () => {
  const c = pg.createCluster({ nodes: 3 });
  c.run(500);
  const exitNow = () => imports.gojs["runtime.wasmExit"](0);
  // The program exits halfway through a call (inside a Proxy trap the Go
  // side runs): that call, and every later one, says so.
  const dying = new Proxy(
    { nodes: 3 },
    {
      ownKeys(target) {
        exitNow();
        return Reflect.ownKeys(target);
      },
    },
  );
  const exited = /: the Raft Playground's WebAssembly program has exited \(code \d+\) and answers no more calls; load the page \(or start the process\) again$/;
  assert.throws(() => pg.createCluster(dying), (err) => err instanceof Error && /^createCluster/.test(err.message) && exited.test(err.message));
  assert.equal(pg.exited, true);
  for (const call of [() => c.run(1), () => c.status(), () => pg.createCluster(), () => c.on("role", () => {}), () => c.destroy()]) {
    assert.throws(call, (err) => err instanceof Error && !(err instanceof SyntaxError) && exited.test(err.message));
  }
  // A timer the runtime had scheduled must not fire into the dead program:
  // it threw "Go program has already exited" from a setTimeout callback, an
  // uncaught exception that ends a Node.js process (seen in 1 run of 8).
  await new Promise((resolve) => setTimeout(resolve, 1500));
});
