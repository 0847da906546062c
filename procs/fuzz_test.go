package procs

import (
	"context"
	"testing"
	"time"
)

// FuzzBatch runs arbitrary batch text through parse, compile and run: the
// engine must answer with SQL errors, never panic. Each run has a short
// deadline (loops and WAITFOR end with it).
func FuzzBatch(f *testing.F) {
	for _, s := range []string{
		"SELECT 1",
		"DECLARE @i int = 0 WHILE @i < 10 SET @i += 1 SELECT @i",
		"BEGIN TRY SELECT 1/0 END TRY BEGIN CATCH SELECT ERROR_MESSAGE() END CATCH",
		"CREATE PROCEDURE p @a int = 1 OUTPUT AS RETURN @a",
		"EXEC sp_executesql N'SELECT @a', N'@a int', 1",
		"RAISERROR('%s %d', 16, 1, 'x', 2)",
		"BEGIN TRAN SAVE TRAN a ROLLBACK TRAN a COMMIT",
		"SELECT CASE WHEN 1 = 1 THEN N'a' ELSE 'b' END, IIF(1 > 2, 1, 2), COALESCE(NULL, 1)",
		"THROW 50000, 'x', 1;",
		"SELECT name FROM sys.procedures WHERE name LIKE 'p%' ORDER BY 1 DESC",
		"SELECT x.a, y.b, COUNT(*) OVER (PARTITION BY x.a) FROM (VALUES (1),(2)) x(a) LEFT JOIN (VALUES (1, 'q')) y(a, b) ON y.a = x.a",
		"SELECT k, SUM(v), STRING_AGG(CAST(v AS varchar(5)), ',') FROM (VALUES ('a', 1), ('b', NULL)) t(k, v) GROUP BY k HAVING COUNT(*) > 0 ORDER BY 2 DESC",
		";WITH r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r EXCEPT SELECT 2",
		"SELECT * FROM (VALUES ('x', 1)) s(k, v) PIVOT (MAX(v) FOR k IN ([x], [y])) p",
		"SELECT STUFF((SELECT ',' + v FROM (VALUES ('a')) t(v) FOR XML PATH('')), 1, 1, '')",
		"CREATE TABLE #t (id int IDENTITY PRIMARY KEY, v varchar(3) NOT NULL DEFAULT 'x') INSERT #t (v) OUTPUT inserted.id VALUES ('a') UPDATE #t SET v = 'b' DELETE #t",
		"DECLARE @t TABLE (a int) INSERT @t SELECT value FROM STRING_SPLIT('1,2', ',') SELECT * FROM @t t CROSS APPLY (SELECT TOP (t.a) 1 AS one) x",
		"DECLARE c CURSOR STATIC FOR SELECT 1 OPEN c FETCH LAST FROM c CLOSE c DEALLOCATE c",
		"SELECT a FROM (VALUES (1)) x(a) WHERE a IN (SELECT b FROM (VALUES (1)) y(b) WHERE y.b = x.a) ORDER BY a OFFSET 0 ROWS FETCH NEXT 1 ROWS ONLY",
	} {
		f.Add(s)
	}
	e := New(Config{})
	f.Fuzz(func(t *testing.T, src string) {
		s, _, err := e.Open(context.Background(), &loginForFuzz)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_ = s.Batch(ctx, src, discard{})
		s.Close()
	})
}
