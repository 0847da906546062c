package tsql

import (
	"sort"
	"strconv"
	"strings"
)

// Binding strength of the operators, loosest first. T-SQL's order:
// OR; AND; NOT; comparisons (with IS, LIKE, IN, BETWEEN); + - & ^ |;
// * / %; then the unary operators, which bind tightest here.
const (
	precOr = iota + 1
	precAnd
	precNot
	precCmp
	precAdd
	precMul
	precUnary
)

// parseExpr parses an expression that may be scalar or boolean; callers
// check which they wanted with parseScalar or parseCond.
func (p *parser) parseExpr() Expr { return p.parseBinary(precOr) }

// parseScalar parses a value expression: a comparison here is an error.
func (p *parser) parseScalar() Expr {
	e := p.parseExpr()
	p.needScalar(e)
	return e
}

// parseCond parses a search condition: a plain value here is Msg 4145.
func (p *parser) parseCond() Expr {
	e := p.parseExpr()
	if e != nil && p.ok() && !isBool(e) {
		p.nonBoolean(p.i)
	}
	return e
}

// isBool reports whether e is a condition rather than a value.
func isBool(e Expr) bool {
	switch x := e.(type) {
	case *BinaryExpr:
		return x.Op.IsComparison() || x.Op.IsLogical()
	case *UnaryExpr:
		return x.Op == OpNot
	case *IsNullExpr, *IsDistinctExpr, *LikeExpr, *InExpr, *BetweenExpr, *ExistsExpr, *QuantifiedExpr:
		return true
	}
	return false
}

// needScalar fails when e is a condition where a value belongs, near the
// condition's operator as SQL Server reports it.
func (p *parser) needScalar(e Expr) {
	if e == nil || !p.ok() || !isBool(e) {
		return
	}
	off := e.Position().Offset
	switch x := e.(type) {
	case *BinaryExpr:
		off = x.OpPos.Offset
	case *IsNullExpr, *IsDistinctExpr, *LikeExpr, *InExpr, *BetweenExpr:
		// SQL Server names the predicate's keyword (IS, NOT, LIKE, IN,
		// BETWEEN), not where its left operand starts.
		p.failAt(p.predicateKeyword(p.tokenAt(off)))
		return
	}
	p.failAt(p.tokenAt(off))
}

// predicateKeyword returns the index of the first IS, NOT, LIKE, IN or
// BETWEEN at or after token i that is outside parentheses and CASE
// expressions: the keyword of a postfix predicate whose left operand
// starts at i. It returns i when there is none.
func (p *parser) predicateKeyword(i int) int {
	depth := 0
	for j := i; j < len(p.toks) && p.toks[j].kind != tEOF; j++ {
		t := &p.toks[j]
		switch {
		case t.isOp(opLParen) || t.isKw(kwCASE):
			depth++
		case t.isOp(opRParen) || t.isKw(kwEND):
			// An operand written in parentheses starts inside them.
			depth = max(depth-1, 0)
		case depth == 0 && (t.isKw(kwIS) || t.isKw(kwNOT) || t.isKw(kwLIKE) || t.isKw(kwIN) || t.isKw(kwBETWEEN)):
			return j
		}
	}
	return i
}

// tokenAt returns the index of the token that starts at offset off.
func (p *parser) tokenAt(off int) int {
	i := sort.Search(len(p.toks), func(i int) bool { return p.toks[i].start >= off })
	if i >= len(p.toks) {
		i = len(p.toks) - 1
	}
	return i
}

