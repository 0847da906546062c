package sqltype

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
)

// Literal typing: the engine hands the text of a numeric, money, string or
// binary literal to these functions and gets the value with the type SQL
// Server gives that literal. Numeric results are marked AsConstant.

func outOfRangeNumber(text string) *sqlerr.Error {
	return sqlerr.New(1007, 15, 1, "The number '%s' is out of the range for numeric representation (maximum precision 38).", text)
}

// IntegerLiteral types a run of digits: int when it fits, otherwise
// numeric(p,0) (SQL Server never makes a literal bigint), and Msg 1007 past
// 38 digits.
func IntegerLiteral(text string) (Value, error) {
	if n, err := strconv.ParseInt(text, 10, 64); err == nil && n <= 2147483647 {
		return NewInt(n).AsConstant(), nil
	}
	return DecimalLiteral(text)
}

// DecimalLiteral types digits with an optional decimal point as
// numeric(p,s): s is the number of digits after the point and p the
// significant digits (at least s, at least 1): 1.50 is numeric(3,2), 0.5
// numeric(1,1).
func DecimalLiteral(text string) (Value, error) {
	intPart, frac := text, ""
	if i := strings.IndexByte(text, '.'); i >= 0 {
		intPart, frac = text[:i], text[i+1:]
	}
	for _, c := range intPart + frac {
		if c < '0' || c > '9' {
			return Value{}, newErr(102, 1, "Incorrect syntax near '%s'.", text)
		}
	}
	trimmed := strings.TrimLeft(intPart, "0")
	s := len(frac)
	p := len(trimmed) + s
	if p < 1 {
		p = 1
	}
	if p < s {
		p = s
	}
	if p > 38 {
		return Value{}, outOfRangeNumber(text)
	}
	digits := trimmed + frac
	if digits == "" {
		digits = "0"
	}
	d, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		return Value{}, newErr(102, 1, "Incorrect syntax near '%s'.", text)
	}
	return Value{typ: NumericPS(uint8(p), uint8(s)), d: d, constant: true}, nil
}

// FloatLiteral types a literal with an exponent (1e5, 2.5E-3) as float.
func FloatLiteral(text string) (Value, error) {
	f, st := parseFloatString(text)
	if st != parseOK || text == "" {
		return Value{}, newErr(102, 1, "Incorrect syntax near '%s'.", text)
	}
	return NewFloat(f).AsConstant(), nil
}

// MoneyLiteral types a currency literal such as $12.50 or -$1 as money.
func MoneyLiteral(text string) (Value, error) {
	u, st := parseMoneyString(text)
	if st != parseOK {
		return Value{}, newErr(ErrArithOverflow, 2, "Arithmetic overflow error converting expression to data type money.")
	}
	return NewMoney(u).AsConstant(), nil
}

// StringLiteral types '...' as varchar(n) and N'...' as nvarchar(n), n the
// literal's length (1 when empty), (max) past 8000 bytes / 4000 characters.
func StringLiteral(s string, unicode bool) Value {
	n := CharLen(s, unicode)
	limit := 8000
	k := VarChar
	if unicode {
		limit, k = 4000, NVarChar
	} else {
		s = toCP1252(s)
	}
	l := int32(n)
	switch {
	case n == 0:
		l = 1
	case n > limit:
		l = Max
	}
	return Value{typ: Type{Kind: k, Length: l}, s: s, constant: true}
}

// BinaryLiteral types 0x... as varbinary(n); an odd digit count gets a
// leading zero nibble, and 0x alone is an empty varbinary(1).
func BinaryLiteral(text string) (Value, error) {
	h := text
	if len(h) >= 2 && h[0] == '0' && (h[1] == 'x' || h[1] == 'X') {
		h = h[2:]
	}
	b, ok := parseHex(h)
	if !ok {
		return Value{}, newErr(102, 1, "Incorrect syntax near '%s'.", text)
	}
	v := NewVarBinary(b)
	v.constant = true
	return v, nil
}
