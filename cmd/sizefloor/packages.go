package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// The -packages report: where the page's code goes, by Go package. The
// page is built as ./build.sh builds it but without -s -w, so that the
// wasm keeps its name section, and before wasm-opt, which would rename
// the functions; each package's function bodies are summed, and
// compressed alone with brotli (which counts what a package repeats of
// itself, not what it shares with the others: the figures add up to more
// than the file).

// pkgSize is one package's code.
type pkgSize struct {
	name  string
	funcs int
	raw   int
	// code is the package's function bodies, one after the other.
	code bytes.Buffer
}

// packages builds the page into dir with names and prints the top n
// packages by code bytes.
func packages(dir string, n int, gcflags []string) error {
	wasm := filepath.Join(dir, "named.wasm")
	args := append([]string{"build", "-trimpath"}, gcflags...)
	build := exec.Command("go", append(args, "-o", wasm, "./wasm")...)
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if err := runCmd(build); err != nil {
		return err
	}
	b, err := os.ReadFile(wasm)
	if err != nil {
		return err
	}
	funcs, err := functions(b)
	if err != nil {
		return err
	}
	list := exec.Command("go", "list", "-deps", "./wasm")
	list.Env = build.Env
	out, err := list.Output()
	if err != nil {
		return fmt.Errorf("go list -deps ./wasm: %v", err)
	}
	pkgOf := packageOf(strings.Fields(string(out)))
	byPkg := map[string]*pkgSize{}
	total := 0
	for _, f := range funcs {
		name := pkgOf(f.name)
		p := byPkg[name]
		if p == nil {
			p = &pkgSize{name: name}
			byPkg[name] = p
		}
		p.funcs++
		p.raw += len(f.body)
		p.code.Write(f.body)
		total += len(f.body)
	}
	var pkgs []*pkgSize
	for _, p := range byPkg {
		pkgs = append(pkgs, p)
	}
	slices.SortFunc(pkgs, func(a, b *pkgSize) int { return b.raw - a.raw })
	fmt.Printf("\ncode by package (%d functions, %d bytes; before wasm-opt; brotli: the package's code alone)\n", len(funcs), total)
	fmt.Printf("%10s %10s %6s  %s\n", "raw", "brotli", "funcs", "package")
	for _, p := range pkgs[:min(n, len(pkgs))] {
		br, err := brotliSize(p.code.Bytes())
		if err != nil {
			return err
		}
		fmt.Printf("%10d %10d %6d  %s\n", p.raw, br, p.funcs, p.name)
	}
	return nil
}

// sanitize spells a name as Go's linker writes it into the name section:
// every character but a letter, digit, '_' or '.' becomes '_'.
var sanitize = regexp.MustCompile(`[^\w.]`)

// packageOf maps a function's name in the name section to its package,
// one of pkgs (import paths): the longest whose sanitized path and a dot
// begin the name, e.g. "github.com/x/y/raft/sim" for
// "github.com_x_y_raft_sim.__World_.Step" and "slices" for
// "slices.SortFunc_go.shape.string_". Other names (type:.eq.T,
// _rt0_wasm_js) are grouped by what precedes their first dot or '_'.
func packageOf(pkgs []string) func(name string) string {
	byName := map[string]string{"main": "main (./wasm)"}
	for _, p := range pkgs {
		byName[sanitize.ReplaceAllString(p, "_")] = p
	}
	return func(name string) string {
		for i := len(name) - 1; i > 0; i-- {
			if name[i] == '.' {
				if p, ok := byName[name[:i]]; ok {
					return p
				}
			}
		}
		if strings.HasPrefix(name, "type_.") {
			return "type: (equality and hash functions)"
		}
		if i := strings.IndexAny(name[min(1, len(name)):], "._"); i >= 0 {
			return name[:i+1]
		}
		return name
	}
}

// function is one function of a module: its name and its body as in
// the code section.
type function struct {
	name string
	body []byte
}

// functions lists the functions a module defines, named by its name
// section.
func functions(b []byte) ([]function, error) {
	const magic = "\x00asm\x01\x00\x00\x00"
	if !bytes.HasPrefix(b, []byte(magic)) {
		return nil, errors.New("not a WebAssembly module of version 1")
	}
	r := &reader{b: b, pos: len(magic)}
	imported := 0
	var bodies [][]byte
	names := map[int]string{}
	for r.pos < len(r.b) && r.err == nil {
		id := r.byte()
		s := &reader{b: r.take(r.u32())}
		switch id {
		case 2: // imports: count the functions, which come first in the index space
			for range s.u32() {
				s.take(s.u32()) // module
				s.take(s.u32()) // name
				switch s.byte() {
				case 0: // function
					s.u32()
					imported++
				case 1: // table: element type, limits
					s.byte()
					s.limits()
				case 2: // memory
					s.limits()
				case 3: // global: type, mutability
					s.byte()
					s.byte()
				default:
					return nil, errors.New("an import of an unknown kind")
				}
			}
		case 10: // code
			for range s.u32() {
				bodies = append(bodies, s.take(s.u32()))
			}
		case 0: // custom: the name section's function names
			if string(s.take(s.u32())) != "name" {
				continue
			}
			for s.pos < len(s.b) && s.err == nil {
				sub := s.byte()
				t := &reader{b: s.take(s.u32())}
				if sub != 1 {
					continue
				}
				for range t.u32() {
					i := int(t.u32())
					names[i] = string(t.take(t.u32()))
				}
				if t.err != nil {
					return nil, t.err
				}
			}
		}
		if s.err != nil {
			return nil, fmt.Errorf("section %d: %w", id, s.err)
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	if len(names) == 0 {
		return nil, errors.New("no name section (built with -s?)")
	}
	funcs := make([]function, len(bodies))
	for i, body := range bodies {
		funcs[i] = function{name: names[imported+i], body: body}
	}
	return funcs, nil
}

// reader reads the binary format's values from b; the first error stops it.
type reader struct {
	b   []byte
	pos int
	err error
}

func (r *reader) byte() byte {
	if r.err != nil || r.pos >= len(r.b) {
		r.err = errors.New("unexpected end")
		return 0
	}
	r.pos++
	return r.b[r.pos-1]
}

// u32 reads an unsigned LEB128 number.
func (r *reader) u32() uint32 {
	var v uint32
	for shift := 0; shift < 35; shift += 7 {
		c := r.byte()
		v |= uint32(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
	r.err = errors.New("a number too long")
	return 0
}

func (r *reader) take(n uint32) []byte {
	if r.err != nil || uint64(len(r.b)-r.pos) < uint64(n) {
		r.err = errors.New("unexpected end")
		return nil
	}
	r.pos += int(n)
	return r.b[r.pos-int(n) : r.pos]
}

// limits reads a table's or memory's limits: a flag, a minimum and, with
// flag 1, a maximum.
func (r *reader) limits() {
	if r.byte()&1 != 0 {
		r.u32()
	}
	r.u32()
}

// brotliSize returns the size of b compressed as ./build.sh compresses.
func brotliSize(b []byte) (int, error) {
	c := exec.Command("brotli", "-c", "-q", "11")
	c.Stdin = bytes.NewReader(b)
	out, err := c.Output()
	if err != nil {
		return 0, fmt.Errorf("brotli: %v", err)
	}
	return len(out), nil
}
