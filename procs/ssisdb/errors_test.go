package ssisdb

import (
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/proc"
)

// TestCatalogMessages: the control procedures raise the catalog's 27138,
// 27101 and 27100 with SQL Server's texts, taken from the catalog's table.
func TestCatalogMessages(t *testing.T) {
	nullWorker := &proc.Call{Def: &proc.Def{Name: "t", Params: []proc.Param{req("@worker_id", tGUID)}}, Args: []sqltype.Value{sqltype.Null(tGUID)}}
	_, workerErr := workerID(nullWorker)
	cases := []struct {
		name   string
		err    error
		number int32
		text   string
	}{
		{"null input", errNullInput(), 27138, "The input parameter cannot be null. Provide a valid value for the parameter."},
		{"invalid parameter", errInvalidParam("outcome"), 27101, "The value specified for the input parameter, 'outcome', is not valid. Provide a valid value for this parameter."},
		{"null worker", workerErr, 27100, "The input parameter, '@worker_id', cannot be null. Provide a valid value for this parameter."},
	}
	for _, c := range cases {
		e, ok := sqlerr.As(c.err)
		if !ok {
			t.Errorf("%s: %v is not a *sqlerr.Error", c.name, c.err)
			continue
		}
		if e.Number != c.number || e.Severity != 16 || e.State != 1 || e.Message != c.text {
			t.Errorf("%s: got %d/%d/%d %q, want %d/16/1 %q", c.name, e.Number, e.Severity, e.State, e.Message, c.number, c.text)
		}
	}
}
