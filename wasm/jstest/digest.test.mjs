// A scenario's trace digest (issue 9, Tests: "the same scenario gives the
// same trace digest natively, in Node.js and in the page"): every library
// scenario, run in Node.js on the built wasm, has the digest that
// `go run ./cmd/scenario -digest` prints for it natively. The page's leg is
// cmd/serve's TestEmbedSameDigestNativeNodePage (Chromium), which compares
// all three. Build first (./build.sh); needs Go, as the build does.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { load } from "../../static/raft-playground.js";

const pg = await load({ wasm: new URL("../../static/raft-playground.wasm", import.meta.url) });
const root = fileURLToPath(new URL("../../", import.meta.url));
const dir = new URL("../../static/scenarios/", import.meta.url);

/** The digest of a scenario run to its end in Node.js. */
async function nodeDigest(file) {
  const run = pg.loadScenario(await readFile(new URL(file, dir), "utf8"));
  run.runToEnd();
  const digest = run.traceDigest();
  run.cluster.destroy();
  return digest;
}

test("every library scenario has the same trace digest in Node.js as natively (cmd/scenario -digest)", async () => {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".txt")).sort();
  assert.ok(files.length >= 19, `only ${files.length} library scenarios`);
  const { stdout } = await promisify(execFile)("go", ["run", "./cmd/scenario", "-q", "-digest", ...files.map((f) => `static/scenarios/${f}`)], {
    cwd: root,
    maxBuffer: 1 << 20,
  });
  const native = new Map([...stdout.matchAll(/^static\/scenarios\/(\S+): trace digest ([0-9a-f]{32})$/gm)].map((m) => [m[1], m[2]]));
  assert.equal(native.size, files.length, `cmd/scenario printed digests for ${[...native.keys()]}`);
  for (const f of files) {
    assert.equal(await nodeDigest(f), native.get(f), `${f}: Node.js and native runs differ`);
  }
});

test("traceDigest: the same whether run step by step or to the end; a call on the cluster is traced and changes it", async () => {
  const text = await readFile(new URL("leader-crash.txt", dir), "utf8");
  const whole = pg.loadScenario(text);
  const stepped = pg.loadScenario(text);
  const start = whole.traceDigest();
  assert.match(start, /^[0-9a-f]{32}$/);
  whole.runToEnd();
  while (!stepped.step().done);
  assert.equal(stepped.traceDigest(), whole.traceDigest());
  assert.notEqual(whole.traceDigest(), start);
  const end = whole.traceDigest();
  whole.cluster.crash(1);
  assert.notEqual(whole.traceDigest(), end, "a crash left the digest unchanged");
  // Named as the caller called it, not as the Go API's scenarioDigest.
  assert.throws(() => whole.traceDigest(1), { name: "Error", message: /^traceDigest: takes 0 argument\(s\), got 1$/ });
  whole.cluster.destroy();
  assert.throws(() => whole.traceDigest(), { name: "Error", message: `traceDigest: cluster ${whole.cluster.id} was destroyed` });
  stepped.cluster.destroy();
});
