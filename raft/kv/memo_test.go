package kv_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/raftplayground/raftplayground/raft/kv"
)

// memoEntry is one log entry as the tests apply it.
type memoEntry struct {
	index, term uint64
	noop        bool
	data        []byte
}

// randomEntries makes n entries of few clients and keys, with retries
// (duplicates), undecodable data and no-op entries, so that every path of
// apply is taken.
func randomEntries(r *rand.Rand, n int) []memoEntry {
	var es []memoEntry
	seqs := map[uint64]uint64{}
	for i := 1; i <= n; i++ {
		e := memoEntry{index: uint64(i), term: 1 + uint64(i/50)}
		client := 1 + r.Uint64N(3)
		if r.IntN(4) > 0 { // most calls are new, the rest retries
			seqs[client]++
		}
		key := fmt.Sprintf("k%d", r.IntN(4))
		switch r.IntN(10) {
		case 0:
			e.noop = true
		case 1:
			e.data = []byte{9, 9}
		case 2, 3, 4:
			e.data = put(client, seqs[client], key, fmt.Sprint(i)).Encode()
		case 5, 6:
			e.data = get(client, seqs[client], key).Encode()
		default:
			e.data = appendCmd(client, seqs[client], key, fmt.Sprint(i)).Encode()
		}
		es = append(es, e)
	}
	return es
}

// applyPlain applies e with Apply or ApplyNoop.
func applyPlain(s *kv.Store, e memoEntry) (kv.Result, error) {
	if e.noop {
		s.ApplyNoop(e.index)
		return kv.Result{}, nil
	}
	return s.Apply(e.index, e.data)
}

// applyShared applies e with ApplyShared or ApplyNoopShared.
func applyShared(s *kv.Store, e memoEntry) (kv.Result, error) {
	if e.noop {
		s.ApplyNoopShared(e.index, e.term)
		return kv.Result{}, nil
	}
	return s.ApplyShared(e.index, e.term, e.data)
}

// sameApply fails the test unless the two answers to one entry agree.
func sameApply(t *testing.T, what string, e memoEntry, r1 kv.Result, err1 error, r2 kv.Result, err2 error) {
	t.Helper()
	if r1 != r2 || (err1 == nil) != (err2 == nil) || (err1 != nil && err1.Error() != err2.Error()) {
		t.Fatalf("%s, entry %d: shared (%+v, %v), plain (%+v, %v)", what, e.index, r1, err1, r2, err2)
	}
}

// TestMemoReplicasMatchPlainStores: replicas that share a memo give the
// results and states that a store applying on its own gives, whatever
// their pace (the memo's contract, memo.go), and the replicas after the
// first one do not leave it.
func TestMemoReplicasMatchPlainStores(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	es := randomEntries(r, 600)
	m := kv.NewMemo()
	shared := []*kv.Store{kv.NewShared(m), kv.NewShared(m), kv.NewShared(m)}
	plain := kv.New()
	done := make([]int, len(shared))
	for p := range es {
		r1, err1 := applyPlain(plain, es[p])
		// The replicas catch up in a random order, each at most 40
		// entries behind (memoKeep is far more).
		for i, s := range shared {
			for done[i] <= p && (r.IntN(3) == 0 || done[i] < p-40 || p == len(es)-1) {
				e := es[done[i]]
				r2, err2 := applyShared(s, e)
				if done[i] == p {
					sameApply(t, fmt.Sprintf("replica %d", i), e, r2, err2, r1, err1)
				}
				done[i]++
			}
		}
	}
	for i, s := range shared {
		if !s.Equal(plain) {
			t.Errorf("replica %d: state differs from the plain store's", i)
		}
		if !s.Follows(m) {
			t.Errorf("replica %d left the memo though it applied only the memo's entries", i)
		}
	}
}

