package sim

import (
	"iter"
	"slices"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// fifo is a queue kept in one array: items leave from the front, and the
// array is reused (the live part shifted down) instead of regrown, so a
// queue that stays about the same length allocates nothing once warm.
type fifo[T any] struct {
	buf  []T // buf[head:] are the items, oldest first
	head int
}

func (f *fifo[T]) len() int { return len(f.buf) - f.head }

// at returns the i-th item from the front.
func (f *fifo[T]) at(i int) *T { return &f.buf[f.head+i] }

// items returns the items, oldest first, shared with the queue.
func (f *fifo[T]) items() []T { return f.buf[f.head:] }

// push adds v at the back.
func (f *fifo[T]) push(v T) {
	f.makeRoom()
	f.buf = append(f.buf, v)
}

// pushSlot adds an item at the back and returns it for the caller to set,
// every field of it: it holds whatever an item that left held (popFront
// does not clear), or zero. An item as large as a message is then written
// once, not zeroed first nor built aside and copied in.
func (f *fifo[T]) pushSlot() *T {
	f.makeRoom()
	n := len(f.buf)
	if n == cap(f.buf) {
		var zero T
		f.buf = append(f.buf, zero)
	} else {
		f.buf = f.buf[:n+1]
	}
	return &f.buf[n]
}

// makeRoom shifts the items down when the array is full and at least half
// of it is free at the front, rather than let the next push grow it.
func (f *fifo[T]) makeRoom() {
	if len(f.buf) == cap(f.buf) && f.head >= len(f.buf)/2 {
		n := copy(f.buf, f.buf[f.head:])
		// The slots the items moved from, past the new end, still hold
		// copies of them: clear those, or they would keep what the items
		// reference alive after the items themselves leave. The slots
		// before them hold items that left, which dropped their
		// references then (popFront), or the moved items themselves.
		clear(f.buf[max(n, f.head):])
		f.buf, f.head = f.buf[:n], 0
	}
}

// popFront removes the first k items. It does not clear them: an item
// that references memory must drop its references when it leaves (as
// wireTable, callTable and seenEntries do), and items without any are
// not worth the writes.
func (f *fifo[T]) popFront(k int) {
	f.head += k
	if f.head == len(f.buf) {
		f.buf, f.head = f.buf[:0], 0
	}
}

// clone returns an independent copy holding only the items.
func (f *fifo[T]) clone() fifo[T] { return fifo[T]{buf: slices.Clone(f.items())} }

// dropRefs clears the fields of m that reference memory (its entries, its
// snapshot), so that a message kept in a table after it left does not keep
// them alive. Two pointer writes: cheaper than clearing the whole message
// while the collector is marking, when every pointer write is recorded.
func dropRefs(m *raft.Message) { m.Entries, m.Snapshot = nil, nil }

// wireTable holds the messages in flight in send order, which is also
// their id order. A message that leaves the wire is marked gone and its
// slot reclaimed when it reaches the front, or when gone messages are the
// majority; so finding a message is a binary search and removing one is
// O(1) amortised, with no allocation per message.
type wireTable struct {
	q fifo[wireMsg]
	// gone counts the messages marked gone still in q.
	gone int
}

// find returns message id, or nil when it is not on the wire. The pointer
// is valid until the next put.
func (t *wireTable) find(id MsgID) *wireMsg {
	items := t.q.items()
	if len(items) == 0 {
		return nil
	}
	// Ids grow by one per message put, so unless a compaction or a clone
	// left gaps before it, message id sits id − first places from the
	// front: try there before searching.
	if k := uint64(id - items[0].id); k < uint64(len(items)) && items[k].id == id {
		if items[k].gone {
			return nil
		}
		return &items[k]
	}
	lo, hi := 0, len(items) // the message, if here, is in items[lo:hi]
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if items[mid].id < id {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo == len(items) || items[lo].id != id || items[lo].gone {
		return nil
	}
	return &items[lo]
}

// put adds message m, number id, sent at sent and due at arrive, whose
// record in the world's history is number rec, after every message on the
// wire, and returns it. The pointer is valid until the next put.
func (t *wireTable) put(id MsgID, m *raft.Message, sent, arrive time.Duration, rec uint64) *wireMsg {
	wm := t.q.pushSlot()
	wm.id, wm.msg, wm.sent, wm.arrive, wm.rec = id, *m, sent, arrive, rec
	wm.held, wm.gone = false, false
	return wm
}

// remove takes wm (a pointer find returned) off the wire.
func (t *wireTable) remove(wm *wireMsg) {
	wm.gone = true
	dropRefs(&wm.msg)
	t.gone++
	k := 0
	for k < t.q.len() && t.q.at(k).gone {
		k++
	}
	t.q.popFront(k)
	t.gone -= k
	if t.gone > 32 && t.gone > t.q.len()/2 {
		t.compact()
	}
}

// compact drops every gone message, keeping the order of the rest.
func (t *wireTable) compact() {
	live := slices.DeleteFunc(t.q.items(), func(wm wireMsg) bool { return wm.gone })
	t.q.buf = t.q.buf[:t.q.head+len(live)]
	t.gone = 0
}

// len is the number of messages in flight.
func (t *wireTable) len() int { return t.q.len() - t.gone }

// all yields the messages in flight in send order.
func (t *wireTable) all() iter.Seq[*wireMsg] {
	return func(yield func(*wireMsg) bool) {
		items := t.q.items()
		for i := range items {
			if !items[i].gone && !yield(&items[i]) {
				return
			}
		}
	}
}

func (t *wireTable) clone() wireTable {
	c := wireTable{q: fifo[wireMsg]{buf: make([]wireMsg, 0, t.len())}}
	for wm := range t.all() {
		c.q.buf = append(c.q.buf, *wm)
	}
	return c
}

// callTable holds the requests waiting for their RPC timeout, by call id.
// Call ids are handed out one after another, so the table is a queue
// indexed by id − first: a lookup is an index, and a call leaves when its
// timeout fires (calls mostly time out in the order they were made).
type callTable struct {
	q fifo[call]
	// first is the id of q's first call.
	first uint64
}

// add records call id, which must be the next id after every call added:
// request req, sent at sent by node from in its incarnation fromInc.
func (t *callTable) add(id uint64, req *raft.Message, from raft.NodeID, fromInc uint64, sent time.Duration) {
	if t.q.len() == 0 {
		t.first = id
	}
	for t.first+uint64(t.q.len()) < id {
		t.q.push(call{done: true}) // an id never used for a call
	}
	c := t.q.pushSlot()
	c.req, c.from, c.fromInc, c.sent = *req, from, fromInc, sent
	c.answered, c.done = false, false
}

// get returns call id, or nil when it is not waiting any more.
func (t *callTable) get(id uint64) *call {
	if id < t.first || id-t.first >= uint64(t.q.len()) {
		return nil
	}
	if c := t.q.at(int(id - t.first)); !c.done {
		return c
	}
	return nil
}

// remove forgets call c (a pointer get returned).
func (t *callTable) remove(c *call) {
	c.done = true
	dropRefs(&c.req)
	k := 0
	for k < t.q.len() && t.q.at(k).done {
		k++
	}
	t.q.popFront(k)
	t.first += uint64(k)
}

func (t *callTable) clone() callTable { return callTable{q: t.q.clone(), first: t.first} }
