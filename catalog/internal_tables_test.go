package catalog

import (
	"strings"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// The internal tables' columns as the SSISDB schema's CREATE TABLE
// statements declare them (a missing length on datetimeoffset is its
// default, 7).
func init() {
	for k, v := range map[string]string{
		"internal.folders": "folder_id bigint, name sysname, description nvarchar(1024), created_by_sid varbinary(85), " +
			"created_by_name nvarchar(128), created_time datetimeoffset(7)",
		"internal.projects": "project_id bigint, folder_id bigint, name sysname, description nvarchar(1024), project_format_version int, " +
			"deployed_by_sid varbinary(85), deployed_by_name nvarchar(128), last_deployed_time datetimeoffset(7), " +
			"created_time datetimeoffset(7), object_version_lsn bigint, validation_status char(1), last_validation_time datetimeoffset(7)",
		"internal.packages": "package_id bigint, project_version_lsn bigint, name nvarchar(260), package_guid uniqueidentifier, " +
			"description nvarchar(1024), package_format_version int, version_major int, version_minor int, version_build int, " +
			"version_comments nvarchar(1024), version_guid uniqueidentifier, project_id bigint, entry_point bit, " +
			"validation_status char(1), last_validation_time datetimeoffset(7), package_data varbinary(max)",
		"internal.object_parameters": "parameter_id bigint, project_id bigint, project_version_lsn bigint, object_type smallint, " +
			"object_name nvarchar(260), parameter_name sysname, parameter_data_type nvarchar(128), required bit, sensitive bit, " +
			"description nvarchar(1024), design_default_value sql_variant, default_value sql_variant, " +
			"sensitive_default_value varbinary(max), base_data_type nvarchar(128), value_type char(1), value_set bit, " +
			"referenced_variable_name nvarchar(128), validation_status char(1), last_validation_time datetimeoffset(7)",
		"internal.environments": "environment_id bigint, environment_name sysname, folder_id bigint, description nvarchar(1024), " +
			"created_by_sid varbinary(85), created_by_name nvarchar(128), created_time datetimeoffset(7)",
		"internal.environment_variables": "variable_id bigint, environment_id bigint, name sysname, description nvarchar(1024), " +
			"type nvarchar(128), sensitive bit, value sql_variant, sensitive_value varbinary(max), base_data_type nvarchar(128)",
		"internal.environment_references": "reference_id bigint, project_id bigint, reference_type char(1), " +
			"environment_folder_name nvarchar(128), environment_name sysname, validation_status char(1), " +
			"last_validation_time datetimeoffset(7)",
	} {
		referenceColumns[k] = v
	}
}

func TestInternalTables(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	must(t, e.c.CreateEnvironment(e.ctx, nil, admin, s("folder1"), s("env"), nil))
	must(t, e.c.CreateEnvironmentVariable(e.ctx, nil, admin, s("folder1"), s("env"), s("n"), s("Int32"), b(false), sqltype.NewInt(3), nil))
	must(t, e.c.CreateEnvironmentVariable(e.ctx, nil, admin, s("folder1"), s("env"), s("pw"), s("String"), b(true), sqltype.NewNVarChar("x"), nil))
	_, err := e.c.CreateEnvironmentReference(e.ctx, nil, admin, s("folder1"), s("project1"), s("env"), s("R"), nil)
	must(t, err)
	_, err = e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(20), s("folder1"), s("project1"), s("Required"), sqltype.NewBigInt(5), nil, nil)
	must(t, err)

	tests := []struct {
		table string
		rows  int
		check func(t *testing.T, rows [][]string)
	}{
		{"internal.folders", 1, func(t *testing.T, r [][]string) {
			if r[0][1] != "folder1" {
				t.Errorf("name %q", r[0][1])
			}
		}},
		{"internal.projects", 1, func(t *testing.T, r [][]string) {
			if r[0][2] != "project1" || r[0][10] != "N" {
				t.Errorf("row %v", r[0])
			}
		}},
		{"internal.packages", 2, func(t *testing.T, r [][]string) {
			if r[0][2] != "package1.dtsx" || r[0][1] != "1" || r[0][15] != "NULL" {
				t.Errorf("row %v", r[0])
			}
		}},
		{"internal.environments", 1, func(t *testing.T, r [][]string) {
			if r[0][1] != "env" {
				t.Errorf("environment_name %q", r[0][1])
			}
		}},
		{"internal.environment_variables", 2, func(t *testing.T, r [][]string) {
			if strings.Join(r[0][6:], ",") != "3,NULL,int" {
				t.Errorf("n: %v", r[0])
			}
			// A sensitive value is not shown in clear.
			if strings.Join(r[1][5:], ",") != "1,NULL,NULL,nvarchar" {
				t.Errorf("pw: %v", r[1])
			}
		}},
		{"internal.environment_references", 1, func(t *testing.T, r [][]string) {
			if r[0][2] != "R" || r[0][3] != "NULL" || r[0][4] != "env" {
				t.Errorf("row %v", r[0])
			}
		}},
		{"internal.object_parameters", -1, func(t *testing.T, r [][]string) {
			found := false
			for _, row := range r {
				if row[5] == "Required" {
					found = true
					if row[2] != "1" || row[11] != "5" || row[13] != "bigint" || row[14] != "V" || row[15] != "1" {
						t.Errorf("Required: %v", row)
					}
				}
				if row[5] == "Secret" && (row[10] != "NULL" || row[11] != "NULL") {
					t.Errorf("Secret shows a value: %v", row)
				}
			}
			if !found {
				t.Error("no row for the parameter Required")
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.table, func(t *testing.T) {
			for _, login := range []string{lAdmin, lSSIS} {
				got := e.query(e.as(login), tc.table)
				if tc.rows >= 0 && len(got) != tc.rows {
					t.Fatalf("%s sees %d rows, want %d", login, len(got), tc.rows)
				}
				if len(got) == 0 {
					t.Fatalf("%s sees no rows", login)
				}
				tc.check(t, got)
			}
			// Not granted to anyone else, whatever their object permissions.
			schema, name, _ := strings.Cut(tc.table, ".")
			for _, login := range []string{lReader, lExecutor, lNobody} {
				src, _ := e.c.View(SSISDB, schema, name, e.as(login))
				err := src.Scan(e.ctx, func(rows.Row) bool { return true })
				wantErr(t, err, 229, 5, "The SELECT permission was denied on the object '"+name+"', database 'SSISDB', schema 'internal'.")
			}
		})
	}
}
