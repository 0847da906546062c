package catalog

import (
	"context"
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// beginCatalogCall resolves the caller and applies the checks every
// state-changing catalog procedure starts with: access to SSISDB (916) and
// the SQL-authentication refusal (27123) with the procedure's state. Call
// with the lock held.
func (c *Catalog) beginCatalogCall(caller *Caller, state uint8) (*secCtx, error) {
	sc := c.st.resolve(caller)
	if e := needAccess(sc); e != nil {
		return sc, e
	}
	if e := c.checkSQLAuth(sc, state); e != nil {
		return sc, e
	}
	return sc, nil
}

// CreateEnvironment is catalog.create_environment.
func (c *Catalog) CreateEnvironment(ctx context.Context, tx *Tx, caller *Caller, folderName, envName, description *string) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return err
	}
	if folderName == nil || envName == nil {
		return errorf(27138, 6)
	}
	if !validName(*envName) {
		return errorf(27142, 1, *envName)
	}
	f := s.folderByName(*folderName)
	if f == nil || !s.canReadFolder(sc, f) {
		return thrown(errorf(27104, 1, *folderName))
	}
	if !s.check(sc, ObjFolder, f.ID, PermCreateObjects) {
		return thrown(errorf(27209, 1, *folderName))
	}
	if s.environmentByName(f.ID, *envName) != nil {
		return thrown(errorf(27157, 1, *envName))
	}
	e := &Environment{ID: s.NextEnvironmentID, Name: *envName, FolderID: f.ID, CreatedBySID: sc.callerSID(), CreatedByName: sc.callerName(), Created: c.now()}
	if description != nil {
		e.Description = *description
	}
	s.NextEnvironmentID++
	s.Environments[e.ID] = e
	tx.record(func() { delete(s.Environments, e.ID) })
	s.changes(tx).environment(e.ID)
	s.grantDefaults(tx, sc, ObjEnvironment, e.ID)
	return nil
}

// findEnvironment returns the environment if the caller may read it and,
// when perm is not 0, also has perm on it.
func (s *State) findEnvironment(sc *secCtx, folderName, envName string, perm int16) *Environment {
	f := s.folderByName(folderName)
	if f == nil {
		return nil
	}
	e := s.environmentByName(f.ID, envName)
	if e == nil || !s.check(sc, ObjEnvironment, e.ID, PermRead) || perm != 0 && !s.check(sc, ObjEnvironment, e.ID, perm) {
		return nil
	}
	return e
}

// DeleteEnvironment is catalog.delete_environment. References to it stay
// (they fail at create_execution with 27182).
func (c *Catalog) DeleteEnvironment(ctx context.Context, tx *Tx, caller *Caller, folderName, envName *string) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return err
	}
	if folderName == nil || envName == nil {
		return errorf(27138, 1)
	}
	e := s.findEnvironment(sc, *folderName, *envName, PermModify)
	if e == nil {
		return thrown(errorf(27182, 1, *envName))
	}
	delete(s.Environments, e.ID)
	tx.record(func() { s.Environments[e.ID] = e })
	s.changes(tx).environment(e.ID)
	s.dropObjectGrants(tx, ObjEnvironment, e.ID)
	return nil
}

// RenameEnvironment is catalog.rename_environment.
func (c *Catalog) RenameEnvironment(ctx context.Context, tx *Tx, caller *Caller, folderName, envName, newName *string) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return err
	}
	if folderName == nil || envName == nil || newName == nil {
		return errorf(27138, 1)
	}
	if !validName(*newName) {
		return errorf(27142, 1, *newName)
	}
	e := s.findEnvironment(sc, *folderName, *envName, PermModify)
	if e == nil {
		return thrown(errorf(27182, 1, *envName))
	}
	if o := s.environmentByName(e.FolderID, *newName); o != nil && o != e {
		return thrown(errorf(27157, 1, *newName))
	}
	old := e.Name
	e.Name = *newName
	tx.record(func() { e.Name = old })
	s.changes(tx).environment(e.ID)
	return nil
}

func (e *Environment) variable(name string) *EnvironmentVariable {
	for _, v := range e.Variables {
		if strings.EqualFold(v.Name, name) {
			return v
		}
	}
	return nil
}

