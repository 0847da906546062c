package ssisdb

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
)

// referenceViews are the catalog views' columns in view order with their
// types, as the SSIS catalog reference documents them (the 2017 view
// source order; sysname is nvarchar(128)).
var referenceViews = map[string]string{
	"executions": "execution_id bigint, folder_name sysname, project_name sysname, package_name nvarchar(260), " +
		"reference_id bigint, reference_type char(1), environment_folder_name nvarchar(128), environment_name nvarchar(128), " +
		"project_lsn bigint, executed_as_sid varbinary(85), executed_as_name nvarchar(128), use32bitruntime bit, " +
		"operation_type smallint, created_time datetimeoffset(7), object_type smallint, object_id bigint, status int, " +
		"start_time datetimeoffset(7), end_time datetimeoffset(7), caller_sid varbinary(85), caller_name sysname, " +
		"process_id int, stopped_by_sid varbinary(85), stopped_by_name nvarchar(128), dump_id uniqueidentifier, " +
		"server_name nvarchar(128), machine_name nvarchar(128), worker_agent_id uniqueidentifier, " +
		"total_physical_memory_kb bigint, available_physical_memory_kb bigint, total_page_file_kb bigint, " +
		"available_page_file_kb bigint, cpu_count int, executed_count int",
	"operations": "operation_id bigint, operation_type smallint, created_time datetimeoffset(7), object_type smallint, " +
		"object_id bigint, object_name nvarchar(260), status int, start_time datetimeoffset(7), end_time datetimeoffset(7), " +
		"caller_sid varbinary(85), caller_name sysname, process_id int, stopped_by_sid varbinary(85), " +
		"stopped_by_name nvarchar(128), server_name nvarchar(128), machine_name nvarchar(128)",
	"operation_messages": "operation_message_id bigint, operation_id bigint, message_time datetimeoffset(7), " +
		"message_type smallint, message_source_type smallint, message nvarchar(max), extended_info_id bigint",
	"event_messages": "event_message_id bigint, operation_id bigint, message_time datetimeoffset(7), message_type smallint, " +
		"message_source_type smallint, message nvarchar(max), extended_info_id bigint, package_name nvarchar(260), " +
		"event_name nvarchar(1024), message_source_name nvarchar(4000), message_source_id nvarchar(38), " +
		"subcomponent_name nvarchar(4000), package_path nvarchar(max), execution_path nvarchar(max), threadID int, " +
		"message_code int, event_message_guid uniqueidentifier",
	"execution_parameter_values": "execution_parameter_id bigint, execution_id bigint, object_type smallint, " +
		"parameter_data_type nvarchar(128), parameter_name sysname, parameter_value sql_variant, sensitive bit, " +
		"required bit, value_set bit, runtime_override bit",
	"worker_agents": "WorkerAgentId uniqueidentifier, IsEnabled bit, DisplayName nvarchar(256), Description nvarchar(256), " +
		"MachineName nvarchar(256), Tags nvarchar(max), UserAccount nvarchar(256), LastOnlineTime datetimeoffset(7)",
	"master_properties": "property_name nvarchar(256), property_value nvarchar(max)",
	"folders": "folder_id bigint, name sysname, description nvarchar(1024), created_by_sid varbinary(85), " +
		"created_by_name nvarchar(128), created_time datetimeoffset(7)",
	"projects": "project_id bigint, folder_id bigint, name sysname, description nvarchar(1024), project_format_version int, " +
		"deployed_by_sid varbinary(85), deployed_by_name nvarchar(128), last_deployed_time datetimeoffset(7), " +
		"created_time datetimeoffset(7), object_version_lsn bigint, validation_status char(1), last_validation_time datetimeoffset(7)",
	"packages": "package_id bigint, name nvarchar(260), package_guid uniqueidentifier, description nvarchar(1024), " +
		"package_format_version int, version_major int, version_minor int, version_build int, version_comments nvarchar(1024), " +
		"version_guid uniqueidentifier, project_id bigint, entry_point bit, validation_status char(1), " +
		"last_validation_time datetimeoffset(7)",
	"object_parameters": "parameter_id bigint, project_id bigint, object_type smallint, object_name nvarchar(260), " +
		"parameter_name sysname, data_type nvarchar(128), required bit, sensitive bit, description nvarchar(1024), " +
		"design_default_value sql_variant, default_value sql_variant, value_type char(1), value_set bit, " +
		"referenced_variable_name nvarchar(128), validation_status char(1), last_validation_time datetimeoffset(7)",
	"environments": "environment_id bigint, name sysname, folder_id bigint, description nvarchar(1024), " +
		"created_by_sid varbinary(85), created_by_name nvarchar(128), created_time datetimeoffset(7)",
	"environment_variables": "variable_id bigint, environment_id bigint, name sysname, description nvarchar(1024), " +
		"type nvarchar(128), sensitive bit, value sql_variant",
	"environment_references": "reference_id bigint, project_id bigint, reference_type char(1), " +
		"environment_folder_name nvarchar(128), environment_name sysname, validation_status char(1), " +
		"last_validation_time datetimeoffset(7)",
	"execution_property_override_values": "property_id bigint, execution_id bigint, property_path nvarchar(4000), " +
		"property_value nvarchar(max), sensitive bit",
	"catalog_properties": "property_name nvarchar(256), property_value nvarchar(256)",
}

