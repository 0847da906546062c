package emulator_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	mssql "github.com/microsoft/go-mssqldb"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-emulator/emulator"
)

const workerB = "7d3f8c56-1c1e-4a8a-9a1a-0c6f3c7a2b10"

// fakeProduct runs the whole product on a fake clock, so the test moves
// time (leases, durations) instead of waiting for it.
type fakeProduct struct {
	em  *emulator.Emulator
	clk *clock.Fake
	db  *sql.DB
}

func newFakeProduct(t *testing.T) *fakeProduct {
	t.Helper()
	cfg := emulator.Defaults()
	cfg.Addr, cfg.HTTPAddr = "127.0.0.1:0", ""
	clk := clock.NewFake(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))
	em, err := emulator.New(cfg, emulator.Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	if err := em.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = em.Close(context.Background()) })
	db, err := sql.Open("sqlserver", em.SADSN())
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return &fakeProduct{em: em, clk: clk, db: db}
}

func (p *fakeProduct) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := p.db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// settle moves the clock by d and waits until the master has told the
// catalog everything that fell due.
func (p *fakeProduct) settle(t *testing.T, d time.Duration) {
	t.Helper()
	p.clk.Advance(d)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.em.Master.Settle(ctx); err != nil {
		t.Fatal(err)
	}
}

type execState struct {
	status, executed int
	worker           string
}

func (p *fakeProduct) state(t *testing.T, id int64) execState {
	t.Helper()
	var s execState
	var w sql.NullString
	err := p.db.QueryRow(`SELECT status, executed_count, CONVERT(nvarchar(36), worker_agent_id)
		FROM catalog.executions WHERE execution_id = @p1`, id).Scan(&s.status, &s.executed, &w)
	if err != nil {
		t.Fatal(err)
	}
	s.worker = strings.ToLower(w.String)
	return s
}

// TestWorkerLossThroughControlProcedures: a package hangs on the demo
// worker; emulator.lose_worker kills that machine, the lease expires and
// the retry runs on the second worker; losing that one too leaves no
// attempts, and the execution ends 6 (ended unexpectedly).
func TestWorkerLossThroughControlProcedures(t *testing.T) {
	p := newFakeProduct(t)
	p.exec(t, `EXEC emulator.define_worker @worker_id = @p1, @enabled = 1`, workerB)
	p.exec(t, `EXEC emulator.set_package_rule @package = N'package1.dtsx', @outcome = N'hang'`)
	// Only the demo worker is online at first, so the first attempt runs there.
	p.exec(t, `EXEC emulator.set_worker_online @worker_id = @p1, @online = 0`, workerB)

	var id int64
	p.exec(t, `DECLARE @id bigint
EXEC SSISDB.catalog.create_execution @folder_name=N'folder1', @project_name=N'project1', @package_name=N'package1.dtsx',
     @runinscaleout=1, @useanyworker=1, @execution_id=@id OUTPUT
EXEC SSISDB.catalog.start_execution @id, @retry_count=1
SET @out = @id`, sql.Named("out", sql.Out{Dest: &id}))
	p.settle(t, 0)
	if s := p.state(t, id); s.status != 2 || s.executed != 1 || s.worker != emulator.DemoWorkerID {
		t.Fatalf("first attempt: %+v, want running on the demo worker", s)
	}

	p.exec(t, `EXEC emulator.set_worker_online @worker_id = @p1`, workerB)
	p.exec(t, `EXEC emulator.lose_worker @worker_id = @p1`, emulator.DemoWorkerID)
	p.settle(t, 0)
	if s := p.state(t, id); s.status != 2 || s.executed != 1 {
		t.Fatalf("before the lease expires the master still believes in the attempt: %+v", s)
	}
	p.settle(t, 6*time.Minute) // past the 5-minute lease
	if s := p.state(t, id); s.status != 2 || s.executed != 2 || s.worker != workerB {
		t.Fatalf("after the lease: %+v, want the retry running on %s", s, workerB)
	}

	p.exec(t, `EXEC emulator.lose_worker @worker_id = @p1`, workerB)
	p.settle(t, 6*time.Minute)
	if s := p.state(t, id); s.status != 6 || s.executed != 2 {
		t.Fatalf("after losing the second worker: %+v, want 6 with two attempts", s)
	}
}

// TestRegisterWorkerArrivesDisabled: a worker that registers itself is
// disabled until an admin enables it; its MaxTaskCount can be set; a
// password set through the control surface signs a login in; and the
// control procedures are for sysadmins only (229).
func TestRegisterWorkerArrivesDisabled(t *testing.T) {
	p := newFakeProduct(t)
	const w = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
	p.exec(t, `EXEC emulator.register_worker @worker_id = @p1, @machine_name = N'NEWBOX'`, w)
	var enabled bool
	var machine string
	if err := p.db.QueryRow(`SELECT IsEnabled, MachineName FROM SSISDB.catalog.worker_agents WHERE WorkerAgentId = @p1`, w).
		Scan(&enabled, &machine); err != nil {
		t.Fatal(err)
	}
	if enabled || machine != "NEWBOX" {
		t.Fatalf("registered worker: enabled=%v machine=%q, want disabled on NEWBOX", enabled, machine)
	}
	p.exec(t, `EXEC emulator.set_worker_max_task_count @worker_id = @p1, @max_task_count = 3`, w)
	if wk, ok := p.em.Master.Worker(mustUUID(t, w)); !ok || wk.MaxTaskCount != 3 {
		t.Fatalf("MaxTaskCount = %+v", wk)
	}
	_, err := p.db.Exec(`EXEC emulator.set_worker_max_task_count @worker_id = @p1, @max_task_count = 0`, w)
	assertMsg(t, err, 27101)

	p.exec(t, `CREATE LOGIN plain WITH PASSWORD = 'Old!Pass1'`)
	p.exec(t, `EXEC emulator.set_login_password @login_name = N'plain', @password = N'New!Pass2'`)
	plain, err := sql.Open("sqlserver", p.em.DSN("plain", "New!Pass2"))
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if err := plain.Ping(); err != nil {
		t.Fatalf("login with the new password: %v", err)
	}
	_, err = plain.Exec(`EXEC emulator.lose_worker @worker_id = @p1`, w)
	assertMsg(t, err, 229)
}

func assertMsg(t *testing.T, err error, number int32) {
	t.Helper()
	var me mssql.Error
	if err == nil {
		t.Fatalf("no error, want Msg %d", number)
	}
	if e, ok := err.(mssql.Error); ok {
		me = e
	}
	if me.Number != number {
		t.Fatalf("error %v, want Msg %d", err, number)
	}
}

func mustUUID(t *testing.T, s string) uuid.UUID {
	t.Helper()
	u, err := uuid.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
