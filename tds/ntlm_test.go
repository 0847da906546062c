package tds

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The worked example of MS-NLMP section 4.2.4 (NTLMv2 authentication):
// user "User", domain "Domain", password "Password", server challenge
// 0123456789abcdef, client challenge aaaaaaaaaaaaaaaa, time 0, target
// information NbDomainName "Domain" and NbComputerName "Server".
var (
	specServerChallenge = [8]byte{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}
	specClientChallenge = [8]byte{0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa}
	specTargetInfo      = "02000c0044006f006d00610069006e00 01000c00530065007200760065007200 00000000"
	// 4.2.4.3: the AUTHENTICATE_MESSAGE of the example (Version, no MIC).
	specAuthenticate = `
		4e544c4d535350000300000018001800 6c00000054005400840000000c000c00
		48000000080008005400000010001000 5c00000010001000d8000000358288e2
		0501280a0000000f44006f006d006100 69006e00550073006500720043004f00
		4d005000550054004500520086c35097 ac9cec102554764a57cccc19aaaaaaaa
		aaaaaaaa68cd0ab851e51c96aabc927b ebef6a1c010100000000000000000000
		00000000aaaaaaaaaaaaaaaa00000000 02000c0044006f006d00610069006e00
		01000c00530065007200760065007200 0000000000000000c5dad2544fc97990
		94ce1ce90bc9d03e`
)

func TestNTLMv2SpecVectors(t *testing.T) {
	hash := ntHash("Password")
	if got := hex.EncodeToString(hash[:]); got != "a4f49c406510bdcab6824ee7c30fd852" {
		t.Errorf("NTOWFv1 = %s", got)
	}
	key := ntowfv2(hash, "User", "Domain")
	if got := hex.EncodeToString(key[:]); got != "0c868a403bfd7a93a3001ef22ef02e3f" {
		t.Errorf("NTOWFv2 = %s", got)
	}
	if other := ntowfv2(hash, "user", "Domain"); other != key {
		t.Error("NTOWFv2 must upper-case the user name")
	}
	if other := ntowfv2(hash, "User", "domain"); other == key {
		t.Error("NTOWFv2 must keep the domain's case")
	}
	lm := hmacMD5(key[:], specServerChallenge[:], specClientChallenge[:])
	if got := hex.EncodeToString(lm); got != "86c35097ac9cec102554764a57cccc19" {
		t.Errorf("LMv2 response = %s", got)
	}
	temp := append([]byte{1, 1, 0, 0, 0, 0, 0, 0}, make([]byte, 8)...)
	temp = append(temp, specClientChallenge[:]...)
	temp = append(temp, 0, 0, 0, 0)
	temp = append(temp, unhex(t, specTargetInfo)...)
	temp = append(temp, 0, 0, 0, 0)
	proof := hmacMD5(key[:], specServerChallenge[:], temp)
	if got := hex.EncodeToString(proof); got != "68cd0ab851e51c96aabc927bebef6a1c" {
		t.Errorf("NTProofStr = %s", got)
	}
	if got := hex.EncodeToString(hmacMD5(key[:], proof)); got != "8de40ccadbc14a82f15cb0ad0de95ca3" {
		t.Errorf("SessionBaseKey = %s", got)
	}
}

