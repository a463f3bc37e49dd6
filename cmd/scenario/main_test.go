package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// write puts a scenario in a temporary file and returns its path.
func write(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runCmd(args ...string) (status int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	status = run(args, &out, &errOut)
	return status, out.String(), errOut.String()
}

const passing = `nodes 3
seed 3
when leader elected
expect leader is n1
put x 1 as w1
when w1 returned
expect w1 returned "1"
`

// TestPassingScenario: every expectation printed with its line, exit 0.
func TestPassingScenario(t *testing.T) {
	path := write(t, "ok.txt", passing)
	status, out, errOut := runCmd(path)
	if status != 0 || errOut != "" {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	for _, want := range []string{path + ":4: ok   at 368.046382ms: expect leader is n1 (observed: leader is n1)\n",
		path + ":7: ok   at ", `expect w1 returned "1" (observed: w1 returned "1" at `, path + ": 2 of 2 expectations met"} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestFailingScenario: a failed expectation and a step that cannot be
// done both exit 1 and say what was observed.
func TestFailingScenario(t *testing.T) {
	path := write(t, "fail.txt", "nodes 3\nseed 3\nwhen leader elected\nexpect leader is n2\n")
	status, out, _ := runCmd("-q", path)
	if status != 1 || !strings.Contains(out, path+":4: FAIL at 368.046382ms: expect leader is n2 (observed: leader is n1)") ||
		!strings.Contains(out, "0 of 1 expectations met") {
		t.Fatalf("status %d:\n%s", status, out)
	}
	path = write(t, "step.txt", "nodes 3\ncrash n1\ncrash n1\nexpect no violation\n")
	status, out, _ = runCmd(path)
	if status != 1 || !strings.Contains(out, path+":3: FAIL at 0s: sim: node 1 is already down") {
		t.Fatalf("status %d:\n%s", status, out)
	}
}

// TestBadScenario: a file that does not parse exits 2 with the line and
// column; so does a missing file or no file at all.
func TestBadScenario(t *testing.T) {
	path := write(t, "bad.txt", "nodes 3\ncrash n4\n")
	status, _, errOut := runCmd(path)
	if status != 2 || errOut != path+": line 2, column 7: there is no node n4: the cluster has n1 to n3\n" {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	if status, _, _ := runCmd(filepath.Join(t.TempDir(), "missing.txt")); status != 2 {
		t.Fatalf("a missing file: status %d", status)
	}
	if status, _, errOut := runCmd(); status != 2 || !strings.Contains(errOut, "usage: scenario") {
		t.Fatalf("no file: status %d, %q", status, errOut)
	}
}

// TestTraceAndHistory: -trace writes every event as a JSON line, numbered
// from 1 without a gap (the events before the sink was set included), and
// -history writes porcupine's HTML; with two scenarios each gets its own.
func TestTraceAndHistory(t *testing.T) {
	a, b := write(t, "a.txt", passing), write(t, "b.txt", passing)
	dir := t.TempDir()
	trace, history := filepath.Join(dir, "trace.jsonl"), filepath.Join(dir, "history.html")
	if status, out, errOut := runCmd("-trace", trace, "-history", history, a); status != 0 {
		t.Fatalf("status %d: %s %s", status, out, errOut)
	}
	f, err := os.Open(trace)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var n uint64
	var notes int
	for sc := bufio.NewScanner(f); sc.Scan(); {
		var ev struct {
			N    uint64 `json:"n"`
			Kind string `json:"kind"`
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		if n++; ev.N != n {
			t.Fatalf("event %d numbered %d", n, ev.N)
		}
		if strings.Contains(ev.Text, "by hand: put x") {
			notes++
		}
	}
	if n < 40 || notes != 1 {
		t.Fatalf("%d events, %d hand puts", n, notes)
	}
	html, err := os.ReadFile(history)
	if err != nil || !bytes.Contains(html, []byte("<html")) {
		t.Fatalf("history: %v, %.80s", err, html)
	}
	if status, _, _ := runCmd("-trace", trace, "-history", history, a, b); status != 0 {
		t.Fatal(status)
	}
	for _, name := range []string{"trace-a.jsonl", "trace-b.jsonl", "history-a.html", "history-b.html"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDigest: -digest prints the digest of the very lines -trace writes
// (FNV-1a, 128 bits), the number the JavaScript API's traceDigest answers
// for the same scenario; the same scenario twice gives the same digest.
func TestDigest(t *testing.T) {
	a := write(t, "a.txt", passing)
	trace := filepath.Join(t.TempDir(), "trace.jsonl")
	status, out, errOut := runCmd("-q", "-digest", "-trace", trace, a)
	if status != 0 {
		t.Fatalf("status %d: %s %s", status, out, errOut)
	}
	lines, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	h := fnv.New128a()
	h.Write(lines)
	want := fmt.Sprintf("%s: trace digest %x\n", a, h.Sum(nil))
	if !strings.HasSuffix(out, want) {
		t.Fatalf("output %q, want it to end with %q", out, want)
	}
	if _, again, _ := runCmd("-q", "-digest", a); !strings.HasSuffix(again, want) {
		t.Fatalf("without -trace: %q, want it to end with %q", again, want)
	}
}

// TestLibrary runs the whole scenario library through the command, as CI
// and documentation authors do.
func TestLibrary(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "static", "scenarios", "*.txt"))
	if err != nil || len(files) < 19 {
		t.Fatalf("%d library files: %v", len(files), err)
	}
	status, out, errOut := runCmd(append([]string{"-q"}, files...)...)
	if status != 0 || strings.Contains(out, "FAIL") || errOut != "" {
		t.Fatalf("status %d:\n%s\n%s", status, out, errOut)
	}
}
