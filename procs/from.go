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

// fromTree is a FROM item bound to its tables before its plan is built:
// knowing every table first lets WHERE conjuncts move down to the table
// (or the inner join) they are about, and key equalities become seeks.
type fromTree struct {
	tables []*scopeTable // this subtree's tables, at offsets in its own row
	width  int
	outer  *rowScope // the scope correlated references of this item see

	// A leaf: a base table or view (src) or a planned node.
	src    rows.Source
	node   query.Node
	pushed []tsql.Expr // WHERE conjuncts about this table alone

	// A join.
	join        tsql.JoinKind
	left, right *fromTree
	on          []tsql.Expr // ON conjuncts, plus WHERE conjuncts moved into an inner join
	implicit    bool        // a comma in the FROM list

	// pushable: not on the NULL-padded side of an outer join, so a WHERE
	// conjunct may be applied here instead of above.
	pushable bool
}

func (t *fromTree) leaf() bool { return t.left == nil }

// scope returns a scope over the subtree's own row.
func (t *fromTree) scope() *rowScope {
	return &rowScope{tables: t.tables, width: t.width, outer: t.outer}
}

func conjuncts(e tsql.Expr, out []tsql.Expr) []tsql.Expr {
	if e == nil {
		return out
	}
	if b, ok := e.(*tsql.BinaryExpr); ok && b.Op == tsql.OpAnd {
		return conjuncts(b.R, conjuncts(b.L, out))
	}
	return append(out, e)
}

// planFrom plans a FROM list and its WHERE clause.
func (c *compiler) planFrom(items []tsql.TableExpr, where tsql.Expr, outer *rowScope) (query.Node, *rowScope, error) {
	c.clause = "from"
	var root *fromTree
	for _, te := range items {
		t, err := c.bind(te, outer)
		if err != nil {
			return nil, nil, err
		}
		if root == nil {
			root = t
		} else {
			root = c.joinTrees(tsql.CrossJoin, root, t, nil, outer)
			root.implicit = true
		}
	}
	if err := checkExposed(root.tables); err != nil {
		return nil, nil, c.runtimeErr(err)
	}
	markPushable(root, false)
	sc := root.scope()
	var residual []tsql.Expr
	for _, e := range conjuncts(where, nil) {
		if !c.pushDown(root, sc, e) {
			residual = append(residual, e)
		}
	}
	node, err := c.build(root)
	if err != nil {
		return nil, nil, err
	}
	if len(residual) > 0 {
		c.clause = "where"
		cond, err := c.condAll(residual, sc)
		if err != nil {
			return nil, nil, err
		}
		node = &query.Filter{Input: node, Pred: c.qpred(cond)}
	}
	return node, sc, nil
}

// condAll compiles a conjunction.
func (c *compiler) condAll(list []tsql.Expr, sc *rowScope) (condFn, error) {
	var fns []condFn
	for _, e := range list {
		cf, err := c.cond(e, sc)
		if err != nil {
			return nil, err
		}
		fns = append(fns, cf)
	}
	if len(fns) == 1 {
		return fns[0], nil
	}
	return func(f *frame, r rows.Row) (tri, error) {
		out := triTrue
		for _, cf := range fns {
			t, err := cf(f, r)
			if err != nil || t == triFalse {
				return triFalse, err
			}
			if t == triUnknown {
				out = triUnknown
			}
		}
		return out, nil
	}, nil
}

// checkExposed raises 1013/1011 for two tables with the same exposed name.
func checkExposed(tables []*scopeTable) error {
	seen := map[string]*scopeTable{}
	for _, t := range tables {
		if t.alias == "" {
			continue
		}
		k := strings.ToLower(t.alias)
		if prev, ok := seen[k]; ok {
			if t.aliased && prev.aliased {
				return sqlerr.New(1011, 16, 1, "The correlation name '%s' is specified multiple times in a FROM clause.", t.alias)
			}
			return sqlerr.New(1013, 16, 1, "The objects \"%s\" and \"%s\" in the FROM clause have the same exposed names. Use correlation names to distinguish them.", prev.written, t.written)
		}
		seen[k] = t
	}
	return nil
}

