package ssisdb

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
)

// TestCoverageDocListsEverything keeps docs/coverage.md true: every catalog
// procedure, control procedure and catalog view the emulator serves has a
// row there, and every procedure the coverage calls supported exists.
func TestCoverageDocListsEverything(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "coverage.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	cat := catalog.New(catalog.Options{})
	sim, err := runner.NewSim(runner.Config{})
	if err != nil {
		t.Fatal(err)
	}
	bound := map[string]bool{}
	for _, d := range Procs(cat) {
		// Catalog procedures are listed by name, others (internal.*) with
		// their schema.
		name := d.Name
		if d.Schema != "catalog" {
			name = d.Schema + "." + d.Name
		}
		bound[name] = true
		if !regexp.MustCompile(`(?m)^\| ` + regexp.QuoteMeta(name) + ` \| supported`).MatchString(text) {
			t.Errorf("docs/coverage.md has no supported row for %s.%s", d.Schema, d.Name)
		}
	}
	var m *scaleout.Master // the definitions only; nothing is called
	for _, d := range append(ControlProcs(cat, sim), WorkerControlProcs(cat, m)...) {
		if !strings.Contains(text, "| emulator."+d.Name+" ") && !strings.Contains(text, "| emulator."+d.Name+" |") {
			t.Errorf("docs/coverage.md does not list emulator.%s", d.Name)
		}
	}
	for _, v := range catalog.ViewNames() {
		if !regexp.MustCompile(`(?m)^\| ` + regexp.QuoteMeta(v) + ` \| (supported|partial)`).MatchString(text) {
			t.Errorf("docs/coverage.md has no row for view %s", v)
		}
	}
	// The other direction: a procedure row marked supported must be bound.
	section := text[strings.Index(text, "## Catalog procedures"):]
	section = section[:strings.Index(section[3:], "\n## ")+3]
	for _, m := range regexp.MustCompile(`(?m)^\| ([a-z_]+) \| supported`).FindAllStringSubmatch(section, -1) {
		if !bound[m[1]] {
			t.Errorf("docs/coverage.md says catalog.%s is supported, but it is not bound", m[1])
		}
	}
	section = text[strings.Index(text, "## Internal procedures"):]
	section = section[:strings.Index(section[3:], "\n## ")+3]
	for _, m := range regexp.MustCompile(`(?m)^\| (internal\.[a-z_]+) \| supported`).FindAllStringSubmatch(section, -1) {
		if !bound[m[1]] {
			t.Errorf("docs/coverage.md says %s is supported, but it is not bound", m[1])
		}
	}
}
