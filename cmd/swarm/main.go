// Command swarm runs many seeded simulator worlds, each with options and a
// fault schedule drawn from its seed, in parallel worker processes, and
// reports every seed that breaks a safety, liveness or linearizability
// check with a command that reproduces it.
//
//	go run ./cmd/swarm -seeds 2000          # seeds 1..2000
//	go run ./cmd/swarm -seed 1234 -trace t.jsonl   # one seed, with its trace
package main

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/raftplayground/raftplayground/raft/sim"
)

func main() {
	var (
		seeds  = flag.Int("seeds", 100, "how many seeds to run")
		first  = flag.Uint64("first", 1, "the first seed")
		procs  = flag.Int("procs", runtime.NumCPU(), "worker processes")
		one    = flag.Uint64("seed", 0, "run only this seed and explain the result")
		trace  = flag.String("trace", "", "with -seed: write the trace as JSON lines to this file")
		viz    = flag.String("viz", "linearizability.html", "with -seed: where to write porcupine's visualization on a linearizability failure")
		worker = flag.Bool("worker", false, "internal: run seeds [first, first+seeds) and report one line each")
		digest = flag.Bool("digest", false, "print each seed's SHA-256 of its whole JSON-lines trace (to compare platforms)")
	)
	flag.Parse()
	switch {
	case *digest:
		os.Exit(runDigests(*first, *seeds))
	case *one != 0:
		workerArgs()
		os.Exit(runOne(*one, *trace, *viz))
	case *worker:
		workerArgs()
		runWorker(*first, *seeds)
	case allCanaries():
		os.Exit(runCanaries(*first, *seeds, *procs))
	default:
		if *seeds < 1 || *procs < 1 {
			fmt.Fprintln(os.Stderr, "swarm: -seeds and -procs must be at least 1")
			os.Exit(2)
		}
		os.Exit(report(runParent(*first, *seeds, min(*procs, *seeds), workerArgs(), nil)))
	}
}

// report prints the outcome of a swarm and returns the exit code.
func report(n int, failures []failure, err error) int {
	if err != nil {
		fmt.Fprintln(os.Stderr, "swarm:", err)
		return 2
	}
	if len(failures) == 0 {
		fmt.Printf("%d seeds, 0 violations\n", n)
		return 0
	}
	for _, f := range failures {
		fmt.Printf("seed %d: %s\n  reproduce: go run%s ./cmd/swarm%s -seed %d -trace trace-%d.jsonl\n",
			f.seed, f.err, buildTags(), strings.Join(append([]string{""}, workerArgs()...), " "), f.seed, f.seed)
	}
	fmt.Printf("%d seeds, %d violations\n", n, len(failures))
	return 1
}

// runOne runs a single seed and tells what happened.
func runOne(seed uint64, tracePath, vizPath string) int {
	s := sim.SwarmFor(seed)
	fmt.Println(s)
	w, err := sim.New(s.Options)
	if err != nil {
		fmt.Fprintln(os.Stderr, "swarm:", err)
		return 2
	}
	if tracePath != "" {
		f, err := os.Create(tracePath)
		if err != nil {
			fmt.Fprintln(os.Stderr, "swarm:", err)
			return 2
		}
		defer f.Close()
		bw := bufio.NewWriter(f)
		defer bw.Flush()
		w.Trace().SetSink(bw)
	}
	err = s.RunOn(w)
	fmt.Printf("ran to %v: %d events, %d client calls\n", w.Now(), w.Trace().Len(), len(w.History()))
	if err == nil {
		fmt.Println("ok")
		return 0
	}
	fmt.Println("FAIL:", err)
	var le *sim.LinearizabilityError
	if errors.As(err, &le) {
		if werr := le.WriteVisualization(vizPath); werr == nil {
			fmt.Println("visualization:", vizPath)
		}
	}
	return 1
}

