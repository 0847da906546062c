package tsql

import (
	"strings"
)

// firstInBatch records Msg 111 for a statement that must open its batch.
func (p *parser) firstInBatch(first bool, what string) {
	if first {
		return
	}
	t := &p.toks[p.i]
	p.semantic(t.start, t.line, ErrFirstInBatch, "'"+what+"' must be the first statement in a query batch.")
}

func (p *parser) parseCreate(first bool) Stmt {
	sb := p.stmtBase()
	createIdx := p.i
	p.next()
	orAlter := false
	if p.isKw(kwOR) && p.peek(1).isKw(kwALTER) {
		p.next()
		p.next()
		orAlter = true
	}
	t := p.tok()
	switch {
	case t.isKw(kwPROC) || t.isKw(kwPROCEDURE):
		p.i = createIdx
		p.firstInBatch(first, "CREATE/ALTER PROCEDURE")
		p.i = createIdx + 1
		if orAlter {
			p.i += 2
		}
		return p.parseProcedure(sb, false, orAlter)
	case t.isKw(kwTABLE) && !orAlter:
		return p.parseCreateTable(sb)
	case t.isKw(kwLOGIN) && !orAlter:
		return p.parseCreateLogin(sb)
	case t.isKw(kwUSER) && !orAlter:
		return p.parseCreateUser(sb)
	case t.isKw(kwROLE) && !orAlter:
		p.next()
		return p.parseCreateRole(sb, false)
	case t.isKw(kwSERVER) && p.peek(1).isKw(kwROLE) && !orAlter:
		p.next()
		p.next()
		return p.parseCreateRole(sb, true)
	case t.isKw(kwFUNCTION) || t.isKw(kwVIEW) || t.isKw(kwTRIGGER) || t.isKw(kwDEFAULT) || t.isKw(kwRULE):
		what := "CREATE " + strings.ToUpper(t.val)
		save := p.i
		p.i = createIdx
		p.firstInBatch(first, what)
		p.i = save
		p.i = createIdx
		return p.skipUnsupportedFrom(sb, what, skipToEnd, false)
	case t.isKw(kwINDEX) || t.isKw(kwUNIQUE) || t.isKw(kwCLUSTERED) || t.isKw(kwNONCLUSTERED) ||
		t.kind == tIdent && (strings.EqualFold(t.val, "COLUMNSTORE") || strings.EqualFold(t.val, "SPATIAL") ||
			strings.EqualFold(t.val, "XML") || strings.EqualFold(t.val, "FULLTEXT")) || t.isKw(kwPRIMARY):
		p.i = createIdx
		return p.skipUnsupportedFrom(sb, "CREATE INDEX", skipToBoundary, false)
	case t.kind == tIdent:
		what := "CREATE " + strings.ToUpper(t.val)
		p.i = createIdx
		return p.skipUnsupportedFrom(sb, what, skipToBoundary, false)
	}
	p.fail()
	return nil
}

func (p *parser) parseAlter(first bool) Stmt {
	sb := p.stmtBase()
	alterIdx := p.i
	p.next()
	t := p.tok()
	switch {
	case t.isKw(kwPROC) || t.isKw(kwPROCEDURE):
		p.i = alterIdx
		p.firstInBatch(first, "CREATE/ALTER PROCEDURE")
		p.i = alterIdx + 1
		return p.parseProcedure(sb, true, false)
	case t.isKw(kwLOGIN):
		return p.parseAlterLogin(sb)
	case t.isKw(kwUSER):
		return p.parseAlterUser(sb)
	case t.isKw(kwROLE):
		p.next()
		return p.parseAlterRole(sb, false)
	case t.isKw(kwSERVER) && p.peek(1).isKw(kwROLE):
		p.next()
		p.next()
		return p.parseAlterRole(sb, true)
	case t.isKw(kwFUNCTION) || t.isKw(kwVIEW) || t.isKw(kwTRIGGER):
		what := "ALTER " + strings.ToUpper(t.val)
		p.i = alterIdx
		p.firstInBatch(first, what)
		return p.skipUnsupportedFrom(sb, what, skipToEnd, false)
	case t.kind == tIdent:
		what := "ALTER " + strings.ToUpper(t.val)
		p.i = alterIdx
		return p.skipUnsupportedFrom(sb, what, skipToBoundary, false)
	}
	p.fail()
	return nil
}

