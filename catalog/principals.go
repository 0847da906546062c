package catalog

import (
	"context"
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/subtle"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
)

// Login is a server principal: a SQL login (type S), a Windows-style login
// (type U, named DOMAIN\name), or a server role (type R).
type Login struct {
	PrincipalID int32
	Name        string
	SID         []byte
	Type        byte
	Disabled    bool
	FixedRole   bool
	DefaultDB   string
	Created     time.Time
	Modified    time.Time
	// Salt and Hash are the PBKDF2-SHA256 of the password; empty when the
	// login has none (a Windows login with no emulator password cannot log
	// in over TDS).
	Salt []byte
	Hash []byte
	// NTHash is MD4 of the UTF-16LE password, kept for Windows-style
	// logins only, for NTLM (see ntlm.go).
	NTHash []byte `json:",omitempty"`
}

// Database is one database with its principals.
type Database struct {
	ID          int32
	Name        string
	OwnerSID    []byte
	Created     time.Time
	Principals  map[int32]*DBPrincipal
	RoleMembers map[int32]map[int32]bool // role id -> member ids
	NextID      int32
}

// DBPrincipal is a database user (S SQL user, U Windows user) or role (R).
type DBPrincipal struct {
	ID            int32
	Name          string
	Type          byte
	SID           []byte // the login's SID for a user mapped to a login
	DefaultSchema string
	Created       time.Time
	Modified      time.Time
	FixedRole     bool
	OwningID      int32
	WithoutLogin  bool
}

// Well-known principal ids.
const (
	saID          int32 = 1
	publicSrvRole int32 = 2
	sysadminRole  int32 = 3
	dboID         int32 = 1
	guestID       int32 = 2
	publicDBRole  int32 = 0
	// allSchemaOwnerID follows the five ssis_* roles (ids 5 to 9).
	allSchemaOwnerID int32 = 10
)

// SSISDB is the catalog database's name.
const SSISDB = "SSISDB"

var fixedServerRoles = []string{"public", "sysadmin", "securityadmin", "serveradmin", "setupadmin", "processadmin", "diskadmin", "dbcreator", "bulkadmin"}

var fixedDBRoles = map[int32]string{16384: "db_owner", 16385: "db_accessadmin", 16386: "db_securityadmin", 16387: "db_ddladmin",
	16389: "db_backupoperator", 16390: "db_datareader", 16391: "db_datawriter", 16392: "db_denydatareader", 16393: "db_denydatawriter"}

// The catalog's database roles (reference §5.1).
var ssisRoles = []string{"ssis_admin", "ssis_logreader", "ssis_failover_monitoring_agent", "ssis_cluster_executor", "ssis_cluster_worker"}

func (c *Catalog) initPrincipals(s *State, now time.Time) {
	s.Logins[saID] = &Login{PrincipalID: saID, Name: "sa", SID: []byte{1}, Type: 'S', DefaultDB: "master", Created: now, Modified: now}
	for i, r := range fixedServerRoles {
		id := int32(i + 2)
		s.Logins[id] = &Login{PrincipalID: id, Name: r, SID: []byte{byte(id)}, Type: 'R', FixedRole: r != "public", Created: now, Modified: now}
		s.ServerRoleMembers[id] = map[int32]bool{}
	}
	s.ServerRoleMembers[sysadminRole][saID] = true
	for i, name := range []string{"master", "tempdb", "model", "msdb", SSISDB} {
		db := &Database{ID: int32(i + 1), Name: name, OwnerSID: []byte{1}, Created: now,
			Principals: map[int32]*DBPrincipal{}, RoleMembers: map[int32]map[int32]bool{}, NextID: 5}
		add := func(p *DBPrincipal) {
			p.Created, p.Modified = now, now
			db.Principals[p.ID] = p
			if p.Type == 'R' {
				db.RoleMembers[p.ID] = map[int32]bool{}
			}
		}
		add(&DBPrincipal{ID: publicDBRole, Name: "public", Type: 'R', OwningID: dboID})
		add(&DBPrincipal{ID: dboID, Name: "dbo", Type: 'S', SID: []byte{1}, DefaultSchema: "dbo"})
		add(&DBPrincipal{ID: guestID, Name: "guest", Type: 'S', SID: []byte{0}, DefaultSchema: "guest"})
		add(&DBPrincipal{ID: 3, Name: "INFORMATION_SCHEMA", Type: 'S'})
		add(&DBPrincipal{ID: 4, Name: "sys", Type: 'S'})
		for id, r := range fixedDBRoles {
			add(&DBPrincipal{ID: id, Name: r, Type: 'R', FixedRole: true, OwningID: dboID})
		}
		db.RoleMembers[16384][dboID] = true
		if name == SSISDB {
			for _, r := range ssisRoles {
				add(&DBPrincipal{ID: db.NextID, Name: r, Type: 'R', OwningID: dboID})
				db.NextID++
			}
			aso := &DBPrincipal{ID: db.NextID, Name: "AllSchemaOwner", Type: 'S', SID: c.newSID(false), DefaultSchema: "dbo", WithoutLogin: true}
			db.NextID++
			add(aso)
			db.RoleMembers[db.roleByName("ssis_admin").ID][aso.ID] = true
		}
		s.Databases[key(name)] = db
	}
	for _, spec := range c.opts.Logins {
		c.applyLoginSpec(s, spec, now)
	}
}

