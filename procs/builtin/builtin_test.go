package builtin

import (
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// testNow is the fake clock reading: Thursday 2020-03-05 13:05:09.1234567
// in a server zone of UTC-05:00.
var testNow = time.Date(2020, 3, 5, 13, 5, 9, 123456700, time.FixedZone("", -5*3600))

func testEnv() *StaticEnv {
	return &StaticEnv{
		Clock:        func() time.Time { return testNow },
		SPIDVal:      54,
		Server:       "ssisdb-emulator",
		Machine:      "ci-host",
		App:          "sqlcmd",
		Host:         "build-agent",
		CurrentLogin: Principal{ID: 259, Name: "ci_deployer", SID: []byte{1, 2, 3}},
		Original:     "ci_deployer",
		CurrentUser:  Principal{ID: 5, Name: "ci_deployer"},
		Logins:       []Principal{{ID: 1, Name: "sa", SID: []byte{1}}},
		Users:        []Principal{{ID: 1, Name: "dbo"}},
		Databases:    []Database{{ID: 1, Name: "master"}, {ID: 5, Name: "SSISDB"}},
		CurrentDB:    "SSISDB",
		Objects:      map[string]int{"CATALOG.FOLDERS": 101, "SSISDB.CATALOG.FOLDERS": 101, "CATALOG.CREATE_EXECUTION": 202},
		ObjectTypes: map[int]string{
			101: "V", 202: "P",
		},
		Members:  map[string]bool{"ssis_admin": true, "db_owner": false},
		SrvRoles: map[string]bool{"sysadmin": false},
		IDs:      []uuid.UUID{uuid.MustParse("6F9619FF-8B86-D011-B42D-00C04FC964FF")},
	}
}

func show(v sqltype.Value, err error) string {
	if err != nil {
		if e, ok := sqlerr.As(err); ok {
			return fmt.Sprintf("Msg %d: %s", e.Number, e.Message)
		}
		return "error: " + err.Error()
	}
	if v.IsNull() {
		return "NULL"
	}
	if v.Kind().IsBinary() {
		return fmt.Sprintf("0x%X", v.Bytes())
	}
	if v.Kind() == sqltype.DateTime || v.Kind() == sqltype.SmallDateTime {
		s, _ := sqltype.Convert(v, sqltype.VarCharN(30), 121)
		return s.Str()
	}
	return sqltype.Format(v)
}

// run evaluates name(args...) the way the engine does: Bind on the static
// types, then Eval.
func run(env Env, name string, args ...sqltype.Value) (sqltype.Value, error) {
	f, ok := Lookup(name)
	if !ok {
		return sqltype.Value{}, fmt.Errorf("no function %s", name)
	}
	ts := make([]sqltype.Type, len(args))
	for i, a := range args {
		ts[i] = a.Type()
	}
	b, err := f.Bind(ts)
	if err != nil {
		return sqltype.Value{}, err
	}
	v, err := b.Eval(env, args)
	if err == nil && !v.IsNull() && b.Type.Kind != sqltype.SQLVariant && v.Type() != b.Type {
		return v, fmt.Errorf("%s returned %s, bound type %s", name, v.Type(), b.Type)
	}
	return v, err
}

func vc(s string) sqltype.Value  { return sqltype.NewVarChar(s) }
func nvc(s string) sqltype.Value { return sqltype.NewNVarChar(s) }
func i32(n int64) sqltype.Value  { return sqltype.NewInt(n) }
func part(s string) sqltype.Value {
	return sqltype.NewNVarChar(s)
}
func dtv(s string) sqltype.Value {
	t, err := time.Parse("2006-01-02 15:04:05.999999999", s)
	if err != nil {
		panic(err)
	}
	return sqltype.NewDateTime(sqltype.RoundDateTime(t))
}
func datev(s string) sqltype.Value {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return sqltype.NewTime(sqltype.TDate, t)
}
func decv(s string, p, sc uint8) sqltype.Value {
	v, err := sqltype.Convert(vc(s), sqltype.DecimalPS(p, sc), 0)
	if err != nil {
		panic(err)
	}
	return v
}

type fcase struct {
	name string
	args []sqltype.Value
	want string
}

func runCases(t *testing.T, env Env, cases []fcase) {
	t.Helper()
	for _, c := range cases {
		got := show(run(env, c.name, c.args...))
		if got != c.want {
			t.Errorf("%s(%v) = %q, want %q", c.name, c.args, got, c.want)
		}
	}
}

func TestArity(t *testing.T) {
	cases := []struct {
		name string
		n    int
		want string
	}{
		{"DATEDIFF", 2, "Msg 174: The datediff function requires 3 argument(s)."},
		{"LEFT", 1, "Msg 174: The left function requires 2 argument(s)."},
		{"CONCAT", 1, "Msg 189: The concat function requires 2 to 254 arguments."},
		{"ROUND", 4, "Msg 189: The round function requires 2 to 3 arguments."},
		{"GETDATE", 1, "Msg 174: The getdate function requires 0 argument(s)."},
		{"COALESCE", 300, ""},
	}
	for _, c := range cases {
		f, ok := Lookup(c.name)
		if !ok {
			t.Fatalf("%s not registered", c.name)
		}
		got := ""
		if err := f.CheckArity(c.n); err != nil {
			got = show(sqltype.Value{}, err)
		}
		if got != c.want {
			t.Errorf("%s with %d args: %q, want %q", c.name, c.n, got, c.want)
		}
	}
	if _, ok := Lookup("getdate"); !ok {
		t.Error("lookup is not case-insensitive")
	}
	if _, ok := Lookup("NOSUCHFUNC"); ok {
		t.Error("unknown function found")
	}
	for _, n := range []string{"GETDATE", "SYSDATETIME", "SYSDATETIMEOFFSET", "GETUTCDATE", "SYSUTCDATETIME", "CURRENT_TIMESTAMP",
		"DATEADD", "DATEDIFF", "DATEDIFF_BIG", "DATEPART", "DATENAME", "YEAR", "MONTH", "DAY", "EOMONTH", "DATEFROMPARTS",
		"DATETIMEFROMPARTS", "DATETIME2FROMPARTS", "TODATETIMEOFFSET", "SWITCHOFFSET", "ISDATE", "ISNUMERIC", "LEN", "DATALENGTH",
		"LEFT", "RIGHT", "SUBSTRING", "CHARINDEX", "PATINDEX", "REPLACE", "STUFF", "REVERSE", "LTRIM", "RTRIM", "TRIM", "UPPER",
		"LOWER", "CONCAT", "CONCAT_WS", "FORMAT", "STR", "QUOTENAME", "REPLICATE", "SPACE", "CHAR", "NCHAR", "ASCII", "UNICODE",
		"STRING_ESCAPE", "TRANSLATE", "ABS", "ROUND", "FLOOR", "CEILING", "POWER", "SQRT", "SIGN", "RAND", "PI", "LOG", "EXP",
		"NEWID", "ISNULL", "COALESCE", "NULLIF", "CHOOSE", "SQL_VARIANT_PROPERTY", "OBJECT_ID", "OBJECT_NAME", "DB_NAME", "DB_ID",
		"SCHEMA_NAME", "SCHEMA_ID", "SUSER_NAME", "SUSER_SNAME", "SUSER_SID", "SUSER_ID", "ORIGINAL_LOGIN", "USER_NAME", "USER_ID",
		"CURRENT_USER", "SESSION_USER", "SYSTEM_USER", "IS_MEMBER", "IS_SRVROLEMEMBER", "HAS_PERMS_BY_NAME", "SERVERPROPERTY",
		"DATABASEPROPERTYEX", "@@VERSION", "@@SERVERNAME", "@@SERVICENAME", "@@SPID", "@@LANGUAGE", "@@DATEFIRST", "@@MAX_PRECISION",
		"@@TEXTSIZE", "@@OPTIONS", "APP_NAME", "HOST_NAME"} {
		if _, ok := Lookup(n); !ok {
			t.Errorf("%s is not registered", n)
		}
	}
}

func TestNowFunctions(t *testing.T) {
	env := testEnv()
	runCases(t, env, []fcase{
		{"GETDATE", nil, "2020-03-05 13:05:09.123"},
		{"CURRENT_TIMESTAMP", nil, "2020-03-05 13:05:09.123"},
		{"GETUTCDATE", nil, "2020-03-05 18:05:09.123"},
		{"SYSDATETIME", nil, "2020-03-05 13:05:09.1234567"},
		{"SYSUTCDATETIME", nil, "2020-03-05 18:05:09.1234567"},
		{"SYSDATETIMEOFFSET", nil, "2020-03-05 13:05:09.1234567 -05:00"},
	})
}

func TestDateAdd(t *testing.T) {
	env := testEnv()
	runCases(t, env, []fcase{
		{"DATEADD", []sqltype.Value{part("month"), i32(1), dtv("2020-01-31 00:00:00")}, "2020-02-29 00:00:00.000"},
		{"DATEADD", []sqltype.Value{part("mm"), i32(1), dtv("2019-01-31 10:00:00")}, "2019-02-28 10:00:00.000"},
		{"DATEADD", []sqltype.Value{part("month"), i32(-1), datev("2020-03-31")}, "2020-02-29"},
		{"DATEADD", []sqltype.Value{part("year"), i32(1), datev("2020-02-29")}, "2021-02-28"},
		{"DATEADD", []sqltype.Value{part("quarter"), i32(1), datev("2020-11-30")}, "2021-02-28"},
		{"DATEADD", []sqltype.Value{part("day"), i32(-1), dtv("2020-03-01 00:00:00")}, "2020-02-29 00:00:00.000"},
		{"DATEADD", []sqltype.Value{part("wk"), i32(2), datev("2020-01-01")}, "2020-01-15"},
		{"DATEADD", []sqltype.Value{part("hh"), i32(25), dtv("2020-01-01 00:00:00")}, "2020-01-02 01:00:00.000"},
		{"DATEADD", []sqltype.Value{part("ms"), i32(1), dtv("2020-01-01 00:00:00")}, "2020-01-01 00:00:00.000"},
		{"DATEADD", []sqltype.Value{part("ms"), i32(2), dtv("2020-01-01 00:00:00")}, "2020-01-01 00:00:00.003"},
		{"DATEADD", []sqltype.Value{part("day"), i32(1), vc("2020-01-31")}, "2020-02-01 00:00:00.000"},
		{"DATEADD", []sqltype.Value{part("day"), decv("1.9", 2, 1), datev("2020-01-01")}, "2020-01-02"},
		{"DATEADD", []sqltype.Value{part("hour"), i32(1), datev("2020-01-01")}, "Msg 9810: The datepart hour is not supported by date function dateadd for data type date."},
		{"DATEADD", []sqltype.Value{part("day"), i32(1), sqltype.NewTime(sqltype.TimeS(7), time.Date(1900, 1, 1, 1, 0, 0, 0, time.UTC))}, "Msg 9810: The datepart day is not supported by date function dateadd for data type time."},
		{"DATEADD", []sqltype.Value{part("minute"), i32(90), sqltype.NewTime(sqltype.TimeS(0), time.Date(1900, 1, 1, 23, 0, 0, 0, time.UTC))}, "00:30:00"},
		{"DATEADD", []sqltype.Value{part("year"), i32(1), dtv("9999-06-01 00:00:00")}, "Msg 517: Adding a value to a 'datetime' column caused an overflow."},
		{"DATEADD", []sqltype.Value{part("fortnight"), i32(1), dtv("2020-01-01 00:00:00")}, "Msg 155: 'fortnight' is not a recognized dateadd option."},
		{"DATEADD", []sqltype.Value{part("day"), sqltype.Null(sqltype.TInt), dtv("2020-01-01 00:00:00")}, "NULL"},
		{"DATEADD", []sqltype.Value{part("hour"), i32(2147483647), dtv("2020-01-01 00:00:00")}, "Msg 517: Adding a value to a 'datetime' column caused an overflow."},
		{"DATEADD", []sqltype.Value{part("second"), i32(-86401), sqltype.NewTime(sqltype.DateTime2S(7), time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))}, "2019-12-30 23:59:59.0000000"},
		{"DATEADD", []sqltype.Value{part("mcs"), sqltype.NewBigInt(9223372036854775807), sqltype.NewTime(sqltype.DateTime2S(7), time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))}, "Msg 517: Adding a value to a 'datetime2' column caused an overflow."},
		{"DATETRUNC", []sqltype.Value{part("month"), sqltype.NewTime(sqltype.DateTime2S(7), time.Date(2020, 3, 5, 13, 5, 9, 1234567, time.UTC))}, "2020-03-01 00:00:00.0000000"},
		{"DATETRUNC", []sqltype.Value{part("quarter"), datev("2020-08-15")}, "2020-07-01"},
		{"DATETRUNC", []sqltype.Value{part("week"), datev("2020-01-01")}, "2019-12-29"},
		{"DATETRUNC", []sqltype.Value{part("iso_week"), datev("2020-01-01")}, "2019-12-30"},
		{"DATETRUNC", []sqltype.Value{part("hour"), dtv("2020-01-01 10:35:12.997")}, "2020-01-01 10:00:00.000"},
		{"DATETRUNC", []sqltype.Value{part("hour"), datev("2020-01-01")}, "Msg 9810: The datepart hour is not supported by date function datetrunc for data type date."},
	})
}

