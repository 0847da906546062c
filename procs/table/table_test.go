package table

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

var ctx = context.Background()

func newT() *Table {
	return New(Def{ID: 7, Database: "db", Schema: "dbo", Name: "t", Coll: sqltype.CollationDefault,
		Columns: []Column{
			{Name: "id", Type: sqltype.TInt, Identity: true},
			{Name: "code", Type: sqltype.VarCharN(5), Nullable: true},
			{Name: "n", Type: sqltype.TInt},
		},
		Keys:      []Key{{Name: "PK_t", Primary: true, Clustered: true, Cols: []int{0}}, {Name: "UQ_code", Cols: []int{1}}},
		Seed:      10,
		Increment: 5,
		Checks: []Check{{Name: "CK_n", Column: "n", Holds: func(_ context.Context, r rows.Row) (bool, error) {
			return r[2].IsNull() || r[2].Int64() >= 0, nil
		}}},
	})
}

func mk(id int64, code string, n int64) rows.Row {
	c := sqltype.Null(sqltype.VarCharN(5))
	if code != "" {
		c = sqltype.NewString(sqltype.VarCharN(5), code)
	}
	return rows.Row{sqltype.NewInt(id), c, sqltype.NewInt(n)}
}

func ids(t *Table) []int64 {
	var out []int64
	t.Scan(ctx, func(r rows.Row) bool {
		out = append(out, r[0].Int64())
		return true
	})
	return out
}

func errNum(err error) int32 {
	if se, ok := sqlerr.As(err); ok {
		return se.Number
	}
	return 0
}

func TestInsertOrderAndConstraints(t *testing.T) {
	tb := newT()
	undo, err := tb.Insert(ctx, []rows.Row{mk(3, "c", 1), mk(1, "a", 1), mk(2, "", 1)})
	if err != nil {
		t.Fatal(err)
	}
	// Clustered primary key: scans come back in key order.
	if got := ids(tb); !reflect.DeepEqual(got, []int64{1, 2, 3}) {
		t.Fatalf("order %v", got)
	}
	tests := []struct {
		rows []rows.Row
		num  int32
		text string
	}{
		{[]rows.Row{mk(4, "d", 1), mk(1, "e", 1)}, 2627, "Violation of PRIMARY KEY constraint 'PK_t'. Cannot insert duplicate key in object 'dbo.t'. The duplicate key value is (1)."},
		{[]rows.Row{mk(5, "a", 1)}, 2627, "Violation of UNIQUE KEY constraint 'UQ_code'. Cannot insert duplicate key in object 'dbo.t'. The duplicate key value is (a)."},
		{[]rows.Row{mk(6, "", 1)}, 2627, "Violation of UNIQUE KEY constraint 'UQ_code'. Cannot insert duplicate key in object 'dbo.t'. The duplicate key value is (<NULL>)."},
		{[]rows.Row{mk(7, "g", -1)}, 547, "The INSERT statement conflicted with the CHECK constraint \"CK_n\". The conflict occurred in database \"db\", table \"dbo.t\", column 'n'."},
		{[]rows.Row{{sqltype.NewInt(8), sqltype.Null(sqltype.VarCharN(5)), sqltype.Null(sqltype.TInt)}}, 515, "Cannot insert the value NULL into column 'n', table 'db.dbo.t'; column does not allow nulls. INSERT fails."},
	}
	for _, tt := range tests {
		_, err := tb.Insert(ctx, tt.rows)
		se, _ := sqlerr.As(err)
		if se == nil || se.Number != tt.num || se.Message != tt.text {
			t.Errorf("insert %v: %v", tt.rows, err)
		}
	}
	// Failed statements changed nothing.
	if got := ids(tb); !reflect.DeepEqual(got, []int64{1, 2, 3}) {
		t.Fatalf("after failures %v", got)
	}
	undo()
	if tb.Len() != 0 {
		t.Fatalf("undo left %d rows", tb.Len())
	}
}

