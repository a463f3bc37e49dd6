// TypeScript declarations for the <raft-playground> element
// (raft-playground-embed.js): its attributes, properties, methods and
// events, the tag's place in HTMLElementTagNameMap (so that
// document.querySelector("raft-playground") is typed), and the module's
// helpers. The README's "Embedding" documents them; `npm run check-types`
// checks them against wasm/jstest/embed.check.ts.

import type { Cluster, NarrationLine, Scene, ScenarioOutcome } from "./raft-playground.js";

/** A button the controls attribute can show. */
export type RaftPlaygroundControl = "play" | "step" | "restart";

/** A part the panels attribute can show. */
export type RaftPlaygroundPanel = "status" | "narration" | "outcomes";

/** The guided tours shipped beside the module (tours/NAME.txt). */
export type RaftPlaygroundTour = "replication" | "election" | "safety" | "membership" | "reads";

/**
 * The element's attributes, as a page writes them (every value is a
 * string in HTML; numbers are read and clamped to their range, and a
 * value that does not read gives the default).
 */
export interface RaftPlaygroundAttributes {
  /** A scenario file on the page's own origin; any other origin is refused. */
  src?: string;
  /** A guided tour by name; src comes first when both are set. */
  tour?: RaftPlaygroundTour | (string & {});
  /** The tour's step shown, from 1 (default 1). */
  step?: `${number}`;
  /** Without a scenario: a plain cluster of 1 to 9 nodes (default 5). */
  nodes?: `${number}`;
  /** Without a scenario: the plain cluster's seed (default 1). */
  seed?: `${number}`;
  /** Present: play from the start. */
  autoplay?: "" | "autoplay";
  /** Virtual ms per wall-clock ms, 0.001 to 100 (default 0.1). */
  speed?: `${number}`;
  /** The pause after a narration line: by its length (auto, default), none, or ms. */
  "narration-pause"?: "auto" | "off" | `${number}`;
  /** Buttons shown, space or comma separated, or "all"; "" for none (default all). */
  controls?: string;
  /** Parts shown, space or comma separated, or "all" (default all). */
  panels?: string;
  /** The canvas's height in CSS pixels, 120 to 1200 (default 300). */
  height?: `${number}`;
  theme?: "light" | "dark";
}

/** The attributes the element watches: changing src, tour, nodes or seed restarts it. */
export type RaftPlaygroundAttribute = keyof RaftPlaygroundAttributes;

/** The end event's detail: the scenario has run to its end. */
export interface RaftPlaygroundEndDetail {
  outcomes: ScenarioOutcome[];
  /** How many expectations failed. */
  failed: number;
  /** The step that could not be carried out, which ended the run. */
  error: { line: number; message: string } | null;
  time_ns: number;
}

/** The tourstep event's detail: a tour's step is shown. */
export interface RaftPlaygroundTourStepDetail {
  /** From 1. */
  step: number;
  steps: number;
  title: string;
  narration: string[];
  at_ns: number;
}

/** The error event's detail; line and column for a scenario that does not read. */
export interface RaftPlaygroundErrorDetail {
  message: string;
  line?: number;
  column?: number;
}

/**
 * The element's own events (CustomEvent, bubbling and composed), beside
 * an element's usual ones. Its error event is a CustomEvent, not the
 * ErrorEvent a failed resource load gives other elements.
 */
export interface RaftPlaygroundEventMap extends Omit<HTMLElementEventMap, "error"> {
  narration: CustomEvent<NarrationLine>;
  outcome: CustomEvent<ScenarioOutcome>;
  end: CustomEvent<RaftPlaygroundEndDetail>;
  tourstep: CustomEvent<RaftPlaygroundTourStepDetail>;
  error: CustomEvent<RaftPlaygroundErrorDetail>;
}

/**
 * <raft-playground>: one cluster, optionally running a scenario or a tour,
 * drawn on a canvas with its controls, status, narration and expectations.
 * Every element of a page shares one WebAssembly instance.
 */