// The example's AUTHENTICATE message decodes to its parts and passes the
// server's check with the example's password and challenge only.
func TestNTLMSpecAuthenticate(t *testing.T) {
	raw := unhex(t, specAuthenticate)
	a, err := decodeNTLMAuthenticate(raw)
	if err != nil {
		t.Fatal(err)
	}
	if a.Flags != 0xe2888235 || a.Domain != "Domain" || a.User != "User" || a.Workstation != "COMPUTER" {
		t.Fatalf("decoded %+v", a)
	}
	if hex.EncodeToString(a.LMResponse) != "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa" ||
		len(a.NTResponse) != 84 || hex.EncodeToString(a.SessionKey) != "c5dad2544fc9799094ce1ce90bc9d03e" {
		t.Fatalf("responses %x / %x / %x", a.LMResponse, a.NTResponse, a.SessionKey)
	}
	if a.wantsMIC() {
		t.Error("the example has no MIC")
	}
	x := &ntlmExchange{serverChallenge: specServerChallenge}
	if r := x.verify(ntHash("Password"), a, raw); !r.OK || r.Response != "NTLMv2" {
		t.Errorf("the example was refused: %+v", r)
	}
	if r := x.verify(ntHash("password"), a, raw); r.OK {
		t.Error("a wrong password passed")
	}
	other := &ntlmExchange{serverChallenge: [8]byte{1, 2, 3, 4, 5, 6, 7, 8}}
	if r := other.verify(ntHash("Password"), a, raw); r.OK {
		t.Error("a response to another challenge passed (a replay)")
	}
	// Without the NT response the LMv2 response still proves the password.
	lmOnly := *a
	lmOnly.NTResponse = nil
	if r := x.verify(ntHash("Password"), &lmOnly, raw); !r.OK || r.Response != "LMv2" {
		t.Errorf("LMv2 alone: %+v", r)
	}
	// A tampered blob breaks the proof and the LMv2 response no longer
	// saves it if it is zero.
	bad := *a
	bad.NTResponse = append([]byte(nil), a.NTResponse...)
	bad.NTResponse[40] ^= 1
	bad.LMResponse = make([]byte, 24)
	if r := x.verify(ntHash("Password"), &bad, raw); r.OK {
		t.Error("a tampered blob passed")
	}
}

func TestNTLMVerifyVariants(t *testing.T) {
	const pw = "Alice!Pass2"
	run := func(t *testing.T, cl *ntlmClient, hash [16]byte) ntlmResult {
		t.Helper()
		neg := cl.negotiateMessage()
		n, err := decodeNTLMNegotiate(neg)
		if err != nil {
			t.Fatal(err)
		}
		x, err := newNTLMExchange(neg, n, "EMULATOR", time.Unix(0, 0))
		if err != nil {
			t.Fatal(err)
		}
		raw, err := cl.authenticateMessage(x.challenge)
		if err != nil {
			t.Fatal(err)
		}
		a, err := decodeNTLMAuthenticate(raw)
		if err != nil {
			t.Fatal(err)
		}
		return x.verify(hash, a, raw)
	}
	cc := [8]byte{9, 8, 7, 6, 5, 4, 3, 2}
	cases := []struct {
		name     string
		client   ntlmClient
		password string
		ok       bool
		response string
		failure  string
	}{
		{"NTLMv2", ntlmClient{Domain: "CONTOSO", User: "alice", Password: pw}, pw, true, "NTLMv2", ""},
		{"user in another case", ntlmClient{Domain: "CONTOSO", User: "ALICE", Password: pw}, pw, true, "NTLMv2", ""},
		{"key over the upper-cased domain, sent as typed", ntlmClient{Domain: "contoso", User: "alice", Password: pw, UpperDomain: true, Response: "lmv2"}, pw, true, "LMv2", ""},
		{"NTLMv2 without a domain", ntlmClient{User: "alice", Password: pw}, pw, true, "NTLMv2", ""},
		{"LMv2 only", ntlmClient{Domain: "CONTOSO", User: "alice", Password: pw, Response: "lmv2"}, pw, true, "LMv2", ""},
		{"with a MIC", ntlmClient{Domain: "CONTOSO", User: "alice", Password: pw, MIC: true, Flags: goMSSQLFlags | ntlmKeyExchange | ntlmVersion}, pw, true, "NTLMv2", ""},
		{"tampered MIC", ntlmClient{Domain: "CONTOSO", User: "alice", Password: pw, MIC: true, TamperMIC: true}, pw, false, "", "the message integrity code does not match"},
		{"wrong password", ntlmClient{Domain: "CONTOSO", User: "alice", Password: "nope"}, pw, false, "", "the response does not match the login's password"},
		{"wrong password, LMv2", ntlmClient{Domain: "CONTOSO", User: "alice", Password: "nope", Response: "lmv2"}, pw, false, "", "the response does not match the login's password"},
		{"wrong password with a MIC", ntlmClient{Domain: "CONTOSO", User: "alice", Password: "nope", MIC: true}, pw, false, "", "the response does not match the login's password"},
		{"NTLMv1", ntlmClient{Domain: "CONTOSO", User: "alice", Password: pw, Response: "v1"}, pw, false, "", "an NTLMv1 or NTLM2-session response (only NTLMv2 is accepted)"},
		{"OEM strings", ntlmClient{Domain: "CONTOSO", User: "alice", Password: pw, Flags: ntlmOEM | ntlmNTLM | ntlmExtendedSession}, pw, true, "NTLMv2", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.client.ClientChallenge = cc
			r := run(t, &c.client, ntHash(c.password))
			if r.OK != c.ok || r.Response != c.response || r.Failure != c.failure {
				t.Errorf("got %+v", r)
			}
		})
	}
}

