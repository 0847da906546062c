package scaleout

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

func colNames(cs []rows.Column) string {
	var n []string
	for _, c := range cs {
		n = append(n, c.Name+" "+c.Type.String())
	}
	return strings.Join(n, ", ")
}

func scanAll(t *testing.T, s rows.Source) []rows.Row {
	t.Helper()
	var out []rows.Row
	if err := s.Scan(context.Background(), func(r rows.Row) bool { out = append(out, r); return true }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSourceSchemas(t *testing.T) {
	m, err := New(Config{}, clockFake(), newSink(), simNoRules(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		src  rows.Source
		want string
	}{
		{"catalog.worker_agents", m.WorkerAgentsSource(),
			"WorkerAgentId uniqueidentifier, IsEnabled bit, DisplayName nvarchar(256), Description nvarchar(max), MachineName nvarchar(256), Tags nvarchar(max), UserAccount nvarchar(256), LastOnlineTime datetimeoffset(7)"},
		{"internal.jobs", m.JobsSource(),
			"JobId uniqueidentifier, IsCancelled bit, CreatedTime datetimeoffset(7), JobType int, InputData nvarchar(max), Creator nvarchar(256), Priority int, LastUpdatedTime datetimeoffset(7)"},
		{"internal.tasks", m.TasksSource(),
			"TaskId uniqueidentifier, JobId uniqueidentifier, TaskType int, InputData nvarchar(max), MaxExecutedCount int, ExecutedCount int, Status int, IsCritical bit, Priority int, ReadyForDispatchTime datetimeoffset(7), LastUpdatedTime datetimeoffset(7), CreatedTime datetimeoffset(7), WorkerAgentId uniqueidentifier, ExpiredTime datetimeoffset(7), CreateWorkerAgentId uniqueidentifier, IsCancelled bit, LastPickupTime datetimeoffset(7)"},
		{"internal.job_worker_agents", m.JobWorkerAgentsSource(), "JobId uniqueidentifier, WorkerAgentId uniqueidentifier"},
	}
	for _, c := range cases {
		if got := colNames(c.src.Columns()); got != c.want {
			t.Errorf("%s columns:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

func TestSourcesRows(t *testing.T) {
	r := newRig(t, Config{Workers: []WorkerConfig{enabled(w1, "W1"), {ID: w2, MachineName: "W2", Tags: "spare"}}},
		runner.Rule{Package: "hang*", Outcome: runner.Hang})
	idAny, jobAny := r.start("hang.dtsx", 2, true)
	idOne, jobOne := r.start("p.dtsx", 0, false, w2) // w2 is disabled: pending
	r.settle()

	agents := scanAll(t, r.m.WorkerAgentsSource())
	if len(agents) != 2 || agents[0][0].UUID() != w1 || !agents[0][1].Bool() || !agents[0][2].IsNull() || agents[1][5].Str() != "spare" {
		t.Errorf("worker_agents rows %#v", agents)
	}
	tasks := scanAll(t, r.m.TasksSource())
	if len(tasks) != 2 {
		t.Fatalf("%d task rows", len(tasks))
	}
	running, pending := tasks[0], tasks[1]
	if running[1].UUID() != jobAny || running[6].Int64() != TaskInProgress || running[5].Int64() != 1 || running[4].Int64() != 3 ||
		running[12].UUID() != w1 || !running[9].IsNull() || running[13].IsNull() {
		t.Errorf("running task row %#v", running)
	}
	if pending[6].Int64() != TaskReady || !pending[12].IsNull() || !pending[9].Time().Equal(t0) {
		t.Errorf("pending task row %#v", pending)
	}
	if got := running[3].Str(); got != `[{"name":"execution_id","value":"`+itoa(idAny)+`"},{"name":"use32bitruntime","value":"0"}]` {
		t.Errorf("task InputData %s", got)
	}
	jobs := scanAll(t, r.m.JobsSource())
	if len(jobs) != 2 || jobs[0][4].Str() != `[{"name":"use32bitruntime","value":"0"}]` || jobs[0][5].Str() != `DOMAIN\ci` || jobs[0][3].Int64() != 1 {
		t.Errorf("jobs rows %#v", jobs)
	}
	jw := scanAll(t, r.m.JobWorkerAgentsSource())
	if len(jw) != 2 || jw[0][1].UUID() != AllWorkers || jw[1][0].UUID() != jobOne || jw[1][1].UUID() != w2 {
		t.Errorf("job_worker_agents rows %#v", jw)
	}

	// Seeks: Microsoft's troubleshooting query joins tasks on JobId.
	seek := func(s rows.Seeker, col int, key sqltype.Value) []rows.Row {
		var out []rows.Row
		if err := s.Seek(context.Background(), col, key, func(r rows.Row) bool { out = append(out, r); return true }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got := seek(r.m.TasksSource(), 1, sqltype.NewUniqueIdentifier(jobOne)); len(got) != 1 || got[0][6].Int64() != TaskReady {
		t.Errorf("task seek by JobId: %#v", got)
	}
	if got := seek(r.m.JobsSource(), 0, sqltype.NewNVarChar(strings.ToUpper(jobAny.String()))); len(got) != 1 {
		t.Errorf("job seek by text key: %d rows", len(got))
	}
	if got := seek(r.m.WorkerAgentsSource(), 0, sqltype.NewUniqueIdentifier(uuid.New())); len(got) != 0 {
		t.Errorf("seek of an unknown worker: %d rows", len(got))
	}
	if got := seek(r.m.JobWorkerAgentsSource(), 0, sqltype.NewUniqueIdentifier(jobOne)); len(got) != 1 || got[0][1].UUID() != w2 {
		t.Errorf("job_worker_agents seek: %#v", got)
	}
	if cols := r.m.TasksSource().SeekColumns(); len(cols) != 1 || cols[0] != 1 {
		t.Errorf("tasks seek columns %v", cols)
	}
	if got := seek(r.m.JobWorkerAgentsSource(), 0, sqltype.Null(sqltype.TUniqueIdentifier)); len(got) != 0 {
		t.Errorf("seek on NULL: %d rows", len(got))
	}
	if err := r.m.TasksSource().Seek(context.Background(), 0, sqltype.NewInt(1), func(rows.Row) bool { return true }); err == nil {
		t.Error("seek on a column that is not seekable succeeded")
	}
	if err := r.m.JobsSource().Seek(context.Background(), 0, sqltype.NewInt(1), func(rows.Row) bool { return true }); err == nil {
		t.Error("seek with an int key succeeded")
	}
	_ = idOne
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestRestore(t *testing.T) {
	r := newRig(t, Config{Workers: []WorkerConfig{enabled(w1, "W1")}},
		runner.Rule{Package: "hang*", Outcome: runner.Hang})
	running, _ := r.start("hang.dtsx", 0, true)
	done, _ := r.start("ok.dtsx", 0, true)
	pending, _ := r.start("ok.dtsx", 0, false) // no worker added
	notStarted, _ := r.exec("ok.dtsx", true)
	if _, err := r.m.Register(w2, "LATE", ""); err != nil {
		t.Fatal(err)
	}
	if err := r.m.SetWorkerProperty(w1, "Description", "saved"); err != nil {
		t.Fatal(err)
	}
	r.settle()
	st := r.m.State()

	// Through JSON, as a persistence layer would keep it.
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	var back State
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}

	sink := newSink()
	m2, err := New(Config{Workers: []WorkerConfig{{ID: w1, MachineName: "W1-NEW"}}}, clockFake(), sink, simNoRules(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	ended, err := m2.Restore(back)
	if err != nil {
		t.Fatal(err)
	}
	if len(ended) != 2 || ended[0] != running || ended[1] != pending {
		t.Errorf("ended %v, want [%d %d]", ended, running, pending)
	}
	for _, c := range []struct {
		id     int64
		status int
	}{{running, TaskFailed}, {pending, TaskFailed}, {done, TaskSucceeded}} {
		tk, ok := m2.TaskForExecution(c.id)
		if !ok || tk.Status != c.status || !tk.ReadyForDispatchTime.IsZero() {
			t.Errorf("restored task of %d: %+v", c.id, tk)
		}
	}
	if _, ok := m2.JobForExecution(notStarted); !ok {
		t.Error("job without a task not restored")
	}
	w, _ := m2.Worker(w1)
	if !w.Enabled || w.Description != "saved" || w.MachineName != "W1-NEW" {
		t.Errorf("configured worker after restore %+v", w)
	}
	if w, ok := m2.Worker(w2); !ok || w.Enabled || w.MachineName != "LATE" {
		t.Errorf("registered worker after restore %+v", w)
	}
	if st := m2.Stats(); st.QueueDepth != 0 || st.RunningTasks != 0 {
		t.Errorf("restored master has work: %+v", st)
	}
	if _, err := m2.Restore(back); err == nil {
		t.Error("second Restore accepted")
	}
}

func TestCleanupJobs(t *testing.T) {
	r := newRig(t, Config{Workers: []WorkerConfig{enabled(w1, "W1")}, Timing: Timing{CleanupInterval: time.Hour, CleanupKeep: time.Hour}},
		runner.Rule{Package: "hang*", Outcome: runner.Hang})
	done, _ := r.start("ok.dtsx", 0, true)
	hung, _ := r.start("hang.dtsx", 0, true)
	r.settle()
	if n := r.m.CleanupJobs(time.Hour); n != 0 {
		t.Errorf("cleaned %d fresh jobs", n)
	}
	r.advance(2 * time.Hour) // the master's own cleanup runs every hour
	if _, ok := r.m.JobForExecution(done); ok {
		t.Error("finished job kept past the window")
	}
	if _, ok := r.m.JobForExecution(hung); !ok {
		t.Error("running job cleaned")
	}
}

func TestStats(t *testing.T) {
	r := newRig(t, Config{Workers: []WorkerConfig{enabled(w1, "W1"), {ID: w2}}},
		runner.Rule{Package: "bad*", Outcome: runner.Fail}, runner.Rule{Package: "hang*", Outcome: runner.Hang})
	r.start("ok.dtsx", 0, true)
	r.start("bad.dtsx", 1, true)
	_, job := r.start("hang.dtsx", 0, true)
	r.start("hang.dtsx", 0, true)
	r.settle()
	if err := r.m.CancelJob(job, 9); err != nil {
		t.Fatal(err)
	}
	r.settle()
	st := r.m.Stats()
	want := Stats{Workers: 2, WorkersOnline: 2, WorkersEnabled: 1, RunningTasks: 1, Dispatched: 5, Requeued: 1,
		Succeeded: 1, Failed: 1, Canceled: 1}
	st.DispatchLatency = Histogram{}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("stats\n got %+v\nwant %+v", st, want)
	}
	h := r.m.Stats().DispatchLatency
	if h.Count != 5 || h.Counts[0] != 5 || h.Counts[len(h.Counts)-1] != 5 {
		t.Errorf("latency %+v", h)
	}
}