// dropKinds are the DROP statements whose shape is DROP kind [IF EXISTS]
// name, ...
var dropKinds = map[keyword]string{
	kwTABLE: "TABLE", kwVIEW: "VIEW", kwPROC: "PROCEDURE", kwPROCEDURE: "PROCEDURE", kwFUNCTION: "FUNCTION",
	kwTRIGGER: "TRIGGER", kwLOGIN: "LOGIN", kwUSER: "USER", kwROLE: "ROLE", kwSCHEMA: "SCHEMA",
	kwTYPE: "TYPE", kwDATABASE: "DATABASE", kwDEFAULT: "DEFAULT", kwRULE: "RULE",
}

func (p *parser) parseDrop() Stmt {
	sb := p.stmtBase()
	dropIdx := p.i
	p.next()
	t := p.tok()
	s := &DropStmt{StmtBase: sb}
	switch {
	case t.isKw(kwSERVER) && p.peek(1).isKw(kwROLE):
		s.Kind = "SERVER ROLE"
		p.next()
		p.next()
	case t.kind == tIdent && (strings.EqualFold(t.val, "SYNONYM") || strings.EqualFold(t.val, "SEQUENCE")):
		s.Kind = strings.ToUpper(t.val)
		p.next()
	case t.kind == tIdent && dropKinds[t.kw] != "":
		s.Kind = dropKinds[t.kw]
		p.next()
	case t.kind == tIdent:
		p.i = dropIdx
		return p.skipUnsupportedFrom(sb, "DROP "+strings.ToUpper(t.val), skipToBoundary, false)
	default:
		p.fail()
		return nil
	}
	if p.isKw(kwIF) && p.peek(1).isKw(kwEXISTS) {
		p.next()
		p.next()
		s.IfExists = true
	}
	for p.ok() {
		n := p.parseObjectName()
		if n == nil {
			return nil
		}
		s.Names = append(s.Names, n)
		if !p.acceptOp(opComma) {
			break
		}
	}
	if s.Kind == "TRIGGER" && p.isKw(kwON) {
		// DROP TRIGGER t ON DATABASE | ALL SERVER
		p.next()
		p.acceptKw(kwALL)
		if p.tok().kind != tIdent {
			p.fail()
			return nil
		}
		p.next()
	}
	return p.finished(s, &s.StmtBase)
}

// ---------------------------------------------------------------------------
// Procedures

func (p *parser) parseProcedure(sb StmtBase, alter, orAlter bool) Stmt {
	p.next() // PROC | PROCEDURE
	s := &CreateProcedureStmt{StmtBase: sb, Alter: alter, OrAlter: orAlter}
	s.Name = p.parseObjectName()
	if !p.ok() {
		return nil
	}
	if semi := p.tok(); semi.isOp(opSemi) && semi.start == p.lastEnd {
		if n := p.peek(1); n.kind == tInt && n.start == semi.end {
			p.next()
			s.Number = atoiSmall(n.val)
			p.next()
		}
	}
	paren := p.acceptOp(opLParen)
	if p.tok().kind == tVar {
		for p.ok() {
			prm := p.parseProcParam()
			if prm == nil {
				return nil
			}
			s.Params = append(s.Params, prm)
			if !p.acceptOp(opComma) {
				break
			}
		}
	}
	if paren && !p.expectOp(opRParen) {
		return nil
	}
	if p.acceptKw(kwWITH) {
		for p.ok() {
			t := p.tok()
			switch {
			case t.isKw(kwEXECUTE) || t.isKw(kwEXEC):
				p.next()
				if !p.expectKw(kwAS) {
					return nil
				}
				switch w := p.tok(); {
				case w.isKw(kwCALLER), w.isKw(kwSELF), w.isKw(kwOWNER):
					s.ExecuteAs = strings.ToUpper(w.val)
				case w.kind == tString || w.kind == tNString:
					s.ExecuteAs = w.val
				default:
					p.fail()
					return nil
				}
				p.next()
			case t.kind == tIdent && !t.kw.reserved():
				s.Options = append(s.Options, strings.ToUpper(t.val))
				p.next()
			default:
				p.fail()
				return nil
			}
			if !p.acceptOp(opComma) {
				break
			}
		}
	}
	if p.isKw(kwFOR) && p.peek(1).isKw(kwREPLICATION) {
		p.next()
		p.next()
		s.ForReplication = true
	}
	if !p.expectKw(kwAS) {
		return nil
	}
	if p.isKw(kwEXTERNAL) {
		return p.skipUnsupportedFrom(s.StmtBase, "CREATE PROCEDURE ... EXTERNAL NAME", skipToEnd, true)
	}
	s.BodyPos = p.pos()
	// The body is its own scope for labels, loops and CATCH blocks.
	savedWhile, savedCatch := p.whileDepth, p.catchDepth
	savedGotos := p.gotos
	p.whileDepth, p.catchDepth = 0, 0
	p.gotos = nil
	labelsFrom := len(p.labels)
	p.lastSemi = true
	for p.ok() && !p.atEOF() {
		if p.acceptOp(opSemi) {
			p.lastSemi = true
			continue
		}
		st := p.parseStatement(false)
		if st == nil {
			break
		}
		s.Body = append(s.Body, st)
	}
	if !p.ok() {
		return nil
	}
	if len(s.Body) == 0 {
		p.fail()
		return nil
	}
	p.checkLabels(labelsFrom)
	p.labels = p.labels[:labelsFrom]
	p.whileDepth, p.catchDepth = savedWhile, savedCatch
	p.gotos = savedGotos
	s.End = p.lastEnd
	return s
}

