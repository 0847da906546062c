package tsql

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
)

// want is one expected compile error: number, line and exact text.
type want struct {
	num  int32
	line int32
	msg  string
}

func near(tok string, line int32) want {
	return want{102, line, "Incorrect syntax near '" + tok + "'."}
}

func nearKw(tok string, line int32) want {
	return want{156, line, "Incorrect syntax near the keyword '" + tok + "'."}
}

func unclosed(rest string, line int32) want {
	return want{105, line, "Unclosed quotation mark after the character string '" + rest + "'."}
}

var commentOpen = want{113, 1, "Missing end comment mark '*/'."}

const cte319 = "Incorrect syntax near the keyword 'with'. If this statement is a common table expression, an xmlnamespaces clause or a change tracking context clause, the previous statement must be terminated with a semicolon."

func errorsOf(t *testing.T, src string) []*sqlerr.Error {
	t.Helper()
	b, err := Parse(src)
	if err == nil {
		t.Fatalf("Parse(%q) succeeded; want an error\n%s", src, Dump(b))
	}
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Parse(%q) error %T is not Errors", src, err)
	}
	return errs
}

func checkErrors(t *testing.T, src string, wants []want) {
	t.Helper()
	got := errorsOf(t, src)
	var g, w []string
	for _, e := range got {
		g = append(g, fmt.Sprintf("%d L%d %s (sev %d)", e.Number, e.Line, e.Message, e.Severity))
	}
	for _, x := range wants {
		w = append(w, fmt.Sprintf("%d L%d %s (sev 15)", x.num, x.line, x.msg))
	}
	if strings.Join(g, "\n") != strings.Join(w, "\n") {
		t.Errorf("Parse(%q):\n got: %s\nwant: %s", src, strings.Join(g, "\n      "), strings.Join(w, "\n      "))
	}
}

// The cases below are what SQL Server answers for these batches.
func TestSyntaxErrorsAtTheEnd(t *testing.T) {
	cases := []struct {
		src  string
		want []want
	}{
		{"SELECT * FROM", []want{near("FROM", 1)}},
		{"select * from", []want{near("from", 1)}},
		{"SELECT", []want{near("SELECT", 1)}},
		{"SELECT * FROM sys.objects WHERE object_id <=", []want{near("=", 1)}},
		{"SELECT name FROM sys.objects WHERE object_id <>", []want{near(">", 1)}},
		{"SELECT 1,", []want{near(",", 1)}},
		{"SELECT o.", []want{near(".", 1)}},
		{"SELECT ~", []want{near("~", 1)}},
		{"SELECT name FROM sys.objects WHERE name IS", []want{near("IS", 1)}},
		{"SELECT name FROM sys.objects LEFT OUTER", []want{near("OUTER", 1)}},
		{"INSERT INTO #nowhere VALUES", []want{near("VALUES", 1)}},
		{"UPDATE", []want{near("UPDATE", 1)}},
		{"update", []want{near("update", 1)}},
		{"DELETE", []want{near("DELETE", 1)}},
		{"SELECT (1", []want{near("1", 1)}},
		{"SELECT CASE WHEN 1 = 1 THEN 1", []want{near("1", 1)}},
		{"IF 1 = 1 BEGIN SELECT 1 AS v", []want{near("v", 1)}},
		{"DECLARE @p", []want{near("@p", 1)}},
		{"SET @p", []want{near("@p", 1)}},
		{"DECLARE @a int, @b", []want{near("@b", 1)}},
		{"DECLARE @a int = 1, @b", []want{near("@b", 1)}},
		{"DECLARE @a AS int, @b", []want{near("@b", 1)}},
		{"SAVE TRAN", []want{near("TRAN", 1)}},
		{"CREATE TABLE #t", []want{near("#t", 1)}},
		{"SELECT 1\nFROM\n", []want{near("FROM", 2)}},
	}
	for _, c := range cases {
		checkErrors(t, c.src, c.want)
	}
}

