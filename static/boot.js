// Raft Playground: starts the page (index.html). Loads the WebAssembly with a
// progress bar of the bytes received; if the page cannot start, #boot-error
// says why. A file of its own, not an inline script, so the page runs under
// a Content-Security-Policy without 'unsafe-inline' (README, "Serving").

import "./paint.js"; // the views' painter, which the WebAssembly calls
import { load } from "./raft-playground.js";

const bar = document.getElementById("boot-progress");
const status = document.getElementById("boot-status");

/** Megabytes, one decimal: "1.2 MB". */
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Shows the download's progress; an unknown total leaves the bar indeterminate. */
function progress(received, total) {
  if (!bar) {
    return;
  }
  if (total) {
    bar.max = total;
    bar.value = Math.min(received, total);
  }
  const done = total !== null && received >= total;
  if (status) {
    status.textContent = done
      ? "Starting the cluster…"
      : `Loading the Raft Playground: ${mb(received)}${total ? ` of ${mb(total)}` : ""}`;
  }
}

/** Says in #boot-error why the page did not start. */
function fail(err) {
  const el = document.getElementById("boot-error");
  if (el) {
    el.textContent = `The Raft Playground could not start: ${err?.message ?? err}`;
  }
  if (status) {
    status.textContent = "";
  }
  bar?.remove();
}

load({ onProgress: progress }).catch(fail);
