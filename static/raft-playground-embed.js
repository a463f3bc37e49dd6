// Raft Playground: the <raft-playground> element, for documentation pages.
//
//   <script type="module" src="raft-playground-embed.js"></script>
//   <raft-playground src="scenarios/leader-crash.txt" autoplay></raft-playground>
//   <raft-playground tour="election" step="3"></raft-playground>
//
// Each element runs its own cluster; every element on a page shares one
// WebAssembly instance (the loader's load() is called once per page). The
// cluster is drawn on a canvas from cluster.scene() at each animation
// frame. An element pauses while it is off-screen or the tab is hidden, and
// with prefers-reduced-motion it shows one still frame per scenario step.
// At most MAX_ANIMATING elements of a page animate at once; the others
// wait, saying so, until one of those pauses, ends or leaves the screen.
//
// Nothing from a scenario, an attribute or a URL is ever parsed as markup:
// text reaches the page through textContent and the canvas only.
//
// Attributes, methods, events and the iframe's postMessage protocol are in
// the README, "Embedding"; raft-playground-embed.d.ts declares them.

import { load } from "./raft-playground.js";

/** The controls an element can show, in the order they are shown. */
const CONTROLS = ["play", "step", "restart"];
/** The panels an element can show, in the order they are shown. */
const PANELS = ["status", "narration", "outcomes"];
/** Defaults when the attributes are absent. */
const DEFAULT_CONTROLS = ["play", "step", "restart"];
const DEFAULT_PANELS = ["status", "narration", "outcomes"];
/**
 * Virtual milliseconds per wall-clock millisecond: bounds and default. At
 * the default, 0.1, a message on a 12 ms link takes 120 ms to cross, which
 * the eye follows (the page offers the same scale, web/playground.go).
 * Wall-clock pauses (reading a narration line, a still frame) are made
 * shorter in proportion when the speed is above the default.
 */
const SPEED_MIN = 0.001;
const SPEED_MAX = 100;
const SPEED_DEFAULT = 0.1;
/** The canvas's height in CSS pixels: bounds and default. */
const HEIGHT_MIN = 120;
const HEIGHT_MAX = 1200;
const HEIGHT_DEFAULT = 300;
/** How long an ended message stays drawn, in virtual ms per unit of speed. */
const FADE_MS = 300;
/** The longest frame a paused tab's first frame back may count, in ms. */
const MAX_FRAME_MS = 100;
/** With reduced motion: wall-clock ms between still frames at the default speed. */
const STILL_FRAME_MS = 1500;
/** How long it pauses after a narration line at the default speed: a base and per character, at most MAX. */
const READ_BASE_MS = 1200;
const READ_CHAR_MS = 35;
const READ_MAX_MS = 8000;
/** The most a scenario text fetched by src may be (the API's own limit). */
const MAX_SCENARIO_BYTES = 65536;
/**
 * The most elements of one page that animate at once (issue 9, DESIGN.md):
 * every frame runs and draws each animating cluster on the page's one
 * thread, so past this many every embed's frames get slow. The others wait.
 */
export const MAX_ANIMATING = 16;

/**
 * Which elements of a page may animate: at most max at once. An element
 * says whether it wants to (playing, on screen, tab shown) at every change;
 * the first max to want one hold a slot, later ones wait in the order they
 * asked and take a slot as soon as a holder stops wanting it.
 */
export class AnimationSlots {
  /**
   * @param {number} max the most holders
   * @param {(el: object) => void} wake told when a waiting element gets a slot
   */
  constructor(max, wake) {
    /** The most holders at once. */
    this.max = max;
    /** Called with an element that moved from waiting to holding. */
    this.wake = wake;
    /** The elements animating, oldest first; never more than max. */
    this.holders = new Set();
    /** The elements that want a slot and have none, in the order they asked. */
    this.waiting = new Set();
  }

  /**
   * Records whether el wants to animate now.
   *
   * @param {object} el
   * @param {boolean} wants
   * @returns {boolean} whether el holds a slot
   */
  want(el, wants) {
    if (!wants) {
      this.waiting.delete(el);
      if (this.holders.delete(el)) this.#promote();
      return false;
    }
    if (this.holders.has(el)) return true;
    if (this.holders.size < this.max) {
      this.waiting.delete(el);
      this.holders.add(el);
      return true;
    }
    this.waiting.add(el); // keeps its place when it asks again
    return false;
  }

  /** Whether el holds a slot. @param {object} el */
  holds(el) {
    return this.holders.has(el);
  }

  /** Whether el wants a slot and waits for one. @param {object} el */
  isWaiting(el) {
    return this.waiting.has(el);
  }

  /**
   * Gives el, which waits, a slot now: the element that has held one
   * longest gives it up and is returned, for its owner to pause.
   *
   * @param {object} el
   * @returns {?object} the element that gave up its slot, or null when el did not wait
   */
  takeOver(el) {
    if (!this.waiting.has(el)) return null;
    const [oldest] = this.holders;
    this.holders.delete(oldest);
    this.waiting.delete(el);
    this.holders.add(el);
    return oldest;
  }

  /** Hands freed slots to the elements that have waited longest. */
  #promote() {
    for (const el of this.waiting) {
      if (this.holders.size >= this.max) return;
      this.waiting.delete(el);
      this.holders.add(el);
      this.wake(el);
    }
  }
}

/** The page's slots; a promoted element asks for a frame. */
const slots = new AnimationSlots(MAX_ANIMATING, (el) => el.requestFrame());

/**
 * Colours, as web/scene/paint.go draws the page, per theme. The message
 * kinds keep the page's colours in both themes.
 */
const THEMES = {
  light: {
    link: "#c3cad4", cut: "#a02c2c", text: "#1d232b", muted: "#56606c",
    leader: "#1b7f3b", candidate: "#b07800", follower: "#35506e", down: "#a02c2c",
    nodeBg: "#ffffff", downBg: "#f3e6e6", held: "#d9480f", background: "#ffffff",
  },
  dark: {
    link: "#4a5360", cut: "#e06c6c", text: "#e8ecf1", muted: "#a3adb8",
    leader: "#4cc27a", candidate: "#e0a530", follower: "#8fb0d6", down: "#e06c6c",
    nodeBg: "#1c2128", downBg: "#3a2326", held: "#ff8a4c", background: "#14181d",
  },
};