export declare class RaftPlaygroundElement extends HTMLElement {
  static readonly observedAttributes: readonly RaftPlaygroundAttribute[];

  /** The cluster this element runs (the loader's Cluster), or null before it loaded. */
  readonly cluster: Cluster | null;
  /** The virtual time shown, in ms. */
  readonly time: number;
  /** Whether it is playing (it still waits while off-screen, hidden or without a slot). */
  readonly playing: boolean;
  /** Whether its scenario has run to its end. */
  readonly ended: boolean;
  /** Whether it plays but waits, because MAX_ANIMATING other elements of the page animate. */
  readonly waiting: boolean;
  /** The tour's step shown, from 1 (0 outside a tour). */
  readonly tourStep: number;

  /** The scenario's expectations checked so far (empty for a plain cluster). */
  outcomes(): ScenarioOutcome[];
  /** The scenario's trace digest so far (ScenarioRun.traceDigest), null without a scenario. */
  traceDigest(): string | null;
  /** Starts (or resumes) playing; called while it loads, it plays once loaded. */
  play(): void;
  /** Plays now: when it waits for a slot, the element that has animated longest is paused. */
  playNow(): void;
  pause(): void;
  /** The scenario's next step, or a plain cluster's next event; throws before it loaded. */
  step(): void;
  /** Starts again from the attributes. */
  restart(): void;
  /** The tour's next or previous step; throw outside a tour. */
  next(): void;
  back(): void;
  /** Crashes a node of its cluster now; throws before it loaded. */
  crash(node: number): void;
  /** Restarts a crashed node; throws before it loaded. */
  restartNode(node: number): void;
  /** Asks for an animation frame (the page's slots call it). */
  requestFrame(): void;

  connectedCallback(): void;
  disconnectedCallback(): void;
  attributeChangedCallback(name: string, old: string | null, value: string | null): void;

  addEventListener<K extends keyof RaftPlaygroundEventMap>(
    type: K,
    listener: (this: RaftPlaygroundElement, ev: RaftPlaygroundEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof RaftPlaygroundEventMap>(
    type: K,
    listener: (this: RaftPlaygroundElement, ev: RaftPlaygroundEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    "raft-playground": RaftPlaygroundElement;
  }
}

/** The most elements of one page that animate at once; the others wait. */
export declare const MAX_ANIMATING: 16;

/** Which elements of a page may animate: at most max at once, the others wait in the order they asked. */
export declare class AnimationSlots<T extends object = object> {
  constructor(max: number, wake: (el: T) => void);
  readonly max: number;
  /** The holders, oldest first. */
  readonly holders: Set<T>;
  /** The elements waiting, in the order they asked. */
  readonly waiting: Set<T>;
  /** Records whether el wants to animate now; returns whether it holds a slot. */
  want(el: T, wants: boolean): boolean;
  holds(el: T): boolean;
  isWaiting(el: T): boolean;
  /** Gives el, which waits, the slot of the holder that has held longest, and returns that holder (null when el did not wait). */
  takeOver(el: T): T | null;
}

/** Reads a list attribute against the words it may hold, in display order; null gives fallback. */
export declare function parseList<W extends string>(value: string | null, known: readonly W[], fallback: readonly W[]): readonly W[];
/** Reads a number attribute, clamped to [min, max]; def when absent or not a number. */
export declare function parseNumber(value: string | null, min: number, max: number, def: number): number;
/** Virtual nanoseconds for display: "1.234 s". */
export declare function formatTime(ns: number): string;
/** What a scene shows, in words (the canvas's aria-label). */
export declare function describeScene(scene: Scene): string;
/** The URL of a scenario address when it is on the page's origin (http or https), else null. */
export declare function sameOriginURL(src: string, base: string, origin: string): URL | null;
/** The origins embed.html answers: its parent's and those the allow parameter lists; never "null". */
export declare function allowedOrigins(params: URLSearchParams, ancestor?: string | null, referrer?: string | null): Set<string>;
/** Runs embed.html: one element configured by the query string, driven by postMessage. */
export declare function startFrame(): void;
