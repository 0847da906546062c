package procs

import (
	"context"
	"hash/fnv"
	"sort"
	"strings"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/table"
)

// The metadata views the engine answers itself: sys.objects, sys.tables,
// sys.views, sys.procedures, sys.columns, sys.types and
// INFORMATION_SCHEMA.TABLES, COLUMNS, ROUTINES and SCHEMATA. They list
// the user tables and procedures of a database, the session's temp tables
// (in tempdb), and in SSISDB the catalog's own views (type V), internal
// tables (type U) and procedures. The other sys views (databases,
// schemas, principals, role members) come from the catalog.

// ViewLister is implemented by a Catalog that can list the views and
// tables it serves in a database, as "schema.name".
type ViewLister interface {
	ViewNames(database string) []string
}

// stableID is the object id of an object the engine does not number
// itself (catalog views and procedures): the same for every session and
// run.
func stableID(db, schema, name string) int32 {
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(db + "." + schema + "." + name)))
	return int32(h.Sum32()&0x3FFFFFFF) + 1
}

// newObjectID numbers a user object.
func (e *Engine) newObjectID() int32 {
	n := int64(e.objectIDs.Add(1))
	return int32(1_000_000_000 + (n*7919)%1_100_000_000)
}

// object is one row of sys.objects as the engine sees it.
type object struct {
	name, schema string
	id, parent   int32
	typ, desc    string
	created      time.Time
	modified     time.Time
	cols         []rows.Column // tables and views
	ut           *userTable
	defaults     []string // DEFAULT texts by column (user tables)
	identity     int      // identity column, -1
	proc         *userProc
	params       int
}

// objectsOf lists a database's objects, ordered by schema and name.
func (s *Session) objectsOf(ctx context.Context, db string) []object {
	var out []object
	e := s.e
	tableObj := func(t *userTable, name string) {
		o := object{name: name, schema: t.Schema, id: t.ID, typ: "U ", desc: "USER_TABLE", created: t.Created,
			modified: t.Modified(), cols: t.Columns(), ut: t, identity: t.IdentityColumn()}
		for _, c := range t.Def.Columns {
			o.defaults = append(o.defaults, c.DefaultText)
		}
		out = append(out, o)
		for k, key := range t.Keys {
			typ, desc := "UQ", "UNIQUE_CONSTRAINT"
			if key.Primary {
				typ, desc = "PK", "PRIMARY_KEY_CONSTRAINT"
			}
			if key.Index {
				continue
			}
			out = append(out, object{name: key.Name, schema: t.Schema, id: t.ID + int32(k) + 1, parent: t.ID, typ: typ, desc: desc, created: t.Created, modified: t.Created})
		}
		for k, ck := range t.Checks {
			out = append(out, object{name: ck.Name, schema: t.Schema, id: t.ID + int32(len(t.Keys)+k) + 1, parent: t.ID, typ: "C ", desc: "CHECK_CONSTRAINT", created: t.Created, modified: t.Created})
		}
	}
	for _, t := range e.tables.list(db) {
		name := t.Name
		if t.Kind == table.GlobalTemp {
			name = tempName(t.Table)
		}
		tableObj(t, name)
	}
	if strings.EqualFold(db, "tempdb") {
		for _, list := range s.temps {
			for _, t := range list {
				tableObj(t, tempName(t.Table))
			}
		}
	}
	e.mu.RLock()
	for k, up := range e.procs {
		if k.db == strings.ToLower(db) {
			out = append(out, object{name: up.def.Name, schema: up.def.Schema, id: up.id, typ: "P ", desc: "SQL_STORED_PROCEDURE", created: up.created, modified: up.modified, proc: up, params: len(up.def.Params)})
		}
	}
	e.mu.RUnlock()
	for k, d := range e.builtins {
		if k.db != "" && k.db == strings.ToLower(db) {
			out = append(out, object{name: d.Name, schema: d.Schema, id: stableID(db, d.Schema, d.Name), typ: "P ", desc: "SQL_STORED_PROCEDURE", created: e.started, modified: e.started, params: len(d.Params)})
		}
	}
	if vl, ok := e.cat.(ViewLister); ok {
		for _, full := range vl.ViewNames(db) {
			schema, name, _ := strings.Cut(full, ".")
			src, ok := e.cat.View(ctx, db, schema, name, s.principal)
			if !ok {
				continue
			}
			typ, desc := "V ", "VIEW"
			if strings.EqualFold(schema, "internal") {
				typ, desc = "U ", "USER_TABLE"
			}
			out = append(out, object{name: name, schema: schema, id: stableID(db, schema, name), typ: typ, desc: desc,
				created: e.started, modified: e.started, cols: src.Columns(), identity: -1})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].schema != out[j].schema {
			return strings.ToLower(out[i].schema) < strings.ToLower(out[j].schema)
		}
		return strings.ToLower(out[i].name) < strings.ToLower(out[j].name)
	})
	return out
}

