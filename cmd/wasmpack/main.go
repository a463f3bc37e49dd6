// Command wasmpack rewrites a WebAssembly module's data section as a few
// large segments, which compress better, without changing what the module
// does.
//
//	go run ./cmd/wasmpack static/raft-playground.wasm
//
// Go's linker writes a data segment for every run of bytes between runs of
// 8 or more zeros, to keep the raw file small: the playground's module has
// about 51,000 of them, mostly in the runtime's function lookup table (16
// buckets for every function, almost all zero). Each segment costs a header
// whose offset brotli cannot predict; zeros cost it almost nothing. Joined
// into one segment, the module grows by about 0.5 MB raw and shrinks by
// about 59 KB brotli (README, "Size").
//
// With -nolines it also empties the Go runtime's file and line tables,
// which only tracebacks and runtime.Caller read (lines.go says how and
// why); that changes memory, on purpose, so it is off by default.
//
// Memory that is not imported starts zeroed, and active segments are copied
// into it at instantiation, so a segment that also writes the zeros between
// two others leaves memory exactly as before. The program refuses a module
// that imports its memory, has a passive segment (memory.init names
// segments by index) or has overlapping segments, and checks its output by
// decoding it again.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
)

func main() {
	maxGap := flag.Uint64("gap", 4096, "join segments separated by at most this many zero `bytes`")
	out := flag.String("o", "", "write the module to `file` (default: replace the input)")
	noLines := flag.Bool("nolines", false, "empty the Go runtime's file and line tables (tracebacks show ?:0)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: wasmpack [-gap bytes] [-nolines] [-o file] module.wasm")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	in := flag.Arg(0)
	if *out == "" {
		*out = in
	}
	if err := run(in, *out, *maxGap, *noLines); err != nil {
		fmt.Fprintln(os.Stderr, "wasmpack:", err)
		os.Exit(1)
	}
}

// run packs the module in file in into file out.
func run(in, out string, maxGap uint64, noLines bool) error {
	b, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	packed, st, err := pack(b, maxGap, noLines)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if err := os.WriteFile(out, packed, 0o644); err != nil {
		return err
	}
	fmt.Printf("wasmpack: %s: %d data segments joined into %d; %d bytes raw, was %d\n",
		out, st.before, st.after, len(packed), len(b))
	if noLines {
		fmt.Printf("wasmpack: file and line tables of %d functions emptied (%d bytes zeroed)\n",
			st.lines.funcs, st.lines.zeroed)
	}
	return nil
}

// stats says what pack did.
type stats struct {
	// before and after are the numbers of data segments.
	before, after int
	// lines says what stripLines did, when asked to.
	lines lineStats
}

// pack returns the module with its data segments joined where at most
// maxGap zero bytes separate them. Every other section is kept byte for
// byte; the data count section, when there is one, gets the new count.
// With noLines, the Go runtime's file and line tables are emptied first.
func pack(module []byte, maxGap uint64, noLines bool) ([]byte, stats, error) {
	secs, err := parseModule(module)
	if err != nil {
		return nil, stats{}, err
	}
	data := -1
	for i, s := range secs {
		switch s.id {
		case sectionImport:
			imported, err := importsMemory(s.payload)
			if err != nil {
				return nil, stats{}, fmt.Errorf("import section: %w", err)
			}
			if imported {
				return nil, stats{}, errors.New("the memory is imported, so it may not start zeroed")
			}
		case sectionData:
			data = i
		}
	}
	if data < 0 {
		return module, stats{}, nil
	}
	segs, err := parseData(secs[data].payload)
	if err != nil {
		return nil, stats{}, err
	}
	var lines lineStats
	if noLines {
		if lines, err = stripSegments(segs); err != nil {
			return nil, stats{}, fmt.Errorf("-nolines: %w", err)
		}
	}
	merged, err := merge(segs, maxGap)
	if err != nil {
		return nil, stats{}, err
	}
	secs[data].payload = encodeData(merged)
	for i, s := range secs {
		if s.id == sectionDataCount {
			secs[i].payload = appendU32(nil, uint32(len(merged)))
		}
	}
	packed := encodeModule(secs)
	if err := sameMemory(segs, packed); err != nil {
		return nil, stats{}, fmt.Errorf("self-check failed: %w", err)
	}
	return packed, stats{before: len(segs), after: len(merged), lines: lines}, nil
}

// stripSegments runs stripLines on the memory that segs write and writes
// the result back into them (copies, so the input module is untouched).
// stripLines only writes zeros, and addresses no segment covers are zero
// already, so the segments then write exactly the stripped memory.
func stripSegments(segs []segment) (lineStats, error) {
	base, mem := image(segs)
	st, err := stripLines(base, mem)
	if err != nil {
		return lineStats{}, err
	}
	for i, s := range segs {
		segs[i].data = slices.Clone(mem[s.offset-base : uint64(s.offset-base)+uint64(len(s.data))])
	}
	if b, m := image(segs); b != base || !bytes.Equal(m, mem) {
		return lineStats{}, errors.New("the stripped memory does not fit the segments")
	}
	return st, nil
}

// sameMemory decodes the packed module again and checks that its segments
// write what the original ones wrote.
func sameMemory(orig []segment, packed []byte) error {
	secs, err := parseModule(packed)
	if err != nil {
		return err
	}
	for _, s := range secs {
		if s.id != sectionData {
			continue
		}
		segs, err := parseData(s.payload)
		if err != nil {
			return err
		}
		base0, mem0 := image(orig)
		base1, mem1 := image(segs)
		if base0 != base1 || !bytes.Equal(mem0, mem1) {
			return errors.New("the packed segments write different memory")
		}
		return nil
	}
	return errors.New("the packed module has no data section")
}
