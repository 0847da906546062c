package scaleout

import (
	"testing"
	"time"

	"github.com/google/uuid"
)

const (
	txt27100Worker = "The input parameter, '@WorkerAgentId', cannot be null. Provide a valid value for this parameter."
	txt27101All    = "The value specified for the input parameter, '11111111-1111-1111-1111-111111111111', is not valid. Provide a valid value for this parameter."
)

func txt27243(id uuid.UUID) string {
	return "Cannot find the cluster worker agent '" + guidText(id) + "' because it does not exist or you do not have sufficient permissions."
}

func TestWorkerProcedureErrors(t *testing.T) {
	unknown := uuid.MustParse("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee")
	type call func(m *Master, id uuid.UUID) error
	procs := map[string]call{
		"enable":  func(m *Master, id uuid.UUID) error { return m.EnableWorker(id) },
		"disable": func(m *Master, id uuid.UUID) error { return m.DisableWorker(id) },
		"delete":  func(m *Master, id uuid.UUID) error { return m.DeleteWorker(id) },
		"set":     func(m *Master, id uuid.UUID) error { return m.SetWorkerProperty(id, "Tags", "x") },
		"online":  func(m *Master, id uuid.UUID) error { return m.SetWorkerOnline(id, false) },
		"lose":    func(m *Master, id uuid.UUID) error { return m.LoseWorker(id) },
		"max":     func(m *Master, id uuid.UUID) error { return m.SetMaxTaskCount(id, 3) },
	}
	cases := []struct {
		id     uuid.UUID
		number int32
		text   string
	}{
		{uuid.Nil, 27100, txt27100Worker},
		{AllWorkers, 27101, txt27101All},
		{unknown, 27243, txt27243(unknown)},
	}
	r := newRig(t, Config{Workers: []WorkerConfig{enabled(w1, "W1")}})
	for name, p := range procs {
		for _, c := range cases {
			t.Run(name+"/"+c.id.String(), func(t *testing.T) {
				wantSQLErr(t, p(r.m, c.id), c.number, c.text)
			})
		}
	}
}

func TestSetWorkerProperty(t *testing.T) {
	r := newRig(t, Config{Workers: []WorkerConfig{enabled(w1, "W1")}})
	cases := []struct {
		name, value string
		err         int32
		check       func(w Worker) string
	}{
		{"DisplayName", "Build box", 0, func(w Worker) string { return w.DisplayName }},
		{"description", "in the rack", 0, func(w Worker) string { return w.Description }},
		{"TAGS", "etl;nightly", 0, func(w Worker) string { return w.Tags }},
		{"MachineName", "x", 27101, nil},
		{"", "x", 27100, nil},
	}
	for _, c := range cases {
		err := r.m.SetWorkerProperty(w1, c.name, c.value)
		if c.err != 0 {
			text := ""
			if c.err == 27101 {
				text = "The value specified for the input parameter, '" + c.name + "', is not valid. Provide a valid value for this parameter."
			}
			wantSQLErr(t, err, c.err, text)
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		w, _ := r.m.Worker(w1)
		if got := c.check(w); got != c.value {
			t.Errorf("%s = %q, want %q", c.name, got, c.value)
		}
	}
}

func TestAddJobWorkerErrors(t *testing.T) {
	r := newRig(t, Config{Workers: []WorkerConfig{enabled(w1, "W1")}})
	_, anyJob := r.exec("p.dtsx", true)
	_, oneJob := r.exec("p.dtsx", false, w1)
	unknown := uuid.MustParse("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee")
	cases := []struct {
		name   string
		job    uuid.UUID
		worker uuid.UUID
		number int32
		text   string
	}{
		{"NULL worker", oneJob, uuid.Nil, 27100, txt27100Worker},
		{"all-workers id", oneJob, AllWorkers, 27101, txt27101All},
		{"useanyworker=1", anyJob, w1, 27251, "Cannot add a worker agent to execute the cluster job instance '" + guidText(anyJob) + "' because the job is specified for all worker agents."},
		{"unknown worker", oneJob, unknown, 27243, txt27243(unknown)},
		{"duplicate", oneJob, w1, 2627, "Violation of PRIMARY KEY constraint 'PK_job_worker_agents'. Cannot insert duplicate key in object 'internal.job_worker_agents'. The duplicate key value is (" + guidText(oneJob) + ", " + guidText(w1) + ")."},
		{"unknown job", unknown, w1, 27242, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantSQLErr(t, r.m.AddJobWorker(c.job, c.worker), c.number, c.text)
		})
	}
	// A disabled worker can be added (it just cannot pull until enabled).
	if err := r.m.DisableWorker(w1); err != nil {
		t.Fatal(err)
	}
	_, job := r.exec("p.dtsx", false)
	if err := r.m.AddJobWorker(job, w1); err != nil {
		t.Errorf("adding a disabled worker: %v", err)
	}
}

