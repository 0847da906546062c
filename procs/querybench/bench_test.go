package querybench

import (
	"context"
	"encoding/binary"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/ssisdb"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

var statuses = []int32{7, 7, 7, 4, 2, 7, 3, 7, 6, 9}

// loaded returns a catalog holding n executions with msgs event messages
// each, built as a State and handed to LoadState (as the store does at
// start), and a session on it as sa.
func loaded(b *testing.B, n, msgs int) (*catalog.Catalog, tds.Session) {
	b.Helper()
	cat := catalog.New(catalog.Options{Logins: []catalog.LoginSpec{{Name: "sa", Password: "Bench!Pass1", Sysadmin: true}}})
	var st *catalog.State
	cat.ReadState(func(s *catalog.State) { st = s })
	t0 := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	machine := "EMULATOR"
	var seq uint64
	guid := func() uuid.UUID {
		seq++
		var u uuid.UUID
		binary.BigEndian.PutUint64(u[8:], seq)
		return u
	}
	msgID := int64(0)
	for i := 1; i <= n; i++ {
		id := int64(i)
		start := t0.Add(time.Duration(i) * time.Second)
		op := &catalog.Operation{ID: id, Type: catalog.OpExecution, Created: start, ObjectType: 20, Status: statuses[i%len(statuses)],
			Start: start, End: start.Add(90 * time.Second), CallerSID: []byte{1}, CallerName: "sa", GUID: guid(),
			ServerName: "EMULATOR", MachineName: &machine,
			Exec: &catalog.Execution{FolderName: "folder1", ProjectName: "project1", PackageName: fmt.Sprintf("package%d.dtsx", i%20),
				ExecutedAsSID: []byte{1}, ExecutedAsName: "sa"}}
		for k := range msgs {
			msgID++
			mid := msgID
			op.Messages = append(op.Messages, &catalog.OperationMessage{ID: mid, OperationID: id, Time: start, Type: 70, SourceType: 40,
				Message: "step done", Event: &catalog.EventInfo{EventMessageID: &mid, PackageName: op.Exec.PackageName,
					EventName: "OnInformation", SourceName: "Task", ThreadID: int32(k), GUID: guid()}})
		}
		st.Operations[id] = op
	}
	st.NextOperationID, st.NextMessageID = int64(n)+1, msgID+1
	if err := cat.LoadState(st); err != nil {
		b.Fatal(err)
	}
	return cat, session(b, cat, false)
}

// session opens a session as sa on an engine over cat; with scanAll the
// engine builds every column of every view it scans (no projection
// pushdown), the baseline of the projection tests and benchmarks.
func session(b testing.TB, cat *catalog.Catalog, scanAll bool) tds.Session {
	b.Helper()
	eng := procs.New(procs.Config{Catalog: ssisdb.NewAdapter(cat), Procs: ssisdb.Procs(cat), ScanAllColumns: scanAll})
	s, _, err := eng.Open(context.Background(), &tds.Login{UserName: "sa", SPID: 52})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// counter counts result rows and fails the benchmark on an error message.
type counter struct {
	b    *testing.B
	rows int
}

func (c *counter) Columns([]tds.Column) error { return nil }
func (c *counter) Row([]any) error            { c.rows++; return nil }
func (c *counter) Done(tds.Done) error        { return nil }
func (c *counter) Message(m tds.Message) error {
	if m.Class > 10 {
		c.b.Fatalf("Msg %d: %s", m.Number, m.Text)
	}
	return nil
}
func (c *counter) ReturnStatus(int32) error          { return nil }
func (c *counter) ReturnValue(tds.ReturnValue) error { return nil }
func (c *counter) EnvChange(tds.EnvChange) error     { return nil }
func (c *counter) Flush() error                      { return nil }

// run benchmarks one batch, checking its row count, and reports the heap
// growth seen across the run (peak-heap-B: the largest HeapInuse sampled
// by a watcher every millisecond, less HeapInuse after a GC before it).
func run(b *testing.B, s tds.Session, sql string, want int) {
	b.Helper()
	ctx := context.Background()
	once := func() {
		c := &counter{b: b}
		if err := s.Batch(ctx, sql, c); err != nil {
			b.Fatal(err)
		}
		if c.rows != want {
			b.Fatalf("%d rows, want %d", c.rows, want)
		}
	}
	peak := heapPeak(once)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		once()
	}
	b.ReportMetric(float64(peak), "peak-heap-B")
}

// heapPeak runs f once while sampling the heap in use, and returns the
// largest growth over what was in use before f started.
func heapPeak(f func()) uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	stop, done := make(chan struct{}), make(chan uint64)
	go func() {
		var m runtime.MemStats
		var peak uint64
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > base && m.HeapInuse-base > peak {
				peak = m.HeapInuse - base
			}
			select {
			case <-stop:
				done <- peak
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(stop)
	return <-done
}

// BenchmarkGroupByStatus is the /metrics-style count of executions by
// status over 1,000,000 executions, through the engine; COUNT(*) over the
// same scan is its baseline.
func BenchmarkGroupByStatus(b *testing.B) {
	_, s := loaded(b, 1_000_000, 0)
	b.Run("group-by-status/executions=1000000", func(b *testing.B) {
		run(b, s, "SELECT status, COUNT(*) FROM SSISDB.catalog.executions GROUP BY status", 6)
	})
	b.Run("count-baseline/executions=1000000", func(b *testing.B) {
		run(b, s, "SELECT COUNT(*) FROM SSISDB.catalog.executions", 1)
	})
}

// BenchmarkJoinEventMessages joins executions with their event messages at
// 100,000 messages (10,000 executions of 10), next to a plain select of
// the messages as the baseline.
func BenchmarkJoinEventMessages(b *testing.B) {
	_, s := loaded(b, 10_000, 10)
	b.Run("join/messages=100000", func(b *testing.B) {
		run(b, s, `SELECT e.execution_id, e.package_name, m.message_time, m.message
FROM SSISDB.catalog.executions e JOIN SSISDB.catalog.event_messages m ON m.operation_id = e.execution_id`, 100_000)
	})
	b.Run("select-messages-baseline/messages=100000", func(b *testing.B) {
		run(b, s, "SELECT operation_id, message_time, message FROM SSISDB.catalog.event_messages", 100_000)
	})
}

// BenchmarkPointLookup is a poll loop's query, by execution_id, at 1,000
// and 1,000,000 executions: a seek, flat in n.
func BenchmarkPointLookup(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		_, s := loaded(b, n, 0)
		b.Run(fmt.Sprintf("executions=%d", n), func(b *testing.B) {
			run(b, s, "SELECT status, end_time FROM SSISDB.catalog.executions WHERE execution_id = 500", 1)
		})
	}
}

// BenchmarkNewestExecutions is a dashboard's "newest N runs" (TOP 1 and
// TOP 50 ... ORDER BY execution_id DESC) at 1,000, 100,000 and 1,000,000
// executions. The sort-baseline rows order by execution_id + 0, which no
// source can hand over in order: the scan and top-N sort every query paid
// before ordered scans.
func BenchmarkNewestExecutions(b *testing.B) {
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		_, s := loaded(b, n, 0)
		for _, top := range []int{1, 50} {
			b.Run(fmt.Sprintf("top%d/executions=%d", top, n), func(b *testing.B) {
				run(b, s, fmt.Sprintf("SELECT TOP %d execution_id, status, end_time FROM SSISDB.catalog.executions ORDER BY execution_id DESC", top), top)
			})
			b.Run(fmt.Sprintf("top%d-sort-baseline/executions=%d", top, n), func(b *testing.B) {
				run(b, s, fmt.Sprintf("SELECT TOP %d execution_id, status, end_time FROM SSISDB.catalog.executions ORDER BY execution_id + 0 DESC", top), top)
			})
		}
	}
}

