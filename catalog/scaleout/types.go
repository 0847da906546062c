package scaleout

import (
	"time"

	"github.com/google/uuid"
)

// Task statuses (internal.tasks.Status, reference §4.7).
const (
	TaskReady      = 1 // waiting for a worker (ReadyForDispatchTime set)
	TaskDispatched = 2 // picked up by a worker, lease running
	TaskInProgress = 3 // the worker reported the package running
	TaskFailed     = 4 // terminal: package failed or lease lost with no attempts left
	TaskSucceeded  = 5 // terminal
	TaskCancelled  = 6 // terminal
)

// JobTypeExecution is internal.jobs.JobType for a package execution.
const JobTypeExecution = 1

// TaskTypeExecution is internal.tasks.TaskType for a package execution.
const TaskTypeExecution = 0

// Job is a row of internal.jobs (plus what job_worker_agents says about it).
// Zero times stand for NULL.
type Job struct {
	ID              uuid.UUID
	ExecutionID     int64
	IsCancelled     bool
	CreatedTime     time.Time
	JobType         int
	InputData       string // JSON, e.g. [{"name":"use32bitruntime","value":"0"}]
	Creator         string
	Priority        int
	LastUpdatedTime time.Time
	UseAnyWorker    bool
	Use32Bit        bool
	// Workers lists the workers added with AddJobWorker, in order.
	Workers []uuid.UUID
	// TaskID is the job's task (uuid.Nil before StartTask).
	TaskID uuid.UUID
}

// Task is a row of internal.tasks. Zero times and uuid.Nil stand for NULL.
type Task struct {
	ID                   uuid.UUID
	JobID                uuid.UUID
	ExecutionID          int64
	TaskType             int
	InputData            string // JSON: execution_id, use32bitruntime and, once cancelled, stop_id
	MaxExecutedCount     int
	ExecutedCount        int
	Status               int
	IsCritical           bool
	Priority             int
	ReadyForDispatchTime time.Time
	LastUpdatedTime      time.Time
	CreatedTime          time.Time
	WorkerAgentID        uuid.UUID
	ExpiredTime          time.Time
	CreateWorkerAgentID  uuid.UUID
	IsCancelled          bool
	LastPickupTime       time.Time
	StopID               int64
}

// JobWorker is a row of internal.job_worker_agents: AllWorkers for a job any
// worker may take, else one row per worker added to the job.
type JobWorker struct {
	JobID         uuid.UUID
	WorkerAgentID uuid.UUID
}

// Stats are the master's counters for metrics.
type Stats struct {
	Workers        int    // worker agents known
	WorkersOnline  int    // of which online
	WorkersEnabled int    // of which enabled
	QueueDepth     int    // tasks ready for dispatch (status 1)
	RunningTasks   int    // tasks in status 2 or 3
	LocalRuns      int    // non-Scale Out runs in progress
	Dispatched     uint64 // attempts handed to workers, ever
	Requeued       uint64 // attempts that ended and left the task ready again
	LeasesExpired  uint64 // tasks taken back from a silent worker
	Succeeded      uint64 // executions finished 7
	Failed         uint64 // executions finished 4
	Canceled       uint64 // executions finished 3
	Ended          uint64 // executions finished 6
	// DispatchLatency is the time from ReadyForDispatchTime to pick-up, on
	// the master's clock.
	DispatchLatency Histogram
}

// Histogram is a cumulative latency histogram: Counts[i] is how many
// observations were <= Bounds[i]; Count and Sum cover all of them (the
// +Inf bucket is Count).
type Histogram struct {
	Bounds []time.Duration
	Counts []uint64
	Count  uint64
	Sum    time.Duration
}

// State is the master's persistent state: what internal.worker_agents,
// jobs, tasks and job_worker_agents hold. The catalog saves it with its own
// and hands it to Restore after a restart.
type State struct {
	Workers []Worker `json:"workers"`
	Jobs    []Job    `json:"jobs"`
	Tasks   []Task   `json:"tasks"`
}