// tempName is a temp table's name in tempdb's catalog: the name padded
// with underscores and a numeric suffix, as SQL Server stores it.
func tempName(t *table.Table) string {
	if strings.HasPrefix(t.Name, "##") {
		return t.Name
	}
	suffix := "0000" + itoaHex(uint32(-t.ID))
	pad := 128 - len([]rune(t.Name)) - len(suffix)
	if pad < 1 {
		pad = 1
	}
	return t.Name + strings.Repeat("_", pad) + suffix
}

func itoaHex(n uint32) string {
	const digits = "0123456789ABCDEF"
	var b [8]byte
	for i := 7; i >= 0; i-- {
		b[i] = digits[n&0xF]
		n >>= 4
	}
	return string(b[:])
}

func schemaID(db, schema string) int64 {
	if id, ok := schemaIDs[strings.ToLower(schema)]; ok {
		return id
	}
	switch strings.ToLower(schema) {
	case "catalog":
		return 5
	case "internal":
		return 6
	}
	return 1
}

// objectInfo finds an object by a one-, two- or three-part name (as
// OBJECT_ID takes it): its id and type.
func (s *Session) objectInfo(ctx context.Context, name string) (int32, string, bool) {
	n := splitName(name)
	if isTemp(n.name) {
		if t := s.lookupTable(n); t != nil {
			return t.ID, "U", true
		}
		return 0, "", false
	}
	if t := s.lookupTable(n); t != nil {
		return t.ID, "U", true
	}
	if d, up, err := s.resolve(n); err == nil {
		if up != nil {
			return up.id, "P", true
		}
		db := d.Database
		if db == "" {
			db = "master"
		}
		return stableID(db, d.Schema, d.Name), "P", true
	}
	db := s.database
	if n.db != "" {
		c, ok := s.e.cat.Database(n.db)
		if !ok {
			return 0, "", false
		}
		db = c
	}
	schema := n.schema
	if schema == "" {
		schema = "dbo"
	}
	if strings.EqualFold(schema, "sys") || strings.EqualFold(schema, "information_schema") {
		if _, ok := s.resolveView(nil, n); ok {
			// System views have negative ids.
			return -(stableID("", schema, n.name) % 1000000) - 1, "V", true
		}
		return 0, "", false
	}
	if _, ok := s.e.cat.View(ctx, db, schema, n.name, s.principal); ok {
		if strings.EqualFold(schema, "internal") {
			return stableID(db, schema, n.name), "U", true
		}
		return stableID(db, schema, n.name), "V", true
	}
	return 0, "", false
}

// objectID is objectInfo's id (OBJECT_ID, @@PROCID).
func (s *Session) objectID(name string) (int32, bool) {
	id, _, ok := s.objectInfo(context.Background(), name)
	return id, ok
}

// ---------------------------------------------------------------------------
// The views

func cols(specs ...string) []rows.Column {
	out := make([]rows.Column, len(specs))
	for i, sp := range specs {
		name, typ, _ := strings.Cut(sp, " ")
		notNull := strings.HasSuffix(typ, "!")
		typ = strings.TrimSuffix(typ, "!")
		var t sqltype.Type
		switch typ {
		case "sysname":
			t = sqltype.TSysname
		default:
			base, arg, hasArg := strings.Cut(strings.TrimSuffix(typ, ")"), "(")
			k, _ := sqltype.KindByName(base)
			t = sqltype.Type{Kind: k}
			if hasArg {
				n := 0
				for _, ch := range arg {
					n = n*10 + int(ch-'0')
				}
				t.Length = int32(n)
			}
		}
		out[i] = rows.Column{Name: name, Type: t, Nullable: !notNull}
	}
	return out
}

