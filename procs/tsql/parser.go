package tsql

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
)

// Options change how a batch is read.
type Options struct {
	// QuotedIdentifierOff reads "x" as a string, as SQL Server does for a
	// session with SET QUOTED_IDENTIFIER OFF. Every modern client leaves it
	// ON, which is the zero value.
	QuotedIdentifierOff bool
	// MaxDepth bounds the nesting of expressions, queries and statements;
	// deeper text fails with Msg 191. Zero means DefaultMaxDepth.
	MaxDepth int
}

// DefaultMaxDepth is the nesting limit when Options.MaxDepth is zero.
const DefaultMaxDepth = 256

// Parse parses one batch with QUOTED_IDENTIFIER ON. A batch that does not
// compile returns a nil *Batch and an Errors value.
func Parse(src string) (*Batch, error) { return ParseWith(src, Options{}) }

// ParseWith parses one batch with the given options.
func ParseWith(src string, opt Options) (b *Batch, err error) {
	defer func() {
		// The parser returns errors for every input it knows; a panic here is
		// a bug, and it must not take the session down with it.
		if r := recover(); r != nil {
			b = nil
			err = Errors{compileErr(ErrSyntax, 1, 1, fmt.Sprintf("Incorrect syntax near '%s'.", "internal parser error"))}
		}
	}()
	return parse(src, opt)
}

var tokenPool = sync.Pool{New: func() any { s := make([]token, 0, 256); return &s }}

func parse(src string, opt Options) (*Batch, error) {
	bufp := tokenPool.Get().(*[]token)
	toks, lexErrs := tokenize(src, opt.QuotedIdentifierOff, (*bufp)[:0])
	defer func() {
		if cap(toks) <= 1<<16 {
			clear(toks)
			*bufp = toks[:0]
			tokenPool.Put(bufp)
		}
	}()
	p := &parser{src: src, toks: toks, maxDepth: opt.MaxDepth}
	if p.maxDepth <= 0 {
		p.maxDepth = DefaultMaxDepth
	}
	stmts := p.parseBatch()
	if errs := p.collect(lexErrs); len(errs) > 0 {
		return nil, errs
	}
	return &Batch{Source: src, Stmts: stmts}, nil
}

// parser is a recursive-descent parser over the batch's tokens. The first
// syntax error is sticky: it moves the parser to the end so that every
// production returns quickly, and the loops all test p.ok().
type parser struct {
	src      string
	toks     []token
	i        int
	lastEnd  int
	lastSemi bool // the last finished statement ended with a semicolon
	depth    int
	maxDepth int

	synErr []*sqlerr.Error // the syntax error (and a 105 that comes with it)
	synKey int             // where it sorts among the lexical errors
	semErr []keyedErr      // compile errors found by the checks (labels, BREAK, THROW)

	// statement context
	whileDepth int
	catchDepth int
	labels     []labelUse
	gotos      []labelUse
}

type keyedErr struct {
	key int
	err *sqlerr.Error
}

type labelUse struct {
	name string
	line int
	key  int
}

func (p *parser) ok() bool { return p.synErr == nil }

func (p *parser) tok() *token { return &p.toks[p.i] }

func (p *parser) peek(n int) *token {
	j := p.i + n
	if j >= len(p.toks) {
		j = len(p.toks) - 1
	}
	return &p.toks[j]
}

func (p *parser) next() {
	if p.i < len(p.toks)-1 {
		p.lastEnd = p.toks[p.i].end
		p.i++
	}
}

func (p *parser) atEOF() bool { return p.toks[p.i].kind == tEOF }

func (p *parser) pos() Pos {
	t := &p.toks[p.i]
	return Pos{Offset: t.start, Line: t.line, Col: t.col}
}

func tokPos(t *token) Pos { return Pos{Offset: t.start, Line: t.line, Col: t.col} }

func (p *parser) isKw(k keyword) bool {
	t := &p.toks[p.i]
	return t.kind == tIdent && t.kw == k
}

func (t *token) isKw(k keyword) bool { return t.kind == tIdent && t.kw == k }

func (t *token) isOp(o opKind) bool { return t.kind == tOp && t.op == o }

func (p *parser) isOp(o opKind) bool {
	t := &p.toks[p.i]
	return t.kind == tOp && t.op == o
}

func (p *parser) acceptKw(k keyword) bool {
	if p.isKw(k) {
		p.next()
		return true
	}
	return false
}

