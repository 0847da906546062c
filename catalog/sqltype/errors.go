package sqltype

import (
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
)

// Error numbers this package raises. The engine decides from the number what
// an error terminates.
const (
	ErrConversionFailed   = 245  // Conversion failed when converting the %ls value '%.*ls' to data type %ls.
	ErrDateConversion     = 241  // Conversion failed when converting date and/or time from character string.
	ErrDateOutOfRange     = 242  // The conversion of a %ls data type to a %ls data type resulted in an out-of-range value.
	ErrGUIDConversion     = 8169 // Conversion failed when converting from a character string to uniqueidentifier.
	ErrConvertingType     = 8114 // Error converting data type %ls to %ls.
	ErrArithOverflow      = 8115 // Arithmetic overflow error converting %ls to data type %ls.
	ErrIntValueOverflow   = 220  // Arithmetic overflow error for data type %ls, value = %ld.
	ErrIntStringOverflow  = 248  // The conversion of the %ls value '%.*ls' overflowed an int column.
	ErrSmallIntOverflow   = 244  // The conversion of the %ls value '%.*ls' overflowed an %hs column. Use a larger integer column.
	ErrDivideByZero       = 8134 // Divide by zero error encountered.
	ErrExplicitNotAllowed = 529  // Explicit conversion from data type %ls to %ls is not allowed.
	ErrImplicitNotAllowed = 257  // Implicit conversion from data type %ls to %ls is not allowed. Use the CONVERT function to run this query.
	ErrOperandClash       = 206  // Operand type clash: %ls is incompatible with %ls
	ErrTruncated          = 8152 // String or binary data would be truncated.
	ErrMoneySyntax        = 235  // Cannot convert a char value to money. The char value has incorrect syntax.
	ErrInvalidOperand     = 8117 // Operand data type %ls is invalid for %ls operator.
	ErrIncompatibleTypes  = 402  // The data types %ls and %ls are incompatible in the %ls operator.
	ErrInvalidStyle       = 281  // %d is not a valid style number when converting from %ls to a character string.
	ErrInvalidStyleTo     = 9809 // The style %d is not supported for conversions from %ls to %ls.
	ErrInvalidFormatSpec  = 2787 // Invalid format specification: '%.*ls'.
	ErrFormatParamType    = 2786 // The data type of substitution parameter %d does not match the expected type of the format specification.
	ErrUnknownType        = 2715 // Column, parameter, or variable #%d: Cannot find data type %.*ls.
	ErrNotSystemType      = 243  // Type %.*ls is not a defined system type.
	ErrSizeTooBig         = 131  // The size (%d) given to the %S_MSG '%.*ls' exceeds the maximum allowed for any data type (%d).
	ErrBadLength          = 1001 // Line %d: Length or precision specification %d is invalid.
	ErrBadScale           = 1002 // Line %d: Specified scale %d is invalid.
	ErrPrecisionTooBig    = 2750 // Column or parameter #%d: Specified column precision %d is greater than the maximum precision of %d.
	ErrScaleOverPrecision = 2751 // Column or parameter #%d: Specified column scale %d is greater than the specified precision of %d.
	ErrVariantProperty    = 8116 // Argument data type %ls is invalid for argument %d of %ls function.
)

func newErr(number int32, state uint8, format string, args ...any) *sqlerr.Error {
	return sqlerr.New(number, 16, state, format, args...)
}

// msgTypeName is the type word SQL Server puts in conversion messages:
// decimal is reported as numeric, everything else by its own name.
func msgTypeName(k Kind) string {
	if k == Decimal {
		return "numeric"
	}
	return k.String()
}

// ConversionFailed is Msg 245 for a value that does not parse as the target.
func ConversionFailed(v Value, to Type) *sqlerr.Error {
	return newErr(ErrConversionFailed, 1, "Conversion failed when converting the %s value '%s' to data type %s.",
		v.typ.Kind, displayForError(v), to.Kind)
}

// displayForError renders the value the way 245 quotes it.
func displayForError(v Value) string {
	if v.typ.Kind.IsString() {
		return v.s
	}
	s, err := formatDefault(v, VarCharN(Max))
	if err != nil {
		return ""
	}
	return s
}

// ConvertingTypeError is Msg 8114 "Error converting data type X to Y.", the
// flavour used for EXEC argument binding and for decimal/float targets.
func ConvertingTypeError(from, to Kind) *sqlerr.Error {
	state := uint8(1)
	if to == Decimal || to == Numeric {
		state = 5
	}
	return newErr(ErrConvertingType, state, "Error converting data type %s to %s.", msgTypeName(from), msgTypeName(to))
}

