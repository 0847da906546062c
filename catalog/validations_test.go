package catalog

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

func init() {
	referenceColumns["catalog.validations"] = "validation_id bigint, environment_scope char(1), validate_type char(1), " +
		"folder_name sysname, project_name sysname, project_lsn bigint, use32bitruntime bit, reference_id bigint, " +
		"operation_type smallint, object_name nvarchar(260), object_type smallint, object_id bigint, " +
		"start_time datetimeoffset(7), end_time datetimeoffset(7), status int, caller_sid varbinary(85), caller_name sysname, " +
		"process_id int, stopped_by_sid varbinary(85), stopped_by_name nvarchar(128), dump_id uniqueidentifier, " +
		"server_name nvarchar(128), machine_name nvarchar(128)"
	referenceColumns["internal.validations"] = "validation_id bigint, environment_scope char(1), validate_type char(1), " +
		"folder_name sysname, project_name sysname, project_lsn bigint, use32bitruntime bit, reference_id bigint"
	referenceColumns["internal.extended_operation_info"] = "info_id bigint, operation_id bigint, object_name nvarchar(260), " +
		"object_type smallint, reference_id bigint, status int, start_time datetimeoffset(7), end_time datetimeoffset(7)"
	referenceColumns["catalog.extended_operation_info"] = "info_id bigint, operation_id bigint, object_name nvarchar(260), " +
		"object_type smallint, reference_id bigint, status int, start_time datetimeoffset(7), end_time datetimeoffset(7)"
}

func projArgs(scope string, ref *int64) ValidateArgs {
	return ValidateArgs{FolderName: s("folder1"), ProjectName: s("project1"), ValidateType: s("F"), Use32BitRuntime: b(false),
		EnvironmentScope: s(scope), ReferenceID: ref}
}

func pkgArgs(pkg string) ValidateArgs {
	return ValidateArgs{FolderName: s("folder1"), ProjectName: s("project1"), PackageName: s(pkg), Use32BitRuntime: b(false),
		EnvironmentScope: s("D")}
}

