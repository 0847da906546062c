package ssisdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	mssql "github.com/microsoft/go-mssqldb"
	"github.com/microsoft/go-mssqldb/batch"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/ispac"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// docWorker is the worker of the Scale Out documentation's example.
var docWorker = uuid.MustParse("64c020e2-f819-4c2d-a22f-efb31a91e70a")

type stack struct {
	cat     *catalog.Catalog
	eng     *procs.Engine
	dsn     string
	started chan int64 // execution ids as their attempts start
}

// notifySink passes the master's events to the catalog and tells the test
// when an attempt starts, so tests wait for state without sleeping.
type notifySink struct {
	*catalog.Catalog
	started chan int64
}

func (n *notifySink) AttemptStarted(id int64, w *scaleout.Worker, attempt int, at time.Time) {
	n.Catalog.AttemptStarted(id, w, attempt, at)
	select {
	case n.started <- id:
	default:
	}
}

// newStack runs catalog, master, engine and TDS server on 127.0.0.1:0.
func newStack(t testing.TB, opts ...func(*catalog.Options)) *stack {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	clk := clock.Real()
	o := catalog.Options{Clock: clk, Logins: []catalog.LoginSpec{
		{Name: "sa", Password: "Secret!Pass1", Sysadmin: true},
		{Name: "plain", Password: "Plain!Pass1"},
	}}
	for _, f := range opts {
		f(&o)
	}
	cat := catalog.New(o)
	sim, err := runner.NewSim(runner.Config{})
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan int64, 64)
	m, err := scaleout.New(scaleout.Config{Workers: []scaleout.WorkerConfig{{ID: docWorker, Enabled: true}}}, clk, &notifySink{cat, started}, sim, nil)
	if err != nil {
		t.Fatal(err)
	}
	cat.SetMaster(m)
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := cat.DemoCatalog(ctx); err != nil {
		t.Fatal(err)
	}
	eng := procs.New(procs.Config{Catalog: NewAdapter(cat), Procs: append(Procs(cat), ControlProcs(cat, sim)...)})
	srv, err := tds.NewServer(tds.Config{}, cat, eng)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() {
		sctx, c := context.WithTimeout(context.Background(), 5*time.Second)
		defer c()
		_ = srv.Shutdown(sctx)
		m.Stop()
		cancel()
	})
	return &stack{cat: cat, eng: eng, started: started, dsn: fmt.Sprintf("sqlserver://sa:%s@%s?database=master", "Secret%21Pass1", ln.Addr())}
}

