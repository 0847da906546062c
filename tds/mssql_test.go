package tds_test

import (
	"context"
	"crypto/tls"
	"database/sql"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-sql/civil"
	mssql "github.com/microsoft/go-mssqldb"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds/tdstest"
)

// testCert is one self-signed certificate for the whole test binary.
var testCert = sync.OnceValue(func() *tls.Certificate {
	c, err := tds.SelfSignedCertificate("localhost")
	if err != nil {
		panic(err)
	}
	return &c
})

// certFile writes the test certificate as PEM for clients that verify it.
func certFile(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "server.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: testCert().Certificate[0]})
	if err := os.WriteFile(path, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// dsn builds a go-mssqldb URL for the fake's login.
func dsn(addr string, params ...string) string {
	u := url.URL{Scheme: "sqlserver", User: url.UserPassword(tdstest.User, tdstest.Password), Host: addr}
	q := url.Values{}
	q.Set("database", "master")
	for i := 0; i+1 < len(params); i += 2 {
		q.Set(params[i], params[i+1])
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func openDB(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlserver", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// encryptionModes are the ways go-mssqldb can reach the server.
var encryptionModes = []struct {
	name      string
	tls       tds.TLSMode
	params    []string
	encrypted bool // the session (not only the login) runs over TLS
}{
	{"plaintext", tds.TLSOff, nil, false},
	{"encrypt=true", tds.TLSOn, []string{"encrypt", "true", "TrustServerCertificate", "true"}, true},
	{"login-only TLS", tds.TLSOn, nil, false},
	{"encrypt=strict", tds.TLSOn, []string{"encrypt", "strict", "certificate", "$CERT"}, true},
	{"TLS required, client default", tds.TLSRequired, nil, true},
}

func TestGoMSSQL(t *testing.T) {
	for _, mode := range encryptionModes {
		t.Run(mode.name, func(t *testing.T) {
			cfg := tds.Config{TLS: mode.tls, Certificate: testCert()}
			srv := tdstest.Start(t, cfg, nil)
			params := append([]string(nil), mode.params...)
			for i := range params {
				if params[i] == "$CERT" {
					params[i] = certFile(t)
				}
			}
			db := openDB(t, dsn(srv.Addr, params...))
			ctx := context.Background()
			if err := db.PingContext(ctx); err != nil {
				t.Fatalf("ping: %v", err)
			}
			logins := srv.Handler.Logins()
			if len(logins) == 0 || logins[0].Encrypted != mode.encrypted {
				t.Fatalf("session encryption: logins %v, want encrypted=%v", logins, mode.encrypted)
			}
			if tlsUsed := srv.Stats().TLSHandshakes > 0; tlsUsed != (mode.tls != tds.TLSOff) {
				t.Fatalf("TLS handshakes %d with TLS mode %s", srv.Stats().TLSHandshakes, mode.tls)
			}
			t.Run("types", func(t *testing.T) { testTypesResult(t, db) })
			t.Run("nulls", func(t *testing.T) { testNullsResult(t, db) })
			t.Run("sp_executesql", func(t *testing.T) { testExecuteSQLParams(t, db) })
			t.Run("rpc by name", func(t *testing.T) { testRPCOutput(t, db) })
			t.Run("transactions", func(t *testing.T) { testTransactions(t, db, srv.Handler) })
			t.Run("cancel", func(t *testing.T) { testCancel(t, srv) })
			t.Run("errors", func(t *testing.T) { testErrors(t, db) })
			t.Run("large", func(t *testing.T) { testLarge(t, db) })
		})
	}
}

func TestGoMSSQLRefusedWithoutEncryption(t *testing.T) {
	srv := tdstest.Start(t, tds.Config{TLS: tds.TLSRequired, Certificate: testCert()}, nil)
	db := openDB(t, dsn(srv.Addr, "encrypt", "disable"))
	if err := db.Ping(); err == nil {
		t.Fatal("a client that will not encrypt logged in to a server that requires it")
	}
	if n := len(srv.Handler.Logins()); n != 0 {
		t.Fatalf("%d sessions opened", n)
	}
}

func TestGoMSSQLEncryptAgainstPlainServer(t *testing.T) {
	srv := tdstest.Start(t, tds.Config{}, nil)
	db := openDB(t, dsn(srv.Addr, "encrypt", "true", "TrustServerCertificate", "true"))
	err := db.Ping()
	if err == nil || !strings.Contains(err.Error(), "encryption") {
		t.Fatalf("encrypt=true against a plaintext server: %v", err)
	}
}

func TestGoMSSQLSelfSignedNeedsTrust(t *testing.T) {
	srv := tdstest.Start(t, tds.Config{TLS: tds.TLSOn, Certificate: testCert()}, nil)
	db := openDB(t, dsn(srv.Addr, "encrypt", "true"))
	if err := db.Ping(); err == nil {
		t.Fatal("an untrusted self-signed certificate was accepted")
	}
}

// driverValue is what go-mssqldb hands back for a value of the fake's
// TypesRow.
func driverValue(col tds.Column, v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case tds.Decimal:
		return []byte(decimalString(x, col.Type.Scale))
	case [16]byte:
		return []byte{x[3], x[2], x[1], x[0], x[5], x[4], x[7], x[6], x[8], x[9], x[10], x[11], x[12], x[13], x[14], x[15]}
	case tds.Variant:
		return driverValue(tds.Column{Type: x.Type}, x.Value)
	case int64:
		if col.Type.ID == tds.TypeMoneyN {
			return []byte(decimalString(tds.Decimal{Neg: x < 0, Lo: uint64(abs(x))}, 4))
		}
	case string:
		if col.Type.ID == tds.TypeBigChar {
			return x + strings.Repeat(" ", col.Type.Size-len(x))
		}
	}
	return v
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// decimalString formats a decimal the way go-mssqldb does.
func decimalString(d tds.Decimal, scale uint8) string {
	var digits []byte
	hi, lo := d.Hi, d.Lo
	for hi != 0 || lo != 0 {
		// divide the 128-bit magnitude by 10
		qh := hi / 10
		r := hi % 10
		var ql uint64
		rem := r
		for i := 63; i >= 0; i-- {
			rem = rem<<1 | (lo>>uint(i))&1
			ql <<= 1
			if rem >= 10 {
				rem -= 10
				ql |= 1
			}
		}
		digits = append(digits, byte('0'+rem))
		hi, lo = qh, ql
	}
	for len(digits) <= int(scale) {
		digits = append(digits, '0')
	}
	var b strings.Builder
	if d.Neg {
		b.WriteByte('-')
	}
	for i := len(digits) - 1; i >= 0; i-- {
		b.WriteByte(digits[i])
		if i == int(scale) && scale > 0 {
			b.WriteByte('.')
		}
	}
	return b.String()
}

func equalValue(got, want any) bool {
	if tg, ok := got.(time.Time); ok {
		tw, ok := want.(time.Time)
		if !ok {
			return false
		}
		_, og := tg.Zone()
		_, ow := tw.Zone()
		return tg.Equal(tw) && og == ow
	}
	return reflect.DeepEqual(got, want)
}

func scanRow(t *testing.T, rows *sql.Rows) []any {
	t.Helper()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	return vals
}

func testTypesResult(t *testing.T, db *sql.DB) {
	rows, err := db.Query("types")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	names, _ := rows.Columns()
	cols := tdstest.TypesColumns()
	if len(names) != len(cols) {
		t.Fatalf("%d columns, want %d", len(names), len(cols))
	}
	types, _ := rows.ColumnTypes()
	if !rows.Next() {
		t.Fatalf("no row: %v", rows.Err())
	}
	got := scanRow(t, rows)
	for i, v := range tdstest.TypesRow() {
		if names[i] != cols[i].Name {
			t.Errorf("column %d named %q, want %q", i, names[i], cols[i].Name)
		}
		if nullable, ok := types[i].Nullable(); ok && nullable != cols[i].Nullable {
			t.Errorf("%s: nullable %v", cols[i].Name, nullable)
		}
		if want := driverValue(cols[i], v); !equalValue(got[i], want) {
			t.Errorf("%s: got %#v (%T), want %#v", cols[i].Name, got[i], got[i], want)
		}
	}
	if rows.Next() {
		t.Error("more than one row")
	}
	if err := rows.Err(); err != nil {
		t.Error(err)
	}
}

func testNullsResult(t *testing.T, db *sql.DB) {
	rows, err := db.Query("nulls")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatalf("no row: %v", rows.Err())
	}
	got := scanRow(t, rows)
	for i, c := range tdstest.TypesColumns() {
		if c.Nullable && got[i] != nil {
			t.Errorf("%s: got %#v, want NULL", c.Name, got[i])
		}
		if !c.Nullable && got[i] == nil {
			t.Errorf("%s: NOT NULL column came back NULL", c.Name)
		}
	}
}

func testExecuteSQLParams(t *testing.T, db *sql.DB) {
	guid := mssql.UniqueIdentifier{0x6F, 0x96, 0x19, 0xFF, 0x8B, 0x86, 0xD0, 0x11, 0xB4, 0x2D, 0x00, 0xC0, 0x4F, 0xC9, 0x64, 0xFF}
	guidWire, _ := guid.Value()
	dto := time.Date(2023, 7, 1, 12, 30, 45, 123456700, time.FixedZone("", 2*3600))
	long := tdstest.BigString(6000)
	cases := []struct {
		name string
		arg  any
		want any // as go-mssqldb reads it back
	}{
		{"bigint", int64(-9007199254740993), int64(-9007199254740993)},
		{"int", int32(-123456), int64(-123456)},
		{"smallint", int16(-1234), int64(-1234)},
		{"tinyint", uint8(250), int64(250)},
		{"float", 3.141592653589793, 3.141592653589793},
		{"real", float32(2.5), 2.5},
		{"bit", true, true},
		{"nvarchar", "héllo wörld 😀", "héllo wörld 😀"},
		{"empty nvarchar(max)", "", ""},
		{"long nvarchar(max)", long, long},
		{"null", nil, nil},
		{"varbinary", []byte{0, 1, 2, 0xFF}, []byte{0, 1, 2, 0xFF}},
		{"datetimeoffset", dto, dto},
		{"datetime", mssql.DateTime1(time.Date(2001, 2, 3, 4, 5, 6, 7000000, time.UTC)), time.Date(2001, 2, 3, 4, 5, 6, 7000000, time.UTC)},
		{"date", civil.Date{Year: 2024, Month: 2, Day: 29}, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"datetime2", civil.DateTime{Date: civil.Date{Year: 1, Month: 1, Day: 1}, Time: civil.Time{Hour: 23, Minute: 59, Second: 59, Nanosecond: 999999900}},
			time.Date(1, 1, 1, 23, 59, 59, 999999900, time.UTC)},
		{"time", civil.Time{Hour: 13, Minute: 14, Second: 15, Nanosecond: 100}, time.Date(1, 1, 1, 13, 14, 15, 100, time.UTC)},
		{"uniqueidentifier", guid, guidWire},
		// go-mssqldb sends varchar as raw UTF-8 bytes with a zero collation,
		// which a server reads in its code page; ASCII is what survives.
		{"varchar", mssql.VarChar("plain ascii"), "plain ascii"},
		{"varchar(max)", mssql.VarCharMax("déjà vu"), "dÃ©jÃ\u00a0 vu"},
		{"nvarchar(max)", mssql.NVarCharMax("max ünïcode"), "max ünïcode"},
		{"nchar", mssql.NChar("nç"), "nç"},
	}
	args := make([]any, len(cases))
	placeholders := make([]string, len(cases))
	for i, c := range cases {
		args[i] = c.arg
		placeholders[i] = fmt.Sprintf("@p%d", i+1)
	}
	rows, err := db.Query("select "+strings.Join(placeholders, ", "), args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatalf("no row: %v", rows.Err())
	}
	got := scanRow(t, rows)
	for i, c := range cases {
		if !equalValue(got[i], c.want) {
			t.Errorf("%s: got %#v (%T), want %#v", c.name, got[i], got[i], c.want)
		}
	}
	// A named parameter keeps its name as the column name.
	var v int64
	if err := db.QueryRow("select @n", sql.Named("n", int64(77))).Scan(&v); err != nil || v != 77 {
		t.Errorf("named parameter: %d, %v", v, err)
	}
}

func testRPCOutput(t *testing.T, db *sql.DB) {
	ctx := context.Background()
	var (
		n  int64 = 41
		s        = "out"
		rs mssql.ReturnStatus
	)
	rows, err := db.QueryContext(ctx, "dbo.bump",
		sql.Named("in", "input value"),
		sql.Named("n", sql.Out{Dest: &n}),
		sql.Named("s", sql.Out{Dest: &s}),
		&rs)
	if err != nil {
		t.Fatal(err)
	}
	if !rows.Next() {
		t.Fatalf("no row: %v", rows.Err())
	}
	got := scanRow(t, rows)
	if got[0] != "input value" || got[1] != int64(41) || got[2] != "out" {
		t.Errorf("echoed row %#v", got)
	}
	for rows.Next() {
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if n != 42 || s != "out+" || rs != 42 {
		t.Errorf("outputs: n=%d s=%q status=%d; want 42, \"out+\", 42", n, s, rs)
	}
	// Exec path: outputs and status without reading rows.
	n, rs = 1, 0
	if _, err := db.ExecContext(ctx, "bump", sql.Named("n", sql.Out{Dest: &n}), &rs); err != nil {
		t.Fatal(err)
	}
	if n != 2 || rs != 42 {
		t.Errorf("exec outputs: n=%d status=%d", n, rs)
	}
	// An error raised in a procedure carries its name and line.
	_, err = db.ExecContext(ctx, "raise")
	var me mssql.Error
	if !errors.As(err, &me) || me.Number != 50000 || me.ProcName != "raise" || me.LineNo != 3 || me.Class != 16 {
		t.Errorf("raise: %#v", err)
	}
}

func testTransactions(t *testing.T, db *sql.DB, h *tdstest.Handler) {
	ctx := context.Background()
	for _, commit := range []bool{true, false} {
		tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
		if err != nil {
			t.Fatal(err)
		}
		var v int64
		if err := tx.QueryRow("select @p1", int64(5)).Scan(&v); err != nil || v != 5 {
			t.Fatalf("query in transaction: %v", err)
		}
		// The RPC carried the transaction's descriptor.
		ev := h.Events()
		if last := lastWith(ev, "rpc:"); !strings.Contains(last, "@") {
			t.Errorf("RPC inside a transaction had no descriptor: %q", last)
		}
		if commit {
			err = tx.Commit()
		} else {
			err = tx.Rollback()
		}
		if err != nil {
			t.Fatalf("commit=%v: %v", commit, err)
		}
		var one int
		if err := db.QueryRow("select @p1", int64(1)).Scan(&one); err != nil {
			t.Fatal(err)
		}
		if last := lastWith(h.Events(), "rpc:"); strings.Contains(last, "@") {
			t.Errorf("RPC after the transaction still had a descriptor: %q", last)
		}
	}
}

func lastWith(ev []string, prefix string) string {
	for i := len(ev) - 1; i >= 0; i-- {
		if strings.HasPrefix(ev[i], prefix) {
			return ev[i]
		}
	}
	return ""
}

func testCancel(t *testing.T, srv *tdstest.Server) {
	db := openDB(t, dsn(srv.Addr))
	db.SetMaxOpenConns(1)
	var spid1 int
	if err := db.QueryRow("select @@spid").Scan(&spid1); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"wait", "waitrows"} {
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-srv.Handler.Signals
			cancel()
		}()
		rows, err := db.QueryContext(ctx, cmd)
		if err == nil {
			for rows.Next() {
			}
			err = rows.Err()
			rows.Close()
		}
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: cancelled query returned %v", cmd, err)
		}
		cancel()
		// The same pooled connection answers the next query.
		var spid2, one int
		if err := db.QueryRow("select @@spid").Scan(&spid2); err != nil {
			t.Fatalf("%s: after cancel: %v", cmd, err)
		}
		if err := db.QueryRow("select 1").Scan(&one); err != nil || one != 1 {
			t.Fatalf("%s: after cancel: %v", cmd, err)
		}
		if spid2 != spid1 {
			t.Errorf("%s: connection was replaced (spid %d, then %d)", cmd, spid1, spid2)
		}
	}
}

func testErrors(t *testing.T, db *sql.DB) {
	_, err := db.Exec("error")
	var me mssql.Error
	if !errors.As(err, &me) || me.Number != 50000 || me.Class != 16 || me.State != 1 || me.Message != "fake error" {
		t.Fatalf("error: %#v", err)
	}
	if me.ServerName == "" {
		t.Error("error without a server name")
	}
	// The connection is fine afterwards.
	var one int
	if err := db.QueryRow("select 1").Scan(&one); err != nil {
		t.Fatal(err)
	}
}

func testLarge(t *testing.T, db *sql.DB) {
	var s string
	if err := db.QueryRow("big 100000").Scan(&s); err != nil {
		t.Fatal(err)
	}
	if s != tdstest.BigString(100000) {
		t.Errorf("100000-character value came back with %d characters", len([]rune(s)))
	}
	rows, err := db.Query("rows 20000")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var i int
		var s string
		if err := rows.Scan(&i, &s); err != nil {
			t.Fatal(err)
		}
		if i != n || s != fmt.Sprintf("row %d", n) {
			t.Fatalf("row %d: %d %q", n, i, s)
		}
		n++
	}
	if err := rows.Err(); err != nil || n != 20000 {
		t.Fatalf("%d rows, %v", n, err)
	}
}
