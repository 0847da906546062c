package catalog

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/ispac"
)

// DeployProject is catalog.deploy_project. It returns @operation_id (0 when
// the procedure failed before creating the deploy operation). The stream is
// parsed at once (the real catalog hands it to ISServerExec and polls);
// a broken .ispac ends the operation 4 with the reason in
// operation_messages and raises 27203. The project is deployed under
// @project_name whatever the manifest calls it.
func (c *Catalog) DeployProject(ctx context.Context, tx *Tx, caller *Caller, folderName, projectName *string, stream []byte) (id int64, err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc := s.resolve(caller)
	if e := needAccess(sc); e != nil {
		return 0, e
	}
	if folderName == nil || projectName == nil || stream == nil {
		return 0, errorf(27138, 6)
	}
	if !validName(*projectName) {
		return 0, errorf(27145, 1, *projectName)
	}
	if e := c.checkSQLAuth(sc, 1); e != nil {
		return 0, e
	}
	f := s.folderByName(*folderName)
	if f == nil || !s.canReadFolder(sc, f) {
		return 0, errorf(27104, 1, *folderName)
	}
	existing := s.projectByName(f.ID, *projectName)
	var objID *int64
	if existing != nil {
		objID = ptr(existing.ID)
	}
	op := c.newOperation(tx, sc, OpDeployProject, 20, objID, ptr(*projectName), StatusPending)
	op.Start = c.now()
	s.grantDefaults(tx, sc, ObjOperation, op.ID)
	if existing == nil {
		if !s.check(sc, ObjFolder, f.ID, PermCreateObjects) {
			c.setStatus(tx, op, StatusFailed)
			return op.ID, errorf(27206, 1, f.Name)
		}
	} else if !s.check(sc, ObjProject, existing.ID, PermRead) || !s.check(sc, ObjProject, existing.ID, PermModify) {
		c.setStatus(tx, op, StatusFailed)
		return op.ID, errorf(27109, 1, *projectName)
	}
	c.setStatus(tx, op, StatusRunning)
	parsed, err := ispac.Read(stream, c.opts.Limits)
	if err == nil {
		err = checkDeployable(parsed)
	}
	if err != nil {
		c.logMessage(tx, op, msgError, "Failed to deploy the project. Fix the problems and try again later.:"+err.Error())
		c.setStatus(tx, op, StatusFailed)
		return op.ID, errorf(27203, 1, op.ID)
	}
	p := c.installProject(tx, sc, f, existing, *projectName, parsed, stream)
	op.ObjectID = ptr(p.ID)
	c.logMessage(tx, op, msgInformation, fmt.Sprintf("The project '%s' was deployed to the folder '%s' as version %d.", p.Name, f.Name, p.LSN))
	c.setStatus(tx, op, StatusSucceeded)
	return op.ID, nil
}

// checkDeployable applies the catalog's own rules on top of the file's.
func checkDeployable(p *ispac.Project) error {
	if len(p.Packages) == 0 {
		return &ispac.Error{Reason: "the project contains no packages"}
	}
	for _, pk := range p.Packages {
		if !strings.HasSuffix(strings.ToLower(pk.Name), ".dtsx") {
			return &ispac.Error{Reason: fmt.Sprintf("the package name '%s' does not end in .dtsx", pk.Name)}
		}
	}
	return nil
}

func parseGUID(s string) uuid.UUID {
	u, err := uuid.Parse(strings.Trim(s, "{}"))
	if err != nil {
		return uuid.Nil
	}
	return u
}

// installProject makes a new version of a project (or the project itself)
// from a parsed .ispac. Server-side parameter values (set_object_parameter_
// value) survive a redeploy when the parameter keeps its name, object and
// type, as on a real catalog. Call with the write lock held.
func (c *Catalog) installProject(tx *Tx, sc *secCtx, f *Folder, existing *Project, name string, parsed *ispac.Project, stream []byte) *Project {
	s := c.st
	now := c.now()
	var p *Project
	if existing == nil {
		p = &Project{ID: s.NextProjectID, FolderID: f.ID, Name: name, Created: now}
		s.NextProjectID++
		s.Projects[p.ID] = p
		tx.record(func() { delete(s.Projects, p.ID) })
		s.grantDefaults(tx, sc, ObjProject, p.ID)
	} else {
		p = existing
		old := *p
		tx.record(func() { *p = old })
	}
	s.changes(tx).project(p.ID)
	p.Description = parsed.Description
	p.FormatVersion = max(parsed.FormatVersion, 1)
	p.ProtectionLevel = parsed.ProtectionLevel
	p.DeployedBySID, p.DeployedByName, p.LastDeployed = sc.callerSID(), sc.callerName(), now
	lsn := s.NextLSN
	s.NextLSN++
	s.keepVersion(p, &ProjectVersion{LSN: lsn, Description: parsed.Description, CreatedBy: sc.callerName(), Created: now, Stream: stream})
	s.loadVersion(p, name, parsed, lsn, stream)
	return p
}

