package tsql

import (
	"strings"
)

// parseSelectStmt parses a query statement; sb is where it starts (at WITH
// when CTEs came first).
func (p *parser) parseSelectStmt(with []*CTE) Stmt {
	s := &SelectStmt{StmtBase: p.stmtBase()}
	s.Query = p.parseQueryBody(p.pos(), with)
	return p.finished(s, &s.StmtBase)
}

// parseWithStmt parses WITH cte, ... followed by the statement that uses it.
func (p *parser) parseWithStmt() Stmt {
	sb := p.stmtBase()
	if t := p.peek(1); t.kind == tIdent && strings.EqualFold(t.val, "XMLNAMESPACES") {
		// Parse the statement it prefixes, then answer for all of it.
		p.next()
		p.next()
		p.skipParens()
		var ctes []*CTE
		if p.isOp(opComma) {
			ctes = p.parseCTEs() // reads the comma as it would WITH
		}
		if !p.ok() || p.withBody(sb, ctes) == nil {
			return nil
		}
		u := &Unsupported{StmtBase: sb, Feature: "WITH XMLNAMESPACES"}
		u.End = p.lastEnd
		return u
	}
	ctes := p.parseCTEs()
	if !p.ok() {
		return nil
	}
	return p.withBody(sb, ctes)
}

// withBody parses the statement that follows a WITH clause.
func (p *parser) withBody(sb StmtBase, ctes []*CTE) Stmt {
	if !p.ok() {
		return nil
	}
	var s Stmt
	switch {
	case p.isKw(kwSELECT) || p.isOp(opLParen):
		q := p.parseQueryBody(sb.Pos, ctes)
		if !p.ok() {
			return nil
		}
		st := &SelectStmt{StmtBase: sb, Query: q}
		p.finish(&st.StmtBase)
		s = st
	case p.isKw(kwINSERT):
		s = p.parseInsert(ctes)
	case p.isKw(kwUPDATE):
		s = p.parseUpdate(ctes)
	case p.isKw(kwDELETE):
		s = p.parseDelete(ctes)
	case p.isKw(kwMERGE):
		return p.skipUnsupportedFrom(sb, "MERGE", skipToSemicolon, false)
	default:
		p.fail()
		return nil
	}
	if s == nil {
		return nil
	}
	// The statement starts at WITH.
	switch x := s.(type) {
	case *InsertStmt:
		x.Pos = sb.Pos
	case *UpdateStmt:
		x.Pos = sb.Pos
	case *DeleteStmt:
		x.Pos = sb.Pos
	}
	return s
}

// parseCTEs parses WITH name [(cols)] AS (query), ...
func (p *parser) parseCTEs() []*CTE {
	p.next() // WITH
	var out []*CTE
	for p.ok() {
		t := p.tok()
		if !(t.kind == tQIdent || t.kind == tIdent && !t.kw.reserved()) {
			p.fail()
			return nil
		}
		c := &CTE{Base: Base{p.pos()}, Name: t.val}
		p.next()
		if p.isOp(opLParen) {
			c.Columns = p.parseNameList()
		}
		if !p.expectKw(kwAS) || !p.expectOp(opLParen) {
			return nil
		}
		c.Query = p.parseQuery()
		if !p.expectOp(opRParen) {
			return nil
		}
		out = append(out, c)
		if !p.acceptOp(opComma) {
			break
		}
	}
	return out
}

// parseNameList parses ( name, name, ... ).
func (p *parser) parseNameList() []string {
	if !p.expectOp(opLParen) {
		return nil
	}
	var out []string
	for p.ok() {
		t := p.tok()
		if !(t.kind == tQIdent || t.kind == tIdent && !t.kw.reserved()) {
			p.fail()
			return nil
		}
		out = append(out, t.val)
		p.next()
		if !p.acceptOp(opComma) {
			break
		}
	}
	p.expectOp(opRParen)
	return out
}

// parseQuery parses a full query: [WITH ...] body [ORDER BY ...] [OFFSET
// ...] [FOR ...] [OPTION (...)].
func (p *parser) parseQuery() *Query {
	pos := p.pos()
	var with []*CTE
	if p.isKw(kwWITH) {
		with = p.parseCTEs()
	}
	return p.parseQueryBody(pos, with)
}

