package procs

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// TestCompiledTextsAreReused: the same text sent again runs its kept
// module, and what a statement finds when it runs (tables, their columns,
// the database, variables' values) is found again each time: only the
// compiling is kept.
func TestCompiledTextsAreReused(t *testing.T) {
	s := testSession(t, Config{})
	run := func(sql string) [][][]string {
		t.Helper()
		r, err := runBatch(t, s, sql)
		if err != nil {
			t.Fatal(err)
		}
		o := r.Outcome()
		if len(o.Errors) > 0 {
			t.Fatalf("%q: %+v", sql, o.Errors)
		}
		return o.Results
	}
	const sel = "SELECT * FROM #t"
	run("CREATE TABLE #t (a int); INSERT #t VALUES (1)")
	if got := run(sel); !reflect.DeepEqual(got, [][][]string{{{"1"}}}) {
		t.Fatalf("first run: %v", got)
	}
	mod := s.modules[moduleKey{text: sel}].mod
	if mod == nil {
		t.Fatal("the batch's module was not kept")
	}
	run("DROP TABLE #t; CREATE TABLE #t (a int, b nvarchar(5)); INSERT #t VALUES (2, N'x')")
	if got := run(sel); !reflect.DeepEqual(got, [][][]string{{{"2", "x"}}}) {
		t.Fatalf("after the table changed: %v", got)
	}
	if s.modules[moduleKey{text: sel}].mod != mod {
		t.Fatal("the module was compiled again")
	}
	const db = "SELECT DB_NAME()"
	first := run(db)
	run("USE tempdb")
	if got := run(db); reflect.DeepEqual(got, first) || got[0][0][0] != "tempdb" {
		t.Fatalf("DB_NAME() after USE tempdb: %v (before: %v)", got, first)
	}
}

// TestFailedCompilesAreNotKept: a text that does not compile reports its
// error each time it is sent.
func TestFailedCompilesAreNotKept(t *testing.T) {
	s := testSession(t, Config{})
	for i := range 2 {
		r, err := runBatch(t, s, "SELECT FROM WHERE")
		if err != nil {
			t.Fatal(err)
		}
		if o := r.Outcome(); len(o.Errors) != 1 || o.Errors[0].Number != 156 {
			t.Fatalf("run %d: %+v", i, o)
		}
	}
	if len(s.modules) != 0 {
		t.Fatalf("%d modules kept", len(s.modules))
	}
}

// TestExecuteSQLKeepsModulesPerDeclaration: sp_executesql's statement
// is compiled with its parameter declarations, so the same text declared
// differently is a different module, and each call binds its own values.
func TestExecuteSQLKeepsModulesPerDeclaration(t *testing.T) {
	s := testSession(t, Config{})
	call := func(decls string, arg tds.Param) string {
		t.Helper()
		r := &recorder{}
		err := s.RPC(context.Background(), &tds.RPCRequest{ProcID: tds.ProcExecuteSQL, Params: []tds.Param{
			nvParam("", "SELECT SQL_VARIANT_PROPERTY(@p, 'BaseType'), @p"), nvParam("", decls), arg}}, r)
		if err != nil {
			t.Fatal(err)
		}
		o := r.Outcome()
		if len(o.Errors) > 0 || len(o.Results) != 1 || len(o.Results[0]) != 1 {
			t.Fatalf("%s: %+v", decls, o)
		}
		return strings.Join(o.Results[0][0], " ")
	}
	for i := range 3 {
		if got, want := call("@p int", intParam("@p", int64(i), false)), fmt.Sprintf("int %d", i); got != want {
			t.Fatalf("@p int: %q, want %q", got, want)
		}
		if got, want := call("@p bigint", intParam("@p", int64(10+i), false)), fmt.Sprintf("bigint %d", 10+i); got != want {
			t.Fatalf("@p bigint: %q, want %q", got, want)
		}
	}
	if n := len(s.modules); n != 4 { // two declarations, two modules
		t.Fatalf("%d entries kept, want 4", n)
	}
}

// TestModuleCacheIsBounded: a session that sends ever new texts keeps at
// most moduleCacheSize of them, and none longer than maxCachedText.
func TestModuleCacheIsBounded(t *testing.T) {
	s := testSession(t, Config{})
	for i := range 3 * moduleCacheSize {
		if _, err := runBatch(t, s, fmt.Sprintf("SELECT %d", i)); err != nil {
			t.Fatal(err)
		}
		if len(s.modules) > moduleCacheSize {
			t.Fatalf("%d modules kept", len(s.modules))
		}
	}
	long := "SELECT 1 --" + strings.Repeat("x", maxCachedText)
	if _, err := runBatch(t, s, long); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.modules[moduleKey{text: long}]; ok {
		t.Fatal("a text over maxCachedText was kept")
	}
}