func markPushable(t *fromTree, nullable bool) {
	t.pushable = !nullable
	if t.leaf() {
		return
	}
	l, r := nullable, nullable
	switch t.join {
	case tsql.LeftJoin, tsql.OuterApply:
		r = true
	case tsql.RightJoin:
		l = true
	case tsql.FullJoin:
		l, r = true, true
	}
	markPushable(t.left, l)
	markPushable(t.right, r)
}

// joinTrees combines two subtrees: the right one's tables move past the
// left one's columns.
func (c *compiler) joinTrees(kind tsql.JoinKind, l, r *fromTree, on tsql.Expr, outer *rowScope) *fromTree {
	t := &fromTree{join: kind, left: l, right: r, on: conjuncts(on, nil), outer: outer, width: l.width + r.width}
	// The side an outer join pads with NULLs has nullable columns (the
	// result set metadata says so).
	lNull := kind == tsql.RightJoin || kind == tsql.FullJoin
	rNull := kind == tsql.LeftJoin || kind == tsql.FullJoin || kind == tsql.OuterApply
	for _, x := range l.tables {
		t.tables = append(t.tables, copyTable(x, 0, lNull))
	}
	for _, x := range r.tables {
		t.tables = append(t.tables, copyTable(x, l.width, rNull))
	}
	return t
}

func copyTable(x *scopeTable, shift int, nullable bool) *scopeTable {
	cp := *x
	cp.off += shift
	if nullable {
		cp.cols = make([]rows.Column, len(x.cols))
		for i, c := range x.cols {
			c.Nullable = true
			cp.cols[i] = c
		}
	}
	return &cp
}

// refTables returns the tables (of sc, by position in sc.tables) an
// expression reads; ok is false for expressions that cannot move (a
// subquery, an aggregate, a name that does not resolve).
func refTables(e tsql.Expr, sc *rowScope) (map[int]bool, bool) {
	out := map[int]bool{}
	ok := true
	tsql.Walk(e, func(n tsql.Node) bool {
		if !ok {
			return false
		}
		switch x := n.(type) {
		case *tsql.Query:
			ok = false
		case *tsql.FuncCall:
			if x.Over != nil || isAggregate(x) {
				ok = false
			}
		case *tsql.ColumnRef:
			ref, err := sc.resolve(x)
			if err != nil {
				ok = false
				return false
			}
			if ref.depth == 0 {
				for i, t := range sc.tables {
					if ref.table == t {
						out[i] = true
					}
				}
			}
		}
		return ok
	})
	return out, ok
}

// pushDown moves a WHERE conjunct to the one table it reads, or into the
// innermost inner join that has all the tables it reads.
func (c *compiler) pushDown(root *fromTree, sc *rowScope, e tsql.Expr) bool {
	refs, ok := refTables(e, sc)
	if !ok || len(refs) == 0 {
		return false
	}
	// Positions in root.tables are the leaves in order.
	var leaves []*fromTree
	var collect func(t *fromTree)
	collect = func(t *fromTree) {
		if t.leaf() {
			leaves = append(leaves, t)
			return
		}
		collect(t.left)
		collect(t.right)
	}
	collect(root)
	if len(refs) == 1 {
		for i := range refs {
			lf := leaves[i]
			if lf.pushable && lf.src != nil {
				lf.pushed = append(lf.pushed, e)
				return true
			}
		}
		return false
	}
	// The lowest inner join covering every table read.
	var best *fromTree
	var find func(t *fromTree, first int) int
	find = func(t *fromTree, first int) int {
		if t.leaf() {
			return 1
		}
		nl := find(t.left, first)
		nr := find(t.right, first+nl)
		all := true
		for i := range refs {
			if i < first || i >= first+nl+nr {
				all = false
			}
		}
		if all && best == nil && t.pushable && (t.join == tsql.InnerJoin || t.join == tsql.CrossJoin) {
			best = t
		}
		return nl + nr
	}
	find(root, 0)
	if best == nil {
		return false
	}
	best.on = append(best.on, e)
	if best.join == tsql.CrossJoin {
		best.join = tsql.InnerJoin
	}
	return true
}

