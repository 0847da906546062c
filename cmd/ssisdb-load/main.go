// Command ssisdb-load is the load generator: it opens N connections to an
// SSISDB emulator (or a SQL Server) and replays a scenario for a duration
// or a count, then reports throughput, latency percentiles and errors by
// SQL Server error number, and checks that every execution a client was
// given reached a final status. With -soak it also samples the server's
// memory and goroutines, draws them as an SVG and judges the run.
//
//	go run ./cmd/ssisdb-load -addr 127.0.0.1:1433 -c 16 -duration 30s -scenario rpc
//	go run ./cmd/ssisdb-load -scenario mix -c 200 -duration 10m -soak \
//	    -metrics http://127.0.0.1:8391/metrics -pid $(pgrep -n ssisdb-emulator) -svg docs/soak.svg
//
// The exit code is 0 when the run had no error and every execution ended,
// 1 otherwise, 2 for bad flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-load/load"
	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-load/soak"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ssisdb-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		dsn       = fs.String("dsn", "", "go-mssqldb connection `URL` (overrides -addr, -user, -password, -database)")
		addr      = fs.String("addr", "127.0.0.1:1433", "server `host:port`")
		user      = fs.String("user", "sa", "login")
		password  = fs.String("password", "", "password (default $MSSQL_SA_PASSWORD, else the emulator's default)")
		database  = fs.String("database", "SSISDB", "database")
		conns     = fs.Int("c", 1, "`connections` open at once")
		duration  = fs.Duration("duration", 0, "run for this long")
		count     = fs.Int64("count", 0, "run this many iterations over all connections")
		scenario  = fs.String("scenario", load.ScenarioMix, "doc, sync, poll, rpc, report or mix")
		format    = fs.String("report", "text", "report format: text or json")
		setup     = fs.Bool("setup", true, "deploy the load project for the poll scenario (needs sysadmin)")
		pollEvery = fs.Duration("poll-interval", 10*time.Millisecond, "pause between the poll scenario's status queries")
		pollRun   = fs.Duration("poll-package-duration", 50*time.Millisecond, "run time of the poll scenario's package")
		finalWait = fs.Duration("final-wait", 30*time.Second, "how long the final check waits for running executions")
		seed      = fs.Uint64("seed", 1, "seed of the mix's choices")

		soakOn    = fs.Bool("soak", false, "sample the server during the run and judge it (needs -metrics)")
		metrics   = fs.String("metrics", "", "the emulator's /metrics `URL` (soak)")
		pid       = fs.Int("pid", 0, "the emulator's process id: RSS is read from /proc/`pid`/status (soak; default: process_resident_memory_bytes)")
		sample    = fs.Duration("sample", 5*time.Second, "soak sampling interval")
		svgPath   = fs.String("svg", "", "write the soak's plot to this SVG `file`")
		settle    = fs.Duration("settle", 4*time.Minute, "soak: how long to wait after the run for the server to return to its idle figures")
		noReset   = fs.Bool("no-reset", false, "soak: do not empty the catalog (emulator.reset) before the leak check")
		verbosity = fs.Bool("v", false, "log progress to stderr")
	)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ssisdb-load: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "ssisdb-load: -report must be text or json, not %q\n", *format)
		return exitUsage
	}
	if *soakOn && *metrics == "" {
		fmt.Fprintln(stderr, "ssisdb-load: -soak needs -metrics (the emulator's /metrics URL)")
		return exitUsage
	}
	if *dsn == "" {
		pw := *password
		if pw == "" {
			pw = os.Getenv("MSSQL_SA_PASSWORD")
		}
		if pw == "" {
			pw = "yourStrong(!)Password"
		}
		u := url.URL{Scheme: "sqlserver", User: url.UserPassword(*user, pw), Host: *addr,
			RawQuery: url.Values{"database": {*database}, "encrypt": {"disable"}}.Encode()}
		*dsn = u.String()
	}
	level := slog.LevelWarn
	if *verbosity {
		level = slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	cfg := load.Config{DSN: *dsn, Connections: *conns, Duration: *duration, Count: *count, Scenario: *scenario,
		Setup: *setup, PollInterval: *pollEvery, PollPackageDuration: *pollRun, FinalWait: *finalWait,
		Seed: *seed, Logger: log}

	var sk *soak.Soak
	if *soakOn {
		sk = soak.New(soak.Config{MetricsURL: *metrics, PID: *pid, Interval: *sample, Settle: *settle,
			ResetDSN: *dsn, Reset: !*noReset, Logger: log})
		if err := sk.Start(ctx); err != nil {
			fmt.Fprintf(stderr, "ssisdb-load: %v\n", err)
			return exitFailed
		}
		cfg.AroundLoad = sk.Mark
	}
	rep, err := load.Run(ctx, cfg)
	if err != nil {
		if sk != nil {
			sk.Stop()
		}
		fmt.Fprintf(stderr, "ssisdb-load: %v\n", err)
		return exitFailed
	}
	ok := rep.ErrorsTotal == 0 && rep.Final.OK()
	var verdict *soak.Verdict
	if sk != nil {
		verdict = sk.Finish(ctx, rep)
		if *svgPath != "" {
			if err := os.WriteFile(*svgPath, sk.SVG(), 0o644); err != nil {
				fmt.Fprintf(stderr, "ssisdb-load: %v\n", err)
				ok = false
			}
		}
		ok = ok && verdict.Pass
	}
	switch *format {
	case "json":
		out := struct {
			*load.Report
			Soak *soak.Verdict `json:"soak,omitempty"`
		}{rep, verdict}
		if err := writeJSON(stdout, out); err != nil {
			fmt.Fprintf(stderr, "ssisdb-load: %v\n", err)
			return exitFailed
		}
	default:
		rep.WriteText(stdout)
		if verdict != nil {
			verdict.WriteText(stdout)
		}
	}
	if !ok {
		return exitFailed
	}
	return exitOK
}
