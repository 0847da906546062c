package catalog

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// parseType reads a column type as the reference writes it: bigint,
// sysname, nvarchar(260), nvarchar(max), datetimeoffset(7), char(1).
func parseType(s string) sqltype.Type {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "sysname" {
		return sqltype.TSysname
	}
	name, arg, hasArg := strings.Cut(strings.TrimSuffix(s, ")"), "(")
	k, ok := sqltype.KindByName(name)
	if !ok {
		panic("catalog: unknown column type " + s)
	}
	t := sqltype.Type{Kind: k}
	if hasArg {
		if arg == "max" {
			t.Length = sqltype.Max
		} else {
			n, _ := strconv.Atoi(arg)
			switch k {
			case sqltype.DateTimeOffset, sqltype.DateTime2, sqltype.Time:
				t.Scale = uint8(n)
			default:
				t.Length = int32(n)
			}
		}
	}
	return t
}

// cols builds a column list from "name type" specs; a trailing "!" marks
// NOT NULL.
func cols(specs ...string) []rows.Column {
	out := make([]rows.Column, len(specs))
	for i, sp := range specs {
		name, typ, _ := strings.Cut(sp, " ")
		notNull := strings.HasSuffix(typ, "!")
		out[i] = rows.Column{Name: name, Type: parseType(strings.TrimSuffix(typ, "!")), Nullable: !notNull}
	}
	return out
}

// A scan runs in chunks: under the catalog's read lock a producer writes
// rows into the scan's buffer until it holds chunkValues values (under
// half a MB: 120 rows of catalog.executions), then the lock is released and the
// consumer gets the chunk's rows; then the lock is taken again and the
// producer continues from where the scan's position says. So a scan of a
// million executions holds one chunk, not a million rows, the consumer
// never runs under the lock (it may call back into the catalog: the inner
// side of a join, a correlated subquery), and a writer waits for at most
// one chunk's work.
//
// Consistency is read committed, per row: a scan sees the rows that exist
// when its position reaches them, so it may see rows added after it
// started and miss rows removed before it got to them, but never returns a
// row twice. Positions are stable because operation ids only grow
// (State.OperationOrder is append-only and a rolled-back id stays in it),
// other objects are visited through a snapshot of their ids taken by the
// first chunk, and inside an object a scan resumes after the id of the
// last item it wrote (afterID), or, in an operation's messages (whose ids
// are not unique, and which change only at their end), at an index. A
// Reset or LoadState replaces the State: a scan that finds it replaced
// ends there, as the rows it had not reached are gone.
var chunkValues = 4096 // a variable so that tests can make chunks tiny

// firstChunkShare is how much smaller than chunkValues a scan's first
// chunk is.
const firstChunkShare = 32

// producer writes the rows of a view from the scan's position on, until the
// chunk is full (it returns false, having saved its position in x) or the
// view has no more rows (true). It runs under the read lock and must not
// call out. A seek is a producer that reads x.key.
type producer func(x *scan) (done bool)

// viewDef is a row source's schema and row producers.
type viewDef struct {
	name string // schema.name, for messages
	cols []rows.Column
	// pre runs before the lock is taken (for rows that come from the
	// master); its result reaches the producers as x.extra.
	pre  func(c *Catalog) any
	scan producer
	// seek has a producer per key column: the rows whose column equals
	// x.key, found without a scan.
	seek map[int]producer
	// order has, for each column the rows can be walked in the order of,
	// the producers of that walk ascending and descending (see
	// rows.Ordered).
	order map[int]orderedWalk
	// deny returns an error (229) for callers who may not select at all.
	deny func(sc *secCtx) error
	// seekCols and orderCols list seek's and order's columns in order
	// (built once).
	seekOnce, orderOnce sync.Once
	seekCols, orderCols []int
}

// orderedWalk is a view's walk in the order of one column.
type orderedWalk struct{ asc, desc producer }

// scan is one running scan or seek: what the producer reads (set for each
// chunk, under the lock), its position, and the buffer its rows are built
// in. Scans are pooled: a point lookup in a poll loop allocates nothing.
type scan struct {
	s     *State
	sc    *secCtx
	extra any
	db    string        // the database the view was named in (sys.* views)
	key   sqltype.Value // the seek key

	// Position. pos indexes OperationOrder (and opsInOrder), a key
	// snapshot or the extra slice; inner is a position inside the object at pos (a list index,
	// or an id for lists resumed by id); seg numbers the parts of a view
	// made of several walks.
	pos, seg int
	inner    int64
	// Key snapshots of map-backed views, taken by the first chunk (keyed
	// also marks a descending walk as started).
	keyed bool
	ids   []int64
	names []string
	perms []PermKey

	w rowBuf
}

