package sqltype

import (
	"fmt"
	"math/big"
	"time"

	"github.com/google/uuid"
)

// Value is a typed SQL value. Its type is the value's own (base) type: a
// sql_variant holds a Value of its base type, so there is no variant Kind in
// a Value. The zero Value is an untyped NULL.
//
// Representation by kind (unexported; use the constructors and accessors):
// integers and bit in n; money and smallmoney in n as 1/10000 units; real
// and float in f; character types in s (UTF-8); binary types in b;
// uniqueidentifier in b (16 bytes, printed order); decimal/numeric as the
// unscaled integer in d with the scale in the Type; date and time types in
// t (wall clock; datetimeoffset keeps its zone offset; time uses only the
// clock part).
type Value struct {
	typ  Type
	null bool
	n    int64
	f    float64
	s    string
	b    []byte
	t    time.Time
	d    *big.Int
	// constant marks a literal (see AsConstant); it changes only the
	// precision an integer takes in decimal arithmetic.
	constant bool
}

// Null returns a NULL of type t (Unknown for an untyped NULL).
func Null(t Type) Value { return Value{typ: t, null: true} }

// IsNull reports whether v is NULL. The zero Value is NULL.
func (v Value) IsNull() bool { return v.null || v.typ.Kind == Unknown }

// Type returns the value's type.
func (v Value) Type() Type { return v.typ }

// Kind returns the value's base kind.
func (v Value) Kind() Kind { return v.typ.Kind }

// NewBit returns a bit.
func NewBit(b bool) Value {
	var n int64
	if b {
		n = 1
	}
	return Value{typ: TBit, n: n}
}

// NewTinyInt returns a tinyint; the caller keeps n in range.
func NewTinyInt(n int64) Value { return Value{typ: TTinyInt, n: n} }

// NewSmallInt returns a smallint; the caller keeps n in range.
func NewSmallInt(n int64) Value { return Value{typ: TSmallInt, n: n} }

// NewInt returns an int; the caller keeps n in range.
func NewInt(n int64) Value { return Value{typ: TInt, n: n} }

// NewBigInt returns a bigint.
func NewBigInt(n int64) Value { return Value{typ: TBigInt, n: n} }

// NewIntOf returns an integer value of kind k (Bit..BigInt).
func NewIntOf(k Kind, n int64) Value { return Value{typ: Type{Kind: k}, n: n} }

// NewMoney returns money from units of 1/10000.
func NewMoney(units int64) Value { return Value{typ: TMoney, n: units} }

// NewSmallMoney returns smallmoney from units of 1/10000.
func NewSmallMoney(units int64) Value { return Value{typ: TSmallMoney, n: units} }

// NewFloat returns a float (float(53)).
func NewFloat(f float64) Value { return Value{typ: TFloat, f: f} }

// NewReal returns a real (float(24)).
func NewReal(f float64) Value { return Value{typ: TReal, f: float64(float32(f))} }

// NewDecimal returns decimal(p,s) from its unscaled integer.
func NewDecimal(unscaled *big.Int, p, s uint8) Value {
	return Value{typ: DecimalPS(p, s), d: new(big.Int).Set(unscaled)}
}

// NewNumeric returns numeric(p,s) from its unscaled integer.
func NewNumeric(unscaled *big.Int, p, s uint8) Value {
	return Value{typ: NumericPS(p, s), d: new(big.Int).Set(unscaled)}
}

// NewString returns a character value of type t (a character kind).
func NewString(t Type, s string) Value { return Value{typ: t, s: s} }

// NewNVarChar returns an nvarchar value typed nvarchar(len(s)) (1 when empty),
// the way SQL Server types an N'...' literal.
func NewNVarChar(s string) Value {
	return Value{typ: NVarCharN(literalLen(s)), s: s}
}

// NewVarChar returns a varchar value typed varchar(len(s)) (1 when empty).
func NewVarChar(s string) Value {
	return Value{typ: VarCharN(literalLen(s)), s: s}
}

