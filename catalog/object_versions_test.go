package catalog

import (
	"strings"
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/ispac"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

func init() {
	referenceColumns["catalog.object_versions"] = "object_version_lsn bigint, object_id bigint, object_type smallint, object_name sysname, " +
		"description nvarchar(1024), created_by nvarchar(128), created_time datetimeoffset(7), restored_by nvarchar(128), " +
		"last_restored_time datetimeoffset(7)"
	referenceColumns["internal.object_versions"] = "object_version_lsn bigint, object_id bigint, object_type smallint, " +
		"description nvarchar(1024), created_by nvarchar(128), created_time datetimeoffset(7), restored_by nvarchar(128), " +
		"last_restored_time datetimeoffset(7), object_data varbinary(max), object_status char(1)"
}

// secondIspac is project1 with another package added, so that the two
// versions differ.
func secondIspac(t *testing.T) []byte {
	p := demoSpec()
	p.Packages = append(p.Packages, ispac.Package{Name: "extra.dtsx", EntryPoint: true})
	data, err := ispac.Build(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestObjectVersionsAndRestore(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	pid := projectID(e, "project1")
	_, err := e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(20), s("folder1"), s("project1"), s("Required"), sqltype.NewInt(5), nil, nil)
	must(t, err)
	e.clk.Advance(time.Minute)
	_, err = e.c.DeployProject(e.ctx, nil, e.as(lSSIS), s("folder1"), s("project1"), secondIspac(t))
	must(t, err)
	got := e.query(admin, "catalog.object_versions")
	if len(got) != 2 || strings.Join(got[0][:4], ",") != "1,"+itoa(pid)+",20,project1" || got[0][5] != lAdmin ||
		got[1][0] != "2" || got[1][5] != lSSIS || got[1][7] != "NULL" {
		t.Fatalf("object_versions: %v", got)
	}
	packages := func() int { return len(e.query(admin, "catalog.packages")) }
	if packages() != 3 {
		t.Fatalf("version 2 has %d packages", packages())
	}

	// Restore version 1: a type-106 operation, the packages and stream of
	// version 1, the server value kept, the restorer recorded.
	e.clk.Advance(time.Minute)
	op, err := e.c.RestoreProject(e.ctx, nil, admin, s("folder1"), s("project1"), i64(1))
	must(t, err)
	if e.status(op) != StatusSucceeded {
		t.Fatalf("restore operation status %d", e.status(op))
	}
	ops := e.query(admin, "catalog.operations")
	last := ops[len(ops)-1]
	if last[0] != itoa(op) || last[1] != "106" || last[4] != itoa(pid) || last[5] != "project1" {
		t.Fatalf("restore operation row %v", last)
	}
	if packages() != 2 {
		t.Fatalf("restored version has %d packages", packages())
	}
	if r := e.query(admin, "catalog.projects"); r[0][9] != "1" {
		t.Fatalf("object_version_lsn %s after the restore", r[0][9])
	}
	stream, err := e.c.GetProject(e.ctx, admin, s("folder1"), s("project1"))
	must(t, err)
	if string(stream) != string(demoIspac(t)) {
		t.Fatal("get_project does not return the restored version's .ispac")
	}
	got = e.query(admin, "catalog.object_versions")
	if got[0][7] != lAdmin || got[0][8] == "NULL" || got[1][7] != "NULL" {
		t.Fatalf("restored_by after the restore: %v", got)
	}
	if msgs := messagesOf(e, op); !strings.Contains(msgs, "restored to version 1") {
		t.Fatalf("restore messages:\n%s", msgs)
	}
	// The parameter value set before the redeploy survives both moves.
	for _, r := range e.query(admin, "catalog.object_parameters") {
		if r[4] == "Required" && (r[10] != "5" || r[12] != "1") {
			t.Fatalf("Required after the restore: %v", r)
		}
	}
	// An execution starts on the restored version.
	exec := e.mustCreate(false)
	must(t, e.c.StartExecution(e.ctx, nil, admin, &exec, nil))
}

func TestRestoreProjectErrors(t *testing.T) {
	admin := func(e *env) *Caller { return e.as(lAdmin) }
	cases := []struct {
		name   string
		call   func(e *env) (int64, error)
		num    int32
		state  uint8
		text   string
		thrown bool
		opLeft bool
	}{
		{"null lsn", func(e *env) (int64, error) {
			return e.c.RestoreProject(e.ctx, nil, admin(e), s("folder1"), s("project1"), nil)
		}, 27138, 6, "The input parameter cannot be null. Provide a valid value for the parameter.", false, false},
		{"sql login", func(e *env) (int64, error) {
			return e.c.RestoreProject(e.ctx, nil, e.as(lSA), nil, nil, nil)
		}, 27123, 2, "", false, false},
		{"no project", func(e *env) (int64, error) {
			return e.c.RestoreProject(e.ctx, nil, admin(e), s("folder1"), s("nope"), i64(1))
		}, 27109, 1, "Cannot find the project 'nope' because it does not exist or you do not have sufficient permissions.", true, true},
		{"no modify", func(e *env) (int64, error) {
			pid := projectID(e, "project1")
			must(e.t, e.c.GrantPermission(e.ctx, nil, admin(e), i16(ObjProject), &pid, i32(e.userID(lNobody)), i16(PermRead)))
			return e.c.RestoreProject(e.ctx, nil, e.as(lNobody), s("folder1"), s("project1"), i64(1))
		}, 27109, 1, "", true, true},
		{"no such version", func(e *env) (int64, error) {
			return e.c.RestoreProject(e.ctx, nil, admin(e), s("folder1"), s("project1"), i64(9))
		}, 27179, 1, "", true, true},
		{"current version", func(e *env) (int64, error) {
			return e.c.RestoreProject(e.ctx, nil, admin(e), s("folder1"), s("project1"), i64(2))
		}, 27155, 1, "", true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, true)
			e.demo()
			_, err := e.c.DeployProject(e.ctx, nil, e.as(lAdmin), s("folder1"), s("project1"), secondIspac(t))
			must(t, err)
			before := len(e.query(e.as(lAdmin), "catalog.operations"))
			id, err := c.call(e)
			wantErr(t, err, c.num, c.state, c.text)
			st, ok := ReturnStatus(err)
			if ok == c.thrown || ok && st != 1 {
				t.Errorf("return status = %d, %v; thrown = %v", st, ok, c.thrown)
			}
			n := len(e.query(e.as(lAdmin), "catalog.operations"))
			if c.opLeft != (n == before+1) || c.opLeft && e.status(id) != StatusFailed {
				t.Fatalf("operations %d -> %d, id %d", before, n, id)
			}
			if r := e.query(e.as(lAdmin), "catalog.projects"); r[0][9] != "2" {
				t.Fatalf("a failed restore changed the version to %s", r[0][9])
			}
		})
	}
}

