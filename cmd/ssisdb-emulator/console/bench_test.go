package console

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
)

// benchConsole is fuzzConsole with n executions created and started (the
// catalog has no master, so they stay pending).
func benchConsole(b *testing.B, n int) (*Console, *session, *catalog.Caller) {
	c, ss := fuzzConsole(b)
	caller, _ := c.cat.CallerFor(`EMU\admin`)
	ctx := context.Background()
	for i := range n {
		pkg := [3]string{"folder1", "project1", "package1.dtsx"}
		if i%2 == 1 {
			pkg = [3]string{"folder2", "project2", "package2.dtsx"}
		}
		id, err := c.cat.CreateExecution(ctx, nil, caller, catalog.CreateExecutionArgs{FolderName: &pkg[0], ProjectName: &pkg[1],
			PackageName: &pkg[2], Use32BitRuntime: new(false), RunInScaleOut: new(true), UseAnyWorker: new(true)})
		if err != nil {
			b.Fatal(err)
		}
		if err := c.cat.StartExecution(ctx, nil, caller, &id, nil); err != nil {
			b.Fatal(err)
		}
	}
	return c, ss, caller
}

// BenchmarkReport renders All Executions (counters, both charts, the newest
// 500 rows) over n executions. BenchmarkExecutionsScan is its baseline: the
// catalog.executions scan the page starts with.
func BenchmarkReport(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			c, ss, _ := benchConsole(b, n)
			b.ReportAllocs()
			for b.Loop() {
				if rec := c.fuzzRequest(ss, http.MethodGet, "/executions", ""); rec.Code != http.StatusOK {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}

func BenchmarkExecutionsScan(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			c, _, caller := benchConsole(b, n)
			b.ReportAllocs()
			for b.Loop() {
				src, _ := c.cat.View(catalog.SSISDB, "catalog", "executions", caller)
				count := 0
				if err := src.Scan(context.Background(), func(rows.Row) bool { count++; return true }); err != nil || count != n {
					b.Fatal(err, count)
				}
			}
		})
	}
}

// BenchmarkOverview renders one execution's overview among 1000.
func BenchmarkOverview(b *testing.B) {
	c, ss, _ := benchConsole(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		if rec := c.fuzzRequest(ss, http.MethodGet, "/executions/500", ""); rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}