func (c *Catalog) applyLoginSpec(s *State, spec LoginSpec, now time.Time) {
	l := s.loginByName(spec.Name)
	if l == nil {
		l = c.addLogin(s, spec.Name, spec.Windows, now)
	}
	if spec.Password != "" {
		c.setPassword(l, spec.Password)
	}
	if spec.Disabled {
		l.Disabled = true
	}
	if spec.Sysadmin {
		s.ServerRoleMembers[sysadminRole][l.PrincipalID] = true
	}
	if len(spec.Roles) > 0 {
		db := s.Databases[key(SSISDB)]
		u := db.userForSID(l.SID)
		if u == nil {
			u = db.addUser(spec.Name, l, now)
		}
		for _, r := range spec.Roles {
			if role := db.roleByName(r); role != nil && role.ID != publicDBRole {
				db.RoleMembers[role.ID][u.ID] = true
			}
		}
	}
}

func (c *Catalog) newSID(windows bool) []byte {
	u := c.opts.NewUUID()
	if !windows {
		return u[:]
	}
	// S-1-5-21-a-b-c-rid, the shape of a domain account SID.
	sid := []byte{1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0}
	return append(sid, u[:16]...)
}

func (c *Catalog) addLogin(s *State, name string, windows bool, now time.Time) *Login {
	t := byte('S')
	if windows {
		t = 'U'
	}
	l := &Login{PrincipalID: s.NextServerPrincipalID, Name: name, SID: c.newSID(windows), Type: t, DefaultDB: "master", Created: now, Modified: now}
	s.NextServerPrincipalID++
	s.Logins[l.PrincipalID] = l
	return l
}

func (db *Database) addUser(name string, l *Login, now time.Time) *DBPrincipal {
	t := byte('S')
	var sid []byte
	if l != nil {
		sid = l.SID
		if l.Type == 'U' {
			t = 'U'
		}
	}
	u := &DBPrincipal{ID: db.NextID, Name: name, Type: t, SID: sid, DefaultSchema: "dbo", Created: now, Modified: now, WithoutLogin: l == nil}
	db.NextID++
	db.Principals[u.ID] = u
	return u
}

const pbkdf2Iterations = 4096

func (c *Catalog) hashPassword(pw string) (salt, hash []byte) {
	u := c.opts.NewUUID()
	salt = u[:]
	hash, _ = pbkdf2.Key(sha256.New, pw, salt, pbkdf2Iterations, 32)
	return salt, hash
}

var dummySalt = make([]byte, 16)

// Authenticate checks a login's password in constant time whether or not
// the login exists (it matches tds.Authenticator). SQL logins and
// Windows-style logins (`DOMAIN\name`) both log in this way: a Windows login
// needs a password configured for it (LoginSpec.Password, or the
// emulator.set_login_password control procedure), since the emulator has no
// domain to ask. Disabled logins fail.
func (c *Catalog) Authenticate(ctx context.Context, login, password string) bool {
	c.mu.RLock()
	var salt, want []byte
	ok := false
	if l := c.st.loginByName(login); l != nil && l.Type != 'R' && len(l.Hash) > 0 && !l.Disabled {
		salt, want, ok = l.Salt, l.Hash, true
	}
	c.mu.RUnlock()
	if !ok {
		salt, want = dummySalt, make([]byte, 32)
	}
	got, _ := pbkdf2.Key(sha256.New, password, salt, pbkdf2Iterations, 32)
	return subtle.ConstantTimeCompare(got, want) == 1 && ok
}

