package tds

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/rc4"
	"crypto/subtle"
	"encoding/binary"
	"strings"
	"time"
)

// NTLM (MS-NLMP) as the server side of integrated security. LOGIN7 carries
// the client's NEGOTIATE message in its SSPI field; the server answers with
// a CHALLENGE inside an SSPI token (0xED); the client's AUTHENTICATE arrives
// as a message of packet type 0x11. Only the NTLMv2 family is accepted: the
// NTLMv2 response (NTProofStr over the client's blob) or the LMv2 response
// (tedious's only checkable one: it cuts its NTLMv2 field to 16 bytes and
// puts the blob after it). NTLMv1 and NTLM2-session responses are refused,
// as by a server set to "send NTLMv2 response only, refuse LM & NTLM"; no
// client here needs them. Sealing and signing are not used after the login
// (TDS does not), so the session key only serves the MIC. Channel bindings
// (go-mssqldb's "epa enabled") are carried in the blob but not checked.

// NTLM message types.
const (
	ntlmMsgNegotiate    = 1
	ntlmMsgChallenge    = 2
	ntlmMsgAuthenticate = 3
)

// NegotiateFlags bits the server reads or sets (MS-NLMP 2.2.2.5).
const (
	ntlmUnicode          = 0x00000001
	ntlmOEM              = 0x00000002
	ntlmRequestTarget    = 0x00000004
	ntlmSign             = 0x00000010
	ntlmSeal             = 0x00000020
	ntlmNTLM             = 0x00000200
	ntlmAlwaysSign       = 0x00008000
	ntlmTargetTypeServer = 0x00020000
	ntlmExtendedSession  = 0x00080000
	ntlmTargetInfoFlag   = 0x00800000
	ntlmVersion          = 0x02000000
	ntlm128              = 0x20000000
	ntlmKeyExchange      = 0x40000000
	ntlm56               = 0x80000000
)

// ntlmEchoed are the client's requests the server grants as asked.
const ntlmEchoed = ntlmSign | ntlmSeal | ntlmAlwaysSign | ntlmExtendedSession | ntlmVersion | ntlm128 | ntlmKeyExchange | ntlm56

// AV_PAIR ids of target information (MS-NLMP 2.2.2.1).
const (
	avEOL             = 0
	avNbComputerName  = 1
	avNbDomainName    = 2
	avDNSComputerName = 3
	avDNSDomainName   = 4
	avFlags           = 6
	avTimestamp       = 7
)

// avFlagsMIC in MsvAvFlags says the AUTHENTICATE message carries a MIC.
const avFlagsMIC = 0x2

const (
	ntlmChallengeHeader = 56 // fixed part of CHALLENGE, Version included
	ntlmAuthHeader      = 64 // fixed part of AUTHENTICATE without Version and MIC
	ntlmMICOffset       = 72
	ntlmMICEnd          = 88
	// The blob of an NTLMv2 response: RespType, HiRespType, 6 reserved
	// bytes, timestamp, client challenge, 4 reserved bytes, then AV pairs.
	ntlmv2BlobFixed = 28
)

var ntlmSignature = []byte("NTLMSSP\x00")

// isNTLM reports whether an SSPI token is an NTLMSSP message (and not, for
// example, a SPNEGO or Kerberos token).
func isNTLM(b []byte) bool { return len(b) >= 12 && bytes.Equal(b[:8], ntlmSignature) }

// ntlmNegotiate is the client's NEGOTIATE_MESSAGE.
type ntlmNegotiate struct {
	Flags       uint32
	Domain      string // OEM, as supplied; informational
	Workstation string
}

func decodeNTLMNegotiate(b []byte) (*ntlmNegotiate, error) {
	if err := ntlmHeader(b, ntlmMsgNegotiate, 16); err != nil {
		return nil, err
	}
	n := &ntlmNegotiate{Flags: binary.LittleEndian.Uint32(b[12:])}
	// Clients of the last century stop after the flags.
	if len(b) >= 32 {
		d, err := ntlmField(b, 16)
		if err != nil {
			return nil, err
		}
		w, err := ntlmField(b, 24)
		if err != nil {
			return nil, err
		}
		n.Domain, n.Workstation = decodeOEM(d), decodeOEM(w)
	}
	return n, nil
}

