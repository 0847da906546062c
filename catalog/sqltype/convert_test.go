package sqltype

import (
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
)

// show renders a conversion outcome for comparison: the value as
// CAST(... AS nvarchar(max)) renders it (binary as 0x..), NULL, or the
// error's number and text.
func show(v Value, err error) string {
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
		return "0x" + hexUpper(v.Bytes())
	}
	return Format(v)
}

func dec(s string, p, sc uint8) Value {
	u, scale, st := parseDecimalString(s)
	if st != parseOK {
		panic(s)
	}
	return NewDecimal(rescale(u, scale, int(sc)), p, sc)
}

func dt(s string) Value {
	t, err := time.Parse("2006-01-02 15:04:05.999999999", s)
	if err != nil {
		panic(err)
	}
	return NewDateTime(RoundDateTime(t))
}

func dt2(s string, scale uint8) Value {
	t, err := time.Parse("2006-01-02 15:04:05.999999999", s)
	if err != nil {
		panic(err)
	}
	return NewTime(DateTime2S(scale), t)
}

func vc(s string) Value  { return NewVarChar(s) }
func nvc(s string) Value { return NewNVarChar(s) }

type convCase struct {
	name  string
	v     Value
	to    Type
	style int
	want  string
}

func runConv(t *testing.T, cases []convCase) {
	t.Helper()
	for _, c := range cases {
		got := show(Convert(c.v, c.to, c.style))
		if got != c.want {
			t.Errorf("%s: CONVERT(%s, %#v, %d) = %q, want %q", c.name, c.to, c.v, c.style, got, c.want)
		}
	}
}

var (
	vc30  = VarCharN(30)
	nvc30 = NVarCharN(30)
)

func TestConvertStringToNumbers(t *testing.T) {
	runConv(t, []convCase{
		{"int", vc("123"), TInt, 0, "123"},
		{"int blanks", vc("  -42 "), TInt, 0, "-42"},
		{"int plus", vc("+7"), TInt, 0, "7"},
		{"int empty is 0", vc(""), TInt, 0, "0"},
		{"int lone minus is 0", vc("-"), TInt, 0, "0"},
		{"int abc", vc("abc"), TInt, 0, "Msg 245: Conversion failed when converting the varchar value 'abc' to data type int."},
		{"int nvarchar abc", nvc("abc"), TInt, 0, "Msg 245: Conversion failed when converting the nvarchar value 'abc' to data type int."},
		{"int decimal point", vc("1.5"), TInt, 0, "Msg 245: Conversion failed when converting the varchar value '1.5' to data type int."},
		{"int tab not blank", vc("\t1"), TInt, 0, "Msg 245: Conversion failed when converting the varchar value '\t1' to data type int."},
		{"int overflow", vc("2147483648"), TInt, 0, "Msg 248: The conversion of the varchar value '2147483648' overflowed an int column."},
		{"smallint overflow", vc("40000"), TSmallInt, 0, "Msg 244: The conversion of the varchar value '40000' overflowed an INT2 column. Use a larger integer column."},
		{"tinyint overflow", vc("256"), TTinyInt, 0, "Msg 244: The conversion of the varchar value '256' overflowed an INT1 column. Use a larger integer column."},
		{"tinyint negative", vc("-1"), TTinyInt, 0, "Msg 244: The conversion of the varchar value '-1' overflowed an INT1 column. Use a larger integer column."},
		{"bigint", vc("9223372036854775807"), TBigInt, 0, "9223372036854775807"},
		{"bigint overflow", vc("9223372036854775808"), TBigInt, 0, "Msg 8115: Arithmetic overflow error converting expression to data type bigint."},
		{"decimal", vc("12.345"), DecimalPS(10, 2), 0, "12.35"},
		{"decimal rounds half away", vc("-0.125"), DecimalPS(10, 2), 0, "-0.13"},
		{"decimal pads scale", vc("5"), DecimalPS(10, 3), 0, "5.000"},
		{"decimal bad", vc("1e3"), DecimalPS(10, 2), 0, "Msg 8114: Error converting data type varchar to numeric."},
		{"decimal empty", vc(""), DecimalPS(10, 2), 0, "Msg 8114: Error converting data type varchar to numeric."},
		{"decimal overflow", vc("123456"), DecimalPS(5, 2), 0, "Msg 8115: Arithmetic overflow error converting varchar to data type numeric."},
		{"float", vc("1.5e3"), TFloat, 0, "1500"},
		{"float blanks", vc(" -2.5 "), TFloat, 0, "-2.5"},
		{"float empty", vc(""), TFloat, 0, "0"},
		{"float bad", vc("abc"), TFloat, 0, "Msg 8114: Error converting data type varchar to float."},
		{"money", vc("$1,234.56"), TMoney, 0, "1234.56"},
		{"money rounding 4 places", vc("1.23456"), TMoney, 0, "1.23"},
		{"money bad", vc("12abc"), TMoney, 0, "Msg 235: Cannot convert a char value to money. The char value has incorrect syntax."},
		{"bit TRUE", vc("TRUE"), TBit, 0, "1"},
		{"bit false", vc("false"), TBit, 0, "0"},
		{"bit 0", vc("0"), TBit, 0, "0"},
		{"bit 000", vc("000"), TBit, 0, "0"},
		{"bit 010", vc("010"), TBit, 0, "1"},
		{"bit abc", vc("abc"), TBit, 0, "Msg 245: Conversion failed when converting the varchar value 'abc' to data type bit."},
	})
}

