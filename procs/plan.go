package procs

import (
	"context"
	"slices"
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/query"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
)

// The query planner: a tsql.Query becomes a tree of procs/query nodes
// whose predicates and projections are compiled closures.
//
// One query level (a QuerySpec) runs FROM (joins, with WHERE conjuncts on
// one table pushed down to it and equality on a key turned into a seek),
// the residual WHERE, GROUP BY and aggregates, HAVING, window functions,
// the select list (with hidden ORDER BY keys appended), DISTINCT, ORDER BY,
// TOP or OFFSET/FETCH, and drops the hidden keys. Set operations combine
// levels; FOR XML folds the result into one value.

// qx adapts a compiled expression to a query.Expr. At run time (c.f set)
// the frame is captured; a plan built at compile time reads it from the
// context.
func (c *compiler) qx(e *cexpr) query.Expr {
	if f := c.f; f != nil && !c.sharing {
		return func(_ context.Context, r rows.Row) (sqltype.Value, error) { return e.eval(f, r) }
	}
	return func(ctx context.Context, r rows.Row) (sqltype.Value, error) { return e.eval(frameOf(ctx), r) }
}

// qpred adapts a compiled condition: only true keeps a row.
func (c *compiler) qpred(cf condFn) query.Pred {
	if f := c.f; f != nil && !c.sharing {
		return func(_ context.Context, r rows.Row) (bool, error) {
			t, err := cf(f, r)
			return t == triTrue, err
		}
	}
	return func(ctx context.Context, r rows.Row) (bool, error) {
		t, err := cf(frameOf(ctx), r)
		return t == triTrue, err
	}
}

// levelState is what compiling one query level changes on the compiler;
// nested queries save and restore it.
type levelState struct {
	agg    *aggState
	win    *winState
	clause string
}

func (c *compiler) enterLevel() func() {
	saved := levelState{c.agg, c.win, c.clause}
	c.agg, c.win, c.clause = nil, nil, ""
	c.depth++
	return func() {
		c.agg, c.win, c.clause = saved.agg, saved.win, saved.clause
		c.depth--
	}
}

// simpleQuery reports a query the compiler can plan before the batch runs:
// a select list over no table, with nothing that reads one.
func simpleQuery(q *tsql.Query) bool {
	spec, ok := q.Body.(*tsql.QuerySpec)
	if !ok || len(q.With) > 0 || q.For != nil || q.Offset != nil || len(q.OrderBy) > 0 {
		return false
	}
	if len(spec.From) > 0 || len(spec.GroupBy) > 0 || spec.Having != nil || spec.Into != nil || spec.Distinct || spec.Top != nil {
		return false
	}
	simple := true
	for _, it := range spec.Items {
		tsql.Walk(it.Expr, func(n tsql.Node) bool {
			switch x := n.(type) {
			case *tsql.Query:
				simple = false
			case *tsql.FuncCall:
				if x.Over != nil || isAggregate(x) {
					simple = false
				}
			}
			return simple
		})
	}
	return simple
}

// planQuery plans a statement's query. f is nil when planning at compile
// time (a simpleQuery).
func (c *compiler) planQuery(f *frame, q *tsql.Query) (*plan, error) {
	c.f = f
	return c.queryPlan(q, nil, true)
}

