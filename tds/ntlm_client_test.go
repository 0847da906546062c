package tds

import (
	"crypto/rc4"
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf16"

	"golang.org/x/crypto/md4"
)

// The client side of NTLM, for tests: what go-mssqldb, FreeTDS and tedious
// send, plus a MIC with key exchange as Windows clients send it, so that
// every path of the server's check can be driven byte by byte.

// ntHash is MD4 of the UTF-16LE password.
func ntHash(password string) [16]byte {
	h := md4.New()
	for _, u := range utf16.Encode([]rune(password)) {
		h.Write([]byte{byte(u), byte(u >> 8)})
	}
	var out [16]byte
	h.Sum(out[:0])
	return out
}

// ntlmClient is one client's NTLM conversation.
type ntlmClient struct {
	Domain, User, Password, Workstation string
	// Flags of NEGOTIATE; 0 means go-mssqldb's.
	Flags uint32
	// Response is "v2" (NTLMv2 and LMv2, the default), "lmv2" (LMv2 only,
	// as tedious in effect sends), "v1" (a 24-byte NT response).
	Response string
	// MIC announces a MIC in the blob (MsvAvFlags) and sends one, with key
	// exchange. TamperMIC flips one of its bits.
	MIC, TamperMIC  bool
	ClientChallenge [8]byte
	Timestamp       uint64
	// UpperDomain keys over the upper-cased domain but sends it as given.
	UpperDomain bool

	negotiate []byte
}

// goMSSQLFlags is go-mssqldb's NEGOTIATE: Unicode, NTLM, OEM domain and
// workstation supplied, always sign, extended session security.
const goMSSQLFlags = 0x0008B201

func (n *ntlmClient) negotiateMessage() []byte {
	flags := n.Flags
	if flags == 0 {
		flags = goMSSQLFlags
	}
	b := make([]byte, 40, 40+len(n.Domain)+len(n.Workstation))
	copy(b, ntlmSignature)
	le := binary.LittleEndian
	le.PutUint32(b[8:], ntlmMsgNegotiate)
	le.PutUint32(b[12:], flags)
	le.PutUint16(b[16:], uint16(len(n.Domain)))
	le.PutUint16(b[18:], uint16(len(n.Domain)))
	le.PutUint32(b[20:], 40)
	le.PutUint16(b[24:], uint16(len(n.Workstation)))
	le.PutUint16(b[26:], uint16(len(n.Workstation)))
	le.PutUint32(b[28:], uint32(40+len(n.Domain)))
	b = append(b, n.Domain...)
	b = append(b, n.Workstation...)
	n.negotiate = b
	return b
}

// decodeNTLMChallenge is the client's reading of CHALLENGE.
func decodeNTLMChallenge(b []byte) (*ntlmChallenge, error) {
	if err := ntlmHeader(b, ntlmMsgChallenge, 48); err != nil {
		return nil, err
	}
	c := &ntlmChallenge{Flags: binary.LittleEndian.Uint32(b[20:])}
	copy(c.ServerChallenge[:], b[24:32])
	name, err := ntlmField(b, 12)
	if err != nil {
		return nil, err
	}
	if c.TargetName, err = ntlmString(name, c.Flags); err != nil {
		return nil, err
	}
	if c.TargetInfo, err = ntlmField(b, 40); err != nil {
		return nil, err
	}
	return c, nil
}

// avPairs splits target information into its pairs (EOL excluded).
func avPairs(b []byte) (map[uint16][]byte, []uint16, error) {
	m := map[uint16][]byte{}
	var order []uint16
	for {
		if len(b) < 4 {
			return nil, nil, fmt.Errorf("AV list without EOL")
		}
		id, n := binary.LittleEndian.Uint16(b), int(binary.LittleEndian.Uint16(b[2:]))
		if id == avEOL {
			return m, order, nil
		}
		if 4+n > len(b) {
			return nil, nil, fmt.Errorf("AV pair %d overruns the list", id)
		}
		m[id] = b[4 : 4+n]
		order = append(order, id)
		b = b[4+n:]
	}
}

