package ssisdb

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/proc"
)

// Parameter types of the catalog procedures (ssisdb-catalog.md §2).
var (
	tSysname = sqltype.NVarCharN(128)
	tName    = sqltype.NVarCharN(128)
	tPackage = sqltype.NVarCharN(260)
	tDesc    = sqltype.NVarCharN(1024)
	tMax     = sqltype.NVarCharN(sqltype.Max)
	tBigInt  = sqltype.TBigInt
	tInt     = sqltype.TInt
	tSmall   = sqltype.TSmallInt
	tBit     = sqltype.TBit
	tGUID    = sqltype.TUniqueIdentifier
	tVariant = sqltype.TSQLVariant
	tChar1   = sqltype.CharN(1)
)

func req(name string, t sqltype.Type) proc.Param { return proc.Param{Name: name, Type: t} }

func opt(name string, t sqltype.Type, def sqltype.Value) proc.Param {
	return proc.Param{Name: name, Type: t, HasDefault: true, Default: def}
}

func optNull(name string, t sqltype.Type) proc.Param { return opt(name, t, sqltype.Null(t)) }

// out is an OUTPUT parameter; optional ones have a NULL default.
func out(name string, t sqltype.Type, optional bool) proc.Param {
	p := proc.Param{Name: name, Type: t, Output: true}
	if optional {
		p.HasDefault, p.Default = true, sqltype.Null(t)
	}
	return p
}

