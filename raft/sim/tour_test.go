package sim

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// toursDir holds the guided tours (static/tours/, shipped with the site).
var toursDir = filepath.Join("..", "..", "static", "tours")

// TestTours runs every tour to its end with each step's expectations met
// (RunTour fails otherwise), then checks what the page relies on for Back:
// seeking the run to a step's moment gives exactly the state the run had
// there (the whole status, messages in flight and timers included), and
// the step's expectations hold again on the sought world.
func TestTours(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(toursDir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no tours in %s: %v", toursDir, err)
	}
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			tour, err := RunTour(string(b))
			if err != nil {
				t.Fatal(err)
			}
			if len(tour.Steps) < 3 {
				t.Fatalf("%d steps: a tour walks through at least three", len(tour.Steps))
			}
			for i, st := range tour.Steps {
				w, err := tour.World.Seek(st.At)
				if err != nil {
					t.Fatalf("step %d: %v", i+1, err)
				}
				if got := w.Status(); !reflect.DeepEqual(got, st.status) {
					t.Errorf("step %d (%s): seeking to %v shows another state than the run had there:\n got %+v\nwant %+v", i+1, st.Title, st.At, got, st.status)
				}
				again := &Runner{sc: tour.runner.sc, w: w, calls: tour.runner.calls}
				for _, p := range st.expects {
					if ok, observed := again.eval(p); !ok {
						t.Errorf("step %d (%s): after a seek, expect %s fails (observed: %s)", i+1, st.Title, p, observed)
					}
				}
			}
		})
	}
}

// TestTourShapeErrors: a text that is not a tour says why, at the line.
func TestTourShapeErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"nodes 3\n", "line 1, column 1: a tour starts with a step line (step TITLE) after its settings"},
		{"nodes 3\nsay hello\nstep One", "line 2, column 1: a tour starts with a step line (step TITLE) after its settings"},
		{"step One\nexpect leader is none", `line 1, column 1: step "One" says nothing: give it a say line`},
		{"step One\nsay hi\nstep Two\nsay there\nexpect no violation", `line 1, column 1: step "One" expects nothing: give it an expect line that holds at its end`},
		{"step One\nsay hi\nexpect no violation\ncrash n1", `line 4, column 1: in a tour, a step waits and acts before it says and expects (the page shows its narration with the state at its end): start a new step before this line (step "One" says and expects above)`},
		{"step One\nsay hi\nafter 1s", `line 3, column 1: in a tour, a step waits and acts before it says and expects (the page shows its narration with the state at its end): start a new step before this line (step "One" says and expects above)`},
	} {
		_, err := RunTour(tc.in)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q:\n got %v\nwant %s", tc.in, err, tc.want)
		}
	}
}

// TestTourRunErrors: a tour whose expectation fails, or whose step does
// not wait for anything, names the step.
func TestTourRunErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"nodes 3\nseed 3\nstep Elected\nwhen leader elected\nsay n1 leads.\nexpect leader is n2",
			"step 1 (Elected): line 6: FAIL at 368.046382ms: expect leader is n2 (observed: leader is n1)"},
		{"nodes 3\nstep One\nsay a\nexpect no violation\nstep Two\nsay b\nexpect no violation",
			"step 2 (Two) ends at 0s, no later than step 1: a step must wait for something, or seeking to it would show the next step's actions too"},
		{"nodes 3\nseed 3\nstep One\nwhen leader elected\nsay a\nexpect no violation\nstep Two\ncrash n2\nafter 1s\nsay b\nexpect no violation",
			"step 2 (Two) acts (crash) at 368.046382ms, the moment step 1 ends: begin it with a wait (after 100ms, when …), or going back to step 1 would show this step's action too"},
		// Fixed latencies: two events fall in the instant 339.961525ms, and the step stops between them.
		{"nodes 3\nseed 3\nlink-latency 20ms..20ms\nstep One\nat 339.961525ms step 2\nsay a\nexpect no violation",
			"step 1 (One) ends between two events of the instant 339.961525ms: a tour's step must end at the end of an instant (no \"at … step\")"},
		{"nodes 3\nstep One\nsay a\nexpect no violation\nstep Two\nwhen n1 is leader within 10ms\nsay b\nexpect no violation",
			"step 2 (Two): line 6: n1 is leader did not happen within 10ms (at 10ms: n1 role is follower)"},
	} {
		_, err := RunTour(tc.in)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q:\n got %v\nwant %s", tc.in, err, tc.want)
		}
	}
}
