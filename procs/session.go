package procs

import (
	"context"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/table"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// @@OPTIONS bits.
const (
	optImplicitTransactions = 2
	optCursorCloseOnCommit  = 4
	optAnsiWarnings         = 8
	optAnsiPadding          = 16
	optAnsiNulls            = 32
	optArithAbort           = 64
	optArithIgnore          = 128
	optQuotedIdentifier     = 256
	optNoCount              = 512
	optAnsiNullDfltOn       = 1024
	optAnsiNullDfltOff      = 2048
	optConcatNullYieldsNull = 4096
	optNumericRoundAbort    = 8192
	optXactAbort            = 16384
)

// odbcOptions are the session options a client that sets fODBC gets at
// login (ANSI_WARNINGS, ANSI_PADDING, ANSI_NULLS, QUOTED_IDENTIFIER,
// ANSI_NULL_DFLT_ON, CONCAT_NULL_YIELDS_NULL): @@OPTIONS = 5432.
const odbcOptions = optAnsiWarnings | optAnsiPadding | optAnsiNulls | optQuotedIdentifier |
	optAnsiNullDfltOn | optConcatNullYieldsNull

// Session is one connection's state; it implements tds.Session. Requests
// arrive one at a time, so the state needs no lock.
type Session struct {
	e     *Engine
	login *tds.Login
	spid  int

	origin    Principal   // the authenticated login
	principal Principal   // the current security context (EXECUTE AS)
	impStack  []Principal // EXECUTE AS contexts to REVERT to

	database      string
	language      string
	dateFirst     int
	dateFormat    sqltype.DateFormat
	options       int
	textSize      int
	rowCountLimit int64
	lockTimeout   int
	isolation     string

	// @@ globals that statements set.
	lastError     int32
	rowCount      int64
	fetchStatus   int32
	identity      sqltype.Value
	scopeIdentity sqltype.Value
	// nullWarn is set when an aggregate skipped a NULL (warning 8153 goes
	// out with the statement).
	nullWarn bool

	// temps are the session's #temp tables by lower-case name, innermost
	// procedure level last; identityInsert is the table SET
	// IDENTITY_INSERT is ON for.
	temps          map[string][]*userTable
	identityInsert *table.Table
	// cursors are the session's global cursors.
	cursors    map[string]*cursor
	cursorRows int64

	tran tranState

	prepared   map[int32]*prepared
	nextHandle int32
	// modules are the compiled forms of the texts run last (modcache.go).
	modules map[moduleKey]compiledText

	nesting int // procedure nesting level (@@NESTLEVEL)
	inRPC   bool

	// tryLevels holds, for each TRY block being run, the nesting level of
	// its module; caught holds the errors of the CATCH blocks being run
	// (ERROR_NUMBER() and friends read the innermost).
	tryLevels []int
	caught    []*sqlerr.Error

	benv any // built-in functions' view of the session (builtins.go)
}

func newSession(e *Engine, login *tds.Login, p Principal, db string) *Session {
	s := &Session{e: e, login: login, spid: int(login.SPID), origin: p, principal: p, temps: map[string][]*userTable{}}
	s.resetState(db)
	return s
}

// resetState puts the session options back to their login values.
func (s *Session) resetState(db string) {
	s.database = db
	s.language = "us_english"
	s.dateFirst = 7
	s.dateFormat = sqltype.DateMDY
	s.options = odbcOptions
	s.textSize = 2147483647
	s.rowCountLimit = 0
	s.lockTimeout = -1
	s.isolation = "READ COMMITTED"
	s.lastError = 0
	s.rowCount = 0
	s.fetchStatus = -1
	s.identity = sqltype.Null(sqltype.DecimalPS(38, 0))
	s.scopeIdentity = s.identity
	s.principal = s.origin
	s.impStack = nil
	s.prepared = map[int32]*prepared{}
	s.nextHandle = 0
	s.identityInsert = nil
}

func (s *Session) opt(bit int) bool { return s.options&bit != 0 }

func (s *Session) setOpt(bit int, on bool) {
	if on {
		s.options |= bit
	} else {
		s.options &^= bit
	}
}

// Reset implements tds.Session (RESETCONNECTION). The login's database
// comes back, options return to their login values, prepared handles go, and
// an open transaction is rolled back unless keepTransaction.
func (s *Session) Reset(ctx context.Context, keepTransaction bool) error {
	if !keepTransaction && s.tran.count > 0 {
		s.rollbackAll()
	}
	db := s.login.Database
	if db == "" {
		db = s.e.cat.DefaultDatabase(s.origin.Login())
	}
	if c, ok := s.e.cat.Database(db); ok {
		db = c
	} else {
		db = s.database
	}
	s.resetState(db)
	s.dropSessionTables()
	s.closeCursors()
	return nil
}

// Close implements tds.Session: an open transaction is rolled back.
func (s *Session) Close() {
	if s.tran.count > 0 {
		s.rollbackAll()
	}
	s.dropSessionTables()
	s.closeCursors()
}

// SPID is the session id (@@SPID).
func (s *Session) SPID() int { return s.spid }

// Database is the current database.
func (s *Session) Database() string { return s.database }

// useDatabase switches the current database (USE), sending ENVCHANGE and
// message 5701.
func (s *Session) useDatabase(name string, out *output) error {
	canon, ok := s.e.cat.Database(name)
	if !ok {
		return sqlerr.New(911, 16, 1, "Database '%s' does not exist. Make sure that the name is entered correctly.", name)
	}
	if s.principal.User(canon) == "" && !s.principal.IsSysadmin() {
		return sqlerr.New(916, 14, 2, "The server principal \"%s\" is not able to access the database \"%s\" under the current security context.", s.principal.Login(), canon)
	}
	old := s.database
	s.database = canon
	if err := out.w.EnvChange(tds.EnvChange{Type: tds.EnvDatabase, New: canon, Old: old}); err != nil {
		return err
	}
	return out.info(sqlerr.New(5701, 0, 1, "Changed database context to '%s'.", canon))
}
