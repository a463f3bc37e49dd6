//go:build js && wasm

package main

// The experiments panel's background work, plots and downloads. An
// animation-frame loop of its own, which runs after the cluster view's in
// each frame, gives the running experiment what is left of a frame's
// budget, so the cluster keeps animating; it paints the plots into a
// canvas it puts in the panel's #experiment-plots, an element with no
// children in Vugu's tree, which Vugu therefore leaves as it is (a canvas
// in the tree would lose its size, and so its drawing, at every render).
// Where the page has a Web Worker the trials run there instead
// (experiment_worker.go), and these frames only paint.

import (
	"fmt"
	"math"
	"sync/atomic"
	"time"

	"github.com/hack-pad/safejs"
	"github.com/vugu/vugu"

	"github.com/raftplayground/raftplayground/web"
)

// experimentPlotsID is the id of the element the plots' canvas goes in.
const experimentPlotsID = "experiment-plots"

// The time a frame gives to trials: what is left of frameTarget after
// what ran before in the frame (the cluster view, the other views),
// within [minSlice, maxSlice]. At 60 fps a frame has 16.7 ms; the rest
// goes to Vugu's renders and the browser's own work.
const (
	frameTarget = 10 * time.Millisecond
	minSlice    = 1 * time.Millisecond
	maxSlice    = 6 * time.Millisecond
)

// plotsView is the experiments' canvas, the size it was last given, and
// the table of the numbers under it.
type plotsView struct {
	// doc is the page's document; canvas the plots' canvas, made once
	// and moved into each new #experiment-plots; cv paints on it.
	doc    safejs.Value
	canvas safejs.Value
	cv     *canvas2D
	// table is the element holding the table and its caption (undefined
	// before the first result).
	table safejs.Value
	// width, ratio and height are the CSS width, device pixel ratio and
	// CSS height the canvas was sized for; version the plots' version
	// last painted.
	width, ratio, height float64
	version              int
}

// newExperiments makes the experiments panel's state, with downloads, and
// starts its frames; kick asks for a frame (see startExperiments).
func newExperiments(doc safejs.Value, env vugu.EventEnv) (ex *web.Experiments, kick func(), err error) {
	d, err := newDownloader(doc)
	if err != nil {
		return nil, nil, fmt.Errorf("experiments: %w", err)
	}
	ex = web.NewExperiments(d.save)
	kick, err = startExperiments(doc, ex, env)
	if err != nil {
		return nil, nil, err
	}
	useWorker(ex, env, kick)
	return ex, kick, nil
}

// startExperiments runs ex's trials and paints its plots from animation
// frames, every one under env's lock. Frames follow one another only while
// trials run; otherwise the returned kick asks for one (after a render pass,
// or when the window is resized), so an idle page asks for none. A hidden
// tab gets no frames, so a run waits there until the tab shows again.
func startExperiments(doc safejs.Value, ex *web.Experiments, env vugu.EventEnv) (kick func(), err error) {
	win := safejs.Global()
	perf, err := win.Get("performance")
	if err != nil {
		return nil, fmt.Errorf("experiments: %w", err)
	}
	canvas, err := doc.Call("createElement", "canvas")
	if err != nil {
		return nil, fmt.Errorf("experiments: %w", err)
	}
	ctx, err := canvas.Call("getContext", "2d")
	if err != nil || ctx.IsNull() {
		return nil, fmt.Errorf("experiments: no 2D context: %v", err)
	}
	_, _ = canvas.Call("setAttribute", "role", "img")
	_, _ = canvas.Call("setAttribute", "id", "experiment-canvas")
	v := &plotsView{doc: doc, canvas: canvas, cv: &canvas2D{ctx: ctx}, table: safejs.Undefined(), version: -1}

	var frame safejs.Func
	var requested atomic.Bool // a frame is asked for and has not run yet
	kick = func() {
		if requested.CompareAndSwap(false, true) {
			_, _ = win.Call("requestAnimationFrame", frame.Value())
		}
	}
	frame, err = safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		requested.Store(false)
		env.Lock()
		if ex.Open() {
			v.frame(doc, win, ex)
		}
		// Trials on the page take frames; a run in the worker asks for
		// one at each of its reports.
		render, running := false, ex.Running() && !ex.InWorker()
		if running {
			render = ex.Work(sliceLeft(perf, args), time.Now)
		}
		if render {
			env.UnlockRender()
		} else {
			env.UnlockOnly()
		}
		if running {
			kick()
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("experiments: %w", err)
	}
	resized, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		kick()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("experiments: %w", err)
	}
	if _, err := win.Call("addEventListener", "resize", resized.Value()); err != nil {
		return nil, fmt.Errorf("experiments: %w", err)
	}
	kick()
	return kick, nil
}

// sliceLeft is the time this frame has left for trials: frameTarget less
// what ran since the frame began (its time stamp, args[0]).
func sliceLeft(perf safejs.Value, args []safejs.Value) time.Duration {
	used := 0.0
	if len(args) > 0 && args[0].Type() == safejs.TypeNumber {
		began, _ := args[0].Float()
		if now, err := perf.Call("now"); err == nil {
			n, _ := now.Float()
			used = max(n-began, 0)
		}
	}
	left := frameTarget - time.Duration(used*float64(time.Millisecond))
	return min(max(left, minSlice), maxSlice)
}

