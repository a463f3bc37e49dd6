package web

import (
	"fmt"
	"time"

	"github.com/raftplayground/raftplayground/internal/jsonvalue"
	"github.com/raftplayground/raftplayground/raft/sim/experiment"
)

// decodeResult reads an experiment.Result from the JSON the worker sends
// (Result.JSON), as encoding/json's Unmarshal would: the page decodes no
// other JSON this large, and encoding/json's decoder would cost it about
// 30 KB of wasm, brotli (internal/jsonvalue). TestDecodeResult checks that
// every field of Result is read.
func decodeResult(b []byte) (*experiment.Result, error) {
	v, err := jsonvalue.Parse(b)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok && v != nil {
		return nil, fmt.Errorf("a result is %T, not an object", v)
	}
	var r jsonvalue.Reader
	o := r.Object(m, "options")
	res := &experiment.Result{
		Name:    r.String(m, "name"),
		Title:   r.String(m, "title"),
		Seed:    r.Uint(m, "seed", false),
		PreVote: r.Bool(m, "pre_vote"),
		Options: experiment.Options{
			Seed:       r.Uint(o, "seed", false),
			Trials:     int(r.Int(o, "trials")),
			PreVote:    r.Bool(o, "pre_vote"),
			Cap:        time.Duration(r.Int(o, "cap_ns")),
			Measure:    time.Duration(r.Int(o, "measure_ns")),
			LatencyMin: time.Duration(r.Int(o, "latency_min_ns")),
			LatencyMax: time.Duration(r.Int(o, "latency_max_ns")),
			UnevenLogs: r.Bool(o, "uneven_logs"),
		},
		Trials:  int(r.Int(m, "trials")),
		Done:    int(r.Int(m, "done")),
		Total:   int(r.Int(m, "total")),
		Columns: r.Strings(m, "columns"),
	}
	res.Configs = each(&r, m, "configs", func(c map[string]any) experiment.ConfigResult {
		s := r.Object(c, "summary")
		return experiment.ConfigResult{
			Label:  r.String(c, "label"),
			Params: r.Floats(c, "params"),
			Summary: experiment.Summary{
				Metric: r.String(s, "metric"),
				Count:  int(r.Int(s, "count")),
				Capped: int(r.Int(s, "capped")),
				Cap:    r.Float(s, "cap"),
				Median: r.Float(s, "median"),
				P90:    r.Float(s, "p90"),
				P99:    r.Float(s, "p99"),
				Max:    r.Float(s, "max"),
				Mean:   r.Float(s, "mean"),
				Rate:   r.Float(s, "rate"),
			},
			Trials: each(&r, c, "trials", func(t map[string]any) experiment.Trial {
				return experiment.Trial{
					Index:  int(r.Int(t, "index")),
					Seed:   r.Uint(t, "seed", true),
					Values: r.Floats(t, "values"),
				}
			}),
		}
	})
	res.Plots = each(&r, m, "plots", func(p map[string]any) experiment.Plot {
		return experiment.Plot{
			Title:  r.String(p, "title"),
			XLabel: r.String(p, "x_label"),
			YLabel: r.String(p, "y_label"),
			Series: each(&r, p, "series", func(s map[string]any) experiment.Series {
				return experiment.Series{Label: r.String(s, "label"), X: r.Floats(s, "x"), Y: r.Floats(s, "y")}
			}),
		}
	})
	return res, r.Err
}

// each reads m's field key, an array of objects, with read: nil when the
// field is missing or null, and a null element as an empty object, as
// Unmarshal would.
func each[T any](r *jsonvalue.Reader, m map[string]any, key string, read func(map[string]any) T) []T {
	a := r.Array(m, key)
	if a == nil {
		return nil
	}
	out := make([]T, len(a))
	for i, v := range a {
		out[i] = read(r.Object(map[string]any{key: v}, key))
	}
	return out
}
