// Package catalog is the SSISDB catalog: its state (folders, projects and
// their packages and parameters, environments, operations and executions,
// messages, principals, roles and object permissions) and the rules of the
// catalog.* procedures, as Go methods with SQL Server's validation order,
// error numbers, states and texts (reference ssisdb-catalog.md).
//
// Ownership and locking: one Catalog owns all state behind one RWMutex.
// Every exported method takes the lock for its whole run and releases it
// before returning; nothing calls out (to the Scale Out master, the runner
// or a row-scan callback) while holding it. So each call is atomic, and the
// master may call the Sink methods from any goroutine.
//
// Transactions: a method that mutates takes a *Tx (nil for autocommit) and
// records an undo step per change; Tx.Rollback replays them backwards.
// Isolation differs from SQL Server's locking: changes are visible to other
// sessions at once (read uncommitted), nothing blocks on another session's
// open transaction, and identity values are not reused after a rollback
// (as in SQL Server). Work handed to the Scale Out master (jobs, started
// runs, cancellations) is not undone.
//
// Durability: with a Journal attached (SetJournal; package catalog/store),
// each mutation marks what it changed, and a method called in autocommit
// returns only once its changes are durable; inside a Tx they are recorded
// at Commit and never if rolled back. What the master reports through the
// Sink is recorded as it arrives; a SYNCHRONIZED start_execution waits for
// it to be durable before it returns (journal.go).
package catalog

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/ispac"
)

// Options configure a Catalog.
type Options struct {
	Clock  clock.Clock  // default clock.Real()
	Logger *slog.Logger // default discards
	// Master runs executions (Scale Out and local). Nil means an inert
	// master that records jobs and workers but runs nothing.
	Master Master
	// Strict refuses SQL-authenticated callers with 27123, as a real
	// catalog does. The default lets them through, as Azure-SSIS does.
	Strict bool
	// ServerName and MachineName are SERVERPROPERTY('servername') and
	// ('machinename'); default "EMULATOR".
	ServerName  string
	MachineName string
	// BulkDirs are the host directories OPENROWSET(BULK) may read from.
	BulkDirs []string
	// Logins are created at start (and again after Reset).
	Logins []LoginSpec
	// NewUUID makes GUIDs (operation_guid, SIDs); default uuid.New.
	NewUUID func() uuid.UUID
	// Limits bound .ispac parsing; zero means ispac.DefaultLimits().
	Limits ispac.Limits
}

// LoginSpec describes a login to create at start.
type LoginSpec struct {
	Name     string // "sa", "ci", or `DOMAIN\name` for a Windows-style login
	Password string
	Windows  bool     // a Windows-style login (type U); it may log in with Password
	Sysadmin bool     // member of the sysadmin server role
	Roles    []string // SSISDB database roles, e.g. "ssis_admin"; implies an SSISDB user
	Disabled bool     // created disabled, as after ALTER LOGIN ... DISABLE (also after a reset or a restart)
}

// Catalog is the SSISDB catalog.
type Catalog struct {
	mu     sync.RWMutex
	clk    clock.Clock
	log    *slog.Logger
	master Master
	opts   Options
	st     *State
	// changed is closed and replaced whenever an operation's status
	// changes, to wake WaitFinal callers.
	changed chan struct{}
	// journal, when set, makes changes durable (journal.go); trk holds the
	// marks not recorded yet and lastTicket the newest Record's ticket.
	journal    Journal
	trk        *tracker
	lastTicket uint64
}

