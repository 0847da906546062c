package scaleout

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
)

// The documentation's example batch: two executions restricted to worker
// 64c020e2-..., logging level 1, retry 0; both succeed on it, once each,
// with start and finish messages.
func TestDocExample(t *testing.T) {
	r := newRig(t, Config{Workers: []WorkerConfig{enabled(w1, "WORKER01")}})
	a, _ := r.start("package1.dtsx", 0, false, w1)
	b, _ := r.start("package2.dtsx", 0, false, w1)
	r.settle()
	for _, id := range []int64{a, b} {
		r.wantKinds(id, "started(1) finished(7)")
		ev := r.sink.get(id)
		if ev[0].worker != w1 || ev[0].machine != "WORKER01" {
			t.Errorf("execution %d started on %v %q", id, ev[0].worker, ev[0].machine)
		}
		tk := r.task(id)
		if tk.Status != TaskSucceeded || tk.ExecutedCount != 1 || tk.WorkerAgentID != w1 {
			t.Errorf("task %+v", tk)
		}
		var pre, post bool
		for _, msg := range r.sink.messages(id) {
			if msg.EventName == "OnPreExecute" && msg.MessageSourceType == runner.SourcePackage {
				pre = true
			}
			if msg.EventName == "OnPostExecute" && msg.MessageSourceType == runner.SourcePackage {
				post = true
			}
		}
		if !pre || !post {
			t.Errorf("execution %d: package start/finish messages missing (pre %v, post %v)", id, pre, post)
		}
	}
}

func TestRetries(t *testing.T) {
	cases := []struct {
		name       string
		failFirst  int
		retry      int
		want       string
		wantStatus int
		wantCount  int
		wantTask   int
	}{
		{"fail twice, retry 2", 2, 2, "started(1) requeued started(2) requeued started(3) finished(7)", StatusSucceeded, 3, TaskSucceeded},
		{"fail twice, retry 1", 2, 1, "started(1) requeued started(2) finished(4)", StatusFailed, 2, TaskFailed},
		{"fail once, retry 0", 1, 0, "started(1) finished(4)", StatusFailed, 1, TaskFailed},
		{"no failure, retry 3", 0, 3, "started(1) finished(7)", StatusSucceeded, 1, TaskSucceeded},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, Config{Workers: []WorkerConfig{enabled(w1, "W1")}},
				runner.Rule{Package: "flaky*", FailFirst: c.failFirst, Duration: time.Second})
			id, _ := r.start("flaky.dtsx", c.retry, true)
			for range c.retry + 1 {
				r.advance(time.Second)
			}
			r.wantKinds(id, c.want)
			fin, ok := r.sink.final(id)
			if !ok || fin.status != c.wantStatus {
				t.Fatalf("final %+v", fin)
			}
			// Each attempt takes one second and the retry is queued at once.
			if want := t0.Add(time.Duration(c.wantCount) * time.Second); !fin.at.Equal(want) {
				t.Errorf("finished at %v, want %v", fin.at, want)
			}
			tk := r.task(id)
			if tk.ExecutedCount != c.wantCount || tk.MaxExecutedCount != c.retry+1 || tk.Status != c.wantTask {
				t.Errorf("task %+v", tk)
			}
		})
	}
}

