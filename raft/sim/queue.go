package sim

import (
	"cmp"
	"slices"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

type eventKind uint8

const (
	evTick eventKind = iota
	evDeliver
	evRPCTimeout
	evSync
	evClient
)

// event is something due at a virtual time. It is kept small (40 bytes)
// because the queue moves events on every push and pop.
type event struct {
	at  time.Duration
	seq uint64 // set by schedule; breaks ties in scheduling order
	// id names what the event is about: the message (evDeliver), the call
	// (evRPCTimeout) or the client's index (evClient).
	id uint64
	// gen is the node's incarnation when scheduled (evTick, evSync) or the
	// client's timer generation (evClient): an event of an older one is
	// stale and does nothing.
	gen  uint64
	node raft.NodeID // evTick, evSync
	kind eventKind
}

// before orders events by time, then by when they were scheduled. Seqs are
// unique, so this is a total order and the queue pops events in the same
// order whatever its shape.
func (e *event) before(o *event) bool {
	if e.at != o.at {
		return e.at < o.at
	}
	return e.seq < o.seq
}

// eventQueue holds the events that are neither timers nor FIFO timeouts,
// in one of two shapes (World.queueHeap says which). While it is short, as
// it is in a steady world (a few dozen deliveries), it is sorted earliest
// first: the next event is the first, a pop moves the slice's start on,
// and a push, usually the latest event (every delivery is due a link
// latency from now), goes at or near the end. That costs a small part of
// what a heap's pop and push did. Past queueSortedMax events (long
// latencies, held messages) inserting in order would cost more than a
// heap, so it becomes a min-heap of events by (at, seq), four children per
// node, and is sorted again once back at queueSortedMin. Seqs are unique,
// so (at, seq) is a total order and either shape pops the same events in
// the same order. It is typed, so pushing and popping allocate nothing
// once its array (World.queueBuf) is large enough.
type eventQueue []event

// queueArity is the number of children of each node of the heap.
const queueArity = 4

// The queue's lengths at which it turns into a heap and back: apart, so
// that a queue hovering around one length does not convert at every event.
const (
	queueSortedMax = 64
	queueSortedMin = 16
)

func (w *World) schedule(ev event) {
	w.seq++
	ev.seq = w.seq
	switch {
	case w.queueHeap:
		w.queue.push(ev)
		w.queueBuf = w.queue[:0]
	case len(w.queue) == queueSortedMax:
		// Sorted earliest first is a valid min-heap already.
		w.queueHeap = true
		w.queue.push(ev)
		w.queueBuf = w.queue[:0]
	default:
		w.insertSorted(ev)
	}
}

// queueNext returns the queue's next event; the queue must not be empty.
func (w *World) queueNext() *event { return &w.queue[0] }

// queuePop removes the queue's next event; the queue must not be empty.
func (w *World) queuePop() {
	if !w.queueHeap {
		w.queue = w.queue[1:]
		return
	}
	w.queue.pop()
	if len(w.queue) <= queueSortedMin {
		slices.SortFunc(w.queue, func(a, b event) int {
			if c := cmp.Compare(a.at, b.at); c != 0 {
				return c
			}
			return cmp.Compare(a.seq, b.seq)
		})
		w.queueHeap = false
	}
}

// insertSorted adds ev to the sorted queue, before the events due later
// than it (scheduled last, it is later than any other event due at the
// same time). The queue is a window onto the array queueBuf starts that
// pops move on: when the window reaches the array's end, it moves back to
// the start if at least half the array is free there, and the array grows
// otherwise.
func (w *World) insertSorted(ev event) {
	h := w.queue
	if len(h) == cap(h) && len(h) <= cap(w.queueBuf)/2 {
		h = w.queueBuf[:copy(w.queueBuf[:cap(w.queueBuf)], h)]
	}
	// ev's seq is the highest yet, so it goes after every event due when
	// it is: comparing times suffices. The events due later move up one
	// as they are passed (an insertion sort's step): most inserts pass
	// none or a few, for which a memmove's call cost more than the moves.
	c := cap(h)
	h = append(h, ev)
	if cap(h) != c {
		w.queueBuf = h[:0] // a new array
	}
	i := len(h) - 1
	for i > 0 && ev.at < h[i-1].at {
		h[i] = h[i-1]
		i--
	}
	h[i] = ev
	w.queue = h
}

// scheduleTimeout schedules the RPC timeout of call id at time at. Nearly
// every call times out RPCTimeout after it was sent, so those timeouts come
// due in the order they were scheduled: they wait in a FIFO beside the heap
// (w.timeouts), which keeps the heap a few dozen events deep instead of a
// thousand. Any other timeout goes into the heap.
func (w *World) scheduleTimeout(at time.Duration, id uint64) {
	ev := event{at: at, kind: evRPCTimeout, id: id}
	n := w.timeouts.len()
	if at != w.now+w.opts.RPCTimeout || (n > 0 && at < w.timeouts.at(n-1).at) {
		w.schedule(ev)
		return
	}
	w.seq++
	ev.seq = w.seq
	w.timeouts.push(ev)
}

// timerSlot is a timer that is set again and again: a node's tick or a
// client's timer (World.timers). Setting it replaces what was pending, so
// no stale event is ever queued for it. seq is 0 when nothing is pending.
type timerSlot struct {
	at  time.Duration
	seq uint64
}

// setTimer sets timer i (World.timers) to fire at time at, in the same
// (at, seq) order as an event scheduled now.
func (w *World) setTimer(i int, at time.Duration) {
	w.seq++
	w.timers.set(i, timerSlot{at: at, seq: w.seq})
}

// setTimerIfEarlier sets timer i to fire at time at unless it is due
// sooner.
func (w *World) setTimerIfEarlier(i int, at time.Duration) {
	w.seq++
	if slot := &w.timers.slots[i]; slot.seq == 0 || at < slot.at {
		w.timers.set(i, timerSlot{at: at, seq: w.seq})
	}
}

// stopTimer unsets timer i.
func (w *World) stopTimer(i int) { w.timers.set(i, timerSlot{}) }

func (t *timerSlot) before(ev *event) bool {
	return t.at < ev.at || (t.at == ev.at && t.seq < ev.seq)
}

// earlier reports whether t fires before o (both set).
func (t *timerSlot) earlier(o *timerSlot) bool {
	return t.at < o.at || (t.at == o.at && t.seq < o.seq)
}

// Where the next event waits: the heap, the timeout FIFO, a node's tick or
// a client's timer.
type eventSource uint8

const (
	fromHeap eventSource = iota
	fromTimeouts
	fromTick
	fromClient
)

// next returns the earliest pending event, where it waits (and which node
// or client, for a timer), without taking it; ok is false when nothing is
// pending.
func (w *World) next() (ev event, from eventSource, i int, ok bool) {
	p, from, i := w.peek()
	if p == nil {
		return event{}, from, 0, false
	}
	return *p, from, i, true
}

// peek is next without copying the event: it returns a pointer to it
// (nil when nothing is pending), valid until the queue, the timeout FIFO
// or a timer next changes. The event loop asks before every event, and
// passing the event up by value copied it twice. The timers (one per node
// and client) are not in the heap: their tree (World.timers) knows the
// earliest, which peek makes an event of in World.timerEvent.
func (w *World) peek() (ev *event, from eventSource, i int) {
	if len(w.queue) > 0 {
		ev, from = w.queueNext(), fromHeap
	}
	if w.timeouts.len() > 0 {
		if t := w.timeouts.at(0); ev == nil || t.before(ev) {
			ev, from = t, fromTimeouts
		}
	}
	// Make an event of the earliest timer only if it comes first.
	t, set := w.timers.earliest()
	if !set {
		return ev, from, 0
	}
	best := &w.timers.slots[t]
	if ev != nil && !best.before(ev) {
		return ev, from, 0
	}
	ev = &w.timerEvent
	*ev = event{at: best.at, seq: best.seq, kind: evTick}
	if t < len(w.nodes) {
		ev.node = w.nodes[t].id
		return ev, fromTick, t
	}
	ev.kind, ev.id = evClient, uint64(t-len(w.nodes))
	return ev, fromClient, t - len(w.nodes)
}

// take removes the event next returned (from, i).
func (w *World) take(from eventSource, i int) {
	switch from {
	case fromHeap:
		w.queuePop()
	case fromTimeouts:
		w.timeouts.popFront(1)
	case fromTick:
		w.stopTimer(tickTimer(w.nodes[i]))
	case fromClient:
		w.stopTimer(w.clientTimer(i))
	}
}

// nextAt returns when the next event is due; ok is false when nothing is
// pending.
func (w *World) nextAt() (at time.Duration, ok bool) {
	if ev, _, _ := w.peek(); ev != nil {
		return ev.at, true
	}
	return 0, false
}

// push adds ev, moving it up from the bottom to its place.
func (q *eventQueue) push(ev event) {
	*q = append(*q, ev)
	h := *q
	i := len(h) - 1
	for i > 0 {
		parent := (i - 1) / queueArity
		if !ev.before(&h[parent]) {
			break
		}
		h[i] = h[parent]
		i = parent
	}
	h[i] = ev
}

// pop removes and returns the earliest event; the queue must not be empty.
func (q *eventQueue) pop() event {
	h := *q
	top := h[0]
	last := h[len(h)-1]
	h = h[:len(h)-1]
	*q = h
	if len(h) == 0 {
		return top
	}
	// Move last down from the root into the hole left by top.
	i := 0
	for {
		first := i*queueArity + 1
		if first >= len(h) {
			break
		}
		least := first
		for c := first + 1; c < min(first+queueArity, len(h)); c++ {
			if h[c].before(&h[least]) {
				least = c
			}
		}
		if !h[least].before(&last) {
			break
		}
		h[i] = h[least]
		i = least
	}
	h[i] = last
	return top
}
