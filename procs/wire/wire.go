// Package wire maps the engine's typed values (sqltype) to the Go conventions
// and TYPE_INFO of the tds seam and back: result-set metadata and row values
// going out, RPC parameters coming in. It is the only place where the engine
// knows how SQL Server puts a type on the wire.
package wire

import (
	"fmt"
	"math/big"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// VariantMaxSize is the TYPE_INFO size SQL Server sends for sql_variant.
const VariantMaxSize = 8009

// TypeInfo returns the TYPE_INFO SQL Server sends for a column or parameter
// of type t. The untyped NULL (SELECT NULL) travels as int, as SQL Server
// types it.
func TypeInfo(t sqltype.Type) tds.TypeInfo {
	switch t.Kind {
	case sqltype.Unknown:
		return tds.TypeInfo{ID: tds.TypeIntN, Size: 4}
	case sqltype.Bit:
		return tds.TypeInfo{ID: tds.TypeBitN, Size: 1}
	case sqltype.TinyInt:
		return tds.TypeInfo{ID: tds.TypeIntN, Size: 1}
	case sqltype.SmallInt:
		return tds.TypeInfo{ID: tds.TypeIntN, Size: 2}
	case sqltype.Int:
		return tds.TypeInfo{ID: tds.TypeIntN, Size: 4}
	case sqltype.BigInt:
		return tds.TypeInfo{ID: tds.TypeIntN, Size: 8}
	case sqltype.Decimal, sqltype.Numeric:
		id := tds.TypeDecimalN
		if t.Kind == sqltype.Numeric {
			id = tds.TypeNumericN
		}
		p := t.Precision
		if p == 0 {
			p = 18
		}
		// MaxLength is the storage of the precision (18 when unset).
		return tds.TypeInfo{ID: id, Size: t.MaxLength(), Precision: p, Scale: t.Scale}
	case sqltype.SmallMoney:
		return tds.TypeInfo{ID: tds.TypeMoneyN, Size: 4}
	case sqltype.Money:
		return tds.TypeInfo{ID: tds.TypeMoneyN, Size: 8}
	case sqltype.Real:
		return tds.TypeInfo{ID: tds.TypeFltN, Size: 4}
	case sqltype.Float:
		return tds.TypeInfo{ID: tds.TypeFltN, Size: 8}
	case sqltype.Char:
		return tds.TypeInfo{ID: tds.TypeBigChar, Size: charSize(t.Length, 1), Collation: tds.DefaultCollation}
	case sqltype.VarChar:
		return tds.TypeInfo{ID: tds.TypeBigVarChar, Size: charSize(t.Length, 1), Collation: tds.DefaultCollation}
	case sqltype.Text:
		return tds.TypeInfo{ID: tds.TypeText, Size: 0x7FFFFFFF, Collation: tds.DefaultCollation}
	case sqltype.NChar:
		return tds.TypeInfo{ID: tds.TypeNChar, Size: charSize(t.Length, 2), Collation: tds.DefaultCollation}
	case sqltype.NVarChar:
		return tds.TypeInfo{ID: tds.TypeNVarChar, Size: charSize(t.Length, 2), Collation: tds.DefaultCollation}
	case sqltype.NText:
		return tds.TypeInfo{ID: tds.TypeNText, Size: 0x7FFFFFFF, Collation: tds.DefaultCollation}
	case sqltype.Binary:
		return tds.TypeInfo{ID: tds.TypeBigBinary, Size: charSize(t.Length, 1)}
	case sqltype.VarBinary:
		return tds.TypeInfo{ID: tds.TypeBigVarBin, Size: charSize(t.Length, 1)}
	case sqltype.Image:
		return tds.TypeInfo{ID: tds.TypeImage, Size: 0x7FFFFFFF}
	case sqltype.Date:
		return tds.TypeInfo{ID: tds.TypeDateN, Size: 3}
	case sqltype.Time:
		return tds.TypeInfo{ID: tds.TypeTimeN, Scale: t.Scale}
	case sqltype.SmallDateTime:
		return tds.TypeInfo{ID: tds.TypeDateTimeN, Size: 4}
	case sqltype.DateTime:
		return tds.TypeInfo{ID: tds.TypeDateTimeN, Size: 8}
	case sqltype.DateTime2:
		return tds.TypeInfo{ID: tds.TypeDateTime2N, Scale: t.Scale}
	case sqltype.DateTimeOffset:
		return tds.TypeInfo{ID: tds.TypeDateTimeOffset, Scale: t.Scale}
	case sqltype.UniqueIdentifier:
		return tds.TypeInfo{ID: tds.TypeGUID, Size: 16}
	case sqltype.SQLVariant:
		return tds.TypeInfo{ID: tds.TypeVariant, Size: VariantMaxSize}
	case sqltype.XML:
		return tds.TypeInfo{ID: tds.TypeXML, Size: tds.MaxSize}
	}
	return tds.TypeInfo{ID: tds.TypeNVarChar, Size: tds.MaxSize, Collation: tds.DefaultCollation}
}

// charSize is the byte length of a character or binary type of n units of
// width bytes; (max) becomes tds.MaxSize.
func charSize(n int32, width int) int {
	if n == sqltype.Max || int(n)*width > 8000 {
		return tds.MaxSize
	}
	if n <= 0 {
		n = 1
	}
	return int(n) * width
}

// Column returns the COLMETADATA entry for a result column.
func Column(name string, t sqltype.Type, nullable bool) tds.Column {
	return tds.Column{Name: name, Type: TypeInfo(t), Nullable: nullable}
}

// Value returns v in the Go convention of TypeInfo(t), where t is the
// column's (or parameter's) declared type; v must already be of that type,
// except for sql_variant, where v is the base value. NULL is nil.
func Value(t sqltype.Type, v sqltype.Value) any {
	if v.IsNull() {
		return nil
	}
	if t.Kind == sqltype.SQLVariant {
		return tds.Variant{Type: variantBase(v.Type()), Value: goValue(v)}
	}
	return goValue(v)
}

// goValue is the Go convention of v's own type.
func goValue(v sqltype.Value) any {
	switch k := v.Kind(); {
	case k == sqltype.Bit:
		return v.Bool()
	case k.IsInteger(), k == sqltype.Money, k == sqltype.SmallMoney:
		return v.Int64()
	case k == sqltype.Real, k == sqltype.Float:
		return v.Float64()
	case k == sqltype.Decimal, k == sqltype.Numeric:
		return toDecimal(v.Unscaled())
	case k.IsString(), k == sqltype.XML:
		return v.Str()
	case k == sqltype.UniqueIdentifier:
		var g [16]byte
		copy(g[:], v.Bytes())
		return g
	case k.IsBinary():
		b := v.Bytes()
		if b == nil {
			b = []byte{}
		}
		return b
	case k.IsDateTime():
		return v.Time()
	}
	return nil
}

// variantBase is the TYPE_INFO of a sql_variant's base type: the fixed-size
// forms for the numbers and datetime, as SQL Server sends them.
func variantBase(t sqltype.Type) tds.TypeInfo {
	switch t.Kind {
	case sqltype.Bit:
		return tds.TypeInfo{ID: tds.TypeBit, Size: 1}
	case sqltype.TinyInt:
		return tds.TypeInfo{ID: tds.TypeInt1, Size: 1}
	case sqltype.SmallInt:
		return tds.TypeInfo{ID: tds.TypeInt2, Size: 2}
	case sqltype.Int:
		return tds.TypeInfo{ID: tds.TypeInt4, Size: 4}
	case sqltype.BigInt:
		return tds.TypeInfo{ID: tds.TypeInt8, Size: 8}
	case sqltype.Real:
		return tds.TypeInfo{ID: tds.TypeFlt4, Size: 4}
	case sqltype.Float:
		return tds.TypeInfo{ID: tds.TypeFlt8, Size: 8}
	case sqltype.SmallMoney:
		return tds.TypeInfo{ID: tds.TypeMoney4, Size: 4}
	case sqltype.Money:
		return tds.TypeInfo{ID: tds.TypeMoney, Size: 8}
	case sqltype.SmallDateTime:
		return tds.TypeInfo{ID: tds.TypeDateTime4, Size: 4}
	case sqltype.DateTime:
		return tds.TypeInfo{ID: tds.TypeDateTime, Size: 8}
	case sqltype.VarChar, sqltype.Char, sqltype.NVarChar, sqltype.NChar, sqltype.VarBinary, sqltype.Binary:
		ti := TypeInfo(t)
		if ti.Size == tds.MaxSize { // a variant never holds (max); SQL Server caps at 8000 bytes
			ti.Size = 8000
		}
		return ti
	}
	return TypeInfo(t)
}

func toDecimal(u *big.Int) tds.Decimal {
	d := tds.Decimal{Neg: u.Sign() < 0}
	m := new(big.Int).Abs(u)
	lo := new(big.Int).And(m, new(big.Int).SetUint64(^uint64(0)))
	d.Lo = lo.Uint64()
	d.Hi = new(big.Int).Rsh(m, 64).Uint64()
	return d
}

func fromDecimal(d tds.Decimal) *big.Int {
	u := new(big.Int).SetUint64(d.Hi)
	u.Lsh(u, 64)
	u.Or(u, new(big.Int).SetUint64(d.Lo))
	if d.Neg {
		u.Neg(u)
	}
	return u
}

// Type returns the SQL type a TYPE_INFO describes (for RPC parameters).
func Type(ti tds.TypeInfo) (sqltype.Type, error) {
	n := func(width int) int32 {
		if ti.Size == tds.MaxSize {
			return sqltype.Max
		}
		l := int32(ti.Size / width)
		if l == 0 {
			l = 1
		}
		return l
	}
	switch ti.ID {
	case tds.TypeNull:
		return sqltype.Type{}, nil
	case tds.TypeInt1:
		return sqltype.TTinyInt, nil
	case tds.TypeInt2:
		return sqltype.TSmallInt, nil
	case tds.TypeInt4:
		return sqltype.TInt, nil
	case tds.TypeInt8:
		return sqltype.TBigInt, nil
	case tds.TypeIntN:
		switch ti.Size {
		case 1:
			return sqltype.TTinyInt, nil
		case 2:
			return sqltype.TSmallInt, nil
		case 4:
			return sqltype.TInt, nil
		case 8:
			return sqltype.TBigInt, nil
		}
	case tds.TypeBit, tds.TypeBitN:
		return sqltype.TBit, nil
	case tds.TypeFlt4:
		return sqltype.TReal, nil
	case tds.TypeFlt8:
		return sqltype.TFloat, nil
	case tds.TypeFltN:
		if ti.Size == 4 {
			return sqltype.TReal, nil
		}
		return sqltype.TFloat, nil
	case tds.TypeMoney:
		return sqltype.TMoney, nil
	case tds.TypeMoney4:
		return sqltype.TSmallMoney, nil
	case tds.TypeMoneyN:
		if ti.Size == 4 {
			return sqltype.TSmallMoney, nil
		}
		return sqltype.TMoney, nil
	case tds.TypeDecimalN, tds.TypeDecimal:
		return sqltype.DecimalPS(ti.Precision, ti.Scale), nil
	case tds.TypeNumericN, tds.TypeNumeric:
		return sqltype.NumericPS(ti.Precision, ti.Scale), nil
	case tds.TypeDateTime:
		return sqltype.TDateTime, nil
	case tds.TypeDateTime4:
		return sqltype.TSmallDateTime, nil
	case tds.TypeDateTimeN:
		if ti.Size == 4 {
			return sqltype.TSmallDateTime, nil
		}
		return sqltype.TDateTime, nil
	case tds.TypeDateN:
		return sqltype.TDate, nil
	case tds.TypeTimeN:
		return sqltype.TimeS(ti.Scale), nil
	case tds.TypeDateTime2N:
		return sqltype.DateTime2S(ti.Scale), nil
	case tds.TypeDateTimeOffset:
		return sqltype.DateTimeOffsetS(ti.Scale), nil
	case tds.TypeGUID:
		return sqltype.TUniqueIdentifier, nil
	case tds.TypeBigChar:
		return sqltype.CharN(n(1)), nil
	case tds.TypeBigVarChar:
		return sqltype.VarCharN(n(1)), nil
	case tds.TypeText:
		return sqltype.Type{Kind: sqltype.Text}, nil
	case tds.TypeNChar:
		return sqltype.NCharN(n(2)), nil
	case tds.TypeNVarChar:
		return sqltype.NVarCharN(n(2)), nil
	case tds.TypeNText:
		return sqltype.Type{Kind: sqltype.NText}, nil
	case tds.TypeBigBinary:
		return sqltype.BinaryN(n(1)), nil
	case tds.TypeBigVarBin:
		return sqltype.VarBinaryN(n(1)), nil
	case tds.TypeImage:
		return sqltype.Type{Kind: sqltype.Image}, nil
	case tds.TypeVariant:
		return sqltype.TSQLVariant, nil
	case tds.TypeXML:
		return sqltype.TXML, nil
	}
	return sqltype.Type{}, fmt.Errorf("wire: unsupported TDS type 0x%02X size %d", uint8(ti.ID), ti.Size)
}

// FromParam converts an RPC parameter's value to a typed value. A
// sql_variant parameter yields its base value; a NULL yields a NULL of the
// parameter's type.
func FromParam(ti tds.TypeInfo, v any) (sqltype.Value, error) {
	t, err := Type(ti)
	if err != nil {
		return sqltype.Value{}, err
	}
	if v == nil {
		return sqltype.Null(t), nil
	}
	if t.Kind == sqltype.SQLVariant {
		vv, ok := v.(tds.Variant)
		if !ok {
			return sqltype.Value{}, fmt.Errorf("wire: sql_variant parameter holds %T", v)
		}
		return FromParam(vv.Type, vv.Value)
	}
	return fromGo(t, v)
}

func fromGo(t sqltype.Type, v any) (sqltype.Value, error) {
	bad := func() (sqltype.Value, error) {
		return sqltype.Value{}, fmt.Errorf("wire: %s value of Go type %T", t, v)
	}
	switch k := t.Kind; {
	case k == sqltype.Bit:
		switch b := v.(type) {
		case bool:
			return sqltype.NewBit(b), nil
		case int64:
			return sqltype.NewBit(b != 0), nil
		}
		return bad()
	case k.IsInteger():
		n, ok := v.(int64)
		if !ok {
			return bad()
		}
		return sqltype.NewIntOf(k, n), nil
	case k == sqltype.Money:
		n, ok := v.(int64)
		if !ok {
			return bad()
		}
		return sqltype.NewMoney(n), nil
	case k == sqltype.SmallMoney:
		n, ok := v.(int64)
		if !ok {
			return bad()
		}
		return sqltype.NewSmallMoney(n), nil
	case k == sqltype.Real:
		f, ok := v.(float64)
		if !ok {
			return bad()
		}
		return sqltype.NewReal(f), nil
	case k == sqltype.Float:
		f, ok := v.(float64)
		if !ok {
			return bad()
		}
		return sqltype.NewFloat(f), nil
	case k == sqltype.Decimal || k == sqltype.Numeric:
		d, ok := v.(tds.Decimal)
		if !ok {
			return bad()
		}
		if k == sqltype.Numeric {
			return sqltype.NewNumeric(fromDecimal(d), t.Precision, t.Scale), nil
		}
		return sqltype.NewDecimal(fromDecimal(d), t.Precision, t.Scale), nil
	case k.IsString() || k == sqltype.XML:
		s, ok := v.(string)
		if !ok {
			return bad()
		}
		return sqltype.NewString(t, s), nil
	case k == sqltype.UniqueIdentifier:
		switch g := v.(type) {
		case [16]byte:
			return sqltype.NewBytes(t, g[:]), nil
		case []byte:
			if len(g) != 16 {
				return bad()
			}
			return sqltype.NewBytes(t, append([]byte(nil), g...)), nil
		}
		return bad()
	case k.IsBinary():
		b, ok := v.([]byte)
		if !ok {
			return bad()
		}
		return sqltype.NewBytes(t, b), nil
	case k.IsDateTime():
		tm, ok := v.(time.Time)
		if !ok {
			return bad()
		}
		return sqltype.NewTime(t, tm), nil
	}
	return bad()
}
