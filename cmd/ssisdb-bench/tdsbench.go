package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	mssql "github.com/microsoft/go-mssqldb"

	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-load/load"
	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-load/rawtds"
)

// params size the measurements; -quick shrinks them.
type params struct {
	logins, requests, triples, docIters, startups, idleConns int
	window                                                   time.Duration
}

const saPassword = "yourStrong(!)Password"

func dsnFor(addr string, tls bool) string {
	q := "database=SSISDB&encrypt=disable"
	if tls {
		q = "database=SSISDB&encrypt=true&TrustServerCertificate=true"
	}
	return fmt.Sprintf("sqlserver://sa:%s@%s?%s", "yourStrong%28%21%29Password", addr, q)
}

// serveEcho is the echo server's process: the bench runs itself with
// -serve-echo, so that the floor crosses a process boundary as the
// emulator's round trips do. It prints its address and serves until its
// standard input closes.
func serveEcho() int {
	addr, stop, err := echoServer()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer stop()
	fmt.Println(addr)
	io.Copy(io.Discard, os.Stdin)
	return 0
}

// startEchoProcess runs serveEcho in a child process.
func startEchoProcess() (string, func(), error) {
	self, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(self, "-serve-echo")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return "", nil, fmt.Errorf("echo process: %w", err)
	}
	return strings.TrimSpace(line), func() { stdin.Close(); cmd.Wait() }, nil
}

// echoServer is the floor: a TCP server that writes back what it reads.
func echoServer() (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	var wg sync.WaitGroup
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	return ln.Addr().String(), func() { ln.Close() }, nil
}

// echoPayload is the size of a SELECT 1 SQLBatch message (8-byte header,
// 22 bytes of ALL_HEADERS, 16 bytes of text).
var echoPayload = make([]byte, 46)

func echoRoundTrip(c net.Conn, buf []byte) error {
	if _, err := c.Write(echoPayload); err != nil {
		return err
	}
	_, err := io.ReadFull(c, buf[:len(echoPayload)])
	return err
}

func measureEcho(addr string, n int) (load.Latency, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return load.Latency{}, err
	}
	defer c.Close()
	buf := make([]byte, 64)
	return latency(n, func() error { return echoRoundTrip(c, buf) })
}

// latency runs op n times, one after the other, and summarises how long
// each took; it stops at the first error.
func latency(n int, op func() error) (load.Latency, error) {
	var h load.Histogram
	for range n {
		t := time.Now()
		if err := op(); err != nil {
			return load.Latency{}, err
		}
		h.Record(time.Since(t))
	}
	return h.Summary(), nil
}

// firstError keeps the first error that any of several goroutines
// reports. It holds a pointer: atomic.Value would panic when two errors of
// different concrete types race to be first.
type firstError struct{ p atomic.Pointer[error] }

func (f *firstError) set(err error) { f.p.CompareAndSwap(nil, &err) }

// get returns the first error set, or nil.
func (f *firstError) get() error {
	if p := f.p.Load(); p != nil {
		return *p
	}
	return nil
}

// throughput runs op on n workers for d and returns operations per second.
// open makes one worker's op and the func that closes what op uses; when
// an open fails, the workers already opened are closed.
func throughput(n int, d time.Duration, open func() (func() error, func(), error)) (float64, error) {
	ops := make([]func() error, n)
	closers := make([]func(), n)
	for i := range n {
		op, cl, err := open()
		if err != nil {
			for _, c := range closers[:i] {
				c()
			}
			return 0, err
		}
		ops[i], closers[i] = op, cl
	}
	defer func() {
		for _, c := range closers {
			c()
		}
	}()
	var done atomic.Int64
	var firstErr firstError
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for _, op := range ops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				if err := op(); err != nil {
					firstErr.set(err)
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	if err := firstErr.get(); err != nil {
		return 0, err
	}
	return float64(done.Load()) / time.Since(start).Seconds(), nil
}

func echoThroughput(addr string, n int, d time.Duration) (float64, error) {
	return throughput(n, d, func() (func() error, func(), error) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return nil, nil, err
		}
		buf := make([]byte, 64)
		return func() error { return echoRoundTrip(c, buf) }, func() { c.Close() }, nil
	})
}

func measureTCPConnect(addr string, n int) (load.Latency, error) {
	var h load.Histogram
	for range n {
		t := time.Now()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return load.Latency{}, err
		}
		h.Record(time.Since(t))
		c.Close()
	}
	return h.Summary(), nil
}

