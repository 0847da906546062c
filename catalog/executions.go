package catalog

import (
	"context"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// CreateExecutionArgs are catalog.create_execution's arguments as the
// engine binds them; nil is NULL. The binder applies the procedure's
// defaults (@use32bitruntime = 0, @useanyworker = 1) and maps both
// @runinscaleout and its pre-2017 name @runincluster to RunInScaleOut.
type CreateExecutionArgs struct {
	FolderName      *string
	ProjectName     *string
	PackageName     *string
	ReferenceID     *int64
	Use32BitRuntime *bool
	RunInScaleOut   *bool // NULL: catalog default (IS_SCALEOUT_ENABLED and DEFAULT_EXECUTION_MODE)
	UseAnyWorker    *bool // explicit NULL behaves as 0
}

// CreateExecution is catalog.create_execution; it returns @execution_id.
// Once the operation row exists, a failure marks it 4 (failed) and the
// error is thrown, as the real procedure does.
func (c *Catalog) CreateExecution(ctx context.Context, tx *Tx, caller *Caller, a CreateExecutionArgs) (id int64, err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return 0, err
	}
	if a.FolderName == nil || a.ProjectName == nil || a.PackageName == nil || a.Use32BitRuntime == nil {
		return 0, errorf(27138, 1)
	}
	scaleOut := false
	if a.RunInScaleOut != nil {
		scaleOut = *a.RunInScaleOut
	} else {
		scaleOut = strings.EqualFold(s.CatalogProperties["IS_SCALEOUT_ENABLED"], "TRUE") && s.CatalogProperties["DEFAULT_EXECUTION_MODE"] == "1"
	}
	op := c.newOperation(tx, sc, OpExecution, 20, nil, ptr(*a.ProjectName), StatusCreated)
	s.grantDefaults(tx, sc, ObjOperation, op.ID)
	fail := func(e *sqlerr.Error) (int64, error) {
		c.setStatus(tx, op, StatusFailed)
		return op.ID, thrown(e)
	}
	if _, ok := s.CatalogProperties["ENCRYPTION_ALGORITHM"]; !ok {
		return fail(errorf(27156, 1, "ENCRYPTION_ALGORITHM"))
	}
	p := s.visibleProject(sc, *a.FolderName, *a.ProjectName)
	if p == nil || p.packageByName(*a.PackageName) == nil {
		return fail(errorf(27146, 1))
	}
	if !s.check(sc, ObjProject, p.ID, PermExecute) {
		return fail(errorf(27178, 1, *a.ProjectName))
	}
	if scaleOut && !sc.admin() && !sc.has("ssis_cluster_executor") {
		return fail(errorf(27178, 1, *a.ProjectName))
	}
	if lvl := s.CatalogProperties["SERVER_OPERATION_ENCRYPTION_LEVEL"]; lvl != "1" && lvl != "2" {
		return fail(errorf(27163, 1, "SERVER_OPERATION_ENCRYPTION_LEVEL"))
	}
	pkg := p.packageByName(*a.PackageName)
	ex := &Execution{
		FolderName: s.Folders[p.FolderID].Name, ProjectName: p.Name, PackageName: pkg.Name, ProjectID: p.ID,
		ProjectLSN: p.LSN, ExecutedAsSID: sc.callerSID(), ExecutedAsName: sc.callerName(),
		Use32Bit: *a.Use32BitRuntime, ScaleOut: scaleOut, UseAnyWorker: a.UseAnyWorker != nil && *a.UseAnyWorker,
	}
	var env *Environment
	if a.ReferenceID != nil {
		r := s.References[*a.ReferenceID]
		if r == nil || r.ProjectID != p.ID {
			return fail(errorf(27208, 1, *a.ReferenceID))
		}
		env = s.referencedEnvironment(p, r)
		if env == nil || !s.check(sc, ObjEnvironment, env.ID, PermRead) {
			return fail(errorf(27182, 1, r.EnvironmentName))
		}
		ex.ReferenceID, ex.ReferenceType, ex.EnvName = ptr(r.ID), ptr(r.Type), ptr(r.EnvironmentName)
		if r.Type == 'A' {
			ex.EnvFolderName = ptr(r.FolderName)
		}
	}
	params, perr := c.executionParams(p, pkg, env)
	if perr != nil {
		return fail(perr)
	}
	ex.Params = params
	op.ObjectID = ptr(p.ID)
	if scaleOut {
		jobID, err := c.master.CreateJob(op.ID, ex.UseAnyWorker, ex.Use32Bit, sc.callerName())
		if err != nil {
			c.setStatus(tx, op, StatusFailed)
			return op.ID, thrown(sqlOf(err))
		}
		ex.JobID = &jobID
		s.changes(nil).job(op.ID) // the master keeps its job even if tx rolls back
	}
	s.attachExec(op, ex)
	return op.ID, nil
}

