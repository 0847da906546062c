package procs

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/table"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
)

// User tables. Permanent tables and ##global temp tables live in the
// engine, keyed by database.schema.name (##t in tempdb.dbo); a #temp
// table belongs to the session and to the procedure level that created
// it (it is dropped when that procedure or dynamic batch ends, or with
// the session); a table variable belongs to its batch or procedure frame.
// All are in memory only. Creating, dropping and changing them is undone
// by ROLLBACK, except for table variables, which transactions do not
// touch.

type tableKey struct{ db, schema, name string }

func tkey(db, schema, name string) tableKey {
	return tableKey{strings.ToLower(db), strings.ToLower(schema), strings.ToLower(name)}
}

// tableStore is the engine's permanent and global temporary tables.
type tableStore struct {
	mu     sync.RWMutex
	tables map[tableKey]*userTable
	// gen counts the changes of tables: a kept plan (keptplan.go) is
	// valid only while no table has come or gone since, as one could now
	// take the place of a view the plan resolved.
	gen atomic.Uint64
}

// userTable is a stored table with what the engine keeps about it.
type userTable struct {
	*table.Table
	owner   string // the login that created it
	session *Session
	level   int // procedure level of a #temp table
}

func (st *tableStore) get(k tableKey) *userTable {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.tables[k]
}

func (st *tableStore) put(k tableKey, t *userTable) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.tables == nil {
		st.tables = map[tableKey]*userTable{}
	}
	if t == nil {
		delete(st.tables, k)
	} else {
		st.tables[k] = t
	}
	st.gen.Add(1)
}

// list returns the tables of a database.
func (st *tableStore) list(db string) []*userTable {
	st.mu.RLock()
	defer st.mu.RUnlock()
	var out []*userTable
	for k, t := range st.tables {
		if k.db == strings.ToLower(db) {
			out = append(out, t)
		}
	}
	return out
}

// isTemp reports a #temp or ##global name.
func isTemp(name string) bool { return strings.HasPrefix(name, "#") }

// lookupTable finds a user table by name from the current database.
func (s *Session) lookupTable(n procName) *userTable {
	switch {
	case strings.HasPrefix(n.name, "##"):
		return s.e.tables.get(tkey("tempdb", "dbo", n.name))
	case strings.HasPrefix(n.name, "#"):
		list := s.temps[strings.ToLower(n.name)]
		if len(list) == 0 {
			return nil
		}
		return list[len(list)-1]
	}
	db := s.database
	if n.db != "" {
		c, ok := s.e.cat.Database(n.db)
		if !ok {
			return nil
		}
		db = c
	}
	schema := n.schema
	if schema == "" {
		schema = "dbo"
	}
	return s.e.tables.get(tkey(db, schema, n.name))
}

// tableSource resolves a FROM table name: a user or temp table, a system
// view, a catalog view or internal table.
func (c *compiler) tableSource(n procName) (rows.Source, error) {
	s := c.f.s
	if t := s.lookupTable(n); t != nil {
		c.local = true // only plans over catalog views are kept
		if err := s.checkTableAccess(t, "SELECT"); err != nil {
			return nil, c.runtimeErr(err)
		}
		return t.Table, nil
	}
	if isTemp(n.name) {
		return nil, c.runtimeErr(sqlerr.New(208, 16, 0, "Invalid object name '%s'.", n.written))
	}
	src, ok := s.resolveView(c.f, n)
	if !ok {
		return nil, c.runtimeErr(sqlerr.New(208, 16, 1, "Invalid object name '%s'.", n.written))
	}
	if strings.EqualFold(n.schema, "sys") || strings.EqualFold(n.schema, "information_schema") {
		c.local = true // the session's own views (sys.procedures, ...)
	}
	return src, nil
}

// rowIDColumn is the hidden column UPDATE and DELETE read their target's
// row ids from.
const rowIDColumn = hiddenPrefix + "rowid"

