// Command sizefloor measures how much of the page's size is there before
// any of the playground's own code (README, "Size"):
//
//	go run ./cmd/sizefloor
//
// It builds three WebAssembly programs the way ./build.sh builds the page
// (go build -trimpath -ldflags="-s -w", wasm-opt -O1, cmd/wasmpack
// -nolines, brotli -q 11) and prints each one's size in bytes, brotli:
//
//   - hello (cmd/sizefloor/hello): Go's runtime alone;
//   - emptypage (cmd/sizefloor/emptypage): the page's framework with
//     nothing in it: Vugu's build loop and internal/domsync drawing one
//     element;
//   - the page (./wasm), built as ./build.sh builds it.
//
// The differences say what each layer costs: the runtime, the framework,
// and the playground (core, simulator, checkers, components, API). It
// needs wasm-opt (Debian's binaryen) and brotli, as ./build.sh does.
//
// With -packages N it then prints the N Go packages with the most code in
// the page (packages.go says how it counts):
//
//	go run ./cmd/sizefloor -packages 15
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// program is one WebAssembly program measured.
type program struct {
	// name is what the report calls it.
	name string
	// pkg is its package, relative to the module's root.
	pkg string
	// gcflags are the extra -gcflags arguments it is built with.
	gcflags []string
}

// pageNoInline is the packages ./build.sh compiles without inlining; the
// page is measured as built.
var pageNoInline = []string{
	"github.com/raftplayground/raftplayground/web",
	"fmt", "reflect", "encoding/json", "time",
}

func main() {
	top := flag.Int("packages", 0, "also print the `N` packages with the most code in the page")
	flag.Parse()
	if err := run(*top); err != nil {
		fmt.Fprintln(os.Stderr, "sizefloor:", err)
		os.Exit(1)
	}
}

func run(top int) error {
	for _, tool := range []string{"wasm-opt", "brotli"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s is missing (apt-get install binaryen brotli): %v", tool, err)
		}
	}
	dir, err := os.MkdirTemp("", "sizefloor")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var page []string
	for _, p := range pageNoInline {
		page = append(page, "-gcflags="+p+"=-l")
	}
	programs := []program{
		{name: "hello (Go's runtime)", pkg: "./cmd/sizefloor/hello"},
		{name: "emptypage (+ Vugu and domsync)", pkg: "./cmd/sizefloor/emptypage"},
		{name: "the page (./wasm)", pkg: "./wasm", gcflags: page},
	}
	fmt.Printf("%-34s %10s %10s\n", "program", "brotli", "added")
	prev := 0
	for i, p := range programs {
		n, err := measure(p, filepath.Join(dir, fmt.Sprint(i)))
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		added := "-"
		if i > 0 {
			added = fmt.Sprint(n - prev)
		}
		fmt.Printf("%-34s %10d %10s\n", p.name, n, added)
		prev = n
	}
	if top > 0 {
		return packages(dir, top, page)
	}
	return nil
}

// measure builds p into base+".wasm", shrinks and packs it, and returns
// the size of its brotli copy.
func measure(p program, base string) (int, error) {
	wasm := base + ".wasm"
	args := append([]string{"build", "-trimpath", "-ldflags=-s -w"}, p.gcflags...)
	args = append(args, "-o", wasm, p.pkg)
	build := exec.Command("go", args...)
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if err := runCmd(build); err != nil {
		return 0, err
	}
	if err := runCmd(exec.Command("wasm-opt", "-O1", "--enable-bulk-memory", "--enable-sign-ext",
		"--enable-nontrapping-float-to-int", "-o", base+".opt.wasm", wasm)); err != nil {
		return 0, err
	}
	if err := runCmd(exec.Command("go", "run", "./cmd/wasmpack", "-nolines", "-o", wasm, base+".opt.wasm")); err != nil {
		return 0, err
	}
	if err := runCmd(exec.Command("brotli", "-f", "-q", "11", "-o", base+".wasm.br", wasm)); err != nil {
		return 0, err
	}
	st, err := os.Stat(base + ".wasm.br")
	if err != nil {
		return 0, err
	}
	return int(st.Size()), nil
}

// runCmd runs c, returning its output in the error when it fails.
func runCmd(c *exec.Cmd) error {
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	if err := c.Run(); err != nil {
		return fmt.Errorf("%s: %v\n%s", strings.Join(c.Args, " "), err, out.String())
	}
	return nil
}
