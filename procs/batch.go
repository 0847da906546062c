package procs

import (
	"context"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// doneCounter notes whether tokens went out after the last DONE-family
// token, so a request always ends with a DONE.
type doneCounter struct {
	tds.ResultWriter
	n    int // DONE tokens
	tail int // tokens after the last DONE
}

func (d *doneCounter) Done(x tds.Done) error {
	d.n++
	d.tail = 0
	return d.ResultWriter.Done(x)
}

func (d *doneCounter) Columns(c []tds.Column) error {
	d.tail++
	return d.ResultWriter.Columns(c)
}

func (d *doneCounter) Row(v []any) error {
	d.tail++
	return d.ResultWriter.Row(v)
}

func (d *doneCounter) Message(m tds.Message) error {
	d.tail++
	return d.ResultWriter.Message(m)
}

func (d *doneCounter) EnvChange(c tds.EnvChange) error {
	d.tail++
	return d.ResultWriter.EnvChange(c)
}

func (d *doneCounter) ReturnStatus(s int32) error {
	d.tail++
	return d.ResultWriter.ReturnStatus(s)
}

// Batch implements tds.Session: parse, compile, run.
func (s *Session) Batch(ctx context.Context, sql string, w tds.ResultWriter) (err error) {
	dc := &doneCounter{ResultWriter: w}
	out := &output{w: dc, s: s}
	s.inRPC = false
	s.nesting = 0
	s.tryLevels = s.tryLevels[:0]
	s.caught = s.caught[:0]
	err = s.runText(ctx, sql, out)
	if err == nil && (dc.n == 0 || dc.tail > 0) {
		err = w.Done(tds.Done{Kind: tds.DoneStatement, Status: doneStatus(out.errors > 0, s.tran.count > 0)})
	}
	return err
}

// runText runs a batch's text at the top level and applies the end-of-batch
// rules (rollback after batch-aborting errors, 3998 for an uncommittable
// transaction).
func (s *Session) runText(ctx context.Context, sql string, out *output) error {
	mod, perr := s.compileBatch(sql)
	if perr != nil {
		return s.sendCompileErrors(perr, out)
	}
	f := newFrame(ctx, s, out, mod, 0)
	err := f.runModule()
	return s.endBatch(ctx, err, out)
}

// sendCompileErrors reports errors that rejected a whole batch.
func (s *Session) sendCompileErrors(err error, out *output) error {
	var list []*sqlerr.Error
	switch e := err.(type) {
	case tsql.Errors:
		list = e
	default:
		se, _, _ := asSQLError(err)
		list = []*sqlerr.Error{se}
	}
	for _, e := range list {
		if werr := out.error(e); werr != nil {
			return werr
		}
	}
	s.lastError = list[len(list)-1].Number
	return out.done(cmdNone, 0, false, true)
}

// endBatch applies what the batch's ending error means.
func (s *Session) endBatch(ctx context.Context, err error, out *output) error {
	fatal := false
	if err != nil {
		switch r := err.(type) {
		case *raised:
			switch r.term {
			case termBatchRollback:
				s.rollbackWithEnv(out)
			case termConnection:
				s.rollbackWithEnv(out)
				fatal = true
			}
			if !r.sent {
				// Should not happen (nothing to catch it at the top); report it.
				_ = out.error(r.err)
			}
		default:
			if ctx.Err() != nil {
				// ATTENTION: the wire answers with DONE_ATTN; the transaction stays
				// (as SQL Server leaves it without XACT_ABORT).
				if s.opt(optXactAbort) {
					s.rollbackWithEnv(out)
				}
				return nil
			}
			return err
		}
	}
	if s.tran.count > 0 && s.tran.doomed {
		s.rollbackWithEnv(out)
		e := sqlerr.New(3998, 16, 1, "Uncommittable transaction is detected at the end of the batch. The transaction is rolled back.")
		if werr := out.error(e); werr != nil {
			return werr
		}
	}
	if fatal {
		return errFatal
	}
	return nil
}