// checkTableAccess applies the permissions a permanent table asks for:
// its creator, sysadmin and db_owner may do anything; db_datareader may
// SELECT and db_datawriter change rows.
func (s *Session) checkTableAccess(t *userTable, perm string) error {
	if t.Kind != table.Permanent {
		return nil
	}
	p := s.principal
	if p.IsSysadmin() || strings.EqualFold(p.Login(), t.owner) || p.IsMember(t.Database, "db_owner") {
		return nil
	}
	role := "db_datawriter"
	if perm == "SELECT" {
		role = "db_datareader"
	}
	if p.IsMember(t.Database, role) {
		return nil
	}
	return sqlerr.New(229, 14, 5, "The %s permission was denied on the object '%s', database '%s', schema '%s'.", perm, t.Name, t.Database, t.Schema)
}

// tableVar returns the table of a table variable.
func (c *compiler) tableVar(v *tsql.Variable) (rows.Source, error) {
	t, err := c.tableVarTable(v)
	if err != nil {
		return nil, err
	}
	return t, nil
}

func (c *compiler) tableVarTable(v *tsql.Variable) (*table.Table, error) {
	slot, ok := c.lookupVar(v.Name)
	if !ok || c.mod.tableVars[slot] == nil {
		return nil, c.compileErr(sqlerr.New(1087, 15, 2, "Must declare the table variable \"%s\".", v.Name), v.Pos)
	}
	t := c.f.tvars[slot]
	if t == nil {
		// Declared later in the batch than it is used (DECLARE runs in order).
		return nil, c.runtimeErr(sqlerr.New(1087, 15, 2, "Must declare the table variable \"%s\".", v.Name))
	}
	return t, nil
}

// ---------------------------------------------------------------------------
// Table definitions

// tableSpec is a compiled table definition (CREATE TABLE, DECLARE @t
// TABLE), made into a table.Def when it runs.
type tableSpec struct {
	cols       []table.Column
	keys       []table.Key
	checks     []table.Check
	seed, incr int64
	// nullDefault marks columns written without NULL or NOT NULL: they
	// take the session's ANSI_NULL_DFLT_ON when the table is created.
	nullDefault []bool
	pkCols      map[int]bool
}

