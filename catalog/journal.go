package catalog

// Journal makes the catalog's changes durable (package catalog/store
// implements it over SQLite). With no journal the catalog lives in memory
// only and tracks nothing.
//
// The catalog calls Record with its write lock held, in the order the
// changes happened, and Wait after releasing the lock. A change set names
// what changed, not how: Record reads the current state of those objects
// from st (and the master), so writing a set twice, or writing an object
// that a rollback put back, stores the truth. Record must copy what it needs
// (st and ch are not valid after it returns) and must not block on I/O.
type Journal interface {
	// Record queues the objects ch names, as they are in st and m now, and
	// returns a ticket for Wait. Tickets grow with each call.
	Record(st *State, m Master, ch *Changes) uint64
	// Prepare does what it can of writing ticket's changes in the
	// caller's goroutine, outside the catalog's lock (encoding), without
	// waiting for them to be durable. Calling it is optional.
	Prepare(ticket uint64)
	// Wait returns when everything recorded up to ticket is durable, or
	// with the error that prevented it.
	Wait(ticket uint64) error
}

// IDs is a set of object ids.
type IDs map[int64]struct{}

// Changes names what changed since the last Record. The sequences (Next*
// ids) are always written and need no mark.
type Changes struct {
	// All: the state was replaced (Reset, or a first write of a fresh
	// store); write every object, and the master's workers and jobs.
	All bool

	Folders      IDs
	Projects     IDs
	Environments IDs // with their variables
	References   IDs
	Operations   IDs // the operation row with its execution part, without messages
	// Messages maps an operation id to the index in Operation.Messages of
	// its first message not written yet; messages are only appended.
	Messages    map[int64]int
	Permissions map[PermKey]struct{}

	CatalogProperties bool
	MasterProperties  bool
	LoggingLevels     bool
	// Principals: logins, server role members, databases and their
	// principals and role members (small, written as one).
	Principals bool

	// Jobs are executions whose Scale Out job or task changed in the master.
	Jobs IDs
	// Workers: the master's worker agents changed.
	Workers bool
}

// Empty reports whether nothing is marked.
func (ch *Changes) Empty() bool {
	return !ch.All && len(ch.Folders) == 0 && len(ch.Projects) == 0 && len(ch.Environments) == 0 &&
		len(ch.References) == 0 && len(ch.Operations) == 0 && len(ch.Messages) == 0 && len(ch.Permissions) == 0 &&
		!ch.CatalogProperties && !ch.MasterProperties && !ch.LoggingLevels && !ch.Principals &&
		len(ch.Jobs) == 0 && !ch.Workers
}

func (ch *Changes) reset() {
	ch.All = false
	clear(ch.Folders)
	clear(ch.Projects)
	clear(ch.Environments)
	clear(ch.References)
	clear(ch.Operations)
	clear(ch.Messages)
	clear(ch.Permissions)
	ch.CatalogProperties, ch.MasterProperties, ch.LoggingLevels, ch.Principals = false, false, false, false
	clear(ch.Jobs)
	ch.Workers = false
}

func addID(m *IDs, id int64) {
	if *m == nil {
		*m = IDs{}
	}
	(*m)[id] = struct{}{}
}

// The mark methods are nil-safe: a nil *Changes means nothing is tracked.

func (ch *Changes) all() {
	if ch != nil {
		ch.All = true
	}
}

func (ch *Changes) folder(id int64) {
	if ch != nil {
		addID(&ch.Folders, id)
	}
}

func (ch *Changes) project(id int64) {
	if ch != nil {
		addID(&ch.Projects, id)
	}
}

func (ch *Changes) environment(id int64) {
	if ch != nil {
		addID(&ch.Environments, id)
	}
}

func (ch *Changes) reference(id int64) {
	if ch != nil {
		addID(&ch.References, id)
	}
}

func (ch *Changes) operation(id int64) {
	if ch != nil {
		addID(&ch.Operations, id)
	}
}

func (ch *Changes) job(executionID int64) {
	if ch != nil {
		addID(&ch.Jobs, executionID)
	}
}

// messages marks an operation's messages from index from on.
func (ch *Changes) messages(opID int64, from int) {
	if ch == nil {
		return
	}
	if ch.Messages == nil {
		ch.Messages = map[int64]int{}
	}
	if cur, ok := ch.Messages[opID]; !ok || from < cur {
		ch.Messages[opID] = from
	}
}

func (ch *Changes) permission(k PermKey) {
	if ch == nil {
		return
	}
	if ch.Permissions == nil {
		ch.Permissions = map[PermKey]struct{}{}
	}
	ch.Permissions[k] = struct{}{}
}

