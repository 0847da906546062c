package procs

import (
	"fmt"
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
)

// compiler turns a parsed batch (or procedure body) into a module.
// Variables are batch-scoped and visible from their DECLARE on, in text
// order, whatever block declares them; a reference before the DECLARE is
// Msg 137 and a second DECLARE of a name Msg 134, both compile errors that
// reject the whole batch.
type compiler struct {
	e     *Engine
	src   *tsql.Batch
	mod   *module
	vars  map[string]int // lower-case name -> slot
	errs  tsql.Errors
	catch int // depth of CATCH blocks around the statement being compiled
	loops int
	// first is true while compiling the first statement of a batch (a bare
	// procedure call is legal only there).
	inProc bool

	// Query planning state (plan.go). f is the running frame when a
	// statement's query is planned at run time.
	f            *frame
	agg          *aggState
	win          *winState
	clause       string // the clause being compiled: from, on, where, group, select, having, order
	ctes         *cteEnv
	depth        int // query nesting depth
	subqs        []subqMark
	maxRecursion *cexpr
	// existsSpec is the select of an EXISTS being planned: its star reads
	// no column (projection.go).
	existsSpec *tsql.QuerySpec
	dmlTarget  *dmlTarget
	// sharing is set while planning a query whose plan may be kept for
	// later runs (keptplan.go): closures read the frame from the context
	// instead of capturing f. local records that the plan is bound to this
	// run after all (it captured f, or reads a source other than a catalog
	// view), so it is not kept.
	sharing, local bool
}

// compileFailed is returned by statement compilers after a compile error
// has been recorded in c.errs.
var compileFailed = &sqlerr.Error{Number: -1, Message: "compile failed"}

// deferredErr is a name or type error found while compiling a statement:
// SQL Server reports those when the statement runs, so the statement
// compiles into one that raises it.
type deferredErr struct{ err error }

func (d *deferredErr) Error() string { return d.err.Error() }

func (c *compiler) runtimeErr(err error) error { return &deferredErr{err: err} }

// firstErr is the error that stops a statement compiled at run time, from
// err, what compiling it returned: the first compile error it reported,
// else err itself, unwrapped if it was deferred (nil when there is none).
func (c *compiler) firstErr(err error) error {
	if len(c.errs) > 0 {
		return c.errs[0]
	}
	if d, ok := err.(*deferredErr); ok {
		return d.err
	}
	return err
}

func (c *compiler) compileErr(e *sqlerr.Error, pos tsql.Pos) error {
	cp := *e
	if cp.Line == 0 {
		cp.Line = int32(pos.Line)
	}
	c.errs = append(c.errs, &cp)
	return compileFailed
}

func (c *compiler) syntax(near string, pos tsql.Pos, keyword bool) error {
	if keyword {
		return c.compileErr(sqlerr.New(156, 15, 1, "Incorrect syntax near the keyword '%s'.", near), pos)
	}
	return c.compileErr(sqlerr.New(102, 15, 1, "Incorrect syntax near '%s'.", near), pos)
}

func (c *compiler) undeclared(name string, pos tsql.Pos, state uint8) error {
	return c.compileErr(sqlerr.New(137, 15, state, "Must declare the scalar variable \"%s\".", name), pos)
}

func (c *compiler) lookupVar(name string) (int, bool) {
	slot, ok := c.vars[strings.ToLower(name)]
	return slot, ok
}

func (c *compiler) declare(name string, t sqltype.Type, pos tsql.Pos) (int, error) {
	key := strings.ToLower(name)
	if _, ok := c.vars[key]; ok {
		return 0, c.compileErr(sqlerr.New(134, 15, 1, "The variable name '%s' has already been declared. Variable names must be unique within a query batch or stored procedure.", name), pos)
	}
	slot := len(c.mod.varTypes)
	c.vars[key] = slot
	c.mod.varNames = append(c.mod.varNames, name)
	c.mod.varTypes = append(c.mod.varTypes, t)
	return slot, nil
}

// compileModule compiles stmts into a module named name ("" for a batch).
// params are declared first (a procedure's parameters, sp_executesql's
// declarations).
func (e *Engine) compileModule(src *tsql.Batch, name string, stmts []tsql.Stmt, params []paramDecl) (*module, error) {
	c := &compiler{e: e, src: src, mod: &module{name: name}, vars: map[string]int{}, inProc: name != ""}
	for _, p := range params {
		slot, err := c.declare(p.name, p.typ, p.pos)
		if err != nil {
			return nil, c.errs
		}
		c.mod.params = append(c.mod.params, slot)
	}
	body, err := c.block(stmts)
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	if err != nil {
		return nil, err
	}
	c.mod.body = body
	return c.mod, nil
}

type paramDecl struct {
	name string
	typ  sqltype.Type
	pos  tsql.Pos
}

func (c *compiler) block(stmts []tsql.Stmt) (*block, error) {
	b := &block{}
	for _, st := range stmts {
		if l, ok := st.(*tsql.LabelStmt); ok {
			if b.labels == nil {
				b.labels = map[string]int{}
			}
			b.labels[strings.ToLower(l.Name)] = len(b.stmts)
			continue
		}
		cs, err := c.stmt(st)
		if err != nil {
			if err == compileFailed {
				continue // keep going: SQL Server reports every compile error of the batch
			}
			if d, ok := err.(*deferredErr); ok {
				cs = cstmt{s: &failStmt{err: d.err}, line: int32(st.Position().Line)}
			} else {
				return nil, err
			}
		}
		if cs.s != nil {
			b.stmts = append(b.stmts, cs)
		}
	}
	// A GOTO may name a label of an enclosing block; runBlock walks up.
	return b, nil
}

// failStmt raises an error found at compile time that SQL Server reports
// when the statement runs.
type failStmt struct{ err error }

func (s *failStmt) exec(*frame) (flow, error) { return flowNext, s.err }

// checkVars reports Msg 137 for every variable of a node tree (a query
// compiled later, at run time) that is not declared at this point.
func (c *compiler) checkVars(n any) {
	seen := map[tsql.Node]bool{}
	tsql.Walk(n, func(x tsql.Node) bool {
		if seen[x] {
			return false
		}
		seen[x] = true
		switch x := x.(type) {
		case *tsql.TableRef:
			if x.Var == nil {
				return true
			}
			if slot, ok := c.lookupVar(x.Var.Name); !ok || c.mod.tableVars[slot] == nil {
				_ = c.compileErr(sqlerr.New(1087, 15, 2, "Must declare the table variable \"%s\".", x.Var.Name), x.Var.Pos)
			}
			return false
		case *tsql.Variable:
			if _, ok := c.lookupVar(x.Name); !ok {
				_ = c.undeclared(x.Name, x.Pos, 2)
			}
			return false
		}
		return true
	})
}

// varSnapshot copies the variables visible now, for a statement compiled
// lazily at run time.
func (c *compiler) varSnapshot() map[string]int {
	m := make(map[string]int, len(c.vars))
	for k, v := range c.vars {
		m[k] = v
	}
	return m
}

func typeName(x any) string { return fmt.Sprintf("%T", x) }
