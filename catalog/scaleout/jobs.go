package scaleout

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
)

type job struct {
	id        uuid.UUID
	execID    int64
	seq       uint64
	anyWorker bool
	use32     bool
	creator   string
	created   time.Time
	updated   time.Time
	cancelled bool
	workers   []uuid.UUID // added with AddJobWorker, in order
	task      *task
}

type task struct {
	id         uuid.UUID
	job        *job
	seq        uint64 // creation order
	status     int
	maxExec    int
	executed   int
	ready      time.Time // ReadyForDispatchTime; zero = NULL
	readySeq   uint64    // ties on ready time go by this
	created    time.Time
	updated    time.Time
	lastPickup time.Time
	expires    time.Time
	workerID   uuid.UUID
	cancelled  bool
	stopID     int64
	ents       []*qent  // places in ready queues while status 1
	cur        *attempt // the attempt the master counts on, while status 2 or 3
}

// CreateJob is internal.create_job for create_execution: a job of type 1
// and, with useAnyWorker, the all-workers row. creator is the caller's name.
func (m *Master) CreateJob(executionID int64, useAnyWorker, use32Bit bool, creator string) (uuid.UUID, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.byExec[executionID]; dup {
		return uuid.Nil, fmt.Errorf("scaleout: execution %d already has a job", executionID)
	}
	now := m.clk.Now()
	j := &job{
		id:        m.newID(),
		execID:    executionID,
		seq:       m.nextSeq(),
		anyWorker: useAnyWorker,
		use32:     use32Bit,
		creator:   creator,
		created:   now,
		updated:   now,
	}
	m.jobs[j.id] = j
	m.byExec[executionID] = j
	return j.id, nil
}

// AddJobWorker is internal.append_job_worker_agent: uuid.Nil worker 27100
// '@WorkerAgentId'; AllWorkers 27101; an all-workers job 27251; an unknown
// worker 27243; a worker already added 2627 (PK_job_worker_agents); an
// unknown job 27242. Allowed before and after StartTask: a ready task
// becomes available to the worker at once.
func (m *Master) AddJobWorker(jobID, workerID uuid.UUID) error {
	if jobID == uuid.Nil {
		return errNull("@JobId")
	}
	if err := checkWorkerArg(workerID); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	j, ok := m.jobs[jobID]
	if !ok {
		return errNoJob(jobID)
	}
	if j.anyWorker {
		return errJobAllWorkers(jobID)
	}
	w, ok := m.workers[workerID]
	if !ok {
		return errNoWorker(workerID)
	}
	for _, id := range j.workers {
		if id == workerID {
			return errDuplicate("PK_job_worker_agents", "internal.job_worker_agents",
				guidText(jobID)+", "+guidText(workerID))
		}
	}
	j.workers = append(j.workers, workerID)
	j.updated = m.clk.Now()
	if t := j.task; t != nil && t.status == TaskReady {
		t.ents = append(t.ents, m.workerQueue(workerID).push(t))
		if !m.tm.realistic && w.available() {
			m.dispatch(t, w)
		}
	}
	return nil
}

// workerQueue returns the ready queue of jobs restricted to a worker.
func (m *Master) workerQueue(id uuid.UUID) *readyQueue {
	q := m.restricted[id]
	if q == nil {
		q = &readyQueue{}
		m.restricted[id] = q
	}
	return q
}

