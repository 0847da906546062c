package builtin

import (
	"strings"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

var (
	tNVar128 = sqltype.NVarCharN(128)
	tNVar256 = sqltype.NVarCharN(256)
)

// Cast is CAST(v AS t) and CONVERT(t, v, style) with the session's
// DATEFORMAT; try selects TRY_CAST/TRY_CONVERT (NULL instead of a
// conversion error). t comes from sqltype.ParseCastTypeName.
func Cast(env Env, v sqltype.Value, t sqltype.Type, style int, try bool) (sqltype.Value, error) {
	return sqltype.ConvertWith(v, t, sqltype.ConvertOptions{Style: style, DateFormat: env.DateFormat(), Try: try})
}

// Parse is PARSE(s AS t [USING culture]) and, with try, TRY_PARSE: a
// string read as a number or date/time type under a .NET culture (the
// session language's when culture is ""). A string that does not parse
// fails with 9819 (NULL for TRY_PARSE); an unknown culture is 9818.
func Parse(env Env, v sqltype.Value, t sqltype.Type, culture string, try bool) (sqltype.Value, error) {
	if !t.Kind.IsNumeric() && !t.Kind.IsDateTime() {
		return sqltype.Value{}, sqlerr.New(10761, 16, 1, "Invalid data type %s in function %s.", t.Kind, map[bool]string{false: "PARSE", true: "TRY_PARSE"}[try])
	}
	if v.IsNull() {
		return sqltype.Null(t), nil
	}
	if !v.Kind().IsString() {
		return sqltype.Value{}, argTypeErr(v.Type(), 1, map[bool]string{false: "parse", true: "try_parse"}[try])
	}
	cul, ok := cultureByName(culture)
	if !ok {
		return sqltype.Value{}, badCulture(culture)
	}
	s := strings.TrimSpace(v.Str())
	fail := func() (sqltype.Value, error) {
		if try {
			return sqltype.Null(t), nil
		}
		name := cul.name
		return sqltype.Value{}, sqlerr.New(9819, 16, 1, "Error converting string value '%s' into data type %s using culture '%s'.", v.Str(), t.Kind, name)
	}
	if t.Kind.IsNumeric() {
		// Normalise the culture's separators to the invariant ones.
		n := strings.ReplaceAll(s, cul.group, "")
		n = strings.ReplaceAll(n, cul.currency, "")
		n = strings.TrimSpace(strings.ReplaceAll(n, cul.decimal, "."))
		if strings.HasPrefix(n, "(") && strings.HasSuffix(n, ")") {
			n = "-" + n[1:len(n)-1]
		}
		if n == "" {
			return fail()
		}
		src := sqltype.NewNVarChar(n)
		if t.Kind.IsInteger() || t.Kind == sqltype.Decimal || t.Kind == sqltype.Numeric || t.Kind == sqltype.Money || t.Kind == sqltype.SmallMoney {
			// .NET accepts an exponent for decimals too; go through float
			// only when there is one.
			if strings.ContainsAny(n, "eE") {
				f, err := sqltype.Convert(src, sqltype.TFloat, 0)
				if err != nil {
					return fail()
				}
				src = f
			}
		}
		out, err := sqltype.Convert(src, t, 0)
		if err != nil {
			return fail()
		}
		return out, nil
	}
	// Dates: drop a leading day name ("Monday, 13 December 2010").
	if i := strings.IndexByte(s, ','); i > 0 {
		for _, d := range weekdayNames {
			if strings.EqualFold(strings.TrimSpace(s[:i]), d) {
				s = strings.TrimSpace(s[i+1:])
				break
			}
		}
	}
	out, err := sqltype.ConvertWith(sqltype.NewNVarChar(s), t, sqltype.ConvertOptions{DateFormat: cul.dateOrder})
	if err != nil {
		return fail()
	}
	return out, nil
}

func init() {
	register(&Func{Name: "ISNULL", MinArgs: 2, MaxArgs: 2,
		resolve: func(ts []sqltype.Type) (sqltype.Type, error) { return IsNullType(ts[0], ts[1]), nil },
		eval: func(c *call) (sqltype.Value, error) {
			if !c.args[0].IsNull() {
				return c.args[0], nil
			}
			return sqltype.Assign(c.args[1], c.typ)
		}})
	register(&Func{Name: "COALESCE", MinArgs: 1, MaxArgs: -1,
		resolve: func(ts []sqltype.Type) (sqltype.Type, error) {
			all := true
			for _, t := range ts {
				if t.Kind != sqltype.Unknown {
					all = false
				}
			}
			if all {
				return sqltype.Type{}, sqlerr.New(4127, 16, 1, "At least one of the arguments to COALESCE must be an expression that is not the NULL constant.")
			}
			return CoalesceType(ts...)
		},
		eval: func(c *call) (sqltype.Value, error) {
			for _, a := range c.args {
				if !a.IsNull() {
					return sqltype.Assign(a, c.typ)
				}
			}
			return sqltype.Null(c.typ), nil
		}})
	register(&Func{Name: "NULLIF", MinArgs: 2, MaxArgs: 2,
		resolve: func(ts []sqltype.Type) (sqltype.Type, error) {
			if _, err := sqltype.ResultType(ts[0], ts[1]); err != nil {
				return sqltype.Type{}, err
			}
			return NullIfType(ts[0], ts[1]), nil
		},
		eval: func(c *call) (sqltype.Value, error) {
			a, b := c.args[0], c.args[1]
			if a.IsNull() || b.IsNull() {
				return a, nil
			}
			eq, err := sqltype.Equal(a, b, collation(c.env))
			if err != nil {
				return sqltype.Value{}, err
			}
			if eq {
				return sqltype.Null(c.typ), nil
			}
			return a, nil
		}})
	register(&Func{Name: "CHOOSE", MinArgs: 2, MaxArgs: -1,
		resolve: func(ts []sqltype.Type) (sqltype.Type, error) { return CoalesceType(ts[1:]...) },
		eval: func(c *call) (sqltype.Value, error) {
			i, ok, err := integer(c.args[0], false)
			if err != nil || !ok || i < 1 || int(i) >= len(c.args) {
				return sqltype.Null(c.typ), err
			}
			return sqltype.Assign(c.args[i], c.typ)
		}})
	register(&Func{Name: "SQL_VARIANT_PROPERTY", MinArgs: 2, MaxArgs: 2, resolve: fixed(sqltype.TSQLVariant), eval: func(c *call) (sqltype.Value, error) {
		p, ok, err := str(c.args[1])
		if err != nil || !ok {
			return sqltype.Null(sqltype.TSQLVariant), err
		}
		return sqltype.SQLVariantProperty(c.args[0], p), nil
	}})
	register(&Func{Name: "ISNUMERIC", MinArgs: 1, MaxArgs: 1, resolve: fixed(sqltype.TInt), eval: func(c *call) (sqltype.Value, error) {
		a := c.args[0]
		switch {
		case a.IsNull():
			return sqltype.NewInt(0), nil
		case a.Kind().IsNumeric():
			return sqltype.NewInt(1), nil
		case !a.Kind().IsString():
			return sqltype.NewInt(0), nil
		}
		return sqltype.NewInt(b2i(IsNumeric(a.Str()))), nil
	}})
	register(&Func{Name: "NEWID", MinArgs: 0, MaxArgs: 0, Volatile: true, resolve: fixed(sqltype.TUniqueIdentifier), eval: func(c *call) (sqltype.Value, error) {
		return sqltype.NewUniqueIdentifier(c.env.NewID()), nil
	}})
	register(&Func{Name: "NEWSEQUENTIALID", MinArgs: 0, MaxArgs: 0, resolve: fixed(sqltype.TUniqueIdentifier), eval: func(c *call) (sqltype.Value, error) {
		return sqltype.Value{}, sqlerr.New(302, 16, 0, "The newsequentialid() built-in function can only be used in a DEFAULT expression for a column of type 'uniqueidentifier' in a CREATE TABLE or ALTER TABLE statement. It cannot be combined with other operators to form a complex scalar expression.")
	}})

	// Identity and security.
	niladic := func(name string, t sqltype.Type, f func(e Env) sqltype.Value) {
		register(&Func{Name: name, resolve: fixed(t), eval: func(c *call) (sqltype.Value, error) { return f(c.env), nil }})
	}
	strOf := func(t sqltype.Type, s string, ok bool) sqltype.Value {
		if !ok {
			return sqltype.Null(t)
		}
		return sqltype.NewString(t, s)
	}
	niladic("ORIGINAL_LOGIN", sqltype.TSysname, func(e Env) sqltype.Value { return sqltype.NewString(sqltype.TSysname, e.OriginalLogin()) })
	niladic("CURRENT_USER", sqltype.TSysname, func(e Env) sqltype.Value { return sqltype.NewString(sqltype.TSysname, e.UserName()) })
	niladic("SESSION_USER", sqltype.TSysname, func(e Env) sqltype.Value { return sqltype.NewString(sqltype.TSysname, e.UserName()) })
	niladic("USER", sqltype.TSysname, func(e Env) sqltype.Value { return sqltype.NewString(sqltype.TSysname, e.UserName()) })
	niladic("SYSTEM_USER", sqltype.TSysname, func(e Env) sqltype.Value { return sqltype.NewString(sqltype.TSysname, e.LoginName()) })
	niladic("APP_NAME", tNVar128, func(e Env) sqltype.Value { return sqltype.NewString(tNVar128, e.AppName()) })
	niladic("HOST_NAME", tNVar128, func(e Env) sqltype.Value { return sqltype.NewString(tNVar128, e.HostName()) })

	optStr := func(c *call, i int) (string, bool, error) {
		if i >= len(c.args) {
			return "", true, nil
		}
		return str(c.args[i])
	}
	optInt := func(c *call, i int) (int64, bool, bool, error) { // value, present, notNull, err
		if i >= len(c.args) {
			return 0, false, true, nil
		}
		n, ok, err := integer(c.args[i], false)
		return n, true, ok, err
	}
	// nameByID registers NAME([id]): the name of the login, user or
	// database with that id (NULL when there is none), the current one's
	// without an argument.
	nameByID := func(name string, current func(Env) string, byID func(e Env, id int) (string, bool)) {
		register(&Func{Name: name, MaxArgs: 1, resolve: fixed(tNVar128), eval: func(c *call) (sqltype.Value, error) {
			id, present, ok, err := optInt(c, 0)
			if err != nil || !ok {
				return sqltype.Null(c.typ), err
			}
			if !present {
				return sqltype.NewString(c.typ, current(c.env)), nil
			}
			n, found := byID(c.env, int(id))
			return strOf(c.typ, n, found), nil
		}})
	}
	// idByName registers ID([name]): the id of the principal, database or
	// schema of that name (NULL when there is none), the current one's
	// without an argument.
	idByName := func(name string, byName func(e Env, name string) (int, bool)) {
		register(&Func{Name: name, MaxArgs: 1, resolve: fixed(sqltype.TInt), eval: func(c *call) (sqltype.Value, error) {
			n, ok, err := optStr(c, 0)
			if err != nil || !ok {
				return sqltype.Null(c.typ), err
			}
			id, found := byName(c.env, n)
			if !found {
				return sqltype.Null(c.typ), nil
			}
			return sqltype.NewInt(int64(id)), nil
		}})
	}
	principalName := func(p Principal, ok bool) (string, bool) { return p.Name, ok }
	principalID := func(p Principal, ok bool) (int, bool) { return p.ID, ok }
	userID := func(e Env, name string) (int, bool) { return principalID(e.User(name)) }

	nameByID("SUSER_NAME", Env.LoginName, func(e Env, id int) (string, bool) { return principalName(e.LoginByID(id)) })
	register(&Func{Name: "SUSER_SNAME", MaxArgs: 1, resolve: fixed(tNVar128), eval: func(c *call) (sqltype.Value, error) {
		if len(c.args) == 0 {
			return sqltype.NewString(c.typ, c.env.LoginName()), nil
		}
		a := c.args[0]
		if a.IsNull() {
			return sqltype.Null(c.typ), nil
		}
		b, err := sqltype.Assign(a, sqltype.VarBinaryN(85))
		if err != nil {
			return sqltype.Value{}, err
		}
		p, found := c.env.LoginBySID(b.Bytes())
		return strOf(c.typ, p.Name, found), nil
	}})
	register(&Func{Name: "SUSER_SID", MaxArgs: 2, resolve: fixed(sqltype.VarBinaryN(85)), eval: func(c *call) (sqltype.Value, error) {
		name, ok, err := optStr(c, 0)
		if err != nil || !ok {
			return sqltype.Null(c.typ), err
		}
		p, found := c.env.Login(name)
		if !found {
			return sqltype.Null(c.typ), nil
		}
		return sqltype.NewBytes(c.typ, p.SID), nil
	}})
	idByName("SUSER_ID", func(e Env, name string) (int, bool) { return principalID(e.Login(name)) })
	nameByID("USER_NAME", Env.UserName, func(e Env, id int) (string, bool) { return principalName(e.UserByID(id)) })
	// DATABASE_PRINCIPAL_ID answers as USER_ID does here: both look the
	// name up among the database's users.
	idByName("USER_ID", userID)
	idByName("DATABASE_PRINCIPAL_ID", userID)
	// IS_ROLEMEMBER's optional principal is not consulted: both answer
	// for the caller.
	isMember := func(c *call) (sqltype.Value, error) {
		role, ok, err := str(c.args[0])
		if err != nil || !ok {
			return sqltype.Null(c.typ), err
		}
		m, known := c.env.IsMember(role)
		if !known {
			return sqltype.Null(c.typ), nil
		}
		return sqltype.NewInt(b2i(m)), nil
	}
	register(&Func{Name: "IS_MEMBER", MinArgs: 1, MaxArgs: 1, resolve: fixed(sqltype.TInt), eval: isMember})
	register(&Func{Name: "IS_ROLEMEMBER", MinArgs: 1, MaxArgs: 2, resolve: fixed(sqltype.TInt), eval: isMember})
	register(&Func{Name: "IS_SRVROLEMEMBER", MinArgs: 1, MaxArgs: 2, resolve: fixed(sqltype.TInt), eval: func(c *call) (sqltype.Value, error) {
		role, ok, err := str(c.args[0])
		if err != nil || !ok {
			return sqltype.Null(c.typ), err
		}
		login, ok, err := optStr(c, 1)
		if err != nil || !ok {
			return sqltype.Null(c.typ), err
		}
		m, known := c.env.IsSrvRoleMember(role, login)
		if !known {
			return sqltype.Null(c.typ), nil
		}
		return sqltype.NewInt(b2i(m)), nil
	}})
	register(&Func{Name: "HAS_PERMS_BY_NAME", MinArgs: 3, MaxArgs: 5, resolve: fixed(sqltype.TInt), eval: func(c *call) (sqltype.Value, error) {
		var parts [3]string
		for i := range parts {
			s, ok, err := str(c.args[i])
			if err != nil {
				return sqltype.Value{}, err
			}
			if !ok && i != 0 {
				return sqltype.Null(c.typ), nil
			}
			parts[i] = s
		}
		m, known := c.env.HasPermsByName(parts[0], parts[1], parts[2])
		if !known {
			return sqltype.Null(c.typ), nil
		}
		return sqltype.NewInt(b2i(m)), nil
	}})

	// Databases, schemas and objects.
	nameByID("DB_NAME", Env.DatabaseName, func(e Env, id int) (string, bool) {
		d, found := e.DatabaseByID(id)
		return d.Name, found
	})
	idByName("DB_ID", func(e Env, name string) (int, bool) {
		d, found := e.Database(name)
		return d.ID, found
	})
	register(&Func{Name: "SCHEMA_NAME", MaxArgs: 1, resolve: fixed(sqltype.TSysname), eval: func(c *call) (sqltype.Value, error) {
		id, present, ok, err := optInt(c, 0)
		if err != nil || !ok {
			return sqltype.Null(c.typ), err
		}
		if !present {
			_, n, found := c.env.Schema("")
			return strOf(c.typ, n, found), nil
		}
		n, found := c.env.SchemaByID(int(id))
		return strOf(c.typ, n, found), nil
	}})
	idByName("SCHEMA_ID", func(e Env, name string) (int, bool) {
		id, _, found := e.Schema(name)
		return id, found
	})
	register(&Func{Name: "OBJECT_ID", MinArgs: 1, MaxArgs: 2, resolve: fixed(sqltype.TInt), eval: func(c *call) (sqltype.Value, error) {
		name, ok, err := str(c.args[0])
		if err != nil || !ok {
			return sqltype.Null(c.typ), err
		}
		typ, ok, err := optStr(c, 1)
		if err != nil || !ok {
			return sqltype.Null(c.typ), err
		}
		id, found := c.env.ObjectID(name, typ)
		if !found {
			return sqltype.Null(c.typ), nil
		}
		return sqltype.NewInt(int64(id)), nil
	}})
	objName := func(name string, f func(e Env, id, db int) (string, bool)) {
		register(&Func{Name: name, MinArgs: 1, MaxArgs: 2, resolve: fixed(sqltype.TSysname), eval: func(c *call) (sqltype.Value, error) {
			id, ok, err := integer(c.args[0], false)
			if err != nil || !ok {
				return sqltype.Null(c.typ), err
			}
			db, _, ok, err := optInt(c, 1)
			if err != nil || !ok {
				return sqltype.Null(c.typ), err
			}
			n, found := f(c.env, int(id), int(db))
			return strOf(c.typ, n, found), nil
		}})
	}
	objName("OBJECT_NAME", func(e Env, id, db int) (string, bool) { return e.ObjectName(id, db) })
	objName("OBJECT_SCHEMA_NAME", func(e Env, id, db int) (string, bool) { return e.ObjectSchemaName(id, db) })

	register(&Func{Name: "SERVERPROPERTY", MinArgs: 1, MaxArgs: 1, resolve: fixed(sqltype.TSQLVariant), eval: func(c *call) (sqltype.Value, error) {
		p, ok, err := str(c.args[0])
		if err != nil || !ok {
			return sqltype.Null(sqltype.TSQLVariant), err
		}
		return ServerProperty(c.env, p), nil
	}})
	register(&Func{Name: "DATABASEPROPERTYEX", MinArgs: 2, MaxArgs: 2, resolve: fixed(sqltype.TSQLVariant), eval: func(c *call) (sqltype.Value, error) {
		db, p, ok, err := strPair(c)
		if err != nil || !ok {
			return sqltype.Null(sqltype.TSQLVariant), err
		}
		return DatabaseProperty(c.env, db, p), nil
	}})

	// @@ functions.
	niladic("@@VERSION", sqltype.NVarCharN(300), func(Env) sqltype.Value { return sqltype.NewString(sqltype.NVarCharN(300), Version) })
	niladic("@@SERVERNAME", tNVar128, func(e Env) sqltype.Value { return sqltype.NewString(tNVar128, e.ServerName()) })
	niladic("@@SERVICENAME", tNVar128, func(Env) sqltype.Value { return sqltype.NewString(tNVar128, "MSSQLSERVER") })
	niladic("@@SPID", sqltype.TSmallInt, func(e Env) sqltype.Value { return sqltype.NewSmallInt(int64(e.SPID())) })
	niladic("@@LANGUAGE", tNVar128, func(e Env) sqltype.Value { return sqltype.NewString(tNVar128, e.Language()) })
	niladic("@@LANGID", sqltype.TSmallInt, func(Env) sqltype.Value { return sqltype.NewSmallInt(0) })
	niladic("@@DATEFIRST", sqltype.TTinyInt, func(e Env) sqltype.Value { return sqltype.NewTinyInt(int64(e.DateFirst())) })
	niladic("@@MAX_PRECISION", sqltype.TTinyInt, func(Env) sqltype.Value { return sqltype.NewTinyInt(38) })
	niladic("@@TEXTSIZE", sqltype.TInt, func(e Env) sqltype.Value { return sqltype.NewInt(int64(e.TextSize())) })
	niladic("@@OPTIONS", sqltype.TInt, func(e Env) sqltype.Value { return sqltype.NewInt(int64(e.Options())) })
	niladic("@@MAX_CONNECTIONS", sqltype.TInt, func(Env) sqltype.Value { return sqltype.NewInt(32767) })
	niladic("@@MICROSOFTVERSION", sqltype.TInt, func(Env) sqltype.Value { return sqltype.NewInt(16<<24 | 1000) })
}

// IsNumeric is ISNUMERIC for a string: 1 when it converts to any numeric
// type (int, decimal, float or money), which accepts currency symbols,
// thousands separators, a lone sign or point, and d/e exponents.
func IsNumeric(s string) bool {
	t := strings.Trim(s, " \t\r\n")
	if t == "" {
		return false
	}
	if _, err := sqltype.Convert(sqltype.NewVarChar(t), sqltype.TMoney, 0); err == nil {
		return true
	}
	f := strings.Map(func(r rune) rune {
		if r == 'd' || r == 'D' {
			return 'e'
		}
		return r
	}, t)
	if _, err := sqltype.Convert(sqltype.NewVarChar(f), sqltype.TFloat, 0); err == nil {
		return true
	}
	return false
}

// ServerProperty is SERVERPROPERTY(name) as SQL Server 2022 RTM Developer
// Edition on Linux answers it; unknown names give NULL.
func ServerProperty(env Env, name string) sqltype.Value {
	s := func(v string) sqltype.Value { return sqltype.NewString(tNVar128, v) }
	i := func(n int64) sqltype.Value { return sqltype.NewInt(n) }
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "productversion":
		return s("16.0.1000.6")
	case "productlevel":
		return s("RTM")
	case "productmajorversion":
		return s("16")
	case "productminorversion":
		return s("0")
	case "productbuild":
		return s("1000")
	case "productbuildtype", "productupdatelevel", "productupdatereference", "instancename", "islocaldb":
		return sqltype.Null(sqltype.TSQLVariant)
	case "resourceversion":
		return s("16.00.1000")
	case "resourcelastupdatedatetime":
		return sqltype.NewDateTime(time.Date(2022, 10, 8, 6, 12, 45, 360e6, time.UTC))
	case "edition":
		return s("Developer Edition (64-bit)")
	case "editionid":
		return sqltype.NewBigInt(-2145844348)
	case "engineedition":
		return i(3)
	case "machinename", "computernamephysicalnetbios":
		return s(env.MachineName())
	case "servername":
		return s(env.ServerName())
	case "isintegratedsecurityonly", "isclustered", "isfulltextinstalled", "ishadrenabled", "issingleuser",
		"ispolybaseinstalled", "isadvancedanalyticsinstalled", "filestreamconfiguredlevel", "filestreameffectivelevel",
		"istempdbmetadatamemoryoptimized", "isexternalauthenticationonly":
		return i(0)
	case "isxtpsupported":
		return i(1)
	case "hadrmanagerstatus":
		return i(2)
	case "collation":
		return s(sqltype.CollationDefault.Name)
	case "collationid":
		return i(872468488)
	case "comparisonstyle":
		return i(196609)
	case "lcid":
		return i(1033)
	case "sqlcharset":
		return sqltype.NewTinyInt(1)
	case "sqlcharsetname":
		return s("iso_1")
	case "sqlsortorder":
		return sqltype.NewTinyInt(52)
	case "sqlsortordername":
		return s("nocase_iso")
	case "buildclrversion":
		return s("v4.0.30319")
	case "processid":
		return i(1)
	case "instancedefaultdatapath", "instancedefaultlogpath", "instancedefaultbackuppath":
		return s("/var/opt/mssql/data/")
	case "errorlogfilename":
		return s("/var/opt/mssql/log/errorlog")
	case "filestreamsharename":
		return s("MSSQLSERVER")
	case "licensetype":
		return s("DISABLED")
	case "numlicenses":
		return sqltype.Null(sqltype.TSQLVariant)
	}
	return sqltype.Null(sqltype.TSQLVariant)
}

