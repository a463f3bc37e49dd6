//go:build js && wasm

package main

// The logs view and the space-time diagram: two canvases the page keeps
// outside Vugu's tree, beside the cluster view, painted in the cluster
// view's animation frame when what they show changed. Each is as wide as
// the page lays it out and as high as its rows need: the canvas's height
// attribute sets it (the stylesheet gives it width: 100% and height: auto),
// so no inline style is written.

import (
	"fmt"
	"math"

	"github.com/hack-pad/safejs"
	"github.com/vugu/vugu"

	"github.com/raftplayground/raftplayground/web"
)

// Ids of the views' canvases in index.html.
const (
	logsCanvasID      = "logs-canvas"
	spaceTimeCanvasID = "spacetime-canvas"
)

// canvasView is one of the views: its canvas, the size it was last given,
// and what the playground does to paint it and on a click.
type canvasView struct {
	canvas safejs.Value
	cv     *canvas2D
	// width and ratio are the CSS width and device pixel ratio the canvas
	// was sized for, height the CSS height it was given.
	width, ratio, height float64
	// heightFor is the CSS height the view needs at a CSS width; paint
	// paints it and reports whether it did; painted runs after a paint.
	heightFor func(width float64) float64
	paint     func(c *canvas2D, width float64) bool
	painted   func()
}

// startViews finds the views' canvases (a page may have neither) and
// listens for clicks on them; the cluster view's frame paints them.
func startViews(doc safejs.Value, pg *web.Playground, env vugu.EventEnv) ([]*canvasView, error) {
	var views []*canvasView
	logs, err := newCanvasView(doc, logsCanvasID)
	if err != nil {
		return nil, err
	}
	if logs != nil {
		logs.heightFor = pg.LogsHeight
		logs.paint = func(c *canvas2D, w float64) bool { return pg.PaintLogs(c, w) }
		logs.painted = func() { _, _ = logs.canvas.Call("setAttribute", "aria-label", pg.LogsSummary()) }
		if err := logs.onClick(env, func(_, y float64) { pg.ClickLogs(y) }); err != nil {
			return nil, err
		}
		views = append(views, logs)
	}
	st, err := newCanvasView(doc, spaceTimeCanvasID)
	if err != nil {
		return nil, err
	}
	if st != nil {
		st.heightFor = pg.SpaceTimeHeight
		st.paint = func(c *canvas2D, w float64) bool { return pg.PaintSpaceTime(c, w) }
		if err := st.onClick(env, pg.ClickSpaceTime); err != nil {
			return nil, err
		}
		views = append(views, st)
	}
	return views, nil
}

// newCanvasView returns the view on canvas #id, or nil when the page has
// no such canvas.
func newCanvasView(doc safejs.Value, id string) (*canvasView, error) {
	canvas, err := doc.Call("getElementById", id)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	if canvas.IsNull() || canvas.IsUndefined() {
		return nil, nil
	}
	ctx, err := canvas.Call("getContext", "2d")
	if err != nil || ctx.IsNull() {
		return nil, fmt.Errorf("%s: no 2D context: %v", id, err)
	}
	return &canvasView{canvas: canvas, cv: &canvas2D{ctx: ctx}}, nil
}

// onClick calls act, under env's lock, with the CSS pixel offset of each
// click on the canvas, then re-renders the page.
func (v *canvasView) onClick(env vugu.EventEnv, act func(x, y float64)) error {
	click, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		if len(args) == 0 || v.width <= 0 {
			return nil
		}
		x, errX := floatProp(args[0], "offsetX")
		y, errY := floatProp(args[0], "offsetY")
		if errX != nil || errY != nil {
			return nil
		}
		locked(env, "a click on a view", func() bool {
			act(x, y)
			return true
		})
		return nil
	})
	if err != nil {
		return err
	}
	_, err = v.canvas.Call("addEventListener", "click", click.Value())
	return err
}

// paintViews paints each view that changed; the caller holds env's lock.
func paintViews(views []*canvasView, pg *web.Playground, win safejs.Value) {
	for _, v := range views {
		v.frame(pg, win)
	}
}

// frame resizes the canvas when its width, the device's pixel ratio or
// the rows it needs changed (which clears it, so it is repainted), then
// paints.
func (v *canvasView) frame(pg *web.Playground, win safejs.Value) {
	w, ratio, err := measure(v.canvas, win)
	if err != nil || w <= 0 {
		return
	}
	if h := v.heightFor(w); w != v.width || ratio != v.ratio || h != v.height {
		v.width, v.ratio, v.height = w, ratio, h
		_ = v.canvas.Set("width", math.Round(w*ratio))
		_ = v.canvas.Set("height", math.Round(h*ratio))
		_, _ = v.cv.ctx.Call("setTransform", ratio, 0, 0, ratio, 0, 0)
		v.cv.resize(w, h)
		v.cv.scale(ratio)
		pg.RepaintViews()
	}
	painted := v.paint(v.cv, v.width)
	v.cv.flush()
	if painted && v.painted != nil {
		v.painted()
	}
}
