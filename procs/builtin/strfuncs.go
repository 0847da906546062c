package builtin

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// CollationEnv is an optional extension of Env: the collation of the
// current database (SQL_Latin1_General_CP1_CI_AS when absent), which
// CHARINDEX, REPLACE, PATINDEX and friends match under.
type CollationEnv interface {
	Collation() sqltype.Collation
}

func collation(e Env) sqltype.Collation {
	if ce, ok := e.(CollationEnv); ok {
		return ce.Collation()
	}
	return sqltype.CollationDefault
}

// foldRune is the form two characters are matched in by CHARINDEX and
// REPLACE: case folded unless the collation is case-sensitive, width
// folded unless width-sensitive.
func foldRune(r rune, c *sqltype.Collation) rune {
	if c.Binary {
		return r
	}
	if !c.WidthSensitive && r >= 0xFF01 && r <= 0xFF5E {
		r -= 0xFEE0
	}
	if !c.CaseSensitive {
		if r < utf8.RuneSelf {
			if r >= 'A' && r <= 'Z' {
				r += 32
			}
			return r
		}
		r = unicode.ToLower(r)
	}
	return r
}

func foldRunes(s string, c *sqltype.Collation) []rune {
	rs := []rune(s)
	for i, r := range rs {
		rs[i] = foldRune(r, c)
	}
	return rs
}

// indexRunes finds sub in s from rune position from (0-based).
func indexRunes(s, sub []rune, from int) int {
	if len(sub) == 0 {
		return -1
	}
outer:
	for i := max(from, 0); i+len(sub) <= len(s); i++ {
		for j := range sub {
			if s[i+j] != sub[j] {
				continue outer
			}
		}
		return i
	}
	return -1
}

// unitLen is the length SQL Server counts for s: UTF-16 units for Unicode
// strings, characters otherwise.
func unitLen(s string, unicode bool) int { return sqltype.CharLen(s, unicode) }

func lenType(ts []sqltype.Type) (sqltype.Type, error) {
	if isMax(ts[0]) {
		return sqltype.TBigInt, nil
	}
	return sqltype.TInt, nil
}

func sameStringType(ts []sqltype.Type) (sqltype.Type, error) {
	t := ts[0]
	if t.Kind.IsBinary() {
		return sqltype.VarBinaryN(lengthOf(t)), nil
	}
	return stringType(t, lengthOf(t)), nil
}