func TestEligibility(t *testing.T) {
	cases := []struct {
		name    string
		workers []WorkerConfig
		any     bool
		add     []uuid.UUID
		want    string    // sink events after start
		on      uuid.UUID // worker it ran on
	}{
		{"useanyworker=0 without add_execution_worker stays pending",
			[]WorkerConfig{enabled(w1, "W1")}, false, nil, "", uuid.Nil},
		{"useanyworker=0 runs on the added worker only",
			[]WorkerConfig{enabled(w1, "W1"), enabled(w2, "W2")}, false, []uuid.UUID{w2}, "started(1) finished(7)", w2},
		{"useanyworker=1 runs anywhere",
			[]WorkerConfig{enabled(w1, "W1")}, true, nil, "started(1) finished(7)", w1},
		{"a disabled worker keeps it pending",
			[]WorkerConfig{{ID: w1, MachineName: "W1"}}, true, nil, "", uuid.Nil},
		{"a disabled added worker keeps it pending",
			[]WorkerConfig{{ID: w1, MachineName: "W1"}, enabled(w2, "W2")}, false, []uuid.UUID{w1}, "", uuid.Nil},
		{"an offline worker keeps it pending",
			[]WorkerConfig{{ID: w1, Enabled: true, Offline: true}}, true, nil, "", uuid.Nil},
		{"no worker at all keeps it pending", nil, true, nil, "", uuid.Nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, Config{Workers: c.workers})
			id, _ := r.start("p.dtsx", 0, c.any, c.add...)
			r.advance(time.Hour) // nothing times out while pending
			r.wantKinds(id, c.want)
			tk := r.task(id)
			if c.want == "" {
				if tk.Status != TaskReady || tk.ReadyForDispatchTime.IsZero() || tk.ExecutedCount != 0 {
					t.Errorf("pending task %+v", tk)
				}
				if st := r.m.Stats(); st.QueueDepth != 1 {
					t.Errorf("queue depth %d", st.QueueDepth)
				}
				return
			}
			if tk.WorkerAgentID != c.on {
				t.Errorf("ran on %v, want %v", tk.WorkerAgentID, c.on)
			}
		})
	}
}

// A pending execution starts as soon as a worker becomes eligible.
func TestPendingUntilEligible(t *testing.T) {
	cases := []struct {
		name string
		make func(r *rig, job uuid.UUID) error
	}{
		{"enable_worker_agent", func(r *rig, _ uuid.UUID) error { return r.m.EnableWorker(w1) }},
		{"worker comes online", func(r *rig, _ uuid.UUID) error {
			if err := r.m.SetWorkerOnline(w1, false); err != nil {
				return err
			}
			if err := r.m.EnableWorker(w1); err != nil {
				return err
			}
			r.advance(time.Minute)
			if got := r.sink.kinds(r.next); got != "" {
				r.t.Fatalf("offline worker took the task: %s", got)
			}
			return r.m.SetWorkerOnline(w1, true)
		}},
		{"worker added at run time", func(r *rig, _ uuid.UUID) error {
			_, err := r.m.AddWorker(enabled(w2, "W2"))
			return err
		}},
		{"self-registered worker, then enabled", func(r *rig, _ uuid.UUID) error {
			w, err := r.m.Register(w3, "NEWBOX", "")
			if err != nil {
				return err
			}
			if w.Enabled {
				r.t.Fatal("a self-registered worker arrived enabled")
			}
			r.advance(time.Minute)
			if got := r.sink.kinds(r.next); got != "" {
				r.t.Fatalf("disabled worker took the task: %s", got)
			}
			return r.m.EnableWorker(w3)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, Config{Workers: []WorkerConfig{{ID: w1, MachineName: "W1"}}})
			id, job := r.start("p.dtsx", 0, true)
			r.advance(time.Minute)
			r.wantKinds(id, "")
			if err := c.make(r, job); err != nil {
				t.Fatal(err)
			}
			r.settle()
			r.wantKinds(id, "started(1) finished(7)")
		})
	}
}

func TestAddWorkerAfterStart(t *testing.T) {
	r := newRig(t, Config{Workers: []WorkerConfig{enabled(w1, "W1")}})
	id, job := r.start("p.dtsx", 0, false)
	r.settle()
	r.wantKinds(id, "")
	if err := r.m.AddJobWorker(job, w1); err != nil {
		t.Fatal(err)
	}
	r.settle()
	r.wantKinds(id, "started(1) finished(7)")
}

