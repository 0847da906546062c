package emulator_test

import (
	"testing"
	"time"
)

// The product runs the SSIS Server Maintenance Job: at midnight on its
// clock, operations older than RETENTION_WINDOW days leave the catalog and
// the job logs its own type-2 operation.
func TestMaintenanceJobRunsInTheProduct(t *testing.T) {
	p := newFakeProduct(t)
	p.exec(t, `EXEC SSISDB.catalog.configure_catalog @property_name = N'RETENTION_WINDOW', @property_value = 1`)
	var id int64
	if err := p.db.QueryRow(`DECLARE @id bigint
EXEC SSISDB.catalog.create_execution @folder_name = N'folder1', @project_name = N'project1',
	@package_name = N'package1.dtsx', @execution_id = @id OUTPUT
EXEC SSISDB.catalog.start_execution @id
SELECT @id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	p.settle(t, time.Minute)
	if s := p.state(t, id); s.status != 7 {
		t.Fatalf("execution %d status %d, want 7 before the cleanup", id, s.status)
	}
	count := func(q string) int {
		t.Helper()
		var n int
		if err := p.db.QueryRow(q, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// The clock starts at 09:00; the first midnight finds the execution
	// less than a day old, the second one more than a day old.
	p.settle(t, 16*time.Hour)
	if n, _, _ := p.em.Maintenance.Runs(); n != 1 {
		t.Fatalf("%d runs after the first midnight, want 1", n)
	}
	if count(`SELECT COUNT(*) FROM SSISDB.catalog.executions WHERE execution_id = @p1`) != 1 {
		t.Fatal("the execution was removed before it was a day old")
	}
	p.settle(t, 24*time.Hour)
	if n, last, err := p.em.Maintenance.Runs(); n != 2 || err != nil || last.Retention.Executions < 1 {
		t.Fatalf("runs %d, last %+v, err %v: want a second run that removed the execution", n, last, err)
	}
	if count(`SELECT COUNT(*) FROM SSISDB.catalog.executions WHERE execution_id = @p1`) != 0 {
		t.Fatal("the execution is still there a day and a half later")
	}
	if count(`SELECT COUNT(*) FROM SSISDB.catalog.operation_messages WHERE operation_id = @p1`) != 0 {
		t.Fatal("the execution's messages are still there")
	}
	// Each run logs two type-2 operations (its retention and its version
	// step); the first run's ended at the first midnight, which is past the
	// second run's window, so only the second run's remain.
	if n := count(`SELECT COUNT(*) FROM SSISDB.catalog.operations WHERE operation_type = 2 AND status = 7 AND @p1 > 0`); n != 2 {
		t.Fatalf("%d type-2 operations, want the second run's 2", n)
	}
}