/** Each message kind's colour (paint.go's KindColor). */
const KIND_COLORS = {
  "pre-vote": "#b38f00",
  vote: "#c05f00",
  append: "#1f5fbf",
  heartbeat: "#7b8794",
  probe: "#7a3db8",
  snapshot: "#0f7f7f",
  "timeout-now": "#c2185b",
  read: "#2e7d32",
};

/** The word under a node's name for each role (paint.go's roleText). */
const ROLE_TEXT = { leader: "leader", candidate: "candidate", precandidate: "pre-vote", follower: "follower" };

/** The element's stylesheet, shared by every element. */
const SHEET = `
:host {
  --rp-bg: #ffffff; --rp-panel: #f5f6f8; --rp-text: #1d232b; --rp-muted: #56606c;
  --rp-border: #d5dae1; --rp-accent: #1f5fbf; --rp-accent-text: #ffffff;
  --rp-pass: #1b7f3b; --rp-fail: #a02c2c;
  display: block; color: var(--rp-text); background: var(--rp-bg);
  border: 1px solid var(--rp-border); border-radius: 8px; overflow: hidden;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  color-scheme: light;
}
:host([theme="dark"]) {
  --rp-bg: #14181d; --rp-panel: #1c2128; --rp-text: #e8ecf1; --rp-muted: #a3adb8;
  --rp-border: #3a424d; --rp-accent: #6f9fe8; --rp-accent-text: #0b0e12;
  --rp-pass: #4cc27a; --rp-fail: #e06c6c;
  color-scheme: dark;
}
:host([hidden]) { display: none; }
.stage { position: relative; height: var(--rp-height, ${HEIGHT_DEFAULT}px); }
canvas { display: block; width: 100%; height: 100%; }
.bar {
  display: flex; flex-wrap: wrap; align-items: center; gap: 6px 8px;
  padding: 6px 10px; border-top: 1px solid var(--rp-border); background: var(--rp-panel);
}
.bar:empty { display: none; }
button {
  font: inherit; padding: 3px 12px; border-radius: 6px; cursor: pointer;
  border: 1px solid var(--rp-border); background: var(--rp-bg); color: var(--rp-text);
}
button.play { background: var(--rp-accent); color: var(--rp-accent-text); border-color: var(--rp-accent); min-width: 5.5em; }
button:focus-visible { outline: 2px solid var(--rp-accent); outline-offset: 2px; }
button:disabled { opacity: 0.5; cursor: default; }
.status { color: var(--rp-muted); font-variant-numeric: tabular-nums; margin-left: auto; }
.panel { margin: 0; padding: 8px 12px; border-top: 1px solid var(--rp-border); list-style: none; }
.panel:empty { display: none; }
.narration { max-height: 10em; overflow-y: auto; }
.narration li + li { margin-top: 4px; }
.narration li:last-child { font-weight: 600; }
.at { color: var(--rp-muted); font-variant-numeric: tabular-nums; margin-right: 0.5em; font-weight: 400; }
.outcomes { font-size: 13px; max-height: 8em; overflow-y: auto; }
.mark { display: inline-block; width: 1.3em; font-weight: 700; }
.pass .mark { color: var(--rp-pass); }
.fail .mark, .fail { color: var(--rp-fail); }
.observed { color: var(--rp-muted); }
.narration.tour li { font-weight: 400; }
.narration.tour li.title { font-weight: 600; }
.error { margin: 0; padding: 8px 12px; border-top: 1px solid var(--rp-border); color: var(--rp-fail); white-space: pre-wrap; }
.error:empty { display: none; }
.waiting {
  display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; margin: 0;
  padding: 8px 12px; border-top: 1px solid var(--rp-border); background: var(--rp-panel);
}
.waiting[hidden] { display: none; }
.waiting span { flex: 1 1 18em; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
`;

/** The shared stylesheet, made once (a constructable stylesheet). */
let sharedSheet = null;
function stylesheet() {
  if (!sharedSheet) {
    sharedSheet = new CSSStyleSheet();
    sharedSheet.replaceSync(SHEET);
  }
  return sharedSheet;
}

/**
 * Reads a list attribute ("play step") against the words it may hold.
 *
 * @param {?string} value the attribute, or null when absent
 * @param {string[]} known the words, in display order
 * @param {string[]} fallback when absent
 * @returns {string[]} the known words it names, in display order
 */
export function parseList(value, known, fallback) {
  if (value === null) {
    return fallback;
  }
  const words = new Set(value.toLowerCase().split(/[\s,]+/).filter(Boolean));
  if (words.has("all")) {
    return known;
  }
  return known.filter((w) => words.has(w));
}

/**
 * Runs fn, whose errors name the loader's method inner, so that they name
 * the element's method outer instead (restartNode runs the cluster's
 * restart).
 *
 * @template T
 * @param {string} inner
 * @param {string} outer
 * @param {() => T} fn
 * @returns {T}
 */
export function renamed(inner, outer, fn) {
  try {
    return fn();
  } catch (err) {
    if (err instanceof Error && err.message.startsWith(`${inner}: `)) {
      err.message = `${outer}: ${err.message.slice(inner.length + 2)}`;
    }
    throw err;
  }
}

/**
 * Reads a number attribute, clamped to [min, max]; def when absent or not a
 * number.
 *
 * @param {?string} value
 * @param {number} min
 * @param {number} max
 * @param {number} def
 * @returns {number}
 */
export function parseNumber(value, min, max, def) {
  if (value === null || value.trim() === "") {
    return def;
  }
  const n = Number(value);
  if (!Number.isFinite(n)) {
    return def;
  }
  return Math.min(max, Math.max(min, n));
}

/**
 * Seconds of virtual time for display: "1.234 s".
 *
 * @param {number} ns
 * @returns {string}
 */
export function formatTime(ns) {
  return `${(ns / 1e9).toFixed(3)} s`;
}

/**
 * What the canvas shows, in words, for its aria-label.
 *
 * @param {import("./raft-playground.js").Scene} scene
 * @returns {string}
 */
