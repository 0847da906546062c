// Package store keeps the SSISDB catalog and the Scale Out master's state
// in a data directory, so that they survive restarts and kill -9. It is the
// catalog's Journal: the catalog names what each call changed (dirty keys
// per kind of object), the store encodes those objects while the catalog's
// lock is held, and one writer goroutine writes them to SQLite
// (modernc.org/sqlite, pure Go) in WAL mode with synchronous=FULL.
//
// # Files
//
// The directory holds ssisdb.db (with its -wal and -shm files while open)
// and ssisdb.lock, which an open Store holds under an exclusive advisory
// lock: a second emulator on the same directory is refused, and the kernel
// drops the lock when the process dies.
//
// # Durability
//
// Record only copies what changed and queues it; Prepare (or Wait) encodes
// it in the caller's goroutine once the catalog's lock is released; Wait
// returns when the ticket is committed. The writer takes every queued
// change set at once into one SQLite transaction (group commit): with many
// sessions, one fsync covers many calls, and rows go in as multi-row
// INSERTs. A call that changed nothing records nothing. A write is a row
// per changed object (JSON), never the whole state, so the cost of a call
// does not grow with the number of executions kept. Messages are
// append-only rows.
//
// After a storage failure every later Wait fails with it: the catalog
// turns that into error 9001 and nothing is reported as done that would
// not survive a crash. Restart the emulator once the disk is fixed.
//
// # Tables (schema version 1)
//
//	schema_version(version)
//	folders, projects, environments, env_references, operations (id, data)
//	project_streams(project_id, stream)      the .ispac of the project's current version
//	project_version_streams(project_id, lsn, stream)
//	                                         the .ispac of each kept version (object_versions)
//	messages(operation_id, seq, data)        operation_messages, in order
//	permissions(object_type, object_id, data)
//	settings(name, data)                     sequences, catalog_properties, master_properties,
//	                                         logging_levels, principals
//	workers(id, data)                        the Scale Out master's worker agents
//	jobs(execution_id, data)                 an execution's Scale Out job and task
//
// A kept version's .ispac is written once, when the version appears, and
// deleted when the version is dropped; the project's record holds only the
// versions' metadata, so a parameter change does not rewrite megabytes of
// kept versions. The current version's .ispac is in both project_streams
// and project_version_streams: an emulator built before the version table
// existed reads the file too, with every current version intact.
//
// project_version_streams was added without a new schema version: Open
// creates it when it is missing, and an older build, which does not know
// it, still opens the file (restore_project of an older version then fails
// there with 27179). Records written before it existed keep their
// versions' .ispac inline (base64); Load reads them, and the project's
// next write moves them to the table.
package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
)

// File names inside the data directory.
const (
	DBFile   = "ssisdb.db"
	LockFile = "ssisdb.lock"
)

// SchemaVersion is the version of the tables this build writes. A data
// directory with a higher version was written by a newer emulator and is
// refused.
const SchemaVersion = 1

// ErrClosed is what Wait returns for changes recorded after Close.
var ErrClosed = errors.New("store: closed")

// LockedError: another running emulator holds the data directory.
type LockedError struct {
	Dir string
	PID int // 0 when the lock file does not say
}

func (e *LockedError) Error() string {
	who := "another running emulator"
	if e.PID > 0 {
		who += fmt.Sprintf(" (process %d)", e.PID)
	}
	return fmt.Sprintf("data directory %s is in use by %s; stop it or choose another data directory", e.Dir, who)
}

// VersionError: the data directory was written by a newer emulator.
type VersionError struct {
	Dir             string
	Found, Readable int
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("data directory %s was written by a newer version of the emulator (schema version %d; this build reads up to %d); upgrade the emulator or choose another data directory",
		e.Dir, e.Found, e.Readable)
}

// Options configure Open.
type Options struct {
	Logger *slog.Logger // default discards
}

