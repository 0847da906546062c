package tds_test

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/microsoft/go-mssqldb"

	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds/tdstest"
)

// waitFor polls cond until it holds or the deadline passes; it reports
// whether it held. Tests use it instead of sleeping for a state.
func waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// pkt frames payload as one packet of the given type and status, with the
// length field set to length (normally 8+len(payload)).
func pkt(typ, status byte, length int, payload []byte) []byte {
	b := make([]byte, 8, 8+len(payload))
	b[0], b[1] = typ, status
	binary.BigEndian.PutUint16(b[2:], uint16(length))
	b[6] = 1
	return append(b, payload...)
}

func randBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.UintN(256))
	}
	return b
}

// attack is one kind of hostile client: it gets a fresh TCP connection
// and an RNG, writes what it writes and returns; the server must close
// the connection or keep answering, never fall over.
type attack struct {
	name     string
	loggedIn bool // run PRELOGIN and LOGIN7 first
	send     func(c net.Conn, rc *tds.RawClient, rng *rand.Rand) error
}

var attacks = []attack{
	{"random bytes", false, func(c net.Conn, _ *tds.RawClient, rng *rand.Rand) error {
		_, err := c.Write(randBytes(rng, 1+rng.IntN(5000)))
		return err
	}},
	{"PRELOGIN header, random payload", false, func(c net.Conn, _ *tds.RawClient, rng *rand.Rand) error {
		p := randBytes(rng, rng.IntN(600))
		_, err := c.Write(pkt(0x12, 1, 8+len(p), p))
		return err
	}},
	{"truncated packet", false, func(c net.Conn, _ *tds.RawClient, rng *rand.Rand) error {
		_, err := c.Write(pkt(0x12, 1, 4000, randBytes(rng, rng.IntN(100))))
		return err
	}},
	{"length shorter than the header", false, func(c net.Conn, _ *tds.RawClient, rng *rand.Rand) error {
		_, err := c.Write(pkt(0x12, 1, rng.IntN(8), nil))
		return err
	}},
	{"random packets after login", true, func(c net.Conn, _ *tds.RawClient, rng *rand.Rand) error {
		for range 1 + rng.IntN(20) {
			p := randBytes(rng, rng.IntN(3000))
			types := []byte{0x01, 0x03, 0x06, 0x0E, 0x07, 0x10, 0x12, 0x04, 0xFF}
			if _, err := c.Write(pkt(types[rng.IntN(len(types))], byte(rng.UintN(2)), 8+len(p), p)); err != nil {
				return err
			}
		}
		return nil
	}},
	{"message over the size limit", true, func(c net.Conn, rc *tds.RawClient, rng *rand.Rand) error {
		return rc.Send(tds.PktBatch, 0, tds.EncodeBatch(string(randBytes(rng, 70_000))))
	}},
	{"mis-typed: LOGIN7 and PRELOGIN after login", true, func(c net.Conn, rc *tds.RawClient, rng *rand.Rand) error {
		if err := rc.Send(tds.PktLogin7, 0, tds.EncodeLogin7("sa", "x")); err != nil {
			return err
		}
		_, err := c.Write(pkt(0x12, 1, 8+10, randBytes(rng, 10)))
		return err
	}},
	{"invalid UTF-16 in a batch", true, func(c net.Conn, rc *tds.RawClient, rng *rand.Rand) error {
		p := tds.EncodeBatch("select 1")
		p = append(p, 0x00, 0xD8, 0x00, 0xDC, 0x00, 0xDC) // a lone low surrogate after a pair
		if err := rc.Send(tds.PktBatch, 0, p); err != nil {
			return err
		}
		_, _, err := rc.Recv()
		return err
	}},
	{"RPC with 5,000 random parameters", true, func(c net.Conn, rc *tds.RawClient, rng *rand.Rand) error {
		var params []tds.Param
		for i := range 5000 {
			params = append(params, tds.Param{Name: fmt.Sprintf("@p%d", i), Type: tds.TypeInfo{ID: tds.TypeIntN, Size: 4}, Value: int64(i)})
		}
		p, err := tds.EncodeRPC(tds.RPCCall{Name: "echo", Params: params})
		if err != nil {
			return err
		}
		// Flip a few bytes of the parameters' area.
		for range 1 + rng.IntN(4) {
			i := 40 + rng.IntN(len(p)-40)
			p[i] = byte(rng.UintN(256))
		}
		if err := rc.Send(tds.PktRPC, 0, p); err != nil {
			return err
		}
		_, _, err = rc.Recv()
		return err
	}},
	{"ATTENTION burst", true, func(c net.Conn, rc *tds.RawClient, rng *rand.Rand) error {
		for range 50 {
			if _, err := c.Write(pkt(0x06, 1, 8, nil)); err != nil {
				return err
			}
		}
		for range 50 {
			if _, _, err := rc.Recv(); err != nil {
				return err
			}
		}
		return nil
	}},
}