// queryPlan plans a query expression with its CTEs, ORDER BY, OFFSET and
// FOR clause. top is false for subqueries, derived tables and CTEs.
func (c *compiler) queryPlan(q *tsql.Query, outer *rowScope, top bool) (*plan, error) {
	if len(q.With) > 0 {
		saved := c.ctes
		defer func() { c.ctes = saved }()
		for _, cte := range q.With {
			c.ctes = &cteEnv{def: &cteDef{cte: cte, depth: c.depth, outer: outer}, parent: c.ctes}
			c.ctes.def.env = c.ctes
		}
	}
	for _, o := range q.Options {
		if o.Name == "MAXRECURSION" && o.Value != nil {
			e, err := c.expr(o.Value, nil)
			if err != nil {
				return nil, err
			}
			c.maxRecursion = e
		}
	}
	if !top && len(q.OrderBy) > 0 && q.Offset == nil && q.For == nil {
		if spec, ok := q.Body.(*tsql.QuerySpec); !ok || spec.Top == nil {
			return nil, c.runtimeErr(sqlerr.New(1033, 15, 1, "The ORDER BY clause is invalid in views, inline functions, derived tables, subqueries, and common table expressions, unless TOP, OFFSET or FOR XML is also specified."))
		}
	}
	var p *plan
	var err error
	if spec, ok := q.Body.(*tsql.QuerySpec); ok {
		p, err = c.planSpec(spec, q, outer, top)
	} else {
		p, err = c.planCompound(q, outer)
	}
	if err != nil {
		return nil, err
	}
	if q.For != nil {
		if p.assign != nil {
			return nil, c.runtimeErr(sqlerr.New(6819, 16, 1, "The FOR XML clause is not allowed in a ASSIGNMENT statement."))
		}
		node, err := c.forClause(q.For, p.node, top)
		if err != nil {
			return nil, err
		}
		p = &plan{node: node}
	}
	return p, nil
}

// planCompound plans a set operation with the query's ORDER BY and
// OFFSET over its result columns.
func (c *compiler) planCompound(q *tsql.Query, outer *rowScope) (*plan, error) {
	node, err := c.planSetExpr(q.Body, outer)
	if err != nil {
		return nil, err
	}
	cols := node.Columns()
	if len(q.OrderBy) > 0 {
		sc := newScope(outer, &scopeTable{cols: cols})
		var keys []query.SortKey
		for _, o := range q.OrderBy {
			if n, ok := ordinal(o.Expr); ok {
				if n < 1 || n > len(cols) {
					return nil, c.runtimeErr(sqlerr.New(108, 16, 1, "The ORDER BY position number %d is out of range of the number of items in the select list.", n))
				}
				i := n - 1
				keys = append(keys, query.SortKey{Expr: readCol(i), Desc: o.Desc})
				continue
			}
			ce, err := c.expr(o.Expr, sc)
			if err != nil {
				if d, ok := err.(*deferredErr); ok {
					if se, ok := sqlerr.As(d.err); ok && (se.Number == 207 || se.Number == 4104) {
						return nil, c.runtimeErr(sqlerr.New(104, 16, 1, "ORDER BY items must appear in the select list if the statement contains a UNION, INTERSECT or EXCEPT operator."))
					}
				}
				return nil, err
			}
			keys = append(keys, query.SortKey{Expr: c.qx(ce), Desc: o.Desc})
		}
		node = &query.Sort{Input: node, Keys: keys, Cmp: compareValues}
	}
	if q.Offset != nil {
		lim, err := c.limit(nil, q.Offset, q.Fetch, node, nil, newScope(outer))
		if err != nil {
			return nil, err
		}
		node = lim
	}
	return &plan{node: node}, nil
}

func readCol(i int) query.Expr {
	return func(_ context.Context, r rows.Row) (sqltype.Value, error) { return r[i], nil }
}

func ordinal(e tsql.Expr) (int, bool) {
	lit, ok := e.(*tsql.Literal)
	if !ok || lit.Kind != tsql.LitInteger {
		return 0, false
	}
	n := 0
	for _, ch := range lit.Text {
		n = n*10 + int(ch-'0')
		if n > 1<<20 {
			break
		}
	}
	return n, true
}

// planSetExpr plans UNION [ALL], EXCEPT and INTERSECT trees.
func (c *compiler) planSetExpr(e tsql.QueryExpr, outer *rowScope) (query.Node, error) {
	switch x := e.(type) {
	case *tsql.QuerySpec:
		p, err := c.planSpec(x, nil, outer, false)
		if err != nil {
			return nil, err
		}
		return p.node, nil
	case *tsql.ParenQuery:
		p, err := c.queryPlan(x.Query, outer, false)
		if err != nil {
			return nil, err
		}
		return p.node, nil
	case *tsql.SetOpQuery:
		l, err := c.planSetExpr(x.Left, outer)
		if err != nil {
			return nil, err
		}
		r, err := c.planSetExpr(x.Right, outer)
		if err != nil {
			return nil, err
		}
		return c.setOp(x.Op, l, r)
	}
	return nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", "query"))
}

