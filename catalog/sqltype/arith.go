package sqltype

import (
	"math"
	"math/big"
	"math/bits"
)

// Op is a binary arithmetic or bitwise operator.
type Op uint8

const (
	OpAdd Op = iota
	OpSub
	OpMul
	OpDiv
	OpMod
	OpBitAnd
	OpBitOr
	OpBitXor
)

// opNames are the words SQL Server's 8117/402 messages use.
var opNames = [...]string{"add", "subtract", "multiply", "divide", "modulo", "&", "|", "^"}

func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return "?"
}

func (o Op) bitwise() bool { return o >= OpBitAnd }

// AsConstant marks v as a literal constant. SQL Server gives an integer
// constant the precision of its digits (3 is decimal(1,0), not
// decimal(10,0)) when it meets a decimal, which decides the scale of
// results such as 1.0/3 = 0.333333.
func (v Value) AsConstant() Value {
	v.constant = true
	return v
}

func decimalOfValue(v Value) Type {
	if v.constant && v.typ.Kind.IsInteger() {
		n := v.n
		if n < 0 {
			n = -n
		}
		p := 1
		for n >= 10 {
			n /= 10
			p++
		}
		return DecimalPS(uint8(p), 0)
	}
	return decimalOf(v.typ)
}

// DecimalResult is the precision and scale of a decimal operation's result
// (p1,s1 op p2,s2), reduced to at most 38 digits the way SQL Server does:
// the integral part is kept and the scale shrinks, but not below 6.
func DecimalResult(op Op, p1, s1, p2, s2 int) (p, s int) {
	switch op {
	case OpAdd, OpSub:
		s = max(s1, s2)
		p = s + max(p1-s1, p2-s2) + 1
	case OpMul:
		p, s = p1+p2+1, s1+s2
	case OpDiv:
		s = max(6, s1+p2+1)
		p = p1 - s1 + s2 + s
	case OpMod:
		s = max(s1, s2)
		p = min(p1-s1, p2-s2) + s
	}
	if p > 38 {
		intDigits := p - s
		p = 38
		s = max(38-intDigits, min(s, 6))
		if s < 0 {
			s = 0
		}
	}
	return p, s
}

// ArithType is the result type of a op b for the static types of its
// operands, or the error SQL Server reports for the combination (8117
// invalid operand, 206/402 type clash, 257).
func ArithType(op Op, a, b Type) (Type, error) {
	return arithType(op, a, b, decimalOf(a), decimalOf(b))
}

