package procs

import (
	"context"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/procs/scripttest"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

type recorder = scripttest.Recorder

// testSession opens a session on a fresh engine (the built-in catalog
// unless cfg names one).
func testSession(t testing.TB, cfg Config) *Session {
	t.Helper()
	e := New(cfg)
	s, _, err := e.Open(context.Background(), &tds.Login{UserName: "sa", SPID: 55})
	if err != nil {
		t.Fatal(err)
	}
	return s.(*Session)
}

func runBatch(t testing.TB, s *Session, sql string) (*recorder, error) {
	t.Helper()
	r := &recorder{}
	err := s.Batch(context.Background(), sql, r)
	return r, err
}
