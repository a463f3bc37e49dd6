package web

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vugu/html"
	"github.com/vugu/vugu"
	"github.com/vugu/vugu/staticrender"

	"github.com/raftplayground/raftplayground/raft"
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

	// Of the speed buttons (the ones without a data-action), only 1× is
	// pressed.
	var pressed []*html.Node
	for _, b := range render(t, p).byAttr("aria-pressed", "true") {
		if _, ok := attr(b, "data-action"); !ok {
			pressed = append(pressed, b)
		}
	}
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
	count := func(what string) {
		t.Helper()
		n := len(render(t, p).all(func(n *html.Node) bool { return true })) - 3 // html, head, body
		t.Logf("%s: %d elements", what, n)
		if n > 400 {
			t.Errorf("%s: %d elements; keep the page under 400", what, n)
		}
	}
	count("steady")

	// Busy: every follower answers late and a command goes out every
	// tick, so every replicator row shows its most in-flight chips and the
	// ballot box its most ballots. A cut link and a message notice too.
	for id := 1; id <= 5; id++ {
		p.SetResponseDelay(id, 200*time.Millisecond)
	}
	p.SetLink(1, 2, false)
	for range 10 {
		p.Propose()
		advance(p, TickInterval)
	}
	lv := p.View().LeaderPanel
	if lv == nil || lv.MoreBallots == 0 {
		t.Fatalf("not busy enough: %+v", lv)
	}
	full := 0
	for _, r := range lv.Replicators {
		if len(r.Inflights) == showInflights {
			full++
		}
	}
	if full == 0 {
		t.Errorf("no replicator shows %d requests in flight: %+v", showInflights, lv.Replicators)
	}
	count("busy")
}

// fakeEnv is a vugu.EventEnv that counts render requests.
type fakeEnv struct {
	sync.RWMutex
	renders int
}

func (e *fakeEnv) UnlockOnly()   { e.Unlock() }
func (e *fakeEnv) UnlockRender() { e.renders++; e.Unlock() }

