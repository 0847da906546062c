package tds

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// errTruncated reports a message that ends before a field it announces.
var errTruncated = errors.New("tds: message truncated")

// protocolError is malformed input that the connection cannot recover from:
// the server logs it and closes the connection.
type protocolError struct{ msg string }

func (e *protocolError) Error() string { return "tds: " + e.msg }

func malformed(format string, args ...any) error {
	return &protocolError{msg: fmt.Sprintf(format, args...)}
}

// rbuf reads little-endian fields from one message. The first failure
// sticks: later reads return zero values and err keeps the first cause, so
// decoders check err once per field group instead of after every read.
// Every length is checked against what is left before anything is sliced
// or allocated.
type rbuf struct {
	b   []byte
	off int
	err error
}

func (r *rbuf) left() int { return len(r.b) - r.off }

func (r *rbuf) need(n int) bool {
	if r.err != nil {
		return false
	}
	if n < 0 || r.left() < n {
		r.err = errTruncated
		return false
	}
	return true
}

func (r *rbuf) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

func (r *rbuf) u8() uint8 {
	if !r.need(1) {
		return 0
	}
	v := r.b[r.off]
	r.off++
	return v
}

func (r *rbuf) peek() (uint8, bool) {
	if r.err != nil || r.left() < 1 {
		return 0, false
	}
	return r.b[r.off], true
}

func (r *rbuf) u16() uint16 {
	if !r.need(2) {
		return 0
	}
	v := binary.LittleEndian.Uint16(r.b[r.off:])
	r.off += 2
	return v
}

func (r *rbuf) u32() uint32 {
	if !r.need(4) {
		return 0
	}
	v := binary.LittleEndian.Uint32(r.b[r.off:])
	r.off += 4
	return v
}

func (r *rbuf) u64() uint64 {
	if !r.need(8) {
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b[r.off:])
	r.off += 8
	return v
}

// bytes returns the next n bytes without copying; callers copy what they keep.
func (r *rbuf) bytes(n int) []byte {
	if !r.need(n) {
		return nil
	}
	v := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return v
}

func (r *rbuf) skip(n int) { r.bytes(n) }

// ucs2 reads n UTF-16 code units.
func (r *rbuf) ucs2(n int) string {
	b := r.bytes(2 * n)
	if r.err != nil {
		return ""
	}
	return decodeUTF16(b)
}

// bVarchar reads a B_VARCHAR: a 1-byte character count and UTF-16LE text.
func (r *rbuf) bVarchar() string { return r.ucs2(int(r.u8())) }

// usVarchar reads a US_VARCHAR: a 2-byte character count and UTF-16LE text.
func (r *rbuf) usVarchar() string { return r.ucs2(int(r.u16())) }

// decodeUTF16 turns UTF-16LE bytes into a Go string; an odd trailing byte is
// dropped and unpaired surrogates become U+FFFD.
func decodeUTF16(b []byte) string {
	n := len(b) / 2
	ascii := true
	for i := 0; i < n; i++ {
		if b[2*i+1] != 0 || b[2*i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		if n == 0 {
			return ""
		}
		out := make([]byte, n)
		for i := range out {
			out[i] = b[2*i]
		}
		return unsafe.String(&out[0], n) // out is never written again
	}
	out := make([]byte, 0, n+n/2)
	for i := 0; i < n; i++ {
		u := uint16(b[2*i]) | uint16(b[2*i+1])<<8
		r := rune(u)
		if utf16.IsSurrogate(r) {
			if u < 0xDC00 && i+1 < n {
				u2 := uint16(b[2*i+2]) | uint16(b[2*i+3])<<8
				if r2 := utf16.DecodeRune(r, rune(u2)); r2 != utf8.RuneError {
					out = utf8.AppendRune(out, r2)
					i++
					continue
				}
			}
			r = utf8.RuneError
		}
		out = utf8.AppendRune(out, r)
	}
	return string(out)
}

// appendUTF16 appends s as UTF-16LE.
func appendUTF16(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < utf8.RuneSelf {
			b = append(b, c, 0)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size - 1
		if r >= 0x10000 {
			r1, r2 := utf16.EncodeRune(r)
			b = append(b, byte(r1), byte(r1>>8), byte(r2), byte(r2>>8))
			continue
		}
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

// utf16Len is the number of UTF-16 code units appendUTF16 writes for s.
func utf16Len(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < utf8.RuneSelf {
			n++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size - 1
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// truncUTF16 cuts s so that it has at most max UTF-16 code units.
func truncUTF16(s string, max int) string {
	n := 0
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if n+w > max {
			return s[:i]
		}
		n += w
	}
	return s
}

func appendU16(b []byte, v uint16) []byte { return binary.LittleEndian.AppendUint16(b, v) }
func appendU32(b []byte, v uint32) []byte { return binary.LittleEndian.AppendUint32(b, v) }
func appendU64(b []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(b, v) }

// appendBVarchar appends a B_VARCHAR, cutting s to the 255 code units the
// length byte can count.
func appendBVarchar(b []byte, s string) []byte {
	if utf16Len(s) > 255 {
		s = truncUTF16(s, 255)
	}
	b = append(b, byte(utf16Len(s)))
	return appendUTF16(b, s)
}

// appendUSVarchar appends a US_VARCHAR of at most max code units.
func appendUSVarchar(b []byte, s string, max int) []byte {
	if utf16Len(s) > max {
		s = truncUTF16(s, max)
	}
	b = appendU16(b, uint16(utf16Len(s)))
	return appendUTF16(b, s)
}

// putU16At writes a length field reserved earlier at b[at:at+2].
func putU16At(b []byte, at int, v uint16) { binary.LittleEndian.PutUint16(b[at:], v) }
