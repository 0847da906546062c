package builtin

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// Env is what a built-in function may learn from the session and the
// server. The engine implements it (usually by embedding a StaticEnv and
// overriding what it knows better); tests use a StaticEnv.
type Env interface {
	// Now is the current time on the injected clock; its location is the
	// server's time zone (GETDATE shows its wall clock).
	Now() time.Time
	// DateFirst is SET DATEFIRST: 1 = Monday ... 7 = Sunday (us_english).
	DateFirst() int
	// DateFormat is SET DATEFORMAT.
	DateFormat() sqltype.DateFormat
	// Language is @@LANGUAGE (us_english).
	Language() string
	// Options is @@OPTIONS; TextSize is @@TEXTSIZE.
	Options() int
	TextSize() int
	// SPID is @@SPID.
	SPID() int
	// ServerName is @@SERVERNAME and SERVERPROPERTY('ServerName');
	// MachineName is SERVERPROPERTY('MachineName').
	ServerName() string
	MachineName() string
	// AppName and HostName come from the login packet.
	AppName() string
	HostName() string

	// LoginName is the current login (SUSER_NAME(), SUSER_SNAME(),
	// SYSTEM_USER); OriginalLogin the one before any EXECUTE AS.
	LoginName() string
	OriginalLogin() string
	// UserName is the database user (USER_NAME(), CURRENT_USER,
	// SESSION_USER).
	UserName() string
	// Login looks a server principal up by name ("" for the current one).
	Login(name string) (Principal, bool)
	// LoginByID and LoginBySID look a server principal up by id or SID.
	LoginByID(id int) (Principal, bool)
	LoginBySID(sid []byte) (Principal, bool)
	// User looks a database principal up by name ("" for the current one)
	// or id, in the current database.
	User(name string) (Principal, bool)
	UserByID(id int) (Principal, bool)

	// DatabaseName is DB_NAME(); Database looks one up by name or id.
	DatabaseName() string
	Database(name string) (Database, bool)
	DatabaseByID(id int) (Database, bool)
	// Schema looks a schema of the current database up by name ("" for
	// the default schema) or id.
	Schema(name string) (int, string, bool)
	SchemaByID(id int) (string, bool)
	// ObjectID resolves a one- to three-part object name (OBJECT_ID) with
	// an optional type filter (U, P, V, FN, ...); ObjectName reverses it in
	// a database (0 for the current one).
	ObjectID(name, objType string) (int, bool)
	ObjectName(id, dbID int) (string, bool)
	ObjectSchemaName(id, dbID int) (string, bool)

	// IsMember answers IS_MEMBER: 1, 0, or ok=false for NULL (no such
	// group or role).
	IsMember(role string) (bool, bool)
	// IsSrvRoleMember answers IS_SRVROLEMEMBER for login ("" = current).
	IsSrvRoleMember(role, login string) (bool, bool)
	// HasPermsByName answers HAS_PERMS_BY_NAME; ok=false gives NULL.
	HasPermsByName(securable, class, permission string) (bool, bool)

	// NewID is the GUID source of NEWID().
	NewID() uuid.UUID
	// Rand is RAND(): seed is nil for the next value of the session's
	// sequence, or the value that reseeds it.
	Rand(seed *int64) float64
}

// Principal is a login or a database user as the security functions see it.
type Principal struct {
	ID   int
	Name string
	SID  []byte
}

// Database is what DB_ID, DB_NAME and DATABASEPROPERTYEX need.
type Database struct {
	ID        int
	Name      string
	Collation string
	ReadOnly  bool
}

// Version is @@VERSION as SQL Server 2022 RTM in a Linux container reports
// it (two spaces in "Oct  8", a trailing space after "(X64)" and the build
// time).
const Version = "Microsoft SQL Server 2022 (RTM) - 16.0.1000.6 (X64) \n\tOct  8 2022 05:58:25 \n\tCopyright (C) 2022 Microsoft Corporation\n\tDeveloper Edition (64-bit) on Linux (Ubuntu 20.04.5 LTS) <X64>"

