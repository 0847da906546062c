package sqltype

import (
	"encoding/binary"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
)

// ConvertOptions selects the flavour of a conversion. The zero value is
// CAST: explicit, style 0, DATEFORMAT mdy, silent truncation.
type ConvertOptions struct {
	// Style is the CONVERT style number (0 for CAST).
	Style int
	// DateFormat is the session's SET DATEFORMAT, for date strings.
	DateFormat DateFormat
	// Implicit marks an implicit conversion (assignment, expression,
	// argument binding): a pair that needs CAST raises 257 and a pair that is
	// never allowed raises 206, instead of 529.
	Implicit bool
	// Strict makes a string or binary value that does not fit its target
	// length fail with 8152, as an INSERT or UPDATE of a column does.
	// Without it the value is truncated silently, as CAST and variable
	// assignment do. Trailing blanks that do not fit never fail.
	Strict bool
	// Binding reports every conversion failure as 8114 "Error converting
	// data type X to Y.", as EXEC argument binding does.
	Binding bool
	// Try makes a conversion failure return NULL (TRY_CAST, TRY_CONVERT);
	// a pair that is not allowed at all still fails.
	Try bool
}

// DefaultCastLength is the length CAST and CONVERT give a character or
// binary type written without one (varchar, nvarchar, binary...).
const DefaultCastLength = 30

// Convert is CAST (style 0) and CONVERT(to, v, style).
func Convert(v Value, to Type, style int) (Value, error) {
	return ConvertWith(v, to, ConvertOptions{Style: style})
}

// TryConvert is TRY_CAST / TRY_CONVERT: NULL instead of a conversion error;
// a pair that is not allowed (529) still fails.
func TryConvert(v Value, to Type, style int) (Value, error) {
	return ConvertWith(v, to, ConvertOptions{Style: style, Try: true})
}

// Assign converts v implicitly to the type of a variable or parameter:
// pair errors are 257/206 and too-long strings are truncated silently.
func Assign(v Value, to Type) (Value, error) {
	return ConvertWith(v, to, ConvertOptions{Implicit: true})
}

// convClass says how one kind converts to another.
type convClass uint8

const (
	convNo convClass = iota
	convExplicit
	convImplicit
)

// kind groups of the conversion chart, in the column order of convChart.
const (
	gBin = iota
	gImage
	gChar
	gNChar
	gText
	gNText
	gOldDT
	gDate
	gTime
	gNewDT
	gDec
	gFloat
	gInt
	gMoney
	gBit
	gGUID
	gVariant
	gXML
)

func group(k Kind) int {
	switch k {
	case Binary, VarBinary:
		return gBin
	case Image:
		return gImage
	case Char, VarChar:
		return gChar
	case NChar, NVarChar:
		return gNChar
	case Text:
		return gText
	case NText:
		return gNText
	case DateTime, SmallDateTime:
		return gOldDT
	case Date:
		return gDate
	case Time:
		return gTime
	case DateTime2, DateTimeOffset:
		return gNewDT
	case Decimal, Numeric:
		return gDec
	case Float, Real:
		return gFloat
	case TinyInt, SmallInt, Int, BigInt:
		return gInt
	case Money, SmallMoney:
		return gMoney
	case Bit:
		return gBit
	case UniqueIdentifier:
		return gGUID
	case SQLVariant:
		return gVariant
	case XML:
		return gXML
	}
	return -1
}

// convChart is SQL Server's conversion chart by group: I implicit, E
// explicit only, N not allowed. Rows are the source, columns the target.
var convChart = [...]string{
	gBin:     "IIIINNINNNINIIIIII",
	gImage:   "IINNNNNNNNNNNNNNNI",
	gChar:    "EEIIIIIIIIIIIIIIII",
	gNChar:   "ENIIIIIIIIIIIIIIII",
	gText:    "NNIIIINNNNNNNNNNNI",
	gNText:   "NNIIIINNNNNNNNNNNI",
	gOldDT:   "INIINNIIIIEEEEENIN",
	gDate:    "ENIINNIININNNNNNIN",
	gTime:    "ENIINNINIINNNNNNIN",
	gNewDT:   "ENIINNIIIINNNNNNIN",
	gDec:     "INIINNINNNIIIIININ",
	gFloat:   "INIINNINNNIIIIININ",
	gInt:     "INIINNINNNIIIIININ",
	gMoney:   "INIINNINNNIIIIININ",
	gBit:     "INIINNINNNIIIIININ",
	gGUID:    "INIINNNNNNNNNNNIIN",
	gVariant: "ENEENNEEEEEEEEEEIN",
	gXML:     "ENEENNNNNNNNNNNNNI",
}

func classify(from, to Kind) convClass {
	if from == Unknown || from == to {
		return convImplicit
	}
	gf, gt := group(from), group(to)
	if gf < 0 || gt < 0 {
		return convNo
	}
	switch convChart[gf][gt] {
	case 'I':
		return convImplicit
	case 'E':
		return convExplicit
	}
	return convNo
}

