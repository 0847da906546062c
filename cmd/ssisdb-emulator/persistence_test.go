package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/ispac"
)

// persistConfig: package1 runs take a moment and folder2's packages hang
// until stopped, on a demo worker with room for all of them, so a kill
// finds executions running and finished (and pending: kindPending).
const persistConfig = `
workers:
  - id: 64c020e2-f819-4c2d-a22f-efb31a91e70a
    max_task_count: 100000
packages:
  - folder: folder2
    outcome: hang
  - folder: folder1
    package: package1.dtsx
    duration: 30ms
`

// A workload kind of the persistence test: how an execution is created
// and started, and what its status must be after the restart once the
// start was acknowledged.
type persistKind int

const (
	kindScaleOut persistKind = iota // package1 on a worker, 30 ms: any final status
	kindHang                        // folder2: in flight at the kill, so 6
	kindSync                        // package1, SYNCHRONIZED: the status seen when start returned
	kindLocal                       // package1 run on the server (not Scale Out)
	kindPending                     // Scale Out restricted to no worker: pending at the kill, so 6
	nKinds
)

type persistRecord struct {
	kind    persistKind
	started bool  // start_execution returned success
	final   int64 // kindSync: the status read after start_execution returned
}

// TestPersistenceKillNine drives create/set/start load through go-mssqldb
// from several sessions against the binary with --data-dir, kills it with
// SIGKILL mid-load, restarts it on the same directory, and checks what
// survived: every execution id a client was given exists; every one whose
// start was acknowledged has a final status (7, 4, 3 or 6), with 6 for
// those that were still hanging and exactly the reported status for
// SYNCHRONIZED ones; what was deployed before the load is there; the
// restart logs the 27165 warnings; and the restarted server works.
func TestPersistenceKillNine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	work := t.TempDir()
	dataDir := filepath.Join(work, "data")
	cfgPath := filepath.Join(work, "emulator.yaml")
	if err := os.WriteFile(cfgPath, []byte(persistConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"--addr", "127.0.0.1:0", "--http-addr", "off", "--data-dir", dataDir, "--config", cfgPath}
	p := start(t, args...)
	db := ssisdbConn(t, p)
	ctx := context.Background()

	// A second emulator on the same directory is refused while the first
	// runs, naming the directory and the process that holds it.
	second := exec.Command(binary(t), "--addr", "127.0.0.1:0", "--http-addr", "off", "--data-dir", dataDir)
	out, err := second.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitConfig {
		t.Fatalf("a second emulator on the same data directory: %v, want exit code %d; output:\n%s", err, exitConfig, out)
	}
	if want := fmt.Sprintf("data_dir: data directory %s is in use by another running emulator (process %d)", dataDir, p.cmd.Process.Pid); !strings.Contains(string(out), want) {
		t.Errorf("second emulator says %q, want %q", out, want)
	}

	// Deployed before the load: a folder, a project, an environment.
	data, err := ispac.Build(catalog.DemoProject("kept_project", "kept.dtsx"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"EXEC catalog.create_folder @folder_name = N'kept_folder'", nil},
		{"DECLARE @op bigint; EXEC catalog.deploy_project @folder_name = N'kept_folder', @project_name = N'kept_project', @project_stream = @p1, @operation_id = @op OUTPUT", []any{data}},
		{"EXEC catalog.create_environment @folder_name = N'kept_folder', @environment_name = N'kept_env'", nil},
		{"EXEC catalog.create_environment_variable @folder_name = N'kept_folder', @environment_name = N'kept_env', @variable_name = N'Answer', @data_type = N'Int32', @sensitive = 0, @value = 42", nil},
	} {
		if _, err := db.ExecContext(ctx, q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}

	var (
		mu      sync.Mutex
		records = map[int64]*persistRecord{}
		started [nKinds]int
		enough  = make(chan struct{})
		once    sync.Once
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				kind := persistKind(i % int(nKinds))
				id, ok := createExecution(ctx, db, kind)
				if !ok {
					return // the server is gone
				}
				mu.Lock()
				records[id] = &persistRecord{kind: kind}
				mu.Unlock()
				final, ok := startExecution(ctx, db, id, kind)
				if !ok {
					return
				}
				mu.Lock()
				r := records[id]
				r.started, r.final = true, final
				started[kind]++
				if started[kindHang] >= 20 && started[kindSync] >= 20 && started[kindPending] >= 20 && started[kindScaleOut]+started[kindLocal] >= 100 {
					once.Do(func() { close(enough) })
				}
				mu.Unlock()
			}
		}()
	}
	select {
	case <-enough:
	case <-time.After(60 * time.Second):
		t.Fatal("the load did not get going")
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
	close(stop)
	wg.Wait()
	db.Close()

	p2 := start(t, args...)
	db2 := ssisdbConn(t, p2)
	mu.Lock()
	defer mu.Unlock()
	var hangStarted, checked int
	for id, r := range records {
		var status int64
		err := db2.QueryRowContext(ctx, "SELECT status FROM catalog.executions WHERE execution_id = @p1", id).Scan(&status)
		if err != nil {
			t.Errorf("execution %d (kind %d), handed to a client before the kill, is gone: %v", id, r.kind, err)
			continue
		}
		checked++
		if !r.started {
			// The start may or may not have been durable before the kill;
			// either way the execution exists and is not left running.
			if status != 1 && !finalStatus(status) {
				t.Errorf("execution %d (start not acknowledged) is %d after the restart", id, status)
			}
			continue
		}
		switch {
		case !finalStatus(status):
			t.Errorf("execution %d (kind %d, started) is %d after the restart, want a final status", id, r.kind, status)
		case r.kind == kindHang || r.kind == kindPending:
			hangStarted++
			if status != 6 {
				t.Errorf("execution %d (kind %d, in flight at the kill) is %d after the restart, want 6 (ended unexpectedly)", id, r.kind, status)
			}
		case r.kind == kindSync && status != r.final:
			t.Errorf("SYNCHRONIZED execution %d returned with status %d, but is %d after the restart", id, r.final, status)
		}
	}
	t.Logf("after the kill: %d executions checked, %d in flight (now 6), %d created but not acknowledged as started",
		checked, hangStarted, len(records)-started[kindScaleOut]-started[kindHang]-started[kindSync]-started[kindLocal]-started[kindPending])
	if checked < 150 || hangStarted < 40 {
		t.Fatalf("only %d executions checked, %d of them in flight: the test proved little", checked, hangStarted)
	}
	for _, q := range []struct {
		sql  string
		want int
	}{
		{"SELECT count(*) FROM catalog.folders WHERE name = N'kept_folder'", 1},
		{"SELECT count(*) FROM catalog.projects p JOIN catalog.folders f ON f.folder_id = p.folder_id WHERE f.name = N'kept_folder' AND p.name = N'kept_project'", 1},
		{"SELECT count(*) FROM catalog.packages WHERE name = N'kept.dtsx'", 1},
		{"SELECT count(*) FROM catalog.environment_variables WHERE name = N'Answer' AND CONVERT(int, value) = 42", 1},
		{"SELECT count(*) FROM catalog.projects WHERE name IN (N'project1', N'project2')", 2},  // the demo catalog, deployed once
		{"SELECT count(*) FROM catalog.operations WHERE operation_type = 101", 3},              // two demo deployments and ours
		{"SELECT count(*) FROM catalog.operations WHERE operation_type = 1 AND status = 7", 1}, // catalog.startup ran
	} {
		var n int
		if err := db2.QueryRowContext(ctx, q.sql).Scan(&n); err != nil {
			t.Errorf("%s: %v", q.sql, err)
		} else if n != q.want {
			t.Errorf("%s = %d after the restart, want %d", q.sql, n, q.want)
		}
	}
	// The restarted server works, and the catalog goes on from its ids.
	var maxID int64
	for id := range records {
		maxID = max(maxID, id)
	}
	id, ok := createExecution(ctx, db2, kindSync)
	if !ok || id <= maxID {
		t.Fatalf("create_execution after the restart: id %d (ok %v), last id before the kill %d", id, ok, maxID)
	}
	if final, ok := startExecution(ctx, db2, id, kindSync); !ok || final != 7 {
		t.Errorf("a SYNCHRONIZED run after the restart ends %d (ok %v), want 7", final, ok)
	}
	db2.Close()

	// The 27165 warnings are in the log as WARN lines, one per execution
	// ended (in-flight package1 runs add to them): read it after a clean
	// shutdown.
	if err := p2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-p2.done; err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
	warnings := 0
	for _, line := range strings.Split(p2.stderr.String(), "\n") {
		if strings.Contains(line, "level=WARN") && strings.Contains(line, "msg=27165") {
			warnings++
		}
	}
	if warnings < hangStarted {
		t.Errorf("%d 27165 WARN lines for at least %d executions in flight; log:\n%s", warnings, hangStarted, p2.stderr.String())
	}
}

