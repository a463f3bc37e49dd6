package kv

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Errors that decoding a command or restoring a snapshot may wrap; test
// for them with errors.Is. The error's text says where it happened.
var (
	// ErrBadVersion: the first byte is not a format version this package
	// reads.
	ErrBadVersion = errors.New("unknown format version")
	// ErrTruncated: the input ends inside a field.
	ErrTruncated = errors.New("truncated")
	// ErrUnknownOp: the op byte is not OpPut, OpAppend or OpGet.
	ErrUnknownOp = errors.New("unknown op")
	// ErrTrailingBytes: bytes follow the last field.
	ErrTrailingBytes = errors.New("trailing bytes")
	// ErrKeyTooLong: a key is longer than MaxKeyLen.
	ErrKeyTooLong = errors.New("key too long")
	// ErrValueTooLong: a value is longer than MaxValueLen (also returned by
	// Apply for an append whose result would be).
	ErrValueTooLong = errors.New("value too long")
	// ErrMalformed: a field is well-formed bytes but breaks a rule of the
	// format (a non-minimal or overflowing uvarint, keys out of order, ...).
	ErrMalformed = errors.New("malformed")
)

// reader decodes the fields of a command or snapshot. The first error
// sticks: later calls return zero values and leave err alone, so a decoder
// reads every field and checks err once.
type reader struct {
	// b is the input not yet consumed.
	b []byte
	// err is the first error met, or nil.
	err error
}

// fail records err unless an earlier error is already recorded.
func (r *reader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// u8 reads one byte; what names the field in the error.
func (r *reader) u8(what string) byte {
	if r.err != nil {
		return 0
	}
	if len(r.b) == 0 {
		r.fail(fmt.Errorf("%w %s: need 1 byte, have 0", ErrTruncated, what))
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

// uvarint reads a minimally encoded uvarint, so that every value has
// exactly one encoding and decoding then re-encoding gives the input back.
func (r *reader) uvarint(what string) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	switch {
	case n == 0:
		r.fail(fmt.Errorf("%w %s: uvarint ends after %d bytes", ErrTruncated, what, len(r.b)))
		return 0
	case n < 0:
		r.fail(fmt.Errorf("%w %s: uvarint overflows 64 bits", ErrMalformed, what))
		return 0
	case n != uvarintLen(v):
		r.fail(fmt.Errorf("%w %s: uvarint %d in %d bytes, not %d", ErrMalformed, what, v, n, uvarintLen(v)))
		return 0
	}
	r.b = r.b[n:]
	return v
}

// str reads a uvarint length then that many bytes, copied (the result
// does not alias the input). A length above limit fails with tooLong.
// what names the field and whatLength its length in errors (two constant
// strings, so that decoding formats nothing unless it fails).
func (r *reader) str(what, whatLength string, limit int, tooLong error) string {
	return string(r.bytes(what, whatLength, limit, tooLong))
}

// bytes is str without the copy: the result aliases the input.
func (r *reader) bytes(what, whatLength string, limit int, tooLong error) []byte {
	n := r.uvarint(whatLength)
	if r.err != nil {
		return nil
	}
	if n > uint64(limit) {
		r.fail(fmt.Errorf("%w: %s of %d bytes (max %d)", tooLong, what, n, limit))
		return nil
	}
	if n > uint64(len(r.b)) {
		r.fail(fmt.Errorf("%w %s: need %d bytes, have %d", ErrTruncated, what, n, len(r.b)))
		return nil
	}
	b := r.b[:n:n]
	r.b = r.b[n:]
	return b
}

// finish fails unless the whole input was consumed, and returns err.
func (r *reader) finish() error {
	if r.err == nil && len(r.b) > 0 {
		r.fail(fmt.Errorf("%w: %d after the last field", ErrTrailingBytes, len(r.b)))
	}
	return r.err
}

// uvarintLen is the length of the minimal uvarint encoding of v.
func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// appendString appends s with its uvarint length before it.
func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}
