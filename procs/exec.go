package procs

import (
	"context"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/table"
)

// flow is how a statement hands control back to its block.
type flow uint8

const (
	flowNext flow = iota
	flowBreak
	flowContinue
	flowReturn
	flowGoto
)

// stmt is a compiled statement.
type stmt interface {
	exec(f *frame) (flow, error)
}

// cstmt is a statement in a block with what error reporting needs.
type cstmt struct {
	s    stmt
	line int32
	// dml marks INSERT/UPDATE/DELETE: statement-ending errors add 3621.
	dml bool
	// cmd is the CurCmd of the DONE token sent when the statement fails.
	cmd uint16
}

// block is a compiled statement list with its labels.
type block struct {
	stmts  []cstmt
	labels map[string]int // label (lower case) -> index of the statement after it
}

// module is a compiled batch, procedure body or dynamic SQL text.
type module struct {
	name     string // procedure name for error tokens ("" for a batch)
	body     *block
	varNames []string
	varTypes []sqltype.Type
	// params are the frame slots of the procedure's parameters, in order.
	params []int
	// tableVars are the slots of table variables, with their definitions.
	tableVars map[int]*tableSpec
	// hasRethrow etc. are compile facts; none needed at run time yet.
}

// frame is one running module: its variables and where its output goes.
type frame struct {
	ctx   context.Context
	s     *Session
	out   *output
	mod   *module
	vars  []sqltype.Value
	level int // procedure nesting level: 0 for the batch

	// outer holds the rows of the enclosing queries while a correlated
	// subquery or the right side of an APPLY runs: a reference d scopes
	// out reads outer[len(outer)-d].
	outer []rows.Row
	// tvars are the module's table variables by slot, and cursors its
	// LOCAL cursors.
	tvars   map[int]*table.Table
	cursors map[string]*cursor

	ret       int32  // RETURN status
	gotoLabel string // target of a GOTO being unwound
	curLine   int32  // line of the statement running
}

func newFrame(ctx context.Context, s *Session, out *output, m *module, level int) *frame {
	f := &frame{ctx: ctx, s: s, out: out, mod: m, level: level, vars: make([]sqltype.Value, len(m.varTypes))}
	for i, t := range m.varTypes {
		f.vars[i] = sqltype.Null(t)
	}
	return f
}

// runBlock runs a block's statements, dispatching errors by SQL Server's
// rules (see handleError).
func (f *frame) runBlock(b *block) (flow, error) {
	for i := 0; i < len(b.stmts); i++ {
		if err := f.ctx.Err(); err != nil {
			return flowNext, context.Cause(f.ctx)
		}
		st := &b.stmts[i]
		f.curLine = st.line
		fl, err := st.s.exec(f)
		if err != nil {
			if err = f.handleError(st, err); err != nil {
				return flowNext, err
			}
			continue
		}
		switch fl {
		case flowNext:
		case flowGoto:
			if j, ok := b.labels[f.gotoLabel]; ok {
				f.gotoLabel = ""
				i = j - 1
				continue
			}
			return fl, nil
		default:
			return fl, nil
		}
	}
	return flowNext, nil
}

// handleError decides what a statement's error stops. It returns nil when
// the batch goes on with the next statement, or the error to unwind with:
// a *raised that is either on its way to a CATCH block (not yet sent) or
// already sent and ending the module, the batch or the connection.
func (f *frame) handleError(st *cstmt, err error) error {
	if r, ok := err.(*raised); ok {
		return r // already dispatched deeper down: keep unwinding
	}
	if f.ctx.Err() != nil {
		return err
	}
	se, term, isSQL := asSQLError(err)
	if !isSQL {
		f.s.e.log.Error("statement failed with an error that has no SQL Server number", "err", err, "proc", f.mod.name, "line", st.line)
	}
	se = f.locate(se, st.line)
	r := &raised{err: se, term: term, level: f.level}
	if rz, ok := err.(*raiserrorErr); ok {
		r.raiserror = true
		r.term = rz.term
	}
	if f.s.opt(optXactAbort) && !r.raiserror && r.term < termBatchRollback && se.Severity > 10 {
		r.term = termBatchRollback
	}
	if f.s.catchable(r) {
		if e := f.out.closeCaught(st.cmd); e != nil {
			return e
		}
		return r
	}
	// Reported to the client.
	if e := f.out.error(se); e != nil {
		return e
	}
	if st.dml && r.term == termStatement && dmlTerminated[se.Number] {
		if e := f.out.info(&sqlerr.Error{Number: 3621, Severity: 0, State: 1, Message: "The statement has been terminated.", Procedure: se.Procedure, Line: se.Line}); e != nil {
			return e
		}
	}
	f.s.lastError = se.Number
	if e := f.out.done(st.cmd, 0, false, true); e != nil {
		return e
	}
	if r.term == termStatement {
		return nil
	}
	r.sent = true
	return r
}

// locate fills in the procedure and line of an error raised in this frame,
// unless it already names them (binding errors carry the callee, line 0).
func (f *frame) locate(se *sqlerr.Error, line int32) *sqlerr.Error {
	if se.Procedure != "" || se.Line != 0 {
		return se
	}
	c := *se
	c.Procedure = f.mod.name
	c.Line = line
	return &c
}

// catchable reports whether a TRY block will take r: there is one on the
// dynamic stack, the error is an error (severity 11-19 here; 20+ close the
// connection), and it is not a deferred name resolution error at the TRY's
// own level.
func (s *Session) catchable(r *raised) bool {
	if len(s.tryLevels) == 0 || r.err.Severity <= 10 || r.term == termConnection {
		return false
	}
	if r.term == termScope && s.tryLevels[len(s.tryLevels)-1] == r.level {
		return false
	}
	return true
}

// raiserrorErr is a RAISERROR's error: it ignores XACT_ABORT and ends only
// the statement unless its severity closes the connection.
type raiserrorErr struct {
	err  *sqlerr.Error
	term termination
}

func (e *raiserrorErr) Error() string { return e.err.Error() }
func (e *raiserrorErr) Unwrap() error { return e.err }

// tryStmt is BEGIN TRY ... END TRY BEGIN CATCH ... END CATCH.
type tryStmt struct {
	try, catch *block
}

func (t *tryStmt) exec(f *frame) (flow, error) {
	s := f.s
	s.tryLevels = append(s.tryLevels, f.level)
	fl, err := f.runBlock(t.try)
	s.tryLevels = s.tryLevels[:len(s.tryLevels)-1]
	if err == nil {
		return fl, nil
	}
	r, ok := err.(*raised)
	if !ok || r.sent {
		return fl, err
	}
	// Caught: the error goes to CATCH instead of the client.
	if s.tran.count > 0 && (r.term >= termBatchRollback || (s.opt(optXactAbort) && !r.raiserror)) {
		s.tran.doomed = true
	}
	s.lastError = r.err.Number
	s.caught = append(s.caught, r.err)
	fl, err = f.runBlock(t.catch)
	s.caught = s.caught[:len(s.caught)-1]
	return fl, err
}

// runModule runs a compiled module to its end. It returns nil when the
// module ended normally or by RETURN, or by a scope-ending error that has
// been reported; a *raised otherwise.
func (f *frame) runModule() error {
	fl, err := f.runBlock(f.mod.body)
	_ = fl
	if r, ok := err.(*raised); ok && r.sent && r.term == termScope {
		return nil
	}
	return err
}