func TestMaxTaskCount(t *testing.T) {
	r := newRig(t, Config{Workers: []WorkerConfig{{ID: w1, Enabled: true, MaxTaskCount: 2}}},
		runner.Rule{Outcome: runner.Hang})
	var ids []int64
	var jobs []uuid.UUID
	for range 5 {
		id, job := r.start("p.dtsx", 0, true)
		ids = append(ids, id)
		jobs = append(jobs, job)
		r.clk.Advance(time.Second) // distinct ReadyForDispatchTime
	}
	r.settle()
	started := func() (n int) {
		for _, id := range ids {
			if r.sink.kinds(id) != "" {
				n++
			}
		}
		return n
	}
	if n := started(); n != 2 {
		t.Fatalf("%d running, want MaxTaskCount 2", n)
	}
	if w, _ := r.m.Worker(w1); w.RunningTasks != 2 {
		t.Errorf("RunningTasks %d", w.RunningTasks)
	}
	if st := r.m.Stats(); st.QueueDepth != 3 || st.RunningTasks != 2 {
		t.Errorf("stats %+v", st)
	}
	// Stopping one frees a slot: the oldest pending one goes next.
	if err := r.m.CancelJob(jobs[0], 900); err != nil {
		t.Fatal(err)
	}
	r.settle()
	r.wantKinds(ids[0], "started(1) finished(3)")
	r.wantKinds(ids[2], "started(1)")
	r.wantKinds(ids[3], "")
	// Raising the count lets the rest run.
	if err := r.m.SetMaxTaskCount(w1, 10); err != nil {
		t.Fatal(err)
	}
	r.settle()
	if n := started(); n != 5 {
		t.Errorf("%d started after raising MaxTaskCount", n)
	}
}

// Oldest ReadyForDispatchTime first, across the all-workers queue and a
// worker's own queue.
func TestOldestFirst(t *testing.T) {
	r := newRig(t, Config{Workers: []WorkerConfig{{ID: w1, Enabled: true, MaxTaskCount: 1}}},
		runner.Rule{Package: "block", Outcome: runner.Hang},
		runner.Rule{Duration: time.Second})
	blocker, bjob := r.start("block", 0, true)
	var order []int64
	for i := range 6 {
		// Alternate all-workers and restricted jobs.
		var id int64
		if i%2 == 0 {
			id, _ = r.start("p.dtsx", 0, true)
		} else {
			id, _ = r.start("p.dtsx", 0, false, w1)
		}
		order = append(order, id)
		r.clk.Advance(time.Millisecond)
	}
	r.settle()
	r.wantKinds(blocker, "started(1)")
	if err := r.m.CancelJob(bjob, 1); err != nil {
		t.Fatal(err)
	}
	for i, id := range order {
		r.settle()
		r.wantKinds(id, "started(1)")
		for _, later := range order[i+1:] {
			if r.sink.kinds(later) != "" {
				t.Fatalf("execution %d started before older %d", later, id)
			}
		}
		r.advance(time.Second)
		r.wantKinds(id, "started(1) finished(7)")
	}
}

func TestWorkerLoss(t *testing.T) {
	cases := []struct {
		name   string
		retry  int
		second bool // a second worker is there to take the retry
		want   string
		status int
	}{
		{"retry on another worker", 1, true, "started(1) requeued started(2) finished(7)", StatusSucceeded},
		{"no attempts left ends 6", 0, true, "started(1) finished(6)", StatusEndedUnexpectedly},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			workers := []WorkerConfig{enabled(w1, "W1")}
			if c.second {
				workers = append(workers, WorkerConfig{ID: w2, MachineName: "W2"})
			}
			r := newRig(t, Config{Workers: workers}, runner.Rule{Duration: time.Hour})
			id, _ := r.start("p.dtsx", c.retry, true)
			r.settle()
			if c.second {
				if err := r.m.EnableWorker(w2); err != nil {
					t.Fatal(err)
				}
			}
			r.advance(time.Minute)
			if err := r.m.LoseWorker(w1); err != nil {
				t.Fatal(err)
			}
			// The master hears nothing until the lease runs out.
			r.advance(5*time.Minute - time.Second)
			r.wantKinds(id, "started(1)")
			r.advance(time.Second)
			if c.retry > 0 {
				r.wantKinds(id, "started(1) requeued started(2)")
				if tk := r.task(id); tk.WorkerAgentID != w2 {
					t.Errorf("retry went to %v", tk.WorkerAgentID)
				}
				r.advance(time.Hour)
			}
			r.wantKinds(id, c.want)
			if fin, _ := r.sink.final(id); fin.status != c.status {
				t.Errorf("status %d", fin.status)
			}
			if st := r.m.Stats(); st.LeasesExpired != 1 {
				t.Errorf("leases expired %d", st.LeasesExpired)
			}
		})
	}
}

