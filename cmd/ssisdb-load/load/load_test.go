package load_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"

	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-emulator/emulatortest"
	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-load/load"
)

func TestDocExampleIsTheTestdataFile(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "scripts", "scaleout-doc-example.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != load.DocExample {
		t.Fatal("load.DocExample differs from testdata/scripts/scaleout-doc-example.sql; copy the file into it")
	}
}

// TestScenarios runs each scenario against an emulator for a few
// iterations on a few connections: no error, every execution handed out
// is final, and the requests and executions add up.
func TestScenarios(t *testing.T) {
	srv := emulatortest.New(t)
	cases := []struct {
		scenario string
		execs    int // executions per iteration
		requests int // requests per iteration (poll: at least)
	}{
		{load.ScenarioDoc, 2, 2},
		{load.ScenarioSync, 1, 1},
		{load.ScenarioPoll, 1, 2},
		{load.ScenarioRPC, 1, 3},
		{load.ScenarioReport, 0, 1},
		{load.ScenarioMix, -1, -1},
	}
	for _, c := range cases {
		t.Run(c.scenario, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			const n = 24
			rep, err := load.Run(ctx, load.Config{DSN: srv.DSN(), Connections: 3, Count: n, Scenario: c.scenario,
				Setup: true, PollPackageDuration: 20 * time.Millisecond, PollInterval: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			if rep.ErrorsTotal != 0 {
				t.Fatalf("errors: %v", rep.Errors)
			}
			if rep.Iterations != n {
				t.Errorf("%d iterations, want %d", rep.Iterations, n)
			}
			if !rep.Final.OK() {
				t.Errorf("final check: %+v", rep.Final)
			}
			if c.execs >= 0 && rep.Final.HandedOut != c.execs*n {
				t.Errorf("%d executions handed out, want %d", rep.Final.HandedOut, c.execs*n)
			}
			if rep.Final.ByStatus[7] != rep.Final.HandedOut {
				t.Errorf("by status %v, want all %d succeeded", rep.Final.ByStatus, rep.Final.HandedOut)
			}
			if c.requests > 0 && (rep.Requests < int64(c.requests*n) || c.scenario != load.ScenarioPoll && rep.Requests != int64(c.requests*n)) {
				t.Errorf("%d requests, want %d", rep.Requests, c.requests*n)
			}
			if c.scenario != load.ScenarioMix {
				if l := rep.Latency[c.scenario]; l.Count != n || l.P50 <= 0 || l.P50 > l.P99 || l.P99 > l.Max {
					t.Errorf("latency of %s: %+v", c.scenario, l)
				}
			}
		})
	}
}

// TestErrorsByNumber: a run whose executions cannot be created counts the
// failures by SQL Server error number.
func TestErrorsByNumber(t *testing.T) {
	srv := emulatortest.New(t)
	// A login that may connect to SSISDB but is no ssis_admin: create_execution
	// refuses it (the folder is not visible to it).
	db := openDB(t, srv.DSN())
	for _, q := range []string{
		"CREATE LOGIN loader WITH PASSWORD = 'Load!Pass1'",
		"USE SSISDB; CREATE USER loader FOR LOGIN loader",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	rep, err := load.Run(context.Background(), load.Config{DSN: srv.LoginDSN("loader", "Load!Pass1"), Connections: 2,
		Count: 6, Scenario: load.ScenarioRPC})
	if err != nil {
		t.Fatal(err)
	}
	if rep.ErrorsTotal != 6 || len(rep.Errors) != 1 {
		t.Fatalf("errors %v (total %d), want 6 of one number", rep.Errors, rep.ErrorsTotal)
	}
	for k := range rep.Errors {
		if k == "other" || k == "network" {
			t.Fatalf("error counted as %q, not by number", k)
		}
	}
	if rep.ServerErrors != 6 {
		t.Errorf("server errors %d, want 6", rep.ServerErrors)
	}
	if rep.Final.HandedOut != 0 || !rep.Final.OK() {
		t.Errorf("final %+v", rep.Final)
	}
}

func TestRunRefusesBadConfig(t *testing.T) {
	if _, err := load.Run(context.Background(), load.Config{DSN: "sqlserver://sa:x@127.0.0.1:1", Scenario: "nope"}); err == nil {
		t.Fatal("unknown scenario accepted")
	}
	srv := emulatortest.New(t)
	_, err := load.Run(context.Background(), load.Config{DSN: srv.LoginDSN("sa", "wrong"), Scenario: load.ScenarioRPC})
	var me mssql.Error
	if !errors.As(err, &me) || me.Number != 18456 {
		t.Fatalf("wrong password: %v, want 18456", err)
	}
}
