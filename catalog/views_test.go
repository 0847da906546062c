package catalog

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// referenceColumns are the views' columns transcribed from the reference
// (ssisdb-catalog.md §3 and §5; internal tables §3.8), in order, with the
// types as the reference writes them. Where the reference gives no type
// (executables, executable_statistics, event_message_context, internal
// tables' less-documented columns) the documented SSISDB types are used.
var referenceColumns = map[string]string{
	"catalog.executions": "execution_id bigint, folder_name sysname, project_name sysname, package_name nvarchar(260), reference_id bigint, " +
		"reference_type char(1), environment_folder_name nvarchar(128), environment_name nvarchar(128), project_lsn bigint, " +
		"executed_as_sid varbinary(85), executed_as_name nvarchar(128), use32bitruntime bit, operation_type smallint, " +
		"created_time datetimeoffset(7), object_type smallint, object_id bigint, status int, start_time datetimeoffset(7), " +
		"end_time datetimeoffset(7), caller_sid varbinary(85), caller_name sysname, process_id int, stopped_by_sid varbinary(85), " +
		"stopped_by_name nvarchar(128), dump_id uniqueidentifier, server_name nvarchar(128), machine_name nvarchar(128), " +
		"worker_agent_id uniqueidentifier, total_physical_memory_kb bigint, available_physical_memory_kb bigint, " +
		"total_page_file_kb bigint, available_page_file_kb bigint, cpu_count int, executed_count int",
	"catalog.operations": "operation_id bigint, operation_type smallint, created_time datetimeoffset(7), object_type smallint, " +
		"object_id bigint, object_name nvarchar(260), status int, start_time datetimeoffset(7), end_time datetimeoffset(7), " +
		"caller_sid varbinary(85), caller_name sysname, process_id int, stopped_by_sid varbinary(85), stopped_by_name nvarchar(128), " +
		"server_name nvarchar(128), machine_name nvarchar(128)",
	"catalog.operation_messages": "operation_message_id bigint, operation_id bigint, message_time datetimeoffset(7), message_type smallint, " +
		"message_source_type smallint, message nvarchar(max), extended_info_id bigint",
	"catalog.event_messages": "event_message_id bigint, operation_id bigint, message_time datetimeoffset(7), message_type smallint, " +
		"message_source_type smallint, message nvarchar(max), extended_info_id bigint, package_name nvarchar(260), " +
		"event_name nvarchar(1024), message_source_name nvarchar(4000), message_source_id nvarchar(38), " +
		"subcomponent_name nvarchar(4000), package_path nvarchar(max), execution_path nvarchar(max), threadID int, " +
		"message_code int, event_message_guid uniqueidentifier",
	"catalog.execution_parameter_values": "execution_parameter_id bigint, execution_id bigint, object_type smallint, " +
		"parameter_data_type nvarchar(128), parameter_name sysname, parameter_value sql_variant, sensitive bit, required bit, " +
		"value_set bit, runtime_override bit",
	"catalog.worker_agents": "WorkerAgentId uniqueidentifier, IsEnabled bit, DisplayName nvarchar(256), Description nvarchar(256), " +
		"MachineName nvarchar(256), Tags nvarchar(max), UserAccount nvarchar(256), LastOnlineTime datetimeoffset(7)",
	"catalog.master_properties":  "property_name nvarchar(256), property_value nvarchar(max)",
	"catalog.catalog_properties": "property_name nvarchar(256), property_value nvarchar(256)",
	"catalog.folders": "folder_id bigint, name sysname, description nvarchar(1024), created_by_sid varbinary(85), " +
		"created_by_name nvarchar(128), created_time datetimeoffset(7)",
	"catalog.projects": "project_id bigint, folder_id bigint, name sysname, description nvarchar(1024), project_format_version int, " +
		"deployed_by_sid varbinary(85), deployed_by_name nvarchar(128), last_deployed_time datetimeoffset(7), " +
		"created_time datetimeoffset(7), object_version_lsn bigint, validation_status char(1), last_validation_time datetimeoffset(7)",
	"catalog.packages": "package_id bigint, name nvarchar(260), package_guid uniqueidentifier, description nvarchar(1024), " +
		"package_format_version int, version_major int, version_minor int, version_build int, version_comments nvarchar(1024), " +
		"version_guid uniqueidentifier, project_id bigint, entry_point bit, validation_status char(1), " +
		"last_validation_time datetimeoffset(7)",
	"catalog.object_parameters": "parameter_id bigint, project_id bigint, object_type smallint, object_name nvarchar(260), " +
		"parameter_name sysname, data_type nvarchar(128), required bit, sensitive bit, description nvarchar(1024), " +
		"design_default_value sql_variant, default_value sql_variant, value_type char(1), value_set bit, " +
		"referenced_variable_name nvarchar(128), validation_status char(1), last_validation_time datetimeoffset(7)",
	"catalog.environments": "environment_id bigint, name sysname, folder_id bigint, description nvarchar(1024), " +
		"created_by_sid varbinary(85), created_by_name nvarchar(128), created_time datetimeoffset(7)",
	"catalog.environment_variables": "variable_id bigint, environment_id bigint, name sysname, description nvarchar(1024), " +
		"type nvarchar(128), sensitive bit, value sql_variant",
	"catalog.environment_references": "reference_id bigint, project_id bigint, reference_type char(1), " +
		"environment_folder_name nvarchar(128), environment_name sysname, validation_status char(1), " +
		"last_validation_time datetimeoffset(7)",
	"catalog.execution_property_override_values": "property_id bigint, execution_id bigint, property_path nvarchar(4000), " +
		"property_value nvarchar(max), sensitive bit",
	"catalog.event_message_context": "context_id bigint, event_message_id bigint, context_depth int, package_path nvarchar(max), " +
		"context_type smallint, context_source_name nvarchar(4000), context_source_id nvarchar(38), property_name nvarchar(4000), " +
		"property_value sql_variant, event_message_guid uniqueidentifier",
	"catalog.executables": "executable_id bigint, execution_id bigint, executable_name nvarchar(4000), executable_guid nvarchar(38), " +
		"package_name nvarchar(260), package_path nvarchar(max)",
	"catalog.executable_statistics": "statistics_id bigint, execution_id bigint, executable_id bigint, execution_path nvarchar(max), " +
		"start_time datetimeoffset(7), end_time datetimeoffset(7), execution_duration int, execution_result smallint, " +
		"execution_value sql_variant",
	"catalog.effective_object_permissions": "object_type smallint, object_id bigint, permission_type smallint",
	"catalog.explicit_object_permissions":  "object_type smallint, object_id bigint, principal_id int, permission_type smallint, is_deny bit, grantor_id int",
	"catalog.customized_logging_levels": "level_id bigint, name sysname, description nvarchar(1024), profile_value bigint, " +
		"events_value bigint, created_by_sid varbinary(85), created_by_name nvarchar(128), created_time datetimeoffset(7)",
	"internal.operations": "operation_id bigint, operation_type smallint, created_time datetimeoffset(7), object_type smallint, " +
		"object_id bigint, object_name nvarchar(260), status int, start_time datetimeoffset(7), end_time datetimeoffset(7), " +
		"caller_sid varbinary(85), caller_name sysname, process_id int, stopped_by_sid varbinary(85), stopped_by_name nvarchar(128), " +
		"operation_guid uniqueidentifier, server_name nvarchar(128), machine_name nvarchar(128), worker_agent_id uniqueidentifier, " +
		"executed_count int",
	"internal.executions": "execution_id bigint, folder_name sysname, project_name sysname, package_name nvarchar(260), " +
		"reference_id bigint, reference_type char(1), environment_folder_name nvarchar(128), environment_name nvarchar(128), " +
		"project_lsn bigint, executed_as_sid varbinary(85), executed_as_name nvarchar(128), use32bitruntime bit, job_id uniqueidentifier",
	"internal.jobs": "JobId uniqueidentifier, IsCancelled bit, CreatedTime datetimeoffset(7), JobType int, InputData nvarchar(max), " +
		"Creator nvarchar(256), Priority int, LastUpdatedTime datetimeoffset(7)",
	"internal.tasks": "TaskId uniqueidentifier, JobId uniqueidentifier, TaskType int, InputData nvarchar(max), MaxExecutedCount int, " +
		"ExecutedCount int, Status int, IsCritical bit, Priority int, ReadyForDispatchTime datetimeoffset(7), " +
		"LastUpdatedTime datetimeoffset(7), CreatedTime datetimeoffset(7), WorkerAgentId uniqueidentifier, " +
		"ExpiredTime datetimeoffset(7), CreateWorkerAgentId uniqueidentifier, IsCancelled bit, LastPickupTime datetimeoffset(7)",
	"internal.job_worker_agents": "JobId uniqueidentifier, WorkerAgentId uniqueidentifier",
}