// DatabaseProperty is DATABASEPROPERTYEX(db, name) for a database the Env
// knows; NULL for an unknown database or property.
func DatabaseProperty(env Env, db, name string) sqltype.Value {
	d, ok := env.Database(db)
	if !ok {
		return sqltype.Null(sqltype.TSQLVariant)
	}
	s := func(v string) sqltype.Value { return sqltype.NewString(tNVar128, v) }
	i := func(n int64) sqltype.Value { return sqltype.NewInt(n) }
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "collation":
		c := d.Collation
		if c == "" {
			c = sqltype.CollationDefault.Name
		}
		return s(c)
	case "status":
		return s("ONLINE")
	case "updateability":
		if d.ReadOnly {
			return s("READ_ONLY")
		}
		return s("READ_WRITE")
	case "useraccess":
		return s("MULTI_USER")
	case "recovery":
		if strings.EqualFold(d.Name, "tempdb") || strings.EqualFold(d.Name, "master") {
			return s("SIMPLE")
		}
		return s("FULL")
	case "version":
		return i(957)
	case "comparisonstyle":
		return i(196609)
	case "lcid":
		return i(1033)
	case "sqlsortorder":
		return i(52)
	case "isautocreatestatistics", "isautoupdatestatistics", "isxtpsupported":
		return i(1)
	case "isautoclose", "isautoshrink", "isansinulldefault", "isansinullsenabled", "isansipaddingenabled", "isansiwarningsenabled",
		"isarithmeticabortenabled", "isfulltextenabled", "isinstandby", "isnullconcat", "isnumericroundabortenabled",
		"isparameterizationforced", "isquotedidentifiersenabled", "isrecursivetriggersenabled", "istornpagedetectionenabled",
		"ispublished", "issubscribed", "ismergepublished", "issyncwithbackup", "ismemoryoptimizedelevatetosnapshotenabled",
		"isautocreatestatisticsincremental", "isclone", "isverifiedclone", "isdbsnapshot":
		return i(0)
	}
	return sqltype.Null(sqltype.TSQLVariant)
}
