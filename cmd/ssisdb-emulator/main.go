// Command ssisdb-emulator serves the SSIS catalog (SSISDB) and SSIS Scale Out
// over SQL Server's TDS protocol. With no flags it listens on 127.0.0.1:1433
// with login sa and a demo catalog that runs the Scale Out documentation's
// example batch as it is.
package main

import (
	"context"
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

	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-emulator/emulator"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1 // could not start or stopped on an error
	exitConfig = 2 // bad flags or configuration
)

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ssisdb-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		configPath = fs.String("config", "", "YAML configuration `file` (flags override it)")
		addr       = fs.String("addr", "", "TDS listen `address` (default 127.0.0.1:1433)")
		httpAddr   = fs.String("http-addr", "", "health, metrics and console `address` (default 127.0.0.1:8391; \"off\" disables)")
		httpTLS    = fs.Bool("http-tls", false, "serve --http-addr over HTTPS (with --tls-cert/--tls-key, else a generated certificate)")
		dataDir    = fs.String("data-dir", "", "keep the catalog in this `directory` across restarts (default: memory only)")
		tlsMode    = fs.String("tls", "", "encryption: off, on or required (default off)")
		tlsCert    = fs.String("tls-cert", "", "PEM certificate `file` (default: a generated self-signed one)")
		tlsKey     = fs.String("tls-key", "", "PEM private key `file`")
		strict     = fs.Bool("strict", false, "fidelity mode: catalog procedures refuse SQL logins with 27123, as SQL Server does")
		saPassword = fs.String("sa-password", "", "password of the sa login (default $MSSQL_SA_PASSWORD, else yourStrong(!)Password)")
		logLevel   = fs.String("log-level", "", "debug, info, warn or error (default info)")
		logFormat  = fs.String("log-format", "", "text or json (default text)")
		noDemo     = fs.Bool("no-demo", false, "start with an empty catalog and no demo worker")
		seeds      stringList
	)
	fs.Var(&seeds, "seed", "load the .ispac/.dtsx files under this `path` at start (repeatable; subdirectories are folders)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitConfig
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ssisdb-emulator: unexpected argument %q\n", fs.Arg(0))
		return exitConfig
	}

	cfg := emulator.Defaults()
	source := "flags"
	if *configPath != "" {
		source = *configPath
		if err := emulator.LoadFile(&cfg, *configPath); err != nil {
			fmt.Fprintf(stderr, "ssisdb-emulator: %v\n", err)
			return exitConfig
		}
	}
	if pw := os.Getenv("MSSQL_SA_PASSWORD"); pw != "" {
		cfg.SAPassword = pw
	}
	// A flag given on the command line overrides the file and the
	// environment; each sets its own setting, so the order does not matter.
	override := map[string]func(){
		"addr": func() { cfg.Addr = *addr },
		"http-addr": func() {
			cfg.HTTPAddr = *httpAddr
			if *httpAddr == "off" {
				cfg.HTTPAddr = ""
			}
		},
		"http-tls":    func() { cfg.HTTPTLS = *httpTLS },
		"data-dir":    func() { cfg.DataDir = *dataDir },
		"tls":         func() { cfg.TLS.Mode = *tlsMode },
		"tls-cert":    func() { cfg.TLS.Cert = *tlsCert },
		"tls-key":     func() { cfg.TLS.Key = *tlsKey },
		"strict":      func() { cfg.Strict = *strict },
		"sa-password": func() { cfg.SAPassword = *saPassword },
		"log-level":   func() { cfg.Log.Level = *logLevel },
		"log-format":  func() { cfg.Log.Format = *logFormat },
		"no-demo":     func() { cfg.NoDemo = *noDemo },
	}
	fs.Visit(func(f *flag.Flag) {
		if apply := override[f.Name]; apply != nil {
			apply()
		}
	})
	cfg.Seed = append(cfg.Seed, seeds...)
	if err := cfg.Validate(source); err != nil {
		fmt.Fprintf(stderr, "ssisdb-emulator: %v\n", err)
		return exitConfig
	}

	log := newLogger(stderr, cfg.Log)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	em, err := emulator.New(cfg, emulator.Options{Logger: log})
	if err != nil {
		fmt.Fprintf(stderr, "ssisdb-emulator: %v\n", err)
		var ce *emulator.ConfigError
		if errors.As(err, &ce) {
			return exitConfig
		}
		return exitFailed
	}
	if err := em.Start(); err != nil {
		fmt.Fprintf(stderr, "ssisdb-emulator: %v\n", err)
		_ = em.Close(context.Background())
		return exitFailed
	}
	if !emulator.Loopback(cfg.Addr) && cfg.SAPassword == emulator.DefaultSAPassword {
		log.Warn("listening beyond loopback with the documented default sa password; set MSSQL_SA_PASSWORD or --sa-password",
			"addr", cfg.Addr)
	}
	if cfg.HTTPAddr != "" && !emulator.Loopback(cfg.HTTPAddr) && !cfg.HTTPTLS {
		log.Warn("serving the console beyond loopback over plain HTTP: sign-ins travel in clear text; use --http-tls",
			"http_addr", cfg.HTTPAddr)
	}
	checkCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	err = em.CheckLogin(checkCtx)
	cancel()
	if err != nil {
		fmt.Fprintf(stderr, "ssisdb-emulator: started, but a login to %s failed: %v\n", em.TDSAddr(), err)
		_ = em.Close(context.Background())
		return exitFailed
	}
	fmt.Fprintln(stdout, em.ReadyLine())

	<-ctx.Done()
	log.Info("shutting down", "cause", context.Cause(ctx))
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := em.Close(sctx); err != nil {
		log.Warn("shutdown did not finish cleanly", "err", err)
	}
	return exitOK
}

func newLogger(w io.Writer, c emulator.LogConfig) *slog.Logger {
	var level slog.Level
	switch strings.ToLower(c.Level) {
	case "debug":
		level = slog.LevelDebug
	case "warn", "warning":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
