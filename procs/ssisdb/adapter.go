// Package ssisdb binds the SSIS catalog to the T-SQL engine: the
// catalog.* procedures of SSISDB with their exact parameter names, order,
// types, defaults and OUTPUT flags, calling the catalog's Go methods; the
// emulator.* control procedures; and an adapter that lets the engine use the
// catalog for databases, principals, views, transactions, security
// statements and OPENROWSET(BULK).
//
// Wiring (cmd does this):
//
//	cat := catalog.New(...)
//	eng := procs.New(procs.Config{Catalog: ssisdb.NewAdapter(cat), Procs: ssisdb.Procs(cat), ...})
package ssisdb

import (
	"context"
	"sort"
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/proc"
)

// databases are the databases the emulator has.
var databases = []string{"master", "tempdb", "model", "msdb", "SSISDB"}

// Adapter lets the engine use a *catalog.Catalog (procs.Catalog).
type Adapter struct {
	Cat *catalog.Catalog
}

// NewAdapter returns the engine's view of cat.
func NewAdapter(cat *catalog.Catalog) *Adapter { return &Adapter{Cat: cat} }

var _ procs.Catalog = (*Adapter)(nil)

// Principal is a catalog caller as the engine sees it.
type Principal struct {
	cat    *catalog.Catalog
	Caller *catalog.Caller
}

// CallerOf returns the catalog caller of a principal the engine hands to a
// procedure body (nil for a foreign one).
func CallerOf(p proc.Principal) *catalog.Caller {
	if x, ok := p.(*Principal); ok {
		return x.Caller
	}
	return nil
}

func (p *Principal) Login() string { return p.Caller.Login }

func (p *Principal) User(database string) string {
	name, ok := p.cat.DatabaseUser(p.Caller, database)
	if !ok {
		return ""
	}
	return name
}

func (p *Principal) IsSysadmin() bool { return p.cat.IsSysadmin(p.Caller) }

func (p *Principal) IsMember(database, role string) bool {
	if strings.EqualFold(role, "public") {
		return true
	}
	if !strings.EqualFold(database, catalog.SSISDB) {
		return p.IsSysadmin() && strings.EqualFold(role, "db_owner")
	}
	return p.cat.IsMember(p.Caller, role)
}

func (p *Principal) IsServerRoleMember(role string) bool {
	return strings.EqualFold(role, "sysadmin") && p.IsSysadmin()
}