// binaryPrec returns the precedence and operator of the token at i when
// it continues an expression; 0 when it does not.
func (p *parser) binaryPrec(i int) (int, BinaryOp) {
	t := &p.toks[i]
	switch t.kind {
	case tOp:
		switch t.op {
		case opStar:
			return precMul, OpMul
		case opSlash:
			return precMul, OpDiv
		case opPercent:
			return precMul, OpMod
		case opPlus:
			return precAdd, OpAdd
		case opMinus:
			return precAdd, OpSub
		case opAmp:
			return precAdd, OpBitAnd
		case opPipe:
			return precAdd, OpBitOr
		case opCaret:
			return precAdd, OpBitXor
		case opEq:
			return precCmp, OpEq
		case opNe, opBangEq:
			return precCmp, OpNe
		case opLt:
			return precCmp, OpLt
		case opGt:
			return precCmp, OpGt
		case opLe:
			return precCmp, OpLe
		case opGe:
			return precCmp, OpGe
		case opNotLt:
			return precCmp, OpNotLt
		case opNotGt:
			return precCmp, OpNotGt
		}
	case tIdent:
		switch t.kw {
		case kwAND:
			return precAnd, OpAnd
		case kwOR:
			return precOr, OpOr
		case kwIS, kwLIKE, kwIN, kwBETWEEN:
			return precCmp, 0
		case kwNOT:
			nx := &p.toks[min(i+1, len(p.toks)-1)]
			if nx.isKw(kwLIKE) || nx.isKw(kwIN) || nx.isKw(kwBETWEEN) {
				return precCmp, 0
			}
		}
	}
	return 0, 0
}

func (p *parser) parseBinary(minPrec int) Expr {
	left := p.parseUnary(minPrec)
	for p.ok() && left != nil {
		prec, op := p.binaryPrec(p.i)
		if prec == 0 || prec < minPrec {
			break
		}
		opIdx := p.i
		opTok := p.tok()
		if op == 0 {
			if isBool(left) {
				p.failAt(opIdx)
				return nil
			}
			left = p.parsePredicate(left)
			continue
		}
		p.next()
		// SQL Server reads < = and > = and < > with blanks between as one operator.
		if op == OpLt || op == OpGt {
			if nt := p.tok(); nt.isOp(opEq) {
				if op == OpLt {
					op = OpLe
				} else {
					op = OpGe
				}
				p.next()
			} else if op == OpLt && nt.isOp(opGt) {
				op = OpNe
				p.next()
			}
		}
		switch {
		case op.IsLogical():
			if !isBool(left) {
				p.nonBoolean(opIdx)
				return nil
			}
		default:
			if isBool(left) {
				p.failAt(opIdx)
				return nil
			}
		}
		if op.IsComparison() {
			if q := p.parseQuantified(left, op, tokPos(opTok)); q != nil {
				left = q
				continue
			}
		}
		right := p.parseBinary(prec + 1)
		if right == nil {
			return nil
		}
		if op.IsLogical() {
			if !isBool(right) {
				p.nonBoolean(p.i)
				return nil
			}
		} else {
			p.needScalar(right)
		}
		left = &BinaryExpr{Base: Base{left.Position()}, Op: op, OpPos: tokPos(opTok), L: left, R: right}
	}
	return left
}

// parseQuantified parses ANY|SOME|ALL (subquery) after a comparison.
func (p *parser) parseQuantified(left Expr, op BinaryOp, opPos Pos) Expr {
	t := p.tok()
	if !(t.isKw(kwANY) || t.isKw(kwSOME) || t.isKw(kwALL)) || !p.peek(1).isOp(opLParen) {
		return nil
	}
	all := t.isKw(kwALL)
	p.next()
	p.next()
	q := p.parseQuery()
	p.expectOp(opRParen)
	return &QuantifiedExpr{Base: Base{left.Position()}, X: left, Op: op, All: all, Query: q}
}

// parsePredicate parses IS, LIKE, IN and BETWEEN after their left operand.
func (p *parser) parsePredicate(left Expr) Expr {
	pos := left.Position()
	not := p.acceptKw(kwNOT)
	switch {
	case p.acceptKw(kwIS):
		isNot := p.acceptKw(kwNOT)
		if p.acceptKw(kwNULL) {
			return &IsNullExpr{Base: Base{pos}, X: left, Not: isNot}
		}
		if p.isKw(kwDISTINCT) && p.peek(1).isKw(kwFROM) {
			p.next()
			p.next()
			y := p.parseBinary(precAdd)
			p.needScalar(y)
			return &IsDistinctExpr{Base: Base{pos}, X: left, Y: y, Not: isNot}
		}
		p.fail()
		return nil
	case p.acceptKw(kwLIKE):
		pat := p.parseBinary(precAdd)
		p.needScalar(pat)
		e := &LikeExpr{Base: Base{pos}, X: left, Pattern: pat, Not: not}
		if p.acceptKw(kwESCAPE) {
			e.Escape = p.parseBinary(precAdd)
			p.needScalar(e.Escape)
		}
		return e
	case p.acceptKw(kwIN):
		e := &InExpr{Base: Base{pos}, X: left, Not: not}
		if !p.expectOp(opLParen) {
			return nil
		}
		if p.isKw(kwSELECT) || p.isKw(kwWITH) {
			e.Query = p.parseQuery()
		} else {
			for p.ok() {
				e.List = append(e.List, p.parseScalar())
				if !p.acceptOp(opComma) {
					break
				}
			}
		}
		p.expectOp(opRParen)
		return e
	case p.acceptKw(kwBETWEEN):
		lo := p.parseBinary(precAdd)
		p.needScalar(lo)
		if !p.expectKw(kwAND) {
			return nil
		}
		hi := p.parseBinary(precAdd)
		p.needScalar(hi)
		return &BetweenExpr{Base: Base{pos}, X: left, Lo: lo, Hi: hi, Not: not}
	}
	p.fail()
	return nil
}

