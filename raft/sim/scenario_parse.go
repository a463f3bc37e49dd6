package sim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/raftplayground/raftplayground/raft"
)

// This file reads a scenario. Each line is cut into words (a double-quoted
// Go string is one word; "|" is always a word of its own; "#" outside a
// string starts a comment), then read by a small recursive-descent parser
// that says, on an error, the line, the column and what it expected.

// ParseError is a scenario that does not read: where, and what was
// expected there.
type ParseError struct {
	Line int `json:"line"`
	// Col counts characters from 1.
	Col int    `json:"column"`
	Msg string `json:"message"`
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Col, e.Msg)
}

// MaxScenarioBytes bounds a scenario's text.
const MaxScenarioBytes = 1 << 20

// maxLineBytes bounds one line.
const maxLineBytes = 4096

// Parse reads a scenario. A byte order mark at its start, which some
// editors write into UTF-8 files, is skipped.
func Parse(text string) (*Scenario, error) {
	if len(text) > MaxScenarioBytes {
		return nil, &ParseError{Line: 1, Col: 1, Msg: fmt.Sprintf("a scenario must be at most %d bytes, this one has %d", MaxScenarioBytes, len(text))}
	}
	text = strings.TrimPrefix(text, "\ufeff")
	p := &parser{sc: &Scenario{Settings: []Setting{}, Steps: []Step{}}, nodes: DefaultOptions().Nodes, names: map[string]bool{}}
	for i, line := range strings.Split(text, "\n") {
		p.line, p.src, p.pos = i+1, strings.TrimSuffix(line, "\r"), 0
		if err := p.parseLine(); err != nil {
			return nil, err
		}
	}
	return p.sc, nil
}

type parser struct {
	sc *Scenario
	// line is the line number, src its text and pos the offset read to.
	line int
	src  string
	pos  int
	// nodes is the cluster size set so far, for checking node names.
	nodes int
	// names are the client calls named so far ("as r1").
	names map[string]bool
	// last is the word keywordOf consumed.
	last string
}

// token is one word of a line.
type token struct {
	text string
	// off is the word's byte offset in the line; quoted marks a string
	// literal.
	off    int
	quoted bool
	// eol marks the end of the line (text is empty).
	eol bool
}

func (t token) String() string {
	switch {
	case t.eol:
		return "the end of the line"
	case t.quoted:
		return strconv.Quote(t.text)
	}
	return fmt.Sprintf("%q", t.text)
}