func TestDateDiff(t *testing.T) {
	env := testEnv()
	runCases(t, env, []fcase{
		// Boundaries crossed, not elapsed time.
		{"DATEDIFF", []sqltype.Value{part("year"), dtv("2019-12-31 23:59:59"), dtv("2020-01-01 00:00:00")}, "1"},
		{"DATEDIFF", []sqltype.Value{part("month"), datev("2020-01-31"), datev("2020-02-01")}, "1"},
		{"DATEDIFF", []sqltype.Value{part("day"), dtv("2020-01-01 23:59:59"), dtv("2020-01-02 00:00:00")}, "1"},
		{"DATEDIFF", []sqltype.Value{part("hour"), dtv("2020-01-01 10:59:59"), dtv("2020-01-01 11:00:00")}, "1"},
		{"DATEDIFF", []sqltype.Value{part("second"), dtv("2020-01-01 00:00:00.997"), dtv("2020-01-01 00:00:01")}, "1"},
		{"DATEDIFF", []sqltype.Value{part("day"), datev("2020-03-01"), datev("2020-01-01")}, "-60"},
		{"DATEDIFF", []sqltype.Value{part("quarter"), datev("2019-12-31"), datev("2020-01-01")}, "1"},
		// Weeks always start on Sunday for DATEDIFF: Sat 2020-01-04 -> Sun 2020-01-05.
		{"DATEDIFF", []sqltype.Value{part("week"), datev("2020-01-04"), datev("2020-01-05")}, "1"},
		{"DATEDIFF", []sqltype.Value{part("week"), datev("2020-01-05"), datev("2020-01-11")}, "0"},
		{"DATEDIFF", []sqltype.Value{part("ms"), dtv("2020-01-01 00:00:00"), dtv("2020-01-01 00:00:00.003")}, "3"},
		{"DATEDIFF", []sqltype.Value{part("minute"), vc("2020-01-01 10:00"), vc("2020-01-01 12:30")}, "150"},
		{"DATEDIFF", []sqltype.Value{part("second"), datev("1900-01-01"), datev("2020-01-01")}, "Msg 535: The datediff function resulted in an overflow. The number of dateparts separating two date/time instances is too large. Try to use datediff with a less precise datepart."},
		{"DATEDIFF_BIG", []sqltype.Value{part("second"), datev("1900-01-01"), datev("2020-01-01")}, "3786825600"},
		{"DATEDIFF_BIG", []sqltype.Value{part("ns"), datev("0001-01-01"), datev("9999-12-31")}, "Msg 535: The datediff_big function resulted in an overflow. The number of dateparts separating two date/time instances is too large. Try to use datediff_big with a less precise datepart."},
		{"DATEDIFF", []sqltype.Value{part("hour"),
			sqltype.NewDateTimeOffset(time.Date(2020, 1, 1, 12, 0, 0, 0, time.FixedZone("", 2*3600))),
			sqltype.NewDateTimeOffset(time.Date(2020, 1, 1, 12, 0, 0, 0, time.UTC))}, "2"},
		{"DATEDIFF", []sqltype.Value{part("day"), sqltype.Null(sqltype.TDate), datev("2020-01-01")}, "NULL"},
		{"DATEDIFF", []sqltype.Value{part("dayz"), datev("2020-01-01"), datev("2020-01-01")}, "Msg 155: 'dayz' is not a recognized datediff option."},
	})
}