var (
	colsObjects = cols("name sysname!", "object_id int!", "principal_id int", "schema_id int!", "parent_object_id int!",
		"type char(2)", "type_desc nvarchar(60)", "create_date datetime!", "modify_date datetime!", "is_ms_shipped bit!",
		"is_published bit!", "is_schema_published bit!")
	colsTablesExtra = cols("lob_data_space_id int!", "filestream_data_space_id int", "max_column_id_used int!",
		"lock_on_bulk_load bit!", "uses_ansi_nulls bit", "is_replicated bit", "has_replication_filter bit",
		"is_merge_published bit", "is_sync_tran_subscribed bit", "has_unchecked_assembly_data bit!",
		"text_in_row_limit int", "large_value_types_out_of_row bit", "is_tracked_by_cdc bit", "lock_escalation tinyint",
		"lock_escalation_desc nvarchar(60)", "is_filetable bit", "is_memory_optimized bit", "durability tinyint",
		"durability_desc nvarchar(60)", "temporal_type tinyint", "temporal_type_desc nvarchar(60)", "history_table_id int",
		"is_remote_data_archive_enabled bit", "is_external bit!")
	colsViewsExtra = cols("is_replicated bit", "has_replication_filter bit", "has_opaque_metadata bit!",
		"has_unchecked_assembly_data bit!", "with_check_option bit!", "is_date_correlation_view bit!", "is_tracked_by_cdc bit")
	colsColumns = cols("object_id int!", "name sysname", "column_id int!", "system_type_id tinyint!", "user_type_id int!",
		"max_length smallint!", "precision tinyint!", "scale tinyint!", "collation_name sysname", "is_nullable bit",
		"is_ansi_padded bit!", "is_rowguidcol bit!", "is_identity bit!", "is_computed bit!", "is_filestream bit!",
		"is_replicated bit", "is_non_sql_subscribed bit", "is_merge_published bit", "is_dts_replicated bit",
		"is_xml_document bit!", "xml_collection_id int!", "default_object_id int!", "rule_object_id int!", "is_sparse bit",
		"is_column_set bit", "generated_always_type tinyint", "generated_always_type_desc nvarchar(60)",
		"encryption_type int", "encryption_type_desc nvarchar(64)", "encryption_algorithm_name sysname",
		"column_encryption_key_id int", "column_encryption_key_database_name sysname", "is_hidden bit", "is_masked bit",
		"graph_type int", "graph_type_desc nvarchar(60)")
	colsTypes = cols("name sysname!", "system_type_id tinyint!", "user_type_id int!", "schema_id int!", "principal_id int",
		"max_length smallint!", "precision tinyint!", "scale tinyint!", "collation_name sysname", "is_nullable bit",
		"is_user_defined bit!", "is_assembly_type bit!", "default_object_id int!", "rule_object_id int!", "is_table_type bit!")
	colsISTables  = cols("TABLE_CATALOG nvarchar(128)", "TABLE_SCHEMA nvarchar(128)", "TABLE_NAME sysname!", "TABLE_TYPE varchar(10)")
	colsISColumns = cols("TABLE_CATALOG nvarchar(128)", "TABLE_SCHEMA nvarchar(128)", "TABLE_NAME sysname!", "COLUMN_NAME sysname",
		"ORDINAL_POSITION int", "COLUMN_DEFAULT nvarchar(4000)", "IS_NULLABLE varchar(3)", "DATA_TYPE nvarchar(128)",
		"CHARACTER_MAXIMUM_LENGTH int", "CHARACTER_OCTET_LENGTH int", "NUMERIC_PRECISION tinyint", "NUMERIC_PRECISION_RADIX smallint",
		"NUMERIC_SCALE int", "DATETIME_PRECISION smallint", "CHARACTER_SET_CATALOG sysname", "CHARACTER_SET_SCHEMA sysname",
		"CHARACTER_SET_NAME sysname", "COLLATION_CATALOG sysname", "COLLATION_SCHEMA sysname", "COLLATION_NAME sysname",
		"DOMAIN_CATALOG sysname", "DOMAIN_SCHEMA sysname", "DOMAIN_NAME sysname")
	colsISRoutines = cols("SPECIFIC_CATALOG nvarchar(128)", "SPECIFIC_SCHEMA nvarchar(128)", "SPECIFIC_NAME sysname!",
		"ROUTINE_CATALOG nvarchar(128)", "ROUTINE_SCHEMA nvarchar(128)", "ROUTINE_NAME sysname!", "ROUTINE_TYPE nvarchar(20)",
		"MODULE_CATALOG sysname", "MODULE_SCHEMA sysname", "MODULE_NAME sysname", "UDT_CATALOG sysname", "UDT_SCHEMA sysname",
		"UDT_NAME sysname", "DATA_TYPE sysname", "CHARACTER_MAXIMUM_LENGTH int", "CHARACTER_OCTET_LENGTH int",
		"COLLATION_CATALOG sysname", "COLLATION_SCHEMA sysname", "COLLATION_NAME sysname", "CHARACTER_SET_CATALOG sysname",
		"CHARACTER_SET_SCHEMA sysname", "CHARACTER_SET_NAME sysname", "NUMERIC_PRECISION smallint",
		"NUMERIC_PRECISION_RADIX smallint", "NUMERIC_SCALE smallint", "DATETIME_PRECISION smallint", "INTERVAL_TYPE nvarchar(30)",
		"INTERVAL_PRECISION smallint", "TYPE_UDT_CATALOG sysname", "TYPE_UDT_SCHEMA sysname", "TYPE_UDT_NAME sysname",
		"SCOPE_CATALOG sysname", "SCOPE_SCHEMA sysname", "SCOPE_NAME sysname", "MAXIMUM_CARDINALITY bigint",
		"DTD_IDENTIFIER sysname", "ROUTINE_BODY nvarchar(30)", "ROUTINE_DEFINITION nvarchar(4000)", "EXTERNAL_NAME sysname",
		"EXTERNAL_LANGUAGE nvarchar(30)", "PARAMETER_STYLE nvarchar(30)", "IS_DETERMINISTIC nvarchar(10)",
		"SQL_DATA_ACCESS nvarchar(30)", "IS_NULL_CALL nvarchar(10)", "SQL_PATH sysname", "SCHEMA_LEVEL_ROUTINE nvarchar(10)",
		"MAX_DYNAMIC_RESULT_SETS smallint", "IS_USER_DEFINED_CAST nvarchar(10)", "IS_IMPLICITLY_INVOCABLE nvarchar(10)",
		"CREATED datetime!", "LAST_ALTERED datetime!")
	colsISSchemata = cols("CATALOG_NAME sysname", "SCHEMA_NAME nvarchar(128)!", "SCHEMA_OWNER nvarchar(128)",
		"DEFAULT_CHARACTER_SET_CATALOG sysname", "DEFAULT_CHARACTER_SET_SCHEMA sysname", "DEFAULT_CHARACTER_SET_NAME sysname")
)

