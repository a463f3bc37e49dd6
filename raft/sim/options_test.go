package sim

import (
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft/kv"
)

// TestReadOnlySpells checks the workload's quiet spells: every other spell
// of ReadOnlySpells is read-only, the next one is found from any moment,
// a negative length is refused, and no client starts a write in one.
func TestReadOnlySpells(t *testing.T) {
	o := DefaultOptions()
	o.ReadOnlySpells = 100 * time.Millisecond
	ms := time.Millisecond
	for _, tt := range []struct {
		at       time.Duration
		readOnly bool
		next     time.Duration
	}{
		{0, false, 100 * ms},
		{50 * ms, false, 100 * ms},
		{100 * ms, true, 100 * ms},
		{150 * ms, true, 300 * ms},
		{199 * ms, true, 300 * ms},
		{200 * ms, false, 300 * ms},
		{300 * ms, true, 300 * ms},
	} {
		if got := o.readOnlySpell(tt.at); got != tt.readOnly {
			t.Errorf("readOnlySpell(%v) = %v, want %v", tt.at, got, tt.readOnly)
		}
		if got := o.nextReadOnlySpell(tt.at); got != tt.next {
			t.Errorf("nextReadOnlySpell(%v) = %v, want %v", tt.at, got, tt.next)
		}
	}

	bad := o
	bad.ReadOnlySpells = -time.Second
	if _, err := New(bad); err == nil {
		t.Error("New accepted negative read-only spells")
	}

	o.Clients, o.ClientRate, o.ReadOnlySpells = 4, 200, 500*ms
	w, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	w.RunFor(5 * time.Second)
	if err := w.Violation(); err != nil {
		t.Fatal(err)
	}
	reads, writes := 0, 0
	for _, h := range w.History() {
		switch {
		case !o.readOnlySpell(h.Call):
			if h.Op != kv.OpGet {
				writes++
			}
		case h.Op != kv.OpGet:
			t.Fatalf("a %s started at %v, in a read-only spell", h.Op, h.Call)
		default:
			reads++
		}
	}
	if reads == 0 || writes == 0 {
		t.Fatalf("%d reads in read-only spells and %d writes outside them, want some of each", reads, writes)
	}
}
