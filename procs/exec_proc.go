package procs

import (
	"context"
	"strings"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/proc"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/wire"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// maxNesting is SQL Server's procedure nesting limit.
const maxNesting = 32

// sessionBody is the body of an engine procedure that needs the session
// (sp_executesql, sp_prepare, ...). extra holds the arguments beyond the
// declared parameters of a VarArgs procedure.
type sessionBody func(f *frame, c *proc.Call, extra []proc.Arg) (int32, error)

// userProc is a procedure created with CREATE PROCEDURE.
type userProc struct {
	def      *proc.Def
	mod      *module
	text     string
	id       int32
	created  time.Time
	modified time.Time
}

// procName is a procedure name as written, split in its parts.
type procName struct {
	db, schema, name string
	parts            int
	written          string
}

func nameOf(n *tsql.ObjectName) procName {
	return procName{db: n.Database, schema: n.Schema, name: n.Name, parts: n.Parts, written: n.String()}
}

// splitName splits a procedure name sent by RPC ("dbo.p",
// "[SSISDB].[catalog].[create_execution]") into its parts.
func splitName(s string) procName {
	var parts []string
	var cur strings.Builder
	inBr := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case inBr && ch == ']':
			if i+1 < len(s) && s[i+1] == ']' {
				cur.WriteByte(']')
				i++
			} else {
				inBr = false
			}
		case inBr:
			cur.WriteByte(ch)
		case ch == '[':
			inBr = true
		case ch == '.':
			parts = append(parts, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(ch)
		}
	}
	parts = append(parts, strings.TrimSpace(cur.String()))
	pn := procName{parts: len(parts), written: strings.Join(parts, ".")}
	switch len(parts) {
	case 1:
		pn.name = parts[0]
	case 2:
		pn.schema, pn.name = parts[0], parts[1]
	default:
		pn.db, pn.schema, pn.name = parts[len(parts)-3], parts[len(parts)-2], parts[len(parts)-1]
	}
	return pn
}

// resolve finds a procedure from the current database: system procedures
// (sp_*, and every built-in registered without a database) from anywhere,
// database procedures in the named or current database, schema dbo when
// none is written.
func (s *Session) resolve(n procName) (*proc.Def, *userProc, error) {
	// Made where the search fails (not up front: most calls find theirs).
	notFound := func() error {
		return sqlerr.New(2812, 16, 62, "Could not find stored procedure '%s'.", n.written)
	}
	if n.parts > 3 {
		return nil, nil, sqlerr.New(7202, 11, 2, "Could not find server '%s' in sys.servers. Verify that the correct server name was specified. If necessary, execute the stored procedure sp_addlinkedserver to add the server to sys.servers.", strings.SplitN(n.written, ".", 2)[0])
	}
	db := s.database
	if n.db != "" {
		c, ok := s.e.cat.Database(n.db)
		if !ok {
			return nil, nil, notFound()
		}
		db = c
	}
	schema := n.schema
	// System procedures resolve from any database, with schema sys, dbo or none.
	if schema == "" || strings.EqualFold(schema, "sys") || strings.EqualFold(schema, "dbo") {
		if d, ok := s.e.builtins[keyOf("", "sys", n.name)]; ok {
			return d, nil, nil
		}
	}
	if schema == "" {
		schema = "dbo"
	}
	if d, ok := s.e.builtins[keyOf(db, schema, n.name)]; ok {
		return d, nil, nil
	}
	// Procedures of the emulator's control schema are found from anywhere.
	if d, ok := s.e.builtins[keyOf("", schema, n.name)]; ok {
		return d, nil, nil
	}
	s.e.mu.RLock()
	up, ok := s.e.procs[keyOf(db, schema, n.name)]
	s.e.mu.RUnlock()
	if ok {
		return up.def, up, nil
	}
	return nil, nil, notFound()
}

// execArg is a compiled EXEC argument.
type execArg struct {
	name    string
	x       *cexpr
	deflt   bool
	output  bool
	outSlot int // the variable receiving OUTPUT, or -1
}

type execStmt struct {
	name    procName
	nameVar *cexpr
	args    []execArg
	rcSlot  int // EXEC @rc = ..., or -1
	line    int32
}

