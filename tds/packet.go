package tds

import (
	"encoding/binary"
	"errors"
	"io"
	"sync"
)

// Packet types (header byte 0).
const (
	pktBatch     = 0x01
	pktRPC       = 0x03
	pktReply     = 0x04
	pktAttention = 0x06
	pktBulkLoad  = 0x07
	pktFedAuth   = 0x08
	pktTransMgr  = 0x0E
	pktLogin7    = 0x10
	pktSSPI      = 0x11
	pktPrelogin  = 0x12
)

// Packet status bits (header byte 1).
const (
	statusEOM           = 0x01
	statusIgnore        = 0x02
	statusResetConn     = 0x08
	statusResetConnSkip = 0x10
)

const (
	headerLen         = 8
	defaultPacketSize = 4096
	// maxTLSPacketSize is SQL Server's cap for encrypted connections.
	maxTLSPacketSize = 16383
)

// header is the 8-byte packet header; multi-byte fields are big-endian.
type header struct {
	Type     uint8
	Status   uint8
	Length   uint16
	SPID     uint16
	PacketID uint8
	Window   uint8
}

func decodeHeader(b []byte) (header, error) {
	if len(b) < headerLen {
		return header{}, errTruncated
	}
	h := header{
		Type:     b[0],
		Status:   b[1],
		Length:   binary.BigEndian.Uint16(b[2:]),
		SPID:     binary.BigEndian.Uint16(b[4:]),
		PacketID: b[6],
		Window:   b[7],
	}
	if h.Length < headerLen {
		return h, malformed("packet length %d is shorter than its header", h.Length)
	}
	return h, nil
}

func (h header) put(b []byte) {
	b[0] = h.Type
	b[1] = h.Status
	binary.BigEndian.PutUint16(b[2:], h.Length)
	binary.BigEndian.PutUint16(b[4:], h.SPID)
	b[6] = h.PacketID
	b[7] = h.Window
}

// message is one client message: the payloads of its packets joined.
type message struct {
	typ    uint8
	status uint8 // status of the first packet (RESETCONNECTION bits)
	buf    *[]byte
	data   []byte
}

// errMessageTooLarge is returned when a message exceeds the configured
// maximum; the connection is closed.
var errMessageTooLarge = errors.New("tds: message exceeds the maximum message size")

// bufPool holds message and response buffers, so idle connections keep none.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 2*defaultPacketSize); return &b }}

// maxPooledBuf is the largest buffer returned to the pool; bigger ones (a
// large nvarchar(max) parameter) are left to the garbage collector.
const maxPooledBuf = 1 << 20

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(p *[]byte) {
	if p == nil || cap(*p) > maxPooledBuf {
		return
	}
	*p = (*p)[:0]
	bufPool.Put(p)
}

func (m *message) release() {
	putBuf(m.buf)
	m.buf, m.data = nil, nil
}

// packetReader assembles messages from packets. A small read-ahead
// buffer lives in the struct: one read usually brings a whole small request
// (header and payload), and a connection blocked between requests holds no
// other buffer.
type packetReader struct {
	r       io.Reader
	ra      [readAhead]byte
	rs, re  int // unread bytes are ra[rs:re]
	maxSize int
	onBytes func(int)
}

const readAhead = 512

// buffered reports how many read-ahead bytes wait unread; a transport
// switch with bytes pending would lose them.
func (pr *packetReader) buffered() int { return pr.re - pr.rs }

// fill makes at least n (<= readAhead) bytes available in ra[rs:re].
func (pr *packetReader) fill(n int) error {
	if pr.re-pr.rs >= n {
		return nil
	}
	if pr.rs > 0 {
		pr.re = copy(pr.ra[:], pr.ra[pr.rs:pr.re])
		pr.rs = 0
	}
	m, err := io.ReadAtLeast(pr.r, pr.ra[pr.re:], n-pr.re)
	pr.re += m
	if pr.onBytes != nil && m > 0 {
		pr.onBytes(m)
	}
	return err
}

// readFull fills dst from the read-ahead buffer and then the transport.
func (pr *packetReader) readFull(dst []byte) error {
	n := copy(dst, pr.ra[pr.rs:pr.re])
	pr.rs += n
	if n == len(dst) {
		return nil
	}
	m, err := io.ReadFull(pr.r, dst[n:])
	if pr.onBytes != nil && m > 0 {
		pr.onBytes(m)
	}
	return err
}

