package ssisdb

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/microsoft/go-mssqldb/batch"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// discard drops results but fails the benchmark on an error message.
type discard struct{ b *testing.B }

func (discard) Columns([]tds.Column) error { return nil }
func (discard) Row([]any) error            { return nil }
func (discard) Done(tds.Done) error        { return nil }
func (d discard) Message(m tds.Message) error {
	if m.Class > 10 {
		d.b.Fatalf("error %d: %s", m.Number, m.Text)
	}
	return nil
}
func (discard) ReturnStatus(int32) error          { return nil }
func (discard) ReturnValue(tds.ReturnValue) error { return nil }
func (discard) EnvChange(tds.EnvChange) error     { return nil }
func (discard) Flush() error                      { return nil }

// BenchmarkDocExample is parse + run, in process, of the Scale Out
// documentation's example: per iteration both GO batches (two
// create_execution, set_execution_parameter_value, add_execution_worker and
// start_execution calls, and two result sets).
func BenchmarkDocExample(b *testing.B) {
	ctx := context.Background()
	clk := clock.Real()
	cat := catalog.New(catalog.Options{Clock: clk})
	sim, err := runner.NewSim(runner.Config{})
	if err != nil {
		b.Fatal(err)
	}
	m, err := scaleout.New(scaleout.Config{Workers: []scaleout.WorkerConfig{{ID: docWorker, Enabled: true}}}, clk, cat, sim, nil)
	if err != nil {
		b.Fatal(err)
	}
	cat.SetMaster(m)
	if err := m.Start(ctx); err != nil {
		b.Fatal(err)
	}
	defer m.Stop()
	if err := cat.DemoCatalog(ctx); err != nil {
		b.Fatal(err)
	}
	eng := procs.New(procs.Config{Catalog: NewAdapter(cat), Procs: Procs(cat)})
	s, _, err := eng.Open(ctx, &tds.Login{UserName: "sa", SPID: 60})
	if err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "scripts", "scaleout-doc-example-2017rtm.sql"))
	if err != nil {
		b.Fatal(err)
	}
	batches := batch.Split(string(data), "GO")
	b.ReportAllocs()
	for b.Loop() {
		for _, src := range batches {
			if err := s.Batch(ctx, src, discard{b}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
