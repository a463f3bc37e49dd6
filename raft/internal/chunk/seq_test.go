package chunk

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// shown is a slice a Seq handed out, with the elements it held then.
type shown struct {
	got, want []int
}

// replica is a Seq under test next to a plain slice with the same
// elements.
type replica struct {
	s     Seq[int]
	model []int
}

// TestSeqMatchesASlice drives Seqs of several shapes and their clones with
// random appends, truncations, front drops, sets and clones, and checks
// after every step that each holds exactly what a plain slice given the
// same steps holds, and that no slice handed out earlier ever changed (the
// immutability a Raft log's shared entries rely on).
func TestSeqMatchesASlice(t *testing.T) {
	for _, shape := range []struct{ stride, overlap int }{{2, 0}, {2, 1}, {2, 2}, {4, 1}, {8, 3}, {16, 0}, {DefaultStride, 0}} {
		t.Run(fmt.Sprintf("stride=%d/overlap=%d", shape.stride, shape.overlap), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(shape.stride), uint64(shape.overlap)))
			reps := []*replica{{s: Make[int](shape.stride, shape.overlap)}}
			var handed []shown
			next := 0
			for step := range 4000 {
				r := reps[rng.IntN(len(reps))]
				op := rng.IntN(10)
				switch {
				case op < 4:
					k := rng.IntN(min(3*shape.stride+2, 300))
					vs := make([]int, k)
					for i := range vs {
						next++
						vs[i] = next
					}
					r.s.Append(vs...)
					r.model = append(r.model, vs...)
				case op == 4 && len(r.model) > 0:
					n := rng.IntN(len(r.model) + 1)
					r.s.Truncate(n)
					r.model = r.model[:n:n]
				case op == 5 && len(r.model) > 0:
					k := rng.IntN(len(r.model) + 1)
					r.s.DropFront(k)
					r.model = slices.Clone(r.model[k:])
				case op == 6 && len(r.model) > 0:
					i := rng.IntN(len(r.model))
					next++
					r.s.Set(i, -next)
					r.model = slices.Clone(r.model)
					r.model[i] = -next
				case op == 7 && len(reps) < 8:
					reps = append(reps, &replica{s: r.s.Clone(), model: slices.Clone(r.model)})
				case op == 8 && len(r.model) > 0:
					i := rng.IntN(len(r.model))
					j := i + rng.IntN(len(r.model)-i+1)
					got := r.s.Slice(i, j)
					if !slices.Equal(got, r.model[i:j]) {
						t.Fatalf("step %d: Slice(%d, %d) = %v, want %v", step, i, j, got, r.model[i:j])
					}
					handed = append(handed, shown{got, slices.Clone(got)})
				case op == 9 && len(reps) > 1:
					k := rng.IntN(len(reps))
					reps = slices.Delete(reps, k, k+1)
				}
				for k, r := range reps {
					if err := r.matches(); err != nil {
						t.Fatalf("step %d: replica %d: %v", step, k, err)
					}
				}
				for _, h := range handed {
					if !slices.Equal(h.got, h.want) {
						t.Fatalf("step %d: a handed-out slice changed from %v to %v", step, h.want, h.got)
					}
				}
			}
		})
	}
}

// matches compares the Seq with its model through every reader.
func (r *replica) matches() error {
	if r.s.Len() != len(r.model) {
		return fmt.Errorf("Len %d, want %d", r.s.Len(), len(r.model))
	}
	for i, want := range r.model {
		if got := *r.s.At(i); got != want {
			return fmt.Errorf("At(%d) = %d, want %d", i, got, want)
		}
	}
	if got := r.s.AppendTo(nil, 0, r.s.Len()); !slices.Equal(got, r.model) {
		return fmt.Errorf("AppendTo = %v, want %v", got, r.model)
	}
	return nil
}

// TestSliceSharesShortRuns: any overlap+1 consecutive elements come back
// without a copy, wherever the chunk boundaries fall; longer runs across a
// boundary are copied.
func TestSliceSharesShortRuns(t *testing.T) {
	s := Make[int](8, 3)
	for i := range 100 {
		s.Append(i)
	}
	for i := 0; i+4 <= s.Len(); i++ {
		for j := i + 1; j <= i+4; j++ {
			if got := s.Slice(i, j); &got[0] != s.At(i) {
				t.Fatalf("Slice(%d, %d) was copied", i, j)
			}
		}
	}
	if got := s.Slice(6, 18); &got[0] == s.At(6) || !slices.Equal(got, s.AppendTo(nil, 6, 18)) {
		t.Fatalf("Slice(6, 18) spans chunks and must be a copy, got %v", got)
	}
}

// TestCloneCopiesOneChunk: a clone costs nothing, and its first append
// copies the table and its last chunk only, however long the Seq; the
// original, which keeps writing in place, copies nothing.
func TestCloneCopiesOneChunk(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage counters allocate")
	}
	s := Make[int](64, 4)
	for i := range 10000 {
		s.Append(i)
	}
	if n := testing.AllocsPerRun(100, func() { _ = s.Clone() }); n != 0 {
		t.Fatalf("Clone allocates %v times, want 0", n)
	}
	var c Seq[int]
	cloneAndAppend := func() {
		c = s.Clone()
		c.Append(-1)
	}
	if n := testing.AllocsPerRun(10, cloneAndAppend); n != 2 {
		t.Fatalf("a clone's first append allocates %v times, want 2 (the table and one chunk)", n)
	}
	// Position 10000 and the few after it lie in one chunk: no new chunk.
	if n := testing.AllocsPerRun(10, func() { s.Append(-2) }); n != 0 {
		t.Fatalf("the original's appends after a clone allocate %v times, want 0", n)
	}
	if *s.At(10000) != -2 || *c.At(10000) != -1 {
		t.Fatalf("after the appends the original holds %d and the clone %d at 10000, want -2 and -1", *s.At(10000), *c.At(10000))
	}
}

// TestAppendInChunkAllocatesNothing: appends allocate only when a chunk
// fills, once per stride elements.
func TestAppendInChunkAllocatesNothing(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage counters allocate")
	}
	s := Make[int](1024, 64)
	s.Append(0)
	if n := testing.AllocsPerRun(500, func() { s.Append(1) }); n != 0 {
		t.Fatalf("an append inside a chunk allocates %v times, want 0", n)
	}
}

// TestDropFrontLetsChunksGo: dropping from the front keeps only the chunks
// still needed, so a log compacted behind its end stays small.
func TestDropFrontLetsChunksGo(t *testing.T) {
	s := Make[int](16, 4)
	for i := range 1000 {
		s.Append(i)
		if s.Len() > 40 {
			s.DropFront(s.Len() - 40)
		}
	}
	if len(s.chunks) > 4 {
		t.Fatalf("%d chunks hold 40 elements of stride 16", len(s.chunks))
	}
	if *s.At(0) != 960 || *s.At(39) != 999 {
		t.Fatalf("elements %d..%d, want 960..999", *s.At(0), *s.At(39))
	}
}

func TestMakeRejectsBadShapes(t *testing.T) {
	for _, shape := range [][2]int{{0, 0}, {1, 0}, {3, 0}, {4, 5}, {4, -1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Make(%d, %d) did not panic", shape[0], shape[1])
				}
			}()
			Make[int](shape[0], shape[1])
		}()
	}
}
