package tds

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// response is the ResultWriter of one request. It keeps the last
// DONE-family token back until it knows whether more follows, so that every
// DONE but the last carries DONE_MORE, and it ends the response on behalf of
// the engine: a closing DONE/DONEPROC when the engine did not write one, and
// DONE_ATTN after an ATTENTION.
type response struct {
	c     *conn
	ctx   context.Context
	final DoneKind // the token that must close this response
	b     []byte   // tokens not yet sent; b[0:8] is a packet header

	cols  []Column
	inSet bool // a result set is open: Columns was sent and no DONE since
	css   []*charset
	conv  []func(any) any // per-column value conversion for older clients
	tmp   []any

	held     Done
	hasHeld  bool
	errSeen  bool // an ERROR since the last DONE
	fatalOut bool // a severity 20+ ERROR was written
	err      error
}

// newResponse readies the connection's response for one request; the
// slices of the previous one are reused.
func newResponse(c *conn, ctx context.Context, typ uint8) *response {
	final := DoneStatement
	if typ == pktRPC {
		final = DoneProc
	}
	r := &c.resp
	*r = response{c: c, ctx: ctx, final: final, b: c.pw.begin(pktReply),
		cols: r.cols[:0], css: r.css[:0], conv: r.conv[:0], tmp: r.tmp[:0]}
	return r
}

// maxKeptColumns bounds the metadata a connection keeps between requests.
const maxKeptColumns = 32

func (r *response) release() {
	r.c.pw.release()
	r.b = nil
	r.ctx = nil
	if cap(r.cols) > maxKeptColumns {
		r.cols, r.css, r.conv, r.tmp = nil, nil, nil, nil
	}
	clear(r.cols[:cap(r.cols)])
	clear(r.tmp[:cap(r.tmp)])
}

// check reports why the engine must stop writing: a failed write or a
// cancelled request.
func (r *response) check() error {
	if r.err != nil {
		return r.err
	}
	if r.ctx == nil {
		return errors.New("tds: ResultWriter used after its request ended")
	}
	if r.ctx.Err() != nil {
		return context.Cause(r.ctx)
	}
	return nil
}

// spill sends full packets so that a response never piles up in memory.
func (r *response) spill() error {
	var err error
	r.b, err = r.c.pw.spill(r.b)
	if err != nil {
		r.err = fmt.Errorf("tds: writing to the client: %w", err)
	}
	return r.err
}

func (r *response) emitHeld(more bool) {
	if !r.hasHeld {
		return
	}
	st := r.held.Status
	if more {
		st |= DoneMore
	}
	r.b = appendDone(r.b, r.held.Kind, st, r.held.CurCmd, r.held.RowCount, r.c.ver)
	r.hasHeld = false
}

// Columns starts a result set.
func (r *response) Columns(cols []Column) error {
	if err := r.check(); err != nil {
		return err
	}
	if len(cols) == 0 || len(cols) > 4096 {
		return fmt.Errorf("tds: a result set needs 1 to 4096 columns, got %d", len(cols))
	}
	r.inSet = false
	r.cols = append(r.cols[:0], cols...)
	r.css = r.css[:0]
	r.conv = r.conv[:0]
	anyConv := false
	for i := range r.cols {
		ti, err := r.cols[i].Type.normalize()
		if err != nil {
			return fmt.Errorf("column %d (%s): %w", i+1, cols[i].Name, err)
		}
		ti, conv := downlevel(ti, r.c.ver)
		anyConv = anyConv || conv != nil
		r.cols[i].Type = ti
		r.css = append(r.css, charsetFor(ti.Collation))
		r.conv = append(r.conv, conv)
	}
	if !anyConv {
		r.conv = r.conv[:0]
	}
	r.emitHeld(true)
	r.b = appendColMetadata(r.b, r.cols)
	r.inSet = true
	return r.spill()
}

// Row sends one row of the current result set.
func (r *response) Row(values []any) error {
	if err := r.check(); err != nil {
		return err
	}
	if !r.inSet {
		return errors.New("tds: Row without Columns")
	}
	if len(r.conv) > 0 && len(values) == len(r.conv) {
		r.tmp = append(r.tmp[:0], values...)
		for i, f := range r.conv {
			if f != nil && r.tmp[i] != nil {
				r.tmp[i] = f(r.tmp[i])
			}
		}
		values = r.tmp
	}
	var err error
	r.b, err = appendRow(r.b, r.cols, r.css, values, r.c.ver >= verTDS73B)
	if err != nil {
		return err
	}
	return r.spill()
}

// Done ends a statement (DONE), a procedure (DONEPROC) or a statement in a
// procedure (DONEINPROC).
func (r *response) Done(d Done) error {
	if err := r.check(); err != nil {
		return err
	}
	switch d.Kind {
	case DoneStatement, DoneProc, DoneInProc:
	default:
		return fmt.Errorf("tds: unknown DONE kind 0x%02X", uint8(d.Kind))
	}
	d.Status &^= DoneMore | DoneAttn
	r.emitHeld(true)
	r.held, r.hasHeld = d, true
	r.errSeen = false
	r.inSet = false
	return r.spill()
}

// Message sends INFO or ERROR.
func (r *response) Message(m Message) error {
	if err := r.check(); err != nil {
		return err
	}
	r.emitHeld(true)
	r.b = r.c.appendMessage(r.b, &m)
	if m.Class > 10 {
		r.errSeen = true
	}
	if m.Class >= 20 {
		r.fatalOut = true
	}
	return r.spill()
}