func TestValidateErrors(t *testing.T) {
	admin := func(e *env) *Caller { return e.as(lAdmin) }
	with := func(a ValidateArgs, f func(*ValidateArgs)) ValidateArgs { f(&a); return a }
	cases := []struct {
		name   string
		call   func(e *env) (int64, error)
		num    int32
		state  uint8
		text   string
		thrown bool
		opLeft bool // a failed operation 300/301 stays behind
	}{
		{"project null folder", func(e *env) (int64, error) {
			return e.c.ValidateProject(e.ctx, nil, admin(e), with(projArgs("D", nil), func(a *ValidateArgs) { a.FolderName = nil }))
		}, 27138, 4, "The input parameter cannot be null. Provide a valid value for the parameter.", false, false},
		{"project null scope", func(e *env) (int64, error) {
			return e.c.ValidateProject(e.ctx, nil, admin(e), with(projArgs("D", nil), func(a *ValidateArgs) { a.EnvironmentScope = nil }))
		}, 27138, 4, "", false, false},
		{"project validate_type", func(e *env) (int64, error) {
			return e.c.ValidateProject(e.ctx, nil, admin(e), with(projArgs("D", nil), func(a *ValidateArgs) { a.ValidateType = s("Q") }))
		}, 27101, 2, "The value specified for the input parameter, 'validate_type', is not valid. Provide a valid value for this parameter.", false, false},
		{"project scope", func(e *env) (int64, error) {
			return e.c.ValidateProject(e.ctx, nil, admin(e), projArgs("X", nil))
		}, 27101, 2, "The value specified for the input parameter, 'environment_scope', is not valid. Provide a valid value for this parameter.", false, false},
		{"project S without reference", func(e *env) (int64, error) {
			return e.c.ValidateProject(e.ctx, nil, admin(e), projArgs("S", nil))
		}, 27101, 2, "The value specified for the input parameter, 'reference_id', is not valid. Provide a valid value for this parameter.", false, false},
		{"project A with reference", func(e *env) (int64, error) {
			return e.c.ValidateProject(e.ctx, nil, admin(e), projArgs("A", i64(1)))
		}, 27101, 2, "", false, false},
		{"project outsider", func(e *env) (int64, error) {
			return e.c.ValidateProject(e.ctx, nil, e.as(lOutsider), projArgs("D", nil))
		}, 916, 1, "", false, false},
		{"project missing", func(e *env) (int64, error) {
			return e.c.ValidateProject(e.ctx, nil, admin(e), with(projArgs("D", nil), func(a *ValidateArgs) { a.ProjectName = s("nope") }))
		}, 27109, 1, "Cannot find the project 'nope' because it does not exist or you do not have sufficient permissions.", true, true},
		{"project not readable", func(e *env) (int64, error) {
			return e.c.ValidateProject(e.ctx, nil, e.as(lNobody), projArgs("D", nil))
		}, 27109, 1, "", true, true},
		{"project foreign reference", func(e *env) (int64, error) {
			return e.c.ValidateProject(e.ctx, nil, admin(e), projArgs("S", i64(42)))
		}, 27208, 1, "The environment reference '42' is not associated with the project.", true, true},
		{"package null runtime", func(e *env) (int64, error) {
			return e.c.ValidatePackage(e.ctx, nil, admin(e), with(pkgArgs("package1.dtsx"), func(a *ValidateArgs) { a.Use32BitRuntime = nil }))
		}, 27138, 4, "", false, false},
		{"package scope", func(e *env) (int64, error) {
			return e.c.ValidatePackage(e.ctx, nil, admin(e), with(pkgArgs("package1.dtsx"), func(a *ValidateArgs) { a.EnvironmentScope = s("Z") }))
		}, 27101, 2, "", false, false},
		{"package missing", func(e *env) (int64, error) {
			return e.c.ValidatePackage(e.ctx, nil, admin(e), pkgArgs("nope.dtsx"))
		}, 27146, 1, "", true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, true)
			e.demo()
			before := len(e.query(e.as(lAdmin), "catalog.operations"))
			id, err := c.call(e)
			wantErr(t, err, c.num, c.state, c.text)
			st, ok := ReturnStatus(err)
			if ok == c.thrown || ok && st != 1 {
				t.Errorf("return status = %d, %v; thrown = %v", st, ok, c.thrown)
			}
			ops := e.query(e.as(lAdmin), "catalog.operations")
			if c.opLeft {
				if id == 0 || len(ops) != before+1 || e.status(id) != StatusFailed {
					t.Fatalf("want one failed operation left, got id %d, %d operations", id, len(ops)-before)
				}
			} else if id != 0 || len(ops) != before {
				t.Fatalf("an operation was created (id %d)", id)
			}
		})
	}
	// The values compare case-insensitively, as the catalog's collation
	// does.
	e0 := newEnv(t, false)
	e0.demo()
	lower := projArgs("d", nil)
	lower.ValidateType = s("f")
	id, err := e0.c.ValidateProject(e0.ctx, nil, e0.as(lAdmin), lower)
	must(t, err)
	if r := e0.query(e0.as(lAdmin), "catalog.validations"); len(r) != 1 || r[0][0] != itoa(id) || r[0][1] != "D" {
		t.Fatalf("lower-case arguments: %v", r)
	}

	// SQL logins: 27123 in strict mode, after the argument checks.
	e := newEnv(t, true)
	e.demo()
	_, err = e.c.ValidateProject(e.ctx, nil, e.as(lSA), projArgs("D", nil))
	wantErr(t, err, 27123, 1, "")
	_, err = e.c.ValidateProject(e.ctx, nil, e.as(lSA), projArgs("X", nil))
	wantErr(t, err, 27101, 2, "")
}

