// Types of the Raft Playground's JavaScript API (static/raft-playground.js).
// Times in answers are nanoseconds of virtual time (fields ending in _ns);
// times in arguments are milliseconds. Every method throws an Error naming
// the method and the argument on bad input; the instance survives it.

/** Options of {@link load}. */
export interface LoadOptions {
  /** Where the WebAssembly is: a URL, or in Node.js also a file path. */
  wasm?: string | URL;
  /**
   * Called as the WebAssembly downloads (in a browser): bytes received so
   * far, and the total, or null when the server does not say.
   */
  onProgress?: (received: number, total: number | null) => void;
}

/**
 * Loads the playground once per JavaScript realm; later calls return the
 * same Playground.
 */
export function load(options?: LoadOptions): Promise<Playground>;

/** Options of {@link Playground.createCluster}; every key is optional. */
export interface ClusterOptions {
  /** 1 to 9 nodes (default 5). */
  nodes?: number;
  /** A non-negative integer (default 1): the same seed and calls give the same run. */
  seed?: number;
  /** Pre-vote (default true). */
  preVote?: boolean;
  /** Applied entries a node keeps before it compacts its log (default 1000). */
  snapshotEvery?: number;
  /** ms, at least 10 (default 300): a follower times out at a random time in [electionTimeout, electionTimeoutMax). */
  electionTimeout?: number;
  /** ms, at least electionTimeout (default twice it); equal to it fixes the timeout. */
  electionTimeoutMax?: number;
  /** ms, less than electionTimeout (default 60). */
  heartbeatInterval?: number;
  /** Every link's one-way latency range, ms (default 10 to 15). */
  latencyMin?: number;
  latencyMax?: number;
  /** Every link's loss, duplication and reordering probabilities (default 0). */
  loss?: number;
  duplicate?: number;
  reorder?: number;
  /** How long a disk write takes to sync, ms (default 0); a crash loses unsynced writes. */
  diskLatency?: number;
}

/** What {@link Cluster.setLink} changes on a directed link; left-out keys stay. */
export interface LinkConfig {
  up?: boolean;
  /** ms */
  latencyMin?: number;
  /** ms */
  latencyMax?: number;
  loss?: number;
  duplicate?: number;
  reorder?: number;
  /** Most extra latency on responses, ms. */
  responseDelay?: number;
  /** Probability that a reply is late. */
  lateReplies?: number;
}

/** The answer to a proposal. */
export interface Proposal {
  leader: number;
  index: number;
  term: number;
}

/** One node as status() shows it (the core's Status, plus up). */
export interface NodeStatus {
  id: number;
  role: "follower" | "precandidate" | "candidate" | "leader";
  term: number;
  vote: number;
  leader: number;
  first_index: number;
  last_index: number;
  last_log_term: number;
  stable_index: number;
  commit_index: number;
  applied_index: number;
  snapshot_index: number;
  snapshot_term: number;
  election_due_ns: number;
  conf: { voters: number[] | null; [key: string]: unknown };
  replicators?: ReplicatorStatus[];
  up: boolean;
  applied_count: number;
  /** Further fields: ballot box, membership change, transfer, reads. */
  [key: string]: unknown;
}

/** A leader's replicator for one peer. */
export interface ReplicatorStatus {
  peer: number;
  state: "Probe" | "Replicate" | "Snapshot";
  next_index: number;
  match_index: number;
  inflights: unknown[] | null;
  seq: number;
  required_next_seq: number;
  version: number;
  pending_responses: number[] | null;
  consecutive_errors: number;
  blocked_until_ns: number;
  heartbeat_due_ns: number;
  timeout_now_index: number;
  [key: string]: unknown;
}

/** One message in flight. */
export interface WireMessage {
  id: number;
  held?: boolean;
  type: string;
  from: number;
  to: number;
  sent_ns: number;
  arrive_ns: number;
  entries: number;
  summary: string;
}

/** A snapshot of a whole cluster. */
export interface ClusterStatus {
  now_ns: number;
  seed: number;
  /** 0 for none. */
  leader: number;
  nodes: NodeStatus[];
  /** The links that are down. */
  cut: { from: number; to: number }[];
  /** The messages in flight, oldest first. */
  wire: WireMessage[];
  /** The number of trace events so far. */
  events: number;
  /** The safety violation that stopped the run, if any. */
  violation?: string;
}

/** One trace event. */
export interface TraceEvent {
  n: number;
  at_ns: number;
  kind:
    | "world" | "send" | "deliver" | "drop" | "duplicate" | "rpc-error" | "persist" | "apply"
    | "role" | "replicator" | "timer" | "fault" | "client" | "error" | "violation";
  node: number;
  text: string;
}

