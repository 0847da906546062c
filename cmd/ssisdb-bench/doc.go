package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-load/load"
)

func ms(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.1f µs", float64(d)/1e3)
}

func ratio(a, b float64) string {
	if a <= 0 || b <= 0 {
		return "–"
	}
	if a/b < 0.1 {
		return fmt.Sprintf("%.3f×", a/b)
	}
	return fmt.Sprintf("%.2f×", a/b)
}

func kib(b float64) string { return fmt.Sprintf("%.1f KiB", b/1024) }
func mb(b float64) string  { return fmt.Sprintf("%.1f MB", b/1e6) }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

// latRow is a table row of a latency summary.
func latRow(name string, l load.Latency, base load.Latency) string {
	return fmt.Sprintf("| %s | %d | %s | %s | %s | %s | %s |\n", name, l.Count, ms(l.P50), ms(l.P90), ms(l.P99), ms(l.Max),
		ratio(float64(l.P50), float64(base.P50)))
}

const latHead = "| | n | p50 | p90 | p99 | max | p50 ÷ baseline p50 |\n|---|---:|---:|---:|---:|---:|---:|\n"

func renderDoc(r *results, recorded string) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	m := r.Machine
	w("# Benchmarks\n\n")
	w("Produced by `go run ./cmd/ssisdb-bench` (through `.ci/bench`, which also sets up the PostgreSQL baseline) on %s; the run took %s. ",
		r.Started.Format("2006-01-02 15:04 MST"), r.Took.Round(time.Second))
	w("Every figure sits next to a baseline measured **in the same run on the same machine**, and ratios are given, so that the document can be re-run anywhere and read the same way. ")
	w("The emulator runs as its own process (the built binary, default configuration: fast timing mode, demo catalog) and is driven over loopback TCP by go-mssqldb, as users drive it, or by a hand-written TDS client where a driver would hide what is measured. Nothing here is asserted by the test suite: tests never check wall-clock limits.\n\n")
	w("## Machine\n\n| | |\n|---|---|\n| CPU | %s |\n| cores | %d (GOMAXPROCS %d) |\n| memory | %s |\n| kernel | %s |\n| OS | %s |\n| Go | %s |\n\n",
		m.CPU, m.Cores, m.MaxProc, m.Memory, m.Kernel, m.OS, m.Go)
	w("The machine is a 2-core virtual machine shared with other work (the client, the emulator and PostgreSQL compete for the same two cores), so absolute figures are modest and noisy; the ratios to the same-run baselines are the part to compare across machines.\n\n")
	w("## How to reproduce\n\n```sh\n.ci/bench                                   # everything below; installs and starts PostgreSQL on a loopback port\n")
	w("go run ./cmd/ssisdb-bench -out docs/benchmarks.md [-pg postgres://user@127.0.0.1:port/db]   # without PostgreSQL: no -pg\n")
	w(".ci/bench-soak                              # the 10-minute soak: writes docs/soak.txt and docs/soak.svg\n")
	w(".ci/bench-fuzz 3m                           # every fuzz target for 3 minutes, one at a time: writes docs/fuzz.txt\n```\n\n")
	w("This run: `%s`; counts: %d logins, %d requests per latency figure, %d create/set/start triples, %d doc batches, %s per throughput window, %d idle sessions, %d start-ups.\n\n",
		strings.Join(r.Commands, " "), r.Params.logins, r.Params.requests, r.Params.triples, r.Params.docIters,
		r.Params.window, r.Params.idleConns, r.Params.startups)

	renderGoals(&b, r)
	renderWire(&b, r)
	renderCatalogWork(&b, r)
	renderMemory(&b, r)
	renderProbes(&b, r)
	renderGoBench(&b, r)
	renderRecorded(&b, recorded)
	renderRobustness(&b)
	if len(r.Errors) > 0 {
		w("## Measurements that failed in this run\n\n")
		for _, e := range r.Errors {
			w("- %s\n", strings.ReplaceAll(e, "\n", " "))
		}
		w("\n")
	}
	return b.String()
}

