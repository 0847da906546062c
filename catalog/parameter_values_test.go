package catalog

import (
	"strings"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

func paramRows(t *testing.T, rs []rows.Row) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range rs {
		if len(r) != len(ParameterValueColumns) {
			t.Fatalf("row of %d values", len(r))
		}
		out[valueText(r[3])] = strings.Join(rowText(r)[4:], ",")
	}
	return out
}

func TestGetParameterValues(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	_, err := e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(20), s("folder1"), s("project1"), s("Required"), sqltype.NewInt(5), nil, nil)
	must(t, err)
	_, err = e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(20), s("folder1"), s("project1"), s("Environment"), sqltype.NewNVarChar("stage"), nil, s("R"))
	must(t, err)

	// Without a reference: literal values, the bound one NULL.
	rs, warnings, err := e.c.GetParameterValues(e.ctx, admin, s("folder1"), s("project1"), s("package1.dtsx"), nil)
	must(t, err)
	got := paramRows(t, rs)
	if got["Required"] != "5,0,1,1" || got["Environment"] != "NULL,0,0,1" || got["Secret"] != "NULL,1,0,0" || len(warnings) != 0 {
		t.Fatalf("values without a reference: %v %v", got, warnings)
	}
	if len(rs) != len(e.query(admin, "catalog.object_parameters"))-childParams(e) {
		t.Fatalf("%d rows for package1.dtsx", len(rs))
	}

	// With a reference whose environment provides the variable.
	must(t, e.c.CreateEnvironment(e.ctx, nil, admin, s("folder1"), s("env"), nil))
	must(t, e.c.CreateEnvironmentVariable(e.ctx, nil, admin, s("folder1"), s("env"), s("stage"), s("String"), b(false), sqltype.NewNVarChar("test"), nil))
	ref, err := e.c.CreateEnvironmentReference(e.ctx, nil, admin, s("folder1"), s("project1"), s("env"), s("R"), nil)
	must(t, err)
	rs, _, err = e.c.GetParameterValues(e.ctx, admin, s("folder1"), s("project1"), s("package1.dtsx"), &ref)
	must(t, err)
	if got := paramRows(t, rs); got["Environment"] != "test,0,0,1" {
		t.Fatalf("bound value: %v", got)
	}
	// A variable of another type: the parameter first, NULL, and a 27148.
	must(t, e.c.DeleteEnvironmentVariable(e.ctx, nil, admin, s("folder1"), s("env"), s("stage")))
	must(t, e.c.CreateEnvironmentVariable(e.ctx, nil, admin, s("folder1"), s("env"), s("stage"), s("Int32"), b(false), sqltype.NewInt(1), nil))
	rs, warnings, err = e.c.GetParameterValues(e.ctx, admin, s("folder1"), s("project1"), s("package1.dtsx"), &ref)
	must(t, err)
	if valueText(rs[0][3]) != "Environment" || !rs[0][4].IsNull() || len(warnings) != 1 || warnings[0].Number != 27148 || warnings[0].Severity != 10 {
		t.Fatalf("type mismatch: first row %v, warnings %v", rowText(rs[0]), warnings)
	}

	// Errors, in the procedure's order.
	_, _, err = e.c.GetParameterValues(e.ctx, admin, s("folder1"), nil, s("package1.dtsx"), nil)
	wantErr(t, err, 27138, 1, "")
	_, _, err = e.c.GetParameterValues(e.ctx, admin, s("folder1"), s("project1"), s("nope.dtsx"), nil)
	wantErr(t, err, 27146, 1, "")
	_, _, err = e.c.GetParameterValues(e.ctx, e.as(lNobody), s("folder1"), s("project1"), s("package1.dtsx"), nil)
	wantErr(t, err, 27146, 1, "")
	_, _, err = e.c.GetParameterValues(e.ctx, admin, s("folder1"), s("project1"), s("package1.dtsx"), i64(99))
	wantErr(t, err, 27208, 1, "The environment reference '99' is not associated with the project.")
	must(t, e.c.DeleteEnvironment(e.ctx, nil, admin, s("folder1"), s("env")))
	_, _, err = e.c.GetParameterValues(e.ctx, admin, s("folder1"), s("project1"), s("package1.dtsx"), &ref)
	wantErr(t, err, 27182, 1, "The environment 'env' does not exist or you have not been granted the appropriate permissions to access it.")
}

// childParams counts the parameters of child.dtsx, which a call for
// package1.dtsx leaves out.
func childParams(e *env) int {
	n := 0
	for _, r := range e.query(e.as(lAdmin), "catalog.object_parameters") {
		if r[2] == "30" && r[3] != "package1.dtsx" {
			n++
		}
	}
	return n
}
