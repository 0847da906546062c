package scaleout

import (
	"context"
	"errors"
	"log/slog"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
)

// errNotYet marks the API skeleton committed ahead of its implementation.
var errNotYet = errors.New("scaleout: not implemented yet")

// Master is the in-process Scale Out master. It is safe for concurrent use.
//
// How the catalog uses it, per procedure:
//
//	create_execution (Scale Out)  CreateJob -> job id, stored in executions.job_id
//	add_execution_worker          AddJobWorker (27255 when job_id is NULL is the catalog's)
//	start_execution (Scale Out)   StartTask; the execution is pending (5) until Sink.AttemptStarted
//	start_execution (local)       RunLocal
//	stop_operation                CancelJob (Scale Out) or StopLocal; Sink.Finished(3, stopID) follows
//	enable/disable/delete_worker_agent, set_worker_agent_property
//	                              EnableWorker, DisableWorker, DeleteWorker, SetWorkerProperty
//	catalog.worker_agents         Workers or WorkerAgentsSource
//	internal.jobs/tasks/job_worker_agents
//	                              Jobs/Tasks/JobWorkers or the *Source methods
//	catalog.startup               Restore (returns the executions to mark 6 with 27165)
type Master struct{}

// New returns a master for cfg. It does nothing until Start.
func New(cfg Config, clk clock.Clock, sink Sink, run runner.Runner, log *slog.Logger) (*Master, error) {
	return nil, errNotYet
}

// Start launches the master's goroutines and timers: event lanes, and in
// realistic mode the workers' pulls and heartbeats and the lease sweep.
func (m *Master) Start(ctx context.Context) error { return errNotYet }

// Stop stops the timers, delivers the events already queued, and waits for
// the master's goroutines to end. Do not call it while holding a lock the
// Sink takes.
func (m *Master) Stop() {}

// Settle waits until no event is queued or being delivered and no attempt is
// being started: everything due at the clock's current time has reached the
// Sink. Tests call it after moving a fake clock. Do not call it while
// holding a lock the Sink takes.
func (m *Master) Settle(ctx context.Context) error { return errNotYet }

// Workers returns the worker agents ordered by id.
func (m *Master) Workers() []Worker { return nil }

// Worker returns one worker agent.
func (m *Master) Worker(id uuid.UUID) (Worker, bool) { return Worker{}, false }

// AddWorker adds a worker agent through the control surface. Its Enabled
// flag is honoured. A duplicate id fails with 2627.
func (m *Master) AddWorker(cfg WorkerConfig) (Worker, error) { return Worker{}, errNotYet }

// Register is a worker's heartbeat to the master (update_worker_agent_status):
// an unknown worker is inserted disabled, as on a real master; a known one is
// brought online and its machine name and account refreshed (empty strings
// keep the old values).
func (m *Master) Register(id uuid.UUID, machineName, userAccount string) (Worker, error) {
	return Worker{}, errNotYet
}

// EnableWorker is catalog.enable_worker_agent. uuid.Nil stands for a NULL
// argument (27100); AllWorkers gives 27101; an unknown id 27243.
func (m *Master) EnableWorker(id uuid.UUID) error { return errNotYet }

// DisableWorker is catalog.disable_worker_agent; errors as EnableWorker.
// Running packages continue; the worker takes no new task.
func (m *Master) DisableWorker(id uuid.UUID) error { return errNotYet }

// DeleteWorker is catalog.delete_worker_agent; errors as EnableWorker.
// Running packages finish; the worker takes no new task.
func (m *Master) DeleteWorker(id uuid.UUID) error { return errNotYet }

// SetWorkerProperty is catalog.set_worker_agent_property: name is
// DisplayName, Description or Tags (case-insensitive); any other name gives
// 27101 with the name as argument.
func (m *Master) SetWorkerProperty(id uuid.UUID, name, value string) error { return errNotYet }

// SetMaxTaskCount changes a worker's MaxTaskCount (control surface).
func (m *Master) SetMaxTaskCount(id uuid.UUID, n int) error { return errNotYet }

