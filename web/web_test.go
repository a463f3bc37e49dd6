package web

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vugu/html"
	"github.com/vugu/vugu"
	"github.com/vugu/vugu/staticrender"

	"github.com/raftplayground/raftplayground/raft/sim"
)

// newPlayground makes a playground around the default world: 5 nodes,
// seed 1.
func newPlayground(t *testing.T) *Playground {
	t.Helper()
	p, err := New(sim.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// page is the playground rendered to HTML by Vugu's static renderer and
// parsed back.
type page struct {
	t    *testing.T
	html string
	doc  *html.Node
}

func render(t *testing.T, p *Playground) *page {
	t.Helper()
	env, err := vugu.NewBuildEnv()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := staticrender.New(&buf).Render(env.RunBuild(&Root{Playground: p})); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatal(err)
	}
	return &page{t: t, html: buf.String(), doc: doc}
}

// all returns the elements for which match is true, in document order.
func (pg *page) all(match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(pg.doc)
	return out
}

// byAttr returns the elements whose attribute key has value val.
func (pg *page) byAttr(key, val string) []*html.Node {
	return pg.all(func(n *html.Node) bool { v, ok := attr(n, key); return ok && v == val })
}

// byID returns the element with the given id; the test fails without one.
func (pg *page) byID(id string) *html.Node {
	pg.t.Helper()
	found := pg.byAttr("id", id)
	if len(found) != 1 {
		pg.t.Fatalf("%d elements with id %q in\n%s", len(found), id, pg.html)
	}
	return found[0]
}

// card returns node id's card.
func (pg *page) card(id int) *html.Node {
	pg.t.Helper()
	found := pg.byAttr("data-node-id", fmt.Sprint(id))
	if len(found) != 1 {
		pg.t.Fatalf("%d cards for node %d", len(found), id)
	}
	return found[0]
}

// roles returns the data-role of every card, by node id.
func (pg *page) roles() map[int]string {
	out := map[int]string{}
	for _, n := range pg.all(func(n *html.Node) bool { _, ok := attr(n, "data-node-id"); return ok }) {
		var id int
		v, _ := attr(n, "data-node-id")
		fmt.Sscan(v, &id)
		out[id], _ = attr(n, "data-role")
	}
	return out
}

// buttons returns the buttons inside n with the given data-action.
func buttons(n *html.Node, action string) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "button" {
			if v, _ := attr(n, "data-action"); v == action {
				out = append(out, n)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// advance runs the playground for wall-clock time d in ticks of
// TickInterval, as the page does.
func advance(p *Playground, d time.Duration) {
	for ; d > 0; d -= TickInterval {
		p.Advance(min(d, TickInterval))
	}
}

// leaderAfter advances in ticks until the page shows a leader, failing
// after limit.
func leaderAfter(t *testing.T, p *Playground, limit time.Duration) int {
	t.Helper()
	for waited := time.Duration(0); waited <= limit; waited += TickInterval {
		if l := p.View().Leader; l != 0 {
			return l
		}
		p.Advance(TickInterval)
	}
	t.Fatalf("no leader after %v; roles %v", limit, render(t, p).roles())
	return 0
}

func TestFirstRenderShowsFiveFollowers(t *testing.T) {
	p := newPlayground(t)
	pg := render(t, p)
	roles := pg.roles()
	if len(roles) != 5 {
		t.Fatalf("want 5 node cards, got %v", roles)
	}
	for id := 1; id <= 5; id++ {
		if roles[id] != "follower" {
			t.Errorf("node %d: role %q at time zero, want follower", id, roles[id])
		}
		card := pg.card(id)
		crash := buttons(card, "crash")
		if len(crash) != 1 || text(crash[0]) != "Crash" {
			t.Errorf("node %d: want one Crash button, got %d", id, len(crash))
		} else if v, _ := attr(crash[0], "data-node"); v != fmt.Sprint(id) {
			t.Errorf("node %d: crash button has data-node=%q", id, v)
		}
		if n := len(buttons(card, "restart")); n != 0 {
			t.Errorf("node %d: %d Restart buttons while up", id, n)
		}
	}
	if got := text(pg.byID("cluster-leader")); got != "none" {
		t.Errorf("leader at time zero: %q, want none", got)
	}
	if got := text(pg.byID("propose")); got != "Send command" {
		t.Errorf("propose button says %q", got)
	}
	if pg.byID("propose").Data != "button" {
		t.Errorf("#propose is a <%s>, want a <button>", pg.byID("propose").Data)
	}
}

func TestLeaderElectedWithinTwoSeconds(t *testing.T) {
	p := newPlayground(t)
	leader := leaderAfter(t, p, 2*time.Second)
	pg := render(t, p)
	roles := pg.roles()
	leaders := 0
	for id, role := range roles {
		switch role {
		case "leader":
			leaders++
			if id != leader {
				t.Errorf("card %d shows leader, the world says %d", id, leader)
			}
		case "follower", "candidate", "precandidate":
		default:
			t.Errorf("node %d: unexpected role %q", id, role)
		}
	}
	if leaders != 1 {
		t.Errorf("%d leader cards: %v", leaders, roles)
	}
	if got, want := text(pg.byID("cluster-leader")), fmt.Sprintf("n%d", leader); got != want {
		t.Errorf("header leader %q, want %q", got, want)
	}
	// The leader panel lists one replicator per follower.
	rows := pg.all(func(n *html.Node) bool { _, ok := attr(n, "data-peer"); return ok && n.Data == "tr" })
	if len(rows) != 4 {
		t.Errorf("%d replicator rows, want 4", len(rows))
	}
	for _, r := range rows {
		if s, _ := attr(r, "data-state"); s != "Probe" && s != "Replicate" {
			t.Errorf("replicator state %q", s)
		}
	}
	if !strings.Contains(text(pg.byID("leader-title").Parent), "ballot box pending index") {
		t.Errorf("leader panel lacks the ballot box: %q", text(pg.byID("leader-title").Parent))
	}
}

func TestProposeWithoutLeader(t *testing.T) {
	p := newPlayground(t)
	p.Propose()
	pg := render(t, p)
	res := pg.byID("propose-result")
	if got := text(res); !strings.Contains(got, "no leader") {
		t.Errorf("propose result %q, want it to say no leader", got)
	}
	if class, _ := attr(res, "class"); !strings.Contains(class, "failed") {
		t.Errorf("failed proposal has class %q", class)
	}
	if items := listItems(pg, "proposals"); len(items) != 0 {
		t.Errorf("a rejected proposal is listed: %d items", len(items))
	}
}

// listItems returns the <li> children of the element with id.
func listItems(pg *page, id string) []*html.Node {
	var out []*html.Node
	for c := pg.byID(id).FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == "li" {
			out = append(out, c)
		}
	}
	return out
}

var committedRE = regexp.MustCompile(`^index (\d+): committed on (\d)/5`)

func TestProposeCommitsOnMajority(t *testing.T) {
	p := newPlayground(t)
	leader := leaderAfter(t, p, 2*time.Second)
	p.Propose()
	pg := render(t, p)
	if got := text(pg.byID("propose-result")); !regexp.MustCompile(fmt.Sprintf(`accepted by n%d at index \d+, term \d+`, leader)).MatchString(got) {
		t.Errorf("propose result %q", got)
	}
	advance(p, 200*time.Millisecond)
	items := listItems(render(t, p), "proposals")
	if len(items) != 1 {
		t.Fatalf("%d proposals listed, want 1", len(items))
	}
	m := committedRE.FindStringSubmatch(text(items[0]))
	if m == nil || m[2] != "5" {
		t.Fatalf("proposal line %q, want committed on 5/5", text(items[0]))
	}
	if class, _ := attr(items[0], "class"); class != "majority" {
		t.Errorf("committed proposal has class %q", class)
	}
	// Every card shows the command's index as committed.
	var index int
	fmt.Sscan(m[1], &index)
	for _, nv := range p.View().Nodes {
		if nv.CommitIndex < uint64(index) {
			t.Errorf("node %d commit index %d < %d", nv.ID, nv.CommitIndex, index)
		}
	}

	// Only the last keepProposals are listed, newest first.
	for range 7 {
		p.Propose()
	}
	items = listItems(render(t, p), "proposals")
	if len(items) != keepProposals {
		t.Fatalf("%d proposals listed, want %d", len(items), keepProposals)
	}
	if got := text(items[0]); !strings.Contains(got, "set k8=8") {
		t.Errorf("newest proposal %q, want set k8=8", got)
	}
}

func TestCrashLeaderElectsAnother(t *testing.T) {
	p := newPlayground(t)
	old := leaderAfter(t, p, 2*time.Second)
	p.Crash(old)
	pg := render(t, p)
	card := pg.card(old)
	if role, _ := attr(card, "data-role"); role != "down" {
		t.Errorf("crashed node %d has role %q", old, role)
	}
	if n := len(buttons(card, "crash")); n != 0 {
		t.Errorf("crashed node shows %d Crash buttons", n)
	}
	restart := buttons(card, "restart")
	if len(restart) != 1 || text(restart[0]) != "Restart" {
		t.Fatalf("crashed node shows %d Restart buttons", len(restart))
	}
	if got := text(card); !strings.Contains(got, "Commit–") || !strings.Contains(got, "Applied–") {
		t.Errorf("crashed card shows a commit or applied index: %q", got)
	}
	if text(pg.byID("cluster-leader")) != "none" {
		t.Errorf("leader %q right after the leader crashed", text(pg.byID("cluster-leader")))
	}

	next := leaderAfter(t, p, 3*time.Second)
	if next == old {
		t.Fatalf("node %d still leads while down", old)
	}
	p.Propose()
	advance(p, 300*time.Millisecond)
	items := listItems(render(t, p), "proposals")
	if len(items) != 1 || !strings.Contains(text(items[0]), "committed on 4/5") {
		t.Errorf("proposal with one node down: %q", text(items[0]))
	}

	p.Restart(old)
	advance(p, 500*time.Millisecond)
	pg = render(t, p)
	if role, _ := attr(pg.card(old), "data-role"); role == "down" {
		t.Errorf("restarted node %d is still down", old)
	}
	if n := len(buttons(pg.card(old), "crash")); n != 1 {
		t.Errorf("restarted node shows %d Crash buttons", n)
	}
	items = listItems(pg, "proposals")
	if !strings.Contains(text(items[0]), "committed on 5/5") {
		t.Errorf("proposal after restart: %q", text(items[0]))
	}
}

func TestRestartOfRunningNodeShowsNotice(t *testing.T) {
	p := newPlayground(t)
	p.Restart(2)
	if got := text(render(t, p).byID("notice")); !strings.Contains(got, "already up") {
		t.Errorf("notice %q", got)
	}
	p.Crash(2)
	if found := render(t, p).byAttr("id", "notice"); len(found) != 0 {
		t.Errorf("notice still shown after a good action: %q", text(found[0]))
	}
}

func TestClock(t *testing.T) {
	p := newPlayground(t)
	if p.Advance(TickInterval) {
		t.Error("asked for a render after one tick")
	}
	renders := 0
	for range 100 {
		if p.Advance(TickInterval) {
			renders++
		}
	}
	if want := int(101 * TickInterval / RenderInterval); renders != want {
		t.Errorf("%d renders in 101 ticks, want %d", renders, want)
	}
	if got, want := p.World().Now(), 101*TickInterval; got != want {
		t.Errorf("virtual time %v after 101 ticks at 1x, want %v", got, want)
	}

	p.TogglePause()
	before := p.World().Now()
	if p.Advance(time.Second) || p.World().Now() != before {
		t.Error("time moved while paused")
	}
	if !p.View().Paused || text(render(t, p).byID("pause")) != "Resume" {
		t.Error("pause not shown")
	}
	p.TogglePause()

	p.SetSpeed(0.25)
	p.Advance(100 * time.Millisecond)
	if got, want := p.World().Now()-before, 25*time.Millisecond; got != want {
		t.Errorf("0.25x for 100ms moved %v, want %v", got, want)
	}
	p.SetSpeed(1)
	before = p.World().Now()
	p.Advance(time.Hour)
	if got := p.World().Now() - before; got != MaxTickWall {
		t.Errorf("a long tick moved %v, want at most %v", got, MaxTickWall)
	}

	pressed := render(t, p).byAttr("aria-pressed", "true")
	if len(pressed) != 1 || text(pressed[0]) != "1×" {
		t.Errorf("pressed buttons: %d", len(pressed))
	}
}

func TestEvents(t *testing.T) {
	p := newPlayground(t)
	leader := leaderAfter(t, p, 2*time.Second)
	p.Crash(leader)
	events := p.View().RecentEvents
	if len(events) == 0 || events[0].Kind != "fault" || events[0].Text != "crash" {
		t.Fatalf("newest notable event %+v, want the crash", events)
	}
	for _, e := range events {
		if e.Kind == "send" || e.Kind == "deliver" {
			t.Errorf("message event listed by default: %+v", e)
		}
	}
	p.ToggleAllEvents()
	advance(p, time.Second)
	all := p.View().RecentEvents
	if len(all) != keepEvents {
		t.Errorf("%d events listed, want %d", len(all), keepEvents)
	}
	if all[0].N != p.World().Trace().Len() {
		t.Errorf("newest event %d, trace has %d", all[0].N, p.World().Trace().Len())
	}
}

// TestElementCount keeps the page small enough to re-render often (see
// shared/notes/vugu-performance.md: about 500 elements at most).
func TestElementCount(t *testing.T) {
	p := newPlayground(t)
	leaderAfter(t, p, 2*time.Second)
	for range 10 {
		p.Propose()
	}
	p.ToggleAllEvents()
	advance(p, time.Second)
	n := len(render(t, p).all(func(n *html.Node) bool { return true })) - 3 // html, head, body
	t.Logf("%d elements", n)
	if n > 400 {
		t.Errorf("%d elements; keep the page under 400", n)
	}
}

// fakeEnv is a vugu.EventEnv that counts render requests.
type fakeEnv struct {
	sync.RWMutex
	renders int
}

func (e *fakeEnv) UnlockOnly()   { e.Unlock() }
func (e *fakeEnv) UnlockRender() { e.renders++; e.Unlock() }

func TestRun(t *testing.T) {
	p := newPlayground(t)
	env := &fakeEnv{}
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	p.Run(ctx, env)
	env.Lock()
	defer env.Unlock()
	if p.World().Now() <= 0 || env.renders == 0 {
		t.Errorf("after 400ms of Run: virtual time %v, %d renders", p.World().Now(), env.renders)
	}
}
