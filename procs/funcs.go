package procs

import (
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
)

// Version is @@VERSION, as SQL Server 2022 RTM on Linux reports it
// (consistent with LOGINACK 16.0.1000).
const Version = "Microsoft SQL Server 2022 (RTM) - 16.0.1000.6 (X64) \n\tOct  8 2022 05:58:25 \n\tCopyright (C) 2022 Microsoft Corporation\n\tDeveloper Edition (64-bit) on Linux (Ubuntu 20.04.5 LTS) <X64>"

func (f *frame) dateFormat() sqltype.DateFormat {
	if f == nil {
		return sqltype.DateMDY
	}
	return f.s.dateFormat
}

// global compiles @@name.
func (c *compiler) global(x *tsql.GlobalVar) (*cexpr, error) {
	name := strings.ToUpper(x.Name)
	mk := func(t sqltype.Type, fn func(f *frame) sqltype.Value) (*cexpr, error) {
		return &cexpr{typ: t, nullable: true, eval: func(f *frame, _ rows.Row) (sqltype.Value, error) { return fn(f), nil }}, nil
	}
	switch name {
	case "@@SPID":
		return mk(sqltype.TSmallInt, func(f *frame) sqltype.Value { return sqltype.NewSmallInt(int64(f.s.spid)) })
	case "@@TRANCOUNT":
		return mk(sqltype.TInt, func(f *frame) sqltype.Value { return sqltype.NewInt(int64(f.s.tran.count)) })
	case "@@ERROR":
		return mk(sqltype.TInt, func(f *frame) sqltype.Value { return sqltype.NewInt(int64(f.s.lastError)) })
	case "@@ROWCOUNT":
		return mk(sqltype.TInt, func(f *frame) sqltype.Value { return sqltype.NewInt(f.s.rowCount) })
	case "@@FETCH_STATUS":
		return mk(sqltype.TInt, func(f *frame) sqltype.Value { return sqltype.NewInt(int64(f.s.fetchStatus)) })
	case "@@IDENTITY":
		return mk(sqltype.NumericPS(38, 0), func(f *frame) sqltype.Value { return f.s.identity })
	case "@@LANGUAGE":
		return mk(sqltype.TSysname, func(f *frame) sqltype.Value { return sqltype.NewString(sqltype.TSysname, f.s.language) })
	case "@@DATEFIRST":
		return mk(sqltype.TTinyInt, func(f *frame) sqltype.Value { return sqltype.NewTinyInt(int64(f.s.dateFirst)) })
	case "@@OPTIONS":
		return mk(sqltype.TInt, func(f *frame) sqltype.Value { return sqltype.NewInt(int64(f.s.options)) })
	case "@@VERSION":
		return mk(sqltype.NVarCharN(300), func(*frame) sqltype.Value { return sqltype.NewString(sqltype.NVarCharN(300), Version) })
	case "@@SERVERNAME":
		return mk(sqltype.TSysname, func(f *frame) sqltype.Value { return sqltype.NewString(sqltype.TSysname, f.s.e.server) })
	case "@@SERVICENAME":
		return mk(sqltype.TSysname, func(*frame) sqltype.Value { return sqltype.NewString(sqltype.TSysname, "MSSQLSERVER") })
	case "@@NESTLEVEL":
		return mk(sqltype.TInt, func(f *frame) sqltype.Value { return sqltype.NewInt(int64(f.s.nesting)) })
	case "@@MAX_PRECISION":
		return mk(sqltype.TTinyInt, func(*frame) sqltype.Value { return sqltype.NewTinyInt(38) })
	case "@@TEXTSIZE":
		return mk(sqltype.TInt, func(f *frame) sqltype.Value { return sqltype.NewInt(int64(f.s.textSize)) })
	case "@@LOCK_TIMEOUT":
		return mk(sqltype.TInt, func(f *frame) sqltype.Value { return sqltype.NewInt(int64(f.s.lockTimeout)) })
	case "@@PROCID":
		return mk(sqltype.TInt, func(f *frame) sqltype.Value {
			if id, ok := f.s.objectID(f.mod.name); ok && f.mod.name != "" {
				return sqltype.NewInt(int64(id))
			}
			return sqltype.NewInt(0)
		})
	case "@@MAX_CONNECTIONS":
		return mk(sqltype.TInt, func(*frame) sqltype.Value { return sqltype.NewInt(32767) })
	case "@@MICROSOFTVERSION":
		return mk(sqltype.TInt, func(*frame) sqltype.Value { return sqltype.NewInt(0x100003E8) })
	case "@@CURSOR_ROWS":
		return mk(sqltype.TInt, func(f *frame) sqltype.Value { return sqltype.NewInt(f.s.cursorRows) })
	}
	return nil, c.undeclared(x.Name, x.Pos, 2)
}

