package main

// Events for subscribers. While a cluster is watched, its trace writes every
// event to an eventLog, which keeps the ones subscribers are told about
// (role changes, faults, violations) until the loader drains them with the
// events method after each call; commits are found by comparing commit
// indexes after each call. The loader (static/raft-playground.js) turns
// them into calls of the listeners.

import (
	"bytes"
	"fmt"

	"github.com/raftplayground/raftplayground/internal/jsonvalue"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// MaxPendingEvents bounds the events kept between two drains; older ones
// are dropped and counted.
const MaxPendingEvents = 10_000

// Event is one thing subscribers are told. Kind is "role", "fault" or
// "violation" (a trace event: N, Text) or "commit" (Index).
type Event struct {
	// Kind is "role", "fault", "violation" or "commit".
	Kind string `json:"kind"`
	// N is the trace event's number; 0 for a commit.
	N uint64 `json:"n,omitempty"`
	// At is the virtual time of the event, or for a commit the time the
	// call that saw it ended.
	At int64 `json:"at_ns"`
	// Node is the node concerned (0 for none).
	Node uint64 `json:"node"`
	// Text is the trace event's text, cut to MaxTraceText bytes.
	Text string `json:"text,omitempty"`
	// Index is a commit's new commit index.
	Index uint64 `json:"index,omitempty"`
}

// Drained is what the events method answers.
type Drained struct {
	// Events are the events since the last drain, oldest first.
	Events []Event `json:"events"`
	// Missed counts the events dropped since the last drain because more
	// than MaxPendingEvents came.
	Missed int `json:"missed"`
}

// eventLog collects a watched cluster's events.
type eventLog struct {
	// pending holds at most MaxPendingEvents events, oldest first.
	pending []Event
	// missed counts the events dropped from pending since the last drain.
	missed int
	// commits is each node's commit index when last looked at (index
	// node-1).
	commits []uint64
}

// watchedKinds are the trace event kinds subscribers are told about.
var watchedKinds = [][]byte{[]byte(`"kind":"role"`), []byte(`"kind":"fault"`), []byte(`"kind":"violation"`)}

// Write takes one trace event as a JSON line (Trace.SetSink). It never
// fails: a line it cannot read is skipped.
func (l *eventLog) Write(line []byte) (int, error) {
	watched := false
	for _, k := range watchedKinds {
		watched = watched || bytes.Contains(line, k)
	}
	if !watched {
		return len(line), nil
	}
	ev, err := readEvent(line)
	if err != nil {
		return len(line), nil
	}
	ev.Text = truncate(ev.Text, MaxTraceText)
	l.add(ev)
	return len(line), nil
}

// readEvent reads a trace event's JSON line into an Event, whose fields
// have the same names, as encoding/json's Unmarshal would
// (internal/jsonvalue says why it is not used).
func readEvent(line []byte) (Event, error) {
	v, err := jsonvalue.Parse(line)
	if err != nil {
		return Event{}, err
	}
	m, ok := v.(map[string]any)
	if !ok && v != nil {
		return Event{}, fmt.Errorf("a trace event is %T, not an object", v)
	}
	var r jsonvalue.Reader
	ev := Event{
		Kind:  r.String(m, "kind"),
		N:     r.Uint(m, "n", false),
		At:    r.Int(m, "at_ns"),
		Node:  r.Uint(m, "node", false),
		Text:  r.String(m, "text"),
		Index: r.Uint(m, "index", false),
	}
	return ev, r.Err
}

// add queues an event, dropping the oldest when full.
func (l *eventLog) add(ev Event) {
	if len(l.pending) == MaxPendingEvents {
		l.pending = append(l.pending[:0], l.pending[1:]...)
		l.missed++
	}
	l.pending = append(l.pending, ev)
}

// noteCommits queues a commit event for every running node whose commit
// index rose since the last look.
func (l *eventLog) noteCommits(w *sim.World) {
	st := w.Status()
	if l.commits == nil {
		l.commits = make([]uint64, len(st.Nodes))
	}
	for i, n := range st.Nodes {
		if i < len(l.commits) && n.Up && n.CommitIndex > l.commits[i] {
			l.add(Event{Kind: "commit", At: int64(st.Now), Node: uint64(n.ID), Index: n.CommitIndex})
		}
		if i < len(l.commits) && n.Up {
			l.commits[i] = n.CommitIndex
		}
	}
}

// watch turns a cluster's events on or off; it answers whether they were on.
func watch(_ *Registry, c *cluster, args []any) (any, error) {
	on, err := boolArg("on", args[0])
	if err != nil {
		return nil, err
	}
	was := c.events != nil
	switch {
	case on && !was:
		c.events = &eventLog{}
		c.events.noteCommits(c.w) // commits so far are not news
		c.events.pending = nil
		c.w.Trace().SetSink(c.events)
	case !on && was:
		c.events = nil
		c.w.Trace().SetSink(nil)
	}
	return was, nil
}

// events drains the events collected since the last call.
func events(_ *Registry, c *cluster, _ []any) (any, error) {
	if c.events == nil {
		return nil, fmt.Errorf("cluster is not watched; call watch(id, true) first")
	}
	d := Drained{Events: c.events.pending, Missed: c.events.missed}
	if d.Events == nil {
		d.Events = []Event{}
	}
	c.events.pending, c.events.missed = nil, 0
	return d, nil
}