// frame puts the canvas and the table in the panel (again, if the panel
// was closed and opened since), sizes the canvas to the panel's width and
// the plots' height, and paints the plots and rebuilds the table when
// they or the size changed.
func (v *plotsView) frame(doc, win safejs.Value, ex *web.Experiments) {
	host, err := doc.Call("getElementById", experimentPlotsID)
	if err != nil || host.IsNull() || host.IsUndefined() {
		return
	}
	if parent, err := v.canvas.Get("parentNode"); err != nil || !parent.Equal(host) {
		if _, err := host.Call("appendChild", v.canvas); err != nil {
			return
		}
		if !v.table.IsUndefined() {
			_, _ = host.Call("appendChild", v.table)
		}
		v.version = -1
	}
	w, ratio, err := measure(host, win)
	if err != nil || w <= 0 {
		return
	}
	if h := ex.PlotsHeight(w); w != v.width || ratio != v.ratio || h != v.height {
		v.width, v.ratio, v.height = w, ratio, h
		_ = v.canvas.Set("width", math.Round(w*ratio))
		_ = v.canvas.Set("height", math.Round(h*ratio))
		_, _ = v.cv.ctx.Call("setTransform", ratio, 0, 0, ratio, 0, 0)
		v.cv.resize(w, h)
		v.version = -1
	}
	if ex.Version() == v.version {
		return
	}
	v.version = ex.Version()
	ex.PaintPlots(v.cv, w)
	v.cv.flush()
	_, _ = v.canvas.Call("setAttribute", "aria-label", ex.PlotsSummary())
	v.showTable(host, ex.Table())
}

// showTable replaces the table under the plots with t's (none when t is
// nil). Its text goes in as text nodes (textContent), never as markup.
func (v *plotsView) showTable(host safejs.Value, t *web.ExperimentTable) {
	if !v.table.IsUndefined() {
		_, _ = v.table.Call("remove")
		v.table = safejs.Undefined()
	}
	if t == nil {
		return
	}
	el := func(parent safejs.Value, tag, text string, attrs ...string) safejs.Value {
		e, err := v.doc.Call("createElement", tag)
		if err != nil {
			return safejs.Undefined()
		}
		for i := 0; i+1 < len(attrs); i += 2 {
			_, _ = e.Call("setAttribute", attrs[i], attrs[i+1])
		}
		if text != "" {
			_ = e.Set("textContent", text)
		}
		if !parent.IsUndefined() {
			_, _ = parent.Call("appendChild", e)
		}
		return e
	}
	// The caption goes above the scrolling part, so that it wraps to the
	// window's width on a phone, not to the table's.
	wrap := el(safejs.Undefined(), "div", "", "class", "experiment-numbers")
	el(wrap, "p", t.Caption, "id", "experiment-table-caption", "class", "muted")
	scroll := el(wrap, "div", "", "class", "table-scroll", "role", "region", "aria-labelledby", "experiment-table-caption", "tabindex", "0")
	table := el(scroll, "table", "", "id", "experiment-table", "class", "experiment-table", "aria-labelledby", "experiment-table-caption")
	head := el(el(table, "thead", ""), "tr", "")
	for _, h := range t.Head {
		el(head, "th", h, "scope", "col")
	}
	body := el(table, "tbody", "")
	for _, row := range t.Rows {
		if len(row) == 0 {
			continue
		}
		tr := el(body, "tr", "", "data-config", row[0])
		el(tr, "th", row[0], "scope", "row")
		for _, cell := range row[1:] {
			el(tr, "td", cell)
		}
	}
	if _, err := host.Call("appendChild", wrap); err == nil {
		v.table = wrap
	}
}

// downloader makes downloads: a file handed to it is offered to the
// person as a download of that name, from an object URL made of a Blob.
// It keeps the last URL until the next download, then frees it (freeing
// it at once could cancel the download).
type downloader struct {
	// doc is the page's document; blob, url and uint8Array the
	// constructors Blob, URL and Uint8Array, looked up once.
	doc, blob, url, uint8Array safejs.Value
	// last is the object URL of the last download, freed at the next.
	last string
}

func newDownloader(doc safejs.Value) (*downloader, error) {
	d := &downloader{doc: doc}
	win := safejs.Global()
	var err error
	if d.blob, err = win.Get("Blob"); err != nil {
		return nil, err
	}
	if d.url, err = win.Get("URL"); err != nil {
		return nil, err
	}
	if d.uint8Array, err = win.Get("Uint8Array"); err != nil {
		return nil, err
	}
	return d, nil
}

// save offers data as a download named name, of type mime.
func (d *downloader) save(name, mime string, data []byte) error {
	bytes, err := d.uint8Array.New(len(data))
	if err != nil {
		return err
	}
	if _, err := safejs.CopyBytesToJS(bytes, data); err != nil {
		return err
	}
	blob, err := d.blob.New([]any{bytes}, map[string]any{"type": mime})
	if err != nil {
		return err
	}
	u, err := d.url.Call("createObjectURL", blob)
	if err != nil {
		return err
	}
	href, err := u.String()
	if err != nil {
		return err
	}
	if d.last != "" {
		_, _ = d.url.Call("revokeObjectURL", d.last)
	}
	d.last = href
	a, err := d.doc.Call("createElement", "a")
	if err != nil {
		return err
	}
	if err := a.Set("href", href); err != nil {
		return err
	}
	if err := a.Set("download", name); err != nil {
		return err
	}
	_, err = a.Call("click")
	return err
}
