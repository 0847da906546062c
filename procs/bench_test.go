package procs

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/microsoft/go-mssqldb/batch"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// discard is a ResultWriter that drops everything, so benchmarks measure
// the engine only.
type discard struct{}

func (discard) Columns([]tds.Column) error        { return nil }
func (discard) Row([]any) error                   { return nil }
func (discard) Done(tds.Done) error               { return nil }
func (discard) Message(tds.Message) error         { return nil }
func (discard) ReturnStatus(int32) error          { return nil }
func (discard) ReturnValue(tds.ReturnValue) error { return nil }
func (discard) EnvChange(tds.EnvChange) error     { return nil }
func (discard) Flush() error                      { return nil }

// BenchmarkWhileLoop is a WHILE loop of 1,000,000 iterations with a SET
// inside (goal: under 1 s per run).
func BenchmarkWhileLoop(b *testing.B) {
	s := testSession(b, Config{})
	const src = `DECLARE @i int = 0
WHILE @i < 1000000
  SET @i = @i + 1
SELECT @i`
	benchBatch(b, s, src)
}

// BenchmarkParseCompile is parse + compile of each batch of the Scale Out
// documentation's example (what runs before the catalog is called).
func BenchmarkParseCompile(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "scripts", "scaleout-doc-example.sql"))
	if err != nil {
		b.Fatal(err)
	}
	batches := batch.Split(string(data), "GO")
	e := New(Config{})
	b.ReportAllocs()
	for b.Loop() {
		for _, src := range batches {
			pb, err := tsql.Parse(src)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := e.compileModule(pb, "", pb.Stmts, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkParseOnly is the parser's share of BenchmarkParseCompile (the
// baseline the compile cost is measured against).
func BenchmarkParseOnly(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "scripts", "scaleout-doc-example.sql"))
	if err != nil {
		b.Fatal(err)
	}
	batches := batch.Split(string(data), "GO")
	b.ReportAllocs()
	for b.Loop() {
		for _, src := range batches {
			if _, err := tsql.Parse(src); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// benchBatch runs sql as one batch per iteration, reporting allocations.
func benchBatch(b *testing.B, s *Session, sql string) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Batch(ctx, sql, discard{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSelectOne is a SELECT 1 batch end to end in process.
func BenchmarkSelectOne(b *testing.B) {
	s := testSession(b, Config{})
	benchBatch(b, s, "select 1;")
}

// execSource streams n rows shaped like catalog.executions (34 columns)
// from one reused buffer, as a streaming row source would: the engine's
// own cost of a query over a million executions, without the catalog's.
type execSource struct {
	n    int
	cols []rows.Column
}

func newExecSource(n int) *execSource {
	cols := []rows.Column{{Name: "execution_id", Type: sqltype.TBigInt}, {Name: "folder_name", Type: sqltype.TSysname},
		{Name: "package_name", Type: sqltype.NVarCharN(260)}, {Name: "status", Type: sqltype.TInt}}
	for i := len(cols); i < 34; i++ {
		cols = append(cols, rows.Column{Name: fmt.Sprintf("c%d", i), Type: sqltype.TBigInt, Nullable: true})
	}
	return &execSource{n: n, cols: cols}
}

func (e *execSource) Columns() []rows.Column { return e.cols }

func (e *execSource) Scan(ctx context.Context, fn func(rows.Row) bool) error {
	buf := make(rows.Row, len(e.cols))
	for i := range buf {
		buf[i] = sqltype.Null(e.cols[i].Type)
	}
	folder := sqltype.NewString(sqltype.TSysname, "folder1")
	pkgs := make([]sqltype.Value, 20)
	for i := range pkgs {
		pkgs[i] = sqltype.NewString(sqltype.NVarCharN(260), fmt.Sprintf("package%d.dtsx", i))
	}
	statuses := []int64{7, 7, 7, 4, 2, 7, 3, 7, 6, 9}
	for i := 1; i <= e.n; i++ {
		buf[0], buf[1], buf[2], buf[3] = sqltype.NewBigInt(int64(i)), folder, pkgs[i%20], sqltype.NewInt(statuses[i%10])
		if !fn(buf) {
			return nil
		}
	}
	return ctx.Err()
}

// wideCatalog serves dbo.executions (n streamed rows) and dbo.messages
// (m rows per execution, seekable on operation_id).
type wideCatalog struct {
	memCatalog
	exec *execSource
	msgs *msgSource
}

func (w wideCatalog) View(_ context.Context, db, schema, name string, _ Principal) (rows.Source, bool) {
	switch strings.ToLower(name) {
	case "executions":
		return w.exec, true
	case "messages":
		return w.msgs, true
	}
	return nil, false
}

type msgSource struct{ n, per int }

var msgCols = []rows.Column{{Name: "operation_id", Type: sqltype.TBigInt}, {Name: "message_type", Type: sqltype.TSmallInt},
	{Name: "message", Type: sqltype.NVarCharN(sqltype.Max)}}

func (m *msgSource) Columns() []rows.Column { return msgCols }
func (m *msgSource) row(buf rows.Row, op int64, k int) rows.Row {
	typ := int64(70)
	if k == m.per-1 && op%10 == 3 {
		typ = 120
	}
	buf[0], buf[1], buf[2] = sqltype.NewBigInt(op), sqltype.NewSmallInt(typ), sqltype.NewString(sqltype.NVarCharN(sqltype.Max), "step done")
	return buf
}
func (m *msgSource) Scan(ctx context.Context, fn func(rows.Row) bool) error {
	buf := make(rows.Row, 3)
	for op := int64(1); op <= int64(m.n); op++ {
		for k := 0; k < m.per; k++ {
			if !fn(m.row(buf, op, k)) {
				return nil
			}
		}
	}
	return nil
}
func (m *msgSource) SeekColumns() []int { return []int{0} }
func (m *msgSource) Seek(ctx context.Context, col int, key sqltype.Value, fn func(rows.Row) bool) error {
	buf := make(rows.Row, 3)
	if op := key.Int64(); op >= 1 && op <= int64(m.n) {
		for k := 0; k < m.per; k++ {
			if !fn(m.row(buf, op, k)) {
				return nil
			}
		}
	}
	return nil
}

// BenchmarkGroupByMillion is GROUP BY status over 1,000,000 streamed rows
// of the executions' shape (the engine's share of the catalog benchmark),
// with COUNT(*) over the same scan as the baseline.
func BenchmarkGroupByMillion(b *testing.B) {
	s := testSession(b, Config{Catalog: wideCatalog{exec: newExecSource(1_000_000)}})
	for _, q := range []struct{ name, sql string }{
		{"group-by-status", "SELECT status, COUNT(*) FROM dbo.executions GROUP BY status"},
		{"count-baseline", "SELECT COUNT(*) FROM dbo.executions"},
	} {
		b.Run(q.name+"/rows=1000000", func(b *testing.B) {
			benchBatch(b, s, q.sql)
		})
	}
}

// BenchmarkJoinMessages joins 10,000 executions with 100,000 messages
// through the index nested loops join (a seek per execution), next to a
// hash join of the same (the join key wrapped so it cannot seek).
func BenchmarkJoinMessages(b *testing.B) {
	s := testSession(b, Config{Catalog: wideCatalog{exec: newExecSource(10_000), msgs: &msgSource{n: 10_000, per: 10}}})
	for _, q := range []struct{ name, sql string }{
		{"index-join", "SELECT e.execution_id, m.message FROM dbo.executions e JOIN dbo.messages m ON m.operation_id = e.execution_id"},
		{"hash-join", "SELECT e.execution_id, m.message FROM dbo.executions e JOIN dbo.messages m ON m.operation_id + 0 = e.execution_id"},
	} {
		b.Run(q.name+"/messages=100000", func(b *testing.B) {
			benchBatch(b, s, q.sql)
		})
	}
}

// BenchmarkTableLoop is a WHILE loop of 10,000 iterations that inserts
// into a #temp table with a primary key and reads the row back by key:
// each statement is planned when it runs.
func BenchmarkTableLoop(b *testing.B) {
	s := testSession(b, Config{})
	const src = `CREATE TABLE #loop (id int PRIMARY KEY, v int)
DECLARE @i int = 0, @v int
WHILE @i < 10000
BEGIN
  INSERT INTO #loop VALUES (@i, @i * 2)
  SELECT @v = v FROM #loop WHERE id = @i
  SET @i += 1
END
DROP TABLE #loop`
	benchBatch(b, s, src)
}
