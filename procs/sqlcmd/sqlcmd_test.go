package sqlcmd

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	cases := []struct {
		name   string
		script string
		want   []Batch
	}{
		{"empty", "", nil},
		{"blank", "\n  \n\t\n", nil},
		{"no GO", "SELECT 1", []Batch{{Text: "SELECT 1", Line: 1, Repeat: 1}}},
		{"trailing text is a batch", "SELECT 1\nGO\nSELECT 2\n", []Batch{
			{Text: "SELECT 1", Line: 1, Repeat: 1}, {Text: "SELECT 2", Line: 3, Repeat: 1}}},
		{"GO forms", "a\ngo\nb\n  Go  \nc\nGO -- done\nd\nGO 3\ne\n\tgo\t2 -- twice\n", []Batch{
			{Text: "a", Line: 1, Repeat: 1}, {Text: "b", Line: 3, Repeat: 1}, {Text: "c", Line: 5, Repeat: 1},
			{Text: "d", Line: 7, Repeat: 3}, {Text: "e", Line: 9, Repeat: 2}}},
		{"not GO", "SELECT 1\nGOTO x\nGO;\ngox\nSELECT 2 GO", []Batch{
			{Text: "SELECT 1\nGOTO x\nGO;\ngox\nSELECT 2 GO", Line: 1, Repeat: 1}}},
		{"GO in a string", "SELECT 'a\nGO\nb'\nGO", []Batch{{Text: "SELECT 'a\nGO\nb'", Line: 1, Repeat: 1}}},
		{"GO in a block comment", "/* header\nGO\n*/\nSELECT 1\nGO", []Batch{{Text: "/* header\nGO\n*/\nSELECT 1", Line: 1, Repeat: 1}}},
		{"GO in a nested comment", "/* a /* b */\nGO\n*/ SELECT 1", []Batch{{Text: "/* a /* b */\nGO\n*/ SELECT 1", Line: 1, Repeat: 1}}},
		{"GO in brackets", "SELECT [a\nGO\n] FROM t", []Batch{{Text: "SELECT [a\nGO\n] FROM t", Line: 1, Repeat: 1}}},
		{"GO after a line comment", "SELECT 1 -- it's /* not open\nGO", []Batch{{Text: "SELECT 1 -- it's /* not open", Line: 1, Repeat: 1}}},
		{"quote doubling", "SELECT 'it''s'\nGO\nSELECT 2", []Batch{{Text: "SELECT 'it''s'", Line: 1, Repeat: 1}, {Text: "SELECT 2", Line: 3, Repeat: 1}}},
		{"leading blanks dropped", "\n\n   SELECT 1\n  FROM t\nGO\n\nGO\n", []Batch{{Text: "SELECT 1\n  FROM t", Line: 3, Repeat: 1}}},
		{"byte order mark", "\ufeffSELECT 1\r\nGO", []Batch{{Text: "SELECT 1", Line: 1, Repeat: 1}}},
		{"CRLF", "SELECT 1\r\nGO\r\nSELECT 2\r\n", []Batch{{Text: "SELECT 1", Line: 1, Repeat: 1}, {Text: "SELECT 2", Line: 3, Repeat: 1}}},
		{"comment-only batch is sent", "-- just a note\nGO", []Batch{{Text: "-- just a note", Line: 1, Repeat: 1}}},
		{"unclosed string runs to the end", "SELECT 'x\nGO\n", []Batch{{Text: "SELECT 'x\nGO", Line: 1, Repeat: 1}}},
	}
	for _, c := range cases {
		got, err := Split(c.script, Options{})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !reflect.DeepEqual(public(got), c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
	}
}

