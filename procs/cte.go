package procs

import (
	"context"
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/query"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
)

// Common table expressions. A reference plans the CTE's query where it is
// referenced (each reference runs it again, as an inline view would); a
// recursive CTE runs its anchor, then its recursive members over the rows
// of the previous round until a round returns none (query.Recursive).

// cteEnv is the chain of CTEs visible at a point of the query: each WITH
// item sees itself (recursion) and the items before it.
type cteEnv struct {
	def    *cteDef
	parent *cteEnv
}

type cteDef struct {
	cte   *tsql.CTE
	env   *cteEnv   // what the CTE's own query sees
	depth int       // compiler depth of the query that defined it
	outer *rowScope // that query's outer scope
	// work is set while the recursive members are planned: references to
	// the CTE read the previous round's rows.
	work *query.WorkTable
}

func (e *cteEnv) find(name string) *cteDef {
	for x := e; x != nil; x = x.parent {
		if strings.EqualFold(x.def.cte.Name, name) {
			return x.def
		}
	}
	return nil
}

// references reports whether a query reads the CTE named name.
func references(n any, name string) bool {
	found := false
	tsql.Walk(n, func(x tsql.Node) bool {
		if t, ok := x.(*tsql.TableRef); ok && t.Name != nil && t.Name.Parts == 1 && strings.EqualFold(t.Name.Name, name) {
			found = true
		}
		return !found
	})
	return found
}

// cteNode plans a reference to a CTE.
func (c *compiler) cteNode(def *cteDef) (query.Node, error) {
	if def.work != nil {
		return def.work, nil
	}
	saved := c.ctes
	c.ctes = def.env
	defer func() { c.ctes = saved }()
	// A CTE read from its own query level sees that level's outer scope;
	// from deeper levels it stands alone.
	var outer *rowScope
	if c.depth == def.depth+1 {
		outer = def.outer
	}
	q := def.cte.Query
	if !references(q, def.cte.Name) {
		p, err := c.queryPlan(q, outer, false)
		if err != nil {
			return nil, err
		}
		return c.renameCols(p.node, def.cte.Columns, def.cte.Name)
	}
	return c.recursiveCTE(def, outer)
}

// unionAllMembers flattens a top-level UNION ALL chain.
func unionAllMembers(e tsql.QueryExpr) ([]tsql.QueryExpr, bool) {
	so, ok := e.(*tsql.SetOpQuery)
	if !ok {
		return []tsql.QueryExpr{e}, false
	}
	if so.Op != tsql.UnionAll {
		return nil, false
	}
	l, _ := unionAllMembers(so.Left)
	if l == nil {
		return nil, false
	}
	return append(l, so.Right), true
}

func (c *compiler) recursiveCTE(def *cteDef, outer *rowScope) (query.Node, error) {
	name := def.cte.Name
	q := def.cte.Query
	members, ok := unionAllMembers(q.Body)
	if !ok || len(q.OrderBy) > 0 {
		return nil, c.runtimeErr(sqlerr.New(252, 16, 1, "Recursive common table expression '%s' does not contain a top-level UNION ALL operator.", name))
	}
	split := 0
	for split < len(members) && !references(members[split], name) {
		split++
	}
	if split == 0 {
		return nil, c.runtimeErr(sqlerr.New(246, 16, 1, "No anchor member was specified for recursive query \"%s\".", name))
	}
	for _, m := range members[split:] {
		if !references(m, name) {
			return nil, c.runtimeErr(sqlerr.New(246, 16, 1, "No anchor member was specified for recursive query \"%s\".", name))
		}
	}
	plan := func(list []tsql.QueryExpr) (query.Node, error) {
		var node query.Node
		for _, m := range list {
			n, err := c.planSetExpr(m, outer)
			if err != nil {
				return nil, err
			}
			if node == nil {
				node = n
				continue
			}
			if node, err = c.setOp(tsql.UnionAll, node, n); err != nil {
				return nil, err
			}
		}
		return node, nil
	}
	anchor, err := plan(members[:split])
	if err != nil {
		return nil, err
	}
	anchor, err = c.renameCols(anchor, def.cte.Columns, name)
	if err != nil {
		return nil, err
	}
	cols := anchor.Columns()
	work := &query.WorkTable{Cols: cols}
	def.work = work
	step, err := plan(members[split:])
	def.work = nil
	if err != nil {
		return nil, err
	}
	sc := step.Columns()
	if len(sc) != len(cols) {
		return nil, c.runtimeErr(sqlerr.New(205, 16, 1, "All queries combined using a UNION, INTERSECT or EXCEPT operator must have an equal number of expressions in their target lists."))
	}
	for i := range cols {
		a, b := cols[i].Type, sc[i].Type
		if a.Kind != b.Kind || a.Length != b.Length || a.Precision != b.Precision || a.Scale != b.Scale {
			return nil, c.runtimeErr(sqlerr.New(240, 16, 1, "Types don't match between the anchor and the recursive part in column \"%s\" of recursive query \"%s\".", cols[i].Name, name))
		}
	}
	rec := &query.Recursive{Anchor: anchor, Step: conformTo(step, cols), Work: work}
	if e := c.maxRecursion; e != nil {
		f := c.f
		c.local = true
		rec.Max = func(ctx context.Context) (int64, error) {
			fr := f
			if fr == nil {
				fr = frameOf(ctx)
			}
			v, err := e.eval(fr, nil)
			if err != nil {
				return 0, err
			}
			n, err := convert(v, sqltype.TInt)
			if err != nil {
				return 0, err
			}
			if n.Int64() < 0 || n.Int64() > 32767 {
				return 0, sqlerr.New(310, 15, 1, "The value %d specified for the MAXRECURSION option exceeds the allowed maximum of %d.", n.Int64(), 32767)
			}
			return n.Int64(), nil
		}
	}
	return rec, nil
}

