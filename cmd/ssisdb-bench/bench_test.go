package main

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-load/load"
)

func TestParseGoBench(t *testing.T) {
	out := `goos: linux
goarch: amd64
pkg: github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout
cpu: Intel(R) Xeon(R) Processor
BenchmarkExecutions/level=0/workers=1-2         	  200000	      5123 ns/op	  195123 execs/s	    1200 B/op	      14 allocs/op
BenchmarkDispatchLatency/inflight=1-2           	   10000	     20000 ns/op	        31.00 p50-µs	        95.00 p99-µs	       300.0 max-µs
PASS
pkg: github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql
BenchmarkLex-2   	   50000	     22000 ns/op	 150.25 MB/s	       0 B/op	       0 allocs/op
BenchmarkBroken-2 notanumber
ok  	x	1.0s
`
	got := parseGoBench(out)
	if len(got) != 3 {
		t.Fatalf("parsed %d benchmarks: %+v", len(got), got)
	}
	cases := []struct {
		i          int
		pkg, name  string
		unit       string
		value      float64
		unitsCount int
	}{
		{0, "catalog/scaleout", "Executions/level=0/workers=1", "execs/s", 195123, 4},
		{1, "catalog/scaleout", "DispatchLatency/inflight=1", "p99-µs", 95, 4},
		{2, "procs/tsql", "Lex", "MB/s", 150.25, 4},
	}
	for _, c := range cases {
		g := got[c.i]
		if g.Pkg != c.pkg || g.Name != c.name || g.Metrics[c.unit] != c.value || len(g.Units) != c.unitsCount {
			t.Errorf("%d: %+v", c.i, g)
		}
	}
	if b, ok := findBench(got, "procs/tsql", "Lex"); !ok || b.N != 50000 {
		t.Errorf("findBench: %+v %v", b, ok)
	}
}

// TestRenderDoc renders a document from made-up figures: goals are judged
// from the figures, missed ones say so, and recorded results are included.
func TestRenderDoc(t *testing.T) {
	r := &results{Started: time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC), Machine: machine{CPU: "Test CPU", Cores: 2},
		Echo:             load.Latency{Count: 10, P50: 10 * time.Microsecond},
		SelectOne:        load.Latency{Count: 10, P50: 30 * time.Microsecond},
		SelectOneRaw:     load.Latency{Count: 10, P50: 20 * time.Microsecond},
		EchoThroughput:   map[int]float64{1: 100, 16: 200, 64: 300},
		SelectThroughput: map[int]float64{1: 50, 16: 100, 64: 100},
		Idle:             idleFigure{Conns: 10000, RSSBefore: 10 << 20, RSSAfter: 10<<20 + 10000*30*1024},
		GoBench:          []goBench{{Pkg: "procs/tsql", Name: "ParseDocBatch", Metrics: map[string]float64{"ns/op": 15000}, Units: []string{"ns/op"}}},
	}
	doc := renderDoc(r, t.TempDir())
	for _, want := range []string{
		"| CPU | Test CPU |",
		"| SELECT 1 p50 within 2.5× a TCP echo round trip (go-mssqldb) | 30.0 µs | echo 10.0 µs | 3.00× | **missed** |",
		"| the same without a driver (raw TDS client) | 20.0 µs | echo 10.0 µs | 2.00× | met |",
		"30.0 KiB of RSS each",
		"| parse the example batch under 20 µs | 15.0 µs | – | | met |",
		"No recorded soak result",
		"No recorded fuzz run",
		"TestHostileClients",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("document lacks %q", want)
		}
	}
}

// TestThroughputFirstError: workers failing with errors of different
// concrete types report one of them (atomic.Value used to panic here).
func TestThroughputFirstError(t *testing.T) {
	errs := []error{errors.New("plain"), fmt.Errorf("wrapped: %w", fs.ErrClosed), &fs.PathError{Op: "open", Path: "x", Err: fs.ErrNotExist}}
	var next atomic.Int32
	// d is an hour, but every worker stops at its first error.
	_, err := throughput(len(errs), time.Hour, func() (func() error, func(), error) {
		e := errs[next.Add(1)-1]
		return func() error { return e }, func() {}, nil
	})
	if err == nil {
		t.Fatal("no error reported")
	}
	found := false
	for _, e := range errs {
		found = found || err == e
	}
	if !found {
		t.Errorf("reported %v, not one of the workers' errors", err)
	}
}

// TestThroughputCloses: whatever happens, every worker that was opened is
// closed once, also when a later open fails (pgThroughput used to leak its
// connections then).
func TestThroughputCloses(t *testing.T) {
	errOpen := errors.New("connect refused")
	cases := []struct {
		name    string
		workers int
		failAt  int // the open that fails; -1 for none
	}{
		{"all open", 4, -1},
		{"first open fails", 4, 0},
		{"third open fails", 4, 2},
		{"last open fails", 4, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opened := 0
			closed := make([]int, c.workers)
			_, err := throughput(c.workers, 0, func() (func() error, func(), error) {
				i := opened
				if i == c.failAt {
					return nil, nil, errOpen
				}
				opened++
				return func() error { return nil }, func() { closed[i]++ }, nil
			})
			if c.failAt >= 0 && !errors.Is(err, errOpen) {
				t.Errorf("error %v, want %v", err, errOpen)
			}
			if c.failAt < 0 && err != nil {
				t.Errorf("error %v", err)
			}
			for i := range opened {
				if closed[i] != 1 {
					t.Errorf("worker %d closed %d times", i, closed[i])
				}
			}
			want := c.workers
			if c.failAt >= 0 {
				want = c.failAt
			}
			if opened != want {
				t.Errorf("opened %d workers, want %d", opened, want)
			}
		})
	}
}
