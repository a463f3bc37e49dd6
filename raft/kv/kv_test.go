package kv_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/raftplayground/raftplayground/raft/kv"
)

func put(client, seq uint64, k, v string) kv.Command {
	return kv.Command{ClientID: client, Seq: seq, Op: kv.OpPut, Key: k, Value: v}
}

func appendCmd(client, seq uint64, k, v string) kv.Command {
	return kv.Command{ClientID: client, Seq: seq, Op: kv.OpAppend, Key: k, Value: v}
}

func get(client, seq uint64, k string) kv.Command {
	return kv.Command{ClientID: client, Seq: seq, Op: kv.OpGet, Key: k}
}

// mustApply applies c at index and fails the test on error.
func mustApply(t testing.TB, s *kv.Store, index uint64, c kv.Command) kv.Result {
	t.Helper()
	r, err := s.Apply(index, c.Encode())
	if err != nil {
		t.Fatalf("Apply(%d, %+v): %v", index, c, err)
	}
	return r
}

// data returns the store's contents, read through Keys and Get.
func data(s *kv.Store) map[string]string {
	m := map[string]string{}
	for _, k := range s.Keys() {
		v, ok := s.Get(k)
		if !ok {
			panic("key listed but absent: " + k)
		}
		m[k] = v
	}
	return m
}

func TestOp(t *testing.T) {
	for _, tt := range []struct {
		op   kv.Op
		want string
	}{
		{kv.OpPut, "put"},
		{kv.OpAppend, "append"},
		{kv.OpGet, "get"},
		{0, "Op(0)"},
		{9, "Op(9)"},
	} {
		if got := tt.op.String(); got != tt.want {
			t.Errorf("Op(%d).String() = %q, want %q", uint8(tt.op), got, tt.want)
		}
		text, err := tt.op.MarshalText()
		if err != nil || string(text) != tt.want {
			t.Errorf("Op(%d).MarshalText() = %q, %v; want %q", uint8(tt.op), text, err, tt.want)
		}
		var back kv.Op
		err = back.UnmarshalText(text)
		if tt.op.Valid() != (err == nil) || (err == nil && back != tt.op) {
			t.Errorf("UnmarshalText(%q) = %v, %v; valid %v", text, back, err, tt.op.Valid())
		}
	}

	// A command survives JSON, with its op spelled out.
	c := appendCmd(3, 4, "k", "v")
	j, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(j), `"Op":"append"`) {
		t.Errorf("JSON %s does not spell the op", j)
	}
	var back kv.Command
	if err := json.Unmarshal(j, &back); err != nil || back != c {
		t.Errorf("JSON round trip = %+v, %v; want %+v", back, err, c)
	}
}

