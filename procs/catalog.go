package procs

import (
	"context"
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/proc"
)

// Catalog is what the engine core needs from whoever owns databases and
// principals. The SSISDB procedure bindings (package procs/ssisdb) need more
// and declare it themselves. cmd adapts the real catalog to this interface.
type Catalog interface {
	// Database returns the canonical spelling of a database name, or false
	// when there is no such database.
	Database(name string) (string, bool)
	// DefaultDatabase is the login's default database.
	DefaultDatabase(login string) string
	// Principal returns the security context of a login that has been
	// authenticated (or that EXECUTE AS LOGIN switches to).
	Principal(ctx context.Context, login string) (Principal, error)
	// UserPrincipal returns the security context of a database user (EXECUTE
	// AS USER); the login stays the caller's for server-level checks.
	UserPrincipal(ctx context.Context, database, user string, from Principal) (Principal, error)
	// View resolves database.schema.name to a row source bound to p, so
	// row-level security is applied where the rows come from.
	View(ctx context.Context, database, schema, name string, p Principal) (rows.Source, bool)
	// Begin opens a catalog transaction: catalog mutations made with it are
	// undone by Rollback.
	Begin(ctx context.Context) CatalogTx
	// Security runs a security statement (CREATE LOGIN, ALTER ROLE, ...).
	Security(ctx context.Context, p Principal, tx CatalogTx, st SecurityStatement) error
	// ReadFile reads a file for OPENROWSET(BULK ..., SINGLE_BLOB).
	ReadFile(ctx context.Context, p Principal, path string) ([]byte, error)
}

// Principal is the security context of a session (see proc.Principal).
type Principal = proc.Principal

// CatalogTx is an undo handle for catalog mutations (see proc.Tx).
type CatalogTx = proc.Tx

// SecurityStatement is a security DDL statement or system procedure in a
// form the catalog can run.
type SecurityStatement struct {
	Kind     string // CREATE LOGIN, ALTER LOGIN, DROP LOGIN, CREATE USER, DROP USER, ADD ROLE MEMBER, DROP ROLE MEMBER, ADD SERVER ROLE MEMBER, DROP SERVER ROLE MEMBER, CREATE ROLE, GRANT, DENY, REVOKE
	Database string // the current database
	Name     string // login, user or role
	Member   string // for role membership
	Login    string // CREATE USER ... FOR LOGIN
	Password string
	Windows  bool              // CREATE LOGIN ... FROM WINDOWS
	Options  map[string]string // DEFAULT_DATABASE, CHECK_POLICY, DEFAULT_SCHEMA, ENABLE/DISABLE ...
	Text     string            // the statement's source text (GRANT/DENY/REVOKE)
}

// memCatalog is the catalog used when none is configured: the four
// databases, every login a sysadmin. Tests of the engine use it.
type memCatalog struct{}

var memDatabases = []string{"master", "tempdb", "model", "msdb", "SSISDB"}

func (memCatalog) Database(name string) (string, bool) {
	for _, d := range memDatabases {
		if strings.EqualFold(d, name) {
			return d, true
		}
	}
	return "", false
}

func (memCatalog) DefaultDatabase(string) string { return "master" }

func (memCatalog) Principal(_ context.Context, login string) (Principal, error) {
	return memPrincipal{login: login}, nil
}

func (memCatalog) UserPrincipal(_ context.Context, db, user string, from Principal) (Principal, error) {
	return memPrincipal{login: from.Login(), user: user}, nil
}

func (memCatalog) View(context.Context, string, string, string, Principal) (rows.Source, bool) {
	return nil, false
}

func (memCatalog) Begin(context.Context) CatalogTx { return nopTx{} }

func (memCatalog) Security(_ context.Context, _ Principal, _ CatalogTx, st SecurityStatement) error {
	return nil
}

func (memCatalog) ReadFile(context.Context, Principal, string) ([]byte, error) {
	return nil, sqlerr.New(4834, 16, 1, "You do not have permission to use the bulk load statement.")
}

type memPrincipal struct{ login, user string }

func (p memPrincipal) Login() string { return p.login }
func (p memPrincipal) User(string) string {
	if p.user != "" {
		return p.user
	}
	return "dbo"
}
func (p memPrincipal) IsSysadmin() bool               { return p.user == "" }
func (p memPrincipal) IsMember(string, string) bool   { return p.user == "" }
func (p memPrincipal) IsServerRoleMember(string) bool { return p.user == "" }
func (p memPrincipal) SQLAuth() bool                  { return true }

type nopTx struct{}

func (nopTx) Save(string)            {}
func (nopTx) RollbackTo(string) bool { return true }
func (nopTx) Commit()                {}
func (nopTx) Rollback()              {}
