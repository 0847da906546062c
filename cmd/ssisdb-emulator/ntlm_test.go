package main

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/microsoft/go-mssqldb/batch"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-emulator/emulator"
	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-emulator/emulatortest"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// The catalog is what the TDS server checks NTLM logins against.
var _ tds.NTLMAuthenticator = (*catalog.Catalog)(nil)

const (
	ntlmETLLogin    = `CONTOSO\etl`
	ntlmETLPassword = "Etl!Pass1"
)

// TestWindowsLoginRunsDocExampleInStrictMode is the fidelity setup: the
// real catalog refuses SQL logins (27123, --strict), so a CI job connects
// as a Windows login. go-mssqldb turns CONTOSO\etl into NTLM; the job runs
// the Scale Out documentation's batch and both executions succeed, while sa
// is refused.
func TestWindowsLoginRunsDocExampleInStrictMode(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "testdata", "scripts", "scaleout-doc-example.sql"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tlsMode := range []string{"off", "required"} {
		t.Run("tls="+tlsMode, func(t *testing.T) {
			srv := emulatortest.New(t,
				func(cfg *emulator.Config) { cfg.Strict, cfg.TLS.Mode = true, tlsMode },
				emulatortest.WithLogin(emulator.Login{Name: ntlmETLLogin, Password: ntlmETLPassword, SSISDBRoles: []string{"ssis_admin"}}))
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()

			db := ntlmOpenDB(t, srv.LoginDSN(ntlmETLLogin, ntlmETLPassword))
			conn, err := db.Conn(ctx)
			if err != nil {
				t.Fatalf("NTLM login: %v", err)
			}
			defer conn.Close()
			var who string
			if err := conn.QueryRowContext(ctx, "SELECT SUSER_NAME()").Scan(&who); err != nil || who != ntlmETLLogin {
				t.Fatalf("SUSER_NAME() = %q, %v", who, err)
			}
			if st := srv.TDS.Stats(); (st.TLSHandshakes > 0) != (tlsMode != "off") {
				t.Errorf("TLS handshakes %d with tls.mode %s", st.TLSHandshakes, tlsMode)
			}

			var ids []int64
			for _, b := range batch.Split(string(doc), "GO") {
				if strings.TrimSpace(b) == "" {
					continue
				}
				var id int64
				if err := conn.QueryRowContext(ctx, b).Scan(&id); err != nil {
					t.Fatalf("doc batch as %s: %v", ntlmETLLogin, err)
				}
				ids = append(ids, id)
			}
			if len(ids) != 2 {
				t.Fatalf("execution ids %v", ids)
			}
			for _, id := range ids {
				if err := srv.Catalog.WaitFinal(ctx, id); err != nil {
					t.Fatal(err)
				}
				var status int
				var caller string
				err := conn.QueryRowContext(ctx, "SELECT status, executed_as_name FROM catalog.executions WHERE execution_id = @p1", id).
					Scan(&status, &caller)
				if err != nil || status != 7 || caller != ntlmETLLogin {
					t.Errorf("execution %d: status %d, executed as %q, %v", id, status, caller, err)
				}
			}

			// sa logs in, but strict mode refuses it the catalog's procedures.
			sa := ntlmOpenDB(t, srv.DSN())
			var id int64
			err = sa.QueryRowContext(ctx, batch.Split(string(doc), "GO")[0]).Scan(&id)
			var me mssql.Error
			if !errors.As(err, &me) || me.Number != 27123 || me.Message !=
				"The operation cannot be started by an account that uses SQL Server Authentication. Start the operation with an account that uses Integrated Authentication." {
				t.Errorf("sa in strict mode: %v", err)
			}

			// A wrong password and an unknown Windows login are refused alike.
			for _, c := range []struct{ login, password string }{{ntlmETLLogin, "Wrong!Pass1"}, {`CONTOSO\nobody`, ntlmETLPassword}} {
				err := ntlmOpenDB(t, srv.LoginDSN(c.login, c.password)).PingContext(ctx)
				if !errors.As(err, &me) || me.Number != 18456 || me.Message != "login error: Login failed for user '"+c.login+"'." {
					t.Errorf("%s: %v", c.login, err)
				}
			}
		})
	}
}

func ntlmOpenDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlserver", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