func (p *parser) parseQueryBody(pos Pos, with []*CTE) *Query {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	q := &Query{Base: Base{pos}, With: with}
	q.Body = p.parseQueryExpr()
	if !p.ok() {
		return nil
	}
	if p.isKw(kwORDER) {
		p.next()
		if !p.expectKw(kwBY) {
			return nil
		}
		q.OrderBy = p.parseOrderItems()
		if p.isKw(kwOFFSET) {
			p.next()
			q.Offset = p.parseScalar()
			if !p.acceptKw(kwROWS) && !p.acceptKw(kwROW) {
				p.fail()
				return nil
			}
			if p.acceptKw(kwFETCH) {
				if !p.acceptKw(kwNEXT) && !p.acceptKw(kwFIRST) {
					p.fail()
					return nil
				}
				q.Fetch = p.parseScalar()
				if !p.acceptKw(kwROWS) && !p.acceptKw(kwROW) {
					p.fail()
					return nil
				}
				if !p.expectKw(kwONLY) {
					return nil
				}
			}
		}
	}
	if p.isKw(kwFOR) {
		nx := p.peek(1)
		if nx.isKw(kwXML) || nx.isKw(kwJSON) || nx.isKw(kwBROWSE) {
			q.For = p.parseFor()
		}
	}
	if p.isKw(kwOPTION) {
		q.Options = p.parseQueryOptions()
	}
	return q
}

func (p *parser) parseQueryExpr() QueryExpr {
	left := p.parseQueryTerm()
	for p.ok() && left != nil {
		var op SetOp
		pos := p.pos()
		switch {
		case p.isKw(kwUNION):
			p.next()
			op = Union
			if p.acceptKw(kwALL) {
				op = UnionAll
			}
		case p.isKw(kwEXCEPT):
			p.next()
			op = Except
		default:
			return left
		}
		right := p.parseQueryTerm()
		left = &SetOpQuery{Base: Base{pos}, Op: op, Left: left, Right: right}
	}
	return left
}

func (p *parser) parseQueryTerm() QueryExpr {
	left := p.parseQueryPrimary()
	for p.ok() && left != nil && p.isKw(kwINTERSECT) {
		pos := p.pos()
		p.next()
		right := p.parseQueryPrimary()
		left = &SetOpQuery{Base: Base{pos}, Op: Intersect, Left: left, Right: right}
	}
	return left
}

func (p *parser) parseQueryPrimary() QueryExpr {
	if p.isOp(opLParen) {
		pos := p.pos()
		p.next()
		q := p.parseQuery()
		if !p.expectOp(opRParen) {
			return nil
		}
		return &ParenQuery{Base: Base{pos}, Query: q}
	}
	if p.isKw(kwSELECT) {
		return p.parseQuerySpec()
	}
	p.fail()
	return nil
}

func (p *parser) parseQuerySpec() *QuerySpec {
	qs := &QuerySpec{Base: Base{p.pos()}}
	p.next() // SELECT
	if p.acceptKw(kwDISTINCT) {
		qs.Distinct = true
	} else {
		p.acceptKw(kwALL)
	}
	if p.isKw(kwTOP) {
		qs.Top = p.parseTop()
	}
	items, ok := p.parseSelectItems()
	if !ok {
		return nil
	}
	qs.Items = items
	if p.acceptKw(kwINTO) {
		qs.Into = p.parseObjectName()
	}
	if p.acceptKw(kwFROM) {
		qs.From = p.parseFromList()
	}
	if p.acceptKw(kwWHERE) {
		qs.Where = p.parseCond()
	}
	if p.isKw(kwGROUP) {
		p.next()
		if !p.expectKw(kwBY) {
			return nil
		}
		if p.acceptKw(kwALL) {
			qs.GroupByAll = true
		}
		for p.ok() {
			if t := p.tok(); t.kind == tIdent && strings.EqualFold(t.val, "GROUPING") && strings.EqualFold(p.peek(1).val, "SETS") && p.peek(2).isOp(opLParen) {
				// GROUPING SETS (...) parses as far as its parentheses and is
				// refused by name when planned, as ROLLUP (...) and CUBE (...).
				g := &FuncCall{Base: Base{p.pos()}, Name: &ObjectName{Base: Base{p.pos()}, Name: "GROUPING SETS", Parts: 1}}
				p.next()
				p.next()
				p.skipParens()
				qs.GroupBy = append(qs.GroupBy, g)
			} else {
				qs.GroupBy = append(qs.GroupBy, p.parseScalar())
			}
			if !p.acceptOp(opComma) {
				break
			}
		}
		if p.isKw(kwWITH) && (p.peek(1).isKw(kwROLLUP) || p.peek(1).isKw(kwCUBE)) {
			p.next()
			qs.GroupByWith = strings.ToUpper(p.tok().val)
			p.next()
		}
	}
	if p.acceptKw(kwHAVING) {
		qs.Having = p.parseCond()
	}
	if p.isKw(kwWINDOW) && p.peek(1).kind == tIdent && p.peek(2).isKw(kwAS) {
		p.next()
		for p.ok() {
			w := &WindowDef{Base: Base{p.pos()}, Name: p.tok().val}
			p.next()
			p.next() // AS
			if !p.isOp(opLParen) {
				p.fail()
				return nil
			}
			// Reuse OVER's grammar: the definition is what follows OVER.
			p.i--
			w.Over = p.parseOver()
			qs.Windows = append(qs.Windows, w)
			if !p.acceptOp(opComma) {
				break
			}
		}
	}
	return qs
}

