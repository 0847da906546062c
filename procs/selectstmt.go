package procs

import (
	"context"
	"strings"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/query"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/table"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/wire"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// plan is a compiled query: a node producing rows and, for SELECT @v = ...,
// the variables its items assign.
type plan struct {
	node    query.Node
	assign  []int          // frame slots, one per output column, for an assignment SELECT
	assignT []sqltype.Type // their types
}

// selectStmt runs a query statement. Queries over row sources are planned
// when the statement runs (names resolve then, as SQL Server's deferred name
// resolution does).
type selectStmt struct {
	q     *tsql.Query
	vars  map[string]int
	mod   *module
	fixed *plan // a query without FROM: planned at compile time
	kept  keptPlan
}

func (c *compiler) selectStmt(x *tsql.SelectStmt) (stmt, error) {
	st := &selectStmt{q: x.Query, vars: c.varSnapshot(), mod: c.mod}
	if simpleQuery(x.Query) {
		p, err := c.planQuery(nil, x.Query)
		if err != nil {
			return nil, err
		}
		st.fixed = p
		return st, nil
	}
	c.checkVars(x.Query)
	return st, nil
}

func (s *selectStmt) plan(f *frame) (*plan, error) {
	if s.fixed != nil {
		return s.fixed, nil
	}
	// Planned at run time: names resolve in the current database and views
	// are bound to the current security context. A plan over catalog views
	// only is kept for the next runs in the same context (keptplan.go).
	if p := s.kept.get(f.s); p != nil {
		return p, nil
	}
	c := runtimeCompiler(f, s.mod, s.vars)
	keep := s.kept.mayKeep(s.q)
	c.sharing = keep
	tables := f.s.e.tables.gen.Load() // before names are resolved
	p, err := c.planQuery(f, s.q)
	if err := c.firstErr(err); err != nil {
		return nil, err
	}
	if keep && !c.local {
		s.kept.put(f.s, p, tables)
	}
	return p, nil
}

func (s *selectStmt) exec(f *frame) (flow, error) {
	p, err := s.plan(f)
	if err != nil {
		return flowNext, err
	}
	ctx := withFrame(f.ctx, f)
	if p.assign != nil {
		var n int64
		err := p.node.Run(ctx, func(r rows.Row) (bool, error) {
			for i, slot := range p.assign {
				v, err := f.assign(r[i], p.assignT[i])
				if err != nil {
					return false, err
				}
				f.vars[slot] = v
			}
			n++
			return true, nil
		})
		if err != nil {
			return flowNext, err
		}
		// An assignment SELECT sets @@ROWCOUNT but sends no row count
		// (sqlserver-behaviour.md §2g).
		return flowNext, f.rowsDone(tds.CmdSelect, n, false)
	}
	if into := selectInto(s.q); into != nil {
		return flowNext, s.into(f, into, p)
	}
	if cp := f.out.capture; cp != nil {
		var n int64
		err := p.node.Run(ctx, func(r rows.Row) (bool, error) {
			cp.rows = append(cp.rows, append([]sqltype.Value(nil), r...))
			n++
			return true, nil
		})
		if err != nil {
			return flowNext, err
		}
		f.s.rowCount = n
		f.s.lastError = 0
		return flowNext, f.out.done(tds.CmdSelect, n, false, false)
	}
	cols := p.node.Columns()
	tc := make([]tds.Column, len(cols))
	for i, c := range cols {
		tc[i] = wire.Column(c.Name, c.Type, c.Nullable)
	}
	if err := f.out.columns(tc); err != nil {
		return flowNext, err
	}
	vals := make([]any, len(cols))
	var n int64
	limit := f.s.rowCountLimit
	err = p.node.Run(ctx, func(r rows.Row) (bool, error) {
		for i := range cols {
			v := fitColumn(cols[i].Type, r[i])
			if n == 0 || !sameBoxed(vals[i], v) {
				vals[i] = wire.Value(cols[i].Type, v)
			}
		}
		if err := f.out.w.Row(vals); err != nil {
			return false, err
		}
		n++
		return limit == 0 || n < limit, nil
	})
	if err != nil {
		return flowNext, err
	}
	return flowNext, f.rowsDone(tds.CmdSelect, n, true)
}

// sameBoxed reports whether boxed, the wire value a column had in the
// previous row, is also v's. Boxing a number, a string or a time for the
// wire allocates; a value repeated down a column (the left side of a join,
// a status, a package name) is boxed once this way. Only the immutable
// forms are reused (not []byte), and a sql_variant is never the same.
func sameBoxed(boxed any, v sqltype.Value) bool {
	if v.IsNull() {
		return false
	}
	switch b := boxed.(type) {
	case int64:
		k := v.Kind()
		return (k.IsInteger() || k == sqltype.Money || k == sqltype.SmallMoney) && v.Int64() == b
	case string:
		k := v.Kind()
		return (k.IsString() || k == sqltype.XML) && v.Str() == b
	case time.Time:
		return v.Kind().IsDateTime() && v.Time() == b
	}
	return false
}

// fitColumn gives a value its column's type where the wire encoding
// depends on it (kind, decimal scale, time precision); a value that already
// matches goes through untouched.
func fitColumn(t sqltype.Type, v sqltype.Value) sqltype.Value {
	if v.IsNull() || t.Kind == sqltype.SQLVariant || t.Kind == sqltype.Unknown {
		return v
	}
	vt := v.Type()
	if vt.Kind == t.Kind {
		switch t.Kind {
		case sqltype.Decimal, sqltype.Numeric, sqltype.Time, sqltype.DateTime2, sqltype.DateTimeOffset:
			if vt.Scale == t.Scale {
				return v
			}
		default:
			return v
		}
	}
	if c, err := sqltype.Assign(v, t); err == nil {
		return c
	}
	return v
}

// The frame travels to query closures through the context, so plans can be
// shared between runs.
type frameKey struct{}

func withFrame(ctx context.Context, f *frame) context.Context {
	return context.WithValue(ctx, frameKey{}, f)
}

func frameOf(ctx context.Context) *frame {
	f, _ := ctx.Value(frameKey{}).(*frame)
	return f
}

// resolveView finds a row source by name: the catalog's views and tables
// (SSISDB.catalog.*, SSISDB.internal.*), the system views (sys.*), and the
// engine's own (sys.procedures).
func (s *Session) resolveView(f *frame, n procName) (rows.Source, bool) {
	db := s.database
	if n.db != "" {
		c, ok := s.e.cat.Database(n.db)
		if !ok {
			return nil, false
		}
		db = c
	}
	schema := n.schema
	if schema == "" {
		schema = "dbo"
	}
	ctx := context.Background()
	if f != nil {
		ctx = f.ctx
	}
	if strings.EqualFold(schema, "sys") || strings.EqualFold(schema, "information_schema") {
		if src, ok := s.sysView(ctx, db, schema, n.name); ok {
			return src, true
		}
	}
	return s.e.cat.View(ctx, db, schema, n.name, s.principal)
}

// selectInto returns the INTO target of a query's first select, if any.
func selectInto(q *tsql.Query) *tsql.ObjectName {
	body := q.Body
	for {
		switch x := body.(type) {
		case *tsql.QuerySpec:
			return x.Into
		case *tsql.SetOpQuery:
			body = x.Left
		case *tsql.ParenQuery:
			body = x.Query.Body
		default:
			return nil
		}
	}
}

// into runs SELECT ... INTO: the table is made from the result's columns
// (names, types, nullability) once the rows are read, then filled.
func (s *selectStmt) into(f *frame, name *tsql.ObjectName, p *plan) error {
	cols := p.node.Columns()
	ts := &tableSpec{seed: 1, incr: 1, pkCols: map[int]bool{}}
	seen := map[string]bool{}
	for _, col := range cols {
		if col.Name == "" {
			return sqlerr.New(1038, 15, 5, "An object or column name is missing or empty. For SELECT INTO statements, verify each column has a name. For other statements, look for empty alias names. Aliases defined as \"\" or [] are not allowed. Change the alias to a valid name.")
		}
		if seen[strings.ToLower(col.Name)] {
			return sqlerr.New(2705, 16, 3, "Column names in each table must be unique. Column name '%s' in table '%s' is specified more than once.", col.Name, name.Name)
		}
		seen[strings.ToLower(col.Name)] = true
		t := col.Type
		if t.Kind == sqltype.Unknown {
			t = sqltype.TInt
		}
		ts.cols = append(ts.cols, table.Column{Name: col.Name, Type: t, Nullable: col.Nullable})
		ts.nullDefault = append(ts.nullDefault, false)
	}
	var list []rows.Row
	err := p.node.Run(withFrame(f.ctx, f), func(r rows.Row) (bool, error) {
		out := make(rows.Row, len(r))
		for i, v := range r {
			x, err := storeValue(f, v, ts.cols[i].Type)
			if err != nil {
				return false, err
			}
			out[i] = x
		}
		list = append(list, out)
		return true, nil
	})
	if err != nil {
		return err
	}
	t, err := f.s.createTable(f, nameOf(name), ts)
	if err != nil {
		return err
	}
	undo, err := t.Insert(f.ctx, list)
	if err != nil {
		return err
	}
	f.s.onRollback(undo)
	n := int64(len(list))
	// The rows SELECT INTO writes are counted like an INSERT's (a client
	// shows "(n rows affected)").
	return f.rowsDone(tds.CmdInsert, n, true)
}
