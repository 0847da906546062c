package tsql

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse feeds arbitrary text to the parser without the recover that
// Parse keeps as a last resort, so a panic is a failure here. Every input
// must give either a batch whose statements lie, in order, inside the text,
// or compile errors with a number, severity 15 and a line in the text.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"SELECT 1", "EXEC p @a = 1 OUTPUT, V, NULL", "DECLARE @t TABLE (a int PRIMARY KEY)", "IF 1 = 1 BEGIN PRINT 1 END ELSE PRINT 2",
		"SELECT 'x", "SELECT [x", "/* open", "SELECT ((((((1", strings.Repeat("(", 300) + "1", "SELECT * FROM a JOIN b JOIN c ON 1=1 ON 1=1",
		"CREATE PROCEDURE p @a int = V OUT AS BEGIN TRY SELECT 1 END TRY BEGIN CATCH THROW; END CATCH", "MERGE t USING s ON 1=1 WHEN MATCHED THEN DELETE;",
		"WITH c AS (SELECT 1 a) SELECT * FROM c FOR XML PATH(''), TYPE", "SET ANSI_NULLS, QUOTED_IDENTIFIER ON", "GO", "$(x)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		b, err := parse(src, Options{})
		if err != nil {
			errs, ok := err.(Errors)
			if !ok || len(errs) == 0 {
				t.Fatalf("error %T %v", err, err)
			}
			lines := strings.Count(src, "\n") + 1
			for _, e := range errs {
				if e.Number <= 0 || e.Severity != 15 || e.Line < 1 || int(e.Line) > lines || e.Message == "" {
					t.Fatalf("bad error %+v for %q", e, src)
				}
				if utf8.RuneCountInString(e.Message) > maxMessage {
					t.Fatalf("message too long: %d", len(e.Message))
				}
			}
			return
		}
		prev := 0
		for _, s := range b.Stmts {
			start, end := s.Span()
			if start < prev || end < start || end > len(src) {
				t.Fatalf("statement span %d..%d (previous end %d) in %d bytes: %q", start, end, prev, len(src), src)
			}
			pos := s.Position()
			if pos.Line < 1 || pos.Col < 1 || pos.Offset != start {
				t.Fatalf("statement position %+v, span start %d", pos, start)
			}
			prev = end
		}
		_ = Dump(b)
	})
}
