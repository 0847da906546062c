package main

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// TestImportDirection fails on an import edge that the architecture forbids:
// cmd -> tds, procs, catalog; procs -> catalog (and tds for the handler
// seam); tds and catalog never import procs; catalog never imports tds; the
// parser stays pure.
func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", "../../...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const mod = "github.com/ssisdb-emulator/ssisdb-emulator/"
	dec := json.NewDecoder(strings.NewReader(string(out)))
	type pkg struct {
		ImportPath string
		Imports    []string
	}
	area := func(p string) string {
		rel := strings.TrimPrefix(p, mod)
		if rel == p {
			return "" // outside the module
		}
		if strings.HasPrefix(rel, "procs/tsql") {
			return "tsql"
		}
		return strings.SplitN(rel, "/", 2)[0]
	}
	forbidden := map[string][]string{
		"tds":     {"procs", "tsql", "catalog", "cmd"},
		"catalog": {"procs", "tsql", "tds", "cmd"},
		"tsql":    {"procs", "tds", "cmd"},
		"procs":   {"cmd"},
	}
	seen := 0
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		seen++
		from := area(p.ImportPath)
		for _, imp := range p.Imports {
			to := area(imp)
			for _, bad := range forbidden[from] {
				if to == bad {
					t.Errorf("%s imports %s: %s must not import %s", p.ImportPath, imp, from, bad)
				}
			}
		}
	}
	if seen < 3 {
		t.Fatalf("go list returned %d packages; the check saw nothing", seen)
	}
}
