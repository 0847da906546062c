// Package rows is the row-source seam between the query engine and whoever
// owns data: the catalog's views and internal tables, the system views, and
// user tables. A Source is already bound to the caller, so row-level
// visibility is applied where the rows come from, on every query path.
package rows

import (
	"context"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// Column describes one column of a row source.
type Column struct {
	Name     string
	Type     sqltype.Type
	Nullable bool
}

// Row is one row, one value per column, in column order.
type Row []sqltype.Value

// Source is a scannable relation. Scan calls fn for each row the caller may
// see, in no particular order, and stops early when fn returns false. fn may
// call back into the owner of the source (no lock is held while it runs), and
// must not keep the Row after it returns unless it copies it.
type Source interface {
	Columns() []Column
	Scan(ctx context.Context, fn func(Row) bool) error
}

// Seeker is a Source with a fast path for an equality predicate on a key
// column: Seek calls fn only for the rows whose column col equals key.
type Seeker interface {
	Source
	// SeekColumns lists the column ordinals Seek accepts.
	SeekColumns() []int
	Seek(ctx context.Context, col int, key sqltype.Value, fn func(Row) bool) error
}

// Ordered is a Source that can hand its rows over in the order of one of
// its columns, so that a query ordered by that column (the newest N
// executions) reads only the rows it returns instead of sorting them all.
type Ordered interface {
	Source
	// OrderColumns lists the column ordinals ScanOrdered accepts: columns
	// that hold no NULLs and whose order is the engine's for their type.
	OrderColumns() []int
	// ScanOrdered is Scan in ascending (or, with desc, descending) order of
	// column col. Rows with equal values in col come in Scan's order
	// relative to each other, as a stable sort of Scan would give them.
	ScanOrdered(ctx context.Context, col int, desc bool, fn func(Row) bool) error
}
