package kv

import (
	"encoding/binary"
	"fmt"
)

// Limits on what a command carries and what the store holds.
const (
	// MaxKeyLen is the longest key, in bytes.
	MaxKeyLen = 1 << 10
	// MaxValueLen is the longest value, in bytes: in a command, and in the
	// store after an append.
	MaxValueLen = 64 << 10
)

// commandVersion is the first byte of every encoded command.
const commandVersion = 1

// Command is a client's request, carried as the data of a log entry.
//
// (ClientID, Seq) names the command so that a retry of it applies once: a
// client numbers its commands with increasing Seq (starting at 1 is
// customary) and reuses the Seq when it retries. A client has at most one
// command outstanding; the store remembers only the highest Seq applied per
// client.
type Command struct {
	// ClientID identifies the client's session. Zero means "no session":
	// the command always applies and nothing is remembered.
	ClientID uint64
	// Seq is the command's number within the session; ignored when
	// ClientID is zero.
	Seq uint64
	// Op is what to do. Invariant for a valid command: Op.Valid().
	Op Op
	// Key is the key operated on. Invariant: len(Key) <= MaxKeyLen.
	Key string
	// Value is the value to put or append; ignored (but still carried) by
	// OpGet. Invariant: len(Value) <= MaxValueLen.
	Value string
}

// Validate reports whether c can be decoded after encoding: its Op is valid
// and its key and value are within MaxKeyLen and MaxValueLen.
func (c Command) Validate() error {
	switch {
	case !c.Op.Valid():
		return fmt.Errorf("kv: command: %w %d", ErrUnknownOp, uint8(c.Op))
	case len(c.Key) > MaxKeyLen:
		return fmt.Errorf("kv: command: %w: %d bytes (max %d)", ErrKeyTooLong, len(c.Key), MaxKeyLen)
	case len(c.Value) > MaxValueLen:
		return fmt.Errorf("kv: command: %w: %d bytes (max %d)", ErrValueTooLong, len(c.Value), MaxValueLen)
	}
	return nil
}

// Encode returns c in the binary format DecodeCommand reads:
//
//	version  1 byte, always 1
//	op       1 byte
//	clientID uvarint
//	seq      uvarint
//	key      uvarint length, then the bytes
//	value    uvarint length, then the bytes
//
// Uvarints are minimal, so a command has exactly one encoding. Encode does
// not check c: a command that fails Validate encodes to bytes DecodeCommand
// rejects (and Store.Apply then reports, without applying it).
func (c Command) Encode() []byte {
	return c.AppendEncoded(make([]byte, 0, c.EncodedLenMax()))
}

// EncodedLenMax bounds the length of c's encoding: AppendEncoded onto a
// slice with that much room does not reallocate it.
func (c Command) EncodedLenMax() int {
	return 2 + 4*binary.MaxVarintLen64 + len(c.Key) + len(c.Value)
}

// AppendEncoded appends Encode's bytes to b, so that a caller encoding
// many commands can put them in one buffer.
func (c Command) AppendEncoded(b []byte) []byte {
	b = append(b, commandVersion, byte(c.Op))
	b = binary.AppendUvarint(b, c.ClientID)
	b = binary.AppendUvarint(b, c.Seq)
	b = appendString(b, c.Key)
	return appendString(b, c.Value)
}

// DecodeCommand parses what Encode wrote. It rejects, with an error naming
// the field and wrapping one of the package's Err values, input that is
// empty or truncated, has an unknown version or op, a key or value over
// its limit, a non-minimal uvarint, or bytes after the value. On success,
// Encode of the result gives back b exactly. It never panics and keeps no
// reference to b.
func DecodeCommand(b []byte) (Command, error) {
	c, err := decodeCommand(b)
	if err != nil {
		return Command{}, fmt.Errorf("kv: decode command: %w", err)
	}
	return c, nil
}

// decodeCommand is DecodeCommand without the error prefix.
func decodeCommand(b []byte) (Command, error) {
	v, err := decodeCommandView(b)
	if err != nil {
		return Command{}, err
	}
	return Command{ClientID: v.ClientID, Seq: v.Seq, Op: v.Op, Key: string(v.Key), Value: string(v.Value)}, nil
}

// commandView is a decoded command whose key and value alias the encoded
// bytes: what Apply reads, so that applying copies only what it keeps.
type commandView struct {
	ClientID, Seq uint64
	Op            Op
	Key, Value    []byte
}

// decodeCommandView decodes b without copying its key and value.
func decodeCommandView(b []byte) (commandView, error) {
	if c, ok := decodeCommandShort(b); ok {
		return c, nil
	}
	return decodeCommandFields(b)
}

// decodeCommandShort decodes b when it is a valid command whose uvarints
// each take one or two bytes (numbers below 16384), as nearly all do; ok
// is false otherwise, for decodeCommandFields to decode b or say what is
// wrong with it. It reads what decodeCommandFields reads, at a fifth of
// the cost: every replica applies every command.
func decodeCommandShort(b []byte) (c commandView, ok bool) {
	if len(b) < 2 || b[0] != commandVersion || !Op(b[1]).Valid() {
		return commandView{}, false
	}
	c.Op = Op(b[1])
	i := 2
	if c.ClientID, i, ok = shortUvarint(b, i); !ok {
		return commandView{}, false
	}
	if c.Seq, i, ok = shortUvarint(b, i); !ok {
		return commandView{}, false
	}
	var n uint64
	if n, i, ok = shortUvarint(b, i); !ok || n > MaxKeyLen || n > uint64(len(b)-i) {
		return commandView{}, false
	}
	c.Key, i = b[i:i+int(n):i+int(n)], i+int(n)
	// Any length that fits two bytes is within MaxValueLen.
	if n, i, ok = shortUvarint(b, i); !ok || n != uint64(len(b)-i) {
		return commandView{}, false
	}
	c.Value = b[i:len(b):len(b)]
	return c, true
}

// shortUvarint reads the uvarint at b[i:] when it is minimal and one or
// two bytes long, and returns it and the index after it; ok is false
// otherwise.
func shortUvarint(b []byte, i int) (v uint64, next int, ok bool) {
	if i >= len(b) {
		return 0, i, false
	}
	if x := b[i]; x < 0x80 {
		return uint64(x), i + 1, true
	}
	// A minimal second and last byte is 1..0x7f.
	if i+1 < len(b) && b[i+1]-1 < 0x7f {
		return uint64(b[i]&0x7f) | uint64(b[i+1])<<7, i + 2, true
	}
	return 0, i, false
}

// decodeCommandFields decodes b field by field, saying in its error which
// field is wrong.
func decodeCommandFields(b []byte) (commandView, error) {
	r := reader{b: b}
	if v := r.u8("version"); r.err == nil && v != commandVersion {
		return commandView{}, fmt.Errorf("%w %d (want %d)", ErrBadVersion, v, commandVersion)
	}
	var c commandView
	c.Op = Op(r.u8("op"))
	if r.err == nil && !c.Op.Valid() {
		return commandView{}, fmt.Errorf("%w %d", ErrUnknownOp, uint8(c.Op))
	}
	c.ClientID = r.uvarint("client id")
	c.Seq = r.uvarint("seq")
	c.Key = r.bytes("key", "key length", MaxKeyLen, ErrKeyTooLong)
	c.Value = r.bytes("value", "value length", MaxValueLen, ErrValueTooLong)
	if err := r.finish(); err != nil {
		return commandView{}, err
	}
	return c, nil
}
