package store

import (
	"context"
	"database/sql"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// reload opens dir again the way Attach does, but without catalog.startup
// and without starting the master, so that what was saved can be compared
// with what was live.
func reload(t *testing.T, dir string, clk *clock.Fake, cfg nodeConfig) *node {
	t.Helper()
	ids := uuids()
	c := catalog.New(catalog.Options{Clock: clk, NewUUID: ids, Logins: testLogins, ServerName: "EMU"})
	sim, _ := runner.NewSim(runner.Config{Rules: cfg.rules, NewGUID: ids})
	m, err := scaleout.New(scaleout.Config{Workers: cfg.workers, NewID: ids}, clk, c, sim, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.SetMaster(m)
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := &node{t: t, ctx: context.Background(), c: c, m: m, s: s, clk: clk}
	t.Cleanup(n.stop)
	if s.Empty() {
		t.Fatal("the data directory is empty after a run")
	}
	cs, ms, err := s.Load()
	n.ok(err)
	n.ok(c.SetJournal(s, false))
	n.ok(c.LoadState(cs))
	_, err = m.Restore(ms)
	n.ok(err)
	n.sa, err = c.CallerFor("sa")
	n.ok(err)
	return n
}

// TestRoundTripEveryKind builds a catalog with every kind of object the
// store keeps, through the catalog's procedures and the master, and checks
// that every catalog view (and the principal views) reads the same after
// the data directory is loaded into a new catalog and master.
func TestRoundTripEveryKind(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(t0)
	cfg := nodeConfig{
		workers: []scaleout.WorkerConfig{{ID: w1, Enabled: true, DisplayName: "first", MachineName: "WORKER1"}},
		rules: []runner.Rule{
			{Package: "hang.dtsx", Outcome: runner.Hang},
			{Package: "slow.dtsx", Duration: time.Minute},
			{Package: "fails.dtsx", Outcome: runner.Fail},
		},
	}
	a := newNode(t, dir, clk, cfg)
	if !a.rec.Fresh {
		t.Fatal("a new directory was not reported fresh")
	}
	ctx, sa := a.ctx, a.sa
	c := a.c

	// Folders, projects (two versions), parameters.
	_, err := c.CreateFolder(ctx, nil, sa, str("f1"))
	a.ok(err)
	a.ok(c.SetFolderDescription(ctx, nil, sa, str("f1"), str("the first folder")))
	_, err = c.CreateFolder(ctx, nil, sa, str("gone"))
	a.ok(err)
	a.ok(c.DeleteFolder(ctx, nil, sa, str("gone")))
	_, err = c.DeployProject(ctx, nil, sa, str("f1"), str("p1"), ispacOf(t, "p1", "pkg.dtsx", "hang.dtsx", "fails.dtsx"))
	a.ok(err)
	_, err = c.DeployProject(ctx, nil, sa, str("f1"), str("p1"), ispacOf(t, "p1", "pkg.dtsx", "hang.dtsx", "fails.dtsx", "slow.dtsx"))
	a.ok(err)
	_, err = c.SetObjectParameterValue(ctx, nil, sa, i16(20), str("f1"), str("p1"), str("Environment"), sqltype.NewNVarChar("prod"), nil, nil)
	a.ok(err)
	_, err = c.SetObjectParameterValue(ctx, nil, sa, i16(30), str("f1"), str("p1"), str("BatchSize"), sqltype.NewVarChar("Size"), str("pkg.dtsx"), str("R"))
	a.ok(err)
	_, err = c.CreateFolder(ctx, nil, sa, str("f2"))
	a.ok(err)
	_, err = c.DeployProject(ctx, nil, sa, str("f2"), str("moved"), ispacOf(t, "moved", "pkg.dtsx"))
	a.ok(err)
	a.ok(c.MoveProject(ctx, nil, sa, str("f2"), str("moved"), str("f1")))

	// An environment with variables of many types, and references.
	a.ok(c.CreateEnvironment(ctx, nil, sa, str("f1"), str("env1"), str("test environment")))
	dec := sqltype.NewDecimal(big.NewInt(-123456789), 18, 4)
	for _, v := range []struct {
		name, typ string
		sensitive bool
		val       sqltype.Value
	}{
		{"Size", "Int32", false, sqltype.NewInt(500)},
		{"Name", "String", false, sqltype.NewNVarChar("näme ✓")},
		{"Secret", "String", true, sqltype.NewNVarChar("hush")},
		{"Flag", "Boolean", false, sqltype.NewBit(true)},
		{"When", "DateTime", false, sqltype.NewDateTime(time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC))},
		{"Amount", "Decimal", false, dec},
		{"Ratio", "Double", false, sqltype.NewFloat(0.125)},
		{"Big", "Int64", false, sqltype.NewBigInt(1 << 60)},
	} {
		a.ok(c.CreateEnvironmentVariable(ctx, nil, sa, str("f1"), str("env1"), str(v.name), str(v.typ), bit(v.sensitive), v.val, str("about "+v.name)))
	}
	a.ok(c.SetEnvironmentVariableValue(ctx, nil, sa, str("f1"), str("env1"), str("Size"), sqltype.NewInt(750)))
	a.ok(c.SetEnvironmentVariableProperty(ctx, nil, sa, str("f1"), str("env1"), str("Name"), str("Description"), str("renamed")))
	a.ok(c.CreateEnvironmentVariable(ctx, nil, sa, str("f1"), str("env1"), str("Temp"), str("Int16"), bit(false), sqltype.NewSmallInt(3), nil))
	a.ok(c.DeleteEnvironmentVariable(ctx, nil, sa, str("f1"), str("env1"), str("Temp")))
	a.ok(c.CreateEnvironment(ctx, nil, sa, str("f1"), str("old"), nil))
	a.ok(c.RenameEnvironment(ctx, nil, sa, str("f1"), str("old"), str("env2")))
	refID, err := c.CreateEnvironmentReference(ctx, nil, sa, str("f1"), str("p1"), str("env1"), str("R"), nil)
	a.ok(err)
	ref2, err := c.CreateEnvironmentReference(ctx, nil, sa, str("f1"), str("p1"), str("env2"), str("A"), str("f1"))
	a.ok(err)
	a.ok(c.DeleteEnvironmentReference(ctx, nil, sa, &ref2))

	// Principals, permissions, properties, logging levels, workers.
	a.ok(c.CreateLogin(ctx, nil, sa, "newlogin", "S3cret!", false))
	a.ok(c.CreateUser(ctx, nil, sa, catalog.SSISDB, "newlogin", "", false))
	a.ok(c.AddRoleMember(ctx, nil, sa, catalog.SSISDB, "ssis_cluster_executor", "newlogin", catalog.AlterRoleStatement))
	a.ok(c.AlterLogin(ctx, nil, sa, "newlogin", catalog.LoginChange{Disabled: bit(true)}))
	reader := a.row("catalog.folders", "folder_id", 1)
	if reader == nil {
		t.Fatal("folder 1 missing")
	}
	uid := int32(0)
	src, _ := c.View(catalog.SSISDB, "sys", "database_principals", sa)
	cols := src.Columns()
	a.ok(src.Scan(ctx, func(r rows.Row) bool {
		for i, col := range cols {
			if col.Name == "name" && r[i].Str() == "newlogin" {
				for j, col := range cols {
					if col.Name == "principal_id" {
						uid = int32(r[j].Int64())
					}
				}
			}
		}
		return true
	}))
	if uid == 0 {
		t.Fatal("user newlogin not found")
	}
	a.ok(c.GrantPermission(ctx, nil, sa, i16(catalog.ObjFolder), i64(1), i32(uid), i16(catalog.PermRead)))
	a.ok(c.DenyPermission(ctx, nil, sa, i16(catalog.ObjProject), i64(1), i32(uid), i16(catalog.PermModify)))
	a.ok(c.ConfigureCatalog(ctx, nil, sa, str("RETENTION_WINDOW"), str("30")))
	c.DefineLoggingLevel(ctx, "Chatty", "everything", 1, 0xFFFF)
	_, err = c.DefineWorker(ctx, scaleout.WorkerConfig{ID: w2, Enabled: true, DisplayName: "runtime", MaxTaskCount: 3})
	a.ok(err)
	a.ok(c.SetWorkerAgentProperty(ctx, sa, &w2, str("Description"), str("added at run time")))
	a.ok(c.SetWorkerAgentProperty(ctx, sa, &w1, str("Tags"), str("blue")))

	// Executions: finished on a worker, failed, local, stopped, one left
	// created with every kind of setting.
	done := a.execution("f1", "p1", "pkg.dtsx", true)
	a.ok(c.SetExecutionParameterValue(ctx, nil, sa, &done, i16(50), str("LOGGING_LEVEL"), sqltype.NewInt(3)))
	a.ok(c.SetExecutionPropertyOverrideValue(ctx, nil, sa, &done, str(`\Package.Variables[User::X].Value`), str("9"), bit(false)))
	a.start(done)
	failed := a.execution("f1", "p1", "fails.dtsx", true)
	a.start(failed)
	local := a.execution("f1", "p1", "pkg.dtsx", false)
	a.start(local)
	hang := a.execution("f1", "p1", "hang.dtsx", true)
	a.start(hang)
	a.settle()
	_, err = c.StopOperation(ctx, nil, sa, &hang)
	a.ok(err)
	a.settle()
	created, err := c.CreateExecution(ctx, nil, sa, catalog.CreateExecutionArgs{FolderName: str("f1"), ProjectName: str("p1"),
		PackageName: str("pkg.dtsx"), ReferenceID: &refID, Use32BitRuntime: bit(true), RunInScaleOut: bit(true), UseAnyWorker: bit(false)})
	a.ok(err)
	a.ok(c.AddExecutionWorker(ctx, nil, sa, &created, &w2))
	a.ok(c.SetExecutionParameterValue(ctx, nil, sa, &created, i16(30), str("BatchSize"), sqltype.NewInt(42)))
	for id, want := range map[int64]int64{done: 7, failed: 4, local: 7, hang: 3, created: 1} {
		if got := a.status(id); got != want {
			t.Fatalf("execution %d has status %d before the reload, want %d", id, got, want)
		}
	}
	if a.row("catalog.executable_statistics", "execution_id", done) == nil {
		t.Fatal("the finished execution has no executable_statistics: the run did not log")
	}
	before := a.snapshot()
	a.stop()

	b := reload(t, dir, clk, cfg)
	diffSnapshots(t, before, b.snapshot())

	// The loaded catalog keeps working: ids go on from where they were,
	// and the created execution starts.
	id, err := b.c.CreateFolder(ctx, nil, b.sa, str("after"))
	b.ok(err)
	if id != 4 {
		t.Errorf("the next folder id after a reload is %d, want 4", id)
	}
	stream, err := b.c.GetProject(ctx, b.sa, str("f1"), str("p1"))
	b.ok(err)
	if !reflectEqualBytes(stream, ispacOf(t, "p1", "pkg.dtsx", "hang.dtsx", "fails.dtsx", "slow.dtsx")) {
		t.Error("get_project returns another .ispac after the reload")
	}
}

func reflectEqualBytes(a, b []byte) bool { return string(a) == string(b) }

// TestValueRoundTrip: every kind of value the catalog stores comes back
// with its type and value.
func TestValueRoundTrip(t *testing.T) {
	u := uuid.MustParse("6f9619ff-8b86-d011-b42d-00c04fc964ff")
	cases := []sqltype.Value{
		{},
		sqltype.Null(sqltype.NVarCharN(128)),
		sqltype.Null(sqltype.TSQLVariant),
		sqltype.NewBit(true),
		sqltype.NewTinyInt(255),
		sqltype.NewSmallInt(-32768),
		sqltype.NewInt(-7),
		sqltype.NewBigInt(-1 << 63),
		sqltype.NewMoney(-12345678),
		sqltype.NewSmallMoney(99),
		sqltype.NewReal(1.5),
		sqltype.NewFloat(-2.25e300),
		sqltype.NewDecimal(big.NewInt(-314159), 10, 5),
		sqltype.NewNumeric(new(big.Int).Exp(big.NewInt(10), big.NewInt(37), nil), 38, 0),
		sqltype.NewNVarChar("unicode ✓ text"),
		sqltype.NewVarChar(""),
		sqltype.NewString(sqltype.NCharN(4), "ab  "),
		sqltype.NewVarBinary([]byte{0, 1, 2, 255}),
		sqltype.NewUniqueIdentifier(u),
		sqltype.NewDateTime(time.Date(2001, 2, 3, 4, 5, 6, 7e6, time.UTC)),
		sqltype.NewDateTimeOffset(time.Date(2001, 2, 3, 4, 5, 6, 123456700, time.FixedZone("", -5*3600))),
		sqltype.NewTime(sqltype.TDate, time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC)),
		sqltype.NewTime(sqltype.TimeS(3), time.Date(1, 1, 1, 23, 59, 59, 999e6, time.UTC)),
	}
	for _, v := range cases {
		t.Run(v.GoString(), func(t *testing.T) {
			st := &catalog.EnvironmentVariable{Value: v}
			data, err := encodeEnvironment(&catalog.Environment{Variables: []*catalog.EnvironmentVariable{st}})
			if err != nil {
				t.Fatal(err)
			}
			e, err := decodeEnvironment(data)
			if err != nil {
				t.Fatal(err)
			}
			got := e.Variables[0].Value
			if got.GoString() != v.GoString() || got.Type() != v.Type() || got.IsNull() != v.IsNull() {
				t.Errorf("got %s (%s), want %s (%s)", got.GoString(), got.Type(), v.GoString(), v.Type())
			}
			if off := func(x sqltype.Value) int { _, o := x.Time().Zone(); return o }; v.Kind().IsDateTime() && off(got) != off(v) {
				t.Errorf("zone offset %d, want %d", off(got), off(v))
			}
		})
	}
}