// CheckConversion reports whether a value of type from may be converted to
// type to, explicitly (CAST/CONVERT: 529 when not allowed) or implicitly
// (257 when it needs CAST, 206 when never allowed). The engine calls it at
// compile time with static types; Convert calls it with the value's type.
func CheckConversion(from, to Type, implicit bool) error {
	if to.Kind == SQLVariant && from.Kind != SQLVariant && from.Kind != Unknown {
		switch {
		case from.Kind == Text || from.Kind == NText || from.Kind == Image || from.Kind == XML:
			return OperandClash(from, to)
		case (from.Kind == VarChar || from.Kind == NVarChar || from.Kind == VarBinary) && from.Length == Max:
			return newErr(ErrOperandClash, 2, "Operand type clash: %s is incompatible with sql_variant", from)
		}
	}
	switch classify(from.Kind, to.Kind) {
	case convImplicit:
		return nil
	case convExplicit:
		if implicit {
			return ImplicitNotAllowed(from, to)
		}
		return nil
	}
	if implicit {
		return OperandClash(from, to)
	}
	return ExplicitNotAllowed(from, to)
}

// ConvertWith converts v to type to under the given options.
func ConvertWith(v Value, to Type, o ConvertOptions) (Value, error) {
	if to.Kind == SQLVariant {
		if err := CheckConversion(v.typ, to, false); err != nil {
			return Value{}, err
		}
		return v, nil // a sql_variant keeps its base type
	}
	if err := CheckConversion(v.typ, to, o.Implicit); err != nil {
		return Value{}, err
	}
	if v.IsNull() {
		return Null(to), nil
	}
	out, err := convert(v, to, &o)
	if err != nil {
		if o.Try {
			if e, ok := sqlerr.As(err); ok && isConversionFailure(e.Number) {
				return Null(to), nil
			}
		}
		if o.Binding {
			if e, ok := sqlerr.As(err); ok && isConversionFailure(e.Number) {
				return Value{}, ConvertingTypeError(v.typ.Kind, to.Kind)
			}
		}
		return Value{}, err
	}
	return out, nil
}

func isConversionFailure(n int32) bool {
	switch n {
	case ErrConversionFailed, ErrDateConversion, ErrDateOutOfRange, ErrGUIDConversion, ErrConvertingType,
		ErrArithOverflow, ErrIntValueOverflow, ErrIntStringOverflow, ErrSmallIntOverflow, ErrMoneySyntax, 8170:
		return true
	}
	return false
}

func convert(v Value, to Type, o *ConvertOptions) (Value, error) {
	k := to.Kind
	switch {
	case k.IsString():
		return toString(v, to, o)
	case k == Bit:
		return toBit(v, o)
	case k.IsInteger():
		return toInt(v, k, o)
	case k == Decimal || k == Numeric:
		return toDecimal(v, to, o)
	case k == Money || k == SmallMoney:
		return toMoney(v, k, o)
	case k == Float || k == Real:
		return toFloat(v, k, o)
	case k.IsDateTime():
		return toDateTime(v, to, o)
	case k.IsBinary():
		return toBinary(v, to, o)
	case k == UniqueIdentifier:
		return toGUID(v)
	case k == XML:
		if v.typ.Kind.IsBinary() {
			return Value{typ: to, s: decodeUTF8orUTF16(v.b)}, nil
		}
		return Value{typ: to, s: v.s}, nil
	}
	return Value{}, ExplicitNotAllowed(v.typ, to)
}

func decodeUTF8orUTF16(b []byte) string {
	if len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE {
		return decodeUTF16(b[2:])
	}
	return string(b)
}

// ---- to character types ----

func toString(v Value, to Type, o *ConvertOptions) (Value, error) {
	unicode := to.Kind.IsUnicode()
	sk := v.typ.Kind
	var s string
	if sk.IsString() || sk == XML {
		s = v.s
		if !unicode {
			s = toCP1252(s)
		}
	} else {
		var err error
		s, err = formatStyle(v, o.Style, unicode)
		if err != nil {
			return Value{}, err
		}
		if !unicode && sk.IsBinary() {
			s = toCP1252(s)
		}
	}
	n := int(to.Length)
	if n == 0 {
		n = DefaultCastLength
	}
	if to.Kind == Text || to.Kind == NText {
		n = Max
	}
	if n != Max {
		if l := CharLen(s, unicode); l > n {
			switch {
			case sk.IsInteger() && !unicode:
				s = "*"
			case sk.IsInteger():
				return Value{}, OverflowError("expression", to.Kind)
			case sk.IsNumeric():
				return Value{}, OverflowError(msgTypeName(sk), to.Kind)
			case sk == UniqueIdentifier:
				w := "char"
				if unicode {
					w = "nchar"
				}
				return Value{}, newErr(8170, 1, "Insufficient result space to convert uniqueidentifier value to %s.", w)
			default:
				cut := truncateChars(s, n, unicode)
				if o.Strict && !allBlank(s[len(cut):]) {
					return Value{}, Truncated()
				}
				s = cut
			}
		}
		if to.Kind == Char || to.Kind == NChar {
			if l := CharLen(s, unicode); l < n {
				s += spaces(n - l)
			}
		}
	}
	return Value{typ: to, s: s}, nil
}

func allBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' {
			return false
		}
	}
	return true
}

func spaces(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = ' '
	}
	return string(b)
}

// ---- to integers and bit ----

func intFits(k Kind, n int64) bool {
	switch k {
	case TinyInt:
		return n >= 0 && n <= 255
	case SmallInt:
		return n >= math.MinInt16 && n <= math.MaxInt16
	case Int:
		return n >= math.MinInt32 && n <= math.MaxInt32
	case Bit:
		return n == 0 || n == 1
	}
	return true
}

func toBit(v Value, o *ConvertOptions) (Value, error) {
	sk := v.typ.Kind
	switch {
	case sk.IsInteger() || sk == Money || sk == SmallMoney:
		return NewBit(v.n != 0), nil
	case sk == Decimal || sk == Numeric:
		return NewBit(v.Unscaled().Sign() != 0), nil
	case sk == Float || sk == Real:
		return NewBit(v.f != 0), nil
	case sk.IsString():
		t := trimSpaces(v.s)
		switch {
		case equalFoldASCII(t, "TRUE"):
			return NewBit(true), nil
		case equalFoldASCII(t, "FALSE"):
			return NewBit(false), nil
		}
		n, st := parseIntString(t)
		if st == parseSyntax {
			return Value{}, ConversionFailed(v, TBit)
		}
		return NewBit(n != 0 || st == parseOverflow), nil
	case sk.IsBinary():
		for _, c := range v.b {
			if c != 0 {
				return NewBit(true), nil
			}
		}
		return NewBit(false), nil
	case sk == DateTime || sk == SmallDateTime:
		d := datetimeAsDays(v.t)
		return NewBit(d != 0), nil
	}
	return Value{}, ExplicitNotAllowed(v.typ, TBit)
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 32
		}
		if 'a' <= y && y <= 'z' {
			y -= 32
		}
		if x != y {
			return false
		}
	}
	return true
}

func intOverflow(sk, to Kind, n int64) error {
	if sk.IsInteger() && (to == TinyInt || to == SmallInt) {
		return IntValueOverflow(to, strconv.FormatInt(n, 10))
	}
	if sk.IsInteger() {
		return OverflowError("expression", to)
	}
	return OverflowError(msgTypeName(sk), to)
}

func toInt(v Value, to Kind, o *ConvertOptions) (Value, error) {
	sk := v.typ.Kind
	var n int64
	switch {
	case sk.IsInteger():
		n = v.n
	case sk == Money || sk == SmallMoney:
		// money rounds to the nearest integer, half away from zero
		q, r := v.n/10000, v.n%10000
		if r >= 5000 {
			q++
		} else if r <= -5000 {
			q--
		}
		n = q
	case sk == Decimal || sk == Numeric:
		q := new(big.Int).Quo(v.Unscaled(), pow10(int(v.typ.Scale))) // truncates toward zero
		if !q.IsInt64() || !intFits(to, q.Int64()) {
			return Value{}, OverflowError("numeric", to)
		}
		n = q.Int64()
	case sk == Float || sk == Real:
		f := math.Trunc(v.f)
		if f < -9.223372036854775808e18 || f >= 9.223372036854775808e18 || math.IsNaN(f) || !intFits(to, int64(f)) {
			return Value{}, OverflowError("expression", to)
		}
		n = int64(f)
	case sk.IsString():
		var st parseStatus
		n, st = parseIntString(v.s)
		switch st {
		case parseSyntax:
			return Value{}, ConversionFailed(v, Type{Kind: to})
		case parseOverflow:
			return Value{}, intStringOverflow(v, to)
		}
		if !intFits(to, n) {
			return Value{}, intStringOverflow(v, to)
		}
		return NewIntOf(to, n), nil
	case sk.IsBinary():
		size := intSize(to)
		b := v.b
		if len(b) > size {
			b = b[len(b)-size:]
		}
		var u uint64
		for _, c := range b {
			u = u<<8 | uint64(c)
		}
		switch size {
		case 1:
			n = int64(uint8(u))
		case 2:
			n = int64(int16(u))
		case 4:
			n = int64(int32(u))
		default:
			n = int64(u)
		}
		return NewIntOf(to, n), nil
	case sk == DateTime || sk == SmallDateTime:
		d := datetimeAsDays(v.t)
		r := math.Floor(d + 0.5)
		if !intFits(to, int64(r)) {
			return Value{}, OverflowError("expression", to)
		}
		n = int64(r)
	default:
		return Value{}, ExplicitNotAllowed(v.typ, Type{Kind: to})
	}
	if !intFits(to, n) {
		return Value{}, intOverflow(sk, to, n)
	}
	return NewIntOf(to, n), nil
}

func intSize(k Kind) int {
	switch k {
	case TinyInt, Bit:
		return 1
	case SmallInt:
		return 2
	case Int:
		return 4
	}
	return 8
}

// ---- to decimal ----

var pow10Cache = func() [78]*big.Int {
	var c [78]*big.Int
	p := big.NewInt(1)
	for i := range c {
		c[i] = new(big.Int).Set(p)
		p.Mul(p, big.NewInt(10))
	}
	return c
}()

