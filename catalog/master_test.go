package catalog

import (
	"testing"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// The real master must keep fitting the catalog's Master interface.
var _ Master = (*scaleout.Master)(nil)

// TestScaleOutDocExample is the Scale Out documentation's own batch
// (testdata/scripts/scaleout-doc-example.sql) at the Go level: the binder
// maps @runincluster=True to RunInScaleOut, @useanyworker=False, a smallint
// LOGGING_LEVEL, the worker added by id, then start with @retry_count=0.
func TestScaleOutDocExample(t *testing.T) {
	e := newEnv(t, false)
	must(t, e.c.DemoCatalog(e.ctx))
	w := uuid.MustParse(worker1)
	if _, err := e.c.DefineWorker(e.ctx, scaleout.WorkerConfig{ID: w, Enabled: true}); err != nil {
		t.Fatal(err)
	}
	admin := e.as(lAdmin)
	for i, pk := range []string{"package1.dtsx", "package2.dtsx"} {
		folder, project := "folder1", "project1"
		if i == 1 {
			folder, project = "folder2", "project2"
		}
		id, err := e.c.CreateExecution(e.ctx, nil, admin, CreateExecutionArgs{PackageName: s(pk), FolderName: s(folder),
			ProjectName: s(project), Use32BitRuntime: b(false), UseAnyWorker: b(false), RunInScaleOut: b(true)})
		must(t, err)
		must(t, e.c.SetExecutionParameterValue(e.ctx, nil, admin, &id, i16(50), s("LOGGING_LEVEL"), sqltype.NewSmallInt(1)))
		must(t, e.c.AddExecutionWorker(e.ctx, nil, admin, &id, &w))
		must(t, e.c.StartExecution(e.ctx, nil, admin, &id, i32(0)))
		if e.status(id) != StatusPending {
			t.Fatalf("%s: status %d, want 5", pk, e.status(id))
		}
	}
	jw := e.query(admin, "internal.job_worker_agents")
	if len(jw) != 2 || jw[0][1] != w.String() && jw[0][1] != guidText(w) {
		t.Fatalf("job_worker_agents = %v", jw)
	}
}
