package scaleout

import (
	"context"
	"sync"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
)

// A lane is a goroutine that talks to the Sink and the runner for the
// executions that hash to it, in the order their ops were queued.
type lane struct {
	mu   sync.Mutex
	q    []op
	wake chan struct{}
}

type opKind uint8

const (
	opStart    opKind = iota + 1 // deliver AttemptStarted, get the plan, run it
	opMessages                   // deliver msgs
	opRequeued                   // deliver AttemptRequeued
	opFinished                   // deliver Finished(status, stopID)
	opStopped                    // the run was stopped: runner's messages, then Finished(3, stopID)
)

type op struct {
	kind   opKind
	execID int64
	att    *attempt
	status int
	stopID int64
	at     time.Time
	msgs   []EventMessage
}

// post queues o on the execution's lane. Call with m.mu held (or at least
// never from a lane after Stop).
func (m *Master) post(o op) {
	if m.stopped {
		return
	}
	l := m.lanes[uint64(o.execID)%uint64(len(m.lanes))]
	m.idle.add(1)
	l.mu.Lock()
	l.q = append(l.q, o)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

func (m *Master) runLane(l *lane) {
	defer m.wg.Done()
	var batch []op
	for {
		l.mu.Lock()
		batch, l.q = l.q, batch[:0]
		l.mu.Unlock()
		if len(batch) == 0 {
			select {
			case <-l.wake:
				continue
			case <-m.ctx.Done():
				m.halt(context.Cause(m.ctx))
				// Deliver what was queued before the stop, then end.
				l.mu.Lock()
				batch, l.q = l.q, nil
				l.mu.Unlock()
				for i := range batch {
					m.do(&batch[i])
				}
				m.idle.done(len(batch))
				return
			}
		}
		for i := range batch {
			m.do(&batch[i])
			batch[i] = op{} // let delivered messages be collected
		}
		m.idle.done(len(batch))
	}
}

func (m *Master) do(o *op) {
	switch o.kind {
	case opStart:
		m.startAttempt(o.att)
	case opMessages:
		m.sink.Messages(o.execID, o.msgs)
	case opRequeued:
		m.sink.AttemptRequeued(o.execID, o.at)
	case opFinished:
		m.sink.Finished(o.execID, o.status, o.stopID, o.at)
	case opStopped:
		a := o.att
		if a.began {
			if msgs := m.run.Stopped(a.ra, o.at); len(msgs) > 0 {
				m.sink.Messages(o.execID, msgs)
			}
		}
		m.sink.Finished(o.execID, StatusCanceled, o.stopID, o.at)
	}
}

// idleTracker counts queued and running lane ops so Settle can wait for
// zero without polling.
type idleTracker struct {
	mu sync.Mutex
	n  int
	ch chan struct{} // closed when n drops to 0
}

func (t *idleTracker) add(k int) {
	t.mu.Lock()
	if t.n == 0 {
		t.ch = make(chan struct{})
	}
	t.n += k
	t.mu.Unlock()
}

func (t *idleTracker) done(k int) {
	if k == 0 {
		return
	}
	t.mu.Lock()
	t.n -= k
	if t.n == 0 {
		close(t.ch)
	}
	t.mu.Unlock()
}

func (t *idleTracker) wait(ctx context.Context) error {
	for {
		t.mu.Lock()
		if t.n == 0 {
			t.mu.Unlock()
			return nil
		}
		ch := t.ch
		t.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// attempt states.
const (
	attStarting = iota + 1 // handed to a lane, plan not made yet
	attRunning             // the package runs
	attHeld                // finished while its worker was offline; result not reported yet
	attOver                // reported, stopped, lost or killed
)

// attempt is one try at running an execution: on a worker (t != nil) or on
// the server (local run).
type attempt struct {
	execID int64
	number int
	t      *task   // nil for a local run
	w      *worker // nil for a local run
	wsnap  Worker  // the worker as it was at pick-up
	start  time.Time
	state  int
	began  bool // the plan was made and its start messages logged
	plan   runner.Plan
	ra     runner.Attempt
	timer  *mtimer
}

// startAttempt runs on the attempt's lane: it tells the Sink the attempt
// started, asks the runner for the plan and carries it out.
func (m *Master) startAttempt(a *attempt) {
	info, ok := m.sink.ExecInfo(a.execID)
	if !ok {
		m.log.Warn("scale out: the catalog does not know an execution the master runs", "execution_id", a.execID)
		info = ExecInfo{ExecutionID: a.execID}
	}
	var wp *Worker
	ra := runner.Attempt{Exec: info, Number: a.number, Start: a.start}
	if a.w != nil {
		w := a.wsnap
		wp = &w
		ra.WorkerID, ra.Machine, ra.Account = w.ID, w.MachineName, w.UserAccount
	}
	m.sink.AttemptStarted(a.execID, wp, a.number, a.start)
	plan := m.run.Plan(m.ctx, ra)

	m.mu.Lock()
	if a.state != attStarting || m.stopped {
		// Stopped, cancelled or lost before the package got going; whoever
		// ended it queued the rest.
		m.mu.Unlock()
		return
	}
	a.ra, a.plan, a.began = ra, plan, true
	a.state = attRunning
	if a.t != nil {
		a.t.status = TaskInProgress
		a.t.updated = m.clk.Now()
	}
	instant := plan.Outcome != runner.Hang && plan.Duration <= 0
	if !instant && plan.Outcome != runner.Hang {
		a.timer = m.after(plan.Duration, func() { m.attemptEnded(a) })
	}
	m.mu.Unlock()

	if len(plan.Start) > 0 {
		m.sink.Messages(a.execID, plan.Start)
	}
	if instant {
		m.mu.Lock()
		m.attemptEnded(a)
		m.mu.Unlock()
	}
}