func (c *compiler) execStmt(x *tsql.ExecStmt) (stmt, error) {
	st := &execStmt{rcSlot: -1, line: int32(x.Pos.Line)}
	if x.Proc != nil {
		st.name = nameOf(x.Proc)
	} else {
		e, err := c.expr(x.ProcVar, nil)
		if err != nil {
			return nil, err
		}
		st.nameVar = e
	}
	named := false
	for i, a := range x.Args {
		if a.Name != "" {
			named = true
		} else if named {
			return nil, c.compileErr(sqlerr.New(119, 15, 1, "Must pass parameter number %d and subsequent parameters as '@name = value'. After the form '@name = value' has been used, all subsequent parameters must be passed in the form '@name = value'.", i+1), a.Pos)
		}
		ea := execArg{name: a.Name, output: a.Output, outSlot: -1}
		switch v := a.Value.(type) {
		case *tsql.DefaultExpr:
			ea.deflt = true
		case *tsql.Variable:
			slot, ok := c.lookupVar(v.Name)
			if !ok {
				return nil, c.undeclared(v.Name, v.Pos, 2)
			}
			if a.Output {
				ea.outSlot = slot
			}
			e, err := c.expr(v, nil)
			if err != nil {
				return nil, err
			}
			ea.x = e
		default:
			e, err := c.expr(a.Value, nil)
			if err != nil {
				return nil, err
			}
			ea.x = e
		}
		st.args = append(st.args, ea)
	}
	if x.ReturnStatus != nil {
		slot, ok := c.lookupVar(x.ReturnStatus.Name)
		if !ok {
			return nil, c.undeclared(x.ReturnStatus.Name, x.ReturnStatus.Pos, 2)
		}
		st.rcSlot = slot
	}
	return st, nil
}

func (x *execStmt) exec(f *frame) (flow, error) {
	s := f.s
	name := x.name
	if x.nameVar != nil {
		v, err := x.nameVar.eval(f, nil)
		if err != nil {
			return flowNext, err
		}
		name = splitName(printable(v))
	}
	d, _, err := s.resolve(name)
	if err != nil {
		return flowNext, err
	}
	args := make([]proc.Arg, len(x.args))
	for i, a := range x.args {
		args[i] = proc.Arg{Name: a.name, Default: a.deflt, Output: a.output}
		if a.x != nil {
			v, err := a.x.eval(f, nil)
			if err != nil {
				return flowNext, err
			}
			args[i].Value = v
		}
	}
	keep := s.rowCount
	res, err := s.call(f, d, args)
	if err != nil {
		return flowNext, err
	}
	// OUTPUT values back into the caller's variables.
	for pi, ai := range res.bound.OutArg {
		if ai < 0 || x.args[ai].outSlot < 0 {
			continue
		}
		slot := x.args[ai].outSlot
		v, err := assignConvert(res.outs[pi], f.mod.varTypes[slot])
		if err != nil {
			return flowNext, err
		}
		f.vars[slot] = v
	}
	for k, ai := range res.bound.ExtraArg {
		if k >= len(res.extraOut) || x.args[ai].outSlot < 0 || !x.args[ai].output {
			continue
		}
		slot := x.args[ai].outSlot
		v, err := assignConvert(res.extraOut[k], f.mod.varTypes[slot])
		if err != nil {
			return flowNext, err
		}
		f.vars[slot] = v
	}
	if x.rcSlot >= 0 {
		f.vars[x.rcSlot], _ = assignConvert(sqltype.NewInt(int64(res.status)), f.mod.varTypes[x.rcSlot])
	}
	s.rowCount = keep // EXECUTE preserves @@ROWCOUNT
	if f.level == 0 && !s.inRPC && f.out.capture == nil {
		if err := f.out.w.ReturnStatus(res.status); err != nil {
			return flowNext, err
		}
		if err := f.out.doneProc(res.failed); err != nil {
			return flowNext, err
		}
	}
	if !res.failed {
		s.lastError = 0
	}
	return flowNext, nil
}

// callResult is what a procedure call gives back.
type callResult struct {
	status int32
	outs   []sqltype.Value
	bound  *proc.Bound
	failed bool // an error ended the procedure (DONEPROC carries DONE_ERROR)
	// extraOut/extraType are the OUTPUT values of a VarArgs procedure's
	// extra arguments, aligned with bound.Extra.
	extraOut  []sqltype.Value
	extraType []sqltype.Type
}

