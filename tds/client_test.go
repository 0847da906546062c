package tds

import (
	"crypto/tls"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"time"
)

// The client side of the protocol, for tests: encoders for what clients
// send, a token parser for what the server answers, and a raw client that
// drives a server byte by byte.

// login7Fields is what a test client puts in LOGIN7.
type login7Fields struct {
	TDSVersion                      uint32
	PacketSize                      uint32
	OptionFlags1, OptionFlags2      uint8
	TypeFlags, OptionFlags3         uint8
	HostName, UserName, Password    string
	AppName, ServerName, CtlIntName string
	Language, Database              string
	AttachDBFile, ChangePassword    string
	Features                        []Feature
	ClientID                        [6]byte
	SSPI                            []byte
}

func encodeLogin7(f *login7Fields) []byte {
	fixed := make([]byte, login7FixedLen)
	le := binary.LittleEndian
	le.PutUint32(fixed[4:], f.TDSVersion)
	le.PutUint32(fixed[8:], f.PacketSize)
	le.PutUint32(fixed[12:], 0x07000000)
	le.PutUint32(fixed[16:], 1234)
	fixed[24], fixed[25], fixed[26], fixed[27] = f.OptionFlags1, f.OptionFlags2, f.TypeFlags, f.OptionFlags3
	le.PutUint32(fixed[32:], 0x0409)
	copy(fixed[72:], f.ClientID[:])
	var data []byte
	off := login7FixedLen
	put := func(at int, s string, password bool) {
		b := appendUTF16(nil, s)
		if password {
			b = obfuscate(b)
		}
		le.PutUint16(fixed[at:], uint16(off+len(data)))
		le.PutUint16(fixed[at+2:], uint16(len(b)/2))
		data = append(data, b...)
	}
	put(36, f.HostName, false)
	put(40, f.UserName, false)
	put(44, f.Password, true)
	put(48, f.AppName, false)
	put(52, f.ServerName, false)
	extAt := -1
	if f.OptionFlags3&login7Extension != 0 {
		le.PutUint16(fixed[56:], uint16(off+len(data)))
		le.PutUint16(fixed[58:], 4)
		extAt = len(data)
		data = append(data, 0, 0, 0, 0)
	}
	put(60, f.CtlIntName, false)
	put(64, f.Language, false)
	put(68, f.Database, false)
	le.PutUint16(fixed[78:], uint16(off+len(data)))
	le.PutUint16(fixed[80:], uint16(len(f.SSPI)))
	data = append(data, f.SSPI...)
	put(82, f.AttachDBFile, false)
	put(86, f.ChangePassword, true)
	if extAt >= 0 {
		le.PutUint32(data[extAt:], uint32(off+len(data)))
		for _, ft := range f.Features {
			data = append(data, ft.ID)
			data = appendU32(data, uint32(len(ft.Data)))
			data = append(data, ft.Data...)
		}
		data = append(data, featureTerminator)
	}
	out := append(fixed, data...)
	le.PutUint32(out[0:], uint32(len(out)))
	return out
}

func appendAllHeaders(b []byte, descriptor uint64) []byte {
	b = appendU32(b, 22)
	b = appendU32(b, 18)
	b = appendU16(b, hdrTransaction)
	b = appendU64(b, descriptor)
	return appendU32(b, 1)
}

func encodeBatch(sql string, descriptor uint64) []byte {
	return appendUTF16(appendAllHeaders(nil, descriptor), sql)
}

// rpcCall is one RPC for encodeRPC; ProcID != 0 calls by well-known id.
type rpcCall struct {
	Name    string
	ProcID  uint16
	Options uint16
	Params  []Param
}

