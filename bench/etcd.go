package main

import (
	"fmt"

	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
)

// etcdCluster runs etcd's RawNodes through the shared loop, each with a
// MemoryStorage written synchronously before its messages are sent.
type etcdCluster struct {
	nodes    []*raft.RawNode
	storages []*raft.MemoryStorage
	// conf is the cluster's configuration, recorded in every snapshot.
	conf pb.ConfState
	// queue is the FIFO of messages in flight; head is the next to deliver.
	queue []pb.Message
	head  int
	counters
}

func newEtcdCluster(size int) (*etcdCluster, error) {
	c := &etcdCluster{counters: newCounters(size)}
	for i := range size {
		c.conf.Voters = append(c.conf.Voters, uint64(i+1))
	}
	for i := range size {
		s := raft.NewMemoryStorage()
		// A bootstrapped cluster: the membership is in a snapshot, as
		// etcd's own tests start one, so no entry precedes the election.
		if err := s.ApplySnapshot(pb.Snapshot{Metadata: pb.SnapshotMetadata{Index: 1, Term: 1, ConfState: c.conf}}); err != nil {
			return nil, err
		}
		rn, err := raft.NewRawNode(&raft.Config{
			ID:              uint64(i + 1),
			ElectionTick:    10,
			HeartbeatTick:   1,
			Storage:         s,
			MaxSizePerMsg:   maxEntriesPerMsg * etcdEntrySize,
			MaxInflightMsgs: maxInflight,
			CheckQuorum:     true,
			PreVote:         true,
			Logger:          discardLogger{},
		})
		if err != nil {
			return nil, err
		}
		c.nodes = append(c.nodes, rn)
		c.storages = append(c.storages, s)
		c.applied[i] = 1
	}
	if err := c.nodes[0].Campaign(); err != nil {
		return nil, err
	}
	c.deliver()
	if st := c.nodes[0].Status(); st.RaftState != raft.StateLeader {
		return nil, fmt.Errorf("etcd: node 1 is %s after its election", st.RaftState)
	}
	return c, nil
}

// etcdEntrySize is the protobuf size etcd counts for one command entry
// (data, type, term and index fields, the index as large as a run makes
// it), so MaxSizePerMsg holds maxEntriesPerMsg of them.
var etcdEntrySize = uint64((&pb.Entry{Term: 2, Index: 1 << 27, Data: make([]byte, commandSize)}).Size())

// process carries out node i's Readys: persist, send, apply, Advance.
func (c *etcdCluster) process(i int) {
	rn, s := c.nodes[i], c.storages[i]
	for rn.HasReady() {
		rd := rn.Ready()
		if !raft.IsEmptyHardState(rd.HardState) {
			if err := s.SetHardState(rd.HardState); err != nil {
				panic(err)
			}
		}
		if !raft.IsEmptySnap(rd.Snapshot) {
			if err := s.ApplySnapshot(rd.Snapshot); err != nil {
				panic(err)
			}
		}
		if err := s.Append(rd.Entries); err != nil {
			panic(err)
		}
		c.queue = append(c.queue, rd.Messages...)
		c.sent += len(rd.Messages)
		for _, e := range rd.CommittedEntries {
			c.apply(i, e.Index, e.Data)
		}
		rn.Advance(rd)
	}
}

// pump delivers messages in FIFO order until none is left.
func (c *etcdCluster) pump() {
	for c.head < len(c.queue) {
		m := c.queue[c.head]
		c.queue[c.head] = pb.Message{}
		c.head++
		to := int(m.To - 1)
		if err := c.nodes[to].Step(m); err != nil {
			panic(err)
		}
		c.process(to)
	}
	c.queue, c.head = c.queue[:0], 0
}

func (c *etcdCluster) propose(cmd []byte) {
	if err := c.nodes[0].Propose(cmd); err != nil {
		panic(err)
	}
}

func (c *etcdCluster) deliver() {
	c.process(0)
	c.pump()
}

// compact snapshots every node at the lowest applied index and drops the
// entries it covers, as an etcd server does after applying.
func (c *etcdCluster) compact() {
	at := c.minApplied()
	for _, s := range c.storages {
		snap, err := s.Snapshot()
		if err != nil {
			panic(err)
		}
		if at <= snap.Metadata.Index {
			continue
		}
		if _, err := s.CreateSnapshot(at, &c.conf, nil); err != nil {
			panic(err)
		}
		if err := s.Compact(at); err != nil {
			panic(err)
		}
	}
}

func (c *etcdCluster) count() *counters { return &c.counters }

// discardLogger silences etcd's raft (its default logger prints every
// election to stderr).
type discardLogger struct{}

func (discardLogger) Debug(...any)            {}
func (discardLogger) Debugf(string, ...any)   {}
func (discardLogger) Error(...any)            {}
func (discardLogger) Errorf(string, ...any)   {}
func (discardLogger) Info(...any)             {}
func (discardLogger) Infof(string, ...any)    {}
func (discardLogger) Warning(...any)          {}
func (discardLogger) Warningf(string, ...any) {}
func (discardLogger) Fatal(v ...any)          { panic(fmt.Sprint(v...)) }
func (discardLogger) Fatalf(f string, v ...any) {
	panic(fmt.Sprintf(f, v...))
}
func (discardLogger) Panic(v ...any)            { panic(fmt.Sprint(v...)) }
func (discardLogger) Panicf(f string, v ...any) { panic(fmt.Sprintf(f, v...)) }