// measureLogin opens and closes n go-mssqldb connections one after the
// other: PRELOGIN, TLS if asked, LOGIN7 and the login reply.
func measureLogin(ctx context.Context, dsn string, n int) (load.Latency, error) {
	conn, err := mssql.NewConnector(dsn)
	if err != nil {
		return load.Latency{}, err
	}
	var h load.Histogram
	for range n {
		t := time.Now()
		c, err := conn.Connect(ctx)
		if err != nil {
			return load.Latency{}, err
		}
		h.Record(time.Since(t))
		c.Close()
	}
	return h.Summary(), nil
}

func openConn(ctx context.Context, db *sql.DB) (*sql.Conn, error) {
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if err := c.PingContext(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func selectOne(ctx context.Context, c *sql.Conn) error {
	var one int
	if err := c.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return err
	}
	if one != 1 {
		return fmt.Errorf("SELECT 1 returned %d", one)
	}
	return nil
}

func measureSelectOne(ctx context.Context, db *sql.DB, n int) (load.Latency, error) {
	c, err := openConn(ctx, db)
	if err != nil {
		return load.Latency{}, err
	}
	defer c.Close()
	return latency(n, func() error { return selectOne(ctx, c) })
}

func rawLogin(ctx context.Context, addr string) (*rawtds.Conn, error) {
	c, err := rawtds.Dial(ctx, addr)
	if err != nil {
		return nil, err
	}
	if err := c.Connect(rawtds.Login7{User: "sa", Password: saPassword, Database: "SSISDB", AppName: "ssisdb-bench"}); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// measureRawSelectOne is SELECT 1 without a driver: the wire and the
// engine only.
func measureRawSelectOne(ctx context.Context, addr string, n int) (load.Latency, error) {
	c, err := rawLogin(ctx, addr)
	if err != nil {
		return load.Latency{}, err
	}
	defer c.Close()
	return latency(n, func() error {
		r, err := c.Batch("SELECT 1")
		if err != nil {
			return err
		}
		if !r.OK() {
			return fmt.Errorf("SELECT 1 failed: %v", r.Errors)
		}
		return nil
	})
}

func selectThroughput(ctx context.Context, db *sql.DB, n int, d time.Duration) (float64, error) {
	return throughput(n, d, func() (func() error, func(), error) {
		c, err := openConn(ctx, db)
		if err != nil {
			return nil, nil, err
		}
		return func() error { return selectOne(ctx, c) }, func() { c.Close() }, nil
	})
}

// serverAllocs measures what the server allocates per call of op: the
// growth of its allocation counters over n calls, less what reading the
// counters costs (measured as a scrape with nothing between).
type allocFigure struct {
	Allocs, Bytes float64
}

func serverAllocs(ctx context.Context, p *emuProc, n int, op func() error) (allocFigure, error) {
	a, err := p.metrics(ctx)
	if err != nil {
		return allocFigure{}, err
	}
	b, err := p.metrics(ctx)
	if err != nil {
		return allocFigure{}, err
	}
	for range n {
		if err := op(); err != nil {
			return allocFigure{}, err
		}
	}
	c, err := p.metrics(ctx)
	if err != nil {
		return allocFigure{}, err
	}
	scrapeAllocs := b["go_memstats_mallocs_total"] - a["go_memstats_mallocs_total"]
	scrapeBytes := b["go_memstats_alloc_bytes_total"] - a["go_memstats_alloc_bytes_total"]
	return allocFigure{
		Allocs: (c["go_memstats_mallocs_total"] - b["go_memstats_mallocs_total"] - scrapeAllocs) / float64(n),
		Bytes:  (c["go_memstats_alloc_bytes_total"] - b["go_memstats_alloc_bytes_total"] - scrapeBytes) / float64(n),
	}, nil
}

// idleFigure is what n idle logged-in sessions cost the server.
type idleFigure struct {
	Conns                             int
	OpenTime                          time.Duration
	RSSBefore, RSSAfter               int64
	HeapStackBefore, HeapStackAfter   float64
	GoroutinesBefore, GoroutinesAfter float64
	StillServing                      bool // a new session's SELECT 1 worked with them all open
}

func (f idleFigure) rssPerConn() float64 {
	return float64(f.RSSAfter-f.RSSBefore) / float64(max(f.Conns, 1))
}

func (f idleFigure) heapPerConn() float64 {
	return (f.HeapStackAfter - f.HeapStackBefore) / float64(max(f.Conns, 1))
}

func measureIdle(ctx context.Context, p *emuProc, n int) (idleFigure, error) {
	f := idleFigure{Conns: n}
	heapStack := func() (float64, float64, error) {
		m, err := p.metrics(ctx)
		if err != nil {
			return 0, 0, err
		}
		return m["go_memstats_heap_inuse_bytes"] + m["go_memstats_stack_inuse_bytes"], m["go_goroutines"], nil
	}
	var err error
	if f.RSSBefore, err = p.rss(); err != nil {
		return f, err
	}
	if f.HeapStackBefore, f.GoroutinesBefore, err = heapStack(); err != nil {
		return f, err
	}
	conns := make([]*rawtds.Conn, n)
	defer func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	}()
	start := time.Now()
	var next atomic.Int64
	var firstErr firstError
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				c, err := rawLogin(ctx, p.tds)
				if err != nil {
					firstErr.set(fmt.Errorf("session %d: %w", i, err))
					return
				}
				conns[i] = c
			}
		}()
	}
	wg.Wait()
	f.OpenTime = time.Since(start)
	if err := firstErr.get(); err != nil {
		return f, err
	}
	// The logins' garbage is collected as they go; take the lowest of a
	// few readings so that a collection about to happen does not count.
	f.RSSAfter, f.HeapStackAfter = 1<<62, 1<<62
	for range 5 {
		rss, err := p.rss()
		if err != nil {
			return f, err
		}
		hs, g, err := heapStack()
		if err != nil {
			return f, err
		}
		f.RSSAfter, f.HeapStackAfter, f.GoroutinesAfter = min(f.RSSAfter, rss), min(f.HeapStackAfter, hs), g
		time.Sleep(200 * time.Millisecond)
	}
	r, err := measureRawSelectOne(ctx, p.tds, 10)
	f.StillServing = err == nil && r.Count == 10
	return f, nil
}

