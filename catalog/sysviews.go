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

func sortedLogins(s *State) []*Login {
	return slices.SortedFunc(maps.Values(s.Logins), func(a, b *Login) int { return cmp.Compare(a.PrincipalID, b.PrincipalID) })
}

func sortedDBPrincipals(d *Database) []*DBPrincipal {
	return slices.SortedFunc(maps.Values(d.Principals), func(a, b *DBPrincipal) int { return cmp.Compare(a.ID, b.ID) })
}

func roleMemberRows(m map[int32]map[int32]bool, emit emitFn) {
	for _, r := range slices.Sorted(maps.Keys(m)) {
		for _, mem := range slices.Sorted(maps.Keys(m[r])) {
			emit(r, mem)
		}
	}
}

// sysViews are the sys.* row sources that come from the catalog's state,
// for database db (the server-level ones are the same in every database).
// A login that is not sysadmin or securityadmin sees its own login and the
// server roles in sys.server_principals, as SQL Server's metadata
// visibility rules give.
func sysViews(db string) map[string]*viewDef {
	return map[string]*viewDef{
		"server_principals": {cols: colsServerPrincipals,
			scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
				all := sc.serverRole(s, "securityadmin")
				for _, l := range sortedLogins(s) {
					if !all && l.Type != 'R' && (sc.login == nil || sc.login.PrincipalID != l.PrincipalID) {
						continue
					}
					var owner, defDB, lang any
					if l.Type == 'R' {
						owner = saID
					} else {
						defDB, lang = l.DefaultDB, "us_english"
					}
					emit(l.Name, l.PrincipalID, l.SID, l.Type, loginTypeDesc[l.Type], l.Disabled, l.Created, l.Modified,
						defDB, lang, nil, owner, l.FixedRole)
				}
			}},
		"server_role_members": {cols: colsRoleMembers,
			scan: func(s *State, sc *secCtx, _ any, emit emitFn) { roleMemberRows(s.ServerRoleMembers, emit) }},
		"databases": {cols: colsDatabases,
			scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
				ds := slices.SortedFunc(maps.Values(s.Databases), func(a, b *Database) int { return cmp.Compare(a.ID, b.ID) })
				for _, d := range ds {
					emit(d.Name, d.ID, nil, d.OwnerSID, d.Created, byteVal(140), "SQL_Latin1_General_CP1_CI_AS", byteVal(0),
						"MULTI_USER", false, byteVal(0), "ONLINE", byteVal(1), "FULL")
				}
			}},
		"database_principals": {cols: colsDatabasePrincipals,
			scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
				d := s.Databases[db]
				if d == nil {
					return
				}
				for _, p := range sortedDBPrincipals(d) {
					auth, authDesc := int32(0), "NONE"
					var schema, lang, lcid any
					if p.Type != 'R' {
						schema = p.DefaultSchema
						if !p.WithoutLogin && p.SID != nil {
							auth, authDesc = 1, "INSTANCE"
							if p.Type == 'U' {
								auth, authDesc = 3, "WINDOWS"
							}
						}
					}
					var owner any
					if p.Type == 'R' {
						owner = p.OwningID
					}
					emit(p.Name, p.ID, p.Type, userTypeDesc[p.Type], schema, p.Created, p.Modified, owner, p.SID, p.FixedRole,
						auth, authDesc, lang, lcid, false)
				}
			}},
		"schemas": {cols: colsSchemas,
			scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
				d := s.Databases[db]
				if d == nil {
					return
				}
				for _, sch := range Schemas(d.Name) {
					emit(sch.Name, sch.ID, sch.Owner)
				}
			}},
		"database_role_members": {cols: colsRoleMembers,
			scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
				if d := s.Databases[db]; d != nil {
					roleMemberRows(d.RoleMembers, emit)
				}
			}},
	}
}

func byteVal(n int) any { return int16(n) }