func TestDatePart(t *testing.T) {
	env := testEnv()
	d := datev("2020-01-01") // a Wednesday
	runCases(t, env, []fcase{
		{"DATEPART", []sqltype.Value{part("year"), d}, "2020"},
		{"DATEPART", []sqltype.Value{part("dw"), d}, "4"}, // DATEFIRST 7: Sunday is 1
		{"DATEPART", []sqltype.Value{part("week"), datev("2020-01-04")}, "1"},
		{"DATEPART", []sqltype.Value{part("week"), datev("2020-01-05")}, "2"},
		{"DATEPART", []sqltype.Value{part("iso_week"), datev("2021-01-01")}, "53"},
		{"DATEPART", []sqltype.Value{part("dayofyear"), datev("2020-12-31")}, "366"},
		{"DATEPART", []sqltype.Value{part("quarter"), datev("2020-08-15")}, "3"},
		{"DATEPART", []sqltype.Value{part("ms"), dtv("2020-01-01 10:00:00.007")}, "7"},
		{"DATEPART", []sqltype.Value{part("hour"), d}, "Msg 9810: The datepart hour is not supported by date function datepart for data type date."},
		{"DATEPART", []sqltype.Value{part("tzoffset"), sqltype.NewDateTimeOffset(time.Date(2020, 1, 1, 0, 0, 0, 0, time.FixedZone("", -330*60)))}, "-330"},
		{"DATENAME", []sqltype.Value{part("month"), d}, "January"},
		{"DATENAME", []sqltype.Value{part("weekday"), d}, "Wednesday"},
		{"DATENAME", []sqltype.Value{part("year"), d}, "2020"},
		{"YEAR", []sqltype.Value{vc("2019-07-04")}, "2019"},
		{"MONTH", []sqltype.Value{d}, "1"},
		{"DAY", []sqltype.Value{dtv("2020-02-29 10:00:00")}, "29"},
		{"YEAR", []sqltype.Value{sqltype.NewTime(sqltype.TimeS(7), time.Date(1900, 1, 1, 1, 0, 0, 0, time.UTC))}, "1900"},
	})
	// DATEFIRST 1 (Monday first): Wednesday is day 3; 2020-01-05 (Sunday) is still in week 1.
	env.DateFirstVal = 1
	runCases(t, env, []fcase{
		{"DATEPART", []sqltype.Value{part("weekday"), d}, "3"},
		{"DATEPART", []sqltype.Value{part("week"), datev("2020-01-05")}, "1"},
		{"DATEPART", []sqltype.Value{part("week"), datev("2020-01-06")}, "2"},
	})
}

