package scaleout

import (
	"testing"
	"time"
)

// TestDropJobs: the catalog's retention cleanup drops the jobs of the
// executions it deleted; a job whose task is still live is kept.
func TestDropJobs(t *testing.T) {
	r := newRig(t, Config{Workers: []WorkerConfig{enabled(w1, "WORKER01")}})
	done, _ := r.start("package1.dtsx", 0, false, w1)
	r.settle()
	if tk := r.task(done); tk.Status != TaskSucceeded {
		t.Fatalf("setup: task %+v", tk)
	}
	notStarted, _ := r.exec("package1.dtsx", false, w1)
	ready, _ := r.start("package1.dtsx", 0, false) // no worker may take it
	r.settle()
	if tk := r.task(ready); tk.Status != TaskReady {
		t.Fatalf("setup: task %+v", tk)
	}
	before := len(r.m.Jobs())

	if n := r.m.DropJobs([]int64{done, notStarted, ready, 99999}); n != 2 {
		t.Errorf("dropped %d jobs, want 2", n)
	}
	for _, c := range []struct {
		id   int64
		kept bool
	}{{done, false}, {notStarted, false}, {ready, true}} {
		if _, ok := r.m.JobForExecution(c.id); ok != c.kept {
			t.Errorf("execution %d: job kept %v, want %v", c.id, ok, c.kept)
		}
	}
	if got := len(r.m.Jobs()); got != before-2 {
		t.Errorf("%d jobs, want %d", got, before-2)
	}
	if got := len(r.m.JobWorkers()); got != 0 {
		t.Errorf("%d job worker rows left, want 0 (the ready job has none)", got)
	}
	// The master's own cleanup still works over the list that named them.
	if n := r.m.CleanupJobs(-time.Hour); n != 0 {
		t.Errorf("CleanupJobs dropped %d, want 0", n)
	}
	if err := r.m.checkInvariants(); err != nil {
		t.Error(err)
	}
}