// bind binds one FROM item; outer is the scope its correlated references
// see (the enclosing query's, or for the right side of an APPLY the
// left side's).
func (c *compiler) bind(te tsql.TableExpr, outer *rowScope) (*fromTree, error) {
	leaf := func(st *scopeTable, src rows.Source, node query.Node) *fromTree {
		st.off = 0
		if node != nil {
			st.cols = node.Columns()
		} else {
			st.cols = src.Columns()
			src, st.use = c.projectLeaf(src)
		}
		return &fromTree{tables: []*scopeTable{st}, width: len(st.cols), src: src, node: node, outer: outer}
	}
	switch x := te.(type) {
	case *tsql.TableRef:
		if x.Unsupported != "" {
			return nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", x.Unsupported))
		}
		st := &scopeTable{alias: x.Alias, aliased: x.Alias != ""}
		if x.Var != nil {
			c.local = true // a table variable is the frame's
			src, err := c.tableVar(x.Var)
			if err != nil {
				return nil, err
			}
			src = c.targetSource(x, src)
			st.written = x.Var.Name
			if st.alias == "" {
				st.alias = x.Var.Name
			}
			return leaf(st, src, nil), nil
		}
		n := nameOf(x.Name)
		st.written, st.db, st.schema = n.written, n.db, n.schema
		if st.alias == "" {
			st.alias = x.Name.Name
		}
		if n.parts == 1 {
			if def := c.ctes.find(n.name); def != nil {
				c.local = true
				node, err := c.cteNode(def)
				if err != nil {
					return nil, err
				}
				return leaf(st, nil, node), nil
			}
		}
		src, err := c.tableSource(n)
		if err != nil {
			return nil, err
		}
		return leaf(st, c.targetSource(x, src), nil), nil
	case *tsql.DerivedTable:
		p, err := c.queryPlan(x.Query, outer, false)
		if err != nil {
			return nil, err
		}
		node, err := c.renameCols(p.node, x.Columns, x.Alias)
		if err != nil {
			return nil, err
		}
		return leaf(&scopeTable{alias: x.Alias, aliased: true, written: x.Alias}, nil, node), nil
	case *tsql.ValuesTable:
		c.local = true
		node, err := c.valuesTable(x, outer)
		if err != nil {
			return nil, err
		}
		return leaf(&scopeTable{alias: x.Alias, aliased: true, written: x.Alias}, nil, node), nil
	case *tsql.TableFuncRef:
		c.local = true
		node, err := c.tableFunc(x, outer)
		if err != nil {
			return nil, err
		}
		alias := x.Alias
		if alias == "" {
			alias = x.Call.Name.Name
		}
		return leaf(&scopeTable{alias: alias, aliased: x.Alias != "", written: alias}, nil, node), nil
	case *tsql.OpenRowset:
		c.local = true
		node, err := c.openRowset(x)
		if err != nil {
			return nil, err
		}
		return leaf(&scopeTable{alias: x.Alias, aliased: x.Alias != "", written: x.Alias}, nil, node), nil
	case *tsql.PivotTable:
		c.local = true
		node, err := c.pivot(x, outer)
		if err != nil {
			return nil, err
		}
		return leaf(&scopeTable{alias: x.Alias, aliased: true, written: x.Alias}, nil, node), nil
	case *tsql.UnpivotTable:
		c.local = true
		node, err := c.unpivot(x, outer)
		if err != nil {
			return nil, err
		}
		return leaf(&scopeTable{alias: x.Alias, aliased: true, written: x.Alias}, nil, node), nil
	case *tsql.JoinExpr:
		l, err := c.bind(x.Left, outer)
		if err != nil {
			return nil, err
		}
		rOuter := outer
		if x.Kind == tsql.CrossApply || x.Kind == tsql.OuterApply {
			rOuter = l.scope()
		}
		r, err := c.bind(x.Right, rOuter)
		if err != nil {
			return nil, err
		}
		return c.joinTrees(x.Kind, l, r, x.On, outer), nil
	}
	return nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", strings.TrimPrefix(typeName(te), "*tsql.")))
}

