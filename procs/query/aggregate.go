package query

import (
	"context"
	"sort"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// Accumulator folds the values of one aggregate over a group. Add sees
// only non-NULL values (the Aggregate node skips NULLs, and passes a
// non-NULL placeholder for COUNT(*)).
type Accumulator interface {
	Add(v sqltype.Value) error
	Result() (sqltype.Value, error)
}

// AggSpec is one aggregate of an Aggregate node.
type AggSpec struct {
	New      func() Accumulator
	Arg      Expr // nil for COUNT(*): every row counts
	Distinct bool
	// Filter keeps only the rows for which it holds (PIVOT's IN values).
	Filter Pred
	// Order feeds the values in this order (STRING_AGG ... WITHIN GROUP).
	Order []SortKey
}

// Aggregate groups its input by Keys and computes Aggs per group. Each
// output row is the first input row of its group followed by the
// aggregate values, so expressions over grouped columns read the input
// columns unchanged. With Scalar (no GROUP BY) there is exactly one group,
// even for no input (its input columns are then NULL). Groups come out in
// key order, as a sort-based plan would give them.
type Aggregate struct {
	Input  Node
	Keys   []Expr
	Aggs   []AggSpec
	Cols   []rows.Column // input columns, then one per aggregate
	Scalar bool
	Coll   sqltype.Collation
	Cmp    Compare
	// NullEliminated is called once when an aggregate skipped a NULL
	// (SQL Server's warning 8153).
	NullEliminated func()
}

func (a *Aggregate) Columns() []rows.Column { return a.Cols }

type ordered struct {
	v    sqltype.Value
	keys []sqltype.Value
}

type group struct {
	rep      rows.Row
	keys     []sqltype.Value
	accs     []Accumulator
	distinct []map[string]struct{}
	buffered [][]ordered
}

func (a *Aggregate) newGroup(r rows.Row, keys []sqltype.Value) *group {
	g := &group{rep: append(rows.Row(nil), r...), keys: keys, accs: make([]Accumulator, len(a.Aggs))}
	for i, s := range a.Aggs {
		g.accs[i] = s.New()
		if s.Distinct {
			if g.distinct == nil {
				g.distinct = make([]map[string]struct{}, len(a.Aggs))
			}
			g.distinct[i] = map[string]struct{}{}
		}
		if len(s.Order) > 0 {
			if g.buffered == nil {
				g.buffered = make([][]ordered, len(a.Aggs))
			}
		}
	}
	return g
}

var countStar = sqltype.NewInt(1)

func (a *Aggregate) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	groups := map[string]*group{}
	var order []*group
	var key []byte
	keyVals := make([]sqltype.Value, len(a.Keys))
	nullSkipped := false
	var kbuf []byte
	err := a.Input.Run(ctx, func(r rows.Row) (bool, error) {
		key = key[:0]
		for i, k := range a.Keys {
			v, err := k(ctx, r)
			if err != nil {
				return false, err
			}
			keyVals[i] = v
			key = sqltype.AppendKey(key, v, a.Coll)
			key = append(key, 0xff)
		}
		g := groups[string(key)]
		if g == nil {
			g = a.newGroup(r, append([]sqltype.Value(nil), keyVals...))
			groups[string(key)] = g
			order = append(order, g)
		}
		for i := range a.Aggs {
			s := &a.Aggs[i]
			if s.Filter != nil {
				ok, err := s.Filter(ctx, r)
				if err != nil {
					return false, err
				}
				if !ok {
					continue
				}
			}
			v := countStar
			if s.Arg != nil {
				var err error
				if v, err = s.Arg(ctx, r); err != nil {
					return false, err
				}
				if v.IsNull() {
					nullSkipped = true
					continue
				}
			}
			if s.Distinct {
				kbuf = sqltype.AppendKey(kbuf[:0], v, a.Coll)
				if _, seen := g.distinct[i][string(kbuf)]; seen {
					continue
				}
				g.distinct[i][string(kbuf)] = struct{}{}
			}
			if len(s.Order) > 0 {
				o := ordered{v: v, keys: make([]sqltype.Value, len(s.Order))}
				for j, k := range s.Order {
					kv, err := k.Expr(ctx, r)
					if err != nil {
						return false, err
					}
					o.keys[j] = kv
				}
				g.buffered[i] = append(g.buffered[i], o)
				continue
			}
			if err := g.accs[i].Add(v); err != nil {
				return false, err
			}
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	if a.Scalar && len(order) == 0 {
		in := a.Input.Columns()
		order = append(order, a.newGroup(nulls(in), nil))
	}
	if len(a.Keys) > 0 && a.Cmp != nil {
		var cmpErr error
		sort.SliceStable(order, func(i, j int) bool {
			c, err := compareKeys(order[i].keys, order[j].keys, nil, a.Cmp)
			if err != nil && cmpErr == nil {
				cmpErr = err
			}
			return c < 0
		})
		if cmpErr != nil {
			return cmpErr
		}
	}
	if nullSkipped && a.NullEliminated != nil {
		a.NullEliminated()
	}
	nIn := len(a.Input.Columns())
	out := make(rows.Row, nIn+len(a.Aggs))
	for _, g := range order {
		copy(out, g.rep)
		for i, acc := range g.accs {
			if g.buffered != nil && g.buffered[i] != nil {
				if err := feedOrdered(acc, g.buffered[i], a.Aggs[i].Order, a.Cmp); err != nil {
					return err
				}
			}
			v, err := acc.Result()
			if err != nil {
				return err
			}
			out[nIn+i] = v
		}
		more, err := fn(out)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

func feedOrdered(acc Accumulator, items []ordered, keys []SortKey, cmp Compare) error {
	var cmpErr error
	sort.SliceStable(items, func(i, j int) bool {
		c, err := compareKeys(items[i].keys, items[j].keys, keys, cmp)
		if err != nil && cmpErr == nil {
			cmpErr = err
		}
		return c < 0
	})
	if cmpErr != nil {
		return cmpErr
	}
	for _, it := range items {
		if err := acc.Add(it.v); err != nil {
			return err
		}
	}
	return nil
}

// compareKeys orders two key tuples: NULLs first, DESC keys reversed.
func compareKeys(a, b []sqltype.Value, keys []SortKey, cmp Compare) (int, error) {
	for i := range a {
		c, err := compareNullsFirst(a[i], b[i], cmp)
		if err != nil {
			return 0, err
		}
		if keys != nil && keys[i].Desc {
			c = -c
		}
		if c != 0 {
			return c, nil
		}
	}
	return 0, nil
}

func compareNullsFirst(a, b sqltype.Value, cmp Compare) (int, error) {
	switch {
	case a.IsNull() && b.IsNull():
		return 0, nil
	case a.IsNull():
		return -1, nil
	case b.IsNull():
		return 1, nil
	}
	return cmp(a, b)
}