/** One client call, as the linearizability checker sees it. */
export interface HistoryOp {
  client: number;
  seq: number;
  op: "put" | "append" | "get";
  key: string;
  value: string;
  call_ns: number;
  return_ns: number;
  done: boolean;
  index: number;
}

/** One thing done to a cluster from outside. */
export interface Intervention {
  at_ns: number;
  kind: string;
  node?: number;
  from?: number;
  to?: number;
  link?: Record<string, unknown>;
  groups?: number[][];
  delay_ns?: number;
  msg?: number;
  data?: string;
  voters?: number[];
  learners?: number[];
}

/** A broken safety property; it stopped the run. */
export interface Violation {
  seed: number;
  event: number;
  at_ns: number;
  property: string;
  check: string;
  detail: string;
}

/** The kinds {@link Cluster.on} subscribes to. */
export type EventKind = "role" | "commit" | "fault" | "violation" | "*";

/** An event a listener gets. */
export type ClusterEvent =
  | { kind: "role" | "fault" | "violation"; n: number; at_ns: number; node: number; text: string }
  | { kind: "commit"; at_ns: number; node: number; index: number }
  | { kind: "missed"; at_ns: number; node: 0; count: number };

/** What {@link Cluster.step} answers. */
export interface StepResult {
  /** False when no event was pending (or a violation stopped the run). */
  stepped: boolean;
  now_ns: number;
  /** Events handled since time 0. */
  handled: number;
  /** When the next event is due; null when none is pending. */
  next_ns: number | null;
}

/** Options of a hand client call. */
export interface ClientCallOptions {
  /** The node the call is sent to first (default: the leader now). */
  via?: number;
}

/** One entry of a node's log. */
export interface LogEntry {
  index: number;
  term: number;
  type: "normal" | "config";
}

/** What {@link Cluster.log} answers. */
export interface NodeLog {
  /** The entries the node holds after its snapshot. */
  total: number;
  /** The last of them (at most the number asked for), oldest first. */
  entries: LogEntry[];
}

/** What {@link Cluster.kv} answers. */
export interface NodeKV {
  /** How many keys the node holds. */
  total: number;
  /** The first 1000 keys in byte order; values cut to 4096 bytes (marked "…"). */
  data: Record<string, string>;
}

/** How a message's life ended, or that it has not. */
export type MessageOutcome = "in-flight" | "delivered" | "link-down" | "lost" | "receiver-down" | "late-reply" | "dropped";

/** One message's life, as the world records it. */
export interface MessageRecord {
  /** 0 for one that never got on the wire. */
  id: number;
  from: number;
  to: number;
  term: number;
  entries: number;
  sent_ns: number;
  arrive_ns: number;
  /** When its life ended; 0 while in flight. */
  end_ns: number;
  outcome: MessageOutcome;
  type: string;
  kind: "pre-vote" | "vote" | "append" | "heartbeat" | "probe" | "snapshot" | "timeout-now" | "read";
  response: boolean;
  /** A response that accepts (vote granted, entries appended). */
  success: boolean;
  held: boolean;
}

/** A node as drawn; x and y are in the unit square, (0, 0) top left. */
export interface SceneNode {
  id: number;
  x: number;
  y: number;
  up: boolean;
  role: NodeStatus["role"];
  term: number;
  vote: number;
  timer: "none" | "election" | "heartbeat";
  /** The fraction of the timer's period still to run (1 just reset, 0 due). */
  timer_left: number;
}

/** A message as drawn. */
export interface SceneMessage extends MessageRecord {
  x: number;
  y: number;
  /** 0 at the sender, 1 at the receiver. */
  progress: number;
  /** 1 on the wire; after its life ended it falls to 0 over fadeMs. */
  fade: number;
}

/** What {@link Cluster.scene} answers: everything that moves, now. */
export interface Scene {
  now_ns: number;
  leader: number;
  /** The radius nodes are drawn with, in the unit square. */
  node_radius: number;
  nodes: SceneNode[];
  links: { from: number; to: number; cut: boolean }[];
  messages: SceneMessage[];
}

/** What {@link Cluster.spaceTime} answers. */
export interface SpaceTime {
  from_ns: number;
  to_ns: number;
  /** Lanes: lane i is node i + 1. */
  nodes: number;
  /** A node in one role (or down) over [from_ns, to_ns). */
  spans: { node: number; up: boolean; role: NodeStatus["role"]; term: number; from_ns: number; to_ns: number }[];
  /** A message from (sent_ns, from's lane) to (until_ns, to's lane); ended: until_ns ends its life. */
  arrows: (MessageRecord & { until_ns: number; ended: boolean })[];
}

