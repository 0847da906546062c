package procs

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// TestSessionsShareTables: sessions write one permanent table at the same
// time (identity values stay unique, every row lands), while each has its
// own #temp table of the same name; a session's temp tables go with it.
func TestSessionsShareTables(t *testing.T) {
	e := New(Config{})
	open := func(spid uint16) *Session {
		s, _, err := e.Open(context.Background(), &tds.Login{UserName: "sa", SPID: spid})
		if err != nil {
			t.Fatal(err)
		}
		return s.(*Session)
	}
	admin := open(60)
	if r, _ := runBatch(t, admin, "CREATE TABLE dbo.shared (id int IDENTITY PRIMARY KEY, who int, n int)"); len(r.Outcome().Errors) > 0 {
		t.Fatalf("%+v", r.Outcome())
	}
	const workers, each = 6, 40
	var wg sync.WaitGroup
	errs := make(chan string, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			s := open(uint16(61 + w))
			defer s.Close()
			batch := fmt.Sprintf(`CREATE TABLE #mine (n int)
DECLARE @i int = 0
WHILE @i < %d
BEGIN
  INSERT INTO dbo.shared (who, n) VALUES (%d, @i)
  INSERT INTO #mine VALUES (@i)
  UPDATE dbo.shared SET n = n + 1 WHERE who = %d AND n = @i
  SET @i += 1
END
SELECT (SELECT COUNT(*) FROM #mine), (SELECT COUNT(*) FROM dbo.shared WHERE who = %d)`, each, w, w, w)
			r := &recorder{}
			if err := s.Batch(context.Background(), batch, r); err != nil {
				errs <- err.Error()
				return
			}
			o := r.Outcome()
			if want := [][][]string{{{fmt.Sprint(each), fmt.Sprint(each)}}}; len(o.Errors) > 0 || !reflect.DeepEqual(o.Results, want) {
				errs <- fmt.Sprintf("worker %d: %+v", w, o)
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
	r, _ := runBatch(t, admin, "SELECT COUNT(*), COUNT(DISTINCT id), MIN(n) FROM dbo.shared\nSELECT OBJECT_ID('tempdb..#mine')")
	if o := r.Outcome(); !reflect.DeepEqual(o.Results, [][][]string{{{"240", "240", "40"}}, {{"NULL"}}}) {
		t.Fatalf("%+v", o)
	}
}

// TestTempTablesGoWithTheSession: a reset or a closed session drops its
// #temp tables and the ##global ones it created.
func TestTempTablesGoWithTheSession(t *testing.T) {
	e := New(Config{})
	ls, _, _ := e.Open(context.Background(), &tds.Login{UserName: "sa", SPID: 70})
	s := ls.(*Session)
	runBatch(t, s, "CREATE TABLE #a (x int) CREATE TABLE ##g (x int)")
	other, _, _ := e.Open(context.Background(), &tds.Login{UserName: "sa", SPID: 71})
	o2 := other.(*Session)
	r, _ := runBatch(t, o2, "SELECT OBJECT_ID('tempdb..#a'), CASE WHEN OBJECT_ID('tempdb..##g') IS NOT NULL THEN 1 END")
	if o := r.Outcome(); !reflect.DeepEqual(o.Results, [][][]string{{{"NULL", "1"}}}) {
		t.Fatalf("another session: %+v", o)
	}
	if err := s.Reset(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	r, _ = runBatch(t, s, "SELECT OBJECT_ID('tempdb..#a'), OBJECT_ID('tempdb..##g')")
	if o := r.Outcome(); !reflect.DeepEqual(o.Results, [][][]string{{{"NULL", "NULL"}}}) {
		t.Fatalf("after reset: %+v", o)
	}
	runBatch(t, o2, "CREATE TABLE ##h (x int)")
	o2.Close()
	r, _ = runBatch(t, s, "SELECT OBJECT_ID('tempdb..##h')")
	if o := r.Outcome(); !reflect.DeepEqual(o.Results, [][][]string{{{"NULL"}}}) {
		t.Fatalf("after close: %+v", o)
	}
}
