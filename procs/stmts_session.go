package procs

import (
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// ---------------------------------------------------------------------------
// RAISERROR

type raiserrorStmt struct {
	msg, sev, state       *cexpr
	args                  []*cexpr
	log, nowait, setError bool
}

func (c *compiler) raiserror(x *tsql.RaiserrorStmt) (stmt, error) {
	if len(x.Args) > 20 {
		return nil, c.compileErr(sqlerr.New(2747, 16, 1, "Too many substitution parameters for RAISERROR. Cannot exceed %d substitution parameters.", 20), x.Pos)
	}
	r := &raiserrorStmt{log: x.Log, nowait: x.NoWait, setError: x.SetError}
	var err error
	if r.msg, err = c.expr(x.Message, nil); err != nil {
		return nil, err
	}
	if r.sev, err = c.expr(x.Severity, nil); err != nil {
		return nil, err
	}
	if r.state, err = c.expr(x.State, nil); err != nil {
		return nil, err
	}
	if r.args, err = c.exprs(x.Args, nil); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *raiserrorStmt) exec(f *frame) (flow, error) {
	mv, err := r.msg.eval(f, nil)
	if err != nil {
		return flowNext, err
	}
	sv, err := r.sev.eval(f, nil)
	if err != nil {
		return flowNext, err
	}
	stv, err := r.state.eval(f, nil)
	if err != nil {
		return flowNext, err
	}
	args := make([]sqltype.Value, len(r.args))
	for i, a := range r.args {
		if args[i], err = a.eval(f, nil); err != nil {
			return flowNext, err
		}
	}
	sevV, err := convert(sv, sqltype.TInt)
	if err != nil {
		return flowNext, err
	}
	stV, err := convert(stv, sqltype.TInt)
	if err != nil {
		return flowNext, err
	}
	sev := sevV.Int64()
	state := stV.Int64()
	switch {
	case sev < 0:
		sev = 0
	case sev > 25:
		sev = 25
	}
	if state < 0 {
		state = 1
	}
	if state > 255 {
		state = 255
	}
	number := int32(50000)
	var text string
	if mv.Kind().IsInteger() {
		n := mv.Int64()
		if n < 13000 || n == 50000 {
			return flowNext, sqlerr.New(2732, 16, 1, "Error number %d is invalid. The number must be from %d through %d and it cannot be 50000.", n, 13000, 2147483647)
		}
		return flowNext, sqlerr.New(18054, 16, 1, "Error %d, severity %d, state %d was raised, but no message with that error number was found in sys.messages. If error is larger than 50000, make sure the user-defined message is added using sp_addmessage.", n, sev, state)
	}
	text, err = sqltype.FormatRaiserror(printable(mv), args)
	if err != nil {
		return flowNext, err
	}
	if sev > 18 && !r.log {
		return flowNext, sqlerr.New(2754, 16, 1, "Error severity levels greater than %d can only be specified by members of the sysadmin role, using the WITH LOG option.", 18)
	}
	if sev > 18 && !f.s.principal.IsSysadmin() {
		return flowNext, sqlerr.New(2754, 16, 1, "Error severity levels greater than %d can only be specified by members of the sysadmin role, using the WITH LOG option.", 18)
	}
	e := &sqlerr.Error{Number: number, Severity: uint8(sev), State: uint8(state), Message: text}
	f.s.rowCount = 0
	if sev <= 10 {
		e.Procedure = f.mod.name
		e.Line = f.curLine
		if err := f.out.info(e); err != nil {
			return flowNext, err
		}
		if r.nowait {
			if err := f.out.w.Flush(); err != nil {
				return flowNext, err
			}
		}
		if r.setError {
			f.s.lastError = number
		} else {
			f.s.lastError = 0
		}
		return flowNext, f.out.done(cmdNone, 0, false, false)
	}
	term := termStatement
	if sev >= 20 {
		term = termConnection
	}
	return flowNext, &raiserrorErr{err: e, term: term}
}

// ---------------------------------------------------------------------------
// SET options

type setOptStmt struct {
	apply func(f *frame) error
}

func (s *setOptStmt) exec(f *frame) (flow, error) {
	if err := s.apply(f); err != nil {
		return flowNext, err
	}
	f.s.rowCount = 0
	f.s.lastError = 0
	return flowNext, f.out.done(cmdSet, 0, false, false)
}

var toggleOptions = map[string]int{
	"ANSI_NULLS": optAnsiNulls, "ANSI_PADDING": optAnsiPadding, "ANSI_WARNINGS": optAnsiWarnings,
	"ARITHABORT": optArithAbort, "ARITHIGNORE": optArithIgnore, "QUOTED_IDENTIFIER": optQuotedIdentifier,
	"NOCOUNT": optNoCount, "ANSI_NULL_DFLT_ON": optAnsiNullDfltOn, "ANSI_NULL_DFLT_OFF": optAnsiNullDfltOff,
	"CONCAT_NULL_YIELDS_NULL": optConcatNullYieldsNull, "NUMERIC_ROUNDABORT": optNumericRoundAbort,
	"XACT_ABORT": optXactAbort, "IMPLICIT_TRANSACTIONS": optImplicitTransactions,
	"CURSOR_CLOSE_ON_COMMIT": optCursorCloseOnCommit,
}

// acceptedToggles are options whose value the emulator accepts and has no
// use for (statistics and plan output, FMTONLY, ...).
var acceptedToggles = map[string]bool{
	"STATISTICS IO": true, "STATISTICS TIME": true, "STATISTICS PROFILE": true, "STATISTICS XML": true,
	"SHOWPLAN_ALL": true, "SHOWPLAN_TEXT": true, "SHOWPLAN_XML": true, "FORCEPLAN": true,
	"NOEXEC": true, "PARSEONLY": true, "FMTONLY": true, "REMOTE_PROC_TRANSACTIONS": true,
	"ANSI_DEFAULTS": true, "NO_BROWSETABLE": true, "XACT_ABORT ": true,
}

func (c *compiler) setOption(x *tsql.SetOptionStmt) (stmt, error) {
	var val *cexpr
	if x.Value != nil {
		var err error
		if val, err = c.expr(x.Value, nil); err != nil {
			return nil, err
		}
	}
	opts := x.Options
	on := x.Toggle == tsql.ToggleOn
	var tableName procName
	if x.Table != nil {
		tableName = nameOf(x.Table)
	}
	return &setOptStmt{apply: func(f *frame) error {
		s := f.s
		for _, o := range opts {
			if bit, ok := toggleOptions[o]; ok {
				if o == "IMPLICIT_TRANSACTIONS" && on {
					return sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", "IMPLICIT_TRANSACTIONS ON")
				}
				s.setOpt(bit, on)
				continue
			}
			if acceptedToggles[o] {
				if o == "ANSI_DEFAULTS" {
					for _, b := range []int{optAnsiNulls, optAnsiPadding, optAnsiWarnings, optQuotedIdentifier, optAnsiNullDfltOn, optCursorCloseOnCommit} {
						s.setOpt(b, on)
					}
				}
				continue
			}
			var v sqltype.Value
			if val != nil {
				var err error
				if v, err = val.eval(f, nil); err != nil {
					return err
				}
			}
			word := strings.ToUpper(strings.TrimSpace(printable(v)))
			switch o {
			case "DATEFIRST":
				n, err := convert(v, sqltype.TInt)
				if err != nil || n.Int64() < 1 || n.Int64() > 7 {
					return sqlerr.New(2739, 16, 1, "The DATEFIRST value %s is out of range. The valid range is 1-7.", printable(v))
				}
				s.dateFirst = int(n.Int64())
			case "DATEFORMAT":
				df, ok := sqltype.ParseDateFormat(word)
				if !ok {
					return sqlerr.New(2741, 16, 1, "SET DATEFORMAT date order '%s' is invalid.", printable(v))
				}
				s.dateFormat = df
			case "LANGUAGE":
				if !strings.EqualFold(word, "us_english") && !strings.EqualFold(word, "english") {
					return sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", "LANGUAGE "+printable(v))
				}
				s.language = "us_english"
			case "TEXTSIZE":
				n, err := convert(v, sqltype.TInt)
				if err != nil {
					return err
				}
				s.textSize = int(n.Int64())
				if s.textSize <= 0 {
					s.textSize = 2147483647
				}
			case "ROWCOUNT":
				n, err := convert(v, sqltype.TBigInt)
				if err != nil {
					return err
				}
				s.rowCountLimit = n.Int64()
			case "LOCK_TIMEOUT":
				n, err := convert(v, sqltype.TInt)
				if err != nil {
					return err
				}
				s.lockTimeout = int(n.Int64())
			case "TRANSACTION ISOLATION LEVEL":
				s.isolation = word
			case "DEADLOCK_PRIORITY", "QUERY_GOVERNOR_COST_LIMIT", "CONTEXT_INFO":
			case "IDENTITY_INSERT":
				return s.setIdentityInsert(tableName, on)
			default:
				return sqlerr.New(195, 15, 1, "'%s' is not a recognized SET option.", o)
			}
		}
		return nil
	}}, nil
}

// ---------------------------------------------------------------------------
// USE and transactions

type useStmt struct{ db string }

func (u *useStmt) exec(f *frame) (flow, error) {
	if err := f.s.useDatabase(u.db, f.out); err != nil {
		return flowNext, err
	}
	f.s.rowCount = 0
	f.s.lastError = 0
	return flowNext, f.out.done(cmdUse, 0, false, false)
}

type tranKind uint8

const (
	tranBegin tranKind = iota
	tranCommit
	tranRollback
	tranSave
)

type tranStmt struct {
	kind tranKind
	name *cexpr
}

func (c *compiler) tranStmt(k tranKind, name tsql.Expr) (stmt, error) {
	t := &tranStmt{kind: k}
	if name != nil {
		e, err := c.expr(name, nil)
		if err != nil {
			return nil, err
		}
		t.name = e
	}
	return t, nil
}

func (t *tranStmt) exec(f *frame) (flow, error) {
	name := ""
	if t.name != nil {
		v, err := t.name.eval(f, nil)
		if err != nil {
			return flowNext, err
		}
		name = printable(v)
	}
	s := f.s
	var err error
	cmd := tds.CmdBeginTx
	switch t.kind {
	case tranBegin:
		err = s.beginTran(f.ctx, name, f.out)
	case tranCommit:
		cmd = tds.CmdCommit
		err = s.commitTran(f.out)
	case tranRollback:
		cmd = tds.CmdRollbck
		err = s.rollbackTran(name, f.out)
	case tranSave:
		cmd = cmdSave
		err = s.saveTran(name)
	}
	if err != nil {
		return flowNext, err
	}
	s.rowCount = 0
	s.lastError = 0
	return flowNext, f.out.done(cmd, 0, false, false)
}

// ---------------------------------------------------------------------------
// EXECUTE AS / REVERT

type executeAsStmt struct {
	kind string
	name *cexpr
}

func (c *compiler) executeAs(x *tsql.ExecuteAsStmt) (stmt, error) {
	s := &executeAsStmt{kind: x.Kind}
	if x.Name != nil {
		e, err := c.expr(x.Name, nil)
		if err != nil {
			return nil, err
		}
		s.name = e
	}
	if x.Cookie != nil {
		return nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", "WITH COOKIE"))
	}
	return s, nil
}

func (x *executeAsStmt) exec(f *frame) (flow, error) {
	s := f.s
	if x.kind == "CALLER" {
		f.s.rowCount = 0
		return flowNext, f.out.done(cmdNone, 0, false, false)
	}
	if x.name == nil {
		return flowNext, sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", "EXECUTE AS "+x.kind)
	}
	v, err := x.name.eval(f, nil)
	if err != nil {
		return flowNext, err
	}
	name := printable(v)
	var p Principal
	if x.kind == "LOGIN" {
		if !s.principal.IsSysadmin() && !strings.EqualFold(name, s.principal.Login()) {
			return flowNext, sqlerr.New(15406, 16, 1, "Cannot execute as the server principal because the principal \"%s\" does not exist, this type of principal cannot be impersonated, or you do not have permission.", name)
		}
		p, err = s.e.cat.Principal(f.ctx, name)
		if err != nil {
			return flowNext, sqlerr.New(15406, 16, 1, "Cannot execute as the server principal because the principal \"%s\" does not exist, this type of principal cannot be impersonated, or you do not have permission.", name)
		}
	} else {
		p, err = s.e.cat.UserPrincipal(f.ctx, s.database, name, s.principal)
		if err != nil {
			return flowNext, sqlerr.New(15517, 16, 1, "Cannot execute as the database principal because the principal \"%s\" does not exist, this type of principal cannot be impersonated, or you do not have permission.", name)
		}
	}
	s.impStack = append(s.impStack, s.principal)
	s.principal = p
	s.rowCount = 0
	s.lastError = 0
	return flowNext, f.out.done(cmdNone, 0, false, false)
}

type revertStmt struct{}

func (revertStmt) exec(f *frame) (flow, error) {
	s := f.s
	if n := len(s.impStack); n > 0 {
		s.principal = s.impStack[n-1]
		s.impStack = s.impStack[:n-1]
	}
	s.rowCount = 0
	s.lastError = 0
	return flowNext, f.out.done(cmdNone, 0, false, false)
}

// ---------------------------------------------------------------------------
// Security statements, delegated to the catalog

type securityStmt struct {
	build func(f *frame) (SecurityStatement, error)
}

func (c *compiler) securityStmt(st tsql.Stmt) (stmt, error) {
	text := c.src.Text(st)
	opts := func(list []*tsql.PrincipalOption) (map[string]*cexpr, error) {
		m := map[string]*cexpr{}
		for _, o := range list {
			if o.Value == nil {
				m[o.Name] = constExpr(sqltype.NewNVarChar("ON"))
				continue
			}
			e, err := c.expr(o.Value, nil)
			if err != nil {
				return nil, err
			}
			m[o.Name] = e
		}
		return m, nil
	}
	evalOpts := func(f *frame, m map[string]*cexpr) (map[string]string, error) {
		out := map[string]string{}
		for k, e := range m {
			v, err := e.eval(f, nil)
			if err != nil {
				return nil, err
			}
			out[k] = printable(v)
		}
		return out, nil
	}
	var kind, name, member, login string
	var windows bool
	var list []*tsql.PrincipalOption
	switch x := st.(type) {
	case *tsql.CreateLoginStmt:
		kind, name, windows, list = "CREATE LOGIN", x.Name, x.FromWindows, x.Options
	case *tsql.AlterLoginStmt:
		kind, name, list = "ALTER LOGIN", x.Name, x.Options
		if x.Enable {
			list = append(list, &tsql.PrincipalOption{Name: "ENABLE"})
		}
		if x.Disable {
			list = append(list, &tsql.PrincipalOption{Name: "DISABLE"})
		}
	case *tsql.CreateUserStmt:
		kind, name, login, list = "CREATE USER", x.Name, x.Login, x.Options
		if x.WithoutLogin {
			list = append(list, &tsql.PrincipalOption{Name: "WITHOUT LOGIN"})
		}
	case *tsql.AlterUserStmt:
		kind, name, list = "ALTER USER", x.Name, x.Options
	case *tsql.CreateRoleStmt:
		kind, name = "CREATE ROLE", x.Name
		if x.Server {
			kind = "CREATE SERVER ROLE"
		}
	case *tsql.AlterRoleStmt:
		name, member = x.Role, x.Member
		switch x.Action {
		case "ADD MEMBER":
			kind = "ADD ROLE MEMBER"
		case "DROP MEMBER":
			kind = "DROP ROLE MEMBER"
		default:
			kind = "RENAME ROLE"
		}
		if x.Server {
			kind = strings.Replace(kind, "ROLE", "SERVER ROLE", 1)
		}
	case *tsql.PermissionStmt:
		kind = x.Action
		if x.On != nil {
			name = x.On.String()
		}
		if len(x.Principals) > 0 {
			member = x.Principals[0]
		}
	}
	m, err := opts(list)
	if err != nil {
		return nil, err
	}
	return &securityStmt{build: func(f *frame) (SecurityStatement, error) {
		o, err := evalOpts(f, m)
		if err != nil {
			return SecurityStatement{}, err
		}
		st := SecurityStatement{Kind: kind, Database: f.s.database, Name: name, Member: member, Login: login, Windows: windows, Options: o, Text: text}
		if p, ok := o["PASSWORD"]; ok {
			st.Password = p
		}
		return st, nil
	}}, nil
}

func (x *securityStmt) exec(f *frame) (flow, error) {
	st, err := x.build(f)
	if err != nil {
		return flowNext, err
	}
	if err := f.s.e.cat.Security(f.ctx, f.s.principal, f.s.catalogTx(), st); err != nil {
		return flowNext, err
	}
	f.s.rowCount = 0
	f.s.lastError = 0
	return flowNext, f.out.done(cmdDDL, 0, false, false)
}
