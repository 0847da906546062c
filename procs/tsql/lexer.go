package tsql

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind is the class of a token.
type tokKind uint8

const (
	tEOF      tokKind = iota
	tIdent            // a word: keyword or identifier, #temp, ##global
	tQIdent           // [bracketed] or "quoted" identifier
	tVar              // @name
	tGlobal           // @@name
	tString           // 'text'
	tNString          // N'text'
	tInt              // 42
	tDecimal          // 1.5
	tFloat            // 1e5
	tMoney            // $1.50
	tBinary           // 0x1F
	tOp               // punctuation and operators; op says which
	tBad              // a character that starts no token
	tUnclosed         // a string or quoted identifier left open at the end of the batch
)

// opKind is the operator or punctuation of a tOp token.
type opKind uint8

const (
	opNone opKind = iota
	opLParen
	opRParen
	opComma
	opDot
	opSemi
	opColon
	opDColon // ::
	opEq
	opNe     // <>
	opBangEq // !=
	opLt
	opGt
	opLe
	opGe
	opNotLt // !<
	opNotGt // !>
	opPlus
	opMinus
	opStar
	opSlash
	opPercent
	opAmp
	opPipe
	opCaret
	opTilde
	opLBrace
	opRBrace
)

// token is one lexeme. start and end delimit its text in the source; val
// is its decoded value for strings and quoted identifiers (quotes removed,
// doubled quotes undone) and its text otherwise.
type token struct {
	kind      tokKind
	op        opKind
	kw        keyword
	start     int
	end       int
	line, col int
	val       string
}

// lexError is a lexical problem found while scanning: a string, quoted
// identifier or comment left open, or an identifier too long.
type lexError struct {
	number int32
	offset int
	line   int
	text   string
}

// lexer turns a batch into tokens. Columns count characters; they are
// worked out per token, from the last token's column on the same line, so
// the scanners only move pos and keep line and lineStart right.
type lexer struct {
	src       string
	pos       int
	line      int
	lineStart int // offset of the current line's first byte
	colOff    int // offset whose column is colVal
	colVal    int
	// quotedIdentOff makes "x" a string, as SET QUOTED_IDENTIFIER OFF does.
	quotedIdentOff bool
	errs           []lexError
}

// tokenize scans the whole batch. Comments and white space are dropped; the
// token list always ends with a tEOF token.
func tokenize(src string, quotedIdentOff bool, toks []token) ([]token, []lexError) {
	lx := lexer{src: src, line: 1, colVal: 1, quotedIdentOff: quotedIdentOff}
	for {
		toks = append(toks, token{})
		t := &toks[len(toks)-1]
		lx.next(t)
		if t.kind == tEOF || t.kind == tUnclosed {
			if t.kind == tUnclosed {
				toks = append(toks, token{kind: tEOF, start: len(src), end: len(src), line: lx.line, col: lx.colAt(len(src))})
			}
			return toks, lx.errs
		}
	}
}

// colAt returns the 1-based column of offset off, which is on the current
// line at or after the last offset asked about.
func (lx *lexer) colAt(off int) int {
	if lx.colOff < lx.lineStart {
		lx.colOff, lx.colVal = lx.lineStart, 1
	}
	lx.colVal += utf8.RuneCountInString(lx.src[lx.colOff:off])
	lx.colOff = off
	return lx.colVal
}

// advance moves over n bytes that contain no newline.
func (lx *lexer) advance(n int) { lx.pos += n }

// skipTo moves to offset end, counting the newlines passed.
func (lx *lexer) skipTo(end int) {
	if n := strings.Count(lx.src[lx.pos:end], "\n"); n > 0 {
		lx.line += n
		lx.lineStart = strings.LastIndexByte(lx.src[:end], '\n') + 1
	}
	lx.pos = end
}

