package web

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/raftplayground/raftplayground/raft/sim"
)

// This file is the event feed: the world's trace in plain language,
// newest first, filtered by node and by kind, with reading paused while
// the reader has scrolled away from the newest events. Like everything the
// page shows of the run, it is read from the world at each view: after a
// seek it lists that moment's events. What the page keeps is only how the
// reader looks at it (the filters and where reading paused).

// FeedKind is a category of events the feed can show or hide.
type FeedKind string

// The categories.
const (
	FeedElections   FeedKind = "elections"
	FeedReplication FeedKind = "replication"
	FeedFaults      FeedKind = "faults"
	FeedClient      FeedKind = "client"
	FeedMembership  FeedKind = "membership"
	FeedMessages    FeedKind = "messages"
	// FeedOther is the disk, timers and the world's start.
	FeedOther FeedKind = "other"
	// FeedProblems are errors and safety violations: always shown.
	FeedProblems FeedKind = "problems"
)

// FeedKindOption is a category as the feed's filter offers it.
type FeedKindOption struct {
	Kind  FeedKind
	Label string
	// Title says what the category holds.
	Title string
	// Off: hidden until the reader asks (too many to read).
	Off bool
}

// FeedKinds are the categories the filter offers, in order.
var FeedKinds = []FeedKindOption{
	{FeedElections, "Elections", "Timeouts, pre-votes, elections won, leaders stepping down", false},
	{FeedReplication, "Replication", "Replicators: Probe and Replicate, resets, rejected appends and nextIndex repairs", false},
	{FeedFaults, "Faults", "Crashes, restarts, cut and healed links, delays, held messages", false},
	{FeedClient, "Client", "Client calls, their answers and proposed commands", false},
	{FeedMembership, "Membership", "Leadership transfers and configuration changes", false},
	{FeedMessages, "Messages", "Every message sent, delivered, lost or unanswered (many: only the latest few hundred events are kept)", true},
	{FeedOther, "Disk & timers", "Writes to disk, entries applied, timer ticks", true},
}

const (
	// maxFeedRows bounds the rows the feed lists (each is re-rendered
	// on every Vugu pass).
	maxFeedRows = 30
	// feedNotable and feedRecent are how many of the trace's notable and
	// latest events the feed reads: all it keeps.
	feedNotable = 1 << 10
	feedRecent  = 1 << 10
)

// feedState is how the reader looks at the feed; none of it is the run's.
type feedState struct {
	// shown has bit i set when FeedKinds[i] is shown, inverted for the
	// ones Off by default, so the zero value is the default.
	flipped uint32
	// node, when not 0, shows only the events about that node.
	node int
	// pin, when not 0, is the newest event the reader is reading from:
	// newer ones are counted, not listed, until the reader comes back to
	// the top (reading paused).
	pin uint64
}

// FeedView is the feed as the page shows it.
type FeedView struct {
	// Items are the events shown, newest first, at most maxFeedRows.
	Items []FeedItem
	// New counts the events that match the filters and came after the
	// reader paused (0 while live).
	New int
	// Paused is set while reading is paused.
	Paused bool
	// Kinds are the category toggles, Node the node shown (0: all) and
	// Nodes how many nodes there are.
	Kinds []FeedKindToggle
	Node  int
	Nodes int
	// Safety is the run's safety status.
	Safety SafetyView
}

// FeedItem is one event of the feed.
type FeedItem struct {
	// N numbers the event in the run.
	N uint64
	// At is the virtual time, e.g. "1.234".
	At string
	// Kind is the event's category.
	Kind FeedKind
	// Text is the event in words (with how often it repeated).
	Text string
	// Repeats counts the older events folded into this row (the same
	// thing again, e.g. a request to a crashed node failing every
	// heartbeat), and Since is the time of the oldest of them.
	Repeats int
	Since   string
}

// FeedKindToggle is one category's toggle.
type FeedKindToggle struct {
	FeedKindOption
	// On: the category is shown.
	On bool
}

