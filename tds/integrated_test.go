package tds_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds/tdstest"
)

// dialNTLM connects, runs PRELOGIN without encryption and returns the
// client.
func dialNTLM(t *testing.T, addr string) *tds.RawClient {
	t.Helper()
	rc, err := tds.DialRaw(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rc.Close() })
	if _, err := rc.Prelogin(tds.EncryptNotSup); err != nil {
		t.Fatal(err)
	}
	return rc
}

func loginFailed(user string) string {
	return fmt.Sprintf(`MSG(18456,14,1 %q) DONEFD(st=0x2 cmd=0x0 rows=0)`, "Login failed for user '"+user+"'.")
}

const untrusted = `MSG(18452,14,1 "Login failed. The login is from an untrusted domain and cannot be used with Integrated authentication.") DONEFD(st=0x2 cmd=0x0 rows=0)`

// Integrated logins driven byte by byte against the fake's logins: sa (a
// SQL login) and CONTOSO\alice (Windows-style).
func TestIntegratedLogin(t *testing.T) {
	srv, m, _ := startWithMetrics(t, tds.Config{ServerName: "EMULATOR"})
	pw := tdstest.WindowsPassword
	cases := []struct {
		name     string
		client   tds.NTLMClient
		ok       bool
		userName string // Login.UserName on success, the name in 18456 otherwise
	}{
		{"NTLMv2", tds.NTLMClient{Domain: "CONTOSO", User: "alice", Password: pw, Workstation: "WS1"}, true, `CONTOSO\alice`},
		{"names in other cases", tds.NTLMClient{Domain: "contoso", User: "ALICE", Password: pw}, true, `contoso\ALICE`},
		{"no domain, one login with that user", tds.NTLMClient{User: "alice", Password: pw}, true, `CONTOSO\alice`},
		{"LMv2 keyed over the upper-cased domain, sent as typed", tds.NTLMClient{Domain: "contoso", User: "alice", Password: pw, Response: "lmv2", UpperDomain: true}, true, `contoso\alice`},
		{"with a MIC and key exchange", tds.NTLMClient{Domain: "CONTOSO", User: "alice", Password: pw, MIC: true}, true, `CONTOSO\alice`},
		{"wrong password", tds.NTLMClient{Domain: "CONTOSO", User: "alice", Password: "Wrong!Pass2"}, false, `CONTOSO\alice`},
		{"unknown login", tds.NTLMClient{Domain: "CONTOSO", User: "bob", Password: pw}, false, `CONTOSO\bob`},
		{"other domain", tds.NTLMClient{Domain: "FABRIKAM", User: "alice", Password: pw}, false, `FABRIKAM\alice`},
		{"SQL login, no domain", tds.NTLMClient{User: tdstest.User, Password: tdstest.Password}, false, tdstest.User},
		{"SQL login with a domain", tds.NTLMClient{Domain: "CONTOSO", User: tdstest.User, Password: tdstest.Password}, false, `CONTOSO\sa`},
		{"NTLMv1 response", tds.NTLMClient{Domain: "CONTOSO", User: "alice", Password: pw, Response: "v1"}, false, `CONTOSO\alice`},
		{"tampered MIC", tds.NTLMClient{Domain: "CONTOSO", User: "alice", Password: pw, MIC: true, TamperMIC: true}, false, `CONTOSO\alice`},
		{"anonymous", tds.NTLMClient{Response: "lmv2"}, false, `NT AUTHORITY\ANONYMOUS LOGON`},
	}
	fails := 0
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rc := dialNTLM(t, srv.Addr)
			before := len(srv.Handler.Logins())
			toks, challenge, err := rc.LoginNTLM(&c.client)
			if err != nil {
				t.Fatal(err)
			}
			if challenge == nil {
				t.Fatalf("no CHALLENGE: %s", summary(toks))
			}
			got := summary(toks)
			if !c.ok {
				fails++
				if got != loginFailed(c.userName) {
					t.Errorf("got  %s\nwant %s", got, loginFailed(c.userName))
				}
				expectClosed(t, rc.Conn())
				if n := len(srv.Handler.Logins()); n != before {
					t.Errorf("a session was opened")
				}
				return
			}
			if !strings.Contains(got, "LOGINACK") {
				t.Fatalf("login failed: %s", got)
			}
			l := srv.Handler.Logins()[before]
			if l.UserName != c.userName || !l.Integrated || l.Password != "" {
				t.Errorf("login %q integrated=%v password=%q", l.UserName, l.Integrated, l.Password)
			}
			if toks := batch(t, rc, "select 1"); summary(toks) != "COLMETADATA(1) ROWD1[1] DONEFD(st=0x10 cmd=0xc1 rows=1)" {
				t.Errorf("select 1: %s", summary(toks))
			}
		})
	}
	m.waitClosed(t, len(cases))
	if got := m.loginFailed.Load(); got != int64(fails) {
		t.Errorf("%d login failures counted, want %d", got, fails)
	}
}