func TestNTLMChallenge(t *testing.T) {
	now := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	cases := []struct {
		name string
		neg  uint32
		want uint32
	}{
		// go-mssqldb 1.11.2 and FreeTDS 1.3.17 (as captured): Unicode,
		// NTLM, OEM domain/workstation supplied, always sign, ESS.
		{"go-mssqldb and FreeTDS", 0x0008B201, 0x008A8205},
		// tedious 19.2.2 adds OEM, request target, version, 128 and 56.
		{"tedious", 0xA2089207, 0xA28A8205},
		{"OEM only", ntlmOEM | ntlmNTLM, 0x00820206},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x, err := newNTLMExchange(nil, &ntlmNegotiate{Flags: c.neg}, "ssisdb-emulator-host", now)
			if err != nil {
				t.Fatal(err)
			}
			ch, err := decodeNTLMChallenge(x.challenge)
			if err != nil {
				t.Fatal(err)
			}
			if ch.Flags != c.want {
				t.Errorf("flags %08X, want %08X", ch.Flags, c.want)
			}
			if ch.ServerChallenge != x.serverChallenge || ch.ServerChallenge == ([8]byte{}) {
				t.Errorf("server challenge %x", ch.ServerChallenge)
			}
			if ch.TargetName != "SSISDB-EMULATOR" {
				t.Errorf("target name %q", ch.TargetName)
			}
			pairs, order, err := avPairs(ch.TargetInfo)
			if err != nil {
				t.Fatal(err)
			}
			want := []uint16{avNbDomainName, avNbComputerName, avDNSDomainName, avDNSComputerName, avTimestamp}
			if len(order) != len(want) {
				t.Fatalf("AV pairs %v", order)
			}
			for i := range want {
				if order[i] != want[i] {
					t.Fatalf("AV pairs %v, want %v", order, want)
				}
			}
			if decodeUTF16(pairs[avNbComputerName]) != "SSISDB-EMULATOR" || decodeUTF16(pairs[avDNSComputerName]) != "ssisdb-emulator-host" {
				t.Errorf("names %q %q", decodeUTF16(pairs[avNbComputerName]), decodeUTF16(pairs[avDNSComputerName]))
			}
			// 2024-05-06T07:08:09Z in 100 ns ticks since 1601.
			if ts := binary.LittleEndian.Uint64(pairs[avTimestamp]); ts != 133594528890000000 {
				t.Errorf("timestamp %d", ts)
			}
		})
	}
	a, _ := newNTLMExchange(nil, &ntlmNegotiate{}, "x", now)
	b, _ := newNTLMExchange(nil, &ntlmNegotiate{}, "x", now)
	if a.serverChallenge == b.serverChallenge {
		t.Error("two exchanges drew the same server challenge")
	}
}

