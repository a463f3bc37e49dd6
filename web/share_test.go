package web

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft/sim"
)

// TestSharedRunReplaysExactly: a run written as a scenario and rebuilt
// from it is the same run: the same status, interventions, history and
// trace (issue 9: a shared URL reproduces the run it was made from).
func TestSharedRunReplaysExactly(t *testing.T) {
	p := newPlayground(t)
	run(p, 2*time.Second)
	lead := int(p.world.Leader())
	p.Propose()
	p.SetResponseDelay(lead%5+1, 50*time.Millisecond)
	run(p, 300*time.Millisecond)
	p.SetLink(1, 2, false)
	p.Crash(lead)
	run(p, time.Second)
	if wire := p.world.Status().Wire; len(wire) > 0 {
		p.SelectMessage(wire[0].ID)
		p.HoldMessage()
	}
	run(p, 700*time.Millisecond)
	p.Restart(lead)
	p.Propose()
	run(p, 1500*time.Millisecond)

	text, err := p.RunText()
	if err != nil {
		t.Fatal(err)
	}
	q, err := NewFromRun(text)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	a, b := p.world, q.world
	if a.Now() != b.Now() || a.Trace().Len() != b.Trace().Len() {
		t.Fatalf("rebuilt run at %v with %d events, the run was at %v with %d", b.Now(), b.Trace().Len(), a.Now(), a.Trace().Len())
	}
	for name, pair := range map[string][2]any{
		"status":        {a.Status(), b.Status()},
		"interventions": {a.Interventions(), b.Interventions()},
		"history":       {a.History(), b.History()},
		"trace":         {a.Trace().Recent(256), b.Trace().Recent(256)},
		"proposals":     {a.Proposals(-1), b.Proposals(-1)},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			ja, _ := json.Marshal(pair[0])
			jb, _ := json.Marshal(pair[1])
			t.Errorf("%s differs:\n%s\n%s", name, ja, jb)
		}
	}
	if !q.paused || q.Behind() {
		t.Errorf("a rebuilt run shows its end, paused: paused %v behind %v", q.paused, q.Behind())
	}
	// And the rebuilt run writes the same text again.
	if again, _ := q.RunText(); again != text {
		t.Errorf("the rebuilt run writes another text:\n%s\n---\n%s", again, text)
	}
}

// TestReplayRunReportsProgress: a run link replayed with ReplayRun is the
// run NewFromRun gives, and on the way it says how far it has come: often
// (every replaySlice events), never backwards, ending at the run's end
// within the latest end it announced.
func TestReplayRunReportsProgress(t *testing.T) {
	text := "nodes 5\nclients 4\nclient-rate 100\nseed 9\nafter 3s\ncrash n1\nwhen leader elected within 5s\nat 20s\n"
	want, err := NewFromRun(text)
	if err != nil {
		t.Fatal(err)
	}
	var reports []time.Duration
	var ends time.Duration
	got, err := ReplayRun(text, func(now, end time.Duration) {
		reports = append(reports, now)
		ends = end
	})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := want.world, got.world; a.Now() != b.Now() || a.Handled() != b.Handled() || !reflect.DeepEqual(a.Status(), b.Status()) {
		t.Fatalf("replayed in slices: at %v after %d events, NewFromRun's at %v after %d", b.Now(), b.Handled(), a.Now(), a.Handled())
	}
	if min := int(got.world.Handled() / replaySlice); len(reports) < min {
		t.Errorf("%d reports for %d events, want one every %d at least", len(reports), got.world.Handled(), replaySlice)
	}
	for i := 1; i < len(reports); i++ {
		if reports[i] < reports[i-1] {
			t.Fatalf("progress went back from %v to %v", reports[i-1], reports[i])
		}
	}
	if last := reports[len(reports)-1]; last != got.world.Now() || ends != 20*time.Second || last > ends {
		t.Errorf("last report %v of %v; the run ends at %v", last, ends, got.world.Now())
	}
	// A run that fails part way fails as NewFromRun's does.
	bad := "nodes 3\nat 2s crash n1\nat 1s restart n1\n"
	_, werr := NewFromRun(bad)
	_, gerr := ReplayRun(bad, func(time.Duration, time.Duration) {})
	if werr == nil || gerr == nil || werr.Error() != gerr.Error() {
		t.Errorf("a failing run: %v, NewFromRun's %v", gerr, werr)
	}
}

// TestBadRunsAreRefused: a text that does not parse, asks for the
// impossible or is too long is refused with a message that says why.
func TestBadRunsAreRefused(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"nodes 5\nat 1s explode n1\n", "line 2"},
		{"nodes 100\n", "line 1"},
		{"\x00\x01\x02", "line 1"},
		{"nodes 3\nat 1s crash n7\n", "n7"},
		{strings.Repeat("# x\n", MaxRunText/4+1), "bytes long"},
	} {
		_, err := NewFromRun(c.text)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewFromRun(%.30q): %v, want an error mentioning %q", c.text, err, c.want)
		}
	}
	_ = sim.DefaultOptions
}

