package load

import (
	"math"
	"math/bits"
	"time"
)

// Histogram records durations in log-linear buckets: each power of two is
// split into 64 sub-buckets, so a percentile read from it is within about
// 1.6% of the true value, whatever the range. It holds no samples, costs
// a fixed 30 KiB, and two histograms merge by adding their counts, so each
// client keeps its own and the report merges them without locks.
type Histogram struct {
	counts   [histBuckets]uint64
	n        uint64
	sum      time.Duration
	min, max time.Duration
}

const (
	subBits     = 6
	subBuckets  = 1 << subBits
	histBuckets = (64 - subBits + 1) * subBuckets
)

// bucketOf maps a non-negative value to its bucket: values below 64 have a
// bucket each; above, the top 7 significant bits pick it.
func bucketOf(v uint64) int {
	if v < subBuckets {
		return int(v)
	}
	shift := bits.Len64(v) - subBits - 1 // >= 0
	return (shift+1)*subBuckets + int(v>>uint(shift)) - subBuckets
}

// bucketHigh is the largest value that falls in bucket i.
func bucketHigh(i int) uint64 {
	if i < subBuckets {
		return uint64(i)
	}
	shift := i/subBuckets - 1
	mant := uint64(i%subBuckets + subBuckets)
	return (mant+1)<<uint(shift) - 1
}

// Record adds one duration; negative durations count as zero.
func (h *Histogram) Record(d time.Duration) {
	if d < 0 {
		d = 0
	}
	h.counts[bucketOf(uint64(d))]++
	if h.n == 0 || d < h.min {
		h.min = d
	}
	if d > h.max {
		h.max = d
	}
	h.n++
	h.sum += d
}

// Merge adds o's counts to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.n == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	if o.max > h.max {
		h.max = o.max
	}
	h.n += o.n
	h.sum += o.sum
}

// Count is the number of recorded durations.
func (h *Histogram) Count() uint64 { return h.n }

// Mean is the average, exact.
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return h.sum / time.Duration(h.n)
}

// Max is the largest recorded duration, exact.
func (h *Histogram) Max() time.Duration { return h.max }

// Quantile returns the duration below which a fraction q (0..1) of the
// recordings fall: the upper edge of the bucket holding that rank, capped
// by the exact maximum.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	if q <= 0 {
		return h.min
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	rank = max(min(rank, h.n), 1)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(time.Duration(bucketHigh(i)), h.max)
		}
	}
	return h.max
}

// Latency is the summary a report shows for one histogram.
type Latency struct {
	Count uint64        `json:"count"`
	Mean  time.Duration `json:"mean_ns"`
	P50   time.Duration `json:"p50_ns"`
	P90   time.Duration `json:"p90_ns"`
	P99   time.Duration `json:"p99_ns"`
	P999  time.Duration `json:"p999_ns"`
	Max   time.Duration `json:"max_ns"`
}

// Summary reads the usual percentiles.
func (h *Histogram) Summary() Latency {
	return Latency{Count: h.n, Mean: h.Mean(), P50: h.Quantile(0.50), P90: h.Quantile(0.90),
		P99: h.Quantile(0.99), P999: h.Quantile(0.999), Max: h.max}
}
