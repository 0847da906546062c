package emulator

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/store"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/ssisdb"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// Emulator is one running product: the TDS server on its listener, the
// T-SQL engine, the SSISDB catalog, the Scale Out master with its simulated
// workers and package runner, and the HTTP endpoints.
type Emulator struct {
	cfg Config
	log *slog.Logger
	clk clock.Clock

	Catalog *catalog.Catalog
	Master  *scaleout.Master
	Runner  *runner.Sim
	Engine  *procs.Engine
	TDS     *tds.Server
	// Store is the data directory (nil without data_dir).
	Store *store.Store
	// Maintenance is the daily SSIS Server Maintenance Job (retention and
	// project-version cleanup at 00:00 on the clock).
	Maintenance *catalog.MaintenanceJob
	metrics     *metrics

	tdsLn, httpLn net.Listener
	cert          *tls.Certificate // of the TDS and HTTPS listeners; nil when neither uses TLS
	httpSrv       *http.Server

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed sync.Once
	health health
}

// Options are what the command and tests may set beyond Config.
type Options struct {
	Logger *slog.Logger // default: discard
	Clock  clock.Clock  // default: the real clock
}

// New builds every part from cfg (already validated) and loads the demo
// catalog and the seeds. It binds no port; Listen does.
//
// With data_dir, the catalog and the master's workers, jobs and tasks are
// loaded from the directory (then catalog.startup ends, with a WARN line
// each, the executions that were in flight) and every change is written
// back as it is made. The demo catalog goes only into an empty directory;
// a seed is deployed again only when its file changed.
func New(cfg Config, opts Options) (em *Emulator, err error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real()
	}
	e := &Emulator{cfg: cfg, log: opts.Logger, clk: opts.Clock}
	defer func() {
		if err != nil && e.Store != nil {
			_ = e.Store.Close() // after the master stopped: the directory is free again
		}
	}()
	e.ctx, e.cancel = context.WithCancel(context.Background())

	logins := []catalog.LoginSpec{{Name: "sa", Password: cfg.SAPassword, Sysadmin: true}}
	for _, l := range cfg.Logins {
		spec := catalog.LoginSpec{Name: l.Name, Password: l.Password, Windows: strings.Contains(l.Name, `\`),
			Roles: l.SSISDBRoles, Disabled: l.Disabled}
		for _, r := range l.ServerRoles {
			if strings.EqualFold(r, "sysadmin") {
				spec.Sysadmin = true
			}
		}
		logins = append(logins, spec)
	}
	machine := cfg.ServerName
	e.Catalog = catalog.New(catalog.Options{
		Clock:       e.clk,
		Logger:      e.log.With("part", "catalog"),
		Strict:      cfg.Strict,
		ServerName:  cfg.ServerName,
		MachineName: machine,
		BulkDirs:    cfg.BulkDirs,
		Logins:      logins,
	})

	sim, err := runner.NewSim(runner.Config{Rules: cfg.Packages})
	if err != nil {
		return nil, &ConfigError{Source: "config", Key: "packages", Msg: err.Error()}
	}
	e.Runner = sim
	e.metrics = newMetrics()
	workers, err := e.workerConfigs()
	if err != nil {
		return nil, err
	}
	e.Master, err = scaleout.New(scaleout.Config{Timing: cfg.Timing, Workers: workers}, e.clk,
		e.Catalog, sim, e.log.With("part", "scaleout"))
	if err != nil {
		return nil, &ConfigError{Source: "config", Key: "timing", Msg: err.Error()}
	}
	e.Catalog.SetMaster(e.Master)
	fresh := true
	if cfg.DataDir != "" {
		if fresh, err = e.openStore(); err != nil {
			return nil, err
		}
	}

	e.Engine = procs.New(procs.Config{
		Catalog: ssisdb.NewAdapter(e.Catalog),
		Clock:   e.clk,
		Logger:  e.log.With("part", "engine"),
		Procs: slices.Concat(ssisdb.Procs(e.Catalog), ssisdb.ControlProcs(e.Catalog, sim),
			ssisdb.WorkerControlProcs(e.Catalog, e.Master)),
		ServerName:  cfg.ServerName,
		MachineName: machine,
	})

	tlsMode, err := tds.ParseTLSMode(cfg.TLS.Mode)
	if err != nil {
		return nil, &ConfigError{Source: "config", Key: "tls.mode", Msg: err.Error()}
	}
	if cfg.TLS.Mode != "off" || cfg.HTTPTLS {
		// One certificate serves the TDS and the HTTPS listeners.
		if e.cert, err = certificate(cfg); err != nil {
			return nil, &ConfigError{Source: "config", Key: "tls.cert", Msg: "loading the TLS certificate: " + err.Error()}
		}
	}
	e.TDS, err = tds.NewServer(tds.Config{
		TLS:            tlsMode,
		Certificate:    e.cert,
		ServerName:     cfg.ServerName,
		MaxConnections: cfg.Limits.MaxConnections,
		MaxMessageSize: cfg.Limits.MaxMessageSize,
		LoginTimeout:   cfg.Limits.LoginTimeout,
		Logger:         e.log.With("part", "tds"),
		Metrics:        e.metrics,
	}, e.Catalog, e.Engine)
	if err != nil {
		return nil, &ConfigError{Source: "config", Key: "tls", Msg: err.Error()}
	}

	if err := e.Master.Start(e.ctx); err != nil {
		return nil, err
	}
	if !cfg.NoDemo && fresh {
		if err := e.Catalog.DemoCatalog(e.ctx); err != nil {
			e.Master.Stop()
			return nil, fmt.Errorf("demo catalog: %w", err)
		}
	}
	for i, s := range cfg.Seed {
		if err := e.loadSeed(s); err != nil {
			e.Master.Stop()
			return nil, &ConfigError{Source: "config", Key: fmt.Sprintf("seed[%d]", i), Msg: err.Error()}
		}
	}
	e.Maintenance = e.Catalog.StartMaintenanceJob(e.ctx)
	e.metrics.watch(e.TDS, e.Master, e.Catalog)
	return e, nil
}

// openStore opens the data directory and attaches it to the catalog and
// the (not yet started) master; it reports whether the directory was empty.
func (e *Emulator) openStore() (fresh bool, err error) {
	dir := e.cfg.DataDir
	st, err := store.Open(dir, store.Options{Logger: e.log.With("part", "store")})
	if err != nil {
		return false, &ConfigError{Source: "config", Key: "data_dir", Msg: err.Error()}
	}
	e.Store = st
	rec, err := st.Attach(e.ctx, e.Catalog, e.Master)
	if err != nil {
		return false, &ConfigError{Source: "config", Key: "data_dir", Msg: err.Error()}
	}
	if rec.Fresh {
		e.log.Info("data directory initialised", "dir", dir)
		return true, nil
	}
	for _, w := range rec.Warnings {
		e.log.Warn(w.Message, "msg", w.Number, "dir", dir)
	}
	e.log.Info("catalog loaded from the data directory", "dir", dir, "operations", rec.Operations,
		"ended_unexpectedly", len(rec.Warnings))
	return false, nil
}

// workerConfigs returns the demo worker (unless no_demo) and the
// configured ones; configured workers start enabled unless they say not.
func (e *Emulator) workerConfigs() ([]scaleout.WorkerConfig, error) {
	var out []scaleout.WorkerConfig
	seen := map[uuid.UUID]bool{}
	for i, w := range e.cfg.Workers {
		id, err := uuid.Parse(w.ID)
		if err != nil {
			return nil, &ConfigError{Source: "config", Key: fmt.Sprintf("workers[%d].id", i), Msg: fmt.Sprintf("%q is not a GUID", w.ID)}
		}
		seen[id] = true
		enabled := w.Enabled == nil || *w.Enabled
		out = append(out, scaleout.WorkerConfig{ID: id, Enabled: enabled, DisplayName: w.DisplayName,
			Description: w.Description, MachineName: w.MachineName, Tags: w.Tags, UserAccount: w.UserAccount,
			MaxTaskCount: w.MaxTaskCount})
	}
	demo := uuid.MustParse(DemoWorkerID)
	if !e.cfg.NoDemo && !seen[demo] {
		out = append([]scaleout.WorkerConfig{{ID: demo, Enabled: true}}, out...)
	}
	return out, nil
}

// loadSeed deploys a directory (folders are its subdirectories) or one
// .ispac/.dtsx file (into folder "Default").
func (e *Emulator) loadSeed(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", path, unwrapPathError(err))
	}
	if st.IsDir() {
		loaded, err := e.Catalog.LoadDir(e.ctx, path, "Default")
		if err != nil {
			return err
		}
		e.log.Info("seed loaded", "dir", path, "projects", loaded)
		return nil
	}
	// A single file: load its directory's view of it through a temporary
	// directory of one entry, so that .dtsx wrapping stays in one place.
	tmp, err := os.MkdirTemp("", "ssisdb-seed-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", path, unwrapPathError(err))
	}
	if err := os.WriteFile(filepath.Join(tmp, filepath.Base(path)), data, 0o600); err != nil {
		return err
	}
	loaded, err := e.Catalog.LoadDir(e.ctx, tmp, "Default")
	if err != nil {
		return fmt.Errorf("%s: %w", path, errors.Unwrap(err))
	}
	e.log.Info("seed loaded", "file", path, "projects", loaded)
	return nil
}

// Listen binds the TDS and HTTP addresses. A port in use is a
// *ConfigError naming the key.
func (e *Emulator) Listen() error {
	ln, err := net.Listen("tcp", e.cfg.Addr)
	if err != nil {
		return listenError("addr", e.cfg.Addr, err)
	}
	e.tdsLn = ln
	if e.cfg.HTTPAddr != "" {
		hl, err := net.Listen("tcp", e.cfg.HTTPAddr)
		if err != nil {
			ln.Close()
			return listenError("http_addr", e.cfg.HTTPAddr, err)
		}
		if e.cfg.HTTPTLS {
			hl = tls.NewListener(hl, &tls.Config{Certificates: []tls.Certificate{*e.cert}, MinVersion: tls.VersionTLS12})
		}
		e.httpLn = hl
	}
	return nil
}

// certificate is the listeners' certificate: the configured one, or one
// generated for the server name.
func certificate(cfg Config) (*tls.Certificate, error) {
	var cert tls.Certificate
	var err error
	if cfg.TLS.Cert != "" {
		cert, err = tls.LoadX509KeyPair(cfg.TLS.Cert, cfg.TLS.Key)
	} else {
		cert, err = tds.SelfSignedCertificate(strings.ToLower(cfg.ServerName))
	}
	return &cert, err
}

func listenError(key, addr string, err error) error {
	msg := err.Error()
	if errors.Is(err, syscall.EADDRINUSE) {
		msg = fmt.Sprintf("%s is already in use by another program; choose another port", addr)
	} else if errors.Is(err, syscall.EACCES) {
		msg = fmt.Sprintf("not allowed to listen on %s", addr)
	}
	return &ConfigError{Source: "config", Key: key, Msg: msg}
}

// Serve runs the listeners until Close. Call Listen first.
func (e *Emulator) Serve() {
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		if err := e.TDS.Serve(e.tdsLn); err != nil && !errors.Is(err, tds.ErrServerClosed) {
			e.log.Error("tds listener stopped", "err", err)
		}
	}()
	if e.httpLn != nil {
		e.httpSrv = &http.Server{Handler: e.httpHandler(), ReadHeaderTimeout: 10 * time.Second}
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			if err := e.httpSrv.Serve(e.httpLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
				e.log.Error("http listener stopped", "err", err)
			}
		}()
	}
}

// Start is New's result made to listen and serve: Listen then Serve.
func (e *Emulator) Start() error {
	if err := e.Listen(); err != nil {
		return err
	}
	e.Serve()
	return nil
}

// Close stops accepting, lets running requests finish until ctx ends,
// stops the master and closes the data directory.
func (e *Emulator) Close(ctx context.Context) error {
	var err error
	e.closed.Do(func() {
		if e.httpSrv != nil {
			_ = e.httpSrv.Shutdown(ctx)
		} else if e.httpLn != nil {
			e.httpLn.Close()
		}
		if e.tdsLn != nil {
			err = e.TDS.Shutdown(ctx)
		}
		e.Maintenance.Stop()
		e.Master.Stop()
		e.cancel()
		e.wg.Wait()
		if e.Store != nil {
			// Last: the master's final reports are written before it closes.
			if serr := e.Store.Close(); serr != nil && err == nil {
				err = serr
			}
		}
	})
	return err
}

// TDSAddr is the address the TDS listener is bound to.
func (e *Emulator) TDSAddr() string {
	if e.tdsLn == nil {
		return e.cfg.Addr
	}
	return e.tdsLn.Addr().String()
}

// HTTPAddr is the bound HTTP address, or "" when HTTP is off.
func (e *Emulator) HTTPAddr() string {
	if e.httpLn == nil {
		return ""
	}
	return e.httpLn.Addr().String()
}

// HTTPURL is the base URL of /healthz, /metrics and the console
// (https:// with http_tls), or "" when HTTP is off.
func (e *Emulator) HTTPURL() string {
	h := e.HTTPAddr()
	if h == "" {
		return ""
	}
	if e.cfg.HTTPTLS {
		return "https://" + h
	}
	return "http://" + h
}

// dialAddr is TDSAddr with a wildcard host replaced by loopback.
func (e *Emulator) dialAddr() string {
	host, port, err := net.SplitHostPort(e.TDSAddr())
	if err != nil {
		return e.TDSAddr()
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// DSN is a go-mssqldb connection URL for login, with database SSISDB.
func (e *Emulator) DSN(login, password string) string {
	u := url.URL{Scheme: "sqlserver", User: url.UserPassword(login, password), Host: e.dialAddr()}
	q := url.Values{"database": {"SSISDB"}}
	switch e.cfg.TLS.Mode {
	case "required":
		q.Set("encrypt", "true")
		q.Set("TrustServerCertificate", "true")
	case "off":
		q.Set("encrypt", "disable")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// SADSN is DSN for sa with its configured password.
func (e *Emulator) SADSN() string { return e.DSN("sa", e.cfg.SAPassword) }

// ConnectionString is an ADO.NET / ODBC style string for sa, for the ready
// line. The password is shown only when it is the documented default.
func (e *Emulator) ConnectionString() string {
	host, port, _ := net.SplitHostPort(e.dialAddr())
	pw := "<sa password>"
	if e.cfg.SAPassword == DefaultSAPassword {
		pw = DefaultSAPassword
	}
	s := fmt.Sprintf("Server=%s,%s;Database=SSISDB;User Id=sa;Password=%s;", host, port, pw)
	if e.cfg.TLS.Mode != "off" {
		s += "Encrypt=True;TrustServerCertificate=True;"
	} else {
		s += "Encrypt=False;"
	}
	return s
}

// ReadyLine is the one line the command prints when logins work.
func (e *Emulator) ReadyLine() string {
	line := fmt.Sprintf("ready tds=%s", e.TDSAddr())
	if u := e.HTTPURL(); u != "" {
		line += " http=" + u
	}
	return line + fmt.Sprintf(" connection=%q", e.ConnectionString())
}
