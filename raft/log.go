package raft

import (
	"fmt"

	"github.com/raftplayground/raftplayground/raft/internal/chunk"
)

// The log is kept in chunks (package chunk) so that Clone shares it whole
// and the clone's next append copies one chunk, not the log. A chunk
// starts every logStride entries and repeats the first logOverlap entries
// of the next one, so that any logOverlap+1 consecutive entries are
// contiguous: a MsgApp (MaxEntriesPerRequest, 16 by default), a Ready's
// Entries or Committed of that size is handed out without a copy, and
// steady replication allocates one chunk per logStride entries. A longer
// run across a chunk boundary is copied.
const (
	logStride  = 1024
	logOverlap = 64
)

// logManager holds a node's log: a snapshot boundary and the entries after
// it. It knows which prefix is durable (stable).
//
// Invariant: entries.At(i).Index == snapIndex+1+i, and terms never decrease.
type logManager struct {
	// snapIndex and snapTerm describe the last entry folded into the
	// snapshot (0/0 when none): term(snapIndex) is still answerable.
	snapIndex uint64
	snapTerm  uint64
	// entries after the snapshot, in index order. Entries are never
	// changed in place (chunk.Seq's guarantee), so slices handed out stay
	// valid and clones share them.
	entries chunk.Seq[Entry]
	// stable is the highest index known durable. Invariant: stable <= lastIndex().
	stable uint64
	// unstableFrom is the lowest index changed since the last Ready; entries
	// from there on must be written (replacing any durable suffix).
	// Zero when nothing is waiting.
	unstableFrom uint64
	// tail is the log's last entries, up to logOverlap+1 of them (so
	// shared with entries, never a copy), and tailFrom the index of the
	// first: term finds most indexes it is asked about there (the last
	// entries), without going through the chunks. Every change to the
	// log's end or its snapshot boundary sets them again (setTail).
	// Invariant: tail is entries tailFrom..lastIndex(), all past snapIndex.
	tail     []Entry
	tailFrom uint64
}

// newLog returns an empty log.
func newLog() logManager {
	return logManager{entries: chunk.Make[Entry](logStride, logOverlap)}
}

// clone returns a copy of the log that shares its chunks: neither the copy
// nor the original ever sees the other's appends, truncations or
// compactions.
func (l *logManager) clone() logManager {
	c := *l
	c.entries = l.entries.Clone()
	return c
}

func (l *logManager) firstIndex() uint64 { return l.snapIndex + 1 }

func (l *logManager) lastIndex() uint64 { return l.snapIndex + uint64(l.entries.Len()) }

func (l *logManager) lastTerm() uint64 { return l.term(l.lastIndex()) }

// term returns the term of the entry at index, or 0 when index is beyond the
// log or compacted away (the snapshot's own index still answers).
func (l *logManager) term(index uint64) uint64 {
	// The tail first, here rather than through find, which does not
	// inline: term is the log's most frequent question.
	if i := index - l.tailFrom; i < uint64(len(l.tail)) {
		return l.tail[i].Term
	}
	if e := l.find(index); e != nil {
		return e.Term
	}
	if index == l.snapIndex {
		return l.snapTerm
	}
	return 0
}

// setTail sets tail and tailFrom after the log changed.
func (l *logManager) setTail() {
	n := l.entries.Len()
	k := min(n, logOverlap+1)
	l.tail = l.entries.Slice(n-k, n)
	l.tailFrom = l.lastIndex() + 1 - uint64(k)
}

// entry returns the entry at index, in place: read it, never write it.
// The index must be in the log.
func (l *logManager) entry(index uint64) *Entry {
	if e := l.find(index); e != nil {
		return e
	}
	panic(fmt.Sprintf("raft: entry %d outside log [%d, %d]", index, l.firstIndex(), l.lastIndex()))
}

// find returns the entry at index in place, or nil when the log does not
// hold it (compacted away or past its end). One unsigned comparison finds
// the common case, an index in the tail (below tailFrom the difference
// wraps around and is too large): every message and every check asks for
// an entry or a term or two, nearly always of the last entries.
func (l *logManager) find(index uint64) *Entry {
	if i := index - l.tailFrom; i < uint64(len(l.tail)) {
		return &l.tail[i]
	}
	if i := index - l.snapIndex - 1; i < uint64(l.entries.Len()) {
		return l.entries.At(int(i))
	}
	return nil
}

// slice returns entries [lo, hi] (inclusive), shared with the log when they
// lie in one chunk (always for logOverlap+1 entries or fewer), else a copy.
func (l *logManager) slice(lo, hi uint64) []Entry {
	if lo > hi {
		return nil
	}
	return l.entries.Slice(int(lo-l.snapIndex-1), int(hi-l.snapIndex))
}

// isUpToDate reports whether a log ending at (lastTerm, lastIndex) is at
// least as up-to-date as this one (Raft paper §5.4.1).
func (l *logManager) isUpToDate(lastTerm, lastIndex uint64) bool {
	mine := l.lastTerm()
	return lastTerm > mine || (lastTerm == mine && lastIndex >= l.lastIndex())
}

// append adds entries that follow the last one.
func (l *logManager) append(ents ...Entry) {
	if len(ents) == 0 {
		return
	}
	if ents[0].Index != l.lastIndex()+1 {
		panic(fmt.Sprintf("raft: append at %d, last index is %d", ents[0].Index, l.lastIndex()))
	}
	l.markUnstable(ents[0].Index)
	l.entries.Append(ents...)
	l.setTail()
}

// truncateSuffix drops every entry at index and after.
func (l *logManager) truncateSuffix(index uint64) {
	if index <= l.snapIndex {
		panic(fmt.Sprintf("raft: truncate at %d inside snapshot %d", index, l.snapIndex))
	}
	if index > l.lastIndex() {
		return
	}
	l.entries.Truncate(int(index - l.snapIndex - 1))
	l.setTail()
	l.stable = min(l.stable, index-1)
	l.markUnstable(index)
}

func (l *logManager) markUnstable(index uint64) {
	if l.unstableFrom == 0 || index < l.unstableFrom {
		l.unstableFrom = index
	}
}

// unstable returns the entries to persist, or nil.
func (l *logManager) unstable() []Entry {
	if l.unstableFrom == 0 || l.unstableFrom > l.lastIndex() {
		return nil
	}
	return l.slice(l.unstableFrom, l.lastIndex())
}
