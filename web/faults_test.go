package web

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vugu/html"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// This file tests the faults the page offers: crash and restart, the link
// matrix, response delays.

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
	if len(items) != 1 || !strings.Contains(text(items[0]), "on 4/5 nodes, committed") {
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
	if !strings.Contains(text(items[0]), "on 5/5 nodes, committed") {
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
	// The stylesheet places a link by its data-from (row) and data-to
	// (column): no style attribute, which the page's CSP would refuse.
	from, _ := attr(links["3→2"], "data-from")
	to, _ := attr(links["3→2"], "data-to")
	if style, ok := attr(links["3→2"], "style"); ok || from != "3" || to != "2" {
		t.Errorf("link 3→2: data-from %q data-to %q style %q", from, to, style)
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
		if !slices.Equal(ms, []string{"0", "20", "50", "200"}) || pressed != "0" {
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
	if ev := p.View().Feed.Items; len(ev) == 0 || ev[0].Text != "n4's responses are delayed by up to 50ms each." {
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
