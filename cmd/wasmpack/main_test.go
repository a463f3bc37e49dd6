package main

import (
	"bytes"
	"strings"
	"testing"
)

// module builds a module of the given sections, each given as id and
// payload.
func module(secs ...section) []byte { return encodeModule(secs) }

// dataSection encodes segments as a data section.
func dataSection(segs ...segment) section {
	return section{id: sectionData, payload: encodeData(segs)}
}

// memorySection declares one memory of 1 page, not imported.
var memorySection = section{id: 5, payload: []byte{1, 0, 1}}

func TestPackJoinsSegmentsAcrossSmallGaps(t *testing.T) {
	segs := []segment{
		{offset: 100, data: []byte{1, 2, 3}},
		{offset: 20, data: []byte{9}},         // out of order: sorted first
		{offset: 110, data: []byte{4, 5}},     // 7 zeros after the first
		{offset: 5000, data: []byte{6}},       // gap of 4888: kept apart at maxGap 4096
		{offset: 5001, data: []byte{7, 8}},    // adjacent
		{offset: 6000, data: nil},             // empty: dropped
		{offset: 0x7fffffff, data: []byte{1}}, // the largest positive i32.const
	}
	dataCount := section{id: sectionDataCount, payload: appendU32(nil, uint32(len(segs)))}
	custom := section{id: 0, payload: []byte("\x04nameabc")}
	in := module(memorySection, dataCount, dataSection(segs...), custom)

	out, st, err := pack(in, 4096, false)
	if err != nil {
		t.Fatal(err)
	}
	if st.before != 7 || st.after != 3 {
		t.Errorf("segments %d -> %d, want 7 -> 3", st.before, st.after)
	}
	want := module(memorySection,
		section{id: sectionDataCount, payload: []byte{3}},
		dataSection(
			segment{offset: 20, data: append(append([]byte{9}, make([]byte, 79)...), 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 4, 5)},
			segment{offset: 5000, data: []byte{6, 7, 8}},
			segment{offset: 0x7fffffff, data: []byte{1}},
		),
		custom)
	if !bytes.Equal(out, want) {
		t.Errorf("packed module\n got %x\nwant %x", out, want)
	}
}

func TestPackWithoutDataSectionChangesNothing(t *testing.T) {
	in := module(memorySection, section{id: 0, payload: []byte("\x01x")})
	out, _, err := pack(in, 4096, false)
	if err != nil || !bytes.Equal(out, in) {
		t.Errorf("pack = %x, %v; want the input unchanged", out, err)
	}
}

func TestPackRefuses(t *testing.T) {
	// passive is a data section holding one passive segment: flags 1, 1 byte.
	passive := section{id: sectionData, payload: []byte{1, 1, 1, 0xaa}}
	// importedMemory imports "env" "mem" as a memory with minimum 1.
	importedMemory := section{id: sectionImport, payload: []byte{1, 3, 'e', 'n', 'v', 3, 'm', 'e', 'm', 2, 0, 1}}
	// importedFunc imports "env" "f" as a function of type 0, and a global.
	importedFunc := section{id: sectionImport, payload: []byte{2, 3, 'e', 'n', 'v', 1, 'f', 0, 0, 3, 'e', 'n', 'v', 1, 'g', 3, 0x7f, 0}}
	// globalOffset places a segment at global.get 0 instead of a constant.
	globalOffset := section{id: sectionData, payload: []byte{1, 0, 0x23, 0, opEnd, 1, 0xaa}}
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"not wasm", []byte("\x00asm\x02\x00\x00\x00"), "not a WebAssembly module"},
		{"truncated", append(module(memorySection), sectionData, 10, 0), "unexpected end"},
		{"imported memory", module(importedMemory, dataSection(segment{offset: 8, data: []byte{1}})), "memory is imported"},
		{"passive segment", module(memorySection, passive), "passive"},
		{"offset from a global", module(memorySection, globalOffset), "not an i32.const"},
		{"overlap", module(memorySection, dataSection(segment{offset: 8, data: []byte{1, 2}}, segment{offset: 9, data: []byte{3}})), "overlap"},
	} {
		_, _, err := pack(tc.in, 4096, false)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	// A function import is no reason to refuse.
	if _, _, err := pack(module(importedFunc, memorySection, dataSection(segment{offset: 8, data: []byte{1}})), 4096, false); err != nil {
		t.Errorf("function and global imports: %v", err)
	}
}

func TestLEB128RoundTrips(t *testing.T) {
	for _, v := range []int32{0, 1, 63, 64, -1, -64, -65, 127, 128, 1 << 20, -1 << 31, 1<<31 - 1} {
		r := &reader{b: appendS32(nil, v)}
		if got := r.s32(); got != v || r.err != nil || !r.done() {
			t.Errorf("s32 %d: got %d, %v", v, got, r.err)
		}
	}
	for _, v := range []uint32{0, 127, 128, 1 << 21, 1<<32 - 1} {
		r := &reader{b: appendU32(nil, v)}
		if got := r.u32(); got != v || r.err != nil || !r.done() {
			t.Errorf("u32 %d: got %d, %v", v, got, r.err)
		}
	}
}