func (s *State) loginByName(name string) *Login {
	for _, l := range s.Logins {
		if strings.EqualFold(l.Name, name) {
			return l
		}
	}
	return nil
}

func (s *State) loginBySID(sid []byte) *Login {
	for _, l := range s.Logins {
		if string(l.SID) == string(sid) && l.Type != 'R' {
			return l
		}
	}
	return nil
}

func (db *Database) byName(name string) *DBPrincipal {
	for _, p := range db.Principals {
		if strings.EqualFold(p.Name, name) {
			return p
		}
	}
	return nil
}

func (db *Database) roleByName(name string) *DBPrincipal {
	if p := db.byName(name); p != nil && p.Type == 'R' {
		return p
	}
	return nil
}

func (db *Database) userForSID(sid []byte) *DBPrincipal {
	for _, p := range db.Principals {
		if p.Type != 'R' && p.ID > 4 && string(p.SID) == string(sid) {
			return p
		}
	}
	return nil
}

// Caller is the security context of a request: the login the session runs
// as and, under EXECUTE AS USER, the database user it is restricted to.
// Roles are looked up at each call, so membership changes apply at once.
type Caller struct {
	Login string // SUSER_NAME()
	SID   []byte // SUSER_SID()
	// User is set under EXECUTE AS USER: the caller is this SSISDB user and
	// carries no server-level rights.
	User string

	cache atomic.Pointer[resolvedCaller]
}

// CallerFor returns the caller for a login (after LOGIN7, or for EXECUTE AS
// LOGIN). An unknown login gives 15406.
func (c *Catalog) CallerFor(login string) (*Caller, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	l := c.st.loginByName(login)
	if l == nil || l.Type == 'R' {
		return nil, errorf(15406, 1, login)
	}
	return &Caller{Login: l.Name, SID: l.SID}, nil
}

// CallerForUser returns the caller for EXECUTE AS USER in database db. An
// unknown user gives 15517.
func (c *Catalog) CallerForUser(db, user string) (*Caller, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	d := c.st.Databases[key(db)]
	if d == nil {
		return nil, errorf(15517, 1, user)
	}
	u := d.byName(user)
	if u == nil || u.Type == 'R' || u.ID <= 4 && u.ID != dboID {
		return nil, errorf(15517, 1, user)
	}
	cl := &Caller{Login: u.Name, SID: u.SID, User: u.Name}
	if l := c.st.loginBySID(u.SID); l != nil {
		cl.Login = l.Name
	}
	return cl, nil
}

// secCtx is a caller resolved against the current state.
type secCtx struct {
	caller   *Caller
	login    *Login       // nil under EXECUTE AS USER of a user without login
	user     *DBPrincipal // SSISDB user; nil when the caller cannot enter SSISDB
	sysadmin bool
	ids      []int32 // SSISDB principal ids: the user, its roles, public
	roles    map[string]bool
}

func (sc *secCtx) admin() bool          { return sc.sysadmin || sc.roles["ssis_admin"] }
func (sc *secCtx) has(role string) bool { return sc.roles[role] }

// callerName is SUSER_NAME(); callerSID is SUSER_SID().
func (sc *secCtx) callerName() string { return sc.caller.Login }
func (sc *secCtx) callerSID() []byte  { return sc.caller.SID }

// userID is DATABASE_PRINCIPAL_ID() in SSISDB.
func (sc *secCtx) userID() int32 {
	if sc.user == nil {
		return guestID
	}
	return sc.user.ID
}

// recordPrincipals records the undo step of a change to logins, users or
// role membership and marks resolved callers stale, now and on undo.
func (s *State) recordPrincipals(tx *Tx, undo func()) {
	s.PrincipalGen++
	s.changes(tx).principals()
	tx.record(func() {
		undo()
		s.PrincipalGen++
	})
}

// resolvedCaller is a Caller's cached resolution against one state at one
// principal generation.
type resolvedCaller struct {
	st              *State
	gen             uint64
	login, sid, usr string // the Caller's fields when resolved
	sc              *secCtx
}