func TestValidationRuns(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	statusCol := column(t, e.c, "catalog.validations", "status")
	row := func(id int64) []string {
		for _, r := range e.query(admin, "catalog.validations") {
			if r[0] == itoa(id) {
				return r
			}
		}
		t.Fatalf("no validation %d", id)
		return nil
	}

	// The demo project's required parameter has no server value: a full
	// validation of the project fails, one package at a time.
	id, err := e.c.ValidateProject(e.ctx, nil, admin, projArgs("D", nil))
	must(t, err)
	r := row(id)
	if got := strings.Join(r[:9], ","); got != itoa(id)+",D,F,folder1,project1,1,0,NULL,300" {
		t.Fatalf("validation row %s", got)
	}
	if r[statusCol] != "2" || r[column(t, e.c, "catalog.validations", "end_time")] != "NULL" {
		t.Fatalf("status %s before the clock moves", r[statusCol])
	}
	infos := e.query(admin, "catalog.extended_operation_info")
	if len(infos) != 2 || infos[0][2] != "package1.dtsx" || infos[0][5] != "2" || infos[1][2] != "child.dtsx" {
		t.Fatalf("extended_operation_info while running: %v", infos)
	}
	e.clk.Advance(time.Second)
	if r = row(id); r[statusCol] != "4" {
		t.Fatalf("status %s, want 4", r[statusCol])
	}
	infos = e.query(admin, "catalog.extended_operation_info")
	if infos[0][5] != "4" || infos[1][5] != "4" || infos[0][7] == "NULL" {
		t.Fatalf("extended_operation_info after: %v", infos)
	}
	msgs := messagesOf(e, id)
	if !strings.Contains(msgs, "the required parameter 'Required' has no server value") || !strings.Contains(msgs, "120:The validation failed.") {
		t.Fatalf("messages:\n%s", msgs)
	}

	// With the value set, the package validation succeeds.
	_, err = e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(20), s("folder1"), s("project1"), s("Required"), sqltype.NewInt(5), nil, nil)
	must(t, err)
	pid, err := e.c.ValidatePackage(e.ctx, nil, admin, pkgArgs("package1.dtsx"))
	must(t, err)
	if pid != id+1 {
		t.Fatalf("validation id %d does not come from the operation sequence after %d", pid, id)
	}
	e.clk.Advance(validationStep)
	if r = row(pid); r[statusCol] != "7" || r[8] != "301" {
		t.Fatalf("package validation: %v", r)
	}
	if !strings.Contains(messagesOf(e, pid), "70:The validation succeeded.") {
		t.Fatalf("messages:\n%s", messagesOf(e, pid))
	}

	// An environment reference whose environment lacks the bound variable.
	must(t, e.c.CreateEnvironment(e.ctx, nil, admin, s("folder1"), s("env"), nil))
	ref, err := e.c.CreateEnvironmentReference(e.ctx, nil, admin, s("folder1"), s("project1"), s("env"), s("R"), nil)
	must(t, err)
	_, err = e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(20), s("folder1"), s("project1"), s("Environment"), sqltype.NewNVarChar("stage"), nil, s("R"))
	must(t, err)
	sid, err := e.c.ValidateProject(e.ctx, nil, admin, projArgs("S", &ref))
	must(t, err)
	e.clk.Advance(time.Second)
	if r = row(sid); r[statusCol] != "4" || r[7] != itoa(ref) || r[1] != "S" {
		t.Fatalf("scoped validation: %v", r)
	}
	if !strings.Contains(messagesOf(e, sid), "references the variable 'stage', which the environment 'env' does not contain") {
		t.Fatalf("messages:\n%s", messagesOf(e, sid))
	}
	must(t, e.c.CreateEnvironmentVariable(e.ctx, nil, admin, s("folder1"), s("env"), s("stage"), s("String"), b(false), sqltype.NewNVarChar("x"), nil))
	aid, err := e.c.ValidateProject(e.ctx, nil, admin, projArgs("A", nil))
	must(t, err)
	e.clk.Advance(time.Second)
	if r = row(aid); r[statusCol] != "7" {
		t.Fatalf("validation with the variable: %v\n%s", r, messagesOf(e, aid))
	}
}

func messagesOf(e *env, id int64) string {
	var out []string
	for _, r := range e.query(e.as(lAdmin), "catalog.operation_messages") {
		if r[1] == itoa(id) {
			out = append(out, r[3]+":"+r[5])
		}
	}
	return strings.Join(out, "\n")
}

