// Package chunk provides Seq, a sequence kept in fixed-size chunks that
// copies share. Cloning a Seq copies nothing; after a clone, each side
// copies at most one chunk (and the small table of chunks) before it
// writes. The Raft log, the simulator's client history and its checker's
// records are kept this way, so that a checkpoint of a long run costs
// almost nothing and a seek copies only what it changes.
//
// A Seq never writes an element it has shown: not one a clone can see, not
// one inside a slice it handed out. It writes only past its end, and only
// in a chunk no clone or earlier state of itself can see there. Elements
// are therefore as immutable as the entries of a Raft log, and slices of
// them may be kept.
package chunk

import "fmt"

// DefaultStride is the stride of a zero Seq.
const DefaultStride = 1 << defaultShift

// defaultShift is log2 of DefaultStride.
const defaultShift = 9

// Seq is a sequence of T in chunks. The zero Seq is empty, with stride
// DefaultStride and no overlap; Make chooses both.
//
// Positions are counted from slot 0 of chunks[0]: chunk j starts at
// position j*stride and holds stride+overlap slots, so its last overlap
// slots hold the same elements as the first overlap slots of chunk j+1
// (copied when chunk j+1 starts). Every run of overlap+1 elements thus lies
// whole in one chunk, and Slice returns it without copying.
//
// Copying a Seq value does not copy it: the copy and the original would
// write into the same chunk. Use Clone.
type Seq[T any] struct {
	// chunks holds the elements. Every chunk has len and cap
	// stride+overlap; only the last can have free slots. Invariant: the
	// elements are positions off..off+n-1, and chunk j exists only when
	// the elements reach past position j*stride+overlap (chunks are added
	// when the previous one is full).
	chunks [][]T
	// off is the position of element 0: positions before it were dropped.
	// Invariant: off < stride unless there is at most one chunk.
	off int
	// n is the number of elements.
	n int
	// shiftX is log2 of the stride XOR defaultShift, so that the zero Seq
	// has DefaultStride with no branch on the hot path; overlap is how
	// many slots two neighbouring chunks share.
	shiftX  uint8
	overlap int
	// owned: this Seq alone can see the last chunk from position off+n on
	// and the table (chunks' backing array) from len(chunks) on, so it may
	// write there. A clone, a truncation or a Set that left them visible
	// to others clears it; the next write then copies the table and the
	// last chunk first.
	owned bool
}

// Make returns an empty Seq whose chunks start every stride elements
// (a power of two) and share overlap elements with the next chunk: any
// overlap+1 consecutive elements can then be sliced without a copy.
func Make[T any](stride, overlap int) Seq[T] {
	shift := uint8(0)
	for 1<<shift < stride {
		shift++
	}
	if stride < 2 || 1<<shift != stride || overlap < 0 || overlap > stride {
		panic(fmt.Sprintf("chunk: stride %d must be a power of two, at least 2 and at least overlap %d", stride, overlap))
	}
	return Seq[T]{shiftX: shift ^ defaultShift, overlap: overlap}
}

// log2 is log2 of the stride, the number of positions between two
// chunks' starts. It is below 64 (the mask says so to the compiler, so
// that a shift by it is one instruction, not four).
func (s *Seq[T]) log2() uint { return uint(s.shiftX^defaultShift) & 63 }

func (s *Seq[T]) stride() int { return 1 << s.log2() }

// size is the number of slots of a chunk.
func (s *Seq[T]) size() int { return s.stride() + s.overlap }

// Len returns the number of elements.
func (s *Seq[T]) Len() int { return s.n }

// locate returns the chunk holding position p and p's slot in it: the
// chunk starting at or before p, or the last one when p lies in its
// overlap before the next chunk exists.
func (s *Seq[T]) locate(p int) (c, slot int) {
	sh := s.log2()
	c = min(p>>sh, len(s.chunks)-1)
	return c, p - c<<sh
}

// check panics unless i is an element's index. It formats nothing itself,
// so that At stays small enough to inline.
func (s *Seq[T]) check(i int) {
	if uint(i) >= uint(s.n) {
		panic(indexError{i, s.n})
	}
}

// indexError is the panic of an index out of range.
type indexError struct {
	// i is the index asked for, n the length.
	i, n int
}

func (e indexError) Error() string {
	return fmt.Sprintf("chunk: index %d out of range [0, %d)", e.i, e.n)
}

// At returns element i in place. Read it, never write through it: clones
// and handed-out slices share it (Set writes).
func (s *Seq[T]) At(i int) *T {
	if uint(i) >= uint(s.n) {
		panic(indexError{i, s.n})
	}
	c, slot := s.locate(s.off + i)
	return &s.chunks[c][slot]
}

// Slice returns elements i..j-1. When they lie in one chunk (always when
// there are at most overlap+1 of them) the slice shares the chunk: it may
// be kept, since a Seq never writes an element it has shown, but must not
// be written or appended to. Otherwise it is a copy.
func (s *Seq[T]) Slice(i, j int) []T {
	if uint(i) > uint(j) || uint(j) > uint(s.n) {
		panic(rangeError{"slice", i, j, s.n})
	}
	if i == j {
		return nil
	}
	lo, hi := s.off+i, s.off+j
	c, slot := s.locate(lo)
	if hi-c<<s.log2() <= s.size() {
		return s.chunks[c][slot : slot+j-i]
	}
	return s.AppendTo(make([]T, 0, j-i), i, j)
}

// rangeError is the panic of a range out of bounds. Like indexError, it
// formats nothing until printed, so that Slice, which the Raft log calls
// for every message and Ready, carries no formatting code.
type rangeError struct {
	op      string
	i, j, n int
}