// resolve turns a caller into its security context. The result is cached
// on the Caller until a login, user or role membership changes (or the
// state is replaced), which keeps the per-call cost of the security checks
// flat. A secCtx is never changed after it is built.
func (s *State) resolve(cl *Caller) *secCtx {
	if cl == nil {
		return s.resolveNow(&Caller{}) // no security context: no access anywhere
	}
	if r := cl.cache.Load(); r != nil && r.st == s && r.gen == s.PrincipalGen &&
		r.login == cl.Login && r.sid == string(cl.SID) && r.usr == cl.User {
		return r.sc
	}
	sc := s.resolveNow(cl)
	cl.cache.Store(&resolvedCaller{st: s, gen: s.PrincipalGen, login: cl.Login, sid: string(cl.SID), usr: cl.User, sc: sc})
	return sc
}

func (s *State) resolveNow(cl *Caller) *secCtx {
	sc := &secCtx{caller: cl, roles: map[string]bool{}}
	db := s.Databases[key(SSISDB)]
	if cl.User != "" {
		sc.user = db.byName(cl.User)
		sc.login = s.loginBySID(cl.SID)
	} else {
		sc.login = s.loginBySID(cl.SID)
		if sc.login == nil {
			return sc
		}
		sc.sysadmin = s.ServerRoleMembers[sysadminRole][sc.login.PrincipalID]
		if sc.sysadmin {
			sc.user = db.Principals[dboID]
		} else {
			sc.user = db.userForSID(sc.login.SID)
		}
	}
	if sc.user == nil {
		return sc
	}
	sc.ids = append(sc.ids, sc.user.ID, publicDBRole)
	// Role membership is transitive: roles may be members of roles.
	seen := map[int32]bool{sc.user.ID: true}
	queue := []int32{sc.user.ID}
	for len(queue) > 0 {
		m := queue[0]
		queue = queue[1:]
		for rid, members := range db.RoleMembers {
			if members[m] && !seen[rid] {
				seen[rid] = true
				sc.ids = append(sc.ids, rid)
				sc.roles[key(db.Principals[rid].Name)] = true
				queue = append(queue, rid)
			}
		}
	}
	return sc
}

// sqlAuth reports whether the 27123 check refuses this caller: in strict
// mode, a SQL login, or a database principal of type S with the caller's
// SID (reference §1.2). Sysadmin membership does not exempt.
func (c *Catalog) sqlAuth(sc *secCtx) bool {
	if !c.opts.Strict {
		return false
	}
	if sc.login != nil && sc.login.Type == 'S' {
		return true
	}
	if sc.user != nil && sc.user.Type == 'S' && sc.caller.User != "" {
		return true
	}
	return sc.login == nil
}

// checkSQLAuth returns 27123 with the procedure's state when refused.
func (c *Catalog) checkSQLAuth(sc *secCtx, state uint8) *sqlerr.Error {
	if c.sqlAuth(sc) {
		return errorf(27123, state)
	}
	return nil
}

// needAccess returns 916 when the caller has no user in SSISDB.
func needAccess(sc *secCtx) *sqlerr.Error {
	if sc.user == nil {
		return errorf(916, 1, sc.caller.Login, SSISDB)
	}
	return nil
}

// ---- Security statements (CREATE/ALTER/DROP LOGIN, USER, role membership) ----

func (sc *secCtx) serverRole(s *State, role string) bool {
	if sc.sysadmin {
		return true
	}
	r := s.loginByName(role)
	return sc.login != nil && r != nil && s.ServerRoleMembers[r.PrincipalID][sc.login.PrincipalID]
}

