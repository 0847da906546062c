package tds

import (
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// varchar, char and text travel in the code page of their collation, not in
// UTF-8 (unless the collation has the UTF8 flag). The code page follows from
// the SQL sort id when there is one, otherwise from the Windows LCID.

// Collation flag bits in the 32-bit LCID-and-flags word.
const collationUTF8 = 0x04000000

// LCID returns the Windows locale id of the collation.
func (c Collation) LCID() uint32 {
	return (uint32(c[0]) | uint32(c[1])<<8 | uint32(c[2])<<16) & 0xFFFFF
}

// SortID returns the SQL sort order id (0 for Windows collations).
func (c Collation) SortID() uint8 { return c[4] }

// UTF8 reports whether the collation stores char data as UTF-8.
func (c Collation) UTF8() bool {
	w := uint32(c[0]) | uint32(c[1])<<8 | uint32(c[2])<<16 | uint32(c[3])<<24
	return w&collationUTF8 != 0
}

// codePage returns the Windows code page of a collation; 65001 is UTF-8.
func (c Collation) codePage() int {
	if c.UTF8() {
		return 65001
	}
	if id := c.SortID(); id != 0 {
		for _, r := range sortIDCodePages {
			if id >= r.lo && id <= r.hi {
				return r.cp
			}
		}
		return 1252
	}
	lcid := c.LCID()
	if cp, ok := lcidCodePages[lcid]; ok {
		return cp
	}
	return 1252
}

// sortIDCodePages maps the SQL collation sort ids to code pages (ranges are
// inclusive; ids not listed fall back to 1252).
var sortIDCodePages = []struct {
	lo, hi uint8
	cp     int
}{
	{30, 34, 437},
	{40, 42, 850}, {44, 44, 850}, {49, 49, 850}, {55, 61, 850},
	{50, 54, 1252}, {71, 75, 1252},
	{80, 96, 1250},
	{104, 108, 1251},
	{112, 114, 1253}, {121, 121, 1253}, {124, 124, 1253},
	{128, 130, 1254},
	{136, 138, 1255},
	{144, 146, 1256},
	{152, 160, 1257},
	{183, 186, 1252},
	{192, 193, 932}, {200, 200, 932},
	{194, 195, 949}, {201, 201, 949},
	{196, 197, 950}, {202, 202, 950},
	{198, 199, 936}, {203, 203, 936},
	{204, 206, 874},
	{210, 217, 1252},
}

// lcidCodePages maps Windows collation locales that do not use 1252.
var lcidCodePages = func() map[uint32]int {
	m := map[uint32]int{}
	add := func(cp int, ids ...uint32) {
		for _, id := range ids {
			m[id] = cp
		}
	}
	add(874, 0x001e, 0x041e)
	add(932, 0x0411, 0x10411, 0x40411)
	add(936, 0x0804, 0x1004, 0x20804)
	add(949, 0x0012, 0x0412)
	add(950, 0x0404, 0x1404, 0x0c04, 0x7c04, 0x30404, 0x21404)
	add(1250, 0x041c, 0x041a, 0x0405, 0x040e, 0x104e, 0x0415, 0x0418, 0x041b, 0x0424, 0x1040e, 0x0442, 0x081a, 0x141a)
	add(1251, 0x0423, 0x0402, 0x042f, 0x0419, 0x0c1a, 0x0422, 0x043f, 0x0444, 0x082c, 0x046d, 0x0485, 0x201a)
	add(1253, 0x0408)
	add(1254, 0x041f, 0x042c, 0x0443)
	add(1255, 0x040d)
	add(1256, 0x0401, 0x0801, 0x0c01, 0x1001, 0x1401, 0x1801, 0x1c01, 0x2001, 0x2401, 0x2801, 0x2c01, 0x3001,
		0x3401, 0x3801, 0x3c01, 0x4001, 0x0429, 0x0420, 0x0480, 0x048c)
	add(1257, 0x0425, 0x0426, 0x0427, 0x0827)
	add(1258, 0x042a)
	return m
}()

// charset converts between Go strings and one code page.
type charset struct {
	single *charmap.Charmap  // single-byte code pages
	multi  encoding.Encoding // double-byte code pages
	utf8   bool
}

var charsets sync.Map // code page -> *charset

func charsetFor(c Collation) *charset {
	cp := c.codePage()
	if v, ok := charsets.Load(cp); ok {
		return v.(*charset)
	}
	cs := &charset{}
	switch cp {
	case 65001:
		cs.utf8 = true
	case 437:
		cs.single = charmap.CodePage437
	case 850:
		cs.single = charmap.CodePage850
	case 874:
		cs.single = charmap.Windows874
	case 1250:
		cs.single = charmap.Windows1250
	case 1251:
		cs.single = charmap.Windows1251
	case 1253:
		cs.single = charmap.Windows1253
	case 1254:
		cs.single = charmap.Windows1254
	case 1255:
		cs.single = charmap.Windows1255
	case 1256:
		cs.single = charmap.Windows1256
	case 1257:
		cs.single = charmap.Windows1257
	case 1258:
		cs.single = charmap.Windows1258
	case 932:
		cs.multi = japanese.ShiftJIS
	case 936:
		cs.multi = simplifiedchinese.GBK
	case 949:
		cs.multi = korean.EUCKR
	case 950:
		cs.multi = traditionalchinese.Big5
	default:
		cs.single = charmap.Windows1252
	}
	v, _ := charsets.LoadOrStore(cp, cs)
	return v.(*charset)
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// decode turns code-page bytes into a Go string.
func (cs *charset) decode(b []byte) string {
	if cs.utf8 || isASCII(b) {
		return string(b)
	}
	if cs.single != nil {
		out := make([]byte, 0, len(b)+len(b)/2)
		for _, c := range b {
			out = utf8.AppendRune(out, cs.single.DecodeByte(c))
		}
		return string(out)
	}
	out, err := cs.multi.NewDecoder().Bytes(b)
	if err != nil {
		return string(b)
	}
	return string(out)
}

// appendEncoded appends s in the code page; characters the code page cannot
// represent become '?', as SQL Server converts them.
func (cs *charset) appendEncoded(b []byte, s string) []byte {
	if cs.utf8 {
		return append(b, s...)
	}
	if cs.single != nil {
		for i := 0; i < len(s); i++ {
			if s[i] < utf8.RuneSelf {
				b = append(b, s[i])
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			i += size - 1
			if c, ok := cs.single.EncodeRune(r); ok {
				b = append(b, c)
			} else {
				b = append(b, '?')
			}
		}
		return b
	}
	enc := cs.multi.NewEncoder()
	var one [utf8.UTFMax]byte
	for _, r := range s {
		if r < utf8.RuneSelf {
			b = append(b, byte(r))
			continue
		}
		n := utf8.EncodeRune(one[:], r)
		out, err := enc.Bytes(one[:n])
		if err != nil {
			b = append(b, '?')
			continue
		}
		b = append(b, out...)
	}
	return b
}

// encodedLen is the byte length of s in the code page.
func (cs *charset) encodedLen(s string) int {
	if cs.utf8 {
		return len(s)
	}
	if cs.single != nil {
		return utf8.RuneCountInString(s)
	}
	return len(cs.appendEncoded(nil, s))
}
