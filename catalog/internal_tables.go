package catalog

import "github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"

// The internal.* base tables that real scripts read directly. Their column
// lists follow the SSISDB schema's CREATE TABLE statements (SQL Server
// 2017+), in order. Like internal.operations they are granted to
// ssis_admin and sysadmin only: anyone else gets 229, and no row-level
// filter applies to those who may select.
//
// What the emulator does not keep shows as NULL: sensitive values are not
// encrypted here, so sensitive_value and sensitive_default_value are NULL
// (as is value for a sensitive row, as on SQL Server); package_data is NULL
// (the .ispac is kept per project version, not per package). Packages and
// parameters are kept for a project's current version only (an older one
// gets them again from its .ispac when restore_project makes it current),
// so project_version_lsn is the project's current object_version_lsn.
var (
	colsInternalEnvironments = cols("environment_id bigint!", "environment_name sysname!", "folder_id bigint!",
		"description nvarchar(1024)", "created_by_sid varbinary(85)!", "created_by_name nvarchar(128)!",
		"created_time datetimeoffset(7)!")
	colsInternalVariables = cols("variable_id bigint!", "environment_id bigint!", "name sysname!", "description nvarchar(1024)",
		"type nvarchar(128)!", "sensitive bit!", "value sql_variant", "sensitive_value varbinary(max)",
		"base_data_type nvarchar(128)!")
	colsInternalParameters = cols("parameter_id bigint!", "project_id bigint!", "project_version_lsn bigint!",
		"object_type smallint!", "object_name nvarchar(260)!", "parameter_name sysname!", "parameter_data_type nvarchar(128)!",
		"required bit!", "sensitive bit!", "description nvarchar(1024)", "design_default_value sql_variant",
		"default_value sql_variant", "sensitive_default_value varbinary(max)", "base_data_type nvarchar(128)",
		"value_type char(1)!", "value_set bit!", "referenced_variable_name nvarchar(128)", "validation_status char(1)!",
		"last_validation_time datetimeoffset(7)")
	colsInternalPackages = cols("package_id bigint!", "project_version_lsn bigint!", "name nvarchar(260)!",
		"package_guid uniqueidentifier!", "description nvarchar(1024)", "package_format_version int!", "version_major int!",
		"version_minor int!", "version_build int!", "version_comments nvarchar(1024)", "version_guid uniqueidentifier!",
		"project_id bigint!", "entry_point bit!", "validation_status char(1)!", "last_validation_time datetimeoffset(7)",
		"package_data varbinary(max)")
)

// baseDataType is the SQL base type name SSISDB records next to a stored
// value (base_data_type); NULL values have none.
func baseDataType(v sqltype.Value) (string, bool) {
	if v.IsNull() || v.Kind() == sqltype.Unknown {
		return "", false
	}
	return v.Kind().String(), true
}

func internalVariableRow(w *rowBuf, v *EnvironmentVariable) {
	w.int(v.ID)
	w.int(v.EnvironmentID)
	w.str(v.Name)
	w.desc(v.Description)
	w.str(v.Type)
	w.bit(v.Sensitive)
	w.sensitive(v.Sensitive, v.Value)
	w.null()
	// NOT NULL in the table: a variable always has a value (27138 on NULL).
	bt, _ := baseDataType(v.Value)
	w.str(bt)
}

func internalParameterRow(w *rowBuf, p *Project, q *ObjectParameter) {
	w.int(q.ID)
	w.int(q.ProjectID)
	w.int(p.LSN)
	w.int(int64(q.ObjectType))
	w.str(q.ObjectName)
	w.str(q.Name)
	w.str(q.DataType)
	w.bit(q.Required)
	w.bit(q.Sensitive)
	w.str(q.Description)
	w.sensitive(q.Sensitive, q.DesignDefault)
	w.sensitive(q.Sensitive, q.Default)
	w.null()
	// The base type of the value in force: the server default when one is
	// set, else the design default.
	v := q.DesignDefault
	if q.ValueSet && q.ValueType == 'V' {
		v = q.Default
	}
	if bt, ok := baseDataType(v); ok {
		w.str(bt)
	} else {
		w.null()
	}
	w.char(q.ValueType)
	w.bit(q.ValueSet)
	if q.ValueType == 'R' {
		w.str(q.ReferencedVar)
	} else {
		w.null()
	}
	w.str("N")
	w.null()
}

func internalPackageRow(w *rowBuf, p *Project, pk *Package) {
	w.int(pk.ID)
	w.int(p.LSN)
	w.str(pk.Name)
	w.guid(&pk.GUID)
	w.str(pk.Description)
	w.int(int64(pk.FormatVersion))
	w.int(int64(pk.VersionMajor))
	w.int(int64(pk.VersionMinor))
	w.int(int64(pk.VersionBuild))
	w.str(pk.VersionComments)
	w.guid(&pk.VersionGUID)
	w.int(pk.ProjectID)
	w.bit(pk.EntryPoint)
	w.str("N")
	w.null()
	w.null()
}

func init() {
	catalogViews["internal.folders"] = &viewDef{cols: colsFolders, deny: denyInternal("folders"),
		scan: func(x *scan) bool {
			return byID(x, x.s.Folders, func(x *scan, f *Folder) bool { folderRow(&x.w, f); return true })
		}}
	catalogViews["internal.projects"] = &viewDef{cols: colsProjects, deny: denyInternal("projects"),
		scan: func(x *scan) bool {
			return byID(x, x.s.Projects, func(x *scan, p *Project) bool { projectRow(&x.w, p); return true })
		}}
	catalogViews["internal.packages"] = &viewDef{cols: colsInternalPackages, deny: denyInternal("packages"),
		scan: func(x *scan) bool {
			return byID(x, x.s.Projects, func(x *scan, p *Project) bool {
				return afterID(x, p.Packages, func(pk *Package) int64 { return pk.ID }, func(pk *Package) { internalPackageRow(&x.w, p, pk) })
			})
		}}
	catalogViews["internal.object_parameters"] = &viewDef{cols: colsInternalParameters, deny: denyInternal("object_parameters"),
		scan: func(x *scan) bool {
			return byID(x, x.s.Projects, func(x *scan, p *Project) bool {
				return afterID(x, p.Params, func(q *ObjectParameter) int64 { return q.ID }, func(q *ObjectParameter) { internalParameterRow(&x.w, p, q) })
			})
		}}
	catalogViews["internal.environments"] = &viewDef{cols: colsInternalEnvironments, deny: denyInternal("environments"),
		scan: func(x *scan) bool {
			return byID(x, x.s.Environments, func(x *scan, e *Environment) bool { environmentRow(&x.w, e); return true })
		}}
	catalogViews["internal.environment_variables"] = &viewDef{cols: colsInternalVariables, deny: denyInternal("environment_variables"),
		scan: func(x *scan) bool {
			return byID(x, x.s.Environments, func(x *scan, e *Environment) bool {
				return afterID(x, e.Variables, func(v *EnvironmentVariable) int64 { return v.ID }, func(v *EnvironmentVariable) { internalVariableRow(&x.w, v) })
			})
		}}
	catalogViews["internal.environment_references"] = &viewDef{cols: colsEnvironmentReferences, deny: denyInternal("environment_references"),
		scan: func(x *scan) bool {
			return byID(x, x.s.References, func(x *scan, r *EnvironmentReference) bool {
				if x.s.Projects[r.ProjectID] != nil {
					referenceRow(&x.w, r)
				}
				return true
			})
		}}
}