// parseTop parses TOP (n) [PERCENT] [WITH TIES] or TOP n.
func (p *parser) parseTop() *TopClause {
	top := &TopClause{Base: Base{p.pos()}}
	p.next()
	if p.acceptOp(opLParen) {
		top.Paren = true
		top.Count = p.parseScalar()
		if !p.expectOp(opRParen) {
			return nil
		}
	} else {
		t := p.tok()
		switch t.kind {
		case tInt, tDecimal, tFloat, tVar, tGlobal:
			top.Count = p.parsePrimary()
		default:
			p.fail()
			return nil
		}
	}
	if p.acceptKw(kwPERCENT) {
		top.Percent = true
	}
	if p.isKw(kwWITH) && p.peek(1).isKw(kwTIES) {
		p.next()
		p.next()
		top.WithTies = true
	}
	return top
}

// assignOp reports an assignment operator at token i: "=", or a compound
// "+=" written as two adjacent tokens. n is how many tokens it spans.
func (p *parser) assignOp(i int) (op string, n int) {
	t := &p.toks[min(i, len(p.toks)-1)]
	if t.isOp(opEq) {
		return "=", 1
	}
	if t.kind != tOp {
		return "", 0
	}
	switch t.op {
	case opPlus, opMinus, opStar, opSlash, opPercent, opAmp, opPipe, opCaret:
		nx := &p.toks[min(i+1, len(p.toks)-1)]
		if nx.isOp(opEq) && nx.start == t.end {
			return t.val + "=", 2
		}
	}
	return "", 0
}

// parseSelectItems parses a comma-separated select list (or OUTPUT list);
// ok is false when an item failed.
func (p *parser) parseSelectItems() (items []*SelectItem, ok bool) {
	for p.ok() {
		it := p.parseSelectItem()
		if it == nil {
			return nil, false
		}
		items = append(items, it)
		if !p.acceptOp(opComma) {
			break
		}
	}
	return items, true
}

// parseSelectItem parses one item of a select list.
func (p *parser) parseSelectItem() *SelectItem {
	t := p.tok()
	it := &SelectItem{Base: Base{p.pos()}}
	if t.kind == tVar {
		if op, n := p.assignOp(p.i + 1); n > 0 {
			it.Var = &Variable{Base: Base{p.pos()}, Name: t.val}
			it.AssignOp = op
			p.next()
			for k := 0; k < n; k++ {
				p.next()
			}
			it.Expr = p.parseScalar()
			return it
		}
	}
	if (t.kind == tIdent && !t.kw.reserved() || t.kind == tQIdent || t.kind == tString) && p.peek(1).isOp(opEq) {
		it.Alias = t.val
		it.AliasFirst = true
		p.next()
		p.next()
		it.Expr = p.parseScalar()
		return it
	}
	if p.isOp(opStar) {
		it.Expr = &Star{Base: Base{p.pos()}}
		p.next()
		return it
	}
	it.Expr = p.parseScalar()
	if !p.ok() {
		return nil
	}
	if _, star := it.Expr.(*Star); star {
		return it
	}
	it.Alias = p.parseAlias(true)
	return it
}

// parseAlias parses [AS] alias; strings allows 'alias' (select lists).
func (p *parser) parseAlias(strings bool) string {
	if p.acceptKw(kwAS) {
		t := p.tok()
		if t.kind == tQIdent || t.kind == tIdent && !t.kw.reserved() || strings && (t.kind == tString || t.kind == tNString) {
			p.next()
			return t.val
		}
		p.fail()
		return ""
	}
	t := p.tok()
	if t.isKw(kwWINDOW) && p.peek(2).isKw(kwAS) {
		return "" // the WINDOW clause, not an alias
	}
	if t.kind == tQIdent || t.kind == tIdent && !t.kw.reserved() || strings && (t.kind == tString || t.kind == tNString) {
		p.next()
		return t.val
	}
	return ""
}

