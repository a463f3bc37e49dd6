// Raft Playground: the page's DOM applier. Go's internal/domsync compares
// each Vugu render pass with the previous one and sends only the changes,
// as one byte buffer of ops per pass; this file applies them, keeps the
// node of each id, and forwards DOM events back to Go. A file of its own
// (index.html loads it before the WebAssembly), so the page needs no eval.
//
// The wire format is internal/domsync/ops.go's: an opcode byte, then node
// ids as unsigned varints and strings as a varint byte length and UTF-8.

const opElement = 1;
const opText = 2;
const opComment = 3;
const opSetAttr = 4;
const opRemoveAttr = 5;
const opSetData = 6;
const opSetInnerHTML = 7;
const opAppend = 8;
const opReplace = 9;
const opRemove = 10;
const opListen = 11;
const opUnlisten = 12;
const opMount = 13;

const flagCapture = 1;
const flagPassive = 2;

/** The properties of an event's target that Go's handlers may read
 * (vugu.DOMEvent's PropString("target", "value") and the like). */
const targetProps = ["value", "checked", "selectedIndex", "scrollTop", "scrollLeft", "id", "tagName"];

/** The properties of the event itself that Go's handlers may read. */
const eventProps = ["type", "key", "code", "button", "clientX", "clientY", "altKey", "ctrlKey", "metaKey", "shiftKey"];

const text = new TextDecoder();
/** Each node's id, on the node, so one listener serves every element. */
const idKey = Symbol("domsync id");

/** The nodes by id. A node that left the page stays until its id is reused. */
const nodes = [];
/** Go's event handler: (id, type, capture, summary as JSON). */
let onEvent = null;
/** The id of the element that the page's root replaces. */
let mountID = "";
/** The event Go is handling now, for vugu.DOMEvent's PreventDefault and the like. */
let active = null;

/** The primitive values of obj's props. */
function pick(obj, props) {
  const out = {};
  for (const k of props) {
    const v = obj[k];
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") {
      out[k] = v;
    }
  }
  return out;
}

/** Sends ev, caught on its currentTarget, to Go, unless that node left the page. */
function forward(ev, capture) {
  const el = ev.currentTarget;
  const id = el?.[idKey];
  if (!onEvent || id === undefined || nodes[id] !== el) {
    return;
  }
  const summary = pick(ev, eventProps);
  if (ev.target) {
    summary.target = pick(ev.target, targetProps);
  }
  const outer = active;
  active = ev;
  try {
    onEvent(id, ev.type, capture, JSON.stringify(summary));
  } finally {
    active = outer;
  }
}

const onBubble = (ev) => forward(ev, false);
const onCapture = (ev) => forward(ev, true);

// What vugu.DOMEvent calls on window for the event being handled.
globalThis.vuguGetActiveEvent = () => active;
globalThis.vuguGetActiveEventTarget = () => active?.target;
globalThis.vuguGetActiveEventCurrentTarget = () => active?.currentTarget;
globalThis.vuguActiveEventPreventDefault = () => active?.preventDefault();
globalThis.vuguActiveEventStopPropagation = () => active?.stopPropagation();

/**
 * Whether an input should show a new value attribute at once. The
 * attribute is only the default: once the user has edited a field the
 * browser shows its own value, so a slider dragged once would no longer
 * follow what the page sets. The value is set too, but not into a text
 * field that has the focus, where the user may be typing ahead of the last
 * pass (and a new value would move the caret).
 */
function showsValue(el) {
  return el instanceof HTMLInputElement && (el !== document.activeElement || el.type === "range");
}

/** Puts node under id. */
function keep(id, node) {
  node[idKey] = id;
  nodes[id] = node;
}

/** Applies the first length bytes of buf's ops. */
function apply(buf, length) {
  let p = 0;
  const uint = () => {
    let x = 0;
    let scale = 1;
    for (;;) {
      const b = buf[p++];
      x += (b & 0x7f) * scale;
      if (b < 0x80) {
        return x;
      }
      scale *= 128;
    }
  };
  const str = () => {
    const n = uint();
    const s = n === 0 ? "" : text.decode(buf.subarray(p, p + n));
    p += n;
    return s;
  };
  const listen = (add) => {
    const el = nodes[uint()];
    const flags = buf[p++];
    const type = str();
    const capture = (flags & flagCapture) !== 0;
    const fn = capture ? onCapture : onBubble;
    if (add) {
      el.addEventListener(type, fn, { capture, passive: (flags & flagPassive) !== 0 });
    } else {
      el.removeEventListener(type, fn, { capture });
    }
  };
  while (p < length) {
    const op = buf[p++];
    switch (op) {
      case opElement: {
        const id = uint();
        keep(id, document.createElement(str()));
        break;
      }
      case opText: {
        const id = uint();
        keep(id, document.createTextNode(str()));
        break;
      }
      case opComment: {
        const id = uint();
        keep(id, document.createComment(str()));
        break;
      }
      case opSetAttr: {
        const el = nodes[uint()];
        const key = str();
        const value = str();
        el.setAttribute(key, value);
        if (key === "value" && showsValue(el)) {
          el.value = value;
        }
        break;
      }
      case opRemoveAttr: {
        const el = nodes[uint()];
        el.removeAttribute(str());
        break;
      }
      case opSetData: {
        const node = nodes[uint()];
        node.data = str();
        break;
      }
      case opSetInnerHTML: {
        const el = nodes[uint()];
        el.innerHTML = str();
        break;
      }
      case opAppend: {
        const parent = nodes[uint()];
        parent.appendChild(nodes[uint()]);
        break;
      }
      case opReplace: {
        const old = nodes[uint()];
        old.replaceWith(nodes[uint()]);
        break;
      }
      case opRemove:
        nodes[uint()].remove();
        break;
      case opListen:
        listen(true);
        break;
      case opUnlisten:
        listen(false);
        break;
      case opMount: {
        const root = nodes[uint()];
        const mount = document.getElementById(mountID);
        if (!mount) {
          throw new Error(`domsync: no #${mountID} to mount the page in`);
        }
        mount.replaceWith(root);
        break;
      }
      default:
        throw new Error(`domsync: unknown op ${op} at byte ${p - 1}`);
    }
  }
}

/** Where Go's internal/domsync finds the applier. */
globalThis.domsync = {
  /** Starts a page: its root replaces #mount; handler gets the DOM events. */
  start(mount, handler) {
    mountID = mount;
    onEvent = handler;
  },
  /** A buffer of at least size bytes for the ops. */
  buffer(size) {
    return new Uint8Array(size);
  },
  apply,
};