func TestSetStoppedShort(t *testing.T) {
	cases := []struct {
		src  string
		want []want
	}{
		{"SET", []want{nearKw("SET", 1)}},
		{"set", []want{nearKw("SET", 1)}},
		{"DECLARE @p int SET", []want{nearKw("SET", 1)}},
		{"SELECT 1 AS v SET", []want{nearKw("SET", 1)}},
		{"BEGIN TRAN SET", []want{nearKw("SET", 1)}},
		{"SET; SELECT 1 AS v", []want{nearKw("SET", 1)}},
		{"SET\r\nSELECT 1 AS v", []want{nearKw("SET", 1)}},
		{"SET\r\nDELETE FROM #t", []want{nearKw("SET", 1)}},
		{"IF 1 = 1 BEGIN SET END", []want{nearKw("SET", 1)}},
		{"UPDATE #t SET", []want{near("SET", 1)}},
		{"update #t set", []want{near("set", 1)}},
		{"UPDATE #t WITH (ROWLOCK) SET", []want{near("SET", 1)}},
		{"UPDATE #t SET; SELECT 1 AS v", []want{near(";", 1)}},
		{"SET FROM", []want{nearKw("FROM", 1)}},
		{"SET BANANA ON", []want{{195, 1, "'BANANA' is not a recognized SET option."}}},
		{"SET ANSI_NULLS, BANANA, QUOTED_IDENTIFIER ON", []want{{195, 1, "'BANANA' is not a recognized SET option."}}},
		{"SET BANANA", []want{near("BANANA", 1)}},
		{"set nocount maybe", []want{near("nocount", 1)}},
		{"set @@rowcount = 5", []want{near("@@rowcount", 1)}},
	}
	for _, c := range cases {
		checkErrors(t, c.src, c.want)
	}
}

func TestSetOptionErrorState(t *testing.T) {
	cases := []struct {
		src   string
		num   int32
		state uint8
	}{
		{"SET BANANA ON", 195, 5},
		{"SET BANANA OFF", 195, 5},
		{"SET BANANA 5", 195, 7},
		{"SET BANANA -1", 195, 7},
		{"SET BANANA 'x'", 195, 7},
		{"SET BANANA foo", 195, 7},
		{"set xact_abort 'on'", 102, 4},
		{"set ansi_nulls 5", 102, 4},
	}
	for _, c := range cases {
		got := errorsOf(t, c.src)[0]
		if got.Number != c.num || got.State != c.state {
			t.Errorf("%q: got Msg %d state %d, want Msg %d state %d", c.src, got.Number, got.State, c.num, c.state)
		}
	}
}

func TestKeywordWhereAValueGoes(t *testing.T) {
	cases := []struct {
		src  string
		want []want
	}{
		{"SELECT name, FROM sys.objects", []want{nearKw("FROM", 1)}},
		{"select name, From sys.objects", []want{nearKw("From", 1)}},
		{"SELECT FROM sys.objects", []want{nearKw("FROM", 1)}},
		{"SELECT * FROM FROM", []want{nearKw("FROM", 1)}},
		{"SELECT * FROM sys.objects WHERE WHERE", []want{nearKw("WHERE", 1)}},
		{"SELECT COUNT( FROM sys.objects", []want{nearKw("FROM", 1)}},
		{"SELECT o.name FROM sys.objects o JOIN sys.columns c ON WHERE 1 = 1", []want{nearKw("WHERE", 1)}},
		{"SELECT name FROM sys.objects GROUP BY HAVING COUNT(*) > 1", []want{nearKw("HAVING", 1)}},
		{"SELECT 1 AS v UNION UNION SELECT 2", []want{nearKw("UNION", 1)}},
		{"SELECT o. FROM sys.objects o", []want{nearKw("FROM", 1)}},
		{"exit;", []want{nearKw("exit", 1)}},
		{"SELECT 1\nELSE", []want{nearKw("ELSE", 2)}},
		{"BEGIN\nEND", []want{nearKw("END", 2)}},
	}
	for _, c := range cases {
		checkErrors(t, c.src, c.want)
	}
}