// StartTask is internal.create_execution_job for start_execution: the
// job's one task, status 1, MaxExecutedCount = retryCount+1, ready now. A
// missing or cancelled job, or one for another execution, gives 27242; a
// negative retryCount 27101 'retry_count'.
func (m *Master) StartTask(jobID uuid.UUID, executionID int64, retryCount int) (uuid.UUID, error) {
	if retryCount < 0 {
		return uuid.Nil, errInvalid("retry_count")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	j, ok := m.jobs[jobID]
	if !ok || j.cancelled || j.execID != executionID {
		return uuid.Nil, errNoJob(jobID)
	}
	if j.task != nil {
		return uuid.Nil, fmt.Errorf("scaleout: job %s already has its task", jobID)
	}
	now := m.clk.Now()
	t := &task{
		id:      m.newID(),
		job:     j,
		seq:     m.nextSeq(),
		maxExec: retryCount + 1,
		created: now,
		updated: now,
	}
	j.task = t
	j.updated = now
	m.makeReady(t, now)
	return t.id, nil
}

// makeReady puts t in the ready queues its job allows and, in fast mode,
// hands it to an eligible worker at once. Call with m.mu held.
func (m *Master) makeReady(t *task, now time.Time) {
	t.status = TaskReady
	t.ready = now
	t.readySeq = m.nextSeq()
	t.updated = now
	t.workerID = uuid.Nil
	t.expires = time.Time{}
	m.queued++
	j := t.job
	if j.anyWorker {
		t.ents = append(t.ents, m.anyQ.push(t))
	} else {
		for _, id := range j.workers {
			t.ents = append(t.ents, m.workerQueue(id).push(t))
		}
	}
	if m.tm.realistic {
		return // workers find it when they next pull
	}
	if w := m.pickWorker(j); w != nil {
		m.dispatch(t, w)
	}
}

// pickWorker finds an available worker for a job's task, rotating over the
// available ones so load spreads. Call with m.mu held.
func (m *Master) pickWorker(j *job) *worker {
	if j.anyWorker {
		if len(m.avail) == 0 {
			return nil
		}
		m.availNext++
		return m.avail[m.availNext%len(m.avail)]
	}
	for _, id := range j.workers {
		if w := m.workers[id]; w != nil && w.available() {
			return w
		}
	}
	return nil
}

// unready takes t out of every ready queue. Call with m.mu held.
func (m *Master) unready(t *task) {
	for _, e := range t.ents {
		e.q.remove(e)
	}
	t.ents = t.ents[:0]
	t.ready = time.Time{}
	m.queued--
}

// pull gives an available worker the oldest tasks it may take until it is
// full or nothing is left (pull_task, repeated). Call with m.mu held.
func (m *Master) pull(w *worker) {
	for w.available() {
		a := m.anyQ.peek()
		b := m.restricted[w.ID].peek()
		t := a
		if t == nil || (b != nil && qless(b, a)) {
			t = b
		}
		if t == nil {
			return
		}
		m.dispatch(t, w)
	}
}

// dispatch hands ready task t to worker w: status 2, one more execution,
// a lease, and an attempt for the lane to start. Call with m.mu held.
func (m *Master) dispatch(t *task, w *worker) {
	now := m.clk.Now()
	m.st.observe(now.Sub(t.ready))
	m.unready(t)
	t.status = TaskDispatched
	t.executed++
	t.workerID = w.ID
	t.lastPickup = now
	t.updated = now
	t.expires = now.Add(m.tm.lease)
	a := &attempt{execID: t.job.execID, number: t.executed, t: t, w: w, start: now, state: attStarting}
	t.cur = a
	m.running[t] = struct{}{}
	w.live[a] = struct{}{}
	m.updateAvail(w)
	a.wsnap = w.snapshot(now, m.tm.realistic)
	m.st.dispatched++
	m.post(op{kind: opStart, execID: a.execID, att: a})
}

// attemptEnded is the package finishing as planned (after its duration, or
// at once). Call with m.mu held.
func (m *Master) attemptEnded(a *attempt) {
	if a.state != attRunning || m.stopped {
		return
	}
	a.timer = nil
	if a.w != nil && !a.w.Online {
		a.state = attHeld // the worker reports it when it can reach the master again
		return
	}
	m.report(a)
}

// report applies a finished attempt's outcome: success ends the execution
// 7; failure re-queues the task while attempts are left and it is not
// cancelled, else ends it 4. Call with m.mu held.
func (m *Master) report(a *attempt) {
	now := m.clk.Now()
	ok := a.plan.Outcome == runner.Succeed
	m.retire(a)
	if a.t == nil { // local run
		delete(m.local, a.execID)
		m.endMessages(a)
		m.finish(a.execID, statusOf(ok), 0, now)
		return
	}
	t := a.t
	if !m.tm.realistic {
		defer m.refill(a.w)
	}
	if t.cur != a {
		return // the master took the task back (lease expired); the report is refused
	}
	m.endMessages(a)
	m.detach(t, now)
	switch {
	case ok:
		m.end(t, TaskSucceeded)
		m.finish(a.execID, StatusSucceeded, 0, now)
	case !t.cancelled && t.executed < t.maxExec:
		m.requeue(t, now)
	default:
		m.end(t, TaskFailed)
		m.finish(a.execID, StatusFailed, 0, now)
	}
}

// refill lets a worker that has room take more work (fast mode). Call with
// m.mu held.
func (m *Master) refill(w *worker) {
	if w != nil && w.available() {
		m.pull(w)
	}
}

func statusOf(ok bool) int {
	if ok {
		return StatusSucceeded
	}
	return StatusFailed
}

func (m *Master) endMessages(a *attempt) {
	if len(a.plan.End) > 0 {
		m.post(op{kind: opMessages, execID: a.execID, msgs: a.plan.End})
	}
}

// retire ends an attempt's life on its worker: its timer stops and it no
// longer counts against MaxTaskCount. Call with m.mu held.
func (m *Master) retire(a *attempt) {
	a.state = attOver
	m.cancelTimer(a.timer)
	a.timer = nil
	if a.w != nil {
		delete(a.w.live, a)
		m.updateAvail(a.w)
	}
}

// detach makes t stop counting on its current attempt. Call with m.mu held.
func (m *Master) detach(t *task, now time.Time) {
	t.cur = nil
	t.updated = now
	delete(m.running, t)
}

// requeue makes a task whose attempt ended ready again, at once.
func (m *Master) requeue(t *task, now time.Time) {
	m.st.requeued++
	m.post(op{kind: opRequeued, execID: t.job.execID, at: now})
	m.makeReady(t, now)
}

// finish queues the execution's final status. Call with m.mu held.
func (m *Master) finish(execID int64, status int, stopID int64, at time.Time) {
	m.st.finished(status)
	m.post(op{kind: opFinished, execID: execID, status: status, stopID: stopID, at: at})
}

// CancelJob is internal.cancel_job for stop_operation: the job and its task
// are marked cancelled and the stop id recorded. A ready task ends at once
// (Sink.Finished(3, stopID)); a running one when its worker learns of it (at
// once in fast mode, at the next task heartbeat in realistic mode, at lease
// expiry if the worker is gone). Cancelling a finished job changes nothing
// but the flags. stopID 0 means none.
func (m *Master) CancelJob(jobID uuid.UUID, stopID int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, ok := m.jobs[jobID]
	if !ok {
		return errNoJob(jobID)
	}
	now := m.clk.Now()
	j.cancelled = true
	j.updated = now
	t := j.task
	if t == nil {
		return nil
	}
	if !t.cancelled {
		t.cancelled = true
		t.stopID = stopID
		t.updated = now
	}
	switch t.status {
	case TaskReady:
		m.unready(t)
		m.end(t, TaskCancelled)
		m.finish(j.execID, StatusCanceled, t.stopID, now)
	case TaskDispatched, TaskInProgress:
		if a := t.cur; !m.tm.realistic && a.w.Online && a.state != attHeld {
			m.stopOnWorker(a)
		}
	}
	return nil
}

// stopOnWorker is the worker learning that its task was cancelled: it stops
// the package and the execution ends 3. Call with m.mu held.
func (m *Master) stopOnWorker(a *attempt) {
	t := a.t
	now := m.clk.Now()
	m.retire(a)
	m.detach(t, now)
	m.end(t, TaskCancelled)
	m.st.finished(StatusCanceled)
	m.post(op{kind: opStopped, execID: a.execID, att: a, stopID: t.stopID, at: now})
	if !m.tm.realistic {
		m.refill(a.w)
	}
}

// RunLocal runs a non-Scale Out execution on the server itself: no worker,
// the same runner, Sink.AttemptStarted with a nil worker, one attempt.
func (m *Master) RunLocal(executionID int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, busy := m.local[executionID]; busy {
		return fmt.Errorf("scaleout: execution %d is already running locally", executionID)
	}
	if _, scaled := m.byExec[executionID]; scaled {
		return errors.New("scaleout: a Scale Out execution cannot run locally")
	}
	a := &attempt{execID: executionID, number: 1, start: m.clk.Now(), state: attStarting}
	m.local[executionID] = a
	m.post(op{kind: opStart, execID: executionID, att: a})
	return nil
}

// StopLocal stops a local run at once (Sink.Finished(3, stopID)). It
// reports false when the execution has no local run in progress.
func (m *Master) StopLocal(executionID, stopID int64) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.local[executionID]
	if !ok {
		return false
	}
	delete(m.local, executionID)
	now := m.clk.Now()
	m.retire(a)
	m.st.finished(StatusCanceled)
	m.post(op{kind: opStopped, execID: executionID, att: a, stopID: stopID, at: now})
	return true
}

