package tds

import (
	"fmt"
	"math"
	"time"
)

// Value encoding: the Go conventions documented on TypeInfo, written in the
// ROW form (also used by RETURNVALUE) or the RPC parameter form.

func toInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	case int16:
		return int64(x), true
	case int8:
		return int64(x), true
	case uint8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x), true
		}
	}
	return 0, false
}

func toFloat64(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	}
	return 0, false
}

func valueTypeError(ti *TypeInfo, v any) error {
	return fmt.Errorf("tds: cannot encode Go %T as %s", v, typeName(ti.ID))
}

func appendIntSized(b []byte, ti *TypeInfo, v any, size int) ([]byte, error) {
	x, ok := toInt64(v)
	if !ok {
		return b, valueTypeError(ti, v)
	}
	switch size {
	case 1:
		if x < 0 || x > 255 {
			return b, fmt.Errorf("tds: %d out of range for tinyint", x)
		}
	case 2:
		if x < math.MinInt16 || x > math.MaxInt16 {
			return b, fmt.Errorf("tds: %d out of range for smallint", x)
		}
	case 4:
		if x < math.MinInt32 || x > math.MaxInt32 {
			return b, fmt.Errorf("tds: %d out of range for int", x)
		}
	}
	return appendUintN(b, uint64(x), size), nil
}

func appendMoneySized(b []byte, ti *TypeInfo, v any, size int) ([]byte, error) {
	x, ok := toInt64(v)
	if !ok {
		return b, valueTypeError(ti, v)
	}
	if size == 4 {
		if x < math.MinInt32 || x > math.MaxInt32 {
			return b, fmt.Errorf("tds: %d out of range for smallmoney", x)
		}
		return appendU32(b, uint32(int32(x))), nil
	}
	b = appendU32(b, uint32(uint64(x)>>32))
	return appendU32(b, uint32(uint64(x))), nil
}

func appendFloatSized(b []byte, ti *TypeInfo, v any, size int) ([]byte, error) {
	x, ok := toFloat64(v)
	if !ok {
		return b, valueTypeError(ti, v)
	}
	if size == 4 {
		return appendU32(b, math.Float32bits(float32(x))), nil
	}
	return appendU64(b, math.Float64bits(x)), nil
}

func appendDateTimeSized(b []byte, ti *TypeInfo, v any, size int) ([]byte, error) {
	t, ok := v.(time.Time)
	if !ok {
		return b, valueTypeError(ti, v)
	}
	var err error
	if size == 4 {
		b, err = appendSmallDateTime(b, t)
	} else {
		b, err = appendDateTime(b, t)
	}
	if err != nil {
		return b, fmt.Errorf("tds: %v out of range for %s", t, typeName(ti.ID))
	}
	return b, nil
}

