package tsql

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryNodeHasAPosition walks the trees of every test script and
// checks that each node records where it starts, inside its statement.
func TestEveryNodeHasAPosition(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "scripts", "parser", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	nodes := 0
	for _, f := range files {
		if strings.Contains(f, "mistakes") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, batch := range splitGO(string(src)) {
			b, err := Parse(batch)
			if err != nil {
				t.Fatalf("%s: %v\n%s", f, err, batch)
			}
			for _, s := range b.Stmts {
				start, end := s.Span()
				Walk(s, func(n Node) bool {
					nodes++
					p := n.Position()
					if p.Line < 1 || p.Col < 1 || p.Offset < start || p.Offset > end {
						t.Errorf("%s: %T at %+v outside its statement %d..%d", filepath.Base(f), n, p, start, end)
					}
					line := 1 + strings.Count(batch[:p.Offset], "\n")
					if line != p.Line {
						t.Errorf("%s: %T at offset %d says line %d, text says %d", filepath.Base(f), n, p.Offset, p.Line, line)
					}
					return true
				})
			}
		}
	}
	if nodes < 1000 {
		t.Errorf("walked only %d nodes", nodes)
	}
}

// splitGO cuts a script at GO lines and drops sqlcmd command lines.
func splitGO(src string) []string {
	var out, cur []string
	for _, line := range strings.Split(src, "\n") {
		tl := strings.TrimSpace(line)
		switch {
		case strings.EqualFold(tl, "GO"):
			out = append(out, strings.Join(cur, "\n"))
			cur = nil
		case strings.HasPrefix(tl, ":"):
		default:
			cur = append(cur, strings.ReplaceAll(line, "$(", "x("))
		}
	}
	return append(out, strings.Join(cur, "\n"))
}

func TestWalk(t *testing.T) {
	b, err := Parse("IF @a = 1 SELECT @b + 1 FROM t WHERE c IN (SELECT @d)")
	if err != nil {
		t.Fatal(err)
	}
	var vars []string
	Walk(b, func(n Node) bool {
		if v, ok := n.(*Variable); ok {
			vars = append(vars, v.Name)
		}
		return true
	})
	if strings.Join(vars, " ") != "@a @b @d" {
		t.Errorf("variables in order: %v", vars)
	}
	// Returning false skips a node's children: here, the subquery's.
	vars = nil
	Walk(b, func(n Node) bool {
		if _, ok := n.(*Query); ok && len(vars) > 1 {
			return false
		}
		if v, ok := n.(*Variable); ok {
			vars = append(vars, v.Name)
		}
		return true
	})
	if strings.Join(vars, " ") != "@a @b" {
		t.Errorf("pruned walk: %v", vars)
	}
}