func finalStatus(s int64) bool { return s == 3 || s == 4 || s == 6 || s == 7 || s == 9 }

func ssisdbConn(t *testing.T, p *process) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlserver", fmt.Sprintf("sqlserver://sa:%s@%s?database=SSISDB&encrypt=disable",
		"yourStrong%28%21%29Password", p.tdsAddr))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(16)
	t.Cleanup(func() { db.Close() })
	return db
}

// createExecution runs catalog.create_execution for a workload kind and
// returns the id the server handed out; ok is false once the server is gone.
func createExecution(ctx context.Context, db *sql.DB, kind persistKind) (id int64, ok bool) {
	folder, project, pkg, scaleOut, anyWorker := "folder1", "project1", "package1.dtsx", 1, 1
	switch kind {
	case kindHang:
		folder, project, pkg = "folder2", "project2", "package2.dtsx"
	case kindLocal:
		scaleOut = 0
	case kindPending:
		anyWorker = 0
	}
	err := db.QueryRowContext(ctx, `DECLARE @id bigint;
EXEC catalog.create_execution @folder_name = @p1, @project_name = @p2, @package_name = @p3,
	@use32bitruntime = 0, @runinscaleout = @p4, @useanyworker = @p5, @execution_id = @id OUTPUT;
SELECT @id;`, folder, project, pkg, scaleOut, anyWorker).Scan(&id)
	return id, err == nil
}

// startExecution sets the execution's parameters and starts it. For a
// SYNCHRONIZED run it returns the status the client reads once
// start_execution returned.
func startExecution(ctx context.Context, db *sql.DB, id int64, kind persistKind) (final int64, ok bool) {
	synchronized := 0
	if kind == kindSync {
		synchronized = 1
	}
	if _, err := db.ExecContext(ctx, `EXEC catalog.set_execution_parameter_value @execution_id = @p1, @object_type = 50,
	@parameter_name = N'SYNCHRONIZED', @parameter_value = @p2`, id, synchronized); err != nil {
		return 0, false
	}
	if _, err := db.ExecContext(ctx, "EXEC catalog.start_execution @execution_id = @p1", id); err != nil {
		return 0, false
	}
	if kind != kindSync {
		return 0, true
	}
	err := db.QueryRowContext(ctx, "SELECT status FROM catalog.executions WHERE execution_id = @p1", id).Scan(&final)
	return final, err == nil
}
