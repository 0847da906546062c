package catalog

import (
	"strings"
	"testing"
	"time"
)

func init() {
	referenceColumns["catalog.object_versions"] = "object_version_lsn bigint, object_id bigint, object_type smallint, object_name sysname, " +
		"description nvarchar(1024), created_by nvarchar(128), created_time datetimeoffset(7), restored_by nvarchar(128), " +
		"last_restored_time datetimeoffset(7)"
	referenceColumns["internal.object_versions"] = "object_version_lsn bigint, object_id bigint, object_type smallint, " +
		"description nvarchar(1024), created_by nvarchar(128), created_time datetimeoffset(7), restored_by nvarchar(128), " +
		"last_restored_time datetimeoffset(7), object_data varbinary(max), object_status char(1)"
}

func TestObjectVersions(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	pid := itoa(projectID(e, "project1"))
	got := e.query(admin, "catalog.object_versions")
	if len(got) != 1 || strings.Join(got[0][:4], ",") != "1,"+pid+",20,project1" || got[0][5] != lAdmin || got[0][7] != "NULL" {
		t.Fatalf("object_versions: %v", got)
	}
	// A redeploy replaces the version: the row follows object_version_lsn.
	e.clk.Advance(time.Minute)
	_, err := e.c.DeployProject(e.ctx, nil, e.as(lSSIS), s("folder1"), s("project1"), demoIspac(t))
	must(t, err)
	got = e.query(admin, "catalog.object_versions")
	if len(got) != 1 || got[0][0] != "2" || got[0][5] != lSSIS {
		t.Fatalf("after a redeploy: %v", got)
	}
	internal := e.query(admin, "internal.object_versions")
	if len(internal) != 1 || internal[0][0] != "2" || internal[0][9] != "C" || len(internal[0][8]) < 10 {
		t.Fatalf("internal.object_versions: %v", internal)
	}
	// Row-level security: READ on the project.
	if n := len(e.query(e.as(lNobody), "catalog.object_versions")); n != 0 {
		t.Fatalf("a caller without READ sees %d versions", n)
	}
	id := projectID(e, "project1")
	must(t, e.c.GrantPermission(e.ctx, nil, admin, i16(ObjProject), &id, i32(e.userID(lNobody)), i16(PermRead)))
	if n := len(e.query(e.as(lNobody), "catalog.object_versions")); n != 1 {
		t.Fatalf("a caller with READ sees %d versions", n)
	}
}
