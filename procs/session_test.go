package procs

import (
	"context"
	"errors"
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/scripttest"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// shape renders the token stream compactly: C(olumns), R(ow), D/DP/DIP
// (DONE, DONEPROC, DONEINPROC with status and count), RS, RV, M(essage),
// E(nvChange).
func shape(r *recorder) []string {
	var out []string
	for _, t := range r.Tokens {
		switch x := t.(type) {
		case []tds.Column:
			out = append(out, "C")
		case []any:
			out = append(out, "R")
		case tds.Done:
			k := map[tds.DoneKind]string{tds.DoneStatement: "D", tds.DoneProc: "DP", tds.DoneInProc: "DIP"}[x.Kind]
			if x.Status&tds.DoneCount != 0 {
				k += "#"
			}
			if x.Status&tds.DoneError != 0 {
				k += "!"
			}
			out = append(out, k)
		case scripttest.ReturnStatus:
			out = append(out, "RS")
		case tds.ReturnValue:
			out = append(out, "RV:"+x.Name)
		case tds.Message:
			out = append(out, "M")
		case tds.EnvChange:
			out = append(out, "E")
		}
	}
	return out
}

func TestTokenShapes(t *testing.T) {
	tests := []struct {
		name  string
		setup string
		sql   string
		want  []string
	}{
		{"one DONE per statement, none for DECLARE", "", "DECLARE @a int\nSET @a = 1\nSELECT @a", []string{"D", "C", "R", "D#"}},
		{"EXEC in a batch", "CREATE PROCEDURE p AS BEGIN SELECT 1 SELECT 2 END", "EXEC p",
			[]string{"C", "R", "DIP#", "C", "R", "DIP#", "RS", "DP"}},
		{"NOCOUNT drops the counts", "CREATE PROCEDURE q AS BEGIN SET NOCOUNT ON SELECT 1 END", "EXEC q",
			[]string{"DIP", "C", "R", "DIP", "RS", "DP"}},
		{"failed statement", "", "SELECT 1\nRAISERROR('x', 16, 1)", []string{"C", "R", "D#", "M", "D!"}},
		{"compile error", "", "SELECT @x", []string{"M", "D!"}},
		{"a caught error still ends its statement's result set", "",
			"BEGIN TRY SELECT 1/0 END TRY BEGIN CATCH SELECT ERROR_NUMBER() END CATCH", []string{"C", "D", "C", "R", "D#"}},
		{"a caught error with no result set adds no DONE", "",
			"DECLARE @x int\nBEGIN TRY SET @x = 1/0 END TRY BEGIN CATCH SELECT 1 END CATCH", []string{"C", "R", "D#"}},
		{"a caught error inside a procedure", "CREATE PROCEDURE z AS BEGIN TRY SELECT 1/0 END TRY BEGIN CATCH SELECT 2 END CATCH", "EXEC z",
			[]string{"C", "DIP", "C", "R", "DIP#", "RS", "DP"}},
		{"transaction ENVCHANGEs", "", "BEGIN TRAN\nCOMMIT", []string{"E", "D", "E", "D"}},
		{"empty batch still ends with DONE", "", "-- nothing", []string{"D"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSession(t, Config{})
			if tt.setup != "" {
				if _, err := runBatch(t, s, tt.setup); err != nil {
					t.Fatal(err)
				}
			}
			r, err := runBatch(t, s, tt.sql)
			if err != nil {
				t.Fatal(err)
			}
			if got := shape(r); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("tokens = %v, want %v", got, tt.want)
			}
		})
	}
}

func nvParam(name, v string) tds.Param {
	return tds.Param{Name: name, Type: tds.TypeInfo{ID: tds.TypeNVarChar, Size: 2 * len(v)}, Value: v}
}

func intParam(name string, v any, out bool) tds.Param {
	return tds.Param{Name: name, Type: tds.TypeInfo{ID: tds.TypeIntN, Size: 4}, Value: v, Output: out}
}

