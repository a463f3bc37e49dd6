//go:build js && wasm

package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"syscall/js"

	"github.com/hack-pad/safejs"

	"github.com/raftplayground/raftplayground/web/scene"
)

// canvas2D paints on a canvas's 2D context; it is the scene.Canvas of the
// page. Every call from Go into JavaScript costs microseconds, and a frame
// of the views draws thousands of lines, so canvas2D does not call the
// context: it writes each command into a buffer, and flush hands the
// frame's buffer to static/paint.js (globalThis.raftPlaygroundPaint),
// which makes the canvas calls: one crossing per canvas per frame.
// Whoever paints calls flush at the end of a frame. A failing call draws
// nothing, and the next frame tries again.
type canvas2D struct {
	ctx safejs.Value
	// w and h are the canvas's size in CSS pixels; ratio its device
	// pixels per CSS pixel.
	w, h, ratio float64
	// back is the canvas's backdrop (scene.Backdrop), an off-screen
	// canvas made on first use; nil before.
	back *canvas2D
	// fonts are the font strings made so far, by size and weight.
	fonts map[fontKey]string

	// ops are the frame's commands (paint.js lists them).
	ops []float64
	// strs indexes the strings the painter's table holds; added are those
	// added since the last flush, and reset asks the painter to drop its
	// table first.
	strs  map[string]float64
	added []string
	reset bool
	// bytes is ops encoded, and jsBytes a Uint8Array of at least as many
	// bytes, reused from frame to frame.
	bytes   []byte
	jsBytes safejs.Value
	jsCap   int
	// paint is the painter (painter), looked up at the first flush that
	// finds it and again after a failed call; noStrings is the JavaScript
	// "" handed to it for a frame that adds no string. Kept so that a
	// frame's flush allocates nothing (see paintCall).
	paint, noStrings js.Value
}

type fontKey struct {
	px   int
	bold bool
}

// The painter's commands (static/paint.js).
const (
	opClear = iota
	opLine
	opCircle
	opArc
	opRect
	opText
	opImage
	opShift
)

// maxStrings bounds a painter's string table: past it, both sides start
// afresh (texts such as log indexes keep coming).
const maxStrings = 4096

// painter is static/paint.js's function; paint.js is loaded before the
// WebAssembly (boot.js imports it).
func painter() (safejs.Value, error) {
	p, err := safejs.Global().Get("raftPlaygroundPaint")
	if err != nil {
		return p, err
	}
	if p.Type() != safejs.TypeFunction {
		return p, errors.New("raftPlaygroundPaint (static/paint.js) is not loaded")
	}
	return p, nil
}

// resize records the canvas's new size.
func (c *canvas2D) resize(w, h float64) { c.w, c.h = w, h }

// scale records the canvas's device pixels per CSS pixel (its backdrop's
// too).
func (c *canvas2D) scale(ratio float64) { c.ratio = ratio }

// Ratio is the canvas's device pixels per CSS pixel.
func (c *canvas2D) Ratio() float64 { return max(c.ratio, 1e-3) }

// Backdrop returns the canvas's off-screen backdrop, w by h CSS pixels at
// the canvas's pixel ratio, making it on first use (the painter finds it
// as the context's raftBackdrop). Resizing it clears it. Without a
// document it returns a canvas whose commands are dropped.
func (c *canvas2D) Backdrop(w, h float64) scene.Canvas {
	if c.back == nil {
		c.back = &canvas2D{}
		if doc, err := safejs.Global().Get("document"); err == nil {
			if el, err := doc.Call("createElement", "canvas"); err == nil {
				if ctx, err := el.Call("getContext", "2d"); err == nil && !ctx.IsNull() {
					c.back.ctx = ctx
					_ = c.ctx.Set("raftBackdrop", el)
				}
			}
		}
	}
	b := c.back
	if w != b.w || h != b.h || c.ratio != b.ratio {
		b.ops = b.ops[:0]
		b.resize(w, h)
		b.scale(c.ratio)
		if el, err := b.ctx.Get("canvas"); err == nil {
			_ = el.Set("width", math.Round(w*c.ratio))
			_ = el.Set("height", math.Round(h*c.ratio))
			_, _ = b.ctx.Call("setTransform", c.ratio, 0, 0, c.ratio, 0, 0)
		}
	}
	return b
}

// Blit copies the backdrop's rectangle at (sx, 0), w by h CSS pixels, to
// (dx, 0).
func (c *canvas2D) Blit(sx, w, h, dx float64) {
	c.ops = append(c.ops, opImage, sx, 0, w, h, dx, 0, c.Ratio())
}

