package tsql

import (
	"strings"
)

// ---------------------------------------------------------------------------
// DECLARE

func (p *parser) parseDeclare() Stmt {
	sb := p.stmtBase()
	p.next()
	if t := p.tok(); t.kind == tQIdent || t.kind == tIdent && !t.kw.reserved() {
		return p.parseDeclareCursor(sb)
	}
	s := &DeclareStmt{StmtBase: sb}
	for p.ok() {
		vt := p.tok()
		if vt.kind != tVar {
			p.fail()
			return nil
		}
		v := &VarDecl{Base: Base{p.pos()}, Name: vt.val}
		p.next()
		p.acceptKw(kwAS)
		switch {
		case p.isKw(kwTABLE):
			p.next()
			v.Table = p.parseTableDef()
		case p.isKw(kwCURSOR):
			p.next()
			v.Cursor = true
		default:
			v.Typ = p.parseDataType()
			if p.acceptOp(opEq) {
				v.Value = p.parseScalar()
			}
		}
		if !p.ok() {
			return nil
		}
		s.Vars = append(s.Vars, v)
		if !p.acceptOp(opComma) {
			break
		}
	}
	return p.finished(s, &s.StmtBase)
}

// cursorOptionWords are the words of DECLARE CURSOR's options.
var cursorOptionWords = map[string]bool{
	"LOCAL": true, "GLOBAL": true, "FORWARD_ONLY": true, "SCROLL": true, "STATIC": true, "KEYSET": true,
	"DYNAMIC": true, "FAST_FORWARD": true, "READ_ONLY": true, "SCROLL_LOCKS": true, "OPTIMISTIC": true,
	"TYPE_WARNING": true, "INSENSITIVE": true,
}

func (p *parser) parseDeclareCursor(sb StmtBase) Stmt {
	s := &DeclareCursorStmt{StmtBase: sb, Name: p.tok().val}
	p.next()
	// ISO form: INSENSITIVE and SCROLL come before CURSOR.
	for p.ok() && !p.isKw(kwCURSOR) {
		t := p.tok()
		w := strings.ToUpper(t.val)
		if t.kind != tIdent || w != "INSENSITIVE" && w != "SCROLL" {
			p.fail()
			return nil
		}
		s.Options = append(s.Options, w)
		p.next()
	}
	if !p.expectKw(kwCURSOR) {
		return nil
	}
	for p.ok() && !p.isKw(kwFOR) {
		t := p.tok()
		w := strings.ToUpper(t.val)
		if t.kind != tIdent || !cursorOptionWords[w] {
			p.fail()
			return nil
		}
		s.Options = append(s.Options, w)
		p.next()
	}
	if !p.expectKw(kwFOR) {
		return nil
	}
	s.Query = p.parseQuery()
	if p.ok() && p.isKw(kwFOR) {
		p.next()
		switch {
		case p.acceptKw(kwUPDATE):
			s.ForUpdate = true
			if p.acceptKw(kwOF) {
				for p.ok() {
					t := p.tok()
					if !(t.kind == tQIdent || t.kind == tIdent && !t.kw.reserved()) {
						p.fail()
						return nil
					}
					s.UpdateColumns = append(s.UpdateColumns, t.val)
					p.next()
					if !p.acceptOp(opComma) {
						break
					}
				}
			}
		case p.acceptKw(kwREAD):
			if !p.expectKw(kwONLY) {
				return nil
			}
			s.ReadOnly = true
		default:
			p.fail()
			return nil
		}
	}
	return p.finished(s, &s.StmtBase)
}

// ---------------------------------------------------------------------------
// SET