func TestValidationStopRollbackAndSecurity(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	id, err := e.c.ValidateProject(e.ctx, nil, admin, projArgs("D", nil))
	must(t, err)

	// Visibility: the caller, admins and ssis_logreader; not others.
	for login, want := range map[string]int{lAdmin: 1, lSSIS: 1, lReader: 1, lNobody: 0, lObj: 0} {
		if n := len(e.query(e.as(login), "catalog.validations")); n != want {
			t.Errorf("%s sees %d validations, want %d", login, n, want)
		}
		if n := len(e.query(e.as(login), "catalog.extended_operation_info")); n != 2*want {
			t.Errorf("%s sees %d extended_operation_info rows, want %d", login, n, 2*want)
		}
	}
	if _, err := e.c.StopOperation(e.ctx, nil, e.as(lNobody), &id); err == nil {
		t.Fatal("a caller who cannot read the validation stopped it")
	}

	// stop_operation on a running validation cancels it; the timer then
	// leaves it alone.
	stop, err := e.c.StopOperation(e.ctx, nil, admin, &id)
	must(t, err)
	if e.status(id) != StatusCanceled || e.status(stop) != StatusSucceeded {
		t.Fatalf("after stop: validation %d, stop %d", e.status(id), e.status(stop))
	}
	e.clk.Advance(time.Minute)
	if e.status(id) != StatusCanceled {
		t.Fatalf("the timer changed a stopped validation to %d", e.status(id))
	}
	for _, r := range e.query(admin, "catalog.extended_operation_info") {
		if r[5] != "3" || r[7] == "NULL" {
			t.Fatalf("info of a stopped validation: %v", r)
		}
	}
	// A finished validation cannot be stopped.
	_, err = e.c.StopOperation(e.ctx, nil, admin, &id)
	wantErr(t, err, 27124, 1, "")

	// Rolled back: no operation, and the timer finds nothing to do.
	tx := e.c.Begin()
	rid, err := e.c.ValidateProject(e.ctx, tx, admin, projArgs("D", nil))
	must(t, err)
	tx.Rollback()
	e.clk.Advance(time.Minute)
	for _, r := range e.query(admin, "catalog.operations") {
		if r[0] == itoa(rid) {
			t.Fatalf("rolled-back validation %d is still there", rid)
		}
	}
}

// TestValidateRoleMatrix: who may validate the demo project (READ on the
// project), by kind of caller, in default and strict mode.
func TestValidateRoleMatrix(t *testing.T) {
	normal := map[string]int32{lAdmin: 0, lSA: 0, lSSIS: 0, lSQLAdmin: 0, lExecutor: 0, lReader: 27109, lObj: 0, lNobody: 27109, lOutsider: 916}
	strictDiff := map[string]int32{lSA: 27123, lSQLAdmin: 27123}
	for _, strict := range []bool{false, true} {
		for as, want := range normal {
			if w, ok := strictDiff[as]; strict && ok {
				want = w
			}
			t.Run(fmt.Sprintf("strict=%v/%s", strict, as), func(t *testing.T) {
				e := newEnv(t, strict)
				e.matrixSetup()
				_, err := e.c.ValidateProject(e.ctx, nil, e.as(as), projArgs("D", nil))
				var got int32
				if err != nil {
					se, ok := sqlerr.As(err)
					if !ok {
						t.Fatal(err)
					}
					got = se.Number
				}
				if got != want {
					t.Errorf("got %d, want %d", got, want)
				}
			})
		}
	}
}

// TestValidationTimerAfterReset: a validation dropped by a reset does not
// end the new operation that takes its id.
func TestValidationTimerAfterReset(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	_, err := e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(20), s("folder1"), s("project1"), s("Required"), sqltype.NewInt(5), nil, nil)
	must(t, err)
	old, err := e.c.ValidatePackage(e.ctx, nil, admin, pkgArgs("package1.dtsx"))
	must(t, err)
	e.c.Reset(e.ctx)
	e.cache = map[string]*Caller{} // the principals were made again
	admin = e.as(lAdmin)
	e.demo()
	_, err = e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(20), s("folder1"), s("project1"), s("Required"), sqltype.NewInt(5), nil, nil)
	must(t, err)
	e.clk.Advance(100 * time.Millisecond)
	id, err := e.c.ValidateProject(e.ctx, nil, admin, projArgs("D", nil))
	must(t, err)
	if id != old {
		t.Fatalf("the new validation has id %d, not the reset one's %d: the test no longer reuses the id", id, old)
	}
	// The old timer falls due first (after 0.5 s); the new one after 1 s.
	e.clk.Advance(600 * time.Millisecond)
	if st := e.status(id); st != StatusRunning {
		t.Fatalf("the reset validation's timer ended the new one: status %d", st)
	}
	e.clk.Advance(time.Second)
	if st := e.status(id); st != StatusSucceeded {
		t.Fatalf("status %d after its own time", st)
	}
}