// renameCols applies a derived table's or CTE's column list.
func (c *compiler) renameCols(n query.Node, names []string, alias string) (query.Node, error) {
	cols := append([]rows.Column(nil), n.Columns()...)
	visible := len(cols)
	for visible > 0 && strings.HasPrefix(cols[visible-1].Name, hiddenPrefix) {
		visible--
	}
	if len(names) > 0 {
		if len(names) < visible {
			return nil, c.runtimeErr(sqlerr.New(8158, 16, 1, "'%s' has more columns than were specified in the column list.", alias))
		}
		if len(names) > visible {
			return nil, c.runtimeErr(sqlerr.New(8159, 16, 1, "'%s' has fewer columns than were specified in the column list.", alias))
		}
		for i := range names {
			cols[i].Name = names[i]
		}
	}
	seen := map[string]bool{}
	for i, col := range cols {
		if col.Name == "" {
			return nil, c.runtimeErr(sqlerr.New(8155, 16, 2, "No column name was specified for column %d of '%s'.", i+1, alias))
		}
		k := strings.ToLower(col.Name)
		if seen[k] {
			return nil, c.runtimeErr(sqlerr.New(8156, 16, 1, "The column '%s' was specified multiple times for '%s'.", col.Name, alias))
		}
		seen[k] = true
	}
	return &renamed{Node: n, cols: cols}, nil
}

// renamed is a node under other column names.
type renamed struct {
	query.Node
	cols []rows.Column
}

func (r *renamed) Columns() []rows.Column { return r.cols }

// build makes the plan of a bound FROM tree.
func (c *compiler) build(t *fromTree) (query.Node, error) {
	if t.leaf() {
		return c.buildLeaf(t)
	}
	sc := t.scope()
	c.clause = "on"
	switch t.join {
	case tsql.CrossApply, tsql.OuterApply:
		l, err := c.build(t.left)
		if err != nil {
			return nil, err
		}
		r, err := c.build(t.right)
		if err != nil {
			return nil, err
		}
		f := c.f
		c.local = true
		var node query.Node = &query.Apply{Outer: t.join == tsql.OuterApply, Left: l, Right: r,
			Bind: func(ctx context.Context, lr rows.Row) context.Context {
				f.outer = append(f.outer, lr)
				return ctx
			},
			Unbind: func(context.Context) { f.outer = f.outer[:len(f.outer)-1] }}
		if len(t.on) > 0 {
			cond, err := c.condAll(t.on, sc)
			if err != nil {
				return nil, err
			}
			node = &query.Filter{Input: node, Pred: c.qpred(cond)}
		}
		return node, nil
	}
	kind := query.Inner
	switch t.join {
	case tsql.LeftJoin:
		kind = query.LeftOuter
	case tsql.RightJoin:
		kind = query.RightOuter
	case tsql.FullJoin:
		kind = query.FullOuter
	}
	var pred query.Pred
	if len(t.on) > 0 {
		cond, err := c.condAll(t.on, sc)
		if err != nil {
			return nil, err
		}
		pred = c.qpred(cond)
	}
	l, err := c.build(t.left)
	if err != nil {
		return nil, err
	}
	// Equalities between the two sides: hash keys, or an index lookup
	// into the right side when it is a table with a seek on that column.
	ls, rs := t.left.scope(), t.right.scope()
	type pair struct{ l, r tsql.Expr }
	var pairs []pair
	for _, e := range t.on {
		b, ok := e.(*tsql.BinaryExpr)
		if !ok || b.Op != tsql.OpEq {
			continue
		}
		for _, p := range []pair{{b.L, b.R}, {b.R, b.L}} {
			lr, lok := refTables(p.l, ls)
			rr, rok := refTables(p.r, rs)
			if lok && rok && len(lr) > 0 && len(rr) > 0 && onlyLocal(p.l, ls) && onlyLocal(p.r, rs) {
				pairs = append(pairs, p)
				break
			}
		}
	}
	if rt := t.right; rt.leaf() && rt.src != nil && (kind == query.Inner || kind == query.LeftOuter) && c.constantSeek(rt) == nil {
		if sk, ok := rt.src.(rows.Seeker); ok {
			seekable := map[int]bool{}
			for _, i := range sk.SeekColumns() {
				seekable[i] = true
			}
			for _, p := range pairs {
				cr, ok := p.r.(*tsql.ColumnRef)
				if !ok {
					continue
				}
				ref, err := rs.resolve(cr)
				if err != nil || ref.depth != 0 || !seekable[ref.idx] {
					continue
				}
				lk, err := c.expr(p.l, ls)
				if err != nil {
					return nil, err
				}
				colType := ref.col.Type
				if ct, err := sqltype.ResultType(lk.typ, colType); err != nil || ct.Kind != colType.Kind {
					continue
				}
				var rpred query.Pred
				if len(rt.pushed) > 0 {
					cond, err := c.condAll(rt.pushed, rs)
					if err != nil {
						return nil, err
					}
					rpred = c.qpred(cond)
				}
				key := c.qx(lk)
				return &query.IndexJoin{Kind: kind, Left: l, Right: sk, Col: ref.idx, RightPred: rpred, Pred: pred,
					Key: func(ctx context.Context, r rows.Row) (sqltype.Value, error) {
						v, err := key(ctx, r)
						if err != nil || v.IsNull() {
							return v, err
						}
						return convert(v, colType)
					}}, nil
			}
		}
	}
	r, err := c.build(t.right)
	if err != nil {
		return nil, err
	}
	if len(pairs) > 0 {
		hj := &query.HashJoin{Kind: kind, Left: l, Right: r, Pred: pred, Coll: coll}
		for _, p := range pairs {
			lk, err := c.expr(p.l, ls)
			if err != nil {
				return nil, err
			}
			rk, err := c.expr(p.r, rs)
			if err != nil {
				return nil, err
			}
			ct, err := sqltype.ResultType(lk.typ, rk.typ)
			if err != nil {
				return nil, c.runtimeErr(err)
			}
			hj.LeftKeys = append(hj.LeftKeys, c.keyAs(lk, ct))
			hj.RightKeys = append(hj.RightKeys, c.keyAs(rk, ct))
		}
		return hj, nil
	}
	return &query.NestedLoop{Kind: kind, Left: l, Right: r, Pred: pred}, nil
}

