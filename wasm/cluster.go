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
	"sync/atomic"
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
// returns a function that asks for a frame (nil without the canvas). Every
// frame and every click takes env's lock, as every other use of the
// playground does.
//
// The animation frames also drive the playground's clock: each advances
// virtual time by the wall-clock time since the last one. Frames are asked
// for only while there is something to move (time, or a followed run link
// loading): paused, or in a hidden tab, the loop stops (and the page costs
// nothing); an action (kick, called after each render), the tab showing
// again or a resize starts it again.
func startClusterView(doc safejs.Value, pg *web.Playground, env vugu.EventEnv, views []*canvasView) (kick func(), err error) {
	canvas, err := doc.Call("getElementById", clusterCanvasID)
	if err != nil {
		return nil, fmt.Errorf("cluster view: %w", err)
	}
	if canvas.IsNull() || canvas.IsUndefined() {
		return nil, nil // a page without the views
	}
	ctx, err := canvas.Call("getContext", "2d")
	if err != nil || ctx.IsNull() {
		return nil, fmt.Errorf("cluster view: no 2D context: %v", err)
	}
	if _, err := painter(); err != nil {
		return nil, fmt.Errorf("cluster view: %w", err)
	}
	cv := &canvas2D{ctx: ctx}
	win := safejs.Global()
	size, ratio := 0.0, 0.0

	var frame safejs.Func
	// requested: a frame is asked for and has not run yet.
	var requested atomic.Bool
	kick = func() {
		if !ui.failed.Load() && requested.CompareAndSwap(false, true) {
			_, _ = win.Call("requestAnimationFrame", frame.Value())
		}
	}
	last := -1.0 // the previous frame's time, in ms; -1 after a stop
	frame, err = safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		requested.Store(false)
		if ui.failed.Load() {
			return nil
		}
		now := -1.0
		if len(args) > 0 && args[0].Type() == safejs.TypeNumber {
			now, _ = args[0].Float()
		}
		if hidden(doc) {
			last = -1 // the time hidden does not count
			return nil
		}
		moving := false
		ok := locked(env, "an animation frame", func() (render bool) {
			if s, r, err := measure(canvas, win); err == nil && (s != size || r != ratio) {
				size, ratio = s, r
				px := math.Round(size * ratio)
				_ = canvas.Set("width", px)
				_ = canvas.Set("height", px)
				_, _ = ctx.Call("setTransform", ratio, 0, 0, ratio, 0, 0)
				cv.resize(size, size)
				cv.scale(ratio)
				pg.ResizeCluster()
			}
			if now >= 0 && last >= 0 && now > last {
				render = pg.Advance(time.Duration((now - last) * float64(time.Millisecond)))
			}
			if size > 0 {
				pg.PaintCluster(cv, size)
				cv.flush()
			}
			paintViews(views, pg, win)
			moving = !pg.Paused() || pg.Loading()
			return render
		})
		if !ok {
			return nil
		}
		if moving {
			last = now
			kick()
		} else {
			last = -1 // paused: the next frame starts the clock afresh
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cluster view: %w", err)
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
		locked(env, "a click on the cluster view", func() bool {
			pg.ClickCluster(x/size, y/size, clickTolerance)
			return true
		})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cluster view: %w", err)
	}
	if _, err := canvas.Call("addEventListener", "click", click.Value()); err != nil {
		return nil, fmt.Errorf("cluster view: %w", err)
	}
	if err := restartOn(doc, win, env, pg, kick); err != nil {
		return nil, fmt.Errorf("cluster view: %w", err)
	}
	kick()
	return kick, nil
}

// restartOn asks for a frame when the tab shows again or the window is
// resized, and follows the user's motion preference (a message jumps from
// its sender's half of the link to its receiver's, with no fade, when
// they ask for reduced motion).
func restartOn(doc, win safejs.Value, env vugu.EventEnv, pg *web.Playground, kick func()) error {
	restart, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		kick()
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := doc.Call("addEventListener", "visibilitychange", restart.Value()); err != nil {
		return err
	}
	if _, err := win.Call("addEventListener", "resize", restart.Value()); err != nil {
		return err
	}
	query, err := win.Call("matchMedia", "(prefers-reduced-motion: reduce)")
	if err != nil || query.IsNull() || query.IsUndefined() {
		return nil // no media queries: full motion
	}
	follow := func() {
		reduce, err := query.Get("matches")
		if err != nil {
			return
		}
		on, _ := reduce.Bool()
		locked(env, "a change of motion preference", func() bool {
			pg.SetReducedMotion(on)
			return true
		})
		kick()
	}
	changed, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		follow()
		return nil
	})
	if err != nil {
		return err
	}
	follow()
	_, err = query.Call("addEventListener", "change", changed.Value())
	return err
}

// hidden reports whether the page is in a hidden tab.
func hidden(doc safejs.Value) bool {
	h, err := doc.Get("hidden")
	if err != nil {
		return false
	}
	b, _ := h.Bool()
	return b
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
