// Command scenario runs scenario files natively and prints every
// expectation's outcome; it exits 1 when an expectation fails or a step
// cannot be carried out, and 2 on a usage or parse error.
//
//	go run ./cmd/scenario [-trace FILE] [-history FILE] [-digest] [-q] FILE...
//
// -trace writes every trace event as a JSON line; -history writes
// porcupine's HTML view of the client history; -digest prints the run's
// trace digest (sim.NewTraceDigest), which the JavaScript API's
// traceDigest answers for the same scenario in Node.js or a page. With several scenarios,
// each one's base name is added to these file names. The format is in
// docs/scenarios.md.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/raftplayground/raftplayground/raft/sim"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// config is what the flags ask for.
type config struct {
	// trace and history are the paths to write to ("" writes nothing).
	trace, history string
	// quiet prints failures and the summary only.
	quiet bool
	// digest prints each run's trace digest.
	digest bool
	// several is set when more than one scenario runs.
	several bool
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("scenario", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.trace, "trace", "", "write the trace as JSON lines to this file")
	fs.StringVar(&c.history, "history", "", "write porcupine's HTML view of the client history to this file")
	fs.BoolVar(&c.quiet, "q", false, "print only failures and the summary")
	fs.BoolVar(&c.digest, "digest", false, "print the trace digest (as the JavaScript API's traceDigest)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: scenario [-trace FILE] [-history FILE] [-digest] [-q] FILE...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	c.several = fs.NArg() > 1
	status := 0
	for _, name := range fs.Args() {
		status = max(status, c.runFile(name, stdout, stderr))
	}
	return status
}

// runFile runs one scenario and returns its exit status.
func (c *config) runFile(name string, stdout, stderr io.Writer) int {
	text, err := os.ReadFile(name)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	sc, err := sim.Parse(string(text))
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	r, err := sim.NewRunner(sc)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	// The trace's JSON lines go to the file and the digest asked for.
	var sinks []io.Writer
	var traceFile *bufio.Writer
	if c.trace != "" {
		f, err := os.Create(c.path(c.trace, name))
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		defer f.Close()
		traceFile = bufio.NewWriter(f)
		defer traceFile.Flush()
		sinks = append(sinks, traceFile)
	}
	digest := sim.NewTraceDigest()
	if c.digest {
		sinks = append(sinks, digest)
	}
	if len(sinks) > 0 {
		if err := r.World().Trace().StartSink(io.MultiWriter(sinks...)); err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
	}
	runErr := r.Run()
	for _, o := range r.Outcomes() {
		if !o.Pass || !c.quiet {
			verdict := map[bool]string{true: "ok  ", false: "FAIL"}[o.Pass]
			fmt.Fprintf(stdout, "%s:%d: %s at %v: expect %s (observed: %s)\n", name, o.Line, verdict, o.At, o.Expect, o.Observed)
		}
	}
	status := 0
	var se *sim.StepError
	switch {
	case errors.As(runErr, &se):
		fmt.Fprintf(stdout, "%s:%d: FAIL at %v: %v\n", name, se.Line, r.World().Now(), se.Err)
		status = 1
	case runErr != nil:
		fmt.Fprintf(stdout, "%s: FAIL: %v\n", name, runErr)
		status = 1
	}
	failed := r.Failed()
	if failed > 0 {
		status = 1
	}
	fmt.Fprintf(stdout, "%s: %d of %d expectations met, run ended at %v\n", name, len(r.Outcomes())-failed, len(r.Outcomes()), r.World().Now())
	if c.digest {
		fmt.Fprintf(stdout, "%s: trace digest %s\n", name, sim.TraceDigest(digest))
	}
	if c.history != "" {
		if err := writeHistory(r.World(), c.path(c.history, name)); err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
	}
	if traceFile != nil {
		if err := r.World().Trace().Err(); err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
	}
	return status
}

// path adds the scenario's base name to an output path when several
// scenarios run: trace.jsonl becomes trace-leader-crash.jsonl.
func (c *config) path(out, scenario string) string {
	if !c.several {
		return out
	}
	ext := filepath.Ext(out)
	base := strings.TrimSuffix(filepath.Base(scenario), filepath.Ext(scenario))
	return strings.TrimSuffix(out, ext) + "-" + base + ext
}