// skipSpaceAndComments drops white space and comments. It reports false
// when a block comment runs to the end of the batch.
func (lx *lexer) skipSpaceAndComments() bool {
	src := lx.src
	for lx.pos < len(src) {
		c := src[lx.pos]
		switch {
		case c == '\n':
			lx.line++
			lx.pos++
			lx.lineStart = lx.pos
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == 0:
			lx.pos++
		case c == '-' && lx.pos+1 < len(src) && src[lx.pos+1] == '-':
			end := strings.IndexByte(src[lx.pos:], '\n')
			if end < 0 {
				end = len(src)
			} else {
				end += lx.pos
			}
			lx.skipTo(end)
		case c == '/' && lx.pos+1 < len(src) && src[lx.pos+1] == '*':
			start, line := lx.pos, lx.line
			depth := 0
			i := lx.pos
			for i < len(src) {
				if src[i] == '/' && i+1 < len(src) && src[i+1] == '*' {
					depth++
					i += 2
					continue
				}
				if src[i] == '*' && i+1 < len(src) && src[i+1] == '/' {
					depth--
					i += 2
					if depth == 0 {
						break
					}
					continue
				}
				i++
			}
			if depth > 0 {
				lx.errs = append(lx.errs, lexError{number: ErrMissingEndComment, offset: start, line: line, text: src[start:]})
				lx.skipTo(len(src))
				return false
			}
			lx.skipTo(i)
		case c >= 0x80:
			r, size := utf8.DecodeRuneInString(src[lx.pos:])
			if !unicode.IsSpace(r) {
				return true
			}
			lx.pos += size
		default:
			return true
		}
	}
	return true
}

func isIdentStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '#' || c >= 0x80
}

