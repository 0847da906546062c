package procs

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// projSource is a projectable relation of n rows (a bigint key it seeks
// and walks in order, then b, c, d, e) that records the columns each
// projection asked for and writes NULL in the others, as the contract
// allows.
type projSource struct {
	n     int64
	asked *[][]string // the needed column names of each projection made
	need  []bool      // nil: all
}

var projCols = []rows.Column{{Name: "a", Type: sqltype.TBigInt}, {Name: "b", Type: sqltype.TInt},
	{Name: "c", Type: sqltype.NVarCharN(20), Nullable: true}, {Name: "d", Type: sqltype.TInt}, {Name: "e", Type: sqltype.TInt}}

func (w *projSource) Columns() []rows.Column { return projCols }

func (w *projSource) Project(need []bool) rows.Source {
	var names []string
	for i, n := range need {
		if n {
			names = append(names, projCols[i].Name)
		}
	}
	*w.asked = append(*w.asked, names)
	return &projSource{n: w.n, asked: w.asked, need: slices.Clone(need)}
}

func (w *projSource) row(i int64) rows.Row {
	r := rows.Row{sqltype.NewBigInt(i), sqltype.NewInt(i % 3), sqltype.NewString(sqltype.NVarCharN(20), fmt.Sprintf("c%d", i)),
		sqltype.NewInt(i % 2), sqltype.NewInt(i * 10)}
	for k := range r {
		if w.need != nil && !w.need[k] {
			r[k] = sqltype.Null(projCols[k].Type)
		}
	}
	return r
}

func (w *projSource) Scan(_ context.Context, fn func(rows.Row) bool) error {
	for i := int64(1); i <= w.n; i++ {
		if !fn(w.row(i)) {
			return nil
		}
	}
	return nil
}

func (w *projSource) SeekColumns() []int { return []int{0} }

func (w *projSource) Seek(_ context.Context, _ int, key sqltype.Value, fn func(rows.Row) bool) error {
	if k := key.Int64(); k >= 1 && k <= w.n {
		fn(w.row(k))
	}
	return nil
}

func (w *projSource) OrderColumns() []int { return []int{0} }

func (w *projSource) ScanOrdered(_ context.Context, _ int, desc bool, fn func(rows.Row) bool) error {
	for i := int64(1); i <= w.n; i++ {
		id := i
		if desc {
			id = w.n + 1 - i
		}
		if !fn(w.row(id)) {
			return nil
		}
	}
	return nil
}

type projCatalog struct {
	memCatalog
	wide *projSource
}

func (v projCatalog) View(_ context.Context, _, _, name string, _ Principal) (rows.Source, bool) {
	if strings.EqualFold(name, "wide") {
		return v.wide, true
	}
	return nil, false
}

