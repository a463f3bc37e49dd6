// Command vgcompact rewrites the Go code vugugen writes for the page's
// components (web/0_components_gen.go) into calls of small helpers
// (web/vgbuild.go), so that the WebAssembly holds each construct once
// instead of once per use. `go generate ./web/...` runs it after vugugen,
// and it formats the file as gofmt does:
//
//	go run ./internal/vgcompact 0_components_gen.go
//
// vugugen spells out every node: a text node is a composite literal and an
// AppendChild call, an element also a literal slice of its attributes, a
// <web:Text> a fifteen-line block that finds or makes the component, and an
// event handler an append of a literal spec. Without inlining (build.sh
// compiles web/ with -l) these are the bulk of the Build methods; as
// helper calls the page's wasm is about 15 KB smaller, brotli (README,
// "Size"). The rewrite matches vugugen v0.4.0's output line by line and
// leaves any other code as it is, so a construct it does not know still
// builds, only larger. It also drops the unused import of log that
// vugugen adds: log's init would keep its formatting code in the page.
package main

import (
	"fmt"
	"go/format"
	"os"
	"regexp"
	"strings"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: vgcompact FILE.go")
		os.Exit(2)
	}
	if err := rewrite(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "vgcompact:", err)
		os.Exit(1)
	}
}

// rewrite compacts the file at path and formats it as gofmt does
// (vugugen's merged output is not formatted, and the rewrite matches
// formatted code).
func rewrite(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if b, err = format.Source(b); err != nil {
		return err
	}
	if b, err = format.Source([]byte(compact(string(b)))); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// str matches a Go interpreted string literal, as vugugen writes them
// (with %q).
const str = `"(?:[^"\\\n]|\\.)*"`

var (
	// textNode is a text node appended to its parent.
	textNode = regexp.MustCompile(`vgn = &vugu\.VGNode\{Type: vugu\.VGNodeType\(1\), Data: (` + str + `)\}\n\s*vgparent\.AppendChild\(vgn\)`)
	// element is an element with static attributes (or none) appended to
	// its parent.
	element = regexp.MustCompile(`vgn = &vugu\.VGNode\{Type: vugu\.VGNodeType\(3\), Namespace: "", Data: (` + str + `), Attr: (\[\]vugu\.VGAttribute\(nil\)|\[\]vugu\.VGAttribute\{[^\n]*\})\}\n\s*vgparent\.AppendChild\(vgn\)`)
	// attr is one attribute of element's literal.
	attr = regexp.MustCompile(`^(?:vugu\.VGAttribute)?\{Namespace: "", Key: (` + str + `), Val: (` + str + `)\}(?:, )?`)
	// textComp is a <web:Text :S="expr"> (Text, text.go).
	textComp = regexp.MustCompile(`\{\n\s*vgcompKey := vugu\.MakeCompKey\((0x[0-9A-F]+)\^vgin\.CurrentPositionHash\(\), vgiterkey\)\n` +
		`\s*// ask BuildEnv for prior instance of this specific component\n` +
		`\s*vgcomp, _ := vgin\.BuildEnv\.CachedComponent\(vgcompKey\)\.\(\*Text\)\n` +
		`\s*if vgcomp == nil \{\n\s*// create new one if needed\n\s*vgcomp = new\(Text\)\n\s*vgin\.BuildEnv\.WireComponent\(vgcomp\)\n\s*\}\n` +
		`\s*vgin\.BuildEnv\.UseComponent\(vgcompKey, vgcomp\) // ensure we can use this in the cache next time around\n` +
		`\s*vgcomp\.S = ([^\n]*)\n` +
		`\s*vgout\.Components = append\(vgout\.Components, vgcomp\)\n` +
		`\s*vgn = &vugu\.VGNode\{Component: vgcomp\}\n` +
		`\s*vgparent\.AppendChild\(vgn\)\n\s*\}`)
	// handler is an event handler added to the element.
	handler = regexp.MustCompile(`vgn\.DOMEventHandlerSpecList = append\(vgn\.DOMEventHandlerSpecList, vugu\.DOMEventHandlerSpec\{\n` +
		`\s*EventType: (` + str + `),\n` +
		`\s*Func: +(func\(event vugu\.DOMEvent\) \{[^\n]*\}),\n` +
		`\s*// TODO: implement capture, etc\. mostly need to decide syntax\n\s*\}\)`)
	// logImport is vugugen's import of log and the declaration that uses it.
	logImport = regexp.MustCompile(`(?m)^import "log"\n|^var _ log\.Logger\n`)
)

// compact returns the generated code src with the constructs above
// replaced by helper calls.
func compact(src string) string {
	src = textComp.ReplaceAllString(src, "vgn = vgTextComp(vgin, vgout, vgparent, ${1}, vgiterkey, ${2})")
	src = textNode.ReplaceAllString(src, "vgn = vgText(vgparent, ${1})")
	src = element.ReplaceAllStringFunc(src, func(m string) string {
		sub := element.FindStringSubmatch(m)
		args := []string{sub[1]}
		if lit := sub[2]; lit != "[]vugu.VGAttribute(nil)" {
			rest := strings.TrimSuffix(strings.TrimPrefix(lit, "[]vugu.VGAttribute{"), "}")
			for rest != "" {
				a := attr.FindStringSubmatch(rest)
				if a == nil {
					return m // not a plain attribute: keep the literal
				}
				args = append(args, a[1], a[2])
				rest = rest[len(a[0]):]
			}
		}
		return "vgn = vgElem(vgparent, " + strings.Join(args, ", ") + ")"
	})
	src = handler.ReplaceAllString(src, "vgOn(vgn, ${1}, ${2})")
	return logImport.ReplaceAllString(dropUnread(src), "")
}

// helperCall is a line that sets vgn to the node a helper appended.
var helperCall = regexp.MustCompile(`^(\s*)vgn = (vg(?:Text|Elem|TextComp)\()`)

// vgnRead matches a line that reads vgn: vugugen's code reads a node right
// after it makes it (its attributes, handlers, children) or never.
var vgnRead = regexp.MustCompile(`\bvgn\b`)

// dropUnread removes "vgn = " from the helper calls whose node the next
// statement does not read: the node is in its parent already, and
// staticcheck would find the assignment unused.
func dropUnread(src string) string {
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		m := helperCall.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		next := i + 1
		for next < len(lines) && strings.TrimSpace(lines[next]) == "{" {
			next++
		}
		if next < len(lines) {
			n := strings.TrimSpace(lines[next])
			if vgnRead.MatchString(n) && !strings.HasPrefix(n, "vgn = ") {
				continue
			}
		}
		lines[i] = m[1] + m[2] + l[len(m[0]):]
	}
	return strings.Join(lines, "\n")
}