// systemType is a row of sys.types.
type systemType struct {
	name   string
	sysID  int64
	userID int64
	t      sqltype.Type
}

var systemTypes = []systemType{
	{"image", 34, 34, sqltype.Type{Kind: sqltype.Image}}, {"text", 35, 35, sqltype.Type{Kind: sqltype.Text}},
	{"uniqueidentifier", 36, 36, sqltype.TUniqueIdentifier}, {"date", 40, 40, sqltype.TDate},
	{"time", 41, 41, sqltype.TimeS(7)}, {"datetime2", 42, 42, sqltype.DateTime2S(7)},
	{"datetimeoffset", 43, 43, sqltype.DateTimeOffsetS(7)}, {"tinyint", 48, 48, sqltype.TTinyInt},
	{"smallint", 52, 52, sqltype.TSmallInt}, {"int", 56, 56, sqltype.TInt}, {"smalldatetime", 58, 58, sqltype.TSmallDateTime},
	{"real", 59, 59, sqltype.TReal}, {"money", 60, 60, sqltype.TMoney}, {"datetime", 61, 61, sqltype.TDateTime},
	{"float", 62, 62, sqltype.TFloat}, {"sql_variant", 98, 98, sqltype.TSQLVariant}, {"ntext", 99, 99, sqltype.Type{Kind: sqltype.NText}},
	{"bit", 104, 104, sqltype.TBit}, {"decimal", 106, 106, sqltype.DecimalPS(38, 38)}, {"numeric", 108, 108, sqltype.NumericPS(38, 38)},
	{"smallmoney", 122, 122, sqltype.TSmallMoney}, {"bigint", 127, 127, sqltype.TBigInt},
	{"varbinary", 165, 165, sqltype.VarBinaryN(8000)}, {"varchar", 167, 167, sqltype.VarCharN(8000)},
	{"binary", 173, 173, sqltype.BinaryN(8000)}, {"char", 175, 175, sqltype.CharN(8000)},
	{"timestamp", 189, 189, sqltype.BinaryN(8)}, {"nvarchar", 231, 231, sqltype.NVarCharN(4000)},
	{"nchar", 239, 239, sqltype.NCharN(4000)}, {"xml", 241, 241, sqltype.TXML}, {"sysname", 231, 256, sqltype.TSysname},
}