// A worker that loses its network keeps running its package; if it is back
// before the lease runs out, it reports the result as if nothing happened.
func TestOfflineWorkerReportsWhenBack(t *testing.T) {
	r := newRig(t, Config{Workers: []WorkerConfig{enabled(w1, "W1")}}, runner.Rule{Duration: time.Minute})
	id, _ := r.start("p.dtsx", 0, true)
	r.settle()
	if err := r.m.SetWorkerOnline(w1, false); err != nil {
		t.Fatal(err)
	}
	r.advance(2 * time.Minute) // the package finished meanwhile, unreported
	r.wantKinds(id, "started(1)")
	if err := r.m.SetWorkerOnline(w1, true); err != nil {
		t.Fatal(err)
	}
	r.settle()
	r.wantKinds(id, "started(1) finished(7)")
	if fin, _ := r.sink.final(id); !fin.at.Equal(t0.Add(2 * time.Minute)) {
		t.Errorf("reported at %v", fin.at)
	}
}

// A worker offline past the lease loses the task; its late report is
// refused and its run killed when it is back.
func TestOfflineWorkerTooLong(t *testing.T) {
	r := newRig(t, Config{Workers: []WorkerConfig{enabled(w1, "W1")}}, runner.Rule{Duration: 2 * time.Minute})
	id, _ := r.start("p.dtsx", 1, true)
	r.settle()
	if err := r.m.SetWorkerOnline(w1, false); err != nil {
		t.Fatal(err)
	}
	r.advance(5 * time.Minute)
	r.wantKinds(id, "started(1) requeued")
	if tk := r.task(id); tk.Status != TaskReady || tk.WorkerAgentID != uuid.Nil {
		t.Errorf("task after expiry %+v", tk)
	}
	if err := r.m.SetWorkerOnline(w1, true); err != nil {
		t.Fatal(err)
	}
	r.settle()
	r.wantKinds(id, "started(1) requeued started(2)")
	r.advance(2 * time.Minute)
	r.wantKinds(id, "started(1) requeued started(2) finished(7)")
	if w, _ := r.m.Worker(w1); w.RunningTasks != 0 {
		t.Errorf("RunningTasks %d after all ended", w.RunningTasks)
	}
}

// HeartbeatErrorTolerance: a worker that cannot reach the master kills its
// packages; what it had finished is never reported.
func TestHeartbeatErrorTolerance(t *testing.T) {
	r := newRig(t, Config{
		Workers: []WorkerConfig{enabled(w1, "W1")},
		Timing:  Timing{Lease: 20 * time.Minute, HeartbeatErrorTolerance: 10 * time.Minute},
	}, runner.Rule{Outcome: runner.Hang})
	id, _ := r.start("p.dtsx", 0, true)
	r.settle()
	if err := r.m.SetWorkerOnline(w1, false); err != nil {
		t.Fatal(err)
	}
	r.advance(10 * time.Minute)
	if w, _ := r.m.Worker(w1); w.RunningTasks != 0 {
		t.Fatalf("the worker kept %d runs past the tolerance", w.RunningTasks)
	}
	r.wantKinds(id, "started(1)")
	r.advance(10 * time.Minute) // lease (20 min) runs out
	r.wantKinds(id, "started(1) finished(6)")
}