// arithType takes the decimal forms of the operands separately so that
// constants can use the precision of their digits.
func arithType(op Op, a, b, da, db Type) (Type, error) {
	if a.Kind == Unknown && b.Kind == Unknown {
		return TInt, nil
	}
	for _, t := range [2]Type{a, b} {
		switch t.Kind {
		case SQLVariant, UniqueIdentifier, XML, Text, NText, Image:
			return Type{}, InvalidOperand(t, op.String())
		}
	}
	if op.bitwise() {
		return bitwiseType(op, a, b)
	}
	// String + string and binary + binary concatenate.
	if op == OpAdd && (a.Kind.IsString() || a.Kind == Unknown) && (b.Kind.IsString() || b.Kind == Unknown) {
		return ConcatType(a, b), nil
	}
	if op == OpAdd && (a.Kind.IsBinary() || a.Kind == Unknown) && (b.Kind.IsBinary() || b.Kind == Unknown) {
		return ConcatType(a, b), nil
	}
	if a.Kind.IsString() && b.Kind.IsString() || a.Kind.IsBinary() && b.Kind.IsBinary() {
		return Type{}, InvalidOperand(a, op.String())
	}
	hi, lo := a, b
	if Precedence(b.Kind) > Precedence(a.Kind) {
		hi, lo = b, a
	}
	switch hi.Kind {
	case Date, Time, DateTime2, DateTimeOffset:
		if lo.Kind.IsDateTime() {
			return Type{}, newErr(ErrIncompatibleTypes, 1, "The data types %s and %s are incompatible in the %s operator.", typeWord(a), typeWord(b), op)
		}
		return Type{}, OperandClash(hi, lo)
	case DateTime, SmallDateTime:
		if op != OpAdd && op != OpSub {
			return Type{}, InvalidOperand(hi, op.String())
		}
		if lo.Kind == Date || lo.Kind == Time || lo.Kind == DateTime2 || lo.Kind == DateTimeOffset {
			return Type{}, newErr(ErrIncompatibleTypes, 1, "The data types %s and %s are incompatible in the %s operator.", typeWord(a), typeWord(b), op)
		}
		if lo.Kind.IsBinary() {
			return Type{}, OperandClash(lo, hi)
		}
		return Type{Kind: hi.Kind}, nil
	case Bit:
		return Type{}, InvalidOperand(hi, op.String())
	}
	if err := CheckConversion(lo, hi, true); err != nil {
		return Type{}, err
	}
	switch {
	case hi.Kind == Float || hi.Kind == Real:
		if op == OpMod {
			return Type{}, InvalidOperand(hi, op.String())
		}
		return Type{Kind: hi.Kind}, nil
	case hi.Kind == Decimal || hi.Kind == Numeric:
		x, y := da, db
		if a.Kind.IsString() {
			x = DecimalPS(38, y.Scale)
		}
		if b.Kind.IsString() {
			y = DecimalPS(38, x.Scale)
		}
		p, s := DecimalResult(op, int(x.Precision), int(x.Scale), int(y.Precision), int(y.Scale))
		return Type{Kind: Numeric, Precision: uint8(p), Scale: uint8(s)}, nil
	case hi.Kind.IsInteger(), hi.Kind == Money, hi.Kind == SmallMoney:
		return Type{Kind: hi.Kind}, nil
	}
	return Type{}, InvalidOperand(hi, op.String())
}

func bitwiseType(op Op, a, b Type) (Type, error) {
	ok := func(k Kind) bool { return k.IsInteger() || k.IsBinary() || k == Unknown }
	if !ok(a.Kind) || !ok(b.Kind) {
		bad := a
		if ok(a.Kind) {
			bad = b
		}
		return Type{}, newErr(ErrIncompatibleTypes, 1, "The data types %s and %s are incompatible in the '%s' operator.", typeWord(a), typeWord(bad), op)
	}
	if a.Kind.IsBinary() && b.Kind.IsBinary() {
		return Type{}, newErr(ErrIncompatibleTypes, 1, "The data types %s and %s are incompatible in the '%s' operator.", typeWord(a), typeWord(b), op)
	}
	hi := a
	if Precedence(b.Kind) > Precedence(a.Kind) {
		hi = b
	}
	if hi.Kind == Unknown {
		return TInt, nil
	}
	return Type{Kind: hi.Kind}, nil
}

// ConcatType is the type of string + string (or binary + binary): Unicode
// if either side is, the lengths added up, capped at 8000 bytes (4000
// characters for nvarchar), and (max) if either side is (max).
func ConcatType(a, b Type) Type {
	bin := a.Kind.IsBinary() || b.Kind.IsBinary()
	uni := a.Kind.IsUnicode() || b.Kind.IsUnicode()
	la, lb := a.Length, b.Length
	if a.Kind == Unknown {
		la = 0
	}
	if b.Kind == Unknown {
		lb = 0
	}
	if a.Kind == Text || a.Kind == NText || b.Kind == Text || b.Kind == NText {
		la = Max
	}
	fixed := (a.Kind == Char || a.Kind == NChar || a.Kind == Binary || a.Kind == Unknown) &&
		(b.Kind == Char || b.Kind == NChar || b.Kind == Binary || b.Kind == Unknown)
	var k Kind
	limit := int32(8000)
	switch {
	case bin:
		k = VarBinary
		if fixed {
			k = Binary
		}
	case uni:
		k, limit = NVarChar, 4000
		if fixed {
			k = NChar
		}
	default:
		k = VarChar
		if fixed {
			k = Char
		}
	}
	if la == Max || lb == Max {
		return Type{Kind: varyingOf(k), Length: Max}
	}
	n := la + lb
	if n > limit {
		n = limit
	}
	if n == 0 {
		n = 1
	}
	return Type{Kind: k, Length: n}
}

