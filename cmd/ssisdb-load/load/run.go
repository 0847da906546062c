// Package load drives an SSISDB emulator (or a SQL Server) the way CI farms
// do: N connections through go-mssqldb, each replaying a scenario for a
// duration or a count, with latency histograms, errors counted by SQL Server
// error number, and a final check that every execution a client was handed
// reached a final status.
package load

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
)

// Config is one load run.
type Config struct {
	// Connector opens connections; DSN is used when it is nil.
	Connector driver.Connector
	DSN       string
	// Connections is how many sessions run at once (default 1).
	Connections int
	// Duration bounds the run; Count bounds the iterations over all
	// connections. With both set the first reached ends the run; with
	// neither the run does one iteration per connection.
	Duration time.Duration
	Count    int64
	Scenario string
	// Setup deploys the load project (folder ssisdb-load) and gives its
	// package a run time, for the poll scenario. It needs sysadmin; without
	// it the poll scenario polls package1 of the demo catalog.
	Setup bool
	// PollInterval is the poll scenario's pause between status queries
	// (default 10ms); PollPackageDuration the run time of its package
	// (default 50ms).
	PollInterval        time.Duration
	PollPackageDuration time.Duration
	// FinalWait bounds the final check's wait for executions still running
	// (default 30s).
	FinalWait time.Duration
	// Seed makes the choices of the mix repeatable (default 1).
	Seed uint64
	// Logger gets progress lines; nil discards them.
	Logger *slog.Logger
	// AroundLoad, when set, is called just before the clients start
	// (before=true) and just after the last one stopped, before the final
	// check (before=false): the soak takes the server's counters there.
	AroundLoad func(before bool)
}

// Report is what a run measured.
type Report struct {
	Scenario    string        `json:"scenario"`
	Connections int           `json:"connections"`
	Elapsed     time.Duration `json:"elapsed_ns"`
	// ConnectTime is how long opening every connection took (logins).
	ConnectTime time.Duration `json:"connect_ns"`
	Iterations  int64         `json:"iterations"`
	// Requests counts the batches and RPCs sent during the load (not the
	// setup or the final check).
	Requests int64 `json:"requests"`
	// IterationsPerSec and ExecutionsPerSec are over Elapsed.
	IterationsPerSec float64 `json:"iterations_per_sec"`
	ExecutionsPerSec float64 `json:"executions_per_sec"`
	// Latency is per scenario and per step ("rpc: start_execution").
	Latency map[string]Latency `json:"latency"`
	// Errors counts failures by SQL Server error number, or by class
	// ("network", "timeout", "check: ...", "other").
	Errors      map[string]int64 `json:"errors"`
	ErrorsTotal int64            `json:"errors_total"`
	// ServerErrors counts the ERROR tokens the clients received.
	ServerErrors int64 `json:"server_errors"`
	// SkippedReports are reporting queries the server refused at setup,
	// with its message; they are left out of the mix.
	SkippedReports map[string]string `json:"skipped_reports,omitempty"`
	Final          FinalCheck        `json:"final"`
}

// FinalCheck is the end-of-run check of every execution id handed out.
type FinalCheck struct {
	HandedOut int `json:"handed_out"`
	Final     int `json:"final"`
	// NotFinalCount and MissingCount count the ids found in a running or
	// pending status and the ids not found; NotFinal and Missing list the
	// first 20 of each.
	NotFinalCount int           `json:"not_final_count"`
	MissingCount  int           `json:"missing_count"`
	NotFinal      []int64       `json:"not_final,omitempty"`
	Missing       []int64       `json:"missing,omitempty"`
	ByStatus      map[int64]int `json:"by_status"`
	Waited        time.Duration `json:"waited_ns"`
	Err           string        `json:"error,omitempty"`
}

// OK reports whether every execution handed out was found in a final
// status.
func (f FinalCheck) OK() bool {
	return f.Err == "" && f.Final == f.HandedOut && f.NotFinalCount == 0 && f.MissingCount == 0
}

// runState is shared by the clients of one run.
type runState struct {
	cfg                                  Config
	db                                   *sql.DB
	reports                              []reportQuery
	pollFolder, pollProject, pollPackage string
	lastID                               atomic.Int64
	tickets                              atomic.Int64 // iterations taken, for Count
}

// client is one connection and what it measured; only its goroutine
// touches it until the run merges them.
type client struct {
	run      *runState
	conn     *sql.Conn
	rng      interface{ IntN(int) int }
	hists    map[string]*Histogram
	ids      []int64
	errors   map[string]int64
	srvErrs  int64
	iters    int64
	requests int64
}

func (c *client) hist(name string) *Histogram {
	h := c.hists[name]
	if h == nil {
		h = &Histogram{}
		c.hists[name] = h
	}
	return h
}

func (c *client) handOut(id int64) {
	c.ids = append(c.ids, id)
	c.run.lastID.Store(id)
}

