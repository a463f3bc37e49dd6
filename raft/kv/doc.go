// Package kv is the replicated state machine the Raft core applies: a
// string key-value store with client sessions, so that a command retried
// by its client takes effect once.
//
// Everything here is deterministic: the same entries applied in the same
// order give byte-identical snapshots on every replica and on every
// platform (native and js/wasm). There are no goroutines, no clock and no
// output that depends on map iteration order.
//
// A replica's life:
//
//  1. A client builds a [Command] and proposes [Command.Encode] as the data
//     of a log entry.
//  2. For each committed entry, in index order, the caller calls
//     [Store.Apply] (command entries) or [Store.ApplyNoop] (configuration
//     and empty entries). Apply answers with the [Result] to hand back to
//     the client that proposed the entry.
//  3. To compact the log, the caller takes [Store.Snapshot]; a follower that
//     is sent one installs it with [Store.Restore].
//
// Reads served by ReadIndex bypass the log and use [Store.Get] once the
// applied index has reached the read index. A checker compares replicas
// with [Store.Digest] or [Store.Equal].
//
// Limits: keys are at most [MaxKeyLen] bytes and values (sent or stored) at
// most [MaxValueLen] bytes.
package kv
