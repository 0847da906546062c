package procs

import (
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// Extra CurCmd values for DONE tokens of statements tds has no constant for.
// The TDS layer does not interpret them; these are the values SQL Server
// uses for the statement classes.
const (
	cmdNone    uint16 = 0x00
	cmdSet     uint16 = 0xB9 // SET options and variables
	cmdPrint   uint16 = 0xA9
	cmdUse     uint16 = 0xBB
	cmdSave    uint16 = 0xD6
	cmdWaitfor uint16 = 0xC0
	cmdCond    uint16 = 0xC7
	cmdDDL     uint16 = 0xC6
)

// output is the writer of one request plus what decides the token shapes:
// whether we are inside a procedure (DONEINPROC instead of DONE) and whether
// a transaction is open (DONE_INXACT).
type output struct {
	w tds.ResultWriter
	s *Session
	// errors counts ERROR tokens sent during the request.
	errors int
	// capture, when set, takes the rows of result sets instead of the
	// client (INSERT ... EXEC).
	capture *captured
	// open is set while a statement's result set has been started
	// (COLMETADATA sent) and its DONE has not been.
	open bool
}

// columns starts a statement's result set.
func (o *output) columns(cols []tds.Column) error {
	o.open = true
	return o.w.Columns(cols)
}

// closeCaught ends the result set a statement had started when a CATCH
// block takes its error: the client gets no ERROR token, but the rows of
// that statement still end with their own DONE, so that the CATCH block's
// result sets are not read as more rows of it.
func (o *output) closeCaught(curCmd uint16) error {
	if !o.open {
		return nil
	}
	return o.done(curCmd, 0, false, false)
}

// done sends the completion token of one statement.
func (o *output) done(curCmd uint16, count int64, withCount, failed bool) error {
	o.open = false
	kind := tds.DoneStatement
	if o.s.nesting > 0 || o.s.inRPC {
		kind = tds.DoneInProc
	}
	var st uint16
	if withCount && !o.s.opt(optNoCount) {
		st |= tds.DoneCount
	} else {
		count = 0
	}
	if failed {
		st |= tds.DoneError
	}
	if o.s.tran.count > 0 {
		st |= tds.DoneInXact
	}
	return o.w.Done(tds.Done{Kind: kind, Status: st, CurCmd: curCmd, RowCount: uint64(count)})
}

// doneProc ends a procedure called at the top of a request.
func (o *output) doneProc(failed bool) error {
	var st uint16
	if failed {
		st |= tds.DoneError
	}
	if o.s.tran.count > 0 {
		st |= tds.DoneInXact
	}
	return o.w.Done(tds.Done{Kind: tds.DoneProc, Status: st, CurCmd: tds.CmdExecute})
}

// info sends an informational message.
func (o *output) info(e *sqlerr.Error) error {
	return o.w.Message(tds.Message{Number: e.Number, State: e.State, Class: e.Severity, Text: e.Message, Proc: e.Procedure, Line: e.Line})
}

// error sends an error message.
func (o *output) error(e *sqlerr.Error) error {
	if e.Severity > 10 {
		o.errors++
	}
	return o.w.Message(tds.Message{Number: e.Number, State: e.State, Class: e.Severity, Text: e.Message, Proc: e.Procedure, Line: e.Line})
}
