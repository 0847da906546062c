package catalog

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// parseType reads a column type as the reference writes it: bigint,
// sysname, nvarchar(260), nvarchar(max), datetimeoffset(7), char(1).
func parseType(s string) sqltype.Type {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "sysname" {
		return sqltype.TSysname
	}
	name, arg, hasArg := strings.Cut(strings.TrimSuffix(s, ")"), "(")
	k, ok := sqltype.KindByName(name)
	if !ok {
		panic("catalog: unknown column type " + s)
	}
	t := sqltype.Type{Kind: k}
	if hasArg {
		if arg == "max" {
			t.Length = sqltype.Max
		} else {
			n, _ := strconv.Atoi(arg)
			switch k {
			case sqltype.DateTimeOffset, sqltype.DateTime2, sqltype.Time:
				t.Scale = uint8(n)
			default:
				t.Length = int32(n)
			}
		}
	}
	return t
}

// cols builds a column list from "name type" specs; a trailing "!" marks
// NOT NULL.
func cols(specs ...string) []rows.Column {
	out := make([]rows.Column, len(specs))
	for i, sp := range specs {
		name, typ, _ := strings.Cut(sp, " ")
		notNull := strings.HasSuffix(typ, "!")
		out[i] = rows.Column{Name: name, Type: parseType(strings.TrimSuffix(typ, "!")), Nullable: !notNull}
	}
	return out
}

// val makes a value of column type t from a Go value; nil pointers, zero
// times and nil slices are NULL.
func val(t sqltype.Type, x any) sqltype.Value {
	switch v := x.(type) {
	case nil:
		return sqltype.Null(t)
	case sqltype.Value:
		return v
	case *int64:
		if v == nil {
			return sqltype.Null(t)
		}
		return val(t, *v)
	case *int32:
		if v == nil {
			return sqltype.Null(t)
		}
		return val(t, *v)
	case *string:
		if v == nil {
			return sqltype.Null(t)
		}
		return val(t, *v)
	case *uuid.UUID:
		if v == nil {
			return sqltype.Null(t)
		}
		return sqltype.NewUniqueIdentifier(*v)
	case *byte:
		if v == nil {
			return sqltype.Null(t)
		}
		return sqltype.NewString(t, string(rune(*v)))
	case int64:
		return sqltype.NewIntOf(t.Kind, v)
	case int32:
		return sqltype.NewIntOf(t.Kind, int64(v))
	case int16:
		return sqltype.NewIntOf(t.Kind, int64(v))
	case int:
		return sqltype.NewIntOf(t.Kind, int64(v))
	case bool:
		return sqltype.NewBit(v)
	case byte:
		return sqltype.NewString(t, string(rune(v)))
	case string:
		return sqltype.NewString(t, v)
	case []byte:
		if v == nil {
			return sqltype.Null(t)
		}
		return sqltype.NewBytes(t, v)
	case uuid.UUID:
		return sqltype.NewUniqueIdentifier(v)
	case time.Time:
		if v.IsZero() {
			return sqltype.Null(t)
		}
		return sqltype.NewTime(t, v)
	case float64:
		return sqltype.NewFloat(v)
	}
	panic(fmt.Sprintf("catalog: no value for %T", x))
}

// viewDef is a row source's schema and row producers. scan and the seek
// functions run under the catalog's read lock and must not call out.
type viewDef struct {
	cols []rows.Column
	// pre runs before the lock is taken (for rows that come from the
	// master); its result reaches scan as extra.
	pre  func(c *Catalog) any
	scan func(s *State, sc *secCtx, extra any, emit func(...any))
	seek map[int]func(s *State, sc *secCtx, key sqltype.Value, extra any, emit func(...any))
	// deny returns an error (229) for callers who may not select at all.
	deny func(sc *secCtx) error
}

type source struct {
	c      *Catalog
	def    *viewDef
	caller *Caller
	name   string
}