func TestConvertNumbers(t *testing.T) {
	runConv(t, []convCase{
		{"int to tinyint 220", NewInt(1000), TTinyInt, 0, "Msg 220: Arithmetic overflow error for data type tinyint, value = 1000."},
		{"int to smallint 220", NewInt(40000), TSmallInt, 0, "Msg 220: Arithmetic overflow error for data type smallint, value = 40000."},
		{"bigint to int", NewBigInt(3000000000), TInt, 0, "Msg 8115: Arithmetic overflow error converting expression to data type int."},
		{"decimal to int truncates", dec("-2.9", 5, 1), TInt, 0, "-2"},
		{"decimal to int overflow", dec("3000000000", 12, 0), TInt, 0, "Msg 8115: Arithmetic overflow error converting numeric to data type int."},
		{"float to int truncates", NewFloat(2.99), TInt, 0, "2"},
		{"float to int negative", NewFloat(-2.99), TInt, 0, "-2"},
		{"money to int rounds", NewMoney(25000), TInt, 0, "3"},
		{"decimal scale reduction rounds", dec("2.675", 5, 3), DecimalPS(5, 2), 0, "2.68"},
		{"int to decimal overflow", NewInt(1000), DecimalPS(4, 2), 0, "Msg 8115: Arithmetic overflow error converting int to data type numeric."},
		{"decimal to decimal overflow", dec("999.99", 5, 2), DecimalPS(4, 2), 0, "Msg 8115: Arithmetic overflow error converting numeric to data type numeric."},
		{"float to decimal", NewFloat(0.1), DecimalPS(10, 5), 0, "0.10000"},
		{"bit from 2", NewInt(2), TBit, 0, "1"},
		{"bit from -1", NewInt(-1), TBit, 0, "1"},
		{"bit from 0.5", dec("0.5", 1, 1), TBit, 0, "1"},
		{"money to smallmoney overflow", NewMoney(10000 * 300000), TSmallMoney, 0, "Msg 8115: Arithmetic overflow error converting money to data type smallmoney."},
		{"int to money", NewInt(5), TMoney, 0, "5.00"},
		{"decimal to money", dec("1.23456", 6, 5), TMoney, 0, "1.23"},
		{"float to real", NewFloat(1.0 / 3), TReal, 0, "0.333333"},
	})
}