// Follow is Run's loop on a clock the test owns: virtual time follows the
// wall-clock time between ticks (at 1x, exactly), a render is asked for
// once per RenderInterval, a tick after a long pause (a background tab)
// counts MaxTickWall only, and a cancelled context stops it.
func TestFollow(t *testing.T) {
	p := newPlayground(t)
	env := &fakeEnv{}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ticks := make(chan time.Time, 11)
	for i := 1; i <= 10; i++ {
		ticks <- start.Add(time.Duration(i) * TickInterval)
	}
	ticks <- start.Add(10*TickInterval + time.Minute)
	close(ticks)
	before := p.World().Now()
	p.Follow(context.Background(), env, start, ticks)
	// 16 ms ticks: a render on the 5th (80 ms) and the 10th; the long
	// pause renders at once.
	if got, want := p.World().Now()-before, 10*TickInterval+MaxTickWall; got != want || env.renders != 3 {
		t.Errorf("after 10 ticks and a pause: virtual time advanced %v with %d renders, want %v with 3", got, env.renders, want)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	idle := make(chan time.Time) // never ticks: only the context can stop Follow
	at := p.World().Now()
	p.Follow(ctx, env, start, idle)
	if p.World().Now() != at {
		t.Errorf("a cancelled Follow advanced the world from %v to %v", at, p.World().Now())
	}
}

// linkButtons returns the link matrix's buttons by "from→to".
func linkButtons(pg *page) map[string]*html.Node {
	out := map[string]*html.Node{}
	for _, b := range buttons(pg.doc, "link") {
		from, _ := attr(b, "data-from")
		to, _ := attr(b, "data-to")
		out[from+"→"+to] = b
	}
	return out
}

// cutLinks returns the links the matrix shows cut, e.g. ["1→2"], in
// document order.
func cutLinks(pg *page) []string {
	var out []string
	for _, b := range buttons(pg.doc, "link") {
		if v, _ := attr(b, "aria-pressed"); v == "true" {
			out = append(out, text(b))
		}
	}
	return out
}

func TestLinkMatrix(t *testing.T) {
	p := newPlayground(t)
	pg := render(t, p)
	links := linkButtons(pg)
	if len(links) != 20 {
		t.Fatalf("%d link buttons, want 20 (5×5 without the diagonal)", len(links))
	}
	for key, b := range links {
		if text(b) != key {
			t.Errorf("link button %s says %q", key, text(b))
		}
		if v, _ := attr(b, "aria-pressed"); v != "false" {
			t.Errorf("link %s: aria-pressed=%q at start", key, v)
		}
	}
	if style, _ := attr(links["3→2"], "style"); style != "grid-row: 3; grid-column: 2" {
		t.Errorf("link 3→2 placed at %q", style)
	}
	if got := text(pg.byID("cut-count")); got != "all links up" {
		t.Errorf("cut count %q", got)
	}

	// Cutting 1→2 cuts that direction only; the world agrees.
	p.SetLink(1, 2, false)
	pg = render(t, p)
	if got := cutLinks(pg); !slices.Equal(got, []string{"1→2"}) {
		t.Errorf("cut links shown %v, want [1→2]", got)
	}
	if got := p.World().Status().Cut; len(got) != 1 || got[0] != (sim.Link{From: 1, To: 2}) {
		t.Errorf("world's cut links %v", got)
	}
	if got := text(pg.byID("cut-count")); got != "1 link cut" {
		t.Errorf("cut count %q", got)
	}
	if title, _ := attr(linkButtons(pg)["1→2"], "title"); title != "Heal the link n1 → n2" {
		t.Errorf("cut link's title %q", title)
	}

	// The matrix shows the world's state, however the links were cut.
	if err := p.World().Isolate(3); err != nil {
		t.Fatal(err)
	}
	want := []string{"1→2", "1→3", "2→3", "3→1", "3→2", "3→4", "3→5", "4→3", "5→3"}
	if got := cutLinks(render(t, p)); !slices.Equal(got, want) {
		t.Errorf("after isolating n3: cut %v, want %v", got, want)
	}

	// Healing one link, then all.
	p.SetLink(1, 2, true)
	if got := cutLinks(render(t, p)); slices.Contains(got, "1→2") || len(got) != 8 {
		t.Errorf("after healing 1→2: cut %v", got)
	}
	p.HealAll()
	pg = render(t, p)
	if got := cutLinks(pg); len(got) != 0 {
		t.Errorf("after Heal all: cut %v", got)
	}
	if b := pg.byID("heal-all"); b.Data != "button" || text(b) != "Heal all" {
		t.Errorf("#heal-all is <%s> %q", b.Data, text(b))
	}

	// A cut link carries nothing sent after the cut.
	p.SetLink(2, 1, false)
	cutAt := p.World().Now()
	for range 20 {
		advance(p, 20*time.Millisecond)
		for _, m := range p.World().Status().Wire {
			if m.From == 2 && m.To == 1 && m.Sent >= cutAt {
				t.Fatalf("message #%d sent on the cut link 2→1 at %v", m.ID, m.Sent)
			}
		}
	}
}

// delayButtons returns node id's delay buttons' data-ms values and which
// one is pressed.
func delayButtons(t *testing.T, pg *page, id int) (ms []string, pressed string) {
	t.Helper()
	for _, b := range buttons(pg.card(id), "delay") {
		v, _ := attr(b, "data-ms")
		if n, _ := attr(b, "data-node"); n != fmt.Sprint(id) {
			t.Errorf("node %d: delay button %s has data-node=%q", id, v, n)
		}
		if text(b) != v {
			t.Errorf("node %d: delay button data-ms=%s says %q", id, v, text(b))
		}
		ms = append(ms, v)
		if a, _ := attr(b, "aria-pressed"); a == "true" {
			if pressed != "" {
				t.Errorf("node %d: delays %s and %s both pressed", id, pressed, v)
			}
			pressed = v
		}
	}
	return ms, pressed
}

func TestResponseDelay(t *testing.T) {
	p := newPlayground(t)
	for id := 1; id <= 5; id++ {
		ms, pressed := delayButtons(t, render(t, p), id)
		if !slices.Equal(ms, []string{"0", "50", "200"}) || pressed != "0" {
			t.Errorf("node %d: delay buttons %v, pressed %q", id, ms, pressed)
		}
	}
	p.SetResponseDelay(2, 200*time.Millisecond)
	p.SetResponseDelay(4, 50*time.Millisecond)
	pg := render(t, p)
	for id, want := range map[int]string{1: "0", 2: "200", 3: "0", 4: "50", 5: "0"} {
		if _, pressed := delayButtons(t, pg, id); pressed != want {
			t.Errorf("node %d: delay %s ms pressed, want %s", id, pressed, want)
		}
	}
	if got := p.View().Nodes[1].DelayText(); got != "200 ms" {
		t.Errorf("node 2's delay text %q", got)
	}
	if ev := p.View().RecentEvents; len(ev) == 0 || !strings.Contains(ev[0].Text, "delayed up to 50ms") {
		t.Errorf("newest event %+v, want the delay of node 4", ev)
	}
	// Back to none.
	p.SetResponseDelay(2, 0)
	if _, pressed := delayButtons(t, render(t, p), 2); pressed != "0" {
		t.Errorf("node 2: delay %s pressed after setting 0", pressed)
	}
	// A bad delay is refused and shown.
	p.SetResponseDelay(3, -time.Second)
	pg = render(t, p)
	if got := text(pg.byID("notice")); !strings.Contains(got, "response delay") {
		t.Errorf("notice %q", got)
	}
	if _, pressed := delayButtons(t, pg, 3); pressed != "0" {
		t.Errorf("node 3: delay %s pressed after a refused delay", pressed)
	}
}

// replicatorRow returns the leader table's row for peer.
func replicatorRow(t *testing.T, pg *page, peer int) *html.Node {
	t.Helper()
	rows := pg.all(func(n *html.Node) bool { v, _ := attr(n, "data-peer"); return n.Data == "tr" && v == fmt.Sprint(peer) })
	if len(rows) != 1 {
		t.Fatalf("%d rows for peer %d", len(rows), peer)
	}
	return rows[0]
}

// cell returns the first element with class under n.
func cell(t *testing.T, n *html.Node, class string) *html.Node {
	t.Helper()
	var found *html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if found != nil {
			return
		}
		if c, _ := attr(n, "class"); n.Type == html.ElementNode && slices.Contains(strings.Fields(c), class) {
			found = n
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	if found == nil {
		t.Fatalf("no .%s in %q", class, text(n))
	}
	return found
}

// chips returns the texts of the elements with class chip under n.
func chips(n *html.Node) []string {
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if c, _ := attr(n, "class"); n.Type == html.ElementNode && c == "chip" {
			out = append(out, text(n))
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// leaderStatus returns the leader's status in the world now.
func leaderStatus(t *testing.T, p *Playground) *sim.NodeStatus {
	t.Helper()
	st := p.World().Status()
	for i := range st.Nodes {
		if st.Nodes[i].ID == st.Leader {
			return &st.Nodes[i]
		}
	}
	t.Fatal("no leader")
	return nil
}

func TestReplicatorDetails(t *testing.T) {
	p := newPlayground(t)
	leader := leaderAfter(t, p, 2*time.Second)
	advance(p, 200*time.Millisecond)
	slow := leader%5 + 1 // a follower
	// The slow follower answers up to 200 ms late, so requests pile up in
	// flight.
	p.SetResponseDelay(slow, 200*time.Millisecond)
	for range 6 {
		p.Propose()
		advance(p, 20*time.Millisecond)
	}
	st := leaderStatus(t, p)
	pg := render(t, p)
	var rs *raft.ReplicatorStatus
	for i := range st.Replicators {
		if int(st.Replicators[i].Peer) == slow {
			rs = &st.Replicators[i]
		}
	}
	if rs == nil || len(rs.Inflights) < 2 {
		t.Fatalf("want at least two requests in flight to n%d: %+v", slow, rs)
	}
	row := replicatorRow(t, pg, slow)
	var want []string
	for _, f := range rs.Inflights[:min(len(rs.Inflights), showInflights)] {
		if f.Count == 0 {
			want = append(want, fmt.Sprintf("#%d probe", f.Seq))
		} else {
			want = append(want, fmt.Sprintf("#%d %d+%d", f.Seq, f.StartIndex, f.Count))
		}
	}
	if got := chips(cell(t, row, "inflights")); !slices.Equal(got, want) {
		t.Errorf("in-flight chips %q, want %q", got, want)
	}
	if got, want := text(cell(t, row, "required-next-seq")), fmt.Sprint(rs.RequiredNextSeq); got != want {
		t.Errorf("requiredNextSeq %q, want %q", got, want)
	}
	if rs.RequiredNextSeq != rs.Inflights[0].Seq {
		t.Errorf("requiredNextSeq %d, oldest in flight %d", rs.RequiredNextSeq, rs.Inflights[0].Seq)
	}
	if got, want := text(cell(t, row, "version")), fmt.Sprint(rs.Version); got != want {
		t.Errorf("version %q, want %q", got, want)
	}
	if got := text(cell(t, row, "waiting")); got != seqList(rs.PendingResponses, showWaiting) {
		t.Errorf("waiting %q, pending responses %v", got, rs.PendingResponses)
	}

	// The ballot box: the last proposal's ballot is open, acknowledged by
	// the leader and the fast followers it reached so far.
	bb := st.BallotBox
	if got, want := text(pg.byID("ballot-pending-index")), fmt.Sprint(bb.PendingIndex); got != want {
		t.Errorf("pending index %q, want %q", got, want)
	}
	if got, want := text(pg.byID("ballot-open")), fmt.Sprint(bb.Pending); got != want {
		t.Errorf("open ballots %q, want %q", got, want)
	}
	if bb.Pending == 0 {
		t.Fatal("no open ballot right after a proposal")
	}
	want = nil
	for _, b := range bb.Ballots[:min(len(bb.Ballots), showBallots)] {
		want = append(want, fmt.Sprintf("%d: %d/%d", b.Index, len(b.Granted), len(b.Voters)))
	}
	if got := chips(pg.byID("ballots")); !slices.Equal(got, want) {
		t.Errorf("ballot chips %q, want %q", got, want)
	}

	// Once everything is answered, nothing is in flight and the ballot box
	// is empty.
	p.SetResponseDelay(slow, 0)
	advance(p, time.Second)
	pg = render(t, p)
	if got := chips(cell(t, replicatorRow(t, pg, slow), "inflights")); len(got) != 0 {
		t.Errorf("in flight after a quiet second: %q", got)
	}
	if got := text(pg.byID("ballots")); got != "none open" {
		t.Errorf("ballots after a quiet second: %q", got)
	}
}

func TestTimeoutNowShown(t *testing.T) {
	p := newPlayground(t)
	leader := leaderAfter(t, p, 2*time.Second)
	advance(p, 200*time.Millisecond)
	target := leader%5 + 1
	// The target misses the next entry, so the transfer waits for it.
	p.SetLink(leader, target, false)
	p.Propose()
	advance(p, 50*time.Millisecond)
	if err := p.World().TransferLeadership(raft.NodeID(target)); err != nil {
		t.Fatal(err)
	}
	st := leaderStatus(t, p)
	var index uint64
	for _, r := range st.Replicators {
		if int(r.Peer) == target {
			index = r.TimeoutNowIndex
		}
	}
	if index == 0 {
		t.Fatalf("no TimeoutNow index on the replicator of n%d: %+v", target, st.Replicators)
	}
	row := replicatorRow(t, render(t, p), target)
	if got, want := text(cell(t, row, "timeout-now")), fmt.Sprintf("TimeoutNow at %d", index); got != want {
		t.Errorf("TimeoutNow %q, want %q", got, want)
	}
	for peer := 1; peer <= 5; peer++ {
		if peer != leader && peer != target {
			if n := len(timeoutMarks(t, p, peer)); n != 0 {
				t.Errorf("n%d's row shows TimeoutNow", peer)
			}
		}
	}
}

// timeoutMarks returns the TimeoutNow marks in peer's row.
func timeoutMarks(t *testing.T, p *Playground, peer int) []*html.Node {
	row := replicatorRow(t, render(t, p), peer)
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if c, _ := attr(n, "class"); c == "timeout-now" {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(row)
	return out
}

// TestLeaderViewFormats covers what a short run rarely shows: probes,
// snapshots, long lists cut to "+N", waiting responses and joint ballots.
func TestLeaderViewFormats(t *testing.T) {
	s := &raft.Status{ID: 1, Role: raft.Leader, Term: 3, CommitIndex: 9,
		BallotBox: &raft.BallotBoxStatus{PendingIndex: 10, Pending: 6, Ballots: []raft.Ballot{
			{Index: 10, Voters: []raft.NodeID{1, 2, 3, 4, 5}, Granted: []raft.NodeID{1, 2}},
			{Index: 11, Voters: []raft.NodeID{1, 2, 3}, OldVoters: []raft.NodeID{1, 4, 5}, Granted: []raft.NodeID{1, 2, 4}},
			{Index: 12}, {Index: 13}, {Index: 14}, {Index: 15},
		}},
		Replicators: []raft.ReplicatorStatus{{
			Peer: 2, State: raft.StateReplicate, NextIndex: 20, MatchIndex: 9,
			Inflights: []raft.Inflight{
				{Seq: 12, StartIndex: 5, Count: 3}, {Seq: 13, StartIndex: 8},
				{Seq: 14, Type: raft.RequestSnapshot}, {Seq: 15, StartIndex: 8, Count: 1},
				{Seq: 16, StartIndex: 9, Count: 1}, {Seq: 17, StartIndex: 10, Count: 1},
			},
			Seq: 18, RequiredNextSeq: 12, Version: 4, PendingResponses: []uint64{13, 14, 15, 16, 17},
			TimeoutNowIndex: 19, BlockedUntil: 2 * time.Second,
		}},
	}
	lv := leaderView(time.Second, s)
	var ballots []string
	for _, b := range lv.Ballots {
		ballots = append(ballots, b.Text())
	}
	if want := []string{"10: 2/5", "11: 2/3 + old 2/3", "12: 0/0", "13: 0/0"}; !slices.Equal(ballots, want) {
		t.Errorf("ballots %q, want %q", ballots, want)
	}
	if lv.MoreText() != "+2" || lv.OpenBallots != 6 || lv.PendingIndex != 10 {
		t.Errorf("ballot box: more %q, open %d, pending index %d", lv.MoreText(), lv.OpenBallots, lv.PendingIndex)
	}
	r := lv.Replicators[0]
	var fl []string
	for _, f := range r.Inflights {
		fl = append(fl, f.Text())
	}
	if want := []string{"#12 5+3", "#13 probe", "#14 snap", "#15 8+1"}; !slices.Equal(fl, want) {
		t.Errorf("in flight %q, want %q", fl, want)
	}
	if r.MoreText() != "+2" || r.Inflight != 6 {
		t.Errorf("more in flight %q, count %d", r.MoreText(), r.Inflight)
	}
	if r.Waiting != "13 14 15 16 +1" || r.RequiredNextSeq != 12 || r.Version != 4 || r.Seq != 18 {
		t.Errorf("waiting %q, required %d, version %d, seq %d", r.Waiting, r.RequiredNextSeq, r.Version, r.Seq)
	}
	if r.TimeoutNowText() != "TimeoutNow at 19" || r.Blocked != "1000 ms" {
		t.Errorf("TimeoutNow %q, blocked %q", r.TimeoutNowText(), r.Blocked)
	}
}

func TestLinkViewsPlaceEachLink(t *testing.T) {
	for from := 1; from <= 5; from++ {
		for to := 1; to <= 5; to++ {
			if from == to {
				continue
			}
			links, n := linkViews(5, []sim.Link{{From: raft.NodeID(from), To: raft.NodeID(to)}})
			if len(links) != 20 || n != 1 {
				t.Fatalf("%d links, %d cut", len(links), n)
			}
			for _, l := range links {
				if l.Cut != (l.From == from && l.To == to) {
					t.Errorf("cut %d→%d: link %d→%d cut=%v", from, to, l.From, l.To, l.Cut)
				}
			}
		}
	}
}