func TestNTLMDecodeErrors(t *testing.T) {
	good := (&ntlmClient{Domain: "CONTOSO", Workstation: "WS"}).negotiateMessage()
	auth := unhex(t, specAuthenticate)
	put16 := func(b []byte, at int, v uint16) []byte {
		b = append([]byte(nil), b...)
		binary.LittleEndian.PutUint16(b[at:], v)
		return b
	}
	cases := []struct {
		name string
		neg  bool
		msg  []byte
	}{
		{"empty", true, nil},
		{"short NEGOTIATE", true, good[:15]},
		{"not NTLMSSP", true, append([]byte("NTLMSSQ\x00"), good[8:]...)},
		{"CHALLENGE for NEGOTIATE", true, append(append([]byte(nil), good[:8]...), append([]byte{2, 0, 0, 0}, good[12:]...)...)},
		{"domain past the end", true, put16(good, 16, 200)},
		{"short AUTHENTICATE", false, auth[:63]},
		{"NEGOTIATE for AUTHENTICATE", false, good},
		{"NT response past the end", false, put16(auth, 20, 0xFFFF)},
		{"user past the end", false, put16(auth, 36, 0x00F0)},
		{"odd Unicode user", false, put16(auth, 36, 7)},
	}
	for _, c := range cases {
		var err error
		if c.neg {
			_, err = decodeNTLMNegotiate(c.msg)
		} else {
			_, err = decodeNTLMAuthenticate(c.msg)
		}
		var pe *protocolError
		if !errors.As(err, &pe) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	n, err := decodeNTLMNegotiate(good)
	if err != nil || n.Flags != goMSSQLFlags || n.Domain != "CONTOSO" || n.Workstation != "WS" {
		t.Errorf("good NEGOTIATE: %+v %v", n, err)
	}
	// A NEGOTIATE that stops after its flags (old clients) is fine.
	if n, err := decodeNTLMNegotiate(good[:16]); err != nil || n.Domain != "" {
		t.Errorf("short NEGOTIATE: %+v %v", n, err)
	}
}

func TestNTLMWantsMIC(t *testing.T) {
	blob := func(pairs ...[]byte) []byte {
		b := make([]byte, 16+ntlmv2BlobFixed)
		for _, p := range pairs {
			b = append(b, p...)
		}
		return b
	}
	flags := func(v uint32) []byte { return appendAVPair(nil, avFlags, binary.LittleEndian.AppendUint32(nil, v)) }
	eol := appendAVPair(nil, avEOL, nil)
	name := appendAVPair(nil, avNbComputerName, appendUTF16(nil, "S"))
	for _, c := range []struct {
		name string
		nt   []byte
		want bool
	}{
		{"none", blob(name, eol), false},
		{"MIC flag", blob(name, flags(avFlagsMIC), eol), true},
		{"other flag", blob(flags(1), eol), false},
		{"after EOL", blob(eol, flags(avFlagsMIC)), false},
		{"overrun", blob(name[:5]), false},
		{"short blob", make([]byte, 30), false},
	} {
		if got := (&ntlmAuthenticate{NTResponse: c.nt}).wantsMIC(); got != c.want {
			t.Errorf("%s: %v", c.name, got)
		}
	}
}

func TestLogin7SSPI(t *testing.T) {
	neg := (&ntlmClient{Domain: "CONTOSO"}).negotiateMessage()
	f := defaultLogin("", "")
	f.OptionFlags2 |= login7IntSecurity
	f.SSPI = neg
	l, err := decodeLogin7(encodeLogin7(f))
	if err != nil || !bytes.Equal(l.sspi, neg) {
		t.Fatalf("SSPI %x, %v", l.sspi, err)
	}
	// cbSSPILong carries the length when the short one is 0xFFFF.
	b := encodeLogin7(f)
	binary.LittleEndian.PutUint16(b[80:], 0xFFFF)
	binary.LittleEndian.PutUint32(b[90:], uint32(len(neg)))
	if l, err = decodeLogin7(b); err != nil || !bytes.Equal(l.sspi, neg) {
		t.Fatalf("cbSSPILong: %x, %v", l.sspi, err)
	}
	binary.LittleEndian.PutUint32(b[90:], 1<<30)
	if _, err = decodeLogin7(b); err == nil {
		t.Fatal("an SSPI length past the message decoded")
	}
}

// BenchmarkNTLMVerify measures the server's check of one AUTHENTICATE: the
// work is the same whether the password is right, wrong or the login
// unknown (a dummy hash), which is what keeps their timing alike.
func BenchmarkNTLMVerify(b *testing.B) {
	cl := ntlmClient{Domain: "CONTOSO", User: "alice", Password: "Alice!Pass2"}
	neg := cl.negotiateMessage()
	n, _ := decodeNTLMNegotiate(neg)
	x, _ := newNTLMExchange(neg, n, "EMULATOR", time.Unix(0, 0))
	raw, _ := cl.authenticateMessage(x.challenge)
	for _, c := range []struct {
		name string
		hash [16]byte
		ok   bool
	}{
		{"right", ntHash(cl.Password), true},
		{"wrong-password", ntHash("Wrong!Pass2"), false},
		{"unknown-login", ntHash("\x00unknown-login\x00"), false},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				a, err := decodeNTLMAuthenticate(raw)
				if err != nil {
					b.Fatal(err)
				}
				if r := x.verify(c.hash, a, raw); r.OK != c.ok {
					b.Fatalf("%+v", r)
				}
			}
		})
	}
}
