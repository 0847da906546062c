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
	// typed writers store a NULL there without converting anything.
	// Producers never look at it, so what rows a view writes cannot
	// depend on it.
	skip []bool
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
func (w *rowBuf) release() {
	w.reset()
	clear(w.vals[:w.high])
	w.high = 0
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

func (w *rowBuf) null() { w.put(sqltype.Null(w.typ())) }

// skipped writes a NULL and reports true when the next column is not
// read; the writers below call it before building their value.
func (w *rowBuf) skipped() bool {
	if w.skip == nil || !w.skip[w.col] {
		return false
	}
	w.null()
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