// typeIDs returns the system and user type ids of a column type.
func typeIDs(t sqltype.Type) (int64, int64, string) {
	if t == sqltype.TSysname {
		return 231, 256, "sysname"
	}
	for _, st := range systemTypes {
		if st.t.Kind == t.Kind && st.name != "timestamp" && st.name != "sysname" {
			return st.sysID, st.userID, st.name
		}
	}
	return 0, 0, t.Kind.String()
}

var (
	bitF = sqltype.NewBit(false)
	bitT = sqltype.NewBit(true)
)

func nvs(s string) sqltype.Value { return sqltype.NewString(sqltype.TSysname, s) }

func nullOf(c rows.Column) sqltype.Value { return sqltype.Null(c.Type) }

// sysView returns the engine's own sys or INFORMATION_SCHEMA view of a
// database.
func (s *Session) sysView(ctx context.Context, db, schema, name string) (rows.Source, bool) {
	lname := strings.ToLower(name)
	if strings.EqualFold(schema, "information_schema") {
		switch lname {
		case "tables":
			return s.isTables(ctx, db), true
		case "columns":
			return s.isColumns(ctx, db), true
		case "routines":
			return s.isRoutines(ctx, db), true
		case "schemata":
			return s.isSchemata(db), true
		}
		return nil, false
	}
	switch lname {
	case "objects", "all_objects":
		return s.sysObjects(ctx, db, ""), true
	case "tables":
		return s.sysObjects(ctx, db, "U "), true
	case "views":
		return s.sysObjects(ctx, db, "V "), true
	case "procedures":
		return s.sysObjects(ctx, db, "P "), true
	case "columns", "all_columns":
		return s.sysColumns(ctx, db), true
	case "types":
		return sysTypes(), true
	case "indexes":
		return s.sysIndexes(ctx, db), true
	case "sql_modules":
		return s.sysModules(ctx, db), true
	}
	return nil, false
}

var (
	colsIndexes = cols("object_id int!", "name sysname", "index_id int!", "type tinyint!", "type_desc nvarchar(60)",
		"is_unique bit", "data_space_id int", "ignore_dup_key bit", "is_primary_key bit", "is_unique_constraint bit",
		"fill_factor tinyint!", "is_padded bit", "is_disabled bit", "is_hypothetical bit", "is_ignored_in_optimization bit",
		"allow_row_locks bit", "allow_page_locks bit", "has_filter bit", "filter_definition nvarchar(max)",
		"compression_delay int", "suppress_dup_key_messages bit", "auto_created bit", "optimize_for_sequential_key bit")
	colsModules = cols("object_id int!", "definition nvarchar(max)", "uses_ansi_nulls bit", "uses_quoted_identifier bit",
		"is_schema_bound bit", "uses_database_collation bit", "is_recompiled bit", "null_on_null_input bit",
		"execute_as_principal_id int", "uses_native_compilation bit", "inline_type bit", "is_inlineable bit")
)

