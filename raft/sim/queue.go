package sim

import (
	"container/heap"
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

// event is something due at a virtual time.
type event struct {
	at   time.Duration
	seq  uint64 // set by schedule; breaks ties in scheduling order
	kind eventKind
	node raft.NodeID // evTick, evSync
	inc  uint64      // incarnation of node when scheduled (evTick, evSync)
	msg  MsgID       // evDeliver
	call uint64      // evRPCTimeout
	// evClient: the client and its timer generation.
	client int
	gen    uint64
}

// eventQueue is a min-heap by (at, seq).
type eventQueue []event

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(i, j int) bool {
	if q[i].at != q[j].at {
		return q[i].at < q[j].at
	}
	return q[i].seq < q[j].seq
}
func (q eventQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)   { *q = append(*q, x.(event)) }
func (q *eventQueue) Pop() any {
	old := *q
	ev := old[len(old)-1]
	*q = old[:len(old)-1]
	return ev
}

func (w *World) schedule(ev event) {
	w.seq++
	ev.seq = w.seq
	heap.Push(&w.queue, ev)
}

func (q *eventQueue) pop() event { return heap.Pop(q).(event) }
