package query

import (
	"context"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// rowKey appends the hash key of the first width values of r (all of them
// for width 0): equal under Compare means equal keys, and NULLs are equal
// to each other, as DISTINCT and UNION treat them.
func rowKey(dst []byte, r rows.Row, width int, coll sqltype.Collation) []byte {
	if width == 0 || width > len(r) {
		width = len(r)
	}
	for _, v := range r[:width] {
		dst = sqltype.AppendKey(dst, v, coll)
		dst = append(dst, 0xff)
	}
	return dst
}

// Distinct drops rows whose first Width values (all, for 0) equal an
// earlier row's. It streams, keeping the keys it has seen.
type Distinct struct {
	Input Node
	Width int
	Coll  sqltype.Collation
}

func (d *Distinct) Columns() []rows.Column { return d.Input.Columns() }

func (d *Distinct) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	seen := map[string]struct{}{}
	var key []byte
	return d.Input.Run(ctx, func(r rows.Row) (bool, error) {
		key = rowKey(key[:0], r, d.Width, d.Coll)
		if _, ok := seen[string(key)]; ok {
			return true, nil
		}
		seen[string(key)] = struct{}{}
		return fn(r)
	})
}

// Concat is UNION ALL: the inputs one after the other. The inputs already
// have the result's types (the engine converts each side).
type Concat struct {
	Inputs []Node
	Cols   []rows.Column
}

func (c *Concat) Columns() []rows.Column { return c.Cols }

func (c *Concat) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	stopped := false
	for _, in := range c.Inputs {
		err := in.Run(ctx, func(r rows.Row) (bool, error) {
			more, err := fn(r)
			if err != nil || !more {
				stopped = true
			}
			return more, err
		})
		if err != nil || stopped {
			return err
		}
	}
	return nil
}

// SetDiff is EXCEPT (rows of Left not in Right) or, with Intersect, the
// rows of Left also in Right; both return distinct rows.
type SetDiff struct {
	Left, Right Node
	Intersect   bool
	Coll        sqltype.Collation
}

func (s *SetDiff) Columns() []rows.Column { return s.Left.Columns() }

func (s *SetDiff) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	right := map[string]struct{}{}
	var key []byte
	err := s.Right.Run(ctx, func(r rows.Row) (bool, error) {
		key = rowKey(key[:0], r, 0, s.Coll)
		right[string(key)] = struct{}{}
		return true, nil
	})
	if err != nil {
		return err
	}
	seen := map[string]struct{}{}
	return s.Left.Run(ctx, func(r rows.Row) (bool, error) {
		key = rowKey(key[:0], r, 0, s.Coll)
		if _, ok := seen[string(key)]; ok {
			return true, nil
		}
		seen[string(key)] = struct{}{}
		if _, in := right[string(key)]; in != s.Intersect {
			return true, nil
		}
		return fn(r)
	})
}

// Limit is TOP and OFFSET/FETCH over an ordered input. Count returns the
// TOP or FETCH count (nil: no limit), Skip the OFFSET (nil: none). With
// Percent the count is a percentage of the input (rounded up), which reads
// the whole input first. With Ties (TOP ... WITH TIES), rows equal on
// TieKeys to the last row within the count are kept too.
type Limit struct {
	Input   Node
	Count   func(ctx context.Context) (float64, error)
	Skip    func(ctx context.Context) (int64, error)
	Percent bool
	TieKeys []int
	Cmp     Compare
}

func (l *Limit) Columns() []rows.Column { return l.Input.Columns() }

func (l *Limit) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	var skip int64
	if l.Skip != nil {
		var err error
		if skip, err = l.Skip(ctx); err != nil {
			return err
		}
	}
	limit := int64(-1)
	if l.Count != nil {
		c, err := l.Count(ctx)
		if err != nil {
			return err
		}
		if l.Percent {
			all, err := materialize(ctx, l.Input)
			if err != nil {
				return err
			}
			n := int64(c * float64(len(all)) / 100)
			if float64(n)*100 < c*float64(len(all)) {
				n++
			}
			return l.emit(ctx, &Values{Cols: l.Input.Columns(), Rows: all}, skip, n, fn)
		}
		limit = int64(c)
	}
	in := l.Input
	if srt, ok := in.(*Sort); ok && limit >= 0 && len(l.TieKeys) == 0 {
		// Only the first skip+limit rows of the sort are needed.
		in = &firstOfSort{srt, skip + limit}
	}
	return l.emit(ctx, in, skip, limit, fn)
}

// firstOfSort runs a sort that only has to produce its first n rows.
type firstOfSort struct {
	*Sort
	n int64
}

func (f *firstOfSort) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	return f.Sort.RunFirst(ctx, f.n, fn)
}

func (l *Limit) emit(ctx context.Context, in Node, skip, limit int64, fn func(rows.Row) (bool, error)) error {
	if limit == 0 {
		return nil
	}
	var n int64
	var last rows.Row
	return in.Run(ctx, func(r rows.Row) (bool, error) {
		if skip > 0 {
			skip--
			return true, nil
		}
		if limit >= 0 && n >= limit {
			if len(l.TieKeys) == 0 || last == nil {
				return false, nil
			}
			for _, k := range l.TieKeys {
				c, err := compareNullsFirst(r[k], last[k], l.Cmp)
				if err != nil {
					return false, err
				}
				if c != 0 {
					return false, nil
				}
			}
		}
		n++
		if len(l.TieKeys) > 0 && n == limit {
			last = append(last[:0], r...)
		}
		more, err := fn(r)
		if err != nil || !more {
			return false, err
		}
		return limit < 0 || n < limit || len(l.TieKeys) > 0, nil
	})
}

// WorkTable is the rows of the previous step of a recursive CTE, which its
// recursive member reads.
type WorkTable struct {
	Cols []rows.Column
	Rows []rows.Row
}

func (w *WorkTable) Columns() []rows.Column { return w.Cols }

func (w *WorkTable) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	for _, r := range w.Rows {
		more, err := fn(r)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// Recursive runs a recursive CTE: Anchor once, then Step repeatedly with
// Work holding the rows the previous round produced, until a round
// produces none. More than Max rounds (0: no limit) is Msg 530.
type Recursive struct {
	Anchor, Step Node
	Work         *WorkTable
	Max          func(ctx context.Context) (int64, error)
}

func (r *Recursive) Columns() []rows.Column { return r.Anchor.Columns() }

func (r *Recursive) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	max := int64(100)
	if r.Max != nil {
		var err error
		if max, err = r.Max(ctx); err != nil {
			return err
		}
	}
	cur, err := materialize(ctx, r.Anchor)
	if err != nil {
		return err
	}
	for round := int64(0); len(cur) > 0; round++ {
		for _, row := range cur {
			more, err := fn(row)
			if err != nil || !more {
				return err
			}
		}
		r.Work.Rows = cur
		next, err := materialize(ctx, r.Step)
		r.Work.Rows = nil
		if err != nil {
			return err
		}
		if len(next) > 0 && max > 0 && round+1 > max {
			return sqlerr.New(530, 16, 1, "The statement terminated. The maximum recursion %d has been exhausted before statement completion.", max)
		}
		cur = next
	}
	return nil
}