// Store is an open data directory. It implements catalog.Journal.
type Store struct {
	dir   string
	db    *sql.DB
	lock  *os.File
	log   *slog.Logger
	empty bool
	stmts stmtSet

	mu         sync.Mutex
	cond       *sync.Cond // signals the writer and the waiters
	queue      []*batch
	ticket     uint64 // the last ticket handed out
	durable    uint64 // every ticket up to this one is committed
	err        error  // sticky: the first failure (or ErrClosed)
	closing    bool
	done       chan struct{}
	unwritten  map[uint64]*batch // queued or being written, by ticket
	rowsQueued atomic.Uint64     // row operations recorded, for tests and metrics
	// streams remembers which version's .ispac each project has on disk,
	// so that a parameter change does not rewrite the stream.
	streams map[int64]int64
	// kept remembers the LSNs of each project's rows in
	// project_version_streams, so that only added and dropped versions are
	// written.
	kept map[int64][]int64
}

var _ catalog.Journal = (*Store)(nil)

// Open opens (creating if needed) the data directory dir: it takes the
// lock, opens or creates the database and checks its schema version.
func Open(dir string, opts Options) (*Store, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if strings.ContainsAny(dir, "?#") {
		return nil, fmt.Errorf("data directory %s: the path may not contain ? or #", dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	lf, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	held, err := lockFile(lf)
	if err != nil {
		lf.Close()
		return nil, fmt.Errorf("data directory %s: cannot lock %s: %w", dir, LockFile, err)
	}
	if held {
		buf := make([]byte, 32)
		n, _ := lf.ReadAt(buf, 0)
		pid, _ := strconv.Atoi(strings.TrimSpace(string(buf[:n])))
		lf.Close()
		return nil, &LockedError{Dir: dir, PID: pid}
	}
	if err := lf.Truncate(0); err == nil {
		_, _ = lf.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	s := &Store{dir: dir, lock: lf, log: opts.Logger, done: make(chan struct{}), streams: map[int64]int64{}, kept: map[int64][]int64{}, unwritten: map[uint64]*batch{}}
	s.cond = sync.NewCond(&s.mu)
	if err := s.openDB(); err != nil {
		if s.db != nil {
			s.db.Close()
		}
		_ = unlockFile(lf)
		lf.Close()
		return nil, err
	}
	go s.run()
	return s, nil
}

func (s *Store) openDB() error {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", filepath.Join(s.dir, DBFile)+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("data directory %s: %w", s.dir, err)
	}
	// One connection: one writer, and the per-connection pragmas hold.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	s.db = db
	fail := func(err error) error { return fmt.Errorf("data directory %s: %s: %w", s.dir, DBFile, err) }
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		return fail(err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fail(fmt.Errorf("journal mode is %s, not wal", mode))
	}
	version, err := s.schemaVersion()
	if err != nil {
		return fail(err)
	}
	switch {
	case version > SchemaVersion:
		return &VersionError{Dir: s.dir, Found: version, Readable: SchemaVersion}
	case version == 0:
		if err := s.createSchema(); err != nil {
			return fail(err)
		}
	}
	if _, err := db.Exec(versionStreams); err != nil {
		return fail(err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM settings WHERE name = 'sequences'`).Scan(&n); err != nil {
		return fail(err)
	}
	s.empty = n == 0
	if err := s.stmts.prepare(db); err != nil {
		return fail(err)
	}
	return nil
}

// schemaVersion is 0 for a database without our tables.
func (s *Store) schemaVersion() (int, error) {
	var name string
	err := s.db.QueryRow(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'`).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var v sql.NullInt64
	if err := s.db.QueryRow(`SELECT max(version) FROM schema_version`).Scan(&v); err != nil {
		return 0, err
	}
	return int(v.Int64), nil
}

const schema = `
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE folders (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE projects (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE project_streams (project_id INTEGER PRIMARY KEY, stream BLOB NOT NULL);
CREATE TABLE environments (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE env_references (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE operations (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE messages (operation_id INTEGER NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL,
	PRIMARY KEY (operation_id, seq)) WITHOUT ROWID;
CREATE TABLE permissions (object_type INTEGER NOT NULL, object_id INTEGER NOT NULL, data BLOB NOT NULL,
	PRIMARY KEY (object_type, object_id)) WITHOUT ROWID;
CREATE TABLE settings (name TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE workers (id TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE jobs (execution_id INTEGER PRIMARY KEY, data BLOB NOT NULL);
`

// versionStreams is created by every Open, so that a file from before it
// existed gains it; a rowid table, as it holds large blobs. The DELETE
// drops rows of projects that are gone (an older build deleted them).
const versionStreams = `
CREATE TABLE IF NOT EXISTS project_version_streams (project_id INTEGER NOT NULL, lsn INTEGER NOT NULL,
	stream BLOB NOT NULL, PRIMARY KEY (project_id, lsn));
DELETE FROM project_version_streams WHERE project_id NOT IN (SELECT id FROM projects);
`

func (s *Store) createSchema() error {
	tx, err := s.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(schema); err != nil {
		return err
	}
	if _, err := tx.Exec(`INSERT INTO schema_version (version) VALUES (?)`, SchemaVersion); err != nil {
		return err
	}
	return tx.Commit()
}

// Dir is the data directory.
func (s *Store) Dir() string { return s.dir }

// Empty reports whether the directory held no catalog when it was opened
// (a first start: the caller deploys the demo catalog and records the
// whole state with catalog.SetJournal(store, true)).
func (s *Store) Empty() bool { return s.empty }

// Record implements catalog.Journal: it encodes the objects ch names as
// they are now and queues them for the writer. It runs under the catalog's
// lock and does no I/O.
func (s *Store) Record(st *catalog.State, m catalog.Master, ch *catalog.Changes) uint64 {
	b := &batch{}
	enc := encoder{b: b, st: st, m: m, streams: s.streams, kept: s.kept}
	if ch.All {
		enc.all()
	} else {
		enc.changes(ch)
	}
	enc.laterJSON(tSettings, 0, 0, "sequences", sequencesOf(st))
	// Only Record uses streams, always under the catalog's lock; a batch
	// that fails to commit stops the store, so updating it now is safe.
	for id, lsn := range b.streams {
		if lsn < 0 {
			delete(s.streams, id)
		} else {
			s.streams[id] = lsn
		}
	}
	for id, lsns := range b.kept {
		if len(lsns) == 0 {
			delete(s.kept, id)
		} else {
			s.kept[id] = lsns
		}
	}
	s.rowsQueued.Add(uint64(len(b.ops)))
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ticket++
	b.ticket = s.ticket
	if s.err == nil {
		s.queue = append(s.queue, b)
		s.unwritten[b.ticket] = b
		s.cond.Broadcast()
	}
	return b.ticket
}

// Prepare implements catalog.Journal: the caller encodes its own change
// set (unless the writer got to it first), so that encoding runs in
// parallel and outside the catalog's lock.
func (s *Store) Prepare(ticket uint64) {
	s.mu.Lock()
	b := s.unwritten[ticket]
	s.mu.Unlock()
	if b != nil {
		b.once.Do(b.encode)
	}
}

// Wait implements catalog.Journal.
func (s *Store) Wait(ticket uint64) error {
	s.Prepare(ticket)
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.durable < ticket && s.err == nil {
		s.cond.Wait()
	}
	if s.durable >= ticket {
		return nil
	}
	return s.err
}

// Close writes what is queued, closes the database and releases the
// directory. Changes recorded afterwards fail with ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		<-s.done
		return nil
	}
	s.closing = true
	s.cond.Broadcast()
	s.mu.Unlock()
	<-s.done
	s.mu.Lock()
	werr := s.err
	if s.err == nil {
		s.err = ErrClosed
	}
	s.cond.Broadcast()
	s.mu.Unlock()
	s.stmts.close()
	err := s.db.Close()
	if uerr := unlockFile(s.lock); err == nil {
		err = uerr
	}
	if cerr := s.lock.Close(); err == nil {
		err = cerr
	}
	if werr != nil && err == nil {
		err = werr
	}
	return err
}

// run is the writer: it commits everything queued in one transaction,
// then marks it durable.
func (s *Store) run() {
	defer close(s.done)
	for {
		s.mu.Lock()
		for len(s.queue) == 0 && !s.closing {
			s.cond.Wait()
		}
		if len(s.queue) == 0 {
			s.mu.Unlock()
			return
		}
		batches := s.queue
		s.queue = nil
		failed := s.err != nil
		if failed {
			for _, b := range batches {
				delete(s.unwritten, b.ticket)
			}
		}
		s.mu.Unlock()
		if failed {
			continue
		}
		err := s.apply(batches)
		s.mu.Lock()
		for _, b := range batches {
			delete(s.unwritten, b.ticket)
		}
		if err != nil {
			if s.err == nil {
				s.err = fmt.Errorf("data directory %s: write failed: %w", s.dir, err)
				s.log.Error("catalog changes could not be written; nothing more is stored until a restart", "dir", s.dir, "err", err)
			}
		} else {
			s.durable = batches[len(batches)-1].ticket
		}
		s.cond.Broadcast()
		s.mu.Unlock()
	}
}

// table names a table the writer writes.
type table uint8

const (
	tFolders table = iota
	tProjects
	tStreams
	tVersionStreams
	tEnvironments
	tReferences
	tOperations
	tMessages
	tPermissions
	tSettings
	tWorkers
	tJobs
	nTables
)

var tableDefs = [nTables]struct {
	name string
	keys []string // key columns; a TEXT key for settings and workers
}{
	tFolders:        {"folders", []string{"id"}},
	tProjects:       {"projects", []string{"id"}},
	tStreams:        {"project_streams", []string{"project_id"}},
	tVersionStreams: {"project_version_streams", []string{"project_id", "lsn"}},
	tEnvironments:   {"environments", []string{"id"}},
	tReferences:     {"env_references", []string{"id"}},
	tOperations:     {"operations", []string{"id"}},
	tMessages:       {"messages", []string{"operation_id", "seq"}},
	tPermissions:    {"permissions", []string{"object_type", "object_id"}},
	tSettings:       {"settings", []string{"name"}},
	tWorkers:        {"workers", []string{"id"}},
	tJobs:           {"jobs", []string{"execution_id"}},
}

func (t table) textKey() bool { return t == tSettings || t == tWorkers }

// stmtSet holds the prepared statements: per table, a put of each size in
// putSizes (multi-row INSERTs) and a delete.
type stmtSet struct {
	put [nTables][len(putSizes)]*sql.Stmt
	del [nTables]*sql.Stmt
}

func dataColumn(t table) string {
	if t == tStreams || t == tVersionStreams {
		return "stream"
	}
	return "data"
}

func (ss *stmtSet) prepare(db *sql.DB) error {
	for t := range nTables {
		d := tableDefs[t]
		cols := append(append([]string(nil), d.keys...), dataColumn(t))
		one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
		var err error
		for i, rows := range putSizes {
			ss.put[t][i], err = db.Prepare(fmt.Sprintf("INSERT OR REPLACE INTO %s (%s) VALUES %s", d.name, strings.Join(cols, ", "),
				strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")))
			if err != nil {
				return err
			}
		}
		where := make([]string, len(d.keys))
		for i, k := range d.keys {
			where[i] = k + " = ?"
		}
		ss.del[t], err = db.Prepare(fmt.Sprintf("DELETE FROM %s WHERE %s", d.name, strings.Join(where, " AND ")))
		if err != nil {
			return err
		}
	}
	return nil
}

func (ss *stmtSet) close() {
	for t := range nTables {
		for _, st := range ss.put[t] {
			if st != nil {
				st.Close()
			}
		}
		if ss.del[t] != nil {
			ss.del[t].Close()
		}
	}
}

type opKind uint8

const (
	opPut            opKind = iota + 1
	opDelete                // the row with the key
	opDeleteAll             // every row of the table
	opDeleteMessages        // every message of operation k1
)

type rowOp struct {
	kind   opKind
	t      table
	k1, k2 int64
	s      string
	data   []byte
	enc    func() ([]byte, error) // makes data, outside the catalog's lock
}

type rowKey struct {
	t      table
	k1, k2 int64
	s      string
}

// batch is what one Record queued.
type batch struct {
	ticket uint64
	ops    []rowOp
	once   sync.Once // encode, by Wait or by the writer
	err    error
	// streams: project id -> LSN of the stream this batch writes (-1:
	// deleted), for Store.streams.
	streams map[int64]int64
	// kept: project id -> the LSNs in project_version_streams once this
	// batch is written (empty: none), for Store.kept.
	kept map[int64][]int64
}

// encode runs the deferred encoders.
func (b *batch) encode() {
	for i := range b.ops {
		o := &b.ops[i]
		if o.enc == nil {
			continue
		}
		data, err := o.enc()
		o.enc = nil
		if err != nil {
			if b.err == nil {
				b.err = fmt.Errorf("encoding %s %d: %w", tableDefs[o.t].name, o.k1, err)
			}
			continue
		}
		o.data = data
	}
}

// apply writes batches in one transaction. Range deletions run first,
// and a put or delete they would have undone is dropped with them; of the
// puts and deletes of one key only the last is kept; what is left touches
// distinct keys, so it runs grouped by table, puts as multi-row INSERTs.
func (s *Store) apply(batches []*batch) error {
	n := 0
	for _, b := range batches {
		b.once.Do(b.encode)
		if b.err != nil {
			return b.err
		}
		n += len(b.ops)
	}
	var ranges []rowOp
	final := make(map[rowKey]rowOp, n)
	// msgKeys indexes final's messages rows by operation, so that deleting
	// one operation's messages does not scan final: a retention cleanup
	// deletes the messages of 100,000 operations in one batch.
	msgKeys := map[int64][]rowKey{}
	for _, b := range batches {
		for _, o := range b.ops {
			switch o.kind {
			case opPut, opDelete:
				k := rowKey{o.t, o.k1, o.k2, o.s}
				if _, seen := final[k]; !seen && o.t == tMessages {
					msgKeys[o.k1] = append(msgKeys[o.k1], k)
				}
				final[k] = o
			case opDeleteAll:
				ranges = append(ranges, o)
				for k := range final {
					if k.t == o.t {
						delete(final, k)
					}
				}
				if o.t == tMessages {
					clear(msgKeys)
				}
			case opDeleteMessages:
				ranges = append(ranges, o)
				for _, k := range msgKeys[o.k1] {
					delete(final, k)
				}
				delete(msgKeys, o.k1)
			}
		}
	}
	var puts [nTables][]rowOp
	var dels []rowOp
	for _, o := range final {
		if o.kind == opPut {
			puts[o.t] = append(puts[o.t], o)
		} else {
			dels = append(dels, o)
		}
	}
	tx, err := s.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, o := range ranges {
		if o.kind == opDeleteAll {
			_, err = tx.Exec("DELETE FROM " + tableDefs[o.t].name)
		} else {
			_, err = tx.Exec("DELETE FROM messages WHERE operation_id = ?", o.k1)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", tableDefs[o.t].name, err)
		}
	}
	for _, o := range dels {
		if _, err := tx.Stmt(s.stmts.del[o.t]).Exec(keyArgs(o)...); err != nil {
			return fmt.Errorf("%s: %w", tableDefs[o.t].name, err)
		}
	}
	for t, ops := range puts {
		for len(ops) > 0 {
			i := 0
			for len(ops) < putSizes[i] {
				i++ // the last size is 1
			}
			size := putSizes[i]
			args := make([]any, 0, size*3)
			for _, o := range ops[:size] {
				args = append(append(args, keyArgs(o)...), o.data)
			}
			if _, err := tx.Stmt(s.stmts.put[t][i]).Exec(args...); err != nil {
				return fmt.Errorf("%s: %w", tableDefs[t].name, err)
			}
			ops = ops[size:]
		}
	}
	return tx.Commit()
}

// putSizes are the row counts of the multi-row INSERTs, largest first.
var putSizes = [...]int{64, 16, 4, 1}

func keyArgs(o rowOp) []any {
	switch {
	case o.t.textKey():
		return []any{o.s}
	case len(tableDefs[o.t].keys) == 2:
		return []any{o.k1, o.k2}
	}
	return []any{o.k1}
}

// encoder turns marks into row operations; it runs under the catalog's
// lock and reads the state and the master directly.
type encoder struct {
	b       *batch
	st      *catalog.State
	m       catalog.Master
	streams map[int64]int64   // the store's: LSN of each project's stream on disk
	kept    map[int64][]int64 // the store's: LSNs of each project's version streams on disk
}

func (e *encoder) add(o rowOp) { e.b.ops = append(e.b.ops, o) }

// put encodes v now: for the small shared maps that later calls mutate
// in place (properties, principals).
func (e *encoder) put(t table, k1, k2 int64, s string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		e.add(rowOp{kind: opPut, t: t, k1: k1, k2: k2, s: s, enc: func() ([]byte, error) { return nil, err }})
		return
	}
	e.add(rowOp{kind: opPut, t: t, k1: k1, k2: k2, s: s, data: data})
}

// later queues a put whose encoding runs after the catalog's lock is
// released; f must only read copies or immutable data.
func (e *encoder) later(t table, k1, k2 int64, s string, f func() ([]byte, error)) {
	e.add(rowOp{kind: opPut, t: t, k1: k1, k2: k2, s: s, enc: f})
}

// laterJSON is later for a value that is a private copy.
func (e *encoder) laterJSON(t table, k1, k2 int64, s string, v any) {
	e.later(t, k1, k2, s, func() ([]byte, error) { return json.Marshal(v) })
}

func (e *encoder) del(t table, k1, k2 int64, s string) {
	e.add(rowOp{kind: opDelete, t: t, k1: k1, k2: k2, s: s})
}

func (e *encoder) folder(id int64) {
	if f := e.st.Folders[id]; f != nil {
		c := *f
		e.laterJSON(tFolders, id, 0, "", &c)
	} else {
		e.del(tFolders, id, 0, "")
	}
}

func (e *encoder) project(id int64) {
	p := e.st.Projects[id]
	if p == nil {
		e.del(tProjects, id, 0, "")
		e.del(tStreams, id, 0, "")
		e.stream(id, -1)
		e.versionStreams(id, nil)
		return
	}
	c := cloneProject(p)
	e.later(tProjects, id, 0, "", func() ([]byte, error) { return encodeProject(c) })
	if lsn, ok := e.streams[id]; !ok || lsn != p.LSN {
		stream := p.Stream // never changed in place
		if stream == nil {
			stream = []byte{}
		}
		e.add(rowOp{kind: opPut, t: tStreams, k1: id, data: stream})
		e.stream(id, p.LSN)
	}
	e.versionStreams(id, p)
}

// versionStreams writes the .ispac of the project's versions that are not
// on disk yet and deletes those of versions it no longer keeps (p nil: of
// every version). A version without its bytes (a damaged file loaded) is
// not written.
func (e *encoder) versionStreams(id int64, p *catalog.Project) {
	old := e.kept[id]
	var now []int64
	if p != nil {
		for _, v := range p.Versions {
			stream := v.Stream // never changed in place
			if stream == nil && v.LSN == p.LSN {
				stream = p.Stream
			}
			if stream == nil {
				continue
			}
			now = append(now, v.LSN)
			if !slices.Contains(old, v.LSN) {
				e.add(rowOp{kind: opPut, t: tVersionStreams, k1: id, k2: v.LSN, data: stream})
			}
		}
	}
	for _, lsn := range old {
		if !slices.Contains(now, lsn) {
			e.del(tVersionStreams, id, lsn, "")
		}
	}
	if slices.Equal(old, now) {
		return
	}
	if e.b.kept == nil {
		e.b.kept = map[int64][]int64{}
	}
	e.b.kept[id] = now
}

func (e *encoder) stream(id, lsn int64) {
	if e.b.streams == nil {
		e.b.streams = map[int64]int64{}
	}
	e.b.streams[id] = lsn
}

func (e *encoder) environment(id int64) {
	if env := e.st.Environments[id]; env != nil {
		c := *env
		c.Variables = cloneEach(env.Variables)
		e.later(tEnvironments, id, 0, "", func() ([]byte, error) { return encodeEnvironment(&c) })
	} else {
		e.del(tEnvironments, id, 0, "")
	}
}

func (e *encoder) reference(id int64) {
	if r := e.st.References[id]; r != nil {
		c := *r
		e.laterJSON(tReferences, id, 0, "", &c)
	} else {
		e.del(tReferences, id, 0, "")
	}
}

func (e *encoder) operation(id int64) {
	if op := e.st.Operations[id]; op != nil {
		c := cloneOperation(op)
		e.later(tOperations, id, 0, "", func() ([]byte, error) { return encodeOperation(c) })
	} else {
		e.del(tOperations, id, 0, "")
		e.add(rowOp{kind: opDeleteMessages, t: tMessages, k1: id})
	}
}

// messages queues an operation's messages from index from on; a message
// is never changed once appended, so the pointers are enough.
func (e *encoder) messages(opID int64, from int) {
	op := e.st.Operations[opID]
	if op == nil {
		return // operation() deletes them
	}
	for i := max(from, 0); i < len(op.Messages); i++ {
		e.laterJSON(tMessages, opID, int64(i), "", op.Messages[i])
	}
}

func (e *encoder) permission(k catalog.PermKey) {
	if g, ok := e.st.Permissions[k]; ok {
		e.laterJSON(tPermissions, int64(k.ObjectType), k.ObjectID, "", slices.Clone(g))
	} else {
		e.del(tPermissions, int64(k.ObjectType), k.ObjectID, "")
	}
}

func (e *encoder) principals() {
	e.put(tSettings, 0, 0, "principals", principals{Logins: e.st.Logins, ServerRoleMembers: e.st.ServerRoleMembers, Databases: e.st.Databases})
}

// jobLookup is what *scaleout.Master offers for one execution; other
// masters are scanned.
type jobLookup interface {
	JobForExecution(executionID int64) (scaleout.Job, bool)
	TaskForExecution(executionID int64) (scaleout.Task, bool)
}

func (e *encoder) job(execID int64) {
	var r jobRec
	found := false
	if jl, ok := e.m.(jobLookup); ok {
		r.Job, found = jl.JobForExecution(execID)
		if t, ok := jl.TaskForExecution(execID); ok && found && t.JobID == r.Job.ID {
			r.Task = &t
		}
	} else {
		for _, j := range e.m.Jobs() {
			if j.ExecutionID == execID {
				r.Job, found = j, true
			}
		}
		for _, t := range e.m.Tasks() {
			if found && t.JobID == r.Job.ID {
				r.Task = &t
			}
		}
	}
	if found {
		e.laterJSON(tJobs, execID, 0, "", r)
	} else {
		e.del(tJobs, execID, 0, "")
	}
}

func (e *encoder) workers() {
	e.add(rowOp{kind: opDeleteAll, t: tWorkers})
	for _, w := range e.m.Workers() {
		e.laterJSON(tWorkers, 0, 0, w.ID.String(), w)
	}
}

func (e *encoder) changes(ch *catalog.Changes) {
	for id := range ch.Folders {
		e.folder(id)
	}
	for id := range ch.Projects {
		e.project(id)
	}
	for id := range ch.Environments {
		e.environment(id)
	}
	for id := range ch.References {
		e.reference(id)
	}
	for id := range ch.Operations {
		e.operation(id)
	}
	for id, from := range ch.Messages {
		e.messages(id, from)
	}
	for k := range ch.Permissions {
		e.permission(k)
	}
	if ch.CatalogProperties {
		e.put(tSettings, 0, 0, "catalog_properties", e.st.CatalogProperties)
	}
	if ch.MasterProperties {
		e.put(tSettings, 0, 0, "master_properties", e.st.MasterProperties)
	}
	if ch.LoggingLevels {
		e.put(tSettings, 0, 0, "logging_levels", e.st.LoggingLevels)
	}
	if ch.Principals {
		e.principals()
	}
	if e.m != nil {
		for id := range ch.Jobs {
			e.job(id)
		}
		if ch.Workers {
			e.workers()
		}
	}
}

// all writes the whole state: a first write, or after Reset.
func (e *encoder) all() {
	for _, t := range []table{tFolders, tProjects, tStreams, tVersionStreams, tEnvironments, tReferences, tOperations, tMessages, tPermissions, tSettings} {
		e.add(rowOp{kind: opDeleteAll, t: t})
	}
	st := e.st
	for id := range st.Folders {
		e.folder(id)
	}
	clear(e.streams) // every stream is rewritten
	clear(e.kept)
	for id := range st.Projects {
		e.project(id)
	}
	for id := range st.Environments {
		e.environment(id)
	}
	for id := range st.References {
		e.reference(id)
	}
	for id := range st.Operations {
		e.operation(id)
		e.messages(id, 0)
	}
	for k := range st.Permissions {
		e.permission(k)
	}
	e.put(tSettings, 0, 0, "catalog_properties", st.CatalogProperties)
	e.put(tSettings, 0, 0, "master_properties", st.MasterProperties)
	e.put(tSettings, 0, 0, "logging_levels", st.LoggingLevels)
	e.principals()
	if e.m == nil {
		return
	}
	e.workers()
	e.add(rowOp{kind: opDeleteAll, t: tJobs})
	tasks := map[uuid.UUID]scaleout.Task{}
	for _, t := range e.m.Tasks() {
		tasks[t.JobID] = t
	}
	for _, j := range e.m.Jobs() {
		r := jobRec{Job: j}
		if t, ok := tasks[j.ID]; ok {
			r.Task = &t
		}
		e.laterJSON(tJobs, j.ExecutionID, 0, "", r)
	}
}

// Restorer is the part of the Scale Out master that Attach needs
// (*scaleout.Master).
type Restorer interface {
	Restore(st scaleout.State) ([]int64, error)
}

// Recovery is what Attach found in the data directory.
type Recovery struct {
	Fresh      bool // the directory was empty: the catalog's state was written to it
	Operations int  // operations loaded
	// Ended are the executions whose Scale Out tasks Restore ended.
	Ended []int64
	// Warnings are catalog.startup's 27165 messages (severity 10), one per
	// operation that was pending, running or stopping.
	Warnings []*sqlerr.Error
}

// Attach makes the store the catalog's journal. An empty directory gets
// the catalog's current state. Otherwise the saved state replaces the
// catalog's (catalog.LoadState, which applies the configured logins on
// top), the master's saved workers, jobs and tasks are restored into m
// (before m starts; nil: none), and catalog.startup ends what was in
// flight. The catalog's master must be m.
func (s *Store) Attach(ctx context.Context, c *catalog.Catalog, m Restorer) (Recovery, error) {
	if s.empty {
		s.empty = false
		return Recovery{Fresh: true}, c.SetJournal(s, true)
	}
	cs, ms, err := s.Load()
	if err != nil {
		return Recovery{}, err
	}
	rec := Recovery{Operations: len(cs.Operations)}
	if err := c.SetJournal(s, false); err != nil {
		return rec, err
	}
	if err := c.LoadState(cs); err != nil {
		return rec, err
	}
	if m != nil {
		if rec.Ended, err = m.Restore(ms); err != nil {
			return rec, fmt.Errorf("data directory %s: %w", s.dir, err)
		}
	}
	rec.Warnings = c.Startup(ctx)
	s.mu.Lock()
	err = s.err // startup's writes, waited for by Startup
	s.mu.Unlock()
	return rec, err
}