func (p *parser) parseUnary(minPrec int) Expr {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	t := p.tok()
	pos := p.pos()
	if t.isKw(kwNOT) {
		if minPrec > precNot {
			p.fail()
			return nil
		}
		p.next()
		x := p.parseBinary(precNot)
		if x == nil {
			return nil
		}
		if !isBool(x) {
			p.nonBoolean(p.i)
			return nil
		}
		return &UnaryExpr{Base: Base{pos}, Op: OpNot, X: x}
	}
	if t.kind == tOp && (t.op == opMinus || t.op == opPlus || t.op == opTilde) {
		op := OpNeg
		switch t.op {
		case opPlus:
			op = OpPlus
		case opTilde:
			op = OpBitNot
		}
		p.next()
		x := p.parseUnary(precUnary)
		if x == nil {
			return nil
		}
		p.needScalar(x)
		return &UnaryExpr{Base: Base{pos}, Op: op, X: x}
	}
	x := p.parsePrimary()
	for p.ok() && x != nil && p.isOp(opDot) && p.peek(1).kind == tIdent && p.peek(2).isOp(opLParen) {
		x = p.parseMethodCall(x)
	}
	for p.ok() && x != nil && p.isKw(kwCOLLATE) {
		p.next()
		ct := p.tok()
		if ct.kind != tIdent || ct.kw.reserved() {
			p.fail()
			return nil
		}
		p.next()
		x = &CollateExpr{Base: Base{pos}, X: x, Collation: ct.val}
	}
	return x
}

// parseMethodCall parses .method(args) after a value.
func (p *parser) parseMethodCall(x Expr) Expr {
	p.next() // .
	m := &MethodCall{Base: Base{x.Position()}, X: x, Method: p.tok().val}
	p.next()
	p.next() // (
	for p.ok() && !p.isOp(opRParen) {
		m.Args = append(m.Args, p.parseScalar())
		if !p.acceptOp(opComma) {
			break
		}
	}
	if !p.expectOp(opRParen) {
		return nil
	}
	return m
}

// startsExpr reports whether the current token can begin an expression
// (RETURN's value is optional).
func (p *parser) startsExpr() bool {
	t := p.tok()
	switch t.kind {
	case tInt, tDecimal, tFloat, tMoney, tBinary, tString, tNString, tVar, tGlobal, tQIdent:
		return true
	case tOp:
		return t.op == opLParen || t.op == opMinus || t.op == opPlus || t.op == opTilde || t.op == opLBrace
	case tIdent:
		if p.peek(1).isOp(opColon) {
			return false
		}
		switch t.kw {
		case kwNULL, kwCASE, kwEXISTS, kwCONVERT, kwTRY_CONVERT, kwCOALESCE, kwNULLIF, kwLEFT, kwRIGHT,
			kwCURRENT_TIMESTAMP, kwCURRENT_USER, kwSESSION_USER, kwSYSTEM_USER, kwUSER, kwNOT:
			return true
		}
		return !t.kw.reserved()
	}
	return false
}

func (p *parser) literal(kind LitKind, text string) *Literal {
	l := &Literal{Base: Base{p.pos()}, Kind: kind, Text: text}
	p.next()
	return l
}

