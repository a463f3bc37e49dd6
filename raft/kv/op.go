package kv

import (
	"fmt"
)

// Op is what a [Command] does to its key. The zero Op is invalid, so a
// Command whose Op was never set is rejected.
type Op uint8

// The operations. Their numbers are part of the encoding: never renumber.
const (
	// OpPut sets the key to the value.
	OpPut Op = iota + 1
	// OpAppend appends the value to the key's value (an absent key counts
	// as empty).
	OpAppend
	// OpGet reads the key; the command's value is ignored.
	OpGet
)

var opNames = [...]string{
	OpPut:    "put",
	OpAppend: "append",
	OpGet:    "get",
}

// Valid reports whether op is one of OpPut, OpAppend and OpGet.
func (op Op) Valid() bool { return op >= OpPut && op <= OpGet }

// String returns "put", "append" or "get", or "Op(n)" for an invalid op.
func (op Op) String() string {
	if op.Valid() {
		return opNames[op]
	}
	return fmt.Sprintf("Op(%d)", uint8(op))
}

// MarshalText makes ops readable in JSON and traces: it returns String.
func (op Op) MarshalText() ([]byte, error) { return []byte(op.String()), nil }

// UnmarshalText accepts "put", "append" and "get", so that an Op marshaled
// with MarshalText reads back.
func (op *Op) UnmarshalText(b []byte) error {
	for o := OpPut; o <= OpGet; o++ {
		if string(b) == opNames[o] {
			*op = o
			return nil
		}
	}
	return fmt.Errorf("kv: %w %q", ErrUnknownOp, b)
}