// onlyLocal reports an expression whose columns all resolve in sc itself
// (none from an outer scope), so it can be a hash key of that side.
func onlyLocal(e tsql.Expr, sc *rowScope) bool {
	ok := true
	tsql.Walk(e, func(n tsql.Node) bool {
		if cr, is := n.(*tsql.ColumnRef); is {
			if ref, err := sc.resolve(cr); err != nil || ref.depth != 0 {
				ok = false
			}
		}
		return ok
	})
	return ok
}

// keyAs converts a join key to the type both sides compare in.
func (c *compiler) keyAs(e *cexpr, t sqltype.Type) query.Expr {
	q := c.qx(e)
	if e.typ.Kind == t.Kind && (e.typ.Kind.IsInteger() || e.typ.Kind.IsString()) {
		return q
	}
	return func(ctx context.Context, r rows.Row) (sqltype.Value, error) {
		v, err := q(ctx, r)
		if err != nil || v.IsNull() {
			return v, err
		}
		return convert(v, t)
	}
}

// buildLeaf plans a leaf: a seek when a pushed conjunct is "key =
// constant", else a scan, filtered by the pushed conjuncts.
func (c *compiler) buildLeaf(t *fromTree) (query.Node, error) {
	node := t.node
	if node == nil {
		node = &query.Scan{Source: t.src}
		if seek := c.constantSeek(t); seek != nil {
			node = seek
		}
	}
	if len(t.pushed) > 0 {
		c.clause = "where"
		cond, err := c.condAll(t.pushed, t.scope())
		if err != nil {
			return nil, err
		}
		node = &query.Filter{Input: node, Pred: c.qpred(cond)}
	}
	return node, nil
}

