// Command benchsum reads `go test -bench` output on standard input and
// prints one line per benchmark with the median of each metric over the
// runs (-count N) and their range, so one slow or cold run does not become
// the figure quoted.
//
//	go test -run '^$' -bench . -count 5 ./raft/... | go run ./cmd/benchsum -title native
//
// Some units are renamed for reading: ns/op becomes a duration per
// operation, B/op a size, and the simulator's virtual-s/s (virtual seconds
// per wall-clock second) becomes "× real time".
//
// With -versus, the input is compared, round by round, with another
// platform's output from the same rounds: `make bench` runs every round
// natively, then in WebAssembly, so the n-th run of a benchmark in one file
// and the n-th run in the other met the same load. For each benchmark in
// both, it prints the median of the per-round ratios (how many times slower
// the input ran), not a ratio of medians that may come from different
// rounds.
//
//	go run ./cmd/benchsum -title WebAssembly -versus native.txt -versus-title native < wasm.txt
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func main() {
	title := flag.String("title", "benchmarks", "heading of the summary")
	versus := flag.String("versus", "", "`file` of another platform's go test -bench output from the same rounds, to compare with")
	versusTitle := flag.String("versus-title", "native", "name of the platform of -versus")
	flag.Parse()
	s, err := parse(os.Stdin)
	if err != nil {
		fail(err)
	}
	if len(s.order) == 0 {
		fail(fmt.Errorf("no benchmark lines on standard input"))
	}
	s.write(os.Stdout, *title)
	if *versus == "" {
		return
	}
	f, err := os.Open(*versus)
	if err != nil {
		fail(err)
	}
	defer f.Close()
	base, err := parse(f)
	if err != nil {
		fail(err)
	}
	s.writeVersus(os.Stdout, *title, base, *versusTitle)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchsum:", err)
	os.Exit(1)
}

// bench is one benchmark's figures, every run of it.
type bench struct {
	// pkg is the import path's last element, for the heading.
	pkg string
	// name is the benchmark's name without "Benchmark" and the -GOMAXPROCS suffix.
	name string
	// units lists the metrics in the order the first run printed them.
	units []string
	// values holds each unit's figure from every run, in run order.
	values map[string][]float64
}

// summary is everything read from one `go test -bench` output.
type summary struct {
	// env holds the goos, goarch and cpu header lines, in the order read.
	env []string
	// order lists the benchmarks by their first appearance; keys are pkg+" "+name.
	order []string
	// benches maps a key in order to its figures.
	benches map[string]*bench
}

// procsSuffix is the "-N" that `go test` appends to a name when GOMAXPROCS
// is not 1; none of this project's benchmark names ends in -digits.
var procsSuffix = regexp.MustCompile(`-\d+$`)

func parse(r io.Reader) (*summary, error) {
	s := &summary{benches: map[string]*bench{}}
	pkg := ""
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "pkg: "):
			p := strings.TrimPrefix(line, "pkg: ")
			pkg = p[strings.LastIndex(p, "/")+1:]
		case strings.HasPrefix(line, "goos: "), strings.HasPrefix(line, "goarch: "), strings.HasPrefix(line, "cpu: "):
			if !slices.Contains(s.env, line) {
				s.env = append(s.env, line)
			}
		case strings.HasPrefix(line, "Benchmark"):
			s.add(pkg, line)
		}
	}
	return s, sc.Err()
}

// add records a result line: name, iterations, then value-unit pairs. A
// line without figures (a benchmark that logged or failed) is skipped.
func (s *summary) add(pkg, line string) {
	f := strings.Fields(line)
	if len(f) < 4 || len(f)%2 != 0 {
		return
	}
	if _, err := strconv.Atoi(f[1]); err != nil {
		return
	}
	name := procsSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
	key := pkg + " " + name
	b := s.benches[key]
	if b == nil {
		b = &bench{pkg: pkg, name: name, values: map[string][]float64{}}
		s.benches[key] = b
		s.order = append(s.order, key)
	}
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			continue
		}
		unit := f[i+1]
		if _, ok := b.values[unit]; !ok {
			b.units = append(b.units, unit)
		}
		b.values[unit] = append(b.values[unit], v)
	}
}

func (s *summary) write(w io.Writer, title string) {
	runs := 0
	width := 0
	for _, k := range s.order {
		b := s.benches[k]
		runs = max(runs, len(b.values[b.units[0]]))
		width = max(width, len(b.pkg)+1+len(b.name))
	}
	fmt.Fprintf(w, "%s: median of %d runs [lowest–highest]; %s\n", title, runs, strings.Join(s.env, ", "))
	for _, k := range s.order {
		b := s.benches[k]
		var cols []string
		for _, u := range ordered(b.units) {
			cols = append(cols, figure(u, b.values[u]))
		}
		fmt.Fprintf(w, "  %-*s  %s\n", width, b.pkg+"."+b.name, strings.Join(cols, "   "))
	}
}

