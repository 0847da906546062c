package scaleout

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

func b01(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// jobInput renders internal.jobs.InputData as create_execution writes it.
func jobInput(use32 bool) string {
	return `[{"name":"use32bitruntime","value":"` + b01(use32) + `"}]`
}

// taskInput renders internal.tasks.InputData as create_execution_job and
// cancel_job write it.
func taskInput(execID int64, use32 bool, stopID int64) string {
	var b strings.Builder
	b.WriteString(`[{"name":"execution_id","value":"`)
	b.WriteString(strconv.FormatInt(execID, 10))
	b.WriteString(`"},{"name":"use32bitruntime","value":"`)
	b.WriteString(b01(use32))
	b.WriteString(`"}`)
	if stopID != 0 {
		b.WriteString(`,{"name":"stop_id","value":"`)
		b.WriteString(strconv.FormatInt(stopID, 10))
		b.WriteString(`"}`)
	}
	b.WriteString("]")
	return b.String()
}

func (j *job) view() Job {
	v := Job{
		ID:              j.id,
		ExecutionID:     j.execID,
		IsCancelled:     j.cancelled,
		CreatedTime:     j.created,
		JobType:         JobTypeExecution,
		InputData:       jobInput(j.use32),
		Creator:         j.creator,
		LastUpdatedTime: j.updated,
		UseAnyWorker:    j.anyWorker,
		Use32Bit:        j.use32,
		Workers:         slices.Clone(j.workers),
	}
	if j.task != nil {
		v.TaskID = j.task.id
	}
	return v
}

func (t *task) view() Task {
	return Task{
		ID:                   t.id,
		JobID:                t.job.id,
		ExecutionID:          t.job.execID,
		TaskType:             TaskTypeExecution,
		InputData:            taskInput(t.job.execID, t.job.use32, t.stopID),
		MaxExecutedCount:     t.maxExec,
		ExecutedCount:        t.executed,
		Status:               t.status,
		ReadyForDispatchTime: t.ready,
		LastUpdatedTime:      t.updated,
		CreatedTime:          t.created,
		WorkerAgentID:        t.workerID,
		ExpiredTime:          t.expires,
		IsCancelled:          t.cancelled,
		LastPickupTime:       t.lastPickup,
		StopID:               t.stopID,
	}
}

// sortedJobs returns the jobs oldest first. Call with m.mu held.
func (m *Master) sortedJobs() []*job {
	js := make([]*job, 0, len(m.jobs))
	for _, j := range m.jobs {
		js = append(js, j)
	}
	slices.SortFunc(js, func(a, b *job) int { return cmpU64(a.seq, b.seq) })
	return js
}

// JobForExecution returns the job of an execution.
func (m *Master) JobForExecution(executionID int64) (Job, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, ok := m.byExec[executionID]
	if !ok {
		return Job{}, false
	}
	return j.view(), true
}

// TaskForExecution returns the task of an execution (false before
// StartTask).
func (m *Master) TaskForExecution(executionID int64) (Task, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, ok := m.byExec[executionID]
	if !ok || j.task == nil {
		return Task{}, false
	}
	return j.task.view(), true
}

// Jobs returns internal.jobs, oldest first.
func (m *Master) Jobs() []Job {
	m.mu.Lock()
	defer m.mu.Unlock()
	js := m.sortedJobs()
	out := make([]Job, len(js))
	for i, j := range js {
		out[i] = j.view()
	}
	return out
}

// Tasks returns internal.tasks, oldest first.
func (m *Master) Tasks() []Task {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Task
	for _, j := range m.sortedJobs() {
		if j.task != nil {
			out = append(out, j.task.view())
		}
	}
	return out
}

// JobWorkers returns internal.job_worker_agents, by job age.
func (m *Master) JobWorkers() []JobWorker {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []JobWorker
	for _, j := range m.sortedJobs() {
		out = appendJobWorkers(out, j)
	}
	return out
}

func appendJobWorkers(out []JobWorker, j *job) []JobWorker {
	if j.anyWorker {
		return append(out, JobWorker{JobID: j.id, WorkerAgentID: AllWorkers})
	}
	for _, w := range j.workers {
		out = append(out, JobWorker{JobID: j.id, WorkerAgentID: w})
	}
	return out
}

// Column sets of the row sources (reference §3.5 and §3.8).
var (
	dto      = sqltype.DateTimeOffsetS(7)
	nvMax    = sqltype.NVarCharN(sqltype.Max)
	nv256    = sqltype.NVarCharN(256)
	uid      = sqltype.TUniqueIdentifier
	agentCol = []rows.Column{
		{Name: "WorkerAgentId", Type: uid},
		{Name: "IsEnabled", Type: sqltype.TBit},
		{Name: "DisplayName", Type: nv256, Nullable: true},
		{Name: "Description", Type: nvMax, Nullable: true},
		{Name: "MachineName", Type: nv256, Nullable: true},
		{Name: "Tags", Type: nvMax, Nullable: true},
		{Name: "UserAccount", Type: nv256, Nullable: true},
		{Name: "LastOnlineTime", Type: dto, Nullable: true},
	}
	jobCol = []rows.Column{
		{Name: "JobId", Type: uid},
		{Name: "IsCancelled", Type: sqltype.TBit},
		{Name: "CreatedTime", Type: dto},
		{Name: "JobType", Type: sqltype.TInt},
		{Name: "InputData", Type: nvMax, Nullable: true},
		{Name: "Creator", Type: nv256, Nullable: true},
		{Name: "Priority", Type: sqltype.TInt},
		{Name: "LastUpdatedTime", Type: dto, Nullable: true},
	}
	taskCol = []rows.Column{
		{Name: "TaskId", Type: uid},
		{Name: "JobId", Type: uid},
		{Name: "TaskType", Type: sqltype.TInt},
		{Name: "InputData", Type: nvMax, Nullable: true},
		{Name: "MaxExecutedCount", Type: sqltype.TInt},
		{Name: "ExecutedCount", Type: sqltype.TInt},
		{Name: "Status", Type: sqltype.TInt},
		{Name: "IsCritical", Type: sqltype.TBit},
		{Name: "Priority", Type: sqltype.TInt},
		{Name: "ReadyForDispatchTime", Type: dto, Nullable: true},
		{Name: "LastUpdatedTime", Type: dto, Nullable: true},
		{Name: "CreatedTime", Type: dto},
		{Name: "WorkerAgentId", Type: uid, Nullable: true},
		{Name: "ExpiredTime", Type: dto, Nullable: true},
		{Name: "CreateWorkerAgentId", Type: uid, Nullable: true},
		{Name: "IsCancelled", Type: sqltype.TBit},
		{Name: "LastPickupTime", Type: dto, Nullable: true},
	}
	jobWorkerCol = []rows.Column{
		{Name: "JobId", Type: uid},
		{Name: "WorkerAgentId", Type: uid},
	}
)

func vGUID(u uuid.UUID) sqltype.Value {
	if u == uuid.Nil {
		return sqltype.Null(uid)
	}
	return sqltype.NewUniqueIdentifier(u)
}

func vTime(t time.Time) sqltype.Value {
	if t.IsZero() {
		return sqltype.Null(dto)
	}
	return sqltype.NewDateTimeOffset(t)
}

func vStr(typ sqltype.Type, s string, emptyIsNull bool) sqltype.Value {
	if s == "" && emptyIsNull {
		return sqltype.Null(typ)
	}
	return sqltype.NewString(typ, s)
}

func vInt(n int) sqltype.Value { return sqltype.NewInt(int64(n)) }

func agentRow(w Worker) rows.Row {
	return rows.Row{
		sqltype.NewUniqueIdentifier(w.ID),
		sqltype.NewBit(w.Enabled),
		vStr(nv256, w.DisplayName, true),
		vStr(nvMax, w.Description, true),
		vStr(nv256, w.MachineName, true),
		vStr(nvMax, w.Tags, true),
		vStr(nv256, w.UserAccount, true),
		vTime(w.LastOnlineTime),
	}
}

func jobRow(j Job) rows.Row {
	return rows.Row{
		sqltype.NewUniqueIdentifier(j.ID),
		sqltype.NewBit(j.IsCancelled),
		vTime(j.CreatedTime),
		vInt(j.JobType),
		vStr(nvMax, j.InputData, true),
		vStr(nv256, j.Creator, true),
		vInt(j.Priority),
		vTime(j.LastUpdatedTime),
	}
}

func taskRow(t Task) rows.Row {
	return rows.Row{
		sqltype.NewUniqueIdentifier(t.ID),
		sqltype.NewUniqueIdentifier(t.JobID),
		vInt(t.TaskType),
		vStr(nvMax, t.InputData, true),
		vInt(t.MaxExecutedCount),
		vInt(t.ExecutedCount),
		vInt(t.Status),
		sqltype.NewBit(t.IsCritical),
		vInt(t.Priority),
		vTime(t.ReadyForDispatchTime),
		vTime(t.LastUpdatedTime),
		vTime(t.CreatedTime),
		vGUID(t.WorkerAgentID),
		vTime(t.ExpiredTime),
		vGUID(t.CreateWorkerAgentID),
		sqltype.NewBit(t.IsCancelled),
		vTime(t.LastPickupTime),
	}
}

func jobWorkerRow(jw JobWorker) rows.Row {
	return rows.Row{sqltype.NewUniqueIdentifier(jw.JobID), sqltype.NewUniqueIdentifier(jw.WorkerAgentID)}
}

// source is a snapshot-based row source: rows are copied under the master
// lock and handed to fn with no lock held, as rows.Source requires. Seeks on
// column 0 or 1 (whichever seekCols names) use an index instead of a scan.
type source struct {
	cols     []rows.Column
	seekCols []int
	all      func() []rows.Row
	seek     func(col int, key uuid.UUID) []rows.Row
}

func (s *source) Columns() []rows.Column { return s.cols }

func (s *source) SeekColumns() []int { return s.seekCols }

func (s *source) Scan(ctx context.Context, fn func(rows.Row) bool) error {
	return emit(ctx, s.all(), fn)
}

func (s *source) Seek(ctx context.Context, col int, key sqltype.Value, fn func(rows.Row) bool) error {
	if !slices.Contains(s.seekCols, col) {
		return fmt.Errorf("scaleout: column %d is not seekable", col)
	}
	if key.IsNull() {
		return nil // = NULL matches nothing
	}
	var id uuid.UUID
	switch k := key.Kind(); {
	case k == sqltype.UniqueIdentifier:
		id = key.UUID()
	case k.IsString():
		u, err := uuid.Parse(strings.TrimSpace(key.Str()))
		if err != nil {
			return fmt.Errorf("scaleout: seek key %q is not a uniqueidentifier", key.Str())
		}
		id = u
	default:
		return fmt.Errorf("scaleout: seek key of type %s is not a uniqueidentifier", key.Type())
	}
	return emit(ctx, s.seek(col, id), fn)
}

// rowsOf is the view rows of xs, row by row.
func rowsOf[T any](xs []T, row func(T) rows.Row) []rows.Row {
	out := make([]rows.Row, len(xs))
	for i, x := range xs {
		out[i] = row(x)
	}
	return out
}

func emit(ctx context.Context, rs []rows.Row, fn func(rows.Row) bool) error {
	for _, r := range rs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !fn(r) {
			return nil
		}
	}
	return nil
}

