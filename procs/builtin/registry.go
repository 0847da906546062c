// Package builtin is SQL Server's scalar built-in functions over
// sqltype.Value: a registry the engine looks functions up in by name, with
// arity checks (Msg 174/189), result types from argument types (for
// result-set metadata before any row exists) and evaluation. Everything
// session- or server-dependent comes through Env, so the package is pure.
//
// The engine's part: parsing, lazy evaluation of ISNULL/COALESCE/IIF/CASE
// (helpers for their types are here), the CATCH-state ERROR_* functions,
// and Msg 195 for names that are not here.
package builtin

import (
	"sort"
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// Func is one built-in scalar function.
type Func struct {
	// Name is the function's name in upper case (@@VERSION for globals).
	Name string
	// MinArgs and MaxArgs bound the argument count; MaxArgs -1 is
	// unbounded.
	MinArgs, MaxArgs int
	// DatePartArg marks DATEADD, DATEDIFF, DATEDIFF_BIG, DATEPART,
	// DATENAME and DATETRUNC: their first argument is a datepart keyword
	// (year, yy, mm, ...), which the engine passes as an nvarchar value of
	// its text (type NVarCharN(n)). ResultType validates it when its
	// value is known; CheckDatePart does it at compile time.
	DatePartArg bool
	// Volatile functions can return different values for the same
	// arguments: they read the clock or a random source (GETDATE, NEWID,
	// RAND) or session state that SET, USE or EXECUTE AS change
	// (DATEFIRST for DATEPART, DATEFORMAT for date strings, LANGUAGE for
	// FORMAT, the login for SUSER_NAME...). Do not fold them into
	// constants at compile time.
	Volatile bool

	resolve func(ts []sqltype.Type) (sqltype.Type, error)
	eval    func(c *call) (sqltype.Value, error)
}

// call is one evaluation: the environment, the argument values, their
// static types and the static result type.
type call struct {
	env   Env
	args  []sqltype.Value
	types []sqltype.Type
	typ   sqltype.Type
	name  string
}

var registry = map[string]*Func{}

func register(f *Func) {
	for _, n := range sessionDependent {
		if n == f.Name {
			f.Volatile = true
		}
	}
	registry[f.Name] = f
}

// sessionDependent lists the functions whose result depends on Env state
// other than the clock; register marks them Volatile.
var sessionDependent = []string{
	"DATEADD", "DATEDIFF", "DATEDIFF_BIG", "DATEPART", "DATENAME", "DATETRUNC", "YEAR", "MONTH", "DAY", "EOMONTH",
	"ISDATE", "TODATETIMEOFFSET", "SWITCHOFFSET", "FORMAT", "CHARINDEX", "PATINDEX", "REPLACE", "TRANSLATE", "NULLIF",
	"ORIGINAL_LOGIN", "CURRENT_USER", "SESSION_USER", "USER", "SYSTEM_USER", "APP_NAME", "HOST_NAME",
	"SUSER_NAME", "SUSER_SNAME", "SUSER_SID", "SUSER_ID", "USER_NAME", "USER_ID", "DATABASE_PRINCIPAL_ID",
	"IS_MEMBER", "IS_ROLEMEMBER", "IS_SRVROLEMEMBER", "HAS_PERMS_BY_NAME",
	"DB_NAME", "DB_ID", "SCHEMA_NAME", "SCHEMA_ID", "OBJECT_ID", "OBJECT_NAME", "OBJECT_SCHEMA_NAME",
	"SERVERPROPERTY", "DATABASEPROPERTYEX",
	"@@SERVERNAME", "@@SPID", "@@LANGUAGE", "@@DATEFIRST", "@@TEXTSIZE", "@@OPTIONS",
}

// Lookup finds a function by name, case-insensitively.
func Lookup(name string) (*Func, bool) {
	f, ok := registry[strings.ToUpper(name)]
	return f, ok
}

// Names lists every registered function, sorted.
func Names() []string {
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// CheckArity returns Msg 174 or 189 when n arguments do not suit f. The
// function name in these messages is lower case, as SQL Server prints it.
func (f *Func) CheckArity(n int) error {
	if n >= f.MinArgs && (f.MaxArgs < 0 || n <= f.MaxArgs) {
		return nil
	}
	name := strings.ToLower(f.Name)
	if f.MinArgs == f.MaxArgs {
		return sqlerr.New(174, 15, 1, "The %s function requires %d argument(s).", name, f.MinArgs)
	}
	max := f.MaxArgs
	if max < 0 {
		max = 254
	}
	return sqlerr.New(189, 15, 1, "The %s function requires %d to %d arguments.", name, f.MinArgs, max)
}

// ResultType checks the arity and returns the result type for arguments of
// the given static types.
func (f *Func) ResultType(args []sqltype.Type) (sqltype.Type, error) {
	if err := f.CheckArity(len(args)); err != nil {
		return sqltype.Type{}, err
	}
	return f.resolve(args)
}

// Bound is a function bound to its static argument types: its result type
// is known, and Eval returns values of exactly that type.
type Bound struct {
	Func  *Func
	Type  sqltype.Type
	types []sqltype.Type
}

// Bind checks arity and argument types once, at compile time.
func (f *Func) Bind(args []sqltype.Type) (*Bound, error) {
	t, err := f.ResultType(args)
	if err != nil {
		return nil, err
	}
	return &Bound{Func: f, Type: t, types: append([]sqltype.Type(nil), args...)}, nil
}

// Eval evaluates the bound function.
func (b *Bound) Eval(env Env, args []sqltype.Value) (sqltype.Value, error) {
	c := &call{env: env, args: args, types: b.types, typ: b.Type, name: b.Func.Name}
	v, err := b.Func.eval(c)
	if err != nil {
		return sqltype.Value{}, err
	}
	return conform(v, b.Type)
}

// Eval evaluates f without a prior Bind: the static types are the
// values' own.
func (f *Func) Eval(env Env, args []sqltype.Value) (sqltype.Value, error) {
	ts := make([]sqltype.Type, len(args))
	for i, a := range args {
		ts[i] = a.Type()
	}
	b, err := f.Bind(ts)
	if err != nil {
		return sqltype.Value{}, err
	}
	return b.Eval(env, args)
}

// conform gives v the static result type t: NULLs are retyped, same-kind
// values relabelled, others converted.
func conform(v sqltype.Value, t sqltype.Type) (sqltype.Value, error) {
	if t.Kind == sqltype.SQLVariant {
		return v, nil
	}
	if v.IsNull() {
		return sqltype.Null(t), nil
	}
	vt := v.Type()
	if vt == t {
		return v, nil
	}
	if vt.Kind == t.Kind {
		switch t.Kind {
		case sqltype.Decimal, sqltype.Numeric, sqltype.Time, sqltype.DateTime2, sqltype.DateTimeOffset:
			if vt.Scale == t.Scale {
				return v.WithType(t), nil
			}
		case sqltype.Char, sqltype.NChar, sqltype.Binary:
		default:
			return v.WithType(t), nil
		}
	}
	return sqltype.Assign(v, t)
}

// fixed returns a resolver that always gives t.
func fixed(t sqltype.Type) func([]sqltype.Type) (sqltype.Type, error) {
	return func([]sqltype.Type) (sqltype.Type, error) { return t, nil }
}

// ---- helpers for the engine's lazy functions ----

// IsNullType is the type of ISNULL(a, b): the type of a (b's when a is an
// untyped NULL, int when both are).
func IsNullType(a, b sqltype.Type) sqltype.Type {
	switch {
	case a.Kind != sqltype.Unknown:
		return a
	case b.Kind != sqltype.Unknown:
		return b
	}
	return sqltype.TInt
}

// CoalesceType is the type of COALESCE, CASE and IIF branches, and of
// CHOOSE's choices: the highest-precedence type, widened (an untyped
// NULL alone is int).
func CoalesceType(ts ...sqltype.Type) (sqltype.Type, error) {
	t, err := sqltype.CombineTypes(ts...)
	if err != nil {
		return sqltype.Type{}, err
	}
	if t.Kind == sqltype.Unknown {
		return sqltype.TInt, nil
	}
	return t, nil
}

// NullIfType is the type of NULLIF(a, b): a's type.
func NullIfType(a, b sqltype.Type) sqltype.Type { return IsNullType(a, b) }
