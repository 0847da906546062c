package procs

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
)

// evalFn evaluates an expression in a frame, for the current row of a
// query (nil outside queries).
type evalFn func(f *frame, r rows.Row) (sqltype.Value, error)

// condFn evaluates a condition with three-valued logic.
type condFn func(f *frame, r rows.Row) (tri, error)

type tri int8

const (
	triUnknown tri = -1
	triFalse   tri = 0
	triTrue    tri = 1
)

// cexpr is a compiled scalar expression and its static type, which result
// set metadata needs before any row exists.
type cexpr struct {
	eval     evalFn
	typ      sqltype.Type
	nullable bool
	konst    bool // no variables, columns or functions with side effects
	name     string
}

// exprs compiles a list of expressions in order, stopping at the first
// error.
func (c *compiler) exprs(list []tsql.Expr, sc *rowScope) ([]*cexpr, error) {
	var out []*cexpr
	for _, e := range list {
		ce, err := c.expr(e, sc)
		if err != nil {
			return nil, err
		}
		out = append(out, ce)
	}
	return out, nil
}

func (c *compiler) expr(e tsql.Expr, sc *rowScope) (*cexpr, error) {
	if c.agg != nil && c.agg.covers(e) {
		// An expression the query groups by: its columns need no check.
		c.agg.grouped++
		defer func() { c.agg.grouped-- }()
	}
	switch x := e.(type) {
	case *tsql.Literal:
		v, err := literal(x)
		if err != nil {
			return nil, err
		}
		return constExpr(v), nil
	case *tsql.Variable:
		slot, ok := c.lookupVar(x.Name)
		if !ok {
			return nil, c.undeclared(x.Name, x.Pos, 2)
		}
		t := c.mod.varTypes[slot]
		return &cexpr{typ: t, nullable: true, eval: func(f *frame, _ rows.Row) (sqltype.Value, error) {
			return f.vars[slot], nil
		}}, nil
	case *tsql.GlobalVar:
		return c.global(x)
	case *tsql.BareWord:
		return constExpr(sqltype.NewNVarChar(x.Text)), nil
	case *tsql.ColumnRef:
		return c.column(x, sc)
	case *tsql.UnaryExpr:
		return c.unary(x, sc)
	case *tsql.BinaryExpr:
		if x.Op.IsComparison() || x.Op.IsLogical() {
			return c.condAsValue(e, sc)
		}
		return c.binary(x, sc)
	case *tsql.IsNullExpr, *tsql.LikeExpr, *tsql.InExpr, *tsql.BetweenExpr, *tsql.ExistsExpr, *tsql.IsDistinctExpr, *tsql.QuantifiedExpr:
		return c.condAsValue(e, sc)
	case *tsql.CaseExpr:
		return c.caseExpr(x, sc)
	case *tsql.CastExpr:
		return c.cast(x.X, x.Typ, nil, x.Try, sc)
	case *tsql.ConvertExpr:
		return c.cast(x.X, x.Typ, x.Style, x.Try, sc)
	case *tsql.FuncCall:
		return c.funcCall(x, sc)
	case *tsql.SubqueryExpr:
		return c.scalarSubquery(x, sc)
	case *tsql.CollateExpr:
		return c.expr(x.X, sc)
	case *tsql.MethodCall:
		return c.methodCall(x, sc)
	case *tsql.TrimExpr:
		return c.trim(x, sc)
	case *tsql.OdbcLiteral:
		// {d '...'}, {t '...'} and {ts '...'} are datetime values.
		v, err := castValue(sqltype.NewVarChar(x.Value), sqltype.TDateTime, 0, false, sqltype.DateMDY)
		if err != nil {
			return nil, c.runtimeErr(err)
		}
		return constExpr(v), nil
	case *tsql.ParseExpr:
		// PARSE reads a string in a culture; this engine knows en-US, where
		// it reads as CAST does.
		if x.Culture != nil {
			if lit, ok := x.Culture.(*tsql.Literal); !ok || !strings.EqualFold(lit.Text, "en-US") {
				return nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", "PARSE with a culture other than en-US"))
			}
		}
		return c.cast(x.X, x.Typ, nil, x.Try, sc)
	case *tsql.UnsupportedExpr:
		return nil, c.runtimeErr(x.Err())
	case *tsql.DefaultExpr:
		return nil, c.syntax("DEFAULT", x.Pos, true)
	}
	return nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", exprKind(e)))
}