// TestFollowRunLink: a run link followed on an open page (its address
// edited, issue 9: a shared URL reproduces the run) shows that run as a
// new page opened at the link would, leaving a tour; the page's own run
// is left alone; a bad link keeps the run shown, with a notice.
func TestFollowRunLink(t *testing.T) {
	src := newPlayground(t)
	run(src, 2*time.Second)
	src.Crash(int(src.world.Leader()))
	run(src, 1500*time.Millisecond)
	text, err := src.RunText()
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := NewFromRun(text)
	if err != nil {
		t.Fatal(err)
	}

	p, err := NewFromTour("election", 3)
	if err != nil {
		t.Fatal(err)
	}
	p.FollowRunLink(text, nil)
	if got, want := render(t, p).html, render(t, fresh).html; got != want || p.InTour() || p.View().Notice != "" {
		t.Errorf("after following the link: same page as a new one at it: %v; in a tour: %v; notice %q", got == want, p.InTour(), p.View().Notice)
	}
	if again, _ := p.RunText(); again != text {
		t.Errorf("the run followed writes another text:\n%s\n---\n%s", again, text)
	}

	// The page's own run: nothing moves (the scrubber stays where it is).
	p.SeekMillis("500")
	p.FollowRunLink(text, nil)
	if p.world.Now() != 500*time.Millisecond {
		t.Errorf("following the page's own run moved it to %v", p.world.Now())
	}

	before := render(t, p).html
	for _, c := range []struct {
		text    string
		linkErr error
		want    string
	}{
		{"nodes 5\nat 1s explode n1\n", nil, "line 2"},
		{"", errors.New("the link's run is not base64url text"), "base64url"},
	} {
		p.FollowRunLink(c.text, c.linkErr)
		notice := p.View().Notice
		if !strings.HasPrefix(notice, "The run in this link could not be loaded") || !strings.Contains(notice, c.want) {
			t.Errorf("link %q: notice %q, want one mentioning %q", c.text, notice, c.want)
		}
		p.notice = ""
		if render(t, p).html != before {
			t.Errorf("link %q: the page changed", c.text)
		}
	}
}

// TestFollowLongRunLink: a long run's link followed in an open page
// loads over the next frames, paused or not, while the page shows the run
// it had and a notice of the load's progress; at the end the page is the
// one a new page at the link shows. An action meanwhile stops the load.
func TestFollowLongRunLink(t *testing.T) {
	text := "nodes 5\nclients 4\nclient-rate 100\nseed 9\nat 20s\ncrash n2\nat 25s\n"
	fresh, err := NewFromRun(text)
	if err != nil {
		t.Fatal(err)
	}
	p := newPlayground(t)
	run(p, time.Second)
	p.TogglePause()
	before := p.world.Now()
	p.FollowRunLink(text, nil)
	if !p.Loading() || p.world.Now() != before || !strings.HasPrefix(p.View().Notice, "Loading the run in the link: ") || !strings.HasSuffix(p.View().Notice, " of 25.000 s of virtual time…") {
		t.Fatalf("right after following a long link: loading %v, at %v (was %v), notice %q", p.Loading(), p.world.Now(), before, p.View().Notice)
	}
	if cls, _ := attr(render(t, p).byID("notice"), "class"); cls != "notice progress" {
		t.Errorf("the load's notice has class %q, want the muted progress one", cls)
	}
	frames := 0
	var notices []string
	for p.Loading() {
		if !p.Advance(16 * time.Millisecond) {
			t.Fatal("a frame of the load asked for no render")
		}
		notices = append(notices, p.View().Notice)
		frames++
	}
	if frames < 3 || notices[0] == notices[len(notices)-2] {
		t.Errorf("the load took %d frames, its notice went from %q to %q: want several, moving", frames, notices[0], notices[len(notices)-2])
	}
	if got, want := render(t, p).html, render(t, fresh).html; got != want || p.View().Notice != "" {
		t.Errorf("after the load: the same page as a new one at the link: %v; notice %q", got == want, p.View().Notice)
	}

	// An action during the load stops it: the page keeps its run.
	q := newPlayground(t)
	run(q, time.Second)
	q.FollowRunLink(text, nil)
	q.Crash(1)
	if q.Loading() || !strings.Contains(q.View().Notice, "was not loaded") {
		t.Fatalf("after an action: loading %v, notice %q", q.Loading(), q.View().Notice)
	}
	run(q, time.Second)
	if q.world.Now() >= 20*time.Second || q.world.Status().Nodes[0].Up {
		t.Errorf("the load went on after the action: at %v, n1 up %v", q.world.Now(), q.world.Status().Nodes[0].Up)
	}
}

