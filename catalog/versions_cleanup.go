package catalog

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
)

// VersionCleanupResult is what one project-version cleanup did.
type VersionCleanupResult struct {
	// OperationID is the cleanup's operation (type 2, as the real
	// procedure logs it); 0 when VERSION_CLEANUP_ENABLED is FALSE.
	OperationID int64
	// Removed counts the versions dropped, Projects the projects trimmed.
	Removed, Projects int
}

// CleanupServerProjectVersion is internal.cleanup_server_project_version,
// the maintenance job's second step. As the real procedure: nothing when
// VERSION_CLEANUP_ENABLED is FALSE; 27163 when MAX_PROJECT_VERSIONS is
// not 1 to 9999; else an operation of type 2 that keeps, per project, the
// versions whose last activity (last_restored_time, else created_time)
// ranks within the newest MAX_PROJECT_VERSIONS (DENSE_RANK, so ties stay
// together), and ends 7. A deploy already trims to MAX_PROJECT_VERSIONS by
// deploy order (keepVersion), so this removes something only after
// MAX_PROJECT_VERSIONS was lowered, or where a restore made an old version
// newer than later deploys. The current version is never removed (it
// always ranks first in practice; the guard keeps a project runnable).
func (c *Catalog) CleanupServerProjectVersion(ctx context.Context, tx *Tx, caller *Caller) (res VersionCleanupResult, err error) {
	c.mu.Lock()
	defer c.release(&err)
	sc := c.st.resolve(caller)
	if e := needAccess(sc); e != nil {
		return res, e
	}
	if !mayCleanup(sc) {
		return res, errorf(229, 5, "EXECUTE", "cleanup_server_project_version", SSISDB, "internal")
	}
	return c.cleanupVersions(tx, sc)
}

// cleanupVersions runs the version cleanup as sc; call with the write
// lock held.
func (c *Catalog) cleanupVersions(tx *Tx, sc *secCtx) (res VersionCleanupResult, err error) {
	s := c.st
	if !strings.EqualFold(strings.TrimSpace(s.CatalogProperties["VERSION_CLEANUP_ENABLED"]), "TRUE") {
		return res, nil
	}
	keep, perr := strconv.Atoi(strings.TrimSpace(s.CatalogProperties["MAX_PROJECT_VERSIONS"]))
	if perr != nil || keep <= 0 || keep > 9999 {
		return res, errorf(27163, 1, "MAX_PROJECT_VERSIONS")
	}
	op := c.newOperation(tx, sc, OpCleanupRetention, 0, nil, nil, StatusCreated)
	op.Start = c.now()
	res.OperationID = op.ID
	ids := make([]int64, 0, len(s.Projects))
	for id := range s.Projects {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		p := s.Projects[id]
		if len(p.Versions) <= keep {
			continue
		}
		kept := keptVersions(p, keep)
		if len(kept) == len(p.Versions) {
			continue
		}
		old := *p
		tx.record(func() { *p = old })
		res.Removed += len(p.Versions) - len(kept)
		res.Projects++
		p.Versions = kept // a new list: the old one may be being encoded
		s.changes(tx).project(p.ID)
	}
	c.setStatus(tx, op, StatusSucceeded)
	c.log.Info("project version cleanup", "operation_id", op.ID, "removed", res.Removed, "projects", res.Projects)
	return res, nil
}

// keptVersions is the project's versions whose DENSE_RANK by last activity,
// newest first, is at most keep, plus the current version; in their order.
func keptVersions(p *Project, keep int) []*ProjectVersion {
	active := func(v *ProjectVersion) time.Time {
		if !v.LastRestored.IsZero() {
			return v.LastRestored
		}
		return v.Created
	}
	var times []time.Time
	for _, v := range p.Versions {
		times = append(times, active(v))
	}
	slices.SortFunc(times, func(a, b time.Time) int { return b.Compare(a) })
	times = slices.CompactFunc(times, time.Time.Equal)
	// The oldest activity that still ranks within keep.
	limit := times[min(keep, len(times))-1]
	var kept []*ProjectVersion
	for _, v := range p.Versions {
		if !active(v).Before(limit) || v.LSN == p.LSN {
			kept = append(kept, v)
		}
	}
	return kept
}
