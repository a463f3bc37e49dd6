package main

// Scenarios through the API: loadScenario parses a scenario and makes a
// cluster that runs it step by step; the cluster is an ordinary one (every
// method works on it between steps). scenario writes any cluster's run as
// a scenario, so that a run can be shared and replayed.

import (
	"errors"
	"fmt"
	"hash"
	"strings"
	"time"

	"github.com/raftplayground/raftplayground/raft/sim"
)

// Limits of scenarios through the API.
const (
	// MaxScenarioBytes bounds a scenario's text (the library's longest
	// is under 2 KiB).
	MaxScenarioBytes = MaxStringUnits
	// MaxScenarioTime bounds the virtual time a scenario may take: every
	// "at", plus every "after" and every "when"'s wait, so that running
	// one cannot freeze the page for long.
	MaxScenarioTime = time.Hour
	// MaxScenarioOps bounds the operations a scenario's random workload
	// may offer (client-rate times the scenario's virtual time): a world
	// keeps every operation for the linearizability checker, and every
	// entry when the scenario sets no snapshot-every. 50000 operations on
	// nine nodes take about 130 MiB and 20 s in Node.js.
	MaxScenarioOps = 50_000
	// MaxExportBytes bounds what scenario answers: what loadScenario
	// takes, so that every run it writes loads back.
	MaxExportBytes = MaxScenarioBytes
)

// scenarioRun is a scenario running on a cluster's world.
type scenarioRun struct {
	// sc is the parsed scenario; runner runs it on the cluster's world.
	sc     *sim.Scenario
	runner *sim.Runner
	// next is the index in sc.Steps of the next step to run.
	next int
	// narration holds the say lines reached so far, in order.
	narration []narrationLine
	// digest hashes the world's whole trace as JSON lines, from its first
	// event (sim.NewTraceDigest), as cmd/scenario -digest does, so the same
	// scenario gives the same digest natively, in Node.js and in a page.
	digest hash.Hash
}

// narrationLine is one say line reached.
type narrationLine struct {
	// Line is the say line's; At the virtual time it was reached; Text
	// what it says.
	Line int    `json:"line"`
	At   int64  `json:"at_ns"`
	Text string `json:"text"`
}

// loadedScenario is what loadScenario answers.
type loadedScenario struct {
	// ID is the cluster the scenario runs on.
	ID int `json:"id"`
	// Steps counts the scenario's steps.
	Steps int `json:"steps"`
}

// progress is what a scenario's step and run answer.
type progress struct {
	// Done: every step ran, or one failed.
	Done bool `json:"done"`
	// Next is the index of the next step to run; Steps counts them.
	Next  int `json:"next"`
	Steps int `json:"steps"`
	// Line is the line of the last step that ran (0 before any).
	Line int `json:"line"`
	// Now is the virtual time.
	Now int64 `json:"now_ns"`
	// Error is the step that failed and why, or nil.
	Error *stepFailure `json:"error"`
	// Failed counts the failed expectations so far.
	Failed int `json:"failed"`
}

