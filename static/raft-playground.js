// Raft Playground: the JavaScript API.
//
// One ES module that loads the playground's WebAssembly in a browser or in
// Node.js (20 or later) and wraps its API:
//
//   import { load } from "./raft-playground.js";
//   const pg = await load();
//   const cluster = pg.createCluster({ nodes: 5, seed: 1 });
//   cluster.run(1000);                       // advance virtual time by 1 s
//   const { leader, index } = cluster.propose("x=1");
//   cluster.run(200);
//   console.log(cluster.status().nodes.map((n) => n.commit_index));
//
// Bad input throws an Error with a message that names the method, the
// argument and what was wrong; the WebAssembly instance survives it.

/** Key under which the loading promise is kept, once per JavaScript realm. */
const CACHE = Symbol.for("raftPlayground.load");

/** True in Node.js (checked before wasm_exec.js adds its own `process`). */
const IN_NODE = typeof process !== "undefined" && typeof process.versions?.node === "string";

/**
 * @typedef {object} LoadOptions
 * @property {string | URL} [wasm] Where the WebAssembly is: a URL, or in
 *   Node.js also a file path or file: URL. Defaults to raft-playground.wasm
 *   beside this module.
 */

/**
 * Loads the playground. The first call loads the WebAssembly; later calls in
 * the same JavaScript realm return the same Playground (and ignore their
 * options). A failed load is forgotten, so it can be retried.
 *
 * @param {LoadOptions} [options]
 * @returns {Promise<Playground>}
 */
export function load(options = {}) {
  if (!globalThis[CACHE]) {
    globalThis[CACHE] = start(options).catch((err) => {
      delete globalThis[CACHE];
      throw err;
    });
  }
  return globalThis[CACHE];
}

/**
 * Loads wasm_exec.js and the WebAssembly, runs the Go program and waits until
 * it has registered its API.
 *
 * @param {LoadOptions} options
 * @returns {Promise<Playground>}
 */
async function start(options) {
  const url = options.wasm ?? new URL("./raft-playground.wasm", import.meta.url);
  if (IN_NODE) {
    await prepareNode();
  }
  await import("./wasm_exec.js");
  const go = new globalThis.Go();
  let exitCode = null;
  go.exit = (code) => {
    exitCode = code;
  };

  const instance = await instantiate(url, go.importObject);

  try {
    const api = await new Promise((resolve, reject) => {
      // The Go program calls this from registerAPI, before anything else.
      globalThis.__raftPlaygroundReady = resolve;
      // Not awaited: go.run settles only when the Go program ends.
      go.run(instance).then(
        () => reject(new Error(`Raft Playground: the WebAssembly program exited (code ${exitCode}) before it registered its API`)),
        (err) => reject(new Error(`Raft Playground: the WebAssembly program failed: ${err?.message ?? err}`, { cause: err })),
      );
    });
    return new Playground(api);
  } finally {
    delete globalThis.__raftPlaygroundReady;
  }
}

/** Sets what Go's wasm_exec.js needs from Node.js. */
async function prepareNode() {
  const { createRequire } = await import("node:module");
  const require = createRequire(import.meta.url);
  globalThis.require ??= require;
  globalThis.fs ??= require("node:fs");
  globalThis.path ??= require("node:path");
  globalThis.crypto ??= require("node:crypto").webcrypto;
  globalThis.performance ??= require("node:perf_hooks").performance;
  globalThis.TextEncoder ??= require("node:util").TextEncoder;
  globalThis.TextDecoder ??= require("node:util").TextDecoder;
}

/**
 * Compiles and instantiates the WebAssembly at url.
 *
 * @param {string | URL} url
 * @param {WebAssembly.Imports} imports
 * @returns {Promise<WebAssembly.Instance>}
 */