func TestCancelJob(t *testing.T) {
	cases := []struct {
		name      string
		rule      runner.Rule
		workers   []WorkerConfig
		before    time.Duration // time between start and stop
		want      string
		task      int
		stoppedMS bool // the package logged its stop
	}{
		{"running (hang) ends 3", runner.Rule{Outcome: runner.Hang},
			[]WorkerConfig{enabled(w1, "W1")}, time.Minute, "started(1) finished(3)", TaskCancelled, true},
		{"running (long) ends 3", runner.Rule{Duration: time.Hour},
			[]WorkerConfig{enabled(w1, "W1")}, time.Minute, "started(1) finished(3)", TaskCancelled, true},
		{"pending ends 3 without a start", runner.Rule{},
			nil, time.Minute, "finished(3)", TaskCancelled, false},
		{"finished stays finished", runner.Rule{},
			[]WorkerConfig{enabled(w1, "W1")}, time.Minute, "started(1) finished(7)", TaskSucceeded, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, Config{Workers: c.workers}, c.rule)
			id, job := r.start("p.dtsx", 3, true)
			r.advance(c.before)
			if err := r.m.CancelJob(job, 4242); err != nil {
				t.Fatal(err)
			}
			r.advance(time.Hour)
			r.wantKinds(id, c.want)
			fin, _ := r.sink.final(id)
			if fin.status == StatusCanceled {
				if fin.stopID != 4242 || !fin.at.Equal(t0.Add(c.before)) {
					t.Errorf("finished %+v", fin)
				}
			}
			tk := r.task(id)
			if tk.Status != c.task || !tk.IsCancelled {
				t.Errorf("task %+v", tk)
			}
			if tk.Status == TaskCancelled && tk.InputData != `[{"name":"execution_id","value":"101"},{"name":"use32bitruntime","value":"0"},{"name":"stop_id","value":"4242"}]` {
				t.Errorf("InputData %s", tk.InputData)
			}
			var stopped bool
			for _, msg := range r.sink.messages(id) {
				if msg.MessageType == runner.TypeInformation && msg.Time.Equal(t0.Add(c.before)) && msg.MessageSourceType == runner.SourcePackage {
					stopped = true
				}
			}
			if stopped != c.stoppedMS {
				t.Errorf("stop messages logged: %v, want %v", stopped, c.stoppedMS)
			}
			if j, _ := r.m.JobForExecution(id); !j.IsCancelled {
				t.Error("job not marked cancelled")
			}
		})
	}
}

// A cancelled job cannot get a task (create_task's 27242).
func TestStartCancelledJob(t *testing.T) {
	r := newRig(t, Config{})
	id, job := r.exec("p.dtsx", true)
	if err := r.m.CancelJob(job, 1); err != nil {
		t.Fatal(err)
	}
	_, err := r.m.StartTask(job, id, 0)
	wantSQLErr(t, err, 27242, "Cannot find the cluster execution job instance '"+guidText(job)+"' because it does not exist or you do not have sufficient permissions.")
}

// SYNCHRONIZED = 1: the catalog's wait ends when Finished arrives; a client
// that gives up leaves the execution running.
func TestSynchronizedWait(t *testing.T) {
	r := newRig(t, Config{Workers: []WorkerConfig{enabled(w1, "W1")}}, runner.Rule{Duration: 30 * time.Second})
	id, _ := r.start("p.dtsx", 0, true)
	r.sink.mu.Lock()
	done := r.sink.finished[id]
	r.sink.mu.Unlock()
	r.advance(29 * time.Second)
	select {
	case <-done:
		t.Fatal("Finished before the package ended")
	default:
	}
	// The client's ATTENTION ends its wait; nothing happens to the run.
	r.wantKinds(id, "started(1)")
	r.advance(time.Second)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Finished never delivered")
	}
	r.wantKinds(id, "started(1) finished(7)")
}