// readMessage reads packets up to the end of one message. A packet whose
// status has the ignore bit ends a message the client abandoned: it is
// dropped and the next message is read.
func (pr *packetReader) readMessage() (message, error) {
	for {
		m, ignored, err := pr.readOne()
		if err != nil || !ignored {
			return m, err
		}
		m.release()
	}
}

func (pr *packetReader) readOne() (message, bool, error) {
	var m message
	first := true
	for {
		if err := pr.fill(headerLen); err != nil {
			m.release()
			if (!first || pr.re > pr.rs) && errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return m, false, err
		}
		h, err := decodeHeader(pr.ra[pr.rs : pr.rs+headerLen])
		if err != nil {
			m.release()
			return m, false, err
		}
		pr.rs += headerLen
		if first {
			m.typ, m.status = h.Type, h.Status
			m.buf = getBuf()
			first = false
		} else if h.Type != m.typ {
			m.release()
			return m, false, malformed("packet type 0x%02X inside a message of type 0x%02X", h.Type, m.typ)
		}
		n := int(h.Length) - headerLen
		buf := *m.buf
		if len(buf)+n > pr.maxSize {
			m.release()
			return m, false, errMessageTooLarge
		}
		if cap(buf)-len(buf) < n {
			nb := make([]byte, len(buf), 2*cap(buf)+n)
			copy(nb, buf)
			putBuf(m.buf)
			buf = nb
			m.buf = &nb
		}
		buf = buf[:len(buf)+n]
		if err := pr.readFull(buf[len(buf)-n:]); err != nil {
			m.release()
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return m, false, err
		}
		*m.buf = buf
		if h.Status&statusEOM != 0 {
			m.data = buf
			return m, h.Status&statusIgnore != 0, nil
		}
	}
}

// packetWriter splits a message into packets of the negotiated size. The
// buffer is borrowed from the pool for one message and returned after it,
// so that a million-row result streams through one packet's worth of memory.
type packetWriter struct {
	w       io.Writer
	size    int // negotiated packet size, header included
	spid    uint16
	typ     uint8
	id      uint8
	buf     *[]byte // buf[0:8] is room for the first packet's header
	onBytes func(int)
}

// begin starts a message of the given packet type.
func (pw *packetWriter) begin(typ uint8) []byte {
	pw.typ = typ
	pw.id = 1
	if pw.buf == nil {
		pw.buf = getBuf()
	}
	return append((*pw.buf)[:0], make([]byte, headerLen)...)
}

// spill sends every full packet in b while more than one packet's payload
// is buffered, keeping the rest (never empty) for the last packet, and
// returns the remaining buffer.
func (pw *packetWriter) spill(b []byte) ([]byte, error) {
	payload := pw.size - headerLen
	if len(b)-headerLen <= payload {
		*pw.buf = b
		return b, nil
	}
	s := headerLen
	for len(b)-s > payload {
		// The header of each packet overwrites the tail of the previous
		// one, which has already been written.
		if err := pw.writePacket(b[s-headerLen:s+payload], 0); err != nil {
			*pw.buf = b
			return b, err
		}
		s += payload
	}
	n := copy(b[headerLen:], b[s:])
	b = b[:headerLen+n]
	*pw.buf = b
	return b, nil
}

// flush sends what is buffered. With eom the last packet ends the message;
// without it the buffered bytes go out as a non-final packet.
func (pw *packetWriter) flush(b []byte, eom bool) ([]byte, error) {
	b, err := pw.spill(b)
	if err != nil {
		return b, err
	}
	if len(b) == headerLen && !eom {
		return b, nil
	}
	status := uint8(0)
	if eom {
		status = statusEOM
	}
	if err := pw.writePacket(b, status); err != nil {
		return b, err
	}
	b = b[:headerLen]
	*pw.buf = b
	return b, nil
}

func (pw *packetWriter) writePacket(p []byte, status uint8) error {
	header{Type: pw.typ, Status: status, Length: uint16(len(p)), SPID: pw.spid, PacketID: pw.id}.put(p)
	pw.id++
	_, err := pw.w.Write(p)
	if err == nil && pw.onBytes != nil {
		pw.onBytes(len(p))
	}
	return err
}

// release returns the buffer to the pool once a message is complete.
func (pw *packetWriter) release() {
	putBuf(pw.buf)
	pw.buf = nil
}

// writeMessage sends payload as one complete message.
func (pw *packetWriter) writeMessage(typ uint8, payload []byte) error {
	b := pw.begin(typ)
	b = append(b, payload...)
	_, err := pw.flush(b, true)
	pw.release()
	return err
}
