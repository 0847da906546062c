package sqlcmd_test

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/procs/sqlcmd"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// TestScriptsGolden splits every script under the repository's
// testdata/scripts the way sqlcmd would and parses each batch. For the
// top-level scripts and those under parser/ it compares the trees (or the
// compile errors, with their script lines) with a golden file; run with
// -update after a deliberate change and review the diff.
func TestScriptsGolden(t *testing.T) {
	root := filepath.Join("..", "..", "testdata", "scripts")
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".sql") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 3 {
		t.Fatalf("found %d scripts under %s", len(files), root)
	}
	for _, path := range files {
		rel, _ := filepath.Rel(root, path)
		t.Run(rel, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got := render(string(src))
			if dir := filepath.Dir(rel); dir != "." && dir != "parser" {
				// Other suites own these scripts and change them on their
				// own schedule: they only have to split and parse cleanly
				// (an error in them may be the point of the script).
				if strings.Contains(got, "unexpected error") {
					t.Errorf("%s:\n%s", rel, got)
				}
				return
			}
			golden := filepath.Join("testdata", "golden", strings.TrimSuffix(rel, ".sql")+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s; run go test -run TestScriptsGolden -update and review the diff\n%s", rel, golden, firstDiff(got, string(want)))
			}
		})
	}
}

func render(script string) string {
	var b strings.Builder
	batches, err := sqlcmd.Split(script, sqlcmd.Options{})
	if err != nil {
		fmt.Fprintf(&b, "sqlcmd: %v\n", err)
		return b.String()
	}
	for i, batch := range batches {
		fmt.Fprintf(&b, "=== batch %d: script line %d, repeat %d\n", i+1, batch.Line, batch.Repeat)
		parsed, err := tsql.Parse(batch.Text)
		if err != nil {
			var errs tsql.Errors
			if !errors.As(err, &errs) {
				fmt.Fprintf(&b, "unexpected error %v\n", err)
				continue
			}
			for _, e := range errs {
				fmt.Fprintf(&b, "Msg %d, Level %d, State %d, Line %d (script line %d)\n%s\n",
					e.Number, e.Severity, e.State, e.Line, batch.ScriptLine(int(e.Line)), e.Message)
			}
			continue
		}
		for _, s := range parsed.Stmts {
			b.WriteString(tsql.Dump(s))
		}
	}
	return b.String()
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("first difference at line %d:\n got: %s\nwant: %s", i+1, gl, wl)
		}
	}
	return ""
}