// appendScalar appends the bytes of a non-NULL value without any length
// prefix. cs is the charset of char types.
func appendScalar(b []byte, ti *TypeInfo, v any, cs *charset) ([]byte, error) {
	switch ti.ID {
	case TypeInt1:
		return appendIntSized(b, ti, v, 1)
	case TypeInt2:
		return appendIntSized(b, ti, v, 2)
	case TypeInt4:
		return appendIntSized(b, ti, v, 4)
	case TypeInt8:
		return appendIntSized(b, ti, v, 8)
	case TypeIntN:
		return appendIntSized(b, ti, v, ti.Size)
	case TypeBit, TypeBitN:
		x, ok := v.(bool)
		if !ok {
			return b, valueTypeError(ti, v)
		}
		if x {
			return append(b, 1), nil
		}
		return append(b, 0), nil
	case TypeFlt4:
		return appendFloatSized(b, ti, v, 4)
	case TypeFlt8:
		return appendFloatSized(b, ti, v, 8)
	case TypeFltN:
		return appendFloatSized(b, ti, v, ti.Size)
	case TypeMoney4:
		return appendMoneySized(b, ti, v, 4)
	case TypeMoney:
		return appendMoneySized(b, ti, v, 8)
	case TypeMoneyN:
		return appendMoneySized(b, ti, v, ti.Size)
	case TypeDateTime4:
		return appendDateTimeSized(b, ti, v, 4)
	case TypeDateTime:
		return appendDateTimeSized(b, ti, v, 8)
	case TypeDateTimeN:
		return appendDateTimeSized(b, ti, v, ti.Size)
	case TypeDecimalN, TypeNumericN, TypeDecimal, TypeNumeric:
		d, ok := v.(Decimal)
		if !ok {
			return b, valueTypeError(ti, v)
		}
		if !decimalFits(d, ti.Precision) {
			return b, fmt.Errorf("tds: decimal value does not fit precision %d", ti.Precision)
		}
		if d.Neg && (d.Hi != 0 || d.Lo != 0) {
			b = append(b, 0)
		} else {
			b = append(b, 1)
		}
		mag := ti.Size - 1
		if mag <= 8 {
			return appendUintN(b, d.Lo, mag), nil
		}
		b = appendU64(b, d.Lo)
		return appendUintN(b, d.Hi, mag-8), nil
	case TypeGUID:
		g, ok := v.([16]byte)
		if !ok {
			return b, valueTypeError(ti, v)
		}
		return append(b, g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6],
			g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]), nil
	case TypeDateN, TypeTimeN, TypeDateTime2N, TypeDateTimeOffset:
		t, ok := v.(time.Time)
		if !ok {
			return b, valueTypeError(ti, v)
		}
		var err error
		switch ti.ID {
		case TypeDateN:
			b, err = appendDate(b, wallDays(t))
		case TypeTimeN:
			b, _ = appendTime(b, t, ti.Scale)
		case TypeDateTime2N:
			b, err = appendDateTime2(b, t, ti.Scale)
		default:
			b, err = appendDateTimeOffset(b, t, ti.Scale)
		}
		if err != nil {
			return b, fmt.Errorf("tds: %v out of range for %s", t, typeName(ti.ID))
		}
		return b, nil
	case TypeBigVarChar, TypeBigChar, TypeText:
		s, ok := v.(string)
		if !ok {
			return b, valueTypeError(ti, v)
		}
		return cs.appendEncoded(b, s), nil
	case TypeNVarChar, TypeNChar, TypeNText, TypeXML:
		s, ok := v.(string)
		if !ok {
			return b, valueTypeError(ti, v)
		}
		return appendUTF16(b, s), nil
	case TypeBigVarBin, TypeBigBinary, TypeImage:
		p, ok := v.([]byte)
		if !ok {
			return b, valueTypeError(ti, v)
		}
		return append(b, p...), nil
	}
	return b, fmt.Errorf("tds: type 0x%02X cannot carry a value", uint8(ti.ID))
}

// appendValue appends one value of ti (normalized) in the ROW form, or in
// the RPC parameter form when form is formParam.
func appendValue(b []byte, ti *TypeInfo, v any, cs *charset, form typeForm) ([]byte, error) {
	if vv, ok := v.(Variant); ok && ti.ID != TypeVariant {
		v = vv.Value
	}
	if v == nil {
		return appendNull(b, ti, form)
	}
	switch ti.ID {
	case TypeIntN, TypeBitN, TypeFltN, TypeMoneyN, TypeDateTimeN, TypeGUID,
		TypeDecimalN, TypeNumericN, TypeDecimal, TypeNumeric, TypeDateN, TypeTimeN, TypeDateTime2N, TypeDateTimeOffset:
		at := len(b)
		b = append(b, 0)
		b, err := appendScalar(b, ti, v, cs)
		if err != nil {
			return b[:at], err
		}
		b[at] = byte(len(b) - at - 1)
		return b, nil
	case TypeBigVarChar, TypeBigChar, TypeNVarChar, TypeNChar, TypeBigVarBin, TypeBigBinary, TypeXML:
		if ti.isPLP() {
			return appendPLP(b, ti, v, cs)
		}
		at := len(b)
		b = append(b, 0, 0)
		b, err := appendScalar(b, ti, v, cs)
		if err != nil {
			return b[:at], err
		}
		n := len(b) - at - 2
		if n > ti.Size {
			return b[:at], fmt.Errorf("tds: %d bytes do not fit %s(%d)", n, typeName(ti.ID), ti.Size)
		}
		// char, nchar and binary are fixed width: pad as the server stores them.
		switch ti.ID {
		case TypeBigChar:
			for ; n < ti.Size; n++ {
				b = append(b, ' ')
			}
		case TypeBigBinary:
			for ; n < ti.Size; n++ {
				b = append(b, 0)
			}
		case TypeNChar:
			for ; n+2 <= ti.Size; n += 2 {
				b = append(b, ' ', 0)
			}
		}
		putU16At(b, at, uint16(n))
		return b, nil
	case TypeText, TypeNText, TypeImage:
		if form == formColumn {
			b = append(b, 16)
			b = append(b, textPointer[:]...)
			b = append(b, 0, 0, 0, 0, 0, 0, 0, 0) // timestamp
		}
		at := len(b)
		b = append(b, 0, 0, 0, 0)
		b, err := appendScalar(b, ti, v, cs)
		if err != nil {
			return b[:at], err
		}
		n := len(b) - at - 4
		b[at], b[at+1], b[at+2], b[at+3] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
		return b, nil
	case TypeVariant:
		return appendVariant(b, v, cs)
	}
	if _, fixed := fixedLen(ti.ID); fixed && ti.ID != TypeNull {
		return appendScalar(b, ti, v, cs)
	}
	return b, fmt.Errorf("tds: type 0x%02X cannot carry a value", uint8(ti.ID))
}