// TestMemoDivergentReplicaKeepsItsOwnState: a replica that applies another
// entry at an index than the others did (what the state-machine-safety
// checker exists to catch) leaves the memo and holds, and answers Get
// from, exactly what applying its own entries gives; the others are not
// touched.
func TestMemoDivergentReplicaKeepsItsOwnState(t *testing.T) {
	m := kv.NewMemo()
	good, bad := kv.NewShared(m), kv.NewShared(m)
	goodTwin, badTwin := kv.New(), kv.New()
	apply := func(s, twin *kv.Store, index, term uint64, c kv.Command) {
		t.Helper()
		r1, err1 := s.ApplyShared(index, term, c.Encode())
		r2, err2 := twin.Apply(index, c.Encode())
		sameApply(t, "apply", memoEntry{index: index}, r1, err1, r2, err2)
	}
	apply(good, goodTwin, 1, 1, put(1, 1, "k", "a"))
	apply(bad, badTwin, 1, 1, put(1, 1, "k", "a"))
	apply(good, goodTwin, 2, 1, appendCmd(1, 2, "k", "b"))
	apply(bad, badTwin, 2, 1, appendCmd(1, 2, "k", "X")) // another command at (2, 1)
	if bad.Follows(m) || !good.Follows(m) {
		t.Fatalf("follows after a divergent entry: good %v, bad %v (want true, false)", good.Follows(m), bad.Follows(m))
	}
	apply(good, goodTwin, 3, 1, appendCmd(2, 1, "k", "c"))
	apply(bad, badTwin, 3, 1, appendCmd(2, 1, "k", "c")) // the same entry again: applied, not replayed
	if v, _ := bad.Get("k"); v != "aXc" {
		t.Errorf("divergent replica Get(k) = %q, want aXc", v)
	}
	if v, _ := good.Get("k"); v != "abc" {
		t.Errorf("replica Get(k) = %q, want abc", v)
	}
	if !good.Equal(goodTwin) || !bad.Equal(badTwin) {
		t.Error("a replica's state differs from its plain twin's")
	}
}

// TestMemoLeftBySkipsRestoresAndOldIndexes: a replica leaves the memo when
// it skips an index, restores a snapshot, or needs an index the memo no
// longer holds; and a clone of the memo carries its followers' copies.
func TestMemoLeftBySkipsRestoresAndOldIndexes(t *testing.T) {
	m := kv.NewMemo()
	a, skip, restored := kv.NewShared(m), kv.NewShared(m), kv.NewShared(m)
	a.ApplyNoopShared(1, 1)
	skip.ApplyNoopShared(2, 1)
	if skip.Follows(m) {
		t.Error("a replica that skipped index 1 still follows the memo")
	}
	if err := restored.Restore(a.Snapshot()); err != nil {
		t.Fatal(err)
	}
	if restored.Follows(m) {
		t.Error("a restored replica still follows the memo")
	}
	// A clone of the memo for a copy of a: the copy keeps following.
	m2 := m.Clone(a.AppliedIndex() + 1)
	a2 := a.CloneFollowing(m2)
	a2.ApplyNoopShared(2, 1)
	if !a2.Follows(m2) || a2.Follows(m) {
		t.Error("the copy does not follow the memo's copy alone")
	}
	// Far behind: the memo dropped the index it needs next.
	late := kv.NewShared(m)
	for i := uint64(2); i < 3000; i++ {
		a.ApplyNoopShared(i, 1)
	}
	late.ApplyNoopShared(1, 1)
	if late.Follows(m) || !a.Follows(m) {
		t.Errorf("follows after the memo moved on: late %v (want false), a %v (want true)", late.Follows(m), a.Follows(m))
	}
}

// TestReplayAllocatesNothing: a replica replaying the memo's record of a
// put, an append or a get to a key it holds allocates nothing (the first
// replica made the value's string).
func TestReplayAllocatesNothing(t *testing.T) {
	m := kv.NewMemo()
	first, follower := kv.NewShared(m), kv.NewShared(m)
	var es [][]byte
	for i := range 300 {
		var c kv.Command
		switch i % 3 {
		case 0:
			c = put(1, uint64(i+1), "k", "v")
		case 1:
			c = appendCmd(1, uint64(i+1), "k", "w")
		default:
			c = get(1, uint64(i+1), "k")
		}
		es = append(es, c.Encode())
	}
	for i, d := range es {
		if _, err := first.ApplyShared(uint64(i+1), 1, d); err != nil {
			t.Fatal(err)
		}
	}
	// The follower learns key and session first, then replays.
	if _, err := follower.ApplyShared(1, 1, es[0]); err != nil {
		t.Fatal(err)
	}
	next := 2
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := follower.ApplyShared(uint64(next), 1, es[next-1]); err != nil {
			t.Fatal(err)
		}
		next++
	})
	if allocs != 0 {
		t.Errorf("replaying allocates %v times per entry, want 0", allocs)
	}
	if !follower.Follows(m) {
		t.Error("the follower left the memo")
	}
}
