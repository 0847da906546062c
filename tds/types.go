package tds

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"time"
)

// errRange reports a value outside what its wire type can hold.
var errRange = errors.New("value out of range for its type")

// typeForm says where a TYPE_INFO appears: text, ntext and image carry a
// table name in COLMETADATA but not in RPC parameters, and their values
// carry a text pointer in rows but not in parameters.
type typeForm uint8

const (
	formParam typeForm = iota
	formColumn
)

// valueErrKind selects the SQL Server message for a well-formed request
// that carries an invalid or unsupported value (errors 8007-8028).
type valueErrKind uint8

const (
	verrUnknownType valueErrKind = iota // 8009
	verrLength                          // 8016
	verrPrecision                       // 8017
	verrChunks                          // 8007
	verrVariantLen                      // 8011
	verrVariantPrec                     // 8012
	verrVariantInst                     // 8013
	verrVariantType                     // 8014
	verrInstance                        // 8023
	verrOddLength                       // 8028
)

// valueError is a parameter the server understood but refuses; the request
// is answered with an error and the connection stays open.
type valueError struct {
	kind valueErrKind
	typ  TypeID
}

func (e *valueError) Error() string {
	return fmt.Sprintf("tds: invalid value of type 0x%02X (kind %d)", uint8(e.typ), e.kind)
}

func verr(kind valueErrKind, typ TypeID) error { return &valueError{kind: kind, typ: typ} }

// finite refuses NaN and the infinities, which float and real cannot hold:
// SQL Server answers such a parameter with 8023 (fuzz finding: a NaN
// parameter decoded and then compared unequal to itself downstream).
func finite(f float64, typ TypeID) (any, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, verr(verrInstance, typ)
	}
	return f, nil
}

// typeName is the SQL name used in messages.
func typeName(id TypeID) string {
	switch id {
	case TypeNull:
		return "null"
	case TypeInt1:
		return "tinyint"
	case TypeInt2:
		return "smallint"
	case TypeInt4:
		return "int"
	case TypeInt8:
		return "bigint"
	case TypeIntN:
		return "int"
	case TypeBit, TypeBitN:
		return "bit"
	case TypeFlt4:
		return "real"
	case TypeFlt8, TypeFltN:
		return "float"
	case TypeMoney, TypeMoneyN:
		return "money"
	case TypeMoney4:
		return "smallmoney"
	case TypeDateTime, TypeDateTimeN:
		return "datetime"
	case TypeDateTime4:
		return "smalldatetime"
	case TypeDecimal, TypeDecimalN:
		return "decimal"
	case TypeNumeric, TypeNumericN:
		return "numeric"
	case TypeGUID:
		return "uniqueidentifier"
	case TypeDateN:
		return "date"
	case TypeTimeN:
		return "time"
	case TypeDateTime2N:
		return "datetime2"
	case TypeDateTimeOffset:
		return "datetimeoffset"
	case TypeBigChar:
		return "char"
	case TypeBigVarChar:
		return "varchar"
	case TypeNChar:
		return "nchar"
	case TypeNVarChar:
		return "nvarchar"
	case TypeBigBinary:
		return "binary"
	case TypeBigVarBin:
		return "varbinary"
	case TypeText:
		return "text"
	case TypeNText:
		return "ntext"
	case TypeImage:
		return "image"
	case TypeXML:
		return "xml"
	case TypeVariant:
		return "sql_variant"
	}
	return fmt.Sprintf("0x%02X", uint8(id))
}

// fixedLen is the value size of the fixed-length types (FIXEDLENTYPE).
func fixedLen(id TypeID) (int, bool) {
	switch id {
	case TypeNull:
		return 0, true
	case TypeInt1, TypeBit:
		return 1, true
	case TypeInt2:
		return 2, true
	case TypeInt4, TypeDateTime4, TypeFlt4, TypeMoney4:
		return 4, true
	case TypeMoney, TypeDateTime, TypeFlt8, TypeInt8:
		return 8, true
	}
	return 0, false
}

func isCharType(id TypeID) bool {
	return id == TypeBigVarChar || id == TypeBigChar || id == TypeText
}

func isNCharType(id TypeID) bool {
	return id == TypeNVarChar || id == TypeNChar || id == TypeNText || id == TypeXML
}

// isPLP reports whether values of ti travel as partially length-prefixed
// chunks.
func (ti *TypeInfo) isPLP() bool {
	switch ti.ID {
	case TypeBigVarChar, TypeNVarChar, TypeBigVarBin:
		return ti.Size == MaxSize
	case TypeXML:
		return true
	}
	return false
}

