// Package procs is the T-SQL engine: it implements tds.Handler and
// tds.Session and turns a batch or an RPC into results.
//
// A request runs in three steps. The batch text is parsed (procs/tsql) and
// compiled once into closures: variables become frame slots, expressions
// become functions, and compile errors (102, 137, 134, 119, 2747, 10704)
// reject the whole batch before anything runs. The compiled statements then
// run against the session's state (current database, SET options,
// @@ERROR/@@ROWCOUNT, the transaction, the security context); each runtime
// error is created with its number where it happens, and what it stops (the
// statement, the batch and the transaction, or the connection) follows SQL
// Server's rules in errors.go. Results stream back through tds.ResultWriter:
// one DONE per statement, DONEINPROC inside procedures, RETURNSTATUS,
// RETURNVALUEs and DONEPROC at the end of an RPC.
//
// Procedures are data (package procs/proc): built-in ones (system
// procedures here, catalog.* in procs/ssisdb) and user procedures created
// with CREATE PROCEDURE share one argument binder. Queries over row sources
// live in procs/query.
//
// # Queries and tables
//
// A query is planned when its statement runs (deferred name resolution:
// the tables it names may come from a CREATE TABLE earlier in the batch)
// into procs/query nodes: scans and key seeks over row sources (the
// catalog's views, the sys and INFORMATION_SCHEMA views, user tables),
// hash, index and nested-loop joins, APPLY, aggregates, window functions,
// set operations, sorts and limits; expressions become closures over the
// row (plan.go, from.go). Correlated subqueries read the enclosing row
// from the frame's outer stack (subquery.go). User tables, #temp and
// ##global temp tables and table variables are stored in procs/table
// (tables.go, dml.go); cursors keep the rows OPEN read (cursor.go).
package procs

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/proc"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// Config configures an Engine.
type Config struct {
	Catalog Catalog      // nil: a built-in catalog with the system databases only
	Clock   clock.Clock  // nil: the real clock
	Logger  *slog.Logger // nil: discard
	// Procs are extra built-in procedures (catalog.*, emulator.*), usually
	// from procs/ssisdb.
	Procs []*proc.Def
	// ServerName is @@SERVERNAME and SERVERPROPERTY('ServerName').
	ServerName string
	// MachineName is SERVERPROPERTY('MachineName').
	MachineName string
	// ScanAllColumns turns off projection pushdown: scans of the catalog's
	// views build every column, whatever the query reads. For comparing
	// results and costs with and without it.
	ScanAllColumns bool
}

// Engine is the T-SQL engine shared by all sessions; it implements
// tds.Handler.
type Engine struct {
	cat    Catalog
	clk    clock.Clock
	log    *slog.Logger
	server string
	mach   string
	// scanAll is Config.ScanAllColumns.
	scanAll bool

	builtins map[procKey]*proc.Def

	mu    sync.RWMutex
	procs map[procKey]*userProc // user procedures by database/schema/name

	objectIDs atomic.Int32
	started   time.Time // creation time of the catalog's own objects

	// tables are the permanent and ##global temp tables.
	tables tableStore
	// funcs is the registry of built-in scalar functions (procs/builtin).
	funcs func(name string) fnCompiler
	// builtinMods holds the module of each built-in procedure's frame
	// (bodyless), made once instead of on every call.
	builtinMods sync.Map
}

// rpcModule is the module of an RPC's top-level frame, which runs no
// statements of its own. Modules are not changed by running them, so one
// serves every call.
var rpcModule = &module{body: &block{}}

// bodyless returns the module of a built-in procedure's frame: no
// statements, named after the procedure for its errors.
func (e *Engine) bodyless(d *proc.Def) *module {
	if m, ok := e.builtinMods.Load(d); ok {
		return m.(*module)
	}
	m, _ := e.builtinMods.LoadOrStore(d, &module{name: d.QualifiedName(), body: &block{}})
	return m.(*module)
}

// defaultFuncs is the built-in function registry the engine uses; set by
// builtins.go, which binds procs/builtin.
var defaultFuncs func(name string) fnCompiler

// builtinFunc looks a scalar function up in the built-in registry.
func (e *Engine) builtinFunc(name string) fnCompiler {
	if e.funcs == nil {
		return nil
	}
	return e.funcs(name)
}

// procKey names a procedure: database ("" for a system procedure found from
// any database), schema and name, all lower case.
type procKey struct{ db, schema, name string }

func keyOf(db, schema, name string) procKey {
	return procKey{strings.ToLower(db), strings.ToLower(schema), strings.ToLower(name)}
}

// New returns an engine.
func New(cfg Config) *Engine {
	e := &Engine{
		cat:      cfg.Catalog,
		clk:      cfg.Clock,
		log:      cfg.Logger,
		server:   cfg.ServerName,
		mach:     cfg.MachineName,
		scanAll:  cfg.ScanAllColumns,
		builtins: map[procKey]*proc.Def{},
		procs:    map[procKey]*userProc{},
	}
	if e.cat == nil {
		e.cat = memCatalog{}
	}
	if e.clk == nil {
		e.clk = clock.Real()
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.server == "" {
		e.server = "SSISDB-EMULATOR"
	}
	if e.mach == "" {
		e.mach = e.server
	}
	e.started = e.clk.Now()
	e.funcs = defaultFuncs
	for _, d := range systemProcs() {
		e.Register(d)
	}
	for _, d := range cfg.Procs {
		e.Register(d)
	}
	return e
}

// Register adds a built-in procedure. A Def with an empty Database is found
// from every database (as sp_* system procedures are).
func (e *Engine) Register(d *proc.Def) {
	e.builtins[keyOf(d.Database, d.Schema, d.Name)] = d
}

// Open implements tds.Handler.
func (e *Engine) Open(ctx context.Context, login *tds.Login) (tds.Session, *tds.LoginResult, error) {
	p, err := e.cat.Principal(ctx, login.UserName)
	if err != nil {
		return nil, nil, toMessage(err)
	}
	db := login.Database
	if db == "" {
		db = e.cat.DefaultDatabase(login.UserName)
	}
	canon, ok := e.cat.Database(db)
	if !ok {
		// The name is used verbatim, brackets and quotes included.
		return nil, nil, &tds.Message{Number: 4060, Class: 11, State: 1,
			Text: "Cannot open database \"" + login.Database + "\" requested by the login. The login failed."}
	}
	s := newSession(e, login, p, canon)
	return s, &tds.LoginResult{Database: canon, Language: "us_english"}, nil
}

func toMessage(err error) *tds.Message {
	if se, ok := sqlerr.As(err); ok {
		return &tds.Message{Number: se.Number, Class: se.Severity, State: se.State, Text: se.Message, Proc: se.Procedure, Line: se.Line}
	}
	return &tds.Message{Number: 18456, Class: 14, State: 1, Text: err.Error()}
}
