// Package jsonvalue decodes JSON text into plain Go values: an object
// becomes a map[string]any, an array a []any, a string a string, a number
// a Number (its text), true and false a bool, null nil.
//
// The page's WebAssembly reads three kinds of JSON: the summaries of DOM
// events (internal/domsync), the trace lines the JavaScript API's
// subscribers are told about (wasm/events.go) and the experiment
// worker's results (web/experiments_worker.go). With encoding/json's
// Unmarshal they kept its decoder, which works through reflection, in the
// page: about 30 KB of its wasm, brotli (README, "Size"). The page still
// encodes JSON with encoding/json; this decodes what it must.
//
// Parse accepts exactly what encoding/json accepts (RFC 8259) and decodes
// strings as it does: invalid UTF-8 and lone surrogates become U+FFFD, and
// of keys given twice the last counts.
package jsonvalue

import (
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Number is a JSON number as written, so that an integer too large for a
// float64 (a 64-bit seed) is read exactly.
type Number string

// Float64 returns the number as a float64.
func (n Number) Float64() (float64, error) { return strconv.ParseFloat(string(n), 64) }

// Int64 returns the number as an int64; it fails for a fraction.
func (n Number) Int64() (int64, error) { return strconv.ParseInt(string(n), 10, 64) }

// Uint64 returns the number as a uint64; it fails for a fraction or a
// negative number.
func (n Number) Uint64() (uint64, error) { return strconv.ParseUint(string(n), 10, 64) }

// maxDepth bounds the nesting of arrays and objects, as encoding/json's
// does (10000), so that deep input cannot exhaust the stack.
const maxDepth = 10000

// Parse decodes data, which must hold one JSON value and nothing else but
// white space.
func Parse(data []byte) (any, error) {
	p := &parser{b: data}
	p.space()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	if p.space(); p.i < len(p.b) {
		return nil, p.errorf("data after the value")
	}
	return v, nil
}

// parser reads b from i on.
type parser struct {
	b []byte
	i int
}

// errorf is a syntax error at the current offset.
func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("jsonvalue: offset %d: %s", p.i, fmt.Sprintf(format, args...))
}

// space skips white space.
func (p *parser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// literal reads the word w (true, false, null).
func (p *parser) literal(w string) error {
	if len(p.b)-p.i < len(w) || string(p.b[p.i:p.i+len(w)]) != w {
		return p.errorf("invalid literal")
	}
	p.i += len(w)
	return nil
}

// value reads one value that starts at p.i, depth arrays and objects deep.
func (p *parser) value(depth int) (any, error) {
	if p.i >= len(p.b) {
		return nil, p.errorf("unexpected end of JSON input")
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		return p.str()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	default:
		return nil, p.errorf("invalid character %q looking for a value", c)
	}
}

func (p *parser) object(depth int) (any, error) {
	if depth > maxDepth {
		return nil, p.errorf("exceeded max depth")
	}
	p.i++ // {
	m := map[string]any{}
	p.space()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return m, nil
	}
	for {
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return nil, p.errorf("looking for the beginning of an object key string")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return nil, p.errorf("looking for ':' after an object key")
		}
		p.i++
		p.space()
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		m[k] = v
		if err := p.next('}'); err != nil {
			return nil, err
		}
		if p.b[p.i-1] == '}' {
			return m, nil
		}
	}
}

func (p *parser) array(depth int) (any, error) {
	if depth > maxDepth {
		return nil, p.errorf("exceeded max depth")
	}
	p.i++ // [
	a := []any{}
	p.space()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return a, nil
	}
	for {
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		if err := p.next(']'); err != nil {
			return nil, err
		}
		if p.b[p.i-1] == ']' {
			return a, nil
		}
	}
}

// next reads what follows an element of an array or object: a comma
// (and the white space around it) or the closing bracket end.
func (p *parser) next(end byte) error {
	p.space()
	if p.i < len(p.b) && (p.b[p.i] == ',' || p.b[p.i] == end) {
		p.i++
		if p.b[p.i-1] == ',' {
			p.space()
		}
		return nil
	}
	return p.errorf("looking for ',' or %q", end)
}

// number reads a number: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
func (p *parser) number() (any, error) {
	start := p.i
	if p.b[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.b) && p.b[p.i] == '0':
		p.i++
	case p.digits() == 0:
		return nil, p.errorf("invalid number")
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if p.digits() == 0 {
			return nil, p.errorf("invalid number")
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if p.digits() == 0 {
			return nil, p.errorf("invalid number")
		}
	}
	return Number(p.b[start:p.i]), nil
}

// digits skips decimal digits and returns how many.
func (p *parser) digits() int {
	start := p.i
	for p.i < len(p.b) && '0' <= p.b[p.i] && p.b[p.i] <= '9' {
		p.i++
	}
	return p.i - start
}

// str reads a string, decoding its escapes.
func (p *parser) str() (string, error) {
	p.i++ // "
	var out []byte
	for {
		if p.i >= len(p.b) {
			return "", p.errorf("unexpected end of JSON input")
		}
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return string(out), nil
		case c < 0x20:
			return "", p.errorf("invalid character %q in string literal", c)
		case c == '\\':
			r, err := p.escape()
			if err != nil {
				return "", err
			}
			out = utf8.AppendRune(out, r)
		case c < utf8.RuneSelf:
			out = append(out, c)
			p.i++
		default:
			r, size := utf8.DecodeRune(p.b[p.i:])
			out = utf8.AppendRune(out, r) // RuneError for invalid UTF-8
			p.i += size
		}
	}
}

