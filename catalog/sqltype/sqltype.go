// Package sqltype is SQL Server's type system as the emulator uses it: type
// descriptors (Type) and typed values (Value), shared by the catalog (stored
// sql_variant values, view schemas) and the engine (variables, expressions,
// rows). It knows nothing of the wire.
package sqltype

import (
	"fmt"
	"strings"
)

// Kind is a SQL Server base data type.
type Kind uint8

// Base types. The zero Kind is Unknown: the type of an untyped NULL.
const (
	Unknown Kind = iota
	Bit
	TinyInt
	SmallInt
	Int
	BigInt
	Decimal
	Numeric
	SmallMoney
	Money
	Real
	Float
	Char
	VarChar
	Text
	NChar
	NVarChar
	NText
	Binary
	VarBinary
	Image
	Date
	Time
	SmallDateTime
	DateTime
	DateTime2
	DateTimeOffset
	UniqueIdentifier
	SQLVariant
	XML
)

var kindNames = [...]string{
	Unknown:          "unknown",
	Bit:              "bit",
	TinyInt:          "tinyint",
	SmallInt:         "smallint",
	Int:              "int",
	BigInt:           "bigint",
	Decimal:          "decimal",
	Numeric:          "numeric",
	SmallMoney:       "smallmoney",
	Money:            "money",
	Real:             "real",
	Float:            "float",
	Char:             "char",
	VarChar:          "varchar",
	Text:             "text",
	NChar:            "nchar",
	NVarChar:         "nvarchar",
	NText:            "ntext",
	Binary:           "binary",
	VarBinary:        "varbinary",
	Image:            "image",
	Date:             "date",
	Time:             "time",
	SmallDateTime:    "smalldatetime",
	DateTime:         "datetime",
	DateTime2:        "datetime2",
	DateTimeOffset:   "datetimeoffset",
	UniqueIdentifier: "uniqueidentifier",
	SQLVariant:       "sql_variant",
	XML:              "xml",
}

// String is the type's name as SQL Server spells it (lower case).
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// KindByName looks a base type up by its name, case-insensitively.
func KindByName(name string) (Kind, bool) {
	for k, n := range kindNames {
		if Kind(k) != Unknown && strings.EqualFold(n, name) {
			return Kind(k), true
		}
	}
	return Unknown, false
}

// IsInteger reports bit, tinyint, smallint, int and bigint.
func (k Kind) IsInteger() bool { return k >= Bit && k <= BigInt }

// IsExactNumeric reports the integer types, decimal, numeric and the money types.
func (k Kind) IsExactNumeric() bool { return k >= Bit && k <= Money }

// IsNumeric reports every number type, exact and approximate.
func (k Kind) IsNumeric() bool { return k >= Bit && k <= Float }

// IsString reports the character types, single-byte and Unicode.
func (k Kind) IsString() bool { return k >= Char && k <= NText }

// IsUnicode reports nchar, nvarchar and ntext.
func (k Kind) IsUnicode() bool { return k >= NChar && k <= NText }

// IsBinary reports binary, varbinary and image.
func (k Kind) IsBinary() bool { return k >= Binary && k <= Image }

// IsDateTime reports the date and time types.
func (k Kind) IsDateTime() bool { return k >= Date && k <= DateTimeOffset }

// Max in Type.Length marks varchar(max), nvarchar(max) and varbinary(max).
const Max = -1

// Type is a full type: the base kind plus its length, precision and scale.
//
// Length is in characters for the character types and in bytes for the
// binary types (Max for (max)); 0 elsewhere. Precision and Scale apply to
// decimal/numeric; Scale is also the fractional-second precision of time,
// datetime2 and datetimeoffset.
type Type struct {
	Kind      Kind
	Length    int32
	Precision uint8
	Scale     uint8
}

// Common types.
var (
	TBit              = Type{Kind: Bit}
	TTinyInt          = Type{Kind: TinyInt}
	TSmallInt         = Type{Kind: SmallInt}
	TInt              = Type{Kind: Int}
	TBigInt           = Type{Kind: BigInt}
	TMoney            = Type{Kind: Money}
	TSmallMoney       = Type{Kind: SmallMoney}
	TFloat            = Type{Kind: Float}
	TReal             = Type{Kind: Real}
	TDate             = Type{Kind: Date}
	TDateTime         = Type{Kind: DateTime}
	TSmallDateTime    = Type{Kind: SmallDateTime}
	TUniqueIdentifier = Type{Kind: UniqueIdentifier}
	TSQLVariant       = Type{Kind: SQLVariant}
	TXML              = Type{Kind: XML}
	// TSysname is sysname, which SQL Server defines as nvarchar(128) NOT NULL.
	TSysname = Type{Kind: NVarChar, Length: 128}
)

// NVarCharN returns nvarchar(n); pass Max for nvarchar(max).
func NVarCharN(n int32) Type { return Type{Kind: NVarChar, Length: n} }

// VarCharN returns varchar(n); pass Max for varchar(max).
func VarCharN(n int32) Type { return Type{Kind: VarChar, Length: n} }

// NCharN returns nchar(n).
func NCharN(n int32) Type { return Type{Kind: NChar, Length: n} }

// CharN returns char(n).
func CharN(n int32) Type { return Type{Kind: Char, Length: n} }

// VarBinaryN returns varbinary(n); pass Max for varbinary(max).
func VarBinaryN(n int32) Type { return Type{Kind: VarBinary, Length: n} }

// BinaryN returns binary(n).
func BinaryN(n int32) Type { return Type{Kind: Binary, Length: n} }

// DecimalPS returns decimal(p, s).
func DecimalPS(p, s uint8) Type { return Type{Kind: Decimal, Precision: p, Scale: s} }

// NumericPS returns numeric(p, s).
func NumericPS(p, s uint8) Type { return Type{Kind: Numeric, Precision: p, Scale: s} }

// DateTime2S returns datetime2(s).
func DateTime2S(s uint8) Type { return Type{Kind: DateTime2, Scale: s} }

// DateTimeOffsetS returns datetimeoffset(s).
func DateTimeOffsetS(s uint8) Type { return Type{Kind: DateTimeOffset, Scale: s} }

// TimeS returns time(s).
func TimeS(s uint8) Type { return Type{Kind: Time, Scale: s} }

// String renders the type as T-SQL writes it: int, nvarchar(128),
// varbinary(max), decimal(18,2), datetimeoffset(7).
func (t Type) String() string {
	switch t.Kind {
	case Char, VarChar, NChar, NVarChar, Binary, VarBinary:
		if t.Length == Max {
			return t.Kind.String() + "(max)"
		}
		return fmt.Sprintf("%s(%d)", t.Kind, t.Length)
	case Decimal, Numeric:
		return fmt.Sprintf("%s(%d,%d)", t.Kind, t.Precision, t.Scale)
	case Time, DateTime2, DateTimeOffset:
		return fmt.Sprintf("%s(%d)", t.Kind, t.Scale)
	}
	return t.Kind.String()
}
