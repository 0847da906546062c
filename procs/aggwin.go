package procs

import (
	"reflect"
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/query"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
)

// Aggregates and window functions.
//
// An aggregate query's rows, after grouping, are the first input row of
// each group followed by one value per aggregate (query.Aggregate), and,
// when it has window functions, one value per function after those
// (query.Window). Expressions of the select list, HAVING and ORDER BY are
// compiled against the FROM scope as usual; an aggregate or window call
// compiles to a read of its slot. Column references outside aggregates
// must be grouped (8120, 8121, 8127).

var aggregateNames = map[string]bool{
	"COUNT": true, "COUNT_BIG": true, "SUM": true, "AVG": true, "MIN": true, "MAX": true,
	"STRING_AGG": true, "STDEV": true, "STDEVP": true, "VAR": true, "VARP": true,
	"CHECKSUM_AGG": true, "GROUPING": true, "GROUPING_ID": true, "APPROX_COUNT_DISTINCT": true,
}

func isAggregate(x *tsql.FuncCall) bool {
	return x.Name.Parts <= 1 && aggregateNames[strings.ToUpper(x.Name.Name)]
}

// aggState is the aggregate context of one query level being compiled.
type aggState struct {
	groupExprs []tsql.Expr
	groupCols  map[int]bool // FROM-row indices of columns grouped by
	grouped    int          // > 0 inside an expression the query groups by
	inAgg      int          // > 0 inside an aggregate's argument
	clause     string       // "select", "having" or "order" (for the error)
	nFrom      int          // width of the FROM row: slots follow it
	specs      []query.AggSpec
	calls      []*tsql.FuncCall
	types      []sqltype.Type
}

// covers reports whether e is one of the GROUP BY expressions (columns are
// checked by index instead).
func (a *aggState) covers(e tsql.Expr) bool {
	if a.inAgg > 0 || a.grouped > 0 {
		return false
	}
	switch e.(type) {
	case *tsql.ColumnRef, *tsql.Literal, *tsql.Variable:
		return false
	}
	for _, g := range a.groupExprs {
		if sameExpr(e, g) {
			return true
		}
	}
	return false
}

// check raises 8120 (8121 in HAVING, 8127 in ORDER BY) for a column of
// the FROM row that is neither grouped nor inside an aggregate.
func (a *aggState) check(ref colRef, x *tsql.ColumnRef) error {
	if a.inAgg > 0 || a.grouped > 0 || a.groupCols[ref.idx] {
		return nil
	}
	prefix := ""
	if ref.table != nil {
		prefix = ref.table.written
		if ref.table.aliased || prefix == "" {
			prefix = ref.table.alias
		}
	}
	name := x.Column
	if prefix != "" {
		name = prefix + "." + name
	}
	switch a.clause {
	case "having":
		return sqlerr.New(8121, 16, 1, "Column '%s' is invalid in the HAVING clause because it is not contained in either an aggregate function or the GROUP BY clause.", name)
	case "order":
		return sqlerr.New(8127, 16, 1, "Column \"%s\" is invalid in the ORDER BY clause because it is not contained in either an aggregate function or the GROUP BY clause.", name)
	}
	return sqlerr.New(8120, 16, 1, "Column '%s' is invalid in the select list because it is not contained in either an aggregate function or the GROUP BY clause.", name)
}

// winState is the window functions of one query level being compiled.
type winState struct {
	funcs  []query.WindowFunc
	base   *int // row index of the first window value, known once all clauses are compiled
	inside int
	named  map[string]*tsql.Over
	// baseAt is where base points (one allocation less per query level).
	baseAt int
}

// hasAggregate reports whether an expression calls an aggregate at this
// query level (not inside a subquery; a windowed aggregate does not
// count, though aggregates in its arguments do).
func hasAggregate(n any) bool {
	found := false
	tsql.Walk(n, func(x tsql.Node) bool {
		switch x := x.(type) {
		case *tsql.Query:
			return false
		case *tsql.FuncCall:
			if x.Over == nil && isAggregate(x) {
				found = true
			}
		}
		return !found
	})
	return found
}

