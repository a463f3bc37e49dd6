package kv

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// TestDecodeCommandShortAgrees: the short path decodes exactly what the
// field-by-field decoder does (same command, key and value of the same
// length and capacity), and refuses nothing that decoder refuses without
// leaving it to that decoder: checked on commands around each uvarint
// length boundary and on every one-byte change and cut of them.
func TestDecodeCommandShortAgrees(t *testing.T) {
	nums := []uint64{0, 1, 0x7f, 0x80, 0xff, 0x3fff, 0x4000, 1 << 20, 1<<64 - 1}
	var inputs [][]byte
	r := rand.New(rand.NewPCG(1, 2))
	for _, id := range nums {
		for _, seq := range nums {
			for _, klen := range []int{0, 1, 0x7f, 0x80, MaxKeyLen, MaxKeyLen + 1} {
				for _, vlen := range []int{0, 3, 0x80, 0x3fff, 0x4000} {
					c := Command{ClientID: id, Seq: seq, Op: Op(1 + r.IntN(3)), Key: string(bytes.Repeat([]byte{'k'}, klen)), Value: string(bytes.Repeat([]byte{'v'}, vlen))}
					inputs = append(inputs, c.AppendEncoded(nil))
				}
			}
		}
	}
	// Non-minimal and cut uvarints, by hand.
	inputs = append(inputs, []byte{1, 1, 0x80, 0x00, 0, 0, 0}, []byte{1, 1, 0, 0x81, 0x80, 0x00, 0, 0}, []byte{1, 1, 0x80}, []byte{1, 1, 0, 0, 0x85, 0x80})
	check := func(b []byte) {
		t.Helper()
		short, ok := decodeCommandShort(b)
		full, err := decodeCommandFields(b)
		if !ok {
			return
		}
		if err != nil {
			t.Fatalf("% x: short path accepts what the decoder refuses: %v", b, err)
		}
		if short.ClientID != full.ClientID || short.Seq != full.Seq || short.Op != full.Op ||
			!bytes.Equal(short.Key, full.Key) || !bytes.Equal(short.Value, full.Value) ||
			cap(short.Key) != cap(full.Key) || cap(short.Value) != cap(full.Value) {
			t.Fatalf("% x: short path gives %+v, the decoder %+v", b, short, full)
		}
	}
	shortOK := 0
	for _, in := range inputs {
		if _, ok := decodeCommandShort(in); ok {
			shortOK++
		}
		check(in)
		if len(in) > 64 {
			continue // the changes of the header and the lengths are enough
		}
		for i := range in {
			check(in[:i])
			for _, x := range []byte{0, 1, 2, 0x7f, 0x80, 0x81, 0xff} {
				c := bytes.Clone(in)
				c[i] = x
				check(c)
			}
		}
	}
	if shortOK == 0 {
		t.Fatal("the short path decoded nothing")
	}
	if v := binary.AppendUvarint(nil, 0x3fff); len(v) != 2 {
		t.Fatalf("0x3fff takes %d bytes, not 2", len(v))
	}
}