func renderGoals(b *strings.Builder, r *results) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("## Goals at a glance\n\n| goal | figure | baseline (same run) | | |\n|---|---|---|---|---|\n")
	if r.SelectOne.Count > 0 && r.Echo.Count > 0 {
		rt := float64(r.SelectOne.P50) / float64(r.Echo.P50)
		w("| SELECT 1 p50 within 2.5× a TCP echo round trip (go-mssqldb) | %s | echo %s | %.2f× | %s |\n", ms(r.SelectOne.P50), ms(r.Echo.P50), rt, verdict(rt <= 2.5))
		rt = float64(r.SelectOneRaw.P50) / float64(r.Echo.P50)
		w("| the same without a driver (raw TDS client) | %s | echo %s | %.2f× | %s |\n", ms(r.SelectOneRaw.P50), ms(r.Echo.P50), rt, verdict(rt <= 2.5))
	}
	if e, ok := findBench(r.GoBench, "tds", "RoundTrip/tcp-echo"); ok {
		if q, ok := findBench(r.GoBench, "tds", "RoundTrip/select1-go-mssqldb"); ok && e.Metrics["p50-µs"] > 0 {
			rt := q.Metrics["p50-µs"] / e.Metrics["p50-µs"]
			w("| the same in one process (`tds` BenchmarkRoundTrip, go-mssqldb) | %.1f µs | echo %.1f µs | %.2f× | %s |\n", q.Metrics["p50-µs"], e.Metrics["p50-µs"], rt, verdict(rt <= 2.5))
		}
		if q, ok := findBench(r.GoBench, "tds", "RoundTrip/select1-raw"); ok && e.Metrics["p50-µs"] > 0 {
			rt := q.Metrics["p50-µs"] / e.Metrics["p50-µs"]
			w("| the same in one process, raw client | %.1f µs | echo %.1f µs | %.2f× | %s |\n", q.Metrics["p50-µs"], e.Metrics["p50-µs"], rt, verdict(rt <= 2.5))
		}
	}
	if r.Idle.Conns > 0 && r.IdleErr == "" {
		w("| 10,000 idle connections under 20 KiB each | %s of RSS each (%s of heap and stacks) for %d sessions | – | | %s |\n",
			kib(r.Idle.rssPerConn()), kib(r.Idle.heapPerConn()), r.Idle.Conns, verdict(r.Idle.rssPerConn() < 20*1024 && r.Idle.Conns >= 10000))
	}
	if gb, ok := findBench(r.GoBench, "procs/tsql", "ParseDocBatch"); ok {
		w("| parse the example batch under 20 µs | %s | – | | %s |\n", fmtNs(gb.Metrics["ns/op"]), verdict(gb.Metrics["ns/op"] < 20000))
	}
	if gb, ok := findBench(r.GoBench, "procs", "WhileLoop"); ok {
		w("| WHILE of 1,000,000 iterations with SET under 1 s | %s | – | | %s |\n", fmtNs(gb.Metrics["ns/op"]), verdict(gb.Metrics["ns/op"] < 1e9))
	}
	best := 0.0
	for _, gb := range r.GoBench {
		if gb.Pkg == "catalog/scaleout" && strings.HasPrefix(gb.Name, "Executions/") {
			best = max(best, gb.Metrics["execs/s"])
		}
	}
	if best > 0 {
		w("| executions per second in process, start → succeeded, at least 50,000/s | %.0f/s (best configuration) | – | | %s |\n", best, verdict(best >= 50000))
	}
	if gb, ok := findBench(r.GoBench, "catalog/scaleout", "DispatchLatency/inflight=1"); ok {
		p99 := gb.Metrics["p99-µs"]
		w("| dispatch latency p99 under 1 ms in fast mode (idle master) | %.0f µs | – | | %s |\n", p99, verdict(p99 < 1000))
	}
	if a, ok := findBench(r.GoBench, "catalog/scaleout", "DispatchQueue/queue=100"); ok {
		if c, ok := findBench(r.GoBench, "catalog/scaleout", "DispatchQueue/queue=10000"); ok {
			rt := c.Metrics["ns/op"] / a.Metrics["ns/op"]
			w("| dispatch cost flat as the queue grows (10,000 pending, 100 workers) | %s per dispatch | %s at 100 pending | %.2f× | %s |\n",
				fmtNs(c.Metrics["ns/op"]), fmtNs(a.Metrics["ns/op"]), rt, verdict(rt < 2))
		}
	}
	if a, ok := findBench(r.GoBench, "catalog", "ExecutionLookup/seek/n=1000"); ok {
		if c, ok := findBench(r.GoBench, "catalog", "ExecutionLookup/seek/n=1000000"); ok {
			rt := c.Metrics["ns/op"] / a.Metrics["ns/op"]
			w("| point lookup by execution_id: same at 1,000 and 1,000,000 executions | %s at 1,000,000 | %s at 1,000 | %.2f× | %s |\n",
				fmtNs(c.Metrics["ns/op"]), fmtNs(a.Metrics["ns/op"]), rt, verdict(rt < 2))
		}
	}
	if r.Startup.Ready.Count > 0 {
		w("| process start to ready line under 100 ms | %s (median of %d) | – | | %s |\n", ms(r.Startup.Ready.P50), r.Startup.Ready.Count, verdict(r.Startup.Ready.P50 < 100*time.Millisecond))
		w("| process start to first login under 100 ms | %s (median) | – | | %s |\n", ms(r.Startup.FirstLogin.P50), verdict(r.Startup.FirstLogin.P50 < 100*time.Millisecond))
		w("| idle RSS with the demo catalog under 30 MB | %s | – | | %s |\n", mb(float64(r.Startup.IdleRSS)), verdict(r.Startup.IdleRSS < 30e6))
	}
	w("\nA goal marked **missed** is missed by the figure shown; nothing is rounded in its favour.\n\n")
}

