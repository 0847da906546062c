package query

import (
	"math"
	"math/big"
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// Accumulators of the aggregate functions. Their result types follow SQL
// Server's (SumType, AvgType); the engine checks argument types before it
// builds them.

// NewCount is COUNT (int, overflow past 2^31-1 is Msg 8115) or COUNT_BIG
// (bigint).
func NewCount(big bool) func() Accumulator {
	return func() Accumulator { return &countAcc{big: big} }
}

type countAcc struct {
	n   int64
	big bool
}

func (c *countAcc) Add(sqltype.Value) error { c.n++; return nil }

func (c *countAcc) Result() (sqltype.Value, error) {
	if c.big {
		return sqltype.NewBigInt(c.n), nil
	}
	if c.n > math.MaxInt32 {
		return sqltype.Value{}, sqltype.OverflowError("expression", sqltype.Int)
	}
	return sqltype.NewInt(c.n), nil
}

// SumType is the type SUM returns for an argument of type t, or false when
// SUM does not take it (Msg 8117).
func SumType(t sqltype.Type) (sqltype.Type, bool) {
	switch t.Kind {
	case sqltype.TinyInt, sqltype.SmallInt, sqltype.Int:
		return sqltype.TInt, true
	case sqltype.BigInt:
		return sqltype.TBigInt, true
	case sqltype.Decimal, sqltype.Numeric:
		return sqltype.Type{Kind: t.Kind, Precision: 38, Scale: t.Scale}, true
	case sqltype.Money, sqltype.SmallMoney:
		return sqltype.TMoney, true
	case sqltype.Float, sqltype.Real:
		return sqltype.TFloat, true
	case sqltype.Unknown:
		return sqltype.TInt, true
	}
	return sqltype.Type{}, false
}

// AvgType is the type AVG returns for an argument of type t.
func AvgType(t sqltype.Type) (sqltype.Type, bool) {
	switch t.Kind {
	case sqltype.Decimal, sqltype.Numeric:
		return sqltype.Type{Kind: t.Kind, Precision: 38, Scale: max(t.Scale, 6)}, true
	}
	return SumType(t)
}

// NewSum is SUM with result type t (from SumType).
func NewSum(t sqltype.Type) func() Accumulator {
	return func() Accumulator { return &sumAcc{t: t} }
}

type sumAcc struct {
	t   sqltype.Type
	has bool
	n   int64 // integer kinds
	f   float64
	acc sqltype.Value // decimal and money
}

func (s *sumAcc) Add(v sqltype.Value) error {
	s.has = true
	switch s.t.Kind {
	case sqltype.Int, sqltype.BigInt:
		x := v.Int64()
		r := s.n + x
		if (r > s.n) != (x > 0) {
			return sqltype.OverflowError("expression", sqltype.BigInt)
		}
		s.n = r
		return nil
	case sqltype.Float:
		x, err := sqltype.Assign(v, sqltype.TFloat)
		if err != nil {
			return err
		}
		s.f += x.Float64()
		return nil
	}
	x, err := sqltype.Assign(v, s.t)
	if err != nil {
		return err
	}
	if s.acc.IsNull() {
		s.acc = x
		return nil
	}
	r, err := sqltype.Arith(sqltype.OpAdd, s.acc, x)
	if err != nil {
		return err
	}
	s.acc, err = sqltype.Assign(r, s.t)
	return err
}

func (s *sumAcc) Result() (sqltype.Value, error) {
	if !s.has {
		return sqltype.Null(s.t), nil
	}
	switch s.t.Kind {
	case sqltype.Int:
		if s.n > math.MaxInt32 || s.n < math.MinInt32 {
			return sqltype.Value{}, sqltype.OverflowError("expression", sqltype.Int)
		}
		return sqltype.NewInt(s.n), nil
	case sqltype.BigInt:
		return sqltype.NewBigInt(s.n), nil
	case sqltype.Float:
		return sqltype.NewFloat(s.f), nil
	}
	return s.acc, nil
}

// NewAvg is AVG with result type t (from AvgType): integer arguments give
// a truncated integer average, as in SQL Server.
func NewAvg(t sqltype.Type) func() Accumulator {
	st, _ := SumType(t)
	return func() Accumulator { return &avgAcc{t: t, sum: sumAcc{t: st}} }
}

type avgAcc struct {
	t   sqltype.Type
	sum sumAcc
	cnt int64
}

func (a *avgAcc) Add(v sqltype.Value) error {
	a.cnt++
	return a.sum.Add(v)
}

func (a *avgAcc) Result() (sqltype.Value, error) {
	if a.cnt == 0 {
		return sqltype.Null(a.t), nil
	}
	switch a.t.Kind {
	case sqltype.Int, sqltype.BigInt:
		q := a.sum.n / a.cnt
		if a.t.Kind == sqltype.Int {
			return sqltype.NewInt(q), nil
		}
		return sqltype.NewBigInt(q), nil
	case sqltype.Float:
		return sqltype.NewFloat(a.sum.f / float64(a.cnt)), nil
	case sqltype.Money:
		// money keeps four decimals; the quotient rounds as a money
		// division does.
		u := a.sum.acc.Int64()
		r := new(big.Rat).SetFrac(big.NewInt(u), big.NewInt(a.cnt))
		return sqltype.NewMoney(roundRat(r)), nil
	}
	// decimal: exact quotient rounded to the result scale.
	sum := a.sum.acc
	num := new(big.Int).Set(sum.Unscaled())
	scale := int(sum.Type().Scale)
	r := new(big.Rat).SetFrac(num, new(big.Int).Mul(big.NewInt(a.cnt), pow10(scale)))
	r.Mul(r, new(big.Rat).SetInt(pow10(int(a.t.Scale))))
	return sqltype.NewDecimal(big.NewInt(0).Set(bigRound(r)), a.t.Precision, a.t.Scale).WithType(a.t), nil
}

func pow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// bigRound rounds half away from zero.
func bigRound(r *big.Rat) *big.Int {
	num, den := r.Num(), r.Denom()
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	m2 := new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2))
	if m2.Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