// parseProcParam parses @p [AS] type [VARYING] [NULL] [= default] [OUT[PUT]] [READONLY].
func (p *parser) parseProcParam() *ProcParam {
	t := p.tok()
	if t.kind != tVar {
		p.fail()
		return nil
	}
	prm := &ProcParam{Base: Base{p.pos()}, Name: t.val}
	p.next()
	p.acceptKw(kwAS)
	prm.Typ = p.parseDataType()
	if p.acceptKw(kwVARYING) {
		prm.Varying = true
	}
	if p.isKw(kwNULL) {
		p.next()
	} else if p.isKw(kwNOT) && p.peek(1).isKw(kwNULL) {
		p.next()
		p.next()
	}
	if p.acceptOp(opEq) {
		prm.Default = p.parseConstValue(false)
	}
	for p.ok() {
		switch {
		case p.acceptKw(kwOUT), p.acceptKw(kwOUTPUT):
			prm.Output = true
			continue
		case p.acceptKw(kwREADONLY):
			prm.ReadOnly = true
			continue
		}
		break
	}
	if !p.ok() {
		return nil
	}
	return prm
}

// ---------------------------------------------------------------------------
// Tables

func (p *parser) parseCreateTable(sb StmtBase) Stmt {
	p.next() // TABLE
	s := &CreateTableStmt{StmtBase: sb}
	s.Name = p.parseObjectName()
	if !p.ok() {
		return nil
	}
	if p.isKw(kwAS) {
		// CREATE TABLE ... AS SELECT, AS NODE, AS EDGE, AS FileTable.
		p.i--
		return p.skipStatementFrom(sb, kwCREATE, "CREATE TABLE AS")
	}
	s.Def = p.parseTableDef()
	// Storage clauses: ON filegroup, TEXTIMAGE_ON, FILESTREAM_ON, WITH (...).
	for p.ok() {
		t := p.tok()
		switch {
		case t.isKw(kwON):
			p.next()
			p.next() // [PRIMARY], "default", a scheme name
			if p.isOp(opLParen) {
				p.skipParens()
			}
			continue
		case t.kind == tIdent && (strings.EqualFold(t.val, "TEXTIMAGE_ON") || strings.EqualFold(t.val, "FILESTREAM_ON")):
			p.next()
			p.next()
			continue
		case t.isKw(kwWITH) && p.peek(1).isOp(opLParen):
			p.next()
			p.skipParens()
			continue
		}
		break
	}
	return p.finished(s, &s.StmtBase)
}