func renderWire(b *strings.Builder, r *results) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("## The wire: logins and SELECT 1\n\n")
	w("Baseline: a Go TCP echo server in its own process (as the emulator is), sent %d bytes (the size of a `SELECT 1` SQLBatch message) and read back; and a bare TCP connect for logins. Crossing between two processes costs more than the in-process round trips of the `tds` package's own benchmark (below, `RoundTrip`), where client, server and echo share one Go runtime. On this shared virtual machine the cross-process round trips move from run to run by more than the differences being measured: the same emulator binary gave a raw-client SELECT 1 p50 of 24 µs in one run and 57-76 µs in later ones the same day, and PostgreSQL's SELECT 1 moved between 14 µs and 79 µs; the in-process figures move far less, so they are the better guide to the server's own cost. ", len(echoPayload))
	if r.PG != nil {
		w("PostgreSQL figures are the same calls through pgx v5 (%s).", firstWords(r.PG.Version, 2))
	}
	b.WriteString("\n\n" + latHead)
	b.WriteString(latRow("TCP echo round trip (floor)", r.Echo, r.Echo))
	b.WriteString(latRow("SELECT 1, go-mssqldb", r.SelectOne, r.Echo))
	b.WriteString(latRow("SELECT 1, raw TDS client", r.SelectOneRaw, r.Echo))
	if r.PG != nil {
		b.WriteString(latRow("SELECT 1, PostgreSQL via pgx", r.PG.SelectOne, r.Echo))
	}
	b.WriteString("\n" + latHead)
	b.WriteString(latRow("TCP connect (floor)", r.TCPConnect, r.TCPConnect))
	b.WriteString(latRow("login, plaintext (go-mssqldb)", r.LoginPlain, r.TCPConnect))
	b.WriteString(latRow("login, TLS 1.2 in PRELOGIN (go-mssqldb)", r.LoginTLS, r.TCPConnect))
	if r.PG != nil {
		b.WriteString(latRow("login, PostgreSQL via pgx (trust, no TLS)", r.PG.Login, r.TCPConnect))
	}
	w("\nA login checks the password with PBKDF2-SHA256 (4,096 iterations) whether or not the login exists, so that a refused login takes as long as a wrong password; that hash is most of the plaintext login's time.\n\n")
	w("Throughput, requests per second, each connection sending its next request when the last answer is in; echo and SELECT 1 in three alternating rounds, the median of each:\n\n| connections | TCP echo | SELECT 1 (go-mssqldb) | ratio |\n|---:|---:|---:|---:|\n")
	for _, n := range []int{1, 16, 64} {
		w("| %d | %.0f/s | %.0f/s | %s |\n", n, r.EchoThroughput[n], r.SelectThroughput[n], ratio(r.SelectThroughput[n], r.EchoThroughput[n]))
	}
	w("\nServer allocations per request (from the emulator's own `go_memstats_mallocs_total` and `go_memstats_alloc_bytes_total`, less what reading them costs): SELECT 1 **%.1f allocations, %.0f bytes**; one create/set/start triple over RPC (three requests, plus the simulated run it starts) **%.0f allocations, %s**.\n\n",
		r.AllocsSelect.Allocs, r.AllocsSelect.Bytes, r.AllocsRPC.Allocs, kib(r.AllocsRPC.Bytes))
}

