package kv_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/raftplayground/raftplayground/raft/kv"
)

// This file tests how commands are encoded: malformed input is refused,
// limits hold, and every command survives a round trip.

func TestDecodeCommandErrors(t *testing.T) {
	uv := func(v uint64) string { return string(binaryUvarint(v)) }
	tests := []struct {
		name string
		in   string
		err  error
		text string // a part of the error's text
	}{
		{"empty", "", kv.ErrTruncated, "truncated version"},
		{"bad version", "\x02\x01\x00\x00\x00\x00", kv.ErrBadVersion, "unknown format version 2"},
		{"op zero", "\x01\x00\x00\x00\x00\x00", kv.ErrUnknownOp, "unknown op 0"},
		{"op unknown", "\x01\x04\x00\x00\x00\x00", kv.ErrUnknownOp, "unknown op 4"},
		{"no op", "\x01", kv.ErrTruncated, "truncated op"},
		{"no client id", "\x01\x01", kv.ErrTruncated, "truncated client id"},
		{"client id cut", "\x01\x01\x80", kv.ErrTruncated, "truncated client id"},
		{"client id overflow", "\x01\x01" + strings.Repeat("\xff", 10) + "\x01", kv.ErrMalformed, "client id: uvarint overflows"},
		{"seq not minimal", "\x01\x01\x00\x80\x00\x00\x00", kv.ErrMalformed, "seq: uvarint 0 in 2 bytes"},
		{"no key", "\x01\x01\x00\x00", kv.ErrTruncated, "truncated key length"},
		{"key cut", "\x01\x01\x00\x00\x03ab", kv.ErrTruncated, "truncated key: need 3 bytes, have 2"},
		{"key too long", "\x01\x01\x00\x00" + uv(kv.MaxKeyLen+1), kv.ErrKeyTooLong, "key of 1025 bytes (max 1024)"},
		{"key length huge", "\x01\x01\x00\x00" + uv(1<<63), kv.ErrKeyTooLong, "key too long"},
		{"no value", "\x01\x01\x00\x00\x00", kv.ErrTruncated, "truncated value length"},
		{"value cut", "\x01\x01\x00\x00\x00\x02a", kv.ErrTruncated, "truncated value: need 2 bytes, have 1"},
		{"value too long", "\x01\x01\x00\x00\x00" + uv(kv.MaxValueLen+1), kv.ErrValueTooLong, "value of 65537 bytes (max 65536)"},
		{"trailing", "\x01\x01\x00\x00\x00\x00\x00", kv.ErrTrailingBytes, "trailing bytes: 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := kv.DecodeCommand([]byte(tt.in))
			if !errors.Is(err, tt.err) {
				t.Fatalf("DecodeCommand(%x) = %+v, %v; want %v", tt.in, c, err, tt.err)
			}
			if !strings.HasPrefix(err.Error(), "kv: decode command: ") || !strings.Contains(err.Error(), tt.text) {
				t.Errorf("error %q does not contain %q", err, tt.text)
			}
			if c != (kv.Command{}) {
				t.Errorf("failed decode returned %+v", c)
			}
		})
	}
}

func binaryUvarint(v uint64) []byte {
	var b []byte
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func TestCommandLimits(t *testing.T) {
	for _, tt := range []struct {
		cmd kv.Command
		err error
	}{
		{put(1, 1, strings.Repeat("k", kv.MaxKeyLen), strings.Repeat("v", kv.MaxValueLen)), nil},
		{put(1, 1, strings.Repeat("k", kv.MaxKeyLen+1), ""), kv.ErrKeyTooLong},
		{put(1, 1, "", strings.Repeat("v", kv.MaxValueLen+1)), kv.ErrValueTooLong},
		{kv.Command{Op: 0}, kv.ErrUnknownOp},
		{kv.Command{Op: 200}, kv.ErrUnknownOp},
	} {
		name := fmt.Sprintf("%v key %d value %d", tt.cmd.Op, len(tt.cmd.Key), len(tt.cmd.Value))
		if err := tt.cmd.Validate(); !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
			t.Errorf("%s: Validate = %v, want %v", name, err, tt.err)
		}
		// What Validate rejects, DecodeCommand rejects for the same reason.
		if _, err := kv.DecodeCommand(tt.cmd.Encode()); !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
			t.Errorf("%s: DecodeCommand(Encode) = %v, want %v", name, err, tt.err)
		}
	}
}

