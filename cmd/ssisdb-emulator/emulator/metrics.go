package emulator

import (
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

const ns = "ssisdb_emulator"

// metrics implements tds.Metrics with Prometheus counters, and collects
// the master's and the catalog's figures at scrape time.
type metrics struct {
	reg         *prometheus.Registry
	connOpened  prometheus.Counter
	connActive  prometheus.Gauge
	loginFailed prometheus.Counter
	requests    *prometheus.CounterVec
	messages    *prometheus.CounterVec
	bytesIn     prometheus.Counter
	bytesOut    prometheus.Counter

	// messageCounters caches the children of messages by number: a
	// WithLabelValues lookup per ERROR token would allocate.
	mu              sync.Mutex
	messageCounters map[int32]prometheus.Counter
	requestCounters [tds.RequestAttention + 1]prometheus.Counter
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		connOpened: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "tds_connections_opened_total",
			Help: "TDS connections accepted."}),
		connActive: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "tds_connections_active",
			Help: "TDS connections open now."}),
		loginFailed: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "tds_login_failures_total",
			Help: "Logins refused (18456)."}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "tds_requests_total",
			Help: "TDS requests by kind (login, batch, rpc, transmgr, attention)."}, []string{"kind"}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "errors_total",
			Help: "ERROR tokens sent to clients, by SQL Server error number."}, []string{"number"}),
		bytesIn: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "tds_bytes_read_total",
			Help: "Bytes read from TDS clients."}),
		bytesOut: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "tds_bytes_written_total",
			Help: "Bytes written to TDS clients."}),
		messageCounters: map[int32]prometheus.Counter{},
	}
	for k := range m.requestCounters {
		m.requestCounters[k] = m.requests.WithLabelValues(tds.RequestKind(k).String())
	}
	m.reg.MustRegister(m.connOpened, m.connActive, m.loginFailed, m.requests, m.messages, m.bytesIn, m.bytesOut,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) ConnectionOpened() { m.connOpened.Inc(); m.connActive.Inc() }
func (m *metrics) ConnectionClosed() { m.connActive.Dec() }
func (m *metrics) LoginFailed()      { m.loginFailed.Inc() }
func (m *metrics) BytesRead(n int)   { m.bytesIn.Add(float64(n)) }
func (m *metrics) BytesWritten(n int) {
	m.bytesOut.Add(float64(n))
}

func (m *metrics) Request(kind tds.RequestKind) {
	if int(kind) < len(m.requestCounters) {
		m.requestCounters[kind].Inc()
	}
}

func (m *metrics) MessageSent(number int32, class uint8) {
	if class <= 10 {
		return
	}
	m.mu.Lock()
	c, ok := m.messageCounters[number]
	if !ok {
		c = m.messages.WithLabelValues(strconv.Itoa(int(number)))
		m.messageCounters[number] = c
	}
	m.mu.Unlock()
	c.Inc()
}

// watch registers the collectors that read the master and the catalog.
func (m *metrics) watch(srv *tds.Server, master *scaleout.Master, cat *catalog.Catalog) {
	m.reg.MustRegister(&masterCollector{m: master}, &executionCollector{cat: cat})
}

var (
	descQueue = prometheus.NewDesc(ns+"_scaleout_queue_depth", "Scale Out tasks ready for dispatch.", nil, nil)
	descRun   = prometheus.NewDesc(ns+"_scaleout_running_tasks", "Scale Out tasks running on workers.", nil, nil)
	descWork  = prometheus.NewDesc(ns+"_scaleout_workers", "Worker agents by state.", []string{"state"}, nil)
	descDisp  = prometheus.NewDesc(ns+"_scaleout_dispatched_total", "Attempts handed to workers.", nil, nil)
	descLat   = prometheus.NewDesc(ns+"_scaleout_dispatch_latency_seconds",
		"Time from a task becoming ready to a worker taking it, on the master's clock.", nil, nil)
	descExec = prometheus.NewDesc(ns+"_executions", "Executions in the catalog by status.", []string{"status"}, nil)
)

type masterCollector struct{ m *scaleout.Master }

func (c *masterCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descQueue
	ch <- descRun
	ch <- descWork
	ch <- descDisp
	ch <- descLat
}

func (c *masterCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.m.Stats()
	ch <- prometheus.MustNewConstMetric(descQueue, prometheus.GaugeValue, float64(s.QueueDepth))
	ch <- prometheus.MustNewConstMetric(descRun, prometheus.GaugeValue, float64(s.RunningTasks))
	ch <- prometheus.MustNewConstMetric(descWork, prometheus.GaugeValue, float64(s.Workers), "known")
	ch <- prometheus.MustNewConstMetric(descWork, prometheus.GaugeValue, float64(s.WorkersEnabled), "enabled")
	ch <- prometheus.MustNewConstMetric(descWork, prometheus.GaugeValue, float64(s.WorkersOnline), "online")
	ch <- prometheus.MustNewConstMetric(descDisp, prometheus.CounterValue, float64(s.Dispatched))
	h := s.DispatchLatency
	buckets := make(map[float64]uint64, len(h.Bounds))
	for i, b := range h.Bounds {
		buckets[b.Seconds()] = h.Counts[i]
	}
	ch <- prometheus.MustNewConstHistogram(descLat, h.Count, h.Sum.Seconds(), buckets)
}

// statusNames are the operation statuses of catalog.executions, by status.
var statusNames = [...]string{1: "created", 2: "running", 3: "canceled", 4: "failed", 5: "pending",
	6: "ended_unexpectedly", 7: "succeeded", 8: "stopping", 9: "completed"}

// executionCollector reports the catalog's executions by status from the
// counts the catalog keeps, so a scrape costs the same at any number of
// executions.
type executionCollector struct{ cat *catalog.Catalog }

func (c *executionCollector) Describe(ch chan<- *prometheus.Desc) { ch <- descExec }

func (c *executionCollector) Collect(ch chan<- prometheus.Metric) {
	counts := c.cat.ExecutionCounts()
	for st, name := range statusNames {
		if name != "" {
			ch <- prometheus.MustNewConstMetric(descExec, prometheus.GaugeValue, float64(counts[st]), name)
		}
	}
}
