package tds

import (
	"bytes"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Fuzz targets for everything that reads client bytes. Their seed corpora
// live in testdata/fuzz/<target>; `go test -run TestWriteFuzzCorpus
// -gencorpus` rewrites the generated seeds from the encoders below.

var genCorpus = flag.Bool("gencorpus", false, "rewrite the generated fuzz seed corpora in testdata/fuzz")

func seedPackets() [][]byte {
	var out [][]byte
	for _, size := range []int{512, 4096} {
		var w bytes.Buffer
		pw := packetWriter{w: &w, size: size}
		pw.writeMessage(pktBatch, encodeBatch("select 1", 0))
		pw.writeMessage(pktRPC, bytes.Repeat([]byte{0xAB}, 1500))
		out = append(out, w.Bytes())
	}
	out = append(out, []byte{pktAttention, statusEOM, 0, 8, 0, 0, 1, 0})
	out = append(out, []byte{pktBatch, 0, 0, 9, 0, 0, 1, 0, 'x', pktBatch, statusEOM | statusIgnore, 0, 8, 0, 0, 2, 0})
	return out
}

func seedPrelogins() [][]byte {
	return [][]byte{
		appendPrelogin(nil, []preloginOption{{preVersion, []byte{1, 11, 2, 0, 0, 0}}, {preEncryption, []byte{0}},
			{preInstOpt, []byte{0}}, {preThreadID, []byte{0, 0, 0, 0}}, {preMARS, []byte{0}}, {preTraceID, make([]byte, 36)}}),
		appendPrelogin(nil, []preloginOption{{preVersion, []byte{9, 0, 0, 0, 0, 0}}, {preEncryption, []byte{0}},
			{preInstOpt, []byte("MSSQLServer\x00")}, {preThreadID, []byte{1, 2, 3, 4}}, {preMARS, []byte{0}}}),
		appendPrelogin(nil, []preloginOption{{preVersion, []byte{0, 0, 0, 0, 0, 0}}, {preEncryption, []byte{1}},
			{preThreadID, nil}, {preMARS, []byte{0}}, {preTraceID, make([]byte, 36)}, {preFedAuth, []byte{1}}}),
		preloginReply(encryptNotSup),
	}
}

func seedLogins() [][]byte {
	tedious := defaultLogin("sa", "Secret!Pass1")
	tedious.OptionFlags1, tedious.OptionFlags2, tedious.OptionFlags3 = 0xF0, 0, 0x18
	tedious.Language = "us_english"
	tedious.Features = []Feature{{ID: 0x0A, Data: []byte{1}}}
	odbc := defaultLogin("user", "pässwörd")
	odbc.OptionFlags1, odbc.OptionFlags2 = 0xE0, 0x03
	odbc.SSPI = []byte{1, 2, 3}
	odbc.ChangePassword = "new"
	ntlm := defaultLogin("", "")
	ntlm.OptionFlags2 |= login7IntSecurity
	ntlm.SSPI = (&ntlmClient{Domain: "CONTOSO", Workstation: "WS"}).negotiateMessage()
	return [][]byte{encodeLogin7(defaultLogin("sa", "Secret!Pass1")), encodeLogin7(tedious), encodeLogin7(odbc), encodeLogin7(ntlm)}
}

// seedNTLMNegotiates are the NEGOTIATE messages of go-mssqldb and FreeTDS
// (flags 0008B201), tedious (A2089207) and an old client that stops after
// its flags.
func seedNTLMNegotiates() [][]byte {
	full := (&ntlmClient{Domain: "CONTOSO", Workstation: "BUILD01"}).negotiateMessage()
	return [][]byte{
		full,
		(&ntlmClient{Flags: 0xA2089207, Domain: "CONTOSO"}).negotiateMessage(),
		full[:16],
	}
}

// fuzzNTLMExchange is the server side that the AUTHENTICATE seeds answer:
// a fixed server challenge and timestamp, so the seeds are reproducible.
func fuzzNTLMExchange(negotiate []byte) *ntlmExchange {
	n, err := decodeNTLMNegotiate(negotiate)
	if err != nil {
		panic(err)
	}
	ch := ntlmChallenge{Flags: challengeFlags(n.Flags), TargetName: "EMULATOR", ServerChallenge: specServerChallenge,
		TargetInfo: ntlmTargetInfo("EMULATOR", time.Unix(1700000000, 0))}
	return &ntlmExchange{negotiate: negotiate, challenge: ch.encode(), serverChallenge: specServerChallenge}
}

// fuzzNTLMClient's NEGOTIATE is the one FuzzNTLMAuthenticate's exchange
// answered, so its MIC seed verifies.
var fuzzNTLMClient = ntlmClient{Domain: "CONTOSO", User: "User", Password: "Password"}

// seedNTLMAuthenticates are AUTHENTICATE messages: MS-NLMP's example and
// the shapes the test client sends (NTLMv2, LMv2 only, with a MIC, OEM
// strings, NTLMv1, a wrong password).
func seedNTLMAuthenticates() [][]byte {
	spec, _ := hex.DecodeString(strings.Join(strings.Fields(specAuthenticate), ""))
	out := [][]byte{spec}
	variants := []func(*ntlmClient){
		func(c *ntlmClient) {},
		func(c *ntlmClient) { c.Response = "lmv2" },
		func(c *ntlmClient) { c.MIC = true },
		func(c *ntlmClient) { c.Flags = ntlmOEM | ntlmNTLM | ntlmExtendedSession },
		func(c *ntlmClient) { c.Response = "v1" },
		func(c *ntlmClient) { c.Password, c.Workstation = "wrong", "WS" },
	}
	for _, v := range variants {
		cl := fuzzNTLMClient
		v(&cl)
		x := fuzzNTLMExchange(cl.negotiateMessage())
		msg, err := cl.authenticateMessage(x.challenge)
		if err != nil {
			panic(err)
		}
		out = append(out, msg)
	}
	return out
}

func seedRPCs() [][]byte {
	var out [][]byte
	coll := DefaultCollation
	// One small RPC per type keeps the inputs short enough to mutate fast.
	for i, s := range typeSamples() {
		if b, ok := s.v.([]byte); ok && len(b) > 64 {
			continue
		}
		if str, ok := s.v.(string); ok && len(str) > 64 {
			continue
		}
		out1, err := encodeRPC(0, rpcCall{Name: "p", Params: []Param{{Name: fmt.Sprintf("@p%d", i), Type: s.ti, Value: s.v},
			{Name: "@n", Type: s.ti, Value: nil}}})
		if err != nil {
			out1, _ = encodeRPC(0, rpcCall{Name: "p", Params: []Param{{Name: "@p", Type: s.ti, Value: s.v}}})
		}
		out = append(out, out1)
	}
	prepexec, _ := encodeRPC(5, rpcCall{ProcID: ProcPrepExec, Params: []Param{
		{Name: "@handle", Output: true, Type: TypeInfo{ID: TypeIntN, Size: 4}},
		{Type: TypeInfo{ID: TypeNText, Collation: coll}, Value: "@P1 INT,@P2 NVARCHAR(4)"},
		{Type: TypeInfo{ID: TypeNText, Collation: coll}, Value: "select @P1, @P2"},
		{Type: TypeInfo{ID: TypeIntN, Size: 4}, Value: int64(5)},
		{Type: TypeInfo{ID: TypeNVarChar, Size: 8, Collation: coll}, Value: "abcd"},
	}}, rpcCall{Name: "dbo.p", Params: []Param{{Name: "@x", Type: TypeInfo{ID: TypeNull}}}})
	out = append(out, prepexec)
	return out
}

func seedTransMgr() [][]byte {
	return [][]byte{
		encodeTransMgr(0, TMBegin, 2, ""),
		encodeTransMgr(0x100000001, TMCommit, 0, "t"),
		encodeTransMgr(0x100000001, TMRollback, 0, "savepoint"),
		encodeTransMgr(0, TMSave, 0, "s"),
	}
}

// seedConn is what FuzzConn (package tds_test) writes after a login.
func seedConn() [][]byte {
	pkt := func(typ, status uint8, payload []byte) []byte {
		var w bytes.Buffer
		pw := packetWriter{w: &w, size: defaultPacketSize}
		pw.writeMessage(typ, payload)
		b := w.Bytes()
		b[1] |= status
		return b
	}
	rpc := seedRPCs()
	return [][]byte{
		pkt(pktBatch, 0, encodeBatch("select 1", 0)),
		pkt(pktBatch, statusResetConn, encodeBatch("types", 0)),
		pkt(pktRPC, 0, rpc[len(rpc)-1]),
		pkt(pktRPC, 0, rpc[0]),
		pkt(pktTransMgr, 0, encodeTransMgr(0, TMBegin, 0, "")),
		append(pkt(pktBatch, 0, encodeBatch("wait", 0)), pkt(pktAttention, 0, nil)...),
		append(pkt(pktBatch, 0, encodeBatch("rows 100", 0)), pkt(pktBatch, 0, encodeBatch("error", 0))...),
	}
}

// TestWriteFuzzCorpus writes the generated seeds as corpus files.
func TestWriteFuzzCorpus(t *testing.T) {
	if !*genCorpus {
		t.Skip("run with -gencorpus to rewrite the generated seed corpora")
	}
	for name, seeds := range map[string][][]byte{
		"FuzzPacketReader": seedPackets(), "FuzzPrelogin": seedPrelogins(), "FuzzLogin7": seedLogins(),
		"FuzzRPC": seedRPCs(), "FuzzTransMgr": seedTransMgr(), "FuzzConn": seedConn(),
		"FuzzNTLMNegotiate": seedNTLMNegotiates(), "FuzzNTLMAuthenticate": seedNTLMAuthenticates(),
	} {
		dir := filepath.Join("testdata", "fuzz", name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i, s := range seeds {
			body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func FuzzPacketReader(f *testing.F) {
	for _, s := range seedPackets() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const max = 8192
		pr := packetReader{r: bytes.NewReader(data), maxSize: max}
		for {
			m, err := pr.readMessage()
			if err != nil {
				var pe *protocolError
				if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, errMessageTooLarge) && !errors.As(err, &pe) {
					t.Fatalf("unexpected error type: %v", err)
				}
				return
			}
			if len(m.data) > max {
				t.Fatalf("message of %d bytes passed a limit of %d", len(m.data), max)
			}
			m.release()
		}
	})
}

func FuzzPrelogin(f *testing.F) {
	for _, s := range seedPrelogins() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := decodePrelogin(data)
		if err != nil {
			return
		}
		again, err := decodePrelogin(appendPrelogin(nil, p.Options))
		if err != nil {
			t.Fatalf("re-encoded PRELOGIN does not decode: %v", err)
		}
		if again.Encryption != p.Encryption || again.HasEncrypt != p.HasEncrypt || again.Instance != p.Instance || again.FedAuth != p.FedAuth {
			t.Fatalf("round trip changed %+v into %+v", p, again)
		}
		for _, mode := range []TLSMode{TLSOff, TLSOn, TLSRequired} {
			negotiateEncryption(mode, p.Encryption, p.HasEncrypt)
		}
	})
}