// setOp combines two inputs, converting both to the combined column types.
func (c *compiler) setOp(op tsql.SetOp, l, r query.Node) (query.Node, error) {
	lc, rc := l.Columns(), r.Columns()
	if len(lc) != len(rc) {
		return nil, c.runtimeErr(sqlerr.New(205, 16, 1, "All queries combined using a UNION, INTERSECT or EXCEPT operator must have an equal number of expressions in their target lists."))
	}
	cols := make([]rows.Column, len(lc))
	for i := range lc {
		t, err := sqltype.ResultType(lc[i].Type, rc[i].Type)
		if err != nil {
			return nil, c.runtimeErr(err)
		}
		cols[i] = rows.Column{Name: lc[i].Name, Type: t, Nullable: lc[i].Nullable || rc[i].Nullable}
	}
	l, r = conformTo(l, cols), conformTo(r, cols)
	switch op {
	case tsql.UnionAll:
		if cc, ok := l.(*query.Concat); ok {
			cc.Inputs = append(cc.Inputs, r)
			return cc, nil
		}
		return &query.Concat{Inputs: []query.Node{l, r}, Cols: cols}, nil
	case tsql.Union:
		return &query.Distinct{Input: &query.Concat{Inputs: []query.Node{l, r}, Cols: cols}, Coll: coll}, nil
	case tsql.Except, tsql.Intersect:
		return &query.SetDiff{Left: l, Right: r, Intersect: op == tsql.Intersect, Coll: coll}, nil
	}
	return nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", op.String()))
}

// conformTo converts a node's values to the given column types (and takes
// their names and nullability).
func conformTo(n query.Node, cols []rows.Column) query.Node {
	in := n.Columns()
	same := true
	exprs := make([]query.Expr, len(cols))
	for i := range cols {
		i := i
		t := cols[i].Type
		if in[i].Type == t {
			exprs[i] = readCol(i)
			continue
		}
		same = false
		exprs[i] = func(_ context.Context, r rows.Row) (sqltype.Value, error) { return convert(r[i], t) }
	}
	if same {
		if p, ok := n.(*query.Project); ok {
			p.Cols = cols
			return p
		}
	}
	return &query.Project{Input: n, Cols: cols, Exprs: exprs}
}

