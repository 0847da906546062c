package catalog

import (
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

func init() {
	referenceColumns["catalog.execution_data_taps"] = "data_tap_id bigint, execution_id bigint, package_path nvarchar(max), " +
		"dataflow_path_id_string nvarchar(4000), dataflow_task_guid uniqueidentifier, max_rows int, filename nvarchar(4000)"
	referenceColumns["internal.execution_data_taps"] = referenceColumns["catalog.execution_data_taps"]
	referenceColumns["catalog.execution_component_phases"] = "phase_stats_id bigint, execution_id bigint, package_name nvarchar(260), " +
		"task_name nvarchar(4000), subcomponent_name nvarchar(4000), phase sysname, start_time datetimeoffset(7), " +
		"end_time datetimeoffset(7), execution_path nvarchar(max)"
	referenceColumns["catalog.execution_data_statistics"] = "data_stats_id bigint, execution_id bigint, package_name nvarchar(260), " +
		"task_name nvarchar(4000), dataflow_path_id_string nvarchar(4000), dataflow_path_name nvarchar(4000), " +
		"source_component_name nvarchar(4000), destination_component_name nvarchar(4000), rows_sent bigint, " +
		"created_time datetimeoffset(7), execution_path nvarchar(max)"
}

func tapArgs(exec int64) AddDataTapArgs {
	return AddDataTapArgs{ExecutionID: &exec, TaskPackagePath: s(`\Package\Data Flow Task`),
		PathIDString: s("Paths[Flat File Source.Flat File Source Output]"), DataFileName: s("output.txt")}
}

func TestDataTapErrors(t *testing.T) {
	admin := func(e *env) *Caller { return e.as(lAdmin) }
	with := func(a AddDataTapArgs, f func(*AddDataTapArgs)) AddDataTapArgs { f(&a); return a }
	add := func(e *env, as *Caller, a AddDataTapArgs) error {
		_, err := e.c.AddDataTap(e.ctx, nil, as, a)
		return err
	}
	cases := []struct {
		name   string
		call   func(e *env, exec int64) error
		num    int32
		state  uint8
		text   string
		thrown bool
	}{
		{"add null path", func(e *env, exec int64) error {
			return add(e, admin(e), with(tapArgs(exec), func(a *AddDataTapArgs) { a.PathIDString = nil }))
		}, 27138, 1, "The input parameter cannot be null. Provide a valid value for the parameter.", false},
		{"add null task", func(e *env, exec int64) error {
			return add(e, admin(e), with(tapArgs(exec), func(a *AddDataTapArgs) { a.TaskPackagePath = nil }))
		}, 27138, 1, "", false},
		{"add max_rows", func(e *env, exec int64) error {
			return add(e, admin(e), with(tapArgs(exec), func(a *AddDataTapArgs) { a.MaxRows = i32(0) }))
		}, 27101, 1, "The value specified for the input parameter, 'max_rows', is not valid. Provide a valid value for this parameter.", false},
		{"add no such execution", func(e *env, _ int64) error { return add(e, admin(e), tapArgs(999)) }, 27103, 1,
			"Cannot find the execution instance '999' because it does not exist or you do not have sufficient permissions.", true},
		{"add not readable", func(e *env, exec int64) error { return add(e, e.as(lNobody), tapArgs(exec)) }, 27103, 1, "", true},
		{"add started", func(e *env, exec int64) error {
			must(e.t, e.c.StartExecution(e.ctx, nil, admin(e), &exec, nil))
			return add(e, admin(e), tapArgs(exec))
		}, 27212, 1, "", false},
		{"add sql login", func(e *env, exec int64) error { return add(e, e.as(lSA), tapArgs(exec)) }, 27123, 1, "", false},
		{"remove missing", func(e *env, _ int64) error { return e.c.RemoveDataTap(e.ctx, nil, admin(e), i64(77)) }, 27215, 1,
			"Cannot find the data tap '77' because it does not exist or you do not have sufficient permissions.", false},
		{"remove null", func(e *env, _ int64) error { return e.c.RemoveDataTap(e.ctx, nil, admin(e), nil) }, 27215, 1, "", false},
		{"remove not readable", func(e *env, exec int64) error {
			id, err := e.c.AddDataTap(e.ctx, nil, admin(e), tapArgs(exec))
			must(e.t, err)
			return e.c.RemoveDataTap(e.ctx, nil, e.as(lNobody), &id)
		}, 27215, 1, "", false},
		{"remove read only", func(e *env, exec int64) error {
			id, err := e.c.AddDataTap(e.ctx, nil, admin(e), tapArgs(exec))
			must(e.t, err)
			must(e.t, e.c.GrantPermission(e.ctx, nil, admin(e), i16(ObjOperation), &exec, i32(e.userID(lNobody)), i16(PermRead)))
			return e.c.RemoveDataTap(e.ctx, nil, e.as(lNobody), &id)
		}, 27143, 5, "Cannot access the operation with ID, '" + "%d" + "'. Verify that the user has appropriate permissions.", false},
		{"remove started", func(e *env, exec int64) error {
			id, err := e.c.AddDataTap(e.ctx, nil, admin(e), tapArgs(exec))
			must(e.t, err)
			must(e.t, e.c.StartExecution(e.ctx, nil, admin(e), &exec, nil))
			return e.c.RemoveDataTap(e.ctx, nil, admin(e), &id)
		}, 27212, 1, "Data taps can only be added to or removed from an execution that has been created and not started.", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, true)
			e.demo()
			_, err := e.c.SetObjectParameterValue(e.ctx, nil, e.as(lAdmin), i16(20), s("folder1"), s("project1"), s("Required"), sqltype.NewInt(5), nil, nil)
			must(t, err)
			exec := e.mustCreate(false)
			text := strings.Replace(c.text, "%d", itoa(exec), 1)
			err = c.call(e, exec)
			wantErr(t, err, c.num, c.state, text)
			st, ok := ReturnStatus(err)
			if ok == c.thrown || ok && st != 1 {
				t.Errorf("return status = %d, %v; thrown = %v", st, ok, c.thrown)
			}
		})
	}
}

