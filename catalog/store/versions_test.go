package store

import (
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
)

// TestProjectVersionsAreStored: the kept versions of a project (with their
// .ispac) read the same after a reload, and one of them can be restored
// there: its packages and stream come back.
func TestProjectVersionsAreStored(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(t0)
	a := newNode(t, dir, clk, nodeConfig{})
	ctx, sa, c := a.ctx, a.sa, a.c
	_, err := c.CreateFolder(ctx, nil, sa, str("f1"))
	a.ok(err)
	first := ispacOf(t, "p1", "pkg.dtsx")
	_, err = c.DeployProject(ctx, nil, sa, str("f1"), str("p1"), first)
	a.ok(err)
	_, err = c.DeployProject(ctx, nil, sa, str("f1"), str("p1"), ispacOf(t, "p1", "pkg.dtsx", "more.dtsx"))
	a.ok(err)
	before := a.snapshot()
	if len(before["catalog.object_versions"]) != 2 {
		t.Fatalf("object_versions: %v", before["catalog.object_versions"])
	}
	a.stop()

	b := reload(t, dir, clk, nodeConfig{})
	diffSnapshots(t, before, b.snapshot())
	_, err = b.c.RestoreProject(ctx, nil, b.sa, str("f1"), str("p1"), i64(1))
	b.ok(err)
	stream, err := b.c.GetProject(ctx, b.sa, str("f1"), str("p1"))
	b.ok(err)
	if string(stream) != string(first) {
		t.Fatal("the restored version's .ispac differs from the one deployed")
	}
	if n := len(b.snapshot()["catalog.packages"]); n != 1 {
		t.Fatalf("%d packages after restoring version 1", n)
	}
}
