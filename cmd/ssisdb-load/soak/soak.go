// Package soak watches an emulator while a long load runs against it: it
// samples resident memory, heap and goroutines over time, takes the
// server's counters at the start and the end of the load, and afterwards
// empties the catalog and waits for the process to come back to its idle
// figures. The verdict says whether the run had errors, lost executions,
// miscounted, or leaked; SVG draws the samples.
package soak

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	_ "github.com/microsoft/go-mssqldb" // the sqlserver driver for the reset

	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-load/load"
)

// Config says where the emulator's figures come from.
type Config struct {
	MetricsURL string
	// PID, when set, is read for VmRSS; otherwise RSS is the process
	// collector's process_resident_memory_bytes.
	PID      int
	Interval time.Duration // default 5s
	// Settle bounds the wait after the load for the idle figures (default
	// 4m: the Go runtime collects at least every two minutes when idle).
	Settle time.Duration
	// Reset empties the catalog (EXEC emulator.reset, through ResetDSN)
	// once the final check is done, so that what stays in memory after it
	// is not the catalog's by design.
	Reset    bool
	ResetDSN string
	Logger   *slog.Logger
}

// Sample is one reading.
type Sample struct {
	At          time.Duration `json:"at_ns"` // since Start
	Phase       string        `json:"phase"` // idle, load, check, settle
	RSS         int64         `json:"rss_bytes"`
	HeapInuse   int64         `json:"heap_inuse_bytes"`
	Goroutines  int64         `json:"goroutines"`
	Connections int64         `json:"connections"`
	Executions  int64         `json:"executions"`
	GCs         int64         `json:"gc_cycles"`
}

// Soak samples one emulator.
type Soak struct {
	cfg    Config
	client *http.Client
	start  time.Time

	mu      sync.Mutex
	phase   string
	samples []Sample
	before  scrape // at the start of the load
	after   scrape // at its end
	loadAt  [2]time.Duration
	resetAt time.Duration
	errs    []string

	stop chan struct{}
	done chan struct{}
}

// New prepares a soak; Start begins sampling.
func New(cfg Config) *Soak {
	if cfg.Interval <= 0 {
		cfg.Interval = 5 * time.Second
	}
	if cfg.Settle <= 0 {
		cfg.Settle = 4 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Soak{cfg: cfg, client: &http.Client{Timeout: 30 * time.Second}, phase: "idle",
		stop: make(chan struct{}), done: make(chan struct{})}
}

// Start takes the idle sample (the baseline) and starts the sampler.
func (s *Soak) Start(ctx context.Context) error {
	s.start = time.Now()
	if _, err := s.sample(ctx); err != nil {
		return fmt.Errorf("soak: the first sample failed: %w", err)
	}
	go s.loop(ctx)
	return nil
}

func (s *Soak) loop(ctx context.Context) {
	defer close(s.done)
	t := time.NewTicker(s.cfg.Interval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.sample(ctx); err != nil {
				s.mu.Lock()
				s.errs = append(s.errs, err.Error())
				s.mu.Unlock()
			}
		}
	}
}

// Stop ends the sampler.
func (s *Soak) Stop() {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	<-s.done
}

// sample reads /metrics (and /proc) once and records the reading.
func (s *Soak) sample(ctx context.Context) (scrape, error) {
	m, err := fetchMetrics(ctx, s.client, s.cfg.MetricsURL)
	if err != nil {
		return nil, err
	}
	sm := Sample{
		At:          time.Since(s.start),
		RSS:         int64(m["process_resident_memory_bytes"]),
		HeapInuse:   int64(m["go_memstats_heap_inuse_bytes"]),
		Goroutines:  int64(m["go_goroutines"]),
		Connections: int64(m["ssisdb_emulator_tds_connections_active"]),
		Executions:  int64(m.sum("ssisdb_emulator_executions")),
		GCs:         int64(m["go_gc_duration_seconds_count"]),
	}
	if s.cfg.PID > 0 {
		rss, err := readRSS(s.cfg.PID)
		if err != nil {
			return nil, err
		}
		sm.RSS = rss
	}
	s.mu.Lock()
	sm.Phase = s.phase
	s.samples = append(s.samples, sm)
	s.mu.Unlock()
	return m, nil
}