// Procs returns the catalog.* procedures of SSISDB bound to cat, and the
// internal.* ones scripts call (internalProcs).
func Procs(cat *catalog.Catalog) []*proc.Def {
	b := &binder{cat: cat}
	def := func(name string, body proc.Body, params ...proc.Param) *proc.Def {
		return &proc.Def{Database: catalog.SSISDB, Schema: "catalog", Name: name, Params: params, Body: body}
	}
	return append([]*proc.Def{
		def("create_execution", b.createExecution,
			req("@folder_name", tName), req("@project_name", tName), req("@package_name", tPackage),
			optNull("@reference_id", tBigInt), opt("@use32bitruntime", tBit, sqltype.NewBit(false)),
			proc.Param{Name: "@runinscaleout", Type: tBit, HasDefault: true, Default: sqltype.Null(tBit), Aliases: []string{"@runincluster"}},
			opt("@useanyworker", tBit, sqltype.NewBit(true)), out("@execution_id", tBigInt, false)),
		def("set_execution_parameter_value", b.setExecutionParameterValue,
			req("@execution_id", tBigInt), req("@object_type", tSmall), req("@parameter_name", tName), req("@parameter_value", tVariant)),
		def("set_execution_property_override_value", b.setExecutionPropertyOverrideValue,
			req("@execution_id", tBigInt), req("@property_path", sqltype.NVarCharN(4000)), req("@property_value", tMax), req("@sensitive", tBit)),
		def("add_execution_worker", b.addExecutionWorker, req("@execution_id", tBigInt), req("@workeragent_id", tGUID)),
		def("start_execution", b.startExecution, req("@execution_id", tBigInt), opt("@retry_count", tInt, sqltype.NewInt(0))),
		def("stop_operation", b.stopOperation, req("@operation_id", tBigInt)),
		def("create_folder", b.createFolder, req("@folder_name", tName), out("@folder_id", tBigInt, true)),
		def("delete_folder", b.deleteFolder, req("@folder_name", tName)),
		def("rename_folder", b.renameFolder, req("@old_name", tName), req("@new_name", tName)),
		def("set_folder_description", b.setFolderDescription, req("@folder_name", tName), req("@folder_description", tDesc)),
		def("deploy_project", b.deployProject, req("@folder_name", tName), req("@project_name", tName),
			req("@project_stream", sqltype.VarBinaryN(sqltype.Max)), out("@operation_id", tBigInt, true)),
		def("delete_project", b.deleteProject, req("@folder_name", tName), req("@project_name", tName)),
		def("move_project", b.moveProject, req("@source_folder", tName), req("@project_name", tName), req("@destination_folder", tName)),
		def("get_project", b.getProject, req("@folder_name", tName), req("@project_name", tName)),
		def("create_environment", b.createEnvironment, req("@folder_name", tName), req("@environment_name", tName), optNull("@environment_description", tDesc)),
		def("delete_environment", b.deleteEnvironment, req("@folder_name", tName), req("@environment_name", tName)),
		def("rename_environment", b.renameEnvironment, req("@folder_name", tName), req("@environment_name", tName), req("@new_environment_name", tName)),
		def("create_environment_variable", b.createEnvironmentVariable, req("@folder_name", tSysname), req("@environment_name", tName),
			req("@variable_name", tName), req("@data_type", tName), req("@sensitive", tBit), req("@value", tVariant), optNull("@description", tDesc)),
		def("set_environment_variable_value", b.setEnvironmentVariableValue, req("@folder_name", tName), req("@environment_name", tName),
			req("@variable_name", tName), req("@value", tVariant)),
		def("set_environment_variable_property", b.setEnvironmentVariableProperty, req("@folder_name", tName), req("@environment_name", tName),
			req("@variable_name", tName), req("@property_name", tName), req("@property_value", sqltype.NVarCharN(4000))),
		def("delete_environment_variable", b.deleteEnvironmentVariable, req("@folder_name", tName), req("@environment_name", tName), req("@variable_name", tName)),
		def("create_environment_reference", b.createEnvironmentReference, req("@folder_name", tName), req("@project_name", tName),
			req("@environment_name", tName), req("@reference_type", tChar1), optNull("@environment_folder_name", tName), out("@reference_id", tBigInt, false)),
		def("delete_environment_reference", b.deleteEnvironmentReference, req("@reference_id", tBigInt)),
		def("set_object_parameter_value", b.setObjectParameterValue, req("@object_type", tSmall), req("@folder_name", tName),
			req("@project_name", tName), req("@parameter_name", tName), req("@parameter_value", tVariant),
			optNull("@object_name", tPackage), opt("@value_type", tChar1, sqltype.NewString(tChar1, "V"))),
		def("clear_object_parameter_value", b.clearObjectParameterValue, req("@folder_name", tName), req("@project_name", tName),
			req("@object_type", tSmall), req("@object_name", tPackage), req("@parameter_name", tName)),
		def("enable_worker_agent", b.workerProc((*catalog.Catalog).EnableWorkerAgent), req("@WorkerAgentId", tGUID)),
		def("disable_worker_agent", b.workerProc((*catalog.Catalog).DisableWorkerAgent), req("@WorkerAgentId", tGUID)),
		def("delete_worker_agent", b.workerProc((*catalog.Catalog).DeleteWorkerAgent), req("@WorkerAgentId", tGUID)),
		def("set_worker_agent_property", b.setWorkerAgentProperty, req("@WorkerAgentId", tGUID), req("@PropertyName", sqltype.NVarCharN(256)), req("@PropertyValue", tMax)),
		def("configure_catalog", b.configureCatalog, req("@property_name", sqltype.NVarCharN(255)), req("@property_value", sqltype.NVarCharN(255))),
		def("grant_permission", b.permission((*catalog.Catalog).GrantPermission), req("@object_type", tSmall), req("@object_id", tBigInt), req("@principal_id", tInt), req("@permission_type", tSmall)),
		def("deny_permission", b.permission((*catalog.Catalog).DenyPermission), req("@object_type", tSmall), req("@object_id", tBigInt), req("@principal_id", tInt), req("@permission_type", tSmall)),
		def("revoke_permission", b.permission((*catalog.Catalog).RevokePermission), req("@object_type", tSmall), req("@object_id", tBigInt), req("@principal_id", tInt), req("@permission_type", tSmall)),
	}, append(b.moreProcs(def), b.internalProcs()...)...)
}

type binder struct {
	cat *catalog.Catalog
}

// Typed views of bound arguments: nil for NULL.

// arg is the bound argument name read through get, nil when it is NULL.
func arg[T any](c *proc.Call, name string, get func(sqltype.Value) T) *T {
	v := c.Arg(name)
	if v.IsNull() {
		return nil
	}
	x := get(v)
	return &x
}

func str(c *proc.Call, name string) *string { return arg(c, name, sqltype.Value.Str) }
func i64(c *proc.Call, name string) *int64  { return arg(c, name, sqltype.Value.Int64) }
func i32(c *proc.Call, name string) *int32 {
	return arg(c, name, func(v sqltype.Value) int32 { return int32(v.Int64()) })
}
func i16(c *proc.Call, name string) *int16 {
	return arg(c, name, func(v sqltype.Value) int16 { return int16(v.Int64()) })
}
func bit(c *proc.Call, name string) *bool       { return arg(c, name, sqltype.Value.Bool) }
func guid(c *proc.Call, name string) *uuid.UUID { return arg(c, name, sqltype.Value.UUID) }

// strOr is a string argument, def when it is NULL.
func strOr(c *proc.Call, name, def string) string {
	if s := str(c, name); s != nil {
		return *s
	}
	return def
}

