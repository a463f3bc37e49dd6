package web

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vugu/html"
)

// TestTourNextBackShowsTheSameState: Back seeks to the earlier step's
// moment, and the page rendered there is the page rendered when the tour
// first showed that step (the node cards, the leader table, the clock).
func TestTourNextBackShowsTheSameState(t *testing.T) {
	p, err := NewFromTour("replication", 1)
	if err != nil {
		t.Fatal(err)
	}
	first := render(t, p).html
	p.TourNext()
	second := render(t, p).html
	if second == first {
		t.Fatal("step 2 renders like step 1")
	}
	p.TourNext()
	p.TourBack()
	if got := render(t, p).html; got != second {
		t.Errorf("back at step 2 the page differs from step 2 the first time:\n got %s\nwant %s", got, second)
	}
	p.TourBack()
	if got := render(t, p).html; got != first {
		t.Error("back at step 1 the page differs from step 1 the first time")
	}
	p.TourBack() // nowhere to go: stays at step 1
	if v := p.View().Tour; v == nil || v.Step != 1 || v.Moved {
		t.Errorf("back from step 1: %+v", v)
	}
}

// TestTourHighlights: a step's highlight lines mark the cells they name,
// and only those (static/tours/replication.txt, step 3 highlights n1's
// replicator for n2: next-index and match-index).
func TestTourHighlights(t *testing.T) {
	p, err := NewFromTour("replication", 3)
	if err != nil {
		t.Fatal(err)
	}
	v := p.View()
	if v.Tour == nil || v.Tour.StepTitle != "The configuration entry commits" {
		t.Fatalf("step 3: %+v", v.Tour)
	}
	got := map[int]string{}
	for _, r := range v.LeaderPanel.Replicators {
		got[r.Peer] = r.Highlight
	}
	if want := map[int]string{2: "next-index match-index", 3: ""}; !reflect.DeepEqual(got, want) {
		t.Errorf("replicator highlights %v, want %v", got, want)
	}
	pg := render(t, p)
	rows := pg.all(func(n *html.Node) bool { hl, ok := attr(n, "data-hl"); return ok && hl != "" })
	if len(rows) != 1 || text(rows[0])[:2] != "n2" {
		t.Errorf("highlighted rows: %d", len(rows))
	}

	// A node field: step 2 of the election tour highlights n2's role.
	p, err = NewFromTour("election", 2)
	if err != nil {
		t.Fatal(err)
	}
	if hl, _ := attr(render(t, p).card(2), "data-hl"); hl != "role" {
		t.Errorf("n2's card data-hl %q, want role", hl)
	}
}

// TestTourTakeOver: taking over forks the run at the step shown and leaves
// the tour: the tour's later interventions are gone, and the run plays on
// from the step under the user's control.
func TestTourTakeOver(t *testing.T) {
	p, err := NewFromTour("replication", 4)
	if err != nil {
		t.Fatal(err)
	}
	at := p.World().Now()
	ivs := p.head.InterventionCount()
	p.TakeOver()
	if p.InTour() || p.View().Tour != nil || p.TourLink() != "" {
		t.Fatal("still in the tour after taking over")
	}
	if p.Behind() {
		t.Error("the shown world is behind its head after taking over")
	}
	if n := p.head.InterventionCount(); n >= ivs {
		t.Errorf("the fork kept the tour's future: %d interventions of %d", n, ivs)
	}
	p.TogglePause()
	advance(p, 200*time.Millisecond)
	if p.World().Now() <= at {
		t.Error("the run did not go on after taking over")
	}
	p.Crash(1) // the controls act on the fork
	if st := p.World().Status(); st.Nodes[0].Up {
		t.Error("crash did not act on the forked run")
	}
}

// TestTourActingLeavesTheTour: Step replays the tour's run (the panel says
// the run moved on from the step, and This step brings it back), while
// any action forks the run and leaves the tour, so the panel never
// narrates a run the tour did not make.
func TestTourActingLeavesTheTour(t *testing.T) {
	p, err := NewFromTour("election", 3)
	if err != nil {
		t.Fatal(err)
	}
	p.Step()
	if v := p.View().Tour; v == nil || !v.Moved {
		t.Fatalf("after Step: %+v", v)
	}
	p.TourGo(3)
	if v := p.View().Tour; v == nil || v.Moved {
		t.Fatalf("back at the step: %+v", v)
	}
	p.Crash(2)
	if p.InTour() {
		t.Error("a crash in the past left the tour on")
	}
}