// CreateLogin is CREATE LOGIN name WITH PASSWORD = pw, or with windows set,
// CREATE LOGIN [DOMAIN\name] FROM WINDOWS (password then is the emulator's
// stand-in for the domain and may be empty).
func (c *Catalog) CreateLogin(ctx context.Context, tx *Tx, caller *Caller, name, password string, windows bool) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc := s.resolve(caller)
	if !sc.serverRole(s, "securityadmin") {
		return errorf(15247, 1)
	}
	if windows && !strings.Contains(strings.Trim(name, `\`), `\`) {
		return errorf(15401, 1, name)
	}
	if s.loginByName(name) != nil {
		return errorf(15025, 2, name)
	}
	l := c.addLogin(s, name, windows, c.now())
	if password != "" {
		c.setPassword(l, password)
	}
	s.recordPrincipals(tx, func() { delete(s.Logins, l.PrincipalID) })
	return nil
}

// LoginChange is what ALTER LOGIN changes; nil fields stay.
type LoginChange struct {
	Password *string
	Disabled *bool
	NewName  *string
}

// AlterLogin is ALTER LOGIN. A login may change its own password; anything
// else needs sysadmin or securityadmin.
func (c *Catalog) AlterLogin(ctx context.Context, tx *Tx, caller *Caller, name string, ch LoginChange) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc := s.resolve(caller)
	l := s.loginByName(name)
	self := l != nil && sc.login == l && ch.Disabled == nil && ch.NewName == nil
	if l == nil || l.Type == 'R' || !self && !sc.serverRole(s, "securityadmin") {
		return errorf(15151, 1, "alter", "login", name)
	}
	if ch.NewName != nil && !strings.EqualFold(*ch.NewName, l.Name) && s.loginByName(*ch.NewName) != nil {
		return errorf(15025, 2, *ch.NewName)
	}
	old := *l
	if ch.Password != nil {
		c.setPassword(l, *ch.Password)
	}
	if ch.Disabled != nil {
		l.Disabled = *ch.Disabled
	}
	if ch.NewName != nil {
		l.Name = *ch.NewName
	}
	l.Modified = c.now()
	s.recordPrincipals(tx, func() { *l = old })
	return nil
}

// SetLoginPassword sets the password a login (typically a Windows-style
// one) logs in with. It is the control surface's, not T-SQL's.
func (c *Catalog) SetLoginPassword(name, password string) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	l := c.st.loginByName(name)
	if l == nil || l.Type == 'R' {
		return errorf(15151, 1, "alter", "login", name)
	}
	c.setPassword(l, password)
	c.st.changes(nil).principals()
	return nil
}

// DropLogin is DROP LOGIN. Database users mapped to it stay (orphaned), as
// in SQL Server.
func (c *Catalog) DropLogin(ctx context.Context, tx *Tx, caller *Caller, name string) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc := s.resolve(caller)
	l := s.loginByName(name)
	if l == nil || l.Type == 'R' || !sc.serverRole(s, "securityadmin") {
		return errorf(15151, 1, "drop", "login", name)
	}
	if l.PrincipalID == saID {
		return errorf(15405, 1, "sa")
	}
	if sc.login == l {
		return errorf(15434, 1, name)
	}
	delete(s.Logins, l.PrincipalID)
	removed := map[int32]bool{}
	for rid, m := range s.ServerRoleMembers {
		if m[l.PrincipalID] {
			removed[rid] = true
			delete(m, l.PrincipalID)
		}
	}
	s.recordPrincipals(tx, func() {
		s.Logins[l.PrincipalID] = l
		for rid := range removed {
			s.ServerRoleMembers[rid][l.PrincipalID] = true
		}
	})
	return nil
}

func (sc *secCtx) dbRole(s *State, db *Database, roles ...string) bool {
	if sc.sysadmin {
		return true
	}
	if db.Name == SSISDB {
		for _, r := range roles {
			if sc.roles[r] {
				return true
			}
		}
		return sc.roles["db_owner"]
	}
	u := db.userForSID(sc.caller.SID)
	if u == nil {
		return false
	}
	for _, r := range append(roles, "db_owner") {
		if rp := db.roleByName(r); rp != nil && db.RoleMembers[rp.ID][u.ID] {
			return true
		}
	}
	return false
}

// CreateUser is CREATE USER name [FOR|FROM LOGIN login | WITHOUT LOGIN] in
// database db. With login "" and withoutLogin false the user maps to the
// login of the same name, as SQL Server does.
func (c *Catalog) CreateUser(ctx context.Context, tx *Tx, caller *Caller, db, name, login string, withoutLogin bool) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	d := s.Databases[key(db)]
	sc := s.resolve(caller)
	if d == nil || !sc.dbRole(s, d, "db_accessadmin") {
		return errorf(15247, 1)
	}
	if d.byName(name) != nil {
		return errorf(15023, 1, name)
	}
	var l *Login
	if !withoutLogin {
		if login == "" {
			login = name
		}
		l = s.loginByName(login)
		if l == nil || l.Type == 'R' {
			return errorf(15007, 1, login)
		}
		if d.userForSID(l.SID) != nil {
			return errorf(15063, 1)
		}
	}
	u := d.addUser(name, l, c.now())
	if l == nil {
		u.SID = c.newSID(false)
	}
	s.recordPrincipals(tx, func() { delete(d.Principals, u.ID) })
	return nil
}

// DropUser is DROP USER in database db. Its catalog object permissions go
// with it, as SSISDB's cleanup trigger does.
func (c *Catalog) DropUser(ctx context.Context, tx *Tx, caller *Caller, db, name string) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	d := s.Databases[key(db)]
	sc := s.resolve(caller)
	if d == nil {
		return errorf(15151, 1, "drop", "user", name)
	}
	u := d.byName(name)
	if u == nil || u.Type == 'R' || !sc.dbRole(s, d, "db_accessadmin") {
		return errorf(15151, 1, "drop", "user", name)
	}
	if u.ID <= 4 {
		return errorf(15405, 1, u.Name)
	}
	delete(d.Principals, u.ID)
	was := map[int32]bool{}
	for rid, m := range d.RoleMembers {
		if m[u.ID] {
			was[rid] = true
			delete(m, u.ID)
		}
	}
	var perms map[PermKey][]Grant
	if d.Name == SSISDB {
		perms = s.dropGrantsOf(u.ID)
		for k := range perms {
			s.changes(tx).permission(k)
		}
	}
	s.recordPrincipals(tx, func() {
		d.Principals[u.ID] = u
		for rid := range was {
			d.RoleMembers[rid][u.ID] = true
		}
		for k, g := range perms {
			s.Permissions[k] = g
		}
	})
	return nil
}

// RoleStatement selects which statement's errors a role-membership change
// reports: ALTER ROLE / ALTER SERVER ROLE, or the sp_* procedures.
type RoleStatement int

const (
	AlterRoleStatement RoleStatement = iota
	SPRoleProcedure
)

// AddRoleMember is ALTER ROLE role ADD MEMBER member (or sp_addrolemember)
// in database db.
func (c *Catalog) AddRoleMember(ctx context.Context, tx *Tx, caller *Caller, db, role, member string, how RoleStatement) error {
	return c.changeRoleMember(tx, caller, db, role, member, how, true)
}

// DropRoleMember is ALTER ROLE role DROP MEMBER member (or sp_droprolemember).
func (c *Catalog) DropRoleMember(ctx context.Context, tx *Tx, caller *Caller, db, role, member string, how RoleStatement) error {
	return c.changeRoleMember(tx, caller, db, role, member, how, false)
}

func (c *Catalog) changeRoleMember(tx *Tx, caller *Caller, db, role, member string, how RoleStatement, add bool) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	d := s.Databases[key(db)]
	sc := s.resolve(caller)
	var r, m *DBPrincipal
	if d != nil {
		r, m = d.roleByName(role), d.byName(member)
	}
	verb := "add"
	if !add {
		verb = "drop"
	}
	if how == SPRoleProcedure {
		if r == nil {
			return errorf(15014, 1, role)
		}
		if m == nil || m.ID == publicDBRole {
			return errorf(15410, 1, member)
		}
		if !sc.dbRole(s, d, "db_securityadmin") {
			return errorf(15247, 1)
		}
	} else {
		if r == nil || !sc.dbRole(s, d, "db_securityadmin") {
			return errorf(15151, 1, "alter", "role", role)
		}
		if m == nil || m.ID == publicDBRole {
			return errorf(15151, 1, verb, "principal", member)
		}
	}
	if m.ID == dboID || m.ID == r.ID {
		return errorf(15405, 1, m.Name)
	}
	had := d.RoleMembers[r.ID][m.ID]
	if add == had {
		return nil // adding a member twice, or dropping a non-member, is a no-op
	}
	if add {
		d.RoleMembers[r.ID][m.ID] = true
	} else {
		delete(d.RoleMembers[r.ID], m.ID)
	}
	s.recordPrincipals(tx, func() {
		if had {
			d.RoleMembers[r.ID][m.ID] = true
		} else {
			delete(d.RoleMembers[r.ID], m.ID)
		}
	})
	return nil
}

// AddServerRoleMember is ALTER SERVER ROLE role ADD MEMBER login (or
// sp_addsrvrolemember).
func (c *Catalog) AddServerRoleMember(ctx context.Context, tx *Tx, caller *Caller, role, login string, how RoleStatement) error {
	return c.changeServerRoleMember(tx, caller, role, login, how, true)
}

// DropServerRoleMember is ALTER SERVER ROLE role DROP MEMBER login (or
// sp_dropsrvrolemember).
func (c *Catalog) DropServerRoleMember(ctx context.Context, tx *Tx, caller *Caller, role, login string, how RoleStatement) error {
	return c.changeServerRoleMember(tx, caller, role, login, how, false)
}

func (c *Catalog) changeServerRoleMember(tx *Tx, caller *Caller, role, login string, how RoleStatement, add bool) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc := s.resolve(caller)
	r := s.loginByName(role)
	if r != nil && (r.Type != 'R' || r.PrincipalID == publicSrvRole) {
		r = nil
	}
	l := s.loginByName(login)
	if l != nil && l.Type == 'R' {
		l = nil
	}
	verb := "add"
	if !add {
		verb = "drop"
	}
	if how == SPRoleProcedure {
		if r == nil {
			return errorf(15402, 1, role)
		}
		if l == nil {
			return errorf(15007, 1, login)
		}
	} else {
		if r == nil {
			return errorf(15151, 1, "alter", "server role", role)
		}
		if l == nil {
			return errorf(15151, 1, verb, "principal", login)
		}
	}
	// Adding to sysadmin needs sysadmin; other fixed roles need membership
	// in that role (or sysadmin).
	if !sc.sysadmin && !(r.PrincipalID != sysadminRole && sc.serverRole(s, r.Name)) {
		if how == SPRoleProcedure {
			return errorf(15247, 1)
		}
		return errorf(15151, 1, "alter", "server role", role)
	}
	if l.PrincipalID == saID {
		return errorf(15405, 1, "sa")
	}
	members := s.ServerRoleMembers[r.PrincipalID]
	had := members[l.PrincipalID]
	if add == had {
		return nil
	}
	if add {
		members[l.PrincipalID] = true
	} else {
		delete(members, l.PrincipalID)
	}
	s.recordPrincipals(tx, func() {
		if had {
			members[l.PrincipalID] = true
		} else {
			delete(members, l.PrincipalID)
		}
	})
	return nil
}

// CanAccessDatabase returns 916 when the caller has no user in db (USE db,
// or a three-part name into it). Sysadmins enter every database as dbo.
func (c *Catalog) CanAccessDatabase(caller *Caller, db string) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	s := c.st
	d := s.Databases[key(db)]
	if d == nil {
		return nil // the engine reports unknown databases itself (911)
	}
	sc := s.resolve(caller)
	if sc.sysadmin || key(db) == "master" || key(db) == "tempdb" {
		return nil
	}
	if caller.User != "" {
		if d.byName(caller.User) != nil {
			return nil
		}
	} else if d.userForSID(caller.SID) != nil {
		return nil
	}
	return errorf(916, 1, caller.Login, d.Name)
}

// IsSysadmin reports IS_SRVROLEMEMBER('sysadmin') for the caller.
func (c *Catalog) IsSysadmin(caller *Caller) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.st.resolve(caller).sysadmin
}

// IsMember reports IS_MEMBER(role) in SSISDB for the caller.
func (c *Catalog) IsMember(caller *Caller, role string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	sc := c.st.resolve(caller)
	return sc.roles[key(role)] || sc.sysadmin && key(role) == "db_owner"
}

// DatabaseUser returns USER_NAME() in database db for the caller: "dbo" for
// a sysadmin, the mapped user otherwise, and ok=false when the caller has no
// user there (and so cannot enter it).
func (c *Catalog) DatabaseUser(caller *Caller, db string) (name string, ok bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	s := c.st
	d := s.Databases[key(db)]
	if d == nil || caller == nil {
		return "", false
	}
	if caller.User != "" {
		if u := d.byName(caller.User); u != nil {
			return u.Name, true
		}
		return "", false
	}
	sc := s.resolve(caller)
	if sc.sysadmin {
		return "dbo", true
	}
	if u := d.userForSID(caller.SID); u != nil {
		return u.Name, true
	}
	if key(db) == "master" || key(db) == "tempdb" {
		return "guest", true
	}
	return "", false
}
