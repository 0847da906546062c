package sqltype

import (
	"strings"
	"testing"
)

func TestFormatRaiserror(t *testing.T) {
	cases := []struct {
		format string
		args   []Value
		want   string
	}{
		{"<<%*.*s>>", []Value{NewInt(7), NewInt(3), nvc("abcde")}, "<<    abc>>"},
		{"<<%7.3s>>", []Value{nvc("abcde")}, "<<    abc>>"},
		{"This is message %s %d.", []Value{nvc("number"), NewInt(5)}, "This is message number 5."},
		{"%s and %s", []Value{nvc("one")}, "one and (null)"},
		{"%d", []Value{Null(TInt)}, "(null)"},
		{"%u", []Value{NewInt(-5)}, "4294967291"},
		{"%x", []Value{NewInt(-11)}, "fffffff5"},
		{"%X", []Value{NewInt(-11)}, "FFFFFFF5"},
		{"%o", []Value{NewInt(-5)}, "37777777773"},
		{"%#x %#X %#o", []Value{NewInt(255), NewInt(255), NewInt(8)}, "0xff 0XFF 010"},
		{"[%5d] [%-5d] [%05d] [%+d] [% d]", []Value{NewInt(42), NewInt(42), NewInt(42), NewInt(42), NewInt(42)}, "[   42] [42   ] [00042] [+42] [ 42]"},
		{"[%-05d]", []Value{NewInt(-42)}, "[-42  ]"},
		{"[%.4d]", []Value{NewInt(7)}, "[0007]"},
		{"%I64d", []Value{NewBigInt(9223372036854775807)}, "9223372036854775807"},
		{"%ld %hd %ls", []Value{NewInt(1), NewSmallInt(2), nvc("x")}, "1 2 x"},
		{"100%%", nil, "100%"},
		{"%i items", []Value{NewTinyInt(3)}, "3 items"},
		{"extra args ignored", []Value{NewInt(1)}, "extra args ignored"},
		{"Hello %q", []Value{vc("as")}, "Msg 2787: Invalid format specification: '%q'."},
		{"bad %lq here", nil, "Msg 2787: Invalid format specification: '%lq'."},
		{"trailing %", nil, "Msg 2787: Invalid format specification: '%'."},
		{"%d", []Value{vc("abc")}, "Msg 2786: The data type of substitution parameter 1 does not match the expected type of the format specification."},
		{"%s %s", []Value{vc("a"), NewInt(1)}, "Msg 2786: The data type of substitution parameter 2 does not match the expected type of the format specification."},
		{"%d", []Value{NewBigInt(1)}, "Msg 2786: The data type of substitution parameter 1 does not match the expected type of the format specification."},
	}
	for _, c := range cases {
		got, err := FormatRaiserror(c.format, c.args)
		if err != nil {
			got = show(Value{}, err)
		}
		if got != c.want {
			t.Errorf("FormatRaiserror(%q) = %q, want %q", c.format, got, c.want)
		}
	}
	long := strings.Repeat("x", 3000)
	got, err := FormatRaiserror(long, nil)
	if err != nil || len(got) != RaiserrorMaxLen || !strings.HasSuffix(got, "...") {
		t.Errorf("long message: len %d, %v", len(got), err)
	}
	if err := CheckRaiserrorArgs([]Type{TInt, NVarCharN(5), TDateTime}); err == nil ||
		show(Value{}, err) != "Msg 2748: Cannot specify datetime data type (parameter 6) as a substitution parameter." {
		t.Errorf("CheckRaiserrorArgs = %v", err)
	}
}

func TestFormatMessage(t *testing.T) {
	cases := []struct {
		tmpl string
		args []any
		want string
	}{
		{"Procedure or function '%.*ls' expects parameter '%.*ls', which was not supplied.", []any{"p", "@a"}, "Procedure or function 'p' expects parameter '@a', which was not supplied."},
		{"Transaction count ... Previous count = %ld, current count = %ld.", []any{1, 0}, "Transaction count ... Previous count = 1, current count = 0."},
		{"Operation %I64d of %ls at 100%%", []any{int64(42), "x"}, "Operation 42 of x at 100%"},
		{"missing %ls", nil, "missing (null)"},
	}
	for _, c := range cases {
		if got := FormatMessage(c.tmpl, c.args...); got != c.want {
			t.Errorf("FormatMessage(%q) = %q, want %q", c.tmpl, got, c.want)
		}
	}
}