// TestCatalogViewMetadataOverTheWire checks, through go-mssqldb, the result
// set metadata of SELECT * over every catalog view the reference documents:
// column names and order, types with lengths, precision and scale, and
// nullability as the catalog declares the column.
func TestCatalogViewMetadataOverTheWire(t *testing.T) {
	st := newStack(t)
	db := st.db(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sa, err := st.cat.CallerFor("sa")
	if err != nil {
		t.Fatal(err)
	}
	for view, spec := range referenceViews {
		t.Run(view, func(t *testing.T) {
			rs, err := db.QueryContext(ctx, "SELECT * FROM SSISDB.catalog."+view+" WHERE 1 = 0")
			if err != nil {
				t.Fatal(err)
			}
			defer rs.Close()
			cts, err := rs.ColumnTypes()
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, c := range strings.Split(spec, ", ") {
				want = append(want, strings.Replace(c, "sysname", "nvarchar(128)", 1))
			}
			src, ok := st.cat.View(catalog.SSISDB, "catalog", view, sa)
			if !ok {
				t.Fatalf("the catalog has no view %s", view)
			}
			declared := src.Columns()
			if len(cts) != len(want) || len(declared) != len(want) {
				t.Fatalf("%d columns over the wire, %d declared, %d in the reference", len(cts), len(declared), len(want))
			}
			for i, ct := range cts {
				got := ct.Name() + " " + wireType(ct.DatabaseTypeName(), ct)
				if got != want[i] {
					t.Errorf("column %d: %q, reference %q", i+1, got, want[i])
				}
				nullable, ok := ct.Nullable()
				if !ok || nullable != declared[i].Nullable {
					t.Errorf("column %s: nullable %v (known %v) over the wire, declared %v", ct.Name(), nullable, ok, declared[i].Nullable)
				}
			}
		})
	}
}

type columnType interface {
	Length() (int64, bool)
	DecimalSize() (int64, int64, bool)
}

// wireType spells a column's wire type as T-SQL writes it.
func wireType(name string, ct columnType) string {
	n := strings.ToLower(name)
	switch n {
	case "nvarchar", "varchar", "varbinary", "char", "nchar", "binary":
		l, _ := ct.Length()
		if l >= 1073741822 {
			return n + "(max)"
		}
		return fmt.Sprintf("%s(%d)", n, l)
	case "datetimeoffset", "datetime2", "time":
		_, s, _ := ct.DecimalSize()
		return fmt.Sprintf("%s(%d)", n, s)
	case "decimal", "numeric":
		p, s, _ := ct.DecimalSize()
		return fmt.Sprintf("%s(%d,%d)", n, p, s)
	}
	return n
}