// WorkerAgentsSource is catalog.worker_agents as a row source (columns and
// types of reference §3.5; empty DisplayName, Description and Tags read as
// NULL); seekable on WorkerAgentId. Visibility (ssis_admin,
// ssis_cluster_executor, sysadmin) is the catalog's to apply.
func (m *Master) WorkerAgentsSource() rows.Seeker {
	return &source{
		cols:     agentCol,
		seekCols: []int{0},
		all: func() []rows.Row {
			return rowsOf(m.Workers(), agentRow)
		},
		seek: func(_ int, id uuid.UUID) []rows.Row {
			if w, ok := m.Worker(id); ok {
				return []rows.Row{agentRow(w)}
			}
			return nil
		},
	}
}

// jobSeek returns the job with id, if any, as a view. Call without m.mu.
func (m *Master) jobView(id uuid.UUID) (Job, *Task, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, ok := m.jobs[id]
	if !ok {
		return Job{}, nil, false
	}
	var t *Task
	if j.task != nil {
		v := j.task.view()
		t = &v
	}
	return j.view(), t, true
}

// JobsSource is internal.jobs as a row source (§3.8), oldest first;
// seekable on JobId.
func (m *Master) JobsSource() rows.Seeker {
	return &source{
		cols:     jobCol,
		seekCols: []int{0},
		all: func() []rows.Row {
			return rowsOf(m.Jobs(), jobRow)
		},
		seek: func(_ int, id uuid.UUID) []rows.Row {
			if j, _, ok := m.jobView(id); ok {
				return []rows.Row{jobRow(j)}
			}
			return nil
		},
	}
}

