package procs

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// bigSource is a seekable relation of n rows (id bigint, name nvarchar),
// which it can walk in id order, that counts how it was read and how many
// rows it handed over.
type bigSource struct {
	n                           int64
	scans, seeks, ordered, read int
}

var bigCols = []rows.Column{{Name: "id", Type: sqltype.TBigInt}, {Name: "name", Type: sqltype.NVarCharN(20), Nullable: true}}

func (b *bigSource) Columns() []rows.Column { return bigCols }
func (b *bigSource) row(i int64) rows.Row {
	return rows.Row{sqltype.NewBigInt(i), sqltype.NewString(sqltype.NVarCharN(20), fmt.Sprintf("row%d", i))}
}

func (b *bigSource) Scan(_ context.Context, fn func(rows.Row) bool) error {
	b.scans++
	for i := int64(1); i <= b.n; i++ {
		b.read++
		if !fn(b.row(i)) {
			return nil
		}
	}
	return nil
}

func (b *bigSource) OrderColumns() []int { return []int{0} }

func (b *bigSource) ScanOrdered(_ context.Context, col int, desc bool, fn func(rows.Row) bool) error {
	b.ordered++
	if col != 0 {
		return fmt.Errorf("ordered walk on column %d", col)
	}
	for i := int64(1); i <= b.n; i++ {
		id := i
		if desc {
			id = b.n + 1 - i
		}
		b.read++
		if !fn(b.row(id)) {
			return nil
		}
	}
	return nil
}

func (b *bigSource) SeekColumns() []int { return []int{0} }

func (b *bigSource) Seek(_ context.Context, col int, key sqltype.Value, fn func(rows.Row) bool) error {
	b.seeks++
	if key.Kind() != sqltype.BigInt {
		return fmt.Errorf("seek key of type %s", key.Type())
	}
	if k := key.Int64(); k >= 1 && k <= b.n {
		b.read++
		fn(b.row(k))
	}
	return nil
}

// viewCatalog is the built-in catalog plus one view, dbo.big in master.
type viewCatalog struct {
	memCatalog
	big *bigSource
}

func (v viewCatalog) View(_ context.Context, db, schema, name string, _ Principal) (rows.Source, bool) {
	if strings.EqualFold(name, "big") {
		return v.big, true
	}
	return nil, false
}