func init() {
	register(&Func{Name: "LEN", MinArgs: 1, MaxArgs: 1, resolve: lenType, eval: func(c *call) (sqltype.Value, error) {
		a := c.args[0]
		if a.IsNull() {
			return sqltype.Null(c.typ), nil
		}
		if a.Kind().IsBinary() {
			return sqltype.NewBigInt(int64(len(a.Bytes()))), nil
		}
		s, _, err := str(a)
		if err != nil {
			return sqltype.Value{}, err
		}
		return sqltype.NewBigInt(int64(unitLen(strings.TrimRight(s, " "), isUnicode(a.Type())))), nil
	}})
	register(&Func{Name: "DATALENGTH", MinArgs: 1, MaxArgs: 1, resolve: lenType, eval: func(c *call) (sqltype.Value, error) {
		a := c.args[0]
		if a.IsNull() {
			return sqltype.Null(c.typ), nil
		}
		t := a.Type()
		switch k := t.Kind; {
		case k.IsString() || k == sqltype.XML:
			return sqltype.NewBigInt(int64(sqltype.DataLength(a.Str(), isUnicode(t)))), nil
		case k.IsBinary():
			return sqltype.NewBigInt(int64(len(a.Bytes()))), nil
		}
		return sqltype.NewBigInt(int64(t.MaxLength())), nil
	}})
	leftRight := func(name string, right bool) *Func {
		return &Func{Name: name, MinArgs: 2, MaxArgs: 2, resolve: sameStringType, eval: func(c *call) (sqltype.Value, error) {
			n, ok, err := integer(c.args[1], true)
			if err != nil {
				return sqltype.Value{}, err
			}
			if !ok || c.args[0].IsNull() {
				return sqltype.Null(c.typ), nil
			}
			if n < 0 {
				return sqltype.Value{}, sqlerr.New(536, 16, 1, "Invalid length parameter passed to the %s function.", strings.ToLower(name))
			}
			if c.args[0].Kind().IsBinary() {
				b := c.args[0].Bytes()
				if int(n) < len(b) {
					if right {
						b = b[len(b)-int(n):]
					} else {
						b = b[:n]
					}
				}
				return sqltype.NewBytes(c.typ, b), nil
			}
			s, _, err := str(c.args[0])
			if err != nil {
				return sqltype.Value{}, err
			}
			rs := []rune(s)
			if int(n) < len(rs) {
				if right {
					rs = rs[len(rs)-int(n):]
				} else {
					rs = rs[:n]
				}
			}
			return mkString(c.typ, string(rs)), nil
		}}
	}
	register(leftRight("LEFT", false))
	register(leftRight("RIGHT", true))
	register(&Func{Name: "SUBSTRING", MinArgs: 3, MaxArgs: 3, resolve: sameStringType, eval: func(c *call) (sqltype.Value, error) {
		start, ok1, err := integer(c.args[1], true)
		if err != nil {
			return sqltype.Value{}, err
		}
		n, ok2, err := integer(c.args[2], true)
		if err != nil {
			return sqltype.Value{}, err
		}
		if !ok1 || !ok2 || c.args[0].IsNull() {
			return sqltype.Null(c.typ), nil
		}
		if n < 0 {
			return sqltype.Value{}, sqlerr.New(537, 16, 3, "Invalid length parameter passed to the LEFT or SUBSTRING function.")
		}
		from, to := start-1, start-1+n // the half-open range, clipped below
		if from < 0 {
			from = 0
		}
		if c.args[0].Kind().IsBinary() {
			b := c.args[0].Bytes()
			to = min(to, int64(len(b)))
			if from >= to {
				return sqltype.NewBytes(c.typ, []byte{}), nil
			}
			return sqltype.NewBytes(c.typ, b[from:to]), nil
		}
		s, _, err := str(c.args[0])
		if err != nil {
			return sqltype.Value{}, err
		}
		rs := []rune(s)
		to = min(to, int64(len(rs)))
		if from >= to {
			return mkString(c.typ, ""), nil
		}
		return mkString(c.typ, string(rs[from:to])), nil
	}})
	register(&Func{Name: "CHARINDEX", MinArgs: 2, MaxArgs: 3,
		resolve: indexType,
		eval: func(c *call) (sqltype.Value, error) {
			find, s, ok, err := strPair(c)
			if err != nil {
				return sqltype.Value{}, err
			}
			if !ok {
				return sqltype.Null(c.typ), nil
			}
			from := int64(1)
			if len(c.args) == 3 {
				f, ok, err := integer(c.args[2], true)
				if err != nil {
					return sqltype.Value{}, err
				}
				if ok && f > 1 {
					from = f
				}
			}
			coll := collation(c.env)
			if from > int64(len(s)) {
				return sqltype.NewBigInt(0), nil
			}
			i := indexRunes(foldRunes(s, &coll), foldRunes(find, &coll), int(from-1))
			return sqltype.NewBigInt(int64(i + 1)), nil
		}})
	register(&Func{Name: "PATINDEX", MinArgs: 2, MaxArgs: 2,
		resolve: indexType,
		eval: func(c *call) (sqltype.Value, error) {
			pat, s, ok, err := strPair(c)
			if err != nil {
				return sqltype.Value{}, err
			}
			if !ok {
				return sqltype.Null(c.typ), nil
			}
			return sqltype.NewBigInt(int64(patIndex(pat, s, collation(c.env)))), nil
		}})
	register(&Func{Name: "REPLACE", MinArgs: 3, MaxArgs: 3,
		resolve: func(ts []sqltype.Type) (sqltype.Type, error) {
			uni := isUnicode(ts[0]) || isUnicode(ts[1]) || isUnicode(ts[2])
			t := sqltype.VarCharN(8000)
			if uni {
				t = sqltype.NVarCharN(4000)
			}
			if isMax(ts[0]) {
				t.Length = sqltype.Max
			}
			if ts[0].Kind.IsBinary() {
				return sqltype.VarBinaryN(8000), nil
			}
			return t, nil
		},
		eval: func(c *call) (sqltype.Value, error) {
			parts, ok, err := strTriple(c)
			if err != nil {
				return sqltype.Value{}, err
			}
			if !ok {
				return sqltype.Null(c.typ), nil
			}
			coll := collation(c.env)
			return mkString(c.typ, replaceFold(parts[0], parts[1], parts[2], &coll)), nil
		}})
	register(&Func{Name: "STUFF", MinArgs: 4, MaxArgs: 4,
		resolve: func(ts []sqltype.Type) (sqltype.Type, error) {
			t := stringType(ts[0], 8000)
			if isUnicode(ts[3]) {
				t = sqltype.NVarCharN(4000)
			}
			if isMax(ts[0]) || isMax(ts[3]) {
				t.Length = sqltype.Max
			}
			return t, nil
		},
		eval: func(c *call) (sqltype.Value, error) {
			s, ok1, err := str(c.args[0])
			if err != nil {
				return sqltype.Value{}, err
			}
			start, ok2, err := integer(c.args[1], true)
			if err != nil {
				return sqltype.Value{}, err
			}
			n, ok3, err := integer(c.args[2], true)
			if err != nil {
				return sqltype.Value{}, err
			}
			ins, ok4, err := str(c.args[3])
			if err != nil {
				return sqltype.Value{}, err
			}
			if !ok1 || !ok2 || !ok3 {
				return sqltype.Null(c.typ), nil
			}
			if !ok4 {
				ins = ""
			}
			rs := []rune(s)
			if start < 1 || start > int64(len(rs)) || n < 0 {
				return sqltype.Null(c.typ), nil
			}
			end := min(start-1+n, int64(len(rs)))
			return mkString(c.typ, string(rs[:start-1])+ins+string(rs[end:])), nil
		}})
	register(&Func{Name: "REVERSE", MinArgs: 1, MaxArgs: 1, resolve: sameStringType, eval: strMap(func(s string) string {
		rs := []rune(s)
		for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
			rs[i], rs[j] = rs[j], rs[i]
		}
		return string(rs)
	})})
	register(&Func{Name: "UPPER", MinArgs: 1, MaxArgs: 1, resolve: sameStringType, eval: strMap(strings.ToUpper)})
	register(&Func{Name: "LOWER", MinArgs: 1, MaxArgs: 1, resolve: sameStringType, eval: strMap(strings.ToLower)})
	trim := func(name string, left, right bool) *Func {
		return &Func{Name: name, MinArgs: 1, MaxArgs: 2, resolve: sameStringType, eval: func(c *call) (sqltype.Value, error) {
			s, cut, ok, err := strAndOptional(c, " ")
			if err != nil || !ok {
				return sqltype.Null(c.typ), err
			}
			if left {
				s = strings.TrimLeft(s, cut)
			}
			if right {
				s = strings.TrimRight(s, cut)
			}
			return mkString(c.typ, s), nil
		}}
	}
	register(trim("LTRIM", true, false))
	register(trim("RTRIM", false, true))
	// TRIM(string) or TRIM(string, characters): the engine passes
	// TRIM(characters FROM string) as (string, characters).
	register(trim("TRIM", true, true))
	register(&Func{Name: "CONCAT", MinArgs: 2, MaxArgs: 254, resolve: concatType, eval: func(c *call) (sqltype.Value, error) {
		parts, err := nonNullStrings(c.args)
		if err != nil {
			return sqltype.Value{}, err
		}
		return mkString(c.typ, clip(strings.Join(parts, ""), c.typ)), nil
	}})
	register(&Func{Name: "CONCAT_WS", MinArgs: 3, MaxArgs: 254, resolve: concatType, eval: func(c *call) (sqltype.Value, error) {
		sep, _, err := str(c.args[0])
		if err != nil {
			return sqltype.Value{}, err
		}
		parts, err := nonNullStrings(c.args[1:])
		if err != nil {
			return sqltype.Value{}, err
		}
		return mkString(c.typ, clip(strings.Join(parts, sep), c.typ)), nil
	}})
	register(&Func{Name: "QUOTENAME", MinArgs: 1, MaxArgs: 2, resolve: fixed(sqltype.NVarCharN(258)), eval: func(c *call) (sqltype.Value, error) {
		s, q, ok, err := strAndOptional(c, "[")
		if err != nil || !ok {
			return sqltype.Null(c.typ), err
		}
		if unitLen(s, true) > 128 {
			return sqltype.Null(c.typ), nil
		}
		open, close, ok := quotePair(q)
		if !ok {
			return sqltype.Null(c.typ), nil
		}
		return mkString(c.typ, open+strings.ReplaceAll(s, close, close+close)+close), nil
	}})
	register(&Func{Name: "REPLICATE", MinArgs: 2, MaxArgs: 2,
		resolve: func(ts []sqltype.Type) (sqltype.Type, error) {
			if isMax(ts[0]) {
				return stringType(ts[0], sqltype.Max), nil
			}
			return stringType(ts[0], 8000), nil
		},
		eval: func(c *call) (sqltype.Value, error) {
			s, ok1, err := str(c.args[0])
			if err != nil {
				return sqltype.Value{}, err
			}
			n, ok2, err := integer(c.args[1], true)
			if err != nil {
				return sqltype.Value{}, err
			}
			if !ok1 || !ok2 || n < 0 {
				return sqltype.Null(c.typ), nil
			}
			limit := int64(c.typ.Length)
			if c.typ.Length == sqltype.Max {
				limit = 1 << 30
			}
			if s == "" {
				return mkString(c.typ, ""), nil
			}
			if per := int64(len(s)); n*per > limit+per {
				n = limit/per + 1
			}
			return mkString(c.typ, clip(strings.Repeat(s, int(n)), c.typ)), nil
		}})
	register(&Func{Name: "SPACE", MinArgs: 1, MaxArgs: 1, resolve: fixed(sqltype.VarCharN(8000)), eval: func(c *call) (sqltype.Value, error) {
		n, ok, err := integer(c.args[0], false)
		if err != nil || !ok || n < 0 {
			return sqltype.Null(c.typ), err
		}
		return mkString(c.typ, strings.Repeat(" ", int(min(n, 8000)))), nil
	}})
	register(&Func{Name: "CHAR", MinArgs: 1, MaxArgs: 1, resolve: fixed(sqltype.CharN(1)), eval: func(c *call) (sqltype.Value, error) {
		n, ok, err := integer(c.args[0], false)
		if err != nil || !ok || n < 0 || n > 255 {
			return sqltype.Null(c.typ), err
		}
		v, err := sqltype.Convert(sqltype.NewVarBinary([]byte{byte(n)}), sqltype.CharN(1), 0)
		return v, err
	}})
	register(&Func{Name: "NCHAR", MinArgs: 1, MaxArgs: 1, resolve: fixed(sqltype.NCharN(1)), eval: func(c *call) (sqltype.Value, error) {
		n, ok, err := integer(c.args[0], false)
		if err != nil || !ok || n < 0 || n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF) {
			return sqltype.Null(c.typ), err
		}
		t := c.typ
		if n > 0xFFFF {
			t = sqltype.NCharN(2)
		}
		return sqltype.NewString(t, string(rune(n))), nil
	}})
	register(&Func{Name: "ASCII", MinArgs: 1, MaxArgs: 1, resolve: fixed(sqltype.TInt), eval: func(c *call) (sqltype.Value, error) {
		s, ok, err := str(c.args[0])
		if err != nil || !ok || s == "" {
			return sqltype.Null(c.typ), err
		}
		v, err := sqltype.Convert(sqltype.NewVarChar(s), sqltype.VarBinaryN(sqltype.Max), 0)
		if err != nil {
			return sqltype.Value{}, err
		}
		return sqltype.NewInt(int64(v.Bytes()[0])), nil
	}})
	register(&Func{Name: "UNICODE", MinArgs: 1, MaxArgs: 1, resolve: fixed(sqltype.TInt), eval: func(c *call) (sqltype.Value, error) {
		s, ok, err := str(c.args[0])
		if err != nil || !ok || s == "" {
			return sqltype.Null(c.typ), err
		}
		r, _ := utf8.DecodeRuneInString(s)
		if r > 0xFFFF { // the first UTF-16 unit: the high surrogate
			r = 0xD800 + ((r - 0x10000) >> 10)
		}
		return sqltype.NewInt(int64(r)), nil
	}})
	register(&Func{Name: "STRING_ESCAPE", MinArgs: 2, MaxArgs: 2,
		resolve: func(ts []sqltype.Type) (sqltype.Type, error) {
			if isMax(ts[0]) {
				return sqltype.NVarCharN(sqltype.Max), nil
			}
			return sqltype.NVarCharN(4000), nil
		},
		eval: func(c *call) (sqltype.Value, error) {
			kind, _, err := str(c.args[1])
			if err != nil {
				return sqltype.Value{}, err
			}
			if !strings.EqualFold(kind, "json") {
				return sqltype.Value{}, sqlerr.New(13606, 16, 1, "'%s' is not a valid STRING_ESCAPE type.", kind)
			}
			s, ok, err := str(c.args[0])
			if err != nil || !ok {
				return sqltype.Null(c.typ), err
			}
			return mkString(c.typ, clip(jsonEscape(s), c.typ)), nil
		}})
	register(&Func{Name: "TRANSLATE", MinArgs: 3, MaxArgs: 3, resolve: sameStringType, eval: func(c *call) (sqltype.Value, error) {
		parts, ok, err := strTriple(c)
		if err != nil {
			return sqltype.Value{}, err
		}
		if !ok {
			return sqltype.Null(c.typ), nil
		}
		from, to := []rune(parts[1]), []rune(parts[2])
		if len(from) != len(to) {
			return sqltype.Value{}, sqlerr.New(9828, 16, 1, "The second and third arguments of the TRANSLATE built-in function must contain an equal number of characters.")
		}
		coll := collation(c.env)
		rs := []rune(parts[0])
		for i, r := range rs {
			fr := foldRune(r, &coll)
			for j, f := range from {
				if foldRune(f, &coll) == fr {
					rs[i] = to[j]
					break
				}
			}
		}
		return mkString(c.typ, string(rs)), nil
	}})
	register(&Func{Name: "STR", MinArgs: 1, MaxArgs: 3,
		resolve: func(ts []sqltype.Type) (sqltype.Type, error) { return sqltype.VarCharN(8000), nil },
		eval:    evalStr})
	register(&Func{Name: "SOUNDEX", MinArgs: 1, MaxArgs: 1, resolve: fixed(sqltype.VarCharN(4)), eval: func(c *call) (sqltype.Value, error) {
		s, ok, err := str(c.args[0])
		if err != nil || !ok {
			return sqltype.Null(c.typ), err
		}
		return mkString(c.typ, soundex(s)), nil
	}})
}

