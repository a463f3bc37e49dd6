// Command pagebench measures the page in headless Chromium (issue 8's
// benchmarks), for `make bench`:
//
//	go run ./cmd/pagebench [-site static] [-seconds 5] [-loads 5]
//
// It serves the built site (./build.sh) with cmd/serve, opens it in
// Debian's Chromium and prints:
//
//   - the time from navigation to the first leader drawn, on the default
//     page (the first is a cold load, the rest revalidate);
//   - with 7 nodes, a steady client load, logs of about 1,000 entries and
//     about 50 messages in flight (a #run= link, see web.BenchRun): frames
//     per second and the renderer's main-thread time per frame, median and
//     p99, from a Chrome trace;
//   - the renderer's share of one core (its processes' CPU time in /proc)
//     under that load, idle (the default page playing, no client load),
//     paused, and in a hidden tab.
//
// Figures, not assertions: they depend on the machine and its load.
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/cdproto/tracing"
	"github.com/chromedp/chromedp"

	"github.com/raftplayground/raftplayground/internal/headless"
	"github.com/raftplayground/raftplayground/web"
)

func main() {
	site := flag.String("site", "static", "the built site")
	seconds := flag.Float64("seconds", 5, "seconds each figure is measured over")
	loads := flag.Int("loads", 5, "page loads timed to the first leader")
	flag.Parse()
	if err := run(*site, time.Duration(*seconds*float64(time.Second)), *loads); err != nil {
		fmt.Fprintln(os.Stderr, "pagebench:", err)
		os.Exit(1)
	}
}

func run(site string, window time.Duration, loads int) error {
	if _, err := os.Stat(filepath.Join(site, "raft-playground.wasm")); err != nil {
		return fmt.Errorf("the site is not built (%v); run ./build.sh", err)
	}
	if err := headless.Check(); err != nil {
		return err
	}
	base, stop, err := serve(site)
	if err != nil {
		return err
	}
	defer stop()

	ctx, cancel := browser()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1440, 900)); err != nil {
		return err
	}

	if err := firstLeader(ctx, base, loads); err != nil {
		return err
	}
	if err := idleShares(ctx, base, window); err != nil {
		return err
	}
	return loaded(ctx, base, window)
}

// serve builds cmd/serve and runs it on a free port; stop ends it.
func serve(site string) (base string, stop func(), err error) {
	dir, err := os.MkdirTemp("", "pagebench")
	if err != nil {
		return "", nil, err
	}
	bin := filepath.Join(dir, "serve")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/serve").CombinedOutput(); err != nil {
		return "", nil, fmt.Errorf("building cmd/serve: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "-addr", addr, "-dir", site)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop = func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		os.RemoveAll(dir)
	}
	base = "http://" + addr + "/"
	for range 100 {
		if resp, err := http.Get(base); err == nil {
			resp.Body.Close()
			return base, stop, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	return "", nil, errors.New("cmd/serve did not answer")
}

// browser starts headless Chromium with the flags of the browser tests.
func browser() (context.Context, context.CancelFunc) {
	dir, _ := os.MkdirTemp("", "pagebench-profile")
	opts := headless.Options(dir, 1440, 900)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tab, cancelTab := chromedp.NewContext(alloc)
	return tab, func() {
		cancelTab()
		cancelAlloc()
		os.RemoveAll(dir)
	}
}

// leaderWatch records, from the start of the document, the time of the
// first animation frame that shows a leader's card (the same frame paints
// it on the cluster view).
const leaderWatch = `(() => {
	const look = () => {
		if (document.querySelector('[data-role="leader"][data-node-id]')) {
			window.__firstLeader = performance.now();
			return;
		}
		requestAnimationFrame(look);
	};
	requestAnimationFrame(look);
})();`

// firstLeader times navigation to the first leader drawn, loads times.
func firstLeader(ctx context.Context, base string, loads int) error {
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: leaderWatch}); err != nil {
		return err
	}
	var times []float64
	for i := range loads {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"?load="+strconv.Itoa(i))); err != nil {
			return err
		}
		ms, err := chromedp.Run(ctx, chromedp.Poll[float64](`window.__firstLeader ?? null`,
			chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second)))
		if err != nil {
			return fmt.Errorf("waiting for the first leader: %w", err)
		}
		times = append(times, ms)
	}
	parts := make([]string, len(times))
	for i, t := range times {
		parts[i] = fmt.Sprintf("%.0f", t)
	}
	fmt.Printf("navigation to the first leader drawn (default page, 5 nodes): %s ms (first cold, then revalidated); median %.0f ms\n",
		strings.Join(parts, ", "), median(times))
	return nil
}