// parsePrimary parses an operand: a constant, a variable, a name, a call,
// a parenthesised expression or subquery, CASE, CAST and their kin.
func (p *parser) parsePrimary() Expr {
	t := p.tok()
	pos := p.pos()
	switch t.kind {
	case tInt:
		return p.literal(LitInteger, t.val)
	case tDecimal:
		return p.literal(LitDecimal, t.val)
	case tFloat:
		return p.literal(LitFloat, t.val)
	case tMoney:
		return p.literal(LitMoney, t.val)
	case tBinary:
		return p.literal(LitBinary, t.val[2:])
	case tString:
		return p.literal(LitString, t.val)
	case tNString:
		return p.literal(LitNString, t.val)
	case tVar:
		v := &Variable{Base: Base{pos}, Name: t.val}
		p.next()
		return v
	case tGlobal:
		p.next()
		return &GlobalVar{Base: Base{pos}, Name: t.val}
	case tQIdent:
		return p.parseNameExpr()
	case tOp:
		switch t.op {
		case opLParen:
			return p.parseParen()
		case opLBrace:
			return p.parseOdbc()
		}
		p.fail()
		return nil
	case tIdent:
		return p.parseWordExpr()
	}
	p.fail()
	return nil
}

// parseWordExpr parses an operand that starts with a word: a keyword form,
// a column or a function call.
func (p *parser) parseWordExpr() Expr {
	t := p.tok()
	pos := p.pos()
	nextParen := p.peek(1).isOp(opLParen)
	switch t.kw {
	case kwNULL:
		return p.literal(LitNull, "")
	case kwCASE:
		return p.parseCase()
	case kwEXISTS:
		p.next()
		if !p.expectOp(opLParen) {
			return nil
		}
		q := p.parseQuery()
		p.expectOp(opRParen)
		return &ExistsExpr{Base: Base{pos}, Query: q}
	case kwCONVERT, kwTRY_CONVERT:
		if nextParen {
			return p.parseConvert(t.kw == kwTRY_CONVERT)
		}
	case kwCAST, kwTRY_CAST:
		if nextParen {
			return p.parseCast(t.kw == kwTRY_CAST)
		}
	case kwPARSE, kwTRY_PARSE:
		if nextParen {
			return p.parseParseFunc(t.kw == kwTRY_PARSE)
		}
	case kwCOALESCE, kwNULLIF, kwLEFT, kwRIGHT:
		if nextParen {
			name := &ObjectName{Base: Base{pos}, Name: t.val, Parts: 1}
			p.next()
			return p.parseCall(name, pos)
		}
	case kwCURRENT_TIMESTAMP, kwCURRENT_USER, kwSESSION_USER, kwSYSTEM_USER, kwUSER:
		p.next()
		return &FuncCall{Base: Base{pos}, Name: &ObjectName{Base: Base{pos}, Name: t.val, Parts: 1}, Niladic: true}
	case kwNEXT:
		if p.peek(1).isKw(kwVALUE) && p.peek(2).isKw(kwFOR) {
			p.next()
			p.next()
			p.next()
			p.parseObjectName()
			if p.isKw(kwOVER) {
				p.next()
				p.skipParens()
			}
			return &UnsupportedExpr{Base: Base{pos}, Feature: "NEXT VALUE FOR"}
		}
	case kwIDENTITY, kwCONTAINS, kwFREETEXT, kwUPDATE, kwTSEQUAL:
		if nextParen {
			p.next()
			p.skipParens()
			return &UnsupportedExpr{Base: Base{pos}, Feature: strings.ToUpper(t.val)}
		}
	}
	if t.kw.reserved() {
		p.fail()
		return nil
	}
	return p.parseNameExpr()
}

// skipParens skips a balanced parenthesised group at the current token.
func (p *parser) skipParens() {
	if !p.expectOp(opLParen) {
		return
	}
	depth := 1
	for p.ok() && depth > 0 {
		t := p.tok()
		switch {
		case t.kind == tEOF || t.kind == tUnclosed:
			p.fail()
			return
		case t.isOp(opLParen):
			depth++
		case t.isOp(opRParen):
			depth--
		}
		p.next()
	}
}

