package kv

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
)

// snapshotVersion is the first byte of every snapshot.
const snapshotVersion = 1

// resultFound is the flag bit of a cached Result's Found in a snapshot.
const resultFound = 1

// Snapshot returns the store's whole state (applied index, data, sessions)
// as bytes Restore reads. The bytes depend only on the state, never on
// map order or on the platform, so equal stores give identical snapshots:
//
//	version    1 byte, always 1
//	applied    uvarint
//	keys       uvarint count, then per key in increasing byte order:
//	           key (uvarint length, bytes), value (uvarint length, bytes)
//	sessions   uvarint count, then per session in increasing ClientID:
//	           client id, seq, result index (uvarints),
//	           flags (1 byte: bit 0 = Found), result value (length, bytes)
func (s *Store) Snapshot() []byte {
	size := 1 + 3*binary.MaxVarintLen64
	for k, v := range s.data {
		size += 2*binary.MaxVarintLen64 + len(k) + len(*v)
	}
	for _, sess := range s.sessions {
		size += 5*binary.MaxVarintLen64 + 1 + len(sess.result.Value)
	}
	b := make([]byte, 0, size)
	b = append(b, snapshotVersion)
	b = binary.AppendUvarint(b, s.applied)
	b = binary.AppendUvarint(b, uint64(len(s.data)))
	for _, k := range s.Keys() {
		b = appendString(b, k)
		b = appendString(b, *s.data[k])
	}
	b = binary.AppendUvarint(b, uint64(len(s.sessions)))
	for _, id := range slices.Sorted(maps.Keys(s.sessions)) {
		sess := s.sessions[id]
		b = binary.AppendUvarint(b, id)
		b = binary.AppendUvarint(b, sess.seq)
		b = binary.AppendUvarint(b, sess.result.Index)
		var flags byte
		if sess.result.Found {
			flags |= resultFound
		}
		b = append(b, flags)
		b = appendString(b, sess.result.Value)
	}
	return b
}

// Restore replaces the store's whole state with the snapshot b, as written
// by Snapshot. Malformed input (see DecodeCommand for the kinds, plus keys
// or sessions out of order or repeated, a session for ClientID 0, a cached
// result index of 0 or above the applied index, unknown flag bits) gives
// an error and leaves the store unchanged. On success, Snapshot returns b
// exactly. Restore never panics and keeps no reference to b.
//
// Restore may move AppliedIndex backwards: installing a snapshot is the
// caller's decision.
func (s *Store) Restore(b []byte) error {
	next, err := decodeSnapshot(b)
	if err != nil {
		return fmt.Errorf("kv: restore snapshot: %w", err)
	}
	*s = *next
	return nil
}

// decodeSnapshot is Restore into a new store, without the error prefix.
func decodeSnapshot(b []byte) (*Store, error) {
	r := reader{b: b}
	if v := r.u8("version"); r.err == nil && v != snapshotVersion {
		return nil, fmt.Errorf("%w %d (want %d)", ErrBadVersion, v, snapshotVersion)
	}
	s := New()
	s.applied = r.uvarint("applied index")

	// Every key takes at least 2 bytes, so a count above that is
	// truncated; never preallocate for it.
	nkeys := r.uvarint("key count")
	s.data = make(map[string]*string, min(nkeys, uint64(len(r.b)/2)))
	var prev string
	for i := uint64(0); i < nkeys && r.err == nil; i++ {
		k := r.str("key", "key length", MaxKeyLen, ErrKeyTooLong)
		v := r.str("value", "value length", MaxValueLen, ErrValueTooLong)
		if r.err == nil && i > 0 && k <= prev {
			r.fail(fmt.Errorf("%w: %q not after %q", ErrMalformed, k, prev))
		}
		if r.err != nil {
			r.err = fmt.Errorf("key %d: %w", i, r.err)
		}
		s.data[k], prev = &v, k
	}

	nsessions := r.uvarint("session count")
	s.sessions = make(map[uint64]*session, min(nsessions, uint64(len(r.b)/5)))
	var prevID uint64
	for i := uint64(0); i < nsessions && r.err == nil; i++ {
		id := r.uvarint("client id")
		var sess session
		sess.seq = r.uvarint("seq")
		sess.result.Index = r.uvarint("result index")
		flags := r.u8("flags")
		sess.result.Found = flags&resultFound != 0
		sess.result.Value = r.str("result value", "result value length", MaxValueLen, ErrValueTooLong)
		switch {
		case r.err != nil:
		case id == 0:
			r.fail(fmt.Errorf("%w: client id 0 has no session", ErrMalformed))
		case i > 0 && id <= prevID:
			r.fail(fmt.Errorf("%w: client id %d not after %d", ErrMalformed, id, prevID))
		case flags&^resultFound != 0:
			r.fail(fmt.Errorf("%w: unknown flags %#x", ErrMalformed, flags))
		case sess.result.Index == 0 || sess.result.Index > s.applied:
			r.fail(fmt.Errorf("%w: result index %d outside [1, %d]", ErrMalformed, sess.result.Index, s.applied))
		}
		if r.err != nil {
			r.err = fmt.Errorf("session %d: %w", i, r.err)
		}
		s.sessions[id], prevID = &sess, id
	}
	if err := r.finish(); err != nil {
		return nil, err
	}
	return s, nil
}

// Digest is the FNV-64a hash of Snapshot: replicas that applied the same
// entries have equal digests, so a checker can compare them cheaply.
func (s *Store) Digest() uint64 {
	h := fnv.New64a()
	h.Write(s.Snapshot())
	return h.Sum64()
}

// Equal reports whether s and o hold the same state (applied index, data,
// sessions), that is whether their snapshots are identical.
func (s *Store) Equal(o *Store) bool {
	return s.applied == o.applied &&
		maps.EqualFunc(s.data, o.data, func(a, b *string) bool { return *a == *b }) &&
		maps.EqualFunc(s.sessions, o.sessions, func(a, b *session) bool { return *a == *b })
}