// OverflowError is Msg 8115 "Arithmetic overflow error converting X to data
// type Y."; from is "expression" for arithmetic results.
func OverflowError(from string, to Kind) *sqlerr.Error {
	return newErr(ErrArithOverflow, 2, "Arithmetic overflow error converting %s to data type %s.", from, msgTypeName(to))
}

// IntValueOverflow is Msg 220 for a value that does not fit a small integer type.
func IntValueOverflow(to Kind, n string) *sqlerr.Error {
	return newErr(ErrIntValueOverflow, 2, "Arithmetic overflow error for data type %s, value = %s.", to, n)
}

// DivideByZero is Msg 8134.
func DivideByZero() *sqlerr.Error {
	return newErr(ErrDivideByZero, 1, "Divide by zero error encountered.")
}

// Truncated is Msg 8152, for a value too long for the column it goes into.
func Truncated() *sqlerr.Error {
	return newErr(ErrTruncated, 30, "String or binary data would be truncated.")
}

// ExplicitNotAllowed is Msg 529.
func ExplicitNotAllowed(from, to Type) *sqlerr.Error {
	return newErr(ErrExplicitNotAllowed, 2, "Explicit conversion from data type %s to %s is not allowed.", typeWord(from), typeWord(to))
}

// ImplicitNotAllowed is Msg 257.
func ImplicitNotAllowed(from, to Type) *sqlerr.Error {
	return newErr(ErrImplicitNotAllowed, 3, "Implicit conversion from data type %s to %s is not allowed. Use the CONVERT function to run this query.", typeWord(from), typeWord(to))
}

// OperandClash is Msg 206, for an implicit conversion that is never allowed.
func OperandClash(from, to Type) *sqlerr.Error {
	return newErr(ErrOperandClash, 2, "Operand type clash: %s is incompatible with %s", typeWord(from), typeWord(to))
}

// InvalidOperand is Msg 8117, e.g. "Operand data type bit is invalid for add operator."
func InvalidOperand(t Type, op string) *sqlerr.Error {
	return newErr(ErrInvalidOperand, 1, "Operand data type %s is invalid for %s operator.", typeWord(t), op)
}

func dateConversionFailed() *sqlerr.Error {
	return newErr(ErrDateConversion, 1, "Conversion failed when converting date and/or time from character string.")
}

func dateOutOfRange(from, to Kind) *sqlerr.Error {
	return newErr(ErrDateOutOfRange, 3, "The conversion of a %s data type to a %s data type resulted in an out-of-range value.", from, to)
}

func guidConversionFailed(from Kind) *sqlerr.Error {
	if from.IsBinary() {
		return newErr(ErrGUIDConversion, 2, "Conversion failed when converting from a binary/varbinary string to uniqueidentifier.")
	}
	return newErr(ErrGUIDConversion, 2, "Conversion failed when converting from a character string to uniqueidentifier.")
}

func moneySyntax(from Kind) *sqlerr.Error {
	w := "char"
	if from.IsUnicode() {
		w = "nchar"
	}
	return newErr(ErrMoneySyntax, 0, "Cannot convert a %s value to money. The %s value has incorrect syntax.", w, w)
}

func intStringOverflow(v Value, to Kind) *sqlerr.Error {
	switch to {
	case Int:
		return newErr(ErrIntStringOverflow, 1, "The conversion of the %s value '%s' overflowed an int column.", v.typ.Kind, v.s)
	case SmallInt, TinyInt:
		w := "INT2"
		if to == TinyInt {
			w = "INT1"
		}
		return newErr(ErrSmallIntOverflow, 2, "The conversion of the %s value '%s' overflowed an %s column. Use a larger integer column.", v.typ.Kind, v.s, w)
	}
	return OverflowError("expression", to)
}

func invalidStyle(style int, from Kind) *sqlerr.Error {
	return newErr(ErrInvalidStyle, 1, "%d is not a valid style number when converting from %s to a character string.", style, from)
}

func invalidStyleTo(style int, from, to Kind) *sqlerr.Error {
	return newErr(ErrInvalidStyleTo, 1, "The style %d is not supported for conversions from %s to %s.", style, from, to)
}

// typeWord is the bare type name used in the 529/257/206 texts.
func typeWord(t Type) string {
	if t.Kind == Unknown {
		return "NULL"
	}
	return t.Kind.String()
}
