package domsync

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// describe spells out ops, one line each, as the tests compare them.
func describe(ops []byte) ([]string, error) {
	var out []string
	p := 0
	uint := func() (uint64, error) {
		v, n := binary.Uvarint(ops[p:])
		if n <= 0 {
			return 0, fmt.Errorf("bad varint at %d", p)
		}
		p += n
		return v, nil
	}
	str := func() (string, error) {
		n, err := uint()
		if err != nil || p+int(n) > len(ops) {
			return "", fmt.Errorf("bad string at %d", p)
		}
		s := string(ops[p : p+int(n)])
		p += int(n)
		return s, nil
	}
	for p < len(ops) {
		o := op(ops[p])
		p++
		var parts []string
		add := func(f string, v any) { parts = append(parts, fmt.Sprintf(f, v)) }
		var err error
		id := func() { var v uint64; v, err = uint(); add("%d", v) }
		s := func() { var v string; v, err = str(); add("%q", v) }
		switch o {
		case opElement:
			add("%s", "element")
			id()
			s()
		case opText:
			add("%s", "text")
			id()
			s()
		case opComment:
			add("%s", "comment")
			id()
			s()
		case opSetAttr:
			add("%s", "set-attr")
			id()
			s()
			s()
		case opRemoveAttr:
			add("%s", "remove-attr")
			id()
			s()
		case opSetData:
			add("%s", "set-data")
			id()
			s()
		case opSetInnerHTML:
			add("%s", "set-html")
			id()
			s()
		case opAppend:
			add("%s", "append")
			id()
			id()
		case opReplace:
			add("%s", "replace")
			id()
			id()
		case opRemove:
			add("%s", "remove")
			id()
		case opListen, opUnlisten:
			name := "listen"
			if o == opUnlisten {
				name = "unlisten"
			}
			add("%s", name)
			id()
			f := ops[p]
			p++
			add("flags=%d", f)
			s()
		case opMount:
			add("%s", "mount")
			id()
		default:
			return out, fmt.Errorf("unknown op %d at %d", o, p-1)
		}
		if err != nil {
			return out, err
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out, nil
}