// parseSortOrder parses an optional ASC or DESC and reports DESC.
func (p *parser) parseSortOrder() (desc bool) {
	if p.acceptKw(kwDESC) {
		return true
	}
	p.acceptKw(kwASC)
	return false
}

// parseOrderItems parses expr [ASC|DESC], ...
func (p *parser) parseOrderItems() []*OrderItem {
	var out []*OrderItem
	for p.ok() {
		o := &OrderItem{Base: Base{p.pos()}}
		o.Expr = p.parseScalar()
		o.Desc = p.parseSortOrder()
		out = append(out, o)
		if !p.acceptOp(opComma) {
			break
		}
	}
	return out
}

// parseFor parses FOR XML ..., FOR JSON ... and FOR BROWSE.
func (p *parser) parseFor() *ForClause {
	f := &ForClause{Base: Base{p.pos()}}
	p.next() // FOR
	f.Kind = strings.ToUpper(p.tok().val)
	p.next()
	if f.Kind == "BROWSE" {
		return f
	}
	t := p.tok()
	if t.kind != tIdent {
		p.fail()
		return nil
	}
	f.Mode = strings.ToUpper(t.val)
	switch f.Mode {
	case "PATH", "RAW", "AUTO", "EXPLICIT":
	default:
		p.fail()
		return nil
	}
	p.next()
	if (f.Mode == "PATH" || f.Mode == "RAW") && f.Kind == "XML" && p.isOp(opLParen) {
		p.next()
		st := p.tok()
		if st.kind != tString && st.kind != tNString {
			p.fail()
			return nil
		}
		f.ElementName, f.HasElement = st.val, true
		p.next()
		if !p.expectOp(opRParen) {
			return nil
		}
	}
	for p.ok() && p.acceptOp(opComma) {
		t := p.tok()
		if t.kind != tIdent {
			p.fail()
			return nil
		}
		word := strings.ToUpper(t.val)
		p.next()
		switch word {
		case "TYPE":
			f.Type = true
		case "ROOT":
			f.Root = true
			if p.acceptOp(opLParen) {
				st := p.tok()
				if st.kind != tString && st.kind != tNString {
					p.fail()
					return nil
				}
				f.RootName = st.val
				p.next()
				if !p.expectOp(opRParen) {
					return nil
				}
			}
		case "ELEMENTS":
			f.Elements = "ELEMENTS"
			if p.isKw(kwXSINIL) || p.isKw(kwABSENT) {
				f.Elements += " " + strings.ToUpper(p.tok().val)
				p.next()
			}
		case "BINARY":
			bt := p.tok()
			if !strings.EqualFold(bt.val, "BASE64") {
				p.fail()
				return nil
			}
			p.next()
			f.Options = append(f.Options, "BINARY BASE64")
		case "XMLDATA", "XMLSCHEMA", "INCLUDE_NULL_VALUES", "WITHOUT_ARRAY_WRAPPER":
			f.Options = append(f.Options, word)
			if word == "XMLSCHEMA" && p.isOp(opLParen) {
				p.skipParens()
			}
		default:
			p.failAt(p.i - 1)
			return nil
		}
	}
	return f
}

// parseQueryOptions parses OPTION ( hint, ... ).
func (p *parser) parseQueryOptions() []*QueryOption {
	p.next() // OPTION
	if !p.expectOp(opLParen) {
		return nil
	}
	var out []*QueryOption
	for p.ok() {
		o := &QueryOption{Base: Base{p.pos()}}
		var words []string
		for p.ok() {
			t := p.tok()
			if t.kind != tIdent {
				break
			}
			words = append(words, strings.ToUpper(t.val))
			p.next()
		}
		if len(words) == 0 {
			p.fail()
			return nil
		}
		o.Name = strings.Join(words, " ")
		switch t := p.tok(); {
		case t.kind == tInt:
			o.Value = p.parsePrimary()
		case t.isOp(opEq):
			p.next()
			o.Value = p.parseScalar()
		case t.isOp(opLParen):
			p.skipParens()
			if t := p.tok(); t.kind == tIdent && strings.EqualFold(t.val, "UNKNOWN") {
				p.next()
			}
		}
		out = append(out, o)
		if !p.acceptOp(opComma) {
			break
		}
	}
	p.expectOp(opRParen)
	return out
}

