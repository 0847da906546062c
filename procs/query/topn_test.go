package query

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// pairRows makes rows (key, position) with many equal keys and some NULLs,
// so that stability is visible in the second column.
func pairRows(r *rand.Rand, n int) *Values {
	v := &Values{Cols: []rows.Column{{Name: "k", Type: sqltype.TInt, Nullable: true}, {Name: "pos", Type: sqltype.TInt}}}
	for i := range n {
		k := sqltype.NewInt(int64(r.IntN(8)))
		if r.IntN(10) == 0 {
			k = sqltype.Null(sqltype.TInt)
		}
		v.Rows = append(v.Rows, rows.Row{k, sqltype.NewInt(int64(i))})
	}
	return v
}

func positions(t *testing.T, n Node) []int64 {
	t.Helper()
	var out []int64
	if err := n.Run(context.Background(), func(r rows.Row) (bool, error) {
		out = append(out, r[1].Int64())
		return true, nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSortFirstIsThePrefixOfTheFullSort: with a bound, the sort hands over
// exactly the first rows of the full stable sort, ties in input order.
func TestSortFirstIsThePrefixOfTheFullSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	col0 := func(_ context.Context, row rows.Row) (sqltype.Value, error) { return row[0], nil }
	for trial := range 200 {
		in := pairRows(r, r.IntN(60))
		desc := trial%2 == 1
		full := positions(t, &Sort{Input: in, Keys: []SortKey{{Expr: col0, Desc: desc}}, Cmp: cmp})
		for _, k := range []int64{0, 1, 2, 5, 17, 1000} {
			srt := &Sort{Input: in, Keys: []SortKey{{Expr: col0, Desc: desc}}, Cmp: cmp}
			var got []int64
			if err := srt.RunFirst(context.Background(), k, func(row rows.Row) (bool, error) {
				got = append(got, row[1].Int64())
				return true, nil
			}); err != nil {
				t.Fatal(err)
			}
			want := full[:min(int(k), len(full))]
			if !slices.Equal(got, want) {
				t.Fatalf("trial %d, k=%d, desc=%v: got %v, want %v", trial, k, desc, got, want)
			}
		}
	}
}

// TestLimitOverSortUsesTheBound: TOP n and OFFSET/FETCH over a sort give the
// same rows as before, with and without a skip.
func TestLimitOverSortUsesTheBound(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	col0 := func(_ context.Context, row rows.Row) (sqltype.Value, error) { return row[0], nil }
	in := pairRows(r, 100)
	full := positions(t, &Sort{Input: in, Keys: []SortKey{{Expr: col0}}, Cmp: cmp})
	for _, c := range []struct{ skip, count int64 }{{0, 10}, {5, 10}, {95, 10}, {0, 0}, {200, 5}} {
		lim := &Limit{Input: &Sort{Input: in, Keys: []SortKey{{Expr: col0}}, Cmp: cmp}, Cmp: cmp,
			Count: func(context.Context) (float64, error) { return float64(c.count), nil },
			Skip:  func(context.Context) (int64, error) { return c.skip, nil }}
		got := positions(t, lim)
		lo, hi := min(int(c.skip), len(full)), min(int(c.skip+c.count), len(full))
		if want := full[lo:hi]; !slices.Equal(got, want) {
			t.Fatalf("skip %d count %d: got %v, want %v", c.skip, c.count, got, want)
		}
	}
}

// BenchmarkTopOfSort: TOP 50 ... ORDER BY over a million rows keeps 50 rows,
// next to the full sort that keeps them all (the baseline, same run).
func BenchmarkTopOfSort(b *testing.B) {
	const n = 1_000_000
	in := intRows()
	for i := range n {
		in.Rows = append(in.Rows, rows.Row{sqltype.NewInt(int64((i * 7919) % n))})
	}
	col0 := func(_ context.Context, row rows.Row) (sqltype.Value, error) { return row[0], nil }
	for _, k := range []int64{50, -1} {
		name := fmt.Sprintf("first=%d", k)
		if k < 0 {
			name = "full-sort"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				srt := &Sort{Input: in, Keys: []SortKey{{Expr: col0, Desc: true}}, Cmp: cmp}
				if err := srt.RunFirst(context.Background(), k, func(rows.Row) (bool, error) { return true, nil }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
