package tsql

import "testing"

// selectExpr parses "SELECT <src>" and returns the one item's expression.
func selectExpr(t *testing.T, src string) Expr {
	t.Helper()
	s := as[*SelectStmt](t, parse1(t, "SELECT "+src))
	qs, ok := s.Query.Body.(*QuerySpec)
	if !ok || len(qs.Items) != 1 {
		t.Fatalf("SELECT %s: not one item\n%s", src, Dump(s))
	}
	return qs.Items[0].Expr
}

// whereExpr parses "SELECT 1 WHERE <src>" and returns the condition.
func whereExpr(t *testing.T, src string) Expr {
	t.Helper()
	s := as[*SelectStmt](t, parse1(t, "SELECT 1 WHERE "+src))
	return s.Query.Body.(*QuerySpec).Where
}

func TestExpressions(t *testing.T) {
	cases := []struct{ src, want string }{
		// literals
		{"42", "42"},
		{"1.5", "1.5"},
		{".5", ".5"},
		{"1.", "1."},
		{"1e5", "1e5"},
		{"1.5E-3", "1.5E-3"},
		{"$12.50", "$12.50"},
		{"0x1F", "0x1F"},
		{"0x", "0x"},
		{"'it''s'", "'it's'"},
		{"N'ünï'", "N'ünï'"},
		{"n'x'", "N'x'"},
		{"NULL", "NULL"},
		{"@v", "@v"},
		{"@@ROWCOUNT", "@@ROWCOUNT"},
		{"[a]]b]", "a]b"},
		{`"quoted"`, "quoted"},
		// precedence and associativity
		{"1 + 2 * 3", "(+ 1 (* 2 3))"},
		{"(1 + 2) * 3", "(* (+ 1 2) 3)"},
		{"1 - 2 - 3", "(- (- 1 2) 3)"},
		{"10 / 2 % 3", "(% (/ 10 2) 3)"},
		{"-1 * 2", "(* (- 1) 2)"},
		{"- -1", "(- (- 1))"},
		{"~1 & 2 | 3 ^ 4", "(^ (| (& (~ 1) 2) 3) 4)"},
		{"'a' + @b + N'c'", "(+ (+ 'a' @b) N'c')"},
		{"+@x", "(+ @x)"},
		{"1 +-2", "(+ 1 (- 2))"},
		// names
		{"c", "c"},
		{"t.c", "t.c"},
		{"dbo.t.c", "dbo.t.c"},
		{"SSISDB.catalog.executions.status", "SSISDB.catalog.executions.status"},
		{"[SSISDB].[catalog] .[executions]. [status]", "SSISDB.catalog.executions.status"},
		{"t.*", "t.*"},
		// functions
		{"GETDATE()", "GETDATE()"},
		{"COUNT(*)", "COUNT(*)"},
		{"COUNT(DISTINCT x)", "COUNT(DISTINCT x)"},
		{"COUNT(ALL x)", "COUNT(x)"},
		{"ISNULL(@a, 0)", "ISNULL(@a, 0)"},
		{"COALESCE(a, b, 'c')", "COALESCE(a, b, 'c')"},
		{"NULLIF(a, 0)", "NULLIF(a, 0)"},
		{"IIF(a > 1, 'x', 'y')", "IIF((> a 1), 'x', 'y')"},
		{"LEFT(s, 3) + RIGHT(s, 2)", "(+ LEFT(s, 3) RIGHT(s, 2))"},
		{"dbo.f(1)", "dbo.f(1)"},
		{"SSISDB.dbo.f(1, 2)", "SSISDB.dbo.f(1, 2)"},
		{"DATEADD(day, -1, GETDATE())", "DATEADD(day, (- 1), GETDATE())"},
		{"SERVERPROPERTY('Edition')", "SERVERPROPERTY('Edition')"},
		{"CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"},
		{"CURRENT_USER", "CURRENT_USER"},
		{"SESSION_USER", "SESSION_USER"},
		{"SYSTEM_USER", "SYSTEM_USER"},
		{"USER", "USER"},
		{"CAST(x AS nvarchar(max))", "(CAST x nvarchar(max))"},
		{"CAST(1.5 AS decimal(18, 2))", "(CAST 1.5 decimal(18,2))"},
		{"TRY_CAST('1' AS int)", "(TRY_CAST '1' int)"},
		{"CONVERT(varchar(8), GETDATE(), 112)", "(CONVERT varchar(8) GETDATE() 112)"},
		{"TRY_CONVERT(int, '1')", "(TRY_CONVERT int '1')"},
		{"PARSE('1' AS int USING 'en-US')", "(PARSE '1' int USING 'en-US')"},
		{"TRY_PARSE('x' AS datetime2)", "(TRY_PARSE 'x' datetime2)"},
		{"CAST(x AS double precision)", "(CAST x float(53))"},
		{"CAST(x AS national character varying(10))", "(CAST x nvarchar(10))"},
		{"CAST(x AS char varying(5))", "(CAST x varchar(5))"},
		{"CAST(x AS integer)", "(CAST x int)"},
		{"CAST(x AS sysname)", "(CAST x sysname)"},
		{"CAST(x AS dbo.MyType)", "(CAST x dbo.MyType)"},
		{"CAST(x AS [nvarchar](50))", "(CAST x nvarchar(50))"},
		{"TRIM(s)", "TRIM(s)"},
		{"TRIM('x' FROM s)", "(TRIM 'x' FROM s)"},
		{"TRIM(BOTH FROM s)", "(TRIM BOTH FROM s)"},
		{"STRING_AGG(a, ',') WITHIN GROUP (ORDER BY a DESC)", "STRING_AGG(a, ',') WITHIN GROUP (a DESC)"},
		// window functions
		{"ROW_NUMBER() OVER (ORDER BY a)", "ROW_NUMBER() OVER(ORDER a)"},
		{"ROW_NUMBER() OVER (PARTITION BY a, b ORDER BY c DESC)", "ROW_NUMBER() OVER(PARTITION a, b ORDER c DESC)"},
		{"RANK() OVER (ORDER BY a)", "RANK() OVER(ORDER a)"},
		{"DENSE_RANK() OVER (ORDER BY a)", "DENSE_RANK() OVER(ORDER a)"},
		{"NTILE(4) OVER (ORDER BY a)", "NTILE(4) OVER(ORDER a)"},
		{"LAG(a, 1, 0) OVER (ORDER BY b)", "LAG(a, 1, 0) OVER(ORDER b)"},
		{"LEAD(a) OVER (PARTITION BY b ORDER BY c)", "LEAD(a) OVER(PARTITION b ORDER c)"},
		{"SUM(x) OVER (PARTITION BY y)", "SUM(x) OVER(PARTITION y)"},
		{"SUM(x) OVER (ORDER BY y ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)", "SUM(x) OVER(ORDER y ROWS UNBOUNDED PRECEDING..CURRENT ROW)"},
		{"AVG(x) OVER (ORDER BY y ROWS 2 PRECEDING)", "AVG(x) OVER(ORDER y ROWS 2 PRECEDING)"},
		// CASE
		{"CASE WHEN a = 1 THEN 'x' WHEN a = 2 THEN 'y' ELSE 'z' END", "(CASE (WHEN (= a 1) 'x') (WHEN (= a 2) 'y') (ELSE 'z'))"},
		{"CASE status WHEN 7 THEN 'Succeeded' END", "(CASE status (WHEN 7 'Succeeded'))"},
		// subqueries
		{"(SELECT MAX(id) FROM t)", "(SUBQUERY (SELECT MAX(id) FROM t))"},
		{"(SELECT 1) + 1", "(+ (SUBQUERY (SELECT 1)) 1)"},
		{"((SELECT 1) + (SELECT 2))", "(+ (SUBQUERY (SELECT 1)) (SUBQUERY (SELECT 2)))"},
		{"((SELECT 1) UNION (SELECT 2))", "(SUBQUERY (UNION ((SELECT 1)) ((SELECT 2))))"},
		// COLLATE
		{"name COLLATE SQL_Latin1_General_CP1_CS_AS", "(COLLATE name SQL_Latin1_General_CP1_CS_AS)"},
		// ODBC escapes
		{"{d '2020-01-01'}", "{d '2020-01-01'}"},
		{"{ts '2020-01-01 10:00:00'}", "{ts '2020-01-01 10:00:00'}"},
		{"{fn UCASE('a')}", "UCASE('a')"},
		// unsupported forms
		{"NEXT VALUE FOR dbo.seq", "(UNSUPPORTED NEXT VALUE FOR)"},
		{"@x.value('(/a)[1]', 'int')", "@x.value('(/a)[1]', 'int')"},
		{"(SELECT a FROM t FOR XML PATH(''), TYPE).value('.', 'nvarchar(max)')", "(SUBQUERY (SELECT a FROM t) FOR XML PATH('') TYPE).value('.', 'nvarchar(max)')"},
		{"@x.query('/a').value('.', 'int')", "@x.query('/a').value('.', 'int')"},
	}
	for _, c := range cases {
		if got := show(selectExpr(t, c.src)); got != c.want {
			t.Errorf("SELECT %s\n got %s\nwant %s", c.src, got, c.want)
		}
	}
}