func varyingOf(k Kind) Kind {
	switch k {
	case Char:
		return VarChar
	case NChar:
		return NVarChar
	case Binary:
		return VarBinary
	}
	return k
}

// Concat is string (or binary) concatenation with SQL Server's NULL rule:
// with CONCAT_NULL_YIELDS_NULL on (nullYieldsNull) a NULL operand makes the
// result NULL, off it counts as an empty string.
func Concat(a, b Value, nullYieldsNull bool) (Value, error) {
	t := ConcatType(a.typ, b.typ)
	if a.IsNull() || b.IsNull() {
		if nullYieldsNull || (a.IsNull() && b.IsNull()) {
			return Null(t), nil
		}
	}
	if t.Kind.IsBinary() {
		ab, err := operandBytes(a)
		if err != nil {
			return Value{}, err
		}
		bb, err := operandBytes(b)
		if err != nil {
			return Value{}, err
		}
		out := make([]byte, 0, len(ab)+len(bb))
		out = append(append(out, ab...), bb...)
		if t.Length != Max && len(out) > int(t.Length) {
			out = out[:t.Length]
		}
		return Value{typ: t, b: out}, nil
	}
	as, err := operandString(a, t)
	if err != nil {
		return Value{}, err
	}
	bs, err := operandString(b, t)
	if err != nil {
		return Value{}, err
	}
	s := as + bs
	if t.Length != Max && len(s) > int(t.Length) && CharLen(s, t.Kind.IsUnicode()) > int(t.Length) {
		s = truncateChars(s, int(t.Length), t.Kind.IsUnicode())
	}
	return Value{typ: t, s: s}, nil
}

func operandBytes(v Value) ([]byte, error) {
	if v.IsNull() {
		return nil, nil
	}
	if v.typ.Kind.IsBinary() {
		return v.b, nil
	}
	c, err := Assign(v, VarBinaryN(Max))
	if err != nil {
		return nil, err
	}
	return c.b, nil
}

func operandString(v Value, t Type) (string, error) {
	if v.IsNull() {
		return "", nil
	}
	if v.typ.Kind.IsString() {
		if !t.Kind.IsUnicode() {
			return toCP1252(v.s), nil
		}
		return v.s, nil
	}
	c, err := Assign(v, Type{Kind: varyingOf(t.Kind), Length: Max})
	if err != nil {
		return "", err
	}
	return c.s, nil
}

// Add is a + b (numbers, datetime + days, or string/binary concatenation
// with CONCAT_NULL_YIELDS_NULL on).
func Add(a, b Value) (Value, error) { return Arith(OpAdd, a, b) }

// Sub is a - b.
func Sub(a, b Value) (Value, error) { return Arith(OpSub, a, b) }

// Mul is a * b.
func Mul(a, b Value) (Value, error) { return Arith(OpMul, a, b) }

// Div is a / b; integer division truncates toward zero.
func Div(a, b Value) (Value, error) { return Arith(OpDiv, a, b) }

// Mod is a % b.
func Mod(a, b Value) (Value, error) { return Arith(OpMod, a, b) }

// BitAnd is a & b.
func BitAnd(a, b Value) (Value, error) { return Arith(OpBitAnd, a, b) }

// BitOr is a | b.
func BitOr(a, b Value) (Value, error) { return Arith(OpBitOr, a, b) }

// BitXor is a ^ b.
func BitXor(a, b Value) (Value, error) { return Arith(OpBitXor, a, b) }

