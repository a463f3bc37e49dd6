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
//   const run = pg.loadScenario(text);       // a scenario on a new cluster
//   run.runToEnd();
//   console.log(run.outcomes(), run.narration());
//
// Bad input throws an Error with a message that names the method, the
// argument and what was wrong; the WebAssembly instance survives it. The
// types named in the comments below (ClusterOptions, ClusterStatus, ...) are
// declared in raft-playground.d.ts beside this file; the README lists every
// method.

/** Key under which the loading promise is kept, once per JavaScript realm. */
const CACHE = Symbol.for("raftPlayground.load");

/** True in Node.js (checked before wasm_exec.js adds its own `process`). */
const IN_NODE = typeof process !== "undefined" && typeof process.versions?.node === "string";

/**
 * @typedef {object} LoadOptions
 * @property {string | URL} [wasm] Where the WebAssembly is: a URL, or in
 *   Node.js also a file path or file: URL. Defaults to raft-playground.wasm
 *   beside this module.
 * @property {(received: number, total: ?number) => void} [onProgress] In a
 *   browser, called as the WebAssembly downloads: the bytes received so far
 *   and the total (null when the server does not say). The total is the
 *   X-Decoded-Content-Length that cmd/serve sends with a compressed file,
 *   or Content-Length for an uncompressed one: a browser's stream yields
 *   decoded bytes.
 */

/**
 * Loads the playground. The first call loads the WebAssembly; later calls in
 * the same JavaScript realm return the same Playground (and ignore their
 * options). A failed load is forgotten, so it can be retried.
 *
 * @param {LoadOptions} [options]
 * @returns {Promise<Playground>}
 */
export function load(...args) {
  let options;
  try {
    options = loadOptions(args);
  } catch (err) {
    return Promise.reject(err);
  }
  if (!globalThis[CACHE]) {
    globalThis[CACHE] = start(options).catch((err) => {
      delete globalThis[CACHE];
      throw err;
    });
  }
  return globalThis[CACHE];
}

/**
 * Checks load's arguments, even when the playground is loaded already (and
 * they are ignored), so that a wrong call is found at once.
 *
 * @param {unknown[]} args
 * @returns {LoadOptions}
 */