// loadVersion makes a version of the project its current one: its
// packages and parameters from the parsed .ispac. Server-side parameter
// values (set_object_parameter_value) carry over when the parameter keeps
// its name, object and type. Call with the write lock held, the project's
// undo recorded.
func (s *State) loadVersion(p *Project, name string, parsed *ispac.Project, lsn int64, stream []byte) {
	prevParams := p.Params
	p.LSN = lsn
	p.Stream = stream
	p.Packages = nil
	p.Params = nil
	for _, pk := range parsed.Packages {
		p.Packages = append(p.Packages, &Package{
			ID: s.NextPackageID, Name: pk.Name, GUID: parseGUID(pk.ID), Description: pk.Description,
			FormatVersion: pk.FormatVersion, VersionMajor: pk.VersionMajor, VersionMinor: pk.VersionMinor,
			VersionBuild: pk.VersionBuild, VersionComments: pk.VersionComments, VersionGUID: parseGUID(pk.VersionGUID),
			ProjectID: p.ID, EntryPoint: pk.EntryPoint,
		})
		s.NextPackageID++
	}
	addParams := func(objType int16, objName string, params []ispac.Param) {
		for _, q := range params {
			op := &ObjectParameter{
				ID: s.NextParamID, ProjectID: p.ID, ObjectType: objType, ObjectName: objName, Name: q.Name,
				DataType: q.DataType, Required: q.Required, Sensitive: q.Sensitive, Description: q.Description,
				DesignDefault: designValue(q.DataType, q.Value), ValueType: 'V',
			}
			s.NextParamID++
			for _, old := range prevParams {
				if old.ObjectType == objType && old.ObjectName == objName && old.Name == q.Name && old.DataType == q.DataType && old.ValueSet {
					op.Default, op.ValueType, op.ValueSet, op.ReferencedVar = old.Default, old.ValueType, true, old.ReferencedVar
				}
			}
			p.Params = append(p.Params, op)
		}
	}
	addParams(20, name, parsed.Params)
	for _, pk := range parsed.Packages {
		addParams(30, pk.Name, pk.Params)
	}
}

// visibleProject finds a project by folder and name as the caller sees it
// through catalog.projects joined with catalog.folders.
func (s *State) visibleProject(sc *secCtx, folderName, projectName string) *Project {
	f := s.folderByName(folderName)
	if f == nil {
		return nil
	}
	p := s.projectByName(f.ID, projectName)
	if p == nil || !s.check(sc, ObjProject, p.ID, PermRead) || !s.canReadFolder(sc, f) {
		return nil
	}
	return p
}

// DeleteProject is catalog.delete_project.
func (c *Catalog) DeleteProject(ctx context.Context, tx *Tx, caller *Caller, folderName, projectName *string) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 2)
	if err != nil {
		return err
	}
	if folderName == nil || projectName == nil {
		return errorf(27138, 6)
	}
	p := s.visibleProject(sc, *folderName, *projectName)
	if p == nil || !s.check(sc, ObjProject, p.ID, PermModify) {
		return thrown(errorf(27109, 1, *projectName))
	}
	delete(s.Projects, p.ID)
	tx.record(func() { s.Projects[p.ID] = p })
	ch := s.changes(tx)
	ch.project(p.ID)
	for id, r := range s.References {
		if r.ProjectID == p.ID {
			delete(s.References, id)
			tx.record(func() { s.References[id] = r })
			ch.reference(id)
		}
	}
	s.dropObjectGrants(tx, ObjProject, p.ID)
	return nil
}

// MoveProject is catalog.move_project.
func (c *Catalog) MoveProject(ctx context.Context, tx *Tx, caller *Caller, sourceFolder, projectName, destinationFolder *string) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 2)
	if err != nil {
		return err
	}
	if sourceFolder == nil || projectName == nil || destinationFolder == nil {
		return errorf(27138, 6)
	}
	p := s.visibleProject(sc, *sourceFolder, *projectName)
	if p == nil || !s.check(sc, ObjProject, p.ID, PermModify) {
		return thrown(errorf(27109, 1, *projectName))
	}
	dst := s.folderByName(*destinationFolder)
	if dst == nil || !s.canReadFolder(sc, dst) {
		return thrown(errorf(27115, 1, *destinationFolder))
	}
	if !s.check(sc, ObjFolder, dst.ID, PermCreateObjects) {
		return thrown(errorf(27223, 1, *destinationFolder))
	}
	if s.projectByName(dst.ID, p.Name) != nil {
		return thrown(errorf(27181, 1, *projectName))
	}
	old := p.FolderID
	p.FolderID = dst.ID
	tx.record(func() { p.FolderID = old })
	s.changes(tx).project(p.ID)
	return nil
}

// GetProject is catalog.get_project: the .ispac of the current version
// (the procedure's one-row result set, column project_stream).
func (c *Catalog) GetProject(ctx context.Context, caller *Caller, folderName, projectName *string) ([]byte, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	s := c.st
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return nil, err
	}
	if folderName == nil || projectName == nil {
		return nil, errorf(27138, 1)
	}
	p := s.visibleProject(sc, *folderName, *projectName)
	if p == nil {
		return nil, errorf(27109, 1, *projectName)
	}
	return p.Stream, nil
}
