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
