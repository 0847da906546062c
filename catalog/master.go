package catalog

import (
	"slices"
	"strings"
	"sync"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
)

// Master is what the catalog needs from the Scale Out master (and, for
// local runs, the package runner behind it). *scaleout.Master implements
// it. Errors it returns carry SQL Server's numbers (*sqlerr.Error) and
// reach the caller unchanged. The master never calls the Sink from inside
// one of these calls, so the catalog calls them with its lock held.
type Master interface {
	CreateJob(executionID int64, useAnyWorker, use32Bit bool, creator string) (uuid.UUID, error)
	AddJobWorker(jobID, workerID uuid.UUID) error
	StartTask(jobID uuid.UUID, executionID int64, retryCount int) (uuid.UUID, error)
	CancelJob(jobID uuid.UUID, stopID int64) error
	RunLocal(executionID int64) error
	StopLocal(executionID, stopID int64) bool
	Workers() []scaleout.Worker
	AddWorker(cfg scaleout.WorkerConfig) (scaleout.Worker, error)
	EnableWorker(id uuid.UUID) error
	DisableWorker(id uuid.UUID) error
	DeleteWorker(id uuid.UUID) error
	SetWorkerProperty(id uuid.UUID, name, value string) error
	Jobs() []scaleout.Job
	Tasks() []scaleout.Task
	JobWorkers() []scaleout.JobWorker
}

// inertMaster records jobs and workers and runs nothing: executions stay
// pending until a test drives them through the Sink. It is the default when
// no master is configured.
type inertMaster struct {
	c       *Catalog
	mu      sync.Mutex
	workers []scaleout.Worker
	jobs    []scaleout.Job
	tasks   []scaleout.Task
	running map[int64]bool
}

func newInertMaster(c *Catalog) *inertMaster { return &inertMaster{c: c, running: map[int64]bool{}} }

func guidText(u uuid.UUID) string { return strings.ToUpper(u.String()) }

func (m *inertMaster) worker(id uuid.UUID) (int, error) {
	if id == uuid.Nil {
		return -1, errorf(27100, 1, "@WorkerAgentId")
	}
	if id == scaleout.AllWorkers {
		return -1, errorf(27101, 1, guidText(id))
	}
	for i, w := range m.workers {
		if w.ID == id {
			return i, nil
		}
	}
	return -1, errorf(27243, 1, guidText(id))
}

func (m *inertMaster) job(id uuid.UUID) *scaleout.Job {
	for i := range m.jobs {
		if m.jobs[i].ID == id {
			return &m.jobs[i]
		}
	}
	return nil
}

func (m *inertMaster) CreateJob(executionID int64, useAnyWorker, use32Bit bool, creator string) (uuid.UUID, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.c.now()
	u32 := "0"
	if use32Bit {
		u32 = "1"
	}
	j := scaleout.Job{ID: m.c.opts.NewUUID(), ExecutionID: executionID, CreatedTime: now, JobType: scaleout.JobTypeExecution,
		InputData: `[{"name":"use32bitruntime","value":"` + u32 + `"}]`, Creator: creator, LastUpdatedTime: now,
		UseAnyWorker: useAnyWorker, Use32Bit: use32Bit}
	m.jobs = append(m.jobs, j)
	return j.ID, nil
}

func (m *inertMaster) AddJobWorker(jobID, workerID uuid.UUID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if workerID == uuid.Nil {
		return errorf(27100, 1, "@WorkerAgentId")
	}
	if workerID == scaleout.AllWorkers {
		return errorf(27101, 1, guidText(workerID))
	}
	j := m.job(jobID)
	if j == nil {
		return errorf(27242, 1, guidText(jobID))
	}
	if j.UseAnyWorker {
		return errorf(27251, 1, guidText(jobID))
	}
	if _, err := m.worker(workerID); err != nil {
		return err
	}
	for _, w := range j.Workers {
		if w == workerID {
			return errorf(2627, 1, "PRIMARY KEY", "PK_job_worker_agents", "internal.job_worker_agents", "("+guidText(jobID)+", "+guidText(workerID)+")")
		}
	}
	j.Workers = append(j.Workers, workerID)
	return nil
}

func (m *inertMaster) StartTask(jobID uuid.UUID, executionID int64, retryCount int) (uuid.UUID, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	j := m.job(jobID)
	if j == nil || j.IsCancelled {
		return uuid.Nil, errorf(27242, 1, guidText(jobID))
	}
	now := m.c.now()
	t := scaleout.Task{ID: m.c.opts.NewUUID(), JobID: jobID, ExecutionID: executionID, TaskType: scaleout.TaskTypeExecution,
		MaxExecutedCount: retryCount + 1, Status: scaleout.TaskReady, ReadyForDispatchTime: now, LastUpdatedTime: now, CreatedTime: now}
	j.TaskID = t.ID
	m.tasks = append(m.tasks, t)
	return t.ID, nil
}

