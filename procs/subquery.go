package procs

import (
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/query"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
)

// Subqueries. Inside a query planned at run time a subquery is planned
// with it, against the scope of the expression that holds it; a
// correlated one pushes the current row on the frame's outer stack while
// it runs (its references to enclosing columns read from there), an
// uncorrelated one runs once per statement and keeps its answer. A
// subquery of a statement-level expression (SET, IF, WHILE ...) is planned
// each time it runs, so it sees the objects of the moment.

type subquery struct {
	q    *tsql.Query
	vars map[string]int
	mod  *module
	node query.Node // nil: planned at each run
	// existsOf marks the subquery of an EXISTS (see compiler.existsSpec).
	existsOf bool
	// correlated is set while compiling when a reference inside resolves
	// to the enclosing query.
	correlated bool
	// A cached answer of an uncorrelated subquery.
	done   bool
	scalar sqltype.Value
	exists bool
	set    map[string]bool
	hasNul bool
}

// subqMark is a subquery being compiled: references that resolve to
// scope (or beyond) make it correlated.
type subqMark struct {
	scope *rowScope
	flag  *bool
}

// markOuter flags the subqueries being compiled whose outer scope a
// reference reached (found is the scope it resolved in).
func (c *compiler) markOuter(found *rowScope) {
	for _, m := range c.subqs {
		for s := m.scope; s != nil; s = s.outer {
			if s == found {
				*m.flag = true
				break
			}
		}
	}
}

func (c *compiler) subquery(q *tsql.Query, sc *rowScope) (*subquery, error) {
	sq := &subquery{q: q, vars: c.varSnapshot(), mod: c.mod}
	c.local = true
	if c.f == nil {
		c.checkVars(q)
		return sq, nil
	}
	c.subqs = append(c.subqs, subqMark{scope: sc, flag: &sq.correlated})
	p, err := c.queryPlan(q, sc, false)
	c.subqs = c.subqs[:len(c.subqs)-1]
	if err != nil {
		return nil, err
	}
	sq.node = p.node
	return sq, nil
}

// each runs the subquery for the current row r.
func (sq *subquery) each(f *frame, r rows.Row, fn func(rows.Row) (bool, error)) error {
	node := sq.node
	if node == nil {
		c := &compiler{e: f.s.e, mod: sq.mod, vars: sq.vars, f: f}
		if sq.existsOf {
			c.existsSpec, _ = sq.q.Body.(*tsql.QuerySpec)
		}
		p, err := c.queryPlan(sq.q, nil, false)
		if err := c.firstErr(err); err != nil {
			return err
		}
		node = p.node
	}
	if sq.correlated {
		n := len(f.outer)
		f.outer = append(f.outer, r)
		defer func() { f.outer = f.outer[:n] }()
	}
	return node.Run(withFrame(f.ctx, f), fn)
}

// cacheable reports whether the answer can be kept for the statement.
func (sq *subquery) cacheable() bool { return sq.node != nil && !sq.correlated }

func errTooManyValues() error {
	return sqlerr.New(512, 16, 1, "Subquery returned more than 1 value. This is not permitted when the subquery follows =, !=, <, <= , >, >= or when the subquery is used as an expression.")
}

func (c *compiler) scalarSubquery(x *tsql.SubqueryExpr, sc *rowScope) (*cexpr, error) {
	sq, err := c.subquery(x.Query, sc)
	if err != nil {
		return nil, err
	}
	typ := sqltype.TSQLVariant
	if sq.node != nil {
		cols := sq.node.Columns()
		if len(cols) != 1 {
			return nil, c.runtimeErr(sqlerr.New(116, 16, 1, "Only one expression can be specified in the select list when the subquery is not introduced with EXISTS."))
		}
		typ = cols[0].Type
	} else if spec, ok := x.Query.Body.(*tsql.QuerySpec); ok && len(spec.From) == 0 && len(spec.Items) == 1 {
		// The type is known only once the query is planned; a simple one
		// can be typed now.
		if ce, err := c.expr(spec.Items[0].Expr, nil); err == nil {
			typ = ce.typ
		}
	}
	return &cexpr{typ: typ, nullable: true, eval: func(f *frame, r rows.Row) (sqltype.Value, error) {
		if sq.done {
			return sq.scalar, nil
		}
		out := sqltype.Null(typ)
		n := 0
		err := sq.each(f, r, func(row rows.Row) (bool, error) {
			n++
			if n > 1 {
				return false, errTooManyValues()
			}
			if len(row) > 0 {
				out = row[0]
			}
			return true, nil
		})
		if err != nil {
			return sqltype.Value{}, err
		}
		if sq.cacheable() {
			sq.scalar, sq.done = out, true
		}
		return out, nil
	}}, nil
}

