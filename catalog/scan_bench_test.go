package catalog

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// benchStatuses spreads executions over six statuses, as a busy catalog has.
var benchStatuses = []int32{7, 7, 7, 4, 2, 7, 3, 7, 6, 9}

// fillRun adds n finished-looking executions with msgs event messages each
// straight into the state (the scan benchmarks measure the views, not
// create_execution), with the fields a real run sets, so rows carry times,
// GUIDs and strings rather than NULLs.
func fillRun(c *Catalog, n, msgs int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.st
	machine := "EMULATOR"
	for i := range n {
		start := t0.Add(time.Duration(i) * time.Second)
		op := &Operation{ID: s.nextOp(), Type: OpExecution, Created: start, ObjectType: 20, ObjectID: ptr(int64(1)),
			ObjectName: ptr("project1"), Status: benchStatuses[i%len(benchStatuses)], Start: start, End: start.Add(90 * time.Second),
			CallerSID: []byte{1}, CallerName: "sa", GUID: c.opts.NewUUID(), ServerName: "EMULATOR", MachineName: &machine,
			ExecutedCount: ptr(int32(1)),
			Exec: &Execution{FolderName: "folder1", ProjectName: "project1", PackageName: "package1.dtsx", ProjectID: 1, ProjectLSN: 1,
				ExecutedAsSID: []byte{1}, ExecutedAsName: "sa"}}
		for k := range msgs {
			id := s.NextMessageID
			s.NextMessageID++
			op.Messages = append(op.Messages, &OperationMessage{ID: id, OperationID: op.ID, Time: start, Type: 70, SourceType: 40,
				Message: "step done", Event: &EventInfo{EventMessageID: ptr(id), PackageName: "package1.dtsx", EventName: "OnInformation",
					SourceName: "Task", SourceID: "{T}", PackagePath: `\Package`, ExecutionPath: `\package1`, ThreadID: int32(k),
					GUID: c.opts.NewUUID()}})
		}
		s.addOperation(op)
	}
}

func benchCatalog(n, msgs int) (*Catalog, *Caller) {
	c := New(Options{NewUUID: seqUUIDs(), Logins: []LoginSpec{{Name: lAdmin, Windows: true, Sysadmin: true}}})
	fillRun(c, n, msgs)
	cl, _ := c.CallerFor(lAdmin)
	return c, cl
}

// peakLive scans src once and reports how much more heap is live while
// the consumer runs than before the scan (sampled after a forced GC at
// four points of the scan): what a scan holds, without the garbage it
// leaves behind.
func peakLive(b *testing.B, src rows.Source, n int) uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapAlloc, uint64(0)
	step := max(n/4, 1)
	i := 0
	err := src.Scan(context.Background(), func(rows.Row) bool {
		if i++; i%step == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > base && ms.HeapAlloc-base > peak {
				peak = ms.HeapAlloc - base
			}
		}
		return true
	})
	if err != nil {
		b.Fatal(err)
	}
	return peak
}

// scanBench scans src in a loop, checking the row count, and reports time
// and allocations per row and the live heap a scan holds.
func scanBench(b *testing.B, src rows.Source, want int) {
	live := peakLive(b, src, want)
	b.ReportAllocs()
	b.ResetTimer()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	for b.Loop() {
		k := 0
		if err := src.Scan(context.Background(), func(rows.Row) bool { k++; return true }); err != nil {
			b.Fatal(err)
		}
		if k != want {
			b.Fatalf("%d rows, want %d", k, want)
		}
	}
	runtime.ReadMemStats(&ms1)
	b.StopTimer()
	rowsDone := float64(b.N) * float64(want)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/rowsDone, "ns/row")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/rowsDone, "allocs/row")
	b.ReportMetric(float64(live), "live-B")
}

// BenchmarkScanExecutions scans catalog.executions (34 columns) at 1,000 to
// 1,000,000 executions. live-B is the heap a scan holds while its consumer
// runs; it should not grow with n.
func BenchmarkScanExecutions(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			c, cl := benchCatalog(n, 0)
			src, _ := c.View(SSISDB, "catalog", "executions", cl)
			scanBench(b, src, n)
		})
	}
}

// BenchmarkScanEventMessages scans catalog.event_messages (17 columns) at
// 100,000 messages: 10,000 executions of 10, and one execution of 100,000
// (a scan that must pause inside one operation's messages).
func BenchmarkScanEventMessages(b *testing.B) {
	for _, shape := range []struct{ execs, per int }{{10_000, 10}, {1, 100_000}} {
		b.Run(fmt.Sprintf("executions=%d/messages=%d", shape.execs, shape.execs*shape.per), func(b *testing.B) {
			c, cl := benchCatalog(shape.execs, shape.per)
			src, _ := c.View(SSISDB, "catalog", "event_messages", cl)
			scanBench(b, src, shape.execs*shape.per)
		})
	}
}

// BenchmarkSeekMessages is a seek of one execution's 10 event messages
// among 100,000 (the inner side of the executions/event_messages join).
func BenchmarkSeekMessages(b *testing.B) {
	c, cl := benchCatalog(10_000, 10)
	src, _ := c.View(SSISDB, "catalog", "event_messages", cl)
	key := sqltype.NewBigInt(5000)
	b.ReportAllocs()
	for b.Loop() {
		k := 0
		if err := src.(rows.Seeker).Seek(context.Background(), 1, key, func(rows.Row) bool { k++; return true }); err != nil || k != 10 {
			b.Fatal(err, k)
		}
	}
}
