package main

import (
	"fmt"
	"os"
	"time"

	"github.com/raftplayground/raftplayground/raft/sim"
)

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