// CreateEnvironmentVariable is catalog.create_environment_variable. A NULL
// @value is a NULL Value.
func (c *Catalog) CreateEnvironmentVariable(ctx context.Context, tx *Tx, caller *Caller, folderName, envName, varName, dataType *string, sensitive *bool, value sqltype.Value, description *string) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 5)
	if err != nil {
		return err
	}
	if folderName == nil || envName == nil || varName == nil || dataType == nil || sensitive == nil || value.IsNull() {
		return errorf(27138, 1)
	}
	if !validName(*varName) {
		return errorf(27180, 1, *varName)
	}
	t, ok := canonicalType(*dataType)
	if !ok || !envVarTypes[t] {
		return errorf(27159, 1)
	}
	if e := checkValue(t, value, t); e != nil {
		return e
	}
	env := s.findEnvironment(sc, *folderName, *envName, PermModify)
	if env == nil {
		return thrown(errorf(27182, 1, *envName))
	}
	if env.variable(*varName) != nil {
		return thrown(errorf(27173, 1, *varName))
	}
	v := &EnvironmentVariable{ID: s.NextVariableID, EnvironmentID: env.ID, Name: *varName, Type: t, Sensitive: *sensitive, Value: value}
	if description != nil {
		v.Description = *description
	}
	s.NextVariableID++
	env.Variables = append(env.Variables, v)
	tx.record(func() { env.Variables = removeVar(env.Variables, v) })
	s.changes(tx).environment(env.ID)
	return nil
}

func removeVar(vs []*EnvironmentVariable, v *EnvironmentVariable) []*EnvironmentVariable {
	out := vs[:0:0]
	for _, x := range vs {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

func (c *Catalog) findVariable(sc *secCtx, folderName, envName, varName *string) (*EnvironmentVariable, *Environment, error) {
	if folderName == nil || envName == nil || varName == nil {
		return nil, nil, errorf(27138, 1)
	}
	env := c.st.findEnvironment(sc, *folderName, *envName, PermModify)
	if env == nil {
		return nil, nil, thrown(errorf(27182, 1, *envName))
	}
	v := env.variable(*varName)
	if v == nil {
		return nil, env, thrown(errorf(27183, 1, *varName))
	}
	return v, env, nil
}

// SetEnvironmentVariableValue is catalog.set_environment_variable_value.
func (c *Catalog) SetEnvironmentVariableValue(ctx context.Context, tx *Tx, caller *Caller, folderName, envName, varName *string, value sqltype.Value) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return err
	}
	if value.IsNull() {
		return errorf(27138, 1)
	}
	v, _, err := c.findVariable(sc, folderName, envName, varName)
	if err != nil {
		return err
	}
	if e := checkValue(v.Type, value, v.Type); e != nil {
		return thrown(e)
	}
	old := v.Value
	v.Value = value
	tx.record(func() { v.Value = old })
	c.st.changes(tx).environment(v.EnvironmentID)
	return nil
}

// SetEnvironmentVariableProperty is catalog.set_environment_variable_
// property, in the 2017 procedure's order: 27123 (state 7), 27138 (state
// 6; a NULL value is allowed), the environment (27182) and the variable
// (27183), then the property: DESCRIPTION, or NAME (27180, 27173). TYPE,
// which converts the stored value, is not offered: it fails as an unknown
// property does, with 27101 naming DESCRIPTION, as SQL Server words it.
func (c *Catalog) SetEnvironmentVariableProperty(ctx context.Context, tx *Tx, caller *Caller, folderName, envName, varName, propertyName, propertyValue *string) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	sc, err := c.beginCatalogCall(caller, 7)
	if err != nil {
		return err
	}
	if folderName == nil || envName == nil || varName == nil || propertyName == nil {
		return errorf(27138, 6)
	}
	v, env, err := c.findVariable(sc, folderName, envName, varName)
	if err != nil {
		return err
	}
	value := ""
	if propertyValue != nil {
		value = *propertyValue
	}
	switch strings.ToUpper(strings.TrimRight(*propertyName, " ")) {
	case "DESCRIPTION":
		old := v.Description
		v.Description = value
		tx.record(func() { v.Description = old })
	case "NAME":
		if propertyValue == nil || !validName(value) {
			return thrown(errorf(27180, 1, value))
		}
		if o := env.variable(value); o != nil && o != v {
			return thrown(errorf(27173, 1, value))
		}
		old := v.Name
		v.Name = value
		tx.record(func() { v.Name = old })
	default:
		return thrown(errorf(27101, 1, "DESCRIPTION"))
	}
	c.st.changes(tx).environment(v.EnvironmentID)
	return nil
}

