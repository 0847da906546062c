// Package table stores the engine's user tables, #temp and ##global
// temp tables and table variables, in memory. A Table keeps its rows in
// clustered-key order when it has a clustered primary key (insertion order
// otherwise, as a heap scan gives them), enforces NOT NULL (515), PRIMARY
// KEY and UNIQUE constraints (2627), unique indexes (2601) and CHECK
// constraints (547), hands out IDENTITY values, and serves its rows as a
// rows.Seeker on every single-column key.
//
// Changes are made one statement at a time and are all-or-nothing: Insert,
// Update and Delete validate every row before touching the table, and
// return an undo function the engine keeps for ROLLBACK (table variables
// are not part of transactions, so for them it is dropped).
//
// Rows handed to readers are never modified afterwards (an UPDATE stores
// new slices), so a scan reads a snapshot taken under the lock and calls
// back without holding it.
package table

import (
	"context"
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// Kind tells a permanent table from the temporary ones.
type Kind uint8

const (
	Permanent  Kind = iota
	Temp            // #t, one session's
	GlobalTemp      // ##t
	Variable        // DECLARE @t TABLE
)

// Column is a column of a table.
type Column struct {
	Name     string
	Type     sqltype.Type
	Nullable bool
	Identity bool
	// Default computes the DEFAULT value (nil: NULL); DefaultText is how
	// the catalog views show it, as "((0))" or "(getdate())".
	Default     func(ctx context.Context) (sqltype.Value, error)
	DefaultText string
	DefaultName string
}

// Key is a PRIMARY KEY or UNIQUE constraint, or a unique index.
type Key struct {
	Name      string
	Primary   bool
	Index     bool // a unique index (2601) rather than a constraint (2627)
	Clustered bool
	Cols      []int
}

// Check is a CHECK constraint: Holds is false only when the condition is
// false (NULL passes).
type Check struct {
	Name   string
	Column string // the column of a column-level constraint, for the message
	Text   string
	Holds  func(ctx context.Context, r rows.Row) (bool, error)
}

// Def describes a table to create.
type Def struct {
	ID       int32
	Kind     Kind
	Database string
	Schema   string
	Name     string
	Columns  []Column
	Keys     []Key
	Checks   []Check
	// Identity seed and increment (when a column has Identity).
	Seed, Increment int64
	Created         time.Time
	Coll            sqltype.Collation
}

// Table is a stored table.
type Table struct {
	Def
	identCol int

	mu        sync.RWMutex
	rows      []*row
	index     []map[string]*row // per key
	ids       map[int64]*row
	nextID    int64
	identNext int64 // the next identity value
	identUsed bool
	lastIdent int64
	clustered int // key kept in order, -1 for a heap
	modified  time.Time
}

type row struct {
	id   int64
	vals rows.Row
}

// New creates an empty table.
func New(d Def) *Table {
	t := &Table{Def: d, identCol: -1, clustered: -1, modified: d.Created}
	if t.Increment == 0 {
		t.Increment = 1
	}
	for i, c := range d.Columns {
		if c.Identity {
			t.identCol = i
		}
	}
	t.identNext = t.Seed
	t.index = make([]map[string]*row, len(d.Keys))
	for i, k := range d.Keys {
		t.index[i] = map[string]*row{}
		if k.Clustered && t.clustered < 0 {
			t.clustered = i
		}
	}
	return t
}

// ObjectName is the table as error messages name it ("dbo.t", "@t").
func (t *Table) ObjectName() string {
	if t.Kind == Variable {
		return t.Name
	}
	return t.Schema + "." + t.Name
}

// FullName is the three-part name of message 515 ("db.dbo.t").
func (t *Table) FullName() string {
	if t.Kind == Variable {
		return t.Name
	}
	return t.Database + "." + t.Schema + "." + t.Name
}

// IdentityColumn returns the ordinal of the identity column, or -1.
func (t *Table) IdentityColumn() int { return t.identCol }

// Modified is the time of the last change of definition (sys.objects).
func (t *Table) Modified() time.Time { return t.modified }

// Columns implements rows.Source.
func (t *Table) Columns() []rows.Column {
	out := make([]rows.Column, len(t.Def.Columns))
	for i, c := range t.Def.Columns {
		out[i] = rows.Column{Name: c.Name, Type: c.Type, Nullable: c.Nullable}
	}
	return out
}

// Len is the number of rows.
func (t *Table) Len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.rows)
}

// snapshot copies the rows (their ids and value slices, which changes
// replace rather than modify) under the lock, so readers run without it.
func (t *Table) snapshot() []row {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]row, len(t.rows))
	for i, r := range t.rows {
		out[i] = *r
	}
	return out
}