// Run performs the load and the final check. It returns an error only when
// the run could not happen (bad configuration, no connection); failures
// during the load are counted in the report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Connections <= 0 {
		cfg.Connections = 1
	}
	if cfg.Scenario == "" {
		cfg.Scenario = ScenarioMix
	}
	if !slices.Contains(Scenarios, cfg.Scenario) {
		return nil, fmt.Errorf("load: unknown scenario %q (want one of %v)", cfg.Scenario, Scenarios)
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 10 * time.Millisecond
	}
	if cfg.PollPackageDuration <= 0 {
		cfg.PollPackageDuration = 50 * time.Millisecond
	}
	if cfg.FinalWait <= 0 {
		cfg.FinalWait = 30 * time.Second
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	connector := cfg.Connector
	if connector == nil {
		c, err := mssql.NewConnector(cfg.DSN)
		if err != nil {
			return nil, fmt.Errorf("load: %w", err)
		}
		connector = c
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	db.SetMaxOpenConns(cfg.Connections + 1)
	db.SetMaxIdleConns(cfg.Connections + 1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)

	rs := &runState{cfg: cfg, db: db, pollFolder: "folder1", pollProject: "project1", pollPackage: "package1.dtsx"}
	rep := &Report{Scenario: cfg.Scenario, Connections: cfg.Connections, Latency: map[string]Latency{},
		Errors: map[string]int64{}, SkippedReports: map[string]string{}}
	if err := rs.setup(ctx, rep); err != nil {
		return nil, err
	}

	// Open every connection first: the load starts with all of them
	// logged in, as a CI farm's pool would be.
	clients := make([]*client, cfg.Connections)
	connStart := time.Now()
	var openErr error
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	for i := range clients {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			conn, err := db.Conn(ctx)
			if err == nil {
				err = conn.PingContext(ctx)
			}
			if err != nil {
				mu.Lock()
				openErr = errors.Join(openErr, err)
				mu.Unlock()
				return
			}
			clients[i] = &client{run: rs, conn: conn, rng: newRand(cfg.Seed + uint64(i)),
				hists: map[string]*Histogram{}, errors: map[string]int64{}}
		}()
	}
	wg.Wait()
	rep.ConnectTime = time.Since(connStart)
	if openErr != nil {
		for _, c := range clients {
			if c != nil {
				c.conn.Close()
			}
		}
		return nil, fmt.Errorf("load: opening %d connections: %w", cfg.Connections, openErr)
	}

	if cfg.AroundLoad != nil {
		cfg.AroundLoad(true)
	}
	start := time.Now()
	var deadline time.Time
	if cfg.Duration > 0 {
		deadline = start.Add(cfg.Duration)
	}
	count := cfg.Count
	if count <= 0 && cfg.Duration <= 0 {
		count = int64(cfg.Connections)
	}
	stopLog := rs.progress(ctx, clients, start)
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.loop(ctx, deadline, count)
		}()
	}
	wg.Wait()
	stopLog()
	rep.Elapsed = time.Since(start)
	if cfg.AroundLoad != nil {
		cfg.AroundLoad(false)
	}

	var ids []int64
	all := map[string]*Histogram{}
	for _, c := range clients {
		rep.Iterations += c.iters
		rep.Requests += c.requests
		rep.ServerErrors += c.srvErrs
		for k, n := range c.errors {
			rep.Errors[k] += n
			rep.ErrorsTotal += n
		}
		for k, h := range c.hists {
			if all[k] == nil {
				all[k] = &Histogram{}
			}
			all[k].Merge(h)
		}
		ids = append(ids, c.ids...)
		c.conn.Close()
	}
	for k, h := range all {
		rep.Latency[k] = h.Summary()
	}
	if s := rep.Elapsed.Seconds(); s > 0 {
		rep.IterationsPerSec = float64(rep.Iterations) / s
		rep.ExecutionsPerSec = float64(len(ids)) / s
	}
	rep.Final = checkFinal(ctx, db, ids, cfg.FinalWait)
	return rep, nil
}

// loop runs iterations until the deadline or the count. An iteration that
// has begun is finished even after the deadline, so that the run never
// leaves a request half sent; ctx (the user's interrupt) stops it at once.
func (c *client) loop(ctx context.Context, deadline time.Time, count int64) {
	for ctx.Err() == nil {
		if !deadline.IsZero() && !time.Now().Before(deadline) {
			return
		}
		if count > 0 && c.run.tickets.Add(1) > count {
			return
		}
		err := c.runScenario(ctx, c.run.cfg.Scenario)
		c.iters++
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			return
		}
		for _, k := range errorKey(err) {
			c.errors[k]++
		}
		if me, ok := asMSSQL(err); ok {
			c.srvErrs += int64(max(len(me.All), 1))
		}
		if errors.Is(err, driver.ErrBadConn) || errorKey(err)[0] == "network" {
			// The session is gone: the client takes a new one, as a pool does.
			c.conn.Close()
			conn, cerr := c.run.db.Conn(ctx)
			if cerr != nil {
				c.errors["network"]++
				return
			}
			c.conn = conn
		}
	}
}

// progress logs the totals every 10 seconds until the returned func is
// called.
func (rs *runState) progress(ctx context.Context, clients []*client, start time.Time) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(10 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				rs.cfg.Logger.Info("load running", "elapsed", time.Since(start).Round(time.Second),
					"newest_execution", rs.lastID.Load())
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func asMSSQL(err error) (mssql.Error, bool) {
	var me mssql.Error
	if errors.As(err, &me) {
		return me, true
	}
	var pme *mssql.Error
	if errors.As(err, &pme) && pme != nil {
		return *pme, true
	}
	return me, false
}

func asErr[T error](err error, target *T) bool { return errors.As(err, target) }