func (m *inertMaster) CancelJob(jobID uuid.UUID, stopID int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	j := m.job(jobID)
	if j == nil {
		return errorf(27242, 1, guidText(jobID))
	}
	j.IsCancelled = true
	for i := range m.tasks {
		if m.tasks[i].JobID == jobID {
			m.tasks[i].IsCancelled = true
			m.tasks[i].StopID = stopID
		}
	}
	return nil
}

func (m *inertMaster) RunLocal(executionID int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.running[executionID] = true
	return nil
}

func (m *inertMaster) StopLocal(executionID, stopID int64) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.running[executionID]
}

func (m *inertMaster) Workers() []scaleout.Worker {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]scaleout.Worker(nil), m.workers...)
}

func (m *inertMaster) AddWorker(cfg scaleout.WorkerConfig) (scaleout.Worker, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, w := range m.workers {
		if w.ID == cfg.ID {
			return scaleout.Worker{}, errorf(2627, 1, "PRIMARY KEY", "PK_worker_agents", "internal.worker_agents", "("+guidText(cfg.ID)+")")
		}
	}
	w := scaleout.Worker{ID: cfg.ID, Enabled: cfg.Enabled, DisplayName: cfg.DisplayName, Description: cfg.Description,
		MachineName: cfg.MachineName, Tags: cfg.Tags, UserAccount: cfg.UserAccount, LastOnlineTime: m.c.now(), Online: !cfg.Offline,
		MaxTaskCount: cfg.MaxTaskCount}
	if w.MachineName == "" {
		w.MachineName = "SSISW-" + strings.ToUpper(cfg.ID.String()[:8])
	}
	if w.UserAccount == "" {
		w.UserAccount = `NT Service\SSISScaleOutWorker140`
	}
	if w.MaxTaskCount == 0 {
		w.MaxTaskCount = 10
	}
	m.workers = append(m.workers, w)
	return w, nil
}

func (m *inertMaster) setEnabled(id uuid.UUID, on bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, err := m.worker(id)
	if err != nil {
		return err
	}
	m.workers[i].Enabled = on
	return nil
}

func (m *inertMaster) EnableWorker(id uuid.UUID) error  { return m.setEnabled(id, true) }
func (m *inertMaster) DisableWorker(id uuid.UUID) error { return m.setEnabled(id, false) }

func (m *inertMaster) DeleteWorker(id uuid.UUID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, err := m.worker(id)
	if err != nil {
		return err
	}
	m.workers = append(m.workers[:i], m.workers[i+1:]...)
	return nil
}

func (m *inertMaster) SetWorkerProperty(id uuid.UUID, name, value string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, err := m.worker(id)
	if err != nil {
		return err
	}
	switch strings.ToLower(name) {
	case "displayname":
		m.workers[i].DisplayName = value
	case "description":
		m.workers[i].Description = value
	case "tags":
		m.workers[i].Tags = value
	default:
		return errorf(27101, 1, name)
	}
	return nil
}

func (m *inertMaster) Jobs() []scaleout.Job {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]scaleout.Job(nil), m.jobs...)
}

func (m *inertMaster) Tasks() []scaleout.Task {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]scaleout.Task(nil), m.tasks...)
}

func (m *inertMaster) JobWorkers() []scaleout.JobWorker {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []scaleout.JobWorker
	for _, j := range m.jobs {
		if j.UseAnyWorker {
			out = append(out, scaleout.JobWorker{JobID: j.ID, WorkerAgentID: scaleout.AllWorkers})
		}
		for _, w := range j.Workers {
			out = append(out, scaleout.JobWorker{JobID: j.ID, WorkerAgentID: w})
		}
	}
	return out
}

var _ Master = (*inertMaster)(nil)

// asSQL converts a master error to the catalog's error type; anything
// without a number becomes 27245's situation, reported as a thrown 27118-
// style failure would be unhelpful, so it keeps the text under 50000.
func asSQL(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := sqlerr.As(err); ok {
		return err
	}
	return sqlerr.New(50000, 16, 1, "%s", err.Error())
}

// DropJobs forgets the jobs and tasks of executions the catalog deleted
// (the retention cleanup). Nothing runs here, so every one goes.
func (m *inertMaster) DropJobs(executionIDs []int64) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	gone := make(map[int64]bool, len(executionIDs))
	for _, id := range executionIDs {
		gone[id] = true
		delete(m.running, id)
	}
	n := len(m.jobs)
	m.jobs = slices.DeleteFunc(m.jobs, func(j scaleout.Job) bool { return gone[j.ExecutionID] })
	m.tasks = slices.DeleteFunc(m.tasks, func(t scaleout.Task) bool { return gone[t.ExecutionID] })
	return n - len(m.jobs)
}
