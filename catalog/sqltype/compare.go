package sqltype

import (
	"bytes"
	"errors"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Collation is how character data compares. The emulator knows the
// SQL_Latin1_General_CP1 and Latin1_General families by their flags; the
// sort order of symbols is an approximation of Windows' (letters and digits
// sort as SQL Server sorts them).
type Collation struct {
	Name            string
	CaseSensitive   bool
	AccentSensitive bool
	KanaSensitive   bool
	WidthSensitive  bool
	// Binary compares code points (the _BIN and _BIN2 collations).
	Binary bool
}

// The collations the emulator uses.
var (
	// CollationDefault is the server and SSISDB collation.
	CollationDefault = Collation{Name: "SQL_Latin1_General_CP1_CI_AS", AccentSensitive: true}
	// CollationCS is what the catalog compares parameter names with.
	CollationCS = Collation{Name: "SQL_Latin1_General_CP1_CS_AS", CaseSensitive: true, AccentSensitive: true}
	// CollationBinary compares code points.
	CollationBinary = Collation{Name: "Latin1_General_BIN2", CaseSensitive: true, AccentSensitive: true, KanaSensitive: true, WidthSensitive: true, Binary: true}
)

// CollationByName reads a collation name by its flags (_CI/_CS, _AI/_AS,
// _KS, _WS, _BIN, _BIN2). Unknown families are accepted when their flags
// are recognisable.
func CollationByName(name string) (Collation, bool) {
	up := strings.ToUpper(name)
	c := Collation{Name: name}
	switch {
	case strings.HasSuffix(up, "_BIN") || strings.HasSuffix(up, "_BIN2"):
		c.CaseSensitive, c.AccentSensitive, c.KanaSensitive, c.WidthSensitive, c.Binary = true, true, true, true, true
		return c, true
	}
	parts := strings.Split(up, "_")
	seen := false
	for _, p := range parts {
		switch p {
		case "CI":
			seen = true
		case "CS":
			c.CaseSensitive, seen = true, true
		case "AI":
		case "AS":
			c.AccentSensitive = true
		case "KS":
			c.KanaSensitive = true
		case "WS":
			c.WidthSensitive = true
		}
	}
	if !seen {
		return Collation{}, false
	}
	return c, true
}

// ErrNull is returned by Compare when an operand is NULL: the caller
// applies three-valued logic (UNKNOWN), or sorts NULL first.
var ErrNull = errors.New("sqltype: comparison with NULL")

// asciiPrimary is the primary weight of each ASCII character, case folded.
// Control characters sort first, then blanks and symbols, then digits, then
// letters.
var asciiPrimary = func() [128]uint32 {
	var w [128]uint32
	next := uint32(1)
	for c := 0; c < 0x20; c++ {
		w[c] = next
		next++
	}
	for _, c := range "'- !\"#$%&()*,./:;?@[\\]^_`{|}~+<=>" {
		w[c] = next
		next++
	}
	w[0x7F] = next
	next++
	for c := '0'; c <= '9'; c++ {
		w[c] = next
		next++
	}
	for c := 'a'; c <= 'z'; c++ {
		w[c] = next
		w[c-32] = next
		next++
	}
	return w
}()

const nonASCIIBase = 0x1000 // primary weights of other characters start here

// primaryASCII maps an ASCII primary weight back to its (lower-case)
// character, so keys of ASCII and non-ASCII strings agree.
var primaryASCII = func() [256]byte {
	var m [256]byte
	for c := 127; c >= 0; c-- {
		if c >= 'A' && c <= 'Z' {
			continue
		}
		m[asciiPrimary[c]] = byte(c)
	}
	return m
}()

// celem is one collation element: primary (letter), secondary (accent),
// tertiary (case) weight.
type celem struct {
	p uint32
	s uint32
	t uint8
}

var decompCache sync.Map // rune -> []celem (case recorded, all flags applied later)

// runeElems appends the collation elements of r.
func runeElems(dst []celem, r rune, c *Collation) []celem {
	if r < utf8.RuneSelf {
		var t uint8
		if r >= 'A' && r <= 'Z' {
			t = 1
		}
		return append(dst, celem{p: asciiPrimary[r], t: t})
	}
	if !c.WidthSensitive && r >= 0xFF01 && r <= 0xFF5E {
		return runeElems(dst, r-0xFEE0, c)
	}
	if !c.KanaSensitive && r >= 0x3041 && r <= 0x3096 {
		r += 0x60
	}
	if v, ok := decompCache.Load(r); ok {
		return append(dst, v.([]celem)...)
	}
	es := computeElems(r)
	decompCache.Store(r, es)
	return append(dst, es...)
}

func computeElems(r rune) []celem {
	switch r {
	case 'ß':
		return []celem{{p: asciiPrimary['s']}, {p: asciiPrimary['s']}}
	case 'æ', 'Æ':
		t := uint8(0)
		if r == 'Æ' {
			t = 1
		}
		return []celem{{p: asciiPrimary['a'], t: t}, {p: asciiPrimary['e'], t: t}}
	case 'œ', 'Œ':
		t := uint8(0)
		if r == 'Œ' {
			t = 1
		}
		return []celem{{p: asciiPrimary['o'], t: t}, {p: asciiPrimary['e'], t: t}}
	}
	d := norm.NFD.String(string(r))
	base, size := utf8.DecodeRuneInString(d)
	var accent uint32
	for _, m := range d[size:] {
		accent = accent*31 + uint32(m)
	}
	var t uint8
	if unicode.IsUpper(base) {
		t = 1
	}
	lb := unicode.ToLower(base)
	var p uint32
	if lb < utf8.RuneSelf {
		p = asciiPrimary[lb]
	} else {
		p = nonASCIIBase + uint32(lb)
	}
	if accent == 0 && base != r && size == len(d) {
		// A compatibility character NFD did not change: keep it apart.
		p = nonASCIIBase + uint32(unicode.ToLower(r))
	}
	return []celem{{p: p, s: accent, t: t}}
}

func trimTrailingSpaces(s string) string {
	j := len(s)
	for j > 0 && s[j-1] == ' ' {
		j--
	}
	return s[:j]
}

// CompareStrings compares two strings under a collation, ignoring trailing
// blanks as = < > do.
func CompareStrings(a, b string, c Collation) int {
	a, b = trimTrailingSpaces(a), trimTrailingSpaces(b)
	if c.Binary {
		return strings.Compare(a, b)
	}
	// Fast path: ASCII.
	n := min(len(a), len(b))
	caseDiff := 0
	i := 0
	for ; i < n; i++ {
		x, y := a[i], b[i]
		if x >= utf8.RuneSelf || y >= utf8.RuneSelf {
			break
		}
		if x == y {
			continue
		}
		wx, wy := asciiPrimary[x], asciiPrimary[y]
		if wx != wy {
			if wx < wy {
				return -1
			}
			return 1
		}
		if caseDiff == 0 && c.CaseSensitive {
			// lower case sorts before upper case at the tertiary level
			if x > y {
				caseDiff = -1
			} else {
				caseDiff = 1
			}
		}
	}
	if i == n {
		rest := func(s string) bool {
			for k := n; k < len(s); k++ {
				if s[k] >= utf8.RuneSelf {
					return false
				}
			}
			return true
		}
		if rest(a) && rest(b) {
			switch {
			case len(a) < len(b):
				return -1
			case len(a) > len(b):
				return 1
			}
			return caseDiff
		}
	}
	return compareSlow(a, b, &c)
}

var elemPool = sync.Pool{New: func() any { s := make([]celem, 0, 64); return &s }}

func stringElems(dst []celem, s string, c *Collation) []celem {
	for _, r := range s {
		dst = runeElems(dst, r, c)
	}
	return dst
}

func compareSlow(a, b string, c *Collation) int {
	pa, pb := elemPool.Get().(*[]celem), elemPool.Get().(*[]celem)
	ea := stringElems((*pa)[:0], a, c)
	eb := stringElems((*pb)[:0], b, c)
	defer func() {
		*pa, *pb = ea[:0], eb[:0]
		elemPool.Put(pa)
		elemPool.Put(pb)
	}()
	n := min(len(ea), len(eb))
	for i := 0; i < n; i++ {
		if ea[i].p != eb[i].p {
			if ea[i].p < eb[i].p {
				return -1
			}
			return 1
		}
	}
	if len(ea) != len(eb) {
		if len(ea) < len(eb) {
			return -1
		}
		return 1
	}
	if c.AccentSensitive {
		for i := 0; i < n; i++ {
			if ea[i].s != eb[i].s {
				if ea[i].s < eb[i].s {
					return -1
				}
				return 1
			}
		}
	}
	if c.CaseSensitive {
		for i := 0; i < n; i++ {
			if ea[i].t != eb[i].t {
				if ea[i].t < eb[i].t {
					return -1
				}
				return 1
			}
		}
	}
	return 0
}

// AppendStringKey appends a key for s under c: two strings have the same
// key exactly when CompareStrings says they are equal.
func AppendStringKey(dst []byte, s string, c Collation) []byte {
	s = trimTrailingSpaces(s)
	if c.Binary {
		return append(dst, s...)
	}
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		for i := 0; i < len(s); i++ {
			x := s[i]
			if x >= 'A' && x <= 'Z' {
				dst = append(dst, x+32)
				if c.CaseSensitive {
					dst = append(dst, 0xFE)
				}
				continue
			}
			dst = append(dst, x)
		}
		return dst
	}
	p := elemPool.Get().(*[]celem)
	es := stringElems((*p)[:0], s, &c)
	for _, e := range es {
		if e.p < nonASCIIBase {
			dst = append(dst, primaryASCII[e.p])
		} else {
			dst = utf8.AppendRune(dst, rune(e.p-nonASCIIBase))
		}
		if c.AccentSensitive && e.s != 0 {
			dst = append(dst, 0xFF)
			dst = strconv.AppendUint(dst, uint64(e.s), 36)
		}
		if c.CaseSensitive && e.t != 0 {
			dst = append(dst, 0xFE)
		}
	}
	*p = es[:0]
	elemPool.Put(p)
	return dst
}