// textPointer is the 16-byte pointer sent before text, ntext and image
// values; clients only test that it is there.
var textPointer = [16]byte{0x64, 0x75, 0x6d, 0x6d, 0x79, 0x20, 0x74, 0x65, 0x78, 0x74, 0x70, 0x74, 0x72, 0x00, 0x00, 0x00}

func appendNull(b []byte, ti *TypeInfo, form typeForm) ([]byte, error) {
	switch {
	case ti.ID == TypeNull:
		return b, nil
	case ti.isPLP():
		return appendU64(b, ^uint64(0)), nil
	case ti.ID == TypeVariant:
		return appendU32(b, 0), nil
	case ti.ID == TypeText || ti.ID == TypeNText || ti.ID == TypeImage:
		if form == formParam {
			return appendU32(b, 0xFFFFFFFF), nil
		}
		return append(b, 0), nil
	}
	switch ti.nullLen() {
	case 1:
		return append(b, 0), nil
	case 2:
		return appendU16(b, 0xFFFF), nil
	}
	return b, fmt.Errorf("tds: NULL given for NOT NULL type %s", typeName(ti.ID))
}

// appendPLP writes a (max) value as one chunk.
func appendPLP(b []byte, ti *TypeInfo, v any, cs *charset) ([]byte, error) {
	at := len(b)
	b = append(b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
	b, err := appendScalar(b, ti, v, cs)
	if err != nil {
		return b[:at], err
	}
	n := len(b) - at - 12
	if uint64(n) > math.MaxUint32 {
		return b[:at], fmt.Errorf("tds: value of %d bytes is too large", n)
	}
	putU64At(b, at, uint64(n))
	if n == 0 {
		return b[:at+12], nil // total 0, then the terminator only
	}
	putU32At(b, at+8, uint32(n))
	return appendU32(b, 0), nil
}

func putU32At(b []byte, at int, v uint32) {
	b[at], b[at+1], b[at+2], b[at+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}

func putU64At(b []byte, at int, v uint64) {
	putU32At(b, at, uint32(v))
	putU32At(b, at+4, uint32(v>>32))
}

// variantBase maps a value's declared type to the base type a sql_variant
// carries (the fixed forms, not the nullable N forms).
func variantBase(ti TypeInfo) (TypeInfo, error) {
	switch ti.ID {
	case TypeIntN:
		switch ti.Size {
		case 1:
			ti.ID = TypeInt1
		case 2:
			ti.ID = TypeInt2
		case 4:
			ti.ID = TypeInt4
		default:
			ti.ID = TypeInt8
		}
	case TypeBitN:
		ti.ID = TypeBit
	case TypeFltN:
		if ti.Size == 4 {
			ti.ID = TypeFlt4
		} else {
			ti.ID = TypeFlt8
		}
	case TypeMoneyN:
		if ti.Size == 4 {
			ti.ID = TypeMoney4
		} else {
			ti.ID = TypeMoney
		}
	case TypeDateTimeN:
		if ti.Size == 4 {
			ti.ID = TypeDateTime4
		} else {
			ti.ID = TypeDateTime
		}
	case TypeDecimal:
		ti.ID = TypeDecimalN
	case TypeNumeric:
		ti.ID = TypeNumericN
	case TypeBigVarChar, TypeBigChar, TypeNVarChar, TypeNChar, TypeBigVarBin, TypeBigBinary:
		if ti.Size == MaxSize || ti.Size > 8000 {
			return ti, fmt.Errorf("tds: %s(max) cannot be stored in sql_variant", typeName(ti.ID))
		}
	case TypeInt1, TypeInt2, TypeInt4, TypeInt8, TypeBit, TypeFlt4, TypeFlt8, TypeMoney, TypeMoney4,
		TypeDateTime, TypeDateTime4, TypeGUID, TypeDateN, TypeTimeN, TypeDateTime2N, TypeDateTimeOffset,
		TypeDecimalN, TypeNumericN:
	default:
		return ti, fmt.Errorf("tds: %s cannot be stored in sql_variant", typeName(ti.ID))
	}
	return ti.normalize()
}

// inferVariant picks a base type for a plain Go value in a sql_variant.
func inferVariant(v any) (Variant, bool) {
	switch x := v.(type) {
	case int64, int, int32:
		return Variant{Type: TypeInfo{ID: TypeInt8, Size: 8}, Value: x}, true
	case float64:
		return Variant{Type: TypeInfo{ID: TypeFlt8, Size: 8}, Value: x}, true
	case bool:
		return Variant{Type: TypeInfo{ID: TypeBit, Size: 1}, Value: x}, true
	case string:
		n := 2 * utf16Len(x)
		if n == 0 {
			n = 2
		}
		return Variant{Type: TypeInfo{ID: TypeNVarChar, Size: n, Collation: DefaultCollation}, Value: x}, n <= 8000
	case []byte:
		n := len(x)
		if n == 0 {
			n = 1
		}
		return Variant{Type: TypeInfo{ID: TypeBigVarBin, Size: n}, Value: x}, n <= 8000
	case time.Time:
		return Variant{Type: TypeInfo{ID: TypeDateTime2N, Scale: 7}, Value: x}, true
	case [16]byte:
		return Variant{Type: TypeInfo{ID: TypeGUID, Size: 16}, Value: x}, true
	}
	return Variant{}, false
}

func appendVariant(b []byte, v any, cs *charset) ([]byte, error) {
	vv, ok := v.(Variant)
	if !ok {
		if vv, ok = inferVariant(v); !ok {
			return b, fmt.Errorf("tds: cannot encode Go %T as sql_variant", v)
		}
	}
	if vv.Value == nil {
		return appendU32(b, 0), nil
	}
	base, err := variantBase(vv.Type)
	if err != nil {
		return b, err
	}
	at := len(b)
	b = append(b, 0, 0, 0, 0, byte(base.ID))
	switch base.ID {
	case TypeTimeN, TypeDateTime2N, TypeDateTimeOffset:
		b = append(b, 1, base.Scale)
	case TypeDecimalN, TypeNumericN:
		b = append(b, 2, base.Precision, base.Scale)
	case TypeBigVarBin, TypeBigBinary:
		b = append(b, 2)
		b = appendU16(b, uint16(base.Size))
	case TypeBigVarChar, TypeBigChar, TypeNVarChar, TypeNChar:
		b = append(b, 7)
		b = append(b, base.Collation[:]...)
		b = appendU16(b, uint16(base.Size))
	default:
		b = append(b, 0)
	}
	vcs := cs
	if isCharType(base.ID) {
		vcs = charsetFor(base.Collation)
	}
	start := len(b)
	b, err = appendScalar(b, &base, vv.Value, vcs)
	if err != nil {
		return b[:at], err
	}
	if n := len(b) - start; (isCharType(base.ID) || isNCharType(base.ID) || base.ID == TypeBigVarBin || base.ID == TypeBigBinary) && n > base.Size {
		return b[:at], fmt.Errorf("tds: %d bytes do not fit sql_variant base %s(%d)", n, typeName(base.ID), base.Size)
	}
	putU32At(b, at, uint32(len(b)-at-4))
	return b, nil
}
