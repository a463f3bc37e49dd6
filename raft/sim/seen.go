package sim

// seenEntries is the checker's record of the first copy seen of each
// uncommitted (index, term) (checker.entries): a map in meaning, kept in
// two parts because every entry of every log is looked up in it.
//
// Past the committed end, each index holds almost always one entry, which
// one log appends and every other log then shows: the window keeps it in
// a slice by index, where a lookup is an index and a commit a pop. The
// rest goes to the map: another term at an index the window holds, an
// index beyond the window's reach, and entries at or below the committed
// end that differ from the committed one (left over when the index
// committed). Invariant: each (index, term) is in one part at most. The
// window starts past the committed end (the checker moves it on as it
// commits), but lookups do not rely on that.
type seenEntries struct {
	// window.at(i) is the first entry seen at index start+i, if its node
	// is set (node 0: none seen there yet). A FIFO, so that the array is
	// reused as commits pop it and entries push it.
	window fifo[seenEntry]
	start  uint64
	// more holds every other entry.
	more map[entryID]seenEntry
}

// windowReach bounds how far past its start the window grows; entries
// further on go to the map.
const windowReach = 1 << 12

// slot returns the window's slot for index, or nil when the window does
// not hold that index.
func (s *seenEntries) slot(index uint64) *seenEntry {
	if index < s.start || index-s.start >= uint64(s.window.len()) {
		return nil
	}
	return s.window.at(int(index - s.start))
}

// get returns the entry recorded for id.
func (s *seenEntries) get(id entryID) (seenEntry, bool) {
	if e := s.slot(id.index); e != nil && e.node != 0 && e.entry.Term == id.term {
		return *e, true
	}
	e, ok := s.more[id]
	return e, ok
}

// set records e for id, replacing what was recorded; committedEnd is the
// last committed index.
func (s *seenEntries) set(id entryID, e seenEntry, committedEnd uint64) {
	if s.window.len() == 0 {
		s.start = committedEnd + 1
	}
	if id.index >= s.start && id.index-s.start < windowReach {
		for uint64(s.window.len()) <= id.index-s.start {
			s.window.push(seenEntry{})
		}
		if w := s.window.at(int(id.index - s.start)); w.node == 0 || w.entry.Term == id.term {
			*w = e
			if len(s.more) > 0 {
				delete(s.more, id) // one part at most
			}
			return
		}
	}
	if s.more == nil {
		s.more = map[entryID]seenEntry{}
	}
	s.more[id] = e
}

// forget drops the entry recorded for id, if any.
func (s *seenEntries) forget(id entryID) {
	if e := s.slot(id.index); e != nil && e.node != 0 && e.entry.Term == id.term {
		*e = seenEntry{}
		return
	}
	delete(s.more, id)
}

// committed moves the window past committedEnd, the new last committed
// index: what it held there (entries of other terms than the committed
// ones) goes to the map.
func (s *seenEntries) committed(committedEnd uint64) {
	for s.window.len() > 0 && s.start <= committedEnd {
		if e := *s.window.at(0); e.node != 0 {
			if s.more == nil {
				s.more = map[entryID]seenEntry{}
			}
			s.more[entryID{s.start, e.entry.Term}] = e
		}
		*s.window.at(0) = seenEntry{} // keep no entry alive through the array
		s.window.popFront(1)
		s.start++
	}
}

// clone returns an independent copy. The map shrinks as entries commit,
// and maps.Clone would copy the room it once needed: the copy gets room
// for what it holds.
func (s *seenEntries) clone() seenEntries {
	c := seenEntries{window: s.window.clone(), start: s.start}
	if len(s.more) > 0 {
		c.more = make(map[entryID]seenEntry, len(s.more))
		for id, e := range s.more {
			c.more[id] = e
		}
	}
	return c
}