// sqlOf returns err's *sqlerr.Error, wrapping a foreign error as 50000.
func sqlOf(err error) *sqlerr.Error {
	if e, ok := sqlerr.As(asSQL(err)); ok {
		return e
	}
	return sqlerr.New(50000, 16, 1, "%s", err.Error())
}

// executionParams builds execution_parameter_values for a new execution
// in the 2017 procedure's order: the project's and this package's literal
// ('V') parameters, non-sensitive then sensitive; the system parameters;
// parameters bound to a variable of the referenced environment; the bound
// ones left without a value (value_set 0). Unset, non-required,
// non-sensitive parameters carry their design default but keep value_set 0.
// A variable whose type differs from its parameter's fails with 27148
// (checked over all parameters first), then a sensitive variable bound to a
// non-sensitive parameter with 27221.
func (c *Catalog) executionParams(p *Project, pkg *Package, env *Environment) ([]*ExecParam, *sqlerr.Error) {
	s := c.st
	var mine []*ObjectParameter
	for _, q := range p.Params {
		if q.ObjectType == 20 || strings.EqualFold(q.ObjectName, pkg.Name) {
			mine = append(mine, q)
		}
	}
	bound := func(q *ObjectParameter) *EnvironmentVariable {
		if env == nil || q.ValueType != 'R' {
			return nil
		}
		return env.variable(q.ReferencedVar)
	}
	for _, q := range mine {
		if v := bound(q); v != nil && v.Type != q.DataType {
			return nil, errorf(27148, 1)
		}
	}
	for _, q := range mine {
		if v := bound(q); v != nil && v.Sensitive && !q.Sensitive {
			return nil, errorf(27221, 1)
		}
	}
	var out []*ExecParam
	add := func(ep *ExecParam) {
		ep.ID = s.NextExecParamID
		s.NextExecParamID++
		if !ep.Value.IsNull() {
			ep.BaseType = ep.Value.Kind().String()
		}
		out = append(out, ep)
	}
	param := func(q *ObjectParameter) *ExecParam {
		return &ExecParam{ObjectType: q.ObjectType, DataType: q.DataType, Name: q.Name, Sensitive: q.Sensitive, Required: q.Required}
	}
	for _, sensitive := range []bool{false, true} {
		for _, q := range mine {
			if q.ValueType == 'R' || q.Sensitive != sensitive {
				continue
			}
			ep := param(q)
			switch {
			case q.ValueSet:
				ep.Value, ep.ValueSet = q.Default, true
			case !q.Required && !q.Sensitive:
				ep.Value = q.DesignDefault
			}
			add(ep)
		}
	}
	level, _ := strconv.Atoi(s.CatalogProperties["SERVER_LOGGING_LEVEL"])
	sys := []*ExecParam{
		{Name: "DUMP_ON_ERROR", DataType: "Boolean", Value: sqltype.NewBit(false)},
		{Name: "DUMP_ON_EVENT", DataType: "Boolean", Value: sqltype.NewBit(false)},
		{Name: "DUMP_EVENT_CODE", DataType: "String", Value: sqltype.NewNVarChar("0")},
		{Name: "LOGGING_LEVEL", DataType: "Int32", Value: sqltype.NewInt(int64(level))},
		{Name: "CALLER_INFO", DataType: "String", Value: sqltype.Null(sqltype.NVarCharN(128))},
		{Name: "SYNCHRONIZED", DataType: "Boolean", Value: sqltype.NewBit(false)},
	}
	if level == 100 {
		sys = append(sys, &ExecParam{Name: "CUSTOMIZED_LOGGING_LEVEL", DataType: "String", Value: sqltype.NewNVarChar(s.CatalogProperties["SERVER_CUSTOMIZED_LOGGING_LEVEL"])})
	}
	for _, ep := range sys {
		ep.ObjectType, ep.ValueSet = 50, true
		add(ep)
	}
	done := map[*ObjectParameter]bool{}
	for _, q := range mine {
		if v := bound(q); v != nil {
			ep := param(q)
			ep.Value, ep.ValueSet, ep.Sensitive = v.Value, q.ValueSet, v.Sensitive
			add(ep)
			done[q] = true
		}
	}
	for _, ot := range []int16{20, 30} {
		for _, q := range mine {
			if q.ValueType == 'R' && q.ObjectType == ot && !done[q] {
				add(param(q))
			}
		}
	}
	return out, nil
}