func TestRPC(t *testing.T) {
	ctx := context.Background()
	s := testSession(t, Config{})
	if _, err := runBatch(t, s, "CREATE PROCEDURE dbo.twice @x int, @y int OUTPUT AS BEGIN SET @y = @x * 2 RETURN 3 END"); err != nil {
		t.Fatal(err)
	}
	run := func(req *tds.RPCRequest) *recorder {
		t.Helper()
		r := &recorder{}
		if err := s.RPC(ctx, req, r); err != nil {
			t.Fatal(err)
		}
		return r
	}

	// RPC by name with an OUTPUT parameter and a return status.
	r := run(&tds.RPCRequest{Name: "dbo.twice", Params: []tds.Param{intParam("@x", int64(21), false), intParam("@y", nil, true)}})
	if got := shape(r); !reflect.DeepEqual(got, []string{"DIP", "RS", "RV:@y", "DP"}) {
		t.Fatalf("tokens %v", got)
	}
	rv := r.Tokens[2].(tds.ReturnValue)
	if rv.Value != int64(42) || rv.Ordinal != 1 || int32(r.Tokens[1].(scripttest.ReturnStatus)) != 3 {
		t.Fatalf("return value %+v status %v", rv, r.Tokens[1])
	}

	// sp_executesql as go-mssqldb sends it: two unnamed then @p1.
	r = run(&tds.RPCRequest{ProcID: tds.ProcExecuteSQL, Params: []tds.Param{
		nvParam("", "select @p1 + 1"), nvParam("", "@p1 bigint"), {Name: "@p1", Type: tds.TypeInfo{ID: tds.TypeIntN, Size: 8}, Value: int64(41)}}})
	if o := r.Outcome(); len(o.Errors) > 0 || o.Results[0][0][0] != "42" {
		t.Fatalf("go-mssqldb sp_executesql: %+v", o)
	}
	// ... and as tedious sends it: named @statement/@params.
	r = run(&tds.RPCRequest{ProcID: tds.ProcExecuteSQL, Params: []tds.Param{
		nvParam("@statement", "select @a"), nvParam("@params", "@a int"), intParam("@a", int64(7), false)}})
	if o := r.Outcome(); len(o.Errors) > 0 || o.Results[0][0][0] != "7" {
		t.Fatalf("tedious sp_executesql: %+v", o)
	}

	// FreeTDS ODBC: sp_prepexec with NTEXT declarations and statement,
	// then sp_execute and sp_unprepare on the handle.
	ntext := func(v string) tds.Param {
		return tds.Param{Type: tds.TypeInfo{ID: tds.TypeNText, Size: 0x7FFFFFFF}, Value: v}
	}
	r = run(&tds.RPCRequest{ProcID: tds.ProcPrepExec, Params: []tds.Param{
		intParam("@handle", nil, true), ntext("@P1 INT,@P2 NVARCHAR(4)"), ntext("select @P1, @P2"),
		intParam("", int64(5), false), nvParam("", "abcd")}})
	o := r.Outcome()
	if len(o.Errors) > 0 || !reflect.DeepEqual(o.Results, [][][]string{{{"5", "abcd"}}}) {
		t.Fatalf("sp_prepexec: %+v", o)
	}
	var handle any
	for _, tok := range r.Tokens {
		if rv, ok := tok.(tds.ReturnValue); ok && rv.Name == "@handle" {
			handle = rv.Value
		}
	}
	if handle == nil {
		t.Fatalf("no handle in %v", shape(r))
	}
	r = run(&tds.RPCRequest{ProcID: tds.ProcExecute, Params: []tds.Param{intParam("", handle, false), intParam("", int64(6), false), nvParam("", "x")}})
	if o := r.Outcome(); !reflect.DeepEqual(o.Results, [][][]string{{{"6", "x"}}}) {
		t.Fatalf("sp_execute: %+v", o)
	}
	run(&tds.RPCRequest{ProcID: tds.ProcUnprepare, Params: []tds.Param{intParam("", handle, false)}})
	r = run(&tds.RPCRequest{ProcID: tds.ProcExecute, Params: []tds.Param{intParam("", handle, false)}})
	if o := r.Outcome(); len(o.Errors) != 1 || o.Errors[0].Number != 8179 {
		t.Fatalf("execute after unprepare: %+v", o)
	}

	// Cursor procedures answer a clear error.
	r = run(&tds.RPCRequest{ProcID: tds.ProcCursorOpen})
	if o := r.Outcome(); len(o.Errors) != 1 || o.Errors[0].Number != 40517 || o.Errors[0].Text != "Keyword or statement option 'sp_cursoropen' is not supported in this version of SQL Server." {
		t.Fatalf("cursor: %+v", o)
	}

	// A binding error by RPC names the callee.
	r = run(&tds.RPCRequest{Name: "dbo.twice"})
	if o := r.Outcome(); len(o.Errors) != 1 || o.Errors[0].Number != 201 || o.Errors[0].Proc != "dbo.twice" {
		t.Fatalf("binding: %+v", o)
	}
	if got := shape(r); !reflect.DeepEqual(got, []string{"M", "DP!"}) {
		t.Fatalf("binding tokens %v", got)
	}
}