func exprKind(e tsql.Expr) string {
	t := strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(typeName(e), "*"), "tsql."), "procs.")
	return strings.TrimSuffix(t, "Expr")
}

func constExpr(v sqltype.Value) *cexpr {
	return &cexpr{typ: v.Type(), nullable: v.IsNull(), konst: true, eval: func(*frame, rows.Row) (sqltype.Value, error) { return v, nil }}
}

// literal types a constant the way SQL Server does: 1 is int, larger
// integers bigint or numeric, 1.5 numeric(2,1), 'abc' varchar(3).
func literal(l *tsql.Literal) (sqltype.Value, error) {
	switch l.Kind {
	case tsql.LitNull:
		return sqltype.Value{}, nil
	case tsql.LitInteger:
		n, err := strconv.ParseInt(l.Text, 10, 64)
		if err == nil {
			if n <= 2147483647 {
				return sqltype.NewInt(n), nil
			}
			return sqltype.NewBigInt(n), nil
		}
		u, ok := new(big.Int).SetString(l.Text, 10)
		if !ok {
			return sqltype.Value{}, sqlerr.New(8115, 16, 2, "Arithmetic overflow error converting expression to data type numeric.")
		}
		return sqltype.NewNumeric(u, uint8(min(38, len(l.Text))), 0), nil
	case tsql.LitDecimal:
		digits := strings.Replace(l.Text, ".", "", 1)
		scale := 0
		if i := strings.IndexByte(l.Text, '.'); i >= 0 {
			scale = len(l.Text) - i - 1
		}
		u, ok := new(big.Int).SetString(strings.TrimLeft(digits, "0")+"0", 10)
		if !ok {
			return sqltype.Value{}, sqlerr.New(8115, 16, 2, "Arithmetic overflow error converting expression to data type numeric.")
		}
		u.Quo(u, big.NewInt(10))
		p := len(strings.TrimLeft(digits, "0"))
		if p < scale {
			p = scale
		}
		if p == 0 {
			p = 1
		}
		return sqltype.NewNumeric(u, uint8(min(38, p)), uint8(scale)), nil
	case tsql.LitFloat:
		f, err := strconv.ParseFloat(l.Text, 64)
		if err != nil {
			return sqltype.Value{}, sqlerr.New(8115, 16, 2, "Arithmetic overflow error converting expression to data type float.")
		}
		return sqltype.NewFloat(f), nil
	case tsql.LitMoney:
		r, ok := new(big.Rat).SetString(l.Text)
		if !ok {
			return sqltype.Value{}, sqlerr.New(235, 16, 0, "Cannot convert a char value to money. The char value has incorrect syntax.")
		}
		r.Mul(r, big.NewRat(10000, 1))
		u := new(big.Int).Quo(r.Num(), r.Denom()).Int64()
		if l.Neg {
			u = -u
		}
		return sqltype.NewMoney(u), nil
	case tsql.LitString:
		return sqltype.NewVarChar(l.Text), nil
	case tsql.LitNString:
		return sqltype.NewNVarChar(l.Text), nil
	case tsql.LitBinary:
		b := make([]byte, 0, len(l.Text)/2+1)
		h := l.Text
		if len(h)%2 == 1 {
			h = "0" + h
		}
		for i := 0; i+1 < len(h); i += 2 {
			x, err := strconv.ParseUint(h[i:i+2], 16, 8)
			if err != nil {
				return sqltype.Value{}, sqlerr.New(102, 15, 1, "Incorrect syntax near '0x%s'.", l.Text)
			}
			b = append(b, byte(x))
		}
		return sqltype.NewVarBinary(b), nil
	}
	return sqltype.Value{}, sqlerr.New(102, 15, 1, "Incorrect syntax near '%s'.", l.Text)
}

