package ssisdb

import (
	"context"
	"strings"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/proc"
)

// ControlProcs returns the emulator's control procedures, schema emulator,
// callable from any database by sysadmins only (others get 229):
//
//	emulator.reset                          empty the catalog (workers stay)
//	emulator.demo_catalog                   deploy the demo folders and projects
//	emulator.load_ispac_dir @dir, @default_folder = N'Default'
//	                                        deploy every .ispac/.dtsx under a directory;
//	                                        one row per folder/project deployed
//	emulator.define_worker @worker_id, @enabled = 1, @display_name = NULL,
//	                       @machine_name = NULL, @max_task_count = 10
//	                                        add (or replace) a Scale Out worker agent
//	emulator.define_logging_level @name, @description = N'', @profile = 0, @events = 0
//	                                        add a customized logging level
//	emulator.set_package_rule @folder = N'*', @project = N'*', @package = N'*',
//	                          @outcome = N'succeed', @duration_ms = 0, @fail_first = 0
//	                                        how runs of matching packages behave (succeed,
//	                                        fail or hang until stopped); the newest rule wins
//	emulator.clear_package_rules            back to the default: every run succeeds at once
//
// The package-rule procedures exist only when sim is not nil.
func ControlProcs(cat *catalog.Catalog, sim *runner.Sim) []*proc.Def {
	b := &binder{cat: cat}
	def := b.control
	defs := []*proc.Def{
		def("reset", func(ctx context.Context, c *proc.Call) (int32, error) {
			cat.Reset(ctx)
			return 0, nil
		}),
		def("demo_catalog", func(ctx context.Context, c *proc.Call) (int32, error) {
			return status(cat.DemoCatalog(ctx))
		}),
		def("load_ispac_dir", b.loadDir, req("@dir", sqltype.NVarCharN(4000)), opt("@default_folder", tName, sqltype.NewNVarChar("Default"))),
		def("define_worker", b.defineWorker, req("@worker_id", tGUID), opt("@enabled", tBit, sqltype.NewBit(true)),
			optNull("@display_name", sqltype.NVarCharN(256)), optNull("@machine_name", sqltype.NVarCharN(256)),
			opt("@max_task_count", tInt, sqltype.NewInt(int64(scaleout.DefaultMaxTaskCount)))),
		def("define_logging_level", func(ctx context.Context, c *proc.Call) (int32, error) {
			name := str(c, "@name")
			if name == nil {
				return status(errNullInput())
			}
			desc := strOr(c, "@description", "")
			cat.DefineLoggingLevel(ctx, *name, desc, c.Arg("@profile").Int64(), c.Arg("@events").Int64())
			return 0, nil
		}, req("@name", tName), opt("@description", tDesc, sqltype.NewNVarChar("")), opt("@profile", tBigInt, sqltype.NewBigInt(0)), opt("@events", tBigInt, sqltype.NewBigInt(0))),
	}
	if sim == nil {
		return defs
	}
	pattern := func(name string) proc.Param { return opt(name, tPackage, sqltype.NewNVarChar("*")) }
	defs = append(defs,
		def("set_package_rule", func(ctx context.Context, c *proc.Call) (int32, error) {
			r := runner.Rule{Folder: *str(c, "@folder"), Project: *str(c, "@project"), Package: *str(c, "@package"),
				Duration: time.Duration(c.Arg("@duration_ms").Int64()) * time.Millisecond, FailFirst: int(c.Arg("@fail_first").Int64())}
			switch strings.ToLower(*str(c, "@outcome")) {
			case "succeed":
				r.Outcome = runner.Succeed
			case "fail":
				r.Outcome = runner.Fail
			case "hang":
				r.Outcome = runner.Hang
			default:
				return status(errInvalidParam("outcome"))
			}
			if err := sim.AddRule(r); err != nil {
				return status(errInvalidParam(err.Error()))
			}
			return 0, nil
		}, pattern("@folder"), pattern("@project"), pattern("@package"), opt("@outcome", sqltype.NVarCharN(20), sqltype.NewNVarChar("succeed")),
			opt("@duration_ms", tBigInt, sqltype.NewBigInt(0)), opt("@fail_first", tInt, sqltype.NewInt(0))),
		def("clear_package_rules", func(ctx context.Context, c *proc.Call) (int32, error) {
			return status(sim.SetRules(nil))
		}),
	)
	return defs
}

// control defines the control procedure emulator.name, for sysadmins only.
func (b *binder) control(name string, body proc.Body, params ...proc.Param) *proc.Def {
	return &proc.Def{Schema: "emulator", Name: name, Params: params, Body: b.admin(name, body)}
}

// admin refuses non-sysadmins with 229, as an EXECUTE not granted would.
func (b *binder) admin(name string, body proc.Body) proc.Body {
	return func(ctx context.Context, c *proc.Call) (int32, error) {
		if c.Caller == nil || !c.Caller.IsSysadmin() {
			return 1, sqlerr.New(229, 14, 5, "The %s permission was denied on the object '%s', database '%s', schema '%s'.", "EXECUTE", name, catalog.SSISDB, "emulator")
		}
		return body(ctx, c)
	}
}

func (b *binder) loadDir(ctx context.Context, c *proc.Call) (int32, error) {
	dir := str(c, "@dir")
	if dir == nil {
		return status(errNullInput())
	}
	folder := strOr(c, "@default_folder", "Default")
	names, err := b.cat.LoadDir(ctx, *dir, folder)
	if err != nil {
		return status(err)
	}
	t := sqltype.NVarCharN(260)
	src := &listSource{cols: []rows.Column{{Name: "deployed", Type: t}}}
	for _, n := range names {
		src.rows = append(src.rows, rows.Row{sqltype.NewString(t, n)})
	}
	return 0, c.Results.Send(ctx, src)
}

func (b *binder) defineWorker(ctx context.Context, c *proc.Call) (int32, error) {
	id, err := workerID(c)
	if err != nil {
		return status(err)
	}
	cfg := scaleout.WorkerConfig{ID: id, Enabled: c.Arg("@enabled").Bool(), MaxTaskCount: int(c.Arg("@max_task_count").Int64()),
		DisplayName: strOr(c, "@display_name", ""), MachineName: strings.TrimSpace(strOr(c, "@machine_name", ""))}
	_, err = b.cat.DefineWorker(ctx, cfg)
	return status(err)
}

// listSource is a row source over rows in memory.
type listSource struct {
	cols []rows.Column
	rows []rows.Row
}

func (l *listSource) Columns() []rows.Column { return l.cols }

func (l *listSource) Scan(_ context.Context, fn func(rows.Row) bool) error {
	for _, r := range l.rows {
		if !fn(r) {
			return nil
		}
	}
	return nil
}
