package querybench

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// collector keeps a batch's result sets as text.
type collector struct {
	t    *testing.T
	sets [][][]string
}

func (c *collector) Columns([]tds.Column) error { c.sets = append(c.sets, nil); return nil }
func (c *collector) Row(vals []any) error {
	r := make([]string, len(vals))
	for i, v := range vals {
		r[i] = fmt.Sprint(v)
	}
	c.sets[len(c.sets)-1] = append(c.sets[len(c.sets)-1], r)
	return nil
}
func (c *collector) Done(tds.Done) error { return nil }
func (c *collector) Message(m tds.Message) error {
	if m.Class > 10 {
		c.t.Errorf("Msg %d: %s", m.Number, m.Text)
	}
	return nil
}
func (c *collector) ReturnStatus(int32) error          { return nil }
func (c *collector) ReturnValue(tds.ReturnValue) error { return nil }
func (c *collector) EnvChange(tds.EnvChange) error     { return nil }
func (c *collector) Flush() error                      { return nil }

// TestQueriesOverManyChunks runs queries that keep rows (sorts, hash
// joins, grouping, windows, temp tables, cursors, subqueries) over views
// whose scans come in many chunks built in one reused buffer: a row the
// engine kept without copying would be overwritten by a later chunk and
// show a package name that is not its execution's. loaded names execution
// i's package "package<i%20>.dtsx" and gives it 3 messages.
func TestQueriesOverManyChunks(t *testing.T) {
	const n = 2000
	_, s := loaded(&testing.B{}, n, 3)
	pkgOf := func(id string) string {
		var i int
		fmt.Sscan(id, &i)
		return fmt.Sprintf("package%d.dtsx", i%20)
	}
	// checkPairs: column a is an execution id and column b its package.
	checkPairs := func(t *testing.T, rows [][]string, a, b int) {
		t.Helper()
		for _, r := range rows {
			if r[b] != pkgOf(r[a]) {
				t.Fatalf("execution %s came back with package %s: a row was kept past its chunk", r[a], r[b])
			}
		}
	}
	cases := []struct {
		name, sql string
		check     func(t *testing.T, sets [][][]string)
	}{
		{"order by", "SELECT execution_id, package_name FROM SSISDB.catalog.executions ORDER BY execution_id DESC",
			func(t *testing.T, sets [][][]string) {
				if len(sets[0]) != n || sets[0][0][0] != fmt.Sprint(n) || sets[0][n-1][0] != "1" {
					t.Fatalf("%d rows, first %v", len(sets[0]), sets[0][0])
				}
				checkPairs(t, sets[0], 0, 1)
			}},
		{"hash join", `SELECT e.execution_id, e.package_name, m.package_name FROM SSISDB.catalog.executions e
JOIN SSISDB.catalog.event_messages m ON m.operation_id + 0 = e.execution_id`,
			func(t *testing.T, sets [][][]string) {
				if len(sets[0]) != 3*n {
					t.Fatalf("%d rows", len(sets[0]))
				}
				checkPairs(t, sets[0], 0, 1)
				checkPairs(t, sets[0], 0, 2)
			}},
		{"index join", `SELECT m.operation_id, e.package_name FROM SSISDB.catalog.event_messages m
JOIN SSISDB.catalog.executions e ON e.execution_id = m.operation_id`,
			func(t *testing.T, sets [][][]string) {
				if len(sets[0]) != 3*n {
					t.Fatalf("%d rows", len(sets[0]))
				}
				checkPairs(t, sets[0], 0, 1)
			}},
		{"group by", "SELECT package_name, COUNT(*), MIN(execution_id), MAX(execution_id) FROM SSISDB.catalog.executions GROUP BY package_name",
			func(t *testing.T, sets [][][]string) {
				if len(sets[0]) != 20 {
					t.Fatalf("%d groups", len(sets[0]))
				}
				for _, r := range sets[0] {
					if r[1] != fmt.Sprint(n/20) || pkgOf(r[2]) != r[0] || pkgOf(r[3]) != r[0] {
						t.Fatalf("group %v", r)
					}
				}
			}},
		{"window", "SELECT execution_id, package_name, ROW_NUMBER() OVER (PARTITION BY package_name ORDER BY execution_id) FROM SSISDB.catalog.executions",
			func(t *testing.T, sets [][][]string) {
				if len(sets[0]) != n {
					t.Fatalf("%d rows", len(sets[0]))
				}
				checkPairs(t, sets[0], 0, 1)
			}},
		{"distinct and top", "SELECT DISTINCT TOP 50 execution_id % 100, package_name FROM SSISDB.catalog.executions ORDER BY 1",
			func(t *testing.T, sets [][][]string) {
				if len(sets[0]) != 50 {
					t.Fatalf("%d rows", len(sets[0]))
				}
				checkPairs(t, sets[0], 0, 1) // id % 100 keeps id % 20
			}},
		{"temp table", `SELECT execution_id, package_name INTO #e FROM SSISDB.catalog.executions
SELECT execution_id, package_name FROM #e ORDER BY package_name, execution_id
DROP TABLE #e`,
			func(t *testing.T, sets [][][]string) {
				if len(sets[0]) != n {
					t.Fatalf("%d rows", len(sets[0]))
				}
				checkPairs(t, sets[0], 0, 1)
			}},
		{"cursor", `DECLARE @id bigint, @p nvarchar(260), @bad int = 0, @seen int = 0
DECLARE c CURSOR FOR SELECT execution_id, package_name FROM SSISDB.catalog.executions
OPEN c
FETCH NEXT FROM c INTO @id, @p
WHILE @@FETCH_STATUS = 0
BEGIN
  SET @seen += 1
  IF @p <> CONCAT('package', @id % 20, '.dtsx') SET @bad += 1
  FETCH NEXT FROM c INTO @id, @p
END
CLOSE c
DEALLOCATE c
SELECT @seen, @bad`,
			func(t *testing.T, sets [][][]string) {
				if got := strings.Join(sets[0][0], ","); got != fmt.Sprintf("%d,0", n) {
					t.Fatalf("seen, bad = %s", got)
				}
			}},
		{"correlated subquery", `SELECT e.execution_id, e.package_name,
  (SELECT COUNT(*) FROM SSISDB.catalog.event_messages m WHERE m.operation_id = e.execution_id)
FROM SSISDB.catalog.executions e WHERE e.execution_id % 7 = 0`,
			func(t *testing.T, sets [][][]string) {
				if len(sets[0]) != n/7 {
					t.Fatalf("%d rows", len(sets[0]))
				}
				checkPairs(t, sets[0], 0, 1)
				for _, r := range sets[0] {
					if r[2] != "3" {
						t.Fatalf("execution %s has %s messages", r[0], r[2])
					}
				}
			}},
		{"union and except", `SELECT execution_id, package_name FROM SSISDB.catalog.executions WHERE execution_id % 2 = 0
UNION SELECT execution_id, package_name FROM SSISDB.catalog.executions WHERE execution_id % 3 = 0
EXCEPT SELECT execution_id, package_name FROM SSISDB.catalog.executions WHERE execution_id % 5 = 0`,
			func(t *testing.T, sets [][][]string) {
				want := 0
				for i := 1; i <= n; i++ {
					if (i%2 == 0 || i%3 == 0) && i%5 != 0 {
						want++
					}
				}
				if len(sets[0]) != want {
					t.Fatalf("%d rows, want %d", len(sets[0]), want)
				}
				checkPairs(t, sets[0], 0, 1)
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			col := &collector{t: t}
			if err := s.Batch(context.Background(), c.sql, col); err != nil {
				t.Fatal(err)
			}
			if len(col.sets) == 0 {
				t.Fatal("no result set")
			}
			c.check(t, col.sets)
		})
	}
}