// TestTourLinks: the fragment names the tour and step shown; bad links
// and bad steps say what is wrong.
func TestTourLinks(t *testing.T) {
	p, err := NewFromTour("safety", 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.TourLink(); got != "#tour=safety&step=2" {
		t.Errorf("link %q", got)
	}
	p.TourNext()
	if got := p.TourLink(); got != "#tour=safety&step=3" {
		t.Errorf("link after Next %q", got)
	}
	for _, tc := range []struct {
		frag       string
		name       string
		step       int
		isTour     bool
		wantErr    string
		openErrSub string
	}{
		{frag: "#run=abc"},
		{frag: "#tour=election&step=4", name: "election", step: 4, isTour: true},
		{frag: "#tour=election", name: "election", step: 1, isTour: true},
		{frag: "#tour=election&step=x", name: "election", isTour: true, wantErr: `the step in the link, "x", is not a number`},
		{frag: "#tour=election&step=99999999999999999999", name: "election", isTour: true, wantErr: `the step in the link, "99999999999999999999", is out of range`},
		{frag: "#tour=election&step=-99999999999999999999", name: "election", isTour: true, wantErr: `the step in the link, "-99999999999999999999", is out of range`},
		{frag: "#tour=nope&step=1", name: "nope", step: 1, isTour: true, openErrSub: `there is no tour called "nope"; the tours are replication, election, safety, membership, reads`},
		{frag: "#tour=election&step=99", name: "election", step: 99, isTour: true, openErrSub: "the tour election has steps 1 to 14, not 99"},
		{frag: "#tour=election&step=0", name: "election", step: 0, isTour: true, openErrSub: "the tour election has steps 1 to 14, not 0"},
	} {
		name, step, isTour, err := ParseTourFragment(tc.frag)
		if name != tc.name || step != tc.step || isTour != tc.isTour || (err == nil) != (tc.wantErr == "") || (err != nil && err.Error() != tc.wantErr) {
			t.Errorf("%s: %q %d %v %v", tc.frag, name, step, isTour, err)
			continue
		}
		if tc.openErrSub != "" {
			if _, err := NewFromTour(name, step); err == nil || !strings.Contains(err.Error(), tc.openErrSub) {
				t.Errorf("%s: opening gives %v", tc.frag, err)
			}
		}
	}
}

// TestTourPicker: outside a tour the panel lists every tour; starting one
// shows its first step.
func TestTourPicker(t *testing.T) {
	p := newPlayground(t)
	pg := render(t, p)
	if n := len(buttons(pg.doc, "start-tour")); n != len(TourChoices()) {
		t.Fatalf("%d tour buttons, want %d", n, len(TourChoices()))
	}
	p.StartTour("reads")
	if v := p.View().Tour; v == nil || v.Name != "reads" || v.Step != 1 {
		t.Fatalf("after StartTour: %+v", v)
	}
	if got := text(render(t, p).byID("tour-step")); !strings.Contains(got, "Step 1 of") {
		t.Errorf("step line %q", got)
	}
}

// TestTourFollowLink: an address edited on an open page (issue 11: tours
// are linkable at a given step) moves the tour shown to the link's step,
// the page rendered there being the one the link opens on a new page; it
// opens another tour at its step, and leaves the sandbox for one. A
// malformed link, an unknown tour or a step out of range leaves the page
// as it was, with a notice that says why.
func TestTourFollowLink(t *testing.T) {
	p, err := NewFromTour("election", 2)
	if err != nil {
		t.Fatal(err)
	}
	p.FollowTourLink("election", 5, nil)
	fresh, err := NewFromTour("election", 5)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := render(t, p).html, render(t, fresh).html; p.TourLink() != "#tour=election&step=5" || got != want {
		t.Errorf("after following step 5: link %q; the page equals a new page at step 5: %v", p.TourLink(), got == want)
	}
	p.FollowTourLink("safety", 3, nil)
	if p.TourLink() != "#tour=safety&step=3" || p.View().Tour.Title == "" {
		t.Errorf("after following safety step 3: link %q", p.TourLink())
	}

	before := render(t, p).html
	for _, tc := range []struct {
		name, want string
		step       int
		linkErr    error
	}{
		{"safety", `the step in the link, "x", is not a number`, 0, errFromParse(t, "#tour=safety&step=x")},
		{"nope", `there is no tour called "nope"`, 1, nil},
		{"safety", "the tour safety has steps 1 to", 99, nil},
		{"election", "the tour election has steps 1 to 14, not 0", 0, nil},
	} {
		p.FollowTourLink(tc.name, tc.step, tc.linkErr)
		notice := p.View().Notice
		if p.TourLink() != "#tour=safety&step=3" || !strings.HasPrefix(notice, "The tour link could not be followed: ") || !strings.Contains(notice, tc.want) {
			t.Errorf("%s step %d: link %q, notice %q; want step 3 of safety kept and a notice saying %q", tc.name, tc.step, p.TourLink(), notice, tc.want)
		}
	}
	p.FollowTourLink("safety", 3, nil)
	if got := render(t, p).html; got != before || p.View().Notice != "" {
		t.Errorf("after the bad links and back to safety step 3, the page differs (notice %q)", p.View().Notice)
	}

	sandbox := newPlayground(t)
	sandbox.FollowTourLink("reads", 2, nil)
	if sandbox.TourLink() != "#tour=reads&step=2" {
		t.Errorf("a sandbox following a tour link: %q", sandbox.TourLink())
	}
}

// errFromParse is the error ParseTourFragment gives frag.
func errFromParse(t *testing.T, frag string) error {
	t.Helper()
	_, _, _, err := ParseTourFragment(frag)
	if err == nil {
		t.Fatalf("%s parses", frag)
	}
	return err
}
