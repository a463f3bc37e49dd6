// Type-checked, never run: uses every declaration of
// static/raft-playground-embed.d.ts (the <raft-playground> element) the way
// a documentation site's TypeScript would, and shows with @ts-expect-error
// that wrong uses do not type-check. Checked by `npm run check-types`
// (make check).

import {
  RaftPlaygroundElement, AnimationSlots, MAX_ANIMATING, allowedOrigins, describeScene, formatTime, parseList, parseNumber,
  sameOriginURL, startFrame,
  type RaftPlaygroundAttributes, type RaftPlaygroundEndDetail, type RaftPlaygroundEventMap, type RaftPlaygroundControl,
} from "../../static/raft-playground-embed.js";
// The package's own name resolves to the same declarations (exports "./embed").
import type { RaftPlaygroundElement as ByName } from "@raftplayground/raft-playground/embed";
import type { ClusterStatus, ScenarioOutcome, Scene } from "../../static/raft-playground.js";

export function driveAnElement(): void {
  // The tag is in HTMLElementTagNameMap: no cast needed.
  const found = document.querySelector("raft-playground");
  if (found) {
    const el: RaftPlaygroundElement = found;
    const byName: ByName = el;
    void byName;
  }
  const el = document.createElement("raft-playground");
  const same: RaftPlaygroundElement = el;
  const all: NodeListOf<RaftPlaygroundElement> = document.querySelectorAll("raft-playground");
  void [same, all];

  const attrs: RaftPlaygroundAttributes = {
    src: "scenarios/leader-crash.txt", autoplay: "", speed: "0.5", height: "300", theme: "dark",
    controls: "play step", panels: "status narration", "narration-pause": "off", nodes: "5", seed: "7",
  };
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  const tour: RaftPlaygroundAttributes = { tour: "election", step: "3" };
  void tour;
  const watched: readonly string[] = RaftPlaygroundElement.observedAttributes;
  void watched;

  el.play();
  el.playNow();
  el.pause();
  el.step();
  el.restart();
  el.crash(2);
  el.restartNode(2);
  el.next();
  el.back();
  const status: ClusterStatus | undefined = el.cluster?.status();
  const t: number = el.time;
  const flags: boolean[] = [el.playing, el.ended, el.waiting];
  const stepShown: number = el.tourStep;
  const outs: ScenarioOutcome[] = el.outcomes();
  const digest: string | null = el.traceDigest();
  void [status, t, flags, stepShown, outs, digest];

  el.addEventListener("end", (ev) => {
    const d: RaftPlaygroundEndDetail = ev.detail;
    const failed: number = d.failed + d.time_ns;
    const where: number | undefined = d.error?.line;
    void [failed, where];
  });
  el.addEventListener("narration", (ev) => void ev.detail.text.length);
  el.addEventListener("outcome", (ev) => void (ev.detail.pass ? ev.detail.expect : ev.detail.observed));
  el.addEventListener("tourstep", (ev) => void (ev.detail.step + ev.detail.steps + ev.detail.title.length));
  el.addEventListener("error", (ev) => void ev.detail.message);
  el.addEventListener("click", (ev: MouseEvent) => void ev.button);
  const onEnd = (ev: RaftPlaygroundEventMap["end"]) => void ev.detail.outcomes;
  el.addEventListener("end", onEnd, { once: true });
  el.removeEventListener("end", onEnd);
}

export function useTheHelpers(scene: Scene): void {
  const cap: 16 = MAX_ANIMATING;
  const slots = new AnimationSlots<RaftPlaygroundElement>(cap, (el) => el.requestFrame());
  const el = document.createElement("raft-playground");
  const holds: boolean = slots.want(el, true);
  const gaveUp: RaftPlaygroundElement | null = slots.takeOver(el);
  void [holds, gaveUp, slots.holds(el), slots.isWaiting(el), slots.holders.size, slots.waiting.size, slots.max];
  const shown: readonly RaftPlaygroundControl[] = parseList<RaftPlaygroundControl>("play", ["play", "step", "restart"], ["play"]);
  const h: number = parseNumber("300", 120, 1200, 300);
  const words: string = formatTime(1e9) + describeScene(scene);
  const url: URL | null = sameOriginURL("scenarios/x.txt", "https://docs.example/", "https://docs.example");
  const origins: Set<string> = allowedOrigins(new URLSearchParams("allow=https://a.example"), "https://b.example", null);
  void [shown, h, words, url, origins];
  startFrame();
}

export function refuseWrongUses(el: RaftPlaygroundElement): void {
  // @ts-expect-error crash takes a node id
  el.crash("n2");
  // @ts-expect-error restartNode needs its node
  el.restartNode();
  // @ts-expect-error the digest is null without a scenario
  const digest: string = el.traceDigest();
  void digest;
  // @ts-expect-error time is read-only
  el.time = 5;
  // @ts-expect-error the cluster is set by the element, not the page
  el.cluster = null;
  // @ts-expect-error the end event's detail has no passed count
  el.addEventListener("end", (ev) => void ev.detail.passed);
  // @ts-expect-error a narration line's text is a string
  el.addEventListener("narration", (ev) => void (ev.detail.text satisfies number));
  // @ts-expect-error no such theme
  const theme: RaftPlaygroundAttributes = { theme: "blue" };
  // @ts-expect-error attribute values are strings, as in HTML
  const height: RaftPlaygroundAttributes = { height: 300 };
  // @ts-expect-error no such control
  const control: RaftPlaygroundControl = "crash";
  void [theme, height, control];
}