// stepFailure is a step that could not be carried out.
type stepFailure struct {
	// Line is the step's line; Message why it failed.
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// loadScenario parses a scenario and makes the cluster it runs on, at
// time zero before its first step.
func (r *Registry) loadScenario(arg any) (any, error) {
	text, sc, err := readScenario(arg)
	if err != nil {
		return nil, err
	}
	runner, err := sim.NewRunner(sc)
	if err != nil {
		return nil, err
	}
	digest := sim.NewTraceDigest()
	if err := runner.World().Trace().StartSink(digest); err != nil {
		return nil, err // a new world has traced a few events, far fewer than the trace keeps
	}
	// The text bounds what the scenario proposes; it is counted as the
	// cluster's command bytes.
	id, err := r.add(&cluster{w: runner.World(), bytes: len(text), scenario: &scenarioRun{sc: sc, runner: runner, digest: digest}})
	if err != nil {
		return nil, err
	}
	return loadedScenario{ID: id, Steps: len(sc.Steps)}, nil
}

// readScenario reads a call's scenario text: within MaxScenarioBytes,
// parsed, and within the cost a call may ask for.
func readScenario(arg any) (string, *sim.Scenario, error) {
	text, err := stringArg("text", arg, MaxScenarioBytes)
	if err != nil {
		return "", nil, err
	}
	sc, err := sim.Parse(text)
	if err != nil {
		return "", nil, err
	}
	if err := checkSeed(sc); err != nil {
		return "", nil, err
	}
	return text, sc, checkCost(sc)
}

// checkSeed refuses a seed above maxSafeInteger, as createCluster does:
// the API answers the seed as a JavaScript number (status, violation),
// which would hold another one (18446744073709551615 read as
// 18446744073709552000).
func checkSeed(sc *sim.Scenario) error {
	o, err := sc.Options()
	if err != nil || o.Seed <= maxSafeInteger {
		return err
	}
	pe := &sim.ParseError{Line: 1, Col: 1, Msg: fmt.Sprintf(
		"seed must be at most %d through the API, the largest integer a JavaScript number holds exactly, got %d", uint64(maxSafeInteger), o.Seed)}
	for _, st := range sc.Settings {
		if st.Name == "seed" {
			pe.Line = st.Line
		}
	}
	return pe
}

// checkRunCost refuses a run link's scenario (a page's "#run=" fragment)
// that would cost more than a scenario through the API may: the page runs
// a link's scenario to its end before it shows anything, so a link of
// "at 1000h" froze the page for hours. A text that does not parse is left
// to the page, which says where.
func checkRunCost(text string) error {
	sc, err := sim.Parse(text)
	if err != nil {
		return nil
	}
	if err := checkCost(sc); err != nil {
		return fmt.Errorf("the run is too long to replay: %w", err)
	}
	return nil
}

// checkCost refuses a scenario that may take more than MaxScenarioTime of
// virtual time, naming the step that passes it, or whose workload may
// offer more than MaxScenarioOps operations in that time, naming its
// client-rate line.
func checkCost(sc *sim.Scenario) error {
	var t time.Duration
	for i, latest := range sc.LatestTimes() {
		if t = latest; t > MaxScenarioTime {
			return &sim.ParseError{Line: sc.Steps[i].Line, Col: 1, Msg: fmt.Sprintf(
				"the scenario may run %v of virtual time by this step, more than the %v a scenario through the API may take (count every at, after and when's within)",
				t, MaxScenarioTime)}
		}
	}
	o, err := sc.Options()
	if err != nil || o.Clients == 0 {
		return err
	}
	if ops := o.ClientRate * t.Seconds(); ops > MaxScenarioOps {
		pe := &sim.ParseError{Line: 1, Col: 1, Msg: fmt.Sprintf(
			"the workload may offer %.0f operations (client-rate %v/s for %v), more than the %d a scenario through the API may (every one is kept)",
			ops, o.ClientRate, t, MaxScenarioOps)}
		for _, st := range sc.Settings {
			if st.Name == "client-rate" || (st.Name == "clients" && pe.Line == 1) {
				pe.Line = st.Line
			}
		}
		return pe
	}
	return nil
}

// scenarioOf finds the scenario a cluster runs.
func scenarioOf(c *cluster) (*scenarioRun, error) {
	if c.scenario == nil {
		return nil, fmt.Errorf("cluster was not made by loadScenario")
	}
	return c.scenario, nil
}

// scenarioStep runs the scenario's next step.
func scenarioStep(_ *Registry, c *cluster, _ []any) (any, error) {
	s, err := scenarioOf(c)
	if err != nil {
		return nil, err
	}
	s.step()
	return s.progress(), nil
}

// scenarioRunAll runs the scenario's remaining steps.
func scenarioRunAll(_ *Registry, c *cluster, _ []any) (any, error) {
	s, err := scenarioOf(c)
	if err != nil {
		return nil, err
	}
	for !s.runner.Done() {
		s.step()
	}
	return s.progress(), nil
}

// step runs one step, noting its narration once it is reached.
func (s *scenarioRun) step() {
	if s.runner.Done() {
		return
	}
	st := s.sc.Steps[s.next]
	s.next++
	err := s.runner.Step()
	if a := st.Action; err == nil && a != nil && a.Verb == "say" {
		s.narration = append(s.narration, narrationLine{Line: st.Line, At: int64(s.runner.World().Now()), Text: a.Text})
	}
}

// progress says where the scenario is.
func (s *scenarioRun) progress() progress {
	p := progress{Done: s.runner.Done(), Next: s.next, Steps: len(s.sc.Steps), Now: int64(s.runner.World().Now()), Failed: s.runner.Failed()}
	if s.next > 0 {
		p.Line = s.sc.Steps[s.next-1].Line
	}
	if s.runner.Done() {
		// Run, once done, answers the error that stopped the run.
		if err := s.runner.Run(); err != nil {
			p.Error = &stepFailure{Line: p.Line, Message: err.Error()}
			var se *sim.StepError
			if errors.As(err, &se) {
				p.Error.Line, p.Error.Message = se.Line, strings.TrimPrefix(se.Err.Error(), "sim: ")
			}
		}
	}
	return p
}

// scenarioOutcomes answers the expectations checked so far.
func scenarioOutcomes(_ *Registry, c *cluster, _ []any) (any, error) {
	s, err := scenarioOf(c)
	if err != nil {
		return nil, err
	}
	return nonNil(s.runner.Outcomes()), nil
}

// scenarioNarration answers the say lines reached so far.
func scenarioNarration(_ *Registry, c *cluster, _ []any) (any, error) {
	s, err := scenarioOf(c)
	if err != nil {
		return nil, err
	}
	return nonNil(s.narration), nil
}

// scenarioDigest answers the digest (sim.NewTraceDigest) of the cluster's
// whole trace so far as JSON lines (every call made on the cluster is traced
// too, so it is the scenario's digest only when nothing else ran on it).
func scenarioDigest(_ *Registry, c *cluster, _ []any) (any, error) {
	s, err := scenarioOf(c)
	if err != nil {
		return nil, err
	}
	return sim.TraceDigest(s.digest), nil
}

// exportScenario writes the cluster's run so far as a scenario: its
// settings, every intervention at its time, and a last step to now.
func exportScenario(_ *Registry, c *cluster, _ []any) (any, error) {
	sc, err := sim.FromInterventions(c.w.Options(), c.w.Interventions(), c.w.Now())
	if err != nil {
		return nil, err
	}
	text := sim.Format(sc)
	if len(text) > MaxExportBytes {
		return nil, fmt.Errorf("the run written as a scenario has %d bytes, more than the %d a scenario may have", len(text), MaxExportBytes)
	}
	// Format writes what Parse may refuse (a proposal longer than a
	// scenario line may be); a run that would not load back is an error
	// here rather than a puzzle for whoever it is shared with.
	if _, err := sim.Parse(text); err != nil {
		return nil, fmt.Errorf("the run cannot be written as a scenario that reads back: %v", err)
	}
	return text, nil
}
