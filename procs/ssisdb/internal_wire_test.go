package ssisdb

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
)

// internalTables are the internal.* tables real scripts read, with their
// columns as the SSISDB schema's CREATE TABLE statements declare them.
var internalTables = map[string]string{
	"folders": "folder_id bigint, name sysname, description nvarchar(1024), created_by_sid varbinary(85), " +
		"created_by_name nvarchar(128), created_time datetimeoffset(7)",
	"environments": "environment_id bigint, environment_name sysname, folder_id bigint, description nvarchar(1024), " +
		"created_by_sid varbinary(85), created_by_name nvarchar(128), created_time datetimeoffset(7)",
	"environment_variables": "variable_id bigint, environment_id bigint, name sysname, description nvarchar(1024), " +
		"type nvarchar(128), sensitive bit, value sql_variant, sensitive_value varbinary(max), base_data_type nvarchar(128)",
	"environment_references": "reference_id bigint, project_id bigint, reference_type char(1), " +
		"environment_folder_name nvarchar(128), environment_name sysname, validation_status char(1), " +
		"last_validation_time datetimeoffset(7)",
	"object_parameters": "parameter_id bigint, project_id bigint, project_version_lsn bigint, object_type smallint, " +
		"object_name nvarchar(260), parameter_name sysname, parameter_data_type nvarchar(128), required bit, sensitive bit, " +
		"description nvarchar(1024), design_default_value sql_variant, default_value sql_variant, " +
		"sensitive_default_value varbinary(max), base_data_type nvarchar(128), value_type char(1), value_set bit, " +
		"referenced_variable_name nvarchar(128), validation_status char(1), last_validation_time datetimeoffset(7)",
	"validations": "validation_id bigint, environment_scope char(1), validate_type char(1), folder_name sysname, " +
		"project_name sysname, project_lsn bigint, use32bitruntime bit, reference_id bigint",
}

// TestInternalTableMetadataOverTheWire checks the internal tables' result
// set metadata through go-mssqldb as sa, as the catalog views' test does,
// and that the demo catalog's folders arrive.
func TestInternalTableMetadataOverTheWire(t *testing.T) {
	st := newStack(t)
	db := st.db(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sa, err := st.cat.CallerFor("sa")
	if err != nil {
		t.Fatal(err)
	}
	for table, spec := range internalTables {
		t.Run(table, func(t *testing.T) {
			rs, err := db.QueryContext(ctx, "SELECT * FROM SSISDB.internal."+table+" WHERE 1 = 0")
			if err != nil {
				t.Fatal(err)
			}
			defer rs.Close()
			cts, err := rs.ColumnTypes()
			if err != nil {
				t.Fatal(err)
			}
			want := strings.Split(strings.ReplaceAll(spec, "sysname", "nvarchar(128)"), ", ")
			src, ok := st.cat.View(catalog.SSISDB, "internal", table, sa)
			if !ok {
				t.Fatalf("the catalog has no internal.%s", table)
			}
			declared := src.Columns()
			if len(cts) != len(want) || len(declared) != len(want) {
				t.Fatalf("%d columns over the wire, %d declared, %d in the schema", len(cts), len(declared), len(want))
			}
			for i, ct := range cts {
				if got := ct.Name() + " " + wireType(ct.DatabaseTypeName(), ct); got != want[i] {
					t.Errorf("column %d: %q, schema %q", i+1, got, want[i])
				}
				if nullable, ok := ct.Nullable(); !ok || nullable != declared[i].Nullable {
					t.Errorf("column %s: nullable %v (known %v) over the wire, declared %v", ct.Name(), nullable, ok, declared[i].Nullable)
				}
			}
		})
	}
	var folders int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM SSISDB.internal.folders").Scan(&folders); err != nil || folders == 0 {
		t.Fatalf("internal.folders: %d rows, %v", folders, err)
	}
}