// ntlmHeader checks the signature, the message type and a minimum length.
func ntlmHeader(b []byte, typ uint32, min int) error {
	if len(b) < min {
		return malformed("NTLM message of %d bytes is shorter than %d", len(b), min)
	}
	if !bytes.Equal(b[:8], ntlmSignature) {
		return malformed("SSPI data is not an NTLM message")
	}
	if got := binary.LittleEndian.Uint32(b[8:]); got != typ {
		return malformed("NTLM message type %d where %d was expected", got, typ)
	}
	return nil
}

// ntlmField returns the bytes a (length u16, max length u16, offset u32)
// field header at position at points to.
func ntlmField(b []byte, at int) ([]byte, error) {
	if at+8 > len(b) {
		return nil, malformed("NTLM field header at %d is past the message", at)
	}
	n := int(binary.LittleEndian.Uint16(b[at:]))
	if n == 0 {
		return nil, nil
	}
	off := int64(binary.LittleEndian.Uint32(b[at+4:]))
	if off+int64(n) > int64(len(b)) {
		return nil, malformed("NTLM field at %d points past the message", at)
	}
	return b[off : off+int64(n)], nil
}

// decodeOEM reads an OEM string as Latin-1: the names NTLM sends that way
// are ASCII in practice.
func decodeOEM(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// ntlmString decodes a name of an AUTHENTICATE message, UTF-16LE when the
// Unicode flag is set and OEM otherwise.
func ntlmString(b []byte, flags uint32) (string, error) {
	if flags&ntlmUnicode == 0 {
		return decodeOEM(b), nil
	}
	if len(b)%2 != 0 {
		return "", malformed("NTLM Unicode name has an odd length")
	}
	return decodeUTF16(b), nil
}

// ntlmChallenge is the server's CHALLENGE_MESSAGE.
type ntlmChallenge struct {
	Flags           uint32
	TargetName      string
	ServerChallenge [8]byte
	TargetInfo      []byte
}

// ntlmProductVersion is the VERSION structure the server claims: Windows
// Server 2022 (10.0 build 20348), NTLM revision 15.
var ntlmProductVersion = [8]byte{10, 0, 0x7C, 0x4F, 0, 0, 0, 15}

func (c *ntlmChallenge) encode() []byte {
	var name []byte
	if c.Flags&ntlmUnicode != 0 {
		name = appendUTF16(nil, c.TargetName)
	} else {
		name = []byte(c.TargetName)
	}
	b := make([]byte, ntlmChallengeHeader, ntlmChallengeHeader+len(name)+len(c.TargetInfo))
	le := binary.LittleEndian
	copy(b, ntlmSignature)
	le.PutUint32(b[8:], ntlmMsgChallenge)
	le.PutUint16(b[12:], uint16(len(name)))
	le.PutUint16(b[14:], uint16(len(name)))
	le.PutUint32(b[16:], ntlmChallengeHeader)
	le.PutUint32(b[20:], c.Flags)
	copy(b[24:32], c.ServerChallenge[:])
	le.PutUint16(b[40:], uint16(len(c.TargetInfo)))
	le.PutUint16(b[42:], uint16(len(c.TargetInfo)))
	le.PutUint32(b[44:], uint32(ntlmChallengeHeader+len(name)))
	copy(b[48:56], ntlmProductVersion[:])
	b = append(b, name...)
	return append(b, c.TargetInfo...)
}

// challengeFlags answers a NEGOTIATE's flags: NTLM with target
// information (which makes every client answer NTLMv2), Unicode when the
// client can, and the client's other requests granted.
func challengeFlags(neg uint32) uint32 {
	f := uint32(ntlmNTLM | ntlmTargetInfoFlag | ntlmRequestTarget | ntlmTargetTypeServer)
	if neg&ntlmUnicode != 0 {
		f |= ntlmUnicode
	} else {
		f |= ntlmOEM
	}
	return f | neg&ntlmEchoed
}

// appendAVPair appends one AV_PAIR with a UTF-16LE value.
func appendAVPair(b []byte, id uint16, value []byte) []byte {
	b = appendU16(b, id)
	b = appendU16(b, uint16(len(value)))
	return append(b, value...)
}

// ntlmTargetInfo describes the server as a stand-alone machine: its NetBIOS
// domain is its own name, as on a server outside a domain.
func ntlmTargetInfo(serverName string, now time.Time) []byte {
	nb, dns := ntlmTargetName(serverName), strings.ToLower(serverName)
	var b []byte
	b = appendAVPair(b, avNbDomainName, appendUTF16(nil, nb))
	b = appendAVPair(b, avNbComputerName, appendUTF16(nil, nb))
	b = appendAVPair(b, avDNSDomainName, appendUTF16(nil, dns))
	b = appendAVPair(b, avDNSComputerName, appendUTF16(nil, dns))
	b = appendAVPair(b, avTimestamp, binary.LittleEndian.AppendUint64(nil, fileTime(now)))
	return appendAVPair(b, avEOL, nil)
}

// fileTime is a Windows FILETIME: 100 ns ticks since 1601-01-01 UTC.
func fileTime(t time.Time) uint64 {
	const epochDelta = 116444736000000000 // 1601 to 1970 in ticks
	return uint64(t.UnixNano()/100) + epochDelta
}

// ntlmAuthenticate is the client's AUTHENTICATE_MESSAGE.
type ntlmAuthenticate struct {
	Flags       uint32
	LMResponse  []byte
	NTResponse  []byte
	Domain      string
	User        string
	Workstation string
	// SessionKey is EncryptedRandomSessionKey (key exchange only).
	SessionKey []byte
}

func decodeNTLMAuthenticate(b []byte) (*ntlmAuthenticate, error) {
	if err := ntlmHeader(b, ntlmMsgAuthenticate, ntlmAuthHeader); err != nil {
		return nil, err
	}
	a := &ntlmAuthenticate{Flags: binary.LittleEndian.Uint32(b[60:])}
	var fields [6][]byte
	for i := range fields {
		f, err := ntlmField(b, 12+8*i)
		if err != nil {
			return nil, err
		}
		fields[i] = f
	}
	a.LMResponse, a.NTResponse, a.SessionKey = fields[0], fields[1], fields[5]
	var err error
	if a.Domain, err = ntlmString(fields[2], a.Flags); err != nil {
		return nil, err
	}
	if a.User, err = ntlmString(fields[3], a.Flags); err != nil {
		return nil, err
	}
	if a.Workstation, err = ntlmString(fields[4], a.Flags); err != nil {
		return nil, err
	}
	return a, nil
}

// wantsMIC reports whether the client's NTLMv2 blob says the message
// carries a MIC (MsvAvFlags bit 0x2). A malformed AV list counts as none.
func (a *ntlmAuthenticate) wantsMIC() bool {
	if len(a.NTResponse) <= 16+ntlmv2BlobFixed {
		return false
	}
	av := a.NTResponse[16+ntlmv2BlobFixed:]
	for len(av) >= 4 {
		id, n := binary.LittleEndian.Uint16(av), int(binary.LittleEndian.Uint16(av[2:]))
		if id == avEOL || 4+n > len(av) {
			return false
		}
		if id == avFlags && n == 4 {
			return binary.LittleEndian.Uint32(av[4:])&avFlagsMIC != 0
		}
		av = av[4+n:]
	}
	return false
}

// ntlmExchange is the server's side of one NTLM login.
type ntlmExchange struct {
	negotiate       []byte // the client's NEGOTIATE as sent (for the MIC)
	challenge       []byte // the CHALLENGE as sent
	serverChallenge [8]byte
}

// newNTLMExchange answers a NEGOTIATE with a fresh random challenge.
func newNTLMExchange(negotiate []byte, neg *ntlmNegotiate, serverName string, now time.Time) (*ntlmExchange, error) {
	x := &ntlmExchange{negotiate: negotiate}
	if _, err := rand.Read(x.serverChallenge[:]); err != nil {
		return nil, err
	}
	ch := ntlmChallenge{Flags: challengeFlags(neg.Flags), TargetName: ntlmTargetName(serverName),
		ServerChallenge: x.serverChallenge, TargetInfo: ntlmTargetInfo(serverName, now)}
	x.challenge = ch.encode()
	return x, nil
}

// ntlmTargetName is the server's NetBIOS name: upper case, at most 15
// characters.
func ntlmTargetName(serverName string) string {
	return truncUTF16(strings.ToUpper(serverName), 15)
}

// ntlmResult is the outcome of checking an AUTHENTICATE, for the log: the
// client only ever hears 18456.
type ntlmResult struct {
	OK       bool
	Response string // what matched: "NTLMv2" or "LMv2"
	MIC      bool   // the client sent a MIC (and, if OK, it matched)
	Failure  string // why not, when !OK
}

// verify checks an AUTHENTICATE (raw is the message as received) against
// the NT hash of the login. The user name is upper-cased as NTOWFv2 wants;
// the domain is tried as sent, upper-cased (for clients that key over
// UPPER(domain) but send it as typed) and empty, as Windows and Samba do.
// Every variant is always computed, so the time taken does not say which
// one, if any, matched.
func (x *ntlmExchange) verify(hash [16]byte, a *ntlmAuthenticate, raw []byte) ntlmResult {
	wantMIC := a.wantsMIC()
	var ntOK, lmOK, micOK int
	for _, dom := range [3]string{a.Domain, strings.ToUpper(a.Domain), ""} {
		key := ntowfv2(hash, a.User, dom)
		nt, mic := x.checkNTv2(key, a, raw, wantMIC)
		ntOK |= nt
		micOK |= nt & mic
		lmOK |= x.checkLMv2(key, a)
	}
	r := ntlmResult{MIC: wantMIC}
	switch {
	case wantMIC && micOK == 1, !wantMIC && ntOK == 1:
		r.OK, r.Response = true, "NTLMv2"
	case wantMIC && ntOK == 1:
		r.Failure = "the message integrity code does not match"
	case !wantMIC && lmOK == 1:
		r.OK, r.Response = true, "LMv2"
	case len(a.NTResponse) == 24:
		r.Failure = "an NTLMv1 or NTLM2-session response (only NTLMv2 is accepted)"
	default:
		r.Failure = "the response does not match the login's password"
	}
	return r
}

// checkNTv2 compares the NTProofStr of an NTLMv2 response with the one key
// gives, and when asked, the MIC under the session key that follows.
func (x *ntlmExchange) checkNTv2(key [16]byte, a *ntlmAuthenticate, raw []byte, wantMIC bool) (ok, micOK int) {
	nt := a.NTResponse
	if len(nt) <= 24 { // 24 bytes is NTLMv1; a v2 blob is longer
		return 0, 0
	}
	proof := hmacMD5(key[:], x.serverChallenge[:], nt[16:])
	ok = subtle.ConstantTimeCompare(proof, nt[:16])
	if !wantMIC {
		return ok, 0
	}
	return ok, x.checkMIC(key, proof, a, raw)
}

// checkMIC recomputes the MIC over the three messages (the MIC field of
// AUTHENTICATE zeroed) under the exported session key.
func (x *ntlmExchange) checkMIC(key [16]byte, proof []byte, a *ntlmAuthenticate, raw []byte) int {
	if len(raw) < ntlmMICEnd {
		return 0
	}
	sessionKey := hmacMD5(key[:], proof) // SessionBaseKey = KeyExchangeKey for NTLMv2
	if a.Flags&ntlmKeyExchange != 0 && len(a.SessionKey) == 16 {
		c, err := rc4.NewCipher(sessionKey)
		if err != nil {
			return 0
		}
		exported := make([]byte, 16)
		c.XORKeyStream(exported, a.SessionKey)
		sessionKey = exported
	}
	zeroed := append([]byte(nil), raw...)
	clear(zeroed[ntlmMICOffset:ntlmMICEnd])
	mic := hmacMD5(sessionKey, x.negotiate, x.challenge, zeroed)
	return subtle.ConstantTimeCompare(mic, raw[ntlmMICOffset:ntlmMICEnd])
}

// checkLMv2 compares an LMv2 response: HMAC_MD5(key, server challenge ||
// client challenge) followed by the 8-byte client challenge.
func (x *ntlmExchange) checkLMv2(key [16]byte, a *ntlmAuthenticate) int {
	lm := a.LMResponse
	if len(lm) != 24 {
		return 0
	}
	proof := hmacMD5(key[:], x.serverChallenge[:], lm[16:])
	return subtle.ConstantTimeCompare(proof, lm[:16])
}

// ntowfv2 is NTOWFv2: HMAC_MD5(NT hash, UTF-16LE(UPPER(user) + domain)).
func ntowfv2(hash [16]byte, user, domain string) [16]byte {
	var out [16]byte
	copy(out[:], hmacMD5(hash[:], appendUTF16(nil, strings.ToUpper(user)+domain)))
	return out
}

func hmacMD5(key []byte, parts ...[]byte) []byte {
	h := hmac.New(md5.New, key)
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// appendSSPIToken appends an SSPI token (0xED, US_VARBYTE).
func appendSSPIToken(b, data []byte) []byte {
	b = append(b, tokSSPI)
	b = appendU16(b, uint16(len(data)))
	return append(b, data...)
}
