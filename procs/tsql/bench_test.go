package tsql

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cpuClock reports the process's CPU time, so that a benchmark can state
// CPU per operation next to wall time: on a shared, loaded machine the
// wall time mostly measures the wait for a core.
func cpuClock() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds cpu-ns/op for the b.N operations since start.
func reportCPU(b *testing.B, start time.Duration) {
	if b.N > 0 {
		b.ReportMetric(float64(cpuClock()-start)/float64(b.N), "cpu-ns/op")
	}
}

// docBatches returns the GO batches of the Scale Out documentation's example.
func docBatches(b *testing.B) []string {
	b.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "testdata", "scripts", "scaleout-doc-example.sql"))
	if err != nil {
		b.Fatal(err)
	}
	var out []string
	for _, part := range strings.Split(string(src), "\nGO\n") {
		if strings.TrimSpace(part) != "" {
			out = append(out, part)
		}
	}
	if len(out) != 2 {
		b.Fatalf("%d batches", len(out))
	}
	return out
}

// scriptCorpus concatenates the parser's test scripts (GO lines removed).
func scriptCorpus(b *testing.B) []string {
	b.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "scripts", "parser", "*.sql"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no scripts: %v", err)
	}
	var batches []string
	for _, f := range files {
		if strings.Contains(f, "mistakes") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		var cur []string
		for _, line := range strings.Split(string(src), "\n") {
			t := strings.TrimSpace(line)
			if strings.EqualFold(t, "GO") {
				batches = append(batches, strings.Join(cur, "\n"))
				cur = nil
				continue
			}
			if !strings.HasPrefix(t, ":") {
				cur = append(cur, line)
			}
		}
		batches = append(batches, strings.Join(cur, "\n"))
	}
	return batches
}

// BenchmarkParseDocBatch parses one GO batch of the documentation's example
// (seven statements: DECLAREs, EXECs with named, positional and bare-word
// arguments, a SELECT). The goal is under 20 µs per batch.
func BenchmarkParseDocBatch(b *testing.B) {
	batches := docBatches(b)
	b.SetBytes(int64(len(batches[0])))
	b.ReportAllocs()
	start := cpuClock()
	defer reportCPU(b, start)
	for i := 0; b.Loop(); i++ {
		if _, err := Parse(batches[i&1]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLex measures the lexer alone over the test scripts, in MB/s.
func BenchmarkLex(b *testing.B) {
	batches := scriptCorpus(b)
	all := strings.Join(batches, "\n")
	b.SetBytes(int64(len(all)))
	b.ReportAllocs()
	buf := make([]token, 0, 1<<14)
	start := cpuClock()
	defer reportCPU(b, start)
	for b.Loop() {
		toks, _ := tokenize(all, false, buf[:0])
		buf = toks
	}
}

// BenchmarkParseScripts parses every batch of the test scripts, in MB/s.
func BenchmarkParseScripts(b *testing.B) {
	batches := scriptCorpus(b)
	n := 0
	for _, s := range batches {
		n += len(s)
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	start := cpuClock()
	defer reportCPU(b, start)
	for b.Loop() {
		for _, s := range batches {
			if _, err := Parse(s); err != nil {
				b.Fatal(err)
			}
		}
	}
}
