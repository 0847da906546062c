package catalog

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Operation types of the validations.
const (
	OpValidateProject int16 = 300
	OpValidatePackage int16 = 301
)

// validationStep is how long the simulated validation of one package
// takes on the catalog's clock.
const validationStep = 500 * time.Millisecond

// Validation is a row of internal.validations: what validate_project or
// validate_package was asked to check, and the packages it checks (the
// rows of catalog.extended_operation_info).
type Validation struct {
	EnvironmentScope byte // 'A' all references, 'S' the one reference, 'D' none
	ValidateType     byte // 'F' full
	FolderName       string
	ProjectName      string
	ProjectLSN       *int64
	Use32Bit         bool
	ReferenceID      *int64
	Infos            []*ExtendedInfo
}

// ExtendedInfo is a row of catalog.extended_operation_info: one package
// of a validation.
type ExtendedInfo struct {
	ID          int64
	ObjectName  string
	ObjectType  int16
	ReferenceID *int64
	Status      int32
	Start, End  time.Time
}

// nextID hands out the next id of a counter that an older data file may
// not have had (it loads as 0).
func nextID(n *int64) int64 {
	if *n < 1 {
		*n = 1
	}
	id := *n
	*n++
	return id
}

// ValidateArgs are catalog.validate_project's and validate_package's
// arguments; nil is NULL.
type ValidateArgs struct {
	FolderName, ProjectName *string
	PackageName             *string // validate_package only
	ValidateType            *string // validate_project only
	Use32BitRuntime         *bool
	EnvironmentScope        *string
	ReferenceID             *int64
}

// ValidateProject is catalog.validate_project. It returns @validation_id
// (0 when it failed before creating the operation). The validation runs
// on the catalog's clock after the call returns, as the real one runs in
// ISServerExec: the operation is running (2) and ends 7, or 4 when a
// check fails (see validationProblems).
func (c *Catalog) ValidateProject(ctx context.Context, tx *Tx, caller *Caller, a ValidateArgs) (int64, error) {
	// The procedure's own checks, in its order: NULLs (state 4), then the
	// values (27101, state 2).
	return c.validate(tx, caller, OpValidateProject, a, func() error {
		if a.FolderName == nil || a.ProjectName == nil || a.ValidateType == nil || a.EnvironmentScope == nil {
			return errorf(27138, 4)
		}
		// The catalog's collation is case-insensitive: 'f' is 'F'.
		if !strings.EqualFold(strings.TrimRight(*a.ValidateType, " "), "F") {
			return errorf(27101, 2, "validate_type")
		}
		return nil
	})
}

// ValidatePackage is catalog.validate_package; see ValidateProject.
func (c *Catalog) ValidatePackage(ctx context.Context, tx *Tx, caller *Caller, a ValidateArgs) (int64, error) {
	return c.validate(tx, caller, OpValidatePackage, a, func() error {
		if a.FolderName == nil || a.ProjectName == nil || a.Use32BitRuntime == nil || a.PackageName == nil || a.EnvironmentScope == nil {
			return errorf(27138, 4)
		}
		return nil
	})
}