// constantSeek returns a seek for a leaf whose pushed conjuncts include
// "key column = expression" where the expression reads no column of the
// table (a constant, a variable, a correlated outer column), or else
// "key IN (such expressions)" or "key = a OR key = b ..." (a seek of each
// value).
func (c *compiler) constantSeek(t *fromTree) query.Node {
	sk, ok := t.src.(rows.Seeker)
	if !ok || len(t.pushed) == 0 {
		return nil
	}
	seekable := map[int]bool{}
	for _, i := range sk.SeekColumns() {
		seekable[i] = true
	}
	sc := t.scope()
	for _, e := range t.pushed {
		b, ok := e.(*tsql.BinaryExpr)
		if !ok || b.Op != tsql.OpEq {
			continue
		}
		if col, key, ok := c.keyEquality(b, sc, seekable); ok {
			return &query.Seek{Source: sk, Col: col, Key: key}
		}
	}
	for _, e := range t.pushed {
		if col, keys, ok := c.keyList(e, sc, seekable, -1); ok {
			return &query.MultiSeek{Source: sk, Col: col, Keys: keys, Cmp: compareValues}
		}
	}
	return nil
}

// keyEquality reads "key column = expression" (either way round) where
// the expression reads no column of the table and compares in the
// column's type; it returns the column and the key, converted to that type.
func (c *compiler) keyEquality(b *tsql.BinaryExpr, sc *rowScope, seekable map[int]bool) (int, func(context.Context) (sqltype.Value, error), bool) {
	for _, side := range [2][2]tsql.Expr{{b.L, b.R}, {b.R, b.L}} {
		col, typ, ok := c.keyColumn(side[0], sc, seekable)
		if !ok {
			continue
		}
		if key, ok := c.seekKey(side[1], sc, typ); ok {
			return col, key, true
		}
	}
	return 0, nil, false
}

// keyColumn resolves a seekable column of the leaf and its type.
func (c *compiler) keyColumn(e tsql.Expr, sc *rowScope, seekable map[int]bool) (int, sqltype.Type, bool) {
	cr, ok := e.(*tsql.ColumnRef)
	if !ok {
		return 0, sqltype.Type{}, false
	}
	ref, err := sc.resolve(cr)
	if err != nil || ref.depth != 0 || !seekable[ref.idx] {
		return 0, sqltype.Type{}, false
	}
	return ref.idx, ref.col.Type, true
}

// seekKey compiles a key expression that reads no column of the table and
// compares with a column of type colType in that type.
func (c *compiler) seekKey(e tsql.Expr, sc *rowScope, colType sqltype.Type) (func(context.Context) (sqltype.Value, error), bool) {
	if refs, ok := refTables(e, sc); !ok || len(refs) > 0 {
		return nil, false
	}
	key, err := c.expr(e, sc)
	if err != nil {
		return nil, false
	}
	if ct, err := sqltype.ResultType(key.typ, colType); err != nil || ct.Kind != colType.Kind {
		return nil, false
	}
	k := c.qx(key)
	return func(ctx context.Context) (sqltype.Value, error) {
		v, err := k(ctx, nil)
		if err != nil || v.IsNull() {
			return v, err
		}
		// The key compares in the column's type.
		return convert(v, colType)
	}, true
}