func (st *stack) db(t testing.TB) *sql.DB {
	db, err := sql.Open("sqlserver", st.dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

// TestDocExampleOverTheWire runs the Scale Out documentation's example
// batch, in both spellings, through go-mssqldb: both executions reach
// status 7 on the documented worker.
func TestDocExampleOverTheWire(t *testing.T) {
	for _, file := range []string{"scaleout-doc-example.sql", "scaleout-doc-example-2017rtm.sql"} {
		t.Run(file, func(t *testing.T) {
			st := newStack(t)
			db := st.db(t)
			src, err := os.ReadFile(filepath.Join("..", "..", "testdata", "scripts", file))
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			var ids []int64
			for _, b := range batch.Split(string(src), "GO") {
				rows, err := db.QueryContext(ctx, b)
				if err != nil {
					t.Fatalf("batch %q: %v", b, err)
				}
				for rows.Next() {
					var id int64
					if err := rows.Scan(&id); err != nil {
						t.Fatal(err)
					}
					ids = append(ids, id)
				}
				if err := rows.Err(); err != nil {
					t.Fatalf("batch: %v", err)
				}
				rows.Close()
			}
			if len(ids) != 2 {
				t.Fatalf("execution ids = %v", ids)
			}
			for _, id := range ids {
				wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				err := st.cat.WaitFinal(wctx, id)
				cancel()
				if err != nil {
					t.Fatalf("execution %d: %v", id, err)
				}
				var status, executed int
				var machine string
				var worker mssql.UniqueIdentifier
				err = db.QueryRowContext(ctx, "SELECT status, machine_name, worker_agent_id, executed_count FROM SSISDB.catalog.executions WHERE execution_id = @p1", id).
					Scan(&status, &machine, &worker, &executed)
				if err != nil {
					t.Fatal(err)
				}
				if status != 7 || executed != 1 || machine == "" || !strings.EqualFold(worker.String(), docWorker.String()) {
					t.Errorf("execution %d: status %d machine %q worker %s executed %d", id, status, machine, worker, executed)
				}
			}
		})
	}
}

// TestSynchronizedStartCancelled: start_execution with SYNCHRONIZED = 1
// blocks until the run ends; the client's cancel (ATTENTION) ends the wait
// and leaves the execution running.
func TestSynchronizedStartCancelled(t *testing.T) {
	st := newStack(t)
	db := st.db(t)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "EXEC emulator.set_package_rule @package = N'package2.dtsx', @outcome = N'hang'"); err != nil {
		t.Fatal(err)
	}
	var id int64
	err := db.QueryRowContext(ctx, `DECLARE @id bigint
EXEC SSISDB.catalog.create_execution N'folder2', N'project2', N'package2.dtsx', @execution_id = @id OUTPUT
EXEC SSISDB.catalog.set_execution_parameter_value @id, 50, N'SYNCHRONIZED', 1
SELECT @id`).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() {
		_, err := db.ExecContext(cctx, "EXEC SSISDB.catalog.start_execution @p1", id)
		errc <- err
	}()
	// Cancel once the execution is running: the wait is on.
	for started := range st.started {
		if started == id {
			break
		}
	}
	select {
	case err := <-errc:
		t.Fatalf("start_execution returned before the run ended: %v", err)
	default:
	}
	cancel()
	if err := <-errc; err == nil {
		t.Fatal("a cancelled SYNCHRONIZED start returned no error")
	}
	var status int
	if err := db.QueryRowContext(ctx, "SELECT status FROM SSISDB.catalog.executions WHERE execution_id = @p1", id).Scan(&status); err != nil {
		t.Fatal(err)
	}
	if status != 2 {
		t.Fatalf("status after the cancelled wait = %d, want 2 (still running)", status)
	}
	// The connection is usable after the ATTENTION.
	var one int
	if err := db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("after attention: %v", err)
	}
}

