package tds

import "encoding/binary"

// PRELOGIN option tokens.
const (
	preVersion    = 0x00
	preEncryption = 0x01
	preInstOpt    = 0x02
	preThreadID   = 0x03
	preMARS       = 0x04
	preTraceID    = 0x05
	preFedAuth    = 0x06
	preNonce      = 0x07
	preTerminator = 0xFF
)

// ENCRYPTION option values.
const (
	encryptOff    = 0x00
	encryptOn     = 0x01
	encryptNotSup = 0x02
	encryptReq    = 0x03
	encryptStrict = 0x04 // sent by go-mssqldb inside a TDS 8.0 session
	encryptCert   = 0x80 // client-certificate bit of newer spec revisions
)

// preloginOption is one option of a PRELOGIN message.
type preloginOption struct {
	Token uint8
	Data  []byte
}

// prelogin is a decoded PRELOGIN message.
type prelogin struct {
	Options    []preloginOption
	Encryption uint8
	HasEncrypt bool
	Instance   string
	FedAuth    bool
}

// decodePrelogin parses the option table and the data it points into.
func decodePrelogin(b []byte) (*prelogin, error) {
	p := &prelogin{}
	end := len(b) // the smallest data offset bounds the option table
	for i := 0; ; i += 5 {
		if i >= len(b) || i >= end {
			return nil, malformed("PRELOGIN option table has no terminator")
		}
		tok := b[i]
		if tok == preTerminator {
			break
		}
		if i+5 > len(b) {
			return nil, errTruncated
		}
		off := int(binary.BigEndian.Uint16(b[i+1:]))
		n := int(binary.BigEndian.Uint16(b[i+3:]))
		if off+n > len(b) {
			return nil, malformed("PRELOGIN option 0x%02X points past the message", tok)
		}
		if n > 0 && off < end {
			end = off
		}
		data := b[off : off+n : off+n]
		p.Options = append(p.Options, preloginOption{Token: tok, Data: data})
		switch tok {
		case preEncryption:
			if n < 1 {
				return nil, malformed("PRELOGIN ENCRYPTION option is empty")
			}
			p.Encryption, p.HasEncrypt = data[0], true
		case preInstOpt:
			for j, c := range data {
				if c == 0 {
					data = data[:j]
					break
				}
			}
			p.Instance = string(data)
		case preFedAuth:
			p.FedAuth = n > 0 && data[0] != 0
		}
		if len(p.Options) > 64 {
			return nil, malformed("PRELOGIN has too many options")
		}
	}
	return p, nil
}

// appendPrelogin encodes options in the given order.
func appendPrelogin(b []byte, opts []preloginOption) []byte {
	off := 5*len(opts) + 1
	for _, o := range opts {
		b = append(b, o.Token)
		b = binary.BigEndian.AppendUint16(b, uint16(off))
		b = binary.BigEndian.AppendUint16(b, uint16(len(o.Data)))
		off += len(o.Data)
	}
	b = append(b, preTerminator)
	for _, o := range opts {
		b = append(b, o.Data...)
	}
	return b
}

// productVersion is what PRELOGIN and LOGINACK advertise: SQL Server 2022
// RTM, 16.0.1000.6.
var productVersion = [6]byte{16, 0, 0x03, 0xE8, 0x00, 0x06}

// preloginReply is the server's PRELOGIN answer.
func preloginReply(encryption uint8) []byte {
	return appendPrelogin(nil, []preloginOption{
		{Token: preVersion, Data: productVersion[:]},
		{Token: preEncryption, Data: []byte{encryption}},
		{Token: preInstOpt, Data: []byte{0}},
		{Token: preThreadID, Data: nil},
		{Token: preMARS, Data: []byte{0}},
	})
}

// tlsUse is what the server does with TLS after PRELOGIN.
type tlsUse uint8

const (
	tlsNone      tlsUse = iota // plaintext
	tlsLoginOnly               // TLS for LOGIN7 only, then plaintext
	tlsFull                    // everything after PRELOGIN over TLS
	tlsRefuse                  // answer, then close: the client will not encrypt
)

// negotiateEncryption is the encryption table of the server side: the
// reply to a client's ENCRYPTION value and what happens next.
func negotiateEncryption(mode TLSMode, client uint8, present bool) (uint8, tlsUse) {
	if !present {
		client = encryptOff
	}
	client &^= encryptCert
	switch mode {
	case TLSOn:
		switch client {
		case encryptOff:
			return encryptOff, tlsLoginOnly
		case encryptNotSup:
			return encryptNotSup, tlsNone
		default: // ON, REQ, STRICT
			return encryptOn, tlsFull
		}
	case TLSRequired:
		switch client {
		case encryptOff:
			return encryptReq, tlsFull
		case encryptNotSup:
			return encryptReq, tlsRefuse
		case encryptReq:
			return encryptReq, tlsFull
		default:
			return encryptOn, tlsFull
		}
	}
	return encryptNotSup, tlsNone
}
