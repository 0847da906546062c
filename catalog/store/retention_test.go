package store

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
)

// TestRetentionCleanupIsStored: operations the retention cleanup deletes
// (with their messages, parameter values, permissions and Scale Out jobs)
// stay deleted after a reload, and the cleanup's own operation is kept.
func TestRetentionCleanupIsStored(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(t0)
	cfg := nodeConfig{workers: []scaleout.WorkerConfig{{ID: w1, Enabled: true}}}
	a := newNode(t, dir, clk, cfg)
	_, err := a.c.CreateFolder(a.ctx, nil, a.sa, str("f"))
	a.ok(err)
	_, err = a.c.DeployProject(a.ctx, nil, a.sa, str("f"), str("p"), ispacOf(t, "p", "pkg.dtsx"))
	a.ok(err)
	oldRun := a.execution("f", "p", "pkg.dtsx", true)
	a.start(oldRun)
	a.settle()
	if st := a.status(oldRun); st != int64(catalog.StatusSucceeded) {
		t.Fatalf("setup: execution %d status %d", oldRun, st)
	}
	oldCreated := a.execution("f", "p", "pkg.dtsx", true) // a job, no task
	clk.Advance(40 * 24 * time.Hour)
	a.ok(a.c.ConfigureCatalog(a.ctx, nil, a.sa, str("RETENTION_WINDOW"), str("30")))
	recent := a.execution("f", "p", "pkg.dtsx", true)
	a.start(recent)
	a.settle()

	run, err := a.c.RunMaintenance(a.ctx)
	a.ok(err)
	res := run.Retention
	if res.Executions != 2 || res.Removed != 3 {
		t.Fatalf("cleanup: %+v, want 2 executions of 3 operations", res)
	}
	before := a.snapshot()
	a.stop()

	b := reload(t, dir, clk, nodeConfig{})
	diffSnapshots(t, before, b.snapshot())
	for _, id := range []int64{oldRun, oldCreated} {
		for _, view := range []string{"catalog.executions", "catalog.operations", "catalog.operation_messages",
			"catalog.event_messages", "catalog.execution_parameter_values"} {
			col := "operation_id"
			if view == "catalog.executions" || view == "catalog.execution_parameter_values" {
				col = "execution_id"
			}
			if row := b.row(view, col, id); row != nil {
				t.Errorf("%s still has operation %d after the reload", view, id)
			}
		}
		if _, ok := b.m.JobForExecution(id); ok {
			t.Errorf("the master restored the job of execution %d", id)
		}
	}
	if b.row("catalog.executions", "execution_id", recent) == nil || b.row("catalog.operation_messages", "operation_id", recent) == nil {
		t.Error("the recent execution or its messages did not survive the reload")
	}
	if row := b.row("catalog.operations", "operation_id", res.OperationID); row == nil || row["operation_type"].Int64() != 2 ||
		row["status"].Int64() != int64(catalog.StatusSucceeded) {
		t.Errorf("the cleanup's operation after the reload: %v", row)
	}
	if got := b.c.ExecutionCounts(); got[catalog.StatusSucceeded] != 1 || got[catalog.StatusCreated] != 0 {
		t.Errorf("execution counts after the reload: %v", got)
	}
	// internal.jobs has no execution column: the recent execution's job
	// is the one row left.
	if jobs := before["internal.jobs"]; len(jobs) != 1 {
		t.Errorf("internal.jobs before the reload, want the recent execution's only:\n%s", strings.Join(jobs, "\n"))
	}
}

// TestVersionCleanupIsStored: versions the maintenance job's second step
// drops are gone after a reload, their streams with them.
func TestVersionCleanupIsStored(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(t0)
	a := newNode(t, dir, clk, nodeConfig{})
	_, err := a.c.CreateFolder(a.ctx, nil, a.sa, str("f"))
	a.ok(err)
	var lsns []int64
	for i := range 3 {
		clk.Advance(time.Minute)
		lsns = append(lsns, a.deploy("f", "p", ispacOf(t, "p", fmt.Sprintf("pkg%d.dtsx", i))))
	}
	a.ok(a.c.ConfigureCatalog(a.ctx, nil, a.sa, str("MAX_PROJECT_VERSIONS"), str("1")))
	run, err := a.c.RunMaintenance(a.ctx)
	a.ok(err)
	if run.Versions.Removed != 2 {
		t.Fatalf("version cleanup: %+v", run.Versions)
	}
	before := a.snapshot()
	a.stop()

	b := reload(t, dir, clk, nodeConfig{})
	diffSnapshots(t, before, b.snapshot())
	if got := before["catalog.object_versions"]; len(got) != 1 {
		t.Errorf("object_versions before the reload: %v", got)
	}
	b.stop()
	db, err := sql.Open("sqlite", filepath.Join(dir, DBFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pid, _ := a.projectLSN("f", "p")
	for lsn := range storedVersions(t, db, pid) {
		if lsn != lsns[2] {
			t.Errorf("the stream of dropped version %d is still stored", lsn)
		}
	}
}
