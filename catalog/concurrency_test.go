package catalog

import (
	"sync"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// TestConcurrentSessions runs sessions creating and starting executions
// while the "master" reports progress and readers scan views; under -race
// it checks the locking, and at the end every execution is final.
func TestConcurrentSessions(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	_, err := e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(20), s("folder1"), s("project1"), s("Required"), sqltype.NewInt(5), nil, nil)
	must(t, err)
	const sessions, each = 4, 50
	started := make(chan int64, sessions*each)
	var wg sync.WaitGroup
	for range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				id, err := e.create(admin, false)
				if err != nil {
					t.Error(err)
					return
				}
				if err := e.c.StartExecution(e.ctx, nil, admin, &id, nil); err != nil {
					t.Error(err)
					return
				}
				started <- id
			}
		}()
	}
	var master sync.WaitGroup
	master.Add(1)
	go func() {
		defer master.Done()
		for id := range started {
			e.c.AttemptStarted(id, nil, 1, e.clk.Now())
			e.c.Messages(id, []scaleout.EventMessage{{Time: e.clk.Now(), MessageType: 70, Message: "x"}})
			e.c.Finished(id, scaleout.StatusSucceeded, 0, e.clk.Now())
		}
	}()
	readers := make(chan struct{})
	var rw sync.WaitGroup
	rw.Add(1)
	go func() {
		defer rw.Done()
		for {
			select {
			case <-readers:
				return
			default:
				e.query(admin, "catalog.executions")
				e.query(admin, "catalog.event_messages")
			}
		}
	}()
	wg.Wait()
	close(started)
	master.Wait()
	close(readers)
	rw.Wait()
	n := 0
	for _, r := range e.query(admin, "catalog.executions") {
		n++
		if r[16] != "7" {
			t.Fatalf("execution %s ended %s", r[0], r[16])
		}
	}
	if n != sessions*each {
		t.Fatalf("%d executions, want %d", n, sessions*each)
	}
}