func roundRat(r *big.Rat) int64 { return bigRound(r).Int64() }

// NewMinMax is MIN (max=false) or MAX over values of type t.
func NewMinMax(max bool, t sqltype.Type, cmp Compare) func() Accumulator {
	return func() Accumulator { return &minMaxAcc{max: max, t: t, cmp: cmp} }
}

type minMaxAcc struct {
	max bool
	t   sqltype.Type
	cmp Compare
	cur sqltype.Value
	has bool
}

func (m *minMaxAcc) Add(v sqltype.Value) error {
	if !m.has {
		m.cur, m.has = v, true
		return nil
	}
	c, err := m.cmp(v, m.cur)
	if err != nil {
		return err
	}
	if (m.max && c > 0) || (!m.max && c < 0) {
		m.cur = v
	}
	return nil
}

func (m *minMaxAcc) Result() (sqltype.Value, error) {
	if !m.has {
		return sqltype.Null(m.t), nil
	}
	if m.cur.Type() != m.t && m.t.Kind != sqltype.SQLVariant {
		return sqltype.Assign(m.cur, m.t)
	}
	return m.cur, nil
}

// StringAggType is STRING_AGG's result type for an argument of type t.
func StringAggType(t sqltype.Type) sqltype.Type {
	switch {
	case t.Kind == sqltype.NVarChar || t.Kind == sqltype.NChar:
		if t.Length == sqltype.Max {
			return t
		}
		return sqltype.NVarCharN(4000)
	case t.Kind == sqltype.VarChar || t.Kind == sqltype.Char:
		if t.Length == sqltype.Max {
			return t
		}
		return sqltype.VarCharN(8000)
	}
	return sqltype.NVarCharN(4000)
}

// NewStringAgg is STRING_AGG(x, sep) with result type t. A result longer
// than 8000 bytes of a non-max type is Msg 9829.
func NewStringAgg(t sqltype.Type, sep string) func() Accumulator {
	return func() Accumulator { return &stringAgg{t: t, sep: sep} }
}

type stringAgg struct {
	t   sqltype.Type
	sep string
	b   strings.Builder
	has bool
}

func (s *stringAgg) Add(v sqltype.Value) error {
	str := v.Str()
	if !v.Kind().IsString() {
		c, err := sqltype.Convert(v, sqltype.NVarCharN(4000), 0)
		if err != nil {
			return err
		}
		str = c.Str()
	}
	if s.has {
		s.b.WriteString(s.sep)
	}
	s.b.WriteString(str)
	s.has = true
	return nil
}

func (s *stringAgg) Result() (sqltype.Value, error) {
	if !s.has {
		return sqltype.Null(s.t), nil
	}
	out := s.b.String()
	if s.t.Length != sqltype.Max && sqltype.DataLength(out, s.t.Kind.IsUnicode()) > 8000 {
		return sqltype.Value{}, sqlerr.New(9829, 16, 1, "STRING_AGG aggregation result exceeded the limit of 8000 bytes. Use LOB types to avoid result truncation.")
	}
	return sqltype.NewString(s.t, out), nil
}

// NewStat is STDEV, STDEVP, VAR or VARP (float results; NULL when there are
// too few values).
func NewStat(kind string) func() Accumulator {
	return func() Accumulator { return &statAcc{kind: kind} }
}

type statAcc struct {
	kind    string
	n       int64
	mean, m float64
}

func (s *statAcc) Add(v sqltype.Value) error {
	x, err := sqltype.Assign(v, sqltype.TFloat)
	if err != nil {
		return err
	}
	s.n++
	d := x.Float64() - s.mean
	s.mean += d / float64(s.n)
	s.m += d * (x.Float64() - s.mean)
	return nil
}

func (s *statAcc) Result() (sqltype.Value, error) {
	pop := s.kind == "STDEVP" || s.kind == "VARP"
	if s.n == 0 || (!pop && s.n < 2) {
		return sqltype.Null(sqltype.TFloat), nil
	}
	d := float64(s.n - 1)
	if pop {
		d = float64(s.n)
	}
	v := s.m / d
	if strings.HasPrefix(s.kind, "STDEV") {
		v = math.Sqrt(v)
	}
	return sqltype.NewFloat(v), nil
}
