package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/raftplayground/raftplayground/raft/sim"
)

// startTrace writes the events a new world already traced (it traces its
// start before a sink can be set), then makes the trace write the rest.
func startTrace(t *sim.Trace, out io.Writer) error {
	n := t.Len()
	early := t.Recent(int(n))
	if uint64(len(early)) != n {
		return fmt.Errorf("scenario: the world traced %d events before the sink was set, more than it keeps", n)
	}
	for _, ev := range early {
		b, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		if _, err := out.Write(append(b, '\n')); err != nil {
			return err
		}
	}
	t.SetSink(out)
	return nil
}

// historyTimeout bounds porcupine's search.
const historyTimeout = 30 * time.Second

// writeHistory writes porcupine's HTML view of w's client history.
func writeHistory(w *sim.World, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	lin, err := w.VisualizeHistory(f, historyTimeout)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if lin != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", path, lin)
	}
	return err
}
