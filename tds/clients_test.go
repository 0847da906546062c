package tds_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds/tdstest"
)

// requireClient finds a client program. It skips the test when the client
// is missing on a developer machine and fails in CI, where .ci/run installs
// every client.
func requireClient(t *testing.T, path string) string {
	t.Helper()
	p, err := exec.LookPath(path)
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("%s is not installed (set CI to make this a failure)", path)
		}
		t.Fatalf("%s is not installed: %v", path, err)
	}
	return p
}

// requireTedious returns node and the node_modules directory that holds
// tedious, skipping the test when tedious is not installed (failing it when
// CI is set).
func requireTedious(t *testing.T) (node, modules string) {
	t.Helper()
	node = requireClient(t, "node")
	modules, err := filepath.Abs("../testdata/clients/node/node_modules")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(modules, "tedious", "package.json")); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("tedious is not installed (npm ci in testdata/clients/node)")
		}
		t.Fatalf("tedious is not installed: %v", err)
	}
	return node, modules
}

// requirePyODBC returns the python that imports pyodbc, skipping the test
// when it cannot (failing it when CI is set).
func requirePyODBC(t *testing.T) string {
	t.Helper()
	py := requireClient(t, "/usr/bin/python3")
	if err := exec.Command(py, "-c", "import pyodbc").Run(); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("pyodbc is not importable by /usr/bin/python3")
		}
		t.Fatalf("pyodbc is not importable: %v", err)
	}
	return py
}

// freetdsConf writes a freetds.conf whose server "emulator" is the test
// server at addr, with one extra setting line, and returns its path.
func freetdsConf(t *testing.T, addr, extra string) string {
	t.Helper()
	conf := filepath.Join(t.TempDir(), "freetds.conf")
	body := fmt.Sprintf("[global]\n\ttds version = auto\n[emulator]\n\thost = 127.0.0.1\n\tport = %s\n\t%s\n", port(addr), extra)
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return conf
}

// tsqlCmd is FreeTDS tsql signing in to the server of conf as user and
// reading input.
func tsqlCmd(t *testing.T, tsql, conf, user, password, input string) *exec.Cmd {
	cmd := exec.CommandContext(clientCtx(t), tsql, "-S", "emulator", "-U", user, "-P", password, "-o", "q")
	cmd.Env = append(os.Environ(), "FREETDSCONF="+conf, "FREETDS="+conf)
	cmd.Stdin = strings.NewReader(input)
	return cmd
}

func runClient(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", cmd.Path, err, out, stderr)
	}
	return string(out)
}

func clientCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func port(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

// FreeTDS tsql against plaintext, login-only TLS (its default "request"
// sends OFF) and full TLS (encryption = require).
func TestFreeTDSTsql(t *testing.T) {
	tsql := requireClient(t, "tsql")
	cases := []struct {
		name      string
		tls       tds.TLSMode
		conf      string
		encrypted bool
	}{
		{"plaintext", tds.TLSOff, "", false},
		{"login-only TLS", tds.TLSOn, "", false},
		{"encryption=require", tds.TLSOn, "encryption = require", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := tdstest.Start(t, tds.Config{TLS: c.tls, Certificate: testCert()}, nil)
			conf := freetdsConf(t, srv.Addr, c.conf)
			cmd := tsqlCmd(t, tsql, conf, tdstest.User, tdstest.Password, "select 1\ngo\nselect @@version\ngo\nerror\ngo\nexit\n")
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out := runClient(t, cmd) + stderr.String() // tsql prints server messages on stderr
			if !strings.Contains(out, "1") || !strings.Contains(out, "16.0.1000.6") {
				t.Errorf("tsql output:\n%s", out)
			}
			if !strings.Contains(out, "Msg 50000") || !strings.Contains(out, "fake error") {
				t.Errorf("tsql did not print the error:\n%s", out)
			}
			logins := srv.Handler.Logins()
			if len(logins) != 1 || logins[0].AppName != "TSQL" || logins[0].Encrypted != c.encrypted {
				t.Fatalf("logins: %+v", logins)
			}
			if tlsUsed := srv.Stats().TLSHandshakes > 0; tlsUsed != (c.tls != tds.TLSOff) {
				t.Errorf("TLS handshakes: %d", srv.Stats().TLSHandshakes)
			}
		})
	}
}