// fn is a scalar function the engine evaluates itself: the ones that read
// session state (ERROR_*, XACT_STATE, OBJECT_ID ...) and the lazy ones
// (ISNULL, COALESCE, IIF, NULLIF).
type fnCompiler func(c *compiler, x *tsql.FuncCall, args []*cexpr, sc *rowScope) (*cexpr, error)

var engineFuncs map[string]fnCompiler

func init() {
	engineFuncs = map[string]fnCompiler{
		"ISNULL":         fnIsNull,
		"COALESCE":       fnCoalesce,
		"NULLIF":         fnNullIf,
		"IIF":            nil, // compiled specially: its first argument is a condition
		"ERROR_NUMBER":   errFn(sqltype.TInt, func(e *sqlerr.Error) sqltype.Value { return sqltype.NewInt(int64(e.Number)) }),
		"ERROR_SEVERITY": errFn(sqltype.TInt, func(e *sqlerr.Error) sqltype.Value { return sqltype.NewInt(int64(e.Severity)) }),
		"ERROR_STATE":    errFn(sqltype.TInt, func(e *sqlerr.Error) sqltype.Value { return sqltype.NewInt(int64(e.State)) }),
		"ERROR_LINE":     errFn(sqltype.TInt, func(e *sqlerr.Error) sqltype.Value { return sqltype.NewInt(int64(e.Line)) }),
		"ERROR_MESSAGE":  errFn(sqltype.NVarCharN(4000), func(e *sqlerr.Error) sqltype.Value { return sqltype.NewString(sqltype.NVarCharN(4000), e.Message) }),
		"ERROR_PROCEDURE": errFn(sqltype.TSysname, func(e *sqlerr.Error) sqltype.Value {
			if e.Procedure == "" {
				return sqltype.Null(sqltype.TSysname)
			}
			return sqltype.NewString(sqltype.TSysname, e.Procedure)
		}),
		"XACT_STATE": niladic(sqltype.TSmallInt, func(f *frame) (sqltype.Value, error) {
			return sqltype.NewSmallInt(f.s.xactState()), nil
		}),
		"SCOPE_IDENTITY": niladic(sqltype.NumericPS(38, 0), func(f *frame) (sqltype.Value, error) { return f.s.scopeIdentity, nil }),
		"OBJECT_ID":      fnObjectID,
		"CURSOR_STATUS":  fnCursorStatus,
		"SUSER_NAME":     loginFn,
		"SUSER_SNAME":    loginFn,
		"ORIGINAL_LOGIN": niladic(sqltype.TSysname, func(f *frame) (sqltype.Value, error) {
			return sqltype.NewString(sqltype.TSysname, f.s.origin.Login()), nil
		}),
		"SYSTEM_USER":  loginFn,
		"USER_NAME":    userFn,
		"CURRENT_USER": userFn,
		"SESSION_USER": userFn,
		"USER":         userFn,
		"IS_MEMBER": oneArg(sqltype.TInt, func(f *frame, v sqltype.Value) (sqltype.Value, error) {
			if v.IsNull() {
				return sqltype.Null(sqltype.TInt), nil
			}
			role := printable(v)
			if strings.EqualFold(role, "public") || f.s.principal.IsMember(f.s.database, role) {
				return sqltype.NewInt(1), nil
			}
			return sqltype.NewInt(0), nil
		}),
		"IS_SRVROLEMEMBER": oneArg(sqltype.TInt, func(f *frame, v sqltype.Value) (sqltype.Value, error) {
			if v.IsNull() {
				return sqltype.Null(sqltype.TInt), nil
			}
			role := printable(v)
			if strings.EqualFold(role, "public") || f.s.principal.IsServerRoleMember(role) || (strings.EqualFold(role, "sysadmin") && f.s.principal.IsSysadmin()) {
				return sqltype.NewInt(1), nil
			}
			return sqltype.NewInt(0), nil
		}),
	}
}

// datePartFuncs take a datepart keyword as their first argument.
var datePartFuncs = map[string]bool{"DATEADD": true, "DATEDIFF": true, "DATEDIFF_BIG": true, "DATEPART": true, "DATENAME": true, "DATETRUNC": true}

