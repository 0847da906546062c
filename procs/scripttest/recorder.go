package scripttest

import (
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// Recorder is an in-process tds.ResultWriter that keeps every token, for
// tests that run the engine without a connection.
type Recorder struct {
	Tokens []any
}

// ReturnStatus is a RETURNSTATUS token as the Recorder keeps it.
type ReturnStatus int32

func (r *Recorder) Columns(cols []tds.Column) error {
	r.Tokens = append(r.Tokens, append([]tds.Column(nil), cols...))
	return nil
}

func (r *Recorder) Row(values []any) error {
	r.Tokens = append(r.Tokens, append([]any(nil), values...))
	return nil
}

func (r *Recorder) Done(d tds.Done) error       { r.Tokens = append(r.Tokens, d); return nil }
func (r *Recorder) Message(m tds.Message) error { r.Tokens = append(r.Tokens, m); return nil }
func (r *Recorder) ReturnStatus(s int32) error {
	r.Tokens = append(r.Tokens, ReturnStatus(s))
	return nil
}
func (r *Recorder) ReturnValue(v tds.ReturnValue) error { r.Tokens = append(r.Tokens, v); return nil }
func (r *Recorder) EnvChange(c tds.EnvChange) error     { r.Tokens = append(r.Tokens, c); return nil }
func (r *Recorder) Flush() error                        { return nil }

// Outcome summarises the recorded tokens.
func (r *Recorder) Outcome() Outcome {
	var o Outcome
	var cols []tds.Column
	for _, t := range r.Tokens {
		switch x := t.(type) {
		case []tds.Column:
			cols = x
			var names []string
			for _, c := range x {
				names = append(names, c.Name)
			}
			o.Columns = append(o.Columns, names)
			o.Results = append(o.Results, [][]string{})
		case []any:
			row := make([]string, len(x))
			for i, v := range x {
				row[i] = Format(v)
				if d, ok := v.(tds.Decimal); ok && i < len(cols) {
					row[i] = formatDecimal(d, cols[i].Type.Scale)
				}
			}
			o.Results[len(o.Results)-1] = append(o.Results[len(o.Results)-1], row)
		case tds.Message:
			if x.Class > 10 {
				o.Errors = append(o.Errors, Error{Number: x.Number, Text: x.Text, Line: x.Line, Proc: x.Proc})
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

// Format renders a value in the Go convention of the tds seam as text, the
// way script files write expected values.
func Format(v any) string {
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
		return Format(x.Value)
	}
	return fmt.Sprint(v)
}

// formatDecimal renders a decimal with its column's scale, as a driver
// shows it ("1.50").
func formatDecimal(d tds.Decimal, scale uint8) string {
	digits := Format(tds.Decimal{Hi: d.Hi, Lo: d.Lo})
	if scale == 0 {
		if d.Neg {
			return "-" + digits
		}
		return digits
	}
	for len(digits) <= int(scale) {
		digits = "0" + digits
	}
	out := digits[:len(digits)-int(scale)] + "." + digits[len(digits)-int(scale):]
	if d.Neg {
		out = "-" + out
	}
	return out
}
