package catalog

import (
	"cmp"
	"maps"
	"slices"
)

var (
	colsServerPrincipals = cols("name sysname!", "principal_id int!", "sid varbinary(85)", "type char(1)!", "type_desc nvarchar(60)",
		"is_disabled bit", "create_date datetime!", "modify_date datetime!", "default_database_name sysname",
		"default_language_name sysname", "credential_id int", "owning_principal_id int", "is_fixed_role bit!")
	colsDatabasePrincipals = cols("name sysname!", "principal_id int!", "type char(1)!", "type_desc nvarchar(60)",
		"default_schema_name sysname", "create_date datetime!", "modify_date datetime!", "owning_principal_id int",
		"sid varbinary(85)", "is_fixed_role bit!", "authentication_type int!", "authentication_type_desc nvarchar(60)!",
		"default_language_name sysname", "default_language_lcid int", "allow_encrypted_value_modifications bit!")
	colsRoleMembers = cols("role_principal_id int!", "member_principal_id int!")
	colsDatabases   = cols("name sysname!", "database_id int!", "source_database_id int", "owner_sid varbinary(85)",
		"create_date datetime!", "compatibility_level tinyint!", "collation_name sysname", "user_access tinyint",
		"user_access_desc nvarchar(60)", "is_read_only bit", "state tinyint", "state_desc nvarchar(60)",
		"recovery_model tinyint", "recovery_model_desc nvarchar(60)")
)

var colsSchemas = cols("name sysname!", "schema_id int!", "principal_id int")

// Schema is a row of sys.schemas.
type Schema struct {
	Name  string
	ID    int32
	Owner int32
}

// Schemas lists a database's schemas: the standard ones, and in SSISDB
// the catalog's two (owned by AllSchemaOwner, as in a real SSISDB).
func Schemas(db string) []Schema {
	out := []Schema{{"dbo", 1, dboID}, {"guest", 2, guestID}, {"INFORMATION_SCHEMA", 3, 3}, {"sys", 4, 4}}
	if key(db) == key(SSISDB) {
		out = append(out, Schema{"catalog", 5, allSchemaOwnerID}, Schema{"internal", 6, allSchemaOwnerID})
	}
	for id := int32(16384); id <= 16393; id++ {
		if name, ok := fixedDBRoles[id]; ok {
			out = append(out, Schema{name, id, id})
		}
	}
	return out
}

var loginTypeDesc = map[byte]string{'S': "SQL_LOGIN", 'U': "WINDOWS_LOGIN", 'G': "WINDOWS_GROUP", 'R': "SERVER_ROLE"}
var userTypeDesc = map[byte]string{'S': "SQL_USER", 'U': "WINDOWS_USER", 'G': "WINDOWS_GROUP", 'R': "DATABASE_ROLE"}

// roleMemberRows walks role -> members in role id order from the scan's
// position, resuming inside a role by member id (x.inner is the last
// member written). The sets are small; sorting one per role is cheap.
func roleMemberRows(x *scan, m map[int32]map[int32]bool) bool {
	roles := idsOf(x, m)
	for ; x.pos < len(roles); x.pos++ {
		role := roles[x.pos]
		for _, mem := range slices.Sorted(maps.Keys(m[int32(role)])) {
			if int64(mem) <= x.inner {
				continue
			}
			if x.w.full() {
				return false
			}
			x.w.int(role)
			x.w.int(int64(mem))
			x.inner = int64(mem)
		}
		x.inner = 0
	}
	return true
}

