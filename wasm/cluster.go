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
	"time"

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
// canvas, if the page has one, and views in the same animation frame; it
// reports whether it did. Every frame and every click takes env's lock, as
// every other use of the playground does.
//
// The animation frames also drive the playground's clock: each advances
// virtual time by the wall-clock time since the last one. A hidden tab
// gets no frames, so its clock stops (and costs nothing); a paused one
// advances nothing and repaints only what an action changed.
func startClusterView(doc safejs.Value, pg *web.Playground, env vugu.EventEnv, views []*canvasView) (bool, error) {
	canvas, err := doc.Call("getElementById", clusterCanvasID)
	if err != nil {
		return false, fmt.Errorf("cluster view: %w", err)
	}
	if canvas.IsNull() || canvas.IsUndefined() {
		return false, nil // a page without the views
	}
	ctx, err := canvas.Call("getContext", "2d")
	if err != nil || ctx.IsNull() {
		return false, fmt.Errorf("cluster view: no 2D context: %v", err)
	}
	cv := &canvas2D{ctx: ctx}
	win := safejs.Global()
	size, ratio := 0.0, 0.0

	var frame safejs.Func
	last := -1.0 // the previous frame's time, in ms
	frame, err = safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		now := -1.0
		if len(args) > 0 && args[0].Type() == safejs.TypeNumber {
			now, _ = args[0].Float()
		}
		if s, r, err := measure(canvas, win); err == nil && (s != size || r != ratio) {
			size, ratio = s, r
			px := math.Round(size * ratio)
			_ = canvas.Set("width", px)
			_ = canvas.Set("height", px)
			_, _ = ctx.Call("setTransform", ratio, 0, 0, ratio, 0, 0)
			cv.resize(size, size)
			env.Lock()
			pg.ResizeCluster()
			env.UnlockOnly()
		}
		env.Lock()
		render := false
		if now >= 0 && last >= 0 && now > last {
			render = pg.Advance(time.Duration((now - last) * float64(time.Millisecond)))
		}
		last = now
		if size > 0 {
			pg.PaintCluster(cv, size)
			cv.flush()
		}
		paintViews(views, pg, win)
		if render {
			env.UnlockRender()
		} else {
			env.UnlockOnly()
		}
		_, _ = win.Call("requestAnimationFrame", frame.Value())
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("cluster view: %w", err)
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
		return false, fmt.Errorf("cluster view: %w", err)
	}
	if _, err := canvas.Call("addEventListener", "click", click.Value()); err != nil {
		return false, fmt.Errorf("cluster view: %w", err)
	}
	if _, err = win.Call("requestAnimationFrame", frame.Value()); err != nil {
		return false, err
	}
	return true, nil
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
