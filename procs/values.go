package procs

// This file is the engine's one door to value semantics (catalog/sqltype):
// conversion, comparison under the database collation, arithmetic and
// formatting. The rest of the engine calls only these.

import (
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// coll is the server and database collation.
var coll = sqltype.CollationDefault

// convert is an implicit conversion (assignment, comparison operand):
// strings are cut silently to the target length.
func convert(v sqltype.Value, to sqltype.Type) (sqltype.Value, error) {
	if to.Kind == sqltype.SQLVariant || to.Kind == sqltype.Unknown {
		return v, nil
	}
	if v.IsNull() {
		return sqltype.Null(to), nil
	}
	if v.Type() == to {
		return v, nil
	}
	return sqltype.Assign(v, to)
}

// bindConvert converts an EXEC argument to its parameter's type; failures
// are reported as 8114 by the binder.
func bindConvert(v sqltype.Value, to sqltype.Type) (sqltype.Value, error) {
	return sqltype.ConvertWith(v, to, sqltype.ConvertOptions{Implicit: true, Binding: true})
}

// castValue is CAST/CONVERT (try: TRY_CAST/TRY_CONVERT).
func castValue(v sqltype.Value, to sqltype.Type, style int, try bool, df sqltype.DateFormat) (sqltype.Value, error) {
	return sqltype.ConvertWith(v, to, sqltype.ConvertOptions{Style: style, Try: try, DateFormat: df})
}

// compareValues compares two non-NULL values under the database collation.
func compareValues(a, b sqltype.Value) (int, error) {
	return sqltype.Compare(a, b, coll)
}

// compareIn is compareValues in a running statement: a string compared
// with a date or time converts as an assignment to it does, under the
// session's SET DATEFORMAT ('01/12/2026' is 1 December under dmy).
func compareIn(f *frame, a, b sqltype.Value) (int, error) {
	if f.dateFormat() != sqltype.DateMDY {
		var err error
		switch {
		case a.Kind().IsString() && b.Kind().IsDateTime():
			a, err = f.assign(a, b.Type())
		case b.Kind().IsString() && a.Kind().IsDateTime():
			b, err = f.assign(b, a.Type())
		}
		if err != nil {
			return 0, err
		}
	}
	return sqltype.Compare(a, b, coll)
}

// arithOps maps the operator bytes the compiler uses to sqltype's; an
// array, not a map: it is on the path of every arithmetic operation.
var arithOps = func() (ops [256]sqltype.Op) {
	ops['+'], ops['-'], ops['*'], ops['/'], ops['%'] = sqltype.OpAdd, sqltype.OpSub, sqltype.OpMul, sqltype.OpDiv, sqltype.OpMod
	ops['&'], ops['|'], ops['^'] = sqltype.OpBitAnd, sqltype.OpBitOr, sqltype.OpBitXor
	return ops
}()

// arith applies an arithmetic, bitwise or concatenation operator.
func arith(op byte, a, b sqltype.Value) (sqltype.Value, error) {
	return sqltype.Arith(arithOps[op], a, b)
}

// arithType is the static result type of a op b.
func arithType(op byte, a, b sqltype.Type) (sqltype.Type, error) {
	return sqltype.ArithType(arithOps[op], a, b)
}

// resultType is the type of CASE/COALESCE/IIF branches combined.
func resultType(a, b sqltype.Type) sqltype.Type {
	t, err := sqltype.ResultType(a, b)
	if err != nil {
		if sqltype.Precedence(b.Kind) > sqltype.Precedence(a.Kind) {
			return b
		}
		return a
	}
	return t
}

// printable renders a value for PRINT and messages.
func printable(v sqltype.Value) string {
	if v.IsNull() {
		return ""
	}
	if v.Kind().IsString() {
		return v.Str()
	}
	return sqltype.Format(v)
}

// like is LIKE under the database collation.
func like(s, pattern string, escape rune) bool {
	return sqltype.Like(s, pattern, escape, coll)
}

func intFits(k sqltype.Kind, n int64) bool {
	switch k {
	case sqltype.TinyInt:
		return n >= 0 && n <= 255
	case sqltype.SmallInt:
		return n >= -32768 && n <= 32767
	case sqltype.Int:
		return n >= -2147483648 && n <= 2147483647
	}
	return true
}