// BenchmarkInListLookup looks two executions up by id at 100,000
// executions, as IN and as OR; the scan-baseline hides the key (id + 0)
// so that every row is read.
func BenchmarkInListLookup(b *testing.B) {
	_, s := loaded(b, 100_000, 0)
	for _, q := range []struct{ name, sql string }{
		{"in", "SELECT status FROM SSISDB.catalog.executions WHERE execution_id IN (500, 501)"},
		{"or", "SELECT status FROM SSISDB.catalog.executions WHERE execution_id = 500 OR execution_id = 501"},
		{"in-scan-baseline", "SELECT status FROM SSISDB.catalog.executions WHERE execution_id + 0 IN (500, 501)"},
	} {
		b.Run(q.name+"/executions=100000", func(b *testing.B) {
			run(b, s, q.sql, 2)
		})
	}
}

// BenchmarkPollLookup is a poll loop's lookup as scripts and drivers send
// it: a batch with a variable, and sp_executesql by RPC (what go-mssqldb
// sends for a query with parameters), at 1,000 executions; allocs/op is
// the engine's cost per lookup.
func BenchmarkPollLookup(b *testing.B) {
	_, s := loaded(b, 1_000, 0)
	b.Run("batch-variable", func(b *testing.B) {
		run(b, s, "DECLARE @id bigint = 500\nSELECT status FROM SSISDB.catalog.executions WHERE execution_id = @id", 1)
	})
	b.Run("sp_executesql", func(b *testing.B) {
		rpc := &tds.RPCRequest{Name: "sp_executesql", ProcID: tds.ProcExecuteSQL, Params: []tds.Param{
			{Type: tds.TypeInfo{ID: tds.TypeNVarChar, Size: 200, Collation: tds.DefaultCollation}, Value: "SELECT status FROM SSISDB.catalog.executions WHERE execution_id = @id"},
			{Type: tds.TypeInfo{ID: tds.TypeNVarChar, Size: 40, Collation: tds.DefaultCollation}, Value: "@id bigint"},
			{Name: "@id", Type: tds.TypeInfo{ID: tds.TypeIntN, Size: 8}, Value: int64(500)},
		}}
		ctx := context.Background()
		once := func() {
			c := &counter{b: b}
			if err := s.RPC(ctx, rpc, c); err != nil {
				b.Fatal(err)
			}
			if c.rows != 1 {
				b.Fatalf("%d rows", c.rows)
			}
		}
		b.ReportAllocs()
		for b.Loop() {
			once()
		}
	})
}