// sysViews are the sys.* row sources that come from the catalog's state,
// for the database the view is named in (x.db; the server-level ones are
// the same in every database). A login that is not sysadmin or
// securityadmin sees its own login and the server roles in
// sys.server_principals, as SQL Server's metadata visibility rules give.
var sysViews = map[string]*viewDef{
	"server_principals": {cols: colsServerPrincipals,
		scan: func(x *scan) bool {
			all := x.sc.serverRole(x.s, "securityadmin")
			return byID(x, x.s.Logins, func(x *scan, l *Login) bool {
				if !all && l.Type != 'R' && (x.sc.login == nil || x.sc.login.PrincipalID != l.PrincipalID) {
					return true
				}
				w := &x.w
				w.str(l.Name)
				w.int(int64(l.PrincipalID))
				w.bytes(l.SID)
				w.char(l.Type)
				w.str(loginTypeDesc[l.Type])
				w.bit(l.Disabled)
				w.time(l.Created)
				w.time(l.Modified)
				if l.Type == 'R' {
					w.null()
					w.null()
				} else {
					w.str(l.DefaultDB)
					w.str("us_english")
				}
				w.null()
				if l.Type == 'R' {
					w.int(int64(saID))
				} else {
					w.null()
				}
				w.bit(l.FixedRole)
				return true
			})
		}},
	"server_role_members": {cols: colsRoleMembers,
		scan: func(x *scan) bool { return roleMemberRows(x, x.s.ServerRoleMembers) }},
	"databases": {cols: colsDatabases,
		scan: func(x *scan) bool {
			if !x.keyed {
				x.keyed = true
				for _, d := range slices.SortedFunc(maps.Values(x.s.Databases), func(a, b *Database) int { return cmp.Compare(a.ID, b.ID) }) {
					x.names = append(x.names, key(d.Name))
				}
			}
			for ; x.pos < len(x.names); x.pos++ {
				if x.w.full() {
					return false
				}
				d := x.s.Databases[x.names[x.pos]]
				if d == nil {
					continue
				}
				w := &x.w
				w.str(d.Name)
				w.int(int64(d.ID))
				w.null()
				w.bytes(d.OwnerSID)
				w.time(d.Created)
				w.int(140)
				w.str("SQL_Latin1_General_CP1_CI_AS")
				w.int(0)
				w.str("MULTI_USER")
				w.bit(false)
				w.int(0)
				w.str("ONLINE")
				w.int(1)
				w.str("FULL")
			}
			return true
		}},
	"database_principals": {cols: colsDatabasePrincipals,
		scan: func(x *scan) bool {
			d := x.s.Databases[x.db]
			if d == nil {
				return true
			}
			return byID(x, d.Principals, func(x *scan, p *DBPrincipal) bool {
				auth, authDesc := int64(0), "NONE"
				if p.Type != 'R' && !p.WithoutLogin && p.SID != nil {
					auth, authDesc = 1, "INSTANCE"
					if p.Type == 'U' {
						auth, authDesc = 3, "WINDOWS"
					}
				}
				w := &x.w
				w.str(p.Name)
				w.int(int64(p.ID))
				w.char(p.Type)
				w.str(userTypeDesc[p.Type])
				if p.Type != 'R' {
					w.str(p.DefaultSchema)
				} else {
					w.null()
				}
				w.time(p.Created)
				w.time(p.Modified)
				if p.Type == 'R' {
					w.int(int64(p.OwningID))
				} else {
					w.null()
				}
				w.bytes(p.SID)
				w.bit(p.FixedRole)
				w.int(auth)
				w.str(authDesc)
				w.null()
				w.null()
				w.bit(false)
				return true
			})
		}},
	"schemas": {cols: colsSchemas,
		scan: func(x *scan) bool {
			d := x.s.Databases[x.db]
			if d == nil {
				return true
			}
			// A fixed list of a dozen rows: one chunk.
			for _, sch := range Schemas(d.Name) {
				x.w.str(sch.Name)
				x.w.int(int64(sch.ID))
				x.w.int(int64(sch.Owner))
			}
			return true
		}},
	"database_role_members": {cols: colsRoleMembers,
		scan: func(x *scan) bool {
			if d := x.s.Databases[x.db]; d != nil {
				return roleMemberRows(x, d.RoleMembers)
			}
			return true
		}},
}
