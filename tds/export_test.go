package tds

import (
	"io"
	"net"
)

var (
	errEOF           = io.EOF
	errUnexpectedEOF = io.ErrUnexpectedEOF
)

// Test hooks for the external tests (package tds_test).

type (
	RawClient = rawClient
	Token     = token
	RPCCall   = rpcCall
)

// Exported packet types and encryption values.
const (
	PktBatch      = pktBatch
	PktRPC        = pktRPC
	PktReply      = pktReply
	PktAttention  = pktAttention
	PktTransMgr   = pktTransMgr
	PktLogin7     = pktLogin7
	PktPrelogin   = pktPrelogin
	StatusReset   = statusResetConn
	EncryptOff    = encryptOff
	EncryptOn     = encryptOn
	EncryptNotSup = encryptNotSup
	TokDone       = tokDone
	TokDoneProc   = tokDoneProc
	TokError      = tokError
	TokInfo       = tokInfo
	TokLoginAck   = tokLoginAck
	TokRow        = tokRow
	TokEnvChange  = tokEnvChange
)

func NewRawClient(c net.Conn) *RawClient {
	rc := &rawClient{conn: c, ver: verTDS74}
	rc.setTransport(c)
	return rc
}

func DialRaw(addr string) (*RawClient, error)               { return dialRaw(addr) }
func (c *rawClient) Connect(user, password string) error    { return c.connect(user, password) }
func (c *rawClient) Send(typ, status uint8, p []byte) error { return c.send(typ, status, p) }
func (c *rawClient) Recv() (uint8, []byte, error)           { return c.recv() }
func (c *rawClient) RecvTokens() ([]Token, error)           { return c.recvTokens() }
func (c *rawClient) Close() error                           { return c.close() }
func (c *rawClient) Conn() net.Conn                         { return c.conn }
func (c *rawClient) Prelogin(enc uint8) (uint8, error) {
	p, err := c.prelogin(enc)
	if err != nil {
		return 0, err
	}
	return p.Encryption, nil
}
func (c *rawClient) StartTLS() error {
	tc, err := c.startTLS()
	if err != nil {
		return err
	}
	c.setTransport(tc)
	return nil
}
func (c *rawClient) UsePlain() { c.setTransport(c.conn) }

// LoginAs sends a LOGIN7 shaped like the named client ("go-mssqldb" or
// "tedious") and returns the reply tokens.
func (c *rawClient) LoginAs(client, user, password, database string) ([]Token, error) {
	f := defaultLogin(user, password)
	f.Database = database
	if client == "tedious" {
		f.OptionFlags1, f.OptionFlags2, f.OptionFlags3 = 0xF0, 0x00, 0x18
		f.AppName, f.CtlIntName, f.Language = "Tedious", "Tedious", "us_english"
		f.Features = []Feature{{ID: 0x0A, Data: []byte{1}}}
	}
	return c.login(f)
}

// LoginRaw sends an encoded LOGIN7 payload.
func (c *rawClient) LoginRaw(payload []byte) ([]Token, error) {
	if err := c.send(pktLogin7, 0, payload); err != nil {
		return nil, err
	}
	return c.recvTokens()
}

func EncodeBatch(sql string) []byte              { return encodeBatch(sql, 0) }
func EncodeRPC(calls ...RPCCall) ([]byte, error) { return encodeRPC(0, calls...) }
func EncodeTransMgr(kind TransMgrKind, name string) []byte {
	return encodeTransMgr(0, kind, 0, name)
}
func EncodeLogin7(user, password string) []byte { return encodeLogin7(defaultLogin(user, password)) }
func ParseTokens(b []byte) ([]Token, error)     { return parseTokens(b, verTDS74) }
func (t token) Kind() uint8                     { return t.Type }
func (t token) DoneStatus() uint16              { return t.Done.Status }
func (t token) Message() Message                { return t.Msg }
func (t token) Values() []any                   { return t.Row }
func DecodePrelogin(b []byte) (encryption uint8, err error) {
	p, err := decodePrelogin(b)
	if err != nil {
		return 0, err
	}
	return p.Encryption, nil
}
func PacketHeader(b []byte) (typ, status uint8, length, spid uint16, id uint8, err error) {
	h, err := decodeHeader(b)
	return h.Type, h.Status, h.Length, h.SPID, h.PacketID, err
}

// SetVersion tells the raw client which TDS version it logged in with.
func (c *rawClient) SetVersion(v uint32) { c.ver = v }

// Conn0 is the connection the client currently reads from (TLS or not).
func (c *rawClient) Conn0() io.Reader { return c.rw }

// NTLM test client.
type NTLMClient = ntlmClient

const (
	PktSSPI = pktSSPI
	TokSSPI = tokSSPI
)

// LoginNTLM runs an integrated login; challenge is nil when the server
// answered LOGIN7 without one.
func (c *rawClient) LoginNTLM(n *NTLMClient) (toks []Token, challenge []byte, err error) {
	return c.loginNTLM(n)
}

// LoginNTLMNegotiate sends LOGIN7 with fIntSecurity and the given SSPI
// token and returns the reply tokens.
func (c *rawClient) LoginNTLMNegotiate(sspi []byte) ([]Token, error) {
	f := defaultLogin("", "")
	f.OptionFlags2 |= login7IntSecurity
	f.SSPI = sspi
	return c.login(f)
}

func (n *ntlmClient) NegotiateMessage() []byte { return n.negotiateMessage() }
func (n *ntlmClient) AuthenticateMessage(challenge []byte) ([]byte, error) {
	return n.authenticateMessage(challenge)
}
func (t token) SSPIData() []byte { return t.SSPI }