// parseNameParts reads a name of up to maxParts parts separated by dots,
// with empty parts allowed (db..t); star says a trailing .* ends it.
func (p *parser) parseNameParts(maxParts int, allowStar bool) (parts [4]string, n int, star bool) {
	t := p.tok()
	if !(t.kind == tQIdent || t.kind == tIdent && !t.kw.reserved()) {
		p.fail()
		return parts, 0, false
	}
	var buf [4]string
	buf[0] = t.val
	n = 1
	p.next()
	for p.ok() && p.isOp(opDot) {
		if n >= maxParts {
			p.fail()
			return parts, 0, false
		}
		p.next()
		nt := p.tok()
		switch {
		case nt.isOp(opDot):
			buf[n] = "" // an empty part: SSISDB..t
			n++
			continue
		case allowStar && nt.isOp(opStar):
			p.next()
			star = true
		case nt.kind == tQIdent || nt.kind == tIdent && !nt.kw.reserved():
			buf[n] = nt.val
			p.next()
			n++
			continue
		default:
			p.fail()
			return parts, 0, false
		}
		break
	}
	return buf, n, star
}

// objectName builds an ObjectName from parts written left to right.
func objectName(pos Pos, parts []string) *ObjectName {
	o := &ObjectName{Base: Base{pos}, Parts: len(parts)}
	slots := [4]*string{&o.Server, &o.Database, &o.Schema, &o.Name}
	for i, s := range parts {
		*slots[4-len(parts)+i] = s
	}
	return o
}

// parseObjectName parses a name of up to four parts.
func (p *parser) parseObjectName() *ObjectName {
	pos := p.pos()
	parts, n, _ := p.parseNameParts(4, false)
	if n == 0 {
		return nil
	}
	return objectName(pos, parts[:n])
}

// parseNameExpr parses a column, t.*, or a function call by name.
func (p *parser) parseNameExpr() Expr {
	pos := p.pos()
	first := p.tok()
	parts, n, star := p.parseNameParts(4, true)
	if n == 0 {
		return nil
	}
	if star {
		return &Star{Base: Base{pos}, Table: objectName(pos, parts[:n])}
	}
	if p.isOp(opLParen) {
		if n == 1 && strings.EqualFold(first.val, "TRIM") {
			return p.parseTrim(pos, first.val)
		}
		if n > 3 {
			p.fail()
			return nil
		}
		return p.parseCall(objectName(pos, parts[:n]), pos)
	}
	if n > 1 && parts[n-1] == "" {
		p.fail()
		return nil
	}
	c := &ColumnRef{Base: Base{pos}, Column: parts[n-1]}
	if n > 1 {
		c.Table = objectName(pos, parts[:n-1])
	}
	return c
}

// parseCall parses a function's argument list and what may follow it
// (WITHIN GROUP, OVER); the current token is the opening parenthesis.
func (p *parser) parseCall(name *ObjectName, pos Pos) Expr {
	p.next()
	fc := &FuncCall{Base: Base{pos}, Name: name}
	iif := name.Parts == 1 && strings.EqualFold(name.Name, "IIF")
	switch {
	case p.isOp(opRParen):
	case p.isOp(opStar):
		fc.Star = true
		p.next()
	default:
		if p.acceptKw(kwDISTINCT) {
			fc.Distinct = true
		} else {
			p.acceptKw(kwALL)
		}
		for p.ok() {
			var arg Expr
			if iif && len(fc.Args) == 0 {
				arg = p.parseCond()
			} else {
				arg = p.parseScalar()
			}
			fc.Args = append(fc.Args, arg)
			if !p.acceptOp(opComma) {
				break
			}
		}
	}
	if !p.expectOp(opRParen) {
		return nil
	}
	if p.isKw(kwWITHIN) && p.peek(1).isKw(kwGROUP) {
		p.next()
		p.next()
		if !p.expectOp(opLParen) || !p.expectKw(kwORDER) || !p.expectKw(kwBY) {
			return nil
		}
		fc.WithinGroup = p.parseOrderItems()
		p.expectOp(opRParen)
	}
	if p.isKw(kwOVER) {
		fc.Over = p.parseOver()
	}
	return fc
}

