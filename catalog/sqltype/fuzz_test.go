package sqltype

import (
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
)

var fuzzTargets = []Type{
	TBit, TTinyInt, TSmallInt, TInt, TBigInt, DecimalPS(18, 4), DecimalPS(38, 0), TMoney, TSmallMoney, TFloat, TReal,
	TDate, TimeS(7), TDateTime, TSmallDateTime, DateTime2S(7), DateTimeOffsetS(7), TUniqueIdentifier,
	VarBinaryN(Max), BinaryN(4), VarCharN(5), NCharN(5), TXML,
}

// FuzzConvertString converts arbitrary strings to every type, under every
// DATEFORMAT and a few styles: it must never panic, and failures must be
// SQL Server errors.
func FuzzConvertString(f *testing.F) {
	for _, s := range []string{"", "123", " -42 ", "1.5e3", "$1,234.56", "TRUE", "2020-01-02", "20200102",
		"01/02/2020 10:00PM", "Jan 2 2020", "2020-01-02T10:00:00.1234567+02:00", "10:00:00:5", "{6f9619ff-8b86-d011-b42d-00c04fc964ff}",
		"0xCAFE", "abc", "9999-12-31 23:59:59.9999999", "1/2/3/4", "::", "12 AM PM", "99999999999999999999999999999999999999999"} {
		f.Add(s, uint8(0), uint8(0))
	}
	styles := []int{0, 1, 2, 101, 103, 112, 121, 126, 131}
	f.Fuzz(func(t *testing.T, s string, df uint8, style uint8) {
		if len(s) > 256 {
			return // long inputs only slow minimization; the parsers are linear
		}
		o := ConvertOptions{DateFormat: DateFormat(df % 6), Style: styles[int(style)%len(styles)]}
		for _, src := range []Value{NewVarChar(s), NewNVarChar(s)} {
			for _, to := range fuzzTargets {
				v, err := ConvertWith(src, to, o)
				if err != nil {
					if _, ok := sqlerr.As(err); !ok {
						t.Fatalf("%q -> %s: non-SQL error %v", s, to, err)
					}
					continue
				}
				// A converted value renders and converts back to a string.
				if _, err := Convert(v, NVarCharN(Max), 0); err != nil {
					if _, ok := sqlerr.As(err); !ok {
						t.Fatalf("%q -> %s -> nvarchar: %v", s, to, err)
					}
				}
				_ = Key(v, CollationDefault)
			}
		}
		_ = Like(s, s, '!', CollationDefault)
		_ = CompareStrings(s, "abc", CollationDefault)
	})
}

// FuzzFormatRaiserror formats arbitrary format strings with a few
// arguments: it must never panic and fail only with 2786/2787.
func FuzzFormatRaiserror(f *testing.F) {
	for _, s := range []string{"%d", "%s", "<<%*.*s>>", "%I64d", "%-+0# 5.3x", "%", "%%", "%q", "%ls %hd %lu", "%*", "%.*", "%5"} {
		f.Add(s, int64(5), "abc")
	}
	f.Fuzz(func(t *testing.T, format string, n int64, s string) {
		args := []Value{NewInt(int64(int32(n))), NewNVarChar(s), NewBigInt(n), Null(TInt)}
		out, err := FormatRaiserror(format, args)
		if err != nil {
			e, ok := sqlerr.As(err)
			if !ok || (e.Number != ErrInvalidFormatSpec && e.Number != ErrFormatParamType) {
				t.Fatalf("%q: %v", format, err)
			}
			return
		}
		if len([]rune(out)) > RaiserrorMaxLen {
			t.Fatalf("%q: %d characters", format, len([]rune(out)))
		}
	})
}
