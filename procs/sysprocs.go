package procs

import (
	"context"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/proc"
)

var (
	nvMax  = sqltype.NVarCharN(sqltype.Max)
	nullNV = sqltype.Null(nvMax)
)

// systemProcs are the system procedures every database sees.
func systemProcs() []*proc.Def {
	sys := func(name string, body any, varArgs bool, params ...proc.Param) *proc.Def {
		return &proc.Def{Schema: "sys", Name: name, Params: params, VarArgs: varArgs, Body: body}
	}
	p := func(name string, t sqltype.Type) proc.Param { return proc.Param{Name: name, Type: t} }
	opt := func(name string, t sqltype.Type, def sqltype.Value) proc.Param {
		return proc.Param{Name: name, Type: t, HasDefault: true, Default: def}
	}
	out := func(name string, t sqltype.Type) proc.Param {
		return proc.Param{Name: name, Type: t, Output: true, HasDefault: true, Default: sqltype.Null(t)}
	}
	return []*proc.Def{
		sys("sp_executesql", sessionBody(spExecuteSQL), true, p("@stmt", nvMax), opt("@params", nvMax, nullNV)),
		sys("sp_prepare", sessionBody(spPrepare), false, out("@handle", sqltype.TInt), p("@params", nvMax), p("@stmt", nvMax), opt("@options", sqltype.TInt, sqltype.NewInt(1))),
		sys("sp_execute", sessionBody(spExecute), true, p("@handle", sqltype.TInt)),
		sys("sp_prepexec", sessionBody(spPrepExec), true, out("@handle", sqltype.TInt), p("@params", nvMax), p("@stmt", nvMax)),
		sys("sp_unprepare", sessionBody(spUnprepare), false, p("@handle", sqltype.TInt)),
		sys("sp_datatype_info_100", sessionBody(spDatatypeInfo), false, opt("@data_type", sqltype.TInt, sqltype.NewInt(0)), opt("@ODBCVer", sqltype.TTinyInt, sqltype.NewTinyInt(2))),
		sys("sp_datatype_info", sessionBody(spDatatypeInfo), false, opt("@data_type", sqltype.TInt, sqltype.NewInt(0)), opt("@ODBCVer", sqltype.TTinyInt, sqltype.NewTinyInt(2))),
		sys("sp_addrolemember", sessionBody(roleMember("ADD ROLE MEMBER", 0, 1)), false, p("@rolename", sqltype.TSysname), p("@membername", sqltype.TSysname)),
		sys("sp_droprolemember", sessionBody(roleMember("DROP ROLE MEMBER", 0, 1)), false, p("@rolename", sqltype.TSysname), p("@membername", sqltype.TSysname)),
		sys("sp_addsrvrolemember", sessionBody(roleMember("ADD SERVER ROLE MEMBER", 1, 0)), false, p("@loginame", sqltype.TSysname), p("@rolename", sqltype.TSysname)),
		sys("sp_dropsrvrolemember", sessionBody(roleMember("DROP SERVER ROLE MEMBER", 1, 0)), false, p("@loginame", sqltype.TSysname), p("@rolename", sqltype.TSysname)),
		sys("sp_reset_connection", sessionBody(func(f *frame, _ *proc.Call, _ []proc.Arg) (int32, error) {
			return 0, f.s.Reset(f.ctx, false)
		}), false),
	}
}

// roleMember is sp_addrolemember and friends: role and member are the
// argument positions of the role and the member.
func roleMember(kind string, role, member int) sessionBody {
	return func(f *frame, c *proc.Call, _ []proc.Arg) (int32, error) {
		st := SecurityStatement{Kind: kind, Database: f.s.database, Name: printable(c.Args[role]), Member: printable(c.Args[member])}
		if err := f.s.e.cat.Security(f.ctx, f.s.principal, f.s.catalogTx(), st); err != nil {
			return 1, err
		}
		return 0, nil
	}
}

// typeInfoRow is one row of sp_datatype_info (ODBC SQLGetTypeInfo).
type typeInfoRow struct {
	name      string
	odbcType  int64
	precision int64
	prefix    string
	suffix    string
	params    string
	nullable  int64
	caseSens  int64
	search    int64
	unsigned  int64 // -1 for NULL
	money     int64
	autoInc   int64
	minScale  int64 // -1 for NULL
	maxScale  int64 // -1 for NULL
	sqlType   int64
	sub       int64 // -1 for NULL
	radix     int64 // -1 for NULL
	userType  int64
}

