// The npm package (issue 9, item 6): what `npm pack` would publish is
// exactly what a documentation site needs to run the playground (the
// loader, its declarations, Go's wasm_exec.js and the built WebAssembly),
// and package.json points at them. Runs `npm pack --dry-run --json`, which
// reads the working tree only (no network, no scripts). Build first
// (make test-node does), so that the .wasm is there to be packed.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { readdirSync } from "node:fs";
import { promisify } from "node:util";

const root = new URL("../../", import.meta.url);
const pkg = JSON.parse(await readFile(new URL("package.json", root), "utf8"));

/** What a documentation site serves: the loader imports the other two beside it. */
const SITE_FILES = ["static/raft-playground.js", "static/raft-playground.d.ts", "static/wasm_exec.js", "static/raft-playground.wasm",
  "static/raft-playground-embed.js", "static/raft-playground-embed.d.ts", "static/embed.html"];
/** The scenario library ships too (the embeds' src= files). */
const SCENARIOS = readdirSync(new URL("../../static/scenarios/", import.meta.url)).filter((f) => f.endsWith(".txt")).map((f) => `static/scenarios/${f}`);
/** And the guided tours (the embeds' tour= files), without their Go package. */
const TOURS = readdirSync(new URL("../../static/tours/", import.meta.url)).filter((f) => f.endsWith(".txt")).map((f) => `static/tours/${f}`);

/** npm puts these in every package, whatever "files" says. */
const ALWAYS = ["package.json", "README.md", "LICENSE"];

test("npm pack would publish exactly the loader, the declarations, wasm_exec.js, the wasm, the embed, the scenario library and the tours", async () => {
  const { stdout } = await promisify(execFile)("npm", ["pack", "--dry-run", "--json", "--ignore-scripts", "--offline"], {
    cwd: root,
    env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" },
    maxBuffer: 1 << 20,
  });
  const [packed] = JSON.parse(stdout);
  assert.equal(packed.name, pkg.name);
  assert.equal(packed.version, pkg.version);
  const paths = packed.files.map((f) => f.path).sort();
  assert.deepEqual(paths, [...SITE_FILES, ...SCENARIOS, ...TOURS, ...ALWAYS].sort());
  const wasm = packed.files.find((f) => f.path === "static/raft-playground.wasm");
  assert.ok(wasm.size > 1 << 20, `the packed wasm has ${wasm.size} bytes: not a build`);
});

test("package.json describes a publishable ES module whose entry points are packed", () => {
  assert.equal(pkg.private, undefined, "a private package cannot be published");
  assert.match(pkg.name, /^(@[a-z0-9-]+\/)?[a-z0-9-]+$/);
  assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
  assert.equal(pkg.type, "module");
  // The licence a site may use it under, in the SPDX form npm reads; the
  // text is packed (ALWAYS above).
  assert.equal(pkg.license, "MIT");
  assert.deepEqual(pkg.files.sort(), [...SITE_FILES, "static/scenarios/*.txt", "static/tours/*.txt"].sort());
  assert.deepEqual(pkg.exports["."], { types: "./static/raft-playground.d.ts", default: "./static/raft-playground.js" });
  assert.equal(pkg.types, "./static/raft-playground.d.ts");
  // The element's declarations (HTMLElementTagNameMap, its events) come
  // with the element for a site that imports it by the package's name.
  assert.deepEqual(pkg.exports["./embed"], { types: "./static/raft-playground-embed.d.ts", default: "./static/raft-playground-embed.js" });
  // Every file exports names is packed, so a site can resolve the wasm
  // by the package's name to copy it beside the loader.
  for (const target of Object.values(pkg.exports).flatMap((t) => (typeof t === "string" ? [t] : Object.values(t)))) {
    const path = target.replace(/^\.\//, "");
    const packed = [...SITE_FILES, "package.json"].includes(path) || (path === "static/scenarios/*" && SCENARIOS.length > 0) ||
      (path === "static/tours/*" && TOURS.length > 0);
    assert.ok(packed, `exports names ${target}, which is not packed`);
  }
  // The TypeScript check and the page's accessibility test (axe-core, run
  // in Chromium by cmd/serve) are development tools, not something a site
  // installs.
  assert.deepEqual(Object.keys(pkg.devDependencies).sort(), ["axe-core", "typescript"]);
  assert.equal(pkg.dependencies, undefined);
});

test("the package resolves by its name to the loader, which the API answers through", async () => {
  // A package may import itself by name (Node's self-reference), which
  // goes through "exports" as an installed package's importer would.
  assert.equal(import.meta.resolve(pkg.name), new URL("static/raft-playground.js", root).href);
  assert.equal(import.meta.resolve(`${pkg.name}/raft-playground.wasm`), new URL("static/raft-playground.wasm", root).href);
  const { load } = await import(pkg.name);
  const pg = await load({ wasm: new URL("static/raft-playground.wasm", root) });
  const c = pg.createCluster({ nodes: 3 });
  assert.equal(c.run(10), 10);
  c.destroy();
});
