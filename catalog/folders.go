package catalog

import (
	"context"
	"strings"
)

// validName is the catalog's internal.is_valid_name. The CLR check's exact
// rule set is unconfirmed; this refuses blank names, control characters and
// the path separators and wildcards Windows forbids in file names (\ / : * ?
// " |). It accepts < and >: a name such as <script> must reach the console
// and the reports, which escape it.
func validName(s string) bool {
	if strings.TrimSpace(s) == "" {
		return false
	}
	for _, r := range s {
		if r < 32 || strings.ContainsRune(`\/:*?"|`, r) {
			return false
		}
	}
	return true
}

// CreateFolder is catalog.create_folder; it returns @folder_id.
func (c *Catalog) CreateFolder(ctx context.Context, tx *Tx, caller *Caller, name *string) (id int64, err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return 0, err
	}
	if !sc.admin() {
		return 0, errorf(27188, 1)
	}
	// Only NULL gives 27189; an empty name fails the name check (27199),
	// as in the 2017 procedure.
	if name == nil {
		return 0, errorf(27189, 1)
	}
	if !validName(*name) {
		return 0, errorf(27199, 1, *name)
	}
	if s.folderByName(*name) != nil {
		return 0, thrown(errorf(27190, 1, *name))
	}
	// The 2017 procedure grants no default permissions on a folder (only
	// admins create them).
	f := &Folder{ID: s.NextFolderID, Name: *name, CreatedBySID: sc.callerSID(), CreatedByName: sc.callerName(), Created: c.now()}
	s.NextFolderID++
	s.Folders[f.ID] = f
	tx.record(func() { delete(s.Folders, f.ID) })
	s.changes(tx).folder(f.ID)
	return f.ID, nil
}

// DeleteFolder is catalog.delete_folder: the folder must be empty (27196).
func (c *Catalog) DeleteFolder(ctx context.Context, tx *Tx, caller *Caller, name *string) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return err
	}
	if !sc.admin() {
		return errorf(27188, 1)
	}
	if name == nil {
		return errorf(27138, 1)
	}
	f := s.folderByName(*name)
	if f == nil {
		return thrown(errorf(27104, 1, *name))
	}
	for _, p := range s.Projects {
		if p.FolderID == f.ID {
			return thrown(errorf(27196, 1, f.Name))
		}
	}
	for _, e := range s.Environments {
		if e.FolderID == f.ID {
			return thrown(errorf(27196, 1, f.Name))
		}
	}
	delete(s.Folders, f.ID)
	tx.record(func() { s.Folders[f.ID] = f })
	s.changes(tx).folder(f.ID)
	s.dropObjectGrants(tx, ObjFolder, f.ID)
	return nil
}

// RenameFolder is catalog.rename_folder.
func (c *Catalog) RenameFolder(ctx context.Context, tx *Tx, caller *Caller, oldName, newName *string) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return err
	}
	if !sc.admin() {
		return errorf(27188, 1)
	}
	if oldName == nil || newName == nil {
		return errorf(27138, 1)
	}
	if *newName == "" {
		return errorf(27189, 1)
	}
	if !validName(*newName) {
		return errorf(27199, 1, *newName)
	}
	f := s.folderByName(*oldName)
	if f == nil {
		return thrown(errorf(27104, 1, *oldName))
	}
	if o := s.folderByName(*newName); o != nil && o != f {
		return thrown(errorf(27190, 1, *newName))
	}
	old := f.Name
	f.Name = *newName
	tx.record(func() { f.Name = old })
	s.changes(tx).folder(f.ID)
	return nil
}

// SetFolderDescription is catalog.set_folder_description; it needs MODIFY
// on the folder.
func (c *Catalog) SetFolderDescription(ctx context.Context, tx *Tx, caller *Caller, name, description *string) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return err
	}
	if name == nil || description == nil {
		return errorf(27138, 1)
	}
	f := s.folderByName(*name)
	if f == nil || !s.canReadFolder(sc, f) || !s.check(sc, ObjFolder, f.ID, PermModify) {
		return thrown(errorf(27104, 1, *name))
	}
	old := f.Description
	f.Description = *description
	tx.record(func() { f.Description = old })
	s.changes(tx).folder(f.ID)
	return nil
}
