package tsql

// parseDMLTarget parses the table of INSERT, UPDATE or DELETE: a name or a
// table variable, with optional WITH (hints).
func (p *parser) parseDMLTarget() *TableRef {
	t := p.tok()
	r := &TableRef{Base: Base{p.pos()}}
	switch {
	case t.kind == tVar:
		r.Var = &Variable{Base: Base{p.pos()}, Name: t.val}
		p.next()
	case t.kind == tQIdent || t.kind == tIdent && !t.kw.reserved():
		r.Name = p.parseObjectName()
	default:
		p.fail()
		return nil
	}
	if p.isKw(kwWITH) && p.peek(1).isOp(opLParen) {
		p.next()
		r.Hints = p.parseTableHints()
	}
	return r
}

// parseOutput parses OUTPUT items [INTO target [(cols)]], once or twice.
func (p *parser) parseOutput() []*OutputClause {
	var out []*OutputClause
	for p.ok() && p.isKw(kwOUTPUT) {
		o := &OutputClause{Base: Base{p.pos()}}
		p.next()
		items, ok := p.parseSelectItems()
		if !ok {
			return nil
		}
		o.Items = items
		if p.acceptKw(kwINTO) {
			o.Into = p.parseDMLTarget()
			if p.isOp(opLParen) {
				o.IntoColumns = p.parseNameList()
			}
		}
		out = append(out, o)
	}
	return out
}

func (p *parser) parseInsert(with []*CTE) Stmt {
	s := &InsertStmt{StmtBase: p.stmtBase(), With: with}
	p.next()
	if p.isKw(kwTOP) {
		s.Top = p.parseTop()
	}
	p.acceptKw(kwINTO)
	if t := p.tok(); t.isKw(kwOPENQUERY) || t.isKw(kwOPENROWSET) || t.isKw(kwOPENDATASOURCE) {
		return p.skipUnsupportedFrom(s.StmtBase, "INSERT INTO "+t.val, skipToBoundary, false)
	}
	s.Target = p.parseDMLTarget()
	if !p.ok() {
		return nil
	}
	if p.isOp(opLParen) && !p.peek(1).isKw(kwSELECT) && !p.peek(1).isKw(kwWITH) && !p.peek(1).isOp(opLParen) {
		s.Columns = p.parseColumnList()
	}
	s.Output = p.parseOutput()
	switch t := p.tok(); {
	case t.isKw(kwVALUES):
		p.next()
		s.Values = p.parseValuesRows()
	case t.isKw(kwDEFAULT):
		p.next()
		if !p.expectKw(kwVALUES) {
			return nil
		}
		s.DefaultValues = true
	case t.isKw(kwSELECT) || t.isKw(kwWITH) || t.isOp(opLParen):
		s.Query = p.parseQuery()
	case t.isKw(kwEXEC) || t.isKw(kwEXECUTE):
		s.Exec = p.parseExecCore(false)
	default:
		p.fail()
		return nil
	}
	return p.finished(s, &s.StmtBase)
}

// parseColumnList parses (c, t.c, ...) for INSERT: the last part of each
// name is the column.
func (p *parser) parseColumnList() []string {
	if !p.expectOp(opLParen) {
		return nil
	}
	var out []string
	for p.ok() {
		parts, n, _ := p.parseNameParts(4, false)
		if n == 0 {
			return nil
		}
		out = append(out, parts[n-1])
		if !p.acceptOp(opComma) {
			break
		}
	}
	p.expectOp(opRParen)
	return out
}