// parseTableDef parses ( column | constraint | INDEX, ... ).
func (p *parser) parseTableDef() *TableDef {
	d := &TableDef{Base: Base{p.pos()}}
	if !p.expectOp(opLParen) {
		return nil
	}
	for p.ok() {
		t := p.tok()
		switch {
		case t.isKw(kwCONSTRAINT) || t.isKw(kwPRIMARY) || t.isKw(kwUNIQUE) || t.isKw(kwCHECK) || t.isKw(kwFOREIGN):
			c := p.parseTableConstraint()
			if c == nil {
				return nil
			}
			d.Constraints = append(d.Constraints, c)
		case t.isKw(kwINDEX):
			ix := p.parseInlineIndex()
			if ix == nil {
				return nil
			}
			d.Indexes = append(d.Indexes, ix)
		case t.kind == tIdent && strings.EqualFold(t.val, "PERIOD"):
			p.next()
			if !p.expectKw(kwFOR) || !p.expectKw(kwSYSTEM_TIME) {
				return nil
			}
			p.skipParens()
		default:
			c := p.parseColumnDef()
			if c == nil {
				return nil
			}
			d.Columns = append(d.Columns, c)
		}
		if !p.acceptOp(opComma) {
			break
		}
	}
	if !p.expectOp(opRParen) {
		return nil
	}
	return d
}

func (p *parser) parseColumnDef() *ColumnDef {
	t := p.tok()
	if !(t.kind == tQIdent || t.kind == tIdent && !t.kw.reserved()) {
		p.fail()
		return nil
	}
	c := &ColumnDef{Base: Base{p.pos()}, Name: t.val}
	p.next()
	if p.acceptKw(kwAS) {
		c.Computed = p.parseScalar()
		if p.acceptKw(kwPERSISTED) {
			c.Persisted = true
		}
	} else {
		c.Typ = p.parseDataType()
	}
	pendingName := ""
	for p.ok() {
		t := p.tok()
		switch {
		case t.isKw(kwCOLLATE):
			p.next()
			ct := p.tok()
			if ct.kind != tIdent || ct.kw.reserved() {
				p.fail()
				return nil
			}
			c.Collation = ct.val
			p.next()
		case t.isKw(kwNULL):
			p.next()
			c.Null = Nullable
		case t.isKw(kwNOT) && p.peek(1).isKw(kwNULL):
			p.next()
			p.next()
			c.Null = NotNull
		case t.isKw(kwNOT) && p.peek(1).isKw(kwFOR):
			// NOT FOR REPLICATION
			p.next()
			p.next()
			if !p.expectKw(kwREPLICATION) {
				return nil
			}
		case t.isKw(kwIDENTITY):
			c.Identity = &IdentitySpec{Base: Base{p.pos()}}
			p.next()
			if p.acceptOp(opLParen) {
				c.Identity.Seed = p.parseConstValue(false)
				if !p.expectOp(opComma) {
					return nil
				}
				c.Identity.Increment = p.parseConstValue(false)
				if !p.expectOp(opRParen) {
					return nil
				}
			}
		case t.isKw(kwCONSTRAINT):
			p.next()
			nt := p.tok()
			if !(nt.kind == tQIdent || nt.kind == tIdent && !nt.kw.reserved()) {
				p.fail()
				return nil
			}
			pendingName = nt.val
			p.next()
		case t.isKw(kwDEFAULT):
			p.next()
			c.Default = p.parseScalar()
			c.DefaultName = pendingName
			pendingName = ""
			if p.isKw(kwWITH) && p.peek(1).isKw(kwVALUES) {
				p.next()
				p.next()
			}
		case t.isKw(kwPRIMARY) || t.isKw(kwUNIQUE) || t.isKw(kwCHECK) || t.isKw(kwREFERENCES) || t.isKw(kwFOREIGN):
			k := p.parseColumnConstraint(pendingName, c.Name)
			if k == nil {
				return nil
			}
			pendingName = ""
			c.Constraints = append(c.Constraints, k)
		case t.isKw(kwROWGUIDCOL):
			p.next()
			c.RowGuidCol = true
		case t.isKw(kwSPARSE):
			p.next()
			c.Sparse = true
		case t.isKw(kwINDEX):
			ix := p.parseInlineIndex()
			if ix == nil {
				return nil
			}
		case t.kind == tIdent && (strings.EqualFold(t.val, "FILESTREAM") || strings.EqualFold(t.val, "HIDDEN")):
			p.next()
		case t.kind == tIdent && (strings.EqualFold(t.val, "MASKED") || strings.EqualFold(t.val, "ENCRYPTED")):
			p.next()
			if !p.expectKw(kwWITH) {
				return nil
			}
			p.skipParens()
		case t.kind == tIdent && strings.EqualFold(t.val, "GENERATED"):
			// GENERATED ALWAYS AS ROW START|END [HIDDEN]
			for k := 0; k < 5 && p.ok() && !p.isOp(opComma) && !p.isOp(opRParen); k++ {
				p.next()
			}
		default:
			return c
		}
	}
	return nil
}