// containsQuery reports whether an expression has a subquery.
func containsQuery(n any) bool {
	found := false
	tsql.Walk(n, func(x tsql.Node) bool {
		if _, ok := x.(*tsql.Query); ok {
			found = true
		}
		return !found
	})
	return found
}

// aggCall compiles an aggregate call to a read of its slot.
func (c *compiler) aggCall(x *tsql.FuncCall, sc *rowScope) (*cexpr, error) {
	name := strings.ToUpper(x.Name.Name)
	a := c.agg
	if a == nil {
		switch c.clause {
		case "group":
			return nil, c.runtimeErr(sqlerr.New(144, 15, 1, "Cannot use an aggregate or a subquery in an expression used for the group by list of a GROUP BY clause."))
		case "on":
			return nil, c.runtimeErr(sqlerr.New(8655, 16, 1, "An aggregate cannot appear in an ON clause unless it is in a subquery contained in a HAVING clause or select list, and the column being aggregated is an outer reference."))
		}
		return nil, c.runtimeErr(sqlerr.New(147, 15, 1, "An aggregate may not appear in the WHERE clause unless it is in a subquery contained in a HAVING clause or a select list, and the column being aggregated is an outer reference."))
	}
	if a.inAgg > 0 {
		return nil, c.runtimeErr(sqlerr.New(130, 16, 1, "Cannot perform an aggregate function on an expression containing an aggregate or a subquery."))
	}
	for i, k := range a.calls {
		if sameExpr(k, x) {
			return c.slotReader(a.nFrom+i, a.types[i]), nil
		}
	}
	if containsQuery(x) {
		return nil, c.runtimeErr(sqlerr.New(130, 16, 1, "Cannot perform an aggregate function on an expression containing an aggregate or a subquery."))
	}
	if len(x.WithinGroup) > 0 && name != "STRING_AGG" {
		return nil, c.runtimeErr(sqlerr.New(10757, 15, 1, "The function '%s' may not have a WITHIN GROUP clause.", strings.ToLower(name)))
	}
	a.inAgg++
	spec, typ, err := c.aggSpec(name, x, sc)
	a.inAgg--
	if err != nil {
		return nil, err
	}
	a.calls = append(a.calls, x)
	a.specs = append(a.specs, spec)
	a.types = append(a.types, typ)
	return c.slotReader(a.nFrom+len(a.specs)-1, typ), nil
}

// slotReader reads value i of the (extended) row.
func (c *compiler) slotReader(i int, t sqltype.Type) *cexpr {
	return &cexpr{typ: t, nullable: true, eval: func(_ *frame, r rows.Row) (sqltype.Value, error) {
		if i >= len(r) {
			return sqltype.Null(t), nil
		}
		return r[i], nil
	}}
}

// aggArg compiles the single argument of an aggregate.
func (c *compiler) aggArg(name string, x *tsql.FuncCall, sc *rowScope, n int) ([]*cexpr, error) {
	if len(x.Args) != n {
		return nil, c.compileErr(sqlerr.New(174, 15, 1, "The %s function requires %d argument(s).", strings.ToLower(name), n), x.Pos)
	}
	out := make([]*cexpr, n)
	for i, e := range x.Args {
		ce, err := c.expr(e, sc)
		if err != nil {
			return nil, err
		}
		out[i] = ce
	}
	return out, nil
}