func TestDateConstruction(t *testing.T) {
	env := testEnv()
	runCases(t, env, []fcase{
		{"EOMONTH", []sqltype.Value{datev("2020-02-10")}, "2020-02-29"},
		{"EOMONTH", []sqltype.Value{dtv("2019-12-31 10:00:00"), i32(2)}, "2020-02-29"},
		{"EOMONTH", []sqltype.Value{vc("2020-01-15"), i32(-1)}, "2019-12-31"},
		{"DATEFROMPARTS", []sqltype.Value{i32(2020), i32(2), i32(29)}, "2020-02-29"},
		{"DATEFROMPARTS", []sqltype.Value{i32(2019), i32(2), i32(29)}, "Msg 289: Cannot construct data type date, some of the arguments have values which are not valid."},
		{"DATEFROMPARTS", []sqltype.Value{i32(2019), sqltype.Null(sqltype.TInt), i32(1)}, "NULL"},
		{"DATETIMEFROMPARTS", []sqltype.Value{i32(2020), i32(1), i32(2), i32(3), i32(4), i32(5), i32(6)}, "2020-01-02 03:04:05.007"},
		{"DATETIME2FROMPARTS", []sqltype.Value{i32(2020), i32(1), i32(2), i32(3), i32(4), i32(5), i32(5), i32(1)}, "2020-01-02 03:04:05.5000000"},
		{"TODATETIMEOFFSET", []sqltype.Value{sqltype.NewTime(sqltype.DateTime2S(7), time.Date(2020, 1, 1, 10, 0, 0, 0, time.UTC)), vc("+05:30")}, "2020-01-01 10:00:00.0000000 +05:30"},
		{"TODATETIMEOFFSET", []sqltype.Value{sqltype.NewTime(sqltype.DateTime2S(7), time.Date(2020, 1, 1, 10, 0, 0, 0, time.UTC)), i32(-120)}, "2020-01-01 10:00:00.0000000 -02:00"},
		{"SWITCHOFFSET", []sqltype.Value{sqltype.NewDateTimeOffset(time.Date(2020, 1, 1, 10, 0, 0, 0, time.UTC)), vc("-05:00")}, "2020-01-01 05:00:00.0000000 -05:00"},
		{"TODATETIMEOFFSET", []sqltype.Value{datev("2020-01-01"), vc("+25:00")}, "Msg 9814: The timezone provided to builtin function todatetimeoffset is invalid."},
		{"ISDATE", []sqltype.Value{vc("2020-02-29")}, "1"},
		{"ISDATE", []sqltype.Value{vc("2019-02-29")}, "0"},
		{"ISDATE", []sqltype.Value{vc("1700-01-01")}, "0"},
		{"ISDATE", []sqltype.Value{vc("abc")}, "0"},
		{"ISDATE", []sqltype.Value{sqltype.Null(sqltype.TInt)}, "0"},
	})
}

