package scaleout

import (
	"errors"
	"fmt"
	"slices"
)

// State returns the master's persistent state: workers, jobs and tasks,
// oldest jobs first.
func (m *Master) State() State {
	ws := m.Workers()
	m.mu.Lock()
	defer m.mu.Unlock()
	st := State{Workers: ws}
	for _, j := range m.sortedJobs() {
		st.Jobs = append(st.Jobs, j.view())
		if j.task != nil {
			st.Tasks = append(st.Tasks, j.task.view())
		}
	}
	return st
}

// Restore loads state saved by State (catalog.startup after a restart). It
// must come before Start and before any job is created. Tasks that were
// ready or running end (status 4, no longer ready) and their executions are
// returned in ascending order: the catalog marks them 6 and logs the 27165
// warning (this master sends no Sink call for them). Saved workers keep
// their enabled flag, names, tags and online state; for configured workers
// the configuration still sets machine name, account and MaxTaskCount.
func (m *Master) Restore(st State) ([]int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.started {
		return nil, errors.New("scaleout: Restore must come before Start")
	}
	if len(m.jobs) > 0 {
		return nil, errors.New("scaleout: Restore must come before any job is created")
	}
	now := m.clk.Now()
	for _, sw := range st.Workers {
		if w, ok := m.workers[sw.ID]; ok {
			w.Enabled, w.DisplayName, w.Description, w.Tags = sw.Enabled, sw.DisplayName, sw.Description, sw.Tags
			if !w.Online {
				w.LastOnlineTime = sw.LastOnlineTime
			}
			m.updateAvail(w)
			continue
		}
		w, err := m.addWorker(WorkerConfig{
			ID: sw.ID, Enabled: sw.Enabled, DisplayName: sw.DisplayName, Description: sw.Description,
			MachineName: sw.MachineName, Tags: sw.Tags, UserAccount: sw.UserAccount,
			MaxTaskCount: sw.MaxTaskCount, Offline: !sw.Online,
		}, now)
		if err != nil {
			return nil, fmt.Errorf("scaleout: restore: %w", err)
		}
		if !w.Online {
			w.LastOnlineTime = sw.LastOnlineTime
		}
	}
	for _, sj := range st.Jobs {
		if _, dup := m.jobs[sj.ID]; dup {
			return nil, fmt.Errorf("scaleout: restore: job %s appears twice", sj.ID)
		}
		j := &job{
			id: sj.ID, execID: sj.ExecutionID, seq: m.nextSeq(), anyWorker: sj.UseAnyWorker, use32: sj.Use32Bit,
			creator: sj.Creator, created: sj.CreatedTime, updated: sj.LastUpdatedTime, cancelled: sj.IsCancelled,
			workers: slices.Clone(sj.Workers),
		}
		m.jobs[j.id] = j
		m.byExec[j.execID] = j
	}
	var ended []int64
	for _, stk := range st.Tasks {
		j, ok := m.jobs[stk.JobID]
		if !ok {
			return nil, fmt.Errorf("scaleout: restore: task %s belongs to unknown job %s", stk.ID, stk.JobID)
		}
		t := &task{
			id: stk.ID, job: j, seq: m.nextSeq(), status: stk.Status, maxExec: stk.MaxExecutedCount,
			executed: stk.ExecutedCount, created: stk.CreatedTime, updated: stk.LastUpdatedTime,
			lastPickup: stk.LastPickupTime, expires: stk.ExpiredTime, workerID: stk.WorkerAgentID,
			cancelled: stk.IsCancelled, stopID: stk.StopID,
		}
		j.task = t
		switch {
		case t.status <= TaskInProgress:
			t.updated = now
			m.end(t, TaskFailed)
			ended = append(ended, j.execID)
		default:
			m.done = append(m.done, j)
		}
	}
	slices.SortStableFunc(m.done, func(a, b *job) int { return a.task.updated.Compare(b.task.updated) })
	slices.Sort(ended)
	return slices.Compact(ended), nil
}