// A wrong password and an unknown login get the same reply but for the
// name, as with SQL logins.
func TestIntegratedFailuresLookTheSame(t *testing.T) {
	srv := tdstest.Start(t, tds.Config{ServerName: "EMULATOR"}, nil)
	replies := map[string]string{}
	for _, c := range []struct{ name, user, password string }{
		{"wrong password", "alice", "Wrong!Pass2"},
		{"unknown login", "carol", tdstest.WindowsPassword}, // as long as alice
	} {
		rc := dialNTLM(t, srv.Addr)
		cl := &tds.NTLMClient{Domain: "CONTOSO", User: c.user, Password: c.password}
		if err := rc.Send(tds.PktLogin7, 0, loginWithSSPI(cl.NegotiateMessage())); err != nil {
			t.Fatal(err)
		}
		toks, err := rc.RecvTokens()
		if err != nil || len(toks) != 1 || toks[0].Kind() != tds.TokSSPI {
			t.Fatalf("%v %v", toks, err)
		}
		auth, err := cl.AuthenticateMessage(toks[0].SSPIData())
		if err != nil {
			t.Fatal(err)
		}
		if err := rc.Send(tds.PktSSPI, 0, auth); err != nil {
			t.Fatal(err)
		}
		_, raw, err := rc.Recv()
		if err != nil {
			t.Fatal(err)
		}
		replies[c.name] = strings.ReplaceAll(string(raw), string(utf16(`CONTOSO\`+c.user)), "USER")
	}
	if replies["wrong password"] != replies["unknown login"] || !strings.Contains(replies["unknown login"], "USER") {
		t.Errorf("the replies differ beyond the user name:\n%q\n%q", replies["wrong password"], replies["unknown login"])
	}
}

// loginWithSSPI is a go-mssqldb-like LOGIN7 for integrated security.
func loginWithSSPI(sspi []byte) []byte {
	p := tds.EncodeLogin7("", "")
	// EncodeLogin7 leaves SSPI empty; rebuild it with the token appended.
	n := len(p)
	p = append(p, sspi...)
	binary.LittleEndian.PutUint32(p[0:], uint32(len(p)))
	binary.LittleEndian.PutUint16(p[78:], uint16(n))
	binary.LittleEndian.PutUint16(p[80:], uint16(len(sspi)))
	p[25] |= 0x80 // fIntSecurity
	return p
}

// passwordOnly is an Authenticator without NT hashes.
type passwordOnly struct{ auth tdstest.Auth }

func (p passwordOnly) Authenticate(ctx context.Context, login, password string) bool {
	return p.auth.Authenticate(ctx, login, password)
}

func TestIntegratedLoginUntrusted(t *testing.T) {
	srv := tdstest.Start(t, tds.Config{}, nil)
	neg := (&tds.NTLMClient{Domain: "CONTOSO"}).NegotiateMessage()
	// A SPNEGO NegTokenInit, as a Kerberos-capable client sends.
	spnego := []byte{0x60, 0x28, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02, 0xa0, 0x1e}
	for _, c := range []struct {
		name string
		sspi []byte
	}{
		{"no SSPI data", nil},
		{"SPNEGO", spnego},
		{"truncated NTLM NEGOTIATE", neg[:12]},
		{"NTLM message of the wrong type", append(append([]byte(nil), neg[:8]...), 3, 0, 0, 0, 0, 0, 0, 0)},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc := dialNTLM(t, srv.Addr)
			toks, err := rc.LoginRaw(loginWithSSPI(c.sspi))
			if err != nil {
				t.Fatal(err)
			}
			if got := summary(toks); got != untrusted {
				t.Errorf("got %s", got)
			}
			expectClosed(t, rc.Conn())
		})
	}
	t.Run("malformed AUTHENTICATE", func(t *testing.T) {
		rc := dialNTLM(t, srv.Addr)
		toks, err := rc.LoginRaw(loginWithSSPI(neg))
		if err != nil || len(toks) != 1 || toks[0].Kind() != tds.TokSSPI {
			t.Fatalf("%v %v", toks, err)
		}
		rc.Send(tds.PktSSPI, 0, []byte("NTLMSSP\x00\x03\x00\x00\x00short"))
		toks, err = rc.RecvTokens()
		if err != nil || summary(toks) != untrusted {
			t.Errorf("got %s, %v", summary(toks), err)
		}
		expectClosed(t, rc.Conn())
	})
	t.Run("a request instead of AUTHENTICATE", func(t *testing.T) {
		rc := dialNTLM(t, srv.Addr)
		if _, err := rc.LoginRaw(loginWithSSPI(neg)); err != nil {
			t.Fatal(err)
		}
		rc.Send(tds.PktBatch, 0, tds.EncodeBatch("select 1"))
		expectClosed(t, rc.Conn())
	})
	if n := srv.Handler.Sessions(); n != 0 {
		t.Errorf("%d sessions opened", n)
	}

	// A server whose Authenticator has no NT hashes refuses integrated
	// logins before any challenge.
	h := tdstest.NewHandler()
	plain, err := tds.NewServer(tds.Config{Logger: tdstest.Logger(t)}, passwordOnly{tdstest.DefaultAuth()}, h)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go plain.Serve(ln)
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		plain.Shutdown(ctx)
	}()
	rc := dialNTLM(t, ln.Addr().String())
	toks, err := rc.LoginRaw(loginWithSSPI(neg))
	if err != nil || summary(toks) != untrusted {
		t.Errorf("without NT hashes: %s, %v", summary(toks), err)
	}
}

// The login timeout covers the NTLM exchange: a client that never answers
// the CHALLENGE is disconnected when it fires.
func TestIntegratedLoginTimeout(t *testing.T) {
	ft := &fakeTimers{added: make(chan *fakeTimer, 16)}
	srv, m, _ := startWithMetrics(t, tds.Config{AfterFunc: ft.AfterFunc})
	rc := dialNTLM(t, srv.Addr)
	timer := <-ft.added
	toks, err := rc.LoginRaw(loginWithSSPI((&tds.NTLMClient{}).NegotiateMessage()))
	if err != nil || len(toks) != 1 || toks[0].Kind() != tds.TokSSPI {
		t.Fatalf("%v %v", toks, err)
	}
	if timer.stopped.Load() {
		t.Fatal("the login timer stopped before the login ended")
	}
	timer.f()
	expectClosed(t, rc.Conn())
	m.waitClosed(t, 1)
}
