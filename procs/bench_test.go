package procs

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/microsoft/go-mssqldb/batch"

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
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Batch(ctx, src, discard{}); err != nil {
			b.Fatal(err)
		}
	}
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

// BenchmarkSelectOne is a SELECT 1 batch end to end in process.
func BenchmarkSelectOne(b *testing.B) {
	s := testSession(b, Config{})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Batch(ctx, "select 1;", discard{}); err != nil {
			b.Fatal(err)
		}
	}
}