func renderCatalogWork(b *strings.Builder, r *results) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("## The catalog's work over TDS\n\n")
	w("One connection, one call after the other. The documentation's batch is `testdata/scripts/scaleout-doc-example.sql` (both GO batches: two create_execution, set_execution_parameter_value, add_execution_worker, start_execution, two result sets). The triple is create_execution (OUTPUT @execution_id), set_execution_parameter_value and start_execution as three RPCs by name, as a CI job's driver sends them.\n\n")
	base := load.Latency{}
	if r.PG != nil {
		base = r.PG.Triple
		w("Baseline: PostgreSQL running the same work as PL/pgSQL functions over tables shaped like SSISDB's (`cmd/ssisdb-bench/pg.sql`: look up folder, project and package, insert the operation, the execution and its parameter values, the Scale Out job; check and update the parameter; check the status and required parameters, set pending, insert the task), three calls through pgx, each its own transaction. PostgreSQL pays for durability (a WAL flush per commit) unless `synchronous_commit = off`; both are shown. The emulator keeps the catalog in memory and, in the same call, hands the run to its Scale Out master, which runs the simulated package on other goroutines.\n\n")
	}
	b.WriteString(strings.Replace(latHead, "baseline p50", "PostgreSQL p50 (durable)", 1))
	b.WriteString(latRow("documentation's batch (2 executions)", r.Doc, load.Latency{}))
	b.WriteString(latRow("create/set/start over RPC", r.Triple, base))
	if r.PG != nil {
		b.WriteString(latRow("PostgreSQL create/set/start, durable commits", r.PG.Triple, base))
		b.WriteString(latRow("PostgreSQL create/set/start, synchronous_commit = off", r.PG.TripleAsync, base))
	}
	w("\nExecutions per second end to end: the load generator's `rpc` scenario (`go run ./cmd/ssisdb-load -scenario rpc -c N -duration %s`), each execution created, started and run to *succeeded* by the simulated worker; the final check found every execution in a final status.\n\n", r.Params.window)
	w("| connections | executions/s | triple p50 | triple p99 | errors | final check |")
	if r.PG != nil {
		w(" PostgreSQL triples/s (durable / async, 16 connections) |")
	}
	w("\n|---:|---:|---:|---:|---:|---|")
	if r.PG != nil {
		w("---|")
	}
	w("\n")
	for _, n := range []int{16, 64} {
		rep := r.Loads[n]
		if rep == nil {
			w("| %d | failed | | | | |\n", n)
			continue
		}
		l := rep.Latency[load.ScenarioRPC]
		fc := "all final"
		if !rep.Final.OK() {
			fc = fmt.Sprintf("%d of %d final", rep.Final.Final, rep.Final.HandedOut)
		}
		w("| %d | %.0f/s | %s | %s | %d | %s |", n, rep.ExecutionsPerSec, ms(l.P50), ms(l.P99), rep.ErrorsTotal, fc)
		if r.PG != nil {
			if n == 16 {
				w(" %.0f/s / %.0f/s (%s / %s of the emulator) |", r.PG.TriplesPerSec, r.PG.TriplesPerSecA,
					ratio(r.PG.TriplesPerSec, rep.ExecutionsPerSec), ratio(r.PG.TriplesPerSecA, rep.ExecutionsPerSec))
			} else {
				w(" |")
			}
		}
		w("\n")
	}
	if a, b := r.Loads[16], r.LoadWithReports; a != nil && b != nil && r.ReportsDuring != nil {
		rl := r.ReportsDuring.Latency[load.ScenarioReport]
		w("\nThe same 16-connection RPC load while 4 more sessions run the load generator's reporting mix (the newest 50 executions, messages and parameters of one execution, worker agents, executions by status with GROUP BY, one execution joined with its error messages): **%.0f executions/s** against %.0f/s without them (%s), triple p99 %s; the reports' own p50 %s, p99 %s. Scans take the catalog's lock one chunk of rows at a time, so writers are not held back for a whole scan; what the reports take from the writers is CPU on the two shared cores: the newest-N, per-execution and join queries are seeks or ordered walks (well under a millisecond, see the next section), but GROUP BY status reads every execution in the catalog each time, and the catalog grows through the run.\n",
			b.ExecutionsPerSec, a.ExecutionsPerSec, ratio(b.ExecutionsPerSec, a.ExecutionsPerSec), ms(b.Latency[load.ScenarioRPC].P99), ms(rl.P50), ms(rl.P99))
	}
	if r.PG == nil {
		w("\nPostgreSQL was not measured in this run (no `-pg`); `.ci/bench` sets it up.\n")
	}
	w("\n")
}