// end puts a task in a terminal status and its job on the list the
// cleanup works through. Call with m.mu held.
func (m *Master) end(t *task, status int) {
	t.status = status
	m.done = append(m.done, t.job)
}

// CleanupJobs drops finished jobs (task status above 3) that nothing has
// touched for keep, as cleanup_completed_jobs does, and reports how many.
// The master runs it every CleanupInterval on its own.
func (m *Master) CleanupJobs(keep time.Duration) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cleanupJobs(keep)
}

func (m *Master) cleanupJobs(keep time.Duration) int {
	cut := m.clk.Now().Add(-keep)
	n, i := 0, 0
	var later []*job
	// m.done is in order of ending, so the walk stops at the first job that
	// ended too recently; jobs touched since they ended go to the back.
	for ; i < len(m.done); i++ {
		j := m.done[i]
		if m.jobs[j.id] != j {
			continue // already dropped
		}
		t := j.task
		if t.updated.After(cut) {
			break
		}
		if j.updated.After(cut) {
			later = append(later, j)
			continue
		}
		delete(m.jobs, j.id)
		if m.byExec[j.execID] == j {
			delete(m.byExec, j.execID)
		}
		n++
	}
	rest := m.done[i:]
	m.done = append(append(make([]*job, 0, len(rest)+len(later)), rest...), later...)
	return n
}

// DropJobs forgets the jobs of executions the catalog deleted (its
// operation-log retention cleanup), as the cascade from internal.executions
// does in SSISDB, and reports how many it dropped. Only a job with no task
// (a created execution never started) or an ended task goes: one the
// master is still working on is kept.
func (m *Master) DropJobs(executionIDs []int64) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, id := range executionIDs {
		j, ok := m.byExec[id]
		if !ok || j.task != nil && j.task.status < TaskFailed {
			continue
		}
		// m.done may still list j; cleanupJobs skips jobs already gone.
		delete(m.jobs, j.id)
		delete(m.byExec, id)
		n++
	}
	return n
}
