package main

import (
	"strings"
	"testing"
)

// Three runs of two benchmarks as `go test -bench -count 3` prints them
// with GOMAXPROCS 2, plus a line a benchmark logged.
const sample = `goos: linux
goarch: amd64
pkg: example.com/m/raft/sim
cpu: Some CPU
BenchmarkSimSpeed-2   	    1392	    840585 ns/op	       118.9 virtual-s/s	  275741 B/op	    2521 allocs/op
BenchmarkSimSpeed-2   	    1395	    813723 ns/op	        90.0 virtual-s/s	  275666 B/op	    2521 allocs/op
    bench_test.go:12: a note
BenchmarkSimSpeed-2   	    1140	    999420 ns/op	       190.5 virtual-s/s	  275850 B/op	    2521 allocs/op
BenchmarkCommit/nodes=3/batch=16-2	20000	4244 ns/op	8.013 allocs/command
BenchmarkCommit/nodes=3/batch=16-2	20000	4000 ns/op	8.013 allocs/command
PASS
`

func TestSummary(t *testing.T) {
	s, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	s.write(&out, "native")
	got := out.String()
	// The median of 90.0, 118.9 and 190.5 is the middle one; of two runs,
	// the mean of both; equal runs show no range; the benchmark's own
	// metric comes before ns/op; the -2 suffix goes.
	for _, want := range []string{
		"native: median of 3 runs [lowest–highest]; goos: linux, goarch: amd64, cpu: Some CPU\n",
		"  sim.SimSpeed                 119× real time [90–190]   841 µs/op [814 µs–999 µs]   269 KiB/op   2521 allocs/op\n",
		"  sim.Commit/nodes=3/batch=16  8.01 allocs/command   4.12 µs/op [4.00 µs–4.24 µs]\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
}

// The same benchmarks in WebAssembly, three rounds of them, and one the
// native output lacks.
const sampleWasm = `goos: js
goarch: wasm
pkg: example.com/m/raft/sim
BenchmarkSimSpeed   	    1392	    840585 ns/op	       29.7 virtual-s/s	  275741 B/op	    2521 allocs/op
BenchmarkSimSpeed   	    1395	    813723 ns/op	       30.0 virtual-s/s	  275666 B/op	    2521 allocs/op
BenchmarkSimSpeed   	    1140	    999420 ns/op	       47.6 virtual-s/s	  275850 B/op	    2521 allocs/op
BenchmarkCommit/nodes=3/batch=16	20000	12000 ns/op	8.013 allocs/command
BenchmarkCommit/nodes=3/batch=16	20000	20000 ns/op	8.013 allocs/command
BenchmarkWasmOnly	10	5 ns/op
PASS
`

func TestVersus(t *testing.T) {
	native, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	wasm, err := parse(strings.NewReader(sampleWasm))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	wasm.writeVersus(&out, "WebAssembly", native, "native")
	got := out.String()
	// The simulator is compared by speed, round by round: 118.9/29.7,
	// 90.0/30.0 and 190.5/47.6 are 4.00, 3.00 and 4.00, whose median is 4,
	// although the medians of each side (119 and 30) would give 3.96. The
	// others by time per operation, in the rounds both have.
	for _, want := range []string{
		"WebAssembly against native, each round's figure against native's of the same round: median of 3 rounds [lowest–highest]\n",
		"  sim.SimSpeed                 4.00× slower [3.00–4.00]\n",
		"  sim.Commit/nodes=3/batch=16  3.91× slower [2.83–5.00] (2 rounds)\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("comparison lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "WasmOnly") {
		t.Errorf("a benchmark only one side ran is compared:\n%s", got)
	}
}