// parseColumnConstraint parses PRIMARY KEY, UNIQUE, CHECK or REFERENCES on
// a column.
func (p *parser) parseColumnConstraint(name, column string) *Constraint {
	k := &Constraint{Base: Base{p.pos()}, Name: name}
	t := p.tok()
	switch {
	case t.isKw(kwPRIMARY):
		p.next()
		if !p.expectKw(kwKEY) {
			return nil
		}
		k.Kind = PrimaryKey
		k.Clustered = p.parseClustered()
		k.Columns = []*OrderItem{{Base: k.Base, Expr: &ColumnRef{Base: k.Base, Column: column}}}
		p.skipIndexOptions()
	case t.isKw(kwUNIQUE):
		p.next()
		k.Kind = UniqueKey
		k.Clustered = p.parseClustered()
		k.Columns = []*OrderItem{{Base: k.Base, Expr: &ColumnRef{Base: k.Base, Column: column}}}
		p.skipIndexOptions()
	case t.isKw(kwCHECK):
		p.next()
		k.Kind = CheckConstraint
		p.skipNotForReplication()
		if !p.expectOp(opLParen) {
			return nil
		}
		k.Check = p.parseCond()
		if !p.expectOp(opRParen) {
			return nil
		}
	default:
		if p.acceptKw(kwFOREIGN) && !p.expectKw(kwKEY) {
			return nil
		}
		if !p.expectKw(kwREFERENCES) {
			return nil
		}
		k.Kind = ForeignKey
		k.Columns = []*OrderItem{{Base: k.Base, Expr: &ColumnRef{Base: k.Base, Column: column}}}
		p.parseReferences(k)
	}
	if !p.ok() {
		return nil
	}
	return k
}

func (p *parser) skipNotForReplication() {
	if p.isKw(kwNOT) && p.peek(1).isKw(kwFOR) {
		p.next()
		p.next()
		p.expectKw(kwREPLICATION)
	}
}

// parseClustered parses an optional CLUSTERED or NONCLUSTERED.
func (p *parser) parseClustered() string {
	switch {
	case p.acceptKw(kwCLUSTERED):
		return "CLUSTERED"
	case p.acceptKw(kwNONCLUSTERED):
		return "NONCLUSTERED"
	}
	return ""
}

// skipIndexOptions skips WITH (...) and ON filegroup after a key.
func (p *parser) skipIndexOptions() {
	for p.ok() {
		switch {
		case p.isKw(kwWITH) && p.peek(1).isOp(opLParen):
			p.next()
			p.skipParens()
			continue
		case p.isKw(kwWITH) && p.peek(1).isKw(kwFILLFACTOR):
			p.next()
			p.next()
			p.expectOp(opEq)
			p.next()
			continue
		case p.isKw(kwON) && (p.peek(1).kind == tQIdent || p.peek(1).kind == tIdent && !p.peek(1).isKw(kwDELETE) && !p.peek(1).isKw(kwUPDATE)):
			p.next()
			p.next()
			if p.isOp(opLParen) {
				p.skipParens()
			}
			continue
		}
		return
	}
}

// parseKeyColumns parses ( c [ASC|DESC], ... ).
func (p *parser) parseKeyColumns() []*OrderItem {
	if !p.expectOp(opLParen) {
		return nil
	}
	var out []*OrderItem
	for p.ok() {
		t := p.tok()
		if !(t.kind == tQIdent || t.kind == tIdent && !t.kw.reserved()) {
			p.fail()
			return nil
		}
		o := &OrderItem{Base: Base{p.pos()}, Expr: &ColumnRef{Base: Base{p.pos()}, Column: t.val}}
		p.next()
		o.Desc = p.parseSortOrder()
		out = append(out, o)
		if !p.acceptOp(opComma) {
			break
		}
	}
	p.expectOp(opRParen)
	return out
}

