package catalog

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// rowBuf is a chunk of rows being built: producers append one typed value
// per column, in column order, and the value takes the column's type. Going
// through typed methods instead of a variadic ...any keeps a row from
// boxing each of its values on the heap.
type rowBuf struct {
	cols []rows.Column
	vals []sqltype.Value
	col  int // column of the next value
	high int // the most values the buffer has held, for release
	// limit is the values this chunk may hold (see source.run).
	limit int
	// skip marks the columns the consumer does not read (nil: none): the
	// typed writers build nothing for them. Producers never look at it, so
	// what rows a view writes cannot depend on it.
	skip []bool
	// runs[i] counts the skipped columns from column i on, up to the end
	// of the row (nil when nothing is skipped), for skipping.
	runs []int
	// filled is how far into vals' backing array the slots of skipped
	// columns hold their NULL: chunks start at offset 0 and rows have the
	// same width, so a slot's column is its index mod the width, and a
	// skipped column's NULL, written once, serves every later chunk of the
	// scan. Writing a Value (over 100 bytes) is what a skipped column
	// would otherwise still cost.
	filled int
}

// full reports whether the chunk holds enough rows to hand over; producers
// ask before starting a row.
func (w *rowBuf) full() bool { return len(w.vals) >= w.limit }

func (w *rowBuf) reset() {
	w.high = max(w.high, len(w.vals))
	w.vals, w.col = w.vals[:0], 0
}

// release drops the references the buffer's values hold (strings and
// slices of the catalog's state).
// The NULLs of skipped columns hold no references and stay, so that the
// next scan with the same mask (the seeks of a join, one per outer row)
// starts with them in place (see keeps).
func (w *rowBuf) release() {
	w.reset()
	end := max(w.high, w.filled)
	if w.skip == nil {
		clear(w.vals[:end])
		w.filled = 0
	} else {
		width := len(w.cols)
		vals := w.vals[:end]
		for k := range vals {
			if !w.skip[k%width] {
				vals[k] = sqltype.Value{}
			}
		}
	}
	w.high = 0
}

// keeps reports whether a buffer released after a scan with mask prev
// still holds the NULLs a scan with mask skip needs: the same mask of the
// same projected source.
func keeps(prev, skip []bool) bool {
	return len(skip) > 0 && len(prev) == len(skip) && &prev[0] == &skip[0]
}

// check panics on a producer that ended a chunk inside a row: a
// programming error every test of the view would hit.
func (w *rowBuf) check(view string) {
	if w.col != 0 {
		panic(fmt.Sprintf("catalog: %s produced a row of %d values for %d columns", view, len(w.vals)%len(w.cols), len(w.cols)))
	}
}

func (w *rowBuf) typ() sqltype.Type { return w.cols[w.col].Type }

func (w *rowBuf) put(v sqltype.Value) {
	w.vals = append(w.vals, v)
	if w.col++; w.col == len(w.cols) {
		w.col = 0
	}
}

func (w *rowBuf) null() {
	if !w.skipped() {
		w.put(sqltype.Null(w.typ()))
	}
}

// skipping moves past the next n columns and reports true when none of
// them is read: a producer of a wide view asks it before writing a group
// of columns, so a scan for one column (or none: COUNT(*)) costs a few
// steps per row instead of one per column.
func (w *rowBuf) skipping(n int) bool {
	if w.runs == nil || w.runs[w.col] < n {
		return false
	}
	if end := len(w.vals) + n; end <= w.filled {
		w.vals = w.vals[:end]
		if w.col += n; w.col == len(w.cols) {
			w.col = 0
		}
	} else {
		// The first rows of a scan: write the NULLs the next chunks reuse.
		for _, c := range w.cols[w.col : w.col+n] {
			w.vals = append(w.vals, sqltype.Null(c.Type))
		}
		w.filled = len(w.vals)
		if w.col += n; w.col == len(w.cols) {
			w.col = 0
		}
	}
	return true
}

// skipRuns returns the runs of a skip mask (see rowBuf.runs).
func skipRuns(skip []bool) []int {
	if skip == nil {
		return nil
	}
	runs := make([]int, len(skip))
	for i := len(skip) - 1; i >= 0; i-- {
		if skip[i] {
			runs[i] = 1
			if i+1 < len(skip) {
				runs[i] += runs[i+1]
			}
		}
	}
	return runs
}

