package main

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Go's runtime finds a function's metadata in its pc-line table
// (runtime/symtab.go, "pcHeader" and "_func", Go 1.26; the layout is
// checked below and the program refuses what it does not recognise). Each
// function names, by offset into one shared table area (pctab), a table of
// stack deltas (pcsp), of source files (pcfile), of source lines (pcln) and
// of other per-pc values (pcdata: unsafe points, stack maps, inlining). The
// runtime needs pcsp and pcdata to grow stacks and to collect garbage; it
// reads pcfile and pcln only to print a file and line: in a traceback, and
// in runtime.Caller and runtime.CallersFrames. In the playground's module
// those two kinds of table are about 230 KB raw and 111 KB brotli.
//
// stripLines sets every function's pcfile and pcln offset to 0, which the
// runtime reads as "no table" (runtime.pcvalue returns -1 for offset 0, and
// funcline1 then answers "?", line 0), and zeroes the bytes of the tables
// only they used and of the file-name tables (cutab, filetab), which only a
// valid pcfile table leads to. Every address keeps its content or becomes
// zero, so the memory layout, every other table and every offset into
// them are as before. A panic's traceback still names every function; it
// shows "?:0" where it showed a file and line.

// pcHeaderMagic is abi.Go120PCLnTabMagic, which Go 1.20 to 1.26 write.
const pcHeaderMagic = 0xfffffff1

// pcHeader is the part of runtime.pcHeader that stripLines reads, on a
// 64-bit target (js/wasm).
type pcHeader struct {
	// nfunc is the number of functions in the function table.
	nfunc uint64
	// funcname, cutab, filetab, pctab and pcln are the offsets of the
	// tables from the header, in this (increasing) order.
	funcname, cutab, filetab, pctab, pcln uint64
}

// _func field offsets and sizes (runtime._func, 44 bytes before pcdata).
const (
	funcPcsp    = 16
	funcPcfile  = 20
	funcPcln    = 24
	funcNpcdata = 28
	funcSize    = 44
)

// lineStats says what stripLines removed.
type lineStats struct {
	// funcs is the number of functions whose pcfile and pcln were cleared.
	funcs int
	// zeroed is the number of bytes set to zero.
	zeroed int
}

// stripLines removes the pcfile and pcln tables from mem, the memory image
// of a Go js/wasm module's data, which starts at address base. See the
// comment above.
func stripLines(base uint32, mem []byte) (lineStats, error) {
	at, h, err := findPCHeader(base, mem)
	if err != nil {
		return lineStats{}, err
	}
	pctab := mem[at+h.pctab : at+h.pcln]
	funcs, err := funcAddrs(mem, at, h)
	if err != nil {
		return lineStats{}, err
	}
	// Tables are shared by content, so a table that a pcsp or pcdata
	// field also names must stay.
	keep, drop := map[uint32]bool{}, map[uint32]bool{}
	for _, f := range funcs {
		n := uint64(binary.LittleEndian.Uint32(mem[f+funcNpcdata:]))
		if f+funcSize+4*n > uint64(len(mem)) {
			return lineStats{}, fmt.Errorf("function at %#x: %d pcdata tables run past memory", f, n)
		}
		keep[binary.LittleEndian.Uint32(mem[f+funcPcsp:])] = true
		for i := range n {
			keep[binary.LittleEndian.Uint32(mem[f+funcSize+4*i:])] = true
		}
		drop[binary.LittleEndian.Uint32(mem[f+funcPcfile:])] = true
		drop[binary.LittleEndian.Uint32(mem[f+funcPcln:])] = true
	}
	var st lineStats
	for off := range drop {
		if off == 0 || keep[off] {
			continue
		}
		n, err := pcTableLen(pctab, off)
		if err != nil {
			return lineStats{}, err
		}
		st.zeroed += clear0(pctab[off : off+n])
	}
	for _, f := range funcs {
		st.zeroed += clear0(mem[f+funcPcfile : f+funcPcln+4])
		st.funcs++
	}
	st.zeroed += clear0(mem[at+h.cutab : at+h.pctab]) // cutab and filetab
	return st, nil
}