// pyodbc with the FreeTDS ODBC driver: plain query, ? parameters (sent as
// sp_prepexec with NTEXT declarations) and an ODBC {call}.
func TestPyODBC(t *testing.T) {
	py := requirePyODBC(t)
	cases := []struct {
		name      string
		tls       tds.TLSMode
		extra     string
		encrypted bool
	}{
		{"plaintext", tds.TLSOff, "", false},
		{"login-only TLS", tds.TLSOn, "", false},
		{"encryption=require", tds.TLSOn, "Encryption=require;", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := tdstest.Start(t, tds.Config{TLS: c.tls, Certificate: testCert()}, nil)
			cmd := exec.CommandContext(clientCtx(t), py, "testdata/clients/pyodbc_client.py", port(srv.Addr), tdstest.User, tdstest.Password, c.extra)
			out := runClient(t, cmd)
			var got struct {
				DBMSVer string  `json:"dbms_ver"`
				Select1 [][]any `json:"select1"`
				Params  [][]any `json:"params"`
				Call    [][]any `json:"call"`
				Error   string  `json:"error"`
				Login   string  `json:"login_error"`
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("%v in %q", err, out)
			}
			if got.Login != "" {
				t.Fatalf("login failed: %s", got.Login)
			}
			if got.DBMSVer != "16.00.1000" {
				t.Errorf("SQL_DBMS_VER %q", got.DBMSVer)
			}
			if fmt.Sprint(got.Select1) != "[[1]]" || fmt.Sprint(got.Params) != "[[5 héllo]]" || fmt.Sprint(got.Call) != "[[7 x]]" {
				t.Errorf("results: %+v", got)
			}
			if !strings.Contains(got.Error, "fake error") {
				t.Errorf("error: %q", got.Error)
			}
			if ev := strings.Join(srv.Handler.Events(), "|"); !strings.Contains(ev, "rpc:sp_prepexec") || !strings.Contains(ev, "rpc:dbo.echo") {
				t.Errorf("events: %s", ev)
			}
			logins := srv.Handler.Logins()
			if len(logins) != 1 || logins[0].Encrypted != c.encrypted {
				t.Fatalf("logins: %+v", logins)
			}
			if tlsUsed := srv.Stats().TLSHandshakes > 0; tlsUsed != (c.tls != tds.TLSOff) {
				t.Errorf("TLS handshakes: %d", srv.Stats().TLSHandshakes)
			}
		})
	}
}

// tedious 19.2.2: its default encrypt=true continues in plaintext against a
// server without TLS, does full TLS against one with TLS, and 'strict' is
// TDS 8.0.
func TestTedious(t *testing.T) {
	node, modules := requireTedious(t)
	cases := []struct {
		name      string
		tls       tds.TLSMode
		encrypt   any
		encrypted bool
	}{
		{"encrypt=false", tds.TLSOff, false, false},
		{"encrypt=true, server without TLS", tds.TLSOff, true, false},
		{"encrypt=true", tds.TLSOn, true, true},
		{"encrypt=strict", tds.TLSOn, "strict", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := tdstest.Start(t, tds.Config{TLS: c.tls, Certificate: testCert()}, nil)
			cfg, _ := json.Marshal(map[string]any{"port": mustAtoi(port(srv.Addr)), "user": tdstest.User, "password": tdstest.Password,
				"encrypt": c.encrypt, "ca": certFile(t)})
			cmd := exec.CommandContext(clientCtx(t), node, "testdata/clients/tedious_client.js", string(cfg))
			cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
			out := runClient(t, cmd)
			var got struct {
				Select1 [][]any `json:"select1"`
				Params  [][]any `json:"params"`
				Proc    struct {
					Rows    [][]any        `json:"rows"`
					Outputs map[string]any `json:"outputs"`
					Status  float64        `json:"status"`
				} `json:"proc"`
				InTx    [][]any `json:"inTx"`
				AfterTx [][]any `json:"afterTx"`
				Error   struct {
					Number  float64 `json:"number"`
					Class   float64 `json:"class"`
					Message string  `json:"message"`
				} `json:"error"`
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("%v in %q", err, out)
			}
			if fmt.Sprint(got.Select1) != "[[1]]" || fmt.Sprint(got.Params) != "[[5 héllo 😀]]" {
				t.Errorf("queries: %+v", got)
			}
			if fmt.Sprint(got.Proc.Rows) != "[[from tedious 41 abc]]" || got.Proc.Outputs["n"] != 42.0 || got.Proc.Outputs["s"] != "abc+" || got.Proc.Status != 42 {
				t.Errorf("procedure: %+v", got.Proc)
			}
			if fmt.Sprint(got.InTx) != "[[1]]" || fmt.Sprint(got.AfterTx) != "[[1]]" {
				t.Errorf("transaction: %+v %+v", got.InTx, got.AfterTx)
			}
			if got.Error.Number != 50000 || got.Error.Class != 16 || got.Error.Message != "fake error" {
				t.Errorf("error: %+v", got.Error)
			}
			ev := strings.Join(srv.Handler.Events(), "|")
			for _, want := range []string{"batch:set ", "rpc:sp_executesql", "rpc:bump", "tm:5", "tm:7"} {
				if !strings.Contains(ev, want) {
					t.Errorf("no %q in events %s", want, ev)
				}
			}
			logins := srv.Handler.Logins()
			if len(logins) != 1 || logins[0].AppName != "Tedious" || logins[0].Encrypted != c.encrypted {
				t.Fatalf("logins: %+v", logins)
			}
		})
	}
}

func mustAtoi(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}