func TestDatatypeInfo(t *testing.T) {
	s := testSession(t, Config{})
	for _, q := range []string{"sp_datatype_info_100 12,3", "sp_datatype_info_100 -9,3", "sp_datatype_info_100 -3,3", "sp_datatype_info_100 93,3"} {
		r, err := runBatch(t, s, q)
		if err != nil {
			t.Fatal(err)
		}
		o := r.Outcome()
		if len(o.Errors) > 0 || len(o.Results) != 1 || len(o.Results[0]) == 0 || len(o.Columns[0]) != 20 || o.Columns[0][0] != "TYPE_NAME" {
			t.Fatalf("%s: %+v", q, o)
		}
	}
}

func TestTransMgr(t *testing.T) {
	ctx := context.Background()
	s := testSession(t, Config{})
	r := &recorder{}
	if err := s.TransMgr(ctx, &tds.TransMgrRequest{Kind: tds.TMBegin}, r); err != nil {
		t.Fatal(err)
	}
	begin := r.Tokens[0].(tds.EnvChange)
	if begin.Type != tds.EnvBeginTran || begin.Descriptor == 0 || s.tran.count != 1 {
		t.Fatalf("begin: %+v count %d", begin, s.tran.count)
	}
	r = &recorder{}
	if err := s.TransMgr(ctx, &tds.TransMgrRequest{Kind: tds.TMRollback}, r); err != nil {
		t.Fatal(err)
	}
	rb := r.Tokens[0].(tds.EnvChange)
	if rb.Type != tds.EnvRollbackTran || rb.Descriptor != begin.Descriptor || s.tran.count != 0 {
		t.Fatalf("rollback: %+v", rb)
	}
	r = &recorder{}
	if err := s.TransMgr(ctx, &tds.TransMgrRequest{Kind: tds.TMCommit}, r); err != nil {
		t.Fatal(err)
	}
	if o := r.Outcome(); len(o.Errors) != 1 || o.Errors[0].Number != 3902 {
		t.Fatalf("commit without tran: %+v", o)
	}
}

func TestResetConnection(t *testing.T) {
	ctx := context.Background()
	s := testSession(t, Config{})
	if _, err := runBatch(t, s, "USE SSISDB\nSET NOCOUNT ON\nSET XACT_ABORT ON\nBEGIN TRAN"); err != nil {
		t.Fatal(err)
	}
	if err := s.Reset(ctx, false); err != nil {
		t.Fatal(err)
	}
	r, _ := runBatch(t, s, "SELECT DB_NAME(), @@TRANCOUNT, @@OPTIONS")
	if o := r.Outcome(); !reflect.DeepEqual(o.Results, [][][]string{{{"master", "0", "5432"}}}) {
		t.Fatalf("after reset: %+v", o.Results)
	}
}

func TestOpenUnknownDatabase(t *testing.T) {
	e := New(Config{})
	_, _, err := e.Open(context.Background(), &tds.Login{UserName: "sa", Database: "[nodb]"})
	var m *tds.Message
	if !errors.As(err, &m) || m.Number != 4060 || m.Text != `Cannot open database "[nodb]" requested by the login. The login failed.` {
		t.Fatalf("open: %v", err)
	}
	_, res, err := e.Open(context.Background(), &tds.Login{UserName: "sa", Database: "ssisdb"})
	if err != nil || res.Database != "SSISDB" || res.Language != "us_english" {
		t.Fatalf("open SSISDB: %v %+v", err, res)
	}
}

// TestWaitforOnTheFakeClock: WAITFOR DELAY waits on the injected clock and
// an ATTENTION (ctx) cancels it.
func TestWaitforOnTheFakeClock(t *testing.T) {
	fake := clock.NewFake(time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC))
	s := testSession(t, Config{Clock: fake})
	done := make(chan *recorder)
	changed := fake.Changed()
	go func() {
		r, _ := runBatch(t, s, "WAITFOR DELAY '00:00:05'\nSELECT 1")
		done <- r
	}()
	<-changed // the WAITFOR has scheduled its timer
	fake.Advance(4 * time.Second)
	select {
	case <-done:
		t.Fatal("WAITFOR returned early")
	default:
	}
	fake.Advance(time.Second)
	r := <-done
	if o := r.Outcome(); !reflect.DeepEqual(o.Results, [][][]string{{{"1"}}}) {
		t.Fatalf("after wait: %+v", o)
	}

	ctx, cancel := context.WithCancelCause(context.Background())
	changed = fake.Changed()
	errc := make(chan error)
	go func() {
		errc <- s.Batch(ctx, "WAITFOR DELAY '01:00'\nSELECT 2", &recorder{})
	}()
	<-changed
	cancel(errors.New("attention"))
	if err := <-errc; err != nil {
		t.Fatalf("cancelled batch: %v", err)
	}
	if fake.Pending() != 0 {
		t.Fatal("the cancelled WAITFOR left its timer")
	}
}