// onOffOptions are the SET options that take ON or OFF.
var onOffOptions = map[string]bool{
	"ANSI_DEFAULTS": true, "ANSI_NULL_DFLT_OFF": true, "ANSI_NULL_DFLT_ON": true, "ANSI_NULLS": true,
	"ANSI_PADDING": true, "ANSI_WARNINGS": true, "ARITHABORT": true, "ARITHIGNORE": true,
	"CONCAT_NULL_YIELDS_NULL": true, "CURSOR_CLOSE_ON_COMMIT": true, "FMTONLY": true, "FORCEPLAN": true,
	"IMPLICIT_TRANSACTIONS": true, "NOCOUNT": true, "NOEXEC": true, "NUMERIC_ROUNDABORT": true,
	"PARSEONLY": true, "QUOTED_IDENTIFIER": true, "REMOTE_PROC_TRANSACTIONS": true, "SHOWPLAN_ALL": true,
	"SHOWPLAN_TEXT": true, "SHOWPLAN_XML": true, "XACT_ABORT": true, "NO_BROWSETABLE": true,
	"DISABLE_DEF_CNST_CHK": true,
}

// valueOptions are the SET options that take a value.
var valueOptions = map[string]bool{
	"DATEFIRST": true, "DATEFORMAT": true, "DEADLOCK_PRIORITY": true, "LANGUAGE": true, "LOCK_TIMEOUT": true,
	"QUERY_GOVERNOR_COST_LIMIT": true, "ROWCOUNT": true, "TEXTSIZE": true, "CONTEXT_INFO": true,
	"FIPS_FLAGGER": true,
}

func (p *parser) parseSet() Stmt {
	sb := p.stmtBase()
	setIdx := p.i
	p.next()
	t := p.tok()
	switch {
	case t.kind == tVar:
		op, n := p.assignOp(p.i + 1)
		if n == 0 {
			if p.peek(1).isOp(opDot) {
				return p.skipUnsupportedFrom(sb, "SET with a method call", skipToBoundary, true)
			}
			p.next()
			p.fail()
			return nil
		}
		s := &SetVarStmt{StmtBase: sb, Var: &Variable{Base: Base{p.pos()}, Name: t.val}, Op: op}
		p.next()
		for k := 0; k < n; k++ {
			p.next()
		}
		if p.isKw(kwCURSOR) {
			return p.skipUnsupportedFrom(sb, "SET CURSOR", skipToBoundary, false)
		}
		s.Value = p.parseScalar()
		return p.finished(s, &s.StmtBase)
	case t.kind == tEOF || t.isOp(opSemi) || t.kind == tIdent && statementKeyword(t.kw):
		// A SET with nothing of its own after it: SQL Server names the SET.
		p.failText(setIdx, ErrSyntaxKeyword, 1, "Incorrect syntax near the keyword 'SET'.")
		return nil
	case t.kind != tIdent:
		p.fail()
		return nil
	}
	s := &SetOptionStmt{StmtBase: sb}
	word := strings.ToUpper(t.val)
	switch word {
	case "TRANSACTION":
		p.next()
		if !p.expectKw(kwISOLATION) || !p.expectKw(kwLEVEL) {
			return nil
		}
		s.Options = []string{"TRANSACTION ISOLATION LEVEL"}
		lp := p.pos()
		var level string
		switch w := p.tok(); {
		case w.isKw(kwREAD):
			p.next()
			nx := strings.ToUpper(p.tok().val)
			if nx != "COMMITTED" && nx != "UNCOMMITTED" {
				p.fail()
				return nil
			}
			level = "READ " + nx
			p.next()
		case strings.EqualFold(w.val, "REPEATABLE"):
			p.next()
			if !p.expectKw(kwREAD) {
				return nil
			}
			level = "REPEATABLE READ"
		case strings.EqualFold(w.val, "SNAPSHOT"), strings.EqualFold(w.val, "SERIALIZABLE"):
			level = strings.ToUpper(w.val)
			p.next()
		default:
			p.fail()
			return nil
		}
		s.Value = &BareWord{Base: Base{lp}, Text: level}
	case "IDENTITY_INSERT":
		p.next()
		s.Options = []string{word}
		s.Table = p.parseObjectName()
		if !p.parseToggle(&s.Toggle) {
			return nil
		}
	case "STATISTICS":
		p.next()
		for p.ok() {
			w := p.tok()
			sub := strings.ToUpper(w.val)
			if w.kind != tIdent || sub != "IO" && sub != "TIME" && sub != "XML" && sub != "PROFILE" {
				p.fail()
				return nil
			}
			s.Options = append(s.Options, "STATISTICS "+sub)
			p.next()
			if !p.acceptOp(opComma) {
				break
			}
		}
		if !p.parseToggle(&s.Toggle) {
			return nil
		}
	case "OFFSETS":
		p.next()
		s.Options = []string{word}
		for p.ok() && !p.isKw(kwON) && !p.isKw(kwOFF) {
			if p.tok().kind != tIdent {
				p.fail()
				return nil
			}
			p.next()
			p.acceptOp(opComma)
		}
		if !p.parseToggle(&s.Toggle) {
			return nil
		}
	default:
		if valueOptions[word] {
			optIdx := p.i
			p.next()
			s.Options = []string{word}
			if word == "FIPS_FLAGGER" && p.isKw(kwOFF) {
				s.Value = &BareWord{Base: Base{p.pos()}, Text: "OFF"}
				p.next()
				break
			}
			s.Value = p.parseSetValue()
			if s.Value == nil {
				if p.ok() {
					p.failAt(optIdx)
				}
				return nil
			}
			break
		}
		// A list of ON/OFF options.
		for p.ok() {
			w := p.tok()
			name := strings.ToUpper(w.val)
			if w.kind != tIdent {
				p.fail()
				return nil
			}
			if !onOffOptions[name] {
				if w.kw.reserved() {
					p.fail()
					return nil
				}
				return p.unknownSetOption(w)
			}
			s.Options = append(s.Options, name)
			p.next()
			if !p.acceptOp(opComma) {
				break
			}
		}
		if !p.isKw(kwON) && !p.isKw(kwOFF) && p.ok() {
			// An ON/OFF option given something else: 102 at the option.
			last := p.i - 1
			if p.atEOF() {
				p.fail()
				return nil
			}
			p.failText(last, ErrSyntax, 4, "Incorrect syntax near '"+p.toks[last].val+"'.")
			return nil
		}
		p.parseToggle(&s.Toggle)
	}
	return p.finished(s, &s.StmtBase)
}

