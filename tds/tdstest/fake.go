// Package tdstest provides a small fake engine behind the tds seam, and a
// helper to run a tds.Server on loopback, for tests of the wire and of
// anything that talks to it through a real client.
//
// The fake understands a tiny command language instead of T-SQL; see
// Session.Batch and Session.RPC.
package tdstest

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"golang.org/x/crypto/md4"

	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// The login every test uses.
const (
	User     = "sa"
	Password = "Secret!Pass1"
)

// The Windows-style login of the integrated-security tests: clients log in
// with it by NTLM.
const (
	WindowsUser     = `CONTOSO\alice`
	WindowsPassword = "Alice!Pass2"
)

// Auth is an Authenticator over a fixed table of logins and passwords. An
// unknown login is compared against a dummy password so that it costs the
// same as a wrong password. Names with a backslash are Windows-style logins,
// which NTLM clients reach through NTHash.
type Auth map[string]string

// DefaultAuth knows User with Password and WindowsUser with
// WindowsPassword.
func DefaultAuth() Auth { return Auth{User: Password, WindowsUser: WindowsPassword} }

func (a Auth) Authenticate(_ context.Context, login, password string) bool {
	want, ok := a[login]
	if !ok {
		want = "\x00unknown-login\x00"
	}
	eq := subtle.ConstantTimeCompare([]byte(want), []byte(password)) == 1
	return ok && eq
}

