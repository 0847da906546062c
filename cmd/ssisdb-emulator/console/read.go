package console

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// table is what a catalog view returned for the caller, with its columns
// found by name. Reading always goes through catalog.View with the signed-in
// caller, so the page shows exactly the rows a SELECT by that login would.
type table struct {
	name string
	idx  map[string]int
	rows []rows.Row
}

// read scans SSISDB's schema.name as caller.
func (c *Console) read(ctx context.Context, caller *catalog.Caller, schema, name string) (table, error) {
	return c.readWhere(ctx, caller, schema, name, "", sqltype.Value{})
}

// readWhere is read with an equality filter on column col, using the
// source's key seek when it has one.
func (c *Console) readWhere(ctx context.Context, caller *catalog.Caller, schema, name, col string, key sqltype.Value) (table, error) {
	src, ok := c.cat.View(catalog.SSISDB, schema, name, caller)
	if !ok {
		return table{}, fmt.Errorf("console: the catalog has no view %s.%s", schema, name)
	}
	t := table{name: schema + "." + name, idx: map[string]int{}}
	for i, cl := range src.Columns() {
		t.idx[strings.ToLower(cl.Name)] = i
	}
	keep := func(r rows.Row) bool {
		t.rows = append(t.rows, append(rows.Row(nil), r...))
		return true
	}
	if col == "" {
		return t, src.Scan(ctx, keep)
	}
	ci, ok := t.idx[strings.ToLower(col)]
	if !ok {
		return t, fmt.Errorf("console: %s has no column %s", t.name, col)
	}
	if sk, ok := src.(rows.Seeker); ok {
		for _, sc := range sk.SeekColumns() {
			if sc == ci {
				return t, sk.Seek(ctx, ci, key, keep)
			}
		}
	}
	want := sqltype.Format(key)
	return t, src.Scan(ctx, func(r rows.Row) bool {
		if !r[ci].IsNull() && sqltype.Format(r[ci]) == want {
			keep(r)
		}
		return true
	})
}

// val returns column col of r; a column the view lacks is a programming
// error and reads as NULL (the tests read every page).
func (t table) val(r rows.Row, col string) sqltype.Value {
	i, ok := t.idx[strings.ToLower(col)]
	if !ok || i >= len(r) {
		return sqltype.Value{}
	}
	return r[i]
}

func (t table) str(r rows.Row, col string) string { return sqltype.Format(t.val(r, col)) }

func (t table) null(r rows.Row, col string) bool { return t.val(r, col).IsNull() }

func (t table) i64(r rows.Row, col string) int64 {
	v := t.val(r, col)
	if v.IsNull() {
		return 0
	}
	if k := v.Kind(); k.IsInteger() {
		return v.Int64()
	}
	n, err := sqltype.Convert(v, sqltype.TBigInt, 0)
	if err != nil {
		return 0
	}
	return n.Int64()
}

func (t table) bit(r rows.Row, col string) bool { return t.i64(r, col) != 0 }

func (t table) time(r rows.Row, col string) time.Time {
	v := t.val(r, col)
	if v.IsNull() || !v.Kind().IsDateTime() {
		return time.Time{}
	}
	return v.Time()
}

func (t table) guid(r rows.Row, col string) uuid.UUID {
	v := t.val(r, col)
	if v.IsNull() || v.Kind() != sqltype.UniqueIdentifier {
		return uuid.Nil
	}
	return v.UUID()
}