func (p *parser) acceptOp(o opKind) bool {
	if p.isOp(o) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expectKw(k keyword) bool {
	if p.acceptKw(k) {
		return true
	}
	p.fail()
	return false
}

func (p *parser) expectOp(o opKind) bool {
	if p.acceptOp(o) {
		return true
	}
	p.fail()
	return false
}

// enter counts one level of nesting and fails with Msg 191 past the limit.
func (p *parser) enter() bool {
	p.depth++
	if p.depth > p.maxDepth {
		if p.ok() {
			t := p.tok()
			p.synErr = []*sqlerr.Error{compileErr(ErrNestedTooDeeply, 1, t.line,
				"Some part of your SQL statement is nested too deeply. Rewrite the query or break it up into smaller queries.")}
			p.synKey = t.start
			p.stop()
		}
		return false
	}
	return true
}

func (p *parser) leave() { p.depth-- }

// stop moves to the end of the tokens after the first error.
func (p *parser) stop() {
	if n := len(p.toks) - 1; p.i < n {
		p.lastEnd = p.toks[n-1].end
		p.i = n
	}
}

// fail records a syntax error at the current token.
func (p *parser) fail() { p.failAt(p.i) }

// failAt records Msg 102/156 (or 105) at token i, as SQL Server words it.
func (p *parser) failAt(i int) {
	if !p.ok() {
		return
	}
	t := &p.toks[i]
	switch {
	case t.kind == tEOF:
		// Text that runs out: "near" the last token, always 102.
		j := i - 1
		for j >= 0 && p.toks[j].kind == tEOF {
			j--
		}
		if j < 0 {
			p.synErr = []*sqlerr.Error{compileErr(ErrSyntax, 1, t.line, "Incorrect syntax near ''.")}
			p.synKey = len(p.src) + 1
			break
		}
		last := &p.toks[j]
		if last.kind == tUnclosed {
			p.failAt(j)
			return
		}
		p.synErr = []*sqlerr.Error{compileErr(ErrSyntax, 1, last.line, "Incorrect syntax near '"+nearText(last, true)+"'.")}
		p.synKey = len(p.src) + 1
	case t.kind == tUnclosed:
		p.synErr = []*sqlerr.Error{
			compileErr(ErrUnclosedQuote, 1, t.line, "Unclosed quotation mark after the character string '"+t.val+"'."),
			compileErr(ErrSyntax, 1, t.line, "Incorrect syntax near '"+nearText(t, false)+"'."),
		}
		p.synKey = t.start
	case t.kind == tIdent && t.kw.reserved():
		p.synErr = []*sqlerr.Error{compileErr(ErrSyntaxKeyword, 1, t.line, "Incorrect syntax near the keyword '"+t.val+"'.")}
		p.synKey = t.start
	default:
		p.synErr = []*sqlerr.Error{compileErr(ErrSyntax, 1, t.line, "Incorrect syntax near '"+nearText(t, false)+"'.")}
		p.synKey = t.start
	}
	p.stop()
}

// failText records an error with a given number and message at token i.
func (p *parser) failText(i int, number int32, state uint8, msg string) {
	if !p.ok() {
		return
	}
	t := &p.toks[i]
	line := t.line
	key := t.start
	if t.kind == tEOF {
		key = len(p.src) + 1
		if i > 0 {
			line = p.toks[i-1].line
		}
	}
	p.synErr = []*sqlerr.Error{compileErr(number, state, line, msg)}
	p.synKey = key
	p.stop()
}

// nonBoolean records Msg 4145 near token i.
func (p *parser) nonBoolean(i int) {
	t := &p.toks[i]
	if t.kind == tEOF && i > 0 {
		t = &p.toks[i-1]
	}
	p.failText(i, ErrNonBoolean, 1, "An expression of non-boolean type specified in a context where a condition is expected, near '"+nearText(t, false)+"'.")
}

// nearText is a token as SQL Server echoes it in "Incorrect syntax near":
// as typed, strings and quoted names without their quotes, and the last
// character of a two-character comparison when it ends the text.
func nearText(t *token, last bool) string {
	switch t.kind {
	case tString, tNString, tQIdent, tUnclosed:
		return cutRunes(t.val, 129)
	case tOp:
		switch t.op {
		case opNe, opBangEq, opLe, opGe, opNotLt, opNotGt:
			if last {
				return t.val[1:]
			}
			return t.val[:1]
		}
	}
	return t.val
}

// semantic records a compile error that does not stop the parse.
func (p *parser) semantic(key, line int, number int32, msg string) {
	p.semErr = append(p.semErr, keyedErr{key: key, err: compileErr(number, 1, line, msg)})
}

// collect orders the errors as SQL Server sends them: lexical errors and
// the syntax error by where they are (a syntax error at the end of the
// text after everything else), then, only when the text parsed, the
// compile checks.
func (p *parser) collect(lexErrs []lexError) Errors {
	var out []keyedErr
	for _, le := range lexErrs {
		var e *sqlerr.Error
		switch le.number {
		case ErrMissingEndComment:
			e = compileErr(ErrMissingEndComment, 1, le.line, "Missing end comment mark '*/'.")
		case ErrSyntaxIdentTooLong:
			e = compileErr(ErrSyntaxIdentTooLong, 1, le.line, "The identifier that starts with '"+le.text+"' is too long. Maximum length is 128.")
		default:
			continue
		}
		out = append(out, keyedErr{key: le.offset, err: e})
	}
	if p.synErr == nil {
		// An unclosed string the parser never reached (it cannot happen
		// without a syntax error first, but a check is cheap).
		for i := range p.toks {
			if p.toks[i].kind == tUnclosed {
				p.failAt(i)
			}
		}
	} else if len(p.synErr) == 1 {
		// A syntax error before an unclosed string: the 105 follows it alone.
		for i := range p.toks {
			t := &p.toks[i]
			if t.kind == tUnclosed && t.start > p.synKey-1 {
				out = append(out, keyedErr{key: t.start, err: compileErr(ErrUnclosedQuote, 1, t.line, "Unclosed quotation mark after the character string '"+t.val+"'.")})
			}
		}
	}
	for _, e := range p.synErr {
		out = append(out, keyedErr{key: p.synKey, err: e})
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].key < out[b].key })
	if len(out) == 0 && len(p.semErr) > 0 {
		out = append(out, p.semErr...)
		sort.SliceStable(out, func(a, b int) bool { return out[a].key < out[b].key })
	}
	if len(out) == 0 {
		return nil
	}
	errs := make(Errors, len(out))
	for i, k := range out {
		errs[i] = k.err
	}
	return errs
}

