package ssisdb

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// benchCatalog is a catalog holding n executions with msgs event messages
// each, loaded straight into its state (the benchmarks measure queries,
// not create_execution), and a session on it as sa.
func benchCatalog(b *testing.B, n, msgs int) (*catalog.Catalog, tds.Session) {
	b.Helper()
	cat := catalog.New(catalog.Options{Logins: []catalog.LoginSpec{{Name: "sa", Password: "Secret!Pass1", Sysadmin: true}}})
	var st *catalog.State
	cat.ReadState(func(s *catalog.State) { st = s })
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	statuses := []int32{7, 7, 7, 4, 2, 7, 3, 7, 6, 9}
	msgID := int64(0)
	for i := 1; i <= n; i++ {
		id := int64(i)
		start := t0.Add(time.Duration(i) * time.Second)
		op := &catalog.Operation{ID: id, Type: 200, Created: start, ObjectType: 20, Status: statuses[i%len(statuses)],
			Start: start, End: start.Add(90 * time.Second), CallerName: "sa", ServerName: "EMULATOR", GUID: uuid.New(),
			Exec: &catalog.Execution{FolderName: "folder1", ProjectName: "project1", PackageName: fmt.Sprintf("package%d.dtsx", i%20)}}
		for k := 0; k < msgs; k++ {
			msgID++
			mid := msgID
			typ := int16(70)
			if k == msgs-1 && op.Status == 4 {
				typ = 120
			}
			op.Messages = append(op.Messages, &catalog.OperationMessage{ID: mid, OperationID: id, Time: start, Type: typ, SourceType: 40,
				Message: "step done", Event: &catalog.EventInfo{EventMessageID: &mid, PackageName: op.Exec.PackageName, EventName: "OnInformation"}})
		}
		st.Operations[id] = op
	}
	st.NextOperationID = int64(n) + 1
	st.NextMessageID = msgID + 1
	if err := cat.LoadState(st); err != nil {
		b.Fatal(err)
	}
	eng := procs.New(procs.Config{Catalog: NewAdapter(cat), Procs: Procs(cat)})
	s, _, err := eng.Open(context.Background(), &tds.Login{UserName: "sa", SPID: 61})
	if err != nil {
		b.Fatal(err)
	}
	return cat, s
}

// rowCounter counts rows and fails on error messages.
type rowCounter struct {
	discard
	rows int
}

func (r *rowCounter) Row([]any) error { r.rows++; return nil }

func runQuery(b *testing.B, s tds.Session, sql string, wantRows int) {
	b.Helper()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		rc := &rowCounter{discard: discard{b}}
		if err := s.Batch(ctx, sql, rc); err != nil {
			b.Fatal(err)
		}
		if wantRows >= 0 && rc.rows != wantRows {
			b.Fatalf("%d rows, want %d", rc.rows, wantRows)
		}
	}
}

// BenchmarkCatalogPointLookup is a lookup by execution_id on
// catalog.executions with 1,000 and 1,000,000 executions: a seek, so the
// same time within noise. The scan of 1,000 rows is the baseline a lookup
// without the seek would start from.
func BenchmarkCatalogPointLookup(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		_, s := benchCatalog(b, n, 0)
		b.Run(fmt.Sprintf("seek/executions=%d", n), func(b *testing.B) {
			runQuery(b, s, "SELECT status, package_name FROM SSISDB.catalog.executions WHERE execution_id = 500", 1)
		})
		if n == 1_000 {
			b.Run("scan-baseline/executions=1000", func(b *testing.B) {
				runQuery(b, s, "SELECT status, package_name FROM SSISDB.catalog.executions WHERE execution_id + 0 = 500", 1)
			})
		}
	}
}

// BenchmarkCatalogJoin joins executions with event_messages at 100,000
// messages (10,000 executions of 10 messages): an index nested loops join
// that seeks the messages of each execution. The baselines in the same run
// are the catalog scan of the 100,000 messages on its own and the engine
// streaming them.
func BenchmarkCatalogJoin(b *testing.B) {
	cat, s := benchCatalog(b, 10_000, 10)
	b.Run("join/messages=100000", func(b *testing.B) {
		runQuery(b, s, `SELECT e.execution_id, e.package_name, m.message_time, m.message
FROM SSISDB.catalog.executions e JOIN SSISDB.catalog.event_messages m ON m.operation_id = e.execution_id`, 100_000)
	})
	b.Run("join-filter-errors/messages=100000", func(b *testing.B) {
		runQuery(b, s, `SELECT e.package_name, COUNT(*) FROM SSISDB.catalog.executions e
JOIN SSISDB.catalog.event_messages m ON m.operation_id = e.execution_id
WHERE m.message_type = 120 GROUP BY e.package_name`, -1)
	})
	b.Run("select-messages-baseline/messages=100000", func(b *testing.B) {
		runQuery(b, s, "SELECT operation_id, message_time, message FROM SSISDB.catalog.event_messages", 100_000)
	})
	b.Run("catalog-scan-baseline/messages=100000", func(b *testing.B) {
		scanBaseline(b, cat, "event_messages", 100_000)
	})
}

// BenchmarkCatalogGroupBy is GROUP BY status over catalog.executions,
// next to COUNT(*) over the same scan and the catalog's own scans: of
// every column (34 values an execution) and of status alone, which is
// what the engine asks for (projection pushdown, rows.Projector). The
// all-columns and projected figures at 100,000 and 1,000,000 executions
// are procs/querybench's BenchmarkProjection.
func BenchmarkCatalogGroupBy(b *testing.B) {
	const n = 100_000
	cat, s := benchCatalog(b, n, 0)
	b.Run("group-by-status/executions=100000", func(b *testing.B) {
		runQuery(b, s, "SELECT status, COUNT(*) FROM SSISDB.catalog.executions GROUP BY status", 6)
	})
	b.Run("count-baseline/executions=100000", func(b *testing.B) {
		runQuery(b, s, "SELECT COUNT(*) FROM SSISDB.catalog.executions", 1)
	})
	b.Run("catalog-scan-baseline/executions=100000", func(b *testing.B) {
		scanBaseline(b, cat, "executions", n)
	})
	b.Run("catalog-scan-status-baseline/executions=100000", func(b *testing.B) {
		sa, _ := cat.CallerFor("sa")
		src, _ := cat.View(catalog.SSISDB, "catalog", "executions", sa)
		need := make([]bool, len(src.Columns()))
		for i, c := range src.Columns() {
			need[i] = c.Name == "status"
		}
		status := src.(rows.Projector).Project(need)
		b.ReportAllocs()
		for b.Loop() {
			k := 0
			status.Scan(context.Background(), func(rows.Row) bool { k++; return true })
			if k != n {
				b.Fatal(k)
			}
		}
	})
}

// scanBaseline measures scanning the catalog view directly, without the
// engine: the floor a query over it can reach.
func scanBaseline(b *testing.B, cat *catalog.Catalog, view string, want int) {
	sa, _ := cat.CallerFor("sa")
	src, _ := cat.View(catalog.SSISDB, "catalog", view, sa)
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		src.Scan(context.Background(), func(rows.Row) bool { n++; return true })
		if n != want {
			b.Fatal(n)
		}
	}
}
