package scaleout

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
)

// errStopped is the cause of the master's context once Stop was called.
var errStopped = errors.New("scaleout: master stopped")

// Master is the in-process Scale Out master. It is safe for concurrent use.
//
// How the catalog uses it, per procedure:
//
//	create_execution (Scale Out)  CreateJob -> job id, stored in executions.job_id
//	add_execution_worker          AddJobWorker (27255 when job_id is NULL is the catalog's)
//	start_execution (Scale Out)   StartTask; the execution is pending (5) until Sink.AttemptStarted
//	start_execution (local)       RunLocal
//	stop_operation                CancelJob (Scale Out) or StopLocal; Sink.Finished(3, stopID) follows
//	enable/disable/delete_worker_agent, set_worker_agent_property
//	                              EnableWorker, DisableWorker, DeleteWorker, SetWorkerProperty
//	catalog.worker_agents         Workers or WorkerAgentsSource
//	internal.jobs/tasks/job_worker_agents
//	                              Jobs/Tasks/JobWorkers or the *Source methods
//	catalog.startup               Restore (returns the executions to mark 6 with 27165)
//
// Inside, one mutex guards workers, jobs, tasks and queues; Master methods
// and clock callbacks change state under it and queue what the Sink must
// hear on a lane (a goroutine per lane, chosen by execution id). Lanes call
// the Sink and the runner with no master lock held.
type Master struct {
	tm    timing
	clk   clock.Clock
	sink  Sink
	run   runner.Runner
	log   *slog.Logger
	newID func() uuid.UUID

	lanes []*lane
	idle  idleTracker
	wg    sync.WaitGroup

	mu         sync.Mutex
	ctx        context.Context
	cancel     context.CancelCauseFunc
	started    bool
	stopped    bool
	seq        uint64
	workers    map[uuid.UUID]*worker
	avail      []*worker // enabled, online, below MaxTaskCount
	availNext  int
	jobs       map[uuid.UUID]*job
	byExec     map[int64]*job
	anyQ       readyQueue
	restricted map[uuid.UUID]*readyQueue // by worker id; outlives a deleted worker
	queued     int
	running    map[*task]struct{} // tasks in status 2 or 3
	local      map[int64]*attempt
	done       []*job // jobs whose task ended, in order of ending (for cleanup)
	timers     map[*mtimer]struct{}
	sweepAt    time.Time // fast mode: when the lease sweep is due (zero: none)
	sweepTimer *mtimer
	st         counters
}

// New returns a master for cfg. It dispatches as soon as tasks and workers
// allow, but nothing reaches the Sink before Start.
func New(cfg Config, clk clock.Clock, sink Sink, run runner.Runner, log *slog.Logger) (*Master, error) {
	if clk == nil || sink == nil || run == nil {
		return nil, errors.New("scaleout: New needs a clock, a sink and a runner")
	}
	tm, err := cfg.Timing.resolve()
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &Master{
		tm:         tm,
		clk:        clk,
		sink:       sink,
		run:        run,
		log:        log,
		newID:      cfg.NewID,
		workers:    make(map[uuid.UUID]*worker),
		jobs:       make(map[uuid.UUID]*job),
		byExec:     make(map[int64]*job),
		restricted: make(map[uuid.UUID]*readyQueue),
		running:    make(map[*task]struct{}),
		local:      make(map[int64]*attempt),
		timers:     make(map[*mtimer]struct{}),
	}
	if m.newID == nil {
		m.newID = uuid.New
	}
	n := cfg.Lanes
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	m.lanes = make([]*lane, n)
	for i := range m.lanes {
		m.lanes[i] = &lane{wake: make(chan struct{}, 1)}
	}
	m.ctx, m.cancel = context.WithCancelCause(context.Background())
	now := clk.Now()
	for i, wc := range cfg.Workers {
		if _, dup := m.workers[wc.ID]; dup {
			return nil, fmt.Errorf("scaleout: worker %d: id %s is configured twice", i+1, wc.ID)
		}
		if _, err := m.addWorker(wc, now); err != nil {
			return nil, fmt.Errorf("scaleout: worker %d: %w", i+1, err)
		}
	}
	return m, nil
}

