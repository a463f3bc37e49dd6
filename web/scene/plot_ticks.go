package scene

import (
	"math"
	"strconv"
)

// The axes' ticks: 1, 2 or 5 times powers of ten, on a linear or a log
// scale, with labels as short as their values allow.

// niceStep is the 1, 2 or 5 times a power of ten nearest above span/n:
// the step of at most about n ticks over span.
func niceStep(span float64, n int) float64 {
	raw := span / float64(max(n, 1))
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// niceOut widens [lo, hi] to multiples of its nice step.
func niceOut(lo, hi float64, n int) (float64, float64) {
	step := niceStep(hi-lo, n)
	return math.Floor(lo/step+1e-9) * step, math.Ceil(hi/step-1e-9) * step
}

// LinearTicks are the multiples of a nice step (1, 2 or 5 times a power
// of ten) in [lo, hi], at most about n+1 of them, labelled with as few
// decimals as the step needs.
func LinearTicks(lo, hi float64, n int) []Tick {
	if !(hi > lo) {
		return nil
	}
	step := niceStep(hi-lo, n)
	decimals := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	var ticks []Tick
	for k := math.Ceil(lo/step - 1e-9); k*step <= hi+step*1e-9; k++ {
		v := k * step
		if math.Abs(v) < step*1e-9 {
			v = 0 // not -0
		}
		ticks = append(ticks, Tick{Value: v, Label: tickLabel(v, decimals)})
	}
	return ticks
}

// LogTicks are the powers of ten in [lo, hi]; when that makes fewer than
// three, also their 2 and 5 multiples (lo > 0).
func LogTicks(lo, hi float64) []Tick {
	if !(lo > 0 && hi > lo) {
		return nil
	}
	mantissas := []float64{1}
	if math.Floor(math.Log10(hi)+1e-9)-math.Ceil(math.Log10(lo)-1e-9) < 2 {
		mantissas = []float64{1, 2, 5}
	}
	var ticks []Tick
	for e := math.Floor(math.Log10(lo)); math.Pow(10, e) <= hi*(1+1e-9); e++ {
		for _, m := range mantissas {
			v := m * math.Pow(10, e)
			if v >= lo*(1-1e-9) && v <= hi*(1+1e-9) {
				ticks = append(ticks, Tick{Value: v, Label: tickLabel(v, max(0, -int(e)))})
			}
		}
	}
	return ticks
}

// xTicks are the x axis's ticks, thinned to every other (and so on) until
// their labels fit the area's width side by side.
func xTicks(lo, hi float64, logX bool, width float64) []Tick {
	n := 8
	for {
		var ticks []Tick
		if logX {
			ticks = thin(LogTicks(lo, hi), n)
		} else {
			ticks = LinearTicks(lo, hi, n)
		}
		need := 0.0
		for _, t := range ticks {
			need += textWidth(t.Label, plotFont) + 10
		}
		if need <= width || n <= 2 {
			return ticks
		}
		n--
	}
}

// thin keeps every k-th tick (always the first) so that at most n+1
// remain.
func thin(ticks []Tick, n int) []Tick {
	k := (len(ticks) + n - 1) / max(n, 1)
	if k <= 1 {
		return ticks
	}
	var out []Tick
	for i := 0; i < len(ticks); i += k {
		out = append(out, ticks[i])
	}
	return out
}

// logFloor is the largest 1, 2 or 5 times a power of ten at most x > 0.
func logFloor(x float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(x)+1e-9))
	for _, m := range []float64{5, 2, 1} {
		if m*p <= x*(1+1e-9) {
			return m * p
		}
	}
	return p
}

// logCeil is the smallest 1, 2 or 5 times a power of ten at least x > 0.
func logCeil(x float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(x)+1e-9))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// tickLabel writes v with the given decimals; whole thousands from 10000
// on are written with a k ("20k"), so labels stay short.
func tickLabel(v float64, decimals int) string {
	if a := math.Abs(v); a >= 10000 && math.Mod(a, 1000) == 0 {
		return strconv.FormatFloat(v/1000, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(v, 'f', decimals, 64)
}
