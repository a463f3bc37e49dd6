package kv_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/raftplayground/raftplayground/raft/kv"
)

// This file tests the store's snapshots: an image restores the same
// state, a restored store continues as the original would, and corrupt
// images are refused.

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
