package sim

import (
	"slices"

	"github.com/raftplayground/raftplayground/raft"
)

// segments is a sequence of log entries kept as the slices a node's Ready
// handed out (Entries, Committed) rather than as copies: those share the
// node's log and never change (raft/doc.go), so a disk or a list of recent
// entries built from them costs only its table. Slices that follow each
// other in one chunk of the log are joined into one segment, so the table
// stays short.
type segments struct {
	// segs holds the entries in order. Invariant: no segment is empty.
	// Segments are only resliced, never written to; the table itself is
	// written, so a copy needs its own (clone).
	segs [][]raft.Entry
	// n is the number of entries in segs.
	n int
}

// len returns the number of entries.
func (s *segments) len() int { return s.n }

// at returns the i-th entry, in place: read it, never write it.
func (s *segments) at(i int) *raft.Entry {
	for _, seg := range s.segs {
		if i < len(seg) {
			return &seg[i]
		}
		i -= len(seg)
	}
	panic("sim: segment index out of range")
}

// append adds entries a Ready handed out. When they follow the last
// segment in the same array (the log handed out both from one chunk), the
// segment grows over them instead.
func (s *segments) append(ents []raft.Entry) {
	if len(ents) == 0 {
		return
	}
	s.n += len(ents)
	if k := len(s.segs); k > 0 {
		last := s.segs[k-1]
		if cap(last)-len(last) >= len(ents) && &last[:len(last)+1][len(last)] == &ents[0] {
			s.segs[k-1] = last[:len(last)+len(ents)]
			return
		}
	}
	s.segs = append(s.segs, ents)
}

// truncate keeps the first n entries.
func (s *segments) truncate(n int) {
	for s.n > n {
		last := len(s.segs) - 1
		seg := s.segs[last]
		if cut := s.n - n; cut < len(seg) {
			s.segs[last] = seg[:len(seg)-cut]
			s.n = n
			return
		}
		s.segs[last] = nil // let the chunk go
		s.segs = s.segs[:last]
		s.n -= len(seg)
	}
}

// dropFront drops the first k entries.
func (s *segments) dropFront(k int) {
	s.n -= k
	whole := 0
	for ; k > 0 && k >= len(s.segs[whole]); whole++ {
		k -= len(s.segs[whole])
	}
	// Deleted, not resliced: the table's array would keep the segments
	// before its start, and the chunks they lie in, alive.
	s.segs = slices.Delete(s.segs, 0, whole)
	if k > 0 {
		s.segs[0] = s.segs[0][k:]
	}
}

// appendTo appends copies of every entry to dst.
func (s *segments) appendTo(dst []raft.Entry) []raft.Entry {
	for _, seg := range s.segs {
		dst = append(dst, seg...)
	}
	return dst
}

// clone returns a copy that shares the entries.
func (s *segments) clone() segments {
	return segments{segs: slices.Clone(s.segs), n: s.n}
}

// compacted returns a copy whose entries are copied into one array of
// their size: unlike a clone, it keeps no chunk of the log alive.
func (s *segments) compacted() segments {
	if s.n == 0 {
		return segments{}
	}
	return segments{segs: [][]raft.Entry{s.appendTo(make([]raft.Entry, 0, s.n))}, n: s.n}
}