// DeleteEnvironmentVariable is catalog.delete_environment_variable.
func (c *Catalog) DeleteEnvironmentVariable(ctx context.Context, tx *Tx, caller *Caller, folderName, envName, varName *string) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return err
	}
	v, env, err := c.findVariable(sc, folderName, envName, varName)
	if err != nil {
		return err
	}
	old := env.Variables
	env.Variables = removeVar(env.Variables, v)
	tx.record(func() { env.Variables = old })
	c.st.changes(tx).environment(env.ID)
	return nil
}

// CreateEnvironmentReference is catalog.create_environment_reference; it
// returns @reference_id. referenceType is the char(1) argument ('R' or 'A').
func (c *Catalog) CreateEnvironmentReference(ctx context.Context, tx *Tx, caller *Caller, folderName, projectName, envName, referenceType, envFolderName *string) (id int64, err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return 0, err
	}
	if folderName == nil || projectName == nil || envName == nil {
		return 0, errorf(27138, 6)
	}
	rt := ""
	if referenceType != nil {
		rt = strings.ToUpper(strings.TrimSpace(*referenceType))
	}
	if rt != "R" && rt != "A" {
		return 0, errorf(27101, 10, "reference_type")
	}
	if rt == "A" && envFolderName == nil {
		return 0, errorf(27138, 6)
	}
	if rt == "R" && envFolderName != nil {
		return 0, errorf(27101, 10, "environment_folder_name")
	}
	p := s.visibleProject(sc, *folderName, *projectName)
	if p == nil || !s.check(sc, ObjProject, p.ID, PermModify) {
		return 0, thrown(errorf(27109, 1, *projectName))
	}
	envFolder := *folderName
	if rt == "A" {
		envFolder = *envFolderName
	}
	if s.findEnvironment(sc, envFolder, *envName, 0) == nil {
		return 0, thrown(errorf(27182, 1, *envName))
	}
	// A duplicate is a reference of the same type to the same environment
	// name (and, for 'A', folder): a relative and an absolute reference to
	// one environment may coexist, as in the 2017 procedure.
	for _, r := range s.References {
		if r.ProjectID == p.ID && r.Type == rt[0] && strings.EqualFold(r.EnvironmentName, *envName) &&
			(rt == "R" || strings.EqualFold(r.FolderName, envFolder)) {
			return 0, thrown(errorf(27204, 1))
		}
	}
	r := &EnvironmentReference{ID: s.NextReferenceID, ProjectID: p.ID, Type: rt[0], EnvironmentName: *envName}
	if rt == "A" {
		r.FolderName = *envFolderName
	}
	s.NextReferenceID++
	s.References[r.ID] = r
	tx.record(func() { delete(s.References, r.ID) })
	s.changes(tx).reference(r.ID)
	return r.ID, nil
}

// DeleteEnvironmentReference is catalog.delete_environment_reference.
func (c *Catalog) DeleteEnvironmentReference(ctx context.Context, tx *Tx, caller *Caller, referenceID *int64) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return err
	}
	if referenceID == nil {
		return errorf(27138, 1)
	}
	r := s.References[*referenceID]
	if r == nil || s.Projects[r.ProjectID] == nil || !s.check(sc, ObjProject, r.ProjectID, PermRead) {
		return thrown(errorf(27114, 1, *referenceID))
	}
	if p := s.Projects[r.ProjectID]; !s.check(sc, ObjProject, p.ID, PermModify) {
		return thrown(errorf(27109, 1, p.Name))
	}
	delete(s.References, r.ID)
	tx.record(func() { s.References[r.ID] = r })
	s.changes(tx).reference(r.ID)
	return nil
}

// findParam looks a parameter up with the case-sensitive name comparison
// the procedures use.
func (p *Project) findParam(objectType int16, objectName, name string) *ObjectParameter {
	for _, q := range p.Params {
		if q.ObjectType == objectType && q.Name == name && (objectType == 20 || strings.EqualFold(q.ObjectName, objectName)) {
			return q
		}
	}
	return nil
}

