// Types of the Raft Playground's JavaScript API (static/raft-playground.js).
// Times in answers are nanoseconds of virtual time (fields ending in _ns);
// times in arguments are milliseconds. Every method throws an Error naming
// the method and the argument on bad input; the instance survives it.

/** Options of {@link load}. */
export interface LoadOptions {
  /** Where the WebAssembly is: a URL, or in Node.js also a file path. */
  wasm?: string | URL;
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
  /** ms, at least 10 (default 300). */
  electionTimeout?: number;
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
  op: string;
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

/** The loaded playground: makes clusters. */
export class Playground {
  private constructor();
  /** The API version, e.g. "0.2.0+d4da925c0a1b". */
  readonly version: string;
  /** Whether the WebAssembly program has exited; every call then throws. */
  readonly exited: boolean;
  createCluster(opts?: ClusterOptions | null): Cluster;
}

/** One simulated cluster; nodes are numbered 1 to nodes. */
export class Cluster {
  private constructor();
  /** The cluster's id in the WebAssembly instance. */
  readonly id: number;
  /** Subscribes a listener; returns the function that unsubscribes it. */
  on(kind: "commit", listener: (event: Extract<ClusterEvent, { kind: "commit" }>) => void): () => void;
  on(kind: EventKind, listener: (event: ClusterEvent) => void): () => void;
  /** Advances virtual time by 0 to 600000 ms; returns the new time in ms. */
  run(ms: number): number;
  /** Runs in steps until predicate(status) holds; false when maxMs ran out. */
  runUntil(predicate: (status: ClusterStatus) => boolean, opts?: { maxMs?: number; stepMs?: number }): boolean;
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
  destroy(): void;
}