// execution finds a type-200 operation the caller can see and has perm on.
func (s *State) execution(sc *secCtx, id int64, perm int16) *Operation {
	op := s.Operations[id]
	if op == nil || op.Type != OpExecution || op.Exec == nil || !s.check(sc, ObjOperation, id, PermRead) || !s.check(sc, ObjOperation, id, perm) {
		return nil
	}
	return op
}

// editableExecution is the lookup the procedures that change an execution
// share: an id below 1 is 27101, an execution the caller cannot see or
// modify is 27103 (thrown). The status checks differ by procedure and stay
// with the caller.
func (s *State) editableExecution(sc *secCtx, id int64) (*Operation, error) {
	if id <= 0 {
		return nil, errorf(27101, 1, "execution_id")
	}
	op := s.execution(sc, id, PermModify)
	if op == nil {
		return nil, thrown(errorf(27103, 1, id))
	}
	return op, nil
}

func (ex *Execution) param(objectType int16, name string) *ExecParam {
	for _, p := range ex.Params {
		if p.ObjectType == objectType && p.Name == name {
			return p
		}
	}
	return nil
}

func nullText(id *int64) string {
	if id == nil {
		return "(null)"
	}
	return strconv.FormatInt(*id, 10)
}

// SetExecutionParameterValue is catalog.set_execution_parameter_value.
func (c *Catalog) SetExecutionParameterValue(ctx context.Context, tx *Tx, caller *Caller, executionID *int64, objectType *int16, paramName *string, value sqltype.Value) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return err
	}
	if executionID == nil || objectType == nil || paramName == nil || value.IsNull() {
		return errorf(27138, 1)
	}
	if ot := *objectType; ot != 20 && ot != 30 && ot != 50 {
		return errorf(27101, 1, "object type")
	}
	op, err := s.editableExecution(sc, *executionID)
	if err != nil {
		return err
	}
	if op.Status != StatusCreated {
		return thrown(errorf(27224, 1))
	}
	ex := op.Exec
	ep := ex.param(*objectType, *paramName)
	if ep == nil {
		return thrown(errorf(27176, 1, *paramName))
	}
	if e := checkValue(ep.DataType, value, ep.DataType); e != nil {
		return thrown(e)
	}
	switch ep.Name {
	case "LOGGING_LEVEL":
		if *objectType == 50 {
			n, _ := intValue(value)
			if n < 0 || n > 4 && n != 100 {
				return thrown(errorf(27217, 1, n))
			}
		}
	case "CUSTOMIZED_LOGGING_LEVEL":
		if *objectType == 50 && s.LoggingLevels[key(valueText(value))] == nil {
			return thrown(errorf(27237, 1, valueText(value)))
		}
	}
	if lvl := s.CatalogProperties["SERVER_OPERATION_ENCRYPTION_LEVEL"]; lvl != "1" && lvl != "2" {
		return thrown(errorf(27163, 1, "SERVER_OPERATION_ENCRYPTION_LEVEL"))
	}
	oldParams := append([]*ExecParam(nil), ex.Params...)
	old := *ep
	ep.Value, ep.ValueSet, ep.RuntimeOverride, ep.BaseType = value, true, true, value.Kind().String()
	if ep.Name == "LOGGING_LEVEL" && *objectType == 50 {
		n, _ := intValue(value)
		cl := ex.param(50, "CUSTOMIZED_LOGGING_LEVEL")
		if n == 100 && cl == nil {
			ex.Params = append(ex.Params, &ExecParam{ID: s.NextExecParamID, ObjectType: 50, DataType: "String", Name: "CUSTOMIZED_LOGGING_LEVEL",
				Value: sqltype.NewNVarChar(""), ValueSet: true, BaseType: "sysname"})
			s.NextExecParamID++
		} else if n != 100 && cl != nil {
			kept := ex.Params[:0:0]
			for _, p := range ex.Params {
				if p != cl {
					kept = append(kept, p)
				}
			}
			ex.Params = kept
		}
	}
	tx.record(func() { *ep = old; ex.Params = oldParams })
	s.changes(tx).operation(op.ID)
	return nil
}