func FuzzLogin7(f *testing.F) {
	for _, s := range seedLogins() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := decodeLogin7(data)
		if err != nil {
			return
		}
		ackVersion(l.TDSVersion)
		// What decoded encodes and decodes to the same login.
		f := &login7Fields{TDSVersion: l.TDSVersion, PacketSize: l.PacketSize, OptionFlags1: l.OptionFlags1,
			OptionFlags2: l.OptionFlags2, TypeFlags: l.TypeFlags, OptionFlags3: l.OptionFlags3, HostName: l.HostName,
			UserName: l.UserName, Password: l.Password, AppName: l.AppName, ServerName: l.ServerName, CtlIntName: l.CtlIntName,
			Language: l.Language, Database: l.Database, AttachDBFile: l.AttachDBFile, ChangePassword: l.ChangePassword,
			Features: l.Features, ClientID: l.ClientID, SSPI: l.sspi}
		enc := encodeLogin7(f)
		if len(enc) > 0xFFFF {
			return
		}
		l2, err := decodeLogin7(enc)
		if err != nil {
			t.Fatalf("re-encoded LOGIN7 does not decode: %v", err)
		}
		if l2.UserName != l.UserName || l2.Password != l.Password || l2.Database != l.Database || !bytes.Equal(l2.sspi, l.sspi) ||
			!reflect.DeepEqual(l2.Features, l.Features) && !(len(l2.Features) == 0 && len(l.Features) == 0) {
			t.Fatalf("round trip changed %+v into %+v", l, l2)
		}
	})
}