func TestVariables(t *testing.T) {
	script := `:setvar Folder "Finance ETL"
:setvar db SSISDB
:SETVAR quote "say ""hi"""
USE $(DB)
GO
EXEC [$(db)].catalog.create_folder @folder_name = N'$(Folder)'
PRINT '$(quote)' -- $(undefined) in a comment is left alone
/* and here $(undefined) too */
:setvar db
GO
`
	got, err := Split(script, Options{Vars: map[string]string{"env": "dev"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []Batch{
		{Text: "USE SSISDB", Line: 4, Repeat: 1},
		{Text: "EXEC [SSISDB].catalog.create_folder @folder_name = N'Finance ETL'\nPRINT 'say \"hi\"' -- $(undefined) in a comment is left alone\n/* and here $(undefined) too */", Line: 6, Repeat: 1},
	}
	if !reflect.DeepEqual(public(got), want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	// Predefined variables, case-insensitive.
	got, err = Split("SELECT '$(ENV)'", Options{Vars: map[string]string{"env": "dev"}})
	if err != nil || got[0].Text != "SELECT 'dev'" {
		t.Errorf("predefined: %+v %v", got, err)
	}
	// :setvar NAME with no value removes the variable.
	_, err = Split(":setvar x 1\n:setvar x\nSELECT $(x)", Options{})
	checkErr(t, err, 3, "Sqlcmd: Error: 'x' scripting variable not defined.")
}

func checkErr(t *testing.T, err error, line int, text string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not *Error", err)
	}
	if e.Line != line || e.Error() != text {
		t.Errorf("got line %d %q, want line %d %q", e.Line, e.Error(), line, text)
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		script string
		line   int
		text   string
	}{
		{"SELECT 1\nSELECT $(nope)", 2, "Sqlcmd: Error: 'nope' scripting variable not defined."},
		{"SELECT '$(nope)'", 1, "Sqlcmd: Error: 'nope' scripting variable not defined."},
		{"SELECT $(x", 1, "Sqlcmd: Error: Syntax error at line 1."},
		{"SELECT $( x)", 1, "Sqlcmd: Error: Syntax error at line 1."},
		{"\n:setvar", 2, "Sqlcmd: Error: Syntax error at line 2 near command ':setvar'."},
		{":setvar x a b", 1, "Sqlcmd: Error: Syntax error at line 1 near command ':setvar'."},
		{":setvar x \"open", 1, "Sqlcmd: Error: Syntax error at line 1 near command ':setvar'."},
		{":on error maybe", 1, "Sqlcmd: Error: Syntax error at line 1 near command ':ON ERROR'."},
		{"SELECT 1\nGO x", 2, "Sqlcmd: Error: Syntax error at line 2 near command 'GO'."},
		{"GO 0", 1, "Sqlcmd: Error: Syntax error at line 1 near command 'GO'."},
		{":r other.sql", 1, "Sqlcmd: Error: The :r command is not supported (line 1)."},
		{":connect srv", 1, "Sqlcmd: Error: The :connect command is not supported (line 1)."},
		{"!! dir", 1, "Sqlcmd: Error: The !! command is not supported (line 1)."},
		{":exit(SELECT 1)", 1, "Sqlcmd: Error: The :EXIT(query) command is not supported (line 1)."},
	}
	for _, c := range cases {
		_, err := Split(c.script, Options{})
		checkErr(t, err, c.line, c.text)
	}
}

func TestCommands(t *testing.T) {
	script := "SELECT 1\nGO\n:on error exit\nSELECT 2\n:On Error ignore\nGO\nSELECT 3\n:reset\nSELECT 4\nGO\n:QUIT\nSELECT 5"
	got, err := Split(script, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// :on error applies to the batches that run after it is read; :reset
	// throws away what was collected; :quit ends the script there.
	want := []Batch{
		{Text: "SELECT 1", Line: 1, Repeat: 1},
		{Text: "SELECT 2", Line: 4, Repeat: 1},
		{Text: "SELECT 4", Line: 9, Repeat: 1},
	}
	if !reflect.DeepEqual(public(got), want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	got, _ = Split(":on error exit\nSELECT 1\nGO\nSELECT 2\nexit", Options{})
	if len(got) != 1 || !got[0].ExitOnError {
		t.Errorf("exit on error / bare exit: %+v", got)
	}
	// A colon line that is no command is T-SQL, for the server to judge.
	got, _ = Split(":hello\nSELECT 1", Options{})
	if len(got) != 1 || got[0].Text != ":hello\nSELECT 1" {
		t.Errorf("unknown command: %+v", got)
	}
	// A command inside a string is text.
	got, _ = Split("SELECT '\n:setvar x 1\n'", Options{})
	if len(got) != 1 || !strings.Contains(got[0].Text, ":setvar x 1") {
		t.Errorf("command in string: %+v", got)
	}
}

// public drops what the tests do not state (the line map).
func public(bs []Batch) []Batch {
	var out []Batch
	for _, b := range bs {
		b.lines = nil
		out = append(out, b)
	}
	return out
}

func TestScriptLine(t *testing.T) {
	got, err := Split("\n-- one\n:setvar x 1\nSELECT 1\n:on error exit\nSELECT $(x)\nGO", Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := got[0]
	// The batch is "-- one\nSELECT 1\nSELECT 1": its lines 1, 2, 3 are script lines 2, 4, 6.
	for serverLine, want := range map[int]int{0: 2, 1: 2, 2: 4, 3: 6, 5: 8} {
		if g := b.ScriptLine(serverLine); g != want {
			t.Errorf("ScriptLine(%d) = %d, want %d", serverLine, g, want)
		}
	}
	if (Batch{Line: 10}).ScriptLine(3) != 12 {
		t.Error("a batch built by hand counts from Line")
	}
}

// The Scale Out documentation's example is two batches of seven statements.
func TestDocExample(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "testdata", "scripts", "scaleout-doc-example.sql"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Split(string(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Line != 1 || got[1].Line != 10 {
		t.Fatalf("batches: %+v", got)
	}
	for _, b := range got {
		if n := strings.Count(b.Text, "\n") + 1; n != 7 || !strings.HasPrefix(b.Text, "Declare @execution_id bigint") {
			t.Errorf("batch at line %d has %d lines", b.Line, n)
		}
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{
		"SELECT 1\nGO\nSELECT 2", ":setvar x 1\nSELECT $(x)\nGO 2", "SELECT 'a\nGO\n'", "/* /*\nGO\n*/ */\nGO",
		"[x\nGO\n]", ":on error exit\n:r f", "GO -- x\n\n", "$(", "'$(x", "\r\nGO\r\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script string) {
		got, err := Split(script, Options{Vars: map[string]string{"x": "1"}})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Line < 1 {
				t.Fatalf("error %v without a line", err)
			}
			return
		}
		lines := strings.Count(script, "\n") + 1
		prev := 0
		for _, b := range got {
			if b.Line <= prev || b.Line > lines || b.Repeat < 1 || strings.TrimSpace(b.Text) == "" {
				t.Fatalf("bad batch %+v (script has %d lines)", b, lines)
			}
			prev = b.Line
		}
		// Without variables, commands or GO lines, the script comes back whole.
		if len(got) == 1 && !strings.ContainsAny(script, "$:!\r") && !strings.Contains(strings.ToLower(script), "go") &&
			!strings.Contains(strings.ToLower(script), "exit") && !strings.Contains(strings.ToLower(script), "quit") &&
			!strings.Contains(strings.ToLower(script), "reset") {
			if strings.TrimSpace(got[0].Text) != strings.TrimSpace(script) {
				t.Fatalf("text changed: %q -> %q", script, got[0].Text)
			}
		}
	})
}