// keyList reads "key IN (expressions)" and ORs of such tests and of "key
// = expression" on one seekable column (col, or any when col < 0), with
// keys as seekKey takes them.
func (c *compiler) keyList(e tsql.Expr, sc *rowScope, seekable map[int]bool, col int) (int, []func(context.Context) (sqltype.Value, error), bool) {
	var keys []func(context.Context) (sqltype.Value, error)
	add := func(kc int, typ sqltype.Type, x tsql.Expr) bool {
		if col >= 0 && kc != col {
			return false
		}
		key, ok := c.seekKey(x, sc, typ)
		if ok {
			col = kc
			keys = append(keys, key)
		}
		return ok
	}
	switch x := e.(type) {
	case *tsql.InExpr:
		if x.Not || x.Query != nil {
			return 0, nil, false
		}
		kc, typ, ok := c.keyColumn(x.X, sc, seekable)
		if !ok {
			return 0, nil, false
		}
		for _, it := range x.List {
			if !add(kc, typ, it) {
				return 0, nil, false
			}
		}
		return col, keys, true
	case *tsql.BinaryExpr:
		switch x.Op {
		case tsql.OpEq:
			for _, side := range [2][2]tsql.Expr{{x.L, x.R}, {x.R, x.L}} {
				if kc, typ, ok := c.keyColumn(side[0], sc, seekable); ok && add(kc, typ, side[1]) {
					return col, keys, true
				}
			}
		case tsql.OpOr:
			lc, lk, ok := c.keyList(x.L, sc, seekable, col)
			if !ok {
				return 0, nil, false
			}
			rc, rk, ok := c.keyList(x.R, sc, seekable, lc)
			if !ok {
				return 0, nil, false
			}
			return rc, append(lk, rk...), true
		}
	}
	return 0, nil, false
}

// ---------------------------------------------------------------------------
// VALUES, table-valued functions, OPENROWSET

// valuesNode evaluates a table value constructor's rows each run.
type valuesNode struct {
	cols  []rows.Column
	rows  [][]query.Expr
	types []sqltype.Type
}

func (v *valuesNode) Columns() []rows.Column { return v.cols }