// validate runs after the database access check (916): the procedure's
// own argument checks (nulls), the environment scope checks both share,
// then internal.prepare_validate_* (27123, the operation, the project).
func (c *Catalog) validate(tx *Tx, caller *Caller, typ int16, a ValidateArgs, nulls func() error) (id int64, err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc := s.resolve(caller)
	if e := needAccess(sc); e != nil {
		return 0, e
	}
	if err := nulls(); err != nil {
		return 0, err
	}
	scope := strings.ToUpper(strings.TrimRight(*a.EnvironmentScope, " "))
	if scope != "A" && scope != "S" && scope != "D" {
		return 0, errorf(27101, 2, "environment_scope")
	}
	if scope == "S" && a.ReferenceID == nil {
		return 0, errorf(27101, 2, "reference_id")
	}
	if scope != "S" && a.ReferenceID != nil {
		return 0, errorf(27101, 2, "reference_id")
	}
	if e := c.checkSQLAuth(sc, 1); e != nil {
		return 0, e
	}
	// internal.prepare_validate_*: the operation exists (pending) before
	// the project is looked up, and a failure from there on leaves it
	// failed (4).
	op := c.newOperation(tx, sc, typ, 20, nil, ptr(*a.ProjectName), StatusPending)
	op.Start = op.Created
	s.grantDefaults(tx, sc, ObjOperation, op.ID)
	fail := func(e error) (int64, error) {
		c.setStatus(tx, op, StatusFailed)
		return op.ID, thrown(sqlOf(e))
	}
	var p *Project
	if f := s.folderByName(*a.FolderName); f != nil {
		p = s.projectByName(f.ID, *a.ProjectName)
	}
	if p == nil || !s.check(sc, ObjProject, p.ID, PermRead) {
		return fail(errorf(27109, 1, *a.ProjectName))
	}
	var pkgs []*Package
	if typ == OpValidatePackage {
		pk := p.packageByName(*a.PackageName)
		if pk == nil {
			return fail(errorf(27146, 1))
		}
		pkgs = []*Package{pk}
	} else {
		pkgs = p.Packages
	}
	if a.ReferenceID != nil {
		if r := s.References[*a.ReferenceID]; r == nil || r.ProjectID != p.ID {
			return fail(errorf(27208, 1, *a.ReferenceID))
		}
	}
	v := &Validation{EnvironmentScope: scope[0], ValidateType: 'F', FolderName: *a.FolderName, ProjectName: *a.ProjectName,
		ProjectLSN: ptr(p.LSN), Use32Bit: a.Use32BitRuntime != nil && *a.Use32BitRuntime, ReferenceID: a.ReferenceID}
	now := c.now()
	for _, pk := range pkgs {
		v.Infos = append(v.Infos, &ExtendedInfo{ID: nextID(&s.NextInfoID), ObjectName: pk.Name, ObjectType: 30,
			ReferenceID: a.ReferenceID, Status: StatusRunning, Start: now})
	}
	op.ObjectID = ptr(p.ID)
	op.Validation = v
	op.ProcessID = ptr(int32(4000 + op.ID%60000))
	c.setStatus(tx, op, StatusRunning)
	c.logMessage(tx, op, msgInformation, fmt.Sprintf("The validation of the %s started.", validationSubject(typ, p, pkgs)))
	c.clk.AfterFunc(time.Duration(max(len(pkgs), 1))*validationStep, func() { c.finishValidation(op) })
	return op.ID, nil
}

func validationSubject(typ int16, p *Project, pkgs []*Package) string {
	if typ == OpValidatePackage {
		return fmt.Sprintf("package '%s' of the project '%s'", pkgs[0].Name, p.Name)
	}
	return fmt.Sprintf("project '%s'", p.Name)
}

// finishValidation ends a running validation when its simulated time is
// up: validationProblems decides its status. A validation that was
// stopped, rolled back, or dropped by a reset or a reload (whose id a new
// operation may have taken) is left alone.
func (c *Catalog) finishValidation(op *Operation) {
	c.mu.Lock()
	defer c.releaseNoWait()
	s := c.st
	if s.Operations[op.ID] != op || op.Validation == nil || op.Status != StatusRunning {
		return
	}
	v := *op.Validation
	problems := map[string][]string{}
	if p := s.Projects[derefID(op.ObjectID)]; p != nil {
		problems = s.validationProblems(p, &v)
	} else {
		problems[""] = []string{"The project was deleted during its validation."}
	}
	now := c.now()
	step := validationStep
	start := op.Start
	if len(v.Infos) > 0 {
		start = v.Infos[0].Start
	}
	failed := len(problems[""]) > 0
	infos := make([]*ExtendedInfo, len(v.Infos))
	for i, in := range v.Infos {
		n := *in
		n.Start = start.Add(time.Duration(i) * step)
		n.End = n.Start.Add(step)
		if n.End.After(now) {
			n.End = now
		}
		n.Status = StatusSucceeded
		for _, text := range problems[strings.ToLower(in.ObjectName)] {
			c.logMessage(nil, op, msgError, text)
			n.Status = StatusFailed
			failed = true
		}
		infos[i] = &n
	}
	for _, text := range problems[""] {
		c.logMessage(nil, op, msgError, text)
	}
	v.Infos = infos
	op.Validation = &v
	st := StatusSucceeded
	if failed {
		st = StatusFailed
		c.logMessage(nil, op, msgError, "The validation failed. Review the error messages of the validation.")
	} else {
		c.logMessage(nil, op, msgInformation, "The validation succeeded.")
	}
	c.setStatus(nil, op, st)
}

