package rawtds

import (
	"encoding/binary"
	"fmt"
	"unicode/utf16"
)

// Error is an ERROR or INFO token.
type Error struct {
	Number int32
	State  uint8
	Class  uint8
	Text   string
	Proc   string
	Line   int32
}

func (e *Error) Error() string {
	return fmt.Sprintf("Msg %d, Level %d, State %d: %s", e.Number, e.Class, e.State, e.Text)
}

// Done is a DONE, DONEPROC or DONEINPROC token.
type Done struct {
	Token    byte
	Status   uint16
	CurCmd   uint16
	RowCount uint64
}

// DONE status bits.
const (
	DoneMore  = 0x01
	DoneError = 0x02
	DoneAttn  = 0x20
)

// Reply is what ParseReply could read of a response. Tokens are read in
// order up to the first one this package does not decode (COLMETADATA,
// RETURNVALUE); the response's last DONE is read from its end in any case.
type Reply struct {
	Raw      []byte
	Errors   []Error // class 11 and up
	Infos    []Error
	LoginAck bool
	Dones    []Done // those read in order
	Results  bool   // a result set (COLMETADATA) was seen
	Final    *Done  // the last token, when it is a DONE-family token
}

// ParseReply reads the tokens of one response.
func ParseReply(b []byte) *Reply {
	r := &Reply{Raw: b}
	le := binary.LittleEndian
	i := 0
loop:
	for i < len(b) {
		tok := b[i]
		i++
		switch tok {
		case 0xAA, 0xAB, 0xAD, 0xE3: // length-prefixed
			if i+2 > len(b) {
				break loop
			}
			n := int(le.Uint16(b[i:]))
			i += 2
			if i+n > len(b) {
				break loop
			}
			body := b[i : i+n]
			i += n
			switch tok {
			case 0xAD:
				r.LoginAck = true
			case 0xAA, 0xAB:
				e, ok := parseMessage(body)
				if !ok {
					break loop
				}
				if tok == 0xAA {
					r.Errors = append(r.Errors, e)
				} else {
					r.Infos = append(r.Infos, e)
				}
			}
		case 0xAE: // FEATUREEXTACK: id, u32 length, data ... 0xFF
			for i < len(b) && b[i] != 0xFF {
				if i+5 > len(b) {
					break loop
				}
				i += 5 + int(le.Uint32(b[i+1:]))
			}
			i++
		case 0xFD, 0xFE, 0xFF:
			if i+12 > len(b) {
				break loop
			}
			r.Dones = append(r.Dones, Done{Token: tok, Status: le.Uint16(b[i:]), CurCmd: le.Uint16(b[i+2:]), RowCount: le.Uint64(b[i+4:])})
			i += 12
		case 0x79:
			i += 4
		case 0x81:
			r.Results = true
			break loop
		default:
			break loop
		}
	}
	if n := len(b); n >= 13 {
		if t := b[n-13]; t == 0xFD || t == 0xFE || t == 0xFF {
			d := Done{Token: t, Status: le.Uint16(b[n-12:]), CurCmd: le.Uint16(b[n-10:]), RowCount: le.Uint64(b[n-8:])}
			r.Final = &d
		}
	}
	return r
}

func parseMessage(b []byte) (Error, bool) {
	le := binary.LittleEndian
	if len(b) < 8 {
		return Error{}, false
	}
	e := Error{Number: int32(le.Uint32(b)), State: b[4], Class: b[5]}
	i := 6
	n := int(le.Uint16(b[i:])) * 2
	i += 2
	if i+n > len(b) {
		return Error{}, false
	}
	e.Text = decodeUTF16(b[i : i+n])
	i += n
	for k := 0; k < 2; k++ { // server name, procedure
		if i >= len(b) {
			return Error{}, false
		}
		n = int(b[i]) * 2
		i++
		if i+n > len(b) {
			return Error{}, false
		}
		if k == 1 {
			e.Proc = decodeUTF16(b[i : i+n])
		}
		i += n
	}
	if i+4 <= len(b) {
		e.Line = int32(le.Uint32(b[i:]))
	}
	return e, true
}

func decodeUTF16(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// OK reports a response that ended with a final DONE without the error
// bit and carried no ERROR token.
func (r *Reply) OK() bool {
	return r.Final != nil && r.Final.Status&DoneError == 0 && r.Final.Status&DoneMore == 0 && len(r.Errors) == 0
}