// SetObjectParameterValue is catalog.set_object_parameter_value. It returns
// the severity-10 warnings the procedure prints (27148 for an 'R' value whose
// variable has another type). valueType
// is the char(1) @value_type ('V' literal, 'R' environment variable name);
// nil means the default 'V'.
func (c *Catalog) SetObjectParameterValue(ctx context.Context, tx *Tx, caller *Caller, objectType *int16, folderName, projectName, paramName *string, value sqltype.Value, objectName, valueType *string) (_ []*sqlerr.Error, err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return nil, err
	}
	if folderName == nil || projectName == nil || paramName == nil || value.IsNull() || objectType == nil {
		return nil, errorf(27138, 1)
	}
	if *objectType != 20 && *objectType != 30 {
		return nil, errorf(27101, 1, "object_type")
	}
	vt := "V"
	if valueType != nil {
		vt = strings.ToUpper(strings.TrimSpace(*valueType))
	}
	if vt != "V" && vt != "R" {
		return nil, errorf(27101, 1, "value_type")
	}
	if value.Kind() == sqltype.Unknown {
		return nil, errorf(27159, 1)
	}
	p := s.visibleProject(sc, *folderName, *projectName)
	if p == nil || !s.check(sc, ObjProject, p.ID, PermModify) {
		return nil, thrown(errorf(27109, 1, *projectName))
	}
	on := ""
	if objectName != nil {
		on = *objectName
	}
	q := p.findParam(*objectType, on, *paramName)
	if q == nil {
		return nil, thrown(errorf(27106, 1, *paramName))
	}
	old := *q
	var warnings []*sqlerr.Error
	if vt == "V" {
		if e := checkValue(q.DataType, value, q.Name); e != nil {
			return nil, thrown(e)
		}
		q.Default, q.ValueType, q.ReferencedVar = value, 'V', ""
	} else {
		name := valueText(value)
		if len([]rune(name)) > 128 {
			name = string([]rune(name)[:128])
		}
		q.Default, q.ValueType, q.ReferencedVar = sqltype.Null(sqltype.TSQLVariant), 'R', name
		// A reference whose variable has another type is only a warning.
		for _, r := range s.References {
			if r.ProjectID != p.ID {
				continue
			}
			if env := s.referencedEnvironment(p, r); env != nil {
				if v := env.variable(name); v != nil && v.Type != q.DataType {
					w := errorf(27148, 1)
					w.Severity = 10
					warnings = append(warnings, w)
				}
			}
		}
	}
	q.ValueSet = true
	tx.record(func() { *q = old })
	s.changes(tx).project(p.ID)
	return warnings, nil
}

// ClearObjectParameterValue is catalog.clear_object_parameter_value: the
// parameter goes back to its design default.
func (c *Catalog) ClearObjectParameterValue(ctx context.Context, tx *Tx, caller *Caller, folderName, projectName *string, objectType *int16, objectName, paramName *string) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return err
	}
	if folderName == nil || projectName == nil || paramName == nil || objectType == nil {
		return errorf(27138, 1)
	}
	if *objectType != 20 && *objectType != 30 {
		return errorf(27101, 1, "object_type")
	}
	p := s.visibleProject(sc, *folderName, *projectName)
	if p == nil || !s.check(sc, ObjProject, p.ID, PermModify) {
		return thrown(errorf(27109, 1, *projectName))
	}
	on := ""
	if objectName != nil {
		on = *objectName
	}
	q := p.findParam(*objectType, on, *paramName)
	if q == nil {
		return thrown(errorf(27106, 1, *paramName))
	}
	old := *q
	q.Default, q.ValueType, q.ValueSet, q.ReferencedVar = sqltype.Value{}, 'V', false, ""
	tx.record(func() { *q = old })
	s.changes(tx).project(p.ID)
	return nil
}

// referencedEnvironment resolves a reference to its environment (nil when
// it no longer exists).
func (s *State) referencedEnvironment(p *Project, r *EnvironmentReference) *Environment {
	folder := r.FolderName
	if r.Type == 'R' {
		f := s.Folders[p.FolderID]
		if f == nil {
			return nil
		}
		folder = f.Name
	}
	f := s.folderByName(folder)
	if f == nil {
		return nil
	}
	return s.environmentByName(f.ID, r.EnvironmentName)
}