// TestHostileClients sends truncated, oversized, mis-typed and random
// packets on many connections at once while a go-mssqldb session keeps
// working; afterwards every hostile connection is closed and no goroutine
// is left behind.
func TestHostileClients(t *testing.T) {
	srv := tdstest.Start(t, tds.Config{MaxMessageSize: 64 << 10, Logger: slog.New(slog.DiscardHandler)}, nil)
	db, err := sql.Open("sqlserver", fmt.Sprintf("sqlserver://%s:%s@%s?encrypt=disable", tdstest.User, tdstest.Password, srv.Addr))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	healthy, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	selectOne := func() error {
		var one int
		if err := healthy.QueryRowContext(ctx, "select 1").Scan(&one); err != nil {
			return err
		}
		if one != 1 {
			return fmt.Errorf("select 1 gave %d", one)
		}
		return nil
	}
	if err := selectOne(); err != nil {
		t.Fatal(err)
	}
	baseConns := srv.Stats().ConnectionsActive
	baseGoroutines := runtime.NumGoroutine()

	// The healthy session works all along.
	stop := make(chan struct{})
	var healthyRuns atomic.Int64
	healthyErr := make(chan error, 1)
	go func() {
		defer close(healthyErr)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := selectOne(); err != nil {
				healthyErr <- err
				return
			}
			healthyRuns.Add(1)
		}
	}()

	var wg sync.WaitGroup
	var setupFailures atomic.Int64
	const rounds = 12
	for ai, a := range attacks {
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(ai), uint64(w)))
				for range rounds {
					func() {
						c, err := net.Dial("tcp", srv.Addr)
						if err != nil {
							setupFailures.Add(1)
							return
						}
						defer c.Close()
						c.SetDeadline(time.Now().Add(20 * time.Second))
						rc := tds.NewRawClient(c)
						if a.loggedIn {
							if err := rc.Connect(tdstest.User, tdstest.Password); err != nil {
								setupFailures.Add(1)
								return
							}
						}
						_ = a.send(c, rc, rng) // the server may close at any point
						// Read until the server closes or stops answering;
						// a reset is a close.
						c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
						io.Copy(io.Discard, c)
					}()
				}
			}()
		}
	}
	wg.Wait()
	close(stop)
	if err := <-healthyErr; err != nil {
		t.Fatalf("the healthy session failed during the attacks: %v", err)
	}
	if n := setupFailures.Load(); n > 0 {
		t.Errorf("%d hostile clients could not even connect and log in", n)
	}
	if healthyRuns.Load() == 0 {
		t.Error("the healthy session ran nothing during the attacks")
	}
	if !waitFor(20*time.Second, func() bool { return srv.Stats().ConnectionsActive == baseConns }) {
		t.Errorf("%d connections open after the attacks, want %d", srv.Stats().ConnectionsActive, baseConns)
	}
	if !waitFor(20*time.Second, func() bool { return runtime.NumGoroutine() <= baseGoroutines }) {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines after the attacks, %d before:\n%s", runtime.NumGoroutine(), baseGoroutines, buf[:runtime.Stack(buf, true)])
	}
	if err := selectOne(); err != nil {
		t.Fatalf("the healthy session after the attacks: %v", err)
	}
	var ne net.Error
	if err := healthy.PingContext(ctx); err != nil && !errors.As(err, &ne) {
		t.Fatal(err)
	}
	healthy.Close()
}
