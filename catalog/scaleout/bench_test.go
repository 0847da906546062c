package scaleout

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
)

// countSink is a Sink that does as little as a sink can: it counts final
// statuses and stamps pick-ups with the wall clock.
type countSink struct {
	level    int
	finished atomic.Int64
	want     atomic.Int64
	done     chan struct{}
	startAt  []atomic.Int64 // by execution id: wall-clock nanoseconds of AttemptStarted
	slots    chan struct{}  // bounds executions in flight, when set
}

func (s *countSink) ExecInfo(id int64) (ExecInfo, bool) {
	return ExecInfo{ExecutionID: id, FolderName: "f", ProjectName: "p", PackageName: "p.dtsx", LoggingLevel: s.level}, true
}

func (s *countSink) AttemptStarted(id int64, w *Worker, attempt int, at time.Time) {
	if id < int64(len(s.startAt)) {
		s.startAt[id].Store(time.Now().UnixNano())
	}
}

func (s *countSink) AttemptRequeued(int64, time.Time) {}

func (s *countSink) Finished(id int64, status int, stopID int64, at time.Time) {
	if s.slots != nil {
		<-s.slots
	}
	if s.finished.Add(1) == s.want.Load() {
		close(s.done)
	}
}

func (s *countSink) Messages(int64, []EventMessage) {}

func benchMaster(b *testing.B, sink Sink, clk clock.Clock, workers []WorkerConfig, rules ...runner.Rule) *Master {
	b.Helper()
	sim, err := runner.NewSim(runner.Config{Rules: rules})
	if err != nil {
		b.Fatal(err)
	}
	m, err := New(Config{Workers: workers}, clk, sink, sim, nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := m.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(m.Stop)
	return m
}

func nWorkers(n, max int) []WorkerConfig {
	ws := make([]WorkerConfig, n)
	for i := range ws {
		ws[i] = WorkerConfig{ID: uuid.New(), Enabled: true, MaxTaskCount: max, MachineName: fmt.Sprintf("W%03d", i)}
	}
	return ws
}

// BenchmarkExecutions measures executions from start to succeeded, in
// process, with instant packages: create_execution's job, start_execution's
// task, pick-up, the run and its messages, the final status at the Sink.
func BenchmarkExecutions(b *testing.B) {
	for _, c := range []struct {
		level, workers int
	}{{0, 1}, {1, 1}, {1, 4}, {3, 4}} {
		b.Run(fmt.Sprintf("level=%d/workers=%d", c.level, c.workers), func(b *testing.B) {
			sink := &countSink{level: c.level, done: make(chan struct{})}
			sink.want.Store(int64(b.N))
			m := benchMaster(b, sink, clock.Real(), nWorkers(c.workers, 10))
			b.ReportAllocs()
			cpu0 := cpuTime()
			b.ResetTimer()
			for i := range b.N {
				id := int64(i + 1)
				job, err := m.CreateJob(id, true, false, "bench")
				if err != nil {
					b.Fatal(err)
				}
				if _, err := m.StartTask(job, id, 0); err != nil {
					b.Fatal(err)
				}
			}
			<-sink.done
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "execs/s")
			// CPU time per execution (all goroutines, GC included): on a
			// shared machine it says more than wall time does.
			b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N)/1000, "cpu-µs/exec")
			m.CleanupJobs(-time.Hour)
		})
	}
}

