package web

import (
	"strings"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft/sim"
)

// TestClusterClickSelectsAndActsOnAMessage: a click on a message in the
// cluster view selects it; the view then lists its fields, and the panel's
// actions hold, release and drop it in the world.
func TestClusterClickSelectsAndActsOnAMessage(t *testing.T) {
	p := newPlayground(t)
	p.Advance(MaxTickWall)
	p.Advance(MaxTickWall)
	s := p.cluster.builder.Build(p.world)
	var target *sim.MsgID
	for i := range s.Messages {
		if m := &s.Messages[i]; m.Outcome == sim.InFlight {
			target = &m.ID
			p.ClickCluster(m.At.X, m.At.Y, 0.001)
			break
		}
	}
	if target == nil {
		t.Fatal("no message in flight to click")
	}
	v := p.View()
	if v.Message == nil || v.Message.ID != *target || v.Message.Gone || len(v.Message.Fields) < 4 {
		t.Fatalf("after clicking message #%d the view shows %+v", *target, v.Message)
	}
	if !strings.Contains(v.Message.Title, "#") || v.Message.Fields[0].Name != "kind" {
		t.Errorf("message view: %+v", v.Message)
	}

	p.HoldMessage()
	if _, rec, ok := p.world.InFlight(*target); !ok || !rec.Held || !p.View().Message.Held {
		t.Fatalf("hold: in flight %v, record %+v", ok, rec)
	}
	p.Advance(MaxTickWall)
	if _, _, ok := p.world.InFlight(*target); !ok {
		t.Fatal("a held message left the wire")
	}
	p.ReleaseMessage()
	if _, rec, _ := p.world.InFlight(*target); rec.Held {
		t.Fatal("release left the message held")
	}
	p.DropMessage()
	if _, _, ok := p.world.InFlight(*target); ok {
		t.Fatal("drop left the message on the wire")
	}
	if v := p.View(); v.Message == nil || !v.Message.Gone {
		t.Fatalf("after the drop the view shows %+v", v.Message)
	}
	p.SelectMessage(0)
	if p.View().Message != nil {
		t.Fatal("the selection was not cleared")
	}
	p.DropMessage()
	if !strings.Contains(p.View().Notice, "no message is selected") {
		t.Errorf("an action without a selection: notice %q", p.View().Notice)
	}
}

// TestClusterClickOnALinkCutsIt: a click on the sender's half of a link
// cuts that direction only; a second one heals it; a click on empty space
// clears the selection.
func TestClusterClickOnALinkCutsIt(t *testing.T) {
	p := newPlayground(t)
	p.Advance(100 * time.Millisecond)
	s := p.cluster.builder.Build(p.world)
	a, b := s.Nodes[0].At, s.Nodes[1].At
	x, y := a.X+(b.X-a.X)*0.25, a.Y+(b.Y-a.Y)*0.25
	p.ClickCluster(x, y, 0.01)
	cut := p.world.Status().Cut
	if len(cut) != 1 || cut[0] != (sim.Link{From: 1, To: 2}) {
		t.Fatalf("after one click the cut links are %+v", cut)
	}
	p.ClickCluster(x, y, 0.01)
	if cut := p.world.Status().Cut; len(cut) != 0 {
		t.Fatalf("after a second click the cut links are %+v", cut)
	}
	p.SelectMessage(7)
	p.ClickCluster(0.5, 0.5, 0.001)
	if p.cluster.selected != 0 {
		t.Error("a click on empty space kept the selection")
	}
}

// TestWireListPicksAMessage: paused, the message panel lists the messages
// on the wire, soonest to arrive first and held ones last, at most
// wireShown with a count of the rest; a button of the list selects its
// message as a click on its dot does. Playing, there is no list.
func TestWireListPicksAMessage(t *testing.T) {
	p := newPlayground(t)
	run(p, 2*time.Second)
	p.Burst()
	run(p, 2*time.Millisecond)
	if v := p.View(); v.Wire != nil {
		t.Fatalf("playing, the panel lists %+v", v.Wire)
	}
	if !strings.Contains(text(render(t, p).byID("message-title").Parent), "pause to list the messages on the wire") {
		t.Error("playing, the panel does not say how to list the messages")
	}
	p.TogglePause()
	wire := p.world.Status().Wire
	if len(wire) <= wireShown {
		t.Fatalf("%d messages on the wire after a burst; the test wants more than %d", len(wire), wireShown)
	}
	l := p.View().Wire
	if l == nil || len(l.Items) != wireShown || l.More != len(wire)-wireShown {
		t.Fatalf("paused with %d messages on the wire, the list is %+v", len(wire), l)
	}
	arrive := map[sim.MsgID]time.Duration{}
	for _, m := range wire {
		arrive[m.ID] = m.Arrive
	}
	for i := 1; i < len(l.Items); i++ {
		if arrive[l.Items[i].ID] < arrive[l.Items[i-1].ID] {
			t.Fatalf("item %d (%s) arrives before the one above it (%s)", i, l.Items[i].Text, l.Items[i-1].Text)
		}
	}

	// Pick the first by its button: it is selected, and held it goes last.
	first := l.Items[0]
	pg := render(t, p)
	buttons := pg.byAttr("data-msg", itoa(int(first.ID)))
	if len(buttons) != 1 || !strings.Contains(text(buttons[0]), first.Text) {
		t.Fatalf("no button for %s", first.Text)
	}
	p.SelectMessage(first.ID)
	p.HoldMessage()
	v := p.View()
	if v.Message == nil || v.Message.ID != first.ID || !v.Message.Held {
		t.Fatalf("after picking %s and holding it the panel shows %+v", first.Text, v.Message)
	}
	if len(v.Wire.Items) != wireShown || v.Wire.Items[0].ID == first.ID {
		t.Fatalf("the held message is still first: %+v", v.Wire.Items[0])
	}
	if pressed, _ := attr(render(t, p).byAttr("data-msg", itoa(int(v.Wire.Items[0].ID)))[0], "aria-pressed"); pressed != "false" {
		t.Errorf("an unselected message's button has aria-pressed %q", pressed)
	}
	// Everything else arrives; the held one stays, listed as held.
	p.TogglePause()
	run(p, 40*time.Millisecond)
	p.TogglePause()
	v = p.View()
	var held *WireItem
	for i := range v.Wire.Items {
		if it := &v.Wire.Items[i]; it.ID == first.ID {
			held = it
		}
	}
	if held == nil || !held.Selected || !strings.HasSuffix(held.Text, ", held") {
		t.Fatalf("the held message in the list: %+v (list %+v)", held, v.Wire.Items)
	}
	if pressed, _ := attr(render(t, p).byAttr("data-msg", itoa(int(first.ID)))[0], "aria-pressed"); pressed != "true" {
		t.Errorf("the selected message's button has aria-pressed %q", pressed)
	}
}