// escape reads the escape sequence at p.i.
func (p *parser) escape() (rune, error) {
	if p.i+1 >= len(p.b) {
		return 0, p.errorf("unexpected end of JSON input")
	}
	c := p.b[p.i+1]
	p.i += 2
	switch c {
	case '"', '\\', '/':
		return rune(c), nil
	case 'b':
		return '\b', nil
	case 'f':
		return '\f', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 't':
		return '\t', nil
	case 'u':
		r, ok := p.hex4()
		if !ok {
			return 0, p.errorf("invalid \\u escape")
		}
		if !utf16.IsSurrogate(r) {
			return r, nil
		}
		// A surrogate pair is one rune; a lone surrogate is U+FFFD.
		save := p.i
		if p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
			p.i += 2
			if r2, ok := p.hex4(); ok {
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					return dec, nil
				}
			}
		}
		p.i = save
		return utf8.RuneError, nil
	}
	p.i--
	return 0, p.errorf("invalid escape '\\%c'", c)
}

// hex4 reads four hex digits.
func (p *parser) hex4() (rune, bool) {
	if len(p.b)-p.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.b[p.i : p.i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	p.i += 4
	return r, true
}

// A Reader reads the fields of decoded objects as Go values, as
// encoding/json's Unmarshal would into a struct: a field that is missing
// or null reads as the zero value, and one of another type (or a number
// out of range) is an error. Reader keeps the first error in Err, so that
// a caller reads every field and checks once.
type Reader struct {
	// Err is the first error met, or nil.
	Err error
}

// fail records the first error.
func (r *Reader) fail(key string, v any, want string) {
	if r.Err == nil {
		r.Err = fmt.Errorf("jsonvalue: field %q: %T is not %s", key, v, want)
	}
}

// Object returns the object that is m's field key.
func (r *Reader) Object(m map[string]any, key string) map[string]any {
	v, ok := m[key].(map[string]any)
	if !ok && m[key] != nil {
		r.fail(key, m[key], "an object")
	}
	return v
}

// Array returns the array that is m's field key.
func (r *Reader) Array(m map[string]any, key string) []any {
	v, ok := m[key].([]any)
	if !ok && m[key] != nil {
		r.fail(key, m[key], "an array")
	}
	return v
}

// String returns m's field key, a string.
func (r *Reader) String(m map[string]any, key string) string { return r.stringOf(key, m[key]) }

func (r *Reader) stringOf(key string, v any) string {
	s, ok := v.(string)
	if !ok && v != nil {
		r.fail(key, v, "a string")
	}
	return s
}

// Bool returns m's field key, true or false.
func (r *Reader) Bool(m map[string]any, key string) bool {
	v, ok := m[key].(bool)
	if !ok && m[key] != nil {
		r.fail(key, m[key], "a bool")
	}
	return v
}

// Float returns m's field key, a number, as a float64.
func (r *Reader) Float(m map[string]any, key string) float64 { return r.floatOf(key, m[key]) }

func (r *Reader) floatOf(key string, v any) float64 {
	n, ok := v.(Number)
	if !ok {
		if v != nil {
			r.fail(key, v, "a number")
		}
		return 0
	}
	f, err := n.Float64()
	if err != nil {
		r.fail(key, n, "a float64")
	}
	return f
}

// number returns m's field key, a number, or "".
func (r *Reader) number(m map[string]any, key string) Number {
	n, ok := m[key].(Number)
	if !ok && m[key] != nil {
		r.fail(key, m[key], "a number")
	}
	return n
}

// Int returns m's field key, an integer, as an int64.
func (r *Reader) Int(m map[string]any, key string) int64 {
	n := r.number(m, key)
	if n == "" {
		return 0
	}
	i, err := n.Int64()
	if err != nil {
		r.fail(key, n, "an int64")
	}
	return i
}

// Uint returns m's field key, an integer, as a uint64. With quoted set
// the number is in a string (encoding/json's ",string" option).
func (r *Reader) Uint(m map[string]any, key string, quoted bool) uint64 {
	var n Number
	if quoted {
		n = Number(r.String(m, key))
		if n == "" {
			return 0
		}
	} else if n = r.number(m, key); n == "" {
		return 0
	}
	u, err := n.Uint64()
	if err != nil {
		r.fail(key, n, "a uint64")
	}
	return u
}

// Floats returns m's field key, an array of numbers.
func (r *Reader) Floats(m map[string]any, key string) []float64 {
	a := r.Array(m, key)
	if a == nil {
		return nil
	}
	out := make([]float64, len(a))
	for i, v := range a {
		out[i] = r.floatOf(key, v)
	}
	return out
}

// Strings returns m's field key, an array of strings.
func (r *Reader) Strings(m map[string]any, key string) []string {
	a := r.Array(m, key)
	if a == nil {
		return nil
	}
	out := make([]string, len(a))
	for i, v := range a {
		out[i] = r.stringOf(key, v)
	}
	return out
}
