// Tours through the API (issue 11, item 4): loadTour runs a tour to its
// end and answers its steps with their moments; a seek to a moment shows
// that step, again and again, as the embed's Back and Next do.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

import { load, Cluster } from "../../static/raft-playground.js";

const pg = await load({ wasm: new URL("../../static/raft-playground.wasm", import.meta.url) });

test("loadTour: each step's moment, sought twice, shows the same state", async () => {
  const text = await readFile(new URL("../../static/tours/replication.txt", import.meta.url), "utf8");
  const { cluster, steps } = pg.loadTour(text);
  assert.ok(cluster instanceof Cluster);
  assert.equal(steps[0].title, "A node becomes leader");
  assert.ok(steps.length >= 10);
  for (let i = 1; i < steps.length; i++) {
    assert.ok(steps[i].at_ns > steps[i - 1].at_ns, `step ${i + 1} is not later than step ${i}`);
  }
  // Step 3 highlights n1's replicator for n2 (the seed's nextIndex += n).
  assert.deepEqual(steps[2].highlights, ["replicator n1->n2 next-index", "replicator n1->n2 match-index"]);
  const at = (k) => cluster.seek(steps[k].at_ns / 1e6);
  const first = at(2);
  const ahead = at(4);
  const again = at(2);
  assert.deepEqual(again.status(), first.status());
  assert.equal(first.status().now_ns, steps[2].at_ns);
  assert.notDeepEqual(ahead.status(), first.status());
  for (const c of [first, ahead, again, cluster]) c.destroy();
});

test("loadTour: a text that is not a tour says why", () => {
  assert.throws(() => pg.loadTour("nodes 3\nsay hi\n"), /^Error: loadTour: line 2, column 1: a tour starts with a step line/);
  assert.throws(() => pg.loadTour(), /^Error: loadTour: text must be a string, got undefined$/);
});