// TestFatalError: severity 20+ (sysadmin, WITH LOG) sends the error and
// closes the connection; without WITH LOG it is 2754.
func TestFatalError(t *testing.T) {
	s := testSession(t, Config{})
	r, err := runBatch(t, s, "BEGIN TRAN\nRAISERROR('fatal error', 20, 1) WITH LOG\nPRINT 'not reached'")
	if !errors.Is(err, errFatal) {
		t.Fatalf("err = %v", err)
	}
	o := r.Outcome()
	if len(o.Errors) != 1 || o.Errors[0].Number != 50000 || len(o.Infos) != 0 || s.tran.count != 0 {
		t.Fatalf("outcome %+v trancount %d", o, s.tran.count)
	}
	r, err = runBatch(t, s, "RAISERROR('x', 20, 1)")
	if err != nil {
		t.Fatal(err)
	}
	if o := r.Outcome(); len(o.Errors) != 1 || o.Errors[0].Number != 2754 {
		t.Fatalf("without WITH LOG: %+v", o)
	}
}

// TestResultMetadata: column names (empty for an unnamed expression),
// types, lengths and nullability as SQL Server describes them.
func TestResultMetadata(t *testing.T) {
	s := testSession(t, Config{})
	r, err := runBatch(t, s, "DECLARE @v sysname = N'x', @d decimal(9,2)\nSELECT 1, N'abc' AS n, 'ab', @v AS v, CAST(1 AS decimal), @d, NULL, CAST(N'x' AS nvarchar(max)), XACT_STATE(), @@SPID, SERVERPROPERTY('Edition')")
	if err != nil {
		t.Fatal(err)
	}
	cols := r.Tokens[0].([]tds.Column)
	coll := tds.DefaultCollation
	want := []tds.Column{
		{Name: "", Type: tds.TypeInfo{ID: tds.TypeIntN, Size: 4}},
		{Name: "n", Type: tds.TypeInfo{ID: tds.TypeNVarChar, Size: 6, Collation: coll}},
		{Name: "", Type: tds.TypeInfo{ID: tds.TypeBigVarChar, Size: 2, Collation: coll}},
		{Name: "v", Type: tds.TypeInfo{ID: tds.TypeNVarChar, Size: 256, Collation: coll}, Nullable: true},
		{Name: "", Type: tds.TypeInfo{ID: tds.TypeDecimalN, Size: 9, Precision: 18}},
		{Name: "", Type: tds.TypeInfo{ID: tds.TypeDecimalN, Size: 5, Precision: 9, Scale: 2}, Nullable: true},
		{Name: "", Type: tds.TypeInfo{ID: tds.TypeIntN, Size: 4}, Nullable: true},
		{Name: "", Type: tds.TypeInfo{ID: tds.TypeNVarChar, Size: tds.MaxSize, Collation: coll}},
		{Name: "", Type: tds.TypeInfo{ID: tds.TypeIntN, Size: 2}, Nullable: true},
		{Name: "", Type: tds.TypeInfo{ID: tds.TypeIntN, Size: 2}, Nullable: true},
		{Name: "", Type: tds.TypeInfo{ID: tds.TypeVariant, Size: 8009}, Nullable: true},
	}
	if !reflect.DeepEqual(cols, want) {
		for i := range want {
			if i < len(cols) && cols[i] != want[i] {
				t.Errorf("column %d = %+v, want %+v", i, cols[i], want[i])
			}
		}
		if len(cols) != len(want) {
			t.Errorf("%d columns, want %d", len(cols), len(want))
		}
	}
}

