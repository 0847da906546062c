package emulator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
)

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "emulator.yaml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadFileFull(t *testing.T) {
	seed := t.TempDir()
	p := writeConfig(t, `
addr: 127.0.0.1:14330
http_addr: ""
strict: true
seed: [`+seed+`]
log: {level: debug, format: json}
limits:
  max_connections: 50
  login_timeout: 5s
logins:
  - name: CONTOSO\alice
    password: Secret!1
    ssisdb_roles: [ssis_admin]
  - name: bob
    password: pw
workers:
  - id: 64c020e2-f819-4c2d-a22f-efb31a91e70a
    machine_name: WORKER01
    max_task_count: 4
    enabled: false
packages:
  - folder: folder1
    package: package?.dtsx
    outcome: fail
    fail_first: 2
    duration: 1500ms
    messages:
      - {type: 110, text: disk almost full}
timing: {mode: realistic, time_factor: 0.01}
`)
	cfg := Defaults()
	if err := LoadFile(&cfg, p); err != nil {
		t.Fatalf("LoadFile: %v", err)
	}
	if err := cfg.Validate(p); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if cfg.Addr != "127.0.0.1:14330" || cfg.HTTPAddr != "" || !cfg.Strict || cfg.Log.Format != "json" {
		t.Errorf("top-level keys not applied: %+v", cfg)
	}
	if cfg.Limits.MaxConnections != 50 || cfg.Limits.LoginTimeout != 5*time.Second {
		t.Errorf("limits = %+v", cfg.Limits)
	}
	if cfg.Limits.MaxMessageSize != Defaults().Limits.MaxMessageSize {
		t.Errorf("an unset key lost its default: max_message_size = %d", cfg.Limits.MaxMessageSize)
	}
	if len(cfg.Logins) != 2 || cfg.Logins[0].Name != `CONTOSO\alice` || cfg.Logins[0].SSISDBRoles[0] != "ssis_admin" {
		t.Errorf("logins = %+v", cfg.Logins)
	}
	if len(cfg.Workers) != 1 || cfg.Workers[0].Enabled == nil || *cfg.Workers[0].Enabled || cfg.Workers[0].MaxTaskCount != 4 {
		t.Errorf("workers = %+v", cfg.Workers)
	}
	r := cfg.Packages[0]
	if r.Outcome != runner.Fail || r.Folder != "folder1" || r.FailFirst != 2 || r.Duration != 1500*time.Millisecond || r.Messages[0].Text != "disk almost full" {
		t.Errorf("package rule = %+v", r)
	}
	if cfg.Timing.Mode != "realistic" || cfg.Timing.TimeFactor != 0.01 {
		t.Errorf("timing = %+v", cfg.Timing)
	}
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	cases := []struct {
		name string
		yaml string
		want string // substring of the error
	}{
		{"unknown top-level key", "adr: 127.0.0.1:1\n", `:1: adr: unknown key`},
		{"unknown nested key", "limits:\n  max_conections: 3\n", `:2: limits.max_conections: unknown key`},
		{"unknown key in a list item", "workers:\n  - id: 64c020e2-f819-4c2d-a22f-efb31a91e70a\n    colour: red\n", `:3: workers[0].colour: unknown key`},
		{"wrong type", "limits:\n  max_connections: lots\n", `:2: limits.max_connections: "lots" is not a valid integer`},
		{"bad duration", "limits:\n  login_timeout: soon\n", `limits.login_timeout: "soon" is not a valid duration`},
		{"bad tls mode", "tls: {mode: maybe}\n", `tls.mode: must be off, on or required, not "maybe"`},
		{"cert without key", "tls: {mode: on, cert: x.pem}\n", `tls.cert: tls.cert and tls.key go together`},
		{"https with HTTP off", "http_addr: ''\nhttp_tls: true\n", `http_tls: http_tls is set but http_addr is off`},
		{"bad worker id", "workers:\n  - id: not-a-guid\n", `workers[0].id: "not-a-guid" is not a GUID`},
		{"bad outcome", "packages:\n  - package: '*'\n    outcome: explode\n", `:3: packages[0].outcome: runner: outcome "explode" is not succeed, fail or hang`},
		{"unknown role", "logins:\n  - {name: x, password: y, ssisdb_roles: [ssis_boss]}\n", `logins[0].ssisdb_roles[0]: unknown SSISDB role "ssis_boss"`},
		{"duplicate login", "logins:\n  - {name: SA, password: y}\n", `logins[0].name: login "SA" is defined twice`},
		{"bad addr", "addr: nowhere\n", `addr: "nowhere" is not host:port`},
		{"bad timing", "timing: {mode: slow}\n", `timing.mode: must be fast or realistic, not "slow"`},
		{"unreadable seed", "seed: [/nonexistent/seed/dir]\n", `seed[0]: cannot read /nonexistent/seed/dir`},
		{"broken yaml", "addr: [\n", `not valid YAML`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeConfig(t, c.yaml)
			cfg := Defaults()
			err := LoadFile(&cfg, p)
			if err == nil {
				err = cfg.Validate(p)
			}
			if err == nil {
				t.Fatalf("no error for %q", c.yaml)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not contain %q", err, c.want)
			}
			if !strings.HasPrefix(err.Error(), p) {
				t.Errorf("error %q does not start with the file name", err)
			}
		})
	}
}

func TestLoadFileMissing(t *testing.T) {
	cfg := Defaults()
	err := LoadFile(&cfg, filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !strings.Contains(err.Error(), "cannot read the configuration file: no such file or directory") {
		t.Fatalf("err = %v", err)
	}
}

func TestDefaultsAreValid(t *testing.T) {
	cfg := Defaults()
	if err := cfg.Validate("defaults"); err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:1433" || cfg.HTTPAddr != "127.0.0.1:8391" || cfg.SAPassword != "yourStrong(!)Password" {
		t.Fatalf("defaults changed: %+v", cfg)
	}
}

func TestLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:1433": true, "localhost:1": true, "[::1]:1433": true,
		"0.0.0.0:1433": false, ":1433": false, "10.1.2.3:1433": false,
	} {
		if got := Loopback(addr); got != want {
			t.Errorf("Loopback(%q) = %v, want %v", addr, got, want)
		}
	}
}