// ---------------------------------------------------------------------------
// PIVOT and UNPIVOT

// pivot plans src PIVOT (agg(value) FOR col IN ([a], [b])): grouped by
// every other column of src, one aggregate per IN value over the rows
// whose FOR column equals it.
func (c *compiler) pivot(x *tsql.PivotTable, outer *rowScope) (query.Node, error) {
	src, err := c.bind(x.Source, outer)
	if err != nil {
		return nil, err
	}
	in, err := c.build(src)
	if err != nil {
		return nil, err
	}
	sc := src.scope()
	forRef, err := sc.resolve(x.For)
	if err != nil || forRef.depth != 0 {
		if err == nil {
			err = sqlerr.New(207, 16, 1, "Invalid column name '%s'.", x.For.Column)
		}
		return nil, c.runtimeErr(err)
	}
	if !isAggregate(x.Agg) {
		return nil, c.runtimeErr(sqlerr.New(102, 15, 1, "Incorrect syntax near '%s'.", x.Agg.Name.Name))
	}
	used := map[int]bool{forRef.idx: true}
	for _, a := range x.Agg.Args {
		tsql.Walk(a, func(n tsql.Node) bool {
			if cr, ok := n.(*tsql.ColumnRef); ok {
				if ref, err := sc.resolve(cr); err == nil && ref.depth == 0 {
					used[ref.idx] = true
				}
			}
			return true
		})
	}
	all := sc.allCols()
	var keys []query.Expr
	var keyIdx []int
	for i, col := range all {
		if !used[i] && !strings.HasPrefix(col.Name, hiddenPrefix) {
			keys = append(keys, readCol(i))
			keyIdx = append(keyIdx, i)
		}
	}
	var specs []query.AggSpec
	var types []sqltype.Type
	name := strings.ToUpper(x.Agg.Name.Name)
	forType := forRef.col.Type
	fi := forRef.idx
	for _, v := range x.In {
		spec, typ, err := c.aggSpec(name, x.Agg, sc)
		if err != nil {
			return nil, err
		}
		val, err := convert(sqltype.NewNVarChar(v), forType)
		if err != nil {
			return nil, c.runtimeErr(err)
		}
		spec.Filter = func(_ context.Context, r rows.Row) (bool, error) {
			if r[fi].IsNull() {
				return false, nil
			}
			n, err := compareValues(r[fi], val)
			return n == 0, err
		}
		specs = append(specs, spec)
		types = append(types, typ)
	}
	aggCols := append([]rows.Column(nil), all...)
	for _, t := range types {
		aggCols = append(aggCols, rows.Column{Type: t, Nullable: true})
	}
	agg := &query.Aggregate{Input: in, Keys: keys, Aggs: specs, Cols: aggCols, Coll: coll, Cmp: compareValues, NullEliminated: c.nullWarning()}
	var cols []rows.Column
	var exprs []query.Expr
	for _, i := range keyIdx {
		cols = append(cols, all[i])
		exprs = append(exprs, readCol(i))
	}
	for k, v := range x.In {
		cols = append(cols, rows.Column{Name: v, Type: types[k], Nullable: true})
		exprs = append(exprs, readCol(len(all)+k))
	}
	return &query.Project{Input: agg, Cols: cols, Exprs: exprs}, nil
}

// unpivot plans src UNPIVOT (value FOR name IN (a, b)): one row per listed
// column that is not NULL.
func (c *compiler) unpivot(x *tsql.UnpivotTable, outer *rowScope) (query.Node, error) {
	src, err := c.bind(x.Source, outer)
	if err != nil {
		return nil, err
	}
	in, err := c.build(src)
	if err != nil {
		return nil, err
	}
	sc := src.scope()
	all := sc.allCols()
	listed := map[int]bool{}
	var idx []int
	var valType sqltype.Type
	for k, name := range x.In {
		ref, err := sc.resolve(&tsql.ColumnRef{Column: name})
		if err != nil {
			return nil, c.runtimeErr(err)
		}
		if k == 0 {
			valType = ref.col.Type
		} else if ref.col.Type != valType {
			return nil, c.runtimeErr(sqlerr.New(8167, 16, 1, "The type of column \"%s\" conflicts with the type of other columns specified in the UNPIVOT list.", name))
		}
		listed[ref.idx] = true
		idx = append(idx, ref.idx)
	}
	var keep []int
	var cols []rows.Column
	for i, col := range all {
		if !listed[i] && !strings.HasPrefix(col.Name, hiddenPrefix) {
			keep = append(keep, i)
			cols = append(cols, col)
		}
	}
	cols = append(cols, rows.Column{Name: x.For, Type: sqltype.TSysname}, rows.Column{Name: x.Value, Type: valType})
	names := make([]sqltype.Value, len(idx))
	for k, i := range idx {
		names[k] = sqltype.NewString(sqltype.TSysname, all[i].Name)
	}
	return &unpivotNode{in: in, cols: cols, keep: keep, idx: idx, names: names}, nil
}

type unpivotNode struct {
	in    query.Node
	cols  []rows.Column
	keep  []int
	idx   []int
	names []sqltype.Value
}

func (u *unpivotNode) Columns() []rows.Column { return u.cols }

func (u *unpivotNode) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	out := make(rows.Row, len(u.cols))
	n := len(u.keep)
	return u.in.Run(ctx, func(r rows.Row) (bool, error) {
		for k, i := range u.keep {
			out[k] = r[i]
		}
		for k, i := range u.idx {
			if r[i].IsNull() {
				continue
			}
			out[n], out[n+1] = u.names[k], r[i]
			more, err := fn(out)
			if err != nil || !more {
				return false, err
			}
		}
		return true, nil
	})
}