// New returns a catalog with the four databases, the built-in principals
// and the configured logins.
func New(opts Options) *Catalog {
	if opts.Clock == nil {
		opts.Clock = clock.Real()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.ServerName == "" {
		opts.ServerName = "EMULATOR"
	}
	if opts.MachineName == "" {
		opts.MachineName = opts.ServerName
	}
	if opts.NewUUID == nil {
		opts.NewUUID = uuid.New
	}
	if opts.Limits == (ispac.Limits{}) {
		opts.Limits = ispac.DefaultLimits()
	}
	c := &Catalog{clk: opts.Clock, log: opts.Logger, opts: opts, changed: make(chan struct{}), trk: &tracker{}}
	if opts.Master == nil {
		c.master = newInertMaster(c)
	} else {
		c.master = opts.Master
	}
	c.st = c.newState()
	return c
}

// Strict reports whether SQL-authenticated callers are refused (27123).
func (c *Catalog) Strict() bool { return c.opts.Strict }

// SetMaster replaces the master; cmd wires the real one after both exist.
func (c *Catalog) SetMaster(m Master) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.master = m
}

func (c *Catalog) now() time.Time { return c.clk.Now() }

// notify wakes status waiters; call with the write lock held.
func (c *Catalog) notify() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Tx is a session's open transaction as the catalog sees it: the undo log
// of the catalog changes made inside it, and (with a journal) what they
// touched, recorded at Commit.
type Tx struct {
	c    *Catalog
	undo []func()
	ch   *Changes
}

// Begin starts a transaction.
func (c *Catalog) Begin() *Tx { return &Tx{c: c} }

// Commit keeps the changes. With a journal it returns when they are
// durable; a storage failure is error 9001.
func (t *Tx) Commit() error {
	if t == nil {
		return nil
	}
	t.c.mu.Lock()
	t.undo = nil
	if t.ch != nil {
		t.c.trk.pending.merge(t.ch)
		t.ch = nil
	}
	var err error
	t.c.release(&err)
	return err
}

// Rollback undoes every change made in the transaction.
func (t *Tx) Rollback() { t.RollbackTo(0) }

// Savepoint marks the current point (SAVE TRANSACTION).
func (t *Tx) Savepoint() int {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	return len(t.undo)
}

// RollbackTo undoes the changes made after savepoint sp.
func (t *Tx) RollbackTo(sp int) {
	if t == nil {
		return
	}
	t.c.mu.Lock()
	for i := len(t.undo) - 1; i >= sp; i-- {
		t.undo[i]()
	}
	t.undo = t.undo[:sp]
	t.c.notify()
	if sp == 0 && t.ch != nil {
		// Write back what the undo restored: disk then matches memory even
		// where an autocommit call wrote a change of this transaction
		// (reads are uncommitted). Nothing the transaction did is kept.
		t.c.trk.pending.merge(t.ch)
		t.ch = nil
	}
	t.c.release(nil)
}

// record adds an undo step; call with the write lock held.
func (t *Tx) record(f func()) {
	if t != nil {
		t.undo = append(t.undo, f)
	}
}

// Reset empties the catalog (folders, projects, environments, operations,
// permissions, principals back to the configured ones). Scale Out workers
// live in the master and are not touched.
func (c *Catalog) Reset(ctx context.Context) {
	c.mu.Lock()
	defer c.release(nil)
	c.st = c.newState()
	c.st.changes(nil).all()
	c.notify()
}

// ReadState calls f with the state under the read lock, for the
// persistence layer to save it. f must not change it or keep it.
func (c *Catalog) ReadState(f func(*State)) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	f(c.st)
}

// LoadState replaces the state with one loaded by the persistence layer;
// call Startup afterwards, as SQL Server runs catalog.startup. The
// configured logins (Options.Logins) are applied on top: a login the
// configuration defines gets its password and roles from it at every start.
// OperationOrder and the execution counts are rebuilt from the operations.
func (c *Catalog) LoadState(st *State) error {
	c.mu.Lock()
	var err error
	defer c.release(&err)
	st.trk = c.trk
	st.indexLoaded()
	for _, op := range st.Operations {
		if op.Exec != nil {
			op.Exec.reindex()
		}
	}
	c.st = st
	if len(c.opts.Logins) > 0 {
		now := c.now()
		for _, spec := range c.opts.Logins {
			c.applyLoginSpec(st, spec, now)
		}
		st.PrincipalGen++
		st.changes(nil).principals()
	}
	c.notify()
	return err
}