func renderMemory(b *strings.Builder, r *results) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("## Memory, connections held, start-up\n\n")
	if r.IdleErr != "" {
		w("Idle sessions: the measurement failed: %s\n\n", r.IdleErr)
	} else if r.Idle.Conns > 0 {
		f := r.Idle
		w("%d sessions logged in (PRELOGIN and LOGIN7 from a raw TDS client, 32 at a time, in %s) and left idle: the emulator's RSS went from %s to %s (**%s per session**); its heap and goroutine stacks in use from %s to %s (%s per session); goroutines from %.0f to %.0f (%.2f per session). With them all open, a new session's SELECT 1 %s.\n\n",
			f.Conns, f.OpenTime.Round(time.Millisecond), mb(float64(f.RSSBefore)), mb(float64(f.RSSAfter)), kib(f.rssPerConn()),
			mb(f.HeapStackBefore), mb(f.HeapStackAfter), kib(f.heapPerConn()), f.GoroutinesBefore, f.GoroutinesAfter,
			(f.GoroutinesAfter-f.GoroutinesBefore)/float64(max(f.Conns, 1)), map[bool]string{true: "worked", false: "**failed**"}[f.StillServing])
	}
	if r.Startup.Ready.Count > 0 {
		s := r.Startup
		w("Start-up, over %d starts of the binary: process start to the ready line (which is printed after the emulator's own login probe succeeds) p50 %s, max %s; process start to the first login of a client polling the port, p50 %s, max %s. Idle RSS with the demo catalog two seconds after ready: %s (median).\n\n",
			s.Ready.Count, ms(s.Ready.P50), ms(s.Ready.Max), ms(s.FirstLogin.P50), ms(s.FirstLogin.Max), mb(float64(s.IdleRSS)))
	}
}

