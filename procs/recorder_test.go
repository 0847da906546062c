package procs

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/procs/scripttest"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// recorder is an in-process tds.ResultWriter that keeps every token.
type recorder struct {
	tokens []any
}

func (r *recorder) Columns(cols []tds.Column) error {
	r.tokens = append(r.tokens, append([]tds.Column(nil), cols...))
	return nil
}
func (r *recorder) Row(values []any) error {
	r.tokens = append(r.tokens, append([]any(nil), values...))
	return nil
}
func (r *recorder) Done(d tds.Done) error               { r.tokens = append(r.tokens, d); return nil }
func (r *recorder) Message(m tds.Message) error         { r.tokens = append(r.tokens, m); return nil }
func (r *recorder) ReturnStatus(s int32) error          { r.tokens = append(r.tokens, retStatus(s)); return nil }
func (r *recorder) ReturnValue(v tds.ReturnValue) error { r.tokens = append(r.tokens, v); return nil }
func (r *recorder) EnvChange(c tds.EnvChange) error     { r.tokens = append(r.tokens, c); return nil }
func (r *recorder) Flush() error                        { return nil }

type retStatus int32

// outcome is what a test compares: result sets, messages and errors.
type outcome = scripttest.Outcome

func (r *recorder) outcome() outcome {
	var o outcome
	for _, t := range r.tokens {
		switch x := t.(type) {
		case []tds.Column:
			var names []string
			for _, c := range x {
				names = append(names, c.Name)
			}
			o.Columns = append(o.Columns, names)
			o.Results = append(o.Results, [][]string{})
		case []any:
			var row []string
			for _, v := range x {
				row = append(row, formatGo(v))
			}
			o.Results[len(o.Results)-1] = append(o.Results[len(o.Results)-1], row)
		case tds.Message:
			if x.Class > 10 {
				o.Errors = append(o.Errors, scripttest.Error{Number: x.Number, Text: x.Text, Line: x.Line, Proc: x.Proc})
			} else {
				o.Infos = append(o.Infos, x.Text)
			}
		case tds.Done:
			if x.Status&tds.DoneCount != 0 {
				o.Counts = append(o.Counts, int64(x.RowCount))
			}
		}
	}
	return o
}

// formatGo renders a wire value for comparisons in tests.
func formatGo(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case bool:
		if x {
			return "1"
		}
		return "0"
	case int64:
		return fmt.Sprint(x)
	case float64:
		return fmt.Sprint(x)
	case string:
		return x
	case []byte:
		return fmt.Sprintf("0x%X", x)
	case [16]byte:
		return strings.ToUpper(fmt.Sprintf("%x-%x-%x-%x-%x", x[0:4], x[4:6], x[6:8], x[8:10], x[10:16]))
	case time.Time:
		return x.Format("2006-01-02 15:04:05.9999999")
	case tds.Decimal:
		u := new(big.Int).SetUint64(x.Hi)
		u.Lsh(u, 64)
		u.Or(u, new(big.Int).SetUint64(x.Lo))
		if x.Neg {
			u.Neg(u)
		}
		return u.String()
	case tds.Variant:
		return formatGo(x.Value)
	}
	return fmt.Sprint(v)
}

// testSession opens a session on a fresh engine with the built-in catalog.
func testSession(t testing.TB, cfg Config) *Session {
	t.Helper()
	e := New(cfg)
	s, _, err := e.Open(context.Background(), &tds.Login{UserName: "sa", SPID: 55})
	if err != nil {
		t.Fatal(err)
	}
	return s.(*Session)
}

func runBatch(t testing.TB, s *Session, sql string) (*recorder, error) {
	t.Helper()
	r := &recorder{}
	err := s.Batch(context.Background(), sql, r)
	return r, err
}