func decimalSize(prec uint8) int {
	switch {
	case prec <= 9:
		return 5
	case prec <= 19:
		return 9
	case prec <= 28:
		return 13
	default:
		return 17
	}
}

// normalize fills the defaults an engine may leave out so that the
// metadata it declares is always encodable.
func (ti TypeInfo) normalize() (TypeInfo, error) {
	switch ti.ID {
	case TypeIntN, TypeFltN, TypeMoneyN, TypeDateTimeN:
		if ti.Size == 0 {
			ti.Size = 8
		}
	case TypeBitN:
		ti.Size = 1
	case TypeGUID:
		ti.Size = 16
	case TypeDecimalN, TypeNumericN, TypeDecimal, TypeNumeric:
		if ti.Precision == 0 {
			ti.Precision = 18
		}
		if ti.Precision > 38 || ti.Scale > ti.Precision {
			return ti, fmt.Errorf("tds: invalid precision %d or scale %d", ti.Precision, ti.Scale)
		}
		ti.Size = decimalSize(ti.Precision)
	case TypeTimeN, TypeDateTime2N, TypeDateTimeOffset:
		if ti.Scale > 7 {
			return ti, fmt.Errorf("tds: invalid scale %d", ti.Scale)
		}
	case TypeBigVarChar, TypeNVarChar, TypeBigVarBin:
		if ti.Size <= 0 || (ti.Size > 8000 && ti.Size != MaxSize) {
			ti.Size = MaxSize
		}
	case TypeBigChar, TypeNChar, TypeBigBinary:
		if ti.Size <= 0 || ti.Size > 8000 {
			return ti, fmt.Errorf("tds: invalid size %d for %s", ti.Size, typeName(ti.ID))
		}
	case TypeText, TypeImage:
		if ti.Size <= 0 {
			ti.Size = 0x7FFFFFFF
		}
	case TypeNText:
		if ti.Size <= 0 {
			ti.Size = 0x7FFFFFFE
		}
	case TypeVariant:
		if ti.Size <= 0 {
			ti.Size = 8009
		}
	case TypeDateN, TypeXML:
	default:
		if _, ok := fixedLen(ti.ID); !ok || ti.ID == TypeNull {
			return ti, fmt.Errorf("tds: type 0x%02X cannot describe a value", uint8(ti.ID))
		}
		ti.Size, _ = fixedLen(ti.ID)
	}
	if (ti.ID == TypeNChar || ti.ID == TypeNVarChar) && ti.Size != MaxSize && ti.Size%2 != 0 {
		ti.Size++ // UTF-16 lengths are even
	}
	if (isCharType(ti.ID) || isNCharType(ti.ID)) && ti.ID != TypeXML && ti.Collation == (Collation{}) {
		ti.Collation = DefaultCollation
	}
	return ti, nil
}