// SQLAuth reports a SQL Server login: Windows-style logins are DOMAIN\name.
func (p *Principal) SQLAuth() bool { return !strings.Contains(p.Caller.Login, `\`) }

func (a *Adapter) Database(name string) (string, bool) {
	for _, d := range databases {
		if strings.EqualFold(d, name) {
			return d, true
		}
	}
	return "", false
}

// DefaultDatabase reads the login's default database from
// sys.server_principals ("master" when it has none).
func (a *Adapter) DefaultDatabase(login string) string {
	caller, err := a.Cat.CallerFor(login)
	if err != nil {
		return "master"
	}
	src, ok := a.Cat.View("master", "sys", "server_principals", caller)
	if !ok {
		return "master"
	}
	nameCol, dbCol := -1, -1
	for i, c := range src.Columns() {
		switch c.Name {
		case "name":
			nameCol = i
		case "default_database_name":
			dbCol = i
		}
	}
	db := "master"
	if nameCol < 0 || dbCol < 0 {
		return db
	}
	_ = src.Scan(context.Background(), func(r rows.Row) bool {
		if strings.EqualFold(r[nameCol].Str(), login) {
			if !r[dbCol].IsNull() && r[dbCol].Str() != "" {
				db = r[dbCol].Str()
			}
			return false
		}
		return true
	})
	return db
}

func (a *Adapter) Principal(_ context.Context, login string) (procs.Principal, error) {
	c, err := a.Cat.CallerFor(login)
	if err != nil {
		return nil, err
	}
	return &Principal{cat: a.Cat, Caller: c}, nil
}

func (a *Adapter) UserPrincipal(_ context.Context, database, user string, _ procs.Principal) (procs.Principal, error) {
	c, err := a.Cat.CallerForUser(database, user)
	if err != nil {
		return nil, err
	}
	return &Principal{cat: a.Cat, Caller: c}, nil
}

func (a *Adapter) View(_ context.Context, database, schema, name string, p procs.Principal) (rows.Source, bool) {
	return a.Cat.View(database, schema, name, CallerOf(p))
}

var _ procs.ViewLister = (*Adapter)(nil)

// ViewNames lists the catalog's views and internal tables of SSISDB
// ("schema.name"), which sys.objects, sys.columns and INFORMATION_SCHEMA
// show.
func (a *Adapter) ViewNames(database string) []string {
	if !strings.EqualFold(database, catalog.SSISDB) {
		return nil
	}
	names := catalog.ViewNames()
	sort.Strings(names)
	return names
}

// tx adapts the catalog's undo log to named savepoints.
type tx struct {
	t     *catalog.Tx
	saves map[string][]int
}

func (t *tx) Save(name string) {
	k := strings.ToLower(name)
	t.saves[k] = append(t.saves[k], t.t.Savepoint())
}

func (t *tx) RollbackTo(name string) bool {
	k := strings.ToLower(name)
	list := t.saves[k]
	if len(list) == 0 {
		return false
	}
	t.t.RollbackTo(list[len(list)-1])
	return true
}

func (t *tx) Commit()   { t.t.Commit() }
func (t *tx) Rollback() { t.t.Rollback() }

func (a *Adapter) Begin(context.Context) procs.CatalogTx {
	return &tx{t: a.Cat.Begin(), saves: map[string][]int{}}
}

// txOf returns the catalog transaction behind the engine's handle (nil in
// autocommit).
func txOf(t proc.Tx) *catalog.Tx {
	if x, ok := t.(*tx); ok {
		return x.t
	}
	return nil
}

func (a *Adapter) ReadFile(ctx context.Context, p procs.Principal, path string) ([]byte, error) {
	return a.Cat.ReadBulk(ctx, CallerOf(p), path)
}

// Security runs a security statement on the catalog.
func (a *Adapter) Security(ctx context.Context, p procs.Principal, t procs.CatalogTx, st procs.SecurityStatement) error {
	caller := CallerOf(p)
	ctx2, cat, ctxTx := ctx, a.Cat, txOf(t)
	switch st.Kind {
	case "CREATE LOGIN":
		return cat.CreateLogin(ctx2, ctxTx, caller, st.Name, st.Password, st.Windows)
	case "ALTER LOGIN":
		var ch catalog.LoginChange
		if pw, ok := st.Options["PASSWORD"]; ok {
			ch.Password = &pw
		}
		if _, ok := st.Options["ENABLE"]; ok {
			f := false
			ch.Disabled = &f
		}
		if _, ok := st.Options["DISABLE"]; ok {
			t := true
			ch.Disabled = &t
		}
		if n, ok := st.Options["NAME"]; ok {
			ch.NewName = &n
		}
		return cat.AlterLogin(ctx2, ctxTx, caller, st.Name, ch)
	case "DROP LOGIN":
		return cat.DropLogin(ctx2, ctxTx, caller, st.Name)
	case "CREATE USER":
		_, without := st.Options["WITHOUT LOGIN"]
		login := st.Login
		if login == "" && !without {
			login = st.Name
		}
		return cat.CreateUser(ctx2, ctxTx, caller, st.Database, st.Name, login, without)
	case "DROP USER":
		return cat.DropUser(ctx2, ctxTx, caller, st.Database, st.Name)
	case "ADD ROLE MEMBER":
		return cat.AddRoleMember(ctx2, ctxTx, caller, st.Database, st.Name, st.Member, roleHow(st))
	case "DROP ROLE MEMBER":
		return cat.DropRoleMember(ctx2, ctxTx, caller, st.Database, st.Name, st.Member, roleHow(st))
	case "ADD SERVER ROLE MEMBER":
		return cat.AddServerRoleMember(ctx2, ctxTx, caller, st.Name, st.Member, roleHow(st))
	case "DROP SERVER ROLE MEMBER":
		return cat.DropServerRoleMember(ctx2, ctxTx, caller, st.Name, st.Member, roleHow(st))
	}
	return sqlerr.New(40510, 16, 1, "Statement '%s' is not supported in this version of SQL Server.", st.Kind)
}

// roleHow tells ALTER ROLE from sp_addrolemember (their errors differ).
func roleHow(st procs.SecurityStatement) catalog.RoleStatement {
	if st.Text == "" {
		return catalog.SPRoleProcedure
	}
	return catalog.AlterRoleStatement
}
