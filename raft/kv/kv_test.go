package kv_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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

// TestApplyCopiesOnlyWhatItKeeps: applying a get allocates nothing, and a
// put to a key that exists only the new value; the command's bytes are
// never aliased by the store (changing them afterwards changes nothing).
func TestApplyCopiesOnlyWhatItKeeps(t *testing.T) {
	s := kv.New()
	put := kv.Command{ClientID: 1, Seq: 1, Op: kv.OpPut, Key: "k", Value: "v1"}.Encode()
	if _, err := s.Apply(1, put); err != nil {
		t.Fatal(err)
	}
	index := uint64(1)
	seq := uint64(1)
	get := func() []byte {
		seq++
		return kv.Command{ClientID: 1, Seq: seq, Op: kv.OpGet, Key: "k"}.Encode()
	}
	gets := make([][]byte, 200)
	puts := make([][]byte, 200)
	for i := range gets {
		gets[i] = get()
	}
	for i := range puts {
		seq++
		puts[i] = kv.Command{ClientID: 1, Seq: seq, Op: kv.OpPut, Key: "k", Value: "v2"}.Encode()
	}
	i := 0
	if a := testing.AllocsPerRun(100, func() {
		index++
		if _, err := s.Apply(index, gets[i]); err != nil {
			t.Fatal(err)
		}
		i++
	}); a != 0 {
		t.Errorf("a get allocates %v times", a)
	}
	i = 0
	if a := testing.AllocsPerRun(100, func() {
		index++
		if _, err := s.Apply(index, puts[i]); err != nil {
			t.Fatal(err)
		}
		i++
	}); a != 1 {
		t.Errorf("a put to an existing key allocates %v times, want 1 (the value)", a)
	}
	last := puts[i-1]
	copy(last[len(last)-2:], "XX") // the encoded value's bytes
	if v, _ := s.Get("k"); v != "v2" {
		t.Errorf("the store aliases the command's bytes: %q", v)
	}
}