// planSpec plans one SELECT ... FROM ... level; q carries the ORDER BY,
// OFFSET and FETCH when spec is the query's whole body.
func (c *compiler) planSpec(spec *tsql.QuerySpec, q *tsql.Query, outer *rowScope, top bool) (*plan, error) {
	defer c.enterLevel()()
	if spec.GroupByAll || spec.GroupByWith != "" {
		what := "GROUP BY ALL"
		if spec.GroupByWith != "" {
			what = "WITH " + spec.GroupByWith
		}
		return nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", what))
	}
	for _, g := range spec.GroupBy {
		// GROUP BY ROLLUP (...), CUBE (...) and GROUPING SETS (...) parse as calls; name the
		// grouping form rather than answer 195 for a function.
		if f, ok := g.(*tsql.FuncCall); ok && f.Name.Parts == 1 && (strings.EqualFold(f.Name.Name, "ROLLUP") || strings.EqualFold(f.Name.Name, "CUBE") || f.Name.Name == "GROUPING SETS") {
			return nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", strings.ToUpper(f.Name.Name)))
		}
	}
	// FROM and WHERE.
	var src query.Node
	var sc *rowScope
	if len(spec.From) > 0 {
		var err error
		if src, sc, err = c.planFrom(spec.From, spec.Where, outer); err != nil {
			return nil, err
		}
	} else {
		sc = newScope(outer)
		src = &query.Values{Rows: []rows.Row{{}}}
		if spec.Where != nil {
			c.clause = "where"
			cond, err := c.cond(spec.Where, sc)
			if err != nil {
				return nil, err
			}
			src = &query.Filter{Input: src, Pred: c.qpred(cond)}
		}
	}
	var orderBy []*tsql.OrderItem
	if q != nil {
		orderBy = q.OrderBy
	}
	nFrom := sc.width
	isAgg := len(spec.GroupBy) > 0 || spec.Having != nil || hasAggregate(spec.Items) || hasAggregate(orderBy)
	var groupKeys []query.Expr
	var a *aggState
	if isAgg {
		a = &aggState{groupCols: map[int]bool{}, nFrom: nFrom}
		c.clause = "group"
		for _, g := range spec.GroupBy {
			ce, err := c.expr(g, sc)
			if err != nil {
				return nil, err
			}
			groupKeys = append(groupKeys, c.qx(ce))
			a.groupExprs = append(a.groupExprs, g)
			if cr, ok := g.(*tsql.ColumnRef); ok {
				if ref, err := sc.resolve(cr); err == nil && ref.depth == 0 {
					a.groupCols[ref.idx] = true
				}
			}
		}
		c.agg = a
	}
	w := &winState{}
	w.base = &w.baseAt
	if len(spec.Windows) > 0 {
		w.named = map[string]*tsql.Over{}
	}
	for _, wd := range spec.Windows {
		w.named[strings.ToLower(wd.Name)] = wd.Over
	}
	// The select list.
	c.clause, c.win = "select", w
	if a != nil {
		a.clause = "select"
	}
	items, err := c.selectItems(spec, sc)
	if err != nil {
		return nil, err
	}
	if c.dmlTarget != nil && c.dmlTarget.spec == spec {
		// A CTE an UPDATE or DELETE changes through carries its row ids.
		for _, t := range sc.tables {
			if n := len(t.cols); n > 0 && t.cols[n-1].Name == rowIDColumn {
				items.cols = append(items.cols, t.cols[n-1])
				items.exprs = append(items.exprs, readCol(t.off+n-1))
				items.srcs = append(items.srcs, nil)
			}
		}
	}
	nVisible := len(items.cols)
	// HAVING.
	var having condFn
	if spec.Having != nil {
		c.clause, c.win = "having", nil
		a.clause = "having"
		if having, err = c.cond(spec.Having, sc); err != nil {
			return nil, err
		}
	}
	// ORDER BY keys: select-list positions, or hidden columns.
	c.clause, c.win = "order", w
	if a != nil {
		a.clause = "order"
	}
	var sortIdx []int
	var sortDesc []bool
	for _, o := range orderBy {
		idx, err := c.orderKey(o.Expr, spec, items, sc)
		if err != nil {
			return nil, err
		}
		sortIdx = append(sortIdx, idx)
		sortDesc = append(sortDesc, o.Desc)
	}
	if items.nAssign > 0 && len(items.cols) > nVisible {
		items.cols = items.cols[:nVisible] // keys of an assignment SELECT only order it
	}
	// A single table that can be walked in the order of the one ORDER BY
	// column needs no sort: TOP n then reads n rows.
	ordered := false
	if len(sortIdx) == 1 && a == nil && len(w.funcs) == 0 && !spec.Distinct {
		if col, ok := sourceColumn(orderBy[0].Expr, sortIdx[0], items, sc); ok {
			src, ordered = orderedLeaf(src, col, sortDesc[0])
		}
	}
	// Build the pipeline.
	node := src
	if a != nil {
		aggCols := append(sc.columns(), make([]rows.Column, len(a.specs))...)
		for i, t := range a.types {
			aggCols[nFrom+i] = rows.Column{Type: t, Nullable: true}
		}
		node = &query.Aggregate{Input: node, Keys: groupKeys, Aggs: a.specs, Cols: aggCols,
			Scalar: len(spec.GroupBy) == 0, Coll: coll, Cmp: compareValues, NullEliminated: c.nullWarning()}
		if having != nil {
			node = &query.Filter{Input: node, Pred: c.qpred(having)}
		}
	}
	*w.base = nFrom
	if a != nil {
		*w.base += len(a.specs)
	}
	if len(w.funcs) > 0 {
		wcols := append([]rows.Column(nil), node.Columns()...)
		for _, fn := range w.funcs {
			wcols = append(wcols, rows.Column{Type: fn.Type, Nullable: true})
		}
		node = &query.Window{Input: node, Funcs: w.funcs, Cols: wcols, Cmp: compareValues, Coll: coll, NullEliminated: c.nullWarning()}
	}
	node = &query.Project{Input: node, Cols: items.cols, Exprs: items.exprs}
	if spec.Distinct {
		node = &query.Distinct{Input: node, Width: nVisible, Coll: coll}
	}
	if len(sortIdx) > 0 && !ordered {
		keys := make([]query.SortKey, len(sortIdx))
		for i, k := range sortIdx {
			keys[i] = query.SortKey{Expr: readCol(k), Desc: sortDesc[i]}
		}
		node = &query.Sort{Input: node, Keys: keys, Cmp: compareValues}
	}
	var fetch tsql.Expr
	var offset tsql.Expr
	if q != nil {
		offset, fetch = q.Offset, q.Fetch
	}
	if spec.Top != nil || offset != nil {
		if spec.Top != nil && offset != nil {
			return nil, c.runtimeErr(sqlerr.New(10741, 15, 1, "A TOP can not be used in the same query or sub-query as a OFFSET."))
		}
		if spec.Top != nil && spec.Top.WithTies && len(sortIdx) == 0 {
			return nil, c.runtimeErr(sqlerr.New(1062, 16, 1, "The TOP N WITH TIES clause is not allowed without a corresponding ORDER BY clause."))
		}
		lim, err := c.limit(spec.Top, offset, fetch, node, sortIdx, newScope(outer))
		if err != nil {
			return nil, err
		}
		node = lim
	}
	if len(items.cols) > nVisible {
		cols := items.cols[:nVisible]
		exprs := make([]query.Expr, nVisible)
		for i := range exprs {
			exprs[i] = readCol(i)
		}
		node = &query.Project{Input: node, Cols: cols, Exprs: exprs}
	}
	p := &plan{node: node}
	if items.nAssign > 0 {
		if !top {
			return nil, c.compileErr(sqlerr.New(141, 15, 1, "A SELECT statement that assigns a value to a variable must not be combined with data-retrieval operations."), spec.Pos)
		}
		p.assign, p.assignT = items.assign, items.assignT
	}
	return p, nil
}