// unknownSetOption answers SET with a word that names no option: Msg 195
// when something follows it (state 5 for ON/OFF, 7 for a value), Msg 102
// when nothing does.
func (p *parser) unknownSetOption(w *token) Stmt {
	idx := p.i
	j := p.i + 1
	for j+1 < len(p.toks) && p.toks[j].isOp(opComma) && p.toks[j+1].kind == tIdent {
		j += 2
	}
	nx := &p.toks[j]
	switch {
	case nx.isKw(kwON) || nx.isKw(kwOFF):
		p.failText(idx, ErrUnknownSetOption, 5, "'"+w.val+"' is not a recognized SET option.")
	case nx.kind == tEOF || nx.isOp(opSemi) || nx.kind == tIdent && statementKeyword(nx.kw):
		p.failAt(idx + 1)
	default:
		p.failText(idx, ErrUnknownSetOption, 7, "'"+w.val+"' is not a recognized SET option.")
	}
	return nil
}

// parseToggle parses ON or OFF.
func (p *parser) parseToggle(t *Toggle) bool {
	switch {
	case p.acceptKw(kwON):
		*t = ToggleOn
	case p.acceptKw(kwOFF):
		*t = ToggleOff
	default:
		p.fail()
		return false
	}
	return true
}

// parseSetValue parses a SET option's value: a number (signed), a string,
// a variable, a binary or a word. It returns nil, without an error, when
// the current token is none of these.
func (p *parser) parseSetValue() Expr {
	t := p.tok()
	switch t.kind {
	case tInt, tDecimal, tFloat, tMoney, tString, tNString, tBinary, tVar, tGlobal:
		return p.parsePrimary()
	case tOp:
		if (t.op == opMinus || t.op == opPlus) && isNumberTok(p.peek(1)) {
			pos := p.pos()
			op := OpNeg
			if t.op == opPlus {
				op = OpPlus
			}
			p.next()
			return &UnaryExpr{Base: Base{pos}, Op: op, X: p.parsePrimary()}
		}
	case tIdent:
		if t.isKw(kwNULL) {
			return p.literal(LitNull, "")
		}
		if !t.kw.reserved() || t.isKw(kwON) || t.isKw(kwOFF) {
			w := &BareWord{Base: Base{p.pos()}, Text: t.val}
			p.next()
			return w
		}
	case tQIdent:
		w := &BareWord{Base: Base{p.pos()}, Text: t.val, Quoted: true}
		p.next()
		return w
	}
	return nil
}