// finish ends a simple statement: an optional semicolon, then its span.
func (p *parser) finish(s *StmtBase) {
	p.lastSemi = false
	if p.isOp(opSemi) {
		p.next()
		p.lastSemi = true
	}
	s.End = p.lastEnd
}

// finished ends statement s, whose base is sb, the way most statement
// parsers end: nil when parsing failed on the way, else s finished.
func (p *parser) finished(s Stmt, sb *StmtBase) Stmt {
	if !p.ok() {
		return nil
	}
	p.finish(sb)
	return s
}

// finishCompound ends IF and WHILE, whose inner statement took any semicolon.
func (p *parser) finishCompound(s *StmtBase) { s.End = p.lastEnd }

func (p *parser) stmtBase() StmtBase { return StmtBase{Pos: p.pos()} }

// ---------------------------------------------------------------------------
// Batches and statement lists

func (p *parser) parseBatch() []Stmt {
	var stmts []Stmt
	first := true
	p.lastSemi = true
	for p.ok() {
		if p.acceptOp(opSemi) {
			p.lastSemi = true
			continue
		}
		if p.atEOF() {
			break
		}
		s := p.parseStatement(first)
		if s == nil {
			break
		}
		first = false
		stmts = append(stmts, s)
	}
	p.checkLabels(0)
	return stmts
}

// checkLabels raises 132 and 133 for the labels and GOTOs recorded since
// index from (a procedure body has its own labels).
func (p *parser) checkLabels(from int) {
	if !p.ok() {
		return
	}
	labels := p.labels[min(from, len(p.labels)):]
	for i, l := range labels {
		for _, m := range labels[:i] {
			if strings.EqualFold(l.name, m.name) {
				p.semantic(l.key, l.line, ErrLabelDeclared, "The label '"+l.name+"' has already been declared. Label names must be unique within a query batch or stored procedure.")
				break
			}
		}
	}
	for _, g := range p.gotos {
		found := false
		for _, l := range labels {
			if strings.EqualFold(l.name, g.name) {
				found = true
				break
			}
		}
		if !found {
			p.semantic(g.key, g.line, ErrLabelMissing, "A GOTO statement references the label '"+g.name+"' but the label has not been declared.")
		}
	}
	p.gotos = p.gotos[:0]
}

