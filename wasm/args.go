package main

// Arguments as the registry sees them: plain Go values decoded from
// JavaScript by api.go, the readers that check them, and describe, which
// names a value in an error message the way a JavaScript programmer would.

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/raftplayground/raftplayground/raft"
)

// Limits on what api.go copies out of JavaScript. They are checked before a
// value is copied, so a hostile argument costs no more than these.
const (
	// MaxStringUnits bounds a string argument, in UTF-16 code units (what
	// JavaScript's length counts). Longer strings are described, not copied.
	MaxStringUnits = MaxCommandBytes
	// MaxKeys bounds how many own enumerable keys an object argument may
	// have; no method takes more than a dozen.
	MaxKeys = 32
	// MaxKeyUnits bounds the length of an object key.
	MaxKeyUnits = 64
	// MaxElements bounds an array argument's length.
	MaxElements = 64
	// MaxDepth is how many levels of objects and arrays are opened: a
	// partition's groups are an array of arrays. Deeper ones are described.
	MaxDepth = 2
)

// Undefined stands for JavaScript's undefined, which is also what a missing
// argument reads as. JavaScript's null is Go's nil.
type Undefined struct{}

// Opaque stands for a JavaScript value the API never accepts (a function, a
// symbol, a bigint, an object nested too deep, a string too long to copy);
// it holds how to describe the value in an error message, e.g. "a function".
type Opaque string

// LongString stands for a string longer than MaxStringUnits, which is never
// copied; it holds the string's length in UTF-16 code units.
type LongString int

// intArg reads an integer in [lo, hi].
func intArg(name string, arg any, lo, hi int) (int, error) {
	f, ok := arg.(float64)
	if !ok || f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		return 0, fmt.Errorf("%s must be an integer between %d and %d, got %s", name, lo, hi, describe(arg))
	}
	return int(f), nil
}

// msArg reads a duration given in (fractional) milliseconds, between 0 and
// max.
func msArg(name string, arg any, max time.Duration) (time.Duration, error) {
	return msRangeArg(name, arg, 0, max)
}

// msRangeArg reads a number of milliseconds in [min, max], and says the
// whole range when it is not (not 0 as the bottom of a range that starts
// higher, as a check after msArg would).
func msRangeArg(name string, arg any, min, max time.Duration) (time.Duration, error) {
	ms, ok := arg.(float64)
	if !ok || math.IsNaN(ms) || ms < millis(min) || ms > millis(max) {
		return 0, fmt.Errorf("%s must be a number of milliseconds between %v and %v, got %s",
			name, millis(min), millis(max), describe(arg))
	}
	return time.Duration(math.Round(ms * float64(time.Millisecond))), nil
}

// probArg reads a probability.
func probArg(name string, arg any) (float64, error) {
	p, ok := arg.(float64)
	if !ok || !(p >= 0 && p <= 1) {
		return 0, fmt.Errorf("%s must be a probability between 0 and 1, got %s", name, describe(arg))
	}
	return p, nil
}

// boolArg reads a boolean.
func boolArg(name string, arg any) (bool, error) {
	b, ok := arg.(bool)
	if !ok {
		return false, fmt.Errorf("%s must be true or false, got %s", name, describe(arg))
	}
	return b, nil
}

// stringArg reads a string of at most max bytes (UTF-8).
func stringArg(name string, arg any, max int) (string, error) {
	s, ok := arg.(string)
	if n, long := arg.(LongString); long {
		return "", fmt.Errorf("%s must be a string of at most %d bytes, got a string of %d characters", name, max, n)
	}
	if !ok {
		return "", fmt.Errorf("%s must be a string, got %s", name, describe(arg))
	}
	if len(s) > max {
		return "", fmt.Errorf("%s must be a string of at most %d bytes, got %d bytes", name, max, len(s))
	}
	return s, nil
}

// nodeArg reads the id of one of n nodes.
func nodeArg(name string, arg any, n int) (raft.NodeID, error) {
	id, err := intArg(name, arg, 1, n)
	return raft.NodeID(id), err
}

// nodesArg reads an array of distinct node ids (of n nodes).
func nodesArg(name string, arg any, n int) ([]raft.NodeID, error) {
	list, ok := arg.([]any)
	if !ok {
		return nil, fmt.Errorf("%s must be an array of node ids, got %s", name, describe(arg))
	}
	ids := make([]raft.NodeID, 0, len(list))
	for i, a := range list {
		id, err := nodeArg(fmt.Sprintf("%s[%d]", name, i), a, n)
		if err != nil {
			return nil, err
		}
		if slices.Contains(ids, id) {
			return nil, fmt.Errorf("%s names node %d twice", name, id)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// optionsArg reads an options object: undefined or null mean no options; an
// object's keys must be among known (its undefined members are left out,
// as JavaScript's defaults do). example shows a valid object in messages.
func optionsArg(name string, arg any, known []string, example string) (map[string]any, error) {
	switch arg := arg.(type) {
	case Undefined, nil:
		return nil, nil
	case map[string]any:
		out := make(map[string]any, len(arg))
		for _, k := range slices.Sorted(maps.Keys(arg)) {
			if !slices.Contains(known, k) {
				return nil, fmt.Errorf("%s has an unknown key %s (keys are %s)", name, describe(k), strings.Join(known, ", "))
			}
			if _, undef := arg[k].(Undefined); !undef {
				out[k] = arg[k]
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s must be an object like %s, got %s", name, example, describe(arg))
}

// millis converts a duration to (fractional) milliseconds.
func millis(d time.Duration) float64 {
	return float64(d) / float64(time.Millisecond)
}

// describe writes a decoded JavaScript value the way a JavaScript programmer
// would recognise it in an error message.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case Undefined:
		return "undefined"
	case bool:
		return strconv.FormatBool(v)
	case float64:
		switch {
		case math.IsNaN(v):
			return "NaN"
		case math.IsInf(v, 1):
			return "Infinity"
		case math.IsInf(v, -1):
			return "-Infinity"
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	case string:
		const max = 40 // runes shown of a long string
		if utf8.RuneCountInString(v) > max {
			return strconv.Quote(string([]rune(v)[:max])) + "…"
		}
		return strconv.Quote(v)
	case LongString:
		return fmt.Sprintf("a string of %d characters", int(v))
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case Opaque:
		return string(v)
	}
	return fmt.Sprintf("a %T", v)
}
