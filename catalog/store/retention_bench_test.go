package store

import (
	"context"
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
)

// BenchmarkRetentionCleanupStored is one durable retention cleanup of
// 100,000 old executions (created by create_execution, with their
// parameter values and permissions), stored first: the cleanup deletes
// 100,000 operation rows with their messages and permission rows in one
// write. "memory" is the same cleanup with no store, in the same run.
func BenchmarkRetentionCleanupStored(b *testing.B) {
	for _, disk := range []bool{false, true} {
		name := "memory"
		if disk {
			name = "disk"
		}
		b.Run(name+"/old=100000", func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				clk := clock.NewFake(t0)
				c := catalog.New(catalog.Options{Clock: clk, Logins: testLogins})
				sa, _ := c.CallerFor("sa")
				ctx := context.Background()
				if _, err := c.CreateFolder(ctx, nil, sa, str("f")); err != nil {
					b.Fatal(err)
				}
				if _, err := c.DeployProject(ctx, nil, sa, str("f"), str("p"), ispacOf(b, "p", "pkg.dtsx")); err != nil {
					b.Fatal(err)
				}
				args := catalog.CreateExecutionArgs{FolderName: str("f"), ProjectName: str("p"), PackageName: str("pkg.dtsx"),
					Use32BitRuntime: bit(false), RunInScaleOut: bit(false), UseAnyWorker: bit(true)}
				for range 100_000 {
					if _, err := c.CreateExecution(ctx, nil, sa, args); err != nil {
						b.Fatal(err)
					}
				}
				var s *Store
				if disk {
					var err error
					if s, err = Open(b.TempDir(), Options{}); err != nil {
						b.Fatal(err)
					}
					if _, err := s.Attach(ctx, c, nil); err != nil {
						b.Fatal(err)
					}
				}
				clk.Advance(400 * 24 * time.Hour)
				b.StartTimer()
				res, err := c.RunMaintenance(ctx)
				b.StopTimer()
				if err != nil || res.Retention.Executions != 100_000 {
					b.Fatalf("%+v %v", res, err)
				}
				if s != nil {
					s.Close()
				}
			}
		})
	}
}
