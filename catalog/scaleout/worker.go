package scaleout

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// worker is a worker agent and the simulated worker service behind it.
type worker struct {
	Worker                         // the catalog's view; RunningTasks is filled on snapshot
	live     map[*attempt]struct{} // package runs alive on the worker, lost ones included
	availIdx int                   // index in Master.avail, -1 when not there
	deleted  bool
	// tolerance fires when the worker has failed to reach the master for
	// HeartbeatErrorTolerance: it kills its packages.
	tolerance *mtimer
}

// available reports whether the worker would take a task now.
func (w *worker) available() bool {
	return !w.deleted && w.Enabled && w.Online && len(w.live) < w.MaxTaskCount
}

// snapshot returns the catalog's view of the worker. In fast mode an online
// worker's heartbeats are not simulated, so its LastOnlineTime reads as now.
func (w *worker) snapshot(now time.Time, realistic bool) Worker {
	v := w.Worker
	v.RunningTasks = len(w.live)
	if !realistic && w.Online {
		v.LastOnlineTime = now
	}
	return v
}

// updateAvail keeps w's membership of the available set right. Call with
// m.mu held after anything that changes w.available().
func (m *Master) updateAvail(w *worker) {
	in := w.availIdx >= 0
	switch ok := w.available(); {
	case ok && !in:
		w.availIdx = len(m.avail)
		m.avail = append(m.avail, w)
	case !ok && in:
		i, last := w.availIdx, len(m.avail)-1
		m.avail[i] = m.avail[last]
		m.avail[i].availIdx = i
		m.avail[last] = nil
		m.avail = m.avail[:last]
		w.availIdx = -1
	}
}

// addWorker validates a configured or added worker and inserts it. Call
// with m.mu held (or from New).
func (m *Master) addWorker(wc WorkerConfig, now time.Time) (*worker, error) {
	if wc.ID == uuid.Nil || wc.ID == AllWorkers {
		return nil, fmt.Errorf("scaleout: %s cannot be a worker agent id", wc.ID)
	}
	if wc.MaxTaskCount < 0 {
		return nil, fmt.Errorf("scaleout: worker %s: max_task_count %d is negative", wc.ID, wc.MaxTaskCount)
	}
	w := &worker{
		Worker: Worker{
			ID:           wc.ID,
			Enabled:      wc.Enabled,
			DisplayName:  wc.DisplayName,
			Description:  wc.Description,
			MachineName:  wc.MachineName,
			Tags:         wc.Tags,
			UserAccount:  wc.UserAccount,
			Online:       !wc.Offline,
			MaxTaskCount: wc.MaxTaskCount,
		},
		live:     make(map[*attempt]struct{}),
		availIdx: -1,
	}
	if w.MachineName == "" {
		w.MachineName = "SSISW-" + strings.ToUpper(wc.ID.String()[:8])
	}
	if w.UserAccount == "" {
		w.UserAccount = DefaultUserAccount
	}
	if w.MaxTaskCount == 0 {
		w.MaxTaskCount = DefaultMaxTaskCount
	}
	if w.Online {
		w.LastOnlineTime = now
	}
	m.workers[w.ID] = w
	m.updateAvail(w)
	return w, nil
}

// AddWorker adds a worker agent through the control surface. Its Enabled
// flag is honoured. A duplicate id fails with 2627.
func (m *Master) AddWorker(cfg WorkerConfig) (Worker, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.workers[cfg.ID]; dup {
		return Worker{}, errDuplicate("PK_worker_agents", "internal.worker_agents", guidText(cfg.ID))
	}
	now := m.clk.Now()
	w, err := m.addWorker(cfg, now)
	if err != nil {
		return Worker{}, err
	}
	m.workerArrived(w)
	return w.snapshot(now, m.tm.realistic), nil
}

// workerArrived starts a new worker's simulation. Call with m.mu held.
func (m *Master) workerArrived(w *worker) {
	if m.started {
		m.startWorkerTimers(w)
	}
	if !m.tm.realistic {
		m.refill(w)
	}
}