// Start launches the master's goroutines and timers: the event lanes, the
// job cleanup, and in realistic mode the workers' pulls and heartbeats and
// the lease sweep. ctx is the parent of the context runners get; when it
// ends the master stops as if Stop had been called.
func (m *Master) Start(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.started {
		return errors.New("scaleout: master already started")
	}
	if m.stopped {
		return errors.New("scaleout: master stopped")
	}
	m.started = true
	m.ctx, m.cancel = context.WithCancelCause(ctx)
	for _, l := range m.lanes {
		m.wg.Add(1)
		go m.runLane(l)
	}
	now := m.clk.Now()
	for _, w := range m.workers {
		if w.Online {
			w.LastOnlineTime = now
		}
		m.startWorkerTimers(w)
	}
	if m.tm.realistic {
		m.every(m.tm.sweep, m.sweepExpired)
	}
	m.every(m.tm.cleanup, func() { m.cleanupJobs(m.tm.keep) })
	m.log.Info("scale out master started", "mode", m.modeName(), "workers", len(m.workers), "lanes", len(m.lanes))
	return nil
}

func (m *Master) modeName() string {
	if m.tm.realistic {
		return ModeRealistic
	}
	return ModeFast
}

// Stop stops the timers, delivers the events already queued, and waits for
// the master's goroutines to end. The master cannot be started again. Do not
// call it while holding a lock the Sink takes.
func (m *Master) Stop() {
	m.halt(errStopped)
	m.wg.Wait()
}

// halt marks the master stopped, stops its timers and tells the lanes to
// drain and end.
func (m *Master) halt(cause error) {
	m.mu.Lock()
	if !m.stopped {
		m.stopped = true
		for mt := range m.timers {
			mt.t.Stop()
		}
		clear(m.timers)
		m.cancel(cause)
	}
	m.mu.Unlock()
}

// Settle waits until nothing is queued on or being done by a lane: every
// event due at the clock's current time has reached the Sink and every
// attempt started so far has its plan. Tests call it after moving a fake
// clock. It needs Start. Do not call it while holding a lock the Sink takes.
func (m *Master) Settle(ctx context.Context) error {
	return m.idle.wait(ctx)
}

// mtimer is a clock timer the master can stop all of at Stop.
type mtimer struct{ t clock.Timer }

// after runs f with m.mu held once d has passed on the clock. Call with
// m.mu held. Returns nil once the master is stopped.
func (m *Master) after(d time.Duration, f func()) *mtimer {
	if m.stopped {
		return nil
	}
	mt := &mtimer{}
	m.timers[mt] = struct{}{}
	// The fake clock may call back from inside AfterFunc's caller only via
	// Advance, never from AfterFunc itself, so holding m.mu here is safe.
	mt.t = m.clk.AfterFunc(d, func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		if _, ok := m.timers[mt]; !ok {
			return // stopped
		}
		delete(m.timers, mt)
		if m.stopped {
			return
		}
		f()
	})
	return mt
}

// cancelTimer stops a timer from after. Call with m.mu held.
func (m *Master) cancelTimer(mt *mtimer) {
	if mt == nil {
		return
	}
	if _, ok := m.timers[mt]; ok {
		delete(m.timers, mt)
		mt.t.Stop()
	}
}

// every runs f with m.mu held every d until the master stops. Call with
// m.mu held.
func (m *Master) every(d time.Duration, f func()) {
	m.loop(d, func() bool { f(); return true })
}

// nextSeq numbers jobs, tasks and queue entries. Call with m.mu held.
func (m *Master) nextSeq() uint64 {
	m.seq++
	return m.seq
}