// ---------------------------------------------------------------------------
// FROM

func (p *parser) parseFromList() []TableExpr {
	var out []TableExpr
	for p.ok() {
		te := p.parseTableExpr()
		if te == nil {
			return nil
		}
		out = append(out, te)
		if !p.acceptOp(opComma) {
			break
		}
	}
	return out
}

// joinStart recognises the words that begin a join at the current token:
// the kind, the join hint and how many tokens they take.
func (p *parser) joinStart() (JoinKind, string, int) {
	t := p.tok()
	if t.kind != tIdent {
		return 0, "", 0
	}
	n := 0
	kind := InnerJoin
	switch t.kw {
	case kwJOIN:
		return InnerJoin, "", 1
	case kwINNER:
		n = 1
	case kwLEFT, kwRIGHT, kwFULL:
		if t.kw == kwLEFT {
			kind = LeftJoin
		} else if t.kw == kwRIGHT {
			kind = RightJoin
		} else {
			kind = FullJoin
		}
		n = 1
		if p.peek(1).isKw(kwOUTER) {
			n = 2
		}
	case kwCROSS:
		switch nx := p.peek(1); {
		case nx.isKw(kwJOIN):
			return CrossJoin, "", 2
		case nx.isKw(kwAPPLY):
			return CrossApply, "", 2
		}
		return 0, "", 0
	case kwOUTER:
		if p.peek(1).isKw(kwAPPLY) {
			return OuterApply, "", 2
		}
		return 0, "", 0
	default:
		return 0, "", 0
	}
	hint := ""
	if h := p.peek(n); h.kind == tIdent && (h.isKw(kwMERGE) || strings.EqualFold(h.val, "LOOP") || strings.EqualFold(h.val, "HASH") || strings.EqualFold(h.val, "REMOTE")) && p.peek(n+1).isKw(kwJOIN) {
		hint = strings.ToUpper(h.val)
		n++
	}
	if !p.peek(n).isKw(kwJOIN) {
		return 0, "", 0
	}
	return kind, hint, n + 1
}

func (p *parser) parseTableExpr() TableExpr {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	left := p.parseTablePrimary()
	for p.ok() && left != nil {
		kind, hint, n := p.joinStart()
		if kind == 0 {
			if p.isKw(kwPIVOT) {
				left = p.parsePivot(left)
				continue
			}
			if p.isKw(kwUNPIVOT) {
				left = p.parseUnpivot(left)
				continue
			}
			// A join's first words without its JOIN: the error is at what
			// came instead (or "near" the last word at the end of the text).
			if t := p.tok(); t.isKw(kwINNER) || t.isKw(kwOUTER) || t.isKw(kwCROSS) || t.isKw(kwFULL) || t.isKw(kwLEFT) || t.isKw(kwRIGHT) {
				p.next()
				if p.isKw(kwOUTER) {
					p.next()
				}
				if h := p.tok(); h.kind == tIdent && (h.isKw(kwMERGE) || strings.EqualFold(h.val, "LOOP") || strings.EqualFold(h.val, "HASH") || strings.EqualFold(h.val, "REMOTE")) {
					p.next()
				}
				p.fail()
				return nil
			}
			break
		}
		pos := left.Position()
		for k := 0; k < n; k++ {
			p.next()
		}
		j := &JoinExpr{Base: Base{pos}, Kind: kind, Left: left, Hint: hint}
		switch kind {
		case CrossJoin, CrossApply, OuterApply:
			j.Right = p.parseTablePrimary()
		default:
			j.Right = p.parseJoinRight()
			if !p.expectKw(kwON) {
				return nil
			}
			j.On = p.parseCond()
		}
		left = j
	}
	return left
}

// parseJoinRight parses the right side of a qualified join, which may hold
// joins of its own whose ON clauses come first (a JOIN b JOIN c ON x ON y).
func (p *parser) parseJoinRight() TableExpr {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	r := p.parseTablePrimary()
	for p.ok() && r != nil {
		kind, hint, n := p.joinStart()
		if kind == 0 || kind == CrossJoin || kind == CrossApply || kind == OuterApply {
			break
		}
		for k := 0; k < n; k++ {
			p.next()
		}
		j := &JoinExpr{Base: Base{r.Position()}, Kind: kind, Left: r, Hint: hint}
		j.Right = p.parseJoinRight()
		if !p.expectKw(kwON) {
			return nil
		}
		j.On = p.parseCond()
		r = j
	}
	return r
}