var scanPool = sync.Pool{New: func() any { return &scan{} }}

func getScan(cols []rows.Column) *scan {
	x := scanPool.Get().(*scan)
	x.w.cols = cols
	return x
}

// putScan clears what the scan referenced (the state, key snapshots, the
// values of its last chunk) and pools it, keeping its buffers unless they
// grew beyond what a usual scan needs.
func putScan(x *scan) {
	x.w.release()
	vals, ids, names, perms := x.w.vals, x.ids, x.names, x.perms
	skip, filled := x.w.skip, x.w.filled
	clear(names)
	*x = scan{}
	if cap(vals) <= 2*chunkValues {
		x.w.vals = vals[:0]
		x.w.skip, x.w.filled = skip, filled
	}
	if cap(ids)+cap(names)+cap(perms) <= 4096 {
		x.ids, x.names, x.perms = ids[:0], names[:0], perms[:0]
	}
	scanPool.Put(x)
}

// rowsOf walks the operations from the scan's position in id order; for
// each one that exists and that keep accepts, each writes its rows from
// x.inner on and returns false when it stopped because the chunk is full.
// keep and each are plain functions (no captured state), so a walk
// allocates nothing.
func (x *scan) rowsOf(keep func(x *scan, op *Operation) bool, each func(x *scan, op *Operation) bool) bool {
	ops := x.s.opsInOrder
	for ; x.pos < len(ops); x.pos++ {
		if x.w.full() {
			return false
		}
		if op := ops[x.pos]; op != nil && keep(x, op) && !each(x, op) {
			return false
		}
		x.inner = 0
	}
	return true
}

// rowsOfDesc is rowsOf from the newest operation back. The walk starts at
// the end of the creation order as the first chunk finds it: operations
// created after that are not seen (as a plain scan may miss rows removed
// before it reaches them), and an operation's own rows still come in their
// list order.
func (x *scan) rowsOfDesc(keep func(x *scan, op *Operation) bool, each func(x *scan, op *Operation) bool) bool {
	ops := x.s.opsInOrder
	if !x.keyed {
		x.keyed, x.pos = true, len(ops)-1
	}
	for ; x.pos >= 0; x.pos-- {
		if x.w.full() {
			return false
		}
		if op := ops[x.pos]; op != nil && keep(x, op) && !each(x, op) {
			return false
		}
		x.inner = 0
	}
	return true
}

// oneOp writes the rows of the operation the seek key names (all of them,
// chunk by chunk), if it exists and keep accepts it.
func (x *scan) oneOp(keep func(x *scan, op *Operation) bool, each func(x *scan, op *Operation) bool) bool {
	id, ok := seekInt(x.key)
	if !ok {
		return true
	}
	op := x.s.Operations[id]
	if op == nil || !keep(x, op) {
		return true
	}
	return each(x, op)
}

// readable keeps the operations the caller may read.
func readable(x *scan, op *Operation) bool { return x.s.check(x.sc, ObjOperation, op.ID, PermRead) }

// readableExec keeps the executions the caller may read.
func readableExec(x *scan, op *Operation) bool { return op.Exec != nil && readable(x, op) }

func anyOp(*scan, *Operation) bool        { return true }
func anyExec(_ *scan, op *Operation) bool { return op.Exec != nil }

// idsOf snapshots an id-keyed map's keys in order, once per scan.
func idsOf[K ~int32 | ~int64, V any](x *scan, m map[K]V) []int64 {
	if !x.keyed {
		x.keyed = true
		for k := range m {
			x.ids = append(x.ids, int64(k))
		}
		slices.Sort(x.ids)
	}
	return x.ids
}

// namesOf snapshots a map's string keys in order, once per scan.
func namesOf[V any](x *scan, m map[string]V) []string {
	if !x.keyed {
		x.keyed = true
		for k := range m {
			x.names = append(x.names, k)
		}
		slices.Sort(x.names)
	}
	return x.names
}

// byID walks the objects of an id-keyed map in id order from the scan's
// position; each writes an object's rows from x.inner on and returns false
// when the chunk filled. Objects removed since the snapshot are skipped.
func byID[K ~int32 | ~int64, V any](x *scan, m map[K]*V, each func(x *scan, v *V) bool) bool {
	ids := idsOf(x, m)
	for ; x.pos < len(ids); x.pos++ {
		if x.w.full() {
			return false
		}
		if v := m[K(ids[x.pos])]; v != nil && !each(x, v) {
			return false
		}
		x.inner = 0
	}
	return true
}

