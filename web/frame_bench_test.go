package web

import (
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/web/scene"
)

// nopCanvas is a scene.Backdrop, as the page's canvases are, that draws
// nothing and counts the calls.
type nopCanvas struct{ n int }

func (c *nopCanvas) Backdrop(_, _ float64) scene.Canvas { return c }
func (c *nopCanvas) Blit(_, _, _, _ float64)            { c.n++ }
func (c *nopCanvas) ShiftBackdrop(float64)              { c.n++ }
func (c *nopCanvas) Ratio() float64                     { return 1 }

func (c *nopCanvas) Clear()                                                   { c.n++ }
func (c *nopCanvas) Line(_, _, _, _, _ float64, _ string, _ float64)          { c.n++ }
func (c *nopCanvas) Circle(_, _, _ float64, _, _ string, _ float64)           { c.n++ }
func (c *nopCanvas) Arc(_, _, _, _, _, _ float64, _ string)                   { c.n++ }
func (c *nopCanvas) Rect(_, _, _, _ float64, _, _ string, _ float64)          { c.n++ }
func (c *nopCanvas) Text(_, _ float64, _ string, _ float64, _ string, _ bool) { c.n++ }

// BenchmarkFrame is one animation frame of the page under cmd/pagebench's
// load at 60 Hz: the clock's advance, the cluster view, the logs view and
// the space-time diagram painted on a canvas that draws nothing, and the
// panels' view model at the rate the clock asks for renders.
func BenchmarkFrame(b *testing.B) {
	p, err := NewFromRun(BenchRun)
	if err != nil {
		b.Fatal(err)
	}
	p.paused = false
	var cl, logs, st nopCanvas
	const frame = time.Second / 60
	b.ReportAllocs()
	for b.Loop() {
		if p.Advance(frame) {
			_ = p.View()
		}
		p.PaintCluster(&cl, 480)
		p.PaintLogs(&logs, 1300)
		p.PaintSpaceTime(&st, 1300)
	}
	b.ReportMetric(float64(st.n)/float64(b.N), "spacetime-calls/frame")
	b.ReportMetric(float64(cl.n)/float64(b.N), "cluster-calls/frame")
}
