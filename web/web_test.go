package web

import (
	"bytes"
	"fmt"
	"strings"
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

// TestElementCount keeps the page small enough to re-render often (see
// shared/notes/vugu-performance.md: about 500 elements at most per pass).
// What moves is drawn on the cluster view's canvas, outside Vugu, and the
// Vugu pass runs at most every RenderInterval: the page stays within the
// notes' 500 (maxElements).
func TestElementCount(t *testing.T) {
	p := newPlayground(t)
	leaderAfter(t, p, 2*time.Second)
	for range 10 {
		p.Propose()
	}
	p.ToggleFeedKind(string(FeedMessages)) // the most rows the feed lists
	advance(p, time.Second)
	if n := len(p.View().Feed.Items); n != maxFeedRows {
		t.Fatalf("the feed lists %d events, want its most, %d", n, maxFeedRows)
	}
	count := func(what string) {
		t.Helper()
		n := len(render(t, p).all(func(n *html.Node) bool { return true })) - 3 // html, head, body
		t.Logf("%s: %d elements", what, n)
		if n > maxElements {
			t.Errorf("%s: %d elements; keep the page under %d", what, n, maxElements)
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

// maxElements bounds the elements Vugu re-syncs in one pass: the notes'
// rule of thumb for keeping 60 fps (shared/notes/vugu-performance.md).
const maxElements = 500