/** Where a scenario is. */
export interface ScenarioProgress {
  /** Every step ran, or one failed. */
  done: boolean;
  /** The index of the next step; steps counts them. */
  next: number;
  steps: number;
  /** The line of the last step that ran (0 before any). */
  line: number;
  now_ns: number;
  /** The step that could not be carried out, which ended the run. */
  error: { line: number; message: string } | null;
  /** Failed expectations so far. */
  failed: number;
}

/** One checked expectation. */
export interface ScenarioOutcome {
  line: number;
  at_ns: number;
  /** The expectation as written (canonical form). */
  expect: string;
  pass: boolean;
  /** What the world showed. */
  observed: string;
}

/** One say line reached. */
export interface NarrationLine {
  line: number;
  at_ns: number;
  text: string;
}

/** The Error loadScenario throws for a scenario that does not read. */
export interface ScenarioError extends Error {
  line: number;
  column: number;
}

/** A scenario running on a cluster. */
export class ScenarioRun {
  private constructor();
  /** The cluster it runs on; every method works on it between steps. */
  readonly cluster: Cluster;
  /** How many steps (timed instructions) it has. */
  readonly steps: number;
  step(): ScenarioProgress;
  runToEnd(): ScenarioProgress;
  outcomes(): ScenarioOutcome[];
  narration(): NarrationLine[];
  /**
   * The digest of the cluster's whole trace so far (FNV-1a, 128 bits, 32 hex
   * digits, of its events as the JSON lines `cmd/scenario -trace` writes):
   * after runToEnd() it is what `cmd/scenario -digest` prints for the same
   * scenario. Calls made on the cluster are traced too.
   */
  traceDigest(): string;
}

/** createExperiment's options; every key is optional. */
export interface ExperimentOptions {
  /** The seed that makes the run (default 1). */
  seed?: number;
  /** Trials per configuration, 1 to 10000 (default: the experiment's, 1000 for election, 3 for pipelining). */
  trials?: number;
  /** Run the nodes with pre-vote (default false, as the Raft paper's Figure 16). */
  preVote?: boolean;
  /** election: a trial without a new leader this long after the crash counts as capped (100 to 10000, default 10000). */
  capMs?: number;
  /** pipelining: how long a trial counts commits (100 to 2000, default 2000). */
  measureMs?: number;
  /** election: the least one-way link latency, ms (default 6; with latencyMaxMs). */
  latencyMinMs?: number;
  /** election: the most one-way link latency, ms, at most 1000 (default 9). */
  latencyMaxMs?: number;
  /** election: two followers miss the leader's last entry at the crash, as in the paper's worst case (default false). */
  unevenLogs?: boolean;
}

/** An experiment's progress. */
export interface ExperimentProgress {
  done: number;
  total: number;
  /** Every trial is made, or one failed (error says why). */
  finished: boolean;
  error?: string;
}

/** One configuration's summary: quantiles of the metric over its trials. */
export interface ExperimentSummary {
  /** What the quantiles measure, with its unit. */
  metric: string;
  count: number;
  /** Trials that hit their cap (no leader in time). */
  capped: number;
  /** election: the cap (ms); a capped trial counts as the cap, so a figure equal to it means "at least". */
  cap?: number;
  median: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** pipelining: commits per second. */
  rate?: number;
}

/** One trial: values named by ExperimentResult.columns. */
export interface ExperimentTrial {
  index: number;
  /** The trial's seed, a 64-bit integer in decimal (too large for a number). */
  seed: string;
  values: number[];
}

/** One configuration of an experiment (e.g. an election timeout range). */
export interface ExperimentConfig {
  label: string;
  params: number[];
  summary: ExperimentSummary;
  /** Empty unless result(true) asked for them. */
  trials: ExperimentTrial[];
}

/** A curve of a plot. */
export interface ExperimentSeries {
  label: string;
  x: number[];
  y: number[];
}

/** A plot of an experiment's result. */
export interface ExperimentPlot {
  title: string;
  x_label: string;
  y_label: string;
  series: ExperimentSeries[];
}

/** An experiment's result so far. */
export interface ExperimentResult {
  name: string;
  title: string;
  seed: number;
  pre_vote: boolean;
  /** Every option of the run, as the Go side names them (durations in ns). */
  options: {
    seed: number; trials: number; pre_vote: boolean; cap_ns?: number; measure_ns?: number;
    latency_min_ns?: number; latency_max_ns?: number; uneven_logs?: boolean;
  };
  /** Trials per configuration. */
  trials: number;
  done: number;
  total: number;
  /** Names of a trial's values. */
  columns: string[];
  configs: ExperimentConfig[];
  plots: ExperimentPlot[];
}

/** An experiment under way; see Playground.createExperiment. */
export class Experiment {
  private constructor();
  readonly id: number;
  readonly name: string;
  /** Runs up to maxTrials more trials (1 to 20 for election, 1 for pipelining). */
  step(maxTrials: number): ExperimentProgress;
  progress(): ExperimentProgress;
  result(trials?: boolean): ExperimentResult;
  csv(): string;
  destroy(): void;
}

