package scaleout

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
)

var t0 = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

// event is one Sink call, as the recording sink saw it.
type event struct {
	kind    string // started, requeued, finished, messages
	worker  uuid.UUID
	machine string
	attempt int
	status  int
	stopID  int64
	at      time.Time
	msgs    []EventMessage
}

// recSink is a Sink that records every call per execution and can tell a
// test when an execution finishes (as the catalog's WaitFinal would).
type recSink struct {
	mu       sync.Mutex
	info     map[int64]ExecInfo
	events   map[int64][]event
	finished map[int64]chan struct{}
	inCall   map[int64]bool // detects overlapping calls for one execution
	overlap  []int64
}

func newSink() *recSink {
	return &recSink{
		info:     make(map[int64]ExecInfo),
		events:   make(map[int64][]event),
		finished: make(map[int64]chan struct{}),
		inCall:   make(map[int64]bool),
	}
}

func (s *recSink) add(id int64, info ExecInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	info.ExecutionID = id
	s.info[id] = info
	s.finished[id] = make(chan struct{})
}

func (s *recSink) ExecInfo(id int64) (ExecInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.info[id]
	return i, ok
}

func (s *recSink) record(id int64, e event) {
	s.mu.Lock()
	if s.inCall[id] {
		s.overlap = append(s.overlap, id)
	}
	s.inCall[id] = true
	s.events[id] = append(s.events[id], e)
	if e.kind == "finished" {
		if ch, ok := s.finished[id]; ok {
			close(ch)
			delete(s.finished, id)
		}
	}
	s.inCall[id] = false
	s.mu.Unlock()
}

func (s *recSink) AttemptStarted(id int64, w *Worker, attempt int, at time.Time) {
	e := event{kind: "started", attempt: attempt, at: at}
	if w != nil {
		e.worker, e.machine = w.ID, w.MachineName
	}
	s.record(id, e)
}

func (s *recSink) AttemptRequeued(id int64, at time.Time) {
	s.record(id, event{kind: "requeued", at: at})
}

func (s *recSink) Finished(id int64, status int, stopID int64, at time.Time) {
	s.record(id, event{kind: "finished", status: status, stopID: stopID, at: at})
}

func (s *recSink) Messages(id int64, msgs []EventMessage) {
	s.record(id, event{kind: "messages", msgs: msgs})
}

func (s *recSink) get(id int64) []event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.events[id])
}

// kinds summarises an execution's calls, e.g. "started(1) finished(7)";
// message batches are left out.
func (s *recSink) kinds(id int64) string {
	var parts []string
	for _, e := range s.get(id) {
		switch e.kind {
		case "started":
			parts = append(parts, fmt.Sprintf("started(%d)", e.attempt))
		case "finished":
			parts = append(parts, fmt.Sprintf("finished(%d)", e.status))
		case "requeued":
			parts = append(parts, "requeued")
		}
	}
	return strings.Join(parts, " ")
}

// final returns the Finished event of an execution, if there is one.
func (s *recSink) final(id int64) (event, bool) {
	for _, e := range s.get(id) {
		if e.kind == "finished" {
			return e, true
		}
	}
	return event{}, false
}

func (s *recSink) messages(id int64) []EventMessage {
	var out []EventMessage
	for _, e := range s.get(id) {
		out = append(out, e.msgs...)
	}
	return out
}

// rig is a master on a fake clock with a recording sink and a simulator.
type rig struct {
	t    *testing.T
	clk  *clock.Fake
	sink *recSink
	sim  *runner.Sim
	m    *Master
	next int64
}

func newRig(t *testing.T, cfg Config, rules ...runner.Rule) *rig {
	t.Helper()
	clk := clock.NewFake(t0)
	sink := newSink()
	sim, err := runner.NewSim(runner.Config{Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Lanes == 0 {
		cfg.Lanes = 2
	}
	m, err := New(cfg, clk, sink, sim, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Stop)
	return &rig{t: t, clk: clk, sink: sink, sim: sim, m: m, next: 100}
}

// settle waits for the lanes to deliver everything due now.
func (r *rig) settle() {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.m.Settle(ctx); err != nil {
		r.t.Fatalf("settle: %v", err)
	}
}

// advance moves the fake clock and lets the lanes catch up. Attempts whose
// plans were made on the way schedule timers that a later advance fires.
func (r *rig) advance(d time.Duration) {
	r.t.Helper()
	r.settle()
	r.clk.Advance(d)
	r.settle()
}

// exec creates a Scale Out execution's job (like create_execution) and
// returns its id and job id.
func (r *rig) exec(pkg string, anyWorker bool, workers ...uuid.UUID) (int64, uuid.UUID) {
	r.t.Helper()
	r.next++
	id := r.next
	r.sink.add(id, ExecInfo{FolderName: "folder1", ProjectName: "project1", PackageName: pkg, LoggingLevel: 1})
	job, err := r.m.CreateJob(id, anyWorker, false, `DOMAIN\ci`)
	if err != nil {
		r.t.Fatal(err)
	}
	for _, w := range workers {
		if err := r.m.AddJobWorker(job, w); err != nil {
			r.t.Fatal(err)
		}
	}
	return id, job
}

// start creates and starts an execution (start_execution @retry_count).
func (r *rig) start(pkg string, retry int, anyWorker bool, workers ...uuid.UUID) (int64, uuid.UUID) {
	r.t.Helper()
	id, job := r.exec(pkg, anyWorker, workers...)
	if _, err := r.m.StartTask(job, id, retry); err != nil {
		r.t.Fatal(err)
	}
	return id, job
}

func (r *rig) task(id int64) Task {
	r.t.Helper()
	tk, ok := r.m.TaskForExecution(id)
	if !ok {
		r.t.Fatalf("execution %d has no task", id)
	}
	return tk
}

func (r *rig) wantKinds(id int64, want string) {
	r.t.Helper()
	if got := r.sink.kinds(id); got != want {
		r.t.Errorf("execution %d: sink saw %q, want %q", id, got, want)
	}
}

func wantSQLErr(t *testing.T, err error, number int32, text string) {
	t.Helper()
	e, ok := sqlerr.As(err)
	if !ok {
		t.Fatalf("got %v, want SQL error %d", err, number)
	}
	if e.Number != number {
		t.Fatalf("got error %d (%s), want %d", e.Number, e.Message, number)
	}
	if text != "" && e.Message != text {
		t.Errorf("error %d text:\n got %q\nwant %q", number, e.Message, text)
	}
}

var (
	w1 = uuid.MustParse("64c020e2-f819-4c2d-a22f-efb31a91e70a")
	w2 = uuid.MustParse("6583054a-e915-4c2a-80e4-c765e79ef61d")
	w3 = uuid.MustParse("0b6b9f4e-6c7e-4d57-9d3f-3f1f5b1a2c3d")
)

func enabled(id uuid.UUID, machine string) WorkerConfig {
	return WorkerConfig{ID: id, Enabled: true, MachineName: machine}
}

func runnerRule(d time.Duration) runner.Rule { return runner.Rule{Duration: d} }

func clockFake() *clock.Fake { return clock.NewFake(t0) }

func simNoRules(t *testing.T) *runner.Sim {
	t.Helper()
	s, err := runner.NewSim(runner.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