// parseReferences parses REFERENCES' target, columns and actions; the
// REFERENCES word is already read.
func (p *parser) parseReferences(k *Constraint) {
	k.RefTable = p.parseObjectName()
	if p.isOp(opLParen) {
		k.RefColumns = p.parseNameList()
	}
	for p.ok() && p.isKw(kwON) && (p.peek(1).isKw(kwDELETE) || p.peek(1).isKw(kwUPDATE)) {
		p.next()
		del := p.isKw(kwDELETE)
		p.next()
		var action string
		switch t := p.tok(); {
		case t.isKw(kwCASCADE):
			action = "CASCADE"
			p.next()
		case t.isKw(kwNO):
			p.next()
			if !strings.EqualFold(p.tok().val, "ACTION") {
				p.fail()
				return
			}
			p.next()
			action = "NO ACTION"
		case t.isKw(kwSET):
			p.next()
			switch {
			case p.acceptKw(kwNULL):
				action = "SET NULL"
			case p.acceptKw(kwDEFAULT):
				action = "SET DEFAULT"
			default:
				p.fail()
				return
			}
		default:
			p.fail()
			return
		}
		if del {
			k.OnDelete = action
		} else {
			k.OnUpdate = action
		}
	}
	p.skipNotForReplication()
}

// parseTableConstraint parses [CONSTRAINT name] PRIMARY KEY | UNIQUE |
// CHECK | FOREIGN KEY at table level.
func (p *parser) parseTableConstraint() *Constraint {
	k := &Constraint{Base: Base{p.pos()}}
	if p.acceptKw(kwCONSTRAINT) {
		t := p.tok()
		if !(t.kind == tQIdent || t.kind == tIdent && !t.kw.reserved()) {
			p.fail()
			return nil
		}
		k.Name = t.val
		p.next()
	}
	switch t := p.tok(); {
	case t.isKw(kwPRIMARY):
		p.next()
		if !p.expectKw(kwKEY) {
			return nil
		}
		k.Kind = PrimaryKey
		k.Clustered = p.parseClustered()
		k.Columns = p.parseKeyColumns()
		p.skipIndexOptions()
	case t.isKw(kwUNIQUE):
		p.next()
		k.Kind = UniqueKey
		k.Clustered = p.parseClustered()
		k.Columns = p.parseKeyColumns()
		p.skipIndexOptions()
	case t.isKw(kwCHECK):
		p.next()
		k.Kind = CheckConstraint
		p.skipNotForReplication()
		if !p.expectOp(opLParen) {
			return nil
		}
		k.Check = p.parseCond()
		p.expectOp(opRParen)
	case t.isKw(kwFOREIGN):
		p.next()
		if !p.expectKw(kwKEY) {
			return nil
		}
		k.Kind = ForeignKey
		k.Columns = p.parseKeyColumns()
		if !p.expectKw(kwREFERENCES) {
			return nil
		}
		p.parseReferences(k)
	default:
		p.fail()
		return nil
	}
	if !p.ok() {
		return nil
	}
	return k
}

// parseInlineIndex parses INDEX name [UNIQUE] [CLUSTERED|NONCLUSTERED] (cols).
func (p *parser) parseInlineIndex() *IndexDef {
	ix := &IndexDef{Base: Base{p.pos()}}
	p.next() // INDEX
	t := p.tok()
	if !(t.kind == tQIdent || t.kind == tIdent && !t.kw.reserved()) {
		p.fail()
		return nil
	}
	ix.Name = t.val
	p.next()
	if p.acceptKw(kwUNIQUE) {
		ix.Unique = true
	}
	ix.Clustered = p.parseClustered()
	if p.isOp(opLParen) {
		ix.Columns = p.parseKeyColumns()
	}
	if p.isKw(kwINCLUDE) {
		p.next()
		p.skipParens()
	}
	if p.isKw(kwWHERE) {
		p.next()
		p.parseCond()
	}
	p.skipIndexOptions()
	if !p.ok() {
		return nil
	}
	return ix
}

// ---------------------------------------------------------------------------
// Security

// parsePrincipalName parses a login, user or role name.
func (p *parser) parsePrincipalName() (string, bool) {
	t := p.tok()
	if t.kind == tQIdent || t.kind == tIdent && (!t.kw.reserved() || t.isKw(kwPUBLIC)) {
		p.next()
		return t.val, true
	}
	p.fail()
	return "", false
}

// principalFlags are the words that may follow a login option's value.
var principalFlags = map[string]bool{"HASHED": true, "MUST_CHANGE": true, "UNLOCK": true}