// sourceColumn returns the column of the FROM row an ORDER BY item sorts
// on when it is a plain column of this level (written in ORDER BY, or as
// the select-list item an ordinal or alias names).
func sourceColumn(e tsql.Expr, idx int, items *selected, sc *rowScope) (int, bool) {
	if idx < len(items.srcs) {
		e = items.srcs[idx]
	}
	cr, ok := e.(*tsql.ColumnRef)
	if !ok {
		return 0, false
	}
	ref, err := sc.resolve(cr)
	if err != nil || ref.depth != 0 {
		return 0, false
	}
	return ref.idx, true
}

// orderedLeaf rewrites the plan of a single table (a scan under the
// filters of its WHERE) to walk the table in the order of column col, when
// the table can; filters keep the order.
func orderedLeaf(n query.Node, col int, desc bool) (query.Node, bool) {
	switch x := n.(type) {
	case *query.Scan:
		if o, ok := x.Source.(rows.Ordered); ok && slices.Contains(o.OrderColumns(), col) {
			return &query.OrderedScan{Source: o, Col: col, Desc: desc}, true
		}
	case *query.Filter:
		if in, ok := orderedLeaf(x.Input, col, desc); ok {
			return &query.Filter{Input: in, Pred: x.Pred}, true
		}
	}
	return n, false
}