func TestConvertToString(t *testing.T) {
	runConv(t, []convCase{
		{"int", NewInt(-123), vc30, 0, "-123"},
		{"int too long char gives star", NewInt(123), VarCharN(2), 0, "*"},
		{"int too long nvarchar errors", NewInt(123), NVarCharN(2), 0, "Msg 8115: Arithmetic overflow error converting expression to data type nvarchar."},
		{"decimal too long errors", dec("12.5", 3, 1), VarCharN(3), 0, "Msg 8115: Arithmetic overflow error converting numeric to data type varchar."},
		{"decimal", dec("0.5", 5, 2), vc30, 0, "0.50"},
		{"negative decimal", dec("-0.05", 5, 2), vc30, 0, "-0.05"},
		{"money style 0", NewMoney(12345678), vc30, 0, "1234.57"},
		{"money style 1", NewMoney(12345678900), vc30, 1, "1,234,567.89"},
		{"money style 2", NewMoney(12345678), vc30, 2, "1234.5678"},
		{"negative money", NewMoney(-5), vc30, 0, "-0.00"},
		{"float 1e6", NewFloat(1000000), vc30, 0, "1e+006"},
		{"float 6 digits", NewFloat(123456.7), vc30, 0, "123457"},
		{"float pi", NewFloat(3.14159265), vc30, 0, "3.14159"},
		{"float small", NewFloat(0.0001), vc30, 0, "0.0001"},
		{"float tiny", NewFloat(0.00001), vc30, 0, "1e-005"},
		{"float style 1", NewFloat(1000000), vc30, 1, "1.0000000e+006"},
		{"float style 2", NewFloat(1000000), vc30, 2, "1.000000000000000e+006"},
		{"float style 3", NewFloat(0.1), vc30, 3, "1.0000000000000001e-001"},
		{"float bad style", NewFloat(1), vc30, 5, "Msg 281: 5 is not a valid style number when converting from float to a character string."},
		{"bit", NewBit(true), vc30, 0, "1"},
		{"guid upper", NewUniqueIdentifier(uuid.MustParse("6f9619ff-8b86-d011-b42d-00c04fc964ff")), NVarCharN(36), 0, "6F9619FF-8B86-D011-B42D-00C04FC964FF"},
		{"guid too short", NewUniqueIdentifier(uuid.New()), VarCharN(10), 0, "Msg 8170: Insufficient result space to convert uniqueidentifier value to char."},
		{"string truncates silently", vc("abcdef"), VarCharN(3), 0, "abc"},
		{"char pads", vc("ab"), CharN(4), 0, "ab  "},
		{"nvarchar to varchar loses", nvc("ā€"), vc30, 0, "?€"},
		{"binary style 0", NewVarBinary([]byte("AB")), vc30, 0, "AB"},
		{"binary style 1", NewVarBinary([]byte{0xCA, 0xFE}), vc30, 1, "0xCAFE"},
		{"binary style 2", NewVarBinary([]byte{0xCA, 0xFE}), vc30, 2, "CAFE"},
		{"binary to nvarchar is utf-16", NewVarBinary([]byte{0x41, 0x00, 0x42, 0x00}), nvc30, 0, "AB"},
	})
}

