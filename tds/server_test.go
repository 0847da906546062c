package tds_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds/tdstest"
)

// counter is a Metrics that counts and signals closed connections.
type counter struct {
	opened, closed, loginFailed atomic.Int64
	requests                    [5]atomic.Int64
	mu                          sync.Mutex
	messages                    map[int32]int
	bytesIn, bytesOut           atomic.Int64
	closedCh                    chan struct{}
}

func newCounter() *counter {
	return &counter{messages: map[int32]int{}, closedCh: make(chan struct{}, 1024)}
}

func (c *counter) ConnectionOpened() { c.opened.Add(1) }
func (c *counter) ConnectionClosed() {
	c.closed.Add(1)
	c.closedCh <- struct{}{}
}
func (c *counter) LoginFailed()              { c.loginFailed.Add(1) }
func (c *counter) Request(k tds.RequestKind) { c.requests[k].Add(1) }
func (c *counter) MessageSent(n int32, _ uint8) {
	c.mu.Lock()
	c.messages[n]++
	c.mu.Unlock()
}
func (c *counter) BytesRead(n int)    { c.bytesIn.Add(int64(n)) }
func (c *counter) BytesWritten(n int) { c.bytesOut.Add(int64(n)) }

// waitClosed waits until n more connections have been released.
func (c *counter) waitClosed(t *testing.T, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		select {
		case <-c.closedCh:
		case <-time.After(10 * time.Second):
			t.Fatalf("connection %d of %d was not released", i+1, n)
		}
	}
}

// logBuffer collects log output safely.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startWithMetrics(t *testing.T, cfg tds.Config) (*tdstest.Server, *counter, *logBuffer) {
	t.Helper()
	m := newCounter()
	logs := &logBuffer{}
	cfg.Metrics = m
	cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return tdstest.Start(t, cfg, nil), m, logs
}

// connectRaw dials addr with the raw client and signs in as the test user;
// the connection closes when the test (or benchmark) ends.
func connectRaw(tb testing.TB, addr string) *tds.RawClient {
	tb.Helper()
	c, err := tds.DialRaw(addr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	if err := c.Connect(tdstest.User, tdstest.Password); err != nil {
		tb.Fatal(err)
	}
	return c
}

// expectClosed reads until the server closes the connection.
func expectClosed(t *testing.T, c net.Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err := io.Copy(io.Discard, c)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatal("the server did not close the connection")
		}
	}
}

// readPacket reads one packet and returns its status and payload.
func readPacket(t *testing.T, c net.Conn) (uint8, []byte) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	defer c.SetReadDeadline(time.Time{})
	hdr := make([]byte, 8)
	if _, err := io.ReadFull(c, hdr); err != nil {
		t.Fatal(err)
	}
	_, status, length, _, _, _ := tds.PacketHeader(hdr)
	body := make([]byte, int(length)-8)
	if _, err := io.ReadFull(c, body); err != nil {
		t.Fatal(err)
	}
	return status, body
}

func batch(t *testing.T, c *tds.RawClient, sql string) []tds.Token {
	t.Helper()
	if err := c.Send(tds.PktBatch, 0, tds.EncodeBatch(sql)); err != nil {
		t.Fatal(err)
	}
	toks, err := c.RecvTokens()
	if err != nil {
		t.Fatal(err)
	}
	return toks
}

func summary(toks []tds.Token) string {
	s := make([]string, len(toks))
	for i, tk := range toks {
		s[i] = tk.String()
	}
	return strings.Join(s, " ")
}