func (p *parser) parseUpdate(with []*CTE) Stmt {
	s := &UpdateStmt{StmtBase: p.stmtBase(), With: with}
	p.next()
	if p.isKw(kwTOP) {
		s.Top = p.parseTop()
	}
	if t := p.tok(); t.isKw(kwOPENQUERY) || t.isKw(kwOPENROWSET) || t.isKw(kwOPENDATASOURCE) {
		return p.skipUnsupportedFrom(s.StmtBase, "UPDATE "+t.val, skipToBoundary, false)
	}
	s.Target = p.parseDMLTarget()
	if !p.ok() || !p.expectKw(kwSET) {
		return nil
	}
	for p.ok() {
		it := p.parseSetItem()
		if it == nil {
			return nil
		}
		s.Set = append(s.Set, it)
		if !p.acceptOp(opComma) {
			break
		}
	}
	s.Output = p.parseOutput()
	if p.acceptKw(kwFROM) {
		s.From = p.parseFromList()
	}
	if p.acceptKw(kwWHERE) {
		s.Where, s.CurrentOf = p.parseDMLWhere()
	}
	if p.isKw(kwOPTION) {
		s.Options = p.parseQueryOptions()
	}
	return p.finished(s, &s.StmtBase)
}

// parseSetItem parses one assignment of UPDATE ... SET.
func (p *parser) parseSetItem() *SetItem {
	it := &SetItem{Base: Base{p.pos()}}
	t := p.tok()
	if t.kind == tVar {
		op, n := p.assignOp(p.i + 1)
		if n == 0 {
			p.next()
			p.fail()
			return nil
		}
		it.Var = &Variable{Base: Base{p.pos()}, Name: t.val}
		it.Op = op
		p.next()
		for k := 0; k < n; k++ {
			p.next()
		}
		// @v = column = expr
		if c := p.tok(); op == "=" && (c.kind == tQIdent || c.kind == tIdent && !c.kw.reserved()) && p.peek(1).isOp(opEq) {
			it.Column = &ColumnRef{Base: Base{p.pos()}, Column: c.val}
			p.next()
			p.next()
		}
	} else {
		pos := p.pos()
		parts, n, _ := p.parseNameParts(4, false)
		if n == 0 {
			return nil
		}
		it.Column = &ColumnRef{Base: Base{pos}, Column: parts[n-1]}
		if n > 1 {
			it.Column.Table = objectName(pos, parts[:n-1])
		}
		if p.isOp(opDot) {
			// c.WRITE(...) and CLR mutators.
			p.fail()
			return nil
		}
		op, k := p.assignOp(p.i)
		if k == 0 {
			p.fail()
			return nil
		}
		it.Op = op
		for j := 0; j < k; j++ {
			p.next()
		}
	}
	if p.isKw(kwDEFAULT) {
		it.Value = &DefaultExpr{Base: Base{p.pos()}}
		p.next()
	} else {
		it.Value = p.parseScalar()
	}
	return it
}

func (p *parser) parseDelete(with []*CTE) Stmt {
	s := &DeleteStmt{StmtBase: p.stmtBase(), With: with}
	p.next()
	if p.isKw(kwTOP) {
		s.Top = p.parseTop()
	}
	p.acceptKw(kwFROM)
	if t := p.tok(); t.isKw(kwOPENQUERY) || t.isKw(kwOPENROWSET) || t.isKw(kwOPENDATASOURCE) {
		return p.skipUnsupportedFrom(s.StmtBase, "DELETE "+t.val, skipToBoundary, false)
	}
	s.Target = p.parseDMLTarget()
	if !p.ok() {
		return nil
	}
	s.Output = p.parseOutput()
	if p.acceptKw(kwFROM) {
		s.From = p.parseFromList()
	}
	if p.acceptKw(kwWHERE) {
		s.Where, s.CurrentOf = p.parseDMLWhere()
	}
	if p.isKw(kwOPTION) {
		s.Options = p.parseQueryOptions()
	}
	return p.finished(s, &s.StmtBase)
}

// parseDMLWhere parses what follows WHERE in UPDATE and DELETE: a search
// condition or CURRENT OF cursor.
func (p *parser) parseDMLWhere() (Expr, *CursorRef) {
	if p.isKw(kwCURRENT) && p.peek(1).isKw(kwOF) {
		p.next()
		p.next()
		return nil, p.parseCursorRef()
	}
	return p.parseCond(), nil
}