func TestSemicolonWhereMoreWasWanted(t *testing.T) {
	for _, src := range []string{
		"SELECT * FROM sys.objects WHERE; SELECT 2 AS v",
		"SELECT 1,; SELECT 1 AS v",
		"IF 1 = 1 SELECT 1 AS v ELSE; SELECT 2 AS v",
		"UPDATE; SELECT 1 AS v",
		"SELECT (1; SELECT 2 AS v",
		"SELECT COUNT(*; SELECT 1 AS v",
		"SELECT CASE WHEN 1 = 1 THEN 1; SELECT 2 AS v",
	} {
		checkErrors(t, src, []want{near(";", 1)})
	}
}

func TestUnclosedQuote(t *testing.T) {
	cases := []struct {
		src  string
		want []want
	}{
		{"SELECT 'unclosed", []want{unclosed("unclosed", 1), near("unclosed", 1)}},
		{"SELECT 'it''s", []want{unclosed("it's", 1), near("it's", 1)}},
		{"SELECT 'abc''", []want{unclosed("abc'", 1), near("abc'", 1)}},
		{"SELECT N'abc", []want{unclosed("abc", 1), near("abc", 1)}},
		{"SELECT 'a\r\nb  ", []want{unclosed("a\r\nb  ", 1), near("a\r\nb  ", 1)}},
		{"SELECT 'abc FROM sys.objects WHERE", []want{unclosed("abc FROM sys.objects WHERE", 1), near("abc FROM sys.objects WHERE", 1)}},
		{"SELECT 'abc /* x", []want{unclosed("abc /* x", 1), near("abc /* x", 1)}},
		{"SELECT [abc", []want{unclosed("abc", 1), near("abc", 1)}},
		{"SELECT [a]]b", []want{unclosed("a]b", 1), near("a]b", 1)}},
		{`SELECT "a""b`, []want{unclosed(`a"b`, 1), near(`a"b`, 1)}},
		{"SELECT 1 AS v; SELECT 'x", []want{unclosed("x", 1), near("x", 1)}},
		{"SELECT FROM sys.objects WHERE name = 'abc", []want{nearKw("FROM", 1), unclosed("abc", 1)}},
		{"SELECT * FROM; SELECT 'abc", []want{near(";", 1), unclosed("abc", 1)}},
		{"PRINT 1\nPRINT 'x", []want{unclosed("x", 2), near("x", 2)}},
	}
	for _, c := range cases {
		checkErrors(t, c.src, c.want)
	}
}

func TestLongUnclosedStringIsCut(t *testing.T) {
	var b strings.Builder
	for n := 1; n <= 230; n++ {
		fmt.Fprintf(&b, "%09d|", n*10)
	}
	marked := b.String()
	errs := errorsOf(t, "SELECT '"+marked[:200])
	if want := "Unclosed quotation mark after the character string '" + marked[:200] + "'."; errs[0].Message != want {
		t.Errorf("105 text = %q", errs[0].Message)
	}
	if want := "Incorrect syntax near '" + marked[:129] + "'."; errs[1].Message != want {
		t.Errorf("102 text = %q, want %q", errs[1].Message, want)
	}
	errs = errorsOf(t, "SELECT '"+marked)
	if len(errs[0].Message) != 2047 || !strings.HasSuffix(errs[0].Message, "000001990|00...") {
		t.Errorf("long 105: len %d, ends %q", len(errs[0].Message), errs[0].Message[len(errs[0].Message)-20:])
	}
}

func TestCommentLeftOpen(t *testing.T) {
	cases := []struct {
		src  string
		want []want
	}{
		{"SELECT 1 /* open", []want{commentOpen}},
		{"SELECT 1 /* a /* b */ AS v", []want{commentOpen}},
		{"SELECT 'x' /* a ' b", []want{commentOpen}},
		{"SELECT * FROM /* open", []want{commentOpen, near("FROM", 1)}},
		{"SELECT FROM sys.objects /* open", []want{nearKw("FROM", 1), commentOpen}},
		{"SELECT * FROM -- x", []want{near("FROM", 1)}},
		{"SELECT * FROM /* c */", []want{near("FROM", 1)}},
	}
	for _, c := range cases {
		checkErrors(t, c.src, c.want)
	}
}