func TestParseTypeName(t *testing.T) {
	cases := []struct {
		name string
		args []int
		max  bool
		cast bool
		want string
	}{
		{"int", nil, false, false, "int"},
		{"INTEGER", nil, false, false, "int"},
		{"nvarchar", nil, false, false, "nvarchar(1)"},
		{"nvarchar", nil, false, true, "nvarchar(30)"},
		{"varchar", []int{50}, false, false, "varchar(50)"},
		{"nvarchar", nil, true, false, "nvarchar(max)"},
		{"sysname", nil, false, false, "nvarchar(128)"},
		{"national character varying", []int{10}, false, false, "nvarchar(10)"},
		{"national  char", []int{3}, false, false, "nchar(3)"},
		{"char varying", []int{3}, false, false, "varchar(3)"},
		{"double precision", nil, false, false, "float"},
		{"float", []int{24}, false, false, "real"},
		{"float", []int{25}, false, false, "float"},
		{"dec", []int{10, 2}, false, false, "decimal(10,2)"},
		{"decimal", nil, false, false, "decimal(18,0)"},
		{"numeric", []int{5}, false, false, "numeric(5,0)"},
		{"datetime2", nil, false, false, "datetime2(7)"},
		{"datetimeoffset", []int{3}, false, false, "datetimeoffset(3)"},
		{"time", []int{0}, false, false, "time(0)"},
		{"[varbinary]", nil, true, false, "varbinary(max)"},
		{"rowversion", nil, false, false, "binary(8)"},
		{"sql_variant", nil, false, false, "sql_variant"},
		{"uniqueidentifier", nil, false, false, "uniqueidentifier"},
		{"varchar", []int{9000}, false, false, "Msg 131: The size (9000) given to the type 'varchar' exceeds the maximum allowed for any data type (8000)."},
		{"nvarchar", []int{4001}, false, false, "Msg 131: The size (4001) given to the type 'nvarchar' exceeds the maximum allowed for any data type (4000)."},
		{"varchar", []int{0}, false, false, "Msg 1001: Line 1: Length or precision specification 0 is invalid."},
		{"decimal", []int{39}, false, false, "Msg 2750: Column or parameter #1: Specified column precision 39 is greater than the maximum precision of 38."},
		{"decimal", []int{5, 6}, false, false, "Msg 2751: Column or parameter #1: Specified column scale 6 is greater than the specified precision of 5."},
		{"datetime2", []int{8}, false, false, "Msg 1002: Line 1: Specified scale 8 is invalid."},
		{"int", []int{5}, false, false, "Msg 2716: Column, parameter, or variable #1: Cannot specify a column width on data type int."},
		{"foo", nil, false, false, "Msg 2715: Column, parameter, or variable #1: Cannot find data type foo."},
		{"foo", nil, false, true, "Msg 243: Type foo is not a defined system type."},
	}
	for _, c := range cases {
		f := ParseTypeName
		if c.cast {
			f = ParseCastTypeName
		}
		typ, err := f(c.name, c.args, c.max)
		got := typ.String()
		if err != nil {
			got = show(Value{}, err)
		}
		if got != c.want {
			t.Errorf("%s%v max=%v cast=%v = %q, want %q", c.name, c.args, c.max, c.cast, got, c.want)
		}
	}
}