func TestLocalRun(t *testing.T) {
	r := newRig(t, Config{}, runner.Rule{Package: "long*", Duration: time.Minute}, runner.Rule{Package: "bad*", Outcome: runner.Fail})
	cases := []struct {
		pkg  string
		stop bool
		want string
	}{
		{"good.dtsx", false, "started(1) finished(7)"},
		{"bad.dtsx", false, "started(1) finished(4)"},
		{"long.dtsx", true, "started(1) finished(3)"},
	}
	for _, c := range cases {
		r.next++
		id := r.next
		r.sink.add(id, ExecInfo{FolderName: "f", ProjectName: "p", PackageName: c.pkg, LoggingLevel: 1})
		if err := r.m.RunLocal(id); err != nil {
			t.Fatal(err)
		}
		r.settle()
		if c.stop {
			if !r.m.StopLocal(id, 77) {
				t.Fatal("StopLocal found no run")
			}
			if r.m.StopLocal(id, 78) {
				t.Error("second StopLocal found a run")
			}
		}
		r.advance(time.Hour)
		r.wantKinds(id, c.want)
		if ev := r.sink.get(id); ev[0].worker != uuid.Nil {
			t.Errorf("%s: local run had a worker", c.pkg)
		}
	}
	if st := r.m.Stats(); st.LocalRuns != 0 {
		t.Errorf("local runs left: %d", st.LocalRuns)
	}
}

// Sink calls for one execution never overlap and Finished comes last, even
// with many executions on several lanes.
func TestSinkOrdering(t *testing.T) {
	r := newRig(t, Config{Lanes: 4, Workers: []WorkerConfig{enabled(w1, "W1"), enabled(w2, "W2")}},
		runner.Rule{Package: "f*", FailFirst: 1})
	var ids []int64
	for i := range 200 {
		pkg := "s.dtsx"
		if i%3 == 0 {
			pkg = "f.dtsx"
		}
		var id int64
		if i%2 == 0 {
			id, _ = r.start(pkg, 1, true)
		} else {
			id, _ = r.start(pkg, 1, false, w1, w2)
		}
		ids = append(ids, id)
	}
	r.settle()
	for _, id := range ids {
		ev := r.sink.get(id)
		if len(ev) == 0 || ev[len(ev)-1].kind != "finished" || ev[len(ev)-1].status != StatusSucceeded {
			t.Fatalf("execution %d: %s", id, r.sink.kinds(id))
		}
	}
	if len(r.sink.overlap) > 0 {
		t.Errorf("overlapping sink calls for %v", r.sink.overlap)
	}
}

// A stop that arrives before the lane has started the package: the
// execution still reports its pick-up, then ends 3, and nothing runs.
func TestCancelRightAfterStart(t *testing.T) {
	for range 20 {
		r := newRig(t, Config{Workers: []WorkerConfig{enabled(w1, "W1")}}, runner.Rule{Duration: time.Minute})
		id, job := r.start("p.dtsx", 2, true)
		if err := r.m.CancelJob(job, 8); err != nil {
			t.Fatal(err)
		}
		r.advance(time.Hour)
		r.wantKinds(id, "started(1) finished(3)")
		if w, _ := r.m.Worker(w1); w.RunningTasks != 0 {
			t.Fatalf("worker still runs %d", w.RunningTasks)
		}
	}
}

// A stop for a package on a worker that cannot be reached takes effect when
// the lease runs out: the execution ends 3, not 6, and is not retried.
func TestCancelOnUnreachableWorker(t *testing.T) {
	r := newRig(t, Config{Workers: []WorkerConfig{enabled(w1, "W1")}}, runner.Rule{Outcome: runner.Hang})
	id, job := r.start("p.dtsx", 3, true)
	r.settle()
	if err := r.m.SetWorkerOnline(w1, false); err != nil {
		t.Fatal(err)
	}
	if err := r.m.CancelJob(job, 31); err != nil {
		t.Fatal(err)
	}
	r.advance(time.Minute)
	r.wantKinds(id, "started(1)")
	r.advance(4 * time.Minute)
	r.wantKinds(id, "started(1) finished(3)")
	if fin, _ := r.sink.final(id); fin.stopID != 31 || !fin.at.Equal(t0.Add(5*time.Minute)) {
		t.Errorf("finished %+v", fin)
	}
}