func TestStringFunctions(t *testing.T) {
	env := testEnv()
	runCases(t, env, []fcase{
		{"LEN", []sqltype.Value{vc("abc  ")}, "3"},
		{"LEN", []sqltype.Value{nvc("  abc")}, "5"},
		{"LEN", []sqltype.Value{i32(12345)}, "5"},
		{"LEN", []sqltype.Value{sqltype.Null(sqltype.VarCharN(3))}, "NULL"},
		{"DATALENGTH", []sqltype.Value{nvc("abc ")}, "8"},
		{"DATALENGTH", []sqltype.Value{vc("abc ")}, "4"},
		{"DATALENGTH", []sqltype.Value{i32(1)}, "4"},
		{"DATALENGTH", []sqltype.Value{dtv("2020-01-01 00:00:00")}, "8"},
		{"LEFT", []sqltype.Value{vc("abcdef"), i32(3)}, "abc"},
		{"RIGHT", []sqltype.Value{nvc("abcdef"), i32(2)}, "ef"},
		{"LEFT", []sqltype.Value{vc("abc"), i32(10)}, "abc"},
		{"LEFT", []sqltype.Value{vc("abc"), i32(-1)}, "Msg 536: Invalid length parameter passed to the left function."},
		{"SUBSTRING", []sqltype.Value{vc("abcdef"), i32(2), i32(3)}, "bcd"},
		{"SUBSTRING", []sqltype.Value{vc("abcdef"), i32(0), i32(3)}, "ab"},
		{"SUBSTRING", []sqltype.Value{vc("abcdef"), i32(-5), i32(3)}, ""},
		{"SUBSTRING", []sqltype.Value{vc("abcdef"), i32(5), i32(100)}, "ef"},
		{"SUBSTRING", []sqltype.Value{vc("abc"), i32(1), i32(-1)}, "Msg 537: Invalid length parameter passed to the LEFT or SUBSTRING function."},
		{"SUBSTRING", []sqltype.Value{sqltype.NewVarBinary([]byte{1, 2, 3}), i32(2), i32(1)}, "0x02"},
		{"CHARINDEX", []sqltype.Value{vc("B"), vc("abcabc")}, "2"},
		{"CHARINDEX", []sqltype.Value{vc("b"), vc("abcabc"), i32(3)}, "5"},
		{"CHARINDEX", []sqltype.Value{vc("z"), vc("abc")}, "0"},
		{"CHARINDEX", []sqltype.Value{vc(""), vc("abc")}, "0"},
		{"PATINDEX", []sqltype.Value{vc("%ter%"), vc("interesting")}, "3"},
		{"PATINDEX", []sqltype.Value{vc("%[0-9]%"), vc("abc7def")}, "4"},
		{"PATINDEX", []sqltype.Value{vc("abc%"), vc("abcdef")}, "1"},
		{"PATINDEX", []sqltype.Value{vc("%xyz%"), vc("abcdef")}, "0"},
		{"REPLACE", []sqltype.Value{vc("aBcabc"), vc("b"), vc("X")}, "aXcaXc"},
		{"REPLACE", []sqltype.Value{vc("abc"), vc(""), vc("X")}, "abc"},
		{"REPLACE", []sqltype.Value{vc("abc"), sqltype.Null(sqltype.VarCharN(1)), vc("X")}, "NULL"},
		{"STUFF", []sqltype.Value{vc("abcdef"), i32(2), i32(3), vc("ijklmn")}, "aijklmnef"},
		{"STUFF", []sqltype.Value{vc("abc"), i32(5), i32(1), vc("x")}, "NULL"},
		{"STUFF", []sqltype.Value{vc("abc"), i32(2), i32(10), vc("x")}, "ax"},
		{"REVERSE", []sqltype.Value{nvc("abc")}, "cba"},
		{"LTRIM", []sqltype.Value{vc("  abc  ")}, "abc  "},
		{"RTRIM", []sqltype.Value{vc("  abc  ")}, "  abc"},
		{"TRIM", []sqltype.Value{vc("  abc  ")}, "abc"},
		{"TRIM", []sqltype.Value{vc("xxabcxx"), vc("x")}, "abc"},
		{"UPPER", []sqltype.Value{nvc("straße")}, "STRAßE"},
		{"LOWER", []sqltype.Value{vc("ABC")}, "abc"},
		{"CONCAT", []sqltype.Value{vc("a"), sqltype.Null(sqltype.VarCharN(1)), i32(1), nvc("b")}, "a1b"},
		{"CONCAT_WS", []sqltype.Value{vc(","), vc("a"), sqltype.Null(sqltype.VarCharN(1)), vc("b")}, "a,b"},
		{"QUOTENAME", []sqltype.Value{nvc("my]table")}, "[my]]table]"},
		{"QUOTENAME", []sqltype.Value{nvc("it's"), vc("'")}, "'it''s'"},
		{"QUOTENAME", []sqltype.Value{nvc("x"), vc("x")}, "NULL"},
		{"QUOTENAME", []sqltype.Value{nvc(strings.Repeat("a", 129))}, "NULL"},
		{"REPLICATE", []sqltype.Value{vc("ab"), i32(3)}, "ababab"},
		{"REPLICATE", []sqltype.Value{vc("ab"), i32(-1)}, "NULL"},
		{"SPACE", []sqltype.Value{i32(3)}, "   "},
		{"CHAR", []sqltype.Value{i32(65)}, "A"},
		{"CHAR", []sqltype.Value{i32(128)}, "€"},
		{"CHAR", []sqltype.Value{i32(256)}, "NULL"},
		{"NCHAR", []sqltype.Value{i32(0x263A)}, "☺"},
		{"ASCII", []sqltype.Value{vc("A")}, "65"},
		{"ASCII", []sqltype.Value{vc("")}, "NULL"},
		{"UNICODE", []sqltype.Value{nvc("é")}, "233"},
		{"STRING_ESCAPE", []sqltype.Value{nvc("a\"b\\c/\n\x01"), vc("json")}, `a\"b\\c\/\n\u0001`},
		{"STRING_ESCAPE", []sqltype.Value{nvc("a"), vc("xml")}, "Msg 13606: 'xml' is not a valid STRING_ESCAPE type."},
		{"TRANSLATE", []sqltype.Value{vc("2*[3+4]/{7-2}"), vc("[]{}"), vc("()()")}, "2*(3+4)/(7-2)"},
		{"TRANSLATE", []sqltype.Value{vc("abc"), vc("ab"), vc("x")}, "Msg 9828: The second and third arguments of the TRANSLATE built-in function must contain an equal number of characters."},
		{"STR", []sqltype.Value{sqltype.NewFloat(123.45)}, "       123"},
		{"STR", []sqltype.Value{sqltype.NewFloat(123.45), i32(6), i32(2)}, "123.45"},
		{"STR", []sqltype.Value{sqltype.NewFloat(123.45), i32(5), i32(2)}, "123.5"},
		{"STR", []sqltype.Value{sqltype.NewFloat(123.45), i32(2)}, "**"},
		{"SOUNDEX", []sqltype.Value{vc("Robert")}, "R163"},
	})
	// Result types: LEFT keeps the argument's string type; REPLACE widens.
	f, _ := Lookup("LEFT")
	if b, _ := f.Bind([]sqltype.Type{sqltype.NVarCharN(50), sqltype.TInt}); b.Type != sqltype.NVarCharN(50) {
		t.Errorf("LEFT(nvarchar(50)) type %s", b.Type)
	}
	f, _ = Lookup("REPLACE")
	if b, _ := f.Bind([]sqltype.Type{sqltype.VarCharN(50), sqltype.VarCharN(1), sqltype.NVarCharN(1)}); b.Type != sqltype.NVarCharN(4000) {
		t.Errorf("REPLACE type %s", b.Type)
	}
	f, _ = Lookup("LEN")
	if b, _ := f.Bind([]sqltype.Type{sqltype.NVarCharN(sqltype.Max)}); b.Type != sqltype.TBigInt {
		t.Errorf("LEN(nvarchar(max)) type %s", b.Type)
	}
	f, _ = Lookup("CONCAT")
	if b, _ := f.Bind([]sqltype.Type{sqltype.VarCharN(3), sqltype.NVarCharN(5)}); b.Type != sqltype.NVarCharN(8) {
		t.Errorf("CONCAT type %s", b.Type)
	}
}

func TestMathFunctions(t *testing.T) {
	env := testEnv()
	runCases(t, env, []fcase{
		{"ABS", []sqltype.Value{i32(-5)}, "5"},
		{"ABS", []sqltype.Value{decv("-1.50", 5, 2)}, "1.50"},
		{"ABS", []sqltype.Value{i32(-2147483648)}, "Msg 8115: Arithmetic overflow error converting expression to data type int."},
		{"ROUND", []sqltype.Value{decv("748.58", 5, 2), i32(-1)}, "750.00"},
		{"ROUND", []sqltype.Value{decv("748.58", 5, 2), i32(-2)}, "700.00"},
		{"ROUND", []sqltype.Value{decv("748.58", 5, 2), i32(-3)}, "Msg 8115: Arithmetic overflow error converting expression to data type numeric."},
		{"ROUND", []sqltype.Value{decv("748.58", 6, 2), i32(-3)}, "1000.00"},
		{"ROUND", []sqltype.Value{decv("748.58", 5, 2), i32(-4)}, "0.00"},
		{"ROUND", []sqltype.Value{decv("123.9994", 7, 4), i32(3)}, "123.9990"},
		{"ROUND", []sqltype.Value{decv("123.9995", 7, 4), i32(3)}, "124.0000"},
		{"ROUND", []sqltype.Value{decv("150.75", 5, 2), i32(0), i32(1)}, "150.00"},
		{"ROUND", []sqltype.Value{decv("-2.5", 2, 1), i32(0)}, "-3.0"},
		{"ROUND", []sqltype.Value{i32(125), i32(-1)}, "130"},
		{"ROUND", []sqltype.Value{sqltype.NewFloat(2.675), i32(2)}, "2.68"},
		{"ROUND", []sqltype.Value{sqltype.NewMoney(12345678), i32(2)}, "1234.57"},
		{"FLOOR", []sqltype.Value{decv("-1.5", 2, 1)}, "-2"},
		{"CEILING", []sqltype.Value{decv("1.2", 2, 1)}, "2"},
		{"CEILING", []sqltype.Value{sqltype.NewMoney(1234500)}, "124.00"},
		{"FLOOR", []sqltype.Value{sqltype.NewFloat(-0.5)}, "-1"},
		{"POWER", []sqltype.Value{i32(2), i32(10)}, "1024"},
		{"POWER", []sqltype.Value{sqltype.NewFloat(2), decv("0.5", 1, 1)}, "1.41421"},
		{"SQRT", []sqltype.Value{i32(16)}, "4"},
		{"SQRT", []sqltype.Value{i32(-1)}, "Msg 3623: An invalid floating point operation occurred."},
		{"SIGN", []sqltype.Value{i32(-7)}, "-1"},
		{"SIGN", []sqltype.Value{decv("0.00", 3, 2)}, "0.00"},
		{"LOG", []sqltype.Value{sqltype.NewFloat(1)}, "0"},
		{"LOG", []sqltype.Value{i32(8), i32(2)}, "3"},
		{"LOG", []sqltype.Value{i32(0)}, "Msg 3623: An invalid floating point operation occurred."},
		{"EXP", []sqltype.Value{i32(0)}, "1"},
		{"PI", nil, "3.14159"},
	})
	a := show(run(env, "RAND", i32(42)))
	b := show(run(env, "RAND", i32(42)))
	c := show(run(env, "RAND"))
	if a != b || a == c {
		t.Errorf("RAND(42) twice = %s, %s; next = %s", a, b, c)
	}
}

