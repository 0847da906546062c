package catalog

import (
	"context"
	"sync"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
)

// MaintenanceJob is the emulator's "SSIS Server Maintenance Job": the SQL
// Agent job a real SSISDB installs, which runs every day at 00:00 (server
// time) and calls internal.cleanup_server_retention_window, then
// internal.cleanup_server_project_version. It runs on the catalog's
// injected clock; with OPERATION_CLEANUP_ENABLED (VERSION_CLEANUP_ENABLED)
// FALSE it still fires, and that step does nothing, as on SQL Server.
type MaintenanceJob struct {
	c *Catalog

	mu      sync.Mutex
	running sync.WaitGroup // a run in progress, which Stop waits for
	timer   clock.Timer
	stopped bool
	runs    int
	last    MaintenanceResult
	lastErr error
}

// StartMaintenanceJob schedules the job at the next midnight of the
// clock's time zone, then every day. It stops when ctx ends or Stop is
// called.
func (c *Catalog) StartMaintenanceJob(ctx context.Context) *MaintenanceJob {
	j := &MaintenanceJob{c: c}
	j.mu.Lock()
	j.schedule()
	j.mu.Unlock()
	context.AfterFunc(ctx, j.Stop)
	return j
}

// nextMidnight is the first 00:00 strictly after t, in t's zone.
func nextMidnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, t.Location())
}

// schedule arms the timer for the next midnight; call with j.mu held.
func (j *MaintenanceJob) schedule() {
	if j.stopped {
		return
	}
	now := j.c.clk.Now()
	j.timer = j.c.clk.AfterFunc(nextMidnight(now).Sub(now), j.fire)
}

func (j *MaintenanceJob) fire() {
	j.mu.Lock()
	if j.stopped {
		j.mu.Unlock()
		return
	}
	j.running.Add(1)
	defer j.running.Done()
	j.mu.Unlock()
	res, err := j.c.RunMaintenance(context.Background())
	if err != nil {
		j.c.log.Error("SSIS Server Maintenance Job failed", "err", err)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.runs++
	j.last, j.lastErr = res, err
	j.schedule()
}

// Stop cancels the schedule and waits for a run in progress to complete,
// so that a caller closing the data directory next loses none of it.
func (j *MaintenanceJob) Stop() {
	j.mu.Lock()
	j.stopped = true
	if j.timer != nil {
		j.timer.Stop()
	}
	j.mu.Unlock()
	j.running.Wait()
}

// Runs reports how many times the job has run, and the last run's result
// and error.
func (j *MaintenanceJob) Runs() (n int, last MaintenanceResult, err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.runs, j.last, j.lastErr
}

// MaintenanceResult is what one run of the maintenance job did.
type MaintenanceResult struct {
	Retention CleanupResult
	Versions  VersionCleanupResult
}

// RunMaintenance runs the maintenance job once, now, as the job's owner
// (##MS_SSISServerCleanupJobLogin##), outside any transaction: the
// retention step, then, if it succeeded, the version step (the job's
// first step goes on to the second on success only).
func (c *Catalog) RunMaintenance(ctx context.Context) (res MaintenanceResult, err error) {
	c.mu.Lock()
	defer c.release(&err)
	sc := c.cleanupJobCtx()
	if res.Retention, err = c.cleanupRetention(nil, sc); err != nil {
		return res, err
	}
	res.Versions, err = c.cleanupVersions(nil, sc)
	return res, err
}

// cleanupJobCtx is the job's security context: its login, mapped to the
// SSISDB user that holds EXECUTE on the cleanup procedures (acting as dbo
// here, since the emulator does not create that user).
func (c *Catalog) cleanupJobCtx() *secCtx {
	sc := c.systemCtx()
	sc.caller = &Caller{Login: CleanupJobLogin, SID: cleanupJobSID}
	return sc
}

// cleanupJobSID stands for the job login's SID, which SQL Server makes
// up at setup; any fixed value serves.
var cleanupJobSID = []byte{0x01, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x01, 0x00, 0x00, 0x00, 0x53, 0x53, 0x49, 0x53}
