package raft

import (
	"fmt"
	"testing"
)

// logEntries builds entries lo..hi of term, each with its own command.
func logEntries(lo, hi, term uint64, tag string) []Entry {
	var out []Entry
	for i := lo; i <= hi; i++ {
		out = append(out, Entry{Index: i, Term: term, Data: fmt.Appendf(nil, "%s%d", tag, i)})
	}
	return out
}

// sameLog fails unless the log holds exactly want after its snapshot.
func sameLog(t *testing.T, name string, l *logManager, want []Entry) {
	t.Helper()
	if l.firstIndex() != want[0].Index || l.lastIndex() != want[len(want)-1].Index {
		t.Fatalf("%s: log [%d, %d], want [%d, %d]", name, l.firstIndex(), l.lastIndex(), want[0].Index, want[len(want)-1].Index)
	}
	for _, w := range want {
		if e := l.entry(w.Index); e.Term != w.Term || string(e.Data) != string(w.Data) {
			t.Fatalf("%s: entry %d is %d/%q, want %d/%q", name, w.Index, e.Term, e.Data, w.Term, w.Data)
		}
	}
	sameTail(t, name, l)
}

// sameTail fails unless the log's tail is its last entries (up to
// logOverlap+1 of them) and term answers for every index around the log
// as the entries and the snapshot boundary say.
func sameTail(t *testing.T, name string, l *logManager) {
	t.Helper()
	n := l.entries.Len()
	if k := min(n, logOverlap+1); len(l.tail) != k || (k > 0 && l.tailFrom != l.lastIndex()+1-uint64(k)) {
		t.Fatalf("%s: tail of %d from %d, want the last %d of [%d, %d]", name, len(l.tail), l.tailFrom, k, l.firstIndex(), l.lastIndex())
	}
	for i := range l.tail {
		if e := l.entries.At(n - len(l.tail) + i); l.tail[i].Index != e.Index || l.tail[i].Term != e.Term {
			t.Fatalf("%s: tail[%d] is %d/%d, the log has %d/%d", name, i, l.tail[i].Index, l.tail[i].Term, e.Index, e.Term)
		}
	}
	for i := l.snapIndex - min(l.snapIndex, 2); i <= l.lastIndex()+2; i++ {
		want := uint64(0)
		switch {
		case i == l.snapIndex:
			want = l.snapTerm
		case i > l.snapIndex && i <= l.lastIndex():
			want = l.entries.At(int(i - l.snapIndex - 1)).Term
		}
		if got := l.term(i); got != want {
			t.Fatalf("%s: term(%d) = %d, want %d", name, i, got, want)
		}
	}
}

// TestLogCloneSharesNoWrites: a clone of the log (Node.Clone, the
// simulator's checkpoints) shares its chunks, yet neither side sees the
// other's appends, truncation of a conflicting suffix (§5.3) or compaction
// (§7), and the entries handed out before (messages, Ready) never change,
// as doc.go promises.
func TestLogCloneSharesNoWrites(t *testing.T) {
	l := newLog()
	l.append(logEntries(1, 3000, 1, "a")...)
	msg := l.slice(1020, 1036)    // in the overlap of two chunks
	committed := l.slice(1, 3000) // across chunks: a copy
	tail := l.slice(2990, 3000)   // in the last chunk, written on by both sides
	kept := append([]Entry(nil), msg...)
	keptTail := append([]Entry(nil), tail...)

	c := l.clone()
	// The original: a new leader's entries replace its suffix, then it
	// compacts.
	l.truncateSuffix(2500)
	l.append(logEntries(2500, 2600, 2, "b")...)
	l.compactPrefix(2000, 1)
	// The clone: appends, compacts elsewhere, truncates another suffix.
	c.append(logEntries(3001, 3100, 1, "a")...)
	c.compactPrefix(1500, 1)
	c.truncateSuffix(2990)
	c.append(logEntries(2990, 3050, 3, "c")...)

	empty := c.clone()
	empty.compactPrefix(4000, 3) // past the end: reset
	sameTail(t, "reset", &empty)
	near := c.clone()
	near.compactPrefix(3040, 3) // into the tail
	sameTail(t, "compacted into the tail", &near)
	sameLog(t, "original", &l, append(logEntries(2001, 2499, 1, "a"), logEntries(2500, 2600, 2, "b")...))
	sameLog(t, "clone", &c, append(logEntries(1501, 2989, 1, "a"), logEntries(2990, 3050, 3, "c")...))
	for i := range kept {
		if msg[i].Term != kept[i].Term || string(msg[i].Data) != string(kept[i].Data) {
			t.Fatalf("entry %d handed out in a message changed", msg[i].Index)
		}
	}
	for i := range keptTail {
		if tail[i].Term != keptTail[i].Term || string(tail[i].Data) != string(keptTail[i].Data) {
			t.Fatalf("entry %d handed out in a Ready changed", tail[i].Index)
		}
	}
	for i, want := range logEntries(1, 3000, 1, "a") {
		if e := committed[i]; e.Index != want.Index || e.Term != want.Term || string(e.Data) != string(want.Data) {
			t.Fatalf("entry %d of a long run handed out is %d/%d %q, want %d/%d %q", i, e.Index, e.Term, e.Data, want.Index, want.Term, want.Data)
		}
	}
}

// TestLogSlicesShortRunsInPlace: any run of up to logOverlap+1 entries is
// handed out from the log itself, wherever the chunk boundaries fall, so a
// MsgApp or a Ready in steady replication copies nothing.
func TestLogSlicesShortRunsInPlace(t *testing.T) {
	l := newLog()
	l.append(logEntries(1, 3*logStride, 1, "a")...)
	for lo := uint64(1); lo+logOverlap <= l.lastIndex(); lo++ {
		if s := l.slice(lo, lo+logOverlap); &s[0] != l.entry(lo) {
			t.Fatalf("entries %d..%d were copied", lo, lo+logOverlap)
		}
	}
}