func (c *compiler) column(x *tsql.ColumnRef, sc *rowScope) (*cexpr, error) {
	ref, err := sc.resolve(x)
	if err != nil {
		return nil, c.runtimeErr(err)
	}
	if c.agg != nil && ref.depth == 0 {
		if err := c.agg.check(ref, x); err != nil {
			return nil, c.runtimeErr(err)
		}
	}
	col, i, depth := ref.col, ref.idx, ref.depth
	if depth == 0 {
		return &cexpr{typ: col.Type, nullable: col.Nullable, name: col.Name, eval: func(_ *frame, r rows.Row) (sqltype.Value, error) {
			if i >= len(r) {
				return sqltype.Null(col.Type), nil
			}
			return r[i], nil
		}}, nil
	}
	// A correlated reference reads the row of an enclosing query.
	found := sc
	for k := 0; k < depth; k++ {
		found = found.outer
	}
	c.markOuter(found)
	return &cexpr{typ: col.Type, nullable: col.Nullable, name: col.Name, eval: func(f *frame, _ rows.Row) (sqltype.Value, error) {
		if f == nil || len(f.outer) < depth || i >= len(f.outer[len(f.outer)-depth]) {
			return sqltype.Null(col.Type), nil
		}
		return f.outer[len(f.outer)-depth][i], nil
	}}, nil
}

func (c *compiler) unary(x *tsql.UnaryExpr, sc *rowScope) (*cexpr, error) {
	if x.Op == tsql.OpNot {
		return c.condAsValue(x, sc)
	}
	a, err := c.expr(x.X, sc)
	if err != nil {
		return nil, err
	}
	switch x.Op {
	case tsql.OpPlus:
		return a, nil
	case tsql.OpNeg:
		// A negative literal stays a constant of the literal's type.
		zero := sqltype.NewInt(0)
		out := &cexpr{typ: a.typ, nullable: a.nullable, konst: a.konst, eval: func(f *frame, r rows.Row) (sqltype.Value, error) {
			v, err := a.eval(f, r)
			if err != nil || v.IsNull() {
				return v, err
			}
			return negate(v, zero)
		}}
		if a.konst {
			v, err := out.eval(nil, nil)
			if err != nil {
				return nil, c.runtimeErr(err)
			}
			return constExpr(v), nil
		}
		return out, nil
	case tsql.OpBitNot:
		return &cexpr{typ: a.typ, nullable: a.nullable, eval: func(f *frame, r rows.Row) (sqltype.Value, error) {
			v, err := a.eval(f, r)
			if err != nil || v.IsNull() {
				return v, err
			}
			return sqltype.BitNot(v)
		}}, nil
	}
	return nil, c.runtimeErr(sqlerr.New(102, 15, 1, "Incorrect syntax near '%s'.", x.Op))
}

func negate(v sqltype.Value, _ sqltype.Value) (sqltype.Value, error) {
	return sqltype.Neg(v)
}

var binOps = map[tsql.BinaryOp]byte{
	tsql.OpAdd: '+', tsql.OpSub: '-', tsql.OpMul: '*', tsql.OpDiv: '/', tsql.OpMod: '%',
	tsql.OpBitAnd: '&', tsql.OpBitOr: '|', tsql.OpBitXor: '^',
}

func (c *compiler) binary(x *tsql.BinaryExpr, sc *rowScope) (*cexpr, error) {
	a, err := c.expr(x.L, sc)
	if err != nil {
		return nil, err
	}
	b, err := c.expr(x.R, sc)
	if err != nil {
		return nil, err
	}
	op := binOps[x.Op]
	typ, terr := arithType(op, a.typ, b.typ)
	if terr != nil {
		return nil, c.runtimeErr(terr)
	}
	isConcat := op == '+' && (typ.Kind.IsString() || typ.Kind.IsBinary())
	concatNull := func(f *frame) bool { return f == nil || f.s.opt(optConcatNullYieldsNull) }
	out := &cexpr{typ: typ, nullable: a.nullable || b.nullable, konst: a.konst && b.konst,
		eval: func(f *frame, r rows.Row) (sqltype.Value, error) {
			va, err := a.eval(f, r)
			if err != nil {
				return va, err
			}
			vb, err := b.eval(f, r)
			if err != nil {
				return vb, err
			}
			if isConcat {
				return sqltype.Concat(va, vb, concatNull(f))
			}
			return arith(op, va, vb)
		}}
	if out.konst {
		v, err := out.eval(nil, nil)
		if err != nil {
			return out, nil // the error happens at run time, when the statement runs
		}
		ce := constExpr(v)
		ce.typ = typ
		return ce, nil
	}
	return out, nil
}