// findPCHeader finds the one runtime.pcHeader in mem (which starts at
// address base) and checks that its tables lie in order inside mem. It
// returns the header's index in mem.
func findPCHeader(base uint32, mem []byte) (uint64, pcHeader, error) {
	// magic, pad1, pad2, minLC 1 (wasm), ptrSize 8
	sig := binary.LittleEndian.AppendUint32(nil, pcHeaderMagic)
	sig = append(sig, 0, 0, 1, 8)
	var found []uint64
	for i := (8 - int(base%8)) % 8; i+len(sig) <= len(mem); i += 8 { // the header is 8-aligned
		if string(mem[i:i+len(sig)]) == string(sig) {
			found = append(found, uint64(i))
		}
	}
	if len(found) != 1 {
		return 0, pcHeader{}, fmt.Errorf("found %d Go 1.20+ wasm pc-line table headers, want 1", len(found))
	}
	at := found[0]
	if at+72 > uint64(len(mem)) {
		return 0, pcHeader{}, errors.New("pc-line table header runs past memory")
	}
	w := func(i uint64) uint64 { return binary.LittleEndian.Uint64(mem[at+8*i:]) }
	h := pcHeader{nfunc: w(1), funcname: w(4), cutab: w(5), filetab: w(6), pctab: w(7), pcln: w(8)}
	if !(h.nfunc > 0 && 72 <= h.funcname && h.funcname <= h.cutab && h.cutab <= h.filetab &&
		h.filetab <= h.pctab && h.pctab <= h.pcln && at+h.pcln+8*(h.nfunc+1) <= uint64(len(mem))) {
		return 0, pcHeader{}, fmt.Errorf("pc-line table header %+v is not laid out as Go 1.26's", h)
	}
	return at, h, nil
}

// funcAddrs returns the addresses of the functions' _func records, from the
// function table at the start of pcln: nfunc+1 pairs of uint32 (entry
// offset, record offset from pcln), entries increasing.
func funcAddrs(mem []byte, at uint64, h pcHeader) ([]uint64, error) {
	ftab := at + h.pcln
	addrs := make([]uint64, 0, h.nfunc)
	var last uint32
	for i := range h.nfunc {
		entry := binary.LittleEndian.Uint32(mem[ftab+8*i:])
		f := ftab + uint64(binary.LittleEndian.Uint32(mem[ftab+8*i+4:]))
		if entry < last || f < ftab+8*(h.nfunc+1) || f+funcSize > uint64(len(mem)) ||
			binary.LittleEndian.Uint32(mem[f:]) != entry {
			return nil, fmt.Errorf("function %d of the function table is not a Go 1.26 _func", i)
		}
		last = entry
		addrs = append(addrs, f)
	}
	return addrs, nil
}

// pcTableLen returns the length of the pc-value table at off in pctab:
// pairs of varints (value delta, pc delta), ended by a zero value delta
// after the first pair (runtime.step).
func pcTableLen(pctab []byte, off uint32) (uint32, error) {
	if uint64(off) >= uint64(len(pctab)) {
		return 0, fmt.Errorf("pc-value table at %#x is outside pctab", off)
	}
	r := &reader{b: pctab[off:]}
	for first := true; ; first = false {
		v := r.u32()
		if r.err != nil {
			return 0, fmt.Errorf("pc-value table at %#x: %w", off, r.err)
		}
		if v == 0 && !first {
			return uint32(r.pos), nil
		}
		r.u32()
	}
}

// clear0 zeroes b and returns how many of its bytes were not zero.
func clear0(b []byte) int {
	n := 0
	for i, c := range b {
		if c != 0 {
			n++
			b[i] = 0
		}
	}
	return n
}
