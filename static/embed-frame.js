// Raft Playground: starts embed.html's element from its query string. A file
// of its own, not an inline script, so the page runs under the
// Content-Security-Policy that cmd/serve sends (script-src 'self').
import { startFrame } from "./raft-playground-embed.js";

startFrame();
