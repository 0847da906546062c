package scaleout

// readyQueue is a min-heap of ready tasks ordered by ReadyForDispatchTime,
// then by the order they became ready. The master keeps one for jobs any
// worker may take and one per worker for jobs restricted to workers; a task
// restricted to several workers sits in each of their queues and leaves all
// of them when one worker takes it, so a pick costs O(log n) and never scans.
type readyQueue struct {
	items []*qent
}

// qent is one task's place in one queue. It carries the task's sort key
// so that sifting compares without reaching into the tasks.
type qent struct {
	ready int64  // ReadyForDispatchTime, Unix nanoseconds
	seq   uint64 // the task's readySeq
	t     *task
	q     *readyQueue
	idx   int
}

func eless(a, b *qent) bool {
	if a.ready != b.ready {
		return a.ready < b.ready
	}
	return a.seq < b.seq
}

// qless orders two ready tasks the way the queues do.
func qless(a, b *task) bool {
	if !a.ready.Equal(b.ready) {
		return a.ready.Before(b.ready)
	}
	return a.readySeq < b.readySeq
}

func (q *readyQueue) len() int { return len(q.items) }

func (q *readyQueue) peek() *task {
	if q == nil || len(q.items) == 0 {
		return nil
	}
	return q.items[0].t
}

func (q *readyQueue) push(t *task) *qent {
	e := &qent{ready: t.ready.UnixNano(), seq: t.readySeq, t: t, q: q, idx: len(q.items)}
	q.items = append(q.items, e)
	q.up(e.idx)
	return e
}

func (q *readyQueue) remove(e *qent) {
	i := e.idx
	last := len(q.items) - 1
	if i != last {
		q.swap(i, last)
	}
	q.items[last] = nil
	q.items = q.items[:last]
	if i != last {
		if !q.down(i) {
			q.up(i)
		}
	}
	e.idx = -1
}

func (q *readyQueue) swap(i, j int) {
	q.items[i], q.items[j] = q.items[j], q.items[i]
	q.items[i].idx = i
	q.items[j].idx = j
}

func (q *readyQueue) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !eless(q.items[i], q.items[p]) {
			return
		}
		q.swap(i, p)
		i = p
	}
}

// down sifts item i toward the leaves and reports whether it moved.
func (q *readyQueue) down(i int) bool {
	start := i
	n := len(q.items)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && eless(q.items[r], q.items[l]) {
			m = r
		}
		if !eless(q.items[m], q.items[i]) {
			break
		}
		q.swap(i, m)
		i = m
	}
	return i > start
}
