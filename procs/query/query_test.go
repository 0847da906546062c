package query

import (
	"context"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

func intRows(ns ...int64) *Values {
	v := &Values{Cols: []rows.Column{{Name: "n", Type: sqltype.TInt}}}
	for _, n := range ns {
		v.Rows = append(v.Rows, rows.Row{sqltype.NewInt(n)})
	}
	return v
}

func collect(t *testing.T, n Node) []int64 {
	t.Helper()
	var out []int64
	err := n.Run(context.Background(), func(r rows.Row) (bool, error) {
		if r[0].IsNull() {
			out = append(out, -1)
		} else {
			out = append(out, r[0].Int64())
		}
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func cmp(a, b sqltype.Value) (int, error) {
	switch {
	case a.Int64() < b.Int64():
		return -1, nil
	case a.Int64() > b.Int64():
		return 1, nil
	}
	return 0, nil
}

func col0(_ context.Context, r rows.Row) (sqltype.Value, error) { return r[0], nil }

func TestPlanNodes(t *testing.T) {
	src := intRows(5, 1, 4, 2, 3)
	src.Rows = append(src.Rows, rows.Row{sqltype.Null(sqltype.TInt)})
	filter := &Filter{Input: src, Pred: func(_ context.Context, r rows.Row) (bool, error) {
		return !r[0].IsNull() && r[0].Int64()%2 == 1, nil
	}}
	if got := collect(t, filter); len(got) != 3 || got[0] != 5 || got[2] != 3 {
		t.Fatalf("filter: %v", got)
	}
	asc := &Sort{Input: src, Keys: []SortKey{{Expr: col0}}, Cmp: cmp}
	if got := collect(t, asc); got[0] != -1 || got[1] != 1 || got[5] != 5 {
		t.Fatalf("sort asc (NULL first): %v", got)
	}
	desc := &Top{Input: &Sort{Input: src, Keys: []SortKey{{Expr: col0, Desc: true}}, Cmp: cmp}, N: 2}
	if got := collect(t, desc); len(got) != 2 || got[0] != 5 || got[1] != 4 {
		t.Fatalf("top 2 desc: %v", got)
	}
	proj := &Project{Input: intRows(1, 2), Cols: []rows.Column{{Name: "x", Type: sqltype.TInt}},
		Exprs: []Expr{func(_ context.Context, r rows.Row) (sqltype.Value, error) {
			return sqltype.NewInt(r[0].Int64() * 10), nil
		}}}
	if got := collect(t, proj); len(got) != 2 || got[1] != 20 {
		t.Fatalf("project: %v", got)
	}
	if got := collect(t, &Top{Input: src, N: 0}); len(got) != 0 {
		t.Fatalf("top 0: %v", got)
	}
}