func TestDataTaps(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	_, err := e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(20), s("folder1"), s("project1"), s("Required"), sqltype.NewInt(5), nil, nil)
	must(t, err)
	exec := e.mustCreate(false)
	other := e.mustCreate(false)
	first, err := e.c.AddDataTap(e.ctx, nil, admin, tapArgs(exec))
	must(t, err)
	task := uuid.MustParse("11111111-2222-4333-8444-555555555555")
	second, err := e.c.AddDataTap(e.ctx, nil, admin, AddDataTapArgs{ExecutionID: &exec, TaskGUID: &task,
		PathIDString: s("Paths[B.Out]"), DataFileName: s("b.txt"), MaxRows: i32(100)})
	must(t, err)
	third, err := e.c.AddDataTap(e.ctx, nil, admin, tapArgs(other))
	must(t, err)
	if second != first+1 || third != second+1 {
		t.Fatalf("tap ids %d %d %d", first, second, third)
	}
	got := e.query(admin, "catalog.execution_data_taps")
	want := [][]string{
		{itoa(first), itoa(exec), `\Package\Data Flow Task`, "Paths[Flat File Source.Flat File Source Output]", "NULL", "NULL", "output.txt"},
		{itoa(second), itoa(exec), "NULL", "Paths[B.Out]", task.String(), "100", "b.txt"},
		{itoa(third), itoa(other), `\Package\Data Flow Task`, "Paths[Flat File Source.Flat File Source Output]", "NULL", "NULL", "output.txt"},
	}
	if len(got) != len(want) {
		t.Fatalf("taps %v", got)
	}
	for i := range want {
		for j := range want[i] {
			// GUIDs compare without regard to case.
			if !strings.EqualFold(got[i][j], want[i][j]) {
				t.Errorf("row %d column %d: got %q, want %q", i, j, got[i][j], want[i][j])
			}
		}
	}
	// Row-level security follows the execution's.
	if n := len(e.query(e.as(lNobody), "catalog.execution_data_taps")); n != 0 {
		t.Errorf("a caller without READ sees %d taps", n)
	}
	if n := len(e.query(e.as(lReader), "catalog.execution_data_taps")); n != 3 {
		t.Errorf("ssis_logreader sees %d taps", n)
	}
	if n := len(e.query(e.as(lSSIS), "internal.execution_data_taps")); n != 3 {
		t.Errorf("ssis_admin sees %d rows of internal.execution_data_taps", n)
	}
	src, _ := e.c.View(SSISDB, "internal", "execution_data_taps", e.as(lReader))
	wantErr(t, src.Scan(e.ctx, func(rows.Row) bool { return true }), 229, 5, "")

	// Removal, and a rollback that puts a tap back.
	must(t, e.c.RemoveDataTap(e.ctx, nil, admin, &first))
	tx := e.c.Begin()
	must(t, e.c.RemoveDataTap(e.ctx, tx, admin, &second))
	tx.Rollback()
	got = e.query(admin, "catalog.execution_data_taps")
	if len(got) != 2 || got[0][0] != itoa(second) || got[1][0] != itoa(third) {
		t.Fatalf("after removal: %v", got)
	}
	// The run does not read taps: the execution starts and the tap stays.
	must(t, e.c.StartExecution(e.ctx, nil, admin, &exec, nil))
	if n := len(e.query(admin, "catalog.execution_data_taps")); n != 2 {
		t.Fatalf("%d taps after start", n)
	}
	// The statistics views are present and empty.
	for _, v := range []string{"catalog.execution_component_phases", "catalog.execution_data_statistics"} {
		if n := len(e.query(admin, v)); n != 0 {
			t.Errorf("%s has %d rows", v, n)
		}
	}
}
