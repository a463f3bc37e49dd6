package domsync

import (
	"fmt"

	"github.com/raftplayground/raftplayground/internal/jsonvalue"
)

// summaryOf decodes an event's summary, the JSON object static/domsync.js
// sends, into the map vugu.DOMEvent reads: numbers as float64s, the
// target's properties in a map of their own, as encoding/json's Unmarshal
// into a map[string]any would (internal/jsonvalue says why it is not
// used).
func summaryOf(text string) (map[string]any, error) {
	v, err := jsonvalue.Parse([]byte(text))
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, nil // null, as Unmarshal leaves the map
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("summary is %T, not an object", v)
	}
	return m, floats(m)
}

// floats replaces the numbers in v, an object or array, by float64s.
func floats(v any) error {
	var err error
	fix := func(e any) any {
		switch e := e.(type) {
		case jsonvalue.Number:
			f, ferr := e.Float64()
			if ferr != nil && err == nil {
				err = ferr
			}
			return f
		case map[string]any, []any:
			if ferr := floats(e); ferr != nil && err == nil {
				err = ferr
			}
		}
		return e
	}
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = fix(e)
		}
	case []any:
		for i, e := range v {
			v[i] = fix(e)
		}
	}
	return err
}
