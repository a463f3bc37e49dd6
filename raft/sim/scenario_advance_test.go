package sim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runDigest runs sc to its end with run, tracing every event into a
// digest, and returns the digest, the runner and its error.
func runDigest(t *testing.T, text string, run func(*Runner) error) (string, *Runner, error) {
	t.Helper()
	sc, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRunner(sc)
	if err != nil {
		t.Fatal(err)
	}
	h := NewTraceDigest()
	if err := r.World().Trace().StartSink(h); err != nil {
		t.Fatal(err)
	}
	err = run(r)
	return TraceDigest(h), r, err
}

// TestRunnerAdvanceEqualsRun: a scenario run in slices of any size with
// Advance is the run Run gives: the same trace, byte for byte, the same
// outcomes, the same end and the same error. The scenarios are the
// library's (every kind of timing, and expectations), one whose "when"
// times out, one that fails in the past, and a page's run with an
// intervention made between two events of one instant ("at T step N").
func TestRunnerAdvanceEqualsRun(t *testing.T) {
	texts := map[string]string{
		"when times out":  "nodes 3\nseed 4\nat 1s\nwhen n1 term is 40 within 300ms\ncrash n1\n",
		"at in the past":  "nodes 3\nclients 2\nclient-rate 50\nat 2s crash n1\nat 1s restart n1\n",
		"after and when":  "nodes 5\nclients 3\nclient-rate 80\nafter 700ms\ncrash n1\nwhen leader elected within 5s\nafter 250ms restart n1\nafter 2s\nexpect linearizable\n",
		"at with a step":  midInstantRun(t),
		"nothing to wait": "nodes 1\ncrash n1\nrestart n1\n",
	}
	files, err := filepath.Glob(filepath.Join(libraryDir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios in %s: %v", libraryDir, err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		texts[filepath.Base(name)] = string(b)
	}
	for name, text := range texts {
		t.Run(name, func(t *testing.T) {
			want, whole, wantErr := runDigest(t, text, (*Runner).Run)
			for _, slice := range []int{1, 2, 7, 100, 5000} {
				calls := 0
				got, sliced, err := runDigest(t, text, func(r *Runner) error {
					for !r.Done() {
						calls++
						if err := r.Advance(slice); err != nil {
							return err
						}
					}
					return r.err
				})
				if end := sliced.World().Now(); end > sliced.Ends() {
					t.Errorf("the run ended at %v, after Ends %v", end, sliced.Ends())
				}
				if got != want {
					t.Errorf("in slices of %d events: trace digest %s, Run's %s", slice, got, want)
				}
				if errText(err) != errText(wantErr) {
					t.Errorf("in slices of %d events: error %v, Run's %v", slice, err, wantErr)
				}
				if sliced.World().Now() != whole.World().Now() || sliced.World().Handled() != whole.World().Handled() {
					t.Errorf("in slices of %d events: ends at %v after %d events, Run at %v after %d",
						slice, sliced.World().Now(), sliced.World().Handled(), whole.World().Now(), whole.World().Handled())
				}
				if a, b := outcomesText(sliced), outcomesText(whole); a != b {
					t.Errorf("in slices of %d events: outcomes\n%s\nRun's\n%s", slice, a, b)
				}
				// A "when" handles a whole instant at a time, so a slice of
				// one event may handle a few.
				if slice == 1 && whole.World().Handled() > 10 && calls < int(whole.World().Handled())/4 {
					t.Errorf("in slices of 1 event Advance returned %d times for %d events: it does not stop at its budget", calls, whole.World().Handled())
				}
			}
		})
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func outcomesText(r *Runner) string {
	var b strings.Builder
	for _, o := range r.Outcomes() {
		b.WriteString(o.String() + "\n")
	}
	return b.String()
}

// midInstantRun is a page's run written as a scenario, with a drop and a
// crash made between two events of one instant (see
// TestScenarioStepMidInstant).
func midInstantRun(t *testing.T) string {
	t.Helper()
	o := DefaultOptions()
	o.Seed, o.LatencyMin, o.LatencyMax = 5, 20*time.Millisecond, 20*time.Millisecond
	w, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	w.RunUntil(time.Second)
	for w.Step() && !w.deliveryDueNow() {
	}
	next, _, _, _ := w.next()
	if err := w.Drop(MsgID(next.id)); err != nil {
		t.Fatal(err)
	}
	if err := w.Crash(w.Leader()); err != nil {
		t.Fatal(err)
	}
	w.RunUntil(3 * time.Second)
	sc, err := FromInterventions(o, w.Interventions(), w.Now())
	if err != nil {
		t.Fatal(err)
	}
	text := Format(sc)
	if !strings.Contains(text, " step ") {
		t.Fatalf("the run has no step-exact intervention:\n%s", text)
	}
	return text
}
