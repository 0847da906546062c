package catalog

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
)

// fillOldExecutions adds n finished executions ended at end, each with two
// parameter values, three messages and its permission row, as
// create_execution and a run leave them.
func fillOldExecutions(c *Catalog, n int, end time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.st
	for range n {
		id := s.nextOp()
		op := &Operation{ID: id, Type: OpExecution, Created: end.Add(-time.Minute), ObjectType: 20, Status: StatusSucceeded,
			Start: end.Add(-time.Minute), End: end, CallerName: "bench", ServerName: "EMULATOR",
			Exec: &Execution{FolderName: "f", ProjectName: "p", PackageName: "pkg.dtsx", ExecutedAsName: "bench",
				Params: []*ExecParam{{ID: 1, ObjectType: 50, Name: "LOGGING_LEVEL"}, {ID: 2, ObjectType: 20, Name: "P"}}}}
		for i := range 3 {
			op.Messages = append(op.Messages, &OperationMessage{ID: s.NextMessageID, OperationID: id, Time: end, Type: 70,
				SourceType: 30, Message: fmt.Sprint("message ", i)})
			s.NextMessageID++
		}
		s.addOperation(op)
		s.Permissions[PermKey{ObjOperation, id}] = []Grant{{PrincipalID: 5, Permission: PermRead, GrantorID: 1}}
	}
}

// BenchmarkRetentionCleanup is one cleanup of 100,000 executions older
// than the window; "kept" also walks 100,000 recent ones it leaves.
func BenchmarkRetentionCleanup(b *testing.B) {
	for _, kept := range []int{0, 100_000} {
		b.Run(fmt.Sprintf("old=100000/kept=%d", kept), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				b.StopTimer()
				clk := clock.NewFake(t0)
				c := New(Options{Clock: clk})
				fillOldExecutions(c, 100_000, t0)
				clk.Advance(400 * 24 * time.Hour)
				fillOldExecutions(c, kept, clk.Now())
				b.StartTimer()
				res, err := c.RunMaintenance(context.Background())
				if err != nil || res.Retention.Executions != 100_000 {
					b.Fatalf("%+v %v", res, err)
				}
			}
		})
	}
}