func (c *compiler) existsCond(x *tsql.ExistsExpr, sc *rowScope) (condFn, error) {
	// EXISTS reads whether a row comes, not its columns: its SELECT *
	// asks the scan for none.
	saved := c.existsSpec
	c.existsSpec, _ = x.Query.Body.(*tsql.QuerySpec)
	sq, err := c.subquery(x.Query, sc)
	c.existsSpec = saved
	if err != nil {
		return nil, err
	}
	sq.existsOf = true
	return func(f *frame, r rows.Row) (tri, error) {
		if sq.done {
			return boolTri(sq.exists), nil
		}
		found := false
		err := sq.each(f, r, func(rows.Row) (bool, error) {
			found = true
			return false, nil
		})
		if err == nil && sq.cacheable() {
			sq.exists, sq.done = found, true
		}
		return boolTri(found), err
	}, nil
}

// inSubquery is x IN (SELECT ...): an uncorrelated subquery is read once
// into a hash set of keys in the comparison type.
func (c *compiler) inSubquery(x *tsql.InExpr, v *cexpr, sc *rowScope) (condFn, error) {
	sq, err := c.subquery(x.Query, sc)
	if err != nil {
		return nil, err
	}
	cmpType := sqltype.Type{}
	if sq.node != nil {
		cols := sq.node.Columns()
		if len(cols) != 1 {
			return nil, c.runtimeErr(sqlerr.New(116, 16, 1, "Only one expression can be specified in the select list when the subquery is not introduced with EXISTS."))
		}
		if t, err := sqltype.ResultType(v.typ, cols[0].Type); err == nil {
			cmpType = t
		} else {
			return nil, c.runtimeErr(err)
		}
	}
	not := x.Not
	hashable := cmpType.Kind != sqltype.Unknown && cmpType.Kind != sqltype.SQLVariant
	return func(f *frame, r rows.Row) (tri, error) {
		vv, err := v.eval(f, r)
		if err != nil {
			return triFalse, err
		}
		result := triFalse
		if hashable && sq.cacheable() {
			if !sq.done {
				sq.set = map[string]bool{}
				err := sq.each(f, r, func(row rows.Row) (bool, error) {
					if row[0].IsNull() {
						sq.hasNul = true
						return true, nil
					}
					k, err := convert(row[0], cmpType)
					if err != nil {
						return false, err
					}
					sq.set[sqltype.Key(k, coll)] = true
					return true, nil
				})
				if err != nil {
					return triFalse, err
				}
				sq.done = true
			}
			switch {
			case vv.IsNull():
				if len(sq.set) > 0 || sq.hasNul {
					result = triUnknown
				}
			default:
				k, err := convert(vv, cmpType)
				if err != nil {
					return triFalse, err
				}
				if sq.set[sqltype.Key(k, coll)] {
					result = triTrue
				} else if sq.hasNul {
					result = triUnknown
				}
			}
		} else {
			err := sq.each(f, r, func(row rows.Row) (bool, error) {
				x := row[0]
				if vv.IsNull() || x.IsNull() {
					result = triUnknown
					return true, nil
				}
				n, err := compareIn(f, vv, x)
				if err != nil {
					return false, err
				}
				if n == 0 {
					result = triTrue
					return false, nil
				}
				return true, nil
			})
			if err != nil {
				return triFalse, err
			}
		}
		if not && result != triUnknown {
			result = 1 - result
		}
		return result, nil
	}, nil
}

// quantified is x op ANY|SOME|ALL (SELECT ...).
func (c *compiler) quantified(x *tsql.QuantifiedExpr, sc *rowScope) (condFn, error) {
	v, err := c.expr(x.X, sc)
	if err != nil {
		return nil, err
	}
	sq, err := c.subquery(x.Query, sc)
	if err != nil {
		return nil, err
	}
	op, all := x.Op, x.All
	return func(f *frame, r rows.Row) (tri, error) {
		vv, err := v.eval(f, r)
		if err != nil {
			return triFalse, err
		}
		// ANY: true if one comparison is; ALL: false if one is false.
		result := triFalse
		if all {
			result = triTrue
		}
		err = sq.each(f, r, func(row rows.Row) (bool, error) {
			t := triUnknown
			if !vv.IsNull() && !row[0].IsNull() {
				n, err := compareIn(f, vv, row[0])
				if err != nil {
					return false, err
				}
				t = boolTri(cmpHolds(op, n))
			}
			switch {
			case all && t == triFalse:
				result = triFalse
				return false, nil
			case !all && t == triTrue:
				result = triTrue
				return false, nil
			case t == triUnknown:
				result = triUnknown
			}
			return true, nil
		})
		return result, err
	}, nil
}
