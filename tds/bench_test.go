package tds_test

import (
	"bufio"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds/tdstest"
)

// Performance: go test ./tds -run '^$' -bench . -benchmem
// Latency benchmarks report p50 and p99 per operation next to ns/op; the
// TCP echo round trip of the same run is the baseline.

type latencies []time.Duration

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	s := slices.Clone(l)
	slices.Sort(s)
	pct := func(p float64) float64 { return float64(s[min(len(s)-1, int(p*float64(len(s))))].Nanoseconds()) / 1e3 }
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
}

// echoServer answers every read with the same bytes.
func echoServer(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go io.Copy(c, c)
		}
	}()
	return ln.Addr().String()
}

func BenchmarkRoundTrip(b *testing.B) {
	b.Run("tcp-echo", func(b *testing.B) {
		c, err := net.Dial("tcp", echoServer(b))
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		// The size of a SELECT 1 request.
		msg := make([]byte, 46)
		buf := make([]byte, len(msg))
		lat := make(latencies, 0, b.N)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			c.Write(msg)
			io.ReadFull(c, buf)
			lat = append(lat, time.Since(t0))
		}
		b.StopTimer()
		lat.report(b)
	})
	b.Run("select1-go-mssqldb", func(b *testing.B) {
		srv := tdstest.Start(b, tds.Config{Logger: quietLogger()}, nil)
		db := openDB(b, dsn(srv.Addr))
		db.SetMaxOpenConns(1)
		var one int
		db.QueryRow("select 1").Scan(&one)
		lat := make(latencies, 0, b.N)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			if err := db.QueryRow("select 1").Scan(&one); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
		}
		b.StopTimer()
		lat.report(b)
	})
	// The raw client allocates nothing per request, so allocs/op here is
	// the server's own cost of a request.
	b.Run("select1-raw", func(b *testing.B) {
		srv := tdstest.Start(b, tds.Config{Logger: quietLogger()}, nil)
		rc := connectRaw(b, srv.Addr)
		req := packet(tds.PktBatch, tds.EncodeBatch("select 1"))
		conn := rc.Conn()
		r := bufio.NewReaderSize(conn, 8192)
		buf := make([]byte, 8192)
		lat := make(latencies, 0, b.N)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			conn.Write(req)
			if err := readResponse(r, buf); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
		}
		b.StopTimer()
		lat.report(b)
	})
}

func quietLogger() *slogLogger { return discardLogger }

func packet(typ uint8, payload []byte) []byte {
	n := len(payload) + 8
	return append([]byte{typ, 1, byte(n >> 8), byte(n), 0, 0, 1, 0}, payload...)
}

// readResponse reads packets up to the end of a message into buf.
func readResponse(r *bufio.Reader, buf []byte) error {
	for {
		if _, err := io.ReadFull(r, buf[:8]); err != nil {
			return err
		}
		n := int(buf[2])<<8 | int(buf[3])
		if _, err := io.ReadFull(r, buf[8:n]); err != nil {
			return err
		}
		if buf[1]&1 != 0 {
			return nil
		}
	}
}

func BenchmarkLogin(b *testing.B) {
	for _, mode := range []struct {
		name   string
		tls    tds.TLSMode
		params []string
		ntlm   bool // CONTOSO\alice by NTLM instead of sa
	}{
		{"plaintext", tds.TLSOff, nil, false},
		{"login-only-tls", tds.TLSOn, nil, false},
		{"tls", tds.TLSOn, []string{"encrypt", "true", "TrustServerCertificate", "true"}, false},
		{"ntlm", tds.TLSOff, nil, true},
		{"ntlm-tls", tds.TLSOn, []string{"encrypt", "true", "TrustServerCertificate", "true"}, true},
	} {
		b.Run(mode.name, func(b *testing.B) {
			srv := tdstest.Start(b, tds.Config{TLS: mode.tls, Certificate: testCert(), Logger: quietLogger()}, nil)
			url := dsn(srv.Addr, mode.params...)
			if mode.ntlm {
				url = ntlmDSN(srv.Addr, tdstest.WindowsUser, tdstest.WindowsPassword, mode.params...)
			}
			connector, err := mssql.NewConnector(url)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			lat := make(latencies, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				c, err := connector.Connect(ctx)
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
				c.Close()
			}
			b.StopTimer()
			lat.report(b)
		})
	}
}

// BenchmarkThroughput runs SELECT 1 on n connections at once and reports
// requests per second.
func BenchmarkThroughput(b *testing.B) {
	for _, n := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("conns=%d", n), func(b *testing.B) {
			srv := tdstest.Start(b, tds.Config{Logger: quietLogger()}, nil)
			db := openDB(b, dsn(srv.Addr))
			db.SetMaxOpenConns(n)
			db.SetMaxIdleConns(n)
			var wg sync.WaitGroup
			// Open the connections before timing.
			conns := make([]*sql.Conn, n)
			for i := range conns {
				c, err := db.Conn(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				conns[i] = c
			}
			b.ResetTimer()
			t0 := time.Now()
			per := (b.N + n - 1) / n
			for _, c := range conns {
				wg.Add(1)
				go func(c *sql.Conn) {
					defer wg.Done()
					var one int
					for i := 0; i < per; i++ {
						if err := c.QueryRowContext(context.Background(), "select 1").Scan(&one); err != nil {
							b.Error(err)
							return
						}
					}
				}(c)
			}
			wg.Wait()
			el := time.Since(t0)
			b.StopTimer()
			b.ReportMetric(float64(per*n)/el.Seconds(), "req/s")
			for _, c := range conns {
				c.Close()
			}
		})
	}
}

