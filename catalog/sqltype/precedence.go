package sqltype

// Precedence is the data type precedence rank of k: the higher rank wins
// when two types meet, and the lower converts to it. The order follows
// SQL Server's documented list (sql_variant highest, binary lowest);
// decimal and numeric share a rank.
func Precedence(k Kind) int {
	switch k {
	case SQLVariant:
		return 30
	case XML:
		return 29
	case DateTimeOffset:
		return 28
	case DateTime2:
		return 27
	case DateTime:
		return 26
	case SmallDateTime:
		return 25
	case Date:
		return 24
	case Time:
		return 23
	case Float:
		return 22
	case Real:
		return 21
	case Decimal, Numeric:
		return 20
	case Money:
		return 19
	case SmallMoney:
		return 18
	case BigInt:
		return 17
	case Int:
		return 16
	case SmallInt:
		return 15
	case TinyInt:
		return 14
	case Bit:
		return 13
	case NText:
		return 12
	case Text:
		return 11
	case Image:
		return 10
	case UniqueIdentifier:
		return 8
	case NVarChar:
		return 7
	case NChar:
		return 6
	case VarChar:
		return 5
	case Char:
		return 4
	case VarBinary:
		return 3
	case Binary:
		return 2
	}
	return 0 // Unknown: an untyped NULL loses to everything
}

// decimalOf is the decimal(p,s) an exact number takes when it meets a
// decimal: int is decimal(10,0), money decimal(19,4), and so on.
func decimalOf(t Type) Type {
	switch t.Kind {
	case Bit, TinyInt, SmallInt, Int, BigInt, SmallMoney, Money:
		// The precision and scale SQL Server reports for the type.
		return DecimalPS(uint8(t.PrecisionOf()), uint8(t.ScaleOf()))
	case Decimal, Numeric:
		if t.Precision == 0 {
			return DecimalPS(18, t.Scale)
		}
		return t
	}
	return DecimalPS(38, 10)
}

// ResultType is the type two operands are compared in (and the type of a
// CASE/COALESCE/UNION combining them): the one of higher precedence, with
// lengths, precision and scale widened to hold both. It fails with 206 or
// 257 when the lower type does not convert implicitly to the higher.
func ResultType(a, b Type) (Type, error) {
	if a.Kind == Unknown {
		return b, nil
	}
	if b.Kind == Unknown {
		return a, nil
	}
	hi, lo := a, b
	if Precedence(b.Kind) > Precedence(a.Kind) {
		hi, lo = b, a
	}
	if err := CheckConversion(lo, hi, true); err != nil {
		return Type{}, err
	}
	switch {
	case hi.Kind.IsString() && lo.Kind.IsString():
		n := maxLen(hi.Length, lo.Length)
		if hi.Kind.IsUnicode() && !lo.Kind.IsUnicode() {
			n = maxLen(hi.Length, lo.Length)
		}
		return Type{Kind: hi.Kind, Length: n}, nil
	case hi.Kind.IsBinary() && lo.Kind.IsBinary():
		return Type{Kind: hi.Kind, Length: maxLen(hi.Length, lo.Length)}, nil
	case hi.Kind == Decimal || hi.Kind == Numeric:
		if !lo.Kind.IsExactNumeric() {
			return decimalOf(hi), nil
		}
		x, y := decimalOf(hi), decimalOf(lo)
		s := max(int(x.Scale), int(y.Scale))
		ip := max(int(x.Precision)-int(x.Scale), int(y.Precision)-int(y.Scale))
		p := ip + s
		if p > 38 {
			p = 38
			s = max(0, 38-ip)
		}
		return Type{Kind: hi.Kind, Precision: uint8(p), Scale: uint8(s)}, nil
	case hi.Kind == Time || hi.Kind == DateTime2 || hi.Kind == DateTimeOffset:
		s := hi.Scale
		if lo.Kind == hi.Kind && lo.Scale > s {
			s = lo.Scale
		}
		hi.Scale = s
		return hi, nil
	}
	return hi, nil
}

func maxLen(a, b int32) int32 {
	if a == Max || b == Max {
		return Max
	}
	return max(a, b)
}

// CombineTypes folds ResultType over the types of CASE branches,
// COALESCE arguments or UNION columns.
func CombineTypes(ts ...Type) (Type, error) {
	var out Type
	for i, t := range ts {
		if i == 0 {
			out = t
			continue
		}
		r, err := ResultType(out, t)
		if err != nil {
			return Type{}, err
		}
		out = r
	}
	return out, nil
}
