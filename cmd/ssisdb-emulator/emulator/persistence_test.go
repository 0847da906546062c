package emulator

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/store"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func dataDirConfig(dir string) Config {
	cfg := Defaults()
	cfg.Addr = "127.0.0.1:0"
	cfg.HTTPAddr = ""
	cfg.DataDir = dir
	cfg.Packages = []runner.Rule{{Folder: "folder2", Outcome: runner.Hang}}
	return cfg
}

// count returns how many rows of an SSISDB view match keep.
func count(t *testing.T, e *Emulator, view string, keep func(cols []rows.Column, r rows.Row) bool) int {
	t.Helper()
	sa, err := e.Catalog.CallerFor("sa")
	if err != nil {
		t.Fatal(err)
	}
	schema, name, _ := strings.Cut(view, ".")
	src, ok := e.Catalog.View(catalog.SSISDB, schema, name, sa)
	if !ok {
		t.Fatalf("no view %s", view)
	}
	n := 0
	cols := src.Columns()
	if err := src.Scan(context.Background(), func(r rows.Row) bool {
		if keep(cols, r) {
			n++
		}
		return true
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

func col(cols []rows.Column, r rows.Row, name string) string {
	for i, c := range cols {
		if c.Name == name {
			return r[i].GoString()
		}
	}
	return ""
}

// TestDataDir: the first start initialises the directory with the demo
// catalog; a second emulator on the same directory is refused; a restart
// keeps what was done, logs a WARN line per execution that was in flight
// (now 6), and does not deploy the demo catalog again.
func TestDataDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	ctx := context.Background()
	log1 := &lockedBuffer{}
	cfg := dataDirConfig(dir)
	if err := cfg.Validate("test"); err != nil {
		t.Fatal(err)
	}
	e1, err := New(cfg, Options{Logger: slog.New(slog.NewTextHandler(log1, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer e1.Close(ctx)
	if _, err := os.Stat(filepath.Join(dir, store.DBFile)); err != nil {
		t.Fatalf("no database in the data directory: %v", err)
	}
	sa, _ := e1.Catalog.CallerFor("sa")
	kept := "kept"
	if _, err := e1.Catalog.CreateFolder(ctx, nil, sa, &kept); err != nil {
		t.Fatal(err)
	}
	f, p, pkg, no, yes := "folder2", "project2", "package2.dtsx", false, true
	id, err := e1.Catalog.CreateExecution(ctx, nil, sa, catalog.CreateExecutionArgs{FolderName: &f, ProjectName: &p, PackageName: &pkg,
		Use32BitRuntime: &no, RunInScaleOut: &yes, UseAnyWorker: &yes})
	if err != nil {
		t.Fatal(err)
	}
	if err := e1.Catalog.StartExecution(ctx, nil, sa, &id, nil); err != nil {
		t.Fatal(err)
	}
	if err := e1.Master.Settle(ctx); err != nil {
		t.Fatal(err)
	}

	_, err = New(cfg, Options{})
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Key != "data_dir" || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("a second emulator on the same directory: %v, want a data_dir error naming it", err)
	}
	if err := e1.Close(ctx); err != nil {
		t.Fatal(err)
	}

	log2 := &lockedBuffer{}
	e2, err := New(cfg, Options{Logger: slog.New(slog.NewTextHandler(log2, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close(ctx)
	if n := count(t, e2, "catalog.folders", func(c []rows.Column, r rows.Row) bool { return strings.Contains(col(c, r, "name"), `"kept"`) }); n != 1 {
		t.Errorf("folder kept: %d rows after restart", n)
	}
	if n := count(t, e2, "catalog.operations", func(c []rows.Column, r rows.Row) bool { return col(c, r, "operation_type") == "smallint(101)" }); n != 2 {
		t.Errorf("%d deploy operations after restart, want the 2 of the first start (no second demo deployment)", n)
	}
	if n := count(t, e2, "catalog.executions", func(c []rows.Column, r rows.Row) bool {
		return col(c, r, "execution_id") == "bigint("+itoa(id)+")" && col(c, r, "status") == "int(6)"
	}); n != 1 {
		t.Errorf("the running execution %d is not 6 after restart", id)
	}
	warn := ""
	for _, line := range strings.Split(log2.String(), "\n") {
		if strings.Contains(line, "level=WARN") && strings.Contains(line, "During startup") {
			warn = line
		}
	}
	if !strings.Contains(warn, "marked operation "+itoa(id)+" (type 200, status 2) as terminated") || !strings.Contains(warn, "msg=27165") {
		t.Errorf("no WARN line for execution %d in the log:\n%s", id, log2.String())
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestDataDirChecks: a data_dir that cannot be a directory is refused by
// Validate, naming the key.
func TestDataDirChecks(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ dir, want string }{
		{file, "data_dir: " + file + " is not a directory"},
		{filepath.Join(file, "sub"), "data_dir: cannot create " + filepath.Join(file, "sub")},
	} {
		cfg := Defaults()
		cfg.DataDir = c.dir
		err := cfg.Validate("flags")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("data_dir %s: %v, want %q", c.dir, err, c.want)
		}
	}
	cfg := Defaults()
	cfg.DataDir = filepath.Join(t.TempDir(), "new", "nested")
	if err := cfg.Validate("flags"); err != nil {
		t.Fatalf("a data_dir that does not exist yet: %v", err)
	}
	if entries, err := os.ReadDir(cfg.DataDir); err != nil || len(entries) != 0 {
		t.Errorf("Validate left %v in the new directory (err %v)", entries, err)
	}
}