// nullWarning returns the callback aggregates use to report a skipped
// NULL (warning 8153, when ANSI_WARNINGS is on).
func (c *compiler) nullWarning() func() {
	f := c.f
	c.local = true
	if f == nil {
		return nil
	}
	return func() {
		if f.s.opt(optAnsiWarnings) {
			f.s.nullWarn = true
		}
	}
}

// selected is a compiled select list: visible columns, then hidden ORDER
// BY keys appended by orderKey.
type selected struct {
	cols    []rows.Column
	exprs   []query.Expr
	srcs    []tsql.Expr // the item expression of each visible column (nil for *)
	aliases map[string]int
	// assignment SELECT
	nAssign int
	assign  []int
	assignT []sqltype.Type
}

func (c *compiler) selectItems(spec *tsql.QuerySpec, sc *rowScope) (*selected, error) {
	out := &selected{} // aliases is made for the first alias
	for _, it := range spec.Items {
		if it.Var != nil {
			out.nAssign++
		}
	}
	if out.nAssign > 0 && out.nAssign != len(spec.Items) {
		return nil, c.compileErr(sqlerr.New(141, 15, 1, "A SELECT statement that assigns a value to a variable must not be combined with data-retrieval operations."), spec.Pos)
	}
	for _, it := range spec.Items {
		if star, ok := it.Expr.(*tsql.Star); ok {
			if len(sc.tables) == 0 {
				return nil, c.runtimeErr(sqlerr.New(263, 16, 1, "Must specify table to select from."))
			}
			tables := sc.tables
			if star.Table != nil {
				tables = sc.tablesFor(star.Table)
				if len(tables) == 0 {
					return nil, c.runtimeErr(sqlerr.New(107, 15, 1, "The column prefix '%s' does not match with a table name or alias name used in the query.", star.Table.String()))
				}
			}
			for _, t := range tables {
				if spec != c.existsSpec {
					t.use.markAll()
				}
				for i, col := range t.cols {
					if strings.HasPrefix(col.Name, hiddenPrefix) {
						continue
					}
					idx := t.off + i
					if c.agg != nil {
						if err := c.agg.check(colRef{idx: idx, col: col, table: t}, &tsql.ColumnRef{Column: col.Name}); err != nil {
							return nil, c.runtimeErr(err)
						}
					}
					out.cols = append(out.cols, col)
					out.exprs = append(out.exprs, readCol(idx))
					out.srcs = append(out.srcs, nil)
				}
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
				vt := c.mod.varTypes[slot]
				ce = &cexpr{typ: vt, eval: func(f *frame, r rows.Row) (sqltype.Value, error) {
					v, err := inner.eval(f, r)
					if err != nil {
						return v, err
					}
					cur := f.vars[slot]
					if cur.IsNull() || v.IsNull() {
						return sqltype.Null(vt), nil
					}
					return arith(op, cur, v)
				}}
			}
			out.assign = append(out.assign, slot)
			out.assignT = append(out.assignT, c.mod.varTypes[slot])
		}
		name := it.Alias
		if name == "" {
			if cr, ok := it.Expr.(*tsql.ColumnRef); ok {
				name = cr.Column
			}
		}
		if it.Alias != "" {
			if _, dup := out.aliases[strings.ToLower(it.Alias)]; !dup {
				if out.aliases == nil {
					out.aliases = map[string]int{}
				}
				out.aliases[strings.ToLower(it.Alias)] = len(out.cols)
			}
		}
		out.cols = append(out.cols, rows.Column{Name: name, Type: ce.typ, Nullable: ce.nullable})
		out.exprs = append(out.exprs, c.qx(ce))
		out.srcs = append(out.srcs, it.Expr)
	}
	return out, nil
}