function loadOptions(args) {
  arity("load", ["options"], args);
  const options = readOptions("load", args[0], ["wasm", "onProgress"], '{wasm: "raft-playground.wasm"}', "options");
  const { wasm, onProgress } = options;
  if (wasm !== undefined && typeof wasm !== "string" && !(wasm instanceof URL)) {
    throw new Error(`load: options.wasm must be a URL or a string (a URL, or in Node.js a file path), got ${describe(wasm)}`);
  }
  if (onProgress !== undefined && typeof onProgress !== "function") {
    throw new Error(`load: options.onProgress must be a function, got ${describe(onProgress)}`);
  }
  return options;
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
  /** @type {Core} */
  const core = { api: null, exited: false, exitCode: null };
  go.exit = (code) => {
    core.exited = true;
    core.exitCode = code;
    // A timer the Go runtime had scheduled would otherwise fire into the
    // dead program and throw "Go program has already exited" from a
    // setTimeout callback, which ends a Node.js process.
    for (const timeout of go._scheduledTimeouts?.values() ?? []) {
      clearTimeout(timeout);
    }
    go._scheduledTimeouts?.clear();
  };

  const instance = await instantiate(url, go.importObject, options.onProgress);

  try {
    core.api = await new Promise((resolve, reject) => {
      // The Go program calls this from registerAPI, before anything else.
      globalThis.__raftPlaygroundReady = resolve;
      // Not awaited: go.run settles only when the Go program ends.
      go.run(instance).then(
        () => {
          core.exited = true;
          reject(new Error(`Raft Playground: the WebAssembly program exited (code ${core.exitCode}) before it registered its API`));
        },
        (err) => {
          core.exited = true;
          reject(new Error(`Raft Playground: the WebAssembly program failed: ${err?.message ?? err}`, { cause: err }));
        },
      );
    });
    return new Playground(INTERNAL, core);
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
 * @param {LoadOptions["onProgress"]} [onProgress]
 * @returns {Promise<WebAssembly.Instance>}
 */
async function instantiate(url, imports, onProgress) {
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
  let response = await fetch(url);
  if (!response.ok) {
    throw new Error(`Raft Playground: cannot fetch ${url}: HTTP ${response.status} ${response.statusText}`);
  }
  if (typeof onProgress === "function") {
    response = counted(response, onProgress);
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
 * A response whose body reports its progress to onProgress as it is read.
 *
 * @param {Response} response
 * @param {(received: number, total: ?number) => void} onProgress
 * @returns {Response}
 */
function counted(response, onProgress) {
  if (!response.body) {
    return response;
  }
  const headers = response.headers;
  const length = headers.get("X-Decoded-Content-Length") ?? (headers.has("Content-Encoding") ? null : headers.get("Content-Length"));
  const total = length !== null && /^\d+$/.test(length) ? Number(length) : null;
  let received = 0;
  const progress = () => {
    try {
      onProgress(received, total);
    } catch (err) {
      report(err); // a failing progress bar does not stop the load
    }
  };
  progress();
  const reader = response.body.getReader();
  const body = new ReadableStream({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      received += value.byteLength;
      progress();
      controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

/**
 * The WebAssembly instance as the loader sees it.
 *
 * @typedef {object} Core
 * @property {?Record<string, Function>} api the object the Go program registered
 * @property {boolean} exited whether the Go program has exited (it then
 *   answers nothing more)
 * @property {?number} exitCode its exit code, when it exited
 */

/**
 * Calls a method of the Go API and unwraps its JSON answer.
 *
 * @param {Core} core
 * @param {string} method the Go API's method
 * @param {unknown[]} args
 * @param {string} [name] the method the caller called, which errors name
 *   (a handle's method: traceDigest runs scenarioDigest)
 * @returns {*} the result
 * @throws {Error} with the Go side's message when the answer is an error, or
 *   saying that the program has exited
 */
function call(core, method, args, name = method) {
  if (core.exited) {
    throw exitedError(core, name);
  }
  if (!stackRoom()) {
    throw new Error(`${name}: too little of the JavaScript stack is left to call the WebAssembly instance safely (called from deep recursion?); the call was not made`);
  }
  let raw;
  try {
    raw = core.api[method](...args);
  } catch (err) {
    // The Go side never throws; only a program dying halfway through a call does.
    if (core.exited) {
      throw exitedError(core, name, err);
    }
    throw new Error(`${name}: the WebAssembly instance threw: ${err?.message ?? typeof err}`, { cause: err });
  }
  if (core.exited) {
    throw exitedError(core, name);
  }
  if (typeof raw !== "string") {
    throw new Error(`${name}: the WebAssembly instance gave no answer`);
  }
  const answer = JSON.parse(raw);
  if ("error" in answer) {
    // The Go side names its own method first; the caller called name.
    const message = answer.error.startsWith(`${method}: `) ? `${name}: ${answer.error.slice(method.length + 2)}` : answer.error;
    const err = new Error(message);
    if (typeof answer.line === "number") {
      // A scenario that does not read: where.
      err.line = answer.line;
      err.column = answer.column;
    }
    throw err;
  }
  return answer.result;
}

/**
 * How many frames of probe must fit on the stack before a call goes into
 * the WebAssembly instance. The stack overflowing inside a call (in one of
 * wasm_exec.js's functions that the Go program calls) unwinds through the
 * Go program and kills it: the registry's lock stays held and the next call
 * deadlocks. A frame of probe takes about 300 bytes in Node.js 20, so 640
 * frames are about 190 KiB, three times the most a call was seen to need
 * (about 64 KiB, a Proxy argument whose trap runs inside the call); the
 * check costs a few microseconds.
 */
const STACK_PROBE_FRAMES = 640;

/**
 * Recurses n deep with 31 more arguments, so that each frame is large and
 * few frames measure much stack; what it returns does not matter.
 */
function probe(n, a, b, c, d, e, f, g, h, i, j, k, l, m, o, p, q, r, s, t, u, v, w, x, y, z, A, B, C, D, E, F) {
  return n === 0 ? 0 : 1 + probe(n - 1, a, b, c, d, e, f, g, h, i, j, k, l, m, o, p, q, r, s, t, u, v, w, x, y, z, A, B, C, D, E, F);
}

/** Whether STACK_PROBE_FRAMES frames of probe fit on the stack now. */
function stackRoom() {
  try {
    probe(STACK_PROBE_FRAMES);
    return true;
  } catch {
    return false; // a RangeError: the stack is nearly full
  }
}

/**
 * The Error every call throws once the Go program has exited.
 *
 * @param {Core} core
 * @param {string} method
 * @param {unknown} [cause]
 */
function exitedError(core, method, cause) {
  return new Error(
    `${method}: the Raft Playground's WebAssembly program has exited (code ${core.exitCode ?? "unknown"}) ` +
      "and answers no more calls; load the page (or start the process) again",
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Checks that a loader method got at most as many arguments as it takes, so
 * that a stray extra argument is an error rather than ignored.
 *
 * @param {string} method
 * @param {string[]} params
 * @param {unknown[]} args
 */
function arity(method, params, args) {
  if (args.length > params.length) {
    const list = params.length ? ` (${params.join(", ")})` : "";
    throw new Error(`${method}: takes ${params.length} argument(s)${list}, got ${args.length}`);
  }
}

/** The loaded playground: makes clusters. Get it from {@link load}. */
export class Playground {
  /** @type {Core} */
  #core;

  static {
    guardReceivers(this.prototype, "Playground", "pg", (obj) => #core in obj);
  }

  /**
   * @param {symbol} token INTERNAL: only the module makes one
   * @param {Core} core
   */
  constructor(token, core) {
    internal(token, "Playground", "load()");
    this.#core = core;
    /** The API version, e.g. "0.2.0+d4da925c0a1b". @type {string} */
    this.version = core.api.version;
    readOnly(this, "version");
  }

  /** Whether the WebAssembly program has exited; every call then throws. */
  get exited() {
    return this.#core.exited;
  }

  /**
   * Makes a simulated cluster at virtual time 0.
   *
   * @param {ClusterOptions} [opts] see the README; every key is optional.
   *   The same options and the same calls give the same run.
   * @returns {Cluster}
   * @throws {Error} on bad options
   */
  createCluster(...args) {
    arity("createCluster", ["opts"], args);
    return new Cluster(INTERNAL, this.#core, call(this.#core, "createCluster", args));
  }

  /**
   * Reads a scenario (docs/scenarios.md) and makes the cluster it runs
   * on, at virtual time 0 before its first step.
   *
   * @param {string} text the scenario, at most 65536 bytes, taking at most
   *   an hour of virtual time
   * @returns {ScenarioRun}
   * @throws {Error} when it does not read; the Error's line and column say
   *   where
   */
  loadScenario(...args) {
    arity("loadScenario", ["text"], args);
    const { id, steps } = call(this.#core, "loadScenario", args);
    let invoke;
    const cluster = new Cluster(INTERNAL, this.#core, id, (fn) => {
      invoke = fn;
    });
    return new ScenarioRun(INTERNAL, cluster, steps, invoke);
  }

  /**
   * Runs a tour (a scenario cut into steps by its step lines,
   * docs/scenarios.md "Tours") to its end on a new cluster. Each step has
   * its moment: the cluster sought there (cluster.seek(at_ns / 1e6))
   * shows that step. Throws like loadScenario, and when the text is not a
   * tour or a step's expectation fails.
   *
   * @param {string} text
   * @returns {{cluster: Cluster, steps: TourStep[]}}
   */
  loadTour(...args) {
    arity("loadTour", ["text"], args);
    const { id, steps } = call(this.#core, "loadTour", args);
    return { cluster: new Cluster(INTERNAL, this.#core, id), steps };
  }

  /**
   * The experiments createExperiment knows ("election", "pipelining").
   *
   * @returns {string[]}
   */
  experimentNames(...args) {
    arity("experimentNames", [], args);
    return call(this.#core, "experimentNames", args);
  }

  /**
   * Starts an experiment (docs/experiments.md); no trial runs until its
   * step. At most 4 live at once.
   *
   * @param {string} name one of experimentNames()
   * @param {ExperimentOptions} [opts] seed (1), trials per configuration
   *   (the experiment's default), preVote (false), capMs (election: 10000),
   *   latencyMinMs and latencyMaxMs (election: 6 and 9), unevenLogs
   *   (election: false), measureMs (pipelining: 2000)
   * @returns {Experiment}
   * @throws {Error} on a bad name or options
   */
  createExperiment(...args) {
    arity("createExperiment", ["name", "opts"], args);
    const id = call(this.#core, "createExperiment", args);
    return new Experiment(INTERNAL, this.#core, id, args[0]);
  }
}

/**
 * An experiment under way: each step runs a few more trials, so that no
 * call runs long; progress, result and csv may be read between steps. The
 * numbers depend only on the name and options, not on how the run is cut
 * into steps, and are the native cmd/experiment's to the last digit.
 */
export class Experiment {
  /** @type {Core} */
  #core;

  static {
    guardReceivers(this.prototype, "Experiment", "experiment", (obj) => #core in obj);
  }

  /**
   * @param {symbol} token INTERNAL: only the module makes one
   * @param {Core} core
   * @param {number} id the experiment's id in the WebAssembly instance
   * @param {string} name
   */
  constructor(token, core, id, name) {
    internal(token, "Experiment", "pg.createExperiment()");
    this.#core = core;
    /** The experiment's id in the WebAssembly instance. @type {number} */
    this.id = id;
    /** The experiment's name. @type {string} */
    this.name = name;
    readOnly(this, "id", "name");
  }

  /**
   * Runs a method of this experiment with its id first.
   *
   * @param {string} name the method the caller called, which errors name
   * @param {string} method the Go API's method
   * @param {string[]} params
   * @param {unknown[]} args
   */
  #call(name, method, params, args) {
    arity(name, params, args);
    return call(this.#core, method, [this.id, ...args], name);
  }

  /**
   * Runs up to maxTrials more trials: 1 to 20 for "election", 1 for
   * "pipelining" (a trial of it can take a good part of a second).
   *
   * @param {number} maxTrials
   * @returns {ExperimentProgress}
   */
  step(...args) {
    return this.#call("step", "experimentStep", ["maxTrials"], args);
  }

  /** @returns {ExperimentProgress} */
  progress(...args) {
    return this.#call("progress", "experimentProgress", [], args);
  }

  /**
   * The result so far: summaries per configuration and the plots; with
   * trials true also every trial's values.
   *
   * @param {boolean} [trials]
   * @returns {ExperimentResult}
   */
  result(...args) {
    return this.#call("result", "experimentResult", ["trials"], args);
  }

  /**
   * The trials so far as CSV: a header, then one row per trial.
   *
   * @returns {string}
   */
  csv(...args) {
    return this.#call("csv", "experimentCSV", [], args);
  }

  /** Forgets the experiment; later calls on it throw. */
  destroy(...args) {
    this.#call("destroy", "destroyExperiment", [], args);
  }
}

/**
 * A scenario running on a cluster. The cluster is an ordinary one: every
 * method works on it between steps (and is recorded like any other).
 */
export class ScenarioRun {
  /** Calls a method of the cluster. @type {Function} */
  #invoke;

  static {
    guardReceivers(this.prototype, "ScenarioRun", "run", (obj) => #invoke in obj);
  }

  /**
   * @param {symbol} token INTERNAL: only the module makes one
   * @param {Cluster} cluster
   * @param {number} steps
   * @param {Function} invoke runs a method of the cluster: (name,
   *   method, params, args), name being the one errors give
   */
  constructor(token, cluster, steps, invoke) {
    internal(token, "ScenarioRun", "pg.loadScenario()");
    /** The cluster the scenario runs on. @type {Cluster} */
    this.cluster = cluster;
    /** How many steps (timed instructions) the scenario has. @type {number} */
    this.steps = steps;
    readOnly(this, "cluster", "steps");
    this.#invoke = invoke;
  }

  /**
   * Runs the next step: waits for its timing, then acts. A step that
   * cannot be carried out ends the run; progress.error says which and why.
   *
   * @returns {ScenarioProgress}
   */
  step(...args) {
    return this.#invoke("step", "scenarioStep", [], args);
  }

  /**
   * Runs every remaining step (or up to the one that fails).
   *
   * @returns {ScenarioProgress}
   */
  runToEnd(...args) {
    return this.#invoke("runToEnd", "scenarioRun", [], args);
  }

  /**
   * The expectations checked so far: line, expect, pass, observed, at_ns.
   *
   * @returns {ScenarioOutcome[]}
   */
  outcomes(...args) {
    return this.#invoke("outcomes", "scenarioOutcomes", [], args);
  }

  /**
   * The say lines reached so far: line, at_ns, text.
   *
   * @returns {NarrationLine[]}
   */
  narration(...args) {
    return this.#invoke("narration", "scenarioNarration", [], args);
  }

  /**
   * The digest of the cluster's whole trace so far: FNV-1a (128 bits, 32
   * hex digits) of its events as JSON lines, the lines
   * `go run ./cmd/scenario -trace FILE` writes. After runToEnd() it is what
   * `go run ./cmd/scenario -digest` prints for the same scenario, on any
   * platform. Calls made on the cluster are traced too.
   *
   * @returns {string}
   */
  traceDigest(...args) {
    return this.#invoke("traceDigest", "scenarioDigest", [], args);
  }
}

/** The most steps one runUntil may take (each a run and a status). */
const MAX_RUN_UNTIL_STEPS = 1_000_000;

/**
 * Reads an options object the way the Go side reads one: undefined or null
 * for none; otherwise a plain object (not a Date, a Map or a class's
 * instance) whose own enumerable keys are among keys, read without calling
 * a getter; its undefined members are left out.
 *
 * @param {string} name the method, which errors name
 * @param {unknown} opts
 * @param {string[]} keys
 * @param {string} example a valid object, for messages
 * @param {string} [param] the parameter's name, for messages
 * @returns {Record<string, unknown>}
 */
function readOptions(name, opts, keys, example, param = "opts") {
  if (opts === undefined || opts === null) {
    return {};
  }
  let entries;
  try {
    entries = ownEntries(opts);
  } catch (err) {
    throw new Error(`${name}: cannot read ${param}: it threw ${thrownText(err)}`, { cause: err });
  }
  if (entries === null) {
    throw new Error(`${name}: ${param} must be a plain object like ${example}, got ${describe(opts)}`);
  }
  const out = {};
  for (const [key, desc] of entries) {
    if (!keys.includes(key)) {
      throw new Error(`${name}: ${param} has an unknown key ${describe(key)} (keys are ${keys.join(", ")})`);
    }
    if (!("value" in desc)) {
      throw new Error(`${name}: cannot read ${param}: property ${describe(key)}: it is a getter; only plain data properties are accepted`);
    }
    if (desc.value !== undefined) {
      out[key] = desc.value;
    }
  }
  return out;
}

/**
 * The own enumerable string keys of a plain object with their property
 * descriptors, or null when v is not a plain object (its prototype is
 * neither null nor an Object.prototype). May throw: v may be a Proxy.
 *
 * @param {unknown} v
 * @returns {?Array<[string, PropertyDescriptor]>}
 */
function ownEntries(v) {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    return null;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== null && Object.getPrototypeOf(proto) !== null) {
    return null;
  }
  const entries = [];
  for (const key of Object.keys(v)) {
    const desc = Object.getOwnPropertyDescriptor(v, key);
    if (desc) {
      entries.push([key, desc]);
    }
  }
  return entries;
}

/**
 * Describes a thrown value without letting it throw again (its message
 * may be a getter, it may be a Proxy).
 *
 * @param {unknown} err
 * @returns {string}
 */
function thrownText(err) {
  try {
    if (err instanceof Error && typeof err.message === "string") {
      return `an Error: ${err.message}`;
    }
  } catch {
    return "an Error";
  }
  return describe(err);
}

/** The kinds of event a cluster's listeners can subscribe to. */
const EVENT_KINDS = ["role", "commit", "fault", "violation", "*"];

/**
 * How many times in a row the events that listeners' own calls caused are
 * handed on within one call (see Cluster's dispatch).
 */
const MAX_DISPATCH_ROUNDS = 1000;

/**
 * Reports an error that must not break the call in progress, as
 * EventTarget reports a listener's.
 *
 * @param {unknown} err
 */
function report(err) {
  try {
    if (typeof globalThis.reportError === "function") {
      globalThis.reportError(err);
    } else {
      console.error(err);
    }
  } catch {
    // A reportError that throws must not break the call either, nor keep
    // the other listeners from their events.
  }
}

/** One simulated cluster. Nodes are numbered 1 to nodes. */
export class Cluster {
  /** @type {Core} */
  #core;

  static {
    guardReceivers(this.prototype, "Cluster", "cluster", (obj) => #core in obj);
  }
  /** Listeners by kind. @type {Map<string, Set<Function>>} */
  #listeners = new Map();
  /**
   * Whether the listeners are being called: a call a listener makes leaves
   * its events to the loop already running, so that every listener sees
   * the events in the order they happened.
   */
  #dispatching = false;

  /**
   * @param {symbol} token INTERNAL: only the module makes one
   * @param {Core} core
   * @param {number} id the cluster's id
   * @param {(invoke: Function) => void} [expose] is handed the function
   *   that runs this cluster's methods (for its ScenarioRun)
   */
  constructor(token, core, id, expose) {
    internal(token, "Cluster", "pg.createCluster(), pg.loadScenario(), pg.loadTour() or cluster.seek()");
    this.#core = core;
    /** The cluster's id in the WebAssembly instance. @type {number} */
    this.id = id;
    readOnly(this, "id");
    expose?.((name, method, params, args) => this.#call(method, params, args, name));
  }

  /**
   * Runs a method of this cluster: checks the arity, calls the Go side with
   * the id first, then tells the listeners what happened.
   *
   * @param {string} method the Go API's method
   * @param {string[]} params
   * @param {unknown[]} args
   * @param {string} [name] the method the caller called, which errors name
   */
  #call(method, params, args, name = method) {
    arity(name, params, args);
    try {
      return call(this.#core, method, [this.id, ...args], name);
    } finally {
      this.#dispatch();
    }
  }

  /**
   * Hands the events collected since the last call to the listeners. The
   * calls listeners make add events, which the loop hands on in turn, up to
   * MAX_DISPATCH_ROUNDS rounds: listeners that keep causing events (each
   * runs the cluster again) would otherwise never let the call return, so
   * the rest wait, kept by the cluster, for the next call.
   */
  #dispatch() {
    if (this.#dispatching) {
      return; // the running loop drains these events next
    }
    this.#dispatching = true;
    try {
      for (let round = 0; this.#listeners.size > 0 && !this.#core.exited; round++) {
        if (round === MAX_DISPATCH_ROUNDS) {
          report(new Error(`on: the listeners' own calls caused events ${MAX_DISPATCH_ROUNDS} times in a row; the rest are handed on after the next call`));
          return;
        }
        const events = this.#drain();
        if (events.length === 0) {
          return;
        }
        for (const ev of events) {
          this.#deliver(ev);
        }
      }
    } finally {
      this.#dispatching = false;
    }
  }

  /**
   * Takes the events the cluster collected, a "missed" event first when it
   * had to drop some; none when the cluster is gone.
   *
   * @returns {ClusterEvent[]}
   */
  #drain() {
    let drained;
    try {
      drained = call(this.#core, "events", [this.id]);
    } catch {
      return []; // the cluster is gone (destroyed, or a panic destroyed it)
    }
    const events = drained.events;
    if (drained.missed > 0) {
      events.unshift({ kind: "missed", at_ns: events[0]?.at_ns ?? 0, node: 0, count: drained.missed });
    }
    return events;
  }

  /**
   * Calls the listeners of ev's kind, then those of "*", as EventTarget
   * does: a listener subscribed while ev is handed on hears from the next
   * event (one that subscribes itself again would otherwise be called for
   * ev forever), and one unsubscribed meanwhile is not called.
   *
   * @param {ClusterEvent} ev
   */
  #deliver(ev) {
    for (const kind of [ev.kind, "*"]) {
      for (const listener of [...(this.#listeners.get(kind) ?? [])]) {
        if (!this.#listeners.get(kind)?.has(listener)) {
          continue;
        }
        try {
          listener(ev);
        } catch (err) {
          // A listener's error is reported, as EventTarget does, and
          // never breaks the call that produced the event.
          report(err);
        }
      }
    }
  }

  /**
   * Subscribes to events: "role" (a node changed role or term), "commit" (a
   * node's commit index rose; seen after each call), "fault" (a crash,
   * restart, link change, partition, held or released message, transfer,
   * membership change), "violation" (a safety checker fired), or "*" for
   * all. Listeners run after the call that caused the events returns.
   *
   * @param {"role" | "commit" | "fault" | "violation" | "*"} kind
   * @param {(event: ClusterEvent) => void} listener
   * @returns {() => void} unsubscribes (calling it again does nothing)
   */
  on(...args) {
    arity("on", ["kind", "listener"], args);
    const [kind, listener] = args;
    if (typeof kind !== "string" || !EVENT_KINDS.includes(kind)) {
      throw new Error(`on: kind must be one of ${EVENT_KINDS.map((k) => JSON.stringify(k)).join(", ")}, got ${describe(kind)}`);
    }
    if (typeof listener !== "function") {
      throw new Error(`on: listener must be a function, got ${describe(listener)}`);
    }
    if (this.#listeners.size === 0) {
      call(this.#core, "watch", [this.id, true], "on");
    }
    if (!this.#listeners.has(kind)) {
      this.#listeners.set(kind, new Set());
    }
    // A wrapper, so that the same function subscribed twice is two subscriptions.
    const entry = (ev) => listener(ev);
    this.#listeners.get(kind).add(entry);
    return () => {
      const set = this.#listeners.get(kind);
      if (!set?.delete(entry)) {
        return;
      }
      if (set.size === 0) {
        this.#listeners.delete(kind);
      }
      if (this.#listeners.size === 0 && !this.#core.exited) {
        try {
          call(this.#core, "watch", [this.id, false]);
        } catch {
          // the cluster is gone: nothing is watched any more
        }
      }
    };
  }

  /**
   * Advances virtual time.
   *
   * @param {number} ms milliseconds of virtual time, 0 to 600000 per call
   * @returns {number} the new virtual time in milliseconds
   */
  run(...args) {
    return this.#call("run", ["ms"], args);
  }

  /**
   * Runs in steps until predicate(status) holds, for at most maxMs of
   * virtual time (the cluster's: a predicate that runs it counts too).
   *
   * @param {(status: object) => boolean} predicate
   * @param {?{maxMs?: number, stepMs?: number}} [opts] maxMs 0 to 1e9
   *   (default 10000), stepMs 0.000001 to 600000 (default 10), at most
   *   MAX_RUN_UNTIL_STEPS steps
   * @returns {boolean} whether the predicate held (false: maxMs ran out)
   */
  runUntil(...args) {
    arity("runUntil", ["predicate", "opts"], args);
    const [predicate, opts] = args;
    if (typeof predicate !== "function") {
      throw new Error(`runUntil: predicate must be a function of the status, got ${describe(predicate)}`);
    }
    const { maxMs = 10_000, stepMs = 10 } = readOptions("runUntil", opts, ["maxMs", "stepMs"], "{maxMs: 10000, stepMs: 10}");
    if (typeof maxMs !== "number" || !(maxMs >= 0 && maxMs <= 1e9)) {
      throw new Error(`runUntil: opts.maxMs must be a number of milliseconds between 0 and 1e9, got ${describe(maxMs)}`);
    }
    // A step runs as one call of run, which takes at most 600000 ms, and
    // must move time (run counts whole nanoseconds).
    if (typeof stepMs !== "number" || !(stepMs >= 1e-6 && stepMs <= 600_000)) {
      throw new Error(`runUntil: opts.stepMs must be a number of milliseconds between 0.000001 and 600000, got ${describe(stepMs)}`);
    }
    const steps = Math.ceil(maxMs / stepMs);
    if (steps > MAX_RUN_UNTIL_STEPS) {
      throw new Error(`runUntil: opts.maxMs / opts.stepMs is ${steps} steps, more than the ${MAX_RUN_UNTIL_STEPS} one call may take; take longer steps`);
    }
    // Whole nanoseconds, so that the steps add up to maxMs exactly; the
    // time is the cluster's, so a predicate that runs the cluster itself
    // counts too.
    const stepNs = Math.round(stepMs * 1e6);
    let status = this.#call("status", [], [], "runUntil");
    const endNs = status.now_ns + Math.round(maxMs * 1e6);
    for (;;) {
      if (predicate(status)) {
        return true;
      }
      if (status.now_ns >= endNs) {
        return false;
      }
      this.#call("run", ["ms"], [Math.min(stepNs, endNs - status.now_ns) / 1e6], "runUntil");
      status = this.#call("status", [], [], "runUntil");
    }
  }


  /**
   * Crashes a node: it loses everything but its disk.
   *
   * @param {number} node the node's id
   */
  crash(...args) {
    this.#call("crash", ["node"], args);
  }

  /**
   * Restarts a crashed node from its disk.
   *
   * @param {number} node the node's id
   */
  restart(...args) {
    this.#call("restart", ["node"], args);
  }

  /**
   * Cuts the directed link from → to (messages on it are lost).
   *
   * @param {number} from
   * @param {number} to
   */
  cut(...args) {
    this.#call("cut", ["from", "to"], args);
  }

  /**
   * Heals the directed link from → to.
   *
   * @param {number} from
   * @param {number} to
   */
  heal(...args) {
    this.#call("heal", ["from", "to"], args);
  }

  /**
   * Changes the directed link from → to; what config leaves out stays.
   *
   * @param {number} from
   * @param {number} to
   * @param {LinkConfig} config
   */
  setLink(...args) {
    this.#call("setLink", ["from", "to", "config"], args);
  }

  /**
   * Cuts every link between different groups, both ways, and heals the
   * links inside each group; nodes in no group are isolated.
   *
   * @param {number[][]} groups e.g. [[1, 2], [3, 4, 5]]
   */
  partition(...args) {
    this.#call("partition", ["groups"], args);
  }

  /**
   * Cuts every link to and from a node.
   *
   * @param {number} node
   */
  isolate(...args) {
    this.#call("isolate", ["node"], args);
  }

  /** Brings every link up (latency, loss and delays stay as set). */
  healAll(...args) {
    this.#call("healAll", [], args);
  }

  /**
   * Gives every response a node sends up to ms of extra latency.
   *
   * @param {number} node
   * @param {number} ms 0 to 60000
   */
  setResponseDelay(...args) {
    this.#call("setResponseDelay", ["node", "ms"], args);
  }

  /**
   * The messages in flight, oldest first.
   *
   * @returns {WireMessage[]}
   */
  messages(...args) {
    return this.#call("messages", [], args);
  }

  /**
   * Keeps a message in flight on the wire until it is released.
   *
   * @param {number} msg its id (from messages())
   */
  hold(...args) {
    this.#call("hold", ["msg"], args);
  }

  /**
   * Lets a held message go on; it arrives at its original time, or now if
   * that has passed.
   *
   * @param {number} msg
   */
  release(...args) {
    this.#call("release", ["msg"], args);
  }

  /**
   * Removes a message from the wire.
   *
   * @param {number} msg
   */
  drop(...args) {
    this.#call("drop", ["msg"], args);
  }

  /**
   * Puts a second copy of a message on the wire.
   *
   * @param {number} msg
   * @returns {number} the copy's id
   */
  duplicate(...args) {
    return this.#call("duplicate", ["msg"], args);
  }

  /**
   * Hands a command to the current leader.
   *
   * @param {string} command at most 65536 bytes
   * @returns {Proposal} the leader that took it and the log index and term
   *   it was given
   * @throws {Error} when there is no leader
   */
  propose(...args) {
    return this.#call("propose", ["command"], args);
  }

  /**
   * Hands a command to one node, which fails unless it leads.
   *
   * @param {number} node
   * @param {string} command
   * @returns {Proposal}
   */
  proposeTo(...args) {
    return this.#call("proposeTo", ["node", "command"], args);
  }

  /**
   * Asks the leader to hand leadership to a node (0 or nothing: the most
   * up-to-date voter).
   *
   * @param {number} [to]
   */
  transferLeadership(...args) {
    this.#call("transferLeadership", ["to"], args);
  }

  /**
   * Asks the leader to move to a new configuration.
   *
   * @param {number[]} voters
   * @param {number[]} [learners]
   */
  changePeers(...args) {
    this.#call("changePeers", ["voters", "learners"], args);
  }

  /**
   * A snapshot of the whole cluster: now_ns, seed, leader (0 for none),
   * nodes (id, role, term, up, commit_index, last_index, replicators, …),
   * cut links, the messages in flight, the number of trace events, and the
   * violation that stopped the run, if any.
   *
   * @returns {ClusterStatus}
   */
  status(...args) {
    return this.#call("status", [], args);
  }

  /**
   * The most recent trace events (the world keeps 256), oldest first.
   *
   * @returns {TraceEvent[]}
   */
  trace(...args) {
    return this.#call("trace", [], args);
  }

  /**
   * Every client call so far, as the linearizability checker sees it.
   *
   * @returns {HistoryOp[]}
   */
  history(...args) {
    return this.#call("history", [], args);
  }

  /**
   * What was done to the cluster from outside, in order, with its virtual
   * time: what seek replays.
   *
   * @returns {Intervention[]}
   */
  interventions(...args) {
    return this.#call("interventions", [], args);
  }

  /**
   * The safety violation that stopped the run, or null.
   *
   * @returns {?Violation}
   */
  violation(...args) {
    return this.#call("violation", [], args);
  }

  /**
   * A new cluster: this one as it was at virtual time ms. Acting on it
   * forks the run; this cluster is left as it is.
   *
   * @param {number} ms 0 to the current virtual time
   * @returns {Cluster}
   */
  seek(...args) {
    return new Cluster(INTERNAL, this.#core, this.#call("seek", ["ms"], args));
  }

  /**
   * Handles the next event (one delivery, timer or disk write), moving
   * virtual time to it.
   *
   * @returns {StepResult} whether an event was pending, the time, and how
   *   many events were handled since time 0, and when the next is due
   */
  step(...args) {
    return this.#call("step", [], args);
  }

  /**
   * A client call by hand: puts value under key. Like the workload's
   * clients it follows redirects and retries; its outcome goes into the
   * history, which the linearizability checker checks.
   *
   * @param {string} key 1 to 1024 bytes
   * @param {string} value at most 1024 bytes
   * @param {{via?: number}} [opts] the node it is sent to first (default:
   *   the leader now)
   * @returns {number} the call's id, for call(id)
   */
  put(...args) {
    return this.#call("put", ["key", "value", "opts"], args);
  }

  /**
   * A client call by hand: appends value to key's value. See put.
   *
   * @param {string} key
   * @param {string} value
   * @param {{via?: number}} [opts]
   * @returns {number} the call's id
   */
  append(...args) {
    return this.#call("append", ["key", "value", "opts"], args);
  }

  /**
   * A client call by hand: reads key (through the log, or ReadIndex when
   * the cluster reads that way). See put.
   *
   * @param {string} key
   * @param {{via?: number}} [opts]
   * @returns {number} the call's id
   */
  get(...args) {
    return this.#call("get", ["key", "opts"], args);
  }

  /**
   * A hand call's outcome so far: done, the value read, the log index
   * that answered, call and return times.
   *
   * @param {number} call the id put, append or get returned
   * @returns {HistoryOp}
   */
  call(...args) {
    return this.#call("call", ["call"], args);
  }

  /**
   * Makes a node compact its log now, up to what it applied.
   *
   * @param {number} node
   */
  snapshot(...args) {
    this.#call("snapshot", ["node"], args);
  }

  /**
   * Writes a text into the trace in a node's name; recorded like any
   * intervention, so a replay writes it too.
   *
   * @param {number} node
   * @param {string} text at most 1024 bytes
   */
  note(...args) {
    this.#call("note", ["node", "text"], args);
  }

  /**
   * The last entries of a node's log after its snapshot (its disk when it
   * is down).
   *
   * @param {number} node
   * @param {number} [last] how many, 0 to 1000 (default 100)
   * @returns {NodeLog} total, and entries {index, term, type}
   */
  log(...args) {
    return this.#call("log", ["node", "last"], args);
  }

  /**
   * A node's key-value store as it applied it (empty while it is down).
   *
   * @param {number} node
   * @returns {NodeKV} total keys, and data: the first 1000 keys, values
   *   cut to 4096 bytes
   */
  kv(...args) {
    return this.#call("kv", ["node"], args);
  }

  /**
   * The run so far written as a scenario: the settings, every
   * intervention at its virtual time, and a last step to now. Loading it
   * (pg.loadScenario) and running it to its end replays the run.
   *
   * @returns {string} at most 65536 bytes
   */
  scenario(...args) {
    return this.#call("scenario", [], args);
  }

  /**
   * What moves, for drawing: nodes on a ring (x, y in the unit square,
   * role, term, timer and the fraction of it left), the directed links
   * (cut or not), and the messages with where they are and how far along.
   *
   * @param {number} [fadeMs] how long an ended message stays in the scene
   *   (0 to 60000, default 0), its fade falling from 1 to 0
   * @returns {Scene}
   */
  scene(...args) {
    return this.#call("scene", ["fadeMs"], args);
  }

  /**
   * The last windowMs of virtual time as a space-time diagram: each node's
   * roles as spans, each message as an arrow.
   *
   * @param {number} windowMs 0 to 600000
   * @returns {SpaceTime}
   */
  spaceTime(...args) {
    return this.#call("spaceTime", ["windowMs"], args);
  }

  /** Destroys the cluster; its methods throw afterwards. */
  destroy(...args) {
    this.#call("destroyCluster", [], args, "destroy");
    this.#listeners.clear();
  }
}

/** Passed to the handles' constructors, which only this module may call. */
const INTERNAL = Symbol("raft-playground internal");

/**
 * Refuses a handle made with new from outside the module: it would have
 * no instance to call.
 *
 * @param {unknown} token
 * @param {string} className
 * @param {string} maker what makes one
 */
function internal(token, className, maker) {
  if (token !== INTERNAL) {
    throw new TypeError(`${className}: made by ${maker}, not with new`);
  }
}

/** Reflect.apply as the module found it: a page may replace it later. */
const apply = Reflect.apply;

/**
 * Wraps every method of a class's prototype so that one called on anything
 * but an instance (taken off its object: const {run} = cluster; run(5))
 * throws a TypeError naming the method, rather than JavaScript's own
 * message about a private field.
 *
 * @param {object} proto the class's prototype
 * @param {string} className
 * @param {string} example how an instance is called in the message
 * @param {(obj: object) => boolean} isInstance a brand check
 */
function guardReceivers(proto, className, example, isInstance) {
  for (const name of Object.getOwnPropertyNames(proto)) {
    const desc = Object.getOwnPropertyDescriptor(proto, name);
    if (name === "constructor" || typeof desc.value !== "function") {
      continue;
    }
    const method = desc.value;
    const article = /^[AEIOU]/.test(className) ? "an" : "a";
    const wrapped = {
      [name](...args) {
        if (this === null || (typeof this !== "object" && typeof this !== "function") || !isInstance(this)) {
          throw new TypeError(`${name}: called on ${describe(this)}, not on ${article} ${className}; call it as ${example}.${name}(...) or bind it`);
        }
        return apply(method, this, args);
      },
    }[name];
    Object.defineProperty(proto, name, { ...desc, value: wrapped });
  }
}

/**
 * Makes a handle's own properties read-only, as the declarations say: a
 * handle whose id was overwritten would act on another cluster.
 *
 * @param {object} obj
 * @param {...string} keys
 */
function readOnly(obj, ...keys) {
  for (const key of keys) {
    Object.defineProperty(obj, key, { writable: false, configurable: false });
  }
}

/**
 * Names a value in an error message without running any of its code.
 *
 * @param {unknown} v
 * @returns {string}
 */
function describe(v) {
  switch (typeof v) {
    case "string":
      return v.length > 40 ? `${JSON.stringify(v.slice(0, 40))}…` : JSON.stringify(v);
    case "bigint":
      return "a bigint";
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
    case "object":
      if (v === null) {
        return "null";
      }
      try {
        return Array.isArray(v) ? "an array" : "an object";
      } catch {
        return "a revoked Proxy";
      }
    default:
      return String(v);
  }
}