// Compare orders two non-NULL values the way SQL Server's comparison
// operators do: the lower-precedence operand is converted implicitly to the
// other's type first (so '10' = 10 compares numbers, and a string that
// does not convert fails with 245). It returns ErrNull when either side is
// NULL. Strings compare under coll.
func Compare(a, b Value, coll Collation) (int, error) {
	if a.IsNull() || b.IsNull() {
		return 0, ErrNull
	}
	ak, bk := a.typ.Kind, b.typ.Kind
	switch {
	case ak.IsInteger() && bk.IsInteger():
		return cmpInt(a.n, b.n), nil
	case ak.IsString() && bk.IsString():
		return CompareStrings(a.s, b.s, coll), nil
	}
	if ak != bk || ak == Decimal || ak == Numeric {
		t, err := ResultType(a.typ, b.typ)
		if err != nil {
			return 0, err
		}
		if t.Kind == SQLVariant {
			return CompareVariant(a, b, coll)
		}
		if a, err = comparable(a, t); err != nil {
			return 0, err
		}
		if b, err = comparable(b, t); err != nil {
			return 0, err
		}
	}
	return compareSame(a, b, coll), nil
}

// comparable converts v to the comparison type t; decimals keep their own
// precision (any scale compares), strings their length.
func comparable(v Value, t Type) (Value, error) {
	k := v.typ.Kind
	switch {
	case k == t.Kind && !k.IsDateTime():
		return v, nil
	case (t.Kind == Decimal || t.Kind == Numeric) && (k == Decimal || k == Numeric):
		return v, nil
	case t.Kind.IsString():
		t.Length = Max
	case t.Kind.IsBinary():
		t.Length = Max
	case t.Kind == Decimal || t.Kind == Numeric:
		if k.IsString() {
			return asDecimal(v)
		}
		t = decimalOfValue(v)
	}
	return Assign(v, t)
}