func (c *compiler) tableSpec(name string, d *tsql.TableDef) (*tableSpec, error) {
	ts := &tableSpec{seed: 1, incr: 1, pkCols: map[int]bool{}}
	colIdx := map[string]int{}
	hasIdentity := false
	for i, cd := range d.Columns {
		if cd.Typ == nil || cd.Computed != nil {
			return nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", "computed column"))
		}
		k := strings.ToLower(cd.Name)
		if _, dup := colIdx[k]; dup {
			return nil, c.runtimeErr(sqlerr.New(2705, 16, 3, "Column names in each table must be unique. Column name '%s' in table '%s' is specified more than once.", cd.Name, name))
		}
		colIdx[k] = i
		t, err := c.dataType(cd.Typ, false)
		if err != nil {
			return nil, err
		}
		col := table.Column{Name: cd.Name, Type: t, Nullable: cd.Null != tsql.NotNull}
		ts.nullDefault = append(ts.nullDefault, cd.Null == tsql.NullUnspecified)
		if cd.Identity != nil {
			if hasIdentity {
				return nil, c.runtimeErr(sqlerr.New(2744, 16, 2, "Multiple identity columns specified for table '%s'. Only one identity column per table is allowed.", name))
			}
			if !t.Kind.IsInteger() && !((t.Kind == sqltype.Decimal || t.Kind == sqltype.Numeric) && t.Scale == 0) || t.Kind == sqltype.Bit {
				return nil, c.runtimeErr(sqlerr.New(2749, 16, 2, "Identity column '%s' must be of data type int, bigint, smallint, tinyint, or decimal or numeric with a scale of 0, and constrained to be nonnullable.", cd.Name))
			}
			hasIdentity = true
			col.Identity, col.Nullable = true, false
			ts.nullDefault[i] = false
			for _, pair := range []struct {
				e   tsql.Expr
				dst *int64
			}{{cd.Identity.Seed, &ts.seed}, {cd.Identity.Increment, &ts.incr}} {
				if pair.e == nil {
					continue
				}
				ce, err := c.expr(pair.e, nil)
				if err != nil {
					return nil, err
				}
				if !ce.konst {
					return nil, c.runtimeErr(sqlerr.New(102, 15, 1, "Incorrect syntax near '%s'.", nearText(pair.e)))
				}
				v, err := ce.eval(nil, nil)
				if err != nil {
					return nil, c.runtimeErr(err)
				}
				n, err := convert(v, sqltype.TBigInt)
				if err != nil {
					return nil, c.runtimeErr(err)
				}
				*pair.dst = n.Int64()
			}
		}
		if cd.Default != nil {
			ce, err := c.expr(cd.Default, nil)
			if err != nil {
				return nil, err
			}
			colType := t
			col.Default = func(ctx context.Context) (sqltype.Value, error) {
				v, err := ce.eval(frameOf(ctx), nil)
				if err != nil {
					return v, err
				}
				return sqltype.ConvertWith(v, colType, sqltype.ConvertOptions{Implicit: true, Strict: true})
			}
			col.DefaultText = defaultText(cd.Default)
			col.DefaultName = cd.DefaultName
		}
		ts.cols = append(ts.cols, col)
		for _, con := range cd.Constraints {
			if len(con.Columns) == 0 && (con.Kind == tsql.PrimaryKey || con.Kind == tsql.UniqueKey) {
				con.Columns = []*tsql.OrderItem{{Expr: &tsql.ColumnRef{Column: cd.Name}}}
			}
			if err := c.constraint(ts, name, con, colIdx, cd.Name); err != nil {
				return nil, err
			}
		}
	}
	for _, con := range d.Constraints {
		if err := c.constraint(ts, name, con, colIdx, ""); err != nil {
			return nil, err
		}
	}
	for _, ix := range d.Indexes {
		if !ix.Unique {
			continue
		}
		k := table.Key{Name: ix.Name, Index: true, Clustered: ix.Clustered == "CLUSTERED"}
		for _, o := range ix.Columns {
			i, err := c.constraintColumn(o, colIdx)
			if err != nil {
				return nil, err
			}
			k.Cols = append(k.Cols, i)
		}
		ts.keys = append(ts.keys, k)
	}
	for i := range ts.pkCols {
		if ts.cols[i].Nullable && !ts.nullDefault[i] {
			return nil, c.runtimeErr(sqlerr.New(8111, 16, 1, "Cannot define PRIMARY KEY constraint on nullable column in table '%s'.", name))
		}
		ts.cols[i].Nullable = false
		ts.nullDefault[i] = false
	}
	return ts, nil
}

func (c *compiler) constraintColumn(o *tsql.OrderItem, colIdx map[string]int) (int, error) {
	cr, ok := o.Expr.(*tsql.ColumnRef)
	if !ok {
		return 0, c.runtimeErr(sqlerr.New(102, 15, 1, "Incorrect syntax near '%s'.", nearText(o.Expr)))
	}
	i, ok := colIdx[strings.ToLower(cr.Column)]
	if !ok {
		return 0, c.runtimeErr(sqlerr.New(1911, 16, 1, "Column name '%s' does not exist in the target table or view.", cr.Column))
	}
	return i, nil
}

