package load

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestHistogramQuantiles compares the histogram's percentiles with the
// exact ones of sorted samples, for several shapes of data: the error must
// stay within the bucket width (1/64 of the value, plus rounding).
func TestHistogramQuantiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	cases := []struct {
		name string
		gen  func() time.Duration
	}{
		{"constant", func() time.Duration { return 1234567 }},
		{"uniform 0-10ms", func() time.Duration { return time.Duration(rng.Int64N(int64(10 * time.Millisecond))) }},
		{"exponential", func() time.Duration { return time.Duration(rng.ExpFloat64() * float64(time.Millisecond)) }},
		{"bimodal", func() time.Duration {
			if rng.IntN(100) < 95 {
				return 200*time.Microsecond + time.Duration(rng.Int64N(50_000))
			}
			return 2*time.Second + time.Duration(rng.Int64N(int64(time.Second)))
		}},
		{"tiny values", func() time.Duration { return time.Duration(rng.Int64N(100)) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var h Histogram
			xs := make([]time.Duration, 20000)
			for i := range xs {
				xs[i] = c.gen()
				h.Record(xs[i])
			}
			slices.Sort(xs)
			for _, q := range []float64{0.5, 0.9, 0.99, 0.999, 1} {
				exact := xs[max(int(float64(len(xs))*q+0.999999)-1, 0)]
				got := h.Quantile(q)
				tol := exact/64 + 1
				if got < exact || got > exact+tol {
					t.Errorf("q=%v: got %v, exact %v (tolerance %v)", q, got, exact, tol)
				}
			}
			if h.Max() != xs[len(xs)-1] {
				t.Errorf("max %v, want %v", h.Max(), xs[len(xs)-1])
			}
			if h.Count() != uint64(len(xs)) {
				t.Errorf("count %d", h.Count())
			}
		})
	}
}

func TestHistogramMerge(t *testing.T) {
	var a, b, both Histogram
	for i := range 1000 {
		d := time.Duration(i) * time.Microsecond
		if i%2 == 0 {
			a.Record(d)
		} else {
			b.Record(d)
		}
		both.Record(d)
	}
	a.Merge(&b)
	if a.Summary() != both.Summary() {
		t.Fatalf("merged %+v, recorded together %+v", a.Summary(), both.Summary())
	}
	var empty Histogram
	if s := empty.Summary(); s != (Latency{}) {
		t.Fatalf("empty summary %+v", s)
	}
	empty.Merge(&both)
	if empty.Summary() != both.Summary() {
		t.Fatal("merge into an empty histogram lost data")
	}
}

func TestBuckets(t *testing.T) {
	// Every value falls in a bucket whose upper edge is at least the value
	// and whose next bucket starts after it.
	for _, v := range []uint64{0, 1, 63, 64, 65, 127, 128, 129, 1000, 1 << 20, 1<<20 + 12345, 1 << 40, 1<<62 + 5} {
		i := bucketOf(v)
		if bucketHigh(i) < v {
			t.Errorf("value %d in bucket %d whose high is %d", v, i, bucketHigh(i))
		}
		if i > 0 && bucketHigh(i-1) >= v {
			t.Errorf("value %d in bucket %d, but bucket %d reaches %d", v, i, i-1, bucketHigh(i-1))
		}
	}
}
