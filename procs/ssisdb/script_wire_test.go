package ssisdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/golang-sql/sqlexp"
	mssql "github.com/microsoft/go-mssqldb"

	"github.com/ssisdb-emulator/ssisdb-emulator/procs/scripttest"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// TestScriptsOverTheWire runs the engine's script tests through
// go-mssqldb against the full stack, with the expectations the in-process
// run uses.
func TestScriptsOverTheWire(t *testing.T) {
	files := scripttest.Load(t, "../testdata/scripts")
	for k, v := range scripttest.Load(t, "testdata/scripts") {
		files[k] = v
	}
	for _, file := range sortedKeys(files) {
		// One stack per file: cases of a file may build on the catalog state
		// the earlier ones leave; files do not see each other's.
		st := newStack(t)
		db := st.db(t)
		db.SetMaxOpenConns(4)
		for _, tc := range files[file] {
			t.Run(file+"/"+tc.Name, func(t *testing.T) {
				if tc.WireSkip != "" {
					t.Skip(tc.WireSkip)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				conn, err := db.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				// A fresh connection per case: the pool would otherwise hand a
				// session with the previous case's options.
				defer conn.Raw(func(any) error { return driverBad })
				defer conn.Close()
				for _, b := range tc.Setup {
					if _, err := runWire(ctx, conn, b); err != nil {
						t.Fatalf("setup: %v", err)
					}
				}
				o, err := runWire(ctx, conn, tc.SQL)
				if err != nil {
					t.Fatalf("batch: %v", err)
				}
				scripttest.Check(t, tc, o)
			})
		}
	}
}

func sortedKeys(m map[string][]scripttest.Case) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestCatalogScripts runs the catalog script tests in process.
func TestCatalogScripts(t *testing.T) {
	files := scripttest.Load(t, "testdata/scripts")
	for _, file := range sortedKeys(files) {
		st := newStack(t)
		for _, tc := range files[file] {
			t.Run(file+"/"+tc.Name, func(t *testing.T) {
				ctx := context.Background()
				sess, _, err := st.eng.Open(ctx, &tds.Login{UserName: "sa", SPID: 70})
				if err != nil {
					t.Fatal(err)
				}
				defer sess.Close()
				for _, b := range tc.Setup {
					if err := sess.Batch(ctx, b, &scripttest.Recorder{}); err != nil {
						t.Fatal(err)
					}
				}
				r := &scripttest.Recorder{}
				if err := sess.Batch(ctx, tc.SQL, r); err != nil {
					t.Fatal(err)
				}
				scripttest.Check(t, tc, r.Outcome())
			})
		}
	}
}

// driverBad makes database/sql drop the connection instead of pooling it.
var driverBad = errors.New("discard")

// runWire runs one batch and collects what go-mssqldb reports, through
// its message loop.
func runWire(ctx context.Context, conn *sql.Conn, sqlText string) (scripttest.Outcome, error) {
	var o scripttest.Outcome
	retmsg := &sqlexp.ReturnMessage{}
	rows, err := conn.QueryContext(ctx, sqlText, retmsg)
	if err != nil {
		return o, err
	}
	defer rows.Close()
	for active := true; active; {
		switch m := retmsg.Message(ctx).(type) {
		case sqlexp.MsgNotice:
			o.Infos = append(o.Infos, m.Message.String())
		case sqlexp.MsgError:
			var me mssql.Error
			if errors.As(m.Error, &me) {
				for _, e := range me.All {
					o.Errors = append(o.Errors, scripttest.Error{Number: e.Number, Text: e.Message, Line: e.LineNo, Proc: e.ProcName})
				}
				if len(me.All) == 0 {
					o.Errors = append(o.Errors, scripttest.Error{Number: me.Number, Text: me.Message, Line: me.LineNo, Proc: me.ProcName})
				}
			} else {
				return o, m.Error
			}
		case sqlexp.MsgRowsAffected:
			o.Counts = append(o.Counts, m.Count)
		case sqlexp.MsgNext:
			cols, err := rows.Columns()
			if err != nil {
				return o, err
			}
			o.Columns = append(o.Columns, cols)
			set := [][]string{}
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					return o, err
				}
				row := make([]string, len(vals))
				for i, v := range vals {
					row[i] = formatWire(v)
				}
				set = append(set, row)
			}
			o.Results = append(o.Results, set)
		case sqlexp.MsgNextResultSet:
			active = rows.NextResultSet()
		}
	}
	return o, nil
}

func formatWire(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case bool:
		if x {
			return "1"
		}
		return "0"
	case []byte:
		return string(x) // decimals arrive as their digits
	case time.Time:
		return x.Format("2006-01-02 15:04:05.9999999")
	case string:
		return x
	}
	return strings.TrimSpace(fmt.Sprint(v))
}
