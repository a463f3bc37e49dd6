package sim

import (
	"fmt"
	"math"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/raftplayground/raftplayground/raft/kv"
)

// kvInput and kvOutput are what porcupine sees of a call.
type kvInput struct {
	Op    kv.Op
	Key   string
	Value string
}

type kvOutput struct {
	Value string
}

// KVModel is the sequential specification of the KV store, partitioned by
// key (each key is an independent register).
var KVModel = porcupine.Model{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[string]int{}
		var parts [][]porcupine.Operation
		for _, op := range history {
			k := op.Input.(kvInput).Key
			i, ok := byKey[k]
			if !ok {
				i = len(parts)
				byKey[k] = i
				parts = append(parts, nil)
			}
			parts[i] = append(parts[i], op)
		}
		return parts
	},
	Init: func() any { return "" },
	// Equal and Hash key porcupine's cache of states it has seen for each
	// set of linearized calls. Without Hash every state of one set shares
	// a bucket searched one by one: appends to one key make a state for
	// every order of the concurrent ones, and seed 20224's 3,160 calls on
	// one key (eight clients) took porcupine over 3 minutes instead of 0.2
	// s. The answer is the same either way: Hash only picks the bucket.
	Equal: func(a, b any) bool { return a.(string) == b.(string) },
	Hash:  func(state any) uint64 { return hashString(state.(string)) },
	Step: func(state, input, output any) (bool, any) {
		s, in, out := state.(string), input.(kvInput), output.(kvOutput)
		switch in.Op {
		case kv.OpGet:
			return out.Value == s, s
		case kv.OpPut:
			return true, in.Value
		default:
			return true, s + in.Value
		}
	},
	DescribeOperation: func(input, output any) string {
		in, out := input.(kvInput), output.(kvOutput)
		if in.Op == kv.OpGet {
			return fmt.Sprintf("get(%s) -> %q", in.Key, out.Value)
		}
		return fmt.Sprintf("%s(%s, %q)", in.Op, in.Key, in.Value)
	},
}

// hashString is 64-bit FNV-1a, without hash/fnv's allocation per call.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// LinearizabilityError reports a history that no sequential order explains.
type LinearizabilityError struct {
	Seed uint64
	// Visualization is the HTML porcupine drew, when asked for.
	Visualization []byte
	info          porcupine.LinearizationInfo
}

func (e *LinearizabilityError) Error() string {
	return fmt.Sprintf("linearizability: the client history of seed %d is not linearizable", e.Seed)
}

// WriteVisualization writes porcupine's HTML visualization to path.
func (e *LinearizabilityError) WriteVisualization(path string) error {
	return porcupine.VisualizePath(KVModel, e.info, path)
}

// CheckLinearizability checks the client history with porcupine. Writes
// without an answer may or may not have happened: they are given a return
// time after everything else. Reads without an answer are left out.
func (w *World) CheckLinearizability(timeout time.Duration) error {
	res, info := porcupine.CheckOperationsVerbose(KVModel, w.porcupineOps(), timeout)
	switch res {
	case porcupine.Ok:
		return nil
	case porcupine.Unknown:
		return fmt.Errorf("linearizability: the check of seed %d timed out after %v", w.opts.Seed, timeout)
	}
	return &LinearizabilityError{Seed: w.opts.Seed, info: info}
}

// porcupineOps is the client history as porcupine sees it: writes without
// an answer return after everything else, reads without one are left out.
func (w *World) porcupineOps() []porcupine.Operation {
	var ops []porcupine.Operation
	for _, h := range w.History() {
		if !h.Done && h.Op == kv.OpGet {
			continue
		}
		ret := int64(h.Return)
		if !h.Done {
			ret = math.MaxInt64
		}
		out := kvOutput{}
		if h.Op == kv.OpGet {
			out.Value = h.Value
		}
		ops = append(ops, porcupine.Operation{
			ClientId: int(h.Client - 1),
			Input:    kvInput{Op: h.Op, Key: h.Key, Value: h.Value},
			Call:     int64(h.Call),
			Output:   out,
			Return:   ret,
		})
	}
	return ops
}
