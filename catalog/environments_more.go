package catalog

import (
	"context"
	"strings"
)

// SetEnvironmentProperty is catalog.set_environment_property; the only
// property is DESCRIPTION (case-insensitive, as the catalog's collation
// compares). The SQL-authentication check comes first (state 7), then the
// NULL check (27138 state 6).
func (c *Catalog) SetEnvironmentProperty(ctx context.Context, tx *Tx, caller *Caller, folderName, envName, propertyName, propertyValue *string) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 7)
	if err != nil {
		return err
	}
	if folderName == nil || envName == nil || propertyName == nil {
		return errorf(27138, 6)
	}
	e := s.findEnvironment(sc, *folderName, *envName, PermModify)
	if e == nil {
		return thrown(errorf(27182, 1, *envName))
	}
	if !strings.EqualFold(strings.TrimRight(*propertyName, " "), "DESCRIPTION") {
		return thrown(errorf(27101, 1, "DESCRIPTION"))
	}
	old := e.Description
	e.Description = ""
	if propertyValue != nil {
		e.Description = *propertyValue
	}
	tx.record(func() { e.Description = old })
	s.changes(tx).environment(e.ID)
	return nil
}

// SetEnvironmentReferenceType is catalog.set_environment_reference_type.
// As in the real procedure, a NULL @reference_type passes the value
// checks (NOT IN is unknown) and changes nothing once the reference and
// the permission are checked. A missing reference is 27114 here: the real
// procedure raises 27111, whose text the emulator does not have.
func (c *Catalog) SetEnvironmentReferenceType(ctx context.Context, tx *Tx, caller *Caller, referenceID *int64, referenceType, envFolderName *string) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return err
	}
	if referenceID == nil {
		return errorf(27138, 6)
	}
	rt := ""
	if referenceType != nil {
		rt = strings.ToUpper(strings.TrimRight(*referenceType, " "))
		if rt != "R" && rt != "A" {
			return errorf(27101, 10, "reference_type")
		}
	}
	if rt == "A" && envFolderName == nil || rt == "R" && envFolderName != nil {
		return errorf(27101, 10, "environment_folder_name")
	}
	r := s.References[*referenceID]
	if r == nil || s.Projects[r.ProjectID] == nil || !s.check(sc, ObjProject, r.ProjectID, PermRead) {
		return thrown(errorf(27114, 1, *referenceID))
	}
	p := s.Projects[r.ProjectID]
	if !s.check(sc, ObjProject, p.ID, PermModify) {
		return thrown(errorf(27109, 1, ""))
	}
	if rt == "" {
		return nil
	}
	envFolder := ""
	if rt == "A" {
		envFolder = *envFolderName
	} else if f := s.Folders[p.FolderID]; f != nil {
		envFolder = f.Name
	}
	if s.findEnvironment(sc, envFolder, r.EnvironmentName, 0) == nil {
		return thrown(errorf(27182, 1, r.EnvironmentName))
	}
	// The duplicate check does not leave out the reference itself: making
	// a reference what it already is fails with 27204, as on SQL Server.
	for _, o := range s.References {
		if o.ProjectID == p.ID && o.Type == rt[0] && strings.EqualFold(o.EnvironmentName, r.EnvironmentName) &&
			(rt == "R" || strings.EqualFold(o.FolderName, envFolder)) {
			return thrown(errorf(27204, 1))
		}
	}
	old := *r
	r.Type = rt[0]
	r.FolderName = ""
	if rt == "A" {
		r.FolderName = envFolder
	}
	tx.record(func() { *r = old })
	s.changes(tx).reference(r.ID)
	return nil
}

// MoveEnvironment is catalog.move_environment: MODIFY on the environment
// and CREATE_OBJECTS on the target folder. References to it stay as they
// are (a relative one from its old folder no longer finds it).
func (c *Catalog) MoveEnvironment(ctx context.Context, tx *Tx, caller *Caller, sourceFolder, envName, destinationFolder *string) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 3)
	if err != nil {
		return err
	}
	if sourceFolder == nil || envName == nil || destinationFolder == nil {
		return errorf(27138, 6)
	}
	e := s.findEnvironment(sc, *sourceFolder, *envName, PermModify)
	if e == nil {
		return thrown(errorf(27182, 1, *envName))
	}
	f := s.folderByName(*destinationFolder)
	if f == nil || !s.canReadFolder(sc, f) || !s.check(sc, ObjFolder, f.ID, PermCreateObjects) {
		return thrown(errorf(27115, 1, *destinationFolder))
	}
	if s.environmentByName(f.ID, e.Name) != nil {
		return thrown(errorf(27157, 1, *envName))
	}
	old := e.FolderID
	e.FolderID = f.ID
	tx.record(func() { e.FolderID = old })
	s.changes(tx).environment(e.ID)
	return nil
}

// SetEnvironmentVariableProtection is catalog.set_environment_variable_
// protection: it marks a variable sensitive (its value is no longer shown)
// or not. The emulator does not encrypt, so the value itself is kept as it
// is. The checks follow set_environment_variable_property's (numbers
// inferred: the procedure's source is not public).
func (c *Catalog) SetEnvironmentVariableProtection(ctx context.Context, tx *Tx, caller *Caller, folderName, envName, varName *string, sensitive *bool) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return err
	}
	if sensitive == nil {
		return errorf(27138, 1)
	}
	v, _, err := c.findVariable(sc, folderName, envName, varName)
	if err != nil {
		return err
	}
	old := v.Sensitive
	v.Sensitive = *sensitive
	tx.record(func() { v.Sensitive = old })
	c.st.changes(tx).environment(v.EnvironmentID)
	return nil
}