var typeInfoRows = []typeInfoRow{
	{"bit", -7, 1, "", "", "", 1, 0, 2, -1, 0, 0, 0, 0, -7, -1, -1, 16},
	{"tinyint", -6, 3, "", "", "", 1, 0, 2, 1, 0, 0, 0, 0, -6, -1, 10, 5},
	{"bigint", -5, 19, "", "", "", 1, 0, 2, 0, 0, 0, 0, 0, -5, -1, 10, 0},
	{"varbinary", -3, 8000, "0x", "", "max length", 1, 0, 2, -1, 0, -1, -1, -1, -3, -1, -1, 4},
	{"binary", -2, 8000, "0x", "", "length", 1, 0, 2, -1, 0, -1, -1, -1, -2, -1, -1, 3},
	{"nvarchar", -9, 4000, "N'", "'", "max length", 1, 0, 3, -1, 0, -1, -1, -1, -9, -1, -1, 0},
	{"sysname", -9, 128, "N'", "'", "", 0, 0, 3, -1, 0, -1, -1, -1, -9, -1, -1, 18},
	{"nchar", -8, 4000, "N'", "'", "length", 1, 0, 3, -1, 0, -1, -1, -1, -8, -1, -1, 0},
	{"char", 1, 8000, "'", "'", "length", 1, 0, 3, -1, 0, -1, -1, -1, 1, -1, -1, 1},
	{"numeric", 2, 38, "", "", "precision,scale", 1, 0, 2, 0, 0, 0, 0, 38, 2, -1, 10, 10},
	{"decimal", 3, 38, "", "", "precision,scale", 1, 0, 2, 0, 0, 0, 0, 38, 3, -1, 10, 24},
	{"money", 3, 19, "$", "", "", 1, 0, 2, 0, 1, 0, 4, 4, 3, -1, 10, 11},
	{"int", 4, 10, "", "", "", 1, 0, 2, 0, 0, 0, 0, 0, 4, -1, 10, 7},
	{"smallint", 5, 5, "", "", "", 1, 0, 2, 0, 0, 0, 0, 0, 5, -1, 10, 6},
	{"float", 6, 53, "", "", "", 1, 0, 2, 0, 0, 0, -1, -1, 6, -1, 2, 8},
	{"real", 7, 24, "", "", "", 1, 0, 2, 0, 0, 0, -1, -1, 7, -1, 2, 23},
	{"varchar", 12, 8000, "'", "'", "max length", 1, 0, 3, -1, 0, -1, -1, -1, 12, -1, -1, 2},
	{"date", 91, 10, "'", "'", "", 1, 0, 2, -1, 0, -1, -1, -1, 9, 1, -1, 0},
	{"datetime2", 93, 27, "'", "'", "scale", 1, 0, 2, -1, 0, -1, 0, 7, 9, 3, -1, 0},
	{"datetime", 93, 23, "'", "'", "", 1, 0, 2, -1, 0, -1, 3, 3, 9, 3, -1, 12},
	{"smalldatetime", 93, 16, "'", "'", "", 1, 0, 2, -1, 0, -1, 0, 0, 9, 3, -1, 22},
	{"uniqueidentifier", -11, 36, "'", "'", "", 1, 0, 2, -1, 0, -1, -1, -1, -11, -1, -1, 0},
	{"sql_variant", -150, 8000, "", "", "", 1, 0, 2, -1, 0, -1, 0, 0, -150, -1, 10, 0},
	{"datetimeoffset", -155, 34, "'", "'", "scale", 1, 0, 2, -1, 0, -1, 0, 7, -155, 0, -1, 0},
}

var typeInfoColumns = []rows.Column{
	{Name: "TYPE_NAME", Type: sqltype.TSysname},
	{Name: "DATA_TYPE", Type: sqltype.TSmallInt, Nullable: true},
	{Name: "PRECISION", Type: sqltype.TInt, Nullable: true},
	{Name: "LITERAL_PREFIX", Type: sqltype.VarCharN(32), Nullable: true},
	{Name: "LITERAL_SUFFIX", Type: sqltype.VarCharN(32), Nullable: true},
	{Name: "CREATE_PARAMS", Type: sqltype.VarCharN(32), Nullable: true},
	{Name: "NULLABLE", Type: sqltype.TSmallInt, Nullable: true},
	{Name: "CASE_SENSITIVE", Type: sqltype.TSmallInt, Nullable: true},
	{Name: "SEARCHABLE", Type: sqltype.TSmallInt, Nullable: true},
	{Name: "UNSIGNED_ATTRIBUTE", Type: sqltype.TSmallInt, Nullable: true},
	{Name: "MONEY", Type: sqltype.TSmallInt, Nullable: true},
	{Name: "AUTO_INCREMENT", Type: sqltype.TSmallInt, Nullable: true},
	{Name: "LOCAL_TYPE_NAME", Type: sqltype.TSysname, Nullable: true},
	{Name: "MINIMUM_SCALE", Type: sqltype.TSmallInt, Nullable: true},
	{Name: "MAXIMUM_SCALE", Type: sqltype.TSmallInt, Nullable: true},
	{Name: "SQL_DATA_TYPE", Type: sqltype.TSmallInt, Nullable: true},
	{Name: "SQL_DATETIME_SUB", Type: sqltype.TSmallInt, Nullable: true},
	{Name: "NUM_PREC_RADIX", Type: sqltype.TInt, Nullable: true},
	{Name: "INTERVAL_PRECISION", Type: sqltype.TSmallInt, Nullable: true},
	{Name: "USERTYPE", Type: sqltype.TSmallInt, Nullable: true},
}

