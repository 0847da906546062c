package procs

import (
	"context"
	"sync"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// Projection pushdown: a leaf over a source that can build only some of
// its columns (rows.Projector, the catalog's views) records which of its
// columns the statement reads, and its scans ask for those alone. The
// record is made by name resolution itself (rowScope.lookup marks each
// column a reference binds to; a star or an operator that reads rows by
// position marks them all), so a column read anywhere in the statement
// (select list, WHERE, ON, GROUP BY, HAVING, ORDER BY, OVER, a correlated
// subquery, OUTPUT) is built, and a query shape nobody thought of errs
// towards building more. The set is fixed when the plan first runs: a
// statement is planned in full before it runs.

// colUse is the set of a leaf's columns the statement reads, shared by
// every copy of the leaf's scopeTable (joins and OUTPUT copy them).
type colUse struct {
	need []bool
	all  bool
}

func (u *colUse) mark(i int) {
	if u != nil && i >= 0 && i < len(u.need) {
		u.need[i] = true
	}
}

func (u *colUse) markAll() {
	if u != nil {
		u.all = true
	}
}

// projectLeaf wraps a leaf's source so its scans build only the columns
// the statement reads, and returns the record to mark them in. Sources
// that cannot project, and engines configured to scan all columns, get
// the source back and a nil record (marking nil is a no-op).
func (c *compiler) projectLeaf(src rows.Source) (rows.Source, *colUse) {
	p, ok := src.(rows.Projector)
	if !ok || c.e.scanAll {
		return src, nil
	}
	base := &projected{src: p, use: &colUse{need: make([]bool, len(p.Columns()))}}
	sk, seeks := src.(rows.Seeker)
	or, orders := src.(rows.Ordered)
	switch {
	case seeks && orders:
		return projectedSeekOrdered{projectedSeeker{base, sk}, or}, base.use
	case seeks:
		return projectedSeeker{base, sk}, base.use
	case orders:
		return projectedOrdered{base, or}, base.use
	}
	return base, base.use
}

// projected is a leaf's source whose scans ask the original for the
// columns use records, settled on the first scan.
type projected struct {
	src  rows.Projector
	use  *colUse
	once sync.Once
	p    rows.Source
}

func (p *projected) source() rows.Source {
	p.once.Do(func() {
		p.p = p.src
		if p.use.all {
			return
		}
		for _, n := range p.use.need {
			if !n {
				p.p = p.src.Project(p.use.need)
				return
			}
		}
	})
	return p.p
}

func (p *projected) Columns() []rows.Column { return p.src.Columns() }

func (p *projected) Scan(ctx context.Context, fn func(rows.Row) bool) error {
	return p.source().Scan(ctx, fn)
}

type projectedSeeker struct {
	*projected
	orig rows.Seeker
}

func (p projectedSeeker) SeekColumns() []int { return p.orig.SeekColumns() }

func (p projectedSeeker) Seek(ctx context.Context, col int, key sqltype.Value, fn func(rows.Row) bool) error {
	return p.source().(rows.Seeker).Seek(ctx, col, key, fn)
}

type projectedOrdered struct {
	*projected
	orig rows.Ordered
}

func (p projectedOrdered) OrderColumns() []int { return p.orig.OrderColumns() }

func (p projectedOrdered) ScanOrdered(ctx context.Context, col int, desc bool, fn func(rows.Row) bool) error {
	return p.source().(rows.Ordered).ScanOrdered(ctx, col, desc, fn)
}

type projectedSeekOrdered struct {
	projectedSeeker
	orig rows.Ordered
}

func (p projectedSeekOrdered) OrderColumns() []int { return p.orig.OrderColumns() }

func (p projectedSeekOrdered) ScanOrdered(ctx context.Context, col int, desc bool, fn func(rows.Row) bool) error {
	return p.source().(rows.Ordered).ScanOrdered(ctx, col, desc, fn)
}