func TestNullAndChoiceFunctions(t *testing.T) {
	env := testEnv()
	runCases(t, env, []fcase{
		{"ISNULL", []sqltype.Value{sqltype.Null(sqltype.VarCharN(2)), vc("abcdef")}, "ab"},
		{"ISNULL", []sqltype.Value{i32(1), i32(2)}, "1"},
		{"ISNULL", []sqltype.Value{sqltype.Value{}, i32(2)}, "2"},
		{"COALESCE", []sqltype.Value{sqltype.Null(sqltype.VarCharN(2)), vc("abcdef")}, "abcdef"},
		{"COALESCE", []sqltype.Value{sqltype.Null(sqltype.TInt), decv("1.5", 2, 1)}, "1.5"},
		{"COALESCE", []sqltype.Value{sqltype.Value{}, sqltype.Value{}}, "Msg 4127: At least one of the arguments to COALESCE must be an expression that is not the NULL constant."},
		{"NULLIF", []sqltype.Value{vc("abc"), vc("ABC")}, "NULL"},
		{"NULLIF", []sqltype.Value{i32(1), i32(2)}, "1"},
		{"CHOOSE", []sqltype.Value{i32(2), vc("a"), vc("b"), vc("c")}, "b"},
		{"CHOOSE", []sqltype.Value{i32(4), vc("a"), vc("b"), vc("c")}, "NULL"},
	})
	if got, _ := CoalesceType(sqltype.TInt, sqltype.DecimalPS(5, 2), sqltype.Type{}); got != sqltype.DecimalPS(12, 2) {
		t.Errorf("CoalesceType = %s", got)
	}
	if got := IsNullType(sqltype.VarCharN(2), sqltype.NVarCharN(10)); got != sqltype.VarCharN(2) {
		t.Errorf("IsNullType = %s", got)
	}
	if _, err := CoalesceType(sqltype.TInt, sqltype.TDate); err == nil {
		t.Error("CoalesceType(int, date) accepted")
	}
}