// pow10 returns 10^n (shared; do not modify).
func pow10(n int) *big.Int {
	if n >= 0 && n < len(pow10Cache) {
		return pow10Cache[n]
	}
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

// rescale changes the scale of an unscaled integer, rounding half away from
// zero when digits are dropped.
func rescale(d *big.Int, from, to int) *big.Int {
	switch {
	case to == from:
		return new(big.Int).Set(d)
	case to > from:
		return new(big.Int).Mul(d, pow10(to-from))
	}
	div := pow10(from - to)
	q, r := new(big.Int).QuoRem(d, div, new(big.Int))
	r.Abs(r).Lsh(r, 1)
	if r.Cmp(div) >= 0 {
		if d.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

// truncScale is rescale without rounding (toward zero).
func truncScale(d *big.Int, from, to int) *big.Int {
	if to >= from {
		return rescale(d, from, to)
	}
	return new(big.Int).Quo(d, pow10(from-to))
}

// fitsPrecision reports whether |d| < 10^p.
func fitsPrecision(d *big.Int, p int) bool {
	return new(big.Int).Abs(d).Cmp(pow10(p)) < 0
}

func decType(to Type) Type {
	if to.Precision == 0 {
		to.Precision = 18
	}
	return to
}

func toDecimal(v Value, to Type, o *ConvertOptions) (Value, error) {
	to = decType(to)
	p, s := int(to.Precision), int(to.Scale)
	sk := v.typ.Kind
	var d *big.Int
	from := msgTypeName(sk)
	switch {
	case sk.IsInteger():
		d = new(big.Int).Mul(big.NewInt(v.n), pow10(s))
	case sk == Money || sk == SmallMoney:
		d = rescale(big.NewInt(v.n), 4, s)
	case sk == Decimal || sk == Numeric:
		d = rescale(v.Unscaled(), int(v.typ.Scale), s)
	case sk == Float || sk == Real:
		if math.IsInf(v.f, 0) || math.IsNaN(v.f) || math.Abs(v.f) >= 1e38 {
			return Value{}, OverflowError(from, to.Kind)
		}
		var ok bool
		d, ok = floatToDecimal(v.f, s)
		if !ok {
			return Value{}, OverflowError(from, to.Kind)
		}
	case sk.IsString():
		u, sc, st := parseDecimalString(v.s)
		if st != parseOK {
			// Only plain decimals: '1e3' fails here, unlike for float.
			return Value{}, ConvertingTypeError(sk, to.Kind)
		}
		d = rescale(u, sc, s)
	case sk == DateTime || sk == SmallDateTime:
		var ok bool
		d, ok = floatToDecimal(datetimeAsDays(v.t), s)
		if !ok {
			return Value{}, OverflowError("expression", to.Kind)
		}
	case sk.IsBinary():
		var ok bool
		d, ok = decimalFromBinary(v.b, s)
		if !ok {
			return Value{}, ConvertingTypeError(sk, to.Kind)
		}
	default:
		return Value{}, ExplicitNotAllowed(v.typ, to)
	}
	if !fitsPrecision(d, p) {
		return Value{}, OverflowError(from, to.Kind)
	}
	return Value{typ: to, d: d}, nil
}

// floatToDecimal rounds f to s decimal places through its 15 significant
// digits, the precision a float guarantees.
func floatToDecimal(f float64, s int) (*big.Int, bool) {
	str := strconv.FormatFloat(f, 'e', 14, 64)
	u, sc, st := parseSci(str)
	if st != parseOK {
		return nil, false
	}
	return rescale(u, sc, s), true
}

// parseSci reads Go's d.dddde±xx into an unscaled integer and scale.
func parseSci(s string) (*big.Int, int, parseStatus) {
	e := 0
	if i := indexByte(s, 'e'); i >= 0 {
		x, err := strconv.Atoi(s[i+1:])
		if err != nil {
			return nil, 0, parseSyntax
		}
		e = x
		s = s[:i]
	}
	u, sc, st := parseDecimalString(s)
	if st != parseOK {
		return nil, 0, st
	}
	sc -= e
	if sc < 0 {
		u.Mul(u, pow10(-sc))
		sc = 0
	}
	return u, sc, parseOK
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// decimalBinary is SQL Server's binary form of decimal: precision, scale,
// sign (1 positive), then the magnitude little-endian in 4, 8, 12 or 16 bytes.
func decimalBinary(d *big.Int, p, s int) []byte {
	size := 4
	switch {
	case p > 28:
		size = 16
	case p > 19:
		size = 12
	case p > 9:
		size = 8
	}
	out := make([]byte, 3+size)
	out[0], out[1] = byte(p), byte(s)
	if d.Sign() >= 0 {
		out[2] = 1
	}
	mag := new(big.Int).Abs(d).Bytes() // big-endian
	for i := 0; i < len(mag) && i < size; i++ {
		out[3+i] = mag[len(mag)-1-i]
	}
	return out
}

func decimalFromBinary(b []byte, s int) (*big.Int, bool) {
	if len(b) < 4 {
		return nil, false
	}
	bs := int(b[1])
	mag := b[3:]
	be := make([]byte, len(mag))
	for i := range mag {
		be[len(mag)-1-i] = mag[i]
	}
	d := new(big.Int).SetBytes(be)
	if b[2] == 0 {
		d.Neg(d)
	}
	return rescale(d, bs, s), true
}

// ---- to money ----

const (
	maxSmallMoney = 2147483647
	minSmallMoney = -2147483648
)

func moneyFits(k Kind, units int64) bool {
	if k == SmallMoney {
		return units >= minSmallMoney && units <= maxSmallMoney
	}
	return true
}

func toMoney(v Value, to Kind, o *ConvertOptions) (Value, error) {
	sk := v.typ.Kind
	var units int64
	switch {
	case sk.IsInteger():
		if v.n > math.MaxInt64/10000 || v.n < math.MinInt64/10000 {
			return Value{}, OverflowError("expression", to)
		}
		units = v.n * 10000
	case sk == Money || sk == SmallMoney:
		units = v.n
	case sk == Decimal || sk == Numeric:
		d := rescale(v.Unscaled(), int(v.typ.Scale), 4)
		if !d.IsInt64() {
			return Value{}, OverflowError("numeric", to)
		}
		units = d.Int64()
	case sk == Float || sk == Real:
		f := math.Round(v.f * 10000)
		if math.IsNaN(f) || f >= 9.2233720368547758e18 || f < -9.2233720368547758e18 {
			return Value{}, OverflowError("expression", to)
		}
		units = int64(f)
	case sk.IsString():
		u, st := parseMoneyString(v.s)
		switch st {
		case parseSyntax:
			return Value{}, moneySyntax(sk)
		case parseOverflow:
			return Value{}, OverflowError(sk.String(), to)
		}
		units = u
	case sk == DateTime || sk == SmallDateTime:
		units = int64(math.Round(datetimeAsDays(v.t) * 10000))
	case sk.IsBinary():
		var u uint64
		b := v.b
		size := 8
		if to == SmallMoney {
			size = 4
		}
		if len(b) > size {
			b = b[len(b)-size:]
		}
		for _, c := range b {
			u = u<<8 | uint64(c)
		}
		if size == 4 {
			units = int64(int32(u))
		} else {
			units = int64(u)
		}
	default:
		return Value{}, ExplicitNotAllowed(v.typ, Type{Kind: to})
	}
	if !moneyFits(to, units) {
		return Value{}, OverflowError(msgTypeName(sk), to)
	}
	return Value{typ: Type{Kind: to}, n: units}, nil
}

// ---- to float ----

func toFloat(v Value, to Kind, o *ConvertOptions) (Value, error) {
	sk := v.typ.Kind
	var f float64
	switch {
	case sk.IsInteger():
		f = float64(v.n)
	case sk == Money || sk == SmallMoney:
		f = float64(v.n) / 10000
	case sk == Decimal || sk == Numeric:
		f = decimalToFloat(v.Unscaled(), int(v.typ.Scale))
	case sk == Float || sk == Real:
		f = v.f
	case sk.IsString():
		var st parseStatus
		f, st = parseFloatString(v.s)
		if st != parseOK {
			return Value{}, ConvertingTypeError(sk, to)
		}
	case sk == DateTime || sk == SmallDateTime:
		f = datetimeAsDays(v.t)
	case sk.IsBinary():
		b := v.b
		if to == Real {
			if len(b) < 4 {
				b = append(make([]byte, 4-len(b)), b...)
			}
			f = float64(math.Float32frombits(binary.BigEndian.Uint32(b[len(b)-4:])))
		} else {
			if len(b) < 8 {
				b = append(make([]byte, 8-len(b)), b...)
			}
			f = math.Float64frombits(binary.BigEndian.Uint64(b[len(b)-8:]))
		}
	default:
		return Value{}, ExplicitNotAllowed(v.typ, Type{Kind: to})
	}
	if to == Real {
		if math.Abs(f) > math.MaxFloat32 {
			return Value{}, OverflowError(msgTypeName(sk), to)
		}
		return NewReal(f), nil
	}
	return NewFloat(f), nil
}

func decimalToFloat(d *big.Int, scale int) float64 {
	if d.IsInt64() && scale <= 22 {
		n := d.Int64()
		if n < 1<<53 && n > -(1<<53) {
			return float64(n) / math.Pow(10, float64(scale))
		}
	}
	f, _ := strconv.ParseFloat(formatDecimal(d, scale), 64)
	return f
}

// ---- to date and time types ----

var (
	sqlEpoch    = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	minDateTime = time.Date(1753, 1, 1, 0, 0, 0, 0, time.UTC)
	maxDateTime = time.Date(9999, 12, 31, 23, 59, 59, 997e6, time.UTC)
	minSmallDT  = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	maxSmallDT  = time.Date(2079, 6, 6, 23, 59, 0, 0, time.UTC)
)

// wall returns t's wall clock as a UTC time (zone dropped).
func wall(t time.Time) time.Time {
	y, m, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, m, d, h, mi, s, t.Nanosecond(), time.UTC)
}

// datetimeAsDays is a datetime as the float SQL Server makes of it: days
// since 1900-01-01 plus the fraction of the day.
func datetimeAsDays(t time.Time) float64 {
	w := wall(t)
	return float64(dayNumber(w)-epochDay) + float64(datetimeTicks(w))/(300*86400)
}

// dayNumber is the number of days from 0001-01-01 to t's (wall) date.
func dayNumber(t time.Time) int64 {
	y, m, d := t.Date()
	u := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()
	return u/86400 + 719162
}

var epochDay = dayNumber(sqlEpoch)

// daysToDateTime is the inverse: 1900-01-01 plus a number of days.
func daysToDateTime(f float64) (time.Time, bool) {
	if math.IsNaN(f) || f < -53690 || f >= 2958464 {
		return time.Time{}, false
	}
	days := math.Floor(f)
	frac := f - days
	ticks := int64(math.Round(frac * 300 * 86400))
	t := sqlEpoch.AddDate(0, 0, int(days)).Add(time.Duration((ticks*1e9 + 150) / 300))
	return t, true
}

// RoundDateTime rounds a wall clock to datetime's 1/300 s ticks (shown as
// .000, .003, .007).
func RoundDateTime(t time.Time) time.Time {
	w := wall(t)
	day := time.Date(w.Year(), w.Month(), w.Day(), 0, 0, 0, 0, time.UTC)
	ticks := datetimeTicks(w)
	return day.Add(time.Duration((ticks*1e9 + 150) / 300))
}

// RoundSmallDateTime rounds to the minute: 29.998 s and less down, 29.999
// and more up.
func RoundSmallDateTime(t time.Time) time.Time {
	w := wall(t)
	ms := (int64(w.Second())*1e9 + int64(w.Nanosecond()) + 5e5) / 1e6
	base := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), 0, 0, time.UTC)
	if ms >= 29999 {
		return base.Add(time.Minute)
	}
	return base
}

// roundScale rounds t's fraction of a second to scale digits.
func roundScale(t time.Time, scale int) time.Time {
	if scale >= 7 {
		scale = 7
	}
	unit := int64(math.Pow10(9 - scale))
	ns := int64(t.Nanosecond())
	r := (ns + unit/2) / unit * unit
	return t.Add(time.Duration(r - ns))
}

func scaleOf(t Type) int {
	switch t.Kind {
	case Time, DateTime2, DateTimeOffset:
		return int(t.Scale)
	}
	return 7
}

// finishDateTime builds the target value from a wall clock (and offset for
// datetimeoffset), applying rounding and range checks.
func finishDateTime(w time.Time, off int, hasOff bool, to Type, from Kind) (Value, error) {
	switch to.Kind {
	case DateTime:
		r := RoundDateTime(w)
		if r.Before(minDateTime) || r.After(maxDateTime) {
			return Value{}, dateOutOfRange(from, DateTime)
		}
		return Value{typ: to, t: r}, nil
	case SmallDateTime:
		r := RoundSmallDateTime(w)
		if r.Before(minSmallDT) || r.After(maxSmallDT) {
			return Value{}, dateOutOfRange(from, SmallDateTime)
		}
		return Value{typ: to, t: r}, nil
	case Date:
		return Value{typ: to, t: time.Date(w.Year(), w.Month(), w.Day(), 0, 0, 0, 0, time.UTC)}, nil
	case Time:
		r := roundScale(w, int(to.Scale))
		return Value{typ: to, t: time.Date(1900, 1, 1, r.Hour(), r.Minute(), r.Second(), r.Nanosecond(), time.UTC)}, nil
	case DateTime2:
		r := roundScale(w, int(to.Scale))
		if r.Year() > 9999 {
			return Value{}, dateOutOfRange(from, DateTime2)
		}
		return Value{typ: to, t: r}, nil
	case DateTimeOffset:
		r := roundScale(w, int(to.Scale))
		if r.Year() > 9999 {
			return Value{}, dateOutOfRange(from, DateTimeOffset)
		}
		loc := time.UTC
		if hasOff && off != 0 {
			loc = time.FixedZone("", off*60)
		}
		y, m, d := r.Date()
		h, mi, s := r.Clock()
		return Value{typ: to, t: time.Date(y, m, d, h, mi, s, r.Nanosecond(), loc)}, nil
	}
	return Value{}, ExplicitNotAllowed(Type{Kind: from}, to)
}

// styleDateFormat maps a CONVERT style to the field order it implies when
// reading a string.
func styleDateFormat(style int, df DateFormat) (DateFormat, bool) {
	switch style {
	case 1, 101, 10, 110, 22, 7, 107, 0, 100, 9, 109:
		if style == 0 {
			return df, false
		}
		return DateMDY, false
	case 3, 103, 4, 104, 5, 105, 6, 106, 13, 113:
		return DateDMY, false
	case 2, 102, 11, 111, 12, 112, 20, 120, 21, 121, 23, 25, 126, 127:
		return DateYMD, false
	case 130, 131:
		return DateDMY, true
	}
	return df, false
}

func toDateTime(v Value, to Type, o *ConvertOptions) (Value, error) {
	sk := v.typ.Kind
	switch {
	case sk.IsString():
		df, hijri := styleDateFormat(o.Style, o.DateFormat)
		legacy := to.Kind == DateTime || to.Kind == SmallDateTime
		p, ok := parseDateTimeString(v.s, df, legacy)
		if !ok {
			return Value{}, dateConversionFailed()
		}
		if hijri && p.hasDate {
			g, ok := fromHijri(p.y, p.m, p.d)
			if !ok {
				return Value{}, dateConversionFailed()
			}
			p.y, p.m, p.d = g.Year(), int(g.Month()), g.Day()
			p.badDay = false
		}
		if p.badDay {
			if legacy {
				return Value{}, dateOutOfRange(sk, to.Kind)
			}
			return Value{}, dateConversionFailed()
		}
		w := time.Date(p.y, time.Month(p.m), p.d, p.h, p.mi, p.sec, p.nanos, time.UTC)
		if legacy && !p.hasDate && p.hasTime {
			w = time.Date(1900, 1, 1, p.h, p.mi, p.sec, p.nanos, time.UTC)
		}
		return finishDateTime(w, p.offsetMinutes, p.hasOffset, to, sk)
	case sk.IsDateTime():
		w := wall(v.t)
		off := 0
		hasOff := false
		if sk == DateTimeOffset {
			_, secs := v.t.Zone()
			off, hasOff = secs/60, true
			if to.Kind == DateTimeOffset {
				return finishDateTime(w, off, hasOff, to, sk)
			}
		}
		if sk == Time && to.Kind != Time {
			w = time.Date(1900, 1, 1, w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), time.UTC)
		}
		return finishDateTime(w, 0, false, to, sk)
	case sk.IsNumeric():
		if to.Kind != DateTime && to.Kind != SmallDateTime {
			return Value{}, ExplicitNotAllowed(v.typ, to)
		}
		f, _ := toFloat(v, Float, nil) // a number always reads as a float
		t, ok := daysToDateTime(f.f)
		if !ok {
			return Value{}, OverflowError("expression", to.Kind)
		}
		if to.Kind == SmallDateTime {
			r := RoundSmallDateTime(t)
			if r.Before(minSmallDT) || r.After(maxSmallDT) {
				return Value{}, OverflowError("expression", to.Kind)
			}
			return Value{typ: to, t: r}, nil
		}
		r := RoundDateTime(t)
		if r.Before(minDateTime) || r.After(maxDateTime) {
			return Value{}, OverflowError("expression", to.Kind)
		}
		return Value{typ: to, t: r}, nil
	case sk.IsBinary():
		return dateTimeFromBinary(v, to)
	}
	return Value{}, ExplicitNotAllowed(v.typ, to)
}

