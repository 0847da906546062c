package builtin

import (
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// FuzzFormat runs FORMAT's format-string interpreters (numbers, dates,
// time spans) on arbitrary format strings: they must never panic.
func FuzzFormat(f *testing.F) {
	for _, s := range []string{"N2", "#,##0.00", "0.0%;(0.0%);zero", "yyyy-MM-dd", `hh\:mm`, "E+000", "'lit'0\\#", "C", "X8", "dddd MMMM", "%d", "\\", "'", "0,,", "0.###E-00"} {
		f.Add(s, 1234.5678)
	}
	vals := func(x float64) []sqltype.Value {
		return []sqltype.Value{
			sqltype.NewFloat(x), sqltype.NewInt(int64(int32(x))), sqltype.NewMoney(int64(x * 10000)),
			sqltype.NewTime(sqltype.DateTime2S(7), time.Date(2020, 3, 5, 13, 5, 9, 123456700, time.UTC)),
			sqltype.NewDateTimeOffset(time.Date(2020, 3, 5, 13, 5, 9, 0, time.FixedZone("", 3600))),
			sqltype.NewTime(sqltype.TimeS(7), time.Date(1900, 1, 1, 13, 5, 9, 0, time.UTC)),
		}
	}
	f.Fuzz(func(t *testing.T, format string, x float64) {
		if len(format) > 512 {
			return
		}
		for _, v := range vals(x) {
			for _, c := range []string{"en-US", "de-DE", ""} {
				Format(v, format, c)
			}
		}
	})
}