// readTypeInfo decodes a TYPE_INFO.
func readTypeInfo(r *rbuf, form typeForm) (TypeInfo, error) {
	ti := TypeInfo{ID: TypeID(r.u8())}
	if r.err != nil {
		return ti, r.err
	}
	switch ti.ID {
	case TypeIntN, TypeBitN, TypeFltN, TypeMoneyN, TypeDateTimeN, TypeGUID:
		ti.Size = int(r.u8())
		if r.err != nil {
			return ti, r.err
		}
		ok := false
		switch ti.ID {
		case TypeIntN:
			ok = ti.Size == 1 || ti.Size == 2 || ti.Size == 4 || ti.Size == 8
		case TypeBitN:
			ok = ti.Size == 1
		case TypeFltN, TypeMoneyN, TypeDateTimeN:
			ok = ti.Size == 4 || ti.Size == 8
		case TypeGUID:
			ok = ti.Size == 16
		}
		if !ok {
			return ti, verr(verrLength, ti.ID)
		}
	case TypeDecimalN, TypeNumericN, TypeDecimal, TypeNumeric:
		ti.Size = int(r.u8())
		ti.Precision = r.u8()
		ti.Scale = r.u8()
		if r.err != nil {
			return ti, r.err
		}
		if ti.Size != 5 && ti.Size != 9 && ti.Size != 13 && ti.Size != 17 {
			return ti, verr(verrLength, ti.ID)
		}
		if ti.Precision < 1 || ti.Precision > 38 || ti.Scale > ti.Precision {
			return ti, verr(verrPrecision, ti.ID)
		}
	case TypeDateN:
		ti.Size = 3
	case TypeTimeN, TypeDateTime2N, TypeDateTimeOffset:
		ti.Scale = r.u8()
		if r.err != nil {
			return ti, r.err
		}
		if ti.Scale > 7 {
			return ti, verr(verrPrecision, ti.ID)
		}
	case TypeBigVarChar, TypeBigChar, TypeNVarChar, TypeNChar, TypeBigVarBin, TypeBigBinary:
		ti.Size = int(r.u16())
		if isCharType(ti.ID) || isNCharType(ti.ID) {
			copy(ti.Collation[:], r.bytes(5))
		}
		if r.err != nil {
			return ti, r.err
		}
		fixed := ti.ID == TypeBigChar || ti.ID == TypeNChar || ti.ID == TypeBigBinary
		if (ti.Size > 8000 && (fixed || ti.Size != MaxSize)) || (fixed && ti.Size == 0) {
			return ti, verr(verrLength, ti.ID)
		}
		if (ti.ID == TypeNChar || ti.ID == TypeNVarChar) && ti.Size != MaxSize && ti.Size%2 != 0 {
			return ti, verr(verrLength, ti.ID) // a length in bytes of UTF-16 text is even
		}
	case TypeText, TypeNText, TypeImage:
		ti.Size = int(int32(r.u32()))
		if ti.ID != TypeImage {
			copy(ti.Collation[:], r.bytes(5))
		}
		if form == formColumn {
			parts := int(r.u8())
			for i := 0; i < parts && r.err == nil; i++ {
				r.usVarchar()
			}
		}
		if r.err != nil {
			return ti, r.err
		}
		if ti.Size < 0 {
			return ti, verr(verrLength, ti.ID)
		}
	case TypeXML:
		if r.u8() != 0 {
			r.bVarchar()  // database
			r.bVarchar()  // owning schema
			r.usVarchar() // schema collection
		}
		ti.Size = MaxSize
		if r.err != nil {
			return ti, r.err
		}
	case TypeVariant:
		ti.Size = int(int32(r.u32()))
		if r.err != nil {
			return ti, r.err
		}
		if ti.Size < 0 {
			return ti, verr(verrLength, ti.ID)
		}
	default:
		n, ok := fixedLen(ti.ID)
		if !ok {
			return ti, verr(verrUnknownType, ti.ID)
		}
		ti.Size = n
	}
	return ti, nil
}

// appendTypeInfo encodes ti, which must be normalized.
func appendTypeInfo(b []byte, ti *TypeInfo, form typeForm) []byte {
	b = append(b, byte(ti.ID))
	switch ti.ID {
	case TypeIntN, TypeBitN, TypeFltN, TypeMoneyN, TypeDateTimeN, TypeGUID:
		b = append(b, byte(ti.Size))
	case TypeDecimalN, TypeNumericN, TypeDecimal, TypeNumeric:
		b = append(b, byte(ti.Size), ti.Precision, ti.Scale)
	case TypeTimeN, TypeDateTime2N, TypeDateTimeOffset:
		b = append(b, ti.Scale)
	case TypeBigVarChar, TypeBigChar, TypeNVarChar, TypeNChar:
		b = appendU16(b, uint16(ti.Size))
		b = append(b, ti.Collation[:]...)
	case TypeBigVarBin, TypeBigBinary:
		b = appendU16(b, uint16(ti.Size))
	case TypeText, TypeNText, TypeImage:
		b = appendU32(b, uint32(ti.Size))
		if ti.ID != TypeImage {
			b = append(b, ti.Collation[:]...)
		}
		if form == formColumn {
			b = append(b, 0) // no table name: the value is an expression
		}
	case TypeXML:
		b = append(b, 0) // no schema collection
	case TypeVariant:
		b = appendU32(b, uint32(ti.Size))
	}
	return b
}

// nullLen is the number of bytes a NULL of ti takes in a ROW token; 0 means
// the type has no NULL form.
func (ti *TypeInfo) nullLen() int {
	switch {
	case ti.isPLP():
		return 8
	case ti.ID == TypeVariant:
		return 4
	case ti.ID == TypeBigVarChar, ti.ID == TypeBigChar, ti.ID == TypeNVarChar, ti.ID == TypeNChar,
		ti.ID == TypeBigVarBin, ti.ID == TypeBigBinary:
		return 2
	}
	if _, fixed := fixedLen(ti.ID); fixed {
		return 0
	}
	return 1
}