// TestScansAskForTheColumnsTheQueryReads: each scan of a projectable
// source asks for exactly the columns the statement reads of it, wherever
// they are read; a star, PIVOT or UNPIVOT asks for all (no projection);
// and the result is the one the query gives over all columns.
func TestScansAskForTheColumnsTheQueryReads(t *testing.T) {
	var asked [][]string
	wide := &projSource{n: 30, asked: &asked}
	s := testSession(t, Config{Catalog: projCatalog{wide: wide}})
	full := testSession(t, Config{Catalog: projCatalog{wide: wide}, ScanAllColumns: true})
	// all marks a scan that built every column (no projection asked).
	const all = "*"
	tests := []struct {
		sql  string
		want []string // one entry per scan, "" for none, in plan order
	}{
		{"SELECT COUNT(*) FROM wide", []string{""}},
		{"SELECT b, COUNT(*) FROM wide GROUP BY b", []string{"b"}},
		{"SELECT * FROM wide WHERE a < 3", []string{all}},
		{"SELECT w.* FROM wide w WHERE a < 3", []string{all}},
		{"SELECT a FROM wide WHERE c LIKE 'c1%' ORDER BY d DESC, a", []string{"a c d"}},
		{"SELECT a + e * 2, UPPER(c) FROM wide", []string{"a c e"}},
		{"SELECT CASE WHEN b = 1 THEN c ELSE 'x' END FROM wide", []string{"b c"}},
		{"SELECT b FROM wide GROUP BY b HAVING MAX(e) > 100", []string{"b e"}},
		{"SELECT a, ROW_NUMBER() OVER (PARTITION BY b ORDER BY d) FROM wide", []string{"a b d"}},
		{"SELECT TOP 3 c FROM wide ORDER BY a DESC", []string{"a c"}},
		{"SELECT c FROM wide WHERE a = 7", []string{"a c"}},
		{"SELECT x.c FROM wide x JOIN wide y ON y.a = x.b + 1 WHERE y.d = 1", []string{"b c", "a d"}},
		{"SELECT x.a FROM wide x LEFT JOIN wide y ON y.e = x.e AND y.b = 2", []string{"a e", "b e"}},
		{"SELECT a FROM wide w WHERE EXISTS (SELECT 1 FROM wide v WHERE v.a = w.b AND v.c = 'c1')", []string{"a b", "a c"}},
		{"SELECT a, (SELECT MAX(v.e) FROM wide v WHERE v.b = w.d) FROM wide w", []string{"a d", "b e"}},
		{"SELECT a FROM wide WHERE b IN (SELECT d FROM wide)", []string{"a b", "d"}},
		{"SELECT a FROM wide w WHERE EXISTS (SELECT * FROM wide v WHERE v.b = w.d)", []string{"a d", "b"}},
		{"SELECT a FROM wide w WHERE NOT EXISTS (SELECT DISTINCT * FROM wide v WHERE v.a = w.a + 100)", []string{"a", "a"}},
		{"IF EXISTS (SELECT * FROM wide WHERE c = 'c3') SELECT 1", []string{"c"}},
		{"IF EXISTS (SELECT 1 FROM (SELECT * FROM wide) s WHERE s.a = 3) SELECT 2", []string{all}},
		{"SELECT a, (SELECT TOP 1 v.c FROM wide v WHERE EXISTS (SELECT * FROM wide u WHERE u.a = v.b)) FROM wide w WHERE a < 3", []string{"a", "b c", "a"}},
		{"SELECT w.a, x.n FROM wide w CROSS APPLY (SELECT COUNT(*) n FROM wide v WHERE v.b = w.d) x", []string{"a d", "b"}},
		{"WITH t AS (SELECT a, b FROM wide) SELECT a FROM t", []string{"a b"}},
		{"WITH t AS (SELECT * FROM wide) SELECT a FROM t", []string{all}},
		{"SELECT d.k, COUNT(*) FROM (SELECT b AS k, c FROM wide) d GROUP BY d.k", []string{"b c"}},
		{"SELECT b FROM wide UNION SELECT d FROM wide", []string{"b", "d"}},
		{"SELECT * FROM wide PIVOT (COUNT(e) FOR b IN ([0], [1])) p", []string{all}},
		{"SELECT * FROM (SELECT b, e FROM wide) s PIVOT (COUNT(e) FOR b IN ([0], [1])) p", []string{"b e"}},
		{"SELECT a, v FROM wide UNPIVOT (v FOR k IN (b, d)) u", []string{all}},
		{"DECLARE @m int; SELECT @m = MAX(e) FROM wide WHERE d = 0; SELECT @m", []string{"d e"}},
		{"SELECT a, c INTO #t FROM wide WHERE b = 2; SELECT * FROM #t ORDER BY a", []string{"a b c"}},
		{"CREATE TABLE #i (a bigint, c nvarchar(20)); INSERT INTO #i SELECT a, c FROM wide WHERE d = 1; SELECT COUNT(*) FROM #i", []string{"a c d"}},
		{"CREATE TABLE #o (k int); INSERT INTO #o (k) OUTPUT inserted.k SELECT e FROM wide WHERE a < 4", []string{"a e"}},
		{"CREATE TABLE #u (k bigint, v int); INSERT #u VALUES (4, 0); UPDATE u SET v = w.e FROM #u u JOIN wide w ON w.a = u.k; SELECT * FROM #u", []string{"a e"}},
		{"SELECT TOP 2 a, c FROM wide ORDER BY a FOR XML PATH('r'), ROOT('x')", []string{"a c"}},
		{"DECLARE k CURSOR FOR SELECT c FROM wide WHERE b = 1 ORDER BY a; OPEN k; FETCH NEXT FROM k; FETCH NEXT FROM k; CLOSE k; DEALLOCATE k", []string{"a b c"}},
		{"SELECT a FROM wide w ORDER BY (SELECT MAX(v.e) FROM wide v WHERE v.b = w.b), a", []string{"a b", "b e"}},
		{"SELECT nosuch FROM wide", nil},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			asked = nil
			r, err := runBatch(t, s, tt.sql)
			if err != nil {
				t.Fatal(err)
			}
			got := r.Outcome()
			var scans []string
			for _, names := range asked {
				scans = append(scans, strings.Join(names, " "))
			}
			// A scan that asked nothing built every column.
			want := slices.DeleteFunc(slices.Clone(tt.want), func(s string) bool { return s == all })
			// Which side of a join scans first is the planner's business.
			slices.Sort(scans)
			slices.Sort(want)
			if !reflect.DeepEqual(scans, want) && !(len(scans) == 0 && len(want) == 0) {
				t.Errorf("projections %q, want %q", scans, want)
			}
			asked = nil
			fr, err := runBatch(t, full, tt.sql)
			if err != nil {
				t.Fatal(err)
			}
			if len(asked) != 0 {
				t.Errorf("ScanAllColumns projected: %q", asked)
			}
			if fo := fr.Outcome(); !reflect.DeepEqual(got, fo) {
				t.Errorf("pruned:\n%+v\nall columns:\n%+v", got, fo)
			}
			if tt.want != nil && (len(got.Errors) > 0 || len(got.Results) == 0) {
				t.Errorf("no result: %+v", got)
			}
		})
	}
}