func dateTimeFromBinary(v Value, to Type) (Value, error) {
	b := v.b
	switch to.Kind {
	case DateTime:
		if len(b) < 8 {
			b = append(make([]byte, 8-len(b)), b...)
		}
		b = b[len(b)-8:]
		days := int32(binary.BigEndian.Uint32(b[:4]))
		ticks := int64(binary.BigEndian.Uint32(b[4:]))
		t := sqlEpoch.AddDate(0, 0, int(days)).Add(time.Duration((ticks*1e9 + 150) / 300))
		if t.Before(minDateTime) || t.After(maxDateTime) {
			return Value{}, dateOutOfRange(v.typ.Kind, DateTime)
		}
		return Value{typ: to, t: t}, nil
	case SmallDateTime:
		if len(b) < 4 {
			b = append(make([]byte, 4-len(b)), b...)
		}
		b = b[len(b)-4:]
		days := binary.BigEndian.Uint16(b[:2])
		mins := binary.BigEndian.Uint16(b[2:])
		t := sqlEpoch.AddDate(0, 0, int(days)).Add(time.Duration(mins) * time.Minute)
		if t.After(maxSmallDT) {
			return Value{}, dateOutOfRange(v.typ.Kind, SmallDateTime)
		}
		return Value{typ: to, t: t}, nil
	}
	return Value{}, ExplicitNotAllowed(v.typ, to)
}

