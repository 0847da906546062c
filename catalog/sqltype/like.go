package sqltype

import (
	"unicode/utf8"
)

// LikePattern is a compiled LIKE pattern: compile once per statement, match
// per row.
type LikePattern struct {
	toks []likeTok
	coll Collation
}

type likeKind uint8

const (
	likeChar likeKind = iota // one character equal under the collation
	likeOne                  // _
	likeAny                  // %
	likeSet                  // [...] or [^...]
)

type likeTok struct {
	kind   likeKind
	r      rune
	negate bool
	items  []likeRange
}

type likeRange struct{ lo, hi rune }

// CompileLike compiles pattern with an optional escape character (0 for
// none). Wildcards: % any run, _ one character, [a-f] and [^a-f] sets; the
// escape character makes the next character literal.
func CompileLike(pattern string, escape rune, coll Collation) *LikePattern {
	p := &LikePattern{coll: coll}
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case escape != 0 && r == escape:
			if i+1 < len(rs) {
				i++
				p.toks = append(p.toks, likeTok{kind: likeChar, r: rs[i]})
			} else {
				// A trailing escape character matches nothing.
				p.toks = append(p.toks, likeTok{kind: likeSet})
			}
		case r == '%':
			if n := len(p.toks); n > 0 && p.toks[n-1].kind == likeAny {
				continue
			}
			p.toks = append(p.toks, likeTok{kind: likeAny})
		case r == '_':
			p.toks = append(p.toks, likeTok{kind: likeOne})
		case r == '[':
			end := -1
			j := i + 1
			if j < len(rs) && rs[j] == '^' {
				j++
			}
			if j < len(rs) && rs[j] == ']' { // a leading ] is literal
				j++
			}
			for ; j < len(rs); j++ {
				if rs[j] == ']' {
					end = j
					break
				}
			}
			if end < 0 {
				// An unclosed bracket matches nothing (SQL Server finds no rows).
				p.toks = append(p.toks, likeTok{kind: likeSet})
				i = len(rs)
				continue
			}
			body := rs[i+1 : end]
			t := likeTok{kind: likeSet}
			if len(body) > 0 && body[0] == '^' {
				t.negate = true
				body = body[1:]
			}
			for k := 0; k < len(body); k++ {
				c := body[k]
				if escape != 0 && c == escape && k+1 < len(body) {
					k++
					t.items = append(t.items, likeRange{body[k], body[k]})
					continue
				}
				if k+2 < len(body) && body[k+1] == '-' {
					t.items = append(t.items, likeRange{c, body[k+2]})
					k += 2
					continue
				}
				t.items = append(t.items, likeRange{c, c})
			}
			p.toks = append(p.toks, t)
			i = end
		default:
			p.toks = append(p.toks, likeTok{kind: likeChar, r: r})
		}
	}
	return p
}

// Like reports whether s LIKE pattern [ESCAPE escape] under coll.
func Like(s, pattern string, escape rune, coll Collation) bool {
	return CompileLike(pattern, escape, coll).Match(s)
}

// likeWeight is the value two characters are compared by in LIKE: the
// primary weight, plus accent and case when the collation tells them
// apart. Expansions such as ß = ss do not apply to single characters.
func (p *LikePattern) weight(r rune) uint64 {
	if p.coll.Binary {
		return uint64(r)
	}
	var buf [4]celem
	es := runeElems(buf[:0], r, &p.coll)
	if len(es) != 1 {
		return uint64(r) << 40
	}
	e := es[0]
	w := uint64(e.p) << 32
	if p.coll.AccentSensitive {
		w |= uint64(e.s&0xFFFFFF) << 8
	}
	if p.coll.CaseSensitive {
		w |= uint64(e.t)
	}
	return w
}

func (p *LikePattern) eq(a, b rune) bool {
	if a == b {
		return true
	}
	if p.coll.Binary {
		return false
	}
	if a < utf8.RuneSelf && b < utf8.RuneSelf && !p.coll.CaseSensitive {
		return asciiPrimary[a] == asciiPrimary[b]
	}
	return p.weight(a) == p.weight(b)
}

func (p *LikePattern) inSet(t *likeTok, r rune) bool {
	in := false
	for _, it := range t.items {
		if it.lo == it.hi {
			if p.eq(it.lo, r) {
				in = true
				break
			}
			continue
		}
		// Ranges use the collation's order: under a CI collation [a-f]
		// also takes 'B'; under CS, 'a' < 'A' < 'b'.
		w, lo, hi := p.weight(r), p.weight(it.lo), p.weight(it.hi)
		if !p.coll.CaseSensitive && !p.coll.Binary {
			w, lo, hi = w>>32, lo>>32, hi>>32
		}
		if lo <= w && w <= hi {
			in = true
			break
		}
	}
	if len(t.items) == 0 && !t.negate {
		return false
	}
	return in != t.negate
}

func (p *LikePattern) matchOne(t *likeTok, r rune) bool {
	switch t.kind {
	case likeOne:
		return true
	case likeChar:
		return p.eq(t.r, r)
	case likeSet:
		return p.inSet(t, r)
	}
	return false
}

// Match reports whether s matches. Trailing blanks of s are ignored (every
// blank of the pattern counts).
func (p *LikePattern) Match(s string) bool {
	// Decode once into a small stack buffer when possible.
	var buf [64]rune
	rs := buf[:0]
	for _, r := range s {
		rs = append(rs, r)
	}
	toks := p.toks
	si, ti := 0, 0
	starT, starS := -1, 0
	for {
		if ti == len(toks) {
			rest := true
			for k := si; k < len(rs); k++ {
				if rs[k] != ' ' {
					rest = false
					break
				}
			}
			if rest {
				return true
			}
		} else if toks[ti].kind == likeAny {
			starT, starS = ti, si
			ti++
			continue
		} else if si < len(rs) && p.matchOne(&toks[ti], rs[si]) {
			si++
			ti++
			continue
		}
		// Backtrack: let the last % take one more character.
		if starT < 0 || starS >= len(rs) {
			return false
		}
		starS++
		si = starS
		ti = starT + 1
	}
}
