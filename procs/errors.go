package procs

import (
	"errors"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
)

// termination is what a runtime error stops (sqlserver-behaviour.md §2e).
type termination uint8

const (
	// termStatement ends the statement; the batch goes on, the transaction
	// survives, @@ERROR is set.
	termStatement termination = iota
	// termScope ends the current module (the procedure or the batch); the
	// caller goes on. Deferred name resolution errors (208, 207, ...) do this.
	termScope
	// termBatch ends the batch; the transaction is left as it is (THROW).
	termBatch
	// termBatchRollback ends the batch and rolls the transaction back.
	termBatchRollback
	// termConnection closes the connection (severity 20 and up).
	termConnection
)

// batchRollbackErrors abort the batch and roll back the transaction even
// with XACT_ABORT OFF.
var batchRollbackErrors = map[int32]bool{
	217: true, 219: true, 241: true, 245: true, 293: true, 556: true, 1505: true, 1765: true, 1768: true,
	1946: true, 3609: true, 3728: true, 3729: true, 4708: true, 4712: true, 4901: true, 4920: true,
	8106: true, 8107: true, 8169: true, 10610: true,
	11700: true, 11701: true, 11702: true, 11703: true, 11704: true, 11705: true, 11706: true, 11707: true, 11708: true,
}

// scopeErrors are the deferred name resolution errors: they end the module
// they happen in and are not caught by a TRY at the same level.
// The query errors SQL Server finds while compiling a statement (a
// misplaced aggregate or window function, a bad ORDER BY, a derived table
// without column names ...) behave the same way here, where queries are
// compiled when they run.
var scopeErrors = map[int32]bool{208: true, 207: true, 209: true, 4104: true, 2715: true,
	8120: true, 8121: true, 8127: true, 4108: true, 4109: true, 4112: true, 4113: true, 147: true, 144: true, 130: true, 157: true,
	1033: true, 145: true, 104: true, 107: true, 108: true, 116: true, 205: true, 1011: true, 1013: true,
	8155: true, 8156: true, 8158: true, 8159: true, 263: true, 1062: true, 10741: true, 246: true, 252: true, 240: true,
	1087: true}

// dmlTerminated are the errors after which SQL Server adds 3621 "The
// statement has been terminated." when they end a DML statement.
var dmlTerminated = map[int32]bool{
	515: true, 547: true, 2601: true, 2627: true, 8152: true, 2628: true, 8115: true, 8134: true, 220: true, 512: true,
}

// raised is an error travelling up the statement tree.
type raised struct {
	err  *sqlerr.Error
	term termination
	// level is the procedure nesting level where it was raised; scope errors
	// are not caught by a TRY at the same level.
	level int
	// sent means it has already been reported to the client and handled;
	// it only unwinds.
	sent bool
	// raiserror errors ignore XACT_ABORT.
	raiserror bool
}

func (r *raised) Error() string { return r.err.Error() }

// withTerm attaches an explicit termination to an error at the point where
// it is created (for numbers whose effect depends on where they happen, as
// 8114 on an EXEC argument versus inside an expression).
type withTerm struct {
	err  *sqlerr.Error
	term termination
}

func (w *withTerm) Error() string { return w.err.Error() }
func (w *withTerm) Unwrap() error { return w.err }

// classify returns what err terminates.
func classify(e *sqlerr.Error) termination {
	switch {
	case e.Severity >= 20:
		return termConnection
	case batchRollbackErrors[e.Number]:
		return termBatchRollback
	case scopeErrors[e.Number]:
		return termScope
	}
	return termStatement
}

// errFatal is returned by the session to make the wire close the connection.
var errFatal = errors.New("procs: connection terminated by a fatal error")

// asSQLError turns any error into a SQL error: a Go error that is not one
// becomes a severity 16 error 50000 with its text (it should not happen; it
// is logged).
func asSQLError(err error) (*sqlerr.Error, termination, bool) {
	var wt *withTerm
	if errors.As(err, &wt) {
		return wt.err, wt.term, true
	}
	if se, ok := sqlerr.As(err); ok {
		return se, classify(se), true
	}
	return sqlerr.New(50000, 16, 1, "%s", err.Error()), termStatement, false
}