// SetExecutionPropertyOverrideValue is catalog.set_execution_property_
// override_value.
func (c *Catalog) SetExecutionPropertyOverrideValue(ctx context.Context, tx *Tx, caller *Caller, executionID *int64, propertyPath, propertyValue *string, sensitive *bool) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return err
	}
	if executionID == nil || propertyPath == nil || propertyValue == nil || sensitive == nil {
		return errorf(27138, 1)
	}
	op, err := s.editableExecution(sc, *executionID)
	if err != nil {
		return err
	}
	if op.Status != StatusCreated {
		return thrown(errorf(27225, 1))
	}
	ex := op.Exec
	for _, o := range ex.Overrides {
		if o.Path == *propertyPath {
			old := *o
			o.Value, o.Sensitive = *propertyValue, *sensitive
			tx.record(func() { *o = old })
			s.changes(tx).operation(op.ID)
			return nil
		}
	}
	o := &PropertyOverride{ID: s.NextPropertyID, Path: *propertyPath, Value: *propertyValue, Sensitive: *sensitive}
	s.NextPropertyID++
	ex.Overrides = append(ex.Overrides, o)
	tx.record(func() { ex.Overrides = ex.Overrides[:len(ex.Overrides)-1] })
	s.changes(tx).operation(op.ID)
	return nil
}

// AddExecutionWorker is catalog.add_execution_worker. worker nil is NULL.
func (c *Catalog) AddExecutionWorker(ctx context.Context, tx *Tx, caller *Caller, executionID *int64, worker *uuid.UUID) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return err
	}
	// The permission test comes before the NULL test (reference §2.3).
	if !sc.admin() && (executionID == nil || s.execution(sc, *executionID, PermModify) == nil) {
		return errorf(27103, 1, nullText(executionID))
	}
	if executionID == nil {
		return errorf(27138, 1)
	}
	if *executionID <= 0 {
		return errorf(27101, 1, "execution_id")
	}
	op := s.Operations[*executionID]
	if op == nil || op.Exec == nil {
		return errorf(27103, 1, *executionID)
	}
	ex := op.Exec
	if ex.JobID == nil {
		return errorf(27255, 1)
	}
	if worker == nil {
		return errorf(27100, 1, "@WorkerAgentId")
	}
	if err := c.master.AddJobWorker(*ex.JobID, *worker); err != nil {
		return asSQL(err)
	}
	ex.Workers = append(ex.Workers, *worker)
	// Work handed to the master is not undone; the catalog's copy is.
	tx.record(func() { ex.Workers = ex.Workers[:len(ex.Workers)-1] })
	s.changes(tx).operation(op.ID)
	s.changes(nil).job(op.ID)
	return nil
}

// StartExecution is catalog.start_execution. With SYNCHRONIZED = 1 it
// returns when the execution reaches a final status (for Scale Out runs:
// leaves pending and running, as the real poll loop does) or when ctx ends;
// the execution keeps running either way.
func (c *Catalog) StartExecution(ctx context.Context, tx *Tx, caller *Caller, executionID *int64, retryCount *int32) error {
	sync, scaleOut, err := c.startExecution(caller, executionID, retryCount)
	if err != nil || !sync {
		return err
	}
	if scaleOut {
		return c.waitStatus(ctx, *executionID, func(st int32) bool { return st != StatusPending && st != StatusRunning })
	}
	return c.WaitFinal(ctx, *executionID)
}