// StaticEnv is an Env made of plain fields: the defaults a fresh session
// has, for tests and for the engine to embed. Its zero value is usable; a
// nil Clock reads the wall clock.
type StaticEnv struct {
	Clock        func() time.Time
	DateFirstVal int // 0 means 7
	DateFmt      sqltype.DateFormat
	Lang         string // "" means us_english
	OptionsVal   int
	TextSizeVal  int // 0 means 2147483647
	SPIDVal      int
	Server       string
	Machine      string
	App, Host    string
	CurrentLogin Principal
	Original     string
	CurrentUser  Principal
	Logins       []Principal
	Users        []Principal
	Databases    []Database
	CurrentDB    string
	Schemas      map[string]int // name -> id; "dbo" = 1 when nil
	DefaultSch   string         // "" means dbo
	Objects      map[string]int // upper-case name (as written, schema-qualified or not) -> id
	ObjectTypes  map[int]string
	Members      map[string]bool // roles the user belongs to (lower case)
	SrvRoles     map[string]bool // server roles of the login (lower case)
	Perms        map[string]bool // "securable|class|permission" lower case
	IDs          []uuid.UUID     // NEWID values in order; random when exhausted
	rng          rngState
}

func (e *StaticEnv) Now() time.Time {
	if e.Clock != nil {
		return e.Clock()
	}
	return time.Now()
}

func (e *StaticEnv) DateFirst() int {
	if e.DateFirstVal == 0 {
		return 7
	}
	return e.DateFirstVal
}

func (e *StaticEnv) DateFormat() sqltype.DateFormat { return e.DateFmt }

func (e *StaticEnv) Language() string {
	if e.Lang == "" {
		return "us_english"
	}
	return e.Lang
}

func (e *StaticEnv) Options() int { return e.OptionsVal }

func (e *StaticEnv) TextSize() int {
	if e.TextSizeVal == 0 {
		return 2147483647
	}
	return e.TextSizeVal
}

func (e *StaticEnv) SPID() int          { return e.SPIDVal }
func (e *StaticEnv) ServerName() string { return e.Server }

func (e *StaticEnv) MachineName() string {
	if e.Machine == "" {
		return e.Server
	}
	return e.Machine
}

func (e *StaticEnv) AppName() string   { return e.App }
func (e *StaticEnv) HostName() string  { return e.Host }
func (e *StaticEnv) LoginName() string { return e.CurrentLogin.Name }

func (e *StaticEnv) OriginalLogin() string {
	if e.Original == "" {
		return e.CurrentLogin.Name
	}
	return e.Original
}

func (e *StaticEnv) UserName() string { return e.CurrentUser.Name }

func findPrincipal(list []Principal, cur Principal, match func(Principal) bool) (Principal, bool) {
	if match(cur) && cur.Name != "" {
		return cur, true
	}
	for _, p := range list {
		if match(p) {
			return p, true
		}
	}
	return Principal{}, false
}

// principalNamed finds a principal by name among cur and list; "" names
// cur, when it has a name.
func principalNamed(list []Principal, cur Principal, name string) (Principal, bool) {
	if name == "" {
		return cur, cur.Name != ""
	}
	return findPrincipal(list, cur, func(p Principal) bool { return strings.EqualFold(p.Name, name) })
}

func (e *StaticEnv) Login(name string) (Principal, bool) {
	return principalNamed(e.Logins, e.CurrentLogin, name)
}

func (e *StaticEnv) LoginByID(id int) (Principal, bool) {
	return findPrincipal(e.Logins, e.CurrentLogin, func(p Principal) bool { return p.ID == id })
}

func (e *StaticEnv) LoginBySID(sid []byte) (Principal, bool) {
	return findPrincipal(e.Logins, e.CurrentLogin, func(p Principal) bool { return string(p.SID) == string(sid) })
}

func (e *StaticEnv) User(name string) (Principal, bool) {
	return principalNamed(e.Users, e.CurrentUser, name)
}

func (e *StaticEnv) UserByID(id int) (Principal, bool) {
	return findPrincipal(e.Users, e.CurrentUser, func(p Principal) bool { return p.ID == id })
}

func (e *StaticEnv) DatabaseName() string { return e.CurrentDB }

func (e *StaticEnv) Database(name string) (Database, bool) {
	if name == "" {
		name = e.CurrentDB
	}
	for _, d := range e.Databases {
		if strings.EqualFold(d.Name, name) {
			return d, true
		}
	}
	return Database{}, false
}

