package catalog

import (
	"context"
	"fmt"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// BenchmarkCreateSetStart is one create_execution, one
// set_execution_parameter_value and one start_execution, in process.
func BenchmarkCreateSetStart(b *testing.B) {
	e := newEnv(b, false)
	admin := e.as(lAdmin)
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	_, err := e.c.CreateFolder(e.ctx, nil, admin, s("folder1"))
	must(err)
	_, err = e.c.DeployProject(e.ctx, nil, admin, s("folder1"), s("project1"), demoIspac(b))
	must(err)
	_, err = e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(20), s("folder1"), s("project1"), s("Required"), sqltype.NewInt(1), nil, nil)
	must(err)
	args := CreateExecutionArgs{FolderName: s("folder1"), ProjectName: s("project1"), PackageName: s("package1.dtsx"),
		Use32BitRuntime: b2(false), RunInScaleOut: b2(false), UseAnyWorker: b2(true)}
	level := sqltype.NewSmallInt(1)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		id, err := e.c.CreateExecution(e.ctx, nil, admin, args)
		must(err)
		must(e.c.SetExecutionParameterValue(e.ctx, nil, admin, &id, i16(50), s("LOGGING_LEVEL"), level))
		must(e.c.StartExecution(e.ctx, nil, admin, &id, nil))
	}
}

func b2(v bool) *bool { return &v }

// fillExecutions adds n executions straight into the state (the lookup benchmarks
// measure the view, not create_execution).
func fillExecutions(c *Catalog, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.st
	for range n {
		op := &Operation{ID: s.nextOp(), Type: OpExecution, Created: t0, ObjectType: 20, Status: StatusSucceeded,
			CallerName: "x", ServerName: "EMULATOR", Exec: &Execution{FolderName: "f", ProjectName: "p", PackageName: "k.dtsx"}}
		s.addOperation(op)
	}
}

// BenchmarkExecutionLookup compares a point lookup by execution_id through
// Seek at 1,000 and 1,000,000 executions, with a full scan at 1,000 as the
// baseline a lookup without the index would cost.
func BenchmarkExecutionLookup(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		c := New(Options{NewUUID: seqUUIDs(), Logins: []LoginSpec{{Name: lAdmin, Windows: true, Sysadmin: true}}})
		fillExecutions(c, n)
		cl, _ := c.CallerFor(lAdmin)
		src, _ := c.View(SSISDB, "catalog", "executions", cl)
		key := sqltype.NewBigInt(int64(n / 2))
		b.Run(fmt.Sprintf("seek/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				found := 0
				src.(rows.Seeker).Seek(context.Background(), 0, key, func(rows.Row) bool { found++; return true })
				if found != 1 {
					b.Fatal("not found")
				}
			}
		})
		if n == 1_000 {
			b.Run(fmt.Sprintf("scan-baseline/n=%d", n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					found := 0
					src.Scan(context.Background(), func(r rows.Row) bool {
						if r[0].Int64() == key.Int64() {
							found++
						}
						return true
					})
					if found != 1 {
						b.Fatal("not found")
					}
				}
			})
		}
	}
}
