// Package rawtds is a minimal TDS client that writes packets by hand: the
// load and benchmark commands use it where a driver would hide what is
// measured (ten thousand idle sessions, the wire's own round trip), and
// fault tests use it to send what no driver sends (truncated packets,
// invalid UTF-16, an ATTENTION storm). It speaks plaintext TDS 7.4 only.
package rawtds

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"unicode/utf16"
)

// Packet types.
const (
	TypeBatch     = 0x01
	TypeRPC       = 0x03
	TypeReply     = 0x04
	TypeAttention = 0x06
	TypeTransMgr  = 0x0E
	TypeLogin7    = 0x10
	TypePrelogin  = 0x12
)

// StatusEOM marks the last packet of a message.
const StatusEOM = 0x01

// Encryption values of PRELOGIN.
const (
	EncryptOff    = 0x00
	EncryptOn     = 0x01
	EncryptNotSup = 0x02
	EncryptReq    = 0x03
)

const (
	headerLen  = 8
	packetSize = 4096
	// maxMessage bounds what ReadMessage assembles, so that a broken server
	// cannot make a test client allocate without end.
	maxMessage = 256 << 20
)

// Conn is one client connection.
type Conn struct {
	net.Conn
	packetID uint8
}

// Dial opens a TCP connection; nothing is sent.
func Dial(ctx context.Context, addr string) (*Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	return &Conn{Conn: c}, nil
}

// WritePacket writes one packet with the given header fields around
// payload, whatever its size (the length field wraps for payloads over
// 65527 bytes, which is what a hostile client may want to send).
func (c *Conn) WritePacket(typ, status byte, payload []byte) error {
	b := make([]byte, headerLen, headerLen+len(payload))
	b[0], b[1] = typ, status
	binary.BigEndian.PutUint16(b[2:], uint16(headerLen+len(payload)))
	c.packetID++
	b[6] = c.packetID
	b = append(b, payload...)
	_, err := c.Write(b)
	return err
}

// WriteMessage splits payload into 4096-byte packets, EOM on the last.
func (c *Conn) WriteMessage(typ byte, payload []byte) error {
	for {
		n := min(len(payload), packetSize-headerLen)
		status := byte(0)
		if n == len(payload) {
			status = StatusEOM
		}
		if err := c.WritePacket(typ, status, payload[:n]); err != nil {
			return err
		}
		payload = payload[n:]
		if status == StatusEOM {
			return nil
		}
	}
}

// ReadMessage reads packets up to the end of one message and returns the
// type of its first packet and the joined payloads.
func (c *Conn) ReadMessage() (byte, []byte, error) {
	var hdr [headerLen]byte
	var out []byte
	typ := byte(0)
	for first := true; ; first = false {
		if _, err := io.ReadFull(c, hdr[:]); err != nil {
			if !first && errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return 0, nil, err
		}
		if first {
			typ = hdr[0]
		}
		n := int(binary.BigEndian.Uint16(hdr[2:]))
		if n < headerLen {
			return 0, nil, fmt.Errorf("rawtds: packet length %d", n)
		}
		if len(out)+n > maxMessage {
			return 0, nil, fmt.Errorf("rawtds: reply larger than %d bytes", maxMessage)
		}
		start := len(out)
		out = append(out, make([]byte, n-headerLen)...)
		if _, err := io.ReadFull(c, out[start:]); err != nil {
			return 0, nil, err
		}
		if hdr[1]&StatusEOM != 0 {
			return typ, out, nil
		}
	}
}

// Prelogin sends PRELOGIN with the given encryption value and returns the
// server's.
func (c *Conn) Prelogin(encrypt byte) (byte, error) {
	if err := c.WriteMessage(TypePrelogin, PreloginPayload(encrypt)); err != nil {
		return 0, err
	}
	typ, b, err := c.ReadMessage()
	if err != nil {
		return 0, err
	}
	if typ != TypeReply {
		return 0, fmt.Errorf("rawtds: PRELOGIN answered with packet type 0x%02X", typ)
	}
	// Option headers: token, offset, length; 0xFF ends them.
	for i := 0; i+5 <= len(b) && b[i] != 0xFF; i += 5 {
		if b[i] == 0x01 {
			off := int(binary.BigEndian.Uint16(b[i+1:]))
			if off < len(b) {
				return b[off], nil
			}
		}
	}
	return 0, errors.New("rawtds: PRELOGIN reply has no ENCRYPTION option")
}

