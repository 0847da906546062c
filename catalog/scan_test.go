package catalog

import (
	"context"
	"sync"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// smallChunks makes every scan of the test pause after about n values.
func smallChunks(t *testing.T, n int) {
	old := chunkValues
	chunkValues = n
	t.Cleanup(func() { chunkValues = old })
}

// scanIDs scans a view as admin and returns column col of each row,
// calling each (when set) after every row with no lock held.
func scanIDs(t *testing.T, c *Catalog, view string, col int, each func(i int)) []int64 {
	t.Helper()
	cl, _ := c.CallerFor(lAdmin)
	src, _ := c.View(SSISDB, "catalog", view, cl)
	var ids []int64
	err := src.Scan(context.Background(), func(r rows.Row) bool {
		ids = append(ids, r[col].Int64())
		if each != nil {
			each(len(ids))
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func ascending(t *testing.T, what string, ids []int64) {
	t.Helper()
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("%s: id %d after %d (row %d): a row repeated or out of order", what, ids[i], ids[i-1], i)
		}
	}
}

// TestScanRunsTheConsumerUnlocked: a long scan hands its rows over in
// chunks with the catalog's lock free, so the consumer may write to the
// catalog (here: take the write lock) in the middle of it.
func TestScanRunsTheConsumerUnlocked(t *testing.T) {
	c, _ := benchCatalog(1000, 0)
	ids := scanIDs(t, c, "executions", 0, func(int) {
		if !c.mu.TryLock() {
			t.Fatal("the catalog is locked while the consumer runs")
		}
		c.mu.Unlock()
	})
	if len(ids) != 1000 || ids[0] != 1 || ids[999] != 1000 {
		t.Fatalf("%d rows from %d to %d", len(ids), ids[0], ids[len(ids)-1])
	}
	ascending(t, "executions", ids)
}

// TestScanWhileRowsChange: rows added, removed (a rollback) and the
// catalog reset while a scan is between chunks: the scan sees each row at
// most once, in order, including rows added ahead of it, and ends cleanly
// when the catalog it started on is gone.
func TestScanWhileRowsChange(t *testing.T) {
	smallChunks(t, 100) // a few rows a chunk
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	_, err := e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(20), s("folder1"), s("project1"), s("Required"), sqltype.NewInt(5), nil, nil)
	must(t, err)
	for range 50 {
		e.mustCreate(false)
	}
	first, last := int64(2), e.mustCreate(false) // operation 1 is the deploy

	t.Run("added and rolled back", func(t *testing.T) {
		var added, rolledBack []int64
		ids := scanIDs(t, e.c, "executions", 0, func(i int) {
			if i%10 != 0 {
				return
			}
			added = append(added, e.mustCreate(false))
			tx := e.c.Begin()
			id, err := e.c.CreateExecution(e.ctx, tx, admin, CreateExecutionArgs{FolderName: s("folder1"), ProjectName: s("project1"),
				PackageName: s("package1.dtsx"), Use32BitRuntime: b(false), RunInScaleOut: b(false)})
			must(t, err)
			tx.Rollback()
			rolledBack = append(rolledBack, id)
		})
		ascending(t, "executions", ids)
		seen := map[int64]bool{}
		for _, id := range ids {
			seen[id] = true
		}
		for id := first; id <= last; id++ {
			if !seen[id] {
				t.Fatalf("execution %d, there before the scan, was not returned", id)
			}
		}
		for _, id := range rolledBack {
			if seen[id] {
				t.Fatalf("rolled-back execution %d returned", id)
			}
		}
		if !seen[added[0]] || !seen[added[len(added)-1]] {
			t.Fatalf("executions added ahead of the scan were not returned (added %v)", added)
		}
	})

	t.Run("messages appended inside the operation being scanned", func(t *testing.T) {
		id := e.mustCreate(false)
		must(t, e.c.StartExecution(e.ctx, nil, admin, &id, nil))
		batch := func(n int) []scaleout.EventMessage {
			out := make([]scaleout.EventMessage, n)
			for i := range out {
				out[i] = scaleout.EventMessage{Time: e.clk.Now(), MessageType: 70, MessageSourceType: 40, Message: "m", EventName: "OnInformation"}
			}
			return out
		}
		e.c.Messages(id, batch(40))
		col := column(t, e.c, "catalog.event_messages", "event_message_id")
		msgs := scanIDs(t, e.c, "event_messages", col, func(i int) {
			if i%7 == 0 {
				e.c.Messages(id, batch(2))
			}
		})
		ascending(t, "event_messages", msgs)
		if len(msgs) < 40 {
			t.Fatalf("%d messages", len(msgs))
		}
	})

	t.Run("reset", func(t *testing.T) {
		ids := scanIDs(t, e.c, "executions", 0, func(i int) {
			if i == 20 {
				e.c.Reset(e.ctx)
			}
		})
		ascending(t, "executions", ids)
		perChunk := (chunkValues + len(colsExecutions) - 1) / len(colsExecutions)
		if len(ids) < 20 || len(ids) > 20+perChunk {
			t.Fatalf("%d rows: the scan went on after the reset", len(ids))
		}
		if n := len(scanIDs(t, e.c, "executions", 0, nil)); n != 0 {
			t.Fatalf("%d executions after reset", n)
		}
	})
}

// TestParameterScanSurvivesListReplacement: set_execution_parameter_value
// rebuilds an execution's parameter list when it drops
// CUSTOMIZED_LOGGING_LEVEL, and a rollback puts the old list back, while a
// scan is paused inside the list past that parameter: no parameter is
// skipped or comes back twice (as it would if the scan kept its place by
// index).
func TestParameterScanSurvivesListReplacement(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	e.c.DefineLoggingLevel(e.ctx, "lvl", "", 1, 1)
	// A server logging level of 100 puts CUSTOMIZED_LOGGING_LEVEL among the
	// system parameters, before the parameters bound to variables.
	for _, p := range []struct {
		typ       int16
		name, obj string
	}{{20, "Environment", ""}, {20, "CM.Source.ConnectionString", ""}, {30, "BatchSize", "package1.dtsx"}} {
		var obj *string
		if p.obj != "" {
			obj = s(p.obj)
		}
		_, err := e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(p.typ), s("folder1"), s("project1"), s(p.name), sqltype.NewNVarChar("v"), obj, s("R"))
		must(t, err)
	}
	e.c.mu.Lock()
	e.c.st.CatalogProperties["SERVER_LOGGING_LEVEL"] = "100"
	e.c.mu.Unlock()
	id := e.mustCreate(false)
	names := e.query(admin, "catalog.execution_parameter_values")
	custom := -1
	for i, r := range names {
		if r[4] == "CUSTOMIZED_LOGGING_LEVEL" {
			custom = i
		}
	}
	if custom < 0 || custom > len(names)-3 {
		t.Fatalf("CUSTOMIZED_LOGGING_LEVEL at %d of %d parameters", custom, len(names))
	}
	smallChunks(t, 1) // one row a chunk: the scan pauses after every parameter
	var tx *Tx
	ids := scanIDs(t, e.c, "execution_parameter_values", 0, func(i int) {
		switch i {
		case custom + 1: // CUSTOMIZED_LOGGING_LEVEL and those before it are out
			tx = e.c.Begin()
			must(t, e.c.SetExecutionParameterValue(e.ctx, tx, admin, &id, i16(50), s("LOGGING_LEVEL"), sqltype.NewInt(1)))
		case custom + 2:
			tx.Rollback()
		}
	})
	ascending(t, "execution_parameter_values", ids)
	if len(ids) != len(names) {
		t.Fatalf("%d parameters, want %d", len(ids), len(names))
	}
}

// TestVariableScanSurvivesDeleteAndRollback: a variable deleted (and the
// deletion rolled back) before the place where a scan paused inside its
// environment does not make the scan skip or repeat a variable.
func TestVariableScanSurvivesDeleteAndRollback(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	must(t, e.c.CreateEnvironment(e.ctx, nil, admin, s("folder1"), s("env"), nil))
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		must(t, e.c.CreateEnvironmentVariable(e.ctx, nil, admin, s("folder1"), s("env"), s(name), s("Int32"), b(false), sqltype.NewInt(1), nil))
	}
	smallChunks(t, 1)
	var tx *Tx
	ids := scanIDs(t, e.c, "environment_variables", 0, func(i int) {
		switch i {
		case 2:
			tx = e.c.Begin()
			must(t, e.c.DeleteEnvironmentVariable(e.ctx, tx, admin, s("folder1"), s("env"), s("a")))
		case 3:
			tx.Rollback()
		}
	})
	ascending(t, "environment_variables", ids)
	if len(ids) != 5 {
		t.Fatalf("%d variables, want 5", len(ids))
	}
}