// tableHintWords are the hints that may stand bare in parentheses after a
// table, FROM t (NOLOCK).
var tableHintWords = map[string]bool{
	"NOLOCK": true, "READUNCOMMITTED": true, "UPDLOCK": true, "REPEATABLEREAD": true, "SERIALIZABLE": true,
	"READCOMMITTED": true, "READCOMMITTEDLOCK": true, "TABLOCK": true, "TABLOCKX": true, "PAGLOCK": true,
	"ROWLOCK": true, "NOWAIT": true, "READPAST": true, "XLOCK": true, "SNAPSHOT": true, "NOEXPAND": true,
	"HOLDLOCK": true, "INDEX": true, "FORCESEEK": true, "FORCESCAN": true, "KEEPIDENTITY": true,
	"KEEPDEFAULTS": true, "IGNORE_CONSTRAINTS": true, "IGNORE_TRIGGERS": true,
}

// bareHints reports whether the parenthesis at the current token opens a
// list of table hints rather than a function's arguments.
func (p *parser) bareHints() bool {
	if !p.isOp(opLParen) {
		return false
	}
	t := p.peek(1)
	return t.kind == tIdent && tableHintWords[strings.ToUpper(t.val)] && (p.peek(2).isOp(opRParen) || p.peek(2).isOp(opComma) || p.peek(2).isOp(opLParen) || p.peek(2).isOp(opEq))
}

func (p *parser) parseTableHints() []*TableHint {
	if !p.expectOp(opLParen) {
		return nil
	}
	var out []*TableHint
	for p.ok() {
		t := p.tok()
		if t.kind != tIdent {
			p.fail()
			return nil
		}
		h := &TableHint{Base: Base{p.pos()}, Name: strings.ToUpper(t.val)}
		p.next()
		switch {
		case p.isOp(opLParen):
			p.next()
			for p.ok() && !p.isOp(opRParen) {
				h.Args = append(h.Args, p.parseScalar())
				if !p.acceptOp(opComma) {
					break
				}
			}
			p.expectOp(opRParen)
		case p.acceptOp(opEq):
			h.Args = append(h.Args, p.parseScalar())
		}
		out = append(out, h)
		if !p.acceptOp(opComma) {
			break
		}
	}
	p.expectOp(opRParen)
	return out
}

// parseTablePrimary parses one table source without its joins.
func (p *parser) parseTablePrimary() TableExpr {
	t := p.tok()
	pos := p.pos()
	switch {
	case t.isOp(opLParen):
		nx := p.peek(1)
		switch {
		case nx.isKw(kwSELECT) || nx.isKw(kwWITH):
			p.next()
			q := p.parseQuery()
			if !p.expectOp(opRParen) {
				return nil
			}
			return p.derivedTail(&DerivedTable{Base: Base{pos}, Query: q})
		case nx.isKw(kwVALUES):
			p.next()
			p.next()
			v := &ValuesTable{Base: Base{pos}, Rows: p.parseValuesRows()}
			if !p.expectOp(opRParen) {
				return nil
			}
			v.Alias = p.parseAlias(false)
			if p.isOp(opLParen) {
				v.Columns = p.parseNameList()
			}
			return v
		case nx.isOp(opLParen) && p.peekParenQuery():
			// ((SELECT 1) UNION (SELECT 2)) AS u and ((SELECT 1)) AS x are
			// derived tables; ((SELECT 1) AS x JOIN y ON ...) is a join.
			if j := p.matchParen(p.i + 1); j > 0 && (p.toks[j].isOp(opRParen) || p.queryFollowsGroup(p.i+1)) {
				p.next()
				q := p.parseQuery()
				if !p.expectOp(opRParen) {
					return nil
				}
				return p.derivedTail(&DerivedTable{Base: Base{pos}, Query: q})
			}
		}
		p.next()
		te := p.parseTableExpr()
		if !p.expectOp(opRParen) {
			return nil
		}
		return te
	case t.kind == tVar:
		r := &TableRef{Base: Base{pos}, Var: &Variable{Base: Base{pos}, Name: t.val}}
		p.next()
		p.tableRefTail(r)
		return r
	case t.isKw(kwOPENROWSET):
		return p.parseOpenRowset()
	case t.isKw(kwOPENQUERY) || t.isKw(kwOPENDATASOURCE) || t.isKw(kwOPENXML):
		if !p.peek(1).isOp(opLParen) {
			p.fail()
			return nil
		}
		name := &ObjectName{Base: Base{pos}, Name: t.val, Parts: 1}
		p.next()
		call, _ := p.parseCall(name, pos).(*FuncCall)
		if call == nil {
			return nil
		}
		f := &TableFuncRef{Base: Base{pos}, Call: call}
		f.Alias = p.parseAlias(false)
		return f
	case t.kind == tQIdent || t.kind == tIdent && !t.kw.reserved():
		name := p.parseObjectName()
		if name == nil {
			return nil
		}
		if p.isOp(opLParen) && !p.bareHints() {
			call, _ := p.parseCall(name, pos).(*FuncCall)
			if call == nil {
				return nil
			}
			f := &TableFuncRef{Base: Base{pos}, Call: call}
			if name.Parts == 1 && strings.EqualFold(name.Name, "OPENJSON") && p.isKw(kwWITH) && p.peek(1).isOp(opLParen) {
				p.next()
				f.With = p.parseOpenJSONColumns()
			}
			f.Alias = p.parseAlias(false)
			if p.isOp(opLParen) {
				f.Columns = p.parseNameList()
			}
			return f
		}
		r := &TableRef{Base: Base{pos}, Name: name}
		p.tableRefTail(r)
		return r
	}
	p.fail()
	return nil
}