// BenchmarkThroughputRaw is BenchmarkThroughput with the allocation-free
// raw client, which shows the server's own capacity (client and server share
// the machine's cores).
func BenchmarkThroughputRaw(b *testing.B) {
	for _, n := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("conns=%d", n), func(b *testing.B) {
			srv := tdstest.Start(b, tds.Config{Logger: quietLogger()}, nil)
			req := packet(tds.PktBatch, tds.EncodeBatch("select 1"))
			conns := make([]*tds.RawClient, n)
			for i := range conns {
				rc := connectRaw(b, srv.Addr)
				conns[i] = rc
			}
			var wg sync.WaitGroup
			b.ReportAllocs()
			b.ResetTimer()
			t0 := time.Now()
			per := (b.N + n - 1) / n
			for _, rc := range conns {
				wg.Add(1)
				go func(conn net.Conn) {
					defer wg.Done()
					r := bufio.NewReaderSize(conn, 8192)
					buf := make([]byte, 8192)
					for i := 0; i < per; i++ {
						conn.Write(req)
						if err := readResponse(r, buf); err != nil {
							b.Error(err)
							return
						}
					}
				}(rc.Conn())
			}
			wg.Wait()
			el := time.Since(t0)
			b.StopTimer()
			b.ReportMetric(float64(per*n)/el.Seconds(), "req/s")
		})
	}
}

// BenchmarkRows streams a result of many rows; memory stays flat because
// the response is sent as it is produced.
func BenchmarkRows(b *testing.B) {
	srv := tdstest.Start(b, tds.Config{Logger: quietLogger()}, nil)
	rc := connectRaw(b, srv.Addr)
	req := packet(tds.PktBatch, tds.EncodeBatch("rows 100000"))
	conn := rc.Conn()
	r := bufio.NewReaderSize(conn, 1<<16)
	buf := make([]byte, 8192)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		conn.Write(req)
		if err := readResponse(r, buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100000, "ns/row")
}

var idleConns = flag.Int("idle-conns", 300, "connections TestIdleConnectionMemory holds open (10000 for the goal figure)")

// TestIdleConnectionMemory measures the server's memory per idle, logged-in
// connection. The clients live in a child process, so only the server's
// side is counted; the figure is logged and checked against a generous
// bound that catches a buffer held per connection.
func TestIdleConnectionMemory(t *testing.T) {
	if os.Getenv("TDS_IDLE_CLIENT_ADDR") != "" {
		t.Skip("helper process")
	}
	if testing.Short() {
		t.Skip("short")
	}
	for _, mode := range []string{"plain", "tls"} {
		t.Run(mode, func(t *testing.T) {
			n := *idleConns
			srv := tdstest.Start(t, tds.Config{TLS: tds.TLSOn, Certificate: testCert(), MaxConnections: n + 10, Logger: quietLogger()}, nil)
			beforeHeap, beforeStack := serverMemory()
			g0 := runtime.NumGoroutine()
			cmd := exec.Command(os.Args[0], "-test.run=^TestIdleClientHelper$", "-test.v")
			cmd.Env = append(os.Environ(), "TDS_IDLE_CLIENT_ADDR="+srv.Addr, "TDS_IDLE_CLIENT_N="+strconv.Itoa(n), "TDS_IDLE_CLIENT_MODE="+mode)
			stdin, _ := cmd.StdinPipe()
			stdout, _ := cmd.StdoutPipe()
			cmd.Stderr = os.Stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Wait()
			defer stdin.Close()
			sc := bufio.NewScanner(stdout)
			ready := false
			for sc.Scan() {
				if strings.HasPrefix(sc.Text(), "READY") {
					ready = true
					break
				}
			}
			if !ready {
				t.Fatal("the client process did not get its connections logged in")
			}
			if got := srv.Stats().ConnectionsActive; got != int64(n) {
				t.Fatalf("%d connections active, want %d", got, n)
			}
			afterHeap, afterStack := serverMemory()
			heap := float64(afterHeap) - float64(beforeHeap)
			stack := float64(afterStack) - float64(beforeStack)
			per := (heap + stack) / float64(n)
			goroutines := runtime.NumGoroutine() - g0
			t.Logf("%s: %d idle connections: %.0f bytes each (heap %.0f + stacks %.0f), %d goroutines (%.2f per connection)",
				mode, n, per, heap/float64(n), stack/float64(n), goroutines, float64(goroutines)/float64(n))
			if goroutines > n+10 {
				t.Errorf("%d goroutines for %d idle connections: more than one each", goroutines, n)
			}
			limit := 20 << 10
			if mode == "tls" {
				limit = 64 << 10 // crypto/tls keeps its record buffers per connection
			}
			if per > float64(limit) {
				t.Errorf("%.0f bytes per idle connection, over %d", per, limit)
			}
		})
	}
}