func TestLoginFailureLooksTheSame(t *testing.T) {
	srv, m, _ := startWithMetrics(t, tds.Config{ServerName: "EMULATOR"})
	replies := map[string]string{}
	for _, c := range []struct{ name, user, password string }{
		{"wrong password", "sa", "wrong"},
		{"unknown login", "xx", tdstest.Password},
	} {
		rc, err := tds.DialRaw(srv.Addr)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		if _, err := rc.Prelogin(tds.EncryptNotSup); err != nil {
			t.Fatal(err)
		}
		if err := rc.Send(tds.PktLogin7, 0, tds.EncodeLogin7(c.user, c.password)); err != nil {
			t.Fatal(err)
		}
		_, raw, err := rc.Recv()
		if err != nil {
			t.Fatal(err)
		}
		toks, err := tds.ParseTokens(raw)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf(`MSG(18456,14,1 "Login failed for user '%s'.") DONEFD(st=0x2 cmd=0x0 rows=0)`, c.user)
		if got := summary(toks); got != want {
			t.Errorf("%s: %s, want %s", c.name, got, want)
		}
		replies[c.name] = strings.ReplaceAll(string(raw), string(utf16(c.user)), "USER")
		expectClosed(t, rc.Conn())
	}
	if replies["wrong password"] != replies["unknown login"] {
		t.Error("the replies differ beyond the user name")
	}
	m.waitClosed(t, 2)
	if m.loginFailed.Load() != 2 || srv.Handler.Sessions() != 0 {
		t.Errorf("login failures %d, sessions %d", m.loginFailed.Load(), srv.Handler.Sessions())
	}
	// go-mssqldb reports it as a login error.
	db := openDB(t, dsn(srv.Addr))
	db2, _ := sql.Open("sqlserver", strings.Replace(dsn(srv.Addr), "Secret", "Wrong", 1))
	defer db2.Close()
	var me mssql.Error
	if err := db2.Ping(); !errors.As(err, &me) || me.Number != 18456 {
		t.Errorf("go-mssqldb: %v", err)
	}
	if err := db.Ping(); err != nil {
		t.Errorf("good login after failures: %v", err)
	}
}

