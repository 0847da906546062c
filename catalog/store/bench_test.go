package store

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// BenchmarkCreateSetStart measures create_execution +
// set_execution_parameter_value + start_execution (Scale Out, one worker,
// runs that succeed at once, so the master's reports are written too), in
// memory and with a data directory, from one session and from 32. The
// executions/s metric is the figure for docs/benchmarks.md; the in-memory
// run is the baseline of the same run.
func BenchmarkCreateSetStart(b *testing.B) {
	for _, mode := range []string{"memory", "datadir"} {
		for _, sessions := range []int{1, 32} {
			b.Run(mode+"/sessions="+itoa(int64(sessions)), func(b *testing.B) {
				c, sa, stop := benchCatalog(b, mode == "datadir")
				defer stop()
				ctx := context.Background()
				one := func() {
					id, err := c.CreateExecution(ctx, nil, sa, catalog.CreateExecutionArgs{FolderName: str("f"), ProjectName: str("p"),
						PackageName: str("pkg.dtsx"), Use32BitRuntime: bit(false), RunInScaleOut: bit(true), UseAnyWorker: bit(true)})
					if err == nil {
						err = c.SetExecutionParameterValue(ctx, nil, sa, &id, i16(30), str("BatchSize"), sqltype.NewInt(10))
					}
					if err == nil {
						err = c.StartExecution(ctx, nil, sa, &id, nil)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ResetTimer()
				start := time.Now()
				if sessions == 1 {
					for b.Loop() {
						one()
					}
				} else {
					b.SetParallelism(max(1, sessions/runtime.GOMAXPROCS(0)))
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							one()
						}
					})
				}
				b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "executions/s")
			})
		}
	}
}

func benchCatalog(b *testing.B, disk bool) (*catalog.Catalog, *catalog.Caller, func()) {
	clk := clock.Real()
	c := catalog.New(catalog.Options{Clock: clk, Logins: testLogins})
	sim, _ := runner.NewSim(runner.Config{})
	m, err := scaleout.New(scaleout.Config{Workers: []scaleout.WorkerConfig{{ID: w1, Enabled: true, MaxTaskCount: 1000}}}, clk, c, sim, nil)
	if err != nil {
		b.Fatal(err)
	}
	c.SetMaster(m)
	var s *Store
	if disk {
		if s, err = Open(b.TempDir(), Options{}); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Attach(context.Background(), c, m); err != nil {
			b.Fatal(err)
		}
	}
	if err := m.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	sa, _ := c.CallerFor("sa")
	ctx := context.Background()
	if _, err := c.CreateFolder(ctx, nil, sa, str("f")); err != nil {
		b.Fatal(err)
	}
	data := ispacOf(b, "p", "pkg.dtsx")
	if _, err := c.DeployProject(ctx, nil, sa, str("f"), str("p"), data); err != nil {
		b.Fatal(err)
	}
	return c, sa, func() {
		m.Stop()
		if s != nil {
			s.Close()
		}
	}
}

// BenchmarkCreateWithKeptExecutions measures one durable create_execution
// with n executions already kept in the catalog and on disk: the write is
// a few rows whatever n is.
func BenchmarkCreateWithKeptExecutions(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run("kept="+itoa(int64(n)), func(b *testing.B) {
			clk := clock.Real()
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
			for range n { // in memory first, then written at once
				if _, err := c.CreateExecution(ctx, nil, sa, args); err != nil {
					b.Fatal(err)
				}
			}
			s, err := Open(b.TempDir(), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			if _, err := s.Attach(ctx, c, nil); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := c.CreateExecution(ctx, nil, sa, args); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