// ---- to binary ----

func toBinary(v Value, to Type, o *ConvertOptions) (Value, error) {
	sk := v.typ.Kind
	var b []byte
	numeric := false // numbers keep their low-order (rightmost) bytes
	switch {
	case sk.IsBinary():
		b = v.b
	case sk.IsString():
		switch o.Style {
		case 0:
			if sk.IsUnicode() {
				b = encodeUTF16(v.s)
			} else {
				b = encodeCP1252(v.s)
			}
		case 1, 2:
			s := v.s
			if o.Style == 1 {
				if len(s) < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') {
					return Value{}, ConvertingTypeError(sk, to.Kind)
				}
				s = s[2:]
			}
			if len(s)%2 == 1 {
				return Value{}, ConvertingTypeError(sk, to.Kind)
			}
			var ok bool
			if b, ok = parseHex(s); !ok {
				return Value{}, ConvertingTypeError(sk, to.Kind)
			}
		default:
			return Value{}, invalidStyleTo(o.Style, sk, to.Kind)
		}
	case sk.IsInteger():
		numeric = true
		size := intSize(sk)
		b = make([]byte, 8)
		binary.BigEndian.PutUint64(b, uint64(v.n))
		b = b[8-size:]
	case sk == Money:
		numeric = true
		b = binary.BigEndian.AppendUint64(nil, uint64(v.n))
	case sk == SmallMoney:
		numeric = true
		b = binary.BigEndian.AppendUint32(nil, uint32(v.n))
	case sk == Float:
		numeric = true
		b = binary.BigEndian.AppendUint64(nil, math.Float64bits(v.f))
	case sk == Real:
		numeric = true
		b = binary.BigEndian.AppendUint32(nil, math.Float32bits(float32(v.f)))
	case sk == Decimal || sk == Numeric:
		b = decimalBinary(v.Unscaled(), int(v.typ.Precision), int(v.typ.Scale))
	case sk == UniqueIdentifier:
		b = guidToInternal(v.b)
	case sk == DateTime:
		numeric = true
		w := wall(v.t)
		day := time.Date(w.Year(), w.Month(), w.Day(), 0, 0, 0, 0, time.UTC)
		days := int32(dayNumber(day) - epochDay)
		b = binary.BigEndian.AppendUint32(nil, uint32(days))
		b = binary.BigEndian.AppendUint32(b, uint32(datetimeTicks(w)))
	case sk == SmallDateTime:
		numeric = true
		w := wall(v.t)
		day := time.Date(w.Year(), w.Month(), w.Day(), 0, 0, 0, 0, time.UTC)
		b = binary.BigEndian.AppendUint16(nil, uint16(dayNumber(day)-epochDay))
		b = binary.BigEndian.AppendUint16(b, uint16(w.Hour()*60+w.Minute()))
	case sk.IsDateTime():
		b = newDateTimeBinary(v)
	default:
		return Value{}, ExplicitNotAllowed(v.typ, to)
	}
	n := int(to.Length)
	if n == 0 {
		n = DefaultCastLength
	}
	if to.Kind == Image {
		n = Max
	}
	if n != Max && len(b) > n {
		if numeric {
			b = b[len(b)-n:]
		} else {
			if o.Strict && !allZero(b[n:]) {
				return Value{}, Truncated()
			}
			b = b[:n]
		}
	}
	if to.Kind == Binary && n != Max && len(b) < n {
		pad := make([]byte, n-len(b))
		if numeric {
			b = append(pad, b...)
		} else {
			b = append(append([]byte(nil), b...), pad...)
		}
	} else {
		b = append([]byte(nil), b...)
	}
	return Value{typ: to, b: b}, nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// guidToInternal reorders printed-order GUID bytes to SQL Server's storage