// decodeAllRPCs returns the RPCs of a message, or the error that stopped it.
func decodeAllRPCs(data []byte) ([]*RPCRequest, error) {
	d, err := newRPCDecoder(data, verTDS74)
	if err != nil {
		return nil, err
	}
	var out []*RPCRequest
	for {
		rpc, err := d.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, rpc)
	}
}

func reencodeRPCs(rpcs []*RPCRequest) ([]byte, error) {
	calls := make([]rpcCall, len(rpcs))
	for i, r := range rpcs {
		calls[i] = rpcCall{Name: r.Name, ProcID: r.ProcID, Options: r.Options, Params: r.Params}
	}
	return encodeRPC(0, calls...)
}

func FuzzRPC(f *testing.F) {
	for _, s := range seedRPCs() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rpcs, err := decodeAllRPCs(data)
		var m *Message
		if err != nil && errors.As(err, &m) && (m.Number < 8000 || m.Number > 8100 || m.Class != 16) {
			t.Fatalf("RPC error outside the 80xx family: %+v", m)
		}
		if err != nil || len(rpcs) == 0 {
			return
		}
		// Decoding is stable after one round: decode, encode, decode and
		// encode again give the same parameters.
		b1, err := reencodeRPCs(rpcs)
		if err != nil {
			return // a value the decoder accepted but a client could not send (a NULL in a fixed type)
		}
		r2, err := decodeAllRPCs(b1)
		if err != nil {
			t.Fatalf("re-encoded RPC does not decode: %v", err)
		}
		b2, err := reencodeRPCs(r2)
		if err != nil {
			t.Fatalf("second encode failed: %v", err)
		}
		r3, err := decodeAllRPCs(b2)
		if err != nil || len(r3) != len(r2) {
			t.Fatalf("third decode: %v", err)
		}
		for i := range r2 {
			for j := range r2[i].Params {
				if !sameValue(r2[i].Params[j].Value, r3[i].Params[j].Value) {
					t.Fatalf("rpc %d param %d: %#v became %#v", i, j, r2[i].Params[j].Value, r3[i].Params[j].Value)
				}
			}
		}
	})
}