// parseBlockBody parses statements up to (not including) END.
func (p *parser) parseBlockBody() []Stmt {
	var stmts []Stmt
	for p.ok() {
		if p.acceptOp(opSemi) {
			p.lastSemi = true
			continue
		}
		if p.isKw(kwEND) || p.atEOF() {
			break
		}
		s := p.parseStatement(false)
		if s == nil {
			break
		}
		stmts = append(stmts, s)
	}
	return stmts
}

// statementKeyword reports whether a reserved word begins a statement,
// which ends a statement that could otherwise run on.
func statementKeyword(k keyword) bool {
	switch k {
	case kwSELECT, kwINSERT, kwUPDATE, kwDELETE, kwMERGE, kwDECLARE, kwSET, kwPRINT, kwIF, kwWHILE,
		kwBEGIN, kwEND, kwBREAK, kwCONTINUE, kwGOTO, kwRETURN, kwWAITFOR, kwRAISERROR, kwUSE,
		kwCOMMIT, kwROLLBACK, kwSAVE, kwEXEC, kwEXECUTE, kwREVERT, kwCREATE, kwALTER, kwDROP,
		kwTRUNCATE, kwOPEN, kwFETCH, kwCLOSE, kwDEALLOCATE, kwGRANT, kwDENY, kwREVOKE, kwELSE,
		kwWITH, kwDBCC, kwBACKUP, kwRESTORE, kwBULK, kwCHECKPOINT, kwKILL, kwSHUTDOWN,
		kwRECONFIGURE, kwREADTEXT, kwWRITETEXT, kwUPDATETEXT, kwSETUSER, kwDUMP, kwLOAD:
		return true
	}
	return false
}

