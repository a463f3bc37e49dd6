package raft

// This file is the configuration in force: where a node finds it (the log's
// newest config entry, else the snapshot's, else Config.Peers) and how it
// follows appends and truncations. Changing it is confctx.go's job.

// refreshConf recomputes the configuration from the log's newest config
// entry, else the snapshot's, else Config.Peers.
func (n *Node) refreshConf() {
	n.conf, n.confIndex = n.confAt(n.log.lastIndex())
}

// confFromEntries takes the newest configuration among entries just
// appended, if there is one.
func (n *Node) confFromEntries(ents []Entry) {
	for i := len(ents) - 1; i >= 0; i-- {
		if e := &ents[i]; e.Type == EntryConfig && e.Conf != nil {
			n.conf, n.confIndex = e.Conf.Clone(), e.Index
			return
		}
	}
}

// baseConf is the configuration before the first entry in the log.
func (n *Node) baseConf() ConfigState {
	if n.snapshot != nil {
		return n.snapshot.Conf.Clone()
	}
	return ConfigState{Voters: sortedSet(n.cfg.Peers)}
}

// confAt returns the configuration in force at index (which must not be
// below the snapshot) and the index of the entry it came from (the
// snapshot's index when it predates the log).
func (n *Node) confAt(index uint64) (ConfigState, uint64) {
	for i := min(index, n.log.lastIndex()); i > n.log.snapIndex; i-- {
		if e := n.log.entry(i); e.Type == EntryConfig && e.Conf != nil {
			return e.Conf.Clone(), i
		}
	}
	return n.baseConf(), n.log.snapIndex
}