// parseOver parses OVER (...) or OVER window_name.
func (p *parser) parseOver() *Over {
	o := &Over{Base: Base{p.pos()}}
	p.next()
	if t := p.tok(); t.kind == tIdent && !t.kw.reserved() || t.kind == tQIdent {
		o.Window = t.val
		p.next()
		return o
	}
	if !p.expectOp(opLParen) {
		return nil
	}
	if t := p.tok(); t.kind == tIdent && !t.kw.reserved() && !t.isKw(kwPARTITION) && !t.isKw(kwROWS) && !t.isKw(kwRANGE) {
		o.Window = t.val // OVER (w ORDER BY ...)
		p.next()
	}
	if p.isKw(kwPARTITION) {
		p.next()
		if !p.expectKw(kwBY) {
			return nil
		}
		for p.ok() {
			o.PartitionBy = append(o.PartitionBy, p.parseScalar())
			if !p.acceptOp(opComma) {
				break
			}
		}
	}
	if p.acceptKw(kwORDER) {
		if !p.expectKw(kwBY) {
			return nil
		}
		o.OrderBy = p.parseOrderItems()
	}
	if p.isKw(kwROWS) || p.isKw(kwRANGE) {
		o.Frame = p.parseFrame()
	}
	p.expectOp(opRParen)
	return o
}

func (p *parser) parseFrame() *WindowFrame {
	f := &WindowFrame{Base: Base{p.pos()}, Range: p.isKw(kwRANGE)}
	p.next()
	if p.acceptKw(kwBETWEEN) {
		f.Start = p.parseFrameBound()
		if !p.expectKw(kwAND) {
			return nil
		}
		f.End = p.parseFrameBound()
		return f
	}
	f.Start = p.parseFrameBound()
	return f
}

func (p *parser) parseFrameBound() *FrameBound {
	b := &FrameBound{Base: Base{p.pos()}}
	switch {
	case p.acceptKw(kwUNBOUNDED):
		if p.acceptKw(kwPRECEDING) {
			b.Kind = UnboundedPreceding
		} else if p.acceptKw(kwFOLLOWING) {
			b.Kind = UnboundedFollowing
		} else {
			p.fail()
		}
	case p.acceptKw(kwCURRENT):
		if !p.expectKw(kwROW) {
			return nil
		}
		b.Kind = CurrentRow
	default:
		b.N = p.parseScalar()
		if p.acceptKw(kwPRECEDING) {
			b.Kind = Preceding
		} else if p.acceptKw(kwFOLLOWING) {
			b.Kind = Following
		} else {
			p.fail()
		}
	}
	return b
}

// parseTrim parses TRIM([LEADING|TRAILING|BOTH] [chars] FROM x), or a
// plain TRIM(x) as a FuncCall.
func (p *parser) parseTrim(pos Pos, name string) Expr {
	p.next() // (
	te := &TrimExpr{Base: Base{pos}}
	if t := p.tok(); t.isKw(kwLEADING) || t.isKw(kwTRAILING) || t.isKw(kwBOTH) {
		te.Where = strings.ToUpper(t.val)
		p.next()
		if !p.isKw(kwFROM) {
			te.Chars = p.parseScalar()
		}
		if !p.expectKw(kwFROM) {
			return nil
		}
		te.X = p.parseScalar()
		p.expectOp(opRParen)
		return te
	}
	first := p.parseScalar()
	if p.acceptKw(kwFROM) {
		te.Chars = first
		te.X = p.parseScalar()
		p.expectOp(opRParen)
		return te
	}
	fc := &FuncCall{Base: Base{pos}, Name: &ObjectName{Base: Base{pos}, Name: name, Parts: 1}, Args: []Expr{first}}
	for p.ok() && p.acceptOp(opComma) {
		fc.Args = append(fc.Args, p.parseScalar())
	}
	p.expectOp(opRParen)
	return fc
}

func (p *parser) parseCast(try bool) Expr {
	c := &CastExpr{Base: Base{p.pos()}, Try: try}
	p.next()
	p.next() // (
	c.X = p.parseScalar()
	if !p.expectKw(kwAS) {
		return nil
	}
	c.Typ = p.parseDataType()
	p.expectOp(opRParen)
	return c
}

func (p *parser) parseConvert(try bool) Expr {
	c := &ConvertExpr{Base: Base{p.pos()}, Try: try}
	p.next()
	p.next() // (
	c.Typ = p.parseDataType()
	if !p.expectOp(opComma) {
		return nil
	}
	c.X = p.parseScalar()
	if p.acceptOp(opComma) {
		c.Style = p.parseScalar()
	}
	p.expectOp(opRParen)
	return c
}

