package catalog

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// ssisTypes are the SSIS data types parameters and variables may have.
var ssisTypes = map[string]string{
	"boolean": "Boolean", "byte": "Byte", "datetime": "DateTime", "decimal": "Decimal", "double": "Double",
	"int16": "Int16", "int32": "Int32", "int64": "Int64", "sbyte": "SByte", "single": "Single",
	"string": "String", "uint32": "UInt32", "uint64": "UInt64",
}

// envVarTypes are the types create_environment_variable accepts (the
// documented list: not SByte, Char, DBNull or Object).
var envVarTypes = map[string]bool{"Boolean": true, "Byte": true, "DateTime": true, "Decimal": true, "Double": true,
	"Int16": true, "Int32": true, "Int64": true, "Single": true, "String": true, "UInt32": true, "UInt64": true}

func canonicalType(name string) (string, bool) {
	t, ok := ssisTypes[strings.ToLower(name)]
	return t, ok
}

var intRanges = map[string][2]float64{
	"Byte": {0, math.MaxUint8}, "SByte": {math.MinInt8, math.MaxInt8}, "Int16": {math.MinInt16, math.MaxInt16},
	"Int32": {math.MinInt32, math.MaxInt32}, "Int64": {math.MinInt64, math.MaxInt64},
	"UInt32": {0, math.MaxUint32}, "UInt64": {0, math.MaxUint64},
}

// checkValue is internal.check_data_type_value: the sql_variant's base type
// must map to the SSIS type (reference §4.8: any integer type for integer
// and Boolean parameters, any character type for String, numbers for the
// floating types, date/time types for DateTime) and the value must fit.
// arg names the target in the 27147 text.
func checkValue(ssisType string, v sqltype.Value, arg string) *sqlerr.Error {
	k := v.Kind()
	if k == sqltype.Unknown || k == sqltype.XML || k == sqltype.SQLVariant || k == sqltype.Image {
		return errorf(27159, 1)
	}
	bad := errorf(27147, 1, arg)
	switch ssisType {
	case "Boolean":
		if !k.IsInteger() {
			return bad
		}
	case "Byte", "SByte", "Int16", "Int32", "Int64", "UInt32", "UInt64":
		var f float64
		switch {
		case k.IsInteger():
			f = float64(v.Int64())
		case k == sqltype.Decimal || k == sqltype.Numeric:
			r := new(big.Rat).SetFrac(v.Unscaled(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(v.Type().Scale)), nil))
			if !r.IsInt() {
				return bad
			}
			f, _ = r.Float64()
		case ssisType == "Byte" && k.IsBinary():
			return nil
		default:
			return bad
		}
		r := intRanges[ssisType]
		if f < r[0] || f > r[1] {
			return bad
		}
	case "Single", "Double", "Decimal":
		if !k.IsNumeric() {
			return bad
		}
	case "DateTime":
		if !k.IsDateTime() {
			return bad
		}
	case "String":
		if !k.IsString() {
			return bad
		}
	default:
		return errorf(27159, 1)
	}
	return nil
}

// designValue turns a design default from the .ispac (text) into a typed
// value; text that does not parse is kept as nvarchar.
func designValue(ssisType string, text *string) sqltype.Value {
	if text == nil {
		return sqltype.Null(sqltype.TSQLVariant)
	}
	s := strings.TrimSpace(*text)
	switch ssisType {
	case "Boolean":
		switch strings.ToLower(s) {
		case "true", "1":
			return sqltype.NewBit(true)
		case "false", "0":
			return sqltype.NewBit(false)
		}
	case "Byte":
		if n, err := strconv.ParseUint(s, 10, 8); err == nil {
			return sqltype.NewTinyInt(int64(n))
		}
	case "SByte", "Int16":
		if n, err := strconv.ParseInt(s, 10, 16); err == nil {
			return sqltype.NewSmallInt(n)
		}
	case "Int32":
		if n, err := strconv.ParseInt(s, 10, 32); err == nil {
			return sqltype.NewInt(n)
		}
	case "Int64", "UInt32":
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return sqltype.NewBigInt(n)
		}
	case "UInt64":
		if n, ok := new(big.Int).SetString(s, 10); ok {
			return sqltype.NewDecimal(n, 20, 0)
		}
	case "Single":
		if f, err := strconv.ParseFloat(s, 32); err == nil {
			return sqltype.NewReal(f)
		}
	case "Double":
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return sqltype.NewFloat(f)
		}
	case "Decimal":
		if v, ok := parseDecimal(s); ok {
			return v
		}
	case "DateTime":
		for _, layout := range []string{"2006-01-02T15:04:05.9999999", "2006-01-02T15:04:05", "2006-01-02 15:04:05", "1/2/2006 3:04:05 PM", "2006-01-02"} {
			if t, err := time.Parse(layout, s); err == nil {
				return sqltype.NewDateTime(t)
			}
		}
	}
	return sqltype.NewNVarChar(*text)
}

func parseDecimal(s string) (sqltype.Value, bool) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	intPart, frac, _ := strings.Cut(s, ".")
	digits := intPart + frac
	if digits == "" || strings.Trim(digits, "0123456789") != "" || len(digits) > 38 {
		return sqltype.Value{}, false
	}
	n, _ := new(big.Int).SetString(digits, 10)
	if neg {
		n.Neg(n)
	}
	return sqltype.NewDecimal(n, 28, uint8(len(frac))), true
}

// valueText renders a value as text for the runner and error messages.
func valueText(v sqltype.Value) string {
	if v.IsNull() {
		return ""
	}
	k := v.Kind()
	switch {
	case k.IsInteger():
		return strconv.FormatInt(v.Int64(), 10)
	case k == sqltype.Money || k == sqltype.SmallMoney:
		return new(big.Rat).SetFrac64(v.Int64(), 10000).FloatString(4)
	case k == sqltype.Real:
		return strconv.FormatFloat(v.Float64(), 'g', -1, 32)
	case k == sqltype.Float:
		return strconv.FormatFloat(v.Float64(), 'g', -1, 64)
	case k == sqltype.Decimal || k == sqltype.Numeric:
		sc := int(v.Type().Scale)
		if sc == 0 {
			return v.Unscaled().String()
		}
		return new(big.Rat).SetFrac(v.Unscaled(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(sc)), nil)).FloatString(sc)
	case k.IsString() || k == sqltype.XML:
		return v.Str()
	case k == sqltype.UniqueIdentifier:
		return strings.ToUpper(v.UUID().String())
	case k.IsBinary():
		return "0x" + strings.ToUpper(hexString(v.Bytes()))
	case k.IsDateTime():
		return v.Time().Format("2006-01-02T15:04:05.9999999")
	}
	return ""
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// intValue reads an integer-ish value (bit, ints, integral decimals).
func intValue(v sqltype.Value) (int64, bool) {
	k := v.Kind()
	switch {
	case k.IsInteger():
		return v.Int64(), true
	case k == sqltype.Decimal || k == sqltype.Numeric:
		r := new(big.Rat).SetFrac(v.Unscaled(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(v.Type().Scale)), nil))
		if r.IsInt() && r.Num().IsInt64() {
			return r.Num().Int64(), true
		}
	case k.IsString():
		n, err := strconv.ParseInt(strings.TrimSpace(v.Str()), 10, 64)
		return n, err == nil
	}
	return 0, false
}
