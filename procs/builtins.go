package procs

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/builtin"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
)

// sessionEnv is the session as procs/builtin sees it. Lookups the engine
// has no better source for fall back to the embedded StaticEnv.
type sessionEnv struct {
	*builtin.StaticEnv
	s *Session
}

func newSessionEnv(s *Session) *sessionEnv {
	st := &builtin.StaticEnv{}
	for i, d := range memDatabases {
		if name, ok := s.e.cat.Database(d); ok {
			st.Databases = append(st.Databases, builtin.Database{ID: i + 1, Name: name, Collation: "SQL_Latin1_General_CP1_CI_AS"})
		}
	}
	return &sessionEnv{StaticEnv: st, s: s}
}

func (e *sessionEnv) Now() time.Time {
	t := e.s.e.clk.Now()
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}
func (e *sessionEnv) DateFirst() int                 { return e.s.dateFirst }
func (e *sessionEnv) DateFormat() sqltype.DateFormat { return e.s.dateFormat }
func (e *sessionEnv) Language() string               { return e.s.language }
func (e *sessionEnv) Options() int                   { return e.s.options }
func (e *sessionEnv) TextSize() int                  { return e.s.textSize }
func (e *sessionEnv) SPID() int                      { return e.s.spid }
func (e *sessionEnv) ServerName() string             { return e.s.e.server }
func (e *sessionEnv) MachineName() string            { return e.s.e.mach }
func (e *sessionEnv) AppName() string                { return e.s.login.AppName }
func (e *sessionEnv) HostName() string               { return e.s.login.HostName }
func (e *sessionEnv) LoginName() string              { return e.s.principal.Login() }
func (e *sessionEnv) OriginalLogin() string          { return e.s.origin.Login() }
func (e *sessionEnv) DatabaseName() string           { return e.s.database }
func (e *sessionEnv) NewID() uuid.UUID               { return uuid.New() }

func (e *sessionEnv) UserName() string {
	if u := e.s.principal.User(e.s.database); u != "" {
		return u
	}
	return "guest"
}

func (e *sessionEnv) Login(name string) (builtin.Principal, bool) {
	if name == "" || strings.EqualFold(name, e.s.principal.Login()) {
		return builtin.Principal{Name: e.s.principal.Login()}, true
	}
	return e.StaticEnv.Login(name)
}

func (e *sessionEnv) ObjectID(name, objType string) (int, bool) {
	id, typ, ok := e.s.objectInfo(context.Background(), name)
	if !ok || objType != "" && !strings.EqualFold(strings.TrimSpace(objType), typ) {
		return 0, false
	}
	return int(id), true
}

// ObjectName and ObjectSchemaName find an object of sys.objects by id in
// the current database or the one with id dbID.
func (e *sessionEnv) ObjectName(id, dbID int) (string, bool) {
	o, ok := e.object(id, dbID)
	return o.name, ok
}

func (e *sessionEnv) ObjectSchemaName(id, dbID int) (string, bool) {
	o, ok := e.object(id, dbID)
	return o.schema, ok
}

func (e *sessionEnv) object(id, dbID int) (object, bool) {
	db := e.s.database
	if dbID > 0 {
		if dbID > len(memDatabases) {
			return object{}, false
		}
		c, ok := e.s.e.cat.Database(memDatabases[dbID-1])
		if !ok {
			return object{}, false
		}
		db = c
	}
	for _, o := range e.s.objectsOf(context.Background(), db) {
		if int(o.id) == id {
			return o, true
		}
	}
	return object{}, false
}

func (e *sessionEnv) IsMember(role string) (bool, bool) {
	if strings.EqualFold(role, "public") {
		return true, true
	}
	return e.s.principal.IsMember(e.s.database, role), true
}

func (e *sessionEnv) IsSrvRoleMember(role, login string) (bool, bool) {
	if login != "" && !strings.EqualFold(login, e.s.principal.Login()) {
		return false, false
	}
	if strings.EqualFold(role, "public") {
		return true, true
	}
	return e.s.principal.IsServerRoleMember(role) || (strings.EqualFold(role, "sysadmin") && e.s.principal.IsSysadmin()), true
}

// registryFunc compiles a call of a function from procs/builtin: arity and
// result type are checked once, here; datepart keywords are passed as
// their text.
func registryFunc(name string) fnCompiler {
	fn, ok := builtin.Lookup(name)
	if !ok {
		return nil
	}
	return func(c *compiler, x *tsql.FuncCall, args []*cexpr, sc *rowScope) (*cexpr, error) {
		if err := fn.CheckArity(len(args)); err != nil {
			if se, ok := sqlerr.As(err); ok {
				return nil, c.compileErr(se, x.Pos)
			}
			return nil, c.runtimeErr(err)
		}
		types := make([]sqltype.Type, len(args))
		for i, a := range args {
			types[i] = a.typ
		}
		b, err := fn.Bind(types)
		if err != nil {
			return nil, c.runtimeErr(err)
		}
		konst := !fn.Volatile
		for _, a := range args {
			konst = konst && a.konst
		}
		return &cexpr{typ: b.Type, nullable: true, eval: func(f *frame, r rows.Row) (sqltype.Value, error) {
			vals := make([]sqltype.Value, len(args))
			for i, a := range args {
				v, err := a.eval(f, r)
				if err != nil {
					return v, err
				}
				vals[i] = v
			}
			var env builtin.Env
			if f != nil {
				env = f.s.env()
			} else {
				env = &builtin.StaticEnv{}
			}
			return b.Eval(env, vals)
		}}, nil
	}
}

func init() { defaultFuncs = registryFunc }

// env returns the session's builtin.Env.
func (s *Session) env() builtin.Env {
	if e, ok := s.benv.(*sessionEnv); ok {
		return e
	}
	e := newSessionEnv(s)
	s.benv = e
	return e
}