func isNumberTok(t *token) bool {
	switch t.kind {
	case tInt, tDecimal, tFloat, tMoney:
		return true
	}
	return false
}

// ---------------------------------------------------------------------------
// Flow of control

// parseInner parses the statement governed by IF, ELSE or WHILE, where a
// THROW may stand without a semicolon before it.
func (p *parser) parseInner() Stmt {
	p.lastSemi = true
	s := p.parseStatement(false)
	if s == nil && p.ok() {
		p.fail()
	}
	return s
}

func (p *parser) parseIf() Stmt {
	first := &IfStmt{StmtBase: p.stmtBase()}
	chain := []*IfStmt{first}
	cur := first
	for {
		p.next() // IF
		cur.Cond = p.parseCond()
		if !p.ok() {
			return nil
		}
		cur.Then = p.parseInner()
		if !p.ok() {
			return nil
		}
		// A semicolon ends the IF: an ELSE after it is a syntax error.
		if p.lastSemi || !p.isKw(kwELSE) {
			break
		}
		p.next()
		if p.isKw(kwIF) {
			// ELSE IF chains are read in a loop: generated scripts can hold
			// hundreds of them, which is length, not nesting.
			next := &IfStmt{StmtBase: p.stmtBase()}
			cur.Else = next
			cur = next
			chain = append(chain, cur)
			continue
		}
		cur.Else = p.parseInner()
		if !p.ok() {
			return nil
		}
		break
	}
	for _, s := range chain {
		p.finishCompound(&s.StmtBase)
	}
	return first
}

func (p *parser) parseWhile() Stmt {
	s := &WhileStmt{StmtBase: p.stmtBase()}
	p.next()
	s.Cond = p.parseCond()
	if !p.ok() {
		return nil
	}
	p.whileDepth++
	s.Body = p.parseInner()
	p.whileDepth--
	if !p.ok() {
		return nil
	}
	p.finishCompound(&s.StmtBase)
	return s
}

func (p *parser) parseBreakContinue() Stmt {
	t := p.tok()
	sb := p.stmtBase()
	p.next()
	if p.whileDepth == 0 {
		if t.kw == kwBREAK {
			p.semantic(t.start, t.line, ErrBreakOutside, "Cannot use a BREAK statement outside the scope of a WHILE statement.")
		} else {
			p.semantic(t.start, t.line, ErrContinueOutside, "Cannot use a CONTINUE statement outside the scope of a WHILE statement.")
		}
	}
	if t.kw == kwBREAK {
		s := &BreakStmt{StmtBase: sb}
		p.finish(&s.StmtBase)
		return s
	}
	s := &ContinueStmt{StmtBase: sb}
	p.finish(&s.StmtBase)
	return s
}

func (p *parser) parseBegin() Stmt {
	sb := p.stmtBase()
	nx := p.peek(1)
	switch {
	case nx.isKw(kwTRY):
		return p.parseTryCatch()
	case nx.isKw(kwTRAN) || nx.isKw(kwTRANSACTION):
		p.next()
		p.next()
		return p.beginTranTail(sb, false)
	case nx.isKw(kwDISTRIBUTED):
		p.next()
		p.next()
		if !p.acceptKw(kwTRAN) && !p.acceptKw(kwTRANSACTION) {
			p.fail()
			return nil
		}
		return p.beginTranTail(sb, true)
	case nx.kind == tIdent && (strings.EqualFold(nx.val, "CONVERSATION") || strings.EqualFold(nx.val, "DIALOG")):
		return p.skipUnsupported("BEGIN "+strings.ToUpper(nx.val), skipToBoundary)
	case nx.kind == tIdent && strings.EqualFold(nx.val, "ATOMIC"):
		return p.skipUnsupported("BEGIN ATOMIC", skipToEnd)
	}
	s := &BlockStmt{StmtBase: sb}
	p.next()
	p.lastSemi = true
	s.Body = p.parseBlockBody()
	if !p.ok() {
		return nil
	}
	if len(s.Body) == 0 {
		// BEGIN END with nothing between is a syntax error at END.
		p.fail()
		return nil
	}
	if !p.expectKw(kwEND) {
		return nil
	}
	p.finish(&s.StmtBase)
	return s
}

