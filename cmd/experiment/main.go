// Command experiment runs one of raft/sim/experiment's experiments and
// prints a summary table; -csv and -json write every trial.
//
//	go run ./cmd/experiment election [-seed N] [-trials N] [-prevote] [-cap 10s] [-latency-min 6ms -latency-max 9ms] [-uneven-logs] [-csv FILE] [-json FILE]
//	go run ./cmd/experiment pipelining [-seed N] [-trials N] [-measure 2s] [-csv FILE] [-json FILE]
//
// See docs/experiments.md.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/raftplayground/raftplayground/raft/sim/experiment"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "experiment:", err)
		os.Exit(2)
	}
}

// run parses args, runs the experiment and writes the table to out and
// progress to progress.
func run(args []string, out, progress io.Writer) error {
	fs := flag.NewFlagSet("experiment", flag.ContinueOnError)
	fs.SetOutput(progress)
	fs.Usage = func() {
		fmt.Fprintf(progress, "usage: experiment NAME [flags]   (NAME: %s)\n", strings.Join(experiment.Names(), ", "))
		fs.PrintDefaults()
	}
	var o experiment.Options
	fs.Uint64Var(&o.Seed, "seed", 1, "the seed that makes the run")
	fs.IntVar(&o.Trials, "trials", 0, "trials per configuration (0: the experiment's default)")
	fs.BoolVar(&o.PreVote, "prevote", false, "run the nodes with pre-vote (the paper's setup has none)")
	fs.DurationVar(&o.Cap, "cap", 0, "an election trial's limit after the crash (0: 10s)")
	fs.DurationVar(&o.Measure, "measure", 0, "how long a pipelining trial counts commits (0: 2s)")
	fs.DurationVar(&o.LatencyMin, "latency-min", 0, "election: the least one-way link latency (with -latency-max; 0: 6ms)")
	fs.DurationVar(&o.LatencyMax, "latency-max", 0, "election: the most one-way link latency (0: 9ms)")
	fs.BoolVar(&o.UnevenLogs, "uneven-logs", false, "election: two followers miss the leader's last entry, as in the paper's worst case")
	csvFile := fs.String("csv", "", "write one row per trial to this file")
	jsonFile := fs.String("json", "", "write the whole result as JSON to this file")
	quiet := fs.Bool("q", false, "print no progress")
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fs.Usage()
		return errors.New("name an experiment first")
	}
	name := args[0]
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	r, err := experiment.New(name, o)
	if err != nil {
		return err
	}
	start := time.Now()
	for !r.Step(100) {
		if !*quiet {
			done, total := r.Progress()
			fmt.Fprintf(progress, "\r%d/%d trials", done, total)
		}
	}
	if !*quiet {
		done, total := r.Progress()
		fmt.Fprintf(progress, "\r%d/%d trials in %v\n", done, total, time.Since(start).Round(time.Millisecond))
	}
	if err := r.Err(); err != nil {
		return err
	}
	res := r.Result()
	printTable(out, res)
	if *csvFile != "" {
		if err := os.WriteFile(*csvFile, res.CSV(), 0o644); err != nil {
			return err
		}
	}
	if *jsonFile != "" {
		b, err := res.JSON()
		if err != nil {
			return err
		}
		if err := os.WriteFile(*jsonFile, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// printTable writes one line per configuration: its summary (the
// election's capped trials, the pipelining's throughput).
func printTable(out io.Writer, res *experiment.Result) {
	fmt.Fprintf(out, "%s\nseed %d, pre-vote %v, %d trials per configuration\n\n", res.Title, res.Seed, res.PreVote, res.Trials)
	tw := tabwriter.NewWriter(out, 0, 8, 2, ' ', tabwriter.AlignRight)
	rate := res.Name == "pipelining"
	extra := "capped"
	if rate {
		extra = "commits/s"
	}
	fmt.Fprintf(tw, "config\ttrials\t%s\tmedian\tp90\tp99\tmax\tmean\t\n", extra)
	metric := ""
	for _, c := range res.Configs {
		s := c.Summary
		metric = s.Metric
		x := strconv.Itoa(s.Capped)
		if rate {
			x = strconv.FormatFloat(s.Rate, 'f', 0, 64)
		}
		// A figure at the cap is a lower bound: some trials never ended.
		f := func(v float64) string {
			if s.Capped > 0 && v >= s.Cap {
				return ">=" + strconv.FormatFloat(v, 'f', 0, 64)
			}
			return strconv.FormatFloat(v, 'f', 1, 64)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n", c.Label, s.Count, x, f(s.Median), f(s.P90), f(s.P99), f(s.Max), f(s.Mean))
	}
	tw.Flush()
	fmt.Fprintf(out, "\nmedian to mean: %s\n", metric)
	if res.Name == "election" {
		fmt.Fprintln(out, "a trial without a new leader by the cap counts as the cap (>=)")
	}
}