func TestConditions(t *testing.T) {
	cases := []struct{ src, want string }{
		{"a = 1", "(= a 1)"},
		{"a <> 1 AND b != 2", "(AND (<> a 1) (<> b 2))"},
		{"a < 1 OR b > 2 AND c <= 3", "(OR (< a 1) (AND (> b 2) (<= c 3)))"},
		{"a >= 1", "(>= a 1)"},
		{"a !< 1", "(!< a 1)"},
		{"a !> 1", "(!> a 1)"},
		{"a < = 1", "(<= a 1)"},
		{"a > = 1", "(>= a 1)"},
		{"a < > 1", "(<> a 1)"},
		{"NOT a = 1 AND b = 2", "(AND (NOT (= a 1)) (= b 2))"},
		{"NOT (a = 1 OR b = 2)", "(NOT (OR (= a 1) (= b 2)))"},
		{"(a = 1 OR b = 2) AND c = 3", "(AND (OR (= a 1) (= b 2)) (= c 3))"},
		{"a + 1 = b * 2", "(= (+ a 1) (* b 2))"},
		{"(a + 1) > 2", "(> (+ a 1) 2)"},
		{"x IS NULL", "(IS-NULL x)"},
		{"x IS NOT NULL", "(IS-NOT-NULL x)"},
		{"OBJECT_ID('x') IS NOT NULL", "(IS-NOT-NULL OBJECT_ID('x'))"},
		{"x IS DISTINCT FROM y", "(IS-DISTINCT x y)"},
		{"x LIKE 'a%'", "(LIKE x 'a%')"},
		{"x NOT LIKE 'a!%' ESCAPE '!'", "(NOT-LIKE x 'a!%' ESCAPE '!')"},
		{"x IN (1, 2, 3)", "(IN x [1 2 3])"},
		{"status IN (2,5)", "(IN status [2 5])"},
		{"x NOT IN (SELECT id FROM t)", "(NOT-IN x [(SELECT id FROM t)])"},
		{"x BETWEEN 1 AND 10", "(BETWEEN x 1 10)"},
		{"x NOT BETWEEN 1 AND 10 AND y = 1", "(AND (NOT-BETWEEN x 1 10) (= y 1))"},
		{"x BETWEEN a + 1 AND b - 1", "(BETWEEN x (+ a 1) (- b 1))"},
		{"EXISTS (SELECT 1 FROM t)", "(EXISTS (SELECT 1 FROM t))"},
		{"NOT EXISTS (SELECT 1)", "(NOT (EXISTS (SELECT 1)))"},
		{"x = ANY (SELECT id FROM t)", "(=-ANY x (SELECT id FROM t))"},
		{"x > SOME (SELECT id FROM t)", "(>-ANY x (SELECT id FROM t))"},
		{"x < ALL (SELECT id FROM t)", "(<-ALL x (SELECT id FROM t))"},
		{"(SELECT status FROM e) <> 7", "(<> (SUBQUERY (SELECT status FROM e)) 7)"},
		{"x = (SELECT 1)", "(= x (SUBQUERY (SELECT 1)))"},
		{"NOT NOT a = 1", "(NOT (NOT (= a 1)))"},
	}
	for _, c := range cases {
		if got := show(whereExpr(t, c.src)); got != c.want {
			t.Errorf("WHERE %s\n got %s\nwant %s", c.src, got, c.want)
		}
	}
}

func TestPositions(t *testing.T) {
	b, err := Parse("-- header\nSELECT a,\n       b + ñ\nFROM t")
	if err != nil {
		t.Fatal(err)
	}
	s := b.Stmts[0].(*SelectStmt)
	if s.Pos.Line != 2 || s.Pos.Col != 1 || s.Pos.Offset != 10 {
		t.Errorf("statement at %+v", s.Pos)
	}
	items := s.Query.Body.(*QuerySpec).Items
	bin := items[1].Expr.(*BinaryExpr)
	if bin.Pos.Line != 3 || bin.Pos.Col != 8 || bin.OpPos.Col != 10 {
		t.Errorf("b + ñ at %+v, op at %+v", bin.Pos, bin.OpPos)
	}
	if r := bin.R.(*ColumnRef); r.Pos.Col != 12 || r.Column != "ñ" {
		t.Errorf("ñ at %+v (%q)", r.Pos, r.Column)
	}
	if got := b.Text(s); got != "SELECT a,\n       b + ñ\nFROM t" {
		t.Errorf("Text = %q", got)
	}
}
