package procs

import (
	"reflect"
	"sync/atomic"

	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
)

// A poll loop runs the same lookup again and again; with its module kept
// (modcache.go) the query's plan was still built on every run, and that
// was most of what the lookup cost. A SELECT over catalog views only keeps
// its plan for the next run in the same context:
//
//   - the plan reads the running frame (variables, outer rows) from the
//     context, not from a frame captured when it was built (compiler.sharing);
//   - it reads only row sources the catalog hands out by name, bound to a
//     database and a caller: the same session, current database and
//     security context give the same sources. A plan that reads anything
//     else (a table, a table variable, a CTE, a system view, a subquery,
//     APPLY, aggregates and windows, which capture the frame) is marked
//     local and not kept;
//   - a table created or dropped since (tableStore.gen) could now take the
//     place of a name the plan resolved to a view, so it ends the plan.
//
// Catalog rows themselves are read when the plan runs: changes to the
// catalog need no invalidation. Only one plan is kept per statement, for
// one session: a procedure's statements are shared by sessions, and a
// session runs one request at a time, so a kept plan never runs twice at
// once.
type keptPlan struct {
	p atomic.Pointer[keptEntry]
}

type keptEntry struct {
	s         *Session
	database  string
	principal Principal
	tables    uint64
	plan      *plan
}

// mayKeep reports a query whose plan may be kept: a plain SELECT (not
// INTO a table, not FOR XML) with no CTEs.
func (k *keptPlan) mayKeep(q *tsql.Query) bool {
	return q.For == nil && len(q.With) == 0 && selectInto(q) == nil
}

// get returns the plan kept for s's current context, if any.
func (k *keptPlan) get(s *Session) *plan {
	e := k.p.Load()
	if e == nil || e.s != s || e.database != s.database || e.tables != s.e.tables.gen.Load() ||
		!samePrincipal(e.principal, s.principal) {
		return nil
	}
	return e.plan
}

// put keeps p, planned in s's current context when the tables were at
// generation tables.
func (k *keptPlan) put(s *Session, p *plan, tables uint64) {
	k.p.Store(&keptEntry{s: s, database: s.database, principal: s.principal, tables: tables, plan: p})
}

// samePrincipal compares two security contexts without panicking on a
// Principal type that == cannot compare (such a context keeps no plan).
func samePrincipal(a, b Principal) bool {
	ta := reflect.TypeOf(a)
	if ta == nil || ta != reflect.TypeOf(b) || !ta.Comparable() {
		return false
	}
	return a == b
}
