package raft

import (
	"errors"
	"fmt"
	"strings"
)

// This file holds the scenario commands that act on the message queue:
// deliver, hold, drop, duplicate, cut, fail a request, list what is in
// flight.

func (s *scenario) cmdDeliver(args []string, _ *strings.Builder) error {
	fs, err := filters(args)
	if err != nil {
		return err
	}
	match := anyMatch(fs)
	for n := 0; s.c.deliverWhere(func(m Message) bool { return match(m) && !s.c.held(m) }); n++ {
		if n > 100000 {
			s.t.Fatal("messages keep coming")
		}
	}
	return nil
}

func (s *scenario) cmdDeliverOne(args []string, _ *strings.Builder) error {
	fs, err := filters(args)
	if err != nil {
		return err
	}
	if !s.c.deliverWhere(anyMatch(fs)) {
		return errors.New("no such message")
	}
	return nil
}

func (s *scenario) cmdHold(args []string, _ *strings.Builder) error {
	fs, err := filters(args)
	if err != nil {
		return err
	}
	for _, f := range fs {
		s.c.hold(f)
	}
	return nil
}

func (s *scenario) cmdRelease(args []string, _ *strings.Builder) error {
	fs, err := filters(args)
	if err != nil {
		return err
	}
	for _, f := range fs {
		s.c.release(f)
	}
	return nil
}

func (s *scenario) cmdDrop(args []string, _ *strings.Builder) error {
	fs, err := filters(args)
	if err != nil {
		return err
	}
	s.c.dropWhere(anyMatch(fs))
	return nil
}

func (s *scenario) cmdDup(args []string, _ *strings.Builder) error {
	fs, err := filters(args)
	if err != nil {
		return err
	}
	for _, f := range fs {
		s.c.dup(f)
	}
	return nil
}

func (s *scenario) cmdCut(args []string, _ *strings.Builder) error {
	fs, err := filters(args)
	if err != nil {
		return err
	}
	for _, f := range fs {
		s.c.cut(f)
	}
	return nil
}

func (s *scenario) cmdIsolate(args []string, _ *strings.Builder) error {
	id, err := s.oneID(args, "isolate")
	if err != nil {
		return err
	}
	s.c.isolate(id)
	return nil
}

func (s *scenario) cmdHeal(args []string, _ *strings.Builder) error {
	s.c.heal()
	return nil
}

func (s *scenario) cmdRPCError(args []string, _ *strings.Builder) error {
	fs, err := filters(args)
	if err != nil {
		return err
	}
	for _, f := range fs {
		if s.c.rpcError(f) {
			return nil
		}
	}
	return errors.New("no such request")
}

func (s *scenario) cmdQueue(_ []string, out *strings.Builder) error {
	for _, m := range s.c.queue {
		held := ""
		if s.c.held(m) {
			held = " (held)"
		}
		fmt.Fprintf(out, "%s%s\n", fmtMsg(m), held)
	}
	return nil
}
