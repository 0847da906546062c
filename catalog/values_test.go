package catalog

import (
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

func TestCheckValueMapping(t *testing.T) {
	cases := []struct {
		typ  string
		v    sqltype.Value
		want int32
	}{
		{"Int32", sqltype.NewSmallInt(1), 0}, // the documented smallint LOGGING_LEVEL
		{"Boolean", sqltype.NewInt(1), 0},    // @parameter_value=1 for SYNCHRONIZED
		{"Boolean", sqltype.NewBit(true), 0},
		{"Boolean", sqltype.NewNVarChar("true"), 27147},
		{"String", sqltype.NewVarChar("x"), 0},
		{"String", sqltype.NewInt(1), 27147},
		{"Byte", sqltype.NewInt(256), 27147},
		{"Byte", sqltype.NewInt(255), 0},
		{"UInt32", sqltype.NewInt(-1), 27147},
		{"Int16", sqltype.NewInt(40000), 27147},
		{"Double", sqltype.NewInt(3), 0},
		{"DateTime", sqltype.NewDateTimeOffset(t0), 0},
		{"DateTime", sqltype.NewNVarChar("2017-01-01"), 27147},
		{"Int32", sqltype.Value{}, 27159},
		{"Object", sqltype.NewInt(1), 27159},
	}
	for _, c := range cases {
		err := checkValue(c.typ, c.v, c.typ)
		got := int32(0)
		if err != nil {
			got = err.Number
		}
		if got != c.want {
			t.Errorf("checkValue(%s, %#v) = %d, want %d", c.typ, c.v, got, c.want)
		}
	}
}

func TestDesignValues(t *testing.T) {
	cases := map[string][2]string{
		"Boolean":  {"True", "1"},
		"Int32":    {"42", "42"},
		"UInt64":   {"18446744073709551615", "18446744073709551615"},
		"Decimal":  {"-12.50", "-12.50"},
		"DateTime": {"2017-10-01T08:30:00", "2017-10-01T08:30:00"},
		"Double":   {"1.5", "1.5"},
		"String":   {"", ""},
	}
	for typ, c := range cases {
		if got := valueText(designValue(typ, &c[0])); got != c[1] {
			t.Errorf("designValue(%s, %q) = %q, want %q", typ, c[0], got, c[1])
		}
	}
	if v := designValue("Int32", nil); !v.IsNull() {
		t.Error("a missing design value is not NULL")
	}
}

// FuzzDesignValue: parameter values come from untrusted .ispac files.
func FuzzDesignValue(f *testing.F) {
	for _, s := range []string{"1", "-0.5", "99999999999999999999999999999999999999999", "2017-10-01T00:00:00", "1e309", "", "\x00"} {
		f.Add("Decimal", s)
		f.Add("DateTime", s)
		f.Add("UInt64", s)
	}
	f.Fuzz(func(t *testing.T, typ, s string) {
		v := designValue(typ, &s)
		_ = valueText(v)
		_ = checkValue(typ, v, "p")
	})
}