func isIntKind(k Kind) bool { return k >= TinyInt && k <= BigInt }

// Arith evaluates a op b. NULL operands give a NULL of the result type.
// int op int runs without allocating.
func Arith(op Op, a, b Value) (Value, error) {
	ak, bk := a.typ.Kind, b.typ.Kind
	// Fast path: two non-NULL integers.
	if isIntKind(ak) && isIntKind(bk) && !a.null && !b.null && !op.bitwise() {
		k := ak
		if bk > ak { // the integer kinds are declared in precedence order
			k = bk
		}
		return intArith(op, k, a.n, b.n)
	}
	t, err := arithType(op, a.typ, b.typ, decimalOfValue(a), decimalOfValue(b))
	if err != nil {
		return Value{}, err
	}
	if a.IsNull() || b.IsNull() {
		return Null(t), nil
	}
	k := t.Kind
	switch {
	case op == OpAdd && (k.IsString() || k.IsBinary()):
		return Concat(a, b, true)
	case op.bitwise():
		return bitwise(op, t, a, b)
	case isIntKind(k):
		x, err := Assign(a, t)
		if err != nil {
			return Value{}, err
		}
		y, err := Assign(b, t)
		if err != nil {
			return Value{}, err
		}
		return intArith(op, k, x.n, y.n)
	case k == Float || k == Real:
		x, err := Assign(a, TFloat)
		if err != nil {
			return Value{}, err
		}
		y, err := Assign(b, TFloat)
		if err != nil {
			return Value{}, err
		}
		return floatArith(op, k, x.f, y.f)
	case k == Money || k == SmallMoney:
		x, err := Assign(a, TMoney)
		if err != nil {
			return Value{}, err
		}
		y, err := Assign(b, TMoney)
		if err != nil {
			return Value{}, err
		}
		return moneyArith(op, k, x.n, y.n)
	case k == Decimal || k == Numeric:
		return decimalArith(op, t, a, b)
	case k == DateTime || k == SmallDateTime:
		return dateArith(op, t, a, b)
	}
	return Value{}, InvalidOperand(t, op.String())
}

func intArith(op Op, k Kind, x, y int64) (Value, error) {
	var r int64
	switch op {
	case OpAdd:
		r = x + y
		if (r > x) != (y > 0) {
			return Value{}, OverflowError("expression", k)
		}
	case OpSub:
		r = x - y
		if (r < x) != (y > 0) {
			return Value{}, OverflowError("expression", k)
		}
	case OpMul:
		hi, lo := bits.Mul64(uint64(absInt(x)), uint64(absInt(y)))
		if hi != 0 || lo > math.MaxInt64 {
			if !(hi == 0 && lo == 1<<63 && (x < 0) != (y < 0)) {
				return Value{}, OverflowError("expression", k)
			}
		}
		r = x * y
	case OpDiv:
		if y == 0 {
			return Value{}, DivideByZero()
		}
		if x == math.MinInt64 && y == -1 {
			return Value{}, OverflowError("expression", k)
		}
		r = x / y
	case OpMod:
		if y == 0 {
			return Value{}, DivideByZero()
		}
		if y == -1 {
			r = 0
		} else {
			r = x % y
		}
	}
	if !intFits(k, r) {
		return Value{}, OverflowError("expression", k)
	}
	return Value{typ: Type{Kind: k}, n: r}, nil
}