func TestSeekOnKeyColumn(t *testing.T) {
	big := &bigSource{n: 1000}
	s := testSession(t, Config{Catalog: viewCatalog{big: big}})
	tests := []struct {
		sql                         string
		want                        [][][]string
		scans, seeks, ordered, read int
	}{
		{"DECLARE @id int = 42\nSELECT name FROM dbo.big WHERE id = @id", [][][]string{{{"row42"}}}, 0, 1, 0, 1},
		{"SELECT name FROM big b WHERE 7 = b.id AND name LIKE 'row%'", [][][]string{{{"row7"}}}, 0, 1, 0, 1},
		{"SELECT name FROM big WHERE id = 5 AND name = 'nope'", [][][]string{{}}, 0, 1, 0, 1},
		{"SELECT name FROM big WHERE id + 0 = 3", [][][]string{{{"row3"}}}, 1, 0, 0, 1000},
		{"DECLARE @n bigint\nSELECT name FROM big WHERE id = @n", [][][]string{{}}, 0, 0, 0, 0}, // = NULL reads nothing
		// ORDER BY the column the source walks in order: no sort, and TOP
		// n reads n rows (and those the filter drops).
		{"SELECT TOP 2 id FROM big WHERE id > 998 ORDER BY id DESC", [][][]string{{{"1000"}, {"999"}}}, 0, 0, 1, 2},
		{"SELECT TOP 2 name FROM big WHERE id % 2 = 0 ORDER BY id DESC", [][][]string{{{"row1000"}, {"row998"}}}, 0, 0, 1, 3},
		{"SELECT TOP (1) name FROM big b ORDER BY b.id", [][][]string{{{"row1"}}}, 0, 0, 1, 1},
		{"SELECT TOP 1 id AS k FROM big ORDER BY k DESC", [][][]string{{{"1000"}}}, 0, 0, 1, 1},
		{"SELECT TOP 1 id FROM big ORDER BY 1 DESC", [][][]string{{{"1000"}}}, 0, 0, 1, 1},
		{"SELECT id FROM big ORDER BY id DESC OFFSET 2 ROWS FETCH NEXT 1 ROW ONLY", [][][]string{{{"998"}}}, 0, 0, 1, 3},
		// IN lists and ORs of equalities on the key: a seek of each
		// distinct value (in ascending order), NULLs match nothing.
		{"SELECT name FROM big WHERE id IN (3, 1, 3, NULL, 2000)", [][][]string{{{"row1"}, {"row3"}}}, 0, 3, 0, 2},
		{"SELECT name FROM big WHERE id = 5 OR id = 6 OR 7 = id", [][][]string{{{"row5"}, {"row6"}, {"row7"}}}, 0, 3, 0, 3},
		{"SELECT name FROM big WHERE id IN (5) OR id = 5 OR id IN (6, 5)", [][][]string{{{"row5"}, {"row6"}}}, 0, 2, 0, 2},
		{"DECLARE @a int = 9, @b bigint\nSELECT name FROM big WHERE id IN (@b, @a)", [][][]string{{{"row9"}}}, 0, 1, 0, 1},
		{"DECLARE @b bigint\nSELECT name FROM big WHERE id IN (@b, NULL)", [][][]string{{}}, 0, 0, 0, 0},
		{"SELECT name FROM big WHERE (id = 1 OR id = 2) AND name = 'row2'", [][][]string{{{"row2"}}}, 0, 2, 0, 2},
		{"SELECT TOP 1 name FROM big WHERE id IN (20, 10)", [][][]string{{{"row10"}}}, 0, 1, 0, 1},
		{"SELECT name FROM big WHERE id = 4 AND id IN (3, 4)", [][][]string{{{"row4"}}}, 0, 1, 0, 1},
		// Not a list of keys: a scan.
		{"SELECT name FROM big WHERE id = 5 OR name = 'row6'", [][][]string{{{"row5"}, {"row6"}}}, 1, 0, 0, 1000},
		{"SELECT COUNT(*) FROM big WHERE id NOT IN (1, 2)", [][][]string{{{"998"}}}, 1, 0, 0, 1000},
		{"SELECT name FROM big WHERE id IN (SELECT 5)", [][][]string{{{"row5"}}}, 1, 0, 0, 1000},
		{"SELECT name FROM big WHERE id IN (1, 2.5)", [][][]string{{{"row1"}}}, 1, 0, 0, 1000},
		{"SELECT COUNT(*) FROM big WHERE id IN (1, id)", [][][]string{{{"1000"}}}, 1, 0, 0, 1000},
		{"SELECT COUNT(*) FROM big WHERE id = 1 OR id > 998", [][][]string{{{"3"}}}, 1, 0, 0, 1000},
		// Everything else sorts a scan.
		{"SELECT TOP 1 id FROM big ORDER BY id + 0 DESC", [][][]string{{{"1000"}}}, 1, 0, 0, 1000},
		{"SELECT TOP 1 id FROM big ORDER BY name DESC", [][][]string{{{"999"}}}, 1, 0, 0, 1000},
		{"SELECT TOP 1 id FROM big ORDER BY id DESC, name", [][][]string{{{"1000"}}}, 1, 0, 0, 1000},
		{"SELECT DISTINCT TOP 1 id FROM big ORDER BY id DESC", [][][]string{{{"1000"}}}, 1, 0, 0, 1000},
		{"SELECT TOP 1 id, COUNT(*) FROM big GROUP BY id ORDER BY id DESC", [][][]string{{{"1000", "1"}}}, 1, 0, 0, 1000},
		{"SELECT TOP 1 id, ROW_NUMBER() OVER (ORDER BY name) FROM big ORDER BY id DESC", [][][]string{{{"1000", "4"}}}, 1, 0, 0, 1000},
		{"SELECT TOP 1 a.id FROM big a CROSS JOIN (VALUES (1)) v(x) ORDER BY a.id DESC", [][][]string{{{"1000"}}}, 1, 0, 0, 1000},
	}
	for _, tt := range tests {
		big.scans, big.seeks, big.ordered, big.read = 0, 0, 0, 0
		r, err := runBatch(t, s, tt.sql)
		if err != nil {
			t.Fatal(err)
		}
		o := r.Outcome()
		if len(o.Errors) > 0 || !reflect.DeepEqual(o.Results, tt.want) {
			t.Errorf("%q: %+v", tt.sql, o)
		}
		if big.scans != tt.scans || big.seeks != tt.seeks || big.ordered != tt.ordered || big.read != tt.read {
			t.Errorf("%q: %d scans, %d seeks, %d ordered, %d rows read; want %d, %d, %d, %d",
				tt.sql, big.scans, big.seeks, big.ordered, big.read, tt.scans, tt.seeks, tt.ordered, tt.read)
		}
	}
}

// BenchmarkPointLookup: a lookup by key in 1,000,000 rows costs the same as
// in 1,000 (the seek), next to a scan of the 1,000,000 for comparison.
func BenchmarkPointLookup(b *testing.B) {
	for _, n := range []int64{1_000, 1_000_000} {
		b.Run(fmt.Sprintf("seek/rows=%d", n), func(b *testing.B) {
			s := testSession(b, Config{Catalog: viewCatalog{big: &bigSource{n: n}}})
			ctx := context.Background()
			for b.Loop() {
				if err := s.Batch(ctx, "SELECT name FROM big WHERE id = 500", discard{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("scan/rows=1000000", func(b *testing.B) {
		s := testSession(b, Config{Catalog: viewCatalog{big: &bigSource{n: 1_000_000}}})
		ctx := context.Background()
		for b.Loop() {
			if err := s.Batch(ctx, "SELECT name FROM big WHERE id + 0 = 500", discard{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
