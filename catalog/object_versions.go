package catalog

import (
	"context"

	"slices"
	"strconv"
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/ispac"
)

// OpRestoreProject is restore_project's operation type.
const OpRestoreProject int16 = 106

// versions lists the project's kept versions, oldest first.
func (p *Project) versions() []*ProjectVersion {
	if len(p.Versions) == 0 {
		return []*ProjectVersion{p.currentVersion()}
	}
	return p.Versions
}

// currentVersion is the version a project loaded without a version list
// (an older data file) has: the one it runs.
func (p *Project) currentVersion() *ProjectVersion {
	return &ProjectVersion{LSN: p.LSN, Description: p.Description, CreatedBy: p.DeployedByName, Created: p.LastDeployed, Stream: p.Stream}
}

// versionStream is a version's .ispac.
func (p *Project) versionStream(v *ProjectVersion) []byte {
	if v.Stream == nil && v.LSN == p.LSN {
		return p.Stream
	}
	return v.Stream
}

// keepVersion adds a newly deployed version to the project's list. With
// VERSION_CLEANUP_ENABLED the list keeps the newest MAX_PROJECT_VERSIONS
// (the real catalog's cleanup job trims it later, on its schedule; here a
// deploy does it at once). Call with the write lock held, the project's
// undo recorded.
func (s *State) keepVersion(p *Project, v *ProjectVersion) {
	var vs []*ProjectVersion
	if p.LSN != 0 {
		vs = slices.Clone(p.versions())
	}
	vs = append(vs, v)
	if strings.EqualFold(s.CatalogProperties["VERSION_CLEANUP_ENABLED"], "TRUE") {
		if n, err := strconv.Atoi(s.CatalogProperties["MAX_PROJECT_VERSIONS"]); err == nil && n >= 1 && len(vs) > n {
			vs = vs[len(vs)-n:]
		}
	}
	p.Versions = vs
}

// RestoreProject is catalog.restore_project: it makes a kept version of
// the project the current one, as an operation of type 106, in the 2017
// procedure's order: 27123 (state 2), 27138 (state 6), the operation,
// then 27109 (no project or no MODIFY), 27179 (no such version of the
// project), 27155 (the version is already current), each ending the
// operation failed. Server-side parameter values carry over to the
// restored version's parameters of the same name, object and type.
func (c *Catalog) RestoreProject(ctx context.Context, tx *Tx, caller *Caller, folderName, projectName *string, lsn *int64) (id int64, err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 2)
	if err != nil {
		return 0, err
	}
	if folderName == nil || projectName == nil || lsn == nil {
		return 0, errorf(27138, 6)
	}
	op := c.newOperation(tx, sc, OpRestoreProject, 20, nil, ptr(*projectName), StatusRunning)
	op.Start = op.Created
	s.grantDefaults(tx, sc, ObjOperation, op.ID)
	fail := func(e error) (int64, error) {
		c.setStatus(tx, op, StatusFailed)
		return op.ID, thrown(sqlOf(e))
	}
	p := s.visibleProject(sc, *folderName, *projectName)
	if p == nil || !s.check(sc, ObjProject, p.ID, PermModify) {
		return fail(errorf(27109, 1, *projectName))
	}
	op.ObjectID = ptr(p.ID)
	vs := p.versions()
	i := slices.IndexFunc(vs, func(v *ProjectVersion) bool { return v.LSN == *lsn })
	if i < 0 {
		return fail(errorf(27179, 1))
	}
	if p.LSN == *lsn {
		return fail(errorf(27155, 1))
	}
	v := vs[i]
	stream := p.versionStream(v)
	parsed, perr := ispac.Read(stream, c.opts.Limits)
	if perr != nil {
		// A kept version was deployed, so it parsed then; only a damaged
		// data file gets here.
		c.logMessage(tx, op, msgError, "The project version cannot be read: "+perr.Error())
		return fail(errorf(27179, 1))
	}
	old := *p
	tx.record(func() { *p = old })
	s.changes(tx).project(p.ID)
	oldLSN := p.LSN
	s.loadVersion(p, p.Name, parsed, v.LSN, stream)
	restored := *v
	restored.RestoredBy, restored.LastRestored = ptr(sc.callerName()), c.now()
	nvs := slices.Clone(vs)
	nvs[i] = &restored
	p.Versions = nvs
	c.logMessage(tx, op, msgInformation, fill(messages[27151].text, []any{p.Name, oldLSN}))
	c.logMessage(tx, op, msgInformation, fill(messages[27152].text, []any{p.Name, v.LSN}))
	c.setStatus(tx, op, StatusSucceeded)
	return op.ID, nil
}

var (
	colsObjectVersions = cols("object_version_lsn bigint!", "object_id bigint!", "object_type smallint!", "object_name sysname!",
		"description nvarchar(1024)", "created_by nvarchar(128)!", "created_time datetimeoffset(7)!", "restored_by nvarchar(128)",
		"last_restored_time datetimeoffset(7)")
	colsInternalObjectVersions = cols("object_version_lsn bigint!", "object_id bigint!", "object_type smallint!",
		"description nvarchar(1024)", "created_by nvarchar(128)!", "created_time datetimeoffset(7)!", "restored_by nvarchar(128)",
		"last_restored_time datetimeoffset(7)", "object_data varbinary(max)!", "object_status char(1)!")
)

// versionRows writes a project's versions from the scan's position (by
// LSN, which grows along the list) with the view's columns.
func versionRows(x *scan, p *Project, internal bool) bool {
	w := &x.w
	return afterID(x, p.versions(), func(v *ProjectVersion) int64 { return v.LSN }, func(v *ProjectVersion) {
		w.int(v.LSN)
		w.int(p.ID)
		w.int(20)
		if !internal {
			w.str(p.Name)
		}
		w.str(v.Description)
		w.str(v.CreatedBy)
		w.time(v.Created)
		w.strp(v.RestoredBy)
		w.time(v.LastRestored)
		if internal {
			stream := p.versionStream(v)
			if stream == nil {
				stream = []byte{}
			}
			w.bytes(stream)
			w.str("C") // current: deployed and usable (D is a deploy in progress)
		}
	})
}

func init() {
	catalogViews["catalog.object_versions"] = &viewDef{cols: colsObjectVersions,
		scan: func(x *scan) bool {
			return byID(x, x.s.Projects, func(x *scan, p *Project) bool {
				if !x.s.check(x.sc, ObjProject, p.ID, PermRead) {
					return true
				}
				return versionRows(x, p, false)
			})
		}}
	catalogViews["internal.object_versions"] = &viewDef{cols: colsInternalObjectVersions, deny: denyInternal("object_versions"),
		scan: func(x *scan) bool {
			return byID(x, x.s.Projects, func(x *scan, p *Project) bool { return versionRows(x, p, true) })
		}}
}