func absInt(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func floatArith(op Op, k Kind, x, y float64) (Value, error) {
	var r float64
	switch op {
	case OpAdd:
		r = x + y
	case OpSub:
		r = x - y
	case OpMul:
		r = x * y
	case OpDiv:
		if y == 0 {
			return Value{}, DivideByZero()
		}
		r = x / y
	default:
		return Value{}, InvalidOperand(Type{Kind: k}, op.String())
	}
	if math.IsInf(r, 0) || math.IsNaN(r) || (k == Real && math.Abs(r) > math.MaxFloat32) {
		return Value{}, OverflowError("expression", k)
	}
	if k == Real {
		return NewReal(r), nil
	}
	return NewFloat(r), nil
}

func moneyArith(op Op, k Kind, x, y int64) (Value, error) {
	var r int64
	switch op {
	case OpAdd, OpSub:
		v, err := intArith(op, BigInt, x, y)
		if err != nil {
			return Value{}, OverflowError("expression", k)
		}
		r = v.n
	case OpMul, OpDiv, OpMod:
		bx, by := big.NewInt(x), big.NewInt(y)
		var q *big.Int
		switch op {
		case OpMul:
			q = rescale(new(big.Int).Mul(bx, by), 8, 4)
		case OpDiv:
			if y == 0 {
				return Value{}, DivideByZero()
			}
			num := new(big.Int).Mul(bx, pow10(5))
			q = roundDiv(num, by, 1)
		case OpMod:
			if y == 0 {
				return Value{}, DivideByZero()
			}
			q = new(big.Int).Rem(bx, by)
		}
		if !q.IsInt64() {
			return Value{}, OverflowError("expression", k)
		}
		r = q.Int64()
	}
	if !moneyFits(k, r) {
		return Value{}, OverflowError("expression", k)
	}
	return Value{typ: Type{Kind: k}, n: r}, nil
}

// roundDiv divides num (carrying extra digits) by den and rounds away the
// extra digits, half away from zero.
func roundDiv(num, den *big.Int, extra int) *big.Int {
	q := new(big.Int).Quo(num, den)
	return rescale(q, extra, 0)
}

func decimalArith(op Op, t Type, a, b Value) (Value, error) {
	x, err := asDecimal(a)
	if err != nil {
		return Value{}, err
	}
	y, err := asDecimal(b)
	if err != nil {
		return Value{}, err
	}
	xs, ys := int(x.typ.Scale), int(y.typ.Scale)
	s := int(t.Scale)
	var r *big.Int
	switch op {
	case OpAdd, OpSub:
		c := max(xs, ys)
		u1, u2 := rescale(x.Unscaled(), xs, c), rescale(y.Unscaled(), ys, c)
		if op == OpAdd {
			r = u1.Add(u1, u2)
		} else {
			r = u1.Sub(u1, u2)
		}
		r = rescale(r, c, s)
	case OpMul:
		r = new(big.Int).Mul(x.Unscaled(), y.Unscaled())
		r = rescale(r, xs+ys, s)
	case OpDiv:
		if y.Unscaled().Sign() == 0 {
			return Value{}, DivideByZero()
		}
		// x/y at scale s: (ux * 10^(s+ys-xs+1)) / uy, then round the extra digit.
		shift := s + ys - xs + 1
		num := new(big.Int).Set(x.Unscaled())
		den := new(big.Int).Set(y.Unscaled())
		if shift >= 0 {
			num.Mul(num, pow10(shift))
		} else {
			den.Mul(den, pow10(-shift))
		}
		r = roundDiv(num, den, 1)
	case OpMod:
		if y.Unscaled().Sign() == 0 {
			return Value{}, DivideByZero()
		}
		c := max(xs, ys)
		u1, u2 := rescale(x.Unscaled(), xs, c), rescale(y.Unscaled(), ys, c)
		r = new(big.Int).Rem(u1, u2)
		r = rescale(r, c, s)
	}
	if !fitsPrecision(r, int(t.Precision)) {
		return Value{}, OverflowError("expression", t.Kind)
	}
	return Value{typ: t, d: r}, nil
}

func asDecimal(v Value) (Value, error) {
	k := v.typ.Kind
	if k == Decimal || k == Numeric {
		return v, nil
	}
	if k.IsString() {
		u, sc, st := parseDecimalString(v.s)
		if st != parseOK {
			return Value{}, ConvertingTypeError(k, Numeric)
		}
		if sc > 38 || !fitsPrecision(u, 38) {
			return Value{}, OverflowError(k.String(), Numeric)
		}
		return Value{typ: NumericPS(38, uint8(sc)), d: u}, nil
	}
	return Assign(v, decimalOfValue(v))
}

func dateArith(op Op, t Type, a, b Value) (Value, error) {
	days := func(v Value) (float64, error) {
		switch k := v.typ.Kind; {
		case k == DateTime || k == SmallDateTime:
			return datetimeAsDays(v.t), nil
		case k.IsString():
			c, err := Assign(v, t)
			if err != nil {
				return 0, err
			}
			return datetimeAsDays(c.t), nil
		}
		c, err := Assign(v, TFloat)
		if err != nil {
			return 0, err
		}
		return c.f, nil
	}
	x, err := days(a)
	if err != nil {
		return Value{}, err
	}
	y, err := days(b)
	if err != nil {
		return Value{}, err
	}
	r := x + y
	if op == OpSub {
		r = x - y
	}
	tm, ok := daysToDateTime(r)
	if ok {
		if t.Kind == SmallDateTime {
			tm = RoundSmallDateTime(tm)
			ok = !tm.Before(minSmallDT) && !tm.After(maxSmallDT)
		} else {
			tm = RoundDateTime(tm)
			ok = !tm.Before(minDateTime) && !tm.After(maxDateTime)
		}
	}
	if !ok {
		return Value{}, OverflowError("expression", t.Kind)
	}
	return Value{typ: t, t: tm}, nil
}

func bitwise(op Op, t Type, a, b Value) (Value, error) {
	toInt := func(v Value) (int64, error) {
		if v.typ.Kind.IsBinary() {
			c, err := Assign(v, t)
			return c.n, err
		}
		return v.n, nil
	}
	x, err := toInt(a)
	if err != nil {
		return Value{}, err
	}
	y, err := toInt(b)
	if err != nil {
		return Value{}, err
	}
	var r int64
	switch op {
	case OpBitAnd:
		r = x & y
	case OpBitOr:
		r = x | y
	case OpBitXor:
		r = x ^ y
	}
	if t.Kind == TinyInt {
		r &= 0xFF
	}
	return Value{typ: t, n: r}, nil
}

// Neg is unary minus.
func Neg(v Value) (Value, error) {
	k := v.typ.Kind
	switch {
	case k == Unknown:
		return Null(TInt), nil
	case k == Bit || k.IsString() || k.IsBinary() || k.IsDateTime() || k == UniqueIdentifier || k == XML:
		return Value{}, InvalidOperand(v.typ, "minus")
	case v.IsNull():
		return v, nil
	case isIntKind(k):
		if (k == TinyInt && v.n != 0) || !intFits(k, -v.n) || v.n == math.MinInt64 {
			return Value{}, OverflowError("expression", k)
		}
		return Value{typ: v.typ, n: -v.n}, nil
	case k == Money || k == SmallMoney:
		if !moneyFits(k, -v.n) || v.n == math.MinInt64 {
			return Value{}, OverflowError("expression", k)
		}
		return Value{typ: v.typ, n: -v.n}, nil
	case k == Float || k == Real:
		return Value{typ: v.typ, f: -v.f}, nil
	case k == Decimal || k == Numeric:
		return Value{typ: v.typ, d: new(big.Int).Neg(v.Unscaled())}, nil
	}
	return Value{}, InvalidOperand(v.typ, "minus")
}

// BitNot is ~v on an integer or bit.
func BitNot(v Value) (Value, error) {
	k := v.typ.Kind
	if k == Unknown {
		return Null(TInt), nil
	}
	if !k.IsInteger() {
		return Value{}, InvalidOperand(v.typ, "~")
	}
	if v.IsNull() {
		return v, nil
	}
	switch k {
	case Bit:
		return NewBit(v.n == 0), nil
	case TinyInt:
		return Value{typ: v.typ, n: ^v.n & 0xFF}, nil
	}
	return Value{typ: v.typ, n: ^v.n}, nil
}
