// This file is the seam between the catalog (which owns operations and
// executions, their statuses and their messages) and the master (which owns
// workers, jobs and tasks and decides when an attempt starts and ends).
//
// Locking rule: the catalog may call the Master while holding its own lock;
// the Master never calls the Sink while holding its lock (it collects the
// events and delivers them after unlocking), so there is no lock cycle.

package scaleout

import (
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
)

// AllWorkers is the WorkerAgentId that internal.job_worker_agents uses for a
// job any worker may take (@useanyworker = 1).
var AllWorkers = uuid.MustParse("11111111-1111-1111-1111-111111111111")

// ExecInfo is what the master and the package runner need to know about an
// execution; the catalog supplies it. It is defined in package runner (which
// the master imports) so that runners need not import the master.
type ExecInfo = runner.ExecInfo

// EventMessage is one message a package run logs. The catalog stores it in
// operation_messages and event_messages (and the context table) for the
// execution. Defined in package runner, like ExecInfo.
type EventMessage = runner.EventMessage

// Worker is a worker agent as catalog.worker_agents and the console show it.
type Worker struct {
	ID             uuid.UUID
	Enabled        bool
	DisplayName    string
	Description    string
	MachineName    string
	Tags           string
	UserAccount    string // default `NT Service\SSISScaleOutWorker140`
	LastOnlineTime time.Time
	Online         bool
	MaxTaskCount   int
	RunningTasks   int
}

// Final operation statuses a run can end with.
const (
	StatusCanceled          = 3
	StatusFailed            = 4
	StatusEndedUnexpectedly = 6
	StatusSucceeded         = 7
)

// Sink receives what happens to executions. The catalog implements it. Calls
// arrive without any master lock held, from the master's goroutines (never
// from the goroutine of a Master method the catalog called, so the catalog
// may hold its own lock while it calls the Master). The calls for one
// execution arrive one at a time and in order: AttemptStarted, Messages...,
// then AttemptRequeued (and the next AttemptStarted) or Finished; Finished is
// the last call for an execution.
type Sink interface {
	// ExecInfo returns the execution's details for the runner.
	ExecInfo(executionID int64) (ExecInfo, bool)
	// AttemptStarted: a worker (nil for a local, non-Scale Out run) took the
	// execution; attempt counts from 1. The catalog sets status 2 (running),
	// machine_name, worker_agent_id and executed_count.
	AttemptStarted(executionID int64, w *Worker, attempt int, at time.Time)
	// AttemptRequeued: the attempt failed or its worker was lost and attempts
	// are left; the task is ready again.
	AttemptRequeued(executionID int64, at time.Time)
	// Finished: the execution reached a final status (3, 4, 6 or 7). For a
	// cancellation, stopID is the operation id of the stop request (else 0).
	Finished(executionID int64, status int, stopID int64, at time.Time)
	// Messages: the run logged these messages.
	Messages(executionID int64, msgs []EventMessage)
}
