// Package scripttest runs the engine's script tests: YAML files of cases
// (setup batches, one batch under test, and the result sets, messages,
// errors and row counts it must produce). The same files run in process
// (procs) and over the wire through go-mssqldb (procs/ssisdb), so both
// paths are held to one set of expectations.
package scripttest

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"
)

// Case is one script test. Nil fields are not checked, except Errors and
// Results, which must match exactly (empty when omitted).
type Case struct {
	Name    string       `yaml:"name"`
	Setup   []string     `yaml:"setup"`   // batches run first on the same session; their errors are ignored
	SQL     string       `yaml:"sql"`     // the batch under test
	Columns [][]string   `yaml:"columns"` // column names per result set
	Results [][][]string `yaml:"results"` // result set -> row -> value as text (NULL for NULL, * for any value)
	Infos   []string     `yaml:"infos"`   // informational messages (PRINT, severity <= 10)
	Errors  []int32      `yaml:"errors"`  // error numbers in order
	Texts   []string     `yaml:"texts"`   // error texts in order
	Counts  []int64      `yaml:"counts"`  // DONE row counts (rows affected) in order
	Lines   []int32      `yaml:"lines"`   // error lines
	Procs   []string     `yaml:"procs"`   // error procedure names
	// WireSkip names a reason the case cannot run over the wire (say, it
	// needs the in-process catalog where every login is sysadmin).
	WireSkip string `yaml:"wire_skip"`
}

// Error is one error a run produced.
type Error struct {
	Number int32
	Text   string
	Line   int32
	Proc   string
}

// Outcome is what a run of a case's batch produced.
type Outcome struct {
	Columns [][]string
	Results [][][]string
	Infos   []string
	Errors  []Error
	Counts  []int64
}

// Load reads every *.yaml file of dir; the map key is the file name.
func Load(t testing.TB, dir string) map[string][]Case {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no script files in %s: %v", dir, err)
	}
	out := map[string][]Case{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cases []Case
		if err := yaml.Unmarshal(data, &cases); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[filepath.Base(f)] = cases
	}
	return out
}

// Check compares an outcome with a case's expectations.
func Check(t testing.TB, tc Case, o Outcome) {
	t.Helper()
	var nums []int32
	var texts []string
	var lines []int32
	var procs []string
	for _, e := range o.Errors {
		nums = append(nums, e.Number)
		texts = append(texts, e.Text)
		lines = append(lines, e.Line)
		procs = append(procs, e.Proc)
	}
	if !same(nums, tc.Errors) {
		t.Errorf("errors = %v %q, want %v", nums, texts, tc.Errors)
	}
	if tc.Texts != nil && !same(texts, tc.Texts) {
		t.Errorf("error texts = %q, want %q", texts, tc.Texts)
	}
	if tc.Lines != nil && !same(lines, tc.Lines) {
		t.Errorf("error lines = %v, want %v", lines, tc.Lines)
	}
	if tc.Procs != nil && !same(procs, tc.Procs) {
		t.Errorf("error procedures = %q, want %q", procs, tc.Procs)
	}
	if !sameResults(o.Results, tc.Results) {
		t.Errorf("results = %q, want %q", o.Results, tc.Results)
	}
	if tc.Columns != nil && !reflect.DeepEqual(o.Columns, tc.Columns) {
		t.Errorf("columns = %q, want %q", o.Columns, tc.Columns)
	}
	if tc.Infos != nil && !same(o.Infos, tc.Infos) {
		t.Errorf("infos = %q, want %q", o.Infos, tc.Infos)
	}
	if tc.Counts != nil && !same(o.Counts, tc.Counts) {
		t.Errorf("counts = %v, want %v", o.Counts, tc.Counts)
	}
}

// same compares slices, nil equal to empty.
func same[T any](a, b []T) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}

func sameResults(a, b [][][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if len(a[i][j]) != len(b[i][j]) {
				return false
			}
			for k := range a[i][j] {
				if b[i][j][k] != "*" && a[i][j][k] != b[i][j][k] {
					return false
				}
			}
		}
	}
	return true
}
