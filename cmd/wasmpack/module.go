package main

import (
	"bytes"
	"errors"
	"fmt"
)

// The binary format is in the WebAssembly core specification, chapter 5
// ("Binary Format"); section ids are in 5.5.2.
const (
	sectionImport    = 2
	sectionData      = 11
	sectionDataCount = 12
)

// header is the magic number and version 1 that open every module.
var header = []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}

// section is one section of a module, its payload as it is in the file.
type section struct {
	// id is the section id (0 for a custom section).
	id byte
	// payload is the section's content, without its id and size.
	payload []byte
}

// parseModule splits a module into its sections, in file order.
func parseModule(b []byte) ([]section, error) {
	if !bytes.HasPrefix(b, header) {
		return nil, errors.New("not a WebAssembly module of version 1")
	}
	r := &reader{b: b, pos: len(header)}
	var secs []section
	for !r.done() {
		id := r.byte()
		size := r.u32()
		payload := r.take(int(size))
		if r.err != nil {
			return nil, fmt.Errorf("section %d at byte %d: %w", id, r.pos, r.err)
		}
		secs = append(secs, section{id: id, payload: payload})
	}
	return secs, nil
}

// encodeModule writes sections back into a module.
func encodeModule(secs []section) []byte {
	out := append([]byte(nil), header...)
	for _, s := range secs {
		out = append(out, s.id)
		out = appendU32(out, uint32(len(s.payload)))
		out = append(out, s.payload...)
	}
	return out
}

// importsMemory reports whether an import section's payload imports a
// memory, whose initial content this program cannot know.
func importsMemory(payload []byte) (bool, error) {
	r := &reader{b: payload}
	n := r.u32()
	for i := uint32(0); i < n && r.err == nil; i++ {
		r.take(int(r.u32())) // module name
		r.take(int(r.u32())) // field name
		switch kind := r.byte(); kind {
		case 0x00: // function: type index
			r.u32()
		case 0x01: // table: reference type, limits
			r.byte()
			r.limits()
		case 0x02: // memory: limits
			return true, nil
		case 0x03: // global: value type, mutability
			r.byte()
			r.byte()
		case 0x04: // tag: attribute, type index
			r.byte()
			r.u32()
		default:
			return false, fmt.Errorf("import %d has unknown kind %#x", i, kind)
		}
	}
	return false, r.err
}

// reader decodes a byte slice, remembering the first error; after one,
// every read returns zero.
type reader struct {
	// b is the input.
	b []byte
	// pos is the offset of the next byte to read. Invariant: pos <= len(b).
	pos int
	// err is the first error met, if any.
	err error
}

// done reports whether the input is used up (or an error stopped reading).
func (r *reader) done() bool { return r.err != nil || r.pos == len(r.b) }

// fail records err unless an earlier error is already recorded.
func (r *reader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// byte reads one byte.
func (r *reader) byte() byte {
	if r.err != nil || r.pos >= len(r.b) {
		r.fail(errors.New("unexpected end"))
		return 0
	}
	c := r.b[r.pos]
	r.pos++
	return c
}

// take reads n bytes, sharing them with the input.
func (r *reader) take(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b)-r.pos {
		r.fail(errors.New("unexpected end"))
		return nil
	}
	s := r.b[r.pos : r.pos+n]
	r.pos += n
	return s
}

// u32 reads an unsigned LEB128 number of at most 32 bits.
func (r *reader) u32() uint32 {
	var v uint64
	for shift := 0; shift < 35; shift += 7 {
		c := r.byte()
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			if v > 1<<32-1 {
				r.fail(errors.New("u32 out of range"))
			}
			return uint32(v)
		}
	}
	r.fail(errors.New("u32 longer than 5 bytes"))
	return 0
}

// s32 reads a signed LEB128 number of at most 32 bits.
func (r *reader) s32() int32 {
	var v int64
	for shift := 0; shift < 35; shift += 7 {
		c := r.byte()
		v |= int64(c&0x7f) << shift
		if c&0x80 == 0 {
			if c&0x40 != 0 {
				v |= -1 << (shift + 7) // sign-extend
			}
			if v < -1<<31 || v > 1<<31-1 {
				r.fail(errors.New("s32 out of range"))
			}
			return int32(v)
		}
	}
	r.fail(errors.New("s32 longer than 5 bytes"))
	return 0
}

// limits reads a table's or memory's limits: a flag, a minimum and, when
// the flag's low bit is set, a maximum.
func (r *reader) limits() {
	if flag := r.byte(); flag&1 != 0 {
		r.u32()
	}
	r.u32()
}

// appendU32 appends v as unsigned LEB128.
func appendU32(b []byte, v uint32) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// appendS32 appends v as signed LEB128.
func appendS32(b []byte, v int32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
