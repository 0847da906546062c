package procs

import (
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// Cursors. OPEN runs the cursor's query and keeps its rows, whatever the
// declared type (a STATIC cursor's behaviour: later changes to the tables
// are not seen). GLOBAL cursors (the default) belong to the session, LOCAL
// ones to their batch or procedure and go away with it. FETCH moves
// through the kept rows and sets @@FETCH_STATUS.

type cursor struct {
	name   string
	global bool
	scroll bool
	q      *tsql.Query
	vars   map[string]int
	mod    *module
	open   bool
	cols   []rows.Column
	rows   []rows.Row
	pos    int // index of the current row; -1 before the first, len after the last
}

// closeCursors drops the session's global cursors (session end, reset).
func (s *Session) closeCursors() { s.cursors = nil }

type declareCursorStmt struct {
	x    *tsql.DeclareCursorStmt
	vars map[string]int
	mod  *module
}

func (c *compiler) declareCursor(x *tsql.DeclareCursorStmt) (stmt, error) {
	c.checkVars(x.Query)
	// KEYSET, DYNAMIC, SCROLL_LOCKS and OPTIMISTIC are accepted: every
	// cursor reads the snapshot OPEN takes.
	if x.ForUpdate {
		return &failStmt{err: sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", "FOR UPDATE cursor")}, nil
	}
	return &declareCursorStmt{x: x, vars: c.varSnapshot(), mod: c.mod}, nil
}

func (d *declareCursorStmt) exec(f *frame) (flow, error) {
	s := f.s
	cur := &cursor{name: d.x.Name, global: true, q: d.x.Query, vars: d.vars, mod: d.mod, pos: -1}
	scroll, forward, typed := false, false, false
	for _, o := range d.x.Options {
		switch o {
		case "LOCAL":
			cur.global = false
		case "GLOBAL":
			cur.global = true
		case "SCROLL":
			scroll = true
		case "FORWARD_ONLY", "FAST_FORWARD":
			forward = true
		case "STATIC", "KEYSET", "DYNAMIC":
			typed = true
		}
	}
	// STATIC, KEYSET and DYNAMIC cursors scroll unless FORWARD_ONLY is said.
	cur.scroll = scroll || (typed && !forward)
	k := strings.ToLower(cur.name)
	var set map[string]*cursor
	if cur.global {
		if s.cursors == nil {
			s.cursors = map[string]*cursor{}
		}
		set = s.cursors
	} else {
		if f.cursors == nil {
			f.cursors = map[string]*cursor{}
		}
		set = f.cursors
	}
	if set[k] != nil {
		return flowNext, sqlerr.New(16915, 16, 1, "A cursor with the name '%s' already exists.", cur.name)
	}
	set[k] = cur
	s.rowCount = 1
	s.lastError = 0
	return flowNext, nil
}

// findCursor resolves a cursor reference: a LOCAL cursor of the frame
// first (unless GLOBAL is written), then the session's.
func (f *frame) findCursor(ref *tsql.CursorRef) (*cursor, error) {
	if ref.Var != nil {
		return nil, sqlerr.New(16950, 16, 2, "The variable '%s' does not currently have a cursor allocated to it.", ref.Var.Name)
	}
	k := strings.ToLower(ref.Name)
	if !ref.Global {
		if c := f.cursors[k]; c != nil {
			return c, nil
		}
	}
	if c := f.s.cursors[k]; c != nil {
		return c, nil
	}
	return nil, sqlerr.New(16916, 16, 1, "A cursor with the name '%s' does not exist.", ref.Name)
}

type cursorStmt struct {
	st   tsql.Stmt
	into []int // FETCH INTO slots
	off  *cexpr
}

func (c *compiler) cursorStmt(st tsql.Stmt) (stmt, error) {
	c.checkVars(st)
	cs := &cursorStmt{st: st}
	if x, ok := st.(*tsql.FetchStmt); ok {
		for _, v := range x.Into {
			slot, ok := c.lookupVar(v.Name)
			if !ok {
				return nil, c.undeclared(v.Name, v.Pos, 2)
			}
			cs.into = append(cs.into, slot)
		}
		if x.Offset != nil {
			e, err := c.expr(x.Offset, nil)
			if err != nil {
				return nil, err
			}
			cs.off = e
		}
	}
	return cs, nil
}

func (x *cursorStmt) exec(f *frame) (flow, error) {
	s := f.s
	switch st := x.st.(type) {
	case *tsql.OpenCursorStmt:
		cur, err := f.findCursor(st.Cursor)
		if err != nil {
			return flowNext, err
		}
		if cur.open {
			return flowNext, sqlerr.New(16905, 16, 1, "The cursor is already open.")
		}
		c := runtimeCompiler(f, cur.mod, cur.vars)
		p, err := c.queryPlan(cur.q, nil, true)
		if err := c.firstErr(err); err != nil {
			return flowNext, err
		}
		var list []rows.Row
		err = p.node.Run(withFrame(f.ctx, f), func(r rows.Row) (bool, error) {
			list = append(list, append(rows.Row(nil), r...))
			return true, nil
		})
		if err != nil {
			return flowNext, err
		}
		cur.cols, cur.rows, cur.pos, cur.open = p.node.Columns(), list, -1, true
		s.cursorRows = int64(len(list))
		s.rowCount = int64(len(list))
		s.lastError = 0
		if err := f.flushWarnings(); err != nil {
			return flowNext, err
		}
		return flowNext, f.out.done(cmdOpen, 0, false, false)
	case *tsql.FetchStmt:
		return flowNext, x.fetch(f, st)
	case *tsql.CloseCursorStmt:
		cur, err := f.findCursor(st.Cursor)
		if err != nil {
			return flowNext, err
		}
		if !cur.open {
			return flowNext, sqlerr.New(16917, 16, 1, "Cursor is not open.")
		}
		cur.open, cur.rows, cur.pos = false, nil, -1
		s.rowCount = 0
		s.lastError = 0
		return flowNext, f.out.done(cmdClose, 0, false, false)
	case *tsql.DeallocateCursorStmt:
		cur, err := f.findCursor(st.Cursor)
		if err != nil {
			return flowNext, err
		}
		k := strings.ToLower(cur.name)
		if f.cursors[k] == cur {
			delete(f.cursors, k)
		} else {
			delete(s.cursors, k)
		}
		s.rowCount = 0
		s.lastError = 0
		return flowNext, f.out.done(cmdDeallocate, 0, false, false)
	}
	return flowNext, nil
}

// CurCmd values of the cursor statements' DONE tokens.
const (
	cmdOpen       uint16 = 0xB4
	cmdFetch      uint16 = 0xB5
	cmdClose      uint16 = 0xB6
	cmdDeallocate uint16 = 0xB7
)

func (x *cursorStmt) fetch(f *frame, st *tsql.FetchStmt) error {
	s := f.s
	cur, err := f.findCursor(st.Cursor)
	if err != nil {
		return err
	}
	if !cur.open {
		return sqlerr.New(16917, 16, 2, "Cursor is not open.")
	}
	if st.Orientation != "NEXT" && !cur.scroll {
		return sqlerr.New(16911, 16, 1, "%s: The fetch type %s cannot be used with forward only cursors.", "fetch", st.Orientation)
	}
	n := len(cur.rows)
	var off int64
	if x.off != nil {
		v, err := x.off.eval(f, nil)
		if err != nil {
			return err
		}
		iv, err := convert(v, sqltype.TBigInt)
		if err != nil || iv.IsNull() {
			return sqlerr.New(16907, 16, 1, "%s is not an allowed value for fetch offset.", printable(v))
		}
		off = iv.Int64()
	}
	pos := cur.pos
	switch st.Orientation {
	case "NEXT":
		if pos < n {
			pos++
		}
	case "PRIOR":
		if pos >= 0 {
			pos--
		}
	case "FIRST":
		pos = 0
	case "LAST":
		pos = n - 1
	case "ABSOLUTE":
		switch {
		case off > 0:
			pos = int(off - 1)
		case off < 0:
			pos = n + int(off)
		default:
			pos = -1
		}
	case "RELATIVE":
		pos += int(off)
	}
	if pos < -1 {
		pos = -1
	}
	if pos > n {
		pos = n
	}
	cur.pos = pos
	if pos < 0 || pos >= n {
		s.fetchStatus = -1
		s.rowCount = 0
		if st.Into == nil {
			// An empty result set, as SQL Server sends past the end.
			if err := f.sendCursorRows(cur, nil); err != nil {
				return err
			}
		}
		s.lastError = 0
		return f.out.done(cmdFetch, 0, false, false)
	}
	row := cur.rows[pos]
	if st.Into != nil {
		if len(x.into) != len(row) {
			return sqlerr.New(16924, 16, 1, "Cursorfetch: The number of variables declared in the INTO list must match that of selected columns.")
		}
		for i, slot := range x.into {
			v, err := f.assign(row[i], f.mod.varTypes[slot])
			if err != nil {
				return err
			}
			f.vars[slot] = v
		}
		s.fetchStatus = 0
		s.rowCount = 1
		s.lastError = 0
		return f.out.done(cmdFetch, 0, false, false)
	}
	if err := f.sendCursorRows(cur, []rows.Row{row}); err != nil {
		return err
	}
	s.fetchStatus = 0
	s.rowCount = 1
	s.lastError = 0
	return f.out.done(tds.CmdSelect, 1, true, false)
}

func (f *frame) sendCursorRows(cur *cursor, list []rows.Row) error {
	_, err := sendRows(f, cur.cols, list)
	return err
}

// fnCursorStatus is CURSOR_STATUS('local'|'global'|'variable', name): 1
// open with rows, 0 open and empty, -1 closed, -3 no such cursor.
func fnCursorStatus(c *compiler, x *tsql.FuncCall, args []*cexpr, _ *rowScope) (*cexpr, error) {
	if len(args) != 2 {
		return nil, c.argCount(x, 2)
	}
	return &cexpr{typ: sqltype.TSmallInt, nullable: true, eval: func(f *frame, r rows.Row) (sqltype.Value, error) {
		sv, err := args[0].eval(f, r)
		if err != nil {
			return sv, err
		}
		nv, err := args[1].eval(f, r)
		if err != nil {
			return nv, err
		}
		scope := strings.ToLower(printable(sv))
		k := strings.ToLower(printable(nv))
		var cur *cursor
		switch scope {
		case "local":
			cur = f.cursors[k]
		case "global":
			cur = f.s.cursors[k]
		case "variable":
			return sqltype.NewSmallInt(-3), nil
		default:
			return sqltype.Value{}, sqlerr.New(16906, 16, 1, "The first argument of CURSOR_STATUS must be 'local', 'global' or 'variable'.")
		}
		switch {
		case cur == nil:
			return sqltype.NewSmallInt(-3), nil
		case !cur.open:
			return sqltype.NewSmallInt(-1), nil
		case len(cur.rows) == 0:
			return sqltype.NewSmallInt(0), nil
		}
		return sqltype.NewSmallInt(1), nil
	}}, nil
}
