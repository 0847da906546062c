package sqltype

import (
	"unicode/utf16"
	"unicode/utf8"
)

// varchar values are stored in Go as UTF-8 but stand for code page 1252
// bytes (the code page of SQL_Latin1_General_CP1_*). These helpers map
// between the two and count lengths the way SQL Server does.

// cp1252High maps bytes 0x80..0x9F; the rest of 0xA0..0xFF is Latin-1.
var cp1252High = [32]rune{
	0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
	0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
}

var cp1252Reverse = func() map[rune]byte {
	m := make(map[rune]byte, 32)
	for i, r := range cp1252High {
		m[r] = byte(0x80 + i)
	}
	return m
}()

// cp1252Byte returns the code page 1252 byte for r, and false when r has
// none (SQL Server then stores '?').
func cp1252Byte(r rune) (byte, bool) {
	switch {
	case r < 0x80:
		return byte(r), true
	case r >= 0xA0 && r <= 0xFF:
		return byte(r), true
	}
	b, ok := cp1252Reverse[r]
	return b, ok
}

func decodeCP1252(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	rs := make([]rune, len(b))
	for i, c := range b {
		switch {
		case c < 0x80 || c >= 0xA0:
			rs[i] = rune(c)
		default:
			rs[i] = cp1252High[c-0x80]
		}
	}
	return string(rs)
}

func encodeCP1252(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if c, ok := cp1252Byte(r); ok {
			out = append(out, c)
		} else {
			out = append(out, '?')
		}
	}
	return out
}

// toCP1252 replaces the characters that code page 1252 lacks with '?', as
// converting nvarchar to varchar does.
func toCP1252(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return decodeCP1252(encodeCP1252(s))
		}
	}
	return s
}

func decodeUTF16(b []byte) string {
	n := len(b) / 2
	u := make([]uint16, n)
	for i := 0; i < n; i++ {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	if len(b)%2 == 1 { // a dangling byte becomes a character of its own
		u = append(u, uint16(b[len(b)-1]))
	}
	return string(utf16.Decode(u))
}

func encodeUTF16(s string) []byte {
	u := utf16.Encode([]rune(s))
	out := make([]byte, 2*len(u))
	for i, c := range u {
		out[2*i] = byte(c)
		out[2*i+1] = byte(c >> 8)
	}
	return out
}

// CharLen is the length of s in the units of the given character kind:
// bytes of code page 1252 for char/varchar/text, UTF-16 code units for the
// Unicode types. It is what LEN counts before trimming and what a type's
// length limits.
func CharLen(s string, unicode bool) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if unicode && r > 0xFFFF {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// truncateChars keeps the first n units of s (see CharLen); it never splits
// a surrogate pair in half.
func truncateChars(s string, n int, unicode bool) string {
	count := 0
	for i := 0; i < len(s); {
		if count >= n {
			return s[:i]
		}
		if s[i] < utf8.RuneSelf {
			count++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		w := 1
		if unicode && r > 0xFFFF {
			w = 2
		}
		if count+w > n {
			return s[:i]
		}
		count += w
		i += size
	}
	return s
}

// DataLength is DATALENGTH for a string of the given kind: bytes on disk.
func DataLength(s string, unicode bool) int {
	if unicode {
		return 2 * CharLen(s, true)
	}
	return CharLen(s, false)
}