func TestConvertDateTimeToString(t *testing.T) {
	d := dt("2020-01-01 00:00:00")
	pm := dt("2020-03-05 13:05:09.123")
	runConv(t, []convCase{
		{"default", d, vc30, 0, "Jan  1 2020 12:00AM"},
		{"100 pm", pm, vc30, 100, "Mar  5 2020  1:05PM"},
		{"101", pm, vc30, 101, "03/05/2020"},
		{"1", pm, vc30, 1, "03/05/20"},
		{"102", pm, vc30, 102, "2020.03.05"},
		{"2", pm, vc30, 2, "20.03.05"},
		{"103", pm, vc30, 103, "05/03/2020"},
		{"3", pm, vc30, 3, "05/03/20"},
		{"104", pm, vc30, 104, "05.03.2020"},
		{"4", pm, vc30, 4, "05.03.20"},
		{"105", pm, vc30, 105, "05-03-2020"},
		{"5", pm, vc30, 5, "05-03-20"},
		{"106", pm, vc30, 106, "05 Mar 2020"},
		{"6", pm, vc30, 6, "05 Mar 20"},
		{"107", pm, vc30, 107, "Mar 05, 2020"},
		{"7", pm, vc30, 7, "Mar 05, 20"},
		{"108", pm, vc30, 108, "13:05:09"},
		{"8", pm, vc30, 8, "13:05:09"},
		{"109", pm, vc30, 109, "Mar  5 2020  1:05:09:123PM"},
		{"9", pm, vc30, 9, "Mar  5 2020  1:05:09:123PM"},
		{"110", pm, vc30, 110, "03-05-2020"},
		{"10", pm, vc30, 10, "03-05-20"},
		{"111", pm, vc30, 111, "2020/03/05"},
		{"11", pm, vc30, 11, "20/03/05"},
		{"112", pm, vc30, 112, "20200305"},
		{"12", pm, vc30, 12, "200305"},
		{"113", pm, vc30, 113, "05 Mar 2020 13:05:09:123"},
		{"13", pm, vc30, 13, "05 Mar 2020 13:05:09:123"},
		{"114", pm, vc30, 114, "13:05:09:123"},
		{"14", pm, vc30, 14, "13:05:09:123"},
		{"120", pm, vc30, 120, "2020-03-05 13:05:09"},
		{"20", pm, vc30, 20, "2020-03-05 13:05:09"},
		{"121", pm, vc30, 121, "2020-03-05 13:05:09.123"},
		{"21", pm, vc30, 21, "2020-03-05 13:05:09.123"},
		{"23", pm, vc30, 23, "2020-03-05"},
		{"126", pm, vc30, 126, "2020-03-05T13:05:09.123"},
		{"126 no ms", d, vc30, 126, "2020-01-01T00:00:00"},
		{"127", pm, vc30, 127, "2020-03-05T13:05:09.123"},
		{"130 hijri", dt("2006-04-18 00:00:00"), NVarCharN(40), 130, "20 ربيع الاول 1427 12:00:00:000AM"},
		{"131 hijri", dt("2006-04-18 00:00:00"), vc30, 131, "20/03/1427 12:00:00:000AM"},
		{"131 published example", dt("2000-08-07 12:14:35.727"), NVarCharN(30), 131, " 7/05/1421 12:14:35:727PM"},
		{"bad style", pm, vc30, 199, "Msg 281: 199 is not a valid style number when converting from datetime to a character string."},
		{"112 into varchar(4) truncates", pm, VarCharN(4), 112, "2020"},
		{"datetime ms rounding .997", dt("2020-01-01 23:59:59.998"), vc30, 121, "2020-01-01 23:59:59.997"},
		{"datetime ms rounding up to next day", dt("2020-01-01 23:59:59.999"), vc30, 121, "2020-01-02 00:00:00.000"},
		{"datetime .003", dt("2020-01-01 00:00:00.002"), vc30, 121, "2020-01-01 00:00:00.003"},
		{"datetime .007", dt("2020-01-01 00:00:00.006"), vc30, 121, "2020-01-01 00:00:00.007"},
		{"date default", NewTime(TDate, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)), vc30, 0, "2020-01-01"},
		{"datetime2 default", dt2("2020-01-01 12:34:56.1234567", 7), vc30, 0, "2020-01-01 12:34:56.1234567"},
		{"datetime2(0) default", dt2("2020-01-01 12:34:56", 0), vc30, 0, "2020-01-01 12:34:56"},
		{"time default", NewTime(TimeS(7), time.Date(1900, 1, 1, 12, 34, 56, 0, time.UTC)), vc30, 0, "12:34:56.0000000"},
		{"datetimeoffset default", NewDateTimeOffset(time.Date(2020, 1, 1, 12, 0, 0, 0, time.UTC)), NVarCharN(40), 0, "2020-01-01 12:00:00.0000000 +00:00"},
		{"datetimeoffset 127 is UTC with Z", NewTime(DateTimeOffsetS(3), time.Date(2020, 1, 1, 12, 0, 0, 0, time.FixedZone("", -5*3600))), NVarCharN(40), 127, "2020-01-01T17:00:00.000Z"},
		{"smalldatetime default", NewTime(TSmallDateTime, time.Date(2020, 1, 1, 12, 30, 0, 0, time.UTC)), vc30, 0, "Jan  1 2020 12:30PM"},
	})
}