// parseStatement parses one statement; first says it opens the batch,
// where a bare procedure call needs no EXEC.
func (p *parser) parseStatement(first bool) Stmt {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	t := p.tok()
	// A label: name followed by a colon.
	if (t.kind == tIdent && !t.kw.reserved()) && p.peek(1).isOp(opColon) {
		s := &LabelStmt{StmtBase: p.stmtBase(), Name: t.val}
		p.labels = append(p.labels, labelUse{name: t.val, line: t.line, key: t.start})
		p.next()
		p.next()
		p.finish(&s.StmtBase)
		return s
	}
	if t.kind == tOp && t.op == opLParen {
		return p.parseSelectStmt(nil)
	}
	if t.kind == tQIdent && first {
		return p.parseExec(true)
	}
	if t.kind != tIdent {
		p.fail()
		return nil
	}
	switch t.kw {
	case kwSELECT:
		return p.parseSelectStmt(nil)
	case kwWITH:
		if !p.lastSemi {
			// A CTE after a statement that did not end with a semicolon.
			p.failText(p.i, ErrCTENeedsSemicolon, 1, "Incorrect syntax near the keyword 'with'. If this statement is a common table expression, an xmlnamespaces clause or a change tracking context clause, the previous statement must be terminated with a semicolon.")
			return nil
		}
		return p.parseWithStmt()
	case kwINSERT:
		return p.parseInsert(nil)
	case kwUPDATE:
		if p.peek(1).isKw(kwSTATISTICS) {
			return p.skipUnsupported("UPDATE STATISTICS", skipToBoundary)
		}
		return p.parseUpdate(nil)
	case kwDELETE:
		return p.parseDelete(nil)
	case kwMERGE:
		return p.skipUnsupported("MERGE", skipToSemicolon)
	case kwDECLARE:
		return p.parseDeclare()
	case kwSET:
		return p.parseSet()
	case kwPRINT:
		s := &PrintStmt{StmtBase: p.stmtBase()}
		p.next()
		s.X = p.parseScalar()
		p.finish(&s.StmtBase)
		return s
	case kwIF:
		return p.parseIf()
	case kwWHILE:
		return p.parseWhile()
	case kwBREAK, kwCONTINUE:
		return p.parseBreakContinue()
	case kwBEGIN:
		return p.parseBegin()
	case kwGOTO:
		s := &GotoStmt{StmtBase: p.stmtBase()}
		p.next()
		lt := p.tok()
		if lt.kind != tIdent || lt.kw.reserved() {
			p.fail()
			return nil
		}
		s.Label = lt.val
		p.gotos = append(p.gotos, labelUse{name: lt.val, line: lt.line, key: lt.start})
		p.next()
		p.finish(&s.StmtBase)
		return s
	case kwRETURN:
		s := &ReturnStmt{StmtBase: p.stmtBase()}
		p.next()
		if p.startsExpr() {
			s.Value = p.parseScalar()
		}
		p.finish(&s.StmtBase)
		return s
	case kwWAITFOR:
		return p.parseWaitFor()
	case kwRAISERROR:
		return p.parseRaiserror()
	case kwUSE:
		s := &UseStmt{StmtBase: p.stmtBase()}
		p.next()
		nt := p.tok()
		if !(nt.kind == tQIdent || nt.kind == tIdent && !nt.kw.reserved()) {
			p.fail()
			return nil
		}
		s.Database = nt.val
		p.next()
		p.finish(&s.StmtBase)
		return s
	case kwCOMMIT, kwROLLBACK:
		return p.parseCommitRollback()
	case kwSAVE:
		s := &SaveTranStmt{StmtBase: p.stmtBase()}
		p.next()
		if !p.acceptKw(kwTRAN) && !p.acceptKw(kwTRANSACTION) {
			p.fail()
			return nil
		}
		s.Name = p.parseTranName()
		if s.Name == nil {
			p.fail()
			return nil
		}
		p.finish(&s.StmtBase)
		return s
	case kwEXEC, kwEXECUTE:
		return p.parseExec(false)
	case kwREVERT:
		s := &RevertStmt{StmtBase: p.stmtBase()}
		p.next()
		if p.isKw(kwWITH) && p.peek(1).isKw(kwCOOKIE) {
			p.next()
			p.next()
			p.expectOp(opEq)
			s.Cookie = p.parseScalar()
		}
		p.finish(&s.StmtBase)
		return s
	case kwCREATE:
		return p.parseCreate(first)
	case kwALTER:
		return p.parseAlter(first)
	case kwDROP:
		return p.parseDrop()
	case kwTRUNCATE:
		s := &TruncateTableStmt{StmtBase: p.stmtBase()}
		p.next()
		if !p.expectKw(kwTABLE) {
			return nil
		}
		s.Name = p.parseObjectName()
		if p.isKw(kwWITH) {
			return p.skipUnsupportedFrom(s.StmtBase, "TRUNCATE TABLE WITH PARTITIONS", skipToBoundary, true)
		}
		p.finish(&s.StmtBase)
		return s
	case kwOPEN:
		if p.peek(1).kind == tIdent && (strings.EqualFold(p.peek(1).val, "SYMMETRIC") || strings.EqualFold(p.peek(1).val, "MASTER")) {
			return p.skipUnsupported("OPEN "+strings.ToUpper(p.peek(1).val)+" KEY", skipToBoundary)
		}
		s := &OpenCursorStmt{StmtBase: p.stmtBase()}
		p.next()
		s.Cursor = p.parseCursorRef()
		p.finish(&s.StmtBase)
		return s
	case kwCLOSE:
		if p.peek(1).kind == tIdent && (strings.EqualFold(p.peek(1).val, "SYMMETRIC") || strings.EqualFold(p.peek(1).val, "MASTER") || strings.EqualFold(p.peek(1).val, "ALL")) {
			return p.skipUnsupported("CLOSE "+strings.ToUpper(p.peek(1).val)+" KEY", skipToBoundary)
		}
		s := &CloseCursorStmt{StmtBase: p.stmtBase()}
		p.next()
		s.Cursor = p.parseCursorRef()
		p.finish(&s.StmtBase)
		return s
	case kwDEALLOCATE:
		s := &DeallocateCursorStmt{StmtBase: p.stmtBase()}
		p.next()
		s.Cursor = p.parseCursorRef()
		p.finish(&s.StmtBase)
		return s
	case kwFETCH:
		return p.parseFetch()
	case kwGRANT, kwDENY, kwREVOKE:
		return p.parsePermission()
	case kwTHROW:
		if !p.lastSemi {
			// THROW must follow a semicolon (or open its block); otherwise
			// the word reads as part of the statement before it.
			p.fail()
			return nil
		}
		return p.parseThrow()
	case kwBULK:
		return p.skipUnsupported("BULK INSERT", skipToBoundary)
	case kwDBCC, kwBACKUP, kwRESTORE, kwCHECKPOINT, kwKILL, kwSHUTDOWN, kwRECONFIGURE,
		kwREADTEXT, kwWRITETEXT, kwUPDATETEXT, kwSETUSER, kwDUMP, kwLOAD:
		// The statement's word in upper case is the keyword's own name.
		return p.skipUnsupported(strings.ToUpper(t.val), skipToBoundary)
	case kwENABLE, kwDISABLE:
		if p.peek(1).isKw(kwTRIGGER) {
			return p.skipUnsupported(strings.ToUpper(t.val)+" TRIGGER", skipToBoundary)
		}
	}
	if first && !t.kw.reserved() {
		return p.parseExec(true)
	}
	p.fail()
	return nil
}