func literalLen(s string) int32 {
	n := int32(len([]rune(s)))
	if n == 0 {
		return 1
	}
	if n > 4000 {
		return Max
	}
	return n
}

// NewBytes returns a binary value of type t (a binary kind).
func NewBytes(t Type, b []byte) Value { return Value{typ: t, b: b} }

// NewVarBinary returns a varbinary value typed varbinary(len(b)).
func NewVarBinary(b []byte) Value {
	n := int32(len(b))
	if n == 0 {
		n = 1
	}
	if n > 8000 {
		n = Max
	}
	return Value{typ: VarBinaryN(n), b: b}
}

// NewUniqueIdentifier returns a uniqueidentifier.
func NewUniqueIdentifier(u uuid.UUID) Value {
	b := make([]byte, 16)
	copy(b, u[:])
	return Value{typ: TUniqueIdentifier, b: b}
}

// NewTime returns a date/time value of type t (a date/time kind). For
// datetimeoffset the zone offset of tm is kept; for the others only the wall
// clock counts.
func NewTime(t Type, tm time.Time) Value { return Value{typ: t, t: tm} }

// NewDateTimeOffset returns datetimeoffset(7).
func NewDateTimeOffset(tm time.Time) Value { return Value{typ: DateTimeOffsetS(7), t: tm} }

// NewDateTime returns datetime (the caller rounds to 1/300 s if it matters).
func NewDateTime(tm time.Time) Value { return Value{typ: TDateTime, t: tm} }

// WithType returns v relabelled with type t of the same kind family (for
// example nvarchar(3) -> nvarchar(128)); it converts nothing.
func (v Value) WithType(t Type) Value {
	v.typ = t
	return v
}

// Int64 returns the integer of an integer, bit or money value (money in
// 1/10000 units).
func (v Value) Int64() int64 { return v.n }

// Bool returns a bit as a bool.
func (v Value) Bool() bool { return v.n != 0 }

// Float64 returns a real or float.
func (v Value) Float64() float64 { return v.f }

// Str returns a character value's text.
func (v Value) Str() string { return v.s }

// Bytes returns a binary or uniqueidentifier value's bytes.
func (v Value) Bytes() []byte { return v.b }

// Time returns a date/time value.
func (v Value) Time() time.Time { return v.t }

// Unscaled returns a decimal/numeric value's unscaled integer (do not modify).
func (v Value) Unscaled() *big.Int {
	if v.d == nil {
		return new(big.Int)
	}
	return v.d
}

// UUID returns a uniqueidentifier value.
func (v Value) UUID() uuid.UUID {
	var u uuid.UUID
	copy(u[:], v.b)
	return u
}

// GoString is for debugging and test failure messages.
func (v Value) GoString() string {
	if v.IsNull() {
		return fmt.Sprintf("NULL(%s)", v.typ)
	}
	switch k := v.typ.Kind; {
	case k.IsInteger():
		return fmt.Sprintf("%s(%d)", k, v.n)
	case k == Money || k == SmallMoney:
		return fmt.Sprintf("%s(%d/10000)", k, v.n)
	case k == Real || k == Float:
		return fmt.Sprintf("%s(%g)", k, v.f)
	case k.IsString() || k == XML:
		return fmt.Sprintf("%s(%q)", v.typ, v.s)
	case k == UniqueIdentifier:
		return fmt.Sprintf("uniqueidentifier(%s)", v.UUID())
	case k.IsBinary():
		return fmt.Sprintf("%s(0x%X)", v.typ, v.b)
	case k.IsDateTime():
		return fmt.Sprintf("%s(%s)", v.typ, v.t.Format(time.RFC3339Nano))
	case k == Decimal || k == Numeric:
		return fmt.Sprintf("%s(%s e-%d)", v.typ, v.Unscaled(), v.typ.Scale)
	}
	return fmt.Sprintf("%s(?)", v.typ)
}