// aggSpec builds one aggregate's accumulator and result type.
func (c *compiler) aggSpec(name string, x *tsql.FuncCall, sc *rowScope) (query.AggSpec, sqltype.Type, error) {
	spec := query.AggSpec{Distinct: x.Distinct}
	invalid := func(t sqltype.Type, op string) error {
		return c.runtimeErr(sqltype.InvalidOperand(t, op))
	}
	if x.Star {
		if name != "COUNT" && name != "COUNT_BIG" {
			return spec, sqltype.Type{}, c.syntax("*", x.Pos, false)
		}
		spec.New = query.NewCount(name == "COUNT_BIG")
		if name == "COUNT" {
			return spec, sqltype.TInt, nil
		}
		return spec, sqltype.TBigInt, nil
	}
	switch name {
	case "COUNT", "COUNT_BIG", "APPROX_COUNT_DISTINCT":
		args, err := c.aggArg(name, x, sc, 1)
		if err != nil {
			return spec, sqltype.Type{}, err
		}
		spec.Arg = c.qx(args[0])
		if name == "APPROX_COUNT_DISTINCT" {
			spec.Distinct = true
			spec.New = query.NewCount(true)
			return spec, sqltype.TBigInt, nil
		}
		spec.New = query.NewCount(name == "COUNT_BIG")
		if name == "COUNT" {
			return spec, sqltype.TInt, nil
		}
		return spec, sqltype.TBigInt, nil
	case "SUM", "AVG":
		args, err := c.aggArg(name, x, sc, 1)
		if err != nil {
			return spec, sqltype.Type{}, err
		}
		t := args[0].typ
		var rt sqltype.Type
		var ok bool
		if name == "SUM" {
			rt, ok = query.SumType(t)
		} else {
			rt, ok = query.AvgType(t)
		}
		if !ok {
			return spec, sqltype.Type{}, invalid(t, strings.ToLower(name))
		}
		spec.Arg = c.qx(args[0])
		if name == "SUM" {
			spec.New = query.NewSum(rt)
		} else {
			spec.New = query.NewAvg(rt)
		}
		return spec, rt, nil
	case "MIN", "MAX":
		args, err := c.aggArg(name, x, sc, 1)
		if err != nil {
			return spec, sqltype.Type{}, err
		}
		t := args[0].typ
		switch t.Kind {
		case sqltype.Bit, sqltype.Text, sqltype.NText, sqltype.Image, sqltype.XML:
			return spec, sqltype.Type{}, invalid(t, strings.ToLower(name))
		}
		spec.Arg = c.qx(args[0])
		spec.New = query.NewMinMax(name == "MAX", t, compareValues)
		return spec, t, nil
	case "STDEV", "STDEVP", "VAR", "VARP":
		args, err := c.aggArg(name, x, sc, 1)
		if err != nil {
			return spec, sqltype.Type{}, err
		}
		if k := args[0].typ.Kind; !k.IsNumeric() && k != sqltype.Unknown {
			return spec, sqltype.Type{}, invalid(args[0].typ, strings.ToLower(name))
		}
		spec.Arg = c.qx(args[0])
		spec.New = query.NewStat(name)
		return spec, sqltype.TFloat, nil
	case "STRING_AGG":
		args, err := c.aggArg(name, x, sc, 2)
		if err != nil {
			return spec, sqltype.Type{}, err
		}
		rt := query.StringAggType(args[0].typ)
		sep := args[1]
		f := c.f
		c.local = true
		spec.Arg = c.qx(args[0])
		spec.New = func() query.Accumulator {
			s := ""
			if v, err := sep.eval(f, nil); err == nil {
				s = printable(v)
			}
			return query.NewStringAgg(rt, s)()
		}
		for _, o := range x.WithinGroup {
			k, err := c.expr(o.Expr, sc)
			if err != nil {
				return spec, sqltype.Type{}, err
			}
			spec.Order = append(spec.Order, query.SortKey{Expr: c.qx(k), Desc: o.Desc})
		}
		return spec, rt, nil
	}
	return spec, sqltype.Type{}, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", name))
}

var rankingNames = map[string]query.WindowKind{
	"ROW_NUMBER": query.RowNumber, "RANK": query.Rank, "DENSE_RANK": query.DenseRank, "NTILE": query.NTile,
	"LAG": query.Lag, "LEAD": query.Lead, "FIRST_VALUE": query.FirstValue, "LAST_VALUE": query.LastValue,
}