// BenchmarkProjection measures projection pushdown: each query runs on a
// session whose scans build every column of the view (all-columns, what
// every scan did before) and on one whose scans build only the columns the
// query reads (pruned), over the same catalog in the same run: GROUP BY
// status and COUNT(*) at 100,000 and 1,000,000 executions, a point lookup
// and the 50 newest at 1,000,000, and the join of executions with their
// event messages at 100,000 messages.
func BenchmarkProjection(b *testing.B) {
	type query struct {
		name, sql string
		rows      int
	}
	both := func(b *testing.B, n string, s [2]tds.Session, qs []query) {
		for _, q := range qs {
			for i, mode := range []string{"all-columns", "pruned"} {
				b.Run(q.name+"/"+mode+"/"+n, func(b *testing.B) { run(b, s[i], q.sql, q.rows) })
			}
		}
	}
	for _, n := range []int{100_000, 1_000_000} {
		cat, pruned := loaded(b, n, 0)
		qs := []query{
			{"group-by-status", "SELECT status, COUNT(*) FROM SSISDB.catalog.executions GROUP BY status", 6},
			{"count", "SELECT COUNT(*) FROM SSISDB.catalog.executions", 1},
		}
		if n == 1_000_000 {
			qs = append(qs,
				query{"point-lookup", "SELECT status, end_time FROM SSISDB.catalog.executions WHERE execution_id = 500", 1},
				query{"top50-newest", "SELECT TOP 50 execution_id, status, end_time FROM SSISDB.catalog.executions ORDER BY execution_id DESC", 50})
		}
		both(b, fmt.Sprintf("executions=%d", n), [2]tds.Session{session(b, cat, true), pruned}, qs)
	}
	cat, pruned := loaded(b, 10_000, 10)
	both(b, "messages=100000", [2]tds.Session{session(b, cat, true), pruned}, []query{
		{"join", `SELECT e.execution_id, e.package_name, m.message_time, m.message
FROM SSISDB.catalog.executions e JOIN SSISDB.catalog.event_messages m ON m.operation_id = e.execution_id`, 100_000},
	})
}
