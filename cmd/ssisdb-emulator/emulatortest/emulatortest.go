// Package emulatortest starts an SSISDB emulator inside a Go test, on
// 127.0.0.1 and a free port, the way net/http/httptest serves HTTP tests:
//
//	func TestDeploy(t *testing.T) {
//		srv := emulatortest.New(t)           // stopped by t.Cleanup
//		db, _ := sql.Open("sqlserver", srv.DSN())
//		...
//	}
//
// The server has the demo catalog (folder1/project1/package1.dtsx,
// folder2/project2/package2.dtsx) and the Scale Out documentation's worker,
// unless the configuration says otherwise.
package emulatortest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-emulator/emulator"
)

// Server is a running emulator.
type Server struct {
	*emulator.Emulator
	cfg emulator.Config
}

// Option changes the configuration before the server starts.
type Option func(*emulator.Config)

// WithConfig replaces the whole configuration (its addresses are still
// forced to 127.0.0.1:0 unless set).
func WithConfig(c emulator.Config) Option { return func(cfg *emulator.Config) { *cfg = c } }

// WithLogin adds a login (for example `CONTOSO\alice` with ssis_admin).
func WithLogin(l emulator.Login) Option {
	return func(cfg *emulator.Config) { cfg.Logins = append(cfg.Logins, l) }
}

// WithHTTP serves the health, metrics and console endpoints too.
func WithHTTP() Option { return func(cfg *emulator.Config) { cfg.HTTPAddr = "127.0.0.1:0" } }

// NewServer starts a server and returns it; call Close when done.
func NewServer(opts ...Option) (*Server, error) {
	cfg := emulator.Defaults()
	cfg.Addr = "127.0.0.1:0"
	cfg.HTTPAddr = ""
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if err := cfg.Validate("emulatortest"); err != nil {
		return nil, err
	}
	em, err := emulator.New(cfg, emulator.Options{})
	if err != nil {
		return nil, err
	}
	if err := em.Start(); err != nil {
		_ = em.Close(context.Background())
		return nil, err
	}
	return &Server{Emulator: em, cfg: cfg}, nil
}

// New starts a server for t and stops it when the test ends.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := NewServer(opts...)
	if err != nil {
		t.Fatalf("emulatortest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// DSN is a go-mssqldb URL for sa, database SSISDB.
func (s *Server) DSN() string { return s.SADSN() }

// LoginDSN is a go-mssqldb URL for another login, database SSISDB.
func (s *Server) LoginDSN(login, password string) string { return s.Emulator.DSN(login, password) }

// Addr is the TDS address, host:port.
func (s *Server) Addr() string { return s.TDSAddr() }

// ODBC is a FreeTDS ODBC connection string for sa.
func (s *Server) ODBC() string {
	host, port := splitHostPort(s.TDSAddr())
	return fmt.Sprintf("DRIVER={FreeTDS};SERVER=%s;PORT=%s;UID=sa;PWD=%s;DATABASE=SSISDB;", host, port, s.cfg.SAPassword)
}

// Close stops the server, giving running requests a few seconds.
func (s *Server) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.Emulator.Close(ctx)
}

func splitHostPort(a string) (string, string) {
	for i := len(a) - 1; i >= 0; i-- {
		if a[i] == ':' {
			return a[:i], a[i+1:]
		}
	}
	return a, "1433"
}
