package main

import (
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-load/load"
)

//go:embed pg.sql
var pgSchema string

// pgResult is the PostgreSQL baseline.
type pgResult struct {
	Version        string
	Login          load.Latency
	SelectOne      load.Latency
	Triple         load.Latency // create + set + start, synchronous_commit on
	TripleAsync    load.Latency // the same with synchronous_commit = off
	TriplesPerSec  float64      // 16 connections, synchronous_commit on
	TriplesPerSecA float64      // 16 connections, synchronous_commit off
}

func pgConnect(ctx context.Context, dsn string, async bool) (*pgx.Conn, error) {
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if async {
		if _, err := c.Exec(ctx, "SET synchronous_commit = off"); err != nil {
			c.Close(ctx)
			return nil, err
		}
	}
	return c, nil
}

// pgTriple is one create/set/start through the PL/pgSQL functions, each
// its own transaction, as each catalog procedure call is on SQL Server.
func pgTriple(ctx context.Context, c *pgx.Conn) error {
	var id int64
	if err := c.QueryRow(ctx, "SELECT ssisdb.create_execution($1, $2, $3, $4, $5, $6, $7)",
		"folder1", "project1", "package1.dtsx", false, nil, true, true).Scan(&id); err != nil {
		return fmt.Errorf("create_execution: %w", err)
	}
	if _, err := c.Exec(ctx, "SELECT ssisdb.set_execution_parameter_value($1, $2, $3, $4)", id, int16(50), "LOGGING_LEVEL", "1"); err != nil {
		return fmt.Errorf("set_execution_parameter_value: %w", err)
	}
	if _, err := c.Exec(ctx, "SELECT ssisdb.start_execution($1, $2)", id, 0); err != nil {
		return fmt.Errorf("start_execution: %w", err)
	}
	return nil
}

func measurePostgres(ctx context.Context, dsn string, p params) (*pgResult, error) {
	c, err := pgConnect(ctx, dsn, false)
	if err != nil {
		return nil, err
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, pgSchema); err != nil {
		return nil, fmt.Errorf("loading the PL/pgSQL baseline: %w", err)
	}
	r := &pgResult{}
	if err := c.QueryRow(ctx, "SELECT version()").Scan(&r.Version); err != nil {
		return nil, err
	}
	var h load.Histogram
	for range p.logins {
		t := time.Now()
		lc, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return nil, err
		}
		h.Record(time.Since(t))
		lc.Close(ctx)
	}
	r.Login = h.Summary()

	r.SelectOne, err = latency(p.requests, func() error {
		var one int
		return c.QueryRow(ctx, "SELECT 1").Scan(&one)
	})
	if err != nil {
		return nil, err
	}

	for _, async := range []bool{false, true} {
		cc, err := pgConnect(ctx, dsn, async)
		if err != nil {
			return nil, err
		}
		lat, err := latency(p.triples, func() error { return pgTriple(ctx, cc) })
		cc.Close(ctx)
		if err != nil {
			return nil, err
		}
		tps, err := pgThroughput(ctx, dsn, async, 16, p.window)
		if err != nil {
			return nil, err
		}
		if async {
			r.TripleAsync, r.TriplesPerSecA = lat, tps
		} else {
			r.Triple, r.TriplesPerSec = lat, tps
		}
	}
	return r, nil
}

// pgThroughput runs create/set/start triples on n connections for d.
func pgThroughput(ctx context.Context, dsn string, async bool, n int, d time.Duration) (float64, error) {
	return throughput(n, d, func() (func() error, func(), error) {
		c, err := pgConnect(ctx, dsn, async)
		if err != nil {
			return nil, nil, err
		}
		return func() error { return pgTriple(ctx, c) }, func() { c.Close(ctx) }, nil
	})
}
