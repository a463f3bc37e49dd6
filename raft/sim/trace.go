package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"math/bits"
	"slices"
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
	n uint64
	// recent is a ring of traceKeep slots: event number k is in slot
	// (k-1)%traceKeep. It holds events first+1..n, the last traceKeep of
	// them at most (held). A trace copied for a checkpoint keeps no recent
	// events (first = n, recent nil until the next event): the ring would
	// cost a checkpoint more than anything else it copies, and Seek
	// refills it by replaying from an earlier checkpoint when the events
	// after the one it starts from do not.
	recent []lazyEvent
	first  uint64
	// notable is a ring of notableKeep slots (nil until the first notable
	// event, see Notable): notable event number k, counted from 0, is in
	// slot k%notableKeep. It holds events notableFrom..nnotable-1, the
	// last notableKeep of them at most (heldNotable); nnotable counts
	// them all. A trace copied for a checkpoint keeps the ring only when
	// the ring has not turned over since the previous checkpoint (see
	// World.checkpoint): else it starts empty, notableFrom = nnotable.
	notable     []lazyEvent
	nnotable    uint64
	notableFrom uint64
	sink        io.Writer
	err         error // the first error writing to sink
}

// SetSink makes the trace write every later event to sink as a JSON line.
func (t *Trace) SetSink(sink io.Writer) { t.sink = sink }

// Err is the first error the sink returned.
func (t *Trace) Err() error { return t.err }

// lazyEvent is a trace event whose text is not formatted yet: it keeps the
// format and its arguments as plain values, so recording an event copies a
// few words and allocates nothing; the text is made only when read.
//
// It is kept small (a world and each checkpoint hold a few hundred, and
// every event is written into one): the number arguments and, for an event
// about a message, the message's fields share one array of words (see
// packMsg), and the string arguments sit beside them, in order, with a bit
// per argument saying which it is.
type lazyEvent struct {
	// n numbers the event (TraceEvent.N); at is when it happened.
	n  uint64
	at time.Duration
	// format is the format of the event's text.
	format string
	// words holds the number arguments in order, then, when hasMsg, the
	// message's fields (msgWords of them).
	words [maxTraceArgs]uint64
	// The format's arguments, in order: nargs of them, the i-th a string
	// (the next of strs) when bit i of isStr is set, else the next word.
	strs [maxTraceStrs]string
	// boxed holds the arguments of a rare event recorded with recordf.
	boxed *[]any
	// node is the node the event is about (ids are 1..MaxNodes).
	node  uint16
	isStr uint16
	kind  EventKind
	nargs uint8
	// hasMsg: the event is about a message, formatted after the args.
	hasMsg bool
}

// maxTraceArgs is the most plain arguments an event carries, and
// maxTraceStrs the most strings among them.
const (
	maxTraceArgs = 9
	maxTraceStrs = 3
)

// traceArg is one argument of a trace event: a number or a string.
type traceArg struct {
	kind argKind
	n    uint64
	s    string
}

type argKind uint8

const (
	argNum argKind = iota
	argStr
)

// unsigned is any integer type a trace argument can hold. Every number in
// a trace is a count, an index, a term or an id, never negative.
type unsigned interface {
	~uint64 | ~int | ~uint8
}

// num is a number argument, formatted with %d.
func num[T unsigned](v T) traceArg { return traceArg{kind: argNum, n: uint64(v)} }

// str is a string argument.
func str(s string) traceArg { return traceArg{kind: argStr, s: s} }

// setArgs packs args into e and returns how many words they take.
func (e *lazyEvent) setArgs(args []traceArg) int {
	if len(args) > maxTraceArgs {
		panic(fmt.Sprintf("sim: trace event %q has %d arguments, at most %d fit", e.format, len(args), maxTraceArgs))
	}
	// Strings the slot's last event left beyond this one's are cleared
	// below, so that they are not kept alive; clearing only those (most
	// events have none) keeps the write barrier away from the rest.
	stale := bits.OnesCount16(e.isStr)
	e.nargs, e.isStr = uint8(len(args)), 0
	n, s := 0, 0
	for i, a := range args {
		if a.kind == argStr {
			if s == maxTraceStrs {
				panic(fmt.Sprintf("sim: trace event %q has more than %d string arguments", e.format, maxTraceStrs))
			}
			e.strs[s], e.isStr = a.s, e.isStr|1<<i
			s++
		} else {
			e.words[n] = a.n
			n++
		}
	}
	if stale > s {
		clear(e.strs[s:stale])
	}
	return n
}

func (e *lazyEvent) event() TraceEvent {
	r := e.record()
	args := r.Args
	if r.Msg != nil {
		args = append(args, *r.Msg)
	}
	r.Text = fmt.Sprintf(e.format, args...)
	return r.TraceEvent
}

