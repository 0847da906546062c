package query

import (
	"context"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// JoinKind is the kind of a join: which unmatched rows it keeps.
type JoinKind uint8

const (
	Inner JoinKind = iota
	LeftOuter
	RightOuter
	FullOuter
)

func (k JoinKind) keepsLeft() bool  { return k == LeftOuter || k == FullOuter }
func (k JoinKind) keepsRight() bool { return k == RightOuter || k == FullOuter }

// joinColumns is the schema of a join: the left columns then the right
// ones, the side an outer join pads with NULLs made nullable.
func joinColumns(k JoinKind, l, r []rows.Column) []rows.Column {
	out := make([]rows.Column, 0, len(l)+len(r))
	for _, c := range l {
		c.Nullable = c.Nullable || k.keepsRight()
		out = append(out, c)
	}
	for _, c := range r {
		c.Nullable = c.Nullable || k.keepsLeft()
		out = append(out, c)
	}
	return out
}

// nulls returns typed NULLs for cols, the padding of an outer join.
func nulls(cols []rows.Column) rows.Row {
	out := make(rows.Row, len(cols))
	for i, c := range cols {
		out[i] = sqltype.Null(c.Type)
	}
	return out
}

// materialize runs n and keeps copies of its rows.
func materialize(ctx context.Context, n Node) ([]rows.Row, error) {
	var out []rows.Row
	err := n.Run(ctx, func(r rows.Row) (bool, error) {
		out = append(out, append(rows.Row(nil), r...))
		return true, nil
	})
	return out, err
}

// combiner builds the rows a join emits in one reused buffer.
type combiner struct {
	buf   rows.Row
	nl    int
	lnull rows.Row
	rnull rows.Row
}

func newCombiner(l, r []rows.Column) *combiner {
	return &combiner{buf: make(rows.Row, len(l)+len(r)), nl: len(l), lnull: nulls(l), rnull: nulls(r)}
}

func (c *combiner) join(l, r rows.Row) rows.Row {
	if l == nil {
		l = c.lnull
	}
	if r == nil {
		r = c.rnull
	}
	copy(c.buf, l[:c.nl])
	copy(c.buf[c.nl:], r)
	return c.buf
}

// NestedLoop joins every left row with every right row for which Pred
// holds (nil Pred: a cross join). The right input is read once and kept.
type NestedLoop struct {
	Kind        JoinKind
	Left, Right Node
	Pred        Pred // on the combined row
}

func (j *NestedLoop) Columns() []rows.Column {
	return joinColumns(j.Kind, j.Left.Columns(), j.Right.Columns())
}

func (j *NestedLoop) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	right, err := materialize(ctx, j.Right)
	if err != nil {
		return err
	}
	p := newPairing(j.Kind, j.Pred, j.Left, j.Right, right, fn)
	n := 0
	err = j.Left.Run(ctx, func(l rows.Row) (bool, error) {
		hit := false
		for i := range right {
			if n++; n%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return false, err
				}
			}
			matched, more, err := p.pair(ctx, l, i)
			if !more {
				return false, err
			}
			hit = hit || matched
		}
		return p.leftDone(l, hit)
	})
	return p.finish(err)
}

// pairing is what NestedLoop and HashJoin share while they run over the
// right rows they keep: the combiner, which right rows a left row matched
// (right and full joins only) and whether the consumer stopped the join.
type pairing struct {
	kind    JoinKind
	pred    Pred
	cb      *combiner
	right   []rows.Row
	fn      func(rows.Row) (bool, error)
	matched []bool
	stopped bool
}

func newPairing(kind JoinKind, pred Pred, left, right Node, kept []rows.Row, fn func(rows.Row) (bool, error)) *pairing {
	p := &pairing{kind: kind, pred: pred, cb: newCombiner(left.Columns(), right.Columns()), right: kept, fn: fn}
	if kind.keepsRight() {
		p.matched = make([]bool, len(kept))
	}
	return p
}

// pair offers left row l with kept right row i: when Pred holds (or there
// is none) they match and their row goes to the consumer. more is false
// when the join must stop: Pred failed, or the consumer stopped or failed.
func (p *pairing) pair(ctx context.Context, l rows.Row, i int) (matched, more bool, err error) {
	row := p.cb.join(l, p.right[i])
	if p.pred != nil {
		ok, err := p.pred(ctx, row)
		if err != nil {
			return false, false, err
		}
		if !ok {
			return false, true, nil
		}
	}
	if p.matched != nil {
		p.matched[i] = true
	}
	more, err = p.fn(row)
	if err != nil || !more {
		p.stopped = true
		return true, false, err
	}
	return true, true, nil
}

// leftDone ends left row l: in a left or full join, a row that matched
// nothing goes to the consumer padded with NULLs.
func (p *pairing) leftDone(l rows.Row, hit bool) (bool, error) {
	if !hit && p.kind.keepsLeft() {
		more, err := p.fn(p.cb.join(l, nil))
		if err != nil || !more {
			p.stopped = true
			return false, err
		}
	}
	return true, nil
}

// finish ends the join once the left input ended with err: in a right or
// full join that ran to the end, the right rows nothing matched go to the
// consumer padded with NULLs.
func (p *pairing) finish(err error) error {
	if err != nil || p.stopped || p.matched == nil {
		return err
	}
	for i, r := range p.right {
		if !p.matched[i] {
			more, err := p.fn(p.cb.join(nil, r))
			if err != nil || !more {
				return err
			}
		}
	}
	return nil
}