// errNullInput is 27138, the catalog's "parameter cannot be null" (state 1).
func errNullInput() error { return catalog.Errorf(27138, 1) }

// errInvalidParam is 27101 for the named parameter (state 1).
func errInvalidParam(name string) error { return catalog.Errorf(27101, 1, name) }

// status turns a catalog error into the procedure's outcome: SQL errors are
// raised inside the procedure and the return status is 1, as the real
// procedures do RAISERROR ... RETURN 1.
func status(err error) (int32, error) {
	if err == nil {
		return 0, nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return 0, err
	}
	if _, ok := sqlerr.As(err); ok {
		return 1, err
	}
	return 1, sqlerr.New(50000, 16, 1, "%s", err.Error())
}

func (b *binder) env(c *proc.Call) (*catalog.Tx, *catalog.Caller) {
	return txOf(c.Tx), CallerOf(c.Caller)
}

func (b *binder) createExecution(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	id, err := b.cat.CreateExecution(ctx, tx, caller, catalog.CreateExecutionArgs{
		FolderName: str(c, "@folder_name"), ProjectName: str(c, "@project_name"), PackageName: str(c, "@package_name"),
		ReferenceID: i64(c, "@reference_id"), Use32BitRuntime: bit(c, "@use32bitruntime"),
		RunInScaleOut: bit(c, "@runinscaleout"), UseAnyWorker: bit(c, "@useanyworker"),
	})
	if id != 0 {
		c.SetOut("@execution_id", sqltype.NewBigInt(id))
	}
	return status(err)
}

func (b *binder) setExecutionParameterValue(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.SetExecutionParameterValue(ctx, tx, caller, i64(c, "@execution_id"), i16(c, "@object_type"), str(c, "@parameter_name"), c.Arg("@parameter_value")))
}

func (b *binder) setExecutionPropertyOverrideValue(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.SetExecutionPropertyOverrideValue(ctx, tx, caller, i64(c, "@execution_id"), str(c, "@property_path"), str(c, "@property_value"), bit(c, "@sensitive")))
}

func (b *binder) addExecutionWorker(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.AddExecutionWorker(ctx, tx, caller, i64(c, "@execution_id"), guid(c, "@workeragent_id")))
}

// startExecution blocks for SYNCHRONIZED = 1 until the execution ends; an
// ATTENTION (ctx) ends the wait and leaves the execution running.
func (b *binder) startExecution(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.StartExecution(ctx, tx, caller, i64(c, "@execution_id"), i32(c, "@retry_count")))
}

func (b *binder) stopOperation(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	_, err := b.cat.StopOperation(ctx, tx, caller, i64(c, "@operation_id"))
	return status(err)
}

func (b *binder) createFolder(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	id, err := b.cat.CreateFolder(ctx, tx, caller, str(c, "@folder_name"))
	if err == nil {
		c.SetOut("@folder_id", sqltype.NewBigInt(id))
	}
	return status(err)
}

func (b *binder) deleteFolder(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.DeleteFolder(ctx, tx, caller, str(c, "@folder_name")))
}

func (b *binder) renameFolder(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.RenameFolder(ctx, tx, caller, str(c, "@old_name"), str(c, "@new_name")))
}

func (b *binder) setFolderDescription(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.SetFolderDescription(ctx, tx, caller, str(c, "@folder_name"), str(c, "@folder_description")))
}

func (b *binder) deployProject(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	var stream []byte
	if v := c.Arg("@project_stream"); !v.IsNull() {
		stream = v.Bytes()
	}
	id, err := b.cat.DeployProject(ctx, tx, caller, str(c, "@folder_name"), str(c, "@project_name"), stream)
	if id != 0 {
		c.SetOut("@operation_id", sqltype.NewBigInt(id))
	}
	return status(err)
}

func (b *binder) deleteProject(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.DeleteProject(ctx, tx, caller, str(c, "@folder_name"), str(c, "@project_name")))
}

func (b *binder) moveProject(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.MoveProject(ctx, tx, caller, str(c, "@source_folder"), str(c, "@project_name"), str(c, "@destination_folder")))
}

// getProject returns the project's .ispac as a one-row result set.
func (b *binder) getProject(ctx context.Context, c *proc.Call) (int32, error) {
	_, caller := b.env(c)
	data, err := b.cat.GetProject(ctx, caller, str(c, "@folder_name"), str(c, "@project_name"))
	if err != nil {
		return status(err)
	}
	t := sqltype.VarBinaryN(sqltype.Max)
	src := &listSource{cols: []rows.Column{{Name: "project_stream", Type: t, Nullable: true}}, rows: []rows.Row{{sqltype.NewBytes(t, data)}}}
	return 0, c.Results.Send(ctx, src)
}