// condAsValue makes a boolean expression usable where a value is expected
// (only in IIF/CASE arguments in real T-SQL; elsewhere it is a syntax
// error the parser reports).
func (c *compiler) condAsValue(e tsql.Expr, sc *rowScope) (*cexpr, error) {
	cf, err := c.cond(e, sc)
	if err != nil {
		return nil, err
	}
	return &cexpr{typ: sqltype.TBit, nullable: true, eval: func(f *frame, r rows.Row) (sqltype.Value, error) {
		t, err := cf(f, r)
		if err != nil {
			return sqltype.Value{}, err
		}
		if t == triUnknown {
			return sqltype.Null(sqltype.TBit), nil
		}
		return sqltype.NewBit(t == triTrue), nil
	}}, nil
}

func (c *compiler) cond(e tsql.Expr, sc *rowScope) (condFn, error) {
	switch x := e.(type) {
	case *tsql.BinaryExpr:
		switch {
		case x.Op == tsql.OpAnd || x.Op == tsql.OpOr:
			l, err := c.cond(x.L, sc)
			if err != nil {
				return nil, err
			}
			r, err := c.cond(x.R, sc)
			if err != nil {
				return nil, err
			}
			if x.Op == tsql.OpAnd {
				return func(f *frame, row rows.Row) (tri, error) {
					a, err := l(f, row)
					if err != nil || a == triFalse {
						return triFalse, err
					}
					b, err := r(f, row)
					if err != nil {
						return triFalse, err
					}
					if b == triFalse {
						return triFalse, nil
					}
					if a == triUnknown || b == triUnknown {
						return triUnknown, nil
					}
					return triTrue, nil
				}, nil
			}
			return func(f *frame, row rows.Row) (tri, error) {
				a, err := l(f, row)
				if err != nil || a == triTrue {
					return a, err
				}
				b, err := r(f, row)
				if err != nil {
					return triFalse, err
				}
				if b == triTrue {
					return triTrue, nil
				}
				if a == triUnknown || b == triUnknown {
					return triUnknown, nil
				}
				return triFalse, nil
			}, nil
		case x.Op.IsComparison():
			a, err := c.expr(x.L, sc)
			if err != nil {
				return nil, err
			}
			b, err := c.expr(x.R, sc)
			if err != nil {
				return nil, err
			}
			op := x.Op
			return func(f *frame, row rows.Row) (tri, error) {
				va, err := a.eval(f, row)
				if err != nil {
					return triFalse, err
				}
				vb, err := b.eval(f, row)
				if err != nil {
					return triFalse, err
				}
				if va.IsNull() || vb.IsNull() {
					if f != nil && !f.s.opt(optAnsiNulls) && (op == tsql.OpEq || op == tsql.OpNe) && va.IsNull() && vb.IsNull() {
						return boolTri(op == tsql.OpEq), nil
					}
					return triUnknown, nil
				}
				n, err := compareIn(f, va, vb)
				if err != nil {
					return triFalse, err
				}
				return boolTri(cmpHolds(op, n)), nil
			}, nil
		}
	case *tsql.UnaryExpr:
		if x.Op == tsql.OpNot {
			in, err := c.cond(x.X, sc)
			if err != nil {
				return nil, err
			}
			return func(f *frame, r rows.Row) (tri, error) {
				t, err := in(f, r)
				if t == triUnknown {
					return t, err
				}
				return 1 - t, err
			}, nil
		}
	case *tsql.IsNullExpr:
		a, err := c.expr(x.X, sc)
		if err != nil {
			return nil, err
		}
		not := x.Not
		return func(f *frame, r rows.Row) (tri, error) {
			v, err := a.eval(f, r)
			return boolTri(v.IsNull() != not), err
		}, nil
	case *tsql.IsDistinctExpr:
		a, err := c.expr(x.X, sc)
		if err != nil {
			return nil, err
		}
		b, err := c.expr(x.Y, sc)
		if err != nil {
			return nil, err
		}
		return func(f *frame, r rows.Row) (tri, error) {
			va, err := a.eval(f, r)
			if err != nil {
				return triFalse, err
			}
			vb, err := b.eval(f, r)
			if err != nil {
				return triFalse, err
			}
			same := va.IsNull() && vb.IsNull()
			if !va.IsNull() && !vb.IsNull() {
				n, err := compareIn(f, va, vb)
				if err != nil {
					return triFalse, err
				}
				same = n == 0
			}
			return boolTri(same == x.Not), nil
		}, nil
	case *tsql.BetweenExpr:
		v, err := c.expr(x.X, sc)
		if err != nil {
			return nil, err
		}
		lo, err := c.expr(x.Lo, sc)
		if err != nil {
			return nil, err
		}
		hi, err := c.expr(x.Hi, sc)
		if err != nil {
			return nil, err
		}
		return func(f *frame, r rows.Row) (tri, error) {
			vv, err := v.eval(f, r)
			if err != nil {
				return triFalse, err
			}
			vl, err := lo.eval(f, r)
			if err != nil {
				return triFalse, err
			}
			vh, err := hi.eval(f, r)
			if err != nil {
				return triFalse, err
			}
			if vv.IsNull() || vl.IsNull() || vh.IsNull() {
				return triUnknown, nil
			}
			a, err := compareIn(f, vv, vl)
			if err != nil {
				return triFalse, err
			}
			b, err := compareIn(f, vv, vh)
			if err != nil {
				return triFalse, err
			}
			in := a >= 0 && b <= 0
			return boolTri(in != x.Not), nil
		}, nil
	case *tsql.InExpr:
		return c.inCond(x, sc)
	case *tsql.LikeExpr:
		return c.likeCond(x, sc)
	case *tsql.ExistsExpr:
		return c.existsCond(x, sc)
	case *tsql.QuantifiedExpr:
		return c.quantified(x, sc)
	}
	// A value used as a condition: SQL Server rejects it (4145).
	return nil, c.compileErr(sqlerr.New(4145, 15, 1, "An expression of non-boolean type specified in a context where a condition is expected, near '%s'.", nearText(e)), e.Position())
}