// inList walks a list of n rows from x.inner on, calling row for each,
// and returns false (with x.inner at the next row) when the chunk fills.
// For lists that change only at their end: an operation's messages (whose
// ids are not unique: Scale Out rows all have -1), and fixed lists.
func (x *scan) inList(n int, row func(i int)) bool {
	for i := int(x.inner); i < n; i++ {
		if x.w.full() {
			x.inner = int64(i)
			return false
		}
		row(i)
	}
	return true
}

// afterID walks the items of a list whose ids (growing along the list)
// are above x.inner, the id of the last item written, and returns false
// when the chunk fills. Resuming by id rather than by index keeps a scan
// from skipping or repeating an item when the list is rebuilt between
// chunks (a variable deleted, a parameter list replaced, and a rollback
// putting the old list back).
func afterID[T any](x *scan, list []T, id func(T) int64, row func(T)) bool {
	for _, it := range list {
		n := id(it)
		if n <= x.inner {
			continue
		}
		if x.w.full() {
			return false
		}
		row(it)
		x.inner = n
	}
	return true
}

type source struct {
	c      *Catalog
	def    *viewDef
	caller *Caller
	db     string
	// skip marks the columns a projected source leaves NULL (nil: none;
	// see rows.Projector), and runs counts them for rowBuf.skipping.
	skip []bool
	runs []int
}

// Project returns the source with the columns need leaves out written as
// NULLs (see rows.Projector); a seek source stays one.
func (v *source) Project(need []bool) rows.Source {
	var skip []bool
	if len(need) >= len(v.def.cols) {
		for i := range v.def.cols {
			if !need[i] {
				if skip == nil {
					skip = make([]bool, len(v.def.cols))
				}
				skip[i] = true
			}
		}
	}
	p := &source{c: v.c, def: v.def, caller: v.caller, db: v.db, skip: skip, runs: skipRuns(skip)}
	if len(v.def.seek) > 0 {
		return seekSource{p}
	}
	return p
}

func (v *source) Columns() []rows.Column { return v.def.cols }

var (
	_ rows.Projector = (*source)(nil)
	_ rows.Projector = seekSource{}
	_ rows.Seeker    = seekSource{}
	_ rows.Ordered   = (*source)(nil)
)

// run drives a producer chunk by chunk and hands each chunk's rows to fn
// with no lock held.
func (v *source) run(ctx context.Context, prod producer, key sqltype.Value, fn func(rows.Row) bool) error {
	x := getScan(v.def.cols)
	defer putScan(x)
	if !keeps(x.w.skip, v.skip) {
		// The pooled buffer's NULLs are another mask's.
		x.w.filled = 0
	}
	if v.def.pre != nil {
		x.extra = v.def.pre(v.c)
	}
	x.db, x.key, x.w.skip, x.w.runs = v.db, key, v.skip, v.runs
	// The first chunk is small and each next one twice the last, up to
	// chunkValues: a consumer that wants a few rows (TOP 1 of an ordered
	// walk, EXISTS) gets them without a full chunk built first, and a long
	// scan soon runs in full chunks.
	x.w.limit = max(chunkValues/firstChunkShare, 1)
	var st *State
	for first := true; ; first = false {
		if !first {
			x.w.limit = min(2*x.w.limit, chunkValues)
		}
		x.w.reset()
		v.c.mu.RLock()
		if first {
			st = v.c.st
		} else if v.c.st != st {
			// Reset or LoadState replaced the catalog: the rows this scan
			// had not reached are gone with it.
			v.c.mu.RUnlock()
			return nil
		}
		x.s, x.sc = st, st.resolve(v.caller)
		if first && v.def.deny != nil {
			if err := v.def.deny(x.sc); err != nil {
				v.c.mu.RUnlock()
				return err
			}
		}
		done := prod(x)
		x.s, x.sc = nil, nil
		v.c.mu.RUnlock()
		x.w.check(v.def.name)
		if err := ctx.Err(); err != nil {
			return err
		}
		width := len(v.def.cols)
		vals := x.w.vals
		for off := 0; off+width <= len(vals); off += width {
			if !fn(rows.Row(vals[off : off+width : off+width])) {
				return nil
			}
		}
		if done {
			return nil
		}
	}
}