func TestConvertStringToDateTime(t *testing.T) {
	cases := []struct {
		in    string
		to    Type
		style int
		df    DateFormat
		want  string
	}{
		{"2020-01-02", TDateTime, 0, DateMDY, "2020-01-02 00:00:00.000"},
		{"2020-01-02", TDateTime, 0, DateDMY, "2020-02-01 00:00:00.000"}, // datetime reads yyyy-dd-mm under dmy
		{"2020-01-02", TDate, 0, DateDMY, "2020-01-02 00:00:00.000"},     // date always ISO
		{"20200102", TDateTime, 0, DateDMY, "2020-01-02 00:00:00.000"},
		{"01/02/2020", TDateTime, 0, DateMDY, "2020-01-02 00:00:00.000"},
		{"01/02/2020", TDateTime, 0, DateDMY, "2020-02-01 00:00:00.000"},
		{"01/02/2020", TDateTime, 103, DateMDY, "2020-02-01 00:00:00.000"},
		{"2020/01/02", TDateTime, 111, DateMDY, "2020-01-02 00:00:00.000"},
		{"01.02.20", TDateTime, 0, DateMDY, "2020-01-02 00:00:00.000"},
		{"1/2/49", TDateTime, 0, DateMDY, "2049-01-02 00:00:00.000"},
		{"1/2/50", TDateTime, 0, DateMDY, "1950-01-02 00:00:00.000"},
		{"2020-01-02T13:14:15.123", TDateTime, 0, DateDMY, "2020-01-02 13:14:15.123"},
		{"2020-01-02T13:14:15Z", TDateTime, 0, DateMDY, "2020-01-02 13:14:15.000"},
		{"2020-01-02 13:14", TDateTime, 0, DateMDY, "2020-01-02 13:14:00.000"},
		{"2020-01-02 1:14PM", TDateTime, 0, DateMDY, "2020-01-02 13:14:00.000"},
		{"2020-01-02 12:00 AM", TDateTime, 0, DateMDY, "2020-01-02 00:00:00.000"},
		{"Jan 2 2020", TDateTime, 0, DateMDY, "2020-01-02 00:00:00.000"},
		{"January 2, 2020 10:00", TDateTime, 0, DateMDY, "2020-01-02 10:00:00.000"},
		{"2 Jan 2020", TDateTime, 0, DateDMY, "2020-01-02 00:00:00.000"},
		{"April 2000", TDateTime, 0, DateMDY, "2000-04-01 00:00:00.000"},
		{"13:14:15", TDateTime, 0, DateMDY, "1900-01-01 13:14:15.000"},
		{"10:00:00:5", TDateTime, 0, DateMDY, "1900-01-01 10:00:00.007"},
		{"10:00:00.5", TDateTime, 0, DateMDY, "1900-01-01 10:00:00.500"},
		{"", TDateTime, 0, DateMDY, "1900-01-01 00:00:00.000"},
		{"2020-01-02 10:00:00.1234", TDateTime, 0, DateMDY, "Msg 241: Conversion failed when converting date and/or time from character string."},
		{"2020-01-02 10:00:00.1234567", DateTime2S(7), 0, DateMDY, "2020-01-02 10:00:00.1234567"},
		{"2020-01-02 10:00:00.1234567", DateTime2S(3), 0, DateMDY, "2020-01-02 10:00:00.123"},
		{"2019-02-30", TDateTime, 0, DateMDY, "Msg 242: The conversion of a varchar data type to a datetime data type resulted in an out-of-range value."},
		{"2019-02-30", TDate, 0, DateMDY, "Msg 241: Conversion failed when converting date and/or time from character string."},
		{"1700-01-01", TDateTime, 0, DateMDY, "Msg 242: The conversion of a varchar data type to a datetime data type resulted in an out-of-range value."},
		{"1700-01-01", TDate, 0, DateMDY, "1700-01-01"},
		{"abc", TDateTime, 0, DateMDY, "Msg 241: Conversion failed when converting date and/or time from character string."},
		{"2020-01-02 25:00", TDateTime, 0, DateMDY, "Msg 241: Conversion failed when converting date and/or time from character string."},
		{"2020-01-02 10:00:29.999", TSmallDateTime, 0, DateMDY, "2020-01-02 10:01:00.000"},
		{"2020-01-02 10:00:29.998", TSmallDateTime, 0, DateMDY, "2020-01-02 10:00:00.000"},
		{"2080-01-01", TSmallDateTime, 0, DateMDY, "Msg 242: The conversion of a varchar data type to a smalldatetime data type resulted in an out-of-range value."},
		{"2020-01-02 10:00:00 +02:00", DateTimeOffsetS(7), 0, DateMDY, "2020-01-02 10:00:00.0000000 +02:00"},
		{"2020-01-02T10:00:00-05:30", DateTimeOffsetS(0), 0, DateMDY, "2020-01-02 10:00:00 -05:30"},
		{"2020-01-02 10:00:00", DateTimeOffsetS(0), 0, DateMDY, "2020-01-02 10:00:00 +00:00"},
		{"2020-01-02 10:00:00 +02:00", TDateTime, 0, DateMDY, "Msg 241: Conversion failed when converting date and/or time from character string."},
		{"13:14:15.1234567", TimeS(7), 0, DateMDY, "13:14:15.1234567"},
		{"20/03/1427", TDateTime, 131, DateMDY, "2006-04-18 00:00:00.000"},
		{" 7/05/1421 12:14:35:727PM", TDateTime, 131, DateMDY, "2000-08-07 12:14:35.727"},
	}
	for _, c := range cases {
		v, err := ConvertWith(vc(c.in), c.to, ConvertOptions{Style: c.style, DateFormat: c.df})
		var got string
		if err == nil && (c.to.Kind == DateTime || c.to.Kind == SmallDateTime || c.to.Kind == Date && strings.Contains(c.want, ":")) {
			got = show(Convert(v, vc30, 121))
		} else {
			got = show(v, err)
		}
		if got != c.want {
			t.Errorf("CONVERT(%s, '%s', %d) [%s] = %q, want %q", c.to, c.in, c.style, c.df, got, c.want)
		}
	}
}

