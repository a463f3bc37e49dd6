// load's onProgress under an adversarial page: a progress callback that
// throws, reported to a reportError that throws too, does not stop the
// load (issue 9, item 5). In a file of its own: load loads once per process. Build first
// (./build.sh), then: node --test wasm/jstest/

import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";

import { load } from "../../static/raft-playground.js";

test("a throwing onProgress, and a throwing reportError, do not stop the load", async () => {
  const wasm = await readFile(new URL("../../static/raft-playground.wasm", import.meta.url));
  const server = createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "application/wasm", "Content-Length": wasm.length });
    res.end(wasm);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const saved = globalThis.reportError;
  let reported = 0;
  globalThis.reportError = () => {
    reported++;
    throw new Error("reportError boom");
  };
  try {
    // Before, reportError's exception escaped from the body's stream and
    // the load failed.
    const pg = await load({
      wasm: `http://127.0.0.1:${server.address().port}/raft-playground.wasm`,
      onProgress: () => {
        throw new Error("progress boom");
      },
    });
    assert.ok(reported > 0, "the progress callback's error was not reported");
    assert.equal(pg.createCluster({ nodes: 3 }).run(10), 10);
  } finally {
    globalThis.reportError = saved;
    server.close();
  }
});