// TestRunVersionWhilePaused: the address is written again at every
// intervention and, while paused, at every new end of the run, so a link
// copied from a paused page replays the run to where the page stands;
// while playing, time alone does not change the version (the address is
// not rewritten at every frame).
func TestRunVersionWhilePaused(t *testing.T) {
	p := newPlayground(t)
	p.paused = false
	v := p.RunVersion()
	run(p, time.Second)
	if p.RunVersion() != v {
		t.Errorf("playing for a second changed the version: %+v → %+v", v, p.RunVersion())
	}
	p.TogglePause()
	paused := p.RunVersion()
	if paused == v || paused.End != p.head.Now() {
		t.Errorf("pausing at %v gave version %+v (was %+v)", p.head.Now(), paused, v)
	}
	p.Step()
	if p.RunVersion() == paused {
		t.Errorf("a step while paused left the version at %+v", paused)
	}
	text, err := p.RunText()
	if err != nil {
		t.Fatal(err)
	}
	q, err := NewFromRun(text)
	if err != nil {
		t.Fatal(err)
	}
	if q.head.Now() != p.head.Now() {
		t.Errorf("the link written while paused replays to %v, the page stands at %v", q.head.Now(), p.head.Now())
	}
	p.Crash(1)
	if got := p.RunVersion(); got.Interventions != paused.Interventions+1 {
		t.Errorf("a crash: version %+v, want one more intervention than %+v", got, paused)
	}
}

// TestCopyLink: Copy link hands the page's copier the run's link (the
// fragment a new page replays to the same run), or the tour step's in a
// tour, and says what happened once the copy settles; without a copier,
// or when the copy fails, it says to copy the address by hand. The next
// action clears what it said.
func TestCopyLink(t *testing.T) {
	p := newPlayground(t)
	p.CopyLink()
	if s := p.View().CopyStatus; !strings.Contains(s, "copy the address from the address bar") {
		t.Errorf("without a copier: %q", s)
	}
	var frags []string
	var pending func(error)
	p.SetLinkCopier(func(frag string, done func(error)) error {
		frags, pending = append(frags, frag), done
		return nil
	})
	run(p, time.Second)
	p.Crash(1)
	run(p, 500*time.Millisecond)
	p.CopyLink()
	if s := p.View().CopyStatus; s != "Copying…" {
		t.Errorf("before the copy settles: %q", s)
	}
	pending(nil)
	if s := p.View().CopyStatus; s != "Link copied: it opens this run, to 1.500 s." {
		t.Errorf("after the copy: %q", s)
	}
	text, err := p.RunText()
	if err != nil {
		t.Fatal(err)
	}
	if frags[0] != RunFragment(text) {
		t.Fatalf("copied %q, want the run's fragment %q", frags[0], RunFragment(text))
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(frags[0], "#run="))
	if err != nil {
		t.Fatal(err)
	}
	q, err := NewFromRun(string(b))
	if err != nil || q.world.Now() != p.world.Now() || q.world.Status().Nodes[0].Up {
		t.Fatalf("the copied link opens at %v with n1 up %v (%v); the page is at %v with n1 down", q.world.Now(), q.world.Status().Nodes[0].Up, err, p.world.Now())
	}
	p.Restart(1)
	if s := p.View().CopyStatus; s != "" {
		t.Errorf("after the next action: %q", s)
	}

	// A refused copy, and a copier that fails at once.
	p.CopyLink()
	pending(errors.New("Document is not focused."))
	if s := p.View().CopyStatus; !strings.Contains(s, "Not copied (Document is not focused). The address bar") || !strings.Contains(s, "address bar") {
		t.Errorf("a refused copy: %q", s)
	}
	p.SetLinkCopier(func(string, func(error)) error { return errors.New("no clipboard") })
	p.CopyLink()
	if s := p.View().CopyStatus; !strings.Contains(s, "Not copied (no clipboard)") {
		t.Errorf("a copier that fails: %q", s)
	}

	// In a tour: the step's link.
	tp, err := NewFromTour("election", 3)
	if err != nil {
		t.Fatal(err)
	}
	tp.SetLinkCopier(func(frag string, done func(error)) error {
		frags = append(frags, frag)
		done(nil)
		return nil
	})
	tp.CopyLink()
	if got := frags[len(frags)-1]; got != "#tour=election&step=3" || tp.View().CopyStatus != "Link copied: it opens this tour step." {
		t.Errorf("in a tour: copied %q, status %q", got, tp.View().CopyStatus)
	}
}
