package procs

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"
)

// scriptCase is one script test: batches run in order on one session, and
// what the last batch (or every batch, concatenated) must produce. The same
// files run in-process here and over the wire in the ssisdb package's
// end-to-end tests.
type scriptCase struct {
	Name    string       `yaml:"name"`
	Setup   []string     `yaml:"setup"`
	SQL     string       `yaml:"sql"`
	Columns [][]string   `yaml:"columns"`
	Results [][][]string `yaml:"results"`
	Infos   []string     `yaml:"infos"`
	Errors  []int32      `yaml:"errors"`
	Texts   []string     `yaml:"texts"`
	Counts  []int64      `yaml:"counts"`
	Lines   []int32      `yaml:"lines"`
	Procs   []string     `yaml:"procs"`
}

func loadScripts(t *testing.T) map[string][]scriptCase {
	t.Helper()
	files, err := filepath.Glob("testdata/scripts/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no script files: %v", err)
	}
	out := map[string][]scriptCase{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cases []scriptCase
		if err := yaml.Unmarshal(data, &cases); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[filepath.Base(f)] = cases
	}
	return out
}

func TestScripts(t *testing.T) {
	for file, cases := range loadScripts(t) {
		for _, tc := range cases {
			t.Run(file+"/"+tc.Name, func(t *testing.T) {
				s := testSession(t, Config{})
				for _, b := range tc.Setup {
					r, err := runBatch(t, s, b)
					if err != nil {
						t.Fatalf("setup: %v", err)
					}
					_ = r // setup batches may fail on purpose (a batch-aborting error)
				}
				r, err := runBatch(t, s, tc.SQL)
				if err != nil {
					t.Fatalf("batch: %v", err)
				}
				checkOutcome(t, tc, r.outcome())
			})
		}
	}
}

func checkOutcome(t *testing.T, tc scriptCase, o outcome) {
	t.Helper()
	var nums []int32
	var texts []string
	var lines []int32
	var procs []string
	for _, e := range o.errors {
		nums = append(nums, e.Number)
		texts = append(texts, e.Text)
		lines = append(lines, e.Line)
		procs = append(procs, e.Proc)
	}
	if len(nums) != len(tc.Errors) || (len(nums) > 0 && !reflect.DeepEqual(nums, tc.Errors)) {
		t.Errorf("errors = %v %q, want %v", nums, texts, tc.Errors)
	}
	if tc.Texts != nil && !reflect.DeepEqual(texts, tc.Texts) {
		t.Errorf("error texts = %q, want %q", texts, tc.Texts)
	}
	if tc.Lines != nil && !reflect.DeepEqual(lines, tc.Lines) {
		t.Errorf("error lines = %v, want %v", lines, tc.Lines)
	}
	if tc.Procs != nil && !reflect.DeepEqual(procs, tc.Procs) {
		t.Errorf("error procedures = %q, want %q", procs, tc.Procs)
	}
	results := o.results
	if results == nil {
		results = [][][]string{}
	}
	want := tc.Results
	if want == nil {
		want = [][][]string{}
	}
	for i := range want {
		if want[i] == nil {
			want[i] = [][]string{}
		}
	}
	if !reflect.DeepEqual(results, want) {
		t.Errorf("results = %q, want %q", results, want)
	}
	if tc.Columns != nil && !reflect.DeepEqual(o.columns, tc.Columns) {
		t.Errorf("columns = %q, want %q", o.columns, tc.Columns)
	}
	if tc.Infos != nil && (len(o.infos) != len(tc.Infos) || (len(o.infos) > 0 && !reflect.DeepEqual(o.infos, tc.Infos))) {
		t.Errorf("infos = %q, want %q", o.infos, tc.Infos)
	}
	if tc.Counts != nil && (len(o.counts) != len(tc.Counts) || (len(o.counts) > 0 && !reflect.DeepEqual(o.counts, tc.Counts))) {
		t.Errorf("counts = %v, want %v", o.counts, tc.Counts)
	}
}