func utf16(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

func TestUnknownDatabase(t *testing.T) {
	srv := tdstest.Start(t, tds.Config{}, nil)
	rc, err := tds.DialRaw(srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	rc.Prelogin(tds.EncryptNotSup)
	toks, err := rc.LoginAs("go-mssqldb", tdstest.User, tdstest.Password, "[no such db]")
	if err != nil {
		t.Fatal(err)
	}
	want := `MSG(4060,11,1 "Cannot open database \"[no such db]\" requested by the login. The login failed.") ` +
		`MSG(18456,14,1 "Login failed for user 'sa'.") DONEFD(st=0x2 cmd=0x0 rows=0)`
	if got := summary(toks); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	expectClosed(t, rc.Conn())
	// A known database other than master is reported in the login reply.
	rc2, _ := tds.DialRaw(srv.Addr)
	defer rc2.Close()
	rc2.Prelogin(tds.EncryptNotSup)
	toks, _ = rc2.LoginAs("go-mssqldb", tdstest.User, tdstest.Password, "SSISDB")
	if !strings.HasPrefix(summary(toks), `ENV(1 "SSISDB" "master" 0x0) MSG(5701,0,2 "Changed database context to 'SSISDB'.")`) {
		t.Errorf("login into SSISDB: %s", summary(toks))
	}
}

func TestIntegratedAuthenticationRefused(t *testing.T) {
	srv := tdstest.Start(t, tds.Config{}, nil)
	rc, _ := tds.DialRaw(srv.Addr)
	defer rc.Close()
	rc.Prelogin(tds.EncryptNotSup)
	p := tds.EncodeLogin7("", "")
	p[25] |= 0x80 // fIntSecurity
	toks, err := rc.LoginRaw(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := summary(toks); !strings.HasPrefix(got, "MSG(18452,14,1") {
		t.Errorf("integrated authentication: %s", got)
	}
}

func TestMaxConnections(t *testing.T) {
	srv, m, _ := startWithMetrics(t, tds.Config{MaxConnections: 2})
	a := connectRaw(t, srv.Addr)
	connectRaw(t, srv.Addr)
	rc, _ := tds.DialRaw(srv.Addr)
	defer rc.Close()
	rc.Prelogin(tds.EncryptNotSup)
	toks, err := rc.LoginAs("go-mssqldb", tdstest.User, tdstest.Password, "master")
	if err != nil {
		t.Fatal(err)
	}
	if got := summary(toks); !strings.HasPrefix(got, "MSG(17809,20,1 \"Could not connect because the maximum number of '2' user connections") {
		t.Fatalf("third connection: %s", got)
	}
	expectClosed(t, rc.Conn())
	a.Close()
	m.waitClosed(t, 1)
	connectRaw(t, srv.Addr)
	if st := srv.Stats(); st.ConnectionsActive != 2 || st.ConnectionsOpened != 3 {
		t.Errorf("stats %+v", st)
	}
}

// fakeTimers stands in for time.AfterFunc so that the login timeout fires
// when the test says so.
type fakeTimers struct {
	mu      sync.Mutex
	pending []*fakeTimer
	added   chan *fakeTimer
}

type fakeTimer struct {
	d       time.Duration
	f       func()
	stopped atomic.Bool
}

func (ft *fakeTimers) AfterFunc(d time.Duration, f func()) func() bool {
	t := &fakeTimer{d: d, f: f}
	ft.added <- t
	return func() bool { return !t.stopped.Swap(true) }
}

func TestLoginTimeout(t *testing.T) {
	ft := &fakeTimers{added: make(chan *fakeTimer, 16)}
	srv, m, logs := startWithMetrics(t, tds.Config{LoginTimeout: 7 * time.Second, AfterFunc: ft.AfterFunc})
	c, err := net.Dial("tcp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	timer := <-ft.added
	if timer.d != 7*time.Second {
		t.Errorf("timeout %v", timer.d)
	}
	timer.f() // the client sent nothing in time
	expectClosed(t, c)
	m.waitClosed(t, 1)
	if !strings.Contains(logs.String(), "login timeout") {
		t.Errorf("no log line for the timeout:\n%s", logs)
	}
	// A login that completes stops its timer. The server stops it just
	// after the login reply; once it answers a request, that is done.
	batch(t, connectRaw(t, srv.Addr), "select 1")
	if timer := <-ft.added; !timer.stopped.Load() {
		t.Error("the login timer of a logged-in connection is still armed")
	}
}

func TestMalformedInputClosesOnlyThatConnection(t *testing.T) {
	hdr := func(typ, status byte, n int) []byte {
		return []byte{typ, status, byte((n + 8) >> 8), byte(n + 8), 0, 0, 1, 0}
	}
	preHandshake := []struct {
		name string
		wire []byte
	}{
		{"not TDS", []byte("GET / HTTP/1.1\r\n\r\n")},
		{"packet shorter than its header", []byte{0x12, 0x01, 0x00, 0x04, 0, 0, 0, 0}},
		{"PRELOGIN without terminator", append(hdr(0x12, 1, 5), 0x01, 0x00, 0x05, 0x00, 0x01)},
		{"LOGIN7 instead of PRELOGIN", append(hdr(0x10, 1, 4), 1, 2, 3, 4)},
		{"TLS ClientHello with TLS off", []byte{0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5}},
		{"truncated packet then EOF", append(hdr(0x12, 1, 100), 1, 2, 3)},
	}
	srv, m, logs := startWithMetrics(t, tds.Config{MaxMessageSize: 4096})
	healthy := connectRaw(t, srv.Addr)
	for _, c := range preHandshake {
		t.Run(c.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", srv.Addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.Write(c.wire)
			if c.name == "truncated packet then EOF" {
				conn.(*net.TCPConn).CloseWrite()
			}
			expectClosed(t, conn)
			m.waitClosed(t, 1)
		})
	}
	afterLogin := []struct {
		name string
		send func(*tds.RawClient) error
	}{
		{"LOGIN7 after login", func(c *tds.RawClient) error { return c.Send(tds.PktLogin7, 0, tds.EncodeLogin7("sa", "x")) }},
		{"bulk load packet", func(c *tds.RawClient) error { return c.Send(0x07, 0, []byte{1, 2, 3}) }},
		{"truncated RPC", func(c *tds.RawClient) error {
			p, _ := tds.EncodeRPC(tds.RPCCall{Name: "echo", Params: []tds.Param{{Name: "@a", Type: tds.TypeInfo{ID: tds.TypeIntN, Size: 4}, Value: int64(1)}}})
			return c.Send(tds.PktRPC, 0, p[:len(p)-2])
		}},
		{"batch without ALL_HEADERS", func(c *tds.RawClient) error { return c.Send(tds.PktBatch, 0, []byte{0xFF, 0xFF, 0, 0, 's', 0}) }},
		{"message over MaxMessageSize", func(c *tds.RawClient) error {
			return c.Send(tds.PktBatch, 0, tds.EncodeBatch(strings.Repeat("x", 5000)))
		}},
		{"type change inside a message", func(c *tds.RawClient) error {
			w := c.Conn()
			w.Write(append(hdr(0x01, 0, 2), 1, 2))
			_, err := w.Write(append(hdr(0x03, 1, 2), 1, 2))
			return err
		}},
		{"malformed TransMgrReq", func(c *tds.RawClient) error { return c.Send(tds.PktTransMgr, 0, append(tds.EncodeBatch(""), 5, 0)) }},
	}
	for _, c := range afterLogin {
		t.Run(c.name, func(t *testing.T) {
			rc := connectRaw(t, srv.Addr)
			// The server may close before the whole message is written.
			if err := c.send(rc); err != nil && !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
				t.Fatal(err)
			}
			expectClosed(t, rc.Conn())
			m.waitClosed(t, 1)
		})
	}
	// The first connection never noticed.
	if got := summary(batch(t, healthy, "select 1")); !strings.Contains(got, "ROWD1[1]") {
		t.Errorf("healthy connection: %s", got)
	}
	if n := strings.Count(logs.String(), "level=WARN"); n < len(preHandshake)+len(afterLogin)-2 {
		t.Errorf("%d warnings logged for %d bad clients:\n%s", n, len(preHandshake)+len(afterLogin), logs)
	}
	if st := srv.Stats(); st.ConnectionsActive != 1 {
		t.Errorf("%d connections still active", st.ConnectionsActive)
	}
}

func TestRequestWhileRunningClosesTheConnection(t *testing.T) {
	srv, m, _ := startWithMetrics(t, tds.Config{})
	rc := connectRaw(t, srv.Addr)
	rc.Send(tds.PktBatch, 0, tds.EncodeBatch("wait"))
	<-srv.Handler.Signals
	rc.Send(tds.PktBatch, 0, tds.EncodeBatch("select 1"))
	expectClosed(t, rc.Conn())
	m.waitClosed(t, 1)
	if srv.Handler.Sessions() != 0 {
		t.Error("session not closed")
	}
}

func TestPanicInTheEngine(t *testing.T) {
	srv, m, logs := startWithMetrics(t, tds.Config{})
	other := connectRaw(t, srv.Addr)
	db := openDB(t, dsn(srv.Addr))
	_, err := db.Exec("panic")
	var me mssql.Error
	if !errors.As(err, &me) || me.Class != 20 || !strings.Contains(me.Message, "severe error") {
		t.Fatalf("panic: %#v", err)
	}
	m.waitClosed(t, 1)
	if !strings.Contains(logs.String(), "fake engine panic") {
		t.Error("the panic was not logged")
	}
	if got := summary(batch(t, other, "select 1")); !strings.Contains(got, "ROWD1[1]") {
		t.Errorf("another connection after the panic: %s", got)
	}
	// A severity 20 error from the engine also ends that connection.
	rc := connectRaw(t, srv.Addr)
	toks := batch(t, rc, "fatal")
	if got := summary(toks); !strings.HasPrefix(got, `MSG(50000,20,1 "fake fatal error") DONEFD(st=0x102`) {
		t.Errorf("fatal: %s", got)
	}
	expectClosed(t, rc.Conn())
}

func TestAttention(t *testing.T) {
	srv := tdstest.Start(t, tds.Config{}, nil)
	rc := connectRaw(t, srv.Addr)

	// While a request waits: the response ends with DONE_ATTN.
	rc.Send(tds.PktBatch, 0, tds.EncodeBatch("wait"))
	<-srv.Handler.Signals
	rc.Send(tds.PktAttention, 0, nil)
	toks, err := rc.RecvTokens()
	if err != nil {
		t.Fatal(err)
	}
	if got := summary(toks); got != "DONEFD(st=0x20 cmd=0x0 rows=0)" {
		t.Errorf("attention while waiting: %s", got)
	}

	// While rows stream: the rows already buffered arrive, then DONE_ATTN.
	rc.Send(tds.PktBatch, 0, tds.EncodeBatch("waitrows"))
	<-srv.Handler.Signals
	rc.Send(tds.PktAttention, 0, nil)
	toks, err = rc.RecvTokens()
	if err != nil {
		t.Fatal(err)
	}
	last := toks[len(toks)-1]
	if last.Kind() != tds.TokDone || last.DoneStatus() != tds.DoneAttn || len(toks) < 1000 {
		t.Errorf("attention while streaming: %d tokens, last %s", len(toks), last)
	}

	// After the request finished: the acknowledgement comes on its own.
	batch(t, rc, "select 1")
	rc.Send(tds.PktAttention, 0, nil)
	toks, err = rc.RecvTokens()
	if err != nil || summary(toks) != "DONEFD(st=0x20 cmd=0x0 rows=0)" {
		t.Errorf("late attention: %s, %v", summary(toks), err)
	}
	// The connection carries on.
	if got := summary(batch(t, rc, "select 1")); !strings.Contains(got, "ROWD1[1]") {
		t.Errorf("after attentions: %s", got)
	}
}

func TestFlushSendsWhatIsBuffered(t *testing.T) {
	srv := tdstest.Start(t, tds.Config{}, nil)
	rc := connectRaw(t, srv.Addr)
	rc.Send(tds.PktBatch, 0, tds.EncodeBatch("nowait"))
	// The INFO arrives in a packet of its own while the request still runs.
	status, body := readPacket(t, rc.Conn())
	toks, err := tds.ParseTokens(body)
	if status != 0 || err != nil || summary(toks) != `MSG(50000,0,1 "progress")` {
		t.Fatalf("flushed packet: status %d, %s, %v", status, summary(toks), err)
	}
	<-srv.Handler.Signals
	rc.Send(tds.PktAttention, 0, nil)
	toks, err = rc.RecvTokens()
	if err != nil || summary(toks) != "DONEFD(st=0x20 cmd=0x0 rows=0)" {
		t.Errorf("end of the response: %s, %v", summary(toks), err)
	}
}

func TestResetConnection(t *testing.T) {
	srv := tdstest.Start(t, tds.Config{}, nil)
	rc := connectRaw(t, srv.Addr)
	for _, c := range []struct {
		status uint8
		event  string
	}{{tds.StatusReset, "reset:false"}, {0x10, "reset:true"}} {
		rc.Send(tds.PktBatch, c.status, tds.EncodeBatch("select 1"))
		toks, err := rc.RecvTokens()
		if err != nil {
			t.Fatal(err)
		}
		if got := summary(toks); !strings.HasPrefix(got, `ENV(18 "" "" 0x0) COLMETADATA(1)`) {
			t.Errorf("status %#x: %s", c.status, got)
		}
		if ev := srv.Handler.Events(); ev[len(ev)-2] != c.event {
			t.Errorf("status %#x: events %v", c.status, ev)
		}
	}
}

func TestTransMgrRequests(t *testing.T) {
	srv := tdstest.Start(t, tds.Config{}, nil)
	rc := connectRaw(t, srv.Addr)
	send := func(kind tds.TransMgrKind) string {
		rc.Send(tds.PktTransMgr, 0, tds.EncodeTransMgr(kind, ""))
		toks, err := rc.RecvTokens()
		if err != nil {
			t.Fatal(err)
		}
		return summary(toks)
	}
	begin := send(tds.TMBegin)
	if !strings.HasPrefix(begin, "ENV(8") || !strings.HasSuffix(begin, "DONEFD(st=0x4 cmd=0xd4 rows=0)") {
		t.Errorf("begin: %s", begin)
	}
	desc := begin[strings.Index(begin, "0x"):strings.Index(begin, ")")]
	if commit := send(tds.TMCommit); !strings.HasPrefix(commit, `ENV(9 "" "" `+desc+")") {
		t.Errorf("commit: %s (descriptor %s)", commit, desc)
	}
	send(tds.TMBegin)
	if rb := send(tds.TMRollback); !strings.HasPrefix(rb, "ENV(10") {
		t.Errorf("rollback: %s", rb)
	}
	if got := send(tds.TMCommit); !strings.Contains(got, "3902") {
		t.Errorf("commit without a transaction: %s", got)
	}
}

func TestRPCReplies(t *testing.T) {
	srv := tdstest.Start(t, tds.Config{}, nil)
	rc := connectRaw(t, srv.Addr)
	rpc := func(calls ...tds.RPCCall) string {
		p, err := tds.EncodeRPC(calls...)
		if err != nil {
			t.Fatal(err)
		}
		rc.Send(tds.PktRPC, 0, p)
		toks, err := rc.RecvTokens()
		if err != nil {
			t.Fatal(err)
		}
		return summary(toks)
	}
	i4 := tds.TypeInfo{ID: tds.TypeIntN, Size: 4}
	// Two RPCs in one message: the first DONEPROC carries DONE_MORE.
	got := rpc(tds.RPCCall{Name: "echo", Params: []tds.Param{{Name: "@a", Type: i4, Value: int64(1)}}},
		tds.RPCCall{Name: "echo", Params: []tds.Param{{Name: "@a", Type: i4, Value: int64(2)}}})
	want := "COLMETADATA(1) ROWD1[1] DONEFF(st=0x11 cmd=0xc1 rows=1) RETURNSTATUS(1) DONEFE(st=0x1 cmd=0x0 rows=0) " +
		"COLMETADATA(1) ROWD1[2] DONEFF(st=0x11 cmd=0xc1 rows=1) RETURNSTATUS(1) DONEFE(st=0x0 cmd=0x0 rows=0)"
	if got != want {
		t.Errorf("two RPCs:\n got %s\nwant %s", got, want)
	}
	// Server cursors are refused with a clear error; the connection stays.
	if got := rpc(tds.RPCCall{ProcID: tds.ProcCursorOpen}); !strings.HasPrefix(got, "MSG(16955,16,1") || !strings.Contains(got, "sp_cursoropen") {
		t.Errorf("sp_cursoropen: %s", got)
	}
	// A parameter of an unknown type is Msg 8009; the next request works.
	p, _ := tds.EncodeRPC(tds.RPCCall{Name: "echo", Params: []tds.Param{{Name: "@a", Type: i4, Value: int64(1)}}})
	p[len(p)-7] = 0xF0
	rc.Send(tds.PktRPC, 0, p)
	toks, _ := rc.RecvTokens()
	if got := summary(toks); !strings.HasPrefix(got, `MSG(8009,16,1 "The incoming tabular data stream (TDS) remote procedure call (RPC) protocol stream is incorrect. Parameter 1 (\"@a\"): Data type 0xF0 is unknown.")`) {
		t.Errorf("unknown type: %s", got)
	}
	// sp_prepare, sp_execute and sp_unprepare by id.
	nv := func(s string) tds.Param {
		return tds.Param{Type: tds.TypeInfo{ID: tds.TypeNVarChar, Size: 200, Collation: tds.DefaultCollation}, Value: s}
	}
	got = rpc(tds.RPCCall{ProcID: tds.ProcPrepare, Params: []tds.Param{
		{Name: "@handle", Output: true, Type: i4, Value: nil}, nv("@a int"), nv("select @a"), {Type: i4, Value: int64(1)}}})
	if got != "RETURNSTATUS(0) RETURNVALUE(0 @handle 1) DONEFE(st=0x0 cmd=0x0 rows=0)" {
		t.Errorf("sp_prepare: %s", got)
	}
	got = rpc(tds.RPCCall{ProcID: tds.ProcExecute, Params: []tds.Param{{Type: i4, Value: int64(1)}, {Name: "@a", Type: i4, Value: int64(9)}}})
	if !strings.Contains(got, "ROWD1[9]") {
		t.Errorf("sp_execute: %s", got)
	}
	if got := rpc(tds.RPCCall{ProcID: tds.ProcUnprepare, Params: []tds.Param{{Type: i4, Value: int64(1)}}}); got != "RETURNSTATUS(0) DONEFE(st=0x0 cmd=0x0 rows=0)" {
		t.Errorf("sp_unprepare: %s", got)
	}
}

func TestPacketSizeNegotiation(t *testing.T) {
	cases := []struct {
		tls       tds.TLSMode
		request   uint32
		negotiate string
	}{
		{tds.TLSOff, 512, "512"},
		{tds.TLSOff, 100, "512"},
		{tds.TLSOff, 0, "4096"},
		{tds.TLSOff, 32767, "32767"},
		{tds.TLSOff, 65535, "32767"},
		{tds.TLSOn, 32767, "16383"},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s %d", c.tls, c.request), func(t *testing.T) {
			srv := tdstest.Start(t, tds.Config{TLS: c.tls, Certificate: testCert()}, nil)
			rc, _ := tds.DialRaw(srv.Addr)
			defer rc.Close()
			enc := uint8(tds.EncryptNotSup)
			if c.tls == tds.TLSOn {
				enc = tds.EncryptOn
			}
			rc.Prelogin(enc)
			if c.tls == tds.TLSOn {
				if err := rc.StartTLS(); err != nil {
					t.Fatal(err)
				}
			}
			p := tds.EncodeLogin7(tdstest.User, tdstest.Password)
			p[8], p[9], p[10], p[11] = byte(c.request), byte(c.request>>8), byte(c.request>>16), byte(c.request>>24)
			toks, err := rc.LoginRaw(p)
			if err != nil {
				t.Fatal(err)
			}
			if got := summary(toks); !strings.Contains(got, fmt.Sprintf(`ENV(4 "%s" "4096" 0x0)`, c.negotiate)) {
				t.Fatalf("login reply: %s", got)
			}
			// Every packet of a long response fits the negotiated size.
			rc.Send(tds.PktBatch, 0, tds.EncodeBatch("rows 2000"))
			size := mustAtoi(c.negotiate)
			for {
				hdr := make([]byte, 8)
				if _, err := io.ReadFull(rc.Conn0(), hdr); err != nil {
					t.Fatal(err)
				}
				_, status, length, spid, _, _ := tds.PacketHeader(hdr)
				if int(length) > size || spid != 51 {
					t.Fatalf("packet of %d bytes (spid %d) with packet size %d", length, spid, size)
				}
				io.ReadFull(rc.Conn0(), make([]byte, int(length)-8))
				if status&1 != 0 {
					break
				}
			}
		})
	}
}