func (ch *Changes) principals() {
	if ch != nil {
		ch.Principals = true
	}
}

func (ch *Changes) catalogProperties() {
	if ch != nil {
		ch.CatalogProperties = true
	}
}

func (ch *Changes) loggingLevels() {
	if ch != nil {
		ch.LoggingLevels = true
	}
}

func (ch *Changes) workers() {
	if ch != nil {
		ch.Workers = true
	}
}

// merge adds o's marks to ch.
func (ch *Changes) merge(o *Changes) {
	ch.All = ch.All || o.All
	for id := range o.Folders {
		ch.folder(id)
	}
	for id := range o.Projects {
		ch.project(id)
	}
	for id := range o.Environments {
		ch.environment(id)
	}
	for id := range o.References {
		ch.reference(id)
	}
	for id := range o.Operations {
		ch.operation(id)
	}
	for id, from := range o.Messages {
		ch.messages(id, from)
	}
	for k := range o.Permissions {
		ch.permission(k)
	}
	for id := range o.Jobs {
		ch.job(id)
	}
	ch.CatalogProperties = ch.CatalogProperties || o.CatalogProperties
	ch.MasterProperties = ch.MasterProperties || o.MasterProperties
	ch.LoggingLevels = ch.LoggingLevels || o.LoggingLevels
	ch.Principals = ch.Principals || o.Principals
	ch.Workers = ch.Workers || o.Workers
}

// tracker is what a State shares with its Catalog for change tracking:
// whether a journal is attached, and the marks of autocommit changes
// (and of changes no rollback undoes) not recorded yet.
type tracker struct {
	on      bool
	pending Changes
}

// changes returns where a change made under tx is marked: the
// transaction's own set (recorded at Commit), or the pending set for
// autocommit (recorded when the call returns). Nil when nothing is
// tracked. Pass a nil tx for changes a rollback does not undo. Call with
// the write lock held.
func (s *State) changes(tx *Tx) *Changes {
	if s.trk == nil || !s.trk.on {
		return nil
	}
	if tx != nil {
		if tx.ch == nil {
			tx.ch = &Changes{}
		}
		return tx.ch
	}
	return &s.trk.pending
}

// SetJournal attaches j: from now on every change is recorded to it. With
// full set, the whole current state (and the master's workers and jobs) is
// recorded first, as a fresh store needs; it returns when that is durable.
// Call it before serving, with no call in progress.
func (c *Catalog) SetJournal(j Journal, full bool) error {
	c.mu.Lock()
	c.journal = j
	c.trk.on = j != nil
	if j != nil && full {
		c.trk.pending.All = true
	}
	var err error
	c.release(&err)
	return err
}

// release ends a call made under the write lock: it records the pending
// changes while still holding the lock, unlocks, and waits until they are
// durable. A storage failure replaces a nil *err with error 9001, so that
// no caller is told of a success that would not survive a crash.
func (c *Catalog) release(err *error) {
	var ticket uint64
	if c.journal != nil && !c.trk.pending.Empty() {
		ticket = c.journal.Record(c.st, c.master, &c.trk.pending)
		c.lastTicket = ticket
		c.trk.pending.reset()
	}
	c.mu.Unlock()
	if ticket != 0 {
		c.durable(ticket, err)
	}
}

// releaseNoWait is release for the master's Sink calls: what the master
// reports is recorded in order but nobody waits on it; a SYNCHRONIZED
// start_execution waits (waitStatus) before it reports the end.
func (c *Catalog) releaseNoWait() {
	var ticket uint64
	if c.journal != nil && !c.trk.pending.Empty() {
		ticket = c.journal.Record(c.st, c.master, &c.trk.pending)
		c.lastTicket = ticket
		c.trk.pending.reset()
	}
	j := c.journal
	c.mu.Unlock()
	if ticket != 0 {
		j.Prepare(ticket)
	}
}

// durable waits for ticket and turns a storage failure into err.
func (c *Catalog) durable(ticket uint64, err *error) {
	if werr := c.journal.Wait(ticket); werr != nil {
		c.log.Error("catalog change not durable", "err", werr)
		if err != nil && *err == nil {
			*err = errorf(9001, 1, SSISDB)
		}
	}
}

// syncRecorded waits until everything recorded so far is durable (a
// barrier before reporting a state another goroutine recorded).
func (c *Catalog) syncRecorded() error {
	c.mu.RLock()
	j, t := c.journal, c.lastTicket
	c.mu.RUnlock()
	if j == nil || t == 0 {
		return nil
	}
	var err error
	c.durable(t, &err)
	return err
}
