package catalog

import (
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// scannedCounts groups catalog.executions by status, as /metrics did before
// the counts were kept.
func scannedCounts(t *testing.T, e *env) StatusCounts {
	t.Helper()
	src, _ := e.c.View(SSISDB, "catalog", "executions", e.as(lAdmin))
	col := column(t, e.c, "catalog.executions", "status")
	var n StatusCounts
	must(t, src.Scan(e.ctx, func(r rows.Row) bool {
		n[statusSlot(int32(r[col].Int64()))]++
		return true
	}))
	return n
}

func counts(pairs ...int) StatusCounts {
	var n StatusCounts
	for i := 0; i < len(pairs); i += 2 {
		n[pairs[i]] = pairs[i+1]
	}
	return n
}

// TestExecutionCounts follows executions through their statuses and the
// ways the catalog adds, undoes and replaces them, checking the kept counts
// against a scan after each step.
func TestExecutionCounts(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	w := e.addWorker()
	_, err := e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(20), s("folder1"), s("project1"), s("Required"), sqltype.NewInt(5), nil, nil)
	must(t, err)
	var created, local, scaleOut, stopID int64
	steps := []struct {
		name string
		do   func()
		want StatusCounts
	}{
		{"empty", func() {}, counts()},
		{"created", func() { created = e.mustCreate(false) }, counts(1, 1)},
		{"a failed create_execution is no execution", func() {
			_, err := e.c.CreateExecution(e.ctx, nil, admin, CreateExecutionArgs{FolderName: s("folder1"), ProjectName: s("project1"),
				PackageName: s("nope.dtsx"), Use32BitRuntime: b(false)})
			if err == nil {
				t.Fatal("create_execution of a missing package succeeded")
			}
		}, counts(1, 1)},
		{"rolled back create_execution", func() {
			tx := e.c.Begin()
			_, err := e.c.CreateExecution(e.ctx, tx, admin, CreateExecutionArgs{FolderName: s("folder1"), ProjectName: s("project1"),
				PackageName: s("package1.dtsx"), Use32BitRuntime: b(false), RunInScaleOut: b(false)})
			must(t, err)
			if got := e.c.ExecutionCounts(); got != counts(1, 2) {
				t.Fatalf("inside the transaction: %v", got)
			}
			tx.Rollback()
		}, counts(1, 1)},
		{"started locally", func() {
			local = e.mustCreate(false)
			must(t, e.c.StartExecution(e.ctx, nil, admin, &local, nil))
		}, counts(1, 1, 5, 1)},
		{"running", func() { e.c.AttemptStarted(local, nil, 1, e.clk.Now()) }, counts(1, 1, 2, 1)},
		{"succeeded", func() { e.c.Finished(local, scaleout.StatusSucceeded, 0, e.clk.Now()) }, counts(1, 1, 7, 1)},
		{"a late report of a final execution changes nothing", func() {
			e.c.Finished(local, scaleout.StatusFailed, 0, e.clk.Now())
		}, counts(1, 1, 7, 1)},
		{"Scale Out, running, stopping", func() {
			scaleOut = e.mustCreate(true)
			must(t, e.c.AddExecutionWorker(e.ctx, nil, admin, &scaleOut, &w))
			must(t, e.c.StartExecution(e.ctx, nil, admin, &scaleOut, nil))
			e.c.AttemptStarted(scaleOut, &scaleout.Worker{ID: w, MachineName: "W"}, 1, e.clk.Now())
			var err error
			stopID, err = e.c.StopOperation(e.ctx, nil, admin, &scaleOut)
			must(t, err)
		}, counts(1, 1, 7, 1, 8, 1)},
		{"canceled", func() { e.c.Finished(scaleOut, scaleout.StatusCanceled, stopID, e.clk.Now()) }, counts(1, 1, 3, 1, 7, 1)},
		{"a status outside 1..9 counts in slot 0", func() {
			x := e.mustCreate(false)
			must(t, e.c.StartExecution(e.ctx, nil, admin, &x, nil))
			e.c.Finished(x, 42, 0, e.clk.Now())
		}, counts(0, 1, 1, 1, 3, 1, 7, 1)},
		{"a status change undone by a rollback", func() {
			tx := e.c.Begin()
			e.c.mu.Lock()
			e.c.setStatus(tx, e.c.st.Operations[created], StatusFailed)
			e.c.mu.Unlock()
			if got := e.c.ExecutionCounts(); got != counts(0, 1, 3, 1, 4, 1, 7, 1) {
				t.Fatalf("inside the transaction: %v", got)
			}
			tx.Rollback()
		}, counts(0, 1, 1, 1, 3, 1, 7, 1)},
		{"reloaded, and catalog.startup ends the unfinished", func() {
			pending := e.mustCreate(false)
			must(t, e.c.StartExecution(e.ctx, nil, admin, &pending, nil))
			var st *State
			e.c.ReadState(func(s *State) { st = s })
			fresh := &State{}
			*fresh = *st
			fresh.execCounts = StatusCounts{} // as the store builds it
			must(t, e.c.LoadState(fresh))
			if got := e.c.ExecutionCounts(); got != counts(0, 1, 1, 1, 3, 1, 5, 1, 7, 1) {
				t.Fatalf("after LoadState: %v", got)
			}
			e.clk.Advance(time.Second)
			e.c.Startup(e.ctx)
		}, counts(0, 1, 1, 1, 3, 1, 6, 1, 7, 1)},
		{"reset", func() { e.c.Reset(e.ctx) }, counts()},
	}
	for _, st := range steps {
		st.do()
		if got := e.c.ExecutionCounts(); got != st.want {
			t.Fatalf("%s: counts %v, want %v", st.name, got, st.want)
		}
		if scanned := scannedCounts(t, e); scanned != st.want {
			t.Fatalf("%s: the scan counts %v, want %v", st.name, scanned, st.want)
		}
	}
}

// BenchmarkExecutionCounts is what a /metrics scrape costs the catalog,
// at 1,000 and 1,000,000 executions.
func BenchmarkExecutionCounts(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		c, _ := benchCatalog(n, 0)
		b.Run("n="+itoa(int64(n)), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if got := c.ExecutionCounts(); got[7] == 0 {
					b.Fatal(got)
				}
			}
		})
	}
}
