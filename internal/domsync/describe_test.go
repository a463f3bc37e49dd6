package domsync

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// layouts gives each op's name and operands, as the applier reads them:
// i a node id, s a string, f a flags byte.
var layouts = map[op]struct{ name, operands string }{
	opElement:      {"element", "is"},
	opText:         {"text", "is"},
	opComment:      {"comment", "is"},
	opSetAttr:      {"set-attr", "iss"},
	opRemoveAttr:   {"remove-attr", "is"},
	opSetData:      {"set-data", "is"},
	opSetInnerHTML: {"set-html", "is"},
	opAppend:       {"append", "ii"},
	opReplace:      {"replace", "ii"},
	opRemove:       {"remove", "i"},
	opListen:       {"listen", "ifs"},
	opUnlisten:     {"unlisten", "ifs"},
	opMount:        {"mount", "i"},
}

// describe spells out ops, one line each ("set-attr 3 "class" "x""), as
// the tests compare them.
func describe(ops []byte) ([]string, error) {
	var lines []string
	for p := 0; p < len(ops); {
		layout, ok := layouts[op(ops[p])]
		if !ok {
			return lines, fmt.Errorf("unknown op %d at byte %d", ops[p], p)
		}
		p++
		parts := []string{layout.name}
		for _, kind := range layout.operands {
			part, n, err := operand(ops[p:], kind)
			if err != nil {
				return lines, fmt.Errorf("%s at byte %d: %w", layout.name, p, err)
			}
			parts = append(parts, part)
			p += n
		}
		lines = append(lines, strings.Join(parts, " "))
	}
	return lines, nil
}

// operand reads one operand of the kind from b: its text and its length.
func operand(b []byte, kind rune) (string, int, error) {
	if kind == 'f' {
		if len(b) == 0 {
			return "", 0, fmt.Errorf("no flags")
		}
		return fmt.Sprintf("flags=%d", b[0]), 1, nil
	}
	v, n := binary.Uvarint(b)
	if n <= 0 {
		return "", 0, fmt.Errorf("bad varint")
	}
	if kind == 'i' {
		return fmt.Sprint(v), n, nil
	}
	if uint64(len(b)-n) < v {
		return "", 0, fmt.Errorf("a string of %d bytes past the end", v)
	}
	return fmt.Sprintf("%q", b[n:n+int(v)]), n + int(v), nil
}