// byteLenValid checks the length byte of a BYTELEN value against its type.
func byteLenValid(ti *TypeInfo, n int) bool {
	switch ti.ID {
	case TypeIntN:
		return (n == 1 || n == 2 || n == 4 || n == 8) && n <= ti.Size
	case TypeBitN:
		return n == 1
	case TypeFltN, TypeMoneyN, TypeDateTimeN:
		return (n == 4 || n == 8) && n <= ti.Size
	case TypeGUID:
		return n == 16
	case TypeDecimalN, TypeNumericN, TypeDecimal, TypeNumeric:
		m := n - 1
		return (m == 4 || m == 8 || m == 12 || m == 16) && n <= ti.Size
	case TypeDateN:
		return n == 3
	case TypeTimeN:
		return n == timeLen(ti.Scale)
	case TypeDateTime2N:
		return n == timeLen(ti.Scale)+3
	case TypeDateTimeOffset:
		return n == timeLen(ti.Scale)+5
	}
	return false
}

// readValue decodes one value of ti. Strings are copied out of the message
// buffer; []byte values are fresh copies the engine may keep.
func readValue(r *rbuf, ti *TypeInfo, form typeForm) (any, error) {
	switch ti.ID {
	case TypeNull:
		return nil, nil
	case TypeIntN, TypeBitN, TypeFltN, TypeMoneyN, TypeDateTimeN, TypeGUID,
		TypeDecimalN, TypeNumericN, TypeDecimal, TypeNumeric, TypeDateN, TypeTimeN, TypeDateTime2N, TypeDateTimeOffset:
		n := int(r.u8())
		if r.err != nil {
			return nil, r.err
		}
		if n == 0 {
			return nil, nil
		}
		if !byteLenValid(ti, n) {
			return nil, verr(verrLength, ti.ID)
		}
		data := r.bytes(n)
		if r.err != nil {
			return nil, r.err
		}
		return decodeScalar(ti, data)
	case TypeBigVarChar, TypeBigChar, TypeNVarChar, TypeNChar, TypeBigVarBin, TypeBigBinary, TypeXML:
		var data []byte
		if ti.isPLP() {
			var null bool
			var err error
			data, null, err = readPLP(r, ti.ID)
			if err != nil || null {
				return nil, err
			}
		} else {
			n := int(r.u16())
			if r.err != nil {
				return nil, r.err
			}
			if n == 0xFFFF {
				return nil, nil
			}
			if n > ti.Size {
				return nil, verr(verrLength, ti.ID)
			}
			data = r.bytes(n)
			if r.err != nil {
				return nil, r.err
			}
		}
		return decodeScalar(ti, data)
	case TypeText, TypeNText, TypeImage:
		if form == formColumn {
			ptr := int(r.u8())
			if r.err != nil {
				return nil, r.err
			}
			if ptr == 0 {
				return nil, nil
			}
			r.skip(ptr + 8) // text pointer and timestamp
		}
		n := r.u32()
		if r.err != nil {
			return nil, r.err
		}
		if n == 0xFFFFFFFF && form == formParam {
			return nil, nil
		}
		if int64(n) > int64(r.left()) {
			return nil, errTruncated
		}
		data := r.bytes(int(n))
		if r.err != nil {
			return nil, r.err
		}
		return decodeScalar(ti, data)
	case TypeVariant:
		n := r.u32()
		if r.err != nil {
			return nil, r.err
		}
		if n == 0 {
			return nil, nil
		}
		if int64(n) > int64(r.left()) {
			return nil, errTruncated
		}
		if int(n) > ti.Size {
			return nil, verr(verrLength, ti.ID)
		}
		return decodeVariant(r.bytes(int(n)))
	}
	n, ok := fixedLen(ti.ID)
	if !ok {
		return nil, verr(verrUnknownType, ti.ID)
	}
	data := r.bytes(n)
	if r.err != nil {
		return nil, r.err
	}
	return decodeScalar(ti, data)
}

