package catalog

import (
	"context"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
)

// The worker-agent procedures have no SQL-authentication check and no
// in-procedure role test; EXECUTE is granted to ssis_admin (and sysadmin
// has it), so anyone else gets the engine's 229 (reference §2.6).
func (c *Catalog) workerProcAllowed(caller *Caller, proc string) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	sc := c.st.resolve(caller)
	if !sc.admin() {
		return errorf(229, 5, "EXECUTE", proc, SSISDB, "catalog")
	}
	return nil
}

// workerArg applies the NULL (27100) and all-workers (27101) checks.
func workerArg(id *uuid.UUID) (uuid.UUID, error) {
	if id == nil || *id == uuid.Nil {
		return uuid.Nil, errorf(27100, 1, "@WorkerAgentId")
	}
	if *id == scaleout.AllWorkers {
		return uuid.Nil, errorf(27101, 1, guidText(*id))
	}
	return *id, nil
}

// EnableWorkerAgent is catalog.enable_worker_agent.
func (c *Catalog) EnableWorkerAgent(ctx context.Context, caller *Caller, workerID *uuid.UUID) error {
	if err := c.workerProcAllowed(caller, "enable_worker_agent"); err != nil {
		return err
	}
	id, err := workerArg(workerID)
	if err != nil {
		return err
	}
	return c.workersChanged(c.master.EnableWorker(id))
}

// DisableWorkerAgent is catalog.disable_worker_agent.
func (c *Catalog) DisableWorkerAgent(ctx context.Context, caller *Caller, workerID *uuid.UUID) error {
	if err := c.workerProcAllowed(caller, "disable_worker_agent"); err != nil {
		return err
	}
	id, err := workerArg(workerID)
	if err != nil {
		return err
	}
	return c.workersChanged(c.master.DisableWorker(id))
}

// DeleteWorkerAgent is catalog.delete_worker_agent (undocumented).
func (c *Catalog) DeleteWorkerAgent(ctx context.Context, caller *Caller, workerID *uuid.UUID) error {
	if err := c.workerProcAllowed(caller, "delete_worker_agent"); err != nil {
		return err
	}
	id, err := workerArg(workerID)
	if err != nil {
		return err
	}
	return c.workersChanged(c.master.DeleteWorker(id))
}

// SetWorkerAgentProperty is catalog.set_worker_agent_property: DisplayName,
// Description or Tags.
func (c *Catalog) SetWorkerAgentProperty(ctx context.Context, caller *Caller, workerID *uuid.UUID, name, value *string) error {
	if err := c.workerProcAllowed(caller, "set_worker_agent_property"); err != nil {
		return err
	}
	id, err := workerArg(workerID)
	if err != nil {
		return err
	}
	if name == nil {
		return errorf(27100, 1, "@PropertyName")
	}
	v := ""
	if value != nil {
		v = *value
	}
	return c.workersChanged(c.master.SetWorkerProperty(id, *name, v))
}

// DefineWorker adds a worker agent through the control surface (delegated
// to the master).
func (c *Catalog) DefineWorker(ctx context.Context, cfg scaleout.WorkerConfig) (scaleout.Worker, error) {
	w, err := c.master.AddWorker(cfg)
	return w, c.workersChanged(err)
}

// RecordWorkers saves the master's worker agents after a change made on the
// master directly (the control surface registers workers and sets their
// MaxTaskCount there); it returns masterErr, the change's own error.
func (c *Catalog) RecordWorkers(masterErr error) error { return c.workersChanged(masterErr) }

// workersChanged records the master's worker agents after a change the
// master accepted (masterErr nil) and returns the call's error.
func (c *Catalog) workersChanged(masterErr error) (err error) {
	if masterErr != nil {
		return asSQL(masterErr)
	}
	c.mu.Lock()
	defer c.release(&err)
	c.st.changes(nil).workers()
	return nil
}
