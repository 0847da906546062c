package catalog

import (
	"context"
	"encoding/binary"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/ispac"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

var t0 = time.Date(2017, 10, 2, 9, 0, 0, 0, time.FixedZone("", -7*3600))

// The cast of callers the tests use.
const (
	lSA       = "sa"            // SQL login, sysadmin
	lAdmin    = `EMU\admin`     // Windows login, sysadmin
	lSSIS     = `EMU\ssisadmin` // ssis_admin
	lExecutor = `EMU\executor`  // ssis_cluster_executor
	lReader   = `EMU\reader`    // ssis_logreader
	lObj      = `EMU\objuser`   // object permissions only
	lNobody   = `EMU\nobody`    // an SSISDB user with nothing
	lSQLAdmin = "sqladmin"      // SQL login in ssis_admin
	lOutsider = `EMU\outsider`  // no SSISDB user at all
	worker1   = "64c020e2-f819-4c2d-a22f-efb31a91e70a"
)

type env struct {
	t     *testing.T
	c     *Catalog
	clk   *clock.Fake
	ctx   context.Context
	cache map[string]*Caller
}

func seqUUIDs() func() uuid.UUID {
	var n atomic.Uint64
	return func() uuid.UUID {
		var u uuid.UUID
		binary.BigEndian.PutUint64(u[8:], n.Add(1))
		u[6] = 0x40
		return u
	}
}

func newEnv(t testing.TB, strict bool) *env {
	clk := clock.NewFake(t0)
	c := New(Options{Clock: clk, Strict: strict, NewUUID: seqUUIDs(), Logins: []LoginSpec{
		{Name: lSA, Password: "Passw0rd!", Sysadmin: true},
		{Name: lAdmin, Password: "pw", Windows: true, Sysadmin: true},
		{Name: lSSIS, Windows: true, Roles: []string{"ssis_admin"}},
		{Name: lExecutor, Windows: true, Roles: []string{"ssis_cluster_executor"}},
		{Name: lReader, Windows: true, Roles: []string{"ssis_logreader"}},
		{Name: lObj, Windows: true, Roles: []string{"public"}},
		{Name: lNobody, Windows: true, Roles: []string{"public"}},
		{Name: lSQLAdmin, Password: "x", Roles: []string{"ssis_admin"}},
		{Name: lOutsider, Windows: true},
	}})
	tt, _ := t.(*testing.T)
	e := &env{t: tt, c: c, clk: clk, ctx: context.Background(), cache: map[string]*Caller{}}
	// Every test that uses a catalog also checks, at its end, that what the
	// catalog keeps beside its operations (the execution counts for
	// /metrics, the operations in creation order for scans) agrees with
	// them.
	t.Cleanup(func() {
		c.mu.RLock()
		defer c.mu.RUnlock()
		st := c.st
		if kept, counted := st.execCounts, st.countExecutions(); kept != counted {
			t.Errorf("execution counts by status: kept %v, counted %v", kept, counted)
		}
		// So does the walk scans use: the operations in creation order.
		if len(st.opsInOrder) != len(st.OperationOrder) {
			t.Fatalf("%d operations in order for %d ids", len(st.opsInOrder), len(st.OperationOrder))
		}
		for i, id := range st.OperationOrder {
			if op := st.Operations[id]; st.opsInOrder[i] != op {
				t.Fatalf("operation %d: %p in order, %p by id", id, st.opsInOrder[i], op)
			}
		}
	})
	return e
}

func (e *env) as(login string) *Caller {
	if cl, ok := e.cache[login]; ok {
		return cl
	}
	cl, err := e.c.CallerFor(login)
	if err != nil {
		panic(err)
	}
	e.cache[login] = cl
	return cl
}

func (e *env) userID(login string) int32 {
	e.c.mu.RLock()
	defer e.c.mu.RUnlock()
	return e.c.st.resolve(e.as(login)).userID()
}

func s(v string) *string { return &v }
func i64(v int64) *int64 { return &v }
func i16(v int16) *int16 { return &v }
func i32(v int32) *int32 { return &v }
func b(v bool) *bool     { return &v }

// demo deploys folder1/project1 (package1.dtsx, plus child.dtsx which is not
// an entry point) with parameters of several kinds.
func (e *env) demo() {
	e.t.Helper()
	admin := e.as(lAdmin)
	if _, err := e.c.CreateFolder(e.ctx, nil, admin, s("folder1")); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.c.DeployProject(e.ctx, nil, admin, s("folder1"), s("project1"), demoIspac(e.t)); err != nil {
		e.t.Fatal(err)
	}
}

func demoSpec() *ispac.Project {
	p := DemoProject("project1", "package1.dtsx")
	p.Params = append(p.Params, ispac.Param{Name: "Required", DataType: "Int32", Required: true, Value: ispac.Str("1")},
		ispac.Param{Name: "Secret", DataType: "String", Sensitive: true})
	p.Packages = append(p.Packages, ispac.Package{Name: "child.dtsx", Params: []ispac.Param{}})
	return p
}

func demoIspac(t testing.TB) []byte {
	b, err := ispac.Build(demoSpec())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantErr checks an error's number, severity, state and text.
func wantErr(t *testing.T, err error, num int32, state uint8, text string) {
	t.Helper()
	e, ok := sqlerr.As(err)
	if !ok {
		t.Fatalf("got %v, want Msg %d", err, num)
	}
	if e.Number != num || e.State != state || (text != "" && e.Message != text) {
		t.Fatalf("got Msg %d state %d %q, want Msg %d state %d %q", e.Number, e.State, e.Message, num, state, text)
	}
	if m := messages[num]; e.Severity != m.severity {
		t.Fatalf("Msg %d severity %d, want %d", num, e.Severity, m.severity)
	}
}

// query scans a view as caller and returns its rows as text.
func (e *env) query(caller *Caller, view string) [][]string {
	e.t.Helper()
	schema, name, _ := strings.Cut(view, ".")
	src, ok := e.c.View(SSISDB, schema, name, caller)
	if !ok {
		e.t.Fatalf("no view %s", view)
	}
	var out [][]string
	err := src.Scan(e.ctx, func(r rows.Row) bool {
		out = append(out, rowText(r))
		return true
	})
	if err != nil {
		e.t.Fatalf("scan %s: %v", view, err)
	}
	return out
}

func rowText(r rows.Row) []string {
	out := make([]string, len(r))
	for i, v := range r {
		if v.IsNull() {
			out[i] = "NULL"
		} else {
			out[i] = valueText(v)
		}
	}
	return out
}

// column returns the ordinal of a view's column.
func column(t *testing.T, c *Catalog, view, col string) int {
	schema, name, _ := strings.Cut(view, ".")
	src, _ := c.View(SSISDB, schema, name, nil)
	for i, cl := range src.Columns() {
		if cl.Name == col {
			return i
		}
	}
	t.Fatalf("%s has no column %s", view, col)
	return -1
}

func (e *env) status(id int64) int32 {
	e.c.mu.RLock()
	defer e.c.mu.RUnlock()
	return e.c.st.Operations[id].Status
}

func (e *env) create(caller *Caller, scaleOut bool) (int64, error) {
	return e.c.CreateExecution(e.ctx, nil, caller, CreateExecutionArgs{FolderName: s("folder1"), ProjectName: s("project1"),
		PackageName: s("package1.dtsx"), Use32BitRuntime: b(false), RunInScaleOut: b(scaleOut), UseAnyWorker: b(false)})
}

func (e *env) mustCreate(scaleOut bool) int64 {
	e.t.Helper()
	id, err := e.create(e.as(lAdmin), scaleOut)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *env) addWorker() uuid.UUID {
	id := uuid.MustParse(worker1)
	if _, err := e.c.DefineWorker(e.ctx, scaleout.WorkerConfig{ID: id, Enabled: true, MachineName: "WORKER1"}); err != nil {
		e.t.Fatal(err)
	}
	return id
}

var _ = sqltype.TBit