// strMap applies f to a string argument (NULL stays NULL).
func strMap(f func(string) string) func(c *call) (sqltype.Value, error) {
	return func(c *call) (sqltype.Value, error) {
		if c.args[0].Kind().IsBinary() {
			return sqltype.Value{}, argTypeErr(c.args[0].Type(), 1, c.name)
		}
		s, ok, err := str(c.args[0])
		if err != nil || !ok {
			return sqltype.Null(c.typ), err
		}
		return mkString(c.typ, f(s)), nil
	}
}

func concatType(ts []sqltype.Type) (sqltype.Type, error) {
	uni := false
	var n int32
	for _, t := range ts {
		if isUnicode(t) {
			uni = true
		}
		l := lengthOf(t)
		if l == sqltype.Max || n == sqltype.Max {
			n = sqltype.Max
			continue
		}
		n += l
	}
	if uni {
		if n != sqltype.Max && n > 4000 {
			n = 4000
		}
		return sqltype.NVarCharN(n), nil
	}
	if n != sqltype.Max && n > 8000 {
		n = 8000
	}
	return sqltype.VarCharN(n), nil
}

// clip cuts s to the length of type t.
func clip(s string, t sqltype.Type) string {
	if t.Length == sqltype.Max || t.Length <= 0 {
		return s
	}
	uni := t.Kind.IsUnicode()
	if len(s) <= int(t.Length) || unitLen(s, uni) <= int(t.Length) {
		return s
	}
	rs := []rune(s)
	n := 0
	for i, r := range rs {
		w := 1
		if uni && r > 0xFFFF {
			w = 2
		}
		if n+w > int(t.Length) {
			return string(rs[:i])
		}
		n += w
	}
	return s
}