// call binds args to d and runs it one nesting level below f.
func (s *Session) call(f *frame, d *proc.Def, args []proc.Arg) (*callResult, error) {
	if s.nesting >= maxNesting {
		return nil, sqlerr.New(217, 16, 1, "Maximum stored procedure, function, trigger, or view nesting level exceeded (limit %d).", maxNesting)
	}
	b, berr := proc.Bind(d, args, bindConvert)
	if berr != nil {
		return nil, berr
	}
	res := &callResult{bound: b, outs: append([]sqltype.Value(nil), b.Values...)}
	tranBefore := s.tran.count
	s.nesting++
	level := s.nesting
	// A procedure is a scope: SCOPE_IDENTITY starts over in it, and the
	// #temp tables it creates go when it ends.
	scopeIdent := s.scopeIdentity
	s.scopeIdentity = sqltype.Null(sqltype.NumericPS(38, 0))
	defer func() {
		s.scopeIdentity = scopeIdent
		s.dropScopeTemps(level)
	}()
	var err error
	switch body := d.Body.(type) {
	case *userProc:
		// SET options and EXECUTE AS inside a procedure end with it.
		defer s.saveScope()()
		cf := newFrame(f.ctx, s, f.out, body.mod, level)
		for i, slot := range body.mod.params {
			cf.vars[slot] = b.Values[i]
		}
		err = cf.runModule()
		res.status = cf.ret
		for i, slot := range body.mod.params {
			res.outs[i] = cf.vars[slot]
		}
	case proc.Body, sessionBody:
		c := &proc.Call{Def: d, Args: b.Values, Supplied: b.Supplied, Out: res.outs, Caller: s.principal,
			Tx: s.catalogTx(), Database: s.database, SPID: s.spid}
		cf := &frame{ctx: f.ctx, s: s, out: f.out, mod: s.e.bodyless(d), level: level}
		c.Results = &procResults{f: cf}
		var status int32
		var berr error
		if gb, ok := body.(proc.Body); ok {
			status, berr = gb(f.ctx, c)
		} else {
			status, berr = body.(sessionBody)(cf, c, b.Extra)
		}
		res.status = status
		res.extraOut, res.extraType = c.ExtraOut, c.ExtraTypes
		if berr != nil {
			if _, ok := berr.(*raised); ok {
				err = berr
			} else if f.ctx.Err() != nil {
				err = berr
			} else {
				st := &cstmt{line: 1, cmd: tds.CmdExecute}
				if se, ok := sqlerr.As(berr); ok {
					cp := *se
					if cp.Line == 0 {
						cp.Procedure = d.QualifiedName()
						cp.Line = 1
					}
					// Built-in procedures report failures the way the catalog's
					// T-SQL does, with RAISERROR: XACT_ABORT does not apply.
					berr = &raiserrorErr{err: &cp, term: classify(&cp)}
				}
				err = cf.handleError(st, berr)
				res.failed = true
			}
		}
	default:
		err = sqlerr.New(2812, 16, 62, "Could not find stored procedure '%s'.", d.Name)
	}
	s.nesting--
	if err != nil {
		if r, ok := err.(*raised); ok && r.sent && r.term == termScope {
			err = nil
			res.failed = true
		} else {
			return nil, err
		}
	}
	if s.tran.count != tranBefore && s.tran.count >= 0 {
		e := sqlerr.New(266, 16, 2, "Transaction count after EXECUTE indicates a mismatching number of BEGIN and COMMIT statements. Previous count = %d, current count = %d.", tranBefore, s.tran.count)
		e.Procedure = d.QualifiedName()
		e.Line = 0
		res.failed = true
		// 266 is reported after the procedure's results; the caller goes on.
		st := &cstmt{line: 0, cmd: tds.CmdExecute}
		if herr := f.handleError(st, e); herr != nil {
			return nil, herr
		}
	}
	return res, nil
}

