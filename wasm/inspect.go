package main

// Methods that step the world one event, make client calls by hand, take
// a snapshot, write a note, and look inside a node (its log and its KV
// store). Answers that could grow with the run are cut to stated sizes.

import (
	"errors"
	"fmt"
	"slices"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// Limits of the answers and arguments of these methods.
const (
	// MaxLogEntries bounds the entries log answers; DefaultLogEntries is
	// how many it answers when not told.
	MaxLogEntries     = 1000
	DefaultLogEntries = 100
	// MaxClientBytes bounds a hand call's key and value (the world's own
	// limit).
	MaxClientBytes = 1 << 10
	// MaxNoteBytes bounds a note's text, so that the run still writes as
	// a scenario (whose lines have at most 4096 bytes).
	MaxNoteBytes = 1 << 10
	// MaxKVKeys bounds the keys kv answers and MaxKVValue the bytes of
	// each value (longer ones are cut, marked with "…").
	MaxKVKeys  = 1000
	MaxKVValue = 4 << 10
)

// stepAnswer is what step answers.
type stepAnswer struct {
	// Stepped is false when no event was pending (or a violation stopped
	// the run).
	Stepped bool `json:"stepped"`
	// Now is the virtual time after the step.
	Now int64 `json:"now_ns"`
	// Handled counts the events handled since time zero.
	Handled uint64 `json:"handled"`
	// Next is when the next event is due; nil when none is pending.
	Next *int64 `json:"next_ns"`
}

// step handles the next event of the world.
func step(_ *Registry, c *cluster, _ []any) (any, error) {
	a := stepAnswer{Stepped: c.w.Step(), Now: int64(c.w.Now()), Handled: c.w.Handled()}
	if at, ok := c.w.NextEventAt(); ok {
		next := int64(at)
		a.Next = &next
	}
	return a, nil
}

// clientOptions are the keys of a hand call's options.
var clientOptions = []string{"via"}

// clientCall makes the method of one kind of hand call: put and append
// take a key and a value, get a key only; each takes {via: node} last.
//
//go:noinline
func clientCall(op string) handler {
	return func(r *Registry, c *cluster, args []any) (any, error) {
		key, err := stringArg("key", args[0], MaxClientBytes)
		if err != nil {
			return nil, err
		}
		if key == "" {
			return nil, errors.New("key must not be empty")
		}
		var value string
		if op != "get" {
			if value, err = stringArg("value", args[1], MaxClientBytes); err != nil {
				return nil, err
			}
			args = args[1:]
		}
		opts, err := optionsArg("opts", args[1], clientOptions, "{via: 2}")
		if err != nil {
			return nil, err
		}
		via := raft.None
		if v, set := opts["via"]; set {
			if via, err = nodeArg("opts.via", v, c.w.Options().Nodes); err != nil {
				return nil, err
			}
		}
		if err := r.allow(c, len(key)+len(value)); err != nil {
			return nil, err
		}
		var id sim.ClientCall
		switch op {
		case "put":
			id, err = c.w.Put(via, key, value)
		case "append":
			id, err = c.w.Append(via, key, value)
		default:
			id, err = c.w.Get(via, key)
		}
		if err != nil {
			return nil, err
		}
		r.spend(c, len(key)+len(value))
		return uint64(id), nil
	}
}

// call answers the history entry of a hand call.
func call(_ *Registry, c *cluster, args []any) (any, error) {
	id, err := intArg("call", args[0], 1, maxSafeInteger)
	if err != nil {
		return nil, err
	}
	op, ok := c.w.Call(sim.ClientCall(id))
	if !ok {
		return nil, fmt.Errorf("no client call %d", id)
	}
	return op, nil
}

// logAnswer is what log answers: the last entries of a node's log.
type logAnswer struct {
	// Total counts the entries the node holds after its snapshot.
	Total int `json:"total"`
	// Entries are the last of them, oldest first.
	Entries []sim.LogEntry `json:"entries"`
}

// nodeLog answers the last entries of a node's log (args: node, last).
func nodeLog(_ *Registry, c *cluster, args []any) (any, error) {
	node, err := nodeArg("node", args[0], c.w.Options().Nodes)
	if err != nil {
		return nil, err
	}
	last := DefaultLogEntries
	if _, undef := args[1].(Undefined); !undef {
		if last, err = intArg("last", args[1], 0, MaxLogEntries); err != nil {
			return nil, err
		}
	}
	entries, err := c.w.Log(node)
	if err != nil {
		return nil, err
	}
	return logAnswer{Total: len(entries), Entries: nonNil(entries[max(0, len(entries)-last):])}, nil
}

// kvAnswer is what kv answers.
type kvAnswer struct {
	// Total counts the node's keys.
	Total int `json:"total"`
	// Data holds the first MaxKVKeys keys in byte order, each value cut
	// to MaxKVValue bytes.
	Data map[string]string `json:"data"`
}

// nodeKV answers a node's key-value store.
func nodeKV(_ *Registry, c *cluster, args []any) (any, error) {
	node, err := nodeArg("node", args[0], c.w.Options().Nodes)
	if err != nil {
		return nil, err
	}
	store, err := c.w.KV(node)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(store))
	for k := range store {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := kvAnswer{Total: len(keys), Data: make(map[string]string, min(len(keys), MaxKVKeys))}
	for _, k := range keys[:min(len(keys), MaxKVKeys)] {
		out.Data[k] = truncate(store[k], MaxKVValue)
	}
	return out, nil
}

// note writes a text into the trace in a node's name (args: node, text).
func note(r *Registry, c *cluster, args []any) (any, error) {
	node, err := nodeArg("node", args[0], c.w.Options().Nodes)
	if err != nil {
		return nil, err
	}
	text, err := stringArg("text", args[1], MaxNoteBytes)
	if err != nil {
		return nil, err
	}
	if err := r.allow(c, len(text)); err != nil {
		return nil, err
	}
	c.w.Note(node, text)
	r.spend(c, len(text))
	return nil, nil
}