// peekParenQuery reports whether nested parentheses at the next token open
// a query.
func (p *parser) peekParenQuery() bool {
	j := p.i + 1
	for j < len(p.toks) && p.toks[j].isOp(opLParen) {
		j++
	}
	return j < len(p.toks) && (p.toks[j].isKw(kwSELECT) || p.toks[j].isKw(kwWITH))
}

func (p *parser) derivedTail(d *DerivedTable) TableExpr {
	d.Alias = p.parseAlias(false)
	if d.Alias != "" && p.isOp(opLParen) {
		d.Columns = p.parseNameList()
	}
	return d
}

// tableRefTail parses what may follow a table name: FOR SYSTEM_TIME,
// [AS] alias, TABLESAMPLE, WITH (hints) or bare (hints).
func (p *parser) tableRefTail(r *TableRef) {
	if p.isKw(kwFOR) && p.peek(1).isKw(kwSYSTEM_TIME) {
		r.Unsupported = "FOR SYSTEM_TIME"
		p.next()
		p.next()
		p.skipTemporal()
	}
	r.Alias = p.parseAlias(false)
	if p.isKw(kwTABLESAMPLE) {
		r.Unsupported = "TABLESAMPLE"
		p.next()
		if p.isKw(kwSYSTEM_TIME) || p.tok().kind == tIdent && strings.EqualFold(p.tok().val, "SYSTEM") {
			p.next()
		}
		p.skipParens()
		if p.tok().kind == tIdent && strings.EqualFold(p.tok().val, "REPEATABLE") {
			p.next()
			p.skipParens()
		}
	}
	if p.isKw(kwWITH) && p.peek(1).isOp(opLParen) {
		p.next()
		r.Hints = p.parseTableHints()
	} else if p.bareHints() {
		r.Hints = p.parseTableHints()
	}
	if r.Alias == "" && len(r.Hints) > 0 {
		// FROM t WITH (NOLOCK) AS x: the alias may follow the hints too.
		r.Alias = p.parseAlias(false)
	}
}

// skipTemporal skips the rest of FOR SYSTEM_TIME: ALL, AS OF x, FROM x TO
// y, BETWEEN x AND y, CONTAINED IN (x, y).
func (p *parser) skipTemporal() {
	switch t := p.tok(); {
	case t.isKw(kwALL):
		p.next()
	case t.isKw(kwAS):
		p.next()
		if !p.expectKw(kwOF) {
			return
		}
		p.parseBinary(precAdd)
	case t.isKw(kwFROM):
		p.next()
		p.parseBinary(precAdd)
		p.expectKw(kwTO)
		p.parseBinary(precAdd)
	case t.isKw(kwBETWEEN):
		p.next()
		p.parseBinary(precAdd)
		p.expectKw(kwAND)
		p.parseBinary(precAdd)
	case t.kind == tIdent && strings.EqualFold(t.val, "CONTAINED"):
		p.next()
		p.expectKw(kwIN)
		p.skipParens()
	default:
		p.fail()
	}
}

