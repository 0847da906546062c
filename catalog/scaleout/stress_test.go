package scaleout

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
)

// checkInvariants verifies the master's internal bookkeeping.
func (m *Master) checkInvariants() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, w := range m.workers {
		if len(w.live) > w.MaxTaskCount {
			return fmt.Errorf("worker %s runs %d > MaxTaskCount %d", w.ID, len(w.live), w.MaxTaskCount)
		}
		if (w.availIdx >= 0) != w.available() {
			return fmt.Errorf("worker %s: in available set %v, available %v", w.ID, w.availIdx >= 0, w.available())
		}
	}
	queued := 0
	for _, j := range m.jobs {
		t := j.task
		if t == nil {
			continue
		}
		_, running := m.running[t]
		switch t.status {
		case TaskReady:
			queued++
			want := len(j.workers)
			if j.anyWorker {
				want = 1
			}
			if len(t.ents) != want {
				return fmt.Errorf("task of %d: %d queue entries, want %d", j.execID, len(t.ents), want)
			}
			for _, e := range t.ents {
				if e.idx < 0 || e.idx >= len(e.q.items) || e.q.items[e.idx] != e {
					return fmt.Errorf("task of %d: broken queue entry", j.execID)
				}
			}
			if running || t.cur != nil {
				return fmt.Errorf("ready task of %d counted as running", j.execID)
			}
		case TaskDispatched, TaskInProgress:
			if !running || t.cur == nil || len(t.ents) != 0 {
				return fmt.Errorf("running task of %d: running %v, attempt %v, entries %d", j.execID, running, t.cur != nil, len(t.ents))
			}
		default:
			if running || len(t.ents) != 0 {
				return fmt.Errorf("finished task of %d still queued or running", j.execID)
			}
		}
	}
	if queued != m.queued {
		return fmt.Errorf("queued count %d, ready tasks %d", m.queued, queued)
	}
	total := 0
	for _, q := range m.restricted {
		total += q.len()
	}
	total += m.anyQ.len()
	if m.queued == 0 && total != 0 {
		return fmt.Errorf("%d queue entries with no ready task", total)
	}
	return nil
}

// Many clients start executions at once while workers are switched on and
// off: every execution runs exactly once and ends 7, and no worker ever runs
// more than its MaxTaskCount. Real clock; the test waits on Finished, never
// on time.
func TestConcurrentDispatch(t *testing.T) {
	sink := newSink()
	sim, err := runner.NewSim(runner.Config{Rules: []runner.Rule{{Package: "slow*", Duration: 200 * time.Microsecond}}})
	if err != nil {
		t.Fatal(err)
	}
	workers := []WorkerConfig{
		{ID: uuid.New(), Enabled: true, MaxTaskCount: 3},
		{ID: uuid.New(), Enabled: true, MaxTaskCount: 2},
		{ID: uuid.New(), Enabled: true, MaxTaskCount: 1},
		{ID: uuid.New(), Enabled: true, MaxTaskCount: 4},
	}
	m, err := New(Config{Workers: workers, Lanes: 3}, clock.Real(), sink, sim, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Stop()

	const clients, each = 8, 150
	ids := make(chan int64, clients*each)
	var wg sync.WaitGroup
	errs := make(chan error, clients+2)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				id := int64(c*each + i + 1)
				pkg := "fast.dtsx"
				if i%4 == 0 {
					pkg = "slow.dtsx"
				}
				sink.add(id, ExecInfo{PackageName: pkg, LoggingLevel: 1})
				job, err := m.CreateJob(id, i%3 != 0, false, "c")
				if err == nil && i%3 == 0 {
					err = m.AddJobWorker(job, workers[i%len(workers)].ID)
					if err == nil {
						err = m.AddJobWorker(job, workers[(i+1)%len(workers)].ID)
					}
				}
				if err == nil {
					_, err = m.StartTask(job, id, 1)
				}
				if err != nil {
					errs <- err
					return
				}
				ids <- id
			}
		}()
	}
	stop := make(chan struct{})
	var side sync.WaitGroup
	side.Add(2)
	go func() { // flip a worker on and off
		defer side.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				_ = m.EnableWorker(workers[0].ID)
				return
			default:
			}
			var err error
			if i%2 == 0 {
				err = m.DisableWorker(workers[0].ID)
			} else {
				err = m.EnableWorker(workers[0].ID)
			}
			if err != nil {
				errs <- err
				return
			}
		}
	}()
	go func() { // check the bookkeeping while all this happens
		defer side.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := m.checkInvariants(); err != nil {
				errs <- err
				return
			}
		}
	}()
	wg.Wait()
	close(ids)
	var all []int64
	for id := range ids {
		all = append(all, id)
	}
	deadline := time.After(60 * time.Second)
	for _, id := range all {
		sink.mu.Lock()
		ch := sink.finished[id]
		sink.mu.Unlock()
		if ch == nil {
			continue // already finished
		}
		select {
		case <-ch:
		case err := <-errs:
			t.Fatal(err)
		case <-deadline:
			t.Fatalf("execution %d never finished: %s (stats %+v)", id, sink.kinds(id), m.Stats())
		}
	}
	close(stop)
	side.Wait()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	if len(all) != clients*each {
		t.Fatalf("%d executions started", len(all))
	}
	for _, id := range all {
		if got := sink.kinds(id); got != "started(1) finished(7)" {
			t.Fatalf("execution %d: %s", id, got)
		}
	}
	if err := m.checkInvariants(); err != nil {
		t.Fatal(err)
	}
	if len(sink.overlap) > 0 {
		t.Errorf("overlapping sink calls for %v", sink.overlap[:min(5, len(sink.overlap))])
	}
	if st := m.Stats(); st.Succeeded != uint64(len(all)) || st.Dispatched != uint64(len(all)) || st.QueueDepth != 0 {
		t.Errorf("stats %+v", st)
	}
}

// Stop waits for the lanes and leaves no timer behind.
func TestStopEndsEverything(t *testing.T) {
	clk := clockFake()
	sink := newSink()
	sim, _ := runner.NewSim(runner.Config{Rules: []runner.Rule{{Duration: time.Hour}}})
	m, err := New(Config{Timing: Timing{Mode: ModeRealistic}, Workers: []WorkerConfig{enabled(w1, "W1")}}, clk, sink, sim, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	sink.add(1, ExecInfo{PackageName: "p.dtsx"})
	job, _ := m.CreateJob(1, true, false, "")
	if _, err := m.StartTask(job, 1, 0); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Second)
	if clk.Pending() == 0 {
		t.Fatal("no timers while running")
	}
	m.Stop()
	if n := clk.Pending(); n != 0 {
		t.Errorf("%d timers left after Stop", n)
	}
	clk.Advance(2 * time.Hour) // nothing may fire or panic now
	if err := m.Start(context.Background()); err == nil {
		t.Error("Start after Stop succeeded")
	}
}

// Cancelling the context given to Start stops the master too.
func TestStartContextEnds(t *testing.T) {
	m, err := New(Config{}, clockFake(), newSink(), simNoRules(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	done := make(chan struct{})
	go func() { m.Stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Stop hung after the context ended")
	}
}
