package builtin

import (
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// numericType is the type a math function works in for an argument of
// type t: strings and untyped NULLs become float, the rest stay.
func numericType(t sqltype.Type, fn string) (sqltype.Type, error) {
	switch k := t.Kind; {
	case k == sqltype.Bit:
		return sqltype.Type{}, argTypeErr(t, 1, fn)
	case k.IsNumeric():
		return t, nil
	case k.IsString(), k == sqltype.Unknown:
		return sqltype.TFloat, nil
	}
	return sqltype.Type{}, sqltype.OperandClash(t, sqltype.TFloat)
}

// roundType is the result type of ROUND, SIGN and friends: small integers
// become int, money types money, approximate types float; decimal and
// bigint keep theirs.
func roundType(t sqltype.Type) sqltype.Type {
	switch t.Kind {
	case sqltype.TinyInt, sqltype.SmallInt, sqltype.Int:
		return sqltype.TInt
	case sqltype.SmallMoney, sqltype.Money:
		return sqltype.TMoney
	case sqltype.Real, sqltype.Float:
		return sqltype.TFloat
	}
	return t
}

func floatFn(name string, f func(x float64) (float64, bool)) *Func {
	return &Func{Name: name, MinArgs: 1, MaxArgs: 1, resolve: fixed(sqltype.TFloat), eval: func(c *call) (sqltype.Value, error) {
		x, ok, err := float(c.args[0])
		if err != nil || !ok {
			return sqltype.Null(sqltype.TFloat), err
		}
		r, valid := f(x)
		if !valid || math.IsNaN(r) || math.IsInf(r, 0) {
			return sqltype.Value{}, invalidFloatOp()
		}
		return sqltype.NewFloat(r), nil
	}}
}

func invalidFloatOp() error {
	return sqlerr.New(3623, 16, 1, "An invalid floating point operation occurred.")
}

func init() {
	register(&Func{Name: "ABS", MinArgs: 1, MaxArgs: 1,
		resolve: func(ts []sqltype.Type) (sqltype.Type, error) { return numericType(ts[0], "abs") },
		eval: func(c *call) (sqltype.Value, error) {
			v, err := toNumeric(c)
			if err != nil || v.IsNull() {
				return sqltype.Null(c.typ), err
			}
			if isNegative(v) {
				return sqltype.Neg(v)
			}
			return v, nil
		}})
	register(&Func{Name: "SIGN", MinArgs: 1, MaxArgs: 1,
		resolve: func(ts []sqltype.Type) (sqltype.Type, error) {
			t, err := numericType(ts[0], "sign")
			return roundType(t), err
		},
		eval: func(c *call) (sqltype.Value, error) {
			v, err := toNumeric(c)
			if err != nil || v.IsNull() {
				return sqltype.Null(c.typ), err
			}
			s := int64(0)
			switch {
			case isNegative(v):
				s = -1
			case !isZero(v):
				s = 1
			}
			return sqltype.Assign(sqltype.NewBigInt(s), c.typ)
		}})
	register(&Func{Name: "ROUND", MinArgs: 2, MaxArgs: 3,
		resolve: func(ts []sqltype.Type) (sqltype.Type, error) {
			t, err := numericType(ts[0], "round")
			return roundType(t), err
		},
		eval: evalRound})
	floorCeil := func(name string, ceil bool) *Func {
		return &Func{Name: name, MinArgs: 1, MaxArgs: 1,
			resolve: func(ts []sqltype.Type) (sqltype.Type, error) {
				t, err := numericType(ts[0], strings.ToLower(name))
				if err != nil {
					return t, err
				}
				if t.Kind == sqltype.Decimal || t.Kind == sqltype.Numeric {
					p := int(t.Precision)
					if p == 0 {
						p = 18
					}
					p = min(p-int(t.Scale)+1, 38)
					return sqltype.Type{Kind: t.Kind, Precision: uint8(p)}, nil
				}
				return t, nil
			},
			eval: func(c *call) (sqltype.Value, error) {
				v, err := toNumeric(c)
				if err != nil || v.IsNull() {
					return sqltype.Null(c.typ), err
				}
				switch k := v.Kind(); {
				case k.IsInteger():
					return v, nil
				case k == sqltype.Float || k == sqltype.Real:
					f := math.Floor(v.Float64())
					if ceil {
						f = math.Ceil(v.Float64())
					}
					return sqltype.Assign(sqltype.NewFloat(f), v.Type())
				case k == sqltype.Money || k == sqltype.SmallMoney:
					u := v.Int64()
					q := floorDiv(u, 10000)
					if ceil && u%10000 != 0 {
						q++
					}
					return sqltype.Assign(sqltype.NewMoney(q*10000), v.Type())
				}
				u, s := v.Unscaled(), int(v.Type().Scale)
				q, m := new(big.Int).DivMod(u, pow10(s), new(big.Int)) // Euclidean: floor for a positive divisor
				if ceil && m.Sign() != 0 {
					q.Add(q, big.NewInt(1))
				}
				return sqltype.Assign(sqltype.NewNumeric(q, 38, 0), c.typ)
			}}
	}
	register(floorCeil("FLOOR", false))
	register(floorCeil("CEILING", true))
	register(&Func{Name: "POWER", MinArgs: 2, MaxArgs: 2,
		resolve: func(ts []sqltype.Type) (sqltype.Type, error) {
			t, err := numericType(ts[0], "power")
			if err != nil {
				return t, err
			}
			switch t.Kind {
			case sqltype.Decimal, sqltype.Numeric:
				return sqltype.Type{Kind: t.Kind, Precision: 38, Scale: t.Scale}, nil
			}
			return roundType(t), nil
		},
		eval: func(c *call) (sqltype.Value, error) {
			x, y, ok, err := floatPair(c)
			if err != nil {
				return sqltype.Value{}, err
			}
			if !ok {
				return sqltype.Null(c.typ), nil
			}
			r := math.Pow(x, y)
			if math.IsNaN(r) {
				return sqltype.Value{}, invalidFloatOp()
			}
			if math.IsInf(r, 0) {
				return sqltype.Value{}, sqltype.OverflowError("expression", c.typ.Kind)
			}
			if c.typ.Kind.IsInteger() {
				r = math.Trunc(r)
			}
			return sqltype.Assign(sqltype.NewFloat(r), c.typ)
		}})
	register(floatFn("SQRT", func(x float64) (float64, bool) { return math.Sqrt(x), x >= 0 }))
	register(floatFn("SQUARE", func(x float64) (float64, bool) { return x * x, true }))
	register(floatFn("EXP", func(x float64) (float64, bool) { return math.Exp(x), true }))
	register(floatFn("LOG10", func(x float64) (float64, bool) { return math.Log10(x), x > 0 }))
	register(floatFn("SIN", func(x float64) (float64, bool) { return math.Sin(x), true }))
	register(floatFn("COS", func(x float64) (float64, bool) { return math.Cos(x), true }))
	register(floatFn("TAN", func(x float64) (float64, bool) { return math.Tan(x), true }))
	register(floatFn("ASIN", func(x float64) (float64, bool) { return math.Asin(x), x >= -1 && x <= 1 }))
	register(floatFn("ACOS", func(x float64) (float64, bool) { return math.Acos(x), x >= -1 && x <= 1 }))
	register(floatFn("ATAN", func(x float64) (float64, bool) { return math.Atan(x), true }))
	register(floatFn("COT", func(x float64) (float64, bool) { return 1 / math.Tan(x), x != 0 }))
	register(floatFn("DEGREES", func(x float64) (float64, bool) { return x * 180 / math.Pi, true }))
	register(floatFn("RADIANS", func(x float64) (float64, bool) { return x * math.Pi / 180, true }))
	register(&Func{Name: "ATN2", MinArgs: 2, MaxArgs: 2, resolve: fixed(sqltype.TFloat), eval: func(c *call) (sqltype.Value, error) {
		y, x, ok, err := floatPair(c)
		if err != nil || !ok {
			return sqltype.Null(sqltype.TFloat), err
		}
		return sqltype.NewFloat(math.Atan2(y, x)), nil
	}})
	register(&Func{Name: "LOG", MinArgs: 1, MaxArgs: 2, resolve: fixed(sqltype.TFloat), eval: func(c *call) (sqltype.Value, error) {
		x, ok, err := float(c.args[0])
		if err != nil || !ok {
			return sqltype.Null(sqltype.TFloat), err
		}
		if x <= 0 {
			return sqltype.Value{}, invalidFloatOp()
		}
		r := math.Log(x)
		if len(c.args) == 2 {
			b, ok, err := float(c.args[1])
			if err != nil || !ok {
				return sqltype.Null(sqltype.TFloat), err
			}
			if b <= 0 || b == 1 {
				return sqltype.Value{}, invalidFloatOp()
			}
			r /= math.Log(b)
		}
		return sqltype.NewFloat(r), nil
	}})
	register(&Func{Name: "PI", MinArgs: 0, MaxArgs: 0, resolve: fixed(sqltype.TFloat), eval: func(c *call) (sqltype.Value, error) {
		return sqltype.NewFloat(math.Pi), nil
	}})
	register(&Func{Name: "RAND", MinArgs: 0, MaxArgs: 1, Volatile: true, resolve: fixed(sqltype.TFloat), eval: func(c *call) (sqltype.Value, error) {
		if len(c.args) == 1 && !c.args[0].IsNull() {
			seed, _, err := integer(c.args[0], true)
			if err != nil {
				return sqltype.Value{}, err
			}
			return sqltype.NewFloat(c.env.Rand(&seed)), nil
		}
		return sqltype.NewFloat(c.env.Rand(nil)), nil
	}})
}

var pow10Cache [39]*big.Int

func pow10(n int) *big.Int {
	if n >= 0 && n < len(pow10Cache) {
		if pow10Cache[n] == nil {
			pow10Cache[n] = new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
		}
		return pow10Cache[n]
	}
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

func init() {
	for i := range pow10Cache {
		pow10(i)
	}
}

// toNumeric converts the first argument to the function's numeric type.
func toNumeric(c *call) (sqltype.Value, error) {
	a := c.args[0]
	if a.IsNull() {
		return a, nil
	}
	if a.Kind().IsNumeric() {
		return a, nil
	}
	return sqltype.Assign(a, sqltype.TFloat)
}

func isNegative(v sqltype.Value) bool {
	switch k := v.Kind(); {
	case k.IsInteger(), k == sqltype.Money, k == sqltype.SmallMoney:
		return v.Int64() < 0
	case k == sqltype.Float, k == sqltype.Real:
		return v.Float64() < 0
	case k == sqltype.Decimal, k == sqltype.Numeric:
		return v.Unscaled().Sign() < 0
	}
	return false
}

func isZero(v sqltype.Value) bool {
	switch k := v.Kind(); {
	case k.IsInteger(), k == sqltype.Money, k == sqltype.SmallMoney:
		return v.Int64() == 0
	case k == sqltype.Float, k == sqltype.Real:
		return v.Float64() == 0
	case k == sqltype.Decimal, k == sqltype.Numeric:
		return v.Unscaled().Sign() == 0
	}
	return true
}

// roundUnscaled rounds (or truncates) an unscaled integer at scale s to
// length decimal places (negative: to the left of the point), keeping the
// scale.
func roundUnscaled(u *big.Int, s, length int, truncate bool) *big.Int {
	drop := s - length
	if drop <= 0 {
		return new(big.Int).Set(u)
	}
	if drop > 77 {
		return new(big.Int)
	}
	div := pow10(drop)
	q, r := new(big.Int).QuoRem(u, div, new(big.Int))
	if !truncate {
		r2 := new(big.Int).Abs(r)
		r2.Lsh(r2, 1)
		if r2.Cmp(div) >= 0 {
			if u.Sign() < 0 {
				q.Sub(q, big.NewInt(1))
			} else {
				q.Add(q, big.NewInt(1))
			}
		}
	}
	return q.Mul(q, div)
}

func evalRound(c *call) (sqltype.Value, error) {
	v, err := toNumeric(c)
	if err != nil {
		return sqltype.Value{}, err
	}
	length, ok, err := integer(c.args[1], false)
	if err != nil {
		return sqltype.Value{}, err
	}
	truncate := false
	if len(c.args) == 3 {
		f, okf, err := integer(c.args[2], false)
		if err != nil {
			return sqltype.Value{}, err
		}
		truncate = okf && f != 0
	}
	if v.IsNull() || !ok {
		return sqltype.Null(c.typ), nil
	}
	switch k := v.Kind(); {
	case k.IsInteger():
		r := roundUnscaled(big.NewInt(v.Int64()), 0, int(length), truncate)
		if !r.IsInt64() {
			return sqltype.Value{}, sqltype.OverflowError("expression", c.typ.Kind)
		}
		return sqltype.Assign(sqltype.NewBigInt(r.Int64()), c.typ)
	case k == sqltype.Money || k == sqltype.SmallMoney:
		r := roundUnscaled(big.NewInt(v.Int64()), 4, int(length), truncate)
		if !r.IsInt64() {
			return sqltype.Value{}, sqltype.OverflowError("expression", sqltype.Money)
		}
		return sqltype.NewMoney(r.Int64()), nil
	case k == sqltype.Float || k == sqltype.Real:
		f := v.Float64()
		if length > 300 || length < -300 {
			return sqltype.NewFloat(f), nil
		}
		p := math.Pow(10, float64(length))
		var r float64
		if truncate {
			r = math.Trunc(f*p) / p
		} else {
			r = math.Round(f*p) / p
			// Correct binary noise: 2.675 is stored as 2.67499999...
			if s := strconv.FormatFloat(f, 'f', -1, 64); strings.Contains(s, ".") && length >= 0 {
				if d, ok := new(big.Float).SetString(s); ok {
					u, _ := new(big.Float).Mul(d, new(big.Float).SetFloat64(math.Pow(10, float64(length)))).Float64()
					r = math.Round(u) / p
				}
			}
		}
		return sqltype.NewFloat(r), nil
	}
	t := v.Type()
	r := roundUnscaled(v.Unscaled(), int(t.Scale), int(length), truncate)
	p := int(t.Precision)
	if p == 0 {
		p = 18
	}
	if new(big.Int).Abs(r).Cmp(pow10(p)) >= 0 {
		return sqltype.Value{}, sqltype.OverflowError("expression", sqltype.Numeric)
	}
	return sqltype.NewDecimal(r, uint8(p), t.Scale).WithType(c.typ), nil
}

// evalStr is STR(float [, length [, decimal]]): right-aligned, rounded,
// and all asterisks when the integer part does not fit.
func evalStr(c *call) (sqltype.Value, error) {
	x, ok, err := float(c.args[0])
	if err != nil || !ok {
		return sqltype.Null(sqltype.VarCharN(10)), err
	}
	length, dec := int64(10), int64(0)
	if len(c.args) > 1 {
		n, ok, err := integer(c.args[1], false)
		if err != nil || !ok {
			return sqltype.Null(sqltype.VarCharN(10)), err
		}
		length = n
	}
	if len(c.args) > 2 {
		n, ok, err := integer(c.args[2], false)
		if err != nil || !ok {
			return sqltype.Null(sqltype.VarCharN(10)), err
		}
		dec = n
	}
	if length <= 0 || length > 8000 || dec < 0 {
		return sqltype.Null(sqltype.VarCharN(10)), nil
	}
	dec = min(dec, 16)
	t := sqltype.VarCharN(int32(length))
	for d := dec; d >= 0; d-- {
		s := strconv.FormatFloat(x, 'f', int(d), 64)
		if int64(len(s)) <= length {
			return mkString(t, strings.Repeat(" ", int(length)-len(s))+s), nil
		}
	}
	return mkString(t, strings.Repeat("*", int(length))), nil
}