func replaceFold(s, find, repl string, coll *sqltype.Collation) string {
	if find == "" {
		return s
	}
	src := []rune(s)
	fs := foldRunes(s, coll)
	ff := foldRunes(find, coll)
	var b strings.Builder
	last := 0
	for i := 0; i+len(ff) <= len(fs); {
		j := indexRunes(fs, ff, i)
		if j < 0 {
			break
		}
		b.WriteString(string(src[last:j]))
		b.WriteString(repl)
		i = j + len(ff)
		last = i
	}
	b.WriteString(string(src[last:]))
	return b.String()
}

func patIndex(pat, s string, coll sqltype.Collation) int {
	rs := []rune(s)
	if !strings.HasPrefix(pat, "%") {
		if sqltype.Like(s, pat, 0, coll) {
			return 1
		}
		return 0
	}
	rest := strings.TrimLeft(pat, "%")
	p := sqltype.CompileLike(rest, 0, coll)
	for i := 0; i <= len(rs); i++ {
		if p.Match(string(rs[i:])) {
			if i == len(rs) && rest != "" {
				return 0
			}
			return i + 1
		}
	}
	return 0
}

func quotePair(q string) (string, string, bool) {
	switch q {
	case "[", "]":
		return "[", "]", true
	case "\"":
		return "\"", "\"", true
	case "'":
		return "'", "'", true
	case "(", ")":
		return "(", ")", true
	case "<", ">":
		return "<", ">", true
	case "{", "}":
		return "{", "}", true
	case "`":
		return "`", "`", true
	}
	return "", "", false
}

func jsonEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '/':
			b.WriteString(`\/`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				const hex = "0123456789abcdef"
				b.WriteString(`\u00`)
				b.WriteByte(hex[r>>4])
				b.WriteByte(hex[r&15])
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

func soundex(s string) string {
	codes := map[rune]byte{'b': '1', 'f': '1', 'p': '1', 'v': '1', 'c': '2', 'g': '2', 'j': '2', 'k': '2', 'q': '2', 's': '2', 'x': '2', 'z': '2',
		'd': '3', 't': '3', 'l': '4', 'm': '5', 'n': '5', 'r': '6'}
	var out []byte
	var last byte
	for _, r := range strings.ToLower(s) {
		if r < 'a' || r > 'z' {
			if len(out) == 0 {
				continue
			}
			break
		}
		code := codes[r]
		if len(out) == 0 {
			out = append(out, byte(unicode.ToUpper(r)))
			last = code
			continue
		}
		if r == 'h' || r == 'w' {
			continue
		}
		if code != 0 && code != last {
			out = append(out, code)
		}
		last = code
		if len(out) == 4 {
			break
		}
	}
	if len(out) == 0 {
		return ""
	}
	for len(out) < 4 {
		out = append(out, '0')
	}
	return string(out)
}
