package catalog

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// TestWithRealMaster wires the catalog to the real Scale Out master and
// package runner (fast mode, fake clock): a Scale Out run that fails once
// and is retried, a local run, and a stop of a hanging Scale Out run, all
// seen through the catalog's views.
func TestWithRealMaster(t *testing.T) {
	e := newEnv(t, false)
	sim, err := runner.NewSim(runner.Config{Rules: []runner.Rule{
		{Package: "package1", FailFirst: 1, Duration: 30 * time.Second},
		{Package: "package2", Outcome: runner.Hang},
	}})
	if err != nil {
		t.Fatal(err)
	}
	w := uuid.MustParse(worker1)
	m, err := scaleout.New(scaleout.Config{Workers: []scaleout.WorkerConfig{{ID: w, Enabled: true, MachineName: "WORKER01"}}}, e.clk, e.c, sim, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.c.SetMaster(m)
	ctx := context.Background()
	must(t, m.Start(ctx))
	defer m.Stop()
	must(t, e.c.DemoCatalog(ctx))
	admin := e.as(lAdmin)
	settle := func() {
		t.Helper()
		if err := m.Settle(ctx); err != nil {
			t.Fatal(err)
		}
	}

	// Scale Out, retried once.
	id, err := e.c.CreateExecution(ctx, nil, admin, CreateExecutionArgs{FolderName: s("folder1"), ProjectName: s("project1"),
		PackageName: s("package1.dtsx"), Use32BitRuntime: b(false), RunInScaleOut: b(true), UseAnyWorker: b(false)})
	must(t, err)
	must(t, e.c.SetExecutionParameterValue(ctx, nil, admin, &id, i16(50), s("LOGGING_LEVEL"), sqltype.NewSmallInt(1)))
	must(t, e.c.AddExecutionWorker(ctx, nil, admin, &id, &w))
	must(t, e.c.StartExecution(ctx, nil, admin, &id, i32(1)))
	settle()
	if st := e.status(id); st != StatusRunning {
		t.Fatalf("status after dispatch = %d", st)
	}
	for range 2 {
		e.clk.Advance(30 * time.Second)
		settle()
	}
	if st := e.status(id); st != StatusSucceeded {
		t.Fatalf("status after retry = %d", st)
	}
	row := e.query(admin, "catalog.executions")[0]
	if row[26] != "WORKER01" || row[33] != "2" {
		t.Fatalf("machine %q executed_count %q", row[26], row[33])
	}
	if len(e.query(admin, "catalog.event_messages")) == 0 {
		t.Fatal("the run logged nothing")
	}

	// A local run.
	local, err := e.c.CreateExecution(ctx, nil, admin, CreateExecutionArgs{FolderName: s("folder2"), ProjectName: s("project2"),
		PackageName: s("package2.dtsx"), Use32BitRuntime: b(false), RunInScaleOut: b(false)})
	must(t, err)
	must(t, e.c.StartExecution(ctx, nil, admin, &local, nil))
	settle()
	if st := e.status(local); st != StatusRunning {
		t.Fatalf("local hanging run status = %d", st)
	}
	stopID, err := e.c.StopOperation(ctx, nil, admin, &local)
	must(t, err)
	settle()
	if e.status(local) != StatusCanceled || e.status(stopID) != StatusSucceeded {
		t.Fatalf("after stop: %d, stop op %d", e.status(local), e.status(stopID))
	}

	// A hanging Scale Out run, stopped: stopping (8) until the master
	// reports the cancellation, then canceled (3) with stopped_by set.
	so, err := e.c.CreateExecution(ctx, nil, admin, CreateExecutionArgs{FolderName: s("folder2"), ProjectName: s("project2"),
		PackageName: s("package2.dtsx"), Use32BitRuntime: b(false), RunInScaleOut: b(true), UseAnyWorker: b(true)})
	must(t, err)
	must(t, e.c.StartExecution(ctx, nil, admin, &so, nil))
	settle()
	if st := e.status(so); st != StatusRunning {
		t.Fatalf("hanging Scale Out run status = %d", st)
	}
	stop2, err := e.c.StopOperation(ctx, nil, e.as(lSSIS), &so)
	must(t, err)
	settle()
	for range 3 {
		if e.status(so) == StatusCanceled {
			break
		}
		e.clk.Advance(time.Minute)
		settle()
	}
	if e.status(so) != StatusCanceled || e.status(stop2) != StatusSucceeded {
		t.Fatalf("Scale Out stop: execution %d, stop operation %d", e.status(so), e.status(stop2))
	}
	var stoppedBy string
	for _, r := range e.query(admin, "catalog.executions") {
		if r[0] == itoa(so) {
			stoppedBy = r[23]
		}
	}
	if stoppedBy != lSSIS {
		t.Fatalf("stopped_by_name = %q", stoppedBy)
	}
}
