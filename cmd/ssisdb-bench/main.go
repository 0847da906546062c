// Command ssisdb-bench measures the emulator next to baselines taken in
// the same run and writes docs/benchmarks.md: a TCP echo round trip (the
// floor any TCP server stands on), a PostgreSQL server running the same
// create/set/start work as PL/pgSQL (when -pg is given), and the packages'
// own `go test -bench` figures with their in-package baselines.
//
//	.ci/bench                      # sets up PostgreSQL, then runs this
//	go run ./cmd/ssisdb-bench -out docs/benchmarks.md [-pg postgres://...]
//
// Run it from the repository root. It builds the emulator, starts it as a
// separate process on loopback ports, and talks to it through go-mssqldb
// and a hand-written TDS client; nothing leaves the machine.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	_ "github.com/microsoft/go-mssqldb"

	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-load/load"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == "-serve-echo" {
		os.Exit(serveEcho())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

// results is everything one run measured.
type results struct {
	Started  time.Time
	Took     time.Duration
	Machine  machine
	Params   params
	Commands []string

	Echo           load.Latency
	EchoThroughput map[int]float64
	TCPConnect     load.Latency

	LoginPlain, LoginTLS    load.Latency
	SelectOne, SelectOneRaw load.Latency
	SelectThroughput        map[int]float64
	AllocsSelect, AllocsRPC allocFigure
	Doc, Triple             load.Latency
	Loads                   map[int]*load.Report // rpc scenario by connections
	LoadWithReports         *load.Report         // rpc on 16 connections while 4 run reports
	ReportsDuring           *load.Report
	Idle                    idleFigure
	IdleErr                 string
	Startup                 startupFigure
	Probes                  []queryProbe

	PG    *pgResult
	PGErr string

	GoBench       []goBench
	GoBenchFailed map[string]string

	Errors []string // measurements that failed
}