// BenchmarkDispatchLatency measures, on the wall clock, the time from
// StartTask to the Sink hearing AttemptStarted in fast mode: alone (one
// execution at a time, the master otherwise idle), and with 8 or 64
// executions in flight, each new one started as soon as one finishes (the
// master saturated: there the figure is mostly queueing behind the other
// executions' runs and messages on the lanes).
func BenchmarkDispatchLatency(b *testing.B) {
	for _, inflight := range []int{1, 8, 64} {
		b.Run(fmt.Sprintf("inflight=%d", inflight), func(b *testing.B) {
			sink := &countSink{level: 1, done: make(chan struct{}), startAt: make([]atomic.Int64, b.N+1)}
			sink.slots = make(chan struct{}, inflight)
			sink.want.Store(int64(b.N))
			m := benchMaster(b, sink, clock.Real(), nWorkers(4, 10))
			issued := make([]int64, b.N+1)
			b.ResetTimer()
			for i := range b.N {
				id := int64(i + 1)
				job, err := m.CreateJob(id, true, false, "bench")
				if err != nil {
					b.Fatal(err)
				}
				if sink.slots != nil {
					sink.slots <- struct{}{}
				}
				issued[id] = time.Now().UnixNano()
				if _, err := m.StartTask(job, id, 0); err != nil {
					b.Fatal(err)
				}
			}
			<-sink.done
			b.StopTimer()
			lat := make([]time.Duration, 0, b.N)
			for id := 1; id <= b.N; id++ {
				lat = append(lat, time.Duration(sink.startAt[id].Load()-issued[id]))
			}
			slices.Sort(lat)
			pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) }
			b.ReportMetric(pct(0.50), "p50-µs")
			b.ReportMetric(pct(0.99), "p99-µs")
			b.ReportMetric(float64(lat[len(lat)-1].Microseconds()), "max-µs")
		})
	}
}

// BenchmarkDispatchQueue measures what one dispatch costs the master with a
// deep queue: 100 workers are full (MaxTaskCount 1, packages that hang);
// each iteration stops one running execution, so its worker takes the
// oldest task it may, and starts a new one, so the queue keeps its size.
// Half the jobs are for any worker, half for two given workers. The lanes
// are not started (what they queue is dropped every 1024 iterations), so
// the figure is the master's own work under its lock, without the Sink's
// and the runner's. It should not grow with the queue.
func BenchmarkDispatchQueue(b *testing.B) {
	for _, size := range []int{100, 1000, 10000, 100000} {
		b.Run(fmt.Sprintf("queue=%d", size), func(b *testing.B) {
			sink := &countSink{level: 0, done: make(chan struct{})}
			ws := nWorkers(100, 1)
			sim, err := runner.NewSim(runner.Config{})
			if err != nil {
				b.Fatal(err)
			}
			m, err := New(Config{Workers: ws}, clock.NewFake(t0), sink, sim, nil)
			if err != nil {
				b.Fatal(err)
			}
			next := int64(0)
			start := func() {
				next++
				job, err := m.CreateJob(next, next%2 == 0, false, "bench")
				if err != nil {
					b.Fatal(err)
				}
				if next%2 == 1 {
					for _, k := range []int64{next, next * 7} {
						if err := m.AddJobWorker(job, ws[k%100].ID); err != nil {
							b.Fatal(err)
						}
					}
				}
				if _, err := m.StartTask(job, next, 0); err != nil {
					b.Fatal(err)
				}
			}
			for range 100 + size {
				start()
			}
			if st := m.Stats(); st.QueueDepth < size-50 || st.RunningTasks != 100 {
				b.Fatalf("setup: %+v", st)
			}
			m.dropQueued()
			runtime.GC() // the setup's garbage is not this benchmark's
			cpu0 := cpuTime()
			b.ResetTimer()
			for i := range b.N {
				// The running task of worker i%100.
				w := ws[i%100].ID
				m.mu.Lock()
				var job uuid.UUID
				for a := range m.workers[w].live {
					job = a.t.job.id
				}
				m.mu.Unlock()
				if job != uuid.Nil {
					if err := m.CancelJob(job, 1); err != nil {
						b.Fatal(err)
					}
				}
				start()
				if i%1024 == 1023 {
					m.CleanupJobs(-time.Hour) // keep the job map the size of the queue
					b.StopTimer()
					m.dropQueued()
					b.StartTimer()
				}
			}
			b.StopTimer()
			b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N)/1000, "cpu-µs/op")
			if err := m.checkInvariants(); err != nil {
				b.Fatal(err)
			}
			if st := m.Stats(); st.QueueDepth < size-50 || st.RunningTasks != 100 {
				b.Fatalf("after: %+v", st)
			}
		})
	}
}

// dropQueued forgets what the lanes were to deliver (benchmarks that do not
// start the master).
func (m *Master) dropQueued() {
	for _, l := range m.lanes {
		l.mu.Lock()
		n := len(l.q)
		l.q = nil
		l.mu.Unlock()
		m.idle.done(n)
	}
}

// cpuTime is the process's user plus system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