func derefID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// validationProblems is what the simulated validation finds, by package
// (lower-case name): a required parameter left without a server value,
// and a parameter bound to an environment variable ('R') that the
// environments in scope do not provide with the parameter's type. Scope
// 'D' considers no environment, so a required bound parameter has no
// value; 'S' the one reference; 'A' every reference of the project (each
// must provide it).
func (s *State) validationProblems(p *Project, v *Validation) map[string][]string {
	var envs []*Environment
	var refNames []string
	switch v.EnvironmentScope {
	case 'S', 'A':
		for _, r := range s.References {
			if r.ProjectID != p.ID || v.EnvironmentScope == 'S' && (v.ReferenceID == nil || r.ID != *v.ReferenceID) {
				continue
			}
			folder := r.FolderName
			if r.Type == 'R' {
				if f := s.Folders[p.FolderID]; f != nil {
					folder = f.Name
				}
			}
			var env *Environment
			if f := s.folderByName(folder); f != nil {
				env = s.environmentByName(f.ID, r.EnvironmentName)
			}
			envs = append(envs, env)
			refNames = append(refNames, r.EnvironmentName)
		}
	}
	out := map[string][]string{}
	for _, in := range v.Infos {
		pkg := in.ObjectName
		for _, q := range p.Params {
			if q.ObjectType == 30 && !strings.EqualFold(q.ObjectName, pkg) {
				continue
			}
			k := strings.ToLower(pkg)
			switch {
			case q.ValueType == 'R' && len(envs) == 0:
				if q.Required {
					out[k] = append(out[k], fmt.Sprintf("%s: the required parameter '%s' references the environment variable '%s', and no environment is in the scope of the validation.", pkg, q.Name, q.ReferencedVar))
				}
			case q.ValueType == 'R':
				for i, env := range envs {
					if env == nil {
						out[k] = append(out[k], fmt.Sprintf("%s: the environment '%s' of the project's reference does not exist.", pkg, refNames[i]))
						continue
					}
					ev := env.variable(q.ReferencedVar)
					if ev == nil {
						out[k] = append(out[k], fmt.Sprintf("%s: the parameter '%s' references the variable '%s', which the environment '%s' does not contain.", pkg, q.Name, q.ReferencedVar, env.Name))
					} else if ev.Type != q.DataType {
						out[k] = append(out[k], fmt.Sprintf("%s: the parameter '%s' has the type %s and the variable '%s' of the environment '%s' the type %s.", pkg, q.Name, q.DataType, ev.Name, env.Name, ev.Type))
					}
				}
			case q.Required && !q.ValueSet:
				out[k] = append(out[k], fmt.Sprintf("%s: the required parameter '%s' has no server value.", pkg, q.Name))
			}
		}
	}
	return out
}

// endValidationInfos ends the packages of a validation still running with
// status st (a stopped validation); call with the write lock held.
func (c *Catalog) endValidationInfos(op *Operation, st int32) {
	if op.Validation == nil {
		return
	}
	v := *op.Validation
	now := c.now()
	infos := make([]*ExtendedInfo, len(v.Infos))
	for i, in := range v.Infos {
		n := *in
		if n.End.IsZero() {
			n.Status, n.End = st, now
		}
		infos[i] = &n
	}
	v.Infos = infos
	op.Validation = &v
	c.st.changes(nil).operation(op.ID)
}

