package sqltype

import (
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
)

// typeAliases maps every spelling of a system type (lower case, single
// spaces) to its kind.
var typeAliases = map[string]Kind{
	"bit":                        Bit,
	"tinyint":                    TinyInt,
	"smallint":                   SmallInt,
	"int":                        Int,
	"integer":                    Int,
	"bigint":                     BigInt,
	"decimal":                    Decimal,
	"dec":                        Decimal,
	"numeric":                    Numeric,
	"smallmoney":                 SmallMoney,
	"money":                      Money,
	"real":                       Real,
	"float":                      Float,
	"double precision":           Float,
	"char":                       Char,
	"character":                  Char,
	"varchar":                    VarChar,
	"char varying":               VarChar,
	"character varying":          VarChar,
	"text":                       Text,
	"nchar":                      NChar,
	"national char":              NChar,
	"national character":         NChar,
	"nvarchar":                   NVarChar,
	"nchar varying":              NVarChar,
	"national char varying":      NVarChar,
	"national character varying": NVarChar,
	"ntext":                      NText,
	"national text":              NText,
	"binary":                     Binary,
	"varbinary":                  VarBinary,
	"binary varying":             VarBinary,
	"image":                      Image,
	"date":                       Date,
	"time":                       Time,
	"smalldatetime":              SmallDateTime,
	"datetime":                   DateTime,
	"datetime2":                  DateTime2,
	"datetimeoffset":             DateTimeOffset,
	"uniqueidentifier":           UniqueIdentifier,
	"sql_variant":                SQLVariant,
	"xml":                        XML,
}

// normalizeTypeName lower-cases a type name, drops brackets and a sys.
// schema, and collapses blanks, so "[national]  CHARACTER varying" and
// "nvarchar" meet.
func normalizeTypeName(name string) string {
	name = strings.ReplaceAll(name, "[", "")
	name = strings.ReplaceAll(name, "]", "")
	name = strings.ToLower(strings.Join(strings.Fields(name), " "))
	name = strings.TrimPrefix(name, "sys.")
	return name
}

// ParseTypeName resolves a type as written in a declaration (DECLARE,
// parameters, columns): name with its arguments ((n), (p,s)) and max for
// (max). A character or binary type without a length gets length 1.
func ParseTypeName(name string, args []int, max bool) (Type, error) {
	return parseTypeName(name, args, max, false)
}

// ParseCastTypeName is ParseTypeName for the target of CAST and CONVERT,
// where a character or binary type without a length gets length 30.
func ParseCastTypeName(name string, args []int, max bool) (Type, error) {
	return parseTypeName(name, args, max, true)
}

func unknownType(name string, cast bool) *sqlerr.Error {
	if cast {
		return newErr(ErrNotSystemType, 2, "Type %s is not a defined system type.", name)
	}
	return newErr(ErrUnknownType, 3, "Column, parameter, or variable #1: Cannot find data type %s.", name)
}

func parseTypeName(raw string, args []int, isMax bool, cast bool) (Type, error) {
	name := normalizeTypeName(raw)
	switch name {
	case "sysname":
		if len(args) > 0 || isMax {
			return Type{}, newErr(2716, 1, "Column, parameter, or variable #1: Cannot specify a column width on data type sysname.")
		}
		return TSysname, nil
	case "timestamp", "rowversion":
		return BinaryN(8), nil
	}
	k, ok := typeAliases[name]
	if !ok {
		return Type{}, unknownType(strings.TrimSpace(raw), cast)
	}
	noWidth := func() (Type, error) {
		if len(args) > 0 || isMax {
			return Type{}, newErr(2716, 1, "Column, parameter, or variable #1: Cannot specify a column width on data type %s.", name)
		}
		return Type{Kind: k}, nil
	}
	switch k {
	case Char, VarChar, NChar, NVarChar, Binary, VarBinary:
		limit := 8000
		if k == NChar || k == NVarChar {
			limit = 4000
		}
		if isMax {
			if k != VarChar && k != NVarChar && k != VarBinary {
				return Type{}, newErr(102, 1, "Incorrect syntax near 'max'.")
			}
			return Type{Kind: k, Length: Max}, nil
		}
		switch len(args) {
		case 0:
			n := int32(1)
			if cast {
				n = DefaultCastLength
			}
			return Type{Kind: k, Length: n}, nil
		case 1:
			n := args[0]
			if n <= 0 {
				return Type{}, newErr(ErrBadLength, 1, "Line 1: Length or precision specification %d is invalid.", n)
			}
			if n > limit {
				return Type{}, newErr(ErrSizeTooBig, 3, "The size (%d) given to the type '%s' exceeds the maximum allowed for any data type (%d).", n, name, limit)
			}
			return Type{Kind: k, Length: int32(n)}, nil
		}
		return Type{}, newErr(102, 1, "Incorrect syntax near ','.")
	case Decimal, Numeric:
		if isMax {
			return Type{}, newErr(102, 1, "Incorrect syntax near 'max'.")
		}
		p, s := 18, 0
		switch len(args) {
		case 0:
		case 1:
			p = args[0]
		case 2:
			p, s = args[0], args[1]
		default:
			return Type{}, newErr(102, 1, "Incorrect syntax near ','.")
		}
		if p < 1 {
			return Type{}, newErr(ErrBadLength, 1, "Line 1: Length or precision specification %d is invalid.", p)
		}
		if p > 38 {
			return Type{}, newErr(ErrPrecisionTooBig, 1, "Column or parameter #1: Specified column precision %d is greater than the maximum precision of 38.", p)
		}
		if s < 0 || s > p {
			return Type{}, newErr(ErrScaleOverPrecision, 1, "Column or parameter #1: Specified column scale %d is greater than the specified precision of %d.", s, p)
		}
		return Type{Kind: k, Precision: uint8(p), Scale: uint8(s)}, nil
	case Float:
		if isMax || len(args) > 1 {
			return Type{}, newErr(102, 1, "Incorrect syntax near 'max'.")
		}
		if len(args) == 1 && name == "float" {
			n := args[0]
			switch {
			case n < 1:
				return Type{}, newErr(ErrBadLength, 1, "Line 1: Length or precision specification %d is invalid.", n)
			case n > 53:
				return Type{}, newErr(ErrPrecisionTooBig, 1, "Column or parameter #1: Specified column precision %d is greater than the maximum precision of 53.", n)
			case n <= 24:
				return TReal, nil
			}
			return TFloat, nil
		}
		if len(args) > 0 {
			return noWidth()
		}
		return TFloat, nil
	case Time, DateTime2, DateTimeOffset:
		if isMax || len(args) > 1 {
			return Type{}, newErr(102, 1, "Incorrect syntax near 'max'.")
		}
		s := 7
		if len(args) == 1 {
			s = args[0]
		}
		if s < 0 || s > 7 {
			return Type{}, newErr(ErrBadScale, 1, "Line 1: Specified scale %d is invalid.", s)
		}
		return Type{Kind: k, Scale: uint8(s)}, nil
	case Text, NText, Image:
		if len(args) > 0 || isMax {
			return noWidth()
		}
		return Type{Kind: k, Length: Max}, nil
	}
	return noWidth()
}
