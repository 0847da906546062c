package scaleout

import (
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
)

func realistic(factor float64, workers ...WorkerConfig) Config {
	return Config{Timing: Timing{Mode: ModeRealistic, TimeFactor: factor}, Workers: workers}
}

// Workers pull on their interval; the time factor scales it.
func TestRealisticPickUp(t *testing.T) {
	cases := []struct {
		factor float64
		pull   time.Duration
	}{
		{1, time.Second},
		{0.1, 100 * time.Millisecond},
		{3, 3 * time.Second},
	}
	for _, c := range cases {
		r := newRig(t, realistic(c.factor, enabled(w1, "W1")))
		id, _ := r.start("p.dtsx", 0, true)
		r.advance(c.pull - time.Millisecond)
		r.wantKinds(id, "")
		if tk := r.task(id); tk.Status != TaskReady {
			t.Fatalf("factor %v: task %+v before the pull", c.factor, tk)
		}
		r.advance(time.Millisecond)
		r.wantKinds(id, "started(1) finished(7)")
		if ev := r.sink.get(id); !ev[0].at.Equal(t0.Add(c.pull)) {
			t.Errorf("factor %v: picked up at %v", c.factor, ev[0].at)
		}
		h := r.m.Stats().DispatchLatency
		if h.Count != 1 || h.Sum != c.pull {
			t.Errorf("factor %v: latency histogram %+v", c.factor, h)
		}
	}
}

// One pull fills the worker up to MaxTaskCount, oldest first.
func TestRealisticPullFillsWorker(t *testing.T) {
	r := newRig(t, realistic(1, WorkerConfig{ID: w1, Enabled: true, MaxTaskCount: 3}), runner.Rule{Outcome: runner.Hang})
	var ids []int64
	for range 5 {
		id, _ := r.start("p.dtsx", 0, true)
		ids = append(ids, id)
	}
	r.advance(time.Second)
	for i, id := range ids {
		want := ""
		if i < 3 {
			want = "started(1)"
		}
		r.wantKinds(id, want)
	}
	if tk := r.task(ids[0]); tk.Status != TaskInProgress || !tk.ExpiredTime.Equal(t0.Add(time.Second+5*time.Minute)) {
		t.Errorf("running task %+v", tk)
	}
	// The task heartbeat (every 10 s) renews the lease.
	r.advance(9 * time.Second)
	if tk := r.task(ids[0]); !tk.ExpiredTime.Equal(t0.Add(10*time.Second + 5*time.Minute)) {
		t.Errorf("lease after heartbeat: %v", tk.ExpiredTime)
	}
}

// A stop reaches a running package at the worker's next task heartbeat.
func TestRealisticCancelAtHeartbeat(t *testing.T) {
	r := newRig(t, realistic(1, enabled(w1, "W1")), runner.Rule{Outcome: runner.Hang})
	id, job := r.start("p.dtsx", 0, true)
	r.advance(2 * time.Second)
	if err := r.m.CancelJob(job, 55); err != nil {
		t.Fatal(err)
	}
	r.advance(7 * time.Second)
	r.wantKinds(id, "started(1)")
	r.advance(time.Second)
	r.wantKinds(id, "started(1) finished(3)")
	if fin, _ := r.sink.final(id); !fin.at.Equal(t0.Add(10*time.Second)) || fin.stopID != 55 {
		t.Errorf("finished %+v", fin)
	}
}

// A lost worker's lease runs out 5 minutes after its last heartbeat; the
// sweep, every 5 minutes, notices it.
func TestRealisticLeaseSweep(t *testing.T) {
	cases := []struct {
		retry int
		want  string
	}{
		{0, "started(1) finished(6)"},
		{1, "started(1) requeued"},
	}
	for _, c := range cases {
		r := newRig(t, realistic(1, enabled(w1, "W1")), runner.Rule{Outcome: runner.Hang})
		id, _ := r.start("p.dtsx", c.retry, true)
		r.advance(35 * time.Second) // picked up at 1 s, heartbeats at 10, 20, 30 s
		if err := r.m.LoseWorker(w1); err != nil {
			t.Fatal(err)
		}
		r.advance(5*time.Minute - 35*time.Second) // the 5:00 sweep: lease ends 5:30
		r.wantKinds(id, "started(1)")
		r.advance(5 * time.Minute) // the 10:00 sweep
		r.wantKinds(id, c.want)
		if c.retry == 0 {
			if fin, _ := r.sink.final(id); !fin.at.Equal(t0.Add(10 * time.Minute)) {
				t.Errorf("ended at %v", fin.at)
			}
		}
		if tk := r.task(id); c.retry == 1 && (tk.Status != TaskReady || tk.ExecutedCount != 1) {
			t.Errorf("requeued task %+v", tk)
		}
	}
}

// LastOnlineTime moves with agent heartbeats and stops with them.
func TestRealisticAgentHeartbeat(t *testing.T) {
	r := newRig(t, realistic(1, enabled(w1, "W1")))
	r.advance(150 * time.Second)
	if w, _ := r.m.Worker(w1); !w.LastOnlineTime.Equal(t0.Add(2 * time.Minute)) {
		t.Errorf("LastOnlineTime %v", w.LastOnlineTime)
	}
	if err := r.m.SetWorkerOnline(w1, false); err != nil {
		t.Fatal(err)
	}
	r.advance(10 * time.Minute)
	if w, _ := r.m.Worker(w1); !w.LastOnlineTime.Equal(t0.Add(2*time.Minute)) || w.Online {
		t.Errorf("offline worker %+v", w)
	}
	if err := r.m.SetWorkerOnline(w1, true); err != nil {
		t.Fatal(err)
	}
	if w, _ := r.m.Worker(w1); !w.LastOnlineTime.Equal(t0.Add(150*time.Second+10*time.Minute)) || !w.Online {
		t.Errorf("worker back %+v", w)
	}
}

// Fast mode: an online worker's LastOnlineTime reads as now.
func TestFastLastOnlineTime(t *testing.T) {
	r := newRig(t, Config{Workers: []WorkerConfig{enabled(w1, "W1")}})
	r.advance(time.Hour)
	if w, _ := r.m.Worker(w1); !w.LastOnlineTime.Equal(t0.Add(time.Hour)) {
		t.Errorf("LastOnlineTime %v", w.LastOnlineTime)
	}
}

// A worker that registers itself in realistic mode waits to be enabled,
// then pulls on its own interval.
func TestRealisticRegisteredWorker(t *testing.T) {
	r := newRig(t, realistic(1))
	id, _ := r.start("p.dtsx", 0, true)
	r.advance(500 * time.Millisecond)
	if _, err := r.m.Register(w2, "NODE2", ""); err != nil {
		t.Fatal(err)
	}
	r.advance(10 * time.Second)
	r.wantKinds(id, "")
	if err := r.m.EnableWorker(w2); err != nil {
		t.Fatal(err)
	}
	r.advance(time.Second) // its pulls run every second from registration
	r.wantKinds(id, "started(1) finished(7)")
	if ev := r.sink.get(id); ev[0].machine != "NODE2" || !ev[0].at.Equal(t0.Add(11500*time.Millisecond)) {
		t.Errorf("picked up %+v", ev[0])
	}
}
