package tds_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds/tdstest"
)

// Real clients logging in with a Windows-style name, which each of them
// turns into NTLM: go-mssqldb and FreeTDS (tsql, the ODBC driver under
// pyodbc) answer NTLMv2, tedious answers LMv2 (its NTLMv2 field is cut to
// 16 bytes).

// ntlmDSN is a go-mssqldb URL for a DOMAIN\user login.
func ntlmDSN(addr, user, password string, params ...string) string {
	u := url.URL{Scheme: "sqlserver", User: url.UserPassword(user, password), Host: addr}
	q := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		q.Set(params[i], params[i+1])
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// checkIntegrated asserts that the fake saw exactly one integrated session
// for CONTOSO\alice.
func checkIntegrated(t *testing.T, srv *tdstest.Server, user string, encrypted bool) {
	t.Helper()
	logins := srv.Handler.Logins()
	if len(logins) != 1 {
		t.Fatalf("%d sessions", len(logins))
	}
	l := logins[0]
	if l.UserName != user || !l.Integrated || l.Password != "" || l.Encrypted != encrypted {
		t.Errorf("login %q integrated=%v password=%q encrypted=%v", l.UserName, l.Integrated, l.Password, l.Encrypted)
	}
}

func TestNTLMGoMSSQL(t *testing.T) {
	modes := append(encryptionModes[:len(encryptionModes):len(encryptionModes)], struct {
		name      string
		tls       tds.TLSMode
		params    []string
		encrypted bool
	}{"encrypt=true, epa enabled", tds.TLSOn, []string{"encrypt", "true", "TrustServerCertificate", "true", "epa enabled", "true"}, true})
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			srv := tdstest.Start(t, tds.Config{TLS: mode.tls, Certificate: testCert()}, nil)
			params := append([]string(nil), mode.params...)
			for i := range params {
				if params[i] == "$CERT" {
					params[i] = certFile(t)
				}
			}
			db := openDB(t, ntlmDSN(srv.Addr, tdstest.WindowsUser, tdstest.WindowsPassword, params...))
			var one int
			if err := db.QueryRowContext(context.Background(), "select 1").Scan(&one); err != nil || one != 1 {
				t.Fatalf("select 1: %v %v", one, err)
			}
			checkIntegrated(t, srv, tdstest.WindowsUser, mode.encrypted)
			for _, c := range []struct{ user, password string }{
				{tdstest.WindowsUser, "Wrong!Pass2"},
				{`CONTOSO\nobody`, tdstest.WindowsPassword},
				{`CONTOSO\` + tdstest.User, tdstest.Password}, // a SQL login's name under a domain
			} {
				bad := openDB(t, ntlmDSN(srv.Addr, c.user, c.password, params...))
				var me mssql.Error
				err := bad.PingContext(context.Background())
				if !errors.As(err, &me) || me.Number != 18456 || me.Class != 14 || me.Message != "login error: Login failed for user '"+c.user+"'." {
					t.Errorf("%s: %v (number %d class %d message %q)", c.user, err, me.Number, me.Class, me.Message)
				}
			}
			if n := len(srv.Handler.Logins()); n != 1 {
				t.Errorf("%d sessions after the failures", n)
			}
		})
	}
}

// FreeTDS tsql with -U 'CONTOSO\alice': plaintext, login-only TLS (its
// default "request") and full TLS.
func TestNTLMFreeTDSTsql(t *testing.T) {
	tsql := requireClient(t, "tsql")
	for _, c := range []struct {
		name      string
		tls       tds.TLSMode
		conf      string
		encrypted bool
	}{
		{"plaintext", tds.TLSOff, "", false},
		{"login-only TLS", tds.TLSOn, "", false},
		{"encryption=require", tds.TLSOn, "encryption = require", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := tdstest.Start(t, tds.Config{TLS: c.tls, Certificate: testCert()}, nil)
			conf := freetdsConf(t, srv.Addr, c.conf)
			run := func(password string) (string, error) {
				cmd := tsqlCmd(t, tsql, conf, tdstest.WindowsUser, password, "select 1\ngo\nexit\n")
				out, err := cmd.CombinedOutput() // tsql prints server messages on stderr
				return string(out), err
			}
			out, err := run(tdstest.WindowsPassword)
			if err != nil || strings.TrimSpace(out) != "1" {
				t.Fatalf("tsql: %v\n%s", err, out)
			}
			checkIntegrated(t, srv, tdstest.WindowsUser, c.encrypted)
			out, err = run("Wrong!Pass2")
			if err == nil || !strings.Contains(out, "Msg 18456 (severity 14, state 1)") || !strings.Contains(out, `Login failed for user 'CONTOSO\alice'.`) {
				t.Errorf("wrong password: %v\n%s", err, out)
			}
		})
	}
}

// FreeTDS configured with "use ntlmv2 = no" answers with an NTLM2-session
// response, which the server refuses like a wrong password (the log says
// why): no client needs NTLMv1 by default.
func TestNTLMFreeTDSWithoutNTLMv2(t *testing.T) {
	tsql := requireClient(t, "tsql")
	srv := tdstest.Start(t, tds.Config{}, nil)
	conf := freetdsConf(t, srv.Addr, "use ntlmv2 = no")
	cmd := tsqlCmd(t, tsql, conf, tdstest.WindowsUser, tdstest.WindowsPassword, "select 1\ngo\nexit\n")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), `Login failed for user 'CONTOSO\alice'.`) {
		t.Errorf("tsql without NTLMv2: %v\n%s", err, out)
	}
	if n := len(srv.Handler.Logins()); n != 0 {
		t.Errorf("%d sessions", n)
	}
}

// pyodbc over the FreeTDS ODBC driver with UID=CONTOSO\alice runs its whole
// client script (queries, sp_prepexec, {call}) on the NTLM session.
func TestNTLMPyODBC(t *testing.T) {
	py := requirePyODBC(t)
	for _, c := range []struct {
		name      string
		tls       tds.TLSMode
		extra     string
		encrypted bool
	}{
		{"plaintext", tds.TLSOff, "", false},
		{"encryption=require", tds.TLSOn, "Encryption=require;", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := tdstest.Start(t, tds.Config{TLS: c.tls, Certificate: testCert()}, nil)
			type result struct {
				Select1 [][]any `json:"select1"`
				Params  [][]any `json:"params"`
				Call    [][]any `json:"call"`
				Login   string  `json:"login_error"`
			}
			run := func(user, password string) result {
				out := runClient(t, exec.CommandContext(clientCtx(t), py, "testdata/clients/pyodbc_client.py", port(srv.Addr), user, password, c.extra))
				var got result
				if err := json.Unmarshal([]byte(out), &got); err != nil {
					t.Fatalf("%v in %q", err, out)
				}
				return got
			}
			got := run(tdstest.WindowsUser, tdstest.WindowsPassword)
			if got.Login != "" || fmt.Sprint(got.Select1) != "[[1]]" || fmt.Sprint(got.Params) != "[[5 héllo]]" || fmt.Sprint(got.Call) != "[[7 x]]" {
				t.Fatalf("results: %+v", got)
			}
			checkIntegrated(t, srv, tdstest.WindowsUser, c.encrypted)
			for _, user := range []string{tdstest.WindowsUser, `contoso\carol`} {
				bad := run(user, "Wrong!Pass2")
				if !strings.Contains(bad.Login, "Login failed for user '"+strings.ReplaceAll(user, `\`, `\\`)+"'. (18456)") {
					t.Errorf("%s: %+v", user, bad)
				}
			}
		})
	}
}

// tedious with authentication type 'ntlm'.
func TestNTLMTedious(t *testing.T) {
	node, modules := requireTedious(t)
	type result struct {
		Select1    [][]any `json:"select1"`
		LoginError struct {
			Message string `json:"message"`
			Code    string `json:"code"`
		} `json:"loginError"`
	}
	run := func(t *testing.T, srv *tdstest.Server, encrypt bool, domain, user, password string) result {
		cfg, _ := json.Marshal(map[string]any{"port": mustAtoi(port(srv.Addr)), "domain": domain, "user": user, "password": password,
			"encrypt": encrypt, "ca": certFile(t), "loginOnly": true})
		cmd := exec.CommandContext(clientCtx(t), node, "testdata/clients/tedious_client.js", string(cfg))
		cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
		out := runClient(t, cmd)
		var got result
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v in %q", err, out)
		}
		return got
	}
	for _, c := range []struct {
		name      string
		tls       tds.TLSMode
		encrypt   bool
		domain    string
		encrypted bool
	}{
		{"encrypt=false", tds.TLSOff, false, "CONTOSO", false},
		{"encrypt=true, lower-case domain", tds.TLSOn, true, "contoso", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := tdstest.Start(t, tds.Config{TLS: c.tls, Certificate: testCert()}, nil)
			got := run(t, srv, c.encrypt, c.domain, "alice", tdstest.WindowsPassword)
			if fmt.Sprint(got.Select1) != "[[1]]" || got.LoginError.Message != "" {
				t.Fatalf("got %+v", got)
			}
			// tedious upper-cases the domain, in its messages and its key.
			user := strings.ToUpper(c.domain) + `\alice`
			checkIntegrated(t, srv, user, c.encrypted)
			bad := run(t, srv, c.encrypt, c.domain, "alice", "Wrong!Pass2")
			if bad.LoginError.Code != "ELOGIN" || bad.LoginError.Message != "Login failed for user '"+user+"'." {
				t.Errorf("wrong password: %+v", bad)
			}
		})
	}
	// The full client script (sp_executesql, procedures, transactions) on
	// an NTLM session.
	srv := tdstest.Start(t, tds.Config{}, nil)
	cfg, _ := json.Marshal(map[string]any{"port": mustAtoi(port(srv.Addr)), "domain": "CONTOSO", "user": "alice",
		"password": tdstest.WindowsPassword, "encrypt": false, "ca": certFile(t)})
	cmd := exec.CommandContext(clientCtx(t), node, "testdata/clients/tedious_client.js", string(cfg))
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	out := runClient(t, cmd)
	if !strings.Contains(out, `"select1":[[1]]`) || !strings.Contains(out, `"status":42`) || !strings.Contains(out, `"afterTx":[[1]]`) {
		t.Errorf("tedious client script: %s", out)
	}
	checkIntegrated(t, srv, `CONTOSO\alice`, false)
}
