package ssisdb

import (
	"context"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/proc"
)

// moreProcs are the validations, object versions, the environment
// procedures added after the first set, and the data taps.
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
	}
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
