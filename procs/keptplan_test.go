package procs

import (
	"context"
	"reflect"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// keptOf returns the plan kept by the first statement of the module s
// keeps for text, or nil.
func keptOf(s *Session, text string) *plan {
	ct, ok := s.modules[moduleKey{text: text}]
	if !ok || len(ct.mod.body.stmts) == 0 {
		return nil
	}
	st, ok := ct.mod.body.stmts[0].s.(*selectStmt)
	if !ok {
		return nil
	}
	if e := st.kept.p.Load(); e != nil {
		return e.plan
	}
	return nil
}

// TestPlansOverViewsAreKept: a lookup sent again runs the plan it built
// the first time, reading the variables of each run; what could resolve
// its names differently (another database, another security context, a
// table created since) makes it plan again; and plans that read anything
// but views are not kept.
func TestPlansOverViewsAreKept(t *testing.T) {
	big := &bigSource{n: 1000}
	s := testSession(t, Config{Catalog: viewCatalog{big: big}})
	results := func(sql string) [][][]string {
		r, err := runBatch(t, s, sql)
		if err != nil {
			t.Fatal(err)
		}
		o := r.Outcome()
		if len(o.Errors) > 0 {
			t.Fatalf("%q: %+v", sql, o.Errors)
		}
		return o.Results
	}

	const lookup = "SELECT TOP 2 name FROM dbo.big WHERE id IN (7, 8, 9) ORDER BY id DESC"
	want := [][][]string{{{"row9"}, {"row8"}}}
	if got := results(lookup); !reflect.DeepEqual(got, want) {
		t.Fatalf("first run: %v", got)
	}
	p := keptOf(s, lookup)
	if p == nil {
		t.Fatal("the plan over a view was not kept")
	}
	if got := results(lookup); !reflect.DeepEqual(got, want) || keptOf(s, lookup) != p {
		t.Fatalf("second run: %v, planned again: %v", got, keptOf(s, lookup) != p)
	}

	t.Run("variables are read at each run", func(t *testing.T) {
		call := func(id int64) string {
			r := &recorder{}
			err := s.RPC(context.Background(), &tds.RPCRequest{ProcID: tds.ProcExecuteSQL, Params: []tds.Param{
				nvParam("", "SELECT name FROM big WHERE id = @id"), nvParam("", "@id int"), intParam("@id", id, false)}}, r)
			if err != nil {
				t.Fatal(err)
			}
			o := r.Outcome()
			if len(o.Errors) > 0 || len(o.Results) != 1 || len(o.Results[0]) != 1 {
				t.Fatalf("id %d: %+v", id, o)
			}
			return o.Results[0][0][0]
		}
		for _, id := range []int64{5, 6, 5, 999} {
			if got := call(id); got != "row"+itoa(id) {
				t.Fatalf("id %d: %s", id, got)
			}
		}
		const top = "SELECT TOP (@n) id FROM big WHERE id > @from ORDER BY id"
		for _, n := range []int64{1, 3, 2} {
			r := &recorder{}
			err := s.RPC(context.Background(), &tds.RPCRequest{ProcID: tds.ProcExecuteSQL, Params: []tds.Param{
				nvParam("", top), nvParam("", "@n int, @from int"), intParam("@n", n, false), intParam("@from", 10*n, false)}}, r)
			if err != nil {
				t.Fatal(err)
			}
			o := r.Outcome()
			if len(o.Errors) > 0 || len(o.Results) != 1 || int64(len(o.Results[0])) != n || o.Results[0][0][0] != itoa(10*n+1) {
				t.Fatalf("TOP (%d) after %d: %+v", n, 10*n, o)
			}
		}
		if ct := s.modules[moduleKey{decls: "@n int, @from int", text: top}]; ct.mod == nil ||
			ct.mod.body.stmts[0].s.(*selectStmt).kept.p.Load() == nil {
			t.Fatal("the TOP (@n) plan was not kept")
		}
	})

	t.Run("another database plans again", func(t *testing.T) {
		results("USE tempdb")
		defer results("USE master")
		results(lookup)
		if q := keptOf(s, lookup); q == nil || q == p {
			t.Fatal("the plan of master was used in tempdb")
		}
		p = keptOf(s, lookup)
	})

	t.Run("another security context plans again", func(t *testing.T) {
		results("EXECUTE AS USER = 'someone'")
		defer results("REVERT")
		results(lookup)
		if q := keptOf(s, lookup); q == nil || q == p {
			t.Fatal("the plan of sa was used for someone")
		}
		p = keptOf(s, lookup)
	})

	t.Run("a table created or dropped plans again", func(t *testing.T) {
		// A table cannot take a view's name (2714), but the check that a
		// plan's names still resolve as they did is this generation.
		results(lookup)
		p = keptOf(s, lookup)
		results("CREATE TABLE dbo.other (id int)")
		if got := results(lookup); !reflect.DeepEqual(got, want) {
			t.Fatalf("after CREATE TABLE: %v", got)
		}
		if q := keptOf(s, lookup); q == nil || q == p {
			t.Fatal("the plan was kept past CREATE TABLE")
		}
		p = keptOf(s, lookup)
		results("DROP TABLE dbo.other")
		results(lookup)
		if q := keptOf(s, lookup); q == nil || q == p {
			t.Fatal("the plan was kept past DROP TABLE")
		}
	})

	t.Run("plans that read more than views are not kept", func(t *testing.T) {
		for _, sql := range []string{
			"SELECT COUNT(*) FROM big",
			"SELECT name FROM big WHERE id = (SELECT 5)",
			"SELECT TOP 1 name FROM sys.objects",
			"WITH c AS (SELECT id FROM big WHERE id = 3) SELECT id FROM c",
			"SELECT name FROM big b CROSS APPLY (SELECT 1 AS x) a WHERE b.id = 4",
			"SELECT id, ROW_NUMBER() OVER (ORDER BY id) FROM big WHERE id = 4",
		} {
			results(sql)
			if keptOf(s, sql) != nil {
				t.Errorf("%q: plan kept", sql)
			}
		}
	})
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
