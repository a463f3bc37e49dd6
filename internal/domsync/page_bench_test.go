package domsync_test

import (
	"sync"
	"testing"
	"time"

	"github.com/vugu/vugu"

	"github.com/raftplayground/raftplayground/internal/domsync"
	"github.com/raftplayground/raftplayground/web"
)

// BenchmarkPagePass is one render pass of the page under cmd/pagebench's
// load, natively: 200 ms of play, the build and the diff against the
// previous pass. It reports the build's and the diff's time and the ops'
// bytes per pass, which the page copies to the applier in one call.
func BenchmarkPagePass(b *testing.B) {
	pg, err := web.NewFromRun(web.BenchRun)
	if err != nil {
		b.Fatal(err)
	}
	pg.TogglePause() // a run opened from its text starts paused
	env, err := vugu.NewBuildEnv(vugu.NewEventEnvImpl(&sync.RWMutex{}, nil))
	if err != nil {
		b.Fatal(err)
	}
	root := &web.Root{Playground: pg}
	var d domsync.Differ
	if _, err := d.Diff(env.RunBuild(root)); err != nil {
		b.Fatal(err)
	}
	var build, diff time.Duration
	bytes := 0
	b.ReportAllocs()
	for b.Loop() {
		for range 12 {
			pg.Advance(time.Second / 60)
		}
		start := time.Now()
		results := env.RunBuild(root)
		built := time.Now()
		ops, err := d.Diff(results)
		if err != nil {
			b.Fatal(err)
		}
		diff += time.Since(built)
		build += built.Sub(start)
		bytes += len(ops)
	}
	b.ReportMetric(float64(build.Microseconds())/float64(b.N), "build-µs/pass")
	b.ReportMetric(float64(diff.Microseconds())/float64(b.N), "diff-µs/pass")
	b.ReportMetric(float64(bytes)/float64(b.N), "ops-B/pass")
}