// TestEveryStateFieldIsStored fails when catalog.State gains a field the
// store does not know about: add it to the store (and to this list).
func TestEveryStateFieldIsStored(t *testing.T) {
	known := map[string]string{
		"Folders": "folders", "Projects": "projects", "Environments": "environments", "References": "env_references",
		"Operations": "operations", "OperationOrder": "rebuilt by LoadState", "Permissions": "permissions",
		"CatalogProperties": "settings", "MasterProperties": "settings", "LoggingLevels": "settings",
		"Logins": "settings principals", "ServerRoleMembers": "settings principals", "Databases": "settings principals",
	}
	seq := reflect.TypeFor[sequences]()
	st := reflect.TypeFor[catalog.State]()
	for i := range st.NumField() {
		f := st.Field(i)
		if !f.IsExported() {
			continue
		}
		if _, ok := known[f.Name]; ok {
			continue
		}
		if _, ok := seq.FieldByName(f.Name); ok {
			continue
		}
		t.Errorf("catalog.State.%s is not stored by package store", f.Name)
	}
}

// TestTransactions: changes made in a session transaction reach the disk
// at Commit and never when rolled back, also when the rollback undoes a
// change to an object that existed before.
func TestTransactions(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(t0)
	a := newNode(t, dir, clk, nodeConfig{})
	ctx, c, sa := a.ctx, a.c, a.sa
	_, err := c.CreateFolder(ctx, nil, sa, str("base"))
	a.ok(err)

	ro, err := sql.Open("sqlite", "file:"+filepath.Join(dir, DBFile)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	onDisk := func(name string) bool {
		t.Helper()
		var n int
		if err := ro.QueryRow(`SELECT count(*) FROM folders WHERE json_extract(data, '$.Name') = ?`, name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n > 0
	}

	tx := c.Begin()
	_, err = c.CreateFolder(ctx, tx, sa, str("kept"))
	a.ok(err)
	a.ok(c.RenameFolder(ctx, tx, sa, str("base"), str("base2")))
	if onDisk("kept") || onDisk("base2") {
		t.Fatal("a change inside an open transaction is on disk before Commit")
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if !onDisk("kept") || !onDisk("base2") || onDisk("base") {
		t.Fatal("committed changes are not on disk when Commit returns")
	}

	tx = c.Begin()
	_, err = c.CreateFolder(ctx, tx, sa, str("undone"))
	a.ok(err)
	a.ok(c.RenameFolder(ctx, tx, sa, str("base2"), str("base3")))
	// An autocommit call in between writes its own change (and, reads being
	// uncommitted, whatever it touches); the rollback must still win.
	_, err = c.CreateFolder(ctx, nil, sa, str("other"))
	a.ok(err)
	tx.Rollback()
	if onDisk("undone") || onDisk("base3") || !onDisk("base2") || !onDisk("other") {
		t.Fatal("a rolled-back change reached the disk, or the rollback lost the original")
	}

	// Savepoints: the part rolled back to a savepoint is not kept at Commit.
	tx = c.Begin()
	_, err = c.CreateFolder(ctx, tx, sa, str("before-save"))
	a.ok(err)
	sp := tx.Savepoint()
	_, err = c.CreateFolder(ctx, tx, sa, str("after-save"))
	a.ok(err)
	tx.RollbackTo(sp)
	a.ok(tx.Commit())
	if !onDisk("before-save") || onDisk("after-save") {
		t.Fatal("savepoint rollback then commit stored the wrong folders")
	}
	a.stop()

	b := reload(t, dir, clk, nodeConfig{})
	var names []string
	src, _ := b.c.View(catalog.SSISDB, "catalog", "folders", b.sa)
	b.ok(src.Scan(ctx, func(r rows.Row) bool { names = append(names, r[1].Str()); return true }))
	slices.Sort(names)
	if got := strings.Join(names, ","); got != "base2,before-save,kept,other" {
		t.Errorf("folders after reload: %s", got)
	}
}

// TestRestartRecovery: executions that were pending or running when the
// emulator stopped end 6 at the next start, with the 27165 warnings in the
// startup operation's messages; created and finished ones keep their
// status; what startup did is itself durable.
func TestRestartRecovery(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(t0)
	rules := []runner.Rule{{Package: "hang.dtsx", Outcome: runner.Hang}}
	a := newNode(t, dir, clk, nodeConfig{workers: []scaleout.WorkerConfig{{ID: w1, Enabled: true}}, rules: rules})
	ctx, c, sa := a.ctx, a.c, a.sa
	_, err := c.CreateFolder(ctx, nil, sa, str("f"))
	a.ok(err)
	_, err = c.DeployProject(ctx, nil, sa, str("f"), str("p"), ispacOf(t, "p", "ok.dtsx", "hang.dtsx"))
	a.ok(err)
	running := a.execution("f", "p", "hang.dtsx", true)
	a.start(running)
	localRunning := a.execution("f", "p", "hang.dtsx", false)
	a.start(localRunning)
	a.ok(c.DisableWorkerAgent(ctx, sa, &w1))
	pending := a.execution("f", "p", "ok.dtsx", true)
	a.start(pending)
	a.ok(c.EnableWorkerAgent(ctx, sa, &w1)) // the pending one would be picked up: keep it pending
	a.settle()
	created := a.execution("f", "p", "ok.dtsx", true)
	a.ok(c.DisableWorkerAgent(ctx, sa, &w1))
	finished := a.execution("f", "p", "ok.dtsx", false)
	a.start(finished)
	a.settle()
	want := map[int64]int64{running: 2, localRunning: 2, created: 1, finished: 7}
	if st := a.status(pending); st == 5 {
		want[pending] = 5
	} else {
		want[pending] = st // picked up when the worker came back: running or done
	}
	for id, st := range want {
		if got := a.status(id); got != st {
			t.Fatalf("before restart: execution %d status %d, want %d", id, got, st)
		}
	}
	a.stop()

	clk.Advance(time.Hour)
	b := newNode(t, dir, clk, nodeConfig{workers: []scaleout.WorkerConfig{{ID: w1, Enabled: true}}, rules: rules})
	if b.rec.Fresh {
		t.Fatal("a used directory was reported fresh")
	}
	var warned []string
	for _, w := range b.rec.Warnings {
		if w.Number != 27165 || w.Severity != 10 {
			t.Errorf("startup warning %v, want 27165 severity 10", w)
		}
		warned = append(warned, w.Message)
	}
	inFlight := 0
	for id, st := range want {
		got := b.status(id)
		switch st {
		case 2, 5:
			inFlight++
			if got != 6 {
				t.Errorf("execution %d was %d, is %d after restart, want 6", id, st, got)
			}
			row := b.row("catalog.executions", "execution_id", id)
			if row["end_time"].IsNull() {
				t.Errorf("execution %d ended unexpectedly without an end_time", id)
			}
			text := "marked operation " + itoa(id) + " (type 200, status " + itoa(st) + ") as terminated"
			if !containsAny(warned, text) {
				t.Errorf("no 27165 warning %q in %q", text, warned)
			}
		default:
			if got != st {
				t.Errorf("execution %d was %d, is %d after restart", id, st, got)
			}
		}
	}
	if len(b.rec.Warnings) != inFlight {
		t.Errorf("%d startup warnings for %d executions in flight", len(b.rec.Warnings), inFlight)
	}
	startupOp := b.lastOperation()
	if startupOp["operation_type"].Int64() != 1 || startupOp["status"].Int64() != 7 {
		t.Errorf("last operation is %v, want the startup operation (type 1, status 7)", startupOp)
	}
	msgs := 0
	src, _ := b.c.View(catalog.SSISDB, "catalog", "operation_messages", b.sa)
	b.ok(src.Scan(ctx, func(r rows.Row) bool {
		if r[1].Int64() == startupOp["operation_id"].Int64() && strings.Contains(r[5].Str(), "During startup") {
			msgs++
		}
		return true
	}))
	if msgs != inFlight {
		t.Errorf("the startup operation has %d 27165 messages, want %d", msgs, inFlight)
	}
	// The Scale Out tasks of the runs that were in flight ended too.
	if task, ok := b.m.TaskForExecution(running); !ok || task.Status != scaleout.TaskFailed {
		t.Errorf("task of execution %d after restart: %+v, want status %d", running, task, scaleout.TaskFailed)
	}
	// The created execution still starts, on the restored job.
	b.ok(b.c.EnableWorkerAgent(ctx, b.sa, &w1))
	b.start(created)
	b.settle()
	if got := b.status(created); got != 7 {
		t.Errorf("the execution created before the restart ends %d, want 7", got)
	}
	b.stop()

	c3 := newNode(t, dir, clk, nodeConfig{workers: []scaleout.WorkerConfig{{ID: w1, Enabled: true}}, rules: rules})
	if len(c3.rec.Warnings) != 0 {
		t.Errorf("a second restart warns again: %v", c3.rec.Warnings)
	}
	for id, st := range want {
		if st == 2 || st == 5 {
			if got := c3.status(id); got != 6 {
				t.Errorf("startup's status 6 for %d was not kept: %d", id, got)
			}
		}
	}
	if got := c3.status(created); got != 7 {
		t.Errorf("execution %d run after the first restart: status %d", created, got)
	}
}

func itoa(n int64) string { return big.NewInt(n).String() }

func containsAny(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// lastOperation is the catalog.operations row with the highest id.
func (n *node) lastOperation() map[string]sqltype.Value {
	n.t.Helper()
	src, _ := n.c.View(catalog.SSISDB, "catalog", "operations", n.sa)
	cols := src.Columns()
	var last map[string]sqltype.Value
	n.ok(src.Scan(n.ctx, func(r rows.Row) bool {
		row := map[string]sqltype.Value{}
		for i, c := range cols {
			row[c.Name] = r[i]
		}
		if last == nil || row["operation_id"].Int64() > last["operation_id"].Int64() {
			last = row
		}
		return true
	}))
	return last
}

// TestSchemaVersion: a directory written by a newer emulator is refused
// with an error that names it and both versions.
func TestSchemaVersion(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", filepath.Join(dir, DBFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE schema_version SET version = ?`, SchemaVersion+1); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(dir, Options{})
	var ve *VersionError
	if !errors.As(err, &ve) || ve.Found != SchemaVersion+1 || ve.Readable != SchemaVersion {
		t.Fatalf("Open of a newer directory: %v", err)
	}
	for _, want := range []string{dir, "newer version", "schema version 2", "reads up to 1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	// The refused directory is not locked: it opens again once fixed.
	db, _ = sql.Open("sqlite", filepath.Join(dir, DBFile))
	if _, err := db.Exec(`UPDATE schema_version SET version = ?`, SchemaVersion); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open after the version was put back: %v", err)
	}
	s.Close()
}

// TestLockFile: a second store on the same directory is refused, naming
// the directory and the process; the directory opens again after Close.
func TestLockFile(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir, Options{})
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("second Open: %v, want a *LockedError", err)
	}
	if le.PID != os.Getpid() || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "in use") {
		t.Errorf("lock error %q (pid %d), want the directory and pid %d", err, le.PID, os.Getpid())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	s.Close()
}

// TestStorageFailure: when the database cannot be written, the call that
// changed something fails with 9001 instead of reporting success, and so
// does every later one.
func TestStorageFailure(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(t0)
	a := newNode(t, dir, clk, nodeConfig{})
	_, err := a.c.CreateFolder(a.ctx, nil, a.sa, str("fine"))
	a.ok(err)
	// The one connection refuses writes from now on, as a full or failing
	// disk would.
	if _, err := a.s.db.Exec("PRAGMA query_only = ON"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"lost", "lost2"} {
		_, err = a.c.CreateFolder(a.ctx, nil, a.sa, str(name))
		e, ok := sqlerr.As(err)
		if !ok || e.Number != 9001 || e.Severity != 21 || !strings.Contains(e.Message, "SSISDB") {
			t.Fatalf("create_folder %s on a failed store: %v, want error 9001", name, err)
		}
	}
	// A call that fails on its own keeps its own error.
	_, err = a.c.CreateFolder(a.ctx, nil, a.sa, str("fine"))
	if e, ok := sqlerr.As(err); !ok || e.Number != 27190 {
		t.Fatalf("duplicate folder on a failed store: %v, want 27190", err)
	}
	a.stopped = true
	a.m.Stop()
	if err := a.s.Close(); err == nil || !strings.Contains(err.Error(), "write failed") {
		t.Errorf("Close after a write failure: %v, want the failure", err)
	}
}

// TestWritesAreIncremental: with thousands of executions kept, a catalog
// call writes the rows it changed, not the catalog.
func TestWritesAreIncremental(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(t0)
	a := newNode(t, dir, clk, nodeConfig{})
	_, err := a.c.CreateFolder(a.ctx, nil, a.sa, str("f"))
	a.ok(err)
	_, err = a.c.DeployProject(a.ctx, nil, a.sa, str("f"), str("p"), ispacOf(t, "p", "pkg.dtsx"))
	a.ok(err)
	rowsOf := func(f func()) int {
		before := a.s.rowsQueued.Load()
		f()
		return int(a.s.rowsQueued.Load() - before)
	}
	var small int
	for i := range 3000 {
		n := rowsOf(func() { a.execution("f", "p", "pkg.dtsx", false) })
		if i == 0 {
			small = n
		}
		if n != small {
			t.Fatalf("create_execution #%d wrote %d rows, the first wrote %d", i+1, n, small)
		}
	}
	if small > 4 {
		t.Errorf("create_execution writes %d rows (operation, permissions, sequences expected)", small)
	}
	id := a.execution("f", "p", "pkg.dtsx", false)
	if n := rowsOf(func() {
		a.ok(a.c.SetExecutionParameterValue(a.ctx, nil, a.sa, &id, i16(50), str("SYNCHRONIZED"), sqltype.NewBit(true)))
	}); n > 2 {
		t.Errorf("set_execution_parameter_value wrote %d rows with 3000 executions kept", n)
	}
}

// TestConfiguredWorkersAfterRestart pins down how saved workers and the
// configuration combine: the catalog-side properties a procedure changed at
// run time (enabled, display name, description, tags) are kept; the
// worker-side ones come from the configuration at every start (machine
// name, account, MaxTaskCount), as a real worker reports them in its
// heartbeat; workers defined at run time come back; a configured worker
// deleted at run time comes back from the configuration, as a real worker
// registers again.
func TestConfiguredWorkersAfterRestart(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(t0)
	cfg := nodeConfig{workers: []scaleout.WorkerConfig{
		{ID: w1, Enabled: true, DisplayName: "from config", MachineName: "M1", MaxTaskCount: 5},
		{ID: w3, Enabled: true, DisplayName: "three"},
	}}
	a := newNode(t, dir, clk, cfg)
	ctx, c, sa := a.ctx, a.c, a.sa
	a.ok(c.DisableWorkerAgent(ctx, sa, &w1))
	a.ok(c.SetWorkerAgentProperty(ctx, sa, &w1, str("DisplayName"), str("renamed at run time")))
	a.ok(c.SetWorkerAgentProperty(ctx, sa, &w1, str("Tags"), str("gpu")))
	_, err := c.DefineWorker(ctx, scaleout.WorkerConfig{ID: w2, Enabled: true, DisplayName: "defined at run time", MachineName: "M2", MaxTaskCount: 2})
	a.ok(err)
	a.ok(c.DeleteWorkerAgent(ctx, sa, &w3))
	a.stop()

	cfg.workers[0] = scaleout.WorkerConfig{ID: w1, Enabled: true, DisplayName: "config changed", MachineName: "M1-new", MaxTaskCount: 7}
	b := newNode(t, dir, clk, cfg)
	got := map[uuid.UUID]scaleout.Worker{}
	for _, w := range b.m.Workers() {
		got[w.ID] = w
	}
	if len(got) != 3 {
		t.Fatalf("%d workers after restart, want 3: %+v", len(got), got)
	}
	cases := []struct {
		name string
		ok   bool
	}{
		{"w1 stays disabled", !got[w1].Enabled},
		{"w1 keeps its run-time display name", got[w1].DisplayName == "renamed at run time"},
		{"w1 keeps its run-time tags", got[w1].Tags == "gpu"},
		{"w1 takes the configured machine name", got[w1].MachineName == "M1-new"},
		{"w1 takes the configured MaxTaskCount", got[w1].MaxTaskCount == 7},
		{"w2 (run time) is back", got[w2].DisplayName == "defined at run time" && got[w2].MachineName == "M2" && got[w2].MaxTaskCount == 2 && got[w2].Enabled},
		{"w3 (deleted, configured) is back from the configuration", got[w3].DisplayName == "three" && got[w3].Enabled},
	}
	for _, tc := range cases {
		if !tc.ok {
			t.Errorf("%s: %+v", tc.name, got)
		}
	}
	b.stop()
	// What the restart combined is saved: a run with no configured workers
	// still sees all three as they were.
	c3 := newNode(t, dir, clk, nodeConfig{})
	if n := len(c3.m.Workers()); n != 3 {
		t.Errorf("%d workers saved after the restart, want 3", n)
	}
}

// TestResetIsStored: emulator.reset empties the saved catalog too (the
// master's workers stay, as in memory).
func TestResetIsStored(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(t0)
	cfg := nodeConfig{workers: []scaleout.WorkerConfig{{ID: w1, Enabled: true}}}
	a := newNode(t, dir, clk, cfg)
	_, err := a.c.CreateFolder(a.ctx, nil, a.sa, str("before-reset"))
	a.ok(err)
	_, err = a.c.DeployProject(a.ctx, nil, a.sa, str("before-reset"), str("p"), ispacOf(t, "p", "pkg.dtsx"))
	a.ok(err)
	id := a.execution("before-reset", "p", "pkg.dtsx", true)
	a.start(id)
	a.settle()
	a.c.Reset(a.ctx)
	_, err = a.c.CreateFolder(a.ctx, nil, a.sa, str("after-reset"))
	a.ok(err)
	a.stop()

	b := reload(t, dir, clk, nodeConfig{})
	snap := b.snapshot()
	if got := strings.Join(snap["catalog.folders"], "\n"); strings.Contains(got, "before-reset") || !strings.Contains(got, "after-reset") {
		t.Errorf("folders after a reset and a reload:\n%s", got)
	}
	if n := len(snap["catalog.executions"]) + len(snap["catalog.projects"]) + len(snap["catalog.operation_messages"]); n != 0 {
		t.Errorf("%d execution, project or message rows survived the reset", n)
	}
	if row := b.row("catalog.folders", "folder_id", 1); row == nil || !strings.Contains(row["name"].GoString(), "after-reset") {
		t.Errorf("ids did not start again after the reset: folder 1 is %v", row)
	}
	if len(snap["catalog.worker_agents"]) != 1 {
		t.Errorf("worker agents after reset and reload: %v", snap["catalog.worker_agents"])
	}
}

// TestConcurrentSessions runs sessions in parallel (autocommit calls,
// transactions committed and rolled back) while the master reports runs,
// then checks that the saved catalog reads as the live one did. Under
// -race it also checks that encoding outside the catalog's lock only reads
// copies.
func TestConcurrentSessions(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(t0)
	cfg := nodeConfig{workers: []scaleout.WorkerConfig{{ID: w1, Enabled: true, MaxTaskCount: 1000}}}
	a := newNode(t, dir, clk, cfg)
	ctx, c, sa := a.ctx, a.c, a.sa
	_, err := c.CreateFolder(ctx, nil, sa, str("f"))
	a.ok(err)
	_, err = c.DeployProject(ctx, nil, sa, str("f"), str("p"), ispacOf(t, "p", "pkg.dtsx"))
	a.ok(err)
	a.ok(c.CreateEnvironment(ctx, nil, sa, str("f"), str("e"), nil))
	a.ok(c.CreateEnvironmentVariable(ctx, nil, sa, str("f"), str("e"), str("V"), str("Int32"), bit(false), sqltype.NewInt(0), nil))
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			errs <- func() error {
				for i := range 40 {
					var tx *catalog.Tx
					if i%5 == 4 {
						tx = c.Begin()
					}
					id, err := c.CreateExecution(ctx, tx, sa, catalog.CreateExecutionArgs{FolderName: str("f"), ProjectName: str("p"),
						PackageName: str("pkg.dtsx"), Use32BitRuntime: bit(false), RunInScaleOut: bit(g%2 == 0), UseAnyWorker: bit(true)})
					if err != nil {
						return err
					}
					if err := c.SetExecutionParameterValue(ctx, tx, sa, &id, i16(30), str("BatchSize"), sqltype.NewInt(int64(i))); err != nil {
						return err
					}
					if err := c.SetEnvironmentVariableValue(ctx, tx, sa, str("f"), str("e"), str("V"), sqltype.NewInt(int64(g*100+i))); err != nil {
						return err
					}
					if tx != nil {
						if g%2 == 0 {
							tx.Rollback()
							continue
						}
						if err := tx.Commit(); err != nil {
							return err
						}
					}
					if err := c.StartExecution(ctx, nil, sa, &id, nil); err != nil {
						return err
					}
				}
				return nil
			}()
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	a.settle()
	before := a.snapshot()
	if n := len(before["catalog.executions"]); n != 8*40-4*8 {
		t.Fatalf("%d executions, want %d (rolled-back ones excluded)", n, 8*40-4*8)
	}
	a.stop()
	b := reload(t, dir, clk, cfg)
	diffSnapshots(t, before, b.snapshot())
}

// TestConfiguredLoginsAfterRestart: logins the configuration defines take
// their password and roles from it at every start; logins created with
// CREATE LOGIN keep theirs.
func TestConfiguredLoginsAfterRestart(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(t0)
	a := newNode(t, dir, clk, nodeConfig{logins: []catalog.LoginSpec{{Name: "sa", Password: "first", Sysadmin: true}}})
	a.ok(a.c.CreateLogin(a.ctx, nil, a.sa, "made", "made-pw", false))
	a.stop()

	b := newNode(t, dir, clk, nodeConfig{logins: []catalog.LoginSpec{
		{Name: "sa", Password: "second", Sysadmin: true},
		{Name: "ci", Password: "ci-pw", Roles: []string{"ssis_admin"}},
	}})
	for _, c := range []struct {
		login, password string
		ok              bool
	}{
		{"sa", "second", true}, {"sa", "first", false}, {"made", "made-pw", true}, {"ci", "ci-pw", true},
	} {
		if got := b.c.Authenticate(b.ctx, c.login, c.password); got != c.ok {
			t.Errorf("login %s with %q after restart: %v, want %v", c.login, c.password, got, c.ok)
		}
	}
	ci, err := b.c.CallerFor("ci")
	b.ok(err)
	if !b.c.IsMember(ci, "ssis_admin") {
		t.Error("the configured login ci is not in ssis_admin after the restart")
	}
}

// TestPragmas: the connection runs in WAL mode with synchronous=FULL and
// a busy timeout.
func TestPragmas(t *testing.T) {
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for pragma, want := range map[string]string{"journal_mode": "wal", "synchronous": "2", "busy_timeout": "5000"} {
		var got string
		if err := s.db.QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
}

// TestCorruptRow: a row that does not decode stops the load with an error
// naming the directory, the table and the row, instead of starting with a
// partial catalog.
func TestCorruptRow(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(t0)
	a := newNode(t, dir, clk, nodeConfig{})
	_, err := a.c.CreateFolder(a.ctx, nil, a.sa, str("f"))
	a.ok(err)
	a.stop()
	db, err := sql.Open("sqlite", filepath.Join(dir, DBFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE folders SET data = '{"ID": "not a number"' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.Attach(context.Background(), catalog.New(catalog.Options{Clock: clk}), nil)
	if err == nil || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "folders") || !strings.Contains(err.Error(), "row 1") {
		t.Fatalf("Attach over a corrupt row: %v", err)
	}
}
