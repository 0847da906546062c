package rawtds_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-emulator/emulatortest"
	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-load/rawtds"
)

func TestAgainstTheEmulator(t *testing.T) {
	srv := emulatortest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	c, err := rawtds.Dial(ctx, srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Connect(rawtds.Login7{User: "sa", Password: "yourStrong(!)Password", Database: "SSISDB"}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		sql     string
		ok      bool
		results bool
		number  int32
	}{
		{"SELECT 1", true, true, 0},
		{"PRINT 'hello'", true, false, 0},
		{"SELECT * FROM nowhere", false, false, 208},
		{"RAISERROR('boom', 16, 1)", false, false, 50000},
	}
	for _, tc := range cases {
		r, err := c.Batch(tc.sql)
		if err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		if r.OK() != tc.ok || r.Results != tc.results {
			t.Errorf("%s: ok %v results %v, want %v %v (final %+v, errors %v)", tc.sql, r.OK(), r.Results, tc.ok, tc.results, r.Final, r.Errors)
		}
		if tc.number != 0 && (len(r.Errors) == 0 || r.Errors[0].Number != tc.number) {
			t.Errorf("%s: errors %v, want %d", tc.sql, r.Errors, tc.number)
		}
	}
	r, err := c.Batch("PRINT 'hello'")
	if err != nil || len(r.Infos) != 1 || r.Infos[0].Text != "hello" {
		t.Errorf("PRINT: %v %+v", err, r)
	}

	bad, err := rawtds.Dial(ctx, srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	err = bad.Connect(rawtds.Login7{User: "sa", Password: "wrong"})
	var e *rawtds.Error
	if !errors.As(err, &e) || e.Number != 18456 || e.Text != "Login failed for user 'sa'." {
		t.Fatalf("wrong password: %v", err)
	}
}

func TestParseReplyStopsOnShortInput(t *testing.T) {
	for _, b := range [][]byte{nil, {0xAA}, {0xAA, 0xFF, 0xFF}, {0xFD, 1, 2}, {0xAE, 0x01, 0xFF, 0xFF, 0xFF, 0x7F}} {
		r := rawtds.ParseReply(b)
		if r.OK() {
			t.Errorf("%x: a truncated reply reads as OK", b)
		}
	}
}