func (p *parser) beginTranTail(sb StmtBase, distributed bool) Stmt {
	s := &BeginTranStmt{StmtBase: sb, Distributed: distributed}
	s.Name = p.parseTranName()
	if s.Name != nil && p.isKw(kwWITH) && p.peek(1).isKw(kwMARK) {
		p.next()
		p.next()
		s.Mark = true
		if t := p.tok(); t.kind == tString || t.kind == tNString {
			s.MarkDesc = p.parsePrimary()
		}
	}
	return p.finished(s, &s.StmtBase)
}

// parseTranName parses an optional transaction or savepoint name.
func (p *parser) parseTranName() Expr {
	t := p.tok()
	switch {
	case t.kind == tVar:
		p.next()
		return &Variable{Base: Base{tokPos(t)}, Name: t.val}
	case t.kind == tQIdent || t.kind == tIdent && !t.kw.reserved() && !p.peek(1).isOp(opColon):
		p.next()
		return &BareWord{Base: Base{tokPos(t)}, Text: t.val, Quoted: t.kind == tQIdent}
	}
	return nil
}

func (p *parser) parseTryCatch() Stmt {
	s := &TryCatchStmt{StmtBase: p.stmtBase()}
	p.next()
	p.next() // BEGIN TRY
	p.lastSemi = true
	s.Try = p.parseBlockBody()
	if !p.ok() {
		return nil
	}
	if len(s.Try) == 0 {
		p.fail()
		return nil
	}
	if !p.expectKw(kwEND) || !p.expectKw(kwTRY) || !p.expectKw(kwBEGIN) || !p.expectKw(kwCATCH) {
		return nil
	}
	p.catchDepth++
	p.lastSemi = true
	s.Catch = p.parseBlockBody()
	p.catchDepth--
	if !p.ok() {
		return nil
	}
	if !p.expectKw(kwEND) || !p.expectKw(kwCATCH) {
		return nil
	}
	p.finish(&s.StmtBase)
	return s
}

func (p *parser) parseWaitFor() Stmt {
	s := &WaitForStmt{StmtBase: p.stmtBase()}
	p.next()
	switch {
	case p.acceptKw(kwDELAY):
	case p.acceptKw(kwTIME):
		s.Time = true
	case p.isOp(opLParen):
		return p.skipUnsupportedFrom(s.StmtBase, "WAITFOR RECEIVE", skipToBoundary, false)
	default:
		p.fail()
		return nil
	}
	s.Value = p.parseScalar()
	return p.finished(s, &s.StmtBase)
}

func (p *parser) parseRaiserror() Stmt {
	s := &RaiserrorStmt{StmtBase: p.stmtBase()}
	p.next()
	if !p.expectOp(opLParen) {
		return nil
	}
	s.Message = p.parseScalar()
	if !p.expectOp(opComma) {
		return nil
	}
	s.Severity = p.parseScalar()
	if !p.expectOp(opComma) {
		return nil
	}
	s.State = p.parseScalar()
	for p.ok() && p.acceptOp(opComma) {
		s.Args = append(s.Args, p.parseScalar())
	}
	if !p.expectOp(opRParen) {
		return nil
	}
	if p.acceptKw(kwWITH) {
		for p.ok() {
			t := p.tok()
			switch {
			case t.isKw(kwLOG):
				s.Log = true
			case t.isKw(kwNOWAIT):
				s.NoWait = true
			case t.isKw(kwSETERROR):
				s.SetError = true
			default:
				p.fail()
				return nil
			}
			p.next()
			if !p.acceptOp(opComma) {
				break
			}
		}
	}
	return p.finished(s, &s.StmtBase)
}