func nearText(e tsql.Expr) string {
	switch x := e.(type) {
	case *tsql.Variable:
		return x.Name
	case *tsql.ColumnRef:
		return x.Column
	case *tsql.Literal:
		return x.Text
	}
	return ")"
}

func boolTri(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

func cmpHolds(op tsql.BinaryOp, n int) bool {
	switch op {
	case tsql.OpEq:
		return n == 0
	case tsql.OpNe:
		return n != 0
	case tsql.OpLt, tsql.OpNotGt:
		if op == tsql.OpNotGt {
			return n <= 0
		}
		return n < 0
	case tsql.OpGt, tsql.OpNotLt:
		if op == tsql.OpNotLt {
			return n >= 0
		}
		return n > 0
	case tsql.OpLe:
		return n <= 0
	case tsql.OpGe:
		return n >= 0
	}
	return false
}

func (c *compiler) inCond(x *tsql.InExpr, sc *rowScope) (condFn, error) {
	v, err := c.expr(x.X, sc)
	if err != nil {
		return nil, err
	}
	if x.Query != nil {
		return c.inSubquery(x, v, sc)
	}
	list, err := c.exprs(x.List, sc)
	if err != nil {
		return nil, err
	}
	not := x.Not
	return func(f *frame, r rows.Row) (tri, error) {
		vv, err := v.eval(f, r)
		if err != nil {
			return triFalse, err
		}
		result := triFalse
		for _, e := range list {
			x, err := e.eval(f, r)
			if err != nil {
				return triFalse, err
			}
			if vv.IsNull() || x.IsNull() {
				result = triUnknown
				continue
			}
			n, err := compareIn(f, vv, x)
			if err != nil {
				return triFalse, err
			}
			if n == 0 {
				result = triTrue
				break
			}
		}
		if not && result != triUnknown {
			result = 1 - result
		}
		return result, nil
	}, nil
}

func (c *compiler) likeCond(x *tsql.LikeExpr, sc *rowScope) (condFn, error) {
	v, err := c.expr(x.X, sc)
	if err != nil {
		return nil, err
	}
	p, err := c.expr(x.Pattern, sc)
	if err != nil {
		return nil, err
	}
	var esc *cexpr
	if x.Escape != nil {
		if esc, err = c.expr(x.Escape, sc); err != nil {
			return nil, err
		}
	}
	return func(f *frame, r rows.Row) (tri, error) {
		vv, err := v.eval(f, r)
		if err != nil {
			return triFalse, err
		}
		pv, err := p.eval(f, r)
		if err != nil {
			return triFalse, err
		}
		if vv.IsNull() || pv.IsNull() {
			return triUnknown, nil
		}
		var escape rune
		if esc != nil {
			ev, err := esc.eval(f, r)
			if err != nil {
				return triFalse, err
			}
			if s := printable(ev); s != "" {
				escape = []rune(s)[0]
			}
		}
		m := like(printable(vv), printable(pv), escape)
		return boolTri(m != x.Not), nil
	}, nil
}

func (c *compiler) caseExpr(x *tsql.CaseExpr, sc *rowScope) (*cexpr, error) {
	var operand *cexpr
	var err error
	if x.Operand != nil {
		if operand, err = c.expr(x.Operand, sc); err != nil {
			return nil, err
		}
	}
	type arm struct {
		cond condFn
		val  *cexpr
		res  *cexpr
	}
	arms := make([]arm, 0, len(x.Whens))
	var typ sqltype.Type
	for i, w := range x.Whens {
		var a arm
		if operand != nil {
			if a.val, err = c.expr(w.Cond, sc); err != nil {
				return nil, err
			}
		} else if a.cond, err = c.cond(w.Cond, sc); err != nil {
			return nil, err
		}
		if a.res, err = c.expr(w.Result, sc); err != nil {
			return nil, err
		}
		if i == 0 {
			typ = a.res.typ
		} else {
			typ = resultType(typ, a.res.typ)
		}
		arms = append(arms, a)
	}
	var els *cexpr
	nullable := x.Else == nil
	for _, a := range arms {
		nullable = nullable || a.res.nullable
	}
	if x.Else != nil {
		if els, err = c.expr(x.Else, sc); err != nil {
			return nil, err
		}
		typ = resultType(typ, els.typ)
		nullable = nullable || els.nullable
	}
	return &cexpr{typ: typ, nullable: nullable, eval: func(f *frame, r rows.Row) (sqltype.Value, error) {
		var ov sqltype.Value
		if operand != nil {
			v, err := operand.eval(f, r)
			if err != nil {
				return v, err
			}
			ov = v
		}
		for _, a := range arms {
			hit := false
			if operand != nil {
				w, err := a.val.eval(f, r)
				if err != nil {
					return w, err
				}
				if !ov.IsNull() && !w.IsNull() {
					n, err := compareIn(f, ov, w)
					if err != nil {
						return w, err
					}
					hit = n == 0
				}
			} else {
				t, err := a.cond(f, r)
				if err != nil {
					return sqltype.Value{}, err
				}
				hit = t == triTrue
			}
			if hit {
				v, err := a.res.eval(f, r)
				if err != nil {
					return v, err
				}
				return convert(v, typ)
			}
		}
		if els != nil {
			v, err := els.eval(f, r)
			if err != nil {
				return v, err
			}
			return convert(v, typ)
		}
		return sqltype.Null(typ), nil
	}}, nil
}

func (c *compiler) cast(x tsql.Expr, dt *tsql.DataType, style tsql.Expr, try bool, sc *rowScope) (*cexpr, error) {
	a, err := c.expr(x, sc)
	if err != nil {
		return nil, err
	}
	to, err := c.dataType(dt, true)
	if err != nil {
		return nil, err
	}
	var st *cexpr
	if style != nil {
		if st, err = c.expr(style, sc); err != nil {
			return nil, err
		}
	}
	return &cexpr{typ: to, nullable: a.nullable || try, konst: a.konst && st == nil, eval: func(f *frame, r rows.Row) (sqltype.Value, error) {
		v, err := a.eval(f, r)
		if err != nil {
			return v, err
		}
		s := 0
		if st != nil {
			sv, err := st.eval(f, r)
			if err != nil {
				return sv, err
			}
			s = int(sv.Int64())
		}
		return castValue(v, to, s, try, f.dateFormat())
	}}, nil
}

// dataType resolves a written type; cast selects the CAST/CONVERT default
// length (30) over the declaration default (1).
func (c *compiler) dataType(dt *tsql.DataType, cast bool) (sqltype.Type, error) {
	name := strings.ToLower(dt.Name)
	if name == "sysname" {
		return sqltype.TSysname, nil
	}
	k, ok := sqltype.KindByName(name)
	if !ok {
		switch name {
		case "integer":
			k = sqltype.Int
		case "dec":
			k = sqltype.Decimal
		case "double precision":
			k = sqltype.Float
		case "rowversion", "timestamp":
			return sqltype.BinaryN(8), nil
		default:
			return sqltype.Type{}, c.runtimeErr(sqlerr.New(2715, 16, 3, "Column, parameter, or variable #%d: Cannot find data type %s.", 1, dt.Name))
		}
	}
	t := sqltype.Type{Kind: k}
	switch {
	case k.IsString() && k != sqltype.Text && k != sqltype.NText, k == sqltype.Binary, k == sqltype.VarBinary:
		switch {
		case dt.Max:
			t.Length = sqltype.Max
		case len(dt.Args) > 0:
			t.Length = int32(dt.Args[0])
		case cast:
			t.Length = 30
		default:
			t.Length = 1
		}
	case k == sqltype.Decimal || k == sqltype.Numeric:
		t.Precision, t.Scale = 18, 0
		if len(dt.Args) > 0 {
			t.Precision = uint8(dt.Args[0])
		}
		if len(dt.Args) > 1 {
			t.Scale = uint8(dt.Args[1])
		}
	case k == sqltype.Time || k == sqltype.DateTime2 || k == sqltype.DateTimeOffset:
		t.Scale = 7
		if len(dt.Args) > 0 {
			t.Scale = uint8(dt.Args[0])
		}
	case k == sqltype.Float:
		if len(dt.Args) > 0 && dt.Args[0] <= 24 {
			t = sqltype.TReal
		}
	}
	return t, nil
}

// trim is TRIM([LEADING|TRAILING|BOTH] [chars FROM] x): chars default to a
// space.
func (c *compiler) trim(x *tsql.TrimExpr, sc *rowScope) (*cexpr, error) {
	a, err := c.expr(x.X, sc)
	if err != nil {
		return nil, err
	}
	var chars *cexpr
	if x.Chars != nil {
		if chars, err = c.expr(x.Chars, sc); err != nil {
			return nil, err
		}
	}
	t := a.typ
	if !t.Kind.IsString() {
		t = sqltype.VarCharN(8000)
	}
	where := x.Where
	return &cexpr{typ: t, nullable: a.nullable, eval: func(f *frame, r rows.Row) (sqltype.Value, error) {
		v, err := a.eval(f, r)
		if err != nil || v.IsNull() {
			return sqltype.Null(t), err
		}
		set := " "
		if chars != nil {
			cv, err := chars.eval(f, r)
			if err != nil || cv.IsNull() {
				return sqltype.Null(t), err
			}
			set = printable(cv)
		}
		s := printable(v)
		switch where {
		case "LEADING":
			s = strings.TrimLeft(s, set)
		case "TRAILING":
			s = strings.TrimRight(s, set)
		default:
			s = strings.Trim(s, set)
		}
		return sqltype.NewString(t, s), nil
	}}, nil
}