// sysIndexes lists the indexes of user tables: the heap or clustered
// index (id 0 or 1), then the nonclustered keys and unique indexes.
func (s *Session) sysIndexes(ctx context.Context, db string) rows.Source {
	out := &staticSource{cols: colsIndexes}
	add := func(o object, name sqltype.Value, id int64, clustered bool, k *table.Key) {
		typ, desc := int64(2), "NONCLUSTERED"
		switch {
		case k == nil:
			typ, desc = 0, "HEAP"
		case clustered:
			typ, desc = 1, "CLUSTERED"
		}
		unique, pk, uq := false, false, false
		if k != nil {
			unique, pk, uq = true, k.Primary, !k.Primary && !k.Index
		}
		out.rows = append(out.rows, rows.Row{sqltype.NewInt(int64(o.id)), name, sqltype.NewInt(id), sqltype.NewTinyInt(typ),
			sqltype.NewString(sqltype.NVarCharN(60), desc), sqltype.NewBit(unique), sqltype.NewInt(1), bitF, sqltype.NewBit(pk),
			sqltype.NewBit(uq), sqltype.NewTinyInt(0), bitF, bitF, bitF, bitF, bitT, bitT, bitF,
			sqltype.Null(sqltype.NVarCharN(sqltype.Max)), sqltype.Null(sqltype.TInt), bitF, bitF, bitF})
	}
	for _, o := range s.objectsOf(ctx, db) {
		if o.ut == nil || o.typ != "U " {
			continue
		}
		keys := o.ut.Keys
		clustered := -1
		for i, k := range keys {
			if k.Clustered {
				clustered = i
				break
			}
		}
		if clustered < 0 {
			add(o, sqltype.Null(sqltype.TSysname), 0, false, nil)
		} else {
			add(o, nvs(keys[clustered].Name), 1, true, &keys[clustered])
		}
		next := int64(2)
		for i := range keys {
			if i != clustered {
				add(o, nvs(keys[i].Name), next, false, &keys[i])
				next++
			}
		}
	}
	return out
}

// sysModules gives the definitions of user procedures.
func (s *Session) sysModules(ctx context.Context, db string) rows.Source {
	out := &staticSource{cols: colsModules}
	for _, o := range s.objectsOf(ctx, db) {
		if o.proc == nil {
			continue
		}
		out.rows = append(out.rows, rows.Row{sqltype.NewInt(int64(o.id)), sqltype.NewString(sqltype.NVarCharN(sqltype.Max), o.proc.text),
			bitT, bitT, bitF, bitF, bitF, bitF, sqltype.Null(sqltype.TInt), bitF, bitF, bitF})
	}
	return out
}

func (s *Session) sysObjects(ctx context.Context, db, only string) rows.Source {
	out := &staticSource{cols: colsObjects}
	switch only {
	case "U ":
		out.cols = append(append([]rows.Column(nil), colsObjects...), colsTablesExtra...)
	case "V ":
		out.cols = append(append([]rows.Column(nil), colsObjects...), colsViewsExtra...)
	case "P ":
		out.cols = sysProcColumns
	}
	for _, o := range s.objectsOf(ctx, db) {
		if only != "" && o.typ != only {
			continue
		}
		r := rows.Row{nvs(o.name), sqltype.NewInt(int64(o.id)), sqltype.Null(sqltype.TInt), sqltype.NewInt(schemaID(db, o.schema)),
			sqltype.NewInt(int64(o.parent)), sqltype.NewString(sqltype.CharN(2), o.typ), sqltype.NewString(sqltype.NVarCharN(60), o.desc),
			sqltype.NewDateTime(sqltype.RoundDateTime(o.created)), sqltype.NewDateTime(sqltype.RoundDateTime(o.modified)), bitF, bitF, bitF}
		switch only {
		case "U ":
			r = append(r, sqltype.NewInt(0), sqltype.Null(sqltype.TInt), sqltype.NewInt(int64(len(o.cols))), bitF, bitT, bitF, bitF, bitF, bitF, bitF,
				sqltype.NewInt(0), bitF, bitF, sqltype.NewTinyInt(0), sqltype.NewString(sqltype.NVarCharN(60), "TABLE"), bitF, bitF,
				sqltype.NewTinyInt(0), sqltype.NewString(sqltype.NVarCharN(60), "SCHEMA_AND_DATA"), sqltype.NewTinyInt(0),
				sqltype.NewString(sqltype.NVarCharN(60), "NON_TEMPORAL_TABLE"), sqltype.Null(sqltype.TInt), bitF, bitF)
		case "V ":
			r = append(r, bitF, bitF, bitF, bitF, bitF, bitF, bitF)
		case "P ":
			r = append(r, bitF, bitF, bitF, bitF)
		}
		out.rows = append(out.rows, r)
	}
	return out
}