func TestGoReachingTheServer(t *testing.T) {
	// As the first token GO is a procedure call (the engine answers 2812).
	b, err := Parse("GO")
	if err != nil {
		t.Fatal(err)
	}
	ex, ok := b.Stmts[0].(*ExecStmt)
	if !ok || !ex.Implicit || ex.Proc.String() != "GO" {
		t.Fatalf("GO alone: %s", Dump(b))
	}
	checkErrors(t, "PRINT 1\nGO", []want{near("GO", 2)})
	checkErrors(t, "PRINT 1\ngo\nPRINT 2", []want{near("go", 2)})
	checkErrors(t, "EXEC p;\nGO;", []want{near("GO", 2)})
	// $(var) reaching the server is an error too.
	checkErrors(t, "USE $(db)", []want{near("$", 1)})
	checkErrors(t, ":setvar x 1\nSELECT 1", []want{near(":", 1)})
}

func TestCompileChecks(t *testing.T) {
	cases := []struct {
		src  string
		want []want
	}{
		{"BREAK", []want{{135, 1, "Cannot use a BREAK statement outside the scope of a WHILE statement."}}},
		{"PRINT 1\nCONTINUE", []want{{136, 2, "Cannot use a CONTINUE statement outside the scope of a WHILE statement."}}},
		{"THROW;", []want{{10704, 1, "To rethrow an error, a THROW statement must be used inside a CATCH block. Insert the THROW statement inside a CATCH block, or add error parameters to the THROW statement."}}},
		{"GOTO nowhere", []want{{133, 1, "A GOTO statement references the label 'nowhere' but the label has not been declared."}}},
		{"a:\nPRINT 1\nA:", []want{{132, 3, "The label 'A' has already been declared. Label names must be unique within a query batch or stored procedure."}}},
		{"PRINT 1\nCREATE PROCEDURE p AS SELECT 1", []want{{111, 2, "'CREATE/ALTER PROCEDURE' must be the first statement in a query batch."}}},
		{"PRINT 1\nCREATE VIEW v AS SELECT 1", []want{{111, 2, "'CREATE VIEW' must be the first statement in a query batch."}}},
		{"IF 1 = 1 PRINT 1; ELSE PRINT 2", []want{nearKw("ELSE", 1)}},
		{"IF @x PRINT 1", []want{{4145, 1, "An expression of non-boolean type specified in a context where a condition is expected, near 'PRINT'."}}},
		{"SELECT * FROM t WHERE a AND b = 1", []want{{4145, 1, "An expression of non-boolean type specified in a context where a condition is expected, near 'AND'."}}},
		{"PRINT 'x' THROW 50000, 'y', 1", []want{near("THROW", 1)}},
		{"SELECT 1 = 1", []want{near("=", 1)}},
		{"SELECT 1 IS NULL", []want{nearKw("IS", 1)}},
		{"SELECT NEWID() IS NOT NULL", []want{nearKw("IS", 1)}},
		{"SELECT CASE WHEN a IS NULL THEN 1 END IS NULL", []want{nearKw("IS", 1)}},
		{"SELECT (a) NOT LIKE 'x%'", []want{nearKw("NOT", 1)}},
		{"SELECT 1 IN (1, 2)", []want{nearKw("IN", 1)}},
		{"SELECT x = 1 BETWEEN 0 AND 2", []want{nearKw("BETWEEN", 1)}},
		{"SELECT 1\n\nWITH c AS (SELECT 1 AS a) SELECT a FROM c", []want{{319, 3, cte319}}},
		{"DECLARE @x INT = 1\nWITH C AS (SELECT 1 AS n) SELECT n FROM C;", []want{{319, 2, cte319}}},
		{"select 0 as a with cte as (select 1 as x) select x from cte", []want{{319, 1, cte319}}},
		{"EXEC p def.ghi", []want{near(".", 1)}},
		{"SELECT 1 " + strings.Repeat("a", 129), []want{{103, 1, "The identifier that starts with '" + strings.Repeat("a", 128) + "' is too long. Maximum length is 128."}}},
	}
	for _, c := range cases {
		checkErrors(t, c.src, c.want)
	}
}

