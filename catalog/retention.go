package catalog

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file is SSISDB's operation-log retention: the procedure
// internal.cleanup_server_retention_window and the daily SQL Agent job
// ("SSIS Server Maintenance Job") that calls it.
//
// What the real procedure does, and so what this does:
//   - nothing at all (no operation row) unless OPERATION_CLEANUP_ENABLED
//     is TRUE;
//   - 27163 for a RETENTION_WINDOW of 0 or less, or a SERVER_OPERATION_
//     ENCRYPTION_LEVEL other than 1 or 2, before any row is written;
//   - inserts an operation of type 2 (created 1, start_time now, no
//     object), deletes every operation that ended at or before now minus
//     the window, or that never ended, is still created (status 1) and was
//     created at or before that time, and ends its own operation with 7;
//   - logs no operation messages.
//
// Running (2), pending (5) and stopping (8) operations have no end_time
// and another status, so they never qualify. Deleting an operation
// cascades, in SSISDB, to everything keyed by it: the execution row, its
// parameter values, property overrides, messages, event contexts,
// executables, statistics, data taps, validation rows and the
// operation's permissions; here those live inside the Operation, apart
// from the permissions and the Scale Out job, which are dropped too.

// OpCleanupRetention is the operation type the retention cleanup logs
// itself as ("operations cleanup").
const OpCleanupRetention int16 = 2

// CleanupJobLogin is the login the SSIS Server Maintenance Job runs as
// (its owner); the scheduled cleanup logs its operation under this name.
const CleanupJobLogin = "##MS_SSISServerCleanupJobLogin##"

// cleanupJobUser is the SSISDB user EXECUTE on the cleanup procedures is
// granted to.
const cleanupJobUser = "##MS_SSISServerCleanupJobUser##"

// CleanupResult is what one retention cleanup did.
type CleanupResult struct {
	// OperationID is the cleanup's own operation (type 2); 0 when
	// OPERATION_CLEANUP_ENABLED is FALSE and nothing ran.
	OperationID int64
	// Removed counts the operations deleted, Executions those of them
	// that were executions.
	Removed, Executions int
	// Cutoff is the time an operation must have ended by to go.
	Cutoff time.Time
}

// jobDropper is implemented by masters that can forget the jobs of
// executions the catalog deleted (*scaleout.Master and the inert master).
type jobDropper interface {
	DropJobs(executionIDs []int64) int
}

// CleanupServerRetentionWindow is internal.cleanup_server_retention_window.
// EXECUTE is granted to the cleanup job's user only, so besides it only
// sysadmin and db_owner members may run it; anyone else gets 229.
func (c *Catalog) CleanupServerRetentionWindow(ctx context.Context, tx *Tx, caller *Caller) (res CleanupResult, err error) {
	c.mu.Lock()
	defer c.release(&err)
	sc := c.st.resolve(caller)
	if e := needAccess(sc); e != nil {
		return res, e
	}
	if !mayCleanup(sc) {
		return res, errorf(229, 5, "EXECUTE", "cleanup_server_retention_window", SSISDB, "internal")
	}
	return c.cleanupRetention(tx, sc)
}

// mayCleanup is the EXECUTE permission on the cleanup procedures:
// granted to the cleanup job's user, held by sysadmin, db_owner and dbo.
func mayCleanup(sc *secCtx) bool {
	return sc.sysadmin || sc.roles["db_owner"] ||
		sc.user != nil && (sc.user.ID == dboID || strings.EqualFold(sc.user.Name, cleanupJobUser))
}

// cleanupRetention runs the cleanup as sc; call with the write lock held.
func (c *Catalog) cleanupRetention(tx *Tx, sc *secCtx) (res CleanupResult, err error) {
	s := c.st
	if !strings.EqualFold(strings.TrimSpace(s.CatalogProperties["OPERATION_CLEANUP_ENABLED"]), "TRUE") {
		return res, nil
	}
	days, perr := strconv.Atoi(strings.TrimSpace(s.CatalogProperties["RETENTION_WINDOW"]))
	if perr != nil || days <= 0 {
		return res, errorf(27163, 1, "RETENTION_WINDOW")
	}
	if lvl := strings.TrimSpace(s.CatalogProperties["SERVER_OPERATION_ENCRYPTION_LEVEL"]); lvl != "1" && lvl != "2" {
		return res, errorf(27163, 1, "SERVER_OPERATION_ENCRYPTION_LEVEL")
	}
	op := c.newOperation(tx, sc, OpCleanupRetention, 0, nil, nil, StatusCreated)
	op.Start = c.now()
	// GETDATE() - @retention_window_length: whole days back from now.
	res.OperationID = op.ID
	res.Cutoff = op.Start.AddDate(0, 0, -days)
	var jobs []int64
	for _, o := range s.opsInOrder {
		if o == nil || o == op || !expired(o, res.Cutoff) {
			continue
		}
		c.deleteOperation(tx, o)
		res.Removed++
		if o.Exec != nil {
			res.Executions++
			if o.Exec.JobID != nil {
				jobs = append(jobs, o.ID)
			}
		}
	}
	if len(jobs) > 0 {
		// Work handed to the master is not undone by a rollback (package
		// doc): a restored execution that was finished loses only a job
		// the master's own cleanup would drop anyway.
		if d, ok := c.master.(jobDropper); ok {
			d.DropJobs(jobs)
		}
		ch := s.changes(nil)
		for _, id := range jobs {
			ch.job(id)
		}
	}
	c.setStatus(tx, op, StatusSucceeded)
	c.log.Info("operation log cleanup", "operation_id", op.ID, "removed", res.Removed, "executions", res.Executions,
		"cutoff", res.Cutoff)
	return res, nil
}

// expired is the real procedure's WHERE clause.
func expired(o *Operation, cutoff time.Time) bool {
	if !o.End.IsZero() {
		return !o.End.After(cutoff)
	}
	return o.Status == StatusCreated && !o.Created.After(cutoff)
}

// deleteOperation deletes o with what it owns (its permissions; the rest
// hangs off the Operation), undoably; call with the write lock held.
func (c *Catalog) deleteOperation(tx *Tx, o *Operation) {
	s := c.st
	s.removeOperation(o)
	k := PermKey{ObjectType: ObjOperation, ObjectID: o.ID}
	grants, hadGrants := s.Permissions[k]
	if hadGrants {
		delete(s.Permissions, k)
		s.changes(tx).permission(k)
	}
	if tx != nil { // no closure to allocate per operation in autocommit
		tx.record(func() {
			s.restoreOperation(o)
			if hadGrants {
				s.Permissions[k] = grants
			}
		})
	}
	s.changes(tx).operation(o.ID)
}

// restoreOperation puts back an operation removeOperation took out (a
// rolled-back cleanup): its id is still in OperationOrder.
func (s *State) restoreOperation(op *Operation) {
	if _, ok := s.Operations[op.ID]; ok {
		return
	}
	s.Operations[op.ID] = op
	if i, ok := slices.BinarySearch(s.OperationOrder, op.ID); ok && i < len(s.opsInOrder) {
		s.opsInOrder[i] = op
	}
	if op.Exec != nil {
		s.execCounts[statusSlot(op.Status)]++
	}
}
