package sim

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestStartSinkWritesTheWholeTrace: a sink started after the world traced
// its start gets every event from the first, in order, once, as the JSON
// lines cmd/scenario -trace writes and the API's trace digest hashes.
func TestStartSinkWritesTheWholeTrace(t *testing.T) {
	w, err := New(DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	w.RunFor(20 * time.Millisecond)
	if w.Trace().Len() == 0 {
		t.Fatal("the world traced nothing in 20 ms: the test would start the sink at event 1")
	}
	var out bytes.Buffer
	if err := w.Trace().StartSink(&out); err != nil {
		t.Fatal(err)
	}
	w.RunFor(2 * time.Second)
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if uint64(len(lines)) != w.Trace().Len() {
		t.Fatalf("the sink got %d lines for %d events", len(lines), w.Trace().Len())
	}
	for i, line := range lines {
		var ev struct {
			N uint64 `json:"n"`
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if ev.N != uint64(i+1) {
			t.Fatalf("line %d holds event %d", i+1, ev.N)
		}
	}
}

// TestStartSinkTooLate: once more events have passed than the trace keeps,
// the first ones are gone and StartSink says so rather than write a trace
// that lacks them.
func TestStartSinkTooLate(t *testing.T) {
	w, err := New(DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	for w.Trace().Len() <= traceKeep {
		w.RunFor(100 * time.Millisecond)
	}
	var out bytes.Buffer
	err = w.Trace().StartSink(&out)
	if err == nil || !strings.Contains(err.Error(), "more than the 256 it keeps") || out.Len() != 0 {
		t.Fatalf("StartSink after %d events: %v, %d bytes written", w.Trace().Len(), err, out.Len())
	}
}