func (p *parser) parseParseFunc(try bool) Expr {
	c := &ParseExpr{Base: Base{p.pos()}, Try: try}
	p.next()
	p.next() // (
	c.X = p.parseScalar()
	if !p.expectKw(kwAS) {
		return nil
	}
	c.Typ = p.parseDataType()
	if p.acceptKw(kwUSING) {
		c.Culture = p.parseScalar()
	}
	p.expectOp(opRParen)
	return c
}

func (p *parser) parseCase() Expr {
	c := &CaseExpr{Base: Base{p.pos()}}
	p.next()
	if !p.isKw(kwWHEN) {
		c.Operand = p.parseScalar()
	}
	for p.ok() && p.isKw(kwWHEN) {
		w := &WhenClause{Base: Base{p.pos()}}
		p.next()
		if c.Operand != nil {
			w.Cond = p.parseScalar()
		} else {
			w.Cond = p.parseCond()
		}
		if !p.expectKw(kwTHEN) {
			return nil
		}
		w.Result = p.parseScalar()
		c.Whens = append(c.Whens, w)
	}
	if len(c.Whens) == 0 {
		p.fail()
		return nil
	}
	if p.acceptKw(kwELSE) {
		c.Else = p.parseScalar()
	}
	if !p.expectKw(kwEND) {
		return nil
	}
	return c
}

// parseParen parses ( expr ), a scalar subquery, or a condition in
// parentheses.
func (p *parser) parseParen() Expr {
	pos := p.pos()
	p.next()
	if p.isKw(kwSELECT) || p.isKw(kwWITH) {
		q := p.parseQuery()
		if !p.expectOp(opRParen) {
			return nil
		}
		return &SubqueryExpr{Base: Base{pos}, Query: q}
	}
	if p.isOp(opLParen) && p.parenLeadsToQuery() && p.queryFollowsGroup(p.i) {
		// ((SELECT 1) UNION (SELECT 2)) is a subquery; ((SELECT 1) + 1) is not.
		q := p.parseQuery()
		if !p.expectOp(opRParen) {
			return nil
		}
		return &SubqueryExpr{Base: Base{pos}, Query: q}
	}
	e := p.parseExpr()
	if !p.expectOp(opRParen) {
		return nil
	}
	return e
}

// parenLeadsToQuery reports whether the parentheses at the current token
// open a SELECT.
func (p *parser) parenLeadsToQuery() bool {
	j := p.i
	for j < len(p.toks) && p.toks[j].isOp(opLParen) {
		j++
	}
	return j < len(p.toks) && (p.toks[j].isKw(kwSELECT) || p.toks[j].isKw(kwWITH))
}

// matchParen returns the index just past the parenthesis that closes the
// one at token i, or -1 when the text ends first.
func (p *parser) matchParen(i int) int {
	depth := 0
	for j := i; j < len(p.toks); j++ {
		t := &p.toks[j]
		switch {
		case t.kind == tEOF || t.kind == tUnclosed:
			return -1
		case t.isOp(opLParen):
			depth++
		case t.isOp(opRParen):
			depth--
			if depth == 0 {
				return j + 1
			}
		}
	}
	return -1
}

// queryFollowsGroup reports whether the parenthesised group at token i is
// followed by what only a query can continue with (a set operator, ORDER
// BY, FOR, OPTION), so that the group is the first operand of a query
// rather than of an expression or a join. Looking ahead this way keeps the
// parser linear; trying both readings would be exponential in the nesting.
func (p *parser) queryFollowsGroup(i int) bool {
	j := p.matchParen(i)
	if j < 0 {
		return false
	}
	t := &p.toks[j]
	return t.isKw(kwUNION) || t.isKw(kwEXCEPT) || t.isKw(kwINTERSECT) || t.isKw(kwORDER) || t.isKw(kwFOR) || t.isKw(kwOPTION)
}

