// Package query runs relational plans over row sources: scans and point
// seeks, filters and projections, joins (hash, index nested loops through
// a rows.Seeker, nested loops, APPLY), grouping with aggregates, window
// functions, DISTINCT and the set operations, sorts, TOP/OFFSET limits and
// recursive unions. It knows nothing of T-SQL: the engine compiles a
// query into Nodes whose predicates and expressions are Go closures over
// a row. Rows passed to a callback are only valid during the call; nodes
// that keep rows (sorts, hash tables, windows) copy them.
package query

import (
	"container/heap"
	"context"
	"slices"
	"sort"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// Expr evaluates one value from the current input row.
type Expr func(ctx context.Context, r rows.Row) (sqltype.Value, error)

// Pred evaluates a predicate with three-valued logic collapsed the way WHERE
// collapses it: only true keeps the row.
type Pred func(ctx context.Context, r rows.Row) (bool, error)

// Node is a plan node: it has a schema and produces rows in order.
type Node interface {
	Columns() []rows.Column
	// Run calls fn for each row; fn returns false to stop early. The row is
	// only valid during the call.
	Run(ctx context.Context, fn func(rows.Row) (bool, error)) error
}

// Scan reads a row source.
type Scan struct {
	Source rows.Source
}

func (s *Scan) Columns() []rows.Column { return s.Source.Columns() }

func (s *Scan) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	return drain(ctx, fn, func(each func(rows.Row) bool) error { return s.Source.Scan(ctx, each) })
}

// OrderedScan reads a row source in the order of one of its columns (see
// rows.Ordered), which lets the planner drop a sort on that column.
type OrderedScan struct {
	Source rows.Ordered
	Col    int
	Desc   bool
}

func (s *OrderedScan) Columns() []rows.Column { return s.Source.Columns() }

func (s *OrderedScan) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	return drain(ctx, fn, func(each func(rows.Row) bool) error { return s.Source.ScanOrdered(ctx, s.Col, s.Desc, each) })
}

// drain runs a source walk, passing its rows to fn and fn's error back.
func drain(ctx context.Context, fn func(rows.Row) (bool, error), walk func(func(rows.Row) bool) error) error {
	var ferr error
	n := 0
	err := walk(func(r rows.Row) bool {
		// A long scan stops when the request is cancelled (ATTENTION).
		if n++; n%4096 == 0 {
			if ferr = ctx.Err(); ferr != nil {
				return false
			}
		}
		ok, err := fn(r)
		if err != nil {
			ferr = err
			return false
		}
		return ok
	})
	if ferr != nil {
		return ferr
	}
	return err
}

// Seek reads the rows of a seekable source whose column Col equals the
// value of Key (evaluated once, before the scan).
type Seek struct {
	Source rows.Seeker
	Col    int
	Key    func(ctx context.Context) (sqltype.Value, error)
}

func (s *Seek) Columns() []rows.Column { return s.Source.Columns() }

func (s *Seek) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	key, err := s.Key(ctx)
	if err != nil {
		return err
	}
	if key.IsNull() {
		return nil // = NULL matches nothing
	}
	var ferr error
	err = s.Source.Seek(ctx, s.Col, key, func(r rows.Row) bool {
		ok, err := fn(r)
		if err != nil {
			ferr = err
			return false
		}
		return ok
	})
	if ferr != nil {
		return ferr
	}
	return err
}

// MultiSeek reads the rows of a seekable source whose column Col equals
// any of Keys' values (key IN (...), key = a OR key = b): each distinct
// value is sought once, in ascending order; NULL keys match nothing. Keys
// are evaluated once per run, before the first seek.
type MultiSeek struct {
	Source rows.Seeker
	Col    int
	Keys   []func(ctx context.Context) (sqltype.Value, error)
	Cmp    Compare
}

func (s *MultiSeek) Columns() []rows.Column { return s.Source.Columns() }

func (s *MultiSeek) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	keys := make([]sqltype.Value, 0, len(s.Keys))
	for _, k := range s.Keys {
		v, err := k(ctx)
		if err != nil {
			return err
		}
		if !v.IsNull() {
			keys = append(keys, v)
		}
	}
	var cmpErr error
	cmp := func(a, b sqltype.Value) int {
		c, err := s.Cmp(a, b)
		if err != nil && cmpErr == nil {
			cmpErr = err
		}
		return c
	}
	slices.SortFunc(keys, cmp)
	keys = slices.CompactFunc(keys, func(a, b sqltype.Value) bool { return cmp(a, b) == 0 })
	if cmpErr != nil {
		return cmpErr
	}
	var ferr error
	more := true
	each := func(r rows.Row) bool {
		ok, err := fn(r)
		if err != nil {
			ferr = err
			return false
		}
		more = ok
		return ok
	}
	for _, key := range keys {
		if err := s.Source.Seek(ctx, s.Col, key, each); err != nil {
			return err
		}
		if ferr != nil || !more {
			return ferr
		}
	}
	return nil
}

// Values is a constant relation (SELECT without FROM has one empty row).
type Values struct {
	Cols []rows.Column
	Rows []rows.Row
}

func (v *Values) Columns() []rows.Column { return v.Cols }

func (v *Values) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	for _, r := range v.Rows {
		ok, err := fn(r)
		if err != nil || !ok {
			return err
		}
	}
	return nil
}