// readPLP reads a partially length-prefixed value: a u64 total (all ones
// for NULL, all ones but the last bit for unknown), then u32-prefixed chunks
// up to a zero-length one.
func readPLP(r *rbuf, id TypeID) ([]byte, bool, error) {
	const plpNull, plpUnknown = ^uint64(0), ^uint64(0) - 1
	total := r.u64()
	if r.err != nil {
		return nil, false, r.err
	}
	if total == plpNull {
		return nil, true, nil
	}
	var out []byte
	if total != plpUnknown {
		if total > uint64(r.left()) {
			return nil, false, errTruncated
		}
		out = make([]byte, 0, int(total))
	}
	for {
		n := r.u32()
		if r.err != nil {
			return nil, false, r.err
		}
		if n == 0 {
			break
		}
		chunk := r.bytes(int(n))
		if r.err != nil {
			return nil, false, r.err
		}
		out = append(out, chunk...)
	}
	if total != plpUnknown && uint64(len(out)) != total {
		return nil, false, verr(verrChunks, id)
	}
	if out == nil {
		out = []byte{}
	}
	return out, false, nil
}

// decodeScalar turns the exact bytes of a non-NULL value into its Go form.
func decodeScalar(ti *TypeInfo, data []byte) (any, error) {
	n := len(data)
	switch ti.ID {
	case TypeInt1:
		return int64(data[0]), nil
	case TypeInt2:
		return int64(int16(uintN(data))), nil
	case TypeInt4:
		return int64(int32(uintN(data))), nil
	case TypeInt8:
		return int64(uintN(data)), nil
	case TypeIntN:
		switch n {
		case 1:
			return int64(data[0]), nil
		case 2:
			return int64(int16(uintN(data))), nil
		case 4:
			return int64(int32(uintN(data))), nil
		default:
			return int64(uintN(data)), nil
		}
	case TypeBit, TypeBitN:
		return data[0] != 0, nil
	case TypeFlt4:
		return finite(float64(math.Float32frombits(uint32(uintN(data)))), ti.ID)
	case TypeFlt8:
		return finite(math.Float64frombits(uintN(data)), ti.ID)
	case TypeFltN:
		if n == 4 {
			return finite(float64(math.Float32frombits(uint32(uintN(data)))), ti.ID)
		}
		return finite(math.Float64frombits(uintN(data)), ti.ID)
	case TypeMoney4:
		return int64(int32(uintN(data))), nil
	case TypeMoney:
		return decodeMoney8(data), nil
	case TypeMoneyN:
		if n == 4 {
			return int64(int32(uintN(data))), nil
		}
		return decodeMoney8(data), nil
	case TypeDateTime4:
		return scalarTime(decodeSmallDateTime(data))
	case TypeDateTime:
		return scalarTime(decodeDateTime(data))
	case TypeDateTimeN:
		if n == 4 {
			return scalarTime(decodeSmallDateTime(data))
		}
		return scalarTime(decodeDateTime(data))
	case TypeDecimalN, TypeNumericN, TypeDecimal, TypeNumeric:
		d := Decimal{Neg: data[0] == 0}
		mag := data[1:]
		if len(mag) > 8 {
			d.Lo = uintN(mag[:8])
			d.Hi = uintN(mag[8:])
		} else {
			d.Lo = uintN(mag)
		}
		if !decimalFits(d, ti.Precision) {
			return nil, verr(verrInstance, ti.ID)
		}
		if d.Hi == 0 && d.Lo == 0 {
			d.Neg = false
		}
		return d, nil
	case TypeGUID:
		var g [16]byte
		g[0], g[1], g[2], g[3] = data[3], data[2], data[1], data[0]
		g[4], g[5] = data[5], data[4]
		g[6], g[7] = data[7], data[6]
		copy(g[8:], data[8:16])
		return g, nil
	case TypeDateN:
		days := int64(uintN(data))
		if days > maxDays {
			return nil, verr(verrInstance, ti.ID)
		}
		return civil(days, 0), nil
	case TypeTimeN:
		ns, err := decodeTime(data, ti.Scale)
		if err != nil {
			return nil, verr(verrInstance, ti.ID)
		}
		return civil(0, ns), nil
	case TypeDateTime2N:
		return scalarTime(decodeDateTime2(data, ti.Scale))
	case TypeDateTimeOffset:
		return scalarTime(decodeDateTimeOffset(data, ti.Scale))
	case TypeBigVarChar, TypeBigChar, TypeText:
		return charsetFor(ti.Collation).decode(data), nil
	case TypeNVarChar, TypeNChar, TypeNText, TypeXML:
		if n%2 != 0 {
			return nil, verr(verrOddLength, ti.ID)
		}
		return decodeUTF16(data), nil
	case TypeBigVarBin, TypeBigBinary, TypeImage:
		out := make([]byte, n)
		copy(out, data)
		return out, nil
	}
	return nil, verr(verrUnknownType, ti.ID)
}

func scalarTime(t time.Time, err error) (any, error) {
	if err != nil {
		return nil, &valueError{kind: verrInstance}
	}
	return t, nil
}

