package catalog

import (
	"context"
	"slices"
	"strconv"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
)

// Securable object types and permission codes (reference §1.4).
const (
	ObjFolder      int16 = 1
	ObjProject     int16 = 2
	ObjEnvironment int16 = 3
	ObjOperation   int16 = 4

	PermRead                    int16 = 1
	PermModify                  int16 = 2
	PermExecute                 int16 = 3
	PermManagePermissions       int16 = 4
	PermCreateObjects           int16 = 100
	PermReadObjects             int16 = 101
	PermModifyObjects           int16 = 102
	PermExecuteObjects          int16 = 103
	PermManageObjectPermissions int16 = 104
)

// check is internal.check_permission: admins always pass, ssis_logreader
// reads operations, everyone else needs an effective permission.
func (s *State) check(sc *secCtx, objType int16, objID int64, perm int16) bool {
	if sc.admin() {
		return true
	}
	if sc.has("ssis_logreader") && objType == ObjOperation && perm == PermRead {
		return true
	}
	return s.effective(sc, objType, objID, perm)
}

// effective: granted to the user or one of its roles, directly or through
// the folder's *_OBJECTS permission, and not denied either way.
func (s *State) effective(sc *secCtx, objType int16, objID int64, perm int16) bool {
	granted, denied := false, false
	look := func(k PermKey, p int16) {
		for _, g := range s.Permissions[k] {
			if g.Permission == p && slices.Contains(sc.ids, g.PrincipalID) {
				if g.Deny {
					denied = true
				} else {
					granted = true
				}
			}
		}
	}
	look(PermKey{objType, objID}, perm)
	if (objType == ObjProject || objType == ObjEnvironment) && perm <= PermManagePermissions {
		var folderID int64
		if objType == ObjProject {
			if p := s.Projects[objID]; p != nil {
				folderID = p.FolderID
			}
		} else if e := s.Environments[objID]; e != nil {
			folderID = e.FolderID
		}
		if folderID != 0 {
			look(PermKey{ObjFolder, folderID}, perm+100)
		}
	}
	return granted && !denied
}

func (s *State) canReadFolder(sc *secCtx, f *Folder) bool {
	if s.check(sc, ObjFolder, f.ID, PermRead) {
		return true
	}
	// A folder is visible to whoever can read something in it, so that
	// READ on a project is enough to reach it through catalog.folders.
	for _, p := range s.Projects {
		if p.FolderID == f.ID && s.check(sc, ObjProject, p.ID, PermRead) {
			return true
		}
	}
	for _, e := range s.Environments {
		if e.FolderID == f.ID && s.check(sc, ObjEnvironment, e.ID, PermRead) {
			return true
		}
	}
	return false
}

// grantDefaults gives the creator of an object every permission that
// applies to it (internal.init_object_permissions).
func (s *State) grantDefaults(tx *Tx, sc *secCtx, objType int16, objID int64) {
	var perms []int16
	switch objType {
	case ObjFolder:
		perms = []int16{1, 2, 4, 100, 101, 102, 103, 104}
	case ObjProject:
		perms = []int16{1, 2, 3, 4}
	default:
		perms = []int16{1, 2, 4}
	}
	k := PermKey{objType, objID}
	uid := sc.userID()
	for _, p := range perms {
		s.Permissions[k] = append(s.Permissions[k], Grant{PrincipalID: uid, Permission: p, GrantorID: uid})
	}
	tx.record(func() { delete(s.Permissions, k) })
	s.changes(tx).permission(k)
}

// dropObjectGrants removes the permissions on a deleted object.
func (s *State) dropObjectGrants(tx *Tx, objType int16, objID int64) {
	k := PermKey{objType, objID}
	old, ok := s.Permissions[k]
	if !ok {
		return
	}
	delete(s.Permissions, k)
	tx.record(func() { s.Permissions[k] = old })
	s.changes(tx).permission(k)
}

func (s *State) dropGrantsOf(principalID int32) map[PermKey][]Grant {
	old := map[PermKey][]Grant{}
	for k, gs := range s.Permissions {
		keep := gs[:0:0]
		for _, g := range gs {
			if g.PrincipalID != principalID {
				keep = append(keep, g)
			}
		}
		if len(keep) != len(gs) {
			old[k] = gs
			s.Permissions[k] = keep
		}
	}
	return old
}

