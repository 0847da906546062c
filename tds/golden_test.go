package tds_test

import (
	"bytes"
	"encoding/hex"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds/tdstest"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata/golden")

// recorder keeps what a client writes and reads, message by message.
type recorder struct {
	net.Conn
	mu      sync.Mutex
	entries []entry
	pending []byte
}

type entry struct {
	out bool // client to server
	b   []byte
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	r.flushRead()
	if n := len(r.entries); n > 0 && r.entries[n-1].out {
		r.entries[n-1].b = append(r.entries[n-1].b, p...)
	} else {
		r.entries = append(r.entries, entry{out: true, b: append([]byte(nil), p...)})
	}
	r.mu.Unlock()
	return r.Conn.Write(p)
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.Conn.Read(p)
	r.mu.Lock()
	r.pending = append(r.pending, p[:n]...)
	r.mu.Unlock()
	return n, err
}

func (r *recorder) flushRead() {
	if len(r.pending) > 0 {
		r.entries = append(r.entries, entry{b: r.pending})
		r.pending = nil
	}
}

// transcript formats the recorded exchange: each packet's header, a hex
// dump, and the decoded tokens of every server reply.
func (r *recorder) transcript(title string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.flushRead()
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n# Regenerate with: go test ./tds -run TestGolden -update\n", title)
	prelogin := false // the last client message was PRELOGIN
	for _, e := range r.entries {
		dir := "client -> server"
		if !e.out {
			dir = "server -> client"
		}
		var payload []byte
		for off := 0; off < len(e.b); {
			typ, status, length, spid, id, err := tds.PacketHeader(e.b[off:])
			if err != nil || off+int(length) > len(e.b) {
				fmt.Fprintf(&b, "\n## %s: %d undecodable bytes\n%s", dir, len(e.b)-off, hex.Dump(e.b[off:]))
				break
			}
			fmt.Fprintf(&b, "\n## %s: packet type 0x%02X status 0x%02X length %d spid %d id %d\n", dir, typ, status, length, spid, id)
			if e.out {
				prelogin = typ == tds.PktPrelogin
			}
			b.WriteString(hex.Dump(e.b[off : off+int(length)]))
			payload = append(payload, e.b[off+8:off+int(length)]...)
			off += int(length)
		}
		if e.out || len(payload) == 0 {
			continue
		}
		if prelogin {
			enc, err := tds.DecodePrelogin(payload)
			fmt.Fprintf(&b, "PRELOGIN reply: encryption %d (err %v)\n", enc, err)
			continue
		}
		toks, err := tds.ParseTokens(payload)
		for _, t := range toks {
			fmt.Fprintf(&b, "  %s\n", t)
		}
		if err != nil {
			fmt.Fprintf(&b, "  parse error: %v\n", err)
		}
	}
	return b.String()
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(want, []byte(got)) {
		t.Errorf("%s differs from the golden file; got:\n%s", path, got)
	}
}

func goldenClient(t *testing.T) (*tds.RawClient, *recorder) {
	srv := tdstest.Start(t, tds.Config{ServerName: "EMULATOR"}, nil)
	c, err := net.Dial("tcp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{Conn: c}
	rc := tds.NewRawClient(rec)
	t.Cleanup(func() { rc.Close() })
	return rc, rec
}

// TestGoldenLogin records PRELOGIN and a tedious-shaped LOGIN7 (with
// FeatureExt, so the reply carries FEATUREEXTACK) and the server's reply.
func TestGoldenLogin(t *testing.T) {
	rc, rec := goldenClient(t)
	if enc, err := rc.Prelogin(tds.EncryptNotSup); err != nil || enc != tds.EncryptNotSup {
		t.Fatalf("prelogin: %d, %v", enc, err)
	}
	toks, err := rc.LoginAs("tedious", tdstest.User, tdstest.Password, "master")
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, tk := range toks {
		kinds = append(kinds, strings.SplitN(tk.String(), "(", 2)[0])
	}
	// The order every client accepts.
	want := "ENV MSG ENV ENV MSG LOGINACK FEATUREEXTACK ENV DONEFD"
	if got := strings.Join(kinds, " "); got != want {
		t.Fatalf("login reply %q, want %q (%v)", got, want, toks)
	}
	checkGolden(t, "login.golden", rec.transcript("Login: PRELOGIN (no encryption) and a LOGIN7 with FeatureExt (UTF8_SUPPORT)"))
}

// TestGoldenRPCOutput records an RPC by name with OUTPUT parameters, sent
// with RESETCONNECTION as go-mssqldb does on a pooled connection's first
// request.
func TestGoldenRPCOutput(t *testing.T) {
	rc, rec := goldenClient(t)
	if err := rc.Connect(tdstest.User, tdstest.Password); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	rec.entries, rec.pending = nil, nil
	rec.mu.Unlock()
	coll := tds.DefaultCollation
	msg, err := tds.EncodeRPC(tds.RPCCall{Name: "dbo.bump", Params: []tds.Param{
		{Name: "@in", Type: tds.TypeInfo{ID: tds.TypeNVarChar, Size: 8, Collation: coll}, Value: "text"},
		{Name: "@n", Output: true, Type: tds.TypeInfo{ID: tds.TypeIntN, Size: 4}, Value: int64(41)},
		{Name: "@s", Output: true, Type: tds.TypeInfo{ID: tds.TypeNVarChar, Size: tds.MaxSize, Collation: coll}, Value: "abc"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.Send(tds.PktRPC, tds.StatusReset, msg); err != nil {
		t.Fatal(err)
	}
	toks, err := rc.RecvTokens()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tk := range toks {
		got = append(got, tk.String())
	}
	want := []string{
		`ENV(18 "" "" 0x0)`,
		"COLMETADATA(3)",
		"ROWD1[text 41 abc]",
		"DONEFF(st=0x11 cmd=0xc1 rows=1)",
		"RETURNSTATUS(42)",
		"RETURNVALUE(1 @n 42)",
		"RETURNVALUE(2 @s abc+)",
		"DONEFE(st=0x0 cmd=0x0 rows=0)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("tokens:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	checkGolden(t, "rpc_output.golden", rec.transcript("RPC dbo.bump with two OUTPUT parameters, first request after RESETCONNECTION"))
}