// TestAttentionStopsALoop: a cancelled request stops between statements.
func TestAttentionStopsALoop(t *testing.T) {
	s := testSession(t, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	w := &cancelAfter{n: 1000, cancel: cancel}
	if err := s.Batch(ctx, "WHILE 1 = 1 SELECT 1", w); err != nil {
		t.Fatal(err)
	}
	if w.rows < 1000 || w.rows > 1010 {
		t.Fatalf("rows after cancel: %d", w.rows)
	}
	// The session is usable afterwards.
	r, _ := runBatch(t, s, "SELECT 2")
	if o := r.Outcome(); len(o.Results) != 1 || o.Results[0][0][0] != "2" {
		t.Fatalf("after attention: %+v", o)
	}
}

type cancelAfter struct {
	discard
	n, rows int
	cancel  func()
}

func (c *cancelAfter) Row([]any) error {
	c.rows++
	if c.rows == c.n {
		c.cancel()
	}
	return nil
}

func TestUnknownFunction(t *testing.T) {
	s := testSession(t, Config{})
	r, _ := runBatch(t, s, "PRINT 'x'\nSELECT nosuchfunc(1)")
	if o := r.Outcome(); len(o.Errors) != 1 || o.Errors[0].Number != 195 || o.Errors[0].Text != "'nosuchfunc' is not a recognized built-in function name." || len(o.Infos) != 0 {
		t.Fatalf("%+v", o)
	}
}

var loginForFuzz = tds.Login{UserName: "sa", SPID: 99}

// TestExecuteSQLOutputByRPC: go-mssqldb's sql.Out on sp_executesql comes
// back as a RETURNVALUE named after the statement parameter.
func TestExecuteSQLOutputByRPC(t *testing.T) {
	s := testSession(t, Config{})
	r := &recorder{}
	err := s.RPC(context.Background(), &tds.RPCRequest{ProcID: tds.ProcExecuteSQL, Params: []tds.Param{
		nvParam("", "SET @out = @in + 1"), nvParam("", "@in int, @out bigint OUTPUT"),
		intParam("@in", int64(41), false),
		{Name: "@out", Type: tds.TypeInfo{ID: tds.TypeIntN, Size: 8}, Output: true},
	}}, r)
	if err != nil {
		t.Fatal(err)
	}
	var got *tds.ReturnValue
	for _, tok := range r.Tokens {
		if rv, ok := tok.(tds.ReturnValue); ok {
			got = &rv
		}
	}
	if got == nil || got.Name != "@out" || got.Value != int64(42) || got.Ordinal != 3 || got.Type.Size != 8 {
		t.Fatalf("return value %+v, tokens %v", got, shape(r))
	}
}

// TestWaitforTime: WAITFOR TIME waits for the clock time on the injected
// clock.
func TestWaitforTime(t *testing.T) {
	fake := clock.NewFake(time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC))
	s := testSession(t, Config{Clock: fake})
	done := make(chan *recorder)
	changed := fake.Changed()
	go func() {
		r, _ := runBatch(t, s, "WAITFOR TIME '12:00:10'\nSELECT 1")
		done <- r
	}()
	<-changed
	fake.Advance(9 * time.Second)
	select {
	case <-done:
		t.Fatal("WAITFOR TIME returned early")
	default:
	}
	fake.Advance(time.Second)
	if o := (<-done).Outcome(); len(o.Results) != 1 {
		t.Fatalf("after WAITFOR TIME: %+v", o)
	}
}

// TestDuplicateKeyAnd3621: a statement-ending error of a DML statement
// adds 3621 and leaves @@ERROR for the next statement.
func TestDuplicateKeyAnd3621(t *testing.T) {
	s := testSession(t, Config{})
	r, err := runBatch(t, s, "CREATE TABLE t (a int CONSTRAINT PK_t PRIMARY KEY)\nINSERT INTO t VALUES (1)\nINSERT INTO t VALUES (1)\nSELECT @@ERROR")
	if err != nil {
		t.Fatal(err)
	}
	o := r.Outcome()
	if len(o.Errors) != 1 || o.Errors[0].Number != 2627 || o.Errors[0].Line != 3 ||
		o.Errors[0].Text != "Violation of PRIMARY KEY constraint 'PK_t'. Cannot insert duplicate key in object 'dbo.t'. The duplicate key value is (1)." ||
		!reflect.DeepEqual(o.Infos, []string{"The statement has been terminated."}) ||
		!reflect.DeepEqual(o.Results, [][][]string{{{"2627"}}}) {
		t.Fatalf("%+v", o)
	}
}

func TestFitColumn(t *testing.T) {
	dec := sqltype.NewDecimal(big.NewInt(15), 18, 1) // 1.5
	got := fitColumn(sqltype.DecimalPS(18, 2), dec)
	if got.Type().Scale != 2 || got.Unscaled().Int64() != 150 {
		t.Fatalf("decimal rescaled to %#v", got)
	}
	s := sqltype.NewNVarChar("abc")
	if fitColumn(sqltype.TSysname, s).GoString() != s.GoString() {
		t.Fatal("a string of another length was converted")
	}
	if v := fitColumn(sqltype.TBigInt, sqltype.NewInt(7)); v.Kind() != sqltype.BigInt || v.Int64() != 7 {
		t.Fatalf("int into bigint column: %#v", v)
	}
}
