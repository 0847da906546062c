package catalog

import (
	"context"
	"slices"
	"testing"
	"time"
)

// versionLSNs lists the project's kept versions' LSNs, oldest first.
func (e *env) versionLSNs(project string) []int64 {
	e.c.mu.RLock()
	defer e.c.mu.RUnlock()
	for _, p := range e.c.st.Projects {
		if p.Name == project {
			var out []int64
			for _, v := range p.versions() {
				out = append(out, v.LSN)
			}
			return out
		}
	}
	e.t.Fatalf("no project %s", project)
	return nil
}

// deployTimes deploys project1 n more times, a minute apart.
func (e *env) deployTimes(n int) {
	e.t.Helper()
	for range n {
		e.clk.Advance(time.Minute)
		_, err := e.c.DeployProject(e.ctx, nil, e.as(lAdmin), s("folder1"), s("project1"), demoIspac(e.t))
		must(e.t, err)
	}
}

// TestVersionCleanup: the job's second step trims each project to the
// newest MAX_PROJECT_VERSIONS by last activity, which a deploy alone
// already does, so it matters after MAX_PROJECT_VERSIONS is lowered or a
// restore made an old version the newest.
func TestVersionCleanup(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	e.deployTimes(4)
	all := e.versionLSNs("project1")
	if len(all) != 5 {
		t.Fatalf("setup: versions %v", all)
	}
	admin := e.as(lAdmin)

	// Nothing to do while the deploys kept within the limit.
	res, err := e.c.CleanupServerProjectVersion(e.ctx, nil, admin)
	must(t, err)
	if res.Removed != 0 || res.OperationID == 0 {
		t.Fatalf("within the limit: %+v", res)
	}

	// A restore makes the oldest version the most recently active.
	e.clk.Advance(time.Minute)
	_, err = e.c.RestoreProject(e.ctx, nil, admin, s("folder1"), s("project1"), &all[0])
	must(t, err)
	e.configure("MAX_PROJECT_VERSIONS", "2")
	if got := e.versionLSNs("project1"); len(got) != 5 {
		t.Fatalf("configure_catalog trimmed at once: %v", got)
	}
	res, err = e.c.CleanupServerProjectVersion(e.ctx, nil, admin)
	must(t, err)
	if want := []int64{all[0], all[4]}; !slices.Equal(e.versionLSNs("project1"), want) {
		t.Errorf("kept %v, want %v (the restored one and the newest deploy)", e.versionLSNs("project1"), want)
	}
	if res.Removed != 3 || res.Projects != 1 {
		t.Errorf("result %+v, want 3 versions of 1 project", res)
	}
	if n := len(e.query(admin, "catalog.object_versions")); n != 2 {
		t.Errorf("catalog.object_versions has %d rows, want 2", n)
	}
	e.c.mu.RLock()
	op := e.c.st.Operations[res.OperationID]
	e.c.mu.RUnlock()
	if op.Type != 2 || op.Status != StatusSucceeded || op.ObjectType != 0 || op.ObjectID != nil || op.CallerName != lAdmin {
		t.Errorf("the cleanup's operation %+v", op)
	}
}

// TestVersionCleanupSettings: disabled, a bad MAX_PROJECT_VERSIONS, the
// permission, and a rollback.
func TestVersionCleanupSettings(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	e.deployTimes(3)
	e.configure("MAX_PROJECT_VERSIONS", "1")
	admin := e.as(lAdmin)

	e.configure("VERSION_CLEANUP_ENABLED", "FALSE")
	ops := len(e.opIDs("catalog.operations"))
	res, err := e.c.CleanupServerProjectVersion(e.ctx, nil, admin)
	must(t, err)
	if res.OperationID != 0 || len(e.versionLSNs("project1")) != 4 || len(e.opIDs("catalog.operations")) != ops {
		t.Errorf("disabled: %+v, versions %v", res, e.versionLSNs("project1"))
	}
	e.configure("VERSION_CLEANUP_ENABLED", "TRUE")

	for _, v := range []string{"0", "10000", "x"} {
		e.setProperty("MAX_PROJECT_VERSIONS", v)
		_, err = e.c.CleanupServerProjectVersion(e.ctx, nil, admin)
		wantErr(t, err, 27163, 1, fill(messages[27163].text, []any{"MAX_PROJECT_VERSIONS"}))
	}
	e.setProperty("MAX_PROJECT_VERSIONS", "1")

	_, err = e.c.CleanupServerProjectVersion(e.ctx, nil, e.as(lSSIS))
	wantErr(t, err, 229, 5, "The EXECUTE permission was denied on the object 'cleanup_server_project_version', database 'SSISDB', schema 'internal'.")

	before := e.versionLSNs("project1")
	tx := e.c.Begin()
	res, err = e.c.CleanupServerProjectVersion(e.ctx, tx, admin)
	must(t, err)
	if res.Removed != 3 || len(e.versionLSNs("project1")) != 1 {
		t.Fatalf("inside the transaction: %+v, %v", res, e.versionLSNs("project1"))
	}
	tx.Rollback()
	if got := e.versionLSNs("project1"); !slices.Equal(got, before) {
		t.Errorf("after rollback %v, want %v", got, before)
	}
}

// TestMaintenanceJobVersions: the daily job runs the version step after
// the retention step, and not when the retention step fails.
func TestMaintenanceJobVersions(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	e.deployTimes(2)
	e.configure("MAX_PROJECT_VERSIONS", "1")
	j := e.c.StartMaintenanceJob(context.Background())
	defer j.Stop()

	e.setProperty("RETENTION_WINDOW", "0") // the retention step fails
	e.clk.Advance(day)
	n, last, err := j.Runs()
	wantErr(t, err, 27163, 1, "")
	if n != 1 || last.Versions.OperationID != 0 || len(e.versionLSNs("project1")) != 3 {
		t.Fatalf("after a failed first step: %d runs, %+v, versions %v", n, last, e.versionLSNs("project1"))
	}

	e.setProperty("RETENTION_WINDOW", "365")
	e.clk.Advance(day)
	n, last, err = j.Runs()
	must(t, err)
	if n != 2 || last.Retention.OperationID == 0 || last.Versions.Removed != 2 || len(e.versionLSNs("project1")) != 1 {
		t.Fatalf("second run: %d runs, %+v, versions %v", n, last, e.versionLSNs("project1"))
	}
	e.c.mu.RLock()
	op := e.c.st.Operations[last.Versions.OperationID]
	e.c.mu.RUnlock()
	if op.CallerName != CleanupJobLogin || op.Type != 2 {
		t.Errorf("the job's version operation %+v", op)
	}
}
