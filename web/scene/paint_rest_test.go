package scene

import (
	"strings"
	"testing"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// TestRestingMessagesDrawnOnce: delivered messages fading at the same
// point in the same style are drawn once, the freshest (the largest dot,
// which covers the others); one of another kind there, one on the wire and
// the selected one are drawn as ever.
func TestRestingMessagesDrawnOnce(t *testing.T) {
	at := Point{X: 0.7, Y: 0.3}
	msg := func(id sim.MsgID, kind sim.MsgKind, out sim.MsgOutcome, fade float64) Message {
		return Message{MsgRecord: sim.MsgRecord{ID: id, From: 1, To: 2, Kind: kind, Outcome: out}, At: at, Fade: fade}
	}
	s := &Scene{
		Nodes: []Node{{ID: 1, At: Point{X: 0.3, Y: 0.3}, Up: true}, {ID: 2, At: Point{X: 0.9, Y: 0.3}, Up: true, Role: raft.Leader}},
		Messages: []Message{
			msg(1, sim.KindAppend, sim.Delivered, 0.2),
			msg(2, sim.KindAppend, sim.Delivered, 0.9), // the freshest append
			msg(3, sim.KindAppend, sim.Delivered, 0.5),
			msg(4, sim.KindHeartbeat, sim.Delivered, 0.3),
			msg(5, sim.KindAppend, sim.InFlight, 1),
			msg(6, sim.KindAppend, sim.Delivered, 0.1), // selected
		},
	}
	var r recorder
	var p Painter
	p.Paint(&r, s, 1000, 6)
	dots := func(color string) []string {
		var out []string
		for _, c := range r.calls {
			if strings.HasPrefix(c, "circle 700,300 ") && strings.Contains(c, "fill="+color) {
				out = append(out, c)
			}
		}
		return out
	}
	// Radius 14 × (0.4 + 0.6 × fade): 13 at 0.9, 14 on the wire, 8 at
	// 0.3 (the heartbeat), 6 at 0.1 (the selected one, ringed).
	app, beat := KindColor(sim.KindAppend), KindColor(sim.KindHeartbeat)
	if got := strings.Join(dots(app), "; "); got != "circle 700,300 r=13 fill="+app+" stroke=; circle 700,300 r=14 fill="+app+" stroke=; circle 700,300 r=6 fill="+app+" stroke=" {
		t.Errorf("append dots: %s", got)
	}
	if got := dots(beat); len(got) != 1 || !strings.Contains(got[0], "r=8 ") {
		t.Errorf("heartbeat dots: %v", got)
	}
	if r.count("stroke="+colorSelected) != 1 {
		t.Errorf("the selected message is not ringed: %v", r.calls)
	}
}
