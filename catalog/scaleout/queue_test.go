package scaleout

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// The heap against a sorted list: random pushes and removals from
// anywhere (a task taken through another worker's queue), then pops.
func TestReadyQueue(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		var q readyQueue
		var live []*qent
		seq := uint64(0)
		for range 300 {
			if len(live) > 0 && rng.IntN(3) == 0 {
				i := rng.IntN(len(live))
				q.remove(live[i])
				if live[i].idx != -1 {
					t.Fatal("removed entry keeps an index")
				}
				live = slices.Delete(live, i, i+1)
				continue
			}
			seq++
			// Few distinct times, so ties on the time are common.
			tk := &task{ready: t0.Add(time.Duration(rng.IntN(20)) * time.Second), readySeq: seq}
			live = append(live, q.push(tk))
		}
		slices.SortFunc(live, func(a, b *qent) int {
			switch {
			case qless(a.t, b.t):
				return -1
			case qless(b.t, a.t):
				return 1
			}
			return 0
		})
		for i, want := range live {
			got := q.peek()
			if got != want.t {
				t.Fatalf("round %d pop %d: got ready %v seq %d, want %v seq %d", round, i, got.ready, got.readySeq, want.t.ready, want.t.readySeq)
			}
			q.remove(q.items[0])
		}
		if q.len() != 0 || q.peek() != nil {
			t.Fatal("queue not empty")
		}
	}
}
