package sqltype

import (
	"strings"
)

// PrecisionOf is what SQL_VARIANT_PROPERTY(v, 'Precision') and the catalog
// views report for a type: the digits of a number or date/time type, 0 for
// the rest.
func (t Type) PrecisionOf() int {
	switch t.Kind {
	case BigInt, Money:
		return 19
	case Int:
		return 10
	case SmallInt:
		return 5
	case TinyInt:
		return 3
	case Bit:
		return 1
	case Decimal, Numeric:
		if t.Precision == 0 {
			return 18
		}
		return int(t.Precision)
	case SmallMoney:
		return 10
	case Float:
		return 53
	case Real:
		return 24
	case DateTime:
		return 23
	case SmallDateTime:
		return 16
	case Date:
		return 10
	case Time:
		return 8 + fracWidth(t.Scale)
	case DateTime2:
		return 19 + fracWidth(t.Scale)
	case DateTimeOffset:
		return 26 + fracWidth(t.Scale)
	}
	return 0
}

func fracWidth(s uint8) int {
	if s == 0 {
		return 0
	}
	return int(s) + 1
}

// ScaleOf is the scale SQL Server reports for a type: decimal's scale,
// 4 for money, 3 for datetime, the fractional digits of the newer time
// types, 0 otherwise.
func (t Type) ScaleOf() int {
	switch t.Kind {
	case Decimal, Numeric, Time, DateTime2, DateTimeOffset:
		return int(t.Scale)
	case Money, SmallMoney:
		return 4
	case DateTime:
		return 3
	}
	return 0
}

// MaxLength is the type's maximum storage in bytes (sys.columns.max_length):
// 2n for nvarchar(n), -1 for (max), the fixed size otherwise.
func (t Type) MaxLength() int {
	switch t.Kind {
	case Char, VarChar, Binary, VarBinary:
		if t.Length == Max {
			return -1
		}
		return int(t.Length)
	case NChar, NVarChar:
		if t.Length == Max {
			return -1
		}
		return 2 * int(t.Length)
	case Text, NText, Image, XML:
		return -1
	case Bit, TinyInt:
		return 1
	case SmallInt:
		return 2
	case Int, SmallMoney, Real, SmallDateTime:
		return 4
	case BigInt, Money, Float, DateTime:
		return 8
	case Decimal, Numeric:
		return decimalStorage(t.PrecisionOf())
	case Date:
		return 3
	case Time:
		return timeStorage(t.Scale)
	case DateTime2:
		return timeStorage(t.Scale) + 3
	case DateTimeOffset:
		return timeStorage(t.Scale) + 5
	case UniqueIdentifier:
		return 16
	case SQLVariant:
		return 8016
	}
	return 0
}

func decimalStorage(p int) int {
	switch {
	case p <= 9:
		return 5
	case p <= 19:
		return 9
	case p <= 28:
		return 13
	}
	return 17
}

func timeStorage(s uint8) int {
	switch {
	case s <= 2:
		return 3
	case s <= 4:
		return 4
	}
	return 5
}

// variantBaseName is the BaseType name: the kind's own name (numeric stays
// numeric, decimal decimal).
func variantBaseName(k Kind) string { return k.String() }

// SQLVariantProperty is SQL_VARIANT_PROPERTY(v, property): BaseType and
// Collation are sysname, Precision, Scale, TotalBytes and MaxLength int.
// The result travels as sql_variant (the Value keeps its base type). An
// unknown property or a NULL value gives NULL.
func SQLVariantProperty(v Value, property string) Value {
	if v.IsNull() {
		return Null(TSQLVariant)
	}
	t := v.typ
	switch strings.ToLower(strings.TrimSpace(property)) {
	case "basetype":
		return NewString(TSysname, variantBaseName(t.Kind))
	case "precision":
		return NewInt(int64(t.PrecisionOf()))
	case "scale":
		return NewInt(int64(t.ScaleOf()))
	case "maxlength":
		return NewInt(int64(t.MaxLength()))
	case "collation":
		if t.Kind.IsString() {
			return NewString(TSysname, CollationDefault.Name)
		}
		return Null(TSQLVariant)
	case "totalbytes":
		return NewInt(int64(variantTotalBytes(v)))
	}
	return Null(TSQLVariant)
}

// variantTotalBytes counts the sql_variant header (base type and property
// bytes), the type's properties and the data.
func variantTotalBytes(v Value) int {
	t := v.typ
	header := 2
	switch {
	case t.Kind.IsString():
		n := CharLen(v.s, t.Kind.IsUnicode())
		if t.Kind.IsUnicode() {
			n *= 2
		}
		return header + 7 + n
	case t.Kind.IsBinary():
		return header + 2 + len(v.b)
	case t.Kind == Decimal || t.Kind == Numeric:
		return header + 2 + decimalStorage(t.PrecisionOf()) - 1
	case t.Kind == Time || t.Kind == DateTime2 || t.Kind == DateTimeOffset:
		return header + 1 + t.MaxLength()
	}
	return header + t.MaxLength()
}