// Mark is load.Config.AroundLoad: it takes the server's counters at the
// start and the end of the load.
func (s *Soak) Mark(before bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s.mu.Lock()
	if before {
		s.phase = "load"
	} else {
		s.phase = "check"
	}
	s.mu.Unlock()
	m, err := s.sample(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.errs = append(s.errs, err.Error())
		return
	}
	if before {
		s.before, s.loadAt[0] = m, time.Since(s.start)
	} else {
		s.after, s.loadAt[1] = m, time.Since(s.start)
	}
}

// Check is one line of the verdict.
type Check struct {
	Name   string `json:"name"`
	Pass   bool   `json:"pass"`
	Detail string `json:"detail"`
}

// Verdict is the soak's judgement and its figures.
type Verdict struct {
	Pass    bool     `json:"pass"`
	Checks  []Check  `json:"checks"`
	Samples []Sample `json:"samples"`
	// Baseline is the idle sample before the load; Peak holds the highest
	// of each figure; End is the last sample after the settle wait.
	Baseline, Peak, End Sample
	// BytesPerExecution is the RSS growth over the load divided by the
	// executions the catalog kept (the catalog keeps every execution and
	// its messages, as SSISDB does until its retention job runs).
	BytesPerExecution float64  `json:"bytes_per_execution"`
	SamplerErrors     []string `json:"sampler_errors,omitempty"`
}