// saveScope records the session settings a module restores when it ends
// (SET options, DATEFIRST, DATEFORMAT, the EXECUTE AS context) and returns
// the function that restores them.
func (s *Session) saveScope() func() {
	opts, df, dfmt, p, imp := s.options, s.dateFirst, s.dateFormat, s.principal, len(s.impStack)
	return func() {
		s.options, s.dateFirst, s.dateFormat, s.principal = opts, df, dfmt, p
		if len(s.impStack) > imp {
			s.impStack = s.impStack[:imp]
		}
	}
}

// procResults sends a built-in procedure's result sets.
type procResults struct{ f *frame }

func (p *procResults) Send(ctx context.Context, src rows.Source) error {
	n, err := sendSource(ctx, p.f, src)
	if err != nil {
		return err
	}
	p.f.s.rowCount = n
	return p.f.out.done(tds.CmdSelect, n, p.f.out.capture == nil, false)
}

func (p *procResults) Info(e *sqlerr.Error) error {
	cp := *e
	if cp.Procedure == "" {
		cp.Procedure = p.f.mod.name
	}
	return p.f.out.info(&cp)
}

// sendSource streams a row source as one result set and returns the row
// count.
func sendSource(ctx context.Context, f *frame, src rows.Source) (int64, error) {
	if cp := f.out.capture; cp != nil {
		var n int64
		err := src.Scan(ctx, func(r rows.Row) bool {
			cp.rows = append(cp.rows, append([]sqltype.Value(nil), r...))
			n++
			return true
		})
		return n, err
	}
	cols := src.Columns()
	tc := make([]tds.Column, len(cols))
	for i, c := range cols {
		tc[i] = wire.Column(c.Name, c.Type, c.Nullable)
	}
	if err := f.out.columns(tc); err != nil {
		return 0, err
	}
	var n int64
	var werr error
	vals := make([]any, len(cols))
	err := src.Scan(ctx, func(r rows.Row) bool {
		for i := range cols {
			if i < len(r) {
				vals[i] = wire.Value(cols[i].Type, fitColumn(cols[i].Type, r[i]))
			} else {
				vals[i] = nil
			}
		}
		if werr = f.out.w.Row(vals); werr != nil {
			return false
		}
		n++
		return true
	})
	if werr != nil {
		return n, werr
	}
	return n, err
}

// ---------------------------------------------------------------------------
// CREATE / ALTER / DROP PROCEDURE

type createProcStmt struct {
	name    procName
	def     *proc.Def
	mod     *module
	text    string
	alter   bool
	orAlter bool
}

func (c *compiler) createProc(x *tsql.CreateProcedureStmt) (stmt, error) {
	var params []paramDecl
	def := &proc.Def{Name: x.Name.Name, Schema: x.Name.Schema}
	for _, p := range x.Params {
		t, err := c.dataType(p.Typ, false)
		if err != nil {
			return nil, err
		}
		pp := proc.Param{Name: p.Name, Type: t, Output: p.Output, ReadOnly: p.ReadOnly}
		if p.Default != nil {
			dv, err := c.constValue(p.Default)
			if err != nil {
				return nil, err
			}
			pp.HasDefault = true
			if pp.Default, err = assignConvert(dv, t); err != nil {
				pp.Default = dv
			}
		}
		def.Params = append(def.Params, pp)
		params = append(params, paramDecl{name: p.Name, typ: t, pos: p.Pos})
	}
	schema := x.Name.Schema
	if schema == "" {
		schema = "dbo"
	}
	mod, err := c.e.compileModule(c.src, schema+"."+x.Name.Name, x.Body, params)
	if err != nil {
		if errs, ok := err.(tsql.Errors); ok {
			c.errs = append(c.errs, errs...)
			return nil, compileFailed
		}
		return nil, err
	}
	return &createProcStmt{name: nameOf(x.Name), def: def, mod: mod, text: c.src.Text(x), alter: x.Alter, orAlter: x.OrAlter}, nil
}

// constValue evaluates a constant (a parameter default).
func (c *compiler) constValue(e tsql.Expr) (sqltype.Value, error) {
	ce, err := c.expr(e, nil)
	if err != nil {
		return sqltype.Value{}, err
	}
	return ce.eval(nil, nil)
}