func TestConvertDateTimeFamilies(t *testing.T) {
	off := NewTime(DateTimeOffsetS(7), time.Date(2020, 1, 1, 23, 30, 0, 0, time.FixedZone("", 2*3600)))
	runConv(t, []convCase{
		{"offset dropped to datetime", off, TDateTime, 0, "Jan  1 2020 11:30PM"},
		{"offset dropped to datetime2", off, DateTime2S(0), 0, "2020-01-01 23:30:00"},
		{"datetime to offset assumes +00:00", dt("2020-01-01 10:00:00"), DateTimeOffsetS(0), 0, "2020-01-01 10:00:00 +00:00"},
		{"datetime to date", dt("2020-01-01 10:00:00"), TDate, 0, "2020-01-01"},
		{"datetime to time", dt("2020-01-01 10:00:00.003"), TimeS(7), 0, "10:00:00.0033333"},
		{"time to datetime", NewTime(TimeS(7), time.Date(1, 1, 1, 10, 0, 0, 0, time.UTC)), TDateTime, 0, "Jan  1 1900 10:00AM"},
		{"datetime2 to datetime rounds", dt2("2020-01-01 10:00:00.0049999", 7), TDateTime, 121, "Jan  1 2020 10:00AM"},
		{"date to datetime out of range", NewTime(TDate, time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)), TDateTime, 0, "Msg 242: The conversion of a date data type to a datetime data type resulted in an out-of-range value."},
		{"int to datetime", NewInt(1), TDateTime, 0, "Jan  2 1900 12:00AM"},
		{"float to datetime", NewFloat(1.5), TDateTime, 0, "Jan  2 1900 12:00PM"},
		{"datetime to int rounds", dt("1900-01-02 12:00:00"), TInt, 0, "2"},
		{"datetime to int before noon", dt("1900-01-02 11:59:59"), TInt, 0, "1"},
		{"datetime to float", dt("1900-01-02 12:00:00"), TFloat, 0, "1.5"},
		{"int to date not allowed", NewInt(1), TDate, 0, "Msg 529: Explicit conversion from data type int to date is not allowed."},
		{"date to int not allowed", NewTime(TDate, time.Now()), TInt, 0, "Msg 529: Explicit conversion from data type date to int is not allowed."},
		{"date to time not allowed", NewTime(TDate, time.Now()), TimeS(7), 0, "Msg 529: Explicit conversion from data type date to time is not allowed."},
		{"guid to int not allowed", NewUniqueIdentifier(uuid.New()), TInt, 0, "Msg 529: Explicit conversion from data type uniqueidentifier to int is not allowed."},
	})
}