// TasksSource is internal.tasks as a row source (§3.8), oldest first;
// seekable on JobId (column 1), the column Microsoft's troubleshooting
// query joins on.
func (m *Master) TasksSource() rows.Seeker {
	return &source{
		cols:     taskCol,
		seekCols: []int{1},
		all: func() []rows.Row {
			return rowsOf(m.Tasks(), taskRow)
		},
		seek: func(_ int, id uuid.UUID) []rows.Row {
			if _, t, ok := m.jobView(id); ok && t != nil {
				return []rows.Row{taskRow(*t)}
			}
			return nil
		},
	}
}

// JobWorkerAgentsSource is internal.job_worker_agents as a row source;
// seekable on JobId.
func (m *Master) JobWorkerAgentsSource() rows.Seeker {
	return &source{
		cols:     jobWorkerCol,
		seekCols: []int{0},
		all: func() []rows.Row {
			return rowsOf(m.JobWorkers(), jobWorkerRow)
		},
		seek: func(_ int, id uuid.UUID) []rows.Row {
			m.mu.Lock()
			j, ok := m.jobs[id]
			var jws []JobWorker
			if ok {
				jws = appendJobWorkers(nil, j)
			}
			m.mu.Unlock()
			return rowsOf(jws, jobWorkerRow)
		},
	}
}
