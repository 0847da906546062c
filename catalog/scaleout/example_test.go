package scaleout_test

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
)

// printSink stands in for the catalog.
type printSink struct{}

func (printSink) ExecInfo(id int64) (scaleout.ExecInfo, bool) {
	return scaleout.ExecInfo{ExecutionID: id, FolderName: "folder1", ProjectName: "project1", PackageName: "package1.dtsx"}, true
}

func (printSink) AttemptStarted(id int64, w *scaleout.Worker, attempt int, at time.Time) {
	fmt.Printf("%s execution %d attempt %d running on %s\n", at.Format("15:04:05"), id, attempt, w.MachineName)
}

func (printSink) AttemptRequeued(id int64, at time.Time) {
	fmt.Printf("%s execution %d re-queued\n", at.Format("15:04:05"), id)
}

func (printSink) Finished(id int64, status int, stopID int64, at time.Time) {
	fmt.Printf("%s execution %d finished with status %d\n", at.Format("15:04:05"), id, status)
}

func (printSink) Messages(int64, []scaleout.EventMessage) {}

// The doc example's worker runs an execution whose package fails once and
// takes 30 seconds; @retry_count = 1 gives it a second attempt.
func Example() {
	clk := clock.NewFake(time.Date(2024, 1, 2, 3, 0, 0, 0, time.UTC))
	sim, _ := runner.NewSim(runner.Config{Rules: []runner.Rule{
		{Package: "package1", FailFirst: 1, Duration: 30 * time.Second},
	}})
	worker := uuid.MustParse("64c020e2-f819-4c2d-a22f-efb31a91e70a")
	m, _ := scaleout.New(scaleout.Config{Workers: []scaleout.WorkerConfig{
		{ID: worker, Enabled: true, MachineName: "WORKER01"},
	}}, clk, printSink{}, sim, nil)
	ctx := context.Background()
	_ = m.Start(ctx)
	defer m.Stop()

	job, _ := m.CreateJob(7, false, false, `CORP\ci`) // create_execution @useanyworker = 0
	_ = m.AddJobWorker(job, worker)                   // add_execution_worker
	_, _ = m.StartTask(job, 7, 1)                     // start_execution @retry_count = 1
	for range 2 {
		_ = m.Settle(ctx)
		clk.Advance(30 * time.Second)
	}
	_ = m.Settle(ctx)
	// Output:
	// 03:00:00 execution 7 attempt 1 running on WORKER01
	// 03:00:30 execution 7 re-queued
	// 03:00:30 execution 7 attempt 2 running on WORKER01
	// 03:01:00 execution 7 finished with status 7
}
