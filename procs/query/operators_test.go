package query

import (
	"context"
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

var coll = sqltype.CollationDefault

// table builds a Values node from rows written as strings: "NULL", an
// integer, or anything else as varchar.
func table(names string, data ...string) *Values {
	v := &Values{}
	for _, n := range strings.Split(names, ",") {
		v.Cols = append(v.Cols, rows.Column{Name: n, Type: sqltype.TInt, Nullable: true})
	}
	for _, line := range data {
		var r rows.Row
		for i, f := range strings.Split(line, ",") {
			switch {
			case f == "NULL":
				r = append(r, sqltype.Null(v.Cols[i].Type))
			case f != "" && strings.Trim(f, "-0123456789") == "":
				var n int64
				fmt.Sscan(f, &n)
				r = append(r, sqltype.NewInt(n))
			default:
				r = append(r, sqltype.NewVarChar(f))
				v.Cols[i].Type = sqltype.VarCharN(20)
			}
		}
		v.Rows = append(v.Rows, r)
	}
	return v
}

// dump runs a node and renders its rows as "a,b" lines.
func dump(t *testing.T, n Node) []string {
	t.Helper()
	out := []string{}
	err := n.Run(context.Background(), func(r rows.Row) (bool, error) {
		parts := make([]string, len(r))
		for i, v := range r {
			if v.IsNull() {
				parts[i] = "NULL"
			} else if v.Kind().IsString() {
				parts[i] = v.Str()
			} else {
				parts[i] = sqltype.Format(v)
			}
		}
		out = append(out, strings.Join(parts, ","))
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func colN(i int) Expr {
	return func(_ context.Context, r rows.Row) (sqltype.Value, error) { return r[i], nil }
}

func compare(a, b sqltype.Value) (int, error) { return sqltype.Compare(a, b, coll) }

func eqPred(i, j int) Pred {
	return func(_ context.Context, r rows.Row) (bool, error) {
		if r[i].IsNull() || r[j].IsNull() {
			return false, nil
		}
		c, err := compare(r[i], r[j])
		return c == 0, err
	}
}

func TestJoins(t *testing.T) {
	left := table("id,name", "1,a", "2,b", "3,c", "NULL,n")
	right := table("id,v", "2,x", "3,y", "3,z", "4,w", "NULL,m")
	tests := []struct {
		kind JoinKind
		want []string
	}{
		{Inner, []string{"2,b,2,x", "3,c,3,y", "3,c,3,z"}},
		{LeftOuter, []string{"1,a,NULL,NULL", "2,b,2,x", "3,c,3,y", "3,c,3,z", "NULL,n,NULL,NULL"}},
		{RightOuter, []string{"2,b,2,x", "3,c,3,y", "3,c,3,z", "NULL,NULL,4,w", "NULL,NULL,NULL,m"}},
		{FullOuter, []string{"1,a,NULL,NULL", "2,b,2,x", "3,c,3,y", "3,c,3,z", "NULL,n,NULL,NULL", "NULL,NULL,4,w", "NULL,NULL,NULL,m"}},
	}
	for _, tt := range tests {
		hj := &HashJoin{Kind: tt.kind, Left: left, Right: right, LeftKeys: []Expr{colN(0)}, RightKeys: []Expr{colN(0)}, Coll: coll}
		if got := dump(t, hj); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("hash join %d: %q, want %q", tt.kind, got, tt.want)
		}
		nl := &NestedLoop{Kind: tt.kind, Left: left, Right: right, Pred: eqPred(0, 2)}
		if got := dump(t, nl); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("nested loop %d: %q, want %q", tt.kind, got, tt.want)
		}
	}
	// The outer side's columns become nullable in the schema.
	cols := (&HashJoin{Kind: LeftOuter, Left: left, Right: table("k")}).Columns()
	if len(cols) != 3 || !cols[2].Nullable {
		t.Fatalf("columns %+v", cols)
	}
	cross := &NestedLoop{Left: table("a", "1", "2"), Right: table("b", "x", "y")}
	if got := dump(t, cross); len(got) != 4 || got[3] != "2,y" {
		t.Fatalf("cross join %q", got)
	}
}

// seeker is a rows.Seeker over Values that counts its seeks.
type seeker struct {
	*Values
	seeks int
}

func (s *seeker) Scan(ctx context.Context, fn func(rows.Row) bool) error {
	for _, r := range s.Rows {
		if !fn(r) {
			return nil
		}
	}
	return nil
}
func (s *seeker) SeekColumns() []int { return []int{0} }
func (s *seeker) Seek(ctx context.Context, col int, key sqltype.Value, fn func(rows.Row) bool) error {
	s.seeks++
	for _, r := range s.Rows {
		if c, err := compare(r[col], key); err == nil && c == 0 && !fn(r) {
			return nil
		}
	}
	return nil
}

func TestIndexJoin(t *testing.T) {
	right := &seeker{Values: table("id,v", "2,x", "3,y", "3,z")}
	j := &IndexJoin{Kind: LeftOuter, Left: table("id", "1", "3", "NULL"), Right: right, Col: 0, Key: colN(0),
		RightPred: func(_ context.Context, r rows.Row) (bool, error) { return r[1].Str() != "z", nil }}
	if got := dump(t, j); !reflect.DeepEqual(got, []string{"1,NULL,NULL", "3,3,y", "NULL,NULL,NULL"}) {
		t.Fatalf("index join %q", got)
	}
	if right.seeks != 2 {
		t.Fatalf("%d seeks, want 2 (a NULL key reads nothing)", right.seeks)
	}
}

func TestApply(t *testing.T) {
	var bound []int64
	right := &Values{Cols: []rows.Column{{Name: "n", Type: sqltype.TInt}}}
	a := &Apply{Outer: true, Left: table("k", "0", "2"), Right: right,
		Bind: func(ctx context.Context, l rows.Row) context.Context {
			bound = append(bound, l[0].Int64())
			right.Rows = nil
			for i := int64(0); i < l[0].Int64(); i++ {
				right.Rows = append(right.Rows, rows.Row{sqltype.NewInt(i)})
			}
			return ctx
		}}
	if got := dump(t, a); !reflect.DeepEqual(got, []string{"0,NULL", "2,0", "2,1"}) {
		t.Fatalf("outer apply %q", got)
	}
	if !reflect.DeepEqual(bound, []int64{0, 2}) {
		t.Fatalf("bound %v", bound)
	}
}

func TestAggregate(t *testing.T) {
	in := table("k,v", "b,1", "a,NULL", "b,3", "a,2", "b,3")
	warned := false
	agg := &Aggregate{Input: in, Keys: []Expr{colN(0)}, Coll: coll, Cmp: compare,
		Aggs: []AggSpec{
			{New: NewCount(false)},
			{New: NewCount(false), Arg: colN(1)},
			{New: NewSum(sqltype.TInt), Arg: colN(1)},
			{New: NewCount(false), Arg: colN(1), Distinct: true},
			{New: NewMinMax(true, sqltype.TInt, compare), Arg: colN(1)},
			{New: NewAvg(sqltype.TInt), Arg: colN(1)},
		},
		NullEliminated: func() { warned = true }}
	agg.Cols = append(in.Columns(), make([]rows.Column, 6)...)
	// Groups come out in key order with their first row in front.
	want := []string{"a,NULL,2,1,2,1,2,2", "b,1,3,3,7,2,3,2"}
	if got := dump(t, agg); !reflect.DeepEqual(got, want) {
		t.Fatalf("aggregate %q, want %q", got, want)
	}
	if !warned {
		t.Fatal("no NULL-eliminated warning")
	}
	// A scalar aggregate of nothing is one row.
	empty := &Aggregate{Input: table("v"), Scalar: true, Aggs: []AggSpec{{New: NewCount(true)}, {New: NewSum(sqltype.TInt), Arg: colN(0)}}}
	empty.Cols = append(empty.Input.Columns(), make([]rows.Column, 2)...)
	if got := dump(t, empty); !reflect.DeepEqual(got, []string{"NULL,0,NULL"}) {
		t.Fatalf("scalar aggregate of no rows %q", got)
	}
}

func TestAccumulators(t *testing.T) {
	// dec makes a decimal(10,2) from its text.
	dec := func(s string) sqltype.Value {
		r, _ := new(big.Rat).SetString(s)
		n := new(big.Int).Quo(new(big.Int).Mul(r.Num(), big.NewInt(100)), r.Denom())
		return sqltype.NewDecimal(n, 10, 2)
	}
	run := func(f func() Accumulator, vals ...sqltype.Value) (sqltype.Value, error) {
		a := f()
		for _, v := range vals {
			if err := a.Add(v); err != nil {
				return sqltype.Value{}, err
			}
		}
		return a.Result()
	}
	st, _ := SumType(sqltype.DecimalPS(10, 2))
	if st != sqltype.DecimalPS(38, 2) {
		t.Fatalf("sum type of decimal(10,2): %v", st)
	}
	v, err := run(NewSum(st), dec("1.25"), dec("2.50"))
	if err != nil || sqltype.Format(v) != "3.75" {
		t.Fatalf("sum of decimals: %v %v", v, err)
	}
	at, _ := AvgType(sqltype.DecimalPS(10, 2))
	v, err = run(NewAvg(at), dec("1.00"), dec("2.00"))
	if err != nil || sqltype.Format(v) != "1.500000" {
		t.Fatalf("avg of decimals: %v %v", sqltype.Format(v), err)
	}
	v, err = run(NewAvg(sqltype.TInt), sqltype.NewInt(1), sqltype.NewInt(2))
	if err != nil || v.Int64() != 1 {
		t.Fatalf("avg of ints truncates: %v %v", v, err)
	}
	_, err = run(NewSum(sqltype.TInt), sqltype.NewInt(2147483647), sqltype.NewInt(1))
	if se, ok := sqlerr.As(err); !ok || se.Number != 8115 {
		t.Fatalf("sum past int: %v", err)
	}
	v, err = run(NewStringAgg(sqltype.VarCharN(8000), "-"), sqltype.NewVarChar("a"), sqltype.NewInt(7))
	if err != nil || v.Str() != "a-7" {
		t.Fatalf("string_agg %v %v", v, err)
	}
	v, err = run(NewStat("STDEVP"), sqltype.NewInt(2), sqltype.NewInt(4))
	if err != nil || v.Float64() != 1 {
		t.Fatalf("stdevp %v %v", v, err)
	}
	if v, _ := run(NewStat("VAR"), sqltype.NewInt(2)); !v.IsNull() {
		t.Fatalf("var of one value %v", v)
	}
}

func TestSetOps(t *testing.T) {
	l, r := table("a", "1", "2", "2", "NULL"), table("a", "2", "3", "NULL")
	cols := l.Columns()
	if got := dump(t, &Concat{Inputs: []Node{l, r}, Cols: cols}); len(got) != 7 {
		t.Fatalf("union all %q", got)
	}
	if got := dump(t, &Distinct{Input: &Concat{Inputs: []Node{l, r}, Cols: cols}, Coll: coll}); !reflect.DeepEqual(got, []string{"1", "2", "NULL", "3"}) {
		t.Fatalf("union %q", got)
	}
	if got := dump(t, &SetDiff{Left: l, Right: r, Coll: coll}); !reflect.DeepEqual(got, []string{"1"}) {
		t.Fatalf("except %q", got)
	}
	if got := dump(t, &SetDiff{Left: l, Right: r, Intersect: true, Coll: coll}); !reflect.DeepEqual(got, []string{"2", "NULL"}) {
		t.Fatalf("intersect %q", got)
	}
}

func TestLimit(t *testing.T) {
	in := table("a", "1", "2", "2", "3", "4")
	n := func(f float64) func(context.Context) (float64, error) {
		return func(context.Context) (float64, error) { return f, nil }
	}
	skip := func(k int64) func(context.Context) (int64, error) {
		return func(context.Context) (int64, error) { return k, nil }
	}
	tests := []struct {
		l    *Limit
		want []string
	}{
		{&Limit{Count: n(2)}, []string{"1", "2"}},
		{&Limit{Count: n(2), TieKeys: []int{0}, Cmp: compare}, []string{"1", "2", "2"}},
		{&Limit{Count: n(40), Percent: true}, []string{"1", "2"}},
		{&Limit{Count: n(41), Percent: true}, []string{"1", "2", "2"}},
		{&Limit{Skip: skip(3)}, []string{"3", "4"}},
		{&Limit{Skip: skip(1), Count: n(2)}, []string{"2", "2"}},
		{&Limit{Count: n(0)}, []string{}},
	}
	for i, tt := range tests {
		tt.l.Input = in
		if got := dump(t, tt.l); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("case %d: %q, want %q", i, got, tt.want)
		}
	}
}

func TestRecursive(t *testing.T) {
	work := &WorkTable{Cols: table("n").Cols}
	step := &Filter{Input: &Project{Input: work, Cols: work.Cols, Exprs: []Expr{func(_ context.Context, r rows.Row) (sqltype.Value, error) {
		return sqltype.NewInt(r[0].Int64() + 1), nil
	}}}, Pred: func(_ context.Context, r rows.Row) (bool, error) { return r[0].Int64() <= 4, nil }}
	rec := &Recursive{Anchor: table("n", "1"), Step: step, Work: work}
	if got := dump(t, rec); !reflect.DeepEqual(got, []string{"1", "2", "3", "4"}) {
		t.Fatalf("recursive %q", got)
	}
	rec.Max = func(context.Context) (int64, error) { return 2, nil }
	err := rec.Run(context.Background(), func(rows.Row) (bool, error) { return true, nil })
	if se, ok := sqlerr.As(err); !ok || se.Number != 530 {
		t.Fatalf("max recursion: %v", err)
	}
	rec.Max = func(context.Context) (int64, error) { return 3, nil }
	if got := dump(t, rec); len(got) != 4 {
		t.Fatalf("exactly max rounds is allowed: %q", got)
	}
}

func TestWindow(t *testing.T) {
	in := table("k,v", "a,3", "b,1", "a,1", "a,3")
	byV := []SortKey{{Expr: colN(1)}}
	w := &Window{Input: in, Cmp: compare, Coll: coll, Funcs: []WindowFunc{
		{Kind: RowNumber, Partition: []Expr{colN(0)}, Order: byV},
		{Kind: Rank, Partition: []Expr{colN(0)}, Order: byV},
		{Kind: DenseRank, Order: byV},
		{Kind: WindowAggregate, Partition: []Expr{colN(0)}, Agg: NewSum(sqltype.TInt), Arg: colN(1), Type: sqltype.TInt},
		{Kind: WindowAggregate, Order: byV, Agg: NewCount(false), Type: sqltype.TInt},
		{Kind: Lag, Order: byV, Arg: colN(1), Type: sqltype.TInt},
	}}
	w.Cols = append(in.Columns(), make([]rows.Column, 6)...)
	// Rows come out in the last function's order (v, then input order).
	want := []string{"b,1,1,1,1,1,2,NULL", "a,1,1,1,1,7,2,1", "a,3,2,2,2,7,4,1", "a,3,3,2,2,7,4,3"}
	if got := dump(t, w); !reflect.DeepEqual(got, want) {
		t.Fatalf("window %q, want %q", got, want)
	}
	nt := &Window{Input: table("v", "1", "2", "3", "4", "5"), Cmp: compare, Coll: coll, Funcs: []WindowFunc{
		{Kind: NTile, Order: []SortKey{{Expr: colN(0)}}, N: func(context.Context, rows.Row) (sqltype.Value, error) { return sqltype.NewInt(2), nil }},
		{Kind: WindowAggregate, Order: []SortKey{{Expr: colN(0)}}, Agg: NewSum(sqltype.TInt), Arg: colN(0), Type: sqltype.TInt,
			Frame: &Frame{Rows: true, Start: Bound{Kind: Preceding, N: 1}, End: Bound{Kind: Following, N: 1}}},
	}}
	nt.Cols = append(nt.Input.Columns(), make([]rows.Column, 2)...)
	if got := dump(t, nt); !reflect.DeepEqual(got, []string{"1,1,3", "2,1,6", "3,1,9", "4,2,12", "5,2,9"}) {
		t.Fatalf("ntile and a moving sum %q", got)
	}
}

// endless is a source of rows that never ends by itself.
type endless struct{ n int }

func (e *endless) Columns() []rows.Column { return []rows.Column{{Name: "n", Type: sqltype.TInt}} }
func (e *endless) Scan(ctx context.Context, fn func(rows.Row) bool) error {
	r := rows.Row{sqltype.NewInt(1)}
	for fn(r) {
		e.n++
	}
	return nil
}

func TestScanStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	src := &endless{}
	err := (&Scan{Source: src}).Run(ctx, func(rows.Row) (bool, error) {
		if src.n == 10 {
			cancel()
		}
		return true, nil
	})
	if err != context.Canceled || src.n > 5000 {
		t.Fatalf("scan after cancel: %v after %d rows", err, src.n)
	}
}