func run(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("ssisdb-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		out       = fs.String("out", "docs/benchmarks.md", "write the document to this `file` (- for stdout)")
		pg        = fs.String("pg", "", "PostgreSQL `URL` for the baseline (empty: not measured)")
		quick     = fs.Bool("quick", false, "small counts and short windows, to check that the command works")
		noGoBench = fs.Bool("no-go-bench", false, "skip the packages' go test benchmarks")
		benchtime = fs.String("benchtime", "1s", "-benchtime for the packages' benchmarks")
		recorded  = fs.String("recorded", "docs", "`directory` of the soak's and the fuzz runs' recorded results (soak.txt, fuzz.txt)")
	)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	p := params{logins: 200, requests: 20000, triples: 2000, docIters: 1000, startups: 5, idleConns: 10000,
		window: 5 * time.Second}
	if *quick {
		p = params{logins: 10, requests: 200, triples: 50, docIters: 20, startups: 1, idleConns: 200,
			window: 500 * time.Millisecond}
		*benchtime = "100ms"
	}
	r := &results{Started: time.Now().UTC(), Machine: describeMachine(), Params: p}
	r.Commands = []string{"go run ./cmd/ssisdb-bench " + strings.Join(args, " ")}
	fail := func(what string, err error) {
		log.Error("measurement failed", "what", what, "err", err)
		r.Errors = append(r.Errors, fmt.Sprintf("%s: %v", what, err))
	}

	tmp, err := os.MkdirTemp("", "ssisdb-bench-")
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	log.Info("building the emulator")
	bin, err := buildEmulator(ctx, tmp)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}

	// The floor.
	echoAddr, stopEcho, err := startEchoProcess()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	log.Info("TCP echo baseline")
	if r.Echo, err = measureEcho(echoAddr, p.requests); err != nil {
		fail("echo", err)
	}
	if r.TCPConnect, err = measureTCPConnect(echoAddr, p.logins); err != nil {
		fail("tcp connect", err)
	}

	cfg, err := writeTemp(tmp, "bench.yaml", "limits:\n  max_connections: 20000\n")
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	emu, err := startEmulator(ctx, bin, "--config", cfg)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	dsn := dsnFor(emu.tds, false)
	db, err := sql.Open("sqlserver", dsn)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	db.SetMaxOpenConns(100)
	db.SetMaxIdleConns(100)

	log.Info("logins and SELECT 1")
	if r.LoginPlain, err = measureLogin(ctx, dsn, p.logins); err != nil {
		fail("login", err)
	}
	if r.SelectOne, err = measureSelectOne(ctx, db, p.requests); err != nil {
		fail("SELECT 1", err)
	}
	if r.SelectOneRaw, err = measureRawSelectOne(ctx, emu.tds, p.requests); err != nil {
		fail("SELECT 1 (raw)", err)
	}
	r.EchoThroughput, r.SelectThroughput = map[int]float64{}, map[int]float64{}
	for _, n := range []int{1, 16, 64} {
		e, q, err := alternate(3,
			func() (float64, error) { return echoThroughput(echoAddr, n, p.window/3) },
			func() (float64, error) { return selectThroughput(ctx, db, n, p.window/3) })
		if err != nil {
			fail(fmt.Sprintf("throughput on %d", n), err)
		}
		r.EchoThroughput[n], r.SelectThroughput[n] = e, q
	}
	stopEcho()
	if c, err := openConn(ctx, db); err != nil {
		fail("allocations", err)
	} else {
		if r.AllocsSelect, err = serverAllocs(ctx, emu, 2000, func() error { return selectOne(ctx, c) }); err != nil {
			fail("allocations of SELECT 1", err)
		}
		c.Close()
	}

	log.Info("the documentation's batch and create/set/start over RPC")
	if rep, err := load.Run(ctx, load.Config{DSN: dsn, Connections: 1, Count: int64(p.docIters), Scenario: load.ScenarioDoc}); err != nil {
		fail("doc batch", err)
	} else {
		r.Doc = rep.Latency[load.ScenarioDoc]
		if rep.ErrorsTotal > 0 || !rep.Final.OK() {
			fail("doc batch", fmt.Errorf("errors %v, final %+v", rep.Errors, rep.Final))
		}
	}
	if rep, err := load.Run(ctx, load.Config{DSN: dsn, Connections: 1, Count: int64(p.triples), Scenario: load.ScenarioRPC}); err != nil {
		fail("rpc triple", err)
	} else {
		r.Triple = rep.Latency[load.ScenarioRPC]
		if rep.ErrorsTotal > 0 || !rep.Final.OK() {
			fail("rpc triple", fmt.Errorf("errors %v, final %+v", rep.Errors, rep.Final))
		}
	}
	r.Loads = map[int]*load.Report{}
	for _, n := range []int{16, 64} {
		rep, err := load.Run(ctx, load.Config{DSN: dsn, Connections: n, Duration: p.window, Scenario: load.ScenarioRPC})
		if err != nil {
			fail(fmt.Sprintf("rpc load on %d", n), err)
			continue
		}
		r.Loads[n] = rep
	}
	// The same RPC load while four sessions run the reporting mix: catalog
	// views are read under the catalog's lock, so readers and writers meet.
	{
		repDone := make(chan *load.Report, 1)
		go func() {
			rep, err := load.Run(ctx, load.Config{DSN: dsn, Connections: 4, Duration: p.window + p.window/2, Scenario: load.ScenarioReport})
			if err != nil {
				fail("report load", err)
			}
			repDone <- rep
		}()
		time.Sleep(p.window / 4) // the reports are under way
		rep, err := load.Run(ctx, load.Config{DSN: dsn, Connections: 16, Duration: p.window, Scenario: load.ScenarioRPC})
		if err != nil {
			fail("rpc load with reports", err)
		}
		r.LoadWithReports, r.ReportsDuring = rep, <-repDone
	}
	{
		var id int64
		c, err := openConn(ctx, db)
		if err == nil {
			r.AllocsRPC, err = serverAllocs(ctx, emu, 500, func() error {
				_, err := c.ExecContext(ctx, "SSISDB.catalog.create_execution", sql.Named("folder_name", "folder1"),
					sql.Named("project_name", "project1"), sql.Named("package_name", "package1.dtsx"),
					sql.Named("runinscaleout", true), sql.Named("useanyworker", true), sql.Named("execution_id", sql.Out{Dest: &id}))
				if err != nil {
					return err
				}
				_, err = c.ExecContext(ctx, "SSISDB.catalog.set_execution_parameter_value", sql.Named("execution_id", id),
					sql.Named("object_type", 50), sql.Named("parameter_name", "LOGGING_LEVEL"), sql.Named("parameter_value", 1))
				if err != nil {
					return err
				}
				_, err = c.ExecContext(ctx, "SSISDB.catalog.start_execution", sql.Named("execution_id", id))
				return err
			})
			c.Close()
		}
		if err != nil {
			fail("allocations of create/set/start", err)
		}
	}

	log.Info("reporting queries at the catalog's size after the load")
	for _, q := range []struct{ name, sql string }{
		{"point lookup by execution_id", "SELECT execution_id, status FROM SSISDB.catalog.executions WHERE execution_id = 1000"},
		{"TOP 50 newest executions (ORDER BY execution_id DESC)", "SELECT TOP 50 execution_id, status FROM SSISDB.catalog.executions ORDER BY execution_id DESC"},
		{"messages of one execution (WHERE operation_id =)", "SELECT message FROM SSISDB.catalog.event_messages WHERE operation_id = 1000"},
		{"GROUP BY status over all executions", "SELECT status, COUNT(*) FROM SSISDB.catalog.executions GROUP BY status"},
		{"executions JOIN event_messages", "SELECT e.execution_id, m.message FROM SSISDB.catalog.executions AS e JOIN SSISDB.catalog.event_messages AS m ON m.operation_id = e.execution_id"},
		{"all event_messages (no join)", "SELECT operation_id, message FROM SSISDB.catalog.event_messages"},
	} {
		r.Probes = append(r.Probes, runProbe(ctx, db, q.name, q.sql))
	}
	db.Close()
	t0 := time.Now()
	if _, err := emu.metrics(ctx); err != nil {
		fail("metrics scrape", err)
	}
	r.Probes = append(r.Probes, queryProbe{Name: "one scrape of /metrics (its executions gauge reads catalog.executions)", Rows: -1, Took: time.Since(t0)})

	emu.stop()

	// Idle sessions on a fresh process, so that what the load left behind
	// does not blur the figure.
	log.Info("idle sessions", "n", p.idleConns)
	if idle, err := startEmulator(ctx, bin, "--config", cfg); err != nil {
		fail("idle sessions", err)
	} else {
		if r.Idle, err = measureIdle(ctx, idle, p.idleConns); err != nil {
			r.IdleErr = err.Error()
			fail("idle sessions", err)
		}
		idle.stop()
	}

	log.Info("TLS logins")
	if tlsEmu, err := startEmulator(ctx, bin, "--tls", "on"); err != nil {
		fail("TLS emulator", err)
	} else {
		if r.LoginTLS, err = measureLogin(ctx, dsnFor(tlsEmu.tds, true), p.logins); err != nil {
			fail("TLS login", err)
		}
		tlsEmu.stop()
	}

	log.Info("start-up")
	if r.Startup, err = measureStartup(ctx, bin, p.startups); err != nil {
		fail("start-up", err)
	}

	if *pg != "" {
		log.Info("PostgreSQL baseline")
		if r.PG, err = measurePostgres(ctx, *pg, p); err != nil {
			r.PGErr = err.Error()
			fail("PostgreSQL", err)
		}
	}
	if !*noGoBench {
		log.Info("package benchmarks (go test -bench)")
		r.GoBench, r.GoBenchFailed = runGoBenchmarks(ctx, *benchtime)
	}
	r.Took = time.Since(r.Started)

	doc := renderDoc(r, *recorded)
	if *out == "-" {
		os.Stdout.WriteString(doc)
	} else if err := os.WriteFile(*out, []byte(doc), 0o644); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	log.Info("done", "took", r.Took.Round(time.Second), "failed measurements", len(r.Errors))
	if len(r.Errors) > 0 {
		return 1
	}
	return 0
}
