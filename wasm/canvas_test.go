//go:build js && wasm

package main

import (
	"testing"

	"github.com/hack-pad/safejs"
)

// stubPainter installs a painter (static/paint.js's raftPlaygroundPaint)
// that does nothing, and returns a context object for a canvas2D.
func stubPainter(t testing.TB) safejs.Value {
	t.Helper()
	fn, err := safejs.Global().Get("Function")
	if err != nil {
		t.Fatal(err)
	}
	p, err := fn.New("ctx", "bytes", "n", "strs", "reset", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := safejs.Global().Set("raftPlaygroundPaint", p); err != nil {
		t.Fatal(err)
	}
	obj, err := safejs.Global().Get("Object")
	if err != nil {
		t.Fatal(err)
	}
	ctx, err := obj.New()
	if err != nil {
		t.Fatal(err)
	}
	return ctx
}

// paintFrame draws what a frame of the cluster view draws most of: lines,
// circles and texts whose strings the painter already holds.
func paintFrame(c *canvas2D) {
	c.Clear()
	for i := range 40 {
		x := float64(i)
		c.Line(x, 0, x, 10, 1, "#888", 0)
		c.Circle(x, x, 3, "#fff", "#000", 1)
		c.Text(x, x, "n1", 12, "#000", false)
	}
	c.flush()
}

// TestFlushAllocatesNothing: a frame whose strings the painter already
// holds hands its commands to the painter without allocating (issue 10
// item 3: nothing allocated per frame in the frame loop).
func TestFlushAllocatesNothing(t *testing.T) {
	c := &canvas2D{ctx: stubPainter(t), w: 300, h: 200, ratio: 1}
	paintFrame(c) // the strings and buffers, once
	if a := testing.AllocsPerRun(50, func() { paintFrame(c) }); a != 0 {
		t.Errorf("a frame allocates %v times", a)
	}
}

// BenchmarkFlush measures one such frame.
func BenchmarkFlush(b *testing.B) {
	c := &canvas2D{ctx: stubPainter(b), w: 300, h: 200, ratio: 1}
	paintFrame(c)
	b.ReportAllocs()
	for b.Loop() {
		paintFrame(c)
	}
}