// Register is a worker's heartbeat to the master (update_worker_agent_status):
// an unknown worker is inserted disabled, as on a real master; a known one is
// brought online and its machine name and account refreshed (empty strings
// keep the old values). uuid.Nil gives 27100, AllWorkers 27101.
func (m *Master) Register(id uuid.UUID, machineName, userAccount string) (Worker, error) {
	if err := checkWorkerArg(id); err != nil {
		return Worker{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.clk.Now()
	if w, ok := m.workers[id]; ok {
		if machineName != "" {
			w.MachineName = machineName
		}
		if userAccount != "" {
			w.UserAccount = userAccount
		}
		w.LastOnlineTime = now
		m.goOnline(w, now)
		return w.snapshot(now, m.tm.realistic), nil
	}
	w, err := m.addWorker(WorkerConfig{ID: id, MachineName: machineName, UserAccount: userAccount}, now)
	if err != nil {
		return Worker{}, err
	}
	m.log.Info("scale out worker registered; it is disabled until enabled", "worker_agent_id", id, "machine", w.MachineName)
	m.workerArrived(w)
	return w.snapshot(now, m.tm.realistic), nil
}

// lookup applies the worker procedures' checks and finds the worker. Call
// with m.mu held.
func (m *Master) lookup(id uuid.UUID) (*worker, error) {
	if err := checkWorkerArg(id); err != nil {
		return nil, err
	}
	w, ok := m.workers[id]
	if !ok {
		return nil, errNoWorker(id)
	}
	return w, nil
}

// EnableWorker is catalog.enable_worker_agent. uuid.Nil stands for a NULL
// argument (27100); AllWorkers gives 27101; an unknown id 27243.
func (m *Master) EnableWorker(id uuid.UUID) error { return m.setEnabled(id, true) }

// DisableWorker is catalog.disable_worker_agent; errors as EnableWorker.
// Running packages continue; the worker takes no new task.
func (m *Master) DisableWorker(id uuid.UUID) error { return m.setEnabled(id, false) }

func (m *Master) setEnabled(id uuid.UUID, on bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	w, err := m.lookup(id)
	if err != nil {
		return err
	}
	w.Enabled = on
	m.updateAvail(w)
	if on && !m.tm.realistic {
		m.refill(w)
	}
	return nil
}

// DeleteWorker is catalog.delete_worker_agent; errors as EnableWorker.
// Packages it is running finish (its service still runs them); it takes no
// new task. Tasks restricted to it stay queued for it, as the
// job_worker_agents rows stay.
func (m *Master) DeleteWorker(id uuid.UUID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	w, err := m.lookup(id)
	if err != nil {
		return err
	}
	delete(m.workers, id)
	w.deleted = true
	m.cancelTimer(w.tolerance)
	w.tolerance = nil
	m.updateAvail(w)
	return nil
}

// Worker property names of set_worker_agent_property.
var workerProps = []string{"DisplayName", "Description", "Tags"}

// SetWorkerProperty is catalog.set_worker_agent_property: name is
// DisplayName, Description or Tags (case-insensitive); an empty name gives
// 27100 '@PropertyName', any other name 27101 with the name as argument.
func (m *Master) SetWorkerProperty(id uuid.UUID, name, value string) error {
	if err := checkWorkerArg(id); err != nil {
		return err
	}
	if name == "" {
		return errNull("@PropertyName")
	}
	i := slices.IndexFunc(workerProps, func(p string) bool { return strings.EqualFold(p, name) })
	if i < 0 {
		return errInvalid(name)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	w, err := m.lookup(id)
	if err != nil {
		return err
	}
	switch i {
	case 0:
		w.DisplayName = value
	case 1:
		w.Description = value
	case 2:
		w.Tags = value
	}
	return nil
}

// SetMaxTaskCount changes a worker's MaxTaskCount (control surface; on a
// real worker it is WorkerSettings.config's). n must be at least 1.
func (m *Master) SetMaxTaskCount(id uuid.UUID, n int) error {
	if n < 1 {
		return errInvalid("MaxTaskCount")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	w, err := m.lookup(id)
	if err != nil {
		return err
	}
	w.MaxTaskCount = n
	m.updateAvail(w)
	if !m.tm.realistic {
		m.refill(w)
	}
	return nil
}

// SetWorkerOnline starts (true) or stops (false) a worker's heartbeats, as if
// its service or its network came back or went away. An offline worker takes
// no task; its running packages go on, but its leases are not renewed, what
// they finish is reported only when it is back, and it kills them once
// HeartbeatErrorTolerance has passed.
func (m *Master) SetWorkerOnline(id uuid.UUID, online bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	w, err := m.lookup(id)
	if err != nil {
		return err
	}
	now := m.clk.Now()
	if online {
		m.goOnline(w, now)
	} else {
		m.goOffline(w, now)
	}
	return nil
}

// LoseWorker simulates a crash of the worker's machine: its running packages
// vanish without a word and it goes offline. The master learns of it only
// when the tasks' leases expire: the task is retried, or the execution ends 6.
// SetWorkerOnline(id, true) brings the worker back, empty.
func (m *Master) LoseWorker(id uuid.UUID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	w, err := m.lookup(id)
	if err != nil {
		return err
	}
	m.goOffline(w, m.clk.Now())
	m.killRuns(w)
	return nil
}

func (m *Master) goOffline(w *worker, now time.Time) {
	if !w.Online {
		return
	}
	w.Online = false
	if !m.tm.realistic {
		w.LastOnlineTime = now // its last (virtual) heartbeat
	}
	m.updateAvail(w)
	if !m.tm.realistic {
		// Fast mode renews leases while the worker is online; from now
		// they run out.
		for a := range w.live {
			if t := a.t; t.cur == a {
				t.expires = now.Add(m.tm.lease)
				m.scheduleSweep(t.expires)
			}
		}
	}
	m.cancelTimer(w.tolerance)
	w.tolerance = m.after(m.tm.tolerate, func() {
		w.tolerance = nil
		m.killRuns(w)
	})
}

func (m *Master) goOnline(w *worker, now time.Time) {
	if w.Online {
		return
	}
	w.Online = true
	w.LastOnlineTime = now
	m.cancelTimer(w.tolerance)
	w.tolerance = nil
	m.updateAvail(w)
	if !m.tm.realistic {
		m.heartbeatTasks(w) // in realistic mode the next heartbeat does it
		m.refill(w)
	}
}

// killRuns ends every package run on a worker without a report. Call with
// m.mu held.
func (m *Master) killRuns(w *worker) {
	for _, a := range sortedAttempts(w.live) {
		m.retire(a)
	}
}

// heartbeatTasks is the worker's task heartbeat (update_task_status for
// each of its runs): a run the master took back is killed, a cancelled one
// stopped, a finished one reported; the others renew their lease. Call with
// m.mu held.
func (m *Master) heartbeatTasks(w *worker) {
	now := m.clk.Now()
	for _, a := range sortedAttempts(w.live) {
		t := a.t
		switch {
		case t.cur != a:
			m.retire(a)
		case a.state == attHeld:
			m.report(a)
		case t.cancelled:
			m.stopOnWorker(a)
		default:
			t.expires = now.Add(m.tm.lease)
			t.updated = now
		}
	}
}

// sortedAttempts lists a worker's runs in pick-up order, so that what
// follows from a heartbeat does not depend on map order.
func sortedAttempts(live map[*attempt]struct{}) []*attempt {
	out := make([]*attempt, 0, len(live))
	for a := range live {
		out = append(out, a)
	}
	slices.SortFunc(out, func(x, y *attempt) int {
		if c := x.start.Compare(y.start); c != 0 {
			return c
		}
		return cmpU64(x.t.readySeq, y.t.readySeq)
	})
	return out
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// startWorkerTimers starts the simulated worker service's loops in
// realistic mode: pull, task heartbeat, agent heartbeat. Call with m.mu held.
func (m *Master) startWorkerTimers(w *worker) {
	if !m.tm.realistic {
		return
	}
	m.loop(m.tm.pull, func() bool {
		if w.deleted {
			return false
		}
		if w.available() {
			m.pull(w)
		}
		return true
	})
	m.loop(m.tm.taskBeat, func() bool {
		if w.deleted && len(w.live) == 0 {
			return false
		}
		if w.Online {
			m.heartbeatTasks(w)
		}
		return true
	})
	m.loop(m.tm.agentBeat, func() bool {
		if w.deleted {
			return false
		}
		if w.Online {
			w.LastOnlineTime = m.clk.Now()
		}
		return true
	})
}

// loop runs f with m.mu held every d while it returns true.
func (m *Master) loop(d time.Duration, f func() bool) {
	var tick func()
	tick = func() {
		if f() {
			m.after(d, tick)
		}
	}
	m.after(d, tick)
}

// scheduleSweep makes sure the lease sweep runs by at (fast mode). Call
// with m.mu held.
func (m *Master) scheduleSweep(at time.Time) {
	if !m.sweepAt.IsZero() && !at.Before(m.sweepAt) {
		return
	}
	m.cancelTimer(m.sweepTimer)
	m.sweepAt = at
	m.sweepTimer = m.after(at.Sub(m.clk.Now()), func() {
		m.sweepAt, m.sweepTimer = time.Time{}, nil
		m.sweepExpired()
	})
}

// renewing reports whether a task's lease is being renewed by its worker's
// heartbeats: the run is alive on a worker that reaches the master.
func renewing(a *attempt) bool {
	return a != nil && a.state != attOver && a.w.Online
}

// sweepExpired is dealwith_expired_tasks: every task in 2 or 3 whose lease
// ran out is taken back; cancelled ones end 3, ones with attempts left are
// re-queued, the others end 6. Call with m.mu held.
func (m *Master) sweepExpired() {
	now := m.clk.Now()
	var due []*task
	next := time.Time{}
	for t := range m.running {
		if !m.tm.realistic && renewing(t.cur) {
			continue
		}
		if t.expires.After(now) {
			if next.IsZero() || t.expires.Before(next) {
				next = t.expires
			}
			continue
		}
		due = append(due, t)
	}
	slices.SortFunc(due, func(x, y *task) int { return cmpU64(x.seq, y.seq) })
	for _, t := range due {
		m.expire(t, now)
	}
	if !m.tm.realistic && !next.IsZero() {
		m.scheduleSweep(next)
	}
}

func (m *Master) expire(t *task, now time.Time) {
	m.st.leasesExpired++
	m.log.Info("scale out task lease expired", "execution_id", t.job.execID, "task_id", t.id,
		"worker_agent_id", t.workerID, "attempt", t.executed)
	m.detach(t, now)
	switch {
	case t.cancelled:
		m.end(t, TaskCancelled)
		m.finish(t.job.execID, StatusCanceled, t.stopID, now)
	case t.executed < t.maxExec:
		m.requeue(t, now)
	default:
		m.end(t, TaskFailed)
		m.finish(t.job.execID, StatusEndedUnexpectedly, 0, now)
	}
}

// Workers returns the worker agents ordered by id.
func (m *Master) Workers() []Worker {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.clk.Now()
	out := make([]Worker, 0, len(m.workers))
	for _, w := range m.workers {
		out = append(out, w.snapshot(now, m.tm.realistic))
	}
	slices.SortFunc(out, func(a, b Worker) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	return out
}

// Worker returns one worker agent.
func (m *Master) Worker(id uuid.UUID) (Worker, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w, ok := m.workers[id]
	if !ok {
		return Worker{}, false
	}
	return w.snapshot(m.clk.Now(), m.tm.realistic), true
}