func niladic(t sqltype.Type, fn func(f *frame) (sqltype.Value, error)) fnCompiler {
	return func(c *compiler, x *tsql.FuncCall, args []*cexpr, _ *rowScope) (*cexpr, error) {
		if len(args) != 0 {
			return nil, c.argCount(x, 0)
		}
		return &cexpr{typ: t, nullable: true, eval: func(f *frame, _ rows.Row) (sqltype.Value, error) { return fn(f) }}, nil
	}
}

func oneArg(t sqltype.Type, fn func(f *frame, v sqltype.Value) (sqltype.Value, error)) fnCompiler {
	return func(c *compiler, x *tsql.FuncCall, args []*cexpr, _ *rowScope) (*cexpr, error) {
		if len(args) != 1 {
			return nil, c.argCount(x, 1)
		}
		a := args[0]
		return &cexpr{typ: t, nullable: true, eval: func(f *frame, r rows.Row) (sqltype.Value, error) {
			v, err := a.eval(f, r)
			if err != nil {
				return v, err
			}
			return fn(f, v)
		}}, nil
	}
}

func (c *compiler) argCount(x *tsql.FuncCall, n int) error {
	return c.compileErr(sqlerr.New(174, 15, 1, "The %s function requires %d argument(s).", strings.ToLower(x.Name.Name), n), x.Pos)
}

func errFn(t sqltype.Type, get func(e *sqlerr.Error) sqltype.Value) fnCompiler {
	return niladic(t, func(f *frame) (sqltype.Value, error) {
		if len(f.s.caught) == 0 {
			return sqltype.Null(t), nil
		}
		return get(f.s.caught[len(f.s.caught)-1]), nil
	})
}

var loginFn = func(c *compiler, x *tsql.FuncCall, args []*cexpr, sc *rowScope) (*cexpr, error) {
	return niladic(sqltype.TSysname, func(f *frame) (sqltype.Value, error) {
		return sqltype.NewString(sqltype.TSysname, f.s.principal.Login()), nil
	})(c, x, nil, sc)
}

var userFn = func(c *compiler, x *tsql.FuncCall, args []*cexpr, sc *rowScope) (*cexpr, error) {
	return niladic(sqltype.TSysname, func(f *frame) (sqltype.Value, error) {
		u := f.s.principal.User(f.s.database)
		if u == "" {
			u = "guest"
		}
		return sqltype.NewString(sqltype.TSysname, u), nil
	})(c, x, nil, sc)
}

func fnIsNull(c *compiler, x *tsql.FuncCall, args []*cexpr, _ *rowScope) (*cexpr, error) {
	if len(args) != 2 {
		return nil, c.argCount(x, 2)
	}
	a, b := args[0], args[1]
	t := a.typ
	if t.Kind == sqltype.Unknown {
		t = b.typ
	}
	return &cexpr{typ: t, nullable: a.nullable && b.nullable, eval: func(f *frame, r rows.Row) (sqltype.Value, error) {
		v, err := a.eval(f, r)
		if err != nil {
			return v, err
		}
		if !v.IsNull() {
			return convert(v, t)
		}
		w, err := b.eval(f, r)
		if err != nil {
			return w, err
		}
		return convert(w, t)
	}}, nil
}

func fnCoalesce(c *compiler, x *tsql.FuncCall, args []*cexpr, _ *rowScope) (*cexpr, error) {
	if len(args) < 2 {
		return nil, c.compileErr(sqlerr.New(189, 15, 1, "The coalesce function requires 2 to 254 arguments."), x.Pos)
	}
	t := args[0].typ
	nullable := true
	for _, a := range args[1:] {
		t = resultType(t, a.typ)
	}
	for _, a := range args {
		if !a.nullable {
			nullable = false
		}
	}
	return &cexpr{typ: t, nullable: nullable, eval: func(f *frame, r rows.Row) (sqltype.Value, error) {
		for _, a := range args {
			v, err := a.eval(f, r)
			if err != nil {
				return v, err
			}
			if !v.IsNull() {
				return convert(v, t)
			}
		}
		return sqltype.Null(t), nil
	}}, nil
}

