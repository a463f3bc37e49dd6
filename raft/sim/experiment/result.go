package experiment

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"slices"
	"strconv"
)

// Result is a run's outcome so far: every trial, a summary per
// configuration, and the plots.
type Result struct {
	// Name is the experiment's name (Names), Title what it measures.
	Name  string `json:"name"`
	Title string `json:"title"`
	// Seed and PreVote are the run's options, Options all of them.
	Seed    uint64  `json:"seed"`
	PreVote bool    `json:"pre_vote"`
	Options Options `json:"options"`
	// Trials is the number of trials per configuration the run makes.
	Trials int `json:"trials"`
	// Done counts the trials made so far, of Total.
	Done  int `json:"done"`
	Total int `json:"total"`
	// Columns names the values of every trial (Trial.Values).
	Columns []string `json:"columns"`
	// Configs are the configurations, in the order the experiment lists
	// them.
	Configs []ConfigResult `json:"configs"`
	// Plots draw the result.
	Plots []Plot `json:"plots"`
}

// ConfigResult is one configuration's trials and their summary.
type ConfigResult struct {
	// Label names the configuration, e.g. "150-300ms".
	Label string `json:"label"`
	// Params are the configuration's numbers (named in the CSV header).
	Params []float64 `json:"params"`
	// Summary sums up the trials.
	Summary Summary `json:"summary"`
	// Trials done so far, in index order.
	Trials []Trial `json:"trials"`
}

// Trial is one trial's outcome.
type Trial struct {
	// Index is the trial's number within its configuration.
	Index int `json:"index"`
	// Seed is the seed of the trial's world (and of its own draws); in
	// JSON a string, since JavaScript's numbers hold only 53 bits.
	Seed uint64 `json:"seed,string"`
	// Values are the trial's numbers, named by Result.Columns.
	Values []float64 `json:"values"`
}

// Summary sums up one configuration's trials.
type Summary struct {
	// Metric names what the quantiles measure, with its unit.
	Metric string `json:"metric"`
	// Count is the number of trials summed up; Capped those that hit the
	// trial's cap (an election trial that elected no leader in time).
	Count  int `json:"count"`
	Capped int `json:"capped"`
	// Cap is the trials' cap in the metric's unit, where the experiment
	// has one (else 0). A capped trial counts as Cap in the quantiles and
	// the mean: a figure equal to Cap means "at least Cap", and with capped
	// trials the mean is a lower bound.
	Cap float64 `json:"cap,omitempty"`
	// Median, P90, P99, Max and Mean of the metric over all Count trials
	// (quantiles by the nearest-rank method); 0 without trials.
	Median float64 `json:"median"`
	P90    float64 `json:"p90"`
	P99    float64 `json:"p99"`
	Max    float64 `json:"max"`
	Mean   float64 `json:"mean"`
	// Rate is a throughput where the experiment measures one (commits per
	// second, the median over trials), else 0.
	Rate float64 `json:"rate,omitempty"`
}

// Plot is one chart: series of points with axis labels.
type Plot struct {
	Title  string   `json:"title"`
	XLabel string   `json:"x_label"`
	YLabel string   `json:"y_label"`
	Series []Series `json:"series"`
}

// Series is one line of a plot; X and Y have the same length.
type Series struct {
	Label string    `json:"label"`
	X     []float64 `json:"x"`
	Y     []float64 `json:"y"`
}

// JSON encodes the result, trials and all.
func (r *Result) JSON() ([]byte, error) { return json.Marshal(r) }

// CSV writes one row per trial: the configuration's label and numbers,
// the trial's index and seed, then its values, under a header naming them.
func (r *Result) CSV() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	header := append([]string{"experiment", "config"}, paramNames(r.Name)...)
	header = append(header, "pre_vote", "trial", "seed")
	_ = w.Write(append(header, r.Columns...)) // a bytes.Buffer does not fail
	for _, c := range r.Configs {
		for _, t := range c.Trials {
			row := []string{r.Name, c.Label}
			for _, p := range c.Params {
				row = append(row, fmtNum(p))
			}
			row = append(row, strconv.FormatBool(r.PreVote), strconv.Itoa(t.Index), strconv.FormatUint(t.Seed, 10))
			for _, v := range t.Values {
				row = append(row, fmtNum(v))
			}
			_ = w.Write(row)
		}
	}
	w.Flush()
	return b.Bytes()
}

// paramNames names each experiment's configuration numbers in the CSV.
func paramNames(name string) []string {
	switch name {
	case "election":
		return []string{"timeout_min_ms", "timeout_max_ms"}
	case "pipelining":
		return []string{"max_inflight", "latency_ms"}
	}
	return nil
}

// fmtNum prints a number in the shortest form that reads back the same.
func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// fillStats computes the quantiles, maximum and mean of xs (which it
// sorts) into s.
func fillStats(s *Summary, xs []float64) {
	if len(xs) == 0 {
		return
	}
	slices.Sort(xs)
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	s.Median, s.P90, s.P99 = quantile(xs, 0.5), quantile(xs, 0.9), quantile(xs, 0.99)
	s.Max, s.Mean = xs[len(xs)-1], sum/float64(len(xs))
}

// quantile is the q-quantile of sorted xs by the nearest-rank method: the
// smallest value with at least q of the values at or below it.
func quantile(sorted []float64, q float64) float64 {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(i, 0)]
}

// cdf is the empirical distribution of xs (sorted) over n trials: a point
// per value, at the fraction of the n at or below it. With capped trials
// among the n it stays below 1, as the paper's curves do.
func cdf(label string, sorted []float64, n int) Series {
	s := Series{Label: label, X: make([]float64, len(sorted)), Y: make([]float64, len(sorted))}
	copy(s.X, sorted)
	for i := range sorted {
		s.Y[i] = float64(i+1) / float64(n)
	}
	return s
}
