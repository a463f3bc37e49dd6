package sim

import (
	"encoding/json"
	"fmt"
	"hash"
	"hash/fnv"
	"io"
)

// NewTraceDigest returns the hash a run's trace digest is made with: the
// trace's JSON lines (StartSink) through FNV-1a, 128 bits. cmd/scenario
// -digest prints it and the JavaScript API's traceDigest answers it, so
// one scenario's runs natively, in Node.js and in a page can be compared.
// (Not SHA-256: crypto/sha256 would add about 40 KB of brotli to the
// page's wasm; a digest compares honest runs, it resists no adversary.)
func NewTraceDigest() hash.Hash { return fnv.New128a() }

// TraceDigest formats a trace digest's hash as the API answers it: 32
// lower-case hex digits.
func TraceDigest(h hash.Hash) string { return fmt.Sprintf("%x", h.Sum(nil)) }

// StartSink writes every event traced so far to sink as JSON lines, then
// makes the trace write every later one (SetSink): sink gets the whole
// trace from event 1, the same bytes on every platform. A new world traces
// its start before anyone can set a sink; StartSink fails when more events
// have passed than the trace keeps (traceKeep), since those are gone.
func (t *Trace) StartSink(sink io.Writer) error {
	early := t.Recent(traceKeep)
	if uint64(len(early)) != t.n {
		return fmt.Errorf("trace: %d events were traced before the sink was set, more than the %d it keeps", t.n, traceKeep)
	}
	for _, ev := range early {
		b, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		if _, err := sink.Write(append(b, '\n')); err != nil {
			return err
		}
	}
	t.SetSink(sink)
	return nil
}