func TestApply(t *testing.T) {
	type step struct {
		cmd  kv.Command
		want kv.Result
		err  error // the error wanted (errors.Is), nil for none
	}
	tests := []struct {
		name  string
		steps []step // step i is applied at index i+1
		data  map[string]string
	}{{
		name: "get absent",
		steps: []step{
			{cmd: get(0, 0, "k"), want: kv.Result{Index: 1}},
		},
		data: map[string]string{},
	}, {
		name: "put then get",
		steps: []step{
			{cmd: put(0, 0, "k", "v"), want: kv.Result{Index: 1, Value: "v"}},
			{cmd: get(0, 0, "k"), want: kv.Result{Index: 2, Value: "v", Found: true}},
		},
		data: map[string]string{"k": "v"},
	}, {
		name: "put overwrites",
		steps: []step{
			{cmd: put(0, 0, "k", "a"), want: kv.Result{Index: 1, Value: "a"}},
			{cmd: put(0, 0, "k", "b"), want: kv.Result{Index: 2, Value: "b", Found: true}},
		},
		data: map[string]string{"k": "b"},
	}, {
		name: "append creates then extends",
		steps: []step{
			{cmd: appendCmd(0, 0, "k", "a"), want: kv.Result{Index: 1, Value: "a"}},
			{cmd: appendCmd(0, 0, "k", "b"), want: kv.Result{Index: 2, Value: "ab", Found: true}},
			{cmd: appendCmd(0, 0, "j", ""), want: kv.Result{Index: 3, Value: ""}},
		},
		data: map[string]string{"k": "ab", "j": ""},
	}, {
		name: "empty key and value",
		steps: []step{
			{cmd: put(0, 0, "", ""), want: kv.Result{Index: 1}},
			{cmd: get(0, 0, ""), want: kv.Result{Index: 2, Found: true}},
		},
		data: map[string]string{"": ""},
	}, {
		name: "get ignores its value",
		steps: []step{
			{cmd: kv.Command{Op: kv.OpGet, Key: "k", Value: "ignored"}, want: kv.Result{Index: 1}},
		},
		data: map[string]string{},
	}, {
		name: "no session applies every time",
		steps: []step{
			{cmd: appendCmd(0, 1, "k", "x"), want: kv.Result{Index: 1, Value: "x"}},
			{cmd: appendCmd(0, 1, "k", "x"), want: kv.Result{Index: 2, Value: "xx", Found: true}},
		},
		data: map[string]string{"k": "xx"},
	}, {
		name: "retried append applies once",
		steps: []step{
			{cmd: appendCmd(7, 1, "k", "x"), want: kv.Result{Index: 1, Value: "x"}},
			{cmd: appendCmd(7, 1, "k", "x"), want: kv.Result{Index: 1, Value: "x", Duplicate: true}},
			{cmd: appendCmd(7, 1, "k", "x"), want: kv.Result{Index: 1, Value: "x", Duplicate: true}},
		},
		data: map[string]string{"k": "x"},
	}, {
		name: "retry returns the original result, not the current value",
		steps: []step{
			{cmd: put(1, 1, "k", "a"), want: kv.Result{Index: 1, Value: "a"}},
			{cmd: put(2, 1, "k", "b"), want: kv.Result{Index: 2, Value: "b", Found: true}},
			{cmd: put(1, 1, "k", "a"), want: kv.Result{Index: 1, Value: "a", Duplicate: true}},
		},
		data: map[string]string{"k": "b"},
	}, {
		name: "get through the log is deduplicated too",
		steps: []step{
			{cmd: put(1, 1, "k", "a"), want: kv.Result{Index: 1, Value: "a"}},
			{cmd: get(2, 1, "k"), want: kv.Result{Index: 2, Value: "a", Found: true}},
			{cmd: put(1, 2, "k", "b"), want: kv.Result{Index: 3, Value: "b", Found: true}},
			{cmd: get(2, 1, "k"), want: kv.Result{Index: 2, Value: "a", Found: true, Duplicate: true}},
			{cmd: get(2, 2, "k"), want: kv.Result{Index: 5, Value: "b", Found: true}},
		},
		data: map[string]string{"k": "b"},
	}, {
		name: "stale retry is an empty duplicate",
		steps: []step{
			{cmd: appendCmd(1, 1, "k", "a"), want: kv.Result{Index: 1, Value: "a"}},
			{cmd: appendCmd(1, 2, "k", "b"), want: kv.Result{Index: 2, Value: "ab", Found: true}},
			{cmd: appendCmd(1, 1, "k", "a"), want: kv.Result{Duplicate: true}},
			{cmd: appendCmd(1, 2, "k", "b"), want: kv.Result{Index: 2, Value: "ab", Found: true, Duplicate: true}},
		},
		data: map[string]string{"k": "ab"},
	}, {
		name: "sessions are per client",
		steps: []step{
			{cmd: appendCmd(1, 5, "k", "a"), want: kv.Result{Index: 1, Value: "a"}},
			{cmd: appendCmd(2, 5, "k", "b"), want: kv.Result{Index: 2, Value: "ab", Found: true}},
			{cmd: appendCmd(2, 1, "k", "c"), want: kv.Result{Duplicate: true}},
		},
		data: map[string]string{"k": "ab"},
	}, {
		name: "seq 0 opens a session",
		steps: []step{
			{cmd: appendCmd(1, 0, "k", "a"), want: kv.Result{Index: 1, Value: "a"}},
			{cmd: appendCmd(1, 0, "k", "a"), want: kv.Result{Index: 1, Value: "a", Duplicate: true}},
		},
		data: map[string]string{"k": "a"},
	}, {
		name: "seqs may skip",
		steps: []step{
			{cmd: appendCmd(1, 1, "k", "a"), want: kv.Result{Index: 1, Value: "a"}},
			{cmd: appendCmd(1, 9, "k", "b"), want: kv.Result{Index: 2, Value: "ab", Found: true}},
		},
		data: map[string]string{"k": "ab"},
	}, {
		name: "append past the value limit fails and is not remembered",
		steps: []step{
			{cmd: put(1, 1, "k", strings.Repeat("a", kv.MaxValueLen)), want: kv.Result{Index: 1, Value: strings.Repeat("a", kv.MaxValueLen)}},
			{cmd: appendCmd(1, 2, "k", "b"), want: kv.Result{Index: 2}, err: kv.ErrValueTooLong},
			{cmd: put(2, 1, "k", ""), want: kv.Result{Index: 3, Found: true}},
			{cmd: appendCmd(1, 2, "k", "b"), want: kv.Result{Index: 4, Value: "b", Found: true}},
		},
		data: map[string]string{"k": "b"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := kv.New()
			for i, st := range tt.steps {
				index := uint64(i + 1)
				got, err := s.Apply(index, st.cmd.Encode())
				if !errors.Is(err, st.err) || (st.err == nil) != (err == nil) {
					t.Fatalf("step %d %+v: err = %v, want %v", i, st.cmd, err, st.err)
				}
				if got != st.want {
					t.Fatalf("step %d %+v: result = %+v, want %+v", i, st.cmd, got, st.want)
				}
				if s.AppliedIndex() != index {
					t.Fatalf("step %d: AppliedIndex = %d, want %d", i, s.AppliedIndex(), index)
				}
			}
			if got := data(s); !equalMaps(got, tt.data) {
				t.Errorf("data = %q, want %q", got, tt.data)
			}
			if s.Len() != len(tt.data) {
				t.Errorf("Len = %d, want %d", s.Len(), len(tt.data))
			}
		})
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestApplyIndexOrder(t *testing.T) {
	s := kv.New()
	mustApply(t, s, 5, put(1, 1, "k", "v"))
	before := s.Snapshot()

	for _, index := range []uint64{0, 3, 5} {
		r, err := s.Apply(index, put(1, 2, "k", "w").Encode())
		if !errors.Is(err, kv.ErrIndexNotAfter) {
			t.Errorf("Apply(%d) after 5: err = %v, want ErrIndexNotAfter", index, err)
		}
		if r != (kv.Result{}) {
			t.Errorf("Apply(%d) after 5: result = %+v, want zero", index, r)
		}
	}
	s.ApplyNoop(4) // ignored
	if !bytes.Equal(s.Snapshot(), before) {
		t.Fatal("rejected applies changed the store")
	}

	s.ApplyNoop(7)
	if s.AppliedIndex() != 7 {
		t.Fatalf("AppliedIndex after ApplyNoop(7) = %d", s.AppliedIndex())
	}
	if _, err := s.Apply(7, put(1, 2, "k", "w").Encode()); !errors.Is(err, kv.ErrIndexNotAfter) {
		t.Errorf("Apply(7) after ApplyNoop(7): err = %v", err)
	}
	// A gap is allowed.
	if r := mustApply(t, s, 10, put(1, 2, "k", "w")); r.Index != 10 {
		t.Errorf("Apply(10) result index %d", r.Index)
	}
}

func TestApplyUndecodable(t *testing.T) {
	s := kv.New()
	mustApply(t, s, 1, put(1, 1, "k", "v"))
	wantData := data(s)
	for i, b := range [][]byte{nil, {9}, {1, 0}, put(1, 2, "k", "w").Encode()[:5]} {
		index := uint64(i + 2)
		r, err := s.Apply(index, b)
		if err == nil || !strings.Contains(err.Error(), "undecodable") {
			t.Errorf("Apply(%d, %x): err = %v, want undecodable", index, b, err)
		}
		if r != (kv.Result{Index: index}) {
			t.Errorf("Apply(%d, %x): result = %+v", index, b, r)
		}
		if s.AppliedIndex() != index {
			t.Errorf("Apply(%d, %x): AppliedIndex = %d, want the index counted", index, b, s.AppliedIndex())
		}
	}
	if got := data(s); !equalMaps(got, wantData) {
		t.Errorf("data = %q, want %q", got, wantData)
	}
	// The session was untouched: seq 2 still applies.
	if r := mustApply(t, s, 9, put(1, 2, "k", "w")); r.Duplicate {
		t.Errorf("seq 2 after undecodable entries: %+v", r)
	}
}

func TestZeroStore(t *testing.T) {
	var s kv.Store
	if s.Len() != 0 || len(s.Keys()) != 0 || s.AppliedIndex() != 0 {
		t.Fatal("zero store not empty")
	}
	if !s.Equal(kv.New()) || s.Digest() != kv.New().Digest() {
		t.Error("zero store differs from New()")
	}
	mustApply(t, &s, 1, appendCmd(1, 1, "k", "x"))
	if r := mustApply(t, &s, 2, appendCmd(1, 1, "k", "x")); !r.Duplicate {
		t.Errorf("retry on zero store: %+v", r)
	}
}

func TestKeys(t *testing.T) {
	s := kv.New()
	for i, k := range []string{"b", "a", "", "ab", "\xff", "B"} {
		mustApply(t, s, uint64(i+1), put(0, 0, k, "v"))
	}
	want := []string{"", "B", "a", "ab", "b", "\xff"}
	if got := s.Keys(); !slices.Equal(got, want) {
		t.Errorf("Keys = %q, want %q", got, want)
	}
	if s.Len() != len(want) {
		t.Errorf("Len = %d", s.Len())
	}
}

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

// workload applies n random commands (and now and then a noop) to s from
// index s.AppliedIndex()+1 on and returns the entries it applied.
func workload(t testing.TB, s *kv.Store, rng *rand.Rand, n int) [][]byte {
	seqs := map[uint64]uint64{}
	var log [][]byte
	for range n {
		index := s.AppliedIndex() + 1
		if rng.IntN(10) == 0 {
			s.ApplyNoop(index)
			log = append(log, nil)
			continue
		}
		b := randomCommand(rng, seqs).Encode()
		if _, err := s.Apply(index, b); err != nil {
			t.Fatalf("Apply(%d): %v", index, err)
		}
		log = append(log, b)
	}
	return log
}

func TestSnapshotRestore(t *testing.T) {
	for _, n := range []int{0, 1, 10, 500} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s := kv.New()
			workload(t, s, rand.New(rand.NewPCG(uint64(n), 0)), n)
			snap := s.Snapshot()

			r := kv.New()
			mustApply(t, r, 1, put(5, 5, "other", "state")) // replaced entirely
			if err := r.Restore(snap); err != nil {
				t.Fatalf("Restore: %v", err)
			}
			if !r.Equal(s) || !s.Equal(r) {
				t.Error("restored store not Equal")
			}
			if !bytes.Equal(r.Snapshot(), snap) {
				t.Error("restored store's Snapshot differs")
			}
			if r.Digest() != s.Digest() {
				t.Error("restored store's Digest differs")
			}
			if r.AppliedIndex() != s.AppliedIndex() || !slices.Equal(r.Keys(), s.Keys()) {
				t.Error("restored applied index or keys differ")
			}
			// Snapshots do not depend on map order.
			for range 10 {
				if !bytes.Equal(s.Snapshot(), snap) {
					t.Fatal("Snapshot not deterministic")
				}
			}
		})
	}
}