// startupFigure is process start to the ready line and to the first
// login a client could make, and the idle RSS after it.
type startupFigure struct {
	Ready, FirstLogin load.Latency
	IdleRSS           int64 // median
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func measureStartup(ctx context.Context, bin string, n int) (startupFigure, error) {
	var ready, first load.Histogram
	var rss []int64
	for range n {
		addr, err := freePort()
		if err != nil {
			return startupFigure{}, err
		}
		loginAt := make(chan time.Duration, 1)
		start := time.Now()
		pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		go func() {
			for pctx.Err() == nil {
				if c, err := rawLogin(pctx, addr); err == nil {
					loginAt <- time.Since(start)
					c.Close()
					return
				}
				time.Sleep(200 * time.Microsecond)
			}
			loginAt <- -1
		}()
		p, err := startEmulator(ctx, bin, "--addr", addr, "--http-addr", "off")
		if err != nil {
			cancel()
			return startupFigure{}, err
		}
		ready.Record(p.readyAfter)
		d := <-loginAt
		cancel()
		if d < 0 {
			p.stop()
			return startupFigure{}, fmt.Errorf("no login within 30s of start")
		}
		first.Record(d)
		time.Sleep(2 * time.Second) // idle
		r, err := p.rss()
		p.stop()
		if err != nil {
			return startupFigure{}, err
		}
		rss = append(rss, r)
	}
	slices.Sort(rss)
	return startupFigure{Ready: ready.Summary(), FirstLogin: first.Summary(), IdleRSS: rss[len(rss)/2]}, nil
}

// queryProbe runs a reporting query the issue asks figures for and says
// whether the server answers it, and how long it took.
type queryProbe struct {
	Name, SQL string
	Rows      int
	Took      time.Duration
	Err       string
}

func runProbe(ctx context.Context, db *sql.DB, name, q string) queryProbe {
	p := queryProbe{Name: name, SQL: q}
	t := time.Now()
	rows, err := db.QueryContext(ctx, q)
	if err == nil {
		for rows.Next() {
			p.Rows++
		}
		err = rows.Err()
		rows.Close()
	}
	p.Took = time.Since(t)
	if err != nil {
		p.Err = err.Error()
	}
	return p
}

func writeTemp(dir, name, text string) (string, error) {
	p := filepath.Join(dir, name)
	return p, os.WriteFile(p, []byte(text), 0o600)
}

// alternate measures two throughputs in alternating rounds and returns the
// median of each, so that both see the same machine (a shared two-core
// machine's load comes and goes).
func alternate(rounds int, a, b func() (float64, error)) (float64, float64, error) {
	var as, bs []float64
	for range rounds {
		x, err := a()
		if err != nil {
			return 0, 0, err
		}
		y, err := b()
		if err != nil {
			return 0, 0, err
		}
		as, bs = append(as, x), append(bs, y)
	}
	slices.Sort(as)
	slices.Sort(bs)
	return as[len(as)/2], bs[len(bs)/2], nil
}
