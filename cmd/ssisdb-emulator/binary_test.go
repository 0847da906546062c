package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/microsoft/go-mssqldb"

	sqlrun "github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-sqlcmd/run"
)

var update = flag.Bool("update", false, "rewrite the golden .out files of testdata/scripts/e2e")

// buildBinary builds the command once per test binary run.
var buildOnce struct {
	sync.Once
	path string
	err  error
}

func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ssisdb-emulator-bin-")
		if err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.path = filepath.Join(dir, "ssisdb-emulator")
		out, err := exec.Command("go", "build", "-o", buildOnce.path, ".").CombinedOutput()
		if err != nil {
			buildOnce.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildOnce.err != nil {
		t.Fatal(buildOnce.err)
	}
	return buildOnce.path
}

// process is a running emulator binary.
type process struct {
	cmd      *exec.Cmd
	tdsAddr  string
	httpAddr string
	stderr   *bytes.Buffer
	done     chan error
}

var readyRe = regexp.MustCompile(`^ready tds=(\S+)(?: http=https?://(\S+))? connection="[^"]*"$`)

// start runs the binary with args and waits for its ready line.
func start(t *testing.T, args ...string) *process {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), "MSSQL_SA_PASSWORD=")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, stderr: &bytes.Buffer{}, done: make(chan error, 1)}
	cmd.Stderr = &syncWriter{w: p.stderr}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	deadline := time.After(30 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("the emulator exited before it was ready; stderr:\n%s", p.stderr)
			}
			m := readyRe.FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("first stdout line is not the ready line: %q", line)
			}
			p.tdsAddr, p.httpAddr = m[1], m[2]
			go func() {
				for range lines {
				}
			}()
			return p
		case <-deadline:
			t.Fatalf("no ready line within 30s; stderr:\n%s", p.stderr)
		}
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}

func (p *process) db(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlserver", fmt.Sprintf("sqlserver://sa:%s@%s?database=master",
		"yourStrong%28%21%29Password", p.tdsAddr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestBinaryServesDemoCatalog is the first minute of a user: start the
// command, wait for ready, check /healthz and /metrics, and replay the
// testdata scripts through go-mssqldb as sqlcmd would, comparing the output
// with the golden files.
func TestBinaryServesDemoCatalog(t *testing.T) {
	p := start(t, "--addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0")

	resp, err := http.Get("http://" + p.httpAddr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(string(body), "ok") {
		t.Fatalf("/healthz = %d %q", resp.StatusCode, body)
	}

	db := p.db(t)
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	doc, err := os.ReadFile(filepath.Join("..", "..", "testdata", "scripts", "scaleout-doc-example.sql"))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res, err := sqlrun.Script(ctx, conn, string(doc), &out, sqlrun.Options{ExitOnError: true})
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("doc example: exit %d, err %v, output:\n%s", res.ExitCode, err, out.String())
	}
	if got := strings.Fields(out.String()); !strings.Contains(strings.Join(got, " "), "3 (1 row affected) - 4 (1 row affected)") {
		t.Fatalf("doc example did not return the two execution ids 3 and 4:\n%s", out.String())
	}

	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "scripts", "e2e", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no e2e scripts: %v", err)
	}
	for _, f := range files {
		script, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if _, err := sqlrun.Script(ctx, conn, string(script), &out, sqlrun.Options{}); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		got := normalizeServer(out.String())
		golden := strings.TrimSuffix(f, ".sql") + ".out"
		if *update {
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if got != string(want) {
			t.Errorf("%s: output differs from %s\n--- got ---\n%s\n--- want ---\n%s", filepath.Base(f), filepath.Base(golden), got, want)
		}
	}

	resp, err = http.Get("http://" + p.httpAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`ssisdb_emulator_executions{status="succeeded"} 2`,
		`ssisdb_emulator_errors_total{number="27190"} 1`,
		`ssisdb_emulator_tds_requests_total{kind="batch"}`,
		`ssisdb_emulator_scaleout_dispatch_latency_seconds_count 2`,
	} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// normalizeServer hides the host name, which is the server name in every
// error line.
var serverRe = regexp.MustCompile(`, Server [^,]+, `)

func normalizeServer(s string) string { return serverRe.ReplaceAllString(s, ", Server EMULATOR, ") }

// TestBinaryConfigErrors: a bad configuration or a port in use exits
// non-zero with a message that names the key and the problem.
func TestBinaryConfigErrors(t *testing.T) {
	busy := start(t, "--addr", "127.0.0.1:0", "--http-addr", "off")
	dir := t.TempDir()
	writeFile := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"port in use", []string{"--addr", busy.tdsAddr, "--http-addr", "off"}, exitFailed,
			"config: addr: " + busy.tdsAddr + " is already in use by another program"},
		{"unknown key", []string{"--config", writeFile("unknown.yaml", "addr: 127.0.0.1:0\nworkres: []\n")}, exitConfig,
			"unknown.yaml:2: workres: unknown key"},
		{"bad value", []string{"--config", writeFile("bad.yaml", "tls:\n  mode: sometimes\n")}, exitConfig,
			"bad.yaml: tls.mode: must be off, on or required, not \"sometimes\""},
		{"bad flag value", []string{"--tls", "sometimes"}, exitConfig, "flags: tls.mode: must be off, on or required"},
		{"unreadable seed", []string{"--seed", filepath.Join(dir, "missing.ispac")}, exitConfig,
			"seed[0]: cannot read " + filepath.Join(dir, "missing.ispac") + ": no such file or directory"},
		{"broken seed", []string{"--addr", "127.0.0.1:0", "--http-addr", "off", "--seed", writeFile("broken.ispac", "not a zip")}, exitConfig,
			"seed[0]:"},
		{"unknown flag", []string{"--colour"}, exitConfig, "flag provided but not defined: -colour"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(binary(t), c.args...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != c.code {
				t.Errorf("exit code %d, want %d; stderr: %s", code, c.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), c.want) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), c.want)
			}
		})
	}
}

// TestBinaryShutsDownOnSignal: SIGTERM ends the process cleanly with 0.
func TestBinaryShutsDownOnSignal(t *testing.T) {
	p := start(t, "--addr", "127.0.0.1:0", "--http-addr", "off")
	if err := p.db(t).Ping(); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v; stderr:\n%s", err, p.stderr)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no exit within 20s of SIGTERM")
	}
}