// Scan implements rows.Source.
func (t *Table) Scan(ctx context.Context, fn func(rows.Row) bool) error {
	for _, r := range t.snapshot() {
		if !fn(r.vals) {
			return nil
		}
	}
	return ctx.Err()
}

// SeekColumns implements rows.Seeker: the columns of single-column keys.
func (t *Table) SeekColumns() []int {
	var out []int
	for _, k := range t.Keys {
		if len(k.Cols) == 1 {
			out = append(out, k.Cols[0])
		}
	}
	return out
}

// Seek implements rows.Seeker. key must already have the column's type
// (or one that compares equal to it).
func (t *Table) Seek(ctx context.Context, col int, key sqltype.Value, fn func(rows.Row) bool) error {
	return t.seek(ctx, col, key, func(r row) bool { return fn(r.vals) })
}

func (t *Table) seek(ctx context.Context, col int, key sqltype.Value, fn func(row) bool) error {
	if key.IsNull() {
		return nil
	}
	for i, k := range t.Keys {
		if len(k.Cols) == 1 && k.Cols[0] == col {
			t.mu.RLock()
			var hit row
			r := t.index[i][sqltype.Key(key, t.Coll)+"\xff"]
			if r != nil {
				hit = *r
			}
			t.mu.RUnlock()
			if r != nil {
				fn(hit)
			}
			return ctx.Err()
		}
	}
	for _, r := range t.snapshot() {
		if !r.vals[col].IsNull() {
			if c, err := sqltype.Compare(r.vals[col], key, t.Coll); err == nil && c == 0 {
				if !fn(r) {
					return nil
				}
			}
		}
	}
	return ctx.Err()
}

// WithRowIDs is the table as a source whose rows end with a bigint row id
// (named name), which Update and Delete take.
func (t *Table) WithRowIDs(name string) rows.Source { return &idSource{t: t, name: name} }

type idSource struct {
	t    *Table
	name string
}

func (s *idSource) Columns() []rows.Column {
	return append(s.t.Columns(), rows.Column{Name: s.name, Type: sqltype.TBigInt})
}

func (s *idSource) Scan(ctx context.Context, fn func(rows.Row) bool) error {
	buf := make(rows.Row, len(s.t.Def.Columns)+1)
	for _, r := range s.t.snapshot() {
		copy(buf, r.vals)
		buf[len(buf)-1] = sqltype.NewBigInt(r.id)
		if !fn(buf) {
			return nil
		}
	}
	return ctx.Err()
}

func (s *idSource) SeekColumns() []int { return s.t.SeekColumns() }

func (s *idSource) Seek(ctx context.Context, col int, key sqltype.Value, fn func(rows.Row) bool) error {
	buf := make(rows.Row, len(s.t.Def.Columns)+1)
	return s.t.seek(ctx, col, key, func(r row) bool {
		copy(buf, r.vals)
		buf[len(buf)-1] = sqltype.NewBigInt(r.id)
		return fn(buf)
	})
}

// ---------------------------------------------------------------------------
// Identity

// NextIdentity hands out the next identity value (values are not given
// back on rollback or failure, as in SQL Server).
func (t *Table) NextIdentity() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	v := t.identNext
	if t.identUsed {
		v = t.lastIdent + t.Increment
	}
	t.identUsed, t.lastIdent = true, v
	return v
}

// SeenIdentity records an explicit identity value (IDENTITY_INSERT ON):
// later generated values continue past it.
func (t *Table) SeenIdentity(v int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.identUsed || (t.Increment > 0 && v > t.lastIdent) || (t.Increment < 0 && v < t.lastIdent) {
		t.identUsed, t.lastIdent = true, v
	}
}

// CurrentIdentity is IDENT_CURRENT: the last value handed out (the seed
// before any), and whether any row has been inserted.
func (t *Table) CurrentIdentity() (int64, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if !t.identUsed {
		return t.Seed, false
	}
	return t.lastIdent, true
}

// ---------------------------------------------------------------------------
// Changes

// Op names the statement in messages 515 and 547.
type Op string

const (
	OpInsert Op = "INSERT"
	OpUpdate Op = "UPDATE"
	OpDelete Op = "DELETE"
)

func (t *Table) keyOf(k *Key, vals rows.Row) string {
	var b []byte
	for _, c := range k.Cols {
		b = sqltype.AppendKey(b, vals[c], t.Coll)
		b = append(b, 0xff)
	}
	return string(b)
}