func (v *valuesNode) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	out := make(rows.Row, len(v.cols))
	for _, r := range v.rows {
		for i, e := range r {
			x, err := e(ctx, nil)
			if err != nil {
				return err
			}
			if out[i], err = convert(x, v.types[i]); err != nil {
				return err
			}
		}
		more, err := fn(out)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

func (c *compiler) valuesTable(x *tsql.ValuesTable, outer *rowScope) (query.Node, error) {
	sc := newScope(outer)
	v := &valuesNode{}
	width := -1
	var ces [][]*cexpr
	for _, r := range x.Rows {
		if width >= 0 && len(r) != width {
			return nil, c.runtimeErr(sqlerr.New(10709, 16, 1, "The number of columns for each row in a table value constructor must be the same."))
		}
		width = len(r)
		row := make([]*cexpr, len(r))
		for i, e := range r {
			ce, err := c.expr(e, sc)
			if err != nil {
				return nil, err
			}
			row[i] = ce
		}
		ces = append(ces, row)
	}
	v.types = make([]sqltype.Type, width)
	nullable := make([]bool, width)
	for i := 0; i < width; i++ {
		for j, row := range ces {
			if j == 0 {
				v.types[i] = row[i].typ
			} else {
				t, err := sqltype.ResultType(v.types[i], row[i].typ)
				if err != nil {
					return nil, c.runtimeErr(err)
				}
				v.types[i] = t
			}
			nullable[i] = nullable[i] || row[i].nullable
		}
		if v.types[i].Kind == sqltype.Unknown {
			v.types[i] = sqltype.TInt
		}
	}
	for _, row := range ces {
		qr := make([]query.Expr, len(row))
		for i, ce := range row {
			qr[i] = c.qx(ce)
		}
		v.rows = append(v.rows, qr)
	}
	v.cols = make([]rows.Column, width)
	for i := range v.cols {
		name := ""
		if i < len(x.Columns) {
			name = x.Columns[i]
		}
		v.cols[i] = rows.Column{Name: name, Type: v.types[i], Nullable: nullable[i]}
	}
	if len(x.Columns) == 0 {
		return nil, c.runtimeErr(sqlerr.New(8155, 16, 2, "No column name was specified for column %d of '%s'.", 1, x.Alias))
	}
	return c.renameCols(v, x.Columns, x.Alias)
}

// tableFunc plans a table-valued function call: STRING_SPLIT.
func (c *compiler) tableFunc(x *tsql.TableFuncRef, outer *rowScope) (query.Node, error) {
	name := strings.ToUpper(x.Call.Name.Name)
	if x.Call.Name.Parts > 1 || name != "STRING_SPLIT" {
		if name == "OPENJSON" || name == "OPENXML" || name == "OPENQUERY" {
			return nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", name))
		}
		return nil, c.runtimeErr(sqlerr.New(208, 16, 1, "Invalid object name '%s'.", x.Call.Name.String()))
	}
	sc := newScope(outer)
	if len(x.Call.Args) < 2 || len(x.Call.Args) > 3 {
		return nil, c.compileErr(sqlerr.New(174, 15, 1, "The string_split function requires 2 or 3 argument(s)."), x.Pos)
	}
	s, err := c.expr(x.Call.Args[0], sc)
	if err != nil {
		return nil, err
	}
	sep, err := c.expr(x.Call.Args[1], sc)
	if err != nil {
		return nil, err
	}
	ordinal := false
	if len(x.Call.Args) == 3 {
		o, err := c.expr(x.Call.Args[2], sc)
		if err != nil {
			return nil, err
		}
		if !o.konst {
			return nil, c.runtimeErr(sqlerr.New(8748, 16, 1, "The enable_ordinal argument for STRING_SPLIT only supports constant values (not variables or columns)."))
		}
		v, err := o.eval(nil, nil)
		if err != nil {
			return nil, c.runtimeErr(err)
		}
		ordinal = !v.IsNull() && v.Int64() != 0
	}
	t := sqltype.VarCharN(8000)
	switch {
	case s.typ.Kind == sqltype.NVarChar || s.typ.Kind == sqltype.NChar || sep.typ.Kind.IsUnicode():
		t = sqltype.NVarCharN(4000)
		if s.typ.Kind.IsString() && s.typ.Length != 0 {
			t.Length = s.typ.Length
		}
	case s.typ.Kind.IsString() && s.typ.Length != 0:
		t = sqltype.VarCharN(s.typ.Length)
	}
	cols := []rows.Column{{Name: "value", Type: t, Nullable: true}}
	if ordinal {
		cols = append(cols, rows.Column{Name: "ordinal", Type: sqltype.TBigInt})
	}
	if sep.konst {
		if v, err := sep.eval(nil, nil); err == nil && (v.IsNull() || len([]rune(printable(v))) != 1) {
			return nil, c.runtimeErr(sqlerr.New(214, 16, 11, "Procedure expects parameter 'separator' of type 'nchar(1)/nvarchar(1)'."))
		}
	}
	node := &splitNode{cols: cols, s: c.qx(s), sep: c.qx(sep), t: t}
	if len(x.Columns) > 0 {
		return c.renameCols(node, x.Columns, x.Alias)
	}
	return node, nil
}

type splitNode struct {
	cols   []rows.Column
	s, sep query.Expr
	t      sqltype.Type
}

func (n *splitNode) Columns() []rows.Column { return n.cols }

func (n *splitNode) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	sv, err := n.s(ctx, nil)
	if err != nil {
		return err
	}
	pv, err := n.sep(ctx, nil)
	if err != nil {
		return err
	}
	sepText := printable(pv)
	if pv.IsNull() || len([]rune(sepText)) != 1 {
		return sqlerr.New(214, 16, 1, "Procedure expects parameter 'separator' of type 'nchar(1)/nvarchar(1)'.")
	}
	if sv.IsNull() {
		return nil
	}
	out := make(rows.Row, len(n.cols))
	for i, part := range strings.Split(printable(sv), sepText) {
		out[0] = sqltype.NewString(n.t, part)
		if len(out) > 1 {
			out[1] = sqltype.NewBigInt(int64(i + 1))
		}
		more, err := fn(out)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

func (c *compiler) openRowset(x *tsql.OpenRowset) (query.Node, error) {
	if !x.Bulk {
		return nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", "OPENROWSET"))
	}
	single := ""
	for _, o := range x.Options {
		switch strings.ToUpper(o) {
		case "SINGLE_BLOB", "SINGLE_CLOB", "SINGLE_NCLOB":
			single = strings.ToUpper(o)
		}
	}
	if single == "" {
		return nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", "OPENROWSET(BULK) without SINGLE_BLOB"))
	}
	file, err := c.expr(x.File, nil)
	if err != nil {
		return nil, err
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
	return &bulkNode{file: file, cols: cols}, nil
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