// TestSeekOfManyRowsIsChunked: a seek that matches many rows (all the
// messages of one execution) hands them over in chunks too, each once.
func TestSeekOfManyRowsIsChunked(t *testing.T) {
	smallChunks(t, 170) // ten message rows a chunk
	c, cl := benchCatalog(3, 1000)
	src, _ := c.View(SSISDB, "catalog", "event_messages", cl)
	var ids []int64
	must(t, src.(rows.Seeker).Seek(context.Background(), 1, sqltype.NewBigInt(2), func(r rows.Row) bool {
		if r[1].Int64() != 2 {
			t.Fatalf("seek of operation 2 returned a row of %d", r[1].Int64())
		}
		if !c.mu.TryLock() {
			t.Fatal("the catalog is locked while the consumer runs")
		}
		c.mu.Unlock()
		ids = append(ids, r[0].Int64())
		return true
	}))
	ascending(t, "seek", ids)
	if len(ids) != 1000 || ids[0] != 1001 {
		t.Fatalf("%d rows from %d", len(ids), ids[0])
	}
}

// TestScanStopsEarly: a consumer that returns false ends the scan there.
func TestScanStopsEarly(t *testing.T) {
	c, cl := benchCatalog(500, 0)
	src, _ := c.View(SSISDB, "catalog", "executions", cl)
	n := 0
	must(t, src.Scan(context.Background(), func(rows.Row) bool { n++; return n < 130 }))
	if n != 130 {
		t.Fatalf("%d rows after stopping at 130", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := src.Scan(ctx, func(rows.Row) bool { return true }); err != context.Canceled {
		t.Fatalf("scan with a cancelled context: %v", err)
	}
}

// TestScanAllocations: a scan's cost in allocations does not grow with
// the rows it returns (no per-row boxing, one pooled buffer per scan), and
// a point lookup allocates nothing of its own.
func TestScanAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	c, cl := benchCatalog(10_000, 0)
	src, _ := c.View(SSISDB, "catalog", "executions", cl)
	n := 0
	count := func(rows.Row) bool { n++; return true }
	scan := testing.AllocsPerRun(5, func() { must(t, src.Scan(context.Background(), count)) })
	if scan > 2 {
		t.Errorf("a scan of 10,000 executions allocates %v times", scan)
	}
	key := sqltype.NewBigInt(5000)
	seek := testing.AllocsPerRun(100, func() { must(t, src.(rows.Seeker).Seek(context.Background(), 0, key, count)) })
	if seek > 1 {
		t.Errorf("a seek allocates %v times", seek)
	}
}

// TestConcurrentScansAndWrites runs writers (creating, starting, logging,
// finishing and rolling back executions) against readers scanning and
// seeking the operation-backed views in small chunks; under -race it
// checks the locking, and each reader checks that no row comes twice.
func TestConcurrentScansAndWrites(t *testing.T) {
	smallChunks(t, 200)
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	_, err := e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(20), s("folder1"), s("project1"), s("Required"), sqltype.NewInt(5), nil, nil)
	must(t, err)
	stop := make(chan struct{})
	var writers, readers sync.WaitGroup
	for range 2 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for i := range 60 {
				id, err := e.create(admin, false)
				if err != nil {
					t.Error(err)
					return
				}
				if err := e.c.StartExecution(e.ctx, nil, admin, &id, nil); err != nil {
					t.Error(err)
					return
				}
				e.c.AttemptStarted(id, nil, 1, e.clk.Now())
				e.c.Messages(id, runMessages(e.clk.Now(), "package1.dtsx", i%3 == 0))
				e.c.Finished(id, scaleout.StatusSucceeded, 0, e.clk.Now())
				tx := e.c.Begin()
				if _, err := e.create(admin, false); err != nil {
					t.Error(err)
				}
				tx.Rollback()
			}
		}()
	}
	views := []struct {
		view string
		col  int
	}{{"executions", 0}, {"operations", 0}, {"event_messages", 0}, {"operation_messages", 0}, {"execution_parameter_values", 0},
		{"executables", 0}, {"executable_statistics", 0}}
	for _, v := range views {
		readers.Add(1)
		go func() {
			defer readers.Done()
			cl := e.as(lAdmin)
			src, _ := e.c.View(SSISDB, "catalog", v.view, cl)
			for {
				select {
				case <-stop:
					return
				default:
				}
				seen := map[int64]bool{}
				err := src.Scan(e.ctx, func(r rows.Row) bool {
					id := r[v.col].Int64()
					if seen[id] {
						t.Errorf("%s: row %d returned twice", v.view, id)
						return false
					}
					seen[id] = true
					return true
				})
				if err != nil {
					t.Error(err)
					return
				}
				if sk, ok := src.(rows.Seeker); ok {
					for _, col := range sk.SeekColumns() {
						_ = sk.Seek(e.ctx, col, sqltype.NewBigInt(7), func(rows.Row) bool { return true })
					}
				}
			}
		}()
	}
	writers.Wait()
	close(stop)
	readers.Wait()
	if got := e.c.ExecutionCounts(); got[StatusSucceeded] != 120 {
		t.Fatalf("counts %v, want 120 succeeded", got)
	}
}