func TestLiterals(t *testing.T) {
	cases := []struct {
		f        func(string) (Value, error)
		text     string
		wantType string
		wantVal  string
	}{
		{IntegerLiteral, "1", "int", "1"},
		{IntegerLiteral, "2147483647", "int", "2147483647"},
		{IntegerLiteral, "2147483648", "numeric(10,0)", "2147483648"},
		{IntegerLiteral, "12345678901234567890", "numeric(20,0)", "12345678901234567890"},
		{DecimalLiteral, "1.50", "numeric(3,2)", "1.50"},
		{DecimalLiteral, "0.5", "numeric(1,1)", "0.5"},
		{DecimalLiteral, ".5", "numeric(1,1)", "0.5"},
		{DecimalLiteral, "10.", "numeric(2,0)", "10"},
		{DecimalLiteral, "0.001", "numeric(3,3)", "0.001"},
		{FloatLiteral, "1e5", "float", "100000"},
		{FloatLiteral, "2.5E-3", "float", "0.0025"},
		{MoneyLiteral, "$12.5", "money", "12.50"},
		{BinaryLiteral, "0xCAFE", "varbinary(2)", "CAFE"},
		{BinaryLiteral, "0x", "varbinary(1)", ""},
	}
	for _, c := range cases {
		v, err := c.f(c.text)
		if err != nil {
			t.Errorf("%s: %v", c.text, err)
			continue
		}
		val := Format(v)
		if v.Kind().IsBinary() {
			val = hexUpper(v.Bytes())
		}
		if v.Type().String() != c.wantType || val != c.wantVal {
			t.Errorf("%s: %s %q, want %s %q", c.text, v.Type(), val, c.wantType, c.wantVal)
		}
	}
	if _, err := IntegerLiteral(strings.Repeat("9", 39)); err == nil {
		t.Error("39-digit literal accepted")
	}
	if v := StringLiteral("abc", false); v.Type() != VarCharN(3) {
		t.Errorf("'abc' is %s", v.Type())
	}
	if v := StringLiteral("abc", true); v.Type() != NVarCharN(3) {
		t.Errorf("N'abc' is %s", v.Type())
	}
	if v := StringLiteral("", true); v.Type() != NVarCharN(1) {
		t.Errorf("N'' is %s", v.Type())
	}
	if v := StringLiteral(strings.Repeat("x", 4001), true); v.Type() != NVarCharN(Max) {
		t.Errorf("long N'' is %s", v.Type())
	}
}

func TestSQLVariantProperty(t *testing.T) {
	d := dec("46279.1", 8, 2)
	cases := []struct {
		v    Value
		prop string
		want string
	}{
		{d, "BaseType", "decimal"},
		{d, "Precision", "8"},
		{d, "Scale", "2"},
		{NewInt(1), "BaseType", "int"},
		{NewInt(1), "Precision", "10"},
		{NewInt(1), "MaxLength", "4"},
		{NewInt(1), "TotalBytes", "6"},
		{NewBigInt(1), "Precision", "19"},
		{NewMoney(1), "Precision", "19"},
		{NewMoney(1), "Scale", "4"},
		{NewFloat(1), "Precision", "53"},
		{dt("2020-01-01 00:00:00"), "Precision", "23"},
		{dt("2020-01-01 00:00:00"), "Scale", "3"},
		{NewString(NVarCharN(50), "abc"), "MaxLength", "100"},
		{NewString(NVarCharN(50), "abc"), "BaseType", "nvarchar"},
		{NewString(NVarCharN(50), "abc"), "Collation", "SQL_Latin1_General_CP1_CI_AS"},
		{NewInt(1), "Collation", "NULL"},
		{func() Value { v, _ := DecimalLiteral("1.5"); return v }(), "BaseType", "numeric"},
		{NewInt(1), "Nonsense", "NULL"},
		{Null(TInt), "BaseType", "NULL"},
	}
	for _, c := range cases {
		if got := show(SQLVariantProperty(c.v, c.prop), nil); got != c.want {
			t.Errorf("SQL_VARIANT_PROPERTY(%#v, %s) = %s, want %s", c.v, c.prop, got, c.want)
		}
	}
}

func TestCharsets(t *testing.T) {
	if CharLen("a😀", true) != 3 || CharLen("a😀", false) != 2 {
		t.Error("CharLen")
	}
	if DataLength("abc", true) != 6 || DataLength("abc", false) != 3 {
		t.Error("DataLength")
	}
	if got := decodeCP1252([]byte{0x80, 0x41}); got != "€A" {
		t.Errorf("cp1252 = %q", got)
	}
	if got := truncateChars("a😀b", 2, true); got != "a" {
		t.Errorf("truncate keeps surrogate pairs whole: %q", got)
	}
}