// SetWorkerOnline starts (true) or stops (false) a worker's heartbeats, as if
// its service or its network came back or went away. An offline worker takes
// no task; its running packages go on, but its leases are not renewed and it
// kills them once HeartbeatErrorTolerance has passed.
func (m *Master) SetWorkerOnline(id uuid.UUID, online bool) error { return errNotYet }

// LoseWorker simulates a crash of the worker's machine: its running packages
// vanish without a word and it goes offline. The master learns of it only
// when the tasks' leases expire: the task is retried, or the execution ends 6.
func (m *Master) LoseWorker(id uuid.UUID) error { return errNotYet }

// CreateJob is internal.create_job for create_execution: a job of type 1
// and, with useAnyWorker, the all-workers row. creator is the caller's name.
func (m *Master) CreateJob(executionID int64, useAnyWorker, use32Bit bool, creator string) (uuid.UUID, error) {
	return uuid.Nil, errNotYet
}

// AddJobWorker is internal.append_job_worker_agent: uuid.Nil worker 27100
// '@WorkerAgentId'; AllWorkers 27101; an all-workers job 27251; an unknown
// worker 27243; a worker already added 2627 (PK_job_worker_agents); an
// unknown job 27242. Allowed before and after StartTask.
func (m *Master) AddJobWorker(jobID, workerID uuid.UUID) error { return errNotYet }

// StartTask is internal.create_execution_job for start_execution: the job's
// one task, status 1, MaxExecutedCount = retryCount+1, ready now. A missing
// or cancelled job gives 27242.
func (m *Master) StartTask(jobID uuid.UUID, executionID int64, retryCount int) (uuid.UUID, error) {
	return uuid.Nil, errNotYet
}

// CancelJob is internal.cancel_job for stop_operation: the job and its task
// are marked cancelled. A ready task ends at once (Sink.Finished(3,
// stopID)); a running one when its worker learns of it (at once in fast
// mode, at the next task heartbeat in realistic mode, at lease expiry if the
// worker is gone). Cancelling a finished job changes nothing.
func (m *Master) CancelJob(jobID uuid.UUID, stopID int64) error { return errNotYet }

// RunLocal runs a non-Scale Out execution on the server itself: no worker,
// the same runner, Sink.AttemptStarted with a nil worker, one attempt.
func (m *Master) RunLocal(executionID int64) error { return errNotYet }

// StopLocal stops a local run (Sink.Finished(3, stopID)). It reports false
// when the execution has no local run in progress.
func (m *Master) StopLocal(executionID, stopID int64) bool { return false }

// JobForExecution returns the job of an execution.
func (m *Master) JobForExecution(executionID int64) (Job, bool) { return Job{}, false }

// Jobs returns internal.jobs, oldest first.
func (m *Master) Jobs() []Job { return nil }

// Tasks returns internal.tasks, oldest first.
func (m *Master) Tasks() []Task { return nil }

// JobWorkers returns internal.job_worker_agents.
func (m *Master) JobWorkers() []JobWorker { return nil }

// Stats returns the master's counters.
func (m *Master) Stats() Stats { return Stats{} }

// State returns the master's persistent state.
func (m *Master) State() State { return State{} }

// Restore loads state saved by State before Start (catalog.startup). Tasks
// that were ready or running end (status 4) and their executions are
// returned: the catalog marks them 6 and logs the 27165 warning. Workers
// keep their saved enabled flag, names and tags; configuration still sets
// their machine name, account and MaxTaskCount.
func (m *Master) Restore(st State) ([]int64, error) { return nil, errNotYet }

// WorkerAgentsSource is catalog.worker_agents as a row source (columns and
// types of reference §3.5). Visibility (ssis_admin, ssis_cluster_executor,
// sysadmin) is the catalog's to apply.
func (m *Master) WorkerAgentsSource() rows.Source { return nil }

// JobsSource is internal.jobs as a row source (§3.8); seekable on JobId.
func (m *Master) JobsSource() rows.Source { return nil }

// TasksSource is internal.tasks as a row source (§3.8); seekable on TaskId
// and JobId.
func (m *Master) TasksSource() rows.Source { return nil }

// JobWorkerAgentsSource is internal.job_worker_agents as a row source;
// seekable on JobId.
func (m *Master) JobWorkerAgentsSource() rows.Source { return nil }