func TestConvertBinaryAndGUID(t *testing.T) {
	g := uuid.MustParse("6F9619FF-8B86-D011-B42D-00C04FC964FF")
	runConv(t, []convCase{
		{"int to binary(4)", NewInt(1), BinaryN(4), 0, "0x00000001"},
		{"int to binary(8) pads left", NewInt(1), BinaryN(8), 0, "0x0000000000000001"},
		{"int to binary(2) keeps right", NewInt(65537), BinaryN(2), 0, "0x0001"},
		{"string to binary pads right", vc("A"), BinaryN(3), 0, "0x410000"},
		{"nvarchar to varbinary", nvc("A"), VarBinaryN(10), 0, "0x4100"},
		{"style 1", vc("0xCAFE"), VarBinaryN(10), 1, "0xCAFE"},
		{"style 2", vc("cafe"), VarBinaryN(10), 2, "0xCAFE"},
		{"style 1 without 0x", vc("CAFE"), VarBinaryN(10), 1, "Msg 8114: Error converting data type varchar to varbinary."},
		{"binary to int", NewVarBinary([]byte{0x01, 0x00}), TInt, 0, "256"},
		{"binary to int takes last 4 bytes", NewVarBinary([]byte{0xFF, 0, 0, 0, 2}), TInt, 0, "2"},
		{"money to binary", NewMoney(10000), VarBinaryN(8), 0, "0x0000000000002710"},
		{"decimal to binary", dec("1.5", 2, 1), VarBinaryN(30), 0, "0x020101" + "0F000000"},
		{"guid to binary is storage order", NewUniqueIdentifier(g), VarBinaryN(16), 0, "0xFF19966F868B11D0B42D00C04FC964FF"},
		{"guid from string", vc("6f9619ff-8b86-d011-b42d-00c04fc964ff"), TUniqueIdentifier, 0, "6F9619FF-8B86-D011-B42D-00C04FC964FF"},
		{"guid from braces", vc("{6f9619ff-8b86-d011-b42d-00c04fc964ff}"), TUniqueIdentifier, 0, "6F9619FF-8B86-D011-B42D-00C04FC964FF"},
		{"guid extra characters ignored", vc("0E984725-C51C-4BF4-9960-E1C80E27ABA0wrong"), TUniqueIdentifier, 0, "0E984725-C51C-4BF4-9960-E1C80E27ABA0"},
		{"guid bad", vc("not-a-guid"), TUniqueIdentifier, 0, "Msg 8169: Conversion failed when converting from a character string to uniqueidentifier."},
		{"guid from storage bytes", NewVarBinary([]byte{0xFF, 0x19, 0x96, 0x6F, 0x86, 0x8B, 0x11, 0xD0, 0xB4, 0x2D, 0x00, 0xC0, 0x4F, 0xC9, 0x64, 0xFF}), TUniqueIdentifier, 0, "6F9619FF-8B86-D011-B42D-00C04FC964FF"},
		{"datetime to binary", dt("1900-01-02 00:00:01"), VarBinaryN(8), 0, "0x000000010000012C"},
		{"binary to datetime", NewVarBinary([]byte{0, 0, 0, 1, 0, 0, 1, 0x2C}), TDateTime, 120, "Jan  2 1900 12:00AM"},
	})
}

func TestConvertModes(t *testing.T) {
	if m, _ := Convert(vc("1.23456"), TMoney, 0); m.Int64() != 12346 {
		t.Errorf("money units = %d, want 12346", m.Int64())
	}
	if m, _ := Convert(dec("1.23456", 6, 5), TMoney, 0); m.Int64() != 12346 {
		t.Errorf("money units = %d, want 12346", m.Int64())
	}
	// TRY_CONVERT: NULL instead of a conversion error; a disallowed pair still fails.
	if got := show(TryConvert(vc("abc"), TInt, 0)); got != "NULL" {
		t.Errorf("TRY_CAST('abc' AS int) = %s", got)
	}
	if got := show(TryConvert(vc("2019-02-30"), TDateTime, 0)); got != "NULL" {
		t.Errorf("TRY_CAST bad date = %s", got)
	}
	if got := show(TryConvert(NewInt(1), TDate, 0)); got != "Msg 529: Explicit conversion from data type int to date is not allowed." {
		t.Errorf("TRY_CAST(1 AS date) = %s", got)
	}
	// Argument binding reports 8114.
	v, err := ConvertWith(vc("Luiz"), TInt, ConvertOptions{Implicit: true, Binding: true})
	if got := show(v, err); got != "Msg 8114: Error converting data type varchar to int." {
		t.Errorf("binding = %s", got)
	}
	v, err = ConvertWith(NewInt(1000), TTinyInt, ConvertOptions{Implicit: true, Binding: true})
	if got := show(v, err); got != "Msg 8114: Error converting data type int to tinyint." {
		t.Errorf("binding overflow = %s", got)
	}
	// Implicit pair errors.
	if got := show(Assign(vc("abc"), VarBinaryN(10))); got != "Msg 257: Implicit conversion from data type varchar to varbinary is not allowed. Use the CONVERT function to run this query." {
		t.Errorf("implicit varchar->varbinary = %s", got)
	}
	if got := show(Assign(NewInt(1), TDate)); got != "Msg 206: Operand type clash: int is incompatible with date" {
		t.Errorf("implicit int->date = %s", got)
	}
	// Strict (column insert) truncation.
	v, err = ConvertWith(vc("abcdef"), VarCharN(3), ConvertOptions{Implicit: true, Strict: true})
	if got := show(v, err); got != "Msg 8152: String or binary data would be truncated." {
		t.Errorf("strict = %s", got)
	}
	v, err = ConvertWith(vc("abc   "), VarCharN(3), ConvertOptions{Implicit: true, Strict: true})
	if got := show(v, err); got != "abc" {
		t.Errorf("strict trailing blanks = %s", got)
	}
	// Variable assignment truncates silently.
	if got := show(Assign(vc("abc"), VarCharN(1))); got != "a" {
		t.Errorf("assign = %s", got)
	}
	// sql_variant keeps the base type; from it converts the base value.
	sv, err := Convert(dec("46279.1", 8, 2), TSQLVariant, 0)
	if err != nil || sv.Kind() != Decimal || sv.Type().Precision != 8 {
		t.Errorf("to sql_variant = %#v, %v", sv, err)
	}
	if got := show(Convert(sv, TInt, 0)); got != "46279" {
		t.Errorf("from sql_variant = %s", got)
	}
	if err := CheckConversion(TSQLVariant, TInt, true); err == nil || !strings.Contains(err.Error(), "257") {
		t.Errorf("implicit from sql_variant = %v", err)
	}
	if err := CheckConversion(NVarCharN(Max), TSQLVariant, false); err == nil {
		t.Errorf("nvarchar(max) into sql_variant allowed")
	}
	// NULL converts to a NULL of the target type.
	if v, err := Convert(Null(TInt), VarCharN(5), 0); err != nil || !v.IsNull() || v.Type() != VarCharN(5) {
		t.Errorf("NULL conversion = %#v %v", v, err)
	}
}