// windowCall compiles a function with OVER to a read of its slot.
func (c *compiler) windowCall(x *tsql.FuncCall, sc *rowScope) (*cexpr, error) {
	w := c.win
	if w == nil {
		return nil, c.runtimeErr(sqlerr.New(4108, 16, 1, "Windowed functions can only appear in the SELECT or ORDER BY clauses."))
	}
	if w.inside > 0 || (c.agg != nil && c.agg.inAgg > 0) {
		return nil, c.runtimeErr(sqlerr.New(4109, 16, 1, "Windowed functions cannot be used in the context of another windowed function or aggregate."))
	}
	name := strings.ToUpper(x.Name.Name)
	over := x.Over
	if over.Window != "" {
		def, ok := w.named[strings.ToLower(over.Window)]
		if !ok {
			return nil, c.runtimeErr(sqlerr.New(5365, 16, 1, "Cannot find the window '%s'.", over.Window))
		}
		merged := *def
		if len(over.PartitionBy) > 0 {
			merged.PartitionBy = over.PartitionBy
		}
		if len(over.OrderBy) > 0 {
			merged.OrderBy = over.OrderBy
		}
		if over.Frame != nil {
			merged.Frame = over.Frame
		}
		over = &merged
	}
	w.inside++
	defer func() { w.inside-- }()
	fn := query.WindowFunc{}
	for _, p := range over.PartitionBy {
		e, err := c.expr(p, sc)
		if err != nil {
			return nil, err
		}
		fn.Partition = append(fn.Partition, c.qx(e))
	}
	for _, o := range over.OrderBy {
		e, err := c.expr(o.Expr, sc)
		if err != nil {
			return nil, err
		}
		fn.Order = append(fn.Order, query.SortKey{Expr: c.qx(e), Desc: o.Desc})
	}
	needOrder := func() error {
		if len(fn.Order) == 0 {
			return c.runtimeErr(sqlerr.New(4112, 16, 1, "The function '%s' must have an OVER clause with ORDER BY.", strings.ToLower(name)))
		}
		return nil
	}
	args := make([]*cexpr, len(x.Args))
	for i, a := range x.Args {
		e, err := c.expr(a, sc)
		if err != nil {
			return nil, err
		}
		args[i] = e
	}
	argc := func(lo, hi int) error {
		if len(args) < lo || len(args) > hi {
			if lo == hi {
				return c.argCount(x, lo)
			}
			return c.compileErr(sqlerr.New(174, 15, 1, "The %s function requires %d to %d arguments.", strings.ToLower(name), lo, hi), x.Pos)
		}
		return nil
	}
	if k, ok := rankingNames[name]; ok {
		fn.Kind = k
		switch k {
		case query.RowNumber, query.Rank, query.DenseRank:
			if err := argc(0, 0); err != nil {
				return nil, err
			}
			if err := needOrder(); err != nil {
				return nil, err
			}
			fn.Type = sqltype.TBigInt
		case query.NTile:
			if err := argc(1, 1); err != nil {
				return nil, err
			}
			if err := needOrder(); err != nil {
				return nil, err
			}
			fn.N = c.qx(args[0])
			fn.Type = sqltype.TBigInt
		case query.Lag, query.Lead:
			if err := argc(1, 3); err != nil {
				return nil, err
			}
			if err := needOrder(); err != nil {
				return nil, err
			}
			fn.Arg = c.qx(args[0])
			fn.Type = args[0].typ
			if len(args) > 1 {
				fn.N = c.qx(args[1])
			}
			if len(args) > 2 {
				fn.Default = c.qx(args[2])
				fn.Type = resultType(fn.Type, args[2].typ)
			}
		case query.FirstValue, query.LastValue:
			if err := argc(1, 1); err != nil {
				return nil, err
			}
			if err := needOrder(); err != nil {
				return nil, err
			}
			fn.Arg = c.qx(args[0])
			fn.Type = args[0].typ
		}
	} else if isAggregate(x) {
		fn.Kind = query.WindowAggregate
		// The argument is compiled in the query's own context: in an
		// aggregate query it may hold (grouped) aggregates itself.
		spec, typ, err := c.aggSpec(name, x, sc)
		if err != nil {
			return nil, err
		}
		if x.Distinct {
			return nil, c.runtimeErr(sqlerr.New(10759, 15, 1, "Use of DISTINCT is not allowed with the OVER clause."))
		}
		fn.Agg, fn.Arg, fn.Type = spec.New, spec.Arg, typ
	} else {
		return nil, c.runtimeErr(sqlerr.New(4113, 16, 1, "The function '%s' is not a valid windowing function, and cannot be used with the OVER clause.", strings.ToLower(name)))
	}
	if over.Frame != nil {
		fr := &query.Frame{Rows: !over.Frame.Range}
		var err error
		if fr.Start, err = c.frameBound(over.Frame.Start); err != nil {
			return nil, err
		}
		fr.End = query.Bound{Kind: query.CurrentRow}
		if over.Frame.End != nil {
			if fr.End, err = c.frameBound(over.Frame.End); err != nil {
				return nil, err
			}
		}
		fn.Frame = fr
	}
	w.funcs = append(w.funcs, fn)
	slot := len(w.funcs) - 1
	base := w.base
	t := fn.Type
	return &cexpr{typ: t, nullable: true, eval: func(_ *frame, r rows.Row) (sqltype.Value, error) {
		i := *base + slot
		if i >= len(r) {
			return sqltype.Null(t), nil
		}
		return r[i], nil
	}}, nil
}