// idleShares measures the renderer's CPU share on the default page while
// it plays with no client load, while paused, and in a hidden tab.
func idleShares(ctx context.Context, base string, window time.Duration) error {
	if err := chromedp.Do(ctx, chromedp.Navigate(base)); err != nil {
		return err
	}
	if err := waitFor(ctx, `document.querySelector('[data-role="leader"]') ? "yes" : ""`); err != nil {
		return err
	}
	time.Sleep(time.Second)
	idle, err := cpuShare(ctx, window)
	if err != nil {
		return err
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#pause"))); err != nil {
		return err
	}
	time.Sleep(500 * time.Millisecond)
	paused, err := cpuShare(ctx, window)
	if err != nil {
		return err
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#pause"))); err != nil {
		return err
	}
	hidden, how, err := hiddenShare(ctx, window)
	if err != nil {
		return err
	}
	fmt.Printf("renderer CPU, share of one core (default page, no client load): idle %.1f%%, paused %.1f%%, hidden %.1f%% (%s)\n",
		idle*100, paused*100, hidden*100, how)
	return nil
}

// hiddenShare hides the tab by bringing another tab to the front and
// measures the renderer's share then. When the browser still calls the
// page visible (headless Chromium may), it tells the page it is hidden
// instead, as a hidden tab's visibilitychange does, and says so.
func hiddenShare(ctx context.Context, window time.Duration) (float64, string, error) {
	other, cancel := chromedp.NewContext(ctx)
	defer cancel()
	if err := chromedp.Do(other, chromedp.Navigate("about:blank")); err != nil {
		return 0, "", err
	}
	if _, err := chromedp.CallBrowser(other, target.ActivateTarget, target.ActivateTargetParams{TargetID: chromedp.FromContext(other).Target.TargetID}); err != nil {
		return 0, "", err
	}
	time.Sleep(300 * time.Millisecond)
	how := "another tab in front"
	state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.visibilityState`))
	if err != nil {
		return 0, "", err
	}
	if state != "hidden" {
		how = "headless keeps the tab visible, so document.hidden was overridden with a visibilitychange"
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`Object.defineProperty(document, "hidden", { get: () => true, configurable: true });
			document.dispatchEvent(new Event("visibilitychange")); true`)); err != nil {
			return 0, "", err
		}
	}
	time.Sleep(500 * time.Millisecond)
	share, err := cpuShare(ctx, window)
	if err != nil {
		return 0, "", err
	}
	_, _ = chromedp.Run(ctx, chromedp.Evaluate[bool](`delete document.hidden; document.dispatchEvent(new Event("visibilitychange")); true`))
	_, _ = chromedp.CallBrowser(ctx, target.ActivateTarget, target.ActivateTargetParams{TargetID: chromedp.FromContext(ctx).Target.TargetID})
	return share, how, nil
}

// loaded opens the bench world, plays it and measures frames and CPU.
func loaded(ctx context.Context, base string, window time.Duration) error {
	url := base + "?world=bench#run=" + base64.RawURLEncoding.EncodeToString([]byte(web.BenchRun))
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return err
	}
	// A run opened from a link starts paused at its end.
	if err := waitFor(ctx, `document.querySelectorAll("[data-node-id]").length === 7 && document.querySelector('[data-role="leader"]') ? "yes" : ""`); err != nil {
		text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText.slice(0, 600)`))
		return fmt.Errorf("opening the bench world: %w; the page says:\n%s", err, text)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#pause"))); err != nil {
		return err
	}
	time.Sleep(2 * time.Second) // warm up
	frames, err := trace(ctx, window)
	if err != nil {
		return err
	}
	share, err := cpuShare(ctx, window)
	if err != nil {
		return err
	}
	last, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("[data-node-id]")].map((c) => c.querySelector("dd:nth-of-type(1)") && c.textContent.match(/Last index\s*(\d+)/)?.[1]).join(" ")`))
	fmt.Printf("7 nodes, 16 clients at 200 calls/s, ~50 messages in flight, logs at %s entries:\n", strings.TrimSpace(last))
	fmt.Printf("  %.1f frames per second; main-thread time per frame: median %.1f ms, p99 %.1f ms (%d frames, Chrome trace)\n",
		frames.fps, frames.median, frames.p99, frames.count)
	fmt.Printf("  renderer CPU: %.1f%% of one core\n", share*100)
	if frames.top != "" {
		fmt.Printf("  main-thread time by event (trace): %s\n", frames.top)
	}
	return nil
}

// waitFor polls a JavaScript expression until it gives a non-empty string.
func waitFor(ctx context.Context, expr string) error {
	_, err := chromedp.Run(ctx, chromedp.Poll[string](expr,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(60*time.Second)))
	return err
}

// cpuShare is the CPU time the browser's renderer processes used over
// window, as a share of one core.
func cpuShare(ctx context.Context, window time.Duration) (float64, error) {
	proc := chromedp.FromContext(ctx).Browser.Process()
	if proc == nil {
		return 0, errors.New("no browser process")
	}
	before, err := rendererTicks(proc.Pid)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	time.Sleep(window)
	after, err := rendererTicks(proc.Pid)
	if err != nil {
		return 0, err
	}
	var used int64
	for pid, t := range after {
		used += t - before[pid] // a renderer new in the window counts whole
	}
	const ticksPerSecond = 100 // USER_HZ on Linux
	return float64(used) / ticksPerSecond / time.Since(start).Seconds(), nil
}

// rendererTicks returns the user+system CPU ticks of every renderer
// process descended from the browser with process id root.
func rendererTicks(root int) (map[int]int64, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	parent := map[int]int{}
	ticks := map[int]int64{}
	renderer := map[int]bool{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// Fields after the command's closing parenthesis: state ppid ...
		// utime is the 14th field, stime the 15th (proc(5)).
		s := string(stat)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
		if len(f) < 13 {
			continue
		}
		parent[pid], _ = strconv.Atoi(f[1])
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		ticks[pid] = ut + st
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		renderer[pid] = strings.Contains(string(cmdline), "--type=renderer")
	}
	out := map[int]int64{}
	for pid := range renderer {
		if !renderer[pid] {
			continue
		}
		for p := parent[pid]; p > 1; p = parent[p] {
			if p == root {
				out[pid] = ticks[pid]
				break
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no renderer process found")
	}
	return out, nil
}

// frameStats are the frames of a trace.
type frameStats struct {
	fps         float64
	median, p99 float64 // main-thread ms per frame
	count       int
	top         string // the costliest trace events, for profiling
}

// traceEvent is one event of a Chrome trace (the JSON trace event format).
type traceEvent struct {
	Name string  `json:"name"`
	Cat  string  `json:"cat"`
	Ph   string  `json:"ph"`
	Ts   float64 `json:"ts"`  // µs
	Dur  float64 `json:"dur"` // µs
	Pid  int     `json:"pid"`
	Tid  int     `json:"tid"`
	Args struct {
		Name string `json:"name"`
	} `json:"args"`
}

// trace records a Chrome trace for window and measures its frames: the
// animation frames fired on the renderer's main thread, and between two
// of them the time its top-level tasks ran.
func trace(ctx context.Context, window time.Duration) (frameStats, error) {
	var mu sync.Mutex
	var events []traceEvent
	done := make(chan struct{})
	var once sync.Once
	lctx, stopListen := context.WithCancel(ctx)
	defer stopListen()
	if err := chromedp.Listen(lctx, func(ev any) {
		switch ev := ev.(type) {
		case *tracing.EventDataCollected:
			mu.Lock()
			for _, v := range ev.Value {
				var te traceEvent
				if json.Unmarshal(v, &te) == nil {
					events = append(events, te)
				}
			}
			mu.Unlock()
		case *tracing.EventTracingComplete:
			once.Do(func() { close(done) })
		}
	}); err != nil {
		return frameStats{}, err
	}
	if _, err := chromedp.Call(ctx, tracing.Start, tracing.StartParams{
		TransferMode: tracing.StartTransferModeReportEvents,
		TraceConfig: &tracing.TraceConfig{IncludedCategories: []string{
			"toplevel", "devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "blink", "cc",
		}},
	}); err != nil {
		return frameStats{}, fmt.Errorf("starting the trace: %w", err)
	}
	time.Sleep(window)
	if _, err := chromedp.Call(ctx, tracing.End, cdp.Empty{}); err != nil {
		return frameStats{}, fmt.Errorf("ending the trace: %w", err)
	}
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		return frameStats{}, errors.New("the trace did not complete")
	}
	mu.Lock()
	defer mu.Unlock()
	return analyse(events)
}

// analyse finds the renderer main thread with the most animation frames
// and measures its frames.
func analyse(events []traceEvent) (frameStats, error) {
	type thread struct{ pid, tid int }
	mains := map[thread]bool{}
	for _, e := range events {
		if e.Ph == "M" && e.Name == "thread_name" && e.Args.Name == "CrRendererMain" {
			mains[thread{e.Pid, e.Tid}] = true
		}
	}
	fires := map[thread][]float64{}
	for _, e := range events {
		th := thread{e.Pid, e.Tid}
		if mains[th] && e.Name == "FireAnimationFrame" {
			fires[th] = append(fires[th], e.Ts)
		}
	}
	var main thread
	for th, f := range fires {
		if len(f) > len(fires[main]) {
			main = th
		}
	}
	starts := fires[main]
	if len(starts) < 3 {
		return frameStats{}, fmt.Errorf("the trace has %d animation frames", len(starts))
	}
	slices.Sort(starts)
	type task struct{ ts, end float64 }
	var tasks []task
	costs := map[string]float64{}
	for _, e := range events {
		if (thread{e.Pid, e.Tid}) != main || e.Ph != "X" {
			continue
		}
		if e.Name == "RunTask" {
			tasks = append(tasks, task{e.Ts, e.Ts + e.Dur})
		}
		if e.Cat != "toplevel" {
			costs[e.Name] += e.Dur
		}
	}
	var perFrame []float64
	for i := 0; i+1 < len(starts); i++ {
		lo, hi := starts[i], starts[i+1]
		busy := 0.0
		for _, t := range tasks {
			busy += max(0, min(t.end, hi)-max(t.ts, lo))
		}
		perFrame = append(perFrame, busy/1000)
	}
	span := (starts[len(starts)-1] - starts[0]) / 1e6
	st := frameStats{
		fps:    float64(len(starts)-1) / span,
		median: median(perFrame),
		p99:    percentile(perFrame, 0.99),
		count:  len(perFrame),
		top:    topCosts(costs, len(perFrame)),
	}
	return st, nil
}

// topCosts names the trace events with the most time on the main thread,
// in ms per frame: where to look first (nested events count in their
// parents too, so FireAnimationFrame holds the page's Go code and
// BeginMainFrame the browser's style, layout and commit).
func topCosts(costs map[string]float64, frames int) string {
	type cost struct {
		name string
		us   float64
	}
	var cs []cost
	for n, us := range costs {
		cs = append(cs, cost{n, us})
	}
	slices.SortFunc(cs, func(a, b cost) int {
		switch {
		case a.us > b.us:
			return -1
		case a.us < b.us:
			return 1
		}
		return strings.Compare(a.name, b.name)
	})
	var parts []string
	for _, c := range cs[:min(16, len(cs))] {
		parts = append(parts, fmt.Sprintf("%s %.2f", c.name, c.us/1000/float64(frames)))
	}
	return strings.Join(parts, ", ") + " ms/frame"
}

func median(xs []float64) float64 { return percentile(xs, 0.5) }

// percentile is the p-quantile of xs (nearest rank).
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(p*float64(len(s)) + 0.5)
	return s[min(max(i-1, 0), len(s)-1)]
}
