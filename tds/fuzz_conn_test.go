package tds_test

import (
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds/tdstest"
)

// FuzzConn sends arbitrary bytes on a logged-in connection of a live
// server. Whatever arrives, the server must answer or close that
// connection, never hang, and never panic outside the fake engine's own
// "panic" command.
func FuzzConn(f *testing.F) {
	logs := &logBuffer{}
	srv := tdstest.Start(f, tds.Config{MaxMessageSize: 1 << 16,
		Logger: slog.New(slog.NewTextHandler(logs, nil))}, nil)
	pkt := func(typ, status uint8, payload []byte) []byte {
		n := len(payload) + 8
		return append([]byte{typ, status | 1, byte(n >> 8), byte(n), 0, 0, 1, 0}, payload...)
	}
	rpc, _ := tds.EncodeRPC(tds.RPCCall{Name: "echo", Params: []tds.Param{{Name: "@a", Type: tds.TypeInfo{ID: tds.TypeIntN, Size: 4}, Value: int64(1)}}})
	for _, seed := range [][]byte{
		pkt(tds.PktBatch, 0, tds.EncodeBatch("select 1")),
		pkt(tds.PktBatch, tds.StatusReset, tds.EncodeBatch("types")),
		pkt(tds.PktRPC, 0, rpc),
		pkt(tds.PktTransMgr, 0, tds.EncodeTransMgr(tds.TMBegin, "")),
		append(pkt(tds.PktBatch, 0, tds.EncodeBatch("wait")), pkt(tds.PktAttention, 0, nil)...),
		pkt(tds.PktAttention, 0, nil),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rc := connectRaw(t, srv.Addr)
		conn := rc.Conn()
		conn.Write(data)
		conn.(*net.TCPConn).CloseWrite()
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		buf := make([]byte, 64<<10)
		for {
			if _, err := conn.Read(buf); err != nil {
				if ne, ok := err.(net.Error); ok && ne.Timeout() {
					t.Fatalf("the server neither answered nor closed after % X", data)
				}
				break
			}
		}
		for _, line := range strings.Split(logs.String(), "\n") {
			if strings.Contains(line, "panic") && !strings.Contains(line, "fake engine panic") {
				t.Fatalf("server panicked: %s", line)
			}
		}
	})
}