func TestOlderTDSVersions(t *testing.T) {
	srv := tdstest.Start(t, tds.Config{}, nil)
	for _, c := range []struct {
		ver  uint32
		ack  string
		rows string
	}{
		{0x71000001, "tds=71000001", "DONEFD(st=0x10 cmd=0xc1 rows=1)"},
		{0x72090002, "tds=72090002", "DONEFD(st=0x10 cmd=0xc1 rows=1)"},
		{0x730B0003, "tds=730B0003", "DONEFD(st=0x10 cmd=0xc1 rows=1)"},
	} {
		rc, _ := tds.DialRaw(srv.Addr)
		defer rc.Close()
		rc.Prelogin(tds.EncryptNotSup)
		p := tds.EncodeLogin7(tdstest.User, tdstest.Password)
		p[4], p[5], p[6], p[7] = byte(c.ver), byte(c.ver>>8), byte(c.ver>>16), byte(c.ver>>24)
		rc.SetVersion(c.ver)
		toks, err := rc.LoginRaw(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := summary(toks); !strings.Contains(got, c.ack) {
			t.Errorf("%08X: %s", c.ver, got)
		}
		send := func(sql string) []tds.Token {
			payload := tds.EncodeBatch(sql)
			if c.ver < 0x72000000 {
				payload = utf16(sql) // no ALL_HEADERS before TDS 7.2
			}
			rc.Send(tds.PktBatch, 0, payload)
			toks, err := rc.RecvTokens()
			if err != nil {
				t.Fatalf("%08X: %s: %v", c.ver, sql, err)
			}
			return toks
		}
		if got := summary(send("select 1")); !strings.Contains(got, c.rows) {
			t.Errorf("%08X: select 1: %s", c.ver, got)
		}
		// Before TDS 7.3 the date and time types arrive as text.
		if c.ver < 0x73000000 {
			toks := send("types")
			if len(toks) != 3 || len(toks[1].Values()) < 19 {
				t.Fatalf("%08X: types: %s", c.ver, summary(toks))
			}
			row := toks[1].Values()
			if s, ok := row[16].(string); !ok || s != "23:59:59.9999999" {
				t.Errorf("%08X: time column as %#v", c.ver, row[16])
			}
			if s, ok := row[18].(string); !ok || !strings.HasSuffix(s, " -05:30") {
				t.Errorf("%08X: datetimeoffset column as %#v", c.ver, row[18])
			}
		}
	}
	// TDS 7.0 is refused.
	rc, _ := tds.DialRaw(srv.Addr)
	defer rc.Close()
	rc.Prelogin(tds.EncryptNotSup)
	p := tds.EncodeLogin7(tdstest.User, tdstest.Password)
	p[4], p[5], p[6], p[7] = 0, 0, 0, 0x70
	rc.Send(tds.PktLogin7, 0, p)
	expectClosed(t, rc.Conn())
}

func TestSPIDs(t *testing.T) {
	srv, m, _ := startWithMetrics(t, tds.Config{})
	spid := func(c *tds.RawClient) int64 {
		return batch(t, c, "select @@spid")[1].Values()[0].(int64)
	}
	a, b := connectRaw(t, srv.Addr), connectRaw(t, srv.Addr)
	if spid(a) != 51 || spid(b) != 52 {
		t.Fatalf("spids %d %d", spid(a), spid(b))
	}
	a.Close()
	m.waitClosed(t, 1)
	if c := connectRaw(t, srv.Addr); spid(c) != 51 {
		t.Errorf("freed spid not reused: %d", spid(c))
	}
}

func TestShutdown(t *testing.T) {
	h := tdstest.NewHandler()
	srv, err := tds.NewServer(tds.Config{Logger: tdstest.Logger(t)}, tdstest.DefaultAuth(), h)
	if err != nil {
		t.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	idle := connectRaw(t, ln.Addr().String())
	busy := connectRaw(t, ln.Addr().String())
	busy.Send(tds.PktBatch, 0, tds.EncodeBatch("wait"))
	<-h.Signals

	// A grace period that ends cancels the running request.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := srv.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("shutdown with an ended context: %v", err)
	}
	if err := <-served; !errors.Is(err, tds.ErrServerClosed) {
		t.Errorf("serve: %v", err)
	}
	expectClosed(t, idle.Conn())
	expectClosed(t, busy.Conn())
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Error("still accepting")
	}
	// Everything is released.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	if err := srv.Shutdown(ctx2); err != nil {
		t.Errorf("second shutdown: %v", err)
	}
	if h.Sessions() != 0 || srv.Stats().ConnectionsActive != 0 {
		t.Errorf("sessions %d, connections %d", h.Sessions(), srv.Stats().ConnectionsActive)
	}
}