func encodeRPC(descriptor uint64, calls ...rpcCall) ([]byte, error) {
	b := appendAllHeaders(nil, descriptor)
	for i, c := range calls {
		if i > 0 {
			b = append(b, 0xFF)
		}
		if c.ProcID != 0 {
			b = appendU16(b, 0xFFFF)
			b = appendU16(b, c.ProcID)
		} else {
			b = appendU16(b, uint16(utf16Len(c.Name)))
			b = appendUTF16(b, c.Name)
		}
		b = appendU16(b, c.Options)
		for _, p := range c.Params {
			b = appendBVarchar(b, p.Name)
			var st uint8
			if p.Output {
				st |= 1
			}
			if p.Default {
				st |= 2
			}
			b = append(b, st)
			ti := p.Type
			if ti.ID != TypeNull {
				var err error
				if ti, err = ti.normalize(); err != nil {
					return nil, err
				}
			}
			b = appendTypeInfo(b, &ti, formParam)
			var err error
			if b, err = appendValue(b, &ti, p.Value, charsetFor(ti.Collation), formParam); err != nil {
				return nil, fmt.Errorf("param %s: %w", p.Name, err)
			}
		}
	}
	return b, nil
}

func encodeTransMgr(descriptor uint64, kind TransMgrKind, isolation uint8, name string) []byte {
	b := appendAllHeaders(nil, descriptor)
	b = appendU16(b, uint16(kind))
	switch kind {
	case TMBegin:
		b = append(b, isolation)
		b = appendBVarchar(b, name)
	case TMCommit, TMRollback:
		b = appendBVarchar(b, name)
		b = append(b, 0)
	case TMSave:
		b = appendBVarchar(b, name)
	}
	return b
}

// token is one parsed server token.
type token struct {
	Type     uint8
	Done     Done
	Msg      Message
	Env      EnvChange
	EnvRaw   []byte
	Cols     []Column
	Row      []any
	Status   int32
	RetVal   ReturnValue
	LoginTDS uint32
	ProgName string
	ProgVer  [4]byte
	SSPI     []byte
}

func (t token) String() string {
	switch t.Type {
	case tokDone, tokDoneProc, tokDoneInProc:
		return fmt.Sprintf("DONE%02X(st=%#x cmd=%#x rows=%d)", t.Type, t.Done.Status, t.Done.CurCmd, t.Done.RowCount)
	case tokInfo, tokError:
		return fmt.Sprintf("MSG(%d,%d,%d %q)", t.Msg.Number, t.Msg.Class, t.Msg.State, t.Msg.Text)
	case tokEnvChange:
		return fmt.Sprintf("ENV(%d %q %q %#x)", t.Env.Type, t.Env.New, t.Env.Old, t.Env.Descriptor)
	case tokColMetadata:
		return fmt.Sprintf("COLMETADATA(%d)", len(t.Cols))
	case tokRow, tokNBCRow:
		return fmt.Sprintf("ROW%02X%v", t.Type, t.Row)
	case tokReturnStatus:
		return fmt.Sprintf("RETURNSTATUS(%d)", t.Status)
	case tokReturnValue:
		return fmt.Sprintf("RETURNVALUE(%d %s %v)", t.RetVal.Ordinal, t.RetVal.Name, t.RetVal.Value)
	case tokLoginAck:
		return fmt.Sprintf("LOGINACK(tds=%08X %q %d.%d.%d)", t.LoginTDS, t.ProgName, t.ProgVer[0], t.ProgVer[1], int(t.ProgVer[2])<<8|int(t.ProgVer[3]))
	case tokFeatureExtAck:
		return "FEATUREEXTACK()"
	case tokSSPI:
		return fmt.Sprintf("SSPI(%d bytes)", len(t.SSPI))
	}
	return fmt.Sprintf("TOKEN(%#x)", t.Type)
}

