package procs

import (
	"strings"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// stmt compiles one statement.
func (c *compiler) stmt(st tsql.Stmt) (cstmt, error) {
	line := int32(st.Position().Line)
	cs := cstmt{line: line}
	var err error
	switch x := st.(type) {
	case *tsql.DeclareStmt:
		cs.s, err = c.declareStmt(x)
	case *tsql.SetVarStmt:
		cs.s, err = c.setVar(x)
		cs.cmd = cmdSet
	case *tsql.SetOptionStmt:
		cs.s, err = c.setOption(x)
		cs.cmd = cmdSet
	case *tsql.SelectStmt:
		cs.s, err = c.selectStmt(x)
		cs.cmd = tds.CmdSelect
	case *tsql.PrintStmt:
		var e *cexpr
		if e, err = c.expr(x.X, nil); err == nil {
			cs.s = &printStmt{x: e}
		}
		cs.cmd = cmdPrint
	case *tsql.BlockStmt:
		var b *block
		if b, err = c.block(x.Body); err == nil {
			cs.s = &blockStmt{b: b}
		}
	case *tsql.IfStmt:
		cs.s, err = c.ifStmt(x)
		cs.cmd = cmdCond
	case *tsql.WhileStmt:
		cs.s, err = c.whileStmt(x)
		cs.cmd = cmdCond
	case *tsql.BreakStmt:
		cs.s = ctlStmt(flowBreak)
	case *tsql.ContinueStmt:
		cs.s = ctlStmt(flowContinue)
	case *tsql.GotoStmt:
		cs.s = &gotoStmt{label: strings.ToLower(x.Label)}
	case *tsql.ReturnStmt:
		cs.s, err = c.returnStmt(x)
	case *tsql.WaitForStmt:
		cs.s, err = c.waitFor(x)
		cs.cmd = cmdWaitfor
	case *tsql.TryCatchStmt:
		cs.s, err = c.tryCatch(x)
	case *tsql.ThrowStmt:
		cs.s, err = c.throwStmt(x)
	case *tsql.RaiserrorStmt:
		cs.s, err = c.raiserror(x)
	case *tsql.ExecStmt:
		cs.s, err = c.execStmt(x)
		cs.cmd = tds.CmdExecute
	case *tsql.ExecStringStmt:
		cs.s, err = c.execString(x)
		cs.cmd = tds.CmdExecute
	case *tsql.CreateProcedureStmt:
		cs.s, err = c.createProc(x)
		cs.cmd = cmdDDL
	case *tsql.DropStmt:
		cs.s, err = c.dropStmt(x)
		cs.cmd = cmdDDL
	case *tsql.UseStmt:
		if c.inProc {
			return cs, c.compileErr(sqlerr.New(154, 15, 1, "a USE database statement is not allowed in a procedure, function or trigger."), x.Pos)
		}
		cs.s = &useStmt{db: x.Database}
		cs.cmd = cmdUse
	case *tsql.BeginTranStmt:
		cs.s, err = c.tranStmt(tranBegin, x.Name)
		cs.cmd = tds.CmdBeginTx
	case *tsql.CommitTranStmt:
		cs.s, err = c.tranStmt(tranCommit, x.Name)
		cs.cmd = tds.CmdCommit
	case *tsql.RollbackTranStmt:
		cs.s, err = c.tranStmt(tranRollback, x.Name)
		cs.cmd = tds.CmdRollbck
	case *tsql.SaveTranStmt:
		cs.s, err = c.tranStmt(tranSave, x.Name)
		cs.cmd = cmdSave
	case *tsql.ExecuteAsStmt:
		cs.s, err = c.executeAs(x)
	case *tsql.RevertStmt:
		cs.s = &revertStmt{}
	case *tsql.CreateLoginStmt, *tsql.AlterLoginStmt, *tsql.CreateUserStmt, *tsql.AlterUserStmt,
		*tsql.CreateRoleStmt, *tsql.AlterRoleStmt, *tsql.PermissionStmt:
		cs.s, err = c.securityStmt(st)
		cs.cmd = cmdDDL
	case *tsql.Unsupported:
		cs.s = &failStmt{err: x.Err()}
		if x.Feature == "CREATE INDEX" {
			if ci, ok := parseCreateIndex(c.src.Text(x)); ok {
				cs.s = ci
			}
		}
		cs.cmd = cmdDDL
	case *tsql.InsertStmt:
		cs.s, err = c.dmlStmt(x)
		cs.dml, cs.cmd = true, tds.CmdInsert
	case *tsql.UpdateStmt:
		cs.s, err = c.dmlStmt(x)
		cs.dml, cs.cmd = true, tds.CmdUpdate
	case *tsql.DeleteStmt:
		cs.s, err = c.dmlStmt(x)
		cs.dml, cs.cmd = true, tds.CmdDelete
	case *tsql.CreateTableStmt:
		cs.s, err = c.createTable(x)
		cs.cmd = cmdDDL
	case *tsql.TruncateTableStmt:
		cs.s = &truncateStmt{name: nameOf(x.Name)}
		cs.cmd = cmdTruncate
	case *tsql.DeclareCursorStmt:
		cs.s, err = c.declareCursor(x)
	case *tsql.OpenCursorStmt, *tsql.FetchStmt, *tsql.CloseCursorStmt, *tsql.DeallocateCursorStmt:
		cs.s, err = c.cursorStmt(st)
	default:
		cs.s = &failStmt{err: sqlerr.New(40510, 16, 1, "Statement '%s' is not supported in this version of SQL Server.", strings.TrimSuffix(strings.TrimPrefix(typeName(st), "*tsql."), "Stmt"))}
	}
	return cs, err
}

// ---------------------------------------------------------------------------
// DECLARE and SET

type assignStmt struct {
	slot int
	typ  sqltype.Type
	x    *cexpr
	op   byte // 0 for plain assignment, else the compound operator
	// declare marks DECLARE @v = x, which sends no DONE.
	declare bool
}

func (a *assignStmt) exec(f *frame) (flow, error) {
	v, err := a.x.eval(f, nil)
	if err != nil {
		return flowNext, err
	}
	if a.op != 0 {
		cur := f.vars[a.slot]
		if cur.IsNull() || v.IsNull() {
			v = sqltype.Null(a.typ)
		} else if v, err = arith(a.op, cur, v); err != nil {
			return flowNext, err
		}
	}
	if v, err = f.assign(v, a.typ); err != nil {
		return flowNext, err
	}
	f.vars[a.slot] = v
	f.s.rowCount = 1
	f.s.lastError = 0
	if a.declare {
		return flowNext, nil
	}
	return flowNext, f.out.done(cmdSet, 0, false, false)
}

// assign is assignConvert under the session's SET DATEFORMAT (a string
// assigned to a date variable reads in that order).
func (f *frame) assign(v sqltype.Value, t sqltype.Type) (sqltype.Value, error) {
	if v.IsNull() || t.Kind == sqltype.SQLVariant || v.Type() == t || !t.Kind.IsDateTime() || !v.Kind().IsString() {
		return assignConvert(v, t)
	}
	return sqltype.ConvertWith(v, t, sqltype.ConvertOptions{Implicit: true, DateFormat: f.dateFormat()})
}

// assignConvert converts a value for a variable of type t: the variable
// keeps its declared type (strings cut silently; sql_variant keeps the
// base value).
func assignConvert(v sqltype.Value, t sqltype.Type) (sqltype.Value, error) {
	if v.IsNull() {
		return sqltype.Null(t), nil
	}
	if t.Kind == sqltype.SQLVariant {
		return v, nil
	}
	if v.Type() == t {
		return v, nil
	}
	return convert(v, t)
}

func (c *compiler) declareStmt(x *tsql.DeclareStmt) (stmt, error) {
	var inits []stmt
	for _, d := range x.Vars {
		switch {
		case d.Table != nil:
			spec, err := c.tableSpec(d.Name, d.Table)
			if err != nil {
				return nil, err
			}
			slot, err := c.declare(d.Name, sqltype.Type{}, d.Pos)
			if err != nil {
				return nil, err
			}
			if c.mod.tableVars == nil {
				c.mod.tableVars = map[int]*tableSpec{}
			}
			c.mod.tableVars[slot] = spec
			inits = append(inits, &declareTableStmt{slot: slot, name: d.Name, spec: spec})
			continue
		case d.Cursor:
			if _, err := c.declare(d.Name, sqltype.Type{}, d.Pos); err != nil {
				return nil, err
			}
			continue
		}
		t, err := c.dataType(d.Typ, false)
		if err != nil {
			return nil, err
		}
		var init *cexpr
		if d.Value != nil {
			// The initialiser cannot see the variable it declares.
			if init, err = c.expr(d.Value, nil); err != nil {
				return nil, err
			}
		}
		slot, err := c.declare(d.Name, t, d.Pos)
		if err != nil {
			return nil, err
		}
		if init != nil {
			inits = append(inits, &assignStmt{slot: slot, typ: t, x: init, declare: true})
		} else {
			inits = append(inits, &resetVar{slot: slot, typ: t})
		}
	}
	return &seqStmt{list: inits}, nil
}

// resetVar is DECLARE without an initialiser: inside a loop it sets the
// variable back to NULL each time it runs, as SQL Server does.
type resetVar struct {
	slot int
	typ  sqltype.Type
}

func (r *resetVar) exec(f *frame) (flow, error) {
	f.vars[r.slot] = sqltype.Null(r.typ)
	return flowNext, nil
}

type seqStmt struct{ list []stmt }

func (s *seqStmt) exec(f *frame) (flow, error) {
	for _, st := range s.list {
		if _, err := st.exec(f); err != nil {
			return flowNext, err
		}
	}
	return flowNext, nil
}

var compoundOps = map[string]byte{"+=": '+', "-=": '-', "*=": '*', "/=": '/', "%=": '%', "&=": '&', "|=": '|', "^=": '^'}

func (c *compiler) setVar(x *tsql.SetVarStmt) (stmt, error) {
	val, err := c.expr(x.Value, nil)
	if err != nil {
		return nil, err
	}
	slot, ok := c.lookupVar(x.Var.Name)
	if !ok {
		return nil, c.undeclared(x.Var.Name, x.Var.Pos, 1)
	}
	return &assignStmt{slot: slot, typ: c.mod.varTypes[slot], x: val, op: compoundOps[x.Op]}, nil
}

// ---------------------------------------------------------------------------
// PRINT, blocks, IF, WHILE, GOTO, RETURN

type printStmt struct{ x *cexpr }

func (p *printStmt) exec(f *frame) (flow, error) {
	v, err := p.x.eval(f, nil)
	if err != nil {
		return flowNext, err
	}
	text := printable(v)
	if len([]rune(text)) > 8000 {
		text = string([]rune(text)[:8000])
	}
	f.s.rowCount = 0
	f.s.lastError = 0
	if err := f.out.info(&sqlerr.Error{Number: 0, Severity: 0, State: 1, Message: text, Procedure: f.mod.name, Line: f.curLine}); err != nil {
		return flowNext, err
	}
	return flowNext, f.out.done(cmdPrint, 0, false, false)
}

type blockStmt struct{ b *block }

func (s *blockStmt) exec(f *frame) (flow, error) { return f.runBlock(s.b) }

type ctlStmt flow

func (s ctlStmt) exec(*frame) (flow, error) { return flow(s), nil }

type gotoStmt struct{ label string }

func (g *gotoStmt) exec(f *frame) (flow, error) {
	f.gotoLabel = g.label
	return flowGoto, nil
}

type ifStmt struct {
	cond      condFn
	then, els *block
}

func (s *ifStmt) exec(f *frame) (flow, error) {
	t, err := s.cond(f, nil)
	if err != nil {
		return flowNext, err
	}
	f.s.rowCount = 0
	f.s.lastError = 0
	if t == triTrue {
		return f.runBlock(s.then)
	}
	if s.els != nil {
		return f.runBlock(s.els)
	}
	return flowNext, nil
}

// single compiles a statement that stands in for a block (IF/WHILE bodies).
func (c *compiler) single(st tsql.Stmt) (*block, error) {
	if st == nil {
		return nil, nil
	}
	return c.block([]tsql.Stmt{st})
}

func (c *compiler) ifStmt(x *tsql.IfStmt) (stmt, error) {
	cond, err := c.cond(x.Cond, nil)
	if err != nil {
		return nil, err
	}
	then, err := c.single(x.Then)
	if err != nil {
		return nil, err
	}
	els, err := c.single(x.Else)
	if err != nil {
		return nil, err
	}
	return &ifStmt{cond: cond, then: then, els: els}, nil
}

type whileStmt struct {
	cond condFn
	body *block
}

func (s *whileStmt) exec(f *frame) (flow, error) {
	for {
		t, err := s.cond(f, nil)
		if err != nil {
			return flowNext, err
		}
		if t != triTrue {
			return flowNext, nil
		}
		fl, err := f.runBlock(s.body)
		if err != nil {
			return flowNext, err
		}
		switch fl {
		case flowBreak:
			return flowNext, nil
		case flowReturn, flowGoto:
			return fl, nil
		}
		if err := f.ctx.Err(); err != nil {
			return flowNext, err
		}
	}
}

func (c *compiler) whileStmt(x *tsql.WhileStmt) (stmt, error) {
	cond, err := c.cond(x.Cond, nil)
	if err != nil {
		return nil, err
	}
	c.loops++
	body, err := c.single(x.Body)
	c.loops--
	if err != nil {
		return nil, err
	}
	if body == nil {
		body = &block{}
	}
	return &whileStmt{cond: cond, body: body}, nil
}

type returnStmt struct{ x *cexpr }

func (r *returnStmt) exec(f *frame) (flow, error) {
	f.ret = 0
	if r.x != nil {
		v, err := r.x.eval(f, nil)
		if err != nil {
			return flowNext, err
		}
		if !v.IsNull() {
			iv, err := convert(v, sqltype.TInt)
			if err != nil {
				return flowNext, err
			}
			f.ret = int32(iv.Int64())
		}
	}
	f.s.rowCount = 1
	return flowReturn, nil
}

func (c *compiler) returnStmt(x *tsql.ReturnStmt) (stmt, error) {
	if x.Value == nil {
		return &returnStmt{}, nil
	}
	if !c.inProc {
		// RETURN with a value is allowed only in a procedure.
		return nil, c.compileErr(sqlerr.New(178, 15, 1, "A RETURN statement with a return value cannot be used in this context."), x.Pos)
	}
	e, err := c.expr(x.Value, nil)
	if err != nil {
		return nil, err
	}
	return &returnStmt{x: e}, nil
}

// ---------------------------------------------------------------------------
// WAITFOR

type waitStmt struct {
	x     *cexpr
	until bool
}

func (w *waitStmt) exec(f *frame) (flow, error) {
	v, err := w.x.eval(f, nil)
	if err != nil {
		return flowNext, err
	}
	tv, err := castValue(v, sqltype.TDateTime, 0, false, f.dateFormat())
	if err != nil {
		return flowNext, sqlerr.New(148, 15, 1, "Incorrect time syntax in time string '%s' used with WAITFOR.", printable(v))
	}
	tm := tv.Time()
	clk := f.s.e.clk
	now := clk.Now()
	var d time.Duration
	since := time.Date(tm.Year(), tm.Month(), tm.Day(), tm.Hour(), tm.Minute(), tm.Second(), tm.Nanosecond(), time.UTC)
	base := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	clockPart := since.Sub(time.Date(since.Year(), since.Month(), since.Day(), 0, 0, 0, 0, time.UTC))
	if w.until {
		nowClock := time.Duration(now.Hour())*time.Hour + time.Duration(now.Minute())*time.Minute +
			time.Duration(now.Second())*time.Second + time.Duration(now.Nanosecond())
		d = clockPart - nowClock
		if d < 0 {
			d += 24 * time.Hour
		}
	} else {
		d = since.Sub(base)
		if d > 24*time.Hour || d < 0 {
			d = clockPart
		}
	}
	done := make(chan struct{})
	timer := clk.AfterFunc(d, func() { close(done) })
	select {
	case <-done:
	case <-f.ctx.Done():
		timer.Stop()
		return flowNext, f.ctx.Err()
	}
	f.s.lastError = 0
	return flowNext, f.out.done(cmdWaitfor, 0, false, false)
}

func (c *compiler) waitFor(x *tsql.WaitForStmt) (stmt, error) {
	e, err := c.expr(x.Value, nil)
	if err != nil {
		return nil, err
	}
	return &waitStmt{x: e, until: x.Time}, nil
}

// ---------------------------------------------------------------------------
// TRY/CATCH, THROW, RAISERROR

func (c *compiler) tryCatch(x *tsql.TryCatchStmt) (stmt, error) {
	try, err := c.block(x.Try)
	if err != nil {
		return nil, err
	}
	c.catch++
	catch, err := c.block(x.Catch)
	c.catch--
	if err != nil {
		return nil, err
	}
	return &tryStmt{try: try, catch: catch}, nil
}

type throwStmt struct {
	num, msg, state *cexpr
}

func (t *throwStmt) exec(f *frame) (flow, error) {
	if t.num == nil {
		if len(f.s.caught) == 0 {
			return flowNext, sqlerr.New(10704, 15, 1, "To rethrow an error, a THROW statement must be used inside a CATCH block. Insert the THROW statement inside a CATCH block, or add error parameters to the THROW statement.")
		}
		orig := *f.s.caught[len(f.s.caught)-1]
		return flowNext, &withTerm{err: &orig, term: termBatch}
	}
	nv, err := t.num.eval(f, nil)
	if err != nil {
		return flowNext, err
	}
	mv, err := t.msg.eval(f, nil)
	if err != nil {
		return flowNext, err
	}
	sv, err := t.state.eval(f, nil)
	if err != nil {
		return flowNext, err
	}
	n, err := convert(nv, sqltype.TInt)
	if err != nil {
		return flowNext, err
	}
	if n.Int64() < 50000 {
		return flowNext, sqlerr.New(35100, 16, 10, "Error number %d in the THROW statement is outside the valid range. Specify an error number in the valid range of 50000 to 2147483647.", n.Int64())
	}
	st, err := convert(sv, sqltype.TInt)
	if err != nil {
		return flowNext, err
	}
	if st.Int64() < 0 || st.Int64() > 255 {
		return flowNext, sqlerr.New(35101, 16, 1, "State %d in the THROW statement is outside the valid range. Specify a state in the valid range of 0 to 255.", st.Int64())
	}
	e := sqlerr.New(int32(n.Int64()), 16, uint8(st.Int64()), "%s", printable(mv))
	return flowNext, &withTerm{err: e, term: termBatch}
}

func (c *compiler) throwStmt(x *tsql.ThrowStmt) (stmt, error) {
	if x.Number == nil {
		if c.catch == 0 {
			return nil, c.compileErr(sqlerr.New(10704, 15, 1, "To rethrow an error, a THROW statement must be used inside a CATCH block. Insert the THROW statement inside a CATCH block, or add error parameters to the THROW statement."), x.Pos)
		}
		return &throwStmt{}, nil
	}
	t := &throwStmt{}
	var err error
	if t.num, err = c.expr(x.Number, nil); err != nil {
		return nil, err
	}
	if t.msg, err = c.expr(x.Message, nil); err != nil {
		return nil, err
	}
	if t.state, err = c.expr(x.State, nil); err != nil {
		return nil, err
	}
	return t, nil
}