func fnNullIf(c *compiler, x *tsql.FuncCall, args []*cexpr, _ *rowScope) (*cexpr, error) {
	if len(args) != 2 {
		return nil, c.argCount(x, 2)
	}
	a, b := args[0], args[1]
	return &cexpr{typ: a.typ, nullable: true, eval: func(f *frame, r rows.Row) (sqltype.Value, error) {
		v, err := a.eval(f, r)
		if err != nil || v.IsNull() {
			return v, err
		}
		w, err := b.eval(f, r)
		if err != nil {
			return w, err
		}
		if !w.IsNull() {
			n, err := compareIn(f, v, w)
			if err != nil {
				return v, err
			}
			if n == 0 {
				return sqltype.Null(a.typ), nil
			}
		}
		return v, nil
	}}, nil
}

func fnObjectID(c *compiler, x *tsql.FuncCall, args []*cexpr, _ *rowScope) (*cexpr, error) {
	if len(args) < 1 || len(args) > 2 {
		return nil, c.compileErr(sqlerr.New(189, 15, 1, "The object_id function requires 1 to 2 arguments."), x.Pos)
	}
	return &cexpr{typ: sqltype.TInt, nullable: true, eval: func(f *frame, r rows.Row) (sqltype.Value, error) {
		v, err := args[0].eval(f, r)
		if err != nil || v.IsNull() {
			return sqltype.Null(sqltype.TInt), err
		}
		id, typ, ok := f.s.objectInfo(f.ctx, printable(v))
		if !ok {
			return sqltype.Null(sqltype.TInt), nil
		}
		if len(args) == 2 {
			tv, err := args[1].eval(f, r)
			if err != nil {
				return tv, err
			}
			if want := strings.TrimSpace(printable(tv)); !tv.IsNull() && !strings.EqualFold(want, typ) {
				return sqltype.Null(sqltype.TInt), nil
			}
		}
		return sqltype.NewInt(int64(id)), nil
	}}, nil
}

// funcCall compiles a function call: the engine's own functions first, then
// the registry of built-in scalar functions.
func (c *compiler) funcCall(x *tsql.FuncCall, sc *rowScope) (*cexpr, error) {
	if x.Over != nil {
		return c.windowCall(x, sc)
	}
	if isAggregate(x) {
		return c.aggCall(x, sc)
	}
	if x.Star || x.Distinct {
		return nil, c.syntax("*", x.Pos, false)
	}
	name := strings.ToUpper(x.Name.Name)
	if x.Name.Parts > 1 {
		return nil, c.runtimeErr(sqlerr.New(4121, 16, 1, "Cannot find either column \"%s\" or the user-defined function or aggregate \"%s\", or the name is ambiguous.", x.Name.Schema, x.Name.String()))
	}
	if name == "IIF" {
		return c.iif(x, sc)
	}
	args := make([]*cexpr, len(x.Args))
	for i, a := range x.Args {
		if i == 0 && datePartFuncs[name] {
			// DATEADD(day, ...): the datepart keyword travels as its text.
			if cr, ok := a.(*tsql.ColumnRef); ok && cr.Table == nil {
				args[i] = constExpr(sqltype.NewNVarChar(cr.Column))
				continue
			}
		}
		e, err := c.expr(a, sc)
		if err != nil {
			return nil, err
		}
		args[i] = e
	}
	if fc, ok := engineFuncs[name]; ok && fc != nil {
		return fc(c, x, args, sc)
	}
	if fc := c.e.builtinFunc(name); fc != nil {
		return fc(c, x, args, sc)
	}
	return nil, c.compileErr(sqlerr.New(195, 15, 10, "'%s' is not a recognized built-in function name.", x.Name.Name), x.Pos)
}

func (c *compiler) iif(x *tsql.FuncCall, sc *rowScope) (*cexpr, error) {
	if len(x.Args) != 3 {
		return nil, c.argCount(x, 3)
	}
	cond, err := c.cond(x.Args[0], sc)
	if err != nil {
		return nil, err
	}
	a, err := c.expr(x.Args[1], sc)
	if err != nil {
		return nil, err
	}
	b, err := c.expr(x.Args[2], sc)
	if err != nil {
		return nil, err
	}
	t := resultType(a.typ, b.typ)
	return &cexpr{typ: t, nullable: true, eval: func(f *frame, r rows.Row) (sqltype.Value, error) {
		tv, err := cond(f, r)
		if err != nil {
			return sqltype.Value{}, err
		}
		pick := b
		if tv == triTrue {
			pick = a
		}
		v, err := pick.eval(f, r)
		if err != nil {
			return v, err
		}
		return convert(v, t)
	}}, nil
}
