package procs

import (
	"context"
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/query"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/wire"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// QueryHook lets the full query engine (issue 7) plan queries the core does
// not: joins, aggregates, set operations, derived tables... It returns
// handled=false to leave a query to the core planner.
type QueryHook func(f *Frame, q *tsql.Query) (node query.Node, handled bool, err error)

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
}

func (c *compiler) selectStmt(x *tsql.SelectStmt) (stmt, error) {
	st := &selectStmt{q: x.Query, vars: c.varSnapshot(), mod: c.mod}
	if spec, ok := x.Query.Body.(*tsql.QuerySpec); ok && len(spec.From) == 0 && len(x.Query.With) == 0 {
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
	// Planned on every run: names resolve in the current database and views
	// are bound to the current security context.
	c := &compiler{e: f.s.e, mod: s.mod, vars: s.vars, inProc: f.mod.name != ""}
	p, err := c.planQuery(f, s.q)
	if len(c.errs) > 0 {
		return nil, c.errs[0]
	}
	if err != nil {
		if d, ok := err.(*deferredErr); ok {
			return nil, d.err
		}
		return nil, err
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
		f.s.rowCount = n
		f.s.lastError = 0
		// An assignment SELECT sets @@ROWCOUNT but sends no row count
		// (sqlserver-behaviour.md §2g).
		return flowNext, f.out.done(tds.CmdSelect, n, false, false)
	}
	cols := p.node.Columns()
	tc := make([]tds.Column, len(cols))
	for i, c := range cols {
		tc[i] = wire.Column(c.Name, c.Type, c.Nullable)
	}
	if err := f.out.w.Columns(tc); err != nil {
		return flowNext, err
	}
	vals := make([]any, len(cols))
	var n int64
	limit := f.s.rowCountLimit
	err = p.node.Run(ctx, func(r rows.Row) (bool, error) {
		for i := range cols {
			vals[i] = wire.Value(cols[i].Type, fitColumn(cols[i].Type, r[i]))
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
	f.s.rowCount = n
	f.s.lastError = 0
	return flowNext, f.out.done(tds.CmdSelect, n, true, false)
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

// planQuery plans a query. f is nil when planning at compile time (a query
// without FROM).
func (c *compiler) planQuery(f *frame, q *tsql.Query) (*plan, error) {
	if f != nil && f.s.e.QueryHook != nil {
		node, ok, err := f.s.e.QueryHook(f, q)
		if err != nil {
			return nil, err
		}
		if ok {
			return &plan{node: node}, nil
		}
	}
	spec, ok := q.Body.(*tsql.QuerySpec)
	if !ok || len(q.With) > 0 || q.For != nil || q.Offset != nil {
		return nil, c.runtimeErr(unsupportedQuery(q))
	}
	if len(spec.GroupBy) > 0 || spec.Having != nil || spec.Into != nil || spec.Distinct || len(spec.From) > 1 {
		return nil, c.runtimeErr(unsupportedQuery(q))
	}
	var src query.Node
	var sc *rowScope
	if len(spec.From) == 1 {
		node, scope, err := c.fromItem(f, spec.From[0])
		if err != nil {
			return nil, err
		}
		src, sc = node, scope
	} else {
		src = &query.Values{Rows: []rows.Row{{}}}
	}
	if spec.Where != nil {
		if seek := c.seekFor(src, sc, spec.Where); seek != nil {
			src = seek
		}
		cond, err := c.cond(spec.Where, sc)
		if err != nil {
			return nil, err
		}
		src = &query.Filter{Input: src, Pred: func(ctx context.Context, r rows.Row) (bool, error) {
			t, err := cond(frameOf(ctx), r)
			return t == triTrue, err
		}}
	}
	// The select list.
	var cols []rows.Column
	var exprs []query.Expr
	var assign []int
	var assignT []sqltype.Type
	nAssign := 0
	for _, it := range spec.Items {
		if it.Var != nil {
			nAssign++
		}
	}
	if nAssign > 0 && nAssign != len(spec.Items) {
		return nil, c.compileErr(sqlerr.New(141, 15, 1, "A SELECT statement that assigns a value to a variable must not be combined with data-retrieval operations."), spec.Pos)
	}
	aliases := map[string]*cexpr{}
	for _, it := range spec.Items {
		if star, ok := it.Expr.(*tsql.Star); ok {
			if sc == nil {
				return nil, c.compileErr(sqlerr.New(263, 16, 1, "Must specify table to select from."), star.Pos)
			}
			for i, col := range sc.cols {
				i := i
				cols = append(cols, col)
				exprs = append(exprs, func(_ context.Context, r rows.Row) (sqltype.Value, error) { return r[i], nil })
			}
			continue
		}
		ce, err := c.expr(it.Expr, sc)
		if err != nil {
			return nil, err
		}
		if it.Var != nil {
			slot, ok := c.lookupVar(it.Var.Name)
			if !ok {
				return nil, c.undeclared(it.Var.Name, it.Var.Pos, 2)
			}
			if op := compoundOps[it.AssignOp]; op != 0 {
				inner := ce
				ce = &cexpr{typ: c.mod.varTypes[slot], eval: func(f *frame, r rows.Row) (sqltype.Value, error) {
					v, err := inner.eval(f, r)
					if err != nil {
						return v, err
					}
					cur := f.vars[slot]
					if cur.IsNull() || v.IsNull() {
						return sqltype.Null(c.mod.varTypes[slot]), nil
					}
					return arith(op, cur, v)
				}}
			}
			assign = append(assign, slot)
			assignT = append(assignT, c.mod.varTypes[slot])
		}
		name := it.Alias
		if name == "" {
			if cr, ok := it.Expr.(*tsql.ColumnRef); ok {
				name = cr.Column
			}
		}
		if it.Alias != "" {
			aliases[strings.ToLower(it.Alias)] = ce
		}
		cols = append(cols, rows.Column{Name: name, Type: ce.typ, Nullable: ce.nullable})
		e := ce
		exprs = append(exprs, func(ctx context.Context, r rows.Row) (sqltype.Value, error) { return e.eval(frameOf(ctx), r) })
	}
	var node query.Node = src
	// ORDER BY sorts the source rows; keys may name select-list aliases or
	// ordinals.
	if len(q.OrderBy) > 0 {
		var keys []query.SortKey
		for _, o := range q.OrderBy {
			var ce *cexpr
			if lit, ok := o.Expr.(*tsql.Literal); ok && lit.Kind == tsql.LitInteger {
				n := 0
				for _, ch := range lit.Text {
					n = n*10 + int(ch-'0')
				}
				if n < 1 || n > len(exprs) {
					return nil, c.runtimeErr(sqlerr.New(108, 16, 1, "The ORDER BY position number %d is out of range of the number of items in the select list.", n))
				}
				e := exprs[n-1]
				keys = append(keys, query.SortKey{Expr: e, Desc: o.Desc})
				continue
			}
			if cr, ok := o.Expr.(*tsql.ColumnRef); ok && cr.Table == nil {
				if a, ok := aliases[strings.ToLower(cr.Column)]; ok {
					ce = a
				}
			}
			if ce == nil {
				var err error
				if ce, err = c.expr(o.Expr, sc); err != nil {
					return nil, err
				}
			}
			e := ce
			keys = append(keys, query.SortKey{Expr: func(ctx context.Context, r rows.Row) (sqltype.Value, error) { return e.eval(frameOf(ctx), r) }, Desc: o.Desc})
		}
		node = &query.Sort{Input: node, Keys: keys, Cmp: compareValues}
	}
	if spec.Top != nil {
		if spec.Top.Percent || spec.Top.WithTies {
			return nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", "TOP PERCENT/WITH TIES"))
		}
		te, err := c.expr(spec.Top.Count, nil)
		if err != nil {
			return nil, err
		}
		node = &topNode{input: node, n: te}
	}
	node = &query.Project{Input: node, Cols: cols, Exprs: exprs}
	p := &plan{node: node}
	if nAssign > 0 {
		p.assign, p.assignT = assign, assignT
	}
	return p, nil
}

// seekFor turns a scan of a seekable source into a point lookup when the
// WHERE clause has a top-level conjunct "key column = expression" whose
// expression reads no column (a variable, a parameter, a constant). The
// whole WHERE still filters the rows the seek returns.
func (c *compiler) seekFor(src query.Node, sc *rowScope, where tsql.Expr) query.Node {
	scan, ok := src.(*query.Scan)
	if !ok {
		return nil
	}
	sk, ok := scan.Source.(rows.Seeker)
	if !ok {
		return nil
	}
	seekable := map[int]bool{}
	for _, i := range sk.SeekColumns() {
		seekable[i] = true
	}
	var conjuncts []tsql.Expr
	var split func(e tsql.Expr)
	split = func(e tsql.Expr) {
		if b, ok := e.(*tsql.BinaryExpr); ok && b.Op == tsql.OpAnd {
			split(b.L)
			split(b.R)
			return
		}
		conjuncts = append(conjuncts, e)
	}
	split(where)
	for _, e := range conjuncts {
		b, ok := e.(*tsql.BinaryExpr)
		if !ok || b.Op != tsql.OpEq {
			continue
		}
		for _, side := range [2][2]tsql.Expr{{b.L, b.R}, {b.R, b.L}} {
			cr, ok := side[0].(*tsql.ColumnRef)
			if !ok {
				continue
			}
			qual := ""
			if cr.Table != nil {
				qual = cr.Table.Name
			}
			col, ok := sc.find(qual, cr.Column)
			if !ok || !seekable[col] || readsColumns(side[1]) {
				continue
			}
			key, err := c.expr(side[1], nil)
			if err != nil {
				return nil
			}
			colType := sc.cols[col].Type
			return &query.Seek{Source: sk, Col: col, Key: func(ctx context.Context) (sqltype.Value, error) {
				v, err := key.eval(frameOf(ctx), nil)
				if err != nil || v.IsNull() {
					return v, err
				}
				// The key compares in the column's type; a value that does not
				// convert falls back to the scan's own comparison error.
				return convert(v, colType)
			}}
		}
	}
	return nil
}

// readsColumns reports whether an expression references a column or a
// subquery (so it cannot be evaluated before the scan).
func readsColumns(e tsql.Expr) bool {
	switch x := e.(type) {
	case *tsql.Literal, *tsql.Variable, *tsql.GlobalVar:
		return false
	case *tsql.UnaryExpr:
		return readsColumns(x.X)
	case *tsql.BinaryExpr:
		return readsColumns(x.L) || readsColumns(x.R)
	case *tsql.CastExpr:
		return readsColumns(x.X)
	case *tsql.ConvertExpr:
		return readsColumns(x.X)
	}
	return true
}

// topNode is TOP (expr): the count is evaluated when the query runs.
type topNode struct {
	input query.Node
	n     *cexpr
}

func (t *topNode) Columns() []rows.Column { return t.input.Columns() }

func (t *topNode) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	v, err := t.n.eval(frameOf(ctx), nil)
	if err != nil {
		return err
	}
	n, err := convert(v, sqltype.TBigInt)
	if err != nil {
		return err
	}
	return (&query.Top{Input: t.input, N: n.Int64()}).Run(ctx, fn)
}

func unsupportedQuery(q *tsql.Query) error {
	what := "query"
	switch {
	case len(q.With) > 0:
		what = "WITH"
	case q.For != nil:
		what = "FOR " + q.For.Kind
	case q.Offset != nil:
		what = "OFFSET"
	}
	if spec, ok := q.Body.(*tsql.QuerySpec); ok {
		switch {
		case len(spec.GroupBy) > 0 || spec.Having != nil:
			what = "GROUP BY"
		case spec.Into != nil:
			what = "SELECT INTO"
		case spec.Distinct:
			what = "DISTINCT"
		case len(spec.From) > 1:
			what = "JOIN"
		}
	} else if so, ok := q.Body.(*tsql.SetOpQuery); ok {
		what = so.Op.String()
	}
	return sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", what)
}

// fromItem plans one FROM item: a view, catalog table or system view, or
// OPENROWSET(BULK ..., SINGLE_BLOB).
func (c *compiler) fromItem(f *frame, te tsql.TableExpr) (query.Node, *rowScope, error) {
	if f == nil {
		return nil, nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", "FROM"))
	}
	switch x := te.(type) {
	case *tsql.TableRef:
		if x.Name == nil {
			return nil, nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", "table variable"))
		}
		n := nameOf(x.Name)
		src, ok := f.s.resolveView(f, n)
		if !ok {
			return nil, nil, c.runtimeErr(sqlerr.New(208, 16, 1, "Invalid object name '%s'.", n.written))
		}
		alias := x.Alias
		if alias == "" {
			alias = x.Name.Name
		}
		return &query.Scan{Source: src}, &rowScope{alias: alias, table: x.Name.Name, cols: src.Columns()}, nil
	case *tsql.OpenRowset:
		return c.openRowset(f, x)
	case *tsql.JoinExpr:
		return nil, nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", x.Kind.String()))
	}
	return nil, nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", strings.TrimPrefix(typeName(te), "*tsql.")))
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
	if strings.EqualFold(schema, "sys") {
		switch strings.ToLower(n.name) {
		case "procedures":
			return s.e.sysProcedures(db), true
		case "objects":
			return s.e.sysObjects(db), true
		}
	}
	ctx := context.Background()
	if f != nil {
		ctx = f.ctx
	}
	return s.e.cat.View(ctx, db, schema, n.name, s.principal)
}

func (c *compiler) openRowset(f *frame, x *tsql.OpenRowset) (query.Node, *rowScope, error) {
	if !x.Bulk {
		return nil, nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", "OPENROWSET"))
	}
	single := ""
	for _, o := range x.Options {
		switch strings.ToUpper(o) {
		case "SINGLE_BLOB", "SINGLE_CLOB", "SINGLE_NCLOB":
			single = strings.ToUpper(o)
		}
	}
	if single == "" {
		return nil, nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", "OPENROWSET(BULK) without SINGLE_BLOB"))
	}
	file, err := c.expr(x.File, nil)
	if err != nil {
		return nil, nil, err
	}
	typ := sqltype.VarBinaryN(sqltype.Max)
	switch single {
	case "SINGLE_CLOB":
		typ = sqltype.VarCharN(sqltype.Max)
	case "SINGLE_NCLOB":
		typ = sqltype.NVarCharN(sqltype.Max)
	}
	name := "BulkColumn"
	if len(x.Columns) > 0 {
		name = x.Columns[0]
	}
	cols := []rows.Column{{Name: name, Type: typ, Nullable: true}}
	alias := x.Alias
	return &bulkNode{file: file, cols: cols}, &rowScope{alias: alias, cols: cols}, nil
}

// bulkNode reads one file as a single row through the catalog, which
// checks the caller and the allowed directories.
type bulkNode struct {
	file *cexpr
	cols []rows.Column
}

func (b *bulkNode) Columns() []rows.Column { return b.cols }

func (b *bulkNode) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	f := frameOf(ctx)
	v, err := b.file.eval(f, nil)
	if err != nil {
		return err
	}
	data, err := f.s.e.cat.ReadFile(ctx, f.s.principal, printable(v))
	if err != nil {
		return err
	}
	var val sqltype.Value
	if b.cols[0].Type.Kind.IsBinary() {
		val = sqltype.NewBytes(b.cols[0].Type, data)
	} else {
		val = sqltype.NewString(b.cols[0].Type, string(data))
	}
	_, err = fn(rows.Row{val})
	return err
}

// ---------------------------------------------------------------------------
// Subqueries

// subquery is a query used inside an expression, planned when first run.
type subquery struct {
	q    *tsql.Query
	vars map[string]int
	mod  *module
}

func (c *compiler) subquery(q *tsql.Query, sc *rowScope) (*subquery, error) {
	c.checkVars(q)
	return &subquery{q: q, vars: c.varSnapshot(), mod: c.mod}, nil
}

func (sq *subquery) each(f *frame, _ rows.Row, fn func(rows.Row) (bool, error)) error {
	c := &compiler{e: f.s.e, mod: sq.mod, vars: sq.vars}
	p, err := c.planQuery(f, sq.q)
	if len(c.errs) > 0 {
		return c.errs[0]
	}
	if err != nil {
		if d, ok := err.(*deferredErr); ok {
			return d.err
		}
		return err
	}
	return p.node.Run(withFrame(f.ctx, f), fn)
}

func (c *compiler) scalarSubquery(x *tsql.SubqueryExpr, sc *rowScope) (*cexpr, error) {
	sq, err := c.subquery(x.Query, sc)
	if err != nil {
		return nil, err
	}
	// The type is known only once the query is planned; a scalar subquery
	// over a view reports sql_variant metadata until then.
	typ := sqltype.TSQLVariant
	if spec, ok := x.Query.Body.(*tsql.QuerySpec); ok && len(spec.From) == 0 && len(spec.Items) == 1 {
		if ce, err := c.expr(spec.Items[0].Expr, nil); err == nil {
			typ = ce.typ
		}
	}
	return &cexpr{typ: typ, nullable: true, eval: func(f *frame, r rows.Row) (sqltype.Value, error) {
		var out sqltype.Value
		n := 0
		err := sq.each(f, r, func(row rows.Row) (bool, error) {
			n++
			if n > 1 {
				return false, sqlerr.New(512, 16, 1, "Subquery returned more than 1 value. This is not permitted when the subquery follows =, !=, <, <= , >, >= or when the subquery is used as an expression.")
			}
			if len(row) > 0 {
				out = row[0]
			}
			return true, nil
		})
		if err != nil {
			return sqltype.Value{}, err
		}
		return out, nil
	}}, nil
}

func (c *compiler) existsCond(x *tsql.ExistsExpr, sc *rowScope) (condFn, error) {
	sq, err := c.subquery(x.Query, sc)
	if err != nil {
		return nil, err
	}
	return func(f *frame, r rows.Row) (tri, error) {
		found := false
		err := sq.each(f, r, func(rows.Row) (bool, error) {
			found = true
			return false, nil
		})
		return boolTri(found), err
	}, nil
}