func (c *compiler) constraint(ts *tableSpec, name string, con *tsql.Constraint, colIdx map[string]int, column string) error {
	switch con.Kind {
	case tsql.PrimaryKey, tsql.UniqueKey:
		k := table.Key{Name: con.Name, Primary: con.Kind == tsql.PrimaryKey}
		k.Clustered = con.Clustered == "CLUSTERED" || (k.Primary && con.Clustered != "NONCLUSTERED")
		for _, o := range con.Columns {
			i, err := c.constraintColumn(o, colIdx)
			if err != nil {
				return err
			}
			k.Cols = append(k.Cols, i)
		}
		if k.Primary {
			for _, other := range ts.keys {
				if other.Primary {
					return c.runtimeErr(sqlerr.New(8110, 16, 0, "Cannot add multiple PRIMARY KEY constraints to table '%s'.", name))
				}
			}
			for _, i := range k.Cols {
				ts.pkCols[i] = true
			}
		}
		ts.keys = append(ts.keys, k)
	case tsql.CheckConstraint:
		cols := make([]rows.Column, len(ts.cols))
		for i, col := range ts.cols {
			cols[i] = rows.Column{Name: col.Name, Type: col.Type, Nullable: col.Nullable}
		}
		// Column-level checks see the columns declared so far; table-level
		// ones all of them (columns are compiled before table constraints).
		sc := newScope(nil, &scopeTable{alias: name, cols: cols})
		saved := c.f
		c.f = nil
		cond, err := c.cond(con.Check, sc)
		c.f = saved
		if err != nil {
			return err
		}
		ts.checks = append(ts.checks, table.Check{Name: con.Name, Column: column, Holds: func(ctx context.Context, r rows.Row) (bool, error) {
			t, err := cond(frameOf(ctx), r)
			return t != triFalse, err
		}})
	case tsql.DefaultConstraint:
		// Table-level DEFAULT ... FOR col is ALTER TABLE syntax; nothing to do.
	case tsql.ForeignKey:
		// Accepted; not enforced (coverage notes).
	}
	return nil
}

// defaultText renders a DEFAULT the way sys.default_constraints and
// INFORMATION_SCHEMA.COLUMNS show it.
func defaultText(e tsql.Expr) string {
	switch x := e.(type) {
	case *tsql.Literal:
		switch x.Kind {
		case tsql.LitInteger, tsql.LitDecimal, tsql.LitFloat:
			return "((" + x.Text + "))"
		case tsql.LitString:
			return "('" + strings.ReplaceAll(x.Text, "'", "''") + "')"
		case tsql.LitNString:
			return "(N'" + strings.ReplaceAll(x.Text, "'", "''") + "')"
		case tsql.LitNull:
			return "(NULL)"
		}
	case *tsql.UnaryExpr:
		if lit, ok := x.X.(*tsql.Literal); ok && x.Op == tsql.OpNeg {
			return "((-" + lit.Text + "))"
		}
	case *tsql.FuncCall:
		if len(x.Args) == 0 {
			return "(" + strings.ToLower(x.Name.Name) + "())"
		}
	}
	return "(" + exprKind(e) + ")"
}

// def builds the table.Def of a spec created now.
func (s *Session) def(ts *tableSpec, id int32, kind table.Kind, db, schema, name string) table.Def {
	d := table.Def{ID: id, Kind: kind, Database: db, Schema: schema, Name: name, Seed: ts.seed, Increment: ts.incr,
		Created: s.e.clk.Now(), Coll: coll, Checks: ts.checks}
	d.Columns = append([]table.Column(nil), ts.cols...)
	for i := range d.Columns {
		if ts.nullDefault[i] {
			d.Columns[i].Nullable = s.opt(optAnsiNullDfltOn)
		}
	}
	d.Keys = append([]table.Key(nil), ts.keys...)
	for i := range d.Keys {
		if d.Keys[i].Name == "" {
			prefix := "UQ"
			if d.Keys[i].Primary {
				prefix = "PK"
			}
			d.Keys[i].Name = table.ConstraintName(prefix, name, id, i)
		}
	}
	for i := range d.Checks {
		if d.Checks[i].Name == "" {
			d.Checks[i].Name = table.ConstraintName("CK", name, id, i)
		}
	}
	return d
}

// ---------------------------------------------------------------------------
// DECLARE @t TABLE

type declareTableStmt struct {
	slot int
	name string
	spec *tableSpec
}

func (d *declareTableStmt) exec(f *frame) (flow, error) {
	if f.tvars == nil {
		f.tvars = map[int]*table.Table{}
	}
	if f.tvars[d.slot] == nil {
		id := -f.s.e.newObjectID()
		f.tvars[d.slot] = table.New(f.s.def(d.spec, id, table.Variable, "tempdb", "dbo", d.name))
	}
	return flowNext, nil
}