// Columns of catalog.validations (internal.validations joined to
// internal.operations, with operation_guid as dump_id),
// internal.validations and catalog.extended_operation_info, as the SSISDB
// schema declares them.
var (
	colsValidations = cols("validation_id bigint!", "environment_scope char(1)!", "validate_type char(1)!",
		"folder_name sysname!", "project_name sysname!", "project_lsn bigint", "use32bitruntime bit", "reference_id bigint",
		"operation_type smallint!", "object_name nvarchar(260)", "object_type smallint", "object_id bigint",
		"start_time datetimeoffset(7)", "end_time datetimeoffset(7)", "status int!", "caller_sid varbinary(85)!",
		"caller_name sysname!", "process_id int", "stopped_by_sid varbinary(85)", "stopped_by_name nvarchar(128)",
		"dump_id uniqueidentifier", "server_name nvarchar(128)", "machine_name nvarchar(128)")
	colsInternalValidations = cols("validation_id bigint!", "environment_scope char(1)!", "validate_type char(1)!",
		"folder_name sysname!", "project_name sysname!", "project_lsn bigint", "use32bitruntime bit", "reference_id bigint")
	colsExtendedInfo = cols("info_id bigint!", "operation_id bigint!", "object_name nvarchar(260)!", "object_type smallint",
		"reference_id bigint", "status int!", "start_time datetimeoffset(7)!", "end_time datetimeoffset(7)")
)

func readableValidation(x *scan, op *Operation) bool { return op.Validation != nil && readable(x, op) }
func anyValidation(_ *scan, op *Operation) bool      { return op.Validation != nil }

// validationPrefix writes the internal.validations columns.
func validationPrefix(w *rowBuf, op *Operation) {
	v := op.Validation
	w.int(op.ID)
	w.char(v.EnvironmentScope)
	w.char(v.ValidateType)
	w.str(v.FolderName)
	w.str(v.ProjectName)
	w.intp(v.ProjectLSN)
	w.bit(v.Use32Bit)
	w.intp(v.ReferenceID)
}

func validationRow(x *scan, op *Operation) bool {
	w := &x.w
	validationPrefix(w, op)
	w.int(int64(op.Type))
	w.strp(op.ObjectName)
	w.int(int64(op.ObjectType))
	w.intp(op.ObjectID)
	w.time(op.Start)
	w.time(op.End)
	w.int(int64(op.Status))
	w.bytes(op.CallerSID)
	w.str(op.CallerName)
	w.int32p(op.ProcessID)
	w.bytes(op.StoppedBySID)
	w.strp(op.StoppedByName)
	w.guid(&op.GUID)
	w.str(op.ServerName)
	w.strp(op.MachineName)
	return true
}

func internalValidationRow(x *scan, op *Operation) bool {
	validationPrefix(&x.w, op)
	return true
}

func extendedInfoRows(x *scan, op *Operation) bool {
	w := &x.w
	return afterID(x, op.Validation.Infos, func(in *ExtendedInfo) int64 { return in.ID }, func(in *ExtendedInfo) {
		w.int(in.ID)
		w.int(op.ID)
		w.str(in.ObjectName)
		w.int(int64(in.ObjectType))
		w.intp(in.ReferenceID)
		w.int(int64(in.Status))
		w.time(in.Start)
		w.time(in.End)
	})
}

func init() {
	catalogViews["catalog.validations"] = opsView(colsValidations, readableValidation, validationRow, 0)
	catalogViews["catalog.extended_operation_info"] = opsView(colsExtendedInfo, readableValidation, extendedInfoRows, 1)
	catalogViews["internal.validations"] = withDeny(opsView(colsInternalValidations, anyValidation, internalValidationRow, 0), "validations")
	// The catalog view selects every column of the table.
	catalogViews["internal.extended_operation_info"] = withDeny(opsView(colsExtendedInfo, anyValidation, extendedInfoRows, 1), "extended_operation_info")
}