func TestProjectVersionsAreCapped(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	must(t, e.c.ConfigureCatalog(e.ctx, nil, admin, s("MAX_PROJECT_VERSIONS"), s("3")))
	for range 4 {
		_, err := e.c.DeployProject(e.ctx, nil, admin, s("folder1"), s("project1"), demoIspac(t))
		must(t, err)
	}
	var lsns []string
	for _, r := range e.query(admin, "catalog.object_versions") {
		lsns = append(lsns, r[0])
	}
	if strings.Join(lsns, ",") != "3,4,5" {
		t.Fatalf("kept versions %v, want the newest 3", lsns)
	}
	// Without cleanup every version stays.
	must(t, e.c.ConfigureCatalog(e.ctx, nil, admin, s("VERSION_CLEANUP_ENABLED"), s("FALSE")))
	for range 2 {
		_, err := e.c.DeployProject(e.ctx, nil, admin, s("folder1"), s("project1"), demoIspac(t))
		must(t, err)
	}
	if n := len(e.query(admin, "catalog.object_versions")); n != 5 {
		t.Fatalf("%d versions kept without cleanup, want 5", n)
	}
	// Rolled back, a deploy leaves the list as it was.
	tx := e.c.Begin()
	_, err := e.c.DeployProject(e.ctx, tx, admin, s("folder1"), s("project1"), demoIspac(t))
	must(t, err)
	tx.Rollback()
	if n := len(e.query(admin, "catalog.object_versions")); n != 5 {
		t.Fatalf("%d versions after a rolled-back deploy", n)
	}
}

// TestVersionsOfAnOlderDataFile: a project loaded without a version list
// (a data file written before versions were kept) shows its current
// version, keeps it when redeployed, and can go back to it.
func TestVersionsOfAnOlderDataFile(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	e.c.mu.Lock()
	for _, p := range e.c.st.Projects {
		p.Versions = nil
	}
	e.c.mu.Unlock()
	if got := e.query(admin, "catalog.object_versions"); len(got) != 1 || got[0][0] != "1" || got[0][5] != lAdmin {
		t.Fatalf("versions of a project without a list: %v", got)
	}
	_, err := e.c.DeployProject(e.ctx, nil, admin, s("folder1"), s("project1"), secondIspac(t))
	must(t, err)
	if n := len(e.query(admin, "catalog.object_versions")); n != 2 {
		t.Fatalf("%d versions after a redeploy", n)
	}
	_, err = e.c.RestoreProject(e.ctx, nil, admin, s("folder1"), s("project1"), i64(1))
	must(t, err)
	stream, err := e.c.GetProject(e.ctx, admin, s("folder1"), s("project1"))
	must(t, err)
	if string(stream) != string(demoIspac(t)) {
		t.Fatal("the first version's .ispac was not kept")
	}
}