// TestSnapshotContinue checks that a replica installing a snapshot
// mid-log ends where one that applied the whole log does, sessions
// included: retries of commands from before the snapshot stay duplicates.
func TestSnapshotContinue(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	whole := kv.New()
	log := workload(t, whole, rng, 300)

	a, b := kv.New(), kv.New()
	for i, e := range log[:150] {
		if e == nil {
			a.ApplyNoop(uint64(i + 1))
		} else if _, err := a.Apply(uint64(i+1), e); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Restore(a.Snapshot()); err != nil {
		t.Fatal(err)
	}
	var resA, resB []kv.Result
	for i, e := range log[150:] {
		index := uint64(150 + i + 1)
		if e == nil {
			a.ApplyNoop(index)
			b.ApplyNoop(index)
			continue
		}
		ra, errA := a.Apply(index, e)
		rb, errB := b.Apply(index, e)
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		resA, resB = append(resA, ra), append(resB, rb)
	}
	if !slices.Equal(resA, resB) {
		t.Error("results after the snapshot differ")
	}
	if !a.Equal(whole) || !b.Equal(whole) || b.Digest() != whole.Digest() {
		t.Error("replicas differ after the snapshot")
	}
	var dups int
	for _, r := range resB {
		if r.Duplicate {
			dups++
		}
	}
	if dups == 0 {
		t.Error("workload made no duplicates; the test checks nothing of sessions")
	}
}

func TestRestoreRejects(t *testing.T) {
	valid := kv.New()
	mustApply(t, valid, 1, put(2, 1, "a", "1"))
	mustApply(t, valid, 2, put(3, 1, "b", "2"))
	good := valid.Snapshot()
	h := hex.EncodeToString
	// version 1, applied 2 | 2 keys: a=1 b=2 | 2 sessions: client 2 (seq 1,
	// index 1, not found, "1"), client 3 (seq 1, index 2, not found, "2").
	if got, want := h(good), "01"+"02"+
		"02"+"0161"+"0131"+"0162"+"0132"+
		"02"+"02"+"01"+"01"+"00"+"0131"+"03"+"01"+"02"+"00"+"0132"; got != want {
		t.Fatalf("fixture snapshot = %s, want %s", got, want)
	}
	bad := map[string]struct {
		in  string // hex
		err error
	}{
		"empty":              {"", kv.ErrTruncated},
		"bad version":        {"02" + h(good[1:]), kv.ErrBadVersion},
		"trailing":           {h(good) + "00", kv.ErrTrailingBytes},
		"keys out of order":  {"0102020162013101610132" + "00", kv.ErrMalformed},
		"key repeated":       {"0102020161013101610132" + "00", kv.ErrMalformed},
		"key too long":       {"010201" + h(binaryUvarint(kv.MaxKeyLen+1)), kv.ErrKeyTooLong},
		"value too long":     {"0102010161" + h(binaryUvarint(kv.MaxValueLen+1)), kv.ErrValueTooLong},
		"key count huge":     {"0102ffffffffffffffffff01", kv.ErrTruncated},
		"key count overflow": {"0102ffffffffffffffffff02", kv.ErrMalformed},
		"applied non-min":    {"018000" + "00" + "00", kv.ErrMalformed},
		"session client 0":   {"0102" + "00" + "01" + "00010101" + "00", kv.ErrMalformed},
		"sessions unordered": {"0102" + "00" + "02" + "0301010100" + "0201010100", kv.ErrMalformed},
		"session repeated":   {"0102" + "00" + "02" + "0301010100" + "0301010100", kv.ErrMalformed},
		"session flags":      {"0102" + "00" + "01" + "0301010200", kv.ErrMalformed},
		"result index 0":     {"0102" + "00" + "01" + "0301000100", kv.ErrMalformed},
		"result index high":  {"0102" + "00" + "01" + "0301030100", kv.ErrMalformed},
		"session value long": {"0102" + "00" + "01" + "03010101" + h(binaryUvarint(kv.MaxValueLen+1)), kv.ErrValueTooLong},
	}
	for name, tt := range bad {
		in, err := hex.DecodeString(tt.in)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkRestoreFails(t, name, in, tt.err)
	}
	// Every strict prefix of a valid snapshot is truncated.
	for i := range len(good) {
		checkRestoreFails(t, fmt.Sprintf("prefix %d", i), good[:i], kv.ErrTruncated)
	}
}

// checkRestoreFails restores in into a populated store and checks that it
// fails with want and leaves the store as it was.
func checkRestoreFails(t *testing.T, name string, in []byte, want error) {
	t.Helper()
	s := kv.New()
	mustApply(t, s, 1, appendCmd(1, 1, "k", "x"))
	mustApply(t, s, 4, get(1, 2, "k"))
	before, digest := s.Snapshot(), s.Digest()
	err := s.Restore(in)
	if !errors.Is(err, want) {
		t.Errorf("%s: Restore(%x) = %v, want %v", name, in, err, want)
		return
	}
	if !strings.HasPrefix(err.Error(), "kv: restore snapshot: ") {
		t.Errorf("%s: error %q lacks the prefix", name, err)
	}
	if s.Digest() != digest || !bytes.Equal(s.Snapshot(), before) {
		t.Errorf("%s: failed Restore changed the store", name)
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

func FuzzRestore(f *testing.F) {
	for _, n := range []int{0, 3, 30} {
		s := kv.New()
		workload(f, s, rand.New(rand.NewPCG(uint64(n), 1)), n)
		f.Add(s.Snapshot())
	}
	f.Add([]byte{})
	f.Add([]byte{1, 0, 0, 1, 1, 1, 1, 0, 0})
	base := kv.New()
	workload(f, base, rand.New(rand.NewPCG(5, 5)), 20)
	baseSnap := base.Snapshot()
	f.Fuzz(func(t *testing.T, b []byte) {
		s := kv.New()
		if err := s.Restore(baseSnap); err != nil {
			t.Fatal(err)
		}
		digest := s.Digest()
		if err := s.Restore(b); err != nil {
			if s.Digest() != digest || !s.Equal(base) {
				t.Fatalf("failed Restore(%x) changed the store: %v", b, err)
			}
			return
		}
		if got := s.Snapshot(); !bytes.Equal(got, b) {
			t.Fatalf("Snapshot after Restore(%x) = %x", b, got)
		}
		// A restored store keeps working.
		if _, err := s.Apply(s.AppliedIndex()+1, appendCmd(1, 1<<63, "k", "x").Encode()); err != nil && !errors.Is(err, kv.ErrValueTooLong) {
			t.Fatalf("Apply after Restore: %v", err)
		}
	})
}

func BenchmarkApply(b *testing.B) {
	value := strings.Repeat("v", 128)
	b.Run("put", func(b *testing.B) {
		// Pre-encoded commands without sessions: the cost of Apply alone.
		var log [][]byte
		for i := range 1024 {
			log = append(log, put(0, 0, fmt.Sprintf("key%04d", i), value).Encode())
		}
		s := kv.New()
		b.SetBytes(int64(len(value)))
		b.ReportAllocs()
		index := uint64(0)
		for b.Loop() {
			index++
			if _, err := s.Apply(index, log[index%uint64(len(log))]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("put-session-encode", func(b *testing.B) {
		// What a replica does per client command: encode, then apply
		// through a session.
		s := kv.New()
		b.SetBytes(int64(len(value)))
		b.ReportAllocs()
		index := uint64(0)
		for b.Loop() {
			index++
			c := put(1+index%16, index, fmt.Sprintf("key%04d", index%1024), value)
			if _, err := s.Apply(index, c.Encode()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
