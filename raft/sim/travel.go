package sim

import (
	"fmt"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// Intervention is one thing done to a world from outside. A world records
// them so that it can be rebuilt at any past moment.
type Intervention struct {
	At   time.Duration `json:"at_ns"`
	Kind string        `json:"kind"`
	Node raft.NodeID   `json:"node,omitempty"`
	From raft.NodeID   `json:"from,omitempty"`
	To   raft.NodeID   `json:"to,omitempty"`
	Link *LinkConfig   `json:"link,omitempty"`
	// Groups of a partition.
	Groups [][]raft.NodeID `json:"groups,omitempty"`
	Delay  time.Duration   `json:"delay_ns,omitempty"`
	Msg    MsgID           `json:"msg,omitempty"`
	Data   string          `json:"data,omitempty"`
}

// intervene records an intervention (unless it is being replayed).
func (w *World) intervene(iv Intervention) {
	if w.replaying {
		return
	}
	iv.At = w.now
	w.interventions = append(w.interventions, iv)
}

// Interventions returns what was done to the world, in order.
func (w *World) Interventions() []Intervention {
	return append([]Intervention(nil), w.interventions...)
}

// apply carries out a recorded intervention.
func (iv *Intervention) apply(w *World) error {
	switch iv.Kind {
	case "crash":
		return w.Crash(iv.Node)
	case "restart":
		return w.Restart(iv.Node)
	case "link":
		return w.SetLinkConfig(iv.From, iv.To, *iv.Link)
	case "partition":
		return w.Partition(iv.Groups...)
	case "isolate":
		return w.Isolate(iv.Node)
	case "heal-all":
		w.HealAll()
		return nil
	case "response-delay":
		return w.SetResponseDelay(iv.Node, iv.Delay)
	case "hold":
		return w.Hold(iv.Msg)
	case "release":
		return w.Release(iv.Msg)
	case "drop":
		return w.Drop(iv.Msg)
	case "duplicate":
		_, err := w.Duplicate(iv.Msg)
		return err
	case "propose":
		_, err := w.ProposeTo(iv.Node, []byte(iv.Data))
		return err
	}
	return fmt.Errorf("sim: unknown intervention %q", iv.Kind)
}

// Replay builds a new world from opts and replays interventions up to and
// including time until, then runs to until.
func Replay(opts Options, interventions []Intervention, until time.Duration) (*World, error) {
	w, err := New(opts)
	if err != nil {
		return nil, err
	}
	for _, iv := range interventions {
		if iv.At > until {
			break
		}
		w.RunUntil(iv.At)
		w.interventions = append(w.interventions, iv)
		w.replaying = true
		err := iv.apply(w)
		w.replaying = false
		if err != nil {
			return nil, fmt.Errorf("sim: replaying %s at %v: %w", iv.Kind, iv.At, err)
		}
	}
	w.RunUntil(until)
	return w, nil
}

// Seek returns the world as it was at time t (t <= Now): rebuilt from the
// seed with the interventions made before t. Acting on the returned world
// forks the run: its future is whatever happens next.
func (w *World) Seek(t time.Duration) (*World, error) {
	if t < 0 || t > w.now {
		return nil, fmt.Errorf("sim: cannot seek to %v: the run spans 0..%v", t, w.now)
	}
	return Replay(w.opts, w.interventions, t)
}
