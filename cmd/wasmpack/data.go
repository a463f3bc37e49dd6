package main

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// Opcodes of a segment's offset expression: i32.const n, end.
const (
	opI32Const = 0x41
	opEnd      = 0x0b
)

// segment is an active data segment of memory 0: bytes copied to an
// address when the module is instantiated.
type segment struct {
	// offset is the address of the first byte.
	offset uint32
	// data is the content.
	data []byte
}

// end is the address just past the segment.
func (s segment) end() uint64 { return uint64(s.offset) + uint64(len(s.data)) }

// parseData decodes a data section's payload. It accepts only active
// segments of memory 0 placed by a constant: a passive segment exists to be
// named by index in memory.init, and merging would renumber it.
func parseData(payload []byte) ([]segment, error) {
	r := &reader{b: payload}
	n := r.u32()
	segs := make([]segment, 0, min(n, 1<<20))
	for i := uint32(0); i < n && r.err == nil; i++ {
		switch flags := r.u32(); flags {
		case 0: // active, memory 0
		case 2: // active, explicit memory index
			if mem := r.u32(); mem != 0 {
				return nil, fmt.Errorf("data segment %d is for memory %d", i, mem)
			}
		case 1:
			return nil, fmt.Errorf("data segment %d is passive", i)
		default:
			return nil, fmt.Errorf("data segment %d has unknown flags %d", i, flags)
		}
		if op := r.byte(); op != opI32Const && r.err == nil {
			return nil, fmt.Errorf("data segment %d: offset is not an i32.const", i)
		}
		offset := uint32(r.s32()) // an address: i32 is unsigned here
		if op := r.byte(); op != opEnd && r.err == nil {
			return nil, fmt.Errorf("data segment %d: offset is not a single constant", i)
		}
		data := r.take(int(r.u32()))
		segs = append(segs, segment{offset: offset, data: data})
	}
	if r.err == nil && !r.done() {
		r.fail(errors.New("bytes after the last segment"))
	}
	if r.err != nil {
		return nil, fmt.Errorf("data section: %w", r.err)
	}
	return segs, nil
}

// encodeData encodes segments as a data section's payload, each active for
// memory 0.
func encodeData(segs []segment) []byte {
	out := appendU32(nil, uint32(len(segs)))
	for _, s := range segs {
		out = append(out, 0, opI32Const)
		out = appendS32(out, int32(s.offset))
		out = append(out, opEnd)
		out = appendU32(out, uint32(len(s.data)))
		out = append(out, s.data...)
	}
	return out
}

// merge joins segments whose gap is at most maxGap bytes into one segment
// that holds zeros in the gap. Memory that no import provides starts
// zeroed, so the module's memory after instantiation is the same. Segments
// must not overlap: where they do, the later one wins, and merging would
// have to reproduce that order.
func merge(segs []segment, maxGap uint64) ([]segment, error) {
	sorted := slices.Clone(segs)
	slices.SortStableFunc(sorted, func(a, b segment) int { return cmp.Compare(a.offset, b.offset) })
	var out []segment
	for _, s := range sorted {
		if len(s.data) == 0 {
			continue
		}
		if len(out) > 0 {
			last := &out[len(out)-1]
			if uint64(s.offset) < last.end() {
				return nil, fmt.Errorf("data segments overlap at address %#x", s.offset)
			}
			if gap := uint64(s.offset) - last.end(); gap <= maxGap {
				last.data = append(last.data, make([]byte, gap)...)
				last.data = append(last.data, s.data...)
				continue
			}
		}
		// Copy, so that appending never writes into the input module.
		out = append(out, segment{offset: s.offset, data: slices.Clone(s.data)})
	}
	return out, nil
}

// image is the bytes that segments write into memory, from the lowest
// address any of them writes to; addresses none writes to hold zero.
func image(segs []segment) (base uint32, mem []byte) {
	if len(segs) == 0 {
		return 0, nil
	}
	lo, hi := uint64(segs[0].offset), uint64(0)
	for _, s := range segs {
		lo, hi = min(lo, uint64(s.offset)), max(hi, s.end())
	}
	mem = make([]byte, hi-lo)
	for _, s := range segs {
		copy(mem[uint64(s.offset)-lo:], s.data)
	}
	return uint32(lo), mem
}
