package emulatortest_test

import (
	"context"
	"database/sql"
	"testing"

	mssql "github.com/microsoft/go-mssqldb"

	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-emulator/emulator"
	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-emulator/emulatortest"
)

// The way a user's test runs a package synchronously on the emulator.
func TestRunPackageSynchronously(t *testing.T) {
	srv := emulatortest.New(t)
	db, err := sql.Open("sqlserver", srv.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	var id int64
	_, err = db.ExecContext(ctx, `
DECLARE @id bigint
EXEC catalog.create_execution @folder_name=N'folder1', @project_name=N'project1',
     @package_name=N'package1.dtsx', @execution_id=@id OUTPUT
EXEC catalog.set_execution_parameter_value @id, @object_type=50, @parameter_name=N'SYNCHRONIZED', @parameter_value=1
EXEC catalog.start_execution @id
SET @out = @id`, sql.Named("out", sql.Out{Dest: &id}))
	if err != nil {
		t.Fatal(err)
	}
	var status int
	if err := db.QueryRowContext(ctx, "SELECT status FROM catalog.executions WHERE execution_id = @p1", id).Scan(&status); err != nil {
		t.Fatal(err)
	}
	if status != 7 {
		t.Fatalf("status after a SYNCHRONIZED start = %d, want 7", status)
	}
}

func TestTwoServersAndALogin(t *testing.T) {
	a := emulatortest.New(t)
	b := emulatortest.New(t, emulatortest.WithLogin(emulator.Login{Name: "alice", Password: "Alice!Pass1",
		SSISDBRoles: []string{"ssis_admin"}}))
	if a.Addr() == b.Addr() {
		t.Fatalf("both servers on %s", a.Addr())
	}
	db, err := sql.Open("sqlserver", b.LoginDSN("alice", "Alice!Pass1"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var login string
	if err := db.QueryRow("SELECT SUSER_NAME()").Scan(&login); err != nil {
		t.Fatal(err)
	}
	if login != "alice" {
		t.Fatalf("SUSER_NAME() = %q", login)
	}
	// The same login does not exist on the other server.
	db2, _ := sql.Open("sqlserver", a.LoginDSN("alice", "Alice!Pass1"))
	defer db2.Close()
	err = db2.Ping()
	var me mssql.Error
	if err == nil || !asMSSQL(err, &me) || me.Number != 18456 {
		t.Fatalf("login on the other server: %v", err)
	}
}

func asMSSQL(err error, me *mssql.Error) bool {
	e, ok := err.(mssql.Error)
	if ok {
		*me = e
	}
	return ok
}