// order (the first three groups little-endian).
func guidToInternal(p []byte) []byte {
	if len(p) != 16 {
		return append([]byte(nil), p...)
	}
	return []byte{p[3], p[2], p[1], p[0], p[5], p[4], p[7], p[6],
		p[8], p[9], p[10], p[11], p[12], p[13], p[14], p[15]}
}

// guidFromInternal is the inverse of guidToInternal (the swap is its own
// inverse).
func guidFromInternal(b []byte) []byte { return guidToInternal(b) }

func newDateTimeBinary(v Value) []byte {
	s := int(v.typ.Scale)
	w := wall(v.t)
	if v.typ.Kind == DateTimeOffset {
		w = v.t.UTC()
	}
	out := []byte{}
	if v.typ.Kind != Date {
		out = append(out, byte(s))
		ns := int64(w.Hour())*3600e9 + int64(w.Minute())*60e9 + int64(w.Second())*1e9 + int64(w.Nanosecond())
		ticks := ns / int64(math.Pow10(9-s))
		size := 5
		switch {
		case s <= 2:
			size = 3
		case s <= 4:
			size = 4
		}
		for i := 0; i < size; i++ {
			out = append(out, byte(ticks>>(8*i)))
		}
	}
	if v.typ.Kind != Time {
		days := int(dayNumber(w))
		out = append(out, byte(days), byte(days>>8), byte(days>>16))
	}
	if v.typ.Kind == DateTimeOffset {
		_, off := v.t.Zone()
		m := int16(off / 60)
		out = append(out, byte(m), byte(uint16(m)>>8))
	}
	return out
}

// ---- to uniqueidentifier ----

func toGUID(v Value) (Value, error) {
	sk := v.typ.Kind
	switch {
	case sk == UniqueIdentifier:
		return v, nil
	case sk.IsString():
		b, ok := parseGUIDString(v.s)
		if !ok {
			return Value{}, guidConversionFailed(sk)
		}
		return Value{typ: TUniqueIdentifier, b: b}, nil
	case sk.IsBinary():
		b := make([]byte, 16)
		copy(b, v.b)
		return Value{typ: TUniqueIdentifier, b: guidFromInternal(b)}, nil
	}
	return Value{}, ExplicitNotAllowed(v.typ, TUniqueIdentifier)
}
