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
)

func main() {
	maxGap := flag.Uint64("gap", 4096, "join segments separated by at most this many zero `bytes`")
	out := flag.String("o", "", "write the module to `file` (default: replace the input)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: wasmpack [-gap bytes] [-o file] module.wasm")
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
	if err := run(in, *out, *maxGap); err != nil {
		fmt.Fprintln(os.Stderr, "wasmpack:", err)
		os.Exit(1)
	}
}

// run packs the module in file in into file out.
func run(in, out string, maxGap uint64) error {
	b, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	packed, st, err := pack(b, maxGap)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if err := os.WriteFile(out, packed, 0o644); err != nil {
		return err
	}
	fmt.Printf("wasmpack: %s: %d data segments joined into %d; %d bytes raw, was %d\n",
		out, st.before, st.after, len(packed), len(b))
	return nil
}

// stats says what pack did.
type stats struct {
	// before and after are the numbers of data segments.
	before, after int
}

// pack returns the module with its data segments joined where at most
// maxGap zero bytes separate them. Every other section is kept byte for
// byte; the data count section, when there is one, gets the new count.
func pack(module []byte, maxGap uint64) ([]byte, stats, error) {
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
	return packed, stats{before: len(segs), after: len(merged)}, nil
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