func TestUpdateDeleteUndo(t *testing.T) {
	tb := newT()
	if _, err := tb.Insert(ctx, []rows.Row{mk(1, "a", 1), mk(2, "b", 2), mk(3, "c", 3)}); err != nil {
		t.Fatal(err)
	}
	src := tb.WithRowIDs("rid")
	rid := map[int64]int64{}
	src.Scan(ctx, func(r rows.Row) bool {
		rid[r[0].Int64()] = r[3].Int64()
		return true
	})
	// Swapping two keys is fine: uniqueness is checked on the result.
	undo, err := tb.Update(ctx, []Change{{ID: rid[1], Vals: mk(2, "a", 1)}, {ID: rid[2], Vals: mk(1, "b", 2)}})
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	tb.Scan(ctx, func(r rows.Row) bool { codes = append(codes, r[1].Str()); return true })
	if strings.Join(codes, "") != "bac" {
		t.Fatalf("after swap %v", codes)
	}
	if _, err := tb.Update(ctx, []Change{{ID: rid[3], Vals: mk(3, "a", 3)}}); errNum(err) != 2627 {
		t.Fatalf("duplicate by update: %v", err)
	}
	undo()
	codes = nil
	tb.Scan(ctx, func(r rows.Row) bool { codes = append(codes, r[1].Str()); return true })
	if strings.Join(codes, "") != "abc" {
		t.Fatalf("after undo %v", codes)
	}
	// Seek on the key and on the unique column.
	var got []int64
	tb.Seek(ctx, 1, sqltype.NewVarChar("b"), func(r rows.Row) bool { got = append(got, r[0].Int64()); return true })
	if !reflect.DeepEqual(got, []int64{2}) {
		t.Fatalf("seek by code %v", got)
	}
	undoDel, err := tb.Delete(ctx, []int64{rid[1], rid[3]})
	if err != nil || !reflect.DeepEqual(ids(tb), []int64{2}) {
		t.Fatalf("delete %v %v", ids(tb), err)
	}
	undoDel()
	if !reflect.DeepEqual(ids(tb), []int64{1, 2, 3}) {
		t.Fatalf("undo delete %v", ids(tb))
	}
	trunc := tb.Truncate()
	if tb.Len() != 0 {
		t.Fatal("truncate")
	}
	trunc()
	if tb.Len() != 3 {
		t.Fatal("undo truncate")
	}
}

func TestIdentity(t *testing.T) {
	tb := newT()
	if v, used := tb.CurrentIdentity(); used || v != 10 {
		t.Fatalf("fresh identity %d %v", v, used)
	}
	if a, b := tb.NextIdentity(), tb.NextIdentity(); a != 10 || b != 15 {
		t.Fatalf("identity %d %d", a, b)
	}
	tb.SeenIdentity(100)
	if n := tb.NextIdentity(); n != 105 {
		t.Fatalf("after an explicit 100: %d", n)
	}
	tb.Truncate()
	if n := tb.NextIdentity(); n != 10 {
		t.Fatalf("truncate reseeds: %d", n)
	}
}

func TestHeapKeepsInsertionOrder(t *testing.T) {
	tb := New(Def{Name: "h", Coll: sqltype.CollationDefault, Columns: []Column{{Name: "a", Type: sqltype.TInt, Nullable: true}}})
	tb.Insert(ctx, []rows.Row{{sqltype.NewInt(3)}, {sqltype.NewInt(1)}})
	tb.Insert(ctx, []rows.Row{{sqltype.NewInt(2)}})
	if got := ids(tb); !reflect.DeepEqual(got, []int64{3, 1, 2}) {
		t.Fatalf("heap order %v", got)
	}
	if n := ConstraintName("PK", "#verylongname", 5, 0); !strings.HasPrefix(n, "PK__verylong__") || len(n) != len("PK__verylong__")+16 {
		t.Fatalf("constraint name %q", n)
	}
}