// Record is a trace event as it was recorded: the format of its text and
// the values that fill it, so that a reader can phrase the event its own
// way (the Format* constants name the formats worth telling apart).
type Record struct {
	// TraceEvent is the event; its Text is left empty.
	TraceEvent
	// Format is the format of the event's text.
	Format string
	// Args are the format's arguments but the message: each a uint64 or
	// a string, or for a rare event any value.
	Args []any
	// Msg is the message the event is about (its entries empty, only
	// their number kept), or nil.
	Msg *raft.Message
}

// record is the event as a Record.
func (e *lazyEvent) record() Record {
	r := Record{TraceEvent: TraceEvent{N: e.n, At: e.at, Kind: e.kind, Node: raft.NodeID(e.node)}, Format: e.format}
	if e.boxed != nil {
		r.Args = slices.Clip(*e.boxed)
	} else {
		r.Args = make([]any, 0, e.nargs)
		n, s := 0, 0
		for i := range e.nargs {
			if e.isStr&(1<<i) != 0 {
				r.Args = append(r.Args, e.strs[s])
				s++
			} else {
				r.Args = append(r.Args, e.words[n])
				n++
			}
		}
	}
	if e.hasMsg {
		m := unpackMsg(e.words[e.nargs-uint8(bits.OnesCount16(e.isStr)):])
		r.Msg = &m
	}
	return r
}

func newTrace() *Trace { return &Trace{} }

// held is the number of recent events the ring holds.
func (t *Trace) held() int { return int(min(t.n-t.first, traceKeep)) }

// heldNotable is the number of notable events the ring holds.
func (t *Trace) heldNotable() uint64 { return min(t.nnotable-t.notableFrom, notableKeep) }

// complete reports whether the rings hold the last traceKeep events and
// the last notableKeep notable events (or all of them, when there have
// been fewer).
func (t *Trace) complete() bool {
	return holdsLast(t.n, t.first, traceKeep) && holdsLast(t.nnotable, t.notableFrom, notableKeep)
}

// copyForCheckpoint returns a copy of t without its recent events (see
// recent) and without its sink; with its notable events when notable is
// set.
func (t *Trace) copyForCheckpoint(notable bool) *Trace {
	c := *t
	c.recent, c.first = nil, t.n
	if notable {
		c.notable = slices.Clone(t.notable)
	} else {
		c.notable, c.notableFrom = nil, t.nnotable
	}
	c.sink = nil
	return &c
}

// next makes room for the next event and returns it, filled in but for its
// format and arguments.
func (t *Trace) next(at time.Duration, kind EventKind, node raft.NodeID) *lazyEvent {
	t.n++
	if t.recent == nil {
		t.recent = make([]lazyEvent, traceKeep)
	}
	le := &t.recent[(t.n-1)%traceKeep]
	le.n, le.at, le.kind, le.node = t.n, at, kind, uint16(node)
	le.hasMsg, le.boxed = false, nil
	return le
}

// add records an event whose text is format applied to args.
func (t *Trace) add(at time.Duration, kind EventKind, node raft.NodeID, format string, args []traceArg) {
	le := t.next(at, kind, node)
	le.format = format
	le.setArgs(args)
	t.written(le)
}

// addMsg records an event about message m: format applied to args, then m.
func (t *Trace) addMsg(at time.Duration, kind EventKind, node raft.NodeID, format string, m *raft.Message, args ...traceArg) {
	le := t.next(at, kind, node)
	le.format = format
	n := le.setArgs(args)
	if n+msgWords > len(le.words) {
		panic(fmt.Sprintf("sim: trace event %q about a message has %d number arguments, at most %d fit", format, n, len(le.words)-msgWords))
	}
	packMsg((*[msgWords]uint64)(le.words[n:]), m)
	le.hasMsg = true
	t.written(le)
}

// addMsgID is addMsg for the most common shape, a message and its id
// (format "#%d %s" and the like): every message is sent and delivered
// with one, so it skips setArgs' loop over the arguments.
func (t *Trace) addMsgID(at time.Duration, kind EventKind, node raft.NodeID, format string, m *raft.Message, id MsgID) {
	le := t.next(at, kind, node)
	le.format = format
	if le.isStr != 0 {
		clear(le.strs[:bits.OnesCount16(le.isStr)]) // as setArgs does
	}
	le.nargs, le.isStr = 1, 0
	le.words[0] = uint64(id)
	packMsg((*[msgWords]uint64)(le.words[1:]), m)
	le.hasMsg = true
	t.written(le)
}

// addBoxed records a rare event whose arguments are any values.
func (t *Trace) addBoxed(at time.Duration, kind EventKind, node raft.NodeID, format string, args []any) {
	le := t.next(at, kind, node)
	if args == nil {
		args = []any{}
	}
	clear(le.strs[:bits.OnesCount16(le.isStr)])
	le.format, le.nargs, le.isStr, le.boxed = format, 0, 0, &args
	t.written(le)
}