func (s *Session) sysColumns(ctx context.Context, db string) rows.Source {
	out := &staticSource{cols: colsColumns}
	for _, o := range s.objectsOf(ctx, db) {
		for i, c := range o.cols {
			sysID, userID, _ := typeIDs(c.Type)
			coll := sqltype.Null(sqltype.TSysname)
			if c.Type.Kind.IsString() {
				coll = nvs("SQL_Latin1_General_CP1_CI_AS")
			}
			defObj := int64(0)
			if o.ut != nil && i < len(o.defaults) && o.defaults[i] != "" {
				defObj = int64(o.id) + 100 + int64(i)
			}
			r := rows.Row{sqltype.NewInt(int64(o.id)), nvs(c.Name), sqltype.NewInt(int64(i + 1)), sqltype.NewTinyInt(sysID), sqltype.NewInt(userID),
				sqltype.NewSmallInt(int64(c.Type.MaxLength())), sqltype.NewTinyInt(int64(c.Type.PrecisionOf())), sqltype.NewTinyInt(int64(c.Type.ScaleOf())),
				coll, sqltype.NewBit(c.Nullable), sqltype.NewBit(c.Type.Kind.IsString() || c.Type.Kind.IsBinary()), bitF, sqltype.NewBit(i == o.identity),
				bitF, bitF, bitF, bitF, bitF, bitF, bitF, sqltype.NewInt(0), sqltype.NewInt(defObj), sqltype.NewInt(0), bitF, bitF,
				sqltype.NewTinyInt(0), sqltype.NewString(sqltype.NVarCharN(60), "NOT_APPLICABLE"), sqltype.Null(sqltype.TInt),
				sqltype.Null(sqltype.NVarCharN(64)), sqltype.Null(sqltype.TSysname), sqltype.Null(sqltype.TInt), sqltype.Null(sqltype.TSysname),
				bitF, bitF, sqltype.Null(sqltype.TInt), sqltype.Null(sqltype.NVarCharN(60))}
			out.rows = append(out.rows, r)
		}
	}
	return out
}

func sysTypes() rows.Source {
	out := &staticSource{cols: colsTypes}
	for _, st := range systemTypes {
		coll := sqltype.Null(sqltype.TSysname)
		if st.t.Kind.IsString() {
			coll = nvs("SQL_Latin1_General_CP1_CI_AS")
		}
		maxLen := st.t.MaxLength()
		switch st.t.Kind {
		case sqltype.Text, sqltype.NText, sqltype.Image:
			maxLen = 16
		case sqltype.XML:
			maxLen = -1
		}
		out.rows = append(out.rows, rows.Row{nvs(st.name), sqltype.NewTinyInt(st.sysID), sqltype.NewInt(st.userID), sqltype.NewInt(4),
			sqltype.Null(sqltype.TInt), sqltype.NewSmallInt(int64(maxLen)), sqltype.NewTinyInt(int64(st.t.PrecisionOf())),
			sqltype.NewTinyInt(int64(st.t.ScaleOf())), coll, sqltype.NewBit(st.name != "sysname"), bitF, bitF, sqltype.NewInt(0),
			sqltype.NewInt(0), bitF})
	}
	return out
}

func (s *Session) isTables(ctx context.Context, db string) rows.Source {
	out := &staticSource{cols: colsISTables}
	for _, o := range s.objectsOf(ctx, db) {
		var kind string
		switch o.typ {
		case "U ":
			kind = "BASE TABLE"
		case "V ":
			kind = "VIEW"
		default:
			continue
		}
		out.rows = append(out.rows, rows.Row{sqltype.NewString(sqltype.NVarCharN(128), db), sqltype.NewString(sqltype.NVarCharN(128), o.schema),
			nvs(o.name), sqltype.NewString(sqltype.VarCharN(10), kind)})
	}
	return out
}