func renderProbes(b *strings.Builder, r *results) {
	if len(r.Probes) == 0 {
		return
	}
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	n := 0
	for _, l := range r.Loads {
		n += l.Final.HandedOut
	}
	w("## Reporting queries over TDS\n\nRun once each after the load runs above, with about %d executions in the catalog.\n\n| query | rows | time | |\n|---|---:|---:|---|\n", n+r.Params.docIters*2+r.Params.triples)
	for _, p := range r.Probes {
		if p.Err != "" {
			w("| %s | – | – | refused: %s |\n", p.Name, strings.ReplaceAll(p.Err, "|", "\\|"))
			continue
		}
		rows := fmt.Sprint(p.Rows)
		if p.Rows < 0 {
			rows = "–"
		}
		w("| %s | %s | %s | |\n", p.Name, rows, ms(p.Took))
	}
	w("\nThese run over TDS against the catalog as the load left it. The sizes the issue names (a join at 100,000 messages, GROUP BY status over 1,000,000 executions, point lookups at 1,000 and 1,000,000) are measured in process by the packages' benchmarks below: `procs/ssisdb` CatalogJoin and CatalogGroupBy (over the catalog's views, with their scan baselines), `procs` GroupByMillion and JoinMessages (the engine over plain row sources), `catalog` ExecutionLookup and `procs/ssisdb` CatalogPointLookup, and `procs/querybench` (the engine over a catalog of 1,000,000 executions: GroupByStatus with its peak heap, NewestExecutions, InListLookup, PollLookup, and Projection, each query with all of a view's columns built next to only the ones it reads). A query the engine refuses shows its error here.\n\n")
}

func renderGoBench(b *strings.Builder, r *results) {
	if len(r.GoBench) == 0 && len(r.GoBenchFailed) == 0 {
		return
	}
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("## Package benchmarks (`go test -bench`)\n\n")
	w("Each package's own benchmarks, run once with `-benchmem`. Their baselines are the packages' own: `ParseOnly` for `ParseCompile` (the parser's share), `scan-baseline` for `seek` (a lookup without the index), `DispatchQueue/queue=100` for the deeper queues, `inflight=1` for the saturated dispatch figures, `sort-baseline` for the newest-N walks (a key hidden as `execution_id + 0`, so the rows are sorted), `in-scan-baseline` for IN-list seeks, `all-columns` for `pruned`.\n\n")
	pkgs := []string{}
	for _, gb := range r.GoBench {
		if !slices.Contains(pkgs, gb.Pkg) {
			pkgs = append(pkgs, gb.Pkg)
		}
	}
	for _, pkg := range pkgs {
		w("### %s\n\n| benchmark | time/op | B/op | allocs/op | other |\n|---|---:|---:|---:|---|\n", pkg)
		for _, gb := range r.GoBench {
			if gb.Pkg != pkg {
				continue
			}
			var other []string
			for _, u := range gb.Units {
				switch u {
				case "ns/op", "B/op", "allocs/op":
				default:
					other = append(other, fmt.Sprintf("%.4g %s", gb.Metrics[u], u))
				}
			}
			w("| %s | %s | %.0f | %.0f | %s |\n", gb.Name, fmtNs(gb.Metrics["ns/op"]), gb.Metrics["B/op"], gb.Metrics["allocs/op"], strings.Join(other, ", "))
		}
		w("\n")
	}
	if len(r.GoBenchFailed) > 0 {
		w("Packages whose benchmarks did not run to the end in this run (the tree is shared with work in progress):\n\n")
		keys := make([]string, 0, len(r.GoBenchFailed))
		for k := range r.GoBenchFailed {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			w("- `%s`:\n\n```\n%s\n```\n", k, r.GoBenchFailed[k])
		}
		w("\n")
	}
}