/** The loaded playground: makes clusters. */
export class Playground {
  private constructor();
  /** The API version, e.g. "0.2.0+d4da925c0a1b". */
  readonly version: string;
  /** Whether the WebAssembly program has exited; every call then throws. */
  readonly exited: boolean;
  createCluster(opts?: ClusterOptions | null): Cluster;
  /** Throws a {@link ScenarioError} when the text does not read. At most 65536 bytes and an hour of virtual time. */
  loadScenario(text: string): ScenarioRun;
  /** The experiments createExperiment knows. */
  experimentNames(): string[];
  /** Starts an experiment; at most 4 live at once. */
  createExperiment(name: string, opts?: ExperimentOptions | null): Experiment;
  /** Runs a tour to its end; seek the cluster to a step's at_ns to show it. Throws like loadScenario. */
  loadTour(text: string): { cluster: Cluster; steps: TourStep[] };
}

/** One step of a tour (loadTour). */
export interface TourStep {
  line: number;
  title: string;
  /** Its say lines, and note lines as "n2: text". */
  narration: string[];
  /** The fields it points at, e.g. "replicator n1->n2 next-index". */
  highlights: string[];
  /** Its moment: seek there to show it. */
  at_ns: number;
}

/** One simulated cluster; nodes are numbered 1 to nodes. */
export class Cluster {
  private constructor();
  /** The cluster's id in the WebAssembly instance. */
  readonly id: number;
  /**
   * Subscribes a listener; returns the function that unsubscribes it.
   * Events caused by a listener's own calls are handed on after the rest,
   * in order, at most 1000 rounds a call (the rest wait for the next call).
   */
  on(kind: "commit", listener: (event: Extract<ClusterEvent, { kind: "commit" }>) => void): () => void;
  on(kind: EventKind, listener: (event: ClusterEvent) => void): () => void;
  /** Advances virtual time by 0 to 600000 ms; returns the new time in ms. */
  run(ms: number): number;
  /**
   * Runs in steps of stepMs (default 10; 0.000001 to 600000) until
   * predicate(status) holds; false when maxMs (default 10000; 0 to 1e9) of
   * virtual time ran out. At most 1000000 steps a call.
   */
  runUntil(predicate: (status: ClusterStatus) => boolean, opts?: { maxMs?: number; stepMs?: number } | null): boolean;
  crash(node: number): void;
  restart(node: number): void;
  cut(from: number, to: number): void;
  heal(from: number, to: number): void;
  setLink(from: number, to: number, config: LinkConfig): void;
  partition(groups: number[][]): void;
  isolate(node: number): void;
  healAll(): void;
  /** ms: 0 to 60000. */
  setResponseDelay(node: number, ms: number): void;
  messages(): WireMessage[];
  hold(msg: number): void;
  release(msg: number): void;
  drop(msg: number): void;
  /** Returns the copy's id. */
  duplicate(msg: number): number;
  propose(command: string): Proposal;
  proposeTo(node: number, command: string): Proposal;
  /** 0 or nothing: the most up-to-date voter. */
  transferLeadership(to?: number): void;
  changePeers(voters: number[], learners?: number[]): void;
  status(): ClusterStatus;
  /** The last 256 trace events, oldest first; texts cut to 1024 bytes. */
  trace(): TraceEvent[];
  history(): HistoryOp[];
  interventions(): Intervention[];
  violation(): Violation | null;
  /** A new cluster: this one as it was at virtual time ms (a fork). */
  seek(ms: number): Cluster;
  /** Handles the next event. */
  step(): StepResult;
  /** A hand client call; returns its id for call(). Key 1 to 1024 bytes, value at most 1024. */
  put(key: string, value: string, opts?: ClientCallOptions | null): number;
  append(key: string, value: string, opts?: ClientCallOptions | null): number;
  get(key: string, opts?: ClientCallOptions | null): number;
  /** A hand call's history entry (done false while it waits). */
  call(call: number): HistoryOp;
  /** Compacts a node's log now, up to what it applied. */
  snapshot(node: number): void;
  /** Writes text (at most 1024 bytes) into the trace in a node's name. */
  note(node: number, text: string): void;
  /** The last entries of a node's log: last 0 to 1000, default 100. */
  log(node: number, last?: number): NodeLog;
  kv(node: number): NodeKV;
  /** The run so far as a scenario (at most 65536 bytes), for loadScenario. */
  scenario(): string;
  /** fadeMs: 0 to 60000, default 0. */
  scene(fadeMs?: number): Scene;
  /** windowMs: 0 to 600000. */
  spaceTime(windowMs: number): SpaceTime;
  destroy(): void;
}