// orderKey returns the projected-row index an ORDER BY item sorts on:
// an ordinal, a select-list alias or item, or a new hidden column.
func (c *compiler) orderKey(e tsql.Expr, spec *tsql.QuerySpec, items *selected, sc *rowScope) (int, error) {
	nVisible := len(items.srcs)
	if n, ok := ordinal(e); ok {
		if n < 1 || n > nVisible {
			return 0, c.runtimeErr(sqlerr.New(108, 16, 1, "The ORDER BY position number %d is out of range of the number of items in the select list.", n))
		}
		return n - 1, nil
	}
	if cr, ok := e.(*tsql.ColumnRef); ok && cr.Table == nil {
		if i, ok := items.aliases[strings.ToLower(cr.Column)]; ok {
			return i, nil
		}
	}
	for i, s := range items.srcs {
		if s != nil && sameExpr(s, e) {
			return i, nil
		}
	}
	if spec.Distinct {
		return 0, c.runtimeErr(sqlerr.New(145, 15, 1, "ORDER BY items must appear in the select list if SELECT DISTINCT is specified."))
	}
	ce, err := c.expr(e, sc)
	if err != nil {
		return 0, err
	}
	items.cols = append(items.cols, rows.Column{Name: hiddenPrefix + "order", Type: ce.typ, Nullable: ce.nullable})
	items.exprs = append(items.exprs, c.qx(ce))
	return len(items.cols) - 1, nil
}

// limit builds TOP or OFFSET/FETCH over a sorted node; sortIdx are the
// key columns WITH TIES compares.
func (c *compiler) limit(top *tsql.TopClause, offset, fetch tsql.Expr, node query.Node, sortIdx []int, sc *rowScope) (query.Node, error) {
	lim := &query.Limit{Input: node, Cmp: compareValues}
	f := c.f
	if c.sharing {
		f = nil // read from the context
	}
	evalAt := func(ctx context.Context, e *cexpr) (sqltype.Value, error) {
		fr := f
		if fr == nil {
			fr = frameOf(ctx)
		}
		return e.eval(fr, nil)
	}
	if top != nil {
		ce, err := c.expr(top.Count, sc)
		if err != nil {
			return nil, err
		}
		percent := top.Percent
		lim.Percent = percent
		lim.Count = func(ctx context.Context) (float64, error) {
			v, err := evalAt(ctx, ce)
			if err != nil {
				return 0, err
			}
			if percent {
				fv, err := convert(v, sqltype.TFloat)
				if err != nil {
					return 0, err
				}
				if fv.IsNull() || fv.Float64() < 0 || fv.Float64() > 100 {
					return 0, sqlerr.New(1031, 16, 1, "Percent values must be between 0 and 100.")
				}
				return fv.Float64(), nil
			}
			n, err := topRows(v)
			if err != nil {
				return 0, err
			}
			return float64(n), nil
		}
		if top.WithTies {
			lim.TieKeys = sortIdx
		}
	}
	if offset != nil {
		ce, err := c.expr(offset, sc)
		if err != nil {
			return nil, err
		}
		lim.Skip = func(ctx context.Context) (int64, error) {
			v, err := evalAt(ctx, ce)
			if err != nil {
				return 0, err
			}
			n, err := convert(v, sqltype.TBigInt)
			if err != nil {
				return 0, err
			}
			if n.IsNull() || n.Int64() < 0 {
				return 0, sqlerr.New(10742, 16, 1, "The offset specified in a OFFSET clause may not be negative.")
			}
			return n.Int64(), nil
		}
	}
	if fetch != nil {
		ce, err := c.expr(fetch, sc)
		if err != nil {
			return nil, err
		}
		lim.Count = func(ctx context.Context) (float64, error) {
			v, err := evalAt(ctx, ce)
			if err != nil {
				return 0, err
			}
			n, err := convert(v, sqltype.TBigInt)
			if err != nil {
				return 0, err
			}
			if n.IsNull() || n.Int64() <= 0 {
				return 0, sqlerr.New(10744, 16, 1, "The number of rows provided for a FETCH clause must be greater then zero.")
			}
			return float64(n.Int64()), nil
		}
	}
	return lim, nil
}