func (e *StaticEnv) DatabaseByID(id int) (Database, bool) {
	for _, d := range e.Databases {
		if d.ID == id {
			return d, true
		}
	}
	return Database{}, false
}

func (e *StaticEnv) schemas() map[string]int {
	if e.Schemas == nil {
		return map[string]int{"dbo": 1, "guest": 2, "INFORMATION_SCHEMA": 3, "sys": 4}
	}
	return e.Schemas
}

func (e *StaticEnv) Schema(name string) (int, string, bool) {
	if name == "" {
		name = e.DefaultSch
		if name == "" {
			name = "dbo"
		}
	}
	for n, id := range e.schemas() {
		if strings.EqualFold(n, name) {
			return id, n, true
		}
	}
	return 0, "", false
}

func (e *StaticEnv) SchemaByID(id int) (string, bool) {
	for n, i := range e.schemas() {
		if i == id {
			return n, true
		}
	}
	return "", false
}

func (e *StaticEnv) ObjectID(name, objType string) (int, bool) {
	id, ok := e.Objects[strings.ToUpper(name)]
	if !ok {
		return 0, false
	}
	if objType != "" && !strings.EqualFold(strings.TrimSpace(e.ObjectTypes[id]), strings.TrimSpace(objType)) {
		return 0, false
	}
	return id, true
}

func (e *StaticEnv) ObjectName(id, dbID int) (string, bool) {
	best := ""
	for n, i := range e.Objects {
		if i == id {
			if k := strings.LastIndexByte(n, '.'); k >= 0 {
				n = n[k+1:]
			}
			if best == "" || len(n) < len(best) {
				best = n
			}
		}
	}
	return best, best != ""
}

func (e *StaticEnv) ObjectSchemaName(id, dbID int) (string, bool) {
	for n, i := range e.Objects {
		if i == id {
			if k := strings.LastIndexByte(n, '.'); k >= 0 {
				s := n[:k]
				if j := strings.LastIndexByte(s, '.'); j >= 0 {
					s = s[j+1:]
				}
				return strings.ToLower(s), true
			}
		}
	}
	return "", false
}

func (e *StaticEnv) IsMember(role string) (bool, bool) {
	role = strings.ToLower(role)
	if role == "public" {
		return true, true
	}
	m, ok := e.Members[role]
	return m, ok
}

func (e *StaticEnv) IsSrvRoleMember(role, login string) (bool, bool) {
	role = strings.ToLower(role)
	switch role {
	case "public":
		return true, true
	case "sysadmin", "serveradmin", "setupadmin", "securityadmin", "processadmin", "dbcreator", "diskadmin", "bulkadmin":
	default:
		return false, false
	}
	if login != "" && !strings.EqualFold(login, e.CurrentLogin.Name) {
		return false, true
	}
	return e.SrvRoles[role], true
}

func (e *StaticEnv) HasPermsByName(securable, class, permission string) (bool, bool) {
	if e.SrvRoles["sysadmin"] {
		return true, true
	}
	v, ok := e.Perms[strings.ToLower(securable+"|"+class+"|"+permission)]
	if !ok {
		return false, true
	}
	return v, true
}

func (e *StaticEnv) NewID() uuid.UUID {
	if len(e.IDs) > 0 {
		id := e.IDs[0]
		e.IDs = e.IDs[1:]
		return id
	}
	return uuid.New()
}

func (e *StaticEnv) Rand(seed *int64) float64 { return e.rng.next(seed) }

// rngState is RAND's per-session sequence: a linear congruential
// generator, reseeded by RAND(seed) so that a seed repeats its sequence.
type rngState struct {
	x      uint64
	seeded bool
}

func (r *rngState) next(seed *int64) float64 {
	if seed != nil {
		r.x = uint64(*seed)*6364136223846793005 + 1442695040888963407
		r.seeded = true
	} else if !r.seeded {
		r.x = uint64(time.Now().UnixNano())
		r.seeded = true
	}
	r.x = r.x*6364136223846793005 + 1442695040888963407
	return float64(r.x>>11) / (1 << 53)
}