func cmpInt(x, y int64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func cmpTime(x, y time.Time) int {
	switch {
	case x.Before(y):
		return -1
	case x.After(y):
		return 1
	}
	return 0
}

// guidOrder is the order in which SQL Server weighs the bytes of a GUID
// (printed byte positions): the last group first, the first group last,
// the first three groups read little-endian.
var guidOrder = [16]int{10, 11, 12, 13, 14, 15, 8, 9, 7, 6, 5, 4, 3, 2, 1, 0}

// CompareGUID orders two uniqueidentifiers (printed-order bytes) as SQL
// Server does.
func CompareGUID(a, b []byte) int {
	if len(a) != 16 || len(b) != 16 {
		return bytes.Compare(a, b)
	}
	for _, i := range guidOrder {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

func trimZeros(b []byte) []byte {
	j := len(b)
	for j > 0 && b[j-1] == 0 {
		j--
	}
	return b[:j]
}

func compareSame(a, b Value, coll Collation) int {
	k := a.typ.Kind
	switch {
	case k.IsInteger() || k == Money || k == SmallMoney:
		return cmpInt(a.n, b.n)
	case k == Float || k == Real:
		switch {
		case a.f < b.f:
			return -1
		case a.f > b.f:
			return 1
		}
		return 0
	case k == Decimal || k == Numeric:
		sa, sb := int(a.typ.Scale), int(b.typ.Scale)
		s := max(sa, sb)
		return rescale(a.Unscaled(), sa, s).Cmp(rescale(b.Unscaled(), sb, s))
	case k.IsString() || k == XML:
		return CompareStrings(a.s, b.s, coll)
	case k == UniqueIdentifier:
		return CompareGUID(a.b, b.b)
	case k.IsBinary():
		return bytes.Compare(trimZeros(a.b), trimZeros(b.b))
	case k == DateTimeOffset:
		return cmpTime(a.t, b.t)
	case k == Time:
		return cmpTime(timeOfDay(a.t), timeOfDay(b.t))
	case k.IsDateTime():
		return cmpTime(wall(a.t), wall(b.t))
	}
	return 0
}

func timeOfDay(t time.Time) time.Time {
	return time.Date(1900, 1, 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// variantFamily ranks the sql_variant comparison families: date and time
// highest, then approximate numeric, exact numeric, character, binary and
// uniqueidentifier.
func variantFamily(k Kind) int {
	switch {
	case k.IsDateTime():
		return 6
	case k == Float || k == Real:
		return 5
	case k.IsExactNumeric():
		return 4
	case k.IsString():
		return 3
	case k.IsBinary():
		return 2
	case k == UniqueIdentifier:
		return 1
	}
	return 0
}

// CompareVariant compares two sql_variant values: values of different
// families order by family (so CAST(1 AS sql_variant) > CAST('1' AS
// sql_variant)); within a family the lower type converts to the higher.
func CompareVariant(a, b Value, coll Collation) (int, error) {
	if a.IsNull() || b.IsNull() {
		return 0, ErrNull
	}
	fa, fb := variantFamily(a.typ.Kind), variantFamily(b.typ.Kind)
	if fa != fb {
		return cmpInt(int64(fa), int64(fb)), nil
	}
	return Compare(a, b, coll)
}

// Equal reports a = b (false when either is NULL).
func Equal(a, b Value, coll Collation) (bool, error) {
	c, err := Compare(a, b, coll)
	if err == ErrNull {
		return false, nil
	}
	return c == 0, err
}

// Key returns a grouping key for v: values that compare equal under coll
// get the same key (GROUP BY, DISTINCT, hash joins, unique constraints).
// Numbers of any type share keys by value (int 1, decimal 1.0, money 1,
// float 1e0), and the date/time types by wall clock (datetimeoffset by its
// UTC instant); strings and numbers never share keys, so convert the
// operands of a mixed join to their comparison type first.
func Key(v Value, coll Collation) string {
	return string(AppendKey(nil, v, coll))
}

// AppendKey appends Key(v, coll) to dst without an intermediate string.
func AppendKey(dst []byte, v Value, coll Collation) []byte {
	if v.IsNull() {
		return append(dst, 0)
	}
	k := v.typ.Kind
	switch {
	case k.IsInteger():
		dst = append(dst, 'N')
		return strconv.AppendInt(dst, v.n, 10)
	case k == Money || k == SmallMoney:
		dst = append(dst, 'N')
		return appendCanonicalDecimal(dst, big.NewInt(v.n), 4)
	case k == Decimal || k == Numeric:
		dst = append(dst, 'N')
		return appendCanonicalDecimal(dst, v.Unscaled(), int(v.typ.Scale))
	case k == Float || k == Real:
		// The shortest decimal that reads back as the float: equal to an
		// exact number exactly when Compare says so.
		dst = append(dst, 'N')
		bits := 64
		if k == Real {
			bits = 32
		}
		s := strconv.FormatFloat(v.f, 'f', -1, bits)
		if strings.IndexByte(s, '.') >= 0 {
			s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		}
		if s == "-0" {
			s = "0"
		}
		return append(dst, s...)
	case k.IsString() || k == XML:
		dst = append(dst, 'S')
		return AppendStringKey(dst, v.s, coll)
	case k == UniqueIdentifier:
		dst = append(dst, 'G')
		return append(dst, v.b...)
	case k.IsBinary():
		dst = append(dst, 'B')
		return append(dst, trimZeros(v.b)...)
	case k == DateTimeOffset:
		dst = append(dst, 'D')
		return v.t.UTC().AppendFormat(dst, "2006-01-02T15:04:05.000000000")
	case k == Time:
		dst = append(dst, 'D')
		return timeOfDay(v.t).AppendFormat(dst, "2006-01-02T15:04:05.000000000")
	case k.IsDateTime():
		dst = append(dst, 'D')
		return wall(v.t).AppendFormat(dst, "2006-01-02T15:04:05.000000000")
	}
	return append(dst, '?')
}

// appendCanonicalDecimal writes d/10^scale without trailing fraction zeros.
func appendCanonicalDecimal(dst []byte, d *big.Int, scale int) []byte {
	s := formatDecimal(d, scale)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	if s == "-0" {
		s = "0"
	}
	return append(dst, s...)
}