// ShiftBackdrop moves the backdrop's content dx CSS pixels to the left.
func (c *canvas2D) ShiftBackdrop(dx float64) {
	if c.back != nil {
		c.back.ops = append(c.back.ops, opShift, math.Round(dx*c.Ratio()))
	}
}

// str is the painter's index of s, -1 for "" (none).
func (c *canvas2D) str(s string) float64 {
	if s == "" {
		return -1
	}
	if i, ok := c.strs[s]; ok {
		return i
	}
	if c.strs == nil || len(c.strs) >= maxStrings {
		c.strs = map[string]float64{}
		c.added = c.added[:0]
		c.reset = true
	}
	i := float64(len(c.strs))
	c.strs[s] = i
	c.added = append(c.added, s)
	return i
}

// flush hands the frame's commands to the painter.
func (c *canvas2D) flush() {
	if c.back != nil {
		c.back.flush() // what this frame blits from it
	}
	if len(c.ops) == 0 || c.ctx.IsUndefined() {
		return
	}
	defer func() { c.ops = c.ops[:0] }()
	n := len(c.ops) * 8
	if cap(c.bytes) < n {
		c.bytes = make([]byte, n, 2*n)
	}
	c.bytes = c.bytes[:n]
	for i, v := range c.ops {
		binary.LittleEndian.PutUint64(c.bytes[i*8:], math.Float64bits(v))
	}
	if c.jsCap < n {
		u8, err := safejs.Global().Get("Uint8Array")
		if err != nil {
			return
		}
		if c.jsBytes, err = u8.New(2 * n); err != nil {
			return
		}
		c.jsCap = 2 * n
	}
	if c.paint.IsUndefined() {
		p, err := painter()
		if err != nil {
			return
		}
		c.paint, c.noStrings = safejs.Unsafe(p), js.ValueOf("")
	}
	strs := c.noStrings
	if len(c.added) > 0 {
		strs = js.ValueOf(strings.Join(c.added, "\x00"))
	}
	if err := c.paintCall(n, strs); err != nil {
		// The painter's table may hold part of this frame's strings:
		// both sides start afresh with the next string, and the painter
		// is looked up again.
		c.strs, c.added, c.paint = nil, c.added[:0], js.Value{}
		return
	}
	c.added, c.reset = c.added[:0], false
}

// paintCall copies the frame's n bytes to the painter's array and calls the
// painter with strs, the strings added since the last flush. It is the
// frame's one crossing into JavaScript, and goes through syscall/js rather
// than safejs (whose every call allocates a closure, the arguments'
// conversions and a handle for each result): a JavaScript exception comes
// back as the error, as safejs would return it.
func (c *canvas2D) paintCall(n int, strs js.Value) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("painter: %v", r)
		}
	}()
	js.CopyBytesToJS(safejs.Unsafe(c.jsBytes), c.bytes)
	c.paint.Invoke(safejs.Unsafe(c.ctx), safejs.Unsafe(c.jsBytes), n, strs, c.reset)
	return nil
}

func (c *canvas2D) Clear() { c.ops = append(c.ops, opClear, c.w, c.h) }

func (c *canvas2D) Rect(x, y, w, h float64, fill, stroke string, width float64) {
	c.ops = append(c.ops, opRect, x, y, w, h, c.str(fill), c.str(stroke), width)
}

func (c *canvas2D) Line(x1, y1, x2, y2, width float64, color string, dash float64) {
	c.ops = append(c.ops, opLine, x1, y1, x2, y2, width, c.str(color), dash)
}

func (c *canvas2D) Circle(x, y, r float64, fill, stroke string, width float64) {
	c.ops = append(c.ops, opCircle, x, y, r, c.str(fill), c.str(stroke), width)
}

func (c *canvas2D) Arc(x, y, r, a1, a2, width float64, color string) {
	c.ops = append(c.ops, opArc, x, y, r, a1, a2, width, c.str(color))
}

func (c *canvas2D) Text(x, y float64, text string, size float64, color string, bold bool) {
	if text == "" {
		return
	}
	k := fontKey{int(math.Round(size)), bold}
	font, ok := c.fonts[k]
	if !ok {
		weight := "400 "
		if bold {
			weight = "600 "
		}
		font = fmt.Sprintf("%s%dpx system-ui, sans-serif", weight, k.px)
		if c.fonts == nil {
			c.fonts = map[fontKey]string{}
		}
		c.fonts[k] = font
	}
	c.ops = append(c.ops, opText, x, y, c.str(text), c.str(font), c.str(color))
}
