package kv

import "bytes"

// Memo lets the replicas of one group, kept in one process (a simulator),
// apply each command once between them instead of once each. Every replica
// applies the same entries in the same order, so the first one to apply
// index i computes what applying it does (the Result, and the key and
// session it writes), and the memo keeps that; a replica in the same state
// that applies the same entry at i replays it: no decoding, no new string,
// two map writes.
//
// A store made by NewShared follows its memo. The memo's canonical state
// at index i is the state that applying, from an empty store, the first
// entry any follower applied at each index up to i gives. Invariant: a
// store that follows the memo holds the canonical state at its applied
// index. It starts empty at index 0, which is canonical, and keeps
// following while it applies, at the index after its own, the entry the
// memo holds there (it replays it) or, as the first at that index, any
// entry (the memo records it). Anything else, an entry that differs from
// the memo's at its index, an index skipped, an index the memo no longer
// holds, a Restore, ApplyNoop or Apply, makes it leave the memo for good:
// it applies on its own from then on, exactly as it would have. The memo
// therefore never changes what a store holds or answers, only what it
// costs; a replica that applies a different entry at some index keeps its
// own, different state, and Get answers from each store's own state.
//
// A memo holds the last memoKeep indexes; a follower that falls further
// behind leaves it. A Memo is not safe for concurrent use, nor are its
// followers.
type Memo struct {
	// recs is a ring: the record of index i is recs[i&(len(recs)-1)],
	// for i in [first, next). Its length is a power of two, at most
	// memoKeep; it doubles when full until then. Nil until the first
	// record.
	recs []memoRec
	// first and next bound the indexes held. Invariant: 1 <= first <=
	// next <= first+len(recs).
	first, next uint64
}

// memoKeep is how many indexes a Memo holds at most, a power of two.
const memoKeep = 1024

// memoMin is the length a memo's ring starts at.
const memoMin = 16

// memoRec is what applying the entry at one index did, for a store in the
// canonical state before it.
type memoRec struct {
	// term, noop and data identify the entry: a store replays the record
	// only for an entry equal in all three.
	term uint64
	noop bool
	data []byte
	// res and err are what Apply returned.
	res Result
	err error
	// put: the command set key (a view of data) to res.Value.
	put bool
	key []byte
	// client, when not 0, is the session set to (seq, res).
	client, seq uint64
}

// NewMemo returns an empty memo.
func NewMemo() *Memo { return &Memo{first: 1, next: 1} }

// NewShared returns an empty store that follows m.
func NewShared(m *Memo) *Store {
	s := New()
	s.memo = m
	return s
}

// Follows reports whether s follows m (see Memo).
func (s *Store) Follows(m *Memo) bool { return m != nil && s.memo == m }

// at returns the record of index i, or nil when the memo does not hold it.
func (m *Memo) at(i uint64) *memoRec {
	if i < m.first || i >= m.next {
		return nil
	}
	return &m.recs[i&uint64(len(m.recs)-1)]
}

// add makes room for the record of index next and returns it, cleared.
func (m *Memo) add() *memoRec {
	if held := int(m.next - m.first); held == len(m.recs) {
		if held < memoKeep {
			m.grow(max(memoMin, 2*held))
		} else {
			m.first++
		}
	}
	m.next++
	r := m.at(m.next - 1)
	*r = memoRec{}
	return r
}

// grow moves the ring into one of size n, which holds its records.
func (m *Memo) grow(n int) {
	recs := make([]memoRec, n)
	for i := m.first; i < m.next; i++ {
		recs[i&uint64(n-1)] = *m.at(i)
	}
	m.recs = recs
}

// Clone returns a copy of m holding its indexes from `from` on: a memo for
// copies of its followers (CloneFollowing), none of which has applied
// less than from-1.
func (m *Memo) Clone(from uint64) *Memo {
	c := &Memo{first: min(max(from, m.first), m.next), next: m.next}
	n := memoMin
	for n < int(c.next-c.first) {
		n *= 2
	}
	c.recs = make([]memoRec, n)
	for i := c.first; i < c.next; i++ {
		*c.at(i) = *m.at(i)
	}
	return c
}

// CloneFollowing is Clone, except that when s follows a memo the copy
// follows m instead, which must be a Clone of it that holds s's next index.
func (s *Store) CloneFollowing(m *Memo) *Store {
	c := s.Clone()
	if s.memo != nil {
		c.memo = m
	}
	return c
}

// follow finds what a store applying the entry (index, term, noop, data)
// does with its memo: replay a record (returned), record the entry as the
// first at index (first), or leave the memo (neither). index must be above
// the applied index.
func (s *Store) follow(index, term uint64, noop bool, data []byte) (rec *memoRec, first bool) {
	m := s.memo
	if m == nil {
		return nil, false
	}
	if index == s.applied+1 {
		if r := m.at(index); r != nil {
			if r.term == term && r.noop == noop && bytes.Equal(r.data, data) {
				return r, false
			}
		} else if index == m.next {
			return nil, true
		}
	}
	s.memo = nil
	return nil, false
}

// ApplyShared is Apply for the command entry at index of term term, which
// replays the memo's record when s follows a memo that holds this entry
// there, and records it when s is the first to apply index.
func (s *Store) ApplyShared(index, term uint64, data []byte) (Result, error) {
	if index <= s.applied {
		return s.Apply(index, data) // an error, and no change
	}
	rec, first := s.follow(index, term, false, data)
	if rec != nil {
		return s.replay(index, rec)
	}
	r, c, err := s.applyData(index, data)
	if first {
		rec := s.memo.add()
		rec.term, rec.data, rec.res, rec.err = term, data, r, err
		if err == nil && !r.Duplicate {
			rec.put, rec.key = c.Op != OpGet, c.Key
			rec.client, rec.seq = c.ClientID, c.Seq
		}
	}
	return r, err
}

// ApplyNoopShared is ApplyNoop for the entry at index of term term, keeping
// s on its memo as ApplyShared does.
func (s *Store) ApplyNoopShared(index, term uint64) {
	if index <= s.applied {
		return
	}
	// A no-op changes nothing but the applied index: replaying its
	// record is setting that.
	if _, first := s.follow(index, term, true, nil); first {
		rec := s.memo.add()
		rec.term, rec.noop = term, true
	}
	s.applied = index
}

// replay applies rec, the canonical record of index, to s, which holds the
// canonical state before it: what apply did to the first store, without
// decoding the command or making a string.
func (s *Store) replay(index uint64, rec *memoRec) (Result, error) {
	s.applied = index
	if rec.put {
		if slot, ok := s.data[string(rec.key)]; ok {
			*slot = rec.res.Value
		} else {
			if s.data == nil {
				s.data = map[string]*string{}
			}
			v := rec.res.Value
			s.data[string(rec.key)] = &v
		}
	}
	if rec.client != 0 {
		sess := s.sessions[rec.client]
		if sess == nil {
			if s.sessions == nil {
				s.sessions = map[uint64]*session{}
			}
			sess = new(session)
			s.sessions[rec.client] = sess
		}
		*sess = session{seq: rec.seq, result: rec.res}
	}
	return rec.res, rec.err
}