// spDatatypeInfo answers sp_datatype_info_100 @data_type, @ODBCVer with the
// type rows of that ODBC type (all of them for 0), which FreeTDS ODBC asks
// for at connect.
func spDatatypeInfo(f *frame, c *proc.Call, _ []proc.Arg) (int32, error) {
	want := c.Args[0].Int64()
	var out []rows.Row
	opt := func(n int64, t sqltype.Type) sqltype.Value {
		if n == -1 {
			return sqltype.Null(t)
		}
		return sqltype.NewIntOf(t.Kind, n)
	}
	str := func(s string) sqltype.Value {
		if s == "" {
			return sqltype.Null(sqltype.VarCharN(32))
		}
		return sqltype.NewString(sqltype.VarCharN(32), s)
	}
	for _, r := range typeInfoRows {
		if want != 0 && r.odbcType != want {
			continue
		}
		out = append(out, rows.Row{
			sqltype.NewString(sqltype.TSysname, r.name),
			sqltype.NewSmallInt(r.odbcType),
			sqltype.NewInt(r.precision),
			str(r.prefix), str(r.suffix), str(r.params),
			sqltype.NewSmallInt(r.nullable), sqltype.NewSmallInt(r.caseSens), sqltype.NewSmallInt(r.search),
			opt(r.unsigned, sqltype.TSmallInt), sqltype.NewSmallInt(r.money), opt(r.autoInc, sqltype.TSmallInt),
			sqltype.NewString(sqltype.TSysname, r.name),
			opt(r.minScale, sqltype.TSmallInt), opt(r.maxScale, sqltype.TSmallInt),
			sqltype.NewSmallInt(r.sqlType), opt(r.sub, sqltype.TSmallInt), opt(r.radix, sqltype.TInt),
			sqltype.Null(sqltype.TSmallInt), sqltype.NewSmallInt(r.userType),
		})
	}
	return 0, c.Results.Send(f.ctx, &staticSource{cols: typeInfoColumns, rows: out})
}

// staticSource is a row source over rows in memory.
type staticSource struct {
	cols []rows.Column
	rows []rows.Row
}

func (s *staticSource) Columns() []rows.Column { return s.cols }

func (s *staticSource) Scan(ctx context.Context, fn func(rows.Row) bool) error {
	for _, r := range s.rows {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !fn(r) {
			return nil
		}
	}
	return nil
}

var sysProcColumns = []rows.Column{
	{Name: "name", Type: sqltype.TSysname},
	{Name: "object_id", Type: sqltype.TInt},
	{Name: "principal_id", Type: sqltype.TInt, Nullable: true},
	{Name: "schema_id", Type: sqltype.TInt},
	{Name: "parent_object_id", Type: sqltype.TInt},
	{Name: "type", Type: sqltype.CharN(2), Nullable: true},
	{Name: "type_desc", Type: sqltype.NVarCharN(60), Nullable: true},
	{Name: "create_date", Type: sqltype.TDateTime},
	{Name: "modify_date", Type: sqltype.TDateTime},
	{Name: "is_ms_shipped", Type: sqltype.TBit},
	{Name: "is_published", Type: sqltype.TBit},
	{Name: "is_schema_published", Type: sqltype.TBit},
	{Name: "is_auto_executed", Type: sqltype.TBit},
	{Name: "is_execution_replicated", Type: sqltype.TBit, Nullable: true},
	{Name: "is_repl_serializable_only", Type: sqltype.TBit, Nullable: true},
	{Name: "skips_repl_constraints", Type: sqltype.TBit, Nullable: true},
}

// schemaIDs are the schema ids SQL Server gives its fixed schemas.
var schemaIDs = map[string]int64{"dbo": 1, "guest": 2, "information_schema": 3, "sys": 4}