// Finish runs after load.Run: it reads the execution counts, empties the
// catalog if configured, waits for the idle figures, stops the sampler and
// judges the run.
func (s *Soak) Finish(ctx context.Context, rep *load.Report) *Verdict {
	v := &Verdict{}
	add := func(name string, pass bool, format string, args ...any) {
		v.Checks = append(v.Checks, Check{Name: name, Pass: pass, Detail: fmt.Sprintf(format, args...)})
	}
	s.mu.Lock()
	before, after := s.before, s.after
	s.mu.Unlock()

	add("no errors", rep.ErrorsTotal == 0, "%d errors in %d iterations", rep.ErrorsTotal, rep.Iterations)
	add("every execution final", rep.Final.OK(), "%d of %d final (%d not final, %d missing)",
		rep.Final.Final, rep.Final.HandedOut, rep.Final.NotFinalCount, rep.Final.MissingCount)
	end, err := s.sample(ctx)
	if before == nil || after == nil || err != nil {
		add("counts consistent", false, "the server's counters could not be read: %v", err)
	} else {
		reqs := func(m scrape) float64 {
			return m[`ssisdb_emulator_tds_requests_total{kind="batch"}`] + m[`ssisdb_emulator_tds_requests_total{kind="rpc"}`]
		}
		srvReqs := int64(reqs(after) - reqs(before))
		add("requests counted alike", srvReqs == rep.Requests, "server %d batches and RPCs, clients %d", srvReqs, rep.Requests)
		srvErrs := int64(after.sum("ssisdb_emulator_errors_total") - before.sum("ssisdb_emulator_errors_total"))
		add("errors counted alike", srvErrs == rep.ServerErrors, "server sent %d ERROR tokens, clients received %d",
			srvErrs, rep.ServerErrors)
		execs := int64(end.sum("ssisdb_emulator_executions") - before.sum("ssisdb_emulator_executions"))
		succ := int64(end[`ssisdb_emulator_executions{status="succeeded"}`] - before[`ssisdb_emulator_executions{status="succeeded"}`])
		add("executions counted alike", execs == int64(rep.Final.HandedOut) && succ == int64(rep.Final.ByStatus[7]),
			"catalog gained %d executions (%d succeeded); clients were handed %d (%d succeeded)",
			execs, succ, rep.Final.HandedOut, rep.Final.ByStatus[7])
	}

	s.mu.Lock()
	s.phase = "settle"
	s.mu.Unlock()
	if s.cfg.Reset {
		if err := resetCatalog(ctx, s.cfg.ResetDSN); err != nil {
			add("catalog emptied", false, "emulator.reset failed: %v", err)
		} else {
			s.mu.Lock()
			s.resetAt = time.Since(s.start)
			s.mu.Unlock()
		}
	}
	s.mu.Lock()
	base := s.samples[0]
	s.mu.Unlock()
	heapLimit := base.HeapInuse + max(16<<20, base.HeapInuse/4)
	goLimit := base.Goroutines + 5
	deadline := time.Now().Add(s.cfg.Settle)
	var last Sample
	for {
		if _, err := s.sample(ctx); err == nil {
			s.mu.Lock()
			last = s.samples[len(s.samples)-1]
			s.mu.Unlock()
			if last.HeapInuse <= heapLimit && last.Goroutines <= goLimit && last.Connections == 0 {
				break
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(s.cfg.Interval):
		}
	}
	s.Stop()

	s.mu.Lock()
	v.Samples = slices.Clone(s.samples)
	v.SamplerErrors = slices.Clone(s.errs)
	s.mu.Unlock()
	v.Baseline, v.End = base, last
	for _, sm := range v.Samples {
		v.Peak.RSS = max(v.Peak.RSS, sm.RSS)
		v.Peak.HeapInuse = max(v.Peak.HeapInuse, sm.HeapInuse)
		v.Peak.Goroutines = max(v.Peak.Goroutines, sm.Goroutines)
		v.Peak.Connections = max(v.Peak.Connections, sm.Connections)
		v.Peak.Executions = max(v.Peak.Executions, sm.Executions)
	}
	add("connections closed", last.Connections == 0, "%d connections open after the run", last.Connections)
	add("goroutines back to idle", last.Goroutines <= goLimit, "%d goroutines after the run, %d before it (limit %d)",
		last.Goroutines, base.Goroutines, goLimit)
	add("goroutines flat under load", flatUnderLoad(v.Samples, func(s Sample) int64 { return s.Goroutines }),
		"90th percentile of the load's last third within 10%% (+20) of its middle third")
	what := "after the catalog was emptied"
	if !s.cfg.Reset {
		what = "with the catalog kept"
	}
	add("heap back to idle", last.HeapInuse <= heapLimit, "heap in use %s %s; %s before the load (limit %s)",
		mib(last.HeapInuse), what, mib(base.HeapInuse), mib(heapLimit))
	if n := v.Peak.Executions - base.Executions; n > 0 {
		var loadEnd Sample
		for _, sm := range v.Samples {
			if sm.Phase == "load" || sm.Phase == "check" {
				loadEnd = sm
			}
		}
		v.BytesPerExecution = float64(loadEnd.RSS-base.RSS) / float64(max(loadEnd.Executions-base.Executions, 1))
	}
	if len(v.SamplerErrors) > 0 {
		add("sampling", false, "%d samples failed, first: %s", len(v.SamplerErrors), v.SamplerErrors[0])
	}
	v.Pass = true
	for _, c := range v.Checks {
		v.Pass = v.Pass && c.Pass
	}
	return v
}

// flatUnderLoad compares the load's last third with its middle third (the
// first third is the warm-up).
func flatUnderLoad(samples []Sample, f func(Sample) int64) bool {
	var xs []int64
	for _, s := range samples {
		if s.Phase == "load" {
			xs = append(xs, f(s))
		}
	}
	if len(xs) < 6 {
		return true // too short to tell; the idle checks still apply
	}
	third := len(xs) / 3
	p90 := func(v []int64) int64 {
		v = slices.Clone(v)
		slices.Sort(v)
		return v[(len(v)-1)*9/10]
	}
	mid, last := p90(xs[third:2*third]), p90(xs[2*third:])
	return last <= mid+mid/10+20
}

func resetCatalog(ctx context.Context, dsn string) error {
	db, err := sql.Open("sqlserver", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "EXEC emulator.reset")
	return err
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// WriteText writes the verdict after the load report.
func (v *Verdict) WriteText(w io.Writer) error {
	var b strings.Builder
	verdict := "PASS"
	if !v.Pass {
		verdict = "FAIL"
	}
	fmt.Fprintf(&b, "\nsoak: %s (%d samples)\n", verdict, len(v.Samples))
	for _, c := range v.Checks {
		mark := "ok  "
		if !c.Pass {
			mark = "FAIL"
		}
		fmt.Fprintf(&b, "  %s %-28s %s\n", mark, c.Name, c.Detail)
	}
	fmt.Fprintf(&b, "  RSS: %s idle, %s peak, %s at the end; heap in use: %s idle, %s peak, %s at the end\n",
		mib(v.Baseline.RSS), mib(v.Peak.RSS), mib(v.End.RSS), mib(v.Baseline.HeapInuse), mib(v.Peak.HeapInuse), mib(v.End.HeapInuse))
	fmt.Fprintf(&b, "  goroutines: %d idle, %d peak, %d at the end; peak connections %d; catalog peak %d executions (%.0f bytes of RSS each)\n",
		v.Baseline.Goroutines, v.Peak.Goroutines, v.End.Goroutines, v.Peak.Connections, v.Peak.Executions, v.BytesPerExecution)
	_, err := io.WriteString(w, b.String())
	return err
}