export function describeScene(scene) {
  const nodes = scene.nodes.map((n) => (n.up ? `n${n.id} ${n.role} term ${n.term}` : `n${n.id} down`));
  const leader = scene.leader ? `leader n${scene.leader}` : "no leader";
  const flying = scene.messages.filter((m) => m.outcome === "in-flight").length;
  return `Raft cluster of ${scene.nodes.length} nodes at ${formatTime(scene.now_ns)}, ${leader}: ` +
    `${nodes.join(", ")}; ${flying} message${flying === 1 ? "" : "s"} in flight.`;
}

/**
 * Whether a scenario address may be fetched: same origin as the page only.
 *
 * @param {string} src the attribute
 * @param {string} base the document's base URL
 * @param {string} origin the page's origin
 * @returns {?URL} the URL, or null when it is on another origin
 */
export function sameOriginURL(src, base, origin) {
  let url;
  try {
    url = new URL(src, base);
  } catch {
    return null;
  }
  return url.origin === origin && (url.protocol === "http:" || url.protocol === "https:") ? url : null;
}

/** Paints scenes on a canvas, as web/scene/paint.go paints the page's. */
class Painter {
  /**
   * @param {CanvasRenderingContext2D} ctx
   * @param {typeof THEMES.light} colors
   */
  constructor(ctx, colors) {
    /** The canvas's context. */
    this.ctx = ctx;
    /** The theme's colours. */
    this.colors = colors;
  }

  /**
   * Draws scene in a square of side size pixels at (ox, oy).
   *
   * @param {import("./raft-playground.js").Scene} scene
   * @param {number} ox
   * @param {number} oy
   * @param {number} size
   */
  paint(scene, ox, oy, size) {
    const { ctx, colors } = this;
    const px = (x, y) => [ox + x * size, oy + y * size];
    const byId = new Map(scene.nodes.map((n) => [n.id, n]));
    const links = new Map(scene.links.map((l) => [`${l.from}>${l.to}`, l]));

    for (const l of scene.links) {
      if (l.from > l.to) continue;
      const back = links.get(`${l.to}>${l.from}`) ?? { from: l.to, to: l.from, cut: false };
      const a = byId.get(l.from), b = byId.get(l.to);
      if (!a || !b) continue;
      const [x1, y1] = px(a.x, a.y), [x2, y2] = px(b.x, b.y);
      if (l.cut && back.cut) {
        this.line(x1, y1, x2, y2, 2, colors.cut, 6);
      } else {
        this.line(x1, y1, x2, y2, 1.5, colors.link, 0);
      }
      for (const d of [l, back]) {
        if (!d.cut) continue;
        // A short bar across the link near the sender says which direction is cut.
        const from = byId.get(d.from), to = byId.get(d.to);
        const qx = from.x + (to.x - from.x) * 0.3, qy = from.y + (to.y - from.y) * 0.3;
        const dx = to.x - from.x, dy = to.y - from.y, n = Math.hypot(dx, dy);
        const ux = (-dy / n) * 0.025, uy = (dx / n) * 0.025;
        const [p1x, p1y] = px(qx - ux, qy - uy), [p2x, p2y] = px(qx + ux, qy + uy);
        this.line(p1x, p1y, p2x, p2y, 3, colors.cut, 0);
      }
    }

    for (const m of scene.messages) {
      const [x, y] = px(m.x, m.y);
      const r = size * 0.014 * (0.4 + 0.6 * m.fade);
      const color = KIND_COLORS[m.kind] ?? KIND_COLORS.read;
      if (m.outcome !== "in-flight" && m.outcome !== "delivered") {
        const d = r * 1.2; // lost on the way: a cross where it ended
        this.line(x - d, y - d, x + d, y + d, 2, colors.cut, 0);
        this.line(x - d, y + d, x + d, y - d, 2, colors.cut, 0);
      } else if (m.response && !m.success) {
        this.circle(x, y, r, colors.nodeBg, color, 2);
      } else {
        this.circle(x, y, r, color, "", 0);
      }
      if (m.held) {
        this.circle(x, y, r + 4, "", colors.held, 2);
      }
    }

    const nr = scene.node_radius * size;
    for (const n of scene.nodes) {
      const [x, y] = px(n.x, n.y);
      const color = !n.up ? colors.down : n.role === "leader" ? colors.leader
        : n.role === "candidate" || n.role === "precandidate" ? colors.candidate : colors.follower;
      this.circle(x, y, nr, n.up ? colors.nodeBg : colors.downBg, color, n.up && n.role === "leader" ? 4 : 2);
      if (n.timer !== "none" && n.timer_left > 0) {
        const start = -Math.PI / 2;
        ctx.beginPath();
        ctx.arc(x, y, nr + 6, start, start + 2 * Math.PI * n.timer_left);
        ctx.lineWidth = 3;
        ctx.strokeStyle = color;
        ctx.setLineDash([]);
        ctx.stroke();
      }
      this.text(x, y - nr * 0.28, `n${n.id}`, nr * 0.42, colors.text, true);
      if (n.up) {
        this.text(x, y + nr * 0.12, ROLE_TEXT[n.role] ?? n.role, nr * 0.3, color, true);
        this.text(x, y + nr * 0.5, `t${n.term}`, nr * 0.28, colors.muted, false);
      } else {
        this.text(x, y + nr * 0.2, "down", nr * 0.32, colors.down, true);
        const d = nr * 0.8;
        this.line(x - d, y - d, x + d, y + d, 2, colors.down, 0);
      }
    }
  }

  line(x1, y1, x2, y2, width, color, dash) {
    const { ctx } = this;
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x2, y2);
    ctx.lineWidth = width;
    ctx.strokeStyle = color;
    ctx.setLineDash(dash ? [dash, dash] : []);
    ctx.stroke();
  }

  circle(x, y, r, fill, stroke, width) {
    const { ctx } = this;
    ctx.beginPath();
    ctx.arc(x, y, Math.max(r, 0.5), 0, 2 * Math.PI);
    if (fill) {
      ctx.fillStyle = fill;
      ctx.fill();
    }
    if (stroke) {
      ctx.lineWidth = width;
      ctx.strokeStyle = stroke;
      ctx.setLineDash([]);
      ctx.stroke();
    }
  }

  text(x, y, text, size, color, bold) {
    const { ctx } = this;
    ctx.font = `${bold ? "bold " : ""}${Math.max(8, Math.round(size))}px system-ui, sans-serif`;
    ctx.fillStyle = color;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(text, x, y);
  }
}