// TestDeployWithOpenRowset is the deploy script pattern: read the .ispac
// with OPENROWSET(BULK ..., SINGLE_BLOB) (a Windows path is matched by its
// file name inside the allowed directories), deploy it, and run a package.
func TestDeployWithOpenRowset(t *testing.T) {
	dir := t.TempDir()
	data, err := ispac.Build(catalog.DemoProject("deployed", "pkgx.dtsx"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "deployed.ispac"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	st := newStack(t, func(o *catalog.Options) { o.BulkDirs = []string{dir} })
	db := st.db(t)
	var status int
	err = db.QueryRowContext(context.Background(), `DECLARE @ProjectBinary varbinary(max), @op bigint, @id bigint
SET @ProjectBinary = (SELECT * FROM OPENROWSET(BULK N'C:\deploy\deployed.ispac', SINGLE_BLOB) AS BLOB)
EXEC SSISDB.catalog.deploy_project @folder_name = N'folder1', @project_name = N'deployed', @Project_Stream = @ProjectBinary, @operation_id = @op OUTPUT
EXEC SSISDB.catalog.create_execution N'folder1', N'deployed', N'pkgx.dtsx', @execution_id = @id OUTPUT
EXEC SSISDB.catalog.set_execution_parameter_value @id, 50, N'SYNCHRONIZED', 1
EXEC SSISDB.catalog.start_execution @id
SELECT status FROM SSISDB.catalog.executions WHERE execution_id = @id`).Scan(&status)
	if err != nil {
		t.Fatal(err)
	}
	if status != 7 {
		t.Fatalf("status %d", status)
	}
	// A file outside the allowed directories is refused.
	_, err = db.ExecContext(context.Background(), "SELECT * FROM OPENROWSET(BULK N'../etc/passwd', SINGLE_BLOB) AS x")
	var me mssql.Error
	if !errors.As(err, &me) || me.Number != 4861 {
		t.Fatalf("outside path: %v", err)
	}
}

// TestRPCAndErrorsOverTheWire checks the calling conventions clients use:
// RPC by name with OUTPUT and return status, sp_executesql with parameters,
// and SQL Server's error shape.
func TestRPCAndErrorsOverTheWire(t *testing.T) {
	st := newStack(t)
	db := st.db(t)
	ctx := context.Background()

	// RPC by name (go-mssqldb sends a bare identifier as an RPC).
	var folderID int64
	var rs mssql.ReturnStatus
	_, err := db.ExecContext(ctx, "SSISDB.catalog.create_folder", sql.Named("folder_name", "rpcfolder"), sql.Named("folder_id", sql.Out{Dest: &folderID}), &rs)
	if err != nil {
		t.Fatal(err)
	}
	if folderID == 0 || rs != 0 {
		t.Fatalf("folder id %d, return status %d", folderID, rs)
	}

	// sp_executesql with parameters.
	var name string
	if err := db.QueryRowContext(ctx, "SELECT name FROM SSISDB.catalog.folders WHERE folder_id = @p1", folderID).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if name != "rpcfolder" {
		t.Fatalf("folder name %q", name)
	}

	// A catalog error keeps its number, state and procedure.
	_, err = db.ExecContext(ctx, "EXEC SSISDB.catalog.create_folder N'rpcfolder'")
	var me mssql.Error
	if !errors.As(err, &me) || me.Number != 27190 || me.ProcName != "catalog.create_folder" {
		t.Fatalf("duplicate folder: %v (%+v)", err, me)
	}

	// catalog.x needs SSISDB as the current database.
	_, err = db.ExecContext(ctx, "EXEC catalog.create_folder N'x'")
	if !errors.As(err, &me) || me.Number != 2812 {
		t.Fatalf("two-part name from master: %v", err)
	}

	// Binding errors name the callee, line 0.
	_, err = db.ExecContext(ctx, "EXEC SSISDB.catalog.create_execution @folder_name = N'folder1', @bogus = 1")
	if !errors.As(err, &me) || me.Number != 8145 || me.LineNo != 0 || me.Message != "@bogus is not a parameter for procedure create_execution." {
		t.Fatalf("8145: %v (%+v)", err, me)
	}

	// The worker procedures deny callers that are not ssis_admin/sysadmin.
	plain, err := sql.Open("sqlserver", strings.Replace(st.dsn, "sa:Secret%21Pass1", "plain:Plain%21Pass1", 1))
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	_, err = plain.ExecContext(ctx, "EXEC SSISDB.catalog.enable_worker_agent @WorkerAgentId = '64c020e2-f819-4c2d-a22f-efb31a91e70a'")
	if !errors.As(err, &me) || me.Number != 229 {
		t.Fatalf("worker proc as plain login: %v", err)
	}

	// Transactions reach the catalog: a rolled back create_folder is gone.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "EXEC SSISDB.catalog.create_folder N'rolledback'"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT_BIG_ROWS = @@ROWCOUNT FROM SSISDB.catalog.folders WHERE name = N'rolledback'").Scan(&n); err != sql.ErrNoRows {
		t.Fatalf("rolled back folder still visible: %v", err)
	}
}

// TestLoginDefaultDatabase: without a database in the login the session
// starts in the login's default database (master here); an unknown
// requested database is refused with 4060.
func TestLoginDefaultDatabase(t *testing.T) {
	st := newStack(t)
	noDB, err := sql.Open("sqlserver", strings.Replace(st.dsn, "?database=master", "", 1))
	if err != nil {
		t.Fatal(err)
	}
	defer noDB.Close()
	var name string
	if err := noDB.QueryRow("SELECT DB_NAME()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	if name != "master" {
		t.Errorf("DB_NAME() = %q, want master", name)
	}
	bad, err := sql.Open("sqlserver", strings.Replace(st.dsn, "database=master", "database=nodb", 1))
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	err = bad.Ping()
	if err == nil || !strings.Contains(err.Error(), `Cannot open database "nodb" requested by the login. The login failed.`) {
		t.Fatalf("unknown database: %v", err)
	}
}
