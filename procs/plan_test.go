package procs

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// TestQueryColumnMetadata checks the column metadata of query results: names,
// wire types and nullability, which DataAdapter.Fill and friends read.
func TestQueryColumnMetadata(t *testing.T) {
	s := testSession(t, Config{})
	if _, err := runBatch(t, s, "CREATE TABLE dbo.m (id int NOT NULL, name nvarchar(40) NOT NULL, note varchar(10) NULL)"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		sql  string
		want string // name:type(size):nullable per column
	}{
		{"SELECT id, name, note FROM dbo.m", "id:38(4):0 name:231(80):0 note:167(10):1"},
		{"SELECT x.id, y.name FROM dbo.m x LEFT JOIN dbo.m y ON y.id = x.id", "id:38(4):0 name:231(80):1"},
		{"SELECT x.id, y.id FROM dbo.m x RIGHT JOIN dbo.m y ON y.id = x.id", "id:38(4):1 id:38(4):0"},
		{"SELECT x.id FROM dbo.m x OUTER APPLY (SELECT TOP 1 z.name FROM dbo.m z) o", "id:38(4):0"},
		{"SELECT COUNT(*) AS n, COUNT_BIG(*) AS nb, SUM(id) AS s, MAX(name) AS mx FROM dbo.m", "n:38(4):1 nb:38(8):1 s:38(4):1 mx:231(80):1"},
		{"SELECT ROW_NUMBER() OVER (ORDER BY id) AS rn FROM dbo.m", "rn:38(8):1"},
		{"SELECT id FROM dbo.m UNION ALL SELECT NULL", "id:38(4):1"},
		{"SELECT name + N'!' AS x, CASE WHEN id > 0 THEN 'yes' ELSE 'no' END AS c FROM dbo.m", "x:231(82):0 c:167(3):0"},
		{"SELECT v.a FROM (VALUES (1), (2)) v(a)", "a:38(4):0"},
	}
	for _, tt := range tests {
		r, err := runBatch(t, s, tt.sql)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, tok := range r.Tokens {
			if cols, ok := tok.([]tds.Column); ok {
				for _, c := range cols {
					n := 0
					if c.Nullable {
						n = 1
					}
					got = append(got, fmt.Sprintf("%s:%d(%d):%d", c.Name, c.Type.ID, c.Type.Size, n))
				}
				break
			}
		}
		if o := r.Outcome(); len(o.Errors) > 0 {
			t.Errorf("%s: %+v", tt.sql, o.Errors)
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.sql, strings.Join(got, " "), tt.want)
		}
	}
}