func (b *binder) createEnvironment(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.CreateEnvironment(ctx, tx, caller, str(c, "@folder_name"), str(c, "@environment_name"), str(c, "@environment_description")))
}

func (b *binder) deleteEnvironment(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.DeleteEnvironment(ctx, tx, caller, str(c, "@folder_name"), str(c, "@environment_name")))
}

func (b *binder) renameEnvironment(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.RenameEnvironment(ctx, tx, caller, str(c, "@folder_name"), str(c, "@environment_name"), str(c, "@new_environment_name")))
}

func (b *binder) createEnvironmentVariable(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.CreateEnvironmentVariable(ctx, tx, caller, str(c, "@folder_name"), str(c, "@environment_name"),
		str(c, "@variable_name"), str(c, "@data_type"), bit(c, "@sensitive"), c.Arg("@value"), str(c, "@description")))
}

func (b *binder) setEnvironmentVariableValue(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.SetEnvironmentVariableValue(ctx, tx, caller, str(c, "@folder_name"), str(c, "@environment_name"), str(c, "@variable_name"), c.Arg("@value")))
}

func (b *binder) setEnvironmentVariableProperty(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.SetEnvironmentVariableProperty(ctx, tx, caller, str(c, "@folder_name"), str(c, "@environment_name"),
		str(c, "@variable_name"), str(c, "@property_name"), str(c, "@property_value")))
}

func (b *binder) deleteEnvironmentVariable(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.DeleteEnvironmentVariable(ctx, tx, caller, str(c, "@folder_name"), str(c, "@environment_name"), str(c, "@variable_name")))
}

func (b *binder) createEnvironmentReference(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	id, err := b.cat.CreateEnvironmentReference(ctx, tx, caller, str(c, "@folder_name"), str(c, "@project_name"),
		str(c, "@environment_name"), str(c, "@reference_type"), str(c, "@environment_folder_name"))
	if err == nil {
		c.SetOut("@reference_id", sqltype.NewBigInt(id))
	}
	return status(err)
}

func (b *binder) deleteEnvironmentReference(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.DeleteEnvironmentReference(ctx, tx, caller, i64(c, "@reference_id")))
}

func (b *binder) setObjectParameterValue(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	warnings, err := b.cat.SetObjectParameterValue(ctx, tx, caller, i16(c, "@object_type"), str(c, "@folder_name"),
		str(c, "@project_name"), str(c, "@parameter_name"), c.Arg("@parameter_value"), str(c, "@object_name"), str(c, "@value_type"))
	for _, w := range warnings {
		if werr := c.Results.Info(w); werr != nil {
			return 0, werr
		}
	}
	return status(err)
}

func (b *binder) clearObjectParameterValue(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.ClearObjectParameterValue(ctx, tx, caller, str(c, "@folder_name"), str(c, "@project_name"),
		i16(c, "@object_type"), str(c, "@object_name"), str(c, "@parameter_name")))
}

func (b *binder) workerProc(m func(*catalog.Catalog, context.Context, *catalog.Caller, *uuid.UUID) error) proc.Body {
	return func(ctx context.Context, c *proc.Call) (int32, error) {
		_, caller := b.env(c)
		return status(m(b.cat, ctx, caller, guid(c, "@WorkerAgentId")))
	}
}

func (b *binder) setWorkerAgentProperty(ctx context.Context, c *proc.Call) (int32, error) {
	_, caller := b.env(c)
	return status(b.cat.SetWorkerAgentProperty(ctx, caller, guid(c, "@WorkerAgentId"), str(c, "@PropertyName"), str(c, "@PropertyValue")))
}

func (b *binder) configureCatalog(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	return status(b.cat.ConfigureCatalog(ctx, tx, caller, str(c, "@property_name"), str(c, "@property_value")))
}

type permFn func(*catalog.Catalog, context.Context, *catalog.Tx, *catalog.Caller, *int16, *int64, *int32, *int16) error

func (b *binder) permission(m permFn) proc.Body {
	return func(ctx context.Context, c *proc.Call) (int32, error) {
		tx, caller := b.env(c)
		return status(m(b.cat, ctx, tx, caller, i16(c, "@object_type"), i64(c, "@object_id"), i32(c, "@principal_id"), i16(c, "@permission_type")))
	}
}