func (p *parser) parseThrow() Stmt {
	t := p.tok()
	s := &ThrowStmt{StmtBase: p.stmtBase()}
	p.next()
	nx := p.tok()
	if nx.kind == tEOF || nx.isOp(opSemi) || nx.kind == tIdent && nx.kw.reserved() {
		if p.catchDepth == 0 {
			p.semantic(t.start, t.line, ErrRethrowOutside, "To rethrow an error, a THROW statement must be used inside a CATCH block. Insert the THROW statement inside a CATCH block, or add error parameters to the THROW statement.")
		}
		p.finish(&s.StmtBase)
		return s
	}
	s.Number = p.parseScalar()
	if !p.expectOp(opComma) {
		return nil
	}
	s.Message = p.parseScalar()
	if !p.expectOp(opComma) {
		return nil
	}
	s.State = p.parseScalar()
	return p.finished(s, &s.StmtBase)
}

func (p *parser) parseCommitRollback() Stmt {
	sb := p.stmtBase()
	commit := p.isKw(kwCOMMIT)
	p.next()
	work := false
	var name Expr
	switch {
	case p.acceptKw(kwWORK):
		work = true
	case p.acceptKw(kwTRAN), p.acceptKw(kwTRANSACTION):
		name = p.parseTranName()
	}
	if commit {
		s := &CommitTranStmt{StmtBase: sb, Work: work, Name: name}
		if p.isKw(kwWITH) && p.peek(1).isOp(opLParen) {
			p.next()
			p.next()
			if t := p.tok(); !strings.EqualFold(t.val, "DELAYED_DURABILITY") {
				p.fail()
				return nil
			}
			p.next()
			if !p.expectOp(opEq) {
				return nil
			}
			switch {
			case p.acceptKw(kwON):
				s.DelayedDurability = "ON"
			case p.acceptKw(kwOFF):
				s.DelayedDurability = "OFF"
			default:
				p.fail()
				return nil
			}
			if !p.expectOp(opRParen) {
				return nil
			}
		}
		p.finish(&s.StmtBase)
		return s
	}
	s := &RollbackTranStmt{StmtBase: sb, Work: work, Name: name}
	p.finish(&s.StmtBase)
	return s
}

// ---------------------------------------------------------------------------
// EXEC

// parseExec parses EXEC[UTE] ... (or, implicit, a bare procedure call).
func (p *parser) parseExec(implicit bool) Stmt {
	s := p.parseExecCore(implicit)
	if s == nil || !p.ok() {
		return nil
	}
	switch x := s.(type) {
	case *ExecStmt:
		p.finish(&x.StmtBase)
	case *ExecStringStmt:
		p.finish(&x.StmtBase)
	case *ExecuteAsStmt:
		p.finish(&x.StmtBase)
	case *Unsupported:
		p.finish(&x.StmtBase)
	}
	return s
}

// parseExecCore parses an EXEC without its terminating semicolon (INSERT
// ... EXEC uses it too).
func (p *parser) parseExecCore(implicit bool) Stmt {
	sb := p.stmtBase()
	if !implicit {
		p.next()
		if p.isKw(kwAS) {
			return p.parseExecuteAs(sb)
		}
		if p.isOp(opLParen) {
			return p.parseExecString(sb)
		}
	}
	s := &ExecStmt{StmtBase: sb, Implicit: implicit}
	t := p.tok()
	if t.kind == tVar && p.peek(1).isOp(opEq) {
		s.ReturnStatus = &Variable{Base: Base{tokPos(t)}, Name: t.val}
		p.next()
		p.next()
		t = p.tok()
		if t.isOp(opLParen) {
			p.fail()
			return nil
		}
	}
	switch {
	case t.kind == tVar:
		s.ProcVar = &Variable{Base: Base{tokPos(t)}, Name: t.val}
		p.next()
	case t.kind == tQIdent || t.kind == tIdent && !t.kw.reserved():
		s.Proc = p.parseObjectName()
	default:
		p.fail()
		return nil
	}
	if !p.ok() {
		return nil
	}
	// A numbered procedure: proc;2, written without blanks.
	if semi := p.tok(); semi.isOp(opSemi) && semi.start == p.lastEnd {
		if n := p.peek(1); n.kind == tInt && n.start == semi.end {
			p.next()
			s.ProcNumber = atoiSmall(n.val)
			p.next()
		}
	}
	if p.startsExecArg() {
		for p.ok() {
			a := p.parseExecArg()
			if a == nil {
				return nil
			}
			s.Args = append(s.Args, a)
			if !p.acceptOp(opComma) {
				break
			}
		}
	}
	if p.isKw(kwWITH) {
		nx := p.peek(1)
		switch {
		case nx.isKw(kwRECOMPILE):
			p.next()
			p.next()
			s.Recompile = true
		case nx.kind == tIdent && strings.EqualFold(nx.val, "RESULT"):
			return p.skipUnsupportedFrom(s.StmtBase, "WITH RESULT SETS", skipToBoundary, true)
		}
	}
	return s
}

