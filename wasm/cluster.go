//go:build js && wasm

package main

// The cluster view: a canvas the page keeps outside Vugu's tree (Vugu
// would reset its size, and so clear it, at every render), painted at every
// animation frame from the playground's scene, and clicked to select a
// message or to cut or heal a link.

import (
	"errors"
	"fmt"
	"math"

	"github.com/hack-pad/safejs"
	"github.com/vugu/vugu"

	"github.com/raftplayground/raftplayground/web"
)

// clusterCanvasID is the id of the cluster view's canvas in index.html.
const clusterCanvasID = "cluster-canvas"

// clickTolerance is how far from a message or link, in the view's unit
// square, a click still picks it (generous: messages move).
const clickTolerance = 0.03

// startClusterView starts painting the playground into the page's cluster
// canvas, if the page has one, and views in the same animation frame.
// Every frame and every click takes env's lock, as every other use of the
// playground does.
func startClusterView(doc safejs.Value, pg *web.Playground, env vugu.EventEnv, views []*canvasView) error {
	canvas, err := doc.Call("getElementById", clusterCanvasID)
	if err != nil {
		return fmt.Errorf("cluster view: %w", err)
	}
	if canvas.IsNull() || canvas.IsUndefined() {
		return nil // a page without the views
	}
	ctx, err := canvas.Call("getContext", "2d")
	if err != nil || ctx.IsNull() {
		return fmt.Errorf("cluster view: no 2D context: %v", err)
	}
	cv := &canvas2D{ctx: ctx}
	win := safejs.Global()
	size, ratio := 0.0, 0.0

	var frame safejs.Func
	frame, err = safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		if s, r, err := measure(canvas, win); err == nil && (s != size || r != ratio) {
			size, ratio = s, r
			px := math.Round(size * ratio)
			_ = canvas.Set("width", px)
			_ = canvas.Set("height", px)
			_, _ = ctx.Call("setTransform", ratio, 0, 0, ratio, 0, 0)
			cv.w, cv.h = size, size
			env.Lock()
			pg.ResizeCluster()
			env.UnlockOnly()
		}
		if size > 0 {
			env.Lock()
			pg.PaintCluster(cv, size)
			env.UnlockOnly()
		}
		paintViews(views, pg, env, win)
		_, _ = win.Call("requestAnimationFrame", frame.Value())
		return nil
	})
	if err != nil {
		return fmt.Errorf("cluster view: %w", err)
	}

	click, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		if len(args) == 0 || size <= 0 {
			return nil
		}
		x, errX := floatProp(args[0], "offsetX")
		y, errY := floatProp(args[0], "offsetY")
		if errX != nil || errY != nil {
			return nil
		}
		env.Lock()
		pg.ClickCluster(x/size, y/size, clickTolerance)
		env.UnlockRender()
		return nil
	})
	if err != nil {
		return fmt.Errorf("cluster view: %w", err)
	}
	if _, err := canvas.Call("addEventListener", "click", click.Value()); err != nil {
		return fmt.Errorf("cluster view: %w", err)
	}
	_, err = win.Call("requestAnimationFrame", frame.Value())
	return err
}

// measure returns the canvas's size on the page in CSS pixels (its width:
// the view is square) and the device's pixels per CSS pixel.
func measure(canvas, win safejs.Value) (size, ratio float64, err error) {
	size, err = floatProp(canvas, "clientWidth")
	if err != nil {
		return 0, 0, err
	}
	ratio, err = floatProp(win, "devicePixelRatio")
	if err != nil || ratio <= 0 {
		ratio = 1
	}
	return size, ratio, nil
}

func floatProp(v safejs.Value, name string) (float64, error) {
	p, err := v.Get(name)
	if err != nil {
		return 0, err
	}
	if p.Type() != safejs.TypeNumber {
		return 0, errors.New(name + " is not a number")
	}
	return p.Float()
}

// canvas2D paints on a canvas's 2D context; it is the scene.Canvas of the
// page. A failing call draws nothing, and the next frame tries again.
type canvas2D struct {
	ctx safejs.Value
	// w and h are the canvas's size in CSS pixels.
	w, h float64
	// fonts are the font strings made so far, by size and weight.
	fonts map[fontKey]string
}

type fontKey struct {
	px   int
	bold bool
}

func (c *canvas2D) call(m string, args ...any) { _, _ = c.ctx.Call(m, args...) }

func (c *canvas2D) Clear() { c.call("clearRect", 0, 0, c.w, c.h) }

func (c *canvas2D) Rect(x, y, w, h float64, fill, stroke string, width float64) {
	if fill != "" {
		_ = c.ctx.Set("fillStyle", fill)
		c.call("fillRect", x, y, w, h)
	}
	if stroke != "" {
		_ = c.ctx.Set("lineWidth", width)
		_ = c.ctx.Set("strokeStyle", stroke)
		c.call("strokeRect", x, y, w, h)
	}
}

func (c *canvas2D) Line(x1, y1, x2, y2, width float64, color string, dash float64) {
	c.call("beginPath")
	if dash > 0 {
		c.call("setLineDash", []any{dash, dash})
	}
	_ = c.ctx.Set("lineWidth", width)
	_ = c.ctx.Set("strokeStyle", color)
	c.call("moveTo", x1, y1)
	c.call("lineTo", x2, y2)
	c.call("stroke")
	if dash > 0 {
		c.call("setLineDash", []any{})
	}
}

func (c *canvas2D) Circle(x, y, r float64, fill, stroke string, width float64) {
	c.call("beginPath")
	c.call("arc", x, y, r, 0, 2*math.Pi)
	if fill != "" {
		_ = c.ctx.Set("fillStyle", fill)
		c.call("fill")
	}
	if stroke != "" {
		_ = c.ctx.Set("lineWidth", width)
		_ = c.ctx.Set("strokeStyle", stroke)
		c.call("stroke")
	}
}

func (c *canvas2D) Arc(x, y, r, a1, a2, width float64, color string) {
	c.call("beginPath")
	c.call("arc", x, y, r, a1, a2)
	_ = c.ctx.Set("lineWidth", width)
	_ = c.ctx.Set("strokeStyle", color)
	c.call("stroke")
}

func (c *canvas2D) Text(x, y float64, text string, size float64, color string, bold bool) {
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
	_ = c.ctx.Set("font", font)
	_ = c.ctx.Set("fillStyle", color)
	_ = c.ctx.Set("textAlign", "center")
	_ = c.ctx.Set("textBaseline", "middle")
	c.call("fillText", text, x, y)
}