// notableKeep is how many notable events a Trace keeps.
const notableKeep = 128

// Notable reports whether events of kind k are kept among the notable
// ones: what a person watching the cluster wants listed (roles, faults,
// client calls, replicator transitions and repairs, errors, violations),
// not every message and timer.
func Notable(k EventKind) bool { return uint64(notableKinds)>>k&1 != 0 }

// notableKinds has bit k set for each notable kind k (a bit test is
// cheaper than a switch, and leaves room to inline written).
const notableKinds = 1<<EvRole | 1<<EvFault | 1<<EvClient | 1<<EvReplicator | 1<<EvError | 1<<EvViolation

// Notable returns up to max of the latest notable events, oldest first.
func (t *Trace) Notable(max int) []TraceEvent {
	k := min(uint64(max), t.heldNotable())
	out := make([]TraceEvent, 0, k)
	for i := t.nnotable - k; i < t.nnotable; i++ {
		out = append(out, t.notable[i%notableKeep].event())
	}
	return out
}

// NotableRecords is Notable as records: up to max of the latest notable
// events, oldest first.
func (t *Trace) NotableRecords(max int) []Record {
	k := min(uint64(max), t.heldNotable())
	out := make([]Record, 0, k)
	for i := t.nnotable - k; i < t.nnotable; i++ {
		out = append(out, t.notable[i%notableKeep].record())
	}
	return out
}

// RecentRecords is Recent as records: up to max of the latest events,
// oldest first.
func (t *Trace) RecentRecords(max int) []Record {
	k := min(max, t.held())
	out := make([]Record, 0, k)
	for i := t.n - uint64(k); i < t.n; i++ {
		out = append(out, t.recent[i%traceKeep].record())
	}
	return out
}

// written keeps a new event among the notable ones if it is, and writes it
// to the sink, if there is one. It is small enough to be inlined: most
// events are neither notable nor written anywhere.
func (t *Trace) written(le *lazyEvent) {
	if t.sink != nil || Notable(le.kind) {
		t.keep(le)
	}
}

// keep is written for an event that is notable or goes to a sink.
func (t *Trace) keep(le *lazyEvent) {
	if Notable(le.kind) {
		if t.notable == nil {
			t.notable = make([]lazyEvent, notableKeep)
		}
		t.notable[t.nnotable%notableKeep] = *le
		t.nnotable++
	}
	if t.sink != nil && t.err == nil {
		b, _ := json.Marshal(le.event()) // cannot fail: plain fields
		_, t.err = t.sink.Write(append(b, '\n'))
	}
}

// Len is the number of events so far.
func (t *Trace) Len() uint64 { return t.n }

// Recent returns up to max of the latest events, oldest first.
func (t *Trace) Recent(max int) []TraceEvent {
	k := min(max, t.held())
	out := make([]TraceEvent, 0, k)
	for i := t.n - uint64(k); i < t.n; i++ {
		out = append(out, t.recent[i%traceKeep].event())
	}
	return out
}

// msgWords is how many words of lazyEvent.words a message takes.
const msgWords = 8

// packMsg keeps what a trace shows of message m (raft.Message.String) in
// words: its numbers, not its entries, only how many there are, so an
// event holds no pointer into a log. Node ids are 1..MaxNodes (or None),
// so three fit in one word.
func packMsg(w *[msgWords]uint64, m *raft.Message) {
	flags := uint64(m.Type)
	if m.Heartbeat {
		flags |= 1 << 8
	}
	if m.Success {
		flags |= 1 << 9
	}
	// Word by word: an array literal was built aside and then copied.
	w[0] = uint64(m.From) | uint64(m.To)<<16 | uint64(m.TransferFrom)<<32 | flags<<48
	w[1], w[2], w[3], w[4] = uint64(len(m.Entries)), m.Term, m.Index, m.LogTerm
	w[5], w[6], w[7] = m.Commit, m.Seq, m.LastLogIndex
}

// unpackMsg rebuilds a message packed by packMsg, as far as its text goes
// (its entries are empty ones: only their number shows).
func unpackMsg(w []uint64) raft.Message {
	ids, flags := w[0], w[0]>>48
	return raft.Message{From: raft.NodeID(ids & 0xffff), To: raft.NodeID(ids >> 16 & 0xffff), TransferFrom: raft.NodeID(ids >> 32 & 0xffff),
		Type: raft.MsgType(flags & 0xff), Heartbeat: flags&(1<<8) != 0, Success: flags&(1<<9) != 0,
		Entries: make([]raft.Entry, w[1]), Term: w[2], Index: w[3], LogTerm: w[4], Commit: w[5], Seq: w[6], LastLogIndex: w[7]}
}
