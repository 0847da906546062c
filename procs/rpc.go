package procs

import (
	"context"
	"slices"
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/proc"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/wire"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// cursorProcs names the cursor procedures by well-known id.
var cursorProcs = map[uint16]string{
	tds.ProcCursor: "sp_cursor", tds.ProcCursorOpen: "sp_cursoropen", tds.ProcCursorPrepare: "sp_cursorprepare",
	tds.ProcCursorExecute: "sp_cursorexecute", tds.ProcCursorPrepExec: "sp_cursorprepexec",
	tds.ProcCursorUnprepare: "sp_cursorunprepare", tds.ProcCursorFetch: "sp_cursorfetch",
	tds.ProcCursorOption: "sp_cursoroption", tds.ProcCursorClose: "sp_cursorclose",
	tds.ProcPrepExecRPC: "sp_prepexecrpc",
}

var wellKnown = map[uint16]string{
	tds.ProcExecuteSQL: "sp_executesql", tds.ProcPrepare: "sp_prepare", tds.ProcExecute: "sp_execute",
	tds.ProcPrepExec: "sp_prepexec", tds.ProcUnprepare: "sp_unprepare",
}

// RPC implements tds.Session: a remote procedure call by name or by
// well-known id. It answers like an EXEC: the procedure's results with
// DONEINPROC, then RETURNSTATUS, one RETURNVALUE per OUTPUT parameter in
// parameter order, and DONEPROC.
func (s *Session) RPC(ctx context.Context, req *tds.RPCRequest, w tds.ResultWriter) error {
	out := &output{w: w, s: s}
	s.inRPC = true
	defer func() { s.inRPC = false }()
	s.nesting = 0
	s.tryLevels = s.tryLevels[:0]
	s.caught = s.caught[:0]

	fail := func(e *sqlerr.Error) error {
		if err := out.error(e); err != nil {
			return err
		}
		s.lastError = e.Number
		return out.doneProc(true)
	}
	name := req.Name
	if req.ProcID != 0 {
		if n, ok := cursorProcs[req.ProcID]; ok {
			return fail(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", n))
		}
		if n, ok := wellKnown[req.ProcID]; ok {
			name = n
		}
	}
	pn := splitName(name)
	d, _, err := s.resolve(pn)
	if err != nil {
		se, _, _ := asSQLError(err)
		return fail(se)
	}
	args := make([]proc.Arg, len(req.Params))
	for i, p := range req.Params {
		v, err := wire.FromParam(p.Type, p.Value)
		if err != nil {
			return fail(sqlerr.New(8016, 16, 2, "The incoming tabular data stream (TDS) remote procedure call (RPC) protocol stream is incorrect. Parameter %d (\"%s\"): Data type 0x%02X is unknown.", i+1, p.Name, uint8(p.Type.ID)))
		}
		args[i] = proc.Arg{Name: p.Name, Value: v, Output: p.Output, Default: p.Default}
	}
	if req.ProcID != 0 || isWellKnown(d.Name) {
		// The leading parameters of sp_executesql and the prepare family go
		// by position whatever their names (tedious names sp_executesql's
		// @statement, FreeTDS names the handle): SQL Server reads them so.
		for i := 0; i < len(args) && i < len(d.Params); i++ {
			args[i].Name = ""
		}
	}
	top := newFrame(ctx, s, out, rpcModule, 0)
	res, err := s.call(top, d, args)
	if err != nil {
		if r, ok := err.(*raised); ok {
			if err := s.endBatch(ctx, r, out); err != nil {
				return err
			}
			return out.doneProc(true)
		}
		if ctx.Err() != nil {
			return s.endBatch(ctx, err, out)
		}
		se, term, _ := asSQLError(err)
		if e := fail(se); e != nil {
			return e
		}
		if term >= termBatchRollback {
			s.rollbackWithEnv(out)
		}
		return nil
	}
	if err := w.ReturnStatus(res.status); err != nil {
		return err
	}
	// RETURNVALUEs, in the order of the RPC's parameters.
	for i, p := range req.Params {
		if !p.Output {
			continue
		}
		var v sqltype.Value
		var t sqltype.Type
		found := false
		for pi, ai := range res.bound.OutArg {
			if ai == i {
				v, t, found = res.outs[pi], d.Params[pi].Type, true
				break
			}
		}
		if !found {
			for k, ai := range res.bound.ExtraArg {
				if ai == i && k < len(res.extraOut) {
					v, t, found = res.extraOut[k], res.extraType[k], true
					break
				}
			}
		}
		if !found {
			continue
		}
		pname := p.Name
		if pname == "" {
			if pi := rpcParamIndex(res.bound, i); pi >= 0 {
				pname = d.Params[pi].Name
			}
		}
		if t.Kind == sqltype.Unknown {
			t = v.Type()
		}
		if err := w.ReturnValue(tds.ReturnValue{Ordinal: uint16(i), Name: pname, Type: wire.TypeInfo(t), Value: wire.Value(t, v)}); err != nil {
			return err
		}
	}
	if err := s.endBatch(ctx, nil, out); err != nil {
		return err
	}
	return out.doneProc(res.failed)
}

func isWellKnown(name string) bool {
	for _, n := range wellKnown {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

func rpcParamIndex(b *proc.Bound, arg int) int {
	for pi, ai := range b.OutArg {
		if ai == arg {
			return pi
		}
	}
	return -1
}

// ---------------------------------------------------------------------------
// sp_executesql and prepared statements

// prepared is a statement prepared by sp_prepare/sp_prepexec.
type prepared struct {
	params string
	stmt   string
}

// parseParamDecls reads an sp_executesql/sp_prepare declaration list
// ("@a int, @b nvarchar(2) OUTPUT") into parameters.
func (e *Engine) parseParamDecls(decls string) ([]proc.Param, error) {
	if strings.TrimSpace(decls) == "" {
		return nil, nil
	}
	b, err := tsql.Parse("CREATE PROCEDURE p__ " + decls + " AS RETURN")
	if err != nil {
		return nil, sqlerr.New(102, 15, 1, "Incorrect syntax near '%s'.", strings.TrimSpace(decls))
	}
	cp, ok := b.Stmts[0].(*tsql.CreateProcedureStmt)
	if !ok {
		return nil, sqlerr.New(102, 15, 1, "Incorrect syntax near '%s'.", strings.TrimSpace(decls))
	}
	c := &compiler{e: e, mod: &module{}, vars: map[string]int{}}
	var out []proc.Param
	for _, p := range cp.Params {
		t, err := c.dataType(p.Typ, false)
		if err != nil {
			if d, ok := err.(*deferredErr); ok {
				return nil, d.err
			}
			return nil, err
		}
		pp := proc.Param{Name: p.Name, Type: t, Output: p.Output}
		if p.Default != nil {
			v, err := c.constValue(p.Default)
			if err == nil {
				pp.HasDefault, pp.Default = true, v
			}
		}
		out = append(out, pp)
	}
	return out, nil
}

// runDynamic runs T-SQL text one level down with bound parameters:
// sp_executesql, sp_execute, EXEC (@sql). Compile errors of the text are
// errors of this level (a TRY around the call catches them).
func (f *frame) runDynamic(text, decls string, params []proc.Param, args []proc.Arg, c *proc.Call) (int32, error) {
	s := f.s
	def := &proc.Def{Schema: "sys", Name: "sp_executesql", Params: params}
	var bound *proc.Bound
	if len(params) > 0 || len(args) > 0 {
		var berr *sqlerr.Error
		bound, berr = proc.Bind(def, args, bindConvert)
		if berr != nil {
			return 0, berr
		}
	}
	mod, err := s.compileDynamic(text, decls, params)
	if err != nil {
		return 0, err
	}
	defer s.saveScope()()
	df := newFrame(f.ctx, s, f.out, mod, f.level)
	if bound != nil {
		for i, slot := range mod.params {
			df.vars[slot] = bound.Values[i]
		}
	}
	err = df.runModule()
	if bound != nil && c != nil && slices.ContainsFunc(bound.OutArg, func(ai int) bool { return ai >= 0 }) {
		// Only OUTPUT arguments have values to return.
		c.ExtraOut = make([]sqltype.Value, len(args))
		for pi, ai := range bound.OutArg {
			if ai >= 0 {
				c.ExtraOut[ai] = df.vars[mod.params[pi]]
			}
		}
		c.ExtraTypes = make([]sqltype.Type, len(args))
		for pi, ai := range bound.OutArg {
			if ai >= 0 {
				c.ExtraTypes[ai] = params[pi].Type
			}
		}
	}
	return df.ret, err
}

func firstError(err error) error {
	if errs, ok := err.(tsql.Errors); ok && len(errs) > 0 {
		return errs[0]
	}
	return err
}

func spExecuteSQL(f *frame, c *proc.Call, extra []proc.Arg) (int32, error) {
	stmt := c.Args[0]
	if stmt.IsNull() {
		return 0, nil
	}
	return f.runDeclared(printable(stmt), printable(c.Args[1]), extra, c)
}

// runDeclared runs stmt with the parameters declared in decls (the @params
// text of sp_executesql and of a prepared statement) bound from extra.
func (f *frame) runDeclared(stmt, decls string, extra []proc.Arg, c *proc.Call) (int32, error) {
	params, err := f.s.paramDecls(decls)
	if err != nil {
		return 0, err
	}
	_, err = f.runDynamic(stmt, decls, params, extra, c)
	return 0, err
}

func spPrepare(f *frame, c *proc.Call, _ []proc.Arg) (int32, error) {
	s := f.s
	s.nextHandle++
	h := s.nextHandle
	s.prepared[h] = &prepared{params: printable(c.Args[1]), stmt: printable(c.Args[2])}
	c.Out[0] = sqltype.NewInt(int64(h))
	return 0, nil
}

func spExecute(f *frame, c *proc.Call, extra []proc.Arg) (int32, error) {
	h := int32(c.Args[0].Int64())
	p, ok := f.s.prepared[h]
	if !ok {
		return 0, sqlerr.New(8179, 16, 2, "Could not find prepared statement with handle %d.", h)
	}
	return f.runDeclared(p.stmt, p.params, extra, c)
}

func spPrepExec(f *frame, c *proc.Call, extra []proc.Arg) (int32, error) {
	if _, err := spPrepare(f, c, nil); err != nil {
		return 0, err
	}
	h := int32(c.Out[0].Int64())
	p := f.s.prepared[h]
	return f.runDeclared(p.stmt, p.params, extra, c)
}

func spUnprepare(f *frame, c *proc.Call, _ []proc.Arg) (int32, error) {
	delete(f.s.prepared, int32(c.Args[0].Int64()))
	return 0, nil
}

// execString is EXEC (@sql): the text runs one level down, without
// parameters.
type execStringStmt struct {
	parts []*cexpr
}

func (c *compiler) execString(x *tsql.ExecStringStmt) (stmt, error) {
	if x.AsKind != "" {
		return nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", "EXEC ... AS "+x.AsKind))
	}
	parts, err := c.exprs(x.Parts, nil)
	if err != nil {
		return nil, err
	}
	return &execStringStmt{parts: parts}, nil
}

func (x *execStringStmt) exec(f *frame) (flow, error) {
	var b strings.Builder
	for _, p := range x.parts {
		v, err := p.eval(f, nil)
		if err != nil {
			return flowNext, err
		}
		b.WriteString(printable(v))
	}
	s := f.s
	if s.nesting >= maxNesting {
		return flowNext, sqlerr.New(217, 16, 1, "Maximum stored procedure, function, trigger, or view nesting level exceeded (limit %d).", maxNesting)
	}
	keep := s.rowCount
	s.nesting++
	df := &frame{ctx: f.ctx, s: s, out: f.out, mod: f.mod, level: s.nesting}
	_, err := df.runDynamic(b.String(), "", nil, nil, nil)
	s.nesting--
	if r, ok := err.(*raised); ok && r.sent && r.term == termScope {
		err = nil
	}
	if err != nil {
		return flowNext, err
	}
	s.rowCount = keep
	return flowNext, nil
}