func (s *Session) isColumns(ctx context.Context, db string) rows.Source {
	out := &staticSource{cols: colsISColumns}
	nv := func(x string) sqltype.Value { return sqltype.NewString(sqltype.NVarCharN(128), x) }
	for _, o := range s.objectsOf(ctx, db) {
		for i, c := range o.cols {
			r := make(rows.Row, len(colsISColumns))
			for k, col := range colsISColumns {
				r[k] = nullOf(col)
			}
			t := c.Type
			_, _, tname := typeIDs(t)
			if t == sqltype.TSysname {
				tname = "nvarchar"
			}
			r[0], r[1], r[2], r[3] = nv(db), nv(o.schema), nvs(o.name), nvs(c.Name)
			r[4] = sqltype.NewInt(int64(i + 1))
			if o.ut != nil && i < len(o.defaults) && o.defaults[i] != "" {
				r[5] = sqltype.NewString(sqltype.NVarCharN(4000), o.defaults[i])
			}
			yes := "NO"
			if c.Nullable {
				yes = "YES"
			}
			r[6] = sqltype.NewString(sqltype.VarCharN(3), yes)
			r[7] = nv(tname)
			switch {
			case t.Kind.IsString() || t.Kind.IsBinary():
				n := int64(t.Length)
				octets := int64(t.MaxLength())
				if t.Length == sqltype.Max || t.Kind == sqltype.Text || t.Kind == sqltype.NText || t.Kind == sqltype.Image {
					n, octets = -1, -1
					if t.Kind == sqltype.Text || t.Kind == sqltype.Image {
						n, octets = 2147483647, 2147483647
					} else if t.Kind == sqltype.NText {
						n, octets = 1073741823, 2147483646
					}
				}
				r[8], r[9] = sqltype.NewInt(n), sqltype.NewInt(octets)
				if t.Kind.IsString() {
					if t.Kind.IsUnicode() {
						r[16] = nvs("UNICODE")
					} else {
						r[16] = nvs("iso_1")
					}
					r[19] = nvs("SQL_Latin1_General_CP1_CI_AS")
				}
			case t.Kind.IsNumeric():
				r[10] = sqltype.NewTinyInt(int64(t.PrecisionOf()))
				radix := int64(10)
				if t.Kind == sqltype.Float || t.Kind == sqltype.Real {
					radix = 2
				} else {
					r[12] = sqltype.NewInt(int64(t.ScaleOf()))
				}
				r[11] = sqltype.NewSmallInt(radix)
			case t.Kind.IsDateTime():
				p := int64(t.ScaleOf())
				if t.Kind == sqltype.SmallDateTime || t.Kind == sqltype.Date {
					p = 0
				}
				r[13] = sqltype.NewSmallInt(p)
			}
			out.rows = append(out.rows, r)
		}
	}
	return out
}

func (s *Session) isRoutines(ctx context.Context, db string) rows.Source {
	out := &staticSource{cols: colsISRoutines}
	nv := func(n int32, x string) sqltype.Value { return sqltype.NewString(sqltype.NVarCharN(n), x) }
	for _, o := range s.objectsOf(ctx, db) {
		if o.typ != "P " {
			continue
		}
		r := make(rows.Row, len(colsISRoutines))
		for k, col := range colsISRoutines {
			r[k] = nullOf(col)
		}
		r[0], r[1], r[2] = nv(128, db), nv(128, o.schema), nvs(o.name)
		r[3], r[4], r[5] = nv(128, db), nv(128, o.schema), nvs(o.name)
		r[6] = nv(20, "PROCEDURE")
		r[36] = nv(30, "SQL")
		if o.proc != nil {
			def := o.proc.text
			if len([]rune(def)) > 4000 {
				def = string([]rune(def)[:4000])
			}
			r[37] = nv(4000, def)
		}
		r[41] = nv(10, "NO")
		r[42] = nv(30, "MODIFIES")
		r[43] = nv(10, "NO")
		r[45] = nv(10, "YES")
		r[46] = sqltype.NewSmallInt(-1)
		r[47] = nv(10, "NO")
		r[48] = nv(10, "NO")
		r[49] = sqltype.NewDateTime(sqltype.RoundDateTime(o.created))
		r[50] = sqltype.NewDateTime(sqltype.RoundDateTime(o.modified))
		out.rows = append(out.rows, r)
	}
	return out
}

func (s *Session) isSchemata(db string) rows.Source {
	out := &staticSource{cols: colsISSchemata}
	names := []string{"dbo", "guest", "INFORMATION_SCHEMA", "sys"}
	if strings.EqualFold(db, "SSISDB") {
		names = append(names, "catalog", "internal")
	}
	for _, n := range names {
		owner := n
		if n == "catalog" || n == "internal" {
			owner = "AllSchemaOwner"
		}
		out.rows = append(out.rows, rows.Row{nvs(db), sqltype.NewString(sqltype.NVarCharN(128), n), sqltype.NewString(sqltype.NVarCharN(128), owner),
			sqltype.Null(sqltype.TSysname), sqltype.Null(sqltype.TSysname), nvs("iso_1")})
	}
	return out
}
