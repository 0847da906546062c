package scaleout

import "time"

// latencyBounds are the dispatch latency histogram's buckets: immediate
// pick-up (fast mode) lands in the first, pull intervals (realistic mode)
// in the middle ones.
var latencyBounds = []time.Duration{0, time.Millisecond, 10 * time.Millisecond, 100 * time.Millisecond,
	time.Second, 10 * time.Second, time.Minute, 5 * time.Minute}

// counters are the master's running totals, guarded by m.mu.
type counters struct {
	dispatched, requeued, leasesExpired uint64
	succeeded, failed, canceled, ended  uint64
	latCounts                           [8]uint64 // per bucket, not cumulative
	latCount                            uint64
	latSum                              time.Duration
}

func (c *counters) observe(d time.Duration) {
	if d < 0 {
		d = 0
	}
	c.latCount++
	c.latSum += d
	for i, b := range latencyBounds {
		if d <= b {
			c.latCounts[i]++
			return
		}
	}
}

func (c *counters) finished(status int) {
	switch status {
	case StatusSucceeded:
		c.succeeded++
	case StatusFailed:
		c.failed++
	case StatusCanceled:
		c.canceled++
	case StatusEndedUnexpectedly:
		c.ended++
	}
}

// Stats returns the master's counters.
func (m *Master) Stats() Stats {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := Stats{
		Workers:       len(m.workers),
		QueueDepth:    m.queued,
		RunningTasks:  len(m.running),
		LocalRuns:     len(m.local),
		Dispatched:    m.st.dispatched,
		Requeued:      m.st.requeued,
		LeasesExpired: m.st.leasesExpired,
		Succeeded:     m.st.succeeded,
		Failed:        m.st.failed,
		Canceled:      m.st.canceled,
		Ended:         m.st.ended,
	}
	for _, w := range m.workers {
		if w.Online {
			s.WorkersOnline++
		}
		if w.Enabled {
			s.WorkersEnabled++
		}
	}
	h := Histogram{
		Bounds: append([]time.Duration(nil), latencyBounds...),
		Counts: make([]uint64, len(latencyBounds)),
		Count:  m.st.latCount,
		Sum:    m.st.latSum,
	}
	var cum uint64
	for i := range latencyBounds {
		cum += m.st.latCounts[i]
		h.Counts[i] = cum
	}
	s.DispatchLatency = h
	return s
}
