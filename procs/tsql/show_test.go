package tsql

import (
	"fmt"
	"strings"
	"testing"
)

// show renders a node as a compact S-expression so that tests can state
// the shape they expect in one line: precedence, associativity, which
// clause holds what.
func show(n any) string {
	var b strings.Builder
	sh(&b, n)
	return b.String()
}

func shList[T any](b *strings.Builder, xs []T, sep string) {
	for i, x := range xs {
		if i > 0 {
			b.WriteString(sep)
		}
		sh(b, x)
	}
}

// seq writes parts in order: strings as they are, anything else as a node.
func seq(b *strings.Builder, parts ...any) {
	for _, p := range parts {
		if s, ok := p.(string); ok {
			b.WriteString(s)
		} else {
			sh(b, p)
		}
	}
}

// pick is yes when cond holds, else no: the two spellings of a node with a
// NOT or TRY flag.
func pick(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

func sh(b *strings.Builder, n any) {
	w := func(f string, a ...any) { fmt.Fprintf(b, f, a...) }
	switch x := n.(type) {
	case nil:
		b.WriteString("<nil>")
	case *Literal:
		switch x.Kind {
		case LitNull:
			b.WriteString("NULL")
		case LitString:
			w("'%s'", x.Text)
		case LitNString:
			w("N'%s'", x.Text)
		case LitBinary:
			w("0x%s", x.Text)
		case LitMoney:
			w("$%s", x.Text)
		default:
			b.WriteString(x.Text)
		}
	case *Variable:
		b.WriteString(x.Name)
	case *GlobalVar:
		b.WriteString(x.Name)
	case *ColumnRef:
		b.WriteString(x.String())
	case *Star:
		if x.Table != nil {
			b.WriteString(x.Table.String() + ".")
		}
		b.WriteString("*")
	case *BareWord:
		if x.Quoted {
			w("word[%s]", x.Text)
		} else {
			w("word:%s", x.Text)
		}
	case *DefaultExpr:
		b.WriteString("DEFAULT")
	case *UnaryExpr:
		w("(%s ", x.Op)
		seq(b, x.X, ")")
	case *BinaryExpr:
		w("(%s ", x.Op)
		seq(b, x.L, " ", x.R, ")")
	case *IsNullExpr:
		seq(b, pick(x.Not, "(IS-NOT-NULL ", "(IS-NULL "), x.X, ")")
	case *IsDistinctExpr:
		seq(b, pick(x.Not, "(IS-NOT-DISTINCT ", "(IS-DISTINCT "), x.X, " ", x.Y, ")")
	case *LikeExpr:
		seq(b, pick(x.Not, "(NOT-LIKE ", "(LIKE "), x.X, " ", x.Pattern)
		if x.Escape != nil {
			seq(b, " ESCAPE ", x.Escape)
		}
		b.WriteString(")")
	case *InExpr:
		seq(b, pick(x.Not, "(NOT-IN ", "(IN "), x.X, " [")
		if x.Query != nil {
			sh(b, x.Query)
		} else {
			shList(b, x.List, " ")
		}
		b.WriteString("])")
	case *BetweenExpr:
		seq(b, pick(x.Not, "(NOT-BETWEEN ", "(BETWEEN "), x.X, " ", x.Lo, " ", x.Hi, ")")
	case *ExistsExpr:
		seq(b, "(EXISTS ", x.Query, ")")
	case *QuantifiedExpr:
		q := "ANY"
		if x.All {
			q = "ALL"
		}
		w("(%s-%s ", x.Op, q)
		seq(b, x.X, " ", x.Query, ")")
	case *SubqueryExpr:
		seq(b, "(SUBQUERY ", x.Query, ")")
	case *CaseExpr:
		b.WriteString("(CASE")
		if x.Operand != nil {
			seq(b, " ", x.Operand)
		}
		for _, wc := range x.Whens {
			seq(b, " (WHEN ", wc.Cond, " ", wc.Result, ")")
		}
		if x.Else != nil {
			seq(b, " (ELSE ", x.Else, ")")
		}
		b.WriteString(")")
	case *CastExpr:
		seq(b, pick(x.Try, "(TRY_CAST ", "(CAST "), x.X, " ", x.Typ, ")")
	case *ConvertExpr:
		seq(b, pick(x.Try, "(TRY_CONVERT ", "(CONVERT "), x.Typ, " ", x.X)
		if x.Style != nil {
			seq(b, " ", x.Style)
		}
		b.WriteString(")")
	case *ParseExpr:
		seq(b, pick(x.Try, "(TRY_PARSE ", "(PARSE "), x.X, " ", x.Typ)
		if x.Culture != nil {
			seq(b, " USING ", x.Culture)
		}
		b.WriteString(")")
	case *TrimExpr:
		b.WriteString("(TRIM")
		if x.Where != "" {
			b.WriteString(" " + x.Where)
		}
		if x.Chars != nil {
			seq(b, " ", x.Chars)
		}
		seq(b, " FROM ", x.X, ")")
	case *FuncCall:
		b.WriteString(x.Name.String())
		if x.Niladic {
			return
		}
		b.WriteString("(")
		if x.Distinct {
			b.WriteString("DISTINCT ")
		}
		if x.Star {
			b.WriteString("*")
		}
		shList(b, x.Args, ", ")
		b.WriteString(")")
		if len(x.WithinGroup) > 0 {
			b.WriteString(" WITHIN GROUP (")
			shList(b, x.WithinGroup, ", ")
			b.WriteString(")")
		}
		if x.Over != nil {
			seq(b, " ", x.Over)
		}
	case *Over:
		if x.Window != "" && len(x.PartitionBy) == 0 && len(x.OrderBy) == 0 {
			b.WriteString("OVER " + x.Window)
			return
		}
		b.WriteString("OVER(")
		var parts []string
		if len(x.PartitionBy) > 0 {
			var pb strings.Builder
			pb.WriteString("PARTITION ")
			shList(&pb, x.PartitionBy, ", ")
			parts = append(parts, pb.String())
		}
		if len(x.OrderBy) > 0 {
			var ob strings.Builder
			ob.WriteString("ORDER ")
			shList(&ob, x.OrderBy, ", ")
			parts = append(parts, ob.String())
		}
		if x.Frame != nil {
			parts = append(parts, show(x.Frame))
		}
		b.WriteString(strings.Join(parts, " ") + ")")
	case *WindowFrame:
		seq(b, pick(x.Range, "RANGE ", "ROWS "), x.Start)
		if x.End != nil {
			seq(b, "..", x.End)
		}
	case *FrameBound:
		if x.N != nil {
			seq(b, x.N, " ")
		}
		b.WriteString([]string{"?", "UNBOUNDED PRECEDING", "PRECEDING", "CURRENT ROW", "FOLLOWING", "UNBOUNDED FOLLOWING"}[x.Kind])
	case *OrderItem:
		sh(b, x.Expr)
		if x.Desc {
			b.WriteString(" DESC")
		}
	case *CollateExpr:
		seq(b, "(COLLATE ", x.X, " "+x.Collation+")")
	case *OdbcLiteral:
		w("{%s '%s'}", x.Kind, x.Value)
	case *MethodCall:
		sh(b, x.X)
		b.WriteString("." + x.Method + "(")
		shList(b, x.Args, ", ")
		b.WriteString(")")
	case *UnsupportedExpr:
		w("(UNSUPPORTED %s)", x.Feature)
	case *DataType:
		if x.Schema != "" {
			b.WriteString(x.Schema + ".")
		}
		b.WriteString(x.Name)
		switch {
		case x.Max:
			b.WriteString("(max)")
		case len(x.Args) > 0:
			var s []string
			for _, a := range x.Args {
				s = append(s, fmt.Sprint(a))
			}
			b.WriteString("(" + strings.Join(s, ",") + ")")
		}
	case *ObjectName:
		b.WriteString(x.String())

	// Queries
	case *Query:
		if len(x.With) > 0 {
			b.WriteString("WITH ")
			shList(b, x.With, ", ")
			b.WriteString(" ")
		}
		sh(b, x.Body)
		if len(x.OrderBy) > 0 {
			b.WriteString(" ORDER BY ")
			shList(b, x.OrderBy, ", ")
		}
		if x.Offset != nil {
			seq(b, " OFFSET ", x.Offset)
		}
		if x.Fetch != nil {
			seq(b, " FETCH ", x.Fetch)
		}
		if x.For != nil {
			f := x.For
			w(" FOR %s %s", f.Kind, f.Mode)
			if f.HasElement {
				w("('%s')", f.ElementName)
			}
			if f.Type {
				b.WriteString(" TYPE")
			}
			if f.Root {
				w(" ROOT('%s')", f.RootName)
			}
			if f.Elements != "" {
				b.WriteString(" " + f.Elements)
			}
			for _, o := range f.Options {
				b.WriteString(" " + o)
			}
		}
		if len(x.Options) > 0 {
			b.WriteString(" OPTION(")
			for i, o := range x.Options {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(o.Name)
				if o.Value != nil {
					seq(b, " ", o.Value)
				}
			}
			b.WriteString(")")
		}
	case *CTE:
		b.WriteString(x.Name)
		if len(x.Columns) > 0 {
			b.WriteString("(" + strings.Join(x.Columns, ",") + ")")
		}
		seq(b, " AS (", x.Query, ")")
	case *SetOpQuery:
		w("(%s ", x.Op)
		seq(b, x.Left, " ", x.Right, ")")
	case *ParenQuery:
		seq(b, "(", x.Query, ")")
	case *QuerySpec:
		b.WriteString("(SELECT")
		if x.Distinct {
			b.WriteString(" DISTINCT")
		}
		if x.Top != nil {
			seq(b, " TOP ", x.Top.Count)
			if x.Top.Percent {
				b.WriteString(" PERCENT")
			}
			if x.Top.WithTies {
				b.WriteString(" WITH TIES")
			}
		}
		b.WriteString(" ")
		shList(b, x.Items, ", ")
		if x.Into != nil {
			b.WriteString(" INTO " + x.Into.String())
		}
		if len(x.From) > 0 {
			b.WriteString(" FROM ")
			shList(b, x.From, ", ")
		}
		if x.Where != nil {
			seq(b, " WHERE ", x.Where)
		}
		if len(x.GroupBy) > 0 {
			b.WriteString(" GROUP BY ")
			shList(b, x.GroupBy, ", ")
			if x.GroupByWith != "" {
				b.WriteString(" WITH " + x.GroupByWith)
			}
		}
		if x.Having != nil {
			seq(b, " HAVING ", x.Having)
		}
		b.WriteString(")")
	case *SelectItem:
		switch {
		case x.Var != nil:
			w("%s %s ", x.Var.Name, x.AssignOp)
			sh(b, x.Expr)
		case x.AliasFirst:
			w("%s = ", x.Alias)
			sh(b, x.Expr)
		default:
			sh(b, x.Expr)
			if x.Alias != "" {
				w(" AS %s", x.Alias)
			}
		}
	case *TableRef:
		if x.Var != nil {
			b.WriteString(x.Var.Name)
		} else {
			b.WriteString(x.Name.String())
		}
		if x.Alias != "" {
			b.WriteString(" AS " + x.Alias)
		}
		if len(x.Hints) > 0 {
			var hs []string
			for _, h := range x.Hints {
				hs = append(hs, h.Name)
			}
			b.WriteString(" WITH(" + strings.Join(hs, ",") + ")")
		}
		if x.Unsupported != "" {
			b.WriteString(" !" + x.Unsupported)
		}
	case *DerivedTable:
		seq(b, "(DERIVED ", x.Query)
		w(" AS %s", x.Alias)
		if len(x.Columns) > 0 {
			b.WriteString("(" + strings.Join(x.Columns, ",") + ")")
		}
		b.WriteString(")")
	case *ValuesTable:
		b.WriteString("(VALUES")
		for _, r := range x.Rows {
			b.WriteString(" (")
			shList(b, r, ", ")
			b.WriteString(")")
		}
		w(" AS %s(%s))", x.Alias, strings.Join(x.Columns, ","))
	case *TableFuncRef:
		sh(b, x.Call)
		if x.Alias != "" {
			b.WriteString(" AS " + x.Alias)
		}
		if len(x.With) > 0 {
			var cs []string
			for _, c := range x.With {
				cs = append(cs, c.Name+" "+show(c.Typ)+" '"+c.Path+"'")
			}
			b.WriteString(" WITH(" + strings.Join(cs, ", ") + ")")
		}
	case *OpenRowset:
		b.WriteString("(OPENROWSET")
		if x.Bulk {
			seq(b, " BULK ", x.File, " "+strings.Join(x.Options, ","))
		} else {
			b.WriteString(" ")
			shList(b, x.Args, ", ")
		}
		w(" AS %s)", x.Alias)
	case *JoinExpr:
		w("(%s", x.Kind)
		if x.Hint != "" {
			b.WriteString(" " + x.Hint)
		}
		seq(b, " ", x.Left, " ", x.Right)
		if x.On != nil {
			seq(b, " ON ", x.On)
		}
		b.WriteString(")")
	case *PivotTable:
		seq(b, "(PIVOT ", x.Source, " ", x.Agg, " FOR ", x.For)
		w(" IN [%s] AS %s)", strings.Join(x.In, ","), x.Alias)
	case *UnpivotTable:
		seq(b, "(UNPIVOT ", x.Source)
		w(" %s FOR %s IN [%s] AS %s)", x.Value, x.For, strings.Join(x.In, ","), x.Alias)
	default:
		w("<%T>", n)
	}
}

// parse1 parses src, which must hold exactly one statement.
func parse1(t *testing.T, src string) Stmt {
	t.Helper()
	b, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	if len(b.Stmts) != 1 {
		t.Fatalf("Parse(%q): %d statements, want 1\n%s", src, len(b.Stmts), Dump(b))
	}
	return b.Stmts[0]
}

// as asserts the statement's type.
func as[T Stmt](t *testing.T, s Stmt) T {
	t.Helper()
	x, ok := s.(T)
	if !ok {
		var zero T
		t.Fatalf("statement is %T, want %T\n%s", s, zero, Dump(s))
	}
	return x
}
