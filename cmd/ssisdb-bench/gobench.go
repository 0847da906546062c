package main

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// goBench is one line of `go test -bench` output.
type goBench struct {
	Pkg     string
	Name    string // without the Benchmark prefix and the -GOMAXPROCS suffix
	N       int64
	Metrics map[string]float64 // by unit: ns/op, B/op, allocs/op, MB/s, execs/s, p99-µs...
	Units   []string           // in the order printed
}

// benchPackages are the packages whose benchmarks the document reports.
var benchPackages = []string{
	"./tds/...", "./procs/tsql/", "./procs/", "./procs/querybench/", "./procs/ssisdb/", "./procs/builtin/",
	"./catalog/", "./catalog/scaleout/", "./catalog/sqltype/", "./cmd/ssisdb-emulator/console/",
}

// runGoBenchmarks runs each package's benchmarks once, with memory
// statistics; a package that fails to build or run is reported, not fatal.
func runGoBenchmarks(ctx context.Context, benchtime string) ([]goBench, map[string]string) {
	var out []goBench
	failed := map[string]string{}
	for _, pkg := range benchPackages {
		cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", ".", "-benchmem", "-count", "1",
			"-benchtime", benchtime, "-timeout", "30m", pkg)
		b, err := cmd.CombinedOutput()
		got := parseGoBench(string(b))
		out = append(out, got...)
		if err != nil {
			failed[pkg] = lastLines(string(b), 8)
		}
	}
	return out, failed
}

func parseGoBench(text string) []goBench {
	var out []goBench
	pkg := ""
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(v)
			continue
		}
		if !strings.HasPrefix(line, "Benchmark") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || len(f)%2 != 0 {
			continue
		}
		n, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			continue
		}
		name := strings.TrimPrefix(f[0], "Benchmark")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		gb := goBench{Pkg: strings.TrimPrefix(pkg, "github.com/ssisdb-emulator/ssisdb-emulator/"), Name: name, N: n,
			Metrics: map[string]float64{}}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			gb.Metrics[f[i+1]] = v
			gb.Units = append(gb.Units, f[i+1])
		}
		out = append(out, gb)
	}
	return out
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// find returns the benchmark named pkg/name.
func findBench(bs []goBench, pkg, name string) (goBench, bool) {
	for _, b := range bs {
		if b.Pkg == pkg && b.Name == name {
			return b, true
		}
	}
	return goBench{}, false
}

// fmtNs prints nanoseconds in the unit that reads best.
func fmtNs(ns float64) string {
	switch {
	case ns >= 1e9:
		return fmt.Sprintf("%.2f s", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}