// parseTokens decodes a server response.
func parseTokens(b []byte, ver uint32) ([]token, error) {
	r := &rbuf{b: b}
	var out []token
	var cols []Column
	for r.left() > 0 {
		t := token{Type: r.u8()}
		switch t.Type {
		case tokDone, tokDoneProc, tokDoneInProc:
			t.Done.Kind = DoneKind(t.Type)
			t.Done.Status = r.u16()
			t.Done.CurCmd = r.u16()
			if ver >= verTDS72 {
				t.Done.RowCount = r.u64()
			} else {
				t.Done.RowCount = uint64(r.u32())
			}
		case tokInfo, tokError:
			n := int(r.u16())
			sub := rbuf{b: r.bytes(n)}
			t.Msg.Number = int32(sub.u32())
			t.Msg.State = sub.u8()
			t.Msg.Class = sub.u8()
			t.Msg.Text = sub.usVarchar()
			t.Msg.Server = sub.bVarchar()
			t.Msg.Proc = sub.bVarchar()
			if ver >= verTDS72 {
				t.Msg.Line = int32(sub.u32())
			} else {
				t.Msg.Line = int32(sub.u16())
			}
			if sub.err != nil || sub.left() != 0 {
				return out, fmt.Errorf("bad INFO/ERROR token")
			}
		case tokEnvChange:
			n := int(r.u16())
			raw := r.bytes(n)
			t.EnvRaw = raw
			sub := rbuf{b: raw}
			t.Env.Type = EnvChangeType(sub.u8())
			switch t.Env.Type {
			case EnvDatabase, EnvLanguage, EnvPacketSize:
				t.Env.New = sub.bVarchar()
				t.Env.Old = sub.bVarchar()
			case EnvBeginTran:
				if sub.u8() != 8 {
					return out, fmt.Errorf("begin-tran descriptor is not 8 bytes")
				}
				t.Env.Descriptor = sub.u64()
				sub.u8()
			case EnvCommitTran, EnvRollbackTran:
				sub.u8()
				if sub.u8() != 8 {
					return out, fmt.Errorf("end-tran descriptor is not 8 bytes")
				}
				t.Env.Descriptor = sub.u64()
			case EnvCollation:
				if sub.u8() != 5 {
					return out, fmt.Errorf("collation is not 5 bytes")
				}
				sub.skip(5)
				sub.u8()
			case EnvResetConnAck:
				sub.u8()
				sub.u8()
			}
			if sub.err != nil || sub.left() != 0 {
				return out, fmt.Errorf("bad ENVCHANGE type %d", t.Env.Type)
			}
		case tokLoginAck:
			n := int(r.u16())
			sub := rbuf{b: r.bytes(n)}
			sub.u8()
			v := sub.bytes(4)
			if len(v) == 4 {
				t.LoginTDS = binary.BigEndian.Uint32(v)
			}
			t.ProgName = sub.bVarchar()
			copy(t.ProgVer[:], sub.bytes(4))
			if sub.err != nil || sub.left() != 0 {
				return out, fmt.Errorf("bad LOGINACK")
			}
		case tokFeatureExtAck:
			for {
				id := r.u8()
				if r.err != nil || id == featureTerminator {
					break
				}
				r.skip(int(r.u32()))
			}
		case tokReturnStatus:
			t.Status = int32(r.u32())
		case tokSSPI:
			t.SSPI = append([]byte(nil), r.bytes(int(r.u16()))...)
		case tokColMetadata:
			n := int(r.u16())
			cols = nil
			for i := 0; i < n && r.err == nil; i++ {
				r.u32()
				flags := r.u16()
				ti, err := readTypeInfo(r, formColumn)
				if err != nil {
					return out, err
				}
				cols = append(cols, Column{Name: r.bVarchar(), Type: ti, Nullable: flags&1 != 0, Identity: flags&0x10 != 0})
			}
			t.Cols = cols
		case tokRow, tokNBCRow:
			var mask []byte
			if t.Type == tokNBCRow {
				mask = r.bytes((len(cols) + 7) / 8)
			}
			for i := range cols {
				if mask != nil && mask[i/8]&(1<<(i%8)) != 0 {
					t.Row = append(t.Row, nil)
					continue
				}
				v, err := readValue(r, &cols[i].Type, formColumn)
				if err != nil {
					return out, fmt.Errorf("column %d: %w", i, err)
				}
				t.Row = append(t.Row, v)
			}
		case tokReturnValue:
			t.RetVal.Ordinal = r.u16()
			t.RetVal.Name = r.bVarchar()
			st := r.u8()
			t.RetVal.UDF = st == 2
			r.u32()
			r.u16()
			ti, err := readTypeInfo(r, formParam)
			if err != nil {
				return out, err
			}
			t.RetVal.Type = ti
			if t.RetVal.Value, err = readValue(r, &ti, formColumn); err != nil {
				return out, err
			}
		default:
			return out, fmt.Errorf("unknown token 0x%02X at %d", t.Type, r.off-1)
		}
		if r.err != nil {
			return out, r.err
		}
		out = append(out, t)
	}
	return out, nil
}

