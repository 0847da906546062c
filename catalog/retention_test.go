package catalog

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

const day = 24 * time.Hour

// opIDs lists the ids of the rows of a view's first column (operation_id
// or execution_id), as an administrator sees them.
func (e *env) opIDs(view string) []int64 {
	var ids []int64
	for _, r := range e.query(e.as(lAdmin), view) {
		id, err := strconv.ParseInt(r[0], 10, 64)
		if err != nil {
			e.t.Fatalf("%s: %v", view, err)
		}
		ids = append(ids, id)
	}
	return ids
}

// idsOf lists an id column of a view, deduplicated, in order.
func (e *env) idsOf(view, col string) []int64 {
	c := column(e.t, e.c, view, col)
	var ids []int64
	for _, r := range e.query(e.as(lAdmin), view) {
		id, _ := strconv.ParseInt(r[c], 10, 64)
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// finish runs an execution to success now, with one message.
func (e *env) finish(id int64) {
	e.t.Helper()
	must(e.t, e.c.StartExecution(e.ctx, nil, e.as(lAdmin), &id, nil))
	e.c.AttemptStarted(id, nil, 1, e.clk.Now())
	e.c.Messages(id, []scaleout.EventMessage{{Time: e.clk.Now(), MessageType: 70, MessageSourceType: 30, Message: "hello",
		PackageName: "package1.dtsx", EventName: "OnInformation", SourceName: "package1"}})
	e.c.Finished(id, scaleout.StatusSucceeded, 0, e.clk.Now())
	if st := e.status(id); st != StatusSucceeded {
		e.t.Fatalf("execution %d: status %d", id, st)
	}
}

// runnableDemo is demo with the required parameter set, so that its
// executions start.
func (e *env) runnableDemo() {
	e.t.Helper()
	e.demo()
	_, err := e.c.SetObjectParameterValue(e.ctx, nil, e.as(lAdmin), i16(20), s("folder1"), s("project1"), s("Required"),
		sqltype.NewInt(5), nil, nil)
	must(e.t, err)
}

func (e *env) configure(name, value string) {
	e.t.Helper()
	must(e.t, e.c.ConfigureCatalog(e.ctx, nil, e.as(lAdmin), s(name), s(value)))
}

// TestExpired is the real procedure's WHERE clause: ended at or before
// the cutoff, or never ended, still created and created by then.
func TestExpired(t *testing.T) {
	cut := t0
	for _, tc := range []struct {
		name string
		op   Operation
		want bool
	}{
		{"ended before", Operation{Status: StatusSucceeded, Created: cut.Add(-2 * day), End: cut.Add(-time.Second)}, true},
		{"ended at the cutoff", Operation{Status: StatusFailed, Created: cut.Add(-2 * day), End: cut}, true},
		{"ended after", Operation{Status: StatusSucceeded, Created: cut.Add(-2 * day), End: cut.Add(time.Second)}, false},
		{"created, old", Operation{Status: StatusCreated, Created: cut.Add(-day)}, true},
		{"created at the cutoff", Operation{Status: StatusCreated, Created: cut}, true},
		{"created, recent", Operation{Status: StatusCreated, Created: cut.Add(time.Second)}, false},
		{"running, old", Operation{Status: StatusRunning, Created: cut.Add(-day)}, false},
		{"pending, old", Operation{Status: StatusPending, Created: cut.Add(-day)}, false},
		{"stopping, old", Operation{Status: StatusStopping, Created: cut.Add(-day)}, false},
	} {
		if got := expired(&tc.op, cut); got != tc.want {
			t.Errorf("%s: expired %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestRetentionCleanup follows executions of every kind through a cleanup
// with a window set by configure_catalog.
func TestRetentionCleanup(t *testing.T) {
	e := newEnv(t, false)
	e.runnableDemo() // the deploy operation, ended at t0
	admin := e.as(lAdmin)
	w := e.addWorker()

	oldDone := e.mustCreate(false)
	e.finish(oldDone)
	oldCreated := e.mustCreate(false)
	oldCreatedScaleOut := e.mustCreate(true)
	must(t, e.c.AddExecutionWorker(e.ctx, nil, admin, &oldCreatedScaleOut, &w))
	oldPending := e.mustCreate(false)
	must(t, e.c.StartExecution(e.ctx, nil, admin, &oldPending, nil))
	oldRunning := e.mustCreate(true)
	must(t, e.c.AddExecutionWorker(e.ctx, nil, admin, &oldRunning, &w))
	must(t, e.c.StartExecution(e.ctx, nil, admin, &oldRunning, nil))
	e.c.AttemptStarted(oldRunning, nil, 1, e.clk.Now())

	e.clk.Advance(25 * day)
	e.configure("RETENTION_WINDOW", "30")
	ops := e.opIDs("catalog.operations")
	configured := ops[len(ops)-1]
	e.clk.Advance(6 * day) // 31 days after t0
	recentDone := e.mustCreate(false)
	e.finish(recentDone)
	recentCreated := e.mustCreate(false)

	if got := e.idsOf("catalog.operation_messages", "operation_id"); !slices.Contains(got, oldDone) {
		t.Fatalf("setup: no message for %d in %v", oldDone, got)
	}
	jobsBefore := len(e.c.master.Jobs())

	res, err := e.c.CleanupServerRetentionWindow(e.ctx, nil, admin)
	must(t, err)
	if want := e.clk.Now().AddDate(0, 0, -30); !res.Cutoff.Equal(want) {
		t.Errorf("cutoff %v, want %v", res.Cutoff, want)
	}
	// The deploy (type 101), ended at t0, goes too; configure_catalog's
	// is 6 days old and stays.
	wantExecs := []int64{oldPending, oldRunning, recentDone, recentCreated}
	if got := e.opIDs("catalog.executions"); !slices.Equal(got, wantExecs) {
		t.Errorf("catalog.executions %v, want %v", got, wantExecs)
	}
	wantOps := []int64{oldPending, oldRunning, configured, recentDone, recentCreated, res.OperationID}
	if got := e.opIDs("catalog.operations"); !slices.Equal(got, wantOps) {
		t.Errorf("catalog.operations %v, want %v", got, wantOps)
	}
	if res.Removed != 4 || res.Executions != 3 {
		t.Errorf("removed %d operations, %d executions; want 4 and 3", res.Removed, res.Executions)
	}
	for _, view := range []string{"catalog.operation_messages", "catalog.event_messages"} {
		if got := e.idsOf(view, "operation_id"); slices.Contains(got, oldDone) || !slices.Contains(got, recentDone) {
			t.Errorf("%s: operations %v after the cleanup", view, got)
		}
	}
	for _, gone := range []int64{oldDone, oldCreated, oldCreatedScaleOut} {
		if got := e.idsOf("catalog.execution_parameter_values", "execution_id"); slices.Contains(got, gone) {
			t.Errorf("execution_parameter_values still has execution %d", gone)
		}
		e.c.mu.RLock()
		_, perm := e.c.st.Permissions[PermKey{ObjOperation, gone}]
		e.c.mu.RUnlock()
		if perm {
			t.Errorf("the permissions of operation %d are left", gone)
		}
	}
	if got := e.idsOf("catalog.execution_parameter_values", "execution_id"); !slices.Equal(got, wantExecs) {
		t.Errorf("execution_parameter_values for %v, want %v", got, wantExecs)
	}
	// The created Scale Out execution's job goes with it; the running one's stays.
	jobs := e.c.master.Jobs()
	if len(jobs) != jobsBefore-1 || slices.ContainsFunc(jobs, func(j scaleout.Job) bool { return j.ExecutionID == oldCreatedScaleOut }) {
		t.Errorf("jobs after the cleanup: %+v (%d before)", jobs, jobsBefore)
	}
	if got, want := e.c.ExecutionCounts(), counts(1, 1, 2, 1, 5, 1, 7, 1); got != want {
		t.Errorf("execution counts %v, want %v", got, want)
	}
	if got := scannedCounts(t, e); got != e.c.ExecutionCounts() {
		t.Errorf("scanned counts %v, kept %v", got, e.c.ExecutionCounts())
	}

	// The cleanup's own operation: type 2, no object, the caller, ended 7,
	// no messages (the real procedure logs none).
	e.c.mu.RLock()
	op := e.c.st.Operations[res.OperationID]
	e.c.mu.RUnlock()
	if op.Type != OpCleanupRetention || op.ObjectType != 0 || op.ObjectID != nil || op.ObjectName != nil ||
		op.Status != StatusSucceeded || op.CallerName != lAdmin || !op.Start.Equal(e.clk.Now()) || !op.End.Equal(e.clk.Now()) ||
		len(op.Messages) != 0 {
		t.Errorf("cleanup operation %+v", op)
	}

	// A second run a day later finds nothing new to remove but configure's.
	e.clk.Advance(25 * day)
	res2, err := e.c.CleanupServerRetentionWindow(e.ctx, nil, admin)
	must(t, err)
	if res2.Removed != 1 {
		t.Errorf("second cleanup removed %d, want 1 (configure_catalog's)", res2.Removed)
	}
}

// TestRetentionSettings: the enabled flag and the window as
// configure_catalog leaves them, and the values the procedure refuses
// before it logs anything.
func TestRetentionSettings(t *testing.T) {
	for _, tc := range []struct {
		name    string
		props   map[string]string
		removed int
		logged  bool
		err     int32
		arg     string
	}{
		{"default window keeps a 40-day-old operation", nil, 0, true, 0, ""},
		{"window of 30 days", map[string]string{"RETENTION_WINDOW": "30"}, 1, true, 0, ""},
		{"cleanup disabled", map[string]string{"RETENTION_WINDOW": "30", "OPERATION_CLEANUP_ENABLED": "FALSE"}, 0, false, 0, ""},
		{"window 0", map[string]string{"RETENTION_WINDOW": "0"}, 0, false, 27163, "RETENTION_WINDOW"},
		{"window -1", map[string]string{"RETENTION_WINDOW": "-1"}, 0, false, 27163, "RETENTION_WINDOW"},
		{"encryption level 3", map[string]string{"RETENTION_WINDOW": "30", "SERVER_OPERATION_ENCRYPTION_LEVEL": "3"}, 0, false, 27163, "SERVER_OPERATION_ENCRYPTION_LEVEL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, false)
			e.demo()
			e.clk.Advance(40 * day)
			for k, v := range tc.props {
				switch k {
				case "RETENTION_WINDOW", "OPERATION_CLEANUP_ENABLED":
					if n, err := strconv.Atoi(v); err == nil && n < 1 {
						e.setProperty(k, v) // configure_catalog refuses it; an older catalog may hold it
					} else {
						e.configure(k, v)
					}
				default:
					e.setProperty(k, v)
				}
			}
			before := len(e.opIDs("catalog.operations"))
			res, err := e.c.CleanupServerRetentionWindow(e.ctx, nil, e.as(lSA))
			after := len(e.opIDs("catalog.operations"))
			if tc.err != 0 {
				wantErr(t, err, tc.err, 1, fill(messages[tc.err].text, []any{tc.arg}))
			} else {
				must(t, err)
			}
			if res.Removed != tc.removed || (res.OperationID != 0) != tc.logged {
				t.Errorf("removed %d, operation %d; want %d, logged %v", res.Removed, res.OperationID, tc.removed, tc.logged)
			}
			want := before - tc.removed
			if tc.logged {
				want++
			}
			if after != want {
				t.Errorf("%d operations after, want %d", after, want)
			}
		})
	}
}

func (e *env) setProperty(name, value string) {
	e.c.mu.Lock()
	e.c.st.CatalogProperties[name] = value
	e.c.mu.Unlock()
}

// TestRetentionPermission: EXECUTE is granted to the cleanup job's user
// only, so of the cast only sysadmins may call it.
func TestRetentionPermission(t *testing.T) {
	e := newEnv(t, false)
	for _, tc := range []struct {
		login string
		err   int32
	}{
		{lSA, 0}, {lAdmin, 0},
		{lSSIS, 229}, {lSQLAdmin, 229}, {lExecutor, 229}, {lReader, 229}, {lNobody, 229},
		{lOutsider, 916},
	} {
		_, err := e.c.CleanupServerRetentionWindow(e.ctx, nil, e.as(tc.login))
		switch tc.err {
		case 0:
			must(t, err)
		case 229:
			wantErr(t, err, 229, 5, "The EXECUTE permission was denied on the object 'cleanup_server_retention_window', database 'SSISDB', schema 'internal'.")
		default:
			wantErr(t, err, tc.err, 1, "")
		}
	}
}

// TestRetentionRollback: a cleanup inside a transaction that rolls back
// leaves every operation, with its permissions, where it was (newEnv's
// cleanup checks the indexes).
func TestRetentionRollback(t *testing.T) {
	e := newEnv(t, false)
	e.runnableDemo()
	id := e.mustCreate(false)
	e.finish(id)
	e.clk.Advance(400 * day)
	beforeOps := e.opIDs("catalog.operations")
	beforeMsgs := e.query(e.as(lAdmin), "catalog.operation_messages")
	tx := e.c.Begin()
	res, err := e.c.CleanupServerRetentionWindow(e.ctx, tx, e.as(lAdmin))
	must(t, err)
	if res.Removed != 2 || len(e.opIDs("catalog.executions")) != 0 {
		t.Fatalf("inside the transaction: removed %d, executions %v", res.Removed, e.opIDs("catalog.executions"))
	}
	tx.Rollback()
	if got := e.opIDs("catalog.operations"); !slices.Equal(got, beforeOps) {
		t.Errorf("operations after rollback %v, want %v", got, beforeOps)
	}
	if got := e.query(e.as(lAdmin), "catalog.operation_messages"); len(got) != len(beforeMsgs) {
		t.Errorf("%d messages after rollback, want %d", len(got), len(beforeMsgs))
	}
	e.c.mu.RLock()
	_, perm := e.c.st.Permissions[PermKey{ObjOperation, id}]
	e.c.mu.RUnlock()
	if !perm {
		t.Error("the execution's permissions did not come back")
	}
	if got := e.c.ExecutionCounts(); got != counts(7, 1) {
		t.Errorf("counts after rollback %v", got)
	}
}

// TestMaintenanceJobSchedule: the job fires at every midnight of the
// clock's zone, once a day, does nothing while cleanup is disabled, and
// stops.
func TestMaintenanceJobSchedule(t *testing.T) {
	e := newEnv(t, false)
	e.runnableDemo()
	id := e.mustCreate(false)
	e.finish(id)
	e.configure("RETENTION_WINDOW", "1")
	e.configure("VERSION_CLEANUP_ENABLED", "FALSE") // its type-2 operations are TestMaintenanceJobVersions'
	j := e.c.StartMaintenanceJob(context.Background())
	midnight := time.Date(2017, 10, 3, 0, 0, 0, 0, t0.Location())
	cleanups := func() int {
		n := 0
		e.c.mu.RLock()
		defer e.c.mu.RUnlock()
		for _, op := range e.c.st.Operations {
			if op.Type == OpCleanupRetention {
				n++
				if op.CallerName != CleanupJobLogin || op.Status != StatusSucceeded {
					t.Errorf("job operation %+v", op)
				}
			}
		}
		return n
	}
	e.clk.Set(midnight.Add(-time.Nanosecond))
	if n, _, _ := j.Runs(); n != 0 || cleanups() != 0 {
		t.Fatalf("before midnight: %d runs, %d cleanups", n, cleanups())
	}
	e.clk.Set(midnight)
	n, last, err := j.Runs()
	must(t, err)
	// Only 15 hours old: a 1-day window keeps everything.
	if n != 1 || cleanups() != 1 || last.Retention.Removed != 0 {
		t.Fatalf("at midnight: %d runs, %d cleanups, %+v", n, cleanups(), last)
	}
	e.clk.Advance(day - time.Second)
	if n, _, _ := j.Runs(); n != 1 {
		t.Fatalf("a day less a second later: %d runs", n)
	}
	e.clk.Advance(time.Second)
	n, last, _ = j.Runs()
	// A day on, the execution, the deploy, both configure_catalog calls and
	// the first run's own operation (ended exactly at the cutoff) have all
	// aged out.
	if n != 2 || cleanups() != 1 || last.Retention.Removed != 5 || last.Retention.Executions != 1 || len(e.opIDs("catalog.executions")) != 0 {
		t.Fatalf("the second midnight: %d runs, %d cleanups, %+v, executions %v", n, cleanups(), last, e.opIDs("catalog.executions"))
	}

	e.configure("OPERATION_CLEANUP_ENABLED", "FALSE")
	e.clk.Advance(3 * day)
	n, last, _ = j.Runs()
	if n != 5 || cleanups() != 1 || last.Retention.OperationID != 0 {
		t.Fatalf("disabled: %d runs, %d cleanups, %+v", n, cleanups(), last)
	}
	if len(e.opIDs("catalog.operations")) == 0 {
		t.Fatal("disabled cleanup removed operations")
	}
	e.configure("OPERATION_CLEANUP_ENABLED", "TRUE")
	e.clk.Advance(day)
	// The day's run removes the older cleanup and both configure_catalog
	// operations (the last ended exactly a day before), and logs its own.
	if n, last, _ := j.Runs(); n != 6 || cleanups() != 1 || last.Retention.Removed != 3 {
		t.Fatalf("enabled again: %d runs, %d cleanups, %+v", n, cleanups(), last)
	}

	j.Stop()
	pending := e.clk.Pending()
	e.clk.Advance(3 * day)
	if n, _, _ := j.Runs(); n != 6 {
		t.Fatalf("after Stop: %d runs", n)
	}
	if e.clk.Pending() > pending {
		t.Fatalf("after Stop the job rescheduled itself")
	}
}

// TestMaintenanceJobStopsWithContext: ending the context ends the schedule.
func TestMaintenanceJobStopsWithContext(t *testing.T) {
	e := newEnv(t, false)
	ctx, cancel := context.WithCancel(context.Background())
	before := e.clk.Pending()
	j := e.c.StartMaintenanceJob(ctx)
	if e.clk.Pending() != before+1 {
		t.Fatalf("%d timers pending, want %d", e.clk.Pending(), before+1)
	}
	cancel()
	j.Stop() // idempotent; AfterFunc may not have run yet
	e.clk.Advance(2 * day)
	if n, _, _ := j.Runs(); n != 0 {
		t.Fatalf("%d runs after the context ended", n)
	}
}
