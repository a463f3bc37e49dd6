package domsync

import "encoding/binary"

// An op is one change to the page, as the applier (static/domsync.js)
// reads it. Each is an opcode byte followed by its operands: node ids as
// unsigned varints and strings as a varint byte length and UTF-8 bytes.
// The numbers are the wire format shared with the JavaScript: change both
// together.
type op byte

const (
	// opElement id tag: create a detached element.
	opElement op = 1
	// opText id data: create a detached text node.
	opText op = 2
	// opComment id data: create a detached comment.
	opComment op = 3
	// opSetAttr id key value: set an attribute.
	opSetAttr op = 4
	// opRemoveAttr id key: remove an attribute.
	opRemoveAttr op = 5
	// opSetData id data: set a text node's or a comment's data.
	opSetData op = 6
	// opSetInnerHTML id html: replace an element's children with markup.
	opSetInnerHTML op = 7
	// opAppend parent child: append child to parent's children.
	opAppend op = 8
	// opReplace old new: put new where old is; old leaves the page.
	opReplace op = 9
	// opRemove id: take the node out of the page.
	opRemove op = 10
	// opListen id flags type: add the applier's event listener.
	opListen op = 11
	// opUnlisten id flags type: remove it.
	opUnlisten op = 12
	// opMount id: put the node in place of the page's mount point.
	opMount op = 13
)

// Listener flags, in opListen and opUnlisten.
const (
	flagCapture = 1 << iota
	flagPassive
)

// encoder appends ops to a byte buffer that one pass reuses.
type encoder struct {
	// buf holds the ops of the pass so far.
	buf []byte
}

func (e *encoder) reset() { e.buf = e.buf[:0] }

func (e *encoder) op(o op, ids ...uint32) {
	e.buf = append(e.buf, byte(o))
	for _, id := range ids {
		e.buf = binary.AppendUvarint(e.buf, uint64(id))
	}
}

func (e *encoder) str(s string) {
	e.buf = binary.AppendUvarint(e.buf, uint64(len(s)))
	e.buf = append(e.buf, s...)
}

func (e *encoder) flags(capture, passive bool) {
	var f byte
	if capture {
		f |= flagCapture
	}
	if passive {
		f |= flagPassive
	}
	e.buf = append(e.buf, f)
}