func (c *Catalog) startExecution(caller *Caller, executionID *int64, retryCount *int32) (sync, scaleOut bool, err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return false, false, err
	}
	if executionID == nil {
		return false, false, errorf(27138, 1)
	}
	if *executionID <= 0 {
		return false, false, errorf(27101, 1, "execution_id")
	}
	retry := int32(0)
	if retryCount != nil {
		retry = *retryCount
	}
	if retry < 0 {
		return false, false, errorf(27101, 1, "retry_count")
	}
	op := s.execution(sc, *executionID, PermModify)
	if op == nil {
		return false, false, thrown(errorf(27103, 1, *executionID))
	}
	ex := op.Exec
	if op.Status != StatusCreated {
		return false, false, thrown(errorf(27121, 1))
	}
	p := s.Projects[ex.ProjectID]
	if p == nil || s.Folders[p.FolderID] == nil {
		return false, false, thrown(errorf(27109, 1, ex.ProjectName))
	}
	if !s.check(sc, ObjProject, p.ID, PermExecute) {
		return false, false, thrown(errorf(27178, 1, p.Name))
	}
	if p.LSN != ex.ProjectLSN {
		return false, false, thrown(errorf(27150, 1))
	}
	for _, ep := range ex.Params {
		if ep.Required && !ep.ValueSet {
			return false, false, thrown(errorf(27184, 1))
		}
	}
	if sp := ex.param(50, "SYNCHRONIZED"); sp != nil {
		n, _ := intValue(sp.Value)
		sync = n != 0
	}
	s.setOpStatus(op, StatusPending)
	op.Start = c.now()
	// Starting is handed to the master and not undone by a rollback.
	ch := s.changes(nil)
	ch.operation(op.ID)
	if ex.ScaleOut {
		ch.job(op.ID)
		op.MachineName = ptr("")
		if _, err := c.master.StartTask(*ex.JobID, op.ID, int(retry)); err != nil {
			c.setStatus(nil, op, StatusFailed)
			return false, false, thrown(sqlOf(err))
		}
	} else {
		op.ExecutedCount = ptr(int32(1))
		if err := c.master.RunLocal(op.ID); err != nil {
			c.setStatus(nil, op, StatusFailed)
			return false, false, thrown(sqlOf(err))
		}
	}
	c.notify()
	return sync, ex.ScaleOut, nil
}

// WaitFinal returns when the execution has reached a final status (3, 4,
// 6, 7 or 9), or ctx's error when ctx ends first. It does not stop the
// execution.
func (c *Catalog) WaitFinal(ctx context.Context, executionID int64) error {
	return c.waitStatus(ctx, executionID, finalStatus)
}

func (c *Catalog) waitStatus(ctx context.Context, id int64, done func(int32) bool) error {
	for {
		c.mu.RLock()
		op := c.st.Operations[id]
		ch := c.changed
		c.mu.RUnlock()
		if op == nil {
			return nil
		}
		c.mu.RLock()
		st := op.Status
		c.mu.RUnlock()
		if done(st) {
			// What the master reported may not be durable yet: wait for it
			// before telling the caller.
			return c.syncRecorded()
		}
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-ch:
		}
	}
}

// StopOperation is catalog.stop_operation; it returns the id of the stop
// operation (type 202) it logs.
func (c *Catalog) StopOperation(ctx context.Context, tx *Tx, caller *Caller, operationID *int64) (id int64, err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	if operationID == nil {
		return 0, errorf(27100, 11, "operation_id")
	}
	sc, err := c.beginCatalogCall(caller, 11)
	if err != nil {
		return 0, err
	}
	stopID := s.nextOp()
	t := s.Operations[*operationID]
	if t == nil || (t.Type != OpExecution && t.Type != 300 && t.Type != 301) || (t.Status != StatusRunning && t.Status != StatusStopping) {
		return 0, thrown(errorf(27124, 1, *operationID))
	}
	if t.Status == StatusStopping {
		return 0, thrown(errorf(27126, 1))
	}
	if t.ProcessID == nil && (t.Exec == nil || t.Exec.JobID == nil) {
		return 0, thrown(errorf(27125, 1))
	}
	if !s.check(sc, ObjOperation, t.ID, PermRead) || !s.check(sc, ObjOperation, t.ID, PermModify) {
		return 0, thrown(errorf(27143, 1, *operationID))
	}
	s.NextOperationID = stopID // newOperation takes the id reserved above
	stop := c.newOperation(nil, sc, OpStop, 20, t.ObjectID, nil, StatusRunning)
	stop.Start = c.now()
	s.grantDefaults(nil, sc, ObjOperation, stop.ID)
	s.setOpStatus(t, StatusStopping)
	if t.Exec != nil {
		t.Exec.StopID = stop.ID
	}
	t.StoppedBySID, t.StoppedByName = sc.callerSID(), ptr(sc.callerName())
	ch := s.changes(nil)
	ch.operation(t.ID)
	if t.Exec != nil && t.Exec.JobID != nil {
		ch.job(t.ID)
	}
	c.notify()
	if t.Exec != nil && t.Exec.JobID != nil {
		if err := c.master.CancelJob(*t.Exec.JobID, stop.ID); err != nil {
			c.setStatus(nil, stop, StatusFailed)
			return stop.ID, thrown(sqlOf(err))
		}
	} else if !c.master.StopLocal(t.ID, stop.ID) {
		// No run to stop any more: end both operations here.
		c.setStatus(nil, t, StatusCanceled)
		c.endValidationInfos(t, StatusCanceled)
		c.setStatus(nil, stop, StatusSucceeded)
	}
	return stop.ID, nil
}