// serverMemory is the heap and the goroutine stacks in use after a full GC.
func serverMemory() (heap, stacks uint64) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse, m.StackInuse
}

// TestIdleClientHelper is the child process of TestIdleConnectionMemory: it
// logs n connections in and holds them until stdin closes.
func TestIdleClientHelper(t *testing.T) {
	addr := os.Getenv("TDS_IDLE_CLIENT_ADDR")
	if addr == "" {
		t.Skip("run by TestIdleConnectionMemory")
	}
	n, _ := strconv.Atoi(os.Getenv("TDS_IDLE_CLIENT_N"))
	tlsMode := os.Getenv("TDS_IDLE_CLIENT_MODE") == "tls"
	clients := make([]*tds.RawClient, 0, n)
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			rc, err := tds.DialRaw(addr)
			if err != nil {
				t.Error(err)
				return
			}
			enc := uint8(tds.EncryptNotSup)
			if tlsMode {
				enc = tds.EncryptOn
			}
			if _, err := rc.Prelogin(enc); err != nil {
				t.Error(err)
				return
			}
			if tlsMode {
				if err := rc.StartTLS(); err != nil {
					t.Error(err)
					return
				}
			}
			if _, err := rc.LoginAs("go-mssqldb", tdstest.User, tdstest.Password, "master"); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			clients = append(clients, rc)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	fmt.Println("READY", len(clients))
	io.Copy(io.Discard, os.Stdin)
	for _, c := range clients {
		c.Close()
	}
}

// staticEngine answers every request with the same one-row result without
// allocating, so that allocations measured around it are the wire's own.
type staticEngine struct{}

var (
	staticCols = []tds.Column{{Name: "", Type: tds.TypeInfo{ID: tds.TypeIntN, Size: 4}}}
	staticRow  = []any{int64(1)}
)

func (staticEngine) Open(context.Context, *tds.Login) (tds.Session, *tds.LoginResult, error) {
	return staticEngine{}, nil, nil
}

func (staticEngine) answer(w tds.ResultWriter, kind tds.DoneKind) error {
	if err := w.Columns(staticCols); err != nil {
		return err
	}
	if err := w.Row(staticRow); err != nil {
		return err
	}
	return w.Done(tds.Done{Kind: kind, Status: tds.DoneCount, CurCmd: tds.CmdSelect, RowCount: 1})
}

func (e staticEngine) Batch(_ context.Context, _ string, w tds.ResultWriter) error {
	return e.answer(w, tds.DoneStatement)
}

func (e staticEngine) RPC(_ context.Context, _ *tds.RPCRequest, w tds.ResultWriter) error {
	if err := e.answer(w, tds.DoneInProc); err != nil {
		return err
	}
	if err := w.ReturnStatus(0); err != nil {
		return err
	}
	return w.Done(tds.Done{Kind: tds.DoneProc})
}

func (staticEngine) TransMgr(_ context.Context, _ *tds.TransMgrRequest, w tds.ResultWriter) error {
	return w.Done(tds.Done{Kind: tds.DoneStatement})
}
func (staticEngine) Reset(context.Context, bool) error { return nil }
func (staticEngine) Close()                            {}

// BenchmarkWire measures the server's own cost of a request with an engine
// that does nothing: allocs/op is the wire's allocations per request.
func BenchmarkWire(b *testing.B) {
	srv, err := tds.NewServer(tds.Config{Logger: quietLogger()}, tdstest.DefaultAuth(), staticEngine{})
	if err != nil {
		b.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Shutdown(context.Background()) })
	rpc, _ := tds.EncodeRPC(tds.RPCCall{ProcID: tds.ProcExecuteSQL, Params: []tds.Param{
		{Type: tds.TypeInfo{ID: tds.TypeNVarChar, Size: 40, Collation: tds.DefaultCollation}, Value: "select @p1, @p2"},
		{Type: tds.TypeInfo{ID: tds.TypeNVarChar, Size: 60, Collation: tds.DefaultCollation}, Value: "@p1 bigint, @p2 nvarchar(10)"},
		{Name: "@p1", Type: tds.TypeInfo{ID: tds.TypeIntN, Size: 8}, Value: int64(12345)},
		{Name: "@p2", Type: tds.TypeInfo{ID: tds.TypeNVarChar, Size: 20, Collation: tds.DefaultCollation}, Value: "abc"},
	}})
	for _, c := range []struct {
		name string
		req  []byte
	}{
		{"batch", packet(tds.PktBatch, tds.EncodeBatch("select 1"))},
		{"sp_executesql-2-params", packet(tds.PktRPC, rpc)},
	} {
		b.Run(c.name, func(b *testing.B) {
			rc := connectRaw(b, ln.Addr().String())
			conn := rc.Conn()
			r := bufio.NewReaderSize(conn, 8192)
			buf := make([]byte, 8192)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				conn.Write(c.req)
				if err := readResponse(r, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