// Scan calls fn for each visible row, chunk by chunk, with no lock held.
func (v *source) Scan(ctx context.Context, fn func(rows.Row) bool) error {
	return v.run(ctx, v.def.scan, sqltype.Value{}, fn)
}

// seekSource is a source with key lookups.
type seekSource struct{ *source }

func (v seekSource) SeekColumns() []int {
	d := v.def
	d.seekOnce.Do(func() {
		for i := range d.cols {
			if d.seek[i] != nil {
				d.seekCols = append(d.seekCols, i)
			}
		}
	})
	return d.seekCols
}

func (v seekSource) Seek(ctx context.Context, col int, key sqltype.Value, fn func(rows.Row) bool) error {
	f := v.def.seek[col]
	if f == nil {
		// Not a key column: filter a scan, which must build that column.
		want := valueText(key)
		scan := v.source
		if col >= 0 && col < len(scan.skip) && scan.skip[col] {
			cp := *scan
			cp.skip = slices.Clone(scan.skip)
			cp.skip[col] = false
			cp.runs = skipRuns(cp.skip)
			scan = &cp
		}
		return scan.Scan(ctx, func(r rows.Row) bool {
			if !r[col].IsNull() && valueText(r[col]) == want {
				return fn(r)
			}
			return true
		})
	}
	return v.run(ctx, f, key, fn)
}

// OrderColumns lists the columns ScanOrdered accepts.
func (v *source) OrderColumns() []int {
	d := v.def
	d.orderOnce.Do(func() {
		for i := range d.cols {
			if _, ok := d.order[i]; ok {
				d.orderCols = append(d.orderCols, i)
			}
		}
	})
	return d.orderCols
}

// ScanOrdered walks the view in the order of column col, chunk by chunk
// like Scan, so the newest N executions cost N rows, not a sort of all.
func (v *source) ScanOrdered(ctx context.Context, col int, desc bool, fn func(rows.Row) bool) error {
	o, ok := v.def.order[col]
	if !ok {
		// The planner asks only for OrderColumns: this is a planner bug.
		return sqlerr.New(8624, 16, 1, "Internal Query Processor Error: The query processor could not produce a query plan. For more information, contact Customer Support Services.")
	}
	prod := o.asc
	if desc {
		prod = o.desc
	}
	return v.run(ctx, prod, sqltype.Value{}, fn)
}

// View returns the row source for db.schema.name bound to caller, or false
// when the catalog has no such object. Names are case-insensitive. Rows the
// caller may not read are left out (catalog views); internal tables refuse
// non-admins with 229 when scanned.
func (c *Catalog) View(db, schema, name string, caller *Caller) (rows.Source, bool) {
	var def *viewDef
	inSSISDB := strings.EqualFold(db, SSISDB)
	index := catalogIndex() // also names the views
	if strings.EqualFold(schema, "sys") {
		def = sysViews[key(name)]
	} else if inSSISDB {
		def = index[viewName{key(schema), key(name)}]
	}
	if def == nil {
		return nil, false
	}
	dbKey := ssisdbKey
	if !inSSISDB {
		dbKey = key(db)
	}
	src := &source{c: c, def: def, caller: caller, db: dbKey}
	if len(def.seek) > 0 {
		return seekSource{src}, true
	}
	return src, true
}

// viewName is a catalog view's lower-case schema and name: looking a view
// up by the two parts builds no "schema.name" string on every query.
type viewName struct{ schema, name string }

var ssisdbKey = key(SSISDB)

// catalogIndex is built on first use: init functions of other files add
// to catalogViews.
var (
	catalogIndexOnce sync.Once
	catalogIndexMap  map[viewName]*viewDef
)

func catalogIndex() map[viewName]*viewDef {
	catalogIndexOnce.Do(func() {
		catalogIndexMap = make(map[viewName]*viewDef, len(catalogViews))
		for k, d := range catalogViews {
			schema, name, _ := strings.Cut(k, ".")
			catalogIndexMap[viewName{schema, name}] = d
			d.name = k
		}
		for k, d := range sysViews {
			d.name = "sys." + k
		}
	})
	return catalogIndexMap
}

// ViewNames lists the catalog's objects in SSISDB (schema.name), for
// INFORMATION_SCHEMA-style listings and tests.
func ViewNames() []string {
	out := make([]string, 0, len(catalogViews))
	for k := range catalogViews {
		out = append(out, k)
	}
	return out
}

func seekInt(key sqltype.Value) (int64, bool) { return intValue(key) }