func TestSystemFunctions(t *testing.T) {
	env := testEnv()
	runCases(t, env, []fcase{
		{"@@VERSION", nil, Version},
		{"@@SERVERNAME", nil, "ssisdb-emulator"},
		{"@@SERVICENAME", nil, "MSSQLSERVER"},
		{"@@SPID", nil, "54"},
		{"@@LANGUAGE", nil, "us_english"},
		{"@@DATEFIRST", nil, "7"},
		{"@@MAX_PRECISION", nil, "38"},
		{"@@TEXTSIZE", nil, "2147483647"},
		{"SERVERPROPERTY", []sqltype.Value{vc("ProductVersion")}, "16.0.1000.6"},
		{"SERVERPROPERTY", []sqltype.Value{vc("ProductLevel")}, "RTM"},
		{"SERVERPROPERTY", []sqltype.Value{vc("Edition")}, "Developer Edition (64-bit)"},
		{"SERVERPROPERTY", []sqltype.Value{vc("EngineEdition")}, "3"},
		{"SERVERPROPERTY", []sqltype.Value{vc("MachineName")}, "ci-host"},
		{"SERVERPROPERTY", []sqltype.Value{vc("InstanceName")}, "NULL"},
		{"SERVERPROPERTY", []sqltype.Value{vc("IsIntegratedSecurityOnly")}, "0"},
		{"SERVERPROPERTY", []sqltype.Value{vc("Collation")}, "SQL_Latin1_General_CP1_CI_AS"},
		{"SERVERPROPERTY", []sqltype.Value{vc("ProductMajorVersion")}, "16"},
		{"SERVERPROPERTY", []sqltype.Value{vc("NoSuchProperty")}, "NULL"},
		{"DATABASEPROPERTYEX", []sqltype.Value{vc("SSISDB"), vc("Collation")}, "SQL_Latin1_General_CP1_CI_AS"},
		{"DATABASEPROPERTYEX", []sqltype.Value{vc("SSISDB"), vc("Status")}, "ONLINE"},
		{"DATABASEPROPERTYEX", []sqltype.Value{vc("nope"), vc("Status")}, "NULL"},
		{"DB_NAME", nil, "SSISDB"},
		{"DB_NAME", []sqltype.Value{i32(1)}, "master"},
		{"DB_NAME", []sqltype.Value{i32(99)}, "NULL"},
		{"DB_ID", []sqltype.Value{vc("ssisdb")}, "5"},
		{"DB_ID", nil, "5"},
		{"SCHEMA_NAME", nil, "dbo"},
		{"SCHEMA_ID", []sqltype.Value{vc("dbo")}, "1"},
		{"OBJECT_ID", []sqltype.Value{vc("catalog.folders")}, "101"},
		{"OBJECT_ID", []sqltype.Value{vc("catalog.folders"), vc("P")}, "NULL"},
		{"OBJECT_ID", []sqltype.Value{vc("catalog.create_execution"), vc("P")}, "202"},
		{"OBJECT_NAME", []sqltype.Value{i32(202)}, "CREATE_EXECUTION"},
		{"SUSER_NAME", nil, "ci_deployer"},
		{"SUSER_SNAME", nil, "ci_deployer"},
		{"SUSER_SNAME", []sqltype.Value{sqltype.NewVarBinary([]byte{1})}, "sa"},
		{"SUSER_SID", nil, "0x010203"},
		{"SUSER_ID", []sqltype.Value{vc("sa")}, "1"},
		{"ORIGINAL_LOGIN", nil, "ci_deployer"},
		{"SYSTEM_USER", nil, "ci_deployer"},
		{"USER_NAME", nil, "ci_deployer"},
		{"USER_NAME", []sqltype.Value{i32(1)}, "dbo"},
		{"CURRENT_USER", nil, "ci_deployer"},
		{"IS_MEMBER", []sqltype.Value{vc("ssis_admin")}, "1"},
		{"IS_MEMBER", []sqltype.Value{vc("db_owner")}, "0"},
		{"IS_MEMBER", []sqltype.Value{vc("no_such_role")}, "NULL"},
		{"IS_SRVROLEMEMBER", []sqltype.Value{vc("sysadmin")}, "0"},
		{"IS_SRVROLEMEMBER", []sqltype.Value{vc("public")}, "1"},
		{"IS_SRVROLEMEMBER", []sqltype.Value{vc("bogus")}, "NULL"},
		{"APP_NAME", nil, "sqlcmd"},
		{"HOST_NAME", nil, "build-agent"},
		{"NEWID", nil, "6F9619FF-8B86-D011-B42D-00C04FC964FF"},
		{"SQL_VARIANT_PROPERTY", []sqltype.Value{decv("46279.1", 8, 2), vc("BaseType")}, "decimal"},
		{"SQL_VARIANT_PROPERTY", []sqltype.Value{decv("46279.1", 8, 2), vc("Precision")}, "8"},
		{"ISNUMERIC", []sqltype.Value{vc("123")}, "1"},
		{"ISNUMERIC", []sqltype.Value{vc("$")}, "1"},
		{"ISNUMERIC", []sqltype.Value{vc("1e5")}, "1"},
		{"ISNUMERIC", []sqltype.Value{vc("1d5")}, "1"},
		{"ISNUMERIC", []sqltype.Value{vc("-")}, "1"},
		{"ISNUMERIC", []sqltype.Value{vc("abc")}, "0"},
		{"ISNUMERIC", []sqltype.Value{vc("")}, "0"},
		{"ISNUMERIC", []sqltype.Value{i32(1)}, "1"},
	})
	// SERVERPROPERTY is sql_variant.
	f, _ := Lookup("SERVERPROPERTY")
	if b, _ := f.Bind([]sqltype.Type{sqltype.VarCharN(20)}); b.Type != sqltype.TSQLVariant {
		t.Errorf("SERVERPROPERTY type %s", b.Type)
	}
	if v, _ := run(env, "SERVERPROPERTY", vc("EngineEdition")); v.Kind() != sqltype.Int {
		t.Errorf("EngineEdition base type %s", v.Type())
	}
	if !strings.Contains(Version, "Oct  8 2022") || !strings.HasPrefix(Version, "Microsoft SQL Server 2022 (RTM) - 16.0.1000.6 (X64) \n\t") {
		t.Errorf("@@VERSION text %q", Version)
	}
}

func TestCastAndParse(t *testing.T) {
	env := testEnv()
	env.DateFmt = sqltype.DateDMY
	v, err := Cast(env, vc("01/02/2020"), sqltype.TDateTime, 0, false)
	if show(v, err) != "2020-02-01 00:00:00.000" {
		t.Errorf("CAST under dmy = %s", show(v, err))
	}
	v, err = Cast(env, vc("abc"), sqltype.TInt, 0, true)
	if show(v, err) != "NULL" {
		t.Errorf("TRY_CAST = %s", show(v, err))
	}
	cases := []struct {
		s       string
		t       sqltype.Type
		culture string
		try     bool
		want    string
	}{
		{"Monday, 13 December 2010", sqltype.DateTime2S(7), "en-US", false, "2010-12-13 00:00:00.0000000"},
		{"€345,98", sqltype.TMoney, "de-DE", false, "345.98"},
		{"1.234,5", sqltype.DecimalPS(10, 2), "de-DE", false, "1234.50"},
		{"1,234.5", sqltype.TFloat, "en-US", false, "1234.5"},
		{"13/12/2010", sqltype.TDate, "en-GB", false, "2010-12-13"},
		{"abc", sqltype.TInt, "en-US", false, "Msg 9819: Error converting string value 'abc' into data type int using culture 'en-US'."},
		{"abc", sqltype.TInt, "en-US", true, "NULL"},
		{"1", sqltype.TInt, "xx-XX", true, "Msg 9818: The culture parameter 'xx-XX' provided in the function call is not supported."},
	}
	for _, c := range cases {
		v, err := Parse(env, nvc(c.s), c.t, c.culture, c.try)
		if got := show(v, err); got != c.want {
			t.Errorf("PARSE(%q AS %s USING %q) = %q, want %q", c.s, c.t, c.culture, got, c.want)
		}
	}
}

