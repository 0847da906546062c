package query

import (
	"context"
	"sort"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// WindowKind is a window function.
type WindowKind uint8

const (
	RowNumber WindowKind = iota + 1
	Rank
	DenseRank
	NTile
	Lag
	Lead
	FirstValue
	LastValue
	WindowAggregate
)

// BoundKind is one end of a window frame.
type BoundKind uint8

const (
	UnboundedPreceding BoundKind = iota + 1
	Preceding
	CurrentRow
	Following
	UnboundedFollowing
)

// Bound is a frame bound: N rows (or, for RANGE, peers) before or after.
type Bound struct {
	Kind BoundKind
	N    int64
}

// Frame is ROWS/RANGE BETWEEN Start AND End.
type Frame struct {
	Rows       bool
	Start, End Bound
}

// WindowFunc is one function OVER (PARTITION BY ... ORDER BY ...).
type WindowFunc struct {
	Kind      WindowKind
	Partition []Expr
	Order     []SortKey
	Arg       Expr // LAG, LEAD, FIRST_VALUE, LAST_VALUE, the aggregate's (nil: COUNT(*))
	N         Expr // NTILE's count; LAG/LEAD's offset (nil: 1)
	Default   Expr // LAG/LEAD's default (nil: NULL)
	Agg       func() Accumulator
	// Frame is nil for the default: the whole partition without ORDER BY,
	// RANGE UNBOUNDED PRECEDING to CURRENT ROW with it.
	Frame *Frame
	Type  sqltype.Type
}

// Window computes window functions over its (materialised) input. Each
// output row is the input row followed by one value per function; rows
// come out in the order of the last function's partitioning and ordering.
type Window struct {
	Input Node
	Funcs []WindowFunc
	Cols  []rows.Column
	Cmp   Compare
	Coll  sqltype.Collation
	// NullEliminated is called when a windowed aggregate skipped a NULL.
	NullEliminated func()
}

func (w *Window) Columns() []rows.Column { return w.Cols }

func (w *Window) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	in, err := materialize(ctx, w.Input)
	if err != nil {
		return err
	}
	nf := len(w.Funcs)
	vals := make([]sqltype.Value, len(in)*nf)
	order := make([]int, len(in))
	for i := range order {
		order[i] = i
	}
	for fi := range w.Funcs {
		if order, err = w.compute(ctx, fi, in, vals); err != nil {
			return err
		}
	}
	nIn := len(w.Input.Columns())
	out := make(rows.Row, nIn+nf)
	for _, i := range order {
		copy(out, in[i])
		copy(out[nIn:], vals[i*nf:(i+1)*nf])
		more, err := fn(out)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

type winRow struct {
	idx   int
	part  []byte
	pvals []sqltype.Value
	keys  []sqltype.Value
}

// compute fills function fi's column of vals and returns the row order it
// sorted by.
func (w *Window) compute(ctx context.Context, fi int, in []rows.Row, vals []sqltype.Value) ([]int, error) {
	f := &w.Funcs[fi]
	nf := len(w.Funcs)
	wr := make([]winRow, len(in))
	for i, r := range in {
		x := winRow{idx: i}
		for _, p := range f.Partition {
			v, err := p(ctx, r)
			if err != nil {
				return nil, err
			}
			x.pvals = append(x.pvals, v)
			x.part = sqltype.AppendKey(x.part, v, w.Coll)
			x.part = append(x.part, 0xff)
		}
		for _, k := range f.Order {
			v, err := k.Expr(ctx, r)
			if err != nil {
				return nil, err
			}
			x.keys = append(x.keys, v)
		}
		wr[i] = x
	}
	var cmpErr error
	sort.SliceStable(wr, func(a, b int) bool {
		c, err := compareKeys(wr[a].pvals, wr[b].pvals, nil, w.Cmp)
		if err == nil && c == 0 {
			c, err = compareKeys(wr[a].keys, wr[b].keys, f.Order, w.Cmp)
		}
		if err != nil && cmpErr == nil {
			cmpErr = err
		}
		return c < 0
	})
	if cmpErr != nil {
		return nil, cmpErr
	}
	order := make([]int, len(wr))
	for i := range wr {
		order[i] = wr[i].idx
	}
	set := func(pos int, v sqltype.Value) { vals[wr[pos].idx*nf+fi] = v }
	for start := 0; start < len(wr); {
		end := start + 1
		for end < len(wr) && string(wr[end].part) == string(wr[start].part) {
			end++
		}
		if err := w.partition(ctx, f, in, wr[start:end], start, set); err != nil {
			return nil, err
		}
		start = end
	}
	return order, nil
}

// peerEnd returns the end (exclusive) of the peer group starting at i.
func (w *Window) peerEnd(f *WindowFunc, p []winRow, i int) (int, error) {
	j := i + 1
	for j < len(p) {
		c, err := compareKeys(p[j].keys, p[i].keys, f.Order, w.Cmp)
		if err != nil {
			return 0, err
		}
		if c != 0 {
			break
		}
		j++
	}
	return j, nil
}

func (w *Window) partition(ctx context.Context, f *WindowFunc, in []rows.Row, p []winRow, base int, set func(int, sqltype.Value)) error {
	n := len(p)
	switch f.Kind {
	case RowNumber:
		for i := range p {
			set(base+i, sqltype.NewBigInt(int64(i+1)))
		}
	case Rank, DenseRank:
		dense := int64(0)
		for i := 0; i < n; {
			j, err := w.peerEnd(f, p, i)
			if err != nil {
				return err
			}
			dense++
			for k := i; k < j; k++ {
				if f.Kind == Rank {
					set(base+k, sqltype.NewBigInt(int64(i+1)))
				} else {
					set(base+k, sqltype.NewBigInt(dense))
				}
			}
			i = j
		}
	case NTile:
		nv, err := f.N(ctx, in[p[0].idx])
		if err != nil {
			return err
		}
		buckets := nv.Int64()
		if nv.IsNull() || buckets <= 0 {
			return sqlerr4111()
		}
		size, extra := int64(n)/buckets, int64(n)%buckets
		pos := 0
		for b := int64(1); b <= buckets && pos < n; b++ {
			cnt := size
			if b <= extra {
				cnt++
			}
			for k := int64(0); k < cnt && pos < n; k++ {
				set(base+pos, sqltype.NewBigInt(b))
				pos++
			}
		}
	case Lag, Lead:
		for i := range p {
			r := in[p[i].idx]
			off := int64(1)
			if f.N != nil {
				ov, err := f.N(ctx, r)
				if err != nil {
					return err
				}
				off = ov.Int64()
			}
			j := int64(i) - off
			if f.Kind == Lead {
				j = int64(i) + off
			}
			var v sqltype.Value
			var err error
			switch {
			case j >= 0 && j < int64(n):
				v, err = f.Arg(ctx, in[p[j].idx])
			case f.Default != nil:
				v, err = f.Default(ctx, r)
			default:
				v = sqltype.Null(f.Type)
			}
			if err != nil {
				return err
			}
			v, err = fitType(v, f.Type)
			if err != nil {
				return err
			}
			set(base+i, v)
		}
	default:
		return w.framed(ctx, f, in, p, base, set)
	}
	return nil
}

// errInvalidNTile is NTILE's answer to a count that is not positive.
func sqlerr4111() error {
	return sqlerr.New(4111, 16, 1, "The function 'NTILE' takes only a positive int or bigint expression as its input.")
}

// framed computes FIRST_VALUE, LAST_VALUE and aggregates over each row's
// frame.
func (w *Window) framed(ctx context.Context, f *WindowFunc, in []rows.Row, p []winRow, base int, set func(int, sqltype.Value)) error {
	n := len(p)
	fr := f.Frame
	if fr == nil {
		if len(f.Order) == 0 {
			fr = &Frame{Rows: true, Start: Bound{Kind: UnboundedPreceding}, End: Bound{Kind: UnboundedFollowing}}
		} else {
			fr = &Frame{Start: Bound{Kind: UnboundedPreceding}, End: Bound{Kind: CurrentRow}}
		}
	}
	// Peer group bounds, for RANGE frames.
	peerStart := make([]int, n)
	peerStop := make([]int, n)
	for i := 0; i < n; {
		j, err := w.peerEnd(f, p, i)
		if err != nil {
			return err
		}
		for k := i; k < j; k++ {
			peerStart[k], peerStop[k] = i, j
		}
		i = j
	}
	bound := func(b Bound, i int, start bool) int {
		switch b.Kind {
		case UnboundedPreceding:
			return 0
		case UnboundedFollowing:
			return n
		case CurrentRow:
			if fr.Rows {
				if start {
					return i
				}
				return i + 1
			}
			if start {
				return peerStart[i]
			}
			return peerStop[i]
		case Preceding:
			if start {
				return max(0, i-int(b.N))
			}
			return max(0, i-int(b.N)+1)
		case Following:
			if start {
				return min(n, i+int(b.N))
			}
			return min(n, i+int(b.N)+1)
		}
		return i
	}
	nullSkipped := false
	for i := range p {
		s, e := bound(fr.Start, i, true), bound(fr.End, i, false)
		s, e = max(0, min(s, n)), max(0, min(e, n))
		var v sqltype.Value
		switch f.Kind {
		case FirstValue, LastValue:
			v = sqltype.Null(f.Type)
			if s < e {
				j := s
				if f.Kind == LastValue {
					j = e - 1
				}
				var err error
				if v, err = f.Arg(ctx, in[p[j].idx]); err != nil {
					return err
				}
			}
		default:
			acc := f.Agg()
			for k := s; k < e; k++ {
				x := countStar
				if f.Arg != nil {
					var err error
					if x, err = f.Arg(ctx, in[p[k].idx]); err != nil {
						return err
					}
					if x.IsNull() {
						nullSkipped = true
						continue
					}
				}
				if err := acc.Add(x); err != nil {
					return err
				}
			}
			var err error
			if v, err = acc.Result(); err != nil {
				return err
			}
		}
		v, err := fitType(v, f.Type)
		if err != nil {
			return err
		}
		set(base+i, v)
	}
	if nullSkipped && w.NullEliminated != nil {
		w.NullEliminated()
	}
	return nil
}

// fitType gives a value the function's declared type.
func fitType(v sqltype.Value, t sqltype.Type) (sqltype.Value, error) {
	if t.Kind == sqltype.Unknown || t.Kind == sqltype.SQLVariant || v.Type() == t {
		return v, nil
	}
	if v.IsNull() {
		return sqltype.Null(t), nil
	}
	return sqltype.Assign(v, t)
}