// parseOdbc parses {fn f(x)}, {d '...'}, {t '...'} and {ts '...'}.
func (p *parser) parseOdbc() Expr {
	pos := p.pos()
	p.next()
	t := p.tok()
	if t.kind != tIdent {
		p.fail()
		return nil
	}
	kind := strings.ToLower(t.val)
	var e Expr
	switch kind {
	case "fn":
		p.next()
		e = p.parseNameExpr()
		if _, ok := e.(*FuncCall); !ok && p.ok() {
			p.fail()
			return nil
		}
	case "d", "t", "ts":
		p.next()
		st := p.tok()
		if st.kind != tString && st.kind != tNString {
			p.fail()
			return nil
		}
		p.next()
		e = &OdbcLiteral{Base: Base{pos}, Kind: kind, Value: st.val}
	default:
		p.fail()
		return nil
	}
	if !p.expectOp(opRBrace) {
		return nil
	}
	return e
}

// ---------------------------------------------------------------------------
// Data types

// builtinTypes maps every built-in type name (lower case) to itself, and
// the synonyms to the canonical name.
var builtinTypes = map[string]string{
	"bigint": "bigint", "int": "int", "integer": "int", "smallint": "smallint", "tinyint": "tinyint", "bit": "bit",
	"decimal": "decimal", "dec": "decimal", "numeric": "numeric", "money": "money", "smallmoney": "smallmoney",
	"float": "float", "real": "real", "date": "date", "time": "time", "datetime": "datetime", "datetime2": "datetime2",
	"datetimeoffset": "datetimeoffset", "smalldatetime": "smalldatetime", "char": "char", "character": "char",
	"varchar": "varchar", "text": "text", "nchar": "nchar", "nvarchar": "nvarchar", "ntext": "ntext",
	"binary": "binary", "varbinary": "varbinary", "image": "image", "uniqueidentifier": "uniqueidentifier",
	"sql_variant": "sql_variant", "xml": "xml", "sysname": "sysname", "timestamp": "timestamp",
	"rowversion": "rowversion", "hierarchyid": "hierarchyid", "geography": "geography", "geometry": "geometry",
	"json": "json", "vector": "vector",
}

// parseDataType parses a type name with its (n), (max) or (p, s).
func (p *parser) parseDataType() *DataType {
	t := p.tok()
	dt := &DataType{Base: Base{p.pos()}}
	lower := func(s string) string { return strings.ToLower(s) }
	switch {
	case t.isKw(kwDOUBLE):
		p.next()
		if !p.expectKw(kwPRECISION) {
			return nil
		}
		dt.Name, dt.Builtin = "float", true
		dt.Args = []int64{53}
		return dt
	case t.isKw(kwNATIONAL):
		p.next()
		w := p.tok()
		if !(w.kind == tIdent && (strings.EqualFold(w.val, "char") || strings.EqualFold(w.val, "character") || strings.EqualFold(w.val, "text"))) {
			p.fail()
			return nil
		}
		p.next()
		dt.Builtin = true
		switch {
		case strings.EqualFold(w.val, "text"):
			dt.Name = "ntext"
		case p.acceptKw(kwVARYING):
			dt.Name = "nvarchar"
		default:
			dt.Name = "nchar"
		}
	case t.kind == tQIdent || t.kind == tIdent && !t.kw.reserved():
		pos := p.pos()
		parts, n, _ := p.parseNameParts(2, false)
		if n == 0 {
			return nil
		}
		if n == 2 {
			dt.Schema = parts[0]
		}
		name := parts[n-1]
		if canon, ok := builtinTypes[lower(name)]; ok && (n == 1 || strings.EqualFold(dt.Schema, "sys")) {
			dt.Name, dt.Builtin = canon, true
			if canon == "char" && p.isKw(kwVARYING) {
				p.next()
				dt.Name = "varchar"
			}
			if canon == "binary" && p.isKw(kwVARYING) {
				p.next()
				dt.Name = "varbinary"
			}
		} else {
			dt.Name = name
		}
		dt.Pos = pos
	default:
		p.fail()
		return nil
	}
	if p.isOp(opLParen) {
		p.next()
		if p.isKw(kwMAX) {
			p.next()
			dt.Max = true
		} else {
			for p.ok() {
				nt := p.tok()
				if nt.kind != tInt {
					p.fail()
					return nil
				}
				v, err := strconv.ParseInt(nt.val, 10, 64)
				if err != nil {
					p.fail()
					return nil
				}
				dt.Args = append(dt.Args, v)
				p.next()
				if !p.acceptOp(opComma) {
					break
				}
			}
		}
		if !p.expectOp(opRParen) {
			return nil
		}
	}
	return dt
}