// errAt makes an error at byte offset off of the line (columns count
// characters, so they are worked out only here).
func (p *parser) errAt(off int, format string, args ...any) error {
	col := utf8.RuneCountInString(p.src[:min(max(off, 0), len(p.src))]) + 1
	return &ParseError{Line: p.line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// expected reports that t is not what was expected.
func (p *parser) expected(t token, what string) error {
	return p.errAt(t.off, "expected %s, got %s", what, t)
}

// lex reads the next word from pos without consuming it; end is the
// offset after it.
func (p *parser) lex() (t token, end int, err error) {
	i := p.pos
	for i < len(p.src) && (p.src[i] == ' ' || p.src[i] == '\t') {
		i++
	}
	t.off = i
	if i == len(p.src) || p.src[i] == '#' {
		t.eol = true
		return t, i, nil
	}
	switch p.src[i] {
	case '"':
		q, err := strconv.QuotedPrefix(p.src[i:])
		if err != nil {
			return t, i, p.errAt(t.off, "this string is not closed or has a bad escape (strings are written like \"two words\")")
		}
		t.text, _ = strconv.Unquote(q)
		t.quoted = true
		return t, i + len(q), nil
	case '|':
		t.text = "|"
		return t, i + 1, nil
	}
	j := i
	for j < len(p.src) && !strings.ContainsRune(" \t#|\"", rune(p.src[j])) {
		j++
	}
	t.text = p.src[i:j]
	return t, j, nil
}

// peek returns the next word without consuming it. A word that does not
// lex (an unclosed string) comes back as a bare `"`, which matches nothing
// a caller looks for, so the caller goes on to next() and reports the
// error.
func (p *parser) peek() token {
	t, _, err := p.lex()
	if err != nil {
		return token{off: t.off, text: "\""}
	}
	return t
}

// next consumes the next word.
func (p *parser) next() (token, error) {
	t, end, err := p.lex()
	if err != nil {
		return t, err
	}
	p.pos = end
	return t, nil
}

// keyword consumes the bare word kw if it comes next.
func (p *parser) keyword(kw string) bool {
	if t := p.peek(); !t.quoted && !t.eol && t.text == kw {
		_, _ = p.next()
		return true
	}
	return false
}

// keywordOf consumes the next word if it is one of the bare words kws,
// and returns it (also kept in p.last); else it returns "".
func (p *parser) keywordOf(kws ...string) string {
	p.last = ""
	if t := p.peek(); !t.quoted && !t.eol && slices.Contains(kws, t.text) {
		_, _ = p.next()
		p.last = t.text
	}
	return p.last
}

// must consumes the bare word kw or fails.
func (p *parser) must(kw string) error {
	t, err := p.next()
	if err != nil {
		return err
	}
	if t.quoted || t.text != kw {
		return p.expected(t, strconv.Quote(kw))
	}
	return nil
}

// oneOf consumes a bare word out of choices.
func (p *parser) oneOf(what string, choices ...string) (string, error) {
	t, err := p.next()
	if err != nil {
		return "", err
	}
	if t.quoted || !slices.Contains(choices, t.text) {
		return "", p.expected(t, what)
	}
	return t.text, nil
}

func (p *parser) endOfLine() error {
	t, err := p.next()
	if err != nil {
		return err
	}
	if !t.eol {
		return p.errAt(t.off, "expected the end of the line, got %s", t)
	}
	return nil
}

func (p *parser) parseLine() error {
	if len(p.src) > maxLineBytes {
		return p.errAt(0, "a line must be at most %d bytes, this one has %d", maxLineBytes, len(p.src))
	}
	t := p.peek()
	if t.eol {
		return nil
	}
	if s := findSetting(t.text); s != nil && !t.quoted {
		return p.parseSetting(s)
	}
	step := Step{Line: p.line}
	if err := p.parseTiming(&step.Timing); err != nil {
		return err
	}
	if t := p.peek(); step.Timing.Kind != Now && !t.quoted && t.text == "step" {
		return p.errAt(t.off, "a tour's step line takes no timing: write the timing on a line of its own after it")
	}
	if p.peek().eol && step.Timing.Kind != Now {
		p.sc.Steps = append(p.sc.Steps, step)
		return p.endOfLine()
	}
	a, err := p.parseAction()
	if err != nil {
		return err
	}
	step.Action = a
	if a.Verb != "say" && a.Verb != "note" && a.Verb != "step" {
		if err := p.endOfLine(); err != nil {
			return err
		}
	}
	p.sc.Steps = append(p.sc.Steps, step)
	return nil
}

func (p *parser) parseSetting(s *setting) error {
	name, _ := p.next()
	if len(p.sc.Steps) > 0 {
		return p.errAt(name.off, "settings come before the first step, but %s comes after the step on line %d", s.name, p.sc.Steps[0].Line)
	}
	for _, prev := range p.sc.Settings {
		if prev.Name == s.name {
			return p.errAt(name.off, "%s is already set on line %d", s.name, prev.Line)
		}
	}
	t, err := p.next()
	if err != nil {
		return err
	}
	v, ok := s.parse(t.text)
	if t.eol || t.quoted || !ok {
		return p.expected(t, fmt.Sprintf("%s after %s", s.expects(), s.name))
	}
	if s.name == "nodes" {
		if v.n < 1 || v.n > MaxNodes {
			return p.errAt(t.off, "expected between 1 and %d nodes, got %s", MaxNodes, t.text)
		}
		if len(p.sc.Settings) > 0 {
			return p.errAt(name.off, "nodes must be the first setting")
		}
		p.nodes = int(v.n)
	}
	p.sc.Settings = append(p.sc.Settings, Setting{Line: p.line, Name: s.name, Value: s.format(v)})
	return p.endOfLine()
}

func (p *parser) parseTiming(tm *Timing) error {
	var err error
	switch {
	case p.keyword("at"):
		tm.Kind = At
		if tm.Time, err = p.duration("a time like 1.5s after \"at\""); err == nil && p.keyword("step") {
			if t := p.peek(); t.quoted || !isUint(t.text) {
				return p.errAt(t.off, "expected the number of events handled, after \"step\", got %s (a tour's step line takes no timing: write the timing on a line of its own after it)", t)
			}
			n, serr := p.uint("the number of events handled, after \"step\"")
			tm.Step, err = &n, serr
		}
	case p.keyword("after"):
		tm.Kind = After
		tm.Time, err = p.duration("a duration like 200ms after \"after\"")
	case p.keyword("when"):
		tm.Kind = When
		if tm.Cond, err = p.parsePredicate(); err != nil {
			return err
		}
		if p.keyword("within") {
			tm.Within, err = p.duration("a duration like 5s after \"within\"")
			if err == nil && tm.Within == 0 {
				err = p.errAt(p.pos, "within must be longer than 0s")
			}
		}
	}
	return err
}

func isUint(s string) bool {
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

func (p *parser) duration(what string) (time.Duration, error) {
	t, err := p.next()
	if err != nil {
		return 0, err
	}
	d, derr := parseDuration(t.text)
	if t.quoted || t.eol || derr != nil {
		return 0, p.expected(t, what)
	}
	return d, nil
}

func (p *parser) uint(what string) (uint64, error) {
	t, err := p.next()
	if err != nil {
		return 0, err
	}
	n, nerr := strconv.ParseUint(t.text, 10, 64)
	if t.quoted || nerr != nil {
		return 0, p.expected(t, what)
	}
	return n, nil
}

func (p *parser) probability(what string) (float64, error) {
	t, err := p.next()
	if err != nil {
		return 0, err
	}
	f, ok := findSetting("link-loss").parse(t.text)
	if t.quoted || !ok {
		return 0, p.expected(t, what)
	}
	return f.f, nil
}

// isNodeName reports whether s names a node: 'n', then a number without
// leading zeros (n1, n12).
func isNodeName(s string) bool {
	if len(s) < 2 || s[0] != 'n' || s[1] < '1' || s[1] > '9' {
		return false
	}
	for i := 2; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isNode(t token) bool { return !t.quoted && isNodeName(t.text) }

// node reads a node name such as n3.
func (p *parser) node() (raft.NodeID, error) {
	t, err := p.next()
	if err != nil {
		return 0, err
	}
	return p.nodeOf(t)
}

func (p *parser) nodeOf(t token) (raft.NodeID, error) {
	if !isNode(t) {
		return 0, p.expected(t, "a node like n1")
	}
	n, err := strconv.Atoi(t.text[1:])
	if err != nil || n > p.nodes {
		return 0, p.errAt(t.off, "there is no node %s: the cluster has n1 to n%d", t.text, p.nodes)
	}
	return raft.NodeID(n), nil
}

// nodeList reads one or more node names.
func (p *parser) nodeList() ([]raft.NodeID, error) {
	var ids []raft.NodeID
	for {
		id, err := p.node()
		if err != nil {
			return nil, err
		}
		if slices.Contains(ids, id) {
			return nil, p.errAt(p.pos-len(fmtNode(id)), "%s is listed twice", fmtNode(id))
		}
		ids = append(ids, id)
		if !isNode(p.peek()) {
			return ids, nil
		}
	}
}

// link reads n1->n2, or n1<->n2 when both is allowed.
func (p *parser) link(both bool) (*LinkRef, error) {
	t, err := p.next()
	if err != nil {
		return nil, err
	}
	what := "a link like n1->n2"
	if both {
		what = "a link like n1->n2 (one way) or n1<->n2 (both ways)"
	}
	sep := "->"
	a, b, ok := strings.Cut(t.text, "<->")
	if ok {
		sep = "<->"
	} else {
		a, b, ok = strings.Cut(t.text, "->")
	}
	if t.quoted || !ok || (sep == "<->" && !both) || !isNodeName(a) || !isNodeName(b) {
		return nil, p.expected(t, what)
	}
	from, err := p.nodeOf(token{text: a, off: t.off})
	if err != nil {
		return nil, err
	}
	to, err := p.nodeOf(token{text: b, off: t.off + len(a) + len(sep)})
	if err != nil {
		return nil, err
	}
	if from == to {
		return nil, p.errAt(t.off, "a link joins two different nodes, got %s", t)
	}
	return &LinkRef{From: from, To: to, Both: sep == "<->"}, nil
}

// word reads a key or value: a bare word or a string.
func (p *parser) word(what string) (string, error) {
	t, err := p.next()
	if err != nil {
		return "", err
	}
	if t.eol || t.text == "|" {
		return "", p.expected(t, what)
	}
	return t.text, nil
}

// rest reads narration: one string that is all the line has left, or
// else the rest of the line as it is written.
func (p *parser) rest() (string, error) {
	t, end, err := p.lex()
	if t.eol && t.off == len(p.src) {
		return "", p.expected(t, "the text to show")
	}
	if err == nil && t.quoted {
		save := p.pos
		p.pos = end
		if p.peek().eol {
			return t.text, nil
		}
		p.pos = save
	}
	text := strings.TrimRight(p.src[t.off:], " \t")
	p.pos = len(p.src)
	return text, nil
}