// runDigests prints "SEED SHA256" for each seed's full trace, so runs on
// two platforms can be compared byte for byte.
func runDigests(first uint64, n int) int {
	for seed := first; seed < first+uint64(n); seed++ {
		s := sim.SwarmFor(seed)
		w, err := sim.New(s.Options)
		if err != nil {
			fmt.Fprintln(os.Stderr, "swarm:", err)
			return 2
		}
		h := sha256.New()
		w.Trace().SetSink(h)
		runErr := s.RunOn(w)
		fmt.Printf("%d %x events=%d result=%v\n", seed, h.Sum(nil), w.Trace().Len(), runErr)
	}
	return 0
}

// runWorker runs its seeds and prints "ok SEED" or "fail SEED ERROR".
func runWorker(first uint64, n int) {
	out := bufio.NewWriter(os.Stdout)
	for seed := first; seed < first+uint64(n); seed++ {
		if _, err := sim.SwarmFor(seed).Run(); err != nil {
			fmt.Fprintf(out, "fail %d %s\n", seed, strings.ReplaceAll(err.Error(), "\n", " "))
		} else {
			fmt.Fprintf(out, "ok %d\n", seed)
		}
		out.Flush()
	}
}

// failure is one failing seed.
type failure struct {
	seed uint64
	err  string
}

// runParent splits the seeds between worker processes (started with extra
// arguments) and collects their failures, sorted by seed. With a stop
// function, it ends at the first failure stop accepts.
func runParent(first uint64, n, procs int, extra []string, stop func(msg string) bool) (int, []failure, error) {
	exe, err := os.Executable()
	if err != nil {
		return 0, nil, err
	}
	start := time.Now()
	results := make(chan string)
	var cmds []*exec.Cmd
	defer func() {
		for _, c := range cmds {
			_ = c.Process.Kill() // those still running, when stopping early
		}
	}()
	per, rest := n/procs, n%procs
	next := first
	for i := range procs {
		count := per
		if i < rest {
			count++
		}
		args := append([]string{"-worker", "-first", strconv.FormatUint(next, 10), "-seeds", strconv.Itoa(count)}, extra...)
		cmd := exec.Command(exe, args...)
		cmd.Stderr = os.Stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return 0, nil, err
		}
		if err := cmd.Start(); err != nil {
			return 0, nil, err
		}
		cmds = append(cmds, cmd)
		go forward(stdout, cmd, results)
		next += uint64(count)
	}
	var failures []failure
	tty := isTerminal()
	done, exited, stopped := 0, 0, false
	for done < n && !stopped {
		line := <-results
		kind, rest, _ := strings.Cut(line, " ")
		switch kind {
		case "exit":
			if exited++; rest != "" {
				return done, nil, fmt.Errorf("a worker failed: %s", rest)
			}
			if exited == procs {
				return done, nil, fmt.Errorf("the workers ended after %d of %d seeds", done, n)
			}
			continue
		case "fail":
			seedText, msg, _ := strings.Cut(rest, " ")
			seed, _ := strconv.ParseUint(seedText, 10, 64)
			failures = append(failures, failure{seed, msg})
			stopped = stop != nil && stop(msg)
		case "ok":
		default:
			return done, nil, fmt.Errorf("a worker said %q", line)
		}
		done++
		if tty || done%100 == 0 || done == n {
			progress := fmt.Sprintf("%d/%d seeds, %d violations, %v", done, n, len(failures), time.Since(start).Round(time.Second))
			if tty {
				fmt.Printf("\r%s", progress)
			} else {
				fmt.Println(progress)
			}
		}
	}
	if tty {
		fmt.Println()
	}
	slices.SortFunc(failures, func(a, b failure) int { return cmp.Compare(a.seed, b.seed) })
	return done, failures, nil
}

// forward sends each line a worker prints to results, then "exit" and the
// worker's error, if any, when it ends.
func forward(r io.Reader, cmd *exec.Cmd, results chan<- string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		results <- sc.Text()
	}
	msg := ""
	if err := cmd.Wait(); err != nil {
		msg = err.Error()
	}
	select {
	case results <- "exit " + msg:
	case <-time.After(time.Second): // the parent stopped listening
	}
}

func isTerminal() bool {
	fi, err := os.Stdout.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