// parseValuesRows parses (e, ...), (e, ...) after VALUES.
func (p *parser) parseValuesRows() [][]Expr {
	var rows [][]Expr
	for p.ok() {
		if !p.expectOp(opLParen) {
			return nil
		}
		var row []Expr
		for p.ok() {
			if p.isKw(kwDEFAULT) {
				row = append(row, &DefaultExpr{Base: Base{p.pos()}})
				p.next()
			} else {
				row = append(row, p.parseScalar())
			}
			if !p.acceptOp(opComma) {
				break
			}
		}
		if !p.expectOp(opRParen) {
			return nil
		}
		rows = append(rows, row)
		if !p.acceptOp(opComma) {
			break
		}
	}
	return rows
}

// parseOpenRowset parses OPENROWSET(BULK 'file', SINGLE_BLOB) [AS] x [(cols)]
// and the provider form.
func (p *parser) parseOpenRowset() TableExpr {
	o := &OpenRowset{Base: Base{p.pos()}}
	p.next()
	if !p.expectOp(opLParen) {
		return nil
	}
	if p.acceptKw(kwBULK) {
		o.Bulk = true
		o.File = p.parseScalar()
		for p.ok() && p.acceptOp(opComma) {
			t := p.tok()
			if t.kind != tIdent {
				p.fail()
				return nil
			}
			opt := strings.ToUpper(t.val)
			p.next()
			if p.acceptOp(opEq) {
				v := p.tok()
				opt += " = " + v.val
				p.next()
			}
			o.Options = append(o.Options, opt)
		}
	} else {
		for p.ok() {
			o.Args = append(o.Args, p.parseScalar())
			if !p.acceptOp(opComma) {
				break
			}
		}
	}
	if !p.expectOp(opRParen) {
		return nil
	}
	o.Alias = p.parseAlias(false)
	if o.Alias != "" && p.isOp(opLParen) {
		o.Columns = p.parseNameList()
	}
	return o
}

// parseOpenJSONColumns parses OPENJSON's WITH (name type ['path'] [AS JSON], ...).
func (p *parser) parseOpenJSONColumns() []*ColumnDef {
	if !p.expectOp(opLParen) {
		return nil
	}
	var out []*ColumnDef
	for p.ok() {
		t := p.tok()
		if !(t.kind == tQIdent || t.kind == tIdent && !t.kw.reserved()) {
			p.fail()
			return nil
		}
		c := &ColumnDef{Base: Base{p.pos()}, Name: t.val}
		p.next()
		c.Typ = p.parseDataType()
		if st := p.tok(); st.kind == tString || st.kind == tNString {
			c.Path = st.val
			p.next()
		}
		if p.isKw(kwAS) && p.peek(1).isKw(kwJSON) {
			p.next()
			p.next()
			c.AsJSON = true
		}
		out = append(out, c)
		if !p.acceptOp(opComma) {
			break
		}
	}
	p.expectOp(opRParen)
	return out
}

// parsePivot parses PIVOT (agg(x) FOR col IN ([a], [b])) [AS] alias.
func (p *parser) parsePivot(src TableExpr) TableExpr {
	pv := &PivotTable{Base: Base{src.Position()}, Source: src}
	p.next()
	if !p.expectOp(opLParen) {
		return nil
	}
	e := p.parseScalar()
	agg, ok := e.(*FuncCall)
	if !ok {
		if p.ok() {
			p.fail()
		}
		return nil
	}
	pv.Agg = agg
	if !p.expectKw(kwFOR) {
		return nil
	}
	col, ok := p.parseNameExpr().(*ColumnRef)
	if !ok {
		if p.ok() {
			p.fail()
		}
		return nil
	}
	pv.For = col
	if !p.expectKw(kwIN) {
		return nil
	}
	pv.In = p.parseNameList()
	if !p.expectOp(opRParen) {
		return nil
	}
	pv.Alias = p.parseAlias(false)
	return pv
}

// parseUnpivot parses UNPIVOT (value FOR name IN (a, b)) [AS] alias.
func (p *parser) parseUnpivot(src TableExpr) TableExpr {
	u := &UnpivotTable{Base: Base{src.Position()}, Source: src}
	p.next()
	if !p.expectOp(opLParen) {
		return nil
	}
	name := func() string {
		t := p.tok()
		if !(t.kind == tQIdent || t.kind == tIdent && !t.kw.reserved()) {
			p.fail()
			return ""
		}
		p.next()
		return t.val
	}
	u.Value = name()
	if !p.expectKw(kwFOR) {
		return nil
	}
	u.For = name()
	if !p.expectKw(kwIN) {
		return nil
	}
	u.In = p.parseNameList()
	if !p.expectOp(opRParen) {
		return nil
	}
	u.Alias = p.parseAlias(false)
	return u
}
