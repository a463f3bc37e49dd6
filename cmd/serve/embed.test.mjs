// The pure helpers of static/raft-playground-embed.js, in Node.js: how the
// element reads its attributes, which scenario addresses and which
// postMessage origins it accepts, and the canvas's aria-label from a real
// scene. Build first (./build.sh), then: node --test cmd/serve/

import { test } from "node:test";
import assert from "node:assert/strict";

import { load } from "../../static/raft-playground.js";
import {
  AnimationSlots, MAX_ANIMATING, allowedOrigins, describeScene, formatTime, parseList, parseNumber, renamed, sameOriginURL,
} from "../../static/raft-playground-embed.js";

const KNOWN = ["play", "step", "restart"];

test("parseList: known words in display order; absent gives the default, all gives every one", () => {
  assert.deepEqual(parseList(null, KNOWN, ["play"]), ["play"]);
  assert.deepEqual(parseList("restart PLAY, bogus", KNOWN, []), ["play", "restart"]);
  assert.deepEqual(parseList("", KNOWN, KNOWN), []);
  assert.deepEqual(parseList("all", KNOWN, []), KNOWN);
});

test("parseNumber: clamped to its range; absent or not a number gives the default", () => {
  assert.equal(parseNumber(null, 1, 9, 5), 5);
  assert.equal(parseNumber("  ", 1, 9, 5), 5);
  assert.equal(parseNumber("12", 1, 9, 5), 9);
  assert.equal(parseNumber("-3", 1, 9, 5), 1);
  assert.equal(parseNumber("Infinity", 1, 9, 5), 5);
  assert.equal(parseNumber("0x10", 0, 100, 5), 16);
  assert.equal(parseNumber("3px", 1, 9, 5), 5);
});

test("sameOriginURL: a scenario is fetched from the page's own origin only", () => {
  const base = "https://docs.example/raft/page.html", origin = "https://docs.example";
  assert.equal(sameOriginURL("scenarios/a.txt", base, origin).href, "https://docs.example/raft/scenarios/a.txt");
  assert.equal(sameOriginURL("/s.txt", base, origin).pathname, "/s.txt");
  for (const hostile of ["https://evil.example/s.txt", "//evil.example/s.txt", "data:text/plain,nodes 3",
    "javascript:alert(1)", "http://docs.example/s.txt", "http://[bad"]) {
    assert.equal(sameOriginURL(hostile, base, origin), null, hostile);
  }
});

test("allowedOrigins: the parent's origin and the allow list, never null", () => {
  const got = allowedOrigins(new URLSearchParams("allow=https://a.example/x%20null%20nonsense%20https://b.example"),
    "https://parent.example", "https://ref.example/page");
  assert.deepEqual([...got].sort(), ["https://a.example", "https://b.example", "https://parent.example"]);
  // Without ancestorOrigins the referrer names the parent.
  assert.deepEqual([...allowedOrigins(new URLSearchParams(""), "", "https://ref.example/page")], ["https://ref.example"]);
  assert.deepEqual([...allowedOrigins(new URLSearchParams(""), "", "")], []);
});

test("describeScene: the aria-label names every node's role and term, the leader, and what is down", async () => {
  const pg = await load({ wasm: new URL("../../static/raft-playground.wasm", import.meta.url) });
  const c = pg.createCluster({ nodes: 3, seed: 1 });
  try {
    assert.equal(describeScene(c.scene()), "Raft cluster of 3 nodes at 0.000 s, no leader: " +
      "n1 follower term 0, n2 follower term 0, n3 follower term 0; 0 messages in flight.");
    while (c.status().leader === 0) c.run(50);
    const { leader } = c.status();
    assert.ok(describeScene(c.scene()).includes(`, leader n${leader}: `));
    c.crash(leader);
    const label = describeScene(c.scene());
    assert.match(label, new RegExp(`^Raft cluster of 3 nodes at ${formatTime(c.status().now_ns).replace(".", "\\.")}, no leader: `));
    assert.ok(label.includes(`n${leader} down`), label);
    for (const n of c.status().nodes.filter((n) => n.up)) {
      assert.ok(label.includes(`n${n.id} ${n.role} term ${n.term}`), label);
    }
  } finally {
    c.destroy();
  }
});

// The cap on animating embeds (issue 9, item 7): at most MAX_ANIMATING of
// a page's elements animate; the others wait in the order they asked and
// take a slot as one is given back.
test("AnimationSlots: the first max to want a slot hold one, the rest wait in order and are woken as slots free", () => {
  assert.equal(MAX_ANIMATING, 16);
  const woken = [];
  const slots = new AnimationSlots(2, (el) => woken.push(el));
  const [a, b, c, d] = ["a", "b", "c", "d"].map((name) => ({ name }));
  assert.equal(slots.want(a, true), true);
  assert.equal(slots.want(b, true), true);
  assert.equal(slots.want(c, true), false);
  assert.equal(slots.want(d, true), false);
  assert.equal(slots.want(c, true), false, "asking again keeps c's place");
  assert.deepEqual([slots.isWaiting(c), slots.isWaiting(d), slots.isWaiting(a)], [true, true, false]);

  // a pauses: c, which asked first, gets its slot and is woken; d waits.
  assert.equal(slots.want(a, false), false);
  assert.deepEqual(woken, [c]);
  assert.deepEqual([slots.holds(c), slots.isWaiting(d), slots.holds(a)], [true, true, false]);
  assert.equal(slots.want(c, true), true);

  // d stops wanting while it waits: it leaves the queue, nobody is woken.
  assert.equal(slots.want(d, false), false);
  assert.equal(slots.isWaiting(d), false);
  assert.equal(slots.want(b, false), false);
  assert.deepEqual(woken, [c], "a freed slot with nobody waiting wakes nobody");
  assert.equal(slots.want(d, true), true, "a free slot is taken at once");
});

test("AnimationSlots: takeOver gives a waiting element the slot of the one that has held longest", () => {
  const slots = new AnimationSlots(2, () => assert.fail("takeOver wakes nobody"));
  const [a, b, c] = ["a", "b", "c"].map((name) => ({ name }));
  slots.want(a, true);
  slots.want(b, true);
  assert.equal(slots.takeOver(a), null, "a holds a slot already");
  slots.want(c, true);
  assert.equal(slots.takeOver(c), a);
  assert.deepEqual([slots.holds(c), slots.holds(b), slots.holds(a), slots.isWaiting(c)], [true, true, false, false]);
  // a, told to pause, gives back a slot it no longer holds: nothing moves.
  assert.equal(slots.want(a, false), false);
  assert.deepEqual([...slots.holders], [b, c]);
});

test("renamed: the element's restartNode names itself in the cluster's errors", async () => {
  // Before, el.restartNode(99) said "restart: node must be ...", the
  // cluster's method, not the one the page called.
  const pg = await load({ wasm: new URL("../../static/raft-playground.wasm", import.meta.url) });
  const c = pg.createCluster({ nodes: 3 });
  assert.throws(() => renamed("restart", "restartNode", () => c.restart(99)), {
    name: "Error",
    message: "restartNode: node must be an integer between 1 and 3, got 99",
  });
  assert.throws(() => renamed("restart", "restartNode", () => c.restart(1, 2)), { message: "restartNode: takes 1 argument(s) (node), got 2" });
  assert.throws(() => renamed("restart", "restartNode", () => c.crash(7)), { message: "crash: node must be an integer between 1 and 3, got 7" });
  c.crash(1);
  assert.equal(renamed("restart", "restartNode", () => c.restart(1)), undefined);
  c.destroy();
});