func TestFormat(t *testing.T) {
	d := sqltype.NewTime(sqltype.DateTime2S(7), time.Date(2020, 3, 5, 13, 5, 9, 123456700, time.UTC))
	dto := sqltype.NewDateTimeOffset(time.Date(2020, 3, 5, 13, 5, 9, 0, time.FixedZone("", -5*3600)))
	cases := []struct {
		v       sqltype.Value
		format  string
		culture string
		want    string
	}{
		{d, "yyyy-MM-dd", "en-US", "2020-03-05"},
		{d, "HH:mm:ss", "en-US", "13:05:09"},
		{d, "dd/MM/yyyy", "en-US", "05/03/2020"},
		{d, "MMM d, yyyy h:mm tt", "en-US", "Mar 5, 2020 1:05 PM"},
		{d, "dddd, MMMM dd", "en-US", "Thursday, March 05"},
		{d, "yyyyMMdd_HHmmss.fff", "en-US", "20200305_130509.123"},
		{d, "d", "en-US", "3/5/2020"},
		{d, "D", "en-US", "Thursday, March 5, 2020"},
		{d, "d", "en-GB", "05/03/2020"},
		{d, "d", "de-DE", "05.03.2020"},
		{d, "D", "de-DE", "Donnerstag, 5. März 2020"},
		{d, "t", "en-US", "1:05 PM"},
		{d, "T", "en-US", "1:05:09 PM"},
		{d, "g", "en-US", "3/5/2020 1:05 PM"},
		{d, "G", "en-US", "3/5/2020 1:05:09 PM"},
		{d, "s", "en-US", "2020-03-05T13:05:09"},
		{d, "o", "en-US", "2020-03-05T13:05:09.1234567"},
		{d, "M", "en-US", "March 5"},
		{d, "Y", "en-US", "March 2020"},
		{d, "'Year' yyyy", "en-US", "Year 2020"},
		{dto, "yyyy-MM-dd HH:mm zzz", "en-US", "2020-03-05 13:05 -05:00"},
		{dto, "u", "en-US", "2020-03-05 18:05:09Z"},
		{sqltype.NewTime(sqltype.TimeS(7), time.Date(1900, 1, 1, 13, 5, 9, 0, time.UTC)), `hh\:mm`, "en-US", "13:05"},
		{sqltype.NewTime(sqltype.TimeS(7), time.Date(1900, 1, 1, 13, 5, 9, 0, time.UTC)), "hh:mm", "en-US", "NULL"},
		{sqltype.NewFloat(1234.5678), "N2", "en-US", "1,234.57"},
		{sqltype.NewFloat(1234.5678), "N2", "de-DE", "1.234,57"},
		{sqltype.NewFloat(1234.5678), "N", "en-US", "1,234.57"},
		{sqltype.NewInt(1234), "N0", "en-US", "1,234"},
		{sqltype.NewInt(42), "D", "en-US", "42"},
		{sqltype.NewInt(42), "D5", "en-US", "00042"},
		{sqltype.NewInt(-42), "D5", "en-US", "-00042"},
		{sqltype.NewFloat(1.5), "D", "en-US", "NULL"},
		{sqltype.NewFloat(1234.5678), "#,##0.00", "en-US", "1,234.57"},
		{sqltype.NewFloat(0.5), "#,##0.00", "en-US", "0.50"},
		{sqltype.NewFloat(-1234.5), "#,##0.00", "en-US", "-1,234.50"},
		{sqltype.NewInt(5), "000", "en-US", "005"},
		{sqltype.NewFloat(3.14159), "0.##", "en-US", "3.14"},
		{sqltype.NewFloat(3), "0.##", "en-US", "3"},
		{sqltype.NewInt(5551234567), "(###) ###-####", "en-US", "(555) 123-4567"},
		{sqltype.NewFloat(0.256), "0.0%", "en-US", "25.6%"},
		{sqltype.NewFloat(-5), "0;(0)", "en-US", "(5)"},
		{sqltype.NewFloat(0), "0;(0);zero", "en-US", "zero"},
		{sqltype.NewFloat(1234567), "#,##0,K", "en-US", "1,235K"},
		{sqltype.NewFloat(1234.5678), "C", "en-US", "$1,234.57"},
		{sqltype.NewFloat(-1234.5678), "C", "en-US", "($1,234.57)"},
		{sqltype.NewFloat(1234.5678), "C", "de-DE", "1.234,57 €"},
		{sqltype.NewFloat(0.1234), "P", "en-US", "12.34 %"},
		{sqltype.NewFloat(0.1234), "P1", "en-GB", "12.3%"},
		{sqltype.NewFloat(1234.5678), "F1", "en-US", "1234.6"},
		{sqltype.NewFloat(1234.5678), "E2", "en-US", "1.23E+003"},
		{sqltype.NewInt(255), "X", "en-US", "FF"},
		{sqltype.NewInt(-1), "x", "en-US", "ffffffff"},
		{sqltype.NewFloat(2.675), "F2", "en-US", "2.68"},
		{decv("1234.5", 10, 2), "G", "en-US", "1234.50"},
		{sqltype.NewMoney(12345678), "N2", "en-US", "1,234.57"},
		{d, "yyyy", "xx-XX", "NULL"},
		{sqltype.NewFloat(math.Inf(1)), "N2", "en-US", "Infinity"},
	}
	for _, c := range cases {
		got, ok := Format(c.v, c.format, c.culture)
		if !ok {
			got = "NULL"
		}
		if got != c.want {
			t.Errorf("FORMAT(%#v, %q, %q) = %q, want %q", c.v, c.format, c.culture, got, c.want)
		}
	}
	// Through the registry: culture errors and the default culture.
	env := testEnv()
	runCases(t, env, []fcase{
		{"FORMAT", []sqltype.Value{sqltype.NewFloat(1234.5), vc("N1")}, "1,234.5"},
		{"FORMAT", []sqltype.Value{sqltype.NewFloat(1234.5), vc("N1"), vc("zz")}, "Msg 9818: The culture parameter 'zz' provided in the function call is not supported."},
		{"FORMAT", []sqltype.Value{vc("abc"), vc("N1")}, "Msg 8116: Argument data type varchar is invalid for argument 1 of format function."},
	})
}

func TestConform(t *testing.T) {
	// A bound function's value always has the bound type, NULLs included.
	f, _ := Lookup("SUBSTRING")
	b, err := f.Bind([]sqltype.Type{sqltype.VarCharN(20), sqltype.TInt, sqltype.TInt})
	if err != nil {
		t.Fatal(err)
	}
	v, err := b.Eval(testEnv(), []sqltype.Value{sqltype.Null(sqltype.VarCharN(20)), i32(1), i32(2)})
	if err != nil || !v.IsNull() || v.Type() != sqltype.VarCharN(20) {
		t.Errorf("NULL result %#v %v", v, err)
	}
	n, _ := new(big.Int).SetString("5", 10)
	if v, err := conform(sqltype.NewDecimal(n, 3, 1), sqltype.DecimalPS(5, 2)); err != nil || sqltype.Format(v) != "0.50" {
		t.Errorf("conform decimal = %#v %v", v, err)
	}
}

func TestVolatile(t *testing.T) {
	for _, n := range []string{"GETDATE", "NEWID", "RAND", "DATEPART", "DB_NAME", "SUSER_SNAME", "FORMAT", "@@DATEFIRST"} {
		if f, _ := Lookup(n); f == nil || !f.Volatile {
			t.Errorf("%s is not volatile", n)
		}
	}
	for _, n := range []string{"LEN", "ABS", "SUBSTRING", "@@VERSION", "PI"} {
		if f, _ := Lookup(n); f == nil || f.Volatile {
			t.Errorf("%s is volatile", n)
		}
	}
	for _, n := range sessionDependent {
		if _, ok := Lookup(n); !ok {
			t.Errorf("sessionDependent names unknown %s", n)
		}
	}
}