func (t *Table) duplicate(k *Key, vals rows.Row) error {
	dup := dupValue(k, vals)
	if k.Index {
		return sqlerr.New(2601, 14, 1, "Cannot insert duplicate key row in object '%s' with unique index '%s'. The duplicate key value is %s.", t.ObjectName(), k.Name, dup)
	}
	kind := "UNIQUE KEY"
	if k.Primary {
		kind = "PRIMARY KEY"
	}
	return sqlerr.New(2627, 14, 1, "Violation of %s constraint '%s'. Cannot insert duplicate key in object '%s'. The duplicate key value is %s.", kind, k.Name, t.ObjectName(), dup)
}

// dupValue renders a key's values as the duplicate-key messages quote
// them: "(1, abc)", NULL as <NULL>.
func dupValue(k *Key, vals rows.Row) string {
	parts := make([]string, len(k.Cols))
	for i, c := range k.Cols {
		if vals[c].IsNull() {
			parts[i] = "<NULL>"
		} else if vals[c].Kind().IsString() {
			parts[i] = vals[c].Str()
		} else {
			parts[i] = sqltype.Format(vals[c])
		}
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// validate checks NOT NULL and CHECK constraints of one new row.
func (t *Table) validate(ctx context.Context, op Op, vals rows.Row) error {
	for i, c := range t.Def.Columns {
		if !c.Nullable && vals[i].IsNull() {
			return sqlerr.New(515, 16, 2, "Cannot insert the value NULL into column '%s', table '%s'; column does not allow nulls. %s fails.", c.Name, t.FullName(), op)
		}
	}
	for _, ck := range t.Checks {
		ok, err := ck.Holds(ctx, vals)
		if err != nil {
			return err
		}
		if !ok {
			col := ""
			if ck.Column != "" {
				col = ", column '" + ck.Column + "'"
			}
			return sqlerr.New(547, 16, 0, "The %s statement conflicted with the CHECK constraint \"%s\". The conflict occurred in database \"%s\", table \"%s\"%s.", op, ck.Name, t.Database, t.ObjectName(), col)
		}
	}
	return nil
}

// less orders rows by the clustered key.
func (t *Table) less(a, b rows.Row) bool {
	k := &t.Keys[t.clustered]
	for _, c := range k.Cols {
		x, y := a[c], b[c]
		switch {
		case x.IsNull() && y.IsNull():
			continue
		case x.IsNull():
			return true
		case y.IsNull():
			return false
		}
		n, err := sqltype.Compare(x, y, t.Coll)
		if err != nil || n == 0 {
			continue
		}
		return n < 0
	}
	return false
}

// place inserts r in order (under the write lock).
func (t *Table) place(r *row) {
	if t.clustered < 0 {
		t.rows = append(t.rows, r)
		return
	}
	i := sort.Search(len(t.rows), func(i int) bool { return t.less(r.vals, t.rows[i].vals) })
	t.rows = append(t.rows, nil)
	copy(t.rows[i+1:], t.rows[i:])
	t.rows[i] = r
}

// reorder restores the scan order after an undo.
func (t *Table) reorder() {
	if t.clustered < 0 {
		sort.Slice(t.rows, func(i, j int) bool { return t.rows[i].id < t.rows[j].id })
		return
	}
	sort.SliceStable(t.rows, func(i, j int) bool { return t.less(t.rows[i].vals, t.rows[j].vals) })
}

func (t *Table) reindex() {
	t.ids = make(map[int64]*row, len(t.rows))
	for _, r := range t.rows {
		t.ids[r.id] = r
	}
	for i := range t.Keys {
		t.index[i] = make(map[string]*row, len(t.rows))
		for _, r := range t.rows {
			t.index[i][t.keyOf(&t.Keys[i], r.vals)] = r
		}
	}
}

// Insert adds rows (each a full row in column order, already converted to
// the column types) after checking every one; nothing is added when one
// fails. The undo function removes them again.
func (t *Table) Insert(ctx context.Context, list []rows.Row) (func(), error) {
	for _, vals := range list {
		if err := t.validate(ctx, OpInsert, vals); err != nil {
			return nil, err
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	pending := make([]map[string]bool, len(t.Keys))
	for i := range t.Keys {
		pending[i] = map[string]bool{}
		for _, vals := range list {
			k := t.keyOf(&t.Keys[i], vals)
			if t.index[i][k] != nil || pending[i][k] {
				return nil, t.duplicate(&t.Keys[i], vals)
			}
			pending[i][k] = true
		}
	}
	added := make(map[*row]bool, len(list))
	for _, vals := range list {
		t.nextID++
		r := &row{id: t.nextID, vals: append(rows.Row(nil), vals...)}
		t.place(r)
		if t.ids == nil {
			t.ids = map[int64]*row{}
		}
		t.ids[r.id] = r
		for i := range t.Keys {
			t.index[i][t.keyOf(&t.Keys[i], r.vals)] = r
		}
		added[r] = true
	}
	return func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		kept := t.rows[:0]
		for _, r := range t.rows {
			if !added[r] {
				kept = append(kept, r)
			}
		}
		clear(t.rows[len(kept):])
		t.rows = kept
		t.reindex()
	}, nil
}

// Change is the new values of one row, by row id (from WithRowIDs).
type Change struct {
	ID   int64
	Vals rows.Row
}

func (t *Table) byID() map[int64]*row {
	if t.ids == nil {
		t.ids = map[int64]*row{}
	}
	return t.ids
}

// Get returns the current values of a row by id (from WithRowIDs).
func (t *Table) Get(id int64) (rows.Row, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	r := t.ids[id]
	if r == nil {
		return nil, false
	}
	return r.vals, true
}

// Update replaces rows' values after checking the table that would
// result; nothing changes when a check fails.
func (t *Table) Update(ctx context.Context, changes []Change) (func(), error) {
	for _, ch := range changes {
		if err := t.validate(ctx, OpUpdate, ch.Vals); err != nil {
			return nil, err
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	ids := t.byID()
	changed := map[int64]rows.Row{}
	for _, ch := range changes {
		if ids[ch.ID] != nil {
			changed[ch.ID] = ch.Vals
		}
	}
	for i := range t.Keys {
		k := &t.Keys[i]
		seen := make(map[string]bool, len(t.rows))
		for _, r := range t.rows {
			vals := r.vals
			if nv, ok := changed[r.id]; ok {
				vals = nv
			}
			key := t.keyOf(k, vals)
			if seen[key] {
				return nil, t.duplicate(k, vals)
			}
			seen[key] = true
		}
	}
	old := make(map[int64]rows.Row, len(changed))
	for id, vals := range changed {
		r := ids[id]
		old[id] = r.vals
		r.vals = append(rows.Row(nil), vals...)
	}
	if t.clustered >= 0 {
		t.reorder()
	}
	t.reindex()
	return func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		ids := t.byID()
		for id, vals := range old {
			if r := ids[id]; r != nil {
				r.vals = vals
			}
		}
		t.reorder()
		t.reindex()
	}, nil
}

// Delete removes rows by id.
func (t *Table) Delete(ctx context.Context, idList []int64) (func(), error) {
	gone := make(map[int64]bool, len(idList))
	for _, id := range idList {
		gone[id] = true
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	var removed []*row
	kept := t.rows[:0]
	for _, r := range t.rows {
		if gone[r.id] {
			removed = append(removed, r)
		} else {
			kept = append(kept, r)
		}
	}
	clear(t.rows[len(kept):])
	t.rows = kept
	t.reindex()
	return func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		t.rows = append(t.rows, removed...)
		t.reorder()
		t.reindex()
	}, nil
}

// Truncate removes every row and reseeds the identity.
func (t *Table) Truncate() func() {
	t.mu.Lock()
	defer t.mu.Unlock()
	old, used, last := t.rows, t.identUsed, t.lastIdent
	t.rows = nil
	t.identUsed = false
	t.reindex()
	return func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		t.rows, t.identUsed, t.lastIdent = old, used, last
		t.reindex()
	}
}

// AddKey adds a unique index to a table that may have rows; a duplicate
// among them is Msg 1505. The undo function drops the index again.
func (t *Table) AddKey(k Key) (func(), error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	idx := make(map[string]*row, len(t.rows))
	for _, r := range t.rows {
		key := t.keyOf(&k, r.vals)
		if idx[key] != nil {
			return nil, sqlerr.New(1505, 16, 1, "The CREATE UNIQUE INDEX statement terminated because a duplicate key was found for the object name '%s' and the index name '%s'. The duplicate key value is %s.", t.ObjectName(), k.Name, dupValue(&k, r.vals))
		}
		idx[key] = r
	}
	t.Keys = append(t.Keys, k)
	t.index = append(t.index, idx)
	n := len(t.Keys)
	return func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		if len(t.Keys) == n {
			t.Keys = t.Keys[:n-1]
			t.index = t.index[:n-1]
		}
	}, nil
}

// ConstraintName makes the name SQL Server gives an unnamed constraint:
// prefix (PK, UQ, DF, CK), up to eight characters of the table name and a
// hexadecimal suffix.
func ConstraintName(prefix, table string, id int32, n int) string {
	name := strings.TrimLeft(table, "#@")
	if r := []rune(name); len(r) > 8 {
		name = string(r[:8])
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%s.%s.%d.%d", prefix, table, id, n)
	return fmt.Sprintf("%s__%s__%016X", prefix, name, h.Sum64())
}