/** Makes an element with a class and optional text (textContent only). */
function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Whether the user asked for less motion. */
const reducedMotion = typeof matchMedia === "function" ? matchMedia("(prefers-reduced-motion: reduce)") : null;

/**
 * <raft-playground>: one cluster, optionally running a scenario, drawn on
 * a canvas with its controls, status, narration and expectations.
 */
/**
 * What the element extends: HTMLElement in a browser; elsewhere (Node.js
 * importing this module for its helpers) a stand-in, so the import works.
 */
const ElementBase = globalThis.HTMLElement ?? class {};

export class RaftPlaygroundElement extends ElementBase {
  static observedAttributes = ["nodes", "seed", "src", "tour", "step", "controls", "panels", "autoplay", "speed", "height", "theme", "narration-pause"];

  /** The shadow root's parts. */
  #ui = null;
  /** The sheet that holds this element's height. */
  #sizeSheet = new CSSStyleSheet();
  /** The loaded playground. */
  #pg = null;
  /** The scenario run, or null for a plain cluster. */
  #run = null;
  /**
   * A tour (the tour attribute): head is the tour's run at its end, steps
   * its steps (loadTour), k the step shown; the cluster shown is head
   * sought to that step's moment.
   */
  #tour = null;
  /** The cluster: the scenario's, or a plain one. */
  #cluster = null;
  /**
   * While a scenario step's wait is animated: a fork of the cluster at the
   * step's start that is run forward to viewEnd, the time the step acted
   * at; what the step produced is shown when the fork gets there.
   */
  #view = null;
  #viewNow = 0; // ns
  #viewEnd = 0; // ns
  #pending = null;
  /** How many narration lines and outcomes have been shown. */
  #shownNarration = 0;
  #shownOutcomes = 0;
  /** The last progress a scenario step reported. */
  #progress = null;
  /** Whether it plays, whether its scenario has ended. */
  #playing = false;
  #ended = false;
  /** Whether play() was called while it loaded. */
  #playWhenLoaded = false;
  /** Whether it is on-screen (IntersectionObserver says so). */
  #onScreen = false;
  /** The pending animation frame, and the time of the last. */
  #raf = 0;
  #lastFrame = 0;
  /** Wall-clock ms gathered towards the next still frame (reduced motion). */
  #stillWait = 0;
  /** Wall-clock ms still to wait so that a narration line can be read. */
  #hold = 0;
  /** Incremented by each (re)start, so a stale async setup gives up. */
  #generation = 0;
  /** Observers and listeners to drop when disconnected. */
  #io = null;
  #ro = null;
  #onVisibility = () => this.#schedule();
  #onMotion = () => this.#schedule();
  /** The last aria-label written. */
  #label = "";

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = [stylesheet(), this.#sizeSheet];
    const stage = el("div", "stage");
    const canvas = el("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", "Raft cluster, loading");
    stage.append(canvas);
    const bar = el("div", "bar");
    const buttons = {
      play: el("button", "play", "Play"),
      step: el("button", "step", "Step"),
      restart: el("button", "restart", "Restart"),
      back: el("button", "back", "Back"),
      next: el("button", "play next", "Next"),
    };
    for (const [name, b] of Object.entries(buttons)) {
      b.type = "button";
      b.dataset.control = name;
    }
    buttons.play.addEventListener("click", () => (this.#playing ? this.pause() : this.play()));
    buttons.step.addEventListener("click", () => this.#guard(() => this.step()));
    buttons.restart.addEventListener("click", () => this.restart());
    buttons.back.disabled = buttons.next.disabled = true; // until a tour has loaded
    buttons.back.addEventListener("click", () => this.#guard(() => this.back()));
    buttons.next.addEventListener("click", () => this.#guard(() => this.next()));
    const status = el("span", "status");
    const narration = el("ol", "panel narration");
    narration.setAttribute("aria-live", "polite");
    narration.setAttribute("aria-label", "Narration");
    const outcomes = el("ul", "panel outcomes");
    outcomes.setAttribute("aria-label", "Expectations");
    const error = el("p", "error");
    error.setAttribute("role", "alert");
    const waiting = el("p", "waiting");
    waiting.setAttribute("role", "status");
    waiting.hidden = true;
    const takeOver = el("button", "take-over", "Play this one instead");
    takeOver.type = "button";
    takeOver.setAttribute("aria-label", "Play this one now, pausing the embed that has animated longest");
    takeOver.addEventListener("click", () => this.playNow());
    waiting.append(el("span", "", `Waiting: ${MAX_ANIMATING} other embeds on this page are animating, the most at once. ` +
      "This one starts when one of them is paused, ends or leaves the screen."), takeOver);
    root.append(stage, waiting, bar, narration, outcomes, error);
    this.#ui = { canvas, bar, buttons, status, narration, outcomes, error, waiting };
  }

  connectedCallback() {
    this.#applyLayout();
    this.#io = new IntersectionObserver((entries) => {
      this.#onScreen = entries[entries.length - 1].isIntersecting;
      this.#schedule();
    });
    this.#io.observe(this);
    this.#ro = new ResizeObserver(() => this.#schedule());
    this.#ro.observe(this.#ui.canvas);
    document.addEventListener("visibilitychange", this.#onVisibility);
    reducedMotion?.addEventListener("change", this.#onMotion);
    if (!this.#cluster) {
      this.restart();
    }
  }

  disconnectedCallback() {
    this.#io?.disconnect();
    this.#ro?.disconnect();
    document.removeEventListener("visibilitychange", this.#onVisibility);
    reducedMotion?.removeEventListener("change", this.#onMotion);
    if (this.#raf) cancelAnimationFrame(this.#raf);
    this.#raf = 0;
    this.#claim(); // not connected: gives its slot to one that waits
    // Keep the cluster while the element is only being moved; free it
    // once it stays out of the document.
    queueMicrotask(() => {
      if (!this.isConnected) this.#teardown();
    });
  }

  attributeChangedCallback(name, old, value) {
    if (old === value || !this.#ui) return;
    if (name === "step" && this.#tour) {
      this.#guard(() => this.#showStep(Math.round(parseNumber(value, 1, this.#tour.steps.length, 1)) - 1));
      return;
    }
    if (["nodes", "seed", "src", "tour"].includes(name)) {
      // Only once it has started: the attributes a parsed element is
      // upgraded with are read by its first start.
      if (this.isConnected && this.#generation > 0) this.restart();
      return;
    }
    this.#applyLayout();
    this.#schedule();
  }

  // ---- The host page's API ----

  /** The cluster this element runs (a Cluster of the loader), or null before it loaded. */
  get cluster() {
    return this.#cluster;
  }

  /** The virtual time shown, in ms. */
  get time() {
    const ns = this.#view ? this.#viewNow : this.#clusterNow();
    return ns / 1e6;
  }

  /** Whether it is playing (it still waits while off-screen or hidden). */
  get playing() {
    return this.#playing;
  }

  /** Whether its scenario has run to its end. */
  get ended() {
    return this.#ended;
  }

  /**
   * Whether it would animate but waits, because MAX_ANIMATING other
   * elements of the page animate (it shows a note saying so).
   */
  get waiting() {
    return slots.isWaiting(this);
  }

  /**
   * Plays now: when it waits for a slot, the element that has animated
   * longest is paused to give it one.
   */
  playNow() {
    this.play();
    this.#claim();
    const paused = slots.takeOver(this);
    if (paused) paused.pause();
    this.#schedule();
  }

  /** Asks for a frame (the page's slots call it when this element gets one). */
  requestFrame() {
    this.#schedule();
  }

  /** The scenario's expectations checked so far (empty for a plain cluster). */
  outcomes() {
    return this.#run ? this.#run.outcomes() : [];
  }

  /**
   * The scenario's trace digest so far (the loader's ScenarioRun.traceDigest),
   * or null without a scenario. Run to its end, an element's scenario has
   * the digest `cmd/scenario -digest` prints: animating it runs forks,
   * never the scenario's own cluster.
   *
   * @returns {?string}
   */
  traceDigest() {
    return this.#run ? this.#run.traceDigest() : null;
  }

  /** The tour's step shown, from 1 (0 outside a tour). */
  get tourStep() {
    return this.#tour ? this.#tour.k + 1 : 0;
  }

  /** Shows the tour's next step (the run sought to its moment). */
  next() {
    if (!this.#tour) throw new Error("next: this element shows no tour");
    this.#showStep(this.#tour.k + 1);
  }

  /** Shows the tour's previous step: exactly the state it showed there. */
  back() {
    if (!this.#tour) throw new Error("back: this element shows no tour");
    this.#showStep(this.#tour.k - 1);
  }

  /** Starts (or resumes) playing; called while it loads, it plays once loaded. */
  play() {
    if (!this.#cluster) {
      this.#playWhenLoaded = true;
      return;
    }
    if (this.#ended) return;
    this.#playing = true;
    this.#lastFrame = 0;
    this.#updateControls();
    this.#schedule();
  }

  /** Pauses. */
  pause() {
    this.#playWhenLoaded = false;
    this.#playing = false;
    this.#updateControls();
    this.#schedule();
  }

  /**
   * One step: the scenario's next step (an animation under way is
   * finished first), or for a plain cluster the next event.
   */
  step() {
    if (!this.#cluster) throw new Error("step: the playground has not loaded yet");
    this.#hold = 0;
    if (this.#view) {
      this.#finishView();
    } else if (this.#run) {
      this.#scenarioStep(false);
      if (this.#view) this.#finishView();
    } else {
      this.#cluster.step();
    }
    this.#schedule();
  }

  /** Starts again from the attributes: a new cluster, the scenario from its start (playing if it was, or with autoplay). */
  restart() {
    // One that was playing goes on playing from the start.
    const playing = this.#playing || this.#playWhenLoaded;
    this.#teardown();
    this.#playWhenLoaded = playing;
    const generation = ++this.#generation;
    this.#setup(generation).catch((err) => {
      if (generation === this.#generation) this.#fail(err);
    });
  }

  /**
   * Crashes a node of this element's cluster now (an animation under way is
   * finished first, so the crash happens in the cluster's present).
   *
   * @param {number} node
   */
  crash(...args) {
    const cluster = this.#now("crash");
    cluster.crash(...args);
    this.#schedule();
  }

  /** Restarts a crashed node. @param {number} node */
  restartNode(...args) {
    const cluster = this.#now("restartNode");
    renamed("restart", "restartNode", () => cluster.restart(...args));
    this.#schedule();
  }

  // ---- Setup ----

  async #setup(generation) {
    this.#ui.error.textContent = "";
    this.#ui.narration.replaceChildren();
    this.#ui.outcomes.replaceChildren();
    const tour = this.#tourName();
    const text = tour !== null ? await this.#tourText(tour) : await this.#scenarioText();
    const pg = this.#pg ?? (this.#pg = await load());
    if (generation !== this.#generation) return;
    if (tour !== null) {
      const { cluster, steps } = pg.loadTour(text);
      this.#tour = { head: cluster, steps, k: 0 };
      this.#applyLayout();
      this.#showStep(Math.round(parseNumber(this.getAttribute("step"), 1, steps.length, 1)) - 1);
      return;
    }
    if (text !== null) {
      this.#run = pg.loadScenario(text);
      this.#cluster = this.#run.cluster;
    } else {
      const opts = {
        nodes: Math.round(parseNumber(this.getAttribute("nodes"), 1, 9, 5)),
        seed: Math.round(parseNumber(this.getAttribute("seed"), 0, Number.MAX_SAFE_INTEGER, 1)),
      };
      this.#cluster = pg.createCluster(opts);
    }
    this.#playing = this.hasAttribute("autoplay") || this.#playWhenLoaded;
    this.#playWhenLoaded = false;
    this.#updateControls();
    this.#schedule();
  }

  /**
   * The scenario's text: the src attribute's (same origin only), a child
   * <script type="text/plain">'s, or null for a plain cluster.
   */
  async #scenarioText() {
    const src = this.getAttribute("src");
    if (src !== null && src.trim() !== "") {
      const url = sameOriginURL(src.trim(), document.baseURI, location.origin);
      if (!url) {
        throw new Error(`src: only a scenario on this page's origin (${location.origin}) can be loaded`);
      }
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) {
        throw new Error(`src: cannot fetch ${url.pathname}: HTTP ${response.status}`);
      }
      const body = await response.text();
      if (body.length > MAX_SCENARIO_BYTES) {
        throw new Error(`src: the scenario is longer than ${MAX_SCENARIO_BYTES} bytes`);
      }
      return body;
    }
    const script = this.querySelector('script[type="text/plain"]');
    return script ? script.textContent : null;
  }

  /** The tour attribute's name when it names one (src comes first), else null. */
  #tourName() {
    const tour = this.getAttribute("tour");
    const src = this.getAttribute("src");
    if (tour === null || tour.trim() === "" || (src !== null && src.trim() !== "")) return null;
    return tour.trim();
  }

  /** A tour's text: tours/NAME.txt beside this module, as the site and the package ship them. */
  async #tourText(name) {
    if (!/^[a-z0-9-]{1,40}$/.test(name)) {
      throw new Error(`tour: ${JSON.stringify(name.slice(0, 40))} is not a tour's name (lower-case letters, digits and -)`);
    }
    const url = new URL(`tours/${name}.txt`, import.meta.url);
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) {
      throw new Error(`tour: there is no tour called ${name} (${url.pathname}: HTTP ${response.status})`);
    }
    const body = await response.text();
    if (body.length > MAX_SCENARIO_BYTES) {
      throw new Error(`tour: the tour is longer than ${MAX_SCENARIO_BYTES} bytes`);
    }
    return body;
  }

  /**
   * Shows the tour's step k (from 0, clamped): the run sought to the
   * step's moment, with its title and narration.
   */
  #showStep(k) {
    const t = this.#tour;
    k = Math.max(0, Math.min(k, t.steps.length - 1));
    const shown = t.head.seek(t.steps[k].at_ns / 1e6);
    if (this.#cluster && this.#cluster !== t.head) this.#cluster.destroy();
    this.#cluster = shown;
    t.k = k;
    const step = t.steps[k];
    const { narration } = this.#ui;
    narration.classList.add("tour");
    const items = [el("li", "title", `Step ${k + 1} of ${t.steps.length}: ${step.title}`)];
    for (const line of step.narration) items.push(el("li", "", line));
    if (step.highlights.length > 0) items.push(el("li", "look", `Look at: ${step.highlights.join(", ")}`));
    narration.replaceChildren(...items);
    narration.scrollTop = 0;
    this.#updateControls();
    this.#schedule();
    this.#emit("tourstep", { step: k + 1, steps: t.steps.length, title: step.title, narration: step.narration, at_ns: step.at_ns });
  }

  /** Destroys the clusters and forgets the run. */
  #teardown() {
    this.#generation++;
    this.#hold = 0;
    this.#stillWait = 0;
    if (this.#tour && this.#cluster !== this.#tour.head) {
      try {
        this.#tour.head.destroy();
      } catch {
        // already gone
      }
    }
    this.#tour = null;
    this.#ui.narration.classList.remove("tour");
    for (const c of [this.#view, this.#cluster]) {
      try {
        c?.destroy();
      } catch {
        // already gone (the instance exited): nothing to free
      }
    }
    this.#view = null;
    this.#pending = null;
    this.#cluster = null;
    this.#run = null;
    this.#progress = null;
    this.#ended = false;
    this.#playing = false;
    this.#shownNarration = 0;
    this.#shownOutcomes = 0;
    this.#label = "";
    this.#claim(); // nothing to animate until it has loaded again
  }

  /** Shows an error in the element and tells the host page. */
  #fail(err) {
    const message = err?.message ?? String(err);
    this.#playing = false;
    this.#ui.error.textContent = message;
    this.#updateControls();
    this.#claim();
    this.#emit("error", { message, line: err?.line, column: err?.column });
  }

  /** Runs fn, reporting an error it throws in the element. */
  #guard(fn) {
    try {
      fn();
    } catch (err) {
      this.#fail(err);
    }
  }

  /** The cluster, in its present (an animation is finished), for method. */
  #now(method) {
    if (!this.#cluster) throw new Error(`${method}: the playground has not loaded yet`);
    if (this.#view) this.#finishView();
    return this.#cluster;
  }

  // ---- Layout ----

  /** Applies the attributes that shape the element. */
  #applyLayout() {
    const height = Math.round(parseNumber(this.getAttribute("height"), HEIGHT_MIN, HEIGHT_MAX, HEIGHT_DEFAULT));
    this.#sizeSheet.replaceSync(`:host { --rp-height: ${height}px; }`);
    const { bar, buttons, status, narration, outcomes } = this.#ui;
    const controls = parseList(this.getAttribute("controls"), CONTROLS, DEFAULT_CONTROLS);
    const panels = parseList(this.getAttribute("panels"), PANELS, DEFAULT_PANELS);
    // A tour steps with Back and Next, whatever the controls attribute says.
    const shown = this.#tourName() !== null ? [buttons.back, buttons.next] : controls.map((c) => buttons[c]);
    if (panels.includes("status")) shown.push(status);
    bar.replaceChildren(...shown);
    narration.hidden = !panels.includes("narration");
    outcomes.hidden = !panels.includes("outcomes");
  }

  #updateControls() {
    const { play, step, back, next } = this.#ui.buttons;
    // Until a tour has loaded (or where it failed) Back and Next do nothing.
    back.disabled = !this.#tour || this.#tour.k === 0;
    next.disabled = !this.#tour || this.#tour.k === this.#tour.steps.length - 1;
    back.setAttribute("aria-label", "Back to the tour's previous step");
    next.setAttribute("aria-label", "On to the tour's next step");
    play.textContent = this.#ended ? "Ended" : this.#playing ? "Pause" : "Play";
    play.setAttribute("aria-label", this.#ended ? "The scenario has ended" : this.#playing ? "Pause the simulation" : "Play the simulation");
    play.disabled = this.#ended || !this.#cluster;
    step.setAttribute("aria-label", this.#run ? "Run the scenario's next step" : "Handle the next event");
    step.disabled = this.#ended || !this.#cluster;
    this.#ui.buttons.restart.setAttribute("aria-label", "Restart from the beginning");
  }

  // ---- The frame loop ----

  /** Whether it wants time to pass now: playing, on screen, in a shown tab. */
  #wants() {
    return this.#playing && !this.#ended && this.#onScreen && !document.hidden && !!this.#cluster && this.isConnected;
  }

  /** Whether time should pass now: it wants to and holds one of the page's slots. */
  #active() {
    return this.#wants() && slots.holds(this);
  }

  /**
   * Takes or gives back one of the page's animation slots by whether it
   * wants to animate, and shows the note while it waits for one.
   *
   * @returns {boolean} whether it holds a slot
   */
  #claim() {
    const holds = slots.want(this, this.#wants());
    this.#ui.waiting.hidden = !slots.isWaiting(this);
    return holds;
  }

  /** Asks for a frame (one draws even while paused). */
  #schedule() {
    this.#claim();
    if (!this.#raf && this.isConnected) {
      this.#raf = requestAnimationFrame((t) => this.#frame(t));
    }
  }

  #frame(t) {
    this.#raf = 0;
    this.#claim(); // an end or a change of state since the last frame
    if (!this.#cluster) return;
    const active = this.#active();
    const dt = active && this.#lastFrame ? Math.min(t - this.#lastFrame, MAX_FRAME_MS) : 0;
    this.#lastFrame = active ? t : 0;
    try {
      if (active && dt > 0) this.#advance(dt);
      this.#draw();
    } catch (err) {
      this.#fail(err);
      return;
    }
    if (this.#claim() && this.#active()) this.#schedule();
  }

  /**
   * How long to pause after a narration line: the narration-pause
   * attribute's ms, "off" for none, or by default by its length.
   */
  #readingTime(text) {
    const attr = this.getAttribute("narration-pause");
    if (attr === "off" || !this.#playing) return 0;
    if (attr !== null && attr !== "auto") return parseNumber(attr, 0, 60000, 0);
    return Math.min(READ_MAX_MS, READ_BASE_MS + READ_CHAR_MS * text.length);
  }

  #speed() {
    return parseNumber(this.getAttribute("speed"), SPEED_MIN, SPEED_MAX, SPEED_DEFAULT);
  }

  #still() {
    return !!reducedMotion?.matches;
  }

  /** Lets dt wall-clock ms pass. */
  #advance(dt) {
    const speed = this.#speed();
    const tempo = Math.max(1, speed / SPEED_DEFAULT);
    if (this.#hold > 0) {
      this.#hold -= dt * tempo;
      return;
    }
    if (this.#still()) {
      if (this.#view) {
        this.#finishView(); // reduced motion was asked for mid-animation
        return;
      }
      // No motion: one still frame per step, a step every STILL_FRAME_MS (faster above the default speed).
      this.#stillWait += dt * tempo;
      if (this.#stillWait < STILL_FRAME_MS) return;
      this.#stillWait = 0;
      if (this.#run) {
        this.#scenarioStep(true);
      } else {
        this.#cluster.run((STILL_FRAME_MS / tempo) * speed);
      }
      return;
    }
    const ms = dt * speed;
    if (this.#view) {
      const left = (this.#viewEnd - this.#viewNow) / 1e6;
      this.#viewNow = Math.round(this.#view.run(Math.min(ms, left)) * 1e6);
      if (this.#viewNow >= this.#viewEnd - 1000) this.#finishView();
    } else if (this.#run) {
      this.#scenarioStep(false);
    } else {
      this.#cluster.run(ms);
    }
  }

  #clusterNow() {
    return this.#cluster ? this.#cluster.status().now_ns : 0;
  }

  /**
   * Runs the scenario's next step. Unless still, the wait before it is
   * replayed on a fork so that it can be drawn moving; what the step did
   * shows when the fork gets there.
   */
  #scenarioStep(still) {
    if (this.#progress?.done) {
      this.#end();
      return;
    }
    const from = this.#clusterNow();
    const progress = this.#run.step();
    this.#pending = progress;
    if (!still && progress.now_ns - from > 1e6) {
      this.#view = this.#cluster.seek(from / 1e6);
      this.#viewNow = from;
      this.#viewEnd = progress.now_ns;
    } else {
      this.#flush();
    }
  }

  /** Ends an animation: drops the fork and shows what the step did. */
  #finishView() {
    try {
      this.#view?.destroy();
    } catch {
      // gone already
    }
    this.#view = null;
    this.#flush();
  }

  /** Shows what the last step did: narration, outcomes, the end. */
  #flush() {
    const progress = this.#pending;
    if (!progress) return;
    this.#pending = null;
    this.#progress = progress;
    const { narration, outcomes } = this.#ui;
    for (const line of this.#run.narration().slice(this.#shownNarration)) {
      this.#shownNarration++;
      this.#hold = Math.max(this.#hold, this.#readingTime(line.text));
      const li = el("li");
      li.append(el("span", "at", formatTime(line.at_ns)), document.createTextNode(line.text));
      narration.append(li);
      narration.scrollTop = narration.scrollHeight;
      this.#emit("narration", line);
    }
    for (const o of this.#run.outcomes().slice(this.#shownOutcomes)) {
      this.#shownOutcomes++;
      const li = el("li", o.pass ? "pass" : "fail");
      li.dataset.line = String(o.line);
      const mark = el("span", "mark", o.pass ? "✓" : "✗");
      mark.setAttribute("aria-hidden", "true");
      li.append(mark, el("span", "visually-hidden", o.pass ? "passed: " : "failed: "), document.createTextNode(o.expect));
      if (!o.pass) li.append(el("span", "observed", ` (line ${o.line}; observed ${o.observed})`));
      outcomes.append(li);
      this.#emit("outcome", o);
    }
    if (progress.error) {
      this.#ui.error.textContent = `line ${progress.error.line}: ${progress.error.message}`;
    }
    if (progress.done) this.#end();
  }

  /** The scenario has run to its end: stop and tell the host page. */
  #end() {
    if (this.#ended) return;
    this.#ended = true;
    this.#playing = false;
    this.#updateControls();
    const outcomes = this.#run.outcomes();
    this.#emit("end", {
      outcomes,
      failed: outcomes.filter((o) => !o.pass).length,
      error: this.#progress?.error ?? null,
      time_ns: this.#progress?.now_ns ?? 0,
    });
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** Draws the cluster (or the fork being animated) as it is now. */
  #draw() {
    const { canvas } = this.#ui;
    const ratio = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(canvas.clientWidth * ratio));
    const h = Math.max(1, Math.round(canvas.clientHeight * ratio));
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    const source = this.#view ?? this.#cluster;
    const scene = source.scene(this.#still() ? 0 : FADE_MS * this.#speed());
    const colors = THEMES[this.getAttribute("theme") === "dark" ? "dark" : "light"];
    const ctx = canvas.getContext("2d");
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = colors.background;
    ctx.fillRect(0, 0, w, h);
    const size = Math.min(w, h);
    new Painter(ctx, colors).paint(scene, (w - size) / 2, (h - size) / 2, size);

    const label = describeScene(scene);
    if (label !== this.#label) {
      this.#label = label;
      canvas.setAttribute("aria-label", label);
    }
    let step = this.#run && this.#progress ? ` · step ${this.#progress.next}/${this.#progress.steps}` : "";
    if (this.#tour) step = ` · tour step ${this.#tour.k + 1}/${this.#tour.steps.length}`;
    const leader = scene.leader ? `leader n${scene.leader}` : "no leader";
    const term = Math.max(0, ...scene.nodes.map((n) => n.term));
    let state = !this.#playing && !this.#ended && !this.#tour ? " · paused" : "";
    if (slots.isWaiting(this)) state = " · waiting for a free slot";
    if (this.#ended) {
      const failed = this.#run.outcomes().filter((o) => !o.pass).length;
      state = ` · ended, ${this.#shownOutcomes - failed}/${this.#shownOutcomes} expectations met`;
    }
    this.#ui.status.textContent = `${formatTime(scene.now_ns)} · ${leader} · term ${term}${step}${state}`;
  }
}

if (typeof customElements !== "undefined" && !customElements.get("raft-playground")) {
  customElements.define("raft-playground", RaftPlaygroundElement);
}

/** The key every message of the iframe's protocol carries. */
const PROTOCOL = "raft-playground";

/** What the iframe's parent may call through postMessage. */
const FRAME_METHODS = {
  play: (e) => e.play(),
  pause: (e) => e.pause(),
  step: (e) => e.step(),
  next: (e) => e.next(),
  back: (e) => e.back(),
  restart: (e) => e.restart(),
  crash: (e, node) => e.crash(node),
  restartNode: (e, node) => e.restartNode(node),
  state: (e) => ({
    time_ms: e.time,
    playing: e.playing,
    ended: e.ended,
    outcomes: e.outcomes(),
    status: e.cluster ? e.cluster.status() : null,
  }),
};

/** The attributes embed.html passes on from its query string. */
const FRAME_ATTRIBUTES = ["nodes", "seed", "src", "tour", "step", "controls", "panels", "autoplay", "speed", "height", "theme"];

/**
 * The origins the iframe answers: its parent's (from ancestorOrigins, or
 * the referrer) and those the allow parameter lists. "null" never is.
 *
 * @param {URLSearchParams} params
 * @returns {Set<string>}
 */
export function allowedOrigins(params, ancestor, referrer) {
  const origins = new Set();
  const add = (s) => {
    try {
      const o = new URL(s).origin;
      if (o !== "null") origins.add(o);
    } catch {
      // not a URL: ignored
    }
  };
  if (ancestor) add(ancestor);
  else if (referrer) add(referrer);
  for (const s of (params.get("allow") ?? "").split(/\s+/).filter(Boolean)) add(s);
  return origins;
}

/**
 * Runs embed.html: one element, configured from the query string, driven
 * by its parent through postMessage.
 */
export function startFrame() {
  const params = new URLSearchParams(location.search);
  const element = document.createElement("raft-playground");
  for (const name of FRAME_ATTRIBUTES) {
    const value = params.get(name);
    if (value !== null) element.setAttribute(name, value);
  }
  const inline = params.get("scenario");
  if (inline !== null && !params.has("src")) {
    const script = document.createElement("script");
    script.type = "text/plain";
    script.textContent = inline; // text, never run nor parsed as markup
    element.append(script);
  }
  const parentOrigin = location.ancestorOrigins?.[0] ?? document.referrer;
  const allowed = allowedOrigins(params, parentOrigin, document.referrer);

  window.addEventListener("message", (event) => {
    const msg = event.data;
    if (!allowed.has(event.origin) || !event.source || typeof msg !== "object" || msg === null || msg[PROTOCOL] !== 1) {
      return; // not ours, or not from an origin we answer
    }
    const reply = { [PROTOCOL]: 1, id: msg.id };
    const method = typeof msg.method === "string" && Object.hasOwn(FRAME_METHODS, msg.method) ? FRAME_METHODS[msg.method] : null;
    try {
      if (!method) throw new Error(`unknown method ${JSON.stringify(String(msg.method)).slice(0, 80)}; known: ${Object.keys(FRAME_METHODS).join(", ")}`);
      const args = Array.isArray(msg.args) ? msg.args : [];
      reply.result = method(element, ...args) ?? null;
    } catch (err) {
      reply.error = err?.message ?? String(err);
    }
    event.source.postMessage(reply, event.origin);
  });

  // The element's events go to the parent, on its origin only.
  const parent = window.parent !== window && allowed.size > 0 ? window.parent : null;
  let parentTarget = null;
  try {
    parentTarget = parentOrigin ? new URL(parentOrigin).origin : null;
  } catch {
    parentTarget = null;
  }
  for (const type of ["narration", "outcome", "end", "error", "tourstep"]) {
    element.addEventListener(type, (ev) => {
      if (parent && parentTarget && parentTarget !== "null") {
        parent.postMessage({ [PROTOCOL]: 1, event: type, detail: ev.detail }, parentTarget);
      }
    });
  }
  document.body.append(element);
}