// NTHash makes Auth a tds.NTLMAuthenticator. A domain matches
// case-insensitively; an empty domain matches a user name that only one
// Windows-style login has.
func (a Auth) NTHash(_ context.Context, domain, user string) (string, [16]byte, bool) {
	var login, password string
	n := 0
	for name, pw := range a {
		d, u, ok := strings.Cut(name, `\`)
		if ok && strings.EqualFold(u, user) && (domain == "" || strings.EqualFold(d, domain)) {
			login, password = name, pw
			n++
		}
	}
	if n != 1 {
		return "", NTHash("\x00unknown-login\x00"), false
	}
	return login, NTHash(password), true
}

// NTHash is the NT hash of a password: MD4 of its UTF-16LE form.
func NTHash(password string) [16]byte {
	h := md4.New()
	for _, u := range utf16.Encode([]rune(password)) {
		h.Write([]byte{byte(u), byte(u >> 8)})
	}
	var out [16]byte
	h.Sum(out[:0])
	return out
}

// Handler is the fake engine.
type Handler struct {
	// Databases that exist besides master (compared case-insensitively).
	Databases []string
	// Signals receives a note when a request reaches a waiting point
	// ("wait", "waitrows", "nowait"), so tests can act without sleeping.
	Signals chan string

	mu       sync.Mutex
	events   []string
	logins   []*tds.Login
	nextTran uint64
	sessions int
}

// NewHandler returns a fake engine that knows master and ssisdb.
func NewHandler() *Handler {
	return &Handler{Databases: []string{"SSISDB", "tempdb"}, Signals: make(chan string, 64), nextTran: 0x100000000}
}

func (h *Handler) record(format string, args ...any) {
	h.mu.Lock()
	h.events = append(h.events, fmt.Sprintf(format, args...))
	h.mu.Unlock()
}

// Events returns what the fake has seen, in order ("open:sa", "reset:false",
// "batch:select 1", "rpc:sp_executesql", "tm:5", "close").
func (h *Handler) Events() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.events...)
}

// Logins returns the LOGIN7 requests of the sessions opened so far.
func (h *Handler) Logins() []*tds.Login {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*tds.Login(nil), h.logins...)
}

// Sessions returns how many sessions are open.
func (h *Handler) Sessions() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sessions
}

func (h *Handler) signal(s string) {
	select {
	case h.Signals <- s:
	default:
	}
}

// Open accepts master and the configured databases; any other requested
// database gets 4060.
func (h *Handler) Open(_ context.Context, l *tds.Login) (tds.Session, *tds.LoginResult, error) {
	db := l.Database
	if db == "" {
		db = "master"
	}
	known := strings.EqualFold(db, "master")
	for _, d := range h.Databases {
		known = known || strings.EqualFold(d, db)
	}
	if !known {
		return nil, nil, &tds.Message{Number: 4060, State: 1, Class: 11,
			Text: fmt.Sprintf("Cannot open database \"%s\" requested by the login. The login failed.", l.Database)}
	}
	h.record("open:%s", l.UserName)
	h.mu.Lock()
	h.logins = append(h.logins, l)
	h.sessions++
	h.mu.Unlock()
	lang := "us_english"
	return &Session{h: h, Login: l, db: db, prepared: map[int64]string{}}, &tds.LoginResult{Database: db, Language: lang}, nil
}

// Session is one fake session.
type Session struct {
	h        *Handler
	Login    *tds.Login
	db       string
	tran     uint64 // descriptor of the open transaction, 0 if none
	prepared map[int64]string
	nextPrep int64
	closed   bool
}

func (s *Session) doneStatus(st uint16) uint16 {
	if s.tran != 0 {
		st |= tds.DoneInXact
	}
	return st
}

// Batch runs one command of the fake language:
//
//	select 1                one int column
//	select @@version        one nvarchar column
//	rows N                  N rows of (n int, s nvarchar(20))
//	types | nulls           one row with every type (TypesColumns), or all NULL
//	big N                   one nvarchar(max) value of N characters
//	print TEXT              INFO 0
//	error                   Msg 50000, class 16, then DONE with the error bit
//	fatal                   Msg 50000, class 20, then an error return (the connection closes)
//	panic                   a panic inside the engine
//	wait                    block until cancelled
//	waitrows                stream rows until cancelled
//	nowait                  INFO, Flush, then block until cancelled
//	begin tran | commit | rollback
//	use DB
//	set ... / sp_datatype_info_100 ...   accepted, no result
//
// Anything else is Msg 2812.
func (s *Session) Batch(ctx context.Context, sql string, w tds.ResultWriter) error {
	s.h.record("batch:%s", strings.TrimSpace(sql))
	return s.exec(ctx, sql, w, tds.DoneStatement, nil)
}

func (s *Session) exec(ctx context.Context, sql string, w tds.ResultWriter, kind tds.DoneKind, params []tds.Param) error {
	cmd := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(sql), ";"))
	lower := strings.ToLower(cmd)
	word, rest, _ := strings.Cut(lower, " ")
	switch {
	case lower == "":
		return nil
	case lower == "select 1":
		if err := w.Columns([]tds.Column{{Name: "", Type: tds.TypeInfo{ID: tds.TypeIntN, Size: 4}}}); err != nil {
			return err
		}
		if err := w.Row([]any{int64(1)}); err != nil {
			return err
		}
		return w.Done(tds.Done{Kind: kind, Status: s.doneStatus(tds.DoneCount), CurCmd: tds.CmdSelect, RowCount: 1})
	case lower == "select @@version":
		if err := w.Columns([]tds.Column{{Name: "", Type: tds.TypeInfo{ID: tds.TypeNVarChar, Size: 600}}}); err != nil {
			return err
		}
		if err := w.Row([]any{"Microsoft SQL Server 2022 (RTM) - 16.0.1000.6 (X64) (SSISDB Emulator fake)"}); err != nil {
			return err
		}
		return w.Done(tds.Done{Kind: kind, Status: s.doneStatus(tds.DoneCount), CurCmd: tds.CmdSelect, RowCount: 1})
	case lower == "select @@spid":
		if err := w.Columns([]tds.Column{{Name: "", Type: tds.TypeInfo{ID: tds.TypeInt2, Size: 2}}}); err != nil {
			return err
		}
		if err := w.Row([]any{int64(s.Login.SPID)}); err != nil {
			return err
		}
		return w.Done(tds.Done{Kind: kind, Status: s.doneStatus(tds.DoneCount), CurCmd: tds.CmdSelect, RowCount: 1})
	case word == "rows" || word == "waitrows":
		n, _ := strconv.Atoi(strings.TrimSpace(rest))
		if word == "waitrows" {
			n = -1
		}
		if err := w.Columns([]tds.Column{
			{Name: "n", Type: tds.TypeInfo{ID: tds.TypeInt4, Size: 4}},
			{Name: "s", Type: tds.TypeInfo{ID: tds.TypeNVarChar, Size: 40}, Nullable: true},
		}); err != nil {
			return err
		}
		i := 0
		for ; n < 0 || i < n; i++ {
			if word == "waitrows" && i == 1000 {
				s.h.signal("waitrows")
			}
			if err := w.Row([]any{int64(i), "row " + strconv.Itoa(i)}); err != nil {
				return err
			}
		}
		return w.Done(tds.Done{Kind: kind, Status: s.doneStatus(tds.DoneCount), CurCmd: tds.CmdSelect, RowCount: uint64(i)})
	case lower == "types" || lower == "nulls":
		if err := w.Columns(TypesColumns()); err != nil {
			return err
		}
		row := TypesRow()
		if lower == "nulls" {
			for i, c := range TypesColumns() {
				if c.Nullable {
					row[i] = nil
				}
			}
		}
		if err := w.Row(row); err != nil {
			return err
		}
		return w.Done(tds.Done{Kind: kind, Status: s.doneStatus(tds.DoneCount), CurCmd: tds.CmdSelect, RowCount: 1})
	case word == "big":
		n, _ := strconv.Atoi(strings.TrimSpace(rest))
		if err := w.Columns([]tds.Column{{Name: "big", Type: tds.TypeInfo{ID: tds.TypeNVarChar, Size: tds.MaxSize}}}); err != nil {
			return err
		}
		if err := w.Row([]any{BigString(n)}); err != nil {
			return err
		}
		return w.Done(tds.Done{Kind: kind, Status: s.doneStatus(tds.DoneCount), CurCmd: tds.CmdSelect, RowCount: 1})
	case word == "print":
		if err := w.Message(tds.Message{Number: 0, State: 1, Class: 0, Text: strings.TrimSpace(cmd[len("print"):])}); err != nil {
			return err
		}
		return w.Done(tds.Done{Kind: kind, Status: s.doneStatus(0)})
	case lower == "error":
		if err := w.Message(tds.Message{Number: 50000, State: 1, Class: 16, Text: "fake error", Line: 1}); err != nil {
			return err
		}
		return w.Done(tds.Done{Kind: kind, Status: s.doneStatus(tds.DoneError)})
	case lower == "fatal":
		m := tds.Message{Number: 50000, State: 1, Class: 20, Text: "fake fatal error", Line: 1}
		if err := w.Message(m); err != nil {
			return err
		}
		return &m
	case lower == "panic":
		panic("fake engine panic")
	case lower == "wait":
		s.h.signal("wait")
		<-ctx.Done()
		return context.Cause(ctx)
	case lower == "nowait":
		if err := w.Message(tds.Message{Number: 50000, State: 1, Class: 0, Text: "progress"}); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err
		}
		s.h.signal("nowait")
		<-ctx.Done()
		return context.Cause(ctx)
	case lower == "begin tran" || lower == "begin transaction":
		return s.begin(w, kind)
	case lower == "commit" || lower == "commit tran" || lower == "commit transaction":
		return s.end(w, kind, tds.EnvCommitTran)
	case lower == "rollback" || lower == "rollback tran" || lower == "rollback transaction":
		return s.end(w, kind, tds.EnvRollbackTran)
	case word == "use":
		db := strings.Trim(strings.TrimSpace(cmd[len("use"):]), "[]")
		old := s.db
		s.db = db
		if err := w.EnvChange(tds.EnvChange{Type: tds.EnvDatabase, New: db, Old: old}); err != nil {
			return err
		}
		if err := w.Message(tds.Message{Number: 5701, State: 1, Class: 0, Text: fmt.Sprintf("Changed database context to '%s'.", db)}); err != nil {
			return err
		}
		return w.Done(tds.Done{Kind: kind, Status: s.doneStatus(0)})
	case word == "set" || strings.HasPrefix(lower, "sp_datatype_info"):
		return w.Done(tds.Done{Kind: kind, Status: s.doneStatus(0)})
	case strings.HasPrefix(lower, "select @") || lower == "echo":
		return s.echoRow(w, kind, params)
	}
	if err := w.Message(tds.Message{Number: 2812, State: 62, Class: 16, Line: 1,
		Text: fmt.Sprintf("Could not find stored procedure '%s'.", strings.Fields(cmd)[0])}); err != nil {
		return err
	}
	return w.Done(tds.Done{Kind: kind, Status: s.doneStatus(tds.DoneError)})
}

func (s *Session) begin(w tds.ResultWriter, kind tds.DoneKind) error {
	if s.tran == 0 {
		s.h.mu.Lock()
		s.h.nextTran++
		s.tran = s.h.nextTran
		s.h.mu.Unlock()
		if err := w.EnvChange(tds.EnvChange{Type: tds.EnvBeginTran, Descriptor: s.tran}); err != nil {
			return err
		}
	}
	return w.Done(tds.Done{Kind: kind, Status: s.doneStatus(0), CurCmd: tds.CmdBeginTx})
}

func (s *Session) end(w tds.ResultWriter, kind tds.DoneKind, typ tds.EnvChangeType) error {
	if s.tran == 0 {
		num, text := int32(3902), "The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION."
		if typ == tds.EnvRollbackTran {
			num, text = 3903, "The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION."
		}
		if err := w.Message(tds.Message{Number: num, State: 1, Class: 16, Text: text, Line: 1}); err != nil {
			return err
		}
		return w.Done(tds.Done{Kind: kind, Status: tds.DoneError})
	}
	d := s.tran
	s.tran = 0
	if err := w.EnvChange(tds.EnvChange{Type: typ, Descriptor: d}); err != nil {
		return err
	}
	cmd := tds.CmdCommit
	if typ == tds.EnvRollbackTran {
		cmd = tds.CmdRollbck
	}
	return w.Done(tds.Done{Kind: kind, Status: 0, CurCmd: cmd})
}

// echoRow returns the values of params as one row, a column per parameter
// with the parameter's own type.
func (s *Session) echoRow(w tds.ResultWriter, kind tds.DoneKind, params []tds.Param) error {
	if len(params) == 0 {
		return w.Done(tds.Done{Kind: kind, Status: s.doneStatus(0)})
	}
	cols := make([]tds.Column, len(params))
	vals := make([]any, len(params))
	for i, p := range params {
		ti := p.Type
		if ti.ID == tds.TypeNull {
			ti = tds.TypeInfo{ID: tds.TypeNVarChar, Size: 2}
		}
		name := strings.TrimPrefix(p.Name, "@")
		if name == "" {
			name = "p" + strconv.Itoa(i+1)
		}
		cols[i] = tds.Column{Name: name, Type: ti, Nullable: true}
		vals[i] = p.Value
	}
	if err := w.Columns(cols); err != nil {
		return err
	}
	if err := w.Row(vals); err != nil {
		return err
	}
	return w.Done(tds.Done{Kind: kind, Status: s.doneStatus(tds.DoneCount), CurCmd: tds.CmdSelect, RowCount: 1})
}

// RPC runs a procedure call:
//
//	echo, dbo.echo     a row of the parameters; OUTPUT parameters come back unchanged; status = parameter count
//	bump, dbo.bump     a row of the parameters; OUTPUT int values +1, strings + "+"; status 42
//	raise              Msg 50000 class 16 from procedure "raise"
//	wait               block until cancelled
//	sp_executesql      runs @stmt as a fake command; "echo" or "select @..." echoes the value parameters
//	sp_prepare, sp_prepexec, sp_execute, sp_unprepare   prepared handles over the same commands
func (s *Session) RPC(ctx context.Context, rpc *tds.RPCRequest, w tds.ResultWriter) error {
	if rpc.Descriptor != 0 {
		s.h.record("rpc:%s@%x", rpc.Name, rpc.Descriptor)
	} else {
		s.h.record("rpc:%s", rpc.Name)
	}
	name := strings.ToLower(strings.TrimPrefix(strings.ToLower(rpc.Name), "dbo."))
	switch name {
	case "echo", "bump":
		if err := s.echoRow(w, tds.DoneInProc, rpc.Params); err != nil {
			return err
		}
		status := int32(len(rpc.Params))
		if name == "bump" {
			status = 42
		}
		return s.finishProc(w, status, rpc.Params, name == "bump", 0)
	case "raise":
		if err := w.Message(tds.Message{Number: 50000, State: 1, Class: 16, Text: "raised by the fake", Proc: "raise", Line: 3}); err != nil {
			return err
		}
		if err := w.ReturnStatus(-6); err != nil {
			return err
		}
		return w.Done(tds.Done{Kind: tds.DoneProc, Status: tds.DoneError})
	case "wait":
		s.h.signal("wait")
		<-ctx.Done()
		return context.Cause(ctx)
	case "sp_executesql":
		if len(rpc.Params) == 0 {
			return s.procError(w, 201, "Procedure or function 'sp_executesql' expects parameter '@statement', which was not supplied.")
		}
		stmt, _ := rpc.Params[0].Value.(string)
		vals := rpc.Params[min(2, len(rpc.Params)):]
		if err := s.exec(ctx, stmt, w, tds.DoneInProc, vals); err != nil {
			return err
		}
		return s.finishProc(w, 0, vals, false, 0)
	case "sp_prepare", "sp_prepexec":
		if len(rpc.Params) < 3 {
			return s.procError(w, 201, fmt.Sprintf("Procedure or function '%s' expects parameter '@stmt', which was not supplied.", name))
		}
		stmt, _ := rpc.Params[2].Value.(string)
		s.nextPrep++
		h := s.nextPrep
		s.prepared[h] = stmt
		var vals []tds.Param
		if name == "sp_prepexec" {
			vals = rpc.Params[3:]
			if err := s.exec(ctx, stmt, w, tds.DoneInProc, vals); err != nil {
				return err
			}
		}
		if err := w.ReturnStatus(0); err != nil {
			return err
		}
		if err := w.ReturnValue(tds.ReturnValue{Ordinal: 0, Name: rpc.Params[0].Name, Type: tds.TypeInfo{ID: tds.TypeIntN, Size: 4}, Value: h}); err != nil {
			return err
		}
		return w.Done(tds.Done{Kind: tds.DoneProc, Status: s.doneStatus(0)})
	case "sp_execute":
		if len(rpc.Params) < 1 {
			return s.procError(w, 201, "Procedure or function 'sp_execute' expects parameter '@handle', which was not supplied.")
		}
		h, _ := rpc.Params[0].Value.(int64)
		stmt, ok := s.prepared[h]
		if !ok {
			return s.procError(w, 8179, fmt.Sprintf("Could not find prepared statement with handle %d.", h))
		}
		vals := rpc.Params[1:]
		if err := s.exec(ctx, stmt, w, tds.DoneInProc, vals); err != nil {
			return err
		}
		return s.finishProc(w, 0, vals, false, 1)
	case "sp_unprepare":
		if len(rpc.Params) > 0 {
			h, _ := rpc.Params[0].Value.(int64)
			delete(s.prepared, h)
		}
		return s.finishProc(w, 0, nil, false, 0)
	}
	if isCommand(name) {
		// go-mssqldb sends a bare identifier as an RPC by name.
		if err := s.exec(ctx, name, w, tds.DoneInProc, rpc.Params); err != nil {
			return err
		}
		return s.finishProc(w, 0, rpc.Params, false, 0)
	}
	return s.procError(w, 2812, fmt.Sprintf("Could not find stored procedure '%s'.", rpc.Name))
}

// isCommand reports the one-word commands of the fake language.
func isCommand(name string) bool {
	switch name {
	case "types", "nulls", "error", "fatal", "panic", "nowait", "waitrows", "commit", "rollback":
		return true
	}
	return false
}

func (s *Session) procError(w tds.ResultWriter, num int32, text string) error {
	if err := w.Message(tds.Message{Number: num, State: 1, Class: 16, Text: text}); err != nil {
		return err
	}
	return w.Done(tds.Done{Kind: tds.DoneProc, Status: s.doneStatus(tds.DoneError)})
}

// finishProc writes RETURNSTATUS, a RETURNVALUE per OUTPUT parameter and
// DONEPROC. offset is added to the ordinals (for parameters that come after
// the ones a procedure consumes itself).
func (s *Session) finishProc(w tds.ResultWriter, status int32, params []tds.Param, bump bool, offset int) error {
	if err := w.ReturnStatus(status); err != nil {
		return err
	}
	for i, p := range params {
		if !p.Output {
			continue
		}
		v := p.Value
		if bump {
			switch x := v.(type) {
			case int64:
				v = x + 1
			case string:
				v = x + "+"
			}
		}
		ti := p.Type
		if ti.ID == tds.TypeNull {
			ti = tds.TypeInfo{ID: tds.TypeNVarChar, Size: 2}
		}
		if _, ok := v.(string); ok && bump {
			// The procedure declares its own, wider, type for the result.
			ti = tds.TypeInfo{ID: tds.TypeNVarChar, Size: tds.MaxSize}
		}
		if err := w.ReturnValue(tds.ReturnValue{Ordinal: uint16(i + offset), Name: p.Name, Type: ti, Value: v}); err != nil {
			return err
		}
	}
	return w.Done(tds.Done{Kind: tds.DoneProc, Status: s.doneStatus(0)})
}

// TransMgr answers begin, commit, rollback and save with the ENVCHANGEs
// that go with them.
func (s *Session) TransMgr(_ context.Context, req *tds.TransMgrRequest, w tds.ResultWriter) error {
	s.h.record("tm:%d", req.Kind)
	switch req.Kind {
	case tds.TMBegin:
		return s.begin(w, tds.DoneStatement)
	case tds.TMCommit:
		if err := s.end(w, tds.DoneStatement, tds.EnvCommitTran); err != nil || !req.BeginNew {
			return err
		}
		return s.begin(w, tds.DoneStatement)
	case tds.TMRollback:
		if err := s.end(w, tds.DoneStatement, tds.EnvRollbackTran); err != nil || !req.BeginNew {
			return err
		}
		return s.begin(w, tds.DoneStatement)
	case tds.TMSave:
		return w.Done(tds.Done{Kind: tds.DoneStatement, Status: s.doneStatus(0)})
	}
	if err := w.Message(tds.Message{Number: 8509, State: 1, Class: 16, Text: "Distributed transactions are not supported by the fake engine."}); err != nil {
		return err
	}
	return w.Done(tds.Done{Kind: tds.DoneStatement, Status: tds.DoneError})
}

// Reset forgets session state; the transaction survives only with
// keepTransaction.
func (s *Session) Reset(_ context.Context, keepTransaction bool) error {
	s.h.record("reset:%v", keepTransaction)
	if !keepTransaction {
		s.tran = 0
	}
	s.prepared = map[int64]string{}
	return nil
}

func (s *Session) Close() {
	if s.closed {
		return
	}
	s.closed = true
	s.h.record("close")
	s.h.mu.Lock()
	s.h.sessions--
	s.h.mu.Unlock()
}

// BigString is n characters of a repeating pattern that includes a
// character outside the BMP, so that long values cross packets with
// surrogate pairs in them.
func BigString(n int) string {
	pat := []rune("abcdefghij0123456789€😀")
	r := make([]rune, n)
	for i := range r {
		r[i] = pat[i%len(pat)]
	}
	return string(r)
}

// Logger returns a logger that writes to the test's log, so server log
// lines show up next to the failure they explain.
func Logger(tb testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tbWriter{tb}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tbWriter struct{ tb testing.TB }

func (w tbWriter) Write(p []byte) (int, error) {
	w.tb.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Server is a tds.Server listening on 127.0.0.1.
type Server struct {
	*tds.Server
	Addr    string
	Handler *Handler
}

// Start runs a server with the fake engine (h may be nil for a new one) and
// DefaultAuth on a loopback port; it shuts down when the test ends.
func Start(tb testing.TB, cfg tds.Config, h *Handler) *Server {
	tb.Helper()
	if h == nil {
		h = NewHandler()
	}
	if cfg.Logger == nil {
		cfg.Logger = Logger(tb)
	}
	srv, err := tds.NewServer(cfg, DefaultAuth(), h)
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			tb.Errorf("shutdown: %v", err)
		}
		if err := <-done; !errors.Is(err, tds.ErrServerClosed) {
			tb.Errorf("serve: %v", err)
		}
	})
	return &Server{Server: srv, Addr: ln.Addr().String(), Handler: h}
}