func TestNestingIsLimited(t *testing.T) {
	msg := "Some part of your SQL statement is nested too deeply. Rewrite the query or break it up into smaller queries."
	for _, src := range []string{
		"SELECT " + strings.Repeat("(", 5000) + "1" + strings.Repeat(")", 5000),
		"SELECT " + strings.Repeat("- ", 5000) + "1",
		"SELECT 1 WHERE " + strings.Repeat("NOT ", 5000) + "1 = 1",
		strings.Repeat("IF 1 = 1 ", 5000) + "PRINT 1",
		strings.Repeat("BEGIN ", 5000) + "PRINT 1" + strings.Repeat(" END", 5000),
		"SELECT * FROM " + strings.Repeat("(", 3000) + "t" + strings.Repeat(")", 3000),
		"SELECT " + strings.Repeat("(SELECT ", 3000) + "1" + strings.Repeat(")", 3000),
		"SELECT " + strings.Repeat("CASE WHEN 1 = 1 THEN ", 3000) + "1" + strings.Repeat(" END", 3000),
		"SELECT " + strings.Repeat("f(", 3000) + "1" + strings.Repeat(")", 3000),
	} {
		errs := errorsOf(t, src)
		if errs[0].Number != 191 || errs[0].Message != msg || errs[0].Severity != 15 {
			t.Errorf("%.40q...: got %v", src, errs[0])
		}
	}
	// A long flat chain is not nesting, nor is a long ELSE IF chain.
	if _, err := Parse("SELECT 1" + strings.Repeat(" + 1", 5000)); err != nil {
		t.Errorf("flat chain: %v", err)
	}
	if _, err := Parse("IF @a = 0 PRINT 0" + strings.Repeat(" ELSE IF @a = 1 PRINT 1", 2000) + " ELSE PRINT 2"); err != nil {
		t.Errorf("ELSE IF chain: %v", err)
	}
	errs := errorsOf(t, "SELECT * FROM a"+strings.Repeat(" JOIN b", 3000)+strings.Repeat(" ON 1 = 1", 3000))
	if errs[0].Number != 191 {
		t.Errorf("nested joins: %v", errs[0])
	}
	// The limit can be set.
	if _, err := ParseWith("SELECT ((((1))))", Options{MaxDepth: 3}); err == nil {
		t.Error("MaxDepth 3 allowed four levels")
	}
}

func TestErrorsUnwrap(t *testing.T) {
	_, err := Parse("SELECT * FROM")
	e, ok := sqlerr.As(err)
	if !ok || e.Number != 102 || e.Severity != 15 || e.State != 1 || e.Line != 1 {
		t.Fatalf("sqlerr.As: %v %v", e, ok)
	}
}

// Nested parentheses that could open a query or an expression are decided
// by looking ahead, never by trying both: trying both would double the work
// at each level, and this case would not finish.
func TestAmbiguousParenthesesStayLinear(t *testing.T) {
	inner := "1"
	for i := 0; i < 60; i++ {
		inner = "((SELECT " + inner + ") + 1)"
	}
	if _, err := Parse("SELECT " + inner); err != nil {
		t.Fatal(err)
	}
	from := "t"
	for i := 0; i < 60; i++ {
		from = "((SELECT 1 FROM " + from + " ) AS x JOIN y ON 1 = 1)"
	}
	if _, err := Parse("SELECT * FROM " + from); err != nil {
		t.Fatal(err)
	}
}
