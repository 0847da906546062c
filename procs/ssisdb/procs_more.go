package ssisdb

import (
	"context"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/proc"
)

// moreProcs are the validations, the environment procedures added after
// the first set, the data taps, restore_project and get_parameter_values.
func (b *binder) moreProcs(def func(string, proc.Body, ...proc.Param) *proc.Def) []*proc.Def {
	return []*proc.Def{
		// The real signatures (SSISDB's CREATE PROCEDURE), which give
		// @validate_type and @environment_scope defaults the docs omit.
		def("validate_project", b.validateProject, req("@folder_name", tName), req("@project_name", tName),
			opt("@validate_type", tChar1, sqltype.NewString(tChar1, "F")), out("@validation_id", tBigInt, false),
			opt("@use32bitruntime", tBit, sqltype.NewBit(false)), opt("@environment_scope", tChar1, sqltype.NewString(tChar1, "D")),
			optNull("@reference_id", tBigInt)),
		def("validate_package", b.validatePackage, req("@folder_name", tName), req("@project_name", tName),
			req("@package_name", tPackage), out("@validation_id", tBigInt, false),
			opt("@use32bitruntime", tBit, sqltype.NewBit(false)), opt("@environment_scope", tChar1, sqltype.NewString(tChar1, "D")),
			optNull("@reference_id", tBigInt)),
		def("set_environment_property", b.setEnvironmentProperty, req("@folder_name", tName), req("@environment_name", tName),
			req("@property_name", tName), req("@property_value", tDesc)),
		def("set_environment_reference_type", b.setEnvironmentReferenceType, req("@reference_id", tBigInt),
			req("@reference_type", tChar1), optNull("@environment_folder_name", tName)),
		def("move_environment", b.moveEnvironment, req("@source_folder", tName), req("@environment_name", tName),
			req("@destination_folder", tName)),
		def("set_environment_variable_protection", b.setEnvironmentVariableProtection, req("@folder_name", tName),
			req("@environment_name", tName), req("@variable_name", tName), req("@sensitive", tBit)),
		def("add_data_tap", b.addDataTap, req("@execution_id", tBigInt), req("@task_package_path", tMax),
			req("@dataflow_path_id_string", sqltype.NVarCharN(4000)), req("@data_filename", sqltype.NVarCharN(4000)),
			optNull("@max_rows", tInt), out("@data_tap_id", tBigInt, true)),
		def("add_data_tap_by_guid", b.addDataTap, req("@execution_id", tBigInt), req("@dataflow_task_guid", tGUID),
			req("@dataflow_path_id_string", sqltype.NVarCharN(4000)), req("@data_filename", sqltype.NVarCharN(4000)),
			optNull("@max_rows", tInt), out("@data_tap_id", tBigInt, true)),
		def("remove_data_tap", b.removeDataTap, req("@data_tap_id", tBigInt)),
		def("restore_project", b.restoreProject, req("@folder_name", tName), req("@project_name", tName),
			req("@object_version_lsn", tBigInt)),
		def("get_parameter_values", b.getParameterValues, req("@folder_name", tName), req("@project_name", tName),
			req("@package_name", tPackage), optNull("@reference_id", tBigInt)),
	}
}

// getParameterValues sends the 27148 warnings, then the one result set.
func (b *binder) getParameterValues(ctx context.Context, c *proc.Call) (int32, error) {
	_, caller := b.env(c)
	out, warnings, err := b.cat.GetParameterValues(ctx, caller, str(c, "@folder_name"), str(c, "@project_name"),
		str(c, "@package_name"), i64(c, "@reference_id"))
	if err != nil {
		return status(err)
	}
	for _, w := range warnings {
		if werr := c.Results.Info(w); werr != nil {
			return 0, werr
		}
	}
	return 0, c.Results.Send(ctx, &listSource{cols: catalog.ParameterValueColumns, rows: out})
}

func (b *binder) restoreProject(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	_, err := b.cat.RestoreProject(ctx, tx, caller, str(c, "@folder_name"), str(c, "@project_name"), i64(c, "@object_version_lsn"))
	return status(err)
}

// addDataTap serves both add_data_tap (by package path) and
// add_data_tap_by_guid (by task GUID): the one argument it has is set.
func (b *binder) addDataTap(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	a := catalog.AddDataTapArgs{ExecutionID: i64(c, "@execution_id"), PathIDString: str(c, "@dataflow_path_id_string"),
		DataFileName: str(c, "@data_filename"), MaxRows: i32(c, "@max_rows")}
	if c.Def.Name == "add_data_tap_by_guid" {
		a.TaskGUID = guid(c, "@dataflow_task_guid")
	} else {
		a.TaskPackagePath = str(c, "@task_package_path")
	}
	id, err := b.cat.AddDataTap(ctx, tx, caller, a)
	if err == nil {
		c.SetOut("@data_tap_id", sqltype.NewBigInt(id))
	}
	return status(err)
}

func (b *binder) removeDataTap(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.RemoveDataTap(ctx, tx, caller, i64(c, "@data_tap_id")))
}

func (b *binder) setEnvironmentProperty(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.SetEnvironmentProperty(ctx, tx, caller, str(c, "@folder_name"), str(c, "@environment_name"),
		str(c, "@property_name"), str(c, "@property_value")))
}

func (b *binder) setEnvironmentReferenceType(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.SetEnvironmentReferenceType(ctx, tx, caller, i64(c, "@reference_id"), str(c, "@reference_type"),
		str(c, "@environment_folder_name")))
}

func (b *binder) moveEnvironment(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.MoveEnvironment(ctx, tx, caller, str(c, "@source_folder"), str(c, "@environment_name"), str(c, "@destination_folder")))
}

func (b *binder) setEnvironmentVariableProtection(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.SetEnvironmentVariableProtection(ctx, tx, caller, str(c, "@folder_name"), str(c, "@environment_name"),
		str(c, "@variable_name"), bit(c, "@sensitive")))
}

func (b *binder) validateArgs(c *proc.Call) catalog.ValidateArgs {
	return catalog.ValidateArgs{FolderName: str(c, "@folder_name"), ProjectName: str(c, "@project_name"),
		Use32BitRuntime: bit(c, "@use32bitruntime"), EnvironmentScope: str(c, "@environment_scope"),
		ReferenceID: i64(c, "@reference_id")}
}

func (b *binder) validateProject(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	a := b.validateArgs(c)
	a.ValidateType = str(c, "@validate_type")
	id, err := b.cat.ValidateProject(ctx, tx, caller, a)
	if id != 0 {
		c.SetOut("@validation_id", sqltype.NewBigInt(id))
	}
	return status(err)
}

func (b *binder) validatePackage(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	a := b.validateArgs(c)
	a.PackageName = str(c, "@package_name")
	id, err := b.cat.ValidatePackage(ctx, tx, caller, a)
	if id != 0 {
		c.SetOut("@validation_id", sqltype.NewBigInt(id))
	}
	return status(err)
}
