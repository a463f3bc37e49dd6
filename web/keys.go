package web

import (
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// ScrubStep is how far the arrow keys move the scrubber, in virtual time.
const ScrubStep = 10 * time.Millisecond

// Key handles a keyboard shortcut, given as a KeyboardEvent's key, and
// reports whether key is one (the page then keeps the browser from acting
// on it). The page calls it only when no text field has the focus and no
// modifier key is held; "?" (the help) is the page's own.
//
//	Space  pause or play          .  step one event
//	s      send a command         b  burst of commands
//	1–9    crash node n, or restart it when it is down
//	h      heal every link        ← →  scrub by ScrubStep
func (p *Playground) Key(key string) bool {
	switch key {
	case " ":
		p.TogglePause()
	case ".":
		p.Step()
	case "s":
		p.Propose()
	case "b":
		p.Burst()
	case "h":
		p.HealAll()
	case "ArrowLeft":
		p.Seek(p.world.Now() - ScrubStep)
	case "ArrowRight":
		p.Seek(p.world.Now() + ScrubStep)
	default:
		if len(key) != 1 || key[0] < '1' || key[0] > '9' {
			return false
		}
		id := int(key[0] - '0')
		if id > p.world.Options().Nodes {
			return false
		}
		p.toggleNode(id)
	}
	return true
}

// toggleNode crashes node id when it is up, and restarts it when it is
// down.
func (p *Playground) toggleNode(id int) {
	for _, n := range p.world.Status().Nodes {
		if n.ID == raft.NodeID(id) {
			if n.Up {
				p.Crash(id)
			} else {
				p.Restart(id)
			}
			return
		}
	}
}