// TestFormats pins the encodings: replicas of different builds must agree,
// so a change here needs a new format version.
func TestFormats(t *testing.T) {
	c := kv.Command{ClientID: 300, Seq: 2, Op: kv.OpAppend, Key: "k", Value: "xy"}
	if got, want := hex.EncodeToString(c.Encode()), "0102ac0202016b027879"; got != want {
		t.Errorf("Encode = %s, want %s", got, want)
	}

	s := kv.New()
	mustApply(t, s, 1, put(0, 0, "b", "2"))
	mustApply(t, s, 2, put(9, 1, "a", "1"))
	mustApply(t, s, 3, get(4, 7, "a"))
	// version, applied 3, 2 keys: a=1 b=2, 2 sessions: 4 (seq 7, index 3,
	// found, "1") and 9 (seq 1, index 2, not found, "1").
	want := "01" + "03" + "02" + "0161" + "0131" + "0162" + "0132" +
		"02" + "04" + "07" + "03" + "01" + "0131" + "09" + "01" + "02" + "00" + "0131"
	if got := hex.EncodeToString(s.Snapshot()); got != want {
		t.Errorf("Snapshot = %s, want %s", got, want)
	}
}

// randomCommand draws a command from a small space of clients and keys, so
// that sessions, duplicates and stale retries all happen.
func randomCommand(rng *rand.Rand, seqs map[uint64]uint64) kv.Command {
	c := kv.Command{
		ClientID: rng.Uint64N(4),
		Op:       kv.Op(1 + rng.IntN(3)),
		Key:      fmt.Sprintf("k%d", rng.IntN(8)),
	}
	if c.Op != kv.OpGet {
		c.Value = strings.Repeat(string(rune('a'+rng.IntN(26))), rng.IntN(5))
	}
	switch rng.IntN(4) {
	case 0: // a retry of the client's last command
		c.Seq = seqs[c.ClientID]
	case 1: // a stale retry
		c.Seq = rng.Uint64N(seqs[c.ClientID] + 1)
	default: // the client's next command
		seqs[c.ClientID]++
		c.Seq = seqs[c.ClientID]
	}
	if rng.IntN(16) == 0 { // now and then something big
		c.Seq = rng.Uint64()
		c.Key = strings.Repeat("K", rng.IntN(kv.MaxKeyLen+1))
	}
	return c
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	seqs := map[uint64]uint64{}
	cmds := []kv.Command{
		{Op: kv.OpPut},
		{ClientID: 1<<64 - 1, Seq: 1<<64 - 1, Op: kv.OpGet, Key: strings.Repeat("k", kv.MaxKeyLen), Value: strings.Repeat("v", kv.MaxValueLen)},
		{ClientID: 127, Seq: 128, Op: kv.OpAppend, Key: "\x00\xff", Value: "é"},
	}
	for range 2000 {
		cmds = append(cmds, randomCommand(rng, seqs))
	}
	for _, c := range cmds {
		b := c.Encode()
		got, err := kv.DecodeCommand(b)
		if err != nil || got != c {
			t.Fatalf("DecodeCommand(Encode(%+v)) = %+v, %v", c, got, err)
		}
		if !bytes.Equal(got.Encode(), b) {
			t.Fatalf("re-encoding %+v changed the bytes", c)
		}
	}
}

func FuzzDecodeCommand(f *testing.F) {
	rng := rand.New(rand.NewPCG(3, 4))
	seqs := map[uint64]uint64{}
	for range 20 {
		f.Add(randomCommand(rng, seqs).Encode())
	}
	f.Add(kv.Command{ClientID: 1<<64 - 1, Seq: 1 << 63, Op: kv.OpGet, Key: "key", Value: "v"}.Encode())
	f.Add([]byte{})
	f.Add([]byte{1, 1, 0x80, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := kv.DecodeCommand(b)
		if err != nil {
			if c != (kv.Command{}) {
				t.Fatalf("failed decode returned %+v", c)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("decoded command %+v invalid: %v", c, err)
		}
		enc := c.Encode()
		if !bytes.Equal(enc, b) {
			t.Fatalf("Encode(DecodeCommand(%x)) = %x", b, enc)
		}
		again, err := kv.DecodeCommand(enc)
		if err != nil || again != c {
			t.Fatalf("round trip of %+v = %+v, %v", c, again, err)
		}
	})
}