// HashJoin joins on equal keys: LeftKeys on a left row against RightKeys
// on a right row (the engine converts both sides to their comparison type,
// so equal values get equal keys). A NULL key matches nothing. Pred is the
// rest of the join condition, on the combined row. The right input is
// built into a hash table; the left one streams.
type HashJoin struct {
	Kind                JoinKind
	Left, Right         Node
	LeftKeys, RightKeys []Expr
	Pred                Pred
	Coll                sqltype.Collation
}

func (j *HashJoin) Columns() []rows.Column {
	return joinColumns(j.Kind, j.Left.Columns(), j.Right.Columns())
}

// appendKeys appends the hash key of a row's key values; ok is false when
// one of them is NULL.
func appendKeys(ctx context.Context, dst []byte, keys []Expr, r rows.Row, coll sqltype.Collation) ([]byte, bool, error) {
	for _, k := range keys {
		v, err := k(ctx, r)
		if err != nil {
			return dst, false, err
		}
		if v.IsNull() {
			return dst, false, nil
		}
		dst = sqltype.AppendKey(dst, v, coll)
		dst = append(dst, 0xff)
	}
	return dst, true, nil
}

func (j *HashJoin) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	var right []rows.Row
	table := map[string][]int{}
	var key []byte
	var nullKeyed []int // right rows with a NULL key: only an outer join shows them
	err := j.Right.Run(ctx, func(r rows.Row) (bool, error) {
		var ok bool
		var err error
		key, ok, err = appendKeys(ctx, key[:0], j.RightKeys, r, j.Coll)
		if err != nil {
			return false, err
		}
		right = append(right, append(rows.Row(nil), r...))
		if ok {
			table[string(key)] = append(table[string(key)], len(right)-1)
		} else {
			nullKeyed = append(nullKeyed, len(right)-1)
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	p := newPairing(j.Kind, j.Pred, j.Left, j.Right, right, fn)
	err = j.Left.Run(ctx, func(l rows.Row) (bool, error) {
		var ok bool
		var err error
		key, ok, err = appendKeys(ctx, key[:0], j.LeftKeys, l, j.Coll)
		if err != nil {
			return false, err
		}
		hit := false
		if ok {
			for _, i := range table[string(key)] {
				matched, more, err := p.pair(ctx, l, i)
				if !more {
					return false, err
				}
				hit = hit || matched
			}
		}
		return p.leftDone(l, hit)
	})
	return p.finish(err)
}

// IndexJoin looks up, for each left row, the right rows whose column Col
// equals Key (evaluated on the left row) through the right source's Seek:
// an index nested loops join. RightPred filters the right rows (on the
// right row alone), Pred the combined rows. Kind is Inner or LeftOuter.
type IndexJoin struct {
	Kind      JoinKind
	Left      Node
	Right     rows.Seeker
	Col       int
	Key       Expr
	RightPred Pred
	Pred      Pred
}

func (j *IndexJoin) Columns() []rows.Column {
	return joinColumns(j.Kind, j.Left.Columns(), j.Right.Columns())
}

func (j *IndexJoin) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	cb := newCombiner(j.Left.Columns(), j.Right.Columns())
	// The probe of one left row: its state and the seek's callback are
	// made once per run, not once per left row.
	var (
		l            rows.Row
		hit, stopped bool
		ferr         error
	)
	each := func(r rows.Row) bool {
		if j.RightPred != nil {
			ok, err := j.RightPred(ctx, r)
			if err != nil {
				ferr = err
				return false
			}
			if !ok {
				return true
			}
		}
		row := cb.join(l, r)
		if j.Pred != nil {
			ok, err := j.Pred(ctx, row)
			if err != nil {
				ferr = err
				return false
			}
			if !ok {
				return true
			}
		}
		hit = true
		more, err := fn(row)
		if err != nil || !more {
			ferr = err
			stopped = true
			return false
		}
		return true
	}
	return j.Left.Run(ctx, func(left rows.Row) (bool, error) {
		k, err := j.Key(ctx, left)
		if err != nil {
			return false, err
		}
		l, hit, ferr = left, false, nil
		if !k.IsNull() {
			err = j.Right.Seek(ctx, j.Col, k, each)
			if ferr != nil {
				return false, ferr
			}
			if err != nil {
				return false, err
			}
			if stopped {
				return false, nil
			}
		}
		if !hit && j.Kind.keepsLeft() {
			more, err := fn(cb.join(left, nil))
			if err != nil || !more {
				return false, err
			}
		}
		return true, nil
	})
}

// Apply runs Right once per left row (CROSS APPLY, OUTER APPLY): Bind is
// called with the left row before Right runs, so the right side can read
// it (the engine keeps it as the outer row of a correlated query) and
// Unbind after. Outer keeps left rows with no right row, padded with NULLs.
type Apply struct {
	Outer       bool
	Left, Right Node
	Bind        func(ctx context.Context, l rows.Row) context.Context
	Unbind      func(ctx context.Context)
}

func (a *Apply) Columns() []rows.Column {
	k := Inner
	if a.Outer {
		k = LeftOuter
	}
	return joinColumns(k, a.Left.Columns(), a.Right.Columns())
}

func (a *Apply) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	cb := newCombiner(a.Left.Columns(), a.Right.Columns())
	return a.Left.Run(ctx, func(l rows.Row) (bool, error) {
		rctx := ctx
		if a.Bind != nil {
			rctx = a.Bind(ctx, l)
		}
		hit := false
		stopped := false
		err := a.Right.Run(rctx, func(r rows.Row) (bool, error) {
			hit = true
			more, err := fn(cb.join(l, r))
			if err != nil || !more {
				stopped = true
				return false, err
			}
			return true, nil
		})
		if a.Unbind != nil {
			a.Unbind(rctx)
		}
		if err != nil || stopped {
			return false, err
		}
		if !hit && a.Outer {
			return fn(cb.join(l, nil))
		}
		return true, nil
	})
}
