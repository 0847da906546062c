package store

import (
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
)

// TestValidationsAreStored: a finished and a running validation, with
// their extended_operation_info rows and messages, and a data tap read the
// same after a reload; catalog.startup then ends the running validation
// (6), and the next info ids go on from the stored counter.
func TestValidationsAreStored(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(t0)
	a := newNode(t, dir, clk, nodeConfig{})
	ctx, sa, c := a.ctx, a.sa, a.c
	_, err := c.CreateFolder(ctx, nil, sa, str("f1"))
	a.ok(err)
	_, err = c.DeployProject(ctx, nil, sa, str("f1"), str("p1"), ispacOf(t, "p1", "pkg.dtsx", "other.dtsx"))
	a.ok(err)
	scope := str("D")
	done, err := c.ValidateProject(ctx, nil, sa, catalog.ValidateArgs{FolderName: str("f1"), ProjectName: str("p1"),
		ValidateType: str("F"), Use32BitRuntime: bit(true), EnvironmentScope: scope})
	a.ok(err)
	clk.Advance(time.Minute)
	running, err := c.ValidatePackage(ctx, nil, sa, catalog.ValidateArgs{FolderName: str("f1"), ProjectName: str("p1"),
		PackageName: str("pkg.dtsx"), Use32BitRuntime: bit(false), EnvironmentScope: scope})
	a.ok(err)
	if r := a.row("catalog.validations", "validation_id", done); r == nil || r["status"].Int64() != 7 {
		t.Fatalf("finished validation: %v", r)
	}
	// A data tap on a created execution.
	exec := a.execution("f1", "p1", "pkg.dtsx", false)
	max := int32(5)
	_, err = c.AddDataTap(ctx, nil, sa, catalog.AddDataTapArgs{ExecutionID: &exec, TaskPackagePath: str(`\Package\DFT`),
		PathIDString: str("Paths[a.b]"), DataFileName: str("tap.csv"), MaxRows: &max})
	a.ok(err)
	before := a.snapshot()
	if len(before["catalog.execution_data_taps"]) != 1 {
		t.Fatalf("execution_data_taps: %v", before["catalog.execution_data_taps"])
	}
	if len(before["catalog.extended_operation_info"]) != 3 {
		t.Fatalf("extended_operation_info: %v", before["catalog.extended_operation_info"])
	}
	a.stop()

	b := reload(t, dir, clk, nodeConfig{})
	diffSnapshots(t, before, b.snapshot())
	b.c.Startup(ctx)
	if r := b.row("catalog.validations", "validation_id", running); r == nil || r["status"].Int64() != 6 {
		t.Fatalf("running validation after startup: %v", r)
	}
	if r := b.row("catalog.extended_operation_info", "operation_id", running); r == nil || r["status"].Int64() != 6 || r["end_time"].IsNull() {
		t.Fatalf("its package after startup: %v", r)
	}
	next, err := b.c.ValidatePackage(ctx, nil, b.sa, catalog.ValidateArgs{FolderName: str("f1"), ProjectName: str("p1"),
		PackageName: str("other.dtsx"), Use32BitRuntime: bit(false), EnvironmentScope: scope})
	b.ok(err)
	if r := b.row("catalog.extended_operation_info", "operation_id", next); r == nil || r["info_id"].Int64() != 4 {
		t.Fatalf("the next info row: %v", r)
	}
}
