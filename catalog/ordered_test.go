package catalog

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
)

// TestOrderedScansAreSortedScans: for every view and caller, an ordered
// walk returns exactly the rows of a plain scan stably sorted on the
// column, ascending and descending, however small the chunks.
func TestOrderedScansAreSortedScans(t *testing.T) {
	e := richCatalog(t)
	var ordered []string
	for _, size := range []int{1, 5, 40, 4096} {
		t.Run(fmt.Sprintf("chunk=%d", size), func(t *testing.T) {
			smallChunks(t, size)
			for _, login := range []string{lAdmin, lReader, lObj, lNobody} {
				for _, name := range allViewNames() {
					schema, view, _ := strings.Cut(name, ".")
					src, _ := e.c.View(SSISDB, schema, view, e.as(login))
					o, ok := src.(rows.Ordered)
					if !ok {
						continue
					}
					for _, col := range o.OrderColumns() {
						if login == lAdmin && size == 1 {
							ordered = append(ordered, name+"."+src.Columns()[col].Name)
						}
						type keyed struct {
							key  int64
							text string
						}
						var all []keyed
						scanErr := src.Scan(e.ctx, func(r rows.Row) bool {
							if r[col].IsNull() {
								t.Fatalf("%s: NULL in order column %d", name, col)
							}
							var b strings.Builder
							dumpRow(&b, r)
							all = append(all, keyed{r[col].Int64(), b.String()})
							return true
						})
						for _, desc := range []bool{false, true} {
							want := slices.Clone(all)
							slices.SortStableFunc(want, func(a, b keyed) int {
								if desc {
									return cmp.Compare(b.key, a.key)
								}
								return cmp.Compare(a.key, b.key)
							})
							var got []keyed
							err := o.ScanOrdered(e.ctx, col, desc, func(r rows.Row) bool {
								var b strings.Builder
								dumpRow(&b, r)
								got = append(got, keyed{r[col].Int64(), b.String()})
								return true
							})
							if fmt.Sprint(err) != fmt.Sprint(scanErr) {
								t.Fatalf("%s as %s: ordered walk error %v, scan error %v", name, login, err, scanErr)
							}
							if !slices.Equal(got, want) {
								t.Fatalf("%s as %s by %s desc=%v:\ngot  %v\nwant %v", name, login, src.Columns()[col].Name, desc, got, want)
							}
						}
					}
				}
			}
		})
	}
	for _, must := range []string{"catalog.executions.execution_id", "catalog.operations.operation_id",
		"internal.executions.execution_id", "internal.operations.operation_id", "catalog.event_messages.operation_id"} {
		if !slices.Contains(ordered, must) {
			t.Errorf("%s is not an order column (have %v)", must, ordered)
		}
	}
}

// TestDescendingScanWhileRowsChange: executions created and rolled back
// while a newest-first walk is between chunks: the walk returns every
// execution that was there when it started, in strictly descending order,
// none twice, and none created after it started or rolled back.
func TestDescendingScanWhileRowsChange(t *testing.T) {
	smallChunks(t, 100)
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	for range 50 {
		e.mustCreate(false)
	}
	first, last := int64(2), e.mustCreate(false)
	src, _ := e.c.View(SSISDB, "catalog", "executions", admin)
	var ids []int64
	rolledBack := map[int64]bool{}
	must(t, src.(rows.Ordered).ScanOrdered(e.ctx, 0, true, func(r rows.Row) bool {
		ids = append(ids, r[0].Int64())
		if len(ids)%10 == 0 {
			e.mustCreate(false)
			tx := e.c.Begin()
			id, err := e.c.CreateExecution(e.ctx, tx, admin, CreateExecutionArgs{FolderName: s("folder1"), ProjectName: s("project1"),
				PackageName: s("package1.dtsx"), Use32BitRuntime: b(false), RunInScaleOut: b(false)})
			must(t, err)
			tx.Rollback()
			rolledBack[id] = true
		}
		return true
	}))
	if int64(len(ids)) != last-first+1 || ids[0] != last || ids[len(ids)-1] != first {
		t.Fatalf("%d rows from %d to %d, want %d from %d to %d", len(ids), ids[0], ids[len(ids)-1], last-first+1, last, first)
	}
	for i, id := range ids {
		if i > 0 && id >= ids[i-1] {
			t.Fatalf("id %d after %d: out of order or repeated", id, ids[i-1])
		}
		if rolledBack[id] {
			t.Fatalf("rolled-back execution %d returned", id)
		}
	}
	if len(rolledBack) == 0 {
		t.Fatal("nothing changed during the walk")
	}
}

// TestOrderedScanStopsEarly: the newest three executions of a thousand
// cost the chunk they are in, and a column with no ordered walk is refused
// with an error rather than answered out of order.
func TestOrderedScanStopsEarly(t *testing.T) {
	c, cl := benchCatalog(1000, 0)
	src, _ := c.View(SSISDB, "catalog", "executions", cl)
	o := src.(rows.Ordered)
	var got []int64
	must(t, o.ScanOrdered(context.Background(), 0, true, func(r rows.Row) bool {
		got = append(got, r[0].Int64())
		return len(got) < 3
	}))
	if !slices.Equal(got, []int64{1000, 999, 998}) {
		t.Fatalf("newest three: %v", got)
	}
	if err := o.ScanOrdered(context.Background(), 1, false, func(rows.Row) bool { return true }); err == nil {
		t.Fatal("an ordered walk on folder_name was not refused")
	}
}