// GrantPermission is catalog.grant_permission.
func (c *Catalog) GrantPermission(ctx context.Context, tx *Tx, caller *Caller, objectType *int16, objectID *int64, principalID *int32, permission *int16) error {
	return c.updatePermission(tx, caller, objectType, objectID, principalID, permission, 1)
}

// DenyPermission is catalog.deny_permission.
func (c *Catalog) DenyPermission(ctx context.Context, tx *Tx, caller *Caller, objectType *int16, objectID *int64, principalID *int32, permission *int16) error {
	return c.updatePermission(tx, caller, objectType, objectID, principalID, permission, 2)
}

// RevokePermission is catalog.revoke_permission.
func (c *Catalog) RevokePermission(ctx context.Context, tx *Tx, caller *Caller, objectType *int16, objectID *int64, principalID *int32, permission *int16) error {
	return c.updatePermission(tx, caller, objectType, objectID, principalID, permission, 3)
}

// updatePermission: mode 1 grant, 2 deny, 3 revoke. Validation order of
// internal.check_permission_parameters.
func (c *Catalog) updatePermission(tx *Tx, caller *Caller, objectType *int16, objectID *int64, principalID *int32, permission *int16, mode int) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return err
	}
	if objectType == nil || objectID == nil || principalID == nil || permission == nil {
		return errorf(27138, 1)
	}
	ot, id, pid, perm := *objectType, *objectID, *principalID, *permission
	if ot < 1 || ot > 4 {
		return errorf(27101, 1, "object_type")
	}
	if !(perm >= 1 && perm <= 4 || perm >= 100 && perm <= 104) {
		return errorf(27101, 1, "permission_type")
	}
	if ot != ObjProject && perm == PermExecute || ot != ObjFolder && perm >= 100 {
		return errorf(27191, 1, perm, ot)
	}
	if e := s.visibleObject(sc, ot, id); e != nil {
		return e
	}
	db := s.Databases[key(SSISDB)]
	if p := db.Principals[pid]; p == nil || pid == dboID || pid <= 4 && pid != publicDBRole {
		return errorf(27101, 1, "principal_id")
	}
	if !s.check(sc, ot, id, PermManagePermissions) {
		return errorf(27192, 1)
	}
	k := PermKey{ot, id}
	old := s.Permissions[k]
	next := make([]Grant, 0, len(old)+1)
	found := false
	for _, g := range old {
		if g.PrincipalID == pid && g.Permission == perm {
			found = true
			if mode == 3 {
				continue
			}
			g.Deny = mode == 2
			g.GrantorID = sc.userID()
		}
		next = append(next, g)
	}
	if !found && mode != 3 {
		next = append(next, Grant{PrincipalID: pid, Permission: perm, Deny: mode == 2, GrantorID: sc.userID()})
	}
	s.Permissions[k] = next
	tx.record(func() {
		if old == nil {
			delete(s.Permissions, k)
		} else {
			s.Permissions[k] = old
		}
	})
	s.changes(tx).permission(k)
	return nil
}

// visibleObject checks that a securable exists and the caller can see it
// through its catalog view.
func (s *State) visibleObject(sc *secCtx, ot int16, id int64) *sqlerr.Error {
	ids := strconv.FormatInt(id, 10)
	switch ot {
	case ObjFolder:
		if f := s.Folders[id]; f == nil || !s.canReadFolder(sc, f) {
			return errorf(27104, 1, ids)
		}
	case ObjProject:
		if p := s.Projects[id]; p == nil || !s.check(sc, ObjProject, id, PermRead) {
			return errorf(27109, 1, ids)
		}
	case ObjEnvironment:
		if e := s.Environments[id]; e == nil || !s.check(sc, ObjEnvironment, id, PermRead) {
			return errorf(27182, 1, ids)
		}
	default:
		if o := s.Operations[id]; o == nil || !s.check(sc, ObjOperation, id, PermRead) {
			return errorf(27105, 1, id)
		}
	}
	return nil
}