func (x *createProcStmt) exec(f *frame) (flow, error) {
	s := f.s
	db := s.database
	if x.name.db != "" {
		c, ok := s.e.cat.Database(x.name.db)
		if !ok {
			return flowNext, sqlerr.New(2702, 16, 2, "Database '%s' does not exist.", x.name.db)
		}
		if !strings.EqualFold(c, db) {
			return flowNext, sqlerr.New(166, 15, 1, "'CREATE/ALTER PROCEDURE' does not allow specifying the database name as a prefix to the object name.")
		}
	}
	schema := x.name.schema
	if schema == "" {
		schema = "dbo"
	}
	def := *x.def
	def.Database, def.Schema = db, schema
	mod := *x.mod
	mod.name = schema + "." + def.Name
	key := keyOf(db, schema, def.Name)
	now := s.e.clk.Now()
	s.e.mu.Lock()
	old, exists := s.e.procs[key]
	switch {
	case exists && !x.alter && !x.orAlter:
		s.e.mu.Unlock()
		return flowNext, sqlerr.New(2714, 16, 3, "There is already an object named '%s' in the database.", def.Name)
	case !exists && x.alter:
		s.e.mu.Unlock()
		return flowNext, sqlerr.New(208, 16, 6, "Invalid object name '%s'.", x.name.written)
	}
	up := &userProc{def: &def, mod: &mod, text: x.text, created: now, modified: now}
	if exists {
		up.id, up.created = old.id, old.created
	} else {
		up.id = s.e.newObjectID()
	}
	def.Body = up
	s.e.procs[key] = up
	s.e.mu.Unlock()
	s.onRollback(func() {
		s.e.mu.Lock()
		defer s.e.mu.Unlock()
		if exists {
			s.e.procs[key] = old
		} else {
			delete(s.e.procs, key)
		}
	})
	s.rowCount = 0
	s.lastError = 0
	return flowNext, f.out.done(cmdDDL, 0, false, false)
}

type dropStmt struct {
	kind     string
	ifExists bool
	names    []procName
}

func (c *compiler) dropStmt(x *tsql.DropStmt) (stmt, error) {
	switch x.Kind {
	case "PROCEDURE":
	case "LOGIN", "USER", "ROLE", "SERVER ROLE":
		return &dropSecurity{kind: x.Kind, names: x.Names}, nil
	case "TABLE":
		d := &dropTableStmt{ifExists: x.IfExists}
		for _, n := range x.Names {
			d.names = append(d.names, nameOf(n))
		}
		return d, nil
	default:
		return &failStmt{err: sqlerr.New(40510, 16, 1, "Statement '%s' is not supported in this version of SQL Server.", "DROP "+x.Kind)}, nil
	}
	d := &dropStmt{kind: x.Kind, ifExists: x.IfExists}
	for _, n := range x.Names {
		d.names = append(d.names, nameOf(n))
	}
	return d, nil
}

func (x *dropStmt) exec(f *frame) (flow, error) {
	s := f.s
	for _, n := range x.names {
		db := s.database
		if n.db != "" {
			if c, ok := s.e.cat.Database(n.db); ok {
				db = c
			}
		}
		schema := n.schema
		if schema == "" {
			schema = "dbo"
		}
		key := keyOf(db, schema, n.name)
		s.e.mu.Lock()
		old, ok := s.e.procs[key]
		if ok {
			delete(s.e.procs, key)
		}
		s.e.mu.Unlock()
		if !ok {
			if x.ifExists {
				continue
			}
			return flowNext, sqlerr.New(3701, 11, 5, "Cannot drop the procedure '%s', because it does not exist or you do not have permission.", n.written)
		}
		s.onRollback(func() {
			s.e.mu.Lock()
			s.e.procs[key] = old
			s.e.mu.Unlock()
		})
	}
	s.rowCount = 0
	s.lastError = 0
	return flowNext, f.out.done(cmdDDL, 0, false, false)
}

type dropSecurity struct {
	kind  string
	names []*tsql.ObjectName
}

func (x *dropSecurity) exec(f *frame) (flow, error) {
	for _, n := range x.names {
		st := SecurityStatement{Kind: "DROP " + x.kind, Database: f.s.database, Name: n.Name}
		if err := f.s.e.cat.Security(f.ctx, f.s.principal, f.s.catalogTx(), st); err != nil {
			return flowNext, err
		}
	}
	f.s.rowCount = 0
	f.s.lastError = 0
	return flowNext, f.out.done(cmdDDL, 0, false, false)
}
