package main

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft/sim"
)

// readEvent reads a trace line as encoding/json's Unmarshal into an Event
// would.
func TestReadEvent(t *testing.T) {
	var lines [][]byte
	for _, ev := range []sim.TraceEvent{
		{N: 1, At: 0, Kind: sim.EvWorld, Node: 0, Text: "world"},
		{N: 1<<63 + 5, At: 90 * time.Minute, Kind: sim.EvRole, Node: 3, Text: `n3 became "leader" <term 2> & more ✓ ` + "\u2028\x01"},
		{N: 7, At: -1, Kind: sim.EvViolation, Node: 9, Text: ""},
	} {
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, b)
	}
	lines = append(lines, []byte(`{"kind":"commit","at_ns":5,"node":2,"index":18446744073709551615}`), []byte(`null`))
	for _, line := range lines {
		var want Event
		if err := json.Unmarshal(line, &want); err != nil {
			t.Fatal(err)
		}
		got, err := readEvent(line)
		if err != nil {
			t.Fatalf("readEvent(%s): %v", line, err)
		}
		if got != want {
			t.Errorf("readEvent(%s) = %+v, want %+v", line, got, want)
		}
	}
	for _, line := range []string{`[]`, `{"kind":1}`, `{"n":-1}`, `{"at_ns":1.5}`, `{"kind":"role"`} {
		if _, err := readEvent([]byte(line)); err == nil {
			t.Errorf("readEvent(%s): no error", line)
		}
	}
}