async function instantiate(url, imports) {
  if (IN_NODE) {
    const target = typeof url === "string" && !/^[a-z][a-z0-9+.-]*:/i.test(url) ? url : new URL(url);
    if (typeof target === "string" || target.protocol === "file:") {
      const { readFile } = await import("node:fs/promises");
      let bytes;
      try {
        bytes = await readFile(target);
      } catch (err) {
        throw new Error(`Raft Playground: cannot read ${target}: ${err.message}; run ./build.sh first`, { cause: err });
      }
      return (await WebAssembly.instantiate(bytes, imports)).instance;
    }
  }
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`Raft Playground: cannot fetch ${url}: HTTP ${response.status} ${response.statusText}`);
  }
  if (WebAssembly.instantiateStreaming) {
    try {
      // Needs Content-Type: application/wasm; the response is cloned so the
      // fallback can still read it.
      return (await WebAssembly.instantiateStreaming(response.clone(), imports)).instance;
    } catch (err) {
      if (response.headers.get("Content-Type")?.startsWith("application/wasm")) {
        throw err; // the right type, so the module itself is at fault
      }
    }
  }
  return (await WebAssembly.instantiate(await response.arrayBuffer(), imports)).instance;
}

/**
 * Calls a method of the Go API and unwraps its JSON answer.
 *
 * @param {object} api the object the Go program registered
 * @param {string} method
 * @param {...*} args
 * @returns {*} the result
 * @throws {Error} with the Go side's message when the answer is an error
 */
function call(api, method, ...args) {
  const answer = JSON.parse(api[method](...args));
  if ("error" in answer) {
    throw new Error(answer.error);
  }
  return answer.result;
}

/** The loaded playground: makes clusters. Get it from {@link load}. */
export class Playground {
  #api;

  /** @param {object} api the object the Go program registered */
  constructor(api) {
    this.#api = api;
    /** The API version, e.g. "0.1.0+d4da925c0a1b". @type {string} */
    this.version = api.version;
  }

  /**
   * Makes a simulated cluster at virtual time 0.
   *
   * @param {{nodes?: number, seed?: number}} [opts] nodes: 1 to 9 (default
   *   5); seed: a non-negative integer (default 1). The same seed and the
   *   same calls give the same run.
   * @returns {Cluster}
   * @throws {Error} on bad options
   */
  createCluster(opts = {}) {
    return new Cluster(this.#api, call(this.#api, "createCluster", opts));
  }
}

/** One simulated cluster. Nodes are numbered 1 to nodes. */
export class Cluster {
  #api;

  /**
   * @param {object} api the object the Go program registered
   * @param {number} id the cluster's id
   */
  constructor(api, id) {
    this.#api = api;
    /** The cluster's id in the WebAssembly instance. @type {number} */
    this.id = id;
  }

  /**
   * Advances virtual time.
   *
   * @param {number} ms milliseconds of virtual time, 0 to 600000 per call
   * @returns {number} the new virtual time in milliseconds
   */
  run(ms) {
    return call(this.#api, "run", this.id, ms);
  }

  /**
   * Crashes a node: it loses everything but its disk.
   *
   * @param {number} node the node's id
   */
  crash(node) {
    call(this.#api, "crash", this.id, node);
  }

  /**
   * Restarts a crashed node from its disk.
   *
   * @param {number} node the node's id
   */
  restart(node) {
    call(this.#api, "restart", this.id, node);
  }

  /**
   * Cuts the directed link from → to (messages on it are lost).
   *
   * @param {number} from
   * @param {number} to
   */
  cut(from, to) {
    call(this.#api, "cut", this.id, from, to);
  }

  /**
   * Heals the directed link from → to.
   *
   * @param {number} from
   * @param {number} to
   */
  heal(from, to) {
    call(this.#api, "heal", this.id, from, to);
  }

  /**
   * Hands a command to the current leader.
   *
   * @param {string} command
   * @returns {{leader: number, index: number, term: number}} the leader that
   *   took it and the log index and term it was given
   * @throws {Error} when there is no leader
   */
  propose(command) {
    return call(this.#api, "propose", this.id, command);
  }

  /**
   * A snapshot of the whole cluster: now_ns, seed, leader (0 for none),
   * nodes (id, role, term, up, commit_index, last_index, …), cut links, and
   * the messages in flight.
   *
   * @returns {object}
   */
  status() {
    return call(this.#api, "status", this.id);
  }

  /** Destroys the cluster; its methods throw afterwards. */
  destroy() {
    call(this.#api, "destroyCluster", this.id);
  }
}