// rawClient speaks TDS over a plain socket, one message at a time.
type rawClient struct {
	conn net.Conn
	rw   io.ReadWriter
	pr   packetReader
	pw   packetWriter
	ver  uint32
}

func dialRaw(addr string) (*rawClient, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	rc := &rawClient{conn: c, ver: verTDS74}
	rc.setTransport(c)
	return rc, nil
}

func (c *rawClient) setTransport(rw io.ReadWriter) {
	c.rw = rw
	c.pr = packetReader{r: rw, maxSize: 1 << 26}
	size := c.pw.size
	if size == 0 {
		size = defaultPacketSize
	}
	c.pw = packetWriter{w: rw, size: size}
}

func (c *rawClient) close() error { return c.conn.Close() }

// send writes one message; status adds bits (such as RESETCONNECTION) to
// its first packet.
func (c *rawClient) send(typ uint8, status uint8, payload []byte) error {
	if status == 0 {
		return c.pw.writeMessage(typ, payload)
	}
	b := make([]byte, headerLen, headerLen+len(payload))
	b = append(b, payload...)
	header{Type: typ, Status: status | statusEOM, Length: uint16(len(b)), PacketID: 1}.put(b)
	_, err := c.rw.Write(b)
	return err
}

// recv reads one message.
func (c *rawClient) recv() (uint8, []byte, error) {
	m, err := c.pr.readMessage()
	if err != nil {
		return 0, nil, err
	}
	data := append([]byte(nil), m.data...)
	typ := m.typ
	m.release()
	return typ, data, nil
}

// recvTokens reads one message and parses its tokens.
func (c *rawClient) recvTokens() ([]token, error) {
	_, data, err := c.recv()
	if err != nil {
		return nil, err
	}
	return parseTokens(data, c.ver)
}

// prelogin sends PRELOGIN with the given encryption and returns the reply.
func (c *rawClient) prelogin(enc uint8) (*prelogin, error) {
	p := appendPrelogin(nil, []preloginOption{
		{Token: preVersion, Data: []byte{9, 0, 0, 0, 0, 0}},
		{Token: preEncryption, Data: []byte{enc}},
		{Token: preInstOpt, Data: []byte("MSSQLServer\x00")},
		{Token: preThreadID, Data: []byte{1, 2, 3, 4}},
		{Token: preMARS, Data: []byte{0}},
	})
	if err := c.send(pktPrelogin, 0, p); err != nil {
		return nil, err
	}
	typ, data, err := c.recv()
	if err != nil {
		return nil, err
	}
	if typ != pktReply {
		return nil, fmt.Errorf("PRELOGIN reply has type 0x%02X", typ)
	}
	return decodePrelogin(data)
}

// startTLS runs the in-band TLS handshake (TDS 7.x).
func (c *rawClient) startTLS() (*tls.Conn, error) {
	hs := &handshakeConn{Conn: c.conn}
	tc := tls.Client(hs, &tls.Config{InsecureSkipVerify: true})
	if err := tc.Handshake(); err != nil {
		return nil, err
	}
	hs.passthrough = true
	return tc, nil
}

// login sends LOGIN7 and returns the reply tokens.
func (c *rawClient) login(f *login7Fields) ([]token, error) {
	if err := c.send(pktLogin7, 0, encodeLogin7(f)); err != nil {
		return nil, err
	}
	return c.recvTokens()
}

// defaultLogin is a go-mssqldb-like LOGIN7.
func defaultLogin(user, password string) *login7Fields {
	return &login7Fields{
		TDSVersion: verTDS74, PacketSize: 4096, OptionFlags1: 0xA0, OptionFlags2: 0x02,
		HostName: "testhost", UserName: user, Password: password, AppName: "rawclient",
		ServerName: "127.0.0.1", CtlIntName: "rawclient", Database: "master",
	}
}

// connect runs PRELOGIN (no encryption) and LOGIN7 and checks for LOGINACK.
func (c *rawClient) connect(user, password string) error {
	if _, err := c.prelogin(encryptNotSup); err != nil {
		return err
	}
	toks, err := c.login(defaultLogin(user, password))
	if err != nil {
		return err
	}
	for _, t := range toks {
		if t.Type == tokLoginAck {
			return nil
		}
	}
	return fmt.Errorf("no LOGINACK in %v", toks)
}