// ---------------------------------------------------------------------------
// CREATE TABLE, DROP TABLE, TRUNCATE TABLE

type createTableStmt struct {
	name procName
	spec *tableSpec
	err  error
}

func (c *compiler) createTable(x *tsql.CreateTableStmt) (stmt, error) {
	ts, err := c.tableSpec(x.Name.Name, x.Def)
	if err != nil {
		if d, ok := err.(*deferredErr); ok {
			return &createTableStmt{err: d.err}, nil
		}
		return nil, err
	}
	return &createTableStmt{name: nameOf(x.Name), spec: ts}, nil
}

// schemaExists reports the schemas a database has (the fixed ones, and
// SSISDB's catalog and internal).
func schemaExists(db, schema string) bool {
	switch strings.ToLower(schema) {
	case "dbo", "guest", "sys", "information_schema":
		return true
	case "catalog", "internal":
		return strings.EqualFold(db, "SSISDB")
	}
	return false
}

func (x *createTableStmt) exec(f *frame) (flow, error) {
	if x.err != nil {
		return flowNext, x.err
	}
	s := f.s
	if _, err := s.createTable(f, x.name, x.spec); err != nil {
		return flowNext, err
	}
	s.rowCount = 0
	s.lastError = 0
	return flowNext, f.out.done(cmdDDL, 0, false, false)
}

// createTable makes a table from a spec and registers it (undone by
// ROLLBACK).
func (s *Session) createTable(f *frame, n procName, ts *tableSpec) (*userTable, error) {
	exists := sqlerr.New(2714, 16, 6, "There is already an object named '%s' in the database.", n.name)
	if isTemp(n.name) {
		if len([]rune(n.name)) > 116 {
			return nil, sqlerr.New(193, 15, 1, "The object or column name starting with '%s' is too long. The maximum length is %d characters.", n.name, 116)
		}
		kind := table.Temp
		if strings.HasPrefix(n.name, "##") {
			kind = table.GlobalTemp
			if s.e.tables.get(tkey("tempdb", "dbo", n.name)) != nil {
				return nil, exists
			}
		} else if list := s.temps[strings.ToLower(n.name)]; len(list) > 0 && list[len(list)-1].level == s.nesting {
			return nil, exists
		}
		id := -s.e.newObjectID()
		t := &userTable{Table: table.New(s.def(ts, id, kind, "tempdb", "dbo", n.name)), owner: s.principal.Login(), session: s, level: s.nesting}
		if kind == table.GlobalTemp {
			k := tkey("tempdb", "dbo", n.name)
			s.e.tables.put(k, t)
			s.onRollback(func() { s.e.tables.put(k, nil) })
		} else {
			k := strings.ToLower(n.name)
			s.temps[k] = append(s.temps[k], t)
			s.onRollback(func() { s.dropTemp(k, t) })
		}
		return t, nil
	}
	db := s.database
	if n.db != "" {
		c, ok := s.e.cat.Database(n.db)
		if !ok {
			return nil, sqlerr.New(2702, 16, 2, "Database '%s' does not exist.", n.db)
		}
		db = c
	}
	schema := n.schema
	if schema == "" {
		schema = "dbo"
	}
	if !schemaExists(db, schema) {
		return nil, sqlerr.New(2760, 16, 1, "The specified schema name \"%s\" either does not exist or you do not have permission to use it.", schema)
	}
	p := s.principal
	if !p.IsSysadmin() && !p.IsMember(db, "db_owner") && !p.IsMember(db, "db_ddladmin") {
		return nil, sqlerr.New(262, 14, 1, "CREATE TABLE permission denied in database '%s'.", db)
	}
	k := tkey(db, schema, n.name)
	if s.e.tables.get(k) != nil {
		return nil, exists
	}
	s.e.mu.RLock()
	_, isProc := s.e.procs[keyOf(db, schema, n.name)]
	s.e.mu.RUnlock()
	if _, isView := s.e.cat.View(f.ctx, db, schema, n.name, p); isProc || isView {
		return nil, exists
	}
	id := s.e.newObjectID()
	t := &userTable{Table: table.New(s.def(ts, id, table.Permanent, db, schema, n.name)), owner: p.Login()}
	s.e.tables.put(k, t)
	s.onRollback(func() { s.e.tables.put(k, nil) })
	return t, nil
}