// parsePrincipalOptions parses NAME = value [flags] [, ...] after WITH.
func (p *parser) parsePrincipalOptions() []*PrincipalOption {
	var out []*PrincipalOption
	for p.ok() {
		t := p.tok()
		if t.kind != tIdent {
			p.fail()
			return nil
		}
		o := &PrincipalOption{Base: Base{p.pos()}, Name: strings.ToUpper(t.val)}
		p.next()
		if p.acceptOp(opEq) {
			vt := p.tok()
			switch vt.kind {
			case tString, tNString, tBinary, tInt:
				o.Value = p.parsePrimary()
			case tQIdent:
				o.Value = &BareWord{Base: Base{p.pos()}, Text: vt.val, Quoted: true}
				p.next()
			case tIdent:
				if vt.isKw(kwNULL) {
					o.Value = p.literal(LitNull, "")
				} else {
					o.Value = &BareWord{Base: Base{p.pos()}, Text: vt.val}
					p.next()
				}
			default:
				p.fail()
				return nil
			}
		} else if !principalFlags[o.Name] && o.Name != "NO" {
			p.fail()
			return nil
		} else if o.Name == "NO" {
			// NO CREDENTIAL
			if !p.expectKw(kwCREDENTIAL) {
				return nil
			}
			o.Name = "NO CREDENTIAL"
		}
		for p.ok() {
			ft := p.tok()
			if ft.kind == tIdent && principalFlags[strings.ToUpper(ft.val)] && !p.peek(1).isOp(opEq) {
				o.Flags = append(o.Flags, strings.ToUpper(ft.val))
				p.next()
				continue
			}
			break
		}
		out = append(out, o)
		if p.acceptOp(opComma) {
			continue
		}
		// PASSWORD = 'new' OLD_PASSWORD = 'old' has no comma between.
		if nt := p.tok(); nt.kind == tIdent && !nt.kw.reserved() && p.peek(1).isOp(opEq) {
			continue
		}
		break
	}
	return out
}

func (p *parser) parseCreateLogin(sb StmtBase) Stmt {
	p.next() // LOGIN
	s := &CreateLoginStmt{StmtBase: sb}
	name, ok := p.parsePrincipalName()
	if !ok {
		return nil
	}
	s.Name = name
	switch {
	case p.isKw(kwFROM):
		p.next()
		if !p.acceptKw(kwWINDOWS) {
			what := "CREATE LOGIN FROM " + strings.ToUpper(p.tok().val)
			return p.skipStatementFrom(sb, kwCREATE, what)
		}
		s.FromWindows = true
		if p.acceptKw(kwWITH) {
			s.Options = p.parsePrincipalOptions()
		}
	case p.acceptKw(kwWITH):
		s.Options = p.parsePrincipalOptions()
	default:
		p.fail()
		return nil
	}
	return p.finished(s, &s.StmtBase)
}

func (p *parser) parseAlterLogin(sb StmtBase) Stmt {
	p.next() // LOGIN
	s := &AlterLoginStmt{StmtBase: sb}
	name, ok := p.parsePrincipalName()
	if !ok {
		return nil
	}
	s.Name = name
	switch {
	case p.acceptKw(kwENABLE):
		s.Enable = true
	case p.acceptKw(kwDISABLE):
		s.Disable = true
	case p.acceptKw(kwWITH):
		s.Options = p.parsePrincipalOptions()
	case p.isKw(kwADD) || p.isKw(kwDROP):
		return p.skipStatementFrom(sb, kwALTER, "ALTER LOGIN ... CREDENTIAL")
	default:
		p.fail()
		return nil
	}
	return p.finished(s, &s.StmtBase)
}

func (p *parser) parseCreateUser(sb StmtBase) Stmt {
	p.next() // USER
	s := &CreateUserStmt{StmtBase: sb}
	name, ok := p.parsePrincipalName()
	if !ok {
		return nil
	}
	s.Name = name
	switch {
	case (p.isKw(kwFOR) || p.isKw(kwFROM)) && p.peek(1).isKw(kwLOGIN):
		p.next()
		p.next()
		login, ok := p.parsePrincipalName()
		if !ok {
			return nil
		}
		s.Login = login
	case p.isKw(kwWITHOUT) && p.peek(1).isKw(kwLOGIN):
		p.next()
		p.next()
		s.WithoutLogin = true
	case p.isKw(kwFROM) || p.isKw(kwFOR):
		what := "CREATE USER FROM " + strings.ToUpper(p.peek(1).val)
		return p.skipStatementFrom(sb, kwCREATE, what)
	}
	if p.acceptKw(kwWITH) {
		s.Options = p.parsePrincipalOptions()
	}
	return p.finished(s, &s.StmtBase)
}

