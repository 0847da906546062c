package main

// Fault, bad-input and security tests of the whole product: clients that
// vanish mid-request, ATTENTION storms, kill -9 under load, lost workers,
// hostile batches, RPCs and .ispac files, and the security promises. Each
// test checks that the server and its other sessions carry on, and that no
// connection or goroutine is left behind. Nothing here sleeps for a state:
// faultWait polls with a deadline.

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	mssql "github.com/microsoft/go-mssqldb"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-emulator/emulator"
	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-emulator/emulatortest"
	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-load/rawtds"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// faultWait polls cond until it holds or d passes, and says which.
func faultWait(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// goroutineBaseline returns a check that fails t when, within a deadline,
// the process does not come back to at most the goroutines it has now.
func goroutineBaseline(t *testing.T) func() {
	t.Helper()
	base := runtime.NumGoroutine()
	return func() {
		t.Helper()
		if !faultWait(20*time.Second, func() bool { return runtime.NumGoroutine() <= base }) {
			buf := make([]byte, 1<<20)
			t.Errorf("%d goroutines left, %d before:\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
	}
}

// connsBackTo fails t unless the server's open connections fall to n.
func connsBackTo(t *testing.T, srv *emulatortest.Server, n int64) {
	t.Helper()
	if !faultWait(20*time.Second, func() bool { return srv.TDS.Stats().ConnectionsActive == n }) {
		t.Errorf("%d connections open, want %d", srv.TDS.Stats().ConnectionsActive, n)
	}
}

// capturingDialer remembers the connections go-mssqldb opens, so that a
// test can cut one as a crashed client would.
type capturingDialer struct {
	mu    sync.Mutex
	conns []net.Conn
}

func (d *capturingDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	var nd net.Dialer
	c, err := nd.DialContext(ctx, network, addr)
	if err == nil {
		d.mu.Lock()
		d.conns = append(d.conns, c)
		d.mu.Unlock()
	}
	return c, err
}

func (d *capturingDialer) last() net.Conn {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.conns[len(d.conns)-1]
}

func openFaultDB(t *testing.T, dsn string, d *capturingDialer) *sql.DB {
	t.Helper()
	c, err := mssql.NewConnector(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if d != nil {
		c.Dialer = d
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db
}

func mustExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func queryInt(t *testing.T, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var v int64
	if err := db.QueryRow(q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

// TestClientDisconnects: a client that vanishes mid-batch, during a
// SYNCHRONIZED start or during the TLS handshake costs the server its
// connection and nothing else: other sessions carry on, the execution that
// was started runs on, no goroutine is left.
func TestClientDisconnects(t *testing.T) {
	t.Run("mid-batch", func(t *testing.T) {
		srv := emulatortest.New(t)
		other := openFaultDB(t, srv.DSN(), nil)
		if got := queryInt(t, other, "SELECT 1"); got != 1 {
			t.Fatal(got)
		}
		check := goroutineBaseline(t)
		for _, batch := range []string{
			"WAITFOR DELAY '00:01:00'",
			"DECLARE @i int = 0 WHILE @i < 100000000 SET @i = @i + 1",
		} {
			d := &capturingDialer{}
			db := openFaultDB(t, srv.DSN(), d)
			conn, err := db.Conn(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			before := srv.TDS.Stats().Requests[tds.RequestBatch]
			errc := make(chan error, 1)
			go func() {
				_, err := conn.ExecContext(context.Background(), batch)
				errc <- err
			}()
			if !faultWait(10*time.Second, func() bool { return srv.TDS.Stats().Requests[tds.RequestBatch] > before }) {
				t.Fatal("the batch never reached the server")
			}
			d.last().Close()
			if err := <-errc; err == nil {
				t.Fatalf("%s: no error after the socket was closed", batch)
			}
			conn.Close()
			db.Close()
			connsBackTo(t, srv, 1)
		}
		check()
		if got := queryInt(t, other, "SELECT 2"); got != 2 {
			t.Fatal(got)
		}
	})

	t.Run("during a SYNCHRONIZED wait", func(t *testing.T) {
		srv := emulatortest.New(t)
		admin := openFaultDB(t, srv.DSN(), nil)
		mustExec(t, admin, "EXEC emulator.set_package_rule @package = N'package1.dtsx', @outcome = N'hang'")
		if queryInt(t, admin, "SELECT 1") != 1 {
			t.Fatal("admin session")
		}
		check := goroutineBaseline(t)
		d := &capturingDialer{}
		db := openFaultDB(t, srv.DSN(), d)
		errc := make(chan error, 1)
		go func() {
			_, err := db.Exec(`DECLARE @id bigint
EXEC SSISDB.catalog.create_execution @folder_name = N'folder1', @project_name = N'project1', @package_name = N'package1.dtsx',
     @execution_id = @id OUTPUT, @runinscaleout = 1, @useanyworker = 1
DECLARE @sync smallint = 1
EXEC SSISDB.catalog.set_execution_parameter_value @id, @object_type = 50, @parameter_name = N'SYNCHRONIZED', @parameter_value = @sync
EXEC SSISDB.catalog.start_execution @id`)
			errc <- err
		}()
		// The run is on a worker and the client waits for it.
		var id int64
		if !faultWait(10*time.Second, func() bool {
			return admin.QueryRow("SELECT TOP 1 execution_id FROM SSISDB.catalog.executions WHERE status = 2").Scan(&id) == nil
		}) {
			t.Fatal("the execution never started running")
		}
		d.last().Close()
		if err := <-errc; err == nil {
			t.Fatal("the SYNCHRONIZED start returned without error after its socket was closed")
		}
		db.Close()
		connsBackTo(t, srv, 1)
		// Nothing is lost: the run goes on and can be stopped.
		if st := queryInt(t, admin, "SELECT status FROM SSISDB.catalog.executions WHERE execution_id = @p1", id); st != 2 {
			t.Fatalf("after the disconnect the execution has status %d, want 2 (running)", st)
		}
		mustExec(t, admin, "EXEC SSISDB.catalog.stop_operation @p1", id)
		if !faultWait(10*time.Second, func() bool {
			return queryInt(t, admin, "SELECT status FROM SSISDB.catalog.executions WHERE execution_id = @p1", id) == 3
		}) {
			t.Fatal("the execution was not canceled after stop_operation")
		}
		check()
	})

	t.Run("during the TLS handshake", func(t *testing.T) {
		srv := emulatortest.New(t, func(c *emulator.Config) { c.TLS.Mode = "on" })
		check := goroutineBaseline(t)
		ctx := context.Background()
		// A ClientHello's first bytes inside a PRELOGIN packet, then gone;
		// and a client that says it will encrypt and never starts.
		for _, partial := range [][]byte{{0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03}, nil} {
			c, err := rawtds.Dial(ctx, srv.Addr())
			if err != nil {
				t.Fatal(err)
			}
			enc, err := c.Prelogin(rawtds.EncryptOn)
			if err != nil || enc != rawtds.EncryptOn {
				t.Fatalf("PRELOGIN: %v, encryption %d", err, enc)
			}
			if partial != nil {
				if err := c.WritePacket(rawtds.TypePrelogin, rawtds.StatusEOM, partial); err != nil {
					t.Fatal(err)
				}
			}
			c.Close()
		}
		connsBackTo(t, srv, 0)
		db := openFaultDB(t, srv.DSN()+"&encrypt=true&TrustServerCertificate=true", nil)
		if queryInt(t, db, "SELECT 1") != 1 {
			t.Fatal("a TLS session after the broken handshakes")
		}
		db.Close()
		connsBackTo(t, srv, 0)
		check()
	})
}

// TestAttentionStorm: many sessions cancel long requests at once (the
// driver sends ATTENTION on context cancellation), and one session sends a
// burst of ATTENTION packets; every cancelled request ends, every session
// still answers, nothing is left running.
func TestAttentionStorm(t *testing.T) {
	srv := emulatortest.New(t)
	check := goroutineBaseline(t)
	db := openFaultDB(t, srv.DSN(), nil)
	db.SetMaxOpenConns(16)
	var wg sync.WaitGroup
	var cancelled, answered atomic.Int64
	errs := make(chan error, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan error, 1)
				before := srv.TDS.Stats().Requests[tds.RequestBatch]
				go func() {
					_, err := db.ExecContext(ctx, "WAITFOR DELAY '00:00:30'")
					done <- err
				}()
				faultWait(5*time.Second, func() bool { return srv.TDS.Stats().Requests[tds.RequestBatch] > before })
				cancel()
				if err := <-done; err == nil {
					errs <- errors.New("a cancelled WAITFOR returned no error")
					return
				}
				cancelled.Add(1)
				var one int
				if err := db.QueryRow("SELECT 1").Scan(&one); err != nil || one != 1 {
					errs <- fmt.Errorf("SELECT 1 after a cancel: %v", err)
					return
				}
				answered.Add(1)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if cancelled.Load() != 160 || answered.Load() != 160 {
		t.Errorf("%d cancelled, %d answered; want 160 each", cancelled.Load(), answered.Load())
	}
	if n := srv.TDS.Stats().Requests[tds.RequestAttention]; n == 0 {
		t.Error("the server saw no ATTENTION")
	}

	ctx := context.Background()
	login := func() *rawtds.Conn {
		c, err := rawtds.Dial(ctx, srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Connect(rawtds.Login7{User: "sa", Password: emulator.DefaultSAPassword}); err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(30 * time.Second))
		return c
	}
	// A burst of 200 ATTENTIONs on an idle session: each is acknowledged
	// on its own, and the session then answers as usual.
	c := login()
	for range 200 {
		if err := c.WritePacket(rawtds.TypeAttention, rawtds.StatusEOM, nil); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 200 {
		r, err := c.ReadReply()
		if err != nil {
			t.Fatalf("acknowledgement %d: %v", i, err)
		}
		if r.Final == nil || r.Final.Status&rawtds.DoneAttn == 0 {
			t.Fatalf("reply %d to an ATTENTION is not an acknowledgement: %+v", i, r)
		}
	}
	if r, err := c.Batch("SELECT 42"); err != nil || !r.OK() || !r.Results {
		t.Fatalf("SELECT 42 after the burst: %v %+v", err, r)
	}
	c.Close()
	// A burst behind a running batch: the batch ends with the
	// acknowledgement; then the client vanishes with acknowledgements
	// still coming.
	c = login()
	if err := c.WriteMessage(rawtds.TypeBatch, rawtds.BatchPayload("WAITFOR DELAY '00:00:30'")); err != nil {
		t.Fatal(err)
	}
	for range 200 {
		if err := c.WritePacket(rawtds.TypeAttention, rawtds.StatusEOM, nil); err != nil {
			t.Fatal(err)
		}
	}
	if r, err := c.ReadReply(); err != nil || r.Final == nil || r.Final.Status&rawtds.DoneAttn == 0 {
		t.Fatalf("the cancelled batch's reply: %v %+v", err, r)
	}
	c.Close()
	db.Close()
	connsBackTo(t, srv, 0)
	check()
}

// TestWorkerLoss: a worker machine dies while it runs packages. On the
// fake clock, when the leases run out, the runs with a retry left go to
// the other worker and succeed; the others end unexpectedly (6). Every
// execution ends; none is lost or stuck.
func TestWorkerLoss(t *testing.T) {
	w1, w2 := uuid.MustParse("11111111-0000-0000-0000-000000000001"), uuid.MustParse("22222222-0000-0000-0000-000000000002")
	cfg := emulator.Defaults()
	cfg.Addr, cfg.HTTPAddr, cfg.NoDemo = "127.0.0.1:0", "", false
	cfg.Workers = []emulator.Worker{{ID: w1.String(), MaxTaskCount: 8}, {ID: w2.String(), MaxTaskCount: 8}} // 16 runs fill both
	cfg.Packages = []runner.Rule{{Folder: "*", Project: "*", Package: "*", Outcome: runner.Succeed, Duration: 10 * time.Minute}}
	if err := cfg.Validate("test"); err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	em, err := emulator.New(cfg, emulator.Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	if err := em.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { em.Close(context.Background()) })
	// The demo worker takes nothing: only w1 and w2 run.
	db := openFaultDB(t, em.SADSN(), nil)
	mustExec(t, db, "EXEC SSISDB.catalog.disable_worker_agent @WorkerAgentId = N'"+emulator.DemoWorkerID+"'")

	type run struct {
		id    int64
		retry int
	}
	var runs []run
	for i := range 16 {
		var id int64
		if _, err := db.Exec("SSISDB.catalog.create_execution", sql.Named("folder_name", "folder1"), sql.Named("project_name", "project1"),
			sql.Named("package_name", "package1.dtsx"), sql.Named("runinscaleout", true), sql.Named("useanyworker", true),
			sql.Named("execution_id", sql.Out{Dest: &id})); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("SSISDB.catalog.start_execution", sql.Named("execution_id", id), sql.Named("retry_count", i%2)); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, run{id, i % 2})
	}
	ctx := context.Background()
	if err := em.Master.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	onW1 := map[int64]bool{}
	for _, r := range runs {
		var status int64
		var worker mssql.UniqueIdentifier
		if err := db.QueryRow("SELECT status, worker_agent_id FROM SSISDB.catalog.executions WHERE execution_id = @p1", r.id).Scan(&status, &worker); err != nil {
			t.Fatal(err)
		}
		if status != 2 {
			t.Fatalf("execution %d has status %d before the loss, want 2", r.id, status)
		}
		onW1[r.id] = strings.EqualFold(worker.String(), w1.String())
	}
	if len(onW1) == 0 {
		t.Fatal("no runs")
	}

	if err := em.Master.LoseWorker(w1); err != nil {
		t.Fatal(err)
	}
	// Past the 5-minute lease, then past the 10-minute runs (and the
	// retries' runs on w2).
	for range 3 {
		clk.Advance(6 * time.Minute)
		if err := em.Master.Settle(ctx); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(11 * time.Minute)
	if err := em.Master.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	lost := 0
	for _, r := range runs {
		var status, executed int64
		if err := db.QueryRow("SELECT status, executed_count FROM SSISDB.catalog.executions WHERE execution_id = @p1", r.id).Scan(&status, &executed); err != nil {
			t.Fatal(err)
		}
		want, wantExec := int64(7), int64(1)
		if onW1[r.id] {
			lost++
			if r.retry == 0 {
				want = 6 // ended unexpectedly
			} else {
				wantExec = 2 // retried on w2
			}
		}
		if status != want || executed != wantExec {
			t.Errorf("execution %d (retry %d, on lost worker %v): status %d executed %d, want %d and %d",
				r.id, r.retry, onW1[r.id], status, executed, want, wantExec)
		}
	}
	if lost == 0 || lost == len(runs) {
		t.Errorf("%d of %d runs were on the lost worker; the test needs both kinds", lost, len(runs))
	}
}

// faultProc is the built binary, started for a test.
type faultProc struct {
	cmd    *exec.Cmd
	tds    string
	stderr *bytes.Buffer
	done   chan struct{}
}

// startFault starts the binary and waits for its ready line; when it exits
// first, the error carries its stderr.
func startFault(t *testing.T, args ...string) (*faultProc, error) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), "MSSQL_SA_PASSWORD=")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p := &faultProc{cmd: cmd, stderr: &bytes.Buffer{}, done: make(chan struct{})}
	cmd.Stderr = &syncWriter{w: p.stderr}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	ready := make(chan string, 1)
	go func() {
		buf := make([]byte, 4096)
		var line []byte
		for {
			n, err := out.Read(buf)
			line = append(line, buf[:n]...)
			if i := bytes.IndexByte(line, '\n'); i >= 0 {
				select {
				case ready <- string(line[:i]):
				default:
				}
			}
			if err != nil {
				break
			}
		}
		cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
	})
	select {
	case line := <-ready:
		m := readyRe.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("unexpected first line %q", line)
		}
		p.tds = m[1]
		return p, nil
	case <-p.done:
		return nil, fmt.Errorf("exited before ready: %s", p.stderr.String())
	case <-time.After(30 * time.Second):
		return nil, fmt.Errorf("no ready line in 30s: %s", p.stderr.String())
	}
}

// TestKillNineWithDataDir: the emulator is killed with SIGKILL while
// clients create and start executions; after a restart on the same data
// directory every execution whose creation was acknowledged exists, and
// every start that was acknowledged is no longer "created".
// TestPersistenceKillNine (persistence_test.go) checks the statuses in
// detail (6 for runs in flight, SYNCHRONIZED results kept, deployments).
func TestKillNineWithDataDir(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	args := []string{"--addr", "127.0.0.1:0", "--http-addr", "off", "--data-dir", dir}
	p, err := startFault(t, args...)
	if err != nil {
		t.Fatal(err)
	}
	dsn := fmt.Sprintf("sqlserver://sa:%s@%s?database=SSISDB&encrypt=disable", "yourStrong%28%21%29Password", p.tds)
	db := openFaultDB(t, dsn, nil)
	db.SetMaxOpenConns(8)

	var mu sync.Mutex
	created := map[int64]bool{} // id -> start acknowledged
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				var id int64
				if _, err := db.Exec("SSISDB.catalog.create_execution", sql.Named("folder_name", "folder1"), sql.Named("project_name", "project1"),
					sql.Named("package_name", "package1.dtsx"), sql.Named("runinscaleout", true), sql.Named("useanyworker", true),
					sql.Named("execution_id", sql.Out{Dest: &id})); err != nil {
					return // the server is gone
				}
				mu.Lock()
				created[id] = false
				mu.Unlock()
				if _, err := db.Exec("SSISDB.catalog.start_execution", sql.Named("execution_id", id)); err != nil {
					return
				}
				mu.Lock()
				created[id] = true
				mu.Unlock()
			}
		}()
	}
	if !faultWait(30*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return len(created) >= 200 }) {
		t.Fatal("the load did not get going")
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
	close(stop)
	wg.Wait()
	db.Close()

	p2, err := startFault(t, args...)
	if err != nil {
		t.Fatalf("restart on the same data directory: %v", err)
	}
	dsn = fmt.Sprintf("sqlserver://sa:%s@%s?database=SSISDB&encrypt=disable", "yourStrong%28%21%29Password", p2.tds)
	db2 := openFaultDB(t, dsn, nil)
	mu.Lock()
	defer mu.Unlock()
	startedN := 0
	for _, started := range created {
		if started {
			startedN++
		}
	}
	t.Logf("%d executions acknowledged as created before the kill, %d of them as started", len(created), startedN)
	for id, started := range created {
		var status int64
		err := db2.QueryRow("SELECT status FROM SSISDB.catalog.executions WHERE execution_id = @p1", id).Scan(&status)
		if err != nil {
			t.Errorf("execution %d, acknowledged before the kill, is gone after the restart: %v", id, err)
			continue
		}
		if started && status == 1 {
			t.Errorf("execution %d was acknowledged as started but is 'created' after the restart", id)
		}
	}
}

// ispacWith builds a zip whose parts are given, for hostile .ispac files.
func ispacWith(t *testing.T, parts map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zeroBomb is a zip with one part of n zero bytes (compressed to almost
// nothing).
func zeroBomb(t *testing.T, name string, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for written := 0; written < n; written += len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<SSIS:Project xmlns:SSIS="www.microsoft.com/SqlServer/SSIS"><SSIS:Properties><SSIS:Property SSIS:Name="Name">&lol9;</SSIS:Property></SSIS:Properties></SSIS:Project>`

// TestBadInput: huge batches, deep nesting, RPCs with thousands of
// parameters, invalid UTF-16, and zip and XML bombs in .ispac files each
// get a clear error (or, for what is merely big, an answer); the server
// and its other sessions carry on, and nothing is left behind.
func TestBadInput(t *testing.T) {
	srv := emulatortest.New(t)
	db := openFaultDB(t, srv.DSN(), nil)
	db.SetMaxOpenConns(4)
	bystander := openFaultDB(t, srv.DSN(), nil)
	if queryInt(t, bystander, "SELECT 1") != 1 {
		t.Fatal("bystander")
	}
	check := goroutineBaseline(t)
	ctx := context.Background()

	errNumber := func(err error) int32 {
		var me mssql.Error
		if errors.As(err, &me) {
			return me.Number
		}
		return -1
	}
	// hasNumber looks through every error of the reply (105 comes with a
	// 102, as on SQL Server).
	hasNumber := func(err error, n int32) bool {
		var me mssql.Error
		if !errors.As(err, &me) {
			return false
		}
		for _, e := range append(me.All, me) {
			if e.Number == n {
				return true
			}
		}
		return false
	}
	batches := []struct {
		name   string
		sql    string
		number int32 // 0: must succeed
	}{
		{"20 MB string literal", "DECLARE @s nvarchar(max) = N'" + strings.Repeat("x", 20<<20) + "' SELECT LEN(@s)", 0},
		{"100,000 statements", strings.Repeat("SELECT 1\n", 100_000), 0},
		{"IN list of 100,000 values", "SELECT 1 WHERE 1 IN (" + strings.TrimSuffix(strings.Repeat("7,", 100_000), ",") + ")", 0},
		{"10,000 nested parentheses", "SELECT " + strings.Repeat("(", 10_000) + "1" + strings.Repeat(")", 10_000), 191},
		{"5,000 nested subqueries", "SELECT " + strings.Repeat("(SELECT ", 5_000) + "1" + strings.Repeat(")", 5_000), 191},
		{"5,000 nested BEGIN", strings.Repeat("BEGIN ", 5_000) + "SELECT 1 " + strings.Repeat("END ", 5_000), 191},
		{"5,000 nested IF", strings.Repeat("IF 1=1 ", 5_000) + "SELECT 1", 191},
		{"5,000 nested CASE", "SELECT " + strings.Repeat("CASE WHEN 1=1 THEN ", 5_000) + "1" + strings.Repeat(" END", 5_000), 191},
		{"20,000 unary operators", "SELECT " + strings.Repeat("~", 20_000) + "1", 191},
		{"unclosed string at the end of a big batch", strings.Repeat("SELECT 1\n", 10_000) + "SELECT 'abc", 105},
	}
	for _, b := range batches {
		t.Run(b.name, func(t *testing.T) {
			rows, err := db.QueryContext(ctx, b.sql)
			if err == nil {
				for {
					for rows.Next() {
					}
					if !rows.NextResultSet() {
						break
					}
				}
				err = rows.Err()
				rows.Close()
			}
			if got := errNumber(err); b.number == 0 && err != nil || b.number != 0 && !hasNumber(err, b.number) {
				t.Fatalf("got %v (number %d), want number %d", err, got, b.number)
			}
		})
	}
	t.Run("recursion past 32 levels", func(t *testing.T) {
		mustExec(t, db, "CREATE PROCEDURE dbo.deep AS EXEC dbo.deep")
		if _, err := db.Exec("EXEC dbo.deep"); errNumber(err) != 217 {
			t.Fatalf("got %v, want 217", err)
		}
	})
	t.Run("RPC with 3,000 parameters", func(t *testing.T) {
		args := make([]any, 3000)
		var q strings.Builder
		q.WriteString("SELECT @p1")
		for i := range args {
			args[i] = int64(i + 1)
		}
		var v int64
		err := db.QueryRowContext(ctx, q.String(), args...).Scan(&v)
		// SQL Server refuses more than 2,100 parameters (8003); a server that
		// takes them must still answer correctly.
		if err != nil && errNumber(err) != 8003 || err == nil && v != 1 {
			t.Fatalf("got %d, %v; want 1 or error 8003", v, err)
		}
		if _, err := db.Exec("SSISDB.catalog.create_folder", append([]any{sql.Named("folder_name", "f")}, args[:2500]...)...); err == nil {
			t.Fatal("create_folder with 2,500 extra parameters succeeded")
		} else if n := errNumber(err); n != 8144 && n != 8003 {
			t.Fatalf("create_folder with 2,500 extra parameters: %v, want 8144 or 8003", err)
		}
	})
	t.Run("invalid UTF-16", func(t *testing.T) {
		c, err := rawtds.Dial(ctx, srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.Connect(rawtds.Login7{User: "sa", Password: emulator.DefaultSAPassword}); err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(20 * time.Second))
		for _, tail := range [][]byte{
			{0x00, 0xD8},                         // a lone high surrogate at the end
			{0x00, 0xDC, 0x31, 0x00},             // a lone low surrogate
			{0x27, 0x00, 0x00, 0xD8, 0x27, 0x00}, // inside a string literal
			{0x41},                               // an odd byte count
		} {
			p := append(rawtds.BatchPayload("SELECT 1 "), tail...)
			if err := c.WriteMessage(rawtds.TypeBatch, p); err != nil {
				t.Fatal(err)
			}
			r, err := c.ReadReply()
			if err != nil {
				// Closing the connection is an answer too, but only for this
				// session.
				break
			}
			if r.Final == nil {
				t.Fatalf("reply without DONE to % x", tail)
			}
		}
		if queryInt(t, bystander, "SELECT 3") != 3 {
			t.Fatal("bystander")
		}
	})
	t.Run(".ispac bombs", func(t *testing.T) {
		mustExec(t, db, "EXEC SSISDB.catalog.create_folder @folder_name = N'bombs'")
		manifest := []byte(`<?xml version="1.0"?><SSIS:Project xmlns:SSIS="www.microsoft.com/SqlServer/SSIS"></SSIS:Project>`)
		many := map[string][]byte{"@Project.manifest": manifest}
		for i := range 10_001 {
			many[fmt.Sprintf("p%05d.dtsx", i)] = nil
		}
		deep := "<a>"
		deep = strings.Repeat(deep, 100_000) + strings.Repeat("</a>", 100_000)
		cases := []struct {
			name   string
			stream []byte
			reason string
		}{
			{"zip bomb: 200 MB of zeros in one part", zeroBomb(t, "@Project.manifest", 200<<20), "larger than"},
			{"10,001 parts", ispacWith(t, many), "more than"},
			{"billion laughs", ispacWith(t, map[string][]byte{"@Project.manifest": []byte(billionLaughs)}), ""},
			{"100,000 nested elements", ispacWith(t, map[string][]byte{"@Project.manifest": []byte(deep)}), ""},
			{"not a zip", bytes.Repeat([]byte{0xFF}, 5000), "not a zip"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				var opID int64
				_, err := db.Exec("SSISDB.catalog.deploy_project", sql.Named("folder_name", "bombs"), sql.Named("project_name", "p"),
					sql.Named("project_stream", c.stream), sql.Named("operation_id", sql.Out{Dest: &opID}))
				if errNumber(err) != 27203 {
					t.Fatalf("got %v, want 27203", err)
				}
				if opID <= 0 {
					t.Fatal("no operation id for the failed deployment")
				}
				var msg string
				if err := db.QueryRow("SELECT TOP 1 message FROM SSISDB.catalog.operation_messages WHERE operation_id = @p1 AND message_type = 120", opID).Scan(&msg); err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(msg, c.reason) {
					t.Errorf("the operation's message %q does not say %q", msg, c.reason)
				}
			})
		}
		rows, err := db.Query("SELECT project_id FROM SSISDB.catalog.projects WHERE name = N'p'")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			t.Error("a project was deployed from a bomb")
		}
		rows.Close()
	})
	if queryInt(t, bystander, "SELECT 4") != 4 {
		t.Fatal("bystander after the bad input")
	}
	db.Close()
	bystander.Close()
	connsBackTo(t, srv, 0)
	check()
}

// TestSecurity: TLS-required mode refuses plaintext logins; refused logins
// look the same whether the login exists or not; OPENROWSET stays inside
// its directories; the default binding is loopback, and binding elsewhere
// with the default sa password warns.
func TestSecurity(t *testing.T) {
	ctx := context.Background()
	t.Run("tls required", func(t *testing.T) {
		srv := emulatortest.New(t, func(c *emulator.Config) { c.TLS.Mode = "required" })
		plain := strings.Replace(srv.DSN(), "encrypt=true", "encrypt=disable", 1)
		db := openFaultDB(t, plain, nil)
		if err := db.Ping(); err == nil {
			t.Fatal("a plaintext login was accepted in TLS-required mode")
		}
		c, err := rawtds.Dial(ctx, srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if err := c.Connect(rawtds.Login7{User: "sa", Password: emulator.DefaultSAPassword}); err == nil {
			t.Fatal("a raw plaintext LOGIN7 was accepted in TLS-required mode")
		}
		enc := openFaultDB(t, srv.DSN(), nil)
		if queryInt(t, enc, "SELECT 1") != 1 {
			t.Fatal("an encrypted login failed")
		}
	})

	t.Run("login failures alike", func(t *testing.T) {
		srv := emulatortest.New(t, emulatortest.WithLogin(emulator.Login{Name: "off", Password: "Off!Pass123", Disabled: true}))
		attempt := func(user, pw string) *rawtds.Reply {
			c, err := rawtds.Dial(ctx, srv.Addr())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := c.Prelogin(rawtds.EncryptNotSup); err != nil {
				t.Fatal(err)
			}
			if err := c.WriteMessage(rawtds.TypeLogin7, rawtds.Login7Payload(rawtds.Login7{User: user, Password: pw})); err != nil {
				t.Fatal(err)
			}
			r, err := c.ReadReply()
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		// What a client can tell apart: the tokens, their numbers, states
		// and classes, and the text but for the name it sent.
		shape := func(r *rawtds.Reply, user string) string {
			var b strings.Builder
			for _, e := range append(append([]rawtds.Error{}, r.Errors...), r.Infos...) {
				fmt.Fprintf(&b, "msg %d/%d/%d %q %q %d;", e.Number, e.Class, e.State,
					strings.Replace(e.Text, "'"+user+"'", "'<user>'", 1), e.Proc, e.Line)
			}
			fmt.Fprintf(&b, "loginack %v dones %+v final %+v", r.LoginAck, r.Dones, *r.Final)
			return b.String()
		}
		ref := attempt("sa", "wrong")
		for _, c := range []struct{ user, pw string }{
			{"zz", "wrong"}, // no such login, same length as sa: byte for byte alike
			{"nosuchlogin", "wrong"},
			{"off", "Off!Pass123"}, // disabled, right password
			{"SA", ""},
			{strings.Repeat("x", 128), "x"},
		} {
			r := attempt(c.user, c.pw)
			if len(r.Errors) != 1 || r.Errors[0].Number != 18456 || r.Errors[0].Class != 14 || r.Errors[0].State != 1 ||
				r.Errors[0].Text != fmt.Sprintf("Login failed for user '%s'.", c.user) {
				t.Errorf("%s: errors %+v", c.user, r.Errors)
				continue
			}
			if got, want := shape(r, c.user), shape(ref, "sa"); got != want {
				t.Errorf("%s: the reply differs from a wrong password's:\n%s\n%s", c.user, got, want)
			}
			if len(c.user) == 2 && !bytes.Equal(r.Raw, bytes.Replace(ref.Raw, rawtds.UTF16("sa"), rawtds.UTF16(c.user), 1)) {
				t.Errorf("%s: the reply is not byte for byte a wrong password's:\n% x\n% x", c.user, r.Raw, ref.Raw)
			}
		}
	})

	t.Run("openrowset", func(t *testing.T) {
		root := t.TempDir()
		bulk := filepath.Join(root, "bulk")
		outside := filepath.Join(root, "outside")
		for _, d := range []string{bulk, outside, filepath.Join(bulk, "sub")} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for p, text := range map[string]string{
			filepath.Join(bulk, "ok.bin"):        "inside",
			filepath.Join(bulk, "sub", "ok.bin"): "deeper",
			filepath.Join(outside, "secret"):     "secret",
		} {
			if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Symlink(filepath.Join(outside, "secret"), filepath.Join(bulk, "link")); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(outside, filepath.Join(bulk, "dirlink")); err != nil {
			t.Fatal(err)
		}
		srv := emulatortest.New(t, func(c *emulator.Config) { c.BulkDirs = []string{bulk} })
		db := openFaultDB(t, srv.DSN(), nil)
		cases := []struct {
			path string
			want string // "" means refused with 4861
		}{
			{"ok.bin", "inside"},
			{filepath.Join(bulk, "sub", "ok.bin"), "deeper"},
			{`C:\deploy\ok.bin`, "inside"},
			{"../outside/secret", ""},
			{`..\outside\secret`, ""},
			{"sub/../../outside/secret", ""},
			{filepath.Join(outside, "secret"), ""},
			{"/etc/passwd", ""},
			{"link", ""},
			{"dirlink/secret", ""},
			{filepath.Join(bulk, "..", "outside", "secret"), ""},
		}
		for _, c := range cases {
			var data []byte
			err := db.QueryRow("SELECT BulkColumn FROM OPENROWSET(BULK N'" + strings.ReplaceAll(c.path, "'", "''") + "', SINGLE_BLOB) AS f").Scan(&data)
			switch {
			case c.want != "" && (err != nil || string(data) != c.want):
				t.Errorf("%s: got %q, %v; want %q", c.path, data, err, c.want)
			case c.want == "":
				var me mssql.Error
				if !errors.As(err, &me) || me.Number != 4861 {
					t.Errorf("%s: got %q, %v; want error 4861", c.path, data, err)
				}
			}
		}
	})

	t.Run("binding", func(t *testing.T) {
		d := emulator.Defaults()
		if !emulator.Loopback(d.Addr) || !emulator.Loopback(d.HTTPAddr) {
			t.Fatalf("default addresses %s and %s are not loopback", d.Addr, d.HTTPAddr)
		}
		if testing.Short() {
			t.Skip("runs the binary")
		}
		const warning = "listening beyond loopback with the documented default sa password"
		cases := []struct {
			args []string
			warn bool
		}{
			{[]string{"--addr", "0.0.0.0:0"}, true},
			{[]string{"--addr", "0.0.0.0:0", "--sa-password", "An0ther!Secret"}, false},
			{[]string{"--addr", "127.0.0.1:0"}, false},
		}
		for _, c := range cases {
			p, err := startFault(t, append(c.args, "--http-addr", "off")...)
			if err != nil {
				t.Fatal(err)
			}
			p.cmd.Process.Signal(syscall.SIGTERM)
			<-p.done
			if got := strings.Contains(p.stderr.String(), warning); got != c.warn {
				t.Errorf("%v: warning printed %v, want %v; stderr:\n%s", c.args, got, c.warn, p.stderr.String())
			}
		}
		// The console's sign-in form is clear text off loopback without
		// --http-tls.
		const consoleWarning = "serving the console beyond loopback over plain HTTP"
		for _, c := range []struct {
			args []string
			warn bool
		}{
			{[]string{"--http-addr", "0.0.0.0:0"}, true},
			{[]string{"--http-addr", "0.0.0.0:0", "--http-tls"}, false},
			{[]string{"--http-addr", "127.0.0.1:0"}, false},
		} {
			p, err := startFault(t, append(c.args, "--addr", "127.0.0.1:0")...)
			if err != nil {
				t.Fatal(err)
			}
			p.cmd.Process.Signal(syscall.SIGTERM)
			<-p.done
			if got := strings.Contains(p.stderr.String(), consoleWarning); got != c.warn {
				t.Errorf("%v: console warning printed %v, want %v; stderr:\n%s", c.args, got, c.warn, p.stderr.String())
			}
		}
	})
}