// ---------------------------------------------------------------------------
// Unsupported statements

type skipMode uint8

const (
	skipToBoundary  skipMode = iota // to a semicolon or the next statement's first word
	skipToSemicolon                 // MERGE: to its (required) semicolon
	skipToEnd                       // CREATE FUNCTION, VIEW, TRIGGER: the rest of the batch
)

// skipUnsupported turns the statement at the current token into an
// Unsupported node that spans as far as mode says.
func (p *parser) skipUnsupported(feature string, mode skipMode) Stmt {
	return p.skipUnsupportedFrom(p.stmtBase(), feature, mode, false)
}

// skipStatementFrom steps back to the statement's first word, first, which
// the parser had already read past, and skips the whole statement as an
// unsupported option.
func (p *parser) skipStatementFrom(sb StmtBase, first keyword, feature string) Stmt {
	for p.i > 0 && !p.toks[p.i].isKw(first) {
		p.i--
	}
	return p.skipUnsupportedFrom(sb, feature, skipToBoundary, true)
}

func (p *parser) skipUnsupportedFrom(sb StmtBase, feature string, mode skipMode, option bool) Stmt {
	s := &Unsupported{StmtBase: sb, Feature: feature, Option: option}
	start := p.i
	depth, caseDepth := 0, 0
	for p.ok() && !p.atEOF() {
		t := p.tok()
		if t.kind == tUnclosed {
			p.fail()
			return nil
		}
		if depth == 0 && caseDepth == 0 && p.i > start && mode == skipToBoundary {
			if t.isOp(opSemi) {
				break
			}
			if t.kind == tIdent && statementKeyword(t.kw) && !p.continuesUnsupported(start) {
				break
			}
		}
		if mode == skipToSemicolon && depth == 0 && t.isOp(opSemi) {
			break
		}
		switch {
		case t.isOp(opLParen):
			depth++
		case t.isOp(opRParen):
			if depth > 0 {
				depth--
			}
		case t.isKw(kwCASE):
			caseDepth++
		case t.isKw(kwEND) && caseDepth > 0:
			caseDepth--
		}
		p.next()
	}
	return p.finished(s, &s.StmtBase)
}

// continuesUnsupported reports whether a statement word at the current
// token still belongs to the unsupported statement that began at start
// (ALTER TABLE t ALTER COLUMN, DROP CONSTRAINT, ALTER DATABASE d SET ...,
// SET SINGLE_USER WITH ROLLBACK IMMEDIATE).
func (p *parser) continuesUnsupported(start int) bool {
	t := p.tok()
	nx := p.peek(1)
	prev := &p.toks[p.i-1]
	switch t.kw {
	case kwALTER:
		return nx.isKw(kwCOLUMN)
	case kwDROP:
		return nx.isKw(kwCOLUMN) || nx.isKw(kwCONSTRAINT) || strings.EqualFold(nx.val, "PERIOD") || nx.isKw(kwINDEX)
	case kwROLLBACK:
		return strings.EqualFold(nx.val, "IMMEDIATE") || strings.EqualFold(nx.val, "AFTER")
	case kwSET:
		// ALTER DATABASE d SET ..., ALTER TABLE t SET (...): right after the name.
		if p.toks[start].isKw(kwALTER) {
			return p.i <= start+4 || nx.isOp(opLParen)
		}
		return prev.isOp(opComma)
	case kwWITH, kwCHECK:
		return true
	case kwDELETE, kwUPDATE, kwINSERT, kwSELECT:
		// ON DELETE CASCADE, FOR INSERT (triggers), GRANT SELECT, ...
		return prev.isKw(kwON) || prev.isKw(kwFOR) || prev.isOp(opComma) || prev.isKw(kwBULK) || prev.isKw(kwAS) ||
			prev.kind == tIdent && (strings.EqualFold(prev.val, "AFTER") || strings.EqualFold(prev.val, "BEFORE") || prev.isKw(kwOF))
	}
	return false
}
