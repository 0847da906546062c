package ssisdb

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
)

// TestCleanupRetentionWindowOverTheWire calls the maintenance job's
// procedure as scripts do, through go-mssqldb, on a catalog whose clock a
// test moves: an execution created 40 days ago goes once the window is 30
// days, the cleanup is an operation of type 2, and a caller who is only
// ssis_admin gets 229.
func TestCleanupRetentionWindowOverTheWire(t *testing.T) {
	clk := clock.NewFake(time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC))
	st := newStack(t, func(o *catalog.Options) { o.Clock = clk })
	db := st.db(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	count := func(q string) int {
		t.Helper()
		var n int
		if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	var id int64
	if err := db.QueryRowContext(ctx, `DECLARE @id bigint
EXEC SSISDB.catalog.create_execution @folder_name = N'folder1', @project_name = N'project1', @package_name = N'package1.dtsx',
	@runinscaleout = 0, @execution_id = @id OUTPUT
SELECT @id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	clk.Advance(40 * 24 * time.Hour)
	if _, err := db.ExecContext(ctx, "EXEC SSISDB.catalog.configure_catalog N'RETENTION_WINDOW', N'30'"); err != nil {
		t.Fatal(err)
	}
	before := count("SELECT COUNT(*) FROM SSISDB.catalog.operations")
	if _, err := db.ExecContext(ctx, "EXEC SSISDB.internal.cleanup_server_retention_window"); err != nil {
		t.Fatal(err)
	}
	if n := count("SELECT COUNT(*) FROM SSISDB.catalog.executions WHERE execution_id = " + strconv.FormatInt(id, 10)); n != 0 {
		t.Errorf("the 40-day-old created execution is still there")
	}
	if n := count("SELECT COUNT(*) FROM SSISDB.catalog.operations WHERE operation_type = 2 AND status = 7 AND caller_name = N'sa'"); n != 1 {
		t.Errorf("%d succeeded cleanup operations by sa, want 1", n)
	}
	if after := count("SELECT COUNT(*) FROM SSISDB.catalog.operations"); after >= before+1 {
		t.Errorf("%d operations after the cleanup, %d before: nothing was removed", after, before)
	}

	if _, err := db.ExecContext(ctx, `USE SSISDB; CREATE USER plain FOR LOGIN plain; EXEC sp_addrolemember N'ssis_admin', N'plain'`); err != nil {
		t.Fatal(err)
	}
	plain, err := sql.Open("sqlserver", strings.Replace(st.dsn, "sa:Secret%21Pass1", "plain:Plain%21Pass1", 1))
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	_, err = plain.ExecContext(ctx, "EXEC SSISDB.internal.cleanup_server_retention_window")
	var me mssql.Error
	if !errors.As(err, &me) || me.Number != 229 ||
		me.Message != "The EXECUTE permission was denied on the object 'cleanup_server_retention_window', database 'SSISDB', schema 'internal'." {
		t.Fatalf("as an ssis_admin member: %v", err)
	}
}

// TestCleanupProjectVersionOverTheWire: after MAX_PROJECT_VERSIONS is
// lowered the version step trims the kept versions at once.
func TestCleanupProjectVersionOverTheWire(t *testing.T) {
	st := newStack(t)
	db := st.db(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var stream []byte
	if err := db.QueryRowContext(ctx, "EXEC SSISDB.catalog.get_project N'folder1', N'project1'").Scan(&stream); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := db.ExecContext(ctx, "EXEC SSISDB.catalog.deploy_project N'folder1', N'project1', @p1", stream); err != nil {
			t.Fatal(err)
		}
	}
	versions := func() int {
		var n int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM SSISDB.catalog.object_versions WHERE object_name = N'project1'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := versions(); n != 3 {
		t.Fatalf("setup: %d versions", n)
	}
	if _, err := db.ExecContext(ctx, "EXEC SSISDB.catalog.configure_catalog N'MAX_PROJECT_VERSIONS', N'1'; EXEC SSISDB.internal.cleanup_server_project_version"); err != nil {
		t.Fatal(err)
	}
	if n := versions(); n != 1 {
		t.Errorf("%d versions after the cleanup, want 1", n)
	}
}
