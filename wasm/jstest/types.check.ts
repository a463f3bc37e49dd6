// Type-checked, never run: uses every declaration of
// static/raft-playground.d.ts the way a TypeScript program would, and shows
// with @ts-expect-error that wrong calls do not type-check.
// Checked by `npm run check-types` (make check).

import {
  load, type Cluster, type ClusterEvent, type ClusterStatus, type Proposal, type ScenarioRun, type ScenarioError,
  type Scene, type SpaceTime, type ScenarioProgress, type Experiment, type ExperimentProgress, type Playground, type ExperimentResult,
} from "../../static/raft-playground.js";

export async function useEveryMethod(): Promise<void> {
  const pg = await load({ wasm: new URL("./raft-playground.wasm", "file:///") });
  const version: string = pg.version;
  const exited: boolean = pg.exited;
  const c: Cluster = pg.createCluster({
    nodes: 5, seed: 1, preVote: true, snapshotEvery: 100, electionTimeout: 300, electionTimeoutMax: 450, heartbeatInterval: 60,
    latencyMin: 10, latencyMax: 15, loss: 0, duplicate: 0, reorder: 0, diskLatency: 1,
  });
  pg.createCluster();
  pg.createCluster(null);
  const now: number = c.run(1000);
  const held: boolean = c.runUntil((s: ClusterStatus) => s.leader !== 0, { maxMs: 5000, stepMs: 50 });
  const off = c.on("role", (ev: ClusterEvent) => {
    if (ev.kind === "commit") {
      const index: number = ev.index;
      void index;
    }
  });
  const offCommit = c.on("commit", (ev) => void ev.index);
  off();
  offCommit();
  const p: Proposal = c.propose("x=1");
  c.proposeTo(p.leader, "y=2");
  c.crash(1);
  c.restart(1);
  c.cut(1, 2);
  c.heal(1, 2);
  c.setLink(1, 2, { up: true, latencyMin: 1, latencyMax: 2, loss: 0.1, duplicate: 0, reorder: 0, responseDelay: 5, lateReplies: 0 });
  c.partition([[1, 2], [3, 4, 5]]);
  c.isolate(3);
  c.healAll();
  c.setResponseDelay(2, 50);
  const wire = c.messages();
  if (wire.length > 0) {
    c.hold(wire[0].id);
    c.release(wire[0].id);
    const copy: number = c.duplicate(wire[0].id);
    c.drop(copy);
  }
  c.transferLeadership();
  c.transferLeadership(2);
  c.changePeers([1, 2, 3], [4]);
  const s = c.status();
  const roles: string[] = s.nodes.map((n) => n.role);
  const commits: number[] = s.nodes.map((n) => n.commit_index);
  const texts: string[] = c.trace().map((e) => `${e.n} ${e.kind} ${e.text}`);
  const ops: boolean[] = c.history().map((h) => h.done);
  const kinds: string[] = c.interventions().map((iv) => iv.kind);
  const v = c.violation();
  const check: string | undefined = v?.check;
  const fork: Cluster = c.seek(now / 2);
  const stepped: boolean = c.step().stepped;
  const w: number = c.put("k", "v", { via: 2 });
  c.append("k", "w");
  const r: number = c.get("k", null);
  const value: string = c.call(r).value;
  const done: boolean = c.call(w).done;
  c.snapshot(1);
  c.note(1, "hello");
  const terms: number[] = c.log(1, 10).entries.map((e) => e.term);
  const types: ("normal" | "config")[] = c.log(1).entries.map((e) => e.type);
  const kv: Record<string, string> = c.kv(1).data;
  const text: string = c.scenario();
  const scene: Scene = c.scene(200);
  const xs: number[] = scene.messages.map((m) => m.x + m.progress + m.fade);
  const timers: string[] = scene.nodes.map((n) => `${n.timer} ${n.timer_left} ${n.role}`);
  const cuts: boolean[] = scene.links.map((l) => l.cut);
  const st: SpaceTime = c.spaceTime(1000);
  const ends: number[] = st.arrows.map((a) => a.until_ns);
  const run: ScenarioRun = pg.loadScenario(text);
  const first: ScenarioProgress = run.step();
  const last: ScenarioProgress = run.runToEnd();
  const failedAt: number | undefined = last.error?.line;
  const passed: boolean = run.outcomes().every((o) => o.pass);
  const said: string[] = run.narration().map((n) => n.text);
  const digest: string = run.traceDigest();
  void digest;
  run.cluster.destroy();
  try {
    pg.loadScenario("crash");
  } catch (err) {
    const where: number = (err as ScenarioError).line + (err as ScenarioError).column;
    void where;
  }
  void [stepped, value, done, terms, types, kv, xs, timers, cuts, ends, first, failedAt, passed, said, run.steps];
  fork.destroy();
  c.destroy();
  void [version, exited, held, roles, commits, texts, ops, kinds, check];
}

export async function useExperiments(): Promise<void> {
  const pg = await load();
  const names: string[] = pg.experimentNames();
  const e: Experiment = pg.createExperiment("election", {
    seed: 1, trials: 100, preVote: true, capMs: 10000, measureMs: 2000, latencyMinMs: 6, latencyMaxMs: 9, unevenLogs: false,
  });
  pg.createExperiment("pipelining").destroy();
  pg.createExperiment("pipelining", null).destroy();
  let p: ExperimentProgress = e.progress();
  while (!p.finished) {
    p = e.step(20);
  }
  const failed: string | undefined = p.error;
  const r: ExperimentResult = e.result();
  const withTrials: ExperimentResult = e.result(true);
  const median: number = r.configs[0].summary.median + r.configs[0].summary.capped;
  const rate: number | undefined = r.configs[0].summary.rate;
  const value: number = withTrials.configs[0].trials[0].values[withTrials.columns.indexOf("election_ms")];
  const points: number = r.plots[0].series[0].x.length + r.plots[0].series[0].y.length;
  const labels: string = r.plots[0].title + r.plots[0].x_label + r.plots[0].y_label + r.plots[0].series[0].label + r.name + r.title;
  const csv: string = e.csv();
  void [names, failed, median, rate, value, points, labels, csv, e.id, e.name, r.seed, r.pre_vote, r.options.uneven_logs, r.trials, r.done, r.total, r.configs[0].params];
  e.destroy();
}

export function refuseWrongExperimentCalls(pg: Playground, e: Experiment): void {
  // @ts-expect-error step needs its maxTrials
  e.step();
  // @ts-expect-error unknown option
  pg.createExperiment("election", { rounds: 5 });
  // @ts-expect-error result takes a boolean
  e.result("all");
}

export function refuseWrongCalls(c: Cluster): void {
  // @ts-expect-error ms is a number
  c.run("10");
  // @ts-expect-error unknown option
  c.setLink(1, 2, { latency: 5 });
  // @ts-expect-error groups are arrays of node ids
  c.partition([1, 2]);
  // @ts-expect-error no such event kind
  c.on("nope", () => {});
  // @ts-expect-error propose takes a string
  c.propose({ cmd: 1 });
  // @ts-expect-error put takes a key and a value
  c.put("k");
  // @ts-expect-error unknown option of a client call
  c.get("k", { to: 2 });
  // @ts-expect-error spaceTime needs its window
  c.spaceTime();
}
