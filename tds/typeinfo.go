package tds

// TypeID is a TDS data type byte (TYPE_INFO).
type TypeID uint8

// Wire data types.
const (
	TypeNull           TypeID = 0x1F
	TypeInt1           TypeID = 0x30
	TypeBit            TypeID = 0x32
	TypeInt2           TypeID = 0x34
	TypeInt4           TypeID = 0x38
	TypeDateTime4      TypeID = 0x3A
	TypeFlt4           TypeID = 0x3B
	TypeMoney          TypeID = 0x3C
	TypeDateTime       TypeID = 0x3D
	TypeFlt8           TypeID = 0x3E
	TypeMoney4         TypeID = 0x7A
	TypeInt8           TypeID = 0x7F
	TypeGUID           TypeID = 0x24
	TypeIntN           TypeID = 0x26
	TypeDecimal        TypeID = 0x37 // legacy
	TypeNumeric        TypeID = 0x3F // legacy
	TypeBitN           TypeID = 0x68
	TypeDecimalN       TypeID = 0x6A
	TypeNumericN       TypeID = 0x6C
	TypeFltN           TypeID = 0x6D
	TypeMoneyN         TypeID = 0x6E
	TypeDateTimeN      TypeID = 0x6F
	TypeDateN          TypeID = 0x28
	TypeTimeN          TypeID = 0x29
	TypeDateTime2N     TypeID = 0x2A
	TypeDateTimeOffset TypeID = 0x2B
	TypeImage          TypeID = 0x22
	TypeText           TypeID = 0x23
	TypeVariant        TypeID = 0x62
	TypeNText          TypeID = 0x63
	TypeBigVarBin      TypeID = 0xA5
	TypeBigVarChar     TypeID = 0xA7
	TypeBigBinary      TypeID = 0xAD
	TypeBigChar        TypeID = 0xAF
	TypeNVarChar       TypeID = 0xE7
	TypeNChar          TypeID = 0xEF
	TypeXML            TypeID = 0xF1
)

// MaxSize in TypeInfo.Size marks a (max) type, sent as PLP.
const MaxSize = 0xFFFF

// Collation is the 5-byte TDS collation.
type Collation [5]byte

// DefaultCollation is SQL_Latin1_General_CP1_CI_AS.
var DefaultCollation = Collation{0x09, 0x04, 0xD0, 0x00, 0x34}

// TypeInfo describes a column, parameter or return value on the wire.
//
// Size is the value size for fixed-size nullable types (IntN 1/2/4/8, FltN
// 4/8, MoneyN 4/8, DateTimeN 4/8, BitN 1, GUID 16), the maximum length in
// bytes for variable-length types (MaxSize for (max)), and 0x7FFFFFFF (or the
// sent value) for text/ntext/image.
//
// Go values that travel with a TypeInfo (in rows, RPC parameters and return
// values); nil is NULL for every type:
//
//	Int1/2/4/8, IntN            int64
//	Bit, BitN                   bool
//	Flt4/8, FltN                float64
//	Money, Money4, MoneyN       int64, in units of 1/10000
//	DecimalN, NumericN          Decimal (scale from TypeInfo.Scale)
//	DateTime*, DateN, DateTime2N  time.Time, wall clock (location ignored)
//	DateTimeOffset              time.Time, its zone offset is the value's offset
//	TimeN                       time.Time; only the clock part counts (decoded on 0001-01-01)
//	GUID                        [16]byte in the order of the printed form (RFC 4122)
//	BigChar, BigVarChar, Text   string (UTF-8 in Go; code page of the collation on the wire)
//	NChar, NVarChar, NText, XML string
//	BigBinary, BigVarBin, Image []byte
//	Variant                     Variant
type TypeInfo struct {
	ID        TypeID
	Size      int
	Precision uint8
	Scale     uint8
	Collation Collation
}

// Decimal is a decimal/numeric value: sign and 128-bit magnitude of the
// unscaled integer (value = ±(Hi<<64|Lo) / 10^scale).
type Decimal struct {
	Neg    bool
	Hi, Lo uint64
}

// Variant is a sql_variant value: the base type (a fixed-size form such as
// TypeInt4, not IntN) and the value in that type's Go convention.
type Variant struct {
	Type  TypeInfo
	Value any
}
