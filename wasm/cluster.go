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
			cv.resize(size, size)
			env.Lock()
			pg.ResizeCluster()
			env.UnlockOnly()
		}
		if size > 0 {
			env.Lock()
			pg.PaintCluster(cv, size)
			cv.flush()
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
