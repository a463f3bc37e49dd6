// Raft Playground: paints one canvas frame from the commands that the
// WebAssembly wrote into a single buffer (wasm/canvas.go). A call from Go
// into JavaScript costs microseconds and a frame of the cluster view, the
// logs and the space-time diagram draws thousands of lines, so Go crosses
// once per canvas per frame and this loop makes the canvas calls. A file of
// its own (imported by boot.js): the page's Content-Security-Policy allows
// no inline script.
//
// The buffer is float64s, little-endian, one command after another:
//   0 clear    w h
//   1 line     x1 y1 x2 y2 width color dash
//   2 circle   x y r fill stroke width
//   3 arc      x y r a1 a2 width color
//   4 rect     x y w h fill stroke width
//   5 text     x y text font color
//   6 image    sx sy w h dx dy ratio: copies the context's raftBackdrop
//              canvas (sx, sy, w, h in its CSS pixels) to (dx, dy)
//   7 shift    dx: moves the canvas's pixels dx device pixels to the left,
//              clearing what they uncover
// Colours, texts and fonts are indexes into the canvas's string table (-1:
// none), which each call may extend with "\0"-joined strings, or start
// afresh.

/**
 * @param {CanvasRenderingContext2D} ctx
 * @param {Uint8Array} bytes the commands
 * @param {number} length how many bytes of them
 * @param {string} added new strings for the table, "\0"-joined ("" for none)
 * @param {boolean} reset whether the table starts afresh
 */
function paint(ctx, bytes, length, added, reset) {
  if (reset || !ctx.raftStrings) {
    ctx.raftStrings = [];
  }
  const table = ctx.raftStrings;
  if (added !== "") {
    for (const s of added.split("\u0000")) {
      table.push(s);
    }
  }
  const f = new Float64Array(bytes.buffer, bytes.byteOffset, length / 8);
  // The context's styles as set by this call: set again only when they change.
  let stroke = null, fill = null, width = -1, dash = -1, font = null;
  // An open path of lines in one style, stroked when the style changes.
  let open = false, pathWidth = 0, pathColor = -1, pathDash = 0;
  const end = () => {
    if (open) {
      ctx.stroke();
      open = false;
    }
  };
  const setStroke = (c, w) => {
    const s = table[c];
    if (s !== stroke) {
      ctx.strokeStyle = s;
      stroke = s;
    }
    if (w !== width) {
      ctx.lineWidth = w;
      width = w;
    }
  };
  const setDash = (d) => {
    if (d !== dash) {
      ctx.setLineDash(d > 0 ? [d, d] : []);
      dash = d;
    }
  };
  const setFill = (c) => {
    const s = table[c];
    if (s !== fill) {
      ctx.fillStyle = s;
      fill = s;
    }
  };
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  for (let i = 0; i < f.length; ) {
    switch (f[i]) {
      case 0:
        end();
        ctx.clearRect(0, 0, f[i + 1], f[i + 2]);
        i += 3;
        break;
      case 1: {
        const w = f[i + 5], c = f[i + 6], d = f[i + 7];
        if (!open || w !== pathWidth || c !== pathColor || d !== pathDash) {
          end();
          setDash(d);
          setStroke(c, w);
          ctx.beginPath();
          open = true;
          pathWidth = w;
          pathColor = c;
          pathDash = d;
        }
        ctx.moveTo(f[i + 1], f[i + 2]);
        ctx.lineTo(f[i + 3], f[i + 4]);
        i += 8;
        break;
      }
      case 2: {
        end();
        ctx.beginPath();
        ctx.arc(f[i + 1], f[i + 2], f[i + 3], 0, 2 * Math.PI);
        if (f[i + 4] >= 0) {
          setFill(f[i + 4]);
          ctx.fill();
        }
        if (f[i + 5] >= 0) {
          setDash(0);
          setStroke(f[i + 5], f[i + 6]);
          ctx.stroke();
        }
        i += 7;
        break;
      }
      case 3:
        end();
        setDash(0);
        setStroke(f[i + 7], f[i + 6]);
        ctx.beginPath();
        ctx.arc(f[i + 1], f[i + 2], f[i + 3], f[i + 4], f[i + 5]);
        ctx.stroke();
        i += 8;
        break;
      case 4:
        end();
        if (f[i + 5] >= 0) {
          setFill(f[i + 5]);
          ctx.fillRect(f[i + 1], f[i + 2], f[i + 3], f[i + 4]);
        }
        if (f[i + 6] >= 0) {
          setDash(0);
          setStroke(f[i + 6], f[i + 7]);
          ctx.strokeRect(f[i + 1], f[i + 2], f[i + 3], f[i + 4]);
        }
        i += 8;
        break;
      case 5: {
        end();
        setFill(f[i + 5]);
        const fo = table[f[i + 4]];
        if (fo !== font) {
          ctx.font = fo;
          font = fo;
        }
        ctx.fillText(table[f[i + 3]], f[i + 1], f[i + 2]);
        i += 6;
        break;
      }
      case 6: {
        end();
        const src = ctx.raftBackdrop, r = f[i + 7];
        if (src && src.width > 0 && src.height > 0) {
          ctx.drawImage(src, f[i + 1] * r, f[i + 2] * r, f[i + 3] * r, f[i + 4] * r, f[i + 5], f[i + 6], f[i + 3], f[i + 4]);
        }
        i += 8;
        break;
      }
      case 7: {
        end();
        const cv = ctx.canvas, k = f[i + 1];
        ctx.save();
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        if (k < cv.width) {
          ctx.globalCompositeOperation = "copy";
          ctx.drawImage(cv, k, 0, cv.width - k, cv.height, 0, 0, cv.width - k, cv.height);
          ctx.globalCompositeOperation = "source-over";
        }
        ctx.clearRect(Math.max(0, cv.width - k), 0, Math.min(k, cv.width), cv.height);
        ctx.restore();
        i += 2;
        break;
      }
      default:
        throw new Error(`raftPlaygroundPaint: unknown command ${f[i]} at ${i}`);
    }
  }
  end();
}

globalThis.raftPlaygroundPaint = paint;