// ReturnStatus sends RETURNSTATUS.
func (r *response) ReturnStatus(status int32) error {
	if err := r.check(); err != nil {
		return err
	}
	r.emitHeld(true)
	r.b = appendReturnStatus(r.b, status)
	return r.spill()
}

// ReturnValue sends RETURNVALUE for an OUTPUT parameter.
func (r *response) ReturnValue(v ReturnValue) error {
	if err := r.check(); err != nil {
		return err
	}
	ti, err := v.Type.normalize()
	if err != nil {
		return fmt.Errorf("return value %s: %w", v.Name, err)
	}
	if ti.ID == TypeText || ti.ID == TypeNText || ti.ID == TypeImage {
		return fmt.Errorf("tds: return value %s: %s cannot be an output parameter", v.Name, typeName(ti.ID))
	}
	var conv func(any) any
	ti, conv = downlevel(ti, r.c.ver)
	if conv != nil && v.Value != nil {
		v.Value = conv(v.Value)
	}
	v.Type = ti
	r.emitHeld(true)
	r.b, err = appendReturnValue(r.b, &v, charsetFor(ti.Collation))
	if err != nil {
		return err
	}
	return r.spill()
}

// EnvChange sends ENVCHANGE.
func (r *response) EnvChange(c EnvChange) error {
	if err := r.check(); err != nil {
		return err
	}
	r.emitHeld(true)
	var err error
	r.b, err = appendEnvChange(r.b, &c, r.c.coll)
	if err != nil {
		return err
	}
	return r.spill()
}

// Flush sends what is buffered now as a non-final packet (RAISERROR WITH
// NOWAIT); a held DONE stays back.
func (r *response) Flush() error {
	if err := r.check(); err != nil {
		return err
	}
	var err error
	r.b, err = r.c.pw.flush(r.b, false)
	if err != nil {
		r.err = err
	}
	return r.err
}

// finish ends the response. fatal is the engine's error, if any (the
// connection closes after it); attn says an ATTENTION cancelled the request.
func (r *response) finish(fatal error, attn bool) {
	if r.err != nil {
		return
	}
	ver := r.c.ver
	if attn {
		r.emitHeld(true)
		r.b = appendDone(r.b, DoneStatement, DoneAttn, 0, 0, ver)
	} else {
		if fatal != nil {
			// The engine may have written its own severe error already.
			var m *Message
			if !errors.As(fatal, &m) {
				m = errSevere
			}
			if !r.fatalOut {
				r.emitHeld(true)
				r.b = r.c.appendMessage(r.b, m)
			}
			r.errSeen = true
		}
		if r.hasHeld && r.held.Kind == r.final && fatal == nil {
			r.emitHeld(false)
		} else {
			var st uint16
			if r.errSeen {
				st |= DoneError
			}
			if fatal != nil {
				st |= DoneSrvError
			}
			if r.hasHeld {
				st |= r.held.Status & DoneInXact
			}
			r.emitHeld(true)
			r.b = appendDone(r.b, r.final, st, 0, 0, ver)
		}
	}
	var err error
	r.b, err = r.c.pw.flush(r.b, true)
	if err != nil {
		r.err = err
	}
}

// asText is the nvarchar form of a date or time type for a pre-7.3 client
// (a function of its own so that downlevel itself allocates nothing).
func asText(ti TypeInfo, layout string, n int) (TypeInfo, func(any) any) {
	scale := ti.Scale
	if ti.ID != TypeDateN && scale > 0 {
		n += 1 + int(scale)
	}
	dto := ti.ID == TypeDateTimeOffset
	if dto {
		n += 7
	}
	id := ti.ID
	conv := func(v any) any {
		t, ok := v.(time.Time)
		if !ok {
			return v
		}
		s := t.Format(layout)
		if id != TypeDateN && scale > 0 {
			frac := fmt.Sprintf("%09d", t.Nanosecond())
			s += "." + frac[:scale]
		}
		if dto {
			s += t.Format(" -07:00")
		}
		return s
	}
	return TypeInfo{ID: TypeNVarChar, Size: 2 * n, Collation: DefaultCollation}, conv
}

// downlevel adapts a column to an older client: before TDS 7.3 the date and
// time types travel as nvarchar text, before 7.2 the (max) types as the
// legacy LOB types, as SQL Server does.
func downlevel(ti TypeInfo, ver uint32) (TypeInfo, func(any) any) {
	if ver < verTDS73A {
		var layout string
		var n int
		switch ti.ID {
		case TypeDateN:
			layout, n = "2006-01-02", 10
		case TypeTimeN:
			layout, n = "15:04:05", 8
		case TypeDateTime2N:
			layout, n = "2006-01-02 15:04:05", 19
		case TypeDateTimeOffset:
			layout, n = "2006-01-02 15:04:05", 19
		}
		if layout != "" {
			return asText(ti, layout, n)
		}
	}
	if ver < verTDS72 {
		if ti.Collation == (Collation{}) {
			ti.Collation = DefaultCollation
		}
		switch {
		case ti.ID == TypeNVarChar && ti.Size == MaxSize, ti.ID == TypeXML:
			return TypeInfo{ID: TypeNText, Size: 0x7FFFFFFE, Collation: ti.Collation}, nil
		case ti.ID == TypeBigVarChar && ti.Size == MaxSize:
			return TypeInfo{ID: TypeText, Size: 0x7FFFFFFF, Collation: ti.Collation}, nil
		case ti.ID == TypeBigVarBin && ti.Size == MaxSize:
			return TypeInfo{ID: TypeImage, Size: 0x7FFFFFFF}, nil
		}
	}
	return ti, nil
}