// SafetyView is the run's safety status: every check passing, or the
// violation that stopped the run.
type SafetyView struct {
	// OK is set while no check failed.
	OK bool
	// Text says which checks pass, or what was violated and where.
	Text string
	// Seed and AtMs place the violation: the run's seed and the virtual
	// millisecond it was found at.
	Seed uint64
	AtMs int64
	// Here is set when the page shows the moment of the violation.
	Here bool
}

// kindOn reports whether FeedKinds[i] is shown.
func (f *feedState) kindOn(i int) bool {
	return FeedKinds[i].Off == (f.flipped&(1<<i) != 0)
}

// shows reports whether events of kind k are shown.
func (f *feedState) shows(k FeedKind) bool {
	if k == FeedProblems {
		return true
	}
	i := slices.IndexFunc(FeedKinds, func(o FeedKindOption) bool { return o.Kind == k })
	return i >= 0 && f.kindOn(i)
}

// ToggleFeedKind shows or hides a category of events.
func (p *Playground) ToggleFeedKind(kind string) {
	for i, o := range FeedKinds {
		if string(o.Kind) == kind {
			p.feed.flipped ^= 1 << i
		}
	}
}

// SetFeedNode shows only the events about node id (text, from a select),
// or about every node for "" or "0".
func (p *Playground) SetFeedNode(id string) {
	n, err := strconv.Atoi(id)
	if err != nil || n < 0 || n > p.world.Options().Nodes {
		n = 0
	}
	p.feed.node = n
}

// FeedScrolled is told where the reader scrolled the feed: away from the
// newest events (top > a few pixels) pauses reading at the newest event
// shown; back at the top resumes it.
func (p *Playground) FeedScrolled(top float64) {
	switch {
	case top <= feedTopSlack:
		p.feed.pin = 0
	case p.feed.pin == 0:
		p.feed.pin = p.world.Trace().Len()
	}
}

// feedTopSlack is how far from the top, in pixels, still counts as
// reading the newest events.
const feedTopSlack = 4

// FeedLive resumes reading at the newest events (the "k new events"
// button; the page scrolls the list to its top).
func (p *Playground) FeedLive() { p.feed.pin = 0 }

// feedView builds the feed from the shown world's trace.
func (p *Playground) feedView() FeedView {
	f := &p.feed
	tr := p.world.Trace()
	pin := f.pin
	if pin > tr.Len() {
		pin = 0 // the world shown is another (a seek): read live
	}
	v := FeedView{Paused: pin != 0, Node: f.node, Nodes: p.world.Options().Nodes, Safety: p.safetyView()}
	if v.Node > v.Nodes {
		v.Node = 0 // a reset to fewer nodes
	}
	for i, o := range FeedKinds {
		v.Kinds = append(v.Kinds, FeedKindToggle{FeedKindOption: o, On: f.kindOn(i)})
	}
	records := tr.NotableRecords(feedNotable)
	if f.shows(FeedMessages) || f.shows(FeedOther) {
		records = mergeRecords(records, tr.RecentRecords(feedRecent))
	}
	var groups feedGroups
	for i := len(records) - 1; i >= 0; i-- {
		r := &records[i]
		if r.Kind == sim.EvTimer {
			continue // a tick says nothing a reader can follow
		}
		ph := phrase(r)
		if !f.shows(ph.kind) || (v.Node != 0 && ph.nodes&bit(uint64(v.Node)) == 0 && ph.kind != FeedProblems) {
			continue
		}
		if pin != 0 && r.N > pin {
			v.New++
			continue
		}
		if groups.repeat(v.Items, r) {
			continue
		}
		if len(v.Items) < maxFeedRows {
			v.Items = append(v.Items, FeedItem{N: r.N, At: formatSeconds(r.At), Kind: ph.kind, Text: ph.text})
			groups.add(len(v.Items)-1, r)
		}
	}
	for i := range v.Items {
		if it := &v.Items[i]; it.Repeats > 0 {
			it.Text += fmt.Sprintf(" (and %d more like it since %s s)", it.Repeats, it.Since)
		}
	}
	return v
}

