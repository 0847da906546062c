package ssisdb

import (
	"context"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/proc"
)

// WorkerControlProcs returns the control procedures that play the part of
// the Scale Out workers' machines, so that tests can make the things happen
// that a real farm does to a master (schema emulator, sysadmin only, from
// any database):
//
//	emulator.set_worker_online @worker_id, @online = 1
//	                          start (1) or stop (0) a worker's heartbeats, as if its
//	                          service or network went away or came back
//	emulator.lose_worker @worker_id
//	                          the worker's machine dies: its packages vanish and the
//	                          master notices when their leases expire (retry or 6)
//	emulator.register_worker @worker_id, @machine_name = NULL, @user_account = NULL
//	                          a worker's first heartbeat: an unknown worker arrives
//	                          disabled, as on a real master
//	emulator.set_worker_max_task_count @worker_id, @max_task_count
//	                          the worker's MaxTaskCount (WorkerSettings.config)
//	emulator.set_login_password @login_name, @password
//	                          the password a login (also a Windows-style one, which
//	                          then signs in by NTLM) signs in with
func WorkerControlProcs(cat *catalog.Catalog, m *scaleout.Master) []*proc.Def {
	b := &binder{cat: cat}
	def := b.control
	return []*proc.Def{
		def("set_worker_online", func(ctx context.Context, c *proc.Call) (int32, error) {
			id, err := workerID(c)
			if err != nil {
				return status(err)
			}
			return status(m.SetWorkerOnline(id, c.Arg("@online").Bool()))
		}, req("@worker_id", tGUID), opt("@online", tBit, sqltype.NewBit(true))),
		def("lose_worker", func(ctx context.Context, c *proc.Call) (int32, error) {
			id, err := workerID(c)
			if err != nil {
				return status(err)
			}
			return status(m.LoseWorker(id))
		}, req("@worker_id", tGUID)),
		def("register_worker", func(ctx context.Context, c *proc.Call) (int32, error) {
			id, err := workerID(c)
			if err != nil {
				return status(err)
			}
			_, err = m.Register(id, strOr(c, "@machine_name", ""), strOr(c, "@user_account", ""))
			return status(cat.RecordWorkers(err))
		}, req("@worker_id", tGUID), optNull("@machine_name", sqltype.NVarCharN(256)), optNull("@user_account", sqltype.NVarCharN(256))),
		def("set_worker_max_task_count", func(ctx context.Context, c *proc.Call) (int32, error) {
			id, err := workerID(c)
			if err != nil {
				return status(err)
			}
			n := c.Arg("@max_task_count")
			if n.IsNull() || n.Int64() < 1 {
				return status(errInvalidParam("max_task_count"))
			}
			return status(cat.RecordWorkers(m.SetMaxTaskCount(id, int(n.Int64()))))
		}, req("@worker_id", tGUID), req("@max_task_count", tInt)),
		def("set_login_password", func(ctx context.Context, c *proc.Call) (int32, error) {
			login, pw := str(c, "@login_name"), str(c, "@password")
			if login == nil || pw == nil {
				return status(errNullInput())
			}
			return status(cat.SetLoginPassword(*login, *pw))
		}, req("@login_name", tName), req("@password", tName)),
	}
}

// workerID is the @worker_id argument of a worker procedure; NULL and the
// empty GUID are 27100.
func workerID(c *proc.Call) (uuid.UUID, error) {
	id := guid(c, "@worker_id")
	if id == nil || *id == uuid.Nil {
		return uuid.Nil, catalog.Errorf(27100, 1, "@worker_id")
	}
	return *id, nil
}
