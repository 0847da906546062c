package procs

import (
	"context"
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/query"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/table"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// INSERT, UPDATE, DELETE and SELECT INTO over user tables. Like queries
// they are planned when they run (the tables they name often come from a
// CREATE TABLE earlier in the same batch). Each statement computes every
// change first and then applies it in one step, so a failing row leaves
// the table as it was (the error ends the statement, with 3621).

// dmlTarget is the table an UPDATE or DELETE changes: its reference in
// FROM reads it with row ids.
type dmlTarget struct {
	ref *tsql.TableRef
	// spec is the query of a common table expression the statement
	// changes through: its select list carries the row id along.
	spec *tsql.QuerySpec
}

// targetSource gives the target reference of an UPDATE or DELETE its row
// ids.
func (c *compiler) targetSource(x *tsql.TableRef, src rows.Source) rows.Source {
	if c.dmlTarget != nil && c.dmlTarget.ref == x {
		if t, ok := src.(*table.Table); ok {
			return t.WithRowIDs(rowIDColumn)
		}
	}
	return src
}

// dmlStmt is a compiled INSERT, UPDATE or DELETE.
type dmlStmt struct {
	st     tsql.Stmt
	vars   map[string]int
	mod    *module
	execSt stmt // INSERT ... EXEC: the compiled EXEC
}

func (c *compiler) dmlStmt(st tsql.Stmt) (stmt, error) {
	c.checkVars(st)
	d := &dmlStmt{st: st, vars: c.varSnapshot(), mod: c.mod}
	if ins, ok := st.(*tsql.InsertStmt); ok && ins.Exec != nil {
		cs, err := c.stmt(ins.Exec)
		if err != nil {
			return nil, err
		}
		d.execSt = cs.s
	}
	return d, nil
}

// runtimeCompiler is a compiler for planning a statement as it runs.
func runtimeCompiler(f *frame, mod *module, vars map[string]int) *compiler {
	return &compiler{e: f.s.e, mod: mod, vars: vars, inProc: f.mod.name != "", f: f}
}

func (d *dmlStmt) exec(f *frame) (flow, error) {
	c := runtimeCompiler(f, d.mod, d.vars)
	var n int64
	var cmd uint16
	var err error
	switch x := d.st.(type) {
	case *tsql.InsertStmt:
		cmd = tds.CmdInsert
		n, err = c.insert(x, d.execSt)
	case *tsql.UpdateStmt:
		cmd = tds.CmdUpdate
		n, err = c.update(x)
	case *tsql.DeleteStmt:
		cmd = tds.CmdDelete
		n, err = c.delete(x)
	}
	if err := c.firstErr(err); err != nil {
		return flowNext, err
	}
	return flowNext, f.rowsDone(cmd, n, true)
}

// rowsDone ends a statement that read or wrote n rows: @@ROWCOUNT and
// @@ERROR, the warnings it collected, then its DONE token (counted when
// withCount).
func (f *frame) rowsDone(cmd uint16, n int64, withCount bool) error {
	f.s.rowCount = n
	f.s.lastError = 0
	if err := f.flushWarnings(); err != nil {
		return err
	}
	return f.out.done(cmd, n, withCount, false)
}

// flushWarnings sends the warnings a statement collected (8153).
func (f *frame) flushWarnings() error {
	if !f.s.nullWarn {
		return nil
	}
	f.s.nullWarn = false
	return f.out.info(&sqlerr.Error{Number: 8153, Severity: 10, State: 1, Message: "Warning: Null value is eliminated by an aggregate or other SET operation.", Procedure: f.mod.name, Line: f.curLine})
}

func (c *compiler) withCTEs(with []*tsql.CTE) {
	for _, cte := range with {
		c.ctes = &cteEnv{def: &cteDef{cte: cte, depth: c.depth - 1}, parent: c.ctes}
		c.ctes.def.env = c.ctes
	}
}

// target resolves the table a DML statement writes.
func (c *compiler) target(ref *tsql.TableRef, perm string) (*table.Table, error) {
	if ref.Var != nil {
		return c.tableVarTable(ref.Var)
	}
	n := nameOf(ref.Name)
	if t := c.f.s.lookupTable(n); t != nil {
		if err := c.f.s.checkTableAccess(t, perm); err != nil {
			return nil, c.runtimeErr(err)
		}
		return t.Table, nil
	}
	if n.parts == 1 && c.ctes.find(n.name) != nil {
		return nil, c.runtimeErr(sqlerr.New(4421, 16, 1, "Derived table '%s' is not updatable because a column of the derived table is derived or constant.", n.name))
	}
	if !isTemp(n.name) {
		if _, ok := c.f.s.resolveView(c.f, n); ok {
			return nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", perm+" on a catalog or system view"))
		}
	}
	return nil, c.runtimeErr(sqlerr.New(208, 16, 1, "Invalid object name '%s'.", n.written))
}

// storeValue converts a value for a column: too long a string is 8152
// (the emulated databases report compatibility level 140, where SQL
// Server raises 8152 rather than 2628).
func storeValue(f *frame, v sqltype.Value, t sqltype.Type) (sqltype.Value, error) {
	if v.IsNull() {
		return sqltype.Null(t), nil
	}
	if v.Type() == t && !t.Kind.IsString() && !t.Kind.IsBinary() {
		return v, nil
	}
	return sqltype.ConvertWith(v, t, sqltype.ConvertOptions{Implicit: true, Strict: true, DateFormat: f.dateFormat()})
}

func (s *Session) identityInsertOn(t *table.Table) bool {
	return s.identityInsert != nil && s.identityInsert == t
}

// ---------------------------------------------------------------------------
// INSERT

// defaultMarker stands for DEFAULT in a VALUES row.
var defaultMarker = sqltype.NewString(sqltype.Type{Kind: sqltype.NVarChar, Length: -2}, "DEFAULT")

func isDefaultMarker(v sqltype.Value) bool { return v.Type().Length == -2 && !v.IsNull() }

func (c *compiler) insert(x *tsql.InsertStmt, execSt stmt) (int64, error) {
	f, s := c.f, c.f.s
	c.withCTEs(x.With)
	t, err := c.target(x.Target, "INSERT")
	if err != nil {
		return 0, err
	}
	tcols := t.Def.Columns
	ident := t.IdentityColumn()
	identInsert := s.identityInsertOn(t)
	// The column list.
	var cols []int
	if len(x.Columns) > 0 {
		seen := map[int]bool{}
		for _, name := range x.Columns {
			i := -1
			for k, col := range tcols {
				if strings.EqualFold(col.Name, name) {
					i = k
				}
			}
			if i < 0 {
				return 0, c.runtimeErr(sqlerr.New(207, 16, 1, "Invalid column name '%s'.", name))
			}
			if seen[i] {
				return 0, c.runtimeErr(sqlerr.New(264, 16, 1, "The column name '%s' is specified more than once in the SET clause or column list of an INSERT. A column cannot be assigned more than one value in the same clause. Modify the clause to make sure that a column is updated only once. If this statement updates or inserts columns into a view, column aliasing can conceal the duplication in your code.", name))
			}
			seen[i] = true
			cols = append(cols, i)
		}
		if ident >= 0 && seen[ident] && !identInsert {
			return 0, c.runtimeErr(sqlerr.New(544, 16, 1, "Cannot insert explicit value for identity column in table '%s' when IDENTITY_INSERT is set to OFF.", t.Name))
		}
		if ident >= 0 && !seen[ident] && identInsert {
			return 0, c.runtimeErr(sqlerr.New(545, 16, 1, "Explicit value must be specified for identity column in table '%s' either when IDENTITY_INSERT is set to ON or when a replication user is inserting into a NOT FOR REPLICATION identity column.", t.Name))
		}
	} else {
		if identInsert {
			return 0, c.runtimeErr(sqlerr.New(8101, 16, 1, "An explicit value for the identity column in table '%s' can only be specified when a column list is used and IDENTITY_INSERT is ON.", t.Name))
		}
		for i := range tcols {
			if i != ident {
				cols = append(cols, i)
			}
		}
	}
	// The source rows.
	var source [][]sqltype.Value
	switch {
	case x.DefaultValues:
		source = [][]sqltype.Value{nil}
	case x.Values != nil:
		sc := newScope(nil)
		for _, r := range x.Values {
			if len(r) != len(cols) {
				if len(x.Columns) == 0 {
					return 0, c.runtimeErr(sqlerr.New(213, 16, 1, "Column name or number of supplied values does not match table definition."))
				}
				if len(r) > len(cols) {
					return 0, c.runtimeErr(sqlerr.New(110, 15, 1, "There are fewer columns in the INSERT statement than values specified in the VALUES clause. The number of values in the VALUES clause must match the number of columns specified in the INSERT statement."))
				}
				return 0, c.runtimeErr(sqlerr.New(109, 15, 1, "There are more columns in the INSERT statement than values specified in the VALUES clause. The number of values in the VALUES clause must match the number of columns specified in the INSERT statement."))
			}
			vals := make([]sqltype.Value, len(r))
			for i, e := range r {
				if _, ok := e.(*tsql.DefaultExpr); ok {
					vals[i] = defaultMarker
					continue
				}
				ce, err := c.expr(e, sc)
				if err != nil {
					return 0, err
				}
				if vals[i], err = ce.eval(f, nil); err != nil {
					return 0, err
				}
			}
			source = append(source, vals)
		}
	case x.Query != nil:
		// ORDER BY is allowed here (it orders the identity values).
		p, err := c.queryPlan(x.Query, nil, true)
		if err != nil {
			return 0, err
		}
		if n := len(p.node.Columns()); n != len(cols) {
			if n < len(cols) {
				return 0, c.runtimeErr(sqlerr.New(120, 15, 1, "The select list for the INSERT statement contains fewer items than the insert list. The number of SELECT values must match the number of INSERT columns."))
			}
			return 0, c.runtimeErr(sqlerr.New(121, 15, 1, "The select list for the INSERT statement contains more items than the insert list. The number of SELECT values must match the number of INSERT columns."))
		}
		err = p.node.Run(withFrame(f.ctx, f), func(r rows.Row) (bool, error) {
			source = append(source, append([]sqltype.Value(nil), r...))
			return true, nil
		})
		if err != nil {
			return 0, err
		}
	case execSt != nil:
		got, err := f.capture(execSt)
		if err != nil {
			return 0, err
		}
		for _, r := range got {
			if len(r) != len(cols) {
				return 0, c.runtimeErr(sqlerr.New(213, 16, 7, "Column name or number of supplied values does not match table definition."))
			}
		}
		source = got
	}
	if x.Top != nil {
		n, err := c.topCount(x.Top)
		if err != nil {
			return 0, err
		}
		if int64(len(source)) > n {
			source = source[:n]
		}
	}
	// Full rows.
	ctx := withFrame(f.ctx, f)
	pos := make([]int, len(tcols))
	for i := range pos {
		pos[i] = -1
	}
	for k, i := range cols {
		pos[i] = k
	}
	list := make([]rows.Row, 0, len(source))
	var lastIdent sqltype.Value
	for _, src := range source {
		full := make(rows.Row, len(tcols))
		for i, col := range tcols {
			k := pos[i]
			switch {
			case k >= 0 && src != nil && !isDefaultMarker(src[k]):
				v, err := storeValue(f, src[k], col.Type)
				if err != nil {
					return 0, err
				}
				full[i] = v
				if i == ident {
					t.SeenIdentity(v.Int64())
				}
			case i == ident:
				v, err := storeValue(f, sqltype.NewBigInt(t.NextIdentity()), col.Type)
				if err != nil {
					return 0, err
				}
				full[i], lastIdent = v, v
			case col.Default != nil:
				v, err := col.Default(ctx)
				if err != nil {
					return 0, err
				}
				full[i] = v
			default:
				full[i] = sqltype.Null(col.Type)
			}
		}
		list = append(list, full)
	}
	outs, err := c.outputs(x.Output, t, true, false, nil)
	if err != nil {
		return 0, err
	}
	undo, err := t.Insert(ctx, list)
	if err != nil {
		return 0, err
	}
	s.onTableRollback(t, undo)
	if !lastIdent.IsNull() {
		id, _ := convert(lastIdent, sqltype.NumericPS(38, 0))
		s.identity, s.scopeIdentity = id, id
	}
	err = sendOutputs(ctx, f, outs, len(list), func(i int) (rows.Row, rows.Row, rows.Row) { return list[i], nil, nil })
	if err != nil {
		return 0, err
	}
	return int64(len(list)), nil
}

// topCount evaluates a DML statement's TOP (n).
func (c *compiler) topCount(top *tsql.TopClause) (int64, error) {
	if top.Percent {
		return 0, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", "TOP PERCENT in a DML statement"))
	}
	ce, err := c.expr(top.Count, nil)
	if err != nil {
		return 0, err
	}
	v, err := ce.eval(c.f, nil)
	if err != nil {
		return 0, err
	}
	return topRows(v)
}

// topRows is the row count of TOP (n), in a query or a DML statement: n as
// a bigint, Msg 1014 when it is NULL or negative.
func topRows(v sqltype.Value) (int64, error) {
	n, err := convert(v, sqltype.TBigInt)
	if err != nil {
		return 0, err
	}
	if n.IsNull() || n.Int64() < 0 {
		return 0, sqlerr.New(1014, 16, 1, "A TOP or FETCH clause contains an invalid value.")
	}
	return n.Int64(), nil
}

// capture runs an EXEC and keeps the rows of its result sets instead of
// sending them (INSERT ... EXEC).
func (f *frame) capture(st stmt) ([][]sqltype.Value, error) {
	saved := f.out.capture
	cp := &captured{}
	f.out.capture = cp
	_, err := st.exec(f)
	f.out.capture = saved
	return cp.rows, err
}

// captured is where INSERT ... EXEC collects rows.
type captured struct{ rows [][]sqltype.Value }

// ---------------------------------------------------------------------------
// UPDATE and DELETE

// matchTarget finds the FROM reference an UPDATE or DELETE target names
// (by alias, or by name when it has none).
func matchTarget(target *tsql.TableRef, items []tsql.TableExpr) *tsql.TableRef {
	var found *tsql.TableRef
	var walk func(te tsql.TableExpr)
	walk = func(te tsql.TableExpr) {
		switch x := te.(type) {
		case *tsql.JoinExpr:
			walk(x.Left)
			walk(x.Right)
		case *tsql.TableRef:
			if found != nil {
				return
			}
			switch {
			case target.Var != nil:
				if x.Var != nil && strings.EqualFold(x.Var.Name, target.Var.Name) && x.Alias == "" {
					found = x
				} else if x.Alias != "" && strings.EqualFold(x.Alias, target.Var.Name) {
					found = x
				}
			case target.Name.Parts == 1 && x.Alias != "" && strings.EqualFold(x.Alias, target.Name.Name):
				found = x
			case x.Alias == "" && x.Name != nil && strings.EqualFold(x.Name.Name, target.Name.Name) &&
				(target.Name.Schema == "" || x.Name.Schema == "" || strings.EqualFold(target.Name.Schema, x.Name.Schema)):
				found = x
			}
		}
	}
	for _, te := range items {
		walk(te)
	}
	return found
}

// dmlSource plans the rows an UPDATE or DELETE visits; it returns the
// plan, its scope, the target's table in that scope, the stored table, and
// for each column of the target in the scope the table column it is (-1
// for one that is computed).
func (c *compiler) dmlSource(target *tsql.TableRef, from []tsql.TableExpr, where tsql.Expr, top *tsql.TopClause, perm string) (query.Node, *rowScope, *scopeTable, *table.Table, []int, error) {
	ref := target
	items := from
	if len(from) == 0 {
		items = []tsql.TableExpr{target}
	} else if m := matchTarget(target, from); m != nil {
		ref = m
	} else {
		items = append(append([]tsql.TableExpr(nil), from...), target)
	}
	var t *table.Table
	var colMap []int
	var err error
	switch {
	case ref.Var != nil:
		t, err = c.tableVarTable(ref.Var)
		c.dmlTarget = &dmlTarget{ref: ref}
	case ref.Name.Parts == 1 && c.ctes.find(ref.Name.Name) != nil:
		// Through a common table expression over one table (the
		// ROW_NUMBER de-duplication idiom): its rows carry the row id.
		def := c.ctes.find(ref.Name.Name)
		spec, base, ok := simpleCTE(def.cte.Query)
		if !ok {
			return nil, nil, nil, nil, nil, c.runtimeErr(sqlerr.New(4405, 16, 1, "View or function '%s' is not updatable because the modification affects multiple base tables.", ref.Name.Name))
		}
		if t, err = c.target(base, perm); err != nil {
			return nil, nil, nil, nil, nil, err
		}
		if colMap, err = cteColumns(spec, t, def.cte.Columns); err != nil {
			return nil, nil, nil, nil, nil, c.runtimeErr(err)
		}
		c.dmlTarget = &dmlTarget{ref: base, spec: spec}
	default:
		t, err = c.target(ref, perm)
		c.dmlTarget = &dmlTarget{ref: ref}
	}
	if err != nil {
		return nil, nil, nil, nil, nil, err
	}
	node, sc, err := c.planFrom(items, where, nil)
	c.dmlTarget = nil
	if err != nil {
		return nil, nil, nil, nil, nil, err
	}
	var st *scopeTable
	for _, x := range sc.tables {
		if n := len(x.cols); n > 0 && x.cols[n-1].Name == rowIDColumn {
			st = x
		}
	}
	if st == nil {
		return nil, nil, nil, nil, nil, c.runtimeErr(sqlerr.New(208, 16, 1, "Invalid object name '%s'.", nameOfRef(target)))
	}
	if colMap == nil {
		colMap = make([]int, len(t.Def.Columns))
		for i := range colMap {
			colMap[i] = i
		}
	}
	if top != nil {
		n, err := c.topCount(top)
		if err != nil {
			return nil, nil, nil, nil, nil, err
		}
		node = &query.Limit{Input: node, Count: func(context.Context) (float64, error) { return float64(n), nil }}
	}
	return node, sc, st, t, colMap, nil
}

// simpleCTE reports a CTE query a DML statement can change through: one
// SELECT over one table, without grouping, DISTINCT or TOP.
func simpleCTE(q *tsql.Query) (*tsql.QuerySpec, *tsql.TableRef, bool) {
	spec, ok := q.Body.(*tsql.QuerySpec)
	if !ok || len(spec.From) != 1 || len(spec.GroupBy) > 0 || spec.Having != nil || spec.Distinct || spec.Top != nil || q.For != nil {
		return nil, nil, false
	}
	ref, ok := spec.From[0].(*tsql.TableRef)
	if !ok {
		return nil, nil, false
	}
	return spec, ref, true
}

// cteColumns maps the columns of a CTE over one table to the table's
// columns (-1 for an expression).
func cteColumns(spec *tsql.QuerySpec, t *table.Table, names []string) ([]int, error) {
	find := func(name string) int {
		for i, col := range t.Def.Columns {
			if strings.EqualFold(col.Name, name) {
				return i
			}
		}
		return -1
	}
	var out []int
	for _, it := range spec.Items {
		switch x := it.Expr.(type) {
		case *tsql.Star:
			for i := range t.Def.Columns {
				out = append(out, i)
			}
		case *tsql.ColumnRef:
			out = append(out, find(x.Column))
		default:
			out = append(out, -1)
		}
	}
	return out, nil
}

func nameOfRef(r *tsql.TableRef) string {
	if r.Var != nil {
		return r.Var.Name
	}
	return r.Name.String()
}

type setAction struct {
	col  int // target column, or -1
	slot int // variable, or -1
	op   byte
	x    *cexpr
}

func (c *compiler) update(x *tsql.UpdateStmt) (int64, error) {
	f, s := c.f, c.f.s
	if x.CurrentOf != nil {
		return 0, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", "WHERE CURRENT OF"))
	}
	c.withCTEs(x.With)
	node, sc, st, t, colMap, err := c.dmlSource(x.Target, x.From, x.Where, x.Top, "UPDATE")
	if err != nil {
		return 0, err
	}
	c.clause = "set"
	var acts []setAction
	for _, it := range x.Set {
		a := setAction{col: -1, slot: -1, op: compoundOps[it.Op]}
		if it.Column != nil {
			cr := it.Column
			if cr.Table != nil && !st.matches(cr.Table) {
				return 0, c.runtimeErr(sqlerr.New(4104, 16, 1, "The multi-part identifier \"%s\" could not be bound.", cr.String()))
			}
			a.col = st.column(cr.Column)
			if a.col < 0 || a.col >= len(colMap) {
				return 0, c.runtimeErr(sqlerr.New(207, 16, 1, "Invalid column name '%s'.", cr.Column))
			}
			if a.col = colMap[a.col]; a.col < 0 {
				return 0, c.runtimeErr(sqlerr.New(4406, 16, 1, "Update or insert of view or function '%s' failed because it contains a derived or constant field.", nameOfRef(x.Target)))
			}
			if a.col == t.IdentityColumn() {
				return 0, c.runtimeErr(sqlerr.New(8102, 16, 1, "Cannot update identity column '%s'.", t.Def.Columns[a.col].Name))
			}
		}
		if it.Var != nil {
			slot, ok := c.lookupVar(it.Var.Name)
			if !ok {
				return 0, c.undeclared(it.Var.Name, it.Var.Pos, 2)
			}
			a.slot = slot
		}
		if hasAggregate(it.Value) {
			return 0, c.runtimeErr(sqlerr.New(157, 15, 1, "An aggregate may not appear in the set list of an UPDATE statement."))
		}
		if a.x, err = c.expr(it.Value, sc); err != nil {
			return 0, err
		}
		acts = append(acts, a)
	}
	outs, err := c.outputs(x.Output, t, true, true, sc)
	if err != nil {
		return 0, err
	}
	ctx := withFrame(f.ctx, f)
	seen := map[int64]bool{}
	var changes []table.Change
	var olds, froms []rows.Row
	idIdx := st.off + len(st.cols) - 1
	err = node.Run(ctx, func(r rows.Row) (bool, error) {
		id := r[idIdx].Int64()
		if seen[id] {
			return true, nil
		}
		seen[id] = true
		old, ok := t.Get(id)
		if !ok {
			return true, nil
		}
		nv := append(rows.Row(nil), old...)
		for _, a := range acts {
			v, err := a.x.eval(f, r)
			if err != nil {
				return false, err
			}
			if a.col >= 0 {
				if a.op != 0 {
					if cur := old[a.col]; cur.IsNull() || v.IsNull() {
						v = sqltype.Null(t.Def.Columns[a.col].Type)
					} else if v, err = arith(a.op, cur, v); err != nil {
						return false, err
					}
				}
				if nv[a.col], err = storeValue(f, v, t.Def.Columns[a.col].Type); err != nil {
					return false, err
				}
				v = nv[a.col]
			}
			if a.slot >= 0 {
				vt := c.mod.varTypes[a.slot]
				if a.op != 0 && a.col < 0 {
					if cur := f.vars[a.slot]; cur.IsNull() || v.IsNull() {
						v = sqltype.Null(vt)
					} else if v, err = arith(a.op, cur, v); err != nil {
						return false, err
					}
				}
				if f.vars[a.slot], err = f.assign(v, vt); err != nil {
					return false, err
				}
			}
		}
		changes = append(changes, table.Change{ID: id, Vals: nv})
		if len(outs) > 0 {
			olds = append(olds, old)
			froms = append(froms, append(rows.Row(nil), r...))
		}
		return true, nil
	})
	if err != nil {
		return 0, err
	}
	undo, err := t.Update(ctx, changes)
	if err != nil {
		return 0, err
	}
	s.onTableRollback(t, undo)
	err = sendOutputs(ctx, f, outs, len(changes), func(i int) (rows.Row, rows.Row, rows.Row) { return changes[i].Vals, olds[i], froms[i] })
	if err != nil {
		return 0, err
	}
	return int64(len(changes)), nil
}

func (c *compiler) delete(x *tsql.DeleteStmt) (int64, error) {
	f, s := c.f, c.f.s
	if x.CurrentOf != nil {
		return 0, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", "WHERE CURRENT OF"))
	}
	c.withCTEs(x.With)
	node, sc, st, t, _, err := c.dmlSource(x.Target, x.From, x.Where, x.Top, "DELETE")
	if err != nil {
		return 0, err
	}
	outs, err := c.outputs(x.Output, t, false, true, sc)
	if err != nil {
		return 0, err
	}
	ctx := withFrame(f.ctx, f)
	seen := map[int64]bool{}
	var ids []int64
	var olds, froms []rows.Row
	idIdx := st.off + len(st.cols) - 1
	err = node.Run(ctx, func(r rows.Row) (bool, error) {
		id := r[idIdx].Int64()
		if seen[id] {
			return true, nil
		}
		seen[id] = true
		ids = append(ids, id)
		if len(outs) > 0 {
			old, _ := t.Get(id)
			olds = append(olds, old)
			froms = append(froms, append(rows.Row(nil), r...))
		}
		return true, nil
	})
	if err != nil {
		return 0, err
	}
	undo, err := t.Delete(ctx, ids)
	if err != nil {
		return 0, err
	}
	s.onTableRollback(t, undo)
	err = sendOutputs(ctx, f, outs, len(ids), func(i int) (rows.Row, rows.Row, rows.Row) { return nil, olds[i], froms[i] })
	if err != nil {
		return 0, err
	}
	return int64(len(ids)), nil
}

// ---------------------------------------------------------------------------
// OUTPUT

// outputSpec is one OUTPUT clause: rows computed from the inserted and
// deleted images (and the FROM row), sent as a result set or inserted
// into a table.
type outputSpec struct {
	cols    []rows.Column
	exprs   []query.Expr
	width   int
	into    *table.Table
	intoPos []int
	ident   int
	rows    []rows.Row
	buf     rows.Row
}

func (c *compiler) outputs(list []*tsql.OutputClause, t *table.Table, inserted, deleted bool, from *rowScope) ([]*outputSpec, error) {
	var out []*outputSpec
	tcols := t.Columns()
	n := len(tcols)
	for _, oc := range list {
		sc := &rowScope{}
		ins := &scopeTable{alias: "inserted", aliased: true, cols: tcols}
		del := &scopeTable{alias: "deleted", aliased: true, cols: tcols}
		if !inserted {
			ins.alias = hiddenPrefix + "inserted"
		}
		if !deleted {
			del.alias = hiddenPrefix + "deleted"
		}
		sc.add(ins)
		sc.add(del)
		if from != nil {
			for _, ft := range from.tables {
				cp := *ft
				cp.off += 2 * n
				sc.tables = append(sc.tables, &cp)
			}
			sc.width += from.width
		}
		items, err := c.selectItems(&tsql.QuerySpec{Items: oc.Items}, sc)
		if err != nil {
			return nil, err
		}
		o := &outputSpec{cols: items.cols, exprs: items.exprs, width: sc.width}
		if oc.Into != nil {
			var it *table.Table
			if oc.Into.Var != nil {
				it, err = c.tableVarTable(oc.Into.Var)
			} else {
				it, err = c.target(oc.Into, "INSERT")
			}
			if err != nil {
				return nil, err
			}
			o.into, o.ident = it, it.IdentityColumn()
			var pos []int
			if len(oc.IntoColumns) > 0 {
				for _, name := range oc.IntoColumns {
					i := -1
					for k, col := range it.Def.Columns {
						if strings.EqualFold(col.Name, name) {
							i = k
						}
					}
					if i < 0 {
						return nil, c.runtimeErr(sqlerr.New(207, 16, 1, "Invalid column name '%s'.", name))
					}
					pos = append(pos, i)
				}
			} else {
				for i := range it.Def.Columns {
					if i != o.ident {
						pos = append(pos, i)
					}
				}
			}
			if len(pos) != len(items.cols) {
				return nil, c.runtimeErr(sqlerr.New(213, 16, 1, "Column name or number of supplied values does not match table definition."))
			}
			o.intoPos = pos
		}
		out = append(out, o)
	}
	return out, nil
}

// add computes the output row of one changed row.
// onTableRollback registers the undo of a change to table t, unless t is
// a table variable: those keep their changes through a rollback.
func (s *Session) onTableRollback(t *table.Table, undo func()) {
	if t.Kind != table.Variable {
		s.onRollback(undo)
	}
}

// sendOutputs passes the n changed rows to each OUTPUT clause, then
// finishes the clause; row gives row i's inserted, deleted and FROM images
// (nil for what the statement has not got).
func sendOutputs(ctx context.Context, f *frame, outs []*outputSpec, n int, row func(i int) (ins, del, from rows.Row)) error {
	for _, o := range outs {
		for i := 0; i < n; i++ {
			ins, del, from := row(i)
			if err := o.add(ctx, ins, del, from); err != nil {
				return err
			}
		}
		if err := o.finish(f); err != nil {
			return err
		}
	}
	return nil
}

func (o *outputSpec) add(ctx context.Context, ins, del, from rows.Row) error {
	if o.buf == nil {
		o.buf = make(rows.Row, o.width)
	}
	n := 0
	for i := range o.buf {
		o.buf[i] = sqltype.Value{}
	}
	if ins != nil {
		copy(o.buf, ins)
		n = len(ins)
	} else if del != nil {
		n = len(del)
	}
	if del != nil {
		copy(o.buf[n:], del)
	}
	if from != nil {
		copy(o.buf[2*n:], from)
	}
	r := make(rows.Row, len(o.exprs))
	for i, e := range o.exprs {
		v, err := e(ctx, o.buf)
		if err != nil {
			return err
		}
		r[i] = v
	}
	o.rows = append(o.rows, r)
	return nil
}

// finish sends the rows, or inserts them into the OUTPUT INTO table.
func (o *outputSpec) finish(f *frame) error {
	if o.into == nil {
		_, err := sendRows(f, o.cols, o.rows)
		return err
	}
	cols := o.into.Def.Columns
	var list []rows.Row
	ctx := withFrame(f.ctx, f)
	for _, r := range o.rows {
		full := make(rows.Row, len(cols))
		set := make([]bool, len(cols))
		for k, i := range o.intoPos {
			v, err := storeValue(f, r[k], cols[i].Type)
			if err != nil {
				return err
			}
			full[i], set[i] = v, true
		}
		for i, col := range cols {
			switch {
			case set[i]:
			case i == o.ident:
				v, err := storeValue(f, sqltype.NewBigInt(o.into.NextIdentity()), col.Type)
				if err != nil {
					return err
				}
				full[i] = v
			case col.Default != nil:
				v, err := col.Default(ctx)
				if err != nil {
					return err
				}
				full[i] = v
			default:
				full[i] = sqltype.Null(col.Type)
			}
		}
		list = append(list, full)
	}
	undo, err := o.into.Insert(ctx, list)
	if err != nil {
		return err
	}
	f.s.onTableRollback(o.into, undo)
	return nil
}

// sendRows sends rows as one result set (no DONE: the statement's own
// DONE ends it).
func sendRows(f *frame, cols []rows.Column, list []rows.Row) (int64, error) {
	if cp := f.out.capture; cp != nil {
		for _, r := range list {
			cp.rows = append(cp.rows, append([]sqltype.Value(nil), r...))
		}
		return int64(len(list)), nil
	}
	n, err := sendSource(f.ctx, f, &staticSource{cols: cols, rows: list})
	return n, err
}
