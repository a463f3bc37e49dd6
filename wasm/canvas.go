//go:build js && wasm

package main

import (
	"fmt"
	"math"

	"github.com/hack-pad/safejs"
)

// canvas2D paints on a canvas's 2D context; it is the scene.Canvas of the
// page. A failing call draws nothing, and the next frame tries again.
//
// Every call into JavaScript costs about a microsecond, and a space-time
// diagram draws hundreds of lines a frame, so canvas2D makes few: it sets
// a style only when it differs from the one the context has, and strokes
// consecutive lines of one style as one path (flush ends it; whoever
// paints calls flush at the end of a frame).
type canvas2D struct {
	ctx safejs.Value
	// w and h are the canvas's size in CSS pixels.
	w, h float64
	// fonts are the font strings made so far, by size and weight.
	fonts map[fontKey]string

	// The context's styles as last set; known is false when they are
	// not known (a new or resized canvas resets them).
	known           bool
	stroke, fill    string
	font            string
	lineWidth, dash float64
	// open: a path of lines in style (pathWidth, pathColor, pathDash) is
	// begun and not yet stroked.
	open                bool
	pathWidth, pathDash float64
	pathColor           string
}

type fontKey struct {
	px   int
	bold bool
}

func (c *canvas2D) call(m string, args ...any) { _, _ = c.ctx.Call(m, args...) }

// resize records the canvas's new size; resizing a canvas resets its
// context's styles.
func (c *canvas2D) resize(w, h float64) {
	c.w, c.h = w, h
	c.known, c.open = false, false
}

// flush strokes the lines of the open path.
func (c *canvas2D) flush() {
	if c.open {
		c.call("stroke")
		c.open = false
	}
}

func (c *canvas2D) setStroke(color string, width float64) {
	if !c.known || color != c.stroke {
		_ = c.ctx.Set("strokeStyle", color)
		c.stroke = color
	}
	if !c.known || width != c.lineWidth {
		_ = c.ctx.Set("lineWidth", width)
		c.lineWidth = width
	}
	c.markKnown()
}

func (c *canvas2D) setFill(color string) {
	if !c.known || color != c.fill {
		_ = c.ctx.Set("fillStyle", color)
		c.fill = color
	}
	c.markKnown()
}

func (c *canvas2D) setDash(dash float64) {
	if c.known && dash == c.dash {
		return
	}
	if dash > 0 {
		c.call("setLineDash", []any{dash, dash})
	} else {
		c.call("setLineDash", []any{})
	}
	c.dash = dash
	c.markKnown()
}

// markKnown: the styles not set yet are set to what canvas2D believes
// (the context's defaults are not), so everything is known from here on.
func (c *canvas2D) markKnown() {
	if c.known {
		return
	}
	c.known = true
	_ = c.ctx.Set("strokeStyle", c.stroke)
	_ = c.ctx.Set("lineWidth", c.lineWidth)
	_ = c.ctx.Set("fillStyle", c.fill)
	if c.dash > 0 {
		c.call("setLineDash", []any{c.dash, c.dash})
	} else {
		c.call("setLineDash", []any{})
	}
	if c.font != "" {
		_ = c.ctx.Set("font", c.font)
	}
	_ = c.ctx.Set("textAlign", "center")
	_ = c.ctx.Set("textBaseline", "middle")
}

func (c *canvas2D) Clear() {
	c.flush()
	c.call("clearRect", 0, 0, c.w, c.h)
}

func (c *canvas2D) Rect(x, y, w, h float64, fill, stroke string, width float64) {
	c.flush()
	if fill != "" {
		c.setFill(fill)
		c.call("fillRect", x, y, w, h)
	}
	if stroke != "" {
		c.setDash(0)
		c.setStroke(stroke, width)
		c.call("strokeRect", x, y, w, h)
	}
}

func (c *canvas2D) Line(x1, y1, x2, y2, width float64, color string, dash float64) {
	if !c.open || width != c.pathWidth || color != c.pathColor || dash != c.pathDash {
		c.flush()
		c.setDash(dash)
		c.setStroke(color, width)
		c.call("beginPath")
		c.open, c.pathWidth, c.pathColor, c.pathDash = true, width, color, dash
	}
	c.call("moveTo", x1, y1)
	c.call("lineTo", x2, y2)
}

func (c *canvas2D) Circle(x, y, r float64, fill, stroke string, width float64) {
	c.flush()
	c.call("beginPath")
	c.call("arc", x, y, r, 0, 2*math.Pi)
	if fill != "" {
		c.setFill(fill)
		c.call("fill")
	}
	if stroke != "" {
		c.setDash(0)
		c.setStroke(stroke, width)
		c.call("stroke")
	}
}

func (c *canvas2D) Arc(x, y, r, a1, a2, width float64, color string) {
	c.flush()
	c.setDash(0)
	c.setStroke(color, width)
	c.call("beginPath")
	c.call("arc", x, y, r, a1, a2)
	c.call("stroke")
}

func (c *canvas2D) Text(x, y float64, text string, size float64, color string, bold bool) {
	c.flush()
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
	c.setFill(color)
	if font != c.font {
		_ = c.ctx.Set("font", font)
		c.font = font
	}
	c.call("fillText", text, x, y)
}
