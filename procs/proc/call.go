package proc

import (
	"context"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// Body is the Go body of a built-in procedure. It receives the bound,
// typed arguments and returns the procedure's return status. A returned
// error is raised inside the procedure (procedure name = the callee) and
// ends only the EXEC statement, as a RAISERROR followed by RETURN does in a
// real catalog procedure; return an *sqlerr.Error with SQL Server's number.
type Body func(ctx context.Context, c *Call) (status int32, err error)

// Call is one execution of a built-in procedure.
type Call struct {
	Def *Def
	// Args are the bound values, one per parameter (defaults filled in).
	Args []sqltype.Value
	// Supplied reports which parameters the caller gave a value for.
	Supplied []bool
	// Out receives the values of OUTPUT parameters; it starts as a copy of
	// Args. The engine copies them back to the caller's variables.
	Out []sqltype.Value
	// ExtraOut receives the OUTPUT values of a VarArgs procedure's extra
	// arguments (sp_executesql's statement parameters), aligned with
	// Bound.Extra.
	ExtraOut   []sqltype.Value
	ExtraTypes []sqltype.Type

	Caller   Principal
	Tx       Tx     // nil outside a transaction (autocommit)
	Database string // the caller's current database
	SPID     int
	Results  Results
}

// Arg returns the bound value of the named parameter.
func (c *Call) Arg(name string) sqltype.Value {
	if i := c.Def.Param(name); i >= 0 {
		return c.Args[i]
	}
	return sqltype.Value{}
}

// SetOut sets the named OUTPUT parameter.
func (c *Call) SetOut(name string, v sqltype.Value) {
	if i := c.Def.Param(name); i >= 0 {
		c.Out[i] = v
	}
}

// Results lets a body send result sets and informational messages; the
// engine adds the DONEINPROC after each result set.
type Results interface {
	// Send streams a row source as one result set.
	Send(ctx context.Context, src rows.Source) error
	// Info sends an informational message (severity <= 10) right away.
	Info(e *sqlerr.Error) error
}

// Principal is a security context: a login and the user it maps to in each
// database. The catalog implements it.
type Principal interface {
	Login() string
	// User is the database user name in database ("" when the login has no
	// access there).
	User(database string) string
	IsSysadmin() bool
	// IsMember reports membership of a database role (true for sysadmins,
	// as IS_MEMBER reports).
	IsMember(database, role string) bool
	// IsServerRoleMember reports membership of a fixed server role.
	IsServerRoleMember(role string) bool
	// SQLAuth reports a SQL Server authenticated login (type 'S').
	SQLAuth() bool
}

// Tx is an undo handle for catalog mutations made inside a T-SQL
// transaction. Savepoints nest by name as SAVE TRAN does.
type Tx interface {
	Save(name string)
	RollbackTo(name string) bool
	Commit()
	Rollback()
}