func TestRegisterAndAddWorker(t *testing.T) {
	r := newRig(t, Config{Workers: []WorkerConfig{enabled(w1, "")}})
	w, ok := r.m.Worker(w1)
	if !ok || w.MachineName != "SSISW-64C020E2" || w.UserAccount != DefaultUserAccount || w.MaxTaskCount != 10 || !w.Online || !w.Enabled {
		t.Errorf("configured defaults: %+v", w)
	}
	reg, err := r.m.Register(w2, "NODE7", `CORP\svc-ssis`)
	if err != nil {
		t.Fatal(err)
	}
	if reg.Enabled || !reg.Online || reg.MachineName != "NODE7" || reg.UserAccount != `CORP\svc-ssis` || !reg.LastOnlineTime.Equal(t0) {
		t.Errorf("registered: %+v", reg)
	}
	// A second heartbeat keeps the row and its enabled flag.
	if err := r.m.EnableWorker(w2); err != nil {
		t.Fatal(err)
	}
	r.clk.Advance(time.Minute)
	again, err := r.m.Register(w2, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if !again.Enabled || again.MachineName != "NODE7" {
		t.Errorf("re-registered: %+v", again)
	}
	_, err = r.m.AddWorker(WorkerConfig{ID: w2})
	wantSQLErr(t, err, 2627, "")
	if _, err := r.m.AddWorker(WorkerConfig{ID: AllWorkers}); err == nil {
		t.Error("the all-workers id was accepted as a worker")
	}
	ws := r.m.Workers()
	if len(ws) != 2 || ws[0].ID != w1 || ws[1].ID != w2 {
		t.Errorf("workers %v", ws)
	}
	if err := r.m.DeleteWorker(w2); err != nil {
		t.Fatal(err)
	}
	if _, ok := r.m.Worker(w2); ok {
		t.Error("deleted worker still listed")
	}
	wantSQLErr(t, r.m.EnableWorker(w2), 27243, txt27243(w2))
}

// A deleted worker finishes what it runs and takes nothing new.
func TestDeleteBusyWorker(t *testing.T) {
	r := newRig(t, Config{Workers: []WorkerConfig{enabled(w1, "W1")}}, runnerRule(time.Minute))
	a, _ := r.start("p.dtsx", 0, true)
	r.settle()
	if err := r.m.DeleteWorker(w1); err != nil {
		t.Fatal(err)
	}
	b, _ := r.start("p.dtsx", 0, true)
	r.advance(time.Minute)
	r.wantKinds(a, "started(1) finished(7)")
	r.wantKinds(b, "")
}

func TestNewRejectsBadConfig(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
	}{
		{"duplicate worker", Config{Workers: []WorkerConfig{{ID: w1}, {ID: w1}}}},
		{"nil worker id", Config{Workers: []WorkerConfig{{}}}},
		{"negative max", Config{Workers: []WorkerConfig{{ID: w1, MaxTaskCount: -1}}}},
		{"bad mode", Config{Timing: Timing{Mode: "turbo"}}},
		{"negative factor", Config{Timing: Timing{TimeFactor: -1}}},
	}
	for _, c := range cases {
		if _, err := New(c.cfg, clockFake(), newSink(), simNoRules(t), nil); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
}

// Tasks restricted to a deleted worker wait for it; when it registers again
// and is enabled, it takes them.
func TestDeletedWorkerComesBack(t *testing.T) {
	r := newRig(t, Config{Workers: []WorkerConfig{{ID: w1, MachineName: "W1"}}})
	id, _ := r.start("p.dtsx", 0, false, w1)
	if err := r.m.DeleteWorker(w1); err != nil {
		t.Fatal(err)
	}
	r.advance(time.Minute)
	r.wantKinds(id, "")
	w, err := r.m.Register(w1, "W1-REBUILT", "")
	if err != nil {
		t.Fatal(err)
	}
	if w.Enabled {
		t.Fatal("a worker registering again after delete arrived enabled")
	}
	if err := r.m.EnableWorker(w1); err != nil {
		t.Fatal(err)
	}
	r.settle()
	r.wantKinds(id, "started(1) finished(7)")
	if ev := r.sink.get(id); ev[0].machine != "W1-REBUILT" {
		t.Errorf("ran on %q", ev[0].machine)
	}
}