func TestShutdownWaitsForRunningRequests(t *testing.T) {
	h := tdstest.NewHandler()
	srv, _ := tds.NewServer(tds.Config{Logger: tdstest.Logger(t)}, tdstest.DefaultAuth(), h)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(ln)
	busy := connectRaw(t, ln.Addr().String())
	busy.Send(tds.PktBatch, 0, tds.EncodeBatch("nowait"))
	readPacket(t, busy.Conn()) // the flushed INFO
	<-h.Signals
	done := make(chan error, 1)
	go func() { done <- srv.Shutdown(context.Background()) }()
	// The request is still running: the client can cancel it and gets its
	// acknowledgement before the connection closes.
	busy.Send(tds.PktAttention, 0, nil)
	if err := <-done; err != nil {
		t.Errorf("shutdown: %v", err)
	}
	expectClosed(t, busy.Conn())
}

func TestMetricsAndStats(t *testing.T) {
	srv, m, _ := startWithMetrics(t, tds.Config{})
	rc := connectRaw(t, srv.Addr)
	batch(t, rc, "select 1")
	batch(t, rc, "error")
	p, _ := tds.EncodeRPC(tds.RPCCall{Name: "echo"})
	rc.Send(tds.PktRPC, 0, p)
	rc.Recv()
	rc.Close()
	m.waitClosed(t, 1)
	st := srv.Stats()
	if m.opened.Load() != 1 || m.closed.Load() != 1 || st.ConnectionsOpened != 1 || st.ConnectionsActive != 0 {
		t.Errorf("connections: %+v", st)
	}
	if m.requests[tds.RequestLogin].Load() != 1 || m.requests[tds.RequestBatch].Load() != 2 || m.requests[tds.RequestRPC].Load() != 1 ||
		st.Requests[tds.RequestBatch] != 2 {
		t.Errorf("requests: %+v", st.Requests)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.messages[5701] != 1 || m.messages[5703] != 1 || m.messages[50000] != 1 || st.ErrorsSent != 1 {
		t.Errorf("messages: %v, errors %d", m.messages, st.ErrorsSent)
	}
	if m.bytesIn.Load() == 0 || uint64(m.bytesOut.Load()) != st.BytesWritten || uint64(m.bytesIn.Load()) != st.BytesRead {
		t.Errorf("bytes: in %d/%d out %d/%d", m.bytesIn.Load(), st.BytesRead, m.bytesOut.Load(), st.BytesWritten)
	}
}

// A client being refused (over MaxConnections) does not hold up Shutdown.
func TestShutdownClosesRefusedClients(t *testing.T) {
	ft := &fakeTimers{added: make(chan *fakeTimer, 16)}
	h := tdstest.NewHandler()
	srv, _ := tds.NewServer(tds.Config{MaxConnections: 1, AfterFunc: ft.AfterFunc, Logger: tdstest.Logger(t)}, tdstest.DefaultAuth(), h)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(ln)
	connectRaw(t, ln.Addr().String())
	<-ft.added
	waiting, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer waiting.Close()
	<-ft.added // its login timer is armed and never fires
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	expectClosed(t, waiting)
}

func TestTLSRequiredRefusesPlaintext(t *testing.T) {
	srv, m, logs := startWithMetrics(t, tds.Config{TLS: tds.TLSRequired, Certificate: testCert()})
	rc, _ := tds.DialRaw(srv.Addr)
	defer rc.Close()
	enc, err := rc.Prelogin(tds.EncryptNotSup)
	if err != nil || enc != 3 {
		t.Fatalf("PRELOGIN reply: %d, %v", enc, err)
	}
	expectClosed(t, rc.Conn())
	m.waitClosed(t, 1)
	if !strings.Contains(logs.String(), "refused encryption") {
		t.Errorf("no log line:\n%s", logs)
	}
	// A client that says OFF is served, fully encrypted.
	rc2, _ := tds.DialRaw(srv.Addr)
	defer rc2.Close()
	if enc, _ := rc2.Prelogin(tds.EncryptOff); enc != 3 {
		t.Fatalf("OFF answered with %d", enc)
	}
	if err := rc2.StartTLS(); err != nil {
		t.Fatal(err)
	}
	if toks, err := rc2.LoginAs("go-mssqldb", tdstest.User, tdstest.Password, "master"); err != nil || !strings.Contains(summary(toks), "LOGINACK") {
		t.Fatalf("login over TLS: %s, %v", summary(toks), err)
	}
	if got := summary(batch(t, rc2, "select 1")); !strings.Contains(got, "ROWD1[1]") {
		t.Errorf("query over TLS: %s", got)
	}
}
