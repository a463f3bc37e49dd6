package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// EventKind classifies a trace event.
type EventKind uint8

// The kinds of trace events.
const (
	EvWorld EventKind = iota // the world was made
	EvSend
	EvDeliver
	EvDrop
	EvDuplicate
	EvRPCError
	EvPersist
	EvApply
	EvRole
	EvReplicator
	EvTimer
	EvFault
	EvClient
	EvError
	EvViolation
)

var eventKindNames = [...]string{
	EvWorld:      "world",
	EvDuplicate:  "duplicate",
	EvApply:      "apply",
	EvViolation:  "violation",
	EvReplicator: "replicator",
	EvTimer:      "timer",
	EvSend:       "send",
	EvDeliver:    "deliver",
	EvDrop:       "drop",
	EvRPCError:   "rpc-error",
	EvPersist:    "persist",
	EvRole:       "role",
	EvFault:      "fault",
	EvClient:     "client",
	EvError:      "error",
}

func (k EventKind) String() string {
	if int(k) < len(eventKindNames) {
		return eventKindNames[k]
	}
	return fmt.Sprintf("EventKind(%d)", uint8(k))
}

// MarshalText makes event kinds readable in JSON.
func (k EventKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// TraceEvent is one thing that happened.
type TraceEvent struct {
	// N numbers events from 1 in the order they happened.
	N    uint64        `json:"n"`
	At   time.Duration `json:"at_ns"`
	Kind EventKind     `json:"kind"`
	Node raft.NodeID   `json:"node"`
	Text string        `json:"text"`
}

func (e TraceEvent) String() string {
	return fmt.Sprintf("%d %v n%d %s %s", e.N, e.At, e.Node, e.Kind, e.Text)
}

// traceKeep is how many recent events a Trace keeps.
const traceKeep = 256

// Trace keeps the most recent events of a run and counts all of them;
// with a sink it also writes every event as one JSON line. Texts are
// formatted only when read.
type Trace struct {
	n      uint64
	recent []lazyEvent // ring buffer of the last traceKeep events
	sink   io.Writer
	err    error // the first error writing to sink
}

// SetSink makes the trace write every later event to sink as a JSON line.
func (t *Trace) SetSink(sink io.Writer) { t.sink = sink }

// Err is the first error the sink returned.
func (t *Trace) Err() error { return t.err }

// lazyEvent is a trace event whose text is not formatted yet.
type lazyEvent struct {
	ev     TraceEvent
	format string
	args   []any
}

func (e *lazyEvent) event() TraceEvent {
	ev := e.ev
	ev.Text = fmt.Sprintf(e.format, e.args...)
	return ev
}

func newTrace() *Trace { return &Trace{recent: make([]lazyEvent, 0, traceKeep)} }

func (t *Trace) add(at time.Duration, kind EventKind, node raft.NodeID, format string, args []any) {
	t.n++
	le := lazyEvent{ev: TraceEvent{N: t.n, At: at, Kind: kind, Node: node}, format: format, args: args}
	if t.sink != nil && t.err == nil {
		b, _ := json.Marshal(le.event()) // cannot fail: plain fields
		_, t.err = t.sink.Write(append(b, '\n'))
	}
	if len(t.recent) < traceKeep {
		t.recent = append(t.recent, le)
		return
	}
	t.recent[(t.n-1)%traceKeep] = le
}

// Len is the number of events so far.
func (t *Trace) Len() uint64 { return t.n }

// Recent returns up to max of the latest events, oldest first.
func (t *Trace) Recent(max int) []TraceEvent {
	k := min(max, len(t.recent))
	out := make([]TraceEvent, 0, k)
	for i := t.n - uint64(k); i < t.n; i++ {
		out = append(out, t.recent[i%traceKeep].event())
	}
	return out
}