func atoiSmall(s string) int {
	n := 0
	for i := 0; i < len(s) && i < 9; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// startsExecArg reports whether the current token begins an argument.
func (p *parser) startsExecArg() bool {
	t := p.tok()
	switch t.kind {
	case tInt, tDecimal, tFloat, tMoney, tBinary, tString, tNString, tVar, tGlobal, tQIdent:
		return true
	case tOp:
		return (t.op == opMinus || t.op == opPlus) && isNumberTok(p.peek(1))
	case tIdent:
		if t.isKw(kwNULL) || t.isKw(kwDEFAULT) {
			return true
		}
		return !t.kw.reserved() && !p.peek(1).isOp(opColon)
	}
	return false
}

// parseExecArg parses [@name =] value [OUTPUT].
func (p *parser) parseExecArg() *ExecArg {
	a := &ExecArg{Base: Base{p.pos()}}
	if t := p.tok(); t.kind == tVar && p.peek(1).isOp(opEq) {
		a.Name = t.val
		p.next()
		p.next()
	}
	a.Value = p.parseConstValue(true)
	if a.Value == nil {
		return nil
	}
	if p.acceptKw(kwOUTPUT) || p.acceptKw(kwOUT) {
		a.Output = true
	}
	return a
}

// parseConstValue parses what EXEC arguments and parameter defaults may
// be: a constant (a signed number included), NULL, DEFAULT (when allowed),
// a variable, or a word taken as a string.
func (p *parser) parseConstValue(allowDefault bool) Expr {
	t := p.tok()
	pos := p.pos()
	switch t.kind {
	case tInt, tDecimal, tFloat, tMoney, tBinary, tString, tNString, tVar, tGlobal:
		return p.parsePrimary()
	case tQIdent:
		p.next()
		return &BareWord{Base: Base{pos}, Text: t.val, Quoted: true}
	case tOp:
		if (t.op == opMinus || t.op == opPlus) && isNumberTok(p.peek(1)) {
			op := OpNeg
			if t.op == opPlus {
				op = OpPlus
			}
			p.next()
			return &UnaryExpr{Base: Base{pos}, Op: op, X: p.parsePrimary()}
		}
	case tIdent:
		switch {
		case t.isKw(kwNULL):
			return p.literal(LitNull, "")
		case t.isKw(kwDEFAULT) && allowDefault:
			p.next()
			return &DefaultExpr{Base: Base{pos}}
		case !t.kw.reserved():
			p.next()
			if p.isOp(opDot) {
				// def.ghi is not a word.
				p.fail()
				return nil
			}
			return &BareWord{Base: Base{pos}, Text: t.val}
		}
	}
	p.fail()
	return nil
}

// parseExecString parses EXEC ('...' + @x) [AS LOGIN|USER = 'x'].
func (p *parser) parseExecString(sb StmtBase) Stmt {
	s := &ExecStringStmt{StmtBase: sb}
	p.next() // (
	for p.ok() {
		t := p.tok()
		switch t.kind {
		case tString, tNString, tVar:
			s.Parts = append(s.Parts, p.parsePrimary())
		default:
			p.fail()
			return nil
		}
		if !p.acceptOp(opPlus) {
			break
		}
	}
	if !p.expectOp(opRParen) {
		return nil
	}
	if p.isKw(kwAS) {
		p.next()
		switch {
		case p.acceptKw(kwLOGIN):
			s.AsKind = "LOGIN"
		case p.acceptKw(kwUSER):
			s.AsKind = "USER"
		default:
			p.fail()
			return nil
		}
		if !p.expectOp(opEq) {
			return nil
		}
		s.AsName = p.parseScalar()
	}
	if t := p.tok(); t.kind == tIdent && strings.EqualFold(t.val, "AT") {
		return p.skipUnsupportedFrom(s.StmtBase, "EXECUTE AT", skipToBoundary, true)
	}
	return s
}

// parseExecuteAs parses EXECUTE AS LOGIN|USER = 'name' [WITH NO REVERT |
// COOKIE INTO @v] or EXECUTE AS CALLER|SELF|OWNER.
func (p *parser) parseExecuteAs(sb StmtBase) Stmt {
	s := &ExecuteAsStmt{StmtBase: sb}
	p.next() // AS
	t := p.tok()
	switch {
	case t.isKw(kwLOGIN) || t.isKw(kwUSER):
		s.Kind = strings.ToUpper(t.val)
		p.next()
		if !p.expectOp(opEq) {
			return nil
		}
		s.Name = p.parseScalar()
	case t.isKw(kwCALLER) || t.isKw(kwSELF) || t.isKw(kwOWNER):
		s.Kind = strings.ToUpper(t.val)
		p.next()
	default:
		p.fail()
		return nil
	}
	if p.isKw(kwWITH) {
		p.next()
		switch {
		case p.acceptKw(kwNO):
			if t := p.tok(); !strings.EqualFold(t.val, "REVERT") {
				p.fail()
				return nil
			}
			p.next()
			s.NoRevert = true
		case p.acceptKw(kwCOOKIE):
			if !p.expectKw(kwINTO) {
				return nil
			}
			vt := p.tok()
			if vt.kind != tVar {
				p.fail()
				return nil
			}
			s.Cookie = &Variable{Base: Base{tokPos(vt)}, Name: vt.val}
			p.next()
		default:
			p.fail()
			return nil
		}
	}
	return s
}

// ---------------------------------------------------------------------------
// Cursors

func (p *parser) parseCursorRef() *CursorRef {
	t := p.tok()
	c := &CursorRef{Base: Base{p.pos()}}
	if t.kind == tVar {
		c.Var = &Variable{Base: Base{p.pos()}, Name: t.val}
		p.next()
		return c
	}
	if t.isKw(kwGLOBAL) && (p.peek(1).kind == tIdent && !p.peek(1).kw.reserved() || p.peek(1).kind == tQIdent) {
		c.Global = true
		p.next()
		t = p.tok()
	}
	if !(t.kind == tQIdent || t.kind == tIdent && !t.kw.reserved()) {
		p.fail()
		return nil
	}
	c.Name = t.val
	p.next()
	return c
}

func (p *parser) parseFetch() Stmt {
	s := &FetchStmt{StmtBase: p.stmtBase(), Orientation: "NEXT"}
	p.next()
	t := p.tok()
	oriented := true
	switch {
	case t.isKw(kwNEXT), t.isKw(kwPRIOR), t.isKw(kwFIRST), t.isKw(kwLAST):
		s.Orientation = strings.ToUpper(t.val)
		p.next()
	case t.isKw(kwABSOLUTE), t.isKw(kwRELATIVE):
		s.Orientation = strings.ToUpper(t.val)
		p.next()
		s.Offset = p.parseScalar()
	default:
		oriented = false
	}
	if oriented {
		if !p.expectKw(kwFROM) {
			return nil
		}
	} else {
		p.acceptKw(kwFROM)
	}
	s.Cursor = p.parseCursorRef()
	if p.acceptKw(kwINTO) {
		for p.ok() {
			vt := p.tok()
			if vt.kind != tVar {
				p.fail()
				return nil
			}
			s.Into = append(s.Into, &Variable{Base: Base{tokPos(vt)}, Name: vt.val})
			p.next()
			if !p.acceptOp(opComma) {
				break
			}
		}
	}
	return p.finished(s, &s.StmtBase)
}
