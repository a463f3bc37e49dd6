package kv

import (
	"errors"
	"fmt"
	"slices"
)

// ErrIndexNotAfter: Apply was given an index at or below the applied index.
var ErrIndexNotAfter = errors.New("index not after the applied index")

// Result is what applying a command returned, to be handed to the client
// that proposed it.
type Result struct {
	// Index is the log index of the entry whose application produced this
	// result. For a duplicate it is the index of the original, not of the
	// retry; it is 0 for a stale retry (see Duplicate).
	Index uint64
	// Value is the key's value after the command: the value read by a get
	// ("" when absent), the new value after a put or append.
	Value string
	// Found reports whether the key existed before the command applied: for
	// a get, whether Value was found; for a put or append, false when the
	// command created the key.
	Found bool
	// Duplicate reports that the command had been applied before and this
	// one did nothing. When its Seq equals the session's last Seq, the
	// result is the original's, cached. When its Seq is lower, it is a
	// stale retry whose reply the client no longer waits for (it has moved
	// on to a later Seq); the result is then empty apart from Duplicate.
	Duplicate bool
}

// session is what the store remembers of one client.
type session struct {
	// seq is the highest Seq applied for the client.
	seq uint64
	// result is what applying seq returned. Invariants: !result.Duplicate
	// and 0 < result.Index <= Store.applied.
	result Result
}

// Store is the key-value state machine of one replica. The zero Store is
// empty and ready to use. A Store is not safe for concurrent use (the core
// never needs it to be).
type Store struct {
	// applied is the index of the last entry applied, 0 before any.
	// It only grows, except by Restore.
	applied uint64
	// data holds the keys and their values. A value is kept behind a
	// pointer so that changing a key's value writes through it instead of
	// storing the key again (which would copy the key every time).
	// Invariants: len(key) <= MaxKeyLen, len(*value) <= MaxValueLen, no
	// nil value, no value shared with another store. May be nil when
	// empty.
	data map[string]*string
	// sessions maps a ClientID to its last applied command. Invariant: no
	// entry for ClientID 0, no nil session, no session shared with another
	// store. May be nil when empty. Sessions are never expired: one per
	// client id ever seen. Behind a pointer, so that applying a command
	// looks its session up once and updates it in place.
	sessions map[uint64]*session
	// memo is the memo this store follows (NewShared), nil for none.
	// Invariant: when not nil, the store's state is the memo's canonical
	// state at the applied index (memo.go).
	memo *Memo
}

// New returns an empty store.
func New() *Store {
	return &Store{data: map[string]*string{}, sessions: map[uint64]*session{}}
}

// AppliedIndex is the index of the last entry applied (by Apply, ApplyNoop
// or a restored snapshot), 0 before any.
func (s *Store) AppliedIndex() uint64 { return s.applied }

// Apply applies the command in the data of the committed entry at index,
// which must be above AppliedIndex; otherwise Apply returns an error
// wrapping ErrIndexNotAfter and changes nothing.
//
// Any other error still counts the entry as applied (AppliedIndex becomes
// index), so that the log keeps moving past an entry no replica can apply;
// every replica fails the same entry the same way, so they stay equal.
// Those errors are: data that DecodeCommand rejects, and an append whose
// result would be longer than MaxValueLen (wrapping ErrValueTooLong). The
// command then has no effect, not even on its session, and the Result
// holds only Index.
//
// Indexes may skip (an entry the caller applies otherwise, or not at all),
// but the caller must apply every command entry of the log, in order, for
// replicas to agree.
func (s *Store) Apply(index uint64, data []byte) (Result, error) {
	if index <= s.applied {
		return Result{}, fmt.Errorf("kv: apply entry %d: %w %d", index, ErrIndexNotAfter, s.applied)
	}
	s.memo = nil // an entry applied past the memo's sight (memo.go)
	r, _, err := s.applyData(index, data)
	return r, err
}

// applyData is Apply for an index above the applied one; it also returns
// the decoded command (zero when undecodable).
func (s *Store) applyData(index uint64, data []byte) (Result, commandView, error) {
	s.applied = index
	c, err := decodeCommandView(data)
	if err != nil {
		return Result{Index: index}, commandView{}, fmt.Errorf("kv: apply entry %d: undecodable command: %w", index, err)
	}
	r, err := s.apply(index, c)
	if err != nil {
		return Result{Index: index}, c, fmt.Errorf("kv: apply entry %d: %w", index, err)
	}
	return r, c, nil
}

// apply runs a decoded command through its session and applies it. It
// copies the command's value only to keep it, and its key only when the
// key is new.
func (s *Store) apply(index uint64, c commandView) (Result, error) {
	var sess *session
	if c.ClientID != 0 {
		if sess = s.sessions[c.ClientID]; sess != nil && c.Seq <= sess.seq {
			if c.Seq < sess.seq {
				return Result{Duplicate: true}, nil
			}
			r := sess.result
			r.Duplicate = true
			return r, nil
		}
	}
	slot, found := s.data[string(c.Key)]
	var old string
	if found {
		old = *slot
	}
	r := Result{Index: index, Found: found}
	switch c.Op {
	case OpGet:
		r.Value = old
	case OpPut:
		r.Value = string(c.Value)
	case OpAppend:
		if len(old)+len(c.Value) > MaxValueLen {
			return Result{}, fmt.Errorf("%w: append of %d bytes to %d (max %d)",
				ErrValueTooLong, len(c.Value), len(old), MaxValueLen)
		}
		r.Value = old + string(c.Value)
	}
	switch {
	case c.Op == OpGet:
	case found:
		*slot = r.Value
	default:
		if s.data == nil {
			s.data = map[string]*string{}
		}
		v := r.Value
		s.data[string(c.Key)] = &v
	}
	if c.ClientID != 0 {
		if sess == nil {
			if s.sessions == nil {
				s.sessions = map[uint64]*session{}
			}
			sess = new(session)
			s.sessions[c.ClientID] = sess
		}
		*sess = session{seq: c.Seq, result: r}
	}
	return r, nil
}

// ApplyNoop counts the entry at index as applied without a command: for
// configuration changes and the empty entry a new leader appends. An index
// at or below AppliedIndex is ignored (nothing changes).
func (s *Store) ApplyNoop(index uint64) {
	if index > s.applied {
		s.applied, s.memo = index, nil
	}
}

// Get returns the value of key and whether it exists. It is a local read
// that bypasses the log and sessions: linearizable only once AppliedIndex
// has reached a ReadIndex confirmed by a quorum.
func (s *Store) Get(key string) (string, bool) {
	if v, ok := s.data[key]; ok {
		return *v, true
	}
	return "", false
}

// Len is the number of keys.
func (s *Store) Len() int { return len(s.data) }

// Keys returns the keys in increasing byte order, in a new slice.
func (s *Store) Keys() []string {
	keys := make([]string, 0, len(s.data))
	for k := range s.data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Clone returns an independent copy of the store. The copy follows no
// memo (see CloneFollowing).
func (s *Store) Clone() *Store {
	data := make(map[string]*string, len(s.data))
	values := make([]string, 0, len(s.data)) // one allocation for all
	for k, v := range s.data {
		values = append(values, *v)
		data[k] = &values[len(values)-1]
	}
	sessions := make(map[uint64]*session, len(s.sessions))
	copies := make([]session, 0, len(s.sessions)) // one allocation for all
	for id, sess := range s.sessions {
		copies = append(copies, *sess)
		sessions[id] = &copies[len(copies)-1]
	}
	return &Store{applied: s.applied, data: data, sessions: sessions}
}