func FuzzTransMgr(f *testing.F) {
	for _, s := range seedTransMgr() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := decodeTransMgr(data, verTDS74)
		if err != nil {
			return
		}
		if req.Kind == TMBegin || req.Kind == TMSave {
			again, err := decodeTransMgr(encodeTransMgr(req.Descriptor, req.Kind, req.Isolation, req.Name), verTDS74)
			if err != nil || again.Name != req.Name || again.Isolation != req.Isolation {
				t.Fatalf("round trip of %+v: %+v, %v", req, again, err)
			}
		}
	})
}

func FuzzNTLMNegotiate(f *testing.F) {
	for _, s := range seedNTLMNegotiates() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := decodeNTLMNegotiate(data)
		if err != nil {
			var pe *protocolError
			if !errors.As(err, &pe) {
				t.Fatalf("unexpected error type: %v", err)
			}
			return
		}
		// Whatever decodes gets a CHALLENGE a client can read.
		x, err := newNTLMExchange(data, n, "EMULATOR", time.Unix(1700000000, 0))
		if err != nil {
			t.Fatal(err)
		}
		ch, err := decodeNTLMChallenge(x.challenge)
		if err != nil || ch.Flags != challengeFlags(n.Flags) || ch.ServerChallenge != x.serverChallenge {
			t.Fatalf("challenge %+v, %v", ch, err)
		}
		if _, _, err := avPairs(ch.TargetInfo); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzNTLMAuthenticate(f *testing.F) {
	for _, s := range seedNTLMAuthenticates() {
		f.Add(s)
	}
	cl := fuzzNTLMClient
	x := fuzzNTLMExchange(cl.negotiateMessage())
	hash := ntHash(cl.Password)
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := decodeNTLMAuthenticate(data)
		if err != nil {
			var pe *protocolError
			if !errors.As(err, &pe) {
				t.Fatalf("unexpected error type: %v", err)
			}
			return
		}
		if r := x.verify(hash, a, data); r.OK != (r.Failure == "") {
			t.Fatalf("result %+v", r)
		}
		// Decoding is stable: what decoded encodes and decodes the same.
		again, err := decodeNTLMAuthenticate(encodeNTLMAuthenticate(a))
		if err != nil {
			t.Fatalf("re-encoded AUTHENTICATE does not decode: %v", err)
		}
		if again.Flags != a.Flags || again.Domain != a.Domain || again.User != a.User || again.Workstation != a.Workstation ||
			!bytes.Equal(again.LMResponse, a.LMResponse) || !bytes.Equal(again.NTResponse, a.NTResponse) ||
			!bytes.Equal(again.SessionKey, a.SessionKey) || again.wantsMIC() != a.wantsMIC() {
			t.Fatalf("round trip changed %+v into %+v", a, again)
		}
	})
}

// The AUTHENTICATE seeds reach every outcome of the check, so the fuzzer
// starts from each path.
func TestNTLMAuthenticateSeedsReachEveryOutcome(t *testing.T) {
	cl := fuzzNTLMClient
	x := fuzzNTLMExchange(cl.negotiateMessage())
	var got []string
	for _, s := range seedNTLMAuthenticates() {
		a, err := decodeNTLMAuthenticate(s)
		if err != nil {
			t.Fatal(err)
		}
		r := x.verify(ntHash(cl.Password), a, s)
		got = append(got, fmt.Sprintf("%v/%s/%v", r.OK, r.Response, r.MIC))
	}
	want := "true/NTLMv2/false true/NTLMv2/false true/LMv2/false true/NTLMv2/true true/NTLMv2/false false//false false//false"
	if strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
}