func isIdentPart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '#' || c == '@' || c == '$' || c >= 0x80
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// identEnd returns the end of the identifier characters from i. Non-ASCII
// runes continue an identifier when they are letters or digits.
func identEnd(src string, i int) int {
	for i < len(src) {
		c := src[i]
		if c < 0x80 {
			if !isIdentPart(c) {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(src[i:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) {
			return i
		}
		i += size
	}
	return i
}

// next scans the next token into t.
func (lx *lexer) next(t *token) {
	if !lx.skipSpaceAndComments() {
		*t = token{kind: tEOF, start: len(lx.src), end: len(lx.src), line: lx.line, col: lx.colAt(len(lx.src))}
		return
	}
	src := lx.src
	t.start, t.line, t.col = lx.pos, lx.line, lx.colAt(lx.pos)
	if lx.pos >= len(src) {
		t.kind = tEOF
		t.end = lx.pos
		return
	}
	c := src[lx.pos]
	switch {
	case (c == 'N' || c == 'n') && lx.pos+1 < len(src) && src[lx.pos+1] == '\'':
		lx.quoted(t, tNString, 2, '\'')
		return
	case c == '\'':
		lx.quoted(t, tString, 1, '\'')
		return
	case c == '[':
		lx.quoted(t, tQIdent, 1, ']')
		return
	case c == '"':
		if lx.quotedIdentOff {
			lx.quoted(t, tString, 1, '"')
			return
		}
		lx.quoted(t, tQIdent, 1, '"')
		return
	case c == '@':
		kind := tVar
		i := lx.pos + 1
		if i < len(src) && src[i] == '@' {
			kind = tGlobal
			i++
		}
		end := identEnd(src, i)
		if end == lx.pos+1 {
			// A lone @ starts nothing.
			lx.advance(1)
			t.kind, t.end, t.val = tBad, lx.pos, "@"
			return
		}
		lx.advance(end - lx.pos)
		t.kind, t.end = kind, lx.pos
		t.val = src[t.start:t.end]
		lx.checkLength(t)
		return
	case isDigit(c) || c == '.' && lx.pos+1 < len(src) && isDigit(src[lx.pos+1]):
		lx.number(t)
		return
	case c == '$':
		i := lx.pos + 1
		if i < len(src) && (isDigit(src[i]) || src[i] == '.' && i+1 < len(src) && isDigit(src[i+1])) {
			lx.money(t)
			return
		}
		lx.advance(1)
		t.kind, t.end, t.val = tBad, lx.pos, "$"
		return
	case c < 0x80 && isIdentStart(c):
		end := identEnd(src, lx.pos+1)
		lx.advance(end - lx.pos)
		t.kind, t.end = tIdent, lx.pos
		t.val = src[t.start:t.end]
		t.kw = lookupKeyword(t.val)
		lx.checkLength(t)
		return
	case c >= 0x80:
		r, size := utf8.DecodeRuneInString(src[lx.pos:])
		if unicode.IsLetter(r) {
			end := identEnd(src, lx.pos+size)
			lx.advance(end - lx.pos)
			t.kind, t.end = tIdent, lx.pos
			t.val = src[t.start:t.end]
			lx.checkLength(t)
			return
		}
		lx.advance(size)
		t.kind, t.end, t.val = tBad, lx.pos, src[t.start:lx.pos]
		return
	}
	lx.punct(t)
	return
}

// checkLength records Msg 103 for a name longer than 128 characters.
func (lx *lexer) checkLength(t *token) {
	if len(t.val) > 128 && utf8.RuneCountInString(t.val) > 128 {
		lx.errs = append(lx.errs, lexError{number: ErrSyntaxIdentTooLong, offset: t.start, line: t.line, text: cutRunes(t.val, 128)})
	}
}

// quoted scans a string or a quoted identifier whose body starts skip
// bytes in and ends at the closing quote q (doubled inside).
func (lx *lexer) quoted(t *token, kind tokKind, skip int, q byte) {
	src := lx.src
	i := lx.pos + skip
	bodyStart := i
	escaped := false
	for {
		j := strings.IndexByte(src[i:], q)
		if j < 0 {
			// Left open: the rest of the batch is its text.
			lx.skipTo(len(src))
			t.kind, t.end = tUnclosed, len(src)
			t.val = undouble(src[bodyStart:], q, escaped)
			return
		}
		i += j
		if i+1 < len(src) && src[i+1] == q {
			escaped = true
			i += 2
			continue
		}
		break
	}
	body := src[bodyStart:i]
	lx.skipTo(i + 1)
	t.kind, t.end = kind, lx.pos
	t.val = undouble(body, q, escaped)
	if kind == tQIdent {
		lx.checkLength(t)
	}
	return
}

// undouble turns each doubled quote q of s into one.
func undouble(s string, q byte, escaped bool) string {
	if !escaped {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		if s[i] == q && i+1 < len(s) && s[i+1] == q {
			i++
		}
	}
	return b.String()
}

// number scans 42, 1.5, .5, 1., 1e5, 1.5E-3 and 0x1F.
func (lx *lexer) number(t *token) {
	src := lx.src
	i := lx.pos
	if src[i] == '0' && i+1 < len(src) && (src[i+1] == 'x' || src[i+1] == 'X') {
		i += 2
		for i < len(src) && isHex(src[i]) {
			i++
		}
		lx.advance(i - lx.pos)
		t.kind, t.end = tBinary, lx.pos
		t.val = src[t.start:t.end]
		return
	}
	kind := tInt
	for i < len(src) && isDigit(src[i]) {
		i++
	}
	if i < len(src) && src[i] == '.' {
		kind = tDecimal
		i++
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		// 1e5, 1e+5, 1e-5; the exponent's digits are optional, as on the server.
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		for j < len(src) && isDigit(src[j]) {
			j++
		}
		kind = tFloat
		i = j
	}
	lx.advance(i - lx.pos)
	t.kind, t.end = kind, lx.pos
	t.val = src[t.start:t.end]
	return
}

// money scans $12.50 (the $ is not part of val).
func (lx *lexer) money(t *token) {
	src := lx.src
	i := lx.pos + 1
	for i < len(src) && isDigit(src[i]) {
		i++
	}
	if i < len(src) && src[i] == '.' {
		i++
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	lx.advance(i - lx.pos)
	t.kind, t.end = tMoney, lx.pos
	t.val = src[t.start+1 : t.end]
	return
}

// punct scans operators and punctuation.
func (lx *lexer) punct(t *token) {
	src := lx.src
	c := src[lx.pos]
	var nx byte
	if lx.pos+1 < len(src) {
		nx = src[lx.pos+1]
	}
	n := 1
	op := opNone
	switch c {
	case '(':
		op = opLParen
	case ')':
		op = opRParen
	case ',':
		op = opComma
	case '.':
		op = opDot
	case ';':
		op = opSemi
	case ':':
		op = opColon
		if nx == ':' {
			op, n = opDColon, 2
		}
	case '=':
		op = opEq
	case '<':
		op = opLt
		switch nx {
		case '>':
			op, n = opNe, 2
		case '=':
			op, n = opLe, 2
		}
	case '>':
		op = opGt
		if nx == '=' {
			op, n = opGe, 2
		}
	case '!':
		switch nx {
		case '=':
			op, n = opBangEq, 2
		case '<':
			op, n = opNotLt, 2
		case '>':
			op, n = opNotGt, 2
		}
	case '+':
		op = opPlus
	case '-':
		op = opMinus
	case '*':
		op = opStar
	case '/':
		op = opSlash
	case '%':
		op = opPercent
	case '&':
		op = opAmp
	case '|':
		op = opPipe
	case '^':
		op = opCaret
	case '~':
		op = opTilde
	case '{':
		op = opLBrace
	case '}':
		op = opRBrace
	}
	lx.advance(n)
	t.end = lx.pos
	t.val = src[t.start:t.end]
	if op == opNone {
		t.kind = tBad
		return
	}
	t.kind, t.op = tOp, op
	return
}