// writeVersus prints, for each benchmark of s that base has too, how many
// times slower s ran than base: the median and range of the per-round
// ratios. The simulator's speed (virtual-s/s) is compared where both have
// it, as it is the figure quoted; otherwise the time per operation. Round n
// is the n-th run in each; runs past the shorter of the two are left out,
// and a benchmark with fewer rounds than the others says how many it had.
func (s *summary) writeVersus(w io.Writer, title string, base *summary, baseTitle string) {
	type row struct{ name, text string }
	var rows []row
	rounds, width := 0, 0
	for _, k := range s.order {
		b, o := s.benches[k], base.benches[k]
		if o == nil {
			continue
		}
		unit, speed := "ns/op", false
		if len(b.values["virtual-s/s"]) > 0 && len(o.values["virtual-s/s"]) > 0 {
			unit, speed = "virtual-s/s", true
		}
		mine, theirs := b.values[unit], o.values[unit]
		n := min(len(mine), len(theirs))
		if n == 0 {
			continue
		}
		ratios := make([]float64, n)
		for i := range n {
			if speed {
				ratios[i] = theirs[i] / mine[i]
			} else {
				ratios[i] = mine[i] / theirs[i]
			}
		}
		sorted := slices.Sorted(slices.Values(ratios))
		text := sig3(median(sorted)) + "× slower"
		if lo, hi := sig3(sorted[0]), sig3(sorted[n-1]); lo != hi {
			text += " [" + lo + "–" + hi + "]"
		}
		if rounds == 0 {
			rounds = n
		} else if n != rounds {
			text += fmt.Sprintf(" (%d rounds)", n)
		}
		name := b.pkg + "." + b.name
		rows = append(rows, row{name, text})
		width = max(width, len(name))
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(w, "%s against %s, each round's figure against %s's of the same round: median of %d rounds [lowest–highest]\n",
		title, baseTitle, baseTitle, rounds)
	for _, r := range rows {
		fmt.Fprintf(w, "  %-*s  %s\n", width, r.name, r.text)
	}
}

// standardUnits are the units `go test` prints itself, in the order they
// are shown: after the benchmark's own metrics, which are its headline.
var standardUnits = []string{"ns/op", "MB/s", "B/op", "allocs/op"}

// ordered returns units with the benchmark's own metrics first.
func ordered(units []string) []string {
	var out []string
	for _, u := range units {
		if !slices.Contains(standardUnits, u) {
			out = append(out, u)
		}
	}
	for _, u := range standardUnits {
		if slices.Contains(units, u) {
			out = append(out, u)
		}
	}
	return out
}

// figure formats one metric: its median, the range when the runs differ,
// and the number of runs when it is not the usual one.
func figure(unit string, vs []float64) string {
	sorted := slices.Sorted(slices.Values(vs))
	lo, hi := sorted[0], sorted[len(sorted)-1]
	med := median(sorted)
	text := func(v float64) string { return format(unit, v) }
	label := unitLabel(unit)
	if text(lo) == text(hi) {
		return text(med) + label
	}
	return fmt.Sprintf("%s%s [%s–%s]", text(med), label, text(lo), text(hi))
}

// median of sorted values; the mean of the middle two for an even count.
func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func unitLabel(unit string) string {
	switch unit {
	case "ns/op":
		return "/op"
	case "B/op":
		return "/op"
	case "virtual-s/s":
		return "× real time"
	default:
		return " " + unit
	}
}

func format(unit string, v float64) string {
	switch unit {
	case "ns/op":
		return duration(v)
	case "B/op":
		return size(v)
	case "virtual-s/s":
		return strconv.FormatFloat(v, 'f', 0, 64)
	default:
		return number(v)
	}
}

// duration formats nanoseconds with three significant digits.
func duration(ns float64) string {
	switch {
	case ns >= 1e9:
		return sig3(ns/1e9) + " s"
	case ns >= 1e6:
		return sig3(ns/1e6) + " ms"
	case ns >= 1e3:
		return sig3(ns/1e3) + " µs"
	default:
		return sig3(ns) + " ns"
	}
}

// size formats bytes in binary units.
func size(b float64) string {
	switch {
	case b >= 1<<30:
		return sig3(b/(1<<30)) + " GiB"
	case b >= 1<<20:
		return sig3(b/(1<<20)) + " MiB"
	case b >= 1<<10:
		return sig3(b/(1<<10)) + " KiB"
	default:
		return sig3(b) + " B"
	}
}

// number formats a count, with k or M for large ones.
func number(v float64) string {
	switch {
	case v >= 1e6:
		return sig3(v/1e6) + "M"
	case v >= 1e4:
		return sig3(v/1e3) + "k"
	default:
		return sig3(v)
	}
}

// sig3 prints v with three significant digits, without exponent.
func sig3(v float64) string {
	switch {
	case v >= 100 || v == 0:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}