// dropTemp removes one #temp table of the session.
func (s *Session) dropTemp(k string, t *userTable) {
	list := s.temps[k]
	for i := len(list) - 1; i >= 0; i-- {
		if list[i] == t {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(s.temps, k)
	} else {
		s.temps[k] = list
	}
}

// dropScopeTemps drops the #temp tables a procedure level created, when
// it ends.
func (s *Session) dropScopeTemps(level int) {
	for k, list := range s.temps {
		kept := list[:0]
		for _, t := range list {
			if t.level < level {
				kept = append(kept, t)
			}
		}
		if len(kept) == 0 {
			delete(s.temps, k)
		} else {
			s.temps[k] = kept
		}
	}
}

// dropSessionTables drops the session's temp tables and the global ones
// it created (at session end or reset).
func (s *Session) dropSessionTables() {
	s.temps = map[string][]*userTable{}
	for _, t := range s.e.tables.list("tempdb") {
		if t.session == s {
			s.e.tables.put(tkey("tempdb", "dbo", t.Name), nil)
		}
	}
}

type dropTableStmt struct {
	ifExists bool
	names    []procName
}

func (x *dropTableStmt) exec(f *frame) (flow, error) {
	s := f.s
	for _, n := range x.names {
		t := s.lookupTable(n)
		if t == nil {
			if x.ifExists {
				continue
			}
			return flowNext, sqlerr.New(3701, 11, 5, "Cannot drop the table '%s', because it does not exist or you do not have permission.", n.written)
		}
		if t.Kind == table.Permanent {
			p := s.principal
			if !p.IsSysadmin() && !strings.EqualFold(p.Login(), t.owner) && !p.IsMember(t.Database, "db_owner") && !p.IsMember(t.Database, "db_ddladmin") {
				return flowNext, sqlerr.New(3701, 11, 5, "Cannot drop the table '%s', because it does not exist or you do not have permission.", n.written)
			}
		}
		switch t.Kind {
		case table.Temp:
			k := strings.ToLower(t.Name)
			s.dropTemp(k, t)
			s.onRollback(func() { s.temps[k] = append(s.temps[k], t) })
		default:
			k := tkey(t.Database, t.Schema, t.Name)
			s.e.tables.put(k, nil)
			s.onRollback(func() { s.e.tables.put(k, t) })
		}
	}
	s.rowCount = 0
	s.lastError = 0
	return flowNext, f.out.done(cmdDDL, 0, false, false)
}

type truncateStmt struct{ name procName }

func (x *truncateStmt) exec(f *frame) (flow, error) {
	s := f.s
	t := s.lookupTable(x.name)
	if t == nil {
		return flowNext, sqlerr.New(4701, 16, 1, "Cannot find the object \"%s\" because it does not exist or you do not have permissions.", x.name.written)
	}
	if err := s.checkTableAccess(t, "ALTER"); err != nil {
		return flowNext, err
	}
	undo := t.Truncate()
	s.onRollback(undo)
	s.rowCount = 0
	s.lastError = 0
	return flowNext, f.out.done(cmdTruncate, 0, false, false)
}

// cmdTruncate is the CurCmd of TRUNCATE TABLE's DONE.
const cmdTruncate uint16 = 0xC5

// setIdentityInsert is SET IDENTITY_INSERT table ON|OFF: one table of the
// session at a time.
func (s *Session) setIdentityInsert(n procName, on bool) error {
	t := s.lookupTable(n)
	if t == nil {
		return sqlerr.New(208, 16, 1, "Invalid object name '%s'.", n.written)
	}
	if t.IdentityColumn() < 0 {
		return sqlerr.New(8106, 16, 1, "Table '%s' does not have the identity property. Cannot perform SET operation.", n.written)
	}
	if !on {
		if s.identityInsert == t.Table {
			s.identityInsert = nil
		}
		return nil
	}
	if cur := s.identityInsert; cur != nil && cur != t.Table {
		return sqlerr.New(8107, 16, 1, "IDENTITY_INSERT is already ON for table '%s'. Cannot perform SET operation for table '%s'.", cur.Database+"."+cur.Schema+"."+cur.Name, n.written)
	}
	s.identityInsert = t.Table
	return nil
}

// createIndexStmt is CREATE [UNIQUE] INDEX name ON table (columns): a
// unique index is enforced from then on (2601); a plain one changes no
// result here, so only its table and columns are checked.
type createIndexStmt struct {
	unique bool
	name   string
	table  procName
	cols   []string
}

// parseCreateIndex reads the parts of CREATE INDEX the engine uses from
// the statement's text (the parser leaves it unparsed).
func parseCreateIndex(text string) (*createIndexStmt, bool) {
	toks := indexTokens(text)
	ci := &createIndexStmt{}
	i := 0
	next := func() string {
		if i < len(toks) {
			i++
			return toks[i-1]
		}
		return ""
	}
	if !strings.EqualFold(next(), "CREATE") {
		return nil, false
	}
	w := next()
	if strings.EqualFold(w, "UNIQUE") {
		ci.unique = true
		w = next()
	}
	if strings.EqualFold(w, "CLUSTERED") || strings.EqualFold(w, "NONCLUSTERED") {
		w = next()
	}
	if !strings.EqualFold(w, "INDEX") {
		return nil, false
	}
	ci.name = next()
	if !strings.EqualFold(next(), "ON") {
		return nil, false
	}
	var parts []string
	for {
		parts = append(parts, next())
		if i < len(toks) && toks[i] == "." {
			i++
			continue
		}
		break
	}
	ci.table = splitName(strings.Join(parts, "."))
	if next() != "(" {
		return nil, false
	}
	for {
		col := next()
		if col == "" || col == ")" {
			break
		}
		ci.cols = append(ci.cols, col)
		w := next()
		if strings.EqualFold(w, "ASC") || strings.EqualFold(w, "DESC") {
			w = next()
		}
		if w != "," {
			break
		}
	}
	return ci, len(ci.cols) > 0
}

// indexTokens splits text into words, bracketed or quoted names, and the
// punctuation ( ) , .
func indexTokens(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n':
			i++
		case ch == '(' || ch == ')' || ch == ',' || ch == '.' || ch == ';':
			out = append(out, string(ch))
			i++
		case ch == '[' || ch == '"':
			end := byte(']')
			if ch == '"' {
				end = '"'
			}
			j := i + 1
			var b strings.Builder
			for j < len(s) {
				if s[j] == end {
					if j+1 < len(s) && s[j+1] == end {
						b.WriteByte(end)
						j += 2
						continue
					}
					break
				}
				b.WriteByte(s[j])
				j++
			}
			out = append(out, b.String())
			i = j + 1
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\r\n(),.;[\"", rune(s[j])) {
				j++
			}
			out = append(out, s[i:j])
			i = j
		}
	}
	return out
}

func (x *createIndexStmt) exec(f *frame) (flow, error) {
	s := f.s
	t := s.lookupTable(x.table)
	if t == nil {
		return flowNext, sqlerr.New(1088, 16, 12, "Cannot find the object \"%s\" because it does not exist or you do not have permissions.", x.table.written)
	}
	k := table.Key{Name: x.name, Index: true}
	for _, name := range x.cols {
		i := -1
		for j, col := range t.Def.Columns {
			if strings.EqualFold(col.Name, name) {
				i = j
			}
		}
		if i < 0 {
			return flowNext, sqlerr.New(1911, 16, 1, "Column name '%s' does not exist in the target table or view.", name)
		}
		k.Cols = append(k.Cols, i)
	}
	if x.unique {
		undo, err := t.AddKey(k)
		if err != nil {
			return flowNext, err
		}
		s.onTableRollback(t.Table, undo)
	}
	s.rowCount = 0
	s.lastError = 0
	return flowNext, f.out.done(cmdDDL, 0, false, false)
}