// authenticateMessage answers a CHALLENGE.
func (n *ntlmClient) authenticateMessage(challenge []byte) ([]byte, error) {
	ch, err := decodeNTLMChallenge(challenge)
	if err != nil {
		return nil, err
	}
	keyDomain := n.Domain
	if n.UpperDomain {
		keyDomain = strings.ToUpper(keyDomain)
	}
	key := ntowfv2(ntHash(n.Password), n.User, keyDomain)
	a := &ntlmAuthenticate{Flags: ch.Flags, Domain: n.Domain, User: n.User, Workstation: n.Workstation}
	lmv2 := append(hmacMD5(key[:], ch.ServerChallenge[:], n.ClientChallenge[:]), n.ClientChallenge[:]...)
	var proof []byte
	switch n.Response {
	case "", "v2":
		info := ch.TargetInfo
		if len(info) < 4 {
			return nil, fmt.Errorf("challenge without target information")
		}
		info = info[:len(info)-4] // drop EOL to add pairs
		if n.MIC {
			info = appendAVPair(append([]byte(nil), info...), avFlags, binary.LittleEndian.AppendUint32(nil, avFlagsMIC))
		}
		info = appendAVPair(info, avEOL, nil)
		blob := []byte{1, 1, 0, 0, 0, 0, 0, 0}
		blob = binary.LittleEndian.AppendUint64(blob, n.Timestamp)
		blob = append(blob, n.ClientChallenge[:]...)
		blob = append(blob, 0, 0, 0, 0)
		blob = append(blob, info...)
		blob = append(blob, 0, 0, 0, 0)
		proof = hmacMD5(key[:], ch.ServerChallenge[:], blob)
		a.NTResponse = append(append([]byte(nil), proof...), blob...)
		a.LMResponse = lmv2
		if n.MIC {
			a.LMResponse = make([]byte, 24) // MS-NLMP: Z(24) when a MIC is sent
		}
	case "lmv2":
		a.LMResponse = lmv2
	case "v1":
		a.LMResponse = make([]byte, 24)
		a.NTResponse = hmacMD5(key[:], ch.ServerChallenge[:])[:16]
		a.NTResponse = append(a.NTResponse, n.ClientChallenge[:]...)
	default:
		return nil, fmt.Errorf("unknown response kind %q", n.Response)
	}
	var exported []byte
	if n.MIC {
		a.Flags |= ntlmKeyExchange
		baseKey := hmacMD5(key[:], proof)
		exported = []byte("exported-key-16b")
		c, _ := rc4.NewCipher(baseKey)
		a.SessionKey = make([]byte, 16)
		c.XORKeyStream(a.SessionKey, exported)
	}
	msg := encodeNTLMAuthenticate(a)
	if n.MIC {
		mic := hmacMD5(exported, n.negotiate, challenge, msg)
		if n.TamperMIC {
			mic[3] ^= 0x10
		}
		copy(msg[ntlmMICOffset:ntlmMICEnd], mic)
	}
	return msg, nil
}

// encodeNTLMAuthenticate lays out an AUTHENTICATE with Version and a
// zero MIC (88-byte header), strings in Unicode when the flags say so.
func encodeNTLMAuthenticate(a *ntlmAuthenticate) []byte {
	str := func(s string) []byte {
		if a.Flags&ntlmUnicode != 0 {
			return appendUTF16(nil, s)
		}
		out := make([]byte, 0, len(s))
		for _, r := range s {
			out = append(out, byte(r))
		}
		return out
	}
	fields := [6][]byte{a.LMResponse, a.NTResponse, str(a.Domain), str(a.User), str(a.Workstation), a.SessionKey}
	b := make([]byte, ntlmMICEnd)
	le := binary.LittleEndian
	copy(b, ntlmSignature)
	le.PutUint32(b[8:], ntlmMsgAuthenticate)
	for i, f := range fields {
		at := 12 + 8*i
		le.PutUint16(b[at:], uint16(len(f)))
		le.PutUint16(b[at+2:], uint16(len(f)))
		le.PutUint32(b[at+4:], uint32(len(b)))
		b = append(b, f...)
	}
	le.PutUint32(b[60:], a.Flags)
	copy(b[64:72], ntlmProductVersion[:])
	return b
}

// loginNTLM runs an integrated login: LOGIN7 with fIntSecurity and the
// NEGOTIATE, then the AUTHENTICATE as packet type 0x11. It returns the
// tokens of the final reply; challenge is the server's CHALLENGE, nil when
// the server answered LOGIN7 without one.
func (c *rawClient) loginNTLM(n *ntlmClient) (toks []token, challenge []byte, err error) {
	f := defaultLogin("", "")
	f.OptionFlags2 |= login7IntSecurity
	f.SSPI = n.negotiateMessage()
	if err := c.send(pktLogin7, 0, encodeLogin7(f)); err != nil {
		return nil, nil, err
	}
	toks, err = c.recvTokens()
	if err != nil {
		return nil, nil, err
	}
	if len(toks) != 1 || toks[0].Type != tokSSPI {
		return toks, nil, nil
	}
	challenge = toks[0].SSPI
	auth, err := n.authenticateMessage(challenge)
	if err != nil {
		return nil, challenge, err
	}
	if err := c.send(pktSSPI, 0, auth); err != nil {
		return nil, challenge, err
	}
	toks, err = c.recvTokens()
	return toks, challenge, err
}