func describe(cols []rows.Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		t := c.Type.String()
		if c.Type == sqltype.TSysname {
			t = "sysname"
		}
		parts[i] = c.Name + " " + t
	}
	return strings.Join(parts, ", ")
}

func TestViewColumnsMatchReference(t *testing.T) {
	c := New(Options{})
	for name, want := range referenceColumns {
		schema, view, _ := strings.Cut(name, ".")
		src, ok := c.View("ssisdb", strings.ToUpper(schema), view, nil)
		if !ok {
			t.Errorf("%s: no such view", name)
			continue
		}
		// sysname is nvarchar(128): the two are one type on the wire.
		want = strings.ReplaceAll(want, "nvarchar(128)", "sysname")
		if got := describe(src.Columns()); got != want {
			t.Errorf("%s columns:\n got %s\nwant %s", name, got, want)
		}
	}
	// internal.execution_info is the unfiltered base of catalog.executions.
	a, _ := c.View(SSISDB, "internal", "execution_info", nil)
	if describe(a.Columns()) != strings.ReplaceAll(referenceColumns["catalog.executions"], "nvarchar(128)", "sysname") {
		t.Error("internal.execution_info differs from catalog.executions")
	}
	var missing []string
	for _, n := range ViewNames() {
		if _, ok := referenceColumns[n]; !ok && n != "internal.execution_info" {
			missing = append(missing, n)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("views without a reference column list: %v", missing)
	}
	if _, ok := c.View("master", "catalog", "folders", nil); ok {
		t.Error("catalog views exist outside SSISDB")
	}
}

func TestEveryRowMatchesItsColumns(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	e.addWorker()
	admin := e.as(lAdmin)
	must(t, e.c.CreateEnvironment(e.ctx, nil, admin, s("folder1"), s("env"), nil))
	must(t, e.c.CreateEnvironmentVariable(e.ctx, nil, admin, s("folder1"), s("env"), s("v"), s("Int32"), b(false), sqltype.NewInt(3), nil))
	_, err := e.c.CreateEnvironmentReference(e.ctx, nil, admin, s("folder1"), s("project1"), s("env"), s("A"), s("folder1"))
	must(t, err)
	e.mustCreate(true)
	_, err = e.c.CreateExecution(e.ctx, nil, admin, CreateExecutionArgs{FolderName: s("folder1"), ProjectName: s("project1"),
		PackageName: s("package1.dtsx"), Use32BitRuntime: b(false), RunInScaleOut: b(true), UseAnyWorker: b(true)})
	must(t, err)
	_, err = e.c.ValidateProject(e.ctx, nil, admin, projArgs("D", nil))
	must(t, err)
	created := e.mustCreate(false)
	_, err = e.c.AddDataTap(e.ctx, nil, admin, AddDataTapArgs{ExecutionID: &created, TaskPackagePath: s(`\Package\DFT`),
		PathIDString: s("Paths[a.b]"), DataFileName: s("out.csv")})
	must(t, err)
	names := append(ViewNames(), "sys.server_principals", "sys.database_principals", "sys.database_role_members",
		"sys.server_role_members", "sys.databases", "sys.schemas")
	for _, n := range names {
		schema, view, _ := strings.Cut(n, ".")
		src, _ := e.c.View(SSISDB, schema, view, admin)
		cols := src.Columns()
		count := 0
		err := src.Scan(context.Background(), func(r rows.Row) bool {
			count++
			if len(r) != len(cols) {
				t.Fatalf("%s: row has %d values for %d columns", n, len(r), len(cols))
			}
			for i, v := range r {
				if v.IsNull() {
					if !cols[i].Nullable {
						t.Errorf("%s.%s is NOT NULL but got NULL", n, cols[i].Name)
					}
					continue
				}
				if cols[i].Type.Kind != sqltype.SQLVariant && v.Kind() != cols[i].Type.Kind {
					t.Errorf("%s.%s: value of kind %s in a %s column", n, cols[i].Name, v.Kind(), cols[i].Type)
				}
			}
			return true
		})
		if err != nil {
			t.Errorf("%s: %v", n, err)
		}
		if count == 0 && !strings.Contains(n, "context") && !strings.Contains(n, "executable") && !strings.Contains(n, "logging") &&
			!strings.Contains(n, "override") && !strings.Contains(n, "event_messages") && n != "internal.tasks" &&
			n != "catalog.execution_component_phases" && n != "catalog.execution_data_statistics" {
			t.Errorf("%s: no rows to check", n)
		}
	}
}

func TestSeekUsesKeys(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	var ids []int64
	for range 5 {
		ids = append(ids, e.mustCreate(false))
	}
	src, _ := e.c.View(SSISDB, "catalog", "executions", admin)
	sk, ok := src.(rows.Seeker)
	if !ok {
		t.Fatal("catalog.executions is not a Seeker")
	}
	if fmt.Sprint(sk.SeekColumns()) != "[0]" {
		t.Fatalf("seek columns %v", sk.SeekColumns())
	}
	var got []string
	must(t, sk.Seek(e.ctx, 0, sqltype.NewBigInt(ids[3]), func(r rows.Row) bool { got = append(got, valueText(r[0])); return true }))
	if len(got) != 1 || got[0] != itoa(ids[3]) {
		t.Fatalf("seek = %v", got)
	}
	// A caller who may not read the execution gets nothing from a seek too.
	src2, _ := e.c.View(SSISDB, "catalog", "executions", e.as(lNobody))
	n := 0
	must(t, src2.(rows.Seeker).Seek(e.ctx, 0, sqltype.NewBigInt(ids[3]), func(rows.Row) bool { n++; return true }))
	if n != 0 {
		t.Fatal("seek ignores row-level security")
	}
	// Folder by name, case-insensitively.
	fs, _ := e.c.View(SSISDB, "catalog", "folders", admin)
	n = 0
	must(t, fs.(rows.Seeker).Seek(e.ctx, 1, sqltype.NewNVarChar("FOLDER1"), func(rows.Row) bool { n++; return true }))
	if n != 1 {
		t.Fatalf("folder seek by name found %d", n)
	}
	// Parameters of one execution.
	ps, _ := e.c.View(SSISDB, "catalog", "execution_parameter_values", admin)
	n = 0
	must(t, ps.(rows.Seeker).Seek(e.ctx, 1, sqltype.NewBigInt(ids[0]), func(rows.Row) bool { n++; return true }))
	if n != 11 {
		t.Fatalf("execution_parameter_values seek found %d rows, want 11", n)
	}
}

func TestSysViews(t *testing.T) {
	e := newEnv(t, false)
	admin := e.as(lAdmin)
	rowsOf := func(caller *Caller, db, view string) [][]string {
		src, ok := e.c.View(db, "sys", view, caller)
		if !ok {
			t.Fatalf("no sys.%s in %s", view, db)
		}
		var out [][]string
		must(t, src.Scan(e.ctx, func(r rows.Row) bool { out = append(out, rowText(r)); return true }))
		return out
	}
	var dbs []string
	for _, r := range rowsOf(admin, "master", "databases") {
		dbs = append(dbs, r[0]+":"+r[1])
	}
	if strings.Join(dbs, ",") != "master:1,tempdb:2,model:3,msdb:4,SSISDB:5" {
		t.Fatalf("databases = %v", dbs)
	}
	var schemas []string
	for _, r := range rowsOf(admin, SSISDB, "schemas") {
		schemas = append(schemas, r[0])
	}
	if !strings.Contains(strings.Join(schemas, ","), "catalog,internal") {
		t.Fatalf("SSISDB schemas = %v", schemas)
	}
	if n := len(rowsOf(admin, "msdb", "schemas")); n != len(rowsOf(admin, SSISDB, "schemas"))-2 {
		t.Fatalf("msdb has %d schemas", n)
	}
	// Principals: the AllSchemaOwner user is the catalog schemas' owner and a
	// member of ssis_admin; a non-admin login sees itself and the roles only.
	var aso, ssisAdmin string
	for _, r := range rowsOf(admin, SSISDB, "database_principals") {
		switch r[0] {
		case "AllSchemaOwner":
			aso = r[1]
		case "ssis_admin":
			ssisAdmin = r[1]
		}
	}
	if aso != "10" {
		t.Fatalf("AllSchemaOwner principal_id = %s", aso)
	}
	member := false
	for _, r := range rowsOf(admin, SSISDB, "database_role_members") {
		if r[0] == ssisAdmin && r[1] == aso {
			member = true
		}
	}
	if !member {
		t.Fatal("AllSchemaOwner is not in ssis_admin")
	}
	var seen []string
	for _, r := range rowsOf(e.as(lNobody), "master", "server_principals") {
		if r[3] != "R" {
			seen = append(seen, r[0])
		}
	}
	if strings.Join(seen, ",") != lNobody {
		t.Fatalf("a plain login sees logins %v", seen)
	}
	if n := len(rowsOf(admin, "master", "server_principals")); n < 15 {
		t.Fatalf("sysadmin sees %d server principals", n)
	}
	srm := rowsOf(admin, "master", "server_role_members")
	if len(srm) != 2 || srm[0][0] != "3" || srm[0][1] != "1" || srm[1][1] != "256" { // sa and EMU\admin in sysadmin
		t.Fatalf("server_role_members = %v", srm)
	}
}