// feedGroups folds repeats into one row: a replicator that keeps failing
// or repairing the same follower (a crashed or cut-off one) would else
// fill the feed with the same sentence every heartbeat. A repeat is an
// event of the same format from the same leader about the same follower
// as one of the last few rows listed.
type feedGroups struct {
	// keys are the last rows' keys and rows their indexes in the items.
	keys [feedGroupLook]feedGroupKey
	rows [feedGroupLook]int
	n    int
}

// feedGroupLook is how many rows back a repeat is looked for (a failing
// replicator alternates a reset and a block).
const feedGroupLook = 3

// feedGroupKey identifies events that repeat one another.
type feedGroupKey struct {
	format string
	node   uint64
	peer   uint64
}

// keyOf is r's group key; ok is false for events never folded.
func keyOf(r *sim.Record) (feedGroupKey, bool) {
	switch r.Format {
	case sim.FormatReplicatorBlocked, sim.FormatReplicatorReset, sim.FormatRepair:
		return feedGroupKey{r.Format, uint64(r.Node), args(r.Args).u(1)}, true
	}
	return feedGroupKey{}, false
}

// repeat reports whether r repeats one of the last rows of items, and if
// so counts it there (events come newest first, so r is older).
func (g *feedGroups) repeat(items []FeedItem, r *sim.Record) bool {
	k, ok := keyOf(r)
	if !ok {
		return false
	}
	for i := range min(g.n, feedGroupLook) {
		if g.keys[i] == k {
			it := &items[g.rows[i]]
			it.Repeats++
			it.Since = formatSeconds(r.At)
			return true
		}
	}
	return false
}

// add remembers row i, made from r, as one of the last rows.
func (g *feedGroups) add(i int, r *sim.Record) {
	k, _ := keyOf(r)
	copy(g.keys[1:], g.keys[:feedGroupLook-1])
	copy(g.rows[1:], g.rows[:feedGroupLook-1])
	g.keys[0], g.rows[0] = k, i
	g.n++
}

// mergeRecords merges two runs of records, each oldest first, into one
// without repeats.
func mergeRecords(a, b []sim.Record) []sim.Record {
	out := make([]sim.Record, 0, len(a)+len(b))
	for len(a) > 0 || len(b) > 0 {
		switch {
		case len(b) == 0 || (len(a) > 0 && a[0].N < b[0].N):
			out, a = append(out, a[0]), a[1:]
		case len(a) == 0 || b[0].N < a[0].N:
			out, b = append(out, b[0]), b[1:]
		default: // the same event
			out, a, b = append(out, a[0]), a[1:], b[1:]
		}
	}
	return out
}

// safetyView is the safety status of the whole run (its violation stops
// it, so a violation is at the run's end, and the page may show an
// earlier moment).
func (p *Playground) safetyView() SafetyView {
	var v *sim.Violation
	if !errors.As(p.head.Violation(), &v) {
		return SafetyView{OK: true, Text: "All safety checks pass, checked after every event: election safety, leader append-only, log matching, leader completeness, state machine safety."}
	}
	return SafetyView{
		Text: "Safety violated: " + v.Property + " at " + formatSeconds(v.At) + " s (seed " + strconv.FormatUint(v.Seed, 10) + ", event " +
			strconv.FormatUint(v.Event, 10) + "): " + v.Detail,
		Seed: v.Seed, AtMs: v.At.Milliseconds(), Here: p.world.Violation() != nil,
	}
}

// SeekViolation shows the moment the run's safety violation was found.
func (p *Playground) SeekViolation() {
	var v *sim.Violation
	if errors.As(p.head.Violation(), &v) {
		p.Seek(v.At)
	}
}
