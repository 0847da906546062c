package builtin

import (
	"math"
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// Argument helpers: built-in functions convert their arguments implicitly,
// so a conversion failure is the usual 245/8114.

var nvarMax = sqltype.NVarCharN(sqltype.Max)

// str converts a to a string (NULL reports ok=false).
func str(a sqltype.Value) (string, bool, error) {
	if a.IsNull() {
		return "", false, nil
	}
	if a.Kind().IsString() {
		return a.Str(), true, nil
	}
	v, err := sqltype.Assign(a, nvarMax)
	if err != nil {
		return "", false, err
	}
	return v.Str(), true, nil
}

// strPair converts the first two arguments to strings, in order; ok is
// false when either is NULL.
func strPair(c *call) (a, b string, ok bool, err error) {
	a, okA, err := str(c.args[0])
	if err != nil {
		return "", "", false, err
	}
	b, okB, err := str(c.args[1])
	if err != nil {
		return "", "", false, err
	}
	return a, b, okA && okB, nil
}

// strAndOptional converts the first argument to a string and the optional
// second one too, def when it is absent; ok is false when either is NULL
// (a NULL first argument leaves the second unread).
func strAndOptional(c *call, def string) (s, opt string, ok bool, err error) {
	s, ok, err = str(c.args[0])
	if err != nil || !ok {
		return "", "", false, err
	}
	if len(c.args) < 2 {
		return s, def, true, nil
	}
	opt, ok, err = str(c.args[1])
	if err != nil || !ok {
		return "", "", false, err
	}
	return s, opt, true, nil
}

// nonNullStrings converts args to strings, in order, leaving out NULLs.
func nonNullStrings(args []sqltype.Value) ([]string, error) {
	var out []string
	for _, a := range args {
		s, ok, err := str(a)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, s)
		}
	}
	return out, nil
}

// strTriple converts the first three arguments to strings in order; ok is
// false at the first NULL, after which nothing more is converted.
func strTriple(c *call) (parts [3]string, ok bool, err error) {
	for i := range parts {
		s, ok, err := str(c.args[i])
		if err != nil || !ok {
			return parts, false, err
		}
		parts[i] = s
	}
	return parts, true, nil
}

// floatPair converts the first two arguments to float, in order; ok is
// false when either is NULL.
func floatPair(c *call) (a, b float64, ok bool, err error) {
	a, okA, err := float(c.args[0])
	if err != nil {
		return 0, 0, false, err
	}
	b, okB, err := float(c.args[1])
	if err != nil {
		return 0, 0, false, err
	}
	return a, b, okA && okB, nil
}

// indexType is the result type of CHARINDEX and PATINDEX: bigint when the
// searched string is a (max) type, int otherwise.
func indexType(ts []sqltype.Type) (sqltype.Type, error) {
	if isMax(ts[1]) {
		return sqltype.TBigInt, nil
	}
	return sqltype.TInt, nil
}

// integer converts a to an int (bigint range when big is set).
func integer(a sqltype.Value, big bool) (int64, bool, error) {
	if a.IsNull() {
		return 0, false, nil
	}
	k := a.Kind()
	if k.IsInteger() {
		if !big && (a.Int64() > math.MaxInt32 || a.Int64() < math.MinInt32) {
			return 0, false, sqltype.OverflowError("expression", sqltype.Int)
		}
		return a.Int64(), true, nil
	}
	t := sqltype.TInt
	if big {
		t = sqltype.TBigInt
	}
	v, err := sqltype.Assign(a, t)
	if err != nil {
		return 0, false, err
	}
	return v.Int64(), true, nil
}

// float converts a to float.
func float(a sqltype.Value) (float64, bool, error) {
	if a.IsNull() {
		return 0, false, nil
	}
	v, err := sqltype.Assign(a, sqltype.TFloat)
	if err != nil {
		return 0, false, err
	}
	return v.Float64(), true, nil
}

// isUnicode reports whether a string result should be nvarchar.
func isUnicode(t sqltype.Type) bool {
	return t.Kind.IsUnicode() || t.Kind == sqltype.SQLVariant || t.Kind == sqltype.XML
}

// stringType is the string type a function returns for an argument of
// type t with length n (Max for (max)): nvarchar for Unicode arguments,
// varchar otherwise.
func stringType(t sqltype.Type, n int32) sqltype.Type {
	if isUnicode(t) {
		if n != sqltype.Max && n > 4000 {
			n = 4000
		}
		return sqltype.NVarCharN(n)
	}
	if n != sqltype.Max && n > 8000 {
		n = 8000
	}
	return sqltype.VarCharN(n)
}

// lengthOf is a string argument's declared length; non-string arguments
// count as the width of their longest string form.
func lengthOf(t sqltype.Type) int32 {
	switch {
	case t.Kind.IsString() || t.Kind.IsBinary():
		if t.Kind == sqltype.Text || t.Kind == sqltype.NText || t.Kind == sqltype.Image {
			return sqltype.Max
		}
		if t.Length == 0 {
			return 1
		}
		return t.Length
	case t.Kind == sqltype.Unknown:
		return 1
	case t.Kind == sqltype.UniqueIdentifier:
		return 36
	case t.Kind.IsDateTime():
		return 34
	case t.Kind == sqltype.XML, t.Kind == sqltype.SQLVariant:
		return sqltype.Max
	}
	return 41 // numbers: the longest decimal(38) with sign and point
}

func isMax(t sqltype.Type) bool {
	return lengthOf(t) == sqltype.Max
}

// mkString builds a result string value of type t.
func mkString(t sqltype.Type, s string) sqltype.Value {
	return sqltype.NewString(t, s)
}

// argTypeErr is Msg 8116 "Argument data type %ls is invalid for argument
// %d of %ls function."
func argTypeErr(t sqltype.Type, n int, fn string) error {
	return sqlerr.New(8116, 16, 1, "Argument data type %s is invalid for argument %d of %s function.", typeName(t), n, strings.ToLower(fn))
}

func typeName(t sqltype.Type) string {
	if t.Kind == sqltype.Unknown {
		return "NULL"
	}
	return t.Kind.String()
}

// requireString rejects argument types a string function does not take.
func requireString(t sqltype.Type, n int, fn string) error {
	switch {
	case t.Kind.IsString(), t.Kind == sqltype.Unknown:
		return nil
	case t.Kind == sqltype.XML, t.Kind == sqltype.Image:
		return argTypeErr(t, n, fn)
	}
	return nil // numbers, dates and GUIDs convert to strings implicitly
}