// skipped moves past the next column and reports true when it is not
// read; the writers call it before building their value. The column's
// slot holds its NULL (see filled).
func (w *rowBuf) skipped() bool {
	if w.skip == nil || !w.skip[w.col] {
		return false
	}
	if n := len(w.vals); n < w.filled {
		w.vals = w.vals[:n+1]
	} else {
		// append copies only up to len when it grows the array, but then
		// len == cap >= filled: every filled slot is copied.
		w.vals = append(w.vals, sqltype.Null(w.typ()))
		w.filled = n + 1
	}
	if w.col++; w.col == len(w.cols) {
		w.col = 0
	}
	return true
}

// int writes an integer of the column's integer kind.
func (w *rowBuf) int(n int64) {
	if !w.skipped() {
		w.put(sqltype.NewIntOf(w.typ().Kind, n))
	}
}

func (w *rowBuf) intp(p *int64) {
	if p == nil {
		w.null()
	} else {
		w.int(*p)
	}
}

func (w *rowBuf) int32p(p *int32) {
	if p == nil {
		w.null()
	} else {
		w.int(int64(*p))
	}
}

func (w *rowBuf) bit(b bool) {
	if !w.skipped() {
		w.put(sqltype.NewBit(b))
	}
}

func (w *rowBuf) str(s string) {
	if !w.skipped() {
		w.put(sqltype.NewString(w.typ(), s))
	}
}

// desc writes a folder's, environment's or variable's description: the
// procedures store the NULL their @description defaults to, and the
// catalog keeps that as "" (so an explicit empty string shows as NULL too).
func (w *rowBuf) desc(s string) {
	if s == "" {
		w.null()
	} else {
		w.str(s)
	}
}

func (w *rowBuf) strp(p *string) {
	if p == nil {
		w.null()
	} else {
		w.str(*p)
	}
}

// char writes a one-character code (reference_type, value_type, a
// principal's type).
func (w *rowBuf) char(c byte) { w.str(oneChar[c]) }

func (w *rowBuf) charp(p *byte) {
	if p == nil {
		w.null()
	} else {
		w.char(*p)
	}
}

// oneChar holds the one-character strings, so that writing a char(1) code
// allocates nothing.
var oneChar = func() (t [256]string) {
	for i := range t {
		t[i] = string(rune(i))
	}
	return t
}()

// bytes writes a binary value; nil is NULL. The value shares b, which the
// catalog never changes in place.
func (w *rowBuf) bytes(b []byte) {
	if b == nil {
		w.null()
	} else if !w.skipped() {
		w.put(sqltype.NewBytes(w.typ(), b))
	}
}

// guid writes a uniqueidentifier; nil is NULL. The value shares the GUID's
// bytes rather than copying them: u must point at a GUID that is never
// changed once set (the catalog's are written once, before the object is
// published, and the master's come as copies).
func (w *rowBuf) guid(u *uuid.UUID) {
	if u == nil {
		w.null()
	} else if !w.skipped() {
		w.put(sqltype.NewBytes(sqltype.TUniqueIdentifier, u[:]))
	}
}

// guidOrNull writes a uniqueidentifier, NULL for the nil GUID.
func (w *rowBuf) guidOrNull(u *uuid.UUID) {
	if *u == uuid.Nil {
		w.null()
	} else {
		w.guid(u)
	}
}

// time writes a date/time of the column's type; the zero time is NULL.
func (w *rowBuf) time(t time.Time) {
	if t.IsZero() {
		w.null()
	} else if !w.skipped() {
		w.put(sqltype.NewTime(w.typ(), t))
	}
}

// value writes a stored value as it is (sql_variant columns).
func (w *rowBuf) value(v sqltype.Value) {
	if !w.skipped() {
		w.put(v)
	}
}

// sensitive writes v, or NULL when it is sensitive.
func (w *rowBuf) sensitive(sensitive bool, v sqltype.Value) {
	if sensitive {
		w.null()
	} else {
		w.value(v)
	}
}