func (c *compiler) frameBound(b *tsql.FrameBound) (query.Bound, error) {
	out := query.Bound{Kind: query.BoundKind(b.Kind)}
	if b.N != nil {
		e, err := c.expr(b.N, nil)
		if err != nil {
			return out, err
		}
		c.local = true // the bound is evaluated now
		v, err := e.eval(c.f, nil)
		if err != nil {
			return out, c.runtimeErr(err)
		}
		n, err := convert(v, sqltype.TBigInt)
		if err != nil {
			return out, c.runtimeErr(err)
		}
		out.N = n.Int64()
	}
	return out, nil
}

// sameExpr reports whether two expressions are written alike (positions
// aside, names compared case-insensitively): GROUP BY matching and
// aggregate deduplication use it.
func sameExpr(a, b any) bool {
	return sameValue(reflect.ValueOf(a), reflect.ValueOf(b))
}

var (
	posT      = reflect.TypeOf(tsql.Pos{})
	baseT     = reflect.TypeOf(tsql.Base{})
	stmtBaseT = reflect.TypeOf(tsql.StmtBase{})
	literalT  = reflect.TypeOf(tsql.Literal{})
)

func sameValue(a, b reflect.Value) bool {
	if a.Kind() != b.Kind() {
		return false
	}
	switch a.Kind() {
	case reflect.Interface, reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		if a.Elem().Type() != b.Elem().Type() {
			return false
		}
		return sameValue(a.Elem(), b.Elem())
	case reflect.Struct:
		t := a.Type()
		if t != b.Type() {
			return false
		}
		for i := 0; i < t.NumField(); i++ {
			ft := t.Field(i)
			if !ft.IsExported() || ft.Type == posT || ft.Type == baseT || ft.Type == stmtBaseT {
				continue
			}
			if t == literalT && ft.Name == "Text" {
				if a.Field(i).String() != b.Field(i).String() {
					return false
				}
				continue
			}
			if !sameValue(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if a.Len() != b.Len() {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if !sameValue(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.String:
		return strings.EqualFold(a.String(), b.String())
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return a.Interface() == b.Interface()
	case reflect.Invalid:
		return true
	}
	return false
}