// PreloginPayload is a PRELOGIN message: VERSION, ENCRYPTION, INSTOPT,
// THREADID and MARS, as drivers send them.
func PreloginPayload(encrypt byte) []byte {
	opts := []struct {
		token byte
		data  []byte
	}{
		{0x00, []byte{9, 0, 0, 0, 0, 0}},
		{0x01, []byte{encrypt}},
		{0x02, []byte{0}},
		{0x03, []byte{0, 0, 0, 1}},
		{0x04, []byte{0}},
	}
	off := len(opts)*5 + 1
	var hdr, data []byte
	for _, o := range opts {
		hdr = append(hdr, o.token)
		hdr = binary.BigEndian.AppendUint16(hdr, uint16(off+len(data)))
		hdr = binary.BigEndian.AppendUint16(hdr, uint16(len(o.data)))
		data = append(data, o.data...)
	}
	return append(append(hdr, 0xFF), data...)
}

// Login7 is what LOGIN7 carries.
type Login7 struct {
	User, Password, Database, AppName, HostName string
	PacketSize                                  uint32
}

// Login7Payload encodes a LOGIN7 message for TDS 7.4 with go-mssqldb's
// option flags (fUseDB, fSetLang, fODBC).
func Login7Payload(l Login7) []byte {
	const fixedLen = 94
	fixed := make([]byte, fixedLen)
	le := binary.LittleEndian
	le.PutUint32(fixed[4:], 0x74000004)
	size := l.PacketSize
	if size == 0 {
		size = packetSize
	}
	le.PutUint32(fixed[8:], size)
	le.PutUint32(fixed[12:], 0x07000000)
	fixed[24], fixed[25] = 0xA0, 0x02
	le.PutUint32(fixed[32:], 0x0409)
	var data []byte
	field := func(at int, s string, obfuscate bool) {
		b := UTF16(s)
		if obfuscate {
			for i, x := range b {
				b[i] = (x<<4 | x>>4) ^ 0xA5
			}
		}
		le.PutUint16(fixed[at:], uint16(fixedLen+len(data)))
		le.PutUint16(fixed[at+2:], uint16(len(b)/2))
		data = append(data, b...)
	}
	field(36, l.HostName, false)
	field(40, l.User, false)
	field(44, l.Password, true)
	field(48, l.AppName, false)
	field(52, "", false) // server name
	field(56, "", false) // extension: none
	field(60, "rawtds", false)
	field(64, "", false) // language
	field(68, l.Database, false)
	field(78, "", false) // SSPI
	field(82, "", false) // attach file
	field(86, "", false) // change password
	out := append(fixed, data...)
	le.PutUint32(out, uint32(len(out)))
	return out
}

// Connect runs PRELOGIN (no encryption) and LOGIN7; a refused login is an
// *Error with the server's number.
func (c *Conn) Connect(l Login7) error {
	if _, err := c.Prelogin(EncryptNotSup); err != nil {
		return err
	}
	if err := c.WriteMessage(TypeLogin7, Login7Payload(l)); err != nil {
		return err
	}
	_, b, err := c.ReadMessage()
	if err != nil {
		return err
	}
	r := ParseReply(b)
	if len(r.Errors) > 0 {
		return &r.Errors[0]
	}
	if !r.LoginAck {
		return errors.New("rawtds: login reply without LOGINACK")
	}
	return nil
}

// UTF16 encodes s as UTF-16LE.
func UTF16(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 0, 2*len(u))
	for _, x := range u {
		b = binary.LittleEndian.AppendUint16(b, x)
	}
	return b
}

// AllHeaders is the ALL_HEADERS block of a request outside a transaction.
func AllHeaders() []byte {
	b := binary.LittleEndian.AppendUint32(nil, 22)
	b = binary.LittleEndian.AppendUint32(b, 18)
	b = binary.LittleEndian.AppendUint16(b, 2)
	b = binary.LittleEndian.AppendUint64(b, 0)
	return binary.LittleEndian.AppendUint32(b, 1)
}

// BatchPayload is an SQLBatch message for text; raw UTF-16 code units are
// given as is, so that a test can send what no string holds.
func BatchPayload(text string) []byte { return append(AllHeaders(), UTF16(text)...) }

// Batch sends an SQLBatch and reads the reply.
func (c *Conn) Batch(text string) (*Reply, error) {
	if err := c.WriteMessage(TypeBatch, BatchPayload(text)); err != nil {
		return nil, err
	}
	return c.ReadReply()
}

// ReadReply reads one message and parses it.
func (c *Conn) ReadReply() (*Reply, error) {
	typ, b, err := c.ReadMessage()
	if err != nil {
		return nil, err
	}
	if typ != TypeReply {
		return nil, fmt.Errorf("rawtds: reply with packet type 0x%02X", typ)
	}
	return ParseReply(b), nil
}