func (v *source) Columns() []rows.Column { return v.def.cols }

// valuePool recycles the value buffers rows are built in: a Row passed to
// a scan callback is not kept after it returns (rows.Source's contract), so
// the buffer is reused once the scan is over. This keeps point lookups from
// churning the heap, which matters when the catalog holds a million
// executions.
var valuePool = sync.Pool{New: func() any { b := make([]sqltype.Value, 0, 64); return &b }}

// collect runs a row producer under the read lock, building the rows in a
// pooled buffer, then calls fn for each with no lock held.
func (v *source) collect(ctx context.Context, run func(s *State, sc *secCtx, extra any, emit func(...any)), fn func(rows.Row) bool) error {
	var extra any
	if v.def.pre != nil {
		extra = v.def.pre(v.c)
	}
	buf := valuePool.Get().(*[]sqltype.Value)
	vals := (*buf)[:0]
	width := len(v.def.cols)
	err := func() error {
		v.c.mu.RLock()
		defer v.c.mu.RUnlock()
		sc := v.c.st.resolve(v.caller)
		if v.def.deny != nil {
			if err := v.def.deny(sc); err != nil {
				return err
			}
		}
		run(v.c.st, sc, extra, func(xs ...any) {
			for i, x := range xs {
				vals = append(vals, val(v.def.cols[i].Type, x))
			}
		})
		return nil
	}()
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		for off := 0; off+width <= len(vals); off += width {
			if !fn(rows.Row(vals[off : off+width : off+width])) {
				break
			}
		}
	}
	clear(vals)
	if cap(vals) <= 1<<16 {
		*buf = vals[:0]
		valuePool.Put(buf)
	}
	return err
}

// Scan collects the visible rows under the read lock, then calls fn with
// no lock held.
func (v *source) Scan(ctx context.Context, fn func(rows.Row) bool) error {
	return v.collect(ctx, v.def.scan, fn)
}

// seekSource is a source with key lookups.
type seekSource struct{ *source }

func (v seekSource) SeekColumns() []int {
	out := make([]int, 0, len(v.def.seek))
	for i := range v.def.cols {
		if v.def.seek[i] != nil {
			out = append(out, i)
		}
	}
	return out
}

func (v seekSource) Seek(ctx context.Context, col int, key sqltype.Value, fn func(rows.Row) bool) error {
	f := v.def.seek[col]
	if f == nil {
		// Not a key column: filter a scan.
		return v.Scan(ctx, func(r rows.Row) bool {
			if valueText(r[col]) == valueText(key) && !r[col].IsNull() {
				return fn(r)
			}
			return true
		})
	}
	return v.collect(ctx, func(s *State, sc *secCtx, extra any, emit func(...any)) { f(s, sc, key, extra, emit) }, fn)
}

// View returns the row source for db.schema.name bound to caller, or false
// when the catalog has no such object. Names are case-insensitive. Rows the
// caller may not read are left out (catalog views); internal tables refuse
// non-admins with 229 when scanned.
func (c *Catalog) View(db, schema, name string, caller *Caller) (rows.Source, bool) {
	k := key(schema) + "." + key(name)
	var def *viewDef
	if key(schema) == "sys" {
		def = sysViews(key(db))[key(name)]
	} else if key(db) == key(SSISDB) {
		def = catalogViews[k]
	}
	if def == nil {
		return nil, false
	}
	src := &source{c: c, def: def, caller: caller, name: k}
	if len(def.seek) > 0 {
		return seekSource{src}, true
	}
	return src, true
}

// ViewNames lists the catalog's objects in SSISDB (schema.name), for
// INFORMATION_SCHEMA-style listings and tests.
func ViewNames() []string {
	out := make([]string, 0, len(catalogViews))
	for k := range catalogViews {
		out = append(out, k)
	}
	return out
}

func seekInt(key sqltype.Value) (int64, bool) { return intValue(key) }