func (e rangeError) Error() string {
	return fmt.Sprintf("chunk: %s [%d, %d) out of range [0, %d)", e.op, e.i, e.j, e.n)
}

// AppendTo appends elements i..j-1 to dst (copies) and returns it.
func (s *Seq[T]) AppendTo(dst []T, i, j int) []T {
	if i < 0 || j > s.n || i > j {
		panic(fmt.Sprintf("chunk: range [%d, %d) out of range [0, %d)", i, j, s.n))
	}
	for p, hi := s.off+i, s.off+j; p < hi; {
		c, slot := s.locate(p)
		k := min(hi-p, s.size()-slot)
		dst = append(dst, s.chunks[c][slot:slot+k]...)
		p += k
	}
	return dst
}

// Append adds vs at the end.
func (s *Seq[T]) Append(vs ...T) {
	if len(vs) == 1 {
		// Most appends are of one element (a proposal, a committed
		// entry, a client operation): an assignment, where copy would
		// call typedslicecopy, which costs a call and a memmove, and
		// while the collector marks a bulk write barrier as well.
		slot := s.room()
		s.chunks[len(s.chunks)-1][slot] = vs[0]
		s.n++
		return
	}
	for len(vs) > 0 {
		slot := s.room()
		k := copy(s.chunks[len(s.chunks)-1][slot:], vs)
		s.n += k
		vs = vs[k:]
	}
}

// room makes the last chunk writable with a free slot at the end position
// and returns that slot. A full last chunk is followed by a new one that
// starts with a copy of its overlap.
func (s *Seq[T]) room() int {
	if !s.owned {
		s.own()
	}
	if len(s.chunks) == 0 {
		s.off = 0
		s.chunks = append(s.chunks, make([]T, s.size()))
		return 0
	}
	c, slot := s.locate(s.off + s.n)
	if slot < s.size() {
		return slot
	}
	// The last chunk is full: position off+n is the next chunk's slot
	// overlap.
	next := make([]T, s.size())
	copy(next, s.chunks[c][s.stride():])
	s.chunks = append(s.chunks, next)
	return s.overlap
}

// own copies what others may see before this Seq writes: the table, and
// the last chunk unless it is full (a full chunk is never written again).
func (s *Seq[T]) own() {
	if len(s.chunks) > 0 {
		table := make([][]T, len(s.chunks), len(s.chunks)+1)
		copy(table, s.chunks)
		s.chunks = table
		last := len(s.chunks) - 1
		if _, slot := s.locate(s.off + s.n); slot < s.size() {
			s.chunks[last] = append(make([]T, 0, s.size()), s.chunks[last][:slot]...)[:s.size()]
		}
	}
	s.owned = true
}

// Truncate keeps the first n elements.
func (s *Seq[T]) Truncate(n int) {
	if n < 0 || n > s.n {
		panic(fmt.Sprintf("chunk: truncate to %d of %d", n, s.n))
	}
	if n == s.n {
		return
	}
	if n == 0 {
		*s = Seq[T]{shiftX: s.shiftX, overlap: s.overlap}
		return
	}
	s.n = n
	// Keep the chunks the elements reach (see the invariant on chunks).
	end := s.off + n
	keep := 1
	if end > s.size() {
		keep = (end-s.overlap-1)>>s.log2() + 1
	}
	s.chunks = s.chunks[:keep]
	// The slots past the end were shown: the next write copies.
	s.owned = false
}

// DropFront drops the first k elements; chunks no longer needed are let go.
func (s *Seq[T]) DropFront(k int) {
	if k < 0 || k > s.n {
		panic(fmt.Sprintf("chunk: drop %d of %d", k, s.n))
	}
	if k == s.n {
		*s = Seq[T]{shiftX: s.shiftX, overlap: s.overlap}
		return
	}
	s.off += k
	s.n -= k
	// A chunk can go once the next one holds everything from off: the
	// next one exists and starts at or before off. The table is copied, not
	// resliced: its backing array would keep every chunk before its start
	// alive, and clones share that array.
	drop := min(s.off>>s.log2(), len(s.chunks)-1)
	if drop > 0 {
		table := make([][]T, len(s.chunks)-drop, len(s.chunks)-drop+1)
		copy(table, s.chunks[drop:])
		s.chunks = table
		s.off -= drop * s.stride()
	}
}

// Clone returns a Seq with the same elements that shares every chunk with
// s; writing to either copies what it must and never changes the other.
func (s *Seq[T]) Clone() Seq[T] {
	c := *s
	c.chunks = s.chunks[:len(s.chunks):len(s.chunks)]
	c.owned = false
	return c
}

// Set replaces element i. The chunks holding it are copied first (and the
// table), so clones and handed-out slices keep the old element.
func (s *Seq[T]) Set(i int, v T) {
	s.check(i)
	table := make([][]T, len(s.chunks), len(s.chunks)+1)
	copy(table, s.chunks)
	s.chunks = table
	p := s.off + i
	c, _ := s.locate(p)
	// The element is in chunk c, and in chunk c-1 too when it lies in
	// their overlap.
	for j := c; j >= 0 && j >= c-1; j-- {
		slot := p - j*s.stride()
		if slot >= s.size() {
			break
		}
		chunk := make([]T, s.size())
		copy(chunk, s.chunks[j])
		chunk[slot] = v
		s.chunks[j] = chunk
	}
	// The last chunk may still be shared; the table no longer is, and
	// owned stays what it was for the last chunk.
}
