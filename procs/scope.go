package procs

import (
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
)

// scopeTable is one table of a FROM clause as expressions see it: its
// exposed name and its columns at an offset in the combined row.
type scopeTable struct {
	alias   string // the exposed name: the alias, or the object's own name
	aliased bool
	db      string // of a named object, for db.schema.table.column references
	schema  string
	written string // the name as written in FROM (8120 quotes it)
	cols    []rows.Column
	off     int
	// use records the columns the statement reads, for a source that can
	// build only those (nil otherwise; see projection.go).
	use *colUse
}

// hiddenPrefix starts the names of columns a query cannot see (the row
// ids UPDATE and DELETE carry along); no identifier can start with it.
const hiddenPrefix = "\x00"

// rowScope is the set of tables the expressions of one query level read,
// with the enclosing query's scope as outer (correlated references). Each
// link to outer stands for one row pushed on the frame's outer stack while
// the inner query runs (see frame.outer).
type rowScope struct {
	tables []*scopeTable
	width  int
	outer  *rowScope
}

// newScope returns a scope over tables (placed at consecutive offsets).
func newScope(outer *rowScope, tables ...*scopeTable) *rowScope {
	sc := &rowScope{outer: outer}
	for _, t := range tables {
		sc.add(t)
	}
	return sc
}

func (sc *rowScope) add(t *scopeTable) {
	t.off = sc.width
	sc.tables = append(sc.tables, t)
	sc.width += len(t.cols)
}

// allCols returns the columns of every table, in row order, for callers
// that read every column of the rows by position (PIVOT, UNPIVOT).
func (sc *rowScope) allCols() []rows.Column {
	if sc == nil {
		return nil
	}
	for _, t := range sc.tables {
		t.use.markAll()
	}
	return sc.columns()
}

// columns returns the columns of every table, in row order, as metadata:
// it reads no column.
func (sc *rowScope) columns() []rows.Column {
	if sc == nil {
		return nil
	}
	out := make([]rows.Column, 0, sc.width)
	for _, t := range sc.tables {
		out = append(out, t.cols...)
	}
	return out
}

// matches reports whether a column qualifier names table t.
func (t *scopeTable) matches(q *tsql.ObjectName) bool {
	if q == nil {
		return true
	}
	if t.aliased {
		return q.Parts <= 1 && strings.EqualFold(q.Name, t.alias)
	}
	if !strings.EqualFold(q.Name, t.alias) {
		return false
	}
	if q.Schema != "" {
		schema := t.schema
		if schema == "" {
			schema = "dbo"
		}
		if !strings.EqualFold(q.Schema, schema) {
			return false
		}
	}
	if q.Database != "" && t.db != "" && !strings.EqualFold(q.Database, t.db) {
		return false
	}
	return true
}

func (t *scopeTable) column(name string) int {
	for i, c := range t.cols {
		if strings.EqualFold(c.Name, name) && !strings.HasPrefix(c.Name, hiddenPrefix) {
			return i
		}
	}
	return -1
}

// colRef is a resolved column: depth scopes out, at row index idx.
type colRef struct {
	depth int
	idx   int
	col   rows.Column
	table *scopeTable
}

// lookup finds a column in this scope alone; found is false when no table
// of the scope has it (the caller tries the outer scope).
func (sc *rowScope) lookup(x *tsql.ColumnRef) (colRef, bool, error) {
	var hit colRef
	n := 0
	tableMatched := false
	for _, t := range sc.tables {
		if !t.matches(x.Table) {
			continue
		}
		tableMatched = true
		i := t.column(x.Column)
		if i < 0 {
			continue
		}
		n++
		if n == 1 {
			hit = colRef{idx: t.off + i, col: t.cols[i], table: t}
		}
	}
	switch {
	case n > 1:
		return hit, false, sqlerr.New(209, 16, 1, "Ambiguous column name '%s'.", x.Column)
	case n == 1:
		hit.table.use.mark(hit.idx - hit.table.off)
		return hit, true, nil
	case x.Table != nil && tableMatched:
		// The table is here but has no such column.
		return hit, false, sqlerr.New(207, 16, 1, "Invalid column name '%s'.", x.Column)
	}
	return hit, false, nil
}

// resolve finds a column in this scope or an enclosing one.
func (sc *rowScope) resolve(x *tsql.ColumnRef) (colRef, error) {
	depth := 0
	for s := sc; s != nil; s = s.outer {
		ref, ok, err := s.lookup(x)
		if err != nil {
			return ref, err
		}
		if ok {
			ref.depth = depth
			return ref, nil
		}
		depth++
	}
	if x.Table != nil {
		return colRef{}, sqlerr.New(4104, 16, 1, "The multi-part identifier \"%s\" could not be bound.", x.String())
	}
	return colRef{}, sqlerr.New(207, 16, 1, "Invalid column name '%s'.", x.Column)
}

// tablesFor returns the tables a qualified star (t.*) names.
func (sc *rowScope) tablesFor(q *tsql.ObjectName) []*scopeTable {
	var out []*scopeTable
	if sc == nil {
		return nil
	}
	for _, t := range sc.tables {
		if t.matches(q) {
			out = append(out, t)
		}
	}
	return out
}