func (p *parser) parseAlterUser(sb StmtBase) Stmt {
	p.next() // USER
	s := &AlterUserStmt{StmtBase: sb}
	name, ok := p.parsePrincipalName()
	if !ok {
		return nil
	}
	s.Name = name
	if !p.expectKw(kwWITH) {
		return nil
	}
	s.Options = p.parsePrincipalOptions()
	return p.finished(s, &s.StmtBase)
}

func (p *parser) parseCreateRole(sb StmtBase, server bool) Stmt {
	s := &CreateRoleStmt{StmtBase: sb, Server: server}
	name, ok := p.parsePrincipalName()
	if !ok {
		return nil
	}
	s.Name = name
	if p.acceptKw(kwAUTHORIZATION) {
		owner, ok := p.parsePrincipalName()
		if !ok {
			return nil
		}
		s.Authorization = owner
	}
	p.finish(&s.StmtBase)
	return s
}

func (p *parser) parseAlterRole(sb StmtBase, server bool) Stmt {
	s := &AlterRoleStmt{StmtBase: sb, Server: server}
	role, ok := p.parsePrincipalName()
	if !ok {
		return nil
	}
	s.Role = role
	switch {
	case p.isKw(kwADD) || p.isKw(kwDROP):
		s.Action = strings.ToUpper(p.tok().val) + " MEMBER"
		p.next()
		if !p.expectKw(kwMEMBER) {
			return nil
		}
		m, ok := p.parsePrincipalName()
		if !ok {
			return nil
		}
		s.Member = m
	case p.acceptKw(kwWITH):
		if !p.expectKw(kwNAME) || !p.expectOp(opEq) {
			return nil
		}
		n, ok := p.parsePrincipalName()
		if !ok {
			return nil
		}
		s.Action, s.Member = "RENAME", n
	default:
		p.fail()
		return nil
	}
	p.finish(&s.StmtBase)
	return s
}

// parsePermission parses GRANT, DENY and REVOKE.
func (p *parser) parsePermission() Stmt {
	s := &PermissionStmt{StmtBase: p.stmtBase(), Action: strings.ToUpper(p.tok().val)}
	p.next()
	if s.Action == "REVOKE" && p.isKw(kwGRANT) && p.peek(1).isKw(kwOPTION) {
		p.next()
		p.next()
		if !p.expectKw(kwFOR) {
			return nil
		}
		s.GrantOptionFor = true
	}
	// Permissions: words up to ON, TO or FROM, separated by commas.
	for p.ok() {
		var words []string
		for p.ok() {
			t := p.tok()
			if t.kind != tIdent || t.isKw(kwON) || t.isKw(kwTO) || t.isKw(kwFROM) {
				break
			}
			words = append(words, strings.ToUpper(t.val))
			p.next()
		}
		if len(words) == 0 {
			p.fail()
			return nil
		}
		s.Permissions = append(s.Permissions, strings.Join(words, " "))
		if p.isOp(opLParen) {
			p.skipParens() // column list
		}
		if !p.acceptOp(opComma) {
			break
		}
	}
	if p.acceptKw(kwON) {
		if t := p.tok(); t.kind == tIdent && p.peek(1).isOp(opDColon) {
			s.Class = strings.ToUpper(t.val)
			p.next()
			p.next()
		}
		s.On = p.parseObjectName()
		if p.isOp(opLParen) {
			p.skipParens()
		}
	}
	if !p.acceptKw(kwTO) && !(s.Action == "REVOKE" && p.acceptKw(kwFROM)) {
		p.fail()
		return nil
	}
	for p.ok() {
		n, ok := p.parsePrincipalName()
		if !ok {
			return nil
		}
		s.Principals = append(s.Principals, n)
		if !p.acceptOp(opComma) {
			break
		}
	}
	if p.isKw(kwWITH) && p.peek(1).isKw(kwGRANT) {
		p.next()
		p.next()
		if !p.expectKw(kwOPTION) {
			return nil
		}
		s.GrantOption = true
	}
	if p.acceptKw(kwCASCADE) {
		s.Cascade = true
	}
	if p.acceptKw(kwAS) {
		n, ok := p.parsePrincipalName()
		if !ok {
			return nil
		}
		s.As = n
	}
	return p.finished(s, &s.StmtBase)
}
