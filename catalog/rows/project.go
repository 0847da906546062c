package rows

// Projector is a Source that can skip building the columns a query does
// not read, which is most of the cost of scanning a wide view for a
// GROUP BY over one column.
//
// Project returns a source over the same rows, bound to the same caller,
// whose Scan (and Seek and ScanOrdered, when the original is a Seeker or
// an Ordered: the result implements the same interfaces with the same
// SeekColumns and OrderColumns) hands over rows that keep the full width
// and the column positions of Columns(); the column at ordinal i holds its
// value when need[i] is true and may hold a NULL of the column's type when
// it is false. Which rows come, their order, and every error (permission
// checks included) are the original's: a source never decides anything
// on a column it skipped. A Seek on a column not needed still finds the
// rows whose value equals the key.
//
// Project copies need, so the caller may reuse it. A need shorter than the
// row (or nil) asks for every column; a need with every entry true returns
// a source equivalent to the original.
type Projector interface {
	Source
	Project(need []bool) Source
}