func TestConvertEveryPairClass(t *testing.T) {
	// Every pair of kinds either converts a sample value or fails with a
	// SQL Server error; none panics or returns a bare Go error.
	samples := map[Kind]Value{
		Bit: NewBit(true), TinyInt: NewTinyInt(7), SmallInt: NewSmallInt(7), Int: NewInt(7), BigInt: NewBigInt(7),
		Decimal: dec("7.5", 5, 1), Numeric: NewNumeric(big.NewInt(75), 5, 1), SmallMoney: NewSmallMoney(75000), Money: NewMoney(75000),
		Real: NewReal(7.5), Float: NewFloat(7.5), Char: NewString(CharN(3), "7  "), VarChar: vc("7"), Text: NewString(Type{Kind: Text, Length: Max}, "7"),
		NChar: NewString(NCharN(1), "7"), NVarChar: nvc("7"), NText: NewString(Type{Kind: NText, Length: Max}, "7"),
		Binary: NewBytes(BinaryN(4), []byte{0, 0, 0, 7}), VarBinary: NewVarBinary([]byte{7}), Image: NewBytes(Type{Kind: Image, Length: Max}, []byte{7}),
		Date: NewTime(TDate, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)), Time: NewTime(TimeS(7), time.Date(1900, 1, 1, 1, 0, 0, 0, time.UTC)),
		SmallDateTime: NewTime(TSmallDateTime, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)), DateTime: dt("2020-01-01 00:00:00"),
		DateTime2: dt2("2020-01-01 00:00:00", 7), DateTimeOffset: NewDateTimeOffset(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)),
		UniqueIdentifier: NewUniqueIdentifier(uuid.New()), XML: NewString(TXML, "<a/>"),
	}
	targets := []Type{TBit, TTinyInt, TSmallInt, TInt, TBigInt, DecimalPS(10, 2), NumericPS(10, 2), TSmallMoney, TMoney, TReal, TFloat,
		CharN(30), VarCharN(30), Type{Kind: Text, Length: Max}, NCharN(30), NVarCharN(30), Type{Kind: NText, Length: Max},
		BinaryN(30), VarBinaryN(30), Type{Kind: Image, Length: Max}, TDate, TimeS(7), TSmallDateTime, TDateTime, DateTime2S(7), DateTimeOffsetS(7),
		TUniqueIdentifier, TSQLVariant, TXML}
	for k, v := range samples {
		for _, to := range targets {
			for _, implicit := range []bool{false, true} {
				_, err := ConvertWith(v, to, ConvertOptions{Implicit: implicit})
				if err == nil {
					if classify(k, to.Kind) == convNo {
						t.Errorf("%s -> %s converted but the chart says not allowed", k, to)
					}
					continue
				}
				e, ok := sqlerr.As(err)
				if !ok {
					t.Errorf("%s -> %s: non-SQL error %v", k, to, err)
					continue
				}
				if classify(k, to.Kind) == convNo && e.Number != ErrExplicitNotAllowed && e.Number != ErrOperandClash {
					t.Errorf("%s -> %s: disallowed pair gave %d", k, to, e.Number)
				}
			}
		}
	}
}