// renderRecorded includes the soak's and the fuzz runs' last results,
// which come from their own long commands.
func renderRecorded(b *strings.Builder, dir string) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("## Soak: 200 connections, 10 minutes, mixed scenarios\n\n")
	w("Command (`.ci/bench-soak`): the built emulator with a configuration that cleans finished Scale Out jobs after a minute, then\n`go run ./cmd/ssisdb-load -scenario mix -c 200 -duration 10m -soak -metrics http://127.0.0.1:PORT/metrics -pid PID -svg docs/soak.svg`.\n")
	w("It samples the emulator's RSS (`/proc/PID/status`), heap and goroutines (`/metrics`) every 5 s; after the load it checks every execution handed out, compares the server's request, error and execution counters with the clients', empties the catalog (`emulator.reset`; the catalog keeps every execution and its messages by design, as SSISDB does until its retention job runs) and waits for the heap and goroutines to come back to their idle figures.\n\n")
	if t, err := os.ReadFile(filepath.Join(dir, "soak.txt")); err == nil {
		w("Last recorded result (`docs/soak.txt`):\n\n```\n%s```\n\n![soak: RSS, heap, goroutines, connections and executions over time](soak.svg)\n\n", string(t))
	} else {
		w("No recorded soak result (`docs/soak.txt` is missing): run `.ci/bench-soak`.\n\n")
	}
	w("## Fuzzing\n\n")
	w("Every `Fuzz*` target of the module, one at a time (`.ci/bench-fuzz 3m`). Every finding is fixed in the package where it lives and its input added to that package's `testdata/fuzz/` corpus, so `go test ./...` replays it.\n\n")
	if t, err := os.ReadFile(filepath.Join(dir, "fuzz.txt")); err == nil {
		w("Last recorded result (`docs/fuzz.txt`):\n\n```\n%s```\n\n", string(t))
	} else {
		w("No recorded fuzz run (`docs/fuzz.txt` is missing): run `.ci/bench-fuzz 3m`.\n\n")
	}
}

func renderRobustness(b *strings.Builder) {
	b.WriteString(`## Faults, bad input and security: where they are tested

The short versions run in ` + "`go test ./...`" + ` (and so in CI); none of them asserts a time.

| case | test |
|---|---|
| client disconnects mid-batch, during a SYNCHRONIZED wait, during the TLS handshake | ` + "`cmd/ssisdb-emulator/faults_test.go`" + ` TestClientDisconnects |
| ATTENTION storms (driver cancellations on many sessions; a raw burst of ATTENTION packets) | TestAttentionStorm |
| ` + "`kill -9`" + ` under load with ` + "`--data-dir`" + `, restart, nothing acknowledged lost | TestKillNineWithDataDir (it skips, saying why, on a build that refuses ` + "`--data-dir`" + `) |
| worker lost during runs: retried on another worker, or ended unexpectedly (6) | TestWorkerLoss |
| truncated, oversized, mis-typed and random packets while a go-mssqldb session keeps working; no goroutine leak | ` + "`tds/hostile_test.go`" + ` TestHostileClients |
| wire decoders fuzzed (packet reader, PRELOGIN, LOGIN7, RPC, TransMgrReq, a live connection) | ` + "`tds`" + ` FuzzPacketReader, FuzzPrelogin, FuzzLogin7, FuzzRPC, FuzzTransMgr, FuzzConn (see Fuzzing) |
| huge batches, deep nesting, RPCs with thousands of parameters, invalid UTF-16, zip and XML bombs in .ispac | TestBadInput |
| TLS-required mode refuses plaintext logins | TestSecurity/tls_required |
| failed logins answer 18456 the same way whether the login exists or not | TestSecurity/login_failures_alike |
| OPENROWSET stays inside its directories (` + "`..`" + `, links and absolute paths outside refused) | TestSecurity/openrowset |
| default binding is loopback; binding elsewhere with the default sa password warns | TestSecurity/binding |
| the console's forms need a valid CSRF token and escape catalog text | the console's own tests: ` + "`cmd/ssisdb-emulator/console`" + ` TestFormsRejectBadCSRF, TestPagesEscapeCatalogValues, TestSecurityHeaders, and its fuzz targets |
| a configured login marked ` + "`disabled`" + ` cannot log in | TestSecurity/login_failures_alike (it answers 18456 like any other refusal) |

`)
}

func firstWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[:n]
	}
	return strings.Join(f, " ")
}