func decodeMoney8(b []byte) int64 {
	hi := uint64(uint32(uintN(b[:4])))
	lo := uint64(uint32(uintN(b[4:8])))
	return int64(hi<<32 | lo)
}

// pow10x128 holds 10^p as 128-bit values for p = 0..38.
var pow10x128 = func() (t [39][2]uint64) {
	t[0] = [2]uint64{0, 1}
	for p := 1; p <= 38; p++ {
		hi, lo := t[p-1][0], t[p-1][1]
		h1, l1 := bits.Mul64(lo, 10)
		t[p] = [2]uint64{hi*10 + h1, l1}
	}
	return t
}()

// decimalFits reports whether |d| < 10^prec.
func decimalFits(d Decimal, prec uint8) bool {
	if prec > 38 {
		return false
	}
	lim := pow10x128[prec]
	return d.Hi < lim[0] || (d.Hi == lim[0] && d.Lo < lim[1])
}

// decodeVariant decodes the body of a sql_variant value.
func decodeVariant(data []byte) (any, error) {
	if len(data) < 2 {
		return nil, verr(verrVariantLen, TypeVariant)
	}
	base := TypeID(data[0])
	plen := int(data[1])
	if 2+plen > len(data) {
		return nil, verr(verrVariantLen, TypeVariant)
	}
	props, val := data[2:2+plen], data[2+plen:]
	ti := TypeInfo{ID: base}
	wantProps := 0
	switch base {
	case TypeInt1, TypeInt2, TypeInt4, TypeInt8, TypeBit, TypeFlt4, TypeFlt8, TypeMoney, TypeMoney4,
		TypeDateTime, TypeDateTime4:
		ti.Size, _ = fixedLen(base)
	case TypeGUID:
		ti.Size = 16
	case TypeDateN:
		ti.Size = 3
	case TypeTimeN, TypeDateTime2N, TypeDateTimeOffset:
		wantProps = 1
	case TypeDecimalN, TypeNumericN:
		wantProps = 2
	case TypeBigVarBin, TypeBigBinary:
		wantProps = 2
	case TypeBigVarChar, TypeBigChar, TypeNVarChar, TypeNChar:
		wantProps = 7
	default:
		return nil, verr(verrVariantType, TypeVariant)
	}
	if plen != wantProps {
		return nil, verr(verrVariantLen, TypeVariant)
	}
	switch base {
	case TypeTimeN, TypeDateTime2N, TypeDateTimeOffset:
		ti.Scale = props[0]
		if ti.Scale > 7 {
			return nil, verr(verrVariantPrec, TypeVariant)
		}
		ti.Size = timeLen(ti.Scale)
		if base == TypeDateTime2N {
			ti.Size += 3
		} else if base == TypeDateTimeOffset {
			ti.Size += 5
		}
	case TypeDecimalN, TypeNumericN:
		ti.Precision, ti.Scale = props[0], props[1]
		if ti.Precision < 1 || ti.Precision > 38 || ti.Scale > ti.Precision {
			return nil, verr(verrVariantPrec, TypeVariant)
		}
		ti.Size = decimalSize(ti.Precision)
		if m := len(val) - 1; m != 4 && m != 8 && m != 12 && m != 16 {
			return nil, verr(verrVariantInst, TypeVariant)
		}
	case TypeBigVarBin, TypeBigBinary:
		ti.Size = int(uintN(props))
		if len(val) > ti.Size || ti.Size > 8000 {
			return nil, verr(verrVariantInst, TypeVariant)
		}
	case TypeBigVarChar, TypeBigChar, TypeNVarChar, TypeNChar:
		copy(ti.Collation[:], props[:5])
		ti.Size = int(uintN(props[5:7]))
		if len(val) > ti.Size || ti.Size > 8000 {
			return nil, verr(verrVariantInst, TypeVariant)
		}
	}
	switch base {
	case TypeDecimalN, TypeNumericN, TypeBigVarBin, TypeBigBinary, TypeBigVarChar, TypeBigChar, TypeNVarChar, TypeNChar:
	default:
		if len(val) != ti.Size {
			return nil, verr(verrVariantInst, TypeVariant)
		}
	}
	v, err := decodeScalar(&ti, val)
	if err != nil {
		var ve *valueError
		if errors.As(err, &ve) {
			ve.typ = TypeVariant
		}
		return nil, err
	}
	return Variant{Type: ti, Value: v}, nil
}