// Filter keeps the rows for which Pred is true.
type Filter struct {
	Input Node
	Pred  Pred
}

func (f *Filter) Columns() []rows.Column { return f.Input.Columns() }

func (f *Filter) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	return f.Input.Run(ctx, func(r rows.Row) (bool, error) {
		ok, err := f.Pred(ctx, r)
		if err != nil || !ok {
			return err == nil, err
		}
		return fn(r)
	})
}

// Project computes output columns from each input row.
type Project struct {
	Input Node
	Cols  []rows.Column
	Exprs []Expr
}

func (p *Project) Columns() []rows.Column { return p.Cols }

func (p *Project) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	out := make(rows.Row, len(p.Exprs))
	return p.Input.Run(ctx, func(r rows.Row) (bool, error) {
		for i, e := range p.Exprs {
			v, err := e(ctx, r)
			if err != nil {
				return false, err
			}
			out[i] = v
		}
		return fn(out)
	})
}

// SortKey is one ORDER BY term.
type SortKey struct {
	Expr Expr
	Desc bool
}

// Compare orders two values of a sort key (NULLs first ascending, as SQL
// Server sorts them). It returns an error for values that cannot be compared.
type Compare func(a, b sqltype.Value) (int, error)

// Sort orders its input (it materialises it).
type Sort struct {
	Input Node
	Keys  []SortKey
	Cmp   Compare
}

func (s *Sort) Columns() []rows.Column { return s.Input.Columns() }

func (s *Sort) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	return s.RunFirst(ctx, -1, fn)
}

// sortItem is one input row with its sort keys and its input position, the
// last tiebreak, which keeps the sort stable.
type sortItem struct {
	row  rows.Row
	keys []sqltype.Value
	seq  int
}

// RunFirst is Run that only needs the first k rows in order (TOP k, OFFSET
// and FETCH over a sort); k < 0 means all. With a bound it keeps the best k
// rows in a heap instead of the whole input, so "the last 50 executions"
// over a million holds 50 rows, and it hands over exactly what the full
// stable sort would have.
func (s *Sort) RunFirst(ctx context.Context, k int64, fn func(rows.Row) (bool, error)) error {
	if k == 0 {
		return nil
	}
	var cmpErr error
	less := func(a, b *sortItem) bool {
		for i, key := range s.Keys {
			c, err := compareNullsFirst(a.keys[i], b.keys[i], s.Cmp)
			if err != nil && cmpErr == nil {
				cmpErr = err
			}
			if key.Desc {
				c = -c
			}
			if c != 0 {
				return c < 0
			}
		}
		return a.seq < b.seq
	}
	h := &sortHeap{less: less}
	seq := 0
	// The keys of a row that does not make it into a full heap are built
	// in scratch, so such rows cost no allocation.
	scratch := &sortItem{keys: make([]sqltype.Value, len(s.Keys))}
	err := s.Input.Run(ctx, func(r rows.Row) (bool, error) {
		scratch.seq = seq
		seq++
		for i, key := range s.Keys {
			v, err := key.Expr(ctx, r)
			if err != nil {
				return false, err
			}
			scratch.keys[i] = v
		}
		full := k >= 0 && int64(len(h.items)) == k
		if full && !less(scratch, h.items[0]) {
			// It sorts after the worst row kept: it cannot be among the first k.
			return cmpErr == nil, cmpErr
		}
		if full {
			// The row replaces the worst one kept, in its storage: input
			// in the opposite order (the newest N of rows that come oldest
			// first) replaces a row each time.
			it := h.items[0]
			it.keys = append(it.keys[:0], scratch.keys...)
			it.seq = scratch.seq
			it.row = append(it.row[:0], r...)
			heap.Fix(h, 0)
			return cmpErr == nil, cmpErr
		}
		it := &sortItem{keys: append([]sqltype.Value(nil), scratch.keys...), seq: scratch.seq, row: append(rows.Row(nil), r...)}
		if k >= 0 {
			heap.Push(h, it)
		} else {
			h.items = append(h.items, it)
		}
		return cmpErr == nil, cmpErr
	})
	if err != nil {
		return err
	}
	items := h.items
	sort.Slice(items, func(i, j int) bool { return less(items[i], items[j]) })
	if cmpErr != nil {
		return cmpErr
	}
	for _, it := range items {
		ok, err := fn(it.row)
		if err != nil || !ok {
			return err
		}
	}
	return nil
}

// sortHeap is a max-heap in sort order: its root is the worst row kept.
type sortHeap struct {
	items []*sortItem
	less  func(a, b *sortItem) bool
}

func (h *sortHeap) Len() int           { return len(h.items) }
func (h *sortHeap) Less(i, j int) bool { return h.less(h.items[j], h.items[i]) }
func (h *sortHeap) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *sortHeap) Push(x any)         { h.items = append(h.items, x.(*sortItem)) }
func (h *sortHeap) Pop() any {
	it := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return it
}

// Top passes at most N rows.
type Top struct {
	Input Node
	N     int64
}

func (t *Top) Columns() []rows.Column { return t.Input.Columns() }

func (t *Top) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	if t.N <= 0 {
		return nil
	}
	var n int64
	return t.Input.Run(ctx, func(r rows.Row) (bool, error) {
		n++
		ok, err := fn(r)
		if err != nil {
			return false, err
		}
		return ok && n < t.N, nil
	})
}
